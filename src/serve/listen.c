/*
 * listen.c — fork-per-connection server.
 *
 * The parent only accepts, counts and reaps; each child handles exactly
 * one connection with the same code as inetd mode and exits, so a
 * caller's token never lives in a process that serves anyone else.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "http/conn.h"
#include "serve/listen.h"
#include "util/log.h"
#include "serve/server.h"
#include "config/settings.h"

static volatile sig_atomic_t	got_chld, got_stop;

/* The handler only notes the signal; the loop acts on it.  SIGHUP means
 * stop, as SIGTERM and SIGINT do: a listener started from a terminal or
 * a script must not die with status 129 and leave its children. */
static void
on_signal(int sig)
{
	if (sig == SIGCHLD)
		got_chld = 1;
	else
		got_stop = 1;
}

/* Catch the signals the accept loop acts on and keep them blocked except
 * inside ppoll(2), whose mask (*WAITMASK) lets them in: a signal that
 * arrives between the loop's check and the wait stays pending and wakes
 * the wait, instead of being noticed only at the next connection.
 * *CHILDMASK is the mask a child restores.  No SA_RESTART: the wait
 * must wake. */
static void
catch_signals(sigset_t *waitmask, sigset_t *childmask)
{
	static const int	 sigs[] = { SIGCHLD, SIGTERM, SIGINT, SIGHUP };
	struct sigaction	 sa;
	sigset_t		 block;
	size_t			 i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaddset(&block, sigs[i]);
		sigaction(sigs[i], &sa, NULL);
	}
	sigprocmask(SIG_BLOCK, &block, childmask);
	*waitmask = *childmask;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigdelset(waitmask, sigs[i]);
}

/* Split "[host]:port" / "host:port" / ":port" and bind a listening
 * socket.  Returns the fd or -1 with ERR. */
static int
bind_addr(const char *addr, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res, *ai;
	char		 host[256], *port;
	int		 fd = -1, on = 1, rc;

	if (strlen(addr) >= sizeof(host)) {
		snprintf(err, errlen, "address too long");
		return -1;
	}
	strcpy(host, addr);
	if (host[0] == '[') {
		if ((port = strstr(host, "]:")) == NULL) {
			snprintf(err, errlen, "bad address %.64s", addr);
			return -1;
		}
		*port = '\0';
		port += 2;
		memmove(host, host + 1, strlen(host));
	} else if ((port = strrchr(host, ':')) != NULL)
		*port++ = '\0';
	if (port == NULL || *port == '\0' || strspn(port, "0123456789") !=
	    strlen(port)) {
		snprintf(err, errlen, "bad address %.64s: want [host]:port",
		    addr);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((rc = getaddrinfo(host[0] ? host : NULL, port, &hints, &res))) {
		snprintf(err, errlen, "%.64s: %s", addr, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (fd == -1)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 &&
		    listen(fd, 128) == 0)
			break;
		snprintf(err, errlen, "%.64s: %s", addr, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* The peer's address as text, for the log. */
static void
peer_name(int fd, char *out, size_t outlen)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	snprintf(out, outlen, "-");
	if (getpeername(fd, (struct sockaddr *)&ss, &len) == 0)
		getnameinfo((struct sockaddr *)&ss, len, out, outlen, NULL, 0,
		    NI_NUMERICHOST);
}

/* Over the child cap: answer 503 from the parent without forking.  The
 * answer is small enough for the socket buffer, so this cannot block. */
static void
refuse_busy(int fd, int tls)
{
	static const char body[] = "{\"error\": \"Service Unavailable\", "
	    "\"message\": \"too many concurrent connections\", "
	    "\"code\": 503}\n";
	char head[256];
	int  n;

	if (!tls) {
		n = snprintf(head, sizeof(head), "HTTP/1.1 503 Service "
		    "Unavailable\r\nContent-Type: application/json\r\n"
		    "Content-Length: %zu\r\nRetry-After: 1\r\n"
		    "Cache-Control: no-store\r\n"
		    "Connection: close\r\n\r\n", sizeof(body) - 1);
		if (send(fd, head, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == n)
			send(fd, body, sizeof(body) - 1,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		shutdown(fd, SHUT_WR);
	}
	close(fd);
}

/* The child: serve this one connection and exit.  It gets the default
 * signal dispositions and the mask the listener started with. */
static void
child(int lfd, int fd, const struct settings *set, struct tls *tls,
    const sigset_t *childmask)
{
	struct conn	c;
	char		remote[NI_MAXHOST], err[256];
	int		on = 1;

	close(lfd);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, childmask, NULL);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	peer_name(fd, remote, sizeof(remote));
	conn_init(&c, fd, fd, set->read_timeout, set->write_timeout);
	if (tls != NULL && conn_tls_accept(&c, tls, err, sizeof(err)) == -1) {
		log_msg("%s: %s", remote, err);
		_exit(1);
	}
	_exit(serve_one(&c, 0, set, remote));
}

/* Collect the children that have exited; returns how many. */
static int
reap(void)
{
	int n = 0;

	got_chld = 0;
	while (waitpid(-1, NULL, WNOHANG) > 0)
		n++;
	return n;
}

int
listen_main(const char *addr, const struct settings *set, struct tls *tls)
{
	struct pollfd		 pfd;
	sigset_t		 waitmask, childmask;
	char			 err[256];
	int			 lfd, fd, children = 0;
	pid_t			 pid;

	if ((lfd = bind_addr(addr, err, sizeof(err))) == -1) {
		log_msg("cannot listen: %s", err);
		return 1;
	}
	catch_signals(&waitmask, &childmask);
	log_msg("listening on %s", addr);
	for (;;) {
		if (got_chld)
			children -= reap();
		if (got_stop)
			break;
		pfd.fd = lfd;
		pfd.events = POLLIN;
		if (ppoll(&pfd, 1, NULL, &waitmask) == -1) {
			if (errno != EINTR)
				log_msg("poll: %s", strerror(errno));
			continue;
		}
		if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_msg("accept: %s", strerror(errno));
			continue;
		}
		if (children >= set->max_children) {
			refuse_busy(fd, tls != NULL);
			continue;
		}
		if ((pid = fork()) == -1) {
			log_msg("fork: %s", strerror(errno));
			refuse_busy(fd, tls != NULL);
			continue;
		}
		if (pid == 0)
			child(lfd, fd, set, tls, &childmask);
		children++;
		close(fd);
	}
	close(lfd);
	log_msg("stopping: waiting for %d connection(s)", children);
	while (children > 0 && (pid = wait(NULL)) != -1)
		children--;
	return 0;
}
