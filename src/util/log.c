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

/* Copy S into B with every byte that could forge or split a log line
 * replaced by '?': control bytes (CR, LF, ESC...), DEL, and non-ASCII,
 * which a terminal or log viewer may take for controls; spaces too unless
 * KEEP_SPACES, so that a field of the request line stays one word.  The
 * one sanitiser of everything logged. */
static void
add_clean(struct buf *b, const char *s, int keep_spaces)
{
	unsigned char c;

	for (; *s != '\0'; s++) {
		c = (unsigned char)*s;
		buf_addc(b, (c > 0x20 && c < 0x7f) || (c == ' ' &&
		    keep_spaces) ? (char)c : '?');
	}
}

/* One field of the request line: sanitised, "-" when absent. */
static void
add_field(struct buf *b, const char *s)
{
	if (s == NULL || *s == '\0')
		buf_addc(b, '-');
	else
		add_clean(b, s, 0);
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
	add_field(&b, remote);
	buf_addc(&b, ' ');
	add_field(&b, method);
	buf_addc(&b, ' ');
	add_field(&b, path);
	buf_addf(&b, " %d %lld %lldms ", status, bytes, ms);
	add_field(&b, user);
	emit(buf_str(&b));
	buf_free(&b);
}

void
log_msg(const char *fmt, ...)
{
	struct buf	b = BUF_INIT, msg = BUF_INIT;
	va_list		ap;

	va_start(ap, fmt);
	buf_vaddf(&msg, fmt, ap);
	va_end(ap);
	buf_adds(&b, "htcondor-api: ");
	add_clean(&b, buf_str(&msg), 1);
	emit(buf_str(&b));
	buf_free(&msg);
	buf_free(&b);
}
