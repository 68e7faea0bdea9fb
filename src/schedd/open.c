/*
 * open.c — opening an authenticated connection to the schedd for one
 * command with the caller's token, and closing it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/bounds.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "schedd/schedd.h"
#include "schedd/schedd_int.h"
#include "config/settings.h"

/* The CEDAR command number of C. */
static int
cmd_number(enum schedd_cmd c)
{
	switch (c) {
	case SCHEDD_CMD_QUERY_JOBS:
		return CEDAR_QUERY_JOB_ADS;
	case SCHEDD_CMD_ACT:
		return CEDAR_ACT_ON_JOBS;
	case SCHEDD_CMD_QMGMT:
		return CEDAR_QMGMT_WRITE_CMD;
	case SCHEDD_CMD_HISTORY:
		return CEDAR_QUERY_SCHEDD_HISTORY;
	case SCHEDD_CMD_SPOOL:
		return CEDAR_SPOOL_JOB_FILES_WITH_PERMS;
	case SCHEDD_CMD_TRANSFER:
		return CEDAR_TRANSFER_DATA_WITH_PERMS;
	}
	return -1;
}

int
schedd_token_subject(const char *token, struct buf *out)
{
	struct cedar_jwt	jwt;
	char			e[128];
	int			rc = -1;

	if (cedar_jwt_parse(token, &jwt, e, sizeof(e)) == 0 &&
	    jwt.sub != NULL && *jwt.sub != '\0')
		rc = buf_adds(out, jwt.sub);
	cedar_jwt_clear(&jwt);
	return rc;
}

const char *
schedd_client_version(void)
{
	return cedar_version_string();
}

/* What a connection keeps to fall back to a full handshake when a
 * resumed session turns out to be unknown to the schedd: the credential
 * (wiped by schedd_close), where the schedd is and the cache entry. */
struct sd_link {
	const struct settings	*set;
	char			*token;
	struct buf		 sinful;
	int			 command;
	int			 timeout_ms;
	int			 has_exp;
	int64_t			 exp;
	struct sd_cache		 cache;
	int			 cached;	/* the cache is usable */
};

static void
link_free(struct sd_link *l)
{
	if (l == NULL)
		return;
	if (l->token != NULL) {
		explicit_bzero(l->token, strlen(l->token));
		free(l->token);
	}
	buf_free(&l->sinful);
	sd_cache_close(&l->cache);
	free(l);
}

/* Connect to the schedd: 0 with *S, or the status with ERR. */
static int
link_connect(struct sd_link *l, struct cedar_stream **s, char *err,
    size_t errlen)
{
	enum cedar_err	 e;
	char		 e2[256];

	e = cedar_connect(buf_str(&l->sinful), l->timeout_ms, s, e2,
	    sizeof(e2));
	if (e != CEDAR_OK) {
		snprintf(err, errlen, "schedd %s not reachable: %s",
		    buf_str(&l->sinful), e2);
		return sd_err_status(e);
	}
	cedar_set_timeout(*s, l->timeout_ms);
	return 0;
}

/* A new connection with a full handshake (TOKEN, ECDH); its session is
 * kept for the next connection.  0 with *S and *USER, or the status with
 * ERR. */
static int
open_full(struct sd_link *l, struct cedar_stream **s, char **user, char *err,
    size_t errlen)
{
	struct cedar_auth	 auth;
	struct cedar_session	 sess;
	struct sd_session	 keep;
	enum cedar_err		 e;
	int			 rc;

	if ((rc = link_connect(l, s, err, errlen)) != 0)
		return rc;
	memset(&auth, 0, sizeof(auth));
	auth.command = l->command;
	auth.token = l->token;
	/* The schedd keeps the session as long as we ask; a session that
	 * only this process can use needs no more than the default. */
	if (l->cache.dirfd != -1 && l->set->session_cache_lifetime > 60)
		auth.session_duration = l->set->session_cache_lifetime;
	memset(&sess, 0, sizeof(sess));
	if ((e = cedar_client_handshake(*s, &auth, &sess)) != CEDAR_OK) {
		rc = e == CEDAR_ERR_TOKEN ? 401 : sd_err_status(e);
		if (e == CEDAR_ERR_TOKEN)
			snprintf(err, errlen, "token rejected by the schedd");
		else
			snprintf(err, errlen, "schedd handshake: %s",
			    cedar_error(*s));
		cedar_session_clear(&sess);
		cedar_stream_free(*s);
		*s = NULL;
		return rc;
	}
	if (l->cached && sess.sid != NULL && *sess.sid != '\0' &&
	    strlen(sess.sid) < sizeof(keep.sid) && sess.user != NULL &&
	    strlen(sess.user) < sizeof(keep.user)) {
		memset(&keep, 0, sizeof(keep));
		snprintf(keep.sid, sizeof(keep.sid), "%s", sess.sid);
		snprintf(keep.user, sizeof(keep.user), "%s", sess.user);
		memcpy(keep.key, sess.key, CEDAR_KEY_LEN);
		keep.lease = sess.lease > 0 ? sess.lease : 0;
		keep.expires = sd_session_expiry(l->set, (int64_t)time(NULL),
		    sess.duration, l->has_exp, l->exp);
		sd_cache_save(&l->cache, &keep);
		explicit_bzero(&keep, sizeof(keep));
	}
	*user = sess.user;
	sess.user = NULL;
	cedar_session_clear(&sess);
	return 0;
}

