/*
 * actions.c — remove, hold and release: one job or a cluster
 * (DELETE /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/hold|release) and by
 * constraint (DELETE /api/v1/jobs, POST /api/v1/jobs/hold|release).
 * Each is one ACT_ON_JOBS with the schedd's two-step confirm; the schedd
 * decides, with the caller's own identity, what the caller may do.
 */
#include <stdio.h>
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/handler.h"
#include "util/buf.h"
#include "classad/classad.h"
#include "http/http.h"
#include "http/json.h"
#include "schedd/schedd.h"

/* The schedd's counts as the answer's "results" object. */
static void
add_results(struct buf *b, const struct act_result *r)
{
	buf_addf(b, "\"results\": {\"total\": %lld, \"success\": %lld, "
	    "\"not_found\": %lld, \"permission_denied\": %lld, "
	    "\"bad_status\": %lld, \"already_done\": %lld, \"error\": %lld}",
	    (long long)r->total, (long long)r->code[1], (long long)r->code[2],
	    (long long)r->code[5], (long long)r->code[3],
	    (long long)r->code[4], (long long)(r->code[0] + r->code[6]));
}

/* The past participle of each job_action, for messages. */
static const char *const verb[] = { NULL, "held", "released", "removed" };

/* The answer's "message": a sentence for people, as the reference
 * server gave, e.g. "job 1.2 held" or "7 of 9 jobs of cluster 3 held". */
static void
add_message(struct buf *b, enum job_action a, const char *what,
    const struct act_result *r)
{
	struct buf m = BUF_INIT;

	if (r->total == 1 && r->code[1] == 1)
		buf_addf(&m, "%s %s", what, verb[a]);
	else
		buf_addf(&m, "%lld of %lld %s %s", (long long)r->code[1],
		    (long long)r->total, what, verb[a]);
	buf_adds(b, "\"message\": ");
	json_add_string(b, buf_str(&m));
	buf_adds(b, ", ");
	buf_free(&m);
}

/* Which action a route means, from its path. */
static enum job_action
route_action(struct api_ctx *ctx)
{
	const char *p = ctx->x->req.path;
	size_t n = strlen(p);

	if (strcmp(ctx->x->req.method, "DELETE") == 0)
		return JOB_REMOVE;
	return n >= 5 && strcmp(p + n - 5, "/hold") == 0 ? JOB_HOLD :
	    JOB_RELEASE;
}

/* Open ACT_ON_JOBS and run the action.  0 with RES, or a status. */
static int
act(struct api_ctx *ctx, struct api_call *c, enum job_action a,
    const char *ids, const char *constraint, const char *reason,
    struct act_result *res)
{
	struct schedd	sd;
	int		rc;

	if ((rc = api_call_open(ctx, c, SCHEDD_CMD_ACT, &sd, API_LAST)) != 0)
		return rc;
	rc = schedd_act(&sd, a, ids, constraint, reason, res, ctx->msg,
	    sizeof(ctx->msg));
	schedd_close(&sd);
	return rc;
}

/* The optional "reason" of a body. */
static int
body_reason(struct api_ctx *ctx, const cJSON *body, const char **reason)
{
	int rc;

	if ((rc = api_json_string(ctx, body, "reason", reason)) != 0)
		return rc;
	if (*reason != NULL && strlen(*reason) > 1024) {
		snprintf(ctx->msg, sizeof(ctx->msg), "reason is too long");
		return 400;
	}
	return 0;
}

/* DELETE /api/v1/jobs/{id}, POST /api/v1/jobs/{id}/hold|release. */
int
api_job_action(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct act_result	 res;
	struct buf		 b = BUF_INIT, c = BUF_INIT;
	const char		*reason;
	char			 id[32], what[48];
	enum job_action		 a = route_action(ctx);
	int			 rc;

	if ((rc = api_call_begin(ctx, &call, API_BODY_JSON_OPTIONAL)) != 0 ||
	    (rc = body_reason(ctx, call.body, &reason)) != 0)
		goto out;
	if (ctx->job.proc >= 0) {
		snprintf(id, sizeof(id), "%d.%d", ctx->job.cluster,
		    ctx->job.proc);
		rc = act(ctx, &call, a, id, NULL, reason, &res);
	} else {
		snprintf(id, sizeof(id), "%d", ctx->job.cluster);
		buf_addf(&c, "ClusterId == %d", ctx->job.cluster);
		rc = act(ctx, &call, a, NULL, buf_str(&c), reason, &res);
	}
	if (rc != 0)
		goto out;
	/* One job: the schedd's verdict is the status. */
	if (res.total == 0 || (ctx->job.proc >= 0 && res.code[2] > 0)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "job %s not found", id);
		rc = 404;
	} else if (ctx->job.proc >= 0 && res.code[5] > 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the schedd does not "
		    "allow you to change job %s", id);
		rc = 403;
	} else if (ctx->job.proc >= 0 && (res.code[3] > 0 ||
	    res.code[4] > 0)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "job %s cannot be %s in "
		    "its current state", id, verb[a]);
		rc = 409;
	} else {
		snprintf(what, sizeof(what), ctx->job.proc >= 0 ? "job %s" :
		    "jobs of cluster %s", id);
		buf_adds(&b, "{");
		add_message(&b, a, what, &res);
		buf_adds(&b, "\"job_id\": ");
		json_add_string(&b, id);
		buf_adds(&b, ", ");
		add_results(&b, &res);
		buf_adds(&b, "}\n");
		http_respond(ctx->x, 200, "application/json", b.data, b.len,
		    NULL);
	}
out:
	api_call_end(&call);
	buf_free(&b);
	buf_free(&c);
	return rc;
}

/* DELETE /api/v1/jobs, POST /api/v1/jobs/hold|release with
 * {"constraint", "reason", "mine"}. */
int
api_jobs_bulk_action(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct act_result	 res;
	struct buf		 b = BUF_INIT, c = BUF_INIT;
	const char		*reason;
	int			 rc;

	if ((rc = api_call_begin(ctx, &call, API_BODY_JSON)) != 0 ||
	    (rc = api_body_constraint(ctx, call.body, &call.token, &c)) != 0 ||
	    (rc = body_reason(ctx, call.body, &reason)) != 0)
		goto out;
	if ((rc = act(ctx, &call, route_action(ctx), NULL, buf_str(&c),
	    reason, &res)) != 0)
		goto out;
	if (res.total == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "no job matched the "
		    "constraint");
		rc = 404;
		goto out;
	}
	buf_adds(&b, "{");
	add_message(&b, route_action(ctx), "matching jobs", &res);
	buf_adds(&b, "\"constraint\": ");
	json_add_string(&b, buf_str(&c));
	buf_adds(&b, ", ");
	add_results(&b, &res);
	buf_adds(&b, "}\n");
	http_respond(ctx->x, 200, "application/json", b.data, b.len, NULL);
out:
	api_call_end(&call);
	buf_free(&b);
	buf_free(&c);
	return rc;
}
