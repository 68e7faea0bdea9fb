/*
 * ad.c — the ClassAd: attributes in insertion order with unique,
 * case-insensitive names, found through an open-addressing hash index so
 * a job ad of hundreds of attributes is built and read in linear time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "classad/classad_impl.h"
#include "util/names.h"

struct attr {
	char			*name;
	size_t			 len;
	uint32_t		 hash;
	struct classad_expr	*e;
};

struct classad {
	struct attr	*v;
	size_t		 n, size;
	uint32_t	*tab;		/* attribute index + 1, 0 = empty */
	size_t		 tabsize;	/* a power of two, > 2 * n */
};

/* Is A named S[0..N), ignoring case? */
static int
name_eq(const struct attr *a, const char *s, size_t n)
{
	return a->len == n && names_equal(a->name, s, n);
}

struct classad *
classad_new(void)
{
	return calloc(1, sizeof(struct classad));
}

void
classad_free(struct classad *ad)
{
	size_t i;

	if (ad == NULL)
		return;
	for (i = 0; i < ad->n; i++) {
		free(ad->v[i].name);
		classad_expr_free(ad->v[i].e);
	}
	free(ad->v);
	free(ad->tab);
	free(ad);
}

/* The slot of NAME in the index: where it is, or the empty slot where it
 * would go. */
static size_t
slot_of(const struct classad *ad, const char *s, size_t n, uint32_t h)
{
	size_t mask = ad->tabsize - 1, i = h & mask;
	uint32_t k;

	while ((k = ad->tab[i]) != 0) {
		if (ad->v[k - 1].hash == h && name_eq(&ad->v[k - 1], s, n))
			return i;
		i = (i + 1) & mask;
	}
	return i;
}

/* Rebuild the index for at least NEED attributes. */
static int
reindex(struct classad *ad, size_t need)
{
	size_t size = 16, i;
	uint32_t *tab;

	while (size < 2 * need + 2)
		size *= 2;
	if ((tab = calloc(size, sizeof(*tab))) == NULL)
		return -1;
	free(ad->tab);
	ad->tab = tab;
	ad->tabsize = size;
	for (i = 0; i < ad->n; i++)
		ad->tab[slot_of(ad, ad->v[i].name, ad->v[i].len,
		    ad->v[i].hash)] = (uint32_t)(i + 1);
	return 0;
}

static long
find(const struct classad *ad, const char *name, size_t n)
{
	size_t s;

	if (ad == NULL || ad->n == 0 || name == NULL)
		return -1;
	s = slot_of(ad, name, n, names_hash(NAMES_HASH_INIT, name, n));
	return ad->tab[s] ? (long)ad->tab[s] - 1 : -1;
}

/* Attribute names: 1 to CLASSAD_MAX_NAME_LEN printable bytes other
 * than blanks, '=' and quotes, so every name can go back on the wire. */
static int
valid_name(const char *s, size_t n)
{
	size_t i;
	int c;

	if (n == 0 || n > CLASSAD_MAX_NAME_LEN)
		return 0;
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7f || c == '=' || c == '"' ||
		    c == '\'')
			return 0;
	}
	return 1;
}

/* Insert NAME (N bytes) = E, E owned by the ad from now on (freed here
 * on failure).  A name already present keeps its place. */
static int
insert(struct classad *ad, const char *name, size_t n,
    struct classad_expr *e)
{
	struct attr *a;
	uint32_t h;
	size_t s;
	char *copy;
	void *p;

	if (e == NULL || !valid_name(name, n))
		goto fail;
	h = names_hash(NAMES_HASH_INIT, name, n);
	if (ad->tabsize < 2 * (ad->n + 1) + 2 && reindex(ad, ad->n + 1) == -1)
		goto fail;
	s = slot_of(ad, name, n, h);
	if (ad->tab[s] != 0) {
		a = &ad->v[ad->tab[s] - 1];
		classad_expr_free(a->e);
		a->e = e;
		return 0;
	}
	if (ad->n >= CLASSAD_MAX_ATTRS)
		goto fail;
	if (ad->n == ad->size) {
		size_t nsize = ad->size ? ad->size * 2 : 32;

		if ((p = reallocarray(ad->v, nsize, sizeof(*ad->v))) == NULL)
			goto fail;
		ad->v = p;
		ad->size = nsize;
	}
	if ((copy = malloc(n + 1)) == NULL)
		goto fail;
	memcpy(copy, name, n);
	copy[n] = '\0';
	a = &ad->v[ad->n];
	a->name = copy;
	a->len = n;
	a->hash = h;
	a->e = e;
	ad->n++;
	ad->tab[s] = (uint32_t)ad->n;
	return 0;
fail:
	classad_expr_free(e);
	return -1;
}

