/*
 * test_classad_eval.c — the evaluator: three-valued logic, comparisons,
 * arithmetic, attribute references and the built-in functions a
 * constraint commonly uses.
 */
#include <string.h>

#include "classad/classad.h"
#include "classad/eval.h"
#include "tap.h"

static struct classad *ad;

/* Does TEXT (old syntax, as constraints are sent) match the test ad? */
static int
match(const char *text)
{
	struct classad_expr	*e;
	char			 err[128];
	int			 r;

	if (classad_parse_expr(text, CLASSAD_OLD_SYNTAX, &e, err,
	    sizeof(err)) == -1)
		return -1;
	r = classad_eval_match(e, ad);
	classad_expr_free(e);
	return r;
}

int
main(void)
{
	static const struct {
		const char	*expr;
		int		 want;
	} cases[] = {
		{ "true", 1 }, { "false", 0 }, { "undefined", 0 }, { "error", 0 },
		{ "1", 1 }, { "0", 0 }, { "0.5", 1 },
		{ "JobStatus == 1", 1 }, { "JobStatus == 2", 0 },
		{ "JobStatus != 2", 1 }, { "JobStatus >= 1 && JobStatus < 2", 1 },
		{ "ClusterId > 5 || (ClusterId == 5 && ProcId > 2)", 1 },
		{ "ClusterId > 5 || (ClusterId == 5 && ProcId > 3)", 0 },
		{ "Owner == \"ALICE\"", 1 },		/* == ignores case */
		{ "Owner =?= \"ALICE\"", 0 },	/* is does not */
		{ "Owner =?= \"alice\"", 1 },
		{ "Owner =!= \"bob\"", 1 },
		{ "NoSuch == 1", 0 },		/* undefined */
		{ "NoSuch =?= undefined", 1 },
		{ "NoSuch || true", 1 }, { "NoSuch && false", 0 },
		{ "!(NoSuch && true)", 0 },	/* !undefined is undefined */
		{ "!(JobStatus == 2)", 1 },
		{ "Owner == 1", 0 },		/* type clash: error */
		{ "RequestMemory * 2 == 256", 1 },
		{ "RequestMemory / 3 == 42", 1 },	/* integer division */
		{ "RequestMemory / 3.0 > 42.6", 1 },
		{ "RequestMemory % 5 == 3", 1 },
		{ "7.5 % 2 == 1.5", 1 }, { "-7.5 % 2 == -1.5", 1 },
		{ "1.0 % 0 == 0", 0 },
		{ "1 / 0 == 1", 0 },		/* error */
		{ "-ProcId == -3", 1 },
		{ "Self == 1", 0 },			/* cycle: error */
		{ "Doubled == 256", 1 },		/* reference chain */
		{ "MY.JobStatus == 1", 1 }, { "TARGET.JobStatus == 1", 0 },
		{ "JobStatus == 1 ? true : false", 1 },
		{ "NoSuch ?: 7 == 7", 1 },
		{ "isUndefined(NoSuch)", 1 }, { "isUndefined(Owner)", 0 },
		{ "isString(Owner) && isInteger(ProcId)", 1 },
		{ "toUpper(Owner) =?= \"ALICE\"", 1 },
		{ "size(Owner) == 5", 1 },
		{ "member(JobStatus, { 1, 2, 5 })", 1 },
		{ "member(JobStatus, { 2, 5 })", 0 },
		{ "regexp(\"^al\", Owner)", 1 }, { "regexp(\"^AL\", Owner)", 0 },
		{ "regexp(\"^AL\", Owner, \"i\")", 1 },
		{ "ifThenElse(JobStatus == 1, 1, 0)", 1 },
		{ "int(2.7) == 2", 1 }, { "real(2) == 2.0", 1 },
		{ "strcmp(Owner, \"alice\") == 0", 1 },
		{ "time() > 1700000000", 1 },
		{ "Nested.Inner == 4", 1 },
		{ "{ 10, 20, 30 }[1] == 20", 1 },
		{ "nosuchfunction(1)", 0 },
	};
	char	err[128];
	size_t	i;
	int64_t	v;
	struct classad_expr *e;

	ad = classad_new();
	classad_insert_wire(ad, "ClusterId = 5", err, sizeof(err));
	classad_insert_wire(ad, "ProcId = 3", err, sizeof(err));
	classad_insert_wire(ad, "JobStatus = 1", err, sizeof(err));
	classad_insert_wire(ad, "Owner = \"alice\"", err, sizeof(err));
	classad_insert_wire(ad, "RequestMemory = 128", err, sizeof(err));
	classad_insert_wire(ad, "Doubled = RequestMemory * 2", err, sizeof(err));
	classad_insert_wire(ad, "Self = Self + 1", err, sizeof(err));
	classad_insert_wire(ad, "Nested = [ Inner = 4 ]", err, sizeof(err));
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		tap_ok(match(cases[i].expr) == cases[i].want, "eval: %s -> %d",
		    cases[i].expr, cases[i].want);
	classad_parse_expr("RequestMemory + ProcId", CLASSAD_OLD_SYNTAX, &e,
	    err, sizeof(err));
	tap_ok(classad_eval_int(e, ad, &v) == 0 && v == 131, "eval_int: 131");
	classad_expr_free(e);
	classad_parse_expr("Owner", CLASSAD_OLD_SYNTAX, &e, err, sizeof(err));
	tap_ok(classad_eval_int(e, ad, &v) == -1, "eval_int: a string is not");
	classad_expr_free(e);
	classad_free(ad);
	return tap_done();
}
