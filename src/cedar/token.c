/*
 * token.c — the IDTOKEN (a JWT) and the client side of the TOKEN method,
 * HTCondor's Condor_Auth_Passwd version 2 (condor_auth_passwd.cpp): reading
 * the claims a client needs from the JWT (no signature check: the schedd
 * does that), the key derivations K, hkt and hk, and the three messages.
 * The JWT's signature is the shared secret: it never goes on the wire and
 * is wiped after use.
 */
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>
#include <openssl/crypto.h>

#include "cedar/cedar_int.h"
#include "util/bounds.h"

/* The fixed 256-byte seed of Condor_Auth_Passwd::setup_seed. */
static const unsigned char seed_ka[256] = {
	0x3e,0x4a,0x50,0x20,0x47,0xd5,0xf4,0xe5,0xdc,0x7c,0x69,0xbb,0x52,0x10,
	0xcb,0xb6,0x16,0x7a,0xdd,0x80,0x84,0xf7,0xdd,0x9e,0xf3,0xad,0x2c,0xca,
	0x71,0xd2,0x83,0xdd,0x11,0x4a,0x4f,0xbb,0x7b,0x1e,0xe9,0x0a,0xdf,0xa8,
	0x62,0xc4,0x43,0x04,0xde,0x54,0x73,0xa3,0x17,0x2f,0x73,0x5c,0x2c,0xbb,
	0x6e,0x77,0x5b,0x5d,0x40,0xd3,0x9f,0xac,0xe8,0x73,0x18,0x25,0x23,0xf9,
	0x25,0x2b,0x62,0x3b,0xe0,0xd4,0xb1,0x67,0xa3,0xa8,0x04,0x0c,0xac,0xfe,
	0xe9,0xee,0x3d,0xa0,0x2c,0x0a,0xbb,0xf4,0xd9,0xd8,0xb1,0x1f,0x89,0x00,
	0x4c,0x94,0x39,0x23,0xce,0x5d,0x95,0x08,0xbb,0x3f,0x04,0xbc,0x66,0xa3,
	0xfa,0x20,0xa1,0x3a,0x41,0x6c,0x5e,0x6f,0x4e,0x0d,0x31,0x87,0xd4,0x5f,
	0xc7,0x83,0x35,0xc5,0xe4,0x85,0xdb,0x2c,0x5a,0x37,0x17,0x97,0x0c,0xc2,
	0x6e,0x7b,0x6b,0x9d,0x19,0x65,0xb4,0x7a,0x67,0xdf,0x77,0xa3,0x1f,0x22,
	0xf0,0x8a,0x6c,0x0b,0xa5,0x70,0x97,0xa2,0x1a,0x9c,0xa7,0xc6,0x04,0x24,
	0xf7,0x27,0x39,0xab,0x5c,0xb9,0x15,0xa4,0x18,0x5b,0xd1,0x09,0x82,0x8e,
	0x35,0xe4,0x21,0x08,0xab,0x85,0x1c,0x08,0xa3,0xdf,0xfd,0xe0,0xe3,0xb0,
	0x6f,0x3d,0x39,0x38,0xcd,0xad,0x6d,0xf6,0xef,0x9a,0x6f,0x6d,0xc2,0xcb,
	0x74,0xf0,0x22,0x85,0x12,0xeb,0x7a,0x3d,0x68,0x23,0x01,0x06,0x84,0xb0,
	0x15,0xc1,0x2a,0xc3,0x01,0x4c,0x4f,0x9f,0x93,0x8e,0x38,0x4d,0xad,0x1e,
	0x3b,0xd7,0x45,0xff,0x8c,0x14,0x1f,0xd7,0x0b,0x46,0x5b,0xa8,0xaf,0x5d,
	0x1b,0x98,0xb4,0xb1
};

/* A string claim, copied; NULL when absent or not a string. */
static int
claim_string(const cJSON *o, const char *name, char **out)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	*out = NULL;
	if (v == NULL)
		return 0;
	if (!cJSON_IsString(v) || strlen(v->valuestring) >= CEDAR_NAME_MAX)
		return -1;
	return (*out = strdup(v->valuestring)) == NULL ? -1 : 0;
}

/* An integer claim (seconds): must be a whole number within +-2^53. */
static int
claim_int(const cJSON *o, const char *name, int64_t *out, int *have)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);
	double		 d;

	*have = 0;
	if (v == NULL)
		return 0;
	if (!cJSON_IsNumber(v))
		return -1;
	d = v->valuedouble;
	if (d != d || d < -9007199254740992.0 || d > 9007199254740992.0 ||
	    d != (double)(int64_t)d)
		return -1;
	*out = (int64_t)d;
	*have = 1;
	return 0;
}

