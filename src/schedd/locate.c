/*
 * locate.c — finding the schedd's address as HTCondor's tools do: the
 * program's own setting, SCHEDD_HOST, the daemon ad and address files, else
 * the collector (QUERY_SCHEDD_ADS with the caller's token).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"
#include "util/bounds.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "schedd/schedd.h"
#include "schedd/schedd_int.h"
#include "config/config.h"
#include "config/settings.h"

/* Turn "host:port" into "<host:port>"; a sinful string stays as it is. */
static void
add_sinful(struct buf *out, const char *addr)
{
	if (addr[0] == '<')
		buf_adds(out, addr);
	else
		buf_addf(out, "<%s>", addr);
}

/* MyAddress from a daemon ad file (condor_q -long form): 0, or -1 when
 * the file is missing or holds no address (the caller looks elsewhere),
 * or 503 with ERR set for a file over its cap: a cut-short ad could name
 * a stale address, so it is not read at all. */
static int
daemon_ad_address(const char *path, struct buf *out, char *err,
    size_t errlen)
{
	struct buf	 text = BUF_INIT;
	struct classad	*ad = NULL;
	const char	*addr;
	char		 e[128];
	size_t		 used;
	int		 rc = -1;

	if (file_read_capped(path, SCHEDD_MAX_DAEMON_AD_FILE, &text, e,
	    sizeof(e)) == -1) {
		if (errno != EFBIG)
			return -1;
		snprintf(err, errlen, "schedd daemon ad file: %s", e);
		return 503;
	}
	if (classad_read_long(buf_str(&text), text.len, &used, &ad, e,
	    sizeof(e)) == 1 &&
	    classad_lookup_string(ad, "MyAddress", &addr) == 0 &&
	    addr[0] == '<') {
		buf_adds(out, addr);
		rc = 0;
	}
	classad_free(ad);
	buf_free(&text);
	return rc;
}

#define CEDAR_QUERY_SCHEDD_ADS	6	/* collector command */

/* Ask the collector at HOST (host[:port], or a sinful string) for the ad
 * of the schedd NAME (any, when NULL and there is exactly one), as the
 * caller: a secure pool wants READ authenticated.  Its MyAddress goes to
 * OUT.  0, or 503 with ERR. */
