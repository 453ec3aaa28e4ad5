/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * inany.h - one type for IPv4 and IPv6 addresses
 *
 * tapir-user keeps every address as a struct in6_addr; an IPv4 address is
 * stored v4-mapped (::ffff:a.b.c.d, RFC 4291 2.5.5.2), so flow tables and
 * forwarding rules need one key type and one comparison.
 */
#ifndef TAPIR_USER_INANY_H
#define TAPIR_USER_INANY_H

#include <netinet/in.h>
#include <stdint.h>
#include <string.h>

/* inany_from4() - @a4 (network order) as a v4-mapped address */
static inline struct in6_addr inany_from4(struct in_addr a4)
{
	struct in6_addr a = { 0 };

	a.s6_addr[10] = 0xff;
	a.s6_addr[11] = 0xff;
	memcpy(&a.s6_addr[12], &a4, 4);
	return a;
}

/* inany_is4() - whether @a is v4-mapped */
static inline int inany_is4(const struct in6_addr *a)
{
	return IN6_IS_ADDR_V4MAPPED(a);
}

/* inany_to4() - the IPv4 address in a v4-mapped @a (network order) */
static inline struct in_addr inany_to4(const struct in6_addr *a)
{
	struct in_addr a4;

	memcpy(&a4, &a->s6_addr[12], 4);
	return a4;
}

/* inany_eq() - whether @a and @b are the same address */
static inline int inany_eq(const struct in6_addr *a, const struct in6_addr *b)
{
	return !memcmp(a, b, sizeof(*a));
}

/* inany_is_unspec() - :: or 0.0.0.0 (v4-mapped) */
static inline int inany_is_unspec(const struct in6_addr *a)
{
	static const struct in6_addr any = IN6ADDR_ANY_INIT;

	return inany_eq(a, &any) ||
	       (inany_is4(a) && !inany_to4(a).s_addr);
}

#endif /* TAPIR_USER_INANY_H */
