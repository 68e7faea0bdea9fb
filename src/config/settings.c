/*
 * settings.c — HTTP_API_* parameters from the configuration and flags.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/config.h"
#include "util/bounds.h"
#include "util/netaddr.h"
#include "config/settings.h"

/* A duration within the timeout bounds, into an int. */
static int
parse_timeout(const char *v, int *out)
{
	long long n;

	if (config_parse_duration(v, &n) == -1 || n < TIMEOUT_MIN ||
	    n > TIMEOUT_MAX)
		return -1;
	*out = (int)n;
	return 0;
}

/* A header field name as front ends use them: letters, digits and '-'
 * (a '_' would not survive CGI's HTTP_* mapping), at most 64 bytes. */
static int
valid_header_name(const char *v)
{
	size_t	n = strlen(v);

	return n > 0 && n <= 64 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789-") == n;
}

/* A key id for the JWT header: a file name in SEC_PASSWORD_DIRECTORY to
 * the schedd, so letters, digits and "._-", at most 64 bytes. */
static int
valid_key_id(const char *v)
{
	size_t	n = strlen(v);

	return n > 0 && n <= 64 && strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") == n && *v != '.';
}

/* An integer within [MIN, MAX]. */
static int
parse_number(const char *v, long long min, long long max, long long *out)
{
	return config_parse_int(v, out) == -1 || *out < min || *out > max ?
	    -1 : 0;
}

