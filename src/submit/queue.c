/*
 * queue.c — the QUEUE statement (HTCondor's submit_utils.cpp,
 * SubmitForeachArgs): the count (a number or an integer expression), loop
 * variables, `in`, `from` (inline rows, a file, `table(...)` options and
 * header rows), `matching` globs (files/dirs/any), python-like slices, and
 * the iteration that sets $(Process), $(Step), $(Row) and the loop
 * variables for each proc, the way HTCondor's SubmitForeachArgs and
 * SubmitStepFromQArgs do.  Files and globs are read only when local files
 * are allowed, relative to the working directory.
 */
#include <limits.h>
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "util/buf.h"
#include "submit/submit_int.h"

/* Is LINE a queue statement?  Returns its arguments (past blanks), or
 * NULL.  "queue" needs a blank or the end after it; "iterate" may also
 * be spelled "iter". */
const char *
sub_queue_args(const char *line)
{
	const char	*p = NULL, *w;
	size_t		 n;

	if (strncasecmp(line, "queue", 5) == 0 &&
	    (line[5] == '\0' || isspace((unsigned char)line[5])))
		p = line + 5;
	else {
		for (w = line; *w && !isspace((unsigned char)*w); w++)
			;
		n = (size_t)(w - line);
		if (n >= 4 && n <= 7 && strncasecmp(line, "iterate", n) == 0)
			p = w;
	}
	if (p != NULL)
		while (isspace((unsigned char)*p))
			p++;
	return p;
}

void
q_clear(struct qstmt *q)
{
	size_t	 i;

	for (i = 0; i < q->nvars; i++)
		free(q->vars[i]);
	for (i = 0; i < q->nitems; i++)
		free(q->items[i]);
	free(q->items);
	memset(q, 0, sizeof(*q));
}

/* Append one item row (a copy of N bytes at P). */
static int
add_item(struct submit *s, const char *p, size_t n)
{
	struct qstmt	*q = &s->q;
	char		**ni;
	size_t		 ncap;

	if (q->nitems >= SUBMIT_MAX_ITEMS)
		return sub_fail(s, q->line, "too many queue items (more than "
		    "%d)", SUBMIT_MAX_ITEMS);
	if (q->nitems == q->itemcap) {
		ncap = q->itemcap ? q->itemcap * 2 : 16;
		if ((ni = reallocarray(q->items, ncap, sizeof(*ni))) == NULL)
			return sub_fail(s, q->line, "out of memory");
		q->items = ni;
		q->itemcap = ncap;
	}
	if ((q->items[q->nitems] = strndup(p, n)) == NULL)
		return sub_fail(s, q->line, "out of memory");
	q->nitems++;
	return 0;
}

/* Add the tokens of P (split at commas and blanks) as items. */
static int
add_tokens(struct submit *s, const char *p)
{
	size_t	 n;

	for (;;) {
		p += strspn(p, ", \t\r\n");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t\r\n");
		if (add_item(s, p, n) == -1)
			return -1;
		p += n;
	}
}

/* Add one line of items: a whole row for `from`, tokens otherwise. */
static int
add_line(struct submit *s, const char *p)
{
	if (s->q.mode == QF_FROM)
		return add_item(s, p, strlen(p));
	return add_tokens(s, p);
}

/* Find the first blank- or '('-delimited word of P that is one of the
 * NAMES (when SCAN is 0, look at the first word only).  Returns its
 * index or -1; *WORD is set to the start of the word examined last and
 * *END to the delimiter after it. */
static int
token_scan(char *p, const char *const *names, int nnames, int scan,
    char **word, char **end)
{
	char	*w = NULL;
	size_t	 n;
	int	 i;

	*word = NULL;
	for (; *p; p++) {
		if (isspace((unsigned char)*p) || *p == '(') {
			if (w != NULL) {
				n = (size_t)(p - w);
				for (i = 0; i < nnames; i++)
					if (strlen(names[i]) == n &&
					    strncasecmp(w, names[i], n) == 0) {
						*word = w;
						*end = p;
						return i;
					}
				if (!scan) {
					*word = w;
					*end = p;
					return -1;
				}
			}
			w = NULL;
		} else if (w == NULL)
			w = p;
	}
	*word = w;
	*end = p;
	return -1;
}

/* Parse "[start:end:step]" at P; returns the position after it, or NULL
 * when it is not a slice. */
