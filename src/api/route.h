/*
 * route.h — the static route table and its matcher.  A literal path
 * segment wins over a parameter, so /api/v1/jobs/hold is never the job id
 * "hold"; the checks run in the order the API promises: unknown path 404,
 * wrong method 405 with Allow, malformed path parameter 400.
 */
#ifndef ROUTE_H
#define ROUTE_H

#include <stddef.h>

struct api_ctx;

typedef int (*route_handler)(struct api_ctx *);

struct route {
	const char	*method;
	const char	*pattern;	/* "/a/{jobid}/b": {jobid} is a job id */
	route_handler	 handler;
};

/* Match METHOD and PATH against the table; HEAD matches where GET does.
 * Returns 0 and sets *HANDLER and the context's path parameters, or 404 /
 * 405 (with ALLOW filled as "GET, HEAD, POST") / 400 (with ctx->msg). */
int	 route_match(const char *method, const char *path,
	    struct api_ctx *ctx, route_handler *handler, char *allow,
	    size_t allowlen);

/* Parse a job id: CLUSTER or CLUSTER.PROC, decimal 0..2147483647, no
 * sign, no leading zeros.  0 or -1. */
int	 parse_job_id(const char *s, struct job_id *id);

/* The route table, for tests and the man page check. */
extern const struct route	routes[];
extern const size_t		nroutes;

#endif
