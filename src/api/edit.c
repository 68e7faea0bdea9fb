/*
 * edit.c — editing job attributes: PATCH /api/v1/jobs/{id} and, by
 * constraint, PATCH /api/v1/jobs.  Values arrive as JSON and are turned
 * into ClassAd expressions here, validated before anything is sent: the
 * schedd silently ignores a value it cannot parse.  Each request is one
 * QMGMT transaction: all of it commits, or none of it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/handler.h"
#include "util/buf.h"
#include "util/bounds.h"
#include "classad/classad.h"
#include "http/http.h"
#include "http/json.h"
#include "schedd/schedd.h"

/* One attribute to set: its name and old-syntax value. */
struct edit {
	const char	*name;
	struct buf	 value;
	int		 string;	/* sent as a JSON string */
};

struct edits {
	struct edit	 e[EDIT_MAX_ATTRS];
	size_t		 n;
};

/* Attributes whose value the schedd and the negotiator use as a number
 * or an expression: a ClassAd string there makes the job unmatchable or
 * its policy never fire, so a JSON string for one is refused. */
static int
numeric_attr(const char *name)
{
	static const char *const prefix[] = { "Request", "Periodic",
		"OnExit" };
	static const char *const exact[] = { "JobPrio", "Requirements",
		"Rank", "MaxJobRetirementTime", "JobLeaseDuration" };
	size_t i;

	for (i = 0; i < sizeof(prefix) / sizeof(prefix[0]); i++)
		if (strncasecmp(name, prefix[i], strlen(prefix[i])) == 0)
			return 1;
	for (i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
		if (strcasecmp(name, exact[i]) == 0)
			return 1;
	return 0;
}

/* The refusal of a JSON string for NAME, which must be a number or an
 * expression (the reference server's later clients send "256"). */
static int
string_refused(struct api_ctx *ctx, const char *name, const char *why)
{
	snprintf(ctx->msg, sizeof(ctx->msg), "%s: %s, so a JSON string would "
	    "be stored as a ClassAd string; send a number (256, not "
	    "\"256\") or {\"expr\": \"<ClassAd expression>\"}", name, why);
	return 400;
}

/* JSON value V of attribute NAME as ClassAd text in OUT: string, number
 * (integral -> integer, else real; integers beyond 2^53 are refused),
 * bool, null -> undefined, {"expr": "..."} -> the parsed expression.
 * 0, or 400 with the message. */
static int
json_to_classad(struct api_ctx *ctx, const char *name, const cJSON *v,
    struct buf *out)
{
	struct classad_expr	*e = NULL;
	const cJSON		*x;
	char			 err[256];
	double			 d;

	if (cJSON_IsString(v) && numeric_attr(name))
		return string_refused(ctx, name, "its value is a number or "
		    "an expression");
	if (cJSON_IsString(v))
		e = classad_expr_string(v->valuestring,
		    strlen(v->valuestring));
	else if (cJSON_IsBool(v))
		e = classad_expr_bool(cJSON_IsTrue(v));
	else if (cJSON_IsNull(v))
		e = classad_expr_undefined();
	else if (cJSON_IsNumber(v)) {
		/* No libm here: the request path links none. */
		d = v->valuedouble;
		if (d != d || d > 1e300 || d < -1e300)
			goto bad;
		/* From 2^53 on, JSON numbers reach us rounded (2^53 + 1
		 * arrives as 2^53): refuse them all. */
		if (d >= 9007199254740992.0 || d <= -9007199254740992.0) {
			snprintf(ctx->msg, sizeof(ctx->msg), "%s: number too "
			    "large for JSON to carry exactly; write it as "
			    "{\"expr\": \"<digits>\"}", name);
			return 400;
		}
		e = d == (double)(int64_t)d ? classad_expr_int((int64_t)d) :
		    classad_expr_real(d);
	} else if (cJSON_IsObject(v) && cJSON_GetArraySize(v) == 1 &&
	    (x = cJSON_GetObjectItemCaseSensitive(v, "expr")) != NULL &&
	    cJSON_IsString(x)) {
		if (classad_parse_expr(x->valuestring, CLASSAD_OLD_SYNTAX, &e,
		    err, sizeof(err)) == -1) {
			snprintf(ctx->msg, sizeof(ctx->msg), "%s: expression "
			    "does not parse: %s", name, err);
			return 400;
		}
	} else
		goto bad;
	if (e == NULL || classad_unparse_old(e, out) == -1) {
		classad_expr_free(e);
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		return 503;
	}
	classad_expr_free(e);
	return 0;
bad:
	snprintf(ctx->msg, sizeof(ctx->msg), "%s: a value must be a string, "
	    "number, boolean, null or {\"expr\": \"<ClassAd expression>\"}",
	    name);
	return 400;
}

/* Attributes only the schedd may set (SYSTEM_SECURE_JOB_ATTRS): it answers
 * success to an edit of one and ignores it
 * (tests/conformance/cedar/client-error-setattr-immutable), so we refuse
 * them rather than report an edit that did not happen. */
static int
secure_attr(const char *name)
{
	return strncasecmp(name, "x509UserProxy", 13) == 0 ||
	    strncasecmp(name, "AuthToken", 9) == 0 ||
	    strcasecmp(name, "TotalSubmitProcs") == 0 ||
	    strcasecmp(name, "OsUser") == 0;
}

/* The "attributes" object of BODY, validated into ED.  With FLAT, a
 * body without "attributes" is itself the object of name: value, the
 * form the reference server's first clients send ({"JobPrio": 10}). */
static int
parse_edits(struct api_ctx *ctx, const cJSON *body, int flat,
    struct edits *ed)
{
	const cJSON	*attrs, *a;
	int		 rc;

	ed->n = 0;
	attrs = cJSON_GetObjectItemCaseSensitive(body, "attributes");
	if (attrs == NULL && flat)
		attrs = body;
	if (!cJSON_IsObject(attrs) || cJSON_GetArraySize(attrs) == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"attributes\" must be a "
		    "non-empty object of name: value");
		return 400;
	}
	cJSON_ArrayForEach(a, attrs) {
		if (ed->n == EDIT_MAX_ATTRS) {
			snprintf(ctx->msg, sizeof(ctx->msg), "at most %d "
			    "attributes per request", EDIT_MAX_ATTRS);
			return 400;
		}
		if (!valid_attr_name(a->string, strlen(a->string))) {
			snprintf(ctx->msg, sizeof(ctx->msg), "\"%.64s\" is not "
			    "an attribute name", a->string);
			return 400;
		}
		if (secure_attr(a->string)) {
			snprintf(ctx->msg, sizeof(ctx->msg), "%s is set by the "
			    "schedd only", a->string);
			return 403;
		}
		ed->e[ed->n].name = a->string;
		ed->e[ed->n].string = cJSON_IsString(a);
		memset(&ed->e[ed->n].value, 0, sizeof(struct buf));
		ed->n++;
		if ((rc = json_to_classad(ctx, a->string, a,
		    &ed->e[ed->n - 1].value)) != 0)
			return rc;
	}
	return 0;
}

