/*
 * func.c — the macro functions of the configuration language (config.cpp,
 * evaluate_macro_func): $CHOICE(), $SUBSTR(), $INT(), $REAL(), $STRING(),
 * $EVAL(), $F...(), $BASENAME(), $DIRNAME(), $RANDOM_CHOICE() and
 * $RANDOM_INTEGER(), with the semantics of HTCondor's param() expander, and
 * a small arithmetic evaluator standing in for ClassAd evaluation.
 */
#include <ctype.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/arith.h"
#include "util/buf.h"
#include "util/rand.h"
#include "config/config_int.h"


/* A tiny arithmetic evaluator standing in for ClassAd evaluation in
 * $INT(), $REAL() and $EVAL(): numbers, true/false, + - * / %, unary
 * minus and parentheses. */
/* Evaluate S as a number: an integer (WANT_INT, reals truncated) into *I,
 * or a real into *D.  Returns 0, or -1 when S is not a number. */
int
cf_number(const char *s, int want_int, long long *i, double *d)
{
	long long	n;
	double		r;
	int		isreal;

	if (arith_eval(s, &isreal, &n, &r) == -1)
		return -1;
	if (want_int) {
		if (isreal) {
			if (!(r > (double)LLONG_MIN && r < (double)LLONG_MAX))
				return -1;
			n = (long long)r;
		}
		*i = n;
	} else
		*d = r;
	return 0;
}



/* Strip one pair of surrounding double quotes (or QUOTE quotes) from
 * [S, S+N) and add QUOTE quotes when QUOTE is set, like strcpy_quoted. */
static char *
dup_quoted(const char *s, size_t n, char quote, size_t extra)
{
	char	*out, *p;
	char	 qc = 0;

	if ((out = calloc(1, n + 3 + extra)) == NULL)
		return NULL;
	if (*s == '"' || (*s && *s == quote)) {
		qc = *s++;
		n--;
	}
	if (n > 0 && s[n - 1] && s[n - 1] == qc)
		n--;
	p = out;
	if (quote)
		*p++ = quote;
	memcpy(p, s, n);
	if (quote)
		p[n++] = quote;
	p[n] = '\0';
	return out;
}

/* The last path component of PATH plus NUM_DIRS directories above it. */
static const char *
basename_plus_dirs(const char *path, int num_dirs)
{
	const char	*seps[256];
	size_t		 n = 0;
	const char	*p;

	for (p = path; *p; p++)
		if ((*p == '\\' || *p == '/') && n < 256)
			seps[n++] = p + 1;
	while (num_dirs-- > 0 && n > 0)
		n--;
	return n > 0 ? seps[n - 1] : path;
}

/* $Fpdnxbqa...(NAME), $BASENAME(NAME[, suffix]) and $DIRNAME(NAME):
 * filename surgery on the expanded value, following HTCondor's rules. */
static char *
filename_func(int id, const char *flags, const char *mval, const char *kill)
{
	int		 parts = 0, num_dirs = 0, quoted = 0, bare = 0;
	int		 argq = 0, ixend, ixn, ixx, ixv;
	char		 to = 0, qc, *buf;
	const char	*f, *tv, *um = mval, *b, *x;
	size_t		 n = strlen(mval);

	if (id == M_BASENAME)
		parts = 1 | 2;
	else if (id == M_DIRNAME)
		parts = 4;
	else {
		for (f = flags; *f; f++) {
			switch (*f | 0x20) {
			case 'x': parts |= 1; break;
			case 'n': parts |= 2; break;
			case 'p': parts |= 4; break;
			case 'd': parts |= 8; num_dirs++; break;
			case 'a': argq = 1; break;
			case 'b': bare = 1; break;
			case 'w': to = '\\'; break;
			case 'u': to = '/'; break;
			case 'q': quoted = 1; break;
			}
		}
	}
	qc = quoted ? (argq ? '\'' : '"') : 0;
	if (n > 1 && um[0] == um[n - 1] && (um[0] == '"' || um[0] == '\'')) {
		um++;
		n -= 2;
	}
	if ((buf = dup_quoted(um, n, qc, 0)) == NULL)
		return NULL;
	if (to) {
		char from = to == '/' ? '\\' : '/';
		for (char *p = buf; *p; p++)
			if (*p == from)
				*p = to;
	}
	ixend = (int)strlen(buf);
	b = buf;
	for (const char *p = buf; *p; p++)
		if (*p == '/')
			b = p + 1;
	ixn = (int)(b - buf);
	x = b + strlen(b);
	for (const char *p = x; p > b; p--)
		if (*p == '.') {
			x = p;
			break;
		}
	ixx = (int)(x - buf);
	if (kill != NULL) {
		int cch = (int)strlen(kill);

		if (ixend - cch >= ixn && strcasecmp(kill, buf + ixend - cch) == 0) {
			ixx = ixend - cch;
			parts &= ~1;
		}
	}
	if (ixn == 0 && (parts & 3))
		parts &= ~(4 | 8);
	switch (parts & 0xF) {
	case 1:
		tv = buf + ixx;
		if (bare && ixx < ixend)
			tv++;
		break;
	case 2 | 1:
		tv = buf + ixn;
		break;
	case 2:
		tv = buf + ixn;
		ixend = ixx;
		break;
	case 0:
	case 4 | 2 | 1:
	case 4 | 1:
		tv = buf;
		break;
	case 4:
		tv = buf;
		ixend = ixn;
		if (bare && ixn > 0)
			ixend = ixn - 1;
		break;
	case 4 | 2:
		tv = buf;
		ixend = ixx;
		break;
	default:
		if (ixn > 0) {
			tv = basename_plus_dirs(buf, num_dirs);
			if ((parts & 3) == 2)
				ixend = ixx;
			else if ((parts & 3) == 0) {
				ixend = ixn;
				if (bare && ixn > 0)
					ixend = ixn - 1;
			}
		} else {
			ixend = 1;
			tv = buf + ixend;
		}
		break;
	}
	if (quoted) {
		ixv = (int)(tv - buf);
		if (buf[ixv] != qc && ixv > 0) {
			buf[--ixv] = qc;
			tv = buf + ixv;
		}
		if (ixend > 1 && buf[ixend - 1] == qc)
			ixend--;
		buf[ixend++] = qc;
	}
	if (ixend < (int)(tv - buf))
		ixend = (int)(tv - buf);
	buf[ixend] = '\0';
	memmove(buf, tv, strlen(tv) + 1);
	return buf;
}

