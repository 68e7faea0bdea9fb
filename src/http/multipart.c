/*
 * multipart.c — a streaming multipart/form-data parser (RFC 7578 on the
 * syntax of RFC 2046 §5.1.1).
 *
 * The body is scanned for the delimiter CRLF "--" boundary.  The first
 * delimiter may open the body without its CRLF, so the scan starts as if
 * a CRLF had just been seen.  Because a boundary holds no CR or LF, the
 * only prefix of the delimiter that can also end a partial match is the
 * empty one: bytes held back while a match is pending are always a prefix
 * of the delimiter itself, so nothing is copied and at most the
 * delimiter's length less one (boundary + 3) is held between pieces.
 *
 * Strict where two readers could disagree: a matched delimiter must be
 * followed by transport padding and CRLF, or "--" (anything else is a
 * 400, never data); part heads end lines in CRLF only (bare CR or LF,
 * NUL, obs-fold and control bytes are refused); Content-Disposition and
 * Content-Type may each appear once; only the identity transfer
 * encodings are accepted.  Parameter values are tokens or quoted-strings
 * whose backslash escapes are decoded (curl --form-escape); a browser's
 * or plain curl's "%22" is left as it is.  filename* (RFC 5987, which
 * RFC 7578 §4.2 says not to send) is not decoded: it is ignored beside a
 * filename and refused alone, so a file part never passes for a field.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/http.h"
#include "http/multipart.h"
#include "util/bounds.h"

enum mp_state {
	MP_PREAMBLE,	/* before the first delimiter: discarded */
	MP_BODY,	/* a part's bytes: streamed to part_data */
	MP_DELIM_END,	/* just after a delimiter: padding, CRLF or "--" */
	MP_DASH,	/* one '-' of a close delimiter seen */
	MP_PAD,		/* transport padding before the CRLF */
	MP_LF,		/* the CR of the delimiter line seen */
	MP_HEAD,	/* a part's head, up to its empty line */
	MP_CLOSE_PAD,	/* after "--": padding, then CRLF epilogue */
	MP_CLOSE_LF,	/* the CR after the close delimiter seen */
	MP_EPILOGUE,	/* ignored to the end */
	MP_FAILED	/* refused or stopped: status holds why */
};

struct multipart {
	struct multipart_cb	 cb;
	enum mp_state		 state;
	int			 status;	/* sticky: -1 or 400 */
	char			 reason[160];
	/* CRLF "--" boundary, and how much of it the last bytes matched. */
	char			 delim[4 + MULTIPART_MAX_BOUNDARY + 1];
	size_t			 dlen, matched;
	size_t			 parts;
	char			 head[MULTIPART_MAX_HEAD + 1];
	size_t			 headlen;
	struct multipart_part	 part;
	long long		 fed;		/* body bytes before this feed */
	long long		 pos;		/* just after the byte in hand */
};

/* RFC 2046 bcharsnospace: what a boundary is made of, with the space. */
static int
is_bchar(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("'()+_,-./:=? ", c) != NULL);
}

/* A boundary is 1..70 bchars whose last is not a space (RFC 2046). */
static int
valid_boundary(const char *b, size_t n)
{
	size_t	i;

	if (n == 0 || n > MULTIPART_MAX_BOUNDARY || b[n - 1] == ' ')
		return 0;
	for (i = 0; i < n; i++)
		if (!is_bchar((unsigned char)b[i]))
			return 0;
	return 1;
}

/* Bytes allowed in a head field value: VCHAR, obs-text, SP and HTAB. */
static int
is_field_byte(unsigned char c)
{
	return c == ' ' || c == '\t' || (c >= 0x21 && c != 0x7f);
}

static const char *
skip_ows(const char *s)
{
	while (*s == ' ' || *s == '\t')
		s++;
	return s;
}

/*
 * One parameter, OWS ";" OWS name "=" value (RFC 9110 §5.6.6), at *SP.
 * The name goes into NAME (lower-cased, "" when longer than NAMELEN - 1
 * so that no parameter we act on matches it) and the value, unquoted,
 * into VAL; *TOOLONG is set when the value did not fit.  Returns 1 for a
 * parameter, 0 at the end of the text, -1 when it is malformed.
 */
