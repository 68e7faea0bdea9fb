/*
 * server.h — the schedd's side of the CEDAR security handshake
 * (DC_AUTHENTICATE with TOKEN verification, ECDH, AES-GCM, and the
 * resumption of a cached session), for the programs that answer our
 * client: the demo schedd (src/demo/), the test schedd, the unit tests
 * and the fuzzer.  The API itself is only ever a client and does not use
 * it.
 */
#ifndef CEDAR_SERVER_H
#define CEDAR_SERVER_H

#include <stddef.h>
#include <stdint.h>

#include "cedar/cedar.h"

/* A security session as a server keeps it between connections, so that
 * a later connection (from another process) may resume it with one round
 * trip (cedar-protocol.md §5.9).  Times are seconds since the epoch. */
struct cedar_server_session {
	char		 sid[CEDAR_SID_MAX];	/* "host:pid:time:n" */
	char		 user[CEDAR_NAME_MAX];	/* "" when unauthenticated */
	unsigned char	 key[CEDAR_KEY_LEN];	/* the AES-GCM session key */
	int64_t		 expires;	/* SessionDuration + slop after start */
	int64_t		 lease;		/* idle seconds allowed (with slop),
					 * 0 = no lease */
	int64_t		 last_used;	/* start, or the last resumption */
};

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
	int64_t		 now;		/* for exp and sessions; 0 = time(NULL) */
	/* Whether USER (NULL = unauthenticated) may run COMMAND: 1 yes. */
	int		(*authorize)(void *arg, int command, const char *user);
	void		*arg;
	/* The server's SessionDuration and SessionLease (seconds; 0 = 60
	 * and 3600, a 25.14 schedd's for READ); a new session gets the
	 * smaller of the client's and these.  SLOP is added to both when a
	 * session is kept, as SEC_SESSION_DURATION_SLOP (0 = 20, negative
	 * = none). */
	int		 session_duration;
	int		 session_lease;
	int		 session_slop;
	/* Keep a new session (called once the command is authorized);
	 * 0, or -1 when it could not be kept (the connection goes on).
	 * NULL: sessions are not kept and every resumption is refused. */
	int		(*session_store)(void *arg,
			    const struct cedar_server_session *sess);
	/* Find session SID into OUT: 0, or -1 when it is not known.  The
	 * handshake itself refuses an expired one, and renews the lease of
	 * one it resumes through session_store. */
	int		(*session_lookup)(void *arg, const char *sid,
			    struct cedar_server_session *out);
	void		*session_arg;
};

/* What the handshake established; strings are malloc'ed. */
struct cedar_server_result {
	int		 command;
	char		*user;		/* the token's sub, or NULL */
	char		*peer_version;
	int		 resumed;	/* 1: a kept session was resumed */
	int64_t		 duration;	/* a new session's negotiated */
	int64_t		 lease;		/* SessionDuration and SessionLease */
	struct cedar_server_session session;	/* new or resumed; its key
						 * is wiped by clear */
};

/* Play the schedd's side of the DC_AUTHENTICATE handshake on a CEDAR_SERVER
 * stream.  A new session: read the policy ad, answer, run TOKEN (as the
 * server), switch on AES-GCM, send the post-authentication ad with a
 * fresh Sid, and keep the session (conf->session_store).  A resumption
 * (UseSession = "YES"): an unknown or expired Sid is answered
 * { ReturnCode = "SID_NOT_FOUND" } and fails with CEDAR_ERR_NO_SESSION;
 * a known one is answered { Nonce, ReturnCode = "AUTHORIZED",
 * RemoteVersion } and AES-GCM starts with its key, without
 * authentication or post-authentication ad, the command authorized
 * afresh.  A client holding a wrong key then fails the first read of the
 * command (the stream's error).  On any failure the caller closes the
 * connection, which is what the schedd does
 * (tests/conformance/cedar/client-error-auth-*, §13 rows 22-23). */
enum cedar_err	 cedar_server_handshake(struct cedar_stream *s,
		    const struct cedar_server_conf *conf,
		    struct cedar_server_result *res);
/* Free RES's strings, wipe its key and zero it (safe on a zeroed or NULL
 * result). */
void		 cedar_server_result_clear(struct cedar_server_result *res);

/* ---- a session store shared by forked processes (session_dir.c) ---- */

/* The sessions of one server as files in a private directory: one file
 * per Sid (mode 0600, written to a temporary name and renamed into
 * place), so every connection's process sees the sessions the others
 * made. */
struct cedar_session_dir {
	char		 path[4096];
};
/* Make PATH (mode 0700) if it does not exist, and refuse one that is not
 * a directory, not ours, or that others may read or write; fill D.  0,
 * or -1 with ERR. */
int		 cedar_session_dir_init(struct cedar_session_dir *d,
		    const char *path, char *err, size_t errlen);
/* session_store and session_lookup for cedar_server_conf, with a
 * struct cedar_session_dir as the argument.  Storing a new session also
 * removes the files of sessions that can no longer be resumed. */
int		 cedar_session_dir_store(void *d,
		    const struct cedar_server_session *sess);
int		 cedar_session_dir_lookup(void *d, const char *sid,
		    struct cedar_server_session *out);
/* Whether SESS may still be resumed at NOW: before its expiry and, with
 * a lease, within LEASE seconds of its last use. */
int		 cedar_server_session_alive(
		    const struct cedar_server_session *sess, int64_t now);

#endif
