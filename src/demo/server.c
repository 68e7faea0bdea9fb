/*
 * server.c — the demo schedd's process: it listens on a loopback port,
 * writes its address file as a schedd does, and serves each connection
 * in a child process (the API may hold a QMGMT connection open while it
 * queries on another).  The process itself runs the jobs (run.c): its
 * poll loop wakes for a connection, for a child that changed the queue
 * (a byte on the notify pipe) and for a signal (a byte on the self-pipe:
 * SIGCHLD to reap, SIGTERM or SIGINT to stop).  Stopping cuts the open
 * connections and stops the jobs (SIGTERM, SIGKILL DEMO_STOP_GRACE_MS
 * later) and reaps them all, so nothing is left behind.
 */
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "cedar/server.h"
#include "classad/classad.h"
#include "demo/demo_int.h"

#define DEMO_CONN_TIMEOUT	20000	/* ms per blocking step, as the schedd */
#define DEMO_KEY_MAX		128	/* bytes of a signing key file */

/* The write end of the self-pipe, for the signal handler. */
static int	sig_pipe = -1;

/* Log one line to stderr, prefixed with the program's part. */
void
demo_log(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	fprintf(stderr, "demo-schedd: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* A signal only says that it came: the poll loop does the work. */
static void
on_signal(int sig)
{
	unsigned char	 c = (unsigned char)sig;
	int		 saved = errno;

	if (write(sig_pipe, &c, 1) == -1) {
		/* full: the loop will see the earlier bytes */
	}
	errno = saved;
}

/* The pool signing key as the schedd reads it: unscrambled and doubled
 * (store_cred.cpp; cedar-protocol.md §8.2). */
static int
load_key(struct demo *d, const char *path, char *err, size_t errlen)
{
	struct buf	 b = BUF_INIT;

	if (file_read_capped(path, DEMO_KEY_MAX, &b, err, errlen) == -1)
		return -1;
	if (b.len == 0) {
		snprintf(err, errlen, "the signing key %s is empty", path);
		buf_wipe(&b);
		return -1;
	}
	cedar_key_unscramble((unsigned char *)b.data, b.len);
	memcpy(d->key, b.data, b.len);
	memcpy(d->key + b.len, b.data, b.len);
	d->keylen = b.len * 2;
	buf_wipe(&b);
	return 0;
}

/* Any authenticated user may read and write; the commands check who owns
 * a job themselves, as the schedd does. */
static int
authorize(void *arg, int command, const char *user)
{
	return user != NULL;
}

/* Serve the one command of a connection, in its own process. */
static void
serve(struct demo *d, int fd)
{
	static const int	 commands[] = { CEDAR_QUERY_JOB_ADS,
		CEDAR_QUERY_SCHEDD_HISTORY, CEDAR_ACT_ON_JOBS,
		CEDAR_QMGMT_READ_CMD, CEDAR_QMGMT_WRITE_CMD,
		CEDAR_SPOOL_JOB_FILES_WITH_PERMS,
		CEDAR_TRANSFER_DATA_WITH_PERMS };
	struct cedar_server_conf conf;
	struct cedar_server_result res;
	struct demo_conn	 cn;
	const char		*at;

	memset(&cn, 0, sizeof(cn));
	memset(&res, 0, sizeof(res));
	cn.d = d;
	if ((cn.s = cedar_stream_new(fd, CEDAR_SERVER)) == NULL)
		return;
	cedar_set_timeout(cn.s, DEMO_CONN_TIMEOUT);
	memset(&conf, 0, sizeof(conf));
	conf.signing_key = d->key;
	conf.signing_key_len = d->keylen;
	conf.key_id = "POOL";
	conf.trust_domain = d->conf->trust_domain;
	conf.commands = commands;
	conf.ncommands = sizeof(commands) / sizeof(commands[0]);
	conf.require_auth = 1;
	conf.authorize = authorize;
	conf.session_store = cedar_session_dir_store;
	conf.session_lookup = cedar_session_dir_lookup;
	conf.session_arg = &d->sessions;
	if (cedar_server_handshake(cn.s, &conf, &res) != CEDAR_OK) {
		demo_log("handshake failed: %s", cedar_error(cn.s));
		goto out;
	}
	explicit_bzero(d->key, sizeof(d->key));
	cn.user = res.user;
	at = strrchr(cn.user, '@');
	snprintf(cn.owner, sizeof(cn.owner), "%.*s", at != NULL ?
	    (int)(at - cn.user) : (int)strlen(cn.user), cn.user);
	cn.write = res.command == CEDAR_QMGMT_WRITE_CMD;
	switch (res.command) {
	case CEDAR_QUERY_JOB_ADS:
		query_job_ads(&cn);
		break;
	case CEDAR_QUERY_SCHEDD_HISTORY:
		query_history(&cn);
		break;
	case CEDAR_ACT_ON_JOBS:
		act_on_jobs(&cn);
		break;
	case CEDAR_SPOOL_JOB_FILES_WITH_PERMS:
		spool_job_files(&cn);
		break;
	case CEDAR_TRANSFER_DATA_WITH_PERMS:
		transfer_data(&cn);
		break;
	default:
		qmgmt(&cn);
		break;
	}
out:
	cedar_server_result_clear(&res);
	cedar_stream_free(cn.s);
}

/* A loopback listening socket on PORT (0: any): the fd, or -1. */
static int
listen_loopback(int port, int *bound, char *err, size_t errlen)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	int			 fd, on = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(fd, 64) == -1 ||
	    getsockname(fd, (struct sockaddr *)&sin, &len) == -1) {
		snprintf(err, errlen, "cannot listen on 127.0.0.1:%d: %s",
		    port, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	*bound = ntohs(sin.sin_port);
	return fd;
}

/* The address file, written aside and renamed into place, as the schedd
 * does, so a reader never sees half of it. */
static int
write_address(const char *path, int port, char *err, size_t errlen)
{
	struct buf	 text = BUF_INIT;
	int		 rc = 0;

	buf_addf(&text, "<127.0.0.1:%d>\n%s\n$CondorPlatform: X86_64-Demo $\n",
	    port, cedar_version_string());
	if (text.failed || file_replace(path, text.data, text.len, 0644) == -1) {
		snprintf(err, errlen, "cannot write %s: %s", path,
		    strerror(errno));
		rc = -1;
	}
	buf_free(&text);
	return rc;
}

/* Jobs that were running when an earlier run stopped are idle again. */
static int
recover_queue(struct demo *d)
{
	int64_t	 st;
	size_t	 i;
	int	 rc;

	queue_lock(d, F_WRLCK);
	if ((rc = queue_load(d)) == 0) {
		for (i = 0; i < d->jobs.n; i++)
			if (classad_lookup_int(d->jobs.ad[i], "JobStatus",
			    &st) == 0 && st == DEMO_RUNNING) {
				classad_insert_int(d->jobs.ad[i], "JobStatus",
				    DEMO_IDLE);
				classad_insert_int(d->jobs.ad[i],
				    "LastJobStatus", DEMO_RUNNING);
			}
		rc = queue_save(d);
	}
	queue_lock(d, F_UNLCK);
	return rc;
}

/* Remember connection process PID, to stop it at shutdown: 0, or -1. */
static int
conn_add(struct demo *d, pid_t pid)
{
	pid_t	*v;

	if ((v = reallocarray(d->conns, d->nconns + 1, sizeof(*v))) == NULL)
		return -1;
	d->conns = v;
	d->conns[d->nconns++] = pid;
	return 0;
}

/* Forget connection process PID, which was reaped: 1, or 0 when PID is
 * none of them. */
static int
conn_forget(struct demo *d, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < d->nconns; i++)
		if (d->conns[i] == pid) {
			d->conns[i] = d->conns[--d->nconns];
			return 1;
		}
	return 0;
}

/* At shutdown: a connection is not finished, it is cut.  SIGTERM (their
 * default action) ends each connection process at once, whatever it
 * waits for; SIGKILL follows DEMO_STOP_GRACE_MS later for one that did
 * not end; all are reaped before the schedd exits. */
static void
conns_stop(struct demo *d, int64_t deadline)
{
	size_t	 i;
	int	 killed = 0;

	while (d->nconns > 0) {
		if (!killed && cedar_now_ms() >= deadline) {
			for (i = 0; i < d->nconns; i++)
				(void)kill(d->conns[i], SIGKILL);
			killed = 1;
		}
		for (i = d->nconns; i > 0; i--)
			if (waitpid(d->conns[i - 1], NULL, WNOHANG) != 0)
				d->conns[i - 1] = d->conns[--d->nconns];
		if (d->nconns > 0)
			(void)poll(NULL, 0, 10);
	}
}

/* Accept one connection and serve it in a child process. */
static void
accept_one(struct demo *d, int lfd, int fds[4])
{
	pid_t	 pid;
	int	 fd, on = 1, i;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;
	/* Small messages back to back: no Nagle delay, as the schedd. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if ((pid = fork()) == 0) {
		signal(SIGCHLD, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		close(lfd);
		for (i = 0; i < 4; i++)
			if (i != 3)	/* the notify pipe's write end */
				close(fds[i]);
		d->notify = fds[3];
		d->ncpus = 0;
		serve(d, fd);
		_exit(0);
	}
	if (pid == -1)
		demo_log("fork: %s", strerror(errno));
	else if (conn_add(d, pid) == -1) {
		demo_log("out of memory: connection dropped");
		(void)kill(pid, SIGKILL);
	}
	close(fd);
}

