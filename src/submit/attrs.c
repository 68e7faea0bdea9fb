/*
 * attrs.c — submit commands to job attributes for the vanilla universe
 * (HTCondor's SubmitHash in submit_utils.cpp): the base attributes, Iwd and
 * Cmd, standard streams, notification, rank, policy expressions and
 * retries, resource requests with units, accounting, the table of simple
 * commands, file transfer settings and sizes, hold and spool, and the
 * +Attr / MY.Attr raw attributes, in the order condor_submit's
 * make_job_ad() runs its builders.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "classad/classad.h"
#include "submit/submit_int.h"

#define DEFAULT_REQUEST_DISK \
	"MAX({1024, (TransferInputSizeMB+1) * 1.25}) * 1024"
#define SPOOL_LEAVE_IN_QUEUE \
	"JobStatus == 4 && (time() - (CompletionDate ?: time())) < 864000 && " \
	"(StageOutFinish ?: 0) < EnteredCurrentStatus"

/* State of one ad being built. */
struct jb {
	struct submit	*s;
	struct classad	*ad;
	char		*iwd;
	long long	 exe_kb, input_kb;
	int		 should;	/* 0 NO, 1 YES, 2 IF_NEEDED */
};

/* submit_param() with hard errors: -1 on error, else 0 with *V (maybe
 * NULL). */
static int
param(struct jb *j, const char *name, const char *alt, char **v)
{
	int	 e;

	*v = sub_param(j->s, name, alt, &e);
	return e ? -1 : 0;
}

static int
ins_fail(struct jb *j, const char *name)
{
	return sub_fail(j->s, j->s->errline, "cannot set %s", name);
}

static int
put_str(struct jb *j, const char *name, const char *v)
{
	return classad_insert_string(j->ad, name, v) == -1 ?
	    ins_fail(j, name) : 0;
}

static int
put_int(struct jb *j, const char *name, long long v)
{
	return classad_insert_int(j->ad, name, v) == -1 ? ins_fail(j, name) : 0;
}

static int
put_bool(struct jb *j, const char *name, int v)
{
	return classad_insert_bool(j->ad, name, v) == -1 ? ins_fail(j, name) : 0;
}

static int
put_real(struct jb *j, const char *name, double v)
{
	return classad_insert_real(j->ad, name, v) == -1 ? ins_fail(j, name) : 0;
}

/* Parse TEXT as an old-syntax ClassAd expression and insert it as NAME;
 * a parse error refuses the submit as condor_submit does. */
int
sub_insert_expr(struct submit *s, struct classad *ad, const char *name,
    const char *text)
{
	struct classad_expr	*e;

	if (classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &e, NULL, 0) == -1)
		return sub_fail(s, s->errline, "Parse error in expression: "
		    "\n\t%s = %s\n\t", name, text);
	if (classad_insert_parsed(ad, name, e) == -1)
		return sub_fail(s, s->errline, "cannot set %s", name);
	return 0;
}

static int
put_expr(struct jb *j, const char *name, const char *text)
{
	return sub_insert_expr(j->s, j->ad, name, text);
}

/* A boolean value: true/false/1/0 (ignoring case and trailing blanks),
 * else a ClassAd expression that is a boolean literal. */
int
sub_parse_bool(struct submit *s, const char *name, const char *val, int *out)
{
	struct classad_expr	*e;
	size_t			 n = strlen(val);
	int			 rc = -1;
	int64_t			 i;

	while (n > 0 && isspace((unsigned char)val[n - 1]))
		n--;
	if ((n == 4 && strncasecmp(val, "true", 4) == 0) ||
	    (n == 1 && val[0] == '1'))
		*out = 1;
	else if ((n == 5 && strncasecmp(val, "false", 5) == 0) ||
	    (n == 1 && val[0] == '0'))
		*out = 0;
	else if (classad_parse_expr(val, CLASSAD_OLD_SYNTAX, &e, NULL, 0) == 0) {
		if (classad_expr_get_bool(e, out) == 0)
			rc = 0;
		else if (classad_expr_get_int(e, &i) == 0) {
			*out = i != 0;
			rc = 0;
		}
		classad_expr_free(e);
		if (rc == 0)
			return 0;
		goto bad;
	} else
		goto bad;
	return 0;
bad:
	if (name != NULL)
		return sub_fail(s, s->errline, "%s=%s must eval to a boolean.",
		    name, val);
	return -1;
}

/* A boolean command: *OUT is DEF when it is not given. */
static int
param_bool(struct jb *j, const char *name, const char *alt, int def, int *out,
    int *given)
{
	char	*v;
	int	 rc = 0;

	if (param(j, name, alt, &v) == -1)
		return -1;
	*out = def;
	if (given != NULL)
		*given = v != NULL;
	if (v != NULL)
		rc = sub_parse_bool(j->s, name, v, out);
	free(v);
	return rc;
}

/* A decimal integer with trailing blanks, else an integer expression. */
static int
parse_int(const char *v, long long *out)
{
	double	 d;
	int	 isreal;

	return sub_number(v, &isreal, out, &d) == -1 || isreal ? -1 : 0;
}

/* Strip one pair of surrounding double quotes (and blanks) in place. */
static char *
strip_quotes(char *v)
{
	size_t	 n;

	while (isspace((unsigned char)*v))
		v++;
	n = strlen(v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		v[--n] = '\0';
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		v[n - 1] = '\0';
		v++;
	}
	return v;
}

/* BASE joined with NAME (NAME if absolute), duplicate slashes collapsed. */
static char *
join_path(const char *base, const char *name)
{
	struct buf	 b = BUF_INIT;
	char		*r, *w, *p;

	if (name[0] != '/' && base != NULL) {
		buf_adds(&b, base);
		buf_addc(&b, '/');
	}
	buf_adds(&b, name);
	if (b.failed) {
		buf_free(&b);
		return NULL;
	}
	if ((r = buf_take(&b)) == NULL)
		return strdup("");
	for (p = w = r; *p; p++)
		if (!(*p == '/' && w > r && w[-1] == '/'))
			*w++ = *p;
	if (w - r > 1 && w[-1] == '/')
		w--;
	*w = '\0';
	return r;
}

