/*
 * test_util.c — the shared utilities.  macro_check_format and
 * macro_format take printf formats from configuration and from submit
 * text that arrives over the network ($INT(X,fmt), $REAL(X,fmt),
 * $STRING(X,fmt)), so what they refuse is pinned here: %n (a write
 * through a pointer), %* (a width read from a missing argument), %1$
 * (positional arguments), a second conversion, a conversion of the wrong
 * kind, widths beyond three digits.
 */
#include <string.h>

#include "util/args.h"
#include "util/buf.h"
#include "util/macro.h"
#include "tap.h"

#define INTS	"diouxX"
#define REALS	"eEfFgGaA"
#define STRS	"s"

/* Is FMT refused for the conversions CONVS? */
static int
refused(const char *fmt, const char *convs)
{
	struct buf	 pre = BUF_INIT, spec = BUF_INIT, post = BUF_INIT;
	struct buf	 out = BUF_INIT;
	int		 rc, frc;

	rc = macro_check_format(fmt, convs, &pre, &spec, &post);
	/* macro_format must agree and append nothing when it refuses. */
	frc = macro_format(&out, fmt, convs, 42, 1.5, "x");
	buf_free(&pre);
	buf_free(&spec);
	buf_free(&post);
	rc = rc == -1 && frc == -1 && out.len == 0;
	buf_free(&out);
	return rc;
}

/* What macro_format writes for FMT: the integer I, the real D or the
 * string S, by CONVS. */
static int
formats(const char *fmt, const char *convs, long long i, double d,
    const char *s, const char *want)
{
	struct buf	 out = BUF_INIT;
	int		 ok;

	ok = macro_format(&out, fmt, convs, i, d, s) == 0 &&
	    strcmp(buf_str(&out), want) == 0;
	if (!ok)
		tap_diag("\"%s\" gave \"%s\", want \"%s\"", fmt,
		    buf_str(&out), want);
	buf_free(&out);
	return ok;
}

/* Does FMT, a wide %e, write 1.5 as WIDTH bytes ending in TAIL? */
static int
wide(const char *fmt, size_t width, const char *tail)
{
	struct buf	 out = BUF_INIT;
	size_t		 n = strlen(tail);
	int		 ok;

	ok = macro_format(&out, fmt, REALS, 0, 1.5, NULL) == 0 &&
	    out.len == width &&
	    strcmp(buf_str(&out) + width - n, tail) == 0;
	buf_free(&out);
	return ok;
}

static void
refusals(void)
{
	tap_ok(refused("%n", INTS), "%%n is refused");
	tap_ok(refused("%d%n", INTS), "%%n after a conversion is refused");
	tap_ok(refused("%hhn", INTS), "%%hhn is refused");
	tap_ok(refused("%lln", INTS), "%%lln is refused");
	tap_ok(refused("%*d", INTS), "%%*d (width from an argument) is refused");
	tap_ok(refused("%.*f", REALS), "%%.*f (precision from an argument) is "
	    "refused");
	tap_ok(refused("%1$d", INTS), "%%1$d (positional) is refused");
	tap_ok(refused("%2$s", STRS), "%%2$s (positional) is refused");
	tap_ok(refused("%d %d", INTS), "two conversions are refused");
	tap_ok(refused("%s", INTS), "%%s for an integer is refused");
	tap_ok(refused("%d", STRS), "%%d for a string is refused");
	tap_ok(refused("%f", INTS), "%%f for an integer is refused");
	tap_ok(refused("%p", INTS), "%%p is refused");
	tap_ok(refused("no conversion", INTS), "a format without a "
	    "conversion is refused");
	tap_ok(refused("100%%", INTS), "only %%%% is no conversion: refused");
	tap_ok(refused("%", INTS), "a lone %% is refused");
	tap_ok(refused("%1000d", INTS), "a four-digit width is refused");
	tap_ok(refused("%.1000f", REALS), "a four-digit precision is refused");
}

