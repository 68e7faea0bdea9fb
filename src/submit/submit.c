/*
 * submit.c — the driver of the submit module: reads the statements of a
 * submit description in order (assignments, +Attr/-Attr, +=, @= heredocs,
 * if/elif/else/endif, include, error/warning, queue) the way HTCondor's
 * Parse_macros() does for submit files, stops at each queue statement to
 * produce its procs, and folds proc 0 into the cluster ad and every other
 * proc into its delta, as condor_submit sends them (HTCondor's submit.cpp
 * and submit_utils.cpp).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "classad/classad.h"
#include "util/bounds.h"
#include "version.h"
#include "submit/submit_int.h"

#define MULTI_QUEUE_WARNING \
	"Warning: Use of multiple queue statements in a single submit file " \
	"is deprecated. This functionality will be removed in the 25.x " \
	"feature series. To see how multiple queue statements can be " \
	"converted into one visit: https://htcondor.readthedocs.io/en/" \
	"latest/auto-redirect.html?category=example&tag=" \
	"convert-multi-queue-statements"

#define SYNTAX_ERROR \
	"syntax error: expected NAME = value, a keyword statement or a " \
	"queue statement"

/* ---- messages ---- */

/* Record the first error (later ones are consequences) and return -1. */
int
sub_fail(struct submit *s, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (s->err == NULL || s->err->reason[0] != '\0')
		return -1;
	s->err->line = line;
	va_start(ap, fmt);
	vsnprintf(s->err->reason, sizeof(s->err->reason), fmt, ap);
	va_end(ap);
	if (s->err->reason[0] == '\0')
		snprintf(s->err->reason, sizeof(s->err->reason), "error");
	return -1;
}

/* The same for a refusal only because the caller did not allow local
 * files: marked, so that the caller, which knows how it is allowed, can
 * say so (the submit language knows nothing of the program's settings). */
int
sub_fail_local(struct submit *s, int line, const char *fmt, ...)
{
	va_list	 ap;

	if (s->err == NULL || s->err->reason[0] != '\0')
		return -1;
	s->err->line = line;
	s->err->local_files = 1;
	va_start(ap, fmt);
	vsnprintf(s->err->reason, sizeof(s->err->reason), fmt, ap);
	va_end(ap);
	return -1;
}

/* Messages name the file as the submit text wrote it, as condor_submit's
 * do, not the server path it resolved to. */
int
sub_read_file(struct submit *s, int line, const char *path, const char *name,
    int ifexist, struct buf *text)
{
	char	 err[64];

	if (file_read_capped(path, SUBMIT_MAX_FILE, text, err,
	    sizeof(err)) == 0)
		return 0;
	if (ifexist && errno == ENOENT)
		return 1;
	if (errno == EFBIG)
		return sub_fail(s, line, "can't read file %s: too large", name);
	return sub_fail(s, line, "can't open file %s: %s", name,
	    strerror(errno));
}

/* Keep a warning while the submission is checked (not again while the
 * procs are produced); at most SUBMIT_MAX_WARNINGS. */
void
sub_warn(struct submit *s, const char *fmt, ...)
{
	va_list	 ap;
	char	*w, **nw;

	if (!s->counting || s->nwarn >= SUBMIT_MAX_WARNINGS)
		return;
	va_start(ap, fmt);
	if (vasprintf(&w, fmt, ap) == -1)
		w = NULL;
	va_end(ap);
	if (w == NULL)
		return;
	if ((nw = reallocarray(s->warn, s->nwarn + 1, sizeof(*nw))) == NULL) {
		free(w);
		return;
	}
	s->warn = nw;
	s->warn[s->nwarn++] = w;
}

/* ---- sources ---- */

