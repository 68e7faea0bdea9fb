/*
 * sandbox.c — a job's sandboxes over HTTP: PUT …/input uploads the input
 * sandbox of a job held waiting for it, GET …/output downloads the
 * output sandbox as a tar stream, and GET …/stdout, …/stderr and
 * …/files/{name} one file of it.
 *
 * An upload is staged in an unlinked temporary file and checked whole
 * before the schedd sees a byte, so a refusal leaves the job held and a
 * retry works; once the schedd has the job ids a failure makes it remove
 * the job, and the answer says so.  A download writes each file into the
 * tar as it arrives (the protocol announces each size first), so memory
 * stays the same whatever the sandbox holds.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "api/handler.h"
#include "api/inputs.h"
#include "api/sandbox.h"
#include "api/tar.h"
#include "util/buf.h"
#include "util/file.h"
#include "classad/classad.h"
#include "http/http.h"
#include "http/json.h"
#include "schedd/schedd.h"
#include "config/settings.h"

/* ---- staging ---- */

int
sandbox_tmpfile(struct api_ctx *ctx)
{
	const char	*dir = getenv("TMPDIR");
	char		 path[4096];
	int		 fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
#ifdef O_TMPFILE
	if ((fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600)) !=
	    -1)
		return fd;
#endif
	if (snprintf(path, sizeof(path), "%s/htcondor-api.XXXXXX", dir) >=
	    (int)sizeof(path) || (fd = mkstemp(path)) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "cannot create a "
		    "temporary file in %.200s: %s", dir, strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

int
sandbox_stage_body(struct api_ctx *ctx, int fd, long long max,
    long long *len)
{
	char		 tmp[65536];
	ssize_t		 r;
	int		 rc;

	*len = 0;
	if ((rc = http_body_begin(ctx->x, max, ctx->msg,
	    sizeof(ctx->msg))) != 0)
		return rc;
	while ((r = http_body_read(ctx->x, tmp, sizeof(tmp), ctx->msg,
	    sizeof(ctx->msg))) > 0) {
		if ((*len += r) > max) {
			snprintf(ctx->msg, sizeof(ctx->msg), "request body "
			    "over %lld bytes", max);
			return 413;
		}
		if (file_write_all(fd, tmp, (size_t)r) == -1) {
			snprintf(ctx->msg, sizeof(ctx->msg), "cannot stage the "
			    "upload: %s", strerror(errno));
			return 507;
		}
	}
	return r < 0 ? (int)-r : 0;
}

long long
sandbox_body_cap(const struct settings *set)
{
	return set->max_input_bytes + set->max_input_files *
	    (long long)TAR_OVERHEAD_PER_ENTRY + TAR_SLACK;
}

/* ---- PUT /api/v1/jobs/{id}/input ---- */

/* Is the upload's Content-Type one we read: a tar, plain or gzip?  The
 * type's parameters are ignored. */
static int
tar_content_type(const char *v)
{
	static const char *const ok[] = {
		"application/x-tar", "application/gzip", "application/x-gtar",
		"application/x-gzip",
	};
	size_t	i, n;

	if (v == NULL)
		return 0;
	n = strcspn(v, "; \t");
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strlen(ok[i]) == n && strncasecmp(v, ok[i], n) == 0)
			return 1;
	return 0;
}

/* A query of the request's jobs among the caller's: the first member
 * of each query's own context, whose callback counts each job in N and
 * sets STATUS (and ctx->msg) when it stops the query. */
struct own_jobs {
	struct api_ctx	*ctx;
	int64_t		 n;
	int		 status;
};

/* What the query before an upload found out. */
struct upload_jobs {
	struct own_jobs		 oj;
	struct schedd_job_id	*ids;
	size_t			 n, cap;
	struct input_names	*names;		/* those of the first job */
	int64_t			 disk_usage, image_size; /* the first's */
};

/* One job of the upload: it must be held waiting for its input, and a
 * cluster's procs must all take the same names (one sandbox goes to
 * each). */
