/*
 * jobs.c — reading jobs: GET /api/v1/jobs, /api/v1/jobs/{id} and
 * /api/v1/whoami.
 *
 * Job lists are streamed: each ad is converted to JSON and written as it
 * arrives, so memory does not grow with the queue.  A page of LIMIT jobs
 * is the first LIMIT matching jobs in (ClusterId, ProcId) order after the
 * page token.  The schedd returns jobs in no particular order and its
 * LimitResults keeps whichever it meets first, so a page takes two
 * queries: the ids alone, keeping the LIMIT+1 smallest (memory bounded by
 * LIMIT), then the ads of the id range that holds exactly the page.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "api/handler.h"
#include "util/buf.h"
#include "classad/classad.h"
#include "http/http.h"
#include "http/json.h"
#include "api/route.h"
#include "schedd/schedd.h"

/* The validated query parameters of a job listing. */
struct list_params {
	struct buf	constraint;	/* old syntax, re-serialized */
	int		mine;		/* only the caller's jobs */
	struct buf	projection;	/* wire form: names and blanks */
	long long	limit;		/* 0 = all (limit=*) */
	struct job_id	after;		/* page token; cluster -1 = none */
};

/* Streaming state: the head goes out with the first job, so a failure
 * before any job is still a clean error answer. */
struct list_out {
	struct api_ctx	*ctx;
	int		 single;	/* one job: an object, not a list */
	long long	 count;
	int		 failed;
	/* The projection again: the schedd also sends the attributes that
	 * projected expressions refer to, which condor_q leaves out. */
	struct classad_json_opts opts;
	char		*names;		/* the projection, split in place */
	const char	**namev;	/* pointers into names: opts' list */
};

/* Split the wire projection "A B C" into O's name list.  0 or -1. */
static int
out_projection(struct list_out *o, const struct buf *proj)
{
	const char	**v;
	char		 *p;
	size_t		  n = 1;

	if (proj->len == 0)
		return 0;
	for (p = proj->data; *p != '\0'; p++)
		n += *p == ' ';
	if ((o->names = strdup(proj->data)) == NULL ||
	    (v = calloc(n, sizeof(*v))) == NULL)
		return -1;
	n = 0;
	for (p = strtok(o->names, " "); p != NULL; p = strtok(NULL, " "))
		v[n++] = p;
	o->namev = v;
	o->opts.projection = v;
	o->opts.nprojection = n;
	return 0;
}

static void
out_free(struct list_out *o)
{
	free(o->namev);
	free(o->names);
}

static int
write_http(void *ctx, const void *p, size_t n)
{
	struct api_ctx *a = ctx;

	return http_stream_write(a->x, p, n);
}

/* Start the answer if it has not started. */
static int
out_begin(struct list_out *o)
{
	if (o->ctx->x->status != 0)
		return 0;
	if (http_stream_begin(o->ctx->x, 200, "application/json", NULL) == -1)
		return -1;
	return o->single ? 0 : write_http(o->ctx, "{\"jobs\": [", 10);
}

/* schedd_ad_fn: convert one job ad and send it. */
static int
out_ad(void *arg, const struct classad *ad)
{
	struct list_out *o = arg;

	if (out_begin(o) == -1 ||
	    (o->count > 0 && write_http(o->ctx, ",\n", 2) == -1) ||
	    classad_json_write_ad(ad, o->opts.projection ? &o->opts : NULL,
	    write_http, o->ctx) == -1) {
		o->failed = 1;
		snprintf(o->ctx->msg, sizeof(o->ctx->msg), "client went away");
		return -1;
	}
	o->count++;
	return 0;
}

