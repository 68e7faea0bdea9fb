/*
 * tar.h — tar streams through libarchive, which is loaded (dlopen) only
 * when a sandbox route first needs it: every request is a new process,
 * and linking libarchive would make every route pay for loading it and
 * its twenty-odd libraries.  Reading accepts a plain or gzip-compressed
 * tar (pax, ustar, GNU) and nothing else: other decompressors' memory is
 * not ours to bound.  Writing produces a pax tar stream.
 */
#ifndef API_TAR_H
#define API_TAR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Load libarchive (once per process).  0, or 500 with ERR when the
 * library or one of its functions cannot be found. */
int	tar_load(char *err, size_t errlen);

enum tar_type {
	TAR_FILE,
	TAR_DIR,
	TAR_OTHER			/* symlink, hard link, device, fifo */
};

/* An entry as read.  NAME and TYPE_NAME stay valid until the next
 * tar_reader_next. */
struct tar_entry {
	const char	*name;		/* as stored; may not be canonical */
	size_t		 namelen;	/* may be < strlen when NAME has NUL */
	enum tar_type	 type;
	const char	*type_name;	/* "symlink", "hard link", ... */
	int64_t		 mode;		/* permission bits */
	int64_t		 size;		/* a file's bytes */
};

struct tar_reader;

/* Read the tar held in FD's bytes [OFFSET, OFFSET + LENGTH) (FD is not
 * closed; reads use pread, so the offset of FD is not used).  0, or 500
 * with ERR. */
int	tar_reader_open(int fd, off_t offset, off_t length,
	    struct tar_reader **out, char *err, size_t errlen);
/* 1 with E, 0 after the last entry, or 400 with ERR (not a tar, a
 * corrupt header, a compression other than gzip). */
int	tar_reader_next(struct tar_reader *r, struct tar_entry *e, char *err,
	    size_t errlen);
/* Up to N bytes of the current entry's data: the count, 0 at its end, or
 * -1 with ERR (corrupt or truncated data). */
ssize_t	tar_reader_read(struct tar_reader *r, void *p, size_t n, char *err,
	    size_t errlen);
void	tar_reader_close(struct tar_reader *r);

/* A tar stream handed to WRITE as it is produced (WRITE returns 0, or -1
 * when its reader is gone). */
struct tar_writer;
typedef int (*tar_write_fn)(void *ctx, const void *p, size_t n);

int	tar_writer_open(tar_write_fn write, void *ctx, struct tar_writer **out,
	    char *err, size_t errlen);
/* An entry's header: a directory, or a file of SIZE bytes whose data
 * follows with tar_writer_data (exactly SIZE bytes in all).  0 or -1. */
int	tar_writer_entry(struct tar_writer *w, const char *name, int is_dir,
	    int64_t mode, int64_t size, int64_t mtime, char *err,
	    size_t errlen);
int	tar_writer_data(struct tar_writer *w, const void *p, size_t n,
	    char *err, size_t errlen);
/* The end blocks.  0 or -1.  tar_writer_free after either way. */
int	tar_writer_close(struct tar_writer *w, char *err, size_t errlen);
void	tar_writer_free(struct tar_writer *w);

#endif
