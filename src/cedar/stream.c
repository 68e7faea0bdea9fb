/*
 * stream.c — a CEDAR stream (HTCondor's ReliSock, reli_sock.cpp and
 * buffers.cpp): fields are encoded into an output message and sent as
 * packets at end-of-message; received packets are gathered into one message
 * that the decoders read with a cursor.  Before the session key every
 * plaintext packet feeds the handshake digests; after it every packet is
 * sealed with AES-256-GCM, the first one in each direction bound to the
 * digests.
 *
 * The socket is used in large pieces: received bytes are read ahead into a
 * fixed buffer and packets cut out of it, and sent packets are gathered
 * and written together just before we wait for the peer (or when the
 * buffer fills), so a listing of a thousand ads costs a few system calls,
 * not two per packet.  Both buffers are allocated once per stream.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>

#include <openssl/crypto.h>

#include "cedar/cedar_int.h"
const char *
cedar_err_name(enum cedar_err e)
{
	static const char *names[] = { "ok", "unreachable", "timeout",
	    "closed", "protocol", "token", "denied", "internal",
	    "no-session" };

	if ((unsigned)e < sizeof(names) / sizeof(names[0]))
		return names[e];
	return "unknown";
}

static struct cedar_stream *
stream_alloc(enum cedar_role role)
{
	struct cedar_stream	*s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->role = role;
	s->fd = -1;
	s->timeout_ms = CEDAR_DEFAULT_TIMEOUT;
	s->rng = cedar_rng_default;
	s->packet_size = CEDAR_SEND_PACKET;
	s->max_message = CEDAR_MAX_MESSAGE;
	s->in.cap = s->max_message + CEDAR_IV_LEN + CEDAR_TAG_LEN;
	s->out.cap = s->max_message;
	if ((s->wbuf = malloc(CEDAR_IO_BUF)) == NULL ||
	    (s->rbuf = malloc(CEDAR_IO_BUF)) == NULL) {
		free(s->wbuf);
		free(s);
		return NULL;
	}
	return s;
}

struct cedar_stream *
cedar_stream_new(int fd, enum cedar_role role)
{
	struct cedar_stream	*s;
	int			 fl;

	if ((s = stream_alloc(role)) == NULL)
		return NULL;
	if ((fl = fcntl(fd, F_GETFL)) != -1)
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	s->fd = fd;
	s->io = cedar_fd_io;
	s->io.ctx = &s->fd;
	return s;
}

struct cedar_stream *
cedar_stream_new_io(const struct cedar_io *io, enum cedar_role role)
{
	struct cedar_stream	*s;

	if ((s = stream_alloc(role)) == NULL)
		return NULL;
	s->io = *io;
	return s;
}

static void
digest_free(struct cedar_digest *d)
{
	EVP_MD_CTX_free(d->ctx);
	memset(d, 0, sizeof(*d));
}

/* Closing sends what is still queued: the last reply of a command is
 * often not followed by a read, and a refusal is queued before the error
 * is recorded.  A transport failure has already emptied the queue. */
void
cedar_stream_free(struct cedar_stream *s)
{
	if (s == NULL)
		return;
	(void)cedar_flush(s);
	OPENSSL_cleanse(s->wbuf, CEDAR_IO_BUF);
	OPENSSL_cleanse(s->rbuf, CEDAR_IO_BUF);
	free(s->wbuf);
	free(s->rbuf);
	if (s->fd != -1)
		close(s->fd);
	buf_wipe(&s->out);
	buf_wipe(&s->in);
	buf_wipe(&s->replay);
	digest_free(&s->dsend);
	digest_free(&s->drecv);
	OPENSSL_cleanse(s, sizeof(*s));
	free(s);
}

void
cedar_set_timeout(struct cedar_stream *s, int ms)
{
	s->timeout_ms = ms > 0 ? ms : CEDAR_DEFAULT_TIMEOUT;
}

void
cedar_set_deadline(struct cedar_stream *s, int64_t abs_ms)
{
	s->deadline = abs_ms;
}

