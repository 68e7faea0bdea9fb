/*
 * reqs.c — the default Requirements expression of a vanilla job
 * (HTCondor's SubmitHash::SetRequirements, submit_utils.cpp): the user's
 * requirements in parentheses, then Arch, OpSys, Disk, Memory, Cpus,
 * custom Request<Tag> and file-transfer clauses, each left out when the
 * user's text already refers to the machine attribute.  Built as text and
 * parsed once, so the old-syntax unparser prints it as condor_submit
 * does.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/bounds.h"
#include "classad/classad.h"
#include "submit/submit_int.h"

/* Attribute names the user's requirements refer to on the machine. */
struct refs {
	char	*name[SUBMIT_MAX_REQ_REFS];
	size_t	 n;
	int	 circular;
};

static int
has_ref(const struct refs *r, const char *name)
{
	size_t	 i;

	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->name[i], name) == 0)
			return 1;
	return 0;
}

static void
add_ref(struct refs *r, const char *p, size_t n)
{
	if (r->n < SUBMIT_MAX_REQ_REFS && (r->name[r->n] = strndup(p, n)) != NULL)
		r->n++;
}

static void
free_refs(struct refs *r)
{
	while (r->n > 0)
		free(r->name[--r->n]);
}

/* Collect the machine references of TEXT (which parses): TARGET.x and
 * unscoped names the job cannot resolve; MY.x and function names do not
 * count; a reference to Requirements makes it circular. */
static void
scan_refs(const char *t, struct refs *r)
{
	static const char *const words[] = { "true", "false", "undefined",
	    "error", "is", "isnt" };
	const char	*w, *d, *p = t;
	size_t		 n, i;

	while (*p) {
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++)
				if (*p == '\\' && p[1] == '"')
					p++;
			if (*p)
				p++;
			continue;
		}
		if (!(isalpha((unsigned char)*p) || *p == '_')) {
			if (isdigit((unsigned char)*p))
				while (isalnum((unsigned char)*p) || *p == '.')
					p++;
			else
				p++;
			continue;
		}
		w = p;
		while (isalnum((unsigned char)*p) || *p == '_' || *p == '.')
			p++;
		n = (size_t)(p - w);
		d = p;
		while (isspace((unsigned char)*d))
			d++;
		if (*d == '(')
			continue;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strlen(words[i]) == n && strncasecmp(w, words[i], n) == 0)
				break;
		if (i < sizeof(words) / sizeof(words[0]))
			continue;
		if (n > 7 && strncasecmp(w, "TARGET.", 7) == 0)
			add_ref(r, w + 7, n - 7);
		else if (n > 3 && strncasecmp(w, "MY.", 3) == 0) {
			if (n - 3 == 12 && strncasecmp(w + 3, "Requirements", 12) == 0)
				r->circular = 1;
		} else if (memchr(w, '.', n) == NULL) {
			if (n == 12 && strncasecmp(w, "Requirements", 12) == 0)
				r->circular = 1;
			else if (!(n == 13 && strncasecmp(w, "RequestMemory", 13) ==
			    0) && !(n == 10 && strncasecmp(w, "VM_CkptMac", 10) == 0))
				add_ref(r, w, n);
		}
	}
}

/* Is NAME in AD a literal number?  Sets *V. */
static int
literal_number(const struct classad *ad, const char *name, double *v)
{
	return classad_lookup_real(ad, name, v);
}

static int
cmp_ci(const void *a, const void *b)
{
	return strcasecmp(*(char *const *)a, *(char *const *)b);
}

/* The custom Request<Tag> clauses, tags in case-insensitive order. */
static void
custom_clauses(const struct classad *ad, const struct refs *r, struct buf *b)
{
	const char	*tags[256], *name, *str;
	char		 req[CLASSAD_MAX_NAME_LEN + 16];
	const struct classad_expr *e;
	size_t		 n = 0, i, c = classad_count(ad), slen;
	double		 v;

	for (i = 0; i < c && n < 256; i++) {
		name = classad_name_at(ad, i);
		if (strlen(name) < 9 || strncasecmp(name, "Request", 7) != 0 ||
		    name[7] == '_' || strcasecmp(name, "RequestCpus") == 0 ||
		    strcasecmp(name, "RequestDisk") == 0 ||
		    strcasecmp(name, "RequestMemory") == 0)
			continue;
		tags[n++] = name;
	}
	qsort(tags, n, sizeof(tags[0]), cmp_ci);
	for (i = 0; i < n; i++) {
		const char *tag = tags[i] + 7;

		if (has_ref(r, tag))
			continue;
		e = classad_lookup(ad, tags[i]);
		if (classad_expr_get_string(e, &str, &slen) == 0) {
			if (slen > 0)
				buf_addf(b, " && regexp(%s, TARGET.%s)", tags[i],
				    tag);
			continue;
		}
		if (literal_number(ad, tags[i], &v) == 0 && v <= 0)
			continue;
		snprintf(req, sizeof(req), "Require%s", tag);
		if (classad_lookup(ad, req) != NULL)
			buf_addf(b, " && (countMatches(MY.%s,TARGET.Available%s) "
			    ">= %s)", req, tag, tags[i]);
		else
			buf_addf(b, " && (TARGET.%s >= %s)", tag, tags[i]);
	}
}