/* May this build look at the server's files (sizes, existence)? */
static int
may_stat(const struct jb *j)
{
	return !j->s->o.spool && j->s->o.allow_local_files;
}

/* Total size in bytes of the files under directory PATH (depth-bounded). */
static long long
dir_bytes(const char *path, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		*p;
	long long	 sum = 0;

	if (depth > 16 || (d = opendir(path)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (asprintf(&p, "%s/%s", path, de->d_name) == -1)
			break;
		if (lstat(p, &st) == 0) {
			if (S_ISDIR(st.st_mode))
				sum += dir_bytes(p, depth + 1);
			else
				sum += (long long)st.st_size;
		}
		free(p);
	}
	closedir(d);
	return sum;
}

/* calc_image_size_kb(): the size of NAME (relative to Iwd) in KiB,
 * rounded up; 0 for URLs and for what the server may not look at. */
static long long
size_kb(const struct jb *j, const char *name)
{
	struct stat	 st;
	char		*p;
	long long	 n = 0;

	if (!may_stat(j) || strstr(name, "://") != NULL)
		return 0;
	if ((p = join_path(j->iwd, name)) == NULL)
		return 0;
	if (stat(p, &st) == 0)
		n = S_ISDIR(st.st_mode) ? dir_bytes(p, 0) : (long long)st.st_size;
	free(p);
	return (n + 1023) / 1024;
}

/* ---- the builders ---- */

static int
set_base(struct jb *j)
{
	struct submit	*s = j->s;
	static const char *const reals[] = { "RemoteWallClockTime",
	    "RemoteUserCpu", "RemoteSysCpu", "CumulativeRemoteUserCpu",
	    "CumulativeRemoteSysCpu" };
	static const char *const zeros[] = { "ExitStatus", "NumCkpts",
	    "NumJobStarts", "NumJobCompletions", "NumRestarts",
	    "NumSystemHolds", "CommittedTime", "CommittedSlotTime",
	    "CumulativeSlotTime", "TotalSuspensions", "LastSuspensionTime",
	    "CumulativeSuspensionTime", "CommittedSuspensionTime" };
	size_t		 i;

	if (put_str(j, "MyType", "Job") == -1 ||
	    put_str(j, "TargetType", "Machine") == -1 ||
	    put_int(j, "QDate", s->o.qdate) == -1 ||
	    put_int(j, "JobSubmitMethod", 0) == -1 ||
	    classad_insert_undefined(j->ad, "Owner") == -1)
		return ins_fail(j, "the base attributes");
	for (i = 0; i < sizeof(reals) / sizeof(reals[0]); i++)
		if (put_real(j, reals[i], 0.0) == -1)
			return -1;
	for (i = 0; i < sizeof(zeros) / sizeof(zeros[0]); i++)
		if (put_int(j, zeros[i], 0) == -1)
			return -1;
	if (put_bool(j, "ExitBySignal", 0) == -1)
		return -1;
	if (s->version != NULL && (put_str(j, "SubmitVersion", s->version) ==
	    -1 || put_str(j, "CondorVersion", s->version) == -1))
		return -1;
	if (s->platform != NULL && put_str(j, "CondorPlatform", s->platform) ==
	    -1)
		return -1;
	return 0;
}

static int
set_universe(struct jb *j)
{
	char	*v;
	int	 rc = 0;

	if (param(j, "universe", "JobUniverse", &v) == -1)
		return -1;
	if (v != NULL && strcasecmp(v, "vanilla") != 0 && strcmp(v, "5") != 0)
		rc = sub_fail(j->s, j->s->errline, "universe %s is not "
		    "supported: only the vanilla universe is", v);
	free(v);
	return rc == 0 ? put_int(j, "JobUniverse", 5) : -1;
}

static int
set_iwd(struct jb *j)
{
	struct submit	*s = j->s;
	struct stat	 st;
	const char	*base = s->workdir;
	char		*v;

	if (param(j, "initialdir", "Iwd", &v) == -1)
		return -1;
	if (v == NULL && (param(j, "initial_dir", "job_iwd", &v) == -1))
		return -1;
	if (base == NULL && s->o.spool)
		base = "/";
	if (base == NULL && (v == NULL || v[0] != '/')) {
		free(v);
		return sub_fail(s, s->errline, "a relative initial directory "
		    "needs a working directory (workdir)");
	}
	j->iwd = join_path(base, v != NULL ? v : "");
	free(v);
	if (j->iwd == NULL)
		return sub_fail(s, s->errline, "out of memory");
	if (may_stat(j) && (stat(j->iwd, &st) == -1 || !S_ISDIR(st.st_mode)))
		return sub_fail(s, s->errline, "No such directory: %s", j->iwd);
	if (put_str(j, "Iwd", j->iwd) == -1)
		return -1;
	if (s->subfile != NULL && put_str(j, "JobSubmitFile", s->subfile) == -1)
		return -1;
	return 0;
}

static int
set_executable(struct jb *j)
{
	struct submit	*s = j->s;
	struct stat	 st;
	char		*v, *te, *cmd;
	int		 transfer = 1, rc = -1;

	if (param(j, "executable", "Cmd", &v) == -1)
		return -1;
	if (v == NULL)
		return sub_fail(s, s->errline, "No 'executable' parameter was "
		    "provided");
	if (param(j, "transfer_executable", "TransferExecutable", &te) == -1)
		goto done;
	if (te != NULL && (te[0] == 'F' || te[0] == 'f'))
		transfer = 0;
	free(te);
	if (!transfer || (s->workdir == NULL && s->o.spool))
		cmd = strdup(v);
	else if (s->workdir == NULL && v[0] != '/') {
		sub_fail(s, s->errline, "a relative executable needs a working "
		    "directory (workdir)");
		goto done;
	} else
		cmd = join_path(s->workdir, v);
	if (cmd == NULL) {
		sub_fail(s, s->errline, "out of memory");
		goto done;
	}
	if (transfer && may_stat(j) &&
	    (stat(cmd, &st) == -1 || S_ISDIR(st.st_mode))) {
		sub_fail(s, s->errline, "Executable file %s does not exist", cmd);
		free(cmd);
		goto done;
	}
	/* condor_submit's calc_image_size_kb() sizes Cmd whether or not it
	 * is transferred (relative to the initial directory), 0 when it
	 * cannot be read. */
	j->exe_kb = size_kb(j, cmd);
	rc = put_str(j, "Cmd", cmd);
	free(cmd);
	if (rc == 0 && !transfer)
		rc = put_bool(j, "TransferExecutable", 0);
done:
	free(v);
	return rc;
}

static int
set_status(struct jb *j)
{
	struct submit	*s = j->s;
	int		 hold;

	if (param_bool(j, "hold", NULL, 0, &hold, NULL) == -1)
		return -1;
	if (hold && s->o.spool)
		return sub_fail(s, s->errline, "hold = true cannot be combined "
		    "with a spooled submit");
	if (s->o.spool)
		return put_int(j, "JobStatus", 5) == -1 ||
		    put_int(j, "HoldReasonCode", 16) == -1 ||
		    put_str(j, "HoldReason", "Spooling input data files") == -1 ||
		    put_int(j, "EnteredCurrentStatus", s->o.qdate) == -1 ? -1 : 0;
	if (hold)
		return put_int(j, "JobStatus", 5) == -1 ||
		    put_int(j, "HoldReasonCode", 15) == -1 ||
		    put_str(j, "HoldReason", "submitted on hold at user's "
		    "request") == -1 ||
		    put_int(j, "EnteredCurrentStatus", s->o.qdate) == -1 ? -1 : 0;
	return put_int(j, "JobStatus", 1) == -1 ||
	    put_int(j, "EnteredCurrentStatus", s->o.qdate) == -1 ? -1 : 0;
}

/* One of In/Out/Err: the file or /dev/null, TransferX and StreamX. */
static int
set_stream(struct jb *j, const char *key, const char *alt, const char *attr,
    const char *xfer_key, const char *xfer_attr, const char *stream_key,
    const char *stream_attr, char **val)
{
	char	*v;
	int	 xfer, given, stream;

	*val = NULL;
	if (param(j, key, alt, &v) == -1)
		return -1;
	if (v == NULL || strcmp(v, "/dev/null") == 0) {
		free(v);
		return put_str(j, attr, "/dev/null") == -1 ||
		    put_bool(j, xfer_attr, 0) == -1 ? -1 : 0;
	}
	if (param_bool(j, xfer_key, xfer_attr, 1, &xfer, &given) == -1 ||
	    param_bool(j, stream_key, stream_attr, 0, &stream, NULL) == -1) {
		free(v);
		return -1;
	}
	*val = v;
	if (put_str(j, attr, v) == -1 || put_bool(j, stream_attr, stream) == -1)
		return -1;
	if (given && !xfer && put_bool(j, xfer_attr, 0) == -1)
		return -1;
	return 0;
}

static int
set_notification(struct jb *j)
{
	static const char *const names[] = { "never", "always", "complete",
	    "error", "start" };
	char	*v, *u, *ea;
	int	 i, n = 0, rc = 0;

	if (param(j, "notification", "JobNotification", &v) == -1)
		return -1;
	if (v != NULL) {
		for (i = 0; i < 5; i++)
			if (strcasecmp(v, names[i]) == 0)
				break;
		if (i == 5)
			rc = sub_fail(j->s, j->s->errline, "Notification must be "
			    "'Never', 'Always', 'Complete', or 'Error'");
		n = i;
	}
	free(v);
	if (rc == -1 || put_int(j, "JobNotification", n) == -1)
		return -1;
	if (param(j, "notify_user", "NotifyUser", &u) == -1)
		return -1;
	if (u != NULL)
		rc = put_str(j, "NotifyUser", u);
	free(u);
	if (rc == -1 || param(j, "email_attributes", "EmailAttributes", &ea) ==
	    -1)
		return -1;
	if (ea != NULL) {
		struct buf b = BUF_INIT;
		const char *p = ea;
		size_t k;

		for (;;) {
			p += strspn(p, ", \t");
			if (*p == '\0')
				break;
			k = strcspn(p, ", \t");
			if (b.len > 0)
				buf_addc(&b, ',');
			buf_add(&b, p, k);
			p += k;
		}
		rc = b.failed ? ins_fail(j, "EmailAttributes") :
		    put_str(j, "EmailAttributes", buf_str(&b));
		buf_free(&b);
		free(ea);
	}
	return rc;
}

static int
set_rank(struct jb *j)
{
	char	*v;
	int	 rc;

	if (param(j, "rank", "Rank", &v) == -1)
		return -1;
	if (v == NULL && param(j, "preferences", NULL, &v) == -1)
		return -1;
	rc = v != NULL ? put_expr(j, "Rank", v) : put_real(j, "Rank", 0.0);
	free(v);
	return rc;
}

/* Commands copied as expressions when given. */
static int
set_exprs(struct jb *j, const char *const (*t)[2], size_t n)
{
	size_t	 i;
	char	*v;
	int	 rc;

	for (i = 0; i < n; i++) {
		if (param(j, t[i][0], t[i][1], &v) == -1)
			return -1;
		if (v == NULL)
			continue;
		rc = put_expr(j, t[i][1], v);
		free(v);
		if (rc == -1)
			return -1;
	}
	return 0;
}

static int
set_periodic(struct jb *j)
{
	static const char *const t[][2] = {
		{ "on_exit_hold_reason", "OnExitHoldReason" },
		{ "on_exit_hold_subcode", "OnExitHoldSubCode" },
		{ "periodic_hold", "PeriodicHold" },
		{ "periodic_hold_reason", "PeriodicHoldReason" },
		{ "periodic_hold_subcode", "PeriodicHoldSubCode" },
		{ "periodic_release", "PeriodicRelease" },
		{ "periodic_remove", "PeriodicRemove" },
		{ "periodic_vacate", "PeriodicVacate" },
	};

	return set_exprs(j, t, sizeof(t) / sizeof(t[0]));
}

static int
set_leave_in_queue(struct jb *j)
{
	char	*v;
	int	 rc;

	if (param(j, "leave_in_queue", "LeaveJobInQueue", &v) == -1)
		return -1;
	if (v != NULL)
		rc = put_expr(j, "LeaveJobInQueue", v);
	else if (j->s->o.spool)
		rc = put_expr(j, "LeaveJobInQueue", SPOOL_LEAVE_IN_QUEUE);
	else
		rc = put_bool(j, "LeaveJobInQueue", 0);
	free(v);
	return rc;
}

static int
set_retries(struct jb *j)
{
	struct buf	 b = BUF_INIT;
	char		*erc = NULL, *ehc = NULL, *mr = NULL, *sc = NULL;
	char		*ru = NULL;
	long long	 n;
	int		 rc = -1;

	if (param(j, "on_exit_remove", "OnExitRemove", &erc) == -1 ||
	    param(j, "on_exit_hold", "OnExitHold", &ehc) == -1 ||
	    param(j, "max_retries", "JobMaxRetries", &mr) == -1 ||
	    param(j, "success_exit_code", "JobSuccessExitCode", &sc) == -1 ||
	    param(j, "retry_until", NULL, &ru) == -1)
		goto done;
	if (mr == NULL && sc == NULL && ru == NULL) {
		if ((erc != NULL && put_expr(j, "OnExitRemove", erc) == -1) ||
		    (ehc != NULL && put_expr(j, "OnExitHold", ehc) == -1))
			goto done;
		rc = 0;
		goto done;
	}
	if (mr != NULL && parse_int(mr, &n) == -1) {
		sub_fail(j->s, j->s->errline, "max_retries=%s is invalid, it "
		    "must be an integer", mr);
		goto done;
	}
	if (put_int(j, "JobMaxRetries", mr != NULL ? n : 2) == -1)
		goto done;
	if ((ehc != NULL ? put_expr(j, "OnExitHold", ehc) :
	    put_bool(j, "OnExitHold", 0)) == -1)
		goto done;
	buf_adds(&b, "NumJobCompletions > JobMaxRetries || ExitCode =?= ");
	if (sc != NULL) {
		if (parse_int(sc, &n) == -1) {
			sub_fail(j->s, j->s->errline, "success_exit_code=%s is "
			    "invalid, it must be an integer", sc);
			goto done;
		}
		if (put_int(j, "JobSuccessExitCode", n) == -1)
			goto done;
		buf_adds(&b, "JobSuccessExitCode");
	} else
		buf_adds(&b, "0");
	if (ru != NULL) {
		struct classad_expr *e;
		long long code;
		char *end;

		if (classad_parse_expr(ru, CLASSAD_OLD_SYNTAX, &e, NULL, 0) ==
		    -1) {
			sub_fail(j->s, j->s->errline, "retry_until=%s is invalid, "
			    "it must be an integer or boolean expression.", ru);
			goto done;
		}
		classad_expr_free(e);
		code = strtoll(ru, &end, 10);
		while (isspace((unsigned char)*end))
			end++;
		if (end != ru && *end == '\0')
			buf_addf(&b, " || ExitCode =?= %lld", code);
		else if (strchr(ru, '?') != NULL)
			buf_addf(&b, " || (%s)", ru);
		else
			buf_addf(&b, " || %s", ru);
	}
	if (erc != NULL) {
		if (strchr(erc, '?') != NULL)
			buf_addf(&b, " || (%s)", erc);
		else
			buf_addf(&b, " || %s", erc);
	}
	if (b.failed) {
		ins_fail(j, "OnExitRemove");
		goto done;
	}
	rc = put_expr(j, "OnExitRemove", buf_str(&b));
done:
	buf_free(&b);
	free(erc);
	free(ehc);
	free(mr);
	free(sc);
	free(ru);
	return rc;
}

/* parse_int64_bytes(): a number with up to three decimals and an
 * optional K/M/G/T unit (optionally followed by B), in units of BASE
 * bytes, rounded up.  -1 when V is not of that form. */
static int
parse_bytes(const char *v, long long base, long long *out)
{
	unsigned long long	 ip = 0, frac = 0, mult, x, q;
	int			 nd = 0;
	const char		*p = v;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++)
		if (__builtin_mul_overflow(ip, 10, &ip) ||
		    __builtin_add_overflow(ip, (unsigned)(*p - '0'), &ip))
			return -1;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++)
			if (nd < 3) {
				frac = frac * 10 + (unsigned)(*p - '0');
				nd++;
			}
	}
	while (nd < 3) {
		frac *= 10;
		nd++;
	}
	while (isspace((unsigned char)*p))
		p++;
	mult = 0;
	switch (*p | 0x20) {
	case 'k': mult = 1ULL << 10; break;
	case 'm': mult = 1ULL << 20; break;
	case 'g': mult = 1ULL << 30; break;
	case 't': mult = 1ULL << 40; break;
	}
	if (mult != 0 && *p++ != '\0' && (*p | 0x20) == 'b')
		p++;
	if (mult == 0)
		mult = (unsigned long long)base;
	while (isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		return -1;
	/* bytes * 1000 = (ip * 1000 + frac) * mult */
	if (__builtin_mul_overflow(ip, 1000ULL, &x) ||
	    __builtin_add_overflow(x, frac, &x) ||
	    __builtin_mul_overflow(x, mult, &x))
		return -1;
	q = (unsigned long long)base * 1000ULL;
	x = x / q + (x % q != 0);
	if (x > (unsigned long long)__LONG_LONG_MAX__)
		return -1;
	*out = (long long)x;
	return 0;
}

