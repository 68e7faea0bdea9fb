/*
 * test_cedar.c — unit tests of the cedar module without recorded sessions:
 * the primitive encodings, framing and its limits, the test vectors
 * computed independently (HKDF, the TOKEN keys, AES-GCM), base64, version
 * strings, sinful strings, address files, deadlines on a real socket.
 */
#include <sys/socket.h>

#include <errno.h>
#include <math.h>
#include <unistd.h>

#include "tap.h"
#include "test_cedar_lib.h"
#include "cedar/cedar_int.h"
#include "classad/classad.h"
#include "util/bounds.h"
#include "version.h"

static int
eqhex(const void *p, size_t n, const char *hex)
{
	struct buf	 b = BUF_INIT;
	int		 eq;

	eq = tl_unhex(hex, &b) == 0 && b.len == n &&
	    memcmp(b.data, p, n) == 0;
	buf_free(&b);
	return eq;
}

static struct cedar_stream *
mem_stream(struct tl_mem *mem, const char *rdhex)
{
	struct cedar_io	 io = { tl_mem_read, tl_mem_write, NULL };

	memset(mem, 0, sizeof(*mem));
	if (rdhex != NULL)
		tl_unhex(rdhex, &mem->rd);
	io.ctx = mem;
	return cedar_stream_new_io(&io, CEDAR_CLIENT);
}

static void
mem_free(struct tl_mem *mem)
{
	buf_free(&mem->rd);
	buf_free(&mem->wr);
}

static void
test_encodings(void)
{
	struct tl_mem		 mem;
	struct cedar_stream	*s = mem_stream(&mem, NULL);
	static const unsigned char key[32] = { 1 };

	cedar_put_int(s, 60010);
	cedar_put_int(s, -1);
	cedar_put_string(s, "TOKEN");
	cedar_put_string(s, NULL);
	cedar_put_double(s, 1.5);
	cedar_send_eom(s);
	cedar_flush(s);
	tap_ok(eqhex(mem.wr.data, mem.wr.len, "0100000027"
	    "000000000000ea6a" "ffffffffffffffff" "544f4b454e00" "00"
	    "000000005fffffff" "0000000000000001"),
	    "int, -1, plaintext strings, double 1.5");
	cedar_send_eom(s);
	cedar_flush(s);
	tap_ok(mem.wr.len == 5 + 0x27, "an empty message sends nothing");
	cedar_stream_free(s);
	mem_free(&mem);

	/* Crypto-mode strings, seen through the codec directly. */
	{
		struct buf	 b = BUF_INIT;
		const char	*str;
		size_t		 len, pos = 0;
		int		 isnull;

		codec_put_string(&b, "TOKEN", 1);
		tap_ok(eqhex(b.data, b.len, "0000000000000006544f4b454e00"),
		    "crypto-mode string is length-prefixed");
		tap_ok(codec_get_string((unsigned char *)b.data, b.len, &pos,
		    1, &str, &len, &isnull) == 0 && len == 5 &&
		    strcmp(str, "TOKEN") == 0 && pos == b.len,
		    "crypto-mode string decodes");
		buf_reset(&b);
		tl_unhex("0000000000000006544f4b454e41", &b);
		pos = 0;
		tap_ok(codec_get_string((unsigned char *)b.data, b.len, &pos,
		    1, &str, &len, &isnull) == -1,
		    "crypto-mode string without its NUL is refused");
		buf_reset(&b);
		tl_unhex("0000000000000007544f4b454e00", &b);
		pos = 0;
		tap_ok(codec_get_string((unsigned char *)b.data, b.len, &pos,
		    1, &str, &len, &isnull) == -1,
		    "crypto-mode length beyond the message is refused");
		buf_reset(&b);
		tl_unhex("8000000000000000", &b);
		pos = 0;
		tap_ok(codec_get_string((unsigned char *)b.data, b.len, &pos,
		    1, &str, &len, &isnull) == -1,
		    "negative crypto-mode length is refused");
		buf_reset(&b);
		tl_unhex("0000000000000001ad", &b);
		pos = 0;
		tap_ok(codec_get_string((unsigned char *)b.data, b.len, &pos,
		    1, &str, &len, &isnull) == 0 && isnull && pos == 9,
		    "0xAD null marker (crypto mode)");
		buf_reset(&b);
		tl_unhex("ad41", &b);
		pos = 0;
		tap_ok(codec_get_string((unsigned char *)b.data, b.len, &pos,
		    0, &str, &len, &isnull) == 0 && isnull && pos == 1,
		    "0xAD null marker (plaintext)");
		buf_free(&b);
	}
	(void)key;
}

