/*
 * test_cedar_kat.c — known-answer tests against the recorded HTCondor
 * 25.14 sessions in conformance/cedar (README there): the TOKEN key
 * derivations, and for every session checks 1-4 — the handshake digests,
 * every packet re-created or opened byte for byte with the session key,
 * ECDH + HKDF, hkt/hk — then a replay of our own client handshake.
 */
#include <openssl/crypto.h>

#include "tap.h"
#include "test_cedar_lib.h"

static const char *dir;

static int
eqhex(const unsigned char *p, size_t n, const char *hex)
{
	struct buf	 b = BUF_INIT;
	int		 eq;

	eq = hex != NULL && tl_unhex(hex, &b) == 0 && b.len == n &&
	    memcmp(b.data, p, n) == 0;
	buf_free(&b);
	return eq;
}

/* token-kdf.json: unscramble, double, jwt_key, signature, K. */
static void
test_token_kdf(void)
{
	cJSON			*j;
	struct buf		 file = BUF_INIT, ikm = BUF_INIT;
	struct cedar_jwt	 jwt;
	unsigned char		 jk[32], sig[32], k[32];
	char			 err[256];
	const char		*tok;

	if (!tap_ok((j = tl_load_json(dir, "cedar/token-kdf.json")) != NULL,
	    "token-kdf.json loads"))
		return;
	tl_unhex(tl_jstr(j, "pool_key_file_hex"), &file);
	cedar_key_unscramble((unsigned char *)file.data, file.len);
	tap_ok(eqhex((unsigned char *)file.data, file.len,
	    tl_jstr(j, "pool_key_unscrambled_hex")), "POOL key unscrambles");
	buf_add(&ikm, file.data, file.len);
	buf_add(&ikm, file.data, file.len);
	tap_ok(eqhex((unsigned char *)ikm.data, ikm.len,
	    tl_jstr(j, "hkdf_ikm_hex (unscrambled||unscrambled)")),
	    "POOL key doubled");
	tap_ok(cedar_jwt_key(ikm.data, ikm.len, jk) == 0 && eqhex(jk, 32,
	    tl_jstr(j, "jwt_key = HKDF-SHA256(ikm, salt=\"htcondor\", "
	    "info=\"master jwt\", L=32)")), "jwt_key");
	tok = tl_jstr(j, "token");
	if (tap_ok(tok != NULL && cedar_jwt_parse(tok, &jwt, err,
	    sizeof(err)) == 0, "token parses %s", err)) {
		tap_ok(jwt.textlen == strlen(tl_jstr(j,
		    "token_text (header.payload)")) && memcmp(jwt.text,
		    tl_jstr(j, "token_text (header.payload)"),
		    jwt.textlen) == 0, "token_text");
		tap_ok(eqhex(jwt.sig, jwt.siglen, tl_jstr(j, "signature_hex")),
		    "signature decodes");
		tap_ok(cedar_hmac_sha256(jk, 32, jwt.text, jwt.textlen,
		    sig) == 0 && eqhex(sig, 32, tl_jstr(j, "signature_hex")),
		    "HMAC-SHA256(jwt_key, header.payload) = signature");
		tap_ok(cedar_token_k(&jwt, k) == 0 && eqhex(k, 32, tl_jstr(j,
		    "K = HKDF-SHA256(ikm=signature, salt=seed_ka||token_text, "
		    "info=\"master ka\", L=32)")), "K");
		tap_ok(jwt.sub != NULL && strcmp(jwt.sub,
		    tl_jstr(j, "identity")) == 0, "sub = identity");
		tap_ok(jwt.kid != NULL && strcmp(jwt.kid, "POOL") == 0 &&
		    jwt.iss != NULL && strcmp(jwt.iss, "htcondor-ref.local") ==
		    0 && jwt.has_iat && !jwt.has_exp, "kid, iss, iat, no exp");
		cedar_jwt_clear(&jwt);
	}
	buf_wipe(&file);
	buf_wipe(&ikm);
	cJSON_Delete(j);
}

/* The meta value NAME, or its name in the real-* files. */
static const char *
meta(const cJSON *m, const char *name)
{
	const char	*v = tl_jstr(m, name);

	if (v == NULL && strcmp(name, "S") == 0)
		v = tl_jstr(m, "client_send_digest_S");
	if (v == NULL && strcmp(name, "R") == 0)
		v = tl_jstr(m, "client_recv_digest_R");
	if (v == NULL && strcmp(name, "K") == 0)
		v = tl_jstr(m, "token_K");
	return v;
}

static int
is_prologue(const cJSON *m, const cJSON *msg, int first)
{
	const char	*pt = tl_jstr(msg, "plaintext");

	return first && tl_jstr(m, "shared_port_id") != NULL && pt != NULL &&
	    strncmp(pt, "000000000000004b", 16) == 0;
}

/* Checks 1 and 2: play the client's side of the recorded session through
 * a stream — its plaintext messages in, the recorded packets out (byte
 * for byte, sealed with the recorded base IV); the server's packets in,
 * the recorded plaintext out — and compare the handshake digests. */
