/*
 * sandbox.c — job sandboxes: SPOOL_JOB_FILES_WITH_PERMS uploads a held
 * job's input, TRANSFER_DATA_WITH_PERMS downloads output (HTCondor's
 * dc_schedd.cpp spoolJobFiles/receiveJobSandbox, schedd.cpp
 * spoolJobFiles/generalJobFilesWorkerThread).  The files themselves go
 * through the FileTransfer sub-protocol (cedar/xfer.c), straight between
 * the caller's source or sink and the wire, a chunk at a time.
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

/* The status of a failed source: "NNN reason" names its own (the
 * prefix is dropped from ERR), anything else is ours to answer 500. */
static int
source_status(char *err)
{
	int	 st;

	if (err[0] >= '1' && err[0] <= '5' && err[1] >= '0' &&
	    err[1] <= '9' && err[2] >= '0' && err[2] <= '9' &&
	    err[3] == ' ') {
		st = (err[0] - '0') * 100 + (err[1] - '0') * 10 +
		    (err[2] - '0');
		memmove(err, err + 4, strlen(err + 4) + 1);
		return st;
	}
	return 500;
}

/* One file's bytes from the source to the wire.  A source that ends
 * early cannot be padded (the size went first), so it fails. */
static int
upload_data(struct cedar_xfer *x, struct cedar_stream *s,
    const struct sandbox_source *src, const char *name, int64_t size,
    unsigned char *chunk, char *err, size_t errlen)
{
	ssize_t	 r;
	size_t	 want;

	while (size > 0) {
		want = size < CEDAR_XFER_CHUNK ? (size_t)size :
		    CEDAR_XFER_CHUNK;
		if ((r = src->read(src->ctx, chunk, want, err, errlen)) < 0)
			return source_status(err);
		if (r == 0 || (size_t)r > want) {
			snprintf(err, errlen, "input file %s ended %lld "
			    "bytes short of its size", name, (long long)size);
			return 500;
		}
		if (cedar_xfer_put_data(x, chunk, (size_t)r) == -1)
			return sd_stream_status(s, "sending input files",
			    err, errlen);
		size -= r;
	}
	return 0;
}

/* One job's whole input sandbox as a FileTransfer upload into the
 * schedd's spool (final_transfer 0). */
