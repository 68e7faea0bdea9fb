/*
 * test_submit.c — the submit module against the conformance corpus
 * (tests/conformance/submit, compared as its README says: per block,
 * as sets of Name=value lines after substituting @CASE_DIR@, ignoring the
 * run-dependent attributes; warnings against expected.stderr; errors'
 * line and reason against expected.err), plus spool mode, refusals of
 * local files and the limits.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"

#include "util/buf.h"
#include "util/file.h"
#include "classad/classad.h"
#include "submit/submit.h"

#define VERSION_STR	"$CondorVersion: 25.14.0 2026-11-27 PRE-RELEASE-UWCS $"
#define PLATFORM_STR	"$CondorPlatform: X86_64-Debian_12 $"

static int	verbose;

/* A whole file, or NULL. */
static char *
slurp(const char *dir, const char *name, size_t *lenp)
{
	struct buf	 b = BUF_INIT;
	char		 path[4096], err[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (file_read_capped(path, 0, &b, err, sizeof(err)) == -1)
		return NULL;
	if (lenp != NULL)
		*lenp = b.len;
	return buf_take(&b);
}

/* Collapse every run of whitespace to one blank and trim. */
static void
normalize(const char *in, struct buf *out)
{
	int	 sp = 0;

	for (; *in; in++) {
		if (isspace((unsigned char)*in)) {
			sp = out->len > 0;
			continue;
		}
		if (sp && out->data[out->len - 1] != ' ')
			buf_addc(out, ' ');
		sp = 0;
		buf_addc(out, *in);
	}
}

/* Run-dependent attributes the README says to ignore. */
static int
ignored(const char *line)
{
	static const char *const names[] = { "QDate=", "EnteredCurrentStatus=",
	    "CondorVersion=", "SubmitVersion=", "CondorPlatform=" };
	size_t	 i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(line, names[i], strlen(names[i])) == 0)
			return 1;
	return 0;
}

/* A set of lines (kept sorted). */
struct lines {
	char	**v;
	size_t	  n;
};

static int
cmp_line(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
lines_add(struct lines *l, const char *s, size_t n)
{
	char	*c = strndup(s, n);

	if (c == NULL || ignored(c)) {
		free(c);
		return;
	}
	l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
	l->v[l->n++] = c;
}

static void
lines_free(struct lines *l)
{
	while (l->n > 0)
		free(l->v[--l->n]);
	free(l->v);
	l->v = NULL;
}

/* Replace every @CASE_DIR@ of TEXT with DIR. */
static char *
subst(const char *text, const char *dir)
{
	struct buf	 b = BUF_INIT;
	const char	*p;

	while ((p = strstr(text, "@CASE_DIR@")) != NULL) {
		buf_add(&b, text, (size_t)(p - text));
		buf_adds(&b, dir);
		text = p + 10;
	}
	buf_adds(&b, text);
	return buf_take(&b);
}

/* Split expected.ads into blocks of lines. */
static size_t
expected_blocks(const char *text, struct lines *blocks, size_t max)
{
	const char	*p = text, *e;
	size_t		 nb = 0;
	int		 started = 0;

	while (*p) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		if (e == p) {
			if (started && nb < max)
				nb++;
			started = 0;
		} else {
			if (!started && nb >= max)
				break;
			started = 1;
			lines_add(&blocks[nb], p, (size_t)(e - p));
		}
		p = *e ? e + 1 : e;
	}
	if (started)
		nb++;
	return nb;
}

/* Append the ad's attributes as Name=value lines. */
static void
ad_lines(const struct classad *ad, struct lines *l)
{
	struct buf	 b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < classad_count(ad); i++) {
		buf_reset(&b);
		buf_adds(&b, classad_name_at(ad, i));
		buf_addc(&b, '=');
		classad_unparse_old(classad_expr_at(ad, i), &b);
		lines_add(l, buf_str(&b), b.len);
	}
	buf_free(&b);
}

