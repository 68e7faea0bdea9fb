/*
 * test_tar.c — tar through libarchive (api/tar.c) and the input sandbox
 * check (api/inputs.c).  Tars are made by the writer itself into memory
 * files, or by tar(1), gzip(1), xz(1) and bzip2(1) where the writer cannot
 * make them (links, fifos, other compressions).  Every refusal the upload
 * route promises is pinned here: entry types, names that are not
 * canonical, duplicates, unexpected and missing names, the caps (a gzip
 * bomb stopped at the byte cap with bounded memory), and the source's
 * implicit parent directories.
 */
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "api/inputs.h"
#include "api/tar.h"
#include "classad/classad.h"
#include "util/buf.h"
#include "util/file.h"
#include "tap.h"

/* One entry the writer makes: a directory, or a file of SIZE bytes of
 * pattern(). */
struct spec {
	const char	*name;
	int		 is_dir;
	int64_t		 size;
};

static unsigned char
pattern(int64_t i)
{
	return (unsigned char)(i * 31 + 7);
}

/* tar_write_fn into the descriptor *CTX. */
static int
write_fd(void *ctx, const void *p, size_t n)
{
	return file_write_all(*(int *)ctx, p, n);
}

/* Write SPECS as a tar to FD.  0 or -1. */
static int
write_tar(int fd, const struct spec *specs, size_t n)
{
	struct tar_writer	*w;
	unsigned char		 block[4096];
	char			 err[256];
	int64_t			 off, k, i;
	size_t			 j;

	if (tar_writer_open(write_fd, &fd, &w, err, sizeof(err)) == -1) {
		tap_diag("writer: %s", err);
		return -1;
	}
	for (j = 0; j < n; j++) {
		if (tar_writer_entry(w, specs[j].name, specs[j].is_dir,
		    specs[j].is_dir ? 0750 : 0640, specs[j].size,
		    1700000000, err, sizeof(err)) == -1)
			goto fail;
		for (off = 0; !specs[j].is_dir && off < specs[j].size;
		    off += k) {
			k = specs[j].size - off;
			if (k > (int64_t)sizeof(block))
				k = sizeof(block);
			for (i = 0; i < k; i++)
				block[i] = pattern(off + i);
			if (tar_writer_data(w, block, (size_t)k, err,
			    sizeof(err)) == -1)
				goto fail;
		}
	}
	if (tar_writer_close(w, err, sizeof(err)) == -1)
		goto fail;
	tar_writer_free(w);
	return 0;
fail:
	tap_diag("writer: %s", err);
	tar_writer_free(w);
	return -1;
}

