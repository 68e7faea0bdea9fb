/*
 * macro.c — macro syntax shared by the configuration and submit
 * languages.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/macro.h"

int
macro_is_idchar(int c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '/';
}

/* Is C allowed in a body of kind BODY?  (Outside a ":default".) */
static int
body_char_ok(enum macro_body body, int c)
{
	if (body == MACRO_BODY_ARG)
		return isdigit((unsigned char)c) || c == '?' || c == '#' ||
		    c == '+';
	return macro_is_idchar(c);
}

/* Scan a NAME or ARG body from NAME for its ')'.  Returns the stop
 * position (at ')', at the end, or just past a bad character, *BAD then
 * set), NULL when a "(" in the default has no ')' left; *COLON gets 1 +
 * the offset of the first ':' or 0. */
static const char *
scan_body(const char *name, enum macro_body body, size_t *colon, int *bad)
{
	const char	*q = name, *r;
	char		 c;

	*colon = 0;
	*bad = 0;
	while (*q && *q != ')') {
		c = *q++;
		if (c == ':' && *colon == 0) {
			*colon = (size_t)(q - name);
			continue;
		}
		if (*colon != 0) {
			if (c == '(') {
				/* no ')' left: no macro can close */
				if ((r = strchr(q, ')')) == NULL)
					return NULL;
				q = r + 1;
				continue;
			}
			if (body == MACRO_BODY_ARG ||
			    strchr("$ ,\\:", c) != NULL)
				continue;
		}
		if (!body_char_ok(body, c)) {
			*bad = 1;
			break;
		}
	}
	return q;
}

int
macro_next(const char *s, size_t from, struct macro_scan *sc,
    struct macro_pos *mp)
{
	const char	*t = s + from, *v, *p, *name, *q;
	enum macro_body	 body = MACRO_BODY_ANY;
	size_t		 colon;
	int		 kind, bad;

	for (;;) {
		for (;;) {
			if ((v = strchr(t, '$')) == NULL)
				return MACRO_NONE;
			*sc->work += (size_t)(v - t) + 1;
			if (*sc->work > sc->limit) {
				sc->over = 1;
				return MACRO_NONE;
			}
			p = v + 1;
			if (*p == '$')
				p++;
			while (*p && (isalnum((unsigned char)*p) || *p == '_'))
				p++;
			if (*p == '(' && (kind = sc->prefix(sc->arg, v,
			    (size_t)(p - v), &body)) != MACRO_NONE)
				break;
			t = p;
		}
		name = p + 1;
		colon = 0;
		bad = 0;
		if (body == MACRO_BODY_ANY)
			q = name + strcspn(name, ")");
		else if ((q = scan_body(name, body, &colon, &bad)) == NULL)
			return MACRO_NONE;
		*sc->work += (size_t)(q - name);
		if (bad) {
			t = name;
			continue;
		}
		/* the body ran to the end: no later macro can close either */
		if (*q != ')')
			return MACRO_NONE;
		if (sc->skip(sc->arg, kind, name, (size_t)(q - name), colon)) {
			t = q;
			continue;
		}
		mp->dollar = (size_t)(v - s);
		mp->body = (size_t)(name - s);
		mp->defval = colon ? mp->body + colon : 0;
		mp->right = (size_t)(q - s) + 1;
		return kind;
	}
}

enum macro_fn
macro_func_id(const char *p, size_t len)
{
	static const struct {
		const char	*name;
		enum macro_fn	 id;
	} fn[] = {
		{ "$ENV", MACRO_ENV }, { "$RANDOM_CHOICE", MACRO_RANDOM_CHOICE },
		{ "$RANDOM_INTEGER", MACRO_RANDOM_INTEGER },
		{ "$CHOICE", MACRO_CHOICE }, { "$SUBSTR", MACRO_SUBSTR },
		{ "$INT", MACRO_INT }, { "$REAL", MACRO_REAL },
		{ "$STRING", MACRO_STRING }, { "$EVAL", MACRO_EVAL },
		{ "$BASENAME", MACRO_BASENAME }, { "$DIRNAME", MACRO_DIRNAME },
	};
	size_t	i;

	if (len <= 1)
		return MACRO_NONE;
	if (p[1] == 'F') {
		for (i = 2; i < len; i++)
			if (strchr("pnxdqabfwu", p[i] | 0x20) == NULL)
				break;
		if (i == len)
			return MACRO_FILENAME;
	}
	for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
		if (strlen(fn[i].name) == len && strncmp(p, fn[i].name, len) == 0)
			return fn[i].id;
	return MACRO_NONE;
}

int
macro_splice(char **s, size_t from, size_t to, const char *rep, size_t n,
    size_t max)
{
	struct buf	 b = BUF_INIT;
	size_t		 len = strlen(*s);
	char		*t;

	if (len - (to - from) + n > max)
		return -1;
	b.cap = max + 1;
	buf_add(&b, *s, from);
	buf_add(&b, rep, n);
	buf_adds(&b, *s + to);
	if (b.failed) {
		buf_free(&b);
		return -2;
	}
	if ((t = buf_take(&b)) == NULL)
		return -2;
	free(*s);
	*s = t;
	return 0;
}

int
macro_check_format(const char *fmt, const char *convs, struct buf *pre,
    struct buf *spec, struct buf *post)
{
	const char	*p = fmt, *s;
	int		 seen = 0, digits;
	struct buf	*side = pre;

	while (*p) {
		if (*p != '%') {
			buf_addc(side, *p++);
			continue;
		}
		if (p[1] == '%') {
			buf_adds(side, "%%");
			p += 2;
			continue;
		}
		if (seen++)
			return -1;
		s = p++;
		while (*p && strchr("-+ #0'", *p))
			p++;
		for (digits = 0; isdigit((unsigned char)*p); p++)
			if (++digits > 3)
				return -1;
		if (*p == '.') {
			p++;
			for (digits = 0; isdigit((unsigned char)*p); p++)
				if (++digits > 3)
					return -1;
		}
		while (*p && strchr("hlLqjzt", *p))
			p++;
		if (*p == '\0' || strchr(convs, *p) == NULL)
			return -1;
		buf_add(spec, s, (size_t)(p - s));
		/* drop the user's length modifiers and use our own */
		while (spec->len > 0 && strchr("hlLqjzt", spec->data[spec->len - 1]))
			spec->data[--spec->len] = '\0';
		if (strchr("diouxX", *p) != NULL)
			buf_adds(spec, "ll");
		buf_addc(spec, *p++);
		side = post;
	}
	return seen == 1 ? 0 : -1;
}

/* The format comes from configuration or submit text, so it is no
 * literal: macro_check_format has split it into literal text and one
 * conversion of the kind CONVS allows, with nothing else in it, which is
 * what makes these calls safe. */
int
macro_format(struct buf *out, const char *fmt, const char *convs,
    long long i, double d, const char *s)
{
	struct buf	 pre = BUF_INIT, spec = BUF_INIT, post = BUF_INIT;
	int		 rc = -1;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
	if (macro_check_format(fmt, convs, &pre, &spec, &post) == 0) {
		buf_addf(out, buf_str(&pre), 0);
		if (strchr(convs, 'd') != NULL)
			buf_addf(out, buf_str(&spec), i);
		else if (strchr(convs, 'f') != NULL)
			buf_addf(out, buf_str(&spec), d);
		else
			buf_addf(out, buf_str(&spec), s);
		buf_addf(out, buf_str(&post), 0);
		rc = 0;
	}
#pragma GCC diagnostic pop
	buf_free(&pre);
	buf_free(&spec);
	buf_free(&post);
	return rc;
}
