/*
 * demo_int.h — what the files of the demo schedd share.  The server
 * (server.c) accepts each connection in a child process that serves one
 * command (query.c, act.c, qmgmt.c, spool.c); the queue and history
 * (queue.c) live in files of the state directory, locked with fcntl, so
 * every process sees what the others committed.  The server process
 * itself is the only one that starts and reaps jobs (run.c): a child that
 * changed the queue wakes it through a pipe.
 */
#ifndef DEMO_INT_H
#define DEMO_INT_H

#include <sys/types.h>

#include <stdint.h>

#include "util/buf.h"
#include "cedar/server.h"

#include "demo/demo.h"

struct buf;
struct classad;
struct cedar_stream;

/* Job status (HTCondor's Appendix A). */
#define DEMO_IDLE		1
#define DEMO_RUNNING		2
#define DEMO_REMOVED		3
#define DEMO_COMPLETED		4
#define DEMO_HELD		5

#define DEMO_VANILLA		5	/* the one JobUniverse we run */
#define DEMO_HOLD_SPOOLING	16	/* HoldReasonCode: waiting for input */
#define DEMO_KILL_GRACE_MS	2000	/* SIGTERM to SIGKILL of a job */
#define DEMO_STOP_GRACE_MS	400	/* the same at shutdown */

/* errno values as a Linux schedd sends them. */
#define DEMO_ENOENT		2
#define DEMO_EACCES		13
#define DEMO_EINVAL		22

/* A set of job ads, in queue (or history) order. */
struct demo_jobs {
	struct classad	**ad;
	size_t		  n;
};

/* A job the server started and has not reaped yet. */
struct demo_run {
	int64_t		 c, p;
	pid_t		 pid;		/* its process group too; 0 = free */
	int		 killed;	/* SIGTERM sent after a hold or remove */
	int64_t		 kill_at;	/* monotonic ms of the SIGKILL; 0 = none */
	struct buf	 given;		/* its directory's files before it ran */
};

/* The demo schedd's state: the queue as last loaded, and in the server
 * process the running jobs. */
struct demo {
	const struct demo_conf	*conf;
	unsigned char		 key[256];	/* signing key, doubled */
	size_t			 keylen;
	char			*state;		/* absolute state directory */
	int			 lockfd;	/* state/queue.lock: the fcntl lock */
	int			 notify;	/* children: wake the server */
	struct demo_jobs	 jobs, hist;
	int64_t			 next_cluster;
	struct demo_run		*runs;
	size_t			 ncpus;
	pid_t			*conns;		/* connection processes */
	size_t			 nconns;
	struct cedar_session_dir sessions;	/* state/sessions: kept
						 * for resumption */
};

/* The caller of one connection. */
struct demo_conn {
	struct demo		*d;
	struct cedar_stream	*s;
	const char		*user;		/* "alice@demo.local" */
	char			 owner[256];	/* "alice" */
	int			 write;		/* QMGMT_WRITE_CMD */
};

/* server.c */
void		 demo_log(const char *fmt, ...)
		    __attribute__((format(printf, 1, 2)));

/* queue.c: job sets, and the queue and history files. */
int		 jobs_add(struct demo_jobs *j, struct classad *ad);
void		 jobs_del(struct demo_jobs *j, size_t i);
void		 jobs_free(struct demo_jobs *j);
long		 jobs_find(const struct demo_jobs *j, int64_t c, int64_t p);
struct classad	*ad_copy(const struct classad *ad);
int		 owned_by(const struct classad *ad, const char *owner);
int		 queue_open(struct demo *d, char *err, size_t errlen);
void		 queue_lock(struct demo *d, short type);
int		 queue_load(struct demo *d);
int		 queue_save(struct demo *d);
int		 queue_read(struct demo *d);
int64_t		 queue_new_cluster(struct demo *d);

/* query.c: QUERY_JOB_ADS and QUERY_SCHEDD_HISTORY. */
int		 send_ad(struct cedar_stream *s, const struct classad *ad,
		    const char *proj);
int		 parse_id(const char *s, size_t len, int64_t *c, int64_t *p);
void		 query_job_ads(struct demo_conn *cn);
void		 query_history(struct demo_conn *cn);

/* act.c: ACT_ON_JOBS (hold, release, remove). */
void		 act_on_jobs(struct demo_conn *cn);

/* qmgmt.c: the QMGMT request loop and its transaction. */
void		 qmgmt(struct demo_conn *cn);

/* spool.c: job directories, SPOOL_JOB_FILES and TRANSFER_DATA. */
void		 spool_dir(const struct demo *d, struct buf *b, int64_t c,
		    int64_t p);
void		 spool_rewrite(const struct demo *d, struct classad *job,
		    int64_t c, int64_t p);
int		 mkdirs(const char *path);
void		 spool_job_files(struct demo_conn *cn);
void		 transfer_data(struct demo_conn *cn);

/* run.c: the job runner, in the server process only. */
void		 run_schedule(struct demo *d);
void		 run_reaped(struct demo *d, pid_t pid, int status);
int		 run_kill_due(struct demo *d);
void		 run_stop_all(struct demo *d);

#endif
