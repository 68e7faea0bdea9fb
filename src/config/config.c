/*
 * config.c — the HTCondor configuration reader: the parameter table, the
 * built-in defaults, the order in which sources are read (HTCondor's
 * condor_config.cpp), typed getters, and the --config-val front end that
 * prints values the way condor_config_val does.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "config/config.h"
#include "config/config_int.h"
#include "util/bounds.h"

extern char **environ;

/* Built-in defaults a schedd client needs, from HTCondor's param_info.in
 * (Linux values).  Sorted by name (strcasecmp) for bsearch. */
static const struct cfdef {
	const char	*name;
	const char	*value;
} defaults[] = {
	{ "BIN", "$(RELEASE_DIR)/bin" },
	{ "COLLECTOR_ADDRESS_FILE", "$(LOG)/.collector_address" },
	{ "COLLECTOR_HOST", "$(CONDOR_HOST)" },
	{ "COLLECTOR_PORT", "9618" },
	{ "DAEMON_LIST", "MASTER" },
	{ "DAEMON_SOCKET_DIR", "auto" },
	{ "ETC", "$(LOCAL_DIR)" },
	{ "EXECUTE", "$(LOCAL_DIR)/execute" },
	{ "FILESYSTEM_DOMAIN", "$(FULL_HOSTNAME)" },
	{ "INCLUDE", "$(RELEASE_DIR)/include" },
	{ "LIB", "$(RELEASE_DIR)/lib" },
	{ "LIBEXEC", "$(RELEASE_DIR)/libexec" },
	{ "LOCAL_CONFIG_DIR", "" },
	{ "LOCAL_CONFIG_DIR_EXCLUDE_REGEXP",
	    "^((\\..*)|(.*\\.pl)|(.*\\.py)|(.*\\.sh)|(.*~)|(#.*)|(.*\\.rpmsave)|"
	    "(.*\\.rpmnew)|(.*\\.dpkg-old)|(.*\\.dpkg-dist)|(.*\\.cfsaved))$" },
	{ "LOCAL_CONFIG_FILE", "" },
	{ "LOCAL_DIR", "$(TILDE)" },
	{ "LOCK", "$(LOG)" },
	{ "LOG", "$(LOCAL_DIR)/log" },
	{ "MASTER_ADDRESS_FILE", "$(LOG)/.master_address" },
	{ "RELEASE_DIR", "/usr" },
	{ "REQUIRE_LOCAL_CONFIG_FILE", "true" },
	{ "RUN", "$(LOCK)" },
	{ "SBIN", "$(RELEASE_DIR)/sbin" },
	{ "SCHEDD_ADDRESS_FILE", "$(SPOOL)/.schedd_address" },
	{ "SCHEDD_DAEMON_AD_FILE", "$(SPOOL)/.schedd_classad" },
	{ "SCHEDD_LOG", "$(LOG)/SchedLog" },
	{ "SCHEDD_NAME", "" },
	{ "SCHEDD_SUPER_ADDRESS_FILE", "$(SPOOL)/.schedd_address.super" },
	{ "SEC_DEFAULT_AUTHENTICATION_METHODS", "FS,TOKEN" },
	{ "SEC_PASSWORD_DIRECTORY", "$(ETC)/passwords.d" },
	{ "SEC_PASSWORD_FILE", "$(SEC_PASSWORD_DIRECTORY)/POOL" },
	{ "SEC_TOKEN_DIRECTORY", "" },
	{ "SEC_TOKEN_POOL_SIGNING_KEY_FILE", "$(SEC_PASSWORD_FILE)" },
	{ "SEC_TOKEN_SYSTEM_DIRECTORY", "$(ETC)/tokens.d" },
	{ "SHARED_PORT_PORT", "$(COLLECTOR_PORT)" },
	{ "SPOOL", "$(LOCAL_DIR)/spool" },
	{ "TRUST_DOMAIN", "$(UID_DOMAIN)" },
	{ "UID_DOMAIN", "$(FULL_HOSTNAME)" },
	{ "USER_CONFIG_FILE", "user_config" },
	{ "USE_SHARED_PORT", "true" },
};

#define NDEFAULTS	(sizeof(defaults) / sizeof(defaults[0]))

static int
cmp_def(const void *k, const void *e)
{
	return strcasecmp(k, ((const struct cfdef *)e)->name);
}

static const struct cfdef *
find_def(const char *name)
{
	return bsearch(name, defaults, NDEFAULTS, sizeof(defaults[0]), cmp_def);
}

