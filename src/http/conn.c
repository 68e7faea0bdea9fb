/*
 * conn.c — the client connection: plain or TLS, with poll(2) deadlines.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <tls.h>
#include <unistd.h>

#include "util/bounds.h"
#include "util/buf.h"
#include "http/conn.h"

long long
conn_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl != -1)
		fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

void
conn_init(struct conn *c, int rfd, int wfd, int read_timeout,
    int write_timeout)
{
	memset(c, 0, sizeof(*c));
	c->rfd = rfd;
	c->wfd = wfd;
	c->read_timeout = read_timeout;
	c->write_timeout = write_timeout;
	set_nonblock(rfd);
	if (wfd != rfd)
		set_nonblock(wfd);
}

void
conn_set_deadline(struct conn *c, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &c->deadline);
	c->deadline.tv_sec += seconds;
}

void
conn_clear_deadline(struct conn *c)
{
	c->deadline.tv_sec = c->deadline.tv_nsec = 0;
}

void
conn_set_min_rate(struct conn *c, int bytes_per_sec, int grace)
{
	c->min_rate = bytes_per_sec;
	c->rate_grace = grace;
}

void
conn_rate_start(struct conn *c)
{
	c->rate_start = conn_now_ms();
	c->rate_bytes = 0;
}

/* Milliseconds left before the reads fall below the minimum rate: the
 * grace period plus one second per min_rate bytes received, from the
 * start of counting.  LLONG_MAX when no minimum applies. */
static long long
rate_left_ms(const struct conn *c)
{
	if (c->min_rate <= 0 || c->rate_start == 0)
		return LLONG_MAX;
	return c->rate_start + (long long)c->rate_grace * 1000 +
	    c->rate_bytes * 1000 / c->min_rate - conn_now_ms();
}

/* The poll timeout for one wait: the per-operation limit, cut short by
 * the absolute deadline when one is set and, for a read (READING), by the
 * minimum rate while it counts (then *BY_RATE is set). */
static int
wait_ms(struct conn *c, int per_op_seconds, int reading, int *by_rate)
{
	long long ms = (long long)per_op_seconds * 1000, left;
	struct timespec now;

	*by_rate = 0;
	if (c->deadline.tv_sec != 0) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		left = (long long)(c->deadline.tv_sec - now.tv_sec) * 1000 +
		    (c->deadline.tv_nsec - now.tv_nsec) / 1000000;
		if (left < ms)
			ms = left;
	}
	if (reading && (left = rate_left_ms(c)) < ms) {
		ms = left;
		*by_rate = 1;
	}
	return ms < 0 ? 0 : (int)ms;
}

/* Wait until FD is ready for EVENTS, on behalf of a read when READING.
 * 0, or -1 on deadline or error. */
static int
wait_fd(struct conn *c, int fd, short events, int per_op_seconds,
    int reading)
{
	struct pollfd	pfd = { .fd = fd, .events = events };
	int		ms, n, by_rate;

	for (;;) {
		ms = wait_ms(c, per_op_seconds, reading, &by_rate);
		n = ms == 0 ? 0 : poll(&pfd, 1, ms);
		if (n > 0)
			return 0;
		if (n == 0) {
			c->timed_out = 1;
			c->too_slow = by_rate;
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR)
			return -1;
	}
}

ssize_t
conn_read(struct conn *c, void *p, size_t n)
{
	ssize_t r;

	c->timed_out = c->too_slow = 0;
	for (;;) {
		if (c->tls != NULL) {
			r = tls_read(c->tls, p, n);
			if (r == TLS_WANT_POLLIN) {
				if (wait_fd(c, c->rfd, POLLIN,
				    c->read_timeout, 1) == -1)
					return -1;
				continue;
			}
			if (r == TLS_WANT_POLLOUT) {
				if (wait_fd(c, c->wfd, POLLOUT,
				    c->read_timeout, 1) == -1)
					return -1;
				continue;
			}
		} else {
			r = read(c->rfd, p, n);
			if (r == -1 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_fd(c, c->rfd, POLLIN,
				    c->read_timeout, 1) == -1)
					return -1;
				continue;
			}
		}
		if (r == 0)
			c->eof = 1;
		if (r > 0)
			c->rate_bytes += r;
		return r < 0 ? -1 : r;
	}
}

/* Write N bytes straight to the peer, waiting at most the write timeout
 * for each bit of progress. */