static int
next_param(const char **sp, char *name, size_t namelen, char *val,
    size_t vallen, int *toolong)
{
	const char	*s = skip_ows(*sp), *n0;
	size_t		 nl, vl = 0;
	int		 c;

	*toolong = 0;
	if (*s == '\0')
		return 0;
	if (*s != ';')
		return -1;
	s = skip_ows(s + 1);
	for (n0 = s; http_tchar((unsigned char)*s); s++)
		;
	if ((nl = (size_t)(s - n0)) == 0 || *s != '=')
		return -1;
	if (nl < namelen) {
		for (size_t i = 0; i < nl; i++)
			name[i] = (n0[i] >= 'A' && n0[i] <= 'Z') ?
			    (char)(n0[i] - 'A' + 'a') : n0[i];
		name[nl] = '\0';
	} else
		name[0] = '\0';
	s++;
	if (*s == '"') {
		for (s++; *s != '"'; s++) {
			c = (unsigned char)*s;
			if (c == '\\') {
				c = (unsigned char)*++s;
				if (c != '\t' && !(c >= 0x20 && c != 0x7f))
					return -1;
			} else if (c != '\t' && !(c >= 0x20 && c != 0x7f))
				return -1;	/* the end, or a control byte */
			if (vl + 1 < vallen)
				val[vl++] = (char)c;
			else
				*toolong = 1;
		}
		s++;
	} else {
		for (; http_tchar((unsigned char)*s); s++)
			if (vl + 1 < vallen)
				val[vl++] = *s;
			else
				*toolong = 1;
		if (vl == 0 && !*toolong)
			return -1;
	}
	val[vl] = '\0';
	*sp = s;
	return 1;
}

int
multipart_boundary(const char *content_type, char *out, size_t outlen)
{
	const char	*s = skip_ows(content_type), *t;
	char		 name[16], val[MULTIPART_MAX_BOUNDARY + 2];
	int		 r, toolong, found = 0;
	size_t		 n;

	for (t = s; http_tchar((unsigned char)*s) || *s == '/'; s++)
		;
	if ((size_t)(s - t) != strlen("multipart/form-data") ||
	    strncasecmp(t, "multipart/form-data", (size_t)(s - t)) != 0)
		return -1;
	while ((r = next_param(&s, name, sizeof(name), val, sizeof(val),
	    &toolong)) == 1) {
		if (strcmp(name, "boundary") != 0)
			continue;
		n = strlen(val);
		if (found++ || toolong || !valid_boundary(val, n) ||
		    n + 1 > outlen)
			return -1;
		memcpy(out, val, n + 1);
	}
	return r == 0 && found ? 0 : -1;
}

struct multipart *
multipart_new(const char *boundary, const struct multipart_cb *cb)
{
	struct multipart	*m;
	size_t			 n = strlen(boundary);

	if (!valid_boundary(boundary, n)) {
		errno = EINVAL;
		return NULL;
	}
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->cb = *cb;
	memcpy(m->delim, "\r\n--", 4);
	memcpy(m->delim + 4, boundary, n);
	m->dlen = 4 + n;
	/* The first delimiter may start the body: act as if after a CRLF. */
	m->matched = 2;
	m->state = MP_PREAMBLE;
	return m;
}

void
multipart_free(struct multipart *m)
{
	free(m);
}

/* Refuse the body: remember why, so later calls say the same. */
static int __attribute__((format(printf, 2, 3)))
refuse(struct multipart *m, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(m->reason, sizeof(m->reason), fmt, ap);
	va_end(ap);
	m->state = MP_FAILED;
	m->status = 400;
	return 400;
}

/* A callback said stop: the parse ends, its reason is the caller's. */
static int
stopped(struct multipart *m)
{
	m->state = MP_FAILED;
	m->status = -1;
	return -1;
}

/* Hand N bytes of the current part to the caller (none in the preamble). */
static int
emit(struct multipart *m, const void *p, size_t n)
{
	if (m->state != MP_BODY || n == 0 || m->cb.part_data == NULL)
		return 0;
	if (m->cb.part_data(m->cb.ctx, p, n) == -1)
		return stopped(m);
	return 0;
}

/*
 * Scan P[0..N) of a part (or the preamble) for the delimiter, handing
 * the bytes before it on.  *USED is how much was consumed; returns 1 when
 * the delimiter ended there, 0 when more bytes are needed, -1 when a
 * callback stopped.  A partial match at the end is held in m->matched.
 */
static int
scan_part(struct multipart *m, const unsigned char *p, size_t n,
    size_t *used)
{
	const unsigned char	*cr;
	size_t			 i = 0, start, j, l;

	if (m->matched > 0) {
		while (i < n && m->matched < m->dlen &&
		    p[i] == (unsigned char)m->delim[m->matched]) {
			i++;
			m->matched++;
		}
		*used = i;
		if (m->matched == m->dlen) {
			m->matched = 0;
			return 1;
		}
		if (i == n)
			return 0;
		/* Not a delimiter after all: what was held is data. */
		l = m->matched;
		m->matched = 0;
		if (emit(m, m->delim, l) == -1)
			return -1;
	}
	start = i;
	while (i < n) {
		if ((cr = memchr(p + i, '\r', n - i)) == NULL)
			break;
		j = (size_t)(cr - p);
		for (l = 0; j + l < n && l < m->dlen &&
		    p[j + l] == (unsigned char)m->delim[l]; l++)
			;
		if (l == m->dlen || j + l == n) {
			*used = j + l;
			if (emit(m, p + start, j - start) == -1)
				return -1;
			if (l == m->dlen)
				return 1;
			m->matched = l;
			return 0;
		}
		i = j + l;	/* l >= 1: the CR itself matched */
	}
	*used = n;
	return emit(m, p + start, n - start);
}