/* Compare two sets; print the differences. */
static int
same_set(struct lines *want, struct lines *got, const char *what)
{
	size_t	 i = 0, j = 0;
	int	 ok = 1, c;

	qsort(want->v, want->n, sizeof(char *), cmp_line);
	qsort(got->v, got->n, sizeof(char *), cmp_line);
	while (i < want->n || j < got->n) {
		c = i == want->n ? 1 : j == got->n ? -1 :
		    strcmp(want->v[i], got->v[j]);
		if (c == 0) {
			i++;
			j++;
			continue;
		}
		ok = 0;
		if (c < 0)
			tap_diag("%s: missing  %s", what, want->v[i++]);
		else
			tap_diag("%s: extra    %s", what, got->v[j++]);
	}
	return ok;
}

static void
site_opts(struct submit_opts *o, const char *workdir)
{
	memset(o, 0, sizeof(*o));
	o->workdir = workdir;
	o->allow_local_files = 1;
	o->filesystem_domain = "htcondor-ref.local";
	o->uid_domain = "htcondor-ref.local";
	o->arch = "X86_64";
	o->opsys = "LINUX";
	o->qdate = 1795819032;
	o->version = VERSION_STR;
	o->platform = PLATFORM_STR;
	o->submit_file = "submit.sub";
}

/* The messages of condor_submit's stderr: lines starting with ERROR,
 * WARNING or Warning, with their continuation lines, normalised. */
static size_t
stderr_messages(const char *text, struct buf *msgs, size_t max)
{
	const char	*p = text, *e;
	size_t		 n = 0;
	char		*line;

	while (*p) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		line = strndup(p, (size_t)(e - p));
		if (strncmp(line, "ERROR", 5) == 0 ||
		    strncmp(line, "WARNING", 7) == 0 ||
		    strncmp(line, "Warning", 7) == 0) {
			if (n < max)
				n++;
			normalize(line, &msgs[n - 1]);
		} else if (n > 0 && *line && strncmp(line, "To monitor", 10) != 0) {
			buf_addc(&msgs[n - 1], ' ');
			normalize(line, &msgs[n - 1]);
		}
		free(line);
		p = *e ? e + 1 : e;
	}
	return n;
}

/* A valid case: the ads block by block, then the warnings. */
static void
valid_case(const char *dir, const char *name)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s = NULL;
	struct lines		 want[64], got;
	struct buf		 msgs[64], mine = BUF_INIT;
	const struct classad	*delta;
	char			*text, *ads, *sads, *serr, what[256];
	size_t			 len, nb, nm, i;
	int			 ok = 1, procid, r, k = 0;

	memset(want, 0, sizeof(want));
	memset(msgs, 0, sizeof(msgs));
	text = slurp(dir, "submit.sub", &len);
	ads = slurp(dir, "expected.ads", NULL);
	serr = slurp(dir, "expected.stderr", NULL);
	if (text == NULL || ads == NULL) {
		tap_ok(0, "%s: case files readable", name);
		goto done;
	}
	sads = subst(ads, dir);
	nb = expected_blocks(sads, want, 64);
	free(sads);
	site_opts(&o, dir);
	if (submit_parse(text, len, &o, &s, &err) == -1) {
		tap_diag("%s: line %d: %s", name, err.line, err.reason);
		tap_ok(0, "%s: accepted", name);
		goto done;
	}
	ok &= submit_proc_count(s) == (int)nb;
	if (submit_proc_count(s) != (int)nb)
		tap_diag("%s: %d procs, want %zu", name, submit_proc_count(s), nb);
	if (submit_begin(s, 1, &err) == -1) {
		tap_ok(0, "%s: begin: %s", name, err.reason);
		goto done;
	}
	while ((r = submit_next_proc(s, &procid, &delta, &err)) == 1) {
		memset(&got, 0, sizeof(got));
		if (procid == 0)
			ad_lines(submit_cluster_ad(s), &got);
		ad_lines(delta, &got);
		snprintf(what, sizeof(what), "%s block %d", name, k + 1);
		if (k < (int)nb)
			ok &= same_set(&want[k], &got, what);
		lines_free(&got);
		k++;
	}
	if (r == -1) {
		tap_diag("%s: while producing: %s", name, err.reason);
		ok = 0;
	}
	ok &= k == (int)nb;
	tap_ok(ok, "%s: ads", name);
	/* warnings against expected.stderr */
	nm = serr != NULL ? stderr_messages(serr, msgs, 64) : 0;
	ok = nm == submit_warning_count(s);
	for (i = 0; i < submit_warning_count(s); i++) {
		buf_reset(&mine);
		normalize(submit_warning(s, i), &mine);
		if (i >= nm || strcmp(buf_str(&mine), buf_str(&msgs[i])) != 0) {
			ok = 0;
			tap_diag("%s: warning %zu: %s", name, i, buf_str(&mine));
			if (i < nm)
				tap_diag("%s:    want %zu: %s", name, i,
				    buf_str(&msgs[i]));
		}
	}
	tap_ok(ok, "%s: warnings (%zu)", name, nm);
