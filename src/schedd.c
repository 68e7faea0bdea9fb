/*
 * schedd.c — locating the schedd, opening an authenticated connection,
 * and the job query.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "config.h"
#include "schedd.h"
#include "settings.h"

/* Turn "host:port" into "<host:port>"; a sinful string stays as it is. */
static void
add_sinful(struct buf *out, const char *addr)
{
	if (addr[0] == '<')
		buf_adds(out, addr);
	else
		buf_addf(out, "<%s>", addr);
}

/* MyAddress from a daemon ad file (condor_q -long form).  0 or -1. */
static int
daemon_ad_address(const char *path, struct buf *out)
{
	struct buf	 text = BUF_INIT;
	struct classad	*ad = NULL;
	const char	*addr;
	char		 tmp[4096], err[128];
	size_t		 n, used;
	FILE		*f;
	int		 rc = -1;

	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0 && text.len < 1 << 20)
		buf_add(&text, tmp, n);
	fclose(f);
	if (classad_read_long(buf_str(&text), text.len, &used, &ad, err,
	    sizeof(err)) == 1 &&
	    classad_lookup_string(ad, "MyAddress", &addr) == 0 &&
	    addr[0] == '<') {
		buf_adds(out, addr);
		rc = 0;
	}
	classad_free(ad);
	buf_free(&text);
	return rc;
}

int
schedd_locate(const struct settings *set, struct buf *out, char *err,
    size_t errlen)
{
	const char	*v;
	struct buf	 line = BUF_INIT;
	char		 e[256];

	if (set->schedd_address != NULL) {
		add_sinful(out, set->schedd_address);
		return 0;
	}
	if (set->config != NULL &&
	    (v = config_value(set->config, "SCHEDD_HOST")) != NULL &&
	    strchr(v, ':') != NULL) {
		add_sinful(out, v);
		return 0;
	}
	if (set->config != NULL &&
	    (v = config_value(set->config, "SCHEDD_DAEMON_AD_FILE")) != NULL &&
	    daemon_ad_address(v, out) == 0)
		return 0;
	if (set->config != NULL &&
	    (v = config_value(set->config, "SCHEDD_ADDRESS_FILE")) != NULL) {
		if (cedar_address_file_read(v, &line, e, sizeof(e)) == 0) {
			buf_adds(out, buf_str(&line));
			buf_free(&line);
			return 0;
		}
		snprintf(err, errlen, "schedd address file: %s", e);
		buf_free(&line);
		return 503;
	}
	snprintf(err, errlen, "cannot locate the schedd: set "
	    "HTTP_API_SCHEDD_ADDRESS or SCHEDD_ADDRESS_FILE");
	return 503;
}

/* The HTTP status for a failed stream, with the stream's reason. */
static int
stream_status(struct cedar_stream *s, const char *what, char *err,
    size_t errlen)
{
	enum cedar_err e = cedar_status(s);

	snprintf(err, errlen, "%s: %s", what, cedar_error(s));
	return cedar_err_http_status(e == CEDAR_OK ? CEDAR_ERR_PROTOCOL : e);
}

int
schedd_open(struct schedd *sd, const struct settings *set, int command,
    const char *token, char *err, size_t errlen)
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
	if ((rc = schedd_locate(set, &sinful, err, errlen)) != 0)
		return rc;
	e = cedar_connect(buf_str(&sinful), sd->timeout_ms, &sd->stream, e2,
	    sizeof(e2));
	if (e != CEDAR_OK) {
		snprintf(err, errlen, "schedd %s not reachable: %s",
		    buf_str(&sinful), e2);
		buf_free(&sinful);
		return cedar_err_http_status(e);
	}
	buf_free(&sinful);
	cedar_set_timeout(sd->stream, sd->timeout_ms);
	memset(&auth, 0, sizeof(auth));
	auth.command = command;
	auth.token = token;
	memset(&sess, 0, sizeof(sess));
	if ((e = cedar_client_handshake(sd->stream, &auth, &sess)) != CEDAR_OK) {
		rc = e == CEDAR_ERR_TOKEN ? 401 : cedar_err_http_status(e);
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

/* The final ad of a query has an integer Owner (0); job ads have a
 * string Owner. */
static int
is_final_ad(const struct classad *ad)
{
	int64_t owner;

	return classad_lookup_int(ad, "Owner", &owner) == 0;
}

int
schedd_query_jobs(struct schedd *sd, const struct job_query *q,
    schedd_ad_fn fn, void *ctx, char *err, size_t errlen)
{
	struct classad	*req, *ad;
	const char	*estr;
	int64_t		 code;
	char		 e[256];
	int		 rc;

	if ((req = classad_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 503;
	}
	rc = 0;
	if (q->constraint != NULL && classad_insert_expr(req, "Requirements",
	    q->constraint, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "constraint: %s", e);
		rc = 400;
	}
	if (rc == 0 && q->projection != NULL && *q->projection != '\0')
		classad_insert_string(req, "Projection", q->projection);
	if (q->limit > 0)
		classad_insert_int(req, "LimitResults", q->limit);
	if (q->summary_only)
		classad_insert_bool(req, "SummaryOnly", 1);
	classad_insert_bool(req, "SendServerTime", 0);
	if (rc == 0 && (cedar_put_classad(sd->stream, req) == -1 ||
	    cedar_send_eom(sd->stream) == -1))
		rc = stream_status(sd->stream, "sending the query", err,
		    errlen);
	classad_free(req);
	if (rc != 0)
		return rc;
	for (;;) {
		ad = NULL;
		if (cedar_get_classad(sd->stream, &ad) == -1 ||
		    cedar_recv_eom(sd->stream) == -1) {
			classad_free(ad);
			/* EOF right after the request: the schedd could not
			 * use the constraint (spec §13 row 9). */
			return stream_status(sd->stream, "reading job ads",
			    err, errlen);
		}
		if (is_final_ad(ad))
			break;
		rc = fn(ctx, ad);
		classad_free(ad);
		if (rc == -1)
			return -1;
	}
	rc = 0;
	if (classad_lookup_int(ad, "ErrorCode", &code) == 0 && code != 0) {
		if (classad_lookup_string(ad, "ErrorString", &estr) == -1)
			estr = "no reason given";
		snprintf(err, errlen, "schedd: %s (error %lld)", estr,
		    (long long)code);
		rc = code == 1 ? 400 : 502;
	}
	classad_free(ad);
	return rc;
}