void
cedar_set_rng(struct cedar_stream *s, const struct cedar_rng *r)
{
	s->rng = *r;
}

void
cedar_set_max_message(struct cedar_stream *s, size_t n)
{
	s->max_message = n > 0 ? n : CEDAR_MAX_MESSAGE;
	s->out.cap = s->max_message;
	s->in.cap = s->max_message + CEDAR_IV_LEN + CEDAR_TAG_LEN;
}

void
cedar_set_packet_size(struct cedar_stream *s, size_t n)
{
	if (n >= 1 && n <= CEDAR_MAX_PACKET)
		s->packet_size = n;
}

size_t
cedar_packet_size(const struct cedar_stream *s)
{
	return s->packet_size;
}

enum cedar_err
cedar_status(const struct cedar_stream *s)
{
	return s->status;
}

const char *
cedar_error(const struct cedar_stream *s)
{
	return s->status == CEDAR_OK ? "" : s->err;
}

int
cedar_encrypted(const struct cedar_stream *s)
{
	return s->crypto;
}

/* The first error sticks: later calls fail without touching the wire, and
 * the message keeps the original cause. */
int
cedar_fail(struct cedar_stream *s, enum cedar_err e, const char *fmt, ...)
{
	va_list	 ap;

	if (s->status != CEDAR_OK)
		return -1;
	s->status = e;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof(s->err), fmt, ap);
	va_end(ap);
	return -1;
}

int
stream_rand(struct cedar_stream *s, enum cedar_rand_use use,
    unsigned char *out, size_t n)
{
	if (s->rng.fill(s->rng.arg, use, out, n) == -1)
		return cedar_fail(s, CEDAR_ERR_INTERNAL,
		    "no random bytes available");
	return 0;
}

/* The deadline of the next blocking step: the per-step timeout, capped by
 * the overall deadline. */
static int64_t
step_deadline(const struct cedar_stream *s)
{
	int64_t	 d = cedar_now_ms() + s->timeout_ms;

	if (s->deadline != 0 && s->deadline < d)
		d = s->deadline;
	return d;
}

/* ---- handshake digests (ReliSock, feeding the AES-GCM AAD) ---- */

void
cedar_reset_digests(struct cedar_stream *s)
{
	digest_free(&s->dsend);
	digest_free(&s->drecv);
	s->frozen = 0;
}

/* Hash one plaintext packet, header as on the wire then payload, until
 * the key freezes the digests or more than 1 MiB went through. */
