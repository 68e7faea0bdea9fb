/*
 * submit.h — the submit description language (HTCondor's submit_utils.cpp,
 * condor_submit(1)): turns submit text into the cluster ad and the per-proc
 * delta ads exactly as condor_submit would send them to the schedd for the
 * vanilla universe.  No network, no HTTP.
 *
 * Use: submit_parse() reads and checks the whole text (it builds every
 * proc once and throws the ads away, so errors and warnings are known
 * before anything is sent); then submit_begin() with the cluster id the
 * schedd handed out and submit_next_proc() until it returns 0, sending
 * each proc as it comes: memory stays bounded by one proc ad.
 */
#ifndef SUBMIT_H
#define SUBMIT_H

#include <stddef.h>

#include "util/bounds.h"

struct classad;

/* What the caller knows that condor_submit takes from its host. */
struct submit_opts {
	const char	*workdir;	/* absolute "current directory", or NULL */
	int		 spool;		/* 1: remote submit, sandbox uploaded later */
	int		 allow_local_files; /* include, queue from/matching,
					    $ENV, getenv, stat of files */
	const char	*filesystem_domain; /* FILESYSTEM_DOMAIN */
	const char	*uid_domain;	/* UID_DOMAIN (unused by the ads) */
	const char	*arch;		/* e.g. "X86_64" */
	const char	*opsys;		/* e.g. "LINUX" */
	const char	*owner;		/* submitting user; default of
					    accounting_group_user, or NULL */
	long long	 qdate;		/* submit time, Unix seconds */
	const char	*version;	/* "$CondorVersion: ... $", or NULL */
	const char	*platform;	/* "$CondorPlatform: ... $", or NULL */
	const char	*submit_file;	/* JobSubmitFile, or NULL for none */
	int		 max_procs;	/* 0 = SUBMIT_MAX_PROCS */
};

/* Why the text was refused: LINE is the submit-file line condor_submit
 * names (or the queue statement being built), 0 when none applies. */
struct submit_error {
	int	line;
	int	local_files;	/* refused because opts.allow_local_files is
				 * 0: the caller may say how to allow it */
	char	reason[1024];
};

struct submit;

/* Parse and check TEXT (LEN bytes) with OPTS; on success *OUT holds the
 * parsed submission (free with submit_free) and 0 is returned.  On a
 * refusal -1 with ERR filled. */
int	 submit_parse(const char *text, size_t len,
	    const struct submit_opts *opts, struct submit **out,
	    struct submit_error *err);

/* How many procs the submission makes. */
int	 submit_proc_count(const struct submit *s);

/* Warnings condor_submit would print (one sentence each). */
size_t	 submit_warning_count(const struct submit *s);
const char *submit_warning(const struct submit *s, size_t i);

/* Start (or restart) producing procs for cluster CLUSTER_ID. */
int	 submit_begin(struct submit *s, int cluster_id,
	    struct submit_error *err);

/* Produce the next proc: returns 1 with *PROCID and *DELTA (ProcId,
 * JobStatus, then what differs from the cluster ad; owned by S, valid
 * until the next call), 0 when all procs are done, -1 on error.  After
 * the first proc, submit_cluster_ad() is valid. */
int	 submit_next_proc(struct submit *s, int *procid,
	    const struct classad **delta, struct submit_error *err);

/* The cluster ad (ClusterId first), once proc 0 has been produced. */
const struct classad *submit_cluster_ad(const struct submit *s);

void	 submit_free(struct submit *s);

#endif
