/*
 * argenv.c — `arguments` and `environment` in both syntaxes
 * (HTCondor's condor_arglist.cpp and env.cpp): the old
 * "wacked" V1 form and the double-quoted V2 form, written to the job as
 * Args (V1 input) or the canonical V2 Arguments, and as the canonical V2
 * Environment sorted by variable name.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/args.h"
#include "util/buf.h"
#include "classad/classad.h"
#include "submit/submit_int.h"

extern char **environ;

/* Split V2 raw text (util/args.c), failing the submit with the reason. */
static int
split_v2_raw(struct submit *s, const char *p, struct strv *out)
{
	char	 why[256];

	if (args_split_v2(p, out, why, sizeof(why)) == -1)
		return sub_fail(s, s->errline, "%s", why);
	return 0;
}

/* Unquote a V2 value "…" (with "" for a quote) into RAW. */
static int
v2_unquote(struct submit *s, const char *v, struct buf *raw, const char *full,
    const char *what)
{
	const char	*p = v + 1;

	for (;;) {
		if (*p == '\0')
			return sub_fail(s, s->errline, "Unterminated "
			    "double-quote.");
		if (*p == '"' && p[1] == '"') {
			buf_addc(raw, '"');
			p += 2;
		} else if (*p == '"') {
			p++;
			break;
		} else
			buf_addc(raw, *p++);
	}
	while (args_blank((unsigned char)*p))
		p++;
	if (*p != '\0')
		return sub_fail(s, s->errline, "Unexpected characters following "
		    "double-quote.  Did you forget to escape the double-quote by "
		    "repeating it?  Here is the quote and trailing characters: "
		    "%s (in the %s you specified: %s)", p, what, full);
	return raw->failed ? sub_fail(s, s->errline, "out of memory") : 0;
}

/* Split V1 arguments in the submit language's wacked form: \" is a
 * quote, an unescaped quote is an error, blanks separate. */
static int
split_v1_args(struct submit *s, const char *v, struct strv *out)
{
	char	 why[256];

	if (args_split_v1(v, 1, out, why, sizeof(why)) == -1)
		return sub_fail(s, s->errline, "%s", why);
	return 0;
}

/* Set Args (V1 input) or Arguments (V2 input or none). */
int
sub_arguments(struct submit *s, struct classad *ad)
{
	struct strv	 l = { 0 };
	struct buf	 b = BUF_INIT, raw = BUF_INIT;
	char		*v;
	const char	*p;
	size_t		 i;
	int		 e, v1 = 0, rc = -1;

	v = sub_param(s, "arguments", "Args", &e);
	if (e)
		return -1;
	if (v == NULL && (v = sub_param(s, "arguments2", NULL, &e)) == NULL &&
	    e)
		return -1;
	p = v != NULL ? v : "";
	while (args_blank((unsigned char)*p))
		p++;
	if (*p == '"') {
		if (v2_unquote(s, p, &raw, v, "arguments") == -1 ||
		    split_v2_raw(s, buf_str(&raw), &l) == -1)
			goto done;
	} else if (*p != '\0') {
		v1 = 1;
		if (split_v1_args(s, p, &l) == -1)
			goto done;
	}
	for (i = 0; i < l.n; i++) {
		if (i > 0)
			buf_addc(&b, ' ');
		if (v1)
			buf_adds(&b, l.v[i]);
		else
			args_quote_v2(&b, l.v[i]);
	}
	if (b.failed || classad_insert_string(ad, v1 ? "Args" : "Arguments",
	    buf_str(&b)) == -1) {
		sub_fail(s, s->errline, "cannot set the arguments");
		goto done;
	}
	rc = 0;
done:
	if (rc == -1 && s->err != NULL && s->err->reason[0] != '\0' &&
	    strstr(s->err->reason, "The full arguments") == NULL &&
	    v != NULL) {
		size_t n = strlen(s->err->reason);

		snprintf(s->err->reason + n, sizeof(s->err->reason) - n,
		    "\nThe full arguments you specified were: %s", v);
	}
	strv_free(&l);
	buf_free(&b);
	buf_free(&raw);
	free(v);
	return rc;
}

/* Environment entries NAME=value, kept sorted by name (later wins). */
struct envset {
	struct strv	 names, vals;
};