/* One resource request: a sized number in BASE units, or an expression. */
static int
set_request(struct jb *j, const char *key, const char *attr, long long base,
    const char *def)
{
	char		*v;
	long long	 n;
	int		 rc;

	if (param(j, key, attr, &v) == -1)
		return -1;
	if (v == NULL)
		return def != NULL ? put_expr(j, attr, def) : 0;
	if (strcasecmp(v, "undefined") == 0)
		rc = 0;
	else if (base > 0 && parse_bytes(v, base, &n) == 0)
		rc = put_int(j, attr, n);
	else
		rc = put_expr(j, attr, v);
	free(v);
	return rc;
}

/* request_<tag> commands other than cpus, memory, disk and gpus. */
static int
set_custom_requests(struct jb *j)
{
	struct names	*mt = &j->s->mt;
	struct buf	 attr = BUF_INIT;
	const char	*k;
	char		*v;
	size_t		 i;
	int		 e, rc = 0;

	for (i = 0; i < mt->cap && rc == 0; i++) {
		if ((k = mt->e[i].key) == NULL || strncasecmp(k, "request_", 8) != 0)
			continue;
		k += 8;
		if (strlen(k) < 2 || *k == '_' || strcasecmp(k, "cpus") == 0 ||
		    strcasecmp(k, "memory") == 0 || strcasecmp(k, "disk") == 0 ||
		    strcasecmp(k, "gpus") == 0 || strcasecmp(k, "cpu") == 0 ||
		    strchr(k, '.') != NULL || strchr(k, '/') != NULL)
			continue;
		v = sub_param(j->s, mt->e[i].key, NULL, &e);
		if (e)
			return -1;
		if (v == NULL)
			continue;
		buf_reset(&attr);
		buf_adds(&attr, "Request");
		buf_adds(&attr, k);
		rc = put_expr(j, buf_str(&attr), v);
		free(v);
	}
	buf_free(&attr);
	return rc;
}

