/*
 * xfer.c — the FileTransfer sub-protocol (HTCondor's
 * src/condor_utils/file_transfer.cpp: DoUpload/uploadFileList,
 * DoDownload, the go-ahead exchange, SendTransferAck/GetTransferAck; and
 * src/condor_io/reli_sock.cpp: put_file_with_permissions, get_file) on an
 * open, encrypted stream, in both roles.  The state kept is what the wire
 * needs to stay in step: whether the go-ahead was exchanged, how much of
 * the current file is still to come, and where in its data message the
 * reader stands.  Recorded in tests/conformance/cedar/client-spool-upload
 * and client-fetch-output*.
 */
#include <stdlib.h>
#include <string.h>

#include "cedar/cedar_int.h"
#include "classad/classad.h"

/* Transfer commands (file_transfer.h TransferCommand). */
#define XFER_FINISHED		0
#define XFER_FILE		1
#define XFER_FILE_ENCRYPTED	2
#define XFER_FILE_PLAIN		3
#define XFER_MKDIR		6

/* Go-ahead results (GO_AHEAD_*), ack results, hold codes
 * (condor_holdcodes.h: DownloadFileError, UploadFileError). */
#define GO_AHEAD_FAILED		(-1)
#define GO_AHEAD_UNDEFINED	0
#define GO_AHEAD_ALWAYS		2
#define HOLD_DOWNLOAD_ERROR	12
#define HOLD_UPLOAD_ERROR	13

struct cedar_xfer {
	struct cedar_stream	*s;
	int			 go_ahead;	/* both sides said "always" */
	int			 ended;		/* Finished sent or seen */
	int64_t			 left;		/* of the current file */
	int64_t			 chunk;		/* peer's chunk size */
	size_t			 msg_left;	/* of the data message read */
	char			*name;		/* the received entry's name */
};

struct cedar_xfer *
cedar_xfer_new(struct cedar_stream *s)
{
	struct cedar_xfer	*x;

	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	x->s = s;
	return x;
}

void
cedar_xfer_free(struct cedar_xfer *x)
{
	if (x == NULL)
		return;
	free(x->name);
	free(x);
}

/* One integer as a whole message, the protocol's most common shape. */
static int
put_int_eom(struct cedar_stream *s, int64_t v)
{
	if (cedar_put_int(s, v) == -1)
		return -1;
	return cedar_send_eom(s);
}

static int
get_int_eom(struct cedar_stream *s, int64_t lo, int64_t hi, int64_t *v)
{
	if (cedar_get_int_range(s, lo, hi, v) == -1)
		return -1;
	return cedar_recv_eom(s);
}

/* Send AD as one message and free it. */
static int
put_ad_eom(struct cedar_stream *s, struct classad *ad)
{
	int	 rc;

	if (ad == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	rc = cedar_put_classad(s, ad) == -1 ? -1 : cedar_send_eom(s);
	classad_free(ad);
	return rc;
}

static int
get_ad_eom(struct cedar_stream *s, struct classad **ad)
{
	*ad = NULL;
	if (cedar_get_classad(s, ad) == 0 && cedar_recv_eom(s) == 0)
		return 0;
	classad_free(*ad);
	*ad = NULL;
	return -1;
}

/* The go-ahead ad in the form both peers send: Result, and from the
 * downloader its byte limit (-1: none). */
static struct classad *
go_ahead_ad(int64_t result, int downloader)
{
	struct classad	*ad;

	if ((ad = classad_new()) == NULL)
		return NULL;
	if (classad_insert_int(ad, "Result", result) == -1 ||
	    (downloader && classad_insert_int(ad, "MaxTransferBytes",
	    -1) == -1)) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

/* DoObtainAndSendTransferGoAhead: read the peer's alive interval; one
 * below the 300 s minimum is answered with the timeout we will keep
 * (Result 0 means "keep waiting"); then grant "always". */
static int
send_go_ahead(struct cedar_xfer *x, int downloader)
{
	struct classad	*ad;
	int64_t		 alive;

	if (get_int_eom(x->s, INT32_MIN, INT32_MAX, &alive) == -1)
		return -1;
	if (alive < CEDAR_XFER_ALIVE) {
		if ((ad = classad_new()) == NULL ||
		    classad_insert_int(ad, "Timeout", CEDAR_XFER_ALIVE) == -1 ||
		    classad_insert_int(ad, "Result", GO_AHEAD_UNDEFINED) == -1) {
			classad_free(ad);
			return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
			    "out of memory");
		}
		if (put_ad_eom(x->s, ad) == -1)
			return -1;
	}
	return put_ad_eom(x->s, go_ahead_ad(GO_AHEAD_ALWAYS, downloader));
}

/* DoReceiveTransferGoAhead: state our alive interval, then read go-ahead
 * ads, skipping keep-alive ones (Result 0), until the peer grants or
 * refuses. */
static int
receive_go_ahead(struct cedar_xfer *x)
{
	struct classad	*ad;
	const char	*why;
	int64_t		 result;

	if (put_int_eom(x->s, CEDAR_XFER_ALIVE) == -1)
		return -1;
	for (;;) {
		if (get_ad_eom(x->s, &ad) == -1)
			return -1;
		if (classad_lookup_int(ad, "Result", &result) == -1) {
			classad_free(ad);
			return cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
			    "go-ahead message without Result");
		}
		if (result != GO_AHEAD_UNDEFINED)
			break;
		classad_free(ad);
	}
	if (result <= 0) {
		if (classad_lookup_string(ad, "HoldReason", &why) == -1)
			why = "no reason given";
		cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
		    "the peer refused the transfer: %s", why);
		classad_free(ad);
		return -1;
	}
	classad_free(ad);
	return 0;
}