done:
	for (i = 0; i < 64; i++) {
		lines_free(&want[i]);
		buf_free(&msgs[i]);
	}
	buf_free(&mine);
	submit_free(s);
	free(text);
	free(ads);
	free(serr);
}

/* An invalid case: refused with condor_submit's line and reason. */
static void
invalid_case(const char *dir, const char *name)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s = NULL;
	struct buf		 want = BUF_INIT, mine = BUF_INIT, rest = BUF_INIT;
	char			*text, *exp, *p;
	const char		*q;
	size_t			 len;
	int			 line = 0, ok;

	text = slurp(dir, "submit.sub", &len);
	exp = slurp(dir, "expected.err", NULL);
	if (text == NULL || exp == NULL) {
		tap_ok(0, "%s: case files readable", name);
		goto done;
	}
	site_opts(&o, dir);
	if (submit_parse(text, len, &o, &s, &err) == 0) {
		tap_ok(0, "%s: refused", name);
		goto done;
	}
	normalize(exp, &want);
	normalize(err.reason, &mine);
	if ((q = strstr(buf_str(&want), "Line ")) != NULL)
		line = atoi(q + 5);
	/* what is left once the framing is taken away */
	p = strdup(buf_str(&want));
	if ((q = strstr(p, "ERROR: Failed to parse command file")) != NULL)
		p[q - p] = '\0';
	if (strncmp(p, "ERROR: on Line ", 15) == 0 && (q = strstr(p, ": ")) &&
	    (q = strstr(q + 2, ": ")) != NULL)
		buf_adds(&rest, q + 2);
	else if (strncmp(p, "ERROR: on Line ", 15) == 0)
		buf_adds(&rest, "");
	else
		buf_adds(&rest, p);
	free(p);
	while (rest.len > 0 && rest.data[rest.len - 1] == ' ')
		rest.data[--rest.len] = '\0';
	ok = line == 0 || err.line == line;
	if (rest.len > 0 && strstr(buf_str(&rest), buf_str(&mine)) == NULL)
		ok = 0;
	if (!ok || verbose)
		tap_diag("%s: got line %d \"%s\"; want line %d \"%s\"", name,
		    err.line, buf_str(&mine), line, buf_str(&rest));
	tap_ok(ok, "%s: refused at line %d with the same reason", name, line);
done:
	submit_free(s);
	buf_free(&want);
	buf_free(&mine);
	buf_free(&rest);
	free(text);
	free(exp);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
corpus(void)
{
	char		 base[4096], dir[8192], *names[512], *real;
	DIR		*d;
	struct dirent	*de;
	size_t		 n = 0, i;

	snprintf(base, sizeof(base), "%s/submit", tap_conformance_dir());
	if ((d = opendir(base)) == NULL) {
		tap_ok(0, "conformance folder %s exists", base);
		return;
	}
	while ((de = readdir(d)) != NULL && n < 512)
		if ((de->d_name[0] == 'v' || de->d_name[0] == 'e') &&
		    isdigit((unsigned char)de->d_name[1]))
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_name);
	tap_ok(n > 0, "conformance submit cases found (%zu)", n);
	for (i = 0; i < n; i++) {
		snprintf(dir, sizeof(dir), "%s/%s", base, names[i]);
		if ((real = realpath(dir, NULL)) == NULL) {
			tap_ok(0, "%s: realpath", names[i]);
			continue;
		}
		if (names[i][0] == 'v')
			valid_case(real, names[i]);
		else
			invalid_case(real, names[i]);
		free(real);
		free(names[i]);
	}
}

