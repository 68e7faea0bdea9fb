/*
 * test_classad.c — the ClassAd library: every pair of the classad-json
 * conformance corpus byte for byte (the -long text to JSON, the -long
 * text back to itself, the hand-written input.ad to both), then the
 * lexer, parser and unparsers, the ad type and the limits.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/buf.h"
#include "classad/classad.h"
#include "util/file.h"
#include "tap.h"

#define MAX_FILE	(16u << 20)

/* Read a whole file into B; -1 when it cannot be read. */
static int
slurp(const char *path, struct buf *b)
{
	char	 err[256];

	return file_read_capped(path, MAX_FILE, b, err, sizeof(err));
}

/* Show where two texts first differ. */
static void
diff_diag(const char *want, size_t wlen, const char *got, size_t glen)
{
	size_t i = 0, s;

	while (i < wlen && i < glen && want[i] == got[i])
		i++;
	s = i > 60 ? i - 60 : 0;
	tap_diag("first difference at byte %zu (want %zu bytes, got %zu)", i,
	    wlen, glen);
	tap_diag("want: %.*s", (int)((wlen - s) < 120 ? wlen - s : 120),
	    want + s);
	tap_diag("got:  %.*s", (int)((glen - s) < 120 ? glen - s : 120),
	    got + s);
}

static int
same(const struct buf *want, const struct buf *got)
{
	if (want->len == got->len &&
	    memcmp(buf_str(want), buf_str(got), want->len) == 0)
		return 1;
	diff_diag(buf_str(want), want->len, buf_str(got), got->len);
	return 0;
}

/* Read every ad of TEXT; write them as a JSON list into JSON and as
 * -long text (sorted, blank line after each ad) into LONG. */
static int
convert(const struct buf *text, struct buf *json, struct buf *lng,
    size_t *nads)
{
	struct classad_json_list l;
	struct classad *ad;
	size_t pos = 0, used;
	char err[256];
	int r;

	*nads = 0;
	classad_json_list_init(&l, classad_json_buf_writer, json, NULL);
	for (;;) {
		r = classad_read_long(buf_str(text) + pos, text->len - pos,
		    &used, &ad, err, sizeof(err));
		if (r == -1) {
			tap_diag("read: %s", err);
			return -1;
		}
		pos += used;
		if (r == 0)
			break;
		(*nads)++;
		if (classad_json_list_add(&l, ad) == -1 ||
		    classad_write_long(ad, 1, lng) == -1 ||
		    buf_addc(lng, '\n') == -1) {
			classad_free(ad);
			return -1;
		}
		classad_free(ad);
	}
	return classad_json_list_end(&l);
}

/* One folder of the corpus: SRC (.long or input.ad) against WANT_JSON
 * and WANT_LONG. */
static void
check_pair(const char *dir, const char *src, const char *want_json,
    const char *want_long)
{
	struct buf text = BUF_INIT, json = BUF_INIT, lng = BUF_INIT;
	struct buf wj = BUF_INIT, wl = BUF_INIT;
	char p[1024];
	size_t nads = 0;
	int ok;

	snprintf(p, sizeof(p), "%s/%s", dir, src);
	ok = slurp(p, &text) == 0;
	snprintf(p, sizeof(p), "%s/%s", dir, want_json);
	ok = ok && slurp(p, &wj) == 0;
	snprintf(p, sizeof(p), "%s/%s", dir, want_long);
	ok = ok && slurp(p, &wl) == 0;
	if (!tap_ok(ok, "conformance %s: read %s, %s, %s", dir, src,
	    want_json, want_long))
		goto out;
	ok = convert(&text, &json, &lng, &nads) == 0;
	tap_ok(ok && nads > 0, "conformance %s/%s: %zu ads read", dir, src,
	    nads);
	tap_ok(ok && same(&wj, &json), "conformance %s/%s -> %s byte-exact",
	    dir, src, want_json);
	tap_ok(ok && same(&wl, &lng), "conformance %s/%s -> %s byte-exact",
	    dir, src, want_long);
out:
	buf_free(&text);
	buf_free(&json);
	buf_free(&lng);
	buf_free(&wj);
	buf_free(&wl);
}

