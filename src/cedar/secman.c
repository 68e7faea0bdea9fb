/*
 * secman.c — the client side of the DC_AUTHENTICATE handshake (HTCondor's
 * condor_secman.cpp, SecManStartCommand): the policy ad with our ECDH
 * public key, the schedd's response, the TOKEN method (token.c), the ECDH
 * session key and AES-GCM, and the post-authentication ad naming the
 * identity the schedd mapped.  Each failure is reported with the error
 * class the HTTP layer maps.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "cedar/cedar_int.h"
#include "classad/classad.h"
#include "util/bounds.h"
#include "version.h"

/* The date and build id in our version string.  The format is fixed
 * (a string without the trailing " $" kills a 25.14 schedd:
 * condor_ver_info.cpp, DaemonCommandProtocol::ReadCommand). */
#define CEDAR_VERSION_DATE	"2026-11-27"
#define CEDAR_BUILD_ID		"HTCAPI"

const char *
cedar_version_string(void)
{
	return "$CondorVersion: " HTCONDOR_VERSION " " CEDAR_VERSION_DATE
	    " BuildID: " CEDAR_BUILD_ID " $";
}

/* One decimal component of a version, at most MAX; advances *P. */
static int
version_number(const char **p, long min, long max)
{
	long	 v = 0;
	int	 digits = 0;

	while (isdigit((unsigned char)**p) && digits < 4) {
		v = v * 10 + (**p - '0');
		(*p)++;
		digits++;
	}
	return digits > 0 && !isdigit((unsigned char)**p) && v >= min &&
	    v <= max ? 0 : -1;
}

/* The format CondorVersionInfo parses without throwing: the prefix,
 * MAJOR.MINOR.SUB (major >= 6, others <= 99), a space, at least one more
 * token, and " $" at the end; printable ASCII without quotes. */
int
cedar_version_valid(const char *v)
{
	static const char	 prefix[] = "$CondorVersion: ";
	const char		*p;
	size_t			 len = strnlen(v, 257), i;

	if (len > 256 || len < sizeof(prefix) - 1 + 5 + 1 + 1 + 2)
		return 0;
	for (i = 0; i < len; i++)
		if (v[i] < 0x20 || v[i] > 0x7e || v[i] == '"' || v[i] == '\\')
			return 0;
	if (strncmp(v, prefix, sizeof(prefix) - 1) != 0 ||
	    strcmp(v + len - 2, " $") != 0)
		return 0;
	p = v + sizeof(prefix) - 1;
	if (version_number(&p, 6, 9999) == -1 || *p++ != '.' ||
	    version_number(&p, 0, 99) == -1 || *p++ != '.' ||
	    version_number(&p, 0, 99) == -1 || *p++ != ' ')
		return 0;
	/* At least one token between the version and the final " $". */
	return p < v + len - 2 && *p != ' ';
}

void
cedar_session_clear(struct cedar_session *sess)
{
	if (sess == NULL)
		return;
	free(sess->user);
	free(sess->sid);
	free(sess->valid_commands);
	free(sess->peer_version);
	OPENSSL_cleanse(sess, sizeof(*sess));
}

/* Replace the stream's error: used when a clean-up exchange after a
 * failed method left a less useful error behind. */
static int
set_error(struct cedar_stream *s, enum cedar_err e, const char *msg)
{
	s->status = CEDAR_OK;
	return cedar_fail(s, e, "%s", msg);
}