/* ---- our own cases ---- */

/* Parse TEXT with OPTS; returns the submission or NULL with ERR. */
static struct submit *
run(const char *text, const struct submit_opts *o, struct submit_error *err)
{
	struct submit	*s;

	if (submit_parse(text, strlen(text), o, &s, err) == -1)
		return NULL;
	return s;
}

static void
test_spool(void)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;
	const struct classad	*c, *d;
	const char		*str;
	int64_t			 i;
	int			 pid, r;

	site_opts(&o, "/nonexistent/job");
	o.allow_local_files = 0;
	o.spool = 1;
	s = run("executable = job.sh\noutput = out/o.$(Process).txt\n"
	    "error = e.txt\ntransfer_input_files = in.txt, data/\n"
	    "queue 2\n", &o, &err);
	if (!tap_ok(s != NULL, "spool: accepted without the files")) {
		tap_diag("%s", err.reason);
		return;
	}
	tap_ok(submit_begin(s, 42, &err) == 0, "spool: begin");
	r = submit_next_proc(s, &pid, &d, &err);
	c = submit_cluster_ad(s);
	tap_ok(r == 1 && pid == 0 && c != NULL, "spool: proc 0");
	tap_ok(classad_lookup_int(d, "JobStatus", &i) == 0 && i == 5,
	    "spool: JobStatus 5");
	tap_ok(classad_lookup_int(c, "HoldReasonCode", &i) == 0 && i == 16,
	    "spool: HoldReasonCode 16");
	tap_ok(classad_lookup_int(c, "ClusterId", &i) == 0 && i == 42,
	    "spool: ClusterId from submit_begin");
	tap_ok(classad_lookup_int(c, "ExecutableSize", &i) == 0 && i == 0 &&
	    classad_lookup_int(c, "DiskUsage", &i) == 0 && i == 0 &&
	    classad_lookup_int(c, "TransferInputSizeMB", &i) == 0 && i == 0,
	    "spool: sizes are 0");
	tap_ok(classad_lookup_string(c, "Iwd", &str) == 0 &&
	    strcmp(str, "/nonexistent/job") == 0, "spool: Iwd is workdir");
	tap_ok(classad_lookup_string(c, "TransferInput", &str) == 0 &&
	    strcmp(str, "in.txt,data/") == 0, "spool: relative inputs kept");
	tap_ok(classad_lookup_string(c, "Out", &str) == 0 &&
	    strcmp(str, "_condor_stdout") == 0 &&
	    classad_lookup_string(c, "TransferOutputRemaps", &str) == 0 &&
	    strcmp(str, "_condor_stdout=out/o.0.txt") == 0,
	    "spool: stdout with a directory is remapped");
	tap_ok(classad_lookup_string(c, "Err", &str) == 0 &&
	    strcmp(str, "e.txt") == 0, "spool: plain stderr kept");
	tap_ok(classad_lookup(c, "LeaveJobInQueue") != NULL &&
	    classad_expr_type(classad_lookup(c, "LeaveJobInQueue")) ==
	    CLASSAD_EXPR, "spool: LeaveJobInQueue expression");
	r = submit_next_proc(s, &pid, &d, &err);
	tap_ok(r == 1 && pid == 1 && classad_lookup_string(d,
	    "TransferOutputRemaps", &str) == 0 &&
	    strcmp(str, "_condor_stdout=out/o.1.txt") == 0,
	    "spool: proc 1 delta");
	tap_ok(submit_next_proc(s, &pid, &d, &err) == 0, "spool: end");
	submit_free(s);

	o.workdir = NULL;
	s = run("executable = job.sh\nqueue\n", &o, &err);
	if (s == NULL)
		tap_diag("%s", err.reason);
	tap_ok(s != NULL && submit_begin(s, 1, &err) == 0 &&
	    submit_next_proc(s, &pid, &d, &err) == 1 &&
	    classad_lookup_string(submit_cluster_ad(s), "Iwd", &str) == 0 &&
	    strcmp(str, "/") == 0 &&
	    classad_lookup_string(submit_cluster_ad(s), "Cmd", &str) == 0 &&
	    strcmp(str, "job.sh") == 0, "spool without workdir: Iwd /, Cmd "
	    "relative");
	submit_free(s);
	s = run("executable = job.sh\nhold = true\nqueue\n", &o, &err);
	tap_ok(s == NULL, "spool: hold = true refused");
	submit_free(s);
}

