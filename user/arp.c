// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * arp.c - ARP (RFC 826) for our addresses on the guest's network
 *
 * Theory of operation
 *
 * The guest resolves our addresses - the host (gateway) address, the DNS
 * address and the guestfwd servers - with ARP, and we answer with our one
 * MAC (c->mac).  We answer for nothing else: not for the guest's own
 * address, not for the address DHCP is about to give it (udhcpc and
 * others probe it with ARP and would take an answer as a conflict), and
 * not for other hosts of the network, which do not exist.
 *
 * In the other direction nothing is needed: the guest's MAC is learnt
 * from the source of its frames (eth.c), and before the first frame the
 * few we send go to the broadcast address.  The sender's protocol address
 * of every well-formed packet from the guest updates c->guest4 when it is
 * a host address of the guest network that is not ours.
 *
 * Only Ethernet/IPv4 ARP is taken (htype 1, ptype 0x0800, hlen 6,
 * plen 4, op request or reply); anything else is dropped and counted.
 */
#include <arpa/inet.h>
#include <string.h>

#include "arp.h"
#include "inany.h"
#include "nat.h"
#include "pkt.h"

#define ARP_HTYPE_ETHER	1
#define ARP_PTYPE_IPV4	0x0800
#define ARP_OP_REQUEST	1
#define ARP_OP_REPLY	2
#define ARP_LEN		28
/* Shortest Ethernet frame, without FCS: replies are padded to it */
#define ARP_FRAME_MIN	60

/**
 * arp_is_ours() - whether we answer ARP for an address
 * @c:		context
 * @ip:		the address (network order)
 *
 * Return: 1 for the host address, the DNS address and guestfwd servers
 */
static int arp_is_ours(const struct user_ctx *c, struct in_addr ip)
{
	unsigned int i;

	if (ip.s_addr == c->o->host.s_addr || ip.s_addr == c->o->dns.s_addr)
		return 1;
	for (i = 0; i < c->o->ngfwd && i < OPTS_GUESTFWD_MAX; i++)
		if (ip.s_addr == c->o->gfwd[i].addr.s_addr)
			return 1;
	return 0;
}

/**
 * arp_learn() - take the sender's address as the guest's
 * @c:		context
 * @ip:		sender protocol address (network order)
 */
static void arp_learn(struct user_ctx *c, struct in_addr ip)
{
	struct in6_addr a = inany_from4(ip);
	uint32_t host = ntohl(ip.s_addr), mask = ntohl(c->o->mask.s_addr);

	if (!ip.s_addr || arp_is_ours(c, ip) || !nat_is_guest_net(c, &a) ||
	    !(host & ~mask) || (host & ~mask) == ~mask)
		return;
	c->guest4 = a;
}

/**
 * arp_reply() - answer a request for one of our addresses
 * @c:		context
 * @sha:	requester's hardware address
 * @spa:	requester's protocol address (4 bytes)
 * @tpa:	the address asked for (4 bytes)
 */
static void arp_reply(struct user_ctx *c, const uint8_t *sha,
		      const uint8_t *spa, const uint8_t *tpa)
{
	uint8_t f[ARP_FRAME_MIN] = { 0 };
	struct iovec iov;
	struct pkt_wr w;

	pkt_wr_init(&w, f, sizeof(f));
	pkt_wr_bytes(&w, sha, 6);
	pkt_wr_bytes(&w, c->mac, 6);
	pkt_wr_u16(&w, 0x0806);
	pkt_wr_u16(&w, ARP_HTYPE_ETHER);
	pkt_wr_u16(&w, ARP_PTYPE_IPV4);
	pkt_wr_u8(&w, 6);
	pkt_wr_u8(&w, 4);
	pkt_wr_u16(&w, ARP_OP_REPLY);
	pkt_wr_bytes(&w, c->mac, 6);
	pkt_wr_bytes(&w, tpa, 4);
	pkt_wr_bytes(&w, sha, 6);
	pkt_wr_bytes(&w, spa, 4);
	iov.iov_base = f;
	iov.iov_len = sizeof(f);
	if (c->tx && c->tx(c, NULL, &iov, 1, sizeof(f)) == 0)
		c->stat_tx++;
}

/**
 * arp_in() - take an ARP packet from the guest
 * @c:		context
 * @pkt:	the packet, after the Ethernet header
 * @len:	its length (Ethernet padding included)
 */
void arp_in(struct user_ctx *c, const uint8_t *pkt, size_t len)
{
	const uint8_t *sha, *spa, *tpa;
	uint16_t htype, ptype, op;
	struct in_addr s, t;
	uint8_t hlen, plen;
	struct pkt_rd rd;

	pkt_rd_init(&rd, pkt, len);
	htype = pkt_rd_u16(&rd);
	ptype = pkt_rd_u16(&rd);
	hlen = pkt_rd_u8(&rd);
	plen = pkt_rd_u8(&rd);
	op = pkt_rd_u16(&rd);
	sha = pkt_rd_ptr(&rd, 6);
	spa = pkt_rd_ptr(&rd, 4);
	pkt_rd_skip(&rd, 6);			/* tha */
	tpa = pkt_rd_ptr(&rd, 4);
	if (!pkt_rd_ok(&rd) || !c->o->ipv4 || htype != ARP_HTYPE_ETHER ||
	    ptype != ARP_PTYPE_IPV4 || hlen != 6 || plen != 4 ||
	    (op != ARP_OP_REQUEST && op != ARP_OP_REPLY) || (sha[0] & 1)) {
		c->stat_drop++;
		return;
	}
	memcpy(&s, spa, 4);
	memcpy(&t, tpa, 4);
	arp_learn(c, s);
	if (op == ARP_OP_REQUEST && arp_is_ours(c, t))
		arp_reply(c, sha, spa, tpa);
}