static int
push_src(struct submit *s, const char *name, char *text, size_t len)
{
	struct ssrc	*src;

	if (s->nsrc >= SUBMIT_MAX_DEPTH) {
		free(text);
		return sub_fail(s, s->src[s->nsrc - 1].line, "includes nested "
		    "too deep");
	}
	src = &s->src[s->nsrc];
	memset(src, 0, sizeof(*src));
	if ((src->name = strdup(name)) == NULL) {
		free(text);
		return sub_fail(s, 0, "out of memory");
	}
	src->text = text;
	src->len = len;
	s->nsrc++;
	return 0;
}

static void
pop_src(struct submit *s)
{
	struct ssrc	*src = &s->src[--s->nsrc];

	free(src->name);
	free(src->text);
	memset(src, 0, sizeof(*src));
}

/* The line being read, in the outermost source (what the API reports). */
static int
cur_line(const struct submit *s)
{
	return s->nsrc > 0 ? s->src[0].line : 0;
}

/* include [ifexist] : FILE — only with local files allowed. */
static int
do_include(struct submit *s, const char *opts, const char *file)
{
	struct buf	 text = BUF_INIT;
	char		*path;
	size_t		 n;
	int		 rc, ifexist = 0;

	if (strcasestr(opts, "command") != NULL)
		return sub_fail(s, cur_line(s), "include command is not "
		    "allowed: submit text may not run programs on the server");
	if (strcasestr(opts, "ifexist") != NULL)
		ifexist = 1;
	if (!s->o.allow_local_files)
		return sub_fail_local(s, cur_line(s), "include is not allowed: "
		    "submit text may not read the server's files");
	if (file[0] != '/' && s->workdir == NULL)
		return sub_fail(s, cur_line(s), "include of the relative name %s "
		    "needs a working directory", file);
	if (file[0] == '/')
		path = strdup(file);
	else if (asprintf(&path, "%s/%s", s->workdir, file) == -1)
		path = NULL;
	if (path == NULL)
		return sub_fail(s, cur_line(s), "out of memory");
	rc = sub_read_file(s, cur_line(s), path, file, ifexist, &text);
	free(path);
	if (rc != 0)
		return rc == 1 ? 0 : -1;
	n = text.len;
	return push_src(s, file, buf_take(&text), n);
}

/* ---- if / elif / else / endif ---- */

static int
if_enabled(const struct submit *s)
{
	return s->nifs == 0 || (s->ifs[s->nifs - 1].live &&
	    s->ifs[s->nifs - 1].parent);
}

/* Decide a simple if condition: [!] defined NAME, [!] version OP x.y[.z],
 * or (after expansion) a boolean or a number. */