/* The file-transfer clause for ShouldTransferFiles. */
static void
transfer_clause(const struct classad *ad, const struct refs *r, struct buf *b)
{
	const char	*should = "IF_NEEDED", *plugins, *when;
	const char	*dom = "(TARGET.FileSystemDomain == MY.FileSystemDomain)";
	int		 checks_fs = has_ref(r, "FileSystemDomain"), prp;
	int		 checks_xfer = has_ref(r, "HasFileTransfer") ||
			    has_ref(r, "HasJobTransferPlugins");
	const char	*close = ")";

	classad_lookup_string(ad, "ShouldTransferFiles", &should);
	if (strcasecmp(should, "NO") == 0) {
		if (!checks_fs)
			buf_addf(b, " && %s", dom);
		return;
	}
	if (checks_xfer)
		return;
	if (strcasecmp(should, "IF_NEEDED") == 0 && !checks_fs) {
		buf_addf(b, " && (%s || (", dom);
		close = "))";
	} else
		buf_adds(b, " && (");
	if (classad_lookup_string(ad, "TransferPlugins", &plugins) == 0 &&
	    *plugins)
		buf_adds(b, "TARGET.HasJobTransferPlugins");
	else
		buf_adds(b, "TARGET.HasFileTransfer");
	if (classad_lookup(ad, "EncryptInputFiles") != NULL ||
	    classad_lookup(ad, "EncryptOutputFiles") != NULL ||
	    classad_lookup(ad, "DontEncryptInputFiles") != NULL ||
	    classad_lookup(ad, "DontEncryptOutputFiles") != NULL)
		buf_adds(b, " && TARGET.HasPerFileEncryption");
	if ((classad_lookup_bool(ad, "PreserveRelativePaths", &prp) == 0 &&
	    prp) || (classad_lookup_string(ad, "WhenToTransferOutput", &when) ==
	    0 && strcasecmp(when, "ON_SUCCESS") == 0))
		buf_adds(b, " && versioncmp( split(TARGET.CondorVersion)[1], "
		    "\"8.9.7\" ) >= 0");
	buf_adds(b, close);
}

/* Build and insert Requirements into AD (the job built so far). */
int
sub_requirements(struct submit *s, struct classad *ad)
{
	struct classad_expr	*e;
	struct refs		 r = { { NULL }, 0, 0 };
	struct buf		 b = BUF_INIT;
	char			*user;
	double			 v;
	int			 err, rc = -1;

	b.cap = SUBMIT_MAX_VALUE * 2;
	user = sub_param(s, "requirements", NULL, &err);
	if (err)
		return -1;
	if (names_get(&s->mt, "MY.Requirements") != NULL) {
		if (user != NULL)
			sub_warn(s, "Use of MY.Requirements or +Requirements  "
			    "overrides requirements. You should remove one of "
			    "these statements from your submit file.");
		free(user);
		return 0;
	}
	if (user != NULL)
		buf_addf(&b, "(%s)", user);
	if (b.len > 0) {
		if (classad_parse_expr(buf_str(&b), CLASSAD_OLD_SYNTAX, &e, NULL,
		    0) == 0) {
			classad_expr_free(e);
			scan_refs(buf_str(&b), &r);
		} else
			sub_warn(s, "WARNING: Could not get attribute references "
			    "from Requirements: %s", buf_str(&b));
	}
	if (r.circular) {
		sub_fail(s, s->errline, "Requirements = %s\nIs Circular. Did you "
		    "intend to use $(Requirements) ?", buf_str(&b));
		goto done;
	}
	if (!has_ref(&r, "Arch"))
		buf_addf(&b, "%s(TARGET.Arch == \"%s\")", b.len > 0 ? " && " : "",
		    s->arch);
	if (!has_ref(&r, "OpSys") && !has_ref(&r, "OpSysAndVer") &&
	    !has_ref(&r, "OpSysLongName") && !has_ref(&r, "OpSysShortName") &&
	    !has_ref(&r, "OpSysName") && !has_ref(&r, "OpSysLegacy"))
		buf_addf(&b, " && (TARGET.OpSys == \"%s\")", s->opsys);
	if (!has_ref(&r, "Disk")) {
		if (classad_lookup(ad, "RequestDisk") != NULL) {
			if (literal_number(ad, "RequestDisk", &v) == -1 || v > 0)
				buf_adds(&b, " && (versionGE(split(TARGET."
				    "CondorVersion)[1], \"25.12.0\") || "
				    "(TARGET.Disk >= RequestDisk))");
		} else
			buf_adds(&b, " && (TARGET.Disk >= DiskUsage)");
	} else {
		if (classad_lookup(ad, "RequestDisk") != NULL)
			buf_adds(&b, " && (TARGET.Disk >= RequestDisk)");
		if (!s->warned_disk) {
			sub_warn(s, "WARNING: Your Requirements expression refers "
			    "to TARGET.Disk. This is obsolete. Set request_disk "
			    "and condor_submit will modify the Requirements "
			    "expression as needed.");
			s->warned_disk = 1;
		}
	}
	if (classad_lookup(ad, "RequestMemory") != NULL &&
	    (literal_number(ad, "RequestMemory", &v) == -1 || v > 1.0))
		buf_adds(&b, " && (TARGET.Memory >= RequestMemory)");
	if (has_ref(&r, "Memory") && !s->warned_mem) {
		sub_warn(s, "WARNING: your Requirements expression refers to "
		    "TARGET.Memory. This is obsolete. Set request_memory and "
		    "condor_submit will modify the Requirements expression as "
		    "needed.");
		s->warned_mem = 1;
	}
	if (!has_ref(&r, "Cpus") && classad_lookup(ad, "RequestCpus") != NULL &&
	    (literal_number(ad, "RequestCpus", &v) == -1 || v > 1.0))
		buf_adds(&b, " && (TARGET.Cpus >= RequestCpus)");
	custom_clauses(ad, &r, &b);
	transfer_clause(ad, &r, &b);
	if (b.failed) {
		sub_fail(s, s->errline, "Requirements expression is too long");
		goto done;
	}
	rc = sub_insert_expr(s, ad, "Requirements", buf_str(&b));
done:
	free_refs(&r);
	free(user);
	buf_free(&b);
	return rc;
}