static char *
parse_slice(struct qslice *sl, char *p)
{
	long	 v[3];
	char	*e;
	int	 i;

	sl->flags = 1;
	for (i = 0; i < 3; i++) {
		errno = 0;
		v[i] = strtol(p + 1, &e, 10);
		if (errno != 0 || v[i] > INT_MAX || v[i] < -INT_MAX)
			return NULL;
		if (e > p + 1)
			sl->flags |= 2 << i;
		p = e;
		if (*p == ']')
			break;
		if (*p != ':' || i == 2)
			return NULL;
	}
	if (*p != ']')
		return NULL;
	sl->start = (int)v[0];
	sl->end = i >= 1 ? (int)v[1] : 0;
	sl->step = i >= 2 ? (int)v[2] : 0;
	return p + 1;
}

/* Is TEXT a boolean?  Sets *B. */
static int
bool_word(const char *t, int *b)
{
	if (strcasecmp(t, "true") == 0 || strcmp(t, "1") == 0)
		*b = 1;
	else if (strcasecmp(t, "false") == 0 || strcmp(t, "0") == 0)
		*b = 0;
	else
		return -1;
	return 0;
}

/* Parse the options of table(...) between P and the matching ')'. */
static char *
parse_table(struct qtable *t, char *p)
{
	char	*close, *opt, *next, *eq, *v;
	long	 n;
	int	 b;

	*t = (struct qtable){ 0, 0, 0, 1, ',', 0 };
	if (*p != '(')
		return p;
	if ((close = strchr(p, ')')) == NULL)
		return NULL;
	*close = '\0';
	for (opt = p + 1; opt != NULL; opt = next) {
		if ((next = strchr(opt, ',')) != NULL)
			*next++ = '\0';
		while (isspace((unsigned char)*opt))
			opt++;
		for (v = opt + strlen(opt); v > opt && isspace((unsigned char)
		    v[-1]); )
			*--v = '\0';
		if (strcasecmp(opt, "standard") == 0) {
			*t = (struct qtable){ -1, 0, 1, 1, ',', 0 };
			continue;
		}
		if (strcasecmp(opt, "csv") == 0) {
			*t = (struct qtable){ -1, 0, 0, 1, ',', 0 };
			continue;
		}
		if ((eq = strchr(opt, '=')) == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		while (isspace((unsigned char)*v))
			v++;
		for (char *k = eq; k > opt && isspace((unsigned char)k[-1]); )
			*--k = '\0';
		if (strcasecmp(opt, "header") == 0) {
			if (strcasecmp(v, "none") == 0)
				t->header = -1;
			else if ((n = strtol(v, NULL, 10)) >= 0 && n < 1000000)
				t->header = (int)n;
		} else if (strcasecmp(opt, "skip") == 0) {
			if ((n = strtol(v, NULL, 10)) >= 0 && n < 1000000)
				t->skip = (int)n;
		} else if (strcasecmp(opt, "trim") == 0) {
			if (bool_word(v, &b) == 0)
				t->trim = b;
		} else if (strcasecmp(opt, "comma_sep") == 0) {
			if (bool_word(v, &b) == 0)
				t->sep = b ? ',' : 0;
		} else if (strcasecmp(opt, "sep") == 0)
			t->sep = (unsigned char)*v;
	}
	return close + 1;
}

/* A path relative to the working directory, or an error. */
static char *
local_path(struct submit *s, const char *name, const char *what)
{
	char	*p;

	if (!s->o.allow_local_files) {
		sub_fail_local(s, s->q.line, "%s is not allowed: submit text "
		    "may not read the server's files", what);
		return NULL;
	}
	if (name[0] == '/')
		p = strdup(name);
	else if (s->workdir == NULL) {
		sub_fail(s, s->q.line, "%s needs a working directory for the "
		    "relative name %s", what, name);
		return NULL;
	} else if (asprintf(&p, "%s/%s", s->workdir, name) == -1)
		p = NULL;
	if (p == NULL)
		sub_fail(s, s->q.line, "out of memory");
	return p;
}

/* Read the rows of the items file NAME. */
static int
items_file(struct submit *s, const char *name)
{
	struct ssrc	 src = { 0 };
	struct buf	 line = BUF_INIT, text = BUF_INIT;
	char		*path;
	int		 rc = -1, r;

	if ((path = local_path(s, name, "queue ... from a file")) == NULL)
		return -1;
	r = sub_read_file(s, s->q.line, path, name, 0, &text);
	free(path);
	if (r == -1)
		return -1;
	src.text = text.data;
	src.len = text.len;
	/* every line is a row, even a blank one (it repeats the last row) */
	while ((r = sub_getline(&src, &line)) == 1)
		if (add_item(s, buf_str(&line), line.len) == -1)
			goto done;
	if (r == -1) {
		sub_fail(s, s->q.line, "line too long in %s", name);
		goto done;
	}
	rc = 0;
done:
	buf_free(&line);
	buf_free(&text);
	return rc;
}

/* Expand the glob patterns collected as items into the names they
 * match (relative, as written), keeping files, directories or both.  As
 * in condor_submit's submit_expand_globs(), GLOB_MARK ends each directory
 * with a slash, which $(item) and an initialdir built from it keep. */
static int
items_glob(struct submit *s)
{
	struct qstmt	*q = &s->q;
	char		**pats = q->items, *pat;
	size_t		 npats = q->nitems, i, j, pre;
	struct stat	 st;
	glob_t		 g;
	int		 isdir;

	q->items = NULL;
	q->nitems = q->itemcap = 0;
	for (i = 0; i < npats; i++) {
		if ((pat = local_path(s, pats[i], "queue ... matching")) == NULL)
			goto fail;
		pre = pats[i][0] == '/' ? 0 : strlen(s->workdir) + 1;
		memset(&g, 0, sizeof(g));
		if (glob(pat, GLOB_MARK, NULL, &g) == 0) {
			for (j = 0; j < g.gl_pathc; j++) {
				if (stat(g.gl_pathv[j], &st) == -1)
					continue;
				isdir = S_ISDIR(st.st_mode);
				if ((q->mode == QF_MATCH_FILES && isdir) ||
				    (q->mode == QF_MATCH_DIRS && !isdir))
					continue;
				if (add_item(s, g.gl_pathv[j] + pre,
				    strlen(g.gl_pathv[j] + pre)) == -1) {
					globfree(&g);
					free(pat);
					goto fail;
				}
			}
		}
		globfree(&g);
		free(pat);
	}
	for (i = 0; i < npats; i++)
		free(pats[i]);
	free(pats);
	return 0;
fail:
	for (i = 0; i < npats; i++)
		free(pats[i]);
	free(pats);
	return -1;
}

/* Read the rest of a multi-line item list from the submit text, up to a
 * line that starts with ')'. */
static int
items_inline(struct submit *s)
{
	struct ssrc	*src = &s->src[s->nsrc - 1];
	struct buf	 line = BUF_INIT;
	int		 r, begin = src->line, rc = -1;

	while ((r = sub_getline(src, &line)) == 1) {
		if (line.len > 0 && line.data[0] == '#')
			continue;
		if (line.len > 0 && line.data[0] == ')') {
			rc = 0;
			break;
		}
		if (add_line(s, buf_str(&line)) == -1)
			goto done;
	}
	if (r == -1)
		sub_fail(s, src->line, "line too long");
	else if (rc == -1)
		sub_fail(s, src->line, "Reached end of file without finding "
		    "closing brace ')' for Queue command on line %d", begin);
done:
	buf_free(&line);
	return rc;
}

/* Split one row into at most NCOLS values the way HTCondor's
 * split_item() does; the last value keeps the rest of the row.  VALS
 * receives copies. */
static int
split_row(const struct qtable *t, const char *row, size_t ncols,
    char **vals, size_t *nvals)
{
	const char	*b = row, *e = row + strlen(row), *sep, *ws, *ve;
	char		 seps[4] = ", \t", *sp;
	size_t		 n = 0, k;

	ws = (t->legacy || t->trim) ? " \t" : NULL;
	if (t->legacy && strchr(row, '\x1f') != NULL) {
		seps[0] = '\x1f';
		seps[1] = '\0';
	} else if (!t->legacy) {
		sp = seps;
		if (t->sep)
			*sp++ = (char)t->sep;
		if (t->ws_sep) {
			*sp++ = ' ';
			*sp++ = '\t';
		}
		*sp = '\0';
	}
	if (ws != NULL) {
		while (b < e && strchr(ws, *b) && *b)
			b++;
		while (e > b && strchr(ws, e[-1]))
			e--;
	}
	*nvals = 0;
	if (b == e)
		return 0;
	while (n < ncols) {
		k = strcspn(b, seps);
		sep = b + k < e && *seps ? b + k : NULL;
		if (sep == NULL || n + 1 == ncols) {
			if ((vals[n++] = strndup(b, (size_t)(e - b))) == NULL)
				goto fail;
			break;
		}
		ve = sep;
		if (ws != NULL)
			while (ve > b && strchr(ws, ve[-1]))
				ve--;
		if ((vals[n++] = strndup(b, (size_t)(ve - b))) == NULL)
			goto fail;
		b = sep + 1;
		if (ws != NULL)
			while (b < e && strchr(ws, *b) && *b)
				b++;
	}
	*nvals = n;
	return 0;
fail:
	while (n > 0)
		free(vals[--n]);
	return -1;
}

/* With a header row, take the variable names from it and drop it (and
 * the rows to skip). */
static int
load_schema(struct submit *s)
{
	struct qstmt	*q = &s->q;
	char		*vals[SUBMIT_MAX_VARS];
	size_t		 n, i, drop;
	int		 h = q->table.header;

	if (h < 0 || q->mode != QF_FROM)
		return 0;
	if ((size_t)h >= q->nitems)
		return sub_fail(s, q->line, "Heading row %d is beyond the end "
		    "of table", h);
	if (split_row(&q->table, q->items[h], SUBMIT_MAX_VARS, vals, &n) == -1)
		return sub_fail(s, q->line, "out of memory");
	if (n == 0)
		return sub_fail(s, q->line, "No column headings found on row %d "
		    "in table", h);
	for (i = 0; i < n; i++) {
		const char *c;

		for (c = vals[i]; *c && sub_is_idchar(*c); c++)
			;
		if (*c != '\0' || vals[i][0] == '\0') {
			sub_fail(s, q->line, "Columns %zu have names that are "
			    "not allowed : %s", i + 1, vals[i]);
			while (n > 0)
				free(vals[--n]);
			return -1;
		}
	}
	for (i = 0; i < q->nvars; i++)
		free(q->vars[i]);
	memcpy(q->vars, vals, n * sizeof(*vals));
	q->nvars = n;
	drop = (size_t)h + 1 + (h > 0 ? (size_t)q->table.skip : 0);
	if (drop > q->nitems)
		drop = q->nitems;
	for (i = 0; i < drop; i++)
		free(q->items[i]);
	memmove(q->items, q->items + drop, (q->nitems - drop) *
	    sizeof(*q->items));
	q->nitems -= drop;
	return 0;
}

/* Parse the count text [P, END): a number or an integer expression. */
static int
parse_count(struct submit *s, char *p, char *end)
{
	long long	 v;
	double		 d;
	int		 isreal;

	while (end > p && isspace((unsigned char)end[-1]))
		end--;
	*end = '\0';
	if (*p == '\0') {
		s->q.count = 1;
		return 0;
	}
	if (sub_number(p, &isreal, &v, &d) == -1 || isreal)
		return sub_fail(s, s->q.line, "Invalid Queue count expression");
	if (v < 0 || v >= INT_MAX)
		return sub_fail(s, s->q.line, "Queue count out of range");
	s->q.count = v > 1 ? (int)v : 1;
	return 0;
}

/* Split the variable list [P, END) at commas and blanks. */
static int
parse_vars(struct submit *s, char *p)
{
	size_t	 n;

	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			return 0;
		n = strcspn(p, ", \t");
		if (s->q.nvars >= SUBMIT_MAX_VARS)
			return sub_fail(s, s->q.line, "too many queue variables");
		if ((s->q.vars[s->q.nvars++] = strndup(p, n)) == NULL)
			return sub_fail(s, s->q.line, "out of memory");
		p += n;
	}
}

