/*
 * schedd.h — schedd operations over CEDAR, with the caller's token.
 * Each operation is one connection: locate the schedd, connect (through
 * the shared port when its address says so), authenticate with TOKEN,
 * run the command, close.  Errors come back as the HTTP status the API
 * answers with and a sentence that carries the schedd's reason when the
 * wire gives one.  Nothing here knows HTTP beyond those status numbers.
 */
#ifndef SCHEDD_H
#define SCHEDD_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct classad;
struct settings;
struct cedar_stream;

struct schedd {
	struct cedar_stream	*stream;
	char			*user;		/* the identity the schedd mapped */
	int			 timeout_ms;	/* per blocking step */
};

/* Find the schedd's address: HTTP_API_SCHEDD_ADDRESS, SCHEDD_HOST with a
 * port, SCHEDD_DAEMON_AD_FILE, then SCHEDD_ADDRESS_FILE.  Appends the
 * sinful string to OUT.  0, or 503 with ERR. */
int	schedd_locate(const struct settings *set, struct buf *out, char *err,
	    size_t errlen);

/* Connect and run the security handshake for COMMAND with TOKEN (the
 * caller wipes it right after this returns).  0, or 401 (token rejected
 * or expired), 403, 502 (protocol), 503 (unreachable, deadline) with
 * ERR. */
int	schedd_open(struct schedd *sd, const struct settings *set, int command,
	    const char *token, char *err, size_t errlen);

/* Close the connection and forget everything about it. */
void	schedd_close(struct schedd *sd);

/* Called for each job ad as it arrives; the ad is freed after the call.
 * Return 0 to go on, -1 to stop (the query then fails with ERR as the
 * callback left it, status 0: the caller knows why it stopped). */
typedef int (*schedd_ad_fn)(void *ctx, const struct classad *ad);

struct job_query {
	const char	*constraint;	/* old-syntax expression, or NULL */
	const char	*projection;	/* names separated by blanks, or NULL */
	int64_t		 limit;		/* LimitResults; 0 = none */
	int		 summary_only;
};

/* QUERY_JOB_ADS on an open connection: each job ad goes to FN.  0 once
 * the schedd's final summary ad arrived; 400 for a constraint the schedd
 * refused; 502/503 when the stream broke; -1 when FN stopped it. */
int	schedd_query_jobs(struct schedd *sd, const struct job_query *q,
	    schedd_ad_fn fn, void *ctx, char *err, size_t errlen);

#endif