/* Decode one base64url part of the token as a JSON object. */
static cJSON *
json_part(const char *p, size_t len)
{
	struct buf	 b = BUF_INIT;
	cJSON		*j = NULL;

	b.cap = TOKEN_MAX_LEN;
	if (b64url_decode(p, len, &b) == 0 && b.len > 0)
		j = cJSON_ParseWithLength(b.data, b.len);
	buf_free(&b);
	if (j != NULL && !cJSON_IsObject(j)) {
		cJSON_Delete(j);
		j = NULL;
	}
	return j;
}

static int
jwt_err(struct cedar_jwt *jwt, char *err, size_t errlen, const char *msg)
{
	cedar_jwt_clear(jwt);
	if (errlen > 0)
		snprintf(err, errlen, "%s", msg);
	return -1;
}

/* Read the claims of TEXT = header.payload (LEN bytes, no signature):
 * the client needs sub and exp, the test schedd all of them. */
int
jwt_parse_text(const char *text, size_t len, struct cedar_jwt *jwt,
    char *err, size_t errlen)
{
	const char	*d1;
	cJSON		*h = NULL, *p = NULL;
	int		 ok;

	memset(jwt, 0, sizeof(*jwt));
	if (len > TOKEN_MAX_LEN)
		return jwt_err(jwt, err, errlen, "token too long");
	if ((d1 = memchr(text, '.', len)) == NULL ||
	    memchr(d1 + 1, '.', len - (size_t)(d1 + 1 - text)) != NULL)
		return jwt_err(jwt, err, errlen,
		    "token is not header.payload.signature");
	if ((h = json_part(text, (size_t)(d1 - text))) == NULL ||
	    (p = json_part(d1 + 1, len - (size_t)(d1 + 1 - text))) == NULL) {
		cJSON_Delete(h);
		return jwt_err(jwt, err, errlen,
		    "token header or payload is not base64url JSON");
	}
	ok = claim_string(h, "kid", &jwt->kid) == 0 &&
	    claim_string(h, "alg", &jwt->alg) == 0 &&
	    claim_string(p, "sub", &jwt->sub) == 0 &&
	    claim_string(p, "iss", &jwt->iss) == 0 &&
	    claim_string(p, "jti", &jwt->jti) == 0 &&
	    claim_int(p, "exp", &jwt->exp, &jwt->has_exp) == 0 &&
	    claim_int(p, "iat", &jwt->iat, &jwt->has_iat) == 0;
	cJSON_Delete(h);
	cJSON_Delete(p);
	if (!ok)
		return jwt_err(jwt, err, errlen, "token claims are malformed");
	jwt->text = text;
	jwt->textlen = len;
	return 0;
}

/* Split header.payload.signature, read the claims, keep the signature.
 * TEXT keeps pointing into TOKEN, which must outlive JWT. */
int
cedar_jwt_parse(const char *token, struct cedar_jwt *jwt, char *err,
    size_t errlen)
{
	const char	*d2;
	struct buf	 sig = BUF_INIT;
	size_t		 len;
	int		 ok;

	memset(jwt, 0, sizeof(*jwt));
	len = strnlen(token, TOKEN_MAX_LEN + 1);
	if (len > TOKEN_MAX_LEN)
		return jwt_err(jwt, err, errlen, "token too long");
	if ((d2 = memrchr(token, '.', len)) == NULL)
		return jwt_err(jwt, err, errlen,
		    "token is not header.payload.signature");
	if (jwt_parse_text(token, (size_t)(d2 - token), jwt, err,
	    errlen) == -1)
		return -1;
	sig.cap = sizeof(jwt->sig);
	ok = b64url_decode(d2 + 1, len - (size_t)(d2 + 1 - token),
	    &sig) == 0 && sig.len >= 32 && sig.len <= sizeof(jwt->sig);
	if (ok) {
		memcpy(jwt->sig, sig.data, sig.len);
		jwt->siglen = sig.len;
	}
	buf_wipe(&sig);
	if (!ok)
		return jwt_err(jwt, err, errlen,
		    "token signature is malformed");
	return 0;
}

void
cedar_jwt_clear(struct cedar_jwt *jwt)
{
	free(jwt->sub);
	free(jwt->iss);
	free(jwt->kid);
	free(jwt->jti);
	free(jwt->alg);
	OPENSSL_cleanse(jwt, sizeof(*jwt));
}