static int
upload_job(void *arg, const struct classad *ad)
{
	struct upload_jobs	*u = arg;
	struct api_ctx		*ctx = u->oj.ctx;
	struct input_names	*names = NULL;
	struct schedd_job_id	*ids;
	int64_t			 c = 0, p = 0, st = 0, code = 0;

	u->oj.n++;
	classad_lookup_int(ad, "ClusterId", &c);
	classad_lookup_int(ad, "ProcId", &p);
	classad_lookup_int(ad, "JobStatus", &st);
	if (st != 5 || classad_lookup_int(ad, "HoldReasonCode", &code) ==
	    -1 || code != 16) {
		snprintf(ctx->msg, sizeof(ctx->msg), "job %lld.%lld is not "
		    "waiting for its input (JobStatus %lld%s): only a job "
		    "submitted with spool and not yet given its input takes "
		    "an upload", (long long)c, (long long)p, (long long)st,
		    st == 5 ? ", held for another reason" : "");
		u->oj.status = 409;
		return -1;
	}
	if ((u->oj.status = input_names_from_ad(ad, &names, ctx->msg,
	    sizeof(ctx->msg))) != 0)
		return -1;
	if (u->names == NULL) {
		u->names = names;
		u->disk_usage = u->image_size = 0;
		classad_lookup_int(ad, "DiskUsage", &u->disk_usage);
		classad_lookup_int(ad, "ImageSize", &u->image_size);
	} else {
		if (!input_names_equal(u->names, names)) {
			snprintf(ctx->msg, sizeof(ctx->msg), "the procs of "
			    "cluster %lld name different input files (proc "
			    "%lld differs from the first): upload to each "
			    "proc on its own", (long long)c, (long long)p);
			input_names_free(names);
			u->oj.status = 400;
			return -1;
		}
		input_names_free(names);
	}
	if (u->n == u->cap) {
		u->cap = u->cap ? u->cap * 2 : 16;
		if ((ids = reallocarray(u->ids, u->cap, sizeof(*ids))) ==
		    NULL) {
			snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
			u->oj.status = 500;
			return -1;
		}
		u->ids = ids;
	}
	u->ids[u->n].cluster = (int)c;
	u->ids[u->n++].proc = (int)p;
	return 0;
}

/* The constraint that selects the request's job (or cluster) among the
 * caller's. */
static void
job_constraint(struct api_ctx *ctx, const char *user, struct buf *out)
{
	buf_reset(out);
	if (ctx->job.proc >= 0)
		buf_addf(out, "ClusterId == %d && ProcId == %d",
		    ctx->job.cluster, ctx->job.proc);
	else
		buf_addf(out, "ClusterId == %d", ctx->job.cluster);
	if (user != NULL)
		api_mine_constraint(user, out);
}

/* "C.P", or "C" for a whole cluster. */
static void
job_name(const struct api_ctx *ctx, char *out, size_t outlen)
{
	if (ctx->job.proc >= 0)
		snprintf(out, outlen, "%d.%d", ctx->job.cluster,
		    ctx->job.proc);
	else
		snprintf(out, outlen, "%d", ctx->job.cluster);
}

/* Ask for the request's jobs among the caller's with PROJECTION, each
 * to FN with OJ (the head of FN's context).  0; 404 when the caller has
 * no such job; the status FN stopped with; or the schedd's. */
static int
query_own_jobs(struct api_ctx *ctx, struct api_call *call,
    const char *projection, schedd_ad_fn fn, struct own_jobs *oj)
{
	struct schedd		 sd;
	struct job_query	 q;
	struct buf		 user = BUF_INIT, cons = BUF_INIT;
	char			 id[32];
	int			 rc;

	memset(&q, 0, sizeof(q));
	if ((rc = api_token_user(ctx, &call->token, &user)) != 0)
		goto out;
	job_constraint(ctx, buf_str(&user), &cons);
	q.constraint = buf_str(&cons);
	q.projection = projection;
	if ((rc = api_call_open(ctx, call, SCHEDD_CMD_QUERY_JOBS, &sd,
	    0)) != 0)
		goto out;
	rc = schedd_query_jobs(&sd, &q, fn, oj, ctx->msg, sizeof(ctx->msg));
	schedd_close(&sd);
	if (rc == -1)
		rc = oj->status;
	if (rc == 0 && oj->n == 0) {
		job_name(ctx, id, sizeof(id));
		snprintf(ctx->msg, sizeof(ctx->msg), "no job %s of yours", id);
		rc = 404;
	}
out:
	buf_free(&user);
	buf_free(&cons);
	return rc;
}

