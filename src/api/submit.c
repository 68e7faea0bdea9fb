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
#include "api/handler.h"
#include "util/buf.h"
#include "classad/classad.h"
#include "config/config.h"
#include "http/http.h"
#include "http/json.h"
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
    const struct submit *s)
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

/* The QMGMT transaction: NewCluster, the procs with the cluster ad
 * before the first, commit. */
static int
run_submit(struct api_ctx *ctx, struct schedd *sd, struct submit *s,
    int *cluster)
{
	struct submit_error	 e;
	const struct classad	*delta;
	int			 rc, procid, got;

	if ((rc = schedd_new_cluster(sd, cluster, ctx->msg,
	    sizeof(ctx->msg))) != 0)
		return rc;
	if (submit_begin(s, *cluster, &e) == -1)
		goto bad;
	for (;;) {
		if ((rc = submit_next_proc(s, &procid, &delta, &e)) == -1)
			goto bad;
		if (rc == 0)
			break;
		if (procid == 0 && (rc = send_ad(ctx, sd, *cluster, -1,
		    submit_cluster_ad(s))) != 0)
			return rc;
		if ((rc = schedd_new_proc(sd, *cluster, &got, ctx->msg,
		    sizeof(ctx->msg))) != 0)
			return rc;
		if (got != procid) {
			snprintf(ctx->msg, sizeof(ctx->msg), "the schedd gave "
			    "proc %d where %d was expected", got, procid);
			return 502;
		}
		if ((rc = send_ad(ctx, sd, *cluster, procid, delta)) != 0)
			return rc;
	}
	return schedd_commit(sd, ctx->msg, sizeof(ctx->msg));
bad:
	snprintf(ctx->msg, sizeof(ctx->msg), "%.400s", e.reason);
	return 400;
}

int
api_jobs_submit(struct api_ctx *ctx)
{
	struct api_call		 call;
	struct submit_opts	 o;
	struct submit_error	 e;
	struct submit		*s = NULL;
	struct schedd		 sd;
	struct buf		 user = BUF_INIT;
	const cJSON		*spool;
	const char		*text, *workdir, *at;
	struct site		 site;
	int			 rc, cluster = 0, open = 0;

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
	if ((rc = api_token_user(ctx, &call.token, &user)) != 0)
		goto out;
	/* The Owner condor_submit would use: the identity's user part. */
	if ((at = strrchr(buf_str(&user), '@')) != NULL)
		user.data[at - user.data] = '\0';
	submit_options(ctx, &o, buf_str(&user), workdir, spool == NULL ||
	    cJSON_IsTrue(spool), &site);
	if (submit_parse(text, strlen(text), &o, &s, &e) == -1) {
		if (e.line > 0)
			snprintf(ctx->msg, sizeof(ctx->msg), "submit file line "
			    "%d: %.400s%s", e.line, e.reason, e.local_files ?
			    LOCAL_FILES_HINT : "");
		else
			snprintf(ctx->msg, sizeof(ctx->msg), "submit file: "
			    "%.400s%s", e.reason, e.local_files ?
			    LOCAL_FILES_HINT : "");
		rc = 400;
		goto out;
	}
	if ((rc = api_call_open(ctx, &call, SCHEDD_CMD_QMGMT, &sd,
	    API_LAST)) != 0)
		goto out;
	open = 1;
	if ((rc = run_submit(ctx, &sd, s, &cluster)) != 0)
		goto out;
	schedd_qmgmt_close(&sd);
	schedd_close(&sd);
	open = 0;
	rc = send_created(ctx, cluster, submit_proc_count(s), s) == -1 ?
	    api_stream_result(ctx, -1) : 0;
out:
	if (open) {
		/* Closing before the commit aborts the transaction. */
		schedd_close(&sd);
	}
	api_call_end(&call);
	submit_free(s);
	buf_free(&user);
	return rc;
}
