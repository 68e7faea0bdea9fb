/*
 * read.c — ads in the text form of `condor_q -long` and of the files
 * `condor_q -jobads` reads: one "Name = expr" line per attribute (old
 * syntax), ads separated by an empty line; a line whose first non-blank
 * byte is '#' is a comment (HTCondor's CondorClassAdFileParseHelper).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classad/classad_impl.h"

/* Is the line a comment: '#' after optional blanks? */
static int
comment_line(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i < n && s[i] == '#';
}

/* Is the line [S, E) empty or only blanks? */
static int
blank_line(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			return 0;
	return 1;
}

int
classad_read_long(const char *text, size_t len, size_t *used,
    struct classad **out, char *err, size_t errlen)
{
	struct classad *ad = NULL;
	size_t pos = 0, n, cr, lineno = 0;
	const char *nl;
	char msg[300], dummy[1];

	*out = NULL;
	*used = 0;
	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	/* Skip the empty lines before the ad. */
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		if (!blank_line(text + pos, n) && !comment_line(text + pos, n))
			break;
		pos += n + (nl != NULL);
	}
	if (pos >= len) {
		*used = len;
		return 0;
	}
	if ((ad = classad_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	while (pos < len) {
		nl = memchr(text + pos, '\n', len - pos);
		n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (blank_line(text + pos, n)) {
			pos += n + (nl != NULL);
			break;
		}
		if (comment_line(text + pos, n)) {
			pos += n + (nl != NULL);
			continue;
		}
		cr = 0;
		if (n > 0 && text[pos + n - 1] == '\r') {
			n--;
			cr = 1;
		}
		if (classad_insert_wiren(ad, text + pos, n, msg,
		    sizeof(msg)) == -1) {
			snprintf(err, errlen, "line %zu of the ad: %s", lineno,
			    msg);
			classad_free(ad);
			return -1;
		}
		pos += n + cr + (nl != NULL);
	}
	*used = pos;
	*out = ad;
	return 1;
}

static int
name_cmp(const void *pa, const void *pb)
{
	return strcasecmp(*(const char *const *)pa, *(const char *const *)pb);
}

int
classad_write_long(const struct classad *ad, int sorted, struct buf *b)
{
	size_t n = classad_count(ad), i;
	const char **names;
	long at;
	int rc = 0;

	if ((names = calloc(n + 1, sizeof(*names))) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		names[i] = classad_name_at(ad, i);
	if (sorted)
		qsort(names, n, sizeof(*names), name_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		at = sorted ? classad_index(ad, names[i]) : (long)i;
		if (at < 0 ||
		    classad_unparse_attr_old(ad, (size_t)at, b) == -1 ||
		    buf_addc(b, '\n') == -1)
			rc = -1;
	}
	free(names);
	return rc;
}
