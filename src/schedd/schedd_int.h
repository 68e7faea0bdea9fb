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

#endif
