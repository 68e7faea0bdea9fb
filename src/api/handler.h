/*
 * handler.h — what the API handlers share: credentials and the schedd
 * connection with their error headers, query-parameter validation
 * (constraint, projection, numbers, page tokens), and ending a stream.
 */
#ifndef API_HANDLER_H
#define API_HANDLER_H

#include <stddef.h>

#include "util/bounds.h"
#include "http/auth.h"
#include "schedd/schedd.h"

struct api_ctx;
struct buf;
struct job_id;
struct schedd;

#define API_RETRY_AFTER		"Retry-After: 5\r\n"

/* One request's way to the schedd: authenticate the caller, read the
 * body, open the connections, and wipe the token.  The token lives here
 * from api_call_begin until the last connection is open (api_call_open
 * with API_LAST) or api_call_end, whichever comes first: those are the
 * only places it is wiped. */
struct cJSON;

struct api_call {
	struct auth_token	 token;
	struct cJSON		*body;		/* NULL unless read */
	int			 held;		/* the token is not wiped yet */
};

/* The body a route reads.  JSON is parsed whatever the Content-Type,
 * as the reference server did (`curl -d` labels it form data).  A route
 * whose type chooses the parser (a tar upload, a multipart form) gets
 * its own kind here, and api_call_begin checks the type (415). */
enum api_body {
	API_BODY_NONE,			/* GET: the body is not read */
	API_BODY_JSON_OPTIONAL,		/* empty means {} */
	API_BODY_JSON,			/* a JSON object is required */
};

#define API_LAST	1		/* api_call_open: the last connection */

/* Authenticate the caller (401 with the challenge set) and read the body
 * as BODY says.  0, or the status.  Call api_call_end either way. */
int	api_call_begin(struct api_ctx *ctx, struct api_call *c,
	    enum api_body body);

/* The token of a user a trusted front end names (identity.c), when the
 * request has no Authorization header (or only the web server's own
 * credentials, api_web_server_credentials): minted into T.  -1 when no
 * front end names a user (the request needs a bearer token), 0 with T
 * filled, or 400 (a bad name) / 500 (no key) with ctx->msg. */
int	api_front_end_token(struct api_ctx *ctx, struct auth_token *t);

/* Is the request's Authorization field the web server's own credentials
 * (identity.c)?  Yes when the web server authenticated the user itself
 * (REMOTE_USER with HTTP_API_CGI_REMOTE_USER) and the field is not a
 * bearer token: lighttpd, and Apache with CGIPassAuth On, hand the Basic
 * credentials they checked on to the program.  The field is wiped then
 * (it holds a password) and REMOTE_USER names the user. */
int	api_web_server_credentials(struct api_ctx *ctx);

/* Open a connection to the schedd for COMMAND with the caller's token;
 * records the mapped user for the log.  With LAST (API_LAST) the token
 * is wiped afterwards, opened or not.  0, or the status with the
 * matching header (WWW-Authenticate for 401, Retry-After for 503). */
int	api_call_open(struct api_ctx *ctx, struct api_call *c,
	    enum schedd_cmd command, struct schedd *sd, int last);

/* Wipe the token if it is still held and free the body. */
void	api_call_end(struct api_call *c);

/* The constraint parameter (default "true"), parsed and re-serialized in
 * old syntax into OUT.  0, or 400 saying where it fails to parse. */
int	param_constraint(struct api_ctx *ctx, const char *query,
	    struct buf *out);

/* The projection parameter: "A,B,C" into the wire form "A B C"; absent or
 * "*" means all attributes (OUT stays empty).  0 or 400. */
int	param_projection(struct api_ctx *ctx, const char *query,
	    struct buf *out);

/* The query parameter NAME as true or false into *OUT, which keeps its
 * value when NAME is absent.  0, or 400 for anything else. */
int	param_bool(struct api_ctx *ctx, const char *query, const char *name,
	    int *out);

/* A decimal in [MIN, MAX], nothing else.  0 or -1. */
int	parse_bounded(const char *s, long long min, long long max,
	    long long *out);

/* The opaque page token: the last job id of a page. */
void	page_token_encode(const struct job_id *id, struct buf *out);
int	page_token_decode(const char *s, struct job_id *id);

/* After a streamed answer: 0 passes; a failure before the head is the
 * status to answer with; a failure after it cuts the stream (the client
 * sees no final chunk) and is logged.  Returns what the handler returns. */
int	api_stream_result(struct api_ctx *ctx, int rc);

/* The request body as a JSON object, whatever its Content-Type: the
 * body within HTTP_API_MAX_BODY (413), nested at most JSON_MAX_DEPTH
 * deep, valid UTF-8 without NUL (raw or \u0000), and an object (400).
 * With REQUIRED 0 an empty body gives an
 * empty object.  0 with *OUT (free with cJSON_Delete), or the status. */
int	api_json_body(struct api_ctx *ctx, struct cJSON **out, int required);

/* A string member NAME of OBJ into *OUT (NULL when absent); 400 when it
 * is present but not a string. */
int	api_json_string(struct api_ctx *ctx, const struct cJSON *obj,
	    const char *name, const char **out);

/* The caller's identity as the schedd maps a TOKEN: the token's sub. */
int	api_token_user(struct api_ctx *ctx, const struct auth_token *t,
	    struct buf *out);

/* Prefix CONSTRAINT (already parsed and re-serialized) with a clause
 * that keeps only USER's jobs: (User == "USER") && (CONSTRAINT). */
void	api_mine_constraint(const char *user, struct buf *constraint);

/* The "constraint" (required) and "mine" members of a bulk request BODY:
 * the constraint parsed and re-serialized into OUT, AND-ed with the
 * caller's owner clause when mine is true.  0, or 400/401. */
int	api_body_constraint(struct api_ctx *ctx, const struct cJSON *body,
	    const struct auth_token *t, struct buf *out);

/* An attribute name: a letter or '_', then letters, digits and '_'. */
int	valid_attr_name(const char *s, size_t n);

#endif
