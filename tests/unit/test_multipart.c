/*
 * test_multipart.c — the multipart/form-data parser: the Content-Type
 * boundary, curl's real bodies, every refusal, and the streaming
 * guarantees (the same callbacks whatever the split of the body, bytes
 * held back only while they may start a delimiter).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/multipart.h"
#include "tap.h"
#include "util/buf.h"

/* What the callbacks saw, as text: "B:name=..;file=..;ct=..\n" for a
 * part's head ("file=" only with a filename), "D:" and the part's bytes
 * (consecutive pieces joined) then "\n", and "E\n" at its end. */
struct seen {
	struct buf	log;
	int		in_data;
	size_t		pieces;		/* part_data calls */
	size_t		data;		/* bytes given to part_data */
	int		stop_begin;	/* part_begin returns -1 on this one */
	int		begins;
	/* The body fed, and where the current part's data stands in it:
	 * every byte given must be the body's at the part's offset. */
	const char	*body;
	size_t		 bodylen;
	long long	 at;
	size_t		 misplaced;	/* bytes not where the offset says */
};

static void
close_data(struct seen *s)
{
	if (s->in_data)
		buf_addc(&s->log, '\n');
	s->in_data = 0;
}

static int
on_begin(void *ctx, const struct multipart_part *p)
{
	struct seen	*s = ctx;

	close_data(s);
	s->at = p->offset;
	buf_addf(&s->log, "B:name=%s;%s%s%sct=%s\n", p->name,
	    p->has_filename ? "file=" : "", p->has_filename ? p->filename : "",
	    p->has_filename ? ";" : "", p->content_type);
	return ++s->begins == s->stop_begin ? -1 : 0;
}

static int
on_data(void *ctx, const void *p, size_t n)
{
	struct seen	*s = ctx;

	if (!s->in_data)
		buf_adds(&s->log, "D:");
	s->in_data = 1;
	buf_add(&s->log, p, n);
	if (s->at < 0 || (size_t)s->at + n > s->bodylen ||
	    memcmp(s->body + s->at, p, n) != 0)
		s->misplaced += n;
	s->at += (long long)n;
	s->pieces++;
	s->data += n;
	return 0;
}

static int
on_end(void *ctx)
{
	struct seen	*s = ctx;

	close_data(s);
	buf_adds(&s->log, "E\n");
	return 0;
}

/* Feed BODY to a parser for BOUNDARY in pieces: SPLIT 0 whole, 1 byte by
 * byte, else random sizes from seed SPLIT.  Returns the first non-zero
 * feed status, else multipart_finish's; the events are in S. */
static int
run_split(const char *boundary, const void *body, size_t len, unsigned split,
    struct seen *s, char *err, size_t errlen)
{
	struct multipart_cb	 cb = { on_begin, on_data, on_end, s };
	struct multipart	*m;
	const char		*p = body;
	size_t			 off = 0, n;
	int			 rc = 0;

	memset(&s->log, 0, sizeof(s->log));
	s->in_data = 0;
	s->pieces = s->data = 0;
	s->begins = 0;
	s->body = body;
	s->bodylen = len;
	s->misplaced = 0;
	err[0] = '\0';
	if ((m = multipart_new(boundary, &cb)) == NULL)
		return -2;
	srand(split);
	while (off < len && rc == 0) {
		if (split == 0)
			n = len - off;
		else if (split == 1)
			n = 1;
		else
			n = 1 + (size_t)rand() % 97;
		if (n > len - off)
			n = len - off;
		rc = multipart_feed(m, p + off, n, err, errlen);
		off += n;
	}
	if (rc == 0)
		rc = multipart_finish(m, err, errlen);
	close_data(s);
	multipart_free(m);
	return rc;
}

/* The same body, whole, byte by byte and in 20 random splits: the same
 * status and the same events every time.  Returns the status. */
