/*
 * qmgmt.c — the QMGMT request loop (qmgmt_receivers.cpp): one message
 * per request, one reply per request (none for CloseSocket and NoAck
 * sets).  The transaction begins implicitly and works on copies of the
 * queue; nothing reaches the queue before CommitTransaction, and
 * whatever is not committed when the loop ends is discarded.  At commit
 * a job of any universe but vanilla is refused with an ErrorReason (the
 * demo schedd runs nothing else), as a schedd refuses a submit
 * requirement (cedar-protocol.md §13 row 17).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cedar/cedar.h"
#include "classad/classad.h"
#include "classad/eval.h"
#include "demo/demo_int.h"

/* QMGMT operations (qmgmt_constants.h) and flag bits. */
#define Q_NEW_CLUSTER		10002
#define Q_NEW_PROC		10003
#define Q_SET_ATTRIBUTE		10006
#define Q_COMMIT_NO_FLAGS	10007
#define Q_GET_JOB_AD		10018
#define Q_SET_BY_CONSTRAINT	10021
#define Q_BEGIN_TRANSACTION	10023
#define Q_ABORT_TRANSACTION	10024
#define Q_SET_ATTRIBUTE2	10027
#define Q_CLOSE_SOCKET		10028
#define Q_COMMIT		10031
#define Q_SET_BY_CONSTRAINT2	10032
#define Q_GET_CAPABILITIES	10036
#define Q_FLAG_NOACK		0x02
#define Q_FLAG_ONLY_MY_JOBS	0x10

/* A cluster created in this transaction, with its cluster ad. */
struct newc {
	int64_t		 id, nprocs;
	struct classad	*ad;
};

/* The open transaction: the queue as it sees it, loaded at its first
 * operation, each job marked when it changed. */
struct tx {
	struct demo_jobs work;
	unsigned char	*dirty;
	int		 loaded;
	struct newc	*nc;
	size_t		 nnc;
	int		 poison;	/* errno of a failed NoAck set, or 0 */
	char		 poison_name[128];
};

/* Load the queue into the transaction at its first operation. */
static int
tx_load(struct demo *d, struct tx *tx)
{
	size_t	 i;

	if (tx->loaded)
		return 0;
	if (queue_read(d) == -1)
		return -1;
	for (i = 0; i < d->jobs.n; i++)
		if (jobs_add(&tx->work, ad_copy(d->jobs.ad[i])) == -1)
			return -1;
	if ((tx->dirty = calloc(tx->work.n + 1, 1)) == NULL)
		return -1;
	tx->loaded = 1;
	return 0;
}

/* Forget the transaction (abort, or after a commit).  The cluster ids
 * it used are not given out again. */
static void
tx_end(struct tx *tx)
{
	size_t	 i;

	jobs_free(&tx->work);
	free(tx->dirty);
	for (i = 0; i < tx->nnc; i++)
		classad_free(tx->nc[i].ad);
	free(tx->nc);
	memset(tx, 0, sizeof(*tx));
}

/* The new cluster C of this transaction, or NULL. */
static struct newc *
tx_cluster(struct tx *tx, int64_t c)
{
	size_t	 i;

	for (i = 0; i < tx->nnc; i++)
		if (tx->nc[i].id == c)
			return &tx->nc[i];
	return NULL;
}

/* Attributes only the schedd sets once a job is committed
 * (SYSTEM_IMMUTABLE_JOB_ATTRS). */
static int
immutable(const char *name)
{
	static const char *const v[] = { "Owner", "ClusterId", "ProcId",
		"JobUniverse", "MyType", "TargetType", "User", "OsUser" };
	size_t	 i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcasecmp(name, v[i]) == 0)
			return 1;
	return 0;
}

/* Attributes only the schedd may set (SYSTEM_SECURE_JOB_ATTRS): a set
 * answers 0 and changes nothing. */
static int
secure_attr(const char *name)
{
	return strncasecmp(name, "AuthToken", 9) == 0 ||
	    strncasecmp(name, "x509UserProxy", 13) == 0 ||
	    strcasecmp(name, "TotalSubmitProcs") == 0;
}

