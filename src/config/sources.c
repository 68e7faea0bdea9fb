/*
 * sources.c — what the configuration reader reads, and in what order, as
 * HTCondor's condor_config.cpp does: the root file (CONDOR_CONFIG or
 * /etc/condor/condor_config), LOCAL_CONFIG_DIR, LOCAL_CONFIG_FILE, the
 * user's file, _CONDOR_* environment variables and the detected macros.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "config/config_int.h"
#include "util/bounds.h"

extern char **environ;

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
	char	*v = cf_value_of(cf, "REQUIRE_LOCAL_CONFIG_FILE", NULL);
	int	 b = 1;

	if (v != NULL && cf_parse_bool(v, &b) == -1)
		b = 1;
	free(v);
	return b;
}

/* Which directory entries LOCAL_CONFIG_DIR_EXCLUDE_REGEXP leaves out: none
 * (empty, or a pattern that does not compile), the default (matched by
 * default_excluded), or another pattern (compiled once for every
 * directory). */
struct exclusion {
	regex_t	 re;
	int	 use_re;
	int	 none;
};

/* Set up EX from LOCAL_CONFIG_DIR_EXCLUDE_REGEXP. */
static void
exclusion_init(struct config *cf, struct exclusion *ex)
{
	const char	*def = cf_default("LOCAL_CONFIG_DIR_EXCLUDE_REGEXP", NULL);
	char		*rx;

	ex->use_re = ex->none = 0;
	rx = cf_value_of(cf, "LOCAL_CONFIG_DIR_EXCLUDE_REGEXP", NULL);
	if (rx == NULL)
		ex->none = 1;
	else if (strcmp(rx, def) != 0) {
		if (regcomp(&ex->re, rx, REG_EXTENDED | REG_NOSUB) == 0)
			ex->use_re = 1;
		else
			ex->none = 1;
	}
	free(rx);
}

/* Is the directory entry NAME left out by EX? */
static int
excluded(const struct exclusion *ex, const char *name)
{
	if (ex->none)
		return 0;
	return ex->use_re ? regexec(&ex->re, name, 0, NULL, 0) == 0 :
	    default_excluded(name);
}

/* The files of directory DIR that EX keeps (subdirectories skipped), as
 * full paths sorted bytewise, so that the order of reading does not
 * depend on the file system.  Returns the count; *FILES is
 * NULL-terminated, or NULL when there are none or DIR cannot be opened. */
static size_t
dir_files(const char *dir, const struct exclusion *ex, char ***files)
{
	char		**nf, *path;
	size_t		 nfiles = 0;
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;

	*files = NULL;
	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		if (excluded(ex, de->d_name))
			continue;
		if (asprintf(&path, "%s/%s", dir, de->d_name) == -1)
			continue;
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			free(path);
			continue;
		}
		if ((nf = realloc(*files, (nfiles + 2) * sizeof(**files))) ==
		    NULL) {
			free(path);
			break;
		}
		*files = nf;
		(*files)[nfiles++] = path;
		(*files)[nfiles] = NULL;
	}
	closedir(d);
	if (nfiles > 0)
		qsort(*files, nfiles, sizeof(**files), cmp_str);
	return nfiles;
}

/* Read every regular file of each directory in DIRLIST, in byte order of
 * the full path, skipping LOCAL_CONFIG_DIR_EXCLUDE_REGEXP matches. */
static int
process_directories(struct config *cf, const char *dirlist)
{
	char			**dirs, **files;
	struct exclusion	 ex;
	int			 rc = 0, required;
	size_t			 nd, i, j, nfiles;

	nd = split_list(dirlist, &dirs);
	if (nd == 0) {
		free_list(dirs);
		return 0;
	}
	required = local_required(cf);
	exclusion_init(cf, &ex);
	for (i = 0; i < nd && rc == 0; i++) {
		nfiles = dir_files(dirs[i], &ex, &files);
		for (j = 0; j < nfiles && rc == 0; j++)
			rc = process_source(cf, files[j], "config source",
			    required);
		free_list(files);
	}
	if (ex.use_re)
		regfree(&ex.re);
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

/* Remove from the list TODO the sources already read (the NDONE entries
 * of DONE, some maybe NULL), so that a LOCAL_CONFIG_FILE that names
 * itself again is not read twice. */
static void
drop_done(char **todo, char **done, size_t ndone)
{
	size_t	 a, k;
	int	 again;

	for (a = 0; todo != NULL && todo[a] != NULL; ) {
		again = 0;
		for (k = 0; k < ndone; k++)
			if (done[k] != NULL && strcmp(todo[a], done[k]) == 0)
				again = 1;
		if (again) {
			free(todo[a]);
			memmove(&todo[a], &todo[a + 1],
			    (list_len(todo + a + 1) + 1) * sizeof(*todo));
		} else
			a++;
	}
}

/* Read the LOCAL_CONFIG_FILE entries left to right; when a file changes
 * LOCAL_CONFIG_FILE, the rest of the new list (less those done) follows. */
static int
process_locals(struct config *cf)
{
	char	**todo = NULL, **done = NULL, **nd, *list, *nlist;
	size_t	 ndone = 0, i;
	int	 rc = 0, required;

	if ((list = cf_value_of(cf, "LOCAL_CONFIG_FILE", NULL)) == NULL)
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
		nlist = cf_value_of(cf, "LOCAL_CONFIG_FILE", NULL);
		if (rc == 0 && nlist != NULL && strcmp(nlist, list) != 0) {
			free_list(todo);
			split_list(nlist, &todo);
			drop_done(todo, done, ndone);
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
	if ((name = cf_value_of(cf, "USER_CONFIG_FILE", NULL)) == NULL)
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

/* Define CONFIG_ROOT, the directory of the root file ROOT (not empty),
 * which the root file may use to name files beside it. */
static int
set_config_root(struct config *cf, const char *root)
{
	char	*croot, *slash;
	int	 rc;

	if ((croot = strdup(root)) == NULL)
		return -1;
	if ((slash = strrchr(croot, '/')) == NULL) {
		/* root is not empty, so croot has room for "." */
		croot[0] = '.';
		croot[1] = '\0';
	} else if (slash == croot)
		slash[1] = '\0';
	else
		*slash = '\0';
	rc = cf_set(cf, "CONFIG_ROOT", croot);
	free(croot);
	return rc;
}

/* Read the root file ROOT, which must be readable once it was found. */
static int
read_root(struct config *cf, const char *root)
{
	if (set_config_root(cf, root) == -1)
		return -1;
	if (access(root, R_OK) != 0) {
		cf_logf(cf, "ERROR: Can't read global config source %s\n",
		    root);
		return -1;
	}
	return process_source(cf, root, "global config source", 1);
}

/* Read the whole configuration into CF in HTCondor's order; messages go
 * to cf->log.  Returns 0 or -1. */
int
cf_load_all(struct config *cf)
{
	char	*root = NULL, *dir1 = NULL, *dir2 = NULL;
	int	 rc = -1;

	if (find_root(cf, &root) == -1)
		goto done;
	if (root != NULL && read_root(cf, root) == -1)
		goto done;
	if (insert_specials(cf, 0) != 0)
		goto done;
	if ((dir1 = cf_value_of(cf, "LOCAL_CONFIG_DIR", NULL)) != NULL &&
	    process_directories(cf, dir1) == -1)
		goto done;
	if (process_locals(cf) == -1)
		goto done;
	dir2 = cf_value_of(cf, "LOCAL_CONFIG_DIR", NULL);
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
