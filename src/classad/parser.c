/*
 * parser.c — recursive-descent parser for ClassAd expressions
 * (src/classad/source.cpp), one function per precedence level.  Nesting is
 * counted so hostile input cannot exhaust the stack, and the first error
 * is reported with the byte offset of the token where it happened.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classad/classad_impl.h"

struct parser {
	struct lexer	 lx;
	int		 nest;
	int		 failed;
	size_t		 erroff;
	char		*err;
	size_t		 errlen;
};

static struct classad_expr *parse_expr(struct parser *);
static struct classad_expr *parse_unary(struct parser *);
static struct classad_expr *parse_postfix(struct parser *);

/* Record the first error, at the current token. */
static struct classad_expr *
fail(struct parser *ps, const char *why)
{
	char msg[256];

	if (ps->failed)
		return NULL;
	ps->failed = 1;
	ps->erroff = ps->lx.start;
	if (ps->lx.type == T_BAD && ps->lx.why != NULL)
		why = ps->lx.why;
	snprintf(msg, sizeof(msg), "%s", why);
	if (ps->err != NULL && ps->errlen > 0)
		snprintf(ps->err, ps->errlen, "offset %zu: %s", ps->erroff,
		    msg);
	return NULL;
}

static struct classad_expr *
expected(struct parser *ps, const char *what)
{
	char msg[128];

	snprintf(msg, sizeof(msg), "expected %s but found %s", what,
	    tok_name(ps->lx.type));
	return fail(ps, msg);
}

static int
next(struct parser *ps)
{
	return lex_next(&ps->lx);
}

/* Finish a composite node: check the height limit; free it on failure. */
static struct classad_expr *
finish(struct parser *ps, struct classad_expr *e)
{
	if (e == NULL)
		return fail(ps, "out of memory");
	if (expr_fix_depth(e) == -1) {
		classad_expr_free(e);
		return fail(ps, "expression nested too deeply");
	}
	return e;
}

static struct classad_expr *
node2(struct parser *ps, int kind, int op, struct classad_expr *a,
    struct classad_expr *b)
{
	struct classad_expr *e;

	if ((e = expr_alloc(kind)) == NULL) {
		classad_expr_free(a);
		classad_expr_free(b);
		return fail(ps, "out of memory");
	}
	e->op = (unsigned char)op;
	e->a = a;
	e->b = b;
	return finish(ps, e);
}

/* Binary operators: the level of token T (0 for ||, the loosest, to 9
 * for * / %), or -1; and the operator it stands for. */
static int
bin_level(int t, int *op)
{
	switch (t) {
	case T_OR: *op = OP_OR; return 0;
	case T_AND: *op = OP_AND; return 1;
	case T_BOR: *op = OP_BOR; return 2;
	case T_BXOR: *op = OP_BXOR; return 3;
	case T_BAND: *op = OP_BAND; return 4;
	case T_EQ: *op = OP_EQ; return 5;
	case T_NE: *op = OP_NE; return 5;
	case T_IS: *op = OP_IS; return 5;
	case T_ISNT: *op = OP_ISNT; return 5;
	case T_LT: *op = OP_LT; return 6;
	case T_LE: *op = OP_LE; return 6;
	case T_GT: *op = OP_GT; return 6;
	case T_GE: *op = OP_GE; return 6;
	case T_SHL: *op = OP_SHL; return 7;
	case T_SHR: *op = OP_SHR; return 7;
	case T_USHR: *op = OP_USHR; return 7;
	case T_PLUS: *op = OP_ADD; return 8;
	case T_MINUS: *op = OP_SUB; return 8;
	case T_MUL: *op = OP_MUL; return 9;
	case T_DIV: *op = OP_DIV; return 9;
	case T_MOD: *op = OP_MOD; return 9;
	default: return -1;
	}
}

/* Precedence climbing over the left-associative binary levels: an
 * operand, then operators of level MIN or looser-binding-but-allowed,
 * each right operand taken at one level tighter.  A lone operand costs
 * one call, not ten. */
static struct classad_expr *
parse_binary(struct parser *ps, int min)
{
	struct classad_expr *l, *r;
	int op, level;

	if ((l = parse_unary(ps)) == NULL)
		return NULL;
	while ((level = bin_level(ps->lx.type, &op)) >= min) {
		next(ps);
		if ((r = parse_binary(ps, level + 1)) == NULL) {
			classad_expr_free(l);
			return NULL;
		}
		if ((l = node2(ps, K_BINARY, op, l, r)) == NULL)
			return NULL;
	}
	return l;
}

static int
enter(struct parser *ps)
{
	if (++ps->nest > CLASSAD_MAX_DEPTH) {
		fail(ps, "expression nested too deeply");
		return -1;
	}
	return 0;
}

