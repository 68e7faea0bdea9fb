/*
 * cli.c — the --config-val front end: read the configuration as a given
 * subsystem and print values the way condor_config_val does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "config/config.h"
#include "config/config_int.h"

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

/* Read the options before the first parameter name: -subsystem NAME and
 * -local-name NAME.  Returns the index of the first name, or -1 after
 * printing why the command line is wrong. */
static int
val_options(int argc, char **argv, const char **subsys, const char **local)
{
	int	 i;

	for (i = 0; i < argc && argv[i][0] == '-'; i++) {
		if (is_arg(argv[i], "subsystem", 3) && i + 1 < argc)
			*subsys = argv[++i];
		else if (is_arg(argv[i], "local-name", 2) && i + 1 < argc)
			*local = argv[++i];
		else {
			fprintf(stderr, "%s is not a valid argument\n", argv[i]);
			return -1;
		}
	}
	if (i >= argc) {
		fprintf(stderr, "Usage: htcondor-api --config-val "
		    "[-subsystem NAME] [-local-name NAME] PARAM...\n");
		return -1;
	}
	return i;
}

/* Print the value of NAME as condor_config_val does: the expanded value
 * on stdout, or "Not defined: NAME" on stderr (with the name upper-cased
 * when nothing defines it, else spelled as where it was defined), which
 * sets *MISSING.  Returns 1 on an expansion error, 0 otherwise, and -1
 * when out of memory. */
static int
print_value(struct config *cf, const char *name, struct buf *err,
    int *missing)
{
	const char	*raw, *key = NULL;
	char		*upper, *v;
	int		 status = 0;

	raw = cf_lookup_key(cf, name, &key);
	if (raw == NULL || key == NULL) {
		if ((upper = strdup(name)) == NULL)
			return -1;
		for (char *p = upper; *p; p++)
			*p = (char)toupper((unsigned char)*p);
		fprintf(stderr, "Not defined: %s\n", upper);
		free(upper);
		*missing = 1;
		return 0;
	}
	buf_reset(err);
	v = cf_expand(cf, raw, err);
	if (v == NULL) {
		fprintf(stderr, "ERROR \"%s\"\n", buf_str(err));
		status = 1;
	} else if (*v == '\0') {
		fprintf(stderr, "Not defined: %s\n", key);
		*missing = 1;
	} else
		printf("%s\n", v);
	free(v);
	return status;
}

/* Read the configuration as the subsystem asked for and print each named
 * value; the exit status is 1 when any was undefined or broken. */
int
config_val_main(int argc, char **argv, const char *default_subsys)
{
	struct config	*cf;
	struct buf	 err = BUF_INIT;
	const char	*subsys = default_subsys, *local = NULL;
	int		 i, first, missing = 0, status = 0, r;

	if ((first = val_options(argc, argv, &subsys, &local)) == -1)
		return 1;
	if ((cf = cf_new(subsys, local)) == NULL) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	if (cf_load_all(cf) == -1) {
		fputs(buf_str(&cf->log), stderr);
		config_free(cf);
		return 1;
	}
	fputs(buf_str(&cf->log), stderr);
	for (i = first; i < argc; i++) {
		if ((r = print_value(cf, argv[i], &err, &missing)) == -1)
			break;
		status |= r;
	}
	fflush(stdout);
	buf_free(&err);
	config_free(cf);
	return status || missing ? 1 : 0;
}
