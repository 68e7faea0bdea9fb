/*
 * server.h — serve one request on an established connection: the single
 * code path behind every way of running (inetd, systemd, tcpserver,
 * --listen children and CGI).
 */
#ifndef SERVER_H
#define SERVER_H

struct conn;
struct settings;

/* Read one request from C (or, when CGI is set, from the environment),
 * route it, answer it, log it and close C.  REMOTE names the peer for the
 * log.  Returns 0 when an answer was sent in full, 1 when not. */
int	serve_one(struct conn *c, int cgi, const struct settings *set,
	    const char *remote);

#endif
