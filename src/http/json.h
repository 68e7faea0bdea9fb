/*
 * json.h — the small JSON output helpers of the HTTP layer (error bodies,
 * API answers built by hand).  ClassAd-to-JSON conversion, which must
 * match HTCondor's own formatting, lives in src/classad/.  cJSON is used
 * only to parse request bodies.
 */
#ifndef JSON_H
#define JSON_H

struct buf;

/* Append S as a JSON string literal: quotes, backslash escapes, control
 * characters as \u00XX, and each maximal ill-formed UTF-8 subpart as the
 * bytes of U+FFFD, so the output is always valid JSON.  0 or -1. */
int	json_add_string(struct buf *b, const char *s);

#endif
