/*
 * spawn.c — run a program N times, C at a time, each with standard input
 * from a file and standard output to a socket we drain, the way inetd
 * would; print requests per second, median and p99 latency, and the peak
 * RSS of the children.
 *
 *	spawn -n N -c C -i INPUT prog [args...]
 */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* What a worker reports: a latency (L, seconds) or its peak RSS (R, KiB).
 * Records are smaller than PIPE_BUF, so writes from workers never mix. */
struct rec {
	char	kind;
	double	val;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One run: fork, exec with INPUT on stdin, read all of stdout, reap. */
static double
one(const char *input, char **argv, long *maxrss)
{
	struct rusage	ru;
	char		buf[65536];
	double		t0 = now();
	int		sv[2], fd, status;
	pid_t		pid;

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	if ((pid = fork()) == 0) {
		fd = open(input, O_RDONLY);
		dup2(fd, 0);
		dup2(sv[1], 1);
		fd = open("/dev/null", O_WRONLY);
		dup2(fd, 2);
		close(sv[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(sv[1]);
	while (read(sv[0], buf, sizeof(buf)) > 0)
		;
	close(sv[0]);
	wait4(pid, &status, 0, &ru);
	if (ru.ru_maxrss > *maxrss)
		*maxrss = ru.ru_maxrss;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127) {
		fprintf(stderr, "spawn: %s failed\n", argv[0]);
		exit(1);
	}
	return now() - t0;
}

int
main(int argc, char **argv)
{
	const char	*input = "/dev/null";
	double		*lat, t0, elapsed;
	long		 maxrss = 0;
	int		 n = 1000, c = 1, i, k, ch, p[2];
	pid_t		 pid;

	while ((ch = getopt(argc, argv, "+n:c:i:")) != -1) {
		switch (ch) {
		case 'n': n = atoi(optarg); break;
		case 'c': c = atoi(optarg); break;
		case 'i': input = optarg; break;
		default:
			fprintf(stderr, "usage: spawn -n N -c C -i INPUT "
			    "prog [args]\n");
			return 2;
		}
	}
	argv += optind;
	if (*argv == NULL || n < 1 || c < 1)
		return 2;
	lat = calloc((size_t)n, sizeof(double));
	if (pipe(p) == -1)
		return 1;
	t0 = now();
	/* C workers, each running its share and sending back latencies. */
	for (k = 0; k < c; k++) {
		if ((pid = fork()) == 0) {
			struct rec	r = { 'L', 0 };
			long		rss = 0;

			close(p[0]);
			for (i = k; i < n; i += c) {
				r.val = one(input, argv, &rss);
				(void)!write(p[1], &r, sizeof(r));
			}
			r.kind = 'R';
			r.val = (double)rss;
			(void)!write(p[1], &r, sizeof(r));
			_exit(0);
		}
	}
	close(p[1]);
	for (i = 0; ; ) {
		struct rec r;

		if (read(p[0], &r, sizeof(r)) != sizeof(r))
			break;
		if (r.kind == 'L' && i < n)
			lat[i++] = r.val;
		else if (r.kind == 'R' && (long)r.val > maxrss)
			maxrss = (long)r.val;
	}
	while (wait(NULL) > 0)
		;
	elapsed = now() - t0;
	qsort(lat, (size_t)i, sizeof(double), cmp);
	printf("%8.0f req/s  median %6.3f ms  p99 %6.3f ms  peak RSS %ld KiB\n",
	    i / elapsed, lat[i / 2] * 1e3, lat[(size_t)(i * 0.99)] * 1e3,
	    maxrss);
	return 0;
}
