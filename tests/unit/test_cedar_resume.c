/*
 * test_cedar_resume.c — the schedd's side of session resumption
 * (server.c, session_dir.c; cedar-protocol.md §5.9, §13 rows 22-23): a
 * full handshake keeps the session in a directory, a new connection
 * served by another process resumes it with our client's
 * cedar_client_resume and runs a command; an unknown Sid, an expired
 * session, an idle one past its lease and a wrong key fail as a 25.14
 * schedd fails them; and the server's answers are byte for byte those of
 * the recorded schedd (client-resume-query).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "test_cedar_lib.h"
#include "classad/classad.h"

static unsigned char		 pool_ikm[128];	/* the POOL key, doubled */
static size_t			 pool_ikm_len;
static struct cedar_session_dir	 sdir;

/* How the server's process ended, as its exit status. */
#define SRV_OK		0
#define SRV_READ_FAILED	1	/* handshake done, the command's read failed */
#define SRV_HANDSHAKE	10	/* + the handshake's cedar_err */

/* What one connection came to, on both sides. */
struct outcome {
	enum cedar_err	 client;
	char		 err[256];
	int		 server;	/* SRV_* */
	int64_t		 resumed;	/* as the server reported it */
	char		*user;		/* as the server saw it */
	int		 echoed;	/* the command's answer arrived */
};

static int
deny_all(void *arg, int command, const char *user)
{
	return 0;
}

/* The server's process: one handshake, then one message answered with
 * the identity it ran as and whether the session was resumed. */
static void __attribute__((noreturn))
serve(int fd, const struct cedar_server_conf *conf)
{
	struct cedar_stream		*s = cedar_stream_new(fd, CEDAR_SERVER);
	struct cedar_server_result	 res;
	enum cedar_err			 e;
	int64_t				 v;
	int				 rc = SRV_READ_FAILED;

	cedar_set_timeout(s, 2000);
	if ((e = cedar_server_handshake(s, conf, &res)) != CEDAR_OK) {
		cedar_stream_free(s);	/* sends what was queued, closes */
		_exit(SRV_HANDSHAKE + (int)e);
	}
	if (cedar_get_int(s, &v) == 0 && cedar_recv_eom(s) == 0) {
		rc = SRV_OK;
		(void)(cedar_put_int(s, res.resumed) == 0 &&
		    cedar_put_string(s, res.user ? res.user : "-") == 0 &&
		    cedar_send_eom(s) == 0);
	}
	cedar_server_result_clear(&res);
	cedar_stream_free(s);
	_exit(rc);
}

/* One connection to a server with CONF in its own process: a full
 * handshake with AUTH (SESS filled), or with AUTH NULL a resumption of
 * SID with KEY for COMMAND; then one message both ways. */
static void
run(const struct cedar_server_conf *conf, const struct cedar_auth *auth,
    struct cedar_session *sess, const char *sid, const unsigned char *key,
    int command, struct outcome *o)
{
	struct cedar_stream	*s;
	int			 sv[2], st;
	pid_t			 pid;

	memset(o, 0, sizeof(*o));
	o->client = CEDAR_ERR_INTERNAL;
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		serve(sv[1], conf);
	}
	close(sv[1]);
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_timeout(s, 2000);
	o->client = auth != NULL ? cedar_client_handshake(s, auth, sess) :
	    cedar_client_resume(s, sid, key, command, NULL);
	if (o->client == CEDAR_OK)
		o->echoed = cedar_put_int(s, 41) == 0 &&
		    cedar_send_eom(s) == 0 &&
		    cedar_get_int(s, &o->resumed) == 0 &&
		    cedar_get_string(s, &o->user) == 0 &&
		    cedar_recv_eom(s) == 0;
	snprintf(o->err, sizeof(o->err), "%s", cedar_error(s));
	cedar_stream_free(s);
	waitpid(pid, &st, 0);
	o->server = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
outcome_clear(struct outcome *o)
{
	free(o->user);
	o->user = NULL;
}

