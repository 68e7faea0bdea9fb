/*
 * inputs.c — a job's input sandbox: the names its ad takes as input, the
 * canonical form of an uploaded name, the check of a staged tar against
 * both (before the schedd sees a byte), and the tar as the source the
 * schedd client uploads from.
 *
 * Memory stays small whatever the tar holds: names of entries are never
 * kept, only a 64-bit keyed hash of each entry and directory (8 bytes
 * in an open-addressing set), the key random per process so that nobody
 * can choose names that collide.  A file's data is read through a small
 * buffer and counted, so the byte cap holds after decompression.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "api/inputs.h"
#include "api/tar.h"
#include "classad/classad.h"
#include "util/bounds.h"
#include "util/buf.h"
#include "util/utf8.h"

/* Names a refusal lists before "and N more", and how much of each. */
#define LIST_MAX_NAMES	10
#define LIST_NAME_SHOWN	80
/* Most prefixes of a canonical name ("a/b/c": "a", "a/b", "a/b/c"). */
#define NAME_MAX_PREFIXES	(INPUT_MAX_NAME / 2 + 1)
/* The buffer a file's data is read through and thrown away. */
#define CHECK_READ_BUF	(16 * 1024)

struct input_names {
	char	**v;		/* sorted, each once */
	size_t	  n;
	char	 *exe;		/* the transferred executable, or NULL */
};

/* ---- the names a job takes ---- */

/* The last component of PATH[0..LEN) (LEN may be cut to drop trailing
 * slashes first). */
static const char *
base_name(const char *path, size_t *len)
{
	size_t i;

	while (*len > 0 && path[*len - 1] == '/')
		(*len)--;
	for (i = *len; i > 0 && path[i - 1] != '/'; i--)
		continue;
	*len -= i;
	return path + i;
}

/* Add NAME[0..LEN) unless empty.  0, or -1 (memory). */
static int
names_add(struct input_names *n, const char *name, size_t len)
{
	char **v;

	if (len == 0)
		return 0;
	if ((v = reallocarray(n->v, n->n + 1, sizeof(*v))) == NULL)
		return -1;
	n->v = v;
	if ((v[n->n] = strndup(name, len)) == NULL)
		return -1;
	n->n++;
	return 0;
}

/* A boolean attribute, DEF when absent or not a literal. */
static int
ad_bool(const struct classad *ad, const char *attr, int def)
{
	int v;

	return classad_lookup_bool(ad, attr, &v) == 0 ? v : def;
}

/* One transfer_input_files entry S[0..LEN): a URL is the execute side's
 * to fetch; "d/" names the directory d; with PreserveRelativePaths a
 * relative entry keeps its path (less a leading "./"). */
static int
names_add_input(struct input_names *n, const char *s, size_t len,
    int preserve)
{
	size_t blen;

	if (memmem(s, len, "://", 3) != NULL)
		return 0;
	while (len > 0 && s[len - 1] == '/')
		len--;
	if (preserve && len > 0 && s[0] != '/') {
		while (len >= 2 && s[0] == '.' && s[1] == '/') {
			s += 2;
			len -= 2;
			while (len > 0 && s[0] == '/')
				s++, len--;
		}
		return names_add(n, s, len);
	}
	blen = len;
	s = base_name(s, &blen);
	return names_add(n, s, blen);
}

/* Split TransferInput at commas, trimming the white space around each
 * entry as HTCondor does. */
static int
names_add_inputs(struct input_names *n, const char *list, int preserve)
{
	const char	*p = list, *end;
	size_t		 len;

	while (*p != '\0') {
		if ((end = strchr(p, ',')) == NULL)
			end = p + strlen(p);
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
		    *p == '\r'))
			p++;
		len = (size_t)(end - p);
		while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		    p[len - 1] == '\n' || p[len - 1] == '\r'))
			len--;
		if (names_add_input(n, p, len, preserve) == -1)
			return -1;
		p = *end == ',' ? end + 1 : end;
	}
	return 0;
}

