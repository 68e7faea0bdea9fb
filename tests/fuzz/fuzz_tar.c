/*
 * fuzz_tar.c — libFuzzer harness for the tar entry checker fed by
 * libarchive: the input is a staged upload body (a tar, gzip-compressed
 * or not) written to a memory file, checked against a job's fixed input
 * names and against no names, and when the check passes, walked as the
 * upload source (every entry, every byte) the way the schedd client
 * would.  Small caps keep each run fast and bound a compression bomb.
 */
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "api/inputs.h"
#include "classad/classad.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct input_names *
fixed_names(void)
{
	static struct input_names	*names;
	struct classad			*ad;
	char				 err[256];

	if (names != NULL)
		return names;
	ad = classad_new();
	if (ad == NULL ||
	    classad_insert_string(ad, "Cmd", "/home/u/job.sh") == -1 ||
	    classad_insert_string(ad, "TransferInput",
	    "in.txt, data/, sub/deep/f") == -1 ||
	    classad_insert_bool(ad, "PreserveRelativePaths", 1) == -1 ||
	    input_names_from_ad(ad, &names, err, sizeof(err)) != 0)
		__builtin_trap();
	classad_free(ad);
	return names;
}

/* Walk the checked tar as the upload source does, twice (rewind). */
static void
walk(int fd, off_t len)
{
	struct input_source	*s;
	struct sandbox_source	 src;
	struct sandbox_entry	 e;
	char			 err[256], buf[4096];
	int64_t			 got;
	ssize_t			 n;
	int			 pass, rc;

	if (input_source_tar(fd, 0, len, &s, &src, err, sizeof(err)) != 0)
		return;
	for (pass = 0; pass < 2; pass++) {
		if (src.rewind(src.ctx, err, sizeof(err)) == -1)
			break;
		while ((rc = src.next(src.ctx, &e, err, sizeof(err))) == 1) {
			if (e.name == NULL || e.name[0] == '\0' ||
			    e.name[0] == '/')
				__builtin_trap();
			if (e.is_dir)
				continue;
			got = 0;
			while ((n = src.read(src.ctx, buf, sizeof(buf), err,
			    sizeof(err))) > 0)
				got += n;
			/* The check read the same bytes: they are all
			 * there. */
			if (n < 0 || got != e.size)
				__builtin_trap();
		}
		if (rc == -1)
			__builtin_trap();
	}
	input_source_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int		 fd = -1;
	struct input_limits	 lim = { 1 << 20, 200 };
	struct input_summary	 sum;
	char			 err[512];

	if (fd == -1 && (fd = memfd_create("fuzz_tar", 0)) == -1)
		__builtin_trap();
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, data, size, 0) != (ssize_t)size)
		__builtin_trap();
	(void)input_check_tar(fd, 0, (off_t)size, fixed_names(), &lim, &sum,
	    err, sizeof(err));
	if (input_check_tar(fd, 0, (off_t)size, NULL, &lim, &sum, err,
	    sizeof(err)) == 0) {
		if (sum.bytes > lim.max_bytes ||
		    sum.files + sum.dirs > lim.max_files)
			__builtin_trap();
		walk(fd, (off_t)size);
	}
	return 0;
}
