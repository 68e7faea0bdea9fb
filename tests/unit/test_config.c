/*
 * test_config.c — the configuration reader against every query of every
 * case of the conformance corpus (config/), each run in a child process
 * with the environment the corpus README describes, plus tests of the
 * typed getters and of error messages.
 */
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "util/buf.h"
#include "config/config.h"
#include "util/file.h"
#include "tap.h"

#define MAX_ARGS	32

/* Read a whole file into a NUL-terminated string, or NULL. */
static char *
slurp(const char *path)
{
	struct buf	 b = BUF_INIT;
	char		 err[256];

	if (file_read_capped(path, 0, &b, err, sizeof(err)) == -1)
		return NULL;
	return buf_take(&b);
}

/* Replace every @CASE_DIR@ in S by DIR. */
static char *
subst_case_dir(const char *s, const char *dir)
{
	struct buf	 b = BUF_INIT;
	const char	*p;

	while ((p = strstr(s, "@CASE_DIR@")) != NULL) {
		buf_add(&b, s, (size_t)(p - s));
		buf_adds(&b, dir);
		s = p + strlen("@CASE_DIR@");
	}
	buf_adds(&b, s);
	if (b.data == NULL)
		buf_add(&b, "", 0);
	return buf_take(&b);
}

/* In the child: the environment of the README, then config_val_main. */
static void
child(const char *dir, const char *envtxt, int argc, char **argv)
{
	char		 path[4096];
	const char	*p, *e, *eq;
	char		*line;
	int		 rc;

	clearenv();
	setenv("PATH", "/usr/bin:/bin", 1);
	setenv("HOME", dir, 1);
	snprintf(path, sizeof(path), "%s/condor_config", dir);
	setenv("CONDOR_CONFIG", path, 1);
	for (p = envtxt; p != NULL && *p; p = *e ? e + 1 : e) {
		e = strchr(p, '\n');
		if (e == NULL)
			e = p + strlen(p);
		line = strndup(p, (size_t)(e - p));
		if (line != NULL && (eq = strchr(line, '=')) != NULL &&
		    eq != line) {
			line[eq - line] = '\0';
			setenv(line, eq + 1, 1);
		}
		free(line);
	}
	if (chdir(dir) == -1)
		_exit(99);
	rc = config_val_main(argc, argv, "HTTP_API");
	fflush(stdout);
	fflush(stderr);
	_exit(rc);
}

/* Run ARGV in a child and capture its exit status, stdout and stderr. */
static int
run_query(const char *dir, const char *envtxt, int argc, char **argv,
    int *status, struct buf *out, struct buf *err)
{
	int		 po[2], pe[2], st, open_fds = 2;
	struct pollfd	 pfd[2];
	char		 chunk[4096];
	ssize_t		 n;
	pid_t		 pid;

	if (pipe(po) == -1 || pipe(pe) == -1)
		return -1;
	fflush(stdout);
	fflush(stderr);
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		close(po[0]);
		close(pe[0]);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[1]);
		close(pe[1]);
		child(dir, envtxt, argc, argv);
	}
	close(po[1]);
	close(pe[1]);
	pfd[0].fd = po[0];
	pfd[1].fd = pe[0];
	pfd[0].events = pfd[1].events = POLLIN;
	while (open_fds > 0) {
		if (poll(pfd, 2, 10000) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP)))
				continue;
			n = read(pfd[i].fd, chunk, sizeof(chunk));
			if (n <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				open_fds--;
			} else
				buf_add(i == 0 ? out : err, chunk, (size_t)n);
		}
	}
	for (int i = 0; i < 2; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	if (waitpid(pid, &st, 0) == -1)
		return -1;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	return 0;
}

/* Does the argument list already choose a subsystem? */
static int
names_subsystem(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strncmp(argv[i], "-sub", 4) == 0)
			return 1;
	return 0;
}

