/*
 * server.c — the schedd's side of the DC_AUTHENTICATE handshake and
 * of the TOKEN method, as HTCondor 25.14 behaves on the wire
 * (condor_secman.cpp, condor_auth_passwd.cpp, tests/conformance/cedar), so
 * the demo and test schedds answer our client with real cryptography: it re-signs
 * the token with its own key, derives K, checks hk and sub, fails silently
 * where the real one does.  Each new session gets a Sid of the schedd's
 * form and is handed to the caller's store; a later connection may
 * resume it (daemon_command.cpp).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cedar/cedar_int.h"
#include "cedar/server.h"
#include "classad/classad.h"

#define SERVER_NAME	"condor@password"	/* B for clients >= 23.9 */
#define SERVER_DURATION	60	/* a 25.14 schedd's for READ */
#define SERVER_LEASE	3600
#define SERVER_SLOP	20	/* SEC_SESSION_DURATION_SLOP */

/* Results are freed by their owner after the command is served. */
void
cedar_server_result_clear(struct cedar_server_result *res)
{
	if (res == NULL)
		return;
	free(res->user);
	free(res->peer_version);
	OPENSSL_cleanse(res, sizeof(*res));
}

/* The clock of token expiry and session lifetimes: the caller's, or the
 * wall clock. */
static int64_t
server_now(const struct cedar_server_conf *c)
{
	return c->now ? c->now : (int64_t)time(NULL);
}

/* Is CMD one the caller serves?  The schedd closes on any other
 * (tests/conformance/cedar/client-error-unknown-command). */
static int
known_command(const struct cedar_server_conf *c, int64_t cmd)
{
	size_t	 i;

	if (cmd <= 0 || cmd > 0x7fffffff)
		return 0;
	if (c->commands == NULL)
		return 1;
	for (i = 0; i < c->ncommands; i++)
		if (c->commands[i] == cmd)
			return 1;
	return 0;
}

/* Does the client's comma list name TOKEN in exactly that spelling (any
 * case)?  The schedd does not normalize the client's IDTOKENS. */
static int
offers_token(const char *list)
{
	size_t	 l;

	while (list != NULL && *list != '\0') {
		while (*list == ',' || *list == ' ')
			list++;
		l = strcspn(list, ", ");
		if (l == 5 && strncasecmp(list, "TOKEN", 5) == 0)
			return 1;
		list += l;
	}
	return 0;
}

/* Message 2 with status -1: every field empty (50 bytes). */
static int
send_msg2_fail(struct cedar_stream *s)
{
	return cedar_put_int(s, -1) == -1 || cedar_put_int(s, 0) == -1 ||
	    cedar_put_string(s, "") == -1 || cedar_put_int(s, 0) == -1 ||
	    cedar_put_string(s, "") == -1 || cedar_put_int(s, 0) == -1 ||
	    cedar_put_int(s, 0) == -1 || cedar_put_int(s, 0) == -1 ||
	    cedar_send_eom(s) == -1 ? -1 : 0;
}

/* The server's checks of message 1 (Condor_Auth_Passwd): the kid it knows,
 * HS256, exp, iss, jti, sub.  Fills the recomputed signature. */
static int
check_token(const struct cedar_server_conf *c, const struct cedar_jwt *jwt,
    unsigned char sig[32])
{
	unsigned char	 jk[32];
	int64_t		 now = server_now(c);
	int		 rc;

	if (jwt->kid == NULL || *jwt->kid == '\0' ||
	    strcmp(jwt->kid, c->key_id) != 0 || jwt->alg == NULL ||
	    strcmp(jwt->alg, "HS256") != 0 ||
	    (jwt->has_exp && jwt->exp < now) || jwt->iss == NULL ||
	    *jwt->iss == '\0' || jwt->jti == NULL || *jwt->jti == '\0' ||
	    jwt->sub == NULL || *jwt->sub == '\0')
		return -1;
	if (cedar_jwt_key(c->signing_key, c->signing_key_len, jk) == -1)
		return -1;
	rc = cedar_hmac_sha256(jk, 32, jwt->text, jwt->textlen, sig);
	OPENSSL_cleanse(jk, sizeof(jk));
	return rc;
}

/* Message 1 fields: status, A, token text, ra. */
struct msg1 {
	int64_t		 status, ralen;
	char		*a, *text;
	unsigned char	 ra[CEDAR_TOKEN_RAND_LEN];
};