/* K: the method's key, from the signature and the signed text. */
int
cedar_token_k(const struct cedar_jwt *jwt, unsigned char k[32])
{
	struct buf	 salt = BUF_INIT;
	int		 rc;

	salt.cap = sizeof(seed_ka) + TOKEN_MAX_LEN;
	if (buf_add(&salt, seed_ka, sizeof(seed_ka)) == -1 ||
	    buf_add(&salt, jwt->text, jwt->textlen) == -1) {
		buf_free(&salt);
		return -1;
	}
	rc = cedar_hkdf_sha256(jwt->sig, jwt->siglen, salt.data, salt.len,
	    "master ka", 9, k, 32);
	buf_free(&salt);
	return rc;
}

/* HMAC-SHA1 under K of the concatenation given as pieces. */
static int
hmac_pieces(const unsigned char k[32], const void *const *p,
    const size_t *n, int count, unsigned char out[CEDAR_HMAC_SHA1_LEN])
{
	struct buf	 b = BUF_INIT;
	int		 i, rc = 0;

	for (i = 0; i < count && rc == 0; i++)
		rc = buf_add(&b, p[i], n[i]);
	if (rc == 0)
		rc = cedar_hmac_sha1(k, 32, b.data, b.len, out);
	buf_wipe(&b);
	return rc;
}

int
cedar_token_hkt(const unsigned char k[32], const char *a, const char *b,
    const unsigned char ra[CEDAR_TOKEN_RAND_LEN],
    const unsigned char rb[CEDAR_TOKEN_RAND_LEN],
    unsigned char out[CEDAR_HMAC_SHA1_LEN])
{
	const void	*p[] = { a, " ", b, "", ra, rb };
	size_t		 n[] = { strlen(a), 1, strlen(b), 1,
			    CEDAR_TOKEN_RAND_LEN, CEDAR_TOKEN_RAND_LEN };

	return hmac_pieces(k, p, n, 6, out);
}

int
cedar_token_hk(const unsigned char k[32], const char *a,
    const unsigned char rb[CEDAR_TOKEN_RAND_LEN],
    unsigned char out[CEDAR_HMAC_SHA1_LEN])
{
	const void	*p[] = { a, "", rb };
	size_t		 n[] = { strlen(a), 1, CEDAR_TOKEN_RAND_LEN };

	return hmac_pieces(k, p, n, 3, out);
}

void
cedar_key_unscramble(unsigned char *p, size_t n)
{
	static const unsigned char pat[4] = { 0xde, 0xad, 0xbe, 0xef };
	size_t	 i;

	for (i = 0; i < n; i++)
		p[i] ^= pat[i % 4];
}

int
cedar_jwt_key(const void *ikm, size_t ikmlen, unsigned char out[32])
{
	return cedar_hkdf_sha256(ikm, ikmlen, "htcondor", 8, "master jwt", 10,
	    out, 32);
}

/* ---- the client's three messages ---- */

/* What message 2 carried. */
struct msg2 {
	int64_t		 status;
	char		*a, *b;
	unsigned char	 ra[CEDAR_TOKEN_RAND_LEN], rb[CEDAR_TOKEN_RAND_LEN];
	unsigned char	 hkt[64];
	int64_t		 ralen, rblen, hktlen;
};

/* A length-prefixed byte field of at most MAX bytes. */
static int
get_sized(struct cedar_stream *s, unsigned char *p, int64_t max, int64_t *len)
{
	if (cedar_get_int_range(s, 0, max, len) == -1)
		return -1;
	return cedar_get_bytes(s, p, (size_t)*len);
}

static int
read_msg2(struct cedar_stream *s, struct msg2 *m)
{
	int64_t	 alen, blen;

	return cedar_get_int_range(s, -1, 0, &m->status) == -1 ||
	    cedar_get_int_range(s, 0, CEDAR_NAME_MAX, &alen) == -1 ||
	    cedar_get_string(s, &m->a) == -1 ||
	    cedar_get_int_range(s, 0, CEDAR_NAME_MAX, &blen) == -1 ||
	    cedar_get_string(s, &m->b) == -1 ||
	    get_sized(s, m->ra, CEDAR_TOKEN_RAND_LEN, &m->ralen) == -1 ||
	    get_sized(s, m->rb, CEDAR_TOKEN_RAND_LEN, &m->rblen) == -1 ||
	    get_sized(s, m->hkt, sizeof(m->hkt), &m->hktlen) == -1 ||
	    cedar_recv_eom(s) == -1 ? -1 : 0;
}

