// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_user_net.c - unit tests of tapir-user's frame path below TCP:
 *		     eth.c, arp.c, ip.c, nat.c, udp.c, icmp.c, ndp.c,
 *		     dhcp4.c, dhcp6.c and tftp.c
 *
 * Each test builds real frames byte by byte, as a guest would send them,
 * feeds them to eth_in() of a context whose c->tx captures what comes
 * back, and takes the captured frames apart with a parser written here
 * from the RFCs (checksums included), independently of the code under
 * test.  Host sockets are real: flows to the host address reach UDP
 * sockets this test binds on 127.0.0.1, DNS goes to a "resolver" socket
 * of its own, pings go through real ping sockets.
 *
 *   guest (frames built here) --eth_in()--> tapir-user modules
 *        ^                                     |  host sockets
 *        +---- c->tx captures <----------------+--> 127.0.0.1 / ::1
 *                                                   (sockets of this test)
 *
 * The whole test runs in a network namespace of its own when it can
 * (unshare(CLONE_NEWNET), as root): only its loopback exists there, so a
 * broken restrict=on could not send anything anywhere; ping sockets are
 * enabled in that namespace.  Without one, the tests that need it skip.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dhcp4.h"
#include "dhcp6.h"
#include "eth.h"
#include "icmp.h"
#include "inany.h"
#include "ip.h"
#include "nat.h"
#include "ndp.h"
#include "tcp.h"
#include "tftp.h"
#include "udp.h"
#include "user.h"

#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))
#define GUEST		IP(10, 0, 2, 15)
#define HOST		IP(10, 0, 2, 2)
#define DNS		IP(10, 0, 2, 3)
#define LOCALHOST	IP(127, 0, 0, 1)
#define FAR		IP(198, 51, 100, 1)	/* TEST-NET-2 */

static const uint8_t gmac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
static const uint8_t gmac2[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x57 };
static const uint8_t ourmac[6] = { 0x52, 0x55, 10, 0, 2, 2 };
static const uint8_t bcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

/* In a network namespace of our own, with ping sockets allowed */
static int own_netns;

/* Context, options and captured frames */

#define CAP_MAX		64
#define CAP_LEN		(14 + 65535)

struct cap {
	uint8_t b[CAP_LEN];
	size_t len;
	struct virtio_net_hdr vh;	/* offloads asked for, if @has_vh */
	int has_vh;
};

static struct user_opts o;
static struct user_ctx c;
static struct cap cap[CAP_MAX];
static int ncap;

static int cap_tx(struct user_ctx *ctx, const struct virtio_net_hdr *vh,
		  const struct iovec *iov, int n, size_t len)
{
	struct cap *f;
	size_t off = 0;
	int i;

	assert_true(ncap < CAP_MAX);
	f = &cap[ncap++];
	f->has_vh = !!vh;
	if (vh) {
		assert_true(ctx->tso);		/* offloads only if offered */
		f->vh = *vh;
	}
	assert_true(len <= CAP_LEN);
	for (i = 0; i < n; i++) {
		assert_true(off + iov[i].iov_len <= CAP_LEN);
		memcpy(f->b + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	assert_int_equal(off, len);
	f->len = len;
	return 0;
}

static struct in_addr a4(uint32_t h)
{
	struct in_addr a = { htonl(h) };

	return a;
}

static struct in6_addr m4(uint32_t h)
{
	return inany_from4(a4(h));
}

static struct in6_addr a6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

/* QEMU's defaults, plus a domain and a search list */
static void opts_fill(void)
{
	memset(&o, 0, sizeof(o));
	o.ipv4 = o.ipv6 = 1;
	o.net = a4(IP(10, 0, 2, 0));
	o.mask = a4(0xffffff00);
	o.host = a4(HOST);
	o.dns = a4(DNS);
	o.dhcpstart = a4(GUEST);
	o.net6 = a6("fec0::");
	o.net6_len = 64;
	o.host6 = a6("fec0::2");
	o.dns6 = a6("fec0::3");
	strcpy(o.domainname, "example.org");
	strcpy(o.search[0], "a.example");
	strcpy(o.search[1], "b.example");
	o.nsearch = 2;
	o.mtu = 1500;
	o.flows_max = 16;
}

/* (Re)start every module on the options in o */
static void ctx_start(void)
{
	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(c.epfd >= 0);
	c.now_ms = 1000000;
	c.now = 1700000000;
	memcpy(c.mac, ourmac, 6);
	c.guest4 = m4(GUEST);
	c.tx = cap_tx;
	c.host_loopback = !o.restrict_ && !o.no_host_loopback;
	c.resolver = m4(LOCALHOST);
	c.resolver_port = 53;
	assert_int_equal(nat_init(&c), 0);
	assert_int_equal(tcp_init(&c), 0);
	assert_int_equal(udp_init(&c), 0);
	assert_int_equal(icmp_init(&c), 0);
	assert_int_equal(dhcp4_init(&c), 0);
	assert_int_equal(tftp_init(&c), 0);
	ndp_init(&c);
	ncap = 0;
}

static void ctx_stop(void)
{
	tcp_fini(&c);
	udp_fini(&c);
	icmp_fini(&c);
	tftp_fini(&c);
	dhcp4_fini(&c);
	close(c.epfd);
}

static int setup(void **state)
{
	(void)state;
	opts_fill();
	ctx_start();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ctx_stop();
	return 0;
}

/* Run host socket events until one was handled, or @ms passed */
static int pump(int ms)
{
	struct epoll_event ev[16];
	int n, i;

	n = epoll_wait(c.epfd, ev, 16, ms);
	for (i = 0; i < n; i++) {
		union user_ref ref = { .u64 = ev[i].data.u64 };

		if (ref.type == REF_UDP)
			udp_sock_event(&c, ref.idx, ev[i].events);
		else if (ref.type == REF_ICMP)
			icmp_sock_event(&c, ref.idx, ev[i].events);
	}
	return n;
}

/* Checksums, written from RFC 1071 */

static uint32_t t_sum(uint32_t s, const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t t_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Pseudo-header sum; src/dst 4 or 16 bytes */
static uint32_t t_pseudo(const uint8_t *src, const uint8_t *dst, int v6,
			 uint8_t proto, size_t len)
{
	uint8_t b[4] = { 0, 0, (uint8_t)(len >> 8), (uint8_t)len };
	uint32_t s = 0;

	s = t_sum(s, src, v6 ? 16 : 4);
	s = t_sum(s, dst, v6 ? 16 : 4);
	if (v6) {
		uint8_t l[8] = { (uint8_t)(len >> 24), (uint8_t)(len >> 16),
				 (uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0,
				 proto };

		return t_sum(s, l, 8);
	}
	b[1] = proto;
	return t_sum(s, b, 4);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

/* Frame builders */

struct frame {
	uint8_t b[4096];
	size_t len;
};

static void eth_hdr(struct frame *f, const uint8_t *dst, const uint8_t *src,
		    uint16_t type)
{
	memcpy(f->b, dst, 6);
	memcpy(f->b + 6, src, 6);
	put16(f->b + 12, type);
	f->len = 14;
}

/* IPv4 packet from the guest's MAC to ours, L4 checksum filled in */
static void ip4_frame(struct frame *f, uint32_t src, uint32_t dst,
		      uint8_t proto, const uint8_t *l4, size_t l4len)
{
	uint8_t *ip = f->b + 14, *p;
	uint16_t sum;

	eth_hdr(f, dst == 0xffffffff ? bcast : ourmac, gmac, 0x0800);
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + l4len));
	put16(ip + 4, 0x1234);
	put16(ip + 6, 0x4000);
	ip[8] = 64;
	ip[9] = proto;
	put32(ip + 12, src);
	put32(ip + 16, dst);
	put16(ip + 10, t_fold(t_sum(0, ip, 20)));
	p = ip + 20;
	memcpy(p, l4, l4len);
	f->len = 14 + 20 + l4len;
	if (proto == IPPROTO_UDP || proto == IPPROTO_TCP) {
		int o_ = proto == IPPROTO_UDP ? 6 : 16;

		put16(p + o_, 0);
		sum = t_fold(t_sum(t_pseudo(ip + 12, ip + 16, 0, proto, l4len),
				   p, l4len));
		if (!sum && proto == IPPROTO_UDP)
			sum = 0xffff;
		put16(p + o_, sum);
	} else if (proto == IPPROTO_ICMP) {
		put16(p + 2, 0);
		put16(p + 2, t_fold(t_sum(0, p, l4len)));
	}
}

static void udp4_frame(struct frame *f, uint32_t src, uint16_t sport,
		       uint32_t dst, uint16_t dport, const void *data,
		       size_t len)
{
	uint8_t u[2048];

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);
	memcpy(u + 8, data, len);
	ip4_frame(f, src, dst, IPPROTO_UDP, u, 8 + len);
}

/* IPv6 packet from the guest's MAC, L4 checksum filled in */
static void ip6_frame(struct frame *f, const uint8_t *dmac,
		      const struct in6_addr *src, const struct in6_addr *dst,
		      uint8_t proto, uint8_t hop, const uint8_t *l4,
		      size_t l4len)
{
	uint8_t *ip = f->b + 14, *p = ip + 40;
	int co = proto == IPPROTO_UDP ? 6 : proto == IPPROTO_TCP ? 16 : 2;
	uint16_t sum;

	eth_hdr(f, dmac, gmac, 0x86dd);
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put16(ip + 4, (uint16_t)l4len);
	ip[6] = proto;
	ip[7] = hop;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
	memcpy(p, l4, l4len);
	put16(p + co, 0);
	sum = t_fold(t_sum(t_pseudo(ip + 8, ip + 24, 1, proto, l4len), p,
			   l4len));
	put16(p + co, sum);
	f->len = 14 + 40 + l4len;
}

static void udp6_frame(struct frame *f, const struct in6_addr *src,
		       uint16_t sport, const struct in6_addr *dst,
		       uint16_t dport, const void *data, size_t len)
{
	static const uint8_t dhcp6mac[6] = { 0x33, 0x33, 0, 1, 0, 2 };
	uint8_t u[2048];

	put16(u, sport);
	put16(u + 2, dport);
	put16(u + 4, (uint16_t)(8 + len));
	put16(u + 6, 0);
	memcpy(u + 8, data, len);
	ip6_frame(f, IN6_IS_ADDR_MULTICAST(dst) ? dhcp6mac : ourmac, src,
		  dst, IPPROTO_UDP, 64, u, 8 + len);
}

static void feed(const struct frame *f)
{
	eth_in(&c, f->b, f->len);
}

/* Parser of captured frames */

struct pf {
	const uint8_t *dmac, *smac;
	uint16_t type;
	int v6;
	uint8_t proto, ttl;
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 */
	const uint8_t *l4;
	size_t l4len;
	uint16_t sport, dport;		/* UDP */
	const uint8_t *pl;		/* UDP payload */
	size_t plen;
};

static void parse(const struct cap *f, struct pf *p)
{
	const uint8_t *ip = f->b + 14;
	uint32_t s;

	memset(p, 0, sizeof(*p));
	assert_true(f->len >= 60);		/* padded to Ethernet's minimum */
	p->dmac = f->b;
	p->smac = f->b + 6;
	assert_memory_equal(p->smac, ourmac, 6);
	p->type = get16(f->b + 12);
	if (p->type == 0x0800) {
		size_t tot;

		assert_int_equal(ip[0], 0x45);
		assert_int_equal(t_fold(t_sum(0, ip, 20)), 0);
		tot = get16(ip + 2);
		assert_true(14 + tot <= f->len);
		assert_int_equal(get16(ip + 6), 0x4000);	/* DF */
		p->ttl = ip[8];
		p->proto = ip[9];
		memcpy(p->src, ip + 12, 4);
		memcpy(p->dst, ip + 16, 4);
		p->l4 = ip + 20;
		p->l4len = tot - 20;
		s = p->proto == IPPROTO_ICMP ? 0 :
		    t_pseudo(p->src, p->dst, 0, p->proto, p->l4len);
	} else {
		assert_int_equal(p->type, 0x86dd);
		assert_int_equal(ip[0] >> 4, 6);
		p->v6 = 1;
		p->l4len = get16(ip + 4);
		assert_true(14 + 40 + p->l4len <= f->len);
		p->proto = ip[6];
		p->ttl = ip[7];
		memcpy(p->src, ip + 8, 16);
		memcpy(p->dst, ip + 24, 16);
		p->l4 = ip + 40;
		s = t_pseudo(p->src, p->dst, 1, p->proto, p->l4len);
	}
	assert_int_equal(t_fold(t_sum(s, p->l4, p->l4len)), 0);
	if (p->proto == IPPROTO_UDP) {
		assert_true(p->l4len >= 8);
		assert_int_equal(get16(p->l4 + 4), p->l4len);
		assert_int_not_equal(get16(p->l4 + 6), 0);
		p->sport = get16(p->l4);
		p->dport = get16(p->l4 + 2);
		p->pl = p->l4 + 8;
		p->plen = p->l4len - 8;
	}
}

static void assert_src4(const struct pf *p, uint32_t a)
{
	assert_false(p->v6);
	assert_int_equal(get32(p->src), a);
}

static void assert_dst4(const struct pf *p, uint32_t a)
{
	assert_false(p->v6);
	assert_int_equal(get32(p->dst), a);
}

/* Host sockets of the test */

static int udp_sock(int family, uint16_t *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t l = sizeof(ss);
	int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	ss.ss_family = (sa_family_t)family;
	if (family == AF_INET)
		((struct sockaddr_in *)&ss)->sin_addr.s_addr =
			htonl(LOCALHOST);
	else
		((struct sockaddr_in6 *)&ss)->sin6_addr = in6addr_loopback;
	assert_int_equal(bind(fd, (struct sockaddr *)&ss,
			      family == AF_INET ? sizeof(struct sockaddr_in) :
						  sizeof(struct sockaddr_in6)),
			 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &l), 0);
	*port = ntohs(family == AF_INET ?
		      ((struct sockaddr_in *)&ss)->sin_port :
		      ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

/* Wait for a datagram on a test socket; returns its length or -1 */
static ssize_t sock_recv(int fd, void *buf, size_t len,
			 struct sockaddr_storage *from, int ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	socklen_t l = sizeof(*from);

	if (poll(&pfd, 1, ms) != 1)
		return -1;
	return recvfrom(fd, buf, len, MSG_DONTWAIT, (struct sockaddr *)from,
			&l);
}

/* Ethernet */

static void test_eth(void **state)
{
	struct frame f;
	uint64_t drop = c.stat_drop, rx = c.stat_rx;

	(void)state;
	/* too short for a header */
	memcpy(f.b, ourmac, 6);
	eth_in(&c, f.b, 13);
	assert_int_equal(c.stat_drop, drop + 1);
	assert_int_equal(c.stat_rx, rx + 1);
	assert_false(c.guest_mac_known);

	/* a VLAN tag, and LLDP, are not for us; the MAC is learnt anyway */
	eth_hdr(&f, ourmac, gmac, 0x8100);
	memset(f.b + 14, 0, 46);
	f.len = 60;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 2);
	assert_true(c.guest_mac_known);
	assert_memory_equal(c.guest_mac, gmac, 6);
	eth_hdr(&f, bcast, gmac2, 0x88cc);
	f.len = 60;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 3);
	assert_memory_equal(c.guest_mac, gmac2, 6);

	/* a multicast source is never learnt; other stations' frames dropped */
	eth_hdr(&f, ourmac, bcast, 0x88cc);
	feed(&f);
	assert_memory_equal(c.guest_mac, gmac2, 6);
	eth_hdr(&f, gmac2, gmac, 0x0800);
	f.len = 60;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 5);
	assert_memory_equal(c.guest_mac, gmac2, 6);
	assert_int_equal(ncap, 0);
	assert_int_equal(c.stat_rx, rx + 5);
}

