/*
 * submit.c — POST /api/v1/jobs: submit from a submit description.
 *
 * The text is parsed and checked completely before the schedd is
 * contacted (a syntax error is a 400 naming the line, never a half-built
 * cluster); then one QMGMT transaction sends the cluster ad and each
 * proc's delta as the submit module produces them, and commits.  Any
 * failure before the commit closes the connection, which makes the
 * schedd abort the transaction: nothing of the cluster is left.
 */
#include <sys/utsname.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/form.h"
#include "api/handler.h"
#include "api/inputs.h"
#include "api/sandbox.h"
#include "api/tar.h"
#include "util/buf.h"
#include "classad/classad.h"
#include "config/config.h"
#include "http/http.h"
#include "http/json.h"
#include "http/multipart.h"
#include "schedd/schedd.h"
#include "config/settings.h"
#include "submit/submit.h"

/* Added to a refusal the submit module marks as "local files are not
 * allowed": the setting that allows them is the program's, not the
 * language's. */
#define LOCAL_FILES_HINT " (HTTP_API_SUBMIT_ALLOW_LOCAL_FILES is false)"

/* Send every attribute of AD as SetAttribute2(CLUSTER, PROC, ...) with
 * NoAck, as condor_submit does: the schedd checks each at once and a
 * refusal fails the commit, which reports it. */
static int
send_ad(struct api_ctx *ctx, struct schedd *sd, int cluster, int proc,
    const struct classad *ad)
{
	struct buf	 line = BUF_INIT;
	const char	*v;
	size_t		 i, n;
	int		 rc = 0;

	for (i = 0, n = classad_count(ad); i < n && rc == 0; i++) {
		buf_reset(&line);
		if (classad_unparse_attr_old(ad, i, &line) == -1 ||
		    (v = strstr(buf_str(&line), " = ")) == NULL) {
			snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
			rc = 503;
			break;
		}
		rc = schedd_set_attr_noack(sd, cluster, proc,
		    classad_name_at(ad, i), v + 3, ctx->msg, sizeof(ctx->msg));
	}
	buf_free(&line);
	return rc;
}

/* Site values from the configuration, copied: a config_value string is
 * only valid until the next look-up. */
struct site {
	char	fsdomain[256];
	char	uiddomain[256];
	char	arch[64];
};

/* The options condor_submit would take from its host and configuration. */
static void
submit_options(struct api_ctx *ctx, struct submit_opts *o, const char *owner,
    const char *workdir, int spool, struct site *site)
{
	struct config	*cf = ctx->set->config;
	struct utsname	 u;
	const char	*v;
	char		*arch = site->arch, err[128];
	size_t		 i, archlen = sizeof(site->arch);
	int		 allow = 0;

	memset(o, 0, sizeof(*o));
	o->workdir = workdir;
	o->spool = spool;
	if (cf != NULL)
		config_bool(cf, "HTTP_API_SUBMIT_ALLOW_LOCAL_FILES", 0, &allow,
		    err, sizeof(err));
	o->allow_local_files = allow;
	if (cf != NULL && (v = config_value(cf, "FILESYSTEM_DOMAIN")) != NULL) {
		snprintf(site->fsdomain, sizeof(site->fsdomain), "%s", v);
		o->filesystem_domain = site->fsdomain;
	}
	if (cf != NULL && (v = config_value(cf, "UID_DOMAIN")) != NULL) {
		snprintf(site->uiddomain, sizeof(site->uiddomain), "%s", v);
		o->uid_domain = site->uiddomain;
	}
	snprintf(arch, archlen, "X86_64");
	if (uname(&u) == 0) {
		snprintf(arch, archlen, "%.60s", strcmp(u.machine, "x86_64") ==
		    0 ? "X86_64" : u.machine);
		for (i = 0; arch[i] != '\0'; i++)
			if (arch[i] >= 'a' && arch[i] <= 'z')
				arch[i] -= 'a' - 'A';
	}
	o->arch = arch;
	o->opsys = "LINUX";
	o->owner = owner;
	o->qdate = (long long)time(NULL);
	o->version = schedd_client_version();
	o->platform = "$CondorPlatform: X86_64-LINUX $";
}