/* expression = or_expr [ "?" expression ":" expression ] */
static struct classad_expr *
parse_expr(struct parser *ps)
{
	struct classad_expr *c, *t, *f, *e;

	if (enter(ps) == -1)
		return NULL;
	if ((c = parse_binary(ps, 0)) == NULL)
		goto out;
	if (ps->lx.type != T_QMARK)
		goto out;
	next(ps);
	if ((t = parse_expr(ps)) == NULL) {
		classad_expr_free(c);
		c = NULL;
		goto out;
	}
	if (ps->lx.type != T_COLON) {
		classad_expr_free(c);
		classad_expr_free(t);
		c = expected(ps, "':'");
		goto out;
	}
	next(ps);
	if ((f = parse_expr(ps)) == NULL) {
		classad_expr_free(c);
		classad_expr_free(t);
		c = NULL;
		goto out;
	}
	if ((e = expr_alloc(K_TERNARY)) == NULL) {
		classad_expr_free(c);
		classad_expr_free(t);
		classad_expr_free(f);
		c = fail(ps, "out of memory");
		goto out;
	}
	e->a = c;
	e->b = t;
	e->c = f;
	c = finish(ps, e);
out:
	ps->nest--;
	return c;
}

/* unary_expr = ( "-" | "+" | "~" | "!" ) unary_expr | postfix_expr */
static struct classad_expr *
parse_unary(struct parser *ps)
{
	struct classad_expr *a, *e = NULL;
	int op;

	switch (ps->lx.type) {
	case T_MINUS: op = OP_UMINUS; break;
	case T_PLUS: op = OP_UPLUS; break;
	case T_BNOT: op = OP_BNOT; break;
	case T_NOT: op = OP_NOT; break;
	default: return parse_postfix(ps);
	}
	if (enter(ps) == -1)
		return NULL;
	next(ps);
	if ((a = parse_unary(ps)) != NULL)
		e = node2(ps, K_UNARY, op, a, NULL);
	ps->nest--;
	return e;
}

/* A growable array of nodes (and names, for records). */
struct vec {
	struct classad_expr	**kids;
	char			**names;
	size_t			 n, size;
};

static int
vec_push(struct vec *v, struct classad_expr *e, char *name)
{
	size_t nsize;
	void *p;

	if (v->n == v->size) {
		nsize = v->size ? v->size * 2 : 4;
		if ((p = reallocarray(v->kids, nsize, sizeof(*v->kids))) ==
		    NULL)
			return -1;
		v->kids = p;
		if ((p = reallocarray(v->names, nsize, sizeof(*v->names))) ==
		    NULL)
			return -1;
		v->names = p;
		v->size = nsize;
	}
	v->kids[v->n] = e;
	v->names[v->n] = name;
	v->n++;
	return 0;
}

static void
vec_free(struct vec *v)
{
	size_t i;

	for (i = 0; i < v->n; i++) {
		classad_expr_free(v->kids[i]);
		free(v->names[i]);
	}
	free(v->kids);
	free(v->names);
}

/* Turn V into node E's children (E takes them over). */
static struct classad_expr *
vec_node(struct parser *ps, struct vec *v, struct classad_expr *e,
    int with_names)
{
	e->kids = v->kids;
	e->n = v->n;
	if (with_names)
		e->names = v->names;
	else
		free(v->names);
	memset(v, 0, sizeof(*v));
	return finish(ps, e);
}

/* Parse "( args )", "{ items }" after the opening token: expressions
 * separated by CLOSE-aware commas (and, for calls, semicolons). */
static int
parse_items(struct parser *ps, struct vec *v, int close, int semi_ok)
{
	struct classad_expr *e;

	next(ps);
	if (ps->lx.type == close) {
		next(ps);
		return 0;
	}
	for (;;) {
		if ((e = parse_expr(ps)) == NULL)
			return -1;
		if (vec_push(v, e, NULL) == -1) {
			classad_expr_free(e);
			fail(ps, "out of memory");
			return -1;
		}
		if (ps->lx.type == T_COMMA ||
		    (semi_ok && ps->lx.type == T_SEMI)) {
			next(ps);
			continue;
		}
		if (ps->lx.type == close) {
			next(ps);
			return 0;
		}
		expected(ps, close == T_RPAREN ? "',' or ')'" : "',' or '}'");
		return -1;
	}
}

struct rec_ent {
	struct classad_expr	*e;
	char			*name;
	size_t			 len;
	size_t			 idx;
};

static int
rec_cmp(const void *pa, const void *pb)
{
	const struct rec_ent *a = pa, *b = pb;
	int c;

	if ((c = record_name_cmp(a->name, a->len, b->name, b->len)) != 0)
		return c;
	return a->idx < b->idx ? -1 : 1;
}