/* Frames behind a virtio-net header (a tap with IFF_VNET_HDR) */

static void feed_vnet(const struct frame *f, uint8_t flags, uint8_t gso)
{
	static uint8_t b[sizeof(struct virtio_net_hdr) + sizeof(f->b)];
	struct virtio_net_hdr vh;

	memset(&vh, 0, sizeof(vh));
	vh.flags = flags;
	vh.gso_type = gso;
	memcpy(b, &vh, sizeof(vh));
	memcpy(b + sizeof(vh), f->b, f->len);
	eth_in_vnet(&c, b, sizeof(vh) + f->len);
}

/* A TCP segment from the guest's port 40000 to @dport, no flags but PSH,
 * sequence number 1000, @dlen bytes of data; with @partial, its checksum
 * field holds only the pseudo-header sum, as a guest with checksum
 * offload leaves it (VIRTIO_NET_HDR_F_NEEDS_CSUM) */
static void tcp_frame(struct frame *f, int v6, uint16_t dport, size_t dlen,
		      int partial)
{
	static uint8_t t[3100];
	struct in6_addr g = a6("fec0::15"), h = a6("fec0::2");
	uint8_t *l4;

	assert_true(20 + dlen <= sizeof(t));
	memset(t, 0, 20);
	put16(t, 40000);
	put16(t + 2, dport);
	put32(t + 4, 1000);
	t[12] = 5 << 4;
	t[13] = 0x08;				/* PSH */
	put16(t + 14, 65535);
	memset(t + 20, 'd', dlen);
	if (v6)
		ip6_frame(f, ourmac, &g, &h, IPPROTO_TCP, 64, t, 20 + dlen);
	else
		ip4_frame(f, GUEST, HOST, IPPROTO_TCP, t, 20 + dlen);
	if (!partial)
		return;
	l4 = f->b + 14 + (v6 ? 40 : 20);
	put16(l4 + 16, (uint16_t)~t_fold(v6 ? t_pseudo(f->b + 22, f->b + 38,
							1, IPPROTO_TCP,
							20 + dlen)
					     : t_pseudo(f->b + 26, f->b + 30,
							0, IPPROTO_TCP,
							20 + dlen)));
}

static void test_eth_vnet(void **state)
{
	uint16_t port;
	int fd = udp_sock(AF_INET, &port);
	uint64_t drop = c.stat_drop, rx = c.stat_rx;
	struct sockaddr_storage from;
	struct frame f;
	char buf[16];
	struct pf p;
	int v6;

	(void)state;
	/* shorter than the header */
	eth_in_vnet(&c, (const uint8_t *)"\1\2\3", 3);
	assert_int_equal(c.stat_rx, rx + 1);
	assert_int_equal(c.stat_drop, drop + 1);

	/* no flags: a complete frame, its checksum verified */
	udp4_frame(&f, GUEST, 40000, HOST, port, "a", 1);
	feed_vnet(&f, 0, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	assert_int_equal(buf[0], 'a');
	f.b[14 + 20 + 6] ^= 1;
	feed_vnet(&f, 0, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(c.stat_drop, drop + 2);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 50), -1);

	/* the same wrong sum, but left to the device, or already checked */
	feed_vnet(&f, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	feed_vnet(&f, VIRTIO_NET_HDR_F_DATA_VALID, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	assert_int_equal(c.stat_drop, drop + 2);
	/* the IPv4 header checksum is always checked */
	f.b[14 + 10] ^= 1;
	feed_vnet(&f, VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(c.stat_drop, drop + 3);

	/* segmentation we never offered (UDP) */
	udp4_frame(&f, GUEST, 40000, HOST, port, "u", 1);
	feed_vnet(&f, 0, VIRTIO_NET_HDR_GSO_UDP);
	assert_int_equal(c.stat_drop, drop + 4);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 50), -1);
	assert_int_equal(ncap, 0);

	/* TSO: a TCP segment twice the MTU, its checksum partial, reaches
	 * TCP whole (no flow: the RST acknowledges all of it); without the
	 * header's flag the partial sum is wrong, and it is dropped */
	for (v6 = 0; v6 < 2; v6++) {
		uint8_t gso = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
				   VIRTIO_NET_HDR_GSO_TCPV4;

		if (v6 && !own_netns)
			break;			/* IPv6 to the host needs ::1 */
		drop = c.stat_drop;
		tcp_frame(&f, v6, 9, 3000, 1);
		feed_vnet(&f, 0, gso);
		assert_int_equal(c.stat_drop, drop + 1);
		ncap = 0;		/* (the first IPv6 packet brings an RA) */
		feed_vnet(&f, VIRTIO_NET_HDR_F_NEEDS_CSUM,
			  gso | VIRTIO_NET_HDR_GSO_ECN);
		assert_int_equal(c.stat_drop, drop + 1);
		assert_int_equal(ncap, 1);
		parse(&cap[0], &p);
		assert_int_equal(p.v6, v6);
		assert_int_equal(p.proto, IPPROTO_TCP);
		assert_int_equal(p.l4[13], 0x14);	/* RST, ACK */
		assert_int_equal(get32(p.l4 + 8), 1000 + 3000);
	}
	close(fd);
}

/* ARP */

static void arp_frame(struct frame *f, uint16_t op, uint32_t spa,
		      uint32_t tpa)
{
	uint8_t *a = f->b + 14;

	eth_hdr(f, bcast, gmac, 0x0806);
	put16(a, 1);
	put16(a + 2, 0x0800);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, gmac, 6);
	put32(a + 14, spa);
	memset(a + 18, 0, 6);
	put32(a + 24, tpa);
	memset(a + 28, 0, 18);			/* Ethernet padding */
	f->len = 60;
}

static void check_arp_reply(const struct cap *r, uint32_t ip, uint32_t to)
{
	const uint8_t *a = r->b + 14;

	assert_true(r->len >= 42);
	assert_memory_equal(r->b, gmac, 6);
	assert_memory_equal(r->b + 6, ourmac, 6);
	assert_int_equal(get16(r->b + 12), 0x0806);
	assert_int_equal(get16(a), 1);
	assert_int_equal(get16(a + 2), 0x0800);
	assert_int_equal(a[4], 6);
	assert_int_equal(a[5], 4);
	assert_int_equal(get16(a + 6), 2);
	assert_memory_equal(a + 8, ourmac, 6);
	assert_int_equal(get32(a + 14), ip);
	assert_memory_equal(a + 18, gmac, 6);
	assert_int_equal(get32(a + 24), to);
}

