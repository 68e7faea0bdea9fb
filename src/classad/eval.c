/*
 * eval.c — ClassAd expression evaluation against one ad.
 *
 * The semantics are HTCondor's (src/classad/operators.cpp): arithmetic on
 * integers stays integral, mixed with reals becomes real; comparisons of
 * strings with == and friends ignore case, `is` and `isnt` compare
 * exactly and never yield undefined; && and || are three-valued
 * (false && undefined is false); a missing attribute is undefined; a type
 * clash is error.  Lists and records are values but have no operators
 * here beyond selection.  Recursion through attribute references is
 * bounded, so a self-referencing ad is an error, not a crash.
 */
#include <ctype.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/bounds.h"
#include "classad/classad_impl.h"
#include "classad/eval.h"

enum vtype { V_UNDEF, V_ERROR, V_BOOL, V_INT, V_REAL, V_STRING, V_LIST,
	V_RECORD };

struct val {
	enum vtype		 t;
	int64_t			 i;	/* V_INT, V_BOOL */
	double			 r;
	const char		*s;	/* V_STRING: not NUL-terminated */
	size_t			 slen;
	const struct classad_expr *e;	/* V_LIST, V_RECORD */
};

struct ectx {
	const struct classad	*ad;
	int			 depth;
	char			*owned[16];	/* strings made by functions */
	size_t			 nowned;
};

static struct val eval(struct ectx *, const struct classad_expr *);

static struct val
v_make(enum vtype t)
{
	struct val v;

	memset(&v, 0, sizeof(v));
	v.t = t;
	return v;
}

static struct val
v_bool(int b)
{
	struct val v = v_make(V_BOOL);

	v.i = b != 0;
	return v;
}

static struct val
v_int(int64_t i)
{
	struct val v = v_make(V_INT);

	v.i = i;
	return v;
}

static struct val
v_real(double r)
{
	struct val v = v_make(V_REAL);

	v.r = r;
	return v;
}

/* A string the context owns until the evaluation ends. */
static struct val
v_owned(struct ectx *c, char *s)
{
	struct val v = v_make(V_STRING);

	if (s == NULL || c->nowned == sizeof(c->owned) / sizeof(c->owned[0])) {
		free(s);
		return v_make(V_ERROR);
	}
	c->owned[c->nowned++] = s;
	v.s = s;
	v.slen = strlen(s);
	return v;
}

static int
is_num(const struct val *v)
{
	return v->t == V_INT || v->t == V_REAL;
}

static double
num(const struct val *v)
{
	return v->t == V_INT ? (double)v->i : v->r;
}

/* Look NAME up in the ad and evaluate what it holds. */
static struct val
eval_ref(struct ectx *c, const char *name)
{
	const struct classad_expr	*e;
	struct val			 v;

	if ((e = classad_lookup(c->ad, name)) == NULL)
		return v_make(V_UNDEF);
	if (++c->depth > EVAL_MAX_DEPTH)
		return v_make(V_ERROR);
	v = eval(c, e);
	c->depth--;
	return v;
}

static struct val
eval_attr(struct ectx *c, const struct classad_expr *e)
{
	struct val	base;
	size_t		i;

	if (e->a == NULL)
		return eval_ref(c, e->s);
	if (e->a->kind == K_ATTR && e->a->a == NULL) {
		if (strcasecmp(e->a->s, "MY") == 0)
			return eval_ref(c, e->s);
		if (strcasecmp(e->a->s, "TARGET") == 0)
			return v_make(V_UNDEF);
	}
	base = eval(c, e->a);
	if (base.t == V_UNDEF)
		return base;
	if (base.t != V_RECORD)
		return v_make(V_ERROR);
	for (i = 0; i < base.e->n; i++)
		if (strcasecmp(base.e->names[i], e->s) == 0)
			return eval(c, base.e->kids[i]);
	return v_make(V_UNDEF);
}

/* Compare two strings as the ClassAd relational operators do (case
 * ignored), or exactly for `is`. */
static int
str_cmp(const struct val *a, const struct val *b, int exact)
{
	size_t	n = a->slen < b->slen ? a->slen : b->slen;
	int	r = exact ? memcmp(a->s, b->s, n) : strncasecmp(a->s, b->s, n);

	if (r != 0)
		return r;
	return a->slen < b->slen ? -1 : a->slen > b->slen;
}

/* `is` / `isnt`: same type and same value, strings case-sensitive. */
static int
identical(const struct val *a, const struct val *b)
{
	if (a->t != b->t)
		return 0;
	switch (a->t) {
	case V_UNDEF:
	case V_ERROR:
		return 1;
	case V_BOOL:
	case V_INT:
		return a->i == b->i;
	case V_REAL:
		return a->r == b->r;
	case V_STRING:
		return str_cmp(a, b, 1) == 0;
	default:
		return a->e == b->e;
	}
}