/* Finish a list: counts and the next page token. */
static int
out_end_list(struct list_out *o, int has_more, const struct job_id *last)
{
	struct buf	b = BUF_INIT;
	int		rc;

	if (out_begin(o) == -1)
		return -1;
	buf_addf(&b, "], \"total_returned\": %lld, \"has_more\": %s",
	    o->count, has_more ? "true" : "false");
	if (has_more) {
		buf_adds(&b, ", \"next_page_token\": \"");
		page_token_encode(last, &b);
		buf_adds(&b, "\"");
	}
	buf_adds(&b, "}\n");
	rc = write_http(o->ctx, b.data, b.len);
	buf_free(&b);
	return rc == -1 ? -1 : http_stream_end(o->ctx->x);
}

/* `mine` and its alias `owned_by_me` (the reference server's name) into
 * *MINE, which keeps its default when neither is given; both given must
 * agree.  0 or 400. */
static int
param_mine(struct api_ctx *ctx, const char *q, int *mine)
{
	int	mine_v = -1, alias = -1, rc;

	if ((rc = param_bool(ctx, q, "mine", &mine_v)) != 0 ||
	    (rc = param_bool(ctx, q, "owned_by_me", &alias)) != 0)
		return rc;
	if (mine_v != -1 && alias != -1 && mine_v != alias) {
		snprintf(ctx->msg, sizeof(ctx->msg), "mine and owned_by_me "
		    "disagree");
		return 400;
	}
	if (mine_v != -1 || alias != -1)
		*mine = mine_v != -1 ? mine_v : alias;
	return 0;
}

/* Parse constraint, projection, mine (default MINE), limit and
 * page_token (with PAGED).  0 or 400. */
static int
list_params_parse(struct api_ctx *ctx, struct list_params *lp, int paged,
    int mine)
{
	const char	*q = ctx->x->req.query;
	char		 v[API_MAX_PARAM];
	int		 rc;

	memset(lp, 0, sizeof(*lp));
	lp->after.cluster = -1;
	lp->limit = API_DEFAULT_LIMIT;
	lp->mine = mine;
	if ((rc = param_constraint(ctx, q, &lp->constraint)) != 0 ||
	    (rc = param_projection(ctx, q, &lp->projection)) != 0 ||
	    (rc = param_mine(ctx, q, &lp->mine)) != 0)
		return rc;
	if (!paged)
		return 0;
	if ((rc = http_query_param(q, "limit", v, sizeof(v))) == 1) {
		if (strcmp(v, "*") == 0)
			lp->limit = 0;
		else if (parse_bounded(v, 1, API_MAX_LIMIT, &lp->limit) == -1) {
			snprintf(ctx->msg, sizeof(ctx->msg), "limit must be "
			    "1..%d or *", API_MAX_LIMIT);
			return 400;
		}
	} else if (rc == -1)
		goto bad;
	if ((rc = http_query_param(q, "page_token", v, sizeof(v))) == 1 &&
	    v[0] != '\0') {
		if (page_token_decode(v, &lp->after) == -1) {
			snprintf(ctx->msg, sizeof(ctx->msg), "malformed "
			    "page_token");
			return 400;
		}
	} else if (rc == -1)
		goto bad;
	return 0;
bad:
	snprintf(ctx->msg, sizeof(ctx->msg), "malformed query string");
	return 400;
}

static void
list_params_free(struct list_params *lp)
{
	buf_free(&lp->constraint);
	buf_free(&lp->projection);
}

/* The smallest LIMIT+1 ids of a first pass, kept in a max-heap. */
struct id_heap {
	struct job_id	*ids;
	size_t		 n, cap;
};

static int
id_cmp(const struct job_id *a, const struct job_id *b)
{
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return a->proc < b->proc ? -1 : a->proc > b->proc;
}

static void
heap_sift_down(struct id_heap *h, size_t i)
{
	struct job_id	t;
	size_t		c;

	for (; (c = 2 * i + 1) < h->n; i = c) {
		if (c + 1 < h->n && id_cmp(&h->ids[c + 1], &h->ids[c]) > 0)
			c++;
		if (id_cmp(&h->ids[c], &h->ids[i]) <= 0)
			break;
		t = h->ids[c], h->ids[c] = h->ids[i], h->ids[i] = t;
	}
}