static int
read_msg1(struct cedar_stream *s, struct msg1 *m)
{
	int64_t	 alen;

	return cedar_get_int_range(s, -1, 0, &m->status) == -1 ||
	    cedar_get_int_range(s, 0, CEDAR_NAME_MAX, &alen) == -1 ||
	    cedar_get_string(s, &m->a) == -1 ||
	    cedar_get_string(s, &m->text) == -1 ||
	    cedar_get_int_range(s, 0, CEDAR_TOKEN_RAND_LEN, &m->ralen) == -1 ||
	    cedar_get_bytes(s, m->ra, (size_t)m->ralen) == -1 ||
	    cedar_recv_eom(s) == -1 ? -1 : 0;
}

/* Message 3 against what we expect; 1 when it authenticates A. */
static int
read_msg3(struct cedar_stream *s, const char *a, const unsigned char *rb,
    const unsigned char *hk, int *ok)
{
	unsigned char	 rb3[CEDAR_TOKEN_RAND_LEN], hk3[64];
	int64_t		 st, alen, rblen, hklen;
	char		*a3 = NULL;
	int		 rc;

	rc = cedar_get_int_range(s, -1, 0, &st) == -1 ||
	    cedar_get_int_range(s, 0, CEDAR_NAME_MAX, &alen) == -1 ||
	    cedar_get_string(s, &a3) == -1 ||
	    cedar_get_int_range(s, 0, CEDAR_TOKEN_RAND_LEN, &rblen) == -1 ||
	    cedar_get_bytes(s, rb3, (size_t)rblen) == -1 ||
	    cedar_get_int_range(s, 0, sizeof(hk3), &hklen) == -1 ||
	    cedar_get_bytes(s, hk3, (size_t)hklen) == -1 ||
	    cedar_recv_eom(s) == -1 ? -1 : 0;
	*ok = rc == 0 && st == 0 && a != NULL && strcmp(a3, a) == 0 &&
	    rblen == CEDAR_TOKEN_RAND_LEN && hklen == CEDAR_HMAC_SHA1_LEN &&
	    CRYPTO_memcmp(rb3, rb, CEDAR_TOKEN_RAND_LEN) == 0 &&
	    CRYPTO_memcmp(hk3, hk, CEDAR_HMAC_SHA1_LEN) == 0;
	free(a3);
	OPENSSL_cleanse(hk3, sizeof(hk3));
	return rc;
}

/* One run of the TOKEN method as the server; *USER is set on success. */
static int
token_server(struct cedar_stream *s, const struct cedar_server_conf *c,
    char **user)
{
	struct msg1	 m;
	struct cedar_jwt jwt;
	unsigned char	 rb[CEDAR_TOKEN_RAND_LEN], hkt[20], hk[20], k[32];
	char		 err[128];
	int		 rc = -1, ok = 0, valid;

	memset(&m, 0, sizeof(m));
	memset(&jwt, 0, sizeof(jwt));
	if (read_msg1(s, &m) == -1)
		goto done;
	valid = m.status == 0 && m.ralen == CEDAR_TOKEN_RAND_LEN &&
	    jwt_parse_text(m.text, strlen(m.text), &jwt, err,
	    sizeof(err)) == 0 && check_token(c, &jwt, jwt.sig) == 0;
	if (valid) {
		jwt.siglen = 32;
		valid = cedar_token_k(&jwt, k) == 0 &&
		    stream_rand(s, CEDAR_RAND_RA, rb, sizeof(rb)) == 0 &&
		    cedar_token_hkt(k, m.a, SERVER_NAME, m.ra, rb, hkt) == 0 &&
		    cedar_token_hk(k, m.a, rb, hk) == 0;
	}
	if (!valid) {
		if (send_msg2_fail(s) == 0)
			(void)read_msg3(s, NULL, rb, hk, &ok);
		rc = s->status == CEDAR_OK ? 0 : -1;
		goto done;
	}
	if (cedar_put_int(s, 0) == -1 ||
	    cedar_put_int(s, (int64_t)strlen(m.a)) == -1 ||
	    cedar_put_string(s, m.a) == -1 ||
	    cedar_put_int(s, (int64_t)strlen(SERVER_NAME)) == -1 ||
	    cedar_put_string(s, SERVER_NAME) == -1 ||
	    cedar_put_int(s, CEDAR_TOKEN_RAND_LEN) == -1 ||
	    cedar_put_bytes(s, m.ra, CEDAR_TOKEN_RAND_LEN) == -1 ||
	    cedar_put_int(s, CEDAR_TOKEN_RAND_LEN) == -1 ||
	    cedar_put_bytes(s, rb, CEDAR_TOKEN_RAND_LEN) == -1 ||
	    cedar_put_int(s, CEDAR_HMAC_SHA1_LEN) == -1 ||
	    cedar_put_bytes(s, hkt, CEDAR_HMAC_SHA1_LEN) == -1 ||
	    cedar_send_eom(s) == -1 || read_msg3(s, m.a, rb, hk, &ok) == -1)
		goto done;
	/* A must be the token's subject exactly. */
	if (ok && strcmp(m.a, jwt.sub) == 0 &&
	    (*user = strdup(jwt.sub)) == NULL) {
		cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
		goto done;
	}
	rc = 0;
done:
	free(m.a);
	if (m.text != NULL)
		OPENSSL_cleanse(m.text, strlen(m.text));
	free(m.text);
	cedar_jwt_clear(&jwt);
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(hk, sizeof(hk));
	OPENSSL_cleanse(&m, sizeof(m));
	return rc;
}

