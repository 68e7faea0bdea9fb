/*
 * test_xfer.c — the FileTransfer sub-protocol and the two sandbox
 * commands.  The recorded spool upload and output downloads
 * (tests/conformance/cedar/client-spool-upload, client-fetch-output*) are
 * replayed through schedd_spool and schedd_transfer: every packet our
 * client sends must equal the recorded one, except the first command
 * message, which carries our own version string and is compared by
 * meaning.  Then both roles against each other over a socket pair: a
 * directory, an empty file, a file of exactly one chunk and one of
 * 1 MiB + 1, in both directions; and the refusals of a downloader.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <openssl/crypto.h>
#include <unistd.h>

#include "tap.h"
#include "test_cedar_lib.h"
#include "classad/classad.h"
#include "schedd/schedd.h"

static char	*alice_token;

/* ---- replay ---- */

/* The packets of B (5-byte headers with their bodies), as offsets. */
static size_t
split_packets(const struct buf *b, size_t *off, size_t max)
{
	size_t	 pos = 0, n = 0, len;

	while (pos + CEDAR_HDR_LEN <= b->len && n < max) {
		len = ((size_t)(unsigned char)b->data[pos + 1] << 24) |
		    ((size_t)(unsigned char)b->data[pos + 2] << 16) |
		    ((size_t)(unsigned char)b->data[pos + 3] << 8) |
		    (size_t)(unsigned char)b->data[pos + 4];
		off[n++] = pos;
		pos += CEDAR_HDR_LEN + len;
	}
	off[n] = pos;
	return n;
}

/* Our first sealed packet, opened with the recorded key and digests: it
 * must hold our version string and then the rest of the recorded
 * plaintext REST (RESTLEN bytes after the recorded version). */
static int
first_command_ok(const cJSON *meta, const unsigned char *pkt, size_t len,
    const unsigned char *rest, size_t restlen)
{
	unsigned char	 key[32], iv[16], aad[69], *pt;
	struct buf	 want = BUF_INIT;
	size_t		 ctlen;
	int		 ok;

	if (len < CEDAR_HDR_LEN + 32 ||
	    tl_unhex_n(tl_jstr(meta, "session_key"), key, 32) == -1 ||
	    tl_unhex_n(tl_jstr(meta, "S"), aad, 32) == -1 ||
	    tl_unhex_n(tl_jstr(meta, "R"), aad + 32, 32) == -1)
		return 0;
	memcpy(aad + 64, pkt, CEDAR_HDR_LEN);
	memcpy(iv, pkt + CEDAR_HDR_LEN, 16);
	ctlen = len - CEDAR_HDR_LEN - 32;
	pt = malloc(ctlen + 1);
	ok = cedar_gcm_open(key, iv, aad, sizeof(aad), pkt + CEDAR_HDR_LEN +
	    16, ctlen, pt, pkt + len - 16) == 0;
	/* int length, the string with its NUL, then the rest. */
	{
		const char	*v = cedar_version_string();
		unsigned char	 be[8];
		size_t		 vl = strlen(v) + 1, i;

		for (i = 0; i < 8; i++)
			be[i] = (unsigned char)((uint64_t)vl >> (56 - 8 * i));
		buf_add(&want, be, 8);
		buf_add(&want, v, vl);
		buf_add(&want, rest, restlen);
	}
	ok = ok && ctlen == want.len && memcmp(pt, want.data, ctlen) == 0;
	free(pt);
	buf_free(&want);
	return ok;
}

/* A one-file source: in.txt as the recorded client sent it. */
struct one_file {
	const char	*name, *data;
	size_t		 len, pos;
	int		 given;
};

static int
one_rewind(void *ctx, char *err, size_t errlen)
{
	struct one_file	*f = ctx;

	f->pos = 0;
	f->given = 0;
	return 0;
}

static int
one_next(void *ctx, struct sandbox_entry *e, char *err, size_t errlen)
{
	struct one_file	*f = ctx;

	if (f->given)
		return 0;
	f->given = 1;
	e->name = f->name;
	e->is_dir = 0;
	e->mode = 0644;
	e->size = (int64_t)f->len;
	return 1;
}