static void
acceptances(void)
{
	struct buf	 pre = BUF_INIT, spec = BUF_INIT, post = BUF_INIT;

	tap_ok(formats("%d", INTS, 42, 0, NULL, "42"), "%%d");
	tap_ok(formats("%05d", INTS, 42, 0, NULL, "00042"), "%%05d");
	tap_ok(formats("[%-4x]", INTS, 42, 0, NULL, "[2a  ]"), "[%%-4x]");
	tap_ok(formats("%hd", INTS, 70000, 0, NULL, "70000"),
	    "%%hd: the user's length modifier is replaced by ll");
	tap_ok(formats("%d", INTS, -9223372036854775807LL - 1, 0, NULL,
	    "-9223372036854775808"), "%%d of the smallest long long");
	tap_ok(formats("100%% of %d", INTS, 3, 0, NULL, "100% of 3"),
	    "%%%% beside a conversion");
	tap_ok(formats("%.2f", REALS, 0, 3.14159, NULL, "3.14"), "%%.2f");
	tap_ok(wide("%999.3e", 999, "1.500e+00"), "%%999.3e: a three-digit "
	    "width");
	tap_ok(formats("<%5.2s>", STRS, 0, 0, "abc", "<   ab>"), "<%%5.2s>");
	tap_ok(macro_check_format("a%+5.2Lfb", REALS, &pre, &spec, &post) == 0 &&
	    strcmp(buf_str(&pre), "a") == 0 &&
	    strcmp(buf_str(&spec), "%+5.2f") == 0 &&
	    strcmp(buf_str(&post), "b") == 0,
	    "the format splits into text before, the conversion, text after");
	buf_free(&pre);
	buf_free(&spec);
	buf_free(&post);
}

/* The words SPLIT made of TEXT, joined with '|', equal WANT ("ERR: why"
 * when it failed). */
static int
split_is(int (*split)(const char *, struct strv *, char *, size_t),
    const char *text, const char *want)
{
	struct strv	 l = { NULL, 0 };
	struct buf	 b = BUF_INIT;
	char		 why[256];
	size_t		 i;
	int		 ok;

	if (split(text, &l, why, sizeof(why)) == -1)
		buf_addf(&b, "ERR: %s", why);
	else
		for (i = 0; i < l.n; i++)
			buf_addf(&b, "%s%s", i ? "|" : "", l.v[i]);
	ok = strcmp(buf_str(&b), want) == 0 && (l.n == 0 || l.v[l.n] == NULL);
	if (!ok)
		tap_diag("got <%s>, want <%s>", buf_str(&b), want);
	strv_free(&l);
	buf_free(&b);
	return ok;
}

static int
v1_raw(const char *t, struct strv *l, char *e, size_t n)
{
	return args_split_v1(t, 0, l, e, n);
}

static int
v1_wacked(const char *t, struct strv *l, char *e, size_t n)
{
	return args_split_v1(t, 1, l, e, n);
}

static int
env_semi(const char *t, struct strv *l, char *e, size_t n)
{
	return env_split_v1(t, ';', l, e, n);
}

/* The one splitter of arguments and environments (util/args.c), as
 * condor_arglist.cpp and env.cpp split them. */
static void
args_forms(void)
{
	struct buf	 b = BUF_INIT;

	tap_ok(split_is(args_split_v2, " one 'two three'\tfour'' ",
	    "one|two three|four"), "V2: blanks separate, quotes group");
	tap_ok(split_is(args_split_v2, "'it''s' '' a\nb", "it's||a|b"),
	    "V2: '' is a quote inside quotes, an empty word, a newline "
	    "separates");
	tap_ok(split_is(args_split_v2, "a 'b", "ERR: Unbalanced single-quote."),
	    "V2: an unbalanced quote is an error");
	tap_ok(split_is(v1_raw, " a\"b  'c d' ", "a\"b|'c|d'"),
	    "V1 raw (the job ad's Args): blanks only, nothing quotes");
	tap_ok(split_is(v1_wacked, "a\\\"b c", "a\"b|c"),
	    "V1 wacked (submit): \\\" is a quote");
	tap_ok(split_is(v1_wacked, "a\"b",
	    "ERR: Found illegal unescaped double-quote: \"b"),
	    "V1 wacked: a bare quote is an error");
	tap_ok(split_is(env_semi, " A=hello world; ;B=x y\nC=1;",
	    "A=hello world|B=x y|C=1"),
	    "V1 env: the delimiter or a newline separates, blanks do not");
	args_quote_v2(&b, "it's a");
	buf_adds(&b, " ");
	args_quote_v2(&b, "");
	buf_adds(&b, " ");
	args_quote_v2(&b, "x\ty");
	tap_ok(split_is(args_split_v2, buf_str(&b), "it's a||x\ty"),
	    "the canonical V2 form splits back into the same words");
	buf_free(&b);
}

int
main(void)
{
	refusals();
	acceptances();
	args_forms();
	return tap_done();
}
