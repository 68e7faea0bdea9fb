/*
 * act.c — ACT_ON_JOBS as Scheduler::actOnJobs answers it: hold, release
 * and remove by ids or by constraint, with the per-job result codes, the
 * client's confirmation, then the change.  No lock is held while the
 * client is waited for: the queue is read again for the change, and a
 * job the action no longer applies to is left alone.  A held or removed
 * job that is running is killed by the runner once it sees the change
 * (run.c); a removed one goes to the history when its process has been
 * reaped.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "classad/eval.h"
#include "demo/demo_int.h"

/* Actions and result codes (schedd.cpp). */
#define JA_HOLD			1
#define JA_RELEASE		2
#define JA_REMOVE		3
#define AR_SUCCESS		1
#define AR_NOT_FOUND		2
#define AR_BAD_STATUS		3
#define AR_ALREADY_DONE		4
#define AR_PERMISSION_DENIED	5
#define AR_CODES		7

/* The result code of ACTION on a job of the caller, from its state, as
 * actOnJobs decides it: holding a held job and removing a removed one is
 * "already done", releasing a job that is not held (or is held for
 * spooling) and holding a finished one is "bad status". */
static int
act_state(int action, const struct classad *job)
{
	int64_t	 st = 0, code = 0;

	classad_lookup_int(job, "JobStatus", &st);
	switch (action) {
	case JA_HOLD:
		if (st == DEMO_HELD)
			return AR_ALREADY_DONE;
		return st == DEMO_REMOVED || st == DEMO_COMPLETED ?
		    AR_BAD_STATUS : AR_SUCCESS;
	case JA_RELEASE:
		classad_lookup_int(job, "HoldReasonCode", &code);
		return st != DEMO_HELD || code == DEMO_HOLD_SPOOLING ?
		    AR_BAD_STATUS : AR_SUCCESS;
	default:
		return st == DEMO_REMOVED ? AR_ALREADY_DONE : AR_SUCCESS;
	}
}

/* "<reason> (by user <owner>)", with condor_hold's default reasons. */
static void
act_reason(struct buf *b, int action, const char *given, const char *owner)
{
	static const char *const def[] = { NULL, "Via condor_hold",
		"Via condor_release", "Via condor_rm" };

	buf_addf(b, "%s (by user %s)", given != NULL ? given : def[action],
	    owner);
}

/* Change job I of the queue as ACTION does.  A removed job leaves the
 * queue for the history at once unless it is running: then it stays,
 * JobStatus 3, until the runner has killed and reaped its process and
 * retires it, as the schedd keeps a removed job until its shadow is
 * gone. */
static void
act_apply(struct demo *d, int action, size_t i, const char *reason,
    int64_t subcode, const char *owner)
{
	struct classad	*job = d->jobs.ad[i];
	struct buf	 r = BUF_INIT, last = BUF_INIT;
	int64_t		 st = 0, now = (int64_t)time(NULL);
	const char	*old;

	classad_lookup_int(job, "JobStatus", &st);
	act_reason(&r, action, reason, owner);
	classad_insert_int(job, "LastJobStatus", st);
	classad_insert_int(job, "EnteredCurrentStatus", now);
	switch (action) {
	case JA_HOLD:
		classad_insert_int(job, "JobStatus", DEMO_HELD);
		classad_insert_string(job, "HoldReason", buf_str(&r));
		classad_insert_int(job, "HoldReasonCode", 1);
		classad_insert_int(job, "HoldReasonSubCode", subcode);
		break;
	case JA_RELEASE:
		classad_insert_int(job, "JobStatus", DEMO_IDLE);
		if (classad_lookup_string(job, "HoldReason", &old) == 0) {
			/* Copied first: the insert may move the ad's strings. */
			buf_adds(&last, old);
			classad_insert_string(job, "LastHoldReason",
			    buf_str(&last));
		}
		classad_delete(job, "HoldReason");
		classad_delete(job, "HoldReasonCode");
		classad_delete(job, "HoldReasonSubCode");
		classad_insert_string(job, "ReleaseReason", buf_str(&r));
		break;
	default:
		classad_insert_int(job, "JobStatus", DEMO_REMOVED);
		classad_insert_string(job, "RemoveReason", buf_str(&r));
		classad_insert_int(job, "CompletionDate", now);
		if (st != DEMO_RUNNING && jobs_add(&d->hist, job) == 0)
			jobs_del(&d->jobs, i);
		break;
	}
	buf_free(&r);
	buf_free(&last);
}

