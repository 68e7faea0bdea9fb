/*
 * json.c — JSON string output for hand-built answers.
 */
#include <stddef.h>

#include "util/buf.h"
#include "http/json.h"

/* Length of the valid UTF-8 sequence at S, or 0 when it is not one
 * (overlong forms, surrogates and code points past U+10FFFF count as
 * invalid). */
static size_t
utf8_len(const unsigned char *s)
{
	unsigned int	cp;
	size_t		n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int
json_add_string(struct buf *b, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n;

	buf_addc(b, '"');
	while (*s != '\0') {
		if (*s == '"' || *s == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, *s++);
		} else if (*s == '\n') {
			buf_adds(b, "\\n"), s++;
		} else if (*s == '\t') {
			buf_adds(b, "\\t"), s++;
		} else if (*s == '\r') {
			buf_adds(b, "\\r"), s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			buf_addf(b, "\\u%04x", *s++);
		} else if ((n = utf8_len(s)) == 0) {
			buf_adds(b, "\\ufffd"), s++;
		} else {
			buf_add(b, s, n);
			s += n;
		}
	}
	return buf_addc(b, '"');
}