static int
digest_packet(struct cedar_digest *d, const unsigned char *hdr,
    const unsigned char *p, size_t n)
{
	if (d->over)
		return 0;
	if (d->bytes + n > CEDAR_DIGEST_LIMIT) {
		d->over = 1;
		return 0;
	}
	if (d->ctx == NULL) {
		if ((d->ctx = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestInit_ex(d->ctx, EVP_sha256(), NULL) != 1)
			return -1;
	}
	if (EVP_DigestUpdate(d->ctx, hdr, CEDAR_HDR_LEN) != 1 ||
	    EVP_DigestUpdate(d->ctx, p, n) != 1)
		return -1;
	d->bytes += n;
	return 0;
}

/* The value of a digest: SHA-256 of what was hashed, or 32 zero bytes
 * when nothing was.  Finalizes a copy so the running state survives. */
static int
digest_value(const struct cedar_digest *d, unsigned char out[CEDAR_DIGEST_LEN])
{
	EVP_MD_CTX	*c;
	unsigned int	 len = 0;
	int		 ok;

	if (d->ctx == NULL) {
		memset(out, 0, CEDAR_DIGEST_LEN);
		return 0;
	}
	if ((c = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_MD_CTX_copy_ex(c, d->ctx) == 1 &&
	    EVP_DigestFinal_ex(c, out, &len) == 1 && len == CEDAR_DIGEST_LEN;
	EVP_MD_CTX_free(c);
	return ok ? 0 : -1;
}

void
cedar_get_digests(struct cedar_stream *s, unsigned char S[CEDAR_DIGEST_LEN],
    unsigned char R[CEDAR_DIGEST_LEN])
{
	if (s->frozen) {
		memcpy(S, s->dsend.value, CEDAR_DIGEST_LEN);
		memcpy(R, s->drecv.value, CEDAR_DIGEST_LEN);
		return;
	}
	if (digest_value(&s->dsend, S) == -1)
		memset(S, 0, CEDAR_DIGEST_LEN);
	if (digest_value(&s->drecv, R) == -1)
		memset(R, 0, CEDAR_DIGEST_LEN);
}

/* From now on every packet is sealed: freeze both digests, draw our base
 * IV, start both directions' counters at 0.  Strings switch to the
 * length-prefixed form.  A key cannot be installed twice. */
int
cedar_install_key(struct cedar_stream *s,
    const unsigned char key[CEDAR_KEY_LEN])
{
	if (s->status != CEDAR_OK)
		return -1;
	if (s->crypto)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "key installed twice");
	if (s->out.len != 0)
		return cedar_fail(s, CEDAR_ERR_INTERNAL,
		    "key installed in the middle of a message");
	if (digest_value(&s->dsend, s->dsend.value) == -1 ||
	    digest_value(&s->drecv, s->drecv.value) == -1)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "digest failed");
	s->frozen = 1;
	memset(&s->tx, 0, sizeof(s->tx));
	memset(&s->rx, 0, sizeof(s->rx));
	if (stream_rand(s, CEDAR_RAND_IV, s->tx.base_iv, CEDAR_IV_LEN) == -1)
		return -1;
	memcpy(s->key, key, CEDAR_KEY_LEN);
	s->crypto = 1;
	return 0;
}

/* The AAD of a packet: S||R||hdr (sending) or R||S||hdr (receiving) for
 * the first sealed packet of a direction, the header alone after.  When a
 * digest overflowed 1 MiB C++ binds the header only. */
static size_t
make_aad(const struct cedar_stream *s, int sending, int first,
    const unsigned char *hdr, unsigned char aad[2 * CEDAR_DIGEST_LEN +
    CEDAR_HDR_LEN])
{
	const unsigned char	*a, *b;

	if (!first || s->dsend.over || s->drecv.over) {
		memcpy(aad, hdr, CEDAR_HDR_LEN);
		return CEDAR_HDR_LEN;
	}
	a = sending ? s->dsend.value : s->drecv.value;
	b = sending ? s->drecv.value : s->dsend.value;
	memcpy(aad, a, CEDAR_DIGEST_LEN);
	memcpy(aad + CEDAR_DIGEST_LEN, b, CEDAR_DIGEST_LEN);
	memcpy(aad + 2 * CEDAR_DIGEST_LEN, hdr, CEDAR_HDR_LEN);
	return 2 * CEDAR_DIGEST_LEN + CEDAR_HDR_LEN;
}

/* Write P now.  On a descriptor, what the peer sends while it will not
 * take more is read ahead meanwhile (after the bytes not yet cut, moved
 * to the front): a peer answering requests we are still writing is never
 * left blocked on its own writes, so a pipeline of requests cannot
 * deadlock while its answers fit in the read-ahead buffer. */
static int
io_write(struct cedar_stream *s, const void *p, size_t n)
{
	size_t	 got = 0;
	int	 rc;

	if (s->replay_broken)
		return 0;
	if (s->fd != -1) {
		if (s->rpos > 0) {
			memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
			s->rlen -= s->rpos;
			s->rpos = 0;
		}
		rc = sock_write_reading(s->fd, p, n, s->rbuf + s->rlen,
		    CEDAR_IO_BUF - s->rlen, &got, step_deadline(s));
		s->rlen += got;
	} else
		rc = s->io.write(s->io.ctx, p, n, step_deadline(s));
	if (rc == 0)
		return 0;
	if (rc == -1 && s->replay_armed) {
		/* The peer dropped a resumed session: what is written from
		 * now on goes nowhere; the kept copy goes out again on the
		 * new connection (cedar_recv_message). */
		s->replay_broken = 1;
		return 0;
	}
	if (rc == -2)
		return cedar_fail(s, CEDAR_ERR_TIMEOUT,
		    "timed out writing to the peer");
	return cedar_fail(s, CEDAR_ERR_CLOSED, "write to the peer failed: %s",
	    strerror(errno));
}

/* Write the gathered packets in one go.  They are wiped once written: a
 * handshake packet may carry a token. */
static int
flush_out(struct cedar_stream *s)
{
	int	 rc;

	if (s->wlen == 0)
		return 0;
	rc = io_write(s, s->wbuf, s->wlen);
	OPENSSL_cleanse(s->wbuf, s->wlen);
	s->wlen = 0;
	return rc;
}

/* What was queued goes out even after an error recorded by a layer
 * above (a refusal is queued, then the error recorded); a transport
 * failure has already emptied the queue. */
int
cedar_flush(struct cedar_stream *s)
{
	(void)flush_out(s);
	return s->status == CEDAR_OK ? 0 : -1;
}

/* Queue one packet of N payload bytes; LAST sets the end flag.  A packet
 * is built in place at the end of the gathering buffer; one larger than
 * the whole buffer (FileTransfer's chunks) is built apart and written at
 * once, after what was queued before it. */
static int
send_packet(struct cedar_stream *s, const unsigned char *p, size_t n, int last)
{
	unsigned char	 aad[2 * CEDAR_DIGEST_LEN + CEDAR_HDR_LEN];
	unsigned char	 iv[CEDAR_IV_LEN], *pkt, *q;
	size_t		 body, aadlen;
	int		 first, rc, queued;

	first = s->crypto && !s->tx.started;
	body = n + (s->crypto ? CEDAR_TAG_LEN : 0) +
	    (first ? CEDAR_IV_LEN : 0);
	if (CEDAR_HDR_LEN + body > CEDAR_IO_BUF - s->wlen &&
	    flush_out(s) == -1)
		return -1;
	queued = CEDAR_HDR_LEN + body <= CEDAR_IO_BUF;
	if (queued)
		pkt = s->wbuf + s->wlen;
	else if ((pkt = malloc(CEDAR_HDR_LEN + body)) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	pkt[0] = last ? 1 : 0;
	codec_be32(pkt + 1, (uint32_t)body);
	if (!s->crypto) {
		memcpy(pkt + CEDAR_HDR_LEN, p, n);
		if (!s->frozen &&
		    digest_packet(&s->dsend, pkt, p, n) == -1) {
			if (!queued)
				free(pkt);
			return cedar_fail(s, CEDAR_ERR_INTERNAL,
			    "digest failed");
		}
	} else {
		if (s->tx.counter == UINT32_MAX) {
			if (!queued)
				free(pkt);
			return cedar_fail(s, CEDAR_ERR_PROTOCOL,
			    "AES-GCM packet counter exhausted");
		}
		q = pkt + CEDAR_HDR_LEN;
		if (first) {
			memcpy(q, s->tx.base_iv, CEDAR_IV_LEN);
			q += CEDAR_IV_LEN;
		}
		cedar_iv_at(s->tx.base_iv, s->tx.counter, iv);
		aadlen = make_aad(s, 1, first, pkt, aad);
		if (cedar_gcm_seal(s->key, iv, aad, aadlen, p, n, q,
		    q + n) == -1) {
			if (!queued)
				free(pkt);
			return cedar_fail(s, CEDAR_ERR_INTERNAL,
			    "AES-GCM encryption failed");
		}
		s->tx.started = 1;
		s->tx.counter++;
	}
	if (queued) {
		s->wlen += CEDAR_HDR_LEN + body;
		return 0;
	}
	rc = io_write(s, pkt, CEDAR_HDR_LEN + body);
	OPENSSL_cleanse(pkt, CEDAR_HDR_LEN + body);
	free(pkt);
	return rc;
}

/* ---- sending ---- */

static int
put_check(struct cedar_stream *s, int rc)
{
	if (rc == -1)
		return cedar_fail(s, CEDAR_ERR_INTERNAL,
		    "message too large or out of memory");
	return 0;
}

int
cedar_put_int(struct cedar_stream *s, int64_t v)
{
	if (s->status != CEDAR_OK)
		return -1;
	return put_check(s, codec_put_int(&s->out, v));
}

int
cedar_put_double(struct cedar_stream *s, double v)
{
	if (s->status != CEDAR_OK)
		return -1;
	return put_check(s, codec_put_double(&s->out, v));
}

int
cedar_put_string(struct cedar_stream *s, const char *str)
{
	if (s->status != CEDAR_OK)
		return -1;
	return put_check(s, codec_put_string(&s->out, str, s->crypto));
}

int
cedar_put_bytes(struct cedar_stream *s, const void *p, size_t n)
{
	if (s->status != CEDAR_OK)
		return -1;
	return put_check(s, buf_add(&s->out, p, n));
}

/* Stop keeping sent messages for a recovery, and wipe what was kept. */
static void
replay_disarm(struct cedar_stream *s)
{
	s->replay_armed = 0;
	buf_wipe(&s->replay);
}

/* Keep a copy of a message of N bytes about to be sent on a resumed
 * session; past the cap there is no recovery. */
static void
replay_keep(struct cedar_stream *s, const unsigned char *p, size_t n)
{
	unsigned char	 len[4];

	codec_be32(len, (uint32_t)n);
	if (s->replay.len + 4 + n > s->replay_cap ||
	    buf_add(&s->replay, len, 4) == -1 ||
	    buf_add(&s->replay, p, n) == -1)
		replay_disarm(s);
}

void
cedar_set_recover(struct cedar_stream *s, size_t cap, cedar_recover_fn fn,
    void *arg)
{
	buf_wipe(&s->replay);
	s->replay_cap = cap;
	s->recover = fn;
	s->recover_arg = arg;
	s->replay_armed = fn != NULL && cap > 0;
	s->replay_broken = 0;
}

/* Split the message into packets of at most packet_size bytes; the last
 * one carries the end flag.  They are queued, not written: the next read
 * that has to wait for the peer sends them first.  The buffer is wiped:
 * it may have held a token or a session's plaintext. */
int
cedar_send_eom(struct cedar_stream *s)
{
	const unsigned char	*p = (const unsigned char *)s->out.data;
	size_t			 left = s->out.len, n;
	int			 rc = 0;

	if (s->status != CEDAR_OK)
		return -1;
	if (s->replay_armed)
		replay_keep(s, p, left);
	while (left > 0 && rc == 0) {
		n = left > s->packet_size ? s->packet_size : left;
		rc = send_packet(s, p, n, n == left);
		p += n;
		left -= n;
	}
	if (s->out.data != NULL)
		OPENSSL_cleanse(s->out.data, s->out.len);
	buf_reset(&s->out);
	return rc;
}

/* ---- receiving ---- */

/* Read once into the (empty) read-ahead buffer, or, for a remainder of
 * at least the buffer's size, straight into its destination P (N bytes
 * wanted): a large body is not copied twice.  Returns what read
 * returns. */
static ssize_t
read_some(struct cedar_stream *s, unsigned char *p, size_t n)
{
	ssize_t	 r;

	if (n >= CEDAR_IO_BUF)
		return s->io.read(s->io.ctx, p, n, step_deadline(s));
	r = s->io.read(s->io.ctx, s->rbuf, CEDAR_IO_BUF, step_deadline(s));
	if (r > 0) {
		s->rpos = 0;
		s->rlen = (size_t)r;
	}
	return r;
}

/* Read exactly N bytes, from what was read ahead first.  Whatever we
 * queued goes out before we wait, so we never wait for an answer to a
 * request still in our own buffer (what arrives while it goes out is
 * read ahead).  EOF before the first byte of a message is
 * CEDAR_ERR_CLOSED; EOF anywhere else is a protocol error.  Every wait
 * keeps the step deadline. */
static int
read_full(struct cedar_stream *s, unsigned char *p, size_t n, int boundary)
{
	size_t	 got = 0, k;
	ssize_t	 r;

	while (got < n) {
		if (s->rpos < s->rlen) {
			k = s->rlen - s->rpos;
			if (k > n - got)
				k = n - got;
			memcpy(p + got, s->rbuf + s->rpos, k);
			s->rpos += k;
			got += k;
			continue;
		}
		if (flush_out(s) == -1)
			return -1;
		if (s->rpos < s->rlen)
			continue;
		r = read_some(s, p + got, n - got);
		if (r == -2)
			return cedar_fail(s, CEDAR_ERR_TIMEOUT,
			    "timed out waiting for the peer");
		if (r < 0)
			return cedar_fail(s, CEDAR_ERR_CLOSED,
			    "read from the peer failed: %s", strerror(errno));
		if (r == 0) {
			if (boundary && got == 0)
				return cedar_fail(s, CEDAR_ERR_CLOSED,
				    "the peer closed the connection");
			return cedar_fail(s, CEDAR_ERR_PROTOCOL,
			    "the peer closed the connection in the middle "
			    "of a packet");
		}
		if (n - got >= CEDAR_IO_BUF)
			got += (size_t)r;
	}
	return 0;
}

static int
too_large(struct cedar_stream *s)
{
	return cedar_fail(s, CEDAR_ERR_PROTOCOL,
	    "message from the peer exceeds %zu bytes", s->max_message);
}

/* Open a sealed packet BODY (LEN bytes, at the end of the message buffer)
 * in place: the message grows by its plaintext. */
static int
open_packet(struct cedar_stream *s, const unsigned char *hdr,
    unsigned char *body, size_t len)
{
	unsigned char	 aad[2 * CEDAR_DIGEST_LEN + CEDAR_HDR_LEN];
	unsigned char	 iv[CEDAR_IV_LEN], *ct = body;
	size_t		 aadlen, ctlen;
	int		 first = !s->rx.started;

	if (len < CEDAR_TAG_LEN + (first ? CEDAR_IV_LEN : 0) + 1)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "encrypted packet too short");
	if (s->rx.counter == UINT32_MAX)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "AES-GCM packet counter exhausted");
	if (first) {
		memcpy(s->rx.base_iv, body, CEDAR_IV_LEN);
		ct += CEDAR_IV_LEN;
		len -= CEDAR_IV_LEN;
	}
	ctlen = len - CEDAR_TAG_LEN;
	if (s->in.len + ctlen > s->max_message)
		return too_large(s);
	cedar_iv_at(s->rx.base_iv, s->rx.counter, iv);
	aadlen = make_aad(s, 0, first, hdr, aad);
	/* Decrypt in place: GCM output is as long as its input. */
	if (cedar_gcm_open(s->key, iv, aad, aadlen, ct, ctlen, ct,
	    ct + ctlen) == -1)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "AES-GCM authentication of a packet from the peer failed");
	s->rx.started = 1;
	s->rx.counter++;
	if (ct != body) {
		memmove(body, ct, ctlen);
		OPENSSL_cleanse(body + ctlen, CEDAR_IV_LEN);
	}
	s->in.len += ctlen;
	s->in.data[s->in.len] = '\0';
	return 0;
}

