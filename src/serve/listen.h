/*
 * listen.h — the --listen convenience server: an accept loop that gives
 * each connection a fresh forked process running serve_one().
 */
#ifndef LISTEN_H
#define LISTEN_H

#include <stddef.h>

struct settings;
struct tls;

/* Serve on ADDR ("[host]:port", "host:port" or ":port") until SIGTERM,
 * SIGINT or SIGHUP, then wait for the children.  TLS is the configured
 * server context or NULL.  Returns the exit status. */
int	listen_main(const char *addr, const struct settings *set,
	    struct tls *tls);

/* The two halves of listen_main, for a caller that must know the port is
 * its own before it goes on (the demo mode binds, then starts a schedd,
 * then serves).  listen_bind returns the listening socket, or -1 with
 * ERR; listen_serve takes it over and closes it. */
int	listen_bind(const char *addr, char *err, size_t errlen);
int	listen_serve(int lfd, const char *addr, const struct settings *set,
	    struct tls *tls);

#endif