static void
refused(const char *text, const char *what)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;

	site_opts(&o, "/tmp");
	o.allow_local_files = 0;
	s = run(text, &o, &err);
	tap_ok(s == NULL && strstr(err.reason, "not allowed") != NULL,
	    "local files off: %s refused (%s)", what, err.reason);
	/* Running a program is never allowed: no setting to point to. */
	tap_ok(err.local_files == (strstr(what, "command") == NULL) &&
	    strstr(err.reason, "HTTP_API") == NULL, "... %s, naming no "
	    "program setting", err.local_files ? "marked as a local-files "
	    "refusal" : "not marked");
	submit_free(s);
}

static void
test_local_files(void)
{
	refused("include : /etc/passwd\nexecutable = /bin/true\nqueue\n",
	    "include");
	refused("executable = /bin/true\nqueue x from /etc/passwd\n",
	    "queue from a file");
	refused("executable = /bin/true\nqueue f matching *\n",
	    "queue matching");
	refused("executable = /bin/true\narguments = $ENV(HOME)\nqueue\n",
	    "$ENV");
	refused("D = $\nexecutable = /bin/true\narguments = $(D)ENV(HOME)\n"
	    "queue\n", "$ENV built from pieces");
	refused("executable = /bin/true\ngetenv = true\nqueue\n", "getenv");
	refused("include command : /bin/ls\nexecutable = /bin/true\nqueue\n",
	    "include command");
}

static void
test_limits(void)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;
	struct buf		 b = BUF_INIT;
	int			 i;

	site_opts(&o, "/tmp");
	o.allow_local_files = 0;
	s = run("executable = /bin/true\nqueue 200000\n", &o, &err);
	tap_ok(s == NULL && strstr(err.reason, "too many jobs") != NULL,
	    "queue 200000 refused (%s)", err.reason);
	submit_free(s);
	o.max_procs = 10;
	s = run("executable = /bin/true\nqueue 11\n", &o, &err);
	tap_ok(s == NULL, "max_procs option enforced");
	submit_free(s);
	o.max_procs = 0;
	s = run("A = $(B)\nB = $(A)\nexecutable = /bin/$(A)\nqueue\n", &o,
	    &err);
	tap_ok(s == NULL && err.line > 0, "recursive macros refused at line "
	    "%d (%s)", err.line, err.reason);
	submit_free(s);
	buf_adds(&b, "A0 = xxxxxxxxxxxxxxxx\n");
	for (i = 1; i < 40; i++)
		buf_addf(&b, "A%d = $(A%d)$(A%d)\n", i, i - 1, i - 1);
	buf_adds(&b, "executable = /bin/true\narguments = $(A39)\nqueue\n");
	s = run(buf_str(&b), &o, &err);
	tap_ok(s == NULL, "exponential expansion refused (%s)", err.reason);
	submit_free(s);
	buf_free(&b);
	s = run("executable = /bin/true\nqueue 2147483647\n", &o, &err);
	tap_ok(s == NULL && strstr(err.reason, "range") != NULL,
	    "queue INT_MAX refused (%s)", err.reason);
	submit_free(s);
	tap_ok(submit_parse("a\0b", 3, &o, &s, &err) == -1, "NUL byte refused");
	s = run("executable = job.sh\nqueue\n", &o, &err);
	tap_ok(s != NULL, "non-spool without local files: no stat needed");
	submit_free(s);
	o.workdir = NULL;
	s = run("executable = job.sh\nqueue\n", &o, &err);
	tap_ok(s == NULL, "relative names without workdir refused (%s)",
	    err.reason);
	submit_free(s);
}