/* Steps 3-8: bitmasks until TOKEN succeeds; 0 ends it (int 0, close). */
static int
server_auth(struct cedar_stream *s, const struct cedar_server_conf *c,
    char **user)
{
	int64_t	 mask;

	for (;;) {
		if (cedar_get_int(s, &mask) == -1 || cedar_recv_eom(s) == -1)
			return -1;
		if ((mask & CEDAR_CAUTH_TOKEN) == 0) {
			if (cedar_put_int(s, 0) == 0)
				(void)cedar_send_eom(s);
			return cedar_fail(s, CEDAR_ERR_TOKEN,
			    "the client has no acceptable method");
		}
		if (cedar_put_int(s, CEDAR_CAUTH_TOKEN) == -1 ||
		    cedar_send_eom(s) == -1 ||
		    token_server(s, c, user) == -1)
			return -1;
		if (*user != NULL)
			break;
		/* Failed: the schedd waits silently for the next bitmask. */
	}
	if (cedar_put_int(s, 0) == -1 || cedar_send_eom(s) == -1)
		return -1;
	return 0;
}

/* SessionDuration and SessionLease as ReconcileSecurityPolicyAds sets
 * them: the smaller of the client's and ours (a client without
 * SessionDuration gets 0); a lease only when both sides name one, 0 on
 * one side taking the other's.  1 when the response names a lease. */
static int
negotiate_lifetime(const struct cedar_server_conf *c,
    const struct classad *ad, struct cedar_server_result *res)
{
	const char	*v;
	int64_t		 ours, theirs = 0;

	ours = c->session_duration > 0 ? c->session_duration :
	    SERVER_DURATION;
	if (classad_lookup_string(ad, "SessionDuration", &v) == 0) {
		theirs = strtoll(v, NULL, 10);
		if (theirs < 0)
			theirs = 0;
	}
	res->duration = theirs < ours ? theirs : ours;
	ours = c->session_lease > 0 ? c->session_lease : SERVER_LEASE;
	if (classad_lookup_int(ad, "SessionLease", &theirs) == -1)
		return 0;
	if (theirs <= 0)
		theirs = ours;
	res->lease = theirs < ours ? theirs : ours;
	return 1;
}

/* A new session id in the schedd's form, host:pid:time:n
 * (daemon_command.cpp): unique across the forked processes of one
 * server, since each has a pid of its own. */
static void
new_sid(const struct cedar_server_conf *c, char sid[CEDAR_SID_MAX])
{
	static unsigned int	 counter;
	char			 host[64];
	size_t			 i;

	if (gethostname(host, sizeof(host)) == -1)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	for (i = 0; host[i] != '\0'; i++)
		if (!isalnum((unsigned char)host[i]) && host[i] != '-')
			host[i] = '-';
	snprintf(sid, CEDAR_SID_MAX, "%s:%ld:%lld:%u", host, (long)getpid(),
	    (long long)server_now(c), ++counter);
}