/* Scan back from the keyword over the loop variables: letters, digits
 * after a letter, '_', '.', ',' and blanks.  Returns their start. */
static char *
vars_start(char *args, char *kw)
{
	char	*pv = kw, *pt;
	char	 ch;

	while (pv > args && isspace((unsigned char)pv[-1]))
		pv--;
	*pv = '\0';
	pt = pv;
	while (pt > args) {
		ch = pt[-1];
		if (isdigit((unsigned char)ch)) {
			--pt;
			while (pt > args) {
				ch = pt[-1];
				if (isalpha((unsigned char)ch))
					break;
				if (!isdigit((unsigned char)ch)) {
					ch = '!';
					break;
				}
				--pt;
			}
		}
		if (isspace((unsigned char)ch) || isalpha((unsigned char)ch) ||
		    ch == ',' || ch == '_' || ch == '.')
			pv = pt - 1;
		else
			break;
		--pt;
	}
	return pv;
}

/* The qualifiers after the keyword: files/dirs/any, table(...), slice. */
static char *
qualifiers(struct submit *s, char *p)
{
	static const char *const quals[] = { "files", "dirs", "any", "table" };
	struct qstmt	*q = &s->q;
	char		*w, *end, *p2;
	int		 k;

	while (*p && *p != '(') {
		k = token_scan(p, quals, 4, 0, &w, &end);
		if (w != NULL && *w == '[') {
			if ((p2 = parse_slice(&q->slice, w)) == NULL) {
				sub_fail(s, q->line, "Invalid [::] statement");
				return NULL;
			}
		} else if (k < 0)
			break;
		else if (k < 3) {
			if (q->mode != QF_MATCH) {
				sub_fail(s, q->line, "Queue keyword conflict");
				return NULL;
			}
			q->mode = k == 0 ? QF_MATCH_FILES : k == 1 ?
			    QF_MATCH_DIRS : QF_MATCH_ANY;
			p2 = end;
		} else {
			if (q->mode != QF_FROM) {
				sub_fail(s, q->line, "Queue keyword conflict");
				return NULL;
			}
			if ((p2 = parse_table(&q->table, end)) == NULL) {
				sub_fail(s, q->line, "Invalid TABLE options");
				return NULL;
			}
		}
		if (p2 == p)
			break;
		p = p2;
		while (isspace((unsigned char)*p))
			p++;
	}
	return p;
}

