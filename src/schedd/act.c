/*
 * act.c — ACT_ON_JOBS: remove, hold and release by ids or constraint.
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
	if ((rc = sd_send_request(sd, req, "sending the action", err,
	    errlen)) != 0)
		return rc;
	/* A malformed request is answered with a lone int 0 (schedd.cpp,
	 * Scheduler::actOnJobs). */
	if (cedar_recv_message(sd->stream) == -1)
		return sd_stream_status(sd->stream, "reading the action result",
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
		return sd_stream_status(sd->stream, "confirming the action", err,
		    errlen);
	res->committed = v == 1;
	if (!res->committed) {
		snprintf(err, errlen, "the schedd did not commit the action");
		return 502;
	}
	return 0;
}
