/*
 * crypto.c — the cryptography CEDAR needs, all through OpenSSL libcrypto:
 * SHA-256, HKDF-SHA256, HMAC-SHA1/SHA256, AES-256-GCM with CEDAR's 16-byte
 * IVs (condor_crypt_aesgcm.cpp), ECDH on P-256 (condor_secman.cpp), and the
 * default randomness source.  Nothing here is home-made; this file only
 * fixes parameters.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/obj_mac.h>
#include <openssl/param_build.h>
#include <openssl/rand.h>

#include "cedar/cedar_int.h"

struct cedar_ecdh {
	EVP_PKEY	*pkey;
	unsigned char	 pub[CEDAR_ECDH_PUB_LEN];
};

/* Production randomness: the library's CSPRNG for every use. */
static int
rng_openssl(void *arg, enum cedar_rand_use use, unsigned char *out, size_t n)
{
	(void)arg;
	(void)use;
	if (n > INT32_MAX)
		return -1;
	return RAND_bytes(out, (int)n) == 1 ? 0 : -1;
}

const struct cedar_rng cedar_rng_default = { rng_openssl, NULL };

int
cedar_sha256(const void *p, size_t n, unsigned char out[CEDAR_DIGEST_LEN])
{
	unsigned int	 len = 0;

	return EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) == 1 &&
	    len == CEDAR_DIGEST_LEN ? 0 : -1;
}

/* RFC 5869 with SHA-256, as HTCondor's Condor_Crypt_Base::hkdf. */
int
cedar_hkdf_sha256(const void *ikm, size_t ikmlen, const void *salt,
    size_t saltlen, const void *info, size_t infolen, unsigned char *out,
    size_t outlen)
{
	EVP_PKEY_CTX	*pctx;
	size_t		 len = outlen;
	int		 ok;

	if (ikmlen > INT32_MAX || saltlen > INT32_MAX || infolen > 1024)
		return -1;
	if ((pctx = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL)) == NULL)
		return -1;
	ok = EVP_PKEY_derive_init(pctx) == 1 &&
	    EVP_PKEY_CTX_set_hkdf_md(pctx, EVP_sha256()) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_salt(pctx, salt, (int)saltlen) == 1 &&
	    EVP_PKEY_CTX_set1_hkdf_key(pctx, ikm, (int)ikmlen) == 1 &&
	    EVP_PKEY_CTX_add1_hkdf_info(pctx, info, (int)infolen) == 1 &&
	    EVP_PKEY_derive(pctx, out, &len) == 1 && len == outlen;
	EVP_PKEY_CTX_free(pctx);
	return ok ? 0 : -1;
}

static int
hmac(const EVP_MD *md, const void *key, size_t keylen, const void *p,
    size_t n, unsigned char *out, unsigned int want)
{
	unsigned int	 len = 0;

	if (keylen > INT32_MAX)
		return -1;
	if (HMAC(md, key, (int)keylen, p, n, out, &len) == NULL || len != want)
		return -1;
	return 0;
}

int
cedar_hmac_sha1(const void *key, size_t keylen, const void *p, size_t n,
    unsigned char out[CEDAR_HMAC_SHA1_LEN])
{
	return hmac(EVP_sha1(), key, keylen, p, n, out, CEDAR_HMAC_SHA1_LEN);
}

int
cedar_hmac_sha256(const void *key, size_t keylen, const void *p, size_t n,
    unsigned char out[32])
{
	return hmac(EVP_sha256(), key, keylen, p, n, out, 32);
}

/* CEDAR adds the packet counter to the first four bytes of the base IV
 * as a big-endian 32-bit number that wraps around. */
void
cedar_iv_at(const unsigned char base[CEDAR_IV_LEN], uint32_t n,
    unsigned char iv[CEDAR_IV_LEN])
{
	memcpy(iv, base, CEDAR_IV_LEN);
	codec_be32(iv, codec_get_be32(base) + n);
}

