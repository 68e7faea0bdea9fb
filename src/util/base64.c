/*
 * base64.c — base64 as CEDAR uses it: the standard alphabet with padding
 * for ECDH public keys and nonces in the handshake ads (condor_secman.cpp),
 * base64url without padding for the parts of an IDTOKEN (JWT, RFC 7515).
 * Decoders reject anything but canonical input, since the input comes from
 * a peer or a caller.
 */
#include <stdint.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"

static const char std_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char url_alpha[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
encode(const char *alpha, int pad, const void *vp, size_t n, struct buf *out)
{
	const unsigned char	*p = vp;
	char			 q[4];
	uint32_t		 v;
	size_t			 i, left;

	for (i = 0; i < n; i += 3) {
		left = n - i;
		v = (uint32_t)p[i] << 16;
		if (left > 1)
			v |= (uint32_t)p[i + 1] << 8;
		if (left > 2)
			v |= p[i + 2];
		q[0] = alpha[v >> 18 & 63];
		q[1] = alpha[v >> 12 & 63];
		q[2] = left > 1 ? alpha[v >> 6 & 63] : '=';
		q[3] = left > 2 ? alpha[v & 63] : '=';
		if (buf_add(out, q, pad ? 4 : (left > 2 ? 4 : left + 1)) == -1)
			return -1;
	}
	return 0;
}

static int
value_of(const char *alpha, char c)
{
	const char	*p;

	if (c == '\0' || (p = strchr(alpha, c)) == NULL)
		return -1;
	return (int)(p - alpha);
}

/* Decode LEN characters; with PAD the length must be a multiple of 4 with
 * at most two '=' at the end, without it there must be no '='.  Unused
 * low bits of the last character must be zero. */
static int
decode(const char *alpha, int pad, const char *s, size_t len, struct buf *out)
{
	uint32_t	 acc = 0;
	size_t		 i, npad = 0, nchar;
	int		 v, bits = 0;
	unsigned char	 c;

	if (pad) {
		if (len % 4 != 0)
			return -1;
		while (npad < 2 && npad < len && s[len - 1 - npad] == '=')
			npad++;
	}
	nchar = len - npad;
	if (nchar % 4 == 1)
		return -1;
	for (i = 0; i < nchar; i++) {
		if ((v = value_of(alpha, s[i])) == -1)
			return -1;
		acc = (acc << 6 | (uint32_t)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			c = (unsigned char)(acc >> bits);
			if (buf_add(out, &c, 1) == -1)
				return -1;
		}
	}
	if (pad && npad != (4 - nchar % 4) % 4)
		return -1;
	if (bits > 0 && (acc & ((1u << bits) - 1)) != 0)
		return -1;
	return 0;
}

int
b64_encode(const void *p, size_t n, struct buf *out)
{
	return encode(std_alpha, 1, p, n, out);
}

int
b64_decode(const char *s, size_t len, struct buf *out)
{
	return decode(std_alpha, 1, s, len, out);
}

int
b64url_encode(const void *p, size_t n, struct buf *out)
{
	return encode(url_alpha, 0, p, n, out);
}

int
b64url_decode(const char *s, size_t len, struct buf *out)
{
	return decode(url_alpha, 0, s, len, out);
}
