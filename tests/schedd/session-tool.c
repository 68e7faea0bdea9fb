/*
 * session-tool.c — looks into and damages the API's session cache for the
 * tests, with the credential in hand as the API has it:
 *
 *	session-tool name SINFUL		entry name of the token on stdin
 *	session-tool show DIR SINFUL		what the entry holds (no key)
 *	session-tool set DIR SINFUL WHAT	reseal it with WHAT changed:
 *		key	a session key the schedd does not have (row 23)
 *		sid	a Sid the schedd does not know (row 22)
 *		expired	an expiry in the past
 *
 * The token is read from standard input, never from the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/bounds.h"
#include "config/settings.h"
#include "schedd/schedd.h"
#include "schedd/schedd_int.h"

static void
usage(void)
{
	fprintf(stderr, "usage: session-tool name SINFUL | show DIR SINFUL | "
	    "set DIR SINFUL key|sid|expired  (token on stdin)\n");
	exit(2);
}

static void
read_token(char *tok, size_t len)
{
	size_t	 n;

	if (fgets(tok, (int)len, stdin) == NULL)
		usage();
	n = strcspn(tok, "\r\n");
	tok[n] = '\0';
}

int
main(int argc, char **argv)
{
	struct settings	 set;
	struct sd_cache	 c;
	struct sd_session s;
	char		 tok[AUTH_MAX_TOKEN + 2];
	const char	*dir = NULL, *sinful;

	if (argc < 3)
		usage();
	if (strcmp(argv[1], "name") == 0 && argc == 3)
		sinful = argv[2];
	else if (argc >= 4) {
		dir = argv[2];
		sinful = argv[3];
	} else
		usage();
	read_token(tok, sizeof(tok));
	memset(&set, 0, sizeof(set));
	set.session_cache_dir = (char *)(uintptr_t)dir;
	set.session_cache_lifetime = SESSION_CACHE_LIFETIME_MAX;
	if (sd_cache_open(&c, &set, tok, strlen(tok), sinful) == -1) {
		fprintf(stderr, "session-tool: cannot derive the entry\n");
		return 1;
	}
	explicit_bzero(tok, sizeof(tok));
	if (dir == NULL) {
		printf("%s\n", c.name);
		return 0;
	}
	if (c.dirfd == -1 || !sd_cache_find(&c, &s)) {
		fprintf(stderr, "session-tool: no live entry\n");
		return 1;
	}
	if (strcmp(argv[1], "show") == 0) {
		printf("sid %s\nuser %s\nexpires_in %lld\nlease %lld\n", s.sid,
		    s.user, (long long)(s.expires - time(NULL)),
		    (long long)s.lease);
		return 0;
	}
	if (strcmp(argv[1], "set") != 0 || argc != 5)
		usage();
	if (strcmp(argv[4], "key") == 0)
		s.key[0] ^= 0x5a;
	else if (strcmp(argv[4], "sid") == 0)
		snprintf(s.sid, sizeof(s.sid), "nosuchhost:1:1:1");
	else if (strcmp(argv[4], "expired") == 0)
		s.expires = time(NULL) - 1;
	else
		usage();
	sd_cache_save(&c, &s);
	sd_cache_close(&c);
	return 0;
}