/* A memory file holding the tar of SPECS. */
static int
make_tar(const struct spec *specs, size_t n)
{
	int fd;

	if ((fd = memfd_create("tar", 0)) == -1)
		return -1;
	if (write_tar(fd, specs, n) == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static off_t
fd_size(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? st.st_size : -1;
}

static char	tmpdir[] = "/tmp/test_tar.XXXXXX";

/* Run CMD with sh in the temporary folder and open the file OUT it made
 * there (-1 when either failed). */
static int
shell_tar(const char *cmd, const char *out)
{
	char	line[4096];
	int	fd;

	snprintf(line, sizeof(line), "cd %s && %s", tmpdir, cmd);
	if (system(line) != 0) {
		tap_diag("failed: %s", cmd);
		return -1;
	}
	snprintf(line, sizeof(line), "%s/%s", tmpdir, out);
	fd = open(line, O_RDONLY);
	return fd;
}

/* input_check_tar of all of FD. */
static int
check(int fd, struct input_names *names, int64_t max_bytes,
    int64_t max_files, struct input_summary *sum, char *err, size_t errlen)
{
	struct input_limits	lim = { max_bytes, max_files };
	struct input_summary	s;

	err[0] = '\0';
	return input_check_tar(fd, 0, fd_size(fd), names, &lim,
	    sum != NULL ? sum : &s, err, errlen);
}

/* The status of checking SPECS against no names, and the message. */
static int
check_specs(const struct spec *specs, size_t n, char *err, size_t errlen)
{
	int fd, rc;

	if ((fd = make_tar(specs, n)) == -1)
		return -1;
	rc = check(fd, NULL, 1 << 30, 10000, NULL, err, errlen);
	close(fd);
	return rc;
}

/* The names of a job whose ad is the old-syntax lines AD ("\n"). */
static struct input_names *
names_of(const char *ad_text)
{
	struct classad		*ad = classad_new();
	struct input_names	*n = NULL;
	char			 line[1024], err[256];
	const char		*p = ad_text, *nl;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		snprintf(line, sizeof(line), "%.*s",
		    (int)(nl != NULL ? nl - p : (long)strlen(p)), p);
		if (classad_insert_wire(ad, line, err, sizeof(err)) == -1)
			tap_diag("ad: %s: %s", line, err);
		p = nl != NULL ? nl + 1 : p + strlen(p);
	}
	if (input_names_from_ad(ad, &n, err, sizeof(err)) != 0)
		tap_diag("names: %s", err);
	classad_free(ad);
	return n;
}

/* input_names_list of the names of AD, compared with WANT. */
static int
names_are(const char *ad_text, const char *want)
{
	struct input_names	*n = names_of(ad_text);
	struct buf		 b = BUF_INIT;
	int			 ok;

	if (n == NULL)
		return 0;
	input_names_list(n, &b);
	ok = strcmp(buf_str(&b), want) == 0;
	if (!ok)
		tap_diag("names: \"%s\", want \"%s\"", buf_str(&b), want);
	buf_free(&b);
	input_names_free(n);
	return ok;
}

static void
round_trip(void)
{
	static const struct spec specs[] = {
		{ "d", 1, 0 },
		{ "d/empty", 0, 0 },
		{ "one", 0, 1 },
		{ "block", 0, 512 },
		{ "big", 0, 262144 + 1 },
	};
	struct tar_reader	*r;
	struct tar_entry	 e;
	unsigned char		 buf[7000];
	char			 err[256], cmd[256];
	size_t			 i = 0;
	int64_t			 got, bad;
	ssize_t			 n;
	int			 fd, rc, ok = 1;

	fd = make_tar(specs, 5);
	if (!tap_ok(fd != -1, "the writer makes a tar"))
		return;
	tap_ok(fd_size(fd) % 512 == 0 && fd_size(fd) < 262144 + 8 * 1024,
	    "the tar is not padded beyond its end blocks (%lld bytes)",
	    (long long)fd_size(fd));
	snprintf(cmd, sizeof(cmd), "tar -tf /proc/self/fd/%d >/dev/null "
	    "&& tar -xOf /proc/self/fd/%d big | wc -c | grep -qx 262145",
	    fd, fd);
	tap_ok(system(cmd) == 0, "tar(1) reads the writer's tar");
	if (!tap_ok(tar_reader_open(fd, 0, fd_size(fd), &r, err,
	    sizeof(err)) == 0, "the reader opens it"))
		return;
	while ((rc = tar_reader_next(r, &e, err, sizeof(err))) == 1) {
		if (i >= 5) {
			ok = 0;
			break;
		}
		if (strncmp(e.name, specs[i].name, strlen(specs[i].name)) ||
		    (e.type == TAR_DIR) != specs[i].is_dir ||
		    (!specs[i].is_dir && e.size != specs[i].size) ||
		    e.mode != (specs[i].is_dir ? 0750 : 0640)) {
			tap_diag("entry %zu: %s size %lld mode %llo", i,
			    e.name, (long long)e.size, (long long)e.mode);
			ok = 0;
		}
		got = bad = 0;
		while ((n = tar_reader_read(r, buf, sizeof(buf), err,
		    sizeof(err))) > 0) {
			for (int64_t k = 0; k < n; k++)
				bad += buf[k] != pattern(got + k);
			got += n;
		}
		if (n < 0 || bad != 0 ||
		    got != (specs[i].is_dir ? 0 : specs[i].size)) {
			tap_diag("entry %zu: read %lld, %lld wrong", i,
			    (long long)got, (long long)bad);
			ok = 0;
		}
		i++;
	}
	tap_ok(rc == 0 && i == 5 && ok, "writer -> reader: names, types, "
	    "modes, sizes 0, 1, 512, 262145 and the bytes");
	tar_reader_close(r);
	close(fd);
}

static void
compressions(void)
{
	struct input_summary	sum;
	char			err[512];
	int			fd;

	fd = shell_tar("printf hello > f && tar -cf plain.tar f && "
	    "gzip -c plain.tar > t.tgz && xz -c plain.tar > t.txz && "
	    "bzip2 -c plain.tar > t.tbz", "t.tgz");
	tap_ok(fd != -1 && check(fd, NULL, 1 << 20, 10, &sum, err,
	    sizeof(err)) == 0 && sum.files == 1 && sum.bytes == 5,
	    "a gzip-compressed tar is read (%s)", err);
	if (fd != -1)
		close(fd);
	fd = shell_tar("true", "t.txz");
	tap_ok(fd != -1 && check(fd, NULL, 1 << 20, 10, NULL, err,
	    sizeof(err)) == 400 && strstr(err, "not a tar") != NULL,
	    "an xz-compressed tar is 400 (%s)", err);
	if (fd != -1)
		close(fd);
	fd = shell_tar("true", "t.tbz");
	tap_ok(fd != -1 && check(fd, NULL, 1 << 20, 10, NULL, err,
	    sizeof(err)) == 400, "a bzip2-compressed tar is 400 (%s)", err);
	if (fd != -1)
		close(fd);
	fd = shell_tar("head -c 600 plain.tar > cut.tar", "cut.tar");
	tap_ok(fd != -1 && check(fd, NULL, 1 << 20, 10, NULL, err,
	    sizeof(err)) == 400, "a truncated tar is 400 (%s)", err);
	if (fd != -1)
		close(fd);
	fd = shell_tar(": > empty.tar", "empty.tar");
	tap_ok(fd != -1 && check(fd, NULL, 1 << 20, 10, &sum, err,
	    sizeof(err)) == 0 && sum.files == 0,
	    "an empty body is an empty tar (%s)", err);
	if (fd != -1)
		close(fd);
}

static void
entry_types(void)
{
	static const struct {
		const char *cmd, *type;
	} cases[] = {
		{ "ln -s f sym && tar -cf t.tar f sym", "\"sym\" is a "
		    "symbolic link" },
		{ "ln f hard && tar -cf t.tar f hard", "\"hard\" is a "
		    "hard link" },
		{ "mkfifo pipe && tar -cf t.tar f pipe", "\"pipe\" is a "
		    "fifo" },
	};
	char	err[512];
	size_t	i;
	int	fd;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		fd = shell_tar(cases[i].cmd, "t.tar");
		tap_ok(fd != -1 && check(fd, NULL, 1 << 20, 10, NULL, err,
		    sizeof(err)) == 400 && strstr(err, cases[i].type) != NULL,
		    "%s: 400 (%s)", cases[i].type, err);
		if (fd != -1)
			close(fd);
	}
}

