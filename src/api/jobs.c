/*
 * jobs.c — reading jobs: GET /api/v1/jobs, /api/v1/jobs/{id} and
 * /api/v1/whoami.
 *
 * Job lists are streamed: each ad is converted to JSON and written as it
 * arrives, so memory does not grow with the queue.  A page of LIMIT jobs
 * is the first LIMIT matching jobs in (ClusterId, ProcId) order after the
 * page token.  The schedd returns jobs in no particular order and its
 * LimitResults keeps whichever it meets first, so a page asks for the
 * ads in id windows after the token, keeping the LIMIT+1 smallest
 * (memory bounded by LIMIT and PAGE_MAX_BYTES), widening the window only
 * while it holds fewer: what costs the schedd is sending ads, not
 * evaluating the constraint over its queue (page_gather).
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

/*
 * A page is gathered in a max-heap of the LIMIT+1 smallest matching jobs
 * seen so far, each kept as its JSON (so one query can answer the page);
 * past PAGE_MAX_BYTES of JSON the heap drops the JSON and keeps ids, and
 * the page's ads are fetched by id range at the end.  Memory is bounded
 * by the limit and the byte cap, whatever the size of the queue.
 */
struct page_entry {
	struct job_id	 id;
	char		*json;		/* NULL once ids_only */
	size_t		 len;
};

struct page_heap {
	struct page_entry *e;
	size_t		 n, cap;	/* cap = limit + 1 */
	size_t		 bytes;		/* JSON held */
	int		 ids_only;	/* the JSON passed PAGE_MAX_BYTES */
	int		 oom;
	long long	 seen;		/* ads the current pass kept or not */
	const struct classad_json_opts *opts;
};

static int
id_cmp(const struct job_id *a, const struct job_id *b)
{
	if (a->cluster != b->cluster)
		return a->cluster < b->cluster ? -1 : 1;
	return a->proc < b->proc ? -1 : a->proc > b->proc;
}

static void
entry_swap(struct page_entry *a, struct page_entry *b)
{
	struct page_entry t = *a;

	*a = *b;
	*b = t;
}

static void
heap_sift_down(struct page_heap *h, size_t i)
{
	size_t	c;

	for (; (c = 2 * i + 1) < h->n; i = c) {
		if (c + 1 < h->n && id_cmp(&h->e[c + 1].id, &h->e[c].id) > 0)
			c++;
		if (id_cmp(&h->e[c].id, &h->e[i].id) <= 0)
			break;
		entry_swap(&h->e[c], &h->e[i]);
	}
}

static void
heap_sift_up(struct page_heap *h, size_t i)
{
	size_t	p;

	for (; i > 0 && id_cmp(&h->e[p = (i - 1) / 2].id, &h->e[i].id) < 0;
	    i = p)
		entry_swap(&h->e[p], &h->e[i]);
}

static void
heap_clear(struct page_heap *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++)
		free(h->e[i].json);
	h->n = 0;
	h->bytes = 0;
}

/* Past the byte cap: keep the ids only, fetch the ads at the end. */
static void
heap_drop_json(struct page_heap *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++) {
		free(h->e[i].json);
		h->e[i].json = NULL;
	}
	h->bytes = 0;
	h->ids_only = 1;
}

/* Render AD as the listing writes it; NULL when out of memory. */
static char *
render_ad(const struct page_heap *h, const struct classad *ad, size_t *len)
{
	struct buf	b = BUF_INIT;

	if (classad_json_write_ad(ad, h->opts, classad_json_buf_writer,
	    &b) == -1 || b.failed || b.data == NULL) {
		buf_free(&b);
		return NULL;
	}
	*len = b.len;
	return b.data;
}

/* Keep job ID (with AD's JSON unless ids_only) if it is among the
 * LIMIT+1 smallest seen; 0, or -1 when out of memory. */