static void
base_conf(struct cedar_server_conf *c)
{
	static const int cmds[] = { 478, 515, 516, 519, 1112 };

	memset(c, 0, sizeof(*c));
	c->signing_key = pool_ikm;
	c->signing_key_len = pool_ikm_len;
	c->key_id = "POOL";
	c->trust_domain = "htcondor-ref.local";
	c->commands = cmds;
	c->ncommands = sizeof(cmds) / sizeof(cmds[0]);
	c->require_auth = 1;
	c->session_store = cedar_session_dir_store;
	c->session_lookup = cedar_session_dir_lookup;
	c->session_arg = &sdir;
}

/* Is SID host:pid:time:n with PID the server's and TIME about now? */
static int
sid_form(const char *sid)
{
	long long	 pid, t, n;
	int		 used = 0;
	const char	*colon = sid != NULL ? strchr(sid, ':') : NULL;

	return colon != NULL && colon > sid &&
	    sscanf(colon, ":%lld:%lld:%lld%n", &pid, &t, &n, &used) == 3 &&
	    colon[used] == '\0' && pid > 0 && pid != getpid() &&
	    t > (long long)time(NULL) - 60 && t <= (long long)time(NULL) &&
	    n > 0;
}

/* A full handshake keeps the session; new connections resume it. */
static void
test_resume_over_socket(const char *alice)
{
	struct cedar_server_conf c;
	struct cedar_auth	 a;
	struct cedar_session	 sess, sess2;
	struct outcome		 o;
	struct buf		 path = BUF_INIT;
	struct stat		 st;
	unsigned char		 bad[CEDAR_KEY_LEN];
	int64_t			 now = (int64_t)time(NULL);

	base_conf(&c);
	memset(&a, 0, sizeof(a));
	a.command = 516;
	a.token = alice;
	memset(&sess, 0, sizeof(sess));
	run(&c, &a, &sess, NULL, NULL, 0, &o);
	tap_ok(o.client == CEDAR_OK && o.echoed && o.resumed == 0 &&
	    o.server == SRV_OK, "a full handshake (%s)", o.err);
	outcome_clear(&o);
	tap_ok(sid_form(sess.sid), "Sid in the schedd's form "
	    "host:pid:time:n: %s", sess.sid ? sess.sid : "(none)");
	tap_ok(sess.duration == 60 && sess.lease == 3600,
	    "SessionDuration %lld, SessionLease %lld: the smaller of ours "
	    "and the client's", (long long)sess.duration,
	    (long long)sess.lease);
	buf_addf(&path, "%s/sid-%s", sdir.path, sess.sid ? sess.sid : "");
	if (stat(buf_str(&path), &st) == -1)
		st.st_mode = 0;
	tap_ok((st.st_mode & 0777) == 0600, "kept in a file of mode 0600 (%o)",
	    (unsigned)(st.st_mode & 0777));
	buf_reset(&path);
	if (sess.sid == NULL) {
		buf_free(&path);
		return;
	}

	/* A second full handshake: another Sid. */
	memset(&sess2, 0, sizeof(sess2));
	run(&c, &a, &sess2, NULL, NULL, 0, &o);
	tap_ok(o.client == CEDAR_OK && sess2.sid != NULL &&
	    strcmp(sess2.sid, sess.sid) != 0, "each new session its own Sid "
	    "(%s, %s)", sess.sid, sess2.sid ? sess2.sid : "(none)");
	outcome_clear(&o);
	cedar_session_clear(&sess2);

	run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(o.client == CEDAR_OK && o.echoed && o.resumed == 1 &&
	    o.server == SRV_OK && o.user != NULL &&
	    strcmp(o.user, "alice@htcondor-ref.local") == 0,
	    "another process resumes it and runs 516 as %s (%s)",
	    o.user ? o.user : "?", o.err);
	outcome_clear(&o);
	run(&c, NULL, NULL, sess.sid, sess.key, 1112, &o);
	tap_ok(o.client == CEDAR_OK && o.echoed && o.resumed == 1,
	    "a session made for 516 runs 1112 too, as a 25.14 schedd's "
	    "(%s)", o.err);
	outcome_clear(&o);

	run(&c, NULL, NULL, "nohost:1:2:3", sess.key, 516, &o);
	tap_ok(o.client == CEDAR_ERR_NO_SESSION &&
	    strstr(o.err, "SID_NOT_FOUND") != NULL &&
	    o.server == SRV_HANDSHAKE + CEDAR_ERR_NO_SESSION,
	    "unknown Sid: SID_NOT_FOUND, the server closes (%s)", o.err);
	outcome_clear(&o);
	run(&c, NULL, NULL, "../../etc/passwd", sess.key, 516, &o);
	tap_ok(o.client == CEDAR_ERR_NO_SESSION,
	    "a Sid that is no file name of ours: SID_NOT_FOUND (%s)", o.err);
	outcome_clear(&o);

	memcpy(bad, sess.key, sizeof(bad));
	bad[0] ^= 1;
	run(&c, NULL, NULL, sess.sid, bad, 516, &o);
	tap_ok(o.client == CEDAR_OK && !o.echoed &&
	    o.server == SRV_READ_FAILED, "wrong key: AUTHORIZED, then the "
	    "server's read of the first packet fails and it closes (%s)",
	    o.err);
	outcome_clear(&o);

	/* Expiry: SessionDuration 60 + slop 20. */
	c.now = now + 75;
	run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(o.client == CEDAR_OK && o.echoed,
	    "resumable within SessionDuration + slop (%s)", o.err);
	outcome_clear(&o);
	c.now = now + 90;
	run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(o.client == CEDAR_ERR_NO_SESSION &&
	    strstr(o.err, "SID_NOT_FOUND") != NULL &&
	    o.server == SRV_HANDSHAKE + CEDAR_ERR_NO_SESSION,
	    "expired: SID_NOT_FOUND (%s)", o.err);
	outcome_clear(&o);

	c.now = 0;
	c.authorize = deny_all;
	run(&c, NULL, NULL, sess.sid, sess.key, 478, &o);
	tap_ok(o.client == CEDAR_OK && !o.echoed &&
	    o.server == SRV_HANDSHAKE + CEDAR_ERR_DENIED,
	    "a command refused on a resumed session: the server closes "
	    "(%s)", o.err);
	outcome_clear(&o);
	cedar_session_clear(&sess);
	buf_free(&path);
}

