/*
 * queue.c — the demo schedd's job queue and history: two files of the
 * state directory ("queue", "history"), read and replaced whole (written
 * aside, synced, renamed: a crash leaves the old file or the new one)
 * under an fcntl lock on a third file, "queue.lock", that is never
 * replaced, so the connection processes and the runner see each other's
 * changes.  A file holds ads as
 * "<attributes>\n" then, per attribute, "<length> Name = value\n": a
 * value may hold any byte, a newline too.  The queue file starts with
 * the next cluster id, so an id is never given out twice, across runs
 * too.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "classad/classad.h"
#include "demo/demo_int.h"

/* Appending can fail only for memory, which a caller reports. */
int
jobs_add(struct demo_jobs *j, struct classad *ad)
{
	struct classad	**v;

	if (ad == NULL ||
	    (v = reallocarray(j->ad, j->n + 1, sizeof(*v))) == NULL) {
		classad_free(ad);
		return -1;
	}
	j->ad = v;
	j->ad[j->n++] = ad;
	return 0;
}

/* Drop job I (not freed: the caller moved or freed it), keeping the
 * order. */
void
jobs_del(struct demo_jobs *j, size_t i)
{
	memmove(j->ad + i, j->ad + i + 1, (j->n - i - 1) * sizeof(*j->ad));
	j->n--;
}

/* Free every ad and the set. */
void
jobs_free(struct demo_jobs *j)
{
	size_t	 i;

	for (i = 0; i < j->n; i++)
		classad_free(j->ad[i]);
	free(j->ad);
	j->ad = NULL;
	j->n = 0;
}

/* The index of job C.P in J, or -1. */
long
jobs_find(const struct demo_jobs *j, int64_t c, int64_t p)
{
	int64_t	 jc, jp;
	size_t	 i;

	for (i = 0; i < j->n; i++)
		if (j->ad[i] != NULL &&
		    classad_lookup_int(j->ad[i], "ClusterId", &jc) == 0 &&
		    classad_lookup_int(j->ad[i], "ProcId", &jp) == 0 &&
		    jc == c && jp == p)
			return (long)i;
	return -1;
}

/* A transaction works on copies, so an abort leaves the queue as it
 * was. */
struct classad *
ad_copy(const struct classad *ad)
{
	struct classad	*c;
	size_t		 i, n;

	if ((c = classad_new()) == NULL)
		return NULL;
	for (i = 0, n = classad_count(ad); i < n; i++)
		if (classad_insert_parsed(c, classad_name_at(ad, i),
		    classad_expr_copy(classad_expr_at(ad, i))) == -1) {
			classad_free(c);
			return NULL;
		}
	return c;
}

/* A job belongs to its Owner attribute, as in the schedd. */
int
owned_by(const struct classad *ad, const char *owner)
{
	const char	*o;

	return classad_lookup_string(ad, "Owner", &o) == 0 &&
	    strcmp(o, owner) == 0;
}

/* Open (or create) the lock file of the queue and history. */
int
queue_open(struct demo *d, char *err, size_t errlen)
{
	struct buf	 path = BUF_INIT;

	buf_addf(&path, "%s/queue.lock", d->state);
	d->lockfd = open(buf_str(&path), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lockfd == -1)
		snprintf(err, errlen, "cannot open %s: %s", buf_str(&path),
		    strerror(errno));
	buf_free(&path);
	return d->lockfd == -1 ? -1 : 0;
}

/* Lock the queue and the history: F_RDLCK or F_WRLCK (per process, so it
 * excludes the others), F_UNLCK to release. */
void
queue_lock(struct demo *d, short type)
{
	struct flock	 fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	while (fcntl(d->lockfd, F_SETLKW, &fl) == -1 && errno == EINTR)
		;
}

/* Read the whole of the state file NAME into B; a file not there yet
 * reads as empty. */
static int
read_state(const struct demo *d, const char *name, struct buf *b)
{
	struct buf	 path = BUF_INIT;
	char		 tmp[65536];
	ssize_t		 n = 0;
	int		 fd;

	buf_addf(&path, "%s/%s", d->state, name);
	fd = open(buf_str(&path), O_RDONLY | O_CLOEXEC);
	buf_free(&path);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	while ((n = read(fd, tmp, sizeof(tmp))) > 0 ||
	    (n == -1 && errno == EINTR))
		if (n > 0 && buf_add(b, tmp, (size_t)n) == -1) {
			n = -1;
			break;
		}
	close(fd);
	return n == 0 ? 0 : -1;
}