static int
names_compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sort and drop repeats, so that two jobs' names compare as sets. */
static void
names_sort(struct input_names *n)
{
	size_t i, j;

	if (n->n == 0)
		return;
	qsort(n->v, n->n, sizeof(*n->v), names_compare);
	for (i = 1, j = 1; i < n->n; i++) {
		if (strcmp(n->v[i], n->v[j - 1]) == 0)
			free(n->v[i]);
		else
			n->v[j++] = n->v[i];
	}
	n->n = j;
}

int
input_names_from_ad(const struct classad *ad, struct input_names **out,
    char *err, size_t errlen)
{
	struct input_names	*n;
	const char		*s, *b;
	size_t			 len;
	int			 preserve;

	*out = NULL;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		goto nomem;
	if (classad_lookup_string(ad, "Cmd", &s) == 0 &&
	    ad_bool(ad, "TransferExecutable", 1)) {
		len = strlen(s);
		b = base_name(s, &len);
		if (len > 0 && ((n->exe = strndup(b, len)) == NULL ||
		    names_add(n, b, len) == -1))
			goto nomem;
	}
	if (classad_lookup_string(ad, "In", &s) == 0 && *s != '\0' &&
	    strcmp(s, "/dev/null") != 0 && ad_bool(ad, "TransferIn", 1)) {
		len = strlen(s);
		b = base_name(s, &len);
		if (names_add(n, b, len) == -1)
			goto nomem;
	}
	preserve = ad_bool(ad, "PreserveRelativePaths", 0);
	if (classad_lookup_string(ad, "TransferInput", &s) == 0 &&
	    names_add_inputs(n, s, preserve) == -1)
		goto nomem;
	names_sort(n);
	*out = n;
	return 0;
nomem:
	input_names_free(n);
	snprintf(err, errlen, "out of memory");
	return 500;
}

int
input_names_equal(const struct input_names *a, const struct input_names *b)
{
	size_t i;

	if (a->n != b->n || (a->exe == NULL) != (b->exe == NULL) ||
	    (a->exe != NULL && strcmp(a->exe, b->exe) != 0))
		return 0;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return 0;
	return 1;
}

size_t
input_names_count(const struct input_names *n)
{
	return n->n;
}

void
input_names_list(const struct input_names *n, struct buf *out)
{
	size_t i;

	for (i = 0; i < n->n; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		buf_adds(out, n->v[i]);
	}
}

void
input_names_free(struct input_names *n)
{
	size_t i;

	if (n == NULL)
		return;
	for (i = 0; i < n->n; i++)
		free(n->v[i]);
	free(n->v);
	free(n->exe);
	free(n);
}

/* ---- canonical names ---- */

int
input_name_check(const char *name, size_t len, char *why, size_t whylen)
{
	size_t i, start;

	if (len == 0) {
		snprintf(why, whylen, "the name is empty");
		return -1;
	}
	if (name[0] == '/') {
		snprintf(why, whylen, "the name is absolute");
		return -1;
	}
	if (name[len - 1] == '/')
		len--;
	if (len > INPUT_MAX_NAME) {
		snprintf(why, whylen, "the name is longer than %d bytes",
		    INPUT_MAX_NAME);
		return -1;
	}
	if (memchr(name, '\0', len) != NULL) {
		snprintf(why, whylen, "the name holds a NUL byte");
		return -1;
	}
	if (memchr(name, '\\', len) != NULL) {
		snprintf(why, whylen, "the name holds a backslash");
		return -1;
	}
	for (start = 0, i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		if (i == start) {
			snprintf(why, whylen, "the name has an empty "
			    "component");
			return -1;
		}
		if (name[start] == '.' && (i - start == 1 ||
		    (i - start == 2 && name[start + 1] == '.'))) {
			snprintf(why, whylen, "the name has a '%.*s' "
			    "component%s", (int)(i - start), name + start,
			    start == 0 && i == 1 ? " (make the tar from the "
			    "names themselves: tar -C DIR -cf - FILE..., not "
			    "'.')" : "");
			return -1;
		}
		start = i + 1;
	}
	return 0;
}

/* A name as messages show it: quoted, cut to LIST_NAME_SHOWN bytes, with
 * control characters and bytes that are not UTF-8 as \xNN. */
