/*
 * handler.c — helpers shared by the API handlers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "api/api.h"
#include "api/handler.h"
#include "util/base64.h"
#include "util/buf.h"
#include <cJSON.h>
#include "classad/classad.h"
#include "http/http.h"
#include "util/log.h"
#include "util/utf8.h"
#include "api/route.h"
#include "schedd/schedd.h"

/* The one place the caller's token is wiped. */
static void
api_call_end_token(struct api_call *c)
{
	if (c->held)
		auth_wipe(&c->token);
	c->held = 0;
}

int
api_call_begin(struct api_ctx *ctx, struct api_call *c, enum api_body body)
{
	int rc;

	memset(c, 0, sizeof(*c));
	/* A bearer token always wins; without one, a trusted front end may
	 * name the user.  Any other Authorization field is a bad bearer
	 * token, unless the web server authenticated it (REMOTE_USER). */
	if ((http_header(&ctx->x->req, "Authorization") == NULL ||
	    api_web_server_credentials(ctx)) &&
	    (rc = api_front_end_token(ctx, &c->token)) != -1) {
		if (rc != 0)
			return rc;
	} else if ((rc = auth_bearer(&ctx->x->req, &c->token, ctx->msg,
	    sizeof(ctx->msg))) != 0) {
		if (rc == 401)
			ctx->extra = auth_challenge;
		return rc;
	}
	c->held = 1;
	if (body == API_BODY_NONE)
		return 0;
	return api_json_body(ctx, &c->body, body == API_BODY_JSON);
}

int
api_call_open(struct api_ctx *ctx, struct api_call *c,
    enum schedd_cmd command, struct schedd *sd, int last)
{
	int rc;

	if (!c->held) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the token is gone");
		return 500;
	}
	rc = schedd_open(sd, ctx->set, command, c->token.text,
	    c->token.has_secret ? c->token.secret : NULL, ctx->msg,
	    sizeof(ctx->msg));
	if (last)
		api_call_end_token(c);
	if (rc == 401)
		ctx->extra = auth_challenge;
	else if (rc == 503)
		ctx->extra = API_RETRY_AFTER;
	else if (rc == 0 && sd->user != NULL)
		snprintf(ctx->user, sizeof(ctx->user), "%s", sd->user);
	return rc;
}

void
api_call_end(struct api_call *c)
{
	api_call_end_token(c);
	cJSON_Delete(c->body);
	c->body = NULL;
}

int
param_constraint(struct api_ctx *ctx, const char *query, struct buf *out)
{
	struct classad_expr	*e = NULL;
	char			*v, err[256];
	size_t			 off = 0;
	int			 rc;

	if ((v = malloc(API_MAX_PARAM)) == NULL) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		return 503;
	}
	rc = http_query_param(query, "constraint", v, API_MAX_PARAM);
	if (rc == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "malformed constraint "
		    "parameter");
		free(v);
		return 400;
	}
	if (rc == 0 || v[strspn(v, " \t")] == '\0')
		strcpy(v, "true");
	if (classad_parse_exprn(v, strlen(v), CLASSAD_OLD_SYNTAX, &e, &off,
	    err, sizeof(err)) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "constraint does not "
		    "parse: %s", err);
		free(v);
		return 400;
	}
	/* Re-serialized, so no text can escape what we AND it with. */
	classad_unparse_old(e, out);
	classad_expr_free(e);
	free(v);
	return 0;
}

