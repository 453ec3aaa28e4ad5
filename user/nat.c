// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nat.c - where guest traffic goes on the host, and how host peers look
 *	   to the guest
 *
 * Theory of operation
 *
 * The guest lives in a small virtual network (opts.net, opts.net6) where
 * a few addresses are ours: the host (gateway) address, the DNS address
 * and the guestfwd servers.  Every other module asks this file, and only
 * this file, what a guest destination means on the host:
 *
 *   destination			host side
 *   ---------------------------------	------------------------------------
 *   DNS address, port 53 (TCP, UDP)	the first upstream resolver
 *   guestfwd addr:port (TCP)		its HOST:PORT target, resolved once;
 *					for a cmd: rule -ENETUNREACH, and
 *					nat_gfwd_cmd() names the rule (tcp.c
 *					runs its command, spawn.c)
 *   anything, with restrict=on		-EPERM
 *   host address			127.0.0.1 / ::1, same port, unless
 *					host loopback is off (-ENETUNREACH)
 *   DNS address, other ports, ICMP	-ENETUNREACH
 *   the guest network, multicast,
 *   broadcast, link-local, loopback,
 *   unspecified			-ENETUNREACH
 *   anything else			the address itself
 *
 * and the other way round, what source a host peer has in the guest's
 * eyes: the host's loopback addresses become the host address (so a
 * reply from 127.0.0.1 looks like it came from 10.0.2.2), everything else
 * is shown as it is.
 *
 * ICMP echo (proto IPPROTO_ICMP or IPPROTO_ICMPV6) follows the same table
 * with the port ignored and no DNS mapping.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>

#include "inany.h"
#include "log.h"
#include "nat.h"

/**
 * struct nat_gfwd - a guestfwd= HOST:PORT target, resolved at start-up
 * @sa:		its address
 * @salen:	length of @sa, 0 if the rule has no such target
 */
struct nat_gfwd {
	struct sockaddr_storage sa;
	socklen_t salen;
};

static struct nat_gfwd nat_gfwd[OPTS_GUESTFWD_MAX];

/**
 * nat_split_target() - split "HOST:PORT" or "[HOST]:PORT"
 * @target:	the text
 * @host:	host part out
 * @hostlen:	size of @host
 * @port:	port part out
 * @portlen:	size of @port
 *
 * Return: 0, or -EINVAL
 */
static int nat_split_target(const char *target, char *host, size_t hostlen,
			    char *port, size_t portlen)
{
	const char *colon, *h = target, *hend;
	int rc = -EINVAL;

	if (target[0] == '[') {
		h = target + 1;
		hend = strchr(h, ']');
		if (!hend || hend[1] != ':')
			goto out;
		colon = hend + 1;
	} else {
		colon = strrchr(target, ':');
		if (!colon)
			goto out;
		hend = colon;
	}
	if (hend == h || (size_t)(hend - h) >= hostlen || !colon[1] ||
	    strlen(colon + 1) >= portlen)
		goto out;
	memcpy(host, h, (size_t)(hend - h));
	host[hend - h] = '\0';
	strcpy(port, colon + 1);
	rc = 0;
out:
	return rc;
}

/**
 * nat_init() - resolve the guestfwd= HOST:PORT targets
 * @c:		context
 *
 * Names are resolved once, here, with getaddrinfo() (numeric addresses
 * or names); the first address returned is used for the whole run.
 *
 * Return: 0, or -EINVAL (with an error logged) if a target does not
 * resolve
 */
int nat_init(struct user_ctx *c)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	char host[OPTS_STR_MAX], port[16];
	struct addrinfo *res;
	unsigned int i;
	int rc = 0, e;

	memset(nat_gfwd, 0, sizeof(nat_gfwd));
	for (i = 0; i < c->o->ngfwd && i < OPTS_GUESTFWD_MAX; i++) {
		const char *t = c->o->gfwd[i].target;

		if (!t[0])
			continue;
		if (nat_split_target(t, host, sizeof(host), port,
				     sizeof(port))) {
			log_err("guestfwd: bad target '%s'", t);
			rc = -EINVAL;
			continue;
		}
		e = getaddrinfo(host, port, &hints, &res);
		if (e) {
			log_err("guestfwd: cannot resolve '%s': %s", t,
				gai_strerror(e));
			rc = -EINVAL;
			continue;
		}
		if (res->ai_addrlen <= sizeof(nat_gfwd[i].sa)) {
			memcpy(&nat_gfwd[i].sa, res->ai_addr, res->ai_addrlen);
			nat_gfwd[i].salen = res->ai_addrlen;
		}
		freeaddrinfo(res);
	}
	return rc;
}

