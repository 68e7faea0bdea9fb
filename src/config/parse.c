/*
 * parse.c — the statements of the configuration language (HTCondor's
 * config.cpp, Parse_macros): logical lines with continuation, comments,
 * NAME = value, NAME += value, NAME : value (with a warning), @= heredocs,
 * if/elif/else/endif, include, use (metaknobs), error and warning.  The
 * rules follow HTCondor's Parse_macros() and getline_implementation() so
 * that errors name the same file and line.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "config/config_int.h"
#include "util/bounds.h"
#include "version.h"

/* The if/elif/else state as HTCondor keeps it: one bit per nesting level
 * in STATE (this level is on), ESTATE (some branch was taken) and ISTATE
 * (no else seen yet); TOP is the bit of the current level. */
struct ifstack {
	unsigned long long	state, estate, istate, top;
};

/* A metaknob: CATEGORY:NAME and the configuration text it stands for. */
struct metaknob {
	const char	*cat;
	const char	*name;
	const char	*text;
};

/* The metaknobs this reader knows: the ROLE, SECURITY and POLICY templates
 * of HTCondor's param_info.in that stock configurations use.  Others are
 * skipped with a warning. */
static const struct metaknob metaknobs[] = {
	{ "ROLE", "Personal",
	    "CONDOR_HOST=127.0.0.1\n"
	    "COLLECTOR_HOST=$(CONDOR_HOST):0\n"
	    "DAEMON_LIST=MASTER COLLECTOR NEGOTIATOR STARTD SCHEDD\n"
	    "RunBenchmarks=0\n" },
	{ "ROLE", "Execute", "DAEMON_LIST=$(DAEMON_LIST) STARTD\n" },
	{ "ROLE", "Submit", "DAEMON_LIST=$(DAEMON_LIST) SCHEDD\n" },
	{ "ROLE", "CentralManager",
	    "DAEMON_LIST=$(DAEMON_LIST) COLLECTOR NEGOTIATOR\n" },
	{ "ROLE", "get_htcondor_central_manager",
	    "use security:get_htcondor_idtokens\nuse role:CentralManager\n" },
	{ "ROLE", "get_htcondor_submit",
	    "use security:get_htcondor_idtokens\nuse role:submit\n" },
	{ "ROLE", "get_htcondor_execute",
	    "use security:get_htcondor_idtokens\nuse role:execute\n" },
	{ "SECURITY", "HOST_BASED",
	    "ALLOW_ADMINISTRATOR=$(CONDOR_HOST)\n"
	    "ALLOW_READ=*\n"
	    "ALLOW_WRITE=$(FULL_HOSTNAME) $(IPV4_ADDRESS) $(IPV6_ADDRESS)\n"
	    "ALLOW_DAEMON=$(FULL_HOSTNAME) $(IPV4_ADDRESS) $(IPV6_ADDRESS)\n"
	    "ALLOW_NEGOTIATOR=$(CONDOR_HOST)\n"
	    "ALLOW_NEGOTIATOR_SCHEDD=$(ALLOW_NEGOTIATOR) "
	    "$(FLOCK_NEGOTIATOR_HOSTS)\n"
	    "ALLOW_WRITE_COLLECTOR=$(ALLOW_WRITE) $(FLOCK_FROM)\n"
	    "ALLOW_WRITE_STARTD=$(ALLOW_WRITE) $(FLOCK_FROM)\n"
	    "ALLOW_READ_COLLECTOR=$(ALLOW_READ) $(FLOCK_FROM)\n"
	    "ALLOW_READ_STARTD=$(ALLOW_READ) $(FLOCK_FROM)\n"
	    "LEGACY_ALLOW_SEMANTICS = TRUE\n" },
	{ "SECURITY", "WITH_AUTHENTICATION",
	    "SEC_DEFAULT_AUTHENTICATION=required\n"
	    "SEC_DEFAULT_INTEGRITY=required\n" },
	{ "SECURITY", "STRONG",
	    "SEC_DEFAULT_ENCRYPTION=required\n"
	    "SEC_DEFAULT_INTEGRITY=required\n"
	    "SEC_DEFAULT_AUTHENTICATION=required\n" },
	{ "SECURITY", "USER_BASED",
	    "if $(CondorIsAdmin)\n"
	    "authuser=condor\n"
	    "else\n"
	    "authuser=$(USERNAME)\n"
	    "endif\n"
	    "use security:recommended($(authuser))\n"
	    "if ! $(CondorIsAdmin)\n"
	    "ALLOW_WRITE = $(authuser)@$(UID_DOMAIN)\n"
	    "endif\n" },
	{ "SECURITY", "get_htcondor_idtokens",
	    "use security:recommended\n"
	    "SEC_READ_AUTHENTICATION_METHODS = "
	    "$(SEC_DEFAULT_AUTHENTICATION_METHODS),ANONYMOUS\n"
	    "SEC_CLIENT_AUTHENTICATION_METHODS = "
	    "$(SEC_DEFAULT_AUTHENTICATION_METHODS),ANONYMOUS\n"
	    "TRUST_DOMAIN = $(CONDOR_HOST)\n" },
	{ "SECURITY", "recommended_v9_0",
	    "SECURITY_MODEL = 9.0\n"
	    "use security:strong\n"
	    "SEC_READ_AUTHENTICATION = OPTIONAL\n"
	    "SEC_READ_ENCRYPTION = OPTIONAL\n"
	    "SEC_READ_INTEGRITY = OPTIONAL\n"
	    "ALLOW_ADMINISTRATOR = $(1:condor)@* condor_pool@* $(2:root@*) "
	    "$(3+)\n"
	    "ALLOW_DAEMON = $(1:condor)@*  condor_pool@*\n"
	    "ALLOW_NEGOTIATOR = $(1:condor)@* condor_pool@*\n"
	    "ALLOW_WRITE = *\n"
	    "ALLOW_READ = *\n" },
	{ "SECURITY", "recommended_v24_0",
	    "SECURITY_MODEL = 24.0\n"
	    "use security:strong\n"
	    "SEC_READ_AUTHENTICATION = OPTIONAL\n"
	    "SEC_CLIENT_AUTHENTICATION = OPTIONAL\n"
	    "ALLOW_ADMINISTRATOR = $(1:condor)@* condor@password $(2:root@*) "
	    "$(3+)\n"
	    "ALLOW_DAEMON = $(1:condor)@*  condor@password\n"
	    "ALLOW_NEGOTIATOR = $(1:condor)@* condor@password\n"
	    "ALLOW_WRITE = *\n"
	    "ALLOW_READ = *\n" },
	{ "SECURITY", "recommended",
	    "use security:recommended_v24_0($(1+))\n" },
	{ "SECURITY", "FIPS",
	    "FIPS = True\n"
	    "use security:strong\n"
	    "SEC_DEFAULT_CRYPTO_METHODS = AES,3DES\n" },
	{ "POLICY", "ALWAYS_RUN_JOBS",
	    "WANT_SUSPEND=False\n"
	    "WANT_VACATE=True\n"
	    "SUSPEND=False\n"
	    "CONTINUE=True\n"
	    "PREEMPT=False\n"
	    "START=True\n"
	    "KILL=False\n"
	    "PREEMPTION_REQUIREMENTS=False\n"
	    "NEGOTIATOR_CONSIDER_PREEMPTION=False\n"
	    "MaxJobRetirementTime=2147483647\n"
	    "CLAIM_WORKLIFE=1200\n" },
};

