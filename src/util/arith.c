/*
 * arith.c — the integer and real arithmetic of the configuration and
 * submit languages' macro functions ($INT, $REAL, $EVAL, $CHOICE...):
 * numbers, true and false, + - * / %, unary signs and parentheses, with
 * overflow and division by zero refused.  Not ClassAd evaluation.
 */
#include <limits.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/arith.h"


static int
is_idchar(int c)
{
	return isalnum((unsigned char)c) || c == '_';
}

struct arith_num {
	int		 real;
	long long	 i;
	double		 d;
};

struct arith_state {
	const char	*p;
	int		 depth;
};

static int	eval_sum(struct arith_state *, struct arith_num *);

static void
skip_ws(struct arith_state *ev)
{
	while (isspace((unsigned char)*ev->p))
		ev->p++;
}

static int
eval_primary(struct arith_state *ev, struct arith_num *n)
{
	char	*end;

	skip_ws(ev);
	if (++ev->depth > 64)
		return -1;
	if (*ev->p == '(') {
		ev->p++;
		if (eval_sum(ev, n) == -1)
			return -1;
		skip_ws(ev);
		if (*ev->p != ')')
			return -1;
		ev->p++;
	} else if (*ev->p == '-' || *ev->p == '+') {
		int neg = *ev->p++ == '-';

		if (eval_primary(ev, n) == -1)
			return -1;
		if (neg) {
			if (n->real)
				n->d = -n->d;
			else if (n->i == LLONG_MIN)
				return -1;
			else
				n->i = -n->i;
		}
	} else if (strncasecmp(ev->p, "true", 4) == 0 &&
	    !is_idchar(ev->p[4])) {
		n->real = 0;
		n->i = 1;
		ev->p += 4;
	} else if (strncasecmp(ev->p, "false", 5) == 0 &&
	    !is_idchar(ev->p[5])) {
		n->real = 0;
		n->i = 0;
		ev->p += 5;
	} else if (isdigit((unsigned char)*ev->p) || *ev->p == '.') {
		errno = 0;
		n->i = strtoll(ev->p, &end, 10);
		if (*end == '.' || *end == 'e' || *end == 'E') {
			n->real = 1;
			n->d = strtod(ev->p, &end);
		} else {
			if (errno != 0)
				return -1;
			n->real = 0;
		}
		if (end == ev->p)
			return -1;
		ev->p = end;
	} else
		return -1;
	ev->depth--;
	return 0;
}

static int
eval_apply(int op, struct arith_num *a, const struct arith_num *b)
{
	if (a->real || b->real) {
		double x = a->real ? a->d : (double)a->i;
		double y = b->real ? b->d : (double)b->i;

		switch (op) {
		case '+': x += y; break;
		case '-': x -= y; break;
		case '*': x *= y; break;
		case '/': if (y == 0) return -1; x /= y; break;
		case '%': return -1;
		}
		a->real = 1;
		a->d = x;
		return 0;
	}
	switch (op) {
	case '+':
		return __builtin_add_overflow(a->i, b->i, &a->i) ? -1 : 0;
	case '-':
		return __builtin_sub_overflow(a->i, b->i, &a->i) ? -1 : 0;
	case '*':
		return __builtin_mul_overflow(a->i, b->i, &a->i) ? -1 : 0;
	case '/':
	case '%':
		if (b->i == 0 || (a->i == LLONG_MIN && b->i == -1))
			return -1;
		a->i = op == '/' ? a->i / b->i : a->i % b->i;
		return 0;
	}
	return -1;
}

static int
eval_term(struct arith_state *ev, struct arith_num *n)
{
	struct arith_num	 r;
	int		 op;

	if (eval_primary(ev, n) == -1)
		return -1;
	for (;;) {
		skip_ws(ev);
		op = *ev->p;
		if (op != '*' && op != '/' && op != '%')
			return 0;
		ev->p++;
		if (eval_primary(ev, &r) == -1 || eval_apply(op, n, &r) == -1)
			return -1;
	}
}

static int
eval_sum(struct arith_state *ev, struct arith_num *n)
{
	struct arith_num	 r;
	int		 op;

	if (eval_term(ev, n) == -1)
		return -1;
	for (;;) {
		skip_ws(ev);
		op = *ev->p;
		if (op != '+' && op != '-')
			return 0;
		ev->p++;
		if (eval_term(ev, &r) == -1 || eval_apply(op, n, &r) == -1)
			return -1;
	}
}

int
arith_eval(const char *s, int *isreal, long long *i, double *d)
{
	struct arith_state	 ev = { s, 0 };
	struct arith_num	 n;

	if (eval_sum(&ev, &n) == -1)
		return -1;
	skip_ws(&ev);
	if (*ev.p != '\0')
		return -1;
	*isreal = n.real;
	*i = n.i;
	*d = n.real ? n.d : (double)n.i;
	return 0;
}