static void
bad_names(void)
{
	static const char *const bad[] = {
		"../x", "/x", "a//b", "a/./b", "a\\b", "a/..", ".", "./x",
	};
	char		 err[512], *longname;
	struct spec	 s = { NULL, 0, 1 };
	size_t		 i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		s.name = bad[i];
		tap_ok(check_specs(&s, 1, err, sizeof(err)) == 400 &&
		    strstr(err, "the tar's entry") != NULL,
		    "entry name %s: 400 (%s)", bad[i], err);
	}
	longname = malloc(1026);
	memset(longname, 'n', 1025);
	longname[1025] = '\0';
	longname[100] = '/';
	s.name = longname;
	tap_ok(check_specs(&s, 1, err, sizeof(err)) == 400 &&
	    strstr(err, "longer than 1024") != NULL,
	    "a 1025-byte name: 400 (%s)", err);
	longname[1024] = '\0';
	tap_ok(check_specs(&s, 1, err, sizeof(err)) == 0,
	    "a 1024-byte name is fine (%s)", err);
	free(longname);

	tap_ok(input_name_check("d/", 2, err, sizeof(err)) == 0 &&
	    input_name_check("a\0b", 3, err, sizeof(err)) == -1 &&
	    input_name_check("", 0, err, sizeof(err)) == -1 &&
	    input_name_check("a/b/c", 5, err, sizeof(err)) == 0 &&
	    input_name_check("..a/b.", 6, err, sizeof(err)) == 0,
	    "input_name_check: a directory's '/', NUL, empty, dotted names");
}

