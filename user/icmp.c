// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * icmp.c - ICMP and ICMPv6 echo through unprivileged ping sockets
 *
 * Theory of operation
 *
 * An echo request from the guest (ICMP type 8, ICMPv6 type 128) is sent
 * on the host through a ping socket - socket(AF_INET, SOCK_DGRAM,
 * IPPROTO_ICMP), or its IPv6 twin - which any user in the
 * net.ipv4.ping_group_range sysctl may open.  The destination is mapped by
 * nat_to_host() like any other guest traffic (the host address reaches
 * the host's loopback).  There is one socket per flow, a flow being (guest
 * address, guest's echo identifier, address pinged); the kernel picks the
 * identifier on the wire, so echo replies read from the socket get the
 * guest's identifier back, a fresh checksum and, as source, the address
 * the guest pinged.
 *
 * When the host forbids ping sockets (socket() fails with EACCES or
 * EPERM), one warning names the sysctl to change, and echo requests to
 * other hosts are dropped from then on.  Requests to our own addresses -
 * host, DNS, our IPv6 link-local - that cannot be sent (ping sockets
 * forbidden, restrict=on, no host loopback) are answered here, so a guest
 * can always ping its gateway.
 *
 * The flow table has a fixed size (opts.flows_max, at most
 * ICMP_FLOWS_MAX); when it is full the least recently used flow is closed.
 * Flows idle for ICMP_IDLE_MS are closed by icmp_timer().  icmp_timer()
 * also drives NDP's periodic router advertisements (ndp.c), NDP being
 * part of ICMPv6.
 *
 * icmp_port_unreach() sends the guest a "port unreachable" error for a
 * UDP flow whose host socket was refused, quoting the IP and UDP headers
 * so the guest's stack finds the socket.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csum.h"
#include "icmp.h"
#include "inany.h"
#include "ip.h"
#include "log.h"
#include "nat.h"
#include "ndp.h"
#include "pkt.h"

#define ICMP_FLOWS_MAX		1024
#define ICMP_IDLE_MS		60000
#define ICMP_ECHO_REPLY		0
#define ICMP_ECHO_REQUEST	8
#define ICMP_UNREACH		3
#define ICMP_UNREACH_PORT	3
#define ICMP6_UNREACH		1
#define ICMP6_UNREACH_PORT	4
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
/* Largest echo message read from a ping socket */
#define ICMP_BUF		65536

/**
 * struct icmp_flow - one echo flow and its ping socket
 * @fd:		ping socket, -1 if the slot is free
 * @id:		the guest's echo identifier
 * @gaddr:	guest address
 * @raddr:	address the guest pinged
 * @last_ms:	last activity
 */
struct icmp_flow {
	int fd;
	uint16_t id;
	struct in6_addr gaddr;
	struct in6_addr raddr;
	uint64_t last_ms;
};

static struct icmp_flow *icmp_flows;
static unsigned int icmp_nflows;
static unsigned int icmp_used;
static int icmp_forbidden;
static uint8_t icmp_buf[ICMP_BUF];

/**
 * icmp_init() - allocate the flow table
 * @c:		context
 *
 * Return: 0, or -ENOMEM
 */
int icmp_init(struct user_ctx *c)
{
	unsigned int i, n = c->o->flows_dgram ? c->o->flows_dgram :
						 c->o->flows_max;
	int rc = 0;

	if (!n)
		n = 1;
	if (n > ICMP_FLOWS_MAX)
		n = ICMP_FLOWS_MAX;
	free(icmp_flows);
	icmp_flows = calloc(n, sizeof(*icmp_flows));
	if (!icmp_flows) {
		icmp_nflows = 0;
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		icmp_flows[i].fd = -1;
	icmp_nflows = n;
	icmp_used = 0;
	icmp_forbidden = 0;
out:
	return rc;
}

/**
 * icmp_close() - close a flow and free its slot
 * @c:		context
 * @f:		the flow
 */
static void icmp_close(struct user_ctx *c, struct icmp_flow *f)
{
	if (f->fd < 0)
		return;
	user_epoll_del(c, f->fd);
	close(f->fd);
	f->fd = -1;
	icmp_used--;
}

/**
 * icmp_is_ours() - whether an address is one of ours on the guest network
 * @c:		context
 * @a:		address
 *
 * Return: 1 for the host and DNS addresses (both families) and our IPv6
 * link-local address
 */
static int icmp_is_ours(const struct user_ctx *c, const struct in6_addr *a)
{
	struct in6_addr ll;

	if (inany_is4(a))
		return inany_to4(a).s_addr == c->o->host.s_addr ||
		       inany_to4(a).s_addr == c->o->dns.s_addr;
	ndp_ll_addr(c, &ll);
	return inany_eq(a, &c->o->host6) || inany_eq(a, &c->o->dns6) ||
	       inany_eq(a, &ll);
}

/**
 * icmp_reply() - send an echo reply (or any ICMP message) to the guest
 * @c:		context
 * @src:	source: the address that was pinged
 * @dst:	the guest
 * @hdr:	the 8-byte ICMP header, checksum field zero; filled in here
 * @data:	the rest of the message
 * @len:	its length
 */
static void icmp_reply(struct user_ctx *c, const struct in6_addr *src,
		       const struct in6_addr *dst, uint8_t *hdr,
		       const uint8_t *data, size_t len)
{
	uint8_t proto = inany_is4(dst) ? IPPROTO_ICMP : IPPROTO_ICMPV6;
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = 8 },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	uint16_t sum;

	hdr[2] = hdr[3] = 0;
	sum = ip_l4_csum(src, dst, proto, iov, 2, 8 + len);
	memcpy(hdr + 2, &sum, 2);
	ip_send(c, src, dst, proto, iov, 2, 8 + len);
}

/**
 * icmp_local() - answer an echo request to one of our addresses here
 * @c:		context
 * @src:	the guest
 * @dst:	our address it pinged
 * @msg:	the echo request
 * @len:	its length, at least 8
 */
static void icmp_local(struct user_ctx *c, const struct in6_addr *src,
		       const struct in6_addr *dst, const uint8_t *msg,
		       size_t len)
{
	uint8_t hdr[8];

	memcpy(hdr, msg, 8);
	hdr[0] = inany_is4(dst) ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY;
	icmp_reply(c, dst, src, hdr, msg + 8, len - 8);
}

/**
 * icmp_find() - look a flow up
 * @src:	guest address
 * @dst:	address pinged
 * @id:		echo identifier
 *
 * Return: the flow, or NULL
 */
static struct icmp_flow *icmp_find(const struct in6_addr *src,
				   const struct in6_addr *dst, uint16_t id)
{
	unsigned int i;

	for (i = 0; i < icmp_nflows; i++) {
		struct icmp_flow *f = &icmp_flows[i];

		if (f->fd >= 0 && f->id == id && inany_eq(&f->gaddr, src) &&
		    inany_eq(&f->raddr, dst))
			return f;
	}
	return NULL;
}

/**
 * icmp_slot() - a free slot, closing the least recently used flow if
 *		 there is none
 * @c:		context
 *
 * Return: the slot, or NULL if there is no table
 */
static struct icmp_flow *icmp_slot(struct user_ctx *c)
{
	struct icmp_flow *lru = NULL;
	unsigned int i;

	for (i = 0; i < icmp_nflows; i++) {
		struct icmp_flow *f = &icmp_flows[i];

		if (f->fd < 0)
			return f;
		if (!lru || f->last_ms < lru->last_ms)
			lru = f;
	}
	if (lru)
		icmp_close(c, lru);
	return lru;
}

/**
 * icmp_open() - open a ping socket for a new flow
 * @c:		context
 * @f:		free slot to fill
 * @sa:		host destination
 * @salen:	its length
 *
 * Return: 0, -EACCES when ping sockets are forbidden, or another -errno
 */
static int icmp_open(struct user_ctx *c, struct icmp_flow *f,
		     const struct sockaddr_storage *sa, socklen_t salen)
{
	int v4 = sa->ss_family == AF_INET, fd, rc;

	fd = socket(sa->ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6);
	if (fd < 0) {
		rc = -errno;
		if (rc == -EACCES || rc == -EPERM) {
			log_warn("ping sockets are not allowed for this "
				 "user, so the guest cannot ping other hosts; "
				 "allow them with: sysctl "
				 "net.ipv4.ping_group_range=\"0 2147483647\"");
			icmp_forbidden = 1;
			rc = -EACCES;
		}
		goto out;
	}
	if (connect(fd, (const struct sockaddr *)sa, salen) < 0) {
		rc = -errno;
		close(fd);
		goto out;
	}
	rc = user_epoll_add(c, fd, EPOLLIN, REF_ICMP,
			    (uint32_t)(f - icmp_flows));
	if (rc < 0) {
		close(fd);
		goto out;
	}
	f->fd = fd;
	icmp_used++;
	rc = 0;
out:
	return rc;
}

/**
 * icmp_in() - take an ICMP or ICMPv6 message from the guest
 * @c:		context
 * @src:	guest address
 * @dst:	destination (v4-mapped for ICMP)
 * @msg:	the message, checksum verified
 * @len:	its length
 */
void icmp_in(struct user_ctx *c, const struct in6_addr *src,
	     const struct in6_addr *dst, const uint8_t *msg, size_t len)
{
	int v4 = inany_is4(dst), ours = icmp_is_ours(c, dst);
	struct sockaddr_storage sa;
	struct icmp_flow *f;
	uint8_t type, code;
	struct pkt_rd rd;
	socklen_t salen;
	uint16_t id;

	pkt_rd_init(&rd, msg, len);
	type = pkt_rd_u8(&rd);
	code = pkt_rd_u8(&rd);
	pkt_rd_skip(&rd, 2);			/* checksum */
	id = pkt_rd_u16(&rd);
	pkt_rd_skip(&rd, 2);			/* sequence */
	if (!pkt_rd_ok(&rd) || code ||
	    type != (v4 ? ICMP_ECHO_REQUEST : ICMP6_ECHO_REQUEST) ||
	    inany_is_unspec(src))
		goto drop;
	f = icmp_find(src, dst, id);
	if (!f) {
		if (icmp_forbidden ||
		    nat_to_host(c, v4 ? IPPROTO_ICMP : IPPROTO_ICMPV6, dst, 0,
				&sa, &salen) < 0) {
			if (ours)
				icmp_local(c, src, dst, msg, len);
			return;
		}
		f = icmp_slot(c);
		if (!f)
			goto drop;
		if (icmp_open(c, f, &sa, salen) < 0) {
			if (ours)
				icmp_local(c, src, dst, msg, len);
			return;
		}
		f->id = id;
		f->gaddr = *src;
		f->raddr = *dst;
	}
	f->last_ms = c->now_ms;
	/* the kernel sets the identifier and the checksum */
	if (send(f->fd, msg, len, MSG_DONTWAIT) < 0 && errno != EAGAIN)
		log_debug("icmp: send: %s", strerror(errno));
	return;
drop:
	c->stat_drop++;
}

/**
 * icmp_sock_event() - read echo replies from a ping socket
 * @c:		context
 * @idx:	flow index
 * @events:	epoll events
 */
void icmp_sock_event(struct user_ctx *c, uint32_t idx, uint32_t events)
{
	struct icmp_flow *f;
	int i;

	(void)events;
	if (idx >= icmp_nflows || icmp_flows[idx].fd < 0)
		return;
	f = &icmp_flows[idx];
	for (i = 0; i < 64; i++) {
		ssize_t n = recv(f->fd, icmp_buf, sizeof(icmp_buf),
				 MSG_DONTWAIT);
		int v4 = inany_is4(&f->raddr);
		uint8_t hdr[8];

		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_debug("icmp: recv: %s", strerror(errno));
			if (errno != EINTR)
				break;
			continue;
		}
		if (n < 8 || (size_t)n > ip_payload_max(c, !v4) ||
		    icmp_buf[0] != (v4 ? ICMP_ECHO_REPLY : ICMP6_ECHO_REPLY))
			continue;
		memcpy(hdr, icmp_buf, 8);
		pkt_put_u16(hdr + 4, f->id);
		f->last_ms = c->now_ms;
		icmp_reply(c, &f->raddr, &f->gaddr, hdr, icmp_buf + 8,
			   (size_t)n - 8);
	}
}