int
sandbox_send_sizes(struct api_ctx *ctx, struct schedd *sd,
    const struct schedd_job_id *id, const struct input_summary *sum,
    int64_t disk_usage, int64_t image_size)
{
	long long	exe_kb, in_kb;
	char		v[32];
	int		rc;

	/* condor_submit's calc_image_size_kb(): KiB, rounded up. */
	exe_kb = sum->exe_bytes > 0 ? (sum->exe_bytes + 1023) / 1024 : 0;
	in_kb = sum->input_kb;
	snprintf(v, sizeof(v), "%lld", exe_kb);
	rc = schedd_set_attr_noack(sd, id->cluster, id->proc,
	    "ExecutableSize", v, ctx->msg, sizeof(ctx->msg));
	snprintf(v, sizeof(v), "%lld", (exe_kb + in_kb + 1023) / 1024);
	if (rc == 0)
		rc = schedd_set_attr_noack(sd, id->cluster, id->proc,
		    "TransferInputSizeMB", v, ctx->msg, sizeof(ctx->msg));
	/* Only what submit could not compute: a given disk_usage or
	 * image_size is at least 1. */
	snprintf(v, sizeof(v), "%lld", exe_kb + in_kb);
	if (rc == 0 && disk_usage <= 0)
		rc = schedd_set_attr_noack(sd, id->cluster, id->proc,
		    "DiskUsage", v, ctx->msg, sizeof(ctx->msg));
	snprintf(v, sizeof(v), "%lld", exe_kb);
	if (rc == 0 && image_size <= 0)
		rc = schedd_set_attr_noack(sd, id->cluster, id->proc,
		    "ImageSize", v, ctx->msg, sizeof(ctx->msg));
	return rc;
}

/* Record the sizes condor_submit computes from the input files, now that
 * they are known, in one QMGMT transaction. */
static int
upload_sizes(struct api_ctx *ctx, struct api_call *call,
    const struct upload_jobs *u, const struct input_summary *sum)
{
	struct schedd	sd;
	size_t		i;
	int		rc;

	if ((rc = api_call_open(ctx, call, SCHEDD_CMD_QMGMT, &sd, 0)) != 0)
		return rc;
	for (i = 0, rc = 0; i < u->n && rc == 0; i++)
		rc = sandbox_send_sizes(ctx, &sd, &u->ids[i], sum,
		    u->disk_usage, u->image_size);
	if (rc == 0 && (rc = schedd_commit(&sd, ctx->msg,
	    sizeof(ctx->msg))) == 0)
		schedd_qmgmt_close(&sd);
	schedd_close(&sd);
	return rc;
}

int
sandbox_spool(struct api_ctx *ctx, struct api_call *call, int last, int fd,
    off_t off, off_t len, const struct schedd_job_id *ids, size_t n,
    const struct input_summary *sum)
{
	struct schedd		 sd;
	struct sandbox_source	 src;
	struct input_source	*is = NULL;
	char			 why[sizeof(ctx->msg)];
	int			 rc, started = 0;

	if ((rc = input_source_tar(fd, off, len, &is, &src, ctx->msg,
	    sizeof(ctx->msg))) != 0)
		return rc;
	if ((rc = api_call_open(ctx, call, SCHEDD_CMD_SPOOL, &sd,
	    last)) != 0) {
		input_source_free(is);
		return rc;
	}
	rc = schedd_spool(&sd, ids, n, sum->bytes, &src, &started, why,
	    sizeof(why));
	schedd_close(&sd);
	input_source_free(is);
	if (rc == 0)
		return 0;
	if (!started) {
		snprintf(ctx->msg, sizeof(ctx->msg), "%s", why);
		return rc;
	}
	snprintf(ctx->msg, sizeof(ctx->msg), "the upload failed after the "
	    "schedd began receiving it, so it has removed the job%s: submit "
	    "%s again (%.300s)", n > 1 ? "s" : "", n > 1 ? "them" : "it",
	    why);
	return rc == 503 ? 503 : 502;
}

/* The 200 answer of an upload. */
static int
upload_answer(struct api_ctx *ctx, const struct input_summary *sum,
    size_t njobs)
{
	struct buf	b = BUF_INIT;
	char		id[32];
	int		rc;

	job_name(ctx, id, sizeof(id));
	buf_adds(&b, "{\"job_id\": ");
	json_add_string(&b, id);
	buf_addf(&b, ", \"jobs\": %zu, \"files\": %lld, \"bytes\": %lld, "
	    "\"message\": ", njobs, (long long)sum->files,
	    (long long)sum->bytes);
	json_add_string(&b, njobs > 1 ? "input uploaded: the jobs are "
	    "released to run" : "input uploaded: the job is released to run");
	buf_adds(&b, "}\n");
	rc = http_respond(ctx->x, 200, "application/json", b.data, b.len,
	    NULL);
	buf_free(&b);
	return rc == -1 ? api_stream_result(ctx, -1) : 0;
}

