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
#include "util/bounds.h"
#include "util/file.h"

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
		    listen(fd, LISTEN_BACKLOG) == 0)
			break;
		snprintf(err, errlen, "%.64s: %s", addr, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/* Refuse a connection with 503 from the parent, without forking (the
 * fork failed, or the peer is over HTTP_API_MAX_PER_IP).  WHY is a fixed
 * message.  The answer is small enough for the socket buffer, so this
 * cannot block; under TLS the connection is only closed. */
static void
refuse_busy(int fd, int tls, const char *why)
{
	char	body[192], head[256];
	int	blen, n;

	if (!tls) {
		blen = snprintf(body, sizeof(body), "{\"error\": \"Service "
		    "Unavailable\", \"message\": \"%s\", \"code\": 503}\n",
		    why);
		n = snprintf(head, sizeof(head), "HTTP/1.1 503 Service "
		    "Unavailable\r\nContent-Type: application/json\r\n"
		    "Content-Length: %d\r\nRetry-After: 1\r\n"
		    "Cache-Control: no-store\r\n"
		    "Connection: close\r\n\r\n", blen);
		if (send(fd, head, (size_t)n, MSG_DONTWAIT | MSG_NOSIGNAL) == n)
			send(fd, body, (size_t)blen,
			    MSG_DONTWAIT | MSG_NOSIGNAL);
		shutdown(fd, SHUT_WR);
	}
	close(fd);
}

/* The peer address of an accepted connection as 16 bytes, an IPv4 peer
 * in its IPv4-mapped IPv6 form, so that one client counts as one peer
 * whichever socket family it came in on. */
static void
peer_key(const struct sockaddr_storage *ss, unsigned char key[16])
{
	const struct sockaddr_in	*sin = (const void *)ss;
	const struct sockaddr_in6	*sin6 = (const void *)ss;

	memset(key, 0, 16);
	if (ss->ss_family == AF_INET6)
		memcpy(key, &sin6->sin6_addr, 16);
	else if (ss->ss_family == AF_INET) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, &sin->sin_addr, 4);
	}
}

/* The children in progress and their peers: a fixed table of
 * HTTP_API_MAX_CHILDREN slots, pid 0 marking a free one. */
struct child_slot {
	pid_t		pid;
	unsigned char	peer[16];
};

struct children {
	struct child_slot	*slot;
	int			 max, count;
};

/* How many children serve PEER now. */
static int
children_of_peer(const struct children *ch, const unsigned char peer[16])
{
	int i, n = 0;

	for (i = 0; i < ch->max; i++)
		if (ch->slot[i].pid != 0 &&
		    memcmp(ch->slot[i].peer, peer, 16) == 0)
			n++;
	return n;
}

/* Record child PID serving PEER in a free slot (there is one: the loop
 * forks only below the cap). */
static void
children_add(struct children *ch, pid_t pid, const unsigned char peer[16])
{
	int i;

	for (i = 0; i < ch->max; i++)
		if (ch->slot[i].pid == 0) {
			ch->slot[i].pid = pid;
			memcpy(ch->slot[i].peer, peer, 16);
			ch->count++;
			return;
		}
}

/* Collect the children that have exited and free their slots. */
static void
children_reap(struct children *ch)
{
	pid_t	pid;
	int	i;

	got_chld = 0;
	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < ch->max; i++)
			if (ch->slot[i].pid == pid) {
				ch->slot[i].pid = 0;
				ch->count--;
				break;
			}
}

/* The child: serve this one connection and exit.  It gets the default
 * signal dispositions and the mask the listener started with. */
static void
child(int lfd, int fd, const struct settings *set, struct tls *tls,
    const sigset_t *childmask)
{
	struct conn	c;
	char		remote[NI_MAXHOST], err[256];
	const char	*peer = remote;
	int		on = 1;

	close(lfd);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	sigprocmask(SIG_SETMASK, childmask, NULL);
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
	if (serve_socket_peer(fd, remote, sizeof(remote)) == -1) {
		snprintf(remote, sizeof(remote), "-");
		peer = NULL;
	}
	conn_init(&c, fd, fd, set->read_timeout, set->write_timeout);
	if (tls != NULL && conn_tls_accept(&c, tls, err, sizeof(err)) == -1) {
		log_msg("%s: %s", remote, err);
		_exit(1);
	}
	_exit(serve_one(&c, 0, set, remote, peer));
}

/* Fork a child for the accepted connection FD from PEER, or refuse it
 * when the peer is at HTTP_API_MAX_PER_IP or the fork fails.  The loop
 * accepts only below HTTP_API_MAX_CHILDREN, so a slot is free. */
