/*
 * test_cedar_replay.c — our client handshake against the recorded schedd.
 * For every recorded session: the recorded randomness (ECDH scalar, ra,
 * base IV) and the recorded token are fed in, the schedd's recorded bytes
 * are played back, and every packet our client writes must equal the
 * recorded client packet — policy ad, bitmask, TOKEN messages, then the
 * command's sealed messages.  Failure sessions must end with the error
 * class the HTTP layer maps.
 */
#include <openssl/crypto.h>

#include "tap.h"
#include "test_cedar_lib.h"

static char	*alice_token;		/* the recorded, full IDTOKEN */
static char	*alice_text;		/* its header.payload */

/* The token text a recorded TOKEN message 1 carried, or NULL. */
static char *
recorded_token_text(const cJSON *doc)
{
	const cJSON	*msg;
	struct buf	 pt = BUF_INIT;
	const char	*ex;
	char		*t = NULL;
	size_t		 off;

	cJSON_ArrayForEach(msg, tl_messages(doc)) {
		ex = tl_jstr(msg, "explain");
		if (!tl_is_dir(msg, "C->S") || ex == NULL ||
		    (strncmp(ex, "TOKEN msg1", 10) != 0 &&
		    strncmp(ex, "TOKEN msg 1", 11) != 0))
			continue;
		tl_unhex(tl_jstr(msg, "plaintext"), &pt);
		off = 16;
		if (pt.len > off) {
			off += strlen(pt.data + off) + 1;
			if (off < pt.len)
				t = strdup(pt.data + off);
		}
		break;
	}
	buf_free(&pt);
	return t;
}

/* The integer value of "NAME = <int>" in the first client message. */
static long
recorded_command(const cJSON *doc, int skip)
{
	const cJSON	*msg;
	struct buf	 pt = BUF_INIT;
	const char	*p, *end;
	long		 v = -1;

	cJSON_ArrayForEach(msg, tl_messages(doc)) {
		if (!tl_is_dir(msg, "C->S") || skip-- > 0)
			continue;
		tl_unhex(tl_jstr(msg, "plaintext"), &pt);
		end = pt.data + pt.len;
		for (p = pt.data + 16; p < end; p += strlen(p) + 1)
			if (strncmp(p, "Command = ", 10) == 0) {
				v = strtol(p + 10, NULL, 10);
				break;
			}
		break;
	}
	buf_free(&pt);
	return v;
}

/* What a session must end with: CEDAR_OK or an error class. */
static enum cedar_err
expected(const char *name)
{
	if (strstr(name, "auth-wrong-key") || strstr(name, "auth-unknown-kid")
	    || strstr(name, "auth-expired"))
		return CEDAR_ERR_TOKEN;
	if (strstr(name, "unknown-command") || strstr(name, "idtokens"))
		return CEDAR_ERR_PROTOCOL;
	if (strstr(name, "bad-remoteversion"))
		return CEDAR_ERR_INTERNAL;	/* we refuse to send it */
	return CEDAR_OK;
}

