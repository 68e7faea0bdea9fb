/*
 * classad.h — the ClassAd language as a schedd client needs it: values and
 * expressions (lexer, recursive-descent parser for the new syntax and for
 * the old syntax of the CEDAR wire and `condor_q -long`), the old- and
 * new-syntax unparsers, the ClassAd itself (an ordered, case-insensitive set
 * of attributes) and the JSON writer that reproduces `condor_q -json`.
 * Expressions are parsed, checked, stored and printed here; evaluation,
 * where needed, is eval.h's.
 *
 * Every function that can fail returns 0 or -1 and, where it takes one,
 * fills ERR (ERRLEN bytes, may be NULL/0) with a sentence.  Parse errors
 * read "offset N: what", N being the byte offset (from 0) where the text
 * went wrong, so a caller can answer "bad constraint at offset N".
 */
#ifndef CLASSAD_H
#define CLASSAD_H

#include <stddef.h>

#include "util/bounds.h"
#include <stdint.h>

struct buf;

/* Parse flags. */
#define CLASSAD_NEW_SYNTAX	0	/* C escapes in strings; "a" "b" */
#define CLASSAD_OLD_SYNTAX	1	/* wire strings: only \" is an escape */

/* What an expression is at its top. */
enum classad_type {
	CLASSAD_UNDEFINED,
	CLASSAD_ERROR,
	CLASSAD_BOOL,
	CLASSAD_INT,
	CLASSAD_REAL,
	CLASSAD_STRING,
	CLASSAD_LIST,		/* { ... } */
	CLASSAD_RECORD,		/* [ ... ] */
	CLASSAD_EXPR		/* anything else: operator, reference, call */
};

struct classad_expr;	/* a parsed expression (opaque) */
struct classad;		/* an ad: ordered attributes (opaque) */

/* ---- parser.c, lexer.c, expr.c: expressions ---- */

/* Parse all of TEXT as one expression (trailing text is an error).  On
 * error, *ERROFF (if not NULL) is the byte offset of the offending token.
 * A NUL byte inside LEN bytes is an error.  Limits: CLASSAD_MAX_*. */
int	 classad_parse_expr(const char *text, int flags,
	    struct classad_expr **out, char *err, size_t errlen);
int	 classad_parse_exprn(const char *text, size_t len, int flags,
	    struct classad_expr **out, size_t *erroff, char *err,
	    size_t errlen);
void	 classad_expr_free(struct classad_expr *e);
struct classad_expr *classad_expr_copy(const struct classad_expr *e);

/* Literal constructors (NULL when memory runs out; for a string also
 * when it holds a NUL byte or is longer than CLASSAD_MAX_EXPR_LEN). */
struct classad_expr *classad_expr_undefined(void);
struct classad_expr *classad_expr_error(void);
struct classad_expr *classad_expr_bool(int v);
struct classad_expr *classad_expr_int(int64_t v);
struct classad_expr *classad_expr_real(double v);
struct classad_expr *classad_expr_string(const char *s, size_t len);

/* Inspect the top of an expression; the getters return 0 when it is a
 * literal of that type, -1 otherwise.  A string's bytes stay owned by E. */
enum classad_type classad_expr_type(const struct classad_expr *e);
int	 classad_expr_get_bool(const struct classad_expr *e, int *out);
int	 classad_expr_get_int(const struct classad_expr *e, int64_t *out);
int	 classad_expr_get_real(const struct classad_expr *e, double *out);
int	 classad_expr_get_string(const struct classad_expr *e,
	    const char **out, size_t *lenp);

/* ---- unparse.c: expressions back to text (appended to B) ---- */

/* Old syntax: the text the CEDAR wire and condor_q -long carry. */
int	 classad_unparse_old(const struct classad_expr *e, struct buf *b);
/* New syntax exactly as HTCondor re-unparses for condor_q -json. */
int	 classad_unparse_new(const struct classad_expr *e, struct buf *b);
/* A real as the old syntax prints it (%.16G, ".0" added, real("INF")). */
int	 classad_format_real_old(double v, struct buf *b);

/* ---- ad.c: the ClassAd ---- */

struct classad	*classad_new(void);
void		 classad_free(struct classad *ad);

/* Insert one wire line "Name = expr" (old syntax); a repeated name
 * (case-insensitive) replaces the earlier value in its place.  Error
 * offsets count from the start of LINE. */
int	 classad_insert_wire(struct classad *ad, const char *line,
	    char *err, size_t errlen);
int	 classad_insert_wiren(struct classad *ad, const char *line,
	    size_t len, char *err, size_t errlen);
/* The same, for the security handshake (getPODClassAd rules): the right
 * side must be one literal token (int, real, string, bool, undefined,
 * error) and nothing else. */
int	 classad_insert_wire_literal(struct classad *ad, const char *line,
	    char *err, size_t errlen);

/* Insert typed values under NAME; -1 for a bad name or no memory. */
int	 classad_insert_string(struct classad *ad, const char *name,
	    const char *value);
