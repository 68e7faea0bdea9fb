/*
 * test_session.c — the session cache's rules (schedd/session.c): entries
 * are sealed and named by the credential, a wrong token, another schedd,
 * a tampered or moved entry find nothing, each of the three clocks ends
 * a session, and a directory others can write is refused.  "Another
 * process" is a forked child, since that is what the cache is for.
 */
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "util/bounds.h"
#include "util/buf.h"
#include "util/file.h"
#include "config/settings.h"
#include "schedd/schedd.h"
#include "schedd/schedd_int.h"

#define TOKEN_A	"eyJhbGciOiJIUzI1NiIsImtpZCI6IlBPT0wifQ.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLWE"
#define TOKEN_B	"eyJhbGciOiJIUzI1NiIsImtpZCI6IlBPT0wifQ.eyJzdWIiOiJib2IifQ.c2lnbmF0dXJlLWI"
#define SCHEDD_1 "<127.0.0.1:9618?sock=schedd_1>"
#define SCHEDD_2 "<127.0.0.1:9618?sock=schedd_2>"

static char		 dir[PATH_MAX];
static struct settings	 set;

static void
session_fill(struct sd_session *s, const char *sid, int64_t expires,
    int64_t lease)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->sid, sizeof(s->sid), "%s", sid);
	snprintf(s->user, sizeof(s->user), "alice@example.org");
	memset(s->key, 0xa7, sizeof(s->key));
	s->expires = expires;
	s->lease = lease;
}

/* Does a new process with TOKEN find a live session at SINFUL, and is it
 * SID?  1 yes, 0 none, 2 another one. */