static struct val
compare(int op, const struct val *a, const struct val *b)
{
	int	r;

	if (a->t == V_ERROR || b->t == V_ERROR)
		return v_make(V_ERROR);
	if (a->t == V_UNDEF || b->t == V_UNDEF)
		return v_make(V_UNDEF);
	if (is_num(a) && is_num(b)) {
		if (a->t == V_INT && b->t == V_INT)
			r = a->i < b->i ? -1 : a->i > b->i;
		else
			r = num(a) < num(b) ? -1 : num(a) > num(b);
	} else if (a->t == V_STRING && b->t == V_STRING)
		r = str_cmp(a, b, 0);
	else if (a->t == V_BOOL && b->t == V_BOOL &&
	    (op == OP_EQ || op == OP_NE))
		r = a->i != b->i;
	else
		return v_make(V_ERROR);
	switch (op) {
	case OP_LT: return v_bool(r < 0);
	case OP_LE: return v_bool(r <= 0);
	case OP_GT: return v_bool(r > 0);
	case OP_GE: return v_bool(r >= 0);
	case OP_EQ: return v_bool(r == 0);
	default:    return v_bool(r != 0);
	}
}

/* The remainder of X / Y with the sign of X, as fmod() gives it, without
 * linking libm into every request process for one operator. */
static struct val
real_mod(double x, double y)
{
	double q;

	if (y == 0 || x != x || y != y)
		return v_make(V_ERROR);
	q = x / y;
	if (q >= 9.2e18 || q <= -9.2e18)
		return v_make(V_ERROR);
	return v_real(x - (double)(long long)q * y);
}

static struct val
arith(int op, const struct val *a, const struct val *b)
{
	if (a->t == V_ERROR || b->t == V_ERROR)
		return v_make(V_ERROR);
	if (a->t == V_UNDEF || b->t == V_UNDEF)
		return v_make(V_UNDEF);
	if (!is_num(a) || !is_num(b))
		return v_make(V_ERROR);
	if (a->t == V_INT && b->t == V_INT) {
		switch (op) {
		case OP_ADD: return v_int((int64_t)((uint64_t)a->i +
		    (uint64_t)b->i));
		case OP_SUB: return v_int((int64_t)((uint64_t)a->i -
		    (uint64_t)b->i));
		case OP_MUL: return v_int((int64_t)((uint64_t)a->i *
		    (uint64_t)b->i));
		case OP_DIV:
		case OP_MOD:
			if (b->i == 0 || (b->i == -1 && a->i == INT64_MIN))
				return v_make(V_ERROR);
			return v_int(op == OP_DIV ? a->i / b->i : a->i % b->i);
		}
		return v_make(V_ERROR);
	}
	switch (op) {
	case OP_ADD: return v_real(num(a) + num(b));
	case OP_SUB: return v_real(num(a) - num(b));
	case OP_MUL: return v_real(num(a) * num(b));
	case OP_DIV:
		return num(b) == 0 ? v_make(V_ERROR) : v_real(num(a) / num(b));
	case OP_MOD:
		return real_mod(num(a), num(b));
	}
	return v_make(V_ERROR);
}

/* A value as a truth value: 1, 0, or -1 undefined, -2 error. */
static int
truth(const struct val *v)
{
	switch (v->t) {
	case V_BOOL:
	case V_INT:
		return v->i != 0;
	case V_REAL:
		return v->r != 0;
	case V_UNDEF:
		return -1;
	default:
		return -2;
	}
}

static struct val
logic(struct ectx *c, const struct classad_expr *e)
{
	struct val	a = eval(c, e->a), b;
	int		ta = a.t == V_BOOL ? (int)a.i : a.t == V_UNDEF ? -1 : -2;
	int		tb, is_and = e->op == OP_AND;

	if (ta == -2)
		return v_make(V_ERROR);
	if (is_and && ta == 0)
		return v_bool(0);
	if (!is_and && ta == 1)
		return v_bool(1);
	b = eval(c, e->b);
	tb = b.t == V_BOOL ? (int)b.i : b.t == V_UNDEF ? -1 : -2;
	if (tb == -2)
		return v_make(V_ERROR);
	if (is_and)
		return tb == 0 ? v_bool(0) : ta == -1 || tb == -1 ?
		    v_make(V_UNDEF) : v_bool(1);
	return tb == 1 ? v_bool(1) : ta == -1 || tb == -1 ?
	    v_make(V_UNDEF) : v_bool(0);
}

