/*
 * multipart.h — a multipart/form-data body (RFC 7578, on the multipart
 * syntax of RFC 2046 §5.1.1), parsed as it streams: the caller feeds the
 * body in pieces of any size and gets each part's head and its bytes
 * through callbacks.  Memory is fixed (the boundary and one part head);
 * a part's body is never held.  Nothing here knows what the parts mean.
 */
#ifndef MULTIPART_H
#define MULTIPART_H

#include <stddef.h>

#include "util/bounds.h"

/* One part's head: the Content-Disposition form-data name and filename,
 * its Content-Type ("" when absent), and where its data starts in the
 * body (so a caller that kept the body can read a part from there
 * instead of copying it). */
struct multipart_part {
	char		name[MULTIPART_MAX_NAME + 1];
	char		filename[MULTIPART_MAX_FILENAME + 1];
	int		has_filename;
	char		content_type[MULTIPART_MAX_CTYPE + 1];
	long long	offset;		/* of the data's first byte */
};

/* What the caller does with the parts: each returns 0, or -1 to stop the
 * parse (multipart_feed then returns -1 and the callback's reason holds). */
struct multipart_cb {
	int	(*part_begin)(void *ctx, const struct multipart_part *p);
	int	(*part_data)(void *ctx, const void *p, size_t n);
	int	(*part_end)(void *ctx);
	void	*ctx;
};

struct multipart;

/* The boundary parameter of a multipart/form-data Content-Type value
 * (quoted or not, 1..70 characters of RFC 2046's set) into OUT.  0, or -1
 * when the type is not multipart/form-data or has no valid boundary. */
int	multipart_boundary(const char *content_type, char *out,
	    size_t outlen);

/* A parser for BOUNDARY reporting to CB.  NULL when memory runs out. */
struct multipart *multipart_new(const char *boundary,
	    const struct multipart_cb *cb);

/* Feed the next N bytes of the body.  0; -1 when a callback stopped it;
 * 400 with ERR for a malformed body (a part head over the limit, a part
 * without a form-data name, more than MULTIPART_MAX_PARTS parts, bytes
 * after the close delimiter other than the epilogue). */
int	multipart_feed(struct multipart *m, const void *p, size_t n,
	    char *err, size_t errlen);

/* The body has ended: 0 when the close delimiter was seen, else 400
 * with ERR (a truncated body). */
int	multipart_finish(struct multipart *m, char *err, size_t errlen);

void	multipart_free(struct multipart *m);

#endif
