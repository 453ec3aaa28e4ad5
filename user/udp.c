// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * udp.c - UDP flows between the guest and host sockets
 *
 * Theory of operation
 *
 * A UDP flow is (guest address, guest port, remote address, remote port),
 * the remote as the guest sees it (10.0.2.3:53, or 198.51.100.1:123).  The
 * first datagram of a flow from the guest maps the remote to a host
 * sockaddr with nat_to_host() - which applies restrict=on, the host
 * loopback and the DNS address -> resolver mapping - and opens a connected,
 * non-blocking UDP socket of that sockaddr's family, registered in the
 * epoll set as REF_UDP with the flow's index.  Datagrams from the guest
 * are send() on it; what the socket receives (recvmmsg(), in batches) goes
 * to the guest through ip_send_frag() (in IP fragments if larger than
 * the MTU) with the flow's remote as source, so a DNS answer from the
 * host's resolver comes from 10.0.2.3:53 as the guest expects.  A refused datagram (ECONNREFUSED) becomes an ICMP port
 * unreachable to the guest.
 *
 * hostfwd=udp: rules are the other way round.  fwd.c owns the socket
 * bound on the host and calls udp_fwd_recv() when it is readable; each
 * datagram creates or refreshes the flow (rule's guest address and port,
 * the client as nat_from_host() shows it), which remembers the listener
 * and the client's real sockaddr, so the guest's replies go back with
 * sendto() on the listener.  Such flows have no socket of their own.
 *
 * Built-in services are intercepted before any flow: DHCPv4 (port 67),
 * DHCPv6 (ff02::1:2 port 547) and TFTP (the host address, port 69 and the
 * transfers' ports, when tftp= is set); dhcp4_init() and tftp_init() set
 * them up, and udp_timer() runs TFTP's retransmissions.
 *
 * Flows are kept in one table of opts.flows_max entries allocated at
 * start-up, found through a hash table (chained, keyed with a random
 * seed so the guest cannot choose collisions), and linked in a list from
 * most to least recently used.  When the table is full the least recently
 * used flow is closed to make room.  A flow idle for UDP_IDLE_MS is
 * closed; a DNS flow (to the DNS address, port 53) is closed
 * UDP_DNS_IDLE_MS after its last answer, since a resolver uses a fresh
 * port for each query.  Indices are stored plus one, so the zeroed table
 * needs no initialisation and untouched entries cost no memory.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dhcp.h"
#include "dhcp4.h"
#include "dhcp6.h"
#include "icmp.h"
#include "inany.h"
#include "ip.h"
#include "log.h"
#include "mmsg.h"
#include "nat.h"
#include "pkt.h"
#include "tftp.h"
#include "udp.h"

#define UDP_IDLE_MS		180000
#define UDP_DNS_IDLE_MS		10000
/* udp_timer() looks at the table at most this often */
#define UDP_SCAN_MS		1000
/* Datagrams read per recvmmsg() call, and calls per event */
#define UDP_BATCH		8
#define UDP_ROUNDS		8
#define UDP_BUF			65536

/**
 * union udp_sa - a host peer's address
 * @sa:		generic
 * @sa4:	IPv4
 * @sa6:	IPv6
 */
union udp_sa {
	struct sockaddr sa;
	struct sockaddr_in sa4;
	struct sockaddr_in6 sa6;
};

/**
 * struct udp_flow - one UDP flow
 * @gaddr:	guest address
 * @raddr:	remote address, as the guest sees it
 * @gport:	guest port
 * @rport:	remote port, as the guest sees it
 * @used:	the entry is a flow
 * @dns:	to the DNS address, port 53
 * @answered:	a datagram came back
 * @fd:		our connected host socket, -1 for hostfwd flows
 * @lfd:	hostfwd listener the flow came through, -1 otherwise
 * @peer:	the hostfwd client's real address
 * @peerlen:	its length
 * @last_ms:	last datagram either way
 * @hnext:	next flow in the hash chain, plus one
 * @prev:	more recently used flow, plus one
 * @next:	less recently used flow, plus one
 */
struct udp_flow {
	struct in6_addr gaddr;
	struct in6_addr raddr;
	uint16_t gport;
	uint16_t rport;
	uint8_t used;
	uint8_t dns;
	uint8_t answered;
	int fd;
	int lfd;
	union udp_sa peer;
	socklen_t peerlen;
	uint64_t last_ms;
	uint32_t hnext;
	uint32_t prev;
	uint32_t next;
};

/**
 * struct udp_table - every flow
 * @f:		the flows
 * @n:		size of @f
 * @fresh:	entries of @f never used yet, from @f[@n - @fresh]
 * @free:	list of freed entries (through @hnext), plus one
 * @used:	flows open
 * @hash:	chain heads, plus one
 * @hmask:	hash table size minus one
 * @seed:	hash seed
 * @head:	most recently used flow, plus one
 * @tail:	least recently used flow, plus one
 * @scan_ms:	time of the last timeout scan
 */
struct udp_table {
	struct udp_flow *f;
	uint32_t n;
	uint32_t fresh;
	uint32_t free;
	uint32_t used;
	uint32_t *hash;
	uint32_t hmask;
	uint32_t seed;
	uint32_t head;
	uint32_t tail;
	uint64_t scan_ms;
};

static struct udp_table udp_t;

static struct mmsghdr udp_mmsg[UDP_BATCH];
static struct iovec udp_iov[UDP_BATCH];
static union udp_sa udp_from[UDP_BATCH];
static uint8_t udp_buf[UDP_BATCH][UDP_BUF];

static const struct in6_addr udp_dhcp6_mcast = {
	.s6_addr = { 0xff, 0x02, [13] = 1, [15] = 2 }
};

/**
 * udp_hash() - hash bucket of a flow key
 * @gaddr:	guest address
 * @gport:	guest port
 * @raddr:	remote address
 * @rport:	remote port
 *
 * Return: bucket index
 */
static uint32_t udp_hash(const struct in6_addr *gaddr, uint16_t gport,
			 const struct in6_addr *raddr, uint16_t rport)
{
	uint32_t h = 2166136261u ^ udp_t.seed;
	unsigned int i;

	for (i = 0; i < 16; i++)
		h = (h ^ gaddr->s6_addr[i]) * 16777619u;
	for (i = 0; i < 16; i++)
		h = (h ^ raddr->s6_addr[i]) * 16777619u;
	h = (h ^ gport) * 16777619u;
	h = (h ^ rport) * 16777619u;
	h ^= h >> 15;
	return h & udp_t.hmask;
}

/**
 * udp_init() - allocate the flow table
 * @c:		context
 *
 * Return: 0 or -ENOMEM
 */
int udp_init(struct user_ctx *c)
{
	uint32_t n = c->o->flows_dgram ? c->o->flows_dgram :
		     c->o->flows_max ? c->o->flows_max : 1, h = 1;
	int rc;

	udp_fini(c);
	while (h < n && h < (1u << 30))
		h <<= 1;
	udp_t.f = calloc(n, sizeof(*udp_t.f));
	udp_t.hash = calloc(h, sizeof(*udp_t.hash));
	if (!udp_t.f || !udp_t.hash) {
		rc = -ENOMEM;
		goto out;
	}
	udp_t.n = n;
	udp_t.fresh = n;
	udp_t.hmask = h - 1;
	if (getrandom(&udp_t.seed, sizeof(udp_t.seed), GRND_NONBLOCK) < 0)
		udp_t.seed = (uint32_t)c->now_ms ^ (uint32_t)getpid();
	rc = 0;
out:
	if (rc < 0)
		udp_fini(c);
	return rc;
}

/**
 * udp_lru_unlink() - take a flow out of the recency list
 * @i:		its index plus one
 */
static void udp_lru_unlink(uint32_t i)
{
	struct udp_flow *f = &udp_t.f[i - 1];

	if (f->prev)
		udp_t.f[f->prev - 1].next = f->next;
	else
		udp_t.head = f->next;
	if (f->next)
		udp_t.f[f->next - 1].prev = f->prev;
	else
		udp_t.tail = f->prev;
	f->prev = f->next = 0;
}

/**
 * udp_touch() - mark a flow as just used
 * @c:		context
 * @i:		its index plus one
 */
static void udp_touch(struct user_ctx *c, uint32_t i)
{
	struct udp_flow *f = &udp_t.f[i - 1];

	f->last_ms = c->now_ms;
	if (udp_t.head == i)
		return;
	if (f->prev)			/* linked, and not the head */
		udp_lru_unlink(i);
	f->next = udp_t.head;
	if (udp_t.head)
		udp_t.f[udp_t.head - 1].prev = i;
	udp_t.head = i;
	if (!udp_t.tail)
		udp_t.tail = i;
}

/**
 * udp_find() - look a flow up by its key
 * @gaddr:	guest address
 * @gport:	guest port
 * @raddr:	remote address as the guest sees it
 * @rport:	remote port
 *
 * Return: its index plus one, or 0
 */
static uint32_t udp_find(const struct in6_addr *gaddr, uint16_t gport,
			 const struct in6_addr *raddr, uint16_t rport)
{
	uint32_t i;

	if (!udp_t.f)
		return 0;
	for (i = udp_t.hash[udp_hash(gaddr, gport, raddr, rport)]; i;
	     i = udp_t.f[i - 1].hnext) {
		const struct udp_flow *f = &udp_t.f[i - 1];

		if (f->gport == gport && f->rport == rport &&
		    inany_eq(&f->gaddr, gaddr) && inany_eq(&f->raddr, raddr))
			return i;
	}
	return 0;
}

/**
 * udp_close() - close a flow and free its entry
 * @c:		context
 * @i:		its index plus one
 */
static void udp_close(struct user_ctx *c, uint32_t i)
{
	struct udp_flow *f = &udp_t.f[i - 1];
	uint32_t *p;

	if (!f->used)
		return;
	p = &udp_t.hash[udp_hash(&f->gaddr, f->gport, &f->raddr, f->rport)];
	while (*p && *p != i)
		p = &udp_t.f[*p - 1].hnext;
	if (*p)
		*p = f->hnext;
	if (f->prev || udp_t.head == i)
		udp_lru_unlink(i);
	if (f->fd >= 0) {
		user_epoll_del(c, f->fd);
		close(f->fd);
	}
	memset(f, 0, sizeof(*f));
	f->hnext = udp_t.free;
	udp_t.free = i;
	udp_t.used--;
}

/**
 * udp_alloc() - a new flow, linked in, closing the least recently used
 *		 flow if the table is full
 * @c:		context
 * @gaddr:	guest address
 * @gport:	guest port
 * @raddr:	remote address as the guest sees it
 * @rport:	remote port
 *
 * Return: its index plus one (fd and lfd -1), or 0 if there is no table
 */
static uint32_t udp_alloc(struct user_ctx *c, const struct in6_addr *gaddr,
			  uint16_t gport, const struct in6_addr *raddr,
			  uint16_t rport)
{
	struct udp_flow *f;
	uint32_t i, h;

	if (!udp_t.f)
		return 0;
	if (!udp_t.free && !udp_t.fresh)
		udp_close(c, udp_t.tail);
	if (udp_t.free) {
		i = udp_t.free;
		udp_t.free = udp_t.f[i - 1].hnext;
	} else {
		i = udp_t.n - udp_t.fresh + 1;
		udp_t.fresh--;
	}
	f = &udp_t.f[i - 1];
	memset(f, 0, sizeof(*f));
	f->used = 1;
	f->fd = f->lfd = -1;
	f->gaddr = *gaddr;
	f->gport = gport;
	f->raddr = *raddr;
	f->rport = rport;
	h = udp_hash(gaddr, gport, raddr, rport);
	f->hnext = udp_t.hash[h];
	udp_t.hash[h] = i;
	udp_t.used++;
	udp_touch(c, i);
	return i;
}

/**
 * udp_open() - a new flow from the guest, with its host socket
 * @c:		context
 * @src:	guest address
 * @sport:	guest port
 * @dst:	remote address
 * @dport:	remote port
 *
 * Return: the flow's index plus one, or 0 if the destination is not
 * allowed or reachable, or no socket could be opened
 */
static uint32_t udp_open(struct user_ctx *c, const struct in6_addr *src,
			 uint16_t sport, const struct in6_addr *dst,
			 uint16_t dport)
{
	struct sockaddr_storage sa;
	struct in6_addr dns;
	socklen_t salen;
	uint32_t i = 0;
	int fd = -1, rc;

	rc = nat_to_host(c, IPPROTO_UDP, dst, dport, &sa, &salen);
	if (rc < 0)
		goto out;
	fd = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, salen) < 0) {
		log_debug("udp: cannot open a flow: %s", strerror(errno));
		goto out;
	}
	i = udp_alloc(c, src, sport, dst, dport);
	if (!i)
		goto out;
	if (user_epoll_add(c, fd, EPOLLIN, REF_UDP, i - 1) < 0) {
		udp_close(c, i);
		i = 0;
		goto out;
	}
	udp_t.f[i - 1].fd = fd;
	fd = -1;
	dns = inany_is4(dst) ? inany_from4(c->o->dns) : c->o->dns6;
	udp_t.f[i - 1].dns = dport == 53 && inany_eq(dst, &dns);
