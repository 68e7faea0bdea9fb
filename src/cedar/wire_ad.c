/*
 * wire_ad.c — ClassAds on a CEDAR stream (HTCondor's classad_oldnew.cpp,
 * putClassAd, getClassAd): a count, one
 * "Name = <old syntax>" string per attribute, then the MyType and
 * TargetType strings.  Parsing and unparsing belong to the classad
 * module; this file only frames.
 */
#include <stdlib.h>
#include <string.h>

#include "cedar/cedar_int.h"
#include "classad/classad.h"

int
cedar_put_classad(struct cedar_stream *s, const struct classad *ad)
{
	struct buf	 line = BUF_INIT;
	size_t		 i, n = classad_count(ad);
	int		 rc = 0;

	if (cedar_put_int(s, (int64_t)n) == -1)
		return -1;
	for (i = 0; i < n && rc == 0; i++) {
		buf_reset(&line);
		if (classad_unparse_attr_old(ad, i, &line) == -1)
			rc = cedar_fail(s, CEDAR_ERR_INTERNAL,
			    "cannot unparse attribute %s",
			    classad_name_at(ad, i));
		else
			rc = cedar_put_string(s, buf_str(&line));
	}
	buf_free(&line);
	if (rc == 0 && (cedar_put_string(s, "") == -1 ||
	    cedar_put_string(s, "") == -1))
		rc = -1;
	return rc;
}

/* The trailing type strings: current senders send "", older ones the
 * type, which is then an attribute like any other. */
static int
get_type(struct cedar_stream *s, struct classad *ad, const char *name)
{
	char	*v;
	int	 rc = 0;

	if (cedar_get_string(s, &v) == -1)
		return -1;
	if (*v != '\0' && classad_lookup(ad, name) == NULL &&
	    classad_insert_string(ad, name, v) == -1)
		rc = cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	free(v);
	return rc;
}

/* Read one ad; POD limits it to the handshake's literal-only form. */
static int
get_ad(struct cedar_stream *s, struct classad **out, int pod)
{
	struct classad	*ad;
	char		*line = NULL, err[256];
	int64_t		 n, i;
	int		 rc;

	*out = NULL;
	if (cedar_get_int_range(s, 0, pod ? CEDAR_MAX_POD_LINES :
	    CEDAR_MAX_AD_LINES, &n) == -1)
		return -1;
	if ((ad = classad_new()) == NULL)
		return cedar_fail(s, CEDAR_ERR_INTERNAL, "out of memory");
	for (i = 0; i < n; i++) {
		if (cedar_get_string(s, &line) == -1)
			goto fail;
		if (strcmp(line, "ZKM") == 0) {
			free(line);
			line = NULL;
			if (pod) {
				cedar_fail(s, CEDAR_ERR_PROTOCOL,
				    "secret attribute in a handshake ad");
				goto fail;
			}
			if (cedar_get_string(s, &line) == -1)
				goto fail;
		}
		rc = pod ? classad_insert_wire_literal(ad, line, err,
		    sizeof(err)) : classad_insert_wire(ad, line, err,
		    sizeof(err));
		free(line);
		line = NULL;
		if (rc == -1) {
			cedar_fail(s, CEDAR_ERR_PROTOCOL,
			    "bad ClassAd line from the peer: %s", err);
			goto fail;
		}
	}
	if (get_type(s, ad, "MyType") == -1 ||
	    get_type(s, ad, "TargetType") == -1)
		goto fail;
	*out = ad;
	return 0;
fail:
	free(line);
	classad_free(ad);
	return -1;
}

int
cedar_get_classad(struct cedar_stream *s, struct classad **out)
{
	return get_ad(s, out, 0);
}

int
cedar_get_classad_pod(struct cedar_stream *s, struct classad **out)
{
	return get_ad(s, out, 1);
}
