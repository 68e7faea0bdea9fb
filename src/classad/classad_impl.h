/*
 * classad_impl.h — what the files of the classad module share and nobody
 * else may use: the expression node, the operator table and the lexer.
 */
#ifndef CLASSAD_IMPL_H
#define CLASSAD_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "classad/classad.h"

/* Node kinds: the literals first, in the order of enum classad_type. */
enum node_kind {
	K_UNDEF, K_ERROR, K_BOOL, K_INT, K_REAL, K_STRING,
	K_LIST,		/* kids[n] */
	K_RECORD,	/* names[n] = kids[n], kept in HTCondor's order */
	K_ATTR,		/* s = name; a = base (a.name) or NULL; absolute */
	K_CALL,		/* s = function name; kids[n] = arguments */
	K_UNARY,	/* op a */
	K_BINARY,	/* a op b */
	K_TERNARY,	/* a ? b : c */
	K_ELVIS,	/* a ?: b */
	K_SUBSCRIPT,	/* a[b] */
	K_PAREN		/* (a) */
};

/* Operators, in no particular order; op_text() gives their spelling. */
enum op {
	OP_LT, OP_LE, OP_NE, OP_EQ, OP_GE, OP_GT, OP_IS, OP_ISNT,
	OP_UPLUS, OP_UMINUS, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_MOD,
	OP_NOT, OP_OR, OP_AND,
	OP_BNOT, OP_BOR, OP_BXOR, OP_BAND, OP_SHL, OP_SHR, OP_USHR,
	OP_COUNT
};

struct classad_expr {
	unsigned char	  kind;		/* enum node_kind */
	unsigned char	  op;		/* enum op, for K_UNARY/K_BINARY */
	unsigned char	  absolute;	/* K_ATTR written as .name */
	unsigned short	  depth;	/* height of this tree, 1 for a leaf */
	union {
		int64_t	  i;
		double	  r;
		int	  b;
	} v;
	char		 *s;		/* string value or name, NUL-ended */
	size_t		  slen;
	struct classad_expr *a, *b, *c;
	struct classad_expr **kids;
	char		**names;
	size_t		  n;
};

/* expr.c */
struct classad_expr *expr_alloc(int kind);
int	 expr_set_string(struct classad_expr *e, const char *s, size_t len);
int	 expr_fix_depth(struct classad_expr *e);
/* The spelling of OP in the new syntax (" is ") or the old (" =?= "). */
const char *op_text(int op, int old);
/* HTCondor's order of names inside a record: shorter first, then
 * case-insensitive. */
int	 record_name_cmp(const char *a, size_t alen, const char *b,
	    size_t blen);

/* lexer.c */
enum tok {
	T_END, T_BAD, T_INT, T_REAL, T_STRING, T_BOOL, T_UNDEF, T_ERRORV,
	T_IDENT, T_DOT, T_LPAREN, T_RPAREN, T_LBOX, T_RBOX, T_LBRACE,
	T_RBRACE, T_COMMA, T_SEMI, T_ASSIGN, T_QMARK, T_COLON, T_ELVIS,
	T_LT, T_LE, T_NE, T_EQ, T_GE, T_GT, T_IS, T_ISNT,
	T_PLUS, T_MINUS, T_MUL, T_DIV, T_MOD, T_NOT, T_OR, T_AND,
	T_BNOT, T_BOR, T_BXOR, T_BAND, T_SHL, T_SHR, T_USHR
};

struct lexer {
	const char	*p;
	size_t		 len;
	size_t		 pos;		/* next byte to read */
	int		 old;		/* old-syntax strings */
	int		 prev;		/* type of the previous token */
	/* The current token. */
	int		 type;
	size_t		 start;		/* its offset in P */
	int64_t		 ival;
	double		 rval;
	int		 bval;
	struct buf	 text;		/* string value or identifier */
	const char	*why;		/* for T_BAD: what is wrong */
};

void	 lex_init(struct lexer *lx, const char *p, size_t len, int old);
void	 lex_free(struct lexer *lx);
/* Read the next token into LX; returns its type. */
int	 lex_next(struct lexer *lx);
const char *tok_name(int type);

#endif
