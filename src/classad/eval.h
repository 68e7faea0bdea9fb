/*
 * eval.h — evaluating ClassAd expressions against one ad, with the
 * language's three-valued logic (undefined, error).  Used where a
 * constraint must be decided locally: the test schedd's queries and
 * checks of values read back from the schedd.
 */
#ifndef CLASSAD_EVAL_H
#define CLASSAD_EVAL_H

#include <stdint.h>

#include "classad/classad.h"

/* Does E evaluate to true in the scope of AD (attribute references name
 * AD's attributes; MY. is AD, TARGET. is undefined)?  1 for true (or a
 * non-zero number, as the schedd's EvalBool takes it), 0 for false,
 * undefined or error. */
int	classad_eval_match(const struct classad_expr *e,
	    const struct classad *ad);

/* Evaluate E in AD to an integer: 0 with *OUT set when the result is an
 * integer (or a real, truncated, or a bool), -1 otherwise. */
int	classad_eval_int(const struct classad_expr *e, const struct classad *ad,
	    int64_t *out);

/* Call FN with the name of every attribute E refers to in its own ad
 * (plain or MY. references; not TARGET.), as the schedd does to widen a
 * projection by what the projected expressions need. */
void	classad_expr_refs(const struct classad_expr *e,
	    void (*fn)(void *arg, const char *name), void *arg);

#endif
