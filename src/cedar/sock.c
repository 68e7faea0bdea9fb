/*
 * sock.c — the TCP transport under a stream: connect with a deadline, and
 * read/write on a non-blocking descriptor where every wait is a poll()
 * bounded by the caller's deadline.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cedar/cedar_int.h"

int64_t
cedar_now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait until FD is ready for EVENTS or DEADLINE passes: 0 ready, -1
 * error, -2 timeout. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	struct pollfd	 pfd;
	int64_t		 left;
	int		 n;

	for (;;) {
		left = -1;
		if (deadline != 0) {
			left = deadline - cedar_now_ms();
			if (left <= 0)
				return -2;
		}
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, left > INT32_MAX ? INT32_MAX : (int)left);
		if (n > 0)
			return 0;
		if (n == 0)
			continue;	/* the loop re-checks the deadline */
		if (errno != EINTR)
			return -1;
	}
}

static ssize_t
fd_read(void *ctx, void *p, size_t n, int64_t deadline)
{
	int	 fd = *(int *)ctx;
	ssize_t	 r;
	int	 w;

	for (;;) {
		r = read(fd, p, n);
		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		if ((w = wait_fd(fd, POLLIN, deadline)) != 0)
			return w;
	}
}

/* One read into IN that must not wait: *GOT grows by what came, *EOF is
 * set at the peer's end.  0, or -1 on a read error. */
static int
read_ready(int fd, unsigned char *in, size_t room, size_t *got, int *eof)
{
	ssize_t	 r;

	do
		r = read(fd, in + *got, room - *got);
	while (r < 0 && errno == EINTR);
	if (r > 0)
		*got += (size_t)r;
	else if (r == 0)
		*eof = 1;
	else if (errno != EAGAIN && errno != EWOULDBLOCK)
		return -1;
	return 0;
}

/* Write all of P (send(MSG_NOSIGNAL), so a closed peer is an error, not
 * a SIGPIPE; write() for descriptors that are not sockets), and while
 * the peer will not take more, read what it sends into IN (ROOM bytes;
 * *GOT counts them).  A peer that
 * answers each request before it reads the next one (a schedd's QMGMT
 * loop) stops reading when its own writes block; reading its answers
 * while we wait lets it go on, so neither side waits for the other on
 * full socket buffers as long as its answers fit in ROOM. */
int
sock_write_reading(int fd, const void *vp, size_t n, unsigned char *in,
    size_t room, size_t *got, int64_t deadline)
{
	const char	*p = vp;
	struct pollfd	 pfd;
	int64_t		 left;
	ssize_t		 r;
	int		 eof = 0, k;

	*got = 0;
	while (n > 0) {
		r = send(fd, p, n, MSG_NOSIGNAL);
		if (r < 0 && errno == ENOTSOCK)
			r = write(fd, p, n);
		if (r > 0) {
			p += r;
			n -= (size_t)r;
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return -1;
		left = deadline - cedar_now_ms();
		if (deadline != 0 && left <= 0)
			return -2;
		pfd.fd = fd;
		pfd.events = POLLOUT | (!eof && *got < room ? POLLIN : 0);
		pfd.revents = 0;
		k = poll(&pfd, 1, deadline == 0 ? -1 : left > INT32_MAX ?
		    INT32_MAX : (int)left);
		if (k < 0 && errno != EINTR)
			return -1;
		if (k > 0 && (pfd.events & POLLIN) &&
		    (pfd.revents & (POLLIN | POLLHUP)) &&
		    read_ready(fd, in, room, got, &eof) == -1)
			return -1;
	}
	return 0;
}

/* Write all of P: sock_write_reading with no room to read ahead into. */
static int
fd_write(void *ctx, const void *p, size_t n, int64_t deadline)
{
	size_t	 got;

	return sock_write_reading(*(int *)ctx, p, n, NULL, 0, &got, deadline);
}

const struct cedar_io cedar_fd_io = { fd_read, fd_write, NULL };

/* One non-blocking connect attempt to AI, waiting until DEADLINE. */
static enum cedar_err
connect_one(const struct addrinfo *ai, int64_t deadline, int *fdp,
    char *err, size_t errlen)
{
	socklen_t	 sl = sizeof(int);
	int		 fd, soerr = 0, w;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, ai->ai_protocol);
	if (fd == -1) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return CEDAR_ERR_UNREACHABLE;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		goto ok;
	if (errno != EINPROGRESS) {
		snprintf(err, errlen, "connect: %s", strerror(errno));
		close(fd);
		return CEDAR_ERR_UNREACHABLE;
	}
	if ((w = wait_fd(fd, POLLOUT, deadline)) != 0) {
		snprintf(err, errlen, "connect: %s", w == -2 ?
		    "timed out" : strerror(errno));
		close(fd);
		return w == -2 ? CEDAR_ERR_TIMEOUT : CEDAR_ERR_UNREACHABLE;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 ||
	    soerr != 0) {
		snprintf(err, errlen, "connect: %s",
		    strerror(soerr ? soerr : errno));
		close(fd);
		return CEDAR_ERR_UNREACHABLE;
	}
ok:
	/* CEDAR sends small messages back to back (the handshake, one ad
	 * per message): without this, Nagle's algorithm and the peer's
	 * delayed ACK add tens of milliseconds per exchange. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	*fdp = fd;
	return CEDAR_OK;
}

/* Try every address HOST resolves to until one answers within the time
 * left.  Name resolution itself is not bounded (getaddrinfo blocks). */
enum cedar_err
cedar_tcp_connect(const char *host, const char *port, int timeout_ms,
    int *fdp, char *err, size_t errlen)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	enum cedar_err	 e = CEDAR_ERR_UNREACHABLE;
	int64_t		 deadline;
	int		 rc;

	*fdp = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_ADDRCONFIG;
	deadline = cedar_now_ms() + (timeout_ms > 0 ? timeout_ms :
	    CEDAR_DEFAULT_TIMEOUT);
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0) {
		snprintf(err, errlen, "cannot resolve %s: %s", host,
		    gai_strerror(rc));
		return CEDAR_ERR_UNREACHABLE;
	}
	snprintf(err, errlen, "no address for %s", host);
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((e = connect_one(ai, deadline, fdp, err, errlen)) ==
		    CEDAR_OK || e == CEDAR_ERR_TIMEOUT)
			break;
	}
	freeaddrinfo(res);
	return e;
}