/* Copy VAL into a part's field of SIZE bytes, or refuse it as too long. */
static int
set_field(struct multipart *m, char *dst, size_t size, const char *val,
    int toolong, const char *what)
{
	size_t	n = strlen(val);

	if (toolong || n + 1 > size)
		return refuse(m, "part %zu: %s longer than %zu bytes",
		    m->parts, what, size - 1);
	memcpy(dst, val, n + 1);
	return 0;
}

/* Content-Disposition: form-data with its name, and maybe a filename. */
static int
parse_disposition(struct multipart *m, const char *v)
{
	struct multipart_part	*pt = &m->part;
	const char		*s = v;
	char			 name[16], val[MULTIPART_MAX_FILENAME + 2];
	int			 r, toolong, seen_name = 0, seen_star = 0;

	while (http_tchar((unsigned char)*s))
		s++;
	if ((size_t)(s - v) != 9 || strncasecmp(v, "form-data", 9) != 0)
		return refuse(m, "part %zu: Content-Disposition is not "
		    "form-data", m->parts);
	while ((r = next_param(&s, name, sizeof(name), val, sizeof(val),
	    &toolong)) == 1) {
		if (strcmp(name, "name") == 0) {
			if (seen_name++)
				return refuse(m, "part %zu: more than one "
				    "name parameter", m->parts);
			if (set_field(m, pt->name, sizeof(pt->name), val,
			    toolong, "form-data name") != 0)
				return 400;
		} else if (strcmp(name, "filename") == 0) {
			if (pt->has_filename++)
				return refuse(m, "part %zu: more than one "
				    "filename parameter", m->parts);
			if (set_field(m, pt->filename, sizeof(pt->filename),
			    val, toolong, "filename") != 0)
				return 400;
		} else if (strcmp(name, "filename*") == 0)
			seen_star = 1;
	}
	if (r == -1)
		return refuse(m, "part %zu: malformed Content-Disposition",
		    m->parts);
	if (pt->name[0] == '\0')
		return refuse(m, "part %zu: no form-data name", m->parts);
	if (seen_star && !pt->has_filename)
		return refuse(m, "part %zu: filename* is not supported; send "
		    "filename (RFC 7578 section 4.2)", m->parts);
	return 0;
}

/* One head line "name: value", NUL-terminated in place. */
static int
parse_head_line(struct multipart *m, char *line, int *seen)
{
	char	*colon, *v, *end;

	if (*line == ' ' || *line == '\t')
		return refuse(m, "part %zu: obsolete line folding", m->parts);
	for (colon = line; http_tchar((unsigned char)*colon); colon++)
		;
	if (*colon != ':' || colon == line)
		return refuse(m, "part %zu: malformed header field", m->parts);
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (end = v; *end != '\0'; end++)
		if (!is_field_byte((unsigned char)*end))
			return refuse(m, "part %zu: invalid byte in a header "
			    "field", m->parts);
	while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	*end = '\0';
	if (strcasecmp(line, "Content-Disposition") == 0) {
		if (*seen & 1)
			return refuse(m, "part %zu: more than one "
			    "Content-Disposition", m->parts);
		*seen |= 1;
		return parse_disposition(m, v);
	}
	if (strcasecmp(line, "Content-Type") == 0) {
		if (*seen & 2)
			return refuse(m, "part %zu: more than one "
			    "Content-Type", m->parts);
		*seen |= 2;
		return set_field(m, m->part.content_type,
		    sizeof(m->part.content_type), v, 0, "Content-Type");
	}
	if (strcasecmp(line, "Content-Transfer-Encoding") == 0 &&
	    strcasecmp(v, "binary") != 0 && strcasecmp(v, "8bit") != 0 &&
	    strcasecmp(v, "7bit") != 0)
		return refuse(m, "part %zu: unsupported "
		    "Content-Transfer-Encoding", m->parts);
	return 0;
}

/* The head is complete (its lines, each ending in CRLF, then CRLF): read
 * it and tell the caller a part begins. */
static int
end_head(struct multipart *m)
{
	char	*line = m->head, *stop = m->head + m->headlen - 2, *cr;
	int	 seen = 0, rc;

	memset(&m->part, 0, sizeof(m->part));
	while (line < stop) {
		cr = memchr(line, '\r', (size_t)(stop - line));
		*cr = '\0';	/* every line ends in CRLF: checked on entry */
		if ((rc = parse_head_line(m, line, &seen)) != 0)
			return rc;
		line = cr + 2;
	}
	if (!(seen & 1))
		return refuse(m, "part %zu: no Content-Disposition",
		    m->parts);
	m->state = MP_BODY;
	m->part.offset = m->pos;
	if (m->cb.part_begin != NULL &&
	    m->cb.part_begin(m->cb.ctx, &m->part) == -1)
		return stopped(m);
	return 0;
}