static int
check_splits(const char *what, const char *boundary, const void *body,
    size_t len, const char *want_log, int want_rc)
{
	struct seen	s0, s;
	char		err[256];
	int		rc0, rc, same = 1;
	unsigned	split;

	memset(&s0, 0, sizeof(s0));
	memset(&s, 0, sizeof(s));
	rc0 = run_split(boundary, body, len, 0, &s0, err, sizeof(err));
	tap_ok(rc0 == want_rc, "%s: status %d (%s)", what, rc0, err);
	if (want_log != NULL && !tap_ok(s0.log.len == strlen(want_log) &&
	    memcmp(buf_str(&s0.log), want_log, s0.log.len) == 0,
	    "%s: events", what))
		tap_diag("got [%s]", buf_str(&s0.log));
	for (split = 1; split < 22; split++) {
		rc = run_split(boundary, body, len, split, &s, err,
		    sizeof(err));
		if (s.misplaced > 0)
			tap_diag("split %u: %zu bytes not at their part's "
			    "offset", split, s.misplaced);
		if (rc != rc0 || s.misplaced > 0 || s0.misplaced > 0 ||
		    s.log.len != s0.log.len ||
		    memcmp(buf_str(&s.log), buf_str(&s0.log), s.log.len) != 0) {
			tap_diag("split %u differs: %d [%s]", split, rc,
			    buf_str(&s.log));
			same = 0;
		}
		buf_free(&s.log);
	}
	tap_ok(same, "%s: same events byte by byte and in random splits, "
	    "each part's data at its offset", what);
	buf_free(&s0.log);
	return rc0;
}

#define CURL_B	"------------------------1bb8b888c10e107e"
#define CURL_D	"--" CURL_B

/* curl 7.88.1 -F submit_file=@job.sub -F 'options=...;type=application/json'
 * -F in=@in.txt -F e=@empty.dat -F 'q=@in.txt;filename=we"ird\\n.txt',
 * as captured from the wire.  By default curl (like browsers, after the
 * HTML form encoding) percent-encodes '"' and sends '\' raw, while the
 * quoted-string rule we follow reads "\\" as one backslash: such a name
 * arrives with "%22" in it and its backslashes halved. */
static const char curl_body[] =
	CURL_D "\r\n"
	"Content-Disposition: form-data; name=\"submit_file\"; "
	    "filename=\"job.sub\"\r\n"
	"Content-Type: application/octet-stream\r\n"
	"\r\n"
	"executable = /bin/cat\n"
	"queue\n"
	"\r\n"
	CURL_D "\r\n"
	"Content-Disposition: form-data; name=\"options\"\r\n"
	"Content-Type: application/json\r\n"
	"\r\n"
	"{\"spool\":true}\r\n"
	CURL_D "\r\n"
	"Content-Disposition: form-data; name=\"in\"; filename=\"in.txt\"\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"hello\r\n"
	"world\n"
	"\r\n"
	CURL_D "\r\n"
	"Content-Disposition: form-data; name=\"e\"; "
	    "filename=\"empty.dat\"\r\n"
	"Content-Type: application/octet-stream\r\n"
	"\r\n"
	"\r\n"
	CURL_D "\r\n"
	"Content-Disposition: form-data; name=\"q\"; "
	    "filename=\"we%22ird\\\\n.txt\"\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"hello\r\n"
	"world\n"
	"\r\n"
	CURL_D "--\r\n";

static const char curl_log[] =
	"B:name=submit_file;file=job.sub;ct=application/octet-stream\n"
	"D:executable = /bin/cat\nqueue\n\n"
	"E\n"
	"B:name=options;ct=application/json\n"
	"D:{\"spool\":true}\n"
	"E\n"
	"B:name=in;file=in.txt;ct=text/plain\n"
	"D:hello\r\nworld\n\n"
	"E\n"
	"B:name=e;file=empty.dat;ct=application/octet-stream\n"
	"E\n"
	"B:name=q;file=we%22ird\\n.txt;ct=text/plain\n"
	"D:hello\r\nworld\n\n"
	"E\n";

/* curl 7.88.1 --form-escape -F 'na"me=@in.txt;filename=we"ird\\n.txt'
 * -F x=y: backslash escapes in the quoted-strings. */
#define ESC_D	"----------------------------15b2f9aa2b88581c"
static const char curl_escape_body[] =
	ESC_D "\r\n"
	"Content-Disposition: form-data; name=\"na\\\"me\"; "
	    "filename=\"we\\\"ird\\\\\\\\n.txt\"\r\n"
	"Content-Type: text/plain\r\n"
	"\r\n"
	"hello\r\nworld\n\r\n"
	ESC_D "\r\n"
	"Content-Disposition: form-data; name=\"x\"\r\n"
	"\r\n"
	"y\r\n"
	ESC_D "--\r\n";