static void
test_receive(void)
{
	struct tl_mem		 mem;
	struct cedar_stream	*s;
	int64_t			 v;
	double			 d;
	char			*str = NULL;

	/* Two packets, end flags 0 and 1, one message. */
	s = mem_stream(&mem, "0000000004" "00000000" "0100000004" "0000002a"
	    "0100000006" "68656c6c6f00");
	tap_ok(cedar_get_int(s, &v) == 0 && v == 42,
	    "an int split over two packets");
	tap_ok(cedar_peek_eom(s) == 1 && cedar_recv_eom(s) == 0,
	    "message fully consumed");
	tap_ok(cedar_peek_eom(s) == 0 && cedar_get_string(s, &str) == 0 &&
	    strcmp(str, "hello") == 0, "next message: a string");
	free(str);
	tap_ok(cedar_recv_eom(s) == 0, "end of message");
	tap_ok(cedar_get_int(s, &v) == -1 &&
	    cedar_status(s) == CEDAR_ERR_CLOSED, "EOF at a boundary: closed");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0100000004" "00000000");
	tap_ok(cedar_get_int(s, &v) == -1 &&
	    cedar_status(s) == CEDAR_ERR_PROTOCOL,
	    "reading past the end of a message fails");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0100000010" "00000000000000010000000000000002");
	tap_ok(cedar_get_int(s, &v) == 0 && cedar_recv_eom(s) == -1 &&
	    cedar_status(s) == CEDAR_ERR_PROTOCOL,
	    "end of message with unread bytes fails");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0100000000");
	tap_ok(cedar_get_int(s, &v) == -1 && strstr(cedar_error(s),
	    "length"), "a zero-length packet is refused");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0b00000001" "00");
	tap_ok(cedar_get_int(s, &v) == -1 && strstr(cedar_error(s), "flag"),
	    "an end flag above 10 is refused");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0100100001");
	tap_ok(cedar_get_int(s, &v) == -1 && strstr(cedar_error(s),
	    "length"), "a packet above 1 MiB is refused");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0000000008" "0000000000000001" "01000000");
	tap_ok(cedar_get_int(s, &v) == -1 &&
	    cedar_status(s) == CEDAR_ERR_PROTOCOL,
	    "EOF inside a packet is a protocol error");
	cedar_stream_free(s);
	mem_free(&mem);

	/* A message cap: 3 packets of 8 bytes against a 16-byte cap. */
	s = mem_stream(&mem, "0000000008" "0000000000000001" "0000000008"
	    "0000000000000002" "0100000008" "0000000000000003");
	cedar_set_max_message(s, 16);
	tap_ok(cedar_get_int(s, &v) == -1 && strstr(cedar_error(s),
	    "exceeds"), "a message over the cap is refused");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0100000010" "000000005fffffff0000000000000001");
	tap_ok(cedar_get_double(s, &d) == 0 && d > 1.4999999 &&
	    d < 1.5000001, "double 1.5 decodes");
	cedar_stream_free(s);
	mem_free(&mem);

	s = mem_stream(&mem, "0100000008" "0000000000000005");
	tap_ok(cedar_get_int_range(s, 0, 4, &v) == -1,
	    "an int out of the caller's range is refused");
	cedar_stream_free(s);
	mem_free(&mem);
}

/* Sending: a small packet size splits a message; the end flag is on the
 * last packet only. */
static void
test_send_split(void)
{
	struct tl_mem		 mem;
	struct cedar_stream	*s = mem_stream(&mem, NULL);

	cedar_set_packet_size(s, 5);
	cedar_put_bytes(s, "abcdefghijkl", 12);
	cedar_send_eom(s);
	tap_ok(mem.wr.len == 0, "packets are queued, not written, at "
	    "end of message");
	cedar_flush(s);
	tap_ok(eqhex(mem.wr.data, mem.wr.len, "00000000056162636465"
	    "0000000005666768696a" "01000000026b6c"),
	    "a 12-byte message in packets of 5");
	cedar_stream_free(s);
	mem_free(&mem);
}

/* The AES-GCM vector with the primitives, and a sealed round trip through two
 * streams wired back to back. */
