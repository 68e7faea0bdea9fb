/*
 * settings.h — the program's own parameters (HTTP_API_* and the schedd
 * location), read from the HTCondor configuration and overridden by
 * command-line flags.
 */
#ifndef SETTINGS_H
#define SETTINGS_H

#include <stddef.h>

struct config;
struct netblock;

struct settings {
	int		 read_timeout;		/* HTTP_API_READ_TIMEOUT, s */
	int		 write_timeout;		/* HTTP_API_WRITE_TIMEOUT, s */
	long long	 max_body;		/* HTTP_API_MAX_BODY, bytes */
	long long	 max_input_bytes;	/* HTTP_API_MAX_INPUT_BYTES */
	long long	 max_input_files;	/* HTTP_API_MAX_INPUT_FILES */
	int		 min_body_rate;		/* HTTP_API_MIN_BODY_RATE, B/s */
	int		 max_children;		/* HTTP_API_MAX_CHILDREN */
	int		 max_per_ip;		/* HTTP_API_MAX_PER_IP, 0 = off */
	char		*tls_cert;		/* HTTP_API_TLS_CERT */
	char		*tls_key;		/* HTTP_API_TLS_KEY */
	char		*schedd_address;	/* HTTP_API_SCHEDD_ADDRESS */
	char		*listen_addr;		/* HTTP_API_LISTEN_ADDR */
	int		 schedd_timeout;	/* HTTP_API_SCHEDD_TIMEOUT, s */
	/* Sessions resumed across processes (schedd/session.c). */
	char		*session_cache_dir;	/* HTTP_API_SESSION_CACHE_DIR */
	int		 session_cache_lifetime; /* ..._LIFETIME, s; 0 = off */
	/* Identity from a front end (no bearer token). */
	char		*user_header;		/* HTTP_API_USER_HEADER */
	struct netblock	*trusted_proxies;	/* ..._TRUSTED_PROXIES */
	size_t		 ntrusted_proxies;
	int		 cgi_remote_user;	/* HTTP_API_CGI_REMOTE_USER */
	int		 user_domain_from_header; /* ..._DOMAIN_FROM_HEADER */
	char		*signing_key;		/* HTTP_API_SIGNING_KEY */
	char		*signing_key_id;	/* HTTP_API_SIGNING_KEY_ID */
	char		*uid_domain;		/* UID_DOMAIN */
	char		*trust_domain;		/* TRUST_DOMAIN */
	/* --demo: only loopback peers may name the user with the user
	 * header, and no trusted proxies are needed. */
	int		 demo;
	struct config	*config;		/* for everything else */
};

/* Fill S from CF (which S keeps for later look-ups), with the defaults
 * of util/bounds.h for what is not set.  0, or -1 with ERR naming the bad
 * parameter. */
int	settings_load(struct settings *s, struct config *cf, char *err,
	    size_t errlen);

/* Override one setting from a command-line flag (NAME is the parameter
 * name, e.g. "HTTP_API_READ_TIMEOUT").  0, or -1 with ERR. */
int	settings_set(struct settings *s, const char *name, const char *value,
	    char *err, size_t errlen);

/* What only a front end's identity needs (the signing key file, UID_DOMAIN,
 * TRUST_DOMAIN), looked up only when a user header or REMOTE_USER is
 * enabled: their defaults expand through the host's name, which every
 * other request would pay for.  0, or -1 with ERR. */
int	settings_load_identity(struct settings *s, char *err, size_t errlen);

void	settings_free(struct settings *s);

#endif