static void
test_boundary(void)
{
	static const struct {
		const char	*ct, *want;	/* want NULL: refused */
	} cases[] = {
		{ "multipart/form-data; boundary=" CURL_B, CURL_B },
		{ "Multipart/Form-Data; BOUNDARY=abc", "abc" },
		{ "multipart/form-data;boundary=abc", "abc" },
		{ "multipart/form-data ; charset=utf-8 ;  boundary=\"a b:c\"",
		    "a b:c" },
		{ "multipart/form-data; boundary=\"q\\\"\"", NULL },
		{ "multipart/form-data; boundary=abc; x=\"y;z\"", "abc" },
		{ "multipart/form-data; boundary=\"abc\"", "abc" },
		{ "multipart/form-data; boundary=\"a\\bc\"", "abc" },
		{ "  multipart/form-data; boundary=abc", "abc" },
		{ "multipart/mixed; boundary=abc", NULL },
		{ "multipart/form-datax; boundary=abc", NULL },
		{ "multipart/form-data", NULL },
		{ "multipart/form-data;", NULL },
		{ "multipart/form-data; boundary=", NULL },
		{ "multipart/form-data; boundary=\"\"", NULL },
		{ "multipart/form-data; boundary=\"abc \"", NULL },
		{ "multipart/form-data; boundary=\"ab\tc\"", NULL },
		{ "multipart/form-data; boundary=a*b", NULL },
		{ "multipart/form-data; boundary=\"abc", NULL },
		{ "multipart/form-data; boundary=a; boundary=a", NULL },
		{ "multipart/form-data; boundary = abc", NULL },
		{ "multipart/form-data; boundary=abc junk", NULL },
		{ "text/plain; boundary=abc", NULL },
		{ "", NULL },
		{ "multipart/form-data; boundary="
		    "1234567890123456789012345678901234567890123456789012345678"
		    "901234567890",
		  "1234567890123456789012345678901234567890123456789012345678"
		    "901234567890" },
		{ "multipart/form-data; boundary="
		    "1234567890123456789012345678901234567890123456789012345678"
		    "9012345678901", NULL },
	};
	char	out[MULTIPART_MAX_BOUNDARY + 1];
	size_t	i;
	int	rc;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out[0] = '\0';
		rc = multipart_boundary(cases[i].ct, out, sizeof(out));
		if (cases[i].want == NULL)
			tap_ok(rc == -1, "boundary refused: [%s]", cases[i].ct);
		else
			tap_ok(rc == 0 && strcmp(out, cases[i].want) == 0,
			    "boundary [%s] -> [%s]", cases[i].ct, out);
	}
	tap_ok(multipart_boundary("multipart/form-data; boundary=abcd", out,
	    4) == -1, "boundary longer than the caller's buffer refused");
	tap_ok(multipart_new("abc ", &(struct multipart_cb){ 0 }) == NULL,
	    "multipart_new refuses an invalid boundary");
}

static void
test_curl(void)
{
	check_splits("curl -F", CURL_B, curl_body, sizeof(curl_body) - 1,
	    curl_log, 0);
	check_splits("curl --form-escape", "--------------------------"
	    "15b2f9aa2b88581c", curl_escape_body,
	    sizeof(curl_escape_body) - 1,
	    "B:name=na\"me;file=we\"ird\\\\n.txt;ct=text/plain\n"
	    "D:hello\r\nworld\n\nE\n"
	    "B:name=x;ct=\nD:y\nE\n", 0);
}

#define CD(n)	"Content-Disposition: form-data; name=\"" n "\"\r\n"