#define NMETAKNOBS	(sizeof(metaknobs) / sizeof(metaknobs[0]))

static int	 statement(struct config *, struct cfsrc *, int, char *,
		    struct buf *, char **, char **);

/* Compare a category written as CAT or CAT:NAME with a table category. */
static int
same_category(const char *cat, const char *tcat)
{
	size_t	 n = strcspn(cat, ":");

	return strlen(tcat) == n && strncasecmp(cat, tcat, n) == 0;
}

static const char *
metaknob_text(const char *cat, const char *name)
{
	size_t	 i;

	for (i = 0; i < NMETAKNOBS; i++)
		if (same_category(cat, metaknobs[i].cat) &&
		    strcasecmp(name, metaknobs[i].name) == 0)
			return metaknobs[i].text;
	return NULL;
}

static int
metaknob_category(const char *cat)
{
	size_t	 i;

	for (i = 0; i < NMETAKNOBS; i++)
		if (same_category(cat, metaknobs[i].cat))
			return 1;
	return 0;
}

/* Read one logical line into LB the way HTCondor's getline does: each
 * physical line is trimmed; a trailing backslash joins the next line with
 * no separator; a comment line that ends in a backslash does not continue;
 * a comment line inside a continuation shrinks to its last character.
 * Returns 1, 0 at the end, or -1 when the line is too long. */
static int
get_line(struct cfsrc *src, struct buf *lb)
{
	const char	*p, *nl, *z;
	size_t		 n, start = 0, q;
	int		 in_comment;

	buf_reset(lb);
	if (src->pos >= src->len)
		return 0;
	for (;;) {
		if (src->pos >= src->len)
			return lb->len > 0 ? 1 : 0;
		p = src->text + src->pos;
		nl = memchr(p, '\n', src->len - src->pos);
		n = nl != NULL ? (size_t)(nl - p) : src->len - src->pos;
		src->pos += n + (nl != NULL);
		src->line++;
		if ((z = memchr(p, '\0', n)) != NULL)
			n = (size_t)(z - p);
		if (buf_add(lb, p, n) == -1)
			return -1;
		if (lb->data == NULL)
			buf_add(lb, "", 0);
		while (lb->len > start &&
		    isspace((unsigned char)lb->data[lb->len - 1]))
			lb->data[--lb->len] = '\0';
		for (q = start; q < lb->len &&
		    isspace((unsigned char)lb->data[q]); q++)
			;
		in_comment = q < lb->len && lb->data[q] == '#';
		if (in_comment && start != 0) {
			q = lb->len - 1;
			in_comment = 0;
		}
		if (q != start) {
			memmove(lb->data + start, lb->data + q, lb->len - q + 1);
			lb->len -= q - start;
		}
		if (lb->len > 0 && lb->data[lb->len - 1] == '\\') {
			lb->data[--lb->len] = '\0';
			if (!in_comment) {
				start = lb->len;
				continue;
			}
		}
		return 1;
	}
}

/* Compare P with the lower-case literal LIT, ignoring case and leading
 * blanks; with WHOLE nothing but blanks may follow, else no alphanumeric
 * character may follow. */
static int
literal_is(const char *p, const char *lit, int whole)
{
	while (isspace((unsigned char)*p))
		p++;
	while (*lit)
		if ((*p++ | 0x20) != *lit++)
			return 0;
	if (whole) {
		while (isspace((unsigned char)*p))
			p++;
		return *p == '\0';
	}
	return !isalnum((unsigned char)*p);
}

enum { C_EMPTY, C_NUMBER, C_BOOL, C_IDENT, C_MACRO, C_VERSION, C_IFDEF,
	C_COMPLEX };

/* The kinds of characters an if condition is made of, one bit each, as
 * HTCondor's Characterize_config_if_expression collects them. */
enum { SP = 0x01, DIG = 0x02, AL = 0x04, ID = 0x08, CMP = 0x10,
	SUM = 0x20, LOG = 0x40, GRP = 0x80, MON = 0x100, COL = 0x200,
	OTH = 0x400, FLT = 0x1000, MAC = 0x2000 };

/* The kind bits of the character CH, followed by NEXT, given the bits SET
 * seen so far: a dot, an e and a sign belong to a number only where a
 * number can hold them, so their kind depends on what came before. */
