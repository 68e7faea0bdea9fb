/*
 * demo.c — htcondor-api --demo.  One command gives a working API on any
 * machine: a private pool in a fresh state directory (a personal HTCondor
 * when condor_master is installed, else our own demo schedd of src/demo/),
 * the API listening on loopback, and a banner with a token for the user.
 *
 * The process that started stays a small supervisor: it binds the port
 * (so a busy port is an error before anything starts), starts the schedd
 * in its own process group, waits until an authenticated query succeeds,
 * forks the listener, prints the banner and then only waits for a signal
 * or for a child to die.  Either way it stops both children (SIGTERM,
 * then SIGKILL to the group after a grace period) and removes the state
 * directory unless --demo-dir asked to keep it.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "config/config.h"
#include "config/settings.h"
#include "demo/demo.h"
#include "schedd/schedd.h"
#include "serve/demo.h"
#include "serve/listen.h"
#include "util/buf.h"
#include "util/file.h"
#include "util/log.h"

#define DEMO_KEY_BYTES		64	/* a new pool signing key */
#define DEMO_TOKEN_LIFETIME	(24 * 3600)	/* the banner's token, s */
#define DEMO_READY_SECONDS	120	/* for the schedd to answer */
#define DEMO_STOP_SECONDS	15	/* for the children to exit */
#define DEMO_POLL_MS		100

/* The folders of a pool's LOCAL_DIR, as a personal HTCondor has them. */
static const char *const local_dirs[] = {
	"local", "local/log", "local/spool", "local/execute", "local/lock",
	"local/run", "local/passwords.d", "local/tokens.d"
};

/* PATH = D->dir "/" REL, or -1 with ERR when it does not fit. */
static int
state_path(const struct demo *d, const char *rel, char *path, size_t len,
    char *err, size_t errlen)
{
	if ((size_t)snprintf(path, len, "%s/%s", d->dir, rel) >= len) {
		snprintf(err, errlen, "the state directory's path is too long");
		return -1;
	}
	return 0;
}

/* condor_master in HTCONDOR_BIN when that is set (so HTCONDOR_BIN=/none
 * forces the demo schedd), else on PATH.  Found: 1 with OUT set. */
static int
find_master(char *out, size_t outlen)
{
	const char	*bin = getenv("HTCONDOR_BIN"), *path;
	char		 cand[PATH_MAX];
	size_t		 n;

	if (bin != NULL && *bin != '\0') {
		snprintf(cand, sizeof(cand), "%s/condor_master", bin);
		return access(cand, X_OK) == 0 &&
		    realpath(cand, out) != NULL && strlen(out) < outlen;
	}
	for (path = getenv("PATH"); path != NULL && *path != '\0';
	    path += n + (path[n] == ':')) {
		n = strcspn(path, ":");
		if (n == 0 || n >= sizeof(cand) - sizeof("/condor_master"))
			continue;
		snprintf(cand, sizeof(cand), "%.*s/condor_master", (int)n, path);
		if (access(cand, X_OK) == 0 && realpath(cand, out) != NULL)
			return strlen(out) < outlen;
	}
	return 0;
}

/* Who runs the demo: the caller, or as root USER (default "nobody"), who
 * must not be root.  Fills D->user and *PW.  0, or -1 with ERR. */
static int
demo_user(struct demo *d, const char *user, struct passwd *pw, char *err,
    size_t errlen)
{
	struct passwd	*p;

	if (geteuid() != 0 && user != NULL) {
		snprintf(err, errlen, "--demo-user needs root: the demo runs "
		    "as the user who starts it");
		return -1;
	}
	errno = 0;
	p = geteuid() == 0 ? getpwnam(user != NULL ? user : "nobody") :
	    getpwuid(geteuid());
	if (p == NULL) {
		snprintf(err, errlen, "no such user %s", user != NULL ? user :
		    geteuid() == 0 ? "nobody" : "(the caller)");
		return -1;
	}
	if (p->pw_uid == 0) {
		snprintf(err, errlen, "the demo does not run jobs as root: "
		    "name another user with --demo-user");
		return -1;
	}
	if (strlen(p->pw_name) >= sizeof(d->user)) {
		snprintf(err, errlen, "user name %s is too long", p->pw_name);
		return -1;
	}
	snprintf(d->user, sizeof(d->user), "%s", p->pw_name);
	*pw = *p;
	return 0;
}

