/*
 * spool.c — job directories and the two sandbox commands.  Job C.P's
 * directory is <state>/spool/C/P: SPOOL_JOB_FILES_WITH_PERMS fills it
 * with the input sandbox (via a temporary directory renamed when all
 * arrived) and releases the job; the job runs in it (run.c), so its
 * output files are left there; TRANSFER_DATA_WITH_PERMS sends its output
 * files (stdout, stderr and what the job made or changed), a directory
 * before what is in it (schedd.cpp spoolJobFiles, file_transfer.cpp).  The runner removes it when the job has left the
 * queue (run.c).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "classad/eval.h"
#include "demo/demo_int.h"

#define SPOOL_MAX_JOBS	10000	/* jobs in one SPOOL_JOB_FILES request */

/* Job C.P's directory. */
void
spool_dir(const struct demo *d, struct buf *b, int64_t c, int64_t p)
{
	buf_addf(b, "%s/spool/%lld/%lld", d->state, (long long)c,
	    (long long)p);
}

/* The last component of PATH. */
static const char *
base_name(const char *path)
{
	const char	*sl = strrchr(path, '/');

	return sl != NULL ? sl + 1 : path;
}

/* Is boolean attribute NAME of JOB explicitly false? */
static int
is_false(const struct classad *job, const char *name)
{
	int	 v;

	return classad_lookup_bool(job, name, &v) == 0 && !v;
}

/* Replace string NAME of JOB by its basename (copied first: the insert
 * may move the ad's strings). */
static void
to_basename(struct classad *job, const char *name)
{
	struct buf	 b = BUF_INIT;
	const char	*v;

	if (classad_lookup_string(job, name, &v) == -1)
		return;
	buf_adds(&b, base_name(v));
	classad_insert_string(job, name, buf_str(&b));
	buf_free(&b);
}

/* TransferInput as the schedd rewrites it for a spooled job: each entry
 * to its basename, relative ones kept with PreserveRelativePaths, URLs
 * untouched; SUBMIT_TransferInput keeps the original. */
static void
rewrite_transfer_input(struct classad *job)
{
	struct buf	 orig = BUF_INIT, out = BUF_INIT;
	const char	*v, *p, *e;
	char		 item[4096];
	size_t		 n;
	int		 keep_rel = 0;

	if (classad_lookup_string(job, "TransferInput", &v) == -1)
		return;
	buf_adds(&orig, v);
	classad_lookup_bool(job, "PreserveRelativePaths", &keep_rel);
	for (p = buf_str(&orig); *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(item))
			continue;
		memcpy(item, p, n);
		item[n] = '\0';
		if (out.len > 0)
			buf_addc(&out, ',');
		if (strstr(item, "://") != NULL ||
		    (keep_rel && item[0] != '/'))
			buf_adds(&out, item);
		else
			buf_adds(&out, base_name(item));
	}
	classad_insert_string(job, "SUBMIT_TransferInput", buf_str(&orig));
	classad_insert_string(job, "TransferInput", buf_str(&out));
	buf_free(&orig);
	buf_free(&out);
}

/* What the schedd does at commit to a job submitted held for spooling
 * (HoldReasonCode 16, cedar-protocol.md 9.3.3): the job runs in its
 * spool directory, so Iwd moves there (SUBMIT_Iwd keeps the old one) and
 * the input files it names become names inside it. */
void
spool_rewrite(const struct demo *d, struct classad *job, int64_t c,
    int64_t p)
{
	struct buf	 b = BUF_INIT;
	const char	*v;

	if (classad_lookup_string(job, "Iwd", &v) == 0) {
		buf_adds(&b, v);
		classad_insert_string(job, "SUBMIT_Iwd", buf_str(&b));
		buf_reset(&b);
	}
	spool_dir(d, &b, c, p);
	classad_insert_string(job, "Iwd", buf_str(&b));
	buf_free(&b);
	if (!is_false(job, "TransferExecutable"))
		to_basename(job, "Cmd");
	if (!is_false(job, "TransferIn") &&
	    (classad_lookup_string(job, "In", &v) == -1 ||
	    strcmp(v, "/dev/null") != 0))
		to_basename(job, "In");
	rewrite_transfer_input(job);
}

