/*
 * macro.c — the submit macros (a util/names.h table) and $(...) expansion (HTCondor's
 * submit_utils.cpp, with the predefined submit variables): case-insensitive
 * names, values stored unexpanded, lazy expansion of $(NAME) and
 * $(NAME:default) with rescanning from the left (HTCondor's
 * expand_macro()), $(DOLLAR) replaced last, $$(...) left for the starter,
 * the $FUNC() calls handed to mfunc.c, and the predefined live values
 * ($(Cluster), $(Process), $(Step), $(Row), $(Item) ...).
 *
 * The scanner mirrors config/expand.c's; it is separate because the
 * configuration expander looks names up in the configuration (with its
 * built-in defaults) and reads the environment for $ENV(), which a
 * server must not do for network text (see the module report).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "submit/submit_int.h"

/* ---- lookups ---- */

/* HTCondor's identifier characters (macro.h). */
int
sub_is_idchar(int c)
{
	return macro_is_idchar(c);
}

/* Format N into the I-th scratch number buffer. */
static const char *
num(struct submit *s, int i, long long n)
{
	snprintf(s->numbuf[i], sizeof(s->numbuf[i]), "%lld", n);
	return s->numbuf[i];
}

/* The predefined submit variables (A.4) that the file did not define. */
static const char *
predefined(struct submit *s, const char *name)
{
	if (strcasecmp(name, "Cluster") == 0 ||
	    strcasecmp(name, "ClusterId") == 0 ||
	    strcasecmp(name, "JobListId") == 0)
		return num(s, 0, s->cluster);
	if (strcasecmp(name, "Process") == 0 || strcasecmp(name, "ProcId") == 0)
		return num(s, 1, s->procid);
	if (strcasecmp(name, "Step") == 0)
		return num(s, 2, s->step);
	if (strcasecmp(name, "ItemIndex") == 0 || strcasecmp(name, "Row") == 0)
		return num(s, 3, s->row);
	if (strcasecmp(name, "JobId") == 0) {
		snprintf(s->numbuf[4], sizeof(s->numbuf[4]), "%d.%d",
		    s->cluster, s->procid);
		return s->numbuf[4];
	}
	if (strcasecmp(name, "Node") == 0 || strcasecmp(name, "Item") == 0)
		return "";
	if (strcasecmp(name, "TaskId") == 0)
		return "0";
	if (strcasecmp(name, "ARCH") == 0)
		return s->arch;
	if (strcasecmp(name, "OPSYS") == 0)
		return s->opsys;
	if (strcasecmp(name, "IsLinux") == 0)
		return strcasecmp(s->opsys, "LINUX") == 0 ? "1" : "0";
	if (strcasecmp(name, "IsWindows") == 0)
		return strcasecmp(s->opsys, "WINDOWS") == 0 ? "1" : "0";
	if (strcasecmp(name, "SUBMIT_FILE") == 0)
		return s->subfile != NULL ? s->subfile : "";
	if (strcasecmp(name, "SUBMIT_TIME") == 0)
		return num(s, 5, s->o.qdate);
	return NULL;
}

/* The raw value of NAME: the file's definition (and queue loop
 * variables), else the predefined value, else NULL. */
const char *
sub_lookup(struct submit *s, const char *name)
{
	const char	*v;

	if ((v = names_get(&s->mt, name)) != NULL)
		return v;
	return predefined(s, name);
}

/* ---- the scanner ---- */

enum { SCAN_ALL, SCAN_DOLLAR, SCAN_SELF };

#define mpos	macro_pos

/* One scan: which macros it wants (MODE, SELF for SCAN_SELF). */
struct scan {
	int		 mode;
	const char	*self;
};

/* The prefix hook: which function "$WORD(" names (P is the '$', LEN
 * counts to the '('); MACRO_PLAIN for $(NAME), MACRO_NONE for none.
 * $ENV and $(NAME) take a name, the others anything. */