static struct val
unary(struct ectx *c, const struct classad_expr *e)
{
	struct val a = eval(c, e->a);

	if (a.t == V_ERROR || a.t == V_UNDEF)
		return a;
	switch (e->op) {
	case OP_NOT:
		return a.t == V_BOOL ? v_bool(!a.i) : v_make(V_ERROR);
	case OP_UMINUS:
		return a.t == V_INT ? v_int((int64_t)(0 - (uint64_t)a.i)) :
		    a.t == V_REAL ? v_real(-a.r) : v_make(V_ERROR);
	case OP_UPLUS:
		return is_num(&a) ? a : v_make(V_ERROR);
	case OP_BNOT:
		return a.t == V_INT ? v_int(~a.i) : v_make(V_ERROR);
	}
	return v_make(V_ERROR);
}

static struct val
binary(struct ectx *c, const struct classad_expr *e)
{
	struct val	a, b;

	if (e->op == OP_AND || e->op == OP_OR)
		return logic(c, e);
	a = eval(c, e->a);
	b = eval(c, e->b);
	switch (e->op) {
	case OP_IS:
		return v_bool(identical(&a, &b));
	case OP_ISNT:
		return v_bool(!identical(&a, &b));
	case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ:
	case OP_NE:
		return compare(e->op, &a, &b);
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_MOD:
		return arith(e->op, &a, &b);
	case OP_BAND: case OP_BOR: case OP_BXOR:
		if (a.t != V_INT || b.t != V_INT)
			return a.t == V_UNDEF || b.t == V_UNDEF ?
			    v_make(V_UNDEF) : v_make(V_ERROR);
		return v_int(e->op == OP_BAND ? (a.i & b.i) :
		    e->op == OP_BOR ? (a.i | b.i) : (a.i ^ b.i));
	}
	return v_make(V_ERROR);
}

/* A string argument as a NUL-terminated copy, or NULL. */
static char *
dup_str(const struct val *v)
{
	return v->t == V_STRING ? strndup(v->s, v->slen) : NULL;
}

/* The built-in functions a constraint commonly uses. */
static struct val
call(struct ectx *c, const struct classad_expr *e)
{
	const char	*f = e->s;
	struct val	 a[3];
	size_t		 i, n = e->n < 3 ? e->n : 3;
	char		*s, *t;
	regex_t		 re;
	int		 rc;

	if (strcasecmp(f, "ifThenElse") == 0 && e->n == 3) {
		a[0] = eval(c, e->kids[0]);
		rc = truth(&a[0]);
		return rc == 1 ? eval(c, e->kids[1]) : rc == 0 ?
		    eval(c, e->kids[2]) : rc == -1 ? v_make(V_UNDEF) :
		    v_make(V_ERROR);
	}
	for (i = 0; i < n; i++)
		a[i] = eval(c, e->kids[i]);
	if (e->n == 1) {
		if (strcasecmp(f, "isUndefined") == 0)
			return v_bool(a[0].t == V_UNDEF);
		if (strcasecmp(f, "isError") == 0)
			return v_bool(a[0].t == V_ERROR);
		if (strcasecmp(f, "isString") == 0)
			return v_bool(a[0].t == V_STRING);
		if (strcasecmp(f, "isInteger") == 0)
			return v_bool(a[0].t == V_INT);
		if (strcasecmp(f, "isReal") == 0)
			return v_bool(a[0].t == V_REAL);
		if (strcasecmp(f, "isBoolean") == 0)
			return v_bool(a[0].t == V_BOOL);
		if (strcasecmp(f, "int") == 0)
			return a[0].t == V_INT ? a[0] : a[0].t == V_REAL ?
			    v_int((int64_t)a[0].r) : a[0].t == V_BOOL ?
			    v_int(a[0].i) : v_make(V_ERROR);
		if (strcasecmp(f, "real") == 0)
			return is_num(&a[0]) ? v_real(num(&a[0])) :
			    v_make(V_ERROR);
		if (strcasecmp(f, "size") == 0 || strcasecmp(f, "length") == 0)
			return a[0].t == V_STRING ? v_int((int64_t)a[0].slen) :
			    a[0].t == V_LIST ? v_int((int64_t)a[0].e->n) :
			    v_make(V_ERROR);
		if (strcasecmp(f, "toLower") == 0 ||
		    strcasecmp(f, "toUpper") == 0) {
			if ((s = dup_str(&a[0])) == NULL)
				return v_make(V_ERROR);
			for (t = s; *t != '\0'; t++)
				*t = (char)(f[2] == 'L' || f[2] == 'l' ?
				    tolower((unsigned char)*t) :
				    toupper((unsigned char)*t));
			return v_owned(c, s);
		}
	}
	if (strcasecmp(f, "time") == 0 && e->n == 0)
		return v_int((int64_t)time(NULL));
	if (strcasecmp(f, "member") == 0 && e->n == 2 && a[1].t == V_LIST) {
		for (i = 0; i < a[1].e->n; i++) {
			struct val m = eval(c, a[1].e->kids[i]);
			struct val r = compare(OP_EQ, &a[0], &m);

			if (r.t == V_BOOL && r.i)
				return v_bool(1);
		}
		return v_bool(0);
	}
	if (strcasecmp(f, "regexp") == 0 && e->n >= 2 &&
	    a[0].t == V_STRING && a[1].t == V_STRING) {
		s = dup_str(&a[0]);
		t = dup_str(&a[1]);
		rc = s != NULL && t != NULL && regcomp(&re, s, REG_EXTENDED |
		    REG_NOSUB | (e->n == 3 && a[2].t == V_STRING &&
		    memchr(a[2].s, 'i', a[2].slen) ? REG_ICASE : 0)) == 0;
		if (rc) {
			rc = regexec(&re, t, 0, NULL, 0) == 0;
			regfree(&re);
			free(s);
			free(t);
			return v_bool(rc);
		}
		free(s);
		free(t);
		return v_make(V_ERROR);
	}
	if (strcasecmp(f, "strcmp") == 0 && e->n == 2 && a[0].t == V_STRING &&
	    a[1].t == V_STRING)
		return v_int(str_cmp(&a[0], &a[1], 1));
	for (i = 0; i < n; i++)
		if (a[i].t == V_UNDEF)
			return a[i];
	return v_make(V_ERROR);
}

