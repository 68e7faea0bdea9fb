/*
 * fuzz_submit.c — libFuzzer harness for the submit module: the input
 * (after a first byte of flags) is parsed as a submit description with
 * local files refused, and every proc is produced as a caller would send
 * it.  Bit 0 of the flags byte selects spool mode, bit 1 drops workdir.
 */
#include <stddef.h>
#include <stdint.h>

#include "classad/classad.h"
#include "submit/submit.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct submit_opts	 o = { 0 };
	struct submit_error	 err;
	struct submit		*s;
	const struct classad	*delta;
	int			 procid;

	if (size < 1 || size > 65536)
		return 0;
	o.spool = data[0] & 1;
	o.workdir = (data[0] & 2) ? NULL : "/nonexistent/fuzz";
	o.allow_local_files = 0;
	o.filesystem_domain = "fuzz.local";
	o.arch = "X86_64";
	o.opsys = "LINUX";
	o.qdate = 1700000000;
	o.submit_file = "fuzz.sub";
	o.max_procs = 64;
	if (submit_parse((const char *)data + 1, size - 1, &o, &s, &err) == -1)
		return 0;
	(void)submit_warning_count(s);
	if (submit_begin(s, 3, &err) == 0)
		while (submit_next_proc(s, &procid, &delta, &err) == 1)
			(void)classad_count(delta);
	submit_free(s);
	return 0;
}