/* The 201 answer: the cluster, its job ids (generated, not stored: a
 * submission may have 100,000 procs) and the warnings. */
static int
send_created(struct api_ctx *ctx, int cluster, int nprocs,
    const struct submit *s, const struct input_summary *in)
{
	struct buf	b = BUF_INIT;
	char		loc[96];
	size_t		i;
	int		p, rc = 0;

	snprintf(loc, sizeof(loc), "Location: /api/v1/jobs/%d\r\n", cluster);
	if (http_stream_begin(ctx->x, 201, "application/json", loc) == -1)
		return -1;
	buf_addf(&b, "{\"cluster_id\": %d, \"job_ids\": [", cluster);
	for (p = 0; p < nprocs && rc == 0; p++) {
		buf_addf(&b, "%s\"%d.%d\"", p ? ", " : "", cluster, p);
		if (b.len > 8192) {
			rc = http_stream_write(ctx->x, b.data, b.len);
			buf_reset(&b);
		}
	}
	buf_adds(&b, "]");
	if (in != NULL)
		buf_addf(&b, ", \"input\": {\"files\": %lld, \"bytes\": "
		    "%lld}", (long long)in->files, (long long)in->bytes);
	if (submit_warning_count(s) > 0) {
		buf_adds(&b, ", \"warnings\": [");
		for (i = 0; i < submit_warning_count(s); i++) {
			if (i > 0)
				buf_adds(&b, ", ");
			json_add_string(&b, submit_warning(s, i));
		}
		buf_adds(&b, "]");
	}
	buf_adds(&b, "}\n");
	if (rc == 0)
		rc = http_stream_write(ctx->x, b.data, b.len);
	buf_free(&b);
	return rc == -1 ? -1 : http_stream_end(ctx->x);
}

/* The input's sizes, when the submit brings its input. */
struct input_sizes {
	const struct input_summary	*sum;
	int64_t				 disk_usage, image_size;
};

/* The QMGMT transaction: NewCluster, then the procs with the cluster ad
 * before the first, pipelined: no request waits for a reply (NewProc's
 * are read as they come, the attributes have none), every reply is
 * checked before the commit, and any failure returns before it, so the
 * caller's close aborts the whole transaction. */
static int
run_submit(struct api_ctx *ctx, struct schedd *sd, struct submit *s,
    int *cluster, const struct input_sizes *in)
{
	struct submit_error	 e;
	struct schedd_job_id	 id;
	struct schedd_procs	 pp;
	const struct classad	*delta;
	int			 rc, procid;

	if ((rc = schedd_new_cluster(sd, cluster, ctx->msg,
	    sizeof(ctx->msg))) != 0)
		return rc;
	if (submit_begin(s, *cluster, &e) == -1)
		goto bad;
	schedd_procs_begin(&pp, *cluster);
	for (;;) {
		if ((rc = submit_next_proc(s, &procid, &delta, &e)) == -1)
			goto bad;
		if (rc == 0)
			break;
		if (procid != pp.sent) {
			snprintf(ctx->msg, sizeof(ctx->msg), "proc %d of the "
			    "submit description is not proc %d", procid,
			    pp.sent);
			return 500;
		}
		if (procid == 0 && (rc = send_ad(ctx, sd, *cluster, -1,
		    submit_cluster_ad(s))) != 0)
			return rc;
		if ((rc = schedd_procs_send(sd, &pp, ctx->msg,
		    sizeof(ctx->msg))) != 0 ||
		    (rc = send_ad(ctx, sd, *cluster, procid, delta)) != 0)
			return rc;
		id.cluster = *cluster;
		id.proc = procid;
		if (in != NULL && (rc = sandbox_send_sizes(ctx, sd, &id,
		    in->sum, in->disk_usage, in->image_size)) != 0)
			return rc;
	}
	if ((rc = schedd_procs_end(sd, &pp, ctx->msg, sizeof(ctx->msg))) != 0)
		return rc;
	return schedd_commit(sd, ctx->msg, sizeof(ctx->msg));
bad:
	snprintf(ctx->msg, sizeof(ctx->msg), "%.400s", e.reason);
	return 400;
}

