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
#include <sys/types.h>

struct buf;
struct classad;
struct settings;
struct cedar_stream;

/* What a connection is opened for: each is one CEDAR command. */
enum schedd_cmd {
	SCHEDD_CMD_QUERY_JOBS,		/* QUERY_JOB_ADS */
	SCHEDD_CMD_ACT,			/* ACT_ON_JOBS */
	SCHEDD_CMD_QMGMT,		/* QMGMT_WRITE_CMD */
	SCHEDD_CMD_HISTORY,		/* QUERY_SCHEDD_HISTORY */
	SCHEDD_CMD_SPOOL,		/* SPOOL_JOB_FILES_WITH_PERMS */
	SCHEDD_CMD_TRANSFER		/* TRANSFER_DATA_WITH_PERMS */
};

struct sd_link;

struct schedd {
	struct cedar_stream	*stream;
	char			*user;		/* the identity the schedd mapped */
	int			 timeout_ms;	/* per blocking step */
	struct sd_link		*link;		/* to fall back (open.c) */
};

/* Find the schedd's address: HTTP_API_SCHEDD_ADDRESS, SCHEDD_HOST with a
 * port, SCHEDD_DAEMON_AD_FILE, SCHEDD_ADDRESS_FILE, else the schedd ad
 * (named by SCHEDD_HOST or SCHEDD_NAME) from the collector at
 * COLLECTOR_HOST, asked with TOKEN.  Appends the sinful string to OUT.
 * 0, or 503 (401 when the collector refuses the token) with ERR. */
int	schedd_locate(const struct settings *set, const char *token,
	    struct buf *out, char *err, size_t errlen);

/* Connect for COMMAND with TOKEN: resume the session an earlier request
 * with the same credential left in the session cache (or this process
 * in memory), else run the full security handshake and leave its session
 * there.  The credential is TOKEN, or for a token minted from a front
 * end's user the SECRET schedd_mint_token gave (SCHEDD_SESSION_SECRET_LEN
 * bytes; NULL otherwise), since each minted token differs.  A resumed
 * session the schedd no longer has falls back to a full handshake, also
 * once the command has started (a copy of the token is kept for that
 * and wiped by schedd_close; the caller wipes its own).  0, or 401
 * (token rejected or expired), 403, 502 (protocol), 503 (unreachable,
 * deadline) with ERR. */
int	schedd_open(struct schedd *sd, const struct settings *set,
	    enum schedd_cmd command, const char *token,
	    const unsigned char *secret, char *err, size_t errlen);

/* The identity a TOKEN names (its sub claim), appended to OUT, as the
 * schedd maps an IDTOKEN.  0, or -1 when it is no IDTOKEN or has none. */
int	schedd_token_subject(const char *token, struct buf *out);

/* --- Tokens minted for a trusted front end's user (mint.c) ------------- */

struct mint_request {
	const char	*keyfile;	/* the signing key file (HTCondor's format) */
	const char	*kid;		/* its key id: "POOL" doubles the key */
	const char	*iss;		/* TRUST_DOMAIN */
	const char	*sub;		/* user@domain */
	int64_t		 iat;		/* now */
	int64_t		 lifetime;	/* exp - iat; 0: MINTED_TOKEN_LIFETIME */
	/* Out, when not NULL: a secret only the signing key's holder can
	 * derive for SUB and ISS, which names the user's cached sessions
	 * (schedd_open): every minted token differs, the user does not. */
	unsigned char	*session_secret;	/* SCHEDD_SESSION_SECRET_LEN */
};

#define SCHEDD_SESSION_SECRET_LEN	32

/* Can the signing key file PATH be used: present, readable, a regular
 * file, not readable by group or others, not empty nor too large?  The
 * key is read and wiped.  0, or -1 with ERR. */
int	schedd_signing_key_check(const char *path, char *err, size_t errlen);

/* Mint an HS256 IDTOKEN for M with libjwt into OUT (OUTLEN bytes with the
 * NUL): header alg and kid; claims sub, iss, iat, exp, and a random jti.
 * The key is read from the file for this call and wiped after it.  0, or
 * -1 with ERR (OUT is then empty). */