/* One target of an action: a queue index (or -1) and its verdict. */
struct act_target {
	long	 idx;
	int64_t	 c, p;
	int	 code;
};

struct act_targets {
	struct act_target	*v;
	size_t			 n;
};

static struct act_target *
target_new(struct act_targets *t)
{
	struct act_target	*v;

	if ((v = reallocarray(t->v, t->n + 1, sizeof(*v))) == NULL)
		return NULL;
	t->v = v;
	memset(&v[t->n], 0, sizeof(*v));
	return &v[t->n++];
}

/* Targets named by ids "C.P" (a bare "C" names a late-materialization
 * factory, which the demo schedd has none of, so it is "not found"). */
static void
targets_by_ids(struct demo_conn *cn, int action, const char *ids,
    struct act_targets *t)
{
	struct act_target	*a;
	const char		*p, *q;
	long			 idx;

	for (p = ids; *p != '\0'; p = *q ? q + 1 : q) {
		q = p + strcspn(p, ",");
		p += strspn(p, " ");
		if (q <= p || (a = target_new(t)) == NULL)
			continue;
		if (parse_id(p, (size_t)(q - p), &a->c, &a->p) == -1) {
			t->n--;
			continue;
		}
		a->idx = -1;
		a->code = AR_NOT_FOUND;
		if (a->p >= 0 && (idx = jobs_find(&cn->d->jobs, a->c,
		    a->p)) >= 0) {
			a->idx = idx;
			a->code = owned_by(cn->d->jobs.ad[idx], cn->owner) ?
			    act_state(action, cn->d->jobs.ad[idx]) :
			    AR_PERMISSION_DENIED;
		}
	}
}

/* Targets matching a constraint; the schedd ANDs a state guard, so jobs
 * the action does not apply to are not matched at all. */
static void
targets_by_constraint(struct demo_conn *cn, int action,
    const struct classad_expr *cons, struct act_targets *t)
{
	struct act_target	*a;
	struct classad		*job;
	size_t			 i;

	for (i = 0; i < cn->d->jobs.n; i++) {
		job = cn->d->jobs.ad[i];
		if (classad_eval_match(cons, job) != 1 ||
		    act_state(action, job) != AR_SUCCESS ||
		    (a = target_new(t)) == NULL)
			continue;
		a->idx = (long)i;
		classad_lookup_int(job, "ClusterId", &a->c);
		classad_lookup_int(job, "ProcId", &a->p);
		a->code = owned_by(job, cn->owner) ? AR_SUCCESS :
		    AR_PERMISSION_DENIED;
	}
}

/* The result ad: per job (type 1) or totals (type 2). */
static struct classad *
result_ad(const struct act_targets *t, int64_t action, int64_t type,
    const int64_t total[AR_CODES])
{
	struct classad	*res;
	char		 name[64];
	size_t		 i;

	if ((res = classad_new()) == NULL)
		return NULL;
	for (i = 0; type == 1 && i < t->n; i++) {
		if (t->v[i].p >= 0)
			snprintf(name, sizeof(name), "job_%lld_%lld",
			    (long long)t->v[i].c, (long long)t->v[i].p);
		else
			snprintf(name, sizeof(name), "cluster_%lld",
			    (long long)t->v[i].c);
		classad_insert_int(res, name, t->v[i].code);
	}
	classad_insert_int(res, "JobAction", action);
	classad_insert_int(res, "TotalJobAds", total[AR_SUCCESS]);
	classad_insert_int(res, "ActionResult", total[AR_SUCCESS] > 0);
	for (i = 0; type != 1 && i < AR_CODES; i++) {
		snprintf(name, sizeof(name), "result_total_%zu", i);
		classad_insert_int(res, name, total[i]);
	}
	classad_insert_int(res, "ActionResultType", type);
	classad_insert_bool(res, "IsQueueSuperUser", 0);
	return res;
}

/* The queue was reloaded after the wait for the client: find each
 * successful target again and check that the action still applies (the
 * job may have ended or been acted on meanwhile); those that no longer
 * qualify are skipped. */