/* Parse the (expanded) arguments of a queue statement and load its
 * items, as parse_queue_args() and load_*_q_foreach_items() do. */
static int
parse_args(struct submit *s, char *args)
{
	static const char *const kws[] = { "in", "from", "matching" };
	struct qstmt	*q = &s->q;
	char		*w, *p, *plist, *pv;
	size_t		 n;
	int		 k;

	q->table = (struct qtable){ -1, 0, 1, 1, ',', 1 };
	while (isspace((unsigned char)*args))
		args++;
	k = token_scan(args, kws, 3, 1, &w, &p);
	if (k < 0)
		return parse_count(s, args, args + strlen(args));
	q->mode = k == 0 ? QF_IN : k == 1 ? QF_FROM : QF_MATCH;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '(' && (p = qualifiers(s, p)) == NULL)
		return -1;
	q->table.legacy = q->table.header == -1 && q->table.skip == 0 &&
	    q->table.ws_sep && q->table.trim && q->table.sep == ',';
	plist = p;
	n = strlen(plist);
	if (*plist == '(' && n > 1 && plist[n - 1] == ')') {
		plist[n - 1] = '\0';
		plist++;
		while (isspace((unsigned char)*plist))
			plist++;
		if (q->mode == QF_FROM ? *plist && add_item(s, plist,
		    strlen(plist)) == -1 : add_tokens(s, plist) == -1)
			return -1;
	} else if (*plist == '(') {
		plist++;
		while (isspace((unsigned char)*plist))
			plist++;
		if (*plist && add_line(s, plist) == -1)
			return -1;
		if (items_inline(s) == -1)
			return -1;
	} else if (q->mode == QF_FROM) {
		while (n > 0 && isspace((unsigned char)plist[n - 1]))
			plist[--n] = '\0';
		if (strcmp(plist, "-") == 0)
			return sub_fail(s, q->line, "QUEUE FROM - (read from "
			    "stdin) is not allowed in this context");
		if (n > 0 && plist[n - 1] == '|')
			return sub_fail(s, q->line, "queue ... from a command is "
			    "not allowed");
		if (items_file(s, plist) == -1)
			return -1;
	} else if (add_tokens(s, plist) == -1)
		return -1;
	if (q->mode >= QF_MATCH && items_glob(s) == -1)
		return -1;
	pv = vars_start(args, w);
	if (parse_vars(s, pv) == -1)
		return -1;
	if (q->nvars == 0 && (q->vars[q->nvars++] = strdup("Item")) == NULL)
		return sub_fail(s, q->line, "out of memory");
	if (load_schema(s) == -1)
		return -1;
	return parse_count(s, args, pv);
}