int	schedd_mint_token(const struct mint_request *m, char *out,
	    size_t outlen, char *err, size_t errlen);

/* The CondorVersion string this client states to the schedd, which
 * condor_submit also puts into a job ad. */
const char *schedd_client_version(void);

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

/* --- ACT_ON_JOBS (remove, hold, release) --------------------------------- */

enum job_action { JOB_HOLD = 1, JOB_RELEASE = 2, JOB_REMOVE = 3 };

/* The schedd's per-code counts (HTCondor's Scheduler::actOnJobs), and
 * whether it committed. */
struct act_result {
	int64_t	total;			/* jobs acted on: sum of code[] */
	int64_t	code[7];		/* 0 error, 1 success, 2 not found,
					 * 3 bad status, 4 already done,
					 * 5 permission denied, 6 limit */
	int	committed;
};

/* Run ACTION on the jobs IDS ("C.P" or "C") or on CONSTRAINT (old
 * syntax), with REASON (may be NULL), and confirm it when anything
 * succeeded.  0 with RES filled; 400 when the schedd refused the request;
 * 502/503 when the stream broke. */
int	schedd_act(struct schedd *sd, enum job_action action, const char *ids,
	    const char *constraint, const char *reason, struct act_result *res,
	    char *err, size_t errlen);

/* --- QMGMT (submit and edit) --------------------------------------------- */

/* Each returns 0, or an HTTP status with ERR; *ERRNO_OUT (may be NULL)
 * gets the schedd's errno for a refusal it reports that way. */
int	schedd_new_cluster(struct schedd *sd, int *cluster, char *err,
	    size_t errlen);

/* The procs of a new cluster, pipelined: each NewProc goes out without
 * waiting for its reply; the replies (proc ids 0, 1, 2, ...) are read as
 * they arrive and each is checked against the id expected.  At most
 * SCHEDD_QMGMT_WINDOW replies are outstanding. */
struct schedd_procs {
	int	cluster;
	int	sent;		/* NewProc requests sent: the next proc id */
	int	checked;	/* replies read and found right */
};
void	schedd_procs_begin(struct schedd_procs *pp, int cluster);
/* Send NewProc for proc PP->sent (the caller then sends its attributes
 * with NoAck), after checking every reply that has already come in, and
 * the oldest outstanding one when the window is full.  0, or the status
 * of the first refused or unexpected reply (the caller must then abort
 * the transaction by closing). */
int	schedd_procs_send(struct schedd *sd, struct schedd_procs *pp,
	    char *err, size_t errlen);
/* Read and check every reply still outstanding, before the commit.  0 or
 * the status, as schedd_procs_send. */
int	schedd_procs_end(struct schedd *sd, struct schedd_procs *pp,
	    char *err, size_t errlen);
/* SetAttribute: VALUE is old-syntax expression text. */
int	schedd_set_attr(struct schedd *sd, int cluster, int proc,
	    const char *name, const char *value, int *errno_out, char *err,
	    size_t errlen);
/* SetAttribute2 with NoAck, as condor_submit sends a job: no reply, so
 * no round trip; a refusal surfaces at the commit.  0 or the status. */
int	schedd_set_attr_noack(struct schedd *sd, int cluster, int proc,
	    const char *name, const char *value, char *err, size_t errlen);
/* SetAttributeByConstraint2 with OnlyMyJobs: *MATCHED jobs changed. */
int	schedd_set_attr_constraint(struct schedd *sd, const char *constraint,
	    const char *name, const char *value, int64_t *matched,
	    int *errno_out, char *err, size_t errlen);
/* CommitTransaction: 0, or 400 with the schedd's ErrorReason in ERR. */
int	schedd_commit(struct schedd *sd, char *err, size_t errlen);
/* GetJobAd: job CLUSTER.PROC into *AD (the caller frees it), without
 * private attributes.  Asked on a QMGMT_WRITE_CMD connection, which the
 * schedd serves in its own process: QUERY_JOB_ADS and QMGMT_READ_CMD
 * make it fork a worker, which costs it more than the answer.  0, 404
 * for no such job, or the status with ERR. */