/* Parse the submit description TEXT as the caller (TOKEN's identity)
 * would with condor_submit.  0 with *OUT, or 400/401 with ctx->msg. */
static int
parse_description(struct api_ctx *ctx, const struct auth_token *token,
    const char *text, size_t len, const char *workdir, int spool,
    struct submit **out)
{
	struct submit_opts	 o;
	struct submit_error	 e;
	struct buf		 user = BUF_INIT;
	struct site		 site;
	const char		*at;
	int			 rc;

	*out = NULL;
	if ((rc = api_token_user(ctx, token, &user)) != 0)
		goto out;
	/* The Owner condor_submit would use: the identity's user part. */
	if ((at = strrchr(buf_str(&user), '@')) != NULL)
		user.data[at - user.data] = '\0';
	submit_options(ctx, &o, buf_str(&user), workdir, spool, &site);
	if (submit_parse(text, len, &o, out, &e) == -1) {
		if (e.line > 0)
			snprintf(ctx->msg, sizeof(ctx->msg), "submit file line "
			    "%d: %.400s%s", e.line, e.reason, e.local_files ?
			    LOCAL_FILES_HINT : "");
		else
			snprintf(ctx->msg, sizeof(ctx->msg), "submit file: "
			    "%.400s%s", e.reason, e.local_files ?
			    LOCAL_FILES_HINT : "");
		rc = 400;
	}
out:
	buf_free(&user);
	return rc;
}

/* A multipart/form-data Content-Type, with its boundary into OUT?  1, 0
 * for another type, -1 for a form without a valid boundary. */
static int
form_type(struct api_ctx *ctx, char *out, size_t outlen)
{
	const char	*v = http_header(&ctx->x->req, "Content-Type");

	if (v == NULL || strncasecmp(v, "multipart/", 10) != 0)
		return 0;
	return multipart_boundary(v, out, outlen) == 0 ? 1 : -1;
}

/* A proc's whole ad: the cluster ad with the proc's attributes over it.
 * NULL when memory runs out. */
static struct classad *
merged_ad(const struct classad *cluster, const struct classad *delta)
{
	const struct classad	*from[2] = { cluster, delta };
	struct classad		*ad;
	struct classad_expr	*e;
	size_t			 i, k;

	if ((ad = classad_new()) == NULL)
		return NULL;
	for (k = 0; k < 2; k++)
		for (i = 0; i < classad_count(from[k]); i++)
			if ((e = classad_expr_copy(classad_expr_at(from[k],
			    i))) == NULL || classad_insert_parsed(ad,
			    classad_name_at(from[k], i), e) == -1) {
				classad_free(ad);
				return NULL;
			}
	return ad;
}

/* The input names of the procs S describes, which must all be the same:
 * the form's one input goes to each.  Also the first proc's DiskUsage
 * and ImageSize, to know what submit could not compute.  0 or the
 * status. */
static int
form_names(struct api_ctx *ctx, struct submit *s, struct input_names **out,
    int64_t *disk, int64_t *image)
{
	struct submit_error	 e;
	const struct classad	*delta;
	struct classad		*ad;
	struct input_names	*n;
	int			 rc, procid;

	*out = NULL;
	if (submit_begin(s, 1, &e) == -1)
		goto bad;
	while ((rc = submit_next_proc(s, &procid, &delta, &e)) == 1) {
		if ((ad = merged_ad(submit_cluster_ad(s), delta)) == NULL) {
			snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
			return 500;
		}
		rc = input_names_from_ad(ad, &n, ctx->msg, sizeof(ctx->msg));
		if (rc == 0 && *out == NULL) {
			*out = n;
			*disk = *image = 0;
			classad_lookup_int(ad, "DiskUsage", disk);
			classad_lookup_int(ad, "ImageSize", image);
		} else if (rc == 0) {
			if (!input_names_equal(*out, n)) {
				snprintf(ctx->msg, sizeof(ctx->msg), "proc %d "
				    "names other input files than proc 0: a "
				    "form's input goes to every proc, so "
				    "submit these with spool and upload to "
				    "each with PUT /api/v1/jobs/{id}/input",
				    procid);
				rc = 400;
			}
			input_names_free(n);
		}
		classad_free(ad);
		if (rc != 0)
			return rc;
	}
	if (rc == 0)
		return 0;
bad:
	snprintf(ctx->msg, sizeof(ctx->msg), "%.400s", e.reason);
	return 400;
}

