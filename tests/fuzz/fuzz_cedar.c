/*
 * fuzz_cedar.c — libFuzzer harness for what a hostile schedd (or a
 * hostile caller) controls in the cedar module.  The first byte picks the
 * target: packets and decoders, ClassAds, the whole client handshake
 * against the input as the schedd's bytes, the schedd side against the
 * input as a client's bytes, sinful strings, JWTs, base64.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/buf.h"
#include "cedar/cedar.h"
#include "cedar/server.h"
#include "classad/classad.h"

struct feed {
	const uint8_t	*p;
	size_t		 n, pos;
};

static ssize_t
feed_read(void *ctx, void *p, size_t n, int64_t deadline)
{
	struct feed	*f = ctx;

	(void)deadline;
	if (f->pos == f->n)
		return -2;	/* a silent peer */
	if (n > f->n - f->pos)
		n = f->n - f->pos;
	memcpy(p, f->p + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

static int
feed_write(void *ctx, const void *p, size_t n, int64_t deadline)
{
	(void)ctx;
	(void)p;
	(void)n;
	(void)deadline;
	return 0;
}

/* Deterministic "randomness" so crashes reproduce. */
static int
fixed_rand(void *arg, enum cedar_rand_use use, unsigned char *out, size_t n)
{
	(void)arg;
	memset(out, 0x5a + (int)use, n);
	return 0;
}

static const char token[] =
    "eyJhbGciOiJIUzI1NiIsImtpZCI6IlBPT0wifQ.eyJpYXQiOjE3OTU4MTg4OTQsImlzcyI6"
    "Imh0Y29uZG9yLXJlZi5sb2NhbCIsImp0aSI6Ijg3YTgyN2QxYjQ1NTcyNjA3MWY1YjdiMjQz"
    "MzdmMjIxIiwic3ViIjoiYWxpY2VAaHRjb25kb3ItcmVmLmxvY2FsIn0.E6YivfAT1bKlZkv3"
    "mMsEMgx_pKnRK6Difa4w9rxIuGE";

static void
decoders(struct cedar_stream *s)
{
	struct classad	*ad = NULL;
	int64_t		 v;
	double		 d;
	char		*str = NULL, b[16];
	int		 i;

	for (i = 0; i < 64 && cedar_status(s) == CEDAR_OK; i++) {
		switch (i % 7) {
		case 0:
			(void)cedar_get_int(s, &v);
			break;
		case 1:
			(void)cedar_get_string(s, &str);
			free(str);
			str = NULL;
			break;
		case 2:
			(void)cedar_get_classad(s, &ad);
			classad_free(ad);
			ad = NULL;
			break;
		case 3:
			(void)cedar_get_double(s, &d);
			break;
		case 4:
			(void)cedar_get_bytes(s, b, sizeof(b));
			break;
		case 5:
			if (cedar_peek_eom(s) == 1)
				(void)cedar_recv_eom(s);
			break;
		default:
			(void)cedar_get_classad_pod(s, &ad);
			classad_free(ad);
			ad = NULL;
			(void)cedar_recv_eom(s);
		}
	}
}

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char key[CEDAR_KEY_LEN] = { 7 };
	struct feed		 f;
	struct cedar_io		 io = { feed_read, feed_write, &f };
	struct cedar_rng	 rng = { fixed_rand, NULL };
	struct cedar_stream	*s;
	struct cedar_auth	 auth;
	struct cedar_session	 sess;
	struct cedar_server_conf conf;
	struct cedar_server_result res;
	struct cedar_sinful	 sn;
	struct cedar_jwt	 jwt;
	struct buf		 b = BUF_INIT;
	char			*text, err[256];

	if (size < 1)
		return 0;
	f.p = data + 1;
	f.n = size - 1;
	f.pos = 0;
	switch (data[0] % 7) {
	case 0:
	case 1:
		s = cedar_stream_new_io(&io, CEDAR_CLIENT);
		cedar_set_rng(s, &rng);
		cedar_set_max_message(s, 1 << 20);
		if (data[0] % 7 == 1)
			(void)cedar_install_key(s, key);
		decoders(s);
		cedar_stream_free(s);
		break;
	case 2:
		s = cedar_stream_new_io(&io, CEDAR_CLIENT);
		cedar_set_rng(s, &rng);
		cedar_set_max_message(s, 1 << 20);
		memset(&auth, 0, sizeof(auth));
		auth.command = 516;
		auth.token = token;
		if (cedar_client_handshake(s, &auth, &sess) == CEDAR_OK)
			cedar_session_clear(&sess);
		cedar_stream_free(s);
		break;
	case 6:
		s = cedar_stream_new_io(&io, CEDAR_SERVER);
		cedar_set_rng(s, &rng);
		cedar_set_max_message(s, 1 << 20);
		memset(&conf, 0, sizeof(conf));
		conf.signing_key = key;
		conf.signing_key_len = sizeof(key);
		conf.key_id = "POOL";
		conf.trust_domain = "example.com";
		conf.require_auth = 1;
		conf.now = 1800000000;
		(void)cedar_server_handshake(s, &conf, &res);
		cedar_server_result_clear(&res);
		cedar_stream_free(s);
		break;
	default:
		if ((text = malloc(f.n + 1)) == NULL)
			return 0;
		memcpy(text, f.p, f.n);
		text[f.n] = '\0';
		if (data[0] % 7 == 3 && cedar_sinful_parse(text, &sn, err,
		    sizeof(err)) == 0)
			cedar_sinful_clear(&sn);
		else if (data[0] % 7 == 4 && cedar_jwt_parse(text, &jwt, err,
		    sizeof(err)) == 0)
			cedar_jwt_clear(&jwt);
		else if (data[0] % 7 == 5) {
			(void)b64_decode(text, f.n, &b);
			buf_reset(&b);
			(void)b64url_decode(text, f.n, &b);
			(void)cedar_version_valid(text);
		}
		buf_free(&b);
		free(text);
	}
	return 0;
}