/* The value of the macro named by ARG (or ARG itself when no such macro),
 * expanded when it holds a $; a string the caller frees. */
static char *
arg_value(struct config *cf, const char *arg, struct buf *err)
{
	const char	*v = cf_lookup(cf, arg);

	if (v == NULL)
		v = arg;
	return strchr(v, '$') != NULL ? cf_expand_opts(cf, v, 0, err) : strdup(v);
}

/* Split LIST at commas and blanks into trimmed non-empty items; returns
 * the count and sets *ITEMS to a copy of LIST whose items are
 * NUL-separated (free it). */
static int
split_items(const char *list, const char *seps, char **items)
{
	const char	*p = list;
	char		*c, *w;
	int		 n = 0;

	/* room for the items, their NULs and a final NUL */
	if ((c = malloc(strlen(list) + 2)) == NULL)
		return -1;
	for (w = c; *p; ) {
		p += strspn(p, seps);
		if (*p == '\0')
			break;
		while (*p && strchr(seps, *p) == NULL)
			*w++ = *p++;
		*w++ = '\0';
		n++;
	}
	*w = '\0';
	*items = c;
	return n;
}

/* The I-th of N NUL-separated items. */
static const char *
item_at(const char *items, int i)
{
	while (i-- > 0)
		items += strlen(items) + 1;
	return items;
}

/* $RANDOM_CHOICE(a,b,c) or $RANDOM_CHOICE(LISTNAME). */
static int
random_choice(struct config *cf, char *body, struct buf *out, struct buf *err)
{
	char		*items = NULL, *list = NULL;
	const char	*v;
	int		 n, rc = -1;

	n = split_items(body, ", \t\r\n", &items);
	if (n == 1 && (v = cf_lookup(cf, items)) != NULL) {
		if ((list = cf_expand_opts(cf, v, 0, err)) == NULL)
			goto done;
		free(items);
		items = NULL;
		n = split_items(list, ", \t\r\n", &items);
	}
	if (n <= 0) {
		buf_adds(err, "$RANDOM_CHOICE() macro is empty!");
		goto done;
	}
	buf_adds(out, item_at(items, (int)(random_ul() % (unsigned)n)));
	rc = 0;
done:
	free(items);
	free(list);
	return rc;
}

/* $RANDOM_INTEGER(min, max[, step]). */
static int
random_integer(char *body, struct buf *out, struct buf *err)
{
	char		*items = NULL;
	long long	 v[3] = { 0, 0, 1 };
	double		 d;
	int		 n, i;

	n = split_items(body, ",", &items);
	for (i = 0; i < 3; i++) {
		if (i >= n) {
			if (i < 2)
				break;
			continue;
		}
		if (cf_number(item_at(items, i), 1, &v[i], &d) == -1)
			break;
	}
	free(items);
	if (i < 3 || v[2] < 1 || v[0] > v[1] || v[1] - v[0] > LLONG_MAX / 2) {
		buf_adds(err, "$RANDOM_INTEGER() config macro: invalid min, max "
		    "or step!");
		return -1;
	}
	buf_addf(out, "%lld", v[0] + (long long)(random_ul() %
	    (unsigned long)((v[1] - v[0]) / v[2] + 1)) * v[2]);
	return 0;
}

