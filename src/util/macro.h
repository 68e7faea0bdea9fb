/*
 * macro.h — the macro syntax the configuration and submit languages share
 * (HTCondor's src/condor_utils/config.cpp, expand_macro): identifier
 * characters, the $FUNC() names, and splicing an expansion into a value
 * within a size bound.  Each language keeps its own look-ups and scan
 * rules.
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
