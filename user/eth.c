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
 *
 * A tap opened with IFF_VNET_HDR (transport.c) puts a virtio-net header
 * before every frame; eth_in_vnet() takes it off.  Of its fields only two
 * matter here.  The flags: VIRTIO_NET_HDR_F_NEEDS_CSUM means the guest's
 * kernel left the transport checksum for the "device" to finish (the
 * checksum field holds the pseudo-header sum only), and
 * VIRTIO_NET_HDR_F_DATA_VALID that it was already checked; either way
 * ip.c does not verify it (IP_RX_CSUM_OK).  The segmentation type: with
 * TSO offered (TUNSETOFFLOAD), the guest sends TCP segments of up to
 * 64 KiB in one frame whatever the MTU, which the layers above take as
 * one segment (they never needed frames to fit the MTU); a type we did
 * not offer (UDP fragmentation or segmentation) is dropped.  The other
 * fields (header length, segment size, checksum position) only describe
 * the frame, and nothing here needs them.
 */
#include <linux/if_ether.h>
#include <linux/virtio_net.h>
#include <string.h>

#include "arp.h"
#include "eth.h"
#include "ip.h"
#include "pkt.h"

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
 * eth_frame() - take one frame from the guest, its offload flags known
 * @c:		context
 * @frame:	the frame, Ethernet header first (no FCS)
 * @len:	its length
 * @rx:		IP_RX_* flags for ip_in()
 */
static void eth_frame(struct user_ctx *c, const uint8_t *frame, size_t len,
		      unsigned int rx)
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
	case ETH_P_IP:
		ip_in(c, 0, frame + USER_ETH_HLEN, len - USER_ETH_HLEN, rx);
		return;
	case ETH_P_IPV6:
		ip_in(c, 1, frame + USER_ETH_HLEN, len - USER_ETH_HLEN, rx);
		return;
	}
drop:
	c->stat_drop++;
}

/**
 * eth_in() - take one frame from the guest
 * @c:		context
 * @frame:	the frame, Ethernet header first (no FCS)
 * @len:	its length
 */
void eth_in(struct user_ctx *c, const uint8_t *frame, size_t len)
{
	eth_frame(c, frame, len, 0);
}

/**
 * eth_in_vnet() - take one frame from the guest behind a virtio-net header
 * @c:		context
 * @buf:	struct virtio_net_hdr (native byte order, as a tap without
 *		TUNSETVNETLE/BE gives it), then the frame
 * @len:	their length
 */
void eth_in_vnet(struct user_ctx *c, const uint8_t *buf, size_t len)
{
	struct virtio_net_hdr vh;
	unsigned int rx = 0;

	if (len < sizeof(vh)) {
		c->stat_rx++;
		c->stat_drop++;
		return;
	}
	memcpy(&vh, buf, sizeof(vh));
	switch (vh.gso_type & (uint8_t)~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
	case VIRTIO_NET_HDR_GSO_TCPV4:
	case VIRTIO_NET_HDR_GSO_TCPV6:
		break;
	default:
		c->stat_rx++;
		c->stat_drop++;
		return;
	}
	if (vh.flags & (VIRTIO_NET_HDR_F_NEEDS_CSUM |
			VIRTIO_NET_HDR_F_DATA_VALID))
		rx |= IP_RX_CSUM_OK;
	eth_frame(c, buf + sizeof(vh), len - sizeof(vh), rx);
}