static int
char_kind(int ch, const char *next, int set)
{
	if (ch >= '0' && ch <= '9')
		return DIG;
	if (ch == '.')
		return set == DIG || *next == '\0' ||
		    (*next >= '0' && *next <= '9') ? FLT : ID;
	if (ch == 'e' || ch == 'E')
		return (set & ~FLT) == DIG ? FLT : AL;
	if (ch == '-' || ch == '+')
		return set != (DIG | FLT) ? SUM : 0;
	if (isalpha(ch))
		return AL;
	if (ch == '_' || ch == '/')
		return ID;
	if (ch >= '<' && ch <= '>')
		return CMP;
	if (ch == '!' && *next == '=')
		return CMP;
	if (ch == '$')
		return *next == '(' ? MON | MAC : MON;
	if (isspace(ch))
		return *next && !isspace((unsigned char)*next) ? SP : 0;
	if (ch == '&' || ch == '|')
		return LOG;
	if ((ch >= '{' && ch <= '}') || ch == '(' || ch == ')' ||
	    ch == '[' || ch == ']')
		return GRP;
	if (ch == ':')
		return COL;
	return OTH;
}

/* Turn the kind bits SET of the condition EXPR (BEGIN: its first non-blank
 * character) into its class; the words version and defined count only with
 * KEYWORDS, so that `defined X` can classify X alone. */
static int
class_of(const char *expr, const char *begin, int set, int keywords)
{
	switch (set) {
	case 0:
		return C_EMPTY;
	case DIG:
	case DIG | FLT:
		return C_NUMBER;
	case AL:
		if (literal_is(expr, "false", 1) || literal_is(expr, "true", 1))
			return C_BOOL;
		if (keywords && literal_is(begin, "version", 1))
			return C_VERSION;
		if (keywords && literal_is(begin, "defined", 1))
			return C_IFDEF;
		return C_IDENT;
	case AL | DIG:
	case AL | DIG | FLT:
	case AL | ID:
	case AL | ID | DIG:
	case AL | ID | DIG | FLT:
		return C_IDENT;
	case AL | SP | CMP | DIG:
	case AL | SP | CMP | DIG | FLT:
		if (keywords && literal_is(begin, "version", 0))
			return C_VERSION;
		return C_COMPLEX;
	case AL | SP:
	case AL | SP | COL:
	case AL | SP | ID:
	case AL | SP | ID | COL:
	case AL | SP | DIG:
	case AL | SP | DIG | ID:
	case AL | SP | DIG | FLT:
	case AL | SP | DIG | ID | FLT:
		if (keywords && literal_is(begin, "defined", 0))
			return C_IFDEF;
		return C_COMPLEX;
	}
	if ((set & MAC) && (set & ~(MON | ID | AL | DIG | MAC | COL)) == 0)
		return C_MACRO;
	return C_COMPLEX;
}

/* Classify an if condition by the kinds of characters in it, as
 * HTCondor's Characterize_config_if_expression does, so that the same
 * conditions are accepted and refused. */
static int
classify(const char *expr, int keywords)
{
	const char	*p = expr, *begin;
	int		 set = 0, ch;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return C_EMPTY;
	begin = p;
	if (*p == '-')
		p++;
	while ((ch = (unsigned char)*p++) != '\0')
		set |= char_kind(ch, p, set);
	return class_of(expr, begin, set, keywords);
}

/* yes/no/t/f, HTCondor's "crufty" booleans. */
static int
crufty_bool(const char *s, int *result)
{
	if (literal_is(s, "yes", 1) || literal_is(s, "t", 1)) {
		*result = 1;
		return 1;
	}
	if (literal_is(s, "no", 1) || literal_is(s, "f", 1)) {
		*result = 0;
		return 1;
	}
	return 0;
}

/* Read up to three dot-separated version numbers; returns how many. */
static int
parse_version(const char *p, long v[3])
{
	int	 n = 0, digits;

	while (n < 3) {
		if (!isdigit((unsigned char)*p))
			break;
		v[n] = 0;
		for (digits = 0; isdigit((unsigned char)*p); p++)
			if (++digits <= 9)
				v[n] = v[n] * 10 + (*p - '0');
		n++;
		if (*p != '.')
			break;
		p++;
	}
	return n;
}

/* Evaluate `version OP X.Y[.Z]` against HTCONDOR_VERSION. */
static int
eval_version(const char *expr, int *result, const char **reason)
{
	const long	 ours[3] = { HTCONDOR_VERSION_MAJOR,
			    HTCONDOR_VERSION_MINOR, HTCONDOR_VERSION_PATCH };
	const char	*p = expr + 7;
	long		 v[3];
	int		 op = 0, or_equal = 0, negated, n, cmp = 0, i;

	while (isspace((unsigned char)*p))
		p++;
	negated = *p == '!';
	if (negated)
		p++;
	if (*p >= '<' && *p <= '>')
		op = *p++ - '=';
	if (*p == '=') {
		or_equal = 1;
		p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p == 'v' || *p == 'V')
		p++;
	n = parse_version(p, v);
	if (n < 2 || v[0] < 6) {
		*reason = "the version literal is invalid";
		return -1;
	}
	if (n < 3)
		v[2] = ours[2];
	for (i = 0; i < 3 && cmp == 0; i++)
		cmp = ours[i] < v[i] ? -1 : ours[i] > v[i];
	*result = cmp == op || (or_equal && cmp == 0);
	if (negated)
		*result = !*result;
	return 0;
}

/* Evaluate one if condition after expansion: booleans, numbers, version,
 * defined.  Returns 0, or -1 with *REASON (maybe NULL). */