static void
test_aes(void)
{
	unsigned char	 key[32], base[16], iv[16], aad[69], ct[5], tag[16];
	unsigned char	 pt[5];

	tl_unhex_n("516260dd16a8b5fd0606569ef4c696e5b80f6e6eb753dab69286c7c6"
	    "01b82555", key, 32);
	tl_unhex_n("fffffffe00112233445566778899aabb", base, 16);
	cedar_iv_at(base, 1, iv);
	tap_ok(eqhex(iv, 16, "ffffffff00112233445566778899aabb"), "IV(1)");
	cedar_iv_at(base, 2, iv);
	tap_ok(eqhex(iv, 16, "0000000000112233445566778899aabb"),
	    "IV(2) wraps");
	cedar_sha256("sent", 4, aad);
	cedar_sha256("recv", 4, aad + 32);
	tl_unhex_n("0100000025", aad + 64, 5);
	cedar_gcm_seal(key, base, aad, 69, "hello", 5, ct, tag);
	tap_ok(eqhex(ct, 5, "f3df12f46c") && eqhex(tag, 16,
	    "2171449e87481f373553c1cbd5fe116c"), "AES-GCM packet 0");
	cedar_iv_at(base, 1, iv);
	tl_unhex_n("0100000015", aad, 5);
	cedar_gcm_seal(key, iv, aad, 5, "hello", 5, ct, tag);
	tap_ok(eqhex(ct, 5, "3bf5aec82c") && eqhex(tag, 16,
	    "a7bc07c5897ca90a4b93e20943951942"), "AES-GCM packet 1");
	tap_ok(cedar_gcm_open(key, iv, aad, 5, ct, 5, pt, tag) == 0 &&
	    memcmp(pt, "hello", 5) == 0, "opens");
	tag[0] ^= 1;
	tap_ok(cedar_gcm_open(key, iv, aad, 5, ct, 5, pt, tag) == -1,
	    "a flipped tag bit fails");
}