static void
serve_or_refuse(int lfd, int fd, const struct sockaddr_storage *peer,
    struct children *ch, const struct settings *set, struct tls *tls,
    const sigset_t *childmask)
{
	unsigned char	key[16];
	pid_t		pid;

	peer_key(peer, key);
	if (set->max_per_ip > 0 && children_of_peer(ch, key) >=
	    set->max_per_ip) {
		refuse_busy(fd, tls != NULL, "too many concurrent "
		    "connections from this address");
		return;
	}
	if ((pid = fork()) == -1) {
		log_msg("fork: %s", strerror(errno));
		refuse_busy(fd, tls != NULL, "cannot start a process");
		return;
	}
	if (pid == 0)
		child(lfd, fd, set, tls, childmask);
	children_add(ch, pid, key);
	close(fd);
}

static int	listen_loop(int, const char *, const struct settings *,
		    struct tls *);

int
listen_bind(const char *addr, char *err, size_t errlen)
{
	return bind_addr(addr, err, errlen);
}

/* The listener's own session cache: unless one is configured (or systemd
 * gave a RuntimeDirectory), a private directory for its children, made
 * mode 0700 under TMPDIR and removed when the listener stops.  A
 * failure only costs the cache.  Returns the directory or NULL. */
static char *
session_dir_make(const struct settings *set)
{
	const char	*tmp;
	char		*dir;

	if (set->session_cache_dir != NULL ||
	    set->session_cache_lifetime == 0)
		return NULL;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp != '/')
		tmp = "/tmp";
	if (asprintf(&dir, "%s/htcondor-api-sessions.XXXXXX", tmp) == -1)
		return NULL;
	if (mkdtemp(dir) == NULL) {
		log_msg("no session cache: cannot make a directory in %s: %s",
		    tmp, strerror(errno));
		free(dir);
		return NULL;
	}
	return dir;
}

int
listen_serve(int lfd, const char *addr, const struct settings *set,
    struct tls *tls)
{
	struct settings		 own = *set;
	char			*dir;
	int			 rc;

	if ((dir = session_dir_make(set)) != NULL)
		own.session_cache_dir = dir;
	rc = listen_loop(lfd, addr, &own, tls);
	if (dir != NULL) {
		(void)file_remove_tree(dir);
		free(dir);
	}
	return rc;
}

/* Accept connections and serve each in a child until told to stop. */
static int
listen_loop(int lfd, const char *addr, const struct settings *set,
    struct tls *tls)
{
	struct sockaddr_storage	 peer;
	struct children		 ch;
	struct pollfd		 pfd;
	socklen_t		 peerlen;
	sigset_t		 waitmask, childmask;
	int			 fd;

	memset(&ch, 0, sizeof(ch));
	ch.max = set->max_children;
	if ((ch.slot = calloc((size_t)ch.max, sizeof(*ch.slot))) == NULL) {
		log_msg("cannot listen: out of memory");
		close(lfd);
		return 1;
	}
	catch_signals(&waitmask, &childmask);
	log_msg("listening on %s", addr);
	for (;;) {
		if (got_chld)
			children_reap(&ch);
		if (got_stop)
			break;
		/* At the child cap, wait for a signal only: new
		 * connections queue in the kernel until a child exits. */
		pfd.fd = lfd;
		pfd.events = POLLIN;
		if (ppoll(&pfd, ch.count < ch.max ? 1 : 0, NULL,
		    &waitmask) == -1) {
			if (errno != EINTR)
				log_msg("poll: %s", strerror(errno));
			continue;
		}
		peerlen = sizeof(peer);
		if ((fd = accept4(lfd, (struct sockaddr *)&peer, &peerlen,
		    SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != EINTR && errno != ECONNABORTED)
				log_msg("accept: %s", strerror(errno));
			continue;
		}
		serve_or_refuse(lfd, fd, &peer, &ch, set, tls, &childmask);
	}
	close(lfd);
	log_msg("stopping: waiting for %d connection(s)", ch.count);
	while (ch.count > 0 && wait(NULL) != -1)
		ch.count--;
	free(ch.slot);
	return 0;
}

int
listen_main(const char *addr, const struct settings *set, struct tls *tls)
{
	char	 err[256];
	int	 lfd;

	if ((lfd = listen_bind(addr, err, sizeof(err))) == -1) {
		log_msg("cannot listen: %s", err);
		return 1;
	}
	return listen_serve(lfd, addr, set, tls);
}