/* mkdir -p, private to the user running the demo: 0, or -1. */
int
mkdirs(const char *path)
{
	char	 tmp[4096], *p;

	if (snprintf(tmp, sizeof(tmp), "%s", path) >= (int)sizeof(tmp))
		return -1;
	for (p = tmp + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(tmp, 0700) == -1 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(tmp, 0700) == -1 && errno != EEXIST ? -1 : 0;
}

/* Receive one job's input sandbox into DIR (the FileTransfer download of
 * a spool, final_transfer 0).  0, or -1. */
static int
spool_receive(struct cedar_stream *s, const char *dir)
{
	struct cedar_xfer	*x;
	struct cedar_xfer_entry	 e;
	struct buf		 path = BUF_INIT;
	unsigned char		 chunk[65536];
	int64_t			 total;
	ssize_t			 r = 0;
	int			 final, fd, rc = 0;

	if ((x = cedar_xfer_new(s)) == NULL ||
	    cedar_xfer_get_preamble(x, &final, &total) == -1)
		rc = -1;
	while (rc == 0 && cedar_xfer_get_next(x, &e) == 0 &&
	    e.kind != CEDAR_XFER_END) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, e.name);
		if (e.kind == CEDAR_XFER_DIR) {
			if (mkdir(buf_str(&path), 0700 | (e.mode & 0777)) == -1)
				rc = -1;
			continue;
		}
		fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_TRUNC |
		    O_NOFOLLOW | O_CLOEXEC, 0600 | (e.mode & 0777));
		while (fd != -1 && (r = cedar_xfer_get_data(x, chunk,
		    sizeof(chunk))) > 0)
			if (write(fd, chunk, (size_t)r) != r)
				rc = -1;
		if (fd == -1 || r < 0)
			rc = -1;
		if (fd != -1)
			close(fd);
	}
	if (rc == 0 && cedar_status(s) != CEDAR_OK)
		rc = -1;
	if (rc == 0 && cedar_xfer_get_finish(x, 1, NULL) == -1)
		rc = -1;
	if (rc != 0)
		demo_log("spool: %s", cedar_error(s));
	cedar_xfer_free(x);
	buf_free(&path);
	return rc;
}

/* After the spool: each job is released ("Data files spooled") with
 * StageInFinish, or, when the transfer failed, removed as the schedd's
 * spoolJobFilesReaper aborts it. */
static void
spool_finish(struct demo *d, const int64_t *ids, size_t n, int ok)
{
	struct classad	*job;
	int64_t		 now = (int64_t)time(NULL);
	size_t		 i;
	long		 idx;

	queue_lock(d, F_WRLCK);
	if (queue_load(d) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if ((idx = jobs_find(&d->jobs, ids[2 * i], ids[2 * i + 1])) < 0)
			continue;
		job = d->jobs.ad[idx];
		classad_insert_int(job, "LastJobStatus", DEMO_HELD);
		classad_insert_int(job, "EnteredCurrentStatus", now);
		if (ok) {
			classad_insert_int(job, "JobStatus", DEMO_IDLE);
			classad_insert_int(job, "StageInFinish", now);
			classad_delete(job, "HoldReason");
			classad_delete(job, "HoldReasonCode");
			classad_delete(job, "HoldReasonSubCode");
			classad_insert_string(job, "ReleaseReason",
			    "Data files spooled");
			continue;
		}
		classad_insert_int(job, "JobStatus", DEMO_REMOVED);
		classad_insert_string(job, "RemoveReason",
		    "Staging of job files failed");
		classad_insert_int(job, "CompletionDate", now);
		if (jobs_add(&d->hist, job) == 0)
			jobs_del(&d->jobs, (size_t)idx);
	}
	queue_save(d);
out:
	queue_lock(d, F_UNLCK);
}