static void
add_shown_name(struct buf *b, const char *s, size_t len)
{
	size_t i, n;

	buf_addc(b, '"');
	for (i = 0; i < len && i < LIST_NAME_SHOWN; i += n) {
		n = utf8_sequence(s + i, len - i, NULL, NULL);
		if (n == 0 || (n == 1 && ((unsigned char)s[i] < 0x20 ||
		    s[i] == 0x7f || s[i] == '"' || s[i] == '\\'))) {
			buf_addf(b, "\\x%02x", (unsigned char)s[i]);
			n = 1;
		} else
			buf_add(b, s + i, n);
	}
	if (i < len)
		buf_adds(b, "...");
	buf_addc(b, '"');
}

/* A list of offending names in a message: the first few, then a count. */
struct name_list {
	struct buf	b;
	int64_t		shown;
	int64_t		more;
	size_t		budget;		/* bytes the shown names may take */
};

static void
name_list_add(struct name_list *l, const char *s, size_t len)
{
	if (l->shown >= LIST_MAX_NAMES || l->b.len >= l->budget) {
		l->more++;
		return;
	}
	if (l->shown > 0)
		buf_adds(&l->b, ", ");
	add_shown_name(&l->b, s, len);
	l->shown++;
}

/* "a, b and 3 more" */
static void
name_list_end(struct name_list *l)
{
	if (l->more > 0)
		buf_addf(&l->b, " and %lld more", (long long)l->more);
}

/* ---- keyed hashes of names, and a set of them ---- */

/* SHA-256 of a per-process random key and a name, cut to 64 bits.  The
 * hashes of all a name's prefixes at '/' come from one pass over it. */
struct name_hasher {
	EVP_MD_CTX	*base;		/* the key absorbed */
	EVP_MD_CTX	*run;
	EVP_MD_CTX	*tmp;
};

static unsigned char	hash_key[16];
static int		hash_keyed;

static void
name_hasher_free(struct name_hasher *h)
{
	EVP_MD_CTX_free(h->base);
	EVP_MD_CTX_free(h->run);
	EVP_MD_CTX_free(h->tmp);
	memset(h, 0, sizeof(*h));
}

static int
name_hasher_init(struct name_hasher *h, char *err, size_t errlen)
{
	memset(h, 0, sizeof(*h));
	if (!hash_keyed) {
		if (RAND_bytes(hash_key, sizeof(hash_key)) != 1)
			goto fail;
		hash_keyed = 1;
	}
	if ((h->base = EVP_MD_CTX_new()) == NULL ||
	    (h->run = EVP_MD_CTX_new()) == NULL ||
	    (h->tmp = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestInit_ex(h->base, EVP_sha256(), NULL) != 1 ||
	    EVP_DigestUpdate(h->base, hash_key, sizeof(hash_key)) != 1)
		goto fail;
	return 0;
fail:
	name_hasher_free(h);
	snprintf(err, errlen, "can't set up SHA-256");
	return 500;
}

/* The hash of the name absorbed into C so far (C stays usable). */
static int
hash_of(struct name_hasher *h, EVP_MD_CTX *c, uint64_t *out)
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen;

	if (EVP_MD_CTX_copy_ex(h->tmp, c) != 1 ||
	    EVP_DigestFinal_ex(h->tmp, md, &mdlen) != 1 || mdlen < 8)
		return -1;
	memcpy(out, md, sizeof(*out));
	return 0;
}

/* The hashes of NAME[0..LEN) (canonical, no trailing '/') and of each of
 * its prefixes that ends before a '/': PH[0..*K), shortest first, the
 * whole name last; PLEN the prefixes' lengths.  0 or 500. */
