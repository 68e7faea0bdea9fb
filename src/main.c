/*
 * main.c — flags, mode selection, privilege checks.
 *
 * htcondor-api serves one HTTP request per process.  How the connection
 * arrives decides the mode: --listen makes it its own fork-per-connection
 * server; GATEWAY_INTERFACE in the environment means CGI; otherwise the
 * connection is on fds 0 and 1 (inetd, systemd Accept=yes, tcpserver).
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <errno.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tls.h>
#include <unistd.h>

#include "config/config.h"
#include "schedd/schedd.h"
#include "http/conn.h"
#include "util/bounds.h"
#include "version.h"
#include "serve/demo.h"
#include "serve/listen.h"
#include "util/log.h"
#include "serve/server.h"
#include "config/settings.h"

/* Exit statuses, documented in the man page. */
#define EXIT_SERVED	0	/* answered, or the server stopped cleanly */
#define EXIT_FAILED	1	/* no complete answer, cannot listen or harden */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_CONFIG	3	/* bad configuration or TLS files */
#define EXIT_ROOT	4	/* refused to run as root */

/* The subsystem this program reads the HTCondor configuration as, so that
 * HTTP_API.NAME settings apply to it. */
#define CONFIG_SUBSYSTEM	"HTTP_API"

static void
usage(FILE *f)
{
	fprintf(f,
"usage: htcondor-api [--allow-root] [--listen [[host]:port]]\n"
"                    [--tls-cert file --tls-key file] [--read-timeout sec]\n"
"                    [--write-timeout sec] [--max-body bytes]\n"
"                    [--max-children n] [--schedd address]\n"
"                    [--user-header name]\n"
"       htcondor-api --demo [--listen [host]:port] [--demo-dir dir]\n"
"                    [--demo-user name] [other server flags]\n"
"       htcondor-api [--allow-root] --config-val [-subsystem name]\n"
"                    [-local-name name] param ...\n"
"       htcondor-api --version | --help\n"
"\n"
"Without --listen, one HTTP request is read from standard input and\n"
"answered on standard output (inetd, systemd Accept=yes, tcpserver), or\n"
"from the CGI environment when GATEWAY_INTERFACE is set.  --listen\n"
"without an address listens on HTTP_API_LISTEN_ADDR.  --demo runs the\n"
"whole API with a private schedd on 127.0.0.1:8080 and prints a token.\n");
}

/* Flags that set a parameter, and the parameter they set. */
static const struct {
	const char	*flag;
	const char	*param;
} param_flags[] = {
	{ "--tls-cert",		"HTTP_API_TLS_CERT" },
	{ "--tls-key",		"HTTP_API_TLS_KEY" },
	{ "--read-timeout",	"HTTP_API_READ_TIMEOUT" },
	{ "--write-timeout",	"HTTP_API_WRITE_TIMEOUT" },
	{ "--max-body",		"HTTP_API_MAX_BODY" },
	{ "--max-children",	"HTTP_API_MAX_CHILDREN" },
	{ "--schedd",		"HTTP_API_SCHEDD_ADDRESS" },
	{ "--user-header",	"HTTP_API_USER_HEADER" },
};

struct options {
	const char	*listen;	/* "": HTTP_API_LISTEN_ADDR */
	int		 allow_root;
	int		 demo;		/* --demo */
	const char	*demo_dir;	/* --demo-dir: kept across runs */
	const char	*demo_user;	/* --demo-user: as root */
	const char	*set_param[sizeof(param_flags) / sizeof(param_flags[0])];
};

/* Take "--flag value" or "--flag=value" at ARGV[*I].  Returns the value,
 * or NULL when ARGV[*I] is not FLAG; *MISSING is set when FLAG lacks its
 * value. */