/* $CHOICE(index, a,b,c) or $CHOICE(index, LISTNAME). */
static int
choice(struct config *cf, char *body, struct buf *out, struct buf *err)
{
	const char	*lval, *endp, *v, *items;
	char		*ival, *list = NULL, *lname = NULL;
	long long	 index;
	double		 d;
	int		 missing, rc = -1;

	if ((ival = cf_lookup_arg(cf, body, 0, err, &missing)) == NULL) {
		if (!missing)
			return -1;
		ival = strdup("");
	}
	if (ival == NULL)
		return -1;
	if (cf_number(ival, 1, &index, &d) == -1 || index < 0 ||
	    index >= INT_MAX) {
		buf_addf(err, "$CHOICE() error: '%s' is invalid index", ival);
		goto done;
	}
	if ((lval = cf_nth_item(body, ',', 1, 1, &endp)) == NULL) {
		buf_adds(err, "$CHOICE() error: no list");
		goto done;
	}
	items = lval;
	if (strchr(lval, ',') == NULL) {
		if ((lname = strndup(lval, (size_t)(endp - lval))) == NULL)
			goto done;
		if ((v = cf_lookup(cf, lname)) == NULL) {
			buf_addf(err, "$CHOICE() macro: no list named \"%s\"!",
			    lname);
			goto done;
		}
		if ((list = cf_expand_opts(cf, v, 0, err)) == NULL)
			goto done;
		items = list;
	}
	if ((v = cf_nth_item(items, ',', (int)index, 1, &endp)) == NULL) {
		buf_addf(err, "$CHOICE() config macro: index %d is out of range!",
		    (int)index);
		goto done;
	}
	buf_add(out, v, (size_t)(endp - v));
	rc = 0;
done:
	free(ival);
	free(list);
	free(lname);
	return rc;
}

/* $SUBSTR(NAME, start[, length]): negative values count from the end. */
static int
substr(struct config *cf, char *body, struct buf *out, struct buf *err)
{
	char		*start_arg, *len_arg, *a = NULL, *m = NULL;
	const char	*v;
	long long	 start, len = INT_MAX / 2, cch;
	double		 d;
	int		 rc = -1;

	if ((start_arg = strchr(body, ',')) == NULL) {
		buf_adds(err, "$SUBSTR() macro: no length specified!");
		return -1;
	}
	*start_arg++ = '\0';
	if ((len_arg = strchr(start_arg, ',')) != NULL)
		*len_arg++ = '\0';
	if ((a = arg_value(cf, start_arg, err)) == NULL)
		return -1;
	if (cf_number(a, 1, &start, &d) == -1 || start < INT_MIN ||
	    start >= INT_MAX) {
		buf_addf(err, "$SUBSTR() macro: %s is invalid start index!", a);
		goto done;
	}
	if (len_arg != NULL) {
		free(a);
		if ((a = arg_value(cf, len_arg, err)) == NULL)
			goto done;
		if (cf_number(a, 1, &len, &d) == -1 || len < INT_MIN ||
		    len > INT_MAX) {
			buf_addf(err, "$SUBSTR() macro: %s is invalid length !", a);
			goto done;
		}
	}
	rc = 0;
	if ((v = cf_lookup(cf, body)) == NULL)
		goto done;
	if ((m = strchr(v, '$') != NULL ? cf_expand_opts(cf, v, 0, err) :
	    strdup(v)) == NULL) {
		rc = -1;
		goto done;
	}
	cch = (long long)strlen(m);
	if (start < 0)
		start += cch;
	if (start < 0)
		start = 0;
	else if (start > cch)
		start = cch;
	cch -= start;
	if (len < 0)
		len += cch;
	if (len < 0)
		len = 0;
	else if (len > cch)
		len = cch;
	buf_add(out, m + start, (size_t)len);
done:
	free(a);
	free(m);
	return rc;
}

/* $INT(NAME[,fmt]) and $REAL(NAME[,fmt]); output is capped at 55 bytes
 * like HTCondor's. */
static int
int_real(struct config *cf, int id, char *body, struct buf *out,
    struct buf *err)
{
	char		*fmt, *m;
	long long	 ll;
	double		 d;
	size_t		 start = out->len;
	int		 rc = -1;