static void
duplicates(void)
{
	static const struct spec dup[] = {
		{ "a", 0, 1 }, { "b", 0, 1 }, { "a", 0, 2 },
	};
	static const struct spec dupdir[] = {
		{ "d", 1, 0 }, { "d/x", 0, 1 }, { "d", 1, 0 },
	};
	static const struct spec implied_then_dir[] = {
		{ "d/x", 0, 1 }, { "d", 1, 0 },
	};
	static const struct spec file_and_dir[] = {
		{ "d", 0, 1 }, { "d/x", 0, 1 },
	};
	static const struct spec dir_and_file[] = {
		{ "d/e/x", 0, 1 }, { "d/e", 0, 1 },
	};
	char err[512];

	tap_ok(check_specs(dup, 3, err, sizeof(err)) == 400 &&
	    strstr(err, "\"a\" is in the tar twice") != NULL,
	    "a file twice: 400 (%s)", err);
	tap_ok(check_specs(dupdir, 3, err, sizeof(err)) == 400 &&
	    strstr(err, "twice") != NULL, "a directory twice: 400 (%s)",
	    err);
	tap_ok(check_specs(implied_then_dir, 2, err, sizeof(err)) == 0,
	    "a directory after its contents is fine (%s)", err);
	tap_ok(check_specs(file_and_dir, 2, err, sizeof(err)) == 400 &&
	    strstr(err, "\"d\" is a file, and also a directory") != NULL,
	    "a file, then something under it: 400 (%s)", err);
	tap_ok(check_specs(dir_and_file, 2, err, sizeof(err)) == 400 &&
	    strstr(err, "\"d/e\" is a file, and also a directory") != NULL,
	    "something under a name, then a file of that name: 400 (%s)",
	    err);
}

static void
coverage(void)
{
	static const struct spec good[] = {
		{ "job.sh", 0, 100 }, { "in.txt", 0, 3 },
		{ "data", 1, 0 }, { "data/a", 0, 5 }, { "data/sub/b", 0, 6 },
	};
	static const struct spec odd[] = {
		{ "job.sh", 0, 100 }, { "in.txt", 0, 3 }, { "extra", 0, 1 },
		{ "data/a", 0, 5 }, { "more", 1, 0 },
	};
	static const struct spec only_dir[] = {
		{ "job.sh", 0, 1 }, { "in.txt", 0, 3 }, { "data", 1, 0 },
	};
	static const struct spec missing[] = {
		{ "job.sh", 0, 1 },
	};
	static const struct spec preserved[] = {
		{ "in", 1, 0 }, { "in/x", 1, 0 }, { "in/x/y.txt", 0, 4 },
		{ "job.sh", 0, 9 },
	};
	static const struct spec preserved_bad[] = {
		{ "in", 0, 1 }, { "job.sh", 0, 9 },
	};
	struct input_names	*n, *p;
	struct input_summary	 sum;
	struct spec		 many[30];
	char			 err[512], names[30][8], ad[1024];
	int			 fd, i, rc;

	n = names_of("Cmd = \"/home/u/job.sh\"\n"
	    "TransferInput = \"in.txt,data/\"");
	if (!tap_ok(n != NULL, "names of a job"))
		return;
	fd = make_tar(good, 5);
	rc = check(fd, n, 1 << 20, 100, &sum, err, sizeof(err));
	tap_ok(rc == 0 && sum.files == 4 && sum.dirs == 2 && sum.bytes == 114 &&
	    sum.exe_bytes == 100,
	    "names, a directory name and what is under it: 0, summary "
	    "%lld files %lld dirs %lld bytes exe %lld (%s)",
	    (long long)sum.files, (long long)sum.dirs, (long long)sum.bytes,
	    (long long)sum.exe_bytes, err);
	close(fd);
	fd = make_tar(odd, 5);
	tap_ok(check(fd, n, 1 << 20, 100, NULL, err, sizeof(err)) == 400 &&
	    strstr(err, "does not take as input: \"extra\", \"more\"") !=
	    NULL, "unexpected entries: 400 listing them (%s)", err);
	close(fd);
	fd = make_tar(only_dir, 3);
	tap_ok(check(fd, n, 1 << 20, 100, NULL, err, sizeof(err)) == 0,
	    "an empty directory makes its name present (%s)", err);
	close(fd);
	fd = make_tar(missing, 1);
	tap_ok(check(fd, n, 1 << 20, 100, NULL, err, sizeof(err)) == 400 &&
	    strstr(err, "input \"data\", \"in.txt\" are missing") != NULL,
	    "missing names: 400 listing them (%s)", err);
	close(fd);
	input_names_free(n);

	p = names_of("Cmd = \"job.sh\"\nTransferInput = \"in/x/y.txt\"\n"
	    "PreserveRelativePaths = true");
	fd = make_tar(preserved, 4);
	tap_ok(p != NULL && check(fd, p, 1 << 20, 100, NULL, err,
	    sizeof(err)) == 0, "PreserveRelativePaths: the directories "
	    "above a name are allowed (%s)", err);
	close(fd);
	fd = make_tar(preserved_bad, 2);
	tap_ok(p != NULL && check(fd, p, 1 << 20, 100, NULL, err,
	    sizeof(err)) == 400, "... but not as files (%s)", err);
	close(fd);
	input_names_free(p);

	/* Twenty-five unexpected entries: ten are listed. */
	snprintf(ad, sizeof(ad), "TransferInput = \"wanted\"");
	for (i = 0; i < 25; i++) {
		snprintf(names[i], sizeof(names[i]), "u%02d", i);
		many[i].name = names[i];
		many[i].is_dir = 0;
		many[i].size = 0;
	}
	many[25].name = "wanted";
	many[25].is_dir = 0;
	many[25].size = 0;
	n = names_of(ad);
	fd = make_tar(many, 26);
	tap_ok(n != NULL && check(fd, n, 1 << 20, 100, NULL, err,
	    sizeof(err)) == 400 && strstr(err, "\"u09\" and 15 more") !=
	    NULL && strstr(err, "u10") == NULL,
	    "a long list: ten names and a count (%s)", err);
	close(fd);
	input_names_free(n);
}

