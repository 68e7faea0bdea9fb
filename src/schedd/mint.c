/*
 * mint.c — an IDTOKEN minted for a user a trusted front end named, the
 * way condor_token_create mints one (condor_auth_passwd.cpp), signed with
 * libjwt: the pool signing key file unscrambled (and doubled for the POOL
 * key), HKDF-SHA256 into the JWT key, HS256.  The key and the token are
 * ours only in buffers this file wipes; libjwt's own copies are its to
 * free (see the man page).  libjwt is loaded (dlopen) the first time a
 * token is minted: only a request from a front end needs it, and linked
 * in, it and its libjansson and libb64 made every request, GET /healthz
 * included, run 3.7% more instructions (4,182,355 to 4,337,354 under
 * callgrind; bench/requests).
 */
#include <sys/random.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jwt.h>

#include "util/bounds.h"
#include "util/buf.h"
#include "util/dl.h"
#include "cedar/cedar.h"
#include "schedd/schedd.h"

/* Read the signing key file PATH into KEY (at most SIGNING_KEY_MAX bytes)
 * after checking, on the opened file, that it is a regular file no group
 * or other user can read: a key anyone on the machine can read lets
 * anyone be anyone in the pool.  0 with *LEN, or -1 with ERR. */
static int
read_signing_key(const char *path, unsigned char key[SIGNING_KEY_MAX],
    size_t *len, char *err, size_t errlen)
{
	struct stat	 st;
	unsigned char	 extra;
	ssize_t		 n;
	int		 fd, rc = -1;

	*len = 0;
	if (path == NULL || *path == '\0') {
		snprintf(err, errlen, "no signing key file (set "
		    "HTTP_API_SIGNING_KEY or SEC_TOKEN_POOL_SIGNING_KEY_FILE)");
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1) {
		snprintf(err, errlen, "signing key %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1)
		snprintf(err, errlen, "signing key %s: %s", path,
		    strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(err, errlen, "signing key %s is not a regular file",
		    path);
	else if ((st.st_mode & (S_IRGRP | S_IROTH)) != 0)
		snprintf(err, errlen, "signing key %s is readable by group or "
		    "others (mode %03o): make it 0600 or 0400", path,
		    (unsigned)(st.st_mode & 0777));
	else
		rc = 0;
	while (rc == 0 && *len < SIGNING_KEY_MAX) {
		if ((n = read(fd, key + *len, SIGNING_KEY_MAX - *len)) == 0)
			break;
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			snprintf(err, errlen, "signing key %s: %s", path,
			    strerror(errno));
			rc = -1;
		} else
			*len += (size_t)n;
	}
	if (rc == 0 && *len == SIGNING_KEY_MAX && read(fd, &extra, 1) > 0) {
		snprintf(err, errlen, "signing key %s is over %d bytes", path,
		    SIGNING_KEY_MAX);
		rc = -1;
	} else if (rc == 0 && *len == 0) {
		snprintf(err, errlen, "signing key %s is empty", path);
		rc = -1;
	}
	close(fd);
	if (rc == -1) {
		explicit_bzero(key, SIGNING_KEY_MAX);
		*len = 0;
	}
	return rc;
}

int
schedd_signing_key_check(const char *path, char *err, size_t errlen)
{
	unsigned char	key[SIGNING_KEY_MAX];
	size_t		len;
	int		rc;

	rc = read_signing_key(path, key, &len, err, errlen);
	explicit_bzero(key, sizeof(key));
	return rc;
}

/* The JWT key of the key file PATH as HTCondor prepares it for KID
 * (cedar-protocol.md 8.2): unscrambled, doubled for the POOL key only,
 * HKDF-SHA256("htcondor", "master jwt").  0, or -1 with ERR. */
static int
derive_jwt_key(const char *path, const char *kid, unsigned char jkey[32],
    char *err, size_t errlen)
{
	unsigned char	raw[2 * SIGNING_KEY_MAX];
	size_t		len;
	int		rc = -1;

	if (read_signing_key(path, raw, &len, err, errlen) == 0) {
		cedar_key_unscramble(raw, len);
		if (strcmp(kid, "POOL") == 0) {
			memcpy(raw + len, raw, len);
			len *= 2;
		}
		if ((rc = cedar_jwt_key(raw, len, jkey)) == -1)
			snprintf(err, errlen, "cannot derive the JWT key");
	}
	explicit_bzero(raw, sizeof(raw));
	return rc;
}

/* 16 random bytes as 32 lowercase hex digits, as HTCondor's jti. */
static int
random_jti(char jti[33])
{
	unsigned char	rnd[16];
	size_t		i;

	if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
		return -1;
	for (i = 0; i < sizeof(rnd); i++)
		snprintf(jti + 2 * i, 3, "%02x", rnd[i]);
	return 0;
}

/* The libjwt functions used, each checked against <jwt.h>. */
#define JWT_FUNCTIONS(X)						\
	X(jwt_new, int, (jwt_t **))					\
	X(jwt_free, void, (jwt_t *))					\
	X(jwt_set_alg, int, (jwt_t *, jwt_alg_t, const unsigned char *,	\
	    int))							\
	X(jwt_add_header, int, (jwt_t *, const char *, const char *))	\
	X(jwt_add_grant, int, (jwt_t *, const char *, const char *))	\
	X(jwt_add_grant_int, int, (jwt_t *, const char *, long))	\
	X(jwt_encode_str, char *, (jwt_t *))

#define JWT_FIELD(name, ret, params)	ret (*name) params;
static struct jwt_functions {
	JWT_FUNCTIONS(JWT_FIELD)
} lj;

#define JWT_CHECK(name, ret, params)					\
	_Static_assert(_Generic(&name, ret (*) params: 1, default: 0),	\
	    #name " does not match <jwt.h>");
JWT_FUNCTIONS(JWT_CHECK)

#define JWT_SYMBOL(name, ret, params)					\
	{ #name, offsetof(struct jwt_functions, name) },

static int	lj_loaded;

/* Load libjwt and fill the table, once per process. */
static int
jwt_load(char *err, size_t errlen)
{
	static const char *const names[] = {
		"libjwt.so.0", "libjwt.so", NULL
	};
	static const struct dl_symbol symbols[] = {
		JWT_FUNCTIONS(JWT_SYMBOL)
	};

	return dl_load(&lj_loaded, names, symbols, sizeof(symbols) /
	    sizeof(symbols[0]), &lj, err, errlen);
}

/* Sign the claims of M with JKEY through libjwt into OUT.  0, or -1. */
static int
jwt_sign(const struct mint_request *m, const unsigned char jkey[32],
    const char *jti, char *out, size_t outlen)
{
	jwt_t	*jwt = NULL;
	char	*tok = NULL;
	size_t	 n;
	int	 rc = -1;

	if (lj.jwt_new(&jwt) != 0)
		return -1;
	if (lj.jwt_set_alg(jwt, JWT_ALG_HS256, jkey, 32) == 0 &&
	    lj.jwt_add_header(jwt, "kid", m->kid) == 0 &&
	    lj.jwt_add_grant(jwt, "sub", m->sub) == 0 &&
	    lj.jwt_add_grant(jwt, "iss", m->iss) == 0 &&
	    lj.jwt_add_grant(jwt, "jti", jti) == 0 &&
	    lj.jwt_add_grant_int(jwt, "iat", (long)m->iat) == 0 &&
	    lj.jwt_add_grant_int(jwt, "exp",
	    (long)(m->iat + (m->lifetime > 0 ? m->lifetime :
	    MINTED_TOKEN_LIFETIME))) == 0 &&
	    (tok = lj.jwt_encode_str(jwt)) != NULL &&
	    (n = strlen(tok)) < outlen) {
		memcpy(out, tok, n + 1);
		rc = 0;
	}
	if (tok != NULL) {
		explicit_bzero(tok, strlen(tok));
		free(tok);
	}
	lj.jwt_free(jwt);
	return rc;
}

/* The session secret of M's user: HMAC-SHA256 under the signing key's
 * JWT key of the key id, issuer and subject, so that it differs per
 * user and per key and says nothing about the key. */
static int
session_secret(const struct mint_request *m, const unsigned char jkey[32])
{
	struct buf	 msg = BUF_INIT;
	int		 rc;

	buf_addf(&msg, "htcondor-api session%c%s%c%s%c%s", '\0', m->kid,
	    '\0', m->iss, '\0', m->sub);
	rc = msg.failed ? -1 : cedar_hmac_sha256(jkey, 32, msg.data,
	    msg.len, m->session_secret);
	buf_wipe(&msg);
	return rc;
}

int
schedd_mint_token(const struct mint_request *m, char *out, size_t outlen,
    char *err, size_t errlen)
{
	unsigned char	jkey[32];
	char		jti[33];
	int		rc;

	if (outlen > 0)
		out[0] = '\0';
	if (jwt_load(err, errlen) == -1 ||
	    derive_jwt_key(m->keyfile, m->kid, jkey, err, errlen) == -1)
		return -1;
	if ((rc = random_jti(jti)) == -1)
		snprintf(err, errlen, "no random bytes for the token id");
	else if ((rc = jwt_sign(m, jkey, jti, out, outlen)) == -1) {
		snprintf(err, errlen, "cannot sign the token");
		explicit_bzero(out, outlen);
	} else if (m->session_secret != NULL &&
	    (rc = session_secret(m, jkey)) == -1) {
		snprintf(err, errlen, "cannot derive the session secret");
		explicit_bzero(out, outlen);
	}
	explicit_bzero(jkey, sizeof(jkey));
	return rc;
}
