/*
 * mfunc.c — the $FUNC() macro functions of the submit language (HTCondor's
 * config.cpp, evaluate_macro_func): $ENV (only when local files are
 * allowed), $RANDOM_CHOICE, $RANDOM_INTEGER, $CHOICE, $SUBSTR, $INT, $REAL,
 * $STRING, $EVAL, the $F<flags>() filename surgery, $BASENAME and $DIRNAME.
 * As in condor_submit, a value a function cannot compute is an error
 * message printed while the job is built, the macro expands to nothing and
 * the submit goes on: sub_func() returns 1 and the caller turns the message
 * into a warning.
 */
#include <limits.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/arith.h"
#include "util/buf.h"
#include "util/rand.h"
#include "classad/classad.h"
#include "classad/eval.h"
#include "submit/submit_int.h"


/* Evaluate TEXT as a number: plain arithmetic first, then any ClassAd
 * expression that evaluates to an integer. */
int
sub_number(const char *text, int *isreal, long long *i, double *d)
{
	struct classad_expr	*x;
	struct classad		*ad;
	int64_t			 v;
	int			 rc = -1;

	if (arith_eval(text, isreal, i, d) == 0)
		return 0;
	if (classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &x, NULL, 0) == -1)
		return -1;
	if ((ad = classad_new()) != NULL && classad_eval_int(x, ad, &v) == 0) {
		*isreal = 0;
		*i = v;
		*d = (double)v;
		rc = 0;
	}
	classad_free(ad);
	classad_expr_free(x);
	return rc;
}

/* ---- helpers ---- */

/* The value of the macro named ARG (trimmed), or ARG itself, expanded. */
static char *
arg_value(struct submit *s, const char *arg, int *hard)
{
	const char	*v, *b = arg, *e = arg + strlen(arg);
	char		*name, *out;

	*hard = 0;
	while (isspace((unsigned char)*b))
		b++;
	while (e > b && isspace((unsigned char)e[-1]))
		e--;
	if ((name = strndup(b, (size_t)(e - b))) == NULL) {
		*hard = 1;
		return NULL;
	}
	v = sub_lookup(s, name);
	out = sub_expand(s, v != NULL ? v : name);
	free(name);
	if (out == NULL)
		*hard = 1;
	return out;
}

