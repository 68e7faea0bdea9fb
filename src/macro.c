/*
 * macro.c — macro syntax shared by the configuration and submit
 * languages.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "macro.h"

int
macro_is_idchar(int c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '.' || c == '/';
}

enum macro_fn
macro_func_id(const char *p, size_t len)
{
	static const struct {
		const char	*name;
		enum macro_fn	 id;
	} fn[] = {
		{ "$ENV", MACRO_ENV }, { "$RANDOM_CHOICE", MACRO_RANDOM_CHOICE },
		{ "$RANDOM_INTEGER", MACRO_RANDOM_INTEGER },
		{ "$CHOICE", MACRO_CHOICE }, { "$SUBSTR", MACRO_SUBSTR },
		{ "$INT", MACRO_INT }, { "$REAL", MACRO_REAL },
		{ "$STRING", MACRO_STRING }, { "$EVAL", MACRO_EVAL },
		{ "$BASENAME", MACRO_BASENAME }, { "$DIRNAME", MACRO_DIRNAME },
	};
	size_t	i;

	if (len <= 1)
		return MACRO_NONE;
	if (p[1] == 'F') {
		for (i = 2; i < len; i++)
			if (strchr("pnxdqabfwu", p[i] | 0x20) == NULL)
				break;
		if (i == len)
			return MACRO_FILENAME;
	}
	for (i = 0; i < sizeof(fn) / sizeof(fn[0]); i++)
		if (strlen(fn[i].name) == len && strncmp(p, fn[i].name, len) == 0)
			return fn[i].id;
	return MACRO_NONE;
}

int
macro_splice(char **s, size_t from, size_t to, const char *rep, size_t n,
    size_t max)
{
	struct buf	 b = BUF_INIT;
	size_t		 len = strlen(*s);
	char		*t;

	if (len - (to - from) + n > max)
		return -1;
	b.cap = max + 1;
	buf_add(&b, *s, from);
	buf_add(&b, rep, n);
	buf_adds(&b, *s + to);
	if (b.failed) {
		buf_free(&b);
		return -2;
	}
	if ((t = buf_take(&b)) == NULL)
		return -2;
	free(*s);
	*s = t;
	return 0;
}