static ssize_t
one_read(void *ctx, void *p, size_t n, char *err, size_t errlen)
{
	struct one_file	*f = ctx;

	if (n > f->len - f->pos)
		n = f->len - f->pos;
	memcpy(p, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

/* A sink that keeps the names, sizes and bytes it got. */
struct keep {
	int		 jobs;
	struct buf	 names;		/* "name:size;" */
	struct buf	 data[4];
	int		 n;
	int		 ends;
};

static int
keep_job(void *ctx, const struct classad *ad, char *err, size_t errlen)
{
	struct keep	*k = ctx;

	k->jobs++;
	return 0;
}

static int
keep_entry(void *ctx, const struct sandbox_entry *e, char *err, size_t errlen)
{
	struct keep	*k = ctx;

	buf_addf(&k->names, "%s%s:%lld;", e->name, e->is_dir ? "/" : "",
	    (long long)e->size);
	if (k->n < 4)
		k->n++;
	return 0;
}

static int
keep_data(void *ctx, const void *p, size_t n, char *err, size_t errlen)
{
	struct keep	*k = ctx;

	return buf_add(&k->data[k->n - 1], p, n);
}

static int
keep_end(void *ctx, char *err, size_t errlen)
{
	struct keep	*k = ctx;

	k->ends++;
	return 0;
}

/* Replay NAME: the handshake with the recorded randomness, then the
 * command through schedd_spool (SPOOL) or schedd_transfer. */
static void
replay(const char *cdir, const char *name, int spool)
{
	cJSON			*doc = tl_load_json(cdir, name);
	const cJSON		*m, *msg;
	struct tl_mem		 mem;
	struct tl_rand		 rnd;
	struct cedar_io		 io = { tl_mem_read, tl_mem_write, NULL };
	struct cedar_rng	 rng = { tl_rand_fill, NULL };
	struct cedar_auth	 auth;
	struct schedd		 sd;
	struct buf		 want = BUF_INIT, first = BUF_INIT;
	struct one_file		 f = { "in.txt",
				    "spooled input line 1\nline 2\n", 28, 0, 0 };
	struct sandbox_source	 src = { one_rewind, one_next, one_read, &f };
	struct keep		 k;
	struct sandbox_sink	 sink = { keep_job, keep_entry, keep_data,
				    keep_end, &k };
	struct schedd_job_id	 id = { 20, 0 };
	size_t			 wo[64], go[64], nw, ng, i, vlen;
	size_t			 first_off = (size_t)-1;
	char			 err[256] = "";
	int			 started = 0, rc, enc = 0, same = 1;
	int64_t			 njobs = 0;

	if (!tap_ok(doc != NULL, "%s loads", name))
		return;
	memset(&mem, 0, sizeof(mem));
	memset(&rnd, 0, sizeof(rnd));
	memset(&auth, 0, sizeof(auth));
	memset(&k, 0, sizeof(k));
	m = cJSON_GetObjectItem(doc, "meta");
	rnd.have_ecdh = tl_unhex_n(tl_jstr(m, "ecdh_private_scalar"),
	    rnd.ecdh, 32) == 0;
	rnd.have_ra = tl_unhex_n(tl_jstr(m, "ra"), rnd.ra, 256) == 0;
	rnd.have_iv = tl_unhex_n(tl_jstr(m, "client_base_iv"), rnd.iv,
	    16) == 0;
	cJSON_ArrayForEach(msg, cJSON_GetObjectItem(doc, "messages")) {
		const char	*d = tl_jstr(msg, "dir");
		const cJSON	*p;
		struct buf	*to;

		if (d == NULL || strcmp(d, "event") == 0)
			continue;
		to = strcmp(d, "S->C") == 0 ? &mem.rd : &want;
		if (to == &want && cJSON_IsTrue(cJSON_GetObjectItem(msg,
		    "encrypted")) && enc++ == 0) {
			tl_unhex(tl_jstr(msg, "plaintext"), &first);
			first_off = want.len;
		}
		cJSON_ArrayForEach(p, cJSON_GetObjectItem(msg, "packets")) {
			tl_unhex(tl_jstr(p, "hdr"), to);
			tl_unhex(tl_jstr(p, "body"), to);
		}
	}
	io.ctx = &mem;
	rng.arg = &rnd;
	memset(&sd, 0, sizeof(sd));
	sd.stream = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(sd.stream, &rng);
	auth.command = spool ? CEDAR_SPOOL_JOB_FILES_WITH_PERMS :
	    CEDAR_TRANSFER_DATA_WITH_PERMS;
	auth.token = alice_token;
	auth.version = tl_jstr(m, "client_version_string");
	tap_ok(cedar_client_handshake(sd.stream, &auth, NULL) == CEDAR_OK,
	    "%s: handshake (%s)", name, cedar_error(sd.stream));
	if (spool) {
		rc = schedd_spool(&sd, &id, 1, 28, &src, &started, err,
		    sizeof(err));
		tap_ok(rc == 0 && started, "%s: schedd_spool succeeds (%d %s)",
		    name, rc, err);
	} else {
		char	cons[32];

		snprintf(cons, sizeof(cons), "ClusterId == %d",
		    cJSON_GetObjectItem(m, "cluster")->valueint);
		rc = schedd_transfer(&sd, cons, 1, &sink, &njobs, err,
		    sizeof(err));
		tap_ok(rc == 0 && njobs == 1 && k.jobs == 1,
		    "%s: schedd_transfer succeeds (%d %s)", name, rc, err);
	}
	/* Packet by packet; the first command packet by meaning. */
	(void)cedar_flush(sd.stream);
	nw = split_packets(&mem.wr, wo, 63);
	ng = split_packets(&want, go, 63);
	vlen = strlen(tl_jstr(m, "client_version_string")) + 1;
	{
		for (i = 0; i < ng && i < nw; i++) {
			size_t	 wl = wo[i + 1] - wo[i], gl = go[i + 1] - go[i];

			if (go[i] == first_off) {
				tap_ok(first_command_ok(m, (unsigned char *)
				    mem.wr.data + wo[i], wl,
				    (unsigned char *)first.data + 8 + vlen,
				    first.len - 8 - vlen),
				    "%s: first command message holds our "
				    "version and the recorded rest", name);
				continue;
			}
			if (wl != gl || memcmp(mem.wr.data + wo[i],
			    want.data + go[i], wl) != 0) {
				same = 0;
				tap_diag("%s: packet %zu differs", name, i);
				break;
			}
		}
	}
	tap_ok(same && nw == ng, "%s: our %zu packets equal the recorded %zu",
	    name, nw, ng);
	tap_ok(mem.rdpos == mem.rd.len, "%s: every recorded schedd byte read",
	    name);
	if (!spool && strstr(name, "large") == NULL)
		tap_ok(strcmp(buf_str(&k.names), "cat.out:28;cat.err:0;") ==
		    0 && k.data[0].len == 28 && memcmp(k.data[0].data,
		    "spooled input line 1\nline 2\n", 28) == 0 && k.ends == 2,
		    "%s: cat.out and the empty cat.err arrive (%s)", name,
		    buf_str(&k.names));
	if (!spool && strstr(name, "large") != NULL)
		tap_ok(strcmp(buf_str(&k.names), "big.out:1000000;"
		    "big.err:0;") == 0 && k.data[0].len == 1000000 &&
		    memcmp(k.data[0].data, "000000001\n", 10) == 0 &&
		    memcmp(k.data[0].data + 999990, "000100000\n", 10) == 0,
		    "%s: 1,000,000 bytes over four data messages (%s)", name,
		    buf_str(&k.names));
	for (i = 0; i < 4; i++)
		buf_free(&k.data[i]);
	buf_free(&k.names);
	schedd_close(&sd);
	buf_free(&mem.rd);
	buf_free(&mem.wr);
	buf_free(&want);
	buf_free(&first);
	cJSON_Delete(doc);
}

/* ---- loopback: both roles over a socket pair ---- */

static const unsigned char	 lkey[32] = { 1, 2, 3, 4, 5 };

static struct cedar_stream *
loop_stream(int fd, enum cedar_role role)
{
	struct cedar_stream	*s = cedar_stream_new(fd, role);

	cedar_set_timeout(s, 10000);
	cedar_install_key(s, lkey);
	return s;
}

/* Byte I of a test file: a pattern that shows misplaced bytes. */
static unsigned char
pat(const char *name, size_t i)
{
	return (unsigned char)(name[0] + i * 7 + i / 251);
}

struct tfile {
	const char	*name;
	int		 dir;
	size_t		 size;
};

static const struct tfile sandbox[] = {
	{ "sub", 1, 0 },
	{ "sub/empty", 0, 0 },
	{ "sub/deeper", 1, 0 },
	{ "exact", 0, CEDAR_XFER_CHUNK },
	{ "sub/deeper/big", 0, (1u << 20) + 1 },
	{ "small", 0, 3 },
};
#define NSANDBOX (sizeof(sandbox) / sizeof(sandbox[0]))

/* Upload the test sandbox, writing the bytes in odd-sized pieces. */
static int
upload_sandbox(struct cedar_stream *s)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);
	unsigned char		 b[70001];
	size_t			 i, off, n;
	int64_t			 total = 0;
	int			 rc = 0;

	for (i = 0; i < NSANDBOX; i++)
		total += (int64_t)sandbox[i].size;
	rc = cedar_xfer_put_preamble(x, 1, total);
	for (i = 0; rc == 0 && i < NSANDBOX; i++) {
		if (sandbox[i].dir) {
			rc = cedar_xfer_put_dir(x, sandbox[i].name, 0755);
			continue;
		}
		rc = cedar_xfer_put_file(x, sandbox[i].name, 0640,
		    (int64_t)sandbox[i].size);
		for (off = 0; rc == 0 && off < sandbox[i].size; off += n) {
			n = sandbox[i].size - off;
			if (n > sizeof(b))
				n = sizeof(b);
			for (size_t j = 0; j < n; j++)
				b[j] = pat(sandbox[i].name, off + j);
			rc = cedar_xfer_put_data(x, b, n);
		}
	}
	if (rc == 0)
		rc = cedar_xfer_put_finish(x, 1, NULL);
	cedar_xfer_free(x);
	return rc;
}