/* One byte of a part head: lines end in CRLF, an empty one ends it. */
static int
head_byte(struct multipart *m, unsigned char c)
{
	int	prev_cr = m->headlen > 0 && m->head[m->headlen - 1] == '\r';

	if (c == '\0')
		return refuse(m, "part %zu: NUL byte in the part head",
		    m->parts);
	if (prev_cr != (c == '\n'))
		return refuse(m, "part %zu: a part head line must end in "
		    "CRLF", m->parts);
	if (m->headlen == MULTIPART_MAX_HEAD)
		return refuse(m, "part %zu: part head longer than %d bytes",
		    m->parts, MULTIPART_MAX_HEAD);
	m->head[m->headlen++] = (char)c;
	if (c == '\n' && (m->headlen == 2 ||
	    (m->headlen >= 4 && m->head[m->headlen - 3] == '\n')))
		return end_head(m);
	return 0;
}

/* The delimiter line's CRLF is done: a new part's head follows. */
static int
begin_part(struct multipart *m)
{
	if (m->parts == MULTIPART_MAX_PARTS)
		return refuse(m, "more than %d parts", MULTIPART_MAX_PARTS);
	m->parts++;
	m->headlen = 0;
	m->state = MP_HEAD;
	return 0;
}

/* One byte after a delimiter or close delimiter: the small states. */
static int
line_byte(struct multipart *m, unsigned char c)
{
	int	pad = c == ' ' || c == '\t';

	switch (m->state) {
	case MP_DELIM_END:
		if (c == '-')
			m->state = MP_DASH;
		else if (pad)
			m->state = MP_PAD;
		else if (c == '\r')
			m->state = MP_LF;
		else
			return refuse(m, "a boundary delimiter is followed "
			    "by other bytes than CRLF");
		return 0;
	case MP_DASH:
		if (c != '-')
			return refuse(m, "malformed close delimiter");
		m->state = MP_CLOSE_PAD;
		return 0;
	case MP_PAD:
		if (c == '\r')
			m->state = MP_LF;
		else if (!pad)
			return refuse(m, "a boundary delimiter is followed "
			    "by other bytes than CRLF");
		return 0;
	case MP_LF:
		if (c != '\n')
			return refuse(m, "a boundary delimiter line must end "
			    "in CRLF");
		return begin_part(m);
	case MP_CLOSE_PAD:
		if (c == '\r')
			m->state = MP_CLOSE_LF;
		else if (!pad)
			return refuse(m, "bytes after the close delimiter "
			    "other than an epilogue");
		return 0;
	case MP_CLOSE_LF:
		if (c != '\n')
			return refuse(m, "bytes after the close delimiter "
			    "other than an epilogue");
		m->state = MP_EPILOGUE;
		return 0;
	default:
		return 0;
	}
}

/* Copy a refusal's reason out, or say the callback stopped. */
static int
report(struct multipart *m, char *err, size_t errlen)
{
	if (m->status == 400 && errlen > 0)
		snprintf(err, errlen, "%s", m->reason);
	return m->status;
}

int
multipart_feed(struct multipart *m, const void *buf, size_t n, char *err,
    size_t errlen)
{
	const unsigned char	*p = buf;
	size_t			 i = 0, used;
	int			 r;

	while (i < n && m->state != MP_FAILED) {
		switch (m->state) {
		case MP_PREAMBLE:
		case MP_BODY:
			r = scan_part(m, p + i, n - i, &used);
			i += used;
			if (r != 1)
				break;
			if (m->state == MP_BODY && m->cb.part_end != NULL &&
			    m->cb.part_end(m->cb.ctx) == -1) {
				stopped(m);
				break;
			}
			m->state = MP_DELIM_END;
			break;
		case MP_HEAD:
			m->pos = m->fed + (long long)i + 1;
			head_byte(m, p[i++]);
			break;
		case MP_EPILOGUE:
			i = n;
			break;
		default:
			line_byte(m, p[i++]);
			break;
		}
	}
	m->fed += (long long)n;
	return m->state == MP_FAILED ? report(m, err, errlen) : 0;
}

int
multipart_finish(struct multipart *m, char *err, size_t errlen)
{
	if (m->state == MP_FAILED)
		return report(m, err, errlen);
	if (m->state == MP_CLOSE_PAD || m->state == MP_CLOSE_LF ||
	    m->state == MP_EPILOGUE)
		return 0;
	refuse(m, "the body ends before its close delimiter");
	return report(m, err, errlen);
}