static int
eval_if(struct config *cf, const char *expr, int *result, const char **reason)
{
	const char	*p, *v;
	char		*end;
	int		 c = classify(expr, 1), c2;

	if (c == C_NUMBER) {
		*result = strtod(expr, &end) != 0;
		return 0;
	}
	if (c == C_BOOL) {
		*result = literal_is(expr, "true", 1);
		return 0;
	}
	if (c == C_IDENT && crufty_bool(expr, result))
		return 0;
	if (c == C_VERSION)
		return eval_version(expr, result, reason);
	if (c == C_IFDEF) {
		p = expr + 7;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0') {
			*result = 0;
			return 0;
		}
		c2 = classify(p, 0);
		if (c2 == C_IDENT) {
			v = cf_lookup(cf, p);
			if (v == NULL && crufty_bool(p, result))
				v = "true";
			*result = v != NULL && *v != '\0';
		} else if (c2 == C_NUMBER || c2 == C_BOOL)
			*result = 1;
		else if (strncasecmp(p, "use ", 4) == 0) {
			p += 4;
			while (isspace((unsigned char)*p))
				p++;
			*result = 0;
			if (metaknob_category(p)) {
				v = strchr(p, ':');
				if (v == NULL || v[1] == '\0' ||
				    metaknob_text(p, v + 1) != NULL)
					*result = 1;
			}
			if (strpbrk(p, " \t\r") != NULL) {
				*reason = "defined use meta argument with internal "
				    "spaces will never match";
				return -1;
			}
		} else {
			*reason = "defined argument must be param name, boolean, "
			    "or number";
			return -1;
		}
		return 0;
	}
	*reason = c == C_COMPLEX ? "complex conditionals are not supported" :
	    "expression is not a conditional";
	return -1;
}

/* Expand (when it holds a $), apply a leading !, and evaluate. */
static int
test_if(struct config *cf, const char *expr, int *result, const char **reason)
{
	struct buf	 err = BUF_INIT;
	char		*exp = NULL;
	size_t		 n;
	int		 inverted = 0, value = 0, rc = 0;

	*reason = NULL;
	if (strchr(expr, '$') != NULL) {
		if ((exp = cf_expand(cf, expr, &err)) == NULL) {
			buf_free(&err);
			return -1;
		}
		for (n = strlen(exp); n > 0 &&
		    isspace((unsigned char)exp[n - 1]); n--)
			exp[n - 1] = '\0';
		expr = exp;
	}
	while (isspace((unsigned char)*expr))
		expr++;
	if (*expr == '!') {
		inverted = 1;
		expr++;
		while (isspace((unsigned char)*expr))
			expr++;
	}
	if (exp != NULL && *expr == '\0')
		value = 0;
	else
		rc = eval_if(cf, expr, &value, reason);
	*result = inverted ? !value : value;
	free(exp);
	buf_free(&err);
	return rc;
}

static int
if_enabled(const struct ifstack *s)
{
	unsigned long long mask = s->top | (s->top - 1);

	return (s->state & mask) == mask;
}

/* Does LINE start with the keyword KW, followed by a blank or nothing?
 * The if keywords are words of their own, so `ifx = 1` is an assignment. */
static int
if_keyword(const char *line, const char *kw)
{
	size_t	 n = strlen(kw);

	return strncasecmp(line, kw, n) == 0 &&
	    (line[n] == '\0' || isspace((unsigned char)line[n]));
}

/* The condition after the keyword KW of LINE, blanks skipped. */
static const char *
if_condition(const char *line, const char *kw)
{
	const char	*expr = line + strlen(kw);

	while (isspace((unsigned char)*expr))
		expr++;
	return expr;
}

/* Evaluate the condition EXPR of keyword KW into *TAKEN, but only when
 * *TAKEN says the branch could be taken at all: HTCondor does not look at
 * the conditions of branches it skips, so their errors go unseen. */
static int
if_test(struct config *cf, const char *kw, const char *expr, int *taken,
    struct buf *emsg)
{
	const char	*reason;

	if (*taken && test_if(cf, expr, taken, &reason) == -1) {
		buf_addf(emsg, "%s is not a valid %s condition", expr, kw);
		if (reason != NULL)
			buf_addf(emsg, " because %s", reason);
		return -1;
	}
	return 0;
}

/* `if COND`: open a nesting level whose branch is on when the enclosing
 * levels are on and COND holds.  Returns 1, or -1 with EMSG. */
static int
if_open(struct config *cf, struct ifstack *s, const char *expr,
    struct buf *emsg)
{
	int	 taken = if_enabled(s);

	if (if_test(cf, "if", expr, &taken, emsg) == -1)
		return -1;
	s->top <<= 1;
	if (s->top == 0 || s->top > (1ull << CONFIG_MAX_IF_DEPTH)) {
		buf_adds(emsg, "if nesting too deep!");
		return -1;
	}
	s->istate |= s->top;
	if (taken) {
		s->state |= s->top;
		s->estate |= s->top;
	} else {
		s->state &= ~s->top;
		s->estate &= ~s->top;
	}
	return 1;
}

/* `elif COND`: the branch is on when no earlier branch of this level was
 * taken, the enclosing levels are on and COND holds.  The condition is
 * checked before the nesting, as HTCondor does, so that its error wins.
 * Returns 1, or -1 with EMSG. */
static int
if_elif(struct config *cf, struct ifstack *s, const char *expr,
    struct buf *emsg)
{
	int	 taken = !(s->estate & s->top) &&
		    (s->state & (s->top - 1)) == s->top - 1;

	if (if_test(cf, "elif", expr, &taken, emsg) == -1)
		return -1;
	if (!(s->istate & s->top) || s->top <= 1) {
		buf_adds(emsg, s->top > 1 && !(s->istate & s->top) ?
		    "elif is not allowed after else" :
		    "elif without matching if");
		return -1;
	}
	if (s->estate & s->top)
		s->state &= ~s->top;
	else if (taken) {
		s->estate |= s->top;
		s->state |= s->top;
	} else
		s->state &= ~s->top;
	return 1;
}

/* `else`: the branch is on when no earlier branch of this level was
 * taken; a second else on one level is an error.  Returns 1, or -1. */