/* With local files allowed: include, $ENV, the `env` keyword's V1 form. */
static void
test_allowed(void)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;
	const struct classad	*d, *c;
	const char		*str;
	char			 dir[] = "/tmp/test_submit.XXXXXX", path[64];
	FILE			*f;
	int			 pid;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/inc.sub", dir);
	if ((f = fopen(path, "w")) != NULL) {
		fputs("arguments = from include $(X)\n", f);
		fclose(f);
	}
	site_opts(&o, dir);
	setenv("TEST_SUBMIT_VAR", "envvalue", 1);
	s = run("X = 1\ninclude : inc.sub\ninclude ifexist : nosuch.sub\n"
	    "executable = /bin/true\nenv = B=2;A=1\n"
	    "MY.FromEnv = \"$ENV(TEST_SUBMIT_VAR)\"\nqueue\n", &o, &err);
	if (!tap_ok(s != NULL, "allowed: include and $ENV accepted"))
		tap_diag("%s", err.reason);
	else if (submit_begin(s, 1, &err) == 0 &&
	    submit_next_proc(s, &pid, &d, &err) == 1) {
		c = submit_cluster_ad(s);
		if (classad_lookup_string(c, "Args", &str) != 0)
			str = "(none)";
		tap_ok(strcmp(str, "from include 1") == 0, "allowed: include "
		    "read (%s)", str);
		tap_ok(classad_lookup_string(c, "FromEnv", &str) == 0 &&
		    strcmp(str, "envvalue") == 0, "allowed: $ENV read");
		tap_ok(classad_lookup_string(c, "Env", &str) == 0 &&
		    strcmp(str, "A=1;B=2") == 0 &&
		    classad_lookup_string(c, "EnvDelim", &str) == 0 &&
		    classad_lookup(c, "Environment") == NULL,
		    "env keyword with V1 syntax writes Env and EnvDelim");
	}
	submit_free(s);
	s = run("executable = /bin/true\ninclude : inc.sub\nqueue y from "
	    "inc.sub\nqueue\n", &o, &err);
	if (s == NULL)
		tap_diag("%s", err.reason);
	tap_ok(s != NULL && submit_proc_count(s) == 2, "allowed: queue from a "
	    "file relative to workdir");
	submit_free(s);
	unlink(path);
	rmdir(dir);
}

/* The Args of every proc of S, joined by spaces into OUT. */
static void
proc_args(struct submit *s, char *out, size_t outlen)
{
	struct submit_error	 err;
	const struct classad	*d;
	const char		*str;
	int			 pid;
	size_t			 n = 0;

	out[0] = '\0';
	if (submit_begin(s, 1, &err) == -1)
		return;
	while (submit_next_proc(s, &pid, &d, &err) == 1 && n < outlen) {
		if (classad_lookup_string(pid == 0 ? submit_cluster_ad(s) : d,
		    "Args", &str) != 0)
			str = "(none)";
		n += (size_t)snprintf(out + n, outlen - n, "%s%s",
		    n ? " " : "", str);
	}
}

/* `queue ... matching` marks directories with a trailing slash, as
 * condor_submit's glob (GLOB_MARK) does, in the dirs and any forms. */
static void
test_matching_dirs(void)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;
	char			 dir[] = "/tmp/test_submit.XXXXXX", path[64];
	char			 args[256];
	FILE			*f;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/set1", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/set2", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/setfile", dir);
	if ((f = fopen(path, "w")) != NULL)
		fclose(f);
	site_opts(&o, dir);
	s = run("executable = /bin/true\narguments = $(d)\n"
	    "queue d matching dirs set*\n", &o, &err);
	if (s == NULL)
		tap_diag("%s", err.reason);
	else
		proc_args(s, args, sizeof(args));
	tap_ok(s != NULL && strcmp(args, "set1/ set2/") == 0,
	    "matching dirs: each item keeps its trailing / (%s)",
	    s != NULL ? args : "refused");
	submit_free(s);
	s = run("executable = /bin/true\narguments = $(d)\n"
	    "queue d matching any set*\n", &o, &err);
	if (s != NULL)
		proc_args(s, args, sizeof(args));
	tap_ok(s != NULL && strcmp(args, "set1/ set2/ setfile") == 0,
	    "matching any: directories end in /, files do not (%s)",
	    s != NULL ? args : "refused");
	submit_free(s);
	unlink(path);
	snprintf(path, sizeof(path), "%s/set1", dir);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/set2", dir);
	rmdir(path);
	rmdir(dir);
}