static void test_arp(void **state)
{
	struct frame f;
	uint64_t drop;
	struct in6_addr g;

	(void)state;
	arp_frame(&f, 1, IP(10, 0, 2, 20), HOST);
	feed(&f);
	assert_int_equal(ncap, 1);
	check_arp_reply(&cap[0], HOST, IP(10, 0, 2, 20));
	g = m4(IP(10, 0, 2, 20));
	assert_memory_equal(&c.guest4, &g, 16);

	arp_frame(&f, 1, IP(10, 0, 2, 20), DNS);
	feed(&f);
	assert_int_equal(ncap, 2);
	check_arp_reply(&cap[1], DNS, IP(10, 0, 2, 20));

	/* never for the guest's address (probes from 0.0.0.0), nor others */
	arp_frame(&f, 1, 0, GUEST);
	feed(&f);
	arp_frame(&f, 1, IP(10, 0, 2, 20), GUEST);
	feed(&f);
	arp_frame(&f, 1, IP(10, 0, 2, 20), IP(10, 0, 2, 99));
	feed(&f);
	arp_frame(&f, 2, IP(10, 0, 2, 21), HOST);	/* a reply */
	feed(&f);
	assert_int_equal(ncap, 2);
	g = m4(IP(10, 0, 2, 21));
	assert_memory_equal(&c.guest4, &g, 16);

	/* a sender outside the network or 0.0.0.0 is not learnt */
	arp_frame(&f, 1, IP(192, 168, 1, 1), IP(10, 0, 2, 99));
	feed(&f);
	assert_memory_equal(&c.guest4, &g, 16);

	/* malformed: bad hlen, bad op, truncated */
	drop = c.stat_drop;
	arp_frame(&f, 1, IP(10, 0, 2, 20), HOST);
	f.b[14 + 4] = 8;
	feed(&f);
	arp_frame(&f, 3, IP(10, 0, 2, 20), HOST);
	feed(&f);
	arp_frame(&f, 1, IP(10, 0, 2, 20), HOST);
	f.len = 14 + 27;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 3);
	assert_int_equal(ncap, 2);
}

/* DHCPv4 */

struct dopts {
	const uint8_t *opt[256];
	uint8_t len[256];
};

static void dhcp_req(uint8_t *b, size_t *len, uint8_t type,
		     const uint8_t *mac, uint32_t reqip, uint32_t srvid)
{
	static const uint8_t prl[] = { 1, 3, 6, 15, 26, 119 };
	size_t n = 240;

	memset(b, 0, 548);
	b[0] = 1;
	b[1] = 1;
	b[2] = 6;
	put32(b + 4, 0xcafe0001);
	memcpy(b + 28, mac, 6);
	put32(b + 236, 0x63825363);
	b[n++] = 53;
	b[n++] = 1;
	b[n++] = type;
	b[n++] = 55;
	b[n++] = sizeof(prl);
	memcpy(b + n, prl, sizeof(prl));
	n += sizeof(prl);
	if (reqip) {
		b[n++] = 50;
		b[n++] = 4;
		put32(b + n, reqip);
		n += 4;
	}
	if (srvid) {
		b[n++] = 54;
		b[n++] = 4;
		put32(b + n, srvid);
		n += 4;
	}
	b[n++] = 255;
	*len = n < 300 ? 300 : n;
}

static void dhcp_parse_opts(const struct pf *p, struct dopts *d)
{
	size_t i = 240;

	memset(d, 0, sizeof(*d));
	assert_true(p->plen >= 240);
	assert_int_equal(get32(p->pl + 236), 0x63825363);
	while (i < p->plen && p->pl[i] != 255) {
		uint8_t code = p->pl[i++], l;

		if (code == 0)
			continue;
		assert_true(i < p->plen);
		l = p->pl[i++];
		assert_true(i + l <= p->plen);
		if (!d->opt[code]) {
			d->opt[code] = p->pl + i;
			d->len[code] = l;
		}
		i += l;
	}
	assert_true(i < p->plen);
}

/* Send a DHCP message from a client; parse the one reply */
static void dhcp_exchange(const uint8_t *mac, uint8_t type, uint32_t reqip,
			  uint32_t srvid, struct pf *p, struct dopts *d)
{
	uint8_t b[548];
	struct frame f;
	size_t len;

	dhcp_req(b, &len, type, mac, reqip, srvid);
	udp4_frame(&f, 0, 68, 0xffffffff, 67, b, len);
	memcpy(f.b + 6, mac, 6);
	ncap = 0;
	feed(&f);
	assert_int_equal(ncap, 1);
	parse(&cap[0], p);
	assert_int_equal(p->proto, IPPROTO_UDP);
	assert_src4(p, HOST);
	assert_int_equal(p->sport, 67);
	assert_int_equal(p->dport, 68);
	assert_int_equal(p->pl[0], 2);
	assert_int_equal(get32(p->pl + 4), 0xcafe0001);
	assert_memory_equal(p->pl + 28, mac, 6);
	dhcp_parse_opts(p, d);
}

static void test_dhcp4(void **state)
{
	static const uint8_t search[] = "\x01" "a" "\x07" "example" "\0"
					"\x01" "b" "\x07" "example";
	struct in6_addr g;
	struct dopts d;
	struct pf p;

	(void)state;
	dhcp_exchange(gmac, 1, 0, 0, &p, &d);
	assert_int_equal(get32(p.pl + 16), GUEST);		/* yiaddr */
	assert_non_null(d.opt[53]);
	assert_int_equal(d.opt[53][0], 2);			/* OFFER */
	assert_int_equal(get32(d.opt[54]), HOST);
	assert_int_equal(get32(d.opt[1]), 0xffffff00);
	assert_int_equal(get32(d.opt[3]), HOST);
	assert_int_equal(d.len[6], 4);
	assert_int_equal(get32(d.opt[6]), DNS);
	assert_int_equal(get32(d.opt[51]), 86400);
	assert_int_equal(get16(d.opt[26]), 1500);
	assert_int_equal(d.len[15], 11);
	assert_memory_equal(d.opt[15], "example.org", 11);
	assert_int_equal(d.len[119], sizeof(search));
	assert_memory_equal(d.opt[119], search, sizeof(search));
	/* no boot settings unless configured */
	assert_int_equal(get32(p.pl + 20), 0);
	assert_null(d.opt[67]);

	dhcp_exchange(gmac, 3, GUEST, HOST, &p, &d);
	assert_int_equal(d.opt[53][0], 5);			/* ACK */
	assert_int_equal(get32(p.pl + 16), GUEST);
	g = m4(GUEST);
	assert_memory_equal(&c.guest4, &g, 16);

	/* a second client gets the next address */
	dhcp_exchange(gmac2, 1, 0, 0, &p, &d);
	assert_int_equal(d.opt[53][0], 2);
	assert_int_equal(get32(p.pl + 16), IP(10, 0, 2, 16));
	dhcp_exchange(gmac2, 3, IP(10, 0, 2, 16), HOST, &p, &d);
	assert_int_equal(d.opt[53][0], 5);
	g = m4(IP(10, 0, 2, 16));
	assert_memory_equal(&c.guest4, &g, 16);
	/* the first client asking for the second's address gets a NAK */
	dhcp_exchange(gmac, 3, IP(10, 0, 2, 16), 0, &p, &d);
	assert_int_equal(d.opt[53][0], 6);
}

static void test_dhcp4_pool(void **state)
{
	uint8_t mac[6] = { 0x52, 0x54, 0, 0, 0, 0 };
	struct dopts d;
	struct pf p;
	uint8_t b[548];
	struct frame f;
	size_t len;
	int i;

	(void)state;
	/* 16 leases, then silence (pool exhausted) */
	for (i = 0; i < 16; i++) {
		mac[5] = (uint8_t)(i + 1);
		dhcp_exchange(mac, 1, 0, 0, &p, &d);
		assert_int_equal(get32(p.pl + 16), GUEST + (uint32_t)i);
		dhcp_exchange(mac, 3, GUEST + (uint32_t)i, HOST, &p, &d);
		assert_int_equal(d.opt[53][0], 5);
	}
	mac[5] = 99;
	dhcp_req(b, &len, 1, mac, 0, 0);
	udp4_frame(&f, 0, 68, 0xffffffff, 67, b, len);
	ncap = 0;
	feed(&f);
	assert_int_equal(ncap, 0);
}

static void test_dhcp4_boot(void **state)
{
	struct dopts d;
	struct pf p;

	(void)state;
	ctx_stop();
	strcpy(o.bootfile, "pxelinux.0");
	strcpy(o.tftp_server_name, "10.0.2.2");
	ctx_start();
	dhcp_exchange(gmac, 1, 0, 0, &p, &d);
	assert_int_equal(get32(p.pl + 20), HOST);		/* siaddr */
	assert_string_equal((const char *)p.pl + 108, "pxelinux.0");
	assert_int_equal(d.len[67], 10);
	assert_memory_equal(d.opt[67], "pxelinux.0", 10);
	assert_int_equal(d.len[66], 8);
	assert_memory_equal(d.opt[66], "10.0.2.2", 8);
}

/* IPv4 checks */

static void test_ip4_drops(void **state)
{
	uint16_t port;
	int fd = udp_sock(AF_INET, &port);
	uint64_t drop = c.stat_drop;
	struct sockaddr_storage from;
	char buf[64];
	struct frame f;

	(void)state;
	/* bad header checksum */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	f.b[14 + 10] ^= 1;
	feed(&f);
	/* bad UDP checksum */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	f.b[14 + 20 + 6] ^= 1;
	feed(&f);
	/* total length past the frame */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	f.len -= 1;
	feed(&f);
	/* a first fragment (MF), and a later one (offset) */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	put16(f.b + 14 + 6, 0x2000);
	put16(f.b + 14 + 10, 0);
	put16(f.b + 14 + 10, t_fold(t_sum(0, f.b + 14, 20)));
	feed(&f);
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	put16(f.b + 14 + 6, 0x0010);
	put16(f.b + 14 + 10, 0);
	put16(f.b + 14 + 10, t_fold(t_sum(0, f.b + 14, 20)));
	feed(&f);
	/* version 5; IHL 4 */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	f.b[14] = 0x55;
	feed(&f);
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	f.b[14] = 0x44;
	feed(&f);
	/* TCP to a broadcast address */
	udp4_frame(&f, GUEST, 40000, 0xffffffff, port, "x", 1);
	f.b[14 + 9] = IPPROTO_TCP;
	put16(f.b + 14 + 10, 0);
	put16(f.b + 14 + 10, t_fold(t_sum(0, f.b + 14, 20)));
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 8);
	assert_int_equal(udp_count(&c), 0);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 50), -1);

	/* the same datagram, intact and with Ethernet padding, goes through */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	memset(f.b + f.len, 0xee, 20);
	f.len += 20;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 8);
	assert_int_equal(udp_count(&c), 1);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	assert_int_equal(buf[0], 'x');

	/* UDP checksum 0 means none over IPv4 */
	udp4_frame(&f, GUEST, 40000, HOST, port, "y", 1);
	put16(f.b + 14 + 20 + 6, 0);
	feed(&f);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	assert_int_equal(buf[0], 'y');
	close(fd);
}

