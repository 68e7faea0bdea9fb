/*
 * test_identity.c — identity from a front end: the trusted-proxy blocks
 * (util/netaddr), the signing key file checks and the token minted for a
 * front end's user (schedd/mint.c).  The minted token is checked without
 * libjwt: its header and claims decoded here, its signature recomputed
 * with OpenSSL's HMAC under the JWT key recorded in
 * conformance/cedar/token-kdf.json (which must also verify the token
 * HTCondor minted there).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "tap.h"
#include "test_cedar_lib.h"
#include "util/base64.h"
#include "util/netaddr.h"
#include "schedd/schedd.h"
#include "config/settings.h"

static void
test_netblocks(void)
{
	struct netblock	*l;
	size_t		 n;
	char		 err[256];

	tap_ok(netblock_parse_list("127.0.0.1, 10.0.0.0/8 ::1\t2001:db8::/32",
	    &l, &n, err, sizeof(err)) == 0 && n == 4, "a mixed list parses");
	tap_ok(netblock_match(l, n, "127.0.0.1"), "an address matches itself");
	tap_ok(netblock_match(l, n, "10.200.3.4"), "inside 10.0.0.0/8");
	tap_ok(netblock_match(l, n, "::ffff:10.1.1.1"),
	    "an IPv4-mapped peer matches the IPv4 block");
	tap_ok(netblock_match(l, n, "2001:db8:1::5"), "inside 2001:db8::/32");
	tap_ok(netblock_match(l, n, "::1"), "::1 listed");
	tap_ok(!netblock_match(l, n, "127.0.0.2"), "127.0.0.2 not listed");
	tap_ok(!netblock_match(l, n, "11.0.0.1"), "outside 10.0.0.0/8");
	tap_ok(!netblock_match(l, n, "2001:db9::1"), "outside 2001:db8::/32");
	tap_ok(!netblock_match(l, n, NULL) && !netblock_match(l, n, "-") &&
	    !netblock_match(l, n, "localhost"),
	    "no peer, '-' and names match nothing");
	free(l);
	tap_ok(netblock_parse_list("", &l, &n, err, sizeof(err)) == 0 &&
	    n == 0 && l == NULL, "an empty list is no block");
	tap_ok(netblock_parse_list("0.0.0.0/0", &l, &n, err,
	    sizeof(err)) == 0 && n == 1 && netblock_match(l, n, "8.8.8.8") &&
	    !netblock_match(l, n, "2001:db8::1"), "0.0.0.0/0 is all of IPv4");
	free(l);
	tap_ok(netblock_parse_list("10.1.2.3/8", &l, &n, err, sizeof(err)) ==
	    -1 && strstr(err, "10.1.2.3/8") != NULL,
	    "host bits set are refused, naming the entry");
	tap_ok(netblock_parse_list("10.0.0.0/33", &l, &n, err,
	    sizeof(err)) == -1, "an IPv4 prefix over 32 is refused");
	tap_ok(netblock_parse_list("::/129", &l, &n, err, sizeof(err)) == -1,
	    "an IPv6 prefix over 128 is refused");
	tap_ok(netblock_parse_list("10.0.0.0/", &l, &n, err, sizeof(err)) ==
	    -1 && netblock_parse_list("10.0.0.0/+8", &l, &n, err,
	    sizeof(err)) == -1 && netblock_parse_list("10.0.0.0/08x", &l, &n,
	    err, sizeof(err)) == -1, "malformed prefixes are refused");
	tap_ok(netblock_parse_list("127.0.0.1;10.0.0.1", &l, &n, err,
	    sizeof(err)) == -1 && netblock_parse_list("localhost", &l, &n,
	    err, sizeof(err)) == -1 && netblock_parse_list("10.0.0", &l, &n,
	    err, sizeof(err)) == -1, "names and partial addresses are refused");
	tap_ok(netaddr_is_loopback("127.0.0.1") &&
	    netaddr_is_loopback("127.9.9.9") && netaddr_is_loopback("::1") &&
	    netaddr_is_loopback("::ffff:127.0.0.1") &&
	    !netaddr_is_loopback("10.0.0.1") && !netaddr_is_loopback("::2"),
	    "loopback peers");
}

/* The settings refuse a bad trusted-proxy entry and a bad header name. */
static void
test_settings(void)
{
	struct settings	s;
	char		err[256];

	memset(&s, 0, sizeof(s));
	tap_ok(settings_set(&s, "HTTP_API_USER_HEADER_TRUSTED_PROXIES",
	    "127.0.0.1, 300.0.0.1", err, sizeof(err)) == -1 &&
	    strstr(err, "300.0.0.1") != NULL, "a bad proxy entry: %s", err);
	tap_ok(settings_set(&s, "HTTP_API_USER_HEADER_TRUSTED_PROXIES",
	    "127.0.0.1 ::1", err, sizeof(err)) == 0 &&
	    s.ntrusted_proxies == 2, "a good proxy list");
	tap_ok(settings_set(&s, "HTTP_API_USER_HEADER", "X Remote", err,
	    sizeof(err)) == -1 && settings_set(&s, "HTTP_API_USER_HEADER",
	    "X-Remote-User", err, sizeof(err)) == 0, "header names");
	tap_ok(settings_set(&s, "HTTP_API_SIGNING_KEY_ID", "../x", err,
	    sizeof(err)) == -1 && settings_set(&s, "HTTP_API_SIGNING_KEY_ID",
	    "POOL", err, sizeof(err)) == 0, "key ids");
	settings_free(&s);
}