static int
name_hashes(struct name_hasher *h, const char *name, size_t len,
    uint64_t *ph, size_t *plen, size_t *k, char *err, size_t errlen)
{
	size_t i, from;

	*k = 0;
	if (EVP_MD_CTX_copy_ex(h->run, h->base) != 1)
		goto fail;
	for (from = 0, i = 0; i <= len; i++) {
		if (i < len && name[i] != '/')
			continue;
		if (*k == NAME_MAX_PREFIXES ||
		    EVP_DigestUpdate(h->run, name + from, i - from) != 1 ||
		    hash_of(h, h->run, &ph[*k]) == -1)
			goto fail;
		plen[(*k)++] = i;
		from = i;
	}
	return 0;
fail:
	snprintf(err, errlen, "can't hash a name");
	return 500;
}

/* A set of hashes, each with flags in its low bits: open addressing,
 * linear probing, at most half full.  0 marks a free slot. */
#define HS_FILE		1	/* an entry that is a file */
#define HS_DIR		2	/* an entry that is a directory */
#define HS_IMPLIED	4	/* a directory something is under */
#define HS_FLAGS	7

struct hash_set {
	uint64_t	*slot;
	size_t		 cap;		/* a power of two, or 0 */
	size_t		 n;
};

static uint64_t
hs_key(uint64_t h)
{
	h &= ~(uint64_t)HS_FLAGS;
	return h != 0 ? h : HS_FLAGS + 1;
}

/* The slot of H, or the free slot where it would go. */
static uint64_t *
hs_find(const struct hash_set *s, uint64_t h)
{
	uint64_t	key = hs_key(h);
	size_t		i = (size_t)(key >> 3) & (s->cap - 1);

	while (s->slot[i] != 0 && (s->slot[i] & ~(uint64_t)HS_FLAGS) != key)
		i = (i + 1) & (s->cap - 1);
	return &s->slot[i];
}

/* The flags of H, 0 when absent. */
static unsigned
hs_get(const struct hash_set *s, uint64_t h)
{
	return s->cap == 0 ? 0 : (unsigned)(*hs_find(s, h) & HS_FLAGS);
}

/* Add FLAGS to H's.  0, or -1 (memory). */
static int
hs_set(struct hash_set *s, uint64_t h, unsigned flags)
{
	struct hash_set	 bigger;
	uint64_t	*p;
	size_t		 i;

	if ((s->n + 1) * 2 > s->cap) {
		bigger.cap = s->cap == 0 ? 256 : s->cap * 2;
		bigger.n = s->n;
		if ((bigger.slot = calloc(bigger.cap, sizeof(uint64_t))) ==
		    NULL)
			return -1;
		for (i = 0; i < s->cap; i++)
			if (s->slot[i] != 0)
				*hs_find(&bigger, s->slot[i]) = s->slot[i];
		free(s->slot);
		*s = bigger;
	}
	p = hs_find(s, h);
	if (*p == 0) {
		*p = hs_key(h);
		s->n++;
	}
	*p |= flags;
	return 0;
}

static void
hs_clear(struct hash_set *s)
{
	if (s->cap > 0)
		memset(s->slot, 0, s->cap * sizeof(uint64_t));
	s->n = 0;
}

static void
hs_free(struct hash_set *s)
{
	free(s->slot);
	memset(s, 0, sizeof(*s));
}

/* ---- checking a tar ---- */

/* The job's names and every directory above one, by hash, for looking
 * up an entry and its prefixes.  Small: as many as the ad names. */
struct name_index {
	uint64_t	 h;
	size_t		 name;		/* its index in the names */
	size_t		 len;		/* of the prefix of that name */
	int		 whole;		/* the name itself, not a parent */
};

struct check {
	struct input_names	*names;
	const struct input_limits *limits;
	struct input_summary	*sum;
	struct name_hasher	 hasher;
	struct hash_set		 seen;
	struct name_index	*index;
	size_t			 nindex;
	unsigned char		*present;	/* per name */
	int64_t			*name_bytes;	/* per name: its files' bytes */
	long			 cur;		/* the name the entry is under */
	struct name_list	 unexpected;
	uint64_t		 ph[NAME_MAX_PREFIXES];
	size_t			 plen[NAME_MAX_PREFIXES];
	unsigned char		 data[CHECK_READ_BUF];
};

static int
index_compare(const void *a, const void *b)
{
	const struct name_index *x = a, *y = b;

	return x->h < y->h ? -1 : x->h > y->h;
}

