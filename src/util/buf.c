/*
 * buf.c — growable byte buffer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

/* Make room for N more bytes plus the NUL, doubling, within the cap. */
static int
buf_grow(struct buf *b, size_t n)
{
	size_t	 cap = b->cap ? b->cap : BUF_DEFAULT_CAP;
	size_t	 need, nsize;
	char	*p;

	if (b->failed)
		return -1;
	if (n > cap || b->len > cap - n) {
		b->failed = 1;
		return -1;
	}
	need = b->len + n + 1;
	if (need <= b->size)
		return 0;
	nsize = b->size ? b->size : 64;
	while (nsize < need)
		nsize *= 2;
	if ((p = realloc(b->data, nsize)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->size = nsize;
	return 0;
}

int
buf_add(struct buf *b, const void *p, size_t n)
{
	if (buf_grow(b, n) == -1)
		return -1;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

void *
buf_room(struct buf *b, size_t n)
{
	if (buf_grow(b, n) == -1)
		return NULL;
	return b->data + b->len;
}

int
buf_adds(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

int
buf_addc(struct buf *b, int c)
{
	char ch = (char)c;

	return buf_add(b, &ch, 1);
}

int
buf_vaddf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 ap2;
	int	 n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || buf_grow(b, (size_t)n) == -1)
		return -1;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 rc;

	va_start(ap, fmt);
	rc = buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const struct buf *b)
{
	return b->data ? b->data : "";
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *
buf_take(struct buf *b)
{
	char *s = b->data ? b->data : strdup("");

	b->data = NULL;
	b->len = b->size = 0;
	b->failed = 0;
	return s;
}

void
buf_wipe(struct buf *b)
{
	if (b->data)
		explicit_bzero(b->data, b->size);
	buf_free(b);
}

void
buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
	b->failed = 0;
}

/* The JSON writer, the connection and the chunked body writer each keep a
 * block of a few KiB and send it when full; this is their one loop. */
int
block_put(void *out, size_t size, size_t *len, const void *p, size_t n,
    int (*flush)(void *ctx), void *ctx)
{
	const char	*s = p;
	size_t		 room;

	while (n > 0) {
		if ((room = size - *len) == 0) {
			if (flush(ctx) == -1)
				return -1;
			continue;
		}
		if (room > n)
			room = n;
		memcpy((char *)out + *len, s, room);
		*len += room;
		s += room;
		n -= room;
	}
	return 0;
}
