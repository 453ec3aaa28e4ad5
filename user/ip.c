// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ip.c - IPv4 and IPv6 packets from and to the guest
 *
 * Theory of operation
 *
 * ip_in() checks an IP packet from the guest through a bounds-checked
 * cursor and hands its payload to TCP, UDP, ICMP or NDP with v4-mapped or
 * IPv6 addresses (inany.h), so nothing above this file cares which family
 * a packet had.  What is checked:
 *
 *  IPv4: version 4, header length at least 20, total length within the
 *	  frame (the rest is Ethernet padding and is cut off), the header
 *	  checksum; fragments (MF set or a fragment offset) are dropped,
 *	  since a guest that does path MTU discovery never sends them;
 *	  options are skipped.
 *  IPv6: version 6, payload length within the frame; hop-by-hop (first
 *	  only), routing and destination options headers are skipped;
 *	  fragments, "no next header" and anything unknown are dropped; so
 *	  are v4-mapped addresses, which would alias IPv4 ones.
 *  Both: the transport checksum (TCP always, UDP unless it is 0 over
 *	  IPv4, ICMP and ICMPv6) before the payload goes up, unless the
 *	  frame's virtio-net header said it is valid or left to finish
 *	  (IP_RX_CSUM_OK, eth.c); broadcast and multicast destinations only
 *	  for UDP (DHCP, DHCPv6) and NDP.  Packets may be longer than the
 *	  MTU: a guest with TSO sends TCP segments of up to 64 KiB.
 *
 * Every drop is counted in stat_drop.  The guest's addresses are learnt
 * on the way: c->guest4 from an IPv4 source inside opts.net, c->guest6 from
 * an IPv6 source inside opts.net6 and c->guest6_ll from a link-local one.
 *
 * ip_send() is the one way frames go to the guest from above: it builds
 * the Ethernet and IP headers in a small stack buffer and gives the
 * transport the headers and the caller's payload pieces as one iovec, so
 * the payload is not copied here.  The Ethernet destination is the
 * guest's MAC once a frame showed it, the broadcast address before that
 * and for broadcast destinations, and 33:33:x for IPv6 multicast; IPv4
 * packets carry DF, TTL 64 and a running ID; IPv6 ones hop limit 64, or
 * 255 for NDP as RFC 4861 requires.  Frames are padded to Ethernet's
 * 60-byte minimum.  ip_send_frag() does the same for datagrams larger
 * than the MTU, in fragments (UDP replies from host sockets, which the
 * host received whole).
 *
 * ip_send_tso() is for TCP over a transport that offloads (c->tso, a tap
 * with a virtio-net header): the packet may be up to 64 KiB whatever the
 * MTU, and goes with a header asking for the transport checksum to be
 * finished (VIRTIO_NET_HDR_F_NEEDS_CSUM: the caller put only the
 * pseudo-header sum, ip_l4_csum_pseudo(), in the checksum field) and, if
 * the payload is longer than one MSS, for segmentation at that MSS
 * (GSO_TCPV4 or GSO_TCPV6, as the guest's kernel would have it from its
 * own GRO).  Every segment it becomes fits the MTU.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "csum.h"
#include "icmp.h"
#include "inany.h"
#include "ip.h"
#include "nat.h"
#include "ndp.h"
#include "pkt.h"
#include "tcp.h"
#include "udp.h"

#define IP4_HLEN	20
#define IP6_HLEN	40
#define IP6_FRAG_HLEN	8
#define IP_ETH_MIN	60
/* Most IPv6 extension headers walked before giving up */
#define IP6_EXT_MAX	8

#define IP6_NH_HOPOPTS	0
#define IP6_NH_ROUTING	43
#define IP6_NH_FRAGMENT	44
#define IP6_NH_NONE	59
#define IP6_NH_DSTOPTS	60

#define ICMP6_ECHO_REQUEST	128
#define ND_FIRST		133	/* Router Solicitation */
#define ND_LAST			137	/* Redirect */

static uint16_t ip_id;
static uint32_t ip6_id;

/**
 * ip_sum_byte() - add a value to a running (unfolded) checksum sum
 * @sum:	running sum
 * @v:		value
 *
 * Return: the new sum, carries folded back in
 */
static uint32_t ip_sum_byte(uint32_t sum, uint32_t v)
{
	uint64_t s = (uint64_t)sum + v;

	return (uint32_t)((s & 0xffffffff) + (s >> 32));
}