static int
write_all(struct conn *c, const unsigned char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		if (c->tls != NULL) {
			w = tls_write(c->tls, p, n);
			if (w == TLS_WANT_POLLOUT || w == TLS_WANT_POLLIN) {
				if (wait_fd(c, w == TLS_WANT_POLLIN ? c->rfd :
				    c->wfd, w == TLS_WANT_POLLIN ? POLLIN :
				    POLLOUT, c->write_timeout, 0) == -1)
					goto fail;
				continue;
			}
		} else {
			w = write(c->wfd, p, n);
			if (w == -1 && (errno == EAGAIN || errno == EINTR)) {
				if (wait_fd(c, c->wfd, POLLOUT,
				    c->write_timeout, 0) == -1)
					goto fail;
				continue;
			}
		}
		if (w <= 0)
			goto fail;
		p += w;
		n -= (size_t)w;
		c->bytes_out += w;
	}
	return 0;
fail:
	c->broken = 1;
	return -1;
}

int
conn_flush(struct conn *c)
{
	struct timespec	saved = c->deadline;
	int		rc;

	if (c->broken)
		return -1;
	if (c->outlen == 0)
		return 0;
	/* Writes are bounded per operation, not by the read deadline. */
	conn_clear_deadline(c);
	rc = write_all(c, c->out, c->outlen);
	c->deadline = saved;
	c->outlen = 0;
	return rc;
}

/* conn_flush for block_put. */
static int
conn_flush_block(void *c)
{
	return conn_flush(c);
}

int
conn_write(struct conn *c, const void *p, size_t n)
{
	if (c->broken)
		return -1;
	return block_put(c->out, sizeof(c->out), &c->outlen, p, n,
	    conn_flush_block, c);
}

int
conn_puts(struct conn *c, const char *s)
{
	return conn_write(c, s, strlen(s));
}

int
conn_tls_accept(struct conn *c, struct tls *ctx, char *err, size_t errlen)
{
	int rc;

	if (tls_accept_fds(ctx, &c->tls, c->rfd, c->wfd) == -1) {
		snprintf(err, errlen, "TLS: %s", tls_error(ctx));
		return -1;
	}
	conn_set_deadline(c, c->read_timeout);
	for (;;) {
		rc = tls_handshake(c->tls);
		if (rc == 0)
			break;
		if (rc == TLS_WANT_POLLIN || rc == TLS_WANT_POLLOUT) {
			if (wait_fd(c, rc == TLS_WANT_POLLIN ? c->rfd : c->wfd,
			    rc == TLS_WANT_POLLIN ? POLLIN : POLLOUT,
			    c->read_timeout, 0) == -1) {
				snprintf(err, errlen, "TLS handshake: %s",
				    c->timed_out ? "timed out" :
				    strerror(errno));
				return -1;
			}
			continue;
		}
		snprintf(err, errlen, "TLS handshake: %s", tls_error(c->tls));
		return -1;
	}
	conn_clear_deadline(c);
	return 0;
}

/* Is FD a socket?  Only a socket can be half-closed. */
static int
is_socket(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

void
conn_close(struct conn *c)
{
	unsigned char	 junk[4096];
	long long	 until;
	size_t		 drained = 0;
	ssize_t		 r;
	int		 rc;

	conn_flush(c);
	if (c->tls != NULL) {
		conn_set_deadline(c, 1);
		while ((rc = tls_close(c->tls)) == TLS_WANT_POLLIN ||
		    rc == TLS_WANT_POLLOUT)
			if (wait_fd(c, rc == TLS_WANT_POLLIN ? c->rfd : c->wfd,
			    rc == TLS_WANT_POLLIN ? POLLIN : POLLOUT, 1, 0) == -1)
				break;
		tls_free(c->tls);
		c->tls = NULL;
	}
	if (is_socket(c->wfd) && !c->eof) {
		shutdown(c->wfd, SHUT_WR);
		until = conn_now_ms() + DRAIN_MAX_MS;
		while (drained < DRAIN_MAX_BYTES && conn_now_ms() < until) {
			struct pollfd pfd = { .fd = c->rfd, .events = POLLIN };

			if (poll(&pfd, 1, (int)(until - conn_now_ms())) <= 0)
				break;
			r = read(c->rfd, junk, sizeof(junk));
			if (r <= 0 && !(r == -1 && errno == EINTR))
				break;
			if (r > 0)
				drained += (size_t)r;
		}
	}
}
