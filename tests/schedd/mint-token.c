/*
 * mint-token.c — mint an IDTOKEN from a POOL signing key file the way
 * condor_token_create does (HTCondor's condor_auth_passwd.cpp), for tests.
 *
 *	mint-token -k KEY-FILE -s SUB [-i ISS] [-K KID] [-e EXP-OFFSET]
 *
 * EXP-OFFSET is seconds from now (negative: already expired); without
 * -e the token has no exp claim.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/base64.h"
#include "util/buf.h"
#include "cedar/cedar.h"

int
main(int argc, char **argv)
{
	struct buf	 key = BUF_INIT, hdr = BUF_INIT, pay = BUF_INIT;
	struct buf	 tok = BUF_INIT;
	unsigned char	 jkey[32], sig[32], rnd[16];
	const char	*keyfile = NULL, *sub = NULL, *iss = "test.local";
	const char	*kid = "POOL";
	char		 tmp[4096], jti[33];
	long		 exp = 0;
	int		 ch, fd, has_exp = 0, i;
	ssize_t		 n;

	while ((ch = getopt(argc, argv, "k:s:i:K:e:")) != -1) {
		switch (ch) {
		case 'k': keyfile = optarg; break;
		case 's': sub = optarg; break;
		case 'i': iss = optarg; break;
		case 'K': kid = optarg; break;
		case 'e': exp = atol(optarg); has_exp = 1; break;
		default: return 2;
		}
	}
	if (keyfile == NULL || sub == NULL ||
	    (fd = open(keyfile, O_RDONLY)) == -1) {
		fprintf(stderr, "usage: mint-token -k KEY -s SUB [-i ISS] "
		    "[-K KID] [-e EXP-OFFSET]\n");
		return 2;
	}
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		buf_add(&key, tmp, (size_t)n);
	close(fd);
	cedar_key_unscramble((unsigned char *)key.data, key.len);
	if (strcmp(kid, "POOL") == 0) {
		/* Doubled; copy first: the buffer may move as it grows. */
		struct buf copy = BUF_INIT;

		buf_add(&copy, key.data, key.len);
		buf_add(&key, copy.data, copy.len);
		buf_wipe(&copy);
	}
	cedar_jwt_key(key.data, key.len, jkey);
	fd = open("/dev/urandom", O_RDONLY);
	if (read(fd, rnd, sizeof(rnd)) != sizeof(rnd))
		return 1;
	close(fd);
	for (i = 0; i < 16; i++)
		snprintf(jti + 2 * i, 3, "%02x", rnd[i]);
	snprintf(tmp, sizeof(tmp), "{\"alg\":\"HS256\",\"kid\":\"%s\"}", kid);
	b64url_encode(tmp, strlen(tmp), &hdr);
	if (has_exp)
		snprintf(tmp, sizeof(tmp), "{\"exp\":%ld,\"iat\":%ld,"
		    "\"iss\":\"%s\",\"jti\":\"%s\",\"sub\":\"%s\"}",
		    (long)time(NULL) + exp, (long)time(NULL), iss, jti, sub);
	else
		snprintf(tmp, sizeof(tmp), "{\"iat\":%ld,\"iss\":\"%s\","
		    "\"jti\":\"%s\",\"sub\":\"%s\"}", (long)time(NULL), iss,
		    jti, sub);
	b64url_encode(tmp, strlen(tmp), &pay);
	buf_addf(&tok, "%s.%s", buf_str(&hdr), buf_str(&pay));
	cedar_hmac_sha256(jkey, sizeof(jkey), tok.data, tok.len, sig);
	buf_addc(&tok, '.');
	b64url_encode(sig, sizeof(sig), &tok);
	printf("%s\n", buf_str(&tok));
	buf_wipe(&key);
	buf_free(&hdr);
	buf_free(&pay);
	buf_free(&tok);
	return 0;
}