static void
test_transcript(const char *name, const cJSON *doc)
{
	const cJSON		*m = cJSON_GetObjectItem(doc, "meta"), *msg, *p;
	struct tl_mem		 mem;
	struct tl_rand		 rnd;
	struct cedar_io		 io = { tl_mem_read, tl_mem_write, NULL };
	struct cedar_rng	 rng = { tl_rand_fill, NULL };
	struct cedar_stream	*s;
	struct buf		 want = BUF_INIT, pt = BUF_INIT, got = BUF_INIT;
	unsigned char		 key[32], S[32], R[32];
	int			 bad_c = 0, bad_s = 0, nc = 0, ns = 0, first = 1;
	int			 have_key;
	const char		*dirn;

	memset(&mem, 0, sizeof(mem));
	memset(&rnd, 0, sizeof(rnd));
	have_key = tl_unhex_n(meta(m, "session_key"), key, 32) == 0;
	rnd.have_iv = tl_unhex_n(tl_jstr(m, "client_base_iv"), rnd.iv,
	    16) == 0;
	cJSON_ArrayForEach(msg, cJSON_GetObjectItem(doc, "messages")) {
		dirn = tl_jstr(msg, "dir");
		if (dirn != NULL && strcmp(dirn, "S->C") == 0)
			tl_packets_bytes(msg, &mem.rd);
		if (!rnd.have_iv && dirn != NULL && strcmp(dirn, "C->S") == 0)
			cJSON_ArrayForEach(p, cJSON_GetObjectItem(msg,
			    "packets"))
				if (!rnd.have_iv && tl_jstr(p, "base_iv"))
					rnd.have_iv = tl_unhex_n(tl_jstr(p,
					    "base_iv"), rnd.iv, 16) == 0;
	}
	io.ctx = &mem;
	rng.arg = &rnd;
	s = cedar_stream_new_io(&io, CEDAR_CLIENT);
	cedar_set_rng(s, &rng);
	cJSON_ArrayForEach(msg, cJSON_GetObjectItem(doc, "messages")) {
		dirn = tl_jstr(msg, "dir");
		if (dirn == NULL || strcmp(dirn, "event") == 0)
			continue;
		if (cJSON_IsTrue(cJSON_GetObjectItem(msg, "encrypted")) &&
		    !cedar_encrypted(s)) {
			cedar_get_digests(s, S, R);
			tap_ok(eqhex(S, 32, meta(m, "S")), "%s: digest S", name);
			tap_ok(eqhex(R, 32, meta(m, "R")), "%s: digest R", name);

			if (!have_key || cedar_install_key(s, key) == -1) {
				bad_c++;
				break;
			}
		}
		buf_reset(&pt);
		buf_reset(&want);
		tl_unhex(tl_jstr(msg, "plaintext"), &pt);
		if (strcmp(dirn, "C->S") == 0) {
			nc++;
			buf_reset(&mem.wr);
			tl_packets_bytes(msg, &want);
			if (cedar_put_bytes(s, pt.data, pt.len) == -1 ||
			    cedar_send_eom(s) == -1 || cedar_flush(s) == -1 ||
			    mem.wr.len != want.len ||
			    memcmp(mem.wr.data, want.data, want.len) != 0) {
				if (bad_c++ == 0)
					tap_diag("%s: client message %d "
					    "differs: %s", name,
					    cJSON_GetObjectItem(msg, "n")->valueint,
					    cedar_error(s));
			}
			if (is_prologue(m, msg, first))
				cedar_reset_digests(s);
		} else {
			ns++;
			buf_reset(&got);
			if (pt.len > 0)
				buf_add(&got, pt.data, pt.len);
			if (cedar_recv_message(s) == -1 ||
			    cedar_get_bytes(s, got.data, pt.len) == -1 ||
			    memcmp(got.data, pt.data, pt.len) != 0 ||
			    cedar_recv_eom(s) == -1) {
				if (bad_s++ == 0)
					tap_diag("%s: server message %d: %s",
					    name, cJSON_GetObjectItem(msg,
					    "n")->valueint, cedar_error(s));
			}
		}
		first = 0;
	}
	if (!cedar_encrypted(s) && meta(m, "S") != NULL) {
		cedar_get_digests(s, S, R);
		tap_ok(eqhex(S, 32, meta(m, "S")), "%s: digest S (plaintext "
		    "session)", name);
		tap_ok(eqhex(R, 32, meta(m, "R")), "%s: digest R (plaintext "
		    "session)", name);
	}
	tap_ok(bad_c == 0 && nc > 0, "%s: %d client messages re-created "
	    "byte for byte", name, nc);
	tap_ok(bad_s == 0, "%s: %d server messages opened and "
	    "match", name, ns);
	tap_ok(mem.rdpos == mem.rd.len, "%s: every server byte consumed",
	    name);
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);
	buf_free(&want);
	buf_free(&pt);
	buf_free(&got);
}

