/*
 * fuzz_classad.c — arbitrary bytes as an expression (both syntaxes) and
 * as a -long ad: unparse both ways, parse the unparsed text again (it must
 * parse), and convert to JSON.  Crashes, leaks and failed re-parses are
 * the findings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "classad/classad.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
sink(void *ctx, const void *p, size_t n)
{
	(void)ctx;
	(void)p;
	(void)n;
	return 0;
}

/* Unparse E in syntax OLD into B, parse B again (it must parse) and
 * return the new tree. */
static struct classad_expr *
again(const struct classad_expr *e, int old, struct buf *b)
{
	struct classad_expr *e2 = NULL;
	char err[256];

	buf_reset(b);
	if ((old ? classad_unparse_old(e, b) : classad_unparse_new(e, b)) ==
	    -1)
		abort();
	if (classad_parse_exprn(b->data, b->len, old ? CLASSAD_OLD_SYNTAX :
	    CLASSAD_NEW_SYNTAX, &e2, NULL, err, sizeof(err)) == -1)
		abort();
	return e2;
}

/* E's unparse must parse again, and so must the unparse of that.  The
 * text need not be stable: each round may fold a unary minus into the
 * literal after it (" -5" is read back as the literal -5), and a huge
 * real printed with 16 digits may come back as real("INF"). */
static void
round_syntax(const struct classad_expr *e, int old)
{
	struct classad_expr *e2;
	struct buf b = BUF_INIT;

	/* Old syntax cannot spell a backslash before a quote that is not
	 * the last byte; such strings are left out. */
	if (old) {
		if (classad_unparse_old(e, &b) == -1)
			abort();
		if (memchr(b.data, '\\', b.len) != NULL) {
			buf_free(&b);
			return;
		}
	}
	e2 = again(e, old, &b);
	classad_expr_free(again(e2, old, &b));
	classad_expr_free(e2);
	buf_free(&b);
}

static void
expr_round(const char *text, size_t len, int flags)
{
	struct classad_expr *e = NULL;
	char err[256];
	size_t off;

	if (classad_parse_exprn(text, len, flags, &e, &off, err,
	    sizeof(err)) == -1) {
		if (off > len)
			abort();
		return;
	}
	round_syntax(e, 0);
	round_syntax(e, 1);
	classad_json_write_value(e, 1, sink, NULL);
	classad_expr_free(e);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct classad *ad;
	struct buf b = BUF_INIT;
	const char *text = (const char *)data;
	size_t pos = 0, used, i;
	char err[256];
	int r;

	expr_round(text, size, CLASSAD_OLD_SYNTAX);
	expr_round(text, size, CLASSAD_NEW_SYNTAX);
	while (pos < size) {
		r = classad_read_long(text + pos, size - pos, &used, &ad, err,
		    sizeof(err));
		if (r != 1)
			break;
		pos += used;
		for (i = 0; i < classad_count(ad); i++) {
			buf_reset(&b);
			if (classad_unparse_attr_old(ad, i, &b) == -1)
				abort();
		}
		classad_write_long(ad, 1, &b);
		classad_json_write_ad(ad, NULL, sink, NULL);
		classad_free(ad);
	}
	buf_free(&b);
	return 0;
}