/* The response to the policy ad: what this schedd enforces and offers
 * (TOKEN only when the client offered it), the negotiated lifetime
 * (SessionLease only when LEASE) and its ECDH public key. */
static struct classad *
response_ad(const struct cedar_server_conf *c, int auth, int token,
    const struct cedar_server_result *res, int lease, const char *pub64)
{
	struct classad	*ad;
	const char	*methods = token ? "TOKEN" : "";
	char		 dur[24];
	int		 ok;

	if ((ad = classad_new()) == NULL)
		return NULL;
	snprintf(dur, sizeof(dur), "%lld", (long long)res->duration);
	ok = classad_insert_string(ad, "Enact", "YES") == 0 &&
	    classad_insert_string(ad, "Integrity", "YES") == 0 &&
	    classad_insert_string(ad, "Encryption", "YES") == 0 &&
	    classad_insert_string(ad, "IssuerKeys", c->key_id) == 0 &&
	    classad_insert_string(ad, "AuthMethods", methods) == 0 &&
	    classad_insert_string(ad, "TrustDomain", c->trust_domain) == 0;
	if (ok && lease)
		ok = classad_insert_int(ad, "SessionLease", res->lease) == 0;
	ok = ok && classad_insert_string(ad, "CryptoMethods", "AES") == 0 &&
	    classad_insert_string(ad, "ECDHPublicKey", pub64) == 0 &&
	    classad_insert_string(ad, "RemoteVersion", c->version ?
	    c->version : cedar_version_string()) == 0 &&
	    classad_insert_string(ad, "Authentication", auth ? "YES" :
	    "NO") == 0 &&
	    classad_insert_string(ad, "AuthMethodsList", methods) == 0 &&
	    classad_insert_string(ad, "SessionDuration", dur) == 0 &&
	    classad_insert_string(ad, "CryptoMethodsList", "AES") == 0 &&
	    classad_insert_bool(ad, "NegotiatedSession", 1) == 0;
	if (!ok) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

/* The post-authentication ad: the session id, the mapped user and the
 * verdict, sent encrypted once the session key is installed. */
static struct classad *
post_auth_ad(const char *sid, const char *user, int authorized, int tried)
{
	struct classad	*ad;

	if ((ad = classad_new()) == NULL)
		return NULL;
	if (classad_insert_string(ad, "Sid", sid) == -1 ||
	    classad_insert_string(ad, "User", user ? user :
	    "unauthenticated@unmapped") == -1 ||
	    classad_insert_string(ad, "ReturnCode", authorized ?
	    "AUTHORIZED" : "DENIED") == -1 ||
	    classad_insert_string(ad, "ValidCommands", "515,516,519") == -1 ||
	    classad_insert_bool(ad, "TriedAuthentication", tried) == -1) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

/* Send an ad as one message. */
static int
send_ad(struct cedar_stream *s, struct classad *ad)
{
	int	 rc;

	if (ad == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	rc = cedar_put_classad(s, ad) == -1 || cedar_send_eom(s) == -1 ?
	    -1 : 0;
	classad_free(ad);
	return rc;
}

/* Step 1 as the schedd reads it; a bad ad or version is a close, and so
 * is a command it does not serve, before any thought of sessions. */
static int
read_policy(struct cedar_stream *s, const struct cedar_server_conf *c,
    struct classad **ad, struct cedar_server_result *res)
{
	const char	*v;
	int64_t		 cmd, n;

	if (cedar_get_int(s, &cmd) == -1 || cmd != CEDAR_DC_AUTHENTICATE)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "not a DC_AUTHENTICATE request");
	if (cedar_get_classad_pod(s, ad) == -1 || cedar_recv_eom(s) == -1)
		return -1;
	if (classad_lookup_string(*ad, "RemoteVersion", &v) == 0) {
		if (!cedar_version_valid(v))
			return cedar_fail(s, CEDAR_ERR_PROTOCOL,
			    "malformed RemoteVersion (a 25.14 schedd aborts)");
		if ((res->peer_version = strdup(v)) == NULL)
			return cedar_fail(s, CEDAR_ERR_INTERNAL,
			    "out of memory");
	}
	if (classad_lookup_int(*ad, "Command", &n) == -1 ||
	    !known_command(c, n))
		return cedar_fail(s, CEDAR_ERR_PROTOCOL, "unknown command");
	res->command = (int)n;
	return 0;
}

/* Whether the result's user may run its command (conf->authorize). */
static int
may_run(const struct cedar_server_conf *c,
    const struct cedar_server_result *res)
{
	return c->authorize == NULL || c->authorize(c->arg, res->command,
	    res->user);
}

/* A command refused to its user: the stream's error; the caller closes. */
static int
deny(struct cedar_stream *s, const struct cedar_server_result *res)
{
	return cedar_fail(s, CEDAR_ERR_DENIED, "command %d denied to %s",
	    res->command, res->user ? res->user : "unauthenticated");
}

/* Keep the new session of RES, as the schedd caches it once the command
 * is authorized: for SessionDuration + slop, and SessionLease + slop
 * idle.  An identity too long to keep is simply not kept. */
static void
keep_session(const struct cedar_server_conf *c, struct cedar_server_result *res)
{
	struct cedar_server_session	*ss = &res->session;
	int64_t				 now = server_now(c), slop;

	slop = c->session_slop == 0 ? SERVER_SLOP : c->session_slop < 0 ? 0 :
	    c->session_slop;
	ss->expires = now + res->duration + slop;
	ss->lease = res->lease > 0 ? res->lease + slop : 0;
	ss->last_used = now;
	if (res->user != NULL && strlen(res->user) >= sizeof(ss->user))
		return;
	snprintf(ss->user, sizeof(ss->user), "%s", res->user ? res->user :
	    "");
	if (c->session_store != NULL)
		(void)c->session_store(c->session_arg, ss);
}

/* A new session (§5.1): the response, TOKEN, ECDH, AES-GCM, the
 * post-authentication ad with a fresh Sid, then the session kept. */
static int
server_new(struct cedar_stream *s, const struct cedar_server_conf *c,
    const struct classad *ad, struct cedar_server_result *res)
{
	struct cedar_ecdh	*k = NULL;
	struct buf		 pub64 = BUF_INIT, peer = BUF_INIT;
	unsigned char		 secret[32];
	const char		*v = NULL, *cpub = NULL, *methods = NULL;
	int			 auth, token, lease, allowed;

	if (classad_lookup_string(ad, "CryptoMethods", &v) == -1 ||
	    strcasestr(v, "AES") == NULL)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "no common crypto method");
	(void)classad_lookup_string(ad, "AuthMethods", &methods);
	token = offers_token(methods);
	v = NULL;
	if (classad_lookup_string(ad, "AuthenticationNew", &v) == -1)
		(void)classad_lookup_string(ad, "Authentication", &v);
	auth = c->require_auth || (v != NULL && (toupper((unsigned char)*v) ==
	    'R' || toupper((unsigned char)*v) == 'P'));
	if (v != NULL && toupper((unsigned char)*v) == 'N' && c->require_auth)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "incompatible policy");
	peer.cap = 128;
	if (classad_lookup_string(ad, "ECDHPublicKey", &cpub) == -1 ||
	    b64_decode(cpub, strlen(cpub), &peer) == -1 ||
	    peer.len != CEDAR_ECDH_PUB_LEN) {
		cedar_fail(s, CEDAR_ERR_PROTOCOL, "no usable ECDHPublicKey");
		goto done;
	}
	if (cedar_ecdh_generate(&s->rng, &k) == -1 ||
	    b64_encode(cedar_ecdh_public(k), CEDAR_ECDH_PUB_LEN,
	    &pub64) == -1) {
		cedar_fail(s, CEDAR_ERR_INTERNAL, "cannot make an ECDH key");
		goto done;
	}
	lease = negotiate_lifetime(c, ad, res);
	if (send_ad(s, response_ad(c, auth, token, res, lease,
	    buf_str(&pub64))) == -1)
		goto done;
	if (auth && server_auth(s, c, &res->user) == -1)
		goto done;
	if (cedar_ecdh_derive(k, (unsigned char *)peer.data, peer.len,
	    secret) == -1 || cedar_session_key(secret, res->session.key) == -1) {
		cedar_fail(s, CEDAR_ERR_PROTOCOL, "ECDH failed");
		goto done;
	}
	if (cedar_install_key(s, res->session.key) == -1)
		goto done;
	new_sid(c, res->session.sid);
	allowed = may_run(c, res);
	if (send_ad(s, post_auth_ad(res->session.sid, res->user, allowed,
	    auth)) == -1)
		goto done;
	if (allowed)
		keep_session(c, res);
	else
		deny(s, res);
done:
	OPENSSL_cleanse(secret, sizeof(secret));
	cedar_ecdh_free(k);
	buf_free(&pub64);
	buf_free(&peer);
	return s->status == CEDAR_OK ? 0 : -1;
}