out:
	if (fd >= 0)
		close(fd);
	return i;
}

/**
 * udp_to_guest() - send a datagram of a flow to the guest
 * @c:		context
 * @f:		the flow
 * @data:	payload
 * @len:	its length
 */
static void udp_to_guest(struct user_ctx *c, const struct udp_flow *f,
			 const uint8_t *data, size_t len)
{
	uint8_t h[8];
	struct iovec iov[2] = {
		{ .iov_base = h, .iov_len = 8 },
		{ .iov_base = (void *)data, .iov_len = len },
	};
	uint16_t sum;

	if (len + 8 > 65535)
		return;
	pkt_put_u16(h, f->rport);
	pkt_put_u16(h + 2, f->gport);
	pkt_put_u16(h + 4, (uint16_t)(len + 8));
	pkt_put_u16(h + 6, 0);
	sum = ip_l4_csum(&f->raddr, &f->gaddr, IPPROTO_UDP, iov, 2, len + 8);
	memcpy(h + 6, &sum, 2);
	ip_send_frag(c, &f->raddr, &f->gaddr, IPPROTO_UDP, iov, 2, len + 8);
}

/**
 * udp_builtin() - hand a datagram to a built-in service if it is for one
 * @c:		context
 * @src:	source address
 * @sport:	source port
 * @dst:	destination address
 * @dport:	destination port
 * @p:		payload
 * @len:	its length
 *
 * Return: 1 if a service took it
 */
