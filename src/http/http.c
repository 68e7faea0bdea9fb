/*
 * http.c — strict HTTP/1.1 request parsing (RFC 9112) and response
 * writing for one exchange per connection.
 *
 * The parser is deliberately unforgiving: bare CR or LF, obs-fold, field
 * names with odd bytes, control characters in values, duplicate or
 * malformed Content-Length, Content-Length with Transfer-Encoding, any
 * coding but "chunked" and a second Authorization are all refused.  Each of those is a way to make
 * two HTTP implementations disagree about where a request ends.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/bounds.h"
#include "util/buf.h"
#include "http/conn.h"
#include "http/http.h"
#include "http/json.h"
#include "util/hex.h"
#include "util/utc.h"

int
http_tchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Bytes allowed in a field value: VCHAR, obs-text, SP and HTAB. */
static int
is_field_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

/* Bytes allowed in a request-target: visible ASCII but '#' (a fragment is
 * never sent by a conforming client). */
static int
is_target_byte(unsigned char c)
{
	return c >= 0x21 && c <= 0x7e && c != '#';
}

long
http_head_scan(const char *p, size_t len)
{
	size_t	i, line, fields = 0, reqline_end;

	/* The method: a token, bounded, followed by SP. */
	for (i = 0; i < len && p[i] != ' '; i++) {
		if (!http_tchar((unsigned char)p[i]))
			return -400;
		if (i >= HTTP_MAX_METHOD)
			return -400;
	}
	/* The request line, through CRLF.  A CR must be followed by LF. */
	for (; i < len && p[i] != '\n'; i++) {
		if (i > HTTP_MAX_REQUEST_LINE)
			return -414;
		if (p[i] == '\r' && i + 1 < len && p[i + 1] != '\n')
			return -400;
	}
	if (i == len)
		return len > HTTP_MAX_REQUEST_LINE + 1 ? -414 : 0;
	if (i == 0 || p[i - 1] != '\r')
		return -400;
	reqline_end = i + 1;
	/* The field lines, each through CRLF, up to the empty line. */
	for (line = reqline_end; ; line = i + 1) {
		for (i = line; i < len && p[i] != '\n'; i++) {
			if (i - reqline_end > HTTP_MAX_HEADER_BYTES)
				return -431;
			if (p[i] == '\r' && i + 1 < len && p[i + 1] != '\n')
				return -400;
		}
		if (i == len)
			return len - reqline_end > HTTP_MAX_HEADER_BYTES ?
			    -431 : 0;
		if (i == line || p[i - 1] != '\r')
			return -400;
		if (i - line == 1)
			return (long)(i + 1);
		if (++fields > HTTP_MAX_HEADER_FIELDS)
			return -431;
	}
}

/* A Host value: reg-name or IPv4 (letters, digits, '-', '.', '_', '~',
 * pct-encoded) or an IP-literal in brackets, then an optional port. */
static int
valid_host(const char *h)
{
	const char *p = h;

	if (*p == '[') {
		for (p++; *p != ']'; p++)
			if (!isxdigit((unsigned char)*p) && *p != ':' &&
			    *p != '.')
				return 0;
		p++;
	} else {
		for (; *p != '\0' && *p != ':'; p++)
			if (!isalnum((unsigned char)*p) &&
			    strchr("-._~%", *p) == NULL)
				return 0;
		if (p == h)
			return 0;
	}
	if (*p == ':')
		for (p++; *p != '\0'; p++)
			if (!isdigit((unsigned char)*p))
				return 0;
	return *p == '\0';
}

/* Content-Length: 1*DIGIT, nothing else, small enough to represent. */
static int
parse_content_length(const char *v, long long *out)
{
	long long	n = 0;
	const char	*p;

	if (*v == '\0')
		return -1;
	for (p = v; *p != '\0'; p++) {
		if (*p < '0' || *p > '9' || p - v >= 18)
			return -1;
		n = n * 10 + (*p - '0');
	}
	*out = n;
	return 0;
}

