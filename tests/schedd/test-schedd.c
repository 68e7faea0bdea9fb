/*
 * test-schedd.c — a test double of the HTCondor schedd: it plays the
 * schedd's side of the CEDAR protocol (DC_AUTHENTICATE with TOKEN
 * verification against a POOL signing key, ECDH, AES-GCM) and answers
 * QUERY_JOB_ADS, QUERY_SCHEDD_HISTORY, ACT_ON_JOBS, the QMGMT request
 * loop (QMGMT_WRITE_CMD, QMGMT_READ_CMD), SPOOL_JOB_FILES_WITH_PERMS and
 * TRANSFER_DATA_WITH_PERMS over job ads loaded from a file,
 * so the whole HTTP -> CEDAR -> JSON path runs in CI without HTCondor.
 * It refuses what a real schedd refuses (bad token, wrong method name,
 * malformed version string: the handshake code closes the connection;
 * another owner's job, immutable attributes, a failed submit requirement:
 * the answers of HTCondor's schedd.cpp and qmgmt.cpp, and of
 * tests/conformance/cedar), and can be told to
 * fail in the ways the API must report.
 *
 *	test-schedd -k POOL-KEY-FILE -a ADDRESS-FILE [-j JOBS-FILE]
 *	    [-H HISTORY-FILE] [-r REQUIREMENT [-R REASON]]
 *	    [-d TRUST-DOMAIN] [-p PORT] [-s SPOOL-DIR] [-x FAULT]
 *	    [-S SESSION-DIR] [-D DURATION] [-L LEASE] [-W SLOP]
 *
 * It listens on 127.0.0.1 (PORT, default any), writes "<127.0.0.1:PORT>"
 * to ADDRESS-FILE once it accepts connections, and serves each connection
 * in a child process until killed (the API may hold a QMGMT connection
 * open while it queries on another).  The job queue and the history live
 * in shared memory files, locked with fcntl, so every child sees what the
 * others committed.
 *
 * JOBS-FILE and HISTORY-FILE hold ads in the -long text form separated by
 * blank lines; the history file is in history-file order, oldest first
 * (it is served newest first, after the jobs removed during the run).  A
 * job's owner is its Owner attribute; the caller's is the authenticated
 * user up to its last '@'.  New cluster ids continue after the highest
 * ClusterId of both files (a real schedd never reuses an id that reached
 * its history).  REQUIREMENT is a ClassAd expression every job
 * a transaction creates must satisfy at commit, as SUBMIT_REQUIREMENT_*
 * (unlike a real schedd, also every job the transaction edits, so a test
 * can reach the refusal through an edit); REASON is its ErrorReason.
 * FAULT is one of:
 *	die-after:N	the connection's process exits abruptly after
 *			sending N job ads (to the client, a schedd killed
 *			mid-stream)
 *	stall-after:N	stop answering a query after N job ads
 *	close-query	close right after reading the query (as a schedd does
 *			for a constraint it cannot parse)
 *	drop-before-commit  close a QMGMT connection when CommitTransaction
 *			arrives, committing nothing
 *	cut-after:N	close a QMGMT connection after N requests (the
 *			replies to them are sent), committing nothing
 *	refuse-proc:N	refuse NewProc from proc N of a cluster on, with
 *			-4 (MAX_JOBS_PER_SUBMISSION) and errno 22, as a
 *			real schedd at its limit
 *	skip-proc:N	answer NewProc for proc N with N + 1
 *	hold-replies:N	send no NewProc reply until N (at most 64) NewProc
 *			requests have come (a client that waits for each
 *			one stalls)
 *	fail-spool-after:N  drop a SPOOL_JOB_FILES connection after
 *			receiving N bytes of file data (the jobs are removed)
 *	fail-spool-ack	answer the uploader's acknowledgement with a
 *			failure (the jobs are removed)
 *	fail-transfer-after:N  drop a TRANSFER_DATA connection after sending
 *			N bytes of file data
 *	read-only	refuse QMGMT_WRITE_CMD to everyone (an identity the
 *			schedd allows to READ only)
 *	forget-sessions	answer every resumption SID_NOT_FOUND (as after a
 *			restart); also while SESSION-DIR/forget exists
 *	wrong-session-key  resume with a corrupted key: the resumption is
 *			AUTHORIZED, then the client's first packet fails to
 *			open and the connection is closed (§13 row 23); also
 *			while SESSION-DIR/wrong-key exists
 *
 * Sessions are kept as a 25.14 schedd keeps them (cedar-protocol.md
 * §5.9), so a client in another process may resume one: in SESSION-DIR
 * (default: "sessions" next to ADDRESS-FILE, made mode 0700), one file
 * per Sid; removing its sid-* files forgets them all, as a restart does.
 * DURATION and LEASE are the schedd's SessionDuration and SessionLease
 * (default 60 and 3600; a session gets the smaller of these and the
 * client's), SLOP what it adds to both (default 20, as
 * SEC_SESSION_DURATION_SLOP; -1 = none).  Each connection logs
 * "test-schedd: session new SID" after a full handshake or
 * "test-schedd: session resumed SID" after a resumption, before the
 * command's line; a refused resumption logs "test-schedd: handshake
 * failed: session SID not found".
 *
 * Job sandboxes live in SPOOL-DIR (default: "spool" next to
 * ADDRESS-FILE), job C.P's files in SPOOL-DIR/C/P/, which becomes its Iwd
 * when it is submitted held for spooling (HoldReasonCode 16; SUBMIT_Iwd
 * keeps the old one, Cmd, In and TransferInput are rewritten as the
 * schedd does).  SPOOL_JOB_FILES_WITH_PERMS fills that directory (via
 * SPOOL-DIR/C/P.tmpPID, renamed when all arrived) and releases the job;
 * TRANSFER_DATA_WITH_PERMS sends everything under it, directories first.
 *
 * Every command served is logged to stderr as "test-schedd: NAME from
 * USER", each QMGMT operation and action outcome on a line of its own.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/wait.h>

#include <dirent.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "cedar/cedar.h"
#include "cedar/server.h"
#include "classad/classad.h"
#include "classad/eval.h"

/* QMGMT operations (HTCondor's qmgmt_constants.h) and flag bits. */
#define Q_NEW_CLUSTER		10002
#define Q_NEW_PROC		10003
#define Q_SET_ATTRIBUTE		10006
#define Q_COMMIT_NO_FLAGS	10007
#define Q_GET_JOB_AD		10018
#define Q_SET_BY_CONSTRAINT	10021
#define Q_BEGIN_TRANSACTION	10023
#define Q_ABORT_TRANSACTION	10024
#define Q_SET_ATTRIBUTE2	10027
#define Q_CLOSE_SOCKET		10028
#define Q_COMMIT		10031
#define Q_SET_BY_CONSTRAINT2	10032
#define Q_GET_CAPABILITIES	10036
#define Q_FLAG_NOACK		0x02
#define Q_FLAG_ONLY_MY_JOBS	0x10

/* ACT_ON_JOBS actions and result codes (schedd.cpp, Scheduler::actOnJobs). */
#define JA_HOLD			1
#define JA_RELEASE		2
#define JA_REMOVE		3
#define AR_SUCCESS		1
#define AR_NOT_FOUND		2
#define AR_BAD_STATUS		3
#define AR_ALREADY_DONE		4
#define AR_PERMISSION_DENIED	5

/* Job status (Appendix A). */
#define ST_IDLE			1
#define ST_REMOVED		3
#define ST_COMPLETED		4
#define ST_HELD			5

/* errno values as a Linux schedd sends them. */
#define E_NOENT			2
#define E_ACCES			13
#define E_INVAL			22

struct jobs {
	struct classad	**ad;
	size_t		  n;
};

/* What every child shares: bumped on each change of the files. */
struct shared {
	unsigned long	gen;
	long		next_cluster;
};

static struct {
	unsigned char	 key[256];
	size_t		 keylen;
	const char	*domain;
	struct jobs	 jobs;		/* the queue, as of gen */
	struct jobs	 hist;		/* the history, oldest first */
	int		 qfd, hfd;	/* their shared text; qfd holds the lock */
	struct shared	*sh;
	unsigned long	 gen;
	struct classad_expr *req;	/* -r, or NULL */
	const char	*req_reason;
	char		 fault[32];
	long		 fault_n;
	int		 port;		/* where we listen */
	char		 spool[4096];	/* -s, or <address file's dir>/spool */
} ts;

/* The caller of one connection. */
struct conn {
	struct cedar_stream	*s;
	const char		*user;	/* "alice@test.local" */
	char			 owner[256];	/* "alice" */
	int			 write;	/* QMGMT_WRITE_CMD */
};

/* Exit with FMT, whose one "%s" stands for ARG. */
static void __attribute__((noreturn))
die(const char *fmt, const char *arg)
{
	const char *p = strstr(fmt, "%s");

	if (p == NULL)
		fprintf(stderr, "test-schedd: %s\n", fmt);
	else
		fprintf(stderr, "test-schedd: %.*s%s%s\n", (int)(p - fmt), fmt,
		    arg, p + 2);
	exit(1);
}

/* Read a whole file into B. */
static void
slurp(const char *path, struct buf *b)
{
	char	tmp[8192];
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		die("cannot open %s", path);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(b, tmp, (size_t)n);
	close(fd);
}

/* The POOL key as the schedd reads it: unscrambled and doubled. */
static void
load_key(const char *path)
{
	struct buf b = BUF_INIT;

	slurp(path, &b);
	if (b.len == 0 || b.len * 2 > sizeof(ts.key))
		die("bad key file %s", path);
	cedar_key_unscramble((unsigned char *)b.data, b.len);
	memcpy(ts.key, b.data, b.len);
	memcpy(ts.key + b.len, b.data, b.len);
	ts.keylen = b.len * 2;
	buf_wipe(&b);
}

/* --- job sets ---------------------------------------------------------- */

static void
jobs_add(struct jobs *j, struct classad *ad)
{
	struct classad **v;

	if ((v = realloc(j->ad, (j->n + 1) * sizeof(*v))) == NULL)
		die("%s", "out of memory");
	j->ad = v;
	j->ad[j->n++] = ad;
}

/* Drop job I, keeping the order. */
static void
jobs_del(struct jobs *j, size_t i)
{
	memmove(j->ad + i, j->ad + i + 1, (j->n - i - 1) * sizeof(*j->ad));
	j->n--;
}

static void
jobs_free(struct jobs *j)
{
	size_t i;

	for (i = 0; i < j->n; i++)
		classad_free(j->ad[i]);
	free(j->ad);
	j->ad = NULL;
	j->n = 0;
}

static struct classad *
ad_copy(const struct classad *ad)
{
	struct classad	*c = classad_new();
	size_t		 i, n;

	for (i = 0, n = classad_count(ad); i < n; i++)
		classad_insert_parsed(c, classad_name_at(ad, i),
		    classad_expr_copy(classad_expr_at(ad, i)));
	return c;
}

