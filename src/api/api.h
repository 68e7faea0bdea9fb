/*
 * api.h — what a route handler gets, and the handlers themselves, grouped
 * by the file that holds them.  A handler validates its input into typed
 * values, performs one operation and writes one response.  It returns 0
 * once it has answered, or an HTTP status with ctx->msg filled for the
 * edge to turn into the JSON error body.
 */
#ifndef API_H
#define API_H

#include <stddef.h>

#include "util/bounds.h"

struct http_exchange;
struct settings;

struct job_id {
	int	cluster;
	int	proc;		/* -1 for "the whole cluster" */
};

struct api_ctx {
	struct http_exchange	*x;
	const struct settings	*set;
	const char		*params[API_MAX_PARAMS]; /* path parameters */
	size_t			 nparams;
	struct job_id		 job;		/* a validated {jobid} */
	char			 msg[512];	/* error detail */
	const char		*extra;		/* extra error header lines */
	char			 user[256];	/* authenticated user, for logs */
	const char		*peer;		/* the TCP peer (REMOTE_ADDR in
						 * CGI), NULL when none */
	const char		*remote_user;	/* CGI's REMOTE_USER, or NULL */
};

/* meta.c */
int	api_healthz(struct api_ctx *);
int	api_openapi(struct api_ctx *);

/* api_jobs.c */
int	api_jobs_list(struct api_ctx *);
int	api_jobs_get(struct api_ctx *);
int	api_whoami(struct api_ctx *);
int	api_history(struct api_ctx *);

/* api_submit.c */
int	api_jobs_submit(struct api_ctx *);

/* sandbox.c */
int	api_job_input(struct api_ctx *);
int	api_job_output(struct api_ctx *);
int	api_job_file(struct api_ctx *);

/* api_actions.c */
int	api_job_action(struct api_ctx *);
int	api_jobs_bulk_action(struct api_ctx *);

/* api_edit.c */
int	api_job_edit(struct api_ctx *);
int	api_jobs_bulk_edit(struct api_ctx *);

#endif
