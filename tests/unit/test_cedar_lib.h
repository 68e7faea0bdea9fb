/*
 * test_cedar_lib.h — helpers the CEDAR tests share: reading conformance
 * files, hex, and an in-memory transport that serves recorded peer bytes
 * and collects what the stream writes.
 */
#ifndef TEST_CEDAR_LIB_H
#define TEST_CEDAR_LIB_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cJSON.h>

#include "util/buf.h"
#include "cedar/cedar.h"
#include "cedar/server.h"
#include "util/base64.h"
#include "util/file.h"
#include "util/hex.h"

/* Read a whole file, NUL-terminated; NULL when it cannot be read. */
static inline char *
tl_read_file(const char *path, size_t *lenp)
{
	struct buf	 b = BUF_INIT;
	char		 err[256];

	if (file_read_capped(path, 0, &b, err, sizeof(err)) == -1)
		return NULL;
	if (lenp != NULL)
		*lenp = b.len;
	return buf_take(&b);
}

/* Append the bytes of HEX to B; -1 on a bad digit (or no HEX). */
static inline int
tl_unhex(const char *hex, struct buf *b)
{
	return hex != NULL ? hex_decode(hex, strlen(hex), b) : -1;
}

/* Fixed-size hex into OUT; -1 unless HEX is exactly N bytes. */
static inline int
tl_unhex_n(const char *hex, unsigned char *out, size_t n)
{
	struct buf	 b = BUF_INIT;
	int		 rc = -1;

	if (hex != NULL && tl_unhex(hex, &b) == 0 && b.len == n) {
		memcpy(out, b.data, n);
		rc = 0;
	}
	buf_free(&b);
	return rc;
}

static inline const char *
tl_jstr(const cJSON *o, const char *name)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static inline cJSON *
tl_load_json(const char *dir, const char *name)
{
	struct buf	 path = BUF_INIT;
	char		*text;
	cJSON		*j;

	buf_addf(&path, "%s/%s", dir, name);
	text = tl_read_file(buf_str(&path), NULL);
	buf_free(&path);
	if (text == NULL)
		return NULL;
	j = cJSON_Parse(text);
	free(text);
	return j;
}

/* The in-memory transport: reads come from RD, writes go to WR. */
/* A transcript's messages, in order. */
static inline const cJSON *
tl_messages(const cJSON *doc)
{
	return cJSON_GetObjectItem(doc, "messages");
}

/* Does the recorded message MSG go in direction D ("C->S", "S->C")? */
static inline int
tl_is_dir(const cJSON *msg, const char *d)
{
	const char	*v = tl_jstr(msg, "dir");

	return v != NULL && strcmp(v, d) == 0;
}

/* Append a message's packets, hdr || body each, to B: its wire bytes. */
static inline void
tl_packets_bytes(const cJSON *msg, struct buf *b)
{
	const cJSON	*p;

	cJSON_ArrayForEach(p, cJSON_GetObjectItem(msg, "packets")) {
		tl_unhex(tl_jstr(p, "hdr"), b);
		tl_unhex(tl_jstr(p, "body"), b);
	}
}

struct tl_mem {
	struct buf	 rd;
	size_t		 rdpos;
	struct buf	 wr;
	int		 eof_is_timeout;	/* model a silent peer */
};

static inline ssize_t
tl_mem_read(void *ctx, void *p, size_t n, int64_t deadline)
{
	struct tl_mem	*m = ctx;
	size_t		 left = m->rd.len - m->rdpos;

	(void)deadline;
	if (left == 0)
		return m->eof_is_timeout ? -2 : 0;
	if (n > left)
		n = left;
	memcpy(p, m->rd.data + m->rdpos, n);
	m->rdpos += n;
	return (ssize_t)n;
}

static inline int
tl_mem_write(void *ctx, const void *p, size_t n, int64_t deadline)
{
	struct tl_mem	*m = ctx;

	(void)deadline;
	return buf_add(&m->wr, p, n);
}

/* Recorded randomness: each use gets its value, or fails. */
struct tl_rand {
	unsigned char	 ecdh[32], ra[256], iv[16], nonce[33];
	int		 have_ecdh, have_ra, have_iv, have_nonce;
};

static inline int
tl_rand_fill(void *arg, enum cedar_rand_use use, unsigned char *out, size_t n)
{
	struct tl_rand	*r = arg;

	switch (use) {
	case CEDAR_RAND_ECDH:
		if (!r->have_ecdh || n != sizeof(r->ecdh))
			return -1;
		memcpy(out, r->ecdh, n);
		return 0;
	case CEDAR_RAND_RA:
		if (!r->have_ra || n != sizeof(r->ra))
			return -1;
		memcpy(out, r->ra, n);
		return 0;
	case CEDAR_RAND_IV:
		if (!r->have_iv || n != sizeof(r->iv))
			return -1;
		memcpy(out, r->iv, n);
		return 0;
	case CEDAR_RAND_NONCE:
		if (!r->have_nonce || n != sizeof(r->nonce))
			return -1;
		memcpy(out, r->nonce, n);
		return 0;
	}
	return -1;
}

/* The names of the conformance files matching PREFIX*.json, sorted. */
static inline int
tl_namecmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static inline size_t
tl_list(const char *dir, const char *prefix, char ***out)
{
	DIR		*d;
	struct dirent	*de;
	char		**v = NULL, **nv;
	size_t		 n = 0, l;

	*out = NULL;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		l = strlen(de->d_name);
		if (strncmp(de->d_name, prefix, strlen(prefix)) != 0 ||
		    l < 5 || strcmp(de->d_name + l - 5, ".json") != 0)
			continue;
		if ((nv = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			break;
		v = nv;
		v[n++] = strdup(de->d_name);
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof(*v), tl_namecmp);
	*out = v;
	return n;
}

#endif
