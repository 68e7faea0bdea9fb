/*
 * utf8.h — UTF-8 validation (RFC 3629, Unicode 15 section 3.9): the one
 * definition of well-formed text that the JSON body check and both JSON
 * writers share.  Overlong forms, UTF-16 surrogates and code points past
 * U+10FFFF are ill-formed.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>

/* The UTF-8 sequence at S, with N > 0 bytes left.  Returns its length
 * (1-4) when it is well-formed.  Otherwise returns 0, with *SKIP the
 * length of its maximal ill-formed subpart (at least 1: what one U+FFFD
 * replaces, Unicode 15 section 3.9 "U+FFFD Substitution of Maximal
 * Subparts") and *WHY what is wrong ("an overlong encoding"...); either
 * pointer may be NULL. */
size_t		 utf8_sequence(const char *s, size_t n, size_t *skip,
		    const char **why);

/* NULL when the N bytes at S are all well-formed UTF-8; else what is
 * wrong with the first ill-formed sequence, which starts at *AT. */
const char	*utf8_invalid(const char *s, size_t n, size_t *at);

/* U+FFFD REPLACEMENT CHARACTER in UTF-8. */
#define UTF8_REPLACEMENT	"\xef\xbf\xbd"

#endif