static int
child_finds(const char *token, const char *sinful, const char *sid)
{
	struct sd_cache		 c;
	struct sd_session	 s;
	pid_t			 pid;
	int			 st;

	if ((pid = fork()) == 0) {
		if (sd_cache_open(&c, &set, token, strlen(token), sinful) == -1)
			_exit(3);
		if (!sd_cache_find(&c, &s))
			_exit(0);
		_exit(strcmp(s.sid, sid) == 0 &&
		    strcmp(s.user, "alice@example.org") == 0 &&
		    s.key[0] == 0xa7 ? 1 : 2);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* Save SID for TOKEN at SINFUL, in a process of its own (so that this
 * one keeps nothing in memory for the next child to inherit). */
static void
save(const char *token, const char *sinful, const char *sid,
    int64_t expires, int64_t lease)
{
	struct sd_cache		 c;
	struct sd_session	 s;
	pid_t			 pid;
	int			 st;

	if ((pid = fork()) == 0) {
		if (sd_cache_open(&c, &set, token, strlen(token), sinful) == -1)
			_exit(1);
		session_fill(&s, sid, expires, lease);
		sd_cache_save(&c, &s);
		sd_cache_close(&c);
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &st, 0) == -1 || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		tap_ok(0, "save %s", sid);
}

static void
entry_path(const char *token, const char *sinful, char *out, size_t len)
{
	struct sd_cache c;

	(void)sd_cache_open(&c, &set, token, strlen(token), sinful);
	snprintf(out, len, "%s/%s", dir, c.name);
	sd_cache_close(&c);
}

static int
file_contains(const char *path, const void *needle, size_t n)
{
	struct buf	 b = BUF_INIT;
	char		 err[256];
	size_t		 i;
	int		 found = 0;

	if (file_read_capped(path, 65536, &b, err, sizeof(err)) == -1)
		return -1;
	for (i = 0; i + n <= b.len && !found; i++)
		found = memcmp(b.data + i, needle, n) == 0;
	buf_free(&b);
	return found;
}

static void
test_sealed(void)
{
	unsigned char	 key[CEDAR_KEY_LEN];
	char		 path[PATH_MAX + 80];
	struct stat	 st;
	int64_t		 now = (int64_t)time(NULL);

	save(TOKEN_A, SCHEDD_1, "host:1:100:1", now + 300, 3600);
	entry_path(TOKEN_A, SCHEDD_1, path, sizeof(path));
	tap_ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600,
	    "the entry is a file of mode 0600");
	memset(key, 0xa7, sizeof(key));
	tap_ok(file_contains(path, TOKEN_A, strlen(TOKEN_A)) == 0 &&
	    file_contains(path, "signature", 9) == 0,
	    "the entry does not hold the token");
	tap_ok(file_contains(path, "host:1:100:1", 12) == 0 &&
	    file_contains(path, "alice", 5) == 0 &&
	    file_contains(path, key, 8) == 0,
	    "the Sid, the user and the key are sealed");
	tap_ok(strstr(path, "alice") == NULL && strlen(strrchr(path, '/')) ==
	    SD_CACHE_NAME_LEN + 1, "the name is a hash");
	tap_ok(child_finds(TOKEN_A, SCHEDD_1, "host:1:100:1") == 1,
	    "another process with the same token finds the session");
	tap_ok(child_finds(TOKEN_B, SCHEDD_1, "host:1:100:1") == 0,
	    "another token finds nothing");
	tap_ok(child_finds(TOKEN_A, SCHEDD_2, "host:1:100:1") == 0,
	    "the same token at another schedd finds nothing");
}

static void
test_tampered(void)
{
	char		 a[PATH_MAX + 80], b[PATH_MAX + 80];
	struct buf	 raw = BUF_INIT;
	char		 err[256];
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;
	int		 all = 1;

	save(TOKEN_A, SCHEDD_1, "host:1:100:2", now + 300, 0);
	entry_path(TOKEN_A, SCHEDD_1, a, sizeof(a));
	if (file_read_capped(a, 65536, &raw, err, sizeof(err)) == -1) {
		tap_ok(0, "read the entry: %s", err);
		return;
	}
	/* Every byte matters: magic, IV, ciphertext and tag. */
	for (i = 0; i < raw.len; i++) {
		raw.data[i] ^= 0x01;
		if (file_replace(a, raw.data, raw.len, 0600) == -1 ||
		    child_finds(TOKEN_A, SCHEDD_1, "host:1:100:2") != 0)
			all = 0;
		raw.data[i] ^= 0x01;
	}
	tap_ok(all, "a change to any of the %zu bytes makes the entry fail "
	    "to open", raw.len);
	tap_ok(access(a, F_OK) == -1, "a tampered entry is removed");
	/* B's entry moved to A's name: sealed under another key. */
	save(TOKEN_B, SCHEDD_1, "host:1:100:3", now + 300, 0);
	entry_path(TOKEN_B, SCHEDD_1, b, sizeof(b));
	tap_ok(rename(b, a) == 0 &&
	    child_finds(TOKEN_A, SCHEDD_1, "host:1:100:3") == 0,
	    "another credential's entry under this name does not open");
	(void)file_replace(a, "short", 5, 0600);
	tap_ok(child_finds(TOKEN_A, SCHEDD_1, "x") == 0,
	    "a truncated entry finds nothing");
	buf_free(&raw);
}

static void
test_clocks(void)
{
	struct timeval	 tv[2];
	char		 a[PATH_MAX + 80];
	int64_t		 now = (int64_t)time(NULL);

	tap_ok(sd_session_expiry(&set, now, 60, 1, now + 3600) == now + 60,
	    "the schedd's SessionDuration ends a session");
	tap_ok(sd_session_expiry(&set, now, 3600, 1, now + 30) == now + 30,
	    "the token's exp ends a session");
	tap_ok(sd_session_expiry(&set, now, 3600, 1, now + 7200) ==
	    now + set.session_cache_lifetime,
	    "HTTP_API_SESSION_CACHE_LIFETIME ends a session");
	tap_ok(sd_session_expiry(&set, now, 0, 0, 0) ==
	    now + set.session_cache_lifetime,
	    "without duration or exp the lifetime still ends it");
	save(TOKEN_A, SCHEDD_1, "host:1:100:4", now + 3, 0);
	tap_ok(child_finds(TOKEN_A, SCHEDD_1, "host:1:100:4") == 0,
	    "a session is not used in its last seconds");
	save(TOKEN_A, SCHEDD_1, "host:1:100:5", now - 1, 0);
	tap_ok(child_finds(TOKEN_A, SCHEDD_1, "host:1:100:5") == 0,
	    "an expired session is not used");
	/* The lease counts from the last use: the file's time. */
	save(TOKEN_A, SCHEDD_1, "host:1:100:6", now + 300, 60);
	entry_path(TOKEN_A, SCHEDD_1, a, sizeof(a));
	tap_ok(child_finds(TOKEN_A, SCHEDD_1, "host:1:100:6") == 1,
	    "a session used within its lease is found");
	tv[0].tv_sec = tv[1].tv_sec = (time_t)(now - 61);
	tv[0].tv_usec = tv[1].tv_usec = 0;
	tap_ok(utimes(a, tv) == 0 &&
	    child_finds(TOKEN_A, SCHEDD_1, "host:1:100:6") == 0,
	    "a session idle past its SessionLease is not used");
}

static void
test_directory(void)
{
	struct sd_cache		 c;
	struct sd_session	 s;
	int64_t			 now = (int64_t)time(NULL);

	tap_ok(chmod(dir, 0777) == 0 &&
	    sd_cache_open(&c, &set, TOKEN_A, strlen(TOKEN_A), SCHEDD_1) == 0 &&
	    c.dirfd == -1, "a directory others can write is refused");
	sd_cache_close(&c);
	(void)chmod(dir, 0730);
	tap_ok(sd_cache_open(&c, &set, TOKEN_A, strlen(TOKEN_A), SCHEDD_1) ==
	    0 && c.dirfd == -1, "a directory its group can write is refused");
	sd_cache_close(&c);
	(void)chmod(dir, 0700);
	set.session_cache_lifetime = 0;
	tap_ok(sd_cache_open(&c, &set, TOKEN_A, strlen(TOKEN_A), SCHEDD_1) ==
	    0 && c.dirfd == -1, "lifetime 0 turns the directory off");
	/* Within one process the session is kept in memory regardless. */
	session_fill(&s, "host:1:100:7", now + 300, 0);
	sd_cache_save(&c, &s);
	memset(&s, 0, sizeof(s));
	tap_ok(sd_cache_find(&c, &s) == 1 &&
	    strcmp(s.sid, "host:1:100:7") == 0,
	    "a second connection of the same process finds the session "
	    "without a directory");
	sd_cache_drop(&c);
	tap_ok(sd_cache_find(&c, &s) == 0, "a dropped session is gone");
	sd_cache_close(&c);
	set.session_cache_lifetime = DEFAULT_SESSION_CACHE_LIFETIME;
}

int
main(void)
{
	const char	*tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_session.XXXXXX",
	    tmp != NULL && *tmp == '/' ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	memset(&set, 0, sizeof(set));
	set.session_cache_dir = dir;
	set.session_cache_lifetime = DEFAULT_SESSION_CACHE_LIFETIME;
	test_sealed();
	test_tampered();
	test_clocks();
	test_directory();
	(void)file_remove_tree(dir);
	return tap_done();
}