static int
if_cond(struct submit *s, const char *cond, int *out)
{
	const char	*p = cond, *q;
	char		*x, *end;
	int		 neg = 0, maj, min, pat, cmp, v;
	double		 d;

	while (*p == '!') {
		neg = !neg;
		p++;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (strncasecmp(p, "defined", 7) == 0 && isspace((unsigned char)p[7])) {
		for (p += 7; isspace((unsigned char)*p); p++)
			;
		if ((x = sub_expand(s, p)) == NULL)
			return -1;
		q = sub_lookup(s, x);
		*out = (q != NULL && *q != '\0') != neg;
		free(x);
		return 0;
	}
	if (strncasecmp(p, "version", 7) == 0 && isspace((unsigned char)p[7])) {
		for (p += 7; isspace((unsigned char)*p); p++)
			;
		q = p;
		while (*p && strchr("<>=!", *p))
			p++;
		maj = (int)strtol(p, &end, 10);
		min = *end == '.' ? (int)strtol(end + 1, &end, 10) : 0;
		pat = *end == '.' ? (int)strtol(end + 1, &end, 10) : 0;
		cmp = HTCONDOR_VERSION_MAJOR != maj ? HTCONDOR_VERSION_MAJOR - maj :
		    HTCONDOR_VERSION_MINOR != min ? HTCONDOR_VERSION_MINOR - min :
		    HTCONDOR_VERSION_PATCH - pat;
		if (strncmp(q, ">=", 2) == 0)
			v = cmp >= 0;
		else if (strncmp(q, "<=", 2) == 0)
			v = cmp <= 0;
		else if (strncmp(q, "==", 2) == 0)
			v = cmp == 0;
		else if (strncmp(q, "!=", 2) == 0)
			v = cmp != 0;
		else if (*q == '>')
			v = cmp > 0;
		else if (*q == '<')
			v = cmp < 0;
		else
			goto complex;
		*out = v != neg;
		return 0;
	}
	if ((x = sub_expand(s, p)) == NULL)
		return -1;
	for (q = x; isspace((unsigned char)*q); q++)
		;
	d = strtod(q, &end);
	while (end != q && isspace((unsigned char)*end))
		end++;
	if (sub_parse_bool(s, NULL, x, &v) == 0 || (end != q && *end == '\0' &&
	    (v = d != 0, 1))) {
		free(x);
		*out = v != neg;
		return 0;
	}
	free(x);
complex:
	return sub_fail(s, cur_line(s), "%s is not a valid if condition because "
	    "complex conditionals are not supported", cond);
}

/* Handle an if/elif/else/endif line: 1 when LINE was one, 0 when not,
 * -1 on error. */
static int
if_line(struct submit *s, const char *line)
{
	const char	*kw[] = { "if", "elif", "else", "endif" };
	struct iflevel	*l;
	size_t		 n;
	int		 k, v, parent;

	for (k = 0; k < 4; k++) {
		n = strlen(kw[k]);
		if (strncasecmp(line, kw[k], n) == 0 &&
		    (line[n] == '\0' || isspace((unsigned char)line[n])))
			break;
	}
	if (k == 4)
		return 0;
	line += n;
	while (isspace((unsigned char)*line))
		line++;
	l = s->nifs > 0 ? &s->ifs[s->nifs - 1] : NULL;
	switch (k) {
	case 0:
		if (s->nifs >= SUBMIT_MAX_IF_DEPTH)
			return sub_fail(s, cur_line(s), "if nested too deeply");
		v = 0;
		parent = if_enabled(s);
		if (parent && if_cond(s, line, &v) == -1)
			return -1;
		s->ifs[s->nifs] = (struct iflevel){ v, v, 0, parent };
		s->nifs++;
		return 1;
	case 1:
		if (l == NULL || l->in_else)
			return sub_fail(s, cur_line(s), "elif without if");
		v = 0;
		if (!l->taken && l->parent && if_cond(s, line, &v) == -1)
			return -1;
		l->live = !l->taken && v;
		l->taken |= l->live;
		return 1;
	case 2:
		if (l == NULL || l->in_else)
			return sub_fail(s, cur_line(s), "else without if");
		l->live = !l->taken;
		l->taken = 1;
		l->in_else = 1;
		return 1;
	default:
		if (l == NULL)
			return sub_fail(s, cur_line(s), "endif without if");
		s->nifs--;
		return 1;
	}
}

/* ---- statements ---- */

static int
is_op(int c)
{
	return c == '=' || c == ':';
}

/* NAME = RHS (OP '+' appends with SEP, doubled when DOUBLE). */
static int
assign(struct submit *s, const char *name, const char *rhs, int plus, int sep,
    int dbl)
{
	struct buf	 b = BUF_INIT;
	const char	*cur, *c;
	char		*v;
	int		 rc;

	for (c = name; *c; c++)
		if (!sub_is_idchar(*c))
			return sub_fail(s, cur_line(s), "Illegal Identifier: <%s>",
			    name);
	if (*name == '\0')
		return sub_fail(s, cur_line(s), "Illegal Identifier: <>");
	if (plus && (cur = names_get(&s->mt, name)) != NULL && *cur) {
		buf_adds(&b, cur);
		if (sep && dbl)
			buf_addf(&b, " %c%c ", sep, sep);
		else if (sep)
			buf_addc(&b, sep);
		else
			buf_addc(&b, ' ');
		buf_adds(&b, rhs);
		if (b.failed) {
			buf_free(&b);
			return sub_fail(s, cur_line(s), "value too long");
		}
		rhs = buf_str(&b);
	}
	s->errline = cur_line(s);
	v = sub_expand_self(s, rhs, name);
	buf_free(&b);
	if (v == NULL)
		return -1;
	rc = names_set(&s->mt, name, v);
	free(v);
	return rc == -1 ? sub_fail(s, cur_line(s), "too many macros") : 0;
}

/* A line that may be a queue statement: 1 when it is (and S->q is set
 * up), -1 otherwise. */
static int
queue_line(struct submit *s, const char *line, const char *why)
{
	const char	*args = sub_queue_args(line);

	if (args == NULL)
		return sub_fail(s, cur_line(s), "%s", why);
	if (s->nsrc > 1)
		return sub_fail(s, cur_line(s), "queue statement is not allowed "
		    "in an included file");
	s->nqueue++;
	if (q_parse(s, args, cur_line(s)) == -1)
		return -1;
	s->in_queue = 1;
	return 1;
}

/* The keyword statements: include, use, error, warning (OP ':'). */
static int
keyword(struct submit *s, char *name, const char *rhs, int *done)
{
	char	*w = name + (*name == '@'), *msg;
	size_t	 n;

	*done = 1;
	for (n = 0; w[n] && !isspace((unsigned char)w[n]); n++)
		;
	if (n == 7 && strncasecmp(w, "include", 7) == 0)
		return do_include(s, w + 7, rhs);
	if (w[n] != '\0' && !((n == 5 && strncasecmp(w, "error", 5) == 0) ||
	    (n == 3 && strncasecmp(w, "use", 3) == 0))) {
		*done = 0;
		return 0;
	}
	if (n == 3 && strncasecmp(w, "use", 3) == 0)
		return sub_fail(s, cur_line(s), "use %s: metaknobs and "
		    "templates are not supported", rhs);
	if ((n == 5 && strncasecmp(w, "error", 5) == 0) ||
	    (n == 7 && strncasecmp(w, "warning", 7) == 0)) {
		s->errline = cur_line(s);
		if ((msg = sub_expand(s, rhs)) == NULL)
			return -1;
		if (*w == 'e' || *w == 'E') {
			sub_fail(s, cur_line(s), "%s", msg);
			free(msg);
			return -1;
		}
		sub_warn(s, "Warning \"%s\", Line %d: %s",
		    s->src[s->nsrc - 1].name, s->src[s->nsrc - 1].line, msg);
		free(msg);
		return 0;
	}
	*done = 0;
	return 0;
}

/* NAME @=TAG: the following lines (comments and blank lines dropped)
 * joined with newlines, up to a line that is exactly @TAG. */
static int
heredoc(struct submit *s, const char *name, const char *tag)
{
	struct buf	 val = BUF_INIT, l = BUF_INIT;
	struct ssrc	*src = &s->src[s->nsrc - 1];
	int		 r, rc, closed = 0;

	val.cap = SUBMIT_MAX_VALUE;
	while ((r = sub_getline(src, &l)) == 1) {
		if (l.len == 0 || l.data[0] == '#')
			continue;
		if (l.data[0] == '@' && strcmp(l.data + 1, tag) == 0) {
			closed = 1;
			break;
		}
		if (val.len > 0)
			buf_addc(&val, '\n');
		buf_adds(&val, l.data);
	}
	if (!closed || val.failed)
		rc = sub_fail(s, cur_line(s), "Found end-of-file while scanning "
		    "for '@%s'", tag);
	else
		rc = assign(s, name, buf_str(&val), 0, 0, 0);
	buf_free(&val);
	buf_free(&l);
	return rc;
}

/* Handle one logical line (not blank, not a comment): 0, 1 when it was
 * a queue statement, -1 on error. */
static int
statement(struct submit *s, char *line)
{
	char	*p = line, *name_end, *rhs, *w = NULL, *name, *x;
	char	 op, save;
	int	 plus = 0, sep = 0, dbl = 0, done, rc;

	while (*p && !isspace((unsigned char)*p) && !is_op(*p))
		p++;
	if (*p == '\0')
		return queue_line(s, line, SYNTAX_ERROR);
	name_end = p;
	op = *p;
	if (!is_op(op)) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p && !is_op(*p) && *p != '@' && *p != '+')
			w = p;
		while (*p && !is_op(*p) && *p != '@' && *p != '+')
			p++;
		op = *p;
		if (op == '@') {
			if (p[1] == '=')
				p++;
			else
				op = 0;
		} else if (op == '+') {
			if (p[1] && strchr(",;|&*", p[1])) {
				sep = *++p;
				if (p[1] == sep) {
					dbl = 1;
					p++;
				}
			}
			if (p[1] == '=') {
				p++;
				plus = 1;
			} else
				op = 0;
		}
	}
	rhs = *p ? p + 1 : p;
	while (isspace((unsigned char)*rhs))
		rhs++;
	if (op == ':') {
		*p = '\0';
		rc = keyword(s, line, rhs, &done);
		*p = ':';
		if (done)
			return rc;
	}
	save = *name_end;
	if (w != NULL && op != ':')
		return queue_line(s, line, SYNTAX_ERROR);
	if ((op != '=' && op != '@' && op != '+') ||
	    (*name_end = '\0', strcasecmp(line, "queue") == 0)) {
		*name_end = save;
		return queue_line(s, line, "invalid queue statement.");
	}
	*name_end = '\0';
	s->errline = cur_line(s);
	if ((x = sub_expand(s, line)) == NULL)
		return -1;
	if (op == '=' && !plus && (*x == '+' || *x == '-')) {
		if (asprintf(&name, "MY.%s", x + 1) == -1) {
			free(x);
			return sub_fail(s, cur_line(s), "out of memory");
		}
		rc = names_set(&s->mt, name, *x == '+' ? rhs : "");
		free(name);
		free(x);
		return rc == -1 ? sub_fail(s, cur_line(s), "too many macros") : 0;
	}
	if (op == '@') {
		rc = heredoc(s, x, rhs);
		free(x);
		return rc;
	}
	rc = assign(s, x, rhs, plus, sep, dbl);
	free(x);
	return rc;
}

