/*
 * macro.h — the macro syntax the configuration and submit languages share
 * (HTCondor's src/condor_utils/config.cpp, expand_macro): identifier
 * characters, the $FUNC() names, the scanner that finds macros (each
 * language supplies its rules as hooks), and splicing an expansion into a
 * value within a size bound.  Each language keeps its own look-ups.
 */
#ifndef MACRO_H
#define MACRO_H

#include <stddef.h>

struct buf;

/* The macro functions, by the name before the '('. */
enum macro_fn {
	MACRO_NONE = 0,
	MACRO_ENV,
	MACRO_RANDOM_CHOICE,
	MACRO_RANDOM_INTEGER,
	MACRO_CHOICE,
	MACRO_SUBSTR,
	MACRO_INT,
	MACRO_REAL,
	MACRO_STRING,
	MACRO_EVAL,
	MACRO_BASENAME,
	MACRO_DIRNAME,
	MACRO_FILENAME		/* $F followed by flag letters */
};

/* The kind macro_next returns for a plain $(NAME); MACRO_NONE is none. */
#define MACRO_PLAIN	(-1)

/* What a macro body may hold: anything up to ')', a name with an optional
 * ":default", or a metaknob argument ($(1) $(1?) $(0#) $(1+) $(1:def)). */
enum macro_body {
	MACRO_BODY_ANY,
	MACRO_BODY_NAME,
	MACRO_BODY_ARG
};

/* The offsets of one macro in a text: '$' at DOLLAR, the body from BODY,
 * the default after a colon at DEFVAL (0 when none), RIGHT past ')'. */
struct macro_pos {
	size_t	dollar, body, defval, right;
};

/* One scan's rules, supplied by each language.  PREFIX says which macro a
 * "$WORD(" prefix starts (P at the '$', LEN up to the '('): its kind
 * (MACRO_PLAIN or an enum macro_fn) and *BODY, or MACRO_NONE to pass it
 * by.  SKIP returns 1 to pass by a well-formed macro of kind KIND whose
 * body is BODY (LEN bytes; COLON is 1 + the offset of its ':' or 0).
 * The scanner only finds macros: what a name means (a definition, the
 * environment, the passwd database) is the language's, in its expander.
 * WORK counts the bytes examined against LIMIT; OVER is set when the
 * budget runs out. */
struct macro_scan {
	int	(*prefix)(void *arg, const char *p, size_t len,
		    enum macro_body *body);
	int	(*skip)(void *arg, int kind, const char *body, size_t len,
		    size_t colon);
	void	*arg;
	size_t	*work;
	size_t	 limit;
	int	 over;
};

/* Find the left-most macro of S at or after FROM the way HTCondor's
 * next_config_macro() does: its kind (MACRO_NONE when there is none, or
 * the budget ran out) with *MP filled. */
int	macro_next(const char *s, size_t from, struct macro_scan *sc,
	    struct macro_pos *mp);

/* HTCondor's identifier characters: letters, digits, "_", "." and "/". */
int	macro_is_idchar(int c);

/* The function a "$WORD(" prefix names: P points at the '$', LEN counts
 * up to the '('.  MACRO_NONE when it names none. */
enum macro_fn macro_func_id(const char *p, size_t len);

/* Replace bytes [FROM, TO) of the string *S with REP (N bytes), making a
 * new string of at most MAX bytes.  0, -1 when the result would be
 * longer than MAX, -2 when memory ran out (*S is then unchanged). */
int	macro_splice(char **s, size_t from, size_t to, const char *rep,
	    size_t n, size_t max);

/* Check a user's printf format for $INT (diouxX), $REAL (eEfFgGaA) or
 * $STRING (s), CONVS naming the conversions allowed: exactly one
 * conversion, flags, width and precision of at most three digits, %%
 * allowed.  PRE, SPEC and POST get the text before, the conversion
 * (rebuilt with "ll" for integers) and the text after.  0 or -1. */
int	macro_check_format(const char *fmt, const char *convs,
	    struct buf *pre, struct buf *spec, struct buf *post);

/* Append I, D or S (by the kind of CONVS) formatted with the user's
 * format FMT, once macro_check_format accepts it.  0, or -1 when it does
 * not (nothing is appended then). */
int	macro_format(struct buf *out, const char *fmt, const char *convs,
	    long long i, double d, const char *s);

#endif
