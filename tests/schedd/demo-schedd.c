/*
 * demo-schedd.c — a thin driver of the demo schedd (src/demo/) for the
 * tests: the options become a struct demo_conf.
 *
 *	demo-schedd -k POOL-KEY-FILE -a ADDRESS-FILE -s STATE-DIR
 *	    [-d TRUST-DOMAIN] [-p PORT] [-n NUM-CPUS]
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "demo/demo.h"

/* A number option within LO..HI, or exit. */
static int
number(const char *s, int lo, int hi)
{
	char	*end;
	long	 v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *s == '\0' || *end != '\0' || v < lo || v > hi) {
		fprintf(stderr, "demo-schedd: bad number %s\n", s);
		exit(2);
	}
	return (int)v;
}

int
main(int argc, char **argv)
{
	struct demo_conf	 conf;
	char			 err[512];
	int			 ch;

	memset(&conf, 0, sizeof(conf));
	conf.trust_domain = "demo.local";
	while ((ch = getopt(argc, argv, "k:a:s:d:p:n:")) != -1) {
		switch (ch) {
		case 'k': conf.key_file = optarg; break;
		case 'a': conf.address_file = optarg; break;
		case 's': conf.state_dir = optarg; break;
		case 'd': conf.trust_domain = optarg; break;
		case 'p': conf.port = number(optarg, 0, 65535); break;
		case 'n': conf.num_cpus = number(optarg, 1, 4096); break;
		default:
			goto usage;
		}
	}
	if (conf.key_file == NULL || conf.address_file == NULL ||
	    conf.state_dir == NULL)
		goto usage;
	if (mkdir(conf.state_dir, 0700) == -1 && errno != EEXIST) {
		fprintf(stderr, "demo-schedd: %s: %s\n", conf.state_dir,
		    strerror(errno));
		return 1;
	}
	if (demo_schedd_run(&conf, err, sizeof(err)) == -1) {
		fprintf(stderr, "demo-schedd: %s\n", err);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: demo-schedd -k KEY -a ADDRESS-FILE -s STATE-DIR "
	    "[-d DOMAIN] [-p PORT] [-n NUM-CPUS]\n");
	return 2;
}