/* Read statements up to the next queue statement: 1 when one was found
 * (S->q set up), 0 at the end of the text, -1 on error. */
static int
read_to_queue(struct submit *s)
{
	struct buf	 line = BUF_INIT;
	char		*l;
	int		 r, rc = 0;

	while (s->nsrc > 0) {
		r = sub_getline(&s->src[s->nsrc - 1], &line);
		if (r == -1) {
			rc = sub_fail(s, cur_line(s), "line too long (more than "
			    "%u bytes)", SUBMIT_MAX_LINE);
			break;
		}
		if (r == 0) {
			if (s->nsrc == 1 && s->nifs > 0) {
				rc = sub_fail(s, cur_line(s), "endif(s) not found "
				    "before end-of-file");
				break;
			}
			pop_src(s);
			continue;
		}
		l = line.data;
		if (line.len == 0 || *l == '#')
			continue;
		if (*l == ':' && (s->nifs > 0 || (strncmp(l + 1, "if", 2) == 0 &&
		    (l[3] == '\0' || isspace((unsigned char)l[3])))))
			l++;
		if ((r = if_line(s, l)) != 0) {
			if (r == -1) {
				rc = -1;
				break;
			}
			continue;
		}
		if (!if_enabled(s))
			continue;
		if ((r = statement(s, l)) != 0) {
			rc = r;
			break;
		}
	}
	buf_free(&line);
	return rc;
}

