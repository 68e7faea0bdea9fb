/*
 * server.c — one request, start to finish.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "serve/cgi.h"
#include "http/conn.h"
#include "http/http.h"
#include "util/log.h"
#include "api/route.h"
#include "serve/server.h"
#include "config/settings.h"

/* Route the parsed request and run its handler.  Returns 0 when the
 * handler answered, else a status for the error body in CTX. */
static int
dispatch(struct api_ctx *ctx)
{
	route_handler	h;
	static char	allow_hdr[160];
	char		allow[128];
	int		rc;

	rc = route_match(ctx->x->req.method, ctx->x->req.path, ctx, &h,
	    allow, sizeof(allow));
	if (rc == 404) {
		snprintf(ctx->msg, sizeof(ctx->msg), "no such resource");
		return 404;
	}
	if (rc == 405) {
		snprintf(ctx->msg, sizeof(ctx->msg), "this resource allows "
		    "%s", allow);
		snprintf(allow_hdr, sizeof(allow_hdr), "Allow: %s\r\n", allow);
		ctx->extra = allow_hdr;
		return 405;
	}
	if (rc != 0)
		return rc;
	return h(ctx);
}

int
serve_socket_peer(int fd, char *out, size_t outlen)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof(ss);

	if (getpeername(fd, (struct sockaddr *)&ss, &len) == -1 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6) ||
	    getnameinfo((struct sockaddr *)&ss, len, out, outlen, NULL, 0,
	    NI_NUMERICHOST) != 0)
		return -1;
	return 0;
}

int
serve_one(struct conn *c, int cgi, const struct settings *set,
    const char *remote, const char *peer)
{
	struct http_exchange	*x;
	struct api_ctx		 ctx;
	long long		 start = conn_now_ms();
	int			 rc, ok;

	/* A CGI server may send SIGTERM as soon as it has read a complete
	 * answer (lighttpd does), which would lose the log line: hold it
	 * until we are done.  Our own deadlines bound how long that is. */
	if (cgi) {
		sigset_t term;

		sigemptyset(&term);
		sigaddset(&term, SIGTERM);
		sigprocmask(SIG_BLOCK, &term, NULL);
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_msg("out of memory");
		return 1;
	}
	x->conn = c;
	conn_set_min_rate(c, set->min_body_rate, set->read_timeout);
	x->form = cgi ? HTTP_CGI : HTTP_DIRECT;
	x->max_body = set->max_body;
	memset(&ctx, 0, sizeof(ctx));
	ctx.x = x;
	ctx.set = set;
	ctx.peer = peer;
	if (cgi)
		ctx.remote_user = getenv("REMOTE_USER");
	rc = cgi ? cgi_read_request(x, ctx.msg, sizeof(ctx.msg)) :
	    http_read_request(x, ctx.msg, sizeof(ctx.msg));
	if (rc == -1) {
		/* The client sent nothing: no answer is due. */
		conn_close(c);
		free(x);
		return 1;
	}
	if (rc == 0) {
		/* HEAD runs the GET handler (route.c), and no answer to
		 * HEAD has a body (RFC 9110 9.3.2). */
		x->no_body = strcmp(x->req.method, "HEAD") == 0;
		rc = dispatch(&ctx);
	}
	if (rc != 0 && x->status == 0)
		http_error(x, rc, ctx.extra, "%s", ctx.msg);
	else if (rc != 0)
		http_stream_abort(x);
	conn_flush(c);
	ok = !c->broken;
	log_request(remote, x->req.method, x->req.path, x->status ? x->status :
	    rc, x->body_sent, conn_now_ms() - start, ctx.user[0] ?
	    ctx.user : NULL);
	conn_close(c);
	explicit_bzero(x->in, sizeof(x->in));
	free(x);
	return ok ? 0 : 1;
}