int
valid_attr_name(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > 256 || !(((s[0] | 0x20) >= 'a' &&
	    (s[0] | 0x20) <= 'z') || s[0] == '_'))
		return 0;
	for (i = 1; i < n; i++)
		if (!(((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return 0;
	return 1;
}

int
param_projection(struct api_ctx *ctx, const char *query, struct buf *out)
{
	char	*v, *p, *end;
	size_t	 n;
	int	 rc;

	if ((v = malloc(API_MAX_PARAM)) == NULL) {
		snprintf(ctx->msg, sizeof(ctx->msg), "out of memory");
		return 503;
	}
	rc = http_query_param(query, "projection", v, API_MAX_PARAM);
	if (rc == -1)
		goto bad;
	if (rc == 0 || strcmp(v, "*") == 0 || *v == '\0') {
		free(v);
		return 0;
	}
	for (p = v; *p != '\0'; p = *end ? end + 1 : end) {
		end = p + strcspn(p, ",");
		while (*p == ' ')
			p++;
		for (n = (size_t)(end - p); n > 0 && p[n - 1] == ' '; n--)
			;
		if (!valid_attr_name(p, n))
			goto bad;
		if (out->len > 0)
			buf_addc(out, ' ');
		buf_add(out, p, n);
	}
	free(v);
	return 0;
bad:
	free(v);
	snprintf(ctx->msg, sizeof(ctx->msg), "projection must be a comma "
	    "list of attribute names, or *");
	return 400;
}

int
param_bool(struct api_ctx *ctx, const char *query, const char *name,
    int *out)
{
	char	v[8];
	int	rc;

	if ((rc = http_query_param(query, name, v, sizeof(v))) == 0)
		return 0;
	if (rc == -1 || (strcmp(v, "true") != 0 && strcmp(v, "false") != 0)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "%s must be true or false",
		    name);
		return 400;
	}
	*out = v[0] == 't';
	return 0;
}

int
parse_bounded(const char *s, long long min, long long max, long long *out)
{
	char		*end;
	long long	 n;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || n < min || n > max)
		return -1;
	*out = n;
	return 0;
}

void
page_token_encode(const struct job_id *id, struct buf *out)
{
	char	text[32];
	int	n = snprintf(text, sizeof(text), "%d.%d", id->cluster,
	    id->proc);

	b64url_encode(text, (size_t)n, out);
}

int
page_token_decode(const char *s, struct job_id *id)
{
	struct buf	b = BUF_INIT;
	int		rc = -1;

	if (strlen(s) < 64 && b64url_decode(s, strlen(s), &b) == 0 &&
	    memchr(b.data, '\0', b.len) == NULL)
		rc = parse_job_id(buf_str(&b), id) == 0 && id->proc >= 0 ?
		    0 : -1;
	buf_free(&b);
	return rc;
}

int
api_stream_result(struct api_ctx *ctx, int rc)
{
	if (rc == 0)
		return 0;
	if (ctx->x->status == 0)
		return rc > 0 ? rc : 502;
	log_msg("%s: answer cut after %lld bytes: %s", ctx->x->req.path,
	    ctx->x->body_sent, ctx->msg);
	http_stream_abort(ctx->x);
	return 0;
}

/* Deepest nesting of [ and { in TEXT, strings skipped; stops counting
 * past LIMIT.  Sets *NUL_AT to where the first \u0000 escape in a string
 * starts, or to N when there is none. */
static int
json_depth(const char *p, size_t n, int limit, size_t *nul_at)
{
	int	depth = 0, max = 0, in_str = 0;
	size_t	i;

	*nul_at = n;
	for (i = 0; i < n && max <= limit; i++) {
		if (in_str) {
			if (p[i] == '\\' && *nul_at == n && n - i >= 6 &&
			    memcmp(p + i + 1, "u0000", 5) == 0)
				*nul_at = i;
			if (p[i] == '\\')
				i++;
			else if (p[i] == '"')
				in_str = 0;
		} else if (p[i] == '"')
			in_str = 1;
		else if (p[i] == '[' || p[i] == '{') {
			if (++depth > max)
				max = depth;
		} else if (p[i] == ']' || p[i] == '}')
			depth--;
	}
	return max;
}

/* Refuse what cJSON would take but we must not store: nesting past
 * JSON_MAX_DEPTH (its recursion), text that is not UTF-8 (it would be
 * echoed into every listing that shows it), and NUL, raw or as \u0000,
 * which cJSON keeps in a string that C then cuts short without a word.
 * 0, or 400 with the reason in ctx->msg. */
static int
json_body_check(struct api_ctx *ctx, const char *p, size_t n)
{
	const char	*nul, *why;
	size_t		 at;

	if (json_depth(p, n, JSON_MAX_DEPTH, &at) > JSON_MAX_DEPTH) {
		snprintf(ctx->msg, sizeof(ctx->msg), "JSON nested deeper than "
		    "%d levels", JSON_MAX_DEPTH);
		return 400;
	}
	if (at < n) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the body has \\u0000 in "
		    "a string (at byte %zu): NUL cannot be stored", at);
		return 400;
	}
	if ((nul = memchr(p, '\0', n)) != NULL) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the body has a NUL byte "
		    "(at byte %zu)", (size_t)(nul - p));
		return 400;
	}
	if ((why = utf8_invalid(p, n, &at)) != NULL) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the body is not valid "
		    "UTF-8: %s at byte %zu", why, at);
		return 400;
	}
	return 0;
}