static int udp_builtin(struct user_ctx *c, const struct in6_addr *src,
		       uint16_t sport, const struct in6_addr *dst,
		       uint16_t dport, const uint8_t *p, size_t len)
{
	int v4 = inany_is4(dst);

	if (v4 && dport == DHCP_SERVER_PORT) {
		uint32_t a = inany_to4(dst).s_addr;

		if (a == htonl(INADDR_BROADCAST) || a == c->o->host.s_addr) {
			dhcp4_in(c, src, dst, p, len);
			return 1;
		}
	}
	if (!v4 && dport == DHCP6_SERVER_PORT &&
	    inany_eq(dst, &udp_dhcp6_mcast)) {
		dhcp6_in(c, src, dst, p, len);
		return 1;
	}
	if (c->o->tftp[0] && v4 && inany_to4(dst).s_addr == c->o->host.s_addr)
		return tftp_in(c, src, sport, dst, dport, p, len);
	return 0;
}

/**
 * udp_is_group() - whether a destination is multicast or broadcast
 * @c:		context
 * @a:		address
 *
 * Return: 1 if so
 */
static int udp_is_group(const struct user_ctx *c, const struct in6_addr *a)
{
	uint32_t v;

	if (!inany_is4(a))
		return IN6_IS_ADDR_MULTICAST(a);
	v = ntohl(inany_to4(a).s_addr);
	return (v >> 28) >= 0xe ||
	       v == ntohl(c->o->net.s_addr | ~c->o->mask.s_addr);
}

