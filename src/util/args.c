/*
 * args.c — splitting and quoting job arguments and environments in
 * HTCondor's V1 and V2 forms (condor_arglist.cpp split_args and
 * AppendArgsV1Raw_unix, env.cpp ReadFromDelimitedString), for the submit
 * reader and the demo schedd's job runner alike.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/args.h"
#include "util/bounds.h"
#include "util/buf.h"

/* Kept NULL-terminated after every add, so V is ready for execve. */
int
strv_add(struct strv *l, const char *p, size_t n)
{
	char	**nv;

	if (l->n + 2 > ARGS_MAX_WORDS ||
	    (nv = reallocarray(l->v, l->n + 2, sizeof(*nv))) == NULL)
		return -1;
	l->v = nv;
	if ((l->v[l->n] = strndup(p, n)) == NULL)
		return -1;
	l->v[++l->n] = NULL;
	return 0;
}

/* Free every string and the vector. */
void
strv_free(struct strv *l)
{
	while (l->n > 0)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

/* The blanks of condor_arglist.cpp: a newline separates words too. */
int
args_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The forms words are written in. */
enum form { V1_RAW, V1_WACKED, V2 };

/* Add the quoting construct at *PP (form F) to word A, moving *PP past
 * it: 1 when there was one, 0 when *PP is a plain character, -1 with ERR
 * for a malformed one. */
static int
quoted(enum form f, const char **pp, struct buf *a, char *err,
    size_t errlen)
{
	const char	*p = *pp;

	if (f == V1_WACKED && *p == '\\' && p[1] == '"') {
		buf_addc(a, '"');
		*pp = p + 2;
		return 1;
	}
	if (f == V1_WACKED && *p == '"') {
		snprintf(err, errlen, "Found illegal unescaped double-quote: "
		    "%s", p);
		return -1;
	}
	if (f != V2 || *p != '\'')
		return 0;
	for (p++;; p++) {
		if (*p == '\0') {
			snprintf(err, errlen, "Unbalanced single-quote.");
			return -1;
		}
		if (*p == '\'' && p[1] != '\'')
			break;
		if (*p == '\'')
			p++;
		buf_addc(a, *p);
	}
	*pp = p + 1;
	return 1;
}

/* The one splitter: blanks separate words, form F says what quotes. */
static int
split_words(const char *p, enum form f, struct strv *out, char *err,
    size_t errlen)
{
	struct buf	 a = BUF_INIT;
	int		 q, rc = -1;

	for (;;) {
		while (args_blank((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		buf_reset(&a);
		while (*p != '\0' && !args_blank((unsigned char)*p)) {
			if ((q = quoted(f, &p, &a, err, errlen)) == -1)
				goto out;
			if (q == 0)
				buf_addc(&a, *p++);
		}
		if (a.failed || strv_add(out, buf_str(&a), a.len) == -1) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	rc = 0;
out:
	buf_free(&a);
	return rc;
}

/* Arguments or Environment as the job ad holds them. */
int
args_split_v2(const char *raw, struct strv *out, char *err, size_t errlen)
{
	return split_words(raw, V2, out, err, errlen);
}

/* Args as the job ad holds it (raw), or as submit text gives it
 * (wacked). */
int
args_split_v1(const char *raw, int wacked, struct strv *out, char *err,
    size_t errlen)
{
	return split_words(raw, wacked ? V1_WACKED : V1_RAW, out, err,
	    errlen);
}

/* Env as the job ad holds it: an entry ends at DELIM or a newline and
 * may hold blanks (env.cpp ReadFromDelimitedString); empty ones are
 * skipped. */
int
env_split_v1(const char *p, int delim, struct strv *out, char *err,
    size_t errlen)
{
	size_t	 n;

	for (;;) {
		while (args_blank((unsigned char)*p))
			p++;
		if (*p == '\0')
			return 0;
		for (n = 0; p[n] != '\0' && p[n] != '\n' && p[n] != delim; n++)
			;
		if (n > 0 && strv_add(out, p, n) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		p += n;
		if (*p != '\0')
			p++;
	}
}

/* The form args_split_v2 reads back into the same word. */
void
args_quote_v2(struct buf *b, const char *arg)
{
	int	 inq = 0;

	if (*arg == '\0') {
		buf_adds(b, "''");
		return;
	}
	for (; *arg != '\0'; arg++) {
		if (args_blank((unsigned char)*arg) || *arg == '\'') {
			if (!inq) {
				buf_addc(b, '\'');
				inq = 1;
			}
			if (*arg == '\'')
				buf_adds(b, "''");
			else
				buf_addc(b, *arg);
		} else {
			if (inq) {
				buf_addc(b, '\'');
				inq = 0;
			}
			buf_addc(b, *arg);
		}
	}
	if (inq)
		buf_addc(b, '\'');
}
