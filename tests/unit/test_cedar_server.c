/*
 * test_cedar_server.c — our client against our schedd side of the
 * handshake (server.c) over a socketpair, the server in a child process:
 * real ECDH, TOKEN, AES-GCM both ways, multi-packet messages, and the
 * failure paths of tests/conformance/cedar/client-error-* as the client
 * sees them.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <unistd.h>

#include "tap.h"
#include "test_cedar_lib.h"
#include "classad/classad.h"

static unsigned char	 pool_ikm[128];	/* the POOL key, doubled */
static size_t		 pool_ikm_len;
static char		*alice_token;

#define BIG	100000

/* Mint an HS256 token for SUB signed with the POOL key, EXP (0 = none). */
static char *
mint(const char *kid, const char *sub, long long exp)
{
	struct buf	 t = BUF_INIT, h = BUF_INIT, p = BUF_INIT;
	unsigned char	 jk[32], sig[32];

	buf_addf(&h, "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid);
	buf_addf(&p, "{\"iat\":1700000000,\"iss\":\"htcondor-ref.local\","
	    "\"jti\":\"0123456789abcdef0123456789abcdef\",\"sub\":\"%s\"",
	    sub);
	if (exp != 0)
		buf_addf(&p, ",\"exp\":%lld", exp);
	buf_adds(&p, "}");
	b64url_encode(h.data, h.len, &t);
	buf_addc(&t, '.');
	b64url_encode(p.data, p.len, &t);
	cedar_jwt_key(pool_ikm, pool_ikm_len, jk);
	cedar_hmac_sha256(jk, 32, t.data, t.len, sig);
	buf_addc(&t, '.');
	b64url_encode(sig, 32, &t);
	buf_free(&h);
	buf_free(&p);
	return buf_take(&t);
}

static int
deny_all(void *arg, int command, const char *user)
{
	(void)arg;
	(void)command;
	(void)user;
	return 0;
}

/* The child: answer one handshake, then echo one message back. */
static void
serve(int fd, const struct cedar_server_conf *conf)
{
	struct cedar_stream		*s = cedar_stream_new(fd, CEDAR_SERVER);
	struct cedar_server_result	 res;
	unsigned char			*big = malloc(BIG);
	char				*str = NULL;
	int64_t				 v;
	int				 rc = 1;

	cedar_set_timeout(s, 2000);
	if (cedar_server_handshake(s, conf, &res) == CEDAR_OK &&
	    cedar_get_int(s, &v) == 0 && cedar_get_string(s, &str) == 0 &&
	    cedar_get_bytes(s, big, BIG) == 0 && cedar_recv_eom(s) == 0 &&
	    cedar_put_int(s, v + 1) == 0 && cedar_put_string(s,
	    res.user ? res.user : "-") == 0 && cedar_put_bytes(s, big,
	    BIG) == 0 && cedar_send_eom(s) == 0)
		rc = 0;
	free(str);
	free(big);
	cedar_server_result_clear(&res);
	cedar_stream_free(s);
	_exit(rc);
}

/* Run one client handshake against a child server with CONF. */
static enum cedar_err
run(const struct cedar_server_conf *conf, const struct cedar_auth *auth,
    struct cedar_session *sess, char *err, size_t errlen, int echo)
{
	struct cedar_stream	*s;
	unsigned char		*big, *back;
	enum cedar_err		 e;
	char			*str = NULL;
	int64_t			 v = 0;
	int			 sv[2], st, i, ok;
	pid_t			 pid;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return CEDAR_ERR_INTERNAL;
	if ((pid = fork()) == 0) {
		close(sv[0]);
		serve(sv[1], conf);
	}
	close(sv[1]);
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_timeout(s, 1000);
	e = cedar_client_handshake(s, auth, sess);
	snprintf(err, errlen, "%s", cedar_error(s));
	if (e == CEDAR_OK && echo) {
		big = malloc(BIG);
		back = malloc(BIG);
		for (i = 0; i < BIG; i++)
			big[i] = (unsigned char)(i * 7);
		ok = cedar_put_int(s, 41) == 0 &&
		    cedar_put_string(s, "hello") == 0 &&
		    cedar_put_bytes(s, big, BIG) == 0 &&
		    cedar_send_eom(s) == 0 && cedar_get_int(s, &v) == 0 &&
		    cedar_get_string(s, &str) == 0 &&
		    cedar_get_bytes(s, back, BIG) == 0 &&
		    cedar_recv_eom(s) == 0;
		tap_ok(ok && v == 42 && memcmp(big, back, BIG) == 0,
		    "a %d-byte message both ways, sealed in 4091-byte packets "
		    "(%s)", BIG, cedar_error(s));
		tap_ok(str != NULL && sess->user != NULL &&
		    strcmp(str, sess->authenticated ? sess->user : "-") == 0,
		    "the server saw the same identity");
		free(str);
		free(big);
		free(back);
	}
	cedar_stream_free(s);
	waitpid(pid, &st, 0);
	return e;
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
}

int
main(void)
{
	struct cedar_server_conf c;
	struct cedar_auth	 a;
	struct cedar_session	 sess;
	struct buf		 key = BUF_INIT;
	enum cedar_err		 e;
	char			 cdir[4096], err[256], *tok;
	cJSON			*kdf;
	unsigned char		 other[128];

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
	alice_token = strdup(tl_jstr(kdf, "token"));
	cJSON_Delete(kdf);
	buf_wipe(&key);

	memset(&a, 0, sizeof(a));
	a.command = 516;
	a.token = alice_token;
	base_conf(&c);
	memset(&sess, 0, sizeof(sess));
	e = run(&c, &a, &sess, err, sizeof(err), 1);
	tap_ok(e == CEDAR_OK, "the recorded token against our schedd side "
	    "(%s)", err);
	tap_ok(sess.user != NULL && strcmp(sess.user,
	    "alice@htcondor-ref.local") == 0 && sess.authenticated,
	    "mapped to the token's sub");
	cedar_session_clear(&sess);

	memset(other, 0x42, sizeof(other));
	c.signing_key = other;
	e = run(&c, &a, NULL, err, sizeof(err), 0);
	tap_ok(e == CEDAR_ERR_TOKEN && strstr(err, "another key"),
	    "signed with another key: %s", err);
	base_conf(&c);
	c.key_id = "OTHER";
	e = run(&c, &a, NULL, err, sizeof(err), 0);
	tap_ok(e == CEDAR_ERR_TOKEN && strstr(err, "rejected"),
	    "unknown kid: %s", err);

	base_conf(&c);
	tok = mint("POOL", "alice@htcondor-ref.local", 1000);
	a.token = tok;
	e = run(&c, &a, NULL, err, sizeof(err), 0);
	tap_ok(e == CEDAR_ERR_TOKEN && strstr(err, "expired"),
	    "expired token: %s", err);
	free(tok);
	tok = mint("POOL", "bob@htcondor-ref.local", 4000000000LL);
	a.token = tok;
	memset(&sess, 0, sizeof(sess));
	e = run(&c, &a, &sess, err, sizeof(err), 1);
	tap_ok(e == CEDAR_OK && strcmp(sess.user, "bob@htcondor-ref.local") ==
	    0, "a freshly minted token for bob (%s)", err);
	cedar_session_clear(&sess);
	free(tok);

	a.token = NULL;
	e = run(&c, &a, NULL, err, sizeof(err), 0);
	tap_ok(e == CEDAR_ERR_TOKEN,
	    "no token where authentication is required: %s", err);

	c.require_auth = 0;
	memset(&sess, 0, sizeof(sess));
	e = run(&c, &a, &sess, err, sizeof(err), 1);
	tap_ok(e == CEDAR_OK && !sess.authenticated && strcmp(sess.user,
	    "unauthenticated@unmapped") == 0, "anonymous READ (%s)", err);
	cedar_session_clear(&sess);

	base_conf(&c);
	a.token = alice_token;
	a.command = 12345;
	e = run(&c, &a, NULL, err, sizeof(err), 0);
	tap_ok(e == CEDAR_ERR_PROTOCOL,
	    "unknown command: %s", err);

	a.command = 478;
	c.authorize = deny_all;
	e = run(&c, &a, NULL, err, sizeof(err), 0);
	tap_ok(e == CEDAR_ERR_DENIED,
	    "DENIED: %s", err);

	free(alice_token);
	return tap_done();
}
