/*
 * test_http.c — the request parser against a table of valid, edge and
 * malicious requests, the body reader over a socket pair, and the small
 * helpers (path decoding, query parameters, job ids, routing, JSON).
 */
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/api.h"
#include "util/buf.h"
#include "http/conn.h"
#include "http/http.h"
#include "http/json.h"
#include "api/route.h"
#include "tap.h"
#include "util/log.h"
#include "util/utc.h"
#include "util/utf8.h"

#define H "Host: x\r\n"

struct head_case {
	const char	*name;
	const char	*req;	/* request head (and maybe body) */
	int		 want;	/* 0 = parses; else the status */
	const char	*path;	/* expected decoded path, when it parses */
};

static const struct head_case heads[] = {
	/* Valid requests. */
	{ "simple GET", "GET /healthz HTTP/1.1\r\n" H "\r\n", 0, "/healthz" },
	{ "HTTP/1.0 without Host", "GET / HTTP/1.0\r\n\r\n", 0, "/" },
	{ "HTTP/1.0 with Host", "GET / HTTP/1.0\r\n" H "\r\n", 0, "/" },
	{ "query kept raw", "GET /a?b=c%20d HTTP/1.1\r\n" H "\r\n", 0, "/a" },
	{ "percent-decoded path", "GET /a%41b HTTP/1.1\r\n" H "\r\n", 0,
	    "/aAb" },
	{ "absolute-form", "GET http://x/healthz HTTP/1.1\r\n" H "\r\n", 0,
	    "/healthz" },
	{ "absolute-form https", "GET https://x:8/a?q HTTP/1.1\r\n" H "\r\n",
	    0, "/a" },
	{ "absolute-form without path", "GET http://x HTTP/1.1\r\n" H "\r\n",
	    0, "/" },
	{ "OWS around value", "GET / HTTP/1.1\r\nHost:   x  \r\n\r\n", 0, "/" },
	{ "no OWS", "GET / HTTP/1.1\r\nHost:x\r\n\r\n", 0, "/" },
	{ "tab OWS", "GET / HTTP/1.1\r\nHost:\tx\t\r\n\r\n", 0, "/" },
	{ "Host with port", "GET / HTTP/1.1\r\nHost: x:8080\r\n\r\n", 0, "/" },
	{ "Host IPv6", "GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n", 0, "/" },
	{ "Host IPv4", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 0, "/" },
	{ "case-blind host name", "GET / HTTP/1.1\r\nhOsT: x\r\n\r\n", 0, "/" },
	{ "Content-Length", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n\r\n",
	    0, "/" },
	{ "Content-Length 0", "POST / HTTP/1.1\r\n" H "Content-Length: 0\r\n"
	    "\r\n", 0, "/" },
	{ "Content-Length leading zeros", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 005\r\n\r\n", 0, "/" },
	{ "chunked", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n"
	    "\r\n", 0, "/" },
	{ "chunked, any case", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: CHUNKED\r\n\r\n", 0, "/" },
	{ "Expect 100-continue", "POST / HTTP/1.1\r\n" H
	    "Expect: 100-continue\r\nContent-Length: 1\r\n\r\n", 0, "/" },
	{ "HTTP/1.2 served as 1.1", "GET / HTTP/1.2\r\n" H "\r\n", 0, "/" },
	{ "value with obs-text", "GET / HTTP/1.1\r\n" H "X: caf\xc3\xa9\r\n"
	    "\r\n", 0, "/" },
	{ "empty value", "GET / HTTP/1.1\r\n" H "X:\r\n\r\n", 0, "/" },
	{ "token method", "PATCH /x HTTP/1.1\r\n" H "\r\n", 0, "/x" },
	{ "unknown but valid method", "FOO-BAR /x HTTP/1.1\r\n" H "\r\n", 0,
	    "/x" },
	{ "long valid path 7000", NULL, 0, NULL },	/* built below */
	{ "100 header fields", NULL, 0, "/" },		/* built below */
	{ "encoded dot in name", "GET /a%2Eb HTTP/1.1\r\n" H "\r\n", 0,
	    "/a.b" },
	{ "dot inside segment", "GET /a..b/c. HTTP/1.1\r\n" H "\r\n", 0,
	    "/a..b/c." },
	{ "empty query", "GET /a? HTTP/1.1\r\n" H "\r\n", 0, "/a" },
	{ "Authorization kept", "GET / HTTP/1.1\r\n" H
	    "Authorization: Bearer abc.def.ghi\r\n\r\n", 0, "/" },

	/* Request line errors. */
	{ "bare LF request line", "GET / HTTP/1.1\n" H "\r\n", 400, NULL },
	{ "bare LF field", "GET / HTTP/1.1\r\nHost: x\n\r\n", 400, NULL },
	{ "bare CR in field", "GET / HTTP/1.1\r\nHost: x\rY\r\n\r\n", 400,
	    NULL },
	{ "bare CR line ends", "GET / HTTP/1.1\rHost: x\r\r", 400, NULL },
	{ "two spaces", "GET  / HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "trailing space", "GET / HTTP/1.1 \r\n" H "\r\n", 400, NULL },
	{ "missing version", "GET /\r\n" H "\r\n", 400, NULL },
	{ "HTTP/0.9 style", "GET /\r\n\r\n", 400, NULL },
	{ "lowercase version", "GET / http/1.1\r\n" H "\r\n", 400, NULL },
	{ "version leading zero", "GET / HTTP/01.1\r\n" H "\r\n", 400, NULL },
	{ "version missing minor", "GET / HTTP/1\r\n" H "\r\n", 400, NULL },
	{ "version 2.0", "GET / HTTP/2.0\r\n" H "\r\n", 505, NULL },
	{ "version 9.9", "GET / HTTP/9.9\r\n" H "\r\n", 505, NULL },
	{ "empty method", " / HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "method with slash", "GE/T / HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "method too long", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA / "
	    "HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "target not a path", "GET healthz HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "asterisk target", "GET * HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "authority target", "CONNECT x:443 HTTP/1.1\r\n" H "\r\n", 400,
	    NULL },
	{ "fragment", "GET /a#b HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "non-ASCII target", "GET /caf\xc3\xa9 HTTP/1.1\r\n" H "\r\n", 400,
	    NULL },
	{ "control byte in target", "GET /a\x01 HTTP/1.1\r\n" H "\r\n", 400,
	    NULL },
	{ "NUL in target", "GET /a\0b HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "encoded NUL", "GET /a%00 HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "encoded slash", "GET /a%2fb HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "bad escape", "GET /a%zz HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "truncated escape", "GET /a%4 HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "escape at end", "GET /a% HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "dot-dot segment", "GET /a/../b HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "encoded dot-dot", "GET /a/%2e%2E/b HTTP/1.1\r\n" H "\r\n", 400,
	    NULL },
	{ "trailing dot-dot", "GET /a/.. HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "dot segment", "GET /./a HTTP/1.1\r\n" H "\r\n", 400, NULL },
	{ "request line too long", NULL, 414, NULL },	/* built below */
	{ "empty line first", "\r\nGET / HTTP/1.1\r\n" H "\r\n", 400, NULL },

	/* Field errors. */
	{ "obs-fold", "GET / HTTP/1.1\r\n" H "X: a\r\n b\r\n\r\n", 400, NULL },
	{ "whitespace line", "GET / HTTP/1.1\r\n \r\n" H "\r\n", 400, NULL },
	{ "space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400,
	    NULL },
	{ "no colon", "GET / HTTP/1.1\r\n" H "Nocolon\r\n\r\n", 400, NULL },
	{ "empty name", "GET / HTTP/1.1\r\n" H ": v\r\n\r\n", 400, NULL },
	{ "bad name byte", "GET / HTTP/1.1\r\n" H "X(y): v\r\n\r\n", 400,
	    NULL },
	{ "non-ASCII name", "GET / HTTP/1.1\r\n" H "X\xc3\xa9: v\r\n\r\n", 400,
	    NULL },
	{ "NUL in value", "GET / HTTP/1.1\r\n" H "X: a\0b\r\n\r\n", 400,
	    NULL },
	{ "DEL in value", "GET / HTTP/1.1\r\n" H "X: a\x7f\r\n\r\n", 400,
	    NULL },
	{ "vertical tab in value", "GET / HTTP/1.1\r\n" H "X: a\vb\r\n\r\n",
	    400, NULL },
	{ "too many fields", NULL, 431, NULL },		/* built below */
	{ "headers too large", NULL, 431, NULL },	/* built below */

	/* Host. */
	{ "HTTP/1.1 without Host", "GET / HTTP/1.1\r\n\r\n", 400, NULL },
	{ "two Hosts", "GET / HTTP/1.1\r\n" H H "\r\n", 400, NULL },
	{ "empty Host", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 400, NULL },
	{ "Host with path", "GET / HTTP/1.1\r\nHost: x/y\r\n\r\n", 400, NULL },
	{ "Host with userinfo", "GET / HTTP/1.1\r\nHost: u@x\r\n\r\n", 400,
	    NULL },
	{ "Host list", "GET / HTTP/1.1\r\nHost: x, y\r\n\r\n", 400, NULL },
	{ "Host bad port", "GET / HTTP/1.1\r\nHost: x:8a\r\n\r\n", 400, NULL },

	/* Credentials: a proxy that reads the last of two disagrees. */
	{ "two Authorization", "GET / HTTP/1.1\r\n" H
	    "Authorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n",
	    400, NULL },
	{ "two Authorization, other case", "GET / HTTP/1.1\r\n" H
	    "Authorization: Bearer a\r\nauthorization: Bearer a\r\n\r\n",
	    400, NULL },

	/* Framing: request smuggling shapes. */
	{ "CL and TE", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400, NULL },
	{ "two CL same", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n"
	    "Content-Length: 5\r\n\r\n", 400, NULL },
	{ "two CL different", "POST / HTTP/1.1\r\n" H "Content-Length: 5\r\n"
	    "Content-Length: 6\r\n\r\n", 400, NULL },
	{ "CL list", "POST / HTTP/1.1\r\n" H "Content-Length: 5, 5\r\n\r\n",
	    400, NULL },
	{ "CL negative", "POST / HTTP/1.1\r\n" H "Content-Length: -1\r\n\r\n",
	    400, NULL },
	{ "CL plus", "POST / HTTP/1.1\r\n" H "Content-Length: +1\r\n\r\n",
	    400, NULL },
	{ "CL hex", "POST / HTTP/1.1\r\n" H "Content-Length: 0x5\r\n\r\n",
	    400, NULL },
	{ "CL empty", "POST / HTTP/1.1\r\n" H "Content-Length:\r\n\r\n", 400,
	    NULL },
	{ "CL decimal point", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 5.0\r\n\r\n", 400, NULL },
	{ "CL inner space", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 1 0\r\n\r\n", 400, NULL },
	{ "CL overflow", "POST / HTTP/1.1\r\n" H
	    "Content-Length: 99999999999999999999999\r\n\r\n", 400, NULL },
	{ "two TE", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: chunked\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400, NULL },
	{ "TE gzip", "POST / HTTP/1.1\r\n" H "Transfer-Encoding: gzip\r\n"
	    "\r\n", 501, NULL },
	{ "TE chunked not last", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: chunked, gzip\r\n\r\n", 501, NULL },
	{ "TE identity", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: identity\r\n\r\n", 501, NULL },
	{ "TE x-chunked", "POST / HTTP/1.1\r\n" H
	    "Transfer-Encoding: xchunked\r\n\r\n", 501, NULL },
	{ "TE empty", "POST / HTTP/1.1\r\n" H "Transfer-Encoding:\r\n\r\n",
	    400, NULL },
	{ "TE in HTTP/1.0", "POST / HTTP/1.0\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n", 400, NULL },
	{ "Expect other", "POST / HTTP/1.1\r\n" H "Expect: 200-ok\r\n\r\n",
	    417, NULL },
};

/* Fill BUF with a generated request for the cases marked NULL. */
static const char *
generated(const char *name, struct buf *b)
{
	size_t i;

	buf_reset(b);
	if (strcmp(name, "long valid path 7000") == 0) {
		buf_adds(b, "GET /");
		for (i = 0; i < 7000; i++)
			buf_addc(b, 'a');
		buf_adds(b, " HTTP/1.1\r\n" H "\r\n");
	} else if (strcmp(name, "100 header fields") == 0) {
		buf_adds(b, "GET / HTTP/1.1\r\n" H);
		for (i = 1; i < 100; i++)
			buf_addf(b, "X-%zu: v\r\n", i);
		buf_adds(b, "\r\n");
	} else if (strcmp(name, "request line too long") == 0) {
		buf_adds(b, "GET /");
		for (i = 0; i < HTTP_MAX_REQUEST_LINE + 10; i++)
			buf_addc(b, 'a');
		buf_adds(b, " HTTP/1.1\r\n" H "\r\n");
	} else if (strcmp(name, "too many fields") == 0) {
		buf_adds(b, "GET / HTTP/1.1\r\n" H);
		for (i = 0; i < 101; i++)
			buf_addf(b, "X-%zu: v\r\n", i);
		buf_adds(b, "\r\n");
	} else if (strcmp(name, "headers too large") == 0) {
		buf_adds(b, "GET / HTTP/1.1\r\n" H "X: ");
		for (i = 0; i < HTTP_MAX_HEADER_BYTES; i++)
			buf_addc(b, 'v');
		buf_adds(b, "\r\n\r\n");
	}
	return b->data;
}

/* Run one head through scan and parse as the reader would. */
static int
run_head(const char *req, size_t len, struct http_request *r)
{
	static char	buf[HTTP_HEAD_MAX + 1];
	char		err[256];
	long		n;

	if (len > HTTP_HEAD_MAX)
		len = HTTP_HEAD_MAX;
	memcpy(buf, req, len);
	n = http_head_scan(buf, len);
	if (n < 0)
		return (int)-n;
	if (n == 0)
		return -1;	/* incomplete */
	return http_parse_head(buf, (size_t)n, r, err, sizeof(err));
}

static void
test_heads(void)
{
	static struct http_request	r;
	struct buf			b = BUF_INIT;
	const struct head_case		*c;
	const char			*req;
	size_t				 i, len;
	int				 got;

	for (i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		c = &heads[i];
		req = c->req ? c->req : generated(c->name, &b);
		/* Two literal requests hold a NUL: measure past it. */
		len = c->req ? strlen(req) : b.len;
		if (c->req && (strcmp(c->name, "NUL in target") == 0 ||
		    strcmp(c->name, "NUL in value") == 0))
			len = strlen(req) + 1 + strlen(req + strlen(req) + 1);
		got = run_head(req, len, &r);
		if (!tap_ok(got == c->want, "head: %s -> %d", c->name,
		    c->want))
			tap_diag("got %d", got);
		if (got == 0 && c->want == 0 && c->path != NULL)
			tap_ok(strcmp(r.path, c->path) == 0, "head: %s: path %s",
			    c->name, c->path);
	}
	buf_free(&b);
}

static void
test_head_details(void)
{
	static struct http_request	r;
	const char			*v, *req;

	req = "POST /a/b?x=1&y=2 HTTP/1.1\r\nHost: h\r\n"
	    "Content-Length: 12\r\nAuthorization: Bearer t\r\n"
	    "Expect: 100-continue\r\n\r\n";
	run_head(req, strlen(req), &r);
	tap_ok(strcmp(r.method, "POST") == 0, "details: method");
	tap_ok(r.query != NULL && strcmp(r.query, "x=1&y=2") == 0,
	    "details: query");
	tap_ok(r.content_length == 12, "details: content length");
	tap_ok(r.minor == 1 && r.expect_continue, "details: 1.1 + expect");
	v = http_header(&r, "authorization");
	tap_ok(v != NULL && strcmp(v, "Bearer t") == 0,
	    "details: header look-up is case-blind");
	tap_ok(http_header(&r, "X-None") == NULL, "details: absent header");
	req = "POST / HTTP/1.0\r\nExpect: 100-continue\r\n\r\n";
	run_head(req, strlen(req), &r);
	tap_ok(!r.expect_continue, "details: no 100-continue for HTTP/1.0");
	tap_ok(run_head("GET / HTTP/1.1\r\nHost: x\r\n", 24, &r) == -1,
	    "scan: a head without its empty line is incomplete");
	tap_ok(run_head("GET / HT", 8, &r) == -1,
	    "scan: a partial request line is incomplete");
}

/* Ill-formed UTF-8 in, valid JSON out: U+FFFD (as its three bytes) for
 * each maximal ill-formed subpart; valid text unchanged. */
#define FFFD	"\xef\xbf\xbd"
static const struct {
	const char	*in, *out, *name;
} json_utf8[] = {
	{ "\xff", FFFD, "a byte never in UTF-8" },
	{ "a\x80" "b", "a" FFFD "b", "a stray continuation byte" },
	{ "a\xe2\x82", "a" FFFD, "a sequence truncated by the end" },
	{ "\xe2\x82z", FFFD "z", "a sequence truncated by a letter" },
	{ "\xf0\x9f\x98\xc3\xa9", FFFD "\xc3\xa9",
	    "a truncated 4-byte sequence, then a valid one" },
	{ "\xc0\xaf", FFFD FFFD, "an overlong '/'" },
	{ "\xe0\x80\xaf", FFFD FFFD FFFD, "an overlong 3-byte form" },
	{ "\xed\xa0\x80", FFFD FFFD FFFD, "a surrogate" },
	{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, "past U+10FFFF" },
	{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd",
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\xef\xbf\xbd",
	    "valid 2-, 3- and 4-byte sequences unchanged" },
};

static void
test_json_utf8(void)
{
	struct buf	b = BUF_INIT, want = BUF_INIT;
	size_t		i;

	for (i = 0; i < sizeof(json_utf8) / sizeof(json_utf8[0]); i++) {
		buf_reset(&b);
		buf_reset(&want);
		buf_addf(&want, "\"%s\"", json_utf8[i].out);
		json_add_string(&b, json_utf8[i].in);
		tap_ok(strcmp(buf_str(&b), buf_str(&want)) == 0 &&
		    utf8_invalid(b.data, b.len, &(size_t){ 0 }) == NULL,
		    "json: %s", json_utf8[i].name);
	}
	buf_free(&b);
	buf_free(&want);
}

static void
test_helpers(void)
{
	struct job_id	 id;
	struct buf	 b = BUF_INIT;
	char		 out[64];

	tap_ok(parse_job_id("0", &id) == 0 && id.cluster == 0 && id.proc == -1,
	    "job id 0");
	tap_ok(parse_job_id("12.3", &id) == 0 && id.cluster == 12 &&
	    id.proc == 3, "job id 12.3");
	tap_ok(parse_job_id("2147483647.2147483647", &id) == 0,
	    "job id at the maximum");
	tap_ok(parse_job_id("2147483648", &id) == -1, "job id overflow");
	tap_ok(parse_job_id("01", &id) == -1, "job id leading zero");
	tap_ok(parse_job_id("1.01", &id) == -1, "job id proc leading zero");
	tap_ok(parse_job_id("1.0", &id) == 0 && id.proc == 0, "job id 1.0");
	tap_ok(parse_job_id("-1", &id) == -1, "job id sign");
	tap_ok(parse_job_id("+1", &id) == -1, "job id plus");
	tap_ok(parse_job_id("1.", &id) == -1, "job id empty proc");
	tap_ok(parse_job_id(".1", &id) == -1, "job id empty cluster");
	tap_ok(parse_job_id("1.2.3", &id) == -1, "job id three parts");
	tap_ok(parse_job_id("", &id) == -1, "job id empty");
	tap_ok(parse_job_id("hold", &id) == -1, "job id word");

	tap_ok(http_query_param("a=1&constraint=x%3D%3D1&b", "constraint",
	    out, sizeof(out)) == 1 && strcmp(out, "x==1") == 0,
	    "query: decoded value");
	tap_ok(http_query_param("a=1&b", "b", out, sizeof(out)) == 1 &&
	    out[0] == '\0', "query: key without value");
	tap_ok(http_query_param("ab=1", "a", out, sizeof(out)) == 0,
	    "query: prefix is not a match");
	tap_ok(http_query_param("a=x+y", "a", out, sizeof(out)) == 1 &&
	    strcmp(out, "x y") == 0, "query: plus is a space");
	tap_ok(http_query_param("a=%00", "a", out, sizeof(out)) == -1,
	    "query: encoded NUL refused");
	tap_ok(http_query_param("a=%g1", "a", out, sizeof(out)) == -1,
	    "query: bad escape refused");
	tap_ok(http_query_param("a=0123456789", "a", out, 4) == -1,
	    "query: too long refused");

	json_add_string(&b, "a\"b\\c\n\x01\xff\xc3\xa9");
	tap_ok(strcmp(buf_str(&b), "\"a\\\"b\\\\c\\n\\u0001" FFFD "\xc3\xa9\"")
	    == 0, "json: escapes and invalid UTF-8");
	buf_free(&b);
	test_json_utf8();
}

/* The UTF-8 validator: each fault named where it becomes certain, and
 * the maximal ill-formed subpart that one U+FFFD replaces. */
struct utf8_case {
	const char	*bytes;
	size_t		 len;
	size_t		 want;	/* valid length, or 0 */
	size_t		 skip;	/* when invalid */
	const char	*why;
};

static const struct utf8_case utf8_cases[] = {
	{ "a", 1, 1, 0, NULL },
	{ "\x7f", 1, 1, 0, NULL },
	{ "\xc2\x80", 2, 2, 0, NULL },
	{ "\xdf\xbf", 2, 2, 0, NULL },
	{ "\xe0\xa0\x80", 3, 3, 0, NULL },
	{ "\xed\x9f\xbf", 3, 3, 0, NULL },		/* U+D7FF */
	{ "\xee\x80\x80", 3, 3, 0, NULL },		/* U+E000 */
	{ "\xef\xbf\xbd", 3, 3, 0, NULL },		/* U+FFFD */
	{ "\xf0\x90\x80\x80", 4, 4, 0, NULL },
	{ "\xf4\x8f\xbf\xbf", 4, 4, 0, NULL },	/* U+10FFFF */
	{ "\x80", 1, 0, 1, "a continuation byte without a lead byte" },
	{ "\xbf", 1, 0, 1, "a continuation byte without a lead byte" },
	{ "\xc0\x80", 2, 0, 1, "an overlong encoding" },
	{ "\xc1\xbf", 2, 0, 1, "an overlong encoding" },
	{ "\xe0\x9f\xbf", 3, 0, 1, "an overlong encoding" },
	{ "\xf0\x8f\xbf\xbf", 4, 0, 1, "an overlong encoding" },
	{ "\xed\xa0\x80", 3, 0, 1, "a UTF-16 surrogate" },
	{ "\xed\xbf\xbf", 3, 0, 1, "a UTF-16 surrogate" },
	{ "\xf4\x90\x80\x80", 4, 0, 1, "a code point past U+10FFFF" },
	{ "\xf5\x80\x80\x80", 4, 0, 1, "a code point past U+10FFFF" },
	{ "\xf8\x88\x80\x80\x80", 5, 0, 1,
	    "a byte that never occurs in UTF-8" },
	{ "\xff", 1, 0, 1, "a byte that never occurs in UTF-8" },
	{ "\xc3", 1, 0, 1, "a truncated sequence" },
	{ "\xe2\x82", 2, 0, 2, "a truncated sequence" },
	{ "\xf0\x9f\x98", 3, 0, 3, "a truncated sequence" },
	{ "\xe2\x82" "A", 3, 0, 2, "a truncated sequence" },
	{ "\xe2" "\xe2\x82\xac", 4, 0, 1, "a truncated sequence" },
};

static void
test_utf8(void)
{
	const struct utf8_case	*c;
	const char		*why;
	size_t			 i, k, got, skip, at;

	for (i = 0; i < sizeof(utf8_cases) / sizeof(utf8_cases[0]); i++) {
		c = &utf8_cases[i];
		skip = 99, why = NULL;
		got = utf8_sequence(c->bytes, c->len, &skip, &why);
		if (c->want != 0) {
			tap_ok(got == c->want, "utf8: case %zu valid, %zu bytes",
			    i, c->want);
			continue;
		}
		tap_ok(got == 0 && skip == c->skip && why != NULL &&
		    strcmp(why, c->why) == 0, "utf8: case %zu: %s, %zu "
		    "byte(s) replaced", i, c->why, c->skip);
		if (got != 0 || why == NULL)
			tap_diag("got %zu skip %zu why %s", got, skip,
			    why ? why : "-");
		/* The bytes of a subpart never start a valid sequence that
		 * the replacement would swallow. */
		for (k = 1; k < c->skip; k++)
			tap_ok(utf8_sequence(c->bytes + k, c->len - k, NULL,
			    NULL) == 0, "utf8: case %zu: byte %zu of the "
			    "subpart is no start", i, k);
	}
	tap_ok(utf8_invalid("caf\xc3\xa9 \xe2\x82\xac", 9, &at) == NULL,
	    "utf8: valid text");
	tap_ok(utf8_invalid("", 0, &at) == NULL, "utf8: empty text");
	tap_ok((why = utf8_invalid("ab\xc3\xa9\xed\xa0\x80", 7, &at)) !=
	    NULL && at == 4 && strcmp(why, "a UTF-16 surrogate") == 0,
	    "utf8: the first fault and its offset");
	tap_ok((why = utf8_invalid("ab\xc3", 3, &at)) != NULL && at == 2 &&
	    strcmp(why, "a truncated sequence") == 0,
	    "utf8: a sequence cut by the end of the text");
}

/* log_msg on standard error: what it writes for FMT's message, one
 * line, into OUT. */
static void
logged(char *out, size_t outlen, const char *msg)
{
	FILE	*f = tmpfile();
	int	 saved = dup(2);
	size_t	 n = 0;

	out[0] = '\0';
	if (f == NULL || saved == -1)
		return;
	fflush(stderr);
	dup2(fileno(f), 2);
	log_msg("%s", msg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, outlen - 1, f);
	out[n] = '\0';
	fclose(f);
}

/* Free-form messages are sanitised as the request line is: a message
 * quoting a peer's or a file's bytes cannot start a line of its own. */
static void
test_log(void)
{
	char out[256];

	logged(out, sizeof(out), "a b\nZ 1.2.3.4 GET /x 200 0 0ms root");
	tap_ok(strcmp(out, "htcondor-api: a b?Z 1.2.3.4 GET /x 200 0 0ms "
	    "root\n") == 0, "log: a newline in a message is replaced");
	logged(out, sizeof(out), "\r\x1b[2K\t\x7f\x01\xc3\xa9.");
	tap_ok(strcmp(out, "htcondor-api: ??[2K?????.\n") == 0,
	    "log: CR, ESC, tab, DEL, controls and non-ASCII are replaced");
	if (strchr(out, '\n') != strrchr(out, '\n'))
		tap_diag("got %s", out);
}

static void
test_routes(void)
{
	struct api_ctx	ctx;
	route_handler	h;
	char		allow[128];

	memset(&ctx, 0, sizeof(ctx));
	tap_ok(route_match("GET", "/healthz", &ctx, &h, allow,
	    sizeof(allow)) == 0 && h == api_healthz, "route: GET /healthz");
	tap_ok(route_match("GET", "/healthz/", &ctx, &h, allow,
	    sizeof(allow)) == 404, "route: trailing slash is 404");
	tap_ok(route_match("GET", "/nope", &ctx, &h, allow,
	    sizeof(allow)) == 404, "route: unknown path is 404");
	tap_ok(route_match("get", "/healthz", &ctx, &h, allow,
	    sizeof(allow)) == 405, "route: methods are case-sensitive");

	/* HEAD wherever GET works (RFC 9110 9.3.2), and nowhere else. */
	tap_ok(route_match("POST", "/healthz", &ctx, &h, allow,
	    sizeof(allow)) == 405 && strcmp(allow, "GET, HEAD") == 0,
	    "route: a GET route allows GET, HEAD");
	tap_ok(route_match("HEAD", "/healthz", &ctx, &h, allow,
	    sizeof(allow)) == 0 && h == api_healthz, "route: HEAD /healthz");
	tap_ok(route_match("HEAD", "/openapi.json", &ctx, &h, allow,
	    sizeof(allow)) == 0 && h == api_openapi,
	    "route: HEAD /openapi.json");
	tap_ok(route_match("HEAD", "/api/v1/jobs", &ctx, &h, allow,
	    sizeof(allow)) == 0 && h == api_jobs_list,
	    "route: HEAD /api/v1/jobs is the listing, not another method");
	memset(&ctx, 0, sizeof(ctx));
	tap_ok(route_match("HEAD", "/api/v1/jobs/3.1", &ctx, &h, allow,
	    sizeof(allow)) == 0 && h == api_jobs_get && ctx.job.cluster == 3 &&
	    ctx.job.proc == 1, "route: HEAD /api/v1/jobs/{jobid}");
	tap_ok(route_match("PUT", "/api/v1/jobs/3.1", &ctx, &h, allow,
	    sizeof(allow)) == 405 && strcmp(allow, "GET, HEAD, DELETE, PATCH")
	    == 0, "route: Allow lists HEAD after GET");
	tap_ok(route_match("HEAD", "/api/v1/jobs/3.1/hold", &ctx, &h, allow,
	    sizeof(allow)) == 405 && strcmp(allow, "POST") == 0,
	    "route: HEAD on a route without GET is 405");
	tap_ok(route_match("HEAD", "/api/v1/jobs/x", &ctx, &h, allow,
	    sizeof(allow)) == 400, "route: HEAD checks the job id as GET");
}

/* The body reader over a real socket, as a client would send it. */
static int
body_case(const char *wire, size_t len, long long max, struct buf *out)
{
	static struct http_exchange	x;
	struct conn			c;
	char				err[256];
	int				sv[2], rc;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (write(sv[1], wire, len) != (ssize_t)len)
		return -2;
	shutdown(sv[1], SHUT_WR);
	memset(&x, 0, sizeof(x));
	conn_init(&c, sv[0], sv[0], 2, 2);
	x.conn = &c;
	x.max_body = max;
	buf_reset(out);
	rc = http_read_request(&x, err, sizeof(err));
	if (rc == 0)
		rc = http_read_body(&x, out, err, sizeof(err));
	conn_flush(&c);
	close(sv[0]);
	close(sv[1]);
	return rc;
}

static void
test_bodies(void)
{
	struct buf	b = BUF_INIT;
	const char	*big;
	int		rc;

#define REQ(s) s, sizeof(s) - 1
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 5\r\n\r\nhello"), 100, &b);
	tap_ok(rc == 0 && strcmp(buf_str(&b), "hello") == 0,
	    "body: Content-Length");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"
	    "6;ext=1\r\n world\r\n0\r\nTrailer: t\r\n\r\n"), 100, &b);
	tap_ok(rc == 0 && strcmp(buf_str(&b), "hello world") == 0,
	    "body: chunked with extension and trailer");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n"),
	    100, &b);
	tap_ok(rc == 0 && b.len == 10, "body: hex chunk size");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 10\r\n\r\nhello"), 100, &b);
	tap_ok(rc == 400, "body: short Content-Length body is 400");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Content-Length: 101\r\n\r\nhello"), 100, &b);
	tap_ok(rc == 413, "body: Content-Length over the cap is 413 at once");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n40\r\n"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\r\n40\r\n"
	    "0123456789012345678901234567890123456789012345678901234567890123"
	    "\r\n0\r\n\r\n"), 100, &b);
	tap_ok(rc == 413, "body: chunked over the cap is 413");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"), 100,
	    &b);
	tap_ok(rc == 400, "body: bad chunk size is 400");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n"), 100,
	    &b);
	tap_ok(rc == 400, "body: chunk without CRLF is 400");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n"), 100,
	    &b);
	tap_ok(rc == 400, "body: bare LF in chunk line is 400");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n5\r\nhel"), 100, &b);
	tap_ok(rc == 400, "body: cut chunked body is 400");
	rc = body_case(REQ("POST / HTTP/1.1\r\nHost: x\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n"
	    "ffffffffffffffffff\r\nx\r\n0\r\n\r\n"), 100, &b);
	tap_ok(rc == 400, "body: overlong chunk size is 400");
	rc = body_case(REQ("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), 100, &b);
	tap_ok(rc == 0 && b.len == 0, "body: none");
	big = "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
	    "Expect: 100-continue\r\n\r\nabc";
	rc = body_case(big, strlen(big), 100, &b);
	tap_ok(rc == 0 && strcmp(buf_str(&b), "abc") == 0,
	    "body: with 100-continue");
	buf_free(&b);
}

/* A reader that stalls must get 408 within the deadline. */
static void
test_stall(void)
{
	static struct http_exchange	x;
	struct conn			c;
	char				err[256];
	int				sv[2], rc;
	long long			t0;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	(void)!write(sv[1], "GET / HTTP/1.1\r\n", 16);
	memset(&x, 0, sizeof(x));
	conn_init(&c, sv[0], sv[0], 1, 1);
	x.conn = &c;
	t0 = conn_now_ms();
	rc = http_read_request(&x, err, sizeof(err));
	tap_ok(rc == 408, "stall: a stalled head is 408");
	tap_ok(conn_now_ms() - t0 < 1800, "stall: answered within the "
	    "deadline (%lld ms)", conn_now_ms() - t0);
	close(sv[0]);
	close(sv[1]);
}

/* utc_break against the C library over a range of instants. */
static void
test_utc(void)
{
	struct tm	a, b;
	time_t		t;
	int		bad = 0;

	for (t = -86400LL * 800; t < 4102444800LL; t += 86400 * 13 + 3607) {
		utc_break(t, &a);
		gmtime_r(&t, &b);
		if (a.tm_year != b.tm_year || a.tm_mon != b.tm_mon ||
		    a.tm_mday != b.tm_mday || a.tm_hour != b.tm_hour ||
		    a.tm_min != b.tm_min || a.tm_sec != b.tm_sec ||
		    a.tm_wday != b.tm_wday)
			bad++;
	}
	tap_ok(bad == 0, "utc_break agrees with gmtime_r from 1967 to 2100");
}

int
main(void)
{
	test_utc();
	test_heads();
	test_head_details();
	test_helpers();
	test_utf8();
	test_log();
	test_routes();
	test_bodies();
	test_stall();
	return tap_done();
}
