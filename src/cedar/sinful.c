/*
 * sinful.c — reaching a schedd (HTCondor's condor_sinful.cpp): sinful strings
 * "<host:port?key=value&...>", the first line of an address file, the
 * SHARED_PORT_CONNECT prologue, and a connect that does all of it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cedar/cedar_int.h"
#include "util/bounds.h"
#include "util/file.h"
#include "util/hex.h"

#define CLIENT_NAME		"TOOL htcondor-api"

void
cedar_sinful_clear(struct cedar_sinful *sn)
{
	free(sn->host);
	free(sn->port);
	free(sn->sock);
	free(sn->alias);
	free(sn->addrs);
	memset(sn, 0, sizeof(*sn));
}

static int
sinful_err(struct cedar_sinful *sn, char *err, size_t errlen, const char *msg)
{
	cedar_sinful_clear(sn);
	snprintf(err, errlen, "bad sinful string: %s", msg);
	return -1;
}

/* A shared-port id: [A-Za-z0-9._-], non-empty, shorter than 1024. */
static int
valid_sock_id(const char *id)
{
	size_t	 i, n = strlen(id);

	if (n == 0 || n >= CEDAR_NAME_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)id[i]) && id[i] != '.' &&
		    id[i] != '_' && id[i] != '-')
			return 0;
	return 1;
}

/* Store one key[=value] parameter we care about. */
static int
sinful_param(struct cedar_sinful *sn, const char *p, size_t n)
{
	const char	*eq = memchr(p, '=', n);
	size_t		 klen = eq ? (size_t)(eq - p) : n;
	char		**slot = NULL, *v;

	if (klen == 4 && strncmp(p, "sock", 4) == 0)
		slot = &sn->sock;
	else if (klen == 5 && strncmp(p, "alias", 5) == 0)
		slot = &sn->alias;
	else if (klen == 5 && strncmp(p, "addrs", 5) == 0)
		slot = &sn->addrs;
	else if (klen == 5 && strncmp(p, "CCBID", 5) == 0)
		sn->ccb = 1;
	if (slot == NULL)
		return 0;
	if (eq == NULL || *slot != NULL)
		return -1;
	if ((v = percent_decode(eq + 1, n - klen - 1)) == NULL)
		return -1;
	*slot = v;
	return 0;
}

/* The port: 1..65535 in decimal, no sign, no leading junk. */
static int
valid_port(const char *p, size_t n)
{
	long	 v = 0;
	size_t	 i;

	if (n == 0 || n > 5)
		return 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)p[i]))
			return 0;
		v = v * 10 + (p[i] - '0');
	}
	return v >= 1 && v <= 65535;
}

int
cedar_sinful_parse(const char *text, struct cedar_sinful *sn, char *err,
    size_t errlen)
{
	const char	*p, *end, *h, *hend, *q;
	size_t		 len, i;

	memset(sn, 0, sizeof(*sn));
	len = strnlen(text, SINFUL_MAX_LEN + 1);
	if (len > SINFUL_MAX_LEN || len < 3 || text[0] != '<' ||
	    text[len - 1] != '>')
		return sinful_err(sn, err, errlen, "not <...>");
	p = text + 1;
	end = text + len - 1;
	if (*p == '[') {
		h = p + 1;
		if ((hend = memchr(h, ']', (size_t)(end - h))) == NULL)
			return sinful_err(sn, err, errlen, "unclosed [");
		p = hend + 1;
	} else {
		h = p;
		while (p < end && *p != ':' && *p != '?')
			p++;
		hend = p;
	}
	if (hend == h)
		return sinful_err(sn, err, errlen, "no host");
	for (q = h; q < hend; q++)
		if (!isalnum((unsigned char)*q) && *q != '.' && *q != '-' &&
		    *q != ':' && *q != '_' && *q != '%')
			return sinful_err(sn, err, errlen, "bad host");
	if ((sn->host = strndup(h, (size_t)(hend - h))) == NULL)
		return sinful_err(sn, err, errlen, "out of memory");
	if (p < end && *p == ':') {
		q = ++p;
		while (p < end && *p != '?')
			p++;
		if (!valid_port(q, (size_t)(p - q)))
			return sinful_err(sn, err, errlen, "bad port");
		if ((sn->port = strndup(q, (size_t)(p - q))) == NULL)
			return sinful_err(sn, err, errlen, "out of memory");
	}
	if (p < end && *p != '?')
		return sinful_err(sn, err, errlen, "junk after the address");
	if (p < end)
		p++;
	while (p < end) {
		i = strcspn(p, "&;>");
		if (p + i > end)
			i = (size_t)(end - p);
		if (i > 0 && sinful_param(sn, p, i) == -1)
			return sinful_err(sn, err, errlen, "bad parameter");
		p += i;
		if (p < end)
			p++;
	}
	if (sn->sock != NULL && !valid_sock_id(sn->sock))
		return sinful_err(sn, err, errlen, "bad shared-port id");
	return 0;
}