/**
 * ip_sum_iov() - add data in pieces of any length to a running sum
 * @sum:	running sum
 * @iov:	pieces
 * @n:		number of pieces
 * @len:	bytes to take from them
 *
 * A piece of odd length leaves the next piece's first byte as the low
 * half of a 16-bit word, as the stream of bytes would have it.
 *
 * Return: the new sum
 */
static uint32_t ip_sum_iov(uint32_t sum, const struct iovec *iov, int n,
			   size_t len)
{
	int i, odd = 0;

	for (i = 0; i < n && len; i++) {
		const uint8_t *p = iov[i].iov_base;
		size_t l = iov[i].iov_len < len ? iov[i].iov_len : len;

		len -= l;
		if (odd && l) {
			sum = ip_sum_byte(sum, p[0]);
			p++;
			l--;
			odd = 0;
		}
		sum = csum_add(sum, p, l & ~(size_t)1);
		if (l & 1) {
			sum = ip_sum_byte(sum, (uint32_t)p[l - 1] << 8);
			odd = 1;
		}
	}
	return sum;
}

/**
 * ip_pseudo_sum() - running sum of the pseudo-header
 * @src:	source address
 * @dst:	destination address (v4-mapped: the IPv4 pseudo-header)
 * @proto:	transport protocol; IPPROTO_ICMP has no pseudo-header
 * @len:	transport length
 *
 * Return: the sum
 */
static uint32_t ip_pseudo_sum(const struct in6_addr *src,
			      const struct in6_addr *dst, uint8_t proto,
			      size_t len)
{
	uint8_t ph[40];

	if (proto == IPPROTO_ICMP)
		return 0;
	if (inany_is4(dst)) {
		memcpy(ph, &src->s6_addr[12], 4);
		memcpy(ph + 4, &dst->s6_addr[12], 4);
		ph[8] = 0;
		ph[9] = proto;
		pkt_put_u16(ph + 10, (uint16_t)len);
		return csum_add(0, ph, 12);
	}
	memcpy(ph, src, 16);
	memcpy(ph + 16, dst, 16);
	pkt_put_u32(ph + 32, (uint32_t)len);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = proto;
	return csum_add(0, ph, 40);
}

/**
 * ip_l4_csum() - transport checksum with the pseudo-header
 * @src:	source address (v4-mapped for IPv4)
 * @dst:	destination address
 * @proto:	IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6, or IPPROTO_ICMP
 *		(which, over IPv4, has no pseudo-header)
 * @iov:	the transport header and payload, checksum field zero
 * @n:		number of pieces
 * @len:	transport length
 *
 * Return: the checksum in network order, ready to store; for UDP a sum
 * of 0 is sent as 0xffff (0 means "none" over IPv4, and is forbidden
 * over IPv6)
 */
uint16_t ip_l4_csum(const struct in6_addr *src, const struct in6_addr *dst,
		    uint8_t proto, const struct iovec *iov, int n, size_t len)
{
	uint16_t c = csum_fold(ip_sum_iov(ip_pseudo_sum(src, dst, proto, len),
					  iov, n, len));

	if (!c && proto == IPPROTO_UDP)
		c = 0xffff;
	return htons(c);
}

/**
 * ip_l4_csum_pseudo() - the pseudo-header sum alone, for a checksum the
 *			 transport finishes (ip_send_tso())
 * @src:	source address (v4-mapped for IPv4)
 * @dst:	destination address
 * @proto:	IPPROTO_TCP or IPPROTO_UDP
 * @len:	transport length
 *
 * Return: the folded sum, not complemented, in network order, for the
 * checksum field (what the transport adds the data to)
 */
uint16_t ip_l4_csum_pseudo(const struct in6_addr *src,
			   const struct in6_addr *dst, uint8_t proto,
			   size_t len)
{
	return htons((uint16_t)~csum_fold(ip_pseudo_sum(src, dst, proto, len)));
}

/**
 * ip_l4_ok() - whether a received transport checksum is right
 * @rx:		IP_RX_* flags of the frame
 * @src:	source address
 * @dst:	destination address
 * @proto:	transport protocol
 * @p:		transport header and payload, checksum as received
 * @len:	transport length
 *
 * Return: 1 if the sum over pseudo-header and data folds to zero, or if
 * @rx says it need not be checked
 */