static int
heap_push(struct page_heap *h, const struct job_id *id,
    const struct classad *ad)
{
	struct page_entry	e = { *id, NULL, 0 };

	if (h->n == h->cap && id_cmp(id, &h->e[0].id) >= 0)
		return 0;
	if (!h->ids_only && (e.json = render_ad(h, ad, &e.len)) == NULL)
		return -1;
	if (e.json != NULL && h->bytes + e.len > PAGE_MAX_BYTES) {
		heap_drop_json(h);
		free(e.json);
		e.json = NULL;
		e.len = 0;
	}
	h->bytes += e.len;
	if (h->n == h->cap) {
		h->bytes -= h->e[0].len;
		free(h->e[0].json);
		h->e[0] = e;
		heap_sift_down(h, 0);
		return 0;
	}
	h->e[h->n] = e;
	heap_sift_up(h, h->n++);
	return 0;
}

static int
entry_qsort_cmp(const void *a, const void *b)
{
	const struct page_entry *x = a, *y = b;

	return id_cmp(&x->id, &y->id);
}

/* schedd_ad_fn of a page's passes. */
static int
collect_ad(void *arg, const struct classad *ad)
{
	struct page_heap *h = arg;
	struct job_id	  id;
	int64_t		  c, p;

	if (classad_lookup_int(ad, "ClusterId", &c) != 0 ||
	    classad_lookup_int(ad, "ProcId", &p) != 0 || c < 0 ||
	    c > JOB_ID_MAX || p < 0 || p > JOB_ID_MAX)
		return 0;
	id.cluster = (int)c;
	id.proc = (int)p;
	h->seen++;
	if (heap_push(h, &id, ad) == -1) {
		h->oom = 1;
		return -1;
	}
	return 0;
}

/*
 * The id windows a page is asked for.  Cluster ids only grow and the
 * procs of a cluster are numbered densely from 0, so the jobs after a
 * page token are most likely the next procs of its cluster, then the
 * next clusters.  A page asks for a window (lo, hi] of ids after the
 * token, ANDed into the constraint, and widens it (a new window after
 * the last, so nothing crosses the wire twice) only while the windows
 * so far hold fewer than LIMIT+1 matching jobs; the last window is
 * open.  The jobs the windows held are all the matching jobs up to hi,
 * so their LIMIT+1 smallest are the page whatever lies beyond.
 */
struct page_window {
	struct job_id	lo;		/* exclusive; cluster -1 = none */
	struct job_id	hi;		/* inclusive; cluster -1 = open */
	struct job_id	anchor;		/* where the widening counts from */
	long long	clusters;	/* clusters after the anchor's */
	int		step;
};

/* Procs of the anchor's cluster asked for first, per job of the page:
 * slack for jobs the constraint leaves out. */
#define PAGE_WINDOW_PROCS	4
/* Clusters after the anchor's in the second window. */
#define PAGE_WINDOW_CLUSTERS	16
/* Windows before the open one. */
#define PAGE_WINDOW_STEPS	4

static int
clamp_id(long long v)
{
	return v > JOB_ID_MAX ? JOB_ID_MAX : (int)v;
}

/* The first window: procs of ANCHOR's cluster from its proc on. */
static void
window_first(struct page_window *w, const struct job_id *lo,
    const struct job_id *anchor, long long limit)
{
	w->lo = *lo;
	w->anchor = *anchor;
	w->hi.cluster = anchor->cluster;
	w->hi.proc = clamp_id((long long)anchor->proc +
	    PAGE_WINDOW_PROCS * (limit + 1));
	w->clusters = 0;
	w->step = 0;
}

/* The window after W, sized from what W held: SEEN jobs of the NEED
 * still missing.  Its end takes whole clusters, as many more as the
 * density seen promises twice over, and the first procs of the last. */
static void
window_next(struct page_window *w, long long seen, long long need,
    long long limit)
{
	long long	k;

	w->lo = w->hi;
	if (++w->step > PAGE_WINDOW_STEPS || w->hi.cluster == JOB_ID_MAX) {
		w->hi.cluster = -1;
		return;
	}
	if (w->clusters == 0)
		k = PAGE_WINDOW_CLUSTERS;
	else if (seen == 0)
		k = w->clusters * PAGE_WINDOW_CLUSTERS;
	else
		k = w->clusters + 2 * need * w->clusters / seen + 1;
	if (k > JOB_ID_MAX)
		k = JOB_ID_MAX;
	w->clusters = k;
	w->hi.cluster = clamp_id((long long)w->anchor.cluster + k);
	w->hi.proc = clamp_id(PAGE_WINDOW_PROCS * (limit + 1));
}