/* One AES-256-GCM operation with a 16-byte IV (GHASH derives J0, as in
 * HTCondor): ENC 1 seals, 0 opens and checks TAG. */
static int
gcm(int enc, const unsigned char *key, const unsigned char *iv,
    const void *aad, size_t aadlen, const void *in, size_t len,
    unsigned char *out, unsigned char *tag)
{
	EVP_CIPHER_CTX	*c;
	int		 n, ok;

	if (aadlen > INT32_MAX || len > INT32_MAX)
		return -1;
	if ((c = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL,
	    enc) == 1 &&
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, CEDAR_IV_LEN,
	    NULL) == 1 &&
	    EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) == 1;
	if (ok && aadlen > 0)
		ok = EVP_CipherUpdate(c, NULL, &n, aad, (int)aadlen) == 1;
	if (ok && len > 0)
		ok = EVP_CipherUpdate(c, out, &n, in, (int)len) == 1 &&
		    (size_t)n == len;
	if (ok && !enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, CEDAR_TAG_LEN,
		    tag) == 1;
	if (ok)
		ok = EVP_CipherFinal_ex(c, out + len, &n) == 1 && n == 0;
	if (ok && enc)
		ok = EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CEDAR_TAG_LEN,
		    tag) == 1;
	EVP_CIPHER_CTX_free(c);
	return ok ? 0 : -1;
}

int
cedar_gcm_seal(const unsigned char key[CEDAR_KEY_LEN],
    const unsigned char iv[CEDAR_IV_LEN], const void *aad, size_t aadlen,
    const void *in, size_t len, unsigned char *out,
    unsigned char tag[CEDAR_TAG_LEN])
{
	return gcm(1, key, iv, aad, aadlen, in, len, out, tag);
}

int
cedar_gcm_open(const unsigned char key[CEDAR_KEY_LEN],
    const unsigned char iv[CEDAR_IV_LEN], const void *aad, size_t aadlen,
    const void *in, size_t len, unsigned char *out,
    const unsigned char tag[CEDAR_TAG_LEN])
{
	unsigned char	 t[CEDAR_TAG_LEN];
	int		 rc;

	memcpy(t, tag, sizeof(t));
	rc = gcm(0, key, iv, aad, aadlen, in, len, out, t);
	if (rc == -1 && len > 0)
		OPENSSL_cleanse(out, len);
	return rc;
}

/* An EC key for P-256 from the encoded public point and, when PRIV is not
 * NULL, the private scalar. */
static EVP_PKEY *
ec_fromdata(const unsigned char *pub, size_t publen, const BIGNUM *priv)
{
	OSSL_PARAM_BLD	*bld;
	OSSL_PARAM	*params = NULL;
	EVP_PKEY_CTX	*pctx = NULL;
	EVP_PKEY	*pkey = NULL;
	int		 ok;

	if ((bld = OSSL_PARAM_BLD_new()) == NULL)
		return NULL;
	ok = OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME,
	    "prime256v1", 0) == 1 &&
	    OSSL_PARAM_BLD_push_octet_string(bld, OSSL_PKEY_PARAM_PUB_KEY,
	    pub, publen) == 1;
	if (ok && priv != NULL)
		ok = OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_PRIV_KEY,
		    priv) == 1;
	if (ok)
		ok = (params = OSSL_PARAM_BLD_to_param(bld)) != NULL &&
		    (pctx = EVP_PKEY_CTX_new_from_name(NULL, "EC",
		    NULL)) != NULL &&
		    EVP_PKEY_fromdata_init(pctx) == 1 &&
		    EVP_PKEY_fromdata(pctx, &pkey, priv != NULL ?
		    EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, params) == 1;
	if (!ok) {
		EVP_PKEY_free(pkey);
		pkey = NULL;
	}
	EVP_PKEY_CTX_free(pctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	return pkey;
}

/* The key pair whose private scalar is SCALAR: tests feed the recorded
 * scalar here; production draws it from the rng. */
