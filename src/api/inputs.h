/*
 * inputs.h — a job's input sandbox as the schedd expects it: the names a
 * job's ad says it takes as input, the rules an uploaded entry's name
 * must follow, and the check of a whole staged tar against both — done
 * before the schedd sees a byte, so that a refusal leaves the job held
 * and a retry works.  Then the same tar as the sandbox_source the schedd
 * client uploads from, with the directories a tar may leave implicit.
 */
#ifndef API_INPUTS_H
#define API_INPUTS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "schedd/schedd.h"

struct classad;
struct buf;

/* The names a job takes as input, as they must appear in its spool
 * (HTCondor rewrites them to basenames at commit, §9.3.3): the basename
 * of Cmd unless TransferExecutable is false, of In unless it is unset,
 * /dev/null or TransferIn is false, and each TransferInput entry (its
 * basename, or itself when PreserveRelativePaths is true and it is
 * relative); URLs are fetched by the execute side and not named.  A
 * name is a file or a directory, whose whole subtree it covers. */
struct input_names;

/* From a job ad.  0, or 500 (memory). */
int	input_names_from_ad(const struct classad *ad,
	    struct input_names **out, char *err, size_t errlen);
/* Do two jobs take the same names (a cluster upload sends one sandbox
 * to all its procs)? */
int	input_names_equal(const struct input_names *a,
	    const struct input_names *b);
size_t	input_names_count(const struct input_names *n);
/* "a, b, c" of all names, for messages. */
void	input_names_list(const struct input_names *n, struct buf *out);
void	input_names_free(struct input_names *n);

/* Is NAME (LEN bytes, may hold NUL) canonical: relative, no leading '/',
 * no empty, "." or ".." component, no NUL or backslash, at most
 * INPUT_MAX_NAME bytes (a trailing '/' of a directory is allowed and not
 * counted)?  0, or -1 with WHY. */
int	input_name_check(const char *name, size_t len, char *why,
	    size_t whylen);

/* Limits of one upload. */
struct input_limits {
	int64_t	max_bytes;		/* file bytes, after decompression */
	int64_t	max_files;		/* entries, directories included */
};

/* What a checked tar holds. */
struct input_summary {
	int64_t	files;			/* regular files */
	int64_t	dirs;
	int64_t	bytes;			/* their total size */
	int64_t	exe_bytes;		/* the executable's size, or -1 */
	int64_t	input_kb;		/* the other inputs as condor_submit
					 * sums them: KiB, rounded up per
					 * named input */
};

/* Check the tar in FD's bytes [OFFSET, OFFSET + LENGTH) entry by entry:
 * each name canonical, regular files and directories only, no entry
 * twice, every entry covered by NAMES and every name present (NAMES NULL:
 * any names), within LIMITS (the byte cap counts data as it is
 * decompressed, so a compression bomb stops at the cap).  0 with SUM;
 * 400 naming the entry or listing what is missing or unexpected; 413
 * over a cap; 500. */
int	input_check_tar(int fd, off_t offset, off_t length,
	    struct input_names *names, const struct input_limits *limits,
	    struct input_summary *sum, char *err, size_t errlen);

/* The checked tar as an upload source: its entries in order, each
 * missing parent directory announced before its first child.  0 with
 * *OUT filled, or 500.  input_source_free after. */
struct input_source;
int	input_source_tar(int fd, off_t offset, off_t length,
	    struct input_source **src, struct sandbox_source *out, char *err,
	    size_t errlen);
void	input_source_free(struct input_source *src);

#endif
