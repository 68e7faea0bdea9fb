/*
 * codec.c — CEDAR's primitive encodings (HTCondor's
 * src/condor_io/stream.cpp) over plain byte buffers: 8-byte big-endian
 * integers, doubles as two integers, strings NUL-terminated before the
 * session key and length-prefixed after.  Decoders take a cursor and never
 * read past LEN.
 */
#include <math.h>
#include <string.h>

#include "cedar/cedar_int.h"

void
codec_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

uint32_t
codec_get_be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Every integer type travels as 8 bytes, two's complement, big-endian. */
int
codec_put_int(struct buf *b, int64_t v)
{
	unsigned char	 p[8];
	uint64_t	 u = (uint64_t)v;
	int		 i;

	for (i = 7; i >= 0; i--) {
		p[i] = (unsigned char)(u & 0xff);
		u >>= 8;
	}
	return buf_add(b, p, sizeof(p));
}

int
codec_get_int(const unsigned char *p, size_t len, size_t *pos, int64_t *v)
{
	uint64_t	 u = 0;
	int		 i;

	if (*pos > len || len - *pos < 8)
		return -1;
	for (i = 0; i < 8; i++)
		u = u << 8 | p[*pos + (size_t)i];
	*pos += 8;
	*v = (int64_t)u;
	return 0;
}

/* A double is frexp's mantissa scaled to a 31-bit integer, then the
 * exponent: the C++ Stream::code(double) layout, 31 bits of precision. */
int
codec_put_double(struct buf *b, double v)
{
	double	 m;
	int	 e = 0;

	if (!isfinite(v))
		return -1;
	m = frexp(v, &e);
	if (codec_put_int(b, (int64_t)(int)(m * (double)INT32_MAX)) == -1)
		return -1;
	return codec_put_int(b, e);
}

int
codec_get_double(const unsigned char *p, size_t len, size_t *pos, double *v)
{
	int64_t	 frac, e;

	if (codec_get_int(p, len, pos, &frac) == -1 ||
	    codec_get_int(p, len, pos, &e) == -1)
		return -1;
	if (frac < INT32_MIN || frac > INT32_MAX || e < -2000 || e > 2000)
		return -1;
	*v = ldexp((double)frac / (double)INT32_MAX, (int)e);
	return 0;
}

/* Before the key: the bytes and a NUL.  After: an int counting the bytes
 * and the NUL, then both.  NULL is sent as "". */
int
codec_put_string(struct buf *b, const char *s, int crypto)
{
	size_t	 n;

	if (s == NULL)
		s = "";
	n = strlen(s);
	if (crypto && codec_put_int(b, (int64_t)n + 1) == -1)
		return -1;
	return buf_add(b, s, n + 1);
}

/* The reverse, strictly: a crypto-mode length must cover the string and
 * its one NUL exactly; a leading 0xAD is the legacy null-string marker. */
int
codec_get_string(const unsigned char *p, size_t len, size_t *pos, int crypto,
    const char **s, size_t *slen, int *isnull)
{
	const unsigned char	*start, *nul;
	int64_t			 l;
	size_t			 avail;

	*isnull = 0;
	if (crypto) {
		if (codec_get_int(p, len, pos, &l) == -1)
			return -1;
		if (l < 1 || l > CEDAR_MAX_STRING || (uint64_t)l > len - *pos)
			return -1;
		start = p + *pos;
		if (start[0] == 0xad) {
			*isnull = 1;
			*pos += (size_t)l;
			*s = "";
			*slen = 0;
			return 0;
		}
		if (start[l - 1] != '\0' ||
		    memchr(start, '\0', (size_t)l - 1) != NULL)
			return -1;
		*s = (const char *)start;
		*slen = (size_t)l - 1;
		*pos += (size_t)l;
		return 0;
	}
	if (*pos >= len)
		return -1;
	start = p + *pos;
	avail = len - *pos;
	if (start[0] == 0xad) {
		*isnull = 1;
		*pos += 1;
		*s = "";
		*slen = 0;
		return 0;
	}
	if ((nul = memchr(start, '\0', avail)) == NULL)
		return -1;
	*s = (const char *)start;
	*slen = (size_t)(nul - start);
	*pos += *slen + 1;
	return 0;
}