int
api_json_body(struct api_ctx *ctx, cJSON **out, int required)
{
	struct buf	 body = BUF_INIT;
	const char	*end = NULL;
	int		 rc;

	*out = NULL;
	if ((rc = http_read_body(ctx->x, &body, ctx->msg,
	    sizeof(ctx->msg))) != 0) {
		buf_free(&body);
		return rc;
	}
	if (body.len == 0 && !required) {
		buf_free(&body);
		*out = cJSON_CreateObject();
		return *out == NULL ? 503 : 0;
	}
	if (body.len == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "a JSON body is required");
		return 400;
	}
	if ((rc = json_body_check(ctx, body.data, body.len)) != 0) {
		buf_free(&body);
		return rc;
	}
	/* The length includes the NUL, which cJSON wants to see at the end. */
	*out = cJSON_ParseWithLengthOpts(body.data, body.len + 1, &end, 1);
	if (*out == NULL || !cJSON_IsObject(*out)) {
		snprintf(ctx->msg, sizeof(ctx->msg), *out == NULL ?
		    "the body is not valid JSON (at byte %zu)" :
		    "the body must be a JSON object", end != NULL &&
		    end >= body.data ? (size_t)(end - body.data) : (size_t)0);
		cJSON_Delete(*out);
		*out = NULL;
		buf_free(&body);
		return 400;
	}
	buf_free(&body);
	return 0;
}

int
api_json_string(struct api_ctx *ctx, const cJSON *obj, const char *name,
    const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	*out = NULL;
	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsString(v)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"%s\" must be a string",
		    name);
		return 400;
	}
	*out = v->valuestring;
	return 0;
}

int
api_token_user(struct api_ctx *ctx, const struct auth_token *t,
    struct buf *out)
{
	if (schedd_token_subject(t->text, out) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the bearer token has no "
		    "identity (sub)");
		ctx->extra = auth_challenge;
		return 401;
	}
	return 0;
}

void
api_mine_constraint(const char *user, struct buf *constraint)
{
	struct buf		 c = BUF_INIT;
	struct classad_expr	*e;

	/* The user's name as a ClassAd string literal, quoted by the
	 * unparser so no name can break out of the clause. */
	if ((e = classad_expr_string(user, strlen(user))) == NULL)
		return;
	buf_adds(&c, "(User == ");
	classad_unparse_old(e, &c);
	buf_addf(&c, ") && (%s)", buf_str(constraint));
	classad_expr_free(e);
	buf_reset(constraint);
	buf_adds(constraint, buf_str(&c));
	buf_free(&c);
}

int
api_body_constraint(struct api_ctx *ctx, const cJSON *body,
    const struct auth_token *t, struct buf *out)
{
	struct classad_expr	*e = NULL;
	struct buf		 user = BUF_INIT;
	const cJSON		*mine;
	const char		*cons;
	char			 err[256];
	int			 rc;

	if ((rc = api_json_string(ctx, body, "constraint", &cons)) != 0)
		return rc;
	if (cons == NULL || cons[strspn(cons, " \t")] == '\0') {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"constraint\" is "
		    "required");
		return 400;
	}
	if (classad_parse_expr(cons, CLASSAD_OLD_SYNTAX, &e, err,
	    sizeof(err)) == -1) {
		snprintf(ctx->msg, sizeof(ctx->msg), "constraint does not "
		    "parse: %s", err);
		return 400;
	}
	classad_unparse_old(e, out);
	classad_expr_free(e);
	mine = cJSON_GetObjectItemCaseSensitive(body, "mine");
	if (mine != NULL && !cJSON_IsBool(mine)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "\"mine\" must be a "
		    "boolean");
		return 400;
	}
	if (cJSON_IsTrue(mine)) {
		if ((rc = api_token_user(ctx, t, &user)) != 0)
			return rc;
		api_mine_constraint(buf_str(&user), out);
		buf_free(&user);
	}
	return 0;
}