static int
collector_locate(const struct settings *set, const char *token,
    const char *host, const char *name, struct buf *out, char *err,
    size_t errlen)
{
	struct cedar_stream	*s = NULL;
	struct cedar_auth	 auth;
	struct classad		*q = NULL, *ad;
	struct classad_expr	*n;
	struct buf		 sinful = BUF_INIT, c = BUF_INIT;
	const char		*addr;
	int64_t			 more;
	int			 found = 0, rc = 503;
	char			 e[256];

	if (host[0] == '<')
		buf_adds(&sinful, host);
	else
		buf_addf(&sinful, strchr(host, ':') ? "<%s>" : "<%s:9618>",
		    host);
	buf_adds(&c, "MyType == \"Scheduler\"");
	if (name != NULL && (n = classad_expr_string(name, strlen(name)))) {
		buf_adds(&c, " && Name == ");
		classad_unparse_old(n, &c);
		classad_expr_free(n);
	}
	if (cedar_connect(buf_str(&sinful), set->schedd_timeout * 1000, &s, e,
	    sizeof(e)) != CEDAR_OK) {
		snprintf(err, errlen, "collector %s not reachable: %s",
		    buf_str(&sinful), e);
		goto out;
	}
	cedar_set_timeout(s, set->schedd_timeout * 1000);
	memset(&auth, 0, sizeof(auth));
	auth.command = CEDAR_QUERY_SCHEDD_ADS;
	auth.token = token;
	if (cedar_client_handshake(s, &auth, NULL) != CEDAR_OK) {
		snprintf(err, errlen, "collector %s: %s", buf_str(&sinful),
		    cedar_error(s));
		rc = cedar_status(s) == CEDAR_ERR_TOKEN ? 401 : 503;
		goto out;
	}
	q = classad_new();
	classad_insert_string(q, "MyType", "Query");
	classad_insert_string(q, "TargetType", "Scheduler");
	classad_insert_expr(q, "Requirements", buf_str(&c), e, sizeof(e));
	classad_insert_string(q, "Projection", "MyAddress Name");
	if (cedar_put_classad(s, q) == -1 || cedar_send_eom(s) == -1)
		goto broken;
	/* The answer is one message: (int 1, ad)... then int 0. */
	while (cedar_get_int(s, &more) == 0 && more == 1) {
		ad = NULL;
		if (cedar_get_classad(s, &ad) == -1)
			goto broken;
		if (classad_lookup_string(ad, "MyAddress", &addr) == 0 &&
		    addr[0] == '<' && found++ == 0)
			buf_adds(out, addr);
		classad_free(ad);
	}
	if (cedar_status(s) != CEDAR_OK || cedar_recv_eom(s) == -1)
		goto broken;
	if (found == 1)
		rc = 0;
	else if (found == 0)
		snprintf(err, errlen, "the collector knows no schedd%s%s",
		    name ? " named " : "", name ? name : "");
	else
		snprintf(err, errlen, "the collector knows %d schedds: set "
		    "SCHEDD_NAME", found);
	goto out;
broken:
	snprintf(err, errlen, "collector %s: %s", buf_str(&sinful),
	    cedar_error(s));
out:
	if (rc != 0)
		buf_reset(out);
	classad_free(q);
	if (s != NULL)
		cedar_stream_free(s);
	buf_free(&sinful);
	buf_free(&c);
	return rc;
}

/* A copy of configuration value NAME (config_value strings live only
 * until the next look-up), or NULL. */
static char *
config_copy(const struct settings *set, const char *name)
{
	const char *v;

	if (set->config == NULL || (v = config_value(set->config, name)) ==
	    NULL)
		return NULL;
	return strdup(v);
}

int
schedd_locate(const struct settings *set, const char *token,
    struct buf *out, char *err, size_t errlen)
{
	struct buf	 line = BUF_INIT;
	char		*v, *name = NULL, e[256];
	int		 rc = 503;

	if (set->schedd_address != NULL) {
		add_sinful(out, set->schedd_address);
		return 0;
	}
	if ((v = config_copy(set, "SCHEDD_HOST")) != NULL &&
	    strchr(v, ':') != NULL) {
		add_sinful(out, v);
		free(v);
		return 0;
	}
	name = v;	/* a SCHEDD_HOST without a port names the schedd */
	if (name == NULL)
		name = config_copy(set, "SCHEDD_NAME");
	if ((v = config_copy(set, "SCHEDD_DAEMON_AD_FILE")) != NULL &&
	    (rc = daemon_ad_address(v, out, err, errlen)) >= 0) {
		free(v);
		free(name);
		return rc;
	}
	rc = 503;
	free(v);
	if ((v = config_copy(set, "SCHEDD_ADDRESS_FILE")) != NULL &&
	    cedar_address_file_read(v, &line, e, sizeof(e)) == 0) {
		buf_adds(out, buf_str(&line));
		rc = 0;
	} else if (v != NULL)
		snprintf(err, errlen, "schedd address file: %s", e);
	else
		snprintf(err, errlen, "cannot locate the schedd: set "
		    "HTTP_API_SCHEDD_ADDRESS, SCHEDD_ADDRESS_FILE or "
		    "COLLECTOR_HOST");
	free(v);
	buf_free(&line);
	/* Not a local schedd: ask the collector for its ad. */
	if (rc != 0 && (v = config_copy(set, "COLLECTOR_HOST")) != NULL) {
		rc = collector_locate(set, token, v, name, out, err, errlen);
		free(v);
	}
	free(name);
	return rc;
}