/* UDP */

static void test_udp_host_loopback(void **state)
{
	struct sockaddr_storage from;
	struct in6_addr g;
	uint16_t port;
	int fd = udp_sock(AF_INET, &port);
	char buf[64];
	struct frame f;
	struct pf p;

	(void)state;
	udp4_frame(&f, IP(10, 0, 2, 30), 40001, HOST, port, "ping", 4);
	feed(&f);
	g = m4(IP(10, 0, 2, 30));
	assert_memory_equal(&c.guest4, &g, 16);
	assert_int_equal(udp_count(&c), 1);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(((struct sockaddr_in *)&from)->sin_addr.s_addr,
			 htonl(LOCALHOST));
	assert_int_equal(sendto(fd, "pong!", 5, 0, (struct sockaddr *)&from,
				sizeof(struct sockaddr_in)), 5);
	assert_true(pump(2000) > 0);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_memory_equal(p.dmac, gmac, 6);
	assert_int_equal(p.proto, IPPROTO_UDP);
	assert_int_equal(p.ttl, 64);
	assert_src4(&p, HOST);
	assert_dst4(&p, IP(10, 0, 2, 30));
	assert_int_equal(p.sport, port);
	assert_int_equal(p.dport, 40001);
	assert_int_equal(p.plen, 5);
	assert_memory_equal(p.pl, "pong!", 5);

	/* the same flow again: no new socket */
	udp4_frame(&f, IP(10, 0, 2, 30), 40001, HOST, port, "again", 5);
	feed(&f);
	assert_int_equal(udp_count(&c), 1);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 5);

	/* a datagram larger than the MTU reaches the guest in fragments */
	{
		static uint8_t big[3000], re[3008];
		size_t off = 0;
		int i;

		for (i = 0; i < (int)sizeof(big); i++)
			big[i] = (uint8_t)(i * 7);
		ncap = 0;
		assert_int_equal(sendto(fd, big, sizeof(big), 0,
					(struct sockaddr *)&from,
					sizeof(struct sockaddr_in)),
				 sizeof(big));
		assert_true(pump(2000) > 0);
		assert_int_equal(ncap, 3);
		for (i = 0; i < 3; i++) {
			const uint8_t *ip = cap[i].b + 14;
			size_t l = get16(ip + 2) - 20u;

			assert_int_equal(t_fold(t_sum(0, ip, 20)), 0);
			assert_int_equal(get16(ip + 4), get16(cap[0].b + 18));
			assert_int_equal(get16(ip + 6) & 0x2000,
					 i < 2 ? 0x2000 : 0);
			assert_int_equal((get16(ip + 6) & 0x1fff) * 8u, off);
			assert_true(14 + 20 + l <= cap[i].len);
			assert_true(off + l <= sizeof(re));
			memcpy(re + off, ip + 20, l);
			off += l;
		}
		assert_int_equal(off, 8 + sizeof(big));
		assert_int_equal(get16(re + 4), 8 + sizeof(big));
		assert_int_equal(t_fold(t_sum(t_pseudo(cap[0].b + 26,
						       cap[0].b + 30, 0,
						       IPPROTO_UDP, off),
					      re, off)), 0);
		assert_memory_equal(re + 8, big, sizeof(big));
	}

	/* without host loopback the host address is unreachable */
	c.host_loopback = 0;
	udp4_frame(&f, IP(10, 0, 2, 30), 40002, HOST, port, "no", 2);
	feed(&f);
	assert_int_equal(udp_count(&c), 1);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 50), -1);
	close(fd);
}

static void test_udp6_host_loopback(void **state)
{
	struct in6_addr g = a6("fec0::15"), h = a6("fec0::2");
	struct sockaddr_storage from;
	uint16_t port;
	int fd = udp_sock(AF_INET6, &port);
	char buf[64];
	struct frame f;
	struct pf p;

	(void)state;
	if (!own_netns) {
		close(fd);
		skip();
	}
	udp6_frame(&f, &g, 40001, &h, port, "ping6", 5);
	feed(&f);
	assert_memory_equal(&c.guest6, &g, 16);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 5);
	assert_memory_equal(buf, "ping6", 5);
	assert_int_equal(sendto(fd, "pong6", 5, 0, (struct sockaddr *)&from,
				sizeof(struct sockaddr_in6)), 5);
	assert_true(pump(2000) > 0);
	/* the first IPv6 packet also brought an unsolicited RA */
	assert_int_equal(ncap, 2);
	parse(&cap[1], &p);
	assert_true(p.v6);
	assert_int_equal(p.proto, IPPROTO_UDP);
	assert_memory_equal(p.src, &h, 16);
	assert_memory_equal(p.dst, &g, 16);
	assert_int_equal(p.sport, port);
	assert_int_equal(p.dport, 40001);
	assert_memory_equal(p.pl, "pong6", 5);

	/* larger than the MTU: IPv6 fragments */
	{
		static uint8_t big[2000], re[2008];
		size_t off = 0;
		int i;

		for (i = 0; i < (int)sizeof(big); i++)
			big[i] = (uint8_t)(i * 3);
		ncap = 0;
		assert_int_equal(sendto(fd, big, sizeof(big), 0,
					(struct sockaddr *)&from,
					sizeof(struct sockaddr_in6)),
				 sizeof(big));
		assert_true(pump(2000) > 0);
		assert_int_equal(ncap, 2);
		for (i = 0; i < 2; i++) {
			const uint8_t *ip = cap[i].b + 14, *fh = ip + 40;
			size_t l = get16(ip + 4) - 8u;

			assert_int_equal(ip[6], 44);
			assert_int_equal(fh[0], IPPROTO_UDP);
			assert_int_equal(get16(fh + 2) & 1, i == 0);
			assert_int_equal(get16(fh + 2) & ~7u, off);
			assert_int_equal(get32(fh + 4),
					 get32(cap[0].b + 14 + 44));
			assert_true(14 + 48 + l <= cap[i].len);
			assert_true(off + l <= sizeof(re));
			memcpy(re + off, fh + 8, l);
			off += l;
		}
		assert_int_equal(off, 8 + sizeof(big));
		assert_int_equal(t_fold(t_sum(t_pseudo(cap[0].b + 22,
						       cap[0].b + 38, 1,
						       IPPROTO_UDP, off),
					      re, off)), 0);
		assert_memory_equal(re + 8, big, sizeof(big));
	}
	close(fd);
}

static void test_udp_dns(void **state)
{
	struct sockaddr_storage from;
	uint16_t port;
	int fd = udp_sock(AF_INET, &port);
	char buf[64];
	struct frame f;
	struct pf p;

	(void)state;
	c.resolver_port = port;
	udp4_frame(&f, GUEST, 33333, DNS, 53, "query", 5);
	feed(&f);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 5);
	assert_memory_equal(buf, "query", 5);
	assert_int_equal(sendto(fd, "answer", 6, 0, (struct sockaddr *)&from,
				sizeof(struct sockaddr_in)), 6);
	assert_true(pump(2000) > 0);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_src4(&p, DNS);
	assert_dst4(&p, GUEST);
	assert_int_equal(p.sport, 53);
	assert_int_equal(p.dport, 33333);
	assert_memory_equal(p.pl, "answer", 6);

	/* other ports of the DNS address lead nowhere */
	udp4_frame(&f, GUEST, 33334, DNS, port, "q", 1);
	feed(&f);
	assert_int_equal(udp_count(&c), 1);

	/* answered DNS flows go 10 s after the answer; others stay */
	udp4_frame(&f, GUEST, 33335, HOST, port, "q", 1);
	feed(&f);
	assert_int_equal(udp_count(&c), 2);
	c.now_ms += 11000;
	udp_timer(&c);
	assert_int_equal(udp_count(&c), 1);
	c.now_ms += 170000;
	udp_timer(&c);
	assert_int_equal(udp_count(&c), 0);
	close(fd);
}

static void test_udp_restrict(void **state)
{
	struct sockaddr_storage from;
	uint16_t port, dport;
	int fd, dfd;
	char buf[64];
	struct frame f;
	struct pf p;

	(void)state;
	if (!own_netns)
		skip();		/* must not risk a datagram to FAR */
	ctx_stop();
	o.restrict_ = 1;
	ctx_start();
	fd = udp_sock(AF_INET, &port);
	dfd = udp_sock(AF_INET, &dport);
	c.resolver_port = dport;
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	feed(&f);
	udp4_frame(&f, GUEST, 40000, FAR, 9, "x", 1);
	feed(&f);
	assert_int_equal(udp_count(&c), 0);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 50), -1);

	/* DNS still works */
	udp4_frame(&f, GUEST, 40000, DNS, 53, "dns", 3);
	feed(&f);
	assert_int_equal(udp_count(&c), 1);
	assert_int_equal(sock_recv(dfd, buf, sizeof(buf), &from, 2000), 3);
	assert_int_equal(sendto(dfd, "ok", 2, 0, (struct sockaddr *)&from,
				sizeof(struct sockaddr_in)), 2);
	assert_true(pump(2000) > 0);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_src4(&p, DNS);
	close(fd);
	close(dfd);
}

static void test_udp_lru(void **state)
{
	int fd[20];
	uint16_t port[20];
	struct sockaddr_storage from;
	char buf[8];
	struct frame f;
	int i;

	(void)state;
	for (i = 0; i < 20; i++)
		fd[i] = udp_sock(AF_INET, &port[i]);
	/* 20 flows through a table of 16 */
	for (i = 0; i < 20; i++) {
		udp4_frame(&f, GUEST, 40000, HOST, port[i], "a", 1);
		feed(&f);
		c.now_ms++;
		assert_int_equal(udp_count(&c), i < 16 ? i + 1 : 16);
		assert_int_equal(sock_recv(fd[i], buf, sizeof(buf), &from,
					   2000), 1);
	}
	/* flow 4 is still there (its socket is the same): refresh it */
	udp4_frame(&f, GUEST, 40000, HOST, port[4], "b", 1);
	feed(&f);
	assert_int_equal(udp_count(&c), 16);
	/* a new one evicts flow 5, the least recently used, not flow 4 */
	udp4_frame(&f, GUEST, 40001, HOST, port[0], "c", 1);
	feed(&f);
	assert_int_equal(udp_count(&c), 16);
	assert_int_equal(sock_recv(fd[4], buf, sizeof(buf), &from, 2000), 1);
	{
		uint16_t p4 = ntohs(((struct sockaddr_in *)&from)->sin_port);

		udp4_frame(&f, GUEST, 40000, HOST, port[4], "d", 1);
		feed(&f);
		assert_int_equal(sock_recv(fd[4], buf, sizeof(buf), &from,
					   2000), 1);
		/* same host socket, so the same source port */
		assert_int_equal(ntohs(((struct sockaddr_in *)&from)->sin_port),
				 p4);
	}
	assert_int_equal(sock_recv(fd[0], buf, sizeof(buf), &from, 2000), 1);
	/* idle flows go after 180 s */
	c.now_ms += 179000;
	udp_timer(&c);
	assert_int_equal(udp_count(&c), 16);
	c.now_ms += 2000;
	udp_timer(&c);
	assert_int_equal(udp_count(&c), 0);
	for (i = 0; i < 20; i++)
		close(fd[i]);
}