/* The plaintext answer to a resumption whose client asks for one
 * (ResumeResponse): { ReturnCode = "SID_NOT_FOUND" } when the session is
 * not known, else a fresh nonce, AUTHORIZED and our version, in the
 * order a 25.14 schedd sends them (client-resume-query). */
static struct classad *
resume_answer(struct cedar_stream *s, const struct cedar_server_conf *c,
    int found)
{
	unsigned char	 nonce[CEDAR_NONCE_LEN];
	struct buf	 n64 = BUF_INIT;
	struct classad	*ad;
	int		 ok;

	if ((ad = classad_new()) == NULL)
		return NULL;
	if (!found)
		ok = classad_insert_string(ad, "ReturnCode",
		    "SID_NOT_FOUND") == 0;
	else
		ok = stream_rand(s, CEDAR_RAND_NONCE, nonce,
		    sizeof(nonce)) == 0 &&
		    b64_encode(nonce, sizeof(nonce), &n64) == 0 &&
		    classad_insert_string(ad, "Nonce", buf_str(&n64)) == 0 &&
		    classad_insert_string(ad, "ReturnCode", "AUTHORIZED") == 0 &&
		    classad_insert_string(ad, "RemoteVersion", c->version ?
		    c->version : cedar_version_string()) == 0;
	OPENSSL_cleanse(nonce, sizeof(nonce));
	buf_free(&n64);
	if (!ok) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

/* A resumption (§5.9): find the Sid, answer, and switch on AES-GCM with
 * the kept key; the session's identity runs the command, authorized
 * afresh, and a resumed lease is renewed.  No authentication and no
 * post-authentication ad: a client with the wrong key fails on its
 * first packet, which the command's first read reports. */
static int
server_resume(struct cedar_stream *s, const struct cedar_server_conf *c,
    const struct classad *ad, struct cedar_server_result *res)
{
	struct cedar_server_session	*ss = &res->session;
	const char			*sid = NULL;
	int64_t				 now = server_now(c);
	int				 want = 0, found;

	if (classad_lookup_string(ad, "Sid", &sid) == -1)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "a resumption without a Sid");
	(void)classad_lookup_bool(ad, "ResumeResponse", &want);
	found = c->session_lookup != NULL && strlen(sid) < sizeof(ss->sid) &&
	    c->session_lookup(c->session_arg, sid, ss) == 0 &&
	    strcmp(ss->sid, sid) == 0 && cedar_server_session_alive(ss, now);
	if (!found) {
		if (want)
			(void)send_ad(s, resume_answer(s, c, 0));
		if (s->status == CEDAR_OK)
			cedar_fail(s, CEDAR_ERR_NO_SESSION,
			    "session %.64s not found", sid);
		return -1;
	}
	if (ss->lease > 0 && c->session_store != NULL) {
		ss->last_used = now;
		(void)c->session_store(c->session_arg, ss);
	}
	if ((want && send_ad(s, resume_answer(s, c, 1)) == -1) ||
	    cedar_install_key(s, ss->key) == -1)
		return -1;
	res->resumed = 1;
	if (ss->user[0] != '\0' && (res->user = strdup(ss->user)) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	return may_run(c, res) ? 0 : deny(s, res);
}

/* The whole handshake as the schedd runs it; see server.h. */
enum cedar_err
cedar_server_handshake(struct cedar_stream *s,
    const struct cedar_server_conf *c, struct cedar_server_result *res)
{
	struct classad	*ad = NULL;
	const char	*use = NULL;

	memset(res, 0, sizeof(*res));
	if (read_policy(s, c, &ad, res) == 0) {
		(void)classad_lookup_string(ad, "UseSession", &use);
		if (use != NULL && toupper((unsigned char)*use) == 'Y')
			(void)server_resume(s, c, ad, res);
		else
			(void)server_new(s, c, ad, res);
	}
	classad_free(ad);
	if (s->status != CEDAR_OK)
		cedar_server_result_clear(res);
	return s->status;
}
