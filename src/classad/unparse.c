/*
 * unparse.c — expressions back to text, byte for byte as HTCondor's
 * ClassAdUnParser writes them (src/classad/sink.cpp): the old syntax of the
 * wire and `condor_q -long`, and the new syntax that `condor_q -json`
 * puts inside "\/Expr(...)\/".
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "classad/classad_impl.h"

static int unparse(const struct classad_expr *, struct buf *, int);

/* Reals that are not zero, NaN or infinite, in either syntax. */
static int
format_real(double v, struct buf *b, int old)
{
	char tmp[64];

	if (v == 0.0)
		snprintf(tmp, sizeof(tmp), "%.1f", v);
	else if (isnan(v))
		return buf_adds(b, "real(\"NaN\")");
	else if (isinf(v))
		return buf_adds(b, v < 0 ? "real(\"-INF\")" : "real(\"INF\")");
	else if (old) {
		snprintf(tmp, sizeof(tmp), "%.16G", v);
		if (tmp[strcspn(tmp, ".Ee")] == '\0')
			strcat(tmp, ".0");
	} else
		snprintf(tmp, sizeof(tmp), "%1.15E", v);
	return buf_adds(b, tmp);
}

int
classad_format_real_old(double v, struct buf *b)
{
	return format_real(v, b, 1);
}

/* The body of a quoted string or name, without the quotes.  The
 * delimiter is always escaped; the new syntax also writes C escapes and
 * every other unprintable byte (UTF-8 included) as \ooo. */
static int
quote_body(const char *s, size_t n, int delim, int old, struct buf *b)
{
	size_t i;
	int c;
	char oct[8];

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == delim) {
			buf_addc(b, '\\');
			buf_addc(b, c);
			continue;
		}
		if (!old) {
			const char *esc = NULL;

			switch (c) {
			case '\a': esc = "\\a"; break;
			case '\b': esc = "\\b"; break;
			case '\f': esc = "\\f"; break;
			case '\n': esc = "\\n"; break;
			case '\r': esc = "\\r"; break;
			case '\t': esc = "\\t"; break;
			case '\v': esc = "\\v"; break;
			case '\\': esc = "\\\\"; break;
			default:
				if (c < 0x20 || c >= 0x7f) {
					snprintf(oct, sizeof(oct), "\\%03o", c);
					esc = oct;
				}
				break;
			}
			if (esc != NULL) {
				buf_adds(b, esc);
				continue;
			}
		}
		buf_addc(b, c);
	}
	return b->failed ? -1 : 0;
}

