/*
 * identity.c — the caller named by a trusted front end instead of a
 * bearer token: the HTTP_API_USER_HEADER field from a peer listed in
 * HTTP_API_USER_HEADER_TRUSTED_PROXIES, or CGI's REMOTE_USER when
 * HTTP_API_CGI_REMOTE_USER is true.  The name is checked, made
 * user@UID_DOMAIN, and a short-lived token is minted for it into the
 * same auth_token a bearer token goes into, so it is wiped in the same
 * one place (api_call_end_token).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api.h"
#include "api/handler.h"
#include "http/http.h"
#include "util/log.h"
#include "util/netaddr.h"
#include "config/settings.h"
#include "schedd/schedd.h"

/* The characters of a user name, and of a domain (which adds nothing:
 * the dot is already one of them). */
#define USER_NAME_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789._-"

/* May PEER name the user with the user header?  Only a listed proxy, or
 * in the demo mode only a loopback peer, even one listening elsewhere with
 * proxies configured; no peer at all (a pipe) never. */
static int
peer_trusted(const struct settings *s, const char *peer)
{
	if (peer == NULL)
		return 0;
	if (s->demo)
		return netaddr_is_loopback(peer);
	return netblock_match(s->trusted_proxies, s->ntrusted_proxies, peer);
}

/* How many fields of REQ are named NAME. */
static size_t
field_count(const struct http_request *req, const char *name)
{
	size_t	i, n = 0;

	for (i = 0; i < req->nfields; i++)
		if (strcasecmp(req->fields[i].name, name) == 0)
			n++;
	return n;
}

/* Does the web server name the user: HTTP_API_CGI_REMOTE_USER is true and
 * it set a REMOTE_USER (CGI only: no other mode has one)? */
static int
remote_user_named(const struct api_ctx *ctx)
{
	return ctx->set->cgi_remote_user && ctx->remote_user != NULL &&
	    *ctx->remote_user != '\0';
}

int
api_web_server_credentials(struct api_ctx *ctx)
{
	const char *v = http_header(&ctx->x->req, "Authorization");

	if (v == NULL || !remote_user_named(ctx) ||
	    (strncasecmp(v, "Bearer", 6) == 0 && (v[6] == ' ' ||
	    v[6] == '\0')))
		return 0;
	/* The one copy of the password that is ours: wipe it. */
	http_header_wipe(&ctx->x->req, "Authorization");
	return 1;
}

/* The user a front end names for this request into *NAME (NULL when
 * none): REMOTE_USER when enabled (the web server authenticated it), else
 * the user header from a trusted peer.  An untrusted peer's header is
 * ignored.  Two user headers are 400: a proxy that appends its own to
 * the client's instead of replacing it would otherwise let the client's
 * count.  0, or 400 with ctx->msg. */
static int
front_end_user(struct api_ctx *ctx, const char **name)
{
	const struct settings *s = ctx->set;

	*name = NULL;
	if (remote_user_named(ctx)) {
		*name = ctx->remote_user;
		return 0;
	}
	if (s->user_header == NULL || !peer_trusted(s, ctx->peer))
		return 0;
	if (field_count(&ctx->x->req, s->user_header) > 1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "more than one %s field",
		    s->user_header);
		return 400;
	}
	*name = http_header(&ctx->x->req, s->user_header);
	return 0;
}

/* Is S[0..N) 1 to MAX bytes of user-name characters? */
static int
valid_name_part(const char *s, size_t n, size_t max)
{
	return n > 0 && n <= max && strspn(s, USER_NAME_CHARS) >= n;
}

/* NAME checked and made the token's subject in SUB: "name" becomes
 * name@UID_DOMAIN; "name@domain" is kept only when
 * HTTP_API_USER_DOMAIN_FROM_HEADER allows it.  0, or 400 (500 without a
 * UID_DOMAIN) with ctx->msg. */
static int
subject_of(struct api_ctx *ctx, const char *name, char *sub, size_t sublen)
{
	const struct settings	*s = ctx->set;
	const char		*at = strchr(name, '@');
	size_t			 n = at ? (size_t)(at - name) : strlen(name);

	if (at != NULL && !s->user_domain_from_header) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the front end's user "
		    "name may not name a domain "
		    "(HTTP_API_USER_DOMAIN_FROM_HEADER is false)");
		return 400;
	}
	if (!valid_name_part(name, n, USER_NAME_MAX) || (at != NULL &&
	    !valid_name_part(at + 1, strlen(at + 1), USER_DOMAIN_MAX))) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the front end's user "
		    "name must be 1 to %d letters, digits, '.', '_' or '-'%s",
		    USER_NAME_MAX, s->user_domain_from_header ?
		    ", with an optional @domain of the same" : "");
		return 400;
	}
	if (at == NULL && (s->uid_domain == NULL || *s->uid_domain == '\0')) {
		snprintf(ctx->msg, sizeof(ctx->msg), "UID_DOMAIN is not set");
		return 500;
	}
	if (at != NULL)
		snprintf(sub, sublen, "%s", name);
	else
		snprintf(sub, sublen, "%.*s@%s", (int)n, name, s->uid_domain);
	return 0;
}

int
api_front_end_token(struct api_ctx *ctx, struct auth_token *t)
{
	const struct settings	*s = ctx->set;
	struct mint_request	 m;
	const char		*name;
	char			 sub[USER_NAME_MAX + USER_DOMAIN_MAX + 2];
	char			 err[256];
	int			 rc;

	if ((rc = front_end_user(ctx, &name)) != 0)
		return rc;
	if (name == NULL)
		return -1;
	if ((rc = subject_of(ctx, name, sub, sizeof(sub))) != 0)
		return rc;
	memset(&m, 0, sizeof(m));
	m.keyfile = s->signing_key;
	m.kid = s->signing_key_id;
	m.iss = s->trust_domain != NULL ? s->trust_domain : s->uid_domain;
	m.sub = sub;
	m.iat = (int64_t)time(NULL);
	m.session_secret = t->secret;
	if (m.iss == NULL || schedd_mint_token(&m, t->text, sizeof(t->text),
	    err, sizeof(err)) == -1) {
		log_msg("cannot mint a token for %s: %s", sub, m.iss == NULL ?
		    "TRUST_DOMAIN is not set" : err);
		auth_wipe(t);
		snprintf(ctx->msg, sizeof(ctx->msg), "cannot mint a token "
		    "for the front end's user");
		return 500;
	}
	t->len = strlen(t->text);
	t->has_secret = 1;
	return 0;
}
