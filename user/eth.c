// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eth.c - Ethernet frames from the guest
 *
 * Theory of operation
 *
 * Every frame the transport reads from the guest enters here.  The
 * 14-byte Ethernet header is read through a bounds-checked cursor; the
 * guest's MAC address is learnt from the source of its frames (so that
 * replies can be unicast without ARP or NDP towards the guest), and the
 * payload goes to ARP, IPv4 or IPv6 by EtherType.  Anything else - VLAN
 * tags, LLDP, frames for another station's MAC - is dropped and counted
 * in stat_drop.  There is no state of its own.
 */
#include <string.h>

#include "arp.h"
#include "eth.h"
#include "ip.h"
#include "pkt.h"

#define ETH_P_IPV4	0x0800
#define ETH_P_ARP	0x0806
#define ETH_P_IPV6	0x86dd

/**
 * eth_learn() - remember the guest's MAC address
 * @c:		context
 * @src:	source address of a frame from the guest
 *
 * Group addresses, the zero address and our own are never learnt.
 */
static void eth_learn(struct user_ctx *c, const uint8_t *src)
{
	static const uint8_t zero[6];

	if ((src[0] & 1) || !memcmp(src, zero, 6) || !memcmp(src, c->mac, 6))
		return;
	if (!c->guest_mac_known || memcmp(c->guest_mac, src, 6)) {
		memcpy(c->guest_mac, src, 6);
		c->guest_mac_known = 1;
	}
}

/**
 * eth_in() - take one frame from the guest
 * @c:		context
 * @frame:	the frame, Ethernet header first (no FCS)
 * @len:	its length
 */
void eth_in(struct user_ctx *c, const uint8_t *frame, size_t len)
{
	const uint8_t *dst, *src;
	struct pkt_rd rd;
	uint16_t type;

	c->stat_rx++;
	pkt_rd_init(&rd, frame, len);
	dst = pkt_rd_ptr(&rd, 6);
	src = pkt_rd_ptr(&rd, 6);
	type = pkt_rd_u16(&rd);
	if (!pkt_rd_ok(&rd))
		goto drop;
	/* unicast frames for another station are not ours */
	if (!(dst[0] & 1) && memcmp(dst, c->mac, 6))
		goto drop;
	eth_learn(c, src);
	switch (type) {
	case ETH_P_ARP:
		arp_in(c, frame + USER_ETH_HLEN, len - USER_ETH_HLEN);
		return;
	case ETH_P_IPV4:
		ip_in(c, 0, frame + USER_ETH_HLEN, len - USER_ETH_HLEN);
		return;
	case ETH_P_IPV6:
		ip_in(c, 1, frame + USER_ETH_HLEN, len - USER_ETH_HLEN);
		return;
	}
drop:
	c->stat_drop++;
}