/* An attribute name as the schedd accepts it. */
static int
attr_name_ok(const char *s)
{
	if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') && *s != '_')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_')
			return 0;
	return 1;
}

/* Store NAME = VALUE in AD.  A value that does not parse is answered 0
 * and not stored, as the schedd does
 * (tests/conformance/cedar/client-error-setattr-immutable). */
static void
store(struct classad *ad, const char *name, const char *value)
{
	struct classad_expr	*e = NULL;

	if (classad_parse_expr(value, CLASSAD_OLD_SYNTAX, &e, NULL, 0) == 0)
		classad_insert_parsed(ad, name, e);
}

/* Checks of a set on a job of a new cluster: ClusterId and ProcId must
 * be its own ids, Owner the caller.  0 or the errno. */
static int
check_new(struct demo_conn *cn, const char *name, const char *value,
    int64_t c, int64_t p)
{
	struct classad_expr	*e = NULL;
	const char		*str;
	int64_t			 v;
	int			 rc = 0;

	if (strcasecmp(name, "ClusterId") != 0 &&
	    strcasecmp(name, "ProcId") != 0 && strcasecmp(name, "Owner") != 0)
		return 0;
	if (classad_parse_expr(value, CLASSAD_OLD_SYNTAX, &e, NULL, 0) == -1)
		return DEMO_EACCES;
	if (strcasecmp(name, "Owner") == 0)
		rc = classad_expr_type(e) == CLASSAD_UNDEFINED ||
		    (classad_expr_get_string(e, &str, NULL) == 0 &&
		    strcmp(str, cn->owner) == 0) ? 0 : DEMO_EACCES;
	else if (classad_expr_get_int(e, &v) == -1 ||
	    v != (strcasecmp(name, "ClusterId") == 0 ? c : p))
		rc = DEMO_EACCES;
	classad_expr_free(e);
	return rc;
}

/* Does job I of the transaction belong to cluster C (and proc P, unless
 * P is -1)? */
static int
tx_match(const struct tx *tx, size_t i, int64_t c, int64_t p)
{
	int64_t	 jc = -1, jp = -1;

	classad_lookup_int(tx->work.ad[i], "ClusterId", &jc);
	classad_lookup_int(tx->work.ad[i], "ProcId", &jp);
	return jc == c && (p == -1 || jp == p);
}

/* SetAttribute on a job or cluster ad of a new cluster: 0 or the
 * errno. */
static int
set_new(struct demo_conn *cn, struct tx *tx, struct newc *nc, int64_t p,
    const char *value, const char *name)
{
	long	 idx;
	int	 e;

	if ((e = check_new(cn, name, value, nc->id, p)) != 0)
		return e;
	if (p == -1) {
		store(nc->ad, name, value);
		return 0;
	}
	if ((idx = jobs_find(&tx->work, nc->id, p)) < 0)
		return DEMO_ENOENT;
	store(tx->work.ad[idx], name, value);
	tx->dirty[idx] = 1;
	return 0;
}

/* SetAttribute (C.P, or every job of cluster C for P = -1): 0 or the
 * errno. */
static int
set_attr(struct demo_conn *cn, struct tx *tx, int64_t c, int64_t p,
    const char *value, const char *name)
{
	struct newc	*nc;
	size_t		 i, n = 0;

	if (!attr_name_ok(name) || *value == '\0')
		return DEMO_EINVAL;
	if (!cn->write)
		return DEMO_EACCES;
	if (tx_load(cn->d, tx) == -1)
		return DEMO_EINVAL;
	if ((nc = tx_cluster(tx, c)) != NULL)
		return set_new(cn, tx, nc, p, value, name);
	for (i = 0; i < tx->work.n; i++) {
		if (!tx_match(tx, i, c, p))
			continue;
		n++;
		if (!owned_by(tx->work.ad[i], cn->owner) || immutable(name))
			return DEMO_EACCES;
	}
	if (n == 0)
		return DEMO_ENOENT;
	if (secure_attr(name))
		return 0;
	for (i = 0; i < tx->work.n; i++)
		if (tx_match(tx, i, c, p)) {
			store(tx->work.ad[i], name, value);
			tx->dirty[i] = 1;
		}
	return 0;
}

