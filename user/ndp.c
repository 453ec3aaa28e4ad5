// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ndp.c - IPv6 neighbour discovery (RFC 4861) for the guest's network
 *
 * Theory of operation
 *
 * We are the guest's IPv6 router.  Our link-local address is fe80::
 * plus the modified EUI-64 of our MAC (RFC 4291 2.5.1); NDP messages we
 * send carry hop limit 255, and ip.c passes up only those received with
 * hop limit 255 and a good checksum.
 *
 *  Neighbour Solicitation for our link-local address, the host address
 *	(opts.host6) or the DNS address (opts.dns6): a Neighbour
 *	Advertisement with the router, solicited and override flags and
 *	our MAC as target link-layer address; to the soliciting address, or
 *	to all nodes (and not "solicited") for duplicate address detection
 *	from ::.  Solicitations for other addresses - the guest's own in
 *	particular - get no answer.
 *  Router Solicitation: a Router Advertisement, from our link-local
 *	address.  One is also sent unsolicited, to all nodes, when the
 *	first IPv6 packet from the guest shows it is there (ndp_seen()),
 *	and every NDP_RA_INTERVAL_MS after that (ndp_timer(), called from
 *	icmp_timer()).
 *
 * The Router Advertisement says: no DHCPv6 for addresses (M=0) but for
 * other configuration (O=1: stateless DHCPv6, dhcp6.c); we are a default
 * router (lifetime 1800 s); the prefix opts.net6/opts.net6_len is on-link
 * (L) and, when it is a /64, usable for SLAAC (A); the MTU; our MAC
 * (source link-layer address); the DNS server opts.dns6 (RDNSS, RFC 8106)
 * and the search list from domainname= and dnssearch= (DNSSL).
 *
 * Received messages are read through bounds-checked cursors; code must be
 * 0 and every option must have a non-zero length (RFC 4861 6.1, 7.1).
 * The state is two numbers: whether a guest was seen, and when the last
 * advertisement went out.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dns.h"
#include "inany.h"
#include "ip.h"
#include "ndp.h"
#include "pkt.h"

#define ND_RS		133
#define ND_RA		134
#define ND_NS		135
#define ND_NA		136

#define ND_OPT_SLLA	1
#define ND_OPT_TLLA	2
#define ND_OPT_PREFIX	3
#define ND_OPT_MTU	5
#define ND_OPT_RDNSS	25
#define ND_OPT_DNSSL	31

#define ND_RA_FLAG_O		0x40
#define ND_PFX_FLAG_L		0x80
#define ND_PFX_FLAG_A		0x40
#define ND_NA_FLAG_R		0x80000000u
#define ND_NA_FLAG_S		0x40000000u
#define ND_NA_FLAG_O		0x20000000u

/* RFC 4861 6.2.1 defaults: MaxRtrAdvInterval 600 s, lifetime 3 times it */
#define NDP_RA_INTERVAL_MS	600000
#define NDP_ROUTER_LIFETIME	1800
#define NDP_VALID_LIFETIME	2592000
#define NDP_PREF_LIFETIME	604800
/* RFC 8106 5.1: RDNSS/DNSSL lifetime, at least MaxRtrAdvInterval */
#define NDP_DNS_LIFETIME	1800
/* Largest RA we build */
#define NDP_RA_MAX		1280

static int ndp_active;
static uint64_t ndp_ra_ms;

static const struct in6_addr ndp_all_nodes = {
	.s6_addr = { 0xff, 0x02, [15] = 1 }
};

/**
 * ndp_init() - forget about any guest
 * @c:		context
 */
void ndp_init(struct user_ctx *c)
{
	(void)c;
	ndp_active = 0;
	ndp_ra_ms = 0;
}

/**
 * ndp_ll_addr() - our IPv6 link-local address
 * @c:		context
 * @a:		out: fe80:: and the modified EUI-64 of c->mac
 */
void ndp_ll_addr(const struct user_ctx *c, struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0xfe;
	a->s6_addr[1] = 0x80;
	a->s6_addr[8] = c->mac[0] ^ 2;
	a->s6_addr[9] = c->mac[1];
	a->s6_addr[10] = c->mac[2];
	a->s6_addr[11] = 0xff;
	a->s6_addr[12] = 0xfe;
	a->s6_addr[13] = c->mac[3];
	a->s6_addr[14] = c->mac[4];
	a->s6_addr[15] = c->mac[5];
}

/**
 * ndp_send() - checksum and send an NDP message we built
 * @c:		context
 * @src:	source address
 * @dst:	destination address
 * @msg:	the message, checksum field zero
 * @len:	its length
 *
 * Return: 0 or -errno from ip_send()
 */