/* Index the names and their parent directories. */
static int
check_index_names(struct check *c, char *err, size_t errlen)
{
	struct input_names	*n = c->names;
	size_t			 i, j, k, total = 0;

	if ((c->present = calloc(n->n + 1, 1)) == NULL ||
	    (c->name_bytes = calloc(n->n + 1, sizeof(int64_t))) == NULL)
		goto nomem;
	for (i = 0; i < n->n; i++)
		for (j = 0; n->v[i][j] != '\0'; j++)
			total += n->v[i][j] == '/';
	if ((c->index = calloc(total + n->n + 1, sizeof(*c->index))) == NULL)
		goto nomem;
	for (i = 0; i < n->n; i++) {
		/* A name that is not canonical can never be present; it is
		 * listed as missing. */
		if (input_name_check(n->v[i], strlen(n->v[i]), NULL, 0) == -1)
			continue;
		if (name_hashes(&c->hasher, n->v[i], strlen(n->v[i]), c->ph,
		    c->plen, &k, err, errlen) != 0)
			return 500;
		for (j = 0; j < k; j++) {
			c->index[c->nindex].h = c->ph[j];
			c->index[c->nindex].name = i;
			c->index[c->nindex].len = c->plen[j];
			c->index[c->nindex].whole = j + 1 == k;
			c->nindex++;
		}
	}
	qsort(c->index, c->nindex, sizeof(*c->index), index_compare);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return 500;
}

/* Is S[0..LEN) (with hash H) a name (WHOLE) or a name's parent (!WHOLE)?
 * The index of the name, or -1.  The index is sorted by hash. */
static long
check_lookup(const struct check *c, uint64_t h, const char *s, size_t len,
    int whole)
{
	const struct name_index	*x;
	size_t			 lo = 0, hi = c->nindex, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (c->index[mid].h < h)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->nindex && c->index[lo].h == h; lo++) {
		x = &c->index[lo];
		if (x->len == len && x->whole == whole &&
		    memcmp(c->names->v[x->name], s, len) == 0)
			return (long)x->name;
	}
	return -1;
}

/* Is the entry NAME[0..LEN), whose prefix hashes are in C, one the job
 * takes: a name, under a directory name, or (a directory) above one?
 * Marks the names it makes present. */
static void
check_covered(struct check *c, const char *name, size_t len, size_t k,
    int is_dir)
{
	long	i;
	int	covered = 0;
	size_t	j;

	c->cur = -1;
	for (j = 0; j < k; j++)
		if ((i = check_lookup(c, c->ph[j], name, c->plen[j], 1)) !=
		    -1) {
			c->present[i] = 1;
			if (!covered)
				c->cur = i;
			covered = 1;
		}
	if (!covered && is_dir &&
	    check_lookup(c, c->ph[k - 1], name, len, 0) != -1)
		covered = 1;
	if (!covered)
		name_list_add(&c->unexpected, name, len);
}

static int
check_too_many(struct check *c, char *err, size_t errlen)
{
	if (c->sum->files + c->sum->dirs <= c->limits->max_files)
		return 0;
	snprintf(err, errlen, "the tar holds more than %lld files and "
	    "directories (HTTP_API_MAX_INPUT_FILES)",
	    (long long)c->limits->max_files);
	return 413;
}

static int
check_too_big(struct check *c, int64_t more, char *err, size_t errlen)
{
	if (more <= c->limits->max_bytes - c->sum->bytes)
		return 0;
	snprintf(err, errlen, "the tar's files hold more than %lld bytes "
	    "(HTTP_API_MAX_INPUT_BYTES)", (long long)c->limits->max_bytes);
	return 413;
}

/* 400 about the entry NAME. */
static int
check_refuse(const char *name, size_t len, const char *what, char *err,
    size_t errlen)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "the tar's entry ");
	add_shown_name(&b, name, len);
	buf_addf(&b, " %s", what);
	snprintf(err, errlen, "%s", b.failed ? "the tar has a bad entry" :
	    buf_str(&b));
	buf_free(&b);
	return 400;
}

