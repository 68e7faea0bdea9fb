/*
 * session_dir.c — the sessions a server (the demo or the test schedd)
 * keeps between connections, as files in a private directory: its
 * connections are served by forked processes, so a session made in one
 * must be found by the next.  One file per Sid, "sid-SID", holding
 *
 *	1 EXPIRES LEASE LAST-USED KEY-HEX\n
 *	USER
 *
 * written to a temporary name of the writer's own and renamed into
 * place, so a reader finds a whole entry or none, however many processes
 * renew one session at once.  Nothing is synced: a lost session costs
 * its client one full handshake, as a schedd restart does.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cedar/server.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/hex.h"

#define ENTRY_PREFIX	"sid-"
#define ENTRY_MAX	(CEDAR_NAME_MAX + 256)	/* bytes of one file */

/* Whether SESS may still be resumed at NOW; see server.h. */
int
cedar_server_session_alive(const struct cedar_server_session *sess,
    int64_t now)
{
	return now <= sess->expires &&
	    (sess->lease <= 0 || now <= sess->last_used + sess->lease);
}

/* Make or check the directory; see server.h. */
int
cedar_session_dir_init(struct cedar_session_dir *d, const char *path,
    char *err, size_t errlen)
{
	struct stat	 st;

	memset(d, 0, sizeof(*d));
	if (strlen(path) + sizeof(ENTRY_PREFIX) + CEDAR_SID_MAX + 32 >=
	    sizeof(d->path)) {
		snprintf(err, errlen, "session directory %s: name too long",
		    path);
		return -1;
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "session directory %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (lstat(path, &st) == -1) {
		snprintf(err, errlen, "session directory %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		snprintf(err, errlen, "session directory %s is not a "
		    "directory of ours that only we can use (mode 0700)",
		    path);
		return -1;
	}
	snprintf(d->path, sizeof(d->path), "%s", path);
	return 0;
}

/* Is SID one we could have made: a file name of letters, digits and
 * ".:_-", not starting with a dot?  Anything else is not known. */