static int
is_ident_start(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int
is_ident_char(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* Words the lexer would not read back as a name (HTCondor's list,
 * compared case-insensitively). */
static int
is_reserved(const char *s)
{
	static const char *const words[] = {
		"error", "false", "is", "isnt", "parent", "true", "undefined"
	};
	size_t i;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcasecmp(s, words[i]) == 0)
			return 1;
	return 0;
}

/* A name in a record or an absolute reference: escaped like a string
 * with ' as the delimiter, then quoted in '...' unless the escaped text
 * is a plain identifier that is not a reserved word. */
static int
unparse_name(const char *name, int old, struct buf *b)
{
	struct buf t = BUF_INIT;
	const char *p;
	int rc, plain;

	if (quote_body(name, strlen(name), '\'', old, &t) == -1) {
		buf_free(&t);
		return -1;
	}
	p = buf_str(&t);
	plain = is_ident_start((unsigned char)*p);
	if (plain)
		for (p++; *p != '\0'; p++)
			if (!is_ident_char((unsigned char)*p)) {
				plain = 0;
				break;
			}
	if (plain && !is_reserved(buf_str(&t)))
		rc = buf_add(b, t.data, t.len);
	else {
		buf_addc(b, '\'');
		buf_add(b, t.data, t.len);
		rc = buf_addc(b, '\'');
	}
	buf_free(&t);
	return rc;
}

static int
unparse_items(const struct classad_expr *e, struct buf *b, int old)
{
	size_t i;

	for (i = 0; i < e->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		if (unparse(e->kids[i], b, old) == -1)
			return -1;
	}
	return 0;
}

static int
unparse(const struct classad_expr *e, struct buf *b, int old)
{
	size_t i;

	switch (e->kind) {
	case K_UNDEF:
		return buf_adds(b, "undefined");
	case K_ERROR:
		return buf_adds(b, "error");
	case K_BOOL:
		return buf_adds(b, e->v.b ? "true" : "false");
	case K_INT:
		return buf_addf(b, "%" PRId64, e->v.i);
	case K_REAL:
		return format_real(e->v.r, b, old);
	case K_STRING:
		buf_addc(b, '"');
		quote_body(e->s, e->slen, '"', old, b);
		return buf_addc(b, '"');
	case K_LIST:
		buf_adds(b, "{ ");
		if (unparse_items(e, b, old) == -1)
			return -1;
		return buf_adds(b, " }");
	case K_RECORD:
		buf_adds(b, "[ ");
		for (i = 0; i < e->n; i++) {
			if (i > 0)
				buf_adds(b, "; ");
			unparse_name(e->names[i], old, b);
			buf_adds(b, " = ");
			if (unparse(e->kids[i], b, old) == -1)
				return -1;
		}
		return buf_adds(b, " ]");
	case K_ATTR:
		if (e->a != NULL) {
			if (unparse(e->a, b, old) == -1)
				return -1;
			/* HTCondor writes "2.x" and "a.odd name", which no
			 * lexer reads back ("2." is a bad real): here, and
			 * only for such input, we write "2 .x", "a.'odd name'"
			 * instead. */
			if (e->a->kind == K_INT)
				buf_addc(b, ' ');
			buf_addc(b, '.');
			return unparse_name(e->s, old, b);
		}
		if (e->absolute)
			buf_addc(b, '.');
		return unparse_name(e->s, old, b);
	case K_CALL:
		/* Quoted only when written quoted ('odd name'(1)); HTCondor
		 * would print such a name bare, unreadable. */
		unparse_name(e->s, old, b);
		buf_addc(b, '(');
		if (unparse_items(e, b, old) == -1)
			return -1;
		return buf_addc(b, ')');
	case K_UNARY:
		buf_adds(b, op_text(e->op, old));
		return unparse(e->a, b, old);
	case K_BINARY:
		if (unparse(e->a, b, old) == -1)
			return -1;
		buf_adds(b, op_text(e->op, old));
		return unparse(e->b, b, old);
	case K_TERNARY:
		if (unparse(e->a, b, old) == -1)
			return -1;
		buf_adds(b, " ? ");
		if (unparse(e->b, b, old) == -1)
			return -1;
		buf_adds(b, " : ");
		return unparse(e->c, b, old);
	case K_ELVIS:
		if (unparse(e->a, b, old) == -1)
			return -1;
		buf_adds(b, " ?: ");
		return unparse(e->b, b, old);
	case K_SUBSCRIPT:
		if (unparse(e->a, b, old) == -1)
			return -1;
		buf_addc(b, '[');
		if (unparse(e->b, b, old) == -1)
			return -1;
		return buf_addc(b, ']');
	case K_PAREN:
		buf_addc(b, '(');
		if (unparse(e->a, b, old) == -1)
			return -1;
		return buf_addc(b, ')');
	default:
		return -1;
	}
}

int
classad_unparse_old(const struct classad_expr *e, struct buf *b)
{
	if (e == NULL || unparse(e, b, 1) == -1)
		return -1;
	return b->failed ? -1 : 0;
}

int
classad_unparse_new(const struct classad_expr *e, struct buf *b)
{
	if (e == NULL || unparse(e, b, 0) == -1)
		return -1;
	return b->failed ? -1 : 0;
}