/* Record the entry (hashes in C) and the directories above it: an entry
 * twice, or a name that is both a file and a directory, is refused.
 * Directories above the entry count against the cap as entries. */
static int
check_record(struct check *c, const char *name, size_t len, size_t k,
    int is_dir, char *err, size_t errlen)
{
	unsigned	f;
	size_t		j;

	f = hs_get(&c->seen, c->ph[k - 1]);
	if (f & (HS_FILE | HS_DIR))
		return check_refuse(name, len, "is in the tar twice", err,
		    errlen);
	if (!is_dir && (f & HS_IMPLIED))
		return check_refuse(name, len, "is a file, and also a "
		    "directory of other entries", err, errlen);
	if (hs_set(&c->seen, c->ph[k - 1], is_dir ? HS_DIR : HS_FILE) == -1)
		goto nomem;
	if (is_dir && !(f & HS_IMPLIED))
		c->sum->dirs++;
	else if (!is_dir)
		c->sum->files++;
	for (j = k - 1; j-- > 0;) {
		f = hs_get(&c->seen, c->ph[j]);
		if (f & HS_FILE)
			return check_refuse(name, c->plen[j], "is a file, and "
			    "also a directory of other entries", err, errlen);
		if (f & (HS_DIR | HS_IMPLIED))
			break;
		if (hs_set(&c->seen, c->ph[j], HS_IMPLIED) == -1)
			goto nomem;
		c->sum->dirs++;
	}
	return check_too_many(c, err, errlen);
nomem:
	snprintf(err, errlen, "out of memory");
	return 500;
}

/* Read a file's data and throw it away, counting it against the cap as
 * it is decompressed. */
static int
check_data(struct check *c, struct tar_reader *r, int64_t *size, char *err,
    size_t errlen)
{
	char	why[256];
	ssize_t	n;
	int	rc;

	*size = 0;
	while ((n = tar_reader_read(r, c->data, sizeof(c->data), why,
	    sizeof(why))) > 0) {
		if ((rc = check_too_big(c, n, err, errlen)) != 0)
			return rc;
		c->sum->bytes += n;
		*size += n;
	}
	if (n == -1) {
		snprintf(err, errlen, "the tar is corrupt or truncated: %s",
		    why);
		return 400;
	}
	return 0;
}

/* One entry: its name and type, its place, its data. */
static int
check_entry(struct check *c, struct tar_reader *r, const struct tar_entry *e,
    char *err, size_t errlen)
{
	char	why[160], reason[128];
	size_t	len = e->namelen, k;
	int64_t	size;
	int	rc, is_dir = e->type == TAR_DIR;

	if (e->type == TAR_OTHER) {
		snprintf(why, sizeof(why), "is a %s: only regular files and "
		    "directories can be uploaded", e->type_name);
		return check_refuse(e->name, len, why, err, errlen);
	}
	if (input_name_check(e->name, len, reason, sizeof(reason)) == -1) {
		snprintf(why, sizeof(why), "is refused: %s", reason);
		return check_refuse(e->name, len, why, err, errlen);
	}
	if (e->name[len - 1] == '/') {
		if (!is_dir)
			return check_refuse(e->name, len, "is a file with a "
			    "name ending in '/'", err, errlen);
		len--;
	}
	if ((rc = name_hashes(&c->hasher, e->name, len, c->ph, c->plen, &k,
	    err, errlen)) != 0 ||
	    (rc = check_record(c, e->name, len, k, is_dir, err,
	    errlen)) != 0)
		return rc;
	if (c->names != NULL)
		check_covered(c, e->name, len, k, is_dir);
	if (is_dir)
		return 0;
	if ((rc = check_too_big(c, e->size, err, errlen)) != 0 ||
	    (rc = check_data(c, r, &size, err, errlen)) != 0)
		return rc;
	if (c->names != NULL && c->cur >= 0)
		c->name_bytes[c->cur] += size;
	if (c->names != NULL && c->names->exe != NULL &&
	    strlen(c->names->exe) == len &&
	    memcmp(c->names->exe, e->name, len) == 0)
		c->sum->exe_bytes = size;
	return 0;
}

