/*
 * test_stream.c — the stream's buffered I/O (stream.c): packets cut out of
 * a read-ahead buffer whatever way the bytes arrive (split at every byte
 * boundary, one byte per read, many packets per read), EOF inside a
 * header or a body, a deadline passing with half a packet buffered, and
 * sent packets gathered into one write that goes out before we wait.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "tap.h"
#include "test_cedar_lib.h"

/* A transport over a byte string: the first read gives at most FIRST
 * bytes, the later ones at most CHUNK (0: no limit).  It counts the calls
 * and logs their order ("W" write, "R" read). */
struct chunky {
	const unsigned char	*data;
	size_t			 len, pos, first, chunk, maxask;
	int			 reads, writes;
	struct buf		 wr;
	char			 log[64];
	size_t			 loglen;
};

static void
ch_log(struct chunky *c, char what)
{
	if (c->loglen + 1 < sizeof(c->log))
		c->log[c->loglen++] = what;
}

static ssize_t
ch_read(void *ctx, void *p, size_t n, int64_t deadline)
{
	struct chunky	*c = ctx;
	size_t		 k = c->len - c->pos, lim;

	(void)deadline;
	ch_log(c, 'R');
	lim = c->reads++ == 0 ? c->first : c->chunk;
	if (n > c->maxask)
		c->maxask = n;
	if (k == 0)
		return 0;
	if (k > n)
		k = n;
	if (lim != 0 && k > lim)
		k = lim;
	memcpy(p, c->data + c->pos, k);
	c->pos += k;
	return (ssize_t)k;
}

static int
ch_write(void *ctx, const void *p, size_t n, int64_t deadline)
{
	struct chunky	*c = ctx;

	(void)deadline;
	ch_log(c, 'W');
	c->writes++;
	return buf_add(&c->wr, p, n);
}

static struct cedar_stream *
ch_stream(struct chunky *c, const struct buf *from, size_t first,
    size_t chunk)
{
	struct cedar_io	 io = { ch_read, ch_write, NULL };

	memset(c, 0, sizeof(*c));
	if (from != NULL) {
		c->data = (const unsigned char *)from->data;
		c->len = from->len;
	}
	c->first = first;
	c->chunk = chunk;
	io.ctx = c;
	return cedar_stream_new_io(&io, CEDAR_CLIENT);
}

static const unsigned char	 key[CEDAR_KEY_LEN] = { 7, 1, 2, 3 };
static unsigned char		 blob[300];

/* Three messages: an int and a string in packets of 5 bytes, 300 bytes
 * in one packet, a string; sealed when CRYPTO.  WIRE gets the bytes,
 * ENDS the offsets where each message ends. */
static int
make_wire(int crypto, struct buf *wire, size_t ends[3])
{
	struct chunky		 c;
	struct cedar_stream	*s = ch_stream(&c, NULL, 0, 0);
	size_t			 i;
	int			 rc;

	for (i = 0; i < sizeof(blob); i++)
		blob[i] = (unsigned char)(i * 7 + 1);
	if (crypto)
		cedar_install_key(s, key);
	cedar_set_packet_size(s, 5);
	cedar_put_int(s, 42);
	cedar_put_string(s, "hello");
	cedar_send_eom(s);
	cedar_flush(s);
	ends[0] = c.wr.len;
	cedar_set_packet_size(s, CEDAR_SEND_PACKET);
	cedar_put_bytes(s, blob, sizeof(blob));
	cedar_send_eom(s);
	cedar_flush(s);
	ends[1] = c.wr.len;
	cedar_put_string(s, "last");
	cedar_send_eom(s);
	rc = cedar_flush(s);
	ends[2] = c.wr.len;
	buf_add(wire, c.wr.data, c.wr.len);
	cedar_stream_free(s);
	buf_free(&c.wr);
	return rc;
}

