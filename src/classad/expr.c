/*
 * expr.c — expression nodes: allocation, copying, freeing, the literal
 * constructors and getters of classad.h, and the operator spellings.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classad/classad_impl.h"

struct classad_expr *
expr_alloc(int kind)
{
	struct classad_expr *e;

	if ((e = calloc(1, sizeof(*e))) == NULL)
		return NULL;
	e->kind = (unsigned char)kind;
	e->depth = 1;
	return e;
}

/* Give E a private NUL-terminated copy of S. */
int
expr_set_string(struct classad_expr *e, const char *s, size_t len)
{
	char *p;

	if (len == SIZE_MAX || (p = malloc(len + 1)) == NULL)
		return -1;
	if (len > 0)
		memcpy(p, s, len);
	p[len] = '\0';
	free(e->s);
	e->s = p;
	e->slen = len;
	return 0;
}

static unsigned int
depth_of(const struct classad_expr *e)
{
	return e != NULL ? e->depth : 0;
}

/* Compute E's height from its children; -1 when it passes the limit, so
 * the recursive walkers (unparse, JSON, free) stay within the stack. */
int
expr_fix_depth(struct classad_expr *e)
{
	unsigned int d = 0, k;
	size_t i;

	if ((k = depth_of(e->a)) > d)
		d = k;
	if ((k = depth_of(e->b)) > d)
		d = k;
	if ((k = depth_of(e->c)) > d)
		d = k;
	for (i = 0; i < e->n && e->kids != NULL; i++)
		if ((k = depth_of(e->kids[i])) > d)
			d = k;
	if (d + 1 > CLASSAD_MAX_TREE_DEPTH)
		return -1;
	e->depth = (unsigned short)(d + 1);
	return 0;
}

void
classad_expr_free(struct classad_expr *e)
{
	size_t i;

	if (e == NULL)
		return;
	classad_expr_free(e->a);
	classad_expr_free(e->b);
	classad_expr_free(e->c);
	for (i = 0; i < e->n; i++) {
		if (e->kids != NULL)
			classad_expr_free(e->kids[i]);
		if (e->names != NULL)
			free(e->names[i]);
	}
	free(e->kids);
	free(e->names);
	free(e->s);
	free(e);
}

struct classad_expr *
classad_expr_copy(const struct classad_expr *e)
{
	struct classad_expr *c;
	size_t i;

	if (e == NULL || (c = expr_alloc(e->kind)) == NULL)
		return NULL;
	c->op = e->op;
	c->absolute = e->absolute;
	c->depth = e->depth;
	c->v = e->v;
	if (e->s != NULL && expr_set_string(c, e->s, e->slen) == -1)
		goto fail;
	if ((e->a != NULL && (c->a = classad_expr_copy(e->a)) == NULL) ||
	    (e->b != NULL && (c->b = classad_expr_copy(e->b)) == NULL) ||
	    (e->c != NULL && (c->c = classad_expr_copy(e->c)) == NULL))
		goto fail;
	if (e->n > 0) {
		if ((c->kids = calloc(e->n, sizeof(*c->kids))) == NULL)
			goto fail;
		if (e->names != NULL &&
		    (c->names = calloc(e->n, sizeof(*c->names))) == NULL)
			goto fail;
		c->n = e->n;
		for (i = 0; i < e->n; i++) {
			if ((c->kids[i] = classad_expr_copy(e->kids[i])) ==
			    NULL)
				goto fail;
			if (e->names != NULL &&
			    (c->names[i] = strdup(e->names[i])) == NULL)
				goto fail;
		}
	}
	return c;
fail:
	classad_expr_free(c);
	return NULL;
}

struct classad_expr *
classad_expr_undefined(void)
{
	return expr_alloc(K_UNDEF);
}

struct classad_expr *
classad_expr_error(void)
{
	return expr_alloc(K_ERROR);
}

struct classad_expr *
classad_expr_bool(int v)
{
	struct classad_expr *e;

	if ((e = expr_alloc(K_BOOL)) != NULL)
		e->v.b = v != 0;
	return e;
}

struct classad_expr *
classad_expr_int(int64_t v)
{
	struct classad_expr *e;

	if ((e = expr_alloc(K_INT)) != NULL)
		e->v.i = v;
	return e;
}

struct classad_expr *
classad_expr_real(double v)
{
	struct classad_expr *e;

	if ((e = expr_alloc(K_REAL)) != NULL)
		e->v.r = v;
	return e;
}

/* A string literal.  ClassAd strings cannot hold a NUL byte (neither
 * syntax can write one), so such input is refused. */
struct classad_expr *
classad_expr_string(const char *s, size_t len)
{
	struct classad_expr *e;

	if (len > CLASSAD_MAX_EXPR_LEN || (len > 0 && memchr(s, 0, len)))
		return NULL;
	if ((e = expr_alloc(K_STRING)) == NULL)
		return NULL;
	if (expr_set_string(e, s, len) == -1) {
		free(e);
		return NULL;
	}
	return e;
}

enum classad_type
classad_expr_type(const struct classad_expr *e)
{
	if (e == NULL)
		return CLASSAD_UNDEFINED;
	if (e->kind <= K_RECORD)
		return (enum classad_type)e->kind;
	return CLASSAD_EXPR;
}

int
classad_expr_get_bool(const struct classad_expr *e, int *out)
{
	if (e == NULL || e->kind != K_BOOL)
		return -1;
	*out = e->v.b;
	return 0;
}

int
classad_expr_get_int(const struct classad_expr *e, int64_t *out)
{
	if (e == NULL || e->kind != K_INT)
		return -1;
	*out = e->v.i;
	return 0;
}

int
classad_expr_get_real(const struct classad_expr *e, double *out)
{
	if (e == NULL || (e->kind != K_REAL && e->kind != K_INT))
		return -1;
	*out = e->kind == K_REAL ? e->v.r : (double)e->v.i;
	return 0;
}

int
classad_expr_get_string(const struct classad_expr *e, const char **out,
    size_t *lenp)
{
	if (e == NULL || e->kind != K_STRING)
		return -1;
	*out = e->s;
	if (lenp != NULL)
		*lenp = e->slen;
	return 0;
}

/* Operator spellings as HTCondor's unparser writes them, blanks
 * included: unary operators are glued to their operand (" -x"). */
const char *
op_text(int op, int old)
{
	static const char *const text[OP_COUNT] = {
		" < ", " <= ", " != ", " == ", " >= ", " > ", " is ",
		" isnt ", " +", " -", " + ", " - ", " * ", " / ", " % ",
		" !", " || ", " && ", " ~", " | ", " ^ ", " & ", " << ",
		" >> ", " >>> "
	};

	if (old && op == OP_IS)
		return " =?= ";
	if (old && op == OP_ISNT)
		return " =!= ";
	if (op < 0 || op >= OP_COUNT)
		return " ? ";
	return text[op];
}

int
record_name_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return alen < blen ? -1 : 1;
	return strcasecmp(a, b);
}