int
cedar_ecdh_from_scalar(const unsigned char scalar[32], struct cedar_ecdh **out)
{
	EC_GROUP		*g;
	EC_POINT		*pt = NULL;
	BIGNUM			*d;
	struct cedar_ecdh	*k = NULL;
	int			 ok = 0;

	*out = NULL;
	if ((g = EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1)) == NULL)
		return -1;
	if ((d = BN_secure_new()) == NULL || BN_bin2bn(scalar, 32, d) == NULL)
		goto done;
	if (BN_is_zero(d) || BN_cmp(d, EC_GROUP_get0_order(g)) >= 0)
		goto done;
	if ((k = calloc(1, sizeof(*k))) == NULL ||
	    (pt = EC_POINT_new(g)) == NULL ||
	    EC_POINT_mul(g, pt, d, NULL, NULL, NULL) != 1 ||
	    EC_POINT_point2oct(g, pt, POINT_CONVERSION_UNCOMPRESSED, k->pub,
	    sizeof(k->pub), NULL) != sizeof(k->pub))
		goto done;
	if ((k->pkey = ec_fromdata(k->pub, sizeof(k->pub), d)) == NULL)
		goto done;
	ok = 1;
	*out = k;
	k = NULL;
done:
	cedar_ecdh_free(k);
	EC_POINT_free(pt);
	BN_clear_free(d);
	EC_GROUP_free(g);
	return ok ? 0 : -1;
}

/* Draw scalars until one is a valid private key (all but a 2^-32 sliver
 * of 32-byte strings are). */
int
cedar_ecdh_generate(const struct cedar_rng *rng, struct cedar_ecdh **out)
{
	unsigned char	 scalar[32];
	int		 i, rc = -1;

	for (i = 0; i < 8 && rc == -1; i++) {
		if (rng->fill(rng->arg, CEDAR_RAND_ECDH, scalar,
		    sizeof(scalar)) == -1)
			break;
		rc = cedar_ecdh_from_scalar(scalar, out);
	}
	OPENSSL_cleanse(scalar, sizeof(scalar));
	return rc;
}

const unsigned char *
cedar_ecdh_public(const struct cedar_ecdh *k)
{
	return k->pub;
}

/* Standard ECDH: the X coordinate of d * Peer, after checking that the
 * peer's point is on the curve. */
int
cedar_ecdh_derive(const struct cedar_ecdh *k, const unsigned char *peer,
    size_t peerlen, unsigned char secret[32])
{
	EVP_PKEY	*pp;
	EVP_PKEY_CTX	*pctx = NULL, *chk = NULL;
	size_t		 len = 32;
	int		 ok;

	if (peerlen != CEDAR_ECDH_PUB_LEN || peer[0] != 0x04)
		return -1;
	if ((pp = ec_fromdata(peer, peerlen, NULL)) == NULL)
		return -1;
	ok = (chk = EVP_PKEY_CTX_new(pp, NULL)) != NULL &&
	    EVP_PKEY_public_check(chk) == 1 &&
	    (pctx = EVP_PKEY_CTX_new(k->pkey, NULL)) != NULL &&
	    EVP_PKEY_derive_init(pctx) == 1 &&
	    EVP_PKEY_derive_set_peer(pctx, pp) == 1 &&
	    EVP_PKEY_derive(pctx, secret, &len) == 1 && len == 32;
	EVP_PKEY_CTX_free(chk);
	EVP_PKEY_CTX_free(pctx);
	EVP_PKEY_free(pp);
	return ok ? 0 : -1;
}

void
cedar_ecdh_free(struct cedar_ecdh *k)
{
	if (k == NULL)
		return;
	EVP_PKEY_free(k->pkey);
	free(k);
}

int
cedar_session_key(const unsigned char secret[32],
    unsigned char key[CEDAR_KEY_LEN])
{
	return cedar_hkdf_sha256(secret, 32, "htcondor", 8, "keygen", 6, key,
	    CEDAR_KEY_LEN);
}