static int ip_l4_ok(unsigned int rx, const struct in6_addr *src,
		    const struct in6_addr *dst, uint8_t proto,
		    const uint8_t *p, size_t len)
{
	struct iovec iov = { .iov_base = (void *)p, .iov_len = len };

	if (rx & IP_RX_CSUM_OK)
		return 1;
	return csum_fold(ip_sum_iov(ip_pseudo_sum(src, dst, proto, len),
				    &iov, 1, len)) == 0;
}

/**
 * ip_payload_max() - largest transport payload (header included) that
 *		      fits in one packet to the guest
 * @c:		context
 * @v6:		IPv6 (1) or IPv4 (0)
 *
 * Return: MTU minus the IP header
 */
size_t ip_payload_max(const struct user_ctx *c, int v6)
{
	size_t h = v6 ? IP6_HLEN : IP4_HLEN;

	return c->o->mtu > h ? c->o->mtu - h : 0;
}

/**
 * ip_tso_max() - largest transport packet (header included) that goes in
 *		  one frame with TSO (ip_send_tso())
 * @c:		context
 * @v6:		IPv6 (1) or IPv4 (0)
 *
 * Return: what the IP length field allows: 65535 minus the IPv4 header,
 * or 65535 (the IPv6 payload length); 0 if the transport has no TSO
 */
size_t ip_tso_max(const struct user_ctx *c, int v6)
{
	if (!c->tso)
		return 0;
	return v6 ? 65535 : 65535 - IP4_HLEN;
}

/**
 * ip_learn() - take a source address of the guest
 * @c:		context
 * @src:	source of a packet that passed the checks
 */
static void ip_learn(struct user_ctx *c, const struct in6_addr *src)
{
	if (inany_is4(src)) {
		uint32_t a = ntohl(inany_to4(src).s_addr);
		uint32_t m = ntohl(c->o->mask.s_addr);

		if (nat_is_guest_net(c, src) && (a & ~m) && (a & ~m) != ~m &&
		    inany_to4(src).s_addr != c->o->host.s_addr &&
		    inany_to4(src).s_addr != c->o->dns.s_addr)
			c->guest4 = *src;
	} else if (IN6_IS_ADDR_LINKLOCAL(src)) {
		c->guest6_ll = *src;
	} else if (nat_is_guest_net(c, src) &&
		   !inany_eq(src, &c->o->host6) &&
		   !inany_eq(src, &c->o->dns6)) {
		c->guest6 = *src;
	}
}

/**
 * ip4_in() - take an IPv4 packet from the guest
 * @c:		context
 * @pkt:	the packet
 * @len:	its length, Ethernet padding included
 * @rx:		IP_RX_* flags
 */
static void ip4_in(struct user_ctx *c, const uint8_t *pkt, size_t len,
		   unsigned int rx)
{
	uint8_t vihl, proto, ucsum[2];
	uint16_t tot, frag;
	struct in6_addr s, d;
	struct in_addr a4;
	uint32_t dst, bcast;
	size_t ihl, l4len;
	const uint8_t *l4;
	struct pkt_rd rd;

	pkt_rd_init(&rd, pkt, len);
	vihl = pkt_rd_u8(&rd);
	pkt_rd_skip(&rd, 1);			/* TOS */
	tot = pkt_rd_u16(&rd);
	pkt_rd_skip(&rd, 2);			/* ID */
	frag = pkt_rd_u16(&rd);
	pkt_rd_skip(&rd, 1);			/* TTL */
	proto = pkt_rd_u8(&rd);
	pkt_rd_skip(&rd, 2);			/* checksum */
	pkt_rd_copy(&rd, &a4, 4);
	s = inany_from4(a4);
	pkt_rd_copy(&rd, &a4, 4);
	d = inany_from4(a4);
	dst = ntohl(a4.s_addr);
	ihl = (size_t)(vihl & 15) * 4;
	if (!pkt_rd_ok(&rd) || !c->o->ipv4 || (vihl >> 4) != 4 ||
	    ihl < IP4_HLEN || tot < ihl || tot > len ||
	    csum_fold(csum_add(0, pkt, ihl)) != 0)
		goto drop;
	if (frag & 0x3fff)		/* MF, or a fragment offset */
		goto drop;
	l4 = pkt + ihl;
	l4len = tot - ihl;
	bcast = ntohl(c->o->net.s_addr | ~c->o->mask.s_addr);
	a4 = inany_to4(&s);
	if ((ntohl(a4.s_addr) >> 28) >= 0xe)	/* multicast or broadcast */
		goto drop;
	if ((dst == 0xffffffff || dst == bcast || (dst >> 28) == 0xe) &&
	    proto != IPPROTO_UDP)
		goto drop;
	switch (proto) {
	case IPPROTO_TCP:
		if (!ip_l4_ok(rx, &s, &d, proto, l4, l4len))
			goto drop;
		ip_learn(c, &s);
		tcp_in(c, &s, &d, l4, l4len);
		return;
	case IPPROTO_UDP:
		if (l4len < 8)
			goto drop;
		memcpy(ucsum, l4 + 6, 2);
		if ((ucsum[0] || ucsum[1]) &&
		    !ip_l4_ok(rx, &s, &d, proto, l4, l4len))
			goto drop;
		ip_learn(c, &s);
		udp_in(c, &s, &d, l4, l4len);
		return;
	case IPPROTO_ICMP:
		if (!ip_l4_ok(rx, &s, &d, proto, l4, l4len))
			goto drop;
		ip_learn(c, &s);
		icmp_in(c, &s, &d, l4, l4len);
		return;
	}
drop:
	c->stat_drop++;
}