int
sandbox_check(struct api_ctx *ctx, int fd, off_t off, off_t len,
    struct input_names *names, struct input_summary *sum)
{
	struct input_limits	lim;

	lim.max_bytes = ctx->set->max_input_bytes;
	lim.max_files = ctx->set->max_input_files;
	return input_check_tar(fd, off, len, names, &lim, sum, ctx->msg,
	    sizeof(ctx->msg));
}

int
api_job_input(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct upload_jobs	 u;
	struct input_summary	 sum;
	long long		 len = 0;
	int			 rc, fd = -1;

	memset(&u, 0, sizeof(u));
	u.oj.ctx = ctx;
	if ((rc = api_call_begin(ctx, &call, API_BODY_NONE)) != 0)
		goto out;
	if (!tar_content_type(http_header(&ctx->x->req, "Content-Type"))) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the input must be a "
		    "tar (Content-Type application/x-tar), or a gzip-"
		    "compressed tar (application/gzip)");
		rc = 415;
		goto out;
	}
	if ((rc = tar_load(ctx->msg, sizeof(ctx->msg))) != 0 ||
	    (rc = query_own_jobs(ctx, &call, "ClusterId ProcId JobStatus "
	    "HoldReasonCode Cmd TransferExecutable In TransferIn "
	    "TransferInput PreserveRelativePaths DiskUsage ImageSize",
	    upload_job, &u.oj)) != 0)
		goto out;
	if ((fd = sandbox_tmpfile(ctx)) == -1) {
		rc = 500;
		goto out;
	}
	if ((rc = sandbox_stage_body(ctx, fd, sandbox_body_cap(ctx->set),
	    &len)) != 0 ||
	    (rc = sandbox_check(ctx, fd, 0, (off_t)len, u.names, &sum)) != 0 ||
	    (rc = upload_sizes(ctx, &call, &u, &sum)) != 0 ||
	    (rc = sandbox_spool(ctx, &call, API_LAST, fd, 0, (off_t)len,
	    u.ids, u.n, &sum)) != 0)
		goto out;
	rc = upload_answer(ctx, &sum, u.n);
out:
	if (fd != -1)
		close(fd);
	api_call_end(&call);
	input_names_free(u.names);
	free(u.ids);
	return rc;
}

/* ---- GET /api/v1/jobs/{id}/output, /stdout, /stderr, /files/{name} ---- */

/* A download in progress: the whole output as a tar, or one file. */
struct download {
	struct api_ctx		*ctx;
	struct tar_writer	*tar;		/* whole-tar mode */
	int			 cluster;	/* entries under C.P/ */
	char			 prefix[32];
	struct buf		 name;
	int64_t			 mtime;
	int			 status;	/* a refusal before the head */
	/* One file: */
	int			 one;		/* single-file mode */
	const char		*want_attr;	/* "Out", "Err", or NULL */
	char			 want[INPUT_MAX_NAME + 1];
	int			 in_want, found, done;
};

/* tar_write_fn: the tar goes into the response. */
static int
download_write(void *arg, const void *p, size_t n)
{
	struct download *d = arg;

	return http_stream_write(d->ctx->x, p, n);
}

/* The head of the tar answer, sent once the first job is known to be
 * complete: from here on a failure can only cut the stream. */
static int
download_begin_tar(struct download *d, char *err, size_t errlen)
{
	struct api_ctx	*ctx = d->ctx;
	char		 extra[256], id[32];

	job_name(ctx, id, sizeof(id));
	snprintf(extra, sizeof(extra), "Content-Disposition: attachment; "
	    "filename=\"job-%s-output.tar\"\r\n"
	    "X-Content-Type-Options: nosniff\r\n", id);
	if (http_stream_begin(ctx->x, 200, "application/x-tar", extra) == -1) {
		snprintf(err, errlen, "client went away");
		return -1;
	}
	return tar_writer_open(download_write, d, &d->tar, err, errlen);
}

/* The basename of a job's Out or Err, which is the name the file has in
 * the output sandbox.  -1 when the job has none. */