/* CONSTRAINT limited to W into OUT. */
static void
window_constraint(const struct page_window *w, const char *constraint,
    struct buf *out)
{
	buf_reset(out);
	buf_addf(out, "(%s)", constraint);
	if (w->lo.cluster >= 0)
		buf_addf(out, " && (ClusterId > %d || (ClusterId == %d && "
		    "ProcId > %d))", w->lo.cluster, w->lo.cluster, w->lo.proc);
	if (w->hi.cluster >= 0)
		buf_addf(out, " && (ClusterId < %d || (ClusterId == %d && "
		    "ProcId <= %d))", w->hi.cluster, w->hi.cluster, w->hi.proc);
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

/* One pass of a page into H: CONSTRAINT with the wire PROJECTION (or
 * the ids alone once H keeps ids only), at most LIMIT ads (0 = all). */
static int
page_pass(struct api_ctx *ctx, struct api_call *call, struct page_heap *h,
    const char *constraint, const char *projection, int64_t limit)
{
	struct job_query q;
	int		 rc;

	memset(&q, 0, sizeof(q));
	q.constraint = constraint;
	q.projection = h->ids_only ? "ClusterId ProcId" : projection;
	q.limit = limit;
	h->seen = 0;
	rc = run_query(ctx, call, 0, &q, collect_ad, h);
	if (rc != 0 && h->oom) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		rc = 503;
	}
	return rc;
}

/* The smallest id H holds (its entries are in heap order). */
static struct job_id
heap_min(const struct page_heap *h)
{
	struct job_id	m = h->e[0].id;
	size_t		i;

	for (i = 1; i < h->n; i++)
		if (id_cmp(&h->e[i].id, &m) < 0)
			m = h->e[i].id;
	return m;
}

/*
 * Gather a page into H.  After a page token the windows start there.
 * The first page has no place to start: it asks for any LIMIT+1 matching
 * jobs (the schedd's LimitResults, which keeps the first it meets in its
 * hash table's order — qmgmt's JobQueue is a HashTable walked bucket by
 * bucket, not by id); fewer means they are all, else the smallest of
 * them starts the windows, the first of which takes every job below it.
 */
static int
page_gather(struct api_ctx *ctx, struct api_call *call,
    const struct list_params *lp, const char *projection,
    struct page_heap *h)
{
	struct page_window w;
	struct job_id	   none = { -1, 0 }, anchor;
	struct buf	   c = BUF_INIT;
	const char	  *cons = buf_str(&lp->constraint);
	int		   rc;

	if (lp->after.cluster < 0) {
		if ((rc = page_pass(ctx, call, h, cons, projection,
		    (int64_t)h->cap)) != 0 || h->n < h->cap)
			return rc;
		anchor = heap_min(h);
		heap_clear(h);
		window_first(&w, &none, &anchor, lp->limit);
		/* The sample's smallest id is only as low as the hash
		 * order made it; its cluster's procs are dense from 0, so
		 * its first LIMIT+1 and the clusters below it likely hold
		 * the page (the windows widen when they do not). */
		w.hi.proc = clamp_id(lp->limit);
	} else
		window_first(&w, &lp->after, &lp->after, lp->limit);
	for (;;) {
		window_constraint(&w, cons, &c);
		if ((rc = page_pass(ctx, call, h, buf_str(&c), projection,
		    0)) != 0 || h->n == h->cap || w.hi.cluster < 0)
			break;
		window_next(&w, h->seen, (long long)(h->cap - h->n),
		    lp->limit);
	}
	buf_free(&c);
	return rc;
}

/* Write the page H holds, sorted: its JSON, or (ids only) the ads of its
 * id range fetched now. */
