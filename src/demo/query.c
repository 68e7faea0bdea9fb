/*
 * query.c — QUERY_JOB_ADS and QUERY_SCHEDD_HISTORY as the schedd answers
 * them (schedd.cpp QueryJobAdsContinuation, history_queue.cpp): the
 * matching ads, projected, then a summary ad.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cedar/cedar.h"
#include "classad/classad.h"
#include "classad/eval.h"
#include "demo/demo_int.h"

/* Is NAME in PROJ (blank or comma separated, case-blind)? */
static int
in_projection(const char *proj, const char *name)
{
	const char	*p;
	size_t		 l;

	for (p = proj; *p != '\0'; p += l) {
		p += strspn(p, " ,\n\t");
		l = strcspn(p, " ,\n\t");
		if (l > 0 && l == strlen(name) && strncasecmp(p, name, l) == 0)
			return 1;
	}
	return 0;
}

struct widen {
	const struct classad	*ad;
	struct classad		*out;
};

/* Add attribute NAME of the job to the projected ad, as the schedd adds
 * what projected expressions refer to. */
static void
widen_ref(void *arg, const char *name)
{
	struct widen			*w = arg;
	const struct classad_expr	*e;

	if (classad_lookup(w->out, name) == NULL &&
	    (e = classad_lookup(w->ad, name)) != NULL)
		classad_insert_parsed(w->out, name, classad_expr_copy(e));
}

/* Put AD, with a projection PROJ only its attributes and, when WIDEN is
 * set (job queries), the attributes their expressions refer to, as the
 * schedd does.  The message is ended when EOM is set. */
static int
put_ad(struct cedar_stream *s, const struct classad *ad, const char *proj,
    int widen, int eom)
{
	struct widen	 w;
	size_t		 i, n;
	int		 rc;

	if (proj == NULL || *proj == '\0')
		return cedar_put_classad(s, ad) == -1 ? -1 :
		    eom ? cedar_send_eom(s) : 0;
	w.ad = ad;
	if ((w.out = classad_new()) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	for (i = 0, n = classad_count(ad); i < n; i++)
		if (in_projection(proj, classad_name_at(ad, i)))
			classad_insert_parsed(w.out, classad_name_at(ad, i),
			    classad_expr_copy(classad_expr_at(ad, i)));
	if (widen)
		for (i = 0, n = classad_count(w.out); i < n; i++)
			classad_expr_refs(classad_expr_at(w.out, i), widen_ref,
			    &w);
	rc = cedar_put_classad(s, w.out) == -1 ? -1 :
	    eom ? cedar_send_eom(s) : 0;
	classad_free(w.out);
	return rc;
}

/* Send AD as one message, projected and widened as for a job query. */
int
send_ad(struct cedar_stream *s, const struct classad *ad, const char *proj)
{
	return put_ad(s, ad, proj, 1, 1);
}

/* A job id "C.P", or "C" (then *P is -1), in the LEN bytes at S: 0, or
 * -1. */
int
parse_id(const char *s, size_t len, int64_t *c, int64_t *p)
{
	char	 tmp[32], *end;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (tmp[0] < '0' || tmp[0] > '9')
		return -1;
	*c = strtoll(tmp, &end, 10);
	*p = -1;
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		*p = strtoll(end + 1, &end, 10);
	}
	return *end == '\0' ? 0 : -1;
}

/* The summary ad that ends a query: Owner = 0 and the counts. */
static void
send_summary(struct cedar_stream *s, const char *count, int64_t n,
    int64_t scanned)
{
	struct classad	*sum;

	if ((sum = classad_new()) == NULL)
		return;
	classad_insert_int(sum, "Owner", 0);
	if (scanned < 0) {
		classad_insert_int(sum, "ErrorCode", 0);
		classad_insert_string(sum, "MyType", "Summary");
	} else {
		classad_insert_int(sum, "AdCount", scanned);
		classad_insert_int(sum, "MalformedAds", 0);
	}
	classad_insert_int(sum, count, n);
	send_ad(s, sum, NULL);
	classad_free(sum);
}

