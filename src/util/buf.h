/*
 * buf.h — a growable byte buffer, the one string builder every module uses,
 * and the append-and-flush loop of the fixed output blocks.
 * The bytes are always NUL-terminated so a buffer can be read as a string.
 * Growth is checked against a cap so untrusted input cannot grow it without
 * bound: a buffer whose cap is 0 may grow to BUF_DEFAULT_CAP.
 */
#ifndef BUF_H
#define BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "util/bounds.h"

struct buf {
	char	*data;		/* NUL-terminated, or NULL while empty */
	size_t	 len;		/* bytes used, not counting the NUL */
	size_t	 size;		/* bytes allocated */
	size_t	 cap;		/* most bytes it may hold; 0 = BUF_DEFAULT_CAP */
	int	 failed;	/* set once a grow failed; later adds do nothing */
};

#define BUF_INIT	{ NULL, 0, 0, 0, 0 }

/* Append bytes, a string, one char, or printf-formatted text.  Each returns
 * 0, or -1 (and sets failed) when memory or the cap ran out. */
int	 buf_add(struct buf *b, const void *p, size_t n);
int	 buf_adds(struct buf *b, const char *s);
int	 buf_addc(struct buf *b, int c);
int	 buf_addf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vaddf(struct buf *b, const char *fmt, va_list ap)
	    __attribute__((format(printf, 2, 0)));

/* Room for N more bytes after the contents, for a reader that fills them
 * in place (a read(2) straight into the buffer): a pointer to them, or
 * NULL (and failed set) when memory or the cap ran out.  The length does
 * not change; the caller adds what it filled to len. */
void	*buf_room(struct buf *b, size_t n);

/* The contents as a string ("" for an empty buffer). */
const char *buf_str(const struct buf *b);

/* Forget the contents but keep the memory. */
void	 buf_reset(struct buf *b);

/* Hand the string to the caller (who frees it) and empty the buffer. */
char	*buf_take(struct buf *b);

/* Wipe (explicit_bzero) and free: for buffers that held credentials. */
void	 buf_wipe(struct buf *b);

void	 buf_free(struct buf *b);

/* Output through a fixed block: copy P[0..N) into OUT (SIZE bytes, *LEN
 * of them in use), calling FLUSH(CTX) to empty it each time it is full;
 * FLUSH sets *LEN to 0.  0, or -1 as soon as FLUSH returns -1. */
int	 block_put(void *out, size_t size, size_t *len, const void *p,
	    size_t n, int (*flush)(void *ctx), void *ctx);

#endif
