/*
 * utc.h — calendar fields of a time in UTC, computed arithmetically:
 * glibc's gmtime_r() reads the time zone database on first use, which is
 * a file open on every request of a process that lives for one request.
 */
#ifndef UTC_H
#define UTC_H

#include <time.h>

/* Fill TM's year, month, day, hour, minute, second and weekday for T. */
void	utc_break(time_t t, struct tm *tm);

#endif
