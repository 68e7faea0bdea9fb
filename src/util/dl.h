/*
 * dl.h — a library loaded at the one place that needs it (dlopen), its
 * functions into a caller's table of pointers.  Every request is a new
 * process: a library linked into the program is loaded by every request
 * whether it needs it or not, so libraries only some routes use
 * (libarchive, libjwt) are loaded this way.
 */
#ifndef DL_H
#define DL_H

#include <stddef.h>

/* One function of the table: its name and where its pointer goes. */
struct dl_symbol {
	const char	*name;
	size_t		 offset;
};

/* Unless *LOADED says it is done already: open the first of NAMES
 * (NULL-terminated: the ABI-versioned name first) that loads, fill TABLE
 * with the N functions of SYMS, and set *LOADED; a missing function is as
 * bad as a missing library.  The library stays loaded for the life of the
 * process.  0, or -1 with ERR. */
int	dl_load(int *loaded, const char *const *names,
	    const struct dl_symbol *syms, size_t n, void *table, char *err,
	    size_t errlen);

#endif