int
http_decode_path(const char *t, size_t len, char *out, char *err,
    size_t errlen)
{
	size_t	i, o = 0, seg = 0;
	int	hi, lo;

	for (i = 0; i <= len; i++) {
		if (i == len || t[i] == '/') {
			/* A finished segment: refuse "." and "..". */
			if ((o - seg == 1 && out[seg] == '.') ||
			    (o - seg == 2 && out[seg] == '.' &&
			    out[seg + 1] == '.')) {
				snprintf(err, errlen, "dot segment in path");
				return 400;
			}
			if (i == len)
				break;
			out[o++] = '/';
			seg = o;
			continue;
		}
		if (t[i] != '%') {
			out[o++] = t[i];
			continue;
		}
		if (i + 2 >= len) {
			snprintf(err, errlen, "bad percent-encoding in path");
			return 400;
		}
		if ((hi = hex_digit(t[i + 1])) < 0 || (lo = hex_digit(t[i + 2])) < 0) {
			snprintf(err, errlen, "bad percent-encoding in path");
			return 400;
		}
		if (hi == 0 && lo == 0) {
			snprintf(err, errlen, "encoded NUL in path");
			return 400;
		}
		if (hi * 16 + lo == '/') {
			snprintf(err, errlen, "encoded '/' in path");
			return 400;
		}
		out[o++] = (char)(hi * 16 + lo);
		i += 2;
	}
	out[o] = '\0';
	return 0;
}

int
http_query_param(const char *query, const char *name, char *out,
    size_t outlen)
{
	size_t		 nlen = strlen(name), o;
	const char	*p = query;
	int		 hi, lo;

	while (p != NULL && *p != '\0') {
		if (strncmp(p, name, nlen) == 0 &&
		    (p[nlen] == '=' || p[nlen] == '&' || p[nlen] == '\0')) {
			p += nlen;
			if (*p == '=')
				p++;
			for (o = 0; *p != '\0' && *p != '&'; p++) {
				if (o + 1 >= outlen)
					return -1;
				if (*p == '+')
					out[o++] = ' ';
				else if (*p != '%')
					out[o++] = *p;
				else {
					if ((hi = hex_digit(p[1])) < 0 ||
					    (lo = hex_digit(p[2])) < 0 ||
					    (hi == 0 && lo == 0))
						return -1;
					out[o++] = (char)(hi * 16 + lo);
					p += 2;
				}
			}
			out[o] = '\0';
			return 1;
		}
		if ((p = strchr(p, '&')) != NULL)
			p++;
	}
	return 0;
}

