/*
 * hex.h — hexadecimal digits and %XX escapes, read the same way by the
 * HTTP parser (paths, query values, chunk sizes), the sinful-string
 * reader and the tests' known-answer files.
 */
#ifndef HEX_H
#define HEX_H

#include <stddef.h>

struct buf;

/* The value of the hex digit C (either case), or -1. */
int	 hex_digit(int c);

/* The byte the two hex digits P[0] P[1] spell, or -1 (P[0] may be the
 * string's NUL: it is not a digit, so P[1] is then not read). */
int	 hex_byte(const char *p);

/* Append the bytes the hex string HEX[0..N) spells to OUT.  0, or -1 for
 * an odd length, a bad digit or no memory. */
int	 hex_decode(const char *hex, size_t n, struct buf *out);

/* %XX-decode P[0..N) into a new string the caller frees; NULL on a bad or
 * cut-off escape, an encoded NUL, or no memory.  '+' stays '+'. */
char	*percent_decode(const char *p, size_t n);

#endif