/* The policy ad of step 1, in the attribute order condor_secman.cpp uses. */
static struct classad *
policy_ad(const struct cedar_auth *a, const char *version, const char *pub64)
{
	struct classad	*ad;
	const char	*level;
	char		 dur[24];
	int		 ok;

	if ((ad = classad_new()) == NULL)
		return NULL;
	level = a->optional || a->token == NULL ? "OPTIONAL" : "REQUIRED";
	snprintf(dur, sizeof(dur), "%d", a->session_duration > 0 ?
	    a->session_duration : 60);
	ok = classad_insert_int(ad, "Command", a->command) == 0;
	if (ok && (a->command == CEDAR_DC_AUTHENTICATE ||
	    a->command == CEDAR_DC_SEC_QUERY))
		ok = classad_insert_int(ad, "AuthCommand",
		    a->auth_command) == 0;
	if (ok && a->token != NULL)
		ok = classad_insert_string(ad, "AuthMethods", "TOKEN") == 0;
	ok = ok && classad_insert_string(ad, "CryptoMethods", "AES") == 0 &&
	    classad_insert_string(ad, "Authentication", level) == 0 &&
	    classad_insert_string(ad, "AuthenticationNew", level) == 0 &&
	    classad_insert_string(ad, "Encryption", "REQUIRED") == 0 &&
	    classad_insert_string(ad, "Integrity", "REQUIRED") == 0 &&
	    classad_insert_string(ad, "OutgoingNegotiation",
	    "PREFERRED") == 0 &&
	    classad_insert_string(ad, "Enact", "NO") == 0 &&
	    classad_insert_string(ad, "NewSession", "YES") == 0 &&
	    classad_insert_bool(ad, "NegotiatedSession", 1) == 0 &&
	    classad_insert_string(ad, "ECDHPublicKey", pub64) == 0 &&
	    classad_insert_string(ad, "RemoteVersion", version) == 0 &&
	    classad_insert_string(ad, "SessionDuration", dur) == 0 &&
	    classad_insert_int(ad, "SessionLease", a->session_lease > 0 ?
	    a->session_lease : 3600) == 0;
	if (ok && a->connect_sinful != NULL)
		ok = classad_insert_string(ad, "ConnectSinful",
		    a->connect_sinful) == 0;
	if (!ok) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

/* Step 1: int DC_AUTHENTICATE and the policy ad, one message. */
static int
send_policy(struct cedar_stream *s, const struct cedar_auth *a,
    const struct cedar_ecdh *k)
{
	struct buf	 pub64 = BUF_INIT;
	struct classad	*ad;
	const char	*version = a->version ? a->version :
			    cedar_version_string();
	int		 rc;

	if (!cedar_version_valid(version))
		return cedar_fail(s, CEDAR_ERR_INTERNAL,
		    "refusing to send a malformed version string");
	if (a->command <= 0 || a->command > 0x7fffffff)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "bad command number");
	if (b64_encode(cedar_ecdh_public(k), CEDAR_ECDH_PUB_LEN,
	    &pub64) == -1 || (ad = policy_ad(a, version,
	    buf_str(&pub64))) == NULL) {
		buf_free(&pub64);
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	}
	rc = cedar_put_int(s, CEDAR_DC_AUTHENTICATE) == -1 ||
	    cedar_put_classad(s, ad) == -1 || cedar_send_eom(s) == -1 ? -1 : 0;
	classad_free(ad);
	buf_free(&pub64);
	return rc;
}

/* Does the comma/space separated LIST name METHOD (case-insensitive)? */
static int
list_has(const char *list, const char *method)
{
	size_t	 n = strlen(method), l;

	while (*list != '\0') {
		while (*list == ',' || *list == ' ')
			list++;
		l = strcspn(list, ", ");
		if (l == n && strncasecmp(list, method, n) == 0)
			return 1;
		list += l;
	}
	return 0;
}

static int
is_yes(const char *v)
{
	return v != NULL && (toupper((unsigned char)*v) == 'Y' ||
	    toupper((unsigned char)*v) == 'T');
}

/* Steps 3-4 after a failed or impossible method: offer nothing, read the
 * schedd's int 0 if it sends one (it may just close). */
static void
give_up_methods(struct cedar_stream *s)
{
	int64_t	 v;

	if (cedar_put_int(s, 0) == 0 && cedar_send_eom(s) == 0 &&
	    cedar_get_int(s, &v) == 0)
		(void)cedar_recv_eom(s);
}

/* Steps 3-8 with TOKEN: bitmask, chosen method, the three messages,
 * then the key-exchange int. */