static int	slice_len(const struct qslice *, int);

/* Set up iteration of the queue statement whose raw arguments are ARGS
 * on LINE: expand them, parse, load the items. */
int
q_parse(struct submit *s, const char *args, int line)
{
	char	*x;
	int	 rc;

	q_clear(&s->q);
	s->q.line = line;
	s->q.count = 1;
	s->errline = line;
	if ((x = sub_expand(s, args)) == NULL)
		return -1;
	rc = parse_args(s, x);
	free(x);
	s->q.first_proc = s->nprocs;
	if (rc == 0) {
		long long n = (long long)s->q.count * (s->q.mode == QF_NOT ? 1 :
		    slice_len(&s->q.slice, (int)s->q.nitems));

		if (s->nprocs + n > s->maxprocs)
			rc = sub_fail(s, line, "too many jobs: the limit is %d",
			    s->maxprocs);
	}
	return rc;
}

/* The number of items the slice selects out of LEN. */
static int
slice_len(const struct qslice *sl, int len)
{
	int	 is = 0, ie = len, n;

	if (!(sl->flags & 1))
		return len;
	if (sl->flags & 2)
		is = sl->start < 0 ? sl->start + len : sl->start;
	if (sl->flags & 4)
		ie = sl->end < 0 ? sl->end + len : sl->end;
	n = ie - is;
	if ((sl->flags & 8) && sl->step > 1)
		n = (n + sl->step - 1) / sl->step;
	return n < 0 ? 0 : n > len ? len : n;
}

