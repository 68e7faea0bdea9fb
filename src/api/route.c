/*
 * route.c — static route table and matching.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "util/bounds.h"
#include "api/route.h"

const struct route routes[] = {
	{ "GET",	"/healthz",		api_healthz },
	{ "GET",	"/openapi.json",	api_openapi },
	{ "GET",	"/api/v1/jobs",		api_jobs_list },
	{ "POST",	"/api/v1/jobs",		api_jobs_submit },
	{ "DELETE",	"/api/v1/jobs",		api_jobs_bulk_action },
	{ "PATCH",	"/api/v1/jobs",		api_jobs_bulk_edit },
	{ "POST",	"/api/v1/jobs/hold",	api_jobs_bulk_action },
	{ "POST",	"/api/v1/jobs/release",	api_jobs_bulk_action },
	{ "GET",	"/api/v1/jobs/{jobid}",	api_jobs_get },
	{ "DELETE",	"/api/v1/jobs/{jobid}",	api_job_action },
	{ "PATCH",	"/api/v1/jobs/{jobid}",	api_job_edit },
	{ "POST",	"/api/v1/jobs/{jobid}/hold", api_job_action },
	{ "POST",	"/api/v1/jobs/{jobid}/release", api_job_action },
	{ "GET",	"/api/v1/history",	api_history },
	{ "GET",	"/api/v1/history/{jobid}", api_history },
	{ "GET",	"/api/v1/whoami",	api_whoami },
};
const size_t nroutes = sizeof(routes) / sizeof(routes[0]);

/* Parse a decimal number of at most JOB_ID_MAX from [S, E): digits only,
 * no leading zero unless it is "0".  0 or -1. */
static int
parse_id_part(const char *s, const char *e, int *out)
{
	long long n = 0;

	if (s == e || (e - s > 1 && *s == '0'))
		return -1;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (*s - '0');
		if (n > JOB_ID_MAX)
			return -1;
	}
	*out = (int)n;
	return 0;
}

int
parse_job_id(const char *s, struct job_id *id)
{
	const char *dot = strchr(s, '.'), *end = s + strlen(s);

	id->proc = -1;
	if (dot == NULL)
		return parse_id_part(s, end, &id->cluster);
	if (parse_id_part(s, dot, &id->cluster) == -1)
		return -1;
	return parse_id_part(dot + 1, end, &id->proc);
}

/* Path parameters of one match, before they are handed to the handler. */
struct match {
	char	param[API_MAX_PARAMS][256];
	size_t	nparams;
};

/* Compare PATH with PATTERN segment by segment.  Returns -1 when they do
 * not match, else the number of literal segments that matched (the
 * route's specificity), with the parameter segments in M. */
static int
match_pattern(const char *pattern, const char *path, struct match *m)
{
	const char	*p = pattern, *q = path, *pe, *qe;
	int		 literals = 0;
	size_t		 n;

	m->nparams = 0;
	for (;;) {
		if (*p != '/' || *q != '/')
			return *p == '\0' && *q == '\0' ? literals : -1;
		p++, q++;
		pe = p + strcspn(p, "/");
		qe = q + strcspn(q, "/");
		if (*p == '{') {
			n = (size_t)(qe - q);
			if (n == 0 || n >= sizeof(m->param[0]) ||
			    m->nparams == API_MAX_PARAMS)
				return -1;
			memcpy(m->param[m->nparams], q, n);
			m->param[m->nparams++][n] = '\0';
		} else if (pe - p != qe - q || memcmp(p, q, (size_t)(pe - p)))
			return -1;
		else
			literals++;
		p = pe, q = qe;
	}
}

/* Append METHOD to the comma list ALLOW of ALLOWLEN bytes, of which
 * *USED are filled; a list that does not fit is cut. */
static void
allow_add(char *allow, size_t allowlen, size_t *used, const char *method)
{
	*used += (size_t)snprintf(allow + *used, allowlen - *used, "%s%s",
	    *used ? ", " : "", method);
	if (*used >= allowlen)
		*used = allowlen - 1;
}

/* HEAD is served wherever GET is, by GET's handler (RFC 9110 9.3.2: the
 * same status and header fields, no content); the response writer drops
 * the body.  So the table lists only GET, and HEAD is matched as GET. */
int
route_match(const char *method, const char *path, struct api_ctx *ctx,
    route_handler *handler, char *allow, size_t allowlen)
{
	static struct match	 best_match;
	struct match		 m;
	const char		*best = NULL;
	int			 score, best_score = -1;
	size_t			 i, used = 0;

	/* The most specific pattern that matches the path. */
	for (i = 0; i < nroutes; i++) {
		score = match_pattern(routes[i].pattern, path, &m);
		if (score > best_score) {
			best_score = score;
			best = routes[i].pattern;
			best_match = m;
		}
	}
	if (best == NULL)
		return 404;
	/* Its methods: the handler for METHOD, and the Allow list. */
	*handler = NULL;
	allow[0] = '\0';
	if (strcmp(method, "HEAD") == 0)
		method = "GET";
	for (i = 0; i < nroutes; i++) {
		if (strcmp(routes[i].pattern, best) != 0)
			continue;
		if (strcmp(routes[i].method, method) == 0)
			*handler = routes[i].handler;
		allow_add(allow, allowlen, &used, routes[i].method);
		if (strcmp(routes[i].method, "GET") == 0)
			allow_add(allow, allowlen, &used, "HEAD");
	}
	if (*handler == NULL)
		return 405;
	for (i = 0; i < best_match.nparams; i++)
		ctx->params[i] = best_match.param[i];
	ctx->nparams = best_match.nparams;
	if (strstr(best, "{jobid}") != NULL &&
	    parse_job_id(ctx->params[0], &ctx->job) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "malformed job id: "
		    "expected CLUSTER or CLUSTER.PROC");
		return 400;
	}
	return 0;
}
