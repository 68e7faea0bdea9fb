/*
 * form.c — the multipart/form-data body of a submit with its input: a
 * part "submit_file" (the description), an optional part "options" (a
 * JSON object), and the input either as file parts (each named by its
 * filename) or as one part "input" holding a tar.
 *
 * The body is staged in an unlinked temporary file.  A first pass keeps
 * the two small parts, checks every file part's name and records its
 * size (eight bytes a file), and notes where an "input" tar part lies in
 * the body: that tar is read in place, never copied.  File parts take a
 * second pass, which writes them into a tar of their own now that each
 * entry's size is known for its header.  Either way the input is one
 * staged tar, which the upload checks exactly as a PUT …/input.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cJSON.h>

#include "api/api.h"
#include "api/form.h"
#include "api/inputs.h"
#include "api/sandbox.h"
#include "api/tar.h"
#include "util/buf.h"
#include "util/file.h"
#include "http/http.h"
#include "http/multipart.h"
#include "config/settings.h"

/* Largest "options" part: a few flags. */
#define FORM_MAX_OPTIONS	65536

enum part_kind { PART_NONE, PART_TEXT, PART_OPTIONS, PART_TAR, PART_FILE };

/* One pass over the staged body. */
struct pass {
	struct api_ctx		*ctx;
	struct submit_form	*f;
	int			 second;	/* writing the file parts */
	enum part_kind		 kind;
	int64_t			 size;		/* of the current part */
	int64_t			 nfiles;
	int64_t			*sizes;		/* first pass: recorded */
	size_t			 cap;
	struct buf		 opts;
	struct tar_writer	*tw;		/* second pass */
	int			 status;	/* why a callback stopped */
};

/* Stop the parse with STATUS and a message. */
static int __attribute__((format(printf, 3, 4)))
pass_fail(struct pass *ps, int status, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(ps->ctx->msg, sizeof(ps->ctx->msg), fmt, ap);
	va_end(ap);
	ps->status = status;
	return -1;
}

/* tar_write_fn: the file parts' tar goes to the staged tar file. */
static int
tar_to_file(void *arg, const void *p, size_t n)
{
	struct pass *ps = arg;

	return file_write_all(ps->f->tarfd, p, n);
}

/* A file part of the first pass: a canonical name, within the caps. */
static int
first_file(struct pass *ps, const struct multipart_part *p)
{
	int64_t	*s;
	char	 why[128];

	if (input_name_check(p->filename, strlen(p->filename), why,
	    sizeof(why)) == -1 || p->filename[strlen(p->filename) - 1] ==
	    '/') {
		snprintf(ps->ctx->msg, sizeof(ps->ctx->msg), "part \"%.100s\":"
		    " bad filename: %s", p->name, why);
		ps->status = 400;
		return -1;
	}
	if (ps->f->have_tar)
		return pass_fail(ps, 400, "give the input either as file "
		    "parts or as one part \"input\" holding a tar, not both");
	if (ps->nfiles >= ps->ctx->set->max_input_files)
		return pass_fail(ps, 413, "more than the allowed number of "
		    "input files");
	if ((size_t)ps->nfiles == ps->cap) {
		ps->cap = ps->cap ? ps->cap * 2 : 64;
		if ((s = reallocarray(ps->sizes, ps->cap, sizeof(*s))) == NULL)
			return pass_fail(ps, 500, "out of memory");
		ps->sizes = s;
	}
	ps->sizes[ps->nfiles] = 0;
	return 0;
}

static int
part_begin(void *arg, const struct multipart_part *p)
{
	struct pass	*ps = arg;
	char		 err[256];

	ps->size = 0;
	if (strcmp(p->name, "submit_file") == 0)
		ps->kind = PART_TEXT;
	else if (strcmp(p->name, "options") == 0)
		ps->kind = PART_OPTIONS;
	else if (strcmp(p->name, "input") == 0) {
		ps->kind = PART_TAR;
		if (!ps->second && (ps->f->have_tar || ps->nfiles > 0))
			return pass_fail(ps, 400, "give the input either as "
			    "file parts or as one part \"input\" holding a "
			    "tar, not both");
		ps->f->have_tar = 1;
		ps->f->taroff = (off_t)p->offset;
	} else if (p->has_filename) {
		ps->kind = PART_FILE;
		if (!ps->second)
			return first_file(ps, p);
		if (tar_writer_entry(ps->tw, p->filename, 0,
		    strcmp(p->name, "executable") == 0 ? 0755 : 0644,
		    ps->sizes[ps->nfiles], 0, err, sizeof(err)) == -1)
			return pass_fail(ps, 500, "cannot build the input tar:"
			    " %s", err);
	} else
		return pass_fail(ps, 400, "unknown form field \"%.100s\": "
		    "expected submit_file, options, input, or file parts",
		    p->name);
	if (!ps->second && ((ps->kind == PART_TEXT && ps->f->text.len > 0) ||
	    (ps->kind == PART_OPTIONS && ps->opts.len > 0)))
		return pass_fail(ps, 400, "form field \"%s\" given twice",
		    p->name);
	return 0;
}

/* A small part kept whole in B, at most CAP bytes (413 beyond). */
static int
keep_part(struct pass *ps, struct buf *b, int64_t cap, const char *name,
    const void *p, size_t n)
{
	if (ps->second)
		return 0;
	if (ps->size > cap)
		return pass_fail(ps, 413, "%s over %lld bytes", name,
		    (long long)cap);
	return buf_add(b, p, n) == -1 ? pass_fail(ps, 500, "out of memory") :
	    0;
}