static int
if_else(struct ifstack *s, struct buf *emsg)
{
	if (!(s->istate & s->top) || s->top <= 1) {
		buf_adds(emsg, s->top > 1 && !(s->istate & s->top) ?
		    "else is not allowed after else" :
		    "else without matching if");
		return -1;
	}
	s->istate &= ~s->top;
	if ((s->estate | s->state) & s->top)
		s->state &= ~s->top;
	else
		s->state |= s->top;
	return 1;
}

/* `endif`: close the level; one too many resets the stack so that the
 * error is reported once.  Returns 1, or -1 with EMSG. */
static int
if_close(struct ifstack *s, struct buf *emsg)
{
	s->istate &= ~s->top;
	s->top >>= 1;
	if (s->top == 0) {
		s->top = s->state = 1;
		s->istate = s->estate = 0;
		buf_adds(emsg, "endif without matching if");
		return -1;
	}
	return 1;
}

/* Handle if/elif/else/endif lines, which steer what the other lines do:
 * returns 1 when LINE was one, 0 when it was not, -1 with EMSG on an
 * error. */
static int
line_is_if(struct config *cf, struct ifstack *s, const char *line,
    struct buf *emsg)
{
	if (if_keyword(line, "if"))
		return if_open(cf, s, if_condition(line, "if"), emsg);
	if (if_keyword(line, "elif"))
		return if_elif(cf, s, if_condition(line, "elif"), emsg);
	if (if_keyword(line, "else"))
		return if_else(s, emsg);
	if (if_keyword(line, "endif"))
		return if_close(s, emsg);
	return 0;
}

/* Only blanks? */
static int
blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return *s == '\0';
}

/* The arguments of a knob, `(args)` at *PP: everything up to the matching
 * parenthesis, brackets counted too.  *PP moves past them and the blanks
 * after.  Returns the arguments, or NULL when there are none (an
 * unmatched parenthesis is skipped alone). */
static char *
knob_args(const char **pp)
{
	const char	*p = *pp, *a;
	char		*args = NULL;
	int		 level;

	if (*p != '(')
		return NULL;
	for (a = p + 1, level = 1; *a && level > 0; a++) {
		if (*a == '(' || *a == '[')
			level++;
		else if (*a == ')' || *a == ']')
			level--;
	}
	if (level == 0) {
		args = strndup(p + 1, (size_t)(a - 1 - (p + 1)));
		p = a;
	} else
		p++;
	while (isspace((unsigned char)*p))
		p++;
	*pp = p;
	return args;
}

/* Parse the template of CAT:KNOB, its $(N) replaced by ARGS (may be NULL),
 * in place of the use line, one level deeper.  An unknown knob is only a
 * warning, as in HTCondor.  Returns 0 or the parse's error. */
static int
apply_knob(struct config *cf, struct cfsrc *src, int depth, const char *cat,
    const char *knob, const char *args, struct buf *emsg)
{
	const char	*text;
	char		*exp;
	struct cfsrc	 ms;
	int		 rc;

	if ((text = metaknob_text(cat, knob)) == NULL) {
		cf_warnf(cf, "Config source Warning \"%s\", Line %d: use "
		    "%.*s: does not recognise %s; ignored", src->name,
		    src->line, (int)strcspn(cat, ":"), cat, knob);
		return 0;
	}
	if ((exp = cf_expand_meta_args(text, args != NULL ? args : "")) ==
	    NULL)
		return -1;
	ms.name = src->name;
	ms.text = exp;
	ms.len = strlen(exp);
	ms.pos = 0;
	ms.line = 0;
	rc = cf_parse(cf, &ms, depth + 1, emsg);
	free(exp);
	if (rc < 0 && emsg->len == 0)
		buf_addf(emsg, "use %.*s: %s is invalid",
		    (int)strcspn(cat, ":"), cat, knob);
	return rc < 0 ? rc : 0;
}

/* Apply `use CAT : KNOB[(args)] ...` by parsing each template in place.
 * An unknown category or knob is a warning, never a failure. */