static void
replay(const char *name, const cJSON *doc)
{
	const cJSON		*m = cJSON_GetObjectItem(doc, "meta"), *msg;
	struct tl_mem		 mem;
	struct tl_rand		 rnd;
	struct cedar_io		 io = { tl_mem_read, tl_mem_write, NULL };
	struct cedar_rng	 rng = { tl_rand_fill, NULL };
	struct cedar_stream	*s;
	struct cedar_auth	 auth;
	struct cedar_session	 sess;
	struct buf		 want = BUF_INIT, pt = BUF_INIT, tok = BUF_INIT;
	enum cedar_err		 e, exp = expected(name);
	char			*text;
	const char		*spid, *dirn;
	int			 off, handshake_done = 0, bad = 0, nmsg = 0;
	static const unsigned char zsig[32];

	memset(&mem, 0, sizeof(mem));
	memset(&rnd, 0, sizeof(rnd));
	memset(&auth, 0, sizeof(auth));
	memset(&sess, 0, sizeof(sess));
	rnd.have_ecdh = tl_unhex_n(tl_jstr(m, "ecdh_private_scalar"),
	    rnd.ecdh, 32) == 0;
	rnd.have_ra = tl_unhex_n(tl_jstr(m, "ra"), rnd.ra, 256) == 0;
	rnd.have_iv = tl_unhex_n(tl_jstr(m, "client_base_iv"), rnd.iv,
	    16) == 0;
	if (strstr(name, "sub-mismatch") != NULL) {
		/* Made by sending A = bob with alice's token, which our client
		 * cannot do (A is always sub); test_silence covers it. */
		tap_diag("%s: needs A != sub, not replayable", name);
		return;
	}
	if (!rnd.have_ecdh || strstr(name, "resume-query") != NULL) {
		tap_diag("%s: not a full handshake with known randomness", name);
		return;
	}
	/* The token: the recorded one when the session used it; for
	 * failure sessions any signature will do (the schedd refused it, or
	 * its hkt could not verify), so a zero one stands in. */
	text = recorded_token_text(doc);
	if (text != NULL && strcmp(text, alice_text) == 0)
		buf_adds(&tok, alice_token);
	else if (text != NULL && exp == CEDAR_ERR_TOKEN) {
		buf_adds(&tok, text);
		buf_addc(&tok, '.');
		b64url_encode(zsig, sizeof(zsig), &tok);
	} else if (text != NULL) {
		tap_diag("%s: made with a token we do not hold (bob's)", name);
		free(text);
		buf_free(&tok);
		return;
	} else
		buf_adds(&tok, alice_token);
	free(text);

	cJSON_ArrayForEach(msg, tl_messages(doc))
		if (tl_is_dir(msg, "S->C"))
			tl_packets_bytes(msg, &mem.rd);
	io.ctx = &mem;
	rng.arg = &rnd;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	spid = tl_jstr(m, "shared_port_id");
	off = spid != NULL;
	if (spid != NULL)
		cedar_shared_port_prologue(s, spid,
		    tl_jstr(m, "prologue_client_name"), -1);
	auth.command = (int)recorded_command(doc, off);
	auth.token = tok.data;
	auth.version = tl_jstr(m, "client_version_string");
	if (strstr(name, "bad-remoteversion") != NULL) {
		/* The recorded malformed string, which crashed the schedd. */
		auth.version = "$CondorVersion: 25.14.0 2026-11-27 BuildID: BAD";
	}
	e = cedar_client_handshake(s, &auth, &sess);
	tap_ok(e == exp, "%s: handshake ends with %s (%s)", name,
	    cedar_err_name(exp), e == CEDAR_OK ? "ok" : cedar_error(s));
	if (exp == CEDAR_ERR_INTERNAL) {
		tap_ok(mem.wr.len == 0, "%s: nothing sent", name);
		goto done;
	}
	/* Compare what we wrote with the recorded client messages; then
	 * carry on with the command's messages through our stream. */
	cJSON_ArrayForEach(msg, tl_messages(doc)) {
		dirn = tl_jstr(msg, "dir");
		if (dirn == NULL || strcmp(dirn, "event") == 0)
			continue;
		if (cJSON_IsTrue(cJSON_GetObjectItem(msg, "encrypted")) &&
		    tl_is_dir(msg, "C->S"))
			handshake_done = 1;
		if (!handshake_done) {
			if (tl_is_dir(msg, "C->S"))
				tl_packets_bytes(msg, &want);
			continue;
		}
		if (e != CEDAR_OK)
			break;
		(void)cedar_flush(s);
		if (mem.wr.len != want.len || memcmp(mem.wr.data, want.data,
		    want.len) != 0)
			break;	/* reported below */
		buf_reset(&pt);
		tl_unhex(tl_jstr(msg, "plaintext"), &pt);
		nmsg++;
		if (tl_is_dir(msg, "C->S")) {
			tl_packets_bytes(msg, &want);
			if (cedar_put_bytes(s, pt.data, pt.len) == -1 ||
			    cedar_send_eom(s) == -1)
				bad++;
		} else {
			unsigned char	*got = malloc(pt.len + 1);

			if (cedar_get_bytes(s, got, pt.len) == -1 ||
			    memcmp(got, pt.data, pt.len) != 0 ||
			    cedar_recv_eom(s) == -1)
				bad++;
			free(got);
		}
	}
	(void)cedar_flush(s);
	if (strstr(name, "idtokens") == NULL)
		tap_ok(mem.wr.len == want.len && memcmp(mem.wr.data, want.data,
		    want.len) == 0, "%s: our client's %zu bytes equal the "
		    "recorded client's %zu", name, mem.wr.len, want.len);
	if (e == CEDAR_OK) {
		tap_ok(bad == 0, "%s: %d command messages after the handshake "
		    "(%s)", name, nmsg, cedar_error(s));
		tap_ok(sess.user != NULL && strcmp(sess.user,
		    "alice@htcondor-ref.local") == 0 && sess.authenticated,
		    "%s: mapped to %s", name, sess.user ? sess.user : "?");
		tap_ok(sess.sid != NULL && *sess.sid != '\0' &&
		    sess.duration == 60 && sess.lease == 3600,
		    "%s: session id and lifetime", name);
		tap_ok(memcmp(sess.key, (unsigned char[32]){0}, 32) != 0,
		    "%s: session key kept", name);
	}
done:
	cedar_session_clear(&sess);
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);
	buf_free(&want);
	buf_free(&pt);
	buf_wipe(&tok);
}