/* Parse "METHOD SP target SP HTTP/x.y" (the CRLF already cut off). */
static int
parse_request_line(char *line, struct http_request *req, char *err,
    size_t errlen)
{
	char	*sp1, *sp2, *t, *v;
	size_t	 n;
	int	 rc;

	if ((sp1 = strchr(line, ' ')) == NULL || sp1 == line) {
		snprintf(err, errlen, "malformed request line");
		return 400;
	}
	*sp1 = '\0';
	t = sp1 + 1;
	if ((sp2 = strchr(t, ' ')) == NULL || sp2 == t) {
		snprintf(err, errlen, "malformed request line");
		return 400;
	}
	*sp2 = '\0';
	v = sp2 + 1;
	req->method = line;
	req->target = t;
	for (n = 0; line[n] != '\0'; n++)
		if (!http_tchar((unsigned char)line[n])) {
			snprintf(err, errlen, "malformed method");
			return 400;
		}
	if (n > HTTP_MAX_METHOD) {
		snprintf(err, errlen, "method too long");
		return 400;
	}
	/* The version: exactly HTTP/DIGIT.DIGIT. */
	if (strlen(v) != 8 || strncmp(v, "HTTP/", 5) != 0 ||
	    !isdigit((unsigned char)v[5]) || v[6] != '.' ||
	    !isdigit((unsigned char)v[7])) {
		snprintf(err, errlen, "malformed HTTP version");
		return 400;
	}
	if (v[5] != '1') {
		snprintf(err, errlen, "only HTTP/1.0 and HTTP/1.1 are served");
		return 505;
	}
	req->minor = v[7] == '0' ? 0 : 1;
	/* The target: origin-form, or absolute-form reduced to its path. */
	for (n = 0; t[n] != '\0'; n++)
		if (!is_target_byte((unsigned char)t[n])) {
			snprintf(err, errlen, "invalid byte in request target");
			return 400;
		}
	if (strncasecmp(t, "http://", 7) == 0 ||
	    strncasecmp(t, "https://", 8) == 0) {
		t = strchr(t + 7 + (t[4] == 's' || t[4] == 'S'), '/');
		if (t == NULL)
			t = "/";
	}
	if (*t != '/') {
		snprintf(err, errlen, "request target must be a path");
		return 400;
	}
	if ((v = strchr(t, '?')) != NULL)
		req->query = v + 1;
	n = v != NULL ? (size_t)(v - t) : strlen(t);
	if ((rc = http_decode_path(t, n, req->pathbuf, err, errlen)) != 0)
		return rc;
	req->path = req->pathbuf;
	return 0;
}

/* Check one framing or credential header as it is stored.  FLAGS
 * remembers which were seen, so a duplicate is caught: two Authorization
 * fields would let us and a proxy in front of us (which may read the
 * last) act on different credentials. */
#define SEEN_HOST	0x1
#define SEEN_CL		0x2
#define SEEN_TE		0x4
#define SEEN_EXPECT	0x8
#define SEEN_AUTH	0x10

static int
check_field(struct http_request *req, const char *name, const char *value,
    int *seen, char *err, size_t errlen)
{
	if (strcasecmp(name, "Host") == 0) {
		if (*seen & SEEN_HOST) {
			snprintf(err, errlen, "more than one Host field");
			return 400;
		}
		*seen |= SEEN_HOST;
		if (!valid_host(value)) {
			snprintf(err, errlen, "malformed Host field");
			return 400;
		}
	} else if (strcasecmp(name, "Content-Length") == 0) {
		if (*seen & SEEN_CL) {
			snprintf(err, errlen, "more than one Content-Length");
			return 400;
		}
		*seen |= SEEN_CL;
		if (parse_content_length(value, &req->content_length) == -1) {
			snprintf(err, errlen, "malformed Content-Length");
			return 400;
		}
	} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
		if (*seen & SEEN_TE) {
			snprintf(err, errlen, "more than one Transfer-Encoding");
			return 400;
		}
		*seen |= SEEN_TE;
		if (*value == '\0') {
			snprintf(err, errlen, "empty Transfer-Encoding");
			return 400;
		}
		if (strcasecmp(value, "chunked") != 0) {
			snprintf(err, errlen, "only the chunked transfer "
			    "coding is implemented");
			return 501;
		}
		req->chunked = 1;
	} else if (strcasecmp(name, "Expect") == 0) {
		if (*seen & SEEN_EXPECT) {
			snprintf(err, errlen, "more than one Expect field");
			return 400;
		}
		*seen |= SEEN_EXPECT;
		if (strcasecmp(value, "100-continue") != 0) {
			snprintf(err, errlen, "unsupported expectation");
			return 417;
		}
		req->expect_continue = req->minor >= 1;
	} else if (strcasecmp(name, "Authorization") == 0) {
		if (*seen & SEEN_AUTH) {
			snprintf(err, errlen, "more than one Authorization "
			    "field");
			return 400;
		}
		*seen |= SEEN_AUTH;
	}
	return 0;
}

