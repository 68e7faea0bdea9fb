/*
 * tar.c — tar streams through libarchive, loaded with dlopen at first use
 * so that only the sandbox routes pay for loading it (the program is not
 * linked with it: every request is a new process).  <archive.h> gives the
 * types and prototypes; every call goes through the table of function
 * pointers below, filled by dlsym in one place and checked against the
 * prototypes at compile time.
 *
 * Reading registers only the "none" and gzip filters and the tar format
 * (ustar, pax, GNU), so any other compression is "not a tar": the memory
 * of other decoders is not ours to bound.  The data comes from a file
 * descriptor by pread through a fixed buffer.  Writing produces a pax
 * ("restricted": plain ustar headers unless a name or size needs pax)
 * stream in 10240-byte blocks handed to the caller's function, the last
 * block not padded beyond the two end blocks tar needs.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "api/tar.h"
#include "util/dl.h"

/* The data read from the file at a time, and the block of a written
 * stream. */
#define TAR_READ_BUF	(128 * 1024)
#define TAR_BLOCK	10240

/*
 * The functions we use: name, return type, parameter list.  The table's
 * field types come from here, and a _Generic check (an unevaluated
 * operand, so no reference to the symbol is emitted) makes the build
 * fail when a type does not match <archive.h>'s prototype.
 */
#define ARCHIVE_FUNCTIONS(X)						\
	X(archive_read_new, struct archive *, (void))			\
	X(archive_read_support_filter_none, int, (struct archive *))	\
	X(archive_read_support_filter_gzip, int, (struct archive *))	\
	X(archive_read_support_format_tar, int, (struct archive *))	\
	X(archive_read_support_format_empty, int, (struct archive *))	\
	X(archive_read_open2, int, (struct archive *, void *,		\
	    archive_open_callback *, archive_read_callback *,		\
	    archive_skip_callback *, archive_close_callback *))		\
	X(archive_read_next_header, int, (struct archive *,		\
	    struct archive_entry **))					\
	X(archive_read_data, la_ssize_t, (struct archive *, void *,	\
	    size_t))							\
	X(archive_read_free, int, (struct archive *))			\
	X(archive_error_string, const char *, (struct archive *))	\
	X(archive_set_error, void, (struct archive *, int, const char *,\
	    ...))							\
	X(archive_entry_pathname, const char *, (struct archive_entry *))\
	X(archive_entry_pathname_utf8, const char *,			\
	    (struct archive_entry *))					\
	X(archive_entry_filetype, __LA_MODE_T, (struct archive_entry *))\
	X(archive_entry_hardlink, const char *, (struct archive_entry *))\
	X(archive_entry_perm, __LA_MODE_T, (struct archive_entry *))	\
	X(archive_entry_size, la_int64_t, (struct archive_entry *))	\
	X(archive_write_new, struct archive *, (void))			\
	X(archive_write_set_format_pax_restricted, int,			\
	    (struct archive *))						\
	X(archive_write_add_filter_none, int, (struct archive *))	\
	X(archive_write_set_bytes_per_block, int, (struct archive *, int))\
	X(archive_write_set_bytes_in_last_block, int,			\
	    (struct archive *, int))					\
	X(archive_write_open, int, (struct archive *, void *,		\
	    archive_open_callback *, archive_write_callback *,		\
	    archive_close_callback *))					\
	X(archive_write_header, int, (struct archive *,			\
	    struct archive_entry *))					\
	X(archive_write_data, la_ssize_t, (struct archive *,		\
	    const void *, size_t))					\
	X(archive_write_close, int, (struct archive *))			\
	X(archive_write_fail, int, (struct archive *))			\
	X(archive_write_free, int, (struct archive *))			\
	X(archive_entry_new, struct archive_entry *, (void))		\
	X(archive_entry_clear, struct archive_entry *,			\
	    (struct archive_entry *))					\
	X(archive_entry_free, void, (struct archive_entry *))		\
	X(archive_entry_set_pathname, void, (struct archive_entry *,	\
	    const char *))						\
	X(archive_entry_set_filetype, void, (struct archive_entry *,	\
	    unsigned int))						\
	X(archive_entry_set_perm, void, (struct archive_entry *,	\
	    __LA_MODE_T))						\
	X(archive_entry_set_size, void, (struct archive_entry *,	\
	    la_int64_t))						\
	X(archive_entry_set_mtime, void, (struct archive_entry *,	\
	    time_t, long))						\
	X(archive_entry_set_uid, void, (struct archive_entry *,		\
	    la_int64_t))						\
	X(archive_entry_set_gid, void, (struct archive_entry *,		\
	    la_int64_t))

