/*
 * schedd.c — locating the schedd, opening an authenticated connection,
 * and the job query.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/bounds.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "config/config.h"
#include "schedd/schedd.h"
#include "config/settings.h"

/* Turn "host:port" into "<host:port>"; a sinful string stays as it is. */
static void
add_sinful(struct buf *out, const char *addr)
{
	if (addr[0] == '<')
		buf_adds(out, addr);
	else
		buf_addf(out, "<%s>", addr);
}

/* MyAddress from a daemon ad file (condor_q -long form): 0, or -1 when
 * the file is missing or holds no address (the caller looks elsewhere),
 * or 503 with ERR set for a file over its cap: a cut-short ad could name
 * a stale address, so it is not read at all. */
static int
daemon_ad_address(const char *path, struct buf *out, char *err,
    size_t errlen)
{
	struct buf	 text = BUF_INIT;
	struct classad	*ad = NULL;
	const char	*addr;
	char		 e[128];
	size_t		 used;
	int		 rc = -1;

	if (file_read_capped(path, SCHEDD_MAX_DAEMON_AD_FILE, &text, e,
	    sizeof(e)) == -1) {
		if (errno != EFBIG)
			return -1;
		snprintf(err, errlen, "schedd daemon ad file: %s", e);
		return 503;
	}
	if (classad_read_long(buf_str(&text), text.len, &used, &ad, e,
	    sizeof(e)) == 1 &&
	    classad_lookup_string(ad, "MyAddress", &addr) == 0 &&
	    addr[0] == '<') {
		buf_adds(out, addr);
		rc = 0;
	}
	classad_free(ad);
	buf_free(&text);
	return rc;
}

#define CEDAR_QUERY_SCHEDD_ADS	6	/* collector command */

/* Ask the collector at HOST (host[:port], or a sinful string) for the ad
 * of the schedd NAME (any, when NULL and there is exactly one), as the
 * caller: a secure pool wants READ authenticated.  Its MyAddress goes to
 * OUT.  0, or 503 with ERR. */
static int
collector_locate(const struct settings *set, const char *token,
    const char *host, const char *name, struct buf *out, char *err,
    size_t errlen)
{
	struct cedar_stream	*s = NULL;
	struct cedar_auth	 auth;
	struct classad		*q = NULL, *ad;
	struct classad_expr	*n;
	struct buf		 sinful = BUF_INIT, c = BUF_INIT;
	const char		*addr;
	int64_t			 more;
	int			 found = 0, rc = 503;
	char			 e[256];

	if (host[0] == '<')
		buf_adds(&sinful, host);
	else
		buf_addf(&sinful, strchr(host, ':') ? "<%s>" : "<%s:9618>",
		    host);
	buf_adds(&c, "MyType == \"Scheduler\"");
	if (name != NULL && (n = classad_expr_string(name, strlen(name)))) {
		buf_adds(&c, " && Name == ");
		classad_unparse_old(n, &c);
		classad_expr_free(n);
	}
	if (cedar_connect(buf_str(&sinful), set->schedd_timeout * 1000, &s, e,
	    sizeof(e)) != CEDAR_OK) {
		snprintf(err, errlen, "collector %s not reachable: %s",
		    buf_str(&sinful), e);
		goto out;
	}
	cedar_set_timeout(s, set->schedd_timeout * 1000);
	memset(&auth, 0, sizeof(auth));
	auth.command = CEDAR_QUERY_SCHEDD_ADS;
	auth.token = token;
	if (cedar_client_handshake(s, &auth, NULL) != CEDAR_OK) {
		snprintf(err, errlen, "collector %s: %s", buf_str(&sinful),
		    cedar_error(s));
		rc = cedar_status(s) == CEDAR_ERR_TOKEN ? 401 : 503;
		goto out;
	}
	q = classad_new();
	classad_insert_string(q, "MyType", "Query");
	classad_insert_string(q, "TargetType", "Scheduler");
	classad_insert_expr(q, "Requirements", buf_str(&c), e, sizeof(e));
	classad_insert_string(q, "Projection", "MyAddress Name");
	if (cedar_put_classad(s, q) == -1 || cedar_send_eom(s) == -1)
		goto broken;
	/* The answer is one message: (int 1, ad)... then int 0. */
	while (cedar_get_int(s, &more) == 0 && more == 1) {
		ad = NULL;
		if (cedar_get_classad(s, &ad) == -1)
			goto broken;
		if (classad_lookup_string(ad, "MyAddress", &addr) == 0 &&
		    addr[0] == '<' && found++ == 0)
			buf_adds(out, addr);
		classad_free(ad);
	}
	if (cedar_status(s) != CEDAR_OK || cedar_recv_eom(s) == -1)
		goto broken;
	if (found == 1)
		rc = 0;
	else if (found == 0)
		snprintf(err, errlen, "the collector knows no schedd%s%s",
		    name ? " named " : "", name ? name : "");
	else
		snprintf(err, errlen, "the collector knows %d schedds: set "
		    "SCHEDD_NAME", found);
	goto out;
broken:
	snprintf(err, errlen, "collector %s: %s", buf_str(&sinful),
	    cedar_error(s));
out:
	if (rc != 0)
		buf_reset(out);
	classad_free(q);
	if (s != NULL)
		cedar_stream_free(s);
	buf_free(&sinful);
	buf_free(&c);
	return rc;
}

