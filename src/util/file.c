/*
 * file.c — whole-file reads with a cap, and whole-file writes that
 * replace a file all at once.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"

/* Read FD to its end into OUT, which refuses to grow past its cap.  0, or
 * -1 with errno set (EFBIG when the cap was reached). */
static int
read_all(int fd, struct buf *out)
{
	char	 chunk[8192];
	ssize_t	 n;

	for (;;) {
		n = read(fd, chunk, sizeof(chunk));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			return 0;
		if (buf_add(out, chunk, (size_t)n) == -1) {
			errno = out->len + (size_t)n > out->cap ? EFBIG : ENOMEM;
			return -1;
		}
	}
}

/* A directory is refused before reading: read(2) on one fails with
 * EISDIR on Linux but not everywhere.  The buffer's own cap enforces
 * CAP, so a file that grows while it is read is still bounded. */
int
file_read_capped(const char *path, size_t cap, struct buf *out, char *err,
    size_t errlen)
{
	struct stat	 st;
	int		 fd, rc, saved;

	if (cap == 0)
		cap = BUF_DEFAULT_CAP;
	buf_free(out);
	out->cap = cap;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "can't open file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1 || S_ISDIR(st.st_mode)) {
		saved = S_ISDIR(st.st_mode) ? EISDIR : errno;
		close(fd);
		snprintf(err, errlen, "can't open file %s: %s", path,
		    strerror(saved));
		errno = saved;
		return -1;
	}
	rc = read_all(fd, out);
	saved = errno;
	close(fd);
	if (rc == 0)
		return 0;
	if (saved == EFBIG)
		snprintf(err, errlen, "file %s is too large (over %zu bytes)",
		    path, cap);
	else
		snprintf(err, errlen, "can't read file %s: %s", path,
		    strerror(saved));
	buf_free(out);
	errno = saved;
	return -1;
}

int
file_write_all(int fd, const void *p, size_t n)
{
	const char	*c = p;
	ssize_t		 w;

	while (n > 0) {
		if ((w = write(fd, c, n)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/* nftw keeps no context, so the first error is kept here. */
static int	remove_errno;

static int
remove_entry(const char *path, const struct stat *st, int type,
    struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	if ((type == FTW_DP || type == FTW_DNR ? rmdir(path) :
	    unlink(path)) == -1 &&
	    errno != ENOENT && remove_errno == 0)
		remove_errno = errno;
	return 0;
}

/* Depth first (FTW_DEPTH) so a directory is empty when it is removed, and
 * physical (FTW_PHYS) so a link is removed, not followed. */
int
file_remove_tree(const char *path)
{
	remove_errno = 0;
	if (nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == -1 &&
	    errno != ENOENT)
		return -1;
	if (remove_errno != 0) {
		errno = remove_errno;
		return -1;
	}
	return 0;
}

/* Sync the directory holding PATH, so a rename in it is durable. */
static int
sync_dir(const char *path)
{
	struct buf	 dir = BUF_INIT;
	const char	*sl = strrchr(path, '/');
	int		 fd, rc = -1;

	if (sl == NULL)
		buf_adds(&dir, ".");
	else
		buf_add(&dir, path, sl == path ? 1 : (size_t)(sl - path));
	if (!dir.failed &&
	    (fd = open(buf_str(&dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		rc = fsync(fd);
		close(fd);
	}
	buf_free(&dir);
	return rc;
}

int
file_replace(const char *path, const void *p, size_t n, int mode)
{
	struct buf	 tmp = BUF_INIT;
	int		 fd, saved, rc = -1;

	if (buf_addf(&tmp, "%s.new", path) == -1) {
		errno = ENOMEM;
		return -1;
	}
	if ((fd = open(buf_str(&tmp), O_WRONLY | O_CREAT | O_TRUNC |
	    O_NOFOLLOW | O_CLOEXEC, mode)) == -1)
		goto out;
	if (file_write_all(fd, p, n) == -1 || fsync(fd) == -1) {
		saved = errno;
		close(fd);
		unlink(buf_str(&tmp));
		errno = saved;
		goto out;
	}
	if (close(fd) == -1 || rename(buf_str(&tmp), path) == -1) {
		saved = errno;
		unlink(buf_str(&tmp));
		errno = saved;
		goto out;
	}
	rc = sync_dir(path);
out:
	buf_free(&tmp);
	return rc;
}
