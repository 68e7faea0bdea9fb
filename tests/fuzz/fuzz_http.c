/*
 * fuzz_http.c — libFuzzer harness for the request reader: the head
 * scanner and parser, then the body reader (Content-Length or chunked)
 * over a pipe, exactly as a connection would feed them.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "http/conn.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct http_exchange	x;
	struct conn			c;
	struct buf			body = BUF_INIT;
	char				err[256], out[256];
	int				fds[2];

	/* A pipe holds 64 KiB: larger inputs would block the writer. */
	if (size > 60000 || pipe(fds) == -1)
		return 0;
	if (write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return 0;
	}
	close(fds[1]);
	memset(&x, 0, sizeof(x));
	conn_init(&c, fds[0], fds[0], 1, 1);
	x.conn = &c;
	x.max_body = 4096;
	if (http_read_request(&x, err, sizeof(err)) == 0) {
		if (x.req.query != NULL)
			http_query_param(x.req.query, "constraint", out,
			    sizeof(out));
		(void)http_header(&x.req, "Authorization");
		(void)http_read_body(&x, &body, err, sizeof(err));
	}
	buf_free(&body);
	close(fds[0]);
	return 0;
}