/* The schedd goes silent after message 3 when A is not the token's
 * sub: client-query's schedd bytes up to message 2, then silence. */
static void
test_silence(const char *cdir)
{
	cJSON			*doc = tl_load_json(cdir, "client-query.json");
	const cJSON		*m, *msg;
	struct tl_mem		 mem;
	struct tl_rand		 rnd;
	struct cedar_io		 io = { tl_mem_read, tl_mem_write, NULL };
	struct cedar_rng	 rng = { tl_rand_fill, NULL };
	struct cedar_stream	*s;
	struct cedar_auth	 auth;
	enum cedar_err		 e;
	int			 i = 0;

	if (!tap_ok(doc != NULL, "client-query.json loads"))
		return;
	m = cJSON_GetObjectItem(doc, "meta");
	memset(&mem, 0, sizeof(mem));
	memset(&rnd, 0, sizeof(rnd));
	memset(&auth, 0, sizeof(auth));
	rnd.have_ecdh = tl_unhex_n(tl_jstr(m, "ecdh_private_scalar"),
	    rnd.ecdh, 32) == 0;
	rnd.have_ra = tl_unhex_n(tl_jstr(m, "ra"), rnd.ra, 256) == 0;
	cJSON_ArrayForEach(msg, tl_messages(doc))
		if (tl_is_dir(msg, "S->C") && i++ < 3)
			tl_packets_bytes(msg, &mem.rd);
	mem.eof_is_timeout = 1;
	io.ctx = &mem;
	rng.arg = &rnd;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	auth.command = 516;
	auth.token = alice_token;
	auth.version = tl_jstr(m, "client_version_string");
	e = cedar_client_handshake(s, &auth, NULL);
	tap_ok(e == CEDAR_ERR_TOKEN && strstr(cedar_error(s), "identity"),
	    "silence after TOKEN message 3 is a rejected token: %s",
	    cedar_error(s));
	tap_ok(e == CEDAR_ERR_TOKEN, "... a token error");
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);

	/* EOF instead of the response ad: through a shared port it means a
	 * stale id (503), directly a refusal (502). */
	memset(&mem, 0, sizeof(mem));
	io.ctx = &mem;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	e = cedar_client_handshake(s, &auth, NULL);
	tap_ok(e == CEDAR_ERR_PROTOCOL, "EOF before the response ad: %s",
	    cedar_error(s));
	cedar_stream_free(s);
	buf_free(&mem.wr);
	memset(&mem, 0, sizeof(mem));
	io.ctx = &mem;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	cedar_shared_port_prologue(s, "schedd_1_ab12", "TOOL test", -1);
	e = cedar_client_handshake(s, &auth, NULL);
	tap_ok(e == CEDAR_ERR_UNREACHABLE,
	    "EOF after a shared-port prologue: %s", cedar_error(s));
	cedar_stream_free(s);
	buf_free(&mem.wr);
	cJSON_Delete(doc);
}

/* Resume the recorded session with the recorded nonce and IV; the
 * resume request and every sealed packet must match; then the refusals. */
