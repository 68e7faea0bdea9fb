/*
 * query.c — QUERY_JOB_ADS: job ads streamed to a callback.
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
	if ((rc = sd_send_request(sd, req, "sending the query", err,
	    errlen)) != 0)
		return rc;
	for (;;) {
		/* EOF right after the request: the schedd could not use the
		 * constraint, as recorded in
		 * tests/conformance/cedar/client-error-query-bad-constraint */
		if ((rc = sd_recv_ad(sd, &ad, "reading job ads", err,
		    errlen)) != 0)
			return rc;
		if (sd_is_final_ad(ad))
			break;
		rc = fn(ctx, ad);
		classad_free(ad);
		if (rc == -1)
			return -1;
	}
	rc = sd_final_ad_error(ad, 1, -1, err, errlen);
	classad_free(ad);
	return rc;
}