/* The lease: idle time allowed, renewed by each resumption; and the
 * client's smaller values win. */
static void
test_lease(const char *alice)
{
	struct cedar_server_conf c;
	struct cedar_auth	 a;
	struct cedar_session	 sess;
	struct outcome		 o;
	int64_t			 now = (int64_t)time(NULL);

	base_conf(&c);
	c.session_duration = 3600;
	c.session_lease = 100;
	c.session_slop = -1;
	memset(&a, 0, sizeof(a));
	a.command = 516;
	a.token = alice;
	a.session_duration = 1000;
	a.session_lease = 10;
	memset(&sess, 0, sizeof(sess));
	run(&c, &a, &sess, NULL, NULL, 0, &o);
	outcome_clear(&o);
	tap_ok(o.client == CEDAR_OK && sess.duration == 1000 &&
	    sess.lease == 10, "the client's smaller SessionDuration %lld and "
	    "SessionLease %lld", (long long)sess.duration,
	    (long long)sess.lease);
	if (sess.sid == NULL)
		return;
	c.now = now + 8;
	run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(o.client == CEDAR_OK && o.echoed, "resumed within the lease "
	    "(%s)", o.err);
	outcome_clear(&o);
	c.now = now + 16;
	run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(o.client == CEDAR_OK && o.echoed, "the resumption renewed "
	    "the lease (%s)", o.err);
	outcome_clear(&o);
	c.now = now + 30;
	run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(o.client == CEDAR_ERR_NO_SESSION &&
	    strstr(o.err, "SID_NOT_FOUND") != NULL, "idle past the lease: "
	    "SID_NOT_FOUND (%s)", o.err);
	outcome_clear(&o);
	cedar_session_clear(&sess);

	/* Without a store nothing is resumable. */
	base_conf(&c);
	c.session_store = NULL;
	c.session_lookup = NULL;
	a.session_duration = 0;
	a.session_lease = 0;
	memset(&sess, 0, sizeof(sess));
	run(&c, &a, &sess, NULL, NULL, 0, &o);
	outcome_clear(&o);
	if (sess.sid != NULL)
		run(&c, NULL, NULL, sess.sid, sess.key, 516, &o);
	tap_ok(sess.sid != NULL && o.client == CEDAR_ERR_NO_SESSION,
	    "a server that keeps no sessions answers SID_NOT_FOUND (%s)",
	    o.err);
	outcome_clear(&o);
	cedar_session_clear(&sess);
}