static int
std_name(const struct classad *ad, const char *attr, char *out,
    size_t outlen)
{
	const char *v, *b;

	if (classad_lookup_string(ad, attr, &v) == -1 || *v == '\0' ||
	    strcmp(v, "/dev/null") == 0)
		return -1;
	b = strrchr(v, '/');
	b = b != NULL ? b + 1 : v;
	if (*b == '\0' || strlen(b) >= outlen)
		return -1;
	snprintf(out, outlen, "%s", b);
	return 0;
}

/* sandbox_sink.job: the job must have completed (the schedd does not
 * refuse an unfinished one: it sends whatever its spool holds). */
static int
download_job(void *arg, const struct classad *ad, char *err, size_t errlen)
{
	struct download	*d = arg;
	int64_t		 c = 0, p = 0, st = 0;

	classad_lookup_int(ad, "ClusterId", &c);
	classad_lookup_int(ad, "ProcId", &p);
	classad_lookup_int(ad, "JobStatus", &st);
	if (st != 4) {
		snprintf(err, errlen, "job %lld.%lld has not completed "
		    "(JobStatus %lld): its output is there once JobStatus "
		    "is 4", (long long)c, (long long)p, (long long)st);
		d->status = 409;
		return -1;
	}
	if (d->one) {
		if (d->want_attr != NULL && std_name(ad, d->want_attr,
		    d->want, sizeof(d->want)) == -1) {
			snprintf(err, errlen, "job %lld.%lld has no %s file",
			    (long long)c, (long long)p,
			    strcmp(d->want_attr, "Out") == 0 ?
			    "standard output" : "standard error");
			d->status = 404;
			return -1;
		}
		return 0;
	}
	if (d->tar == NULL && download_begin_tar(d, err, errlen) == -1)
		return -1;
	if (d->cluster) {
		snprintf(d->prefix, sizeof(d->prefix), "%lld.%lld/",
		    (long long)c, (long long)p);
		return tar_writer_entry(d->tar, d->prefix, 1, 0755, 0,
		    d->mtime, err, errlen);
	}
	return 0;
}

/* sandbox_sink.entry */
static int
download_entry(void *arg, const struct sandbox_entry *e, char *err,
    size_t errlen)
{
	struct download	*d = arg;
	int64_t		 mode = e->mode & 07777;

	if (d->one) {
		d->in_want = !e->is_dir && strcmp(e->name, d->want) == 0;
		if (d->in_want) {
			d->found = 1;
			if (http_stream_begin(d->ctx->x, 200,
			    "application/octet-stream",
			    "Content-Disposition: attachment\r\n"
			    "X-Content-Type-Options: nosniff\r\n") == -1) {
				snprintf(err, errlen, "client went away");
				return -1;
			}
		}
		return 0;
	}
	buf_reset(&d->name);
	buf_adds(&d->name, d->prefix);
	buf_adds(&d->name, e->name);
	if (mode == 0)
		mode = e->is_dir ? 0755 : 0644;
	return tar_writer_entry(d->tar, buf_str(&d->name), e->is_dir, mode,
	    e->is_dir ? 0 : e->size, d->mtime, err, errlen);
}

/* sandbox_sink.data */
static int
download_data(void *arg, const void *p, size_t n, char *err, size_t errlen)
{
	struct download *d = arg;

	if (d->one) {
		if (d->in_want && http_stream_write(d->ctx->x, p, n) == -1) {
			snprintf(err, errlen, "client went away");
			return -1;
		}
		return 0;
	}
	return tar_writer_data(d->tar, p, n, err, errlen);
}

/* sandbox_sink.entry_end: a single file is complete once its entry
 * ends; the rest of the sandbox is not read. */
static int
download_entry_end(void *arg, char *err, size_t errlen)
{
	struct download *d = arg;

	if (d->one && d->in_want) {
		d->done = 1;
		snprintf(err, errlen, "done");
		return -1;
	}
	return 0;
}

/* A cluster's download: every proc must have completed before the head
 * goes out, so ask first. */
static int
cluster_job(void *arg, const struct classad *ad)
{
	struct own_jobs	*oj = arg;
	int64_t		 c = 0, p = 0, st = 0;

	oj->n++;
	classad_lookup_int(ad, "ClusterId", &c);
	classad_lookup_int(ad, "ProcId", &p);
	classad_lookup_int(ad, "JobStatus", &st);
	if (st == 4)
		return 0;
	snprintf(oj->ctx->msg, sizeof(oj->ctx->msg), "job %lld.%lld has not "
	    "completed (JobStatus %lld): a cluster's output is there once "
	    "every proc's JobStatus is 4", (long long)c, (long long)p,
	    (long long)st);
	oj->status = 409;
	return -1;
}