/* The built-in default (raw macro text) of NAME, or NULL. */
static const char *
cf_default(const char *name)
{
	const struct cfdef *d = find_def(name);

	return d != NULL ? d->value : NULL;
}

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
static const char *
lookup_key(struct config *cf, const char *name, const char **key)
{
	const struct cfdef *d;
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
	if ((d = find_def(name)) == NULL)
		return NULL;
	if (key != NULL)
		*key = d->name;
	return d->value;
}

const char *
cf_lookup(struct config *cf, const char *name)
{
	return lookup_key(cf, name, NULL);
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

/* Read the whole regular file PATH (at most CONFIG_MAX_FILE_BYTES) into
 * *TEXT.  On failure ERR gets HTCondor's "can't open file" message. */
int
cf_read_file(const char *path, char **text, size_t *len, struct buf *err)
{
	struct buf	 b = BUF_INIT;
	char		 msg[1024];

	*text = NULL;
	*len = 0;
	if (file_read_capped(path, CONFIG_MAX_FILE_BYTES, &b, msg,
	    sizeof(msg)) == -1) {
		buf_adds(err, msg);
		return -1;
	}
	*len = b.len;
	*text = buf_take(&b);
	return *text != NULL ? 0 : -1;
}

/* The expanded value of NAME, or NULL when undefined or empty (or on an
 * expansion error, reported in ERR when ERR is not NULL). */
static char *
value_of(struct config *cf, const char *name, struct buf *err)
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
static int
parse_bool(const char *s, int *out)
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

/* Is NAME excluded by the default LOCAL_CONFIG_DIR_EXCLUDE_REGEXP?  The
 * default is matched without compiling a regular expression. */
static int
default_excluded(const char *name)
{
	static const char *const sfx[] = { ".pl", ".py", ".sh", "~",
	    ".rpmsave", ".rpmnew", ".dpkg-old", ".dpkg-dist", ".cfsaved" };
	size_t	 i, n = strlen(name), m;

	if (name[0] == '.' || name[0] == '#')
		return 1;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		m = strlen(sfx[i]);
		if (n >= m && strcmp(name + n - m, sfx[i]) == 0)
			return 1;
	}
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Read one file named by LOCAL_CONFIG_DIR or LOCAL_CONFIG_FILE as a
 * "config source".  A file that cannot be read is an error when REQUIRED
 * (REQUIRE_LOCAL_CONFIG_FILE), else skipped. */
static int
process_source(struct config *cf, const char *path, const char *what,
    int required)
{
	struct buf	 err = BUF_INIT, emsg = BUF_INIT;
	struct cfsrc	 src;
	char		*text;
	size_t		 len;
	int		 rc;

	if (access(path, R_OK) != 0) {
		if (!required)
			return 0;
		cf_logf(cf, "ERROR: Can't read %s %s\n", what, path);
		return -1;
	}
	if (cf_read_file(path, &text, &len, &err) == -1) {
		cf_logf(cf, "Configuration Error Line 0 while reading %s %s\n%s\n",
		    what, path, buf_str(&err));
		buf_free(&err);
		return -1;
	}
	src.name = path;
	src.text = text;
	src.len = len;
	src.pos = 0;
	src.line = 0;
	rc = cf_parse(cf, &src, 0, &emsg);
	if (rc < 0) {
		cf_logf(cf, "Configuration Error Line %d while reading %s %s\n",
		    src.line, what, path);
		if (emsg.len > 0)
			cf_logf(cf, "%s\n", buf_str(&emsg));
	}
	free(text);
	buf_free(&err);
	buf_free(&emsg);
	return rc < 0 ? -1 : 0;
}

/* Split a comma/blank separated LIST; returns the number of items put in
 * a NULL-terminated array *OUT (free each and the array). */
static size_t
split_list(const char *list, char ***out)
{
	char	**v = NULL, **nv;
	size_t	 n = 0, l;

	*out = NULL;
	while (*list) {
		list += strspn(list, ", \t\r\n");
		if (*list == '\0')
			break;
		l = strcspn(list, ", \t\r\n");
		if ((nv = realloc(v, (n + 2) * sizeof(*v))) == NULL)
			break;
		v = nv;
		if ((v[n] = strndup(list, l)) == NULL)
			break;
		v[++n] = NULL;
		list += l;
	}
	*out = v;
	return n;
}

static void
free_list(char **v)
{
	size_t	 i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* REQUIRE_LOCAL_CONFIG_FILE, default true. */
static int
local_required(struct config *cf)
{
	char	*v = value_of(cf, "REQUIRE_LOCAL_CONFIG_FILE", NULL);
	int	 b = 1;

	if (v != NULL && parse_bool(v, &b) == -1)
		b = 1;
	free(v);
	return b;
}

/* Read every regular file of each directory in DIRLIST, in byte order of
 * the full path, skipping LOCAL_CONFIG_DIR_EXCLUDE_REGEXP matches. */
static int
process_directories(struct config *cf, const char *dirlist)
{
	char		**dirs, **files = NULL, **nf, *path, *rx;
	const char	*def;
	regex_t		 re;
	int		 use_re = 0, no_exclude = 0, rc = 0, required;
	size_t		 nd, i, j, nfiles;
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;

	nd = split_list(dirlist, &dirs);
	if (nd == 0) {
		free_list(dirs);
		return 0;
	}
	required = local_required(cf);
	def = cf_default("LOCAL_CONFIG_DIR_EXCLUDE_REGEXP");
	rx = value_of(cf, "LOCAL_CONFIG_DIR_EXCLUDE_REGEXP", NULL);
	if (rx == NULL)
		no_exclude = 1;
	else if (strcmp(rx, def) != 0) {
		if (regcomp(&re, rx, REG_EXTENDED | REG_NOSUB) == 0)
			use_re = 1;
		else
			no_exclude = 1;
	}
	for (i = 0; i < nd && rc == 0; i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		nfiles = 0;
		files = NULL;
		while ((de = readdir(d)) != NULL) {
			if (strcmp(de->d_name, ".") == 0 ||
			    strcmp(de->d_name, "..") == 0)
				continue;
			if (!no_exclude && (use_re ?
			    regexec(&re, de->d_name, 0, NULL, 0) == 0 :
			    default_excluded(de->d_name)))
				continue;
			if (asprintf(&path, "%s/%s", dirs[i], de->d_name) == -1)
				continue;
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
				free(path);
				continue;
			}
			if ((nf = realloc(files, (nfiles + 2) *
			    sizeof(*files))) == NULL) {
				free(path);
				break;
			}
			files = nf;
			files[nfiles++] = path;
			files[nfiles] = NULL;
		}
		closedir(d);
		if (nfiles > 0)
			qsort(files, nfiles, sizeof(*files), cmp_str);
		for (j = 0; j < nfiles && rc == 0; j++)
			rc = process_source(cf, files[j], "config source",
			    required);
		free_list(files);
		files = NULL;
	}
	if (use_re)
		regfree(&re);
	free(rx);
	free_list(dirs);
	return rc;
}

/* The number of entries of a NULL-terminated list. */
static size_t
list_len(char **v)
{
	size_t	 n = 0;

	while (v[n] != NULL)
		n++;
	return n;
}

/* Read the LOCAL_CONFIG_FILE entries left to right; when a file changes
 * LOCAL_CONFIG_FILE, the rest of the new list (less those done) follows. */
static int
process_locals(struct config *cf)
{
	char	**todo = NULL, **done = NULL, **nd, *list, *nlist;
	size_t	 ndone = 0, i, k;
	int	 rc = 0, required, again;

	if ((list = value_of(cf, "LOCAL_CONFIG_FILE", NULL)) == NULL)
		return 0;
	required = local_required(cf);
	split_list(list, &todo);
	for (i = 0; rc == 0 && todo != NULL && todo[i] != NULL; ) {
		rc = process_source(cf, todo[i], "config source", required);
		if ((nd = realloc(done, (ndone + 2) * sizeof(*done))) == NULL) {
			rc = -1;
			break;
		}
		done = nd;
		done[ndone++] = strdup(todo[i]);
		done[ndone] = NULL;
		nlist = value_of(cf, "LOCAL_CONFIG_FILE", NULL);
		if (rc == 0 && nlist != NULL && strcmp(nlist, list) != 0) {
			free_list(todo);
			split_list(nlist, &todo);
			/* drop the sources already read */
			for (size_t a = 0; todo != NULL && todo[a] != NULL; ) {
				again = 0;
				for (k = 0; k < ndone; k++)
					if (done[k] != NULL &&
					    strcmp(todo[a], done[k]) == 0)
						again = 1;
				if (again) {
					free(todo[a]);
					memmove(&todo[a], &todo[a + 1],
					    (list_len(todo + a + 1) + 1) *
					    sizeof(*todo));
				} else
					a++;
			}
			free(list);
			list = nlist;
			i = 0;
			continue;
		}
		free(nlist);
		i++;
	}
	free(list);
	free_list(todo);
	free_list(done);
	return rc;
}

/* Find the root configuration file: CONDOR_CONFIG (a file; "ONLY_ENV"
 * means none), else /etc/condor/condor_config.  HTCondor's tools also try
 * /usr/local/etc and ~condor; we do not, since every request process
 * reads the configuration and a passwd lookup through NSS costs more
 * than the rest of the request.  *PATH stays NULL when there is no file,
 * which is fine without CONDOR_CONFIG. */
static int
find_root(struct config *cf, char **path)
{
	const char	*env = getenv("CONDOR_CONFIG");
	const char	*std = "/etc/condor/condor_config";
	struct stat	 st;

	*path = NULL;
	if (env != NULL) {
		if (strcmp(env, "ONLY_ENV") == 0)
			return 0;
		if (stat(env, &st) == 0) {
			if (S_ISDIR(st.st_mode)) {
				cf_logf(cf, "File specified in CONDOR_CONFIG "
				    "environment variable:\n\"%s\" is a directory.  "
				    "Please specify a file.\n", env);
				return -1;
			}
		} else if (errno == ENOENT) {
			cf_logf(cf, "File specified in CONDOR_CONFIG environment "
			    "variable:\n\"%s\" does not exist.\n", env);
			return -1;
		} else {
			cf_logf(cf, "Cannot stat file specified in CONDOR_CONFIG "
			    "environment variable:\n\"%s\", errno: %d\n", env,
			    errno);
			return -1;
		}
		*path = strdup(env);
		return *path == NULL ? -1 : 0;
	}
	if (access(std, R_OK) == 0 && (*path = strdup(std)) == NULL)
		return -1;
	return 0;
}

/* Insert the detected macros HTCondor re-inserts last so files cannot
 * override them (those that need no network). */
static int
insert_specials(struct config *cf, int all)
{
	char		 host[256], num[32], *dot;
	int		 rc = 0;

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		rc |= cf_set(cf, "FULL_HOSTNAME", host);
		if ((dot = strchr(host, '.')) != NULL)
			*dot = '\0';
		rc |= cf_set(cf, "HOSTNAME", host);
	}
	if (!all)
		return rc;
	rc |= cf_set(cf, "SUBSYSTEM", cf->subsys);
	rc |= cf_set(cf, "LOCALNAME", cf->localname != NULL ? cf->localname :
	    cf->subsys);
	snprintf(num, sizeof(num), "%ld", (long)getpid());
	rc |= cf_set(cf, "PID", num);
	snprintf(num, sizeof(num), "%ld", (long)getppid());
	rc |= cf_set(cf, "PPID", num);
	snprintf(num, sizeof(num), "%ld", (long)getuid());
	rc |= cf_set(cf, "REAL_UID", num);
	snprintf(num, sizeof(num), "%ld", (long)getgid());
	rc |= cf_set(cf, "REAL_GID", num);
	return rc;
}