/* Write a file of N bytes at DIR/NAME. */
static void
write_sized(const char *dir, const char *name, size_t n)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return;
	while (n-- > 0)
		fputc('x', f);
	fclose(f);
}

/* Check the four size attributes of the cluster ad of TEXT. */
static void
expect_sizes(const char *text, const struct submit_opts *o, long long exe,
    long long disk, long long mb, const char *what)
{
	struct submit_error	 err;
	struct submit		*s;
	const struct classad	*c, *d;
	int64_t			 e = -1, im = -1, du = -1, ti = -1;
	int			 pid;

	if ((s = run(text, o, &err)) == NULL) {
		tap_ok(0, "%s: refused (%s)", what, err.reason);
		return;
	}
	if (submit_begin(s, 1, &err) == 0 &&
	    submit_next_proc(s, &pid, &d, &err) == 1) {
		c = submit_cluster_ad(s);
		classad_lookup_int(c, "ExecutableSize", &e);
		classad_lookup_int(c, "ImageSize", &im);
		classad_lookup_int(c, "DiskUsage", &du);
		classad_lookup_int(c, "TransferInputSizeMB", &ti);
	}
	tap_ok(e == exe && im == exe && du == disk && ti == mb,
	    "%s: ExecutableSize %lld ImageSize %lld DiskUsage %lld "
	    "TransferInputSizeMB %lld", what, (long long)e, (long long)im,
	    (long long)du, (long long)ti);
	submit_free(s);
}

/* Without spooling and with local files allowed, the sizes come from the
 * files as condor_submit's calc_image_size_kb() finds them: each file (a
 * directory: the sum of its files) in KiB rounded up; ExecutableSize and
 * ImageSize are the executable's; DiskUsage adds transfer_input_files and
 * input; TransferInputSizeMB is that sum in MiB rounded up. */
static void
test_sizes(void)
{
	struct submit_opts	 o;
	char			 dir[] = "/tmp/test_submit.XXXXXX", path[64];
	static const char *const files[] = { "exe", "a", "in", "d/p", "d/q",
	    "big" };
	size_t			 i;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/d", dir);
	mkdir(path, 0755);
	write_sized(dir, "exe", 3000);		/* 3 KiB */
	write_sized(dir, "a", 1500);		/* 2 KiB */
	write_sized(dir, "in", 10);		/* 1 KiB */
	write_sized(dir, "d/p", 600);		/* d/: 1200 bytes, 2 KiB */
	write_sized(dir, "d/q", 600);
	write_sized(dir, "big", 1536 * 1024);	/* 1536 KiB */
	site_opts(&o, dir);
	expect_sizes("executable = exe\ntransfer_input_files = a, d/\n"
	    "input = in\nqueue\n", &o, 3, 3 + 2 + 2 + 1, 1,
	    "sizes: executable, input files, a directory, stdin");
	expect_sizes("executable = exe\ntransfer_input_files = big\nqueue\n",
	    &o, 3, 3 + 1536, 2, "sizes: TransferInputSizeMB rounds up");
	expect_sizes("executable = exe\ntransfer_executable = false\n"
	    "queue\n", &o, 3, 3, 1,
	    "sizes: an executable not transferred is still sized");
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/d", dir);
	rmdir(path);
	rmdir(dir);
}

