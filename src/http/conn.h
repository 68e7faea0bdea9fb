/*
 * conn.h — the client connection: a pair of file descriptors (fds 0/1
 * under inetd, systemd and tcpserver; the accepted socket under --listen;
 * stdin/stdout under CGI), optionally wrapped in TLS by libtls, with read
 * and write deadlines enforced by poll(2).  Nothing here knows HTTP.
 */
#ifndef CONN_H
#define CONN_H

#include <stddef.h>
#include <sys/types.h>
#include <time.h>

struct tls;

#define CONN_BUFSIZE	16384

struct conn {
	int		 rfd, wfd;
	struct tls	*tls;		/* NULL for a plain connection */
	int		 read_timeout;	/* s: a read may stall this long */
	int		 write_timeout;	/* s: a write may stall this long */
	struct timespec	 deadline;	/* absolute; {0,0} = none */
	int		 timed_out;	/* the last failure was a deadline */
	int		 too_slow;	/* ... the minimum rate's deadline */
	int		 min_rate;	/* bytes/s reads must average; 0 = off */
	int		 rate_grace;	/* s of reading before the rate counts */
	long long	 rate_start;	/* ms when counting began; 0 = not yet */
	long long	 rate_bytes;	/* bytes read since rate_start */
	int		 eof;
	int		 broken;	/* a write failed: output is lost */
	long long	 bytes_out;	/* bytes handed to the peer */
	unsigned char	 out[CONN_BUFSIZE];
	size_t		 outlen;
};

/* Set up C on RFD/WFD, plain, with the given per-operation timeouts.  The
 * descriptors are made non-blocking so poll deadlines hold. */
void	 conn_init(struct conn *c, int rfd, int wfd, int read_timeout,
	    int write_timeout);

/* Run the TLS server handshake with CTX on C's descriptors, within the
 * read timeout.  0, or -1 with ERR. */
int	 conn_tls_accept(struct conn *c, struct tls *ctx, char *err,
	    size_t errlen);

/* Set an absolute deadline, SECONDS from now, that bounds every read
 * until it is cleared with conn_clear_deadline. */
void	 conn_set_deadline(struct conn *c, int seconds);
void	 conn_clear_deadline(struct conn *c);

/* Require reads to average BYTES_PER_SEC (0: no minimum) once counting
 * has begun: after GRACE seconds plus one second per BYTES_PER_SEC bytes
 * received, a read fails as a deadline with c->too_slow set.  This bounds
 * how long a trickle can hold the process, without an overall deadline
 * that would cut a large upload on a slow but steady link. */
void	 conn_set_min_rate(struct conn *c, int bytes_per_sec, int grace);

/* Start counting for the minimum rate now (at the start of a body). */
void	 conn_rate_start(struct conn *c);

/* Read at most N bytes.  Returns the count, 0 at end of input, or -1 on
 * error or deadline (then c->timed_out tells which, and c->too_slow
 * whether it was the minimum rate's). */
ssize_t	 conn_read(struct conn *c, void *p, size_t n);

/* Queue N bytes for the peer, flushing as the buffer fills.  0, or -1 when
 * the peer is gone or a write stalled past the write timeout. */
int	 conn_write(struct conn *c, const void *p, size_t n);
int	 conn_puts(struct conn *c, const char *s);

/* Send everything queued.  0 or -1. */
int	 conn_flush(struct conn *c);

/* End the connection politely: flush, close TLS, half-close the socket
 * and drain what the client still sends (bounded) so that unread request
 * bytes do not turn our answer into a TCP reset. */
void	 conn_close(struct conn *c);

/* Milliseconds on the monotonic clock, for deadlines and logs. */
long long conn_now_ms(void);

#endif