/* SetAttributeByConstraint: every matching job of the caller (with
 * OnlyMyJobs; without it, a match owned by someone else refuses the
 * whole request).  The number of jobs, or -errno. */
static int64_t
set_by_constraint(struct demo_conn *cn, struct tx *tx,
    const char *constraint, const char *value, const char *name, int flags)
{
	struct classad_expr	*cons = NULL;
	int64_t			 n = 0, c;
	size_t			 i;
	int			 e = 0;

	if (!attr_name_ok(name) || *value == '\0')
		return -DEMO_EINVAL;
	if (!cn->write)
		return -DEMO_EACCES;
	if (classad_parse_expr(constraint, CLASSAD_OLD_SYNTAX, &cons, NULL,
	    0) == -1 || tx_load(cn->d, tx) == -1) {
		classad_expr_free(cons);
		return -DEMO_EINVAL;
	}
	for (i = 0; i < tx->work.n && e == 0; i++) {
		if (classad_eval_match(cons, tx->work.ad[i]) != 1)
			continue;
		if (!owned_by(tx->work.ad[i], cn->owner)) {
			if (!(flags & Q_FLAG_ONLY_MY_JOBS))
				e = DEMO_EACCES;
			continue;
		}
		/* Only the jobs of a cluster made in this transaction may
		 * still get their immutable attributes. */
		if (immutable(name) && (classad_lookup_int(tx->work.ad[i],
		    "ClusterId", &c) == -1 || tx_cluster(tx, c) == NULL))
			e = DEMO_EACCES;
		n++;
	}
	if (e == 0 && n == 0)
		e = DEMO_ENOENT;
	if (e == 0 && !secure_attr(name))
		for (i = 0; i < tx->work.n; i++)
			if (classad_eval_match(cons, tx->work.ad[i]) == 1 &&
			    owned_by(tx->work.ad[i], cn->owner)) {
				store(tx->work.ad[i], name, value);
				tx->dirty[i] = 1;
			}
	classad_expr_free(cons);
	return e != 0 ? -e : n;
}

/* Complete a new job as the schedd does at commit: its cluster ad's
 * attributes, Owner and User, and the spool rewrite of a job submitted
 * held for spooling.  A universe the demo schedd cannot run refuses the
 * commit: 0, or -1 with REASON. */
static int
commit_new_job(struct demo_conn *cn, struct classad *job,
    const struct newc *nc, char *reason, size_t reasonlen)
{
	int64_t		 p = 0, hc = 0, u = 0;
	const char	*o;
	size_t		 k;

	for (k = 0; k < classad_count(nc->ad); k++)
		if (classad_lookup(job, classad_name_at(nc->ad, k)) == NULL)
			classad_insert_parsed(job, classad_name_at(nc->ad, k),
			    classad_expr_copy(classad_expr_at(nc->ad, k)));
	if (classad_lookup_int(job, "JobUniverse", &u) == -1 ||
	    u != DEMO_VANILLA) {
		snprintf(reason, reasonlen, "the demo schedd runs only "
		    "vanilla universe jobs (JobUniverse 5), not JobUniverse "
		    "%lld", (long long)u);
		return -1;
	}
	if (classad_lookup_string(job, "Owner", &o) == -1)
		classad_insert_string(job, "Owner", cn->owner);
	classad_insert_string(job, "User", cn->user);
	classad_lookup_int(job, "ProcId", &p);
	if (classad_lookup_int(job, "HoldReasonCode", &hc) == 0 &&
	    hc == DEMO_HOLD_SPOOLING)
		spool_rewrite(cn->d, job, nc->id, p);
	return 0;
}

