/*
 * sandbox-client.c — drive schedd_spool and schedd_transfer against a
 * schedd, for tests of the test schedd's sandbox commands without the
 * HTTP layer.
 *
 *	sandbox-client ADDRESS-FILE TOKEN-FILE spool C.P FILE...
 *	sandbox-client ADDRESS-FILE TOKEN-FILE fetch CONSTRAINT OUT-DIR [finish]
 *
 * spool uploads each FILE under its basename; fetch writes each job's
 * entries under OUT-DIR/C.P/ and prints "C.P" per job and "NAME SIZE"
 * (a directory's NAME ends in '/') per entry.  Exits 0, or prints the
 * status and reason and exits 1.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "schedd/schedd.h"

/* The files of the command line, one after another. */
struct files {
	char	**path;
	int	  n, cur, fd;
};

static int
f_rewind(void *ctx, char *err, size_t errlen)
{
	struct files	*f = ctx;

	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	f->cur = -1;
	return 0;
}

static int
f_next(void *ctx, struct sandbox_entry *e, char *err, size_t errlen)
{
	struct files	*f = ctx;
	struct stat	 sb;

	if (f->fd != -1)
		close(f->fd);
	f->fd = -1;
	if (++f->cur >= f->n)
		return 0;
	if ((f->fd = open(f->path[f->cur], O_RDONLY)) == -1 ||
	    fstat(f->fd, &sb) == -1) {
		snprintf(err, errlen, "cannot read %s", f->path[f->cur]);
		return -1;
	}
	e->name = basename(f->path[f->cur]);
	e->is_dir = 0;
	e->mode = sb.st_mode & 0777;
	e->size = sb.st_size;
	return 1;
}

static ssize_t
f_read(void *ctx, void *p, size_t n, char *err, size_t errlen)
{
	struct files	*f = ctx;

	return read(f->fd, p, n);
}

/* Output under OUT/C.P/. */
struct out {
	const char	*dir;
	char		 job[64];
	int		 fd;
};

static int
o_job(void *ctx, const struct classad *ad, char *err, size_t errlen)
{
	struct out	*o = ctx;
	struct buf	 b = BUF_INIT;
	int64_t		 c = -1, p = -1;

	classad_lookup_int(ad, "ClusterId", &c);
	classad_lookup_int(ad, "ProcId", &p);
	snprintf(o->job, sizeof(o->job), "%lld.%lld", (long long)c,
	    (long long)p);
	printf("%s\n", o->job);
	buf_addf(&b, "%s/%s", o->dir, o->job);
	mkdir(buf_str(&b), 0755);
	buf_free(&b);
	return 0;
}

static int
o_entry(void *ctx, const struct sandbox_entry *e, char *err, size_t errlen)
{
	struct out	*o = ctx;
	struct buf	 b = BUF_INIT;
	int		 rc = 0;

	printf("%s%s %lld\n", e->name, e->is_dir ? "/" : "",
	    (long long)e->size);
	buf_addf(&b, "%s/%s/%s", o->dir, o->job, e->name);
	if (e->is_dir)
		rc = mkdir(buf_str(&b), 0755) == -1 && errno != EEXIST ? -1 : 0;
	else if ((o->fd = open(buf_str(&b), O_WRONLY | O_CREAT | O_TRUNC,
	    0644)) == -1)
		rc = -1;
	if (rc == -1)
		snprintf(err, errlen, "cannot create %s", buf_str(&b));
	buf_free(&b);
	return rc;
}

static int
o_data(void *ctx, const void *p, size_t n, char *err, size_t errlen)
{
	struct out	*o = ctx;

	return write(o->fd, p, n) == (ssize_t)n ? 0 : -1;
}

static int
o_end(void *ctx, char *err, size_t errlen)
{
	struct out	*o = ctx;

	if (o->fd != -1)
		close(o->fd);
	o->fd = -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct schedd		 sd;
	struct cedar_auth	 auth;
	struct buf		 addr = BUF_INIT, tok = BUF_INIT;
	char			 err[512] = "";
	int			 rc, started = 0;

	if (argc < 6) {
		fprintf(stderr, "usage: sandbox-client ADDRFILE TOKENFILE "
		    "spool C.P FILE... | fetch CONSTRAINT OUTDIR [finish]\n");
		return 2;
	}
	if (cedar_address_file_read(argv[1], &addr, err, sizeof(err)) == -1 ||
	    file_read_capped(argv[2], 0, &tok, err, sizeof(err)) == -1) {
		fprintf(stderr, "sandbox-client: %s\n", err);
		return 2;
	}
	while (tok.len > 0 && (tok.data[tok.len - 1] == '\n' ||
	    tok.data[tok.len - 1] == '\r'))
		tok.data[--tok.len] = '\0';
	memset(&sd, 0, sizeof(sd));
	if (cedar_connect(buf_str(&addr), 10000, &sd.stream, err,
	    sizeof(err)) != CEDAR_OK) {
		fprintf(stderr, "sandbox-client: %s\n", err);
		return 2;
	}
	cedar_set_timeout(sd.stream, 10000);
	memset(&auth, 0, sizeof(auth));
	auth.command = strcmp(argv[3], "spool") == 0 ?
	    CEDAR_SPOOL_JOB_FILES_WITH_PERMS : CEDAR_TRANSFER_DATA_WITH_PERMS;
	auth.token = buf_str(&tok);
	if (cedar_client_handshake(sd.stream, &auth, NULL) != CEDAR_OK) {
		fprintf(stderr, "sandbox-client: %s\n", cedar_error(sd.stream));
		return 2;
	}
	if (strcmp(argv[3], "spool") == 0) {
		struct schedd_job_id	 id;
		struct files		 f = { argv + 5, argc - 5, -1, -1 };
		struct sandbox_source	 src = { f_rewind, f_next, f_read, &f };
		struct stat		 sb;
		int64_t			 size = 0;
		int			 i;

		if (sscanf(argv[4], "%d.%d", &id.cluster, &id.proc) != 2)
			return 2;
		for (i = 5; i < argc; i++)
			if (stat(argv[i], &sb) == 0)
				size += sb.st_size;
		rc = schedd_spool(&sd, &id, 1, size, &src, &started, err,
		    sizeof(err));
		if (rc != 0)
			fprintf(stderr, "status %d (started %d): %s\n", rc,
			    started, err);
	} else {
		struct out		 o = { argv[5], "", -1 };
		struct sandbox_sink	 sink = { o_job, o_entry, o_data, o_end,
					    &o };
		int64_t			 n = 0;

		rc = schedd_transfer(&sd, argv[4], argc > 6 &&
		    strcmp(argv[6], "finish") == 0, &sink, &n, err,
		    sizeof(err));
		if (rc != 0)
			fprintf(stderr, "status %d: %s\n", rc, err);
	}
	schedd_close(&sd);
	buf_wipe(&tok);
	buf_free(&addr);
	return rc == 0 ? 0 : 1;
}
