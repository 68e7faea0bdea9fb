/*
 * stream.c — what every schedd command shares: mapping a failed stream
 * to the status the API answers, sending a request ad, receiving ads and
 * reading the final ad's error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/bounds.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "schedd/schedd.h"
#include "schedd/schedd_int.h"

/* The HTTP status the API answers when a stream fails with E: the
 * schedd client speaks in statuses, CEDAR does not know HTTP. */
int
sd_err_status(enum cedar_err e)
{
	switch (e) {
	case CEDAR_OK:
		return 200;
	case CEDAR_ERR_UNREACHABLE:
	case CEDAR_ERR_TIMEOUT:
		return 503;
	case CEDAR_ERR_TOKEN:
		return 401;
	case CEDAR_ERR_DENIED:
		return 403;
	case CEDAR_ERR_INTERNAL:
		return 500;
	case CEDAR_ERR_CLOSED:
	case CEDAR_ERR_PROTOCOL:
	case CEDAR_ERR_NO_SESSION:
	default:
		return 502;
	}
}

/* The HTTP status for a failed stream, with the stream's reason. */
int
sd_stream_status(struct cedar_stream *s, const char *what, char *err,
    size_t errlen)
{
	enum cedar_err e = cedar_status(s);

	snprintf(err, errlen, "%s: %s", what, cedar_error(s));
	return sd_err_status(e == CEDAR_OK ? CEDAR_ERR_PROTOCOL : e);
}

/* The same inside a QMGMT transaction: a connection lost before the
 * commit aborted the transaction, so the request can simply be retried
 * (503), as the schedd's 20-second idle limit also does
 * (tests/conformance/cedar/client-error-qmgmt-drop-mid-transaction). */
int
sd_qmgmt_stream_status(struct cedar_stream *s, const char *what, char *err,
    size_t errlen)
{
	enum cedar_err e = cedar_status(s);

	snprintf(err, errlen, "%s: %s; nothing was changed", what,
	    cedar_error(s));
	return e == CEDAR_ERR_CLOSED || e == CEDAR_ERR_TIMEOUT ? 503 :
	    sd_err_status(e == CEDAR_OK ? CEDAR_ERR_PROTOCOL : e);
}

/* The final ad of a query has an integer Owner (0); job ads have a
 * string Owner. */
int
sd_is_final_ad(const struct classad *ad)
{
	int64_t owner;

	return classad_lookup_int(ad, "Owner", &owner) == 0;
}

/* Send REQ as one message and free it.  0 or the status. */
int
sd_send_request(struct schedd *sd, struct classad *req, const char *what,
    char *err, size_t errlen)
{
	int rc = 0;

	if (cedar_put_classad(sd->stream, req) == -1 ||
	    cedar_send_eom(sd->stream) == -1)
		rc = sd_stream_status(sd->stream, what, err, errlen);
	classad_free(req);
	return rc;
}

/* Receive one ad that is a whole message.  0 or the status. */
int
sd_recv_ad(struct schedd *sd, struct classad **ad, const char *what, char *err,
    size_t errlen)
{
	*ad = NULL;
	if (cedar_get_classad(sd->stream, ad) == 0 &&
	    cedar_recv_eom(sd->stream) == 0)
		return 0;
	classad_free(*ad);
	*ad = NULL;
	return sd_stream_status(sd->stream, what, err, errlen);
}

/* The error a final ad reports (ErrorCode, ErrorString), if any: 0, or
 * BAD_REQUEST for the codes that mean the request was at fault, else 502
 * (503 for UNAVAILABLE ones). */
int
sd_final_ad_error(const struct classad *ad, int64_t bad_request,
    int64_t unavailable, char *err, size_t errlen)
{
	const char	*estr;
	int64_t		 code;

	if (classad_lookup_int(ad, "ErrorCode", &code) == -1 || code == 0)
		return 0;
	if (classad_lookup_string(ad, "ErrorString", &estr) == -1)
		estr = "no reason given";
	snprintf(err, errlen, "schedd: %s (error %lld)", estr,
	    (long long)code);
	return code == bad_request ? 400 : code == unavailable ? 503 : 502;
}