/* CommitTransaction: new jobs are completed (and may be refused), then
 * the changed jobs replace theirs in the queue and the new ones join it.
 * 0, or the errno with *CODE and REASON for the error ad. */
static int
commit(struct demo_conn *cn, struct tx *tx, int64_t *code, char *reason,
    size_t reasonlen)
{
	struct demo	*d = cn->d;
	struct newc	*nc;
	size_t		 i;
	int64_t		 c, p;
	long		 idx;
	int		 e;

	if (tx->poison) {
		*code = 1;
		snprintf(reason, reasonlen, "setting %s failed (errno %d)",
		    tx->poison_name, tx->poison);
		return tx->poison;
	}
	if (!tx->loaded)
		return 0;
	for (i = 0; i < tx->work.n; i++)
		if (classad_lookup_int(tx->work.ad[i], "ClusterId", &c) == 0 &&
		    (nc = tx_cluster(tx, c)) != NULL &&
		    commit_new_job(cn, tx->work.ad[i], nc, reason,
		    reasonlen) == -1) {
			*code = 2;
			return DEMO_EINVAL;
		}
	queue_lock(d, F_WRLCK);
	if (queue_load(d) == -1) {
		queue_lock(d, F_UNLCK);
		*code = 1;
		snprintf(reason, reasonlen, "the demo schedd cannot read "
		    "its queue");
		return DEMO_EINVAL;
	}
	for (i = 0; i < tx->work.n; i++) {
		if (!tx->dirty[i] ||
		    classad_lookup_int(tx->work.ad[i], "ClusterId", &c) == -1 ||
		    classad_lookup_int(tx->work.ad[i], "ProcId", &p) == -1)
			continue;
		if ((idx = jobs_find(&d->jobs, c, p)) >= 0) {
			classad_free(d->jobs.ad[idx]);
			d->jobs.ad[idx] = tx->work.ad[i];
		} else if (tx_cluster(tx, c) == NULL ||
		    jobs_add(&d->jobs, tx->work.ad[i]) == -1)
			continue;	/* removed meanwhile, or no memory */
		tx->work.ad[i] = NULL;
	}
	e = queue_save(d);
	queue_lock(d, F_UNLCK);
	if (e == -1) {
		*code = 1;
		snprintf(reason, reasonlen, "the demo schedd cannot write "
		    "its queue");
		return DEMO_EINVAL;
	}
	return 0;
}

/* Send the standard reply: rval, and errno when it is negative. */
static int
reply(struct cedar_stream *s, int64_t rval, int e)
{
	if (cedar_put_int(s, rval) == -1 ||
	    (rval < 0 && cedar_put_int(s, e) == -1))
		return -1;
	return cedar_send_eom(s);
}

/* GetJobAd: rval 0 and the ad without private attributes, or -1 with
 * errno 0 (tests/conformance/cedar/client-error-setattr-nonexistent-job). */
static int
get_job_ad(struct demo_conn *cn, struct tx *tx, int64_t c, int64_t p)
{
	const struct demo_jobs	*j = &tx->work;
	const struct classad	*ad = NULL;
	struct classad		*out;
	struct newc		*nc;
	long			 idx;
	size_t			 i;
	int			 rc;

	if (!tx->loaded) {
		if (queue_read(cn->d) == -1)
			return reply(cn->s, -1, 0);
		j = &cn->d->jobs;
	}
	if (p == -1 && (nc = tx_cluster(tx, c)) != NULL)
		ad = nc->ad;
	else if ((idx = jobs_find(j, c, p)) >= 0)
		ad = j->ad[idx];
	if (ad == NULL || (out = classad_new()) == NULL)
		return reply(cn->s, -1, 0);
	for (i = 0; i < classad_count(ad); i++)
		if (!classad_attr_is_private(classad_name_at(ad, i)))
			classad_insert_parsed(out, classad_name_at(ad, i),
			    classad_expr_copy(classad_expr_at(ad, i)));
	rc = cedar_put_int(cn->s, 0) == -1 ||
	    cedar_put_classad(cn->s, out) == -1 ? -1 : cedar_send_eom(cn->s);
	classad_free(out);
	return rc;
}