/* Write the bytes of HEX to PATH with MODE. */
static int
write_key(const char *path, const char *hex, mode_t mode)
{
	struct buf	b = BUF_INIT;
	int		fd, ok;

	unlink(path);
	if (tl_unhex(hex, &b) == -1 ||
	    (fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) == -1)
		return -1;
	ok = write(fd, b.data, b.len) == (ssize_t)b.len && fchmod(fd, mode) == 0;
	close(fd);
	buf_free(&b);
	return ok ? 0 : -1;
}

/* The JSON object a base64url part P[0..N) decodes to. */
static cJSON *
part_json(const char *p, size_t n)
{
	struct buf	 b = BUF_INIT;
	cJSON		*j = NULL;

	if (b64url_decode(p, n, &b) == 0)
		j = cJSON_ParseWithLength(b.data, b.len);
	buf_free(&b);
	return j;
}

/* Does the signature of TOKEN equal HMAC-SHA256(KEY, header.payload)?
 * OpenSSL's HMAC, not ours and not libjwt's. */
static int
signature_ok(const char *token, const unsigned char key[32])
{
	const char	*d2 = strrchr(token, '.');
	unsigned char	 mac[32];
	unsigned int	 maclen = 0;
	struct buf	 sig = BUF_INIT;
	int		 ok;

	if (d2 == NULL || HMAC(EVP_sha256(), key, 32,
	    (const unsigned char *)token, (size_t)(d2 - token), mac,
	    &maclen) == NULL)
		return 0;
	ok = b64url_decode(d2 + 1, strlen(d2 + 1), &sig) == 0 &&
	    sig.len == 32 && maclen == 32 && memcmp(sig.data, mac, 32) == 0;
	buf_free(&sig);
	return ok;
}

static int64_t
jint(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : -1;
}

static int
jis(const cJSON *o, const char *name, const char *want)
{
	const char *v = tl_jstr(o, name);

	return v != NULL && strcmp(v, want) == 0;
}