static void
edits_free(struct edits *ed)
{
	size_t i;

	for (i = 0; i < ed->n; i++)
		buf_free(&ed->e[i].value);
	ed->n = 0;
}

/* What the check of string edits against the jobs found. */
struct string_check {
	struct api_ctx		*ctx;
	const struct edits	*ed;
	int			 refused;	/* 400 written to ctx->msg */
};

/* schedd_ad_fn: refuse a string edit of an attribute the job holds as
 * something other than a string (or undefined). */
static int
check_job_strings(void *arg, const struct classad *ad)
{
	struct string_check		*sc = arg;
	const struct classad_expr	*cur;
	enum classad_type		 t;
	size_t				 i;

	for (i = 0; i < sc->ed->n && !sc->refused; i++) {
		if (!sc->ed->e[i].string ||
		    (cur = classad_lookup(ad, sc->ed->e[i].name)) == NULL)
			continue;
		t = classad_expr_type(cur);
		if (t != CLASSAD_STRING && t != CLASSAD_UNDEFINED) {
			string_refused(sc->ctx, sc->ed->e[i].name, "the job's "
			    "value of it is not a string");
			sc->refused = 1;
		}
	}
	return 0;
}

/* Before editing the jobs of CONSTRAINT: a JSON string for an attribute
 * a job holds as a number or an expression is 400, as for the
 * attributes numeric_attr names.  One query of those attributes, only
 * when some value is a string.  0, 400 or the query's status. */
