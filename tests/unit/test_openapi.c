/*
 * test_openapi.c — openapi/openapi.json documents exactly the routes in
 * the route table: every (method, path) pair of the table is an operation
 * of the document, and every operation of the document is a route; and
 * each operation documents exactly the query parameters its route takes.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "api/api.h"
#include "util/buf.h"
#include "api/route.h"
#include "tap.h"

extern const unsigned char	openapi_json[];
extern const size_t		openapi_json_len;

/* The OpenAPI path for a route pattern: "{jobid}" keeps its braces, so
 * the names match as written. */
static int
has_route(const char *method, const char *path)
{
	size_t i;

	for (i = 0; i < nroutes; i++)
		if (strcasecmp(routes[i].method, method) == 0 &&
		    strcmp(routes[i].pattern, path) == 0)
			return 1;
	return 0;
}

/* The query parameters OP documents, as QP_* bits; names the API does
 * not know are counted in *UNKNOWN. */
static unsigned
documented_query(const cJSON *op, int *unknown)
{
	const cJSON	*p, *in, *name;
	unsigned	 bits = 0;
	size_t		 k;

	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(op,
	    "parameters")) {
		in = cJSON_GetObjectItemCaseSensitive(p, "in");
		name = cJSON_GetObjectItemCaseSensitive(p, "name");
		if (!cJSON_IsString(in) || strcmp(in->valuestring, "query") ||
		    !cJSON_IsString(name))
			continue;
		for (k = 0; k < nquery_keys; k++)
			if (strcmp(query_keys[k].name, name->valuestring) == 0)
				break;
		if (k == nquery_keys)
			(*unknown)++;
		else
			bits |= query_keys[k].bit;
	}
	return bits;
}

int
main(void)
{
	cJSON		*doc, *paths, *path, *op;
	const cJSON	*item;
	size_t		 i;
	char		 lower[16];
	int		 ops = 0, unknown;

	doc = cJSON_ParseWithLength((const char *)openapi_json,
	    openapi_json_len);
	tap_ok(doc != NULL, "the embedded document is JSON");
	if (doc == NULL)
		return tap_done();
	item = cJSON_GetObjectItemCaseSensitive(doc, "openapi");
	tap_ok(cJSON_IsString(item) && strncmp(item->valuestring, "3.", 2) == 0,
	    "it is OpenAPI 3");
	paths = cJSON_GetObjectItemCaseSensitive(doc, "paths");
	for (i = 0; i < nroutes; i++) {
		size_t k;

		for (k = 0; routes[i].method[k] && k + 1 < sizeof(lower); k++)
			lower[k] = (char)tolower((unsigned char)
			    routes[i].method[k]);
		lower[k] = '\0';
		path = cJSON_GetObjectItemCaseSensitive(paths,
		    routes[i].pattern);
		op = cJSON_GetObjectItemCaseSensitive(path, lower);
		tap_ok(op != NULL, "route %s %s is documented",
		    routes[i].method, routes[i].pattern);
		unknown = 0;
		tap_ok(documented_query(op, &unknown) == (routes[i].query ==
		    QP_ANY ? 0 : routes[i].query) && unknown == 0,
		    "route %s %s documents the query parameters it takes",
		    routes[i].method, routes[i].pattern);
	}
	cJSON_ArrayForEach(path, paths) {
		cJSON_ArrayForEach(op, path) {
			if (strcmp(op->string, "parameters") == 0)
				continue;
			ops++;
			tap_ok(has_route(op->string, path->string),
			    "documented %s %s is a route", op->string,
			    path->string);
		}
	}
	tap_ok(ops == (int)nroutes, "as many operations as routes (%d)", ops);
	cJSON_Delete(doc);
	return tap_done();
}
