/*
 * hex.c — hexadecimal digits and %XX escapes.
 */
#include <stddef.h>

#include "util/buf.h"
#include "util/hex.h"

int
hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Two digits make a byte; the first is checked before the second is read
 * so a string ending after one digit is never read past its NUL. */
int
hex_byte(const char *p)
{
	int	hi, lo;

	if ((hi = hex_digit((unsigned char)p[0])) < 0 ||
	    (lo = hex_digit((unsigned char)p[1])) < 0)
		return -1;
	return hi << 4 | lo;
}

int
hex_decode(const char *hex, size_t n, struct buf *out)
{
	size_t	i;
	int	c;

	if (n % 2 != 0)
		return -1;
	for (i = 0; i < n; i += 2)
		if ((c = hex_byte(hex + i)) < 0 || buf_addc(out, c) == -1)
			return -1;
	return 0;
}

/* An encoded NUL is refused: the result is a C string, and a NUL in it
 * would cut it short where the sender meant more. */
char *
percent_decode(const char *p, size_t n)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;
	int		 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '%') {
			if (n - i < 3 || (c = hex_byte(p + i + 1)) <= 0)
				goto bad;
			i += 2;
		}
		if (buf_addc(&b, c) == -1)
			goto bad;
	}
	return buf_take(&b);
bad:
	buf_free(&b);
	return NULL;
}