static int
check_string_edits(struct api_ctx *ctx, struct api_call *call,
    const struct edits *ed, const char *constraint)
{
	struct string_check	 sc = { ctx, ed, 0 };
	struct job_query	 q;
	struct schedd		 sd;
	struct buf		 proj = BUF_INIT;
	size_t			 i;
	int			 rc;

	for (i = 0; i < ed->n; i++)
		if (ed->e[i].string)
			buf_addf(&proj, "%s%s", proj.len ? " " : "",
			    ed->e[i].name);
	if (proj.len == 0)
		return 0;
	memset(&q, 0, sizeof(q));
	q.constraint = constraint;
	q.projection = buf_str(&proj);
	if ((rc = api_call_open(ctx, call, SCHEDD_CMD_QUERY_JOBS, &sd,
	    0)) == 0) {
		rc = schedd_query_jobs(&sd, &q, check_job_strings, &sc,
		    ctx->msg, sizeof(ctx->msg));
		schedd_close(&sd);
	}
	buf_free(&proj);
	if (rc == -1)
		rc = 502;
	return rc != 0 ? rc : sc.refused ? 400 : 0;
}

/* PATCH /api/v1/jobs/{id} with {"attributes": {...}} or the flat
 * {...}.  A cluster id edits every job of the cluster the caller owns. */
int
api_job_edit(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct schedd		 sd;
	struct edits		 ed;
	struct buf		 b = BUF_INIT, c = BUF_INIT;
	int64_t			 matched;
	size_t			 i;
	char			 id[32];
	int			 rc, open = 0;

	ed.n = 0;
	if (ctx->job.proc >= 0) {
		snprintf(id, sizeof(id), "%d.%d", ctx->job.cluster,
		    ctx->job.proc);
		buf_addf(&c, "ClusterId == %d && ProcId == %d",
		    ctx->job.cluster, ctx->job.proc);
	} else {
		snprintf(id, sizeof(id), "%d", ctx->job.cluster);
		buf_addf(&c, "ClusterId == %d", ctx->job.cluster);
	}
	if ((rc = api_call_begin(ctx, &call, API_BODY_JSON)) != 0 ||
	    (rc = parse_edits(ctx, call.body, 1, &ed)) != 0 ||
	    (rc = check_string_edits(ctx, &call, &ed, buf_str(&c))) != 0 ||
	    (rc = api_call_open(ctx, &call, SCHEDD_CMD_QMGMT, &sd,
	    API_LAST)) != 0)
		goto out;
	open = 1;
	for (i = 0; i < ed.n; i++) {
		if (ctx->job.proc >= 0)
			rc = schedd_set_attr(&sd, ctx->job.cluster,
			    ctx->job.proc, ed.e[i].name,
			    buf_str(&ed.e[i].value), NULL, ctx->msg,
			    sizeof(ctx->msg));
		else
			rc = schedd_set_attr_constraint(&sd, buf_str(&c),
			    ed.e[i].name, buf_str(&ed.e[i].value), &matched,
			    NULL, ctx->msg, sizeof(ctx->msg));
		if (rc == 404)
			snprintf(ctx->msg, sizeof(ctx->msg), "job %s not found",
			    id);
		else if (rc == 403)
			snprintf(ctx->msg, sizeof(ctx->msg), "the schedd does "
			    "not allow you to set %s of job %s", ed.e[i].name,
			    id);
		if (rc != 0)
			goto out;
	}
	if ((rc = schedd_commit(&sd, ctx->msg, sizeof(ctx->msg))) != 0)
		goto out;
	buf_addf(&b, "{\"message\": \"%s %s: %zu attribute%s set\", "
	    "\"job_id\": ", ctx->job.proc >= 0 ? "job" : "jobs of cluster",
	    id, ed.n, ed.n == 1 ? "" : "s");
	json_add_string(&b, id);
	buf_adds(&b, ", \"edited\": [");
	for (i = 0; i < ed.n; i++) {
		if (i > 0)
			buf_adds(&b, ", ");
		json_add_string(&b, ed.e[i].name);
	}
	buf_adds(&b, "]}\n");
	http_respond(ctx->x, 200, "application/json", b.data, b.len, NULL);
out:
	if (open) {
		schedd_qmgmt_close(&sd);
		schedd_close(&sd);
	}
	api_call_end(&call);
	edits_free(&ed);
	buf_free(&b);
	buf_free(&c);
	return rc;
}

/* Bulk edit state: each matching job from the query is edited on the
 * QMGMT connection as it arrives, so memory does not grow with the
 * number of jobs. */
struct bulk {
	struct api_ctx	*ctx;
	struct schedd	*qm;
	struct edits	*ed;
	int64_t		 matched, edited;
	struct buf	 failed;	/* JSON objects, comma separated */
	size_t		 nfailed;
	int		 fatal;		/* the QMGMT stream broke */
};

