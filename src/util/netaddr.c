/*
 * netaddr.c — addresses and CIDR blocks in one 16-byte form.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/netaddr.h"

/* TEXT (a whole numeric address, no prefix) into its 16-byte form; *V4
 * says whether it was written as IPv4.  0, or -1. */
static int
addr_parse(const char *text, unsigned char addr[16], int *v4)
{
	struct in_addr	a4;

	*v4 = 0;
	if (inet_pton(AF_INET, text, &a4) == 1) {
		memset(addr, 0, 10);
		addr[10] = addr[11] = 0xff;
		memcpy(addr + 12, &a4, 4);
		*v4 = 1;
		return 0;
	}
	return inet_pton(AF_INET6, text, addr) == 1 ? 0 : -1;
}

/* Do the first PREFIX bits of A and B agree? */
static int
prefix_equal(const unsigned char a[16], const unsigned char b[16], int prefix)
{
	int	full = prefix / 8, rest = prefix % 8;
	unsigned char mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

/* Are all bits of ADDR after the first PREFIX zero? */
static int
host_bits_zero(const unsigned char addr[16], int prefix)
{
	int	i, bits;

	for (i = 0; i < 16; i++) {
		bits = prefix - 8 * i;
		if (bits >= 8)
			continue;
		if ((addr[i] & (bits <= 0 ? 0xff : 0xff >> bits)) != 0)
			return 0;
	}
	return 1;
}

int
netblock_parse(const char *text, struct netblock *out)
{
	char		 a[INET6_ADDRSTRLEN + 8], *slash, *end;
	long		 p;
	int		 v4;

	if (strlen(text) >= sizeof(a))
		return -1;
	strcpy(a, text);
	if ((slash = strchr(a, '/')) != NULL)
		*slash++ = '\0';
	if (addr_parse(a, out->addr, &v4) == -1)
		return -1;
	out->prefix = 128;
	if (slash == NULL)
		return 0;
	/* The prefix: 1 to 3 decimal digits, nothing else, within the
	 * address's family. */
	if (*slash < '0' || *slash > '9' || strlen(slash) > 3)
		return -1;
	p = strtol(slash, &end, 10);
	if (*end != '\0' || p > (v4 ? 32 : 128))
		return -1;
	out->prefix = (int)p + (v4 ? 96 : 0);
	/* Host bits set ("10.1.2.3/8") is most likely a typing error: the
	 * block it would name is not what was written. */
	return host_bits_zero(out->addr, out->prefix) ? 0 : -1;
}

int
netblock_parse_list(const char *text, struct netblock **out, size_t *n,
    char *err, size_t errlen)
{
	const char	*p = text, *e;
	char		 item[INET6_ADDRSTRLEN + 8];
	struct netblock	*list = NULL, *grown;
	size_t		 len;

	*out = NULL;
	*n = 0;
	for (;;) {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		e = p + strcspn(p, ", \t");
		len = (size_t)(e - p);
		if (len >= sizeof(item)) {
			snprintf(err, errlen, "\"%.64s\" is not an address "
			    "or CIDR block", p);
			goto fail;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if ((grown = reallocarray(list, *n + 1, sizeof(*list))) ==
		    NULL) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		list = grown;
		if (netblock_parse(item, &list[*n]) == -1) {
			snprintf(err, errlen, "\"%s\" is not an address or "
			    "CIDR block (host bits must be zero)", item);
			goto fail;
		}
		(*n)++;
		p = e;
	}
	*out = list;
	return 0;
fail:
	free(list);
	*n = 0;
	return -1;
}

int
netblock_match(const struct netblock *list, size_t n, const char *peer)
{
	unsigned char	 a[16];
	size_t		 i;
	int		 v4;

	if (peer == NULL || addr_parse(peer, a, &v4) == -1)
		return 0;
	for (i = 0; i < n; i++)
		if (prefix_equal(a, list[i].addr, list[i].prefix))
			return 1;
	return 0;
}

int
netaddr_is_loopback(const char *peer)
{
	static const struct netblock loop[2] = {
		{ { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff, 127,0,0,0 }, 104 },
		{ { 0,0,0,0, 0,0,0,0, 0,0,0,0, 0,0,0,1 }, 128 },
	};

	return netblock_match(loop, 2, peer);
}