/* Walk the corpus: every folder holding a *.json has its *.long (same
 * stem) and maybe an input.ad. */
static int
walk(const char *dir, int *pairs)
{
	DIR *d;
	struct dirent *de;
	struct stat st;
	char p[1024], stem[256], lng[300], json[300];
	size_t n;

	if ((d = opendir(dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(p, pairs);
			continue;
		}
		n = strlen(de->d_name);
		if (n < 6 || n >= sizeof(stem) ||
		    strcmp(de->d_name + n - 5, ".json") != 0)
			continue;
		snprintf(stem, sizeof(stem), "%.*s", (int)(n - 5),
		    de->d_name);
		snprintf(json, sizeof(json), "%s.json", stem);
		snprintf(lng, sizeof(lng), "%s.long", stem);
		check_pair(dir, lng, json, lng);
		(*pairs)++;
		snprintf(p, sizeof(p), "%s/input.ad", dir);
		if (stat(p, &st) == 0) {
			check_pair(dir, "input.ad", json, lng);
			(*pairs)++;
		}
	}
	closedir(d);
	return 0;
}

static void
test_conformance(void)
{
	char dir[1024];
	int pairs = 0;

	snprintf(dir, sizeof(dir), "%s/classad-json", tap_conformance_dir());
	tap_ok(walk(dir, &pairs) == 0, "conformance folder %s is readable",
	    dir);
	tap_ok(pairs >= 7, "conformance: %d pairs checked", pairs);
}

/* ---- parser and unparsers ---- */

/* TEXT made printable for a one-line TAP description. */
static const char *
printable(const char *text)
{
	static char out[200];
	size_t i;

	for (i = 0; text[i] != '\0' && i + 1 < sizeof(out); i++)
		out[i] = ((unsigned char)text[i] < 0x20) ? '?' : text[i];
	out[i] = '\0';
	return out;
}

/* Parse TEXT in syntax FLAGS and compare both unparses. */
static void
roundtrip(const char *text, int flags, const char *want_old,
    const char *want_new)
{
	struct classad_expr *e = NULL;
	struct buf o = BUF_INIT, n = BUF_INIT;
	char err[256];
	int ok;

	ok = classad_parse_expr(text, flags, &e, err, sizeof(err)) == 0;
	if (!ok)
		tap_diag("parse error: %s", err);
	ok = ok && classad_unparse_old(e, &o) == 0 &&
	    classad_unparse_new(e, &n) == 0;
	if (ok && want_old != NULL && strcmp(buf_str(&o), want_old) != 0) {
		tap_diag("old: want [%s] got [%s]", want_old, buf_str(&o));
		ok = 0;
	}
	if (ok && want_new != NULL && strcmp(buf_str(&n), want_new) != 0) {
		tap_diag("new: want [%s] got [%s]", want_new, buf_str(&n));
		ok = 0;
	}
	tap_ok(ok, "%s parse/unparse: %s", flags ? "old" : "new",
	    printable(text));
	classad_expr_free(e);
	buf_free(&o);
	buf_free(&n);
}

/* TEXT must fail to parse, at byte offset OFF. */
static void
bad(const char *text, int flags, size_t off)
{
	struct classad_expr *e = NULL;
	size_t got = (size_t)-1;
	char err[256] = "";
	int rc;

	rc = classad_parse_exprn(text, strlen(text), flags, &e, &got, err,
	    sizeof(err));
	if (rc == 0 || got != off)
		tap_diag("rc %d offset %zu (%s)", rc, got, err);
	tap_ok(rc == -1 && e == NULL && got == off &&
	    strncmp(err, "offset ", 7) == 0,
	    "rejected at offset %zu: %s", off, printable(text));
	classad_expr_free(e);
}

static void
test_parser(void)
{
	/* Spacing and operators as HTCondor prints them. */
	roundtrip("a&&b||!c", 1, "a && b ||  !c", "a && b ||  !c");
	roundtrip("-x", 1, " -x", " -x");
	roundtrip("- 5", 1, " -5", " -5");
	roundtrip("-5", 1, "-5", "-5");
	roundtrip("3-5", 1, "3 - 5", "3 - 5");
	roundtrip("x-5", 1, "x - 5", "x - 5");
	roundtrip("(x)-5", 1, "(x) - 5", "(x) - 5");
	roundtrip("a =?= b", 1, "a =?= b", "a is b");
	roundtrip("a is b isnt c", 1, "a =?= b =!= c", "a is b isnt c");
	roundtrip("a=!=b", 1, "a =!= b", "a isnt b");
	roundtrip("1.25*x", 1, "1.25 * x", "1.250000000000000E+00 * x");
	roundtrip("0.0+x", 1, "0.0 + x", "0.0 + x");
	roundtrip("-0.0", 1, "-0.0", "-0.0");
	roundtrip("2.5E+10", 1, "25000000000.0", "2.500000000000000E+10");
	roundtrip("1e-300", 1, "1E-300", "1.000000000000000E-300");
	roundtrip("100.0", 1, "100.0", "1.000000000000000E+02");
	roundtrip(".5", 1, "0.5", "5.000000000000000E-01");
	roundtrip("-9223372036854775808", 1, "-9223372036854775808", NULL);
	roundtrip("9223372036854775807", 1, "9223372036854775807", NULL);
	roundtrip("a ? b : c", 1, "a ? b : c", NULL);
	roundtrip("a ?: b", 1, "a ?: b", NULL);
	roundtrip("a ? : b", 1, "a ?: b", NULL);
	roundtrip("{ 10, 20, 30 }[1]", 1, "{ 10,20,30 }[1]", NULL);
	roundtrip("{}", 1, "{  }", NULL);
	roundtrip("[]", 1, "[  ]", NULL);
	roundtrip("[;a=1;;b=2;]", 1, "[ a = 1; b = 2 ]", NULL);
	roundtrip("[ x = 5 ].x", 1, "[ x = 5 ].x", NULL);
	roundtrip("MY.RequestMemory", 1, "MY.RequestMemory", NULL);
	roundtrip("TARGET.x.y", 1, "TARGET.x.y", NULL);
	roundtrip(".x", 1, ".x", NULL);
	roundtrip("strcat(\"a\", \"b\", string(1))", 1,
	    "strcat(\"a\",\"b\",string(1))", NULL);
	roundtrip("f(1;2)", 1, "f(1,2)", NULL);
	roundtrip("f()", 1, "f()", NULL);
	roundtrip("5 & 3 | 8 >> 1", 1, "5 & 3 | 8 >> 1", NULL);
	roundtrip("a >>> 2 << 1", 1, "a >>> 2 << 1", NULL);
	roundtrip("((1 + 2) * 3)", 1, "((1 + 2) * 3)", NULL);
	roundtrip("TRUE && False || UNDEFINED || Error", 1,
	    "true && false || undefined || error", NULL);
	roundtrip("a // comment\n + /* c */ b", 1, "a + b", NULL);
	roundtrip("'odd name' + 'a\\'b'", 0, "'odd name' + 'a\\'b'",
	    "'odd name' + 'a\\'b'");
	roundtrip("[ 'b c' = 1; a = 2 ]", 1, "[ a = 2; 'b c' = 1 ]", NULL);
	/* Records come out in HTCondor's order: length, then name. */
	roundtrip("[ bb = 1; A = 2; c = 3; a = 4 ]", 1,
	    "[ a = 4; c = 3; bb = 1 ]", NULL);
	roundtrip("[ 'true' = 1; 'Parent' = 2 ] + 'is'", 1,
	    "[ 'true' = 1; 'Parent' = 2 ] + 'is'", NULL);
	roundtrip("real(\"INF\")", 1, "real(\"INF\")", "real(\"INF\")");
	roundtrip("~!+-x", 1, " ~ ! + -x", NULL);
	roundtrip("a < b <= c > d >= e == f != g", 1,
	    "a < b <= c > d >= e == f != g", NULL);
	roundtrip("a % b / c", 1, "a % b / c", NULL);
	roundtrip("a ^ b", 1, "a ^ b", NULL);

	/* Strings: old syntax only knows \" (not before the end). */
	roundtrip("\"C:\\temp\\new\\\\end\"", 1, "\"C:\\temp\\new\\\\end\"",
	    "\"C:\\\\temp\\\\new\\\\\\\\end\"");
	roundtrip("\"a\\\\\\\"b\"", 1, "\"a\\\\\\\"b\"", NULL);
	roundtrip("\"ends\\\"", 1, "\"ends\\\"", "\"ends\\\\\"");
	roundtrip("\"say \\\"hi\\\"\"", 1, "\"say \\\"hi\\\"\"",
	    "\"say \\\"hi\\\"\"");
	roundtrip("\"tab\there\"", 1, "\"tab\there\"", "\"tab\\there\"");
	roundtrip("\"caf\xc3\xa9\"", 1, "\"caf\xc3\xa9\"",
	    "\"caf\\303\\251\"");
	roundtrip("\"it's\"", 1, "\"it's\"", "\"it's\"");
	/* New syntax: C escapes, octal, concatenation. */
	roundtrip("\"a\\n\\t\\\\b\\x\\101\\7\"", 0, "\"a\n\t\\bxA\a\"",
	    "\"a\\n\\t\\\\bxA\\a\"");
	roundtrip("\"ab\"  \"cd\"", 0, "\"abcd\"", "\"abcd\"");
	roundtrip("\"\\377\"", 0, NULL, "\"\\377\"");
	roundtrip("\"\\400\"", 0, NULL, "\" 0\"");

	/* Errors say where. */
	bad("", 1, 0);
	bad("   ", 1, 3);
	bad("a +", 1, 3);
	bad("(a", 1, 2);
	bad("a b", 1, 2);
	bad("f(1,)", 1, 4);
	bad("{1,}", 1, 3);
	bad("\"abc", 1, 0);
	bad("0x1F", 1, 0);
	bad("012", 1, 0);
	bad("5.", 1, 0);
	bad("1e", 1, 0);
	bad("99999999999999999999", 1, 0);
	bad("a @ b", 1, 2);
	bad("[ a = 1 b = 2 ]", 1, 8);
	bad("[ 1 = 2 ]", 1, 2);
	bad("a ? b", 1, 5);
	bad("x =? y", 1, 2);
	bad("a /* open", 1, 2);
	bad("\"\\0\"", 0, 0);
	bad("a.1", 1, 1);
	bad("a\xff", 1, 1);
}

/* Constructors, copies and values written on their own. */
static void
test_values(void)
{
	struct classad_expr *e = NULL, *c;
	struct buf b = BUF_INIT, b2 = BUF_INIT;
	char err[256];
	const char *s;
	size_t n;

	tap_ok(classad_expr_string("a\0b", 3) == NULL,
	    "a string with a NUL byte is refused");
	e = classad_expr_string("x\"y", 3);
	tap_ok(e != NULL && classad_expr_type(e) == CLASSAD_STRING &&
	    classad_expr_get_string(e, &s, &n) == 0 && n == 3 &&
	    strcmp(s, "x\"y") == 0, "string constructor");
	classad_expr_free(e);
	tap_ok(classad_parse_expr("[ b = { 1, x + 1 }; a = \"caf\xc3\xa9\" ]",
	    1, &e, err, sizeof(err)) == 0, "parse a record");
	c = classad_expr_copy(e);
	classad_unparse_old(e, &b);
	classad_unparse_old(c, &b2);
	tap_ok(c != NULL && strcmp(buf_str(&b), buf_str(&b2)) == 0,
	    "a copy unparses the same");
	tap_ok(classad_expr_type(c) == CLASSAD_RECORD,
	    "a record's type");
	buf_reset(&b);
	tap_ok(classad_json_write_value(c, 1, classad_json_buf_writer, &b) ==
	    0 && strcmp(buf_str(&b), "{\n    \"a\": \"caf\xc3\xa9\",\n"
	    "    \"b\": [\n      1,\n      \"\\/Expr(x + 1)\\/\"\n    ]\n"
	    "  }") == 0, "JSON of a value at indent 1");
	classad_expr_free(e);
	classad_expr_free(c);
	buf_reset(&b);
	tap_ok(classad_parse_expr("Owner == \"caf\xc3\xa9\"", 1, &e, err,
	    sizeof(err)) == 0 && classad_json_write_value(e, 0,
	    classad_json_buf_writer, &b) == 0 && strcmp(buf_str(&b),
	    "\"\\/Expr(Owner == \\\"caf\\\\303\\\\251\\\")\\/\"") == 0,
	    "UTF-8 inside an expression: new-syntax octal, then JSON");
	classad_expr_free(e);
	buf_reset(&b);
	tap_ok(classad_format_real_old(1e20, &b) == 0 &&
	    strcmp(buf_str(&b), "1E+20") == 0, "format real 1e20");
	buf_reset(&b);
	classad_format_real_old(3.0, &b);
	tap_ok(strcmp(buf_str(&b), "3.0") == 0, "format real 3.0");
	buf_free(&b);
	buf_free(&b2);
	/* Where HTCondor's text would not read back, ours does. */
	roundtrip("2 .x", 1, "2 .x", "2 .x");
	roundtrip("a.'odd name'", 1, "a.'odd name'", NULL);
	roundtrip("'odd fn'(1)", 1, "'odd fn'(1)", NULL);
}

/* Deep nesting is refused with an error, never a crash. */
static void
test_limits(void)
{
	struct buf b = BUF_INIT;
	struct classad_expr *e = NULL;
	char err[256];
	size_t off;
	int i;

	for (i = 0; i < 100000; i++)
		buf_addc(&b, '(');
	buf_addc(&b, '1');
	for (i = 0; i < 100000; i++)
		buf_addc(&b, ')');
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == -1 && strstr(err, "deeply") != NULL,
	    "100000 parentheses rejected (%s)", err);
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "!");
	buf_adds(&b, "x");
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == -1, "100000 unary operators rejected");
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "[a=");
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == -1, "100000 nested records rejected");
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "{");
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == -1, "100000 nested lists rejected");
	buf_reset(&b);
	buf_adds(&b, "x");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "+x");
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == -1 && strstr(err, "deeply") != NULL,
	    "a chain of 100000 '+' rejected (%s)", err);
	buf_reset(&b);
	buf_adds(&b, "x");
	for (i = 0; i < 1000; i++)
		buf_adds(&b, " || x");
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == 0, "a chain of 1000 '||' accepted");
	classad_expr_free(e);
	e = NULL;
	buf_reset(&b);
	for (i = 0; i < 50; i++)
		buf_addc(&b, '(');
	buf_addc(&b, '1');
	for (i = 0; i < 50; i++)
		buf_addc(&b, ')');
	tap_ok(classad_parse_exprn(b.data, b.len, 1, &e, &off, err,
	    sizeof(err)) == 0, "50 parentheses accepted");
	classad_expr_free(e);
	buf_free(&b);
}