static int
bulk_edit_job(void *arg, const struct classad *ad)
{
	struct bulk	*bk = arg;
	int64_t		 c, p;
	size_t		 i;
	char		 err[256];
	int		 rc, e, ok = 1;

	if (classad_lookup_int(ad, "ClusterId", &c) == -1 ||
	    classad_lookup_int(ad, "ProcId", &p) == -1)
		return 0;
	bk->matched++;
	for (i = 0; i < bk->ed->n; i++) {
		e = 0;
		rc = schedd_set_attr(bk->qm, (int)c, (int)p,
		    bk->ed->e[i].name, buf_str(&bk->ed->e[i].value), &e, err,
		    sizeof(err));
		if (rc == 0)
			continue;
		ok = 0;
		if (e == 0) {		/* not a refusal: the stream broke */
			snprintf(bk->ctx->msg, sizeof(bk->ctx->msg), "%s", err);
			bk->fatal = rc;
			return -1;
		}
		if (bk->nfailed++ < EDIT_MAX_FAILED) {
			if (bk->failed.len > 0)
				buf_adds(&bk->failed, ", ");
			buf_addf(&bk->failed, "{\"job_id\": \"%lld.%lld\", "
			    "\"attribute\": ", (long long)c, (long long)p);
			json_add_string(&bk->failed, bk->ed->e[i].name);
			buf_adds(&bk->failed, ", \"reason\": ");
			json_add_string(&bk->failed, e == 13 ?
			    "permission denied" : e == 2 ? "no such job" :
			    e == 22 ? "invalid value" : "refused");
			buf_adds(&bk->failed, "}");
		}
	}
	bk->edited += ok;
	return 0;
}

/* PATCH /api/v1/jobs with {"constraint", "attributes", "mine"}. */
int
api_jobs_bulk_edit(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct schedd		 qm, rd;
	struct edits		 ed;
	struct bulk		 bk;
	struct job_query	 q;
	struct buf		 b = BUF_INIT, c = BUF_INIT;
	int			 rc, qm_open = 0;

	ed.n = 0;
	memset(&bk, 0, sizeof(bk));
	if ((rc = api_call_begin(ctx, &call, API_BODY_JSON)) != 0 ||
	    (rc = api_body_constraint(ctx, call.body, &call.token, &c)) != 0 ||
	    (rc = parse_edits(ctx, call.body, 0, &ed)) != 0 ||
	    (rc = check_string_edits(ctx, &call, &ed, buf_str(&c))) != 0)
		goto out;
	/* Both connections are opened before the token is wiped. */
	if ((rc = api_call_open(ctx, &call, SCHEDD_CMD_QMGMT, &qm, 0)) != 0)
		goto out;
	qm_open = 1;
	if ((rc = api_call_open(ctx, &call, SCHEDD_CMD_QUERY_JOBS, &rd,
	    API_LAST)) != 0)
		goto out;
	memset(&q, 0, sizeof(q));
	q.constraint = buf_str(&c);
	q.projection = "ClusterId ProcId";
	bk.ctx = ctx;
	bk.qm = &qm;
	bk.ed = &ed;
	rc = schedd_query_jobs(&rd, &q, bulk_edit_job, &bk, ctx->msg,
	    sizeof(ctx->msg));
	schedd_close(&rd);
	if (rc == -1)
		rc = bk.fatal ? bk.fatal : 502;
	if (rc != 0)
		goto out;
	if (bk.matched == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "no job matched the "
		    "constraint");
		rc = 404;
		goto out;
	}
	if (bk.edited > 0 &&
	    (rc = schedd_commit(&qm, ctx->msg, sizeof(ctx->msg))) != 0)
		goto out;
	buf_addf(&b, "{\"message\": \"%lld of %lld matching jobs edited\", "
	    "\"constraint\": ", (long long)bk.edited, (long long)bk.matched);
	json_add_string(&b, buf_str(&c));
	buf_addf(&b, ", \"matched\": %lld, \"edited\": %lld, \"failed\": [%s]",
	    (long long)bk.matched, (long long)bk.edited, buf_str(&bk.failed));
	if (bk.nfailed > EDIT_MAX_FAILED)
		buf_addf(&b, ", \"failed_total\": %zu", bk.nfailed);
	buf_adds(&b, "}\n");
	http_respond(ctx->x, 200, "application/json", b.data, b.len, NULL);
out:
	if (qm_open) {
		schedd_qmgmt_close(&qm);
		schedd_close(&qm);
	}
	api_call_end(&call);
	edits_free(&ed);
	buf_free(&b);
	buf_free(&c);
	buf_free(&bk.failed);
	return rc;
}
