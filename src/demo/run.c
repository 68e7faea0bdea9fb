/*
 * run.c — the job runner, in the demo schedd's server process only.
 * Vanilla-universe jobs run as local processes of the user running the
 * demo, each in its own process group, in its job directory (spool.c)
 * with its input sandbox; stdout and stderr go to the basenames of Out
 * and Err there, so TRANSFER_DATA sends them with the other output.  At
 * most ncpus jobs run at once; the rest stay idle.  The job ad changes
 * as HTCondor changes it: JobStatus 1 -> 2 -> 4 with the start and
 * completion dates, the wall clock and the exit; a hold or remove seen
 * in the queue sends the process group SIGTERM, and SIGKILL after
 * DEMO_KILL_GRACE_MS (the poll loop's timeout, never a sleep); when the
 * job's process ends, the rest of its group is killed.  A job is not
 * started again while its last process lives.  An executable that cannot
 * be started puts the job on hold (HoldReasonCode 6,
 * FailedToCreateProcess in condor_holdcodes.h).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/args.h"
#include "util/buf.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "classad/eval.h"
#include "demo/demo_int.h"

#define HOLD_FAILED_EXEC	6	/* FailedToCreateProcess */

/* PATH of the job: absolute as given, else relative to DIR. */
static void
job_path(struct buf *b, const char *dir, const char *path)
{
	if (path[0] == '/')
		buf_adds(b, path);
	else
		buf_addf(b, "%s/%s", dir, path);
}

static void	dir_files(struct demo *, int64_t, int64_t, struct buf *);

/* What a job's process is started with. */
struct launch {
	struct buf	 dir, cmd, in, out, err;
	struct strv	 argv, envp;
};

static void
launch_free(struct launch *l)
{
	buf_free(&l->dir);
	buf_free(&l->cmd);
	buf_free(&l->in);
	buf_free(&l->out);
	buf_free(&l->err);
	strv_free(&l->argv);
	strv_free(&l->envp);
}

/* The job's output file NAME (Out or Err): its basename in DIR, or
 * /dev/null. */
static void
out_path(struct buf *b, const struct classad *job, const char *name,
    const char *dir)
{
	const char	*v, *sl;

	if (classad_lookup_string(job, name, &v) == -1 || *v == '\0' ||
	    strcmp(v, "/dev/null") == 0) {
		buf_adds(b, "/dev/null");
		return;
	}
	sl = strrchr(v, '/');
	buf_addf(b, "%s/%s", dir, sl != NULL ? sl + 1 : v);
}

/* The job's arguments, from Arguments (V2) or else Args (V1), after
 * ARGV[0]: 0, or -1 with REASON. */
static int
job_args(const struct classad *job, struct strv *argv, char *reason,
    size_t reasonlen)
{
	const char	*v;
	char		 why[256];
	int		 rc;

	if (classad_lookup_string(job, "Arguments", &v) == 0)
		rc = args_split_v2(v, argv, why, sizeof(why));
	else if (classad_lookup_string(job, "Args", &v) == 0)
		rc = args_split_v1(v, 0, argv, why, sizeof(why));
	else
		return 0;
	if (rc == -1)
		snprintf(reason, reasonlen, "cannot parse the job's "
		    "arguments (%s): %s", why, v);
	return rc;
}

/* The job's environment, from Environment (V2) or else Env (V1, split on
 * EnvDelim): 0, or -1 with REASON. */
static int
job_env(const struct classad *job, struct strv *envp, char *reason,
    size_t reasonlen)
{
	const char	*v, *delim;
	char		 why[256];
	int		 rc;

	if (classad_lookup_string(job, "Environment", &v) == 0)
		rc = args_split_v2(v, envp, why, sizeof(why));
	else if (classad_lookup_string(job, "Env", &v) == 0) {
		if (classad_lookup_string(job, "EnvDelim", &delim) == -1 ||
		    *delim == '\0')
			delim = ";";
		rc = env_split_v1(v, (unsigned char)*delim, envp, why,
		    sizeof(why));
	} else
		return 0;
	if (rc == -1)
		snprintf(reason, reasonlen, "cannot parse the job's "
		    "environment (%s): %s", why, v);
	return rc;
}