/* Every _CONDOR_NAME / _condor_NAME variable defines NAME (value with
 * leading blanks trimmed); these beat every file. */
static int
env_overrides(struct config *cf)
{
	char		**e, *name;
	const char	*eq, *v;
	size_t		 n;

	for (e = environ; e != NULL && *e != NULL; e++) {
		if (strncasecmp(*e, "_condor_", 8) != 0 ||
		    (eq = strchr(*e, '=')) == NULL)
			continue;
		n = (size_t)(eq - (*e + 8));
		n = strcspn(*e + 8, " \t\r\n=") < n ?
		    strcspn(*e + 8, " \t\r\n=") : n;
		if (n == 0)
			continue;
		if ((name = strndup(*e + 8, n)) == NULL)
			return -1;
		for (v = eq + 1; isspace((unsigned char)*v); v++)
			;
		if (cf_set(cf, name, v) == -1) {
			free(name);
			return -1;
		}
		free(name);
	}
	return 0;
}

/* The user's own file: USER_CONFIG_FILE (relative names under
 * ~/.condor/), read only when the process cannot switch uid. */
static int
user_config(struct config *cf)
{
	char		*name, *path = NULL;
	const char	*home;
	int		 rc = 0;

	if (geteuid() == 0)
		return 0;
	if ((name = value_of(cf, "USER_CONFIG_FILE", NULL)) == NULL)
		return 0;
	if (name[0] == '/')
		path = strdup(name);
	else if ((home = getenv("HOME")) != NULL && *home != '\0' &&
	    asprintf(&path, "%s/.condor/%s", home, name) == -1)
		path = NULL;
	if (path != NULL && access(path, R_OK) == 0)
		rc = process_source(cf, path, "user_config source", 0);
	free(path);
	free(name);
	return rc;
}

