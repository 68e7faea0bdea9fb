/*
 * lex.c — physical and logical lines of a submit description
 * (HTCondor's config.cpp), read the way HTCondor's getline_implementation()
 * reads them with the "new comment" options: each physical line is
 * trimmed on both sides; a trailing backslash joins the next line with
 * no separator; a line starting with '#' never continues; a '#' line met
 * inside a continuation counts as blank except for its last character,
 * so a comment without a trailing backslash ends the continuation.
 */
#include <ctype.h>
#include <string.h>

#include "util/buf.h"
#include "submit/submit_int.h"

/* Read one physical line of SRC (without its newline) into [*P, *P+*N);
 * 0 at the end of the source. */
static int
physical(struct ssrc *src, const char **p, size_t *n)
{
	const char	*s, *nl;

	if (src->pos >= src->len)
		return 0;
	s = src->text + src->pos;
	nl = memchr(s, '\n', src->len - src->pos);
	*p = s;
	*n = nl != NULL ? (size_t)(nl - s) : src->len - src->pos;
	src->pos += *n + (nl != NULL);
	src->line++;
	return 1;
}

/* Read one logical line into LINE: 1, or 0 at the end of the source, or
 * -1 when the joined line would exceed SUBMIT_MAX_LINE. */
int
sub_getline(struct ssrc *src, struct buf *line)
{
	const char	*p;
	size_t		 n, start;
	int		 comment, got = 0;

	buf_reset(line);
	line->cap = SUBMIT_MAX_LINE;
	while (physical(src, &p, &n)) {
		got = 1;
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		while (n > 0 && isspace((unsigned char)*p)) {
			p++;
			n--;
		}
		start = line->len;
		comment = n > 0 && *p == '#';
		if (comment && start > 0) {
			/* inside a continuation: whitespace but the last byte */
			p += n - 1;
			n = 1;
			comment = 0;
		}
		if (buf_add(line, p, n) == -1)
			return -1;
		if (line->len > 0 && line->data[line->len - 1] == '\\') {
			line->data[--line->len] = '\0';
			if (!comment)
				continue;
		}
		return 1;
	}
	return got;
}
