/*
 * args.h — job arguments and environments in HTCondor's forms
 * (condor_arglist.cpp, env.cpp), the one splitter the submit reader and
 * the demo schedd's job runner share.  The V2 form: blanks separate,
 * single quotes group, '' inside quotes is a quote.  The V1 form: blanks
 * separate, nothing quotes — except in the submit language's "wacked"
 * V1, where \" is a quote and a bare quote an error.  A V1 environment:
 * entries separated by its delimiter (EnvDelim) or a newline, leading
 * blanks dropped.
 */
#ifndef ARGS_H
#define ARGS_H

#include <stddef.h>

struct buf;

/* A NULL-terminated list of strings, as execve takes argv and envp. */
struct strv {
	char	**v;
	size_t	  n;
};

/* Append the N bytes at P: 0, or -1 (no memory, or ARGS_MAX_WORDS). */
int	 strv_add(struct strv *l, const char *p, size_t n);
void	 strv_free(struct strv *l);

/* Split RAW, appending the words to OUT.  0, or -1 with ERR ("Unbalanced
 * single-quote.", "Found illegal unescaped double-quote: ...", "out of
 * memory"). */
int	 args_split_v2(const char *raw, struct strv *out, char *err,
	    size_t errlen);
int	 args_split_v1(const char *raw, int wacked, struct strv *out,
	    char *err, size_t errlen);
int	 env_split_v1(const char *raw, int delim, struct strv *out,
	    char *err, size_t errlen);

/* Append ARG in the canonical V2 form: blanks and quotes wrapped in
 * single quotes, a quote doubled, an empty word as ''. */
void	 args_quote_v2(struct buf *b, const char *arg);

/* Is C a blank that separates words? */
int	 args_blank(int c);

#endif
