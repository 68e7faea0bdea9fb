/*
 * netaddr.h — IPv4 and IPv6 addresses and CIDR blocks, one form for both
 * (an IPv4 address is held as its IPv4-mapped IPv6 address), so that a
 * peer that came in on an IPv6 socket as ::ffff:a.b.c.d matches the
 * IPv4 block that names it.  Used for HTTP_API_USER_HEADER_TRUSTED_PROXIES.
 */
#ifndef NETADDR_H
#define NETADDR_H

#include <stddef.h>

struct netblock {
	unsigned char	addr[16];	/* network address, host bits zero */
	int		prefix;		/* 0..128, in the IPv6 form */
};

/* Parse TEXT, an address or ADDRESS/PREFIX (IPv4 or IPv6, numeric only,
 * host bits of a block must be zero), into *OUT.  0, or -1. */
int	netblock_parse(const char *text, struct netblock *out);

/* Parse a list of blocks separated by commas and/or blanks into a new
 * array (*OUT, *N; free with free()).  An empty list gives *N = 0.  0, or
 * -1 with ERR naming the bad entry (or no memory). */
int	netblock_parse_list(const char *text, struct netblock **out,
	    size_t *n, char *err, size_t errlen);

/* Is the numeric address PEER (as getnameinfo or REMOTE_ADDR spell it)
 * inside one of the N blocks of LIST?  An unparsable PEER is in none. */
int	netblock_match(const struct netblock *list, size_t n,
	    const char *peer);

/* Is PEER a loopback address (127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104)? */
int	netaddr_is_loopback(const char *peer);

#endif
