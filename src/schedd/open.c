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

int
schedd_open(struct schedd *sd, const struct settings *set,
    enum schedd_cmd command, const char *token, char *err, size_t errlen)
{
	struct cedar_auth	 auth;
	struct cedar_session	 sess;
	struct cedar_jwt	 jwt;
	struct buf		 sinful = BUF_INIT;
	enum cedar_err		 e;
	char			 e2[256];
	int			 rc;

	memset(sd, 0, sizeof(*sd));
	sd->timeout_ms = set->schedd_timeout * 1000;
	/* The token's own exp: the wire never says why a token was refused,
	 * so "expired" is reported only when we can see it ourselves. */
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
	cedar_jwt_clear(&jwt);
	if ((rc = schedd_locate(set, token, &sinful, err, errlen)) != 0)
		return rc;
	e = cedar_connect(buf_str(&sinful), sd->timeout_ms, &sd->stream, e2,
	    sizeof(e2));
	if (e != CEDAR_OK) {
		snprintf(err, errlen, "schedd %s not reachable: %s",
		    buf_str(&sinful), e2);
		buf_free(&sinful);
		return sd_err_status(e);
	}
	buf_free(&sinful);
	cedar_set_timeout(sd->stream, sd->timeout_ms);
	memset(&auth, 0, sizeof(auth));
	auth.command = cmd_number(command);
	auth.token = token;
	memset(&sess, 0, sizeof(sess));
	if ((e = cedar_client_handshake(sd->stream, &auth, &sess)) != CEDAR_OK) {
		rc = e == CEDAR_ERR_TOKEN ? 401 : sd_err_status(e);
		if (e == CEDAR_ERR_TOKEN)
			snprintf(err, errlen, "token rejected by the schedd");
		else
			snprintf(err, errlen, "schedd handshake: %s",
			    cedar_error(sd->stream));
		cedar_session_clear(&sess);
		schedd_close(sd);
		return rc;
	}
	sd->user = sess.user;
	sess.user = NULL;
	cedar_session_clear(&sess);
	return 0;
}

void
schedd_close(struct schedd *sd)
{
	if (sd->stream != NULL)
		cedar_stream_free(sd->stream);
	free(sd->user);
	memset(sd, 0, sizeof(*sd));
}
