/*
 * jwtsub.c — the bearer token's subject read by libjwt instead of our
 * small decoder, for bench/requests to weigh the two: linked into a
 * variant of the program with -Wl,--wrap=schedd_token_subject, so the
 * handlers call this and nothing in src/ changes.  libjwt is loaded with
 * dl_load the first time, as src/schedd/mint.c loads it; jwt_decode with
 * no key (libjwt 1.10, Debian 12) reads the claims without checking the
 * signature, which is the schedd's to check.
 */
#include <stddef.h>

#include <jwt.h>

#include "util/buf.h"
#include "util/dl.h"

int	__wrap_schedd_token_subject(const char *token, struct buf *out);

/* The libjwt functions used, each checked against <jwt.h>. */
#define SUB_FUNCTIONS(X)						\
	X(jwt_decode, int, (jwt_t **, const char *,			\
	    const unsigned char *, int))				\
	X(jwt_get_grant, const char *, (jwt_t *, const char *))		\
	X(jwt_free, void, (jwt_t *))

#define SUB_FIELD(name, ret, params)	ret (*name) params;
static struct sub_functions {
	SUB_FUNCTIONS(SUB_FIELD)
} lj;

#define SUB_CHECK(name, ret, params)					\
	_Static_assert(_Generic(&name, ret (*) params: 1, default: 0),	\
	    #name " does not match <jwt.h>");
SUB_FUNCTIONS(SUB_CHECK)

#define SUB_SYMBOL(name, ret, params)					\
	{ #name, offsetof(struct sub_functions, name) },

static int	lj_loaded;

/* The sub claim of TOKEN into OUT, as schedd_token_subject gives it:
 * 0, or -1 when the token does not decode or names nobody. */
int
__wrap_schedd_token_subject(const char *token, struct buf *out)
{
	static const char *const names[] = {
		"libjwt.so.0", "libjwt.so", NULL
	};
	static const struct dl_symbol symbols[] = {
		SUB_FUNCTIONS(SUB_SYMBOL)
	};
	jwt_t		*jwt = NULL;
	const char	*sub;
	char		 err[128];
	int		 rc = -1;

	if (dl_load(&lj_loaded, names, symbols, sizeof(symbols) /
	    sizeof(symbols[0]), &lj, err, sizeof(err)) == -1)
		return -1;
	if (lj.jwt_decode(&jwt, token, NULL, 0) == 0 &&
	    (sub = lj.jwt_get_grant(jwt, "sub")) != NULL && *sub != '\0')
		rc = buf_adds(out, sub);
	if (jwt != NULL)
		lj.jwt_free(jwt);
	return rc;
}
