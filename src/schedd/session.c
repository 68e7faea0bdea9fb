/*
 * session.c — security sessions kept for the next request, so that it
 * resumes one (one round trip, no ECDH, no TOKEN exchange) instead of
 * running a full handshake (cedar-protocol.md §5.9).
 *
 * Every request is its own process, so a session outlives the process
 * that made it only as a file in the cache directory.  That file must
 * not become a way around the token: it never holds the token, its name
 * is derived from the token (or, for a token minted from a front end's
 * user, from a secret keyed by the signing key and that user) and the
 * schedd's address, and its contents are sealed with AES-256-GCM under a
 * key derived the same way.  Reading the directory without the token
 * gives nothing; a tampered or foreign entry fails to open and counts as
 * absent.  Within one process the last session is also kept in memory,
 * so that a request that opens a second connection resumes the first's
 * session whether or not there is a cache directory.
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/bounds.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"
#include "cedar/cedar.h"
#include "config/settings.h"
#include "schedd/schedd.h"
#include "schedd/schedd_int.h"

#define ENTRY_MAGIC	"HTCAPIs1"
#define ENTRY_MAGIC_LEN	8
#define ENTRY_SALT	"htcondor-api session cache"
/* A session is not used in its last seconds: the schedd's own clock, a
 * slow request and the time between our check and its use need room. */
#define EXPIRY_MARGIN	5

/* The last session of this process (see above). */
static struct {
	int			valid;
	char			name[SD_CACHE_NAME_LEN + 1];
	struct sd_session	s;
} mem;

/* Wipe the session this process kept: its key is as good as the token
 * for as long as the schedd keeps the session. */
static void
mem_wipe(void)
{
	explicit_bzero(&mem, sizeof(mem));
}

static void
mem_keep(const char *name, const struct sd_session *s)
{
	static int	registered;

	if (!registered && atexit(mem_wipe) == 0)
		registered = 1;
	mem_wipe();
	snprintf(mem.name, sizeof(mem.name), "%s", name);
	mem.s = *s;
	mem.valid = 1;
}

/* The cache directory, when it may be used: ours alone (owned by us, not
 * writable by group or others), since whoever can write it can remove or
 * replace entries.  A refusal is logged once per process. */
static int
dir_open(const char *path)
{
	static int	 warned;
	struct stat	 st;
	const char	*why = NULL;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		why = strerror(errno);
	else if (fstat(fd, &st) == -1)
		why = strerror(errno);
	else if (st.st_uid != geteuid())
		why = "it belongs to another user";
	else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		why = "others can write it";
	if (why == NULL)
		return fd;
	if (fd != -1)
		close(fd);
	if (!warned)
		log_msg("session cache %s not used: %s", path, why);
	warned = 1;
	return -1;
}

int
sd_cache_open(struct sd_cache *c, const struct settings *set,
    const void *secret, size_t secretlen, const char *sinful)
{
	unsigned char	 name[32];
	size_t		 i;
	int		 rc;

	memset(c, 0, sizeof(*c));
	c->dirfd = -1;
	c->lifetime = set->session_cache_lifetime;
	rc = cedar_hkdf_sha256(secret, secretlen, ENTRY_SALT,
	    sizeof(ENTRY_SALT) - 1, sinful, strlen(sinful), name,
	    sizeof(name)) == -1 || cedar_hkdf_sha256(name, sizeof(name),
	    ENTRY_SALT, sizeof(ENTRY_SALT) - 1, "seal", 4, c->seal,
	    sizeof(c->seal)) == -1 ? -1 : 0;
	/* The name is a hash of the derived value, so it does not give the
	 * sealing key away either. */
	if (rc == 0 && cedar_sha256(name, sizeof(name), name) == -1)
		rc = -1;
	for (i = 0; rc == 0 && i < SD_CACHE_NAME_LEN / 2; i++)
		snprintf(c->name + 2 * i, 3, "%02x", name[i]);
	explicit_bzero(name, sizeof(name));
	if (rc == -1) {
		sd_cache_close(c);
		return -1;
	}
	c->usable = 1;
	if (c->lifetime > 0 && set->session_cache_dir != NULL)
		c->dirfd = dir_open(set->session_cache_dir);
	return 0;
}

void
sd_cache_close(struct sd_cache *c)
{
	if (c->dirfd != -1)
		close(c->dirfd);
	explicit_bzero(c, sizeof(*c));
	c->dirfd = -1;
}

/* Is S still good at NOW, last used at USED? */
static int
session_live(const struct sd_session *s, int64_t now, int64_t used)
{
	if (now > s->expires - EXPIRY_MARGIN)
		return 0;
	if (s->lease > 0 && now > used + s->lease - EXPIRY_MARGIN)
		return 0;
	return 1;
}