/**
 * nat_is_guest_net() - whether an address is inside the guest's network
 * @c:		context
 * @a:		address (v4-mapped for IPv4)
 *
 * Return: 1 if @a is in opts.net (IPv4) or opts.net6 (IPv6)
 */
int nat_is_guest_net(const struct user_ctx *c, const struct in6_addr *a)
{
	unsigned int bits = c->o->net6_len, i;

	if (inany_is4(a))
		return (inany_to4(a).s_addr & c->o->mask.s_addr) ==
		       c->o->net.s_addr;
	if (bits > 128)
		bits = 128;
	for (i = 0; i < bits / 8; i++)
		if (a->s6_addr[i] != c->o->net6.s6_addr[i])
			return 0;
	if (bits % 8) {
		uint8_t m = (uint8_t)(0xff << (8 - bits % 8));

		if ((a->s6_addr[i] & m) != (c->o->net6.s6_addr[i] & m))
			return 0;
	}
	return 1;
}

/**
 * nat_unroutable() - an address no host socket may be pointed at
 * @c:		context
 * @a:		guest destination
 *
 * Return: 1 for the guest network, multicast, broadcast, link-local,
 * loopback and unspecified addresses (and IPv4's reserved 0/8, 240/4)
 */
static int nat_unroutable(const struct user_ctx *c, const struct in6_addr *a)
{
	if (nat_is_guest_net(c, a) || inany_is_unspec(a))
		return 1;
	if (inany_is4(a)) {
		uint32_t v = ntohl(inany_to4(a).s_addr);

		return (v >> 24) == 0 || (v >> 24) == 127 ||
		       (v >> 16) == 0xa9fe || (v >> 28) >= 0xe;
	}
	return IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LINKLOCAL(a) ||
	       IN6_IS_ADDR_SITELOCAL(a) || IN6_IS_ADDR_LOOPBACK(a) ||
	       IN6_IS_ADDR_V4COMPAT(a);
}

/**
 * nat_sockaddr() - fill a sockaddr from an address and port
 * @a:		address; v4-mapped gives an AF_INET sockaddr
 * @port:	port, host order
 * @sa:		out
 * @salen:	its length out
 */
static void nat_sockaddr(const struct in6_addr *a, uint16_t port,
			 struct sockaddr_storage *sa, socklen_t *salen)
{
	memset(sa, 0, sizeof(*sa));
	if (inany_is4(a)) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)sa;

		s4->sin_family = AF_INET;
		s4->sin_addr = inany_to4(a);
		s4->sin_port = htons(port);
		*salen = sizeof(*s4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)sa;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = *a;
		s6->sin6_port = htons(port);
		*salen = sizeof(*s6);
	}
}

/**
 * nat_gfwd_find() - the guestfwd= rule for a TCP destination
 * @c:		context
 * @dst:	guest destination (v4-mapped for IPv4)
 * @port:	destination port, host order
 *
 * Return: the rule's index, or -1 if none is for @dst:@port
 */
static int nat_gfwd_find(const struct user_ctx *c, const struct in6_addr *dst,
			 uint16_t port)
{
	const struct user_opts *o = c->o;
	unsigned int i;

	if (!inany_is4(dst))
		return -1;
	for (i = 0; i < o->ngfwd && i < OPTS_GUESTFWD_MAX; i++)
		if (o->gfwd[i].addr.s_addr == inany_to4(dst).s_addr &&
		    o->gfwd[i].port == port)
			return (int)i;
	return -1;
}

/**
 * nat_gfwd_cmd() - whether a TCP destination is a guestfwd= command
 * @c:		context
 * @dst:	guest destination (v4-mapped for IPv4)
 * @port:	destination port, host order
 *
 * Return: the index of its cmd: rule in opts.gfwd, or -1
 */