static void
test_mint(const char *tmp)
{
	struct mint_request	 m;
	cJSON			*kdf, *h = NULL, *p = NULL;
	unsigned char		 jkey[32];
	char			 path[512], tok[AUTH_MAX_TOKEN + 1], err[256];
	const char		*d1, *d2, *jti;

	if (!tap_ok((kdf = tl_load_json(tap_conformance_dir(),
	    "cedar/token-kdf.json")) != NULL, "token-kdf.json loads"))
		return;
	tl_unhex_n(tl_jstr(kdf, "jwt_key = HKDF-SHA256(ikm, salt=\"htcondor\", "
	    "info=\"master jwt\", L=32)"), jkey, sizeof(jkey));
	tap_ok(signature_ok(tl_jstr(kdf, "token"), jkey),
	    "the recorded HTCondor token verifies with the recorded key");
	snprintf(path, sizeof(path), "%s/pool.key", tmp);

	/* The key file's checks. */
	tap_ok(schedd_signing_key_check(path, err, sizeof(err)) == -1,
	    "a missing key file is refused: %s", err);
	write_key(path, "", 0600);
	tap_ok(schedd_signing_key_check(path, err, sizeof(err)) == -1 &&
	    strstr(err, "empty") != NULL, "an empty key file is refused");
	write_key(path, tl_jstr(kdf, "pool_key_file_hex"), 0640);
	tap_ok(schedd_signing_key_check(path, err, sizeof(err)) == -1 &&
	    strstr(err, "group or others") != NULL,
	    "a group-readable key file is refused: %s", err);
	write_key(path, tl_jstr(kdf, "pool_key_file_hex"), 0604);
	tap_ok(schedd_signing_key_check(path, err, sizeof(err)) == -1,
	    "an other-readable key file is refused");
	tap_ok(schedd_signing_key_check(tmp, err, sizeof(err)) == -1,
	    "a directory is refused");
	write_key(path, tl_jstr(kdf, "pool_key_file_hex"), 0600);
	tap_ok(schedd_signing_key_check(path, err, sizeof(err)) == 0,
	    "a 0600 key file passes");

	/* A token minted from HTCondor's key file. */
	memset(&m, 0, sizeof(m));
	m.keyfile = path;
	m.kid = "POOL";
	m.iss = "htcondor-ref.local";
	m.sub = "bob@example.org";
	m.iat = 1795818894;
	if (!tap_ok(schedd_mint_token(&m, tok, sizeof(tok), err,
	    sizeof(err)) == 0, "a token is minted"))
		goto out;
	d1 = strchr(tok, '.');
	d2 = strrchr(tok, '.');
	tap_ok(d1 != NULL && d2 != d1 && strchr(d1 + 1, '.') == d2,
	    "header.payload.signature");
	if (d1 == NULL || d2 == d1)
		goto out;
	h = part_json(tok, (size_t)(d1 - tok));
	p = part_json(d1 + 1, (size_t)(d2 - d1 - 1));
	tap_ok(jis(h, "alg", "HS256") && jis(h, "kid", "POOL"),
	    "header: alg HS256, kid POOL");
	tap_ok(jis(p, "sub", "bob@example.org") &&
	    jis(p, "iss", "htcondor-ref.local"), "claims: sub, iss");
	tap_ok(jint(p, "iat") == 1795818894 &&
	    jint(p, "exp") == 1795818894 + 60, "claims: iat, exp = iat + 60");
	jti = tl_jstr(p, "jti");
	tap_ok(jti != NULL && strlen(jti) == 32 &&
	    strspn(jti, "0123456789abcdef") == 32, "claims: jti, 32 hex");
	tap_ok(signature_ok(tok, jkey),
	    "signature = HMAC-SHA256(recorded jwt_key, header.payload)");
	tap_ok(tok[strlen(tok) - 1] != '=', "base64url without padding");

	/* A named key is used once, not doubled (HTCondor 8.2): the token
	 * must not verify with the POOL key. */
	m.kid = "other";
	tap_ok(schedd_mint_token(&m, tok, sizeof(tok), err,
	    sizeof(err)) == 0 && !signature_ok(tok, jkey),
	    "a named key is not doubled");
	m.kid = "POOL";
	tap_ok(schedd_mint_token(&m, tok, 64, err, sizeof(err)) == -1 &&
	    tok[0] == '\0', "too small a buffer: no token, nothing left");
out:
	cJSON_Delete(h);
	cJSON_Delete(p);
	cJSON_Delete(kdf);
	unlink(path);
}

int
main(void)
{
	char	tmp[] = "/tmp/test_identity.XXXXXX";

	test_netblocks();
	test_settings();
	if (mkdtemp(tmp) != NULL) {
		test_mint(tmp);
		rmdir(tmp);
	} else
		tap_ok(0, "mkdtemp");
	return tap_done();
}
