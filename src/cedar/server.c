/*
 * server.c — the schedd's side of the DC_AUTHENTICATE handshake and
 * of the TOKEN method, as HTCondor 25.14 behaves on the wire
 * (condor_secman.cpp, condor_auth_passwd.cpp, tests/conformance/cedar), so
 * the demo and test schedds answer our client with real cryptography: it re-signs
 * the token with its own key, derives K, checks hk and sub, fails silently
 * where the real one does.  No session cache.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "cedar/cedar_int.h"
#include "cedar/server.h"
#include "classad/classad.h"

#define SERVER_NAME	"condor@password"	/* B for clients >= 23.9 */
#define SERVER_SID	"htcondor-api:1:1:1"	/* no session cache: fixed */

/* Results are freed by their owner after the command is served. */
void
cedar_server_result_clear(struct cedar_server_result *res)
{
	if (res == NULL)
		return;
	free(res->user);
	free(res->peer_version);
	memset(res, 0, sizeof(*res));
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
	int64_t		 now = c->now ? c->now : (int64_t)time(NULL);
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

/* The response to the policy ad: what this schedd enforces and offers
 * (TOKEN only when the client offered it), and its ECDH public key. */
static struct classad *
response_ad(const struct cedar_server_conf *c, int auth, int token,
    const char *pub64)
{
	struct classad	*ad;
	const char	*methods = token ? "TOKEN" : "";

	if ((ad = classad_new()) == NULL)
		return NULL;
	if (classad_insert_string(ad, "Enact", "YES") == -1 ||
	    classad_insert_string(ad, "Integrity", "YES") == -1 ||
	    classad_insert_string(ad, "Encryption", "YES") == -1 ||
	    classad_insert_string(ad, "IssuerKeys", c->key_id) == -1 ||
	    classad_insert_string(ad, "AuthMethods", methods) == -1 ||
	    classad_insert_string(ad, "TrustDomain", c->trust_domain) == -1 ||
	    classad_insert_int(ad, "SessionLease", 3600) == -1 ||
	    classad_insert_string(ad, "CryptoMethods", "AES") == -1 ||
	    classad_insert_string(ad, "ECDHPublicKey", pub64) == -1 ||
	    classad_insert_string(ad, "RemoteVersion", c->version ?
	    c->version : cedar_version_string()) == -1 ||
	    classad_insert_string(ad, "Authentication", auth ? "YES" :
	    "NO") == -1 ||
	    classad_insert_string(ad, "AuthMethodsList", methods) == -1 ||
	    classad_insert_string(ad, "SessionDuration", "60") == -1 ||
	    classad_insert_string(ad, "CryptoMethodsList", "AES") == -1 ||
	    classad_insert_bool(ad, "NegotiatedSession", 1) == -1) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

/* The post-authentication ad: the mapped user and the verdict, sent
 * encrypted once the session key is installed. */
static struct classad *
post_auth_ad(const char *user, int authorized, int tried)
{
	struct classad	*ad;

	if ((ad = classad_new()) == NULL)
		return NULL;
	if (classad_insert_string(ad, "Sid", SERVER_SID) == -1 ||
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

/* Step 1 as the schedd reads it; a bad ad or version is a close. */
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
	if (classad_lookup_string(*ad, "CryptoMethods", &v) == -1 ||
	    strcasestr(v, "AES") == NULL)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "no common crypto method");
	return 0;
}

/* The whole handshake as the schedd runs it; see server.h. */
enum cedar_err
cedar_server_handshake(struct cedar_stream *s,
    const struct cedar_server_conf *c, struct cedar_server_result *res)
{
	struct classad		*ad = NULL;
	struct cedar_ecdh	*k = NULL;
	struct buf		 pub64 = BUF_INIT, peer = BUF_INIT;
	unsigned char		 secret[32], key[CEDAR_KEY_LEN];
	const char		*v = NULL, *cpub = NULL, *methods = NULL;
	int			 auth, token, allowed;

	memset(res, 0, sizeof(*res));
	if (read_policy(s, c, &ad, res) == -1)
		goto done;
	(void)classad_lookup_string(ad, "AuthMethods", &methods);
	token = offers_token(methods);
	if (classad_lookup_string(ad, "AuthenticationNew", &v) == -1)
		(void)classad_lookup_string(ad, "Authentication", &v);
	auth = c->require_auth || (v != NULL && (toupper((unsigned char)*v) ==
	    'R' || toupper((unsigned char)*v) == 'P'));
	if (v != NULL && toupper((unsigned char)*v) == 'N' && c->require_auth) {
		cedar_fail(s, CEDAR_ERR_PROTOCOL, "incompatible policy");
		goto done;
	}
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
	if (send_ad(s, response_ad(c, auth, token, buf_str(&pub64))) == -1)
		goto done;
	if (auth && server_auth(s, c, &res->user) == -1)
		goto done;
	if (cedar_ecdh_derive(k, (unsigned char *)peer.data, peer.len,
	    secret) == -1 || cedar_session_key(secret, key) == -1) {
		cedar_fail(s, CEDAR_ERR_PROTOCOL, "ECDH failed");
		goto done;
	}
	if (cedar_install_key(s, key) == -1)
		goto done;
	allowed = c->authorize == NULL ||
	    c->authorize(c->arg, res->command, res->user);
	if (send_ad(s, post_auth_ad(res->user, allowed, auth)) == -1)
		goto done;
	if (!allowed)
		cedar_fail(s, CEDAR_ERR_DENIED, "command %d denied to %s",
		    res->command, res->user ? res->user : "unauthenticated");
done:
	OPENSSL_cleanse(secret, sizeof(secret));
	OPENSSL_cleanse(key, sizeof(key));
	cedar_ecdh_free(k);
	classad_free(ad);
	buf_free(&pub64);
	buf_free(&peer);
	if (s->status != CEDAR_OK)
		cedar_server_result_clear(res);
	return s->status;
}