/* Line 1 of the address file the schedd rewrites at start-up: its
 * sinful string.  The other lines (version, platform) are not needed. */
int
cedar_address_file_read(const char *path, struct buf *out, char *err,
    size_t errlen)
{
	struct buf	 text = BUF_INIT;
	const char	*data;
	size_t		 l;

	if (file_read_capped(path, ADDRESS_FILE_MAX, &text, err,
	    errlen) == -1)
		return -1;
	data = buf_str(&text);
	l = strcspn(data, "\r\n");
	if (l == 0 || data[0] != '<' || data[l - 1] != '>' ||
	    memchr(data, '\0', l) != NULL) {
		snprintf(err, errlen, "%s: line 1 is not a sinful string",
		    path);
		buf_free(&text);
		return -1;
	}
	buf_reset(out);
	if (buf_add(out, data, l) == -1) {
		snprintf(err, errlen, "out of memory");
		buf_free(&text);
		return -1;
	}
	buf_free(&text);
	return 0;
}

/* SHARED_PORT_CONNECT: the id, our name, the deadline, no extra
 * arguments; nothing comes back.  The schedd never sees this message, so
 * the handshake digests start again after it. */
int
cedar_shared_port_prologue(struct cedar_stream *s, const char *id,
    const char *client_name, int deadline_s)
{
	if (!valid_sock_id(id) || strlen(client_name) >= CEDAR_NAME_MAX)
		return cedar_fail(s, CEDAR_ERR_INTERNAL,
		    "bad shared-port id or client name");
	if (cedar_put_int(s, CEDAR_SHARED_PORT_CONNECT) == -1 ||
	    cedar_put_string(s, id) == -1 ||
	    cedar_put_string(s, client_name) == -1 ||
	    cedar_put_int(s, deadline_s) == -1 ||
	    cedar_put_int(s, 0) == -1 || cedar_send_eom(s) == -1)
		return -1;
	cedar_reset_digests(s);
	s->shared_port = 1;
	return 0;
}

enum cedar_err
cedar_connect(const char *sinful, int timeout_ms, struct cedar_stream **out,
    char *err, size_t errlen)
{
	struct cedar_sinful	 sn;
	struct cedar_stream	*s;
	enum cedar_err		 e;
	int			 fd;

	*out = NULL;
	if (cedar_sinful_parse(sinful, &sn, err, errlen) == -1)
		return CEDAR_ERR_UNREACHABLE;
	if (sn.ccb || sn.port == NULL) {
		snprintf(err, errlen, "%s", sn.ccb ? "the schedd is only "
		    "reachable through CCB, which is not supported" :
		    "the sinful string has no port");
		cedar_sinful_clear(&sn);
		return CEDAR_ERR_UNREACHABLE;
	}
	e = cedar_tcp_connect(sn.host, sn.port, timeout_ms, &fd, err, errlen);
	if (e != CEDAR_OK) {
		cedar_sinful_clear(&sn);
		return e;
	}
	if ((s = cedar_stream_new(fd, CEDAR_CLIENT)) == NULL) {
		close(fd);
		cedar_sinful_clear(&sn);
		snprintf(err, errlen, "out of memory");
		return CEDAR_ERR_INTERNAL;
	}
	cedar_set_timeout(s, timeout_ms);
	if (sn.sock != NULL && cedar_shared_port_prologue(s, sn.sock,
	    CLIENT_NAME, -1) == -1) {
		snprintf(err, errlen, "%s", cedar_error(s));
		e = cedar_status(s);
		cedar_stream_free(s);
		cedar_sinful_clear(&sn);
		return e == CEDAR_ERR_CLOSED ? CEDAR_ERR_UNREACHABLE : e;
	}
	cedar_sinful_clear(&sn);
	*out = s;
	return CEDAR_OK;
}
