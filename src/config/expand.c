/*
 * expand.c — macro expansion of the configuration language (HTCondor's
 * src/condor_utils/config.cpp, expand_macro): finding $(NAME),
 * $(NAME:default), $ENV() and the $FUNC() calls (evaluated in func.c),
 * $(DOLLAR), self references at assignment time, and the $(N) arguments of
 * metaknobs.  The scanner follows HTCondor's next_config_macro(); as in its
 * param() expander the left-most macro is replaced and the scan starts
 * again from the beginning, so replacement text is itself expanded.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "config/config_int.h"

/* Which macros one scan looks for. */
enum { SCAN_NODOLLAR, SCAN_DOLLARONLY, SCAN_SELF, SCAN_META };

#define mpos	macro_pos

/* One scan: the shared scanner's state (its hooks get the scan) and what
 * this language's scan modes need. */
struct scan {
	struct macro_scan ms;
	int		 mode;
	const char	*self, *self2;
	size_t		 selflen, self2len;
	/* filled by SCAN_META for the matched $(N...) */
	long		 index;
	size_t		 colon;
	int		 empty_check, num_args;
};


int
cf_is_idchar(int c)
{
	return macro_is_idchar(c);
}

/* Name the function a "$WORD(" prefix stands for, or M_NONE.  P points at
 * the '$' and LEN counts up to the '('; $ENV takes a name, the others
 * anything. */
static int
special_id(const char *p, size_t len, enum macro_body *body)
{
	int id = macro_func_id(p, len);

	*body = id == M_ENV ? MACRO_BODY_NAME : MACRO_BODY_ANY;
	return id;
}

/* The prefix hook: does the "$...(" prefix at P start a macro this scan
 * wants? */
static int
check_prefix(void *arg, const char *p, size_t len, enum macro_body *body)
{
	const struct scan *sc = arg;

	if (sc->mode == SCAN_META) {
		*body = MACRO_BODY_ARG;
		return len == 1 ? M_NORMAL : M_NONE;
	}
	if (len == 1) {
		*body = MACRO_BODY_NAME;
		return M_NORMAL;
	}
	if (p[1] == '$')
		return M_NONE;
	return special_id(p, len, body);
}

/* Does NAME (LEN bytes, maybe "NAME:default") name SELF? */
static int
names_self(const char *name, size_t len, const char *self, size_t selflen)
{
	if (self == NULL)
		return 0;
	if (len != selflen && !(len > selflen && name[selflen] == ':'))
		return 0;
	return strncasecmp(name, self, selflen) == 0;
}

/* The skip hook, the body filter of each scan mode: 1 when the macro
 * must be left alone. */
static int
skip_body(void *arg, int id, const char *body, size_t len, size_t colon)
{
	struct scan	*sc = arg;
	int	 is_dollar;
	char	*end;

	is_dollar = id == M_NORMAL && len == 6 &&
	    strncasecmp(body, "DOLLAR", 6) == 0;
	switch (sc->mode) {
	case SCAN_NODOLLAR:
		return is_dollar;
	case SCAN_DOLLARONLY:
		return !is_dollar;
	case SCAN_SELF:
		if (id != M_NORMAL && id != M_FILENAME)
			return 1;
		return !names_self(body, len, sc->self, sc->selflen) &&
		    !names_self(body, len, sc->self2, sc->self2len);
	case SCAN_META:
		if (id != M_NORMAL || !isdigit((unsigned char)*body))
			return 1;
		errno = 0;
		sc->index = strtol(body, &end, 10);
		if (errno != 0 || sc->index > 1000)
			sc->index = 1000;
		sc->num_args = sc->empty_check = 0;
		sc->colon = 0;
		if (*end == '?') {
			end++;
			sc->empty_check = 1;
		} else if (*end == '#' || *end == '+') {
			end++;
			sc->num_args = 1;
		}
		if (*end == ':')
			sc->colon = (size_t)(end - body) + 1;
		return 0;
	}
	return 1;
}

/* The next macro of S at or after FROM that the scan SC wants. */
static int
next_macro(const char *s, size_t from, struct scan *sc, struct mpos *mp)
{
	sc->ms.prefix = check_prefix;
	sc->ms.skip = skip_body;
	sc->ms.arg = sc;
	return macro_next(s, from, &sc->ms, mp);
}

/* Replace bytes [FROM, TO) of *S with REP (N bytes); *S is reallocated. */
static int
splice(char **s, size_t from, size_t to, const char *rep, size_t n,
    struct buf *err)
{
	switch (macro_splice(s, from, to, rep, n, CONFIG_MAX_VALUE_BYTES)) {
	case 0:
		return 0;
	case -1:
		buf_adds(err, "macro expansion is too long");
		return -1;
	default:
		buf_adds(err, "out of memory");
		return -1;
	}
}

/* The INDEX-th item of a SEP-separated LIST, trimmed when TRIM is set:
 * returns its start and sets *END, or NULL when there is no such item. */