#define ARCHIVE_FIELD(name, ret, params)	ret (*name) params;
static struct la_functions {
	ARCHIVE_FUNCTIONS(ARCHIVE_FIELD)
} la;

#define ARCHIVE_CHECK(name, ret, params)				\
	_Static_assert(_Generic(&name, ret (*) params: 1, default: 0),	\
	    #name " does not match <archive.h>");
ARCHIVE_FUNCTIONS(ARCHIVE_CHECK)

#define ARCHIVE_SYMBOL(name, ret, params)				\
	{ #name, offsetof(struct la_functions, name) },

static int	la_loaded;

/*
 * Load libarchive and fill the table, once per process.
 */
int
tar_load(char *err, size_t errlen)
{
	static const char *const names[] = {
		"libarchive.so.13", "libarchive.so", NULL
	};
	static const struct dl_symbol symbols[] = {
		ARCHIVE_FUNCTIONS(ARCHIVE_SYMBOL)
	};

	return dl_load(&la_loaded, names, symbols, sizeof(symbols) /
	    sizeof(symbols[0]), &la, err, errlen) == -1 ? 500 : 0;
}

/* ---- reading ---- */

struct tar_reader {
	struct archive	*a;
	int		 fd;
	off_t		 offset;	/* of the tar in FD */
	off_t		 length;
	off_t		 pos;		/* bytes of it read so far */
	int		 io_failed;	/* pread failed: ours, not the client's */
	int		 open_failed;	/* archive_read_open2 refused the data */
	char		 open_err[256];
	unsigned char	 buf[TAR_READ_BUF];
};

/* libarchive's read callback: the next piece of the tar, 0 at its end. */
static la_ssize_t
reader_read(struct archive *a, void *data, const void **out)
{
	struct tar_reader	*r = data;
	size_t			 want;
	ssize_t			 n;

	*out = r->buf;
	if (r->pos >= r->length)
		return 0;
	want = sizeof(r->buf);
	if ((off_t)want > r->length - r->pos)
		want = (size_t)(r->length - r->pos);
	do
		n = pread(r->fd, r->buf, want, r->offset + r->pos);
	while (n == -1 && errno == EINTR);
	if (n == -1) {
		r->io_failed = 1;
		la.archive_set_error(a, errno, "can't read the staged tar: %s",
		    strerror(errno));
		return -1;
	}
	if (n == 0) {
		r->io_failed = 1;
		la.archive_set_error(a, EIO, "the staged tar is shorter "
		    "than expected");
		return -1;
	}
	r->pos += n;
	return n;
}

/* libarchive's skip callback: a file's data it does not want (only when
 * the tar is not compressed) is passed over without reading it. */
static la_int64_t
reader_skip(struct archive *a, void *data, la_int64_t request)
{
	struct tar_reader	*r = data;
	la_int64_t		 n;

	if (request <= 0)
		return 0;
	n = request;
	if (n > r->length - r->pos)
		n = r->length - r->pos;
	r->pos += n;
	return n;
}

int
tar_reader_open(int fd, off_t offset, off_t length, struct tar_reader **out,
    char *err, size_t errlen)
{
	struct tar_reader	*r;
	int			 rc;

	*out = NULL;
	if ((rc = tar_load(err, errlen)) != 0)
		return rc;
	if (offset < 0 || length < 0) {
		snprintf(err, errlen, "a tar at a negative offset or length");
		return 500;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return 500;
	}
	r->fd = fd;
	r->offset = offset;
	r->length = length;
	if ((r->a = la.archive_read_new()) == NULL ||
	    la.archive_read_support_filter_none(r->a) != ARCHIVE_OK ||
	    la.archive_read_support_filter_gzip(r->a) != ARCHIVE_OK ||
	    la.archive_read_support_format_tar(r->a) != ARCHIVE_OK ||
	    la.archive_read_support_format_empty(r->a) != ARCHIVE_OK) {
		snprintf(err, errlen, "can't set up libarchive: %s",
		    r->a != NULL ? la.archive_error_string(r->a) :
		    "out of memory");
		tar_reader_close(r);
		return 500;
	}
	/* Opening already reads the first bytes to choose a filter: a
	 * refusal then is about the body, reported by the first next. */
	if (la.archive_read_open2(r->a, r, NULL, reader_read, reader_skip,
	    NULL) != ARCHIVE_OK) {
		if (r->io_failed) {
			snprintf(err, errlen, "%s",
			    la.archive_error_string(r->a));
			tar_reader_close(r);
			return 500;
		}
		r->open_failed = 1;
		snprintf(r->open_err, sizeof(r->open_err), "%s",
		    la.archive_error_string(r->a) != NULL ?
		    la.archive_error_string(r->a) : "unreadable");
	}
	*out = r;
	return 0;
}

/* The name a type of entry we refuse is called by in messages. */
static const char *
entry_type_name(unsigned int type)
{
	switch (type) {
	case AE_IFLNK:	return "symbolic link";
	case AE_IFCHR:	return "character device";
	case AE_IFBLK:	return "block device";
	case AE_IFIFO:	return "fifo";
	case AE_IFSOCK:	return "socket";
	default:	return "entry of unknown type";
	}
}

/* A failure of the tar itself is the client's (400), of our reading
 * ours (500). */
static int
reader_failed(struct tar_reader *r, const char *what, char *err,
    size_t errlen)
{
	const char *s = la.archive_error_string(r->a);

	snprintf(err, errlen, "%s%s", r->io_failed ? "" : what,
	    s != NULL ? s : "unreadable");
	return r->io_failed ? 500 : 400;
}

int
tar_reader_next(struct tar_reader *r, struct tar_entry *e, char *err,
    size_t errlen)
{
	static const char	 what[] = "the body is not a tar or a gzip "
	    "compressed tar: ";
	struct archive_entry	*ae;
	unsigned int		 type;
	int			 rc;

	if (r->open_failed) {
		snprintf(err, errlen, "%s%s", what, r->open_err);
		return 400;
	}
	rc = la.archive_read_next_header(r->a, &ae);
	if (rc == ARCHIVE_EOF)
		return 0;
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN)
		return reader_failed(r, what, err, errlen);
	memset(e, 0, sizeof(*e));
	/* The name as stored (raw bytes for ustar); a pax name that does
	 * not convert to the locale's charset is taken as UTF-8. */
	if ((e->name = la.archive_entry_pathname(ae)) == NULL &&
	    (e->name = la.archive_entry_pathname_utf8(ae)) == NULL) {
		snprintf(err, errlen, "an entry's name can't be read");
		return 400;
	}
	/* A tar name ends at its first NUL in every header form libarchive
	 * hands us, so a NUL cannot survive into the name: the length is
	 * the string's. */
	e->namelen = strlen(e->name);
	e->mode = la.archive_entry_perm(ae) & 07777;
	type = la.archive_entry_filetype(ae);
	if (type == AE_IFREG && la.archive_entry_hardlink(ae) != NULL) {
		e->type = TAR_OTHER;
		e->type_name = "hard link";
	} else if (type == AE_IFREG) {
		e->type = TAR_FILE;
		e->type_name = "file";
		e->size = la.archive_entry_size(ae);
	} else if (type == AE_IFDIR) {
		e->type = TAR_DIR;
		e->type_name = "directory";
	} else {
		e->type = TAR_OTHER;
		e->type_name = la.archive_entry_hardlink(ae) != NULL ?
		    "hard link" : entry_type_name(type);
	}
	return 1;
}

ssize_t
tar_reader_read(struct tar_reader *r, void *p, size_t n, char *err,
    size_t errlen)
{
	la_ssize_t got;

	if ((got = la.archive_read_data(r->a, p, n)) < 0) {
		(void)reader_failed(r, "", err, errlen);
		return -1;
	}
	return got;
}

void
tar_reader_close(struct tar_reader *r)
{
	if (r == NULL)
		return;
	if (r->a != NULL)
		la.archive_read_free(r->a);
	free(r);
}

/* ---- writing ---- */

struct tar_writer {
	struct archive		*a;
	struct archive_entry	*e;
	tar_write_fn		 write;
	void			*ctx;
	int64_t			 left;		/* of the current file's data */
	int			 closed;	/* the end blocks are out */
};

/* libarchive's write callback: hand a block to the caller's function. */
static la_ssize_t
writer_write(struct archive *a, void *data, const void *p, size_t n)
{
	struct tar_writer *w = data;

	if (w->write(w->ctx, p, n) == -1) {
		la.archive_set_error(a, EPIPE, "the tar's reader is gone");
		return -1;
	}
	return (la_ssize_t)n;
}

int
tar_writer_open(tar_write_fn write, void *ctx, struct tar_writer **out,
    char *err, size_t errlen)
{
	struct tar_writer	*w;
	int			 rc;

	*out = NULL;
	if ((rc = tar_load(err, errlen)) != 0)
		return -1;
	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	w->write = write;
	w->ctx = ctx;
	if ((w->a = la.archive_write_new()) == NULL ||
	    (w->e = la.archive_entry_new()) == NULL ||
	    la.archive_write_set_format_pax_restricted(w->a) != ARCHIVE_OK ||
	    la.archive_write_add_filter_none(w->a) != ARCHIVE_OK ||
	    la.archive_write_set_bytes_per_block(w->a, TAR_BLOCK) !=
	    ARCHIVE_OK ||
	    la.archive_write_set_bytes_in_last_block(w->a, 1) != ARCHIVE_OK ||
	    la.archive_write_open(w->a, w, NULL, writer_write, NULL) !=
	    ARCHIVE_OK) {
		snprintf(err, errlen, "can't start a tar: %s",
		    w->a != NULL && la.archive_error_string(w->a) != NULL ?
		    la.archive_error_string(w->a) : "out of memory");
		tar_writer_free(w);
		return -1;
	}
	*out = w;
	return 0;
}

/* libarchive pads a file given fewer bytes than its header announced with
 * zeros, silently: a short file is a caller's error we report. */
static int
writer_check_complete(struct tar_writer *w, char *err, size_t errlen)
{
	if (w->left == 0)
		return 0;
	snprintf(err, errlen, "a tar entry got %lld bytes fewer than its "
	    "size", (long long)w->left);
	return -1;
}

int
tar_writer_entry(struct tar_writer *w, const char *name, int is_dir,
    int64_t mode, int64_t size, int64_t mtime, char *err, size_t errlen)
{
	int rc;

	if (writer_check_complete(w, err, errlen) == -1)
		return -1;
	if (!is_dir && size < 0) {
		snprintf(err, errlen, "a tar entry of negative size");
		return -1;
	}
	la.archive_entry_clear(w->e);
	la.archive_entry_set_pathname(w->e, name);
	la.archive_entry_set_filetype(w->e, is_dir ? AE_IFDIR : AE_IFREG);
	la.archive_entry_set_perm(w->e, (__LA_MODE_T)(mode & 07777));
	la.archive_entry_set_size(w->e, is_dir ? 0 : size);
	la.archive_entry_set_mtime(w->e, (time_t)mtime, 0);
	la.archive_entry_set_uid(w->e, 0);
	la.archive_entry_set_gid(w->e, 0);
	rc = la.archive_write_header(w->a, w->e);
	if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) {
		snprintf(err, errlen, "can't write the tar entry: %s",
		    la.archive_error_string(w->a));
		return -1;
	}
	w->left = is_dir ? 0 : size;
	return 0;
}