/* Parse one field line "name: OWS value OWS" in place. */
static int
parse_field(char *line, struct http_request *req, int *seen, char *err,
    size_t errlen)
{
	char	*colon, *v, *end;
	size_t	 i;

	if (*line == ' ' || *line == '\t') {
		snprintf(err, errlen, "obsolete line folding");
		return 400;
	}
	if ((colon = strchr(line, ':')) == NULL || colon == line) {
		snprintf(err, errlen, "malformed header field");
		return 400;
	}
	for (i = 0; line + i < colon; i++)
		if (!http_tchar((unsigned char)line[i])) {
			snprintf(err, errlen, "invalid header field name");
			return 400;
		}
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v; *end != '\0'; end++)
		if (!is_field_byte((unsigned char)*end)) {
			snprintf(err, errlen, "invalid byte in header field");
			return 400;
		}
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (req->nfields == HTTP_MAX_HEADER_FIELDS) {
		snprintf(err, errlen, "too many header fields");
		return 431;
	}
	req->fields[req->nfields].name = line;
	req->fields[req->nfields].value = v;
	req->nfields++;
	return check_field(req, line, v, seen, err, errlen);
}

int
http_parse_head(char *p, size_t len, struct http_request *req, char *err,
    size_t errlen)
{
	char	*line, *end, *stop = p + len;
	int	 rc, seen = 0, first = 1;

	memset(req, 0, offsetof(struct http_request, pathbuf));
	req->content_length = -1;
	for (line = p; line < stop; line = end + 2) {
		end = memchr(line, '\n', (size_t)(stop - line));
		if (end == NULL || end == line || end[-1] != '\r') {
			snprintf(err, errlen, "malformed line ending");
			return 400;
		}
		end--;
		if (memchr(line, '\r', (size_t)(end - line)) != NULL ||
		    memchr(line, '\0', (size_t)(end - line)) != NULL) {
			snprintf(err, errlen, "bare CR or NUL in request head");
			return 400;
		}
		*end = '\0';
		if (end == line)
			break;
		rc = first ? parse_request_line(line, req, err, errlen) :
		    parse_field(line, req, &seen, err, errlen);
		if (rc != 0)
			return rc;
		first = 0;
	}
	if (first) {
		snprintf(err, errlen, "empty request");
		return 400;
	}
	if (req->minor == 1 && !(seen & SEEN_HOST)) {
		snprintf(err, errlen, "HTTP/1.1 request without Host");
		return 400;
	}
	if ((seen & SEEN_TE) && (seen & SEEN_CL)) {
		snprintf(err, errlen, "both Content-Length and "
		    "Transfer-Encoding");
		return 400;
	}
	if ((seen & SEEN_TE) && req->minor == 0) {
		snprintf(err, errlen, "Transfer-Encoding in an HTTP/1.0 "
		    "request");
		return 400;
	}
	return 0;
}

int
http_read_request(struct http_exchange *x, char *err, size_t errlen)
{
	struct conn	*c = x->conn;
	ssize_t		 r;
	long		 n = 0;

	conn_set_deadline(c, c->read_timeout);
	while (n == 0) {
		if (x->inlen == HTTP_HEAD_MAX) {
			snprintf(err, errlen, "request head too large");
			return 431;
		}
		r = conn_read(c, x->in + x->inlen, HTTP_HEAD_MAX - x->inlen);
		if (r < 0 && c->timed_out) {
			snprintf(err, errlen, "request head not received "
			    "within %d seconds", c->read_timeout);
			return x->inlen == 0 && c->eof ? -1 : 408;
		}
		if (r < 0)
			return -1;
		if (r == 0) {
			if (x->inlen == 0)
				return -1;
			snprintf(err, errlen, "connection closed inside the "
			    "request head");
			return 400;
		}
		x->inlen += (size_t)r;
		n = http_head_scan(x->in, x->inlen);
	}
	conn_clear_deadline(c);
	if (n < 0) {
		snprintf(err, errlen, "%s", -n == 414 ? "request line too long" :
		    -n == 431 ? "request header fields too large" :
		    "malformed request head");
		return (int)-n;
	}
	x->headlen = (size_t)n;
	x->inpos = x->headlen;
	return http_parse_head(x->in, x->headlen, &x->req, err, errlen);
}