/**
 * ip6_in() - take an IPv6 packet from the guest
 * @c:		context
 * @pkt:	the packet
 * @len:	its length, Ethernet padding included
 * @rx:		IP_RX_* flags
 */
static void ip6_in(struct user_ctx *c, const uint8_t *pkt, size_t len,
		   unsigned int rx)
{
	uint8_t next, hop, type;
	struct in6_addr s, d;
	uint32_t vtf;
	uint16_t plen;
	struct pkt_rd rd;
	size_t l4len;
	const uint8_t *l4;
	int i;

	pkt_rd_init(&rd, pkt, len);
	vtf = pkt_rd_u32(&rd);
	plen = pkt_rd_u16(&rd);
	next = pkt_rd_u8(&rd);
	hop = pkt_rd_u8(&rd);
	pkt_rd_copy(&rd, &s, 16);
	pkt_rd_copy(&rd, &d, 16);
	if (!pkt_rd_ok(&rd) || !c->o->ipv6 || (vtf >> 28) != 6 ||
	    plen > pkt_rd_left(&rd) || inany_is4(&s) || inany_is4(&d) ||
	    IN6_IS_ADDR_MULTICAST(&s))
		goto drop;
	/* walk the extension headers, within the payload length */
	pkt_rd_init(&rd, pkt + IP6_HLEN, plen);
	for (i = 0; ; i++) {
		uint8_t nh, hl;

		if (next == IPPROTO_TCP || next == IPPROTO_UDP ||
		    next == IPPROTO_ICMPV6)
			break;
		if (i >= IP6_EXT_MAX ||
		    (next == IP6_NH_HOPOPTS && i > 0) ||
		    (next != IP6_NH_HOPOPTS && next != IP6_NH_ROUTING &&
		     next != IP6_NH_DSTOPTS))
			goto drop;	/* fragment, none, unknown */
		nh = pkt_rd_u8(&rd);
		hl = pkt_rd_u8(&rd);
		pkt_rd_skip(&rd, (size_t)hl * 8 + 6);
		if (!pkt_rd_ok(&rd))
			goto drop;
		next = nh;
	}
	l4 = pkt + IP6_HLEN + rd.off;
	l4len = pkt_rd_left(&rd);
	ndp_seen(c);
	switch (next) {
	case IPPROTO_TCP:
		if (IN6_IS_ADDR_MULTICAST(&d) ||
		    !ip_l4_ok(rx, &s, &d, next, l4, l4len))
			goto drop;
		ip_learn(c, &s);
		tcp_in(c, &s, &d, l4, l4len);
		return;
	case IPPROTO_UDP:
		if (l4len < 8 || !ip_l4_ok(rx, &s, &d, next, l4, l4len))
			goto drop;
		if (!IN6_IS_ADDR_UNSPECIFIED(&s))
			ip_learn(c, &s);
		udp_in(c, &s, &d, l4, l4len);
		return;
	case IPPROTO_ICMPV6:
		if (l4len < 4 || !ip_l4_ok(rx, &s, &d, next, l4, l4len))
			goto drop;
		type = l4[0];
		if (type >= ND_FIRST && type <= ND_LAST) {
			if (hop != 255)
				goto drop;
			if (!IN6_IS_ADDR_UNSPECIFIED(&s))
				ip_learn(c, &s);
			ndp_in(c, &s, &d, l4, l4len);
			return;
		}
		if (type != ICMP6_ECHO_REQUEST || IN6_IS_ADDR_MULTICAST(&d))
			goto drop;
		ip_learn(c, &s);
		icmp_in(c, &s, &d, l4, l4len);
		return;
	}
drop:
	c->stat_drop++;
}