/* Read one packet straight onto the end of the message; *LAST gets the
 * end flag. */
static int
recv_packet(struct cedar_stream *s, int boundary, int *last)
{
	unsigned char	 hdr[CEDAR_HDR_LEN], *body;
	uint32_t	 len;

	if (read_full(s, hdr, sizeof(hdr), boundary) == -1)
		return -1;
	len = codec_get_be32(hdr + 1);
	if (hdr[0] > 10)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "bad packet end flag %u", hdr[0]);
	if (len == 0 || len > CEDAR_MAX_PACKET)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "bad packet length %u", len);
	if (s->in.len + len > s->max_message + (s->crypto ? 32u : 0u))
		return too_large(s);
	if ((body = buf_room(&s->in, len)) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	if (read_full(s, body, len, 0) == -1)
		return -1;
	*last = hdr[0] != 0;
	if (s->crypto)
		return open_packet(s, hdr, body, len);
	if (!s->frozen && digest_packet(&s->drecv, hdr, body, len) == -1)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "digest failed");
	s->in.len += len;
	s->in.data[s->in.len] = '\0';
	return 0;
}

/* Carry S over to the stream N: S takes N's connection, keys and
 * buffers and keeps its own limits and deadlines; N, which then holds
 * S's old connection, is freed. */
static void
stream_adopt(struct cedar_stream *s, struct cedar_stream *n)
{
	struct cedar_stream	 old = *s;
	int			 fd_io = s->io.ctx == &s->fd;

	*s = *n;
	if (n->io.ctx == &n->fd)
		s->io.ctx = &s->fd;
	s->timeout_ms = old.timeout_ms;
	s->deadline = old.deadline;
	s->rng = old.rng;
	cedar_set_max_message(s, old.max_message);
	s->packet_size = old.packet_size;
	s->replay = old.replay;
	s->replay_cap = old.replay_cap;
	s->recover = old.recover;
	s->recover_arg = old.recover_arg;
	*n = old;
	if (fd_io)
		n->io.ctx = &n->fd;
	memset(&n->replay, 0, sizeof(n->replay));
	n->status = CEDAR_ERR_CLOSED;	/* nothing queued goes out */
	n->wlen = 0;
	cedar_stream_free(n);
}