int
settings_set(struct settings *s, const char *name, const char *v,
    char *err, size_t errlen)
{
	long long	n;
	char		**str = NULL;

	if (strcmp(name, "HTTP_API_READ_TIMEOUT") == 0) {
		if (parse_timeout(v, &s->read_timeout) == -1)
			goto bad;
	} else if (strcmp(name, "HTTP_API_WRITE_TIMEOUT") == 0) {
		if (parse_timeout(v, &s->write_timeout) == -1)
			goto bad;
	} else if (strcmp(name, "HTTP_API_SCHEDD_TIMEOUT") == 0) {
		if (parse_timeout(v, &s->schedd_timeout) == -1)
			goto bad;
	} else if (strcmp(name, "HTTP_API_SESSION_CACHE_LIFETIME") == 0) {
		if (config_parse_duration(v, &n) == -1 || n < 0 ||
		    n > SESSION_CACHE_LIFETIME_MAX)
			goto bad;
		s->session_cache_lifetime = (int)n;
	} else if (strcmp(name, "HTTP_API_MAX_BODY") == 0) {
		if (parse_number(v, 0, MAX_BODY_MAX, &n) == -1)
			goto bad;
		s->max_body = n;
	} else if (strcmp(name, "HTTP_API_MAX_INPUT_BYTES") == 0) {
		if (parse_number(v, 0, MAX_BODY_MAX, &n) == -1)
			goto bad;
		s->max_input_bytes = n;
	} else if (strcmp(name, "HTTP_API_MAX_INPUT_FILES") == 0) {
		if (parse_number(v, 0, MAX_INPUT_FILES_MAX, &n) == -1)
			goto bad;
		s->max_input_files = n;
	} else if (strcmp(name, "HTTP_API_MIN_BODY_RATE") == 0) {
		if (parse_number(v, 0, MIN_BODY_RATE_MAX, &n) == -1)
			goto bad;
		s->min_body_rate = (int)n;
	} else if (strcmp(name, "HTTP_API_MAX_CHILDREN") == 0) {
		if (parse_number(v, 1, MAX_CHILDREN_MAX, &n) == -1)
			goto bad;
		s->max_children = (int)n;
	} else if (strcmp(name, "HTTP_API_MAX_PER_IP") == 0) {
		if (parse_number(v, 0, MAX_CHILDREN_MAX, &n) == -1)
			goto bad;
		s->max_per_ip = (int)n;
	} else if (strcmp(name, "HTTP_API_TLS_CERT") == 0)
		str = &s->tls_cert;
	else if (strcmp(name, "HTTP_API_TLS_KEY") == 0)
		str = &s->tls_key;
	else if (strcmp(name, "HTTP_API_SCHEDD_ADDRESS") == 0)
		str = &s->schedd_address;
	else if (strcmp(name, "HTTP_API_LISTEN_ADDR") == 0)
		str = &s->listen_addr;
	else if (strcmp(name, "HTTP_API_SESSION_CACHE_DIR") == 0) {
		if (*v != '/')
			goto bad;
		str = &s->session_cache_dir;
	}
	else if (strcmp(name, "HTTP_API_USER_HEADER") == 0) {
		if (!valid_header_name(v))
			goto bad;
		str = &s->user_header;
	} else if (strcmp(name, "HTTP_API_USER_HEADER_TRUSTED_PROXIES") == 0) {
		char	why[160];

		free(s->trusted_proxies);
		if (netblock_parse_list(v, &s->trusted_proxies,
		    &s->ntrusted_proxies, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s: %s", name, why);
			return -1;
		}
	} else if (strcmp(name, "HTTP_API_SIGNING_KEY") == 0)
		str = &s->signing_key;
	else if (strcmp(name, "HTTP_API_SIGNING_KEY_ID") == 0) {
		if (!valid_key_id(v))
			goto bad;
		str = &s->signing_key_id;
	} else if (strcmp(name, "UID_DOMAIN") == 0)
		str = &s->uid_domain;
	else if (strcmp(name, "TRUST_DOMAIN") == 0)
		str = &s->trust_domain;
	else {
		snprintf(err, errlen, "unknown parameter %s", name);
		return -1;
	}
	if (str != NULL) {
		free(*str);
		if ((*str = strdup(v)) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "%s: invalid value \"%.64s\"", name, v);
	return -1;
}

/* The identity settings that are not plain strings: the two booleans,
 * and the key id's default; the rest waits for settings_load_identity. */
static int
identity_load(struct settings *s, struct config *cf, char *err,
    size_t errlen)
{
	if (cf != NULL && (config_bool(cf, "HTTP_API_CGI_REMOTE_USER", 0,
	    &s->cgi_remote_user, err, errlen) == -1 ||
	    config_bool(cf, "HTTP_API_USER_DOMAIN_FROM_HEADER", 0,
	    &s->user_domain_from_header, err, errlen) == -1))
		return -1;
	if (s->signing_key_id == NULL &&
	    settings_set(s, "HTTP_API_SIGNING_KEY_ID", DEFAULT_SIGNING_KEY_ID,
	    err, errlen) == -1)
		return -1;
	return 0;
}

int
settings_load(struct settings *s, struct config *cf, char *err,
    size_t errlen)
{
	static const char *const names[] = {
		"HTTP_API_READ_TIMEOUT", "HTTP_API_WRITE_TIMEOUT",
		"HTTP_API_MAX_BODY", "HTTP_API_MAX_CHILDREN",
		"HTTP_API_TLS_CERT", "HTTP_API_TLS_KEY",
		"HTTP_API_SCHEDD_ADDRESS", "HTTP_API_SCHEDD_TIMEOUT",
		"HTTP_API_MAX_PER_IP", "HTTP_API_MIN_BODY_RATE",
		"HTTP_API_LISTEN_ADDR", "HTTP_API_MAX_INPUT_BYTES",
		"HTTP_API_MAX_INPUT_FILES", "HTTP_API_USER_HEADER",
		"HTTP_API_USER_HEADER_TRUSTED_PROXIES",
		"HTTP_API_SIGNING_KEY_ID", "HTTP_API_SESSION_CACHE_DIR",
		"HTTP_API_SESSION_CACHE_LIFETIME",
	};
	const char	*v;
	size_t		 i;

	memset(s, 0, sizeof(*s));
	s->read_timeout = DEFAULT_READ_TIMEOUT;
	s->write_timeout = DEFAULT_WRITE_TIMEOUT;
	s->max_body = DEFAULT_MAX_BODY;
	s->min_body_rate = DEFAULT_MIN_BODY_RATE;
	s->max_input_bytes = DEFAULT_MAX_INPUT_BYTES;
	s->max_input_files = DEFAULT_MAX_INPUT_FILES;
	s->max_children = DEFAULT_MAX_CHILDREN;
	s->max_per_ip = DEFAULT_MAX_PER_IP;
	s->schedd_timeout = DEFAULT_SCHEDD_TIMEOUT;
	s->session_cache_lifetime = DEFAULT_SESSION_CACHE_LIFETIME;
	s->config = cf;
	for (i = 0; cf != NULL && i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = config_value(cf, names[i])) != NULL &&
		    settings_set(s, names[i], v, err, errlen) == -1)
			return -1;
	return identity_load(s, cf, err, errlen);
}

int
settings_load_identity(struct settings *s, char *err, size_t errlen)
{
	static const char *const names[] = { "UID_DOMAIN", "TRUST_DOMAIN" };
	struct config	*cf = s->config;
	const char	*v;
	size_t		 i;

	if (cf == NULL)
		return 0;
	if (((v = config_value(cf, "HTTP_API_SIGNING_KEY")) != NULL ||
	    (v = config_value(cf, "SEC_TOKEN_POOL_SIGNING_KEY_FILE")) !=
	    NULL) && settings_set(s, "HTTP_API_SIGNING_KEY", v, err,
	    errlen) == -1)
		return -1;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((v = config_value(cf, names[i])) != NULL &&
		    settings_set(s, names[i], v, err, errlen) == -1)
			return -1;
	return 0;
}

void
settings_free(struct settings *s)
{
	free(s->tls_cert);
	free(s->tls_key);
	free(s->schedd_address);
	free(s->listen_addr);
	free(s->session_cache_dir);
	free(s->user_header);
	free(s->trusted_proxies);
	free(s->signing_key);
	free(s->signing_key_id);
	free(s->uid_domain);
	free(s->trust_domain);
	if (s->config != NULL)
		config_free(s->config);
	memset(s, 0, sizeof(*s));
}
