/*
 * server.h — the schedd's side of the CEDAR security handshake
 * (DC_AUTHENTICATE with TOKEN verification, ECDH, AES-GCM), for the
 * programs that answer our client: the demo schedd (src/demo/), the test
 * schedd, the unit tests and the fuzzer.  The API itself is only ever a
 * client and does not use it.
 */
#ifndef CEDAR_SERVER_H
#define CEDAR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "cedar/cedar.h"

/* What the server side checks a client against. */
struct cedar_server_conf {
	const unsigned char *signing_key; /* HKDF input: POOL key doubled */
	size_t		 signing_key_len;
	const char	*key_id;	/* the kid it answers to, e.g. "POOL" */
	const char	*trust_domain;	/* e.g. "htcondor-ref.local" */
	const char	*version;	/* our RemoteVersion; NULL = ours */
	const int	*commands;	/* known commands; NULL = any */
	size_t		 ncommands;
	int		 require_auth;	/* as for WRITE / force-auth commands */
	int64_t		 now;		/* for exp; 0 = time(NULL) */
	/* Whether USER (NULL = unauthenticated) may run COMMAND: 1 yes. */
	int		(*authorize)(void *arg, int command, const char *user);
	void		*arg;
};

/* What the handshake established; strings are malloc'ed. */
struct cedar_server_result {
	int		 command;
	char		*user;		/* the token's sub, or NULL */
	char		*peer_version;
};

/* Play the schedd's side of the DC_AUTHENTICATE handshake on a CEDAR_SERVER
 * stream: read the policy ad, answer, run TOKEN (as the server), switch on
 * AES-GCM and send the post-authentication ad.  On failure the caller
 * closes the connection, which is what the schedd does
 * (tests/conformance/cedar/client-error-auth-*). */
enum cedar_err	 cedar_server_handshake(struct cedar_stream *s,
		    const struct cedar_server_conf *conf,
		    struct cedar_server_result *res);
/* Free RES's strings and zero it (safe on a zeroed or NULL result). */
void		 cedar_server_result_clear(struct cedar_server_result *res);

#endif