static int
env_put(struct envset *e, const char *name, size_t nlen, const char *val)
{
	size_t	 lo = 0, hi = e->names.n, mid;
	int	 c;
	char	*nv;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strncmp(e->names.v[mid], name, nlen);
		if (c == 0 && e->names.v[mid][nlen] != '\0')
			c = 1;
		if (c == 0) {
			if ((nv = strdup(val)) == NULL)
				return -1;
			free(e->vals.v[mid]);
			e->vals.v[mid] = nv;
			return 0;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (strv_add(&e->names, name, nlen) == -1 ||
	    strv_add(&e->vals, val, strlen(val)) == -1)
		return -1;
	/* move the new entry (last) into place */
	nv = e->names.v[e->names.n - 1];
	memmove(e->names.v + lo + 1, e->names.v + lo,
	    (e->names.n - 1 - lo) * sizeof(char *));
	e->names.v[lo] = nv;
	nv = e->vals.v[e->vals.n - 1];
	memmove(e->vals.v + lo + 1, e->vals.v + lo,
	    (e->vals.n - 1 - lo) * sizeof(char *));
	e->vals.v[lo] = nv;
	return 0;
}

/* Add one "NAME=value" entry; one without '=' is an error. */
static int
env_entry(struct submit *s, struct envset *e, const char *ent)
{
	const char	*eq = strchr(ent, '=');

	if (eq == NULL || eq == ent)
		return sub_fail(s, s->errline, "Environment entry \"%s\" is not "
		    "of the form NAME=value", ent);
	if (env_put(e, ent, (size_t)(eq - ent), eq + 1) == -1)
		return sub_fail(s, s->errline, "out of memory");
	return 0;
}

/* getenv = true or a list of (possibly negated) name patterns. */
static int
import_environ(struct submit *s, struct envset *e, const char *spec)
{
	struct strv	 pats = { 0 };
	char		**ep;
	const char	*eq, *p;
	size_t		 i, n;
	int		 b, take;

	if (sub_parse_bool(s, NULL, spec, &b) == 0) {
		if (!b)
			return 0;
	} else {
		for (p = spec; *p; p += n) {
			p += strspn(p, ", \t");
			n = strcspn(p, ", \t");
			if (n > 0 && strv_add(&pats, p, n) == -1) {
				strv_free(&pats);
				return sub_fail(s, s->errline, "out of memory");
			}
		}
	}
	if (!s->o.allow_local_files) {
		strv_free(&pats);
		return sub_fail_local(s, s->errline, "getenv is not allowed: "
		    "submit text may not read the server's environment");
	}
	for (ep = environ; ep != NULL && *ep != NULL; ep++) {
		if ((eq = strchr(*ep, '=')) == NULL || eq == *ep)
			continue;
		take = pats.n == 0;
		for (i = 0; i < pats.n; i++) {
			char *name = strndup(*ep, (size_t)(eq - *ep));
			const char *pat = pats.v[i];
			int neg = *pat == '!';

			if (name == NULL)
				break;
			if (fnmatch(pat + neg, name, FNM_CASEFOLD) == 0)
				take = !neg;
			free(name);
		}
		if (take && env_put(e, *ep, (size_t)(eq - *ep), eq + 1) == -1) {
			strv_free(&pats);
			return sub_fail(s, s->errline, "out of memory");
		}
	}
	strv_free(&pats);
	return 0;
}

/* Set Environment (canonical V2, sorted by name). */
int
sub_environment(struct submit *s, struct classad *ad)
{
	struct envset	 e = { { 0 }, { 0 } };
	struct strv	 l = { 0 };
	struct buf	 b = BUF_INIT, raw = BUF_INIT, ent = BUF_INIT;
	char		*v, *v2 = NULL, *ge = NULL, why[256];
	const char	*p;
	size_t		 i;
	int		 err, rc = -1, v1 = 0;

	v = sub_param(s, "environment", "env", &err);
	if (err)
		return -1;
	if ((v2 = sub_param(s, "environment2", NULL, &err)) == NULL && err)
		goto done;
	if (v != NULL && v2 != NULL) {
		sub_fail(s, s->errline, "If you wish to specify both 'environment' "
		    "and 'environment2' for maximal compatibility with different "
		    "versions of Condor, then you must also specify "
		    "allow_environment_v1=true.");
		goto done;
	}
	if (v2 != NULL) {
		v = v2;
		v2 = NULL;
	} else if (v != NULL && names_get(&s->mt, "environment") == NULL) {
		/* the keyword `env` with a V1 value keeps the V1 form */
		for (p = v; args_blank((unsigned char)*p); p++)
			;
		v1 = *p != '"';
	}
	ge = sub_param(s, "getenv", "get_env", &err);
	if (err)
		goto done;
	if (ge != NULL && import_environ(s, &e, ge) == -1)
		goto done;
	p = v != NULL ? v : "";
	while (args_blank((unsigned char)*p))
		p++;
	if (*p == '"') {
		if (v2_unquote(s, p, &raw, v, "environment") == -1 ||
		    split_v2_raw(s, buf_str(&raw), &l) == -1)
			goto done;
		for (i = 0; i < l.n; i++)
			if (strchr(l.v[i], '=') != NULL || strstr(l.v[i],
			    "$$") == NULL)
				if (env_entry(s, &e, l.v[i]) == -1)
					goto done;
	} else if (*p != '\0') {
		if (env_split_v1(p, ';', &l, why, sizeof(why)) == -1) {
			sub_fail(s, s->errline, "%s", why);
			goto done;
		}
		for (i = 0; i < l.n; i++)
			if (env_entry(s, &e, l.v[i]) == -1)
				goto done;
	}
	for (i = 0; i < e.names.n; i++) {
		if (i > 0)
			buf_addc(&b, v1 ? ';' : ' ');
		buf_reset(&ent);
		buf_adds(&ent, e.names.v[i]);
		buf_addc(&ent, '=');
		buf_adds(&ent, e.vals.v[i]);
		if (v1 && strchr(buf_str(&ent), ';') != NULL) {
			sub_fail(s, s->errline, "failed to insert environment "
			    "into job ad: %s contains the delimiter ';'",
			    buf_str(&ent));
			goto done;
		}
		if (v1)
			buf_adds(&b, buf_str(&ent));
		else
			args_quote_v2(&b, buf_str(&ent));
	}
	if (b.failed || ent.failed || (v1 ? classad_insert_string(ad, "Env",
	    buf_str(&b)) == -1 || classad_insert_string(ad, "EnvDelim", ";") ==
	    -1 : classad_insert_string(ad, "Environment", buf_str(&b)) == -1)) {
		sub_fail(s, s->errline, "cannot set the environment");
		goto done;
	}
	rc = 0;
done:
	strv_free(&e.names);
	strv_free(&e.vals);
	strv_free(&l);
	buf_free(&b);
	buf_free(&raw);
	buf_free(&ent);
	if (rc == -1 && v != NULL && s->err != NULL &&
	    strstr(s->err->reason, "you specified was") == NULL) {
		size_t n = strlen(s->err->reason);

		snprintf(s->err->reason + n, sizeof(s->err->reason) - n,
		    "\nThe environment you specified was: '%s'", v);
	}
	free(v);
	free(v2);
	free(ge);
	return rc;
}