static void
heap_push(struct id_heap *h, const struct job_id *id)
{
	struct job_id	t;
	size_t		i, p;

	if (h->n == h->cap) {
		if (id_cmp(id, &h->ids[0]) >= 0)
			return;
		h->ids[0] = *id;
		heap_sift_down(h, 0);
		return;
	}
	h->ids[i = h->n++] = *id;
	for (; i > 0 && id_cmp(&h->ids[p = (i - 1) / 2], &h->ids[i]) < 0;
	    i = p)
		t = h->ids[p], h->ids[p] = h->ids[i], h->ids[i] = t;
}

static int
id_qsort_cmp(const void *a, const void *b)
{
	return id_cmp(a, b);
}

/* schedd_ad_fn of the first pass. */
static int
collect_id(void *arg, const struct classad *ad)
{
	struct id_heap	*h = arg;
	struct job_id	 id;
	int64_t		 c, p;

	if (classad_lookup_int(ad, "ClusterId", &c) == 0 &&
	    classad_lookup_int(ad, "ProcId", &p) == 0 && c >= 0 &&
	    c <= JOB_ID_MAX && p >= 0 && p <= JOB_ID_MAX) {
		id.cluster = (int)c;
		id.proc = (int)p;
		heap_push(h, &id);
	}
	return 0;
}

/* Run one query on a fresh connection; LAST (API_LAST) when no other
 * connection follows, so the token is wiped as soon as it is open. */
static int
run_query(struct api_ctx *ctx, struct api_call *c, int last,
    const struct job_query *q, schedd_ad_fn fn, void *arg)
{
	struct schedd	sd;
	int		rc;

	if ((rc = api_call_open(ctx, c, SCHEDD_CMD_QUERY_JOBS, &sd,
	    last)) != 0)
		return rc;
	rc = schedd_query_jobs(&sd, q, fn, arg, ctx->msg, sizeof(ctx->msg));
	schedd_close(&sd);
	return rc;
}

/* A listing: all matches streamed (limit 0), or one page in two passes. */
static int
list_jobs(struct api_ctx *ctx, struct api_call *call, struct list_params *lp)
{
	struct list_out	 out;
	struct id_heap	 h = { NULL, 0, 0 };
	struct job_query q;
	struct buf	 c = BUF_INIT;
	struct job_id	 first, last;
	int		 rc, has_more;

	memset(&q, 0, sizeof(q));
	memset(&out, 0, sizeof(out));
	out.ctx = ctx;
	if (out_projection(&out, &lp->projection) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		return 503;
	}
	if (lp->limit == 0) {
		q.constraint = buf_str(&lp->constraint);
		q.projection = buf_str(&lp->projection);
		if ((rc = run_query(ctx, call, API_LAST, &q, out_ad,
		    &out)) == 0)
			rc = out_end_list(&out, 0, NULL) == -1 ? -1 : 0;
		goto out;
	}
	/* Pass 1: ids after the page token. */
	buf_addf(&c, "(%s)", buf_str(&lp->constraint));
	if (lp->after.cluster >= 0)
		buf_addf(&c, " && (ClusterId > %d || (ClusterId == %d && "
		    "ProcId > %d))", lp->after.cluster, lp->after.cluster,
		    lp->after.proc);
	h.cap = (size_t)lp->limit + 1;
	if ((h.ids = calloc(h.cap, sizeof(*h.ids))) == NULL) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		rc = 503;
		goto out;
	}
	q.constraint = buf_str(&c);
	q.projection = "ClusterId ProcId";
	if ((rc = run_query(ctx, call, 0, &q, collect_id, &h)) != 0)
		goto out;
	qsort(h.ids, h.n, sizeof(*h.ids), id_qsort_cmp);
	has_more = h.n > (size_t)lp->limit;
	if (has_more)
		h.n--;
	if (h.n == 0) {
		rc = out_end_list(&out, 0, NULL) == -1 ? -1 : 0;
		goto out;
	}
	first = h.ids[0];
	last = h.ids[h.n - 1];
	/* Pass 2: the ads of exactly the page's id range. */
	buf_reset(&c);
	buf_addf(&c, "(%s) && (ClusterId > %d || (ClusterId == %d && "
	    "ProcId >= %d)) && (ClusterId < %d || (ClusterId == %d && "
	    "ProcId <= %d))", buf_str(&lp->constraint), first.cluster,
	    first.cluster, first.proc, last.cluster, last.cluster, last.proc);
	q.constraint = buf_str(&c);
	q.projection = buf_str(&lp->projection);
	q.limit = (int64_t)h.n;
	rc = run_query(ctx, call, API_LAST, &q, out_ad, &out);
	if (rc == 0)
		rc = out_end_list(&out, has_more, &last) == -1 ? -1 : 0;