/* The recorded session, for the replay's store. */
static struct cedar_server_session recorded;

static int
recorded_lookup(void *arg, const char *sid, struct cedar_server_session *out)
{
	if (strcmp(sid, recorded.sid) != 0)
		return -1;
	*out = recorded;
	return 0;
}

/* The recorded schedd's randomness for its side: the resume nonce and
 * the base IV of its first sealed packet. */
static void
server_randomness(const cJSON *doc, struct tl_rand *rnd)
{
	const cJSON	*msg;
	struct classad	*ad = NULL;
	struct buf	 pt = BUF_INIT, raw = BUF_INIT;
	const char	*n64, *body;
	char		 err[128];
	int		 first = 1;

	cJSON_ArrayForEach(msg, tl_messages(doc)) {
		if (!tl_is_dir(msg, "S->C"))
			continue;
		if (!cJSON_IsTrue(cJSON_GetObjectItem(msg, "encrypted"))) {
			buf_reset(&pt);
			tl_unhex(tl_jstr(msg, "plaintext"), &pt);
			/* int 3 (lines), then "Nonce = \"...\"" first. */
			if (pt.len > 8 && classad_insert_wire(ad = classad_new(),
			    (const char *)pt.data + 8, err, sizeof(err)) == 0 &&
			    classad_lookup_string(ad, "Nonce", &n64) == 0 &&
			    b64_decode(n64, strlen(n64), &raw) == 0 &&
			    raw.len == sizeof(rnd->nonce)) {
				memcpy(rnd->nonce, raw.data, raw.len);
				rnd->have_nonce = 1;
			}
			classad_free(ad);
			ad = NULL;
		} else if (first) {
			body = tl_jstr(cJSON_GetArrayItem(cJSON_GetObjectItem(
			    msg, "packets"), 0), "body");
			buf_reset(&raw);
			rnd->have_iv = body != NULL && tl_unhex(body,
			    &raw) == 0 && raw.len > sizeof(rnd->iv);
			if (rnd->have_iv)
				memcpy(rnd->iv, raw.data, sizeof(rnd->iv));
			first = 0;
		}
	}
	buf_free(&pt);
	buf_wipe(&raw);
}

/* Our server answers the recorded resumption exactly as the 25.14
 * schedd did: every byte it writes, with the schedd's nonce and IV. */
