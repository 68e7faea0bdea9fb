/*
 * json.c — ads as JSON, byte for byte as `condor_q -json` writes them
 * (HTCondor's ClassAdJsonUnParser, src/classad/jsonSink.cpp): two-space
 * indentation, one member or element per line, reals in the old syntax's
 * form, undefined as null, and anything that is not a literal, list or
 * record as the string "\/Expr(<new-syntax text>)\/".  Output goes
 * through a caller's write function, a few kilobytes at a time, so a
 * long listing is streamed ad by ad.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classad/classad_impl.h"
#include "util/utf8.h"

struct jw {
	classad_write_fn	 w;
	void			*ctx;
	int			 failed;
	size_t			 n;
	struct buf		 tmp;	/* scratch for unparsed expressions */
	char			 out[4096];
};

static void
jw_flush(struct jw *j)
{
	if (j->n > 0 && !j->failed && j->w(j->ctx, j->out, j->n) != 0)
		j->failed = 1;
	j->n = 0;
}

/* jw_flush for block_put: -1 once the caller's write function failed. */
static int
jw_flush_block(void *ctx)
{
	struct jw *j = ctx;

	jw_flush(j);
	return j->failed ? -1 : 0;
}

static void
jw_put(struct jw *j, const char *p, size_t n)
{
	if (!j->failed)
		(void)block_put(j->out, sizeof(j->out), &j->n, p, n,
		    jw_flush_block, j);
}

static void
jw_puts(struct jw *j, const char *s)
{
	jw_put(j, s, strlen(s));
}

static void
jw_init(struct jw *j, classad_write_fn w, void *ctx)
{
	memset(j, 0, sizeof(*j));
	j->w = w;
	j->ctx = ctx;
	j->tmp.cap = CLASSAD_MAX_EXPR_LEN * 8u;
}

/* Flush, free the scratch buffer, and say whether everything went out. */
static int
jw_done(struct jw *j)
{
	jw_flush(j);
	buf_free(&j->tmp);
	return j->failed ? -1 : 0;
}

static void
jw_indent(struct jw *j, int spaces)
{
	static const char blanks[] = "                                ";

	jw_put(j, "\n", 1);
	while (spaces > 0) {
		int k = spaces < 32 ? spaces : 32;

		jw_put(j, blanks, (size_t)k);
		spaces -= k;
	}
}

/* String contents with HTCondor's JSON escapes: \" \\ \b \f \n \r \t,
 * other bytes 1-31 as \u00XX (upper-case hex); DEL and valid UTF-8 pass
 * through.  HTCondor passes invalid UTF-8 through too, which makes the
 * answer unparseable: each maximal ill-formed subpart becomes U+FFFD. */
static void
jw_escaped(struct jw *j, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i, run = 0, len, skip;
	const char *esc;
	char u[7];
	int c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		esc = NULL;
		if (c >= 0x80) {
			if ((len = utf8_sequence(s + i, n - i, &skip,
			    NULL)) != 0) {
				run += len;
				i += len - 1;
				continue;
			}
			jw_put(j, s + i - run, run);
			run = 0;
			jw_puts(j, UTF8_REPLACEMENT);
			i += skip - 1;
			continue;
		}
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		default:
			if (c > 0 && c < 32) {
				memcpy(u, "\\u00", 4);
				u[4] = hex[c >> 4];
				u[5] = hex[c & 15];
				u[6] = '\0';
				esc = u;
			}
			break;
		}
		if (esc == NULL) {
			run++;
			continue;
		}
		jw_put(j, s + i - run, run);
		run = 0;
		jw_puts(j, esc);
	}
	jw_put(j, s + n - run, run);
}

static void
jw_string(struct jw *j, const char *s, size_t n)
{
	jw_put(j, "\"", 1);
	jw_escaped(j, s, n);
	jw_put(j, "\"", 1);
}

/* "\/Expr(TEXT)\/" with TEXT escaped. */
static void
jw_expr_text(struct jw *j, const char *s, size_t n)
{
	jw_puts(j, "\"\\/Expr(");
	jw_escaped(j, s, n);
	jw_puts(j, ")\\/\"");
}

static void
jw_real(struct jw *j, double v)
{
	char tmp[64];

	if (v == 0.0)
		snprintf(tmp, sizeof(tmp), "%.1f", v);
	else if (isnan(v)) {
		jw_expr_text(j, "real(\"NaN\")", 11);
		return;
	} else if (isinf(v)) {
		if (v < 0)
			jw_expr_text(j, "real(\"-INF\")", 12);
		else
			jw_expr_text(j, "real(\"INF\")", 11);
		return;
	} else {
		snprintf(tmp, sizeof(tmp), "%.16G", v);
		if (tmp[strcspn(tmp, ".Ee")] == '\0')
			strcat(tmp, ".0");
	}
	jw_puts(j, tmp);
}