/* Run the download D of the request's job or cluster. */
static int
download_run(struct api_ctx *ctx, struct download *d, int finish)
{
	struct api_call		 call;
	struct own_jobs		 oj = { NULL, 0, 0 };
	struct schedd		 sd;
	struct sandbox_sink	 sink;
	struct buf		 cons = BUF_INIT;
	int64_t			 njobs = 0;
	char			 id[32];
	int			 rc;

	if ((rc = api_call_begin(ctx, &call, API_BODY_NONE)) != 0)
		goto out;
	if (!d->one && (rc = tar_load(ctx->msg, sizeof(ctx->msg))) != 0)
		goto out;
	oj.ctx = ctx;
	if (ctx->job.proc < 0 && (rc = query_own_jobs(ctx, &call,
	    "ClusterId ProcId JobStatus", cluster_job, &oj)) != 0)
		goto out;
	/* The schedd sends only the caller's jobs. */
	job_constraint(ctx, NULL, &cons);
	if ((rc = api_call_open(ctx, &call, SCHEDD_CMD_TRANSFER, &sd,
	    API_LAST)) != 0)
		goto out;
	sink.job = download_job;
	sink.entry = download_entry;
	sink.data = download_data;
	sink.entry_end = download_entry_end;
	sink.ctx = d;
	rc = schedd_transfer(&sd, buf_str(&cons), finish, &sink, &njobs,
	    ctx->msg, sizeof(ctx->msg));
	schedd_close(&sd);
	if (d->one && d->done)
		rc = http_stream_end(ctx->x) == -1 ? -1 : 0;
	else if (rc == 404 || (rc == 0 && njobs == 0)) {
		job_name(ctx, id, sizeof(id));
		snprintf(ctx->msg, sizeof(ctx->msg), "no job %s of yours", id);
		rc = 404;
	} else if (rc == -1 && d->status != 0 && ctx->x->status == 0)
		rc = d->status;
	else if (rc == 0 && d->one) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the output of job %d.%d "
		    "has no file \"%.300s\"", ctx->job.cluster,
		    ctx->job.proc < 0 ? 0 : ctx->job.proc, d->want);
		rc = 404;
	} else if (rc == 0) {
		if (tar_writer_close(d->tar, ctx->msg, sizeof(ctx->msg)) ==
		    -1 || http_stream_end(ctx->x) == -1)
			rc = -1;
	}
	if (rc != 0 && ctx->x->status != 0)
		rc = api_stream_result(ctx, rc);
out:
	api_call_end(&call);
	buf_free(&cons);
	return rc;
}

int
api_job_output(struct api_ctx *ctx)
{
	struct download	d;
	int		rc, finish = 0;

	/* ?finish=true lets the schedd count the download as done
	 * (StageOutFinish), which lets LeaveJobInQueue release the job. */
	if ((rc = param_bool(ctx, ctx->x->req.query, "finish", &finish)) != 0)
		return rc;
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.cluster = ctx->job.proc < 0;
	d.mtime = (int64_t)time(NULL);
	rc = download_run(ctx, &d, finish);
	if (d.tar != NULL)
		tar_writer_free(d.tar);
	buf_free(&d.name);
	return rc;
}

int
api_job_file(struct api_ctx *ctx)
{
	struct download	 d;
	const char	*path = ctx->x->req.path;
	char		 why[128];
	size_t		 n = strlen(path);
	int		 rc;

	if (ctx->job.proc < 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "a file belongs to one "
		    "job: give CLUSTER.PROC");
		return 400;
	}
	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.one = 1;
	if (n >= 7 && strcmp(path + n - 7, "/stdout") == 0)
		d.want_attr = "Out";
	else if (n >= 7 && strcmp(path + n - 7, "/stderr") == 0)
		d.want_attr = "Err";
	else {
		if (ctx->nparams < 2 || input_name_check(ctx->params[1],
		    strlen(ctx->params[1]), why, sizeof(why)) == -1) {
			snprintf(ctx->msg, sizeof(ctx->msg), "bad file name: "
			    "%s", ctx->nparams < 2 ? "none" : why);
			return 400;
		}
		snprintf(d.want, sizeof(d.want), "%s", ctx->params[1]);
	}
	rc = download_run(ctx, &d, 0);
	buf_free(&d.name);
	return rc;
}
