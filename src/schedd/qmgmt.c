/*
 * qmgmt.c — the QMGMT transaction: new clusters and procs, attributes,
 * the commit.
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

#define QMGMT_NEW_CLUSTER		10002
#define QMGMT_NEW_PROC			10003
#define QMGMT_SET_ATTRIBUTE		10006
#define QMGMT_SET_ATTRIBUTE2		10027
#define QMGMT_NO_ACK			0x02
#define QMGMT_SET_ATTRIBUTE_BY_CONSTRAINT2 10032
#define QMGMT_COMMIT_TRANSACTION	10031
#define QMGMT_CLOSE_SOCKET		10028
#define QMGMT_GET_JOB_AD		10018
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
		return sd_qmgmt_stream_status(sd->stream, "reading the schedd's reply",
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
		return sd_qmgmt_stream_status(sd->stream, "NewCluster", err, errlen);
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

/* A sealed NewProc reply: header, IV (first packet only), rval and
 * errno, tag.  SCHEDD_QMGMT_WINDOW replies of this size must fit in the
 * stream's read-ahead buffer, which holds them while our own writes wait
 * for the schedd (cedar_send_eom). */
#define QMGMT_NEW_PROC_REPLY_MAX	(CEDAR_HDR_LEN + CEDAR_IV_LEN + 16 + \
					 CEDAR_TAG_LEN)
_Static_assert(QMGMT_NEW_PROC_REPLY_MAX <= 64 &&
    SCHEDD_QMGMT_WINDOW * 64 <= CEDAR_IO_BUF,
    "a window of NewProc replies must fit in the read-ahead buffer");

/* The limit a negative NewProc rval names (NEWJOB_ERR_*). */
static const char *
newjob_err_name(int64_t rval)
{
	switch (rval) {
	case -2: return "MAX_JOBS_SUBMITTED";
	case -3: return "MAX_JOBS_PER_OWNER";
	case -4: return "MAX_JOBS_PER_SUBMISSION";
	default: return NULL;
	}
}

void
schedd_procs_begin(struct schedd_procs *pp, int cluster)
{
	memset(pp, 0, sizeof(*pp));
	pp->cluster = cluster;
}

/* Read the oldest outstanding NewProc reply: it must be the next proc id.
 * A refusal names the proc and the limit; any other id is the schedd's
 * error, which the transaction must not commit. */
static int
procs_check_one(struct schedd *sd, struct schedd_procs *pp, char *err,
    size_t errlen)
{
	const char	*limit;
	int64_t		 rval;
	int		 rc, e = 0;

	if ((rc = qmgmt_reply(sd, &rval, &e, err, errlen)) != 0)
		return rc;
	qmgmt_skip_rest(sd, NULL, 0);
	if (rval < 0) {
		limit = newjob_err_name(rval);
		snprintf(err, errlen, "the schedd refused job %d.%d (%s%s%d)",
		    pp->cluster, pp->checked, limit != NULL ? limit : "",
		    limit != NULL ? " reached, errno " : "errno ", e);
		return limit != NULL ? 403 : 400;
	}
	if (rval != pp->checked) {
		snprintf(err, errlen, "the schedd gave proc %lld where %d was "
		    "expected", (long long)rval, pp->checked);
		return 502;
	}
	pp->checked++;
	return 0;
}

/* Check the replies that need no wait; wait for one only when the
 * window is full.  NoAck attributes have no replies, so those read here
 * are all NewProc's, in order. */
int
schedd_procs_send(struct schedd *sd, struct schedd_procs *pp, char *err,
    size_t errlen)
{
	int	rc;

	while (pp->checked < pp->sent &&
	    (pp->sent - pp->checked >= (int)SCHEDD_QMGMT_WINDOW ||
	    cedar_message_ready(sd->stream) == 1))
		if ((rc = procs_check_one(sd, pp, err, errlen)) != 0)
			return rc;
	if (cedar_put_int(sd->stream, QMGMT_NEW_PROC) == -1 ||
	    cedar_put_int(sd->stream, pp->cluster) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return sd_qmgmt_stream_status(sd->stream, "NewProc", err,
		    errlen);
	pp->sent++;
	return 0;
}

int
schedd_procs_end(struct schedd *sd, struct schedd_procs *pp, char *err,
    size_t errlen)
{
	int	rc;

	while (pp->checked < pp->sent)
		if ((rc = procs_check_one(sd, pp, err, errlen)) != 0)
			return rc;
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
		return sd_qmgmt_stream_status(sd->stream, "SetAttribute", err, errlen);
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
		return sd_qmgmt_stream_status(sd->stream, "SetAttribute", err, errlen);
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
		return sd_qmgmt_stream_status(sd->stream, "SetAttributeByConstraint",
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
		return sd_qmgmt_stream_status(sd->stream, "CommitTransaction", err,
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

int
schedd_get_job_ad(struct schedd *sd, int cluster, int proc,
    struct classad **ad, char *err, size_t errlen)
{
	int64_t	rval;
	int	rc, e;

	*ad = NULL;
	if (cedar_put_int(sd->stream, QMGMT_GET_JOB_AD) == -1 ||
	    cedar_put_int(sd->stream, cluster) == -1 ||
	    cedar_put_int(sd->stream, proc) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		return sd_qmgmt_stream_status(sd->stream, "GetJobAd", err,
		    errlen);
	if ((rc = qmgmt_reply(sd, &rval, &e, err, errlen)) != 0)
		return rc;
	if (rval < 0) {
		qmgmt_skip_rest(sd, NULL, 0);
		snprintf(err, errlen, "job %d.%d not found", cluster, proc);
		/* A job that does not exist is errno 0 (§13 row 15). */
		return e == 0 ? 404 : errno_status(e);
	}
	if (cedar_get_classad(sd->stream, ad) == -1 ||
	    cedar_recv_eom(sd->stream) == -1) {
		classad_free(*ad);
		*ad = NULL;
		return sd_qmgmt_stream_status(sd->stream, "GetJobAd", err,
		    errlen);
	}
	/* GetJobAd adds the owner's OsUser to its copy of the ad; the
	 * queue keeps none in a job's ad (qmgmt.cpp deletes it at load),
	 * so QUERY_JOB_ADS and condor_q show none. */
	(void)classad_delete(*ad, "OsUser");
	return 0;
}

void
schedd_qmgmt_close(struct schedd *sd)
{
	if (cedar_put_int(sd->stream, QMGMT_CLOSE_SOCKET) == 0)
		cedar_send_eom(sd->stream);
}