static void
put_be64(unsigned char *p, int64_t v)
{
	int	 i;

	for (i = 7; i >= 0; i--, v = (int64_t)((uint64_t)v >> 8))
		p[i] = (unsigned char)(v & 0xff);
}

static int64_t
get_be64(const unsigned char *p)
{
	uint64_t v = 0;
	int	 i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return (int64_t)v;
}

/* The entry's plaintext: expires, lease, the Sid, the key, the user. */
static int
entry_encode(const struct sd_session *s, struct buf *out)
{
	unsigned char	 n[16];
	size_t		 sidlen = strlen(s->sid), userlen = strlen(s->user);

	put_be64(n, s->expires);
	put_be64(n + 8, s->lease);
	buf_add(out, n, 16);
	n[0] = (unsigned char)(sidlen >> 8);
	n[1] = (unsigned char)sidlen;
	buf_add(out, n, 2);
	buf_add(out, s->sid, sidlen);
	buf_add(out, s->key, CEDAR_KEY_LEN);
	n[0] = (unsigned char)(userlen >> 8);
	n[1] = (unsigned char)userlen;
	buf_add(out, n, 2);
	buf_add(out, s->user, userlen);
	explicit_bzero(n, sizeof(n));
	return out->failed ? -1 : 0;
}

/* A string of the plaintext P (LEN bytes) at *POS into OUT (OUTLEN
 * bytes with its NUL): a 16-bit length and the bytes. */
static int
get_field(const unsigned char *p, size_t len, size_t *pos, char *out,
    size_t outlen)
{
	size_t	 n;

	if (len - *pos < 2)
		return -1;
	n = (size_t)p[*pos] << 8 | p[*pos + 1];
	*pos += 2;
	if (n >= outlen || len - *pos < n || memchr(p + *pos, '\0', n))
		return -1;
	memcpy(out, p + *pos, n);
	out[n] = '\0';
	*pos += n;
	return 0;
}

static int
entry_decode(const unsigned char *p, size_t len, struct sd_session *s)
{
	size_t	 pos = 16;

	if (len < 16)
		return -1;
	s->expires = get_be64(p);
	s->lease = get_be64(p + 8);
	if (get_field(p, len, &pos, s->sid, sizeof(s->sid)) == -1 ||
	    len - pos < CEDAR_KEY_LEN)
		return -1;
	memcpy(s->key, p + pos, CEDAR_KEY_LEN);
	pos += CEDAR_KEY_LEN;
	if (get_field(p, len, &pos, s->user, sizeof(s->user)) == -1 ||
	    pos != len || s->sid[0] == '\0' || s->lease < 0)
		return -1;
	return 0;
}

/* The additional data that binds a sealed entry to its name. */
static void
entry_aad(const struct sd_cache *c, unsigned char *aad)
{
	memcpy(aad, ENTRY_MAGIC, ENTRY_MAGIC_LEN);
	memcpy(aad + ENTRY_MAGIC_LEN, c->name, SD_CACHE_NAME_LEN);
}

/* Open the sealed entry RAW (N bytes) into S.  0, or -1 when it is not
 * an entry of this name sealed with this key. */
static int
entry_open(const struct sd_cache *c, const unsigned char *raw, size_t n,
    struct sd_session *s)
{
	unsigned char	 aad[ENTRY_MAGIC_LEN + SD_CACHE_NAME_LEN];
	unsigned char	 plain[SESSION_ENTRY_MAX];
	size_t		 hdr = ENTRY_MAGIC_LEN + CEDAR_IV_LEN, len;
	int		 rc;

	if (n < hdr + CEDAR_TAG_LEN || n > SESSION_ENTRY_MAX ||
	    memcmp(raw, ENTRY_MAGIC, ENTRY_MAGIC_LEN) != 0)
		return -1;
	len = n - hdr - CEDAR_TAG_LEN;
	entry_aad(c, aad);
	rc = cedar_gcm_open(c->seal, raw + ENTRY_MAGIC_LEN, aad, sizeof(aad),
	    raw + hdr, len, plain, raw + hdr + len) == -1 ||
	    entry_decode(plain, len, s) == -1 ? -1 : 0;
	explicit_bzero(plain, sizeof(plain));
	return rc;
}

/* Read this credential's entry from the directory; an entry that does
 * not open or has expired is removed.  1 with S, or 0. */
