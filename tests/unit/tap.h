/*
 * tap.h — the smallest TAP producer the unit tests need.  Each check prints
 * "ok N - what" or "not ok N - what"; tests/run.sh counts those lines, so a
 * unit test and a bats test are counted the same way.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static int tap_count, tap_failed;

/* Report one check; returns the condition so callers can chain on it. */
static inline int __attribute__((format(printf, 2, 3)))
tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_count++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_count);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

/* Print a diagnostic line that TAP consumers ignore. */
static inline void __attribute__((format(printf, 1, 2)))
tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* The conformance folder: HTCONDOR_API_CONFORMANCE, else the repository's
 * own copy, tests/conformance, made absolute from the repository root
 * (tests run from there; some chdir into a case folder) and exported so
 * child processes see the same.  A missing folder is a failed check,
 * never a silent skip. */
static inline const char *
tap_conformance_dir(void)
{
	const char	*d = getenv("HTCONDOR_API_CONFORMANCE");
	char		*abs;

	if (d != NULL && *d != '\0')
		return d;
	if ((abs = realpath("tests/conformance", NULL)) == NULL)
		return "tests/conformance";
	setenv("HTCONDOR_API_CONFORMANCE", abs, 1);
	free(abs);
	return getenv("HTCONDOR_API_CONFORMANCE");
}

/* Finish: print the plan and return the exit status for main(). */
static inline int
tap_done(void)
{
	printf("1..%d\n", tap_count);
	return tap_failed ? 1 : 0;
}

#endif