/* The index of job C.P in J, or -1. */
static long
jobs_find(const struct jobs *j, int64_t c, int64_t p)
{
	int64_t	jc, jp;
	size_t	i;

	for (i = 0; i < j->n; i++)
		if (j->ad[i] != NULL &&
		    classad_lookup_int(j->ad[i], "ClusterId", &jc) == 0 &&
		    classad_lookup_int(j->ad[i], "ProcId", &jp) == 0 &&
		    jc == c && jp == p)
			return (long)i;
	return -1;
}

/* Job ads in the -long text form, separated by blank lines. */
static void
parse_ads(const char *text, size_t len, struct jobs *j, const char *what)
{
	struct classad	*ad;
	char		 err[256];
	size_t		 off = 0, used;
	int		 rc;

	while ((rc = classad_read_long(text + off, len - off, &used, &ad, err,
	    sizeof(err))) == 1) {
		off += used;
		jobs_add(j, ad);
	}
	if (rc == -1) {
		fprintf(stderr, "test-schedd: bad %s: %s\n", what, err);
		exit(1);
	}
}

static void
load_ads(const char *path, struct jobs *j)
{
	struct buf b = BUF_INIT;

	slurp(path, &b);
	parse_ads(buf_str(&b), b.len, j, path);
	buf_free(&b);
}

/* Is AD owned by OWNER (its Owner attribute)? */
static int
owned_by(const struct classad *ad, const char *owner)
{
	const char *o;

	return classad_lookup_string(ad, "Owner", &o) == 0 &&
	    strcmp(o, owner) == 0;
}

/* --- the shared state -------------------------------------------------- */

/* Lock the queue and the history: F_RDLCK or F_WRLCK (per process, so it
 * excludes the other children), F_UNLCK to release. */
static void
state_lock(short type)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	while (fcntl(ts.qfd, F_SETLKW, &fl) == -1 && errno == EINTR)
		;
}

/* The shared files hold ads as "<attributes>\n" then, per attribute,
 * "<length> Name = value\n": a value may hold any byte, a newline too. */
static void
read_fd(int fd, struct jobs *j)
{
	struct classad	*ad;
	struct buf	 b = BUF_INIT;
	struct stat	 st;
	char		 tmp[65536], *p, *end, err[256];
	off_t		 off = 0;
	ssize_t		 n;
	long		 na, len;

	if (fstat(fd, &st) == -1)
		die("%s", "fstat");
	while (off < st.st_size && (n = pread(fd, tmp, sizeof(tmp), off)) > 0) {
		buf_add(&b, tmp, (size_t)n);
		off += n;
	}
	for (p = b.data; p != NULL && p < b.data + b.len; ) {
		na = strtol(p, &end, 10);
		p = end + 1;
		ad = classad_new();
		while (na-- > 0) {
			len = strtol(p, &end, 10);
			p = end + 1;
			if (classad_insert_wiren(ad, p, (size_t)len, err,
			    sizeof(err)) == -1)
				die("shared state: %s", err);
			p += len + 1;
		}
		jobs_add(j, ad);
	}
	buf_free(&b);
}

static void
write_fd(int fd, const struct jobs *j)
{
	struct buf	b = BUF_INIT, line = BUF_INIT;
	size_t		i, k;

	for (i = 0; i < j->n; i++) {
		buf_addf(&b, "%zu\n", classad_count(j->ad[i]));
		for (k = 0; k < classad_count(j->ad[i]); k++) {
			buf_reset(&line);
			classad_unparse_attr_old(j->ad[i], k, &line);
			buf_addf(&b, "%zu ", line.len);
			buf_add(&b, line.data, line.len);
			buf_addc(&b, '\n');
		}
	}
	if (ftruncate(fd, 0) == -1 ||
	    (b.len > 0 && pwrite(fd, b.data, b.len, 0) != (ssize_t)b.len))
		die("%s", "cannot write the shared state");
	buf_free(&b);
	buf_free(&line);
}

/* Bring ts.jobs and ts.hist up to date (the lock is held). */
static void
state_refresh(void)
{
	if (ts.gen == ts.sh->gen)
		return;
	jobs_free(&ts.jobs);
	jobs_free(&ts.hist);
	read_fd(ts.qfd, &ts.jobs);
	read_fd(ts.hfd, &ts.hist);
	ts.gen = ts.sh->gen;
}

/* Publish ts.jobs and ts.hist (the write lock is held). */
static void
state_save(void)
{
	write_fd(ts.qfd, &ts.jobs);
	write_fd(ts.hfd, &ts.hist);
	ts.gen = ++ts.sh->gen;
}

/* A fresh copy of the queue for a reader. */
static void
state_read(void)
{
	state_lock(F_RDLCK);
	state_refresh();
	state_lock(F_UNLCK);
}

static void
state_init(void)
{
	int64_t	c, max = 0;
	size_t	i;

	ts.sh = mmap(NULL, sizeof(*ts.sh), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ts.sh == MAP_FAILED ||
	    (ts.qfd = memfd_create("test-schedd-queue", 0)) == -1 ||
	    (ts.hfd = memfd_create("test-schedd-history", 0)) == -1)
		die("%s", "no shared memory");
	for (i = 0; i < ts.jobs.n; i++)
		if (classad_lookup_int(ts.jobs.ad[i], "ClusterId", &c) == 0 &&
		    c > max)
			max = c;
	for (i = 0; i < ts.hist.n; i++)
		if (classad_lookup_int(ts.hist.ad[i], "ClusterId", &c) == 0 &&
		    c > max)
			max = c;
	ts.sh->next_cluster = (long)max + 1;
	state_save();
}

/* --- sending ads ------------------------------------------------------- */

/* Is NAME in PROJ (blank or comma separated, case-blind)? */
static int
in_projection(const char *proj, const char *name)
{
	const char	*p;
	size_t		 l;

	for (p = proj; *p != '\0'; p += l) {
		p += strspn(p, " ,\n\t");
		l = strcspn(p, " ,\n\t");
		if (l > 0 && l == strlen(name) && strncasecmp(p, name, l) == 0)
			return 1;
	}
	return 0;
}

struct widen {
	const struct classad	*ad;
	struct classad		*out;
};

/* Add attribute NAME of the job to the projected ad, as the schedd adds
 * what projected expressions refer to. */
static void
widen_ref(void *arg, const char *name)
{
	struct widen			*w = arg;
	const struct classad_expr	*e;

	if (classad_lookup(w->out, name) == NULL &&
	    (e = classad_lookup(w->ad, name)) != NULL)
		classad_insert_parsed(w->out, name, classad_expr_copy(e));
}

/* Put AD, with a projection PROJ only its attributes and, when WIDEN is
 * set (job queries), like the real schedd, the attributes their
 * expressions refer to (condor_q drops those again when it prints).  The
 * message is ended when EOM is set. */
static int
put_ad(struct cedar_stream *s, const struct classad *ad, const char *proj,
    int widen, int eom)
{
	struct widen	 w;
	size_t		 i, n;
	int		 rc;

	if (proj == NULL || *proj == '\0')
		return cedar_put_classad(s, ad) == -1 ? -1 :
		    eom ? cedar_send_eom(s) : 0;
	w.ad = ad;
	w.out = classad_new();
	for (i = 0, n = classad_count(ad); i < n; i++)
		if (in_projection(proj, classad_name_at(ad, i)))
			classad_insert_parsed(w.out, classad_name_at(ad, i),
			    classad_expr_copy(classad_expr_at(ad, i)));
	if (widen)
		for (i = 0, n = classad_count(w.out); i < n; i++)
			classad_expr_refs(classad_expr_at(w.out, i), widen_ref,
			    &w);
	rc = cedar_put_classad(s, w.out) == -1 ? -1 :
	    eom ? cedar_send_eom(s) : 0;
	classad_free(w.out);
	return rc;
}

/* Send AD as one message (see put_ad). */
static int
send_ad(struct cedar_stream *s, const struct classad *ad, const char *proj)
{
	return put_ad(s, ad, proj, 1, 1);
}

/* A job id "C.P", or "C" (then *P is -1), in the LEN bytes at S.  0 or
 * -1. */
static int
parse_id(const char *s, size_t len, int64_t *c, int64_t *p)
{
	char	tmp[32], *end;

	if (len == 0 || len >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (tmp[0] < '0' || tmp[0] > '9')
		return -1;
	*c = strtoll(tmp, &end, 10);
	*p = -1;
	if (*end == '.') {
		if (end[1] < '0' || end[1] > '9')
			return -1;
		*p = strtoll(end + 1, &end, 10);
	}
	return *end == '\0' ? 0 : -1;
}

/* QUERY_JOB_ADS (schedd.cpp, QueryJobAdsContinuation): matching job ads,
 * one per message, then the summary ad with Owner = 0. */
static void
query_job_ads(struct cedar_stream *s)
{
	struct classad		*req = NULL, *sum;
	const struct classad_expr *cons;
	const char		*proj = NULL;
	int64_t			 limit = 0;
	size_t			 i, sent = 0;

	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	if (strcmp(ts.fault, "close-query") == 0)
		goto out;
	state_read();
	cons = classad_lookup(req, "Requirements");
	classad_lookup_string(req, "Projection", &proj);
	classad_lookup_int(req, "LimitResults", &limit);
	for (i = 0; i < ts.jobs.n; i++) {
		if (limit > 0 && (int64_t)sent >= limit)
			break;
		if (cons != NULL && classad_eval_match(cons, ts.jobs.ad[i]) != 1)
			continue;
		if (strcmp(ts.fault, "die-after") == 0 &&
		    (long)sent == ts.fault_n) {
			/* What a schedd sent before it died has left. */
			(void)cedar_flush(s);
			_exit(3);
		}
		if (strcmp(ts.fault, "stall-after") == 0 &&
		    (long)sent == ts.fault_n) {
			(void)cedar_flush(s);
			sleep(3600);
			_exit(3);
		}
		if (send_ad(s, ts.jobs.ad[i], proj) == -1)
			goto out;
		sent++;
	}
	sum = classad_new();
	classad_insert_int(sum, "Owner", 0);
	classad_insert_int(sum, "ErrorCode", 0);
	classad_insert_string(sum, "MyType", "Summary");
	classad_insert_int(sum, "Jobs", (int64_t)sent);
	send_ad(s, sum, NULL);
	classad_free(sum);
out:
	classad_free(req);
}

/* QUERY_SCHEDD_HISTORY (history_queue.cpp): the matching history ads newest
 * first, each in its own message when StreamResults is set (after the
 * acknowledgement { Owner = 1; StreamResults = true }), else all in one
 * message with the final ad; the scan stops at NumJobMatches matches or
 * before the first ad the Since expression matches. */
static void
query_history(struct cedar_stream *s)
{
	struct classad		*req = NULL, *ad;
	struct classad_expr	*since = NULL;
	const struct classad_expr *cons, *e;
	const char		*proj = NULL, *str;
	char			 text[64];
	int64_t			 limit = -1, scanned = 0, sent = 0, c, p;
	int			 stream = 0;
	size_t			 i;

	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	state_read();
	cons = classad_lookup(req, "Requirements");
	classad_lookup_string(req, "Projection", &proj);
	classad_lookup_int(req, "NumJobMatches", &limit);
	classad_lookup_bool(req, "StreamResults", &stream);
	/* Since: an expression, or a job id "C.P" as condor_history -since. */
	if ((e = classad_lookup(req, "Since")) != NULL) {
		if (classad_expr_get_string(e, &str, NULL) == 0 &&
		    parse_id(str, strlen(str), &c, &p) == 0 && p >= 0) {
			snprintf(text, sizeof(text), "ClusterId == %lld && "
			    "ProcId == %lld", (long long)c, (long long)p);
			classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &since,
			    NULL, 0);
		} else
			since = classad_expr_copy(e);
	}
	if (stream) {
		ad = classad_new();
		classad_insert_int(ad, "Owner", 1);
		classad_insert_bool(ad, "StreamResults", 1);
		if (send_ad(s, ad, NULL) == -1) {
			classad_free(ad);
			goto out;
		}
		classad_free(ad);
	}
	for (i = ts.hist.n; i > 0; i--) {
		if (limit >= 0 && sent >= limit)
			break;
		ad = ts.hist.ad[i - 1];
		scanned++;
		if (since != NULL && classad_eval_match(since, ad) == 1)
			break;
		if (cons != NULL && classad_eval_match(cons, ad) != 1)
			continue;
		if (put_ad(s, ad, proj, 0, stream) == -1)
			goto out;
		sent++;
	}
	ad = classad_new();
	classad_insert_int(ad, "Owner", 0);
	classad_insert_int(ad, "AdCount", scanned);
	classad_insert_int(ad, "MalformedAds", 0);
	classad_insert_int(ad, "NumJobMatches", sent);
	send_ad(s, ad, NULL);
	classad_free(ad);
	fprintf(stderr, "test-schedd: history: %lld sent\n", (long long)sent);
out:
	classad_expr_free(since);
	classad_free(req);
}

