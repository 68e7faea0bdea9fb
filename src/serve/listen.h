/*
 * listen.h — the --listen convenience server: an accept loop that gives
 * each connection a fresh forked process running serve_one().
 */
#ifndef LISTEN_H
#define LISTEN_H

struct settings;
struct tls;

/* Serve on ADDR ("[host]:port", "host:port" or ":port") until SIGTERM,
 * SIGINT or SIGHUP, then wait for the children.  TLS is the configured
 * server context or NULL.  Returns the exit status. */
int	listen_main(const char *addr, const struct settings *set,
	    struct tls *tls);

#endif