/* A copy of configuration value NAME (config_value strings live only
 * until the next look-up), or NULL. */
static char *
config_copy(const struct settings *set, const char *name)
{
	const char *v;

	if (set->config == NULL || (v = config_value(set->config, name)) ==
	    NULL)
		return NULL;
	return strdup(v);
}

int
schedd_locate(const struct settings *set, const char *token,
    struct buf *out, char *err, size_t errlen)
{
	struct buf	 line = BUF_INIT;
	char		*v, *name = NULL, e[256];
	int		 rc = 503;

	if (set->schedd_address != NULL) {
		add_sinful(out, set->schedd_address);
		return 0;
	}
	if ((v = config_copy(set, "SCHEDD_HOST")) != NULL &&
	    strchr(v, ':') != NULL) {
		add_sinful(out, v);
		free(v);
		return 0;
	}
	name = v;	/* a SCHEDD_HOST without a port names the schedd */
	if (name == NULL)
		name = config_copy(set, "SCHEDD_NAME");
	if ((v = config_copy(set, "SCHEDD_DAEMON_AD_FILE")) != NULL &&
	    (rc = daemon_ad_address(v, out, err, errlen)) >= 0) {
		free(v);
		free(name);
		return rc;
	}
	rc = 503;
	free(v);
	if ((v = config_copy(set, "SCHEDD_ADDRESS_FILE")) != NULL &&
	    cedar_address_file_read(v, &line, e, sizeof(e)) == 0) {
		buf_adds(out, buf_str(&line));
		rc = 0;
	} else if (v != NULL)
		snprintf(err, errlen, "schedd address file: %s", e);
	else
		snprintf(err, errlen, "cannot locate the schedd: set "
		    "HTTP_API_SCHEDD_ADDRESS, SCHEDD_ADDRESS_FILE or "
		    "COLLECTOR_HOST");
	free(v);
	buf_free(&line);
	/* Not a local schedd: ask the collector for its ad. */
	if (rc != 0 && (v = config_copy(set, "COLLECTOR_HOST")) != NULL) {
		rc = collector_locate(set, token, v, name, out, err, errlen);
		free(v);
	}
	free(name);
	return rc;
}

/* The HTTP status the API answers when a stream fails with E: the
 * schedd client speaks in statuses, CEDAR does not know HTTP. */
static int
err_status(enum cedar_err e)
{
	switch (e) {
	case CEDAR_OK:
		return 200;
	case CEDAR_ERR_UNREACHABLE:
	case CEDAR_ERR_TIMEOUT:
		return 503;
	case CEDAR_ERR_TOKEN:
		return 401;
	case CEDAR_ERR_DENIED:
		return 403;
	case CEDAR_ERR_INTERNAL:
		return 500;
	case CEDAR_ERR_CLOSED:
	case CEDAR_ERR_PROTOCOL:
	case CEDAR_ERR_NO_SESSION:
	default:
		return 502;
	}
}

/* The HTTP status for a failed stream, with the stream's reason. */
static int
stream_status(struct cedar_stream *s, const char *what, char *err,
    size_t errlen)
{
	enum cedar_err e = cedar_status(s);

	snprintf(err, errlen, "%s: %s", what, cedar_error(s));
	return err_status(e == CEDAR_OK ? CEDAR_ERR_PROTOCOL : e);
}