static void test_udp_unreach(void **state)
{
	uint16_t port;
	int fd = udp_sock(AF_INET, &port);
	struct frame f;
	struct pf p;
	int i;

	(void)state;
	close(fd);			/* nobody listens on port now */
	udp4_frame(&f, GUEST, 40000, HOST, port, "x", 1);
	feed(&f);
	for (i = 0; i < 20 && !ncap; i++)
		pump(100);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_int_equal(p.proto, IPPROTO_ICMP);
	assert_src4(&p, HOST);
	assert_dst4(&p, GUEST);
	assert_int_equal(p.l4[0], 3);
	assert_int_equal(p.l4[1], 3);
	/* the quoted header: our datagram, guest to host */
	assert_int_equal(p.l4[8], 0x45);
	assert_int_equal(p.l4[8 + 9], IPPROTO_UDP);
	assert_int_equal(get32(p.l4 + 8 + 12), GUEST);
	assert_int_equal(get32(p.l4 + 8 + 16), HOST);
	assert_int_equal(get16(p.l4 + 28), 40000);
	assert_int_equal(get16(p.l4 + 30), port);
}

static void test_udp_hostfwd(void **state)
{
	struct opts_fwd rule = { .udp = 1, .guest_port = 5555 };
	struct sockaddr_storage from;
	struct sockaddr_in to = { .sin_family = AF_INET };
	uint16_t lport, cport;
	int lfd = udp_sock(AF_INET, &lport), cfd = udp_sock(AF_INET, &cport);
	char buf[64];
	struct frame f;
	struct pf p;

	(void)state;
	rule.guest = m4(GUEST);
	fcntl(lfd, F_SETFL, O_NONBLOCK);
	to.sin_addr.s_addr = htonl(LOCALHOST);
	to.sin_port = htons(lport);
	assert_int_equal(sendto(cfd, "hello", 5, 0, (struct sockaddr *)&to,
				sizeof(to)), 5);
	assert_int_equal(sendto(cfd, "again", 5, 0, (struct sockaddr *)&to,
				sizeof(to)), 5);
	usleep(10000);
	udp_fwd_recv(&c, lfd, &rule);
	assert_int_equal(ncap, 2);
	assert_int_equal(udp_count(&c), 1);
	parse(&cap[0], &p);
	assert_src4(&p, HOST);
	assert_dst4(&p, GUEST);
	assert_int_equal(p.sport, cport);
	assert_int_equal(p.dport, 5555);
	assert_int_equal(p.plen, 5);
	assert_memory_equal(p.pl, "hello", 5);
	parse(&cap[1], &p);
	assert_memory_equal(p.pl, "again", 5);

	/* the guest's reply goes back to the client, from the listener */
	udp4_frame(&f, GUEST, 5555, HOST, cport, "world", 5);
	feed(&f);
	assert_int_equal(udp_count(&c), 1);
	assert_int_equal(sock_recv(cfd, buf, sizeof(buf), &from, 2000), 5);
	assert_memory_equal(buf, "world", 5);
	assert_int_equal(ntohs(((struct sockaddr_in *)&from)->sin_port), lport);

	udp_fwd_gone(&c, lfd);
	assert_int_equal(udp_count(&c), 0);
	close(lfd);
	close(cfd);
}

static void test_udp_multicast(void **state)
{
	uint64_t drop = c.stat_drop;
	struct frame f;

	(void)state;
	/* mDNS and a subnet broadcast are not flows */
	udp4_frame(&f, GUEST, 5353, IP(224, 0, 0, 251), 5353, "m", 1);
	feed(&f);
	udp4_frame(&f, GUEST, 137, IP(10, 0, 2, 255), 137, "b", 1);
	feed(&f);
	assert_int_equal(udp_count(&c), 0);
	assert_int_equal(c.stat_drop, drop + 2);
}

/* ICMP */

/* Whether this process may open ping sockets */
static int ping_allowed(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

static void echo4(struct frame *f, uint32_t dst, uint16_t id)
{
	uint8_t m[40] = { 8, 0 };

	put16(m + 4, id);
	put16(m + 6, 7);
	memcpy(m + 8, "0123456789abcdefghijklmnopqrstuv", 32);
	ip4_frame(f, GUEST, dst, IPPROTO_ICMP, m, sizeof(m));
}

static void test_ping(void **state)
{
	struct frame f;
	struct pf p;
	int i;

	(void)state;
	if (!ping_allowed()) {
		print_message("ping sockets are not allowed here (see "
			      "/proc/sys/net/ipv4/ping_group_range): skipped\n");
		skip();
	}
	echo4(&f, HOST, 0x1234);
	feed(&f);
	assert_int_equal(icmp_count(&c), 1);	/* a real ping socket */
	for (i = 0; i < 20 && !ncap; i++)
		pump(100);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_int_equal(p.proto, IPPROTO_ICMP);
	assert_src4(&p, HOST);
	assert_dst4(&p, GUEST);
	assert_int_equal(p.l4len, 40);
	assert_int_equal(p.l4[0], 0);
	assert_int_equal(p.l4[1], 0);
	assert_int_equal(get16(p.l4 + 4), 0x1234);
	assert_int_equal(get16(p.l4 + 6), 7);
	assert_memory_equal(p.l4 + 8, "0123456789abcdefghijklmnopqrstuv", 32);

	/* idle for a minute: closed */
	c.now_ms += 61000;
	icmp_timer(&c);
	assert_int_equal(icmp_count(&c), 0);
}

static void test_ping6(void **state)
{
	struct in6_addr g = a6("fec0::15"), h = a6("fec0::2");
	uint8_t m[16] = { 128, 0 };
	struct frame f;
	struct pf p;
	int i;

	(void)state;
	if (!own_netns || !ping_allowed())
		skip();
	put16(m + 4, 0x4321);
	put16(m + 6, 1);
	memcpy(m + 8, "ABCDEFGH", 8);
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_ICMPV6, 64, m, sizeof(m));
	feed(&f);
	assert_int_equal(icmp_count(&c), 1);
	for (i = 0; i < 20 && ncap < 2; i++)
		pump(100);
	assert_int_equal(ncap, 2);	/* the unsolicited RA, the reply */
	parse(&cap[1], &p);
	assert_int_equal(p.proto, IPPROTO_ICMPV6);
	assert_memory_equal(p.src, &h, 16);
	assert_memory_equal(p.dst, &g, 16);
	assert_int_equal(p.l4[0], 129);
	assert_int_equal(get16(p.l4 + 4), 0x4321);
	assert_memory_equal(p.l4 + 8, "ABCDEFGH", 8);
}

static void test_ping_local(void **state)
{
	struct frame f;
	struct pf p;

	(void)state;
	/* with restrict=on nothing leaves, but the gateway answers */
	ctx_stop();
	o.restrict_ = 1;
	ctx_start();
	echo4(&f, HOST, 0x99);
	feed(&f);
	assert_int_equal(icmp_count(&c), 0);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_src4(&p, HOST);
	assert_int_equal(p.l4[0], 0);
	assert_int_equal(get16(p.l4 + 4), 0x99);
	echo4(&f, DNS, 0x98);
	feed(&f);
	assert_int_equal(ncap, 2);
	parse(&cap[1], &p);
	assert_src4(&p, DNS);
	/* but nothing else */
	echo4(&f, FAR, 0x97);
	feed(&f);
	assert_int_equal(ncap, 2);
	assert_int_equal(icmp_count(&c), 0);
	/* bad ICMP checksum */
	echo4(&f, HOST, 0x96);
	f.b[14 + 20 + 2] ^= 0x40;
	feed(&f);
	assert_int_equal(ncap, 2);
}

/* NDP */

static const struct in6_addr all_routers = {
	.s6_addr = { 0xff, 0x02, [15] = 2 }
};

static void our_ll(struct in6_addr *a)
{
	*a = a6("fe80::5055:aff:fe00:202");
}

/* Find an option of an NDP message; NULL if absent */
static const uint8_t *nd_opt(const struct pf *p, size_t first, uint8_t type)
{
	size_t i = first;

	while (i + 2 <= p->l4len) {
		size_t l = (size_t)p->l4[i + 1] * 8;

		assert_true(l > 0);
		assert_true(i + l <= p->l4len);
		if (p->l4[i] == type)
			return p->l4 + i;
		i += l;
	}
	assert_int_equal(i, p->l4len);
	return NULL;
}

static void test_ndp_rs(void **state)
{
	static const uint8_t rsmac[6] = { 0x33, 0x33, 0, 0, 0, 2 };
	static const uint8_t dnssl[] = "\x07" "example" "\x03" "org" "\0"
				       "\x01" "a" "\x07" "example" "\0"
				       "\x01" "b" "\x07" "example";
	struct in6_addr gll = a6("fe80::5054:ff:fe12:3456"), ll, pfx;
	uint8_t rs[16] = { 133, 0 };
	const uint8_t *opt;
	uint64_t drop;
	struct frame f;
	struct pf p;

	(void)state;
	our_ll(&ll);
	pfx = a6("fec0::");
	rs[8] = 1;			/* source link-layer address option */
	rs[9] = 1;
	memcpy(rs + 10, gmac, 6);
	ip6_frame(&f, rsmac, &gll, &all_routers, IPPROTO_ICMPV6, 255, rs,
		  sizeof(rs));
	feed(&f);
	assert_memory_equal(&c.guest6_ll, &gll, 16);
	/* the unsolicited RA to all nodes, then the answer to the guest */
	assert_int_equal(ncap, 2);
	parse(&cap[0], &p);
	assert_int_equal(p.dst[0], 0xff);
	assert_memory_equal(p.dmac, "\x33\x33\0\0\0\x01", 6);
	parse(&cap[1], &p);
	assert_memory_equal(p.dmac, gmac, 6);
	assert_memory_equal(p.src, &ll, 16);
	assert_memory_equal(p.dst, &gll, 16);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(p.proto, IPPROTO_ICMPV6);
	assert_int_equal(p.l4[0], 134);
	assert_int_equal(p.l4[1], 0);
	assert_int_equal(p.l4[5] & 0xc0, 0x40);		/* M=0, O=1 */
	assert_true(get16(p.l4 + 6) > 0);		/* a default router */
	opt = nd_opt(&p, 16, 3);			/* prefix */
	assert_non_null(opt);
	assert_int_equal(opt[1], 4);
	assert_int_equal(opt[2], 64);
	assert_int_equal(opt[3] & 0xc0, 0xc0);		/* L, A */
	assert_true(get32(opt + 4) >= get32(opt + 8));
	assert_true(get32(opt + 8) > 0);
	assert_memory_equal(opt + 16, &pfx, 16);
	opt = nd_opt(&p, 16, 25);			/* RDNSS */
	assert_non_null(opt);
	assert_int_equal(opt[1], 3);
	assert_true(get32(opt + 4) > 0);
	assert_memory_equal(opt + 8, &o.dns6, 16);
	opt = nd_opt(&p, 16, 5);			/* MTU */
	assert_non_null(opt);
	assert_int_equal(get32(opt + 4), 1500);
	opt = nd_opt(&p, 16, 1);			/* source LL address */
	assert_non_null(opt);
	assert_memory_equal(opt + 2, ourmac, 6);
	opt = nd_opt(&p, 16, 31);			/* DNSSL */
	assert_non_null(opt);
	assert_memory_equal(opt + 8, dnssl, sizeof(dnssl));

	/* hop limit other than 255, a non-zero code, a zero-length option */
	drop = c.stat_drop;
	ip6_frame(&f, rsmac, &gll, &all_routers, IPPROTO_ICMPV6, 64, rs,
		  sizeof(rs));
	feed(&f);
	rs[1] = 1;
	ip6_frame(&f, rsmac, &gll, &all_routers, IPPROTO_ICMPV6, 255, rs,
		  sizeof(rs));
	feed(&f);
	rs[1] = 0;
	rs[9] = 0;
	ip6_frame(&f, rsmac, &gll, &all_routers, IPPROTO_ICMPV6, 255, rs,
		  sizeof(rs));
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 3);
	assert_int_equal(ncap, 2);
}