static int ndp_send(struct user_ctx *c, const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t *msg, size_t len)
{
	struct iovec iov = { .iov_base = msg, .iov_len = len };
	uint16_t sum = ip_l4_csum(src, dst, IPPROTO_ICMPV6, &iov, 1, len);

	memcpy(msg + 2, &sum, 2);
	return ip_send(c, src, dst, IPPROTO_ICMPV6, &iov, 1, len);
}

/**
 * ndp_put_dnssl() - append the DNS search list option, if any
 * @c:		context
 * @w:		cursor
 */
static void ndp_put_dnssl(const struct user_ctx *c, struct pkt_wr *w)
{
	size_t start = w->off, len;
	unsigned int i;
	int names = 0;

	pkt_wr_u8(w, ND_OPT_DNSSL);
	pkt_wr_u8(w, 0);			/* length, below */
	pkt_wr_u16(w, 0);
	pkt_wr_u32(w, NDP_DNS_LIFETIME);
	if (!pkt_wr_ok(w))
		goto none;
	if (c->o->domainname[0] && !dns_name_put(w, c->o->domainname))
		names++;
	for (i = 0; i < c->o->nsearch && i < OPTS_SEARCH_MAX; i++)
		if (!dns_name_put(w, c->o->search[i]))
			names++;
	if (!names)
		goto none;
	while ((w->off - start) % 8 && pkt_wr_ok(w))
		pkt_wr_u8(w, 0);
	len = w->off - start;
	if (!pkt_wr_ok(w) || len / 8 > 255)
		goto none;
	w->p[start + 1] = (uint8_t)(len / 8);
	return;
none:
	w->off = start;
	w->bad = 0;
}

/**
 * ndp_send_ra() - send a Router Advertisement
 * @c:		context
 * @dst:	destination: the soliciting guest, or all nodes (ff02::1)
 *
 * Return: 0 or -errno from ip_send()
 */
int ndp_send_ra(struct user_ctx *c, const struct in6_addr *dst)
{
	size_t room = ip_payload_max(c, 1);
	uint8_t ra[NDP_RA_MAX];
	struct in6_addr src;
	struct pkt_wr w;

	if (room > sizeof(ra))
		room = sizeof(ra);
	ndp_ll_addr(c, &src);
	pkt_wr_init(&w, ra, room);
	pkt_wr_u8(&w, ND_RA);
	pkt_wr_u8(&w, 0);
	pkt_wr_u16(&w, 0);			/* checksum */
	pkt_wr_u8(&w, 64);			/* current hop limit */
	pkt_wr_u8(&w, ND_RA_FLAG_O);
	pkt_wr_u16(&w, NDP_ROUTER_LIFETIME);
	pkt_wr_u32(&w, 0);			/* reachable time */
	pkt_wr_u32(&w, 0);			/* retransmission timer */

	pkt_wr_u8(&w, ND_OPT_SLLA);
	pkt_wr_u8(&w, 1);
	pkt_wr_bytes(&w, c->mac, 6);

	pkt_wr_u8(&w, ND_OPT_PREFIX);
	pkt_wr_u8(&w, 4);
	pkt_wr_u8(&w, (uint8_t)c->o->net6_len);
	pkt_wr_u8(&w, ND_PFX_FLAG_L |
		  (c->o->net6_len == 64 ? ND_PFX_FLAG_A : 0));
	pkt_wr_u32(&w, NDP_VALID_LIFETIME);
	pkt_wr_u32(&w, NDP_PREF_LIFETIME);
	pkt_wr_u32(&w, 0);
	pkt_wr_bytes(&w, &c->o->net6, 16);

	if (c->o->mtu >= 1280) {
		pkt_wr_u8(&w, ND_OPT_MTU);
		pkt_wr_u8(&w, 1);
		pkt_wr_u16(&w, 0);
		pkt_wr_u32(&w, c->o->mtu);
	}
	if (!IN6_IS_ADDR_UNSPECIFIED(&c->o->dns6)) {
		pkt_wr_u8(&w, ND_OPT_RDNSS);
		pkt_wr_u8(&w, 3);
		pkt_wr_u16(&w, 0);
		pkt_wr_u32(&w, NDP_DNS_LIFETIME);
		pkt_wr_bytes(&w, &c->o->dns6, 16);
	}
	if (!pkt_wr_ok(&w))
		return -EMSGSIZE;
	ndp_put_dnssl(c, &w);
	ndp_ra_ms = c->now_ms;
	return ndp_send(c, &src, dst, ra, w.off);
}