/* The peer closed a resumed session before answering: get a new stream
 * from the recover function and send the kept messages again on it. */
static int
replay_recover(struct cedar_stream *s)
{
	struct cedar_stream	*n;
	struct buf		 kept = s->replay;
	enum cedar_err		 e = CEDAR_ERR_CLOSED;
	char			 why[sizeof(s->err)] = "";
	size_t			 pos = 0, len;
	int			 rc = 0;

	s->replay_armed = 0;
	memset(&s->replay, 0, sizeof(s->replay));
	if ((n = s->recover(s->recover_arg, &e, why, sizeof(why))) == NULL) {
		buf_wipe(&kept);
		if (e != CEDAR_OK && why[0] != '\0') {
			s->status = CEDAR_OK;
			cedar_fail(s, e, "%s", why);
		}
		return -1;
	}
	stream_adopt(s, n);
	s->replay_broken = 0;
	while (rc == 0 && pos + 4 <= kept.len) {
		len = codec_get_be32((unsigned char *)kept.data + pos);
		pos += 4;
		if (len > kept.len - pos)
			break;
		if (buf_add(&s->out, kept.data + pos, len) == -1)
			rc = cedar_fail(s, CEDAR_ERR_INTERNAL,
			    "out of memory");
		else
			rc = cedar_send_eom(s);
		pos += len;
	}
	buf_wipe(&kept);
	return rc;
}