/* Set the loop variables from row IX. */
static int
select_row(struct submit *s, size_t ix)
{
	struct qstmt	*q = &s->q;
	char		*vals[SUBMIT_MAX_VARS];
	size_t		 n, i;
	int		 rc = 0;

	if (split_row(&q->table, q->items[ix], q->nvars, vals, &n) == -1)
		return sub_fail(s, q->line, "out of memory");
	/* an empty row leaves the variables as they were */
	for (i = 0; n > 0 && i < q->nvars; i++)
		if (names_set(&s->mt, q->vars[i], i < n ? vals[i] : "") == -1)
			rc = sub_fail(s, q->line, "too many macros");
	for (i = 0; i < n; i++)
		free(vals[i]);
	return rc;
}

/* The statement is done: its loop variables go back to empty. */
static int
q_done(struct submit *s)
{
	struct qstmt	*q = &s->q;
	size_t		 i;

	q->done = 1;
	for (i = 0; q->mode != QF_NOT && i < q->nvars; i++)
		if (names_set(&s->mt, q->vars[i], "") == -1)
			return sub_fail(s, q->line, "too many macros");
	return 0;
}

/* Advance to the next proc of the current queue statement: 1 with the
 * live values set, 0 when the statement is done, -1 on error. */
int
q_next(struct submit *s)
{
	struct qstmt	*q = &s->q;
	int		 iter = q->iter, ix, step, is, ie;

	if (q->done)
		return 0;
	if (iter == 0 && q->mode != QF_NOT &&
	    slice_len(&q->slice, (int)q->nitems) == 0) {
		return q_done(s);
	}
	ix = iter / q->count;
	step = iter % q->count;
	if (q->mode != QF_NOT && q->nitems > 0 && (q->slice.flags & 1)) {
		if ((q->slice.flags & 8) && q->slice.step <= 0)
			return sub_fail(s, q->line, "Assertion ERROR on (0)");
		is = 0;
		ie = (int)q->nitems;
		if (q->slice.flags & 2)
			is = q->slice.start < 0 ? q->slice.start + ie :
			    q->slice.start;
		if (q->slice.flags & 4)
			ie = q->slice.end < 0 ? q->slice.end + (int)q->nitems :
			    q->slice.end;
		ix = is + ix * ((q->slice.flags & 8) ? q->slice.step : 1);
		if (ix < is || ix >= ie) {
			return q_done(s);
		}
	}
	if (step == 0) {
		if (q->mode != QF_NOT && ix >= 0 && (size_t)ix < q->nitems) {
			if (select_row(s, (size_t)ix) == -1)
				return -1;
		} else if (iter != 0) {
			return q_done(s);
		}
	}
	if (s->nprocs >= s->maxprocs)
		return sub_fail(s, q->line, "too many jobs: the limit is %d",
		    s->maxprocs);
	s->procid = s->nprocs++;
	s->step = step;
	s->row = ix;
	q->iter++;
	return 1;
}