	if ((fmt = strchr(body, ',')) != NULL)
		*fmt++ = '\0';
	if ((m = arg_value(cf, body, err)) == NULL)
		return -1;
	if (id == M_INT) {
		if (cf_number(m, 1, &ll, &d) == -1)
			buf_addf(err, "$INT() macro: %s does not evaluate to an "
			    "integer!", m);
		else if (fmt == NULL)
			rc = buf_addf(out, "%lld", ll);
		else if ((rc = macro_format(out, fmt, "diouxX", ll, 0, NULL)) == -1)
			buf_addf(err, "$INT() macro: '%s' is not a valid format "
			    "specifier!", fmt);
	} else {
		if (cf_number(m, 0, &ll, &d) == -1)
			buf_addf(err, "$REAL() macro: %s does not evaluate to an "
			    "real!", m);
		else if (fmt == NULL)
			rc = buf_addf(out, "%.16G", d);
		else if ((rc = macro_format(out, fmt, "eEfFgGaA", 0, d, NULL)) ==
		    -1)
			buf_addf(err, "$REAL() macro: '%s' is not a valid format "
			    "specifier!", fmt);
	}
	if (rc == 0 && out->len - start > 55) {
		out->len = start + 55;
		out->data[out->len] = '\0';
	}
	if (rc == 0 && id == M_REAL && fmt != NULL &&
	    strchr(out->data + start, '.') == NULL)
		buf_adds(out, ".0");
	free(m);
	return rc;
}

/* $STRING(NAME[,fmt]) and $EVAL(NAME): a string literal becomes its
 * contents; $EVAL also computes simple arithmetic. */
static int
string_eval(struct config *cf, int id, char *body, struct buf *out,
    struct buf *err)
{
	char		*fmt = NULL, *m;
	size_t		 n;
	long long	 iv;
	double		 dv;
	int		 rc = 0, lit = 0, isreal;

	if (id == M_STRING && (fmt = strchr(body, ',')) != NULL)
		*fmt++ = '\0';
	if ((m = arg_value(cf, body, err)) == NULL)
		return -1;
	n = strlen(m);
	if (n >= 2 && m[0] == '"' && m[n - 1] == '"' &&
	    strchr(m + 1, '"') == m + n - 1) {
		memmove(m, m + 1, n - 2);
		m[n - 2] = '\0';
		lit = 1;
	}
	if (id == M_EVAL && !lit && arith_eval(m, &isreal, &iv, &dv) == 0) {
		if (isreal) {
			buf_addf(out, "%.15G", dv);
			if (strpbrk(buf_str(out), ".EN") == NULL)
				buf_adds(out, ".0");
		} else
			buf_addf(out, "%lld", iv);
	} else if (fmt != NULL) {
		if ((rc = macro_format(out, fmt, "s", 0, 0, m)) == -1)
			buf_addf(err, "$STRING macro: '%s' is not a valid format "
			    "specifier!", fmt);
	} else
		buf_adds(out, m);
	free(m);
	return rc;
}

/* $F...(NAME), $BASENAME(NAME[, suffix]) and $DIRNAME(NAME). */
static int
file_parts(struct config *cf, int id, const char *flags, char *body,
    struct buf *out, struct buf *err)
{
	char		*kill = NULL, *arg2, *m, *r;

	if (id == M_BASENAME && (arg2 = strrchr(body, ',')) != NULL) {
		*arg2++ = '\0';
		while (isspace((unsigned char)*arg2))
			arg2++;
		kill = arg2;
	}
	if ((m = arg_value(cf, body, err)) == NULL)
		return -1;
	r = filename_func(id, flags, m, kill);
	free(m);
	if (r == NULL)
		return -1;
	buf_adds(out, r);
	free(r);
	return 0;
}

/* Evaluate the function ID over BODY (the text between the parentheses,
 * which may be modified) into OUT; -1 with ERR on an error. */
int
cf_eval_func(struct config *cf, int id, const char *flags, char *body,
    struct buf *out, struct buf *err)
{
	int	 rc;

	switch (id) {
	case M_RANDOM_CHOICE:
		rc = random_choice(cf, body, out, err);
		break;
	case M_RANDOM_INTEGER:
		rc = random_integer(body, out, err);
		break;
	case M_CHOICE:
		rc = choice(cf, body, out, err);
		break;
	case M_SUBSTR:
		rc = substr(cf, body, out, err);
		break;
	case M_INT:
	case M_REAL:
		rc = int_real(cf, id, body, out, err);
		break;
	case M_STRING:
	case M_EVAL:
		rc = string_eval(cf, id, body, out, err);
		break;
	case M_BASENAME:
	case M_DIRNAME:
	case M_FILENAME:
		rc = file_parts(cf, id, flags, body, out, err);
		break;
	default:
		buf_adds(err, "unknown macro function");
		rc = -1;
		break;
	}
	if (out->failed && rc == 0) {
		buf_adds(err, "macro expansion is too long");
		rc = -1;
	}
	return rc;
}

