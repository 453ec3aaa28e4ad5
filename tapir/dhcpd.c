// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcpd.c - the DHCP server's sockets: lib/dhcp.c on a bridge
 *
 * Theory of operation
 *
 * Requests arrive on a UDP socket bound to port 67 on the bridge
 * (SO_BINDTODEVICE, so several networks each have their own), read in
 * batches with recvmmsg().  lib/dhcp.c decides the reply and where it
 * goes:
 *
 * - to a relay agent (giaddr): sent back through the UDP socket, routed
 *   like any packet;
 * - to a client, broadcast or unicast to the address it is being given:
 *   the IP and UDP headers are built here, both checksums computed, and
 *   the frame is sent on a packet socket to the client's MAC address.  A
 *   client without an address yet cannot answer ARP, so no ARP is needed;
 *   and every reply carries a valid UDP checksum whatever offloads the
 *   bridge and its ports have - the problem old dhclient had with
 *   virtio-net, which libvirt fixed with an iptables CHECKSUM rule that
 *   nftables no longer has.
 *
 * Leases live in STATEDIR/NAME.leases (lib/lease.c's journal), one line
 * appended per change before the reply is sent.  Nothing is allocated per
 * packet: the receive buffers are fixed, and so is the reply frame.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include "csum.h"
#include "dhcpd.h"
#include "log.h"
#include "mmsg.h"
#include "pkt.h"

/* Requests read per wake-up */
#define DHCPD_BATCH	32
/* Largest request read; longer ones are cut, and refused by lib/dhcp.c */
#define DHCPD_MTU	1500
/* Lease time handed out: an hour, as libvirt does */
#define DHCPD_LEASE	3600

/**
 * dhcpd_send_frame() - send a reply to a client on the packet socket
 * @d:		server
 * @tx:		where it goes
 * @msg:	DHCP message
 * @len:	its length
 */
static void dhcpd_send_frame(struct dhcpd *d, const struct dhcp_tx *tx,
			     const uint8_t *msg, size_t len)
{
	uint8_t frame[20 + 8 + DHCPD_MTU];
	struct sockaddr_ll to = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_IP),
		.sll_ifindex = d->ifindex,
		.sll_halen = 6,
	};
	uint32_t dst = tx->dest == DHCP_DEST_BROADCAST ? 0xffffffff : tx->ip;
	uint8_t *ip = frame, *udp = frame + 20;

	if (len > DHCPD_MTU)
		return;
	memset(frame, 0, 28);
	ip[0] = 0x45;				/* IPv4, 20-byte header */
	ip[1] = 0x10;				/* low delay */
	pkt_put_u16(ip + 2, (uint16_t)(28 + len));
	ip[8] = 64;				/* TTL */
	ip[9] = IPPROTO_UDP;
	pkt_put_u32(ip + 12, d->dhcp.server);
	pkt_put_u32(ip + 16, dst);
	pkt_put_u16(ip + 10, csum_ip4_header(ip, 20));

	pkt_put_u16(udp, DHCP_SERVER_PORT);
	pkt_put_u16(udp + 2, tx->port);
	pkt_put_u16(udp + 4, (uint16_t)(8 + len));
	memcpy(udp + 8, msg, len);
	pkt_put_u16(udp + 6, csum_udp4(d->dhcp.server, dst, udp, 8 + len));

	memcpy(to.sll_addr, tx->mac, 6);
	if (sendto(d->pkt, frame, 28 + len, 0, (struct sockaddr *)&to,
		   sizeof(to)) < 0)
		log_debug("dhcp: cannot send to %02x:%02x:%02x:%02x:%02x:%02x:"
			  " %s", tx->mac[0], tx->mac[1], tx->mac[2],
			  tx->mac[3], tx->mac[4], tx->mac[5],
			  strerror(errno));
}

/**
 * dhcpd_reply() - send a reply where lib/dhcp.c says it goes
 * @d:		server
 * @tx:		where it goes
 * @msg:	DHCP message
 * @len:	its length
 */
static void dhcpd_reply(struct dhcpd *d, const struct dhcp_tx *tx,
			const uint8_t *msg, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	switch (tx->dest) {
	case DHCP_DEST_NONE:
		break;
	case DHCP_DEST_RELAY:
		to.sin_addr.s_addr = htonl(tx->ip);
		to.sin_port = htons(tx->port);
		if (sendto(d->ev.fd, msg, len, 0, (struct sockaddr *)&to,
			   sizeof(to)) < 0)
			log_debug("dhcp: cannot send to relay: %s",
				  strerror(errno));
		break;
	case DHCP_DEST_BROADCAST:
	case DHCP_DEST_UNICAST:
		dhcpd_send_frame(d, tx, msg, len);
		break;
	}
}

/**
 * dhcpd_read() - serve the requests waiting on the socket
 * @nd:		event loop
 * @ev:		the socket's entry
 * @events:	epoll events
 */
