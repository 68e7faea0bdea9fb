/*
 * log.c — request and error logging.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "util/buf.h"
#include "util/log.h"
#include "util/utc.h"

static int use_syslog;

void
log_init(void)
{
	struct stat st;

	if (fstat(2, &st) == -1 || S_ISSOCK(st.st_mode)) {
		use_syslog = 1;
		openlog("htcondor-api", LOG_PID, LOG_DAEMON);
	}
}

/* Copy S into B with control bytes, blanks and non-ASCII replaced, so a
 * crafted path cannot forge or split log lines. */
static void
add_clean(struct buf *b, const char *s)
{
	if (s == NULL || *s == '\0') {
		buf_addc(b, '-');
		return;
	}
	for (; *s != '\0'; s++)
		buf_addc(b, (unsigned char)*s > 0x20 &&
		    (unsigned char)*s < 0x7f ? *s : '?');
}

static void
emit(const char *line)
{
	if (use_syslog)
		syslog(LOG_INFO, "%s", line);
	else
		fprintf(stderr, "%s\n", line);
}

void
log_request(const char *remote, const char *method, const char *path,
    int status, long long bytes, long long ms, const char *user)
{
	struct buf	 b = BUF_INIT;
	time_t		 now = time(NULL);
	struct tm	 tm;

	utc_break(now, &tm);
	buf_addf(&b, "%04d-%02d-%02dT%02d:%02d:%02dZ ", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	add_clean(&b, remote);
	buf_addc(&b, ' ');
	add_clean(&b, method);
	buf_addc(&b, ' ');
	add_clean(&b, path);
	buf_addf(&b, " %d %lld %lldms ", status, bytes, ms);
	add_clean(&b, user);
	emit(buf_str(&b));
	buf_free(&b);
}

void
log_msg(const char *fmt, ...)
{
	struct buf	b = BUF_INIT;
	va_list		ap;

	buf_adds(&b, "htcondor-api: ");
	va_start(ap, fmt);
	buf_vaddf(&b, fmt, ap);
	va_end(ap);
	emit(buf_str(&b));
	buf_free(&b);
}
