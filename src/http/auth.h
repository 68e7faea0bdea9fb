/*
 * auth.h — the caller's credential: a bearer token taken only from the
 * Authorization header, kept in one buffer, wiped as soon as the schedd
 * handshake is done.  The token is passed to the schedd as an HTCondor
 * IDTOKEN; its signature is the schedd's to check.
 */
#ifndef AUTH_H
#define AUTH_H

#include <stddef.h>

#include "util/bounds.h"

struct http_request;

struct auth_token {
	char		text[AUTH_MAX_TOKEN + 1];
	size_t		len;
	/* A token minted for a front end's user: the secret that names
	 * the user's cached sessions (the schedd client's). */
	unsigned char	secret[32];
	int		has_secret;
};

/* Take the bearer token of REQ into T and wipe it from the request, so T
 * is its only copy.  Returns 0, or 401 with MSG when the header is
 * missing, not "Bearer", or not token68 syntax. */
int	auth_bearer(struct http_request *req, struct auth_token *t,
	    char *msg, size_t msglen);

/* The WWW-Authenticate header line that goes with every 401. */
extern const char auth_challenge[];

/* Wipe T (explicit_bzero). */
void	auth_wipe(struct auth_token *t);

#endif
