/*
 * test-schedd.c — a test double of the HTCondor schedd: it plays the
 * schedd's side of the CEDAR protocol (DC_AUTHENTICATE with TOKEN
 * verification against a POOL signing key, ECDH, AES-GCM) and answers
 * QUERY_JOB_ADS over job ads loaded from a file, so the whole
 * HTTP -> CEDAR -> JSON path runs in CI without HTCondor.  It refuses
 * what a real schedd refuses (bad token, wrong method name, malformed
 * version string: the handshake code closes the connection), and can be
 * told to fail in the ways the API must report.
 *
 *	test-schedd -k POOL-KEY-FILE -a ADDRESS-FILE [-j JOBS-FILE]
 *	    [-d TRUST-DOMAIN] [-p PORT] [-x FAULT]
 *
 * It listens on 127.0.0.1 (PORT, default any), writes "<127.0.0.1:PORT>"
 * to ADDRESS-FILE once it accepts connections, and serves connections one
 * at a time until killed.  FAULT is one of:
 *	die-after:N	exit abruptly after sending N job ads (killed
 *			mid-stream)
 *	stall-after:N	stop answering after N job ads
 *	close-query	close right after reading the query (as a schedd does
 *			for a constraint it cannot parse)
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "cedar/cedar.h"
#include "classad/classad.h"
#include "classad/eval.h"

struct jobs {
	struct classad	**ad;
	size_t		  n;
};

static struct {
	unsigned char	 key[256];
	size_t		 keylen;
	const char	*domain;
	struct jobs	 jobs;
	char		 fault[32];
	long		 fault_n;
} ts;

static void
die(const char *fmt, const char *arg)
{
	fprintf(stderr, "test-schedd: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	exit(1);
}

/* Read a whole file into B. */
static void
slurp(const char *path, struct buf *b)
{
	char	tmp[8192];
	ssize_t	n;
	int	fd;

	if ((fd = open(path, O_RDONLY)) == -1)
		die("cannot open %s", path);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(b, tmp, (size_t)n);
	close(fd);
}

/* The POOL key as the schedd reads it: unscrambled and doubled. */
static void
load_key(const char *path)
{
	struct buf b = BUF_INIT;

	slurp(path, &b);
	if (b.len == 0 || b.len * 2 > sizeof(ts.key))
		die("bad key file %s", path);
	cedar_key_unscramble((unsigned char *)b.data, b.len);
	memcpy(ts.key, b.data, b.len);
	memcpy(ts.key + b.len, b.data, b.len);
	ts.keylen = b.len * 2;
	buf_wipe(&b);
}

/* Job ads in the -long text form, separated by blank lines. */
static void
load_jobs(const char *path)
{
	struct buf	 b = BUF_INIT;
	struct classad	*ad;
	char		 err[256];
	size_t		 off = 0, used;
	int		 rc;

	slurp(path, &b);
	while ((rc = classad_read_long(buf_str(&b) + off, b.len - off, &used,
	    &ad, err, sizeof(err))) == 1) {
		off += used;
		ts.jobs.ad = realloc(ts.jobs.ad, (ts.jobs.n + 1) *
		    sizeof(*ts.jobs.ad));
		ts.jobs.ad[ts.jobs.n++] = ad;
	}
	if (rc == -1)
		die("bad job file: %s", err);
	buf_free(&b);
}

/* Is NAME in PROJ (blank or comma separated, case-blind)? */
static int
in_projection(const char *proj, const char *name)
{
	const char	*p;
	size_t		 l;

	for (p = proj; *p != '\0'; p += l) {
		p += strspn(p, " ,\n\t");
		l = strcspn(p, " ,\n\t");
		if (l > 0 && l == strlen(name) && strncasecmp(p, name, l) == 0)
			return 1;
	}
	return 0;
}

struct widen {
	const struct classad	*ad;
	struct classad		*out;
};

/* Add attribute NAME of the job to the projected ad, as the schedd adds
 * what projected expressions refer to. */
static void
widen_ref(void *arg, const char *name)
{
	struct widen			*w = arg;
	const struct classad_expr	*e;

	if (classad_lookup(w->out, name) == NULL &&
	    (e = classad_lookup(w->ad, name)) != NULL)
		classad_insert_parsed(w->out, name, classad_expr_copy(e));
}

/* Send AD as one message.  With a projection PROJ, only its attributes
 * and, like the real schedd, the attributes their expressions refer to
 * (condor_q drops those again when it prints). */
static int
send_ad(struct cedar_stream *s, const struct classad *ad, const char *proj)
{
	struct widen	 w;
	size_t		 i, n;
	int		 rc;

	if (proj == NULL || *proj == '\0')
		return cedar_put_classad(s, ad) == -1 ? -1 :
		    cedar_send_eom(s);
	w.ad = ad;
	w.out = classad_new();
	for (i = 0, n = classad_count(ad); i < n; i++)
		if (in_projection(proj, classad_name_at(ad, i)))
			classad_insert_parsed(w.out, classad_name_at(ad, i),
			    classad_expr_copy(classad_expr_at(ad, i)));
	for (i = 0, n = classad_count(w.out); i < n; i++)
		classad_expr_refs(classad_expr_at(w.out, i), widen_ref, &w);
	rc = cedar_put_classad(s, w.out) == -1 ? -1 : cedar_send_eom(s);
	classad_free(w.out);
	return rc;
}

