/*
 * dl.c — loading a library where it is needed.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "util/dl.h"

int
dl_load(int *loaded, const char *const *names, const struct dl_symbol *syms,
    size_t n, void *table, char *err, size_t errlen)
{
	void	*h = NULL, *f;
	size_t	 i;

	if (*loaded)
		return 0;
	for (i = 0; names[i] != NULL && h == NULL; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (h == NULL) {
		snprintf(err, errlen, "can't load %s: %s", names[0],
		    dlerror());
		return -1;
	}
	for (i = 0; i < n; i++) {
		if ((f = dlsym(h, syms[i].name)) == NULL) {
			snprintf(err, errlen, "%s has no %s", names[0],
			    syms[i].name);
			dlclose(h);
			return -1;
		}
		/* POSIX: a function pointer has the representation of the
		 * void * dlsym returns. */
		memcpy((char *)table + syms[i].offset, &f, sizeof(f));
	}
	*loaded = 1;
	return 0;
}
