/*
 * config.c — the configuration as a whole: making and freeing it, the
 * parameter table and its lookup order (prefixes, detected macros, the
 * built-in defaults), messages, loading, and the typed getters.
 */
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "config/config.h"
#include "config/config_int.h"
#include "util/bounds.h"

/* Define NAME = VALUE; a name defined again keeps its first spelling. */
int
cf_set(struct config *cf, const char *name, const char *value)
{
	return names_set(&cf->names, name, value);
}

/* The raw value of exactly "PREFIX.NAME" in the table, or NULL; *KEY gets
 * the stored spelling. */
static const char *
get_prefixed(struct config *cf, const char *prefix, const char *name,
    const char **key)
{
	struct names_entry *e = names_find(&cf->names, prefix, name);

	if (e == NULL)
		return NULL;
	if (key != NULL)
		*key = e->key;
	return e->val;
}

/* TILDE (home of user "condor") and USERNAME cost a passwd lookup that
 * may go through NSS, so they are looked up only when a value needs
 * them.  Like HTCondor's detected macros they beat the files. */
static const char *
lazy_special(struct config *cf, const char *name, const char **key)
{
	struct passwd	*pw;

	if (strcasecmp(name, "TILDE") == 0) {
		if (!cf->have_tilde) {
			cf->have_tilde = 1;
			if ((pw = getpwnam("condor")) != NULL &&
			    pw->pw_dir != NULL)
				cf->tilde = strdup(pw->pw_dir);
		}
		if (key != NULL)
			*key = "TILDE";
		return cf->tilde;
	}
	if (cf->loaded && strcasecmp(name, "USERNAME") == 0) {
		if (!cf->have_user) {
			cf->have_user = 1;
			if ((pw = getpwuid(getuid())) != NULL &&
			    pw->pw_name != NULL)
				cf->username = strdup(pw->pw_name);
		}
		if (key != NULL)
			*key = "USERNAME";
		return cf->username;
	}
	return NULL;
}

/* The raw value of NAME, most specific first as HTCondor's manual orders
 * it: SUBSYS.LOCALNAME.NAME, LOCALNAME.NAME, SUBSYS.NAME, NAME, then the
 * built-in default. */
const char *
cf_lookup_key(struct config *cf, const char *name, const char **key)
{
	const char	*v;

	if (cf->subsys_local != NULL &&
	    (v = get_prefixed(cf, cf->subsys_local, name, key)) != NULL)
		return v;
	if (cf->localname != NULL &&
	    (v = get_prefixed(cf, cf->localname, name, key)) != NULL)
		return v;
	if ((v = get_prefixed(cf, cf->subsys, name, key)) != NULL)
		return v;
	if ((v = lazy_special(cf, name, key)) != NULL)
		return v;
	if ((v = get_prefixed(cf, NULL, name, key)) != NULL)
		return v;
	return cf_default(name, key);
}

const char *
cf_lookup(struct config *cf, const char *name)
{
	return cf_lookup_key(cf, name, NULL);
}

/* Append a formatted message to the stderr transcript. */
void
cf_logf(struct config *cf, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vaddf(&cf->log, fmt, ap);
	va_end(ap);
}

/* Record a warning (one line, no newline in FMT) in the warnings and the
 * transcript. */
void
cf_warnf(struct config *cf, const char *fmt, ...)
{
	va_list	 ap;
	size_t	 start = cf->warnings.len;

	va_start(ap, fmt);
	buf_vaddf(&cf->warnings, fmt, ap);
	va_end(ap);
	buf_addc(&cf->warnings, '\n');
	if (!cf->warnings.failed)
		buf_add(&cf->log, cf->warnings.data + start,
		    cf->warnings.len - start);
}

