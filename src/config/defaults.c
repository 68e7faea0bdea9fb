/*
 * defaults.c — the built-in defaults of the parameters a schedd client
 * needs (HTCondor's param_info.in), the last place a lookup tries.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/config_int.h"

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

/* Compare a name with a table entry, ignoring case, for bsearch. */
static int
cmp_def(const void *k, const void *e)
{
	return strcasecmp(k, ((const struct cfdef *)e)->name);
}

/* The table entry of NAME, or NULL: a binary search, since every lookup
 * that misses the files ends here. */
static const struct cfdef *
find_def(const char *name)
{
	return bsearch(name, defaults, NDEFAULTS, sizeof(defaults[0]), cmp_def);
}

/* The built-in default (raw macro text) of NAME, or NULL; *KEY (when KEY
 * is not NULL) gets the table's spelling of the name, which
 * --config-val prints. */
const char *
cf_default(const char *name, const char **key)
{
	const struct cfdef *d = find_def(name);

	if (d == NULL)
		return NULL;
	if (key != NULL)
		*key = d->name;
	return d->value;
}