const char *
cf_nth_item(const char *list, int sep, int index, int trim, const char **end)
{
	const char	*p = list, *e;
	int		 i;

	for (i = 0; p != NULL; i++) {
		e = strchr(p, sep);
		if (i == index) {
			if (trim)
				while (isspace((unsigned char)*p))
					p++;
			if (e == NULL)
				e = p + strlen(p);
			if (trim)
				while (e > p && isspace((unsigned char)e[-1]))
					e--;
			*end = e > p ? e : p;
			return p;
		}
		if (e == NULL)
			break;
		p = e + 1;
	}
	return NULL;
}

/* The INDEX-th argument, looked up as a macro name when it is one, then
 * expanded; NULL (no error) when there is no such argument. */
char *
cf_lookup_arg(struct config *cf, const char *args, int index, struct buf *err,
    int *missing)
{
	const char	*p, *e, *v;
	char		*item, *out;

	*missing = 0;
	if ((p = cf_nth_item(args, ',', index, 1, &e)) == NULL) {
		*missing = 1;
		return NULL;
	}
	if ((item = strndup(p, (size_t)(e - p))) == NULL)
		return NULL;
	v = cf_lookup(cf, item);
	out = cf_expand_opts(cf, v != NULL ? v : item, 1, err);
	free(item);
	return out;
}

/* Expand one macro found at MP in *S and splice the result in. */
static int
expand_one(struct config *cf, char **s, int id, const struct mpos *mp,
    struct buf *err)
{
	struct buf	 out = BUF_INIT;
	char		*body, *flags = NULL;
	const char	*tv = NULL;
	size_t		 namelen;
	int		 rc = -1;

	out.cap = CONFIG_MAX_VALUE_BYTES;
	namelen = (mp->defval ? mp->defval - 1 : mp->right - 1) - mp->body;
	if (id == M_NORMAL || id == M_ENV)
		body = strndup(*s + mp->body, namelen);
	else
		body = strndup(*s + mp->body, mp->right - 1 - mp->body);
	if (body == NULL)
		return -1;
	if (id == M_NORMAL) {
		tv = cf_lookup(cf, body);
		if (mp->defval && (tv == NULL || *tv == '\0'))
			buf_add(&out, *s + mp->defval, mp->right - 1 - mp->defval);
		else if (tv != NULL)
			buf_adds(&out, tv);
	} else if (id == M_ENV) {
		tv = getenv(body);
		if (tv != NULL)
			buf_adds(&out, tv);
		else if (mp->defval)
			buf_add(&out, *s + mp->defval, mp->right - 1 - mp->defval);
		else
			buf_adds(&out, "UNDEFINED");
	} else {
		if (id == M_FILENAME &&
		    (flags = strndup(*s + mp->dollar + 2,
		    mp->body - 1 - (mp->dollar + 2))) == NULL)
			goto done;
		if (cf_eval_func(cf, id, flags ? flags : "", body, &out, err) == -1)
			goto done;
	}
	if (out.failed) {
		buf_adds(err, "macro expansion is too long");
		goto done;
	}
	rc = splice(s, mp->dollar, mp->right, buf_str(&out), out.len, err);
done:
	buf_free(&out);
	free(body);
	free(flags);
	return rc;
}

/* Charge a scan to the configuration's work budget: while loading, one
 * budget covers the whole load; afterwards each value gets its own. */
static void
budget(struct config *cf, struct scan *sc)
{
	if (cf->depth == 0 && cf->loaded)
		cf->work = 0;
	sc->ms.work = &cf->work;
	sc->ms.limit = cf->loaded ? CONFIG_MAX_SCAN_BYTES :
	    CONFIG_MAX_LOAD_SCAN_BYTES;
}

/* Expand every macro of TEXT; $(DOLLAR) becomes "$" at the very end
 * unless KEEP_DOLLAR is set.  Returns a string the caller frees, or NULL
 * with ERR filled. */
char *
cf_expand_opts(struct config *cf, const char *text, int keep_dollar,
    struct buf *err)
{
	struct scan	 sc = { .mode = SCAN_NODOLLAR };
	struct mpos	 mp;
	char		*s;
	size_t		 pos = 0, copied = 0;
	int		 id, iter = 0;

	if (cf->depth >= CONFIG_MAX_DEPTH * 2) {
		buf_adds(err, "macro functions nested too deeply");
		return NULL;
	}
	if ((s = strdup(text)) == NULL)
		return NULL;
	budget(cf, &sc);
	cf->depth++;
	while ((id = next_macro(s, pos, &sc, &mp)) != M_NONE) {
		if (++iter > CONFIG_MAX_EXPANSIONS) {
			buf_addf(err, "iteration limit exceeded while macro "
			    "expanding: %.*s", (int)(mp.right - mp.dollar),
			    s + mp.dollar);
			goto fail;
		}
		if (expand_one(cf, &s, id, &mp, err) == -1)
			goto fail;
		/* Each substitution copies the whole value: bound the sum,
		 * or a value that doubles at every step takes hours. */
		if ((copied += strlen(s)) > CONFIG_MAX_SCAN_BYTES) {
			buf_adds(err, "macro expansion needs too much work");
			goto fail;
		}
		pos = 0;
	}
	if (!keep_dollar && !sc.ms.over) {
		sc.mode = SCAN_DOLLARONLY;
		pos = 0;
		while (next_macro(s, pos, &sc, &mp) != M_NONE) {
			if (splice(&s, mp.dollar, mp.right, "$", 1, err) == -1)
				goto fail;
			pos = mp.dollar;
		}
	}
	if (sc.ms.over) {
		buf_adds(err, "macro expansion needs too much work");
		goto fail;
	}
	cf->depth--;
	return s;
fail:
	cf->depth--;
	free(s);
	return NULL;
}

