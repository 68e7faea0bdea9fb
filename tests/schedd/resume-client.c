/*
 * resume-client.c — one QUERY_JOB_ADS on a new or a resumed session,
 * with CEDAR alone (no session cache of the API's), for tests of a
 * schedd's side of session resumption (the test schedd, the demo, a real
 * one through its shared port).
 *
 *	resume-client ADDRESS-FILE TOKEN-FILE SESSION-FILE new
 *	resume-client ADDRESS-FILE TOKEN-FILE SESSION-FILE resume
 *
 * new runs a full handshake, queries, and writes the session's Sid and
 * key to SESSION-FILE (mode 0600); resume resumes that session on a new
 * connection and queries.  Prints "new SID N" or "resumed SID N" (N job
 * ads received) and exits 0; or prints "error NAME: REASON" (NAME as
 * cedar_err_name) and exits 1.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "util/hex.h"
#include "cedar/cedar.h"
#include "classad/classad.h"

static int __attribute__((noreturn))
fail(enum cedar_err e, const char *why)
{
	printf("error %s: %s\n", cedar_err_name(e), why);
	exit(1);
}

/* A stream to the schedd of ADDRFILE (through its shared port if it
 * names one). */
static struct cedar_stream *
connect_schedd(const char *addrfile)
{
	struct cedar_stream	*s = NULL;
	struct buf		 line = BUF_INIT;
	char			 err[256];
	enum cedar_err		 e;

	if (cedar_address_file_read(addrfile, &line, err, sizeof(err)) == -1)
		fail(CEDAR_ERR_UNREACHABLE, err);
	if ((e = cedar_connect(buf_str(&line), 5000, &s, err,
	    sizeof(err))) != CEDAR_OK)
		fail(e, err);
	buf_free(&line);
	cedar_set_timeout(s, 5000);
	return s;
}

/* Every job's ClusterId, then the summary ad: the number of job ads. */
static long
query(struct cedar_stream *s)
{
	struct classad	*ad = classad_new();
	const char	*type;
	long		 n = 0;
	char		 err[64];

	if (classad_insert_wire(ad, "Requirements = true", err,
	    sizeof(err)) == -1 ||
	    classad_insert_string(ad, "Projection", "ClusterId") == -1 ||
	    cedar_put_classad(s, ad) == -1 || cedar_send_eom(s) == -1)
		fail(cedar_status(s), cedar_error(s));
	classad_free(ad);
	for (;;) {
		if (cedar_get_classad(s, &ad) == -1 ||
		    cedar_recv_eom(s) == -1)
			fail(cedar_status(s), cedar_error(s));
		if (classad_lookup_string(ad, "MyType", &type) == 0 &&
		    strcmp(type, "Summary") == 0)
			break;
		classad_free(ad);
		n++;
	}
	classad_free(ad);
	return n;
}

int
main(int argc, char **argv)
{
	struct cedar_stream	*s;
	struct cedar_session	 sess;
	struct cedar_auth	 a;
	struct buf		 token = BUF_INIT, kept = BUF_INIT,
				 key = BUF_INIT;
	char			 err[256], *nl;
	unsigned char		 k[CEDAR_KEY_LEN];
	size_t			 i;
	long			 n;
	int			 fd;

	if (argc != 5)
		fail(CEDAR_ERR_INTERNAL, "usage: resume-client ADDRESS-FILE "
		    "TOKEN-FILE SESSION-FILE new|resume");
	s = connect_schedd(argv[1]);
	if (strcmp(argv[4], "new") == 0) {
		if (file_read_capped(argv[2], 16384, &token, err,
		    sizeof(err)) == -1)
			fail(CEDAR_ERR_TOKEN, err);
		token.data[strcspn(buf_str(&token), "\r\n")] = '\0';
		memset(&a, 0, sizeof(a));
		a.command = CEDAR_QUERY_JOB_ADS;
		a.token = buf_str(&token);
		memset(&sess, 0, sizeof(sess));
		if (cedar_client_handshake(s, &a, &sess) != CEDAR_OK)
			fail(cedar_status(s), cedar_error(s));
		n = query(s);
		buf_addf(&kept, "%s\n", sess.sid);
		for (i = 0; i < CEDAR_KEY_LEN; i++)
			buf_addf(&kept, "%02x", sess.key[i]);
		buf_adds(&kept, "\n");
		if ((fd = open(argv[3], O_WRONLY | O_CREAT | O_TRUNC, 0600)) ==
		    -1 || file_write_all(fd, kept.data, kept.len) == -1 ||
		    close(fd) == -1)
			fail(CEDAR_ERR_INTERNAL, "cannot write the session file");
		printf("new %s %ld\n", sess.sid, n);
		cedar_session_clear(&sess);
	} else {
		if (file_read_capped(argv[3], 4096, &kept, err,
		    sizeof(err)) == -1 ||
		    (nl = strchr(buf_str(&kept), '\n')) == NULL)
			fail(CEDAR_ERR_INTERNAL, "no session file");
		*nl = '\0';
		if (hex_decode(nl + 1, strcspn(nl + 1, "\n"), &key) == -1 ||
		    key.len != CEDAR_KEY_LEN)
			fail(CEDAR_ERR_INTERNAL, "a bad key in the session file");
		memcpy(k, key.data, sizeof(k));
		if (cedar_client_resume(s, buf_str(&kept), k,
		    CEDAR_QUERY_JOB_ADS, NULL) != CEDAR_OK)
			fail(cedar_status(s), cedar_error(s));
		n = query(s);
		printf("resumed %s %ld\n", buf_str(&kept), n);
	}
	cedar_stream_free(s);
	buf_wipe(&token);
	buf_wipe(&kept);
	buf_wipe(&key);
	return 0;
}