/* The state directory: DIR (made if missing, kept at exit) or a fresh
 * one under TMPDIR.  As root it is handed to PW's user, and a DIR that
 * someone else owns is refused.  0, or -1 with ERR. */
static int
make_state_dir(struct demo *d, const char *dir, const struct passwd *pw,
    char *err, size_t errlen)
{
	const char	*tmp = getenv("TMPDIR");
	char		 tmpl[PATH_MAX];
	struct stat	 st;

	if (dir == NULL) {
		if ((size_t)snprintf(tmpl, sizeof(tmpl), "%s/htcondor-api-demo."
		    "XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp") >=
		    sizeof(tmpl) || mkdtemp(tmpl) == NULL) {
			snprintf(err, errlen, "cannot make a state directory "
			    "under %s: %s", tmp ? tmp : "/tmp", strerror(errno));
			return -1;
		}
		dir = tmpl;
	} else {
		d->keep = 1;
		if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", dir, strerror(errno));
			return -1;
		}
	}
	if (realpath(dir, d->dir) == NULL || lstat(d->dir, &st) == -1) {
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s is not a directory", d->dir);
		return -1;
	}
	if (geteuid() == 0) {
		if (st.st_uid != 0 && st.st_uid != pw->pw_uid) {
			snprintf(err, errlen, "%s belongs to another user "
			    "than %s", d->dir, pw->pw_name);
			return -1;
		}
		if (chown(d->dir, pw->pw_uid, pw->pw_gid) == -1) {
			snprintf(err, errlen, "chown %s: %s", d->dir,
			    strerror(errno));
			return -1;
		}
	} else if (st.st_uid != geteuid()) {
		snprintf(err, errlen, "%s belongs to another user", d->dir);
		return -1;
	}
	return 0;
}