/* ---- uploader ---- */

int
cedar_xfer_put_preamble(struct cedar_xfer *x, int final,
    int64_t sandbox_size)
{
	struct classad	*ad;

	if (cedar_put_int(x->s, final ? 1 : 0) == -1)
		return -1;
	if ((ad = classad_new()) == NULL ||
	    classad_insert_int(ad, "SandboxSize", sandbox_size) == -1) {
		classad_free(ad);
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL, "out of memory");
	}
	return put_ad_eom(x->s, ad);
}

/* Command, name, and before the first entry the go-ahead exchange in the
 * uploader's order: the downloader grants first, then we confirm. */
static int
put_entry(struct cedar_xfer *x, int64_t cmd, const char *name)
{
	if (x->left > 0)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "a new entry before the last file's %lld bytes",
		    (long long)x->left);
	if (x->ended)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "an entry after the end of the transfer");
	if (put_int_eom(x->s, cmd) == -1 ||
	    cedar_put_string(x->s, name) == -1 ||
	    cedar_send_eom(x->s) == -1)
		return -1;
	if (!x->go_ahead) {
		if (receive_go_ahead(x) == -1 || send_go_ahead(x, 0) == -1)
			return -1;
		x->go_ahead = 1;
	}
	return 0;
}

int
cedar_xfer_put_dir(struct cedar_xfer *x, const char *name, int64_t mode)
{
	if (put_entry(x, XFER_MKDIR, name) == -1)
		return -1;
	return put_int_eom(x->s, mode);
}

/* Mode, then size and chunk size (put_file under AES); an empty file is
 * closed at once by the 666 marker. */
int
cedar_xfer_put_file(struct cedar_xfer *x, const char *name, int64_t mode,
    int64_t size)
{
	if (size < 0)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "negative file size");
	if (put_entry(x, XFER_FILE, name) == -1 ||
	    put_int_eom(x->s, mode) == -1 ||
	    cedar_put_int(x->s, size) == -1 ||
	    cedar_put_int(x->s, CEDAR_XFER_CHUNK) == -1 ||
	    cedar_send_eom(x->s) == -1)
		return -1;
	if (size == 0)
		return put_int_eom(x->s, CEDAR_XFER_EOM_MARK);
	x->left = size;
	return 0;
}

/* A data message goes out in packets as large as a chunk: one header,
 * one seal and one write instead of 64 at the default packet size.  The
 * receiver takes packets up to 1 MiB (reli_sock.cpp). */
static int
send_chunk(struct cedar_xfer *x)
{
	size_t	 saved = cedar_packet_size(x->s);
	int	 rc;

	cedar_set_packet_size(x->s, CEDAR_XFER_CHUNK);
	rc = cedar_send_eom(x->s);
	cedar_set_packet_size(x->s, saved);
	return rc;
}

/* Bytes are gathered into the message being built; each full chunk, and
 * the file's last bytes, leave as one message of raw bytes. */
int
cedar_xfer_put_data(struct cedar_xfer *x, const void *p, size_t n)
{
	const unsigned char	*q = p;
	size_t			 room, k;

	if ((int64_t)n > x->left)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "%zu bytes of data for a file with %lld to go", n,
		    (long long)x->left);
	while (n > 0) {
		room = CEDAR_XFER_CHUNK - x->s->out.len;
		k = n < room ? n : room;
		if (cedar_put_bytes(x->s, q, k) == -1)
			return -1;
		q += k;
		n -= k;
		x->left -= (int64_t)k;
		if ((x->s->out.len == CEDAR_XFER_CHUNK || x->left == 0) &&
		    send_chunk(x) == -1)
			return -1;
	}
	return 0;
}