/* --- ACT_ON_JOBS ------------------------------------------------------- */

/* The result code of ACTION on a job of the caller, from its state, as
 * Scheduler::actOnJobs decides it: holding a held job and removing a
 * removed one is "already done", releasing a job that is not held (or
 * is held for spooling) and holding a finished one is "bad status". */
static int
act_state(int action, const struct classad *job)
{
	int64_t st = 0, code = 0;

	classad_lookup_int(job, "JobStatus", &st);
	switch (action) {
	case JA_HOLD:
		if (st == ST_HELD)
			return AR_ALREADY_DONE;
		return st == ST_REMOVED || st == ST_COMPLETED ?
		    AR_BAD_STATUS : AR_SUCCESS;
	case JA_RELEASE:
		classad_lookup_int(job, "HoldReasonCode", &code);
		return st != ST_HELD || code == 16 ? AR_BAD_STATUS : AR_SUCCESS;
	default:
		return st == ST_REMOVED ? AR_ALREADY_DONE : AR_SUCCESS;
	}
}

/* The same for any job: another owner's job is refused first. */
static int
act_code(int action, const struct classad *job, const char *owner)
{
	return owned_by(job, owner) ? act_state(action, job) :
	    AR_PERMISSION_DENIED;
}

/* "<reason> (by user <owner>)", with condor_hold's default reason. */
static void
act_reason(struct buf *b, int action, const char *given, const char *owner)
{
	static const char *const def[] = { NULL, "Via condor_hold",
		"Via condor_release", "Via condor_rm" };

	buf_addf(b, "%s (by user %s)", given != NULL ? given : def[action],
	    owner);
}

/* Change job I of the queue as ACTION does; a removed job leaves the
 * queue for the history (the test double runs nothing, so no shadow
 * keeps it). */
static void
act_apply(int action, size_t i, const char *reason, int64_t subcode,
    const char *owner)
{
	struct classad	*job = ts.jobs.ad[i];
	struct buf	 r = BUF_INIT, last = BUF_INIT;
	int64_t		 st = 0, now = (int64_t)time(NULL);
	const char	*old;

	classad_lookup_int(job, "JobStatus", &st);
	act_reason(&r, action, reason, owner);
	classad_insert_int(job, "LastJobStatus", st);
	classad_insert_int(job, "EnteredCurrentStatus", now);
	switch (action) {
	case JA_HOLD:
		classad_insert_int(job, "JobStatus", ST_HELD);
		classad_insert_string(job, "HoldReason", buf_str(&r));
		classad_insert_int(job, "HoldReasonCode", 1);
		classad_insert_int(job, "HoldReasonSubCode", subcode);
		break;
	case JA_RELEASE:
		classad_insert_int(job, "JobStatus", ST_IDLE);
		if (classad_lookup_string(job, "HoldReason", &old) == 0) {
			/* Copied first: the insert may move the ad's strings. */
			buf_adds(&last, old);
			classad_insert_string(job, "LastHoldReason",
			    buf_str(&last));
		}
		classad_delete(job, "HoldReason");
		classad_delete(job, "HoldReasonCode");
		classad_delete(job, "HoldReasonSubCode");
		classad_insert_string(job, "ReleaseReason", buf_str(&r));
		break;
	default:
		classad_insert_int(job, "JobStatus", ST_REMOVED);
		classad_insert_string(job, "RemoveReason", buf_str(&r));
		classad_insert_int(job, "CompletionDate", now);
		jobs_add(&ts.hist, job);
		jobs_del(&ts.jobs, i);
		break;
	}
	buf_free(&r);
	buf_free(&last);
}

/* One target of an action: a queue index (or -1) and its verdict. */
struct act_target {
	long	 idx;
	int64_t	 c, p;
	int	 code;
};

/* ACT_ON_JOBS (Scheduler::actOnJobs): the request ad, the result ad, and
 * when at least one job can be acted on, the client's confirm int 1 before
 * anything changes; the answer int 1 then says it is committed. */
static void
act_on_jobs(struct conn *cn)
{
	struct cedar_stream	*s = cn->s;
	struct classad		*req = NULL, *res = NULL;
	struct classad_expr	*cons = NULL;
	struct act_target	*t = NULL;
	const struct classad_expr *e;
	const char		*ids = NULL, *reason = NULL, *str, *p, *q;
	static const char *const rattr[] = { NULL, "HoldReason",
		"ReleaseReason", "RemoveReason" };
	char			 name[64];
	int64_t			 action = 0, type = 2, sub = 0, total[7], ok;
	size_t			 nt = 0, i, k;
	long			 idx;
	int			 locked = 0;

	memset(total, 0, sizeof(total));
	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	classad_lookup_string(req, "ActionIds", &ids);
	if ((e = classad_lookup(req, "ActionConstraint")) != NULL) {
		if (classad_expr_get_string(e, &str, NULL) == 0)
			classad_parse_expr(str, CLASSAD_OLD_SYNTAX, &cons,
			    NULL, 0);
		else
			cons = classad_expr_copy(e);
	}
	/* Malformed: a lone int 0 (NOT_OK), then close. */
	if (classad_lookup_int(req, "JobAction", &action) == -1 ||
	    action < JA_HOLD || action > JA_REMOVE ||
	    (ids != NULL) == (e != NULL) || (e != NULL && cons == NULL)) {
		fprintf(stderr, "test-schedd: act: malformed request\n");
		cedar_put_int(s, 0);
		cedar_send_eom(s);
		goto out;
	}
	classad_lookup_int(req, "ActionResultType", &type);
	classad_lookup_string(req, rattr[action], &reason);
	classad_lookup_int(req, "HoldReasonSubCode", &sub);
	state_lock(F_WRLCK);
	locked = 1;
	state_refresh();
	if (ids != NULL) {
		/* "C.P" or "C" (a late-materialization factory, which the
		 * test double has none of); anything else is skipped. */
		for (p = ids; *p != '\0'; p = *q ? q + 1 : q) {
			q = p + strcspn(p, ",");
			p += strspn(p, " ");
			t = realloc(t, (nt + 1) * sizeof(*t));
			if (q <= p || parse_id(p, (size_t)(q - p), &t[nt].c,
			    &t[nt].p) == -1)
				continue;
			t[nt].idx = -1;
			t[nt].code = AR_NOT_FOUND;
			if (t[nt].p >= 0 &&
			    (idx = jobs_find(&ts.jobs, t[nt].c, t[nt].p)) >= 0) {
				t[nt].idx = idx;
				t[nt].code = act_code((int)action,
				    ts.jobs.ad[idx], cn->owner);
			}
			nt++;
		}
	} else {
		/* The schedd ANDs a state guard: jobs the action does not
		 * apply to are not matched at all. */
		for (i = 0; i < ts.jobs.n; i++) {
			struct classad *job = ts.jobs.ad[i];
			int code;

			if (classad_eval_match(cons, job) != 1)
				continue;
			if (act_state((int)action, job) != AR_SUCCESS)
				continue;
			code = owned_by(job, cn->owner) ? AR_SUCCESS :
			    AR_PERMISSION_DENIED;
			t = realloc(t, (nt + 1) * sizeof(*t));
			t[nt].idx = (long)i;
			classad_lookup_int(job, "ClusterId", &t[nt].c);
			classad_lookup_int(job, "ProcId", &t[nt].p);
			t[nt].code = code;
			nt++;
		}
	}
	for (i = 0; i < nt; i++)
		total[t[i].code]++;
	res = classad_new();
	if (type == 1)
		for (i = 0; i < nt; i++) {
			if (t[i].p >= 0)
				snprintf(name, sizeof(name), "job_%lld_%lld",
				    (long long)t[i].c, (long long)t[i].p);
			else
				snprintf(name, sizeof(name), "cluster_%lld",
				    (long long)t[i].c);
			classad_insert_int(res, name, t[i].code);
		}
	classad_insert_int(res, "JobAction", action);
	classad_insert_int(res, "TotalJobAds", total[AR_SUCCESS]);
	classad_insert_int(res, "ActionResult", total[AR_SUCCESS] > 0);
	if (type != 1)
		for (i = 0; i < 7; i++) {
			snprintf(name, sizeof(name), "result_total_%zu", i);
			classad_insert_int(res, name, total[i]);
		}
	classad_insert_int(res, "ActionResultType", type);
	classad_insert_bool(res, "IsQueueSuperUser", 0);
	fprintf(stderr, "test-schedd: act %lld: success %lld, not found "
	    "%lld, bad status %lld, already done %lld, denied %lld\n",
	    (long long)action, (long long)total[1], (long long)total[2],
	    (long long)total[3], (long long)total[4], (long long)total[5]);
	if (send_ad(s, res, NULL) == -1 || total[AR_SUCCESS] == 0)
		goto out;
	/* The client's "still here, commit". */
	if (cedar_get_int(s, &ok) == -1 || cedar_recv_eom(s) == -1 ||
	    ok != 1) {
		fprintf(stderr, "test-schedd: act: no confirm, nothing "
		    "done\n");
		goto out;
	}
	/* Highest index first: a remove takes the job out of the queue. */
	for (k = nt; k > 0; k--) {
		long best = -1;
		size_t bi = 0;

		for (i = 0; i < nt; i++)
			if (t[i].code == AR_SUCCESS && t[i].idx > best) {
				best = t[i].idx;
				bi = i;
			}
		if (best < 0)
			break;
		act_apply((int)action, (size_t)best, reason, sub, cn->owner);
		t[bi].code = 0;
	}
	state_save();
	cedar_put_int(s, 1);
	cedar_send_eom(s);
	fprintf(stderr, "test-schedd: act %lld: committed\n",
	    (long long)action);
out:
	if (locked)
		state_lock(F_UNLCK);
	free(t);
	classad_expr_free(cons);
	classad_free(req);
	classad_free(res);
}