static int
set_resources(struct jb *j)
{
	return set_request(j, "request_cpus", "RequestCpus", 0, "1") == -1 ||
	    set_request(j, "request_memory", "RequestMemory", 1 << 20, "128") ==
	    -1 ||
	    set_request(j, "request_disk", "RequestDisk", 1 << 10,
	    DEFAULT_REQUEST_DISK) == -1 ||
	    set_request(j, "request_gpus", "RequestGPUs", 0, NULL) == -1 ||
	    set_custom_requests(j) == -1 ? -1 : 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
set_concurrency(struct jb *j)
{
	char	*v, *x, *p, *items[256];
	size_t	 n = 0, i;
	int	 rc = 0;
	struct buf b = BUF_INIT;

	if (param(j, "concurrency_limits", "ConcurrencyLimits", &v) == -1 ||
	    param(j, "concurrency_limits_expr", NULL, &x) == -1) {
		free(v);
		return -1;
	}
	if (v != NULL && x != NULL)
		rc = sub_fail(j->s, j->s->errline, "concurrency_limits and "
		    "concurrency_limits_expr can't be used together");
	else if (x != NULL)
		rc = put_expr(j, "ConcurrencyLimits", x);
	else if (v != NULL) {
		for (p = v; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		for (p = strtok(v, ", \t"); p != NULL && n < 256;
		    p = strtok(NULL, ", \t"))
			items[n++] = p;
		qsort(items, n, sizeof(items[0]), cmp_str);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&b, ',');
			buf_adds(&b, items[i]);
		}
		rc = b.failed ? ins_fail(j, "ConcurrencyLimits") :
		    put_str(j, "ConcurrencyLimits", buf_str(&b));
	}
	buf_free(&b);
	free(v);
	free(x);
	return rc;
}