/* Download and check the test sandbox: 0 when everything matched. */
static int
download_sandbox(struct cedar_stream *s, char *why, size_t whylen)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);
	struct cedar_xfer_entry	 e;
	unsigned char		 b[50000];
	size_t			 i = 0, off;
	ssize_t			 r;
	int64_t			 total;
	int			 final, bad = 0;

	snprintf(why, whylen, "ok");
	if (cedar_xfer_get_preamble(x, &final, &total) == -1)
		bad = 1;
	while (!bad && cedar_xfer_get_next(x, &e) == 0 &&
	    e.kind != CEDAR_XFER_END) {
		if (i >= NSANDBOX || strcmp(e.name, sandbox[i].name) != 0 ||
		    (e.kind == CEDAR_XFER_DIR) != sandbox[i].dir ||
		    (!sandbox[i].dir && (size_t)e.size != sandbox[i].size)) {
			snprintf(why, whylen, "entry %zu is %s", i, e.name);
			bad = 1;
			break;
		}
		off = 0;
		while (e.kind == CEDAR_XFER_FILE &&
		    (r = cedar_xfer_get_data(x, b, sizeof(b))) > 0) {
			for (size_t j = 0; j < (size_t)r; j++)
				if (b[j] != pat(e.name, off + j))
					bad = 1;
			off += (size_t)r;
		}
		if (e.kind == CEDAR_XFER_FILE && off != sandbox[i].size) {
			snprintf(why, whylen, "%s: %zu bytes", e.name, off);
			bad = 1;
		}
		i++;
	}
	if (!bad && (i != NSANDBOX || final != 1 ||
	    cedar_xfer_get_finish(x, 1, NULL) == -1)) {
		snprintf(why, whylen, "end: %zu entries, %s", i,
		    cedar_error(s));
		bad = 1;
	}
	if (bad && strcmp(why, "ok") == 0)
		snprintf(why, whylen, "%s", cedar_error(s));
	cedar_xfer_free(x);
	return bad ? -1 : 0;
}