static void
test_replay(const char *cdir)
{
	cJSON			*doc = tl_load_json(cdir, "client-resume-query.json");
	const cJSON		*m, *msg;
	struct tl_mem		 mem;
	struct tl_rand		 rnd;
	struct cedar_io		 io = { tl_mem_read, tl_mem_write, NULL };
	struct cedar_rng	 rng = { tl_rand_fill, NULL };
	struct cedar_stream	*s;
	struct cedar_server_conf c;
	struct cedar_server_result res;
	struct buf		 want = BUF_INIT, pt = BUF_INIT;
	const char		*ver;
	unsigned char		 got[4096];
	enum cedar_err		 e;
	int			 bad = 0, n = 0;

	if (!tap_ok(doc != NULL, "client-resume-query.json loads"))
		return;
	m = cJSON_GetObjectItem(doc, "meta");
	memset(&recorded, 0, sizeof(recorded));
	snprintf(recorded.sid, sizeof(recorded.sid), "%s",
	    tl_jstr(m, "resume_sid"));
	snprintf(recorded.user, sizeof(recorded.user),
	    "alice@htcondor-ref.local");
	tl_unhex_n(tl_jstr(m, "session_key"), recorded.key, CEDAR_KEY_LEN);
	recorded.expires = INT64_MAX;
	memset(&rnd, 0, sizeof(rnd));
	server_randomness(doc, &rnd);
	memset(&mem, 0, sizeof(mem));
	cJSON_ArrayForEach(msg, tl_messages(doc))
		if (tl_is_dir(msg, "C->S"))
			tl_packets_bytes(msg, &mem.rd);
	/* The schedd's RemoteVersion, from its answer. */
	ver = strstr(tl_jstr(cJSON_GetArrayItem(tl_messages(doc), 1),
	    "explain"), "$CondorVersion");
	base_conf(&c);
	c.session_lookup = recorded_lookup;
	c.session_store = NULL;
	c.version = ver != NULL ? strndup(ver, strcspn(ver, "\"")) : NULL;
	io.ctx = &mem;
	rng.arg = &rnd;
	s = cedar_stream_new_io(&io, CEDAR_SERVER);
	cedar_set_rng(s, &rng);
	e = cedar_server_handshake(s, &c, &res);
	tap_ok(e == CEDAR_OK && res.resumed && res.command == 516 &&
	    res.user != NULL && strcmp(res.user,
	    "alice@htcondor-ref.local") == 0, "the recorded resumption is "
	    "accepted as 516 for alice (%s)", cedar_error(s));
	cJSON_ArrayForEach(msg, tl_messages(doc)) {
		if (tl_is_dir(msg, "S->C"))
			tl_packets_bytes(msg, &want);
		if (!cJSON_IsTrue(cJSON_GetObjectItem(msg, "encrypted")) ||
		    e != CEDAR_OK)
			continue;
		buf_reset(&pt);
		tl_unhex(tl_jstr(msg, "plaintext"), &pt);
		n++;
		if (tl_is_dir(msg, "S->C")) {
			if (cedar_put_bytes(s, pt.data, pt.len) == -1 ||
			    cedar_send_eom(s) == -1)
				bad++;
		} else if (pt.len > sizeof(got) || cedar_get_bytes(s, got,
		    pt.len) == -1 || memcmp(got, pt.data, pt.len) != 0 ||
		    cedar_recv_eom(s) == -1)
			bad++;
	}
	tap_ok(bad == 0 && n > 0, "%d sealed messages of the resumed "
	    "session, the client's opened with the recorded key", n);
	(void)cedar_flush(s);
	tap_ok(mem.wr.len == want.len && memcmp(mem.wr.data, want.data,
	    want.len) == 0, "resume: our %zu bytes equal the recorded "
	    "schedd's %zu", mem.wr.len, want.len);
	cedar_server_result_clear(&res);
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);

	/* An unknown Sid: the bytes a 25.14 schedd sends (row 22). */
	memset(&mem, 0, sizeof(mem));
	cJSON_ArrayForEach(msg, tl_messages(doc))
		if (tl_is_dir(msg, "C->S")) {
			tl_packets_bytes(msg, &mem.rd);
			break;
		}
	recorded.sid[0] = '\0';
	io.ctx = &mem;
	s = cedar_stream_new_io(&io, CEDAR_SERVER);
	cedar_set_rng(s, &rng);
	e = cedar_server_handshake(s, &c, &res);
	(void)cedar_flush(s);
	buf_reset(&want);
	tl_unhex("0100000027" "0000000000000001"
	    "52657475726e436f6465203d20225349445f4e4f545f464f554e442200"
	    "0000", &want);
	tap_ok(e == CEDAR_ERR_NO_SESSION && mem.wr.len == want.len &&
	    memcmp(mem.wr.data, want.data, want.len) == 0,
	    "unknown Sid: { ReturnCode = \"SID_NOT_FOUND\" } as the schedd "
	    "sends it, and CEDAR_ERR_NO_SESSION (%s)", cedar_error(s));
	cedar_server_result_clear(&res);
	cedar_stream_free(s);
	buf_free(&mem.rd);
	buf_free(&mem.wr);
	buf_free(&want);
	buf_free(&pt);
	free((char *)(uintptr_t)c.version);
	cJSON_Delete(doc);
}