const char *
http_header(const struct http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nfields; i++)
		if (strcasecmp(req->fields[i].name, name) == 0)
			return req->fields[i].value;
	return NULL;
}

void
http_header_wipe(struct http_request *req, const char *name)
{
	size_t i;

	for (i = 0; i < req->nfields; i++)
		if (strcasecmp(req->fields[i].name, name) == 0)
			explicit_bzero(req->fields[i].value,
			    strlen(req->fields[i].value));
}

/* --- Request body ------------------------------------------------------ */

/* Get request bytes: first those read along with the head, then from the
 * connection.  Returns the count, 0 at end of input, -1 on error/stall. */
static ssize_t
body_input(struct http_exchange *x, void *p, size_t n)
{
	size_t have = x->inlen - x->inpos;

	if (have > 0) {
		if (n > have)
			n = have;
		memcpy(p, x->in + x->inpos, n);
		x->inpos += n;
		return (ssize_t)n;
	}
	return conn_read(x->conn, p, n);
}

/* Read one byte of chunked framing; -1 at end of input or stall. */
static int
body_byte(struct http_exchange *x)
{
	unsigned char	c;

	return body_input(x, &c, 1) == 1 ? c : -1;
}

/* Read a CRLF-terminated framing line of at most HTTP_MAX_CHUNK_LINE
 * bytes into LINE.  0, or a status. */
static int
body_line(struct http_exchange *x, char *line, size_t size)
{
	size_t	n = 0;
	int	c;

	for (;;) {
		if ((c = body_byte(x)) == -1)
			return x->conn->timed_out ? 408 : 400;
		if (c == '\r') {
			if (body_byte(x) != '\n')
				return 400;
			line[n] = '\0';
			return 0;
		}
		if (c == '\n' || c == '\0' || n + 1 >= size)
			return 400;
		line[n++] = (char)c;
	}
}

/* Start the next chunk: parse "hex-size [;ext]" and, for the last chunk,
 * the trailer section. */
static int
chunk_start(struct http_exchange *x, char *err, size_t errlen)
{
	char		 line[HTTP_MAX_CHUNK_LINE];
	long long	 size = 0;
	size_t		 i, trailer = 0;
	int		 rc, h;

	if ((rc = body_line(x, line, sizeof(line))) != 0)
		goto bad;
	for (i = 0; (h = hex_digit(line[i])) >= 0; i++) {
		if (i >= 15)
			goto bad;
		size = size * 16 + h;
	}
	if (i == 0 || (line[i] != '\0' && line[i] != ';' && line[i] != ' ' &&
	    line[i] != '\t'))
		goto bad;
	if (size > 0) {
		x->chunk_left = size;
		return 0;
	}
	/* Last chunk: skip trailer fields up to the empty line. */
	for (;;) {
		if ((rc = body_line(x, line, sizeof(line))) != 0)
			goto bad;
		if (line[0] == '\0')
			break;
		if ((trailer += strlen(line)) > HTTP_MAX_TRAILER_BYTES)
			goto bad;
	}
	x->body_done = 1;
	return 0;
bad:
	if (rc == 408) {
		snprintf(err, errlen, "%s", x->conn->too_slow ? "request body "
		    "slower than the minimum rate" : "request body stalled");
		return 408;
	}
	snprintf(err, errlen, "malformed chunked body");
	return 400;
}

/* Read up to N body bytes into P.  Returns the count (0 at the end of the
 * body) or -STATUS with ERR. */