/* Run CHILD_UPLOADS in a child on one end; the parent plays the other
 * role.  Returns the child's exit status. */
static int
run_pair(int child_uploads, int (*child)(struct cedar_stream *),
    int (*parent)(struct cedar_stream *, char *, size_t), char *why,
    size_t whylen, int *parent_rc)
{
	struct cedar_stream	*s;
	int			 sv[2], st = 0, rc;
	pid_t			 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		s = loop_stream(sv[1], child_uploads ? CEDAR_SERVER :
		    CEDAR_CLIENT);
		/* _exit skips cedar_stream_free: send what is queued. */
		rc = child(s);
		(void)cedar_flush(s);
		_exit(rc == 0 ? 0 : 1);
	}
	close(sv[1]);
	s = loop_stream(sv[0], child_uploads ? CEDAR_CLIENT : CEDAR_SERVER);
	*parent_rc = parent(s, why, whylen);
	cedar_stream_free(s);
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
child_download(struct cedar_stream *s)
{
	char	why[256];

	return download_sandbox(s, why, sizeof(why));
}

static int
parent_upload(struct cedar_stream *s, char *why, size_t whylen)
{
	int	rc = upload_sandbox(s);

	snprintf(why, whylen, "%s", rc == 0 ? "ok" : cedar_error(s));
	return rc;
}

/* An uploader that names a file outside the sandbox. */
static int
child_bad_name(struct cedar_stream *s)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);

	cedar_xfer_put_preamble(x, 1, 1);
	cedar_xfer_put_file(x, "ok/../../evil", 0644, 1);
	cedar_xfer_free(x);
	return 0;
}

/* An uploader whose data message is larger than the file. */
static int
child_long_data(struct cedar_stream *s)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);

	cedar_xfer_put_preamble(x, 1, 10);
	cedar_xfer_put_file(x, "f", 0644, 10);
	cedar_xfer_free(x);
	cedar_put_bytes(s, "0123456789ABCDEF", 16);
	cedar_send_eom(s);
	return 0;
}

