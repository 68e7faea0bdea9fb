/*
 * schedd_int.h — what the schedd client's files share (stream.c); not for
 * other layers.
 */
#ifndef SCHEDD_INT_H
#define SCHEDD_INT_H

#include <stddef.h>
#include <stdint.h>

#include "cedar/cedar.h"

struct classad;
struct schedd;
struct settings;

/* The HTTP status for a stream failure of kind E. */
int	sd_err_status(enum cedar_err e);

/* The status for a failed stream S during WHAT, with its reason in ERR;
 * inside a QMGMT transaction a lost connection is 503: nothing changed. */
int	sd_stream_status(struct cedar_stream *s, const char *what, char *err,
	    size_t errlen);
int	sd_qmgmt_stream_status(struct cedar_stream *s, const char *what,
	    char *err, size_t errlen);

/* Is AD the final ad of a query (an integer Owner)? */
int	sd_is_final_ad(const struct classad *ad);

/* Send the request ad REQ for WHAT: 0 or the status with ERR. */
int	sd_send_request(struct schedd *sd, struct classad *req,
	    const char *what, char *err, size_t errlen);

/* Receive one ad into *AD for WHAT: 0 or the status with ERR. */
int	sd_recv_ad(struct schedd *sd, struct classad **ad, const char *what,
	    char *err, size_t errlen);

/* The status the final AD's error code means (BAD_REQUEST 400,
 * UNAVAILABLE 503, others 502), with its reason in ERR; 0 for none. */
int	sd_final_ad_error(const struct classad *ad, int64_t bad_request,
	    int64_t unavailable, char *err, size_t errlen);

/* --- Sessions resumed across processes (session.c) --------------------- */

#define SD_CACHE_NAME_LEN	64	/* hex digits of an entry's name */
#define SD_USER_MAX		512	/* the mapped identity we keep */

/* A session as the next request needs it to resume. */
struct sd_session {
	char		 sid[CEDAR_NAME_MAX];
	unsigned char	 key[CEDAR_KEY_LEN];
	char		 user[SD_USER_MAX];
	int64_t		 expires;	/* time(): not used past it */
	int64_t		 lease;		/* idle seconds allowed; 0 = none */
};

/* One credential's place in the cache: the entry's name and sealing key,
 * both derived from a secret only the credential's holder has and the
 * schedd's address. */
struct sd_cache {
	char		 name[SD_CACHE_NAME_LEN + 1];
	unsigned char	 seal[32];
	int		 dirfd;		/* the directory, or -1: memory only */
	int		 lifetime;	/* HTTP_API_SESSION_CACHE_LIFETIME */
	int		 usable;
};

/* Derive C for SECRET (the token's text, or a minted identity's secret)
 * at the schedd SINFUL, and open the cache directory when SET has one
 * and it is ours alone.  0, or -1 (no cache for this request). */
int	sd_cache_open(struct sd_cache *c, const struct settings *set,
	    const void *secret, size_t secretlen, const char *sinful);
/* The live session of C (memory first): 1 with S, or 0. */
int	sd_cache_find(struct sd_cache *c, struct sd_session *s);
/* Keep S as C's session, in memory and in the directory. */
void	sd_cache_save(struct sd_cache *c, const struct sd_session *s);
/* S was resumed: restart its lease. */
void	sd_cache_used(struct sd_cache *c, const struct sd_session *s);
/* Forget C's session: the schedd no longer has it. */
void	sd_cache_drop(struct sd_cache *c);
/* Close the directory and wipe C. */
void	sd_cache_close(struct sd_cache *c);
/* When a session made at NOW must no longer be used: the schedd's
 * SessionDuration (0 = none), the token's exp when HAS_EXP, and the
 * cache's lifetime, whichever comes first. */
int64_t	sd_session_expiry(const struct settings *set, int64_t now,
	    int64_t duration, int has_exp, int64_t exp);

#endif
