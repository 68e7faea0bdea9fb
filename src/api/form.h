/*
 * form.h — the multipart/form-data body of a submit with its input.
 */
#ifndef API_FORM_H
#define API_FORM_H

#include <sys/types.h>

#include "util/buf.h"

struct api_ctx;
struct cJSON;

struct submit_form {
	struct buf	 text;		/* the submit description */
	struct cJSON	*options;	/* the options object, or NULL */
	int		 tarfd;		/* the input as a staged tar: */
	off_t		 taroff, tarlen;	/* where in TARFD it lies */
	int		 have_tar;	/* it came as one "input" part */
	int		 have_input;	/* any input part at all */
};

#define SUBMIT_FORM_INIT { BUF_INIT, NULL, -1, 0, 0, 0, 0 }

/* Read the request body (multipart/form-data with BOUNDARY) into F:
 * the description, the options, and the input as one tar, the file
 * parts' names checked.  0, or 400/413/500/507 with ctx->msg.
 * form_free after, either way. */
int	form_read(struct api_ctx *ctx, const char *boundary,
	    struct submit_form *f);
void	form_free(struct submit_form *f);

#endif