/* An empty configuration for SUBSYS (upper-cased) and LOCALNAME. */
struct config *
cf_new(const char *subsys, const char *localname)
{
	struct config	*cf;
	char		*p;

	if ((cf = calloc(1, sizeof(*cf))) == NULL)
		return NULL;
	cf->names.max = CONFIG_MAX_ENTRIES;
	cf->warnings.cap = CONFIG_MAX_LOG_BYTES;
	cf->log.cap = CONFIG_MAX_LOG_BYTES;
	cf->subsys = strdup(subsys != NULL && *subsys ? subsys : "TOOL");
	if (localname != NULL && *localname != '\0')
		cf->localname = strdup(localname);
	if (cf->subsys == NULL || (localname != NULL && *localname != '\0' &&
	    cf->localname == NULL)) {
		config_free(cf);
		return NULL;
	}
	for (p = cf->subsys; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (cf->localname != NULL && asprintf(&cf->subsys_local, "%s.%s",
	    cf->subsys, cf->localname) == -1) {
		cf->subsys_local = NULL;
		config_free(cf);
		return NULL;
	}
	return cf;
}

void
config_free(struct config *cf)
{
	if (cf == NULL)
		return;
	names_free(&cf->names);
	free(cf->subsys);
	free(cf->localname);
	free(cf->subsys_local);
	free(cf->last);
	free(cf->tilde);
	free(cf->username);
	buf_free(&cf->warnings);
	buf_free(&cf->log);
	free(cf);
}

/* The expanded value of NAME, or NULL when undefined or empty (or on an
 * expansion error, reported in ERR when ERR is not NULL). */
char *
cf_value_of(struct config *cf, const char *name, struct buf *err)
{
	struct buf	 e = BUF_INIT;
	const char	*raw;
	char		*v;

	if ((raw = cf_lookup(cf, name)) == NULL)
		return NULL;
	v = cf_expand(cf, raw, err != NULL ? err : &e);
	buf_free(&e);
	if (v != NULL && *v == '\0') {
		free(v);
		v = NULL;
	}
	return v;
}

/* Parse a boolean the way param_boolean does for simple values. */
int
cf_parse_bool(const char *s, int *out)
{
	static const char *const t[] = { "true", "yes", "t", "y", "1" };
	static const char *const f[] = { "false", "no", "f", "n", "0" };
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (strcasecmp(s, t[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, f[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

/* Copy the transcript into ERR without its final newline. */
static void
copy_log(const struct config *cf, char *err, size_t errlen)
{
	size_t	 n = cf->log.len;

	if (err == NULL || errlen == 0)
		return;
	while (n > 0 && cf->log.data[n - 1] == '\n')
		n--;
	if (n >= errlen)
		n = errlen - 1;
	if (n > 0)
		memcpy(err, cf->log.data, n);
	err[n] = '\0';
	if (n == 0)
		snprintf(err, errlen, "cannot read the configuration");
}

struct config *
config_load(const char *subsystem, const char *local_name, char *err,
    size_t errlen)
{
	struct config	*cf;

	if ((cf = cf_new(subsystem, local_name)) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (cf_load_all(cf) == -1) {
		copy_log(cf, err, errlen);
		config_free(cf);
		return NULL;
	}
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	return cf;
}

const char *
config_value(struct config *cf, const char *name)
{
	free(cf->last);
	cf->last = cf_value_of(cf, name, NULL);
	return cf->last;
}

const char *
config_warnings(struct config *cf)
{
	return buf_str(&cf->warnings);
}

int
config_parse_int(const char *s, long long *out)
{
	char	*end;

	while (isspace((unsigned char)*s))
		s++;
	if (!isdigit((unsigned char)*s) && !((*s == '-' || *s == '+') &&
	    isdigit((unsigned char)s[1])))
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	if (errno != 0)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	return *end == '\0' ? 0 : -1;
}

int
config_parse_duration(const char *s, long long *out)
{
	long long	 total = 0, n, mult;
	int		 neg = 0, terms = 0;

	if (config_parse_int(s, out) == 0)
		return 0;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	while (*s && !isspace((unsigned char)*s)) {
		if (!isdigit((unsigned char)*s))
			return -1;
		for (n = 0; isdigit((unsigned char)*s); s++)
			if (__builtin_mul_overflow(n, 10, &n) ||
			    __builtin_add_overflow(n, *s - '0', &n))
				return -1;
		if (*s == 'h')
			mult = 3600;
		else if (*s == 'm' && s[1] != 's')
			mult = 60;
		else if (*s == 's')
			mult = 1;
		else
			return -1;
		s++;
		if (__builtin_mul_overflow(n, mult, &n) ||
		    __builtin_add_overflow(total, n, &total))
			return -1;
		terms++;
	}
	while (isspace((unsigned char)*s))
		s++;
	if (*s != '\0' || terms == 0)
		return -1;
	*out = neg ? -total : total;
	return 0;
}

/* Shared body of config_int and config_duration. */
static int
get_number(struct config *cf, const char *name, long long def, long long min,
    long long max, long long *out, char *err, size_t errlen, int duration)
{
	const char	*v = config_value(cf, name);
	long long	 n;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	if ((duration ? config_parse_duration(v, &n) : config_parse_int(v, &n)) == -1) {
		snprintf(err, errlen, "%s: \"%.64s\" is not %s", name, v,
		    duration ? "a duration (seconds, or e.g. 30s, 2m, 1h)" :
		    "an integer");
		return -1;
	}
	if (n < min || n > max) {
		snprintf(err, errlen, "%s: %lld is out of range [%lld, %lld]",
		    name, n, min, max);
		return -1;
	}
	*out = n;
	return 0;
}

int
config_int(struct config *cf, const char *name, long long def, long long min,
    long long max, long long *out, char *err, size_t errlen)
{
	return get_number(cf, name, def, min, max, out, err, errlen, 0);
}

int
config_duration(struct config *cf, const char *name, long long def,
    long long min, long long max, long long *out, char *err, size_t errlen)
{
	return get_number(cf, name, def, min, max, out, err, errlen, 1);
}

int
config_bool(struct config *cf, const char *name, int def, int *out, char *err,
    size_t errlen)
{
	const char	*v = config_value(cf, name);
	char		 t[16];
	size_t		 n;
	long long	 ll;

	if (v == NULL) {
		*out = def;
		return 0;
	}
	while (isspace((unsigned char)*v))
		v++;
	n = strlen(v);
	while (n > 0 && isspace((unsigned char)v[n - 1]))
		n--;
	if (n < sizeof(t)) {
		memcpy(t, v, n);
		t[n] = '\0';
		if (cf_parse_bool(t, out) == 0)
			return 0;
		if (config_parse_int(t, &ll) == 0) {
			*out = ll != 0;
			return 0;
		}
	}
	snprintf(err, errlen, "%s: \"%.64s\" is not a boolean", name, v);
	return -1;
}

