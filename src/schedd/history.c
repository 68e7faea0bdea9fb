/*
 * history.c — QUERY_SCHEDD_HISTORY: history ads, newest first.
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
	if ((rc = sd_send_request(sd, req, "sending the history query", err,
	    errlen)) != 0)
		return rc;
	for (;;) {
		if ((rc = sd_recv_ad(sd, &ad, "reading history", err,
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
	rc = sd_final_ad_error(ad, 6, 10, err, errlen);
	classad_free(ad);
	return rc;
}