/**
 * ip_in() - take an IP packet from the guest
 * @c:		context
 * @v6:		IPv6 (EtherType 0x86dd) or IPv4 (0x0800)
 * @pkt:	the packet, after the Ethernet header
 * @len:	its length, Ethernet padding included
 * @rx:		IP_RX_* flags (from the frame's virtio-net header)
 */
void ip_in(struct user_ctx *c, int v6, const uint8_t *pkt, size_t len,
	   unsigned int rx)
{
	if (v6)
		ip6_in(c, pkt, len, rx);
	else
		ip4_in(c, pkt, len, rx);
}

/**
 * ip_eth_dst() - Ethernet destination of a packet to the guest
 * @c:		context
 * @dst:	IP destination
 * @mac:	out
 */
static void ip_eth_dst(const struct user_ctx *c, const struct in6_addr *dst,
		       uint8_t *mac)
{
	if (inany_is4(dst)) {
		uint32_t a = ntohl(inany_to4(dst).s_addr);
		uint32_t b = ntohl(c->o->net.s_addr | ~c->o->mask.s_addr);

		if (a != 0xffffffff && a != b && c->guest_mac_known) {
			memcpy(mac, c->guest_mac, 6);
			return;
		}
	} else if (IN6_IS_ADDR_MULTICAST(dst)) {
		mac[0] = 0x33;
		mac[1] = 0x33;
		memcpy(mac + 2, &dst->s6_addr[12], 4);
		return;
	} else if (c->guest_mac_known) {
		memcpy(mac, c->guest_mac, 6);
		return;
	}
	memset(mac, 0xff, 6);
}

/**
 * struct ip_frag - where a fragment sits in its packet
 * @off:	offset of its data in the transport payload, a multiple of 8
 * @more:	more fragments follow
 * @id:		the packet's identification
 */
struct ip_frag {
	size_t off;
	int more;
	uint32_t id;
};

/**
 * ip_xmit() - build the headers of one frame and hand it to the transport
 * @c:		context
 * @src:	source address
 * @dst:	destination address
 * @proto:	transport protocol
 * @l4:		payload pieces (the whole transport packet, or a fragment's
 *		share of it)
 * @n:		number of pieces, at most IP_IOV_MAX
 * @l4len:	their total length
 * @fr:		fragment position, NULL for a whole packet
 * @tso:	offloads for the transport (ip_send_tso()), or NULL
 *
 * Return: 0 or the transport's -errno
 */
