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

/* The query parameters of the API, as bits of the set a route takes. */
#define QP_CONSTRAINT		0x0001
#define QP_PROJECTION		0x0002
#define QP_LIMIT		0x0004
#define QP_PAGE_TOKEN		0x0008
#define QP_MINE			0x0010
#define QP_SINCE		0x0020
#define QP_COMPLETED_SINCE	0x0040
#define QP_OWNED_BY_ME		0x0080	/* mine's alias */
#define QP_FINISH		0x0100
#define QP_ANY			0xffff	/* takes none, ignores any */

struct route {
	const char	*method;
	const char	*pattern;	/* "/a/{jobid}/b": {jobid} is a job id */
	route_handler	 handler;
	unsigned	 query;		/* QP_* it takes */
};

/* A query parameter's name and bit, for the checks and the docs test. */
struct query_key {
	const char	*name;
	unsigned	 bit;
};

/* Match METHOD and PATH against the table; HEAD matches where GET does.
 * Returns 0 and sets *HANDLER and the context's path parameters, or 404 /
 * 405 (with ALLOW filled as "GET, HEAD, POST") / 400 (with ctx->msg). */
int	 route_match(const char *method, const char *path,
	    struct api_ctx *ctx, route_handler *handler, char *allow,
	    size_t allowlen);

/* Check QUERY (raw, NULL for none) against the parameters route R takes:
 * each key one R declares, given once.  0, or 400 with MSG naming the
 * first key that is unknown to R or repeated. */
int	 route_query_check(const struct route *r, const char *query,
	    char *msg, size_t msglen);

/* Parse a job id: CLUSTER or CLUSTER.PROC, decimal 0..2147483647, no
 * sign, no leading zeros.  0 or -1. */
int	 parse_job_id(const char *s, struct job_id *id);

/* The route table, for tests and the man page check. */
extern const struct route	routes[];
extern const size_t		nroutes;
extern const struct query_key	query_keys[];
extern const size_t		nquery_keys;

#endif