/* Are the N jobs IDS all the caller's, held waiting for their input? */
static int
spool_expected(struct demo_conn *cn, const int64_t *ids, int64_t n)
{
	const struct classad	*job;
	int64_t			 i, st, code;
	long			 idx;

	if (queue_read(cn->d) == -1)
		return 0;
	for (i = 0; i < n; i++) {
		idx = jobs_find(&cn->d->jobs, ids[2 * i], ids[2 * i + 1]);
		st = code = 0;
		if (idx < 0)
			return 0;
		job = cn->d->jobs.ad[idx];
		classad_lookup_int(job, "JobStatus", &st);
		classad_lookup_int(job, "HoldReasonCode", &code);
		if (!owned_by(job, cn->owner) || st != DEMO_HELD ||
		    code != DEMO_HOLD_SPOOLING ||
		    classad_lookup(job, "StageInFinish") != NULL)
			return 0;
	}
	return 1;
}

/* SPOOL_JOB_FILES_WITH_PERMS: the caller's jobs held for spooling, or a
 * silent close; each job's files into a temporary directory, moved into
 * its spool directory once all arrived; then int 1.  A failure after the
 * ids removes the jobs. */
void
spool_job_files(struct demo_conn *cn)
{
	struct cedar_stream	*s = cn->s;
	struct buf		 dir = BUF_INIT, tmp = BUF_INIT;
	char			*version = NULL;
	int64_t			 n, i, *ids = NULL;
	int			 ok = 1;

	if (cedar_get_string(s, &version) == -1 ||
	    cedar_get_int_range(s, 1, SPOOL_MAX_JOBS, &n) == -1 ||
	    cedar_recv_eom(s) == -1 ||
	    (ids = calloc((size_t)n * 2, sizeof(*ids))) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (cedar_get_int(s, &ids[2 * i]) == -1 ||
		    cedar_get_int(s, &ids[2 * i + 1]) == -1)
			goto out;
	if (cedar_recv_eom(s) == -1 || !spool_expected(cn, ids, n))
		goto out;
	for (i = 0; i < n && ok; i++) {
		buf_reset(&tmp);
		spool_dir(cn->d, &tmp, ids[2 * i], ids[2 * i + 1]);
		buf_addf(&tmp, ".tmp%ld", (long)getpid());
		(void)file_remove_tree(buf_str(&tmp));
		ok = mkdirs(buf_str(&tmp)) == 0 &&
		    spool_receive(s, buf_str(&tmp)) == 0;
	}
	for (i = 0; i < n; i++) {
		buf_reset(&dir);
		spool_dir(cn->d, &dir, ids[2 * i], ids[2 * i + 1]);
		buf_reset(&tmp);
		buf_addf(&tmp, "%s.tmp%ld", buf_str(&dir), (long)getpid());
		if (ok) {
			(void)file_remove_tree(buf_str(&dir));
			if (rename(buf_str(&tmp), buf_str(&dir)) == -1)
				ok = 0;
		} else
			(void)file_remove_tree(buf_str(&tmp));
	}
	/* Released before the answer, so a client that got it sees the
	 * job idle at once. */
	spool_finish(cn->d, ids, (size_t)n, ok);
	demo_log("%s: spool of %lld job(s) %s", cn->user, (long long)n,
	    ok ? "done" : "failed, jobs removed");
	if (ok) {
		cedar_put_int(s, 1);
		cedar_send_eom(s);
	}
out:
	free(version);
	free(ids);
	buf_free(&dir);
	buf_free(&tmp);
}

/* One entry of a job directory, in wire order. */
struct entry {
	char	*rel;
	int	 dir;
	int64_t	 mode, size;
};

struct entries {
	struct entry	*v;
	size_t		 n;
};

/* Is NAME, at the top of job JOB's directory, one of its output files:
 * its stdout or stderr, or a name in SpooledOutputFiles (what the job
 * made or changed while it ran, run.c)?  As HTCondor's transfer sends
 * back only those, never the input sandbox it was given. */
static int
is_output(const struct classad *job, const char *name)
{
	static const char *const std[] = { "Out", "Err" };
	const char	*v, *base;
	size_t		 i, n, len = strlen(name);

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (classad_lookup_string(job, std[i], &v) == 0) {
			base = strrchr(v, '/') ? strrchr(v, '/') + 1 : v;
			if (strcmp(base, name) == 0)
				return 1;
		}
	if (classad_lookup_string(job, "SpooledOutputFiles", &v) == -1)
		return 0;
	for (; *v != '\0'; v += n) {
		v += strspn(v, ", ");
		n = strcspn(v, ",");
		while (n > 0 && v[n - 1] == ' ')
			n--;
		if (n == len && strncmp(v, name, len) == 0)
			return 1;
		n += strcspn(v + n, ",");
	}
	return 0;
}

/* Everything under BASE/REL, sorted by name, a directory before what is
 * in it; *TOTAL gets the files' bytes.  Other file types are left out,
 * and at the top, with JOB, what is not one of its output files. */
static void
list_dir(const char *base, const char *rel, const struct classad *job,
    struct entries *l, int64_t *total)
{
	struct dirent	**names;
	struct stat	  sb;
	struct buf	  full = BUF_INIT, r = BUF_INIT;
	struct entry	 *v;
	int		  n, i;

	buf_addf(&full, "%s%s%s", base, *rel ? "/" : "", rel);
	if ((n = scandir(buf_str(&full), &names, NULL, alphasort)) < 0) {
		buf_free(&full);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") == 0 ||
		    strcmp(names[i]->d_name, "..") == 0 ||
		    (job != NULL && *rel == '\0' &&
		    !is_output(job, names[i]->d_name)))
			goto next;
		buf_reset(&r);
		buf_addf(&r, "%s%s%s", rel, *rel ? "/" : "",
		    names[i]->d_name);
		buf_reset(&full);
		buf_addf(&full, "%s/%s", base, buf_str(&r));
		if (lstat(buf_str(&full), &sb) == -1 ||
		    !(S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)) ||
		    (v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL)
			goto next;
		l->v = v;
		if ((v[l->n].rel = strdup(buf_str(&r))) == NULL)
			goto next;
		v[l->n].dir = S_ISDIR(sb.st_mode);
		v[l->n].mode = sb.st_mode & 0777;
		v[l->n].size = S_ISDIR(sb.st_mode) ? 0 : sb.st_size;
		l->n++;
		if (S_ISDIR(sb.st_mode))
			list_dir(base, buf_str(&r), NULL, l, total);
		else
			*total += sb.st_size;
next:
		free(names[i]);
	}
	free(names);
	buf_free(&full);
	buf_free(&r);
}

