/*
 * cgi.c — a request from the CGI environment.
 *
 * The web server has parsed and framed the request: we take the method,
 * PATH_INFO (already decoded by the server), QUERY_STRING, CONTENT_LENGTH
 * and the HTTP_* variables, and copy them into the exchange's input
 * buffer so the rest of the program sees an ordinary request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/cgi.h"
#include "http/http.h"

extern char **environ;

/* Copy S into X's input buffer; NULL when it does not fit. */
static char *
stash(struct http_exchange *x, const char *s)
{
	size_t	 n = strlen(s) + 1;
	char	*p;

	if (n > sizeof(x->in) - x->inlen)
		return NULL;
	p = x->in + x->inlen;
	memcpy(p, s, n);
	x->inlen += n;
	return p;
}

/* Add header NAME: VALUE, NAME made from an HTTP_FOO_BAR variable. */
static int
add_field(struct http_exchange *x, const char *var, const char *value)
{
	struct http_request	*req = &x->req;
	char			 name[256], *n, *v;
	size_t			 i;

	for (i = 0; var[i] != '\0' && i + 1 < sizeof(name); i++)
		name[i] = var[i] == '_' ? '-' : var[i];
	name[i] = '\0';
	if (req->nfields == HTTP_MAX_HEADER_FIELDS ||
	    (n = stash(x, name)) == NULL || (v = stash(x, value)) == NULL)
		return 431;
	req->fields[req->nfields].name = n;
	req->fields[req->nfields].value = v;
	req->nfields++;
	return 0;
}

int
cgi_read_request(struct http_exchange *x, char *err, size_t errlen)
{
	struct http_request	*req = &x->req;
	const char		*m, *path, *proto, *cl, *ct;
	char			**e, *eq, var[256];
	size_t			 n;
	int			 rc;

	memset(req, 0, offsetof(struct http_request, pathbuf));
	req->content_length = -1;
	m = getenv("REQUEST_METHOD");
	path = getenv("PATH_INFO");
	proto = getenv("SERVER_PROTOCOL");
	if (m == NULL || *m == '\0' || strlen(m) > 32) {
		snprintf(err, errlen, "CGI: no REQUEST_METHOD");
		return 400;
	}
	if ((req->method = stash(x, m)) == NULL)
		return 431;
	req->minor = proto != NULL && strcmp(proto, "HTTP/1.0") == 0 ? 0 : 1;
	if (path == NULL || *path == '\0')
		path = "/";
	if ((n = strlen(path)) >= sizeof(req->pathbuf) || *path != '/') {
		snprintf(err, errlen, "CGI: bad PATH_INFO");
		return n >= sizeof(req->pathbuf) ? 414 : 400;
	}
	/* PATH_INFO is decoded already; refuse dot segments and control
	 * bytes all the same, and keep '%' literal. */
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)path[i] < 0x20 || path[i] == 0x7f) {
			snprintf(err, errlen, "control byte in path");
			return 400;
		}
	memcpy(req->pathbuf, path, n + 1);
	if (strstr(path, "/../") != NULL || strstr(path, "/./") != NULL ||
	    (n >= 3 && strcmp(path + n - 3, "/..") == 0) ||
	    (n >= 2 && strcmp(path + n - 2, "/.") == 0)) {
		snprintf(err, errlen, "dot segment in path");
		return 400;
	}
	req->path = req->pathbuf;
	req->target = req->path;
	if ((m = getenv("QUERY_STRING")) != NULL && *m != '\0' &&
	    (req->query = stash(x, m)) == NULL)
		return 414;
	if ((cl = getenv("CONTENT_LENGTH")) != NULL && *cl != '\0') {
		char *end;

		req->content_length = strtoll(cl, &end, 10);
		if (*end != '\0' || req->content_length < 0 ||
		    strspn(cl, "0123456789") != strlen(cl)) {
			snprintf(err, errlen, "CGI: bad CONTENT_LENGTH");
			return 400;
		}
	}
	if ((ct = getenv("CONTENT_TYPE")) != NULL && *ct != '\0' &&
	    (rc = add_field(x, "CONTENT_TYPE", ct)) != 0)
		return rc;
	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "HTTP_", 5) != 0 ||
		    (eq = strchr(*e, '=')) == NULL ||
		    (size_t)(eq - *e - 5) >= sizeof(var))
			continue;
		memcpy(var, *e + 5, (size_t)(eq - *e - 5));
		var[eq - *e - 5] = '\0';
		if ((rc = add_field(x, var, eq + 1)) != 0) {
			snprintf(err, errlen, "too many header fields");
			return rc;
		}
		/* The credentials now live in the request, which wipes
		 * them after use; the environment's copy would outlive
		 * that (and shows in /proc/PID/environ): wipe it now. */
		if (strcmp(var, "AUTHORIZATION") == 0)
			explicit_bzero(eq + 1, strlen(eq + 1));
	}
	x->headlen = x->inpos = x->inlen;
	return 0;
}