/* Reap every ended child; the jobs among them free their slots. */
static void
reap(struct demo *d)
{
	pid_t	 pid;
	int	 status;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
		if (!conn_forget(d, pid))
			run_reaped(d, pid, status);
}

/* Drain a non-blocking pipe: 1 when a byte said SIGTERM or SIGINT. */
static int
drain(int fd)
{
	unsigned char	 b[64];
	ssize_t		 n, i;
	int		 stop = 0;

	while ((n = read(fd, b, sizeof(b))) > 0)
		for (i = 0; i < n; i++)
			if (b[i] == SIGTERM || b[i] == SIGINT)
				stop = 1;
	return stop;
}

/* The poll loop: until a SIGTERM or SIGINT. */
static void
serve_loop(struct demo *d, int lfd, int fds[4])
{
	struct pollfd	 pfd[3];
	int		 stop = 0;

	pfd[0].fd = lfd;
	pfd[1].fd = fds[0];	/* signals */
	pfd[2].fd = fds[2];	/* queue changed */
	pfd[0].events = pfd[1].events = pfd[2].events = POLLIN;
	run_schedule(d);
	while (!stop) {
		if (poll(pfd, 3, run_kill_due(d)) == -1) {
			if (errno == EINTR)
				continue;
			demo_log("poll: %s", strerror(errno));
			break;
		}
		if (pfd[1].revents & POLLIN) {
			stop = drain(fds[0]);
			reap(d);
		}
		if (pfd[2].revents & POLLIN)
			(void)drain(fds[2]);
		if (stop)
			break;
		if (pfd[0].revents & POLLIN)
			accept_one(d, lfd, fds);
		if ((pfd[1].revents | pfd[2].revents) & POLLIN)
			run_schedule(d);
	}
}