out:
	free(h.ids);
	buf_free(&c);
	out_free(&out);
	return api_stream_result(ctx, rc);
}

/* AND the caller's owner clause into LP's constraint when LP asks for
 * the caller's jobs only.  0, or 401 when the token names nobody. */
static int
list_params_mine(struct api_ctx *ctx, const struct api_call *c,
    struct list_params *lp)
{
	struct buf	user = BUF_INIT;
	int		rc;

	if (!lp->mine)
		return 0;
	if ((rc = api_token_user(ctx, &c->token, &user)) == 0)
		api_mine_constraint(buf_str(&user), &lp->constraint);
	buf_free(&user);
	return rc;
}

/* GET /api/v1/jobs: the caller's own jobs unless mine=false, as
 * condor_q and the reference server's later versions list them. */
int
api_jobs_list(struct api_ctx *ctx)
{
	struct api_call		c;
	struct list_params	lp;
	int			rc;

	memset(&lp, 0, sizeof(lp));
	if ((rc = api_call_begin(ctx, &c, API_BODY_NONE)) == 0 &&
	    (rc = list_params_parse(ctx, &lp, 1, 1)) == 0 &&
	    (rc = list_params_mine(ctx, &c, &lp)) == 0)
		rc = list_jobs(ctx, &c, &lp);
	api_call_end(&c);
	list_params_free(&lp);
	return rc;
}

/* GET /api/v1/jobs/{id}: one job as an object, or a cluster as a list. */
int
api_jobs_get(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct list_params	 lp;
	struct list_out		 out;
	struct job_query	 q;
	struct buf		 c = BUF_INIT;
	int			 rc;

	memset(&out, 0, sizeof(out));
	memset(&lp, 0, sizeof(lp));
	out.ctx = ctx;
	out.single = 1;
	if ((rc = api_call_begin(ctx, &call, API_BODY_NONE)) != 0 ||
	    (rc = list_params_parse(ctx, &lp, ctx->job.proc < 0, 0)) != 0)
		goto out;
	buf_addf(&c, "(ClusterId == %d)", ctx->job.cluster);
	if (ctx->job.proc < 0) {
		/* The cluster: a listing restricted to it. */
		buf_addf(&c, " && (%s)", buf_str(&lp.constraint));
		buf_reset(&lp.constraint);
		buf_adds(&lp.constraint, buf_str(&c));
		rc = list_jobs(ctx, &call, &lp);
		goto out;
	}
	buf_addf(&c, " && (ProcId == %d)", ctx->job.proc);
	if (out_projection(&out, &lp.projection) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		rc = 503;
		goto out;
	}
	memset(&q, 0, sizeof(q));
	q.constraint = buf_str(&c);
	q.projection = buf_str(&lp.projection);
	q.limit = 1;
	rc = run_query(ctx, &call, API_LAST, &q, out_ad, &out);
	if (rc == 0 && out.count == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "job %d.%d not found",
		    ctx->job.cluster, ctx->job.proc);
		rc = 404;
	} else if (rc == 0)
		rc = (write_http(ctx, "\n", 1) == -1 ||
		    http_stream_end(ctx->x) == -1) ? -1 : 0;
	rc = api_stream_result(ctx, rc);