static int
authenticate(struct cedar_stream *s, const struct cedar_auth *a,
    const char *methods)
{
	struct cedar_jwt	 jwt;
	enum token_result	 r;
	char			 err[256];
	int64_t			 chosen, haskey;
	int			 rc;

	if (a->token == NULL) {
		give_up_methods(s);
		return set_error(s, CEDAR_ERR_TOKEN,
		    "the schedd requires authentication and no token was "
		    "given");
	}
	if (!list_has(methods, "TOKEN")) {
		give_up_methods(s);
		snprintf(err, sizeof(err), "no common authentication method "
		    "(the schedd offers \"%.64s\")", methods);
		return set_error(s, CEDAR_ERR_PROTOCOL, err);
	}
	if (cedar_jwt_parse(a->token, &jwt, err, sizeof(err)) == -1) {
		give_up_methods(s);
		return set_error(s, CEDAR_ERR_TOKEN, err);
	}
	if (jwt.sub == NULL || *jwt.sub == '\0') {
		cedar_jwt_clear(&jwt);
		give_up_methods(s);
		return set_error(s, CEDAR_ERR_TOKEN, "the token has no sub");
	}
	if (cedar_put_int(s, CEDAR_CAUTH_TOKEN) == -1 ||
	    cedar_send_eom(s) == -1 ||
	    cedar_get_int(s, &chosen) == -1 || cedar_recv_eom(s) == -1) {
		cedar_jwt_clear(&jwt);
		return -1;
	}
	if (chosen != CEDAR_CAUTH_TOKEN) {
		cedar_jwt_clear(&jwt);
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "the schedd refused the TOKEN method (answer %lld)",
		    (long long)chosen);
	}
	rc = token_client(s, &jwt, &r);
	if (rc == 0 && r != TOKEN_OK) {
		give_up_methods(s);
		if (r == TOKEN_REJECTED && jwt.has_exp && jwt.exp < time(NULL))
			rc = set_error(s, CEDAR_ERR_TOKEN, "token expired");
		else if (r == TOKEN_REJECTED)
			rc = set_error(s, CEDAR_ERR_TOKEN, "token rejected by "
			    "the schedd (unknown signing key, expired or "
			    "revoked)");
		else if (r == TOKEN_WRONG_KEY)
			rc = set_error(s, CEDAR_ERR_TOKEN, "token not accepted "
			    "by this schedd (signed with another key)");
		else
			rc = set_error(s, CEDAR_ERR_PROTOCOL,
			    "malformed TOKEN reply from the schedd");
	}
	cedar_jwt_clear(&jwt);
	if (rc == -1)
		return -1;
	/* Step 8.  The schedd fails a wrong identity silently
	 * (tests/conformance/cedar/client-error-auth-sub-mismatch): a
	 * timeout or close here means the token was refused. */
	if (cedar_get_int(s, &haskey) == -1) {
		if (s->status == CEDAR_ERR_TIMEOUT ||
		    s->status == CEDAR_ERR_CLOSED)
			return set_error(s, CEDAR_ERR_TOKEN, "token rejected "
			    "by the schedd (identity mismatch?)");
		return -1;
	}
	if (cedar_recv_eom(s) == -1)
		return -1;
	if (haskey != 0)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "the schedd sent a wrapped key despite ECDH");
	return 0;
}

/* Derive the AES key from the schedd's public key and switch it on. */
static int
start_crypto(struct cedar_stream *s, const struct cedar_ecdh *k,
    const char *peer64, unsigned char key[CEDAR_KEY_LEN])
{
	struct buf	 peer = BUF_INIT;
	unsigned char	 secret[32];
	int		 rc;

	peer.cap = 128;
	if (b64_decode(peer64, strlen(peer64), &peer) == -1 ||
	    peer.len != CEDAR_ECDH_PUB_LEN) {
		buf_free(&peer);
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "malformed ECDHPublicKey from the schedd");
	}
	rc = cedar_ecdh_derive(k, (unsigned char *)peer.data, peer.len,
	    secret);
	buf_free(&peer);
	if (rc == -1)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "the schedd's ECDH public key is not a P-256 point");
	rc = cedar_session_key(secret, key);
	OPENSSL_cleanse(secret, sizeof(secret));
	if (rc == -1)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "HKDF failed");
	return cedar_install_key(s, key);
}

static int
dup_attr(const struct classad *ad, const char *name, char **out)
{
	const char	*v;

	*out = NULL;
	if (classad_lookup_string(ad, name, &v) == -1)
		return 0;
	return (*out = strdup(v)) == NULL ? -1 : 0;
}

/* Step 9: the post-authentication ad. */
static int
post_auth(struct cedar_stream *s, const struct cedar_auth *a,
    struct cedar_session *sess)
{
	struct classad	*ad;
	const char	*rcode = NULL;
	int		 rc = 0;