/* The signals the loop handles arrive as bytes on the self-pipe. */
static void
catch_signals(void)
{
	struct sigaction	 sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* The directory of kept sessions, state/sessions (mode 0700), emptied
 * at start: a schedd that restarts forgets its sessions, and its clients
 * authenticate afresh.  0, or -1 with ERR. */
static int
sessions_open(struct demo *d, char *err, size_t errlen)
{
	struct buf	 path = BUF_INIT;
	int		 rc;

	if (buf_addf(&path, "%s/sessions", d->state) == -1) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (file_remove_tree(buf_str(&path)) == -1 && errno != ENOENT) {
		snprintf(err, errlen, "cannot empty %s: %s", buf_str(&path),
		    strerror(errno));
		buf_free(&path);
		return -1;
	}
	rc = cedar_session_dir_init(&d->sessions, buf_str(&path), err,
	    errlen);
	buf_free(&path);
	return rc;
}

/* The state directory, the key, the run slots: 0, or -1 with ERR. */
static int
demo_init(struct demo *d, const struct demo_conf *conf, char *err,
    size_t errlen)
{
	long	 n;

	memset(d, 0, sizeof(*d));
	d->conf = conf;
	d->lockfd = d->notify = -1;
	if ((d->state = realpath(conf->state_dir, NULL)) == NULL) {
		snprintf(err, errlen, "state directory %s: %s",
		    conf->state_dir, strerror(errno));
		return -1;
	}
	if (load_key(d, conf->key_file, err, errlen) == -1 ||
	    sessions_open(d, err, errlen) == -1 ||
	    queue_open(d, err, errlen) == -1)
		return -1;
	if (recover_queue(d) == -1) {
		snprintf(err, errlen, "cannot read or write the queue in %s",
		    d->state);
		return -1;
	}
	n = conf->num_cpus > 0 ? conf->num_cpus :
	    sysconf(_SC_NPROCESSORS_ONLN);
	d->ncpus = n > 0 ? (size_t)n : 1;
	if ((d->runs = calloc(d->ncpus, sizeof(*d->runs))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static void
demo_free(struct demo *d)
{
	explicit_bzero(d->key, sizeof(d->key));
	jobs_free(&d->jobs);
	jobs_free(&d->hist);
	if (d->lockfd != -1)
		close(d->lockfd);
	free(d->runs);
	free(d->conns);
	free(d->state);
}

int
demo_schedd_run(const struct demo_conf *conf, char *err, size_t errlen)
{
	struct demo	 d;
	int64_t		 deadline;
	int		 fds[4] = { -1, -1, -1, -1 }, lfd = -1, port, i, rc = -1;

	if (demo_init(&d, conf, err, errlen) == -1)
		goto out;
	if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) == -1 ||
	    pipe2(fds + 2, O_CLOEXEC | O_NONBLOCK) == -1) {
		snprintf(err, errlen, "pipe: %s", strerror(errno));
		goto out;
	}
	sig_pipe = fds[1];
	catch_signals();
	if ((lfd = listen_loopback(conf->port, &port, err, errlen)) == -1 ||
	    write_address(conf->address_file, port, err, errlen) == -1)
		goto out;
	demo_log("listening on 127.0.0.1:%d, %zu job slot(s), state in %s",
	    port, d.ncpus, d.state);
	serve_loop(&d, lfd, fds);
	close(lfd);
	lfd = -1;
	for (i = 0; i < (int)d.nconns; i++)
		(void)kill(d.conns[i], SIGTERM);
	deadline = cedar_now_ms() + DEMO_STOP_GRACE_MS;
	run_stop_all(&d);
	conns_stop(&d, deadline);
	unlink(conf->address_file);
	rc = 0;
out:
	if (lfd != -1)
		close(lfd);
	for (i = 0; i < 4; i++)
		if (fds[i] != -1)
			close(fds[i]);
	demo_free(&d);
	return rc;
}