/* --- QMGMT ------------------------------------------------------------- */

/* V for a log line: at most 60 bytes, control bytes as '?'. */
static const char *
loggable(const char *v)
{
	static char	out[64];
	size_t		i;

	for (i = 0; v[i] != '\0' && i < 60; i++)
		out[i] = (unsigned char)v[i] < 0x20 ? '?' : v[i];
	out[i] = '\0';
	return out;
}

/* A cluster created in this connection, with its cluster ad. */
struct newc {
	int64_t		 id, nprocs;
	struct classad	*ad;
};

/* The open transaction: the queue as it sees it, loaded at its first
 * operation, each job marked when it changed; nothing reaches the shared
 * queue before the commit. */
struct tx {
	struct jobs	 work;
	unsigned char	*dirty;
	int		 loaded;
	struct newc	*nc;
	size_t		 nnc;
	int		 poison;	/* errno of a failed NoAck set, or 0 */
	char		 poison_name[128];
};

static void
tx_load(struct tx *tx)
{
	size_t i;

	if (tx->loaded)
		return;
	state_read();
	for (i = 0; i < ts.jobs.n; i++)
		jobs_add(&tx->work, ad_copy(ts.jobs.ad[i]));
	if ((tx->dirty = calloc(tx->work.n + 1, 1)) == NULL)
		die("%s", "out of memory");
	tx->loaded = 1;
}

/* Forget the transaction (abort, or after a commit).  The cluster ids
 * it used are not given out again. */
static void
tx_end(struct tx *tx)
{
	size_t i;

	jobs_free(&tx->work);
	free(tx->dirty);
	for (i = 0; i < tx->nnc; i++)
		classad_free(tx->nc[i].ad);
	free(tx->nc);
	memset(tx, 0, sizeof(*tx));
}

/* Does the transaction hold any change? */
static int
tx_changed(const struct tx *tx)
{
	size_t i;

	for (i = 0; tx->loaded && i < tx->work.n; i++)
		if (tx->dirty[i])
			return 1;
	return tx->nnc > 0;
}

static struct newc *
tx_cluster(struct tx *tx, int64_t c)
{
	size_t i;

	for (i = 0; i < tx->nnc; i++)
		if (tx->nc[i].id == c)
			return &tx->nc[i];
	return NULL;
}

/* Attributes only the schedd sets once a job is committed
 * (SYSTEM_IMMUTABLE_JOB_ATTRS). */
static int
immutable(const char *name)
{
	static const char *const v[] = { "Owner", "ClusterId", "ProcId",
		"JobUniverse", "MyType", "TargetType", "User", "OsUser" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (strcasecmp(name, v[i]) == 0)
			return 1;
	return 0;
}

/* Attributes only the schedd may set (SYSTEM_SECURE_JOB_ATTRS): a set
 * answers 0 and changes nothing. */
static int
secure_attr(const char *name)
{
	return strncasecmp(name, "AuthToken", 9) == 0 ||
	    strncasecmp(name, "x509UserProxy", 13) == 0 ||
	    strcasecmp(name, "TotalSubmitProcs") == 0;
}

static int
attr_name_ok(const char *s)
{
	if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') && *s != '_')
		return 0;
	for (s++; *s != '\0'; s++)
		if (!((*s | 0x20) >= 'a' && (*s | 0x20) <= 'z') &&
		    !(*s >= '0' && *s <= '9') && *s != '_')
			return 0;
	return 1;
}

/* Store NAME = VALUE in AD.  A value that does not parse is answered 0
 * and not stored, as the real schedd does
 * (tests/conformance/cedar/client-error-setattr-immutable). */
static void
store(struct classad *ad, const char *name, const char *value)
{
	struct classad_expr *e = NULL;

	if (classad_parse_expr(value, CLASSAD_OLD_SYNTAX, &e, NULL, 0) == 0)
		classad_insert_parsed(ad, name, e);
}

/* Checks of a set on a job of a new cluster: ClusterId and ProcId must
 * be its own ids, Owner the caller.  0 or the errno. */
static int
check_new(struct conn *cn, const char *name, const char *value, int64_t c,
    int64_t p)
{
	struct classad_expr	*e = NULL;
	const char		*str;
	int64_t			 v;
	int			 rc = 0;

	if (strcasecmp(name, "ClusterId") != 0 &&
	    strcasecmp(name, "ProcId") != 0 && strcasecmp(name, "Owner") != 0)
		return 0;
	if (classad_parse_expr(value, CLASSAD_OLD_SYNTAX, &e, NULL, 0) == -1)
		return E_ACCES;
	if (strcasecmp(name, "Owner") == 0)
		rc = classad_expr_type(e) == CLASSAD_UNDEFINED ||
		    (classad_expr_get_string(e, &str, NULL) == 0 &&
		    strcmp(str, cn->owner) == 0) ? 0 : E_ACCES;
	else if (classad_expr_get_int(e, &v) == -1 ||
	    v != (strcasecmp(name, "ClusterId") == 0 ? c : p))
		rc = E_ACCES;
	classad_expr_free(e);
	return rc;
}

/* SetAttribute (C.P, or the cluster ad for P = -1): 0 or the errno. */
static int
set_attr(struct conn *cn, struct tx *tx, int64_t c, int64_t p,
    const char *value, const char *name)
{
	struct newc	*nc;
	size_t		 i, n = 0;
	long		 idx;
	int		 e;

	if (!attr_name_ok(name) || *value == '\0')
		return E_INVAL;
	if (!cn->write)
		return E_ACCES;
	tx_load(tx);
	if ((nc = tx_cluster(tx, c)) != NULL) {
		if (p == -1) {
			if ((e = check_new(cn, name, value, c, p)) != 0)
				return e;
			store(nc->ad, name, value);
			return 0;
		}
		if ((idx = jobs_find(&tx->work, c, p)) < 0)
			return E_NOENT;
		if ((e = check_new(cn, name, value, c, p)) != 0)
			return e;
		store(tx->work.ad[idx], name, value);
		tx->dirty[idx] = 1;
		return 0;
	}
	/* A committed job, or (P = -1) every job of a committed cluster. */
	for (i = 0; i < tx->work.n; i++) {
		int64_t jc = -1, jp = -1;

		classad_lookup_int(tx->work.ad[i], "ClusterId", &jc);
		classad_lookup_int(tx->work.ad[i], "ProcId", &jp);
		if (jc != c || (p != -1 && jp != p))
			continue;
		n++;
		if (!owned_by(tx->work.ad[i], cn->owner) || immutable(name))
			return E_ACCES;
	}
	if (n == 0)
		return E_NOENT;
	if (secure_attr(name))
		return 0;
	for (i = 0; i < tx->work.n; i++) {
		int64_t jc = -1, jp = -1;

		classad_lookup_int(tx->work.ad[i], "ClusterId", &jc);
		classad_lookup_int(tx->work.ad[i], "ProcId", &jp);
		if (jc == c && (p == -1 || jp == p)) {
			store(tx->work.ad[i], name, value);
			tx->dirty[i] = 1;
		}
	}
	return 0;
}

/* SetAttributeByConstraint: every matching job of the caller (with
 * OnlyMyJobs; without it, a match owned by someone else refuses the
 * whole request).  The number of jobs, or -errno. */
static int64_t
set_by_constraint(struct conn *cn, struct tx *tx, const char *constraint,
    const char *value, const char *name, int flags)
{
	struct classad_expr	*cons = NULL;
	int64_t			 n = 0, c;
	size_t			 i;
	int			 e = 0;

	if (!attr_name_ok(name) || *value == '\0')
		return -E_INVAL;
	if (!cn->write)
		return -E_ACCES;
	if (classad_parse_expr(constraint, CLASSAD_OLD_SYNTAX, &cons, NULL,
	    0) == -1)
		return -E_INVAL;
	tx_load(tx);
	for (i = 0; i < tx->work.n && e == 0; i++) {
		if (classad_eval_match(cons, tx->work.ad[i]) != 1)
			continue;
		if (!owned_by(tx->work.ad[i], cn->owner)) {
			if (!(flags & Q_FLAG_ONLY_MY_JOBS))
				e = E_ACCES;
			continue;
		}
		/* Only the jobs of a cluster made in this transaction may
		 * still get their immutable attributes. */
		if (immutable(name) && (classad_lookup_int(tx->work.ad[i],
		    "ClusterId", &c) == -1 || tx_cluster(tx, c) == NULL))
			e = E_ACCES;
		n++;
	}
	if (e == 0 && n == 0)
		e = E_NOENT;
	if (e == 0 && !secure_attr(name))
		for (i = 0; i < tx->work.n; i++)
			if (classad_eval_match(cons, tx->work.ad[i]) == 1 &&
			    owned_by(tx->work.ad[i], cn->owner)) {
				store(tx->work.ad[i], name, value);
				tx->dirty[i] = 1;
			}
	classad_expr_free(cons);
	return e != 0 ? -e : n;
}

/* --- spooled jobs ------------------------------------------------------ */

/* A job's spool directory: <spool>/<C>/<P>. */
static void
spool_dir(struct buf *b, int64_t c, int64_t p)
{
	buf_addf(b, "%s/%lld/%lld", ts.spool, (long long)c, (long long)p);
}

/* The last component of PATH. */
static const char *
base_name(const char *path)
{
	const char *sl = strrchr(path, '/');

	return sl != NULL ? sl + 1 : path;
}

/* Is boolean attribute NAME of JOB explicitly false? */
static int
is_false(const struct classad *job, const char *name)
{
	int v;

	return classad_lookup_bool(job, name, &v) == 0 && !v;
}

/* Replace string NAME of JOB by its basename (copied first: the insert
 * may move the ad's strings). */
static void
to_basename(struct classad *job, const char *name)
{
	struct buf	 b = BUF_INIT;
	const char	*v;

	if (classad_lookup_string(job, name, &v) == -1)
		return;
	buf_adds(&b, base_name(v));
	classad_insert_string(job, name, buf_str(&b));
	buf_free(&b);
}

/* TransferInput as the schedd rewrites it for a spooled job: each entry
 * to its basename, relative ones kept with PreserveRelativePaths, URLs
 * untouched; SUBMIT_TransferInput keeps the original. */
static void
rewrite_transfer_input(struct classad *job)
{
	struct buf	 orig = BUF_INIT, out = BUF_INIT;
	const char	*v, *p, *e;
	char		 item[4096];
	size_t		 n;
	int		 keep_rel = 0;

	if (classad_lookup_string(job, "TransferInput", &v) == -1)
		return;
	buf_adds(&orig, v);
	classad_lookup_bool(job, "PreserveRelativePaths", &keep_rel);
	for (p = buf_str(&orig); *p != '\0'; p = *e ? e + 1 : e) {
		e = p + strcspn(p, ",");
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n == 0 || n >= sizeof(item))
			continue;
		memcpy(item, p, n);
		item[n] = '\0';
		if (out.len > 0)
			buf_addc(&out, ',');
		if (strstr(item, "://") != NULL ||
		    (keep_rel && item[0] != '/'))
			buf_adds(&out, item);
		else
			buf_adds(&out, base_name(item));
	}
	classad_insert_string(job, "SUBMIT_TransferInput", buf_str(&orig));
	classad_insert_string(job, "TransferInput", buf_str(&out));
	buf_free(&orig);
	buf_free(&out);
}