/* Send the file DIR/REL of SIZE bytes as the current entry's data. */
static int
send_file(struct cedar_xfer *x, const char *dir, const char *rel)
{
	struct buf	 path = BUF_INIT;
	unsigned char	 chunk[65536];
	ssize_t		 r = 0;
	int		 fd, rc = 0;

	buf_addf(&path, "%s/%s", dir, rel);
	if ((fd = open(buf_str(&path), O_RDONLY | O_CLOEXEC)) != -1) {
		while (rc == 0 && (r = read(fd, chunk, sizeof(chunk))) > 0)
			rc = cedar_xfer_put_data(x, chunk, (size_t)r);
		close(fd);
	}
	buf_free(&path);
	return fd == -1 || r < 0 ? -1 : rc;
}

/* Upload job C.P's output files (final_transfer 1).  0, or -1. */
static int
transfer_send(struct demo *d, struct cedar_stream *s,
    const struct classad *job, int64_t c, int64_t p)
{
	struct cedar_xfer	*x;
	struct entries		 l = { NULL, 0 };
	struct buf		 dir = BUF_INIT;
	int64_t			 total = 0;
	size_t			 i;
	int			 rc;

	if ((x = cedar_xfer_new(s)) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	spool_dir(d, &dir, c, p);
	list_dir(buf_str(&dir), "", job, &l, &total);
	rc = cedar_xfer_put_preamble(x, 1, total);
	for (i = 0; i < l.n && rc == 0; i++) {
		if (l.v[i].dir) {
			rc = cedar_xfer_put_dir(x, l.v[i].rel, l.v[i].mode);
			continue;
		}
		rc = cedar_xfer_put_file(x, l.v[i].rel, l.v[i].mode,
		    l.v[i].size);
		if (rc == 0 && l.v[i].size > 0)
			rc = send_file(x, buf_str(&dir), l.v[i].rel);
	}
	if (rc == 0)
		rc = cedar_xfer_put_finish(x, 1, NULL);
	for (i = 0; i < l.n; i++)
		free(l.v[i].rel);
	free(l.v);
	cedar_xfer_free(x);
	buf_free(&dir);
	return rc;
}

/* Set attribute NAME to now on the jobs IDS that have completed or were
 * removed (only those get StageOutStart/StageOutFinish). */
static void
stage_out_mark(struct demo *d, const int64_t *ids, size_t n,
    const char *name)
{
	int64_t	 st;
	size_t	 i;
	long	 idx;

	queue_lock(d, F_WRLCK);
	if (queue_load(d) == -1)
		goto out;
	for (i = 0; i < n; i++) {
		if ((idx = jobs_find(&d->jobs, ids[2 * i], ids[2 * i + 1])) < 0)
			continue;
		st = 0;
		classad_lookup_int(d->jobs.ad[idx], "JobStatus", &st);
		if (st == DEMO_COMPLETED || st == DEMO_REMOVED)
			classad_insert_int(d->jobs.ad[idx], name,
			    (int64_t)time(NULL));
	}
	queue_save(d);
out:
	queue_lock(d, F_UNLCK);
}

/* The caller's jobs matching CONS, as pairs C, P in *IDS: the count. */
static int64_t
transfer_select(struct demo_conn *cn, const struct classad_expr *cons,
    int64_t **ids)
{
	const struct demo_jobs	*j = &cn->d->jobs;
	int64_t			 n = 0;
	size_t			 i;

	if ((*ids = calloc(j->n * 2 + 2, sizeof(**ids))) == NULL)
		return 0;
	for (i = 0; i < j->n; i++)
		if (owned_by(j->ad[i], cn->owner) &&
		    classad_eval_match(cons, j->ad[i]) == 1 &&
		    classad_lookup_int(j->ad[i], "ClusterId",
		    &(*ids)[2 * n]) == 0 &&
		    classad_lookup_int(j->ad[i], "ProcId",
		    &(*ids)[2 * n + 1]) == 0)
			n++;
	return n;
}

/* TRANSFER_DATA_WITH_PERMS: the caller's jobs matching the constraint,
 * each as its ad and the files of its directory; a final 1 from the
 * client lets StageOutFinish be set (and so LeaveJobInQueue let the job
 * go). */
void
transfer_data(struct demo_conn *cn)
{
	struct cedar_stream	*s = cn->s;
	struct classad_expr	*cons = NULL;
	char			*version = NULL, *text = NULL;
	int64_t			*ids = NULL, n, fin;
	size_t			 k;
	long			 idx;

	if (cedar_get_string(s, &version) == -1 ||
	    cedar_get_string(s, &text) == -1 || cedar_recv_eom(s) == -1 ||
	    classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &cons, NULL,
	    0) == -1 || queue_read(cn->d) == -1)
		goto out;
	n = transfer_select(cn, cons, &ids);
	if (cedar_put_int(s, n) == -1 || cedar_send_eom(s) == -1 || n == 0)
		goto out;
	stage_out_mark(cn->d, ids, (size_t)n, "StageOutStart");
	for (k = 0; k < (size_t)n; k++) {
		idx = jobs_find(&cn->d->jobs, ids[2 * k], ids[2 * k + 1]);
		if (idx < 0 || send_ad(s, cn->d->jobs.ad[idx], NULL) == -1 ||
		    transfer_send(cn->d, s, cn->d->jobs.ad[idx], ids[2 * k],
		    ids[2 * k + 1]) == -1) {
			demo_log("transfer: %s", cedar_error(s));
			goto out;
		}
	}
	if (cedar_get_int(s, &fin) == 0 && cedar_recv_eom(s) == 0 &&
	    fin == 1)
		stage_out_mark(cn->d, ids, (size_t)n, "StageOutFinish");
out:
	classad_expr_free(cons);
	free(version);
	free(text);
	free(ids);
}