/* The ack (SendTransferAck): Result 0, or -1 (do not retry) with the
 * hold code of the side that failed and its reason; and TransferStats,
 * which we keep empty.  Written line by line because an empty record
 * goes out as "[ ]", as the recorded client sent it
 * (tests/conformance/cedar/client-spool-upload); C++ would write "[  ]",
 * and the schedd reads either. */
static int
put_ack(struct cedar_stream *s, int ok, int64_t hold_code,
    const char *reason)
{
	struct classad	*ad;
	struct buf	 line = BUF_INIT;
	size_t		 i, n;
	int		 rc;

	if ((ad = classad_new()) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	rc = classad_insert_int(ad, "Result", ok ? 0 : -1);
	if (!ok && rc == 0)
		rc = classad_insert_int(ad, "HoldReasonCode", hold_code) == -1 ||
		    classad_insert_int(ad, "HoldReasonSubCode", 0) == -1 ||
		    classad_insert_string(ad, "HoldReason", reason != NULL ?
		    reason : "transfer failed") == -1 ? -1 : 0;
	n = classad_count(ad);
	if (rc == -1)
		rc = cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	else
		rc = cedar_put_int(s, (int64_t)n + 1);
	for (i = 0; i < n && rc == 0; i++) {
		buf_reset(&line);
		if (classad_unparse_attr_old(ad, i, &line) == -1)
			rc = cedar_fail(s, CEDAR_ERR_INTERNAL,
			    "cannot unparse %s", classad_name_at(ad, i));
		else
			rc = cedar_put_string(s, buf_str(&line));
		if (rc == 0 && i == 0)
			rc = cedar_put_string(s, "TransferStats = [ ]");
	}
	buf_free(&line);
	classad_free(ad);
	if (rc == 0 && (cedar_put_string(s, "") == -1 ||
	    cedar_put_string(s, "") == -1))
		rc = -1;
	return rc == 0 ? cedar_send_eom(s) : -1;
}

/* Read the peer's ack: 1 success, 0 failure with *WHY (owned by *AD, which
 * the caller frees), -1 on a stream error. */
static int
get_ack(struct cedar_xfer *x, struct classad **ad, const char **why)
{
	int64_t	 result;

	*why = "no reason given";
	if (get_ad_eom(x->s, ad) == -1)
		return -1;
	if (classad_lookup_int(*ad, "Result", &result) == -1) {
		*why = "acknowledgement without Result";
		return 0;
	}
	if (result == 0)
		return 1;
	classad_lookup_string(*ad, "HoldReason", why);
	return 0;
}

int
cedar_xfer_put_finish(struct cedar_xfer *x, int ok, const char *reason)
{
	struct classad	*ad = NULL;
	const char	*why;
	int		 peer;

	if (x->left > 0)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "transfer finished %lld bytes short of a file",
		    (long long)x->left);
	x->ended = 1;
	if (put_int_eom(x->s, XFER_FINISHED) == -1 ||
	    put_ack(x->s, ok, HOLD_UPLOAD_ERROR, reason) == -1)
		return -1;
	if ((peer = get_ack(x, &ad, &why)) == -1)
		return -1;
	if (peer == 0)
		cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
		    "the receiver reported a failure: %s", why);
	else if (!ok)
		cedar_fail(x->s, CEDAR_ERR_INTERNAL, "transfer failed: %s",
		    reason != NULL ? reason : "no reason given");
	classad_free(ad);
	return peer == 1 && ok ? 0 : -1;
}

/* ---- downloader ---- */

int
cedar_xfer_get_preamble(struct cedar_xfer *x, int *final,
    int64_t *sandbox_size)
{
	struct classad	*ad = NULL;
	int64_t		 f, size = 0;

	if (cedar_get_int_range(x->s, 0, 1, &f) == -1 ||
	    cedar_get_classad(x->s, &ad) == -1 ||
	    cedar_recv_eom(x->s) == -1) {
		classad_free(ad);
		return -1;
	}
	if (classad_lookup_int(ad, "SandboxSize", &size) == -1 || size < 0)
		size = 0;
	classad_free(ad);
	*final = (int)f;
	*sandbox_size = size;
	return 0;
}

/* Is NAME a relative path inside the sandbox: not empty, not absolute,
 * no empty, "." or ".." component (LegalPathInSandbox, stricter)? */