/* The directory's own rules: private, and refused when it is not. */
static void
test_dir_rules(const char *base)
{
	struct cedar_session_dir	 d;
	struct cedar_server_session	 ss, out;
	struct buf			 p = BUF_INIT;
	char				 err[256];

	buf_addf(&p, "%s/open", base);
	mkdir(buf_str(&p), 0755);
	chmod(buf_str(&p), 0755);
	tap_ok(cedar_session_dir_init(&d, buf_str(&p), err, sizeof(err)) ==
	    -1, "a directory others can read is refused: %s", err);
	buf_reset(&p);
	buf_addf(&p, "%s/private", base);
	tap_ok(cedar_session_dir_init(&d, buf_str(&p), err, sizeof(err)) ==
	    0, "a new directory is made private");
	memset(&ss, 0, sizeof(ss));
	snprintf(ss.sid, sizeof(ss.sid), "h:1:2:3");
	snprintf(ss.user, sizeof(ss.user), "bob@x");
	memset(ss.key, 7, sizeof(ss.key));
	ss.expires = 100;
	ss.last_used = 50;
	tap_ok(cedar_session_dir_store(&d, &ss) == 0 &&
	    cedar_session_dir_lookup(&d, "h:1:2:3", &out) == 0 &&
	    memcmp(&ss, &out, sizeof(ss)) == 0,
	    "an entry reads back as it was stored");
	ss.last_used = 200;	/* a new session later: prunes the old */
	snprintf(ss.sid, sizeof(ss.sid), "h:1:2:4");
	ss.expires = 300;
	tap_ok(cedar_session_dir_store(&d, &ss) == 0 &&
	    cedar_session_dir_lookup(&d, "h:1:2:3", &out) == -1 &&
	    cedar_session_dir_lookup(&d, "h:1:2:4", &out) == 0,
	    "storing a new session removes the expired ones");
	buf_free(&p);
}

int
main(void)
{
	struct buf	 key = BUF_INIT, dir = BUF_INIT;
	cJSON		*kdf;
	char		 cdir[4096], tmpl[] = "/tmp/test_cedar_resume.XXXXXX",
			 err[256], *alice;

	snprintf(cdir, sizeof(cdir), "%s/cedar", tap_conformance_dir());
	kdf = tl_load_json(cdir, "token-kdf.json");
	if (!tap_ok(kdf != NULL && tl_unhex(tl_jstr(kdf,
	    "hkdf_ikm_hex (unscrambled||unscrambled)"), &key) == 0 &&
	    key.len == 128, "the recorded POOL key")) {
		cJSON_Delete(kdf);
		return tap_done();
	}
	memcpy(pool_ikm, key.data, key.len);
	pool_ikm_len = key.len;
	alice = strdup(tl_jstr(kdf, "token"));
	cJSON_Delete(kdf);
	buf_wipe(&key);
	if (!tap_ok(mkdtemp(tmpl) != NULL, "a scratch directory"))
		return tap_done();
	buf_addf(&dir, "%s/sessions", tmpl);
	if (tap_ok(cedar_session_dir_init(&sdir, buf_str(&dir), err,
	    sizeof(err)) == 0, "the session directory (%s)", err)) {
		test_resume_over_socket(alice);
		test_lease(alice);
	}
	test_replay(cdir);
	test_dir_rules(tmpl);
	(void)file_remove_tree(tmpl);
	free(alice);
	buf_free(&dir);
	return tap_done();
}