static int ip_xmit(struct user_ctx *c, const struct in6_addr *src,
		   const struct in6_addr *dst, uint8_t proto,
		   const struct iovec *l4, int n, size_t l4len,
		   const struct ip_frag *fr, const struct ip_tso *tso)
{
	static const uint8_t pad[IP_ETH_MIN];
	uint8_t h[USER_ETH_HLEN + IP6_HLEN + IP6_FRAG_HLEN];
	struct iovec iov[IP_IOV_MAX + 2];
	struct virtio_net_hdr vh;
	struct pkt_wr w;
	size_t hlen;
	int i, rc;

	pkt_wr_init(&w, h, sizeof(h));
	ip_eth_dst(c, dst, pkt_wr_ptr(&w, 6));
	pkt_wr_bytes(&w, c->mac, 6);
	if (inany_is4(dst)) {
		uint8_t *ip;

		pkt_wr_u16(&w, 0x0800);
		ip = w.p + w.off;
		pkt_wr_u8(&w, 0x45);
		pkt_wr_u8(&w, 0);			/* TOS */
		pkt_wr_u16(&w, (uint16_t)(IP4_HLEN + l4len));
		pkt_wr_u16(&w, fr ? (uint16_t)fr->id : ip_id++);
		pkt_wr_u16(&w, fr ? (uint16_t)((fr->more ? 0x2000 : 0) |
					       fr->off / 8) :
				    0x4000);		/* DF */
		pkt_wr_u8(&w, 64);
		pkt_wr_u8(&w, proto);
		pkt_wr_u16(&w, 0);
		pkt_wr_bytes(&w, &src->s6_addr[12], 4);
		pkt_wr_bytes(&w, &dst->s6_addr[12], 4);
		pkt_put_u16(ip + 10, csum_ip4_header(ip, IP4_HLEN));
	} else {
		uint8_t hop = 64;

		if (proto == IPPROTO_ICMPV6 && n > 0 && l4[0].iov_len &&
		    ((const uint8_t *)l4[0].iov_base)[0] >= ND_FIRST &&
		    ((const uint8_t *)l4[0].iov_base)[0] <= ND_LAST)
			hop = 255;
		pkt_wr_u16(&w, 0x86dd);
		pkt_wr_u32(&w, 0x60000000);
		pkt_wr_u16(&w, (uint16_t)(l4len + (fr ? IP6_FRAG_HLEN : 0)));
		pkt_wr_u8(&w, fr ? IP6_NH_FRAGMENT : proto);
		pkt_wr_u8(&w, hop);
		pkt_wr_bytes(&w, src, 16);
		pkt_wr_bytes(&w, dst, 16);
		if (fr) {
			pkt_wr_u8(&w, proto);
			pkt_wr_u8(&w, 0);
			pkt_wr_u16(&w, (uint16_t)(fr->off | (fr->more ? 1 : 0)));
			pkt_wr_u32(&w, fr->id);
		}
	}
	hlen = w.off;
	iov[0].iov_base = h;
	iov[0].iov_len = hlen;
	for (i = 0; i < n; i++)
		iov[i + 1] = l4[i];
	if (tso) {
		memset(&vh, 0, sizeof(vh));
		vh.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
		vh.csum_start = (uint16_t)hlen;
		vh.csum_offset = tso->csum_off;
		vh.hdr_len = (uint16_t)(hlen + tso->l4hlen);
		if (l4len - tso->l4hlen > tso->mss) {
			vh.gso_type = inany_is4(dst) ? VIRTIO_NET_HDR_GSO_TCPV4
						     : VIRTIO_NET_HDR_GSO_TCPV6;
			vh.gso_size = tso->mss;
		}
	}
	if (hlen + l4len < IP_ETH_MIN) {
		iov[++n].iov_base = (void *)pad;
		iov[n].iov_len = IP_ETH_MIN - hlen - l4len;
		l4len = IP_ETH_MIN - hlen;
	}
	rc = c->tx(c, tso ? &vh : NULL, iov, n + 1, hlen + l4len);
	if (!rc)
		c->stat_tx++;
	return rc;
}

/**
 * ip_send() - send a transport packet to the guest
 * @c:		context
 * @src:	source address (v4-mapped for IPv4)
 * @dst:	destination address; its family decides the packet's
 * @proto:	transport protocol
 * @l4:		the transport header and payload, in pieces
 * @n:		number of pieces, at most IP_IOV_MAX
 * @l4len:	their total length
 *
 * Without a transport (c->tx NULL) the packet is dropped, as a link with
 * nothing at the other end would.
 *
 * Return: 0, -EMSGSIZE if @l4len exceeds ip_payload_max(), -EINVAL for
 * too many pieces or mixed families, or the transport's -errno
 */
int ip_send(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, uint8_t proto,
	    const struct iovec *l4, int n, size_t l4len)
{
	int rc = 0;

	if (n < 0 || n > IP_IOV_MAX || inany_is4(dst) != inany_is4(src))
		rc = -EINVAL;
	else if (l4len > ip_payload_max(c, !inany_is4(dst)))
		rc = -EMSGSIZE;
	else if (c->tx)
		rc = ip_xmit(c, src, dst, proto, l4, n, l4len, NULL, NULL);
	return rc;
}