/* The recover function of a resumed stream (cedar_set_recover): the
 * schedd closed it unanswered, so its session is dropped and a full
 * handshake opens a new connection to carry on over. */
static struct cedar_stream *
link_recover(void *arg, enum cedar_err *e, char *err, size_t errlen)
{
	struct sd_link		*l = arg;
	struct cedar_stream	*s = NULL;
	char			*user = NULL;
	int			 rc;

	sd_cache_drop(&l->cache);
	if ((rc = open_full(l, &s, &user, err, errlen)) != 0) {
		*e = rc == 401 ? CEDAR_ERR_TOKEN : rc == 403 ?
		    CEDAR_ERR_DENIED : rc == 503 ? CEDAR_ERR_UNREACHABLE :
		    CEDAR_ERR_PROTOCOL;
		return NULL;
	}
	free(user);
	log_msg("the schedd closed a resumed session unanswered; carried on "
	    "over a new one");
	return s;
}

/* Resume the cached session on a new connection.  0 when resumed, 1
 * when there is none or the schedd no longer has it (do a full
 * handshake), else the status with ERR. */
static int
open_resumed(struct sd_link *l, struct cedar_stream **s, char **user,
    char *err, size_t errlen)
{
	struct sd_session	 sess;
	enum cedar_err		 e;
	int			 rc = 1;

	if (!l->cached || !sd_cache_find(&l->cache, &sess))
		return 1;
	if ((rc = link_connect(l, s, err, errlen)) != 0)
		goto out;
	e = cedar_client_resume(*s, sess.sid, sess.key, l->command, NULL);
	if (e == CEDAR_OK) {
		cedar_set_recover(*s, SESSION_REPLAY_MAX, link_recover, l);
		sd_cache_used(&l->cache, &sess);
		if ((*user = strdup(sess.user)) == NULL) {
			snprintf(err, errlen, "out of memory");
			rc = 503;
		}
		goto out;
	}
	cedar_stream_free(*s);
	*s = NULL;
	if (e == CEDAR_ERR_NO_SESSION || e == CEDAR_ERR_CLOSED) {
		sd_cache_drop(&l->cache);
		rc = 1;
	} else {
		snprintf(err, errlen, "schedd session resumption: %s",
		    cedar_err_name(e));
		rc = sd_err_status(e);
	}
out:
	explicit_bzero(&sess, sizeof(sess));
	return rc;
}

/* The link of a connection for COMMAND with TOKEN: the token's own exp
 * checked (the wire never says why a token was refused, so "expired" is
 * reported only when we can see it ourselves), the schedd located, the
 * cache entry derived.  0, or the status with ERR. */
static int
link_new(struct sd_link **out, const struct settings *set, int command,
    const char *token, const unsigned char *secret, char *err,
    size_t errlen)
{
	struct cedar_jwt	 jwt;
	struct sd_link		*l;
	char			 e2[256];
	int			 rc;

	if (cedar_jwt_parse(token, &jwt, e2, sizeof(e2)) == -1) {
		snprintf(err, errlen, "the bearer token is not an IDTOKEN: %s",
		    e2);
		return 401;
	}
	if (jwt.has_exp && jwt.exp <= (int64_t)time(NULL)) {
		cedar_jwt_clear(&jwt);
		snprintf(err, errlen, "token expired");
		return 401;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL ||
	    (l->token = strdup(token)) == NULL) {
		cedar_jwt_clear(&jwt);
		free(l);
		snprintf(err, errlen, "out of memory");
		return 503;
	}
	l->has_exp = jwt.has_exp;
	l->exp = jwt.exp;
	cedar_jwt_clear(&jwt);
	l->set = set;
	l->command = command;
	l->timeout_ms = set->schedd_timeout * 1000;
	l->cache.dirfd = -1;
	if ((rc = schedd_locate(set, token, &l->sinful, err, errlen)) != 0) {
		link_free(l);
		return rc;
	}
	l->cached = (secret != NULL ? sd_cache_open(&l->cache, set, secret,
	    SCHEDD_SESSION_SECRET_LEN, buf_str(&l->sinful)) :
	    sd_cache_open(&l->cache, set, token, strlen(token),
	    buf_str(&l->sinful))) == 0;
	*out = l;
	return 0;
}

int
schedd_open(struct schedd *sd, const struct settings *set,
    enum schedd_cmd command, const char *token,
    const unsigned char *secret, char *err, size_t errlen)
{
	struct sd_link	*l;
	char		*user = NULL;
	int		 rc;

	memset(sd, 0, sizeof(*sd));
	sd->timeout_ms = set->schedd_timeout * 1000;
	if ((rc = link_new(&l, set, cmd_number(command), token, secret, err,
	    errlen)) != 0)
		return rc;
	if ((rc = open_resumed(l, &sd->stream, &user, err, errlen)) == 1)
		rc = open_full(l, &sd->stream, &user, err, errlen);
	if (rc != 0) {
		if (sd->stream != NULL)
			cedar_stream_free(sd->stream);
		sd->stream = NULL;
		free(user);
		link_free(l);
		return rc;
	}
	sd->user = user;
	sd->link = l;
	return 0;
}

void
schedd_close(struct schedd *sd)
{
	if (sd->stream != NULL)
		cedar_stream_free(sd->stream);
	link_free(sd->link);
	free(sd->user);
	memset(sd, 0, sizeof(*sd));
}