/* Read the three messages of make_wire: 0, or -1 (the stream says why). */
static int
read_wire(struct cedar_stream *s)
{
	unsigned char	 got[sizeof(blob)];
	int64_t		 v;
	char		*a = NULL, *b = NULL;
	int		 ok;

	ok = cedar_get_int(s, &v) == 0 && v == 42 &&
	    cedar_get_string(s, &a) == 0 && strcmp(a, "hello") == 0 &&
	    cedar_recv_eom(s) == 0 &&
	    cedar_get_bytes(s, got, sizeof(got)) == 0 &&
	    memcmp(got, blob, sizeof(got)) == 0 && cedar_recv_eom(s) == 0 &&
	    cedar_get_string(s, &b) == 0 && strcmp(b, "last") == 0 &&
	    cedar_recv_eom(s) == 0;
	free(a);
	free(b);
	return ok ? 0 : -1;
}

/* Whatever way the bytes are cut, the same messages come out: the first
 * read ends at each byte boundary in turn; or every read gives one byte. */
static void
test_splits(int crypto)
{
	struct buf		 wire = BUF_INIT;
	struct chunky		 c;
	struct cedar_stream	*s;
	size_t			 ends[3], k, bad = 0;
	int64_t			 v;
	int			 ok;

	make_wire(crypto, &wire, ends);
	for (k = 1; k <= wire.len; k++) {
		s = ch_stream(&c, &wire, k, 0);
		if (crypto)
			cedar_install_key(s, key);
		if (read_wire(s) == -1 || cedar_get_int(s, &v) != -1 ||
		    cedar_status(s) != CEDAR_ERR_CLOSED) {
			if (bad++ == 0)
				tap_diag("split at %zu: %s", k, cedar_error(s));
		}
		cedar_stream_free(s);
	}
	tap_ok(bad == 0, "%s: %zu bytes split after every byte: the same "
	    "three messages", crypto ? "sealed" : "plaintext", wire.len);

	s = ch_stream(&c, &wire, 1, 1);
	if (crypto)
		cedar_install_key(s, key);
	ok = read_wire(s) == 0;
	tap_ok(ok && c.reads == (int)wire.len,
	    "%s: one byte per read (%d reads): the same three messages",
	    crypto ? "sealed" : "plaintext", c.reads);
	cedar_stream_free(s);

	/* Before the read-ahead buffer each packet took two reads. */
	s = ch_stream(&c, &wire, 0, 0);
	if (crypto)
		cedar_install_key(s, key);
	ok = read_wire(s) == 0;
	tap_ok(ok && c.reads == 1,
	    "%s: every packet of three messages from one read (%d reads)",
	    crypto ? "sealed" : "plaintext", c.reads);
	cedar_stream_free(s);
	buf_free(&wire);
}

/* EOF after every prefix of the bytes: "closed" exactly at a message
 * boundary, a protocol error inside a header or a body. */
static void
test_eof(void)
{
	struct buf		 wire = BUF_INIT, cut = BUF_INIT;
	struct chunky		 c;
	struct cedar_stream	*s;
	size_t			 ends[3], k, bad = 0, nclosed = 0;
	enum cedar_err		 want;

	make_wire(1, &wire, ends);
	for (k = 0; k < wire.len; k++) {
		buf_reset(&cut);
		buf_add(&cut, wire.data, k);
		s = ch_stream(&c, &cut, 0, 0);
		cedar_install_key(s, key);
		want = k == 0 || k == ends[0] || k == ends[1] ?
		    CEDAR_ERR_CLOSED : CEDAR_ERR_PROTOCOL;
		nclosed += want == CEDAR_ERR_CLOSED;
		if (read_wire(s) != -1 || cedar_status(s) != want ||
		    (want == CEDAR_ERR_PROTOCOL && strstr(cedar_error(s),
		    "in the middle of a packet") == NULL)) {
			if (bad++ == 0)
				tap_diag("EOF at %zu: %s", k, cedar_error(s));
		}
		cedar_stream_free(s);
	}
	tap_ok(bad == 0 && nclosed == 3, "EOF after each of %zu prefixes: "
	    "closed at the 3 message boundaries, \"in the middle of a "
	    "packet\" inside every header and body", wire.len);
	buf_free(&cut);
	buf_free(&wire);
}