/* Read the whole configuration into CF in HTCondor's order; messages go
 * to cf->log.  Returns 0 or -1. */
static int
load_all(struct config *cf)
{
	char	*root = NULL, *dir1 = NULL, *dir2 = NULL, *slash;
	char	*croot;
	int	 rc = -1;

	if (find_root(cf, &root) == -1)
		goto done;
	if (root != NULL) {
		if ((croot = strdup(root)) == NULL)
			goto done;
		if ((slash = strrchr(croot, '/')) == NULL) {
			/* root is not empty, so croot has room for "." */
			croot[0] = '.';
			croot[1] = '\0';
		} else if (slash == croot)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (cf_set(cf, "CONFIG_ROOT", croot) == -1) {
			free(croot);
			goto done;
		}
		free(croot);
		if (access(root, R_OK) != 0) {
			cf_logf(cf, "ERROR: Can't read global config source %s\n",
			    root);
			goto done;
		}
		if (process_source(cf, root, "global config source", 1) == -1)
			goto done;
	}
	if (insert_specials(cf, 0) != 0)
		goto done;
	if ((dir1 = value_of(cf, "LOCAL_CONFIG_DIR", NULL)) != NULL &&
	    process_directories(cf, dir1) == -1)
		goto done;
	if (process_locals(cf) == -1)
		goto done;
	dir2 = value_of(cf, "LOCAL_CONFIG_DIR", NULL);
	if (dir2 != NULL && (dir1 == NULL || strcmp(dir1, dir2) != 0) &&
	    process_directories(cf, dir2) == -1)
		goto done;
	if (user_config(cf) == -1 || env_overrides(cf) == -1 ||
	    insert_specials(cf, 1) != 0)
		goto done;
	cf->loaded = 1;
	rc = 0;
done:
	free(root);
	free(dir1);
	free(dir2);
	return rc;
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
	if (load_all(cf) == -1) {
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
	cf->last = value_of(cf, name, NULL);
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
		if (parse_bool(t, out) == 0)
			return 0;
		if (config_parse_int(t, &ll) == 0) {
			*out = ll != 0;
			return 0;
		}
	}
	snprintf(err, errlen, "%s: \"%.64s\" is not a boolean", name, v);
	return -1;
}

