/*
 * names.h — case-insensitive names, as HTCondor compares configuration
 * macros, submit macros and ClassAd attributes: one hash and one
 * comparison for all three, and the name = string table that the
 * configuration and the submit reader keep their macros in.
 */
#ifndef NAMES_H
#define NAMES_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over the ASCII-lower-cased bytes S[0..N), continuing from H
 * (NAMES_HASH_INIT to start), so "PREFIX" "." "NAME" hash as one name. */
#define NAMES_HASH_INIT	2166136261u
uint32_t names_hash(uint32_t h, const char *s, size_t n);

/* Are A[0..N) and B[0..N) the same name, ignoring ASCII case? */
int	 names_equal(const char *a, const char *b, size_t n);

/* A table of name = value strings, open addressing.  Iterate over E[0..CAP)
 * skipping entries whose KEY is NULL.  A name keeps the spelling of its
 * first definition. */
struct names_entry {
	char	*key;
	char	*val;
};
struct names {
	struct names_entry *e;
	size_t		 cap;		/* slots, a power of two (or 0) */
	size_t		 n;		/* names defined */
	size_t		 max;		/* most names taken; 0 = no bound */
};

/* Define NAME = VAL (copies).  0, or -1 when memory or MAX ran out. */
int	 names_set(struct names *t, const char *name, const char *val);

/* The entry of "PREFIX.NAME" (PREFIX may be NULL), or NULL. */
struct names_entry *names_find(const struct names *t, const char *prefix,
	    const char *name);

/* The value of NAME, or NULL when it was never defined. */
const char *names_get(const struct names *t, const char *name);

void	 names_free(struct names *t);

#endif
