/*
 * file.h — reading a whole file with a cap, the one way every module
 * reads a configuration file, a submit include or items file, the
 * schedd's address and daemon ad files, and the tests' recorded data.
 * A file over its cap is an error, never silently cut short.  And
 * writing a whole buffer to a descriptor, as staging an upload does, or
 * over a file, all or nothing; and removing a directory tree, as the demo
 * mode does at exit.
 */
#ifndef FILE_H
#define FILE_H

#include <stddef.h>

struct buf;

/* Replace OUT's contents with the whole of the file PATH, at most CAP
 * bytes (0: BUF_DEFAULT_CAP); OUT's cap is CAP afterwards.  0, or -1
 * with errno set (EISDIR for a directory, EFBIG for a file over CAP) and
 * ERR saying "can't open file PATH: ...", "can't read file PATH: ..." or
 * "file PATH is too large (over CAP bytes)". */
int	 file_read_capped(const char *path, size_t cap, struct buf *out,
	    char *err, size_t errlen);

/* Write all N bytes of P to FD, retrying short writes and EINTR.  0, or
 * -1 with errno. */
int	 file_write_all(int fd, const void *p, size_t n);

/* Replace the file PATH by the N bytes at P (created with MODE), so that
 * a reader, or a crash, finds the old contents or the new, never part of
 * them: written to PATH.new, synced, renamed over PATH, the directory
 * synced.  0, or -1 with errno (PATH.new removed). */
int	 file_replace(const char *path, const void *p, size_t n, int mode);

/* Remove PATH and everything under it, never following a symbolic link
 * out of it.  0, or -1 with errno of the first failure (the rest is
 * still tried). */
int	 file_remove_tree(const char *path);

#endif