/* Write P one byte at a time, each after a short pause, then close. */
static void
dribble(int fd, const struct buf *p)
{
	size_t	 i;

	for (i = 0; i < p->len; i++) {
		if (write(fd, p->data + i, 1) != 1)
			_exit(1);
		usleep(200);
	}
	close(fd);
	_exit(0);
}

/* A real socket: a writer that sends one byte at a time; and a deadline
 * that passes while half a packet waits in the buffer. */
static void
test_socket(void)
{
	struct buf		 wire = BUF_INIT;
	struct cedar_stream	*s;
	size_t			 ends[3];
	int			 sv[2], st = 0, ok;
	int64_t			 t0, v;
	pid_t			 pid;
	char			*str = NULL;

	make_wire(1, &wire, ends);
	if (!tap_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
	    "socketpair"))
		return;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		dribble(sv[1], &wire);
	}
	close(sv[1]);
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_timeout(s, 5000);
	cedar_install_key(s, key);
	ok = read_wire(s) == 0 && cedar_get_int(s, &v) == -1;
	tap_ok(ok && cedar_status(s) == CEDAR_ERR_CLOSED,
	    "a peer writing one byte at a time: three messages, then closed "
	    "(%s)", cedar_error(s));
	cedar_stream_free(s);
	waitpid(pid, &st, 0);

	/* The first message and half of the second's first packet. */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if (write(sv[1], wire.data, ends[0] + 20) != (ssize_t)ends[0] + 20)
		tap_diag("short write");
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_timeout(s, 100);
	cedar_install_key(s, key);
	tap_ok(cedar_get_int(s, &v) == 0 && v == 42 &&
	    cedar_get_string(s, &str) == 0 && cedar_recv_eom(s) == 0,
	    "the whole message before the partial packet is read");
	t0 = cedar_now_ms();
	ok = cedar_recv_message(s) == -1;
	t0 = cedar_now_ms() - t0;
	tap_ok(ok && cedar_status(s) == CEDAR_ERR_TIMEOUT && t0 >= 90 &&
	    t0 < 2000,
	    "half a packet buffered: the step deadline still ends the wait "
	    "(%s)", cedar_error(s));
	free(str);
	cedar_stream_free(s);
	close(sv[1]);
	buf_free(&wire);
}

/* Messages sent before we wait go out in one write, before the read;
 * a full queue is written as it fills; free writes what is left. */
static void
test_gather(void)
{
	struct buf		 wire = BUF_INIT;
	struct chunky		 c, r;
	struct cedar_stream	*s, *rs;
	unsigned char		 big[1000];
	int64_t			 v;
	int			 i, ok = 1;

	buf_adds(&wire, "");
	tl_unhex("0100000008000000000000002a", &wire);
	s = ch_stream(&c, &wire, 0, 0);
	for (i = 0; i < 3; i++) {
		cedar_put_int(s, i);
		cedar_send_eom(s);
	}
	tap_ok(c.writes == 0, "three messages queued, nothing written");
	ok = cedar_get_int(s, &v) == 0 && v == 42;
	tap_ok(ok && c.writes == 1 &&
	    strncmp(c.log, "WR", 2) == 0 && c.wr.len == 3 * 13,
	    "the read that waits writes them first, in one write (%.*s)",
	    (int)c.loglen, c.log);
	cedar_stream_free(s);
	buf_free(&c.wr);

	/* 100 messages of 1000 bytes: written as 64 KiB fill. */
	s = ch_stream(&c, NULL, 0, 0);
	for (i = 0; i < 100; i++) {
		memset(big, i, sizeof(big));
		cedar_put_bytes(s, big, sizeof(big));
		cedar_send_eom(s);
	}
	tap_ok(c.writes == 1 && c.wr.len <= CEDAR_IO_BUF,
	    "a full queue is written (%d write, %zu bytes)", c.writes,
	    c.wr.len);
	cedar_stream_free(s);
	tap_ok(c.writes == 2 && c.wr.len == 100 * (5 + sizeof(big)),
	    "freeing the stream writes the rest (%zu bytes)", c.wr.len);
	rs = ch_stream(&r, &c.wr, 0, 0);
	for (i = 0; i < 100 && ok; i++)
		ok = cedar_get_bytes(rs, big, sizeof(big)) == 0 &&
		    big[0] == i && big[999] == i && cedar_recv_eom(rs) == 0;
	tap_ok(ok, "the 100 messages arrive in order");
	cedar_stream_free(rs);
	buf_free(&c.wr);

	/* A refusal queued, then an error recorded: it still goes out. */
	s = ch_stream(&c, NULL, 0, 0);
	cedar_put_int(s, 0);
	cedar_send_eom(s);
	cedar_fail(s, CEDAR_ERR_DENIED, "denied");
	tap_ok(cedar_flush(s) == -1 && c.wr.len == 13,
	    "a reply queued before an error is still written");
	cedar_stream_free(s);
	buf_free(&c.wr);
	buf_free(&wire);
}