static int
upload_job(struct schedd *sd, int64_t size, const struct sandbox_source *src,
    unsigned char *chunk, char *err, size_t errlen)
{
	struct cedar_xfer	*x;
	struct sandbox_entry	 e;
	int			 rc = 0, more;

	if (src->rewind(src->ctx, err, errlen) == -1)
		return source_status(err);
	if ((x = cedar_xfer_new(sd->stream)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	if (cedar_xfer_put_preamble(x, 0, size) == -1)
		rc = -1;
	while (rc == 0) {
		memset(&e, 0, sizeof(e));
		if ((more = src->next(src->ctx, &e, err, errlen)) == -1) {
			rc = source_status(err);
			break;
		}
		if (more == 0)
			break;
		if (e.is_dir)
			rc = cedar_xfer_put_dir(x, e.name, e.mode);
		else if ((rc = cedar_xfer_put_file(x, e.name, e.mode,
		    e.size)) == 0)
			rc = upload_data(x, sd->stream, src, e.name, e.size,
			    chunk, err, errlen);
	}
	if (rc == 0 && cedar_xfer_put_finish(x, 1, NULL) == -1)
		rc = -1;
	cedar_xfer_free(x);
	if (rc == -1)
		rc = sd_stream_status(sd->stream, "sending input files", err,
		    errlen);
	return rc;
}

int
schedd_spool(struct schedd *sd, const struct schedd_job_id *ids,
    size_t n, int64_t size, const struct sandbox_source *src,
    int *started, char *err, size_t errlen)
{
	struct cedar_stream	*s = sd->stream;
	unsigned char		*chunk;
	int64_t			 ok;
	size_t			 i;
	int			 rc = 0;

	*started = 0;
	if (cedar_put_string(s, schedd_client_version()) == -1 ||
	    cedar_put_int(s, (int64_t)n) == -1 || cedar_send_eom(s) == -1)
		return sd_stream_status(s, "starting the spool", err, errlen);
	for (i = 0; i < n; i++)
		if (cedar_put_int(s, ids[i].cluster) == -1 ||
		    cedar_put_int(s, ids[i].proc) == -1)
			break;
	if (i < n || cedar_send_eom(s) == -1)
		return sd_stream_status(s, "sending the job ids", err, errlen);
	*started = 1;
	if ((chunk = malloc(CEDAR_XFER_CHUNK)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	for (i = 0; i < n && rc == 0; i++)
		rc = upload_job(sd, size, src, chunk, err, errlen);
	free(chunk);
	if (rc != 0)
		return rc;
	/* The schedd's verdict once every job's files are in its spool:
	 * 1, or it closes (schedd.cpp spoolJobFilesReaper removes the
	 * jobs). */
	if (cedar_get_int(s, &ok) == -1 || cedar_recv_eom(s) == -1)
		return sd_stream_status(s, "waiting for the schedd's answer",
		    err, errlen);
	if (ok != 1) {
		snprintf(err, errlen, "the schedd did not accept the input "
		    "files (answer %lld)", (long long)ok);
		return 502;
	}
	return 0;
}

/* One received file's bytes into the sink, a chunk at a time. */
static int
download_data(struct cedar_xfer *x, const struct sandbox_sink *sink,
    unsigned char *chunk, char *err, size_t errlen)
{
	ssize_t	 r;

	while ((r = cedar_xfer_get_data(x, chunk, CEDAR_XFER_CHUNK)) > 0)
		if (sink->data(sink->ctx, chunk, (size_t)r, err, errlen) == -1)
			return -2;
	return r == 0 ? 0 : -1;
}

/* One job's output sandbox (a FileTransfer download, final_transfer 1)
 * into the sink: 0, -1 on a stream error, -2 when the sink stopped. */
static int
download_job(struct schedd *sd, const struct sandbox_sink *sink,
    unsigned char *chunk, char *err, size_t errlen)
{
	struct cedar_xfer	*x;
	struct cedar_xfer_entry	 xe;
	struct sandbox_entry	 e;
	int64_t			 total;
	int			 final, rc = 0;

	if ((x = cedar_xfer_new(sd->stream)) == NULL)
		return cedar_fail(sd->stream, CEDAR_ERR_INTERNAL,
		    "out of memory");
	if (cedar_xfer_get_preamble(x, &final, &total) == -1)
		rc = -1;
	while (rc == 0) {
		if (cedar_xfer_get_next(x, &xe) == -1) {
			rc = -1;
			break;
		}
		if (xe.kind == CEDAR_XFER_END)
			break;
		e.name = xe.name;
		e.is_dir = xe.kind == CEDAR_XFER_DIR;
		e.mode = xe.mode;
		e.size = e.is_dir ? 0 : xe.size;
		if (sink->entry(sink->ctx, &e, err, errlen) == -1) {
			rc = -2;
			break;
		}
		if (!e.is_dir &&
		    (rc = download_data(x, sink, chunk, err, errlen)) != 0)
			break;
		if (sink->entry_end != NULL &&
		    sink->entry_end(sink->ctx, err, errlen) == -1)
			rc = -2;
	}
	if (rc == 0 && cedar_xfer_get_finish(x, 1, NULL) == -1)
		rc = -1;
	cedar_xfer_free(x);
	return rc;
}

int
schedd_transfer(struct schedd *sd, const char *constraint,
    int finish, const struct sandbox_sink *sink, int64_t *njobs,
    char *err, size_t errlen)
{
	struct cedar_stream	*s = sd->stream;
	struct classad		*ad;
	unsigned char		*chunk;
	int64_t			 n, i;
	int			 rc = 0;

	*njobs = 0;
	if (cedar_put_string(s, schedd_client_version()) == -1 ||
	    cedar_put_string(s, constraint != NULL ? constraint : "true") ==
	    -1 || cedar_send_eom(s) == -1)
		return sd_stream_status(s, "sending the request", err, errlen);
	if (cedar_get_int_range(s, 0, INT32_MAX, &n) == -1 ||
	    cedar_recv_eom(s) == -1)
		return sd_stream_status(s, "reading the number of jobs", err,
		    errlen);
	*njobs = n;
	/* None of the caller's jobs matched: the schedd has closed
	 * (tests/conformance/cedar/client-error-transfer-data-no-match). */
	if (n == 0) {
		snprintf(err, errlen, "no such job of yours");
		return 404;
	}
	if ((chunk = malloc(CEDAR_XFER_CHUNK)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	for (i = 0; i < n && rc == 0; i++) {
		if ((rc = sd_recv_ad(sd, &ad, "reading a job ad", err,
		    errlen)) != 0)
			break;
		rc = sink->job != NULL ? sink->job(sink->ctx, ad, err,
		    errlen) : 0;
		classad_free(ad);
		if (rc == 0 && (rc = download_job(sd, sink, chunk, err,
		    errlen)) == -1)
			rc = sd_stream_status(s, "receiving output files",
			    err, errlen);
		else if (rc == -2)
			rc = -1;
	}
	free(chunk);
	if (rc != 0)
		return rc;
	/* Anything but 1 makes the schedd count the transfer as failed and
	 * leave StageOutFinish unset, so the download can be repeated
	 * (Scheduler::generalJobFilesWorkerThread). */
	if (cedar_put_int(s, finish ? 1 : 0) == -1 || cedar_send_eom(s) == -1)
		return sd_stream_status(s, "sending the final answer", err,
		    errlen);
	return 0;
}
