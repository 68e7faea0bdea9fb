/*
 * demo.h — the demo schedd: a small schedd of our own, for a machine
 * without HTCondor.  It answers the API's real client code path over
 * loopback CEDAR (the handshake of cedar/server.h: TOKEN signatures
 * checked against the pool signing key), keeps its queue, history and
 * job sandboxes in a state directory, and runs vanilla-universe jobs as
 * local processes of the user running it.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stddef.h>

struct demo_conf {
	const char	*state_dir;	/* queue, history, spools; must exist */
	const char	*address_file;	/* "<127.0.0.1:PORT>", as a schedd */
	const char	*key_file;	/* pool signing key (HTCondor format) */
	const char	*trust_domain;	/* what the handshake names */
	int		 port;		/* loopback port; 0 = ephemeral */
	int		 num_cpus;	/* jobs run at once; 0 = online cores */
};

/* Listen, write the address file, and serve until SIGTERM or SIGINT;
 * then end the connection processes and the running jobs (SIGTERM, and
 * SIGKILL for what is left after DEMO_STOP_GRACE_MS), reap them, remove
 * the address file and return 0.  -1 with ERR when it cannot start. */
int	 demo_schedd_run(const struct demo_conf *conf, char *err,
	    size_t errlen);

#endif