/* A FileTransfer-sized packet: sent in one write of its own, received
 * with its bulk read straight into the message. */
static void
test_large(void)
{
	struct chunky		 c, r;
	struct cedar_stream	*s, *rs;
	unsigned char		*p = malloc(300000), *q = malloc(300000);
	size_t			 i;
	int			 ok;

	for (i = 0; i < 300000; i++)
		p[i] = (unsigned char)(i % 251);
	s = ch_stream(&c, NULL, 0, 0);
	cedar_install_key(s, key);
	cedar_put_int(s, 1);
	cedar_send_eom(s);
	cedar_set_packet_size(s, 262144);
	cedar_put_bytes(s, p, 300000);
	cedar_send_eom(s);
	cedar_flush(s);
	tap_ok(c.writes == 3, "a small message, then two large packets: "
	    "three writes (%d)", c.writes);
	rs = ch_stream(&r, &c.wr, 0, 0);
	cedar_install_key(rs, key);
	memset(q, 0, 300000);
	ok = cedar_get_int(rs, &(int64_t){0}) == 0 &&
	    cedar_recv_eom(rs) == 0 && cedar_get_bytes(rs, q, 300000) == 0 &&
	    memcmp(p, q, 300000) == 0 && cedar_recv_eom(rs) == 0;
	tap_ok(ok, "300,000 bytes in packets of 256 KiB arrive intact");
	tap_ok(r.maxask > CEDAR_IO_BUF && r.reads <= 4,
	    "the bulk of a large packet is read into the message directly "
	    "(%d reads, largest %zu)", r.reads, r.maxask);
	cedar_stream_free(rs);
	cedar_stream_free(s);
	buf_free(&c.wr);
	free(p);
	free(q);
}

/* The message cap counts plaintext: a sealed packet's IV and tag do not
 * count against it. */
static void
test_cap(void)
{
	struct chunky		 c, r;
	struct cedar_stream	*s, *rs;
	unsigned char		 b[17] = { 0 };

	s = ch_stream(&c, NULL, 0, 0);
	cedar_install_key(s, key);
	cedar_put_bytes(s, b, 16);
	cedar_send_eom(s);
	cedar_put_bytes(s, b, 17);
	cedar_send_eom(s);
	cedar_flush(s);
	rs = ch_stream(&r, &c.wr, 0, 0);
	cedar_install_key(rs, key);
	cedar_set_max_message(rs, 16);
	tap_ok(cedar_get_bytes(rs, b, 16) == 0 && cedar_recv_eom(rs) == 0,
	    "a sealed 16-byte message under a 16-byte cap");
	tap_ok(cedar_get_bytes(rs, b, 17) == -1 && strstr(cedar_error(rs),
	    "exceeds"), "a sealed 17-byte message is refused");
	cedar_stream_free(rs);
	cedar_stream_free(s);
	buf_free(&c.wr);
}

