/*
 * server.h — serve one request on an established connection: the single
 * code path behind every way of running (inetd, systemd, tcpserver,
 * --listen children and CGI).
 */
#ifndef SERVER_H
#define SERVER_H

struct conn;
struct settings;

#include <stddef.h>

/* Read one request from C (or, when CGI is set, from the environment),
 * route it, answer it, log it and close C.  REMOTE names the peer for the
 * log; PEER is the connection's own peer address (REMOTE_ADDR in CGI),
 * or NULL when there is none, and is what a trusted-proxy check sees.
 * Returns 0 when an answer was sent in full, 1 when not. */
int	serve_one(struct conn *c, int cgi, const struct settings *set,
	    const char *remote, const char *peer);

/* The numeric address of the peer of socket FD into OUT.  0, or -1 when
 * FD is no connected socket (a pipe, a terminal). */
int	serve_socket_peer(int fd, char *out, size_t outlen);

#endif