static int
dir_find(struct sd_cache *c, struct sd_session *s, int64_t now)
{
	unsigned char	 raw[SESSION_ENTRY_MAX + 1];
	struct stat	 st;
	ssize_t		 n;
	int		 fd, ok = 0;

	if ((fd = openat(c->dirfd, c->name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_uid == geteuid() &&
	    (n = read(fd, raw, sizeof(raw))) > 0 &&
	    entry_open(c, raw, (size_t)n, s) == 0)
		ok = session_live(s, now, (int64_t)st.st_mtime);
	close(fd);
	explicit_bzero(raw, sizeof(raw));
	if (!ok) {
		explicit_bzero(s, sizeof(*s));
		(void)unlinkat(c->dirfd, c->name, 0);
	}
	return ok;
}

int
sd_cache_find(struct sd_cache *c, struct sd_session *s)
{
	int64_t	 now = (int64_t)time(NULL);

	if (!c->usable)
		return 0;
	if (mem.valid && strcmp(mem.name, c->name) == 0) {
		if (session_live(&mem.s, now, now)) {
			*s = mem.s;
			return 1;
		}
		mem_wipe();
	}
	if (c->dirfd == -1 || !dir_find(c, s, now))
		return 0;
	mem_keep(c->name, s);
	return 1;
}

/* Remove entries nobody can use any more: an entry is never good past
 * its creation plus the lifetime, and its file's time is at least that
 * creation.  Run after writing one, which only a full handshake does. */
static void
dir_sweep(struct sd_cache *c, int64_t now)
{
	struct dirent	*de;
	struct stat	 st;
	DIR		*d;
	int		 fd;

	if ((fd = dup(c->dirfd)) == -1)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (strlen(de->d_name) != SD_CACHE_NAME_LEN &&
		    strncmp(de->d_name, ".tmp.", 5) != 0)
			continue;
		if (fstatat(c->dirfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
		    (int64_t)st.st_mtime + c->lifetime < now)
			(void)unlinkat(c->dirfd, de->d_name, 0);
	}
	closedir(d);
}

/* Seal S and write it as this credential's entry, all or nothing: a
 * temporary file renamed over the name, so that a reader finds the old
 * entry or the new one. */
static void
dir_save(struct sd_cache *c, const struct sd_session *s)
{
	unsigned char	 aad[ENTRY_MAGIC_LEN + SD_CACHE_NAME_LEN];
	unsigned char	 raw[SESSION_ENTRY_MAX];
	struct buf	 plain = BUF_INIT;
	char		 tmp[SD_CACHE_NAME_LEN + 32];
	size_t		 hdr = ENTRY_MAGIC_LEN + CEDAR_IV_LEN, n;
	int		 fd;

	if (entry_encode(s, &plain) == -1 ||
	    hdr + plain.len + CEDAR_TAG_LEN > sizeof(raw) ||
	    getrandom(raw + ENTRY_MAGIC_LEN, CEDAR_IV_LEN, 0) !=
	    CEDAR_IV_LEN)
		goto out;
	memcpy(raw, ENTRY_MAGIC, ENTRY_MAGIC_LEN);
	entry_aad(c, aad);
	if (cedar_gcm_seal(c->seal, raw + ENTRY_MAGIC_LEN, aad, sizeof(aad),
	    plain.data, plain.len, raw + hdr, raw + hdr + plain.len) == -1)
		goto out;
	n = hdr + plain.len + CEDAR_TAG_LEN;
	snprintf(tmp, sizeof(tmp), ".tmp.%ld.%s", (long)getpid(), c->name);
	if ((fd = openat(c->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		goto out;
	if (file_write_all(fd, raw, n) == -1 || close(fd) == -1 ||
	    renameat(c->dirfd, tmp, c->dirfd, c->name) == -1)
		(void)unlinkat(c->dirfd, tmp, 0);
	dir_sweep(c, (int64_t)time(NULL));
out:
	buf_wipe(&plain);
	explicit_bzero(raw, sizeof(raw));
}

void
sd_cache_save(struct sd_cache *c, const struct sd_session *s)
{
	if (!c->usable)
		return;
	mem_keep(c->name, s);
	if (c->dirfd != -1)
		dir_save(c, s);
}

void
sd_cache_used(struct sd_cache *c, const struct sd_session *s)
{
	if (c->dirfd != -1 && s->lease > 0)
		(void)utimensat(c->dirfd, c->name, NULL, AT_SYMLINK_NOFOLLOW);
}

void
sd_cache_drop(struct sd_cache *c)
{
	if (mem.valid && strcmp(mem.name, c->name) == 0)
		mem_wipe();
	if (c->dirfd != -1)
		(void)unlinkat(c->dirfd, c->name, 0);
}

int64_t
sd_session_expiry(const struct settings *set, int64_t now, int64_t duration,
    int has_exp, int64_t exp)
{
	int64_t	 e = INT64_MAX;

	if (duration > 0)
		e = now + duration;
	if (has_exp && exp < e)
		e = exp;
	if (set->session_cache_lifetime > 0 &&
	    now + set->session_cache_lifetime < e)
		e = now + set->session_cache_lifetime;
	return e;
}
