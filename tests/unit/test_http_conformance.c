/*
 * test_http_conformance.c — every case of the HTTP conformance folder,
 * sent to the real binary over a socket the way the folder's README
 * describes (write the request, half-close, read until the server
 * closes), must get one of the statuses its .status file allows.  Every
 * case must be read: one that cannot be is a failure, not a skip.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/file.h"
#include "tap.h"

/* Read all of PATH into B.  0 or -1. */
static int
slurp(const char *path, struct buf *b)
{
	char	 err[256];

	return file_read_capped(path, 0, b, err, sizeof(err));
}

/* Send REQ to a fresh server process and return the status code of its
 * answer, 0 when it closed without answering, -1 on a broken answer. */
static int
exchange(const char *bin, const struct buf *req, struct buf *resp)
{
	struct pollfd	 pfd;
	char		 tmp[8192];
	size_t		 off = 0;
	ssize_t		 n;
	pid_t		 pid;
	int		 sv[2], status = -1;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == -1)
		return -1;
	if ((pid = fork()) == 0) {
		dup2(sv[0], 0);
		dup2(sv[0], 1);
		close(sv[0]);
		close(sv[1]);
		execl(bin, bin, "--allow-root", "--read-timeout", "2",
		    (char *)NULL);
		_exit(127);
	}
	close(sv[0]);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	buf_reset(resp);
	/* Write the request while reading, so a server that answers early
	 * and stops reading cannot deadlock us. */
	for (;;) {
		pfd.fd = sv[1];
		pfd.events = POLLIN | (off < req->len ? POLLOUT : 0);
		if (poll(&pfd, 1, 5000) <= 0)
			break;
		if ((pfd.revents & POLLOUT) && off < req->len) {
			n = write(sv[1], req->data + off, req->len - off);
			if (n > 0 && (off += (size_t)n) == req->len)
				shutdown(sv[1], SHUT_WR);
			if (n < 0)
				off = req->len;	/* the server stopped reading */
		}
		if (pfd.revents & (POLLIN | POLLHUP)) {
			n = read(sv[1], tmp, sizeof(tmp));
			if (n <= 0)
				break;
			buf_add(resp, tmp, (size_t)n);
		}
	}
	close(sv[1]);
	waitpid(pid, NULL, 0);
	if (resp->len == 0)
		return 0;
	if (strncmp(buf_str(resp), "HTTP/1.1 ", 9) == 0 && resp->len >= 12)
		status = atoi(resp->data + 9);
	return status;
}

int
main(void)
{
	struct buf	 req = BUF_INIT, resp = BUF_INIT, want = BUF_INIT;
	const char	*bin = getenv("HTCONDOR_API_BIN");
	char		 dir[4096], path[4400], code[16];
	struct dirent	**names;
	int		 n, i, got, ok, cases = 0, statuses = 0, read = 0;
	char		*tok, *save;

	snprintf(dir, sizeof(dir), "%s/http", tap_conformance_dir());
	if (bin == NULL)
		bin = "./htcondor-api";
	if ((n = scandir(dir, &names, NULL, alphasort)) < 0) {
		tap_ok(0, "conformance folder %s is readable", dir);
		return tap_done();
	}
	for (i = 0; i < n; i++) {
		size_t len = strlen(names[i]->d_name);

		if (len >= 8 &&
		    strcmp(names[i]->d_name + len - 7, ".status") == 0)
			statuses++;
		if (len < 5 || strcmp(names[i]->d_name + len - 4, ".req") != 0)
			continue;
		cases++;
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (slurp(path, &req) == -1) {
			tap_ok(0, "http conformance: %s is readable", path);
			continue;
		}
		memcpy(path + strlen(path) - 4, ".status", 8);
		if (slurp(path, &want) == -1 || want.len == 0) {
			tap_ok(0, "http conformance: %s is readable", path);
			continue;
		}
		read++;
		got = exchange(bin, &req, &resp);
		snprintf(code, sizeof(code), "%d", got);
		ok = 0;
		for (tok = strtok_r(want.data, " \n", &save); tok != NULL;
		    tok = strtok_r(NULL, " \n", &save))
			if (strcmp(tok, code) == 0 ||
			    (got == 0 && strcmp(tok, "none") == 0))
				ok = 1;
		tap_ok(ok, "http conformance: %.*s -> %d", (int)(len - 4),
		    names[i]->d_name, got);
	}
	/* A case that cannot be read must not vanish from the count. */
	tap_ok(cases > 0 && read == cases && statuses == cases,
	    "http conformance: all %d cases read (%d requests with a status "
	    "file, %d .status files)", cases, read, statuses);
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	buf_free(&req);
	buf_free(&resp);
	buf_free(&want);
	return tap_done();
}