/* ---- procs ---- */

static int	cluster_texts(struct submit *);

static void
free_texts(struct submit *s)
{
	while (s->nctext > 0)
		free(s->ctext[--s->nctext]);
	free(s->ctext);
	s->ctext = NULL;
}

/* Attributes that live only in the cluster ad. */
static int
cluster_only(const char *name)
{
	return strcasecmp(name, "ClusterId") == 0 ||
	    strcasecmp(name, "JobUniverse") == 0 ||
	    strcasecmp(name, "Owner") == 0 ||
	    strcasecmp(name, "JobSetName") == 0 ||
	    strcasecmp(name, "JobSetId") == 0;
}

static int
proc_only(const char *name)
{
	return strcasecmp(name, "ProcId") == 0 ||
	    strcasecmp(name, "JobStatus") == 0;
}

static int
copy_attr(struct classad *to, const struct classad *from, size_t i)
{
	struct classad_expr *e = classad_expr_copy(classad_expr_at(from, i));

	if (e == NULL)
		return -1;
	return classad_insert_parsed(to, classad_name_at(from, i), e);
}

/* Start the delta of a proc: ProcId, then JobStatus. */
static struct classad *
new_delta(struct submit *s, const struct classad *ad)
{
	struct classad	*d;
	long		 i;

	if ((d = classad_new()) == NULL)
		return NULL;
	if (classad_insert_int(d, "ProcId", s->procid) == -1 ||
	    (i = classad_index(ad, "JobStatus")) < 0 ||
	    copy_attr(d, ad, (size_t)i) == -1) {
		classad_free(d);
		return NULL;
	}
	return d;
}