static int
use_metaknob(struct config *cf, struct cfsrc *src, int depth, const char *cat,
    const char *rhs, struct buf *emsg)
{
	const char	*p = rhs, *e;
	char		*knob, *args;
	int		 rc;

	if (*cat == '\0') {
		cf_warnf(cf, "Config source Warning \"%s\", Line %d: use needs "
		    "a keyword before : %s", src->name, src->line, rhs);
		return 0;
	}
	if (depth + 1 >= CONFIG_MAX_DEPTH) {
		buf_adds(emsg, "metaknobs nested too deep");
		return -2;
	}
	for (;;) {
		while (*p && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (*p == '\0')
			return 0;
		for (e = p; *e && !isspace((unsigned char)*e) && *e != ',' &&
		    *e != '('; e++)
			;
		knob = strndup(p, (size_t)(e - p));
		p = e;
		while (isspace((unsigned char)*p))
			p++;
		args = knob_args(&p);
		if (knob == NULL) {
			free(args);
			return -1;
		}
		rc = apply_knob(cf, src, depth, cat, knob, args, emsg);
		free(knob);
		free(args);
		if (rc < 0)
			return rc;
	}
}

/* Read the file NAME (include) and parse it one level deeper.  Returns
 * 0 (or 0 when IFEXIST and missing), or the parse result. */
static int
include_file(struct config *cf, struct cfsrc *src, int depth,
    const char *name, int ifexist, struct buf *emsg)
{
	struct cfsrc	 in;
	struct buf	 err = BUF_INIT;
	char		*text = NULL;
	size_t		 len = 0;
	int		 rc;

	in.name = name;
	in.line = 0;
	if (cf->no_files) {
		buf_reset(emsg);
		buf_adds(emsg, "include is not allowed here");
		rc = -1;
	} else if (cf_read_file(name, &text, &len, &err) == -1) {
		if (ifexist) {
			/* HTCondor keeps this message; a later error prints it */
			buf_reset(emsg);
			buf_addf(emsg, "%s", buf_str(&err));
			buf_free(&err);
			return 0;
		}
		buf_reset(emsg);
		buf_addf(emsg, "%s", buf_str(&err));
		rc = -1;
	} else if (depth + 1 >= CONFIG_MAX_DEPTH) {
		buf_reset(emsg);
		buf_adds(emsg, "includes nested too deep");
		rc = -2;
	} else {
		in.text = text;
		in.len = len;
		in.pos = 0;
		rc = cf_parse(cf, &in, depth + 1, emsg);
	}
	if (rc < 0) {
		cf_logf(cf, "Config source Error \"%s\", Line %d, Include Depth "
		    "%d: %s\n", name, in.line, depth + 1, buf_str(emsg));
		buf_reset(emsg);
	}
	free(text);
	buf_free(&err);
	return rc;
}

/* Parse the words between `include` and its colon: [ifexist|ifexists].
 * Commands (`include command`, `output`, `into`, a trailing |) are not
 * run by this reader. */
static int
include_options(const char *words, int *ifexist)
{
	char	 w[16];
	size_t	 n;

	*ifexist = 0;
	while (*words) {
		while (isspace((unsigned char)*words))
			words++;
		if (*words == '\0')
			break;
		n = strcspn(words, " \t");
		if (n >= sizeof(w))
			return -1;
		memcpy(w, words, n);
		w[n] = '\0';
		words += n;
		if (strcmp(w, "ifexist") == 0 || strcmp(w, "ifexists") == 0)
			*ifexist = 1;
		else
			return -1;
	}
	return 0;
}

/* Take one LINE of the heredoc of *HNAME into HERE; the line @TAG ends it
 * and defines the name, its own $(NAME) expanded now as in any
 * assignment.  Returns 0, or -1 (the value too long, a bad expansion or
 * a full table). */
static int
heredoc_line(struct config *cf, struct cfsrc *src, const char *line,
    struct buf *here, char **hname, char **htag, struct buf *emsg)
{
	char	*v;

	if (line[0] == '@' && strcmp(*htag, line + 1) == 0) {
		v = cf_expand_self(cf, buf_str(here), *hname, emsg);
		if (v == NULL || cf_set(cf, *hname, v) == -1) {
			free(v);
			return -1;
		}
		free(v);
		free(*hname);
		free(*htag);
		*hname = *htag = NULL;
		buf_reset(here);
		return 0;
	}
	if (here->len > 0)
		buf_addc(here, '\n');
	if (buf_adds(here, line) == -1) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: "
		    "value is too long\n", src->name, src->line);
		return -1;
	}
	return 0;
}

/* HTCondor allows a colon before an if line (":if"), and before any line
 * inside an if, where it is dropped; elsewhere it starts a statement. */
static char *
skip_if_colon(char *line, const struct ifstack *s)
{
	if (*line == ':' && (s->top > 1 || (line[1] == 'i' &&
	    line[2] == 'f' && (isspace((unsigned char)line[3]) ||
	    line[3] == '\0'))))
		line++;
	return line;
}

/* Parse the configuration source SRC at include depth DEPTH.  Returns 0;
 * a negative value on an error (messages are in cf->log, and EMSG may
 * hold the reason the caller prints); or a positive `error N :` code,
 * which stops this source without failing. */
int
cf_parse(struct config *cf, struct cfsrc *src, int depth, struct buf *emsg)
{
	struct buf	 lb = BUF_INIT, here = BUF_INIT;
	struct ifstack	 ifs = { 1, 0, 0, 1 };
	char		*line, *hname = NULL, *htag = NULL;
	int		 rv = 0, r, at_eof = 0;

	lb.cap = CONFIG_MAX_LINE_BYTES;
	here.cap = CONFIG_MAX_VALUE_BYTES;
	for (;;) {
		if ((r = get_line(src, &lb)) == -1) {
			cf_logf(cf, "Config source Error \"%s\", Line %d: line is "
			    "too long\n", src->name, src->line);
			rv = -1;
			break;
		}
		if (r == 0) {
			if (hname != NULL) {
				cf_logf(cf, "Config source Found end-of-file while "
				    "scanning for '@%s' in %s\n", htag, src->name);
				rv = -1;
				at_eof = 1;
			}
			break;
		}
		line = lb.data;
		if (*line == '#' || blank(line))
			continue;
		if (hname != NULL) {
			if (heredoc_line(cf, src, line, &here, &hname, &htag,
			    emsg) == -1) {
				rv = -1;
				break;
			}
			continue;
		}
		line = skip_if_colon(line, &ifs);
		if ((r = line_is_if(cf, &ifs, line, emsg)) == -1) {
			rv = -1;
			break;
		}
		if (r == 1 || !if_enabled(&ifs))
			continue;
		if ((rv = statement(cf, src, depth, line, emsg, &hname,
		    &htag)) != 0)
			break;
	}
	/* HTCondor checks the if nesting only when it reached the end */
	if ((rv == 0 || at_eof) && ifs.top > 1) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: \n", src->name,
		    src->line);
		buf_reset(emsg);
		buf_adds(emsg, "endif(s) not found before end-of-file");
		rv = -1;
	}
	free(hname);
	free(htag);
	buf_free(&lb);
	buf_free(&here);
	return rv;
}

/* Is NAME a legal parameter name (identifier characters only)? */
static int
valid_name(const char *name)
{
	if (*name == '\0')
		return 0;
	for (; *name; name++)
		if (!cf_is_idchar(*name))
			return 0;
	return 1;
}

#define ISOP(c)	((c) == '=' || (c) == ':')

/* One statement line taken apart in place: NAME OP RHS, or KEYWORD WORDS
 * : RHS for include, use and error. */
struct stmt {
	char	*name;		/* the first word */
	char	*opat;		/* where the operator was (a NUL after split) */
	char	*words;		/* between keyword and operator, or NULL */
	char	*rhs;		/* after the operator, blanks skipped */
	char	 op;		/* '=', ':', '@' (for @=) or '+' (for +=) */
	char	 sep;		/* the separator of +,= +;= etc., or 0 */
	int	 dbl;		/* 1, or 2 when the separator is doubled */
};