/* NewCluster: a fresh id, for this transaction. */
static int
new_cluster(struct demo_conn *cn, struct tx *tx)
{
	struct newc	*v;
	int64_t		 c;

	if (!cn->write)
		return reply(cn->s, -1, DEMO_EACCES);
	if (tx_load(cn->d, tx) == -1 || (v = reallocarray(tx->nc,
	    tx->nnc + 1, sizeof(*v))) == NULL)
		return reply(cn->s, -1, DEMO_EINVAL);
	tx->nc = v;
	if ((c = queue_new_cluster(cn->d)) == -1 ||
	    (v[tx->nnc].ad = classad_new()) == NULL)
		return reply(cn->s, -1, DEMO_EINVAL);
	v[tx->nnc].id = c;
	v[tx->nnc++].nprocs = 0;
	return reply(cn->s, c, 0);
}

/* NewProc: the next proc of a cluster made in this transaction. */
static int
new_proc(struct demo_conn *cn, struct tx *tx, int64_t c)
{
	struct newc	*nc;
	struct classad	*ad;
	unsigned char	*dirty;
	int64_t		 p;

	if (!cn->write || (nc = tx_cluster(tx, c)) == NULL)
		return reply(cn->s, -1, DEMO_EACCES);
	if ((ad = classad_new()) == NULL ||
	    (dirty = realloc(tx->dirty, tx->work.n + 1)) == NULL) {
		classad_free(ad);
		return reply(cn->s, -1, DEMO_EINVAL);
	}
	tx->dirty = dirty;
	p = nc->nprocs++;
	classad_insert_int(ad, "ClusterId", c);
	classad_insert_int(ad, "ProcId", p);
	if (jobs_add(&tx->work, ad) == -1)
		return reply(cn->s, -1, DEMO_EINVAL);
	tx->dirty[tx->work.n - 1] = 1;
	return reply(cn->s, p, 0);
}

/* CommitTransaction's answer: rval, errno and the error ad in one
 * message. */
static int
commit_reply(struct demo_conn *cn, struct tx *tx)
{
	struct classad	*ad;
	char		 reason[512];
	int64_t		 code = 0;
	int		 e, rc;

	e = commit(cn, tx, &code, reason, sizeof(reason));
	tx_end(tx);
	if (e != 0)
		demo_log("%s: commit refused: %s", cn->user, reason);
	if ((ad = classad_new()) == NULL)
		return -1;
	if (e != 0) {
		classad_insert_int(ad, "ErrorCode", code);
		classad_insert_string(ad, "ErrorReason", reason);
	}
	rc = cedar_put_int(cn->s, e ? -1 : 0) == -1 ||
	    (e && cedar_put_int(cn->s, e) == -1) ||
	    cedar_put_classad(cn->s, ad) == -1 ? -1 : cedar_send_eom(cn->s);
	classad_free(ad);
	return rc;
}

/* GetCapabilities: what the client may use. */
static int
capabilities(struct cedar_stream *s)
{
	struct classad	*ad;
	int		 rc;

	if ((ad = classad_new()) == NULL)
		return -1;
	classad_insert_bool(ad, "UseJobsets", 0);
	classad_insert_bool(ad, "LateMaterialize", 0);
	rc = send_ad(s, ad, NULL);
	classad_free(ad);
	return rc;
}

/* A SetAttribute request (flags only for SetAttribute2). */
static int
op_set(struct demo_conn *cn, struct tx *tx, int64_t op)
{
	char		*value = NULL, *name = NULL;
	unsigned char	 flags = 0;
	int64_t		 c, p;
	int		 e, rc = -1;

	if (cedar_get_int(cn->s, &c) == -1 || cedar_get_int(cn->s, &p) == -1 ||
	    cedar_get_string(cn->s, &value) == -1 ||
	    cedar_get_string(cn->s, &name) == -1 ||
	    (op == Q_SET_ATTRIBUTE2 &&
	    cedar_get_bytes(cn->s, &flags, 1) == -1) ||
	    cedar_recv_eom(cn->s) == -1)
		goto out;
	e = set_attr(cn, tx, c, p, value, name);
	if (flags & Q_FLAG_NOACK) {
		if (e != 0 && tx->poison == 0) {
			tx->poison = e;
			snprintf(tx->poison_name, sizeof(tx->poison_name),
			    "%s", name);
		}
		rc = 0;
	} else
		rc = reply(cn->s, e ? -1 : 0, e);
out:
	free(value);
	free(name);
	return rc;
}

