/*
 * demo.h — htcondor-api --demo: the whole API on one machine, with or
 * without HTCondor.  demo_prepare makes the state directory (a private
 * pool's configuration, its signing key), drops root and points
 * CONDOR_CONFIG at that configuration, so the settings main loads next
 * are the demo's; demo_run starts the schedd (a personal HTCondor, or
 * our own demo schedd), waits until it answers an authenticated query,
 * serves the API and prints a banner with a token, and at SIGINT or
 * SIGTERM stops everything and removes the state directory.
 */
#ifndef SERVE_DEMO_H
#define SERVE_DEMO_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct settings;
struct tls;

/* Where the demo listens unless --listen says otherwise. */
#define DEMO_LISTEN_ADDR	"127.0.0.1:8080"
/* The pool's UID_DOMAIN and TRUST_DOMAIN. */
#define DEMO_DOMAIN		"demo.local"

struct demo {
	char	 dir[PATH_MAX];		/* the state directory */
	int	 keep;			/* --demo-dir: kept at exit */
	char	 user[65];		/* who runs everything */
	char	 master[PATH_MAX];	/* condor_master, or "": demo schedd */
	pid_t	 schedd;		/* the master or the demo schedd */
	pid_t	 listener;
};

/* Make the state directory DIR (NULL: a fresh one under TMPDIR, removed
 * at exit) for USER (NULL: the caller; as root, "nobody"), drop root to
 * that user, write the pool's configuration and key, and set
 * CONDOR_CONFIG.  0, or -1 with ERR. */
int	demo_prepare(struct demo *d, const char *dir, const char *user,
	    char *err, size_t errlen);

/* Remove the state directory demo_prepare made, unless it is kept: the
 * program stops before demo_run. */
void	demo_abandon(struct demo *d);

/* Serve the demo on LISTEN until SIGINT, SIGTERM or SIGHUP, then stop
 * the schedd and remove the state directory unless it is kept.  SET is
 * loaded from the configuration demo_prepare wrote.  Returns the exit
 * status. */
int	demo_run(struct demo *d, const char *listen, const struct settings *set,
	    struct tls *tls);

#endif