static const struct {
	const char	*what, *body, *log;
	int		 rc;
} bodies[] = {
	{ "preamble and epilogue ignored",
	  "preamble --b\r\nmore -\r\n-b\r\n\r\n--b\r\n" CD("a") "\r\nA\r\n--b--\r\n"
	  "epilogue\r\n--b\r\n" CD("c") "\r\nC\r\n--b--\r\n",
	  "B:name=a;ct=\nD:A\nE\n", 0 },
	{ "close delimiter at the very end",
	  "--b\r\n" CD("a") "\r\nA\r\n--b--", "B:name=a;ct=\nD:A\nE\n", 0 },
	{ "transport padding after delimiters",
	  "--b \t \r\n" CD("a") "\r\nA\r\n--b\t\r\n" CD("c") "\r\nC\r\n"
	  "--b--  \r\n", "B:name=a;ct=\nD:A\nE\nB:name=c;ct=\nD:C\nE\n", 0 },
	{ "empty part",
	  "--b\r\n" CD("a") "\r\n\r\n--b--\r\n", "B:name=a;ct=\nE\n", 0 },
	{ "no parts at all", "--b--\r\n", "", 0 },
	{ "--boundary without CRLF before it is data",
	  "--b\r\n" CD("a") "\r\nx--b\n--b\r--b y\r\n--b--\r\n",
	  "B:name=a;ct=\nD:x--b\n--b\r--b y\nE\n", 0 },
	{ "CRLF and delimiter prefixes inside data",
	  "--bound\r\n" CD("a") "\r\n\r\n\r\n\r\r\n-\r\n--\r\n--b\r\n--bou\r"
	  "\r\n--bound--\r\n",
	  "B:name=a;ct=\nD:\r\n\r\n\r\r\n-\r\n--\r\n--b\r\n--bou\r\nE\n", 0 },
	{ "case-blind field and parameter names, token values",
	  "--b\r\ncontent-disposition: Form-Data; NAME=a1; FileName=x.txt\r\n"
	  "CONTENT-TYPE:text/plain \r\nX-Other: whatever\r\n\r\nA\r\n--b--",
	  "B:name=a1;file=x.txt;ct=text/plain\nD:A\nE\n", 0 },
	{ "filename* beside filename is ignored",
	  "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a\"; "
	  "filename*=UTF-8''%c3%a9\r\n\r\n\r\n--b--",
	  "B:name=f;file=a;ct=\nE\n", 0 },
	{ "empty filename kept as such",
	  "--b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"\""
	  "\r\n\r\n\r\n--b--", "B:name=f;file=;ct=\nE\n", 0 },
	{ "identity Content-Transfer-Encoding",
	  "--b\r\n" CD("a") "Content-Transfer-Encoding: binary\r\n\r\nA\r\n"
	  "--b--", "B:name=a;ct=\nD:A\nE\n", 0 },
	{ "UTF-8 filename",
	  "--b\r\nContent-Disposition: form-data; name=\"f\"; "
	  "filename=\"caf\xc3\xa9\"\r\n\r\n\r\n--b--",
	  "B:name=f;file=caf\xc3\xa9;ct=\nE\n", 0 },

	{ "missing close delimiter", "--b\r\n" CD("a") "\r\nA\r\n--b\r\n"
	  CD("c") "\r\nC", NULL, 400 },
	{ "truncated inside a delimiter", "--b\r\n" CD("a") "\r\nA\r\n--",
	  NULL, 400 },
	{ "truncated in a head", "--b\r\n" CD("a"), NULL, 400 },
	{ "no delimiter at all", "just text", NULL, 400 },
	{ "empty body", "", NULL, 400 },
	{ "junk after a delimiter", "--b\r\n" CD("a") "\r\nA\r\n--bc\r\n"
	  "--b--", NULL, 400 },
	{ "junk after padding", "--b \tx\r\n" CD("a") "\r\n\r\n--b--", NULL,
	  400 },
	{ "bare LF after a delimiter", "--b\n" CD("a") "\r\n\r\n--b--", NULL,
	  400 },
	{ "junk after the close delimiter", "--b\r\n" CD("a") "\r\n\r\n--b--x",
	  NULL, 400 },
	{ "close delimiter with one dash", "--b\r\n" CD("a") "\r\n\r\n--b-\r\n",
	  NULL, 400 },
	{ "part without Content-Disposition", "--b\r\nContent-Type: a/b\r\n"
	  "\r\n\r\n--b--", NULL, 400 },
	{ "part without any head", "--b\r\n\r\nA\r\n--b--", NULL, 400 },
	{ "part without a name", "--b\r\nContent-Disposition: form-data; "
	  "filename=\"x\"\r\n\r\n\r\n--b--", NULL, 400 },
	{ "part with an empty name", "--b\r\nContent-Disposition: form-data; "
	  "name=\"\"\r\n\r\n\r\n--b--", NULL, 400 },
	{ "not form-data", "--b\r\nContent-Disposition: attachment; "
	  "name=\"a\"\r\n\r\n\r\n--b--", NULL, 400 },
	{ "two names", "--b\r\nContent-Disposition: form-data; name=a; "
	  "name=c\r\n\r\n\r\n--b--", NULL, 400 },
	{ "two filenames", "--b\r\nContent-Disposition: form-data; name=a; "
	  "filename=x; filename=y\r\n\r\n\r\n--b--", NULL, 400 },
	{ "two Content-Dispositions", "--b\r\n" CD("a") CD("c") "\r\n\r\n--b--",
	  NULL, 400 },
	{ "two Content-Types", "--b\r\n" CD("a") "Content-Type: a/b\r\n"
	  "Content-Type: a/b\r\n\r\n\r\n--b--", NULL, 400 },
	{ "filename* alone", "--b\r\nContent-Disposition: form-data; name=f; "
	  "filename*=UTF-8''a\r\n\r\n\r\n--b--", NULL, 400 },
	{ "unterminated quoted-string", "--b\r\nContent-Disposition: "
	  "form-data; name=\"a\r\n\r\n\r\n--b--", NULL, 400 },
	{ "space before =", "--b\r\nContent-Disposition: form-data; "
	  "name =a\r\n\r\n\r\n--b--", NULL, 400 },
	{ "junk after a value", "--b\r\nContent-Disposition: form-data; "
	  "name=\"a\"x\r\n\r\n\r\n--b--", NULL, 400 },
	{ "bare LF in a head", "--b\r\nContent-Disposition: form-data; "
	  "name=a\n\r\n\r\n--b--", NULL, 400 },
	{ "bare CR in a head", "--b\r\nContent-Disposition: form-data; "
	  "name=a\rX: y\r\n\r\n\r\n--b--", NULL, 400 },
	{ "obs-fold in a head", "--b\r\nContent-Disposition: form-data;\r\n "
	  "name=a\r\n\r\n\r\n--b--", NULL, 400 },
	{ "space before the colon", "--b\r\nContent-Disposition : form-data; "
	  "name=a\r\n\r\n\r\n--b--", NULL, 400 },
	{ "control byte in a head", "--b\r\n" CD("a") "X: \x01\r\n\r\n\r\n"
	  "--b--", NULL, 400 },
	{ "base64 transfer encoding", "--b\r\n" CD("a")
	  "Content-Transfer-Encoding: base64\r\n\r\nQQ==\r\n--b--", NULL, 400 },
};

