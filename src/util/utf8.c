/*
 * utf8.c — UTF-8 validation, by the table of well-formed byte sequences
 * (Unicode 15 table 3-7), so that every fault is found at the byte where
 * it becomes certain.
 */
#include <stddef.h>

#include "util/utf8.h"

/* Bytes that can only continue a sequence. */
#define IS_CONT(b)	((b) >= 0x80 && (b) <= 0xbf)

/* What a lead byte B that cannot start a sequence means. */
static const char *
bad_lead(unsigned char b)
{
	if (IS_CONT(b))
		return "a continuation byte without a lead byte";
	if (b == 0xc0 || b == 0xc1)
		return "an overlong encoding";
	if (b <= 0xf7)
		return "a code point past U+10FFFF";
	return "a byte that never occurs in UTF-8";
}

size_t
utf8_sequence(const char *str, size_t n, size_t *skip, const char **why)
{
	const unsigned char	*s = (const unsigned char *)str;
	const char		*fault = NULL;
	unsigned char		 lo = 0x80, hi = 0xbf;
	size_t			 need, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4;
	else {
		i = 1;
		fault = bad_lead(s[0]);
		goto bad;
	}
	/* The second byte's range excludes the ill-formed code points. */
	if (s[0] == 0xe0)
		lo = 0xa0, fault = "an overlong encoding";
	else if (s[0] == 0xed)
		hi = 0x9f, fault = "a UTF-16 surrogate";
	else if (s[0] == 0xf0)
		lo = 0x90, fault = "an overlong encoding";
	else if (s[0] == 0xf4)
		hi = 0x8f, fault = "a code point past U+10FFFF";
	for (i = 1; i < need; i++) {
		if (i == n || !IS_CONT(s[i])) {
			fault = "a truncated sequence";
			goto bad;
		}
		if (i == 1 && (s[1] < lo || s[1] > hi))
			goto bad;
	}
	return need;
bad:
	if (skip != NULL)
		*skip = i;
	if (why != NULL)
		*why = fault;
	return 0;
}

const char *
utf8_invalid(const char *s, size_t n, size_t *at)
{
	const char	*why;
	size_t		 i = 0, len;

	while (i < n) {
		if ((len = utf8_sequence(s + i, n - i, NULL, &why)) == 0) {
			*at = i;
			return why;
		}
		i += len;
	}
	return NULL;
}