static long
peak_rss_kib(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

static void
caps(void)
{
	static const struct spec four[] = {
		{ "a", 0, 1 }, { "b", 0, 1 }, { "c", 0, 1 }, { "d", 0, 1 },
	};
	static const struct spec deep[] = {
		{ "a/b/c/d", 0, 1 },
	};
	static const struct spec bomb[] = {
		{ "zeros", 0, 200LL << 20 },
	};
	struct input_summary	 sum;
	char			 err[512], path[256];
	long			 before, after;
	FILE			*gz;
	int			 fd, rc;

	fd = make_tar(four, 4);
	tap_ok(check(fd, NULL, 1 << 20, 3, NULL, err, sizeof(err)) == 413 &&
	    strstr(err, "HTTP_API_MAX_INPUT_FILES") != NULL,
	    "four files over a cap of three: 413 (%s)", err);
	tap_ok(check(fd, NULL, 1 << 20, 4, NULL, err, sizeof(err)) == 0,
	    "four files at a cap of four: 0 (%s)", err);
	tap_ok(check(fd, NULL, 3, 4, NULL, err, sizeof(err)) == 413 &&
	    strstr(err, "HTTP_API_MAX_INPUT_BYTES") != NULL,
	    "four bytes over a cap of three: 413 (%s)", err);
	close(fd);
	fd = make_tar(deep, 1);
	tap_ok(check(fd, NULL, 1 << 20, 3, NULL, err, sizeof(err)) == 413,
	    "implicit directories count against the file cap (%s)", err);
	tap_ok(check(fd, NULL, 1 << 20, 4, &sum, err, sizeof(err)) == 0 &&
	    sum.dirs == 3 && sum.files == 1, "... as directories");
	close(fd);

	/* 200 MiB of zeros, gzipped (about 200 KiB). */
	snprintf(path, sizeof(path), "gzip -1 > %s/bomb.tgz", tmpdir);
	if ((gz = popen(path, "w")) == NULL) {
		tap_ok(0, "gzip for the bomb");
		return;
	}
	fd = fileno(gz);
	rc = write_tar(fd, bomb, 1);
	rc |= pclose(gz);
	fd = shell_tar("true", "bomb.tgz");
	if (!tap_ok(rc == 0 && fd != -1, "a gzip bomb of %lld bytes "
	    "(%lld compressed)", 200LL << 20, (long long)fd_size(fd)))
		return;
	before = peak_rss_kib();
	tap_ok(check(fd, NULL, 10 << 20, 100, NULL, err, sizeof(err)) ==
	    413, "the bomb stops at a 10 MiB cap: 413 (%s)", err);
	after = peak_rss_kib();
	tap_ok(after - before < 16 * 1024, "... with peak RSS growing by "
	    "%ld KiB (from %ld KiB)", after - before, before);
	close(fd);
}

/* Collect what a source gives, as "d:a:755 f:a/b:640:1 ..." */
static int
source_walk(struct sandbox_source *src, struct buf *b)
{
	struct sandbox_entry	e;
	char			err[256], data[100];
	ssize_t			n;
	int64_t			total;
	int			rc;

	buf_reset(b);
	if (src->rewind(src->ctx, err, sizeof(err)) == -1)
		return -1;
	while ((rc = src->next(src->ctx, &e, err, sizeof(err))) == 1) {
		buf_addf(b, "%s%c:%s:%llo", b->len > 0 ? " " : "",
		    e.is_dir ? 'd' : 'f', e.name, (unsigned long long)e.mode);
		if (e.is_dir)
			continue;
		total = 0;
		while ((n = src->read(src->ctx, data, sizeof(data), err,
		    sizeof(err))) > 0)
			total += n;
		if (n < 0 || total != e.size)
			return -1;
		buf_addf(b, ":%lld", (long long)total);
	}
	if (rc != 0)
		tap_diag("source: %s", err);
	return rc;
}

static void
source(void)
{
	static const struct spec specs[] = {
		{ "a/b/c", 0, 3 }, { "a/b/d", 0, 300 }, { "a", 1, 0 },
		{ "x", 1, 0 }, { "x/y/z", 0, 0 }, { "top", 0, 1 },
	};
	static const char want[] = "d:a:755 d:a/b:755 f:a/b/c:640:3 "
	    "f:a/b/d:640:300 d:x:750 d:x/y:755 f:x/y/z:640:0 f:top:640:1";
	struct input_source	*s;
	struct sandbox_source	 src;
	struct buf		 b = BUF_INIT;
	char			 err[256];
	int			 fd, rc;

	fd = make_tar(specs, 6);
	err[0] = '\0';
	rc = input_source_tar(fd, 0, fd_size(fd), &s, &src, err, sizeof(err));
	if (!tap_ok(rc == 0, "a source over a tar (%s)", err))
		return;
	rc = source_walk(&src, &b);
	tap_ok(rc == 0 && strcmp(buf_str(&b), want) == 0,
	    "parents before their contents, each once, modes kept: %s",
	    buf_str(&b));
	rc = source_walk(&src, &b);
	tap_ok(rc == 0 && strcmp(buf_str(&b), want) == 0,
	    "rewind gives the same again");
	input_source_free(s);
	buf_free(&b);
	close(fd);
}

static void
names_from_ads(void)
{
	struct input_names *a, *b;

	tap_ok(names_are("Cmd = \"/bin/sleep\"\nTransferExecutable = false\n"
	    "In = \"/dev/null\"\n"
	    "TransferInput = \" in.txt , http://h/u,/abs/z.dat,dir/ ,"
	    "sub/q,osdf:///x/y\"", "dir, in.txt, q, z.dat"),
	    "names: no executable, no /dev/null, no URLs, basenames");
	tap_ok(names_are("Cmd = \"/home/u/run.sh\"\nIn = \"/home/u/stdin\"\n"
	    "TransferInput = \"sub/q, ./r/s,/abs/t, sub/q\"\n"
	    "PreserveRelativePaths = true", "r/s, run.sh, stdin, sub/q, t"),
	    "names: executable, stdin, relative paths kept, each once");
	tap_ok(names_are("Cmd = \"run.sh\"\nIn = \"data\"\n"
	    "TransferIn = false", "run.sh"), "names: TransferIn false");
	tap_ok(names_are("JobUniverse = 5", ""), "names: none");
	a = names_of("Cmd = \"/x/run.sh\"\nTransferInput = \"b,a\"");
	b = names_of("Cmd = \"/y/run.sh\"\nTransferInput = \"a, b\"");
	tap_ok(a != NULL && b != NULL && input_names_equal(a, b) &&
	    input_names_count(a) == 3, "two procs with the same names");
	input_names_free(b);
	b = names_of("Cmd = \"/y/run.sh\"\nTransferInput = \"a\"");
	tap_ok(b != NULL && !input_names_equal(a, b),
	    "two procs with different names");
	input_names_free(a);
	input_names_free(b);
}

int
main(void)
{
	char err[256], cmd[300];

	if (tar_load(err, sizeof(err)) != 0) {
		tap_ok(0, "libarchive loads: %s", err);
		return tap_done();
	}
	if (mkdtemp(tmpdir) == NULL) {
		tap_ok(0, "mkdtemp: %s", strerror(errno));
		return tap_done();
	}
	round_trip();
	compressions();
	entry_types();
	bad_names();
	duplicates();
	coverage();
	source();
	names_from_ads();
	caps();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", tmpdir);
	return tap_done();
}