static void
test_bodies(void)
{
	size_t	i;

	for (i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		check_splits(bodies[i].what, bodies[i].body[0] == '-' &&
		    strncmp(bodies[i].body, "--bound", 7) == 0 ? "bound" : "b",
		    bodies[i].body, strlen(bodies[i].body), bodies[i].log,
		    bodies[i].rc);
}

/* Builds "--b\r\n" HEAD "\r\n\r\n\r\n--b--" (an empty part) with a field of N copies of C
 * between PRE and POST, and runs it. */
static int
run_field(const char *pre, size_t n, int c, const char *post)
{
	struct buf	 b = BUF_INIT;
	struct seen	 s;
	char		 err[256];
	int		 rc;

	buf_adds(&b, "--b\r\n");
	buf_adds(&b, pre);
	while (n-- > 0)
		buf_addc(&b, c);
	buf_adds(&b, post);
	buf_adds(&b, "\r\n\r\n\r\n--b--\r\n");
	memset(&s, 0, sizeof(s));
	rc = run_split("b", buf_str(&b), b.len, 0, &s, err, sizeof(err));
	buf_free(&b);
	buf_free(&s.log);
	return rc;
}

static void
test_limits(void)
{
	struct buf	 b = BUF_INIT;
	struct seen	 s;
	char		 err[256];
	size_t		 i, fixed;
	int		 rc;

	tap_ok(run_field("Content-Disposition: form-data; name=\"",
	    MULTIPART_MAX_NAME, 'n', "\"") == 0, "name of %d bytes",
	    MULTIPART_MAX_NAME);
	tap_ok(run_field("Content-Disposition: form-data; name=\"",
	    MULTIPART_MAX_NAME + 1, 'n', "\"") == 400, "longer name: 400");
	tap_ok(run_field("Content-Disposition: form-data; name=",
	    MULTIPART_MAX_NAME + 1, 'n', "") == 400,
	    "longer token name: 400");
	tap_ok(run_field("Content-Disposition: form-data; name=a; filename=\"",
	    MULTIPART_MAX_FILENAME, 'f', "\"") == 0, "filename of %d bytes",
	    MULTIPART_MAX_FILENAME);
	tap_ok(run_field("Content-Disposition: form-data; name=a; filename=\"",
	    MULTIPART_MAX_FILENAME + 1, 'f', "\"") == 400,
	    "longer filename: 400");
	tap_ok(run_field("Content-Disposition: form-data; name=a\r\n"
	    "Content-Type: ", MULTIPART_MAX_CTYPE, 't', "") == 0,
	    "Content-Type of %d bytes", MULTIPART_MAX_CTYPE);
	tap_ok(run_field("Content-Disposition: form-data; name=a\r\n"
	    "Content-Type: ", MULTIPART_MAX_CTYPE + 1, 't', "") == 400,
	    "longer Content-Type: 400");
	tap_ok(run_field("Content-Disposition: form-data; name=a; x=\"",
	    5000, 'x', "\"") == 0, "a long unknown parameter is skipped");

	/* The head counts from after the delimiter line through its empty
	 * line: "CD\r\nX: ...\r\n\r\n". */
	fixed = strlen(CD("a") "X: \r\n\r\n");
	tap_ok(run_field(CD("a") "X: ", MULTIPART_MAX_HEAD - fixed, 'h', "")
	    == 0, "part head of exactly %d bytes", MULTIPART_MAX_HEAD);
	tap_ok(run_field(CD("a") "X: ", MULTIPART_MAX_HEAD - fixed + 1, 'h',
	    "") == 400, "part head one byte longer: 400");
	tap_ok(run_field(CD("a") "X: a", 1, '\0', "b") == 400,
	    "NUL byte in a part head: 400");

	for (i = 0; i < MULTIPART_MAX_PARTS; i++)
		buf_adds(&b, "--b\r\n" CD("p") "\r\n\r\n");
	buf_adds(&b, "--b--\r\n");
	memset(&s, 0, sizeof(s));
	rc = run_split("b", buf_str(&b), b.len, 0, &s, err, sizeof(err));
	tap_ok(rc == 0 && s.begins == MULTIPART_MAX_PARTS, "%d parts",
	    MULTIPART_MAX_PARTS);
	buf_free(&s.log);
	b.len -= strlen("--b--\r\n");
	buf_adds(&b, "--b\r\n" CD("p") "\r\n\r\n--b--\r\n");
	rc = run_split("b", buf_str(&b), b.len, 0, &s, err, sizeof(err));
	tap_ok(rc == 400 && s.begins == MULTIPART_MAX_PARTS,
	    "one part more: 400 (%s)", err);
	buf_free(&s.log);
	buf_free(&b);
}

static int
feeds(struct multipart *m, const char *str)
{
	char	err[256];

	return multipart_feed(m, str, strlen(str), err, sizeof(err)) == 0;
}

/* Bytes that may begin a delimiter are held back, and only those: what
 * part_data has seen after each piece is checked exactly. */
static void
test_holdback(void)
{
	struct seen		 s;
	struct multipart_cb	 cb = { on_begin, on_data, on_end, &s };
	struct multipart	*m;
	char			 err[256];
	const char		*head = "--boundary\r\n" CD("a") "\r\n";
	int			 ok = 1;

	memset(&s, 0, sizeof(s));
	m = multipart_new("boundary", &cb);
	ok &= multipart_feed(m, head, strlen(head), err, sizeof(err)) == 0;
	ok &= feeds(m, "abc\r\n--bounda");
	tap_ok(ok && s.data == 3, "a delimiter prefix at the end of a piece "
	    "is held (%zu bytes out)", s.data);
	ok &= feeds(m, "r");
	tap_ok(ok && s.data == 3, "still held while it matches");
	ok &= feeds(m, "X");
	tap_ok(ok && s.data == 15 && strcmp(buf_str(&s.log) + s.log.len - 15,
	    "abc\r\n--boundarX") == 0,
	    "released with the byte that ends the match");
	ok &= feeds(m, "\r");
	tap_ok(ok && s.data == 15, "a lone CR is held");
	ok &= feeds(m, "\r");
	tap_ok(ok && s.data == 16, "a CR after a CR releases the first");
	ok &= feeds(m, "\n--boundary");
	tap_ok(ok && s.data == 16 && strstr(buf_str(&s.log), "E\n") != NULL,
	    "a whole delimiter ends the part at once");
	ok &= multipart_feed(m, "--", 2, err, sizeof(err)) == 0;
	tap_ok(ok && multipart_finish(m, err, sizeof(err)) == 0,
	    "close delimiter, finish 0");
	ok &= multipart_feed(m, "\r\nanything at all", 17, err,
	    sizeof(err)) == 0;
	tap_ok(ok, "an epilogue fed after the close delimiter is ignored");
	multipart_free(m);
	buf_free(&s.log);
}

/* A large part streams in pieces of the feed's size, whatever its size. */
static void
test_large(void)
{
	struct seen		 s;
	struct multipart_cb	 cb = { on_begin, on_data, on_end, &s };
	struct multipart	*m;
	static char		 piece[65536];
	char			 err[256];
	const char		*head = "--b\r\n" CD("big") "\r\n";
	size_t			 i, total = 0;
	int			 ok = 1;

	for (i = 0; i < sizeof(piece); i++)
		piece[i] = (i % 61 == 60) ? '\r' : (char)('a' + i % 26);
	memset(&s, 0, sizeof(s));
	m = multipart_new("b", &cb);
	ok &= multipart_feed(m, head, strlen(head), err, sizeof(err)) == 0;
	for (i = 0; i < 256 && ok; i++) {
		ok &= multipart_feed(m, piece, sizeof(piece), err,
		    sizeof(err)) == 0;
		total += sizeof(piece);
		/* Keep the log small: only counts matter here. */
		buf_reset(&s.log);
	}
	ok &= multipart_feed(m, "\r\n--b--\r\n", 9, err, sizeof(err)) == 0;
	ok &= multipart_finish(m, err, sizeof(err)) == 0;
	tap_ok(ok && s.data == total, "16 MiB part streamed whole (%zu bytes)",
	    s.data);
	tap_ok(s.pieces <= 2 * 256 + 1, "in about one callback per feed (%zu)",
	    s.pieces);
	multipart_free(m);
	buf_free(&s.log);
}

/* A callback's -1 stops the parse, and stays stopped. */
static void
test_stop(void)
{
	struct seen		 s;
	struct multipart_cb	 cb = { on_begin, on_data, on_end, &s };
	struct multipart	*m;
	char			 err[64] = "untouched";
	const char		*body = "--b\r\n" CD("a") "\r\nA\r\n--b\r\n"
	    CD("c") "\r\nC\r\n--b--\r\n";

	memset(&s, 0, sizeof(s));
	s.stop_begin = 2;
	m = multipart_new("b", &cb);
	tap_ok(multipart_feed(m, body, strlen(body), err, sizeof(err)) == -1 &&
	    strcmp(err, "untouched") == 0 && s.begins == 2,
	    "part_begin's -1 stops the feed, err left to the callback");
	tap_ok(multipart_feed(m, "x", 1, err, sizeof(err)) == -1 &&
	    multipart_finish(m, err, sizeof(err)) == -1,
	    "and later calls say the same");
	multipart_free(m);
	buf_free(&s.log);

	memset(&s, 0, sizeof(s));
	m = multipart_new("b", &(struct multipart_cb){ NULL, NULL, NULL,
	    NULL });
	tap_ok(multipart_feed(m, body, strlen(body), err, sizeof(err)) == 0 &&
	    multipart_finish(m, err, sizeof(err)) == 0,
	    "callbacks may be NULL");
	multipart_free(m);
	m = multipart_new("b", &(struct multipart_cb){ NULL, NULL, NULL,
	    NULL });
	tap_ok(multipart_feed(m, "--b\r\n\r\n", 7, err, sizeof(err)) == 400 &&
	    multipart_feed(m, "--b--", 5, err, sizeof(err)) == 400 &&
	    multipart_finish(m, err, sizeof(err)) == 400 &&
	    strstr(err, "Content-Disposition") != NULL,
	    "a refusal sticks, with its reason (%s)", err);
	multipart_free(m);
}

int
main(void)
{
	test_boundary();
	test_curl();
	test_bodies();
	test_limits();
	test_holdback();
	test_large();
	test_stop();
	return tap_done();
}