static int
sid_ok(const char *sid)
{
	size_t	 n = strspn(sid, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.:_-");

	return n > 0 && sid[n] == '\0' && n < CEDAR_SID_MAX && sid[0] != '.';
}

/* Parse one entry's TEXT into OUT (whose sid the caller sets). */
static int
entry_parse(const char *text, size_t len, struct cedar_server_session *out)
{
	struct buf	 key = BUF_INIT;
	const char	*nl;
	long long	 e, l, u;
	char		 hex[2 * CEDAR_KEY_LEN + 1];
	int		 rc = -1;

	if ((nl = memchr(text, '\n', len)) == NULL ||
	    sscanf(text, "1 %lld %lld %lld %64s", &e, &l, &u, hex) != 4 ||
	    hex_decode(hex, strlen(hex), &key) == -1 ||
	    key.len != CEDAR_KEY_LEN ||
	    (size_t)(text + len - (nl + 1)) >= sizeof(out->user) ||
	    memchr(nl + 1, '\0', (size_t)(text + len - (nl + 1))) != NULL)
		goto out;
	memcpy(out->key, key.data, CEDAR_KEY_LEN);
	memcpy(out->user, nl + 1, (size_t)(text + len - (nl + 1)));
	out->user[text + len - (nl + 1)] = '\0';
	out->expires = e;
	out->lease = l;
	out->last_used = u;
	rc = 0;
out:
	OPENSSL_cleanse(hex, sizeof(hex));
	buf_wipe(&key);
	return rc;
}

/* Read the entry of SID in D into OUT: 0, or -1 when there is none. */
static int
entry_read(const struct cedar_session_dir *d, const char *sid,
    struct cedar_server_session *out)
{
	struct buf			 path = BUF_INIT, text = BUF_INIT;
	char				 err[64];
	int				 rc = -1;

	memset(out, 0, sizeof(*out));
	if (!sid_ok(sid) || buf_addf(&path, "%s/" ENTRY_PREFIX "%s",
	    d->path, sid) == -1)
		goto out;
	if (file_read_capped(buf_str(&path), ENTRY_MAX, &text, err,
	    sizeof(err)) == -1 || entry_parse(buf_str(&text), text.len,
	    out) == -1)
		goto out;
	snprintf(out->sid, sizeof(out->sid), "%s", sid);
	rc = 0;
out:
	if (rc == -1)
		OPENSSL_cleanse(out, sizeof(*out));
	buf_free(&path);
	buf_wipe(&text);
	return rc;
}

/* Find a session; see server.h. */
int
cedar_session_dir_lookup(void *d, const char *sid,
    struct cedar_server_session *out)
{
	return entry_read(d, sid, out);
}

/* Remove the entries that can no longer be resumed at NOW, and the
 * temporary files of writers that died; once per new session, so the
 * directory holds about as many files as there are live sessions. */
static void
prune(const struct cedar_session_dir *d, int64_t now)
{
	struct cedar_server_session	 ss;
	struct buf			 path = BUF_INIT;
	struct dirent			*de;
	DIR				*dir;
	struct stat			 st;

	if ((dir = opendir(d->path)) == NULL)
		return;
	while ((de = readdir(dir)) != NULL) {
		if (strncmp(de->d_name, ENTRY_PREFIX,
		    sizeof(ENTRY_PREFIX) - 1) == 0) {
			if (entry_read(d, de->d_name + sizeof(ENTRY_PREFIX) - 1, &ss) == 0 &&
			    cedar_server_session_alive(&ss, now))
				continue;
		} else if (strncmp(de->d_name, ".tmp-", 5) != 0)
			continue;
		buf_reset(&path);
		if (buf_addf(&path, "%s/%s", d->path, de->d_name) == -1)
			break;
		if (de->d_name[0] == '.' && (lstat(buf_str(&path), &st) == -1 ||
		    st.st_mtime > now - 60))
			continue;
		(void)unlink(buf_str(&path));
	}
	closedir(dir);
	OPENSSL_cleanse(&ss, sizeof(ss));
	buf_free(&path);
}

/* Write one entry; see server.h. */
int
cedar_session_dir_store(void *arg, const struct cedar_server_session *sess)
{
	const struct cedar_session_dir	*d = arg;
	struct buf			 path = BUF_INIT, tmp = BUF_INIT,
					 text = BUF_INIT;
	size_t				 i;
	int				 fd = -1, rc = -1, fresh;

	if (!sid_ok(sess->sid) || strchr(sess->user, '\n') != NULL)
		return -1;
	if (buf_addf(&path, "%s/" ENTRY_PREFIX "%s", d->path,
	    sess->sid) == -1 || buf_addf(&tmp, "%s/.tmp-%ld-%s", d->path,
	    (long)getpid(), sess->sid) == -1 ||
	    buf_addf(&text, "1 %lld %lld %lld ", (long long)sess->expires,
	    (long long)sess->lease, (long long)sess->last_used) == -1)
		goto out;
	for (i = 0; i < CEDAR_KEY_LEN; i++)
		if (buf_addf(&text, "%02x", sess->key[i]) == -1)
			goto out;
	if (buf_addf(&text, "\n%s", sess->user) == -1)
		goto out;
	fresh = access(buf_str(&path), F_OK) == -1;
	if ((fd = open(buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, 0600)) == -1)
		goto out;
	if (file_write_all(fd, text.data, text.len) == -1) {
		(void)close(fd);
		(void)unlink(buf_str(&tmp));
		goto out;
	}
	if (close(fd) == -1 ||
	    rename(buf_str(&tmp), buf_str(&path)) == -1) {
		(void)unlink(buf_str(&tmp));
		goto out;
	}
	if (fresh)
		prune(d, sess->last_used);
	rc = 0;
out:
	buf_free(&path);
	buf_free(&tmp);
	buf_wipe(&text);
	return rc;
}
