/*
 * arith.h — arithmetic for macro functions, shared by the configuration
 * and submit languages.
 */
#ifndef ARITH_H
#define ARITH_H

/* Evaluate S as arithmetic on integers and reals (true and false count
 * as 1 and 0).  0 with *ISREAL telling which of *I and *D holds the
 * result (*D always holds it as a real), or -1 when S is not such an
 * expression or overflows. */
int	arith_eval(const char *s, int *isreal, long long *i, double *d);

#endif