int
cedar_recv_message(struct cedar_stream *s)
{
	int	 last = 0, first = 1;

	if (s->status != CEDAR_OK)
		return -1;
	if (s->in_have)
		return 0;
	if (s->in.data != NULL)
		OPENSSL_cleanse(s->in.data, s->in.len);
	buf_reset(&s->in);
	s->in_pos = 0;
	while (!last) {
		if (recv_packet(s, first, &last) == -1) {
			if (first && s->replay_armed &&
			    s->status == CEDAR_ERR_CLOSED &&
			    replay_recover(s) == 0)
				continue;
			return -1;
		}
		first = 0;
	}
	s->in_have = 1;
	if (s->replay_armed)
		replay_disarm(s);
	return 0;
}

/* Whole packets up to an end flag already read ahead make a message we
 * can read without waiting.  A header that cannot be valid also counts:
 * reading it fails at once. */
int
cedar_message_ready(const struct cedar_stream *s)
{
	size_t		 pos = s->rpos;
	uint32_t	 len;

	if (s->status != CEDAR_OK)
		return -1;
	if (s->in_have)
		return 1;
	while (s->rlen - pos >= CEDAR_HDR_LEN) {
		len = codec_get_be32(s->rbuf + pos + 1);
		if (s->rbuf[pos] > 10 || len == 0 || len > CEDAR_MAX_PACKET)
			return 1;
		if (s->rlen - pos - CEDAR_HDR_LEN < len)
			return 0;
		if (s->rbuf[pos] != 0)
			return 1;
		pos += CEDAR_HDR_LEN + len;
	}
	return 0;
}

