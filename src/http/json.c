/*
 * json.c — JSON string output for hand-built answers.
 */
#include <stddef.h>
#include <string.h>

#include "util/buf.h"
#include "util/utf8.h"
#include "http/json.h"

int
json_add_string(struct buf *b, const char *str)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i, n, skip, len = strlen(str);

	buf_addc(b, '"');
	for (i = 0; i < len; i += n) {
		n = 1;
		if (s[i] == '"' || s[i] == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, s[i]);
		} else if (s[i] == '\n')
			buf_adds(b, "\\n");
		else if (s[i] == '\t')
			buf_adds(b, "\\t");
		else if (s[i] == '\r')
			buf_adds(b, "\\r");
		else if (s[i] < 0x20 || s[i] == 0x7f)
			buf_addf(b, "\\u%04x", s[i]);
		else if (s[i] < 0x80)
			buf_addc(b, s[i]);
		else if ((n = utf8_sequence(str + i, len - i, &skip,
		    NULL)) != 0)
			buf_add(b, s + i, n);
		else {
			/* Valid JSON whatever the bytes: one U+FFFD for
			 * each maximal ill-formed subpart. */
			buf_adds(b, UTF8_REPLACEMENT);
			n = skip;
		}
	}
	return buf_addc(b, '"');
}
