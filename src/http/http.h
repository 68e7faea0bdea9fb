/*
 * http.h — one HTTP/1.1 exchange: a strict request-head parser over a
 * caller's buffer, the body reader (Content-Length or chunked, with
 * 100-continue), and the response writer (fixed length, chunked stream,
 * or CGI form).  Nothing here knows HTCondor.
 */
#ifndef HTTP_H
#define HTTP_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#include "http/conn.h"
#include "util/bounds.h"

struct buf;

struct http_field {
	const char	*name;		/* as received; compare case-blind */
	char		*value;		/* OWS trimmed; in the exchange's buffer */
};

struct http_request {
	const char	*method;
	const char	*target;	/* the request-target as received */
	const char	*path;		/* percent-decoded path */
	const char	*query;		/* raw query after '?', or NULL */
	int		 minor;		/* HTTP/1.minor: 0 or 1 */
	struct http_field fields[HTTP_MAX_HEADER_FIELDS];
	size_t		 nfields;
	long long	 content_length; /* -1 when absent */
	int		 chunked;	/* Transfer-Encoding: chunked */
	int		 expect_continue;
	char		 pathbuf[HTTP_MAX_REQUEST_LINE + 1];
};

/* Where the answer goes: straight to the client, or to a CGI server. */
enum http_form { HTTP_DIRECT, HTTP_CGI };

struct http_exchange {
	struct conn	*conn;
	enum http_form	 form;
	struct http_request req;
	long long	 max_body;	/* cap on request bodies */
	int		 status;	/* sent status, 0 before the head */
	int		 chunked;	/* the response body is chunked */
	int		 no_body;	/* a HEAD request: head only */
	int		 continue_sent;
	long long	 body_sent;	/* response body bytes */
	char		 sbuf[CONN_BUFSIZE - 64]; /* stream bytes not yet sent */
	size_t		 slen;
	/* Request bytes: the head, then any body bytes read with it. */
	char		 in[HTTP_HEAD_MAX + 1];
	size_t		 inlen, headlen, inpos;
	/* Chunked request body state. */
	long long	 chunk_left;
	int		 body_done;
};

/* RFC 9110 tchar: is C a byte of a token? */
int	 http_tchar(int c);

/* --- Request head ------------------------------------------------------ */

/* Look at the bytes received so far.  Returns the length of a complete
 * head (through the empty line), 0 when more bytes are needed, or -STATUS
 * (-414, -431, -400) as soon as the head can no longer be valid. */
long	 http_head_scan(const char *p, size_t len);

/* Parse a complete head of LEN bytes in P (modified in place) into REQ.
 * Returns 0, or the HTTP status to answer with and a reason in ERR. */
int	 http_parse_head(char *p, size_t len, struct http_request *req,
	    char *err, size_t errlen);

/* Read the head from the connection within its read deadline and parse
 * it.  Returns 0, -1 when the client sent nothing at all (no answer is
 * due), or an HTTP status (400, 408, 414, 431, 501, 505...) with ERR. */
int	 http_read_request(struct http_exchange *x, char *err, size_t errlen);

/* The value of header NAME (case-blind), or NULL. */
const char *http_header(const struct http_request *req, const char *name);

/* Overwrite the value of header NAME with zero bytes where it was
 * received, so a credential has no copy left in the request. */
void	 http_header_wipe(struct http_request *req, const char *name);

/* Percent-decode the path of TARGET into OUT (OUT has room for
 * strlen(TARGET)+1 bytes).  Rejects encoded NUL and '/', bad escapes and
 * "." or ".." segments: 0 or 400. */
int	 http_decode_path(const char *target, size_t len, char *out,
	    char *err, size_t errlen);

/* Find query parameter NAME in QUERY and percent-decode its value ('+' is
 * a space) into OUT.  1 found, 0 absent, -1 malformed (bad escape, NUL,
 * too long). */
int	 http_query_param(const char *query, const char *name, char *out,
	    size_t outlen);

/* --- Request body ------------------------------------------------------ */

/* Read the whole request body into OUT, at most x->max_body bytes,
 * sending "100 Continue" first when the client asked for it.  Returns 0,
 * or 400 (bad chunking, short body), 408 (stalled), 411, 413 with ERR. */
int	 http_read_body(struct http_exchange *x, struct buf *out, char *err,
	    size_t errlen);

/* Streaming a body instead: begin checks a declared length against MAX
 * (413) and sends "100 Continue" when asked (0 or the status with ERR);
 * then each read gives up to N bytes: the count, 0 at the end of the
 * body, or -STATUS (400 cut short or bad chunking, 408 stalled) with ERR.
 * The caller counts what it reads against its own cap. */
int	 http_body_begin(struct http_exchange *x, long long max, char *err,
	    size_t errlen);
ssize_t	 http_body_read(struct http_exchange *x, void *p, size_t n,
	    char *err, size_t errlen);

/* --- Response ----------------------------------------------------------- */

/* The standard reason phrase of STATUS. */
const char *http_reason(int status);

/* Send a complete response with a fixed-length body.  EXTRA is more
 * header lines, each ending in CRLF, or NULL.  0 or -1. */
int	 http_respond(struct http_exchange *x, int status, const char *ctype,
	    const void *body, size_t len, const char *extra);

/* Send the JSON error body {"error","message","code"} for STATUS with a
 * printf-formatted message.  Never echoes raw request bytes: callers pass
 * only text they made. */
int	 http_error(struct http_exchange *x, int status, const char *extra,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* A streamed response: the head, then body pieces, then the end.  On a
 * direct HTTP/1.1 connection the body is chunked, so a stream that is cut
 * (http_stream_abort) lacks its final chunk and the client sees it. */
int	 http_stream_begin(struct http_exchange *x, int status,
	    const char *ctype, const char *extra);
int	 http_stream_write(struct http_exchange *x, const void *p, size_t n);
int	 http_stream_end(struct http_exchange *x);
void	 http_stream_abort(struct http_exchange *x);

#endif