/* What the schedd does at commit to a job submitted held for spooling
 * (HoldReasonCode 16, cedar-protocol.md 9.3.3): the job runs in its
 * spool directory, so Iwd moves there (SUBMIT_Iwd keeps the old one) and
 * the input files it names become names inside it. */
static void
spool_rewrite(struct classad *job, int64_t c, int64_t p)
{
	struct buf	 b = BUF_INIT;
	const char	*v;

	if (classad_lookup_string(job, "Iwd", &v) == 0) {
		buf_adds(&b, v);
		classad_insert_string(job, "SUBMIT_Iwd", buf_str(&b));
		buf_reset(&b);
	}
	spool_dir(&b, c, p);
	classad_insert_string(job, "Iwd", buf_str(&b));
	buf_free(&b);
	if (!is_false(job, "TransferExecutable"))
		to_basename(job, "Cmd");
	if (!is_false(job, "TransferIn") &&
	    (classad_lookup_string(job, "In", &v) == -1 ||
	    strcmp(v, "/dev/null") != 0))
		to_basename(job, "In");
	rewrite_transfer_input(job);
}

/* CommitTransaction: new jobs get their cluster ad's attributes, Owner
 * and User; every job created or changed must satisfy the submit
 * requirement; then the changed jobs replace theirs in the shared queue
 * and the new ones join it.  0, or the errno with *CODE and REASON for
 * the error ad. */
static int
commit(struct conn *cn, struct tx *tx, int64_t *code, char *reason,
    size_t reasonlen)
{
	struct classad	*job;
	struct newc	*nc;
	size_t		 i, k;
	int64_t		 c, p, hc;
	long		 idx;
	const char	*o;

	if (tx->poison) {
		*code = 1;
		snprintf(reason, reasonlen, "setting %s failed (errno %d)",
		    tx->poison_name, tx->poison);
		return tx->poison;
	}
	if (!tx->loaded)
		return 0;
	for (i = 0; i < tx->work.n; i++) {
		job = tx->work.ad[i];
		if (classad_lookup_int(job, "ClusterId", &c) == -1 ||
		    (nc = tx_cluster(tx, c)) == NULL)
			continue;
		for (k = 0; k < classad_count(nc->ad); k++)
			if (classad_lookup(job, classad_name_at(nc->ad, k)) ==
			    NULL)
				classad_insert_parsed(job,
				    classad_name_at(nc->ad, k),
				    classad_expr_copy(classad_expr_at(nc->ad,
				    k)));
		if (classad_lookup_string(job, "Owner", &o) == -1)
			classad_insert_string(job, "Owner", cn->owner);
		classad_insert_string(job, "User", cn->user);
		if (classad_lookup_int(job, "HoldReasonCode", &hc) == 0 &&
		    hc == 16 && classad_lookup_int(job, "ProcId", &p) == 0)
			spool_rewrite(job, c, p);
	}
	for (i = 0; ts.req != NULL && i < tx->work.n; i++)
		if (tx->dirty[i] &&
		    classad_eval_match(ts.req, tx->work.ad[i]) != 1) {
			*code = 2;
			snprintf(reason, reasonlen, "%s", ts.req_reason);
			return E_INVAL;
		}
	state_lock(F_WRLCK);
	state_refresh();
	for (i = 0; i < tx->work.n; i++) {
		if (!tx->dirty[i] ||
		    classad_lookup_int(tx->work.ad[i], "ClusterId", &c) == -1 ||
		    classad_lookup_int(tx->work.ad[i], "ProcId", &p) == -1)
			continue;
		idx = jobs_find(&ts.jobs, c, p);
		if (idx >= 0) {
			classad_free(ts.jobs.ad[idx]);
			ts.jobs.ad[idx] = tx->work.ad[i];
		} else if (tx_cluster(tx, c) != NULL)
			jobs_add(&ts.jobs, tx->work.ad[i]);
		else		/* removed meanwhile */
			continue;
		tx->work.ad[i] = NULL;
	}
	state_save();
	state_lock(F_UNLCK);
	return 0;
}

/* Send the standard reply: rval, and errno when it is negative. */
static int
reply(struct cedar_stream *s, int64_t rval, int e)
{
	if (cedar_put_int(s, rval) == -1 ||
	    (rval < 0 && cedar_put_int(s, e) == -1))
		return -1;
	return cedar_send_eom(s);
}

/* GetJobAd: rval 0 and the ad without private attributes, or -1 with
 * errno 0 (tests/conformance/cedar/client-error-setattr-nonexistent-job). */
static int
get_job_ad(struct cedar_stream *s, struct tx *tx, int64_t c, int64_t p)
{
	const struct jobs	*j;
	const struct classad	*ad = NULL;
	struct classad		*out;
	struct newc		*nc;
	long			 idx;
	size_t			 i;
	int			 rc;

	if (tx->loaded)
		j = &tx->work;
	else {
		state_read();
		j = &ts.jobs;
	}
	if (p == -1 && (nc = tx_cluster(tx, c)) != NULL)
		ad = nc->ad;
	else if ((idx = jobs_find(j, c, p)) >= 0)
		ad = j->ad[idx];
	if (ad == NULL)
		return reply(s, -1, 0);
	out = classad_new();
	for (i = 0; i < classad_count(ad); i++)
		if (!classad_attr_is_private(classad_name_at(ad, i)))
			classad_insert_parsed(out, classad_name_at(ad, i),
			    classad_expr_copy(classad_expr_at(ad, i)));
	rc = cedar_put_int(s, 0) == -1 || cedar_put_classad(s, out) == -1 ?
	    -1 : cedar_send_eom(s);
	classad_free(out);
	return rc;
}

/* NewProc replies withheld under -x hold-replies:N. */
struct held {
	int64_t	ids[64];
	long	n;
};

/* Reply P to a NewProc, or hold it until N of them have come; then send
 * every one held, in order.  A client waiting for each reply stalls; one
 * that sends its requests back to back gets them all. */
static int
held_reply(struct cedar_stream *s, struct held *h, int64_t p)
{
	long	i;

	if (strcmp(ts.fault, "hold-replies") != 0 || h->n < 0)
		return reply(s, p, 0);
	h->ids[h->n] = p;
	if (++h->n < ts.fault_n &&
	    h->n < (long)(sizeof(h->ids) / sizeof(h->ids[0])))
		return 0;
	fprintf(stderr, "test-schedd: qmgmt: %ld NewProc replies sent\n",
	    h->n);
	for (i = 0; i < h->n; i++)
		if (reply(s, h->ids[i], 0) == -1)
			return -1;
	h->n = -1;
	return 0;
}

/* The QMGMT request loop (qmgmt_receivers.cpp): one message per request,
 * one reply per request (none for CloseSocket and NoAck sets).  The
 * transaction begins implicitly; whatever is not committed when the loop
 * ends (close, EOF, idle timeout) is discarded. */
