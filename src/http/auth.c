/*
 * auth.c — bearer token extraction and wiping.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/auth.h"
#include "http/http.h"

const char auth_challenge[] = "WWW-Authenticate: Bearer realm=\"htcondor-api\"\r\n";

/* RFC 6750 b64token: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" /
 * "/" ) *"=". */
static int
valid_b64token(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (strchr("-._~+/", s[i]) != NULL ||
	    (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
	    (s[i] >= '0' && s[i] <= '9')) && s[i] != '\0')
		i++;
	if (i == 0)
		return 0;
	while (i < n && s[i] == '=')
		i++;
	return i == n;
}

int
auth_bearer(struct http_request *req, struct auth_token *t, char *msg,
    size_t msglen)
{
	const char	*v = http_header(req, "Authorization");
	size_t		 n;
	int		 rc = 401;

	t->len = 0;
	t->text[0] = '\0';
	if (v == NULL) {
		snprintf(msg, msglen, "a bearer token is required "
		    "(Authorization: Bearer <IDTOKEN>)");
		return 401;
	}
	if (strncasecmp(v, "Bearer ", 7) != 0) {
		snprintf(msg, msglen, "the Authorization header must use the "
		    "Bearer scheme");
		return 401;
	}
	for (v += 7; *v == ' '; v++)
		;
	n = strlen(v);
	if (n == 0 || n > AUTH_MAX_TOKEN || !valid_b64token(v, n))
		snprintf(msg, msglen, "malformed bearer token");
	else {
		memcpy(t->text, v, n + 1);
		t->len = n;
		rc = 0;
	}
	/* The one copy is T: wipe the header's bytes in the request. */
	http_header_wipe(req, "Authorization");
	return rc;
}

void
auth_wipe(struct auth_token *t)
{
	explicit_bzero(t, sizeof(*t));
}