static int
count_writer(void *ctx, const void *p, size_t n)
{
	(void)p;
	*(size_t *)ctx += n;
	return 0;
}

static int
failing_writer(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return -1;
}

/* HTCondor writes string bytes through as they are, so an ill-formed
 * UTF-8 value made its JSON unparseable; ours has U+FFFD (its three
 * bytes) for each maximal ill-formed subpart, and valid text unchanged
 * (the conformance pairs above pin that byte for byte). */
#define FFFD	"\xef\xbf\xbd"
static void
test_json_utf8(struct buf *b)
{
	static const struct {
		const char	*in, *out, *name;
	} cases[] = {
		{ "\xff", FFFD, "a byte never in UTF-8" },
		{ "a\x80" "b", "a" FFFD "b", "a stray continuation byte" },
		{ "a\xe2\x82", "a" FFFD, "a sequence truncated by the end" },
		{ "\xe2\x82\n", FFFD "\\n",
		    "a sequence truncated by an escaped byte" },
		{ "\xf0\x9f\x98\xc3\xa9", FFFD "\xc3\xa9",
		    "a truncated 4-byte sequence, then a valid one" },
		{ "\xc0\xaf", FFFD FFFD, "an overlong '/'" },
		{ "\xe0\x80\xaf", FFFD FFFD FFFD, "an overlong 3-byte form" },
		{ "\xed\xa0\x80", FFFD FFFD FFFD, "a surrogate" },
		{ "\xf4\x90\x80\x80", FFFD FFFD FFFD FFFD, "past U+10FFFF" },
		{ "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f",
		    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\x7f",
		    "valid 2-, 3- and 4-byte sequences and DEL unchanged" },
	};
	struct classad		*ad;
	char			 want[64], err[128];
	size_t			 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_reset(b);
		snprintf(want, sizeof(want), "\"%s\"", cases[i].out);
		tap_ok(classad_json_write_string(cases[i].in,
		    strlen(cases[i].in), classad_json_buf_writer, b) == 0 &&
		    strcmp(buf_str(b), want) == 0, "JSON string: %s",
		    cases[i].name);
	}
	/* A string attribute of a job ad, as a listing writes it. */
	ad = classad_new();
	buf_reset(b);
	tap_ok(ad != NULL && classad_insert_wire_literal(ad,
	    "Cmd = \"/bin/\xe2\x82\"", err, sizeof(err)) == 0 &&
	    classad_json_write_ad(ad, NULL, classad_json_buf_writer, b) == 0 &&
	    strstr(buf_str(b), "\"Cmd\": \"/bin/" FFFD "\"") != NULL,
	    "JSON ad: a truncated sequence in a string attribute");
	classad_free(ad);
	buf_reset(b);
	tap_ok(classad_json_write_string("\xc3\xa9", 1,
	    classad_json_buf_writer, b) == 0 && strcmp(buf_str(b),
	    "\"" FFFD "\"") == 0, "JSON string: cut by its length");
}