/**
 * icmp_port_unreach() - tell the guest a UDP port is unreachable
 * @c:		context
 * @gaddr:	guest address of the UDP flow
 * @gport:	guest port
 * @raddr:	remote address as the guest sees it
 * @rport:	remote port
 *
 * The error quotes a minimal IP header and the UDP header of a datagram
 * from the guest's flow (RFC 792, RFC 4443 3.1), enough for the guest to
 * match it to its socket.
 */
void icmp_port_unreach(struct user_ctx *c, const struct in6_addr *gaddr,
		       uint16_t gport, const struct in6_addr *raddr,
		       uint16_t rport)
{
	uint8_t hdr[8] = { 0 }, q[48];
	int v4 = inany_is4(gaddr);
	struct pkt_wr w;

	if (v4 != inany_is4(raddr))
		return;
	pkt_wr_init(&w, q, sizeof(q));
	if (v4) {
		uint8_t *ip = q;

		hdr[0] = ICMP_UNREACH;
		hdr[1] = ICMP_UNREACH_PORT;
		pkt_wr_u8(&w, 0x45);
		pkt_wr_u8(&w, 0);
		pkt_wr_u16(&w, 28);
		pkt_wr_u32(&w, 0);
		pkt_wr_u8(&w, 64);
		pkt_wr_u8(&w, IPPROTO_UDP);
		pkt_wr_u16(&w, 0);
		pkt_wr_bytes(&w, &gaddr->s6_addr[12], 4);
		pkt_wr_bytes(&w, &raddr->s6_addr[12], 4);
		pkt_put_u16(ip + 10, csum_ip4_header(ip, 20));
	} else {
		hdr[0] = ICMP6_UNREACH;
		hdr[1] = ICMP6_UNREACH_PORT;
		pkt_wr_u32(&w, 0x60000000);
		pkt_wr_u16(&w, 8);
		pkt_wr_u8(&w, IPPROTO_UDP);
		pkt_wr_u8(&w, 64);
		pkt_wr_bytes(&w, gaddr, 16);
		pkt_wr_bytes(&w, raddr, 16);
	}
	pkt_wr_u16(&w, gport);
	pkt_wr_u16(&w, rport);
	pkt_wr_u16(&w, 8);
	pkt_wr_u16(&w, 0);
	icmp_reply(c, raddr, gaddr, hdr, q, w.off);
}

/**
 * icmp_timer() - close idle flows; drive NDP's timer
 * @c:		context
 */
void icmp_timer(struct user_ctx *c)
{
	unsigned int i;

	for (i = 0; i < icmp_nflows && icmp_used; i++) {
		struct icmp_flow *f = &icmp_flows[i];

		if (f->fd >= 0 && c->now_ms >= f->last_ms + ICMP_IDLE_MS)
			icmp_close(c, f);
	}
	ndp_timer(c);
}

/**
 * icmp_count() - number of open echo flows
 * @c:		context
 *
 * Return: the count
 */
unsigned int icmp_count(const struct user_ctx *c)
{
	(void)c;
	return icmp_used;
}

/**
 * icmp_fini() - close every flow and free the table
 * @c:		context
 */
void icmp_fini(struct user_ctx *c)
{
	unsigned int i;

	for (i = 0; i < icmp_nflows; i++)
		icmp_close(c, &icmp_flows[i]);
	free(icmp_flows);
	icmp_flows = NULL;
	icmp_nflows = 0;
}
