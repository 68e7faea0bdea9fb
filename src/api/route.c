/*
 * route.c — static route table and matching.
 */
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "http/http.h"
#include "util/bounds.h"
#include "api/route.h"

/* The parameters of a listing, and of one job's read. */
#define QP_LIST		(QP_CONSTRAINT | QP_PROJECTION | QP_LIMIT | \
			    QP_PAGE_TOKEN | QP_MINE | QP_OWNED_BY_ME)
#define QP_JOB		(QP_CONSTRAINT | QP_PROJECTION | QP_LIMIT | \
			    QP_PAGE_TOKEN)
#define QP_HISTORY	(QP_CONSTRAINT | QP_PROJECTION | QP_LIMIT | QP_MINE | \
			    QP_OWNED_BY_ME | QP_SINCE | QP_COMPLETED_SINCE)

/* The write routes take their input from the body, so no query.  The
 * two routes about the service select nothing, so no parameter can
 * widen what they answer: they ignore any (a probe's cache buster). */
const struct route routes[] = {
	{ "GET",	"/healthz",		api_healthz,	QP_ANY },
	{ "GET",	"/openapi.json",	api_openapi,	QP_ANY },
	{ "GET",	"/api/v1/jobs",		api_jobs_list,	QP_LIST },
	{ "POST",	"/api/v1/jobs",		api_jobs_submit, 0 },
	{ "DELETE",	"/api/v1/jobs",		api_jobs_bulk_action, 0 },
	{ "PATCH",	"/api/v1/jobs",		api_jobs_bulk_edit, 0 },
	{ "POST",	"/api/v1/jobs/hold",	api_jobs_bulk_action, 0 },
	{ "POST",	"/api/v1/jobs/release",	api_jobs_bulk_action, 0 },
	{ "GET",	"/api/v1/jobs/{jobid}",	api_jobs_get,	QP_JOB },
	{ "DELETE",	"/api/v1/jobs/{jobid}",	api_job_action,	0 },
	{ "PATCH",	"/api/v1/jobs/{jobid}",	api_job_edit,	0 },
	{ "POST",	"/api/v1/jobs/{jobid}/hold", api_job_action, 0 },
	{ "POST",	"/api/v1/jobs/{jobid}/release", api_job_action, 0 },
	{ "PUT",	"/api/v1/jobs/{jobid}/input", api_job_input, 0 },
	{ "GET",	"/api/v1/jobs/{jobid}/output", api_job_output, QP_FINISH },
	{ "GET",	"/api/v1/jobs/{jobid}/stdout", api_job_file, 0 },
	{ "GET",	"/api/v1/jobs/{jobid}/stderr", api_job_file, 0 },
	{ "GET",	"/api/v1/jobs/{jobid}/files/{path}", api_job_file, 0 },
	{ "GET",	"/api/v1/history",	api_history,	QP_HISTORY },
	{ "GET",	"/api/v1/history/{jobid}", api_history, QP_PROJECTION },
	{ "GET",	"/api/v1/whoami",	api_whoami,	0 },
};
const size_t nroutes = sizeof(routes) / sizeof(routes[0]);

const struct query_key query_keys[] = {
	{ "constraint",		QP_CONSTRAINT },
	{ "projection",		QP_PROJECTION },
	{ "limit",		QP_LIMIT },
	{ "page_token",		QP_PAGE_TOKEN },
	{ "mine",		QP_MINE },
	{ "owned_by_me",	QP_OWNED_BY_ME },
	{ "since",		QP_SINCE },
	{ "completed_since",	QP_COMPLETED_SINCE },
	{ "finish",		QP_FINISH },
};
const size_t nquery_keys = sizeof(query_keys) / sizeof(query_keys[0]);

/* The bit of the key [P, P+N), or 0 when the API has no such key. */
static unsigned
query_key_bit(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < nquery_keys; i++)
		if (strlen(query_keys[i].name) == n &&
		    memcmp(query_keys[i].name, p, n) == 0)
			return query_keys[i].bit;
	return 0;
}

/* A key from the request as MSG may show it: at most 32 bytes, anything
 * but letters, digits, '_', '-' and '.' as '?', so the answer carries
 * no request text that could mean something to the reader. */
static void
query_key_show(const char *p, size_t n, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; i < n && i < 32 && i + 1 < outlen; i++)
		out[i] = ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '_' ||
		    p[i] == '-' || p[i] == '.' ? p[i] : '?';
	out[i] = '\0';
}

/* "the parameters R takes" for a refusal: their names, or "none". */
static void
query_keys_list(const struct route *r, char *out, size_t outlen)
{
	size_t i, used = 0;

	snprintf(out, outlen, "none");
	for (i = 0; i < nquery_keys && used < outlen; i++)
		if (r->query & query_keys[i].bit)
			used += (size_t)snprintf(out + used, outlen - used,
			    "%s%s", used ? ", " : "", query_keys[i].name);
}

int
route_query_check(const struct route *r, const char *query, char *msg,
    size_t msglen)
{
	const char	*p, *end;
	unsigned	 bit, seen = 0;
	size_t		 n;
	char		 key[40], takes[160];

	if (query == NULL || r->query == QP_ANY)
		return 0;
	for (p = query; *p != '\0'; p = *end != '\0' ? end + 1 : end) {
		end = p + strcspn(p, "&");
		if (end == p)
			continue;		/* "a=1&&b=2" */
		n = strcspn(p, "=&");
		bit = query_key_bit(p, n);
		if (bit != 0 && (r->query & bit) != 0 && (seen & bit) == 0) {
			seen |= bit;
			continue;
		}
		query_key_show(p, n, key, sizeof(key));
		if (bit != 0 && (seen & bit) != 0)
			snprintf(msg, msglen, "query parameter \"%s\" is given "
			    "more than once", key);
		else {
			query_keys_list(r, takes, sizeof(takes));
			snprintf(msg, msglen, "unknown query parameter \"%s\"; "
			    "this resource takes: %s", key, takes);
		}
		return 400;
	}
	return 0;
}

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

/* Path parameters of one match, before they are handed to the handler;
 * a {path} parameter, which takes the rest of the path (several
 * segments), is the last one and goes into REST. */
struct match {
	char	param[API_MAX_PARAMS][256];
	char	rest[HTTP_MAX_REQUEST_LINE + 1];
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
		if (pe - p == 6 && memcmp(p, "{path}", 6) == 0) {
			/* The rest of the path, at least one segment. */
			if (*q == '\0' || *q == '/' ||
			    m->nparams == API_MAX_PARAMS)
				return -1;
			snprintf(m->rest, sizeof(m->rest), "%s", q);
			m->nparams++;
			return literals;
		}
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
	const struct route	*r = NULL;
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
			*handler = routes[i].handler, r = &routes[i];
		allow_add(allow, allowlen, &used, routes[i].method);
		if (strcmp(routes[i].method, "GET") == 0)
			allow_add(allow, allowlen, &used, "HEAD");
	}
	if (*handler == NULL)
		return 405;
	for (i = 0; i < best_match.nparams; i++)
		ctx->params[i] = strstr(best, "{path}") != NULL &&
		    i + 1 == best_match.nparams ? best_match.rest :
		    best_match.param[i];
	ctx->nparams = best_match.nparams;
	if (strstr(best, "{jobid}") != NULL &&
	    parse_job_id(ctx->params[0], &ctx->job) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "malformed job id: "
		    "expected CLUSTER or CLUSTER.PROC");
		return 400;
	}
	return ctx->x == NULL ? 0 : route_query_check(r, ctx->x->req.query,
	    ctx->msg, sizeof(ctx->msg));
}
