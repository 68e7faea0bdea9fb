/*
 * names.c — case-insensitive names and the name = value table.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/names.h"

/* ASCII only: names are compared the same whatever the locale. */
static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

uint32_t
names_hash(uint32_t h, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (uint32_t)lower((unsigned char)s[i]);
		h *= 16777619u;
	}
	return h;
}

int
names_equal(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Does KEY spell "PREFIX.NAME"? */
static int
key_is(const char *key, const char *prefix, const char *name)
{
	size_t	 n;

	if (prefix != NULL) {
		n = strlen(prefix);
		if (!names_equal(key, prefix, n) || key[n] != '.')
			return 0;
		key += n + 1;
	}
	n = strlen(name);
	return names_equal(key, name, n) && key[n] == '\0';
}

/* The slot of "PREFIX.NAME": its entry, or the empty slot to fill. */
static struct names_entry *
slot(const struct names *t, const char *prefix, const char *name)
{
	uint32_t h = NAMES_HASH_INIT;
	size_t	 i;

	if (t->cap == 0)
		return NULL;
	if (prefix != NULL) {
		h = names_hash(h, prefix, strlen(prefix));
		h = names_hash(h, ".", 1);
	}
	i = names_hash(h, name, strlen(name)) & (t->cap - 1);
	while (t->e[i].key != NULL) {
		if (key_is(t->e[i].key, prefix, name))
			return &t->e[i];
		i = (i + 1) & (t->cap - 1);
	}
	return &t->e[i];
}

/* Double the slots (at least 64) and rehash: at most half are in use. */
static int
grow(struct names *t)
{
	struct names	 n = *t;
	size_t		 i;

	n.cap = t->cap ? t->cap * 2 : 64;
	if ((n.e = calloc(n.cap, sizeof(*n.e))) == NULL)
		return -1;
	for (i = 0; i < t->cap; i++)
		if (t->e[i].key != NULL)
			*slot(&n, NULL, t->e[i].key) = t->e[i];
	free(t->e);
	*t = n;
	return 0;
}

int
names_set(struct names *t, const char *name, const char *val)
{
	struct names_entry *e;
	char		*v;

	if ((v = strdup(val)) == NULL)
		return -1;
	if ((e = slot(t, NULL, name)) != NULL && e->key != NULL) {
		free(e->val);
		e->val = v;
		return 0;
	}
	if ((t->max != 0 && t->n >= t->max) ||
	    ((t->n + 1) * 2 > t->cap && grow(t) == -1)) {
		free(v);
		return -1;
	}
	e = slot(t, NULL, name);
	if ((e->key = strdup(name)) == NULL) {
		free(v);
		return -1;
	}
	e->val = v;
	t->n++;
	return 0;
}

struct names_entry *
names_find(const struct names *t, const char *prefix, const char *name)
{
	struct names_entry *e = slot(t, prefix, name);

	return e != NULL && e->key != NULL ? e : NULL;
}

const char *
names_get(const struct names *t, const char *name)
{
	const struct names_entry *e = names_find(t, NULL, name);

	return e != NULL ? e->val : NULL;
}

void
names_free(struct names *t)
{
	size_t	 i;

	for (i = 0; i < t->cap; i++) {
		free(t->e[i].key);
		free(t->e[i].val);
	}
	free(t->e);
	t->e = NULL;
	t->cap = t->n = 0;
}