/**
 * ndp_opts_ok() - check the options of a received message
 * @p:		first option
 * @len:	bytes of options
 *
 * Return: 1 if every option has a non-zero length inside the message
 */
static int ndp_opts_ok(const uint8_t *p, size_t len)
{
	struct pkt_rd rd;

	pkt_rd_init(&rd, p, len);
	while (pkt_rd_left(&rd)) {
		uint8_t l;

		pkt_rd_skip(&rd, 1);		/* type */
		l = pkt_rd_u8(&rd);
		if (!l)
			return 0;
		pkt_rd_skip(&rd, (size_t)l * 8 - 2);
	}
	return pkt_rd_ok(&rd);
}

/**
 * ndp_target_ours() - whether we answer solicitations for an address
 * @c:		context
 * @t:		target address
 *
 * Return: 1 for our link-local, the host and the DNS address
 */
static int ndp_target_ours(const struct user_ctx *c, const struct in6_addr *t)
{
	struct in6_addr ll;

	ndp_ll_addr(c, &ll);
	return inany_eq(t, &ll) ||
	       (!IN6_IS_ADDR_UNSPECIFIED(&c->o->host6) &&
		inany_eq(t, &c->o->host6)) ||
	       (!IN6_IS_ADDR_UNSPECIFIED(&c->o->dns6) &&
		inany_eq(t, &c->o->dns6));
}

/**
 * ndp_na() - answer a Neighbour Solicitation for one of our addresses
 * @c:		context
 * @src:	source of the solicitation, :: for DAD
 * @target:	the address
 */
static void ndp_na(struct user_ctx *c, const struct in6_addr *src,
		   const struct in6_addr *target)
{
	int dad = IN6_IS_ADDR_UNSPECIFIED(src);
	uint8_t na[32];
	struct pkt_wr w;

	pkt_wr_init(&w, na, sizeof(na));
	pkt_wr_u8(&w, ND_NA);
	pkt_wr_u8(&w, 0);
	pkt_wr_u16(&w, 0);
	pkt_wr_u32(&w, ND_NA_FLAG_R | ND_NA_FLAG_O | (dad ? 0 : ND_NA_FLAG_S));
	pkt_wr_bytes(&w, target, 16);
	pkt_wr_u8(&w, ND_OPT_TLLA);
	pkt_wr_u8(&w, 1);
	pkt_wr_bytes(&w, c->mac, 6);
	ndp_send(c, target, dad ? &ndp_all_nodes : src, na, w.off);
}

/**
 * ndp_in() - take an NDP message from the guest
 * @c:		context
 * @src:	source address
 * @dst:	destination address
 * @msg:	the ICMPv6 message (type 133 to 137), hop limit 255 and
 *		checksum checked by ip.c
 * @len:	its length
 */
void ndp_in(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *msg, size_t len)
{
	struct in6_addr target;
	struct pkt_rd rd;
	uint8_t type, code;

	(void)dst;
	pkt_rd_init(&rd, msg, len);
	type = pkt_rd_u8(&rd);
	code = pkt_rd_u8(&rd);
	pkt_rd_skip(&rd, 6);		/* checksum, reserved or flags */
	if (!pkt_rd_ok(&rd) || code)
		goto drop;
	switch (type) {
	case ND_RS:
		if (!ndp_opts_ok(msg + 8, len - 8))
			goto drop;
		ndp_send_ra(c, IN6_IS_ADDR_UNSPECIFIED(src) ? &ndp_all_nodes :
							      src);
		return;
	case ND_NS:
		pkt_rd_copy(&rd, &target, 16);
		if (!pkt_rd_ok(&rd) || IN6_IS_ADDR_MULTICAST(&target) ||
		    !ndp_opts_ok(msg + 24, len - 24))
			goto drop;
		if (ndp_target_ours(c, &target))
			ndp_na(c, src, &target);
		return;
	default:
		/* advertisements and redirects from the guest: nothing to do */
		return;
	}
drop:
	c->stat_drop++;
}

/**
 * ndp_seen() - an IPv6 packet came from the guest
 * @c:		context
 *
 * The first one triggers an unsolicited Router Advertisement.
 */
void ndp_seen(struct user_ctx *c)
{
	if (ndp_active || !c->tx)
		return;
	ndp_active = 1;
	ndp_send_ra(c, &ndp_all_nodes);
}

/**
 * ndp_timer() - send the periodic Router Advertisement
 * @c:		context
 */
void ndp_timer(struct user_ctx *c)
{
	if (ndp_active && c->o->ipv6 && c->tx &&
	    c->now_ms >= ndp_ra_ms + NDP_RA_INTERVAL_MS)
		ndp_send_ra(c, &ndp_all_nodes);
}