/* The statements the corpus does not exercise. */
static void
test_language(void)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;
	const struct classad	*c, *d;
	const char		*str;
	int64_t			 i;
	int			 pid;

	site_opts(&o, "/tmp");
	o.allow_local_files = 0;
	s = run("X = 5\nif defined X\n  A = yes\nelif version >= 9.0\n"
	    "  A = no\nelse\n  A = never\nendif\nif version < 8.0\n  B = old\n"
	    "else\n  B = new\nendif\nif false\n  if true\n    C = inner\n"
	    "  endif\nelse\n  C = outer\nendif\n"
	    "L = a\nL += b\nL +,= c\nL +&&= d\n"
	    "H @=END\nline one\n# dropped\nline two\n@END\n"
	    "executable = /bin/true\narguments = $(A) $(B) $(C)\n"
	    "+Flavour = \"espresso\"\n-Gone =\nMY.Sum = $(X) + 1\n"
	    "description = $(L)\nbatch_name = $(H)\niterate 2\n", &o, &err);
	if (!tap_ok(s != NULL, "language: accepted")) {
		tap_diag("line %d: %s", err.line, err.reason);
		return;
	}
	submit_begin(s, 1, &err);
	submit_next_proc(s, &pid, &d, &err);
	c = submit_cluster_ad(s);
	if (classad_lookup_string(c, "Args", &str) != 0)
		str = "(none)";
	tap_ok(strcmp(str, "yes new outer") == 0, "language: if/elif/else (%s)",
	    str);
	if (classad_lookup_string(c, "JobDescription", &str) != 0)
		str = "(none)";
	tap_ok(strcmp(str, "a b,c && d") == 0, "language: += with separators "
	    "(%s)", str);
	tap_ok(classad_lookup_string(c, "JobBatchName", &str) == 0 &&
	    strcmp(str, "line one\nline two") == 0, "language: @= heredoc");
	tap_ok(classad_lookup_string(c, "Flavour", &str) == 0 &&
	    strcmp(str, "espresso") == 0 && classad_lookup(c, "Gone") != NULL &&
	    classad_expr_type(classad_lookup(c, "Gone")) == CLASSAD_UNDEFINED,
	    "language: +Attr and -Attr");
	tap_ok(classad_expr_type(classad_lookup(c, "Sum")) == CLASSAD_EXPR,
	    "language: MY.Attr is an expression");
	tap_ok(submit_proc_count(s) == 2, "language: iterate is queue (%d)",
	    submit_proc_count(s));
	submit_free(s);
	s = run("executable = /bin/true\nif true\nqueue\n", &o, &err);
	tap_ok(s == NULL && strstr(err.reason, "endif") != NULL,
	    "language: missing endif refused");
	submit_free(s);
	s = run("executable = /bin/true\nqueue x in ()\nqueue 2\n", &o, &err);
	tap_ok(s != NULL && submit_proc_count(s) == 2, "language: an empty "
	    "item list queues nothing");
	submit_free(s);
	s = run("executable = /bin/true\nrequest_memory = 1.5\n"
	    "request_disk = 2KB\nrequest_cpus = RequestMemory / 100\n"
	    "queue\n", &o, &err);
	tap_ok(s != NULL && submit_begin(s, 1, &err) == 0 &&
	    submit_next_proc(s, &pid, &d, &err) == 1 &&
	    classad_lookup_int(submit_cluster_ad(s), "RequestMemory", &i) == 0 &&
	    i == 2 && classad_lookup_int(submit_cluster_ad(s), "RequestDisk",
	    &i) == 0 && i == 2, "language: units round up");
	submit_free(s);
}

static void
test_iteration(void)
{
	struct submit_opts	 o;
	struct submit_error	 err;
	struct submit		*s;
	const struct classad	*d;
	const char		*str;
	int			 pid, n = 0, ok = 1;

	site_opts(&o, "/tmp");
	o.allow_local_files = 0;
	s = run("executable = /bin/echo\narguments = $(Cluster).$(Process)\n"
	    "queue 1000\n", &o, &err);
	if (!tap_ok(s != NULL && submit_proc_count(s) == 1000, "queue 1000"))
		return;
	submit_begin(s, 9, &err);
	while (submit_next_proc(s, &pid, &d, &err) == 1) {
		char want[32];

		snprintf(want, sizeof(want), "9.%d", pid);
		if (classad_lookup_string(pid == 0 ? submit_cluster_ad(s) : d,
		    "Args", &str) != 0 || strcmp(str, want) != 0)
			ok = 0;
		n++;
	}
	tap_ok(ok && n == 1000, "1000 procs, one at a time, $(Cluster) from "
	    "submit_begin");
	submit_free(s);
}

int
main(int argc, char **argv)
{
	verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
	corpus();
	test_spool();
	test_local_files();
	test_limits();
	test_allowed();
	test_matching_dirs();
	test_sizes();
	test_language();
	test_iteration();
	return tap_done();
}
