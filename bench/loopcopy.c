/*
 * loopcopy.c — the physical limit of a sandbox transfer on this machine:
 * copy FILE over a loopback TCP connection to a reader that discards it,
 * in 256 KiB writes (the chunk a CEDAR file transfer uses), and print
 * the throughput in MiB/s.  Reading the file is part of the cost, as it
 * is for the real transfer.
 *
 *	loopcopy FILE
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	262144

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char **argv)
{
	static char		 buf[CHUNK];
	struct sockaddr_in	 sa;
	socklen_t		 salen = sizeof(sa);
	long long		 total = 0;
	double			 t0, t;
	ssize_t			 r, w, off;
	int			 ls, cs, fd, status;
	pid_t			 pid;

	if (argc != 2 || (fd = open(argv[1], O_RDONLY)) == -1) {
		fprintf(stderr, "usage: loopcopy FILE\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((ls = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(ls, 1) == -1 ||
	    getsockname(ls, (struct sockaddr *)&sa, &salen) == -1) {
		perror("loopcopy: listen");
		return 1;
	}
	if ((pid = fork()) == 0) {
		if ((cs = accept(ls, NULL, NULL)) == -1)
			_exit(1);
		while (read(cs, buf, sizeof(buf)) > 0)
			;
		_exit(0);
	}
	close(ls);
	if ((cs = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    connect(cs, (struct sockaddr *)&sa, sizeof(sa)) == -1) {
		perror("loopcopy: connect");
		return 1;
	}
	t0 = now();
	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		for (off = 0; off < r; off += w)
			if ((w = write(cs, buf + off, (size_t)(r - off))) <= 0) {
				perror("loopcopy: write");
				return 1;
			}
		total += r;
	}
	close(cs);
	waitpid(pid, &status, 0);
	t = now() - t0;
	printf("%.1f MiB/s (%lld bytes in %.3f s)\n",
	    (double)total / 1048576.0 / t, total, t);
	return 0;
}
