/*
 * rand.c — random numbers for the languages' $RANDOM_* functions.
 */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util/rand.h"

/* HTCondor seeds its macro functions' generator from the clock; the pid
 * keeps two requests in the same second apart. */
unsigned long
random_ul(void)
{
	static int	 seeded;

	if (!seeded) {
		srandom((unsigned)time(NULL) ^ (unsigned)getpid());
		seeded = 1;
	}
	return (unsigned long)random();
}