/* One value at indentation IND (in spaces) of its enclosing line. */
static void
jw_value(struct jw *j, const struct classad_expr *e, int ind)
{
	char tmp[32];
	size_t i;

	switch (e->kind) {
	case K_UNDEF:
		jw_puts(j, "null");
		return;
	case K_ERROR:
		jw_expr_text(j, "error", 5);
		return;
	case K_BOOL:
		jw_puts(j, e->v.b ? "true" : "false");
		return;
	case K_INT:
		snprintf(tmp, sizeof(tmp), "%" PRId64, e->v.i);
		jw_puts(j, tmp);
		return;
	case K_REAL:
		jw_real(j, e->v.r);
		return;
	case K_STRING:
		jw_string(j, e->s, e->slen);
		return;
	case K_LIST:
		jw_put(j, "[", 1);
		for (i = 0; i < e->n; i++) {
			if (i > 0)
				jw_put(j, ",", 1);
			jw_indent(j, ind + 2);
			jw_value(j, e->kids[i], ind + 2);
		}
		jw_indent(j, ind);
		jw_put(j, "]", 1);
		return;
	case K_RECORD:
		jw_put(j, "{", 1);
		for (i = 0; i < e->n; i++) {
			if (i > 0)
				jw_put(j, ",", 1);
			jw_indent(j, ind + 2);
			jw_string(j, e->names[i], strlen(e->names[i]));
			jw_put(j, ": ", 2);
			jw_value(j, e->kids[i], ind + 2);
		}
		jw_indent(j, ind);
		jw_put(j, "}", 1);
		return;
	default:
		buf_reset(&j->tmp);
		if (classad_unparse_new(e, &j->tmp) == -1) {
			j->failed = 1;
			return;
		}
		jw_expr_text(j, j->tmp.data, j->tmp.len);
		return;
	}
}

int
classad_json_write_value(const struct classad_expr *e, int indent,
    classad_write_fn w, void *ctx)
{
	struct jw j;

	if (e == NULL)
		return -1;
	jw_init(&j, w, ctx);
	jw_value(&j, e, indent > 0 ? indent * 2 : 0);
	return jw_done(&j);
}

int
classad_json_write_string(const char *s, size_t len, classad_write_fn w,
    void *ctx)
{
	struct jw j;

	jw_init(&j, w, ctx);
	jw_string(&j, s, len);
	return jw_done(&j);
}

int
classad_json_buf_writer(void *ctx, const void *p, size_t n)
{
	return buf_add(ctx, p, n);
}

struct pick {
	const char	*name;
	size_t		 i;
};

static int
pick_cmp(const void *pa, const void *pb)
{
	const struct pick *a = pa, *b = pb;

	return strcasecmp(a->name, b->name);
}

/* The attributes to write, as indexes into AD: the projection (or all),
 * less the private ones, sorted case-insensitively as condor_q prints
 * them unless CLASSAD_JSON_UNSORTED keeps the projection's or the ad's
 * order. */
static struct pick *
pick(const struct classad *ad, const struct classad_json_opts *o,
    size_t *np)
{
	size_t n = classad_count(ad), k = 0, i;
	struct pick *p;
	unsigned char *seen;
	long at;

	if ((p = calloc(n + 1, sizeof(*p))) == NULL)
		return NULL;
	if (o != NULL && o->projection != NULL) {
		if ((seen = calloc(n + 1, 1)) == NULL) {
			free(p);
			return NULL;
		}
		for (i = 0; i < o->nprojection; i++) {
			at = classad_index(ad, o->projection[i]);
			if (at >= 0 && !seen[at]) {
				seen[at] = 1;
				p[k++].i = (size_t)at;
			}
		}
		free(seen);
	} else
		for (i = 0; i < n; i++)
			p[k++].i = i;
	for (i = 0, n = 0; i < k; i++) {
		p[n].name = classad_name_at(ad, p[i].i);
		p[n].i = p[i].i;
		if (!classad_attr_is_private(p[n].name))
			n++;
	}
	if (o == NULL || !(o->flags & CLASSAD_JSON_UNSORTED))
		qsort(p, n, sizeof(*p), pick_cmp);
	*np = n;
	return p;
}

int
classad_json_write_ad(const struct classad *ad,
    const struct classad_json_opts *opts, classad_write_fn w, void *ctx)
{
	struct jw j;
	struct pick *p;
	size_t n, i;

	if (ad == NULL || (p = pick(ad, opts, &n)) == NULL)
		return -1;
	jw_init(&j, w, ctx);
	jw_put(&j, "{", 1);
	for (i = 0; i < n; i++) {
		if (i > 0)
			jw_put(&j, ",", 1);
		jw_indent(&j, 2);
		jw_string(&j, p[i].name, strlen(p[i].name));
		jw_put(&j, ": ", 2);
		jw_value(&j, classad_expr_at(ad, p[i].i), 2);
	}
	jw_indent(&j, 0);
	jw_put(&j, "}", 1);
	free(p);
	return jw_done(&j);
}

void
classad_json_list_init(struct classad_json_list *l, classad_write_fn w,
    void *ctx, const struct classad_json_opts *opts)
{
	memset(l, 0, sizeof(*l));
	l->write = w;
	l->ctx = ctx;
	l->opts = opts;
}

int
classad_json_list_add(struct classad_json_list *l, const struct classad *ad)
{
	const char *sep = l->count == 0 ? "[\n" : "\n,\n";

	if (l->write(l->ctx, sep, strlen(sep)) != 0)
		return -1;
	l->count++;
	return classad_json_write_ad(ad, l->opts, l->write, l->ctx);
}

int
classad_json_list_end(struct classad_json_list *l)
{
	const char *end = l->count == 0 ? "[\n]\n" : "\n]\n";

	return l->write(l->ctx, end, strlen(end)) != 0 ? -1 : 0;
}