/* Prepare job C.P's process from its ad: 0, or -1 with REASON. */
static int
launch_prepare(struct demo *d, const struct classad *job, int64_t c,
    int64_t p, struct launch *l, char *reason, size_t reasonlen)
{
	const char	*v, *iwd;

	spool_dir(d, &l->dir, c, p);
	if (mkdirs(buf_str(&l->dir)) == -1) {
		snprintf(reason, reasonlen, "cannot make the job directory "
		    "%s: %s", buf_str(&l->dir), strerror(errno));
		return -1;
	}
	if (classad_lookup_string(job, "Cmd", &v) == -1 || *v == '\0') {
		snprintf(reason, reasonlen, "the job has no executable (Cmd)");
		return -1;
	}
	if (classad_lookup_string(job, "Iwd", &iwd) == -1)
		iwd = buf_str(&l->dir);
	job_path(&l->cmd, iwd, v);
	if (classad_lookup_string(job, "In", &v) == 0 && *v != '\0')
		job_path(&l->in, iwd, v);
	else
		buf_adds(&l->in, "/dev/null");
	out_path(&l->out, job, "Out", buf_str(&l->dir));
	out_path(&l->err, job, "Err", buf_str(&l->dir));
	if (strv_add(&l->argv, buf_str(&l->cmd), l->cmd.len) == -1)
		goto nomem;
	if (job_args(job, &l->argv, reason, reasonlen) == -1 ||
	    job_env(job, &l->envp, reason, reasonlen) == -1)
		return -1;
	buf_reset(&l->cmd);
	buf_addf(&l->cmd, "_CONDOR_SCRATCH_DIR=%s", buf_str(&l->dir));
	if (l->dir.failed || l->in.failed || l->out.failed || l->err.failed ||
	    l->cmd.failed || strv_add(&l->envp, buf_str(&l->cmd),
	    l->cmd.len) == -1)
		goto nomem;
	return 0;
nomem:
	snprintf(reason, reasonlen, "out of memory");
	return -1;
}

/* In the new process: its own group, default signals, the job's files
 * on 0, 1, 2, its directory, the executable.  A failure is written to
 * FD as the failing step and errno. */