/* Make sure a message is loaded before decoding from it. */
static int
get_ready(struct cedar_stream *s)
{
	if (s->status != CEDAR_OK)
		return -1;
	return cedar_recv_message(s);
}

static int
get_short(struct cedar_stream *s, const char *what)
{
	return cedar_fail(s, CEDAR_ERR_PROTOCOL,
	    "malformed %s in a message from the peer", what);
}

int
cedar_get_int(struct cedar_stream *s, int64_t *v)
{
	if (get_ready(s) == -1)
		return -1;
	if (codec_get_int((const unsigned char *)s->in.data, s->in.len,
	    &s->in_pos, v) == -1)
		return get_short(s, "integer");
	return 0;
}

int
cedar_get_int_range(struct cedar_stream *s, int64_t lo, int64_t hi,
    int64_t *v)
{
	if (cedar_get_int(s, v) == -1)
		return -1;
	if (*v < lo || *v > hi)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "integer %lld from the peer is out of range",
		    (long long)*v);
	return 0;
}

int
cedar_get_double(struct cedar_stream *s, double *v)
{
	if (get_ready(s) == -1)
		return -1;
	if (codec_get_double((const unsigned char *)s->in.data, s->in.len,
	    &s->in_pos, v) == -1)
		return get_short(s, "double");
	return 0;
}