static const char *
flag_value(char **argv, int argc, int *i, const char *flag, int *missing)
{
	size_t n = strlen(flag);

	if (strncmp(argv[*i], flag, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] != '\0')
		return NULL;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

/* Parse the command line into O.  Returns -1 to go on, or an exit status
 * (after --help, --version or a usage error). */
static int
parse_args(int argc, char **argv, struct options *o)
{
	const char	*v;
	int		 i, missing = 0;
	size_t		 k;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return EXIT_SERVED;
		}
		if (strcmp(argv[i], "--version") == 0) {
			printf("htcondor-api %s (HTCondor %s)\n",
			    HTCAPI_VERSION, HTCONDOR_VERSION);
			return EXIT_SERVED;
		}
		if (strcmp(argv[i], "--allow-root") == 0) {
			o->allow_root = 1;
			continue;
		}
		if (strcmp(argv[i], "--demo") == 0) {
			o->demo = 1;
			continue;
		}
		if ((v = flag_value(argv, argc, &i, "--demo-dir", &missing))) {
			o->demo_dir = v;
			continue;
		}
		if ((v = flag_value(argv, argc, &i, "--demo-user",
		    &missing))) {
			o->demo_user = v;
			continue;
		}
		/* No address (last, or before another option): the
		 * configured HTTP_API_LISTEN_ADDR, resolved by main. */
		if (strcmp(argv[i], "--listen") == 0 && (i + 1 >= argc ||
		    argv[i + 1][0] == '-')) {
			o->listen = "";
			continue;
		}
		if ((v = flag_value(argv, argc, &i, "--listen", &missing))) {
			o->listen = v;
			continue;
		}
		for (k = 0; k < sizeof(param_flags) / sizeof(param_flags[0]);
		    k++)
			if ((v = flag_value(argv, argc, &i, param_flags[k].flag,
			    &missing)) != NULL)
				break;
		if (v != NULL) {
			o->set_param[k] = v;
			continue;
		}
		if (missing)
			fprintf(stderr, "htcondor-api: %s needs a value\n",
			    argv[i]);
		else
			fprintf(stderr, "htcondor-api: unknown option %s\n",
			    argv[i]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((o->demo_dir != NULL || o->demo_user != NULL) && !o->demo) {
		fprintf(stderr, "htcondor-api: --demo-dir and --demo-user "
		    "need --demo\n");
		return EXIT_USAGE;
	}
	return -1;
}

/* --config-val is a mode of its own: it may follow --allow-root, so the
 * flags root needs to run the server also work for a query, but no flag
 * of the server modes.  Returns the index of the argument after it, or 0
 * when the command line is not a --config-val one. */
static size_t
config_val_start(int argc, char **argv)
{
	int	 i;

	for (i = 1; i < argc && strcmp(argv[i], "--allow-root") == 0; i++)
		continue;
	if (i < argc && strcmp(argv[i], "--config-val") == 0)
		return (size_t)i + 1;
	return 0;
}

/* The process will hold a caller's credentials: no core dumps, no
 * ptrace by other users, and no privilege gain through exec.  Each step
 * is checked: running without one of them is not what the man page
 * promises, so a failure is a start-up error.  0, or -1 with ERR. */
static int
harden(char *err, size_t errlen)
{
	struct rlimit rl = { 0, 0 };

	if (setrlimit(RLIMIT_CORE, &rl) == -1) {
		snprintf(err, errlen, "cannot disable core dumps: "
		    "setrlimit(RLIMIT_CORE): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1) {
		snprintf(err, errlen, "cannot mark the process not dumpable: "
		    "prctl(PR_SET_DUMPABLE): %s", strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "cannot forbid privilege gain through "
		    "exec: prctl(PR_SET_NO_NEW_PRIVS): %s", strerror(errno));
		return -1;
	}
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* A libtls server context from the configured files, or NULL with ERR.
 * The files are read now, so a bad path is a startup error. */
static struct tls *
tls_setup(const struct settings *s, char *err, size_t errlen)
{
	struct tls_config	*cfg;
	struct tls		*ctx = NULL;

	if ((cfg = tls_config_new()) == NULL) {
		snprintf(err, errlen, "TLS: out of memory");
		return NULL;
	}
	if (tls_config_set_protocols(cfg, TLS_PROTOCOL_TLSv1_2 |
	    TLS_PROTOCOL_TLSv1_3) == -1 ||
	    tls_config_set_cert_file(cfg, s->tls_cert) == -1 ||
	    tls_config_set_key_file(cfg, s->tls_key) == -1) {
		snprintf(err, errlen, "TLS: %s", tls_config_error(cfg));
		goto out;
	}
	if ((ctx = tls_server()) == NULL || tls_configure(ctx, cfg) == -1) {
		snprintf(err, errlen, "TLS: %s", ctx ? tls_error(ctx) :
		    "out of memory");
		tls_free(ctx);
		ctx = NULL;
	}
out:
	tls_config_free(cfg);
	return ctx;
}

/* The peer of an inetd-style connection for the log: the socket's peer,
 * else what the supervisor put in the environment.  Returns whether it
 * is the socket's own peer, the only one a trusted-proxy check may see. */
static int
inetd_remote(char *out, size_t outlen)
{
	static const char *const vars[] = {
		"TCPREMOTEIP", "REMOTE_HOST", "REMOTE_ADDR"
	};
	const char		*v;
	size_t			 i;

	if (serve_socket_peer(0, out, outlen) == 0)
		return 1;
	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) != NULL && *v != '\0') {
			snprintf(out, outlen, "%s", v);
			return 0;
		}
	snprintf(out, outlen, "-");
	return 0;
}

/* The identity settings must not open a door: a user header needs the
 * proxies it is trusted from (outside the demo mode), and a user header
 * or REMOTE_USER needs a signing key only its owner can read.  0, or -1
 * with ERR. */
static int
identity_check(const struct settings *s, char *err, size_t errlen)
{
	char	why[384];

	if (s->user_header != NULL && s->ntrusted_proxies == 0 && !s->demo) {
		snprintf(err, errlen, "HTTP_API_USER_HEADER (%s) needs "
		    "HTTP_API_USER_HEADER_TRUSTED_PROXIES: without it anyone "
		    "who reaches the port could name any user", s->user_header);
		return -1;
	}
	if ((s->user_header != NULL || s->cgi_remote_user) &&
	    schedd_signing_key_check(s->signing_key, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "%s needs the signing key: %s",
		    s->user_header != NULL ? "HTTP_API_USER_HEADER" :
		    "HTTP_API_CGI_REMOTE_USER", why);
		return -1;
	}
	return 0;
}

/* The session cache directory when none is configured: the first
 * directory systemd made for the unit (RuntimeDirectory=, which the
 * units keep across instances with RuntimeDirectoryPreserve=yes).  A
 * listener without either makes its own (listen.c); inetd and CGI then
 * have none.  0, or -1 when memory runs out. */
static int
session_dir_default(struct settings *set)
{
	const char	*rd = getenv("RUNTIME_DIRECTORY");
	size_t		 n;

	if (set->session_cache_dir != NULL || rd == NULL || *rd != '/')
		return 0;
	n = strcspn(rd, ":");
	if ((set->session_cache_dir = strndup(rd, n)) == NULL)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct options	 o;
	struct settings	 set;
	struct config	*cf;
	struct conn	 c;
	struct tls	*tls = NULL;
	struct demo	 demo;
	char		 err[512], remote[NI_MAXHOST];
	const char	*peer = NULL;
	int		 rc, cgi;
	size_t		 k;

	if ((k = config_val_start(argc, argv)) > 0)
		return config_val_main(argc - (int)k, argv + k, CONFIG_SUBSYSTEM);
	memset(&o, 0, sizeof(o));
	if ((rc = parse_args(argc, argv, &o)) != -1)
		return rc;
	log_init();
	if (harden(err, sizeof(err)) == -1) {
		log_msg("%s", err);
		return EXIT_FAILED;
	}
	/* The demo drops root itself, to the user that runs its jobs. */
	if (o.demo && demo_prepare(&demo, o.demo_dir, o.demo_user, err,
	    sizeof(err)) == -1) {
		log_msg("demo: %s", err);
		return EXIT_FAILED;
	}
	if (geteuid() == 0 && !o.allow_root) {
		log_msg("refusing to run as root (use a dedicated user, or "
		    "--allow-root)");
		return EXIT_ROOT;
	}
	cgi = getenv("GATEWAY_INTERFACE") != NULL && o.listen == NULL &&
	    !o.demo;
	if (o.listen == NULL && !cgi && !o.demo && isatty(0)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if ((cf = config_load(CONFIG_SUBSYSTEM, NULL, err, sizeof(err))) == NULL) {
		log_msg("configuration: %s", err);
		rc = EXIT_CONFIG;
		goto abandon;
	}
	if (settings_load(&set, cf, err, sizeof(err)) == -1) {
		log_msg("configuration: %s", err);
		rc = EXIT_CONFIG;
		goto fail;
	}
	for (k = 0; k < sizeof(param_flags) / sizeof(param_flags[0]); k++)
		if (o.set_param[k] != NULL && settings_set(&set,
		    param_flags[k].param, o.set_param[k], err,
		    sizeof(err)) == -1) {
			log_msg("%s", err);
			rc = EXIT_USAGE;
			goto fail;
		}
	set.demo = o.demo;
	if (session_dir_default(&set) == -1) {
		log_msg("out of memory");
		rc = EXIT_CONFIG;
		goto fail;
	}
	if (o.demo && o.listen == NULL)
		o.listen = DEMO_LISTEN_ADDR;
	if (o.listen != NULL && *o.listen == '\0' &&
	    (o.listen = set.listen_addr) == NULL) {
		log_msg("--listen without an address needs "
		    "HTTP_API_LISTEN_ADDR");
		rc = EXIT_USAGE;
		goto fail;
	}
	if ((set.tls_cert == NULL) != (set.tls_key == NULL)) {
		log_msg("TLS needs both HTTP_API_TLS_CERT and "
		    "HTTP_API_TLS_KEY");
		rc = EXIT_CONFIG;
		goto fail;
	}
	if (((set.user_header != NULL || set.cgi_remote_user || set.demo) &&
	    settings_load_identity(&set, err, sizeof(err)) == -1) ||
	    identity_check(&set, err, sizeof(err)) == -1) {
		log_msg("configuration: %s", err);
		rc = EXIT_CONFIG;
		goto fail;
	}
	if (set.tls_cert != NULL && !cgi &&
	    (tls = tls_setup(&set, err, sizeof(err))) == NULL) {
		log_msg("%s", err);
		rc = EXIT_CONFIG;
		goto fail;
	}
	if (o.demo)
		rc = demo_run(&demo, o.listen, &set, tls);
	else if (o.listen != NULL)
		rc = listen_main(o.listen, &set, tls);
	else {
		if (cgi) {
			snprintf(remote, sizeof(remote), "%s",
			    getenv("REMOTE_ADDR") ? getenv("REMOTE_ADDR") : "-");
			peer = getenv("REMOTE_ADDR");
		} else if (inetd_remote(remote, sizeof(remote)))
			peer = remote;
		conn_init(&c, 0, 1, set.read_timeout, set.write_timeout);
		if (tls != NULL && conn_tls_accept(&c, tls, err,
		    sizeof(err)) == -1) {
			log_msg("%s: %s", remote, err);
			rc = EXIT_FAILED;
		} else
			rc = serve_one(&c, cgi, &set, remote, peer) ?
			    EXIT_FAILED :
			    EXIT_SERVED;
	}
	tls_free(tls);
	settings_free(&set);
	return rc;
fail:
	settings_free(&set);
abandon:
	if (o.demo)
		demo_abandon(&demo);
	return rc;
}