static int
func_id(void *arg, const char *p, size_t len, enum macro_body *body)
{
	int id;

	*body = MACRO_BODY_ANY;
	if (len == 1) {
		*body = MACRO_BODY_NAME;
		return MACRO_PLAIN;
	}
	if (p[1] == '$')
		return MACRO_NONE;
	if ((id = macro_func_id(p, len)) == MF_ENV)
		*body = MACRO_BODY_NAME;
	return id;
}

/* The skip hook: SCAN_DOLLAR finds only $(DOLLAR), SCAN_SELF only plain
 * references to SELF, SCAN_ALL the rest. */
static int
skip_macro(void *arg, int id, const char *name, size_t len, size_t colon)
{
	const struct scan *sc = arg;
	size_t		 nlen = colon ? colon - 1 : len;
	int		 isdollar;

	isdollar = id == MACRO_PLAIN && nlen == 6 &&
	    strncasecmp(name, "DOLLAR", 6) == 0;
	switch (sc->mode) {
	case SCAN_ALL:
		return isdollar;
	case SCAN_DOLLAR:
		return !isdollar;
	default:
		return id != MACRO_PLAIN || strlen(sc->self) != nlen ||
		    strncasecmp(name, sc->self, nlen) != 0;
	}
}

/* Find the left-most macro of S at or after FROM that MODE wants (with
 * SELF for SCAN_SELF): its kind (MACRO_PLAIN, MF_*, 0 for none) and
 * position.  Only the scan is shared with the configuration language:
 * what a name means is looked up here, so submit text never reaches
 * getenv or the passwd database unless local files are allowed. */
static int
next_macro(struct submit *s, const char *str, size_t from, int mode,
    const char *self, struct mpos *mp)
{
	struct scan	 sc = { mode, self };
	struct macro_scan ms = { func_id, skip_macro, &sc, &s->work,
	    SUBMIT_MAX_WORK, 0 };

	return macro_next(str, from, &ms, mp);
}

/* Replace bytes [FROM, TO) of *S with REP (N bytes). */
static int
splice(struct submit *s, char **str, size_t from, size_t to, const char *rep,
    size_t n)
{
	switch (macro_splice(str, from, to, rep, n, SUBMIT_MAX_VALUE)) {
	case 0:
		return 0;
	case -1:
		return sub_fail(s, s->errline, "macro expansion is too long "
		    "(more than %u bytes)", SUBMIT_MAX_VALUE);
	default:
		return sub_fail(s, s->errline, "out of memory");
	}
}

/* Expand the macro at MP of kind ID in *STR and splice its value in. */
static int
expand_one(struct submit *s, char **str, int id, const struct mpos *mp)
{
	struct buf	 out = BUF_INIT, msg = BUF_INIT;
	char		*body, *flags = NULL;
	const char	*v;
	size_t		 namelen;
	int		 rc = -1, frc;

	out.cap = SUBMIT_MAX_VALUE;
	namelen = (mp->defval ? mp->defval - 1 : mp->right - 1) - mp->body;
	if (id == -1 || id == MF_ENV)
		body = strndup(*str + mp->body, namelen);
	else
		body = strndup(*str + mp->body, mp->right - 1 - mp->body);
	if (body == NULL)
		return sub_fail(s, s->errline, "out of memory");
	if (id == -1) {
		v = sub_lookup(s, body);
		if (mp->defval && (v == NULL || *v == '\0'))
			buf_add(&out, *str + mp->defval,
			    mp->right - 1 - mp->defval);
		else if (v != NULL)
			buf_adds(&out, v);
	} else {
		if (id == MF_FILENAME && (flags = strndup(*str + mp->dollar + 2,
		    mp->body - 1 - (mp->dollar + 2))) == NULL)
			goto done;
		if (id == MF_ENV && mp->defval) {
			/* the default follows the colon */
			free(body);
			body = strndup(*str + mp->body, mp->right - 1 - mp->body);
			if (body == NULL)
				goto done;
		}
		frc = sub_func(s, id, flags ? flags : "", body, &out, &msg);
		if (frc == -1) {
			sub_fail(s, s->errline, "%s", buf_str(&msg));
			goto done;
		}
		if (frc == 1 && s->building)
			sub_warn(s, "ERROR at Queue statement on Line %d: %s at "
			    "Step %d, ItemIndex %d", s->q.line, buf_str(&msg),
			    s->step, s->row);
		else if (frc == 1)
			sub_warn(s, "%s", buf_str(&msg));
		if (frc == 1) {
			buf_reset(&out);
		}
	}
	if (out.failed) {
		sub_fail(s, s->errline, "macro expansion is too long");
		goto done;
	}
	rc = splice(s, str, mp->dollar, mp->right, buf_str(&out), out.len);
done:
	if (rc == -1 && s->err != NULL && s->err->reason[0] == '\0')
		sub_fail(s, s->errline, "out of memory");
	buf_free(&out);
	buf_free(&msg);
	free(body);
	free(flags);
	return rc;
}