/* Replace the state file NAME by B. */
static int
write_state(const struct demo *d, const char *name, const struct buf *b)
{
	struct buf	 path = BUF_INIT;
	int		 rc = -1;

	if (buf_addf(&path, "%s/%s", d->state, name) == 0)
		rc = file_replace(buf_str(&path), b->data, b->len, 0600);
	buf_free(&path);
	return rc;
}

/* Parse the ads at P..END into J; -1 when the file is damaged. */
static int
parse_ads(const char *p, const char *end, struct demo_jobs *j)
{
	struct classad	*ad;
	char		*e, err[256];
	long		 na, len;

	while (p < end) {
		na = strtol(p, &e, 10);
		if (*e != '\n' || na < 0)
			return -1;
		p = e + 1;
		if ((ad = classad_new()) == NULL)
			return -1;
		while (na-- > 0) {
			len = strtol(p, &e, 10);
			if (*e != ' ' || len < 0 || len > end - e - 1 ||
			    classad_insert_wiren(ad, e + 1, (size_t)len, err,
			    sizeof(err)) == -1) {
				classad_free(ad);
				return -1;
			}
			p = e + 1 + len + 1;
		}
		if (jobs_add(j, ad) == -1)
			return -1;
	}
	return 0;
}

/* Format J for its file. */
static int
format_ads(const struct demo_jobs *j, struct buf *b)
{
	struct buf	 line = BUF_INIT;
	size_t		 i, k;

	for (i = 0; i < j->n; i++) {
		buf_addf(b, "%zu\n", classad_count(j->ad[i]));
		for (k = 0; k < classad_count(j->ad[i]); k++) {
			buf_reset(&line);
			classad_unparse_attr_old(j->ad[i], k, &line);
			buf_addf(b, "%zu ", line.len);
			buf_add(b, line.data, line.len);
			buf_addc(b, '\n');
		}
	}
	buf_free(&line);
	return b->failed ? -1 : 0;
}

/* Replace d->jobs, d->hist and d->next_cluster by what the files hold
 * (a lock is held). */
int
queue_load(struct demo *d)
{
	struct buf	 b = BUF_INIT;
	char		*e;
	int		 rc = -1;

	jobs_free(&d->jobs);
	jobs_free(&d->hist);
	d->next_cluster = 1;
	if (read_state(d, "queue", &b) == -1)
		goto out;
	if (b.len > 0) {
		d->next_cluster = strtoll(b.data, &e, 10);
		if (*e != '\n' || parse_ads(e + 1, b.data + b.len,
		    &d->jobs) == -1)
			goto out;
	}
	buf_reset(&b);
	if (read_state(d, "history", &b) == -1 || (b.len > 0 &&
	    parse_ads(b.data, b.data + b.len, &d->hist) == -1))
		goto out;
	rc = 0;
out:
	if (rc == -1)
		demo_log("the queue or history file is damaged");
	buf_free(&b);
	return rc;
}

/* Write d->jobs, d->hist and d->next_cluster back (the write lock is
 * held), and wake the runner when a connection process changed them.
 * The history goes first: a crash between the two leaves a job in both
 * files, never in neither. */
int
queue_save(struct demo *d)
{
	struct buf	 q = BUF_INIT, h = BUF_INIT;
	int		 rc = -1;

	buf_addf(&q, "%lld\n", (long long)d->next_cluster);
	if (format_ads(&d->jobs, &q) == -1 || format_ads(&d->hist, &h) == -1) {
		errno = ENOMEM;
		goto out;
	}
	if (write_state(d, "history", &h) == -1 ||
	    write_state(d, "queue", &q) == -1)
		goto out;
	rc = 0;
	/* A full pipe already holds a wake-up. */
	if (d->notify != -1 && write(d->notify, "", 1) == -1 &&
	    errno != EAGAIN)
		demo_log("cannot wake the runner: %s", strerror(errno));
out:
	if (rc == -1)
		demo_log("cannot write the queue: %s", strerror(errno));
	buf_free(&q);
	buf_free(&h);
	return rc;
}

/* A fresh copy of the queue and history for a reader. */
int
queue_read(struct demo *d)
{
	int	 rc;

	queue_lock(d, F_RDLCK);
	rc = queue_load(d);
	queue_lock(d, F_UNLCK);
	return rc;
}

/* A new cluster id, never given out again (even when its transaction is
 * aborted); -1 when the queue cannot be written. */
int64_t
queue_new_cluster(struct demo *d)
{
	int64_t	 c = -1;

	queue_lock(d, F_WRLCK);
	if (queue_load(d) == 0) {
		c = d->next_cluster++;
		if (queue_save(d) == -1)
			c = -1;
	}
	queue_lock(d, F_UNLCK);
	return c;
}