static void ns_frame(struct frame *f, const struct in6_addr *src,
		     const struct in6_addr *target)
{
	struct in6_addr snm = a6("ff02::1:ff00:0");
	uint8_t m[32] = { 135, 0 }, mac[6] = { 0x33, 0x33, 0xff };
	size_t len = 24;

	memcpy(snm.s6_addr + 13, target->s6_addr + 13, 3);
	memcpy(mac + 3, target->s6_addr + 13, 3);
	memcpy(m + 8, target, 16);
	if (!IN6_IS_ADDR_UNSPECIFIED(src)) {
		m[24] = 1;
		m[25] = 1;
		memcpy(m + 26, gmac, 6);
		len = 32;
	}
	ip6_frame(f, mac, src, &snm, IPPROTO_ICMPV6, 255, m, len);
}

static void test_ndp_ns(void **state)
{
	struct in6_addr g = a6("fec0::15"), t = a6("fec0::2"), any = { 0 };
	struct in6_addr ll;
	const uint8_t *opt;
	struct frame f;
	struct pf p;

	(void)state;
	ns_frame(&f, &g, &t);
	feed(&f);
	assert_int_equal(ncap, 2);		/* unsolicited RA, then NA */
	parse(&cap[1], &p);
	assert_memory_equal(p.dmac, gmac, 6);
	assert_memory_equal(p.src, &t, 16);
	assert_memory_equal(p.dst, &g, 16);
	assert_int_equal(p.ttl, 255);
	assert_int_equal(p.l4[0], 136);
	assert_int_equal(p.l4[4] & 0xe0, 0xe0);	/* R, S, O */
	assert_memory_equal(p.l4 + 8, &t, 16);
	opt = nd_opt(&p, 24, 2);
	assert_non_null(opt);
	assert_memory_equal(opt + 2, ourmac, 6);

	/* the DNS address and our link-local address too */
	t = a6("fec0::3");
	ns_frame(&f, &g, &t);
	feed(&f);
	assert_int_equal(ncap, 3);
	our_ll(&ll);
	ns_frame(&f, &g, &ll);
	feed(&f);
	assert_int_equal(ncap, 4);
	parse(&cap[3], &p);
	assert_memory_equal(p.l4 + 8, &ll, 16);

	/* never the guest's own address, or any other */
	ns_frame(&f, &any, &g);
	feed(&f);
	t = a6("fec0::99");
	ns_frame(&f, &g, &t);
	feed(&f);
	assert_int_equal(ncap, 4);

	/* DAD for our address: defended, to all nodes, not "solicited" */
	t = a6("fec0::2");
	ns_frame(&f, &any, &t);
	feed(&f);
	assert_int_equal(ncap, 5);
	parse(&cap[4], &p);
	assert_int_equal(p.dst[0], 0xff);
	assert_int_equal(p.dst[15], 1);
	assert_int_equal(p.l4[4] & 0xe0, 0xa0);	/* R, O */
}

static void test_ndp_timer(void **state)
{
	struct in6_addr g = a6("fec0::15"), t = a6("fec0::99");
	struct frame f;
	struct pf p;

	(void)state;
	icmp_timer(&c);			/* no guest seen yet: nothing */
	assert_int_equal(ncap, 0);
	ns_frame(&f, &g, &t);
	feed(&f);
	assert_int_equal(ncap, 1);	/* the unsolicited RA only */
	c.now_ms += 60000;
	icmp_timer(&c);
	assert_int_equal(ncap, 1);
	c.now_ms += 600000;
	icmp_timer(&c);
	assert_int_equal(ncap, 2);
	parse(&cap[1], &p);
	assert_int_equal(p.l4[0], 134);
}

/* DHCPv6 */

static void test_dhcp6(void **state)
{
	struct in6_addr gll = a6("fe80::5054:ff:fe12:3456");
	struct in6_addr mc = a6("ff02::1:2"), ll;
	static const uint8_t dom[] = "\x07" "example" "\x03" "org" "\0"
				     "\x01" "a" "\x07" "example" "\0"
				     "\x01" "b" "\x07" "example";
	uint8_t m[64] = { 11, 0xab, 0xcd, 0xef };
	size_t n = 4, i;
	const uint8_t *opt[64] = { 0 };
	uint16_t olen[64] = { 0 };
	struct frame f;
	struct pf p;

	(void)state;
	our_ll(&ll);
	put16(m + n, 1);			/* client id: DUID-LL */
	put16(m + n + 2, 10);
	put16(m + n + 4, 3);
	put16(m + n + 6, 1);
	memcpy(m + n + 8, gmac, 6);
	n += 14;
	put16(m + n, 6);			/* ORO: 23, 24 */
	put16(m + n + 2, 4);
	put16(m + n + 4, 23);
	put16(m + n + 6, 24);
	n += 8;
	udp6_frame(&f, &gll, 546, &mc, 547, m, n);
	feed(&f);
	assert_int_equal(ncap, 2);		/* unsolicited RA, reply */
	parse(&cap[1], &p);
	assert_int_equal(p.proto, IPPROTO_UDP);
	assert_memory_equal(p.src, &ll, 16);
	assert_memory_equal(p.dst, &gll, 16);
	assert_int_equal(p.sport, 547);
	assert_int_equal(p.dport, 546);
	assert_int_equal(p.pl[0], 7);		/* REPLY */
	assert_memory_equal(p.pl + 1, m + 1, 3);
	for (i = 4; i < p.plen; ) {
		uint16_t code, l;

		assert_true(i + 4 <= p.plen);
		code = get16(p.pl + i);
		l = get16(p.pl + i + 2);
		assert_true(i + 4 + l <= p.plen);
		if (code < 64) {
			opt[code] = p.pl + i + 4;
			olen[code] = l;
		}
		i += 4 + (size_t)l;
	}
	assert_int_equal(olen[2], 10);		/* server id: DUID-LL, our MAC */
	assert_int_equal(get16(opt[2]), 3);
	assert_memory_equal(opt[2] + 4, ourmac, 6);
	assert_int_equal(olen[1], 10);
	assert_memory_equal(opt[1], m + 8, 10);
	assert_int_equal(olen[23], 16);
	assert_memory_equal(opt[23], &o.dns6, 16);
	assert_int_equal(olen[24], sizeof(dom));
	assert_memory_equal(opt[24], dom, sizeof(dom));

	/* another server's id: silence; an IA_NA in it: dropped */
	put16(m + n, 2);
	put16(m + n + 2, 10);
	put16(m + n + 4, 3);
	put16(m + n + 6, 1);
	memcpy(m + n + 8, gmac2, 6);
	udp6_frame(&f, &gll, 546, &mc, 547, m, n + 14);
	feed(&f);
	put16(m + n, 3);
	put16(m + n + 2, 12);
	memset(m + n + 4, 0, 12);
	udp6_frame(&f, &gll, 546, &mc, 547, m, n + 16);
	feed(&f);
	/* an option running past the end */
	put16(m + n, 99);
	put16(m + n + 2, 200);
	udp6_frame(&f, &gll, 546, &mc, 547, m, n + 4);
	feed(&f);
	assert_int_equal(ncap, 2);

	/* SOLICIT: no addresses here */
	m[0] = 1;
	udp6_frame(&f, &gll, 546, &mc, 547, m, n);
	feed(&f);
	assert_int_equal(ncap, 3);
	parse(&cap[2], &p);
	assert_int_equal(p.pl[0], 2);		/* ADVERTISE */
}

/* TFTP */

static char tftp_dir[64];

static void tftp_rrq(struct frame *f, uint16_t sport, const char *name,
		     const char *opts, size_t olen)
{
	uint8_t m[512];
	size_t n = 2;

	put16(m, 1);
	strcpy((char *)m + n, name);
	n += strlen(name) + 1;
	strcpy((char *)m + n, "octet");
	n += 6;
	memcpy(m + n, opts, olen);
	n += olen;
	udp4_frame(f, GUEST, sport, HOST, 69, m, n);
}

static void tftp_ack(struct frame *f, uint16_t sport, uint16_t dport,
		     uint16_t blk)
{
	uint8_t m[4];

	put16(m, 4);
	put16(m + 2, blk);
	udp4_frame(f, GUEST, sport, HOST, dport, m, 4);
}