/* Proc 0: everything but ProcId and JobStatus becomes the cluster ad
 * (ClusterId first). */
static int
fold_cluster(struct submit *s, const struct classad *ad)
{
	size_t	 i, n = classad_count(ad);

	classad_free(s->cluster_ad);
	if ((s->cluster_ad = classad_new()) == NULL ||
	    classad_insert_int(s->cluster_ad, "ClusterId", s->cluster) == -1)
		return sub_fail(s, s->q.line, "out of memory");
	for (i = 0; i < n; i++)
		if (!proc_only(classad_name_at(ad, i)) &&
		    copy_attr(s->cluster_ad, ad, i) == -1)
			return sub_fail(s, s->q.line, "out of memory");
	if (cluster_texts(s) == -1)
		return sub_fail(s, s->q.line, "out of memory");
	return 0;
}

/* Unparse every attribute of the cluster ad once, for make_delta(). */
static int
cluster_texts(struct submit *s)
{
	size_t	 i, n = classad_count(s->cluster_ad);

	free_texts(s);
	if ((s->ctext = calloc(n ? n : 1, sizeof(*s->ctext))) == NULL)
		return -1;
	s->nctext = n;
	for (i = 0; i < n; i++) {
		struct buf b = BUF_INIT;

		if (classad_unparse_old(classad_expr_at(s->cluster_ad, i),
		    &b) == -1 || b.failed || (s->ctext[i] = buf_take(&b)) == NULL) {
			buf_free(&b);
			return -1;
		}
	}
	return 0;
}

/* Does attribute NAME of the cluster ad print as E does? */
static int
same_value(struct submit *s, const char *name, const struct classad_expr *e)
{
	struct buf	 x = BUF_INIT;
	long		 i = classad_index(s->cluster_ad, name);
	int		 same;

	if (i < 0 || (size_t)i >= s->nctext)
		return 0;
	classad_unparse_old(e, &x);
	same = !x.failed && strcmp(buf_str(&x), s->ctext[i]) == 0;
	buf_free(&x);
	return same;
}

/* The delta of a proc > 0: what differs from the cluster ad. */
static int
make_delta(struct submit *s, const struct classad *ad, struct classad *d)
{
	const char	*name;
	size_t		 i, n = classad_count(ad);

	for (i = 0; i < n; i++) {
		name = classad_name_at(ad, i);
		if (proc_only(name) || cluster_only(name))
			continue;
		if (same_value(s, name, classad_expr_at(ad, i)))
			continue;
		if (copy_attr(d, ad, i) == -1)
			return sub_fail(s, s->q.line, "out of memory");
	}
	return 0;
}