static void
test_ad(void)
{
	struct classad *ad = classad_new();
	struct buf b = BUF_INIT;
	const char *s = NULL;
	int64_t i = 0;
	double r = 0;
	int v = 0;
	char err[256];
	size_t n = 0;
	const char *proj[] = { "owner", "ClaimId", "Nope", "ClusterId",
	    "OWNER" };
	struct classad_json_opts o = { proj, 5, 0 };

	tap_ok(ad != NULL, "classad_new");
	tap_ok(classad_insert_wire(ad, "Owner = \"alice\"", err,
	    sizeof(err)) == 0, "insert wire string");
	tap_ok(classad_insert_wire(ad, "ClusterId=12", err, sizeof(err)) ==
	    0, "insert wire int without blanks");
	tap_ok(classad_insert_wire(ad, "  Rank =  1.5  ", err,
	    sizeof(err)) == 0, "insert wire real with blanks");
	tap_ok(classad_insert_wire(ad, "ClaimId = \"secret\"", err,
	    sizeof(err)) == 0, "insert private attribute");
	tap_ok(classad_insert_wire(ad, "Req = a &&", err, sizeof(err)) ==
	    -1 && strncmp(err, "offset 10:", 10) == 0,
	    "bad wire line: error offset in the line (%s)", err);
	tap_ok(classad_insert_wire(ad, "no equals", err, sizeof(err)) == -1,
	    "wire line without '='");
	tap_ok(classad_insert_wire(ad, " = 1", err, sizeof(err)) == -1,
	    "wire line without name");
	tap_ok(classad_insert_bool(ad, "Flag", 1) == 0 &&
	    classad_insert_undefined(ad, "U") == 0 &&
	    classad_insert_int(ad, "Big", INT64_MIN) == 0 &&
	    classad_insert_real(ad, "R2", 2.0) == 0 &&
	    classad_insert_string(ad, "S", "x\"y") == 0,
	    "typed inserts");
	tap_ok(classad_insert_expr(ad, "E", "ClusterId > 3 && Owner == "
	    "\"bob\"", err, sizeof(err)) == 0, "insert expression");
	tap_ok(classad_insert_expr(ad, "E2", "ClusterId >", err,
	    sizeof(err)) == -1, "insert bad expression fails (%s)", err);
	tap_ok(classad_insert_int(ad, "bad name", 1) == -1,
	    "insert with a blank in the name fails");
	tap_ok(classad_lookup_string(ad, "OWNER", &s) == 0 &&
	    strcmp(s, "alice") == 0, "lookup string, any case");
	tap_ok(classad_lookup_int(ad, "clusterid", &i) == 0 && i == 12,
	    "lookup int");
	tap_ok(classad_lookup_real(ad, "Rank", &r) == 0 && r == 1.5,
	    "lookup real");
	tap_ok(classad_lookup_real(ad, "ClusterId", &r) == 0 && r == 12.0,
	    "lookup real of an int");
	tap_ok(classad_lookup_bool(ad, "flag", &v) == 0 && v == 1,
	    "lookup bool");
	tap_ok(classad_lookup_int(ad, "Owner", &i) == -1,
	    "lookup int of a string fails");
	tap_ok(classad_lookup_string(ad, "Missing", &s) == -1,
	    "lookup of an absent name fails");
	tap_ok(classad_lookup_int(ad, "Big", &i) == 0 && i == INT64_MIN,
	    "INT64_MIN kept");
	tap_ok(classad_count(ad) == 10, "count is 10 (%zu)",
	    classad_count(ad));
	tap_ok(strcmp(classad_name_at(ad, 0), "Owner") == 0 &&
	    strcmp(classad_name_at(ad, 2), "Rank") == 0,
	    "insertion order kept");
	tap_ok(classad_insert_wire(ad, "OWNER = \"bob\"", err,
	    sizeof(err)) == 0 && classad_count(ad) == 10 &&
	    classad_lookup_string(ad, "owner", &s) == 0 &&
	    strcmp(s, "bob") == 0 &&
	    strcmp(classad_name_at(ad, 0), "Owner") == 0,
	    "a repeated name replaces the value in place");
	buf_reset(&b);
	tap_ok(classad_unparse_attr_old(ad, 9, &b) == 0 &&
	    strcmp(buf_str(&b), "E = ClusterId > 3 && Owner == \"bob\"") == 0,
	    "unparse attr old: %s", buf_str(&b));
	buf_reset(&b);
	tap_ok(classad_unparse_attr_old(ad, 8, &b) == 0 &&
	    strcmp(buf_str(&b), "S = \"x\\\"y\"") == 0,
	    "unparse string attr old: %s", buf_str(&b));
	tap_ok(classad_delete(ad, "rank") == 0 && classad_count(ad) == 9 &&
	    classad_index(ad, "Rank") == -1 &&
	    classad_index(ad, "Flag") == 3 &&
	    classad_lookup_bool(ad, "Flag", &v) == 0,
	    "delete keeps order and index");
	tap_ok(classad_delete(ad, "rank") == -1, "delete absent");
	buf_reset(&b);
	tap_ok(classad_json_write_ad(ad, &o, classad_json_buf_writer, &b) ==
	    0 && strcmp(buf_str(&b), "{\n  \"ClusterId\": 12,\n"
	    "  \"Owner\": \"bob\"\n}") == 0,
	    "JSON projection, private dropped, sorted");
	buf_reset(&b);
	classad_json_write_ad(ad, NULL, classad_json_buf_writer, &b);
	tap_ok(strstr(buf_str(&b), "ClaimId") == NULL &&
	    strstr(buf_str(&b), "\"Big\": -9223372036854775808,") != NULL &&
	    strstr(buf_str(&b), "\"U\": null\n}") != NULL &&
	    strstr(buf_str(&b), "\"R2\": 2.0,") != NULL &&
	    strstr(buf_str(&b), "\"E\": \"\\/Expr(ClusterId > 3 && Owner "
	    "== \\\"bob\\\")\\/\"") != NULL,
	    "JSON of the whole ad");
	n = 0;
	tap_ok(classad_json_write_ad(ad, NULL, count_writer, &n) == 0 &&
	    n == b.len, "JSON through a counting writer");
	tap_ok(classad_json_write_ad(ad, NULL, failing_writer, NULL) == -1,
	    "a failing writer stops the JSON writer");
	classad_free(ad);

	/* The handshake reader: literals only. */
	ad = classad_new();
	tap_ok(classad_insert_wire_literal(ad, "A = \"x\"", err,
	    sizeof(err)) == 0 && classad_insert_wire_literal(ad, "B = -3",
	    err, sizeof(err)) == 0, "literal lines accepted");
	tap_ok(classad_insert_wire_literal(ad, "C = 1 + 2", err,
	    sizeof(err)) == -1 && classad_insert_wire_literal(ad,
	    "D = { 1 }", err, sizeof(err)) == -1,
	    "expressions and lists refused by the literal reader");
	classad_free(ad);

	/* An empty list of ads and a JSON string. */
	{
		struct classad_json_list l;

		buf_reset(&b);
		classad_json_list_init(&l, classad_json_buf_writer, &b, NULL);
		tap_ok(classad_json_list_end(&l) == 0 &&
		    strcmp(buf_str(&b), "[\n]\n") == 0, "empty JSON list");
	}
	buf_reset(&b);
	tap_ok(classad_json_write_string("a/\x01\x1b\x7f\"\\\n\xc3\xa9", 10,
	    classad_json_buf_writer, &b) == 0 && strcmp(buf_str(&b),
	    "\"a/\\u0001\\u001B\x7f\\\"\\\\\\n\xc3\xa9\"") == 0,
	    "JSON string escaping");
	test_json_utf8(&b);
	tap_ok(classad_attr_is_private("_CONDOR_PRIVfoo") &&
	    classad_attr_is_private("transferkey") &&
	    !classad_attr_is_private("Owner"), "private attribute names");
	buf_free(&b);
}

