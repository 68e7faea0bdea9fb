/*
 * fuzz_config.c — libFuzzer harness for the configuration reader: the
 * input is parsed as a root configuration file from memory (includes
 * refused), then every defined name is expanded.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/buf.h"
#include "config/config.h"
#include "config/config_int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config	*cf;
	struct buf	 emsg = BUF_INIT;
	size_t		 i;

	if (size > 65536)
		return 0;
	if ((cf = cf_new("HTTP_API", "FUZZ")) == NULL)
		return 0;
	cf->no_files = 1;
	if (cf_parse_mem(cf, (const char *)data, size, "fuzz", &emsg) == 0) {
		for (i = 0; i < cf->names.cap; i++)
			if (cf->names.e[i].key != NULL)
				(void)config_value(cf, cf->names.e[i].key);
		(void)config_warnings(cf);
	}
	buf_free(&emsg);
	config_free(cf);
	return 0;
}