int	 classad_insert_int(struct classad *ad, const char *name, int64_t v);
int	 classad_insert_real(struct classad *ad, const char *name, double v);
int	 classad_insert_bool(struct classad *ad, const char *name, int v);
int	 classad_insert_undefined(struct classad *ad, const char *name);
/* Parse TEXT (old syntax, as submit and constraints use) and insert it. */
int	 classad_insert_expr(struct classad *ad, const char *name,
	    const char *text, char *err, size_t errlen);
/* Insert E, which the ad then owns (freed by this call on failure). */
int	 classad_insert_parsed(struct classad *ad, const char *name,
	    struct classad_expr *e);

/* Typed lookups: 0 when NAME exists and is a literal of that type, -1
 * when absent or of another type.  Strings stay owned by the ad (valid
 * until it changes).  lookup_real accepts an integer literal too. */
int	 classad_lookup_string(const struct classad *ad, const char *name,
	    const char **out);
int	 classad_lookup_int(const struct classad *ad, const char *name,
	    int64_t *out);
int	 classad_lookup_real(const struct classad *ad, const char *name,
	    double *out);
int	 classad_lookup_bool(const struct classad *ad, const char *name,
	    int *out);
/* The expression under NAME, or NULL. */
const struct classad_expr *classad_lookup(const struct classad *ad,
	    const char *name);

/* Remove NAME; 0 when it was there, -1 when absent. */
int	 classad_delete(struct classad *ad, const char *name);

/* Iteration in insertion order: I from 0 to classad_count() - 1. */
size_t	 classad_count(const struct classad *ad);
const char *classad_name_at(const struct classad *ad, size_t i);
const struct classad_expr *classad_expr_at(const struct classad *ad,
	    size_t i);
/* Index of NAME, or -1. */
long	 classad_index(const struct classad *ad, const char *name);

/* Append "Name = <old syntax>" (no newline) for attribute I. */
int	 classad_unparse_attr_old(const struct classad *ad, size_t i,
	    struct buf *b);

/* Is NAME private (ClaimId, Capability, ..., _condor_priv*)?  Such
 * attributes are never written to JSON. */
int	 classad_attr_is_private(const char *name);

/* ---- read.c: the "-long" text form ---- */

/* Read one ad from TEXT: "Name = expr" lines up to an empty line or the
 * end; lines starting with '#' (after blanks) are comments.  *USED is how many bytes were consumed (including the separator);
 * returns 1 with *OUT set, 0 at the end of the text (nothing left), -1 on
 * error (ERR names the line). */
int	 classad_read_long(const char *text, size_t len, size_t *used,
	    struct classad **out, char *err, size_t errlen);

/* Append the whole ad as condor_q -long prints it: "Name = value\n" per
 * attribute, names sorted case-insensitively (insertion order when
 * SORTED is 0).  No blank line after it. */
int	 classad_write_long(const struct classad *ad, int sorted,
	    struct buf *b);

/* ---- json.c: JSON as condor_q -json writes it ---- */

/* Where JSON goes: return 0, or -1 to stop the writer. */
typedef int (*classad_write_fn)(void *ctx, const void *p, size_t n);

#define CLASSAD_JSON_UNSORTED	0x1	/* ad's or projection's order */

struct classad_json_opts {
	const char *const *projection;	/* attribute names, or NULL = all */
	size_t		 nprojection;
	int		 flags;		/* CLASSAD_JSON_* */
};

/* Write one ad as a JSON object: "{\n  \"Name\": value,\n ...\n}" (no
 * newline after the brace), keys sorted case-insensitively as HTCondor
 * prints them, private attributes dropped.  OPTS may be NULL. */
int	 classad_json_write_ad(const struct classad *ad,
	    const struct classad_json_opts *opts, classad_write_fn w,
	    void *ctx);
/* Write one expression as a JSON value at nesting INDENT (levels of two
 * spaces) the way HTCondor converts attribute values. */
int	 classad_json_write_value(const struct classad_expr *e, int indent,
	    classad_write_fn w, void *ctx);
/* Write S (LEN bytes) as a JSON string literal with HTCondor's escaping. */
int	 classad_json_write_string(const char *s, size_t len,
	    classad_write_fn w, void *ctx);
/* A classad_write_fn that appends to the struct buf CTX. */
int	 classad_json_buf_writer(void *ctx, const void *p, size_t n);

/* A list of ads streamed one by one, with condor_q -json's separators:
 * "[\n" ad "\n,\n" ad ... "\n]\n".  An empty list is "[\n]\n". */
struct classad_json_list {
	classad_write_fn	 write;
	void			*ctx;
	const struct classad_json_opts *opts;
	size_t			 count;
};
void	 classad_json_list_init(struct classad_json_list *l,
	    classad_write_fn w, void *ctx,
	    const struct classad_json_opts *opts);
int	 classad_json_list_add(struct classad_json_list *l,
	    const struct classad *ad);
int	 classad_json_list_end(struct classad_json_list *l);

#endif