static struct val
eval(struct ectx *c, const struct classad_expr *e)
{
	struct val	v, cond;
	int		t;

	switch (e->kind) {
	case K_UNDEF:	return v_make(V_UNDEF);
	case K_ERROR:	return v_make(V_ERROR);
	case K_BOOL:	return v_bool(e->v.b);
	case K_INT:	return v_int(e->v.i);
	case K_REAL:	return v_real(e->v.r);
	case K_STRING:
		v = v_make(V_STRING);
		v.s = e->s;
		v.slen = e->slen;
		return v;
	case K_LIST:
	case K_RECORD:
		v = v_make(e->kind == K_LIST ? V_LIST : V_RECORD);
		v.e = e;
		return v;
	case K_ATTR:	return eval_attr(c, e);
	case K_CALL:	return call(c, e);
	case K_UNARY:	return unary(c, e);
	case K_BINARY:	return binary(c, e);
	case K_PAREN:	return eval(c, e->a);
	case K_TERNARY:
		cond = eval(c, e->a);
		t = truth(&cond);
		return t == 1 ? eval(c, e->b) : t == 0 ? eval(c, e->c) :
		    t == -1 ? v_make(V_UNDEF) : v_make(V_ERROR);
	case K_ELVIS:
		v = eval(c, e->a);
		return v.t == V_UNDEF ? eval(c, e->b) : v;
	case K_SUBSCRIPT:
		v = eval(c, e->a);
		cond = eval(c, e->b);
		if (v.t == V_LIST && cond.t == V_INT && cond.i >= 0 &&
		    (size_t)cond.i < v.e->n)
			return eval(c, v.e->kids[cond.i]);
		return v.t == V_UNDEF || cond.t == V_UNDEF ?
		    v_make(V_UNDEF) : v_make(V_ERROR);
	}
	return v_make(V_ERROR);
}

static void
ectx_free(struct ectx *c)
{
	while (c->nowned > 0)
		free(c->owned[--c->nowned]);
}

int
classad_eval_match(const struct classad_expr *e, const struct classad *ad)
{
	struct ectx	c = { ad, 0, { NULL }, 0 };
	struct val	v = eval(&c, e);
	int		t = truth(&v);

	ectx_free(&c);
	return t == 1;
}

int
classad_eval_int(const struct classad_expr *e, const struct classad *ad,
    int64_t *out)
{
	struct ectx	c = { ad, 0, { NULL }, 0 };
	struct val	v = eval(&c, e);
	int		rc = 0;

	if (v.t == V_INT || v.t == V_BOOL)
		*out = v.i;
	else if (v.t == V_REAL)
		*out = (int64_t)v.r;
	else
		rc = -1;
	ectx_free(&c);
	return rc;
}

void
classad_expr_refs(const struct classad_expr *e,
    void (*fn)(void *arg, const char *name), void *arg)
{
	size_t i;

	if (e == NULL)
		return;
	if (e->kind == K_ATTR) {
		if (e->a == NULL)
			fn(arg, e->s);
		else if (e->a->kind == K_ATTR && e->a->a == NULL &&
		    strcasecmp(e->a->s, "MY") == 0)
			fn(arg, e->s);
		else if (!(e->a->kind == K_ATTR && e->a->a == NULL &&
		    strcasecmp(e->a->s, "TARGET") == 0))
			classad_expr_refs(e->a, fn, arg);
		return;
	}
	classad_expr_refs(e->a, fn, arg);
	classad_expr_refs(e->b, fn, arg);
	classad_expr_refs(e->c, fn, arg);
	for (i = 0; i < e->n; i++)
		classad_expr_refs(e->kids[i], fn, arg);
}
