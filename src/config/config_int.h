/*
 * config_int.h — private header of the configuration reader (config.c,
 * defaults.c, sources.c, parse.c, expand.c, func.c, cli.c).  Not for
 * other modules: they use config.h.
 */
#ifndef CONFIG_INT_H
#define CONFIG_INT_H

#include <stddef.h>

#include "util/bounds.h"
#include "util/buf.h"
#include "util/macro.h"
#include "util/names.h"

struct config {
	struct names	 names;		/* NAME = raw value, CONFIG_MAX_ENTRIES */
	char		*subsys;	/* e.g. "HTTP_API", never NULL */
	char		*localname;	/* NULL when none */
	char		*subsys_local;	/* "SUBSYS.LOCALNAME", NULL when none */
	struct buf	 warnings;	/* one warning per line */
	struct buf	 log;		/* stderr transcript: warnings, errors */
	char		*last;		/* the string config_value returned */
	int		 depth;		/* nesting of macro-function expansion */
	size_t		 work;		/* bytes scanned for the current value */
	int		 no_files;	/* refuse include (the fuzzer sets it) */
	int		 loaded;	/* all sources read: specials apply */
	int		 have_tilde, have_user;	/* looked up yet? */
	char		*tilde;		/* home of user condor, or NULL */
	char		*username;	/* name of the real uid, or NULL */
};

/* The state of reading one source (file, memory, metaknob text). */
struct cfsrc {
	const char	*name;		/* file name shown in messages */
	const char	*text;		/* the whole source */
	size_t		 len;
	size_t		 pos;		/* next byte to read */
	int		 line;		/* physical lines read so far */
};

/* Macro kinds: the plain $(NAME), $ENV() and the $FUNC() functions. */
enum {
	M_NORMAL = -1,
	M_NONE = MACRO_NONE,
	M_ENV = MACRO_ENV,
	M_RANDOM_CHOICE = MACRO_RANDOM_CHOICE,
	M_RANDOM_INTEGER = MACRO_RANDOM_INTEGER,
	M_CHOICE = MACRO_CHOICE,
	M_SUBSTR = MACRO_SUBSTR,
	M_INT = MACRO_INT,
	M_REAL = MACRO_REAL,
	M_STRING = MACRO_STRING,
	M_EVAL = MACRO_EVAL,
	M_BASENAME = MACRO_BASENAME,
	M_DIRNAME = MACRO_DIRNAME,
	M_FILENAME = MACRO_FILENAME
};

/* config.c: the parameter table, lookups and messages. */
struct config	*cf_new(const char *, const char *);	/* empty table */
int		 cf_set(struct config *, const char *, const char *);
/* raw value: SUBSYS.LOCALNAME.X, LOCALNAME.X, SUBSYS.X, X, default */
const char	*cf_lookup(struct config *, const char *);
/* the same, and the spelling of the name that defined it */
const char	*cf_lookup_key(struct config *, const char *, const char **);
/* expanded value, NULL when undefined or empty (ERR may be NULL) */
char		*cf_value_of(struct config *, const char *, struct buf *);
int		 cf_parse_bool(const char *, int *);	/* true/yes/t/y/1... */
void		 cf_logf(struct config *, const char *, ...)	/* to the log */
		    __attribute__((format(printf, 2, 3)));
void		 cf_warnf(struct config *, const char *, ...)	/* a warning */
		    __attribute__((format(printf, 2, 3)));

/* defaults.c: the built-in defaults (raw value, and the name's spelling) */
const char	*cf_default(const char *, const char **);

/* sources.c: the files and variables read, in HTCondor's order. */
int		 cf_load_all(struct config *);	/* 0, or -1 with cf->log */
int		 cf_read_file(const char *, char **, size_t *, struct buf *);

/* parse.c: the statements of the language. */
int		 cf_parse(struct config *, struct cfsrc *, int, struct buf *);
/* parse a memory buffer as a root file (fuzzer, tests) */
int		 cf_parse_mem(struct config *, const char *, size_t,
		    const char *, struct buf *);

/* expand.c: finding and expanding $(MACRO) and $FUNC(). */
char		*cf_expand(struct config *, const char *, struct buf *);
/* the same; with KEEP_DOLLAR, $(DOLLAR) stays */
char		*cf_expand_opts(struct config *, const char *, int, struct buf *);
/* only $(SELF) references, at assignment time */
char		*cf_expand_self(struct config *, const char *, const char *,
		    struct buf *);
/* metaknob arguments $(0) $(1) $(1?) $(0#) $(1+) $(1:def) */
char		*cf_expand_meta_args(const char *, const char *);
/* the Nth item of a list; the Nth argument looked up and expanded */
const char	*cf_nth_item(const char *, int, int, int, const char **);
char		*cf_lookup_arg(struct config *, const char *, int, struct buf *,
		    int *);
int		 cf_is_idchar(int);	/* A-Z a-z 0-9 _ . / */

/* func.c: the $FUNC() macro functions. */
int		 cf_eval_func(struct config *, int, const char *, char *,
		    struct buf *, struct buf *);
/* a number or simple arithmetic, as an integer or a real */
int		 cf_number(const char *, int, long long *, double *);

#endif