/* Become PW's user for good: groups, gid, uid, checked afterwards. */
static int
drop_root(const struct passwd *pw, char *err, size_t errlen)
{
	if (setgroups(1, &pw->pw_gid) == -1 || setgid(pw->pw_gid) == -1 ||
	    setuid(pw->pw_uid) == -1 || setuid(0) != -1 ||
	    getegid() != pw->pw_gid) {
		snprintf(err, errlen, "cannot become %s: %s", pw->pw_name,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Can PW's user reach the state directory?  As root this is asked in a
 * child that drops first, so that root can still remove the directory
 * when the answer is no (a TMPDIR only root may enter).  0, or -1 with
 * ERR. */
static int
user_reaches(const struct demo *d, const struct passwd *pw, char *err,
    size_t errlen)
{
	pid_t	 pid;
	int	 status, e = 0;

	if (geteuid() != 0)
		e = access(d->dir, R_OK | W_OK | X_OK) == -1 ? errno : 0;
	else if ((pid = fork()) == 0) {
		if (drop_root(pw, err, errlen) == -1)
			_exit(255);
		_exit(access(d->dir, R_OK | W_OK | X_OK) == -1 ? errno : 0);
	} else if (pid == -1 || waitpid(pid, &status, 0) == -1 ||
	    !WIFEXITED(status))
		e = EIO;
	else
		e = WEXITSTATUS(status);
	if (e == 0)
		return 0;
	snprintf(err, errlen, "%s cannot use %s (%s): give it a directory it "
	    "can reach, with TMPDIR or --demo-dir", d->user, d->dir,
	    e == 255 ? "cannot drop root" : strerror(e));
	return -1;
}

/* The pool signing key, made once: random bytes only its owner reads.
 * A kept directory's key stays, so its tokens and queue stay valid. */
static int
make_key(const struct demo *d, char *err, size_t errlen)
{
	unsigned char	 key[DEMO_KEY_BYTES];
	char		 path[PATH_MAX];
	int		 fd, rc = 0;

	if (state_path(d, "local/passwords.d/POOL", path, sizeof(path), err,
	    errlen) == -1)
		return -1;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
	    O_NOFOLLOW, 0600)) == -1) {
		if (errno == EEXIST)
			return schedd_signing_key_check(path, err, errlen);
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (RAND_bytes(key, sizeof(key)) != 1 ||
	    file_write_all(fd, key, sizeof(key)) == -1 || fsync(fd) == -1) {
		snprintf(err, errlen, "cannot write the signing key %s",
		    path);
		unlink(path);
		rc = -1;
	}
	explicit_bzero(key, sizeof(key));
	close(fd);
	return rc;
}

/* The configuration of the demo schedd's pool: where its address file
 * and key are, and the domain its users belong to. */
static void
write_demo_schedd_config(struct buf *f, const struct demo *d)
{
	buf_addf(f,
"# Written by htcondor-api --demo for its demo schedd; rewritten at start.\n"
"LOCAL_DIR = %s/local\n"
"LOCAL_CONFIG_FILE =\n"
"LOCAL_CONFIG_DIR =\n"
"LOG = $(LOCAL_DIR)/log\n"
"SPOOL = $(LOCAL_DIR)/spool\n"
"SCHEDD_ADDRESS_FILE = $(SPOOL)/.schedd_address\n"
"SEC_TOKEN_POOL_SIGNING_KEY_FILE = $(LOCAL_DIR)/passwords.d/POOL\n"
"UID_DOMAIN = " DEMO_DOMAIN "\n"
"TRUST_DOMAIN = " DEMO_DOMAIN "\n", d->dir);
}

/* A personal HTCondor on loopback, secure by default: TOKEN (IDTOKENS)
 * authentication, encryption and integrity required for everything,
 * ephemeral ports, no site configuration read.  The settings this
 * machine's sandboxing needs are those of running-htcondor.md. */
static void
write_personal_config(struct buf *f, const struct demo *d)
{
	char	 rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s", d->master);
	buf_addf(f,
"# Written by htcondor-api --demo: a personal HTCondor; rewritten at start.\n"
"RELEASE_DIR = %s\n"
"LOCAL_DIR = %s/local\n"
"LOCAL_CONFIG_FILE =\n"
"LOCAL_CONFIG_DIR =\n"
"use ROLE : Personal\n"
"CONDOR_HOST = 127.0.0.1\n"
"COLLECTOR_HOST = $(CONDOR_HOST):0\n"
"SHARED_PORT_PORT = 0\n"
"NETWORK_INTERFACE = 127.0.0.1\n"
"BIND_ALL_INTERFACES = False\n"
"ENABLE_IPV6 = False\n"
"UID_DOMAIN = " DEMO_DOMAIN "\n"
"TRUST_DOMAIN = " DEMO_DOMAIN "\n"
"FILESYSTEM_DOMAIN = " DEMO_DOMAIN "\n"
"SEC_TOKEN_POOL_SIGNING_KEY_FILE = $(LOCAL_DIR)/passwords.d/POOL\n"
"SEC_DEFAULT_AUTHENTICATION = REQUIRED\n"
"SEC_READ_AUTHENTICATION = REQUIRED\n"
"SEC_CLIENT_AUTHENTICATION = REQUIRED\n"
"SEC_DEFAULT_ENCRYPTION = REQUIRED\n"
"SEC_DEFAULT_INTEGRITY = REQUIRED\n"
"SEC_DEFAULT_AUTHENTICATION_METHODS = FS, IDTOKENS\n"
"SEC_CLIENT_AUTHENTICATION_METHODS = FS, IDTOKENS, TOKEN\n"
"SEC_DEFAULT_CRYPTO_METHODS = AES, BLOWFISH, 3DES\n"
"ALLOW_READ = *\n"
"ALLOW_WRITE = *@$(UID_DOMAIN) %s@*\n"
"ALLOW_ADMINISTRATOR = %s@*\n"
"ALLOW_DAEMON = *\n"
"START = True\n"
"SUSPEND = False\n"
"PREEMPT = False\n"
"KILL = False\n"
"MOUNT_UNDER_SCRATCH =\n"
"USE_PID_NAMESPACES = False\n"
"BASE_CGROUP =\n"
"DISCARD_SESSION_KEYRING_ON_STARTUP = False\n"
"STARTD_DETECT_GPUS =\n"
"BENCHMARKS_JOBLIST =\n"
"RUNBENCHMARKS = 0\n"
"UPDATE_INTERVAL = 2\n"
"NEGOTIATOR_INTERVAL = 2\n"
"NEGOTIATOR_CYCLE_DELAY = 2\n"
"STARTER_UPDATE_INTERVAL = 2\n"
"SHADOW_QUEUE_UPDATE_INTERVAL = 2\n"
"SCHEDD_INTERVAL = 5\n",
	    dirname(dirname(rel)), d->dir, d->user, d->user);
}

/* Write DIR/condor_config for the schedd that will run, atomically, and
 * point CONDOR_CONFIG at it. */
static int
write_config(const struct demo *d, char *err, size_t errlen)
{
	struct buf	 text = BUF_INIT;
	char		 path[PATH_MAX];
	int		 rc;

	if (state_path(d, "condor_config", path, sizeof(path), err,
	    errlen) == -1)
		return -1;
	if (d->master[0] != '\0')
		write_personal_config(&text, d);
	else
		write_demo_schedd_config(&text, d);
	rc = text.failed ? (errno = ENOMEM, -1) : file_replace(path,
	    text.data, text.len, 0644);
	buf_free(&text);
	if (rc == -1 || setenv("CONDOR_CONFIG", path, 1) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
demo_prepare(struct demo *d, const char *dir, const char *user, char *err,
    size_t errlen)
{
	struct passwd	 pw;
	char		 path[PATH_MAX];
	size_t		 i;

	memset(d, 0, sizeof(*d));
	if (demo_user(d, user, &pw, err, errlen) == -1 ||
	    make_state_dir(d, dir, &pw, err, errlen) == -1)
		return -1;
	if (user_reaches(d, &pw, err, errlen) == -1 ||
	    (geteuid() == 0 && drop_root(&pw, err, errlen) == -1))
		goto fail;
	umask(022);
	for (i = 0; i < sizeof(local_dirs) / sizeof(local_dirs[0]); i++) {
		if (state_path(d, local_dirs[i], path, sizeof(path), err,
		    errlen) == -1)
			goto fail;
		if (mkdir(path, 0755) == -1 && errno != EEXIST) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
			goto fail;
		}
	}
	find_master(d->master, sizeof(d->master));
	if (make_key(d, err, errlen) == -1 || write_config(d, err,
	    errlen) == -1)
		goto fail;
	return 0;
fail:
	demo_abandon(d);
	return -1;
}

void
demo_abandon(struct demo *d)
{
	if (!d->keep)
		file_remove_tree(d->dir);
}

/* Sleep up to MS for one of the signals in MASK (all blocked).  Returns
 * the signal, or 0 when the time ran out. */
static int
wait_signal(const sigset_t *mask, int ms)
{
	struct timespec	 ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	int		 sig;

	while ((sig = sigtimedwait(mask, NULL, &ts)) == -1 && errno == EINTR)
		continue;
	return sig == -1 ? 0 : sig;
}

/* Mint a token for the demo user that lasts LIFETIME seconds. */
static int
demo_token(const struct demo *d, const struct settings *set,
    int64_t lifetime, char *out, size_t outlen, char *err, size_t errlen)
{
	struct mint_request	 m;
	char			 sub[128];

	snprintf(sub, sizeof(sub), "%s@%s", d->user, set->uid_domain ?
	    set->uid_domain : DEMO_DOMAIN);
	memset(&m, 0, sizeof(m));
	m.keyfile = set->signing_key;
	m.kid = set->signing_key_id;
	m.iss = set->trust_domain ? set->trust_domain : DEMO_DOMAIN;
	m.sub = sub;
	m.iat = (int64_t)time(NULL);
	m.lifetime = lifetime;
	return schedd_mint_token(&m, out, outlen, err, errlen);
}

static int
ignore_ad(void *ctx, const struct classad *ad)
{
	(void)ctx;
	(void)ad;
	return 0;
}

/* Does the schedd answer an authenticated query of the demo user?  This,
 * not a sleep or an address file alone, is what "ready" means. */
static int
schedd_answers(const struct demo *d, const struct settings *set, char *err,
    size_t errlen)
{
	struct schedd		 sd;
	struct job_query	 q;
	char			 token[2048];
	int			 rc;

	if (demo_token(d, set, 0, token, sizeof(token), err, errlen) == -1)
		return -1;
	memset(&sd, 0, sizeof(sd));
	rc = schedd_open(&sd, set, SCHEDD_CMD_QUERY_JOBS, token, NULL, err,
	    errlen);
	explicit_bzero(token, sizeof(token));
	if (rc != 0)
		return -1;
	memset(&q, 0, sizeof(q));
	q.constraint = "false";
	q.projection = "ClusterId";
	rc = schedd_query_jobs(&sd, &q, ignore_ad, NULL, err, errlen);
	schedd_close(&sd);
	return rc == 0 ? 0 : -1;
}

/* NUM_CPUS as the configuration sets it, or 0 (the online cores). */
static int
configured_cpus(const struct settings *set)
{
	const char	*v = config_value(set->config, "NUM_CPUS");

	return v != NULL && atoi(v) > 0 ? atoi(v) : 0;
}

/* The child that becomes the schedd, in a process group of its own (a
 * terminal's Ctrl-C reaches the supervisor, which stops it in order). */
static void
schedd_child(const struct demo *d, const struct settings *set,
    const sigset_t *oldmask)
{
	struct demo_conf	 conf;
	char			 addr[PATH_MAX], state[PATH_MAX], err[512];

	setpgid(0, 0);
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	if (d->master[0] != '\0') {
		execl(d->master, "condor_master", "-f", (char *)NULL);
		log_msg("demo: cannot run %s: %s", d->master, strerror(errno));
		_exit(1);
	}
	memset(&conf, 0, sizeof(conf));
	if (state_path(d, "local/spool/.schedd_address", addr, sizeof(addr),
	    err, sizeof(err)) == -1 || state_path(d, "local/spool", state,
	    sizeof(state), err, sizeof(err)) == -1) {
		log_msg("demo: %s", err);
		_exit(1);
	}
	conf.state_dir = state;
	conf.address_file = addr;
	conf.key_file = set->signing_key;
	conf.trust_domain = set->trust_domain ? set->trust_domain :
	    DEMO_DOMAIN;
	conf.num_cpus = configured_cpus(set);
	if (demo_schedd_run(&conf, err, sizeof(err)) == -1) {
		log_msg("demo schedd: %s", err);
		_exit(1);
	}
	_exit(0);
}

/* Start the schedd and wait until it answers, or a signal in MASK comes,
 * or it dies, or DEMO_READY_SECONDS pass.  0, or -1 with ERR. */
static int
start_schedd(struct demo *d, const struct settings *set, int lfd,
    const sigset_t *mask, const sigset_t *oldmask, char *err, size_t errlen)
{
	time_t	 deadline = time(NULL) + DEMO_READY_SECONDS;
	int	 status, sig;

	if ((d->schedd = fork()) == -1) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (d->schedd == 0) {
		close(lfd);
		schedd_child(d, set, oldmask);
	}
	for (;;) {
		if (waitpid(d->schedd, &status, WNOHANG) == d->schedd) {
			d->schedd = 0;
			snprintf(err, errlen, "%.200s exited before it was ready",
			    d->master[0] ? d->master : "the demo schedd");
			return -1;
		}
		if (schedd_answers(d, set, err, errlen) == 0)
			return 0;
		if (time(NULL) >= deadline) {
			snprintf(err, errlen, "the schedd did not answer within "
			    "%d s", DEMO_READY_SECONDS);
			return -1;
		}
		if ((sig = wait_signal(mask, DEMO_POLL_MS)) != 0 &&
		    sig != SIGCHLD) {
			snprintf(err, errlen, "stopped by signal %d before "
			    "the schedd was ready", sig);
			return -1;
		}
	}
}

/* The child that serves the API on LFD. */
static void
listener_child(int lfd, const char *listen, const struct settings *set,
    struct tls *tls, const sigset_t *oldmask)
{
	sigprocmask(SIG_SETMASK, oldmask, NULL);
	_exit(listen_serve(lfd, listen, set, tls));
}

/* What the banner calls the listening address: a wildcard host is
 * reached on loopback. */
static void
banner_url(const char *listen, int tls, char *out, size_t outlen)
{
	const char	*colon = strrchr(listen, ':');
	int		 hostlen = colon ? (int)(colon - listen) : 0;
	const char	*host = listen;

	if (hostlen == 0 || (hostlen == 7 && strncmp(listen, "0.0.0.0", 7) ==
	    0) || (hostlen == 4 && strncmp(listen, "[::]", 4) == 0)) {
		host = "127.0.0.1";
		hostlen = 9;
	}
	snprintf(out, outlen, "%s://%.*s%s", tls ? "https" : "http", hostlen,
	    host, colon ? colon : "");
}

/* What a newcomer needs: it is a demo, where it listens, who they are,
 * what runs the jobs, and a token with a curl line to try it. */
static void
print_banner(const struct demo *d, const struct settings *set,
    const char *listen, int tls, const char *token)
{
	char		 url[300];
	long		 cpus;

	banner_url(listen, tls, url, sizeof(url));
	if ((cpus = configured_cpus(set)) == 0)
		cpus = sysconf(_SC_NPROCESSORS_ONLN);
	printf("htcondor-api demo: for trying the API, not for production.\n"
	    "  URL:    %s/api/v1/\n"
	    "  user:   %s@%s\n", url, d->user, set->uid_domain ?
	    set->uid_domain : DEMO_DOMAIN);
	if (d->master[0] != '\0')
		printf("  schedd: a personal HTCondor (%s)\n", d->master);
	else
		printf("  schedd: the demo schedd (no HTCondor found); jobs "
		    "run as %s, %ld at once\n", d->user, cpus);
	printf("  state:  %s (%s at exit)\n"
	    "  token:  valid for %d hours\n"
	    "\n"
	    "Try it:\n"
	    "  export HTCONDOR_API_URL=%s\n"
	    "  export HTCONDOR_API_TOKEN=%s\n"
	    "  curl -H \"Authorization: Bearer $HTCONDOR_API_TOKEN\" "
	    "$HTCONDOR_API_URL/api/v1/jobs\n"
	    "\n"
	    "Stop with Ctrl-C.\n", d->dir, d->keep ? "kept" : "removed",
	    DEMO_TOKEN_LIFETIME / 3600, url, token);
	fflush(stdout);
}

/* Reap whichever child exited; 1 when one of ours did. */
static int
reap(struct demo *d)
{
	pid_t	 pid;
	int	 status, ours = 0;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		if (pid == d->schedd) {
			d->schedd = 0;
			ours = 1;
		} else if (pid == d->listener) {
			d->listener = 0;
			ours = 1;
		}
	}
	return ours;
}

/* Stop both children: SIGTERM (the master shuts its daemons down, the
 * demo schedd kills its jobs), then after DEMO_STOP_SECONDS SIGKILL to
 * each child's process group. */
static void
stop_children(struct demo *d, const sigset_t *mask)
{
	time_t	 deadline = time(NULL) + DEMO_STOP_SECONDS;

	if (d->listener > 0)
		kill(d->listener, SIGTERM);
	if (d->schedd > 0)
		kill(d->schedd, SIGTERM);
	for (;;) {
		reap(d);
		if (d->listener == 0 && d->schedd == 0)
			break;
		if (time(NULL) >= deadline) {
			log_msg("demo: a child did not stop in %d s; killing it",
			    DEMO_STOP_SECONDS);
			if (d->listener > 0)
				kill(d->listener, SIGKILL);
			if (d->schedd > 0)
				kill(-d->schedd, SIGKILL);
			deadline = time(NULL) + DEMO_STOP_SECONDS;
		}
		wait_signal(mask, DEMO_POLL_MS);
	}
}

int
demo_run(struct demo *d, const char *listen, const struct settings *set,
    struct tls *tls)
{
	sigset_t	 mask, oldmask;
	char		 err[512], token[2048];
	int		 lfd, sig, rc = 1;

	sigemptyset(&mask);
	sigaddset(&mask, SIGCHLD);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &oldmask);
	if ((lfd = listen_bind(listen, err, sizeof(err))) == -1) {
		log_msg("demo: cannot listen: %s", err);
		goto out;
	}
	if (start_schedd(d, set, lfd, &mask, &oldmask, err, sizeof(err)) ==
	    -1 || demo_token(d, set, DEMO_TOKEN_LIFETIME, token, sizeof(token),
	    err, sizeof(err)) == -1) {
		log_msg("demo: %s", err);
		close(lfd);
		goto stop;
	}
	if ((d->listener = fork()) == -1) {
		log_msg("demo: fork: %s", strerror(errno));
		d->listener = 0;
		close(lfd);
		goto stop;
	}
	if (d->listener == 0)
		listener_child(lfd, listen, set, tls, &oldmask);
	close(lfd);
	print_banner(d, set, listen, tls != NULL, token);
	explicit_bzero(token, sizeof(token));
	rc = 0;
	for (;;) {
		sig = wait_signal(&mask, 60 * 1000);
		if (sig == SIGCHLD && reap(d)) {
			log_msg("demo: the %s exited; stopping",
			    d->listener == 0 ? "listener" : "schedd");
			rc = 1;
			break;
		}
		if (sig == SIGINT || sig == SIGTERM || sig == SIGHUP)
			break;
	}
stop:
	stop_children(d, &mask);
out:
	explicit_bzero(token, sizeof(token));
	if (!d->keep && file_remove_tree(d->dir) == -1)
		log_msg("demo: cannot remove %s: %s", d->dir, strerror(errno));
	sigprocmask(SIG_SETMASK, &oldmask, NULL);
	return rc;
}