/* Message 1: status 0, A (= sub), the signed text, ra. */
static int
send_msg1(struct cedar_stream *s, const struct cedar_jwt *jwt,
    const unsigned char ra[CEDAR_TOKEN_RAND_LEN])
{
	const char	*a = jwt->sub;

	return cedar_put_int(s, 0) == -1 ||
	    cedar_put_int(s, (int64_t)strlen(a)) == -1 ||
	    cedar_put_string(s, a) == -1 ||
	    cedar_put_bytes(s, jwt->text, jwt->textlen) == -1 ||
	    cedar_put_bytes(s, "", 1) == -1 ||
	    cedar_put_int(s, CEDAR_TOKEN_RAND_LEN) == -1 ||
	    cedar_put_bytes(s, ra, CEDAR_TOKEN_RAND_LEN) == -1 ||
	    cedar_send_eom(s) == -1 ? -1 : 0;
}

/* Message 3: status, A, and rb and hk when our checks passed (empty
 * fields otherwise, as HTCondor sends them). */
static int
send_msg3(struct cedar_stream *s, const char *a, int ok,
    const unsigned char *rb, const unsigned char *hk)
{
	if (cedar_put_int(s, ok ? 0 : -1) == -1 ||
	    cedar_put_int(s, (int64_t)strlen(a)) == -1 ||
	    cedar_put_string(s, a) == -1)
		return -1;
	if (ok)
		return cedar_put_int(s, CEDAR_TOKEN_RAND_LEN) == -1 ||
		    cedar_put_bytes(s, rb, CEDAR_TOKEN_RAND_LEN) == -1 ||
		    cedar_put_int(s, CEDAR_HMAC_SHA1_LEN) == -1 ||
		    cedar_put_bytes(s, hk, CEDAR_HMAC_SHA1_LEN) == -1 ||
		    cedar_send_eom(s) == -1 ? -1 : 0;
	return cedar_put_int(s, 0) == -1 || cedar_put_int(s, 0) == -1 ||
	    cedar_send_eom(s) == -1 ? -1 : 0;
}

/* The client's checks of message 2 (Condor_Auth_Passwd); fills HK when they
 * pass. */
static enum token_result
check_msg2(const struct cedar_jwt *jwt, const unsigned char *ra,
    const struct msg2 *m, unsigned char hk[CEDAR_HMAC_SHA1_LEN])
{
	unsigned char	 k[32], hkt[CEDAR_HMAC_SHA1_LEN];
	enum token_result r = TOKEN_OK;

	if (m->status != 0)
		return TOKEN_REJECTED;
	if (m->ralen != CEDAR_TOKEN_RAND_LEN ||
	    m->rblen != CEDAR_TOKEN_RAND_LEN ||
	    m->hktlen != CEDAR_HMAC_SHA1_LEN || *m->a == '\0' ||
	    *m->b == '\0' || strcmp(m->a, jwt->sub) != 0 ||
	    CRYPTO_memcmp(m->ra, ra, CEDAR_TOKEN_RAND_LEN) != 0)
		return TOKEN_BAD_REPLY;
	if (cedar_token_k(jwt, k) == -1 ||
	    cedar_token_hkt(k, m->a, m->b, ra, m->rb, hkt) == -1 ||
	    cedar_token_hk(k, jwt->sub, m->rb, hk) == -1)
		r = TOKEN_BAD_REPLY;
	else if (CRYPTO_memcmp(hkt, m->hkt, CEDAR_HMAC_SHA1_LEN) != 0)
		r = TOKEN_WRONG_KEY;
	OPENSSL_cleanse(k, sizeof(k));
	OPENSSL_cleanse(hkt, sizeof(hkt));
	return r;
}

/* Run the method once; *RESULT says whether it succeeded.  -1 only when
 * the stream failed (its error says why). */
int
token_client(struct cedar_stream *s, const struct cedar_jwt *jwt,
    enum token_result *result)
{
	unsigned char	 ra[CEDAR_TOKEN_RAND_LEN], hk[CEDAR_HMAC_SHA1_LEN];
	struct msg2	 m;
	int		 rc = -1;

	memset(&m, 0, sizeof(m));
	*result = TOKEN_BAD_REPLY;
	if (cedar_encrypted(s))
		return cedar_fail(s, CEDAR_ERR_INTERNAL,
		    "TOKEN method on an encrypted stream");
	if (stream_rand(s, CEDAR_RAND_RA, ra, sizeof(ra)) == -1)
		return -1;
	if (send_msg1(s, jwt, ra) == -1 || read_msg2(s, &m) == -1)
		goto done;
	*result = check_msg2(jwt, ra, &m, hk);
	rc = send_msg3(s, jwt->sub, *result == TOKEN_OK, m.rb, hk);
done:
	free(m.a);
	free(m.b);
	OPENSSL_cleanse(&m, sizeof(m));
	OPENSSL_cleanse(ra, sizeof(ra));
	OPENSSL_cleanse(hk, sizeof(hk));
	return rc;
}