static int
name_ok(const char *name)
{
	const char	*p = name, *e;
	size_t		 n;

	if (*name == '\0' || *name == '/' ||
	    strlen(name) > CEDAR_XFER_NAME_MAX)
		return 0;
	for (;;) {
		e = strchr(p, '/');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') ||
		    (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (e == NULL)
			return 1;
		p = e + 1;
	}
}

/* A file's size message, and for an empty one the 666 marker. */
static int
get_file_head(struct cedar_xfer *x, struct cedar_xfer_entry *e)
{
	int64_t	 size, chunk, mark;

	if (cedar_get_int_range(x->s, 0, INT64_MAX, &size) == -1 ||
	    cedar_get_int_range(x->s, 1, INT64_MAX, &chunk) == -1 ||
	    cedar_recv_eom(x->s) == -1)
		return -1;
	if (size == 0) {
		if (get_int_eom(x->s, INT64_MIN, INT64_MAX, &mark) == -1)
			return -1;
		if (mark != CEDAR_XFER_EOM_MARK)
			return cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
			    "empty file not closed by %d",
			    CEDAR_XFER_EOM_MARK);
	}
	e->size = size;
	x->left = size;
	x->chunk = chunk;
	x->msg_left = 0;
	return 0;
}

int
cedar_xfer_get_next(struct cedar_xfer *x, struct cedar_xfer_entry *e)
{
	int64_t	 cmd, mode;

	memset(e, 0, sizeof(*e));
	if (x->left > 0)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "next entry asked with %lld bytes of a file unread",
		    (long long)x->left);
	if (x->ended)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "next entry asked after the end of the transfer");
	if (get_int_eom(x->s, INT32_MIN, INT32_MAX, &cmd) == -1)
		return -1;
	if (cmd == XFER_FINISHED) {
		x->ended = 1;
		e->kind = CEDAR_XFER_END;
		return 0;
	}
	if (cmd != XFER_FILE && cmd != XFER_FILE_ENCRYPTED &&
	    cmd != XFER_FILE_PLAIN && cmd != XFER_MKDIR)
		return cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
		    "unsupported file transfer command %lld",
		    (long long)cmd);
	free(x->name);
	x->name = NULL;
	if (cedar_get_string(x->s, &x->name) == -1 ||
	    cedar_recv_eom(x->s) == -1)
		return -1;
	if (!name_ok(x->name))
		return cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
		    "the sender named a file outside the sandbox");
	if (!x->go_ahead) {
		if (send_go_ahead(x, 1) == -1 || receive_go_ahead(x) == -1)
			return -1;
		x->go_ahead = 1;
	}
	if (get_int_eom(x->s, INT64_MIN, INT64_MAX, &mode) == -1)
		return -1;
	e->name = x->name;
	e->mode = mode;
	if (cmd == XFER_MKDIR) {
		e->kind = CEDAR_XFER_DIR;
		return 0;
	}
	e->kind = CEDAR_XFER_FILE;
	return get_file_head(x, e);
}

/* Each data message must hold at least one byte and no more than the
 * chunk size and the rest of the file allow (get_file reads exactly
 * that much and then expects the end of the message). */
ssize_t
cedar_xfer_get_data(struct cedar_xfer *x, void *p, size_t n)
{
	ssize_t	 m;
	size_t	 k;

	if (x->left == 0 || n == 0)
		return 0;
	if (x->msg_left == 0) {
		if ((m = cedar_msg_left(x->s)) == -1)
			return -1;
		if (m == 0 || (int64_t)m > x->left || (int64_t)m > x->chunk)
			return cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
			    "a data message of %zd bytes where 1 to %lld "
			    "were due", m, (long long)(x->left < x->chunk ?
			    x->left : x->chunk));
		x->msg_left = (size_t)m;
	}
	k = n < x->msg_left ? n : x->msg_left;
	if (cedar_get_bytes(x->s, p, k) == -1)
		return -1;
	x->msg_left -= k;
	x->left -= (int64_t)k;
	if (x->msg_left == 0 && cedar_recv_eom(x->s) == -1)
		return -1;
	return (ssize_t)k;
}

/* The uploader's ack first, then ours: a failure on either side fails
 * the transfer, and ours says so when the uploader's did. */
int
cedar_xfer_get_finish(struct cedar_xfer *x, int ok, const char *reason)
{
	struct classad	*ad = NULL;
	const char	*why;
	int		 peer, rc;

	if (!x->ended)
		return cedar_fail(x->s, CEDAR_ERR_INTERNAL,
		    "acknowledgement before the end of the transfer");
	if ((peer = get_ack(x, &ad, &why)) == -1)
		return -1;
	if (peer == 0 && ok)
		reason = why;
	rc = put_ack(x->s, ok && peer == 1, HOLD_DOWNLOAD_ERROR, reason);
	if (rc == 0 && peer == 0)
		cedar_fail(x->s, CEDAR_ERR_PROTOCOL,
		    "the sender reported a failure: %s", why);
	else if (rc == 0 && !ok)
		cedar_fail(x->s, CEDAR_ERR_INTERNAL, "transfer failed: %s",
		    reason != NULL ? reason : "no reason given");
	classad_free(ad);
	return rc == 0 && peer == 1 && ok ? 0 : -1;
}