int	schedd_get_job_ad(struct schedd *sd, int cluster, int proc,
	    struct classad **ad, char *err, size_t errlen);
/* CloseSocket: end the QMGMT session (an open transaction is aborted). */
void	schedd_qmgmt_close(struct schedd *sd);

/* --- QUERY_SCHEDD_HISTORY ------------------------------------------------- */

struct history_query {
	const char	*constraint;	/* old syntax, or NULL */
	const char	*projection;	/* names separated by commas, or NULL */
	int64_t		 limit;		/* NumJobMatches; 0 = all */
	const char	*since;		/* a Since expression, or NULL */
};

/* Stream the history, newest first: each ad goes to FN.  0 once the
 * final ad arrived. */
int	schedd_history(struct schedd *sd, const struct history_query *q,
	    schedd_ad_fn fn, void *ctx, char *err, size_t errlen);

/* --- Sandboxes: SPOOL_JOB_FILES_WITH_PERMS, TRANSFER_DATA_WITH_PERMS ----- */

struct schedd_job_id {
	int	cluster;
	int	proc;
};

/* One entry of a sandbox, in the order it goes over the wire: a
 * directory before anything in it.  NAME is relative and canonical. */
struct sandbox_entry {
	const char	*name;
	int		 is_dir;
	int64_t		 mode;		/* permission bits */
	int64_t		 size;		/* a file's bytes */
};

/* Where an input sandbox comes from.  rewind starts it over (once before
 * each job's transfer); next gives the next entry (1), or 0 at the end;
 * read gives up to N bytes of the current file (the count, 0 at its
 * end).  Each returns -1 with ERR on failure. */
struct sandbox_source {
	int	(*rewind)(void *ctx, char *err, size_t errlen);
	int	(*next)(void *ctx, struct sandbox_entry *e, char *err,
		    size_t errlen);
	ssize_t	(*read)(void *ctx, void *p, size_t n, char *err,
		    size_t errlen);
	void	*ctx;
};

/* Upload the same input sandbox (SIZE file bytes in all) for each of the
 * N jobs IDS, which must be held waiting for their input.  *STARTED is
 * set once the schedd knows the jobs (from then on a failure makes it
 * remove them).  0 once the schedd said OK; 502/503 with ERR (a source
 * failure is 500 unless the source's ERR began with "NNN "). */
int	schedd_spool(struct schedd *sd, const struct schedd_job_id *ids,
	    size_t n, int64_t size, const struct sandbox_source *src,
	    int *started, char *err, size_t errlen);

/* Where an output sandbox goes.  job gets each job's ad before its files
 * (return -1 to stop: nothing more is read); entry, data and entry_end
 * get each entry and a file's bytes as they arrive.  Each returns 0 or
 * -1 (stop; the callback's ERR stands). */
struct sandbox_sink {
	int	(*job)(void *ctx, const struct classad *ad, char *err,
		    size_t errlen);
	int	(*entry)(void *ctx, const struct sandbox_entry *e, char *err,
		    size_t errlen);
	int	(*data)(void *ctx, const void *p, size_t n, char *err,
		    size_t errlen);
	int	(*entry_end)(void *ctx, char *err, size_t errlen);
	void	*ctx;
};

/* Download the output sandboxes of the caller's jobs matching CONSTRAINT
 * (old syntax) into SINK.  FINISH sends the final OK that lets the
 * schedd set StageOutFinish (so LeaveJobInQueue releases a completed
 * job); without it the schedd counts the transfer as failed and changes
 * nothing, so the download can be repeated.  *NJOBS gets the number of
 * jobs the schedd announced.  0; 404 when none matched; -1 when the sink
 * stopped (its ERR stands); 502/503 when the stream broke. */
int	schedd_transfer(struct schedd *sd, const char *constraint,
	    int finish, const struct sandbox_sink *sink, int64_t *njobs,
	    char *err, size_t errlen);

#endif