int
classad_insert_parsed(struct classad *ad, const char *name,
    struct classad_expr *e)
{
	if (ad == NULL || name == NULL) {
		classad_expr_free(e);
		return -1;
	}
	return insert(ad, name, strlen(name), e);
}

int
classad_insert_string(struct classad *ad, const char *name,
    const char *value)
{
	if (value == NULL)
		return -1;
	return classad_insert_parsed(ad, name,
	    classad_expr_string(value, strlen(value)));
}

int
classad_insert_int(struct classad *ad, const char *name, int64_t v)
{
	return classad_insert_parsed(ad, name, classad_expr_int(v));
}

int
classad_insert_real(struct classad *ad, const char *name, double v)
{
	return classad_insert_parsed(ad, name, classad_expr_real(v));
}

int
classad_insert_bool(struct classad *ad, const char *name, int v)
{
	return classad_insert_parsed(ad, name, classad_expr_bool(v));
}

int
classad_insert_undefined(struct classad *ad, const char *name)
{
	return classad_insert_parsed(ad, name, classad_expr_undefined());
}

int
classad_insert_expr(struct classad *ad, const char *name, const char *text,
    char *err, size_t errlen)
{
	struct classad_expr *e;

	if (text == NULL || classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &e,
	    err, errlen) == -1)
		return -1;
	if (classad_insert_parsed(ad, name, e) == -1) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "cannot insert attribute "
			    "(bad name or out of memory)");
		return -1;
	}
	return 0;
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
	    c == '\v' || c == '\f';
}

/* Split a wire line at the first '=' into a trimmed name and the right
 * side; -1 when there is no '=' or no name. */
static int
split_line(const char *line, size_t len, size_t *nstart, size_t *nlen,
    size_t *rstart, char *err, size_t errlen)
{
	const char *eq;
	size_t s = 0, e;

	if ((eq = memchr(line, '=', len)) == NULL) {
		snprintf(err, errlen, "no '=' in attribute line");
		return -1;
	}
	e = (size_t)(eq - line);
	while (s < e && is_blank((unsigned char)line[s]))
		s++;
	while (e > s && is_blank((unsigned char)line[e - 1]))
		e--;
	if (!valid_name(line + s, e - s)) {
		snprintf(err, errlen, "bad attribute name in attribute line");
		return -1;
	}
	*nstart = s;
	*nlen = e - s;
	*rstart = (size_t)(eq - line) + 1;
	return 0;
}

int
classad_insert_wiren(struct classad *ad, const char *line, size_t len,
    char *err, size_t errlen)
{
	char dummy[1], msg[300];
	size_t ns, nl, rs, off;
	struct classad_expr *e;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (ad == NULL || line == NULL) {
		snprintf(err, errlen, "no ad or line");
		return -1;
	}
	if (split_line(line, len, &ns, &nl, &rs, err, errlen) == -1)
		return -1;
	if (classad_parse_exprn(line + rs, len - rs, CLASSAD_OLD_SYNTAX, &e,
	    &off, msg, sizeof(msg)) == -1) {
		/* Point into the line, not into the right side. */
		snprintf(err, errlen, "offset %zu: %s", rs + off,
		    strchr(msg, ':') != NULL ? strchr(msg, ':') + 2 : msg);
		return -1;
	}
	if (insert(ad, line + ns, nl, e) == -1) {
		snprintf(err, errlen, "cannot insert attribute (too many "
		    "attributes or out of memory)");
		return -1;
	}
	return 0;
}

int
classad_insert_wire(struct classad *ad, const char *line, char *err,
    size_t errlen)
{
	if (line == NULL)
		return classad_insert_wiren(ad, line, 0, err, errlen);
	return classad_insert_wiren(ad, line, strlen(line), err, errlen);
}