/* Put a record's attributes in HTCondor's order (shorter names first,
 * then case-insensitive), the later of two equal names winning. */
static int
rec_order(struct vec *v)
{
	struct rec_ent *t;
	size_t i, o = 0;

	if (v->n < 2)
		return 0;
	if ((t = calloc(v->n, sizeof(*t))) == NULL)
		return -1;
	for (i = 0; i < v->n; i++) {
		t[i].e = v->kids[i];
		t[i].name = v->names[i];
		t[i].len = strlen(v->names[i]);
		t[i].idx = i;
	}
	qsort(t, v->n, sizeof(*t), rec_cmp);
	for (i = 0; i < v->n; i++) {
		if (i + 1 < v->n && record_name_cmp(t[i].name, t[i].len,
		    t[i + 1].name, t[i + 1].len) == 0) {
			classad_expr_free(t[i].e);
			free(t[i].name);
			continue;
		}
		v->kids[o] = t[i].e;
		v->names[o] = t[i].name;
		o++;
	}
	v->n = o;
	free(t);
	return 0;
}

/* record = "[" { ";" } [ name "=" expr { ";" { ";" } name "=" expr } ]
 * { ";" } "]" */
static struct classad_expr *
parse_record(struct parser *ps)
{
	struct vec v = { 0 };
	struct classad_expr *e;
	char *name;

	next(ps);
	for (;;) {
		while (ps->lx.type == T_SEMI)
			next(ps);
		if (ps->lx.type == T_RBOX)
			break;
		if (ps->lx.type != T_IDENT) {
			vec_free(&v);
			return expected(ps, "an attribute name");
		}
		if ((name = strdup(buf_str(&ps->lx.text))) == NULL) {
			vec_free(&v);
			return fail(ps, "out of memory");
		}
		if (next(ps) != T_ASSIGN) {
			free(name);
			vec_free(&v);
			return expected(ps, "'='");
		}
		next(ps);
		if ((e = parse_expr(ps)) == NULL) {
			free(name);
			vec_free(&v);
			return NULL;
		}
		if (vec_push(&v, e, name) == -1) {
			free(name);
			classad_expr_free(e);
			vec_free(&v);
			return fail(ps, "out of memory");
		}
		if (ps->lx.type != T_SEMI && ps->lx.type != T_RBOX) {
			vec_free(&v);
			return expected(ps, "';' or ']'");
		}
	}
	next(ps);
	if (rec_order(&v) == -1 || (e = expr_alloc(K_RECORD)) == NULL) {
		vec_free(&v);
		return fail(ps, "out of memory");
	}
	return vec_node(ps, &v, e, 1);
}

static struct classad_expr *
parse_list_or_call(struct parser *ps, int kind, const char *name)
{
	struct vec v = { 0 };
	struct classad_expr *e;

	if (parse_items(ps, &v, kind == K_LIST ? T_RBRACE : T_RPAREN,
	    kind == K_CALL) == -1) {
		vec_free(&v);
		return NULL;
	}
	if ((e = expr_alloc(kind)) == NULL ||
	    (name != NULL && expr_set_string(e, name, strlen(name)) == -1)) {
		free(e);
		vec_free(&v);
		return fail(ps, "out of memory");
	}
	return vec_node(ps, &v, e, 0);
}

/* A literal from the current token. */
static struct classad_expr *
parse_literal(struct parser *ps)
{
	struct classad_expr *e = NULL;

	switch (ps->lx.type) {
	case T_INT:
		e = classad_expr_int(ps->lx.ival);
		break;
	case T_REAL:
		e = classad_expr_real(ps->lx.rval);
		break;
	case T_BOOL:
		e = classad_expr_bool(ps->lx.bval);
		break;
	case T_UNDEF:
		e = classad_expr_undefined();
		break;
	case T_ERRORV:
		e = classad_expr_error();
		break;
	case T_STRING:
		/* The node takes the lexer's buffer: no copy. */
		if ((e = expr_alloc(K_STRING)) != NULL) {
			e->slen = ps->lx.text.len;
			if ((e->s = buf_take(&ps->lx.text)) == NULL &&
			    (e->s = strdup("")) == NULL) {
				free(e);
				e = NULL;
			}
		}
		break;
	default:
		return expected(ps, "an expression");
	}
	if (e == NULL)
		return fail(ps, "out of memory");
	next(ps);
	return e;
}