static void __attribute__((noreturn))
launch_child(const struct launch *l, int fd)
{
	sigset_t	 none;
	int		 msg[2], in, out, err;

	(void)setpgid(0, 0);
	signal(SIGPIPE, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	msg[0] = 0;
	if ((in = open(buf_str(&l->in), O_RDONLY)) == -1)
		goto fail;
	msg[0] = 1;
	if ((out = open(buf_str(&l->out), O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == -1 || (err = open(buf_str(&l->err), O_WRONLY | O_CREAT |
	    (strcmp(buf_str(&l->out), buf_str(&l->err)) == 0 ? O_APPEND :
	    O_TRUNC), 0644)) == -1)
		goto fail;
	msg[0] = 2;
	if (dup2(in, 0) == -1 || dup2(out, 1) == -1 || dup2(err, 2) == -1 ||
	    chdir(buf_str(&l->dir)) == -1)
		goto fail;
	msg[0] = 3;
	/* A transferred executable is made executable, as HTCondor's
	 * starter does: a tar made by hand often lacks the bit.  A path
	 * outside the job's directory is the user's own and left alone. */
	if (strncmp(l->argv.v[0], buf_str(&l->dir), l->dir.len) == 0 &&
	    l->argv.v[0][l->dir.len] == '/')
		(void)chmod(l->argv.v[0], 0755);
	execve(l->argv.v[0], l->argv.v, l->envp.v);
fail:
	msg[1] = errno;
	if (write(fd, msg, sizeof(msg)) == -1)
		_exit(127);
	_exit(127);
}

/* Start L: the pid, or -1 with REASON (the message HTCondor's starter
 * gives a failed exec). */
static pid_t
launch(const struct launch *l, char *reason, size_t reasonlen, int *errp)
{
	static const char *const step[] = { "open the job's input",
		"open the job's output", "enter the job's directory",
		"execute" };
	int	 fds[2], msg[2];
	ssize_t	 n;
	pid_t	 pid;

	*errp = 0;
	if (pipe2(fds, O_CLOEXEC) == -1 || (pid = fork()) == -1) {
		*errp = errno;
		snprintf(reason, reasonlen, "cannot start a process: %s",
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		close(fds[0]);
		launch_child(l, fds[1]);
	}
	(void)setpgid(pid, pid);
	close(fds[1]);
	while ((n = read(fds[0], msg, sizeof(msg))) == -1 && errno == EINTR)
		;
	close(fds[0]);
	if (n != (ssize_t)sizeof(msg))
		return pid;		/* exec'ed: the pipe closed */
	while (waitpid(pid, NULL, 0) == -1 && errno == EINTR)
		;
	*errp = msg[1];
	snprintf(reason, reasonlen, "Error from demo schedd: Failed to %s "
	    "'%s': (errno=%d: '%s')", step[msg[0] & 3], msg[0] == 3 ?
	    l->argv.v[0] : msg[0] == 0 ? buf_str(&l->in) : msg[0] == 1 ?
	    buf_str(&l->out) : buf_str(&l->dir), msg[1], strerror(msg[1]));
	return -1;
}

/* Put JOB on hold with REASON, as the starter's failure does. */
static void
hold_job(struct classad *job, const char *reason, int code, int sub)
{
	int64_t	 st = DEMO_IDLE;

	classad_lookup_int(job, "JobStatus", &st);
	classad_insert_int(job, "LastJobStatus", st);
	classad_insert_int(job, "JobStatus", DEMO_HELD);
	classad_insert_int(job, "EnteredCurrentStatus", (int64_t)time(NULL));
	classad_insert_string(job, "HoldReason", reason);
	classad_insert_int(job, "HoldReasonCode", code);
	classad_insert_int(job, "HoldReasonSubCode", sub);
}

/* Start idle job JOB in run slot R, marking it running, or on hold when
 * it cannot start. */
static void
start_job(struct demo *d, struct classad *job, struct demo_run *r)
{
	struct launch	 l;
	char		 reason[1024];
	int64_t		 c = 0, p = 0, n = 0, now = (int64_t)time(NULL);
	int		 e = 0;
	pid_t		 pid = -1;

	memset(&l, 0, sizeof(l));
	classad_lookup_int(job, "ClusterId", &c);
	classad_lookup_int(job, "ProcId", &p);
	if (launch_prepare(d, job, c, p, &l, reason, sizeof(reason)) == 0) {
		dir_files(d, c, p, &r->given);
		pid = launch(&l, reason, sizeof(reason), &e);
	}
	launch_free(&l);
	if (pid == -1) {
		buf_free(&r->given);
		demo_log("job %lld.%lld held: %s", (long long)c, (long long)p,
		    reason);
		hold_job(job, reason, HOLD_FAILED_EXEC, e);
		return;
	}
	r->c = c;
	r->p = p;
	r->pid = pid;
	r->killed = 0;
	classad_lookup_int(job, "NumJobStarts", &n);
	classad_insert_int(job, "NumJobStarts", n + 1);
	classad_insert_int(job, "LastJobStatus", DEMO_IDLE);
	classad_insert_int(job, "JobStatus", DEMO_RUNNING);
	classad_insert_int(job, "EnteredCurrentStatus", now);
	if (classad_lookup(job, "JobStartDate") == NULL)
		classad_insert_int(job, "JobStartDate", now);
	classad_insert_int(job, "JobCurrentStartDate", now);
	classad_insert_int(job, "ShadowBday", now);
	demo_log("job %lld.%lld started, pid %ld", (long long)c,
	    (long long)p, (long)pid);
}

/* The run slot of job C.P while its process lives, or NULL. */
static struct demo_run *
run_of(struct demo *d, int64_t c, int64_t p)
{
	size_t	 i;

	for (i = 0; i < d->ncpus; i++)
		if (d->runs[i].pid != 0 && d->runs[i].c == c &&
		    d->runs[i].p == p)
			return &d->runs[i];
	return NULL;
}

/* Stop the jobs that were held or removed, or left the queue, as the
 * starter does: SIGTERM to the job's process group now, SIGKILL when the
 * grace has passed (run_kill_due). */
static void
kill_stopped(struct demo *d)
{
	struct demo_run	*r;
	int64_t		 st;
	size_t		 i;
	long		 idx;

	for (i = 0; i < d->ncpus; i++) {
		r = &d->runs[i];
		if (r->pid == 0 || r->killed)
			continue;
		idx = jobs_find(&d->jobs, r->c, r->p);
		st = 0;
		if (idx >= 0)
			classad_lookup_int(d->jobs.ad[idx], "JobStatus", &st);
		if (st != DEMO_RUNNING) {
			(void)kill(-r->pid, SIGTERM);
			r->killed = 1;
			r->kill_at = cedar_now_ms() + DEMO_KILL_GRACE_MS;
		}
	}
}

/* SIGKILL the jobs whose grace has passed; the milliseconds until the
 * next one is due, or -1 when none is (a poll timeout). */
int
run_kill_due(struct demo *d)
{
	struct demo_run	*r;
	int64_t		 now = cedar_now_ms(), next = -1;
	size_t		 i;

	for (i = 0; i < d->ncpus; i++) {
		r = &d->runs[i];
		if (r->pid == 0 || r->kill_at == 0)
			continue;
		if (r->kill_at <= now) {
			(void)kill(-r->pid, SIGKILL);
			r->kill_at = 0;
		} else if (next == -1 || r->kill_at - now < next)
			next = r->kill_at - now;
	}
	return (int)next;
}

/* Move to the history the jobs that are done with the queue: completed
 * ones whose LeaveJobInQueue no longer holds them (their output was
 * fetched, or they were not spooled), and removed ones whose process
 * has been reaped.  1 when one moved. */
static int
retire_done(struct demo *d)
{
	const struct classad_expr	*leave;
	struct classad			*job;
	int64_t				 st, c, p;
	size_t				 i;
	int				 moved = 0;

	for (i = d->jobs.n; i > 0; i--) {
		job = d->jobs.ad[i - 1];
		st = c = p = 0;
		classad_lookup_int(job, "JobStatus", &st);
		classad_lookup_int(job, "ClusterId", &c);
		classad_lookup_int(job, "ProcId", &p);
		leave = classad_lookup(job, "LeaveJobInQueue");
		if (st == DEMO_COMPLETED && leave != NULL &&
		    classad_eval_match(leave, job) == 1)
			continue;
		if (st != DEMO_COMPLETED &&
		    (st != DEMO_REMOVED || run_of(d, c, p) != NULL))
			continue;
		if (jobs_add(&d->hist, job) == 0) {
			jobs_del(&d->jobs, i - 1);
			moved = 1;
		}
	}
	return moved;
}

/* A directory entry that is a job or cluster id ("12"), or -1 (".",
 * "..", a spool in progress "3.tmp123"). */
static int64_t
id_name(const char *name)
{
	char		*end;
	long long	 v;

	if (*name < '0' || *name > '9')
		return -1;
	v = strtoll(name, &end, 10);
	return *end == '\0' ? (int64_t)v : -1;
}

/* Is any job of cluster C in the queue? */
static int
cluster_queued(const struct demo *d, int64_t c)
{
	int64_t	 jc;
	size_t	 i;

	for (i = 0; i < d->jobs.n; i++)
		if (classad_lookup_int(d->jobs.ad[i], "ClusterId", &jc) == 0 &&
		    jc == c)
			return 1;
	return 0;
}

/* Remove the directories of the jobs that left the queue (and whose
 * process is gone), wherever they went: the output of a job can be
 * fetched while it is in the queue, not after.  A cluster's directory
 * goes with its last job. */
static void
sweep_dirs(struct demo *d)
{
	struct dirent	*ce, *pe;
	struct buf	 path = BUF_INIT;
	DIR		*sd, *cd;
	int64_t		 c, p;
	size_t		 base;

	buf_addf(&path, "%s/spool", d->state);
	if (path.failed || (sd = opendir(buf_str(&path))) == NULL) {
		buf_free(&path);
		return;
	}
	base = path.len;
	while ((ce = readdir(sd)) != NULL) {
		if ((c = id_name(ce->d_name)) < 0)
			continue;
		path.len = base;
		buf_addf(&path, "/%s", ce->d_name);
		if (path.failed || (cd = opendir(buf_str(&path))) == NULL)
			continue;
		while ((pe = readdir(cd)) != NULL) {
			if ((p = id_name(pe->d_name)) < 0 ||
			    jobs_find(&d->jobs, c, p) >= 0 ||
			    run_of(d, c, p) != NULL)
				continue;
			path.len = base;
			buf_addf(&path, "/%s/%s", ce->d_name, pe->d_name);
			(void)file_remove_tree(buf_str(&path));
		}
		closedir(cd);
		path.len = base;
		buf_addf(&path, "/%s", ce->d_name);
		if (!cluster_queued(d, c))
			(void)rmdir(buf_str(&path));
	}
	closedir(sd);
	buf_free(&path);
}

/* Look at the queue after a change: stop what was held or removed,
 * retire what is done, start idle jobs while a slot is free. */
void
run_schedule(struct demo *d)
{
	struct demo_run	*slot;
	int64_t		 st, u, c, p;
	size_t		 i, k;
	int		 changed;

	queue_lock(d, F_WRLCK);
	if (queue_load(d) == -1)
		goto out;
	kill_stopped(d);
	changed = retire_done(d);
	for (i = 0; i < d->jobs.n; i++) {
		st = u = c = p = 0;
		classad_lookup_int(d->jobs.ad[i], "JobStatus", &st);
		classad_lookup_int(d->jobs.ad[i], "JobUniverse", &u);
		classad_lookup_int(d->jobs.ad[i], "ClusterId", &c);
		classad_lookup_int(d->jobs.ad[i], "ProcId", &p);
		if (st != DEMO_IDLE || u != DEMO_VANILLA || run_of(d, c, p))
			continue;
		for (k = 0, slot = NULL; k < d->ncpus && slot == NULL; k++)
			if (d->runs[k].pid == 0)
				slot = &d->runs[k];
		if (slot == NULL)
			break;
		start_job(d, d->jobs.ad[i], slot);
		changed = 1;
	}
	/* A job may have left in a connection's process too. */
	if (!changed || queue_save(d) == 0)
		sweep_dirs(d);
out:
	queue_lock(d, F_UNLCK);
}

/* Record how job JOB's process ended (STATUS from waitpid), as the
 * shadow does: completed with its exit, or, when it was killed after a
 * hold, only its wall clock. */
static void
job_ended(struct classad *job, int status)
{
	int64_t	 st = 0, start = 0, now = (int64_t)time(NULL);
	double	 wall = 0;

	classad_lookup_int(job, "JobStatus", &st);
	classad_lookup_int(job, "JobCurrentStartDate", &start);
	classad_lookup_real(job, "RemoteWallClockTime", &wall);
	classad_insert_real(job, "RemoteWallClockTime",
	    wall + (double)(now - start));
	classad_insert_real(job, "CommittedTime", wall + (double)(now - start));
	if (st != DEMO_RUNNING)
		return;
	classad_insert_int(job, "LastJobStatus", DEMO_RUNNING);
	classad_insert_int(job, "JobStatus", DEMO_COMPLETED);
	classad_insert_int(job, "EnteredCurrentStatus", now);
	classad_insert_int(job, "CompletionDate", now);
	if (WIFSIGNALED(status)) {
		classad_insert_bool(job, "ExitBySignal", 1);
		classad_insert_int(job, "ExitSignal", WTERMSIG(status));
		classad_delete(job, "ExitCode");
	} else {
		classad_insert_bool(job, "ExitBySignal", 0);
		classad_insert_int(job, "ExitCode", WEXITSTATUS(status));
	}
	classad_insert_int(job, "ExitStatus", WIFSIGNALED(status) ?
	    WTERMSIG(status) : WEXITSTATUS(status));
}

/* One line per regular file at the top of job C.P's directory, into OUT:
 * "\nname\tmtime\tsize", so that a file can be looked up by its line. */
static void
dir_files(struct demo *d, int64_t c, int64_t p, struct buf *out)
{
	struct dirent	**names;
	struct stat	  sb;
	struct buf	  path = BUF_INIT;
	size_t		  dirlen;
	int		  n, i;

	buf_reset(out);
	spool_dir(d, &path, c, p);
	dirlen = path.len;
	if ((n = scandir(buf_str(&path), &names, NULL, alphasort)) < 0) {
		buf_free(&path);
		return;
	}
	for (i = 0; i < n; i++) {
		path.len = dirlen;
		buf_addf(&path, "/%s", names[i]->d_name);
		if (names[i]->d_name[0] != '.' &&
		    lstat(buf_str(&path), &sb) == 0 && S_ISREG(sb.st_mode))
			buf_addf(out, "\n%s\t%lld.%09ld\t%lld",
			    names[i]->d_name, (long long)sb.st_mtim.tv_sec,
			    sb.st_mtim.tv_nsec, (long long)sb.st_size);
		free(names[i]);
	}
	free(names);
	buf_addc(out, '\n');
	buf_free(&path);
}

/* What a completed job leaves for download, as HTCondor's starter finds
 * it: TransferOutput when the job names its outputs, else every file at
 * the top of its directory that it made or changed (one not there before
 * it ran, or with another time or size: not the input sandbox it was
 * given, nor the executable), as SpooledOutputFiles (spool.c sends those,
 * and stdout and stderr). */
static void
note_output_files(struct demo *d, struct classad *job, const struct demo_run *r)
{
	struct buf	 now = BUF_INIT, list = BUF_INIT;
	const char	*v, *line, *end, *tab;

	if (classad_lookup_string(job, "TransferOutput", &v) == 0) {
		classad_insert_string(job, "SpooledOutputFiles", v);
		return;
	}
	dir_files(d, r->c, r->p, &now);
	for (line = now.data; line != NULL && (end = memchr(line + 1, '\n',
	    now.len - (size_t)(line + 1 - now.data))) != NULL; line = end) {
		/* The line with both newlines is unchanged when found. */
		if (r->given.data == NULL || memmem(r->given.data,
		    r->given.len, line, (size_t)(end - line) + 1) == NULL) {
			tab = memchr(line + 1, '\t', (size_t)(end - line - 1));
			if (tab != NULL)
				buf_addf(&list, "%s%.*s", list.len ? "," : "",
				    (int)(tab - line - 1), line + 1);
		}
	}
	if (!list.failed && !now.failed)
		classad_insert_string(job, "SpooledOutputFiles",
		    buf_str(&list));
	buf_free(&now);
	buf_free(&list);
}

/* A child of the server ended: when it is a job, record it and free its
 * slot (the caller schedules again). */
void
run_reaped(struct demo *d, pid_t pid, int status)
{
	struct demo_run	*r = NULL;
	size_t		 i;
	long		 idx;

	for (i = 0; i < d->ncpus && r == NULL; i++)
		if (d->runs[i].pid == pid)
			r = &d->runs[i];
	if (r == NULL)
		return;			/* a connection's process */
	/* What the job left running in its group goes with it, as the
	 * starter kills the job's whole family. */
	(void)kill(-pid, SIGKILL);
	queue_lock(d, F_WRLCK);
	if (queue_load(d) == 0 &&
	    (idx = jobs_find(&d->jobs, r->c, r->p)) >= 0) {
		job_ended(d->jobs.ad[idx], status);
		note_output_files(d, d->jobs.ad[idx], r);
		queue_save(d);
	}
	queue_lock(d, F_UNLCK);
	demo_log("job %lld.%lld ended (wait status %d)", (long long)r->c,
	    (long long)r->p, status);
	buf_free(&r->given);
	memset(r, 0, sizeof(*r));
}

/* At shutdown: stop every job as a hold does, SIGTERM and then, after
 * DEMO_STOP_GRACE_MS, SIGKILL, and wait for it; the running jobs go back
 * to idle so a later run (with the same state directory) starts them
 * again, and held or removed ones stay so. */
void
run_stop_all(struct demo *d)
{
	struct demo_run	*r;
	int64_t		 st, deadline;
	size_t		 i, left;
	long		 idx;

	for (i = 0; i < d->ncpus; i++)
		if (d->runs[i].pid != 0)
			(void)kill(-d->runs[i].pid, SIGTERM);
	deadline = cedar_now_ms() + DEMO_STOP_GRACE_MS;
	do {
		for (i = 0, left = 0; i < d->ncpus; i++) {
			r = &d->runs[i];
			if (r->pid <= 0)
				continue;
			if (cedar_now_ms() >= deadline)
				(void)kill(-r->pid, SIGKILL);
			if (waitpid(r->pid, NULL, WNOHANG) == 0) {
				left++;
				continue;
			}
			(void)kill(-r->pid, SIGKILL);	/* its family */
			r->pid = -1;			/* reaped */
		}
		if (left > 0)
			(void)poll(NULL, 0, 10);
	} while (left > 0);
	queue_lock(d, F_WRLCK);
	(void)queue_load(d);
	for (i = 0; i < d->ncpus; i++) {
		r = &d->runs[i];
		st = 0;
		if (r->pid != 0 &&
		    (idx = jobs_find(&d->jobs, r->c, r->p)) >= 0)
			classad_lookup_int(d->jobs.ad[idx], "JobStatus", &st);
		if (st == DEMO_RUNNING) {
			classad_insert_int(d->jobs.ad[idx], "JobStatus",
			    DEMO_IDLE);
			classad_insert_int(d->jobs.ad[idx], "LastJobStatus",
			    DEMO_RUNNING);
		}
		buf_free(&r->given);
		memset(r, 0, sizeof(*r));
	}
	queue_save(d);
	queue_lock(d, F_UNLCK);
}