/* The same inside a QMGMT transaction: a connection lost before the
 * commit aborted the transaction, so the request can simply be retried
 * (503), as the schedd's 20-second idle limit also does
 * (tests/conformance/cedar/client-error-qmgmt-drop-mid-transaction). */
static int
qmgmt_stream_status(struct cedar_stream *s, const char *what, char *err,
    size_t errlen)
{
	enum cedar_err e = cedar_status(s);

	snprintf(err, errlen, "%s: %s; nothing was changed", what,
	    cedar_error(s));
	return e == CEDAR_ERR_CLOSED || e == CEDAR_ERR_TIMEOUT ? 503 :
	    err_status(e == CEDAR_OK ? CEDAR_ERR_PROTOCOL : e);
}

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
		return err_status(e);
	}
	buf_free(&sinful);
	cedar_set_timeout(sd->stream, sd->timeout_ms);
	memset(&auth, 0, sizeof(auth));
	auth.command = cmd_number(command);
	auth.token = token;
	memset(&sess, 0, sizeof(sess));
	if ((e = cedar_client_handshake(sd->stream, &auth, &sess)) != CEDAR_OK) {
		rc = e == CEDAR_ERR_TOKEN ? 401 : err_status(e);
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

/* Send REQ as one message and free it.  0 or the status. */
static int
send_request(struct schedd *sd, struct classad *req, const char *what,
    char *err, size_t errlen)
{
	int rc = 0;

	if (cedar_put_classad(sd->stream, req) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		rc = stream_status(sd->stream, what, err, errlen);
	classad_free(req);
	return rc;
}

/* Receive one ad that is a whole message.  0 or the status. */
static int
recv_ad(struct schedd *sd, struct classad **ad, const char *what, char *err,
    size_t errlen)
{
	*ad = NULL;
	if (cedar_get_classad(sd->stream, ad) == 0 &&
	    cedar_recv_eom(sd->stream) == 0)
		return 0;
	classad_free(*ad);
	*ad = NULL;
	return stream_status(sd->stream, what, err, errlen);
}

/* The error a final ad reports (ErrorCode, ErrorString), if any: 0, or
 * BAD_REQUEST for the codes that mean the request was at fault, else 502
 * (503 for UNAVAILABLE ones). */
static int
final_ad_error(const struct classad *ad, int64_t bad_request,
    int64_t unavailable, char *err, size_t errlen)
{
	const char	*estr;
	int64_t		 code;

	if (classad_lookup_int(ad, "ErrorCode", &code) == -1 || code == 0)
		return 0;
	if (classad_lookup_string(ad, "ErrorString", &estr) == -1)
		estr = "no reason given";
	snprintf(err, errlen, "schedd: %s (error %lld)", estr,
	    (long long)code);
	return code == bad_request ? 400 : code == unavailable ? 503 : 502;
}

int
schedd_query_jobs(struct schedd *sd, const struct job_query *q,
    schedd_ad_fn fn, void *ctx, char *err, size_t errlen)
{
	struct classad	*req, *ad;
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
	if (rc != 0) {
		classad_free(req);
		return rc;
	}
	if ((rc = send_request(sd, req, "sending the query", err,
	    errlen)) != 0)
		return rc;
	for (;;) {
		/* EOF right after the request: the schedd could not use the
		 * constraint, as recorded in
		 * tests/conformance/cedar/client-error-query-bad-constraint */
		if ((rc = recv_ad(sd, &ad, "reading job ads", err,
		    errlen)) != 0)
			return rc;
		if (is_final_ad(ad))
			break;
		rc = fn(ctx, ad);
		classad_free(ad);
		if (rc == -1)
			return -1;
	}
	rc = final_ad_error(ad, 1, -1, err, errlen);
	classad_free(ad);
	return rc;
}

/* --- ACT_ON_JOBS ----------------------------------------------------------- */

int
schedd_act(struct schedd *sd, enum job_action action, const char *ids,
    const char *constraint, const char *reason, struct act_result *res,
    char *err, size_t errlen)
{
	static const char *const reason_attr[] = {
		NULL, "HoldReason", "ReleaseReason", "RemoveReason"
	};
	struct classad	*req, *ad = NULL;
	char		 name[32], e[256];
	int64_t		 v, ok;
	int		 rc = 0, i;

	memset(res, 0, sizeof(*res));
	if ((req = classad_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 503;
	}
	classad_insert_int(req, "JobAction", action);
	classad_insert_int(req, "ActionResultType", 2);
	if (ids != NULL)
		classad_insert_string(req, "ActionIds", ids);
	else if (classad_insert_expr(req, "ActionConstraint", constraint, e,
	    sizeof(e)) == -1) {
		snprintf(err, errlen, "constraint: %s", e);
		classad_free(req);
		return 400;
	}
	if (reason != NULL)
		classad_insert_string(req, reason_attr[action], reason);
	if ((rc = send_request(sd, req, "sending the action", err,
	    errlen)) != 0)
		return rc;
	/* A malformed request is answered with a lone int 0 (schedd.cpp,
	 * Scheduler::actOnJobs). */
	if (cedar_recv_message(sd->stream) == -1)
		return stream_status(sd->stream, "reading the action result",
		    err, errlen);
	if (cedar_get_classad(sd->stream, &ad) == -1 ||
	    cedar_recv_eom(sd->stream) == -1) {
		classad_free(ad);
		snprintf(err, errlen, "the schedd refused the action request");
		return 400;
	}
	/* The total is the jobs acted on: the sum of the per-code counts
	 * (the schedd's TotalJobAds counts something else, e.g. 2 for one
	 * job acted on by a queue superuser). */
	for (i = 0; i < 7; i++) {
		snprintf(name, sizeof(name), "result_total_%d", i);
		if (classad_lookup_int(ad, name, &v) == 0 && v > 0) {
			res->code[i] = v;
			res->total += v;
		}
	}
	ok = 0;
	classad_lookup_int(ad, "ActionResult", &ok);
	classad_free(ad);
	if (!ok)
		return 0;
	/* Confirm: "still here, commit"; the schedd answers int 1. */
	if (cedar_put_int(sd->stream, 1) == -1 ||
	    cedar_send_eom(sd->stream) == -1 ||
	    cedar_get_int(sd->stream, &v) == -1 ||
	    cedar_recv_eom(sd->stream) == -1)
		return stream_status(sd->stream, "confirming the action", err,
		    errlen);
	res->committed = v == 1;
	if (!res->committed) {
		snprintf(err, errlen, "the schedd did not commit the action");
		return 502;
	}
	return 0;
}

/* --- QMGMT -------------------------------------------------------------- */

#define QMGMT_NEW_CLUSTER		10002
#define QMGMT_NEW_PROC			10003
#define QMGMT_SET_ATTRIBUTE		10006
#define QMGMT_SET_ATTRIBUTE2		10027
#define QMGMT_NO_ACK			0x02
#define QMGMT_SET_ATTRIBUTE_BY_CONSTRAINT2 10032
#define QMGMT_COMMIT_TRANSACTION	10031
#define QMGMT_CLOSE_SOCKET		10028
#define QMGMT_ONLY_MY_JOBS		0x10

/* Read a standard reply: int rval, then errno when it is negative.  The
 * rest of the message (an error ad, a payload) is left for the caller. */
static int
qmgmt_reply(struct schedd *sd, int64_t *rval, int *errno_out, char *err,
    size_t errlen)
{
	int64_t e = 0;

	if (cedar_get_int(sd->stream, rval) == -1 ||
	    (*rval < 0 && cedar_get_int(sd->stream, &e) == -1))
		return qmgmt_stream_status(sd->stream, "reading the schedd's reply",
		    err, errlen);
	if (errno_out != NULL)
		*errno_out = (int)e;
	return 0;
}

/* Skip what remains of the current message (an optional error ad). */
static void
qmgmt_skip_rest(struct schedd *sd, char *reason, size_t reasonlen)
{
	struct classad	*ad = NULL;
	const char	*r;

	if (cedar_peek_eom(sd->stream) == 0 &&
	    cedar_get_classad(sd->stream, &ad) == 0 && reason != NULL &&
	    classad_lookup_string(ad, "ErrorReason", &r) == 0)
		snprintf(reason, reasonlen, "%s", r);
	classad_free(ad);
	cedar_recv_eom(sd->stream);
}

/* The status a QMGMT errno maps to. */
static int
errno_status(int e)
{
	switch (e) {
	case 13: case 1: return 403;	/* EACCES, EPERM */
	case 2: return 404;		/* ENOENT */
	case 22: return 400;		/* EINVAL */
	default: return 502;
	}
}

int
schedd_new_cluster(struct schedd *sd, int *cluster, char *err, size_t errlen)
{
	char	reason[256] = "";
	int64_t	rval;
	int	rc, e;

	if (cedar_put_int(sd->stream, QMGMT_NEW_CLUSTER) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return qmgmt_stream_status(sd->stream, "NewCluster", err, errlen);
	if ((rc = qmgmt_reply(sd, &rval, &e, err, errlen)) != 0)
		return rc;
	qmgmt_skip_rest(sd, reason, sizeof(reason));
	if (rval <= 0) {
		snprintf(err, errlen, "the schedd refused a new cluster "
		    "(%lld): %s", (long long)rval, reason[0] ? reason :
		    "no reason given");
		return rval == -5 || rval == -6 || rval == -7 ? 403 : 503;
	}
	*cluster = (int)rval;
	return 0;
}

int
schedd_new_proc(struct schedd *sd, int cluster, int *proc, char *err,
    size_t errlen)
{
	int64_t	rval;
	int	rc, e;

	if (cedar_put_int(sd->stream, QMGMT_NEW_PROC) == -1 ||
	    cedar_put_int(sd->stream, cluster) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return qmgmt_stream_status(sd->stream, "NewProc", err, errlen);
	if ((rc = qmgmt_reply(sd, &rval, &e, err, errlen)) != 0)
		return rc;
	qmgmt_skip_rest(sd, NULL, 0);
	if (rval < 0) {
		snprintf(err, errlen, "the schedd refused a new job in "
		    "cluster %d (errno %d)", cluster, e);
		return rval == -2 || rval == -3 || rval == -4 ? 403 : 400;
	}
	*proc = (int)rval;
	return 0;
}

int
schedd_set_attr(struct schedd *sd, int cluster, int proc, const char *name,
    const char *value, int *errno_out, char *err, size_t errlen)
{
	int64_t	rval;
	int	rc, e = 0;

	if (cedar_put_int(sd->stream, QMGMT_SET_ATTRIBUTE) == -1 ||
	    cedar_put_int(sd->stream, cluster) == -1 ||
	    cedar_put_int(sd->stream, proc) == -1 ||
	    cedar_put_string(sd->stream, value) == -1 ||
	    cedar_put_string(sd->stream, name) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return qmgmt_stream_status(sd->stream, "SetAttribute", err, errlen);
	if ((rc = qmgmt_reply(sd, &rval, &e, err, errlen)) != 0)
		return rc;
	qmgmt_skip_rest(sd, NULL, 0);
	if (errno_out != NULL)
		*errno_out = e;
	if (rval < 0) {
		snprintf(err, errlen, "the schedd refused to set %s of job "
		    "%d.%d (%s)", name, cluster, proc, e == 13 ?
		    "permission denied" : e == 2 ? "no such job" :
		    e == 22 ? "invalid value" : "error");
		return errno_status(e);
	}
	return 0;
}

int
schedd_set_attr_noack(struct schedd *sd, int cluster, int proc,
    const char *name, const char *value, char *err, size_t errlen)
{
	unsigned char flags = QMGMT_NO_ACK;

	if (cedar_put_int(sd->stream, QMGMT_SET_ATTRIBUTE2) == -1 ||
	    cedar_put_int(sd->stream, cluster) == -1 ||
	    cedar_put_int(sd->stream, proc) == -1 ||
	    cedar_put_string(sd->stream, value) == -1 ||
	    cedar_put_string(sd->stream, name) == -1 ||
	    cedar_put_bytes(sd->stream, &flags, 1) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return qmgmt_stream_status(sd->stream, "SetAttribute", err, errlen);
	return 0;
}

int
schedd_set_attr_constraint(struct schedd *sd, const char *constraint,
    const char *name, const char *value, int64_t *matched, int *errno_out,
    char *err, size_t errlen)
{
	unsigned char	flags = QMGMT_ONLY_MY_JOBS;
	int64_t		rval;
	int		rc, e = 0;

	*matched = 0;
	if (cedar_put_int(sd->stream, QMGMT_SET_ATTRIBUTE_BY_CONSTRAINT2) ==
	    -1 || cedar_put_string(sd->stream, constraint) == -1 ||
	    cedar_put_string(sd->stream, value) == -1 ||
	    cedar_put_string(sd->stream, name) == -1 ||
	    cedar_put_bytes(sd->stream, &flags, 1) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return qmgmt_stream_status(sd->stream, "SetAttributeByConstraint",
		    err, errlen);
	if ((rc = qmgmt_reply(sd, &rval, &e, err, errlen)) != 0)
		return rc;
	qmgmt_skip_rest(sd, NULL, 0);
	if (errno_out != NULL)
		*errno_out = e;
	if (rval < 0) {
		snprintf(err, errlen, "%s", e == 2 ? "no job of yours matched" :
		    e == 13 ? "permission denied" : e == 22 ?
		    "invalid value" : "refused");
		return errno_status(e);
	}
	*matched = rval;
	return 0;
}

int
schedd_commit(struct schedd *sd, char *err, size_t errlen)
{
	char	reason[512] = "";
	int64_t	rval;
	int	e;

	if (cedar_put_int(sd->stream, QMGMT_COMMIT_TRANSACTION) == -1 ||
	    cedar_put_int(sd->stream, 0) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return qmgmt_stream_status(sd->stream, "CommitTransaction", err,
		    errlen);
	if (qmgmt_reply(sd, &rval, &e, err, errlen) != 0) {
		/* The commit was sent: whether it happened is unknown. */
		snprintf(err, errlen, "the connection to the schedd broke "
		    "during the commit: the outcome is unknown");
		return 502;
	}
	qmgmt_skip_rest(sd, reason, sizeof(reason));
	if (rval < 0) {
		snprintf(err, errlen, "the schedd refused to commit: %s",
		    reason[0] ? reason : e == 13 ? "permission denied" :
		    "no reason given");
		return e == 13 ? 403 : 400;
	}
	return 0;
}

void
schedd_qmgmt_close(struct schedd *sd)
{
	if (cedar_put_int(sd->stream, QMGMT_CLOSE_SOCKET) == 0)
		cedar_send_eom(sd->stream);
}

/* --- QUERY_SCHEDD_HISTORY ------------------------------------------------ */

int
schedd_history(struct schedd *sd, const struct history_query *q,
    schedd_ad_fn fn, void *ctx, char *err, size_t errlen)
{
	struct classad	*req, *ad;
	int64_t		 owner;
	char		 e[256];
	int		 rc = 0, first = 1;

	if ((req = classad_new()) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 503;
	}
	if (q->constraint != NULL && classad_insert_expr(req, "Requirements",
	    q->constraint, e, sizeof(e)) == -1)
		rc = 400;
	if (rc == 0 && q->since != NULL && classad_insert_expr(req, "Since",
	    q->since, e, sizeof(e)) == -1)
		rc = 400;
	if (rc != 0) {
		snprintf(err, errlen, "%s", e);
		classad_free(req);
		return rc;
	}
	if (q->projection != NULL && *q->projection != '\0')
		classad_insert_string(req, "Projection", q->projection);
	classad_insert_int(req, "NumJobMatches", q->limit > 0 ? q->limit : -1);
	classad_insert_bool(req, "StreamResults", 1);
	if ((rc = send_request(sd, req, "sending the history query", err,
	    errlen)) != 0)
		return rc;
	for (;;) {
		if ((rc = recv_ad(sd, &ad, "reading history", err,
		    errlen)) != 0)
			return rc;
		/* Owner = 1 acknowledges streaming; Owner = 0 ends. */
		if (classad_lookup_int(ad, "Owner", &owner) == 0) {
			if (owner == 1 && first) {
				classad_free(ad);
				first = 0;
				continue;
			}
			break;
		}
		first = 0;
		rc = fn(ctx, ad);
		classad_free(ad);
		if (rc == -1)
			return -1;
	}
	rc = final_ad_error(ad, 6, 10, err, errlen);
	classad_free(ad);
	return rc;
}
