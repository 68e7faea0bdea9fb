/*
 * meta.c — the routes about the service itself: /healthz and
 * /openapi.json.  Neither needs a token or the schedd.
 */
#include <stddef.h>

#include "api/api.h"
#include "http/http.h"

/* The OpenAPI document, embedded from openapi/openapi.json at build time
 * (tools/embed.sh), so the binary serves exactly the file in the tree. */
extern const unsigned char	openapi_json[];
extern const size_t		openapi_json_len;

/* Liveness only: the process started and can answer.  It does not touch
 * the schedd, so a load balancer's probe costs no schedd work. */
int
api_healthz(struct api_ctx *ctx)
{
	static const char body[] = "{\"status\":\"ok\"}\n";

	http_respond(ctx->x, 200, "application/json", body, sizeof(body) - 1,
	    NULL);
	return 0;
}

int
api_openapi(struct api_ctx *ctx)
{
	http_respond(ctx->x, 200, "application/json", openapi_json,
	    openapi_json_len, NULL);
	return 0;
}
