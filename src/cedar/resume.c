/*
 * resume.c — resuming a cached security session on a new connection
 * (HTCondor's condor_secman.cpp): one plaintext request naming the session
 * id with a fresh nonce, one plaintext answer, then AES-GCM with the cached
 * key.  No authentication, no ECDH, no post-authentication ad: a request
 * costs one round trip instead of four.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "cedar/cedar_int.h"
#include "classad/classad.h"

/* The resume ad, in the order HTCondor projects it. */
static struct classad *
resume_ad(const char *sid, int command, const char *nonce64,
    const char *version)
{
	struct classad	*ad;

	if ((ad = classad_new()) == NULL)
		return NULL;
	if (classad_insert_string(ad, "UseSession", "YES") == -1 ||
	    classad_insert_string(ad, "Sid", sid) == -1 ||
	    classad_insert_int(ad, "Command", command) == -1 ||
	    classad_insert_string(ad, "CryptoMethods", "AES") == -1 ||
	    classad_insert_string(ad, "Nonce", nonce64) == -1 ||
	    classad_insert_bool(ad, "ResumeResponse", 1) == -1 ||
	    classad_insert_string(ad, "RemoteVersion", version) == -1) {
		classad_free(ad);
		return NULL;
	}
	return ad;
}

static int
send_resume(struct cedar_stream *s, const char *sid, int command,
    const char *version)
{
	unsigned char	 nonce[CEDAR_NONCE_LEN];
	struct buf	 n64 = BUF_INIT;
	struct classad	*ad = NULL;
	int		 rc;

	if (stream_rand(s, CEDAR_RAND_NONCE, nonce, sizeof(nonce)) == -1)
		return -1;
	if (b64_encode(nonce, sizeof(nonce), &n64) == -1 ||
	    (ad = resume_ad(sid, command, buf_str(&n64), version)) == NULL)
		rc = cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	else
		rc = cedar_put_int(s, CEDAR_DC_AUTHENTICATE) == -1 ||
		    cedar_put_classad(s, ad) == -1 ||
		    cedar_send_eom(s) == -1 ? -1 : 0;
	classad_free(ad);
	buf_free(&n64);
	OPENSSL_cleanse(nonce, sizeof(nonce));
	return rc;
}

enum cedar_err
cedar_client_resume(struct cedar_stream *s, const char *sid,
    const unsigned char key[CEDAR_KEY_LEN], int command, const char *version)
{
	struct classad	*ad = NULL;
	const char	*rcode = NULL;

	if (s->status != CEDAR_OK)
		return s->status;
	if (version == NULL)
		version = cedar_version_string();
	if (!cedar_version_valid(version) || sid == NULL || *sid == '\0' ||
	    strlen(sid) >= CEDAR_NAME_MAX || command <= 0) {
		cedar_fail(s, CEDAR_ERR_INTERNAL, "bad resume arguments");
		return s->status;
	}
	if (send_resume(s, sid, command, version) == -1)
		return s->status;
	if (cedar_get_classad_pod(s, &ad) == -1 || cedar_recv_eom(s) == -1) {
		classad_free(ad);
		if (s->status == CEDAR_ERR_CLOSED) {
			s->status = CEDAR_OK;
			cedar_fail(s, CEDAR_ERR_NO_SESSION,
			    "the schedd closed the connection on resume");
		}
		return s->status;
	}
	(void)classad_lookup_string(ad, "ReturnCode", &rcode);
	if (rcode == NULL || strcmp(rcode, "AUTHORIZED") != 0) {
		cedar_fail(s, rcode != NULL && strcmp(rcode, "DENIED") == 0 ?
		    CEDAR_ERR_DENIED : CEDAR_ERR_NO_SESSION,
		    "the schedd refused to resume the session (%.64s)",
		    rcode != NULL ? rcode : "no ReturnCode");
		classad_free(ad);
		return s->status;
	}
	classad_free(ad);
	if (cedar_install_key(s, key) == -1)
		return s->status;
	return CEDAR_OK;
}