static int
set_accounting(struct jb *j)
{
	char	*g, *u;
	int	 rc = 0;
	struct buf b = BUF_INIT;

	if (param(j, "accounting_group", "AcctGroup", &g) == -1)
		return -1;
	if (param(j, "accounting_group_user", "AcctGroupUser", &u) == -1) {
		free(g);
		return -1;
	}
	if (g != NULL || u != NULL) {
		const char *user = u != NULL ? u : j->s->owner;

		if (user != NULL)
			rc = put_str(j, "AcctGroupUser", user);
		if (rc == 0 && g != NULL)
			rc = put_str(j, "AcctGroup", g);
		if (g != NULL)
			buf_adds(&b, g);
		if (g != NULL && user != NULL)
			buf_addc(&b, '.');
		if (user != NULL)
			buf_adds(&b, user);
		if (rc == 0)
			rc = put_str(j, "AccountingGroup", buf_str(&b));
	}
	buf_free(&b);
	free(g);
	free(u);
	return rc;
}

/* The table of simple commands: S string, Q string with outer quotes
 * stripped, E expression, I integer, B boolean. */
static const struct simple {
	const char	*key, *attr;
	char		 type;
} simple[] = {
	{ "batch_name", "JobBatchName", 'Q' },
	{ "description", "JobDescription", 'S' },
	{ "remote_initialdir", "RemoteIwd", 'S' },
	{ "project_name", "ProjectName", 'S' },
	{ "max_job_retirement_time", "MaxJobRetirementTime", 'E' },
	{ "job_max_vacate_time", "JobMaxVacateTime", 'E' },
	{ "keep_claim_idle", "KeepClaimIdle", 'E' },
	{ "next_job_start_delay", "NextJobStartDelay", 'E' },
	{ "want_graceful_removal", "WantGracefulRemoval", 'E' },
	{ "allowed_job_duration", "AllowedJobDuration", 'E' },
	{ "allowed_execute_duration", "AllowedExecuteDuration", 'E' },
	{ "max_transfer_input_mb", "MaxTransferInputMB", 'E' },
	{ "max_transfer_output_mb", "MaxTransferOutputMB", 'E' },
	{ "job_ad_information_attrs", "JobAdInformationAttrs", 'S' },
	{ "job_machine_attrs", "JobMachineAttrs", 'S' },
	{ "job_machine_attrs_history_length", "JobMachineAttrsHistoryLength",
	    'I' },
	{ "encrypt_input_files", "EncryptInputFiles", 'S' },
	{ "encrypt_output_files", "EncryptOutputFiles", 'S' },
	{ "dont_encrypt_input_files", "DontEncryptInputFiles", 'S' },
	{ "dont_encrypt_output_files", "DontEncryptOutputFiles", 'S' },
	{ "output_destination", "OutputDestination", 'S' },
	{ "output_directory", "OutputDirectory", 'S' },
	{ "transfer_plugins", "TransferPlugins", 'S' },
	{ "preserve_relative_paths", "PreserveRelativePaths", 'B' },
	{ "coresize", "CoreSize", 'I' },
	{ "core_size", "CoreSize", 'I' },
	{ "buffer_size", "BufferSize", 'E' },
	{ "buffer_block_size", "BufferBlockSize", 'E' },
	{ "kill_sig", "KillSig", 'S' },
	{ "remove_kill_sig", "RemoveKillSig", 'S' },
	{ "hold_kill_sig", "HoldKillSig", 'S' },
	{ "kill_sig_timeout", "KillSigTimeout", 'I' },
	{ "stack_size", "StackSize", 'E' },
};