/* Run every query of one case folder. */
static void
run_case(const char *root, const char *name)
{
	char		 dir[4096], file[4200], *json, *envtxt, *want_out;
	char		*want_err, *argv[MAX_ARGS + 2];
	cJSON		*doc, *q, *args, *a, *jexit, *jout, *jerr;
	struct buf	 out = BUF_INIT, err = BUF_INIT, what = BUF_INIT;
	int		 argc, status, qn = 0, ok;

	if (realpath(root, dir) == NULL) {
		tap_ok(0, "config %s: resolve case folder", name);
		return;
	}
	strncat(dir, "/", sizeof(dir) - strlen(dir) - 1);
	strncat(dir, name, sizeof(dir) - strlen(dir) - 1);
	snprintf(file, sizeof(file), "%s/expected.json", dir);
	if ((json = slurp(file)) == NULL) {
		tap_ok(0, "config %s: read expected.json", name);
		return;
	}
	snprintf(file, sizeof(file), "%s/env.txt", dir);
	envtxt = slurp(file);
	doc = cJSON_Parse(json);
	if (!cJSON_IsArray(doc)) {
		tap_ok(0, "config %s: expected.json is a list", name);
		goto done;
	}
	cJSON_ArrayForEach(q, doc) {
		qn++;
		args = cJSON_GetObjectItemCaseSensitive(q, "args");
		jexit = cJSON_GetObjectItemCaseSensitive(q, "exit");
		jout = cJSON_GetObjectItemCaseSensitive(q, "stdout");
		jerr = cJSON_GetObjectItemCaseSensitive(q, "stderr");
		argc = 0;
		buf_reset(&what);
		cJSON_ArrayForEach(a, args) {
			if (cJSON_IsString(a) && argc < MAX_ARGS) {
				argv[argc++] = a->valuestring;
				buf_addf(&what, " %s", a->valuestring);
			}
		}
		if (!names_subsystem(argc, argv)) {
			memmove(argv + 2, argv, (size_t)argc * sizeof(*argv));
			argv[0] = "-subsystem";
			argv[1] = "TOOL";
			argc += 2;
		}
		argv[argc] = NULL;
		buf_reset(&out);
		buf_reset(&err);
		if (!cJSON_IsNumber(jexit) || !cJSON_IsString(jout) ||
		    !cJSON_IsString(jerr) ||
		    run_query(dir, envtxt, argc, argv, &status, &out, &err) == -1) {
			tap_ok(0, "config %s #%d:%s (malformed or not run)", name,
			    qn, buf_str(&what));
			continue;
		}
		want_out = subst_case_dir(jout->valuestring, dir);
		want_err = subst_case_dir(jerr->valuestring, dir);
		ok = status == jexit->valueint &&
		    strcmp(buf_str(&out), want_out) == 0 &&
		    strcmp(buf_str(&err), want_err) == 0;
		tap_ok(ok, "config %s #%d:%s", name, qn, buf_str(&what));
		if (!ok) {
			tap_diag("exit %d, want %d", status, jexit->valueint);
			tap_diag("stdout [%s] want [%s]", buf_str(&out), want_out);
			tap_diag("stderr [%s] want [%s]", buf_str(&err), want_err);
		}
		free(want_out);
		free(want_err);
	}
done:
	cJSON_Delete(doc);
	free(json);
	free(envtxt);
	buf_free(&out);
	buf_free(&err);
	buf_free(&what);
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every case folder of the corpus, in name order. */
static void
conformance(void)
{
	char		 root[4096], *names[512];
	struct dirent	*de;
	DIR		*d;
	size_t		 n = 0, i;

	snprintf(root, sizeof(root), "%s/config", tap_conformance_dir());
	if (!tap_ok((d = opendir(root)) != NULL, "conformance folder %s", root))
		return;
	while ((de = readdir(d)) != NULL && n < 512)
		if (de->d_name[0] != '.' && de->d_type != DT_REG)
			names[n++] = strdup(de->d_name);
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	tap_ok(n > 0, "conformance config cases found (%zu)", n);
	for (i = 0; i < n; i++) {
		run_case(root, names[i]);
		free(names[i]);
	}
}

/* A scratch folder with a root configuration file holding TEXT, named by
 * CONDOR_CONFIG in this process. */
static char scratch[64];

static void
write_config(const char *name, const char *text)
{
	char	 path[256];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", scratch, name);
	if ((f = fopen(path, "w")) != NULL) {
		fputs(text, f);
		fclose(f);
	}
}

static struct config *
load_text(const char *text, char *err, size_t errlen)
{
	char	 path[256];

	write_config("condor_config", text);
	snprintf(path, sizeof(path), "%s/condor_config", scratch);
	setenv("CONDOR_CONFIG", path, 1);
	return config_load("HTTP_API", NULL, err, errlen);
}

static void
getters(void)
{
	struct config	*cf;
	char		 err[512];
	long long	 v;
	int		 b;

	cf = load_text(
	    "N30 = 30\nS30 = 30s\nM2 = 2m\nH1 = 1h\nHM = 1h30m\n"
	    "NEG = -5\nBAD = 30x\nHALF = 1.5h\nSPACE = 30 s\nBIG = 99999999999999999999\n"
	    "HTTP_API_READ_TIMEOUT = 30s      # Default: 30s\n"
	    "T = true\nF = False\nY = yes\nN0 = 0\nMAYBE = maybe\n"
	    "REF = $(N30)0\nHTTP_API.SUBONLY = 7\n", err, sizeof(err));
	if (!tap_ok(cf != NULL, "load a scratch configuration")) {
		tap_diag("%s", err);
		return;
	}
	tap_ok(config_int(cf, "N30", 1, 0, 100, &v, err, sizeof(err)) == 0 &&
	    v == 30, "config_int 30");
	tap_ok(config_int(cf, "REF", 1, 0, 1000, &v, err, sizeof(err)) == 0 &&
	    v == 300, "config_int expands macros");
	tap_ok(config_int(cf, "SUBONLY", 1, 0, 100, &v, err, sizeof(err)) == 0 &&
	    v == 7, "config_int sees the HTTP_API. prefix");
	tap_ok(config_int(cf, "UNSET", 42, 0, 100, &v, err, sizeof(err)) == 0 &&
	    v == 42, "config_int default when undefined");
	tap_ok(config_int(cf, "N30", 1, 31, 100, &v, err, sizeof(err)) == -1 &&
	    strstr(err, "out of range") != NULL, "config_int below min");
	tap_ok(config_int(cf, "N30", 1, 0, 29, &v, err, sizeof(err)) == -1,
	    "config_int above max");
	tap_ok(config_int(cf, "S30", 1, 0, 100, &v, err, sizeof(err)) == -1 &&
	    strstr(err, "S30") != NULL, "config_int refuses 30s, naming it");
	tap_ok(config_int(cf, "BIG", 1, 0, 100, &v, err, sizeof(err)) == -1,
	    "config_int refuses an overflow");
	tap_ok(config_int(cf, "NEG", 1, -10, 10, &v, err, sizeof(err)) == 0 &&
	    v == -5, "config_int negative within bounds");
	tap_ok(config_duration(cf, "N30", 1, 1, 86400, &v, err,
	    sizeof(err)) == 0 && v == 30, "config_duration 30");
	tap_ok(config_duration(cf, "S30", 1, 1, 86400, &v, err,
	    sizeof(err)) == 0 && v == 30, "config_duration 30s");
	tap_ok(config_duration(cf, "M2", 1, 1, 86400, &v, err,
	    sizeof(err)) == 0 && v == 120, "config_duration 2m");
	tap_ok(config_duration(cf, "H1", 1, 1, 86400, &v, err,
	    sizeof(err)) == 0 && v == 3600, "config_duration 1h");
	tap_ok(config_duration(cf, "HM", 1, 1, 86400, &v, err,
	    sizeof(err)) == 0 && v == 5400, "config_duration 1h30m");
	tap_ok(config_duration(cf, "BAD", 1, 1, 86400, &v, err,
	    sizeof(err)) == -1, "config_duration refuses 30x");
	tap_ok(config_duration(cf, "HALF", 1, 1, 86400, &v, err,
	    sizeof(err)) == -1, "config_duration refuses 1.5h");
	tap_ok(config_duration(cf, "SPACE", 1, 1, 86400, &v, err,
	    sizeof(err)) == -1, "config_duration refuses 30 s");
	tap_ok(config_duration(cf, "HTTP_API_READ_TIMEOUT", 1, 1, 86400, &v,
	    err, sizeof(err)) == -1, "a # comment after a value is part of it");
	tap_ok(config_duration(cf, "H1", 1, 1, 60, &v, err,
	    sizeof(err)) == -1 && strstr(err, "out of range") != NULL,
	    "config_duration above max");
	tap_ok(config_duration(cf, "NEG", 1, 1, 60, &v, err,
	    sizeof(err)) == -1, "config_duration below min");
	tap_ok(config_duration(cf, "UNSET", 45, 1, 60, &v, err,
	    sizeof(err)) == 0 && v == 45, "config_duration default");
	tap_ok(config_bool(cf, "T", 0, &b, err, sizeof(err)) == 0 && b == 1,
	    "config_bool true");
	tap_ok(config_bool(cf, "F", 1, &b, err, sizeof(err)) == 0 && b == 0,
	    "config_bool False");
	tap_ok(config_bool(cf, "Y", 0, &b, err, sizeof(err)) == 0 && b == 1,
	    "config_bool yes");
	tap_ok(config_bool(cf, "N0", 1, &b, err, sizeof(err)) == 0 && b == 0,
	    "config_bool 0");
	tap_ok(config_bool(cf, "MAYBE", 1, &b, err, sizeof(err)) == -1,
	    "config_bool refuses maybe");
	tap_ok(config_bool(cf, "UNSET", 1, &b, err, sizeof(err)) == 0 && b == 1,
	    "config_bool default");
	tap_ok(config_value(cf, "UNSET") == NULL, "config_value undefined");
	tap_ok(config_value(cf, "n30") != NULL &&
	    strcmp(config_value(cf, "n30"), "30") == 0,
	    "config_value is case-insensitive");
	tap_ok(config_value(cf, "SUBSYSTEM") != NULL &&
	    strcmp(config_value(cf, "SUBSYSTEM"), "HTTP_API") == 0,
	    "SUBSYSTEM is HTTP_API");
	tap_ok(strcmp(config_warnings(cf), "") == 0, "no warnings");
	config_free(cf);
}

static void
errors(void)
{
	struct config	*cf;
	char		 err[1024], want[512];

	cf = load_text("A = 1\nB = 2\nthis line has no operator\n", err,
	    sizeof(err));
	snprintf(want, sizeof(want), "Configuration Error Line 3 while reading "
	    "global config source %s/condor_config", scratch);
	tap_ok(cf == NULL && strcmp(err, want) == 0,
	    "a bad line is an error naming file and line");
	if (cf == NULL && strcmp(err, want) != 0)
		tap_diag("got: %s", err);
	config_free(cf);

	write_config("inc.conf", "X = 1\nif version > 9.0\n");
	cf = load_text("A = 1\ninclude : $(CONFIG_ROOT)/inc.conf\n", err,
	    sizeof(err));
	tap_ok(cf == NULL && strstr(err, "inc.conf\", Line 2, Include Depth 1: "
	    "endif(s) not found") != NULL &&
	    strstr(err, "Configuration Error Line 2 while reading") != NULL,
	    "an error in an included file names that file and line");
	if (cf != NULL || strstr(err, "Include Depth") == NULL)
		tap_diag("got: %s", err);
	config_free(cf);

	cf = load_text("A : 1\nuse FEATURE : NoSuchKnob\nB = $(A)\n", err,
	    sizeof(err));
	tap_ok(cf != NULL && strstr(config_warnings(cf), "Line 1: obsolete use "
	    "of ':'") != NULL && strstr(config_warnings(cf), "Line 2: use "
	    "FEATURE: does not recognise NoSuchKnob") != NULL &&
	    strcmp(config_value(cf, "B"), "1") == 0,
	    "warnings are collected; an unknown metaknob is skipped");
	config_free(cf);

	cf = load_text("error : stop $(X)\nX = here\n", err, sizeof(err));
	tap_ok(cf == NULL && strstr(err, "condor_config\", Line 1: stop ") !=
	    NULL, "error statement");
	config_free(cf);

	setenv("CONDOR_CONFIG", "/nonexistent/condor_config", 1);
	cf = config_load("HTTP_API", NULL, err, sizeof(err));
	tap_ok(cf == NULL && strstr(err, "/nonexistent/condor_config\" does "
	    "not exist") != NULL, "a missing CONDOR_CONFIG file is an error");
	config_free(cf);

	setenv("CONDOR_CONFIG", "ONLY_ENV", 1);
	setenv("_CONDOR_ONLY_FROM_ENV", "  yes", 1);
	cf = config_load("HTTP_API", "loc", err, sizeof(err));
	tap_ok(cf != NULL && config_value(cf, "ONLY_FROM_ENV") != NULL &&
	    strcmp(config_value(cf, "ONLY_FROM_ENV"), "yes") == 0 &&
	    strcmp(config_value(cf, "LOCALNAME"), "loc") == 0,
	    "ONLY_ENV reads no file but _CONDOR_ variables");
	unsetenv("_CONDOR_ONLY_FROM_ENV");
	config_free(cf);

	/* The subsystem is the caller's: the reader has no program's name
	 * built in, and without one it is HTCondor's generic TOOL. */
	setenv("_CONDOR_TOOL.WHO", "tool", 1);
	setenv("_CONDOR_HTTP_API.WHO", "api", 1);
	cf = config_load(NULL, NULL, err, sizeof(err));
	tap_ok(cf != NULL && strcmp(config_value(cf, "SUBSYSTEM"), "TOOL") ==
	    0 && strcmp(config_value(cf, "WHO"), "tool") == 0,
	    "no subsystem given: TOOL");
	config_free(cf);
	cf = config_load("HTTP_API", NULL, err, sizeof(err));
	tap_ok(cf != NULL && strcmp(config_value(cf, "WHO"), "api") == 0,
	    "the caller's subsystem: HTTP_API.WHO");
	config_free(cf);
	unsetenv("_CONDOR_TOOL.WHO");
	unsetenv("_CONDOR_HTTP_API.WHO");
}

/* Check that NAME expands to WANT. */
static void
expect(struct config *cf, const char *name, const char *want)
{
	const char	*v = config_value(cf, name);

	tap_ok(v != NULL && strcmp(v, want) == 0, "%s = %s (got %s)", name,
	    want, v != NULL ? v : "(null)");
}

/* Precedence with -local-name, and macro functions. */
static void
lookups(void)
{
	struct config	*cf;
	char		 err[512];
	const char	*v;

	cf = load_text(
	    "X = plain\nHTTP_API.X = sub\nLOC.X = local\n"
	    "Y = plain\nHTTP_API.Y = sub\n"
	    "Z = plain\nLOC.Z = local\nhttp_api.loc.Z = both\nHTTP_API.Z = sub\n"
	    "OTHER.LOC.W = other\nW = plain\n"
	    "N = 7\nI = $INT(N,%03d)\nR = $REAL(N)\nRF = $REAL(N,%.2f)\n"
	    "E = $INT(2 * 3 + 1)\nS = $SUBSTR(P, 1, 3)\nS2 = $SUBSTR(P,-4)\n"
	    "P = /a/b/file.tar.gz\nFN = $Fn(P)\nFX = $Fx(P)\nFP = $Fp(P)\n"
	    "FNX = $Fnx(P)\nFQ = $Fq(P)\nFD = $Fdb(P)\n"
	    "C = $CHOICE(1, red, green, blue)\nL = a,b,c\nCL = $CHOICE(2,L)\n"
	    "ST = $STRING(Q)\nQ = \"quoted\"\nD = $(DOLLAR)(X)\n"
	    "BN = $BASENAME(P)\nDN = $DIRNAME(P)\n"
	    "LOOP = $(LOOP2)\nLOOP2 = $(LOOP)\n"
	    "RC = $RANDOM_CHOICE(xx, yy)\nRL = $RANDOM_CHOICE(L)\n"
	    "RI = $RANDOM_INTEGER(5, 5)\nEV = $ENV(NO_SUCH_VAR_X:dflt)\n"
	    "OPEN = $(X $(Y\n", err, sizeof(err));
	if (!tap_ok(cf != NULL, "load the lookup configuration")) {
		tap_diag("%s", err);
		return;
	}
	config_free(cf);
	cf = config_load("HTTP_API", "LOC", err, sizeof(err));
	if (!tap_ok(cf != NULL, "load with a local name"))
		return;
	tap_ok((v = config_value(cf, "X")) && strcmp(v, "local") == 0,
	    "LOCALNAME.X beats SUBSYS.X");
	tap_ok((v = config_value(cf, "Y")) && strcmp(v, "sub") == 0,
	    "SUBSYS.X beats X");
	expect(cf, "Z", "both");	/* SUBSYS.LOCALNAME.X wins */
	expect(cf, "W", "plain");	/* not another subsystem's */
	expect(cf, "I", "007");
	expect(cf, "R", "7");
	expect(cf, "RF", "7.00");
	expect(cf, "E", "7");
	expect(cf, "S", "a/b");
	expect(cf, "S2", "r.gz");
	expect(cf, "FN", "file.tar");
	expect(cf, "FX", ".gz");
	expect(cf, "FP", "/a/b/");
	expect(cf, "FNX", "file.tar.gz");
	expect(cf, "FQ", "\"/a/b/file.tar.gz\"");
	expect(cf, "FD", "b");
	expect(cf, "C", "green");
	expect(cf, "CL", "c");
	expect(cf, "ST", "quoted");
	expect(cf, "D", "$(X)");
	expect(cf, "BN", "file.tar.gz");
	expect(cf, "DN", "/a/b/");
	tap_ok(config_value(cf, "LOOP") == NULL, "a reference cycle fails");
	v = config_value(cf, "RC");
	tap_ok(v != NULL && (strcmp(v, "xx") == 0 || strcmp(v, "yy") == 0),
	    "$RANDOM_CHOICE of a list (got %s)", v ? v : "(null)");
	v = config_value(cf, "RL");
	tap_ok(v != NULL && (strcmp(v, "a") == 0 || strcmp(v, "b") == 0 ||
	    strcmp(v, "c") == 0), "$RANDOM_CHOICE of a named list (got %s)",
	    v ? v : "(null)");
	expect(cf, "RI", "5");
	expect(cf, "EV", "dflt");
	expect(cf, "OPEN", "$(X $(Y");
	config_free(cf);
}

int
main(void)
{
	char	 cmd[128];

	conformance();
	snprintf(scratch, sizeof(scratch), "/tmp/test_config.XXXXXX");
	if (mkdtemp(scratch) == NULL) {
		tap_ok(0, "make a scratch folder");
		return tap_done();
	}
	getters();
	errors();
	lookups();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", scratch);
	return tap_done();
}