/* Build the current proc and its delta. */
static int
build_proc(struct submit *s)
{
	struct classad	*ad = NULL;
	int		 rc = -1, r;

	s->errline = s->q.line;
	s->building = 1;
	r = sub_build_ad(s, &ad);
	s->building = 0;
	if (r == -1)
		goto done;
	if (classad_insert_int(ad, "ProcId", s->procid) == -1) {
		sub_fail(s, s->q.line, "out of memory");
		goto done;
	}
	classad_free(s->delta);
	if ((s->delta = new_delta(s, ad)) == NULL) {
		sub_fail(s, s->q.line, "out of memory");
		goto done;
	}
	if (s->procid == 0)
		rc = fold_cluster(s, ad);
	else
		rc = make_delta(s, ad, s->delta);
done:
	classad_free(ad);
	return rc;
}

/* Forget everything read and start over at the top of the text. */
static int
restart(struct submit *s)
{
	char	*t;

	while (s->nsrc > 0)
		pop_src(s);
	names_free(&s->mt);
	q_clear(&s->q);
	s->nifs = s->nqueue = s->nprocs = 0;
	s->in_queue = s->at_end = 0;
	s->procid = s->step = s->row = 0;
	s->warned_mem = s->warned_disk = 0;
	classad_free(s->cluster_ad);
	classad_free(s->delta);
	s->cluster_ad = s->delta = NULL;
	free_texts(s);
	if ((t = malloc(s->len + 1)) == NULL)
		return sub_fail(s, 0, "out of memory");
	memcpy(t, s->text, s->len);
	t[s->len] = '\0';
	return push_src(s, s->subfile != NULL ? s->subfile : "submit", t,
	    s->len);
}

/* Produce the next proc: 1, 0 at the end, -1 on error. */
static int
next_proc(struct submit *s)
{
	int	 r;

	for (;;) {
		if (s->in_queue) {
			if ((r = q_next(s)) == -1)
				return -1;
			if (r == 1)
				return build_proc(s) == -1 ? -1 : 1;
			s->in_queue = 0;
		}
		if (s->at_end)
			return 0;
		if ((r = read_to_queue(s)) == -1)
			return -1;
		if (r == 0) {
			s->at_end = 1;
			if (s->nqueue > 0)
				return 0;
			/* no queue statement at all: queue 1 */
			s->nqueue = 1;
			if (q_parse(s, "", cur_line(s)) == -1)
				return -1;
			s->in_queue = 1;
		}
	}
}

static char *
dup_opt(const char *v, int *bad)
{
	char	*d;

	if (v == NULL)
		return NULL;
	if ((d = strdup(v)) == NULL)
		*bad = 1;
	return d;
}

/* ---- the public functions ---- */

int
submit_parse(const char *text, size_t len, const struct submit_opts *opts,
    struct submit **out, struct submit_error *err)
{
	struct submit	*s;
	int		 bad = 0, r;