static int
set_simple(struct jb *j)
{
	const struct simple	*t;
	char			*v;
	long long		 n;
	int			 b, rc;
	size_t			 i;

	for (i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		t = &simple[i];
		if (param(j, t->key, t->attr, &v) == -1)
			return -1;
		if (v == NULL)
			continue;
		switch (t->type) {
		case 'S':
			rc = put_str(j, t->attr, v);
			break;
		case 'Q':
			rc = put_str(j, t->attr, strip_quotes(v));
			break;
		case 'E':
			rc = put_expr(j, t->attr, v);
			break;
		case 'I':
			rc = parse_int(v, &n) == -1 ? sub_fail(j->s,
			    j->s->errline, "%s=%s is invalid, it must be an "
			    "integer", t->key, v) : put_int(j, t->attr, n);
			break;
		default:
			rc = sub_parse_bool(j->s, t->key, v, &b) == -1 ? -1 :
			    put_bool(j, t->attr, b);
			break;
		}
		free(v);
		if (rc == -1)
			return -1;
	}
	if (param(j, "checkpoint_exit_code", "SuccessCheckpointExitCode", &v) ==
	    -1)
		return -1;
	if (v != NULL) {
		rc = parse_int(v, &n) == -1 ? sub_fail(j->s, j->s->errline,
		    "checkpoint_exit_code=%s is invalid", v) :
		    put_int(j, "SuccessCheckpointExitCode", n) == -1 ? -1 :
		    put_bool(j, "WantFTOnCheckpoint", 1);
		free(v);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Normalise a file list: outer quotes stripped, split at commas,
 * trimmed, empties dropped, joined with ","; sizes added up. */
static int
file_list(struct jb *j, char *v, struct buf *out, long long *kb)
{
	char		*p = strip_quotes(v), *e, *t;
	size_t		 n;

	while (*p) {
		if ((e = strchr(p, ',')) != NULL)
			*e = '\0';
		while (isspace((unsigned char)*p))
			p++;
		n = strlen(p);
		while (n > 0 && isspace((unsigned char)p[n - 1]))
			p[--n] = '\0';
		if (n > 0) {
			if (out->len > 0)
				buf_addc(out, ',');
			buf_adds(out, p);
			if (kb != NULL) {
				t = p;
				*kb += size_kb(j, t);
			}
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return out->failed ? ins_fail(j, "a file list") : 0;
}

static int
set_transfer(struct jb *j, const char *in_file)
{
	struct submit	*s = j->s;
	struct buf	 b = BUF_INIT;
	char		*sh, *wh, *ti = NULL, *to = NULL, *tr = NULL;
	int		 should = 2, when = 0, rc = -1, xin;
	long long	 size_mb;
	const char	*wnames[] = { "ON_EXIT", "ON_EXIT_OR_EVICT", "ON_SUCCESS" };

	if (param(j, "ShouldTransferFiles", "should_transfer_files", &sh) == -1)
		return -1;
	if (param(j, "WhenToTransferOutput", "when_to_transfer_output", &wh) ==
	    -1)
		goto done;
	if (sh != NULL) {
		if (!strcasecmp(sh, "YES") || !strcasecmp(sh, "TRUE") ||
		    !strcasecmp(sh, "ALWAYS"))
			should = 1;
		else if (!strcasecmp(sh, "NO") || !strcasecmp(sh, "FALSE") ||
		    !strcasecmp(sh, "NEVER"))
			should = 0;
		else if (!strcasecmp(sh, "IF_NEEDED") || !strcasecmp(sh, "AUTO"))
			should = 2;
		else {
			sub_fail(s, s->errline, "should_transfer_files = %s is "
			    "invalid.  Must be \"YES\", \"NO\", or \"IF_NEEDED\".",
			    sh);
			goto done;
		}
	}
	if (wh != NULL) {
		if (!strcasecmp(wh, "ON_EXIT") || !strcasecmp(wh, "ONEXIT"))
			when = 0;
		else if (!strcasecmp(wh, "ON_EXIT_OR_EVICT") ||
		    !strcasecmp(wh, "ALWAYS"))
			when = 1;
		else if (!strcasecmp(wh, "ON_SUCCESS") ||
		    !strcasecmp(wh, "ONSUCCESS"))
			when = 2;
		else {
			sub_fail(s, s->errline, "when_to_transfer_output = %s is "
			    "invalid", wh);
			goto done;
		}
		if (should == 0) {
			sub_fail(s, s->errline, "when_to_transfer_output cannot "
			    "be given when should_transfer_files is NO");
			goto done;
		}
		if (when == 1 && should == 2) {
			if (sh != NULL) {
				sub_fail(s, s->errline, "when_to_transfer_output "
				    "= ON_EXIT_OR_EVICT requires "
				    "should_transfer_files = YES");
				goto done;
			}
			should = 1;
		}
	}
	j->should = should;
	if (put_str(j, "ShouldTransferFiles", should == 1 ? "YES" : should == 0 ?
	    "NO" : "IF_NEEDED") == -1)
		goto done;
	if (param(j, "transfer_input_files", "TransferInputFiles", &ti) == -1 ||
	    param(j, "transfer_output_files", "TransferOutputFiles", &to) == -1 ||
	    param(j, "transfer_output_remaps", "TransferOutputRemaps", &tr) == -1)
		goto done;
	if (should == 0 && (ti != NULL || to != NULL)) {
		sub_fail(s, s->errline, "transfer_input_files and "
		    "transfer_output_files cannot be used with "
		    "should_transfer_files = NO");
		goto done;
	}
	if (ti != NULL) {
		if (file_list(j, ti, &b, &j->input_kb) == -1)
			goto done;
		if (b.len > 0 && put_str(j, "TransferInput", buf_str(&b)) == -1)
			goto done;
	}
	if (param_bool(j, "transfer_input", "TransferIn", 1, &xin, NULL) == -1)
		goto done;
	if (in_file != NULL && xin)
		j->input_kb += size_kb(j, in_file);
	if (to != NULL) {
		buf_reset(&b);
		if (file_list(j, to, &b, NULL) == -1 ||
		    put_str(j, "TransferOutput", buf_str(&b)) == -1)
			goto done;
	}
	if (should != 0 && put_str(j, "WhenToTransferOutput", wnames[when]) == -1)
		goto done;
	if (should != 1 && s->fsdomain != NULL &&
	    put_str(j, "FileSystemDomain", s->fsdomain) == -1)
		goto done;
	if (tr != NULL && put_str(j, "TransferOutputRemaps", strip_quotes(tr)) ==
	    -1)
		goto done;
	size_mb = (j->exe_kb + j->input_kb + 1023) / 1024;
	if (put_int(j, "TransferInputSizeMB", size_mb) == -1)
		goto done;
	rc = 0;
done:
	buf_free(&b);
	free(sh);
	free(wh);
	free(ti);
	free(to);
	free(tr);
	return rc;
}

/* ExecutableSize, ImageSize and DiskUsage (image_size, disk_usage
 * override the last two). */
static int
set_sizes(struct jb *j)
{
	char		*v;
	long long	 n;
	int		 rc = 0;

	if (put_int(j, "ExecutableSize", j->exe_kb) == -1)
		return -1;
	if (param(j, "image_size", "ImageSize", &v) == -1)
		return -1;
	if (v != NULL && (parse_bytes(v, 1024, &n) == -1 || n < 1))
		rc = sub_fail(j->s, j->s->errline, "'%s' is not valid for "
		    "image_size. It must be >= 1", v);
	else
		rc = put_int(j, "ImageSize", v != NULL ? n : j->exe_kb);
	free(v);
	if (rc == -1 || param(j, "disk_usage", "DiskUsage", &v) == -1)
		return -1;
	if (v != NULL && (parse_bytes(v, 1024, &n) == -1 || n < 1))
		rc = sub_fail(j->s, j->s->errline, "'%s' is not valid for "
		    "disk_usage. It must be >= 1", v);
	else
		rc = put_int(j, "DiskUsage", v != NULL ? n :
		    j->exe_kb + j->input_kb);
	free(v);
	return rc;
}

static int
set_auto(struct jb *j)
{
	char		*v;
	long long	 prio = 0;
	int		 rc = 0;

	if (param(j, "priority", "JobPrio", &v) == -1)
		return -1;
	if (v == NULL && param(j, "prio", NULL, &v) == -1)
		return -1;
	if (v != NULL && parse_int(v, &prio) == -1)
		rc = sub_fail(j->s, j->s->errline, "priority = %s is invalid, "
		    "it must be an integer", v);
	free(v);
	if (rc == -1 || put_int(j, "JobPrio", prio) == -1 ||
	    put_int(j, "MinHosts", 1) == -1 || put_int(j, "MaxHosts", 1) == -1 ||
	    put_int(j, "CurrentHosts", 0) == -1)
		return -1;
	if (param(j, "job_lease_duration", "JobLeaseDuration", &v) == -1)
		return -1;
	if (v == NULL)
		return put_int(j, "JobLeaseDuration", 2400);
	if (parse_int(v, &prio) == 0 && prio > 0 && prio < 20)
		rc = put_int(j, "JobLeaseDuration", 20);
	else
		rc = put_expr(j, "JobLeaseDuration", v);
	free(v);
	return rc;
}

/* For a spooled job, Out and Err with a directory part become
 * _condor_stdout/_condor_stderr and the originals go into
 * TransferOutputRemaps (A.14). */
static int
spool_remaps(struct jb *j, const char *out, const char *err)
{
	struct buf	 b = BUF_INIT;
	const char	*old, *names[2] = { out, err }, *p;
	const char	*subst[2] = { "_condor_stdout", "_condor_stderr" };
	int		 i, so, se, rc = 0;

	if (!j->s->o.spool)
		return 0;
	if (classad_lookup_bool(j->ad, "StreamOut", &so) == -1)
		so = 0;
	if (classad_lookup_bool(j->ad, "StreamErr", &se) == -1)
		se = 0;
	for (i = 0; i < 2; i++) {
		if (names[i] == NULL || strchr(names[i], '/') == NULL ||
		    (i == 0 ? so : se))
			continue;
		if (i == 1 && out != NULL && strcmp(out, err) == 0)
			subst[1] = subst[0];
		if (b.len > 0)
			buf_addc(&b, ';');
		buf_adds(&b, subst[i]);
		buf_addc(&b, '=');
		for (p = names[i]; *p; p++) {
			if (*p == ';' || *p == '=' || *p == '\\')
				buf_addc(&b, '\\');
			buf_addc(&b, *p);
		}
		if (put_str(j, i == 0 ? "Out" : "Err", subst[i]) == -1) {
			buf_free(&b);
			return -1;
		}
	}
	if (b.len > 0) {
		if (classad_lookup_string(j->ad, "TransferOutputRemaps", &old) ==
		    0 && *old) {
			buf_addc(&b, ';');
			buf_adds(&b, old);
		}
		rc = b.failed ? ins_fail(j, "TransferOutputRemaps") :
		    put_str(j, "TransferOutputRemaps", buf_str(&b));
	}
	buf_free(&b);
	return rc;
}

/* log: UserLog, absolute against Iwd; log_xml: UserLogUseXML. */
static int
set_log(struct jb *j)
{
	char	*v, *p;
	int	 rc, x, given;

	if (param(j, "log", "UserLog", &v) == -1)
		return -1;
	if (v == NULL)
		return 0;
	p = join_path(j->iwd, v);
	free(v);
	if (p == NULL)
		return sub_fail(j->s, j->s->errline, "out of memory");
	rc = put_str(j, "UserLog", p);
	free(p);
	if (rc == -1 || param_bool(j, "log_xml", "UserLogUseXML", 0, &x,
	    &given) == -1)
		return -1;
	return given ? put_bool(j, "UserLogUseXML", x) : 0;
}

/* +Attr and MY.Attr: each value expanded and parsed as an expression;
 * empty means undefined. */
static int
set_forced(struct jb *j)
{
	struct names	*mt = &j->s->mt;
	const char	*k;
	char		*v;
	size_t		 i;
	int		 rc;

	for (i = 0; i < mt->cap; i++) {
		if ((k = mt->e[i].key) == NULL || strncasecmp(k, "MY.", 3) != 0 ||
		    k[3] == '\0')
			continue;
		if ((v = sub_expand(j->s, mt->e[i].val)) == NULL)
			return -1;
		if (*v == '\0')
			rc = classad_insert_undefined(j->ad, k + 3) == -1 ?
			    ins_fail(j, k + 3) : 0;
		else
			rc = put_expr(j, k + 3, v);
		free(v);
		if (rc == -1)
			return -1;
	}
	return 0;
}

/* Commands this module does not implement (late materialization, other
 * universes' toppings, deferral) are refused rather than silently
 * dropped; Owner and User belong to the schedd. */
static int
check_unsupported(struct jb *j)
{
	static const char *const keys[] = { "max_materialize", "max_idle",
	    "materialize_max_idle", "JobMaterializeLimit",
	    "JobMaterializeMaxIdle", "docker_image", "container_image",
	    "deferral_time", "cron_minute", "cron_hour", "cron_day_of_month",
	    "cron_month", "cron_day_of_week", "machine_count",
	    "grid_resource", "vm_type", "jar_files" };
	size_t	 i;
	char	*v;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (param(j, keys[i], NULL, &v) == -1)
			return -1;
		if (v == NULL)
			continue;
		free(v);
		return sub_fail(j->s, j->s->errline, "%s is not supported by "
		    "this API", keys[i]);
	}
	if (names_get(&j->s->mt, "MY.Owner") != NULL ||
	    names_get(&j->s->mt, "MY.User") != NULL)
		return sub_fail(j->s, j->s->errline, "Owner and User may not be "
		    "set: the schedd sets them from the authenticated identity");
	return 0;
}

/* Build the full job ad of the current proc into *OUT. */
int
sub_build_ad(struct submit *s, struct classad **out)
{
	struct jb	 j = { s, NULL, NULL, 0, 0, 2 };
	char		*in = NULL, *o = NULL, *e = NULL;
	int		 rc = -1;

	if ((j.ad = classad_new()) == NULL)
		return sub_fail(s, s->errline, "out of memory");
	if (check_unsupported(&j) == -1 ||
	    set_base(&j) == -1 || set_universe(&j) == -1 || set_iwd(&j) == -1 ||
	    set_executable(&j) == -1 || sub_arguments(s, j.ad) == -1 ||
	    sub_environment(s, j.ad) == -1 || set_status(&j) == -1 ||
	    set_stream(&j, "input", "stdin", "In", "transfer_input",
	    "TransferIn", "stream_input", "StreamIn", &in) == -1 ||
	    set_stream(&j, "output", "stdout", "Out", "transfer_output",
	    "TransferOut", "stream_output", "StreamOut", &o) == -1 ||
	    set_stream(&j, "error", "stderr", "Err", "transfer_error",
	    "TransferErr", "stream_error", "StreamErr", &e) == -1 ||
	    set_log(&j) == -1 || set_notification(&j) == -1 || set_rank(&j) == -1 ||
	    set_periodic(&j) == -1 || set_leave_in_queue(&j) == -1 ||
	    set_retries(&j) == -1 || set_resources(&j) == -1 ||
	    set_concurrency(&j) == -1 || set_accounting(&j) == -1 ||
	    set_simple(&j) == -1 || set_transfer(&j, in) == -1 ||
	    set_sizes(&j) == -1 || set_auto(&j) == -1 ||
	    spool_remaps(&j, o, e) == -1 || set_forced(&j) == -1 ||
	    sub_requirements(s, j.ad) == -1)
		goto done;
	*out = j.ad;
	j.ad = NULL;
	rc = 0;
done:
	classad_free(j.ad);
	free(j.iwd);
	free(in);
	free(o);
	free(e);
	return rc;
}