out:
	api_call_end(&call);
	buf_free(&c);
	out_free(&out);
	list_params_free(&lp);
	return rc;
}

/* schedd_ad_fn for a summary-only query: nothing to keep. */
static int
ignore_ad(void *arg, const struct classad *ad)
{
	(void)arg;
	(void)ad;
	return 0;
}

/* GET /api/v1/whoami: the identity the schedd mapped from the token. */
int
api_whoami(struct api_ctx *ctx)
{
	struct api_call		 c;
	struct schedd		 sd;
	struct job_query	 q;
	struct buf		 b = BUF_INIT;
	int			 rc;

	if ((rc = api_call_begin(ctx, &c, API_BODY_NONE)) == 0)
		rc = api_call_open(ctx, &c, SCHEDD_CMD_QUERY_JOBS, &sd,
		    API_LAST);
	api_call_end(&c);
	if (rc != 0)
		return rc;
	memset(&q, 0, sizeof(q));
	q.summary_only = 1;
	rc = schedd_query_jobs(&sd, &q, ignore_ad, NULL, ctx->msg,
	    sizeof(ctx->msg));
	if (rc == 0) {
		buf_adds(&b, "{\"authenticated\": true, \"user\": ");
		json_add_string(&b, sd.user != NULL ? sd.user : "");
		buf_adds(&b, ", \"auth_method\": \"TOKEN\", "
		    "\"encryption\": \"AES\"}\n");
		http_respond(ctx->x, 200, "application/json", b.data, b.len,
		    NULL);
	}
	schedd_close(&sd);
	buf_free(&b);
	return rc;
}

/* Finish a history list: no paging, the count only. */
static int
out_end_history(struct list_out *o)
{
	char	tail[64];
	int	n;

	if (out_begin(o) == -1)
		return -1;
	n = snprintf(tail, sizeof(tail), "], \"total_returned\": %lld}\n",
	    o->count);
	return write_http(o->ctx, tail, (size_t)n) == -1 ? -1 :
	    http_stream_end(o->ctx->x);
}

/* The validated query of a history request. */
struct history_params {
	struct list_params	 lp;
	struct buf		 since;		/* "since" as an expression */
	struct buf		 proj;		/* projection, comma separated */
};

/* `since`: a job id C.P into HP's expression that stops the scan. */
static int
history_since(struct api_ctx *ctx, struct history_params *hp)
{
	struct job_id	since;
	char		v[64];
	int		rc;

	rc = http_query_param(ctx->x->req.query, "since", v, sizeof(v));
	if (rc == 0)
		return 0;
	if (rc == -1 || parse_job_id(v, &since) == -1 || since.proc < 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "since must be a job id "
		    "CLUSTER.PROC");
		return 400;
	}
	buf_addf(&hp->since, "ClusterId == %d && ProcId == %d",
	    since.cluster, since.proc);
	return 0;
}

/* `completed_since` (Unix seconds): AND-ed into the constraint. */
static int
history_completed_since(struct api_ctx *ctx, struct history_params *hp)
{
	struct buf	cons = BUF_INIT;
	long long	after;
	char		v[64];
	int		rc;

	rc = http_query_param(ctx->x->req.query, "completed_since", v,
	    sizeof(v));
	if (rc == 0)
		return 0;
	if (rc == -1 || parse_bounded(v, 0, 253402300799LL, &after) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "completed_since must be "
		    "Unix seconds");
		return 400;
	}
	buf_addf(&cons, "(CompletionDate > %lld) && (%s)", after,
	    buf_str(&hp->lp.constraint));
	buf_reset(&hp->lp.constraint);
	buf_adds(&hp->lp.constraint, buf_str(&cons));
	buf_free(&cons);
	return 0;
}