static void
targets_recheck(struct demo_conn *cn, int action, struct act_targets *t)
{
	size_t	 i;
	long	 idx;

	for (i = 0; i < t->n; i++) {
		if (t->v[i].code != AR_SUCCESS)
			continue;
		idx = jobs_find(&cn->d->jobs, t->v[i].c, t->v[i].p);
		if (idx < 0 || !owned_by(cn->d->jobs.ad[idx], cn->owner) ||
		    act_state(action, cn->d->jobs.ad[idx]) != AR_SUCCESS)
			t->v[i].code = 0;
		else
			t->v[i].idx = idx;
	}
}

/* Apply ACTION to the successful targets, highest queue index first (a
 * remove takes the job out of the queue). */
static void
act_commit(struct demo_conn *cn, int action, struct act_targets *t,
    const char *reason, int64_t sub)
{
	size_t	 i, bi = 0;
	long	 best;

	for (;;) {
		best = -1;
		for (i = 0; i < t->n; i++)
			if (t->v[i].code == AR_SUCCESS && t->v[i].idx > best) {
				best = t->v[i].idx;
				bi = i;
			}
		if (best < 0)
			break;
		act_apply(cn->d, action, (size_t)best, reason, sub,
		    cn->owner);
		t->v[bi].code = 0;
	}
}

/* ACT_ON_JOBS: the request ad, the result ad, and when at least one job
 * can be acted on, the client's confirm int 1 before anything changes;
 * the answer int 1 then says it is committed.  A malformed request is
 * answered with a lone int 0. */
void
act_on_jobs(struct demo_conn *cn)
{
	static const char *const rattr[] = { NULL, "HoldReason",
		"ReleaseReason", "RemoveReason" };
	struct cedar_stream		*s = cn->s;
	struct classad			*req = NULL, *res = NULL;
	struct classad_expr		*cons = NULL;
	struct act_targets		 t = { NULL, 0 };
	const struct classad_expr	*e;
	const char			*ids = NULL, *reason = NULL, *str;
	int64_t				 action = 0, type = 2, sub = 0, ok;
	int64_t				 total[AR_CODES];
	size_t				 i;
	int				 saved = 0;

	memset(total, 0, sizeof(total));
	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	classad_lookup_string(req, "ActionIds", &ids);
	if ((e = classad_lookup(req, "ActionConstraint")) != NULL) {
		if (classad_expr_get_string(e, &str, NULL) == 0)
			classad_parse_expr(str, CLASSAD_OLD_SYNTAX, &cons,
			    NULL, 0);
		else
			cons = classad_expr_copy(e);
	}
	if (classad_lookup_int(req, "JobAction", &action) == -1 ||
	    action < JA_HOLD || action > JA_REMOVE ||
	    (ids != NULL) == (e != NULL) || (e != NULL && cons == NULL)) {
		cedar_put_int(s, 0);
		cedar_send_eom(s);
		goto out;
	}
	classad_lookup_int(req, "ActionResultType", &type);
	classad_lookup_string(req, rattr[action], &reason);
	classad_lookup_int(req, "HoldReasonSubCode", &sub);
	if (queue_read(cn->d) == -1)
		goto out;
	if (ids != NULL)
		targets_by_ids(cn, (int)action, ids, &t);
	else
		targets_by_constraint(cn, (int)action, cons, &t);
	for (i = 0; i < t.n; i++)
		total[t.v[i].code]++;
	if ((res = result_ad(&t, action, type, total)) == NULL ||
	    send_ad(s, res, NULL) == -1 || total[AR_SUCCESS] == 0)
		goto out;
	/* The client's "still here, commit", waited for with no lock held:
	 * the queue is read again and the targets checked again after. */
	if (cedar_get_int(s, &ok) == -1 || cedar_recv_eom(s) == -1 ||
	    ok != 1)
		goto out;
	queue_lock(cn->d, F_WRLCK);
	if (queue_load(cn->d) == 0) {
		targets_recheck(cn, (int)action, &t);
		act_commit(cn, (int)action, &t, reason, sub);
		saved = queue_save(cn->d) == 0;
	}
	queue_lock(cn->d, F_UNLCK);
	if (saved) {
		cedar_put_int(s, 1);
		cedar_send_eom(s);
	}
	demo_log("%s: action %lld on %lld job(s)", cn->user,
	    (long long)action, (long long)total[AR_SUCCESS]);
out:
	free(t.v);
	classad_expr_free(cons);
	classad_free(req);
	classad_free(res);
}