/* A SetAttributeByConstraint request. */
static int
op_set_by_constraint(struct demo_conn *cn, struct tx *tx, int64_t op)
{
	char		*value = NULL, *name = NULL, *cons = NULL;
	unsigned char	 flags = 0;
	int64_t		 v;
	int		 rc = -1;

	if (cedar_get_string(cn->s, &cons) == -1 ||
	    cedar_get_string(cn->s, &value) == -1 ||
	    cedar_get_string(cn->s, &name) == -1 ||
	    (op == Q_SET_BY_CONSTRAINT2 &&
	    cedar_get_bytes(cn->s, &flags, 1) == -1) ||
	    cedar_recv_eom(cn->s) == -1)
		goto out;
	v = set_by_constraint(cn, tx, cons, value, name, flags);
	rc = v < 0 ? reply(cn->s, -1, (int)-v) : reply(cn->s, v, 0);
out:
	free(value);
	free(name);
	free(cons);
	return rc;
}

/* One request: 0 to go on, -1 to close the connection. */
static int
qmgmt_op(struct demo_conn *cn, struct tx *tx, int64_t op)
{
	struct cedar_stream	*s = cn->s;
	int64_t			 c, p, v;

	switch (op) {
	case Q_NEW_CLUSTER:
		return cedar_recv_eom(s) == -1 ? -1 : new_cluster(cn, tx);
	case Q_NEW_PROC:
		return cedar_get_int(s, &c) == -1 ||
		    cedar_recv_eom(s) == -1 ? -1 : new_proc(cn, tx, c);
	case Q_SET_ATTRIBUTE:
	case Q_SET_ATTRIBUTE2:
		return op_set(cn, tx, op);
	case Q_SET_BY_CONSTRAINT:
	case Q_SET_BY_CONSTRAINT2:
		return op_set_by_constraint(cn, tx, op);
	case Q_GET_JOB_AD:
		return cedar_get_int(s, &c) == -1 ||
		    cedar_get_int(s, &p) == -1 || cedar_recv_eom(s) == -1 ?
		    -1 : get_job_ad(cn, tx, c, p);
	case Q_COMMIT:
	case Q_COMMIT_NO_FLAGS:
		return (op == Q_COMMIT && cedar_get_int(s, &v) == -1) ||
		    cedar_recv_eom(s) == -1 ? -1 : commit_reply(cn, tx);
	case Q_BEGIN_TRANSACTION:
	case Q_ABORT_TRANSACTION:
		if (cedar_recv_eom(s) == -1)
			return -1;
		if (op == Q_ABORT_TRANSACTION)
			tx_end(tx);
		return reply(s, 0, 0);
	case Q_GET_CAPABILITIES:
		return cedar_get_int(s, &v) == -1 ||
		    cedar_recv_eom(s) == -1 ? -1 : capabilities(s);
	case Q_CLOSE_SOCKET:
		(void)cedar_recv_eom(s);
		return -1;
	default:
		demo_log("%s: unknown QMGMT operation %lld, closing",
		    cn->user, (long long)op);
		return -1;
	}
}

/* The request loop, until the client closes or goes idle. */
void
qmgmt(struct demo_conn *cn)
{
	struct tx	 tx;
	int64_t		 op;

	memset(&tx, 0, sizeof(tx));
	while (cedar_get_int(cn->s, &op) == 0 && qmgmt_op(cn, &tx, op) == 0)
		;
	tx_end(&tx);
}