static void dhcpd_read(struct netd *nd, struct netd_ev *ev, uint32_t events)
{
	struct dhcpd *d = (struct dhcpd *)ev;
	static uint8_t buf[DHCPD_BATCH][DHCPD_MTU];
	struct mmsghdr msg[DHCPD_BATCH];
	struct iovec iov[DHCPD_BATCH];
	uint8_t out[DHCPD_MTU];
	struct dhcp_tx tx;
	int n, i, len;

	(void)events;
	for (;;) {
		n = mmsg_recv(ev->fd, buf, sizeof(buf[0]), NULL, 0, msg, iov,
			      DHCPD_BATCH);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			len = dhcp_handle(&d->dhcp, d->ls, nd->now, buf[i],
					  msg[i].msg_len, out, sizeof(out),
					  &tx);
			if (len > 0)
				dhcpd_reply(d, &tx, out, (size_t)len);
		}
		if (n < DHCPD_BATCH)
			return;
	}
}

/**
 * dhcpd_socket() - open the UDP socket on port 67 of the bridge
 * @bridge:	bridge name
 *
 * Return: the socket, or -errno
 */
static int dhcpd_socket(const char *bridge)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(DHCP_SERVER_PORT),
	};
	int fd, on = 1, rcvbuf = 4 << 20, rc;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)) ||
	    setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, bridge,
		       (socklen_t)strlen(bridge) + 1) ||
	    bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/**
 * dhcpd_start() - start the DHCP server of a network
 * @d:		server to set up
 * @nd:		event loop
 * @p:		the network
 * @statedir:	where the lease journal lives
 * @ifindex:	the bridge's interface index
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
int dhcpd_start(struct dhcpd *d, struct netd *nd, const struct plan *p,
		const char *statedir, int ifindex, char *err, size_t len)
{
	const struct conf_net *n = &p->net;
	struct dhcp_cfg cfg = {
		.server = n->addr.addr,
		.netmask = inet_mask(n->addr.len),
		.router = n->addr.addr,
		.domain = n->domain[0] ? n->domain : NULL,
		.lease_time = DHCPD_LEASE,
		.mtu = (uint16_t)p->mtu,
		.authoritative = 1,
	};
	struct lease_cfg lc = {
		.pool_first = n->range_first,
		.pool_last = n->range_last,
		.server = n->addr.addr,
		.nstatic = n->nhosts,
	};
	char path[4096];
	size_t i;
	int rc;

	memset(d, 0, sizeof(*d));
	d->ev.fd = d->pkt = -1;
	d->ev.fn = dhcpd_read;
	d->ifindex = ifindex;
	if (n->dns) {
		cfg.dns[0] = n->addr.addr;
		cfg.ndns = 1;
	}
	rc = dhcp_init(&d->dhcp, &cfg);
	if (rc) {
		snprintf(err, len, "invalid DHCP settings for network %s",
			 n->name);
		return rc;
	}

	d->statics = calloc(n->nhosts + 1, sizeof(*d->statics));
	if (!d->statics)
		return -ENOMEM;
	for (i = 0; i < n->nhosts; i++) {
		memcpy(d->statics[i].mac, n->host[i].mac.b, 6);
		d->statics[i].ip = n->host[i].ip;
		d->statics[i].hostname = n->host[i].name[0] ?
					 n->host[i].name : NULL;
	}
	lc.statics = d->statics;
	if (mkdir(statedir, 0755) && errno != EEXIST) {
		rc = -errno;
		snprintf(err, len, "cannot create %s: %s", statedir,
			 strerror(-rc));
		goto fail;
	}
	snprintf(path, sizeof(path), "%s/%s.leases", statedir, n->name);
	lc.path = path;
	rc = lease_open(&d->ls, &lc, nd->now);
	if (rc) {
		snprintf(err, len, "cannot open the lease file %s: %s", path,
			 strerror(-rc));
		goto fail;
	}

	d->ev.fd = dhcpd_socket(n->bridge);
	if (d->ev.fd < 0) {
		rc = d->ev.fd;
		snprintf(err, len, "cannot listen on %s port 67 (DHCP): %s",
			 n->bridge, strerror(-rc));
		goto fail;
	}
	d->pkt = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->pkt < 0) {
		rc = -errno;
		snprintf(err, len, "cannot open a packet socket: %s",
			 strerror(-rc));
		goto fail;
	}
	rc = netd_add(nd, &d->ev, EPOLLIN);
	if (rc) {
		snprintf(err, len, "epoll: %s", strerror(-rc));
		goto fail;
	}
	return 0;
fail:
	dhcpd_stop(d, nd);
	return rc;
}

/**
 * dhcpd_stop() - stop the server and close the lease journal
 * @d:		server
 * @nd:		event loop
 */
void dhcpd_stop(struct dhcpd *d, struct netd *nd)
{
	netd_del(nd, &d->ev);
	if (d->ev.fd >= 0)
		close(d->ev.fd);
	if (d->pkt >= 0)
		close(d->pkt);
	d->ev.fd = d->pkt = -1;
	if (d->ls)
		lease_close(d->ls);
	d->ls = NULL;
	free(d->statics);
	d->statics = NULL;
}