/* The statements with a keyword before a colon. */
enum { K_NONE, K_INCLUDE, K_USE, K_ERROR, K_WARNING };

/* Read the operator that follows blanks after the first word, starting at
 * PTR: = or :, @=, or += with an optional (doubled) separator in between,
 * as HTCondor's Parse_macros allows.  Words before it stay for the
 * keyword statements.  Returns the first byte after the operator, with
 * st->op 0 when there is none. */
static char *
later_operator(char *ptr, struct stmt *st)
{
	while (isspace((unsigned char)*ptr))
		ptr++;
	while (*ptr && !ISOP(*ptr) && *ptr != '@' && *ptr != '+')
		ptr++;
	st->opat = ptr;
	st->op = *ptr;
	if (st->op == '\0')
		return ptr;
	ptr++;
	if (st->op == '+' && *ptr && strchr(",;|&*", *ptr) != NULL) {
		st->sep = *ptr++;
		st->dbl = 1;
		if (*ptr == st->sep) {
			st->dbl = 2;
			ptr++;
		}
	}
	if ((st->op == '@' || st->op == '+') && *ptr != '=')
		st->op = 0;
	else if (st->op == '@' || st->op == '+')
		ptr++;
	return ptr;
}

/* Split LINE into ST in place.  Returns 0; 1 for a [section] line, which
 * HTCondor ignores; -1 when there is no operator (a syntax error). */
static int
split_statement(char *line, struct stmt *st)
{
	char	*ptr = line;

	memset(st, 0, sizeof(*st));
	st->name = line;
	while (*ptr && !isspace((unsigned char)*ptr) && !ISOP(*ptr))
		ptr++;
	if (*ptr == '\0')
		return line[0] == '[' ? 1 : -1;
	st->opat = ptr;
	st->op = *ptr;
	*ptr++ = '\0';
	if (!ISOP(st->op))
		ptr = later_operator(ptr, st);
	if (!ISOP(st->op) && st->op != '@' && st->op != '+')
		return -1;
	while (isspace((unsigned char)*ptr))
		ptr++;
	st->rhs = ptr;
	return 0;
}

/* Which keyword statement ST is, if any: only before a colon, and an @
 * in front of the keyword is allowed. */
static int
keyword_of(const struct stmt *st)
{
	const char	*kw = st->name + (*st->name == '@');

	if (st->op != ':')
		return K_NONE;
	if (strcasecmp(kw, "include") == 0)
		return K_INCLUDE;
	if (strcasecmp(kw, "use") == 0)
		return K_USE;
	if (strcasecmp(kw, "error") == 0)
		return K_ERROR;
	if (strcasecmp(kw, "warning") == 0)
		return K_WARNING;
	return K_NONE;
}

/* Cut out the words between the keyword and the colon (the options of
 * include, the category of use, the code of error) into st->words. */
static void
keyword_words(struct stmt *st)
{
	char	*p = st->name + strlen(st->name) + 1;

	if (p >= st->opat)
		return;
	*st->opat = '\0';
	while (p < st->opat && isspace((unsigned char)*p))
		p++;
	if (p < st->opat)
		st->words = p;
}

/* `error [N] : text` and `warning : text`: print the expanded text.  An
 * error stops this source: with a code N (not 0, below a million either
 * way) that code is returned so the caller can go on; otherwise -1. */
static int
st_message(struct config *cf, struct cfsrc *src, const struct stmt *st,
    int is_error)
{
	struct buf	 err = BUF_INIT;
	char		*value;
	int		 code = is_error ? -1 : 0;
	long		 lcode;

	if (is_error && st->words != NULL) {
		errno = 0;
		lcode = strtol(st->words, NULL, 10);
		if (errno == 0 && lcode != 0 && lcode > -1000000 &&
		    lcode < 1000000)
			code = (int)lcode;
	}
	value = cf_expand(cf, st->rhs, &err);
	if (is_error)
		cf_logf(cf, "Config source Error \"%s\", Line %d: %s\n",
		    src->name, src->line, value ? value : "");
	else
		cf_warnf(cf, "Config source Warning \"%s\", Line %d: %s",
		    src->name, src->line, value ? value : "");
	free(value);
	buf_free(&err);
	return code;
}

/* `include [ifexist] : FILE`: read the expanded file name one level
 * deeper.  Commands are refused, since this reader runs nothing; an
 * `error N` code inside the file ends only that file. */
static int
st_include(struct config *cf, struct cfsrc *src, int depth,
    const struct stmt *st, struct buf *emsg)
{
	struct buf	 err = BUF_INIT;
	char		*xname = NULL;
	int		 rv, ifexist = 0;

	if (st->words != NULL && include_options(st->words, &ifexist) == -1) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: "
		    "unexpected keyword(s) '%s' after include\n",
		    src->name, src->line, st->words);
		rv = -1;
	} else if ((xname = cf_expand(cf, st->rhs, &err)) == NULL) {
		buf_reset(emsg);
		buf_addf(emsg, "%s", buf_str(&err));
		rv = -1;
	} else if (strchr(xname, '|') != NULL) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: include "
		    "of a command is not supported\n", src->name, src->line);
		rv = -1;
	} else if ((rv = include_file(cf, src, depth, xname, ifexist,
	    emsg)) > 0)
		rv = 0;
	free(xname);
	buf_free(&err);
	return rv;
}

/* `use CATEGORY : KNOB ...`: the category is the expanded words before
 * the colon, trailing blanks cut, so that `use role : x` works. */
static int
st_use(struct config *cf, struct cfsrc *src, int depth, struct stmt *st,
    struct buf *emsg)
{
	struct buf	 err = BUF_INIT;
	char		*xname, *t;
	int		 rv;