/* The options part: {"spool": bool}, nothing else.  *SPOOL defaults to
 * true. */
static int
form_spool(struct api_ctx *ctx, const cJSON *opts, int *spool)
{
	const cJSON *it;

	*spool = 1;
	cJSON_ArrayForEach(it, opts) {
		if (strcmp(it->string, "spool") != 0) {
			snprintf(ctx->msg, sizeof(ctx->msg), "unknown option "
			    "\"%.64s\": options takes spool", it->string);
			return 400;
		}
		if (!cJSON_IsBool(it)) {
			snprintf(ctx->msg, sizeof(ctx->msg), "\"spool\" must "
			    "be a boolean");
			return 400;
		}
		*spool = cJSON_IsTrue(it);
	}
	return 0;
}

/* After a failed upload: remove the new cluster, so that the submit
 * leaves nothing behind, and say so in ctx->msg. */
static void
form_undo(struct api_ctx *ctx, struct api_call *call, int cluster)
{
	struct schedd		sd;
	struct act_result	res;
	char			ids[32], why[sizeof(ctx->msg)], err[256];
	int			rc;

	snprintf(why, sizeof(why), "%s", ctx->msg);
	snprintf(ids, sizeof(ids), "%d", cluster);
	memset(&res, 0, sizeof(res));
	if ((rc = api_call_open(ctx, call, SCHEDD_CMD_ACT, &sd,
	    API_LAST)) == 0) {
		rc = schedd_act(&sd, JOB_REMOVE, ids, NULL, "the upload of "
		    "its input failed", &res, err, sizeof(err));
		schedd_close(&sd);
	}
	if (rc == 0)
		snprintf(ctx->msg, sizeof(ctx->msg), "%.380s; cluster %d was "
		    "removed", why, cluster);
	else
		snprintf(ctx->msg, sizeof(ctx->msg), "%.300s; removing cluster "
		    "%d failed too, remove it yourself", why, cluster);
}

/* Submit and spool the form's job in one request, all or nothing: the
 * input is checked against what the description names before the
 * schedd is contacted, and a failed upload removes the new cluster. */