/* The value of ATTR = "..." in a recorded plaintext ad. */
static int
ad_string(const cJSON *msg, const char *attr, struct buf *out)
{
	struct buf	 pt = BUF_INIT;
	char		 pat[128];
	const char	*p, *q, *end;
	int		 rc = -1;

	tl_unhex(tl_jstr(msg, "plaintext"), &pt);
	snprintf(pat, sizeof(pat), "%s = \"", attr);
	end = pt.data + pt.len;
	for (p = pt.data; p != NULL && p < end; p += strlen(p) + 1)
		if (strncmp(p, pat, strlen(pat)) == 0) {
			p += strlen(pat);
			if ((q = strchr(p, '"')) != NULL)
				rc = buf_add(out, p, (size_t)(q - p));
			break;
		}
	buf_free(&pt);
	return rc;
}

static const cJSON *
message_n(const cJSON *doc, int n)
{
	const cJSON	*msg;

	cJSON_ArrayForEach(msg, cJSON_GetObjectItem(doc, "messages"))
		if (cJSON_GetObjectItem(msg, "n")->valueint == n)
			return msg;
	return NULL;
}

/* Check 3: ECDH with the recorded scalar and the server's key, HKDF. */
static void
test_ecdh(const char *name, const cJSON *doc)
{
	const cJSON		*m = cJSON_GetObjectItem(doc, "meta"), *msg;
	struct cedar_ecdh	*k = NULL;
	struct buf		 b64 = BUF_INIT, peer = BUF_INIT;
	unsigned char		 scalar[32], shared[32], key[32];
	int			 off;

	if (tl_unhex_n(tl_jstr(m, "ecdh_private_scalar"), scalar, 32) == -1)
		return;
	off = tl_jstr(m, "shared_port_id") != NULL ? 1 : 0;
	if (!tap_ok(cedar_ecdh_from_scalar(scalar, &k) == 0,
	    "%s: P-256 key from the scalar", name))
		return;
	tap_ok(eqhex(cedar_ecdh_public(k), 65, tl_jstr(m, "ecdh_public")),
	    "%s: our public point", name);
	msg = message_n(doc, 1 + off);
	if (msg == NULL || tl_jstr(msg, "plaintext") == NULL) {
		cedar_ecdh_free(k);
		return;		/* the schedd never answered */
	}
	if (tap_ok(msg != NULL && ad_string(msg, "ECDHPublicKey", &b64) == 0 &&
	    b64_decode(b64.data, b64.len, &peer) == 0 && peer.len == 65,
	    "%s: server ECDHPublicKey decodes", name)) {
		tap_ok(cedar_ecdh_derive(k, (unsigned char *)peer.data,
		    peer.len, shared) == 0 && eqhex(shared, 32,
		    tl_jstr(m, "ecdh_shared")), "%s: ECDH shared secret", name);
		tap_ok(cedar_session_key(shared, key) == 0 && eqhex(key, 32,
		    tl_jstr(m, "session_key")), "%s: HKDF session key", name);
	}
	cedar_ecdh_free(k);
	buf_free(&b64);
	buf_free(&peer);
}

/* Check 4: hkt and hk from K, A, B, ra, rb. */
static void
test_hmacs(const char *name, const cJSON *doc)
{
	const cJSON	*m = cJSON_GetObjectItem(doc, "meta");
	unsigned char	 k[32], ra[256], rb[256], out[20];
	const char	*a, *b, *want;

	if (tl_unhex_n(meta(m, "K"), k, 32) == -1 ||
	    tl_unhex_n(tl_jstr(m, "ra"), ra, 256) == -1 ||
	    tl_unhex_n(tl_jstr(m, "rb"), rb, 256) == -1)
		return;
	if ((a = tl_jstr(m, "A")) == NULL)
		a = "alice@htcondor-ref.local";
	if ((b = tl_jstr(m, "B")) == NULL)
		b = "condor@password";
	if ((want = tl_jstr(m, "hkt_expected_with_client_K")) == NULL)
		want = tl_jstr(m, "hkt");
	tap_ok(cedar_token_hkt(k, a, b, ra, rb, out) == 0 &&
	    eqhex(out, 20, want), "%s: hkt", name);
	if ((want = tl_jstr(m, "hk")) != NULL)
		tap_ok(cedar_token_hk(k, a, rb, out) == 0 &&
		    eqhex(out, 20, want), "%s: hk", name);
}


int
main(void)
{
	char		 cdir[4096];
	char		**names;
	size_t		 n, i;
	cJSON		*doc;

	dir = tap_conformance_dir();
	snprintf(cdir, sizeof(cdir), "%s/cedar", dir);
	test_token_kdf();
	n = tl_list(cdir, "", &names);
	tap_ok(n >= 30, "conformance/cedar has the recorded sessions (%zu)",
	    n);
	for (i = 0; i < n; i++) {
		if (strcmp(names[i], "token-kdf.json") != 0) {
			doc = tl_load_json(cdir, names[i]);
			if (tap_ok(doc != NULL, "%s parses", names[i])) {
				test_transcript(names[i], doc);
				test_ecdh(names[i], doc);
				test_hmacs(names[i], doc);
			}
			cJSON_Delete(doc);
		}
		free(names[i]);
	}
	free(names);
	return tap_done();
}
