/*
 * slow-act.c — an ACT_ON_JOBS client that waits before it confirms, for
 * the test that a schedd keeps serving while a client holds an action
 * open (the demo schedd must hold no lock across that wait).
 *
 *	slow-act ADDRESS-FILE TOKEN-FILE ACTION IDS SECONDS
 *
 * ACTION is 1 (hold), 2 (release) or 3 (remove).  Prints "result N" (the
 * ActionResult) once the result ad came, then after SECONDS confirms and
 * prints "committed N".  Exits 0, or prints why and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "cedar/cedar.h"
#include "classad/classad.h"

int
main(int argc, char **argv)
{
	struct cedar_stream	*s;
	struct cedar_auth	 auth;
	struct classad		*req, *res = NULL;
	struct buf		 addr = BUF_INIT, tok = BUF_INIT;
	char			 err[512] = "";
	int64_t			 ok = 0, v = 0;

	if (argc != 6) {
		fprintf(stderr, "usage: slow-act ADDRFILE TOKENFILE ACTION "
		    "IDS SECONDS\n");
		return 2;
	}
	if (cedar_address_file_read(argv[1], &addr, err, sizeof(err)) == -1 ||
	    file_read_capped(argv[2], 0, &tok, err, sizeof(err)) == -1) {
		fprintf(stderr, "slow-act: %s\n", err);
		return 1;
	}
	while (tok.len > 0 && (tok.data[tok.len - 1] == '\n' ||
	    tok.data[tok.len - 1] == '\r'))
		tok.data[--tok.len] = '\0';
	if (cedar_connect(buf_str(&addr), 10000, &s, err,
	    sizeof(err)) != CEDAR_OK) {
		fprintf(stderr, "slow-act: %s\n", err);
		return 1;
	}
	cedar_set_timeout(s, 30000);
	memset(&auth, 0, sizeof(auth));
	auth.command = CEDAR_ACT_ON_JOBS;
	auth.token = buf_str(&tok);
	if (cedar_client_handshake(s, &auth, NULL) != CEDAR_OK)
		goto fail;
	if ((req = classad_new()) == NULL)
		return 1;
	classad_insert_int(req, "JobAction", atoi(argv[3]));
	classad_insert_int(req, "ActionResultType", 2);
	classad_insert_string(req, "ActionIds", argv[4]);
	if (cedar_put_classad(s, req) == -1 || cedar_send_eom(s) == -1 ||
	    cedar_recv_message(s) == -1 || cedar_get_classad(s, &res) == -1 ||
	    cedar_recv_eom(s) == -1)
		goto fail;
	classad_lookup_int(res, "ActionResult", &ok);
	printf("result %lld\n", (long long)ok);
	fflush(stdout);
	sleep((unsigned)atoi(argv[5]));
	if (cedar_put_int(s, 1) == -1 || cedar_send_eom(s) == -1 ||
	    cedar_get_int(s, &v) == -1 || cedar_recv_eom(s) == -1)
		goto fail;
	printf("committed %lld\n", (long long)v);
	/* Flushed and freed before exit: LeakSanitizer's exit would drop
	 * a buffered line. */
	fflush(stdout);
	classad_free(req);
	classad_free(res);
	cedar_stream_free(s);
	buf_free(&addr);
	buf_free(&tok);
	return 0;
fail:
	fprintf(stderr, "slow-act: %s\n", cedar_error(s));
	return 1;
}