/**
 * udp_in() - take a UDP datagram from the guest
 * @c:		context
 * @src:	source address
 * @dst:	destination address
 * @dgram:	UDP header and payload, checksum verified
 * @len:	its length
 */
void udp_in(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *dgram, size_t len)
{
	uint16_t sport, dport, ulen;
	const uint8_t *p;
	struct udp_flow *f;
	struct pkt_rd rd;
	uint32_t i;
	ssize_t n;

	pkt_rd_init(&rd, dgram, len);
	sport = pkt_rd_u16(&rd);
	dport = pkt_rd_u16(&rd);
	ulen = pkt_rd_u16(&rd);
	pkt_rd_skip(&rd, 2);
	if (!pkt_rd_ok(&rd) || ulen < 8 || ulen > len)
		goto drop;
	p = dgram + 8;
	if (udp_builtin(c, src, sport, dst, dport, p, ulen - 8u))
		return;
	if (udp_is_group(c, dst) || inany_is_unspec(src) || !sport || !dport)
		goto drop;
	i = udp_find(src, sport, dst, dport);
	if (!i)
		i = udp_open(c, src, sport, dst, dport);
	if (!i)
		goto drop;
	udp_touch(c, i);
	f = &udp_t.f[i - 1];
	if (f->fd >= 0)
		n = send(f->fd, p, ulen - 8u, MSG_DONTWAIT);
	else
		n = sendto(f->lfd, p, ulen - 8u, MSG_DONTWAIT, &f->peer.sa,
			   f->peerlen);
	if (n < 0 && errno == ECONNREFUSED)
		icmp_port_unreach(c, &f->gaddr, f->gport, &f->raddr, f->rport);
	return;
drop:
	c->stat_drop++;
}