/* condor_submit's sum of the input's sizes (calc_image_size_kb): KiB,
 * rounded up per named input, the executable apart. */
static void
check_input_kb(struct check *c)
{
	size_t i;

	c->sum->input_kb = 0;
	if (c->names == NULL) {
		c->sum->input_kb = (c->sum->bytes + 1023) / 1024;
		return;
	}
	for (i = 0; i < c->names->n; i++)
		if (c->names->exe == NULL ||
		    strcmp(c->names->v[i], c->names->exe) != 0)
			c->sum->input_kb += (c->name_bytes[i] + 1023) / 1024;
}

/* After the last entry: what the job names and the tar lacks, and what
 * the tar holds and the job does not name, in one 400. */
static int
check_names_end(struct check *c, char *err, size_t errlen)
{
	struct name_list	missing = { BUF_INIT, 0, 0, 0 };
	struct buf		b = BUF_INIT;
	size_t			i;

	missing.budget = errlen / 3;
	for (i = 0; i < c->names->n; i++)
		if (!c->present[i])
			name_list_add(&missing, c->names->v[i],
			    strlen(c->names->v[i]));
	if (missing.shown == 0 && c->unexpected.shown == 0) {
		buf_free(&missing.b);
		return 0;
	}
	name_list_end(&missing);
	name_list_end(&c->unexpected);
	if (c->unexpected.shown > 0)
		buf_addf(&b, "the tar holds entries the job does not take as "
		    "input: %s", buf_str(&c->unexpected.b));
	if (missing.shown > 0)
		buf_addf(&b, "%sthe job's input %s %s missing from the tar",
		    c->unexpected.shown > 0 ? "; " : "", buf_str(&missing.b),
		    missing.shown + missing.more > 1 ? "are" : "is");
	snprintf(err, errlen, "%s", b.failed ? "the tar does not hold the "
	    "job's input" : buf_str(&b));
	buf_free(&b);
	buf_free(&missing.b);
	return 400;
}

int
input_check_tar(int fd, off_t offset, off_t length,
    struct input_names *names, const struct input_limits *limits,
    struct input_summary *sum, char *err, size_t errlen)
{
	struct check		*c;
	struct tar_reader	*r = NULL;
	struct tar_entry	 e;
	int			 rc;

	memset(sum, 0, sizeof(*sum));
	sum->exe_bytes = -1;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	c->names = names;
	c->limits = limits;
	c->sum = sum;
	c->unexpected.budget = errlen / 3;
	if ((rc = name_hasher_init(&c->hasher, err, errlen)) != 0 ||
	    (names != NULL && (rc = check_index_names(c, err, errlen)) != 0) ||
	    (rc = tar_reader_open(fd, offset, length, &r, err, errlen)) != 0)
		goto done;
	while ((rc = tar_reader_next(r, &e, err, errlen)) == 1)
		if ((rc = check_entry(c, r, &e, err, errlen)) != 0)
			goto done;
	if (rc == 0 && names != NULL)
		rc = check_names_end(c, err, errlen);
	if (rc == 0)
		check_input_kb(c);
done:
	tar_reader_close(r);
	name_hasher_free(&c->hasher);
	hs_free(&c->seen);
	free(c->index);
	free(c->present);
	free(c->name_bytes);
	buf_free(&c->unexpected.b);
	free(c);
	return rc;
}

/* ---- the tar as an upload source ---- */

struct input_source {
	int			 fd;
	off_t			 offset, length;
	struct tar_reader	*r;
	struct name_hasher	 hasher;
	struct hash_set		 announced;	/* directories sent */
	/* The entry read and not yet given: its parents go first. */
	int			 pending;
	int			 pending_dir;
	int64_t			 pending_mode, pending_size;
	size_t			 pending_len;
	size_t			 k, next_parent;
	char			 name[INPUT_MAX_NAME + 2];
	char			 parent[INPUT_MAX_NAME + 2];
	uint64_t		 ph[NAME_MAX_PREFIXES];
	size_t			 plen[NAME_MAX_PREFIXES];
};