	*out = NULL;
	memset(err, 0, sizeof(*err));
	if (len > SUBMIT_MAX_TEXT) {
		snprintf(err->reason, sizeof(err->reason), "submit description "
		    "is too long (more than %u bytes)", SUBMIT_MAX_TEXT);
		return -1;
	}
	if (memchr(text, '\0', len) != NULL) {
		snprintf(err->reason, sizeof(err->reason), "submit description "
		    "contains a NUL byte");
		return -1;
	}
	if (opts->workdir != NULL && opts->workdir[0] != '/') {
		snprintf(err->reason, sizeof(err->reason), "workdir must be an "
		    "absolute path");
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -1;
	}
	s->o = *opts;
	s->mt.max = SUBMIT_MAX_MACROS;
	s->workdir = dup_opt(opts->workdir, &bad);
	s->fsdomain = dup_opt(opts->filesystem_domain, &bad);
	s->arch = dup_opt(opts->arch != NULL ? opts->arch : "X86_64", &bad);
	s->opsys = dup_opt(opts->opsys != NULL ? opts->opsys : "LINUX", &bad);
	s->owner = dup_opt(opts->owner, &bad);
	s->version = dup_opt(opts->version, &bad);
	s->platform = dup_opt(opts->platform, &bad);
	s->subfile = dup_opt(opts->submit_file, &bad);
	s->text = malloc(len + 1);
	s->maxprocs = opts->max_procs > 0 && opts->max_procs < SUBMIT_MAX_PROCS ?
	    opts->max_procs : SUBMIT_MAX_PROCS;
	if (bad || s->text == NULL) {
		submit_free(s);
		snprintf(err->reason, sizeof(err->reason), "out of memory");
		return -1;
	}
	memcpy(s->text, text, len);
	s->text[len] = '\0';
	s->len = len;
	s->cluster = 1;
	s->err = err;
	s->counting = 1;
	if (restart(s) == -1) {
		submit_free(s);
		return -1;
	}
	while ((r = next_proc(s)) == 1)
		;
	if (r == 0 && s->nprocs == 0)
		r = sub_fail(s, cur_line(s), "the submit description queues no "
		    "jobs");
	if (r == -1) {
		if (err->reason[0] == '\0')
			snprintf(err->reason, sizeof(err->reason), "error");
		submit_free(s);
		return -1;
	}
	if (s->nqueue > 1) {
		/* condor_submit prints it first */
		sub_warn(s, MULTI_QUEUE_WARNING);
		if (s->nwarn > 1) {
			char *w = s->warn[s->nwarn - 1];

			memmove(s->warn + 1, s->warn, (s->nwarn - 1) *
			    sizeof(*s->warn));
			s->warn[0] = w;
		}
	}
	s->total = s->nprocs;
	s->counting = 0;
	s->err = NULL;
	*out = s;
	return 0;
}

int
submit_proc_count(const struct submit *s)
{
	return s->total;
}

size_t
submit_warning_count(const struct submit *s)
{
	return s->nwarn;
}

const char *
submit_warning(const struct submit *s, size_t i)
{
	return i < s->nwarn ? s->warn[i] : NULL;
}

int
submit_begin(struct submit *s, int cluster_id, struct submit_error *err)
{
	memset(err, 0, sizeof(*err));
	s->err = err;
	if (cluster_id < 1) {
		snprintf(err->reason, sizeof(err->reason), "bad cluster id");
		s->err = NULL;
		return -1;
	}
	s->cluster = cluster_id;
	if (restart(s) == -1) {
		s->err = NULL;
		return -1;
	}
	s->err = NULL;
	return 0;
}

int
submit_next_proc(struct submit *s, int *procid,
    const struct classad **delta, struct submit_error *err)
{
	int	 r;

	memset(err, 0, sizeof(*err));
	s->err = err;
	r = next_proc(s);
	s->err = NULL;
	if (r == 1) {
		*procid = s->procid;
		*delta = s->delta;
	}
	return r;
}

const struct classad *
submit_cluster_ad(const struct submit *s)
{
	return s->cluster_ad;
}

void
submit_free(struct submit *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	while (s->nsrc > 0)
		pop_src(s);
	names_free(&s->mt);
	q_clear(&s->q);
	classad_free(s->cluster_ad);
	classad_free(s->delta);
	free_texts(s);
	for (i = 0; i < s->nwarn; i++)
		free(s->warn[i]);
	free(s->warn);
	free(s->workdir);
	free(s->fsdomain);
	free(s->arch);
	free(s->opsys);
	free(s->owner);
	free(s->version);
	free(s->platform);
	free(s->subfile);
	free(s->text);
	free(s);
}