/* cedar_message_ready looks only at what was read ahead: nothing before
 * the first read, 0 for part of a message, 1 for a whole one. */
static void
test_ready(void)
{
	struct buf		 wire = BUF_INIT;
	struct chunky		 c;
	struct cedar_stream	*s;
	size_t			 ends[3];
	int64_t			 v;
	char			*str = NULL;
	int			 ok;

	make_wire(0, &wire, ends);
	s = ch_stream(&c, &wire, ends[0] + 3, 0);
	tap_ok(cedar_message_ready(s) == 0 && c.reads == 0,
	    "nothing read yet: not ready, and no read to find out");
	ok = cedar_get_int(s, &v) == 0 && cedar_get_string(s, &str) == 0 &&
	    cedar_recv_eom(s) == 0;
	tap_ok(ok && cedar_message_ready(s) == 0 && c.reads == 1,
	    "three bytes of the next message buffered: not ready");
	free(str);
	cedar_stream_free(s);
	s = ch_stream(&c, &wire, ends[1], 0);
	ok = cedar_get_int(s, &v) == 0 && cedar_get_string(s, &str) == 0 &&
	    cedar_recv_eom(s) == 0;
	tap_ok(ok && cedar_message_ready(s) == 1 && c.reads == 1,
	    "the next message whole in the buffer: ready");
	tap_ok(cedar_recv_message(s) == 0 && cedar_message_ready(s) == 1 &&
	    c.reads == 1, "a loaded message is ready");
	free(str);
	cedar_stream_free(s);
	buf_free(&wire);
}

/* The schedd's QMGMT loop answers each request before it reads the next,
 * and blocks when its answers are not read.  Here a peer with tiny socket
 * buffers writes all its 2000 answers before reading any of our 300 kB:
 * a write that only waited for the peer to read would wait forever. */
static void
test_duplex(void)
{
	struct chunky		 c;
	struct cedar_stream	*s;
	unsigned char		 big[1000], *in;
	size_t			 want = 300 * (CEDAR_HDR_LEN + sizeof(big)), got;
	int			 sv[2], i, small = 4096, st = -1, ok = 1;
	int64_t			 v;
	ssize_t			 r;
	pid_t			 pid;

	s = ch_stream(&c, NULL, 0, 0);
	for (i = 0; i < 2000; i++) {
		cedar_put_int(s, i);
		cedar_send_eom(s);
	}
	cedar_flush(s);
	cedar_stream_free(s);
	if (!tap_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
	    "socketpair"))
		return;
	for (i = 0; i < 2; i++) {
		setsockopt(sv[i], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
		setsockopt(sv[i], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	}
	if ((pid = fork()) == 0) {
		close(sv[0]);
		if (write(sv[1], c.wr.data, c.wr.len) != (ssize_t)c.wr.len)
			_exit(2);
		in = malloc(want);
		for (got = 0; got < want; got += (size_t)r)
			if ((r = read(sv[1], in + got, want - got)) <= 0)
				_exit(3);
		_exit(0);
	}
	close(sv[1]);
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_timeout(s, 3000);
	for (i = 0; i < 300; i++) {
		memset(big, i, sizeof(big));
		cedar_put_bytes(s, big, sizeof(big));
		cedar_send_eom(s);
	}
	ok = cedar_flush(s) == 0;
	tap_ok(ok, "300 kB written while the peer's 2000 answers wait "
	    "unread (%s)", cedar_error(s));
	for (i = 0; i < 2000 && ok; i++)
		ok = cedar_get_int(s, &v) == 0 && v == i &&
		    cedar_recv_eom(s) == 0;
	tap_ok(ok, "then every answer reads back in order (%s)",
	    cedar_error(s));
	cedar_stream_free(s);
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the peer got every byte (status %d)", st);
	buf_free(&c.wr);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_splits(0);
	test_splits(1);
	test_eof();
	test_socket();
	test_gather();
	test_large();
	test_cap();
	test_ready();
	test_duplex();
	return tap_done();
}