static long long
body_read(struct http_exchange *x, void *p, size_t n, char *err,
    size_t errlen)
{
	ssize_t	r;
	int	rc;

	if (x->body_done)
		return 0;
	if (x->req.chunked && x->chunk_left == 0) {
		if ((rc = chunk_start(x, err, errlen)) != 0)
			return -rc;
		if (x->body_done)
			return 0;
	}
	if ((long long)n > x->chunk_left)
		n = (size_t)x->chunk_left;
	if ((r = body_input(x, p, n)) <= 0) {
		snprintf(err, errlen, "%s", r < 0 && x->conn->too_slow ?
		    "request body slower than the minimum rate" :
		    r < 0 && x->conn->timed_out ? "request body stalled" :
		    "request body cut short");
		return r < 0 && x->conn->timed_out ? -408 : -400;
	}
	x->chunk_left -= r;
	if (x->chunk_left == 0 && x->req.chunked) {
		if (body_byte(x) != '\r' || body_byte(x) != '\n') {
			snprintf(err, errlen, "malformed chunked body");
			return -400;
		}
	} else if (x->chunk_left == 0)
		x->body_done = 1;
	return r;
}

int
http_body_begin(struct http_exchange *x, long long max, char *err,
    size_t errlen)
{
	if (!x->req.chunked) {
		if (x->req.content_length <= 0) {
			x->body_done = 1;
			return 0;
		}
		if (x->req.content_length > max) {
			snprintf(err, errlen, "request body over %lld bytes",
			    max);
			return 413;
		}
		x->chunk_left = x->req.content_length;
	}
	if (x->req.expect_continue && !x->continue_sent &&
	    x->form == HTTP_DIRECT) {
		x->continue_sent = 1;
		if (conn_puts(x->conn, "HTTP/1.1 100 Continue\r\n\r\n") == -1 ||
		    conn_flush(x->conn) == -1) {
			snprintf(err, errlen, "client went away");
			return 400;
		}
	}
	/* The body's minimum rate counts from here (after any 100). */
	conn_rate_start(x->conn);
	return 0;
}

ssize_t
http_body_read(struct http_exchange *x, void *p, size_t n, char *err,
    size_t errlen)
{
	return (ssize_t)body_read(x, p, n, err, errlen);
}

int
http_read_body(struct http_exchange *x, struct buf *out, char *err,
    size_t errlen)
{
	char		 tmp[8192];
	long long	 r, total = 0;
	int		 rc;

	if ((rc = http_body_begin(x, x->max_body, err, errlen)) != 0)
		return rc;
	while ((r = body_read(x, tmp, sizeof(tmp), err, errlen)) > 0) {
		if ((total += r) > x->max_body) {
			snprintf(err, errlen, "request body over %lld bytes",
			    x->max_body);
			return 413;
		}
		if (buf_add(out, tmp, (size_t)r) == -1) {
			snprintf(err, errlen, "out of memory");
			return 413;
		}
	}
	return r < 0 ? (int)-r : 0;
}

/* --- Response ----------------------------------------------------------- */

const char *
http_reason(int status)
{
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 204: return "No Content";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 411: return "Length Required";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 417: return "Expectation Failed";
	case 422: return "Unprocessable Content";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default:  return "Unknown";
	}
}

/* Format NOW as an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") by hand:
 * strftime would load the time zone database for every request. */