static int
api_jobs_submit_form(struct api_ctx *ctx, const char *boundary)
{
	struct api_call		 call;
	struct submit_form	 f = SUBMIT_FORM_INIT;
	struct submit		*s = NULL;
	struct schedd		 sd;
	struct input_names	*names = NULL;
	struct input_summary	 sum;
	struct input_sizes	 sz;
	struct schedd_job_id	*ids = NULL;
	int64_t			 disk = 0, image = 0;
	int			 rc, i, n, spool, cluster = 0, open = 0;

	memset(&sum, 0, sizeof(sum));
	if ((rc = api_call_begin(ctx, &call, API_BODY_NONE)) != 0 ||
	    (rc = tar_load(ctx->msg, sizeof(ctx->msg))) != 0 ||
	    (rc = form_read(ctx, boundary, &f)) != 0 ||
	    (rc = form_spool(ctx, f.options, &spool)) != 0)
		goto out;
	if (!spool && f.have_input) {
		snprintf(ctx->msg, sizeof(ctx->msg), "input parts need "
		    "\"spool\": true");
		rc = 400;
		goto out;
	}
	if (spool) {
		/* What the description names decides what the input must
		 * hold; parsed once for that, once for the submit. */
		if ((rc = parse_description(ctx, &call.token, f.text.data,
		    f.text.len, NULL, 1, &s)) != 0 ||
		    (rc = form_names(ctx, s, &names, &disk, &image)) != 0 ||
		    (rc = sandbox_check(ctx, f.tarfd, f.taroff, f.tarlen, names,
		    &sum)) != 0)
			goto out;
		submit_free(s);
		s = NULL;
	}
	if ((rc = parse_description(ctx, &call.token, f.text.data, f.text.len,
	    NULL, spool, &s)) != 0)
		goto out;
	sz.sum = &sum;
	sz.disk_usage = disk;
	sz.image_size = image;
	if ((rc = api_call_open(ctx, &call, SCHEDD_CMD_QMGMT, &sd,
	    spool ? 0 : API_LAST)) != 0)
		goto out;
	open = 1;
	if ((rc = run_submit(ctx, &sd, s, &cluster, spool ? &sz : NULL)) != 0)
		goto out;
	schedd_qmgmt_close(&sd);
	schedd_close(&sd);
	open = 0;
	n = submit_proc_count(s);
	if (spool) {
		if ((ids = calloc((size_t)n, sizeof(*ids))) == NULL) {
			snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
			rc = 500;
			form_undo(ctx, &call, cluster);
			goto out;
		}
		for (i = 0; i < n; i++) {
			ids[i].cluster = cluster;
			ids[i].proc = i;
		}
		if ((rc = sandbox_spool(ctx, &call, 0, f.tarfd, f.taroff,
		    f.tarlen, ids, (size_t)n, &sum)) != 0) {
			form_undo(ctx, &call, cluster);
			goto out;
		}
	}
	rc = send_created(ctx, cluster, n, s, spool ? &sum : NULL) == -1 ?
	    api_stream_result(ctx, -1) : 0;
out:
	if (open)
		schedd_close(&sd);
	api_call_end(&call);
	submit_free(s);
	input_names_free(names);
	form_free(&f);
	free(ids);
	return rc;
}

int
api_jobs_submit(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct submit		*s = NULL;
	struct schedd		 sd;
	const cJSON		*spool;
	const char		*text, *workdir;
	char			 boundary[MULTIPART_MAX_BOUNDARY + 1];
	int			 rc, cluster = 0, open = 0;

	switch (form_type(ctx, boundary, sizeof(boundary))) {
	case 1:
		return api_jobs_submit_form(ctx, boundary);
	case -1:
		snprintf(ctx->msg, sizeof(ctx->msg), "a submit form must be "
		    "multipart/form-data with a boundary");
		return 415;
	}
	if ((rc = api_call_begin(ctx, &call, API_BODY_JSON)) != 0 ||
	    (rc = api_json_string(ctx, call.body, "submit_file",
	    &text)) != 0 ||
	    (rc = api_json_string(ctx, call.body, "workdir", &workdir)) != 0)
		goto out;
	if (text == NULL || *text == '\0') {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"submit_file\" is "
		    "required");
		rc = 400;
		goto out;
	}
	spool = cJSON_GetObjectItemCaseSensitive(call.body, "spool");
	if (spool != NULL && !cJSON_IsBool(spool)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"spool\" must be a "
		    "boolean");
		rc = 400;
		goto out;
	}
	if (workdir != NULL && workdir[0] != '/') {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"workdir\" must be an "
		    "absolute path");
		rc = 400;
		goto out;
	}
	if ((rc = parse_description(ctx, &call.token, text, strlen(text),
	    workdir, spool == NULL || cJSON_IsTrue(spool), &s)) != 0)
		goto out;
	if ((rc = api_call_open(ctx, &call, SCHEDD_CMD_QMGMT, &sd,
	    API_LAST)) != 0)
		goto out;
	open = 1;
	if ((rc = run_submit(ctx, &sd, s, &cluster, NULL)) != 0)
		goto out;
	schedd_qmgmt_close(&sd);
	schedd_close(&sd);
	open = 0;
	rc = send_created(ctx, cluster, submit_proc_count(s), s, NULL) == -1 ?
	    api_stream_result(ctx, -1) : 0;
out:
	if (open) {
		/* Closing before the commit aborts the transaction. */
		schedd_close(&sd);
	}
	api_call_end(&call);
	submit_free(s);
	return rc;
}
