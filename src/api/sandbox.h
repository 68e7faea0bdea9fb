/*
 * sandbox.h — what an upload is made of, shared by PUT …/input and the
 * multipart submit: a staged body, its check against the jobs' input
 * names, the sizes condor_submit derives from the files, and the spool.
 */
#ifndef API_SANDBOX_H
#define API_SANDBOX_H

#include <stdint.h>
#include <sys/types.h>

struct api_ctx;
struct api_call;
struct input_names;
struct input_summary;
struct schedd;
struct schedd_job_id;
struct settings;

/* An unlinked temporary file on TMPDIR (default /tmp): the descriptor,
 * or -1 with ctx->msg. */
int	sandbox_tmpfile(struct api_ctx *ctx);

/* Copy the request body into FD, at most MAX bytes (413 beyond).  0 with
 * *LEN, or the status with ctx->msg. */
int	sandbox_stage_body(struct api_ctx *ctx, int fd, long long max,
	    long long *len);

/* The largest body an upload may send: the input byte cap plus what the
 * tar adds per entry. */
long long sandbox_body_cap(const struct settings *set);

/* Check the tar staged in FD[OFF, OFF + LEN) against NAMES and the
 * configured caps.  0 with SUM, or 400/413/500 with ctx->msg. */
int	sandbox_check(struct api_ctx *ctx, int fd, off_t off, off_t len,
	    struct input_names *names, struct input_summary *sum);

/* Send ExecutableSize, TransferInputSizeMB, and DiskUsage and ImageSize
 * where submit left them 0 (DISK_USAGE, IMAGE_SIZE), for job ID from
 * SUM, on the open QMGMT connection SD (the caller commits).  0 or the
 * status. */
int	sandbox_send_sizes(struct api_ctx *ctx, struct schedd *sd,
	    const struct schedd_job_id *id, const struct input_summary *sum,
	    int64_t disk_usage, int64_t image_size);

/* Spool the checked tar FD[OFF, OFF + LEN) to the N jobs IDS (LAST as
 * for api_call_open).  0, or the status with ctx->msg, which says when
 * the schedd has removed the jobs. */
int	sandbox_spool(struct api_ctx *ctx, struct api_call *call, int last,
	    int fd, off_t off, off_t len, const struct schedd_job_id *ids,
	    size_t n, const struct input_summary *sum);

#endif