static int
source_rewind(void *ctx, char *err, size_t errlen)
{
	struct input_source *s = ctx;

	tar_reader_close(s->r);
	s->r = NULL;
	hs_clear(&s->announced);
	s->pending = 0;
	if (tar_reader_open(s->fd, s->offset, s->length, &s->r, err,
	    errlen) != 0)
		return -1;
	return 0;
}

/* Read the next entry into the pending slot.  1, 0 at the end, -1. */
static int
source_read_entry(struct input_source *s, char *err, size_t errlen)
{
	struct tar_entry	e;
	char			why[128];
	size_t			len;
	int			rc;

	if (s->r == NULL && source_rewind(s, err, errlen) == -1)
		return -1;
	if ((rc = tar_reader_next(s->r, &e, err, errlen)) != 1)
		return rc == 0 ? 0 : -1;
	len = e.namelen;
	if (e.type == TAR_OTHER ||
	    input_name_check(e.name, len, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "the tar changed since it was checked");
		return -1;
	}
	if (e.name[len - 1] == '/')
		len--;
	memcpy(s->name, e.name, len);
	s->name[len] = '\0';
	s->pending_len = len;
	s->pending_dir = e.type == TAR_DIR;
	s->pending_mode = e.mode & 07777;
	s->pending_size = s->pending_dir ? 0 : e.size;
	if (name_hashes(&s->hasher, s->name, len, s->ph, s->plen, &s->k, err,
	    errlen) != 0)
		return -1;
	s->next_parent = 0;
	s->pending = 1;
	return 1;
}

/* The next entry: a parent of the pending entry not yet announced, or
 * the entry itself (a directory announced already as a parent is not
 * given twice). */
static int
source_next(void *ctx, struct sandbox_entry *out, char *err, size_t errlen)
{
	struct input_source	*s = ctx;
	size_t			 j;
	int			 rc;

	for (;;) {
		if (!s->pending &&
		    (rc = source_read_entry(s, err, errlen)) != 1)
			return rc;
		while (s->next_parent + 1 < s->k) {
			j = s->next_parent++;
			if (hs_get(&s->announced, s->ph[j]) & HS_DIR)
				continue;
			if (hs_set(&s->announced, s->ph[j], HS_DIR) == -1)
				goto nomem;
			memcpy(s->parent, s->name, s->plen[j]);
			s->parent[s->plen[j]] = '\0';
			out->name = s->parent;
			out->is_dir = 1;
			out->mode = 0755;
			out->size = 0;
			return 1;
		}
		s->pending = 0;
		if (s->pending_dir) {
			if (hs_get(&s->announced, s->ph[s->k - 1]) & HS_DIR)
				continue;
			if (hs_set(&s->announced, s->ph[s->k - 1], HS_DIR) ==
			    -1)
				goto nomem;
		}
		out->name = s->name;
		out->is_dir = s->pending_dir;
		out->mode = s->pending_mode;
		out->size = s->pending_size;
		return 1;
	}
nomem:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static ssize_t
source_read(void *ctx, void *p, size_t n, char *err, size_t errlen)
{
	struct input_source *s = ctx;

	if (s->r == NULL) {
		snprintf(err, errlen, "the input source was not rewound");
		return -1;
	}
	return tar_reader_read(s->r, p, n, err, errlen);
}

int
input_source_tar(int fd, off_t offset, off_t length,
    struct input_source **src, struct sandbox_source *out, char *err,
    size_t errlen)
{
	struct input_source	*s;
	int			 rc;

	*src = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	s->fd = fd;
	s->offset = offset;
	s->length = length;
	if ((rc = name_hasher_init(&s->hasher, err, errlen)) != 0 ||
	    (rc = tar_load(err, errlen)) != 0) {
		input_source_free(s);
		return rc;
	}
	out->rewind = source_rewind;
	out->next = source_next;
	out->read = source_read;
	out->ctx = s;
	*src = s;
	return 0;
}

void
input_source_free(struct input_source *s)
{
	if (s == NULL)
		return;
	tar_reader_close(s->r);
	name_hasher_free(&s->hasher);
	hs_free(&s->announced);
	free(s);
}