/* Match "-WORD", "--WORD" or an abbreviation of at least MIN letters. */
static int
is_arg(const char *arg, const char *word, size_t min)
{
	size_t	 n;

	if (*arg++ != '-')
		return 0;
	if (*arg == '-')
		arg++;
	n = strlen(arg);
	return n >= min && n <= strlen(word) && strncmp(arg, word, n) == 0;
}

int
config_val_main(int argc, char **argv, const char *default_subsys)
{
	struct config	*cf;
	struct buf	 err = BUF_INIT;
	const char	*subsys = default_subsys, *local = NULL, *raw, *key;
	char		*name, *v;
	int		 i, first, missing = 0, status = 0;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (is_arg(argv[i], "subsystem", 3) && i + 1 < argc)
			subsys = argv[++i];
		else if (is_arg(argv[i], "local-name", 2) && i + 1 < argc)
			local = argv[++i];
		else {
			fprintf(stderr, "%s is not a valid argument\n", argv[i]);
			return 1;
		}
	}
	first = i;
	if (first >= argc) {
		fprintf(stderr, "Usage: htcondor-api --config-val "
		    "[-subsystem NAME] [-local-name NAME] PARAM...\n");
		return 1;
	}
	if ((cf = cf_new(subsys, local)) == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	if (load_all(cf) == -1) {
		fputs(buf_str(&cf->log), stderr);
		config_free(cf);
		return 1;
	}
	fputs(buf_str(&cf->log), stderr);
	for (i = first; i < argc; i++) {
		key = NULL;
		raw = lookup_key(cf, argv[i], &key);
		if (raw == NULL || key == NULL) {
			if ((name = strdup(argv[i])) == NULL)
				break;
			for (char *p = name; *p; p++)
				*p = (char)toupper((unsigned char)*p);
			fprintf(stderr, "Not defined: %s\n", name);
			free(name);
			missing = 1;
			continue;
		}
		buf_reset(&err);
		v = cf_expand(cf, raw, &err);
		if (v == NULL) {
			fprintf(stderr, "ERROR \"%s\"\n", buf_str(&err));
			status = 1;
		} else if (*v == '\0') {
			fprintf(stderr, "Not defined: %s\n", key);
			missing = 1;
		} else
			printf("%s\n", v);
		free(v);
	}
	fflush(stdout);
	buf_free(&err);
	config_free(cf);
	return status || missing ? 1 : 0;
}