/**
 * ip_send_tso() - send a TCP packet to the guest, the transport finishing
 *		   its checksum and cutting it into segments
 * @c:		context, its transport with TSO (c->tso)
 * @src:	source address (v4-mapped for IPv4)
 * @dst:	destination address; its family decides the packet's
 * @proto:	IPPROTO_TCP
 * @l4:		the TCP header, its checksum field holding
 *		ip_l4_csum_pseudo(), and the payload, in pieces
 * @n:		number of pieces, at most IP_IOV_MAX
 * @l4len:	their total length, at most ip_tso_max()
 * @tso:	header length, checksum field offset, segment size; a
 *		segment (header and @tso->mss bytes) must fit the MTU
 *
 * Return: 0, -EMSGSIZE if the packet or one of its segments is too long,
 * -EINVAL for a transport without TSO, another protocol, a header longer
 * than the packet, no MSS, too many pieces or mixed families, or the
 * transport's -errno
 */
int ip_send_tso(struct user_ctx *c, const struct in6_addr *src,
		const struct in6_addr *dst, uint8_t proto,
		const struct iovec *l4, int n, size_t l4len,
		const struct ip_tso *tso)
{
	int v6 = !inany_is4(dst), rc = 0;
	size_t seg;

	if (!c->tso || proto != IPPROTO_TCP || n < 0 || n > IP_IOV_MAX ||
	    inany_is4(dst) != inany_is4(src) || !tso->mss ||
	    tso->l4hlen > l4len)
		return -EINVAL;
	seg = l4len - tso->l4hlen < tso->mss ? l4len - tso->l4hlen : tso->mss;
	if (l4len > ip_tso_max(c, v6) ||
	    tso->l4hlen + seg > ip_payload_max(c, v6))
		rc = -EMSGSIZE;
	else if (c->tx)
		rc = ip_xmit(c, src, dst, proto, l4, n, l4len, NULL, tso);
	return rc;
}

/**
 * ip_iov_slice() - the pieces covering a byte range of an iovec
 * @in:		pieces
 * @n:		number of pieces
 * @off:	start of the range
 * @len:	its length
 * @out:	pieces out, at most @n
 *
 * Return: number of pieces in @out
 */
static int ip_iov_slice(const struct iovec *in, int n, size_t off, size_t len,
			struct iovec *out)
{
	int i, k = 0;

	for (i = 0; i < n && len; i++) {
		size_t l = in[i].iov_len;

		if (off >= l) {
			off -= l;
			continue;
		}
		out[k].iov_base = (uint8_t *)in[i].iov_base + off;
		out[k].iov_len = l - off < len ? l - off : len;
		len -= out[k].iov_len;
		off = 0;
		k++;
	}
	return k;
}

/**
 * ip_send_frag() - send a transport packet to the guest, in fragments if
 *		    it does not fit the MTU
 * @c:		context
 * @src:	source address (v4-mapped for IPv4)
 * @dst:	destination address
 * @proto:	transport protocol
 * @l4:		the transport header and payload, in pieces
 * @n:		number of pieces, at most IP_IOV_MAX
 * @l4len:	their total length
 *
 * For datagrams from host sockets (UDP) that are larger than the guest's
 * MTU: what the host received whole is delivered whole, in IPv4 fragments
 * (RFC 791) or IPv6 fragments (RFC 8200 4.5), as a router would.
 *
 * Return: 0, -EMSGSIZE if even fragments cannot carry it, -EINVAL, or the
 * transport's -errno
 */
int ip_send_frag(struct user_ctx *c, const struct in6_addr *src,
		 const struct in6_addr *dst, uint8_t proto,
		 const struct iovec *l4, int n, size_t l4len)
{
	int v4 = inany_is4(dst), k, rc = 0;
	struct iovec part[IP_IOV_MAX];
	size_t step, max;
	struct ip_frag fr;

	if (l4len <= ip_payload_max(c, !v4) || n < 0 || n > IP_IOV_MAX ||
	    v4 != inany_is4(src))
		return ip_send(c, src, dst, proto, l4, n, l4len);
	max = ip_payload_max(c, !v4);
	step = (v4 ? max : max - IP6_FRAG_HLEN) & ~(size_t)7;
	if (step < 8 || l4len > (v4 ? 65535 - IP4_HLEN : 65535))
		return -EMSGSIZE;
	if (!c->tx)
		return 0;
	fr.id = v4 ? ip_id++ : ++ip6_id;
	for (fr.off = 0; fr.off < l4len && !rc; fr.off += step) {
		size_t len = l4len - fr.off < step ? l4len - fr.off : step;

		fr.more = fr.off + len < l4len;
		k = ip_iov_slice(l4, n, fr.off, len, part);
		rc = ip_xmit(c, src, dst, proto, part, k, len, &fr, NULL);
	}
	return rc;
}