int
classad_insert_wire_literal(struct classad *ad, const char *line,
    char *err, size_t errlen)
{
	char dummy[1];
	size_t ns, nl, rs, len;
	struct classad_expr *e;
	enum classad_type t;

	if (err == NULL || errlen == 0) {
		err = dummy;
		errlen = sizeof(dummy);
	}
	if (ad == NULL || line == NULL) {
		snprintf(err, errlen, "no ad or line");
		return -1;
	}
	len = strlen(line);
	if (split_line(line, len, &ns, &nl, &rs, err, errlen) == -1)
		return -1;
	if (classad_parse_exprn(line + rs, len - rs, CLASSAD_OLD_SYNTAX, &e,
	    NULL, err, errlen) == -1)
		return -1;
	t = classad_expr_type(e);
	if (t == CLASSAD_LIST || t == CLASSAD_RECORD || t == CLASSAD_EXPR) {
		classad_expr_free(e);
		snprintf(err, errlen, "attribute value is not a literal");
		return -1;
	}
	if (insert(ad, line + ns, nl, e) == -1) {
		snprintf(err, errlen, "cannot insert attribute");
		return -1;
	}
	return 0;
}

const struct classad_expr *
classad_lookup(const struct classad *ad, const char *name)
{
	long i;

	if (name == NULL || (i = find(ad, name, strlen(name))) < 0)
		return NULL;
	return ad->v[i].e;
}

int
classad_lookup_string(const struct classad *ad, const char *name,
    const char **out)
{
	return classad_expr_get_string(classad_lookup(ad, name), out, NULL);
}

int
classad_lookup_int(const struct classad *ad, const char *name,
    int64_t *out)
{
	return classad_expr_get_int(classad_lookup(ad, name), out);
}

int
classad_lookup_real(const struct classad *ad, const char *name,
    double *out)
{
	return classad_expr_get_real(classad_lookup(ad, name), out);
}

int
classad_lookup_bool(const struct classad *ad, const char *name, int *out)
{
	return classad_expr_get_bool(classad_lookup(ad, name), out);
}

int
classad_delete(struct classad *ad, const char *name)
{
	size_t k;
	long i;

	if (name == NULL || (i = find(ad, name, strlen(name))) < 0)
		return -1;
	free(ad->v[i].name);
	classad_expr_free(ad->v[i].e);
	memmove(&ad->v[i], &ad->v[i + 1],
	    (ad->n - (size_t)i - 1) * sizeof(*ad->v));
	ad->n--;
	/* Indexes after I moved down by one: rebuild the index. */
	memset(ad->tab, 0, ad->tabsize * sizeof(*ad->tab));
	for (k = 0; k < ad->n; k++)
		ad->tab[slot_of(ad, ad->v[k].name, ad->v[k].len,
		    ad->v[k].hash)] = (uint32_t)(k + 1);
	return 0;
}

size_t
classad_count(const struct classad *ad)
{
	return ad != NULL ? ad->n : 0;
}

const char *
classad_name_at(const struct classad *ad, size_t i)
{
	if (ad == NULL || i >= ad->n)
		return NULL;
	return ad->v[i].name;
}

const struct classad_expr *
classad_expr_at(const struct classad *ad, size_t i)
{
	if (ad == NULL || i >= ad->n)
		return NULL;
	return ad->v[i].e;
}

long
classad_index(const struct classad *ad, const char *name)
{
	if (name == NULL)
		return -1;
	return find(ad, name, strlen(name));
}

int
classad_unparse_attr_old(const struct classad *ad, size_t i, struct buf *b)
{
	if (ad == NULL || i >= ad->n)
		return -1;
	buf_add(b, ad->v[i].name, ad->v[i].len);
	buf_adds(b, " = ");
	return classad_unparse_old(ad->v[i].e, b);
}

/* HTCondor's list (compat_classad.cpp ClassAdPrivateAttrs) plus the V2
 * rule: any name starting with _condor_priv. */
int
classad_attr_is_private(const char *name)
{
	static const char *const v1[] = {
		"Capability", "ChildClaimIds", "ClaimId", "ClaimIdList",
		"ClaimIds", "TransferKey"
	};
	size_t i;

	if (name == NULL)
		return 0;
	/* Every private name starts with c, t or _: most names stop here. */
	switch (name[0]) {
	case 'c': case 'C': case 't': case 'T': case '_':
		break;
	default:
		return 0;
	}
	if (strncasecmp(name, "_condor_priv", 12) == 0)
		return 1;
	for (i = 0; i < sizeof(v1) / sizeof(v1[0]); i++)
		if (strcasecmp(name, v1[i]) == 0)
			return 1;
	return 0;
}