static struct classad_expr *
parse_primary(struct parser *ps)
{
	struct classad_expr *e, *a;
	char *name;

	switch (ps->lx.type) {
	case T_IDENT:
		if ((name = buf_take(&ps->lx.text)) == NULL)
			return fail(ps, "out of memory");
		if (next(ps) == T_LPAREN) {
			e = parse_list_or_call(ps, K_CALL, name);
			free(name);
			return e;
		}
		if ((e = expr_alloc(K_ATTR)) == NULL) {
			free(name);
			return fail(ps, "out of memory");
		}
		e->s = name;
		e->slen = strlen(name);
		return e;
	case T_DOT:
		if (next(ps) != T_IDENT)
			return expected(ps, "an attribute name after '.'");
		if ((e = expr_alloc(K_ATTR)) == NULL ||
		    expr_set_string(e, buf_str(&ps->lx.text),
		    ps->lx.text.len) == -1) {
			free(e);
			return fail(ps, "out of memory");
		}
		e->absolute = 1;
		next(ps);
		return e;
	case T_LPAREN:
		next(ps);
		if ((a = parse_expr(ps)) == NULL)
			return NULL;
		if (ps->lx.type != T_RPAREN) {
			classad_expr_free(a);
			return expected(ps, "')'");
		}
		next(ps);
		return node2(ps, K_PAREN, 0, a, NULL);
	case T_LBOX:
		return parse_record(ps);
	case T_LBRACE:
		return parse_list_or_call(ps, K_LIST, NULL);
	default:
		return parse_literal(ps);
	}
}

/* postfix_expr = primary { "[" expr "]" | "." name | "?:" postfix } */
static struct classad_expr *
parse_postfix(struct parser *ps)
{
	struct classad_expr *e, *r, *n;

	if (enter(ps) == -1)
		return NULL;
	if ((e = parse_primary(ps)) == NULL)
		goto out;
	for (;;) {
		if (ps->lx.type == T_LBOX) {
			next(ps);
			if ((r = parse_expr(ps)) == NULL) {
				classad_expr_free(e);
				e = NULL;
				break;
			}
			if (ps->lx.type != T_RBOX) {
				classad_expr_free(e);
				classad_expr_free(r);
				e = expected(ps, "']'");
				break;
			}
			next(ps);
			if ((e = node2(ps, K_SUBSCRIPT, 0, e, r)) == NULL)
				break;
		} else if (ps->lx.type == T_DOT) {
			if (next(ps) != T_IDENT) {
				classad_expr_free(e);
				e = expected(ps, "an attribute name after '.'");
				break;
			}
			if ((n = expr_alloc(K_ATTR)) == NULL ||
			    expr_set_string(n, buf_str(&ps->lx.text),
			    ps->lx.text.len) == -1) {
				free(n);
				classad_expr_free(e);
				e = fail(ps, "out of memory");
				break;
			}
			n->a = e;
			next(ps);
			if ((e = finish(ps, n)) == NULL)
				break;
		} else if (ps->lx.type == T_ELVIS) {
			next(ps);
			if ((r = parse_postfix(ps)) == NULL) {
				classad_expr_free(e);
				e = NULL;
				break;
			}
			if ((e = node2(ps, K_ELVIS, 0, e, r)) == NULL)
				break;
		} else
			break;
	}
out:
	ps->nest--;
	return e;
}

int
classad_parse_exprn(const char *text, size_t len, int flags,
    struct classad_expr **out, size_t *erroff, char *err, size_t errlen)
{
	struct parser ps;
	struct classad_expr *e = NULL;

	*out = NULL;
	memset(&ps, 0, sizeof(ps));
	ps.err = err;
	ps.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > CLASSAD_MAX_EXPR_LEN) {
		if (erroff != NULL)
			*erroff = CLASSAD_MAX_EXPR_LEN;
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "offset %u: expression longer "
			    "than %u bytes", CLASSAD_MAX_EXPR_LEN,
			    CLASSAD_MAX_EXPR_LEN);
		return -1;
	}
	lex_init(&ps.lx, text, len, (flags & CLASSAD_OLD_SYNTAX) != 0);
	next(&ps);
	if (ps.lx.type == T_END)
		fail(&ps, "empty expression");
	else if ((e = parse_expr(&ps)) != NULL && ps.lx.type != T_END) {
		expected(&ps, "end of input");
		classad_expr_free(e);
		e = NULL;
	}
	lex_free(&ps.lx);
	if (e == NULL) {
		if (!ps.failed)
			fail(&ps, "syntax error");
		if (erroff != NULL)
			*erroff = ps.erroff;
		return -1;
	}
	*out = e;
	return 0;
}

int
classad_parse_expr(const char *text, int flags, struct classad_expr **out,
    char *err, size_t errlen)
{
	return classad_parse_exprn(text, strlen(text), flags, out, NULL, err,
	    errlen);
}