int
cedar_get_string(struct cedar_stream *s, char **out)
{
	const char	*str;
	size_t		 len;
	int		 isnull;

	*out = NULL;
	if (get_ready(s) == -1)
		return -1;
	if (codec_get_string((const unsigned char *)s->in.data, s->in.len,
	    &s->in_pos, s->crypto, &str, &len, &isnull) == -1)
		return get_short(s, "string");
	if ((*out = strndup(str, len)) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	return 0;
}

int
cedar_get_bytes(struct cedar_stream *s, void *p, size_t n)
{
	if (get_ready(s) == -1)
		return -1;
	if (s->in.len - s->in_pos < n)
		return get_short(s, "byte array");
	if (n > 0)
		memcpy(p, s->in.data + s->in_pos, n);
	s->in_pos += n;
	return 0;
}

int
cedar_recv_eom(struct cedar_stream *s)
{
	if (get_ready(s) == -1)
		return -1;
	if (s->in_pos != s->in.len)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "%zu unread bytes at the end of a message from the peer",
		    s->in.len - s->in_pos);
	s->in_have = 0;
	OPENSSL_cleanse(s->in.data, s->in.len);
	buf_reset(&s->in);
	s->in_pos = 0;
	return 0;
}

int
cedar_peek_eom(struct cedar_stream *s)
{
	if (get_ready(s) == -1)
		return -1;
	return s->in_pos == s->in.len;
}

/* What is left of the current message: a FileTransfer data message has no
 * length of its own, so the reader asks the framing. */
ssize_t
cedar_msg_left(struct cedar_stream *s)
{
	if (get_ready(s) == -1)
		return -1;
	return (ssize_t)(s->in.len - s->in_pos);
}