static void test_tftp(void **state)
{
	char path[128], data[1000];
	struct frame f;
	struct pf p;
	uint16_t tid;
	FILE *fp;
	int i;

	(void)state;
	strcpy(tftp_dir, "/tmp/tapir-tftp.XXXXXX");
	assert_non_null(mkdtemp(tftp_dir));
	for (i = 0; i < 1000; i++)
		data[i] = (char)('a' + i % 26);
	snprintf(path, sizeof(path), "%s/boot.img", tftp_dir);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, 1000, fp), 1000);
	fclose(fp);
	ctx_stop();
	strcpy(o.tftp, tftp_dir);
	ctx_start();

	tftp_rrq(&f, 2000, "boot.img", "", 0);
	feed(&f);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_src4(&p, HOST);
	assert_int_equal(p.dport, 2000);
	tid = p.sport;
	assert_int_not_equal(tid, 69);
	assert_int_equal(get16(p.pl), 3);
	assert_int_equal(get16(p.pl + 2), 1);
	assert_int_equal(p.plen, 4 + 512);
	assert_memory_equal(p.pl + 4, data, 512);
	/* a lost ACK: the block is sent again by the timer */
	c.now_ms += 1500;
	udp_timer(&c);
	assert_int_equal(ncap, 2);
	tftp_ack(&f, 2000, tid, 1);
	feed(&f);
	assert_int_equal(ncap, 3);
	parse(&cap[2], &p);
	assert_int_equal(get16(p.pl + 2), 2);
	assert_int_equal(p.plen, 4 + 488);
	assert_memory_equal(p.pl + 4, data + 512, 488);
	/* a duplicate ACK sends nothing (Sorcerer's Apprentice) */
	tftp_ack(&f, 2000, tid, 1);
	feed(&f);
	assert_int_equal(ncap, 3);
	assert_int_equal(tftp_count(&c), 1);
	tftp_ack(&f, 2000, tid, 2);
	feed(&f);
	assert_int_equal(tftp_count(&c), 0);
	assert_int_equal(udp_count(&c), 0);

	/* options: blksize and tsize, confirmed with an OACK */
	ncap = 0;
	tftp_rrq(&f, 2001, "boot.img", "blksize\0" "1024\0" "tsize\0" "0", 21);
	feed(&f);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);
	assert_int_equal(get16(p.pl), 6);
	assert_int_equal(p.plen, 2 + 24);
	assert_memory_equal(p.pl + 2, "blksize\0" "1024\0" "tsize\0" "1000", 24);
	tftp_ack(&f, 2001, p.sport, 0);
	feed(&f);
	parse(&cap[1], &p);
	assert_int_equal(get16(p.pl + 2), 1);
	assert_int_equal(p.plen, 4 + 1000);

	/* refused: outside the directory, absolute, missing, writes */
	ncap = 0;
	tftp_rrq(&f, 2002, "../etc/passwd", "", 0);
	feed(&f);
	tftp_rrq(&f, 2003, "/etc/passwd", "", 0);
	feed(&f);
	tftp_rrq(&f, 2004, "nothere", "", 0);
	feed(&f);
	assert_int_equal(ncap, 3);
	for (i = 0; i < 3; i++) {
		parse(&cap[i], &p);
		assert_int_equal(get16(p.pl), 5);
		assert_int_equal(get16(p.pl + 2), i < 2 ? 2 : 1);
	}
	unlink(path);
	rmdir(tftp_dir);
}

/* NAT */

static void test_nat(void **state)
{
	struct sockaddr_storage sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&sa;
	struct in6_addr a, host6 = a6("fec0::2"), dns6 = a6("fec0::3");
	socklen_t l;
	uint16_t port;

	(void)state;
	/* the host address: loopback, same port */
	a = m4(HOST);
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 80, &sa, &l), 0);
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(l, sizeof(*s4));
	assert_int_equal(s4->sin_addr.s_addr, htonl(LOCALHOST));
	assert_int_equal(ntohs(s4->sin_port), 80);
	assert_int_equal(nat_to_host(&c, IPPROTO_ICMP, &a, 0, &sa, &l), 0);
	assert_int_equal(s4->sin_addr.s_addr, htonl(LOCALHOST));
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &host6, 22, &sa, &l), 0);
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_memory_equal(&s6->sin6_addr, &in6addr_loopback, 16);
	assert_int_equal(ntohs(s6->sin6_port), 22);
	c.host_loopback = 0;
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 80, &sa, &l),
			 -ENETUNREACH);
	c.host_loopback = 1;

	/* DNS: port 53 to the resolver (any family), others nowhere */
	a = m4(DNS);
	c.resolver = a6("::1");
	c.resolver_port = 5353;
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 53, &sa, &l), 0);
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 5353);
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &dns6, 53, &sa, &l), 0);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 54, &sa, &l),
			 -ENETUNREACH);
	assert_int_equal(nat_to_host(&c, IPPROTO_ICMP, &a, 0, &sa, &l),
			 -ENETUNREACH);
	memset(&c.resolver, 0, 16);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 53, &sa, &l),
			 -ENETUNREACH);

	/* unroutable destinations */
	a = m4(IP(10, 0, 2, 99));
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = m4(IP(127, 0, 0, 1));
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = m4(IP(224, 0, 0, 1));
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = m4(0xffffffff);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = m4(IP(169, 254, 1, 1));
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = m4(0);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = a6("fe80::1");
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = a6("ff02::1");
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = a6("::1");
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);
	a = a6("fec0::77");
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l),
			 -ENETUNREACH);

	/* anything else is itself */
	a = m4(FAR);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 123, &sa, &l), 0);
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(s4->sin_addr.s_addr, htonl(FAR));
	assert_int_equal(ntohs(s4->sin_port), 123);
	a = a6("2001:db8::1");
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 443, &sa, &l), 0);
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(l, sizeof(*s6));
	assert_memory_equal(&s6->sin6_addr, &a, 16);

	/* back: loopback peers look like the host address */
	memset(&sa, 0, sizeof(sa));
	s4->sin_family = AF_INET;
	s4->sin_addr.s_addr = htonl(IP(127, 0, 0, 5));
	s4->sin_port = htons(1234);
	nat_from_host(&c, (struct sockaddr *)&sa, &a, &port);
	assert_true(inany_is4(&a));
	assert_int_equal(inany_to4(&a).s_addr, htonl(HOST));
	assert_int_equal(port, 1234);
	s4->sin_addr.s_addr = htonl(FAR);
	nat_from_host(&c, (struct sockaddr *)&sa, &a, &port);
	assert_true(inany_is4(&a));
	assert_int_equal(inany_to4(&a).s_addr, htonl(FAR));
	memset(&sa, 0, sizeof(sa));
	s6->sin6_family = AF_INET6;
	s6->sin6_addr = in6addr_loopback;
	s6->sin6_port = htons(99);
	nat_from_host(&c, (struct sockaddr *)&sa, &a, &port);
	assert_memory_equal(&a, &host6, 16);
	assert_int_equal(port, 99);
	s6->sin6_addr = a6("::ffff:127.0.0.1");
	nat_from_host(&c, (struct sockaddr *)&sa, &a, &port);
	assert_true(inany_is4(&a));
	assert_int_equal(inany_to4(&a).s_addr, htonl(HOST));
	s6->sin6_addr = a6("::ffff:198.51.100.1");
	nat_from_host(&c, (struct sockaddr *)&sa, &a, &port);
	assert_int_equal(inany_to4(&a).s_addr, htonl(FAR));
	s6->sin6_addr = a6("2001:db8::1");
	nat_from_host(&c, (struct sockaddr *)&sa, &a, &port);
	assert_memory_equal(&a, &s6->sin6_addr, 16);

	/* the guest network */
	a = m4(IP(10, 0, 2, 200));
	assert_true(nat_is_guest_net(&c, &a));
	a = m4(IP(10, 0, 3, 1));
	assert_false(nat_is_guest_net(&c, &a));
	a = a6("fec0::1234");
	assert_true(nat_is_guest_net(&c, &a));
	a = a6("fec0:0:0:1::1");
	assert_false(nat_is_guest_net(&c, &a));
}

static void test_nat_restrict_guestfwd(void **state)
{
	struct sockaddr_storage sa;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&sa;
	struct in6_addr a;
	socklen_t l;

	(void)state;
	ctx_stop();
	o.restrict_ = 1;
	o.gfwd[0].addr = a4(IP(10, 0, 2, 100));
	o.gfwd[0].port = 4321;
	strcpy(o.gfwd[0].target, "127.0.0.1:8080");
	o.gfwd[1].addr = a4(IP(10, 0, 2, 101));
	o.gfwd[1].port = 1;
	strcpy(o.gfwd[1].cmd, "cat");
	o.ngfwd = 2;
	ctx_start();
	a = m4(HOST);
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 80, &sa, &l),
			 -EPERM);
	assert_int_equal(nat_to_host(&c, IPPROTO_ICMP, &a, 0, &sa, &l),
			 -EPERM);
	a = m4(FAR);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 9, &sa, &l), -EPERM);
	a = m4(DNS);
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 53, &sa, &l), 0);
	a = m4(IP(10, 0, 2, 100));
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 4321, &sa, &l), 0);
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(s4->sin_addr.s_addr, htonl(LOCALHOST));
	assert_int_equal(ntohs(s4->sin_port), 8080);
	/* UDP and other ports are not the rule's */
	assert_int_equal(nat_to_host(&c, IPPROTO_UDP, &a, 4321, &sa, &l),
			 -EPERM);
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 4322, &sa, &l),
			 -EPERM);
	a = m4(IP(10, 0, 2, 101));
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 1, &sa, &l),
			 -ENETUNREACH);

	/* ARP answers for the guestfwd servers too */
	{
		struct frame f;

		arp_frame(&f, 1, GUEST, IP(10, 0, 2, 100));
		feed(&f);
		assert_int_equal(ncap, 1);
		check_arp_reply(&cap[0], IP(10, 0, 2, 100), GUEST);
	}

	/* bad targets are refused at start-up */
	strcpy(o.gfwd[0].target, "no-port-here");
	assert_int_equal(nat_init(&c), -EINVAL);
	strcpy(o.gfwd[0].target, "[::1]:99");
	assert_int_equal(nat_init(&c), 0);
	a = m4(IP(10, 0, 2, 100));
	assert_int_equal(nat_to_host(&c, IPPROTO_TCP, &a, 4321, &sa, &l), 0);
	assert_int_equal(sa.ss_family, AF_INET6);
}

/* ip_send_tso() and ip_l4_csum_pseudo(): a large TCP packet, its
 * checksum left partial, and the virtio-net header that says so */