/* The parameters of a history request; ONE for /history/{C.P}, whose
 * constraint is that job.  0, or 400/401. */
static int
history_params_parse(struct api_ctx *ctx, const struct api_call *c,
    int one, struct history_params *hp)
{
	size_t	i;
	int	rc;

	if ((rc = list_params_parse(ctx, &hp->lp, !one, 0)) != 0)
		return rc;
	if (one) {
		if (ctx->job.proc < 0) {
			snprintf(ctx->msg, sizeof(ctx->msg), "a history record "
			    "is named by CLUSTER.PROC");
			return 400;
		}
		buf_reset(&hp->lp.constraint);
		buf_addf(&hp->lp.constraint, "ClusterId == %d && ProcId == %d",
		    ctx->job.cluster, ctx->job.proc);
		hp->lp.limit = 1;
	} else if ((rc = history_since(ctx, hp)) != 0 ||
	    (rc = history_completed_since(ctx, hp)) != 0 ||
	    (rc = list_params_mine(ctx, c, &hp->lp)) != 0)
		return rc;
	/* The history helper takes the projection comma separated. */
	buf_adds(&hp->proj, buf_str(&hp->lp.projection));
	for (i = 0; i < hp->proj.len; i++)
		if (hp->proj.data[i] == ' ')
			hp->proj.data[i] = ',';
	return 0;
}

static void
history_params_free(struct history_params *hp)
{
	list_params_free(&hp->lp);
	buf_free(&hp->since);
	buf_free(&hp->proj);
}

/* GET /api/v1/history and /api/v1/history/{C.P}: completed jobs, newest
 * first, streamed like the job list.  `since` (a job id) stops the scan
 * at that job, as condor_history -since does; `completed_since` (Unix
 * seconds) keeps jobs completed after it. */
int
api_history(struct api_ctx *ctx)
{
	struct api_call		 c;
	struct history_params	 hp;
	struct list_out		 out;
	struct history_query	 hq;
	struct schedd		 sd;
	int			 rc, one = ctx->nparams > 0;

	memset(&out, 0, sizeof(out));
	memset(&hp, 0, sizeof(hp));
	memset(&hq, 0, sizeof(hq));
	out.ctx = ctx;
	out.single = one;
	if ((rc = api_call_begin(ctx, &c, API_BODY_NONE)) != 0 ||
	    (rc = history_params_parse(ctx, &c, one, &hp)) != 0)
		goto out;
	if (out_projection(&out, &hp.lp.projection) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		rc = 503;
		goto out;
	}
	hq.constraint = buf_str(&hp.lp.constraint);
	hq.projection = buf_str(&hp.proj);
	hq.since = hp.since.len > 0 ? buf_str(&hp.since) : NULL;
	hq.limit = hp.lp.limit;
	if ((rc = api_call_open(ctx, &c, SCHEDD_CMD_HISTORY, &sd,
	    API_LAST)) != 0)
		goto out;
	rc = schedd_history(&sd, &hq, out_ad, &out, ctx->msg,
	    sizeof(ctx->msg));
	schedd_close(&sd);
	if (rc == 0 && one && out.count == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "no history record for "
		    "job %d.%d", ctx->job.cluster, ctx->job.proc);
		rc = 404;
	} else if (rc == 0 && one)
		rc = (write_http(ctx, "\n", 1) == -1 ||
		    http_stream_end(ctx->x) == -1) ? -1 : 0;
	else if (rc == 0)
		rc = out_end_history(&out) == -1 ? -1 : 0;
	rc = api_stream_result(ctx, rc);
out:
	api_call_end(&c);
	out_free(&out);
	history_params_free(&hp);
	return rc;
}