static int
page_write(struct api_ctx *ctx, struct api_call *call,
    const struct list_params *lp, struct page_heap *h, struct list_out *out)
{
	struct job_query q;
	struct job_id	 first, last;
	struct buf	 c = BUF_INIT;
	size_t		 i;
	int		 rc = 0, has_more;

	qsort(h->e, h->n, sizeof(*h->e), entry_qsort_cmp);
	if ((has_more = h->n > (size_t)lp->limit))
		h->n--;
	if (h->n == 0)
		return out_end_list(out, 0, NULL) == -1 ? -1 : 0;
	first = h->e[0].id;
	last = h->e[h->n - 1].id;
	if (h->ids_only) {
		buf_addf(&c, "(%s) && (ClusterId > %d || (ClusterId == %d && "
		    "ProcId >= %d)) && (ClusterId < %d || (ClusterId == %d && "
		    "ProcId <= %d))", buf_str(&lp->constraint), first.cluster,
		    first.cluster, first.proc, last.cluster, last.cluster,
		    last.proc);
		memset(&q, 0, sizeof(q));
		q.constraint = buf_str(&c);
		q.projection = buf_str(&lp->projection);
		q.limit = (int64_t)h->n;
		rc = run_query(ctx, call, API_LAST, &q, out_ad, out);
		buf_free(&c);
	} else
		for (i = 0; i < h->n && rc == 0; i++)
			if (out_begin(out) == -1 || (out->count > 0 &&
			    write_http(ctx, ",\n", 2) == -1) ||
			    write_http(ctx, h->e[i].json, h->e[i].len) == -1) {
				snprintf(ctx->msg, sizeof(ctx->msg),
				    "client went away");
				rc = -1;
			} else
				out->count++;
	if (rc == 0)
		rc = out_end_list(out, has_more, &last) == -1 ? -1 : 0;
	return rc;
}

/* The projection a page asks for: the caller's and the ids it sorts by
 * (the JSON leaves out what the caller did not name). */
static void
page_projection(const struct list_params *lp, struct buf *out)
{
	if (lp->projection.len == 0)
		return;
	buf_addf(out, "%s ClusterId ProcId", buf_str(&lp->projection));
}

/* A listing: all matches streamed (limit 0), or one page, gathered in
 * id windows (page_gather) and written sorted. */
static int
list_jobs(struct api_ctx *ctx, struct api_call *call, struct list_params *lp)
{
	struct list_out	 out;
	struct page_heap h;
	struct job_query q;
	struct buf	 proj = BUF_INIT;
	int		 rc;

	memset(&q, 0, sizeof(q));
	memset(&out, 0, sizeof(out));
	memset(&h, 0, sizeof(h));
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
	h.cap = (size_t)lp->limit + 1;
	h.opts = out.opts.projection ? &out.opts : NULL;
	if ((h.e = calloc(h.cap, sizeof(*h.e))) == NULL) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		rc = 503;
		goto out;
	}
	page_projection(lp, &proj);
	if ((rc = page_gather(ctx, call, lp, buf_str(&proj), &h)) == 0)
		rc = page_write(ctx, call, lp, &h, &out);
out:
	heap_clear(&h);
	free(h.e);
	buf_free(&proj);
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

/* One job into OUT with GetJobAd on a QMGMT connection, which the schedd
 * answers in its own process, where a query makes it fork a worker
 * (schedd_get_job_ad): the same ad for a fraction of the schedd's work.
 * 0 (OUT's count 0: no such job), or the status; 403 when the schedd
 * will not open a QMGMT connection for the caller (an identity allowed
 * to READ only), and the caller asks with a query instead. */
static int
get_job_ad(struct api_ctx *ctx, struct api_call *call, struct list_out *out)
{
	struct schedd	 sd;
	struct classad	*ad = NULL;
	int		 rc;

	if ((rc = api_call_open(ctx, call, SCHEDD_CMD_QMGMT, &sd, 0)) != 0)
		return rc;
	rc = schedd_get_job_ad(&sd, ctx->job.cluster, ctx->job.proc, &ad,
	    ctx->msg, sizeof(ctx->msg));
	schedd_qmgmt_close(&sd);
	schedd_close(&sd);
	if (rc == 404)
		rc = 0;
	else if (rc == 0 && out_ad(out, ad) == -1)
		rc = -1;
	classad_free(ad);
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
	if ((rc = get_job_ad(ctx, &call, &out)) == 403) {
		memset(&q, 0, sizeof(q));
		q.constraint = buf_str(&c);
		q.projection = buf_str(&lp.projection);
		q.limit = 1;
		rc = run_query(ctx, &call, API_LAST, &q, out_ad, &out);
	}
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