/* The INDEX-th comma-separated item of LIST, trimmed, or NULL. */
static char *
nth_item(const char *list, int index)
{
	const char	*p = list, *e;
	int		 i;

	for (i = 0; i < index; i++) {
		if ((p = strchr(p, ',')) == NULL)
			return NULL;
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	e = strchr(p, ',');
	if (e == NULL)
		e = p + strlen(p);
	while (e > p && isspace((unsigned char)e[-1]))
		e--;
	return strndup(p, (size_t)(e - p));
}

/* ---- the functions ---- */

/* $ENV(NAME[:default]): the server's environment, only when allowed. */
static int
f_env(struct submit *s, char *body, struct buf *out, struct buf *msg)
{
	char		*def = strchr(body, ':');
	const char	*v;

	if (!s->o.allow_local_files) {
		buf_adds(msg, "$ENV() is not allowed: submit text may not read "
		    "the server's environment");
		if (s->err != NULL)
			s->err->local_files = 1;
		return -1;
	}
	if (def != NULL)
		*def++ = '\0';
	if ((v = getenv(body)) != NULL)
		buf_adds(out, v);
	else
		buf_adds(out, def != NULL ? def : "UNDEFINED");
	return 0;
}

/* $RANDOM_CHOICE(a,b,c) or $RANDOM_CHOICE(LISTNAME). */
static int
f_random_choice(struct submit *s, char *body, struct buf *out, struct buf *msg)
{
	char		*list = NULL, *it;
	const char	*c;
	int		 n = 1, hard;

	if (strchr(body, ',') == NULL && sub_lookup(s, body) != NULL &&
	    (list = arg_value(s, body, &hard)) == NULL)
		return -1;
	for (c = list ? list : body; *c; c++)
		if (*c == ',')
			n++;
	if ((it = nth_item(list ? list : body,
	    (int)(random_ul() % (unsigned)n))) == NULL) {
		free(list);
		buf_adds(msg, "$RANDOM_CHOICE() macro is empty!");
		return 1;
	}
	buf_adds(out, it);
	free(it);
	free(list);
	return 0;
}

/* $RANDOM_INTEGER(min, max[, step]). */
static int
f_random_integer(char *body, struct buf *out, struct buf *msg)
{
	long long	 v[3] = { 0, 0, 1 };
	double		 d;
	char		*it;
	int		 i, r, isreal;

	for (i = 0; i < 3; i++) {
		if ((it = nth_item(body, i)) == NULL)
			break;
		r = sub_number(it, &isreal, &v[i], &d);
		free(it);
		if (r == -1)
			break;
	}
	if (i < 2 || v[2] < 1 || v[0] > v[1] || v[1] - v[0] > LLONG_MAX / 2) {
		buf_adds(msg, "$RANDOM_INTEGER() macro: invalid min, max or "
		    "step!");
		return 1;
	}
	buf_addf(out, "%lld", v[0] + (long long)(random_ul() %
	    (unsigned long)((v[1] - v[0]) / v[2] + 1)) * v[2]);
	return 0;
}

/* $CHOICE(index, a,b,c) or $CHOICE(index, LISTNAME). */
static int
f_choice(struct submit *s, char *body, struct buf *out, struct buf *msg)
{
	char		*iarg, *ival, *rest, *list = NULL, *it;
	long long	 index;
	double		 d;
	int		 hard, isreal, rc = 1;

	if ((rest = strchr(body, ',')) == NULL) {
		buf_adds(msg, "$CHOICE() macro: no list specified!");
		return 1;
	}
	*rest++ = '\0';
	iarg = body;
	if ((ival = arg_value(s, iarg, &hard)) == NULL)
		return -1;
	if (sub_number(ival, &isreal, &index, &d) == -1 || index < 0 ||
	    index >= INT_MAX) {
		buf_addf(msg, "$CHOICE() macro: %s is invalid index!", ival);
		goto done;
	}
	if (strchr(rest, ',') == NULL) {
		if ((list = arg_value(s, rest, &hard)) == NULL) {
			rc = -1;
			goto done;
		}
		rest = list;
	}
	if ((it = nth_item(rest, (int)index)) == NULL) {
		buf_addf(msg, "$CHOICE() macro: index %lld is out of range!",
		    index);
		goto done;
	}
	buf_adds(out, it);
	free(it);
	rc = 0;
done:
	free(ival);
	free(list);
	return rc;
}

/* $SUBSTR(NAME, start[, length]): negative values count from the end. */
static int
f_substr(struct submit *s, char *body, struct buf *out, struct buf *msg)
{
	char		*sa, *la, *m;
	long long	 start, len = INT_MAX, cch;
	double		 d;
	int		 hard, isreal;

	if ((sa = strchr(body, ',')) == NULL) {
		buf_adds(msg, "$SUBSTR() macro: no start position specified!");
		return 1;
	}
	*sa++ = '\0';
	if ((la = strchr(sa, ',')) != NULL)
		*la++ = '\0';
	if (sub_number(sa, &isreal, &start, &d) == -1 || start <= -INT_MAX ||
	    start >= INT_MAX) {
		buf_addf(msg, "$SUBSTR() macro: %s is invalid start index!", sa);
		return 1;
	}
	if (la != NULL && (sub_number(la, &isreal, &len, &d) == -1 ||
	    len <= -INT_MAX || len > INT_MAX)) {
		buf_addf(msg, "$SUBSTR() macro: %s is invalid length !", la);
		return 1;
	}
	if ((m = arg_value(s, body, &hard)) == NULL)
		return -1;
	if (sub_lookup(s, body) == NULL)
		m[0] = '\0';
	cch = (long long)strlen(m);
	if (start < 0)
		start += cch;
	start = start < 0 ? 0 : start > cch ? cch : start;
	cch -= start;
	if (len < 0)
		len += cch;
	len = len < 0 ? 0 : len > cch ? cch : len;
	buf_add(out, m + start, (size_t)len);
	free(m);
	return 0;
}

/* $INT(NAME[,fmt]) and $REAL(NAME[,fmt]). */
static int
f_int_real(struct submit *s, int id, char *body, struct buf *out,
    struct buf *msg)
{
	char		*fmt, *m;
	long long	 i;
	double		 d;
	int		 hard, isreal, rc = 1;
	size_t		 start = out->len;

	if ((fmt = strchr(body, ',')) != NULL)
		*fmt++ = '\0';
	if ((m = arg_value(s, body, &hard)) == NULL)
		return -1;
	if (sub_number(m, &isreal, &i, &d) == -1) {
		buf_addf(msg, "%s() macro: %s does not evaluate to an %s!",
		    id == MF_INT ? "$INT" : "$REAL", m,
		    id == MF_INT ? "integer" : "real");
		goto done;
	}
	if (id == MF_INT && isreal) {
		if (!(d > (double)LLONG_MIN && d < (double)LLONG_MAX)) {
			buf_addf(msg, "$INT() macro: %s does not evaluate to an "
			    "integer!", m);
			goto done;
		}
		i = (long long)d;
	}
	if (fmt == NULL) {
		if (id == MF_INT)
			buf_addf(out, "%lld", i);
		else
			buf_addf(out, "%.16G", d);
	} else if (macro_format(out, fmt, id == MF_INT ? "diouxX" :
	    "eEfFgGaA", i, d, NULL) == -1) {
		buf_addf(msg, "%s() macro: '%s' is not a valid format specifier!",
		    id == MF_INT ? "$INT" : "$REAL", fmt);
		goto done;
	} else if (id != MF_INT && strchr(out->data + start, '.') == NULL)
		buf_adds(out, ".0");
	rc = 0;
done:
	free(m);
	return rc;
}

/* $STRING(NAME[,fmt]) and $EVAL(NAME). */
static int
f_string_eval(struct submit *s, int id, char *body, struct buf *out,
    struct buf *msg)
{
	struct classad_expr	*x;
	const char		*str;
	size_t			 slen;
	char			*fmt = NULL, *m;
	long long		 i;
	double			 d;
	int			 hard, isreal, rc = 0;

	if (id == MF_STRING && (fmt = strchr(body, ',')) != NULL)
		*fmt++ = '\0';
	if ((m = arg_value(s, body, &hard)) == NULL)
		return -1;
	if (id == MF_EVAL && sub_number(m, &isreal, &i, &d) == 0) {
		if (isreal)
			classad_format_real_old(d, out);
		else
			buf_addf(out, "%lld", i);
	} else if (classad_parse_expr(m, CLASSAD_OLD_SYNTAX, &x, NULL, 0) == 0) {
		if (classad_expr_get_string(x, &str, &slen) == 0)
			buf_add(out, str, slen);
		else if (id == MF_EVAL)
			classad_unparse_old(x, out);
		else
			buf_adds(out, m);
		classad_expr_free(x);
	} else
		buf_adds(out, m);
	if (fmt != NULL) {
		char *v = strdup(buf_str(out));

		buf_reset(out);
		if (v == NULL || macro_format(out, fmt, "s", 0, 0, v) == -1) {
			buf_addf(msg, "$STRING() macro: '%s' is not a valid "
			    "format specifier!", fmt);
			rc = 1;
		}
		free(v);
	}
	free(m);
	return rc;
}

/* $F<flags>(NAME), $BASENAME(NAME[, suffix]) and $DIRNAME(NAME). */
static int
f_filename(struct submit *s, int id, const char *flags, char *body,
    struct buf *out)
{
	char		*kill = NULL, *m, *path, *c;
	const char	*f, *base, *dot, *end;
	int		 want_p = 0, want_n = 0, want_x = 0, ndirs = 0;
	int		 bare = 0, quote = 0, single = 0, hard;
	char		 to = 0;
	size_t		 n;

	if (id == MF_BASENAME) {
		want_n = want_x = 1;
		if ((kill = strchr(body, ',')) != NULL) {
			*kill++ = '\0';
			while (isspace((unsigned char)*kill))
				kill++;
		}
	} else if (id == MF_DIRNAME)
		want_p = 1;
	for (f = flags; id == MF_FILENAME && *f; f++) {
		switch (*f | 0x20) {
		case 'p': want_p = 1; break;
		case 'd': ndirs++; break;
		case 'n': want_n = 1; break;
		case 'x': want_x = 1; break;
		case 'b': bare = 1; break;
		case 'q': quote = 1; break;
		case 'a': single = 1; break;
		case 'w': to = '\\'; break;
		case 'u': to = '/'; break;
		}
	}
	if ((m = arg_value(s, body, &hard)) == NULL)
		return -1;
	n = strlen(m);
	path = m;
	if (n > 1 && m[0] == m[n - 1] && (m[0] == '"' || m[0] == '\'')) {
		m[n - 1] = '\0';
		path++;
	}
	for (c = path; to && *c; c++)
		if (*c == '/' || *c == '\\')
			*c = to;
	if (strchr(flags, 'f') != NULL && path[0] != '/' && s->workdir != NULL) {
		buf_adds(out, s->workdir);
		buf_addc(out, '/');
	}
	base = path;
	for (c = path; *c; c++)
		if (*c == '/' || *c == '\\')
			base = c + 1;
	end = base + strlen(base);
	dot = strrchr(base, '.');
	if (dot == NULL || dot == base)
		dot = end;
	if (kill != NULL && *kill && (size_t)(end - base) >= strlen(kill) &&
	    strcasecmp(end - strlen(kill), kill) == 0) {
		dot = end - strlen(kill);
		want_x = 0;
	}
	if (quote)
		buf_addc(out, single ? '\'' : '"');
	if (!want_p && !want_n && !want_x && ndirs == 0)
		want_p = want_n = want_x = 1;
	if (want_p)
		buf_add(out, path, (size_t)(base - path) -
		    (bare && base > path && !want_n && !want_x ? 1 : 0));
	else if (ndirs > 0 && base > path) {
		const char *d = base - 1;

		while (ndirs-- > 0 && d > path) {
			d--;
			while (d > path && d[-1] != '/' && d[-1] != '\\')
				d--;
		}
		buf_add(out, d, (size_t)(base - d) - (bare ? 1 : 0));
	}
	if (want_n)
		buf_add(out, base, (size_t)(dot - base));
	if (want_x && dot < end)
		buf_add(out, dot + (bare && !want_n ? 1 : 0),
		    (size_t)(end - dot) - (bare && !want_n ? 1 : 0));
	if (quote)
		buf_addc(out, single ? '\'' : '"');
	free(m);
	return 0;
}

/* Evaluate function ID over BODY (which may be modified) into OUT. */
int
sub_func(struct submit *s, int id, const char *flags, char *body,
    struct buf *out, struct buf *msg)
{
	switch (id) {
	case MF_ENV:
		return f_env(s, body, out, msg);
	case MF_RANDOM_CHOICE:
		return f_random_choice(s, body, out, msg);
	case MF_RANDOM_INTEGER:
		return f_random_integer(body, out, msg);
	case MF_CHOICE:
		return f_choice(s, body, out, msg);
	case MF_SUBSTR:
		return f_substr(s, body, out, msg);
	case MF_INT:
	case MF_REAL:
		return f_int_real(s, id, body, out, msg);
	case MF_STRING:
	case MF_EVAL:
		return f_string_eval(s, id, body, out, msg);
	case MF_BASENAME:
	case MF_DIRNAME:
	case MF_FILENAME:
		return f_filename(s, id, flags, body, out);
	}
	buf_adds(msg, "unknown macro function");
	return -1;
}