static void
qmgmt(struct conn *cn)
{
	struct cedar_stream	*s = cn->s;
	struct tx		 tx;
	struct classad		*ad;
	char			*value = NULL, *name = NULL, *cons = NULL;
	char			 reason[512];
	unsigned char		 flags;
	int64_t			 op, c, p, v, code;
	struct held		 held = { 0 };
	long			 nreq;
	int			 e, rc;

	memset(&tx, 0, sizeof(tx));
	for (nreq = 0;; nreq++) {
		free(value);
		free(name);
		free(cons);
		value = name = cons = NULL;
		if (strcmp(ts.fault, "cut-after") == 0 && nreq == ts.fault_n) {
			fprintf(stderr, "test-schedd: qmgmt: cut after %ld "
			    "requests\n", nreq);
			break;
		}
		if (cedar_get_int(s, &op) == -1)
			break;
		switch (op) {
		case Q_NEW_CLUSTER:
			if (cedar_recv_eom(s) == -1)
				goto out;
			if (!cn->write) {
				rc = reply(s, -1, E_ACCES);
				break;
			}
			tx_load(&tx);
			tx.nc = realloc(tx.nc, (tx.nnc + 1) * sizeof(*tx.nc));
			c = __atomic_fetch_add(&ts.sh->next_cluster, 1,
			    __ATOMIC_SEQ_CST);
			tx.nc[tx.nnc].id = c;
			tx.nc[tx.nnc].nprocs = 0;
			tx.nc[tx.nnc++].ad = classad_new();
			fprintf(stderr, "test-schedd: qmgmt NewCluster -> "
			    "%lld\n", (long long)c);
			rc = reply(s, c, 0);
			break;
		case Q_NEW_PROC: {
			struct newc *nc;

			if (cedar_get_int(s, &c) == -1 ||
			    cedar_recv_eom(s) == -1)
				goto out;
			if (!cn->write || (nc = tx_cluster(&tx, c)) == NULL) {
				fprintf(stderr, "test-schedd: qmgmt NewProc "
				    "%lld -> -1 (13)\n", (long long)c);
				rc = reply(s, -1, E_ACCES);
				break;
			}
			if (strcmp(ts.fault, "refuse-proc") == 0 &&
			    nc->nprocs >= ts.fault_n) {
				fprintf(stderr, "test-schedd: qmgmt NewProc "
				    "%lld -> -4 (22)\n", (long long)c);
				rc = reply(s, -4, 22);
				break;
			}
			p = nc->nprocs++;
			ad = classad_new();
			classad_insert_int(ad, "ClusterId", c);
			classad_insert_int(ad, "ProcId", p);
			jobs_add(&tx.work, ad);
			tx.dirty = realloc(tx.dirty, tx.work.n);
			tx.dirty[tx.work.n - 1] = 1;
			if (strcmp(ts.fault, "skip-proc") == 0 &&
			    p == ts.fault_n)
				p++;
			fprintf(stderr, "test-schedd: qmgmt NewProc %lld -> "
			    "%lld\n", (long long)c, (long long)p);
			rc = held_reply(s, &held, p);
			break;
		}
		case Q_SET_ATTRIBUTE:
		case Q_SET_ATTRIBUTE2:
			flags = 0;
			if (cedar_get_int(s, &c) == -1 ||
			    cedar_get_int(s, &p) == -1 ||
			    cedar_get_string(s, &value) == -1 ||
			    cedar_get_string(s, &name) == -1 ||
			    (op == Q_SET_ATTRIBUTE2 &&
			    cedar_get_bytes(s, &flags, 1) == -1) ||
			    cedar_recv_eom(s) == -1)
				goto out;
			e = set_attr(cn, &tx, c, p, value, name);
			fprintf(stderr, "test-schedd: qmgmt SetAttribute "
			    "%lld.%lld %s = %s -> %d (%d)\n", (long long)c,
			    (long long)p, name, loggable(value), e ? -1 : 0, e);
			if (flags & Q_FLAG_NOACK) {
				if (e != 0 && tx.poison == 0) {
					tx.poison = e;
					snprintf(tx.poison_name,
					    sizeof(tx.poison_name), "%s", name);
				}
				rc = 0;
			} else
				rc = reply(s, e ? -1 : 0, e);
			break;
		case Q_SET_BY_CONSTRAINT:
		case Q_SET_BY_CONSTRAINT2:
			flags = 0;
			if (cedar_get_string(s, &cons) == -1 ||
			    cedar_get_string(s, &value) == -1 ||
			    cedar_get_string(s, &name) == -1 ||
			    (op == Q_SET_BY_CONSTRAINT2 &&
			    cedar_get_bytes(s, &flags, 1) == -1) ||
			    cedar_recv_eom(s) == -1)
				goto out;
			v = set_by_constraint(cn, &tx, cons, value, name,
			    flags);
			fprintf(stderr, "test-schedd: qmgmt "
			    "SetAttributeByConstraint (%s) %s = %s flags 0x%02x "
			    "-> %lld\n", cons, name, loggable(value), flags,
			    (long long)(v < 0 ? -1 : v));
			rc = v < 0 ? reply(s, -1, (int)-v) : reply(s, v, 0);
			break;
		case Q_GET_JOB_AD:
			if (cedar_get_int(s, &c) == -1 ||
			    cedar_get_int(s, &p) == -1 ||
			    cedar_recv_eom(s) == -1)
				goto out;
			rc = get_job_ad(s, &tx, c, p);
			break;
		case Q_COMMIT:
		case Q_COMMIT_NO_FLAGS:
			if ((op == Q_COMMIT && cedar_get_int(s, &v) == -1) ||
			    cedar_recv_eom(s) == -1)
				goto out;
			if (strcmp(ts.fault, "drop-before-commit") == 0) {
				fprintf(stderr, "test-schedd: qmgmt "
				    "CommitTransaction: dropped\n");
				goto out;
			}
			code = 0;
			e = commit(cn, &tx, &code, reason, sizeof(reason));
			tx_end(&tx);
			fprintf(stderr, "test-schedd: qmgmt CommitTransaction "
			    "-> %d (%d)%s%s\n", e ? -1 : 0, e, e ? ": " : "",
			    e ? reason : "");
			ad = classad_new();
			if (e != 0) {
				classad_insert_int(ad, "ErrorCode", code);
				classad_insert_string(ad, "ErrorReason",
				    reason);
			}
			rc = cedar_put_int(s, e ? -1 : 0) == -1 ||
			    (e && cedar_put_int(s, e) == -1) ||
			    cedar_put_classad(s, ad) == -1 ? -1 :
			    cedar_send_eom(s);
			classad_free(ad);
			break;
		case Q_BEGIN_TRANSACTION:
		case Q_ABORT_TRANSACTION:
			if (cedar_recv_eom(s) == -1)
				goto out;
			if (op == Q_ABORT_TRANSACTION) {
				tx_end(&tx);
				fprintf(stderr, "test-schedd: qmgmt "
				    "AbortTransaction\n");
			}
			rc = reply(s, 0, 0);
			break;
		case Q_GET_CAPABILITIES:
			if (cedar_get_int(s, &v) == -1 ||
			    cedar_recv_eom(s) == -1)
				goto out;
			ad = classad_new();
			classad_insert_bool(ad, "UseJobsets", 0);
			classad_insert_bool(ad, "LateMaterialize", 1);
			classad_insert_int(ad, "LateMaterializeVersion", 2);
			rc = send_ad(s, ad, NULL);
			classad_free(ad);
			break;
		case Q_CLOSE_SOCKET:
			cedar_recv_eom(s);
			fprintf(stderr, "test-schedd: qmgmt CloseSocket\n");
			goto out;
		default:
			fprintf(stderr, "test-schedd: qmgmt: unknown op %lld, "
			    "closing\n", (long long)op);
			goto out;
		}
		if (rc == -1)
			break;
	}
out:
	if (tx_changed(&tx))
		fprintf(stderr, "test-schedd: qmgmt: uncommitted changes "
		    "discarded\n");
	tx_end(&tx);
	free(value);
	free(name);
	free(cons);
}

/* --- SPOOL_JOB_FILES_WITH_PERMS, TRANSFER_DATA_WITH_PERMS -------------- */

/* Remove PATH and everything under it (a failed or replaced spool). */
static void
rm_tree(const char *path)
{
	struct dirent	*de;
	struct buf	 b = BUF_INIT;
	DIR		*d;

	if ((d = opendir(path)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			buf_reset(&b);
			buf_addf(&b, "%s/%s", path, de->d_name);
			if (de->d_type == DT_DIR)
				rm_tree(buf_str(&b));
			else
				unlink(buf_str(&b));
		}
		closedir(d);
	}
	rmdir(path);
	buf_free(&b);
}

/* mkdir -p for the directories of a spool path. */
static void
mkdirs(const char *path)
{
	char	tmp[4096], *p;

	snprintf(tmp, sizeof(tmp), "%s", path);
	for (p = tmp + 1; *p != '\0'; p++)
		if (*p == '/') {
			*p = '\0';
			mkdir(tmp, 0755);
			*p = '/';
		}
	mkdir(tmp, 0755);
}

/* Counts file-data bytes against a -x fail-*-after:N fault: 1 when the
 * connection is to be dropped now. */
static int
fault_bytes(const char *name, int64_t *count, size_t n)
{
	if (strcmp(ts.fault, name) != 0)
		return 0;
	*count += (int64_t)n;
	return *count >= ts.fault_n;
}

/* Receive one job's input sandbox into DIR (the FileTransfer download of
 * a spool, final_transfer 0).  0, or -1 with the reason logged. */
static int
spool_receive(struct cedar_stream *s, const char *dir, int64_t *count)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);
	struct cedar_xfer_entry	 e;
	struct buf		 path = BUF_INIT;
	unsigned char		 chunk[65536];
	int64_t			 total;
	ssize_t			 r = 0;
	int			 final, fd, rc = 0;

	if (cedar_xfer_get_preamble(x, &final, &total) == -1)
		rc = -1;
	while (rc == 0 && cedar_xfer_get_next(x, &e) == 0 &&
	    e.kind != CEDAR_XFER_END) {
		buf_reset(&path);
		buf_addf(&path, "%s/%s", dir, e.name);
		if (e.kind == CEDAR_XFER_DIR) {
			if (mkdir(buf_str(&path), 0700 | (e.mode & 0777)) == -1)
				rc = -1;
			continue;
		}
		fd = open(buf_str(&path), O_WRONLY | O_CREAT | O_TRUNC |
		    O_NOFOLLOW, 0600 | (e.mode & 0777));
		while (fd != -1 && (r = cedar_xfer_get_data(x, chunk,
		    sizeof(chunk))) > 0) {
			if (write(fd, chunk, (size_t)r) != r)
				rc = -1;
			if (fault_bytes("fail-spool-after", count, (size_t)r)) {
				fprintf(stderr, "test-schedd: spool: dropped "
				    "after %lld bytes\n", (long long)*count);
				rc = -1;
				break;
			}
		}
		if (fd == -1 || r < 0)
			rc = -1;
		if (fd != -1)
			close(fd);
	}
	if (rc == 0 && cedar_status(s) != CEDAR_OK)
		rc = -1;
	if (rc == 0 && strcmp(ts.fault, "fail-spool-ack") == 0) {
		cedar_xfer_get_finish(x, 0, "the test schedd fails the spool");
		rc = -1;
	} else if (rc == 0 && cedar_xfer_get_finish(x, 1, NULL) == -1)
		rc = -1;
	if (rc != 0)
		fprintf(stderr, "test-schedd: spool: %s\n", cedar_error(s));
	cedar_xfer_free(x);
	buf_free(&path);
	return rc;
}

/* After the spool: each job is released ("Data files spooled") with
 * StageInFinish, or, when the transfer failed, removed as the schedd's
 * spoolJobFilesReaper aborts it. */
static void
spool_finish(const int64_t *ids, size_t n, int ok)
{
	int64_t	 now = (int64_t)time(NULL);
	size_t	 i;
	long	 idx;

	state_lock(F_WRLCK);
	state_refresh();
	for (i = 0; i < n; i++) {
		struct classad *job;

		if ((idx = jobs_find(&ts.jobs, ids[2 * i], ids[2 * i + 1])) < 0)
			continue;
		job = ts.jobs.ad[idx];
		classad_insert_int(job, "LastJobStatus", ST_HELD);
		classad_insert_int(job, "EnteredCurrentStatus", now);
		if (ok) {
			classad_insert_int(job, "JobStatus", ST_IDLE);
			classad_insert_int(job, "StageInFinish", now);
			classad_delete(job, "HoldReason");
			classad_delete(job, "HoldReasonCode");
			classad_delete(job, "HoldReasonSubCode");
			classad_insert_string(job, "ReleaseReason",
			    "Data files spooled");
			continue;
		}
		classad_insert_int(job, "JobStatus", ST_REMOVED);
		classad_insert_string(job, "RemoveReason",
		    "Staging of job files failed");
		classad_insert_string(job, "HoldReason",
		    "Staging of job files failed");
		classad_insert_int(job, "CompletionDate", now);
		jobs_add(&ts.hist, job);
		jobs_del(&ts.jobs, (size_t)idx);
	}
	state_save();
	state_lock(F_UNLCK);
}