/* QUERY_JOB_ADS: matching job ads, one per message, then the summary ad
 * with Owner = 0.  A constraint that does not parse closes the
 * connection, as the schedd does. */
void
query_job_ads(struct demo_conn *cn)
{
	struct cedar_stream		*s = cn->s;
	struct classad			*req = NULL;
	const struct classad_expr	*cons;
	const char			*proj = NULL;
	int64_t				 limit = 0, sent = 0;
	size_t				 i;

	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1 ||
	    queue_read(cn->d) == -1)
		goto out;
	cons = classad_lookup(req, "Requirements");
	classad_lookup_string(req, "Projection", &proj);
	classad_lookup_int(req, "LimitResults", &limit);
	for (i = 0; i < cn->d->jobs.n; i++) {
		if (limit > 0 && sent >= limit)
			break;
		if (cons != NULL &&
		    classad_eval_match(cons, cn->d->jobs.ad[i]) != 1)
			continue;
		if (send_ad(s, cn->d->jobs.ad[i], proj) == -1)
			goto out;
		sent++;
	}
	send_summary(s, "Jobs", sent, -1);
out:
	classad_free(req);
}

/* The Since of a history query: an expression, or a job id "C.P" as
 * condor_history -since gives it. */
static struct classad_expr *
history_since(const struct classad *req)
{
	const struct classad_expr	*e;
	struct classad_expr		*since = NULL;
	const char			*str;
	char				 text[96];
	int64_t				 c, p;

	if ((e = classad_lookup(req, "Since")) == NULL)
		return NULL;
	if (classad_expr_get_string(e, &str, NULL) == 0 &&
	    parse_id(str, strlen(str), &c, &p) == 0 && p >= 0) {
		snprintf(text, sizeof(text), "ClusterId == %lld && "
		    "ProcId == %lld", (long long)c, (long long)p);
		classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &since, NULL, 0);
		return since;
	}
	return classad_expr_copy(e);
}

/* QUERY_SCHEDD_HISTORY: the matching history ads newest first, each in
 * its own message when StreamResults is set (after the acknowledgement
 * { Owner = 1; StreamResults = true }), else all in one message with the
 * final ad; the scan stops at NumJobMatches matches or before the first
 * ad the Since expression matches. */
void
query_history(struct demo_conn *cn)
{
	struct cedar_stream		*s = cn->s;
	struct classad			*req = NULL, *ad;
	struct classad_expr		*since = NULL;
	const struct classad_expr	*cons;
	const char			*proj = NULL;
	int64_t				 limit = -1, scanned = 0, sent = 0;
	int				 stream = 0;
	size_t				 i;

	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1 ||
	    queue_read(cn->d) == -1)
		goto out;
	cons = classad_lookup(req, "Requirements");
	classad_lookup_string(req, "Projection", &proj);
	classad_lookup_int(req, "NumJobMatches", &limit);
	classad_lookup_bool(req, "StreamResults", &stream);
	since = history_since(req);
	if (stream) {
		if ((ad = classad_new()) == NULL)
			goto out;
		classad_insert_int(ad, "Owner", 1);
		classad_insert_bool(ad, "StreamResults", 1);
		i = send_ad(s, ad, NULL) == -1;
		classad_free(ad);
		if (i)
			goto out;
	}
	for (i = cn->d->hist.n; i > 0; i--) {
		if (limit >= 0 && sent >= limit)
			break;
		ad = cn->d->hist.ad[i - 1];
		scanned++;
		if (since != NULL && classad_eval_match(since, ad) == 1)
			break;
		if (cons != NULL && classad_eval_match(cons, ad) != 1)
			continue;
		if (put_ad(s, ad, proj, 0, stream) == -1)
			goto out;
		sent++;
	}
	send_summary(s, "NumJobMatches", sent, scanned);
out:
	classad_expr_free(since);
	classad_free(req);
}