/**
 * udp_recv_batch() - read a batch of datagrams from a socket
 * @fd:		the socket
 * @from:	also record the senders' addresses
 *
 * Return: number of datagrams in udp_buf (lengths in udp_mmsg), 0 if none
 * was waiting, or -errno
 */
static int udp_recv_batch(int fd, int from)
{
	return mmsg_recv(fd, udp_buf, UDP_BUF, from ? udp_from : NULL,
			 sizeof(udp_from[0]), udp_mmsg, udp_iov, UDP_BATCH);
}

/**
 * udp_sock_event() - a flow's host socket is readable (or has an error)
 * @c:		context
 * @idx:	the flow's index
 * @events:	epoll events
 */
void udp_sock_event(struct user_ctx *c, uint32_t idx, uint32_t events)
{
	struct udp_flow *f;
	int r, n, k;

	(void)events;
	if (!udp_t.f || idx >= udp_t.n || !udp_t.f[idx].used ||
	    udp_t.f[idx].fd < 0)
		return;
	f = &udp_t.f[idx];
	for (r = 0; r < UDP_ROUNDS; r++) {
		n = udp_recv_batch(f->fd, 0);
		if (n == -ECONNREFUSED) {
			icmp_port_unreach(c, &f->gaddr, f->gport, &f->raddr,
					  f->rport);
			continue;
		}
		if (n <= 0)
			break;
		for (k = 0; k < n; k++)
			udp_to_guest(c, f, udp_buf[k], udp_mmsg[k].msg_len);
		f->answered = 1;
		udp_touch(c, idx + 1);
		if (n < UDP_BATCH)
			break;
	}
}

/**
 * udp_fwd_flow() - the flow for a datagram that came through a hostfwd
 *		    listener, created if needed
 * @c:		context
 * @fd:		the listener
 * @rule:	its rule
 * @peer:	the client
 * @peerlen:	length of @peer
 *
 * Return: the flow's index plus one, or 0
 */
