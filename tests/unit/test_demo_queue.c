/*
 * test_demo_queue.c — the demo schedd's queue file (src/demo/queue.c).
 * A save that cannot be completed (here: the file size limit cuts the
 * write short, as a full disk or a crash would) must leave the queue as
 * it was, never half written: the queue is written aside, synced and
 * renamed into place.
 */
#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "util/buf.h"
#include "classad/classad.h"
#include "demo/demo_int.h"

/* A job ad C.0 with a string attribute of SIZE bytes. */
static struct classad *
job(int64_t c, size_t size)
{
	struct classad	*ad = classad_new();
	char		*big;

	if (ad == NULL || (big = malloc(size + 1)) == NULL)
		return ad;
	memset(big, 'x', size);
	big[size] = '\0';
	classad_insert_int(ad, "ClusterId", c);
	classad_insert_int(ad, "ProcId", 0);
	classad_insert_string(ad, "Padding", big);
	free(big);
	return ad;
}

/* Files of DIR other than the queue, its lock and the history. */
static int
stray_files(const char *dir)
{
	struct buf	 b = BUF_INIT;
	int		 n;

	buf_addf(&b, "ls -A '%s' | grep -vxE 'queue|queue.lock|history' "
	    ">/dev/null", dir);
	n = system(buf_str(&b)) == 0;
	buf_free(&b);
	return n;
}

static void
short_write_keeps_queue(void)
{
	char		 dir[] = "/tmp/test_demo_queue.XXXXXX", err[256];
	struct demo	 d;
	struct rlimit	 rl, small;
	struct stat	 sb;
	struct buf	 path = BUF_INIT;
	int		 saved;

	if (mkdtemp(dir) == NULL) {
		tap_ok(0, "mkdtemp");
		return;
	}
	memset(&d, 0, sizeof(d));
	d.lockfd = d.notify = -1;
	d.state = dir;
	tap_ok(queue_open(&d, err, sizeof(err)) == 0, "the queue opens");
	queue_lock(&d, F_WRLCK);
	tap_ok(queue_load(&d) == 0 && d.jobs.n == 0, "a new queue is empty");
	jobs_add(&d.jobs, job(1, 100));
	d.next_cluster = 2;
	tap_ok(queue_save(&d) == 0, "a save");
	buf_addf(&path, "%s/queue", dir);
	stat(buf_str(&path), &sb);
	/* Room for the old queue and a little: the big job cannot fit. */
	getrlimit(RLIMIT_FSIZE, &rl);
	small = rl;
	small.rlim_cur = (rlim_t)sb.st_size + 4096;
	signal(SIGXFSZ, SIG_IGN);
	setrlimit(RLIMIT_FSIZE, &small);
	jobs_add(&d.jobs, job(2, 65536));
	d.next_cluster = 3;
	saved = queue_save(&d);
	setrlimit(RLIMIT_FSIZE, &rl);
	tap_ok(saved == -1, "a save cut short fails");
	tap_ok(queue_load(&d) == 0, "the queue still loads");
	tap_ok(d.jobs.n == 1 && d.next_cluster == 2,
	    "and holds what the last complete save wrote (%zu jobs)",
	    d.jobs.n);
	tap_ok(!stray_files(dir), "no temporary file is left behind");
	queue_lock(&d, F_UNLCK);
	jobs_free(&d.jobs);
	jobs_free(&d.hist);
	close(d.lockfd);
	buf_reset(&path);
	buf_addf(&path, "rm -rf '%s'", dir);
	if (system(buf_str(&path)) != 0)
		tap_diag("cannot remove %s", dir);
	buf_free(&path);
}

int
main(void)
{
	short_write_keeps_queue();
	return tap_done();
}