static int
part_data(void *arg, const void *p, size_t n)
{
	struct pass	*ps = arg;
	char		 err[256];

	ps->size += (int64_t)n;
	switch (ps->kind) {
	case PART_TEXT:
		return keep_part(ps, &ps->f->text, SUBMIT_MAX_TEXT,
		    "submit_file", p, n);
	case PART_OPTIONS:
		return keep_part(ps, &ps->opts, FORM_MAX_OPTIONS, "options", p,
		    n);
	case PART_FILE:
		if (!ps->second) {
			if (ps->size > ps->ctx->set->max_input_bytes)
				return pass_fail(ps, 413, "input over "
				    "HTTP_API_MAX_INPUT_BYTES");
			return 0;
		}
		return tar_writer_data(ps->tw, p, n, err, sizeof(err)) == -1 ?
		    pass_fail(ps, 500, "cannot build the input tar: %s", err) :
		    0;
	default:
		return 0;
	}
}

static int
part_end(void *arg)
{
	struct pass *ps = arg;

	if (ps->kind == PART_FILE) {
		if (!ps->second)
			ps->sizes[ps->nfiles] = ps->size;
		ps->nfiles++;
	} else if (ps->kind == PART_TAR && !ps->second)
		ps->f->tarlen = (off_t)ps->size;
	ps->kind = PART_NONE;
	return 0;
}

/* One pass of the multipart parser over the staged body. */
static int
form_pass(struct pass *ps, const char *boundary, int fd, off_t len)
{
	struct multipart_cb	 cb = { part_begin, part_data, part_end, ps };
	struct multipart	*m;
	char			 tmp[65536];
	off_t			 off = 0;
	ssize_t			 r;
	int			 rc = 0;

	if ((m = multipart_new(boundary, &cb)) == NULL) {
		snprintf(ps->ctx->msg, sizeof(ps->ctx->msg), "out of memory");
		return 500;
	}
	ps->nfiles = 0;
	while (rc == 0 && off < len) {
		if ((r = pread(fd, tmp, sizeof(tmp), off)) <= 0) {
			snprintf(ps->ctx->msg, sizeof(ps->ctx->msg), "cannot "
			    "read the staged body");
			rc = 500;
			break;
		}
		off += r;
		rc = multipart_feed(m, tmp, (size_t)r, ps->ctx->msg,
		    sizeof(ps->ctx->msg));
	}
	if (rc == 0)
		rc = multipart_finish(m, ps->ctx->msg, sizeof(ps->ctx->msg));
	if (rc == -1)
		rc = ps->status;
	multipart_free(m);
	return rc;
}

/* The "options" part: a JSON object. */
static int
form_options(struct api_ctx *ctx, struct pass *ps)
{
	if (ps->opts.len == 0)
		return 0;
	if (buf_add(&ps->opts, "", 1) == -1 ||
	    (ps->f->options = cJSON_ParseWithLength(ps->opts.data,
	    ps->opts.len)) == NULL || !cJSON_IsObject(ps->f->options)) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the options part must "
		    "be a JSON object");
		return 400;
	}
	return 0;
}

int
form_read(struct api_ctx *ctx, const char *boundary, struct submit_form *f)
{
	struct pass	 ps;
	char		 err[256];
	long long	 len;
	int		 rc, fd;

	memset(&ps, 0, sizeof(ps));
	ps.ctx = ctx;
	ps.f = f;
	err[0] = '\0';
	if ((fd = sandbox_tmpfile(ctx)) == -1)
		return 500;
	if ((rc = sandbox_stage_body(ctx, fd, sandbox_body_cap(ctx->set) +
	    SUBMIT_MAX_TEXT + FORM_MAX_OPTIONS, &len)) != 0 ||
	    (rc = form_pass(&ps, boundary, fd, (off_t)len)) != 0 ||
	    (rc = form_options(ctx, &ps)) != 0)
		goto out;
	if (f->text.len == 0) {
		snprintf(ctx->msg, sizeof(ctx->msg), "the form has no "
		    "submit_file part");
		rc = 400;
		goto out;
	}
	f->have_input = f->have_tar || ps.nfiles > 0;
	if (f->have_tar) {
		/* The tar stays where it is, in the staged body. */
		f->tarfd = fd;
		fd = -1;
		goto out;
	}
	/* Second pass: the file parts into a tar (an empty one when there
	 * are none: a job that names no input still needs its upload to be
	 * released). */
	ps.second = 1;
	if ((f->tarfd = sandbox_tmpfile(ctx)) == -1) {
		rc = 500;
		goto out;
	}
	if (tar_writer_open(tar_to_file, &ps, &ps.tw, err, sizeof(err)) ==
	    -1 || (rc = form_pass(&ps, boundary, fd, (off_t)len)) != 0 ||
	    tar_writer_close(ps.tw, err, sizeof(err)) == -1 ||
	    (f->tarlen = lseek(f->tarfd, 0, SEEK_END)) == -1) {
		if (rc == 0) {
			snprintf(ctx->msg, sizeof(ctx->msg), "cannot build the "
			    "input tar: %s", err);
			rc = 500;
		}
		goto out;
	}
	f->taroff = 0;
out:
	if (ps.tw != NULL)
		tar_writer_free(ps.tw);
	free(ps.sizes);
	buf_free(&ps.opts);
	if (fd != -1)
		close(fd);
	return rc;
}

void
form_free(struct submit_form *f)
{
	if (f->tarfd != -1)
		close(f->tarfd);
	f->tarfd = -1;
	buf_free(&f->text);
	cJSON_Delete(f->options);
	f->options = NULL;
}