static void
http_date(time_t now, char *out, size_t outlen)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;

	utc_break(now, &tm);
	snprintf(out, outlen, "%.3s, %02d %.3s %04d %02d:%02d:%02d GMT",
	    days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Write the status line (or CGI Status header) and the common fields.
 * LENGTH < 0 means the length is unknown: the body is streamed. */
static int
send_head(struct http_exchange *x, int status, const char *ctype,
    long long length, const char *extra)
{
	struct buf	 h = BUF_INIT;
	char		 date[64];
	int		 rc;

	x->status = status;
	if (x->form == HTTP_CGI) {
		buf_addf(&h, "Status: %d %s\r\n", status, http_reason(status));
	} else {
		http_date(time(NULL), date, sizeof(date));
		buf_addf(&h, "HTTP/1.1 %d %s\r\nDate: %s\r\n"
		    "Server: htcondor-api\r\nConnection: close\r\n",
		    status, http_reason(status), date);
	}
	if (ctype != NULL)
		buf_addf(&h, "Content-Type: %s\r\n", ctype);
	if (length >= 0)
		buf_addf(&h, "Content-Length: %lld\r\n", length);
	else if (x->form == HTTP_DIRECT && x->req.minor >= 1) {
		buf_adds(&h, "Transfer-Encoding: chunked\r\n");
		x->chunked = 1;
	}
	buf_adds(&h, "Cache-Control: no-store\r\n"
	    "X-Content-Type-Options: nosniff\r\n");
	if (extra != NULL)
		buf_adds(&h, extra);
	buf_adds(&h, "\r\n");
	rc = h.failed ? -1 : conn_write(x->conn, h.data, h.len);
	buf_free(&h);
	return rc;
}

int
http_respond(struct http_exchange *x, int status, const char *ctype,
    const void *body, size_t len, const char *extra)
{
	if (send_head(x, status, ctype, (long long)len, extra) == -1)
		return -1;
	if (!x->no_body) {
		if (conn_write(x->conn, body, len) == -1)
			return -1;
		x->body_sent += (long long)len;
	}
	return conn_flush(x->conn);
}

int
http_error(struct http_exchange *x, int status, const char *extra,
    const char *fmt, ...)
{
	struct buf	 b = BUF_INIT, msg = BUF_INIT;
	va_list		 ap;
	int		 rc;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	buf_adds(&b, "{\"error\": ");
	json_add_string(&b, http_reason(status));
	buf_adds(&b, ", \"message\": ");
	json_add_string(&b, buf_str(&msg));
	buf_addf(&b, ", \"code\": %d}\n", status);
	rc = http_respond(x, status, "application/json", b.data, b.len, extra);
	buf_free(&msg);
	buf_free(&b);
	return rc;
}

int
http_stream_begin(struct http_exchange *x, int status, const char *ctype,
    const char *extra)
{
	return send_head(x, status, ctype, -1, extra);
}

/* Emit the pending stream bytes as one chunk (or raw, when not chunked). */
static int
stream_flush(struct http_exchange *x)
{
	char size[32];
	int  len;

	if (x->slen == 0)
		return 0;
	if (x->chunked) {
		len = snprintf(size, sizeof(size), "%zx\r\n", x->slen);
		if (conn_write(x->conn, size, (size_t)len) == -1)
			return -1;
	}
	if (conn_write(x->conn, x->sbuf, x->slen) == -1 ||
	    (x->chunked && conn_write(x->conn, "\r\n", 2) == -1))
		return -1;
	x->slen = 0;
	return 0;
}

/* stream_flush for block_put. */
static int
stream_flush_block(void *x)
{
	return stream_flush(x);
}

int
http_stream_write(struct http_exchange *x, const void *p, size_t n)
{
	if (x->no_body)
		return 0;
	x->body_sent += (long long)n;
	return block_put(x->sbuf, sizeof(x->sbuf), &x->slen, p, n,
	    stream_flush_block, x);
}

int
http_stream_end(struct http_exchange *x)
{
	if (stream_flush(x) == -1 || (x->chunked && !x->no_body &&
	    conn_write(x->conn, "0\r\n\r\n", 5) == -1))
		return -1;
	return conn_flush(x->conn);
}

void
http_stream_abort(struct http_exchange *x)
{
	/* Send what was produced but never the last chunk: the client must
	 * see a cut stream, not a short but well-formed one. */
	stream_flush(x);
	conn_flush(x->conn);
	x->conn->broken = 1;
}