/* SPOOL_JOB_FILES_WITH_PERMS (schedd.cpp spoolJobFiles): the caller's
 * jobs held for spooling, or a silent close; each job's files into a
 * temporary directory, moved into its spool directory once all arrived;
 * then int 1.  A failure after the ids removes the jobs. */
static void
spool_job_files(struct conn *cn)
{
	struct cedar_stream	*s = cn->s;
	struct buf		 dir = BUF_INIT, tmp = BUF_INIT;
	char			*version = NULL;
	int64_t			 n, i, *ids = NULL, st, code, count = 0;
	long			 idx;
	int			 ok = 1;

	if (cedar_get_string(s, &version) == -1 ||
	    cedar_get_int_range(s, 1, 10000, &n) == -1 ||
	    cedar_recv_eom(s) == -1 ||
	    (ids = calloc((size_t)n * 2, sizeof(*ids))) == NULL)
		goto out;
	for (i = 0; i < n; i++)
		if (cedar_get_int(s, &ids[2 * i]) == -1 ||
		    cedar_get_int(s, &ids[2 * i + 1]) == -1)
			goto out;
	if (cedar_recv_eom(s) == -1)
		goto out;
	state_read();
	for (i = 0; i < n; i++) {
		idx = jobs_find(&ts.jobs, ids[2 * i], ids[2 * i + 1]);
		st = code = 0;
		if (idx >= 0) {
			classad_lookup_int(ts.jobs.ad[idx], "JobStatus", &st);
			classad_lookup_int(ts.jobs.ad[idx], "HoldReasonCode",
			    &code);
		}
		if (idx < 0 || !owned_by(ts.jobs.ad[idx], cn->owner) ||
		    st != ST_HELD || code != 16 ||
		    classad_lookup(ts.jobs.ad[idx], "StageInFinish") != NULL) {
			fprintf(stderr, "test-schedd: spool: job %lld.%lld "
			    "is not the caller's job waiting for input\n",
			    (long long)ids[2 * i], (long long)ids[2 * i + 1]);
			goto out;
		}
	}
	for (i = 0; i < n && ok; i++) {
		buf_reset(&tmp);
		spool_dir(&tmp, ids[2 * i], ids[2 * i + 1]);
		buf_addf(&tmp, ".tmp%ld", (long)getpid());
		rm_tree(buf_str(&tmp));
		mkdirs(buf_str(&tmp));
		ok = spool_receive(s, buf_str(&tmp), &count) == 0;
	}
	for (i = 0; i < n; i++) {
		buf_reset(&dir);
		spool_dir(&dir, ids[2 * i], ids[2 * i + 1]);
		buf_reset(&tmp);
		buf_addf(&tmp, "%s.tmp%ld", buf_str(&dir), (long)getpid());
		if (ok) {
			rm_tree(buf_str(&dir));
			if (rename(buf_str(&tmp), buf_str(&dir)) == -1)
				ok = 0;
		} else
			rm_tree(buf_str(&tmp));
	}
	/* Released before the answer, so a client that got it sees the
	 * job idle at once (the real schedd's reaper follows within a
	 * second). */
	spool_finish(ids, (size_t)n, ok);
	fprintf(stderr, "test-schedd: spool: %lld job(s) %s\n", (long long)n,
	    ok ? "spooled" : "removed");
	if (ok) {
		cedar_put_int(s, 1);
		cedar_send_eom(s);
	}
out:
	free(version);
	free(ids);
	buf_free(&dir);
	buf_free(&tmp);
}

/* One entry of a spool directory, in wire order. */
struct sent {
	char	*rel;
	int	 dir;
	int64_t	 mode, size;
};

struct sents {
	struct sent	*v;
	size_t		 n;
};

/* Everything under BASE/REL, sorted by name, a directory before what is
 * in it; *TOTAL gets the files' bytes. */
static void
spool_list(const char *base, const char *rel, struct sents *l, int64_t *total)
{
	struct dirent	**names;
	struct stat	  sb;
	struct buf	  full = BUF_INIT, r = BUF_INIT;
	struct sent	 *v;
	int		  n, i;

	buf_addf(&full, "%s%s%s", base, *rel ? "/" : "", rel);
	if ((n = scandir(buf_str(&full), &names, NULL, alphasort)) < 0) {
		buf_free(&full);
		return;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") == 0 ||
		    strcmp(names[i]->d_name, "..") == 0)
			goto next;
		buf_reset(&r);
		buf_addf(&r, "%s%s%s", rel, *rel ? "/" : "",
		    names[i]->d_name);
		buf_reset(&full);
		buf_addf(&full, "%s/%s", base, buf_str(&r));
		if (lstat(buf_str(&full), &sb) == -1 ||
		    !(S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode)))
			goto next;
		if ((v = realloc(l->v, (l->n + 1) * sizeof(*v))) == NULL)
			die("%s", "out of memory");
		l->v = v;
		v[l->n].rel = strdup(buf_str(&r));
		v[l->n].dir = S_ISDIR(sb.st_mode);
		v[l->n].mode = sb.st_mode & 0777;
		v[l->n].size = S_ISDIR(sb.st_mode) ? 0 : sb.st_size;
		l->n++;
		if (S_ISDIR(sb.st_mode))
			spool_list(base, buf_str(&r), l, total);
		else
			*total += sb.st_size;
next:
		free(names[i]);
	}
	free(names);
	buf_free(&full);
	buf_free(&r);
}

/* Upload the spool directory of job C.P (final_transfer 1).  0, or -1
 * when the connection failed or is to be dropped. */
static int
transfer_send(struct cedar_stream *s, int64_t c, int64_t p, int64_t *count)
{
	struct cedar_xfer	*x = cedar_xfer_new(s);
	struct sents		 l = { NULL, 0 };
	struct buf		 dir = BUF_INIT, path = BUF_INIT;
	unsigned char		 chunk[65536];
	int64_t			 total = 0;
	ssize_t			 r;
	size_t			 i;
	int			 fd, rc;

	spool_dir(&dir, c, p);
	spool_list(buf_str(&dir), "", &l, &total);
	rc = cedar_xfer_put_preamble(x, 1, total);
	for (i = 0; i < l.n && rc == 0; i++) {
		if (l.v[i].dir) {
			rc = cedar_xfer_put_dir(x, l.v[i].rel, l.v[i].mode);
			continue;
		}
		rc = cedar_xfer_put_file(x, l.v[i].rel, l.v[i].mode,
		    l.v[i].size);
		buf_reset(&path);
		buf_addf(&path, "%s/%s", buf_str(&dir), l.v[i].rel);
		if (rc == 0 && l.v[i].size > 0 &&
		    (fd = open(buf_str(&path), O_RDONLY)) != -1) {
			while (rc == 0 && (r = read(fd, chunk,
			    sizeof(chunk))) > 0) {
				rc = cedar_xfer_put_data(x, chunk, (size_t)r);
				if (fault_bytes("fail-transfer-after", count,
				    (size_t)r)) {
					fprintf(stderr, "test-schedd: "
					    "transfer: dropped after %lld "
					    "bytes\n", (long long)*count);
					rc = -1;
				}
			}
			close(fd);
		}
	}
	if (rc == 0)
		rc = cedar_xfer_put_finish(x, 1, NULL);
	for (i = 0; i < l.n; i++)
		free(l.v[i].rel);
	free(l.v);
	cedar_xfer_free(x);
	buf_free(&dir);
	buf_free(&path);
	return rc;
}

/* Set attribute NAME to now on the jobs IDS that have completed or
 * were removed (only those get StageOutStart/StageOutFinish). */
static void
stage_out_mark(const int64_t *ids, size_t n, const char *name)
{
	int64_t	 st;
	size_t	 i;
	long	 idx;

	state_lock(F_WRLCK);
	state_refresh();
	for (i = 0; i < n; i++) {
		if ((idx = jobs_find(&ts.jobs, ids[2 * i], ids[2 * i + 1])) < 0)
			continue;
		st = 0;
		classad_lookup_int(ts.jobs.ad[idx], "JobStatus", &st);
		if (st == ST_COMPLETED || st == ST_REMOVED)
			classad_insert_int(ts.jobs.ad[idx], name,
			    (int64_t)time(NULL));
	}
	state_save();
	state_lock(F_UNLCK);
}

/* TRANSFER_DATA_WITH_PERMS (schedd.cpp spoolJobFiles,
 * generalJobFilesWorkerThread): the caller's jobs matching the
 * constraint, each as its ad and the files of its spool directory; a
 * final 1 from the client lets StageOutFinish be set. */
static void
transfer_data(struct cedar_stream *s, const char *owner)
{
	struct classad_expr	*cons = NULL;
	char			*version = NULL, *text = NULL;
	int64_t			*ids = NULL, n = 0, fin, count = 0;
	size_t			 i, k;

	if (cedar_get_string(s, &version) == -1 ||
	    cedar_get_string(s, &text) == -1 || cedar_recv_eom(s) == -1 ||
	    classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &cons, NULL,
	    0) == -1)
		goto out;
	state_read();
	if ((ids = calloc(ts.jobs.n * 2 + 2, sizeof(*ids))) == NULL)
		goto out;
	for (i = 0; i < ts.jobs.n; i++)
		if (owned_by(ts.jobs.ad[i], owner) &&
		    classad_eval_match(cons, ts.jobs.ad[i]) == 1 &&
		    classad_lookup_int(ts.jobs.ad[i], "ClusterId",
		    &ids[2 * n]) == 0 &&
		    classad_lookup_int(ts.jobs.ad[i], "ProcId",
		    &ids[2 * n + 1]) == 0)
			n++;
	fprintf(stderr, "test-schedd: transfer: %lld job(s)\n",
	    (long long)n);
	if (cedar_put_int(s, n) == -1 || cedar_send_eom(s) == -1 || n == 0)
		goto out;
	stage_out_mark(ids, (size_t)n, "StageOutStart");
	for (k = 0; k < (size_t)n; k++) {
		long idx = jobs_find(&ts.jobs, ids[2 * k], ids[2 * k + 1]);

		if (idx < 0 || send_ad(s, ts.jobs.ad[idx], NULL) == -1 ||
		    transfer_send(s, ids[2 * k], ids[2 * k + 1],
		    &count) == -1) {
			fprintf(stderr, "test-schedd: transfer: %s\n",
			    cedar_error(s));
			goto out;
		}
	}
	if (cedar_get_int(s, &fin) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	fprintf(stderr, "test-schedd: transfer: final answer %lld\n",
	    (long long)fin);
	if (fin == 1)
		stage_out_mark(ids, (size_t)n, "StageOutFinish");
out:
	classad_expr_free(cons);
	free(version);
	free(text);
	free(ids);
}

/* --- connections ------------------------------------------------------- */

/* Who may do what: any authenticated user may read and write; the
 * commands check ownership themselves, as the schedd does. */
