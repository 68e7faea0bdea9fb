/*
 * log.h — one line per request, and startup messages.  Lines go to
 * stderr (journald, tcpserver, CGI servers collect it) unless stderr is a
 * socket, as under xinetd, where it would be the client's connection:
 * then to syslog.  Nothing logged ever contains a token or a query string.
 */
#ifndef LOG_H
#define LOG_H

/* Decide where lines go; call once at startup. */
void	log_init(void);

/* The request line: remote address, method, path, status, body bytes,
 * duration in ms and the authenticated user (or "-"). */
void	log_request(const char *remote, const char *method, const char *path,
	    int status, long long bytes, long long ms, const char *user);

/* A free-form message: "htcondor-api: ...", sanitised as the request
 * line is (control bytes, DEL and non-ASCII as '?'), so text it quotes
 * cannot forge or split lines. */
void	log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
