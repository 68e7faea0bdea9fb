/*
 * fuzz_multipart.c — libFuzzer harness for the multipart/form-data
 * parser.  The input's first line is a Content-Type value (its boundary,
 * when valid, is used; else "b"), the rest the body.  The body is parsed
 * whole, byte by byte and in pieces sized by the input: the status and
 * the callbacks (their data joined) must be the same each time, and no
 * byte may be handed out before it was fed, or outside a part.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A digest of the events: FNV-1a over the part heads, the bytes of the
 * parts as one stream, and the part ends. */
struct trace {
	uint64_t	h;
	size_t		fed;		/* body bytes fed so far */
	size_t		out;		/* part bytes handed out */
	size_t		parts;
};

static void
mix(struct trace *t, const void *p, size_t n)
{
	const unsigned char	*c = p;

	while (n-- > 0) {
		t->h ^= *c++;
		t->h *= 1099511628211u;
	}
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct trace	*t = ctx;

	mix(t, "B", 1);
	mix(t, p->name, strlen(p->name) + 1);
	mix(t, p->filename, strlen(p->filename) + 1);
	mix(t, &p->has_filename, sizeof(p->has_filename));
	mix(t, p->content_type, strlen(p->content_type) + 1);
	t->parts++;
	return 0;
}

static int
on_data(void *ctx, const void *p, size_t n)
{
	struct trace	*t = ctx;

	if (n == 0 || t->parts == 0)
		abort();	/* empty pieces, or data outside a part */
	mix(t, p, n);
	t->out += n;
	if (t->out > t->fed)
		abort();
	return 0;
}

static int
on_end(void *ctx)
{
	mix(ctx, "E", 1);
	return 0;
}

/* Parse BODY in pieces: WHOLE at once, else sizes 1..64 taken from the
 * bytes of SIZES in turn (byte by byte without SIZES).  Returns the status; T holds the events. */
static int
parse(const char *boundary, const uint8_t *body, size_t len,
    const uint8_t *sizes, size_t nsizes, int whole, struct trace *t)
{
	struct multipart_cb	 cb = { on_begin, on_data, on_end, t };
	struct multipart	*m;
	char			 err[256];
	size_t			 off = 0, n, k = 0;
	int			 rc = 0;

	memset(t, 0, sizeof(*t));
	t->h = 14695981039346656037u;
	if ((m = multipart_new(boundary, &cb)) == NULL)
		abort();
	while (off < len && rc == 0) {
		n = whole ? len - off : nsizes == 0 ? 1 :
		    1 + sizes[k++ % nsizes] % 64;
		if (n > len - off)
			n = len - off;
		t->fed += n;
		rc = multipart_feed(m, body + off, n, err, sizeof(err));
		off += n;
	}
	if (rc == 0)
		rc = multipart_finish(m, err, sizeof(err));
	multipart_free(m);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char			 ctype[512], boundary[MULTIPART_MAX_BOUNDARY + 1];
	const uint8_t		*nl = memchr(data, '\n', size);
	const uint8_t		*body;
	size_t			 clen, blen;
	struct trace		 a, b, c;
	int			 ra, rb, rc;

	if (size > 100000)
		return 0;
	clen = nl == NULL ? 0 : (size_t)(nl - data);
	if (clen >= sizeof(ctype))
		clen = sizeof(ctype) - 1;
	memcpy(ctype, data, clen);
	ctype[clen] = '\0';
	if (multipart_boundary(ctype, boundary, sizeof(boundary)) != 0)
		strcpy(boundary, "b");
	body = nl == NULL ? data : nl + 1;
	blen = size - (size_t)(body - data);

	ra = parse(boundary, body, blen, NULL, 0, 1, &a);
	rb = parse(boundary, body, blen, NULL, 0, 0, &b);
	rc = parse(boundary, body, blen, data, clen, 0, &c);
	if (ra != rb || ra != rc || a.h != b.h || a.h != c.h ||
	    a.out != b.out || a.out != c.out)
		abort();
	return 0;
}
