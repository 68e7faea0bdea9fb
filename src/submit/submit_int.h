/*
 * submit_int.h — private header of the submit module: the state shared by
 * lex.c, macro.c, mfunc.c, queue.c, argenv.c, attrs.c, reqs.c and
 * submit.c.  Other modules use submit.h.
 */
#ifndef SUBMIT_INT_H
#define SUBMIT_INT_H

#include <stddef.h>

#include "util/bounds.h"
#include "util/buf.h"
#include "util/macro.h"
#include "util/names.h"
#include "submit/submit.h"

struct classad;


/* One source of lines: the submit text or an included file. */
struct ssrc {
	char		*name;		/* for messages */
	char		*text;		/* owned */
	size_t		 len, pos;
	int		 line;		/* physical lines read so far */
};

/* Queue iteration modes. */
enum { QF_NOT, QF_IN, QF_FROM, QF_MATCH, QF_MATCH_FILES, QF_MATCH_DIRS,
	QF_MATCH_ANY };

/* A python-like slice [start:end:step]; bit 1 set, 2 start, 4 end, 8 step. */
struct qslice {
	int	flags, start, end, step;
};

/* Splitting options of `queue ... from table(...)`. */
struct qtable {
	int	header, skip, ws_sep, trim, sep, legacy;
};

/* The queue statement being iterated. */
struct qstmt {
	int		 line;		/* of the statement */
	int		 count;		/* procs per item, >= 1 */
	int		 mode;		/* QF_* */
	char		*vars[SUBMIT_MAX_VARS];
	size_t		 nvars;
	char		**items;
	size_t		 nitems, itemcap;
	struct qslice	 slice;
	struct qtable	 table;
	int		 iter;		/* next iteration index */
	int		 first_proc;
	int		 done;
};

/* if/elif/else nesting: per level, is the branch live, was one taken. */
struct iflevel {
	unsigned char	live, taken, in_else, parent;
};

struct submit {
	struct submit_opts o;		/* strings below are our copies */
	char		*workdir, *fsdomain, *arch, *opsys, *owner;
	char		*version, *platform, *subfile;
	char		*text;
	size_t		 len;
	struct ssrc	 src[SUBMIT_MAX_DEPTH];
	int		 nsrc;
	struct iflevel	 ifs[SUBMIT_MAX_IF_DEPTH + 1];
	int		 nifs;
	struct names	 mt;		/* the macros, SUBMIT_MAX_MACROS */
	/* live values of the predefined macros */
	int		 cluster, procid, step, row;
	char		 numbuf[8][24];
	struct qstmt	 q;
	int		 in_queue, nqueue, at_end, building;
	int		 nprocs, maxprocs, counting, total;
	struct classad	*cluster_ad, *delta;
	char		**ctext;	/* the cluster ad's values, unparsed */
	size_t		 nctext;
	char		**warn;
	size_t		 nwarn;
	int		 warned_mem, warned_disk;
	/* expansion */
	size_t		 work;
	int		 depth;
	int		 errline;	/* line for messages while building */
	struct submit_error *err;
};

/* submit.c: messages. */
int	 sub_fail(struct submit *, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
int	 sub_fail_local(struct submit *, int line, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
void	 sub_warn(struct submit *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* submit.c: read the server's file PATH (NAME in the submit text) into
 * TEXT, a failure reported against LINE.  0, or 1 for a missing file when
 * IFEXIST, or -1. */
int	 sub_read_file(struct submit *, int line, const char *path,
	    const char *name, int ifexist, struct buf *text);

/* lex.c: one logical line (trimmed, continuations joined) into LINE;
 * 1 for a line, 0 at the end, -1 when it is too long. */
int	 sub_getline(struct ssrc *, struct buf *line);

/* macro.c: $(...) expansion over the macro table (util/names.h). */
const char *sub_lookup(struct submit *, const char *name);
char	*sub_expand(struct submit *, const char *text);
char	*sub_expand_self(struct submit *, const char *text, const char *self);
/* submit_param(): the expanded value of NAME (or ALT), NULL when unset
 * or empty; *ERRP set on a hard expansion error. */
char	*sub_param(struct submit *, const char *name, const char *alt,
	    int *errp);
int	 sub_is_idchar(int c);

/* mfunc.c: the $FUNC() macro functions; 0, or -1 for a hard error, or 1
 * for a soft one (a warning, the macro expands to nothing). */
enum { MF_ENV = MACRO_ENV, MF_RANDOM_CHOICE = MACRO_RANDOM_CHOICE,
	MF_RANDOM_INTEGER = MACRO_RANDOM_INTEGER, MF_CHOICE = MACRO_CHOICE,
	MF_SUBSTR = MACRO_SUBSTR, MF_INT = MACRO_INT, MF_REAL = MACRO_REAL,
	MF_STRING = MACRO_STRING, MF_EVAL = MACRO_EVAL,
	MF_BASENAME = MACRO_BASENAME, MF_DIRNAME = MACRO_DIRNAME,
	MF_FILENAME = MACRO_FILENAME };
int	 sub_func(struct submit *, int id, const char *flags, char *body,
	    struct buf *out, struct buf *msg);
/* evaluate TEXT as a number: 0 with *ISREAL, *I, *D set, or -1 */
int	 sub_number(const char *text, int *isreal, long long *i, double *d);

/* queue.c: QUEUE statements. */
const char *sub_queue_args(const char *line);
int	 q_parse(struct submit *, const char *args, int line);
int	 q_next(struct submit *);
void	 q_clear(struct qstmt *);

/* argenv.c: arguments and environment. */
int	 sub_arguments(struct submit *, struct classad *);
int	 sub_environment(struct submit *, struct classad *);

/* attrs.c: the job ad of the current proc. */
int	 sub_build_ad(struct submit *, struct classad **);
int	 sub_insert_expr(struct submit *, struct classad *, const char *name,
	    const char *text);
int	 sub_parse_bool(struct submit *, const char *name, const char *val,
	    int *out);

/* reqs.c: the default Requirements. */
int	 sub_requirements(struct submit *, struct classad *);

#endif
