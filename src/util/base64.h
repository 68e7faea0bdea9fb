/*
 * base64.h — base64 with the standard alphabet and padding (RFC 4648 §4),
 * and base64url without padding (RFC 4648 §5), as CEDAR's handshake ads
 * and JWTs use them.  Decoders refuse anything but canonical input, since the
 * input comes from a peer or a caller.
 */
#ifndef BASE64_H
#define BASE64_H

#include <stddef.h>

struct buf;

/* Append the encoding of P[0..N) to OUT.  0, or -1 when memory ran out. */
int	b64_encode(const void *p, size_t n, struct buf *out);
int	b64url_encode(const void *p, size_t n, struct buf *out);

/* Append the bytes S[0..LEN) encodes to OUT.  0, or -1 for anything but
 * canonical input. */
int	b64_decode(const char *s, size_t len, struct buf *out);
int	b64url_decode(const char *s, size_t len, struct buf *out);

#endif