static void
test_resume(const char *cdir)
{
	cJSON			*doc = tl_load_json(cdir, "client-resume-query.json");
	const cJSON		*m, *msg;
	struct tl_mem		 mem;
	struct tl_rand		 rnd;
	struct cedar_io		 io = { tl_mem_read, tl_mem_write, NULL };
	struct cedar_rng	 rng = { tl_rand_fill, NULL };
	struct cedar_stream	*s;
	struct buf		 want = BUF_INIT, pt = BUF_INIT;
	unsigned char		 key[32], got[4096];
	enum cedar_err		 e;
	int			 bad = 0, n = 0;

	if (!tap_ok(doc != NULL, "client-resume-query.json loads"))
		return;
	m = cJSON_GetObjectItem(doc, "meta");
	memset(&mem, 0, sizeof(mem));
	memset(&rnd, 0, sizeof(rnd));
	rnd.have_nonce = tl_unhex_n(tl_jstr(m, "client_nonce"), rnd.nonce,
	    33) == 0;
	rnd.have_iv = tl_unhex_n(tl_jstr(m, "client_base_iv"), rnd.iv,
	    16) == 0;
	tl_unhex_n(tl_jstr(m, "session_key"), key, 32);
	cJSON_ArrayForEach(msg, tl_messages(doc))
		if (tl_is_dir(msg, "S->C"))
			tl_packets_bytes(msg, &mem.rd);
	io.ctx = &mem;
	rng.arg = &rnd;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	e = cedar_client_resume(s, tl_jstr(m, "resume_sid"), key, 516,
	    tl_jstr(m, "client_version_string"));
	tap_ok(e == CEDAR_OK, "resume accepted (%s)", cedar_error(s));
	cJSON_ArrayForEach(msg, tl_messages(doc)) {
		if (tl_is_dir(msg, "C->S"))
			tl_packets_bytes(msg, &want);
		if (!cJSON_IsTrue(cJSON_GetObjectItem(msg, "encrypted")) ||
		    e != CEDAR_OK)
			continue;
		buf_reset(&pt);
		tl_unhex(tl_jstr(msg, "plaintext"), &pt);
		n++;
		if (tl_is_dir(msg, "C->S")) {
			if (cedar_put_bytes(s, pt.data, pt.len) == -1 ||
			    cedar_send_eom(s) == -1)
				bad++;
		} else if (pt.len > sizeof(got) || cedar_get_bytes(s, got,
		    pt.len) == -1 || memcmp(got, pt.data, pt.len) != 0 ||
		    cedar_recv_eom(s) == -1)
			bad++;
	}
	tap_ok(bad == 0 && n > 0, "%d sealed messages of the resumed session",
	    n);
	(void)cedar_flush(s);
	tap_ok(mem.wr.len == want.len && memcmp(mem.wr.data, want.data,
	    want.len) == 0, "resume: our %zu bytes equal the recorded %zu",
	    mem.wr.len, want.len);
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);

	/* SID_NOT_FOUND then EOF, as a 25.14 schedd answers an unknown
	 * session. */
	memset(&mem, 0, sizeof(mem));
	tl_unhex("0100000027" "0000000000000001"
	    "52657475726e436f6465203d20225349445f4e4f545f464f554e442200"
	    "0000", &mem.rd);
	io.ctx = &mem;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	e = cedar_client_resume(s, "h:1:2:3", key, 516, NULL);
	tap_ok(e == CEDAR_ERR_NO_SESSION, "SID_NOT_FOUND: %s",
	    cedar_error(s));
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);
	memset(&mem, 0, sizeof(mem));
	io.ctx = &mem;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	e = cedar_client_resume(s, "h:1:2:3", key, 516, NULL);
	tap_ok(e == CEDAR_ERR_NO_SESSION, "EOF on resume: %s",
	    cedar_error(s));
	cedar_stream_free(s);
	buf_free(&mem.wr);
	buf_free(&want);
	buf_free(&pt);
	cJSON_Delete(doc);
}

int
main(void)
{
	char		 cdir[4096];
	char		**names;
	size_t		 n, i;
	cJSON		*doc, *kdf;
	const char	*t = NULL;

	snprintf(cdir, sizeof(cdir), "%s/cedar", tap_conformance_dir());
	kdf = tl_load_json(cdir, "token-kdf.json");
	if (!tap_ok(kdf != NULL && (t = tl_jstr(kdf, "token")) != NULL,
	    "the recorded token is in token-kdf.json")) {
		cJSON_Delete(kdf);
		return tap_done();
	}
	alice_token = strdup(t);
	alice_text = strdup(tl_jstr(kdf, "token_text (header.payload)"));
	cJSON_Delete(kdf);
	n = tl_list(cdir, "client-", &names);
	tap_ok(n >= 30, "recorded client sessions found (%zu)", n);
	for (i = 0; i < n; i++) {
		if ((doc = tl_load_json(cdir, names[i])) != NULL)
			replay(names[i], doc);
		else
			tap_ok(0, "%s parses", names[i]);
		cJSON_Delete(doc);
		free(names[i]);
	}
	free(names);
	test_silence(cdir);
	test_resume(cdir);
	OPENSSL_cleanse(alice_token, strlen(alice_token));
	free(alice_token);
	free(alice_text);
	return tap_done();
}