	if (st->words != NULL)
		for (t = st->opat - 1; t > st->words &&
		    isspace((unsigned char)*t); t--)
			*t = '\0';
	if ((xname = cf_expand(cf, st->words != NULL ? st->words : "",
	    &err)) == NULL) {
		buf_free(&err);
		return -1;
	}
	rv = use_metaknob(cf, src, depth, xname, st->rhs, emsg);
	if (rv < 0)
		cf_logf(cf, "Config source Error \"%s\", Line %d: at use "
		    "%s:%s\n", src->name, src->line, xname, st->rhs);
	free(xname);
	buf_free(&err);
	return rv;
}

/* The expanded name NAME assigns to, or NULL after logging why it is not
 * a legal parameter name.  ERR collects the expansion's reason. */
static char *
assigned_name(struct config *cf, struct cfsrc *src, const char *name,
    struct buf *err)
{
	char	*xname;

	if ((xname = cf_expand(cf, name, err)) == NULL) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: %s\n",
		    src->name, src->line, buf_str(err));
		return NULL;
	}
	if (!valid_name(xname)) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: Illegal "
		    "Identifier: <%s>\n", src->name, src->line, xname);
		free(xname);
		return NULL;
	}
	return xname;
}

/* `NAME @=TAG`: the lines up to `@TAG` become the value of NAME, so the
 * caller keeps the name XNAME (taken over here) and the tag. */
static int
heredoc_start(char *xname, const char *tag, char **hname, char **htag)
{
	free(*hname);
	free(*htag);
	*hname = xname;
	*htag = strdup(tag);
	return *htag == NULL ? -1 : 0;
}

/* The text `NAME += RHS` stands for: the current value, the separator
 * (a blank by default, a doubled one with blanks around it) and RHS, or
 * RHS alone when NAME has no value yet.  PLUS holds the joined text. */
static const char *
appended_text(struct config *cf, const char *xname, const struct stmt *st,
    struct buf *plus)
{
	const char	*cur = cf_lookup(cf, xname);

	if (cur == NULL || *cur == '\0')
		return st->rhs;
	buf_adds(plus, cur);
	if (st->sep && st->dbl > 1)
		buf_addf(plus, " %c%c ", st->sep, st->sep);
	else
		buf_addc(plus, st->sep ? st->sep : ' ');
	buf_adds(plus, st->rhs);
	return buf_str(plus);
}

/* Set XNAME to the value of the assignment ST, its own $(XNAME) expanded
 * now (the old value) and every other macro left for lookup time. */
static int
assign_value(struct config *cf, struct cfsrc *src, const struct stmt *st,
    const char *xname, struct buf *err)
{
	struct buf	 plus = BUF_INIT;
	const char	*text = st->rhs;
	char		*value;
	int		 rv = 0;

	if (st->op == '+')
		text = appended_text(cf, xname, st, &plus);
	if ((value = cf_expand_self(cf, text, xname, err)) == NULL) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: %s\n",
		    src->name, src->line, buf_str(err));
		rv = -1;
	} else if (cf_set(cf, xname, value) == -1) {
		cf_logf(cf, "Config source Error \"%s\", Line %d: too many "
		    "parameters or out of memory\n", src->name, src->line);
		rv = -1;
	}
	free(value);
	buf_free(&plus);
	return rv;
}

/* `NAME = value`, `NAME += value`, `NAME @=TAG`, and the obsolete
 * `NAME : value`, which HTCondor still takes with a warning. */
static int
st_assign(struct config *cf, struct cfsrc *src, struct stmt *st,
    char **hname, char **htag)
{
	struct buf	 err = BUF_INIT;
	char		*xname;
	int		 rv;

	if (st->op == ':') {
		st->op = '=';
		if (strcasecmp(st->name, "RunBenchmarks") != 0)
			cf_warnf(cf, "Config source Warning \"%s\", Line %d: "
			    "obsolete use of ':' for parameter assignment at "
			    "%s : %s", src->name, src->line, st->name, st->rhs);
	}
	if ((xname = assigned_name(cf, src, st->name, &err)) == NULL)
		rv = -1;
	else if (st->op == '@')
		rv = heredoc_start(xname, st->rhs, hname, htag);
	else {
		rv = assign_value(cf, src, st, xname, &err);
		free(xname);
	}
	buf_free(&err);
	return rv;
}

/* One statement that is not an if line: an assignment, heredoc start,
 * include, use, error or warning.  LINE may be modified. */
static int
statement(struct config *cf, struct cfsrc *src, int depth, char *line,
    struct buf *emsg, char **hname, char **htag)
{
	struct stmt	 st;
	int		 r, kw;

	if ((r = split_statement(line, &st)) != 0)
		return r == 1 ? 0 : -1;
	kw = keyword_of(&st);
	if (kw == K_INCLUDE || kw == K_USE || kw == K_ERROR)
		keyword_words(&st);
	switch (kw) {
	case K_ERROR:
	case K_WARNING:
		return st_message(cf, src, &st, kw == K_ERROR);
	case K_INCLUDE:
		return st_include(cf, src, depth, &st, emsg);
	case K_USE:
		return st_use(cf, src, depth, &st, emsg);
	}
	return st_assign(cf, src, &st, hname, htag);
}

/* Parse TEXT (LEN bytes) as if it were a root configuration file named
 * NAME: the entry point of the fuzzer and of tests that need no files.
 * Returns 0, or -1 with the messages in cf->log. */
int
cf_parse_mem(struct config *cf, const char *text, size_t len,
    const char *name, struct buf *emsg)
{
	struct cfsrc	 src = { name, text, len, 0, 0 };
	int		 rc;

	rc = cf_parse(cf, &src, 0, emsg);
	if (rc < 0) {
		cf_logf(cf, "Configuration Error Line %d while reading global "
		    "config source %s\n", src.line, name);
		if (emsg->len > 0)
			cf_logf(cf, "%s\n", buf_str(emsg));
		return -1;
	}
	return 0;
}