static int
authorize(void *arg, int command, const char *user)
{
	(void)arg;
	if (strcmp(ts.fault, "read-only") == 0 &&
	    command == CEDAR_QMGMT_WRITE_CMD)
		return 0;
	return user != NULL;
}

/* The kept sessions (-S, -D, -L, -W), shared by every connection's
 * process through their directory. */
static struct {
	struct cedar_session_dir dir;
	char			 path[4096];	/* -S */
	int			 duration, lease, slop;
} sessions;

/* Is the fault NAME on: by -x, or by the file NAME-FILE in the session
 * directory (a test can create and remove it while we run)? */
static int
session_fault(const char *name, const char *file)
{
	char	 path[4200];

	if (strcmp(ts.fault, name) == 0)
		return 1;
	snprintf(path, sizeof(path), "%s/%s", sessions.dir.path, file);
	return access(path, F_OK) == 0;
}

/* Look a session up, with the faults: forgotten, or a wrong key (and
 * then no lease, so its renewal does not write the wrong key back). */
static int
session_lookup(void *arg, const char *sid, struct cedar_server_session *out)
{
	if (session_fault("forget-sessions", "forget") ||
	    cedar_session_dir_lookup(arg, sid, out) == -1)
		return -1;
	if (session_fault("wrong-session-key", "wrong-key")) {
		out->key[0] ^= 0x5a;
		out->lease = 0;
	}
	return 0;
}

#define QUERY_SCHEDD_ADS	6	/* a collector command */

/* Play the collector for QUERY_SCHEDD_ADS: one message holding, for
 * each matching schedd ad, int 1 then the ad, and int 0 at the end.  The
 * only schedd known is this one. */
static void
query_schedd_ads(struct cedar_stream *s)
{
	struct classad			*req = NULL, *ad;
	const struct classad_expr	*cons;
	char				 addr[64];

	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	ad = classad_new();
	classad_insert_string(ad, "MyType", "Scheduler");
	classad_insert_string(ad, "Name", "test-schedd@test.local");
	snprintf(addr, sizeof(addr), "<127.0.0.1:%d>", ts.port);
	classad_insert_string(ad, "MyAddress", addr);
	cons = classad_lookup(req, "Requirements");
	if (cons == NULL || classad_eval_match(cons, ad) == 1) {
		cedar_put_int(s, 1);
		cedar_put_classad(s, ad);
	}
	cedar_put_int(s, 0);
	cedar_send_eom(s);
	classad_free(ad);
out:
	classad_free(req);
}

static const char *
command_name(int command)
{
	switch (command) {
	case QUERY_SCHEDD_ADS: return "QUERY_SCHEDD_ADS";
	case CEDAR_QUERY_JOB_ADS: return "QUERY_JOB_ADS";
	case CEDAR_QUERY_SCHEDD_HISTORY: return "QUERY_SCHEDD_HISTORY";
	case CEDAR_ACT_ON_JOBS: return "ACT_ON_JOBS";
	case CEDAR_QMGMT_READ_CMD: return "QMGMT_READ_CMD";
	case CEDAR_SPOOL_JOB_FILES_WITH_PERMS:
		return "SPOOL_JOB_FILES_WITH_PERMS";
	case CEDAR_TRANSFER_DATA_WITH_PERMS:
		return "TRANSFER_DATA_WITH_PERMS";
	default: return "QMGMT_WRITE_CMD";
	}
}

static void
serve(int fd)
{
	static const int	 commands[] = { CEDAR_QUERY_JOB_ADS,
		CEDAR_QUERY_SCHEDD_HISTORY, CEDAR_ACT_ON_JOBS,
		CEDAR_QMGMT_READ_CMD, CEDAR_QMGMT_WRITE_CMD,
		CEDAR_SPOOL_JOB_FILES_WITH_PERMS,
		CEDAR_TRANSFER_DATA_WITH_PERMS, QUERY_SCHEDD_ADS };
	struct cedar_server_conf conf;
	struct cedar_server_result res;
	struct conn		 cn;
	const char		*at;

	memset(&cn, 0, sizeof(cn));
	if ((cn.s = cedar_stream_new(fd, CEDAR_SERVER)) == NULL)
		return;
	cedar_set_timeout(cn.s, 20000);
	memset(&conf, 0, sizeof(conf));
	conf.signing_key = ts.key;
	conf.signing_key_len = ts.keylen;
	conf.key_id = "POOL";
	conf.trust_domain = ts.domain;
	conf.commands = commands;
	conf.ncommands = sizeof(commands) / sizeof(commands[0]);
	conf.require_auth = 1;
	conf.authorize = authorize;
	conf.session_duration = sessions.duration;
	conf.session_lease = sessions.lease;
	conf.session_slop = sessions.slop;
	conf.session_store = cedar_session_dir_store;
	conf.session_lookup = session_lookup;
	conf.session_arg = &sessions.dir;
	memset(&res, 0, sizeof(res));
	if (cedar_server_handshake(cn.s, &conf, &res) != CEDAR_OK) {
		fprintf(stderr, "test-schedd: handshake failed: %s\n",
		    cedar_error(cn.s));
		goto out;
	}
	fprintf(stderr, "test-schedd: session %s %s\n", res.resumed ?
	    "resumed" : "new", res.session.sid);
	cn.user = res.user ? res.user : "(anonymous)";
	at = strrchr(cn.user, '@');
	snprintf(cn.owner, sizeof(cn.owner), "%.*s", at != NULL ?
	    (int)(at - cn.user) : (int)strlen(cn.user), cn.user);
	cn.write = res.command == CEDAR_QMGMT_WRITE_CMD;
	fprintf(stderr, "test-schedd: %s from %s\n",
	    command_name(res.command), cn.user);
	switch (res.command) {
	case CEDAR_QUERY_JOB_ADS:
		query_job_ads(cn.s);
		break;
	case CEDAR_QUERY_SCHEDD_HISTORY:
		query_history(cn.s);
		break;
	case CEDAR_ACT_ON_JOBS:
		act_on_jobs(&cn);
		break;
	case QUERY_SCHEDD_ADS:
		query_schedd_ads(cn.s);
		break;
	case CEDAR_SPOOL_JOB_FILES_WITH_PERMS:
		spool_job_files(&cn);
		break;
	case CEDAR_TRANSFER_DATA_WITH_PERMS:
		transfer_data(cn.s, cn.owner);
		break;
	default:
		qmgmt(&cn);
		break;
	}
out:
	cedar_server_result_clear(&res);
	cedar_stream_free(cn.s);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	const char		*addrfile = NULL, *colon;
	char			 tmp[4096], *cwd;
	FILE			*f;
	pid_t			 pid;
	int			 ch, lfd, fd, port = 0, on = 1;

	ts.domain = "test.local";
	ts.req_reason = "the job does not satisfy the submit requirement";
	sessions.slop = 20;
	while ((ch = getopt(argc, argv, "k:a:j:H:r:R:d:p:s:x:S:D:L:W:")) !=
	    -1) {
		switch (ch) {
		case 'k': load_key(optarg); break;
		case 'a': addrfile = optarg; break;
		case 'j': load_ads(optarg, &ts.jobs); break;
		case 'H': load_ads(optarg, &ts.hist); break;
		case 'r':
			if (classad_parse_expr(optarg, CLASSAD_OLD_SYNTAX,
			    &ts.req, tmp, sizeof(tmp)) == -1)
				die("bad -r expression: %s", tmp);
			break;
		case 'R': ts.req_reason = optarg; break;
		case 'd': ts.domain = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 's':
			snprintf(ts.spool, sizeof(ts.spool), "%s", optarg);
			break;
		case 'x':
			snprintf(ts.fault, sizeof(ts.fault), "%s", optarg);
			if ((colon = strchr(optarg, ':')) != NULL) {
				ts.fault[colon - optarg] = '\0';
				ts.fault_n = atol(colon + 1);
			}
			break;
		case 'S':
			snprintf(sessions.path, sizeof(sessions.path), "%s",
			    optarg);
			break;
		case 'D': sessions.duration = atoi(optarg); break;
		case 'L': sessions.lease = atoi(optarg); break;
		case 'W': sessions.slop = atoi(optarg); break;
		default:
			die("%s", "usage: test-schedd -k KEY -a ADDRFILE "
			    "[-j JOBS] [-H HISTORY] [-r REQUIREMENT "
			    "[-R REASON]] [-d DOMAIN] [-p PORT] [-s SPOOL] "
			    "[-x FAULT] [-S SESSION-DIR] [-D DURATION] "
			    "[-L LEASE] [-W SLOP]");
		}
	}
	if (ts.keylen == 0 || addrfile == NULL)
		die("%s", "-k and -a are required");
	if (ts.spool[0] == '\0') {
		snprintf(tmp, sizeof(tmp), "%s", addrfile);
		snprintf(ts.spool, sizeof(ts.spool), "%s/spool", dirname(tmp));
	}
	if (ts.spool[0] != '/' && (cwd = getcwd(NULL, 0)) != NULL) {
		struct buf abs = BUF_INIT;

		buf_addf(&abs, "%s/%s", cwd, ts.spool);
		if (abs.len >= sizeof(ts.spool))
			die("spool path too long: %s", buf_str(&abs));
		memcpy(ts.spool, abs.data, abs.len + 1);
		buf_free(&abs);
		free(cwd);
	}
	mkdirs(ts.spool);
	if (sessions.path[0] == '\0') {
		snprintf(tmp, sizeof(tmp), "%s", addrfile);
		snprintf(sessions.path, sizeof(sessions.path), "%s/sessions",
		    dirname(tmp));
	}
	if (cedar_session_dir_init(&sessions.dir, sessions.path, tmp,
	    sizeof(tmp)) == -1)
		die("%s", tmp);
	if (sessions.slop == 0)
		sessions.slop = -1;	/* -W 0: none (conf's 0 is 20) */
	state_init();
	signal(SIGPIPE, SIG_IGN);
	/* Children are not waited for. */
	signal(SIGCHLD, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 64) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1)
		die("cannot listen: %s", strerror(errno));
	/* Written last and renamed into place, as the schedd does. */
	snprintf(tmp, sizeof(tmp), "%s.new", addrfile);
	if ((f = fopen(tmp, "w")) == NULL)
		die("cannot write %s", tmp);
	ts.port = ntohs(sin.sin_port);
	fprintf(f, "<127.0.0.1:%d>\n%s\n$CondorPlatform: X86_64-Test $\n",
	    ts.port, cedar_version_string());
	fclose(f);
	rename(tmp, addrfile);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		/* Small messages back to back: no Nagle delay, as the
		 * schedd's sockets. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		/* Parsed once per change here, not in every child. */
		state_read();
		if ((pid = fork()) == 0) {
			close(lfd);
			serve(fd);
			_exit(0);
		}
		if (pid == -1)
			fprintf(stderr, "test-schedd: fork: %s\n",
			    strerror(errno));
		close(fd);
	}
}
