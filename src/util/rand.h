/*
 * rand.h — the random numbers of the configuration and submit languages'
 * $RANDOM_CHOICE() and $RANDOM_INTEGER().  Not for anything secret.
 */
#ifndef RAND_H
#define RAND_H

/* A random number from random(3), seeded on first use. */
unsigned long	random_ul(void);

#endif