/* Expand TEXT fully, the way param() does. */
char *
cf_expand(struct config *cf, const char *text, struct buf *err)
{
	return cf_expand_opts(cf, text, 0, err);
}

/* Expand only the references of TEXT to SELF (the name being assigned),
 * also under its subsystem or local-name prefix, so `A = $(A) x` grows. */
char *
cf_expand_self(struct config *cf, const char *text, const char *self,
    struct buf *err)
{
	struct scan	 sc = { .mode = SCAN_SELF, .self = self,
			    .selflen = strlen(self) };
	struct mpos	 mp;
	const char	*pfx[2] = { cf->localname, cf->subsys };
	char		*s;
	size_t		 l;
	int		 id, i, iter = 0;

	for (i = 0; i < 2 && sc.self2 == NULL; i++) {
		if (pfx[i] == NULL)
			continue;
		l = strlen(pfx[i]);
		if (strncasecmp(self, pfx[i], l) == 0 && self[l] == '.' &&
		    self[l + 1] != '\0') {
			sc.self2 = self + l + 1;
			sc.self2len = strlen(sc.self2);
		}
	}
	if ((s = strdup(text)) == NULL)
		return NULL;
	budget(cf, &sc);
	while ((id = next_macro(s, 0, &sc, &mp)) != M_NONE || sc.ms.over) {
		if (sc.ms.over || ++iter > CONFIG_MAX_EXPANSIONS) {
			buf_adds(err, "too much work while expanding a self "
			    "reference");
			free(s);
			return NULL;
		}
		if (expand_one(cf, &s, id, &mp, err) == -1) {
			free(s);
			return NULL;
		}
	}
	return s;
}

/* Substitute the metaknob arguments ARGS (comma list) for $(0), $(N),
 * $(N?), $(0#), $(N+) and $(N:default) in VALUE. */
char *
cf_expand_meta_args(const char *value, const char *args)
{
	struct scan	 sc = { .mode = SCAN_META };
	size_t		 work = 0;
	struct mpos	 mp;
	struct buf	 b = BUF_INIT, err = BUF_INIT;
	const char	*p, *e, *t;
	char		*s;
	long		 i, n;
	int		 iter = 0;

	if ((s = strdup(value)) == NULL)
		return NULL;
	sc.ms.work = &work;
	sc.ms.limit = CONFIG_MAX_SCAN_BYTES;
	while (next_macro(s, 0, &sc, &mp) != M_NONE) {
		if (++iter > CONFIG_MAX_EXPANSIONS)
			break;
		buf_reset(&b);
		if (sc.index <= 0) {
			if (sc.num_args) {
				for (n = 0, p = args; *p; n++)
					p = (e = strchr(p, ',')) ? e + 1 : p + strlen(p);
				buf_addf(&b, "%ld", n);
			} else
				buf_adds(&b, args);
		} else if (sc.num_args) {
			p = args;
			for (i = 1; i < sc.index && p != NULL; i++)
				p = (e = strchr(p, ',')) ? e + 1 : NULL;
			if (p != NULL && *p != '\0')
				buf_adds(&b, p);
			if (sc.colon && b.len == 0)
				buf_add(&b, s + mp.body + sc.colon,
				    mp.right - 1 - (mp.body + sc.colon));
		} else {
			p = args;
			for (i = 1; i < sc.index && p != NULL; i++)
				p = (e = strchr(p, ',')) ? e + 1 : NULL;
			if (p != NULL && *p != '\0') {
				e = strchr(p, ',');
				buf_add(&b, p, e ? (size_t)(e - p) : strlen(p));
			} else if (sc.colon)
				buf_add(&b, s + mp.body + sc.colon,
				    mp.right - 1 - (mp.body + sc.colon));
		}
		t = buf_str(&b);
		while (isspace((unsigned char)*t))
			t++;
		while (b.len > 0 && isspace((unsigned char)b.data[b.len - 1]))
			b.data[--b.len] = '\0';
		if (sc.empty_check)
			t = *t ? "1" : "0";
		if (splice(&s, mp.dollar, mp.right, t, strlen(t), &err) == -1) {
			free(s);
			s = NULL;
			break;
		}
	}
	buf_free(&b);
	buf_free(&err);
	return s;
}