static void
test_vectors(void)
{
	unsigned char	 secret[32], key[32], k[32], ra[256], rb[256], h[20];
	struct cedar_jwt jwt;
	struct buf	 tok = BUF_INIT, sig = BUF_INIT;
	char		 err[128];

	memset(secret, 0x11, sizeof(secret));
	tap_ok(cedar_session_key(secret, key) == 0 && eqhex(key, 32,
	    "516260dd16a8b5fd0606569ef4c696e5b80f6e6eb753dab69286c7c601b82555"),
	    "HKDF vector");
	{
		unsigned char	 pool[128], jk[32];
		size_t		 i;

		for (i = 0; i < 64; i++)
			pool[i] = pool[i + 64] = (unsigned char)i;
		tap_ok(cedar_jwt_key(pool, 128, jk) == 0 && eqhex(jk, 32,
		    "103ee5562471b941454e2c67bd4f58870bc1acd1908fd846c2fc4717"
		    "11b4d39d"), "TOKEN vector: jwt_key");
		cedar_key_unscramble(pool, 8);
		tap_ok(eqhex(pool, 8, "deacbcecdaa8b8e8"),
		    "TOKEN vector: scrambled POOL file");
	}
	buf_adds(&tok, "eyJhbGciOiJIUzI1NiIsImtpZCI6IlBPT0wifQ.eyJleHAiOjE5MDAw"
	    "MDAwMDAsImlhdCI6MTcwMDAwMDAwMCwiaXNzIjoiZXhhbXBsZS5jb20iLCJqdGki"
	    "OiIwMTIzNDU2Nzg5YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZiIsInN1YiI6ImFsaWNl"
	    "QGV4YW1wbGUuY29tIn0.");
	tl_unhex("e185f81745d8605671b49842bc535631b8dae8d200a857da3fa15909b107"
	    "ae4f", &sig);
	b64url_encode(sig.data, sig.len, &tok);
	if (tap_ok(cedar_jwt_parse(tok.data, &jwt, err, sizeof(err)) == 0,
	    "TOKEN vector: token parses")) {
		tap_ok(jwt.has_exp && jwt.exp == 1900000000 && jwt.has_iat &&
		    jwt.iat == 1700000000 && strcmp(jwt.sub,
		    "alice@example.com") == 0 && strcmp(jwt.iss,
		    "example.com") == 0 && strcmp(jwt.jti,
		    "0123456789abcdef0123456789abcdef") == 0,
		    "claims exp, iat, sub, iss, jti");
		tap_ok(cedar_token_k(&jwt, k) == 0 && eqhex(k, 32,
		    "7fb0b9fd0732afdc92eb61b76525420887b15ae7abc8e46be508b43c"
		    "86229e78"), "TOKEN vector: K");
		memset(ra, 1, sizeof(ra));
		memset(rb, 2, sizeof(rb));
		tap_ok(cedar_token_hkt(k, "alice@example.com",
		    "condor@password", ra, rb, h) == 0 && eqhex(h, 20,
		    "5299be7669cedf929631c3548506aac901ac27c0"), "TOKEN hkt");
		tap_ok(cedar_token_hk(k, "alice@example.com", rb, h) == 0 &&
		    eqhex(h, 20, "f5015e43af740fd8bd873cb95d6b20e12ba94a1e"),
		    "TOKEN vector: hk");
		cedar_jwt_clear(&jwt);
	}
	tap_ok(cedar_jwt_parse("a.b", &jwt, err, sizeof(err)) == -1,
	    "two-part token refused");
	tap_ok(cedar_jwt_parse("e30.e30.AAAA", &jwt, err, sizeof(err)) == -1,
	    "short signature refused");
	tap_ok(cedar_jwt_parse("e30.e30.e30.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	    "AAAAAAAAAA", &jwt, err, sizeof(err)) == -1,
	    "four-part token refused");
	buf_wipe(&tok);
	buf_free(&sig);
}

static void
test_b64(void)
{
	struct buf	 b = BUF_INIT;

	b64_encode("ab", 2, &b);
	tap_ok(strcmp(buf_str(&b), "YWI=") == 0, "base64 with padding");
	buf_reset(&b);
	b64url_encode("\xfb\xff", 2, &b);
	tap_ok(strcmp(buf_str(&b), "-_8") == 0, "base64url, no padding");
	buf_reset(&b);
	tap_ok(b64_decode("YWI=", 4, &b) == 0 && b.len == 2 &&
	    memcmp(b.data, "ab", 2) == 0, "base64 decodes");
	buf_reset(&b);
	tap_ok(b64_decode("YWJ=", 4, &b) == -1,
	    "non-canonical trailing bits refused");
	buf_reset(&b);
	tap_ok(b64_decode("YWI", 3, &b) == -1,
	    "missing padding refused");
	buf_reset(&b);
	tap_ok(b64url_decode("YWI=", 4, &b) == -1,
	    "padding refused in base64url");
	buf_reset(&b);
	tap_ok(b64_decode("Y\nWI", 4, &b) == -1, "newline refused");
	buf_free(&b);
}

static void
test_version(void)
{
	tap_ok(cedar_version_valid(cedar_version_string()),
	    "our version string is well formed: %s", cedar_version_string());
	tap_ok(strstr(cedar_version_string(), HTCONDOR_VERSION) != NULL,
	    "it claims HTCONDOR_VERSION");
	tap_ok(cedar_version_valid("$CondorVersion: 25.14.0 2026-11-27 "
	    "BuildID: PYCEDAR $"), "the reference client's is too");
	tap_ok(!cedar_version_valid("$CondorVersion: 25.14.0 2026-11-27 "
	    "BuildID: BAD"), "no trailing \" $\": refused");
	tap_ok(!cedar_version_valid("$CondorVersion: 25.14.0 $"),
	    "no token after the version: refused");
	tap_ok(!cedar_version_valid("$CondorVersion: 5.14.0 x $"),
	    "major below 6: refused");
	tap_ok(!cedar_version_valid("$CondorVersion: 25.140.0 x $"),
	    "minor above 99: refused");
	tap_ok(!cedar_version_valid("$CondorVersion: 25.14 x y $"),
	    "two components: refused");
	tap_ok(!cedar_version_valid("$CondorVersion: 25.14.0 \"x\" $"),
	    "a quote: refused");
}

static void
test_sinful(void)
{
	struct cedar_sinful	 sn;
	char			 err[256];
	struct buf		 b = BUF_INIT;
	char			 path[] = "/tmp/cedar_addr_XXXXXX";
	int			 fd;

	tap_ok(cedar_sinful_parse("<127.0.0.1:9618?addrs=127.0.0.1-9618&alias"
	    "=127-0-0-1.htcondor-ref.local&noUDP&sock=schedd_22774_f659>", &sn,
	    err, sizeof(err)) == 0 && strcmp(sn.host, "127.0.0.1") == 0 &&
	    strcmp(sn.port, "9618") == 0 && strcmp(sn.sock,
	    "schedd_22774_f659") == 0 && strcmp(sn.alias,
	    "127-0-0-1.htcondor-ref.local") == 0 && strcmp(sn.addrs,
	    "127.0.0.1-9618") == 0 && !sn.ccb, "verified sinful string");
	cedar_sinful_clear(&sn);
	tap_ok(cedar_sinful_parse("<[::1]:9618?sock=collector>", &sn, err,
	    sizeof(err)) == 0 && strcmp(sn.host, "::1") == 0 &&
	    strcmp(sn.sock, "collector") == 0, "IPv6 host");
	cedar_sinful_clear(&sn);
	tap_ok(cedar_sinful_parse("<h.example.com:1?sock=a%2Db;CCBID=1>", &sn,
	    err, sizeof(err)) == 0 && strcmp(sn.sock, "a-b") == 0 && sn.ccb,
	    "%%XX, ';' separator, CCBID");
	cedar_sinful_clear(&sn);
	tap_ok(cedar_sinful_parse("<h:9618?sock=../x/y>", &sn, err,
	    sizeof(err)) == -1, "a shared-port id with '/' is refused");
	tap_ok(cedar_sinful_parse("<h:99999>", &sn, err, sizeof(err)) == -1,
	    "port out of range");
	tap_ok(cedar_sinful_parse("h:9618", &sn, err, sizeof(err)) == -1,
	    "no angle brackets");
	tap_ok(cedar_sinful_parse("<h:96x18>", &sn, err, sizeof(err)) == -1,
	    "junk in the port");
	tap_ok(cedar_sinful_parse("<h:9618?sock=a%0>", &sn, err,
	    sizeof(err)) == -1, "truncated %%XX");

	if ((fd = mkstemp(path)) != -1) {
		const char *t = "<127.0.0.1:9618?sock=schedd_1_ab>\n$CondorVersio"
		    "n: 25.14.0 x $\n$CondorPlatform: x $\nName = \"s\"\n";

		tap_ok(write(fd, t, strlen(t)) == (ssize_t)strlen(t),
		    "address file written");
		close(fd);
		tap_ok(cedar_address_file_read(path, &b, err, sizeof(err)) ==
		    0 && strcmp(buf_str(&b), "<127.0.0.1:9618?sock=schedd_1_ab>")
		    == 0, "address file line 1");
		unlink(path);
	}
	tap_ok(cedar_address_file_read("/nonexistent/x", &b, err,
	    sizeof(err)) == -1, "missing address file");
	buf_free(&b);
}

/* Real descriptors: a deadline on a silent peer, EOF, and connecting to a
 * closed port. */
static void
test_socket(void)
{
	struct cedar_stream	*s;
	int			 sv[2], fd;
	int64_t			 t0, v;
	char			 err[256];
	enum cedar_err		 e;

	if (!tap_ok(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0,
	    "socketpair"))
		return;
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_timeout(s, 100);
	t0 = cedar_now_ms();
	tap_ok(cedar_get_int(s, &v) == -1 &&
	    cedar_status(s) == CEDAR_ERR_TIMEOUT &&
	    cedar_now_ms() - t0 >= 90 && cedar_now_ms() - t0 < 2000,
	    "a silent peer times out after 100 ms");
	cedar_stream_free(s);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	cedar_set_deadline(s, cedar_now_ms() + 50);
	t0 = cedar_now_ms();
	tap_ok(cedar_get_int(s, &v) == -1 &&
	    cedar_status(s) == CEDAR_ERR_TIMEOUT && cedar_now_ms() - t0 <
	    1000, "the overall deadline caps the step timeout");
	cedar_stream_free(s);
	close(sv[1]);

	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	s = cedar_stream_new(sv[0], CEDAR_CLIENT);
	close(sv[1]);
	tap_ok(cedar_put_int(s, 1) == 0 && cedar_send_eom(s) == 0 &&
	    cedar_flush(s) == -1 && cedar_status(s) == CEDAR_ERR_CLOSED,
	    "writing to a closed peer fails without SIGPIPE");
	cedar_stream_free(s);

	e = cedar_tcp_connect("127.0.0.1", "1", 1000, &fd, err, sizeof(err));
	tap_ok(e == CEDAR_ERR_UNREACHABLE && fd == -1,
	    "connect to a closed port: %s", err);
	e = cedar_tcp_connect("host.invalid", "9618", 1000, &fd, err,
	    sizeof(err));
	tap_ok(e == CEDAR_ERR_UNREACHABLE, "unresolvable host: %s", err);
	{
		struct cedar_stream	*cs;

		e = cedar_connect("<127.0.0.1:1?sock=schedd_1_ab>", 1000, &cs,
		    err, sizeof(err));
		tap_ok(e == CEDAR_ERR_UNREACHABLE && cs == NULL,
		    "cedar_connect to nothing: 503");
		e = cedar_connect("<h:9618?CCBID=1>", 1000, &cs, err,
		    sizeof(err));
		tap_ok(e == CEDAR_ERR_UNREACHABLE && strstr(err, "CCB"),
		    "CCB refused");
	}
}

/* ClassAds through a pair of streams in plaintext and encrypted. */
static void
test_classad_wire(void)
{
	struct tl_mem		 mem;
	struct cedar_stream	*s = mem_stream(&mem, NULL), *r;
	struct classad		*ad = classad_new(), *got = NULL;
	const char		*str;
	int64_t			 v;
	char			 err[128];

	classad_insert_int(ad, "Command", 516);
	classad_insert_string(ad, "Owner", "al\"ice");
	classad_insert_expr(ad, "Requirements", "JobStatus == 2", err,
	    sizeof(err));
	cedar_put_classad(s, ad);
	cedar_send_eom(s);
	cedar_flush(s);
	tap_ok(strstr(mem.wr.data + 5 + 8, "Command = 516") != NULL &&
	    mem.wr.data[mem.wr.len - 1] == 0 &&
	    mem.wr.data[mem.wr.len - 2] == 0, "ad: lines then two empty "
	    "strings");
	{
		struct cedar_io io = { tl_mem_read, tl_mem_write, NULL };
		struct tl_mem	 m1;

		memset(&m1, 0, sizeof(m1));
		buf_add(&m1.rd, mem.wr.data, mem.wr.len);
		io.ctx = &m1;
		r = cedar_stream_new_io(&io, CEDAR_CLIENT);
		tap_ok(cedar_get_classad(r, &got) == 0 &&
		    cedar_recv_eom(r) == 0 &&
		    classad_lookup_int(got, "Command", &v) == 0 && v == 516 &&
		    classad_lookup_string(got, "Owner", &str) == 0 &&
		    strcmp(str, "al\"ice") == 0 &&
		    classad_lookup(got, "Requirements") != NULL,
		    "ad round trip");
		mem_free(&m1);
	}
	classad_free(got);
	cedar_stream_free(r);
	cedar_stream_free(s);
	classad_free(ad);
	mem_free(&mem);

	/* ZKM pair, duplicate (last wins), POD refusals. */
	s = mem_stream(&mem, NULL);
	cedar_put_int(s, 3);
	cedar_put_string(s, "A = 1");
	cedar_put_string(s, "ZKM");
	cedar_put_string(s, "ClaimId = \"secret\"");
	cedar_put_string(s, "a = 2");
	cedar_put_string(s, "");
	cedar_put_string(s, "");
	cedar_send_eom(s);
	cedar_flush(s);
	{
		struct cedar_io io = { tl_mem_read, tl_mem_write, NULL };
		struct tl_mem	 m2;

		memset(&m2, 0, sizeof(m2));
		buf_add(&m2.rd, mem.wr.data, mem.wr.len);
		buf_add(&m2.rd, mem.wr.data, mem.wr.len);
		io.ctx = &m2;
		r = cedar_stream_new_io(&io, CEDAR_CLIENT);
		tap_ok(cedar_get_classad(r, &got) == 0 &&
		    cedar_recv_eom(r) == 0 &&
		    classad_lookup_int(got, "A", &v) == 0 && v == 2 &&
		    classad_lookup_string(got, "ClaimId", &str) == 0 &&
		    strcmp(str, "secret") == 0,
		    "ZKM pair read, duplicate name: last wins");
		classad_free(got);
		got = NULL;
		tap_ok(cedar_get_classad_pod(r, &got) == -1 && got == NULL &&
		    cedar_status(r) == CEDAR_ERR_PROTOCOL,
		    "the handshake reader refuses ZKM");
		cedar_stream_free(r);
		mem_free(&m2);
	}
	cedar_stream_free(s);
	mem_free(&mem);
}

int
main(void)
{
	test_encodings();
	test_receive();
	test_send_split();
	test_aes();
	test_vectors();
	test_b64();
	test_version();
	test_sinful();
	test_socket();
	test_classad_wire();
	return tap_done();
}