int
tar_writer_data(struct tar_writer *w, const void *p, size_t n, char *err,
    size_t errlen)
{
	const char	*s = p;
	la_ssize_t	 put;

	if ((int64_t)n > w->left) {
		snprintf(err, errlen, "a tar entry got more bytes than its "
		    "size");
		return -1;
	}
	while (n > 0) {
		if ((put = la.archive_write_data(w->a, s, n)) <= 0) {
			snprintf(err, errlen, "can't write the tar: %s",
			    la.archive_error_string(w->a) != NULL ?
			    la.archive_error_string(w->a) : "no progress");
			return -1;
		}
		s += put;
		n -= (size_t)put;
		w->left -= put;
	}
	return 0;
}

int
tar_writer_close(struct tar_writer *w, char *err, size_t errlen)
{
	if (writer_check_complete(w, err, errlen) == -1)
		return -1;
	if (la.archive_write_close(w->a) != ARCHIVE_OK) {
		snprintf(err, errlen, "can't end the tar: %s",
		    la.archive_error_string(w->a) != NULL ?
		    la.archive_error_string(w->a) : "unknown error");
		return -1;
	}
	w->closed = 1;
	return 0;
}

/* A stream not closed is abandoned: libarchive must not end it with its
 * end blocks (a truncated tar has to look truncated to its reader). */
void
tar_writer_free(struct tar_writer *w)
{
	if (w == NULL)
		return;
	if (w->e != NULL)
		la.archive_entry_free(w->e);
	if (w->a != NULL) {
		if (!w->closed)
			la.archive_write_fail(w->a);
		la.archive_write_free(w->a);
	}
	free(w);
}