int nat_gfwd_cmd(const struct user_ctx *c, const struct in6_addr *dst,
		 uint16_t port)
{
	int i = nat_gfwd_find(c, dst, port);

	return i >= 0 && c->o->gfwd[i].cmd[0] ? i : -1;
}

/**
 * nat_to_host() - where a guest packet to @dst:@port goes on the host
 * @c:		context
 * @proto:	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP or IPPROTO_ICMPV6
 * @dst:	guest destination (v4-mapped for IPv4)
 * @port:	destination port, host order (ignored for ICMP)
 * @sa:		host sockaddr out (AF_INET or AF_INET6)
 * @salen:	its length out
 *
 * See the table at the top of this file.  A guestfwd rule with a cmd:
 * target is not a host destination: -ENETUNREACH here, the TCP module
 * asks nat_gfwd_cmd() first and runs the command instead.
 *
 * Return: 0, -EPERM (restrict=on) or -ENETUNREACH (no such destination)
 */
int nat_to_host(const struct user_ctx *c, int proto,
		const struct in6_addr *dst, uint16_t port,
		struct sockaddr_storage *sa, socklen_t *salen)
{
	int icmp = proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
	const struct user_opts *o = c->o;
	struct in6_addr host, dns, lo;
	int v4 = inany_is4(dst), rc = -ENETUNREACH, i;

	host = v4 ? inany_from4(o->host) : o->host6;
	dns = v4 ? inany_from4(o->dns) : o->dns6;
	if (inany_eq(dst, &dns)) {
		if (icmp || port != 53 ||
		    (proto != IPPROTO_UDP && proto != IPPROTO_TCP) ||
		    inany_is_unspec(&c->resolver))
			goto out;
		nat_sockaddr(&c->resolver, c->resolver_port, sa, salen);
		rc = 0;
		goto out;
	}
	i = proto == IPPROTO_TCP ? nat_gfwd_find(c, dst, port) : -1;
	if (i >= 0) {
		if (!nat_gfwd[i].salen)
			goto out;
		memcpy(sa, &nat_gfwd[i].sa, nat_gfwd[i].salen);
		*salen = nat_gfwd[i].salen;
		rc = 0;
		goto out;
	}
	if (o->restrict_) {
		rc = -EPERM;
		goto out;
	}
	if (inany_eq(dst, &host)) {
		if (!c->host_loopback)
			goto out;
		if (v4) {
			struct in_addr l4 = { htonl(INADDR_LOOPBACK) };

			lo = inany_from4(l4);
		} else {
			lo = in6addr_loopback;
		}
		nat_sockaddr(&lo, icmp ? 0 : port, sa, salen);
		rc = 0;
		goto out;
	}
	if (nat_unroutable(c, dst))
		goto out;
	nat_sockaddr(dst, icmp ? 0 : port, sa, salen);
	rc = 0;
out:
	return rc;
}

/**
 * nat_from_host() - the source address and port the guest sees for a
 *		     host peer
 * @c:		context
 * @sa:		the peer (AF_INET or AF_INET6)
 * @src:	guest-visible address out: the host address for the host's
 *		loopback addresses (IPv4 host address for 127.0.0.0/8 and
 *		::ffff:127.x, host6 for ::1), else the peer's address, v4-
 *		mapped for IPv4 peers
 * @port:	the peer's port out, host order
 */
void nat_from_host(const struct user_ctx *c, const struct sockaddr *sa,
		   struct in6_addr *src, uint16_t *port)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		*src = inany_from4(s4->sin_addr);
		*port = ntohs(s4->sin_port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		*src = s6->sin6_addr;
		*port = ntohs(s6->sin6_port);
	} else {
		memset(src, 0, sizeof(*src));
		*port = 0;
		return;
	}
	if (inany_is4(src)) {
		if ((ntohl(inany_to4(src).s_addr) >> 24) == 127)
			*src = inany_from4(c->o->host);
	} else if (IN6_IS_ADDR_LOOPBACK(src)) {
		*src = c->o->host6;
	}
}