static void test_ip_send_tso(void **state)
{
	static uint8_t pl[65535];
	struct in6_addr s = m4(HOST), d = m4(GUEST), s6 = a6("fec0::2");
	struct in6_addr d6 = a6("fec0::15");
	struct ip_tso t = { .l4hlen = 20, .csum_off = 16, .mss = 1460 };
	uint8_t th[20] = { 0 };
	struct iovec iov[2];
	uint16_t sum;
	uint8_t *l4;
	size_t l4len;
	int v6;

	(void)state;
	memset(pl, 'p', sizeof(pl));
	th[12] = 5 << 4;
	iov[0].iov_base = th;
	iov[0].iov_len = 20;
	iov[1].iov_base = pl;
	iov[1].iov_len = 3000;
	/* not without TSO on the transport, nor for anything but TCP */
	assert_int_equal(ip_tso_max(&c, 0), 0);
	assert_int_equal(ip_send_tso(&c, &s, &d, IPPROTO_TCP, iov, 2, 3020,
				     &t), -EINVAL);
	c.tso = 1;
	assert_int_equal(ip_tso_max(&c, 0), 65535 - 20);
	assert_int_equal(ip_tso_max(&c, 1), 65535);
	assert_int_equal(ip_send_tso(&c, &s, &d, IPPROTO_UDP, iov, 2, 3020,
				     &t), -EINVAL);
	/* a segment over the MTU; a packet over the IP length field */
	t.mss = 1461;
	assert_int_equal(ip_send_tso(&c, &s, &d, IPPROTO_TCP, iov, 2, 3020,
				     &t), -EMSGSIZE);
	t.mss = 1460;
	iov[1].iov_len = 65535 - 40 + 1;
	assert_int_equal(ip_send_tso(&c, &s, &d, IPPROTO_TCP, iov, 2,
				     65535 - 20 + 1, &t), -EMSGSIZE);
	assert_int_equal(ncap, 0);

	for (v6 = 0; v6 < 2; v6++) {
		const struct in6_addr *src = v6 ? &s6 : &s, *dst = v6 ? &d6 : &d;
		size_t ih = v6 ? 40 : 20;
		const uint8_t *ip;

		/* 3000 bytes, cut at the MSS of a 1500-byte MTU */
		l4len = 20 + 3000;
		t.mss = v6 ? 1440 : 1460;
		ncap = 0;
		iov[1].iov_len = l4len - 20;
		sum = ip_l4_csum_pseudo(src, dst, IPPROTO_TCP, l4len);
		memcpy(th + 16, &sum, 2);
		assert_int_equal(ip_send_tso(&c, src, dst, IPPROTO_TCP, iov, 2,
					     l4len, &t), 0);
		assert_int_equal(ncap, 1);
		assert_true(cap[0].has_vh);
		assert_int_equal(cap[0].vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(cap[0].vh.gso_type,
				 v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
				      VIRTIO_NET_HDR_GSO_TCPV4);
		assert_int_equal(cap[0].vh.gso_size, t.mss);
		/* and not a byte more per segment */
		t.mss++;
		assert_int_equal(ip_send_tso(&c, src, dst, IPPROTO_TCP, iov, 2,
					     l4len, &t), -EMSGSIZE);
		t.mss--;
		assert_int_equal(cap[0].vh.csum_start, 14 + ih);
		assert_int_equal(cap[0].vh.csum_offset, 16);
		assert_int_equal(cap[0].vh.hdr_len, 14 + ih + 20);
		assert_int_equal(cap[0].len, 14 + ih + l4len);
		ip = cap[0].b + 14;
		assert_int_equal(v6 ? get16(ip + 4) : get16(ip + 2),
				 v6 ? l4len : 20 + l4len);
		/* the field holds the pseudo-header sum: finishing the sum
		 * over the segment, as the guest's side does, makes it right */
		l4 = cap[0].b + 14 + ih;
		assert_int_equal(get16(l4 + 16),
				 (uint16_t)~t_fold(v6 ? t_pseudo(ip + 8, ip + 24,
								 1, IPPROTO_TCP,
								 l4len)
						      : t_pseudo(ip + 12, ip + 16,
								 0, IPPROTO_TCP,
								 l4len)));
		put16(l4 + 16, t_fold(t_sum(0, l4, l4len)));
		cap[0].has_vh = 0;
		parse(&cap[0], &(struct pf){ 0 });

		/* one MSS or less: no segmentation, the checksum still left */
		ncap = 0;
		iov[1].iov_len = t.mss;
		l4len = 20 + iov[1].iov_len;
		sum = ip_l4_csum_pseudo(src, dst, IPPROTO_TCP, l4len);
		memcpy(th + 16, &sum, 2);
		assert_int_equal(ip_send_tso(&c, src, dst, IPPROTO_TCP, iov, 2,
					     l4len, &(struct ip_tso){
						     .l4hlen = 20,
						     .csum_off = 16,
						     .mss = (uint16_t)
							    iov[1].iov_len }),
				 0);
		assert_int_equal(ncap, 1);
		assert_int_equal(cap[0].vh.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(cap[0].vh.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(cap[0].len, 14 + ih + l4len);
	}
	/* the largest IPv4 packet */
	t.mss = 1460;
	ncap = 0;
	iov[1].iov_len = 65535 - 40;
	sum = ip_l4_csum_pseudo(&s, &d, IPPROTO_TCP, 65535 - 20);
	memcpy(th + 16, &sum, 2);
	assert_int_equal(ip_send_tso(&c, &s, &d, IPPROTO_TCP, iov, 2,
				     65535 - 20, &t), 0);
	assert_int_equal(ncap, 1);
	assert_int_equal(cap[0].len, 14 + 65535);
	assert_int_equal(get16(cap[0].b + 16), 65535);
	c.tso = 0;
}

/* ip_send() and ip_l4_csum() */

static void test_ip_send(void **state)
{
	uint8_t big[1500] = { 0 }, odd[3] = { 1, 2, 3 };
	struct in6_addr s = m4(HOST), d = m4(GUEST), s6 = a6("fec0::2");
	struct in6_addr d6 = a6("fec0::15");
	struct iovec iov[3];
	uint16_t sum;
	struct pf p;
	uint8_t u[8];

	(void)state;
	assert_int_equal(ip_payload_max(&c, 0), 1480);
	assert_int_equal(ip_payload_max(&c, 1), 1460);
	iov[0].iov_base = big;
	iov[0].iov_len = 1481;
	assert_int_equal(ip_send(&c, &s, &d, IPPROTO_UDP, iov, 1, 1481),
			 -EMSGSIZE);
	assert_int_equal(ip_send(&c, &s6, &d6, IPPROTO_UDP, iov, 1, 1461),
			 -EMSGSIZE);
	assert_int_equal(ncap, 0);

	/* before the guest's MAC is known: broadcast */
	put16(u, 1);
	put16(u + 2, 2);
	put16(u + 4, 8 + 3 + 3);
	put16(u + 6, 0);
	iov[0].iov_base = u;
	iov[0].iov_len = 8;
	iov[1].iov_base = odd;
	iov[1].iov_len = 3;
	iov[2].iov_base = odd;
	iov[2].iov_len = 3;
	sum = ip_l4_csum(&s, &d, IPPROTO_UDP, iov, 3, 14);
	memcpy(u + 6, &sum, 2);
	assert_int_equal(ip_send(&c, &s, &d, IPPROTO_UDP, iov, 3, 14), 0);
	assert_int_equal(ncap, 1);
	parse(&cap[0], &p);	/* checks the sum over odd pieces */
	assert_memory_equal(p.dmac, bcast, 6);
	assert_int_equal(p.plen, 6);
	assert_memory_equal(p.pl, "\1\2\3\1\2\3", 6);

	/* IPv6, hop limit 64 */
	put16(u + 4, 8 + 3);
	put16(u + 6, 0);
	sum = ip_l4_csum(&s6, &d6, IPPROTO_UDP, iov, 2, 11);
	memcpy(u + 6, &sum, 2);
	assert_int_equal(ip_send(&c, &s6, &d6, IPPROTO_UDP, iov, 2, 11), 0);
	assert_int_equal(ncap, 2);
	parse(&cap[1], &p);
	assert_true(p.v6);
	assert_int_equal(p.ttl, 64);

	/* no transport: dropped quietly */
	c.tx = NULL;
	assert_int_equal(ip_send(&c, &s6, &d6, IPPROTO_UDP, iov, 2, 11), 0);
	assert_int_equal(ncap, 2);
	/* mixed families */
	c.tx = cap_tx;
	assert_int_equal(ip_send(&c, &s, &d6, IPPROTO_UDP, iov, 2, 11),
			 -EINVAL);
}

/* IPv6 checks */

static void test_ip6_drops(void **state)
{
	struct in6_addr g = a6("fec0::15"), h = a6("fec0::2");
	struct in6_addr m = a6("::ffff:10.0.2.2");
	uint16_t port;
	int fd = udp_sock(AF_INET6, &port);
	struct sockaddr_storage from;
	uint64_t drop;
	uint8_t u[64];
	struct frame f;
	char buf[16];

	(void)state;
	if (!own_netns) {
		close(fd);
		skip();
	}
	put16(u, 40000);
	put16(u + 2, port);
	put16(u + 4, 9);
	put16(u + 6, 0);
	u[8] = 'z';
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_UDP, 64, u, 9);
	feed(&f);		/* first IPv6 packet: RA; this one goes */
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	drop = c.stat_drop;

	/* bad checksum */
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_UDP, 64, u, 9);
	f.b[14 + 40 + 8] ^= 1;
	feed(&f);
	/* payload length past the frame */
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_UDP, 64, u, 9);
	f.len--;
	feed(&f);
	/* a fragment header */
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_UDP, 64, u, 9);
	memmove(f.b + 14 + 48, f.b + 14 + 40, 9);
	f.b[14 + 6] = 44;
	memset(f.b + 14 + 40, 0, 8);
	f.b[14 + 40] = IPPROTO_UDP;
	put16(f.b + 14 + 4, 17);
	f.len += 8;
	feed(&f);
	/* v4-mapped destination */
	ip6_frame(&f, ourmac, &g, &m, IPPROTO_UDP, 64, u, 9);
	feed(&f);
	/* version 4 in an IPv6 frame */
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_UDP, 64, u, 9);
	f.b[14] = 0x40;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 5);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 50), -1);

	/* a destination options header is skipped */
	ip6_frame(&f, ourmac, &g, &h, IPPROTO_UDP, 64, u, 9);
	memmove(f.b + 14 + 48, f.b + 14 + 40, 9);
	f.b[14 + 6] = 60;
	memset(f.b + 14 + 40, 0, 8);
	f.b[14 + 40] = IPPROTO_UDP;
	f.b[14 + 42] = 1;		/* PadN, 4 bytes */
	f.b[14 + 43] = 4;
	put16(f.b + 14 + 4, 17);
	f.len += 8;
	feed(&f);
	assert_int_equal(c.stat_drop, drop + 5);
	assert_int_equal(sock_recv(fd, buf, sizeof(buf), &from, 2000), 1);
	close(fd);
}

/* Put the test in a network namespace of its own, if it can */
static int group_setup(void **state)
{
	struct ifreq ifr = { 0 };
	int fd, s;

	(void)state;
	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) == 0)
			own_netns = 1;
	}
	close(s);
	fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, "0 2147483647", 12) < 0)
			print_message("cannot allow ping sockets\n");
		close(fd);
	}
	usleep(100000);		/* ::1 comes up with lo */
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_eth),
		T(test_eth_vnet),
		T(test_arp),
		T(test_dhcp4),
		T(test_dhcp4_pool),
		T(test_dhcp4_boot),
		T(test_ip4_drops),
		T(test_udp_host_loopback),
		T(test_udp6_host_loopback),
		T(test_udp_dns),
		T(test_udp_restrict),
		T(test_udp_lru),
		T(test_udp_unreach),
		T(test_udp_hostfwd),
		T(test_udp_multicast),
		T(test_ping),
		T(test_ping6),
		T(test_ping_local),
		T(test_ndp_rs),
		T(test_ndp_ns),
		T(test_ndp_timer),
		T(test_dhcp6),
		T(test_tftp),
		T(test_nat),
		T(test_nat_restrict_guestfwd),
		T(test_ip_send),
		T(test_ip_send_tso),
		T(test_ip6_drops),
	};

	return cmocka_run_group_tests(tests, group_setup, NULL);
}