static uint32_t udp_fwd_flow(struct user_ctx *c, int fd,
			     const struct opts_fwd *rule,
			     const union udp_sa *peer, socklen_t peerlen)
{
	struct in6_addr gaddr, src;
	struct udp_flow *f;
	uint16_t sport;
	uint32_t i;

	gaddr = rule->guest_any ? c->guest4 : rule->guest;
	nat_from_host(c, &peer->sa, &src, &sport);
	if (inany_is4(&src) != inany_is4(&gaddr))
		src = inany_is4(&gaddr) ? inany_from4(c->o->host) :
					  c->o->host6;
	if (!sport || inany_is_unspec(&gaddr))
		return 0;
	i = udp_find(&gaddr, rule->guest_port, &src, sport);
	if (i && udp_t.f[i - 1].lfd != fd) {
		udp_close(c, i);
		i = 0;
	}
	if (!i) {
		i = udp_alloc(c, &gaddr, rule->guest_port, &src, sport);
		if (!i)
			return 0;
		f = &udp_t.f[i - 1];
		f->lfd = fd;
	}
	f = &udp_t.f[i - 1];
	if (peerlen > sizeof(f->peer))
		peerlen = sizeof(f->peer);
	memcpy(&f->peer, peer, peerlen);
	f->peerlen = peerlen;
	udp_touch(c, i);
	return i;
}

/**
 * udp_fwd_recv() - read datagrams from a hostfwd UDP socket
 * @c:		context
 * @fd:		the socket, bound on the host (owned by fwd.c)
 * @rule:	its rule: where in the guest the datagrams go
 */
void udp_fwd_recv(struct user_ctx *c, int fd, const struct opts_fwd *rule)
{
	int r, n, k;

	for (r = 0; r < UDP_ROUNDS; r++) {
		n = udp_recv_batch(fd, 1);
		if (n == -ECONNREFUSED || n == -EINTR)
			continue;
		if (n <= 0)
			break;
		for (k = 0; k < n; k++) {
			uint32_t i = udp_fwd_flow(c, fd, rule, &udp_from[k],
						  udp_mmsg[k].msg_hdr.msg_namelen);

			if (i)
				udp_to_guest(c, &udp_t.f[i - 1], udp_buf[k],
					     udp_mmsg[k].msg_len);
		}
		if (n < UDP_BATCH)
			break;
	}
}

/**
 * udp_fwd_gone() - a hostfwd socket is being closed: drop its flows
 * @c:		context
 * @fd:		the socket
 */
void udp_fwd_gone(struct user_ctx *c, int fd)
{
	uint32_t i, next;

	for (i = udp_t.head; i; i = next) {
		next = udp_t.f[i - 1].next;
		if (udp_t.f[i - 1].fd < 0 && udp_t.f[i - 1].lfd == fd)
			udp_close(c, i);
	}
}

/**
 * udp_timer() - close idle flows; run the built-in services' timers
 * @c:		context
 *
 * Flows are walked from the least recently used, and the walk stops at
 * the first one that has been used in the last UDP_DNS_IDLE_MS, the
 * shortest timeout: every flow after it is more recent still.
 */
void udp_timer(struct user_ctx *c)
{
	uint32_t i, prev;

	tftp_timer(c);
	if (!udp_t.f || c->now_ms < udp_t.scan_ms + UDP_SCAN_MS)
		return;
	udp_t.scan_ms = c->now_ms;
	for (i = udp_t.tail; i; i = prev) {
		struct udp_flow *f = &udp_t.f[i - 1];
		uint64_t idle = f->dns && f->answered ? UDP_DNS_IDLE_MS :
							UDP_IDLE_MS;

		prev = f->prev;
		if (c->now_ms < f->last_ms + UDP_DNS_IDLE_MS)
			break;
		if (c->now_ms >= f->last_ms + idle)
			udp_close(c, i);
	}
}

/**
 * udp_count() - number of open flows
 * @c:		context
 *
 * Return: the count
 */
unsigned int udp_count(const struct user_ctx *c)
{
	(void)c;
	return udp_t.used;
}

/**
 * udp_fini() - close every flow and free the tables
 * @c:		context
 */
void udp_fini(struct user_ctx *c)
{
	while (udp_t.f && udp_t.head)
		udp_close(c, udp_t.head);
	free(udp_t.f);
	free(udp_t.hash);
	memset(&udp_t, 0, sizeof(udp_t));
}