/* Expand every macro of TEXT with rescanning, then $(DOLLAR).  Returns a
 * string the caller frees, or NULL with the error recorded. */
char *
sub_expand(struct submit *s, const char *text)
{
	struct mpos	 mp;
	char		*str;
	int		 id, iter = 0;

	if (s->depth >= SUBMIT_MAX_DEPTH) {
		sub_fail(s, s->errline, "macro functions nested too deeply");
		return NULL;
	}
	if (s->depth == 0)
		s->work = 0;
	if ((str = strdup(text)) == NULL) {
		sub_fail(s, s->errline, "out of memory");
		return NULL;
	}
	s->depth++;
	while ((id = next_macro(s, str, 0, SCAN_ALL, NULL, &mp)) != 0) {
		if (++iter > SUBMIT_MAX_EXPANSIONS) {
			sub_fail(s, s->errline, "iteration limit exceeded while "
			    "macro expanding: %.*s", (int)(mp.right - mp.dollar),
			    str + mp.dollar);
			goto fail;
		}
		if (expand_one(s, &str, id, &mp) == -1)
			goto fail;
	}
	if (s->work > SUBMIT_MAX_WORK) {
		sub_fail(s, s->errline, "macro expansion needs too much work");
		goto fail;
	}
	if (s->depth == 1) {
		size_t pos = 0;

		while (next_macro(s, str, pos, SCAN_DOLLAR, NULL, &mp) != 0) {
			if (splice(s, &str, mp.dollar, mp.right, "$", 1) == -1)
				goto fail;
			pos = mp.dollar + 1;
		}
	}
	s->depth--;
	return str;
fail:
	s->depth--;
	free(str);
	return NULL;
}

/* Expand only $(SELF) references of TEXT, at assignment time, so that
 * `A = $(A) more` accumulates. */
char *
sub_expand_self(struct submit *s, const char *text, const char *self)
{
	struct mpos	 mp;
	char		*str;
	int		 iter = 0;

	s->work = 0;
	if ((str = strdup(text)) == NULL) {
		sub_fail(s, s->errline, "out of memory");
		return NULL;
	}
	while (next_macro(s, str, 0, SCAN_SELF, self, &mp) != 0) {
		if (++iter > SUBMIT_MAX_EXPANSIONS ||
		    expand_one(s, &str, -1, &mp) == -1) {
			if (iter > SUBMIT_MAX_EXPANSIONS)
				sub_fail(s, s->errline, "too much work while "
				    "expanding a self reference");
			free(str);
			return NULL;
		}
	}
	return str;
}

/* submit_param(): NAME's (else ALT's) expanded value, NULL when unset or
 * empty after expansion; *ERRP is set on a hard error. */
char *
sub_param(struct submit *s, const char *name, const char *alt, int *errp)
{
	const char	*raw;
	char		*v;

	*errp = 0;
	raw = names_get(&s->mt, name);
	if (raw == NULL && alt != NULL)
		raw = names_get(&s->mt, alt);
	if (raw == NULL)
		return NULL;
	if ((v = sub_expand(s, raw)) == NULL) {
		*errp = 1;
		return NULL;
	}
	if (*v == '\0') {
		free(v);
		return NULL;
	}
	return v;
}