	if (cedar_get_classad_pod(s, &ad) == -1 || cedar_recv_eom(s) == -1) {
		classad_free(ad);
		return -1;
	}
	(void)classad_lookup_string(ad, "ReturnCode", &rcode);
	if (dup_attr(ad, "User", &sess->user) == -1 ||
	    dup_attr(ad, "Sid", &sess->sid) == -1 ||
	    dup_attr(ad, "ValidCommands", &sess->valid_commands) == -1)
		rc = cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	else if (rcode != NULL && strcmp(rcode, "DENIED") == 0)
		rc = cedar_fail(s, CEDAR_ERR_DENIED, "the schedd denied "
		    "command %d to %.200s", a->command, sess->user ?
		    sess->user : "this identity");
	else if (rcode != NULL && *rcode != '\0' &&
	    strcmp(rcode, "AUTHORIZED") != 0)
		rc = cedar_fail(s, CEDAR_ERR_PROTOCOL, "the schedd answered "
		    "%.64s to command %d", rcode, a->command);
	classad_free(ad);
	return rc;
}

/* SessionDuration is a decimal string; anything else counts as 0. */
static int64_t
seconds(const char *v)
{
	int64_t	 n = 0;

	if (*v == '\0')
		return 0;
	for (; *v != '\0'; v++) {
		if (!isdigit((unsigned char)*v) || n > 100000000)
			return 0;
		n = n * 10 + (*v - '0');
	}
	return n;
}

/* What we keep from the response ad (SecManStartCommand). */
static int
read_response(struct cedar_stream *s, struct classad **ad)
{
	const char	*crypto;

	if (cedar_get_classad_pod(s, ad) == -1 || cedar_recv_eom(s) == -1) {
		if (s->status == CEDAR_ERR_CLOSED && s->shared_port)
			return set_error(s, CEDAR_ERR_UNREACHABLE,
			    "the connection closed before the schedd answered: "
			    "the shared-port id may be stale (schedd "
			    "restarted?)");
		if (s->status == CEDAR_ERR_CLOSED)
			return set_error(s, CEDAR_ERR_PROTOCOL,
			    "the schedd closed the connection during security "
			    "negotiation (unauthorized, unknown command, or "
			    "incompatible policy)");
		return -1;
	}
	if (classad_lookup_string(*ad, "CryptoMethods", &crypto) == -1 ||
	    strcasecmp(crypto, "AES") != 0)
		return cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "the schedd did not choose AES encryption");
	return 0;
}

static int
handshake(struct cedar_stream *s, const struct cedar_auth *a,
    struct cedar_session *sess, struct cedar_ecdh *k)
{
	struct classad	*resp = NULL;
	const char	*v = NULL, *peer64;
	int64_t		 n;
	int		 rc = -1;

	if (send_policy(s, a, k) == -1 || read_response(s, &resp) == -1)
		goto done;
	if (classad_lookup_string(resp, "ECDHPublicKey", &peer64) == -1) {
		cedar_fail(s, CEDAR_ERR_PROTOCOL,
		    "the schedd sent no ECDHPublicKey");
		goto done;
	}
	if (classad_lookup_string(resp, "RemoteVersion", &v) == 0 &&
	    (sess->peer_version = strdup(v)) == NULL) {
		cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
		goto done;
	}
	if (classad_lookup_string(resp, "SessionDuration", &v) == 0)
		sess->duration = seconds(v);
	if (classad_lookup_int(resp, "SessionLease", &n) == 0)
		sess->lease = n;
	v = NULL;
	(void)classad_lookup_string(resp, "Authentication", &v);
	sess->authenticated = is_yes(v);
	if (sess->authenticated) {
		v = "";
		(void)classad_lookup_string(resp, "AuthMethodsList", &v);
		if (authenticate(s, a, v) == -1)
			goto done;
	}
	if (start_crypto(s, k, peer64, sess->key) == -1 ||
	    post_auth(s, a, sess) == -1)
		goto done;
	rc = 0;
done:
	classad_free(resp);
	return rc;
}

enum cedar_err
cedar_client_handshake(struct cedar_stream *s, const struct cedar_auth *a,
    struct cedar_session *out)
{
	struct cedar_session	 sess;
	struct cedar_ecdh	*k = NULL;
	int			 rc;

	memset(&sess, 0, sizeof(sess));
	if (s->status != CEDAR_OK)
		return s->status;
	if (cedar_ecdh_generate(&s->rng, &k) == -1) {
		cedar_fail(s, CEDAR_ERR_INTERNAL, "cannot make an ECDH key");
		return s->status;
	}
	rc = handshake(s, a, &sess, k);
	cedar_ecdh_free(k);
	if (rc == 0 && out != NULL)
		*out = sess;
	else
		cedar_session_clear(&sess);
	return rc == 0 ? CEDAR_OK : s->status;
}