/* Old text -> parse -> old text is stable for the corpus's kinds. */
static void
test_read(void)
{
	const char *text = "# c\nA = 1\n  # c\nB = \"x\"\r\n\n\nC = 2\n";
	struct classad *ad;
	size_t used, pos = 0;
	char err[256];

	tap_ok(classad_read_long(text, strlen(text), &used, &ad, err,
	    sizeof(err)) == 1 && classad_count(ad) == 2,
	    "read_long: first ad");
	classad_free(ad);
	pos += used;
	tap_ok(classad_read_long(text + pos, strlen(text) - pos, &used, &ad,
	    err, sizeof(err)) == 1 && classad_count(ad) == 1,
	    "read_long: second ad");
	classad_free(ad);
	pos += used;
	tap_ok(classad_read_long(text + pos, strlen(text) - pos, &used, &ad,
	    err, sizeof(err)) == 0, "read_long: end");
	text = "A = 1\nIntHex = 0x1F\n";
	tap_ok(classad_read_long(text, strlen(text), &used, &ad, err,
	    sizeof(err)) == -1 && strstr(err, "line 2") != NULL,
	    "read_long: 0x1F refused (%s)", err);
}

int
main(void)
{
	test_conformance();
	test_parser();
	test_limits();
	test_values();
	test_ad();
	test_read();
	return tap_done();
}
