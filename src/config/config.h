/*
 * config.h — the HTCondor configuration language, read the way HTCondor's
 * tools read it (HTCondor's condor_config.cpp): CONDOR_CONFIG or
 * /etc/condor/condor_config, LOCAL_CONFIG_DIR, LOCAL_CONFIG_FILE, includes,
 * if/elif/else, @= heredocs, metaknobs, macro functions and _CONDOR_*
 * environment overrides.  No network, no HTTP.
 */
#ifndef CONFIG_H
#define CONFIG_H

#include <stddef.h>

struct config;

/* Read the whole configuration as SUBSYSTEM (the caller's; NULL means
 * HTCondor's generic "TOOL") with optional LOCAL_NAME (NULL for none).  Finding no file at all is fine when
 * CONDOR_CONFIG is unset; a file that is named but missing or broken, or an
 * `error :` statement, returns NULL with ERR naming the file and line. */
struct config	*config_load(const char *subsystem, const char *local_name,
		    char *err, size_t errlen);

/* The fully expanded value of NAME (case-insensitive, subsystem and
 * local-name prefixes applied), or NULL when undefined or empty.  The
 * string stays valid until the next call to config_value or config_free. */
const char	*config_value(struct config *cf, const char *name);

/* Typed getters: 0 on success or when NAME is undefined (then *OUT = DEF),
 * -1 with ERR when the value is malformed or out of [MIN, MAX].  Durations
 * are integer seconds, or a Go-style suffix: 30s, 2m, 1h. */
int		 config_int(struct config *cf, const char *name, long long def,
		    long long min, long long max, long long *out, char *err,
		    size_t errlen);
int		 config_duration(struct config *cf, const char *name,
		    long long def, long long min, long long max, long long *out,
		    char *err, size_t errlen);
int		 config_bool(struct config *cf, const char *name, int def,
		    int *out, char *err, size_t errlen);

/* Warnings collected while reading (e.g. `NAME : value`, unknown metaknob),
 * one per line, or "" when none. */
const char	*config_warnings(struct config *cf);

/* The parsers behind the typed getters, for values from elsewhere (the
 * command line): a whole decimal integer (blanks around allowed), and a
 * duration (integer seconds, or Go-style terms 30s, 2m, 1h30m; fractions
 * and sub-second units refused).  0, or -1 when malformed. */
int		 config_parse_int(const char *s, long long *out);
int		 config_parse_duration(const char *s, long long *out);

void		 config_free(struct config *cf);

/* The --config-val front end: ARGV holds what follows `--config-val`
 * ([-subsystem NAME] [-local-name NAME] PARAM...), DEFAULT_SUBSYS the
 * caller's own subsystem for when -subsystem is not given.  Prints like
 * condor_config_val and returns its exit status. */
int		 config_val_main(int argc, char **argv,
		    const char *default_subsys);

#endif