/* QUERY_JOB_ADS (spec §9.1): matching job ads, one per message, then
 * the summary ad with Owner = 0. */
static void
query_job_ads(struct cedar_stream *s)
{
	struct classad		*req = NULL, *sum;
	const struct classad_expr *cons;
	const char		*proj = NULL;
	int64_t			 limit = 0;
	size_t			 i, sent = 0;

	if (cedar_get_classad(s, &req) == -1 || cedar_recv_eom(s) == -1)
		goto out;
	if (strcmp(ts.fault, "close-query") == 0)
		goto out;
	cons = classad_lookup(req, "Requirements");
	classad_lookup_string(req, "Projection", &proj);
	classad_lookup_int(req, "LimitResults", &limit);
	for (i = 0; i < ts.jobs.n; i++) {
		if (limit > 0 && (int64_t)sent >= limit)
			break;
		if (cons != NULL && classad_eval_match(cons, ts.jobs.ad[i]) != 1)
			continue;
		if (strcmp(ts.fault, "die-after") == 0 &&
		    (long)sent == ts.fault_n)
			_exit(3);
		if (strcmp(ts.fault, "stall-after") == 0 &&
		    (long)sent == ts.fault_n) {
			sleep(3600);
			_exit(3);
		}
		if (send_ad(s, ts.jobs.ad[i], proj) == -1)
			goto out;
		sent++;
	}
	sum = classad_new();
	classad_insert_int(sum, "Owner", 0);
	classad_insert_int(sum, "ErrorCode", 0);
	classad_insert_string(sum, "MyType", "Summary");
	classad_insert_int(sum, "Jobs", (int64_t)sent);
	send_ad(s, sum, NULL);
	classad_free(sum);
out:
	classad_free(req);
}

/* Who may do what: any authenticated user may read. */
static int
authorize(void *arg, int command, const char *user)
{
	(void)arg;
	(void)command;
	return user != NULL;
}

static void
serve(int fd)
{
	static const int	 commands[] = { CEDAR_QUERY_JOB_ADS };
	struct cedar_server_conf conf;
	struct cedar_server_result res;
	struct cedar_stream	*s;

	if ((s = cedar_stream_new(fd, CEDAR_SERVER)) == NULL)
		return;
	cedar_set_timeout(s, 20000);
	memset(&conf, 0, sizeof(conf));
	conf.signing_key = ts.key;
	conf.signing_key_len = ts.keylen;
	conf.key_id = "POOL";
	conf.trust_domain = ts.domain;
	conf.commands = commands;
	conf.ncommands = sizeof(commands) / sizeof(commands[0]);
	conf.require_auth = 1;
	conf.authorize = authorize;
	memset(&res, 0, sizeof(res));
	if (cedar_server_handshake(s, &conf, &res) == CEDAR_OK &&
	    res.command == CEDAR_QUERY_JOB_ADS) {
		fprintf(stderr, "test-schedd: QUERY_JOB_ADS from %s\n",
		    res.user ? res.user : "(anonymous)");
		query_job_ads(s);
	} else
		fprintf(stderr, "test-schedd: handshake failed: %s\n",
		    cedar_error(s));
	cedar_server_result_clear(&res);
	cedar_stream_free(s);
}

int
main(int argc, char **argv)
{
	struct sockaddr_in	 sin;
	socklen_t		 len = sizeof(sin);
	const char		*addrfile = NULL, *colon;
	char			 tmp[4096];
	FILE			*f;
	int			 ch, lfd, fd, port = 0, on = 1;

	ts.domain = "test.local";
	while ((ch = getopt(argc, argv, "k:a:j:d:p:x:")) != -1) {
		switch (ch) {
		case 'k': load_key(optarg); break;
		case 'a': addrfile = optarg; break;
		case 'j': load_jobs(optarg); break;
		case 'd': ts.domain = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'x':
			snprintf(ts.fault, sizeof(ts.fault), "%s", optarg);
			if ((colon = strchr(optarg, ':')) != NULL) {
				ts.fault[colon - optarg] = '\0';
				ts.fault_n = atol(colon + 1);
			}
			break;
		default:
			die("%s", "usage: test-schedd -k KEY -a ADDRFILE "
			    "[-j JOBS] [-d DOMAIN] [-p PORT] [-x FAULT]");
		}
	}
	if (ts.keylen == 0 || addrfile == NULL)
		die("%s", "-k and -a are required");
	signal(SIGPIPE, SIG_IGN);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(lfd, 64) == -1 ||
	    getsockname(lfd, (struct sockaddr *)&sin, &len) == -1)
		die("cannot listen: %s", strerror(errno));
	/* Written last and renamed into place, as the schedd does. */
	snprintf(tmp, sizeof(tmp), "%s.new", addrfile);
	if ((f = fopen(tmp, "w")) == NULL)
		die("cannot write %s", tmp);
	fprintf(f, "<127.0.0.1:%d>\n%s\n$CondorPlatform: X86_64-Test $\n",
	    ntohs(sin.sin_port), cedar_version_string());
	fclose(f);
	rename(tmp, addrfile);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			continue;
		/* Small messages back to back: no Nagle delay, as the
		 * schedd's sockets. */
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
		serve(fd);
	}
}