static const char	*refused_name;

static int
parent_expect_refusal(struct cedar_stream *s, char *why, size_t whylen)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);
	struct cedar_xfer_entry	 e;
	unsigned char		 b[64];
	int64_t			 total;
	int			 final, rc = 0;

	if (cedar_xfer_get_preamble(x, &final, &total) == 0 &&
	    cedar_xfer_get_next(x, &e) == 0) {
		refused_name = "(accepted)";
		while ((rc = (int)cedar_xfer_get_data(x, b, sizeof(b))) > 0)
			;
	}
	snprintf(why, whylen, "%s", cedar_error(s));
	rc = cedar_status(s) == CEDAR_ERR_PROTOCOL ? 0 : -1;
	cedar_xfer_free(x);
	return rc;
}

static void
test_names(void)
{
	static const char *const bad[] = { "/etc/passwd", "", "a//b",
		"./a", "a/.", "..", "a/../b", "a/" };
	struct cedar_stream	*up, *down;
	struct cedar_xfer	*xu, *xd;
	struct cedar_xfer_entry	 e;
	int			 sv[2], ok;
	size_t			 i;

	/* Each bad name, one stream pair per name (the refusal sticks). */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
			break;
		up = loop_stream(sv[0], CEDAR_SERVER);
		down = loop_stream(sv[1], CEDAR_CLIENT);
		xu = cedar_xfer_new(up);
		xd = cedar_xfer_new(down);
		/* Everything the downloader reads before the go-ahead fits in
		 * the socket buffer: preamble, command, name. */
		cedar_put_int(up, 1);
		cedar_put_int(up, 0);
		cedar_put_string(up, "");
		cedar_put_string(up, "");
		cedar_send_eom(up);
		cedar_put_int(up, 1);
		cedar_send_eom(up);
		cedar_put_string(up, bad[i]);
		cedar_send_eom(up);
		cedar_flush(up);
		{
			int	 f;
			int64_t	 t;

			ok = cedar_xfer_get_preamble(xd, &f, &t) == 0 &&
			    cedar_xfer_get_next(xd, &e) == -1 &&
			    cedar_status(down) == CEDAR_ERR_PROTOCOL;
		}
		tap_ok(ok, "name \"%s\" refused: %s", bad[i],
		    cedar_error(down));
		cedar_xfer_free(xu);
		cedar_xfer_free(xd);
		cedar_stream_free(up);
		cedar_stream_free(down);
	}
}

static void
test_loopback(void)
{
	char	why[256] = "";
	int	prc = -1, crc;

	crc = run_pair(0, child_download, parent_upload, why, sizeof(why),
	    &prc);
	tap_ok(prc == 0 && crc == 0, "upload to a downloader: directories, "
	    "an empty file, 262144 bytes, 1 MiB + 1 (%s, child %d)", why, crc);
	prc = -1;
	crc = run_pair(1, upload_sandbox, download_sandbox, why, sizeof(why),
	    &prc);
	tap_ok(prc == 0 && crc == 0, "download from an uploader: the same "
	    "sandbox (%s, child %d)", why, crc);
	prc = -1;
	refused_name = NULL;
	run_pair(1, child_bad_name, parent_expect_refusal, why, sizeof(why),
	    &prc);
	tap_ok(prc == 0 && refused_name == NULL &&
	    strstr(why, "outside the sandbox") != NULL,
	    "a name with \"..\" is refused: %s", why);
	prc = -1;
	refused_name = NULL;
	run_pair(1, child_long_data, parent_expect_refusal, why, sizeof(why),
	    &prc);
	tap_ok(prc == 0 && strstr(why, "data message") != NULL,
	    "a data message longer than the file is refused: %s", why);
}

int
main(void)
{
	char	 cdir[4096];
	cJSON	*kdf;

	snprintf(cdir, sizeof(cdir), "%s/cedar", tap_conformance_dir());
	kdf = tl_load_json(cdir, "token-kdf.json");
	if (!tap_ok(kdf != NULL && tl_jstr(kdf, "token") != NULL,
	    "the recorded token is in token-kdf.json")) {
		cJSON_Delete(kdf);
		return tap_done();
	}
	alice_token = strdup(tl_jstr(kdf, "token"));
	cJSON_Delete(kdf);
	replay(cdir, "client-spool-upload.json", 1);
	replay(cdir, "client-fetch-output.json", 0);
	replay(cdir, "client-fetch-output-large.json", 0);
	test_loopback();
	test_names();
	OPENSSL_cleanse(alice_token, strlen(alice_token));
	free(alice_token);
	return tap_done();
}
