// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_user_tcp.c - unit tests of tapir-user's TCP engine (user/tcp.c)
 *
 *   test "guest"                      tcp.c                 host (this test)
 *   10.0.2.15:port  --tcp_in()-->  flow table  --socket-->  127.0.0.1:srv
 *                   <--c->tx------              <---------  accepted socket
 *
 * The guest is played by this file: it builds TCP segments and hands them
 * to tcp_in(), and reads what the engine sends back from the frames the
 * transport hook (c->tx) captures, parsing Ethernet, IP and TCP again and
 * checking every checksum.  The host side is real: a listening socket on
 * loopback, which the guest reaches as 10.0.2.2 (nat.c maps the host
 * address to 127.0.0.1).  The test drives the epoll loop itself and owns
 * the clock (c->now_ms), so retransmission timers fire when it says.
 *
 * The tests run three ways: with SO_PEEK_OFF, without (older kernels),
 * and as tapir-user's loop on a tap runs it: with a transport that
 * offloads (c->tso, a tap with a virtio-net header), and ACKs and sending
 * left to the end of each loop iteration (c->defer; every segment the
 * test guest sends, and every round of pump(), is then one iteration,
 * ended with tcp_flush()).  The capture then does what the guest's side
 * of the tap would: it checks the virtio-net header against the frame,
 * finishes the partial checksum, and cuts large segments at the header's
 * segment size (cap_offload()), so every test sees the segments a guest
 * would.
 *
 * The guestfwd=...-cmd: tests have real commands on the other side: the
 * spawner (spawn.c) is started for them and runs cat and printf through
 * /bin/sh, on unix sockets instead of TCP ones.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <linux/virtio_net.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "csum.h"
#include "inany.h"
#include "nat.h"
#include "opts.h"
#include "pkt.h"
#include "spawn.h"
#include "tcp.h"
#include "user.h"

#define F_FIN	0x01
#define F_SYN	0x02
#define F_RST	0x04
#define F_PSH	0x08
#define F_ACK	0x10

/* ---- captured frames -------------------------------------------------- */

static struct user_opts opts;
static struct user_ctx ctx;

#define CAP_BUF		(16 << 20)
#define CAP_MAX		65536

struct cap {
	size_t off, len;
};

static uint8_t cap_buf[CAP_BUF];
static struct cap caps[CAP_MAX];
static size_t cap_used, cap_n, cap_rd;
static int cap_fail;		/* refuse frames with -EAGAIN */
static int cap_drop;		/* drop the next N frames silently */
static unsigned int cap_gso;	/* frames sent to be cut (TSO) */
static uint16_t cap_gso_size;	/* the last one's segment size */

static void cap_reset(void)
{
	cap_used = cap_n = cap_rd = 0;
}

/* cap_store() - keep one frame for the test */
static void cap_store(const uint8_t *f, size_t len)
{
	/* the test consumes frames as it goes: compact what was read */
	if (cap_rd == cap_n)
		cap_reset();
	assert_true(cap_used + len <= CAP_BUF);
	assert_true(cap_n < CAP_MAX);
	caps[cap_n].off = cap_used;
	caps[cap_n].len = len;
	memcpy(cap_buf + cap_used, f, len);
	cap_used += len;
	cap_n++;
}

/* pseudo_sum() - running sum of a TCP pseudo-header, @ip the IP header */
static uint32_t pseudo_sum(const uint8_t *ip, int v6, size_t l4len)
{
	uint8_t ph[40];

	if (!v6) {
		memcpy(ph, ip + 12, 8);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP;
		pkt_put_u16(ph + 10, (uint16_t)l4len);
		return csum_add(0, ph, 12);
	}
	memcpy(ph, ip + 8, 32);
	pkt_put_u32(ph + 32, (uint32_t)l4len);
	memset(ph + 36, 0, 3);
	ph[39] = IPPROTO_TCP;
	return csum_add(0, ph, 40);
}

/*
 * cap_offload() - what the guest's side of a tap does with a frame that
 * asks for offloads: the header must describe the frame (checksum start
 * and offset, header length, segment type of the right family, segments
 * within the MTU), the checksum field must hold the pseudo-header sum of
 * the whole packet; then the packet is cut at the segment size (headers
 * copied, lengths, sequence numbers and sums fixed, PSH and FIN on the
 * last segment only) and each segment kept, its checksum complete.
 */
static void cap_offload(const struct virtio_net_hdr *vh, const uint8_t *f,
			size_t len)
{
	static uint8_t seg[14 + 65535];
	int v6 = pkt_get_u16(f + 12) == 0x86dd;
	size_t l4o = 14 + (v6 ? 40 : 20), thl, l4len, pay, mss, off, l;
	uint8_t *ip = seg + 14, *th = seg + l4o;

	assert_true(ctx.tso);
	assert_int_equal(vh->flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(vh->csum_start, l4o);
	assert_int_equal(vh->csum_offset, 16);
	assert_true(len >= l4o + 20);
	thl = (size_t)(f[l4o + 12] >> 4) * 4;
	assert_int_equal(vh->hdr_len, l4o + thl);
	l4len = v6 ? pkt_get_u16(f + 18) : pkt_get_u16(f + 16) - 20u;
	/* the whole frame, but for Ethernet padding */
	assert_true(len == l4o + l4len || (len == 60 && l4o + l4len < 60));
	assert_true(l4len <= (v6 ? 65535u : 65535u - 20));
	assert_int_equal(pkt_get_u16(f + l4o + 16),
			 (uint16_t)~csum_fold(pseudo_sum(f + 14, v6, l4len)));
	pay = l4len - thl;
	assert_true(pay > 0);
	mss = pay;
	if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		assert_int_equal(vh->gso_type, v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
						    VIRTIO_NET_HDR_GSO_TCPV4);
		assert_true(vh->gso_size > 0 && pay > vh->gso_size);
		mss = vh->gso_size;
		cap_gso++;
		cap_gso_size = vh->gso_size;
	}
	assert_true(l4o - 14 + thl + mss <= opts.mtu);
	for (off = 0; off < pay; off += l) {
		l = pay - off < mss ? pay - off : mss;
		memcpy(seg, f, l4o + thl);
		memcpy(seg + l4o + thl, f + l4o + thl + off, l);
		if (v6) {
			pkt_put_u16(ip + 4, (uint16_t)(thl + l));
		} else {
			pkt_put_u16(ip + 2, (uint16_t)(20 + thl + l));
			pkt_put_u16(ip + 10, 0);
			pkt_put_u16(ip + 10, csum_ip4_header(ip, 20));
		}
		pkt_put_u32(th + 4, pkt_get_u32(th + 4) + (uint32_t)off);
		if (off + l < pay)
			th[13] &= (uint8_t)~(F_PSH | F_FIN);
		pkt_put_u16(th + 16, 0);
		pkt_put_u16(th + 16, csum_fold(csum_add(pseudo_sum(ip, v6,
								   thl + l),
							th, thl + l)));
		cap_store(seg, l4o + thl + l);
	}
}

static int cap_tx(struct user_ctx *c, const struct virtio_net_hdr *vh,
		  const struct iovec *iov, int iovcnt, size_t len)
{
	static uint8_t f[14 + 65535];
	size_t off = 0;
	int i;

	(void)c;
	if (cap_fail)
		return -EAGAIN;
	if (cap_drop) {
		cap_drop--;
		return 0;
	}
	assert_true(len <= sizeof(f));
	for (i = 0; i < iovcnt; i++) {
		assert_true(off + iov[i].iov_len <= len);
		memcpy(f + off, iov[i].iov_base, iov[i].iov_len);
		off += iov[i].iov_len;
	}
	assert_int_equal(off, len);
	if (vh)
		cap_offload(vh, f, len);
	else
		cap_store(f, len);
	return 0;
}

/**
 * struct pseg - a segment the engine sent, parsed back
 */
struct pseg {
	int v6;
	struct in6_addr src, dst;
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;
	int ws;
	const uint8_t *data;
	size_t dlen;
};

/* parse_frame() - parse one captured frame, checking every checksum */
static void parse_frame(const uint8_t *p, size_t len, struct pseg *s)
{
	const uint8_t *l4;
	size_t l4len, hlen;
	uint32_t sum;
	struct pkt_rd r, o;
	uint16_t offfl;

	memset(s, 0, sizeof(*s));
	assert_true(len >= 14);
	assert_true(len <= 14 + opts.mtu);
	if (pkt_get_u16(p + 12) == 0x0800) {
		const uint8_t *ip = p + 14;
		size_t tot;

		assert_true(len >= 34);
		assert_int_equal(ip[0], 0x45);
		assert_int_equal(ip[9], IPPROTO_TCP);
		assert_int_equal(csum_fold(csum_add(0, ip, 20)), 0);
		tot = pkt_get_u16(ip + 2);
		assert_true(14 + tot <= len);
		s->src = inany_from4(*(const struct in_addr *)(ip + 12));
		s->dst = inany_from4(*(const struct in_addr *)(ip + 16));
		l4 = ip + 20;
		l4len = tot - 20;
		sum = pseudo_sum(ip, 0, l4len);
	} else {
		const uint8_t *ip = p + 14;

		assert_int_equal(pkt_get_u16(p + 12), 0x86dd);
		assert_true(len >= 54);
		assert_int_equal(ip[6], IPPROTO_TCP);
		l4len = pkt_get_u16(ip + 4);
		assert_true(54 + l4len <= len);
		memcpy(&s->src, ip + 8, 16);
		memcpy(&s->dst, ip + 24, 16);
		s->v6 = 1;
		l4 = ip + 40;
		sum = pseudo_sum(ip, 1, l4len);
	}
	assert_int_equal(csum_fold(csum_add(sum, l4, l4len)), 0);

	pkt_rd_init(&r, l4, l4len);
	s->sport = pkt_rd_u16(&r);
	s->dport = pkt_rd_u16(&r);
	s->seq = pkt_rd_u32(&r);
	s->ack = pkt_rd_u32(&r);
	offfl = pkt_rd_u16(&r);
	s->wnd = pkt_rd_u16(&r);
	pkt_rd_skip(&r, 4);
	assert_true(pkt_rd_ok(&r));
	hlen = (size_t)(offfl >> 12) * 4;
	assert_true(hlen >= 20 && hlen <= l4len);
	s->flags = (uint8_t)(offfl & 0x3f);
	s->ws = -1;
	pkt_rd_init(&o, l4 + 20, hlen - 20);
	while (pkt_rd_left(&o)) {
		uint8_t kind = pkt_rd_u8(&o), olen;
		const uint8_t *v;

		if (!kind)
			break;
		if (kind == 1)
			continue;
		olen = pkt_rd_u8(&o);
		v = pkt_rd_ptr(&o, olen - 2U);
		assert_non_null(v);
		if (kind == 2)
			s->mss = pkt_get_u16(v);
		if (kind == 3)
			s->ws = v[0];
	}
	s->data = l4 + hlen;
	s->dlen = l4len - hlen;
}

/* next_seg() - the next captured segment, 0 if none */
static int next_seg(struct pseg *s)
{
	if (cap_rd >= cap_n)
		return 0;
	parse_frame(cap_buf + caps[cap_rd].off, caps[cap_rd].len, s);
	cap_rd++;
	return 1;
}

static size_t cap_pending(void)
{
	return cap_n - cap_rd;
}

/* ---- context and loop ------------------------------------------------- */

static struct user_ctx *c = &ctx;
static int fallback;		/* run without SO_PEEK_OFF */

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ctx_open_with() - a context with the -netdev user list @list, or the
 * defaults for NULL */
static void ctx_open_with(unsigned int flows_max, const char *list)
{
	char err[256];

	opts_defaults(&opts);
	if (list)
		assert_int_equal(opts_parse(&opts, list, err, sizeof(err)), 0);
	assert_int_equal(opts_finish(&opts, err, sizeof(err)), 0);
	opts.flows_max = flows_max;
	memset(&ctx, 0, sizeof(ctx));
	ctx.o = &opts;
	ctx.epfd = epoll_create1(EPOLL_CLOEXEC);
	assert_true(ctx.epfd >= 0);
	ctx.now_ms = mono_ms();
	ctx.now = time(NULL);
	ctx.host_loopback = 1;
	ctx.tx = cap_tx;
	ctx.mac[0] = 0x52;
	ctx.mac[1] = 0x55;
	memcpy(ctx.guest_mac, "\x52\x54\x00\x12\x34\x56", 6);
	ctx.guest_mac_known = 1;
	ctx.guest4 = inany_from4(opts.dhcpstart);
	assert_int_equal(nat_init(&ctx), 0);
	if (fallback)
		setenv("TAPIR_USER_TCP_NO_PEEK_OFF", "1", 1);
	else
		unsetenv("TAPIR_USER_TCP_NO_PEEK_OFF");
	assert_int_equal(tcp_init(&ctx), 0);
	cap_reset();
	cap_fail = cap_drop = 0;
}

static void ctx_open(unsigned int flows_max)
{
	ctx_open_with(flows_max, NULL);
}

static void ctx_close(void)
{
	tcp_fini(&ctx);
	close(ctx.epfd);
}

static int setup(void **state)
{
	int mode = state && *state ? *(int *)*state : 0;

	fallback = mode == 1;
	ctx_open(64);
	ctx.tso = ctx.defer = mode == 2;
	cap_gso = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ctx_close();
	return 0;
}

/* pump() - one round of the loop: wait up to @ms, dispatch; events seen */
static int pump(int ms)
{
	struct epoll_event ev[64];
	int n, i;

	n = epoll_wait(c->epfd, ev, 64, ms);
	assert_true(n >= 0);
	for (i = 0; i < n; i++) {
		union user_ref ref = { .u64 = ev[i].data.u64 };

		assert_int_equal(ref.type, REF_TCP);
		tcp_sock_event(c, ref.idx, ev[i].events);
	}
	tcp_flush(c);
	return n;
}

/* settle() - run the loop until it is quiet for a moment */
static void settle(void)
{
	int i;

	for (i = 0; i < 1000 && (pump(0) > 0 || pump(1) > 0); i++)
		;
}

/* advance() - move the clock on and run the timers, 100 ms at a time */
static void advance(unsigned int ms)
{
	unsigned int t;

	for (t = 0; t < ms; t += 100) {
		c->now_ms += 100;
		tcp_timer(c);
	}
}

/* ---- the host side ---------------------------------------------------- */

static int listen_on(int v6, uint16_t *port)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	int fd, one = 1;

	fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (v6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_addr = in6addr_loopback;
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sl = sizeof(*s4);
	}
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
	assert_int_equal(listen(fd, 1024), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
	*port = ntohs(v6 ? ((struct sockaddr_in6 *)&ss)->sin6_port
			 : ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* closed_port() - a loopback port nobody listens on */
static uint16_t closed_port(void)
{
	uint16_t port;
	int fd = listen_on(0, &port);

	close(fd);
	return port;
}

static int accept_one(int lfd)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	int fd;

	assert_int_equal(poll(&p, 1, 2000), 1);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	assert_true(fd >= 0);
	return fd;
}

/* ---- the guest -------------------------------------------------------- */

/**
 * struct gconn - the test guest's end of one connection
 * @ga, @gp:	guest address and port
 * @ra, @rp:	remote address and port
 * @snd_nxt:	guest's next sequence number
 * @snd_una:	oldest guest byte the engine did not acknowledge
 * @rcv_nxt:	next byte expected from the engine
 * @peer_wnd:	the engine's window, bytes
 * @peer_ws:	the engine's window scale (0 if none)
 * @wnd:	window field the guest sends
 * @ws:		window scale the guest offers in its SYN, -1 for none
 * @mss:	MSS option of the guest's SYN
 * @rx:		data received from the engine, if not NULL
 * @rxlen:	bytes in @rx
 * @rxcap:	size of @rx
 * @fin:	the engine's FIN arrived
 * @rst:	the engine sent a RST
 * @dupacks:	ACKs in a row that did not move snd_una
 * @batch:	segments sent are one loop iteration until the test calls
 *		tcp_flush() (with c->defer)
 */
struct gconn {
	struct in6_addr ga, ra;
	uint16_t gp, rp;
	uint32_t snd_nxt, snd_una, rcv_nxt, peer_wnd;
	int peer_ws;
	uint16_t wnd;
	int ws;
	uint16_t mss;
	uint8_t *rx;
	size_t rxlen, rxcap;
	int fin, rst;
	int dupacks;
	int batch;
};

static uint16_t next_gport = 40000;

static void g_init(struct gconn *g, int v6, uint16_t rport)
{
	memset(g, 0, sizeof(*g));
	if (v6) {
		g->ga = opts.net6;
		g->ga.s6_addr[15] = 0x15;
		g->ra = opts.host6;
	} else {
		g->ga = inany_from4(opts.dhcpstart);
		g->ra = inany_from4(opts.host);
	}
	g->gp = next_gport++;
	if (next_gport > 60000)
		next_gport = 40000;
	g->rp = rport;
	g->snd_nxt = g->snd_una = 0x10000000u + g->gp * 7919u;
	g->wnd = 65535;
	g->ws = 7;
	g->mss = 1460;
}

/* g_send_raw() - hand the engine one segment from the guest */
static void g_send_raw(struct gconn *g, uint32_t seq, uint32_t ack,
		       uint8_t flags, uint16_t wnd, const void *data,
		       size_t len)
{
	static uint8_t seg[70000];
	struct pkt_wr w;
	size_t optlen = 0;

	if ((flags & F_SYN))
		optlen = g->ws >= 0 ? 8 : 4;
	pkt_wr_init(&w, seg, sizeof(seg));
	pkt_wr_u16(&w, g->gp);
	pkt_wr_u16(&w, g->rp);
	pkt_wr_u32(&w, seq);
	pkt_wr_u32(&w, ack);
	pkt_wr_u8(&w, (uint8_t)(((20 + optlen) / 4) << 4));
	pkt_wr_u8(&w, flags);
	pkt_wr_u16(&w, wnd);
	pkt_wr_u16(&w, 0);
	pkt_wr_u16(&w, 0);
	if (optlen) {
		pkt_wr_u8(&w, 2);
		pkt_wr_u8(&w, 4);
		pkt_wr_u16(&w, g->mss);
		if (g->ws >= 0) {
			pkt_wr_u8(&w, 1);
			pkt_wr_u8(&w, 3);
			pkt_wr_u8(&w, 3);
			pkt_wr_u8(&w, (uint8_t)g->ws);
		}
	}
	if (len)
		pkt_wr_bytes(&w, data, len);
	assert_true(pkt_wr_ok(&w));
	tcp_in(c, &g->ga, &g->ra, seg, w.off);
	if (!g->batch)
		tcp_flush(c);		/* the end of a loop iteration */
}

/* g_send() - send from snd_nxt with the current ACK, advance snd_nxt */
static void g_send(struct gconn *g, uint8_t flags, const void *data,
		   size_t len)
{
	g_send_raw(g, g->snd_nxt, g->rcv_nxt, flags, g->wnd, data, len);
	g->snd_nxt += (uint32_t)len + !!(flags & F_SYN) + !!(flags & F_FIN);
}

static int g_mine(const struct gconn *g, const struct pseg *s)
{
	return s->dport == g->gp && s->sport == g->rp &&
	       inany_eq(&s->dst, &g->ga) && inany_eq(&s->src, &g->ra);
}

/**
 * g_take() - the guest takes one segment the engine sent it: data in
 *	      order goes to @rx, the ACK moves snd_una, RST and FIN are noted
 */
static void g_take(struct gconn *g, const struct pseg *s)
{
	if (s->flags & F_RST) {
		g->rst = 1;
		return;
	}
	if (s->flags & F_ACK) {
		if ((int32_t)(s->ack - g->snd_una) > 0) {
			g->snd_una = s->ack;
			g->dupacks = 0;
		} else if (!s->dlen && !(s->flags & (F_FIN | F_SYN))) {
			g->dupacks++;
		}
		g->peer_wnd = (uint32_t)s->wnd << g->peer_ws;
	}
	if (s->dlen && s->seq == g->rcv_nxt) {
		if (g->rx) {
			assert_true(g->rxlen + s->dlen <= g->rxcap);
			memcpy(g->rx + g->rxlen, s->data, s->dlen);
		}
		g->rxlen += s->dlen;
		g->rcv_nxt += (uint32_t)s->dlen;
	}
	if ((s->flags & F_FIN) && s->seq + s->dlen == g->rcv_nxt) {
		g->rcv_nxt++;
		g->fin = 1;
	}
}

/**
 * g_send_window() - send @data from snd_nxt on, in segments of 1460 bytes,
 *		     as far as the engine's window goes
 * @base:	sequence number of @data[0]
 * @total:	bytes in @data
 *
 * Return: segments sent
 */
static int g_send_window(struct gconn *g, const uint8_t *data, uint32_t base,
			 size_t total)
{
	size_t off = g->snd_nxt - base, l;
	int sent = 0;

	while (off < total && g->snd_nxt - g->snd_una < g->peer_wnd) {
		l = total - off < 1460 ? total - off : 1460;
		if (l > g->peer_wnd - (g->snd_nxt - g->snd_una))
			l = g->peer_wnd - (g->snd_nxt - g->snd_una);
		g_send(g, F_ACK, data + off, l);
		off += l;
		sent++;
	}
	return sent;
}

/* g_drain() - take every captured segment (all must belong to @g) */
static int g_drain(struct gconn *g)
{
	struct pseg s;
	int n = 0;

	while (next_seg(&s)) {
		assert_true(g_mine(g, &s));
		g_take(g, &s);
		n++;
	}
	return n;
}

/* g_synack() - after the guest's SYN: take the SYN-ACK, send the ACK */
static void g_synack(struct gconn *g)
{
	struct pseg s;

	assert_true(next_seg(&s));
	assert_true(g_mine(g, &s));
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(s.ack, g->snd_nxt);
	assert_int_equal(s.mss, opts.mtu - 20 - (inany_is4(&g->ga) ? 20 : 40));
	if (g->ws >= 0)
		assert_int_equal(s.ws, 8);
	else
		assert_int_equal(s.ws, -1);
	g->peer_ws = s.ws >= 0 && g->ws >= 0 ? s.ws : 0;
	g->rcv_nxt = s.seq + 1;
	g->snd_una = s.ack;
	g->peer_wnd = s.wnd;
	g_send(g, F_ACK, NULL, 0);
	settle();
}

/* g_connect() - SYN, SYN-ACK, ACK */
static void g_connect(struct gconn *g)
{
	g_send(g, F_SYN, NULL, 0);
	settle();
	g_synack(g);
}

/* g_listen() - a host listener on loopback, and the guest's connection to
 * it, set up but not connected: its settings may change before g_accept().
 * Returns the listener. */
static int g_listen(struct gconn *g)
{
	uint16_t port;
	int lfd = listen_on(0, &port);

	g_init(g, 0, port);
	return lfd;
}

/* g_accept() - connect the guest; returns the host's accepted socket */
static int g_accept(struct gconn *g, int lfd)
{
	g_connect(g);
	return accept_one(lfd);
}

/* host_feed() - the host writes what its socket takes of the rest of
 * @data, then one round of the loop (waiting a little once all is
 * written) */
static void host_feed(int sfd, const uint8_t *data, size_t total,
		      size_t *written)
{
	if (*written < total) {
		ssize_t n = send(sfd, data + *written, total - *written,
				 MSG_DONTWAIT);

		if (n > 0)
			*written += (size_t)n;
	}
	pump(*written < total ? 0 : 5);
}

/* ---- tests ------------------------------------------------------------ */

static void test_handshake(void **state)
{
	struct gconn g;
	uint16_t port;
	int lfd, sfd, n;
	char buf[16];

	(void)state;
	lfd = listen_on(0, &port);
	g_init(&g, 0, port);
	g_connect(&g);
	assert_int_equal(tcp_count(c), 1);
	sfd = accept_one(lfd);
	assert_int_equal(cap_pending(), 0);

	/* a retransmitted SYN-ACK is answered with an ACK, no new flow */
	g_send_raw(&g, g.snd_nxt - 1, 0, F_SYN, g.wnd, NULL, 0);
	assert_int_equal(tcp_count(c), 1);

	/* a little data both ways */
	g_send(&g, F_ACK | F_PSH, "ping", 4);
	n = 0;
	for (int i = 0; i < 100 && n < 4; i++) {
		pump(10);
		n = (int)recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			n = 0;
	}
	assert_int_equal(n, 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(send(sfd, "pong", 4, 0), 4);
	settle();
	g.rx = (uint8_t *)buf;
	g.rxcap = sizeof(buf);
	g_drain(&g);
	assert_int_equal(g.rxlen, 4);
	assert_memory_equal(buf, "pong", 4);
	assert_int_equal(g.snd_una, g.snd_nxt);
	close(sfd);
	close(lfd);
}

static void test_handshake_v6(void **state)
{
	struct gconn g;
	uint16_t port;
	int lfd, sfd, n = 0;
	char buf[16];

	(void)state;
	lfd = listen_on(1, &port);
	g_init(&g, 1, port);
	g_connect(&g);
	sfd = accept_one(lfd);
	g_send(&g, F_ACK | F_PSH, "six", 3);
	for (int i = 0; i < 100 && n < 3; i++) {
		pump(10);
		n = (int)recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0)
			n = 0;
	}
	assert_int_equal(n, 3);
	assert_int_equal(send(sfd, "v6!", 3, 0), 3);
	settle();
	g.rx = (uint8_t *)buf;
	g.rxcap = sizeof(buf);
	g_drain(&g);
	assert_int_equal(g.rxlen, 3);
	assert_memory_equal(buf, "v6!", 3);
	close(sfd);
	close(lfd);
}

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n)
{
	while (n--)
		h = (h ^ *p++) * 0x100000001b3ULL;
	return h;
}

/* wmem_max() - the largest send buffer TCP autotuning gives a socket */
static uint32_t wmem_max(void)
{
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_wmem", "r");
	unsigned int a = 0, b = 0, m = 0;

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%u %u %u", &a, &b, &m), 3);
	fclose(f);
	return m;
}

/*
 * 4 MB from the guest, in MSS-sized segments within the engine's window.
 * The host does not read at first, so the socket's send buffer fills and
 * the window offered to the guest must close; then it reads, the window
 * opens again, and anything dropped on the way is retransmitted.
 */
static void test_guest_to_host(void **state)
{
	const size_t total = 4 << 20;
	uint8_t *data = malloc(total), rbuf[65536];
	uint64_t want, got = 0xcbf29ce484222325ULL;
	size_t rcvd = 0;
	struct gconn g;
	int lfd, sfd, zero_seen = 0, hold = 1, stuck = 0, small = 16384;
	uint64_t t0 = mono_ms();
	uint32_t base;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 7 + (i >> 11));
	want = fnv(0xcbf29ce484222325ULL, data, total);
	lfd = g_listen(&g);
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	sfd = g_accept(&g, lfd);
	base = g.snd_una;
	/* the window offered is what the socket can take: never more than
	 * its largest send buffer */
	assert_true(g.peer_wnd > 0);
	assert_true(g.peer_wnd <= wmem_max());
	while (rcvd < total) {
		int sent;

		assert_true(mono_ms() - t0 < 20000);	/* no stall */
		assert_true(g.peer_wnd <= wmem_max());
		/* send what the window allows */
		sent = g_send_window(&g, data, base, total);
		g_drain(&g);
		if (!g.peer_wnd)
			zero_seen = 1;
		if (zero_seen || stuck > 1000)
			hold = 0;
		while (!hold) {
			ssize_t n = recv(sfd, rbuf, sizeof(rbuf), MSG_DONTWAIT);

			if (n <= 0)
				break;
			assert_memory_equal(rbuf, data + rcvd, (size_t)n);
			got = fnv(got, rbuf, (size_t)n);
			rcvd += (size_t)n;
		}
		pump(0);
		g_drain(&g);
		if (!sent) {
			stuck++;
			/* nothing moves: a timer tick sends the delayed ACK
			 * or the window update */
			advance(100);
			g_drain(&g);
		}
		/* something was dropped: go back, as a guest would */
		if (g.dupacks >= 3 || (!sent && g.snd_nxt != g.snd_una)) {
			g.snd_nxt = g.snd_una;
			g.dupacks = 0;
		}
	}
	assert_int_equal(rcvd, total);
	assert_true(got == want);
	assert_true(zero_seen);
	/* everything acknowledged, in the end */
	advance(200);
	g_drain(&g);
	assert_int_equal(g.snd_una, base + total);
	free(data);
	close(sfd);
	close(lfd);
}

/*
 * A guest that sends far beyond the window: what the socket does not take
 * is not acknowledged, and comes through intact once the guest goes back.
 */
static void test_guest_ignores_window(void **state)
{
	const size_t total = 6 << 20;
	uint8_t *data = malloc(total), rbuf[65536];
	size_t rcvd = 0;
	struct gconn g;
	int lfd, sfd, small = 16384, rounds = 0, dropped = 0;
	uint64_t t0 = mono_ms();
	uint32_t base, hi = 0;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 11 + (i >> 13));
	lfd = g_listen(&g);
	setsockopt(lfd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	sfd = g_accept(&g, lfd);
	base = g.snd_una;
	while (rcvd < total) {
		size_t off = g.snd_nxt - base, l;

		assert_true(mono_ms() - t0 < 30000);
		rounds++;
		/* 256 segments ahead of what was acknowledged, window or not */
		while (off < total && g.snd_nxt - g.snd_una < 256 * 1460) {
			l = total - off < 1460 ? total - off : 1460;
			g_send(&g, F_ACK | F_PSH, data + off, l);
			off += l;
		}
		if (g.snd_nxt - base > hi)
			hi = g.snd_nxt - base;
		g_drain(&g);
		/* the engine never acknowledges more than the host got */
		assert_true(g.snd_una - base <= hi);
		if (g.snd_nxt != g.snd_una)
			dropped = 1;
		if (rounds > 20) {
			for (;;) {
				ssize_t n = recv(sfd, rbuf, sizeof(rbuf),
						 MSG_DONTWAIT);

				if (n <= 0)
					break;
				assert_memory_equal(rbuf, data + rcvd,
						    (size_t)n);
				rcvd += (size_t)n;
			}
		}
		pump(0);
		advance(100);
		g_drain(&g);
		g.snd_nxt = g.snd_una;		/* go back to what was acked */
	}
	assert_true(dropped);
	assert_int_equal(rcvd, total);
	free(data);
	close(sfd);
	close(lfd);
}

/*
 * 300 KB from the host to a guest with a small MSS and a 20000-byte
 * window without scaling: segments never exceed the MSS, the bytes in
 * flight never exceed the window.
 */
static void test_host_to_guest(void **state)
{
	const size_t total = 300000;
	uint8_t *data = malloc(total), *rx = malloc(total);
	struct gconn g;
	struct pseg s;
	int lfd, sfd, segs = 0;
	uint64_t t0 = mono_ms();
	size_t written = 0;

	(void)state;
	assert_non_null(data);
	assert_non_null(rx);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 13 + (i >> 9));
	lfd = g_listen(&g);
	g.mss = 1000;
	g.ws = -1;
	g.wnd = 20000;
	g.rx = rx;
	g.rxcap = total;
	sfd = g_accept(&g, lfd);
	while (g.rxlen < total) {
		uint32_t acked = g.rcv_nxt;

		assert_true(mono_ms() - t0 < 20000);	/* no stall */
		host_feed(sfd, data, total, &written);
		while (next_seg(&s)) {
			assert_true(g_mine(&g, &s));
			assert_true(s.dlen <= 1000);
			/* never beyond the window we offered */
			assert_true((uint32_t)(s.seq + s.dlen - acked) <= 20000);
			if (s.dlen)
				segs++;
			g_take(&g, &s);
		}
		g_send(&g, F_ACK, NULL, 0);
	}
	assert_memory_equal(rx, data, total);
	assert_true(segs >= (int)(total / 1000));
	free(data);
	free(rx);
	close(sfd);
	close(lfd);
}

/*
 * In the loop (c->defer; run only that way), what a batch of segments
 * from the guest calls for waits for the batch's end, tcp_flush(): one
 * ACK for many data segments, and the data that several ACKs let through
 * in one go.
 */
static void test_defer(void **state)
{
	uint8_t data[10000], rx[10000];
	char buf[256];
	struct gconn g;
	struct pseg s;
	int lfd, sfd, i, n = 0;

	(void)state;
	assert_true(c->defer);
	for (i = 0; i < (int)sizeof(data); i++)
		data[i] = (uint8_t)(i * 5);
	lfd = g_listen(&g);
	g.mss = 1000;
	g.ws = -1;
	g.wnd = 3000;
	g.rx = rx;
	g.rxcap = sizeof(rx);
	sfd = g_accept(&g, lfd);

	/* ten segments with PSH, each of which would be ACKed at once */
	g.batch = 1;
	for (i = 0; i < 10; i++)
		g_send(&g, F_ACK | F_PSH, "0123456789", 10);
	assert_int_equal(cap_pending(), 0);
	tcp_flush(c);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_ACK);
	assert_int_equal(s.ack, g.snd_nxt);
	assert_int_equal(cap_pending(), 0);
	g_take(&g, &s);
	for (i = 0; i < 100 && n < 100; i++) {
		ssize_t r = recv(sfd, buf + n, sizeof(buf) - (size_t)n,
				 MSG_DONTWAIT);

		if (r > 0)
			n += (int)r;
		else
			pump(10);
	}
	assert_int_equal(n, 100);

	/* the host sends more than the window (3000): three segments */
	assert_int_equal(send(sfd, data, sizeof(data), 0),
			 (ssize_t)sizeof(data));
	settle();
	for (i = 0; next_seg(&s); i++)
		g_take(&g, &s);
	assert_int_equal(i, 3);
	assert_int_equal(g.rxlen, 3000);
	/* three ACKs, one segment each, in one batch: nothing until its
	 * end, then the window's worth at once */
	g.rcv_nxt -= 3000;
	for (i = 0; i < 3; i++) {
		g.rcv_nxt += 1000;
		g_send(&g, F_ACK, NULL, 0);
	}
	assert_int_equal(cap_pending(), 0);
	tcp_flush(c);
	g.batch = 0;
	for (i = 0; next_seg(&s); i++) {
		assert_int_equal(s.dlen, 1000);
		g_take(&g, &s);
	}
	assert_int_equal(i, 3);
	for (i = 0; i < 100 && g.rxlen < sizeof(data); i++) {
		g_send(&g, F_ACK, NULL, 0);
		settle();
		g_drain(&g);
	}
	assert_memory_equal(rx, data, sizeof(data));
	close(sfd);
	close(lfd);
}

/*
 * With TSO (run only that way), 2 MB from the host over IPv4 and IPv6 go
 * to a guest with a large window in frames of many segments, each cut at
 * the guest's MSS, and arrive intact.
 */
static void test_tso(void **state)
{
	const size_t total = 2 << 20;
	uint8_t *data = malloc(total), *rx = malloc(total);
	struct gconn g;
	struct pseg s;
	uint16_t port;
	int lfd, sfd, v6;

	(void)state;
	assert_true(c->tso);
	assert_non_null(data);
	assert_non_null(rx);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 17 + (i >> 10));
	for (v6 = 0; v6 < 2; v6++) {
		uint64_t t0 = mono_ms();
		size_t written = 0;

		cap_gso = 0;
		lfd = listen_on(v6, &port);
		g_init(&g, v6, port);
		g.mss = 1400;
		g.wnd = 65535;
		g.ws = 7;
		g.rx = rx;
		g.rxcap = total;
		g_connect(&g);
		sfd = accept_one(lfd);
		while (g.rxlen < total) {
			assert_true(mono_ms() - t0 < 20000);	/* no stall */
			host_feed(sfd, data, total, &written);
			while (next_seg(&s)) {
				assert_true(g_mine(&g, &s));
				assert_true(s.dlen <= 1400);
				g_take(&g, &s);
			}
			g_send(&g, F_ACK, NULL, 0);
		}
		assert_memory_equal(rx, data, total);
		/* most of it went in large frames, cut at the guest's MSS */
		assert_true(cap_gso >= total / 65536);
		assert_int_equal(cap_gso_size, 1400);
		close(sfd);
		close(lfd);
		settle();			/* the FIN, for nobody */
		cap_reset();
	}
	free(data);
	free(rx);
}

/* A segment the guest does not acknowledge is sent again on RTO, and on
 * three duplicate ACKs; the RTO backs off; acknowledged data is not. */
static void test_retransmit(void **state)
{
	uint8_t data[3000], rx[3000];
	struct gconn g;
	struct pseg s;
	uint32_t first;
	int lfd, sfd, n;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i ^ 0x5a);
	cap_reset();
	lfd = g_listen(&g);
	g.mss = 1000;
	sfd = g_accept(&g, lfd);
	assert_int_equal(send(sfd, data, sizeof(data), 0), (ssize_t)sizeof(data));
	settle();
	assert_true(next_seg(&s));
	first = s.seq;
	assert_int_equal(first, g.rcv_nxt);
	assert_int_equal(s.dlen, 1000);
	n = 1;
	while (next_seg(&s))
		n++;
	assert_int_equal(n, 3);

	/* no ACK: after the RTO (the handshake measured about 0 ms, so the
	 * minimum, 200 ms) the same bytes come again, and then with the
	 * timeout doubled each time: 200, 400, 800, 1600 ms */
	advance(100);
	assert_int_equal(cap_pending(), 0);
	advance(100);
	assert_true(next_seg(&s));
	assert_int_equal(s.seq, first);
	assert_int_equal(s.dlen, 1000);
	assert_memory_equal(s.data, data, 1000);
	while (next_seg(&s))
		;
	advance(300);
	assert_int_equal(cap_pending(), 0);
	advance(100);				/* 400 ms later */
	assert_true(next_seg(&s));
	assert_int_equal(s.seq, first);
	while (next_seg(&s))
		;
	advance(700);
	assert_int_equal(cap_pending(), 0);
	advance(100);				/* 800 ms later */
	assert_true(next_seg(&s));
	assert_int_equal(s.seq, first);
	while (next_seg(&s))
		;

	/* acknowledge the first segment, then three duplicate ACKs for it */
	g.rcv_nxt = first + 1000;
	g_send(&g, F_ACK, NULL, 0);
	while (next_seg(&s))
		assert_true((int32_t)(s.seq - (first + 1000)) >= 0);
	cap_reset();
	g_send(&g, F_ACK, NULL, 0);
	g_send(&g, F_ACK, NULL, 0);
	assert_int_equal(cap_pending(), 0);
	g_send(&g, F_ACK, NULL, 0);
	assert_true(next_seg(&s));
	assert_int_equal(s.seq, first + 1000);
	assert_memory_equal(s.data, data + 1000, s.dlen);
	while (next_seg(&s))
		;

	/* take everything: no more retransmissions */
	g.rx = rx;
	g.rxcap = sizeof(rx);
	g.rxlen = 1000;
	memcpy(rx, data, 1000);
	advance(5000);
	while (next_seg(&s))
		g_take(&g, &s);
	g_send(&g, F_ACK, NULL, 0);
	g_drain(&g);
	assert_int_equal(g.rxlen, sizeof(data));
	assert_memory_equal(rx, data, sizeof(data));
	cap_reset();
	advance(10000);
	assert_int_equal(cap_pending(), 0);
	close(sfd);
	close(lfd);
}

/* A frame the transport refuses (-EAGAIN) is sent on the next chance,
 * without waiting for the RTO. */
static void test_transport_full(void **state)
{
	uint8_t data[5000], rx[5000];
	struct gconn g;
	int lfd, sfd;

	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 3);
	lfd = g_listen(&g);
	g.rx = rx;
	g.rxcap = sizeof(rx);
	sfd = g_accept(&g, lfd);
	cap_fail = 1;
	assert_int_equal(send(sfd, data, sizeof(data), 0), (ssize_t)sizeof(data));
	settle();
	assert_int_equal(cap_pending(), 0);
	cap_fail = 0;
	c->now_ms += 100;
	tcp_timer(c);		/* one tick, far less than an RTO */
	g_drain(&g);
	assert_int_equal(g.rxlen, sizeof(data));
	assert_memory_equal(rx, data, sizeof(data));
	close(sfd);
	close(lfd);
}

/* A zero window from the guest stops the data and is probed; opening
 * it lets the data through. */
static void test_zero_window(void **state)
{
	uint8_t data[4000], rx[4000];
	struct gconn g;
	struct pseg s;
	int lfd, sfd, probes = 0;

	(void)state;
	memset(data, 'z', sizeof(data));
	lfd = g_listen(&g);
	g.rx = rx;
	g.rxcap = sizeof(rx);
	sfd = g_accept(&g, lfd);
	/* the guest closes its window */
	g.wnd = 0;
	g_send(&g, F_ACK, NULL, 0);
	assert_int_equal(send(sfd, data, sizeof(data), 0), (ssize_t)sizeof(data));
	settle();
	assert_int_equal(cap_pending(), 0);
	/* probes: ACKs one before snd_una, no data */
	advance(3000);
	while (next_seg(&s)) {
		assert_int_equal(s.dlen, 0);
		assert_int_equal(s.seq, g.rcv_nxt - 1);
		probes++;
		g_send(&g, F_ACK, NULL, 0);	/* still zero */
	}
	assert_true(probes >= 1);
	/* window open */
	g.wnd = 65535;
	g_send(&g, F_ACK, NULL, 0);
	settle();
	g_drain(&g);
	assert_int_equal(g.rxlen, sizeof(data));
	assert_memory_equal(rx, data, sizeof(data));
	close(sfd);
	close(lfd);
}

/* The guest closes its side: the host reads EOF and can still send; then
 * the host closes too, and the flow goes away. */
static void test_guest_fin(void **state)
{
	struct gconn g;
	struct pseg s;
	int lfd, sfd, i;
	char buf[64];
	ssize_t n = -1;

	(void)state;
	lfd = g_listen(&g);
	g.rx = (uint8_t *)buf;
	g.rxcap = sizeof(buf);
	sfd = g_accept(&g, lfd);
	g_send(&g, F_ACK | F_PSH, "bye", 3);
	g_send(&g, F_ACK | F_FIN, NULL, 0);
	/* the FIN is acknowledged */
	assert_true(next_seg(&s));
	g_take(&g, &s);
	while (next_seg(&s))
		g_take(&g, &s);
	assert_int_equal(g.snd_una, g.snd_nxt);
	for (i = 0; i < 100; i++) {
		n = recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 3)
			break;
		pump(10);
	}
	assert_int_equal(n, 3);
	for (i = 0; i < 100; i++) {
		n = recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			break;
		pump(10);
	}
	assert_int_equal(n, 0);			/* EOF */
	/* half-closed: the host still sends */
	assert_int_equal(send(sfd, "still here", 10, 0), 10);
	settle();
	g_drain(&g);
	assert_int_equal(g.rxlen, 10);
	assert_memory_equal(buf, "still here", 10);
	assert_false(g.fin);
	g_send(&g, F_ACK, NULL, 0);
	/* now the host closes: FIN to the guest */
	close(sfd);
	settle();
	g_drain(&g);
	assert_true(g.fin);
	g_send(&g, F_ACK, NULL, 0);
	assert_int_equal(tcp_count(c), 1);		/* lingering */
	/* a retransmitted FIN is acknowledged in the linger */
	g_send_raw(&g, g.snd_nxt - 1, g.rcv_nxt, F_ACK | F_FIN, g.wnd, NULL,
		   0);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_ACK);
	assert_int_equal(s.ack, g.snd_nxt);
	advance(3000);
	assert_int_equal(tcp_count(c), 0);
	close(lfd);
}

/* The host closes first: data, then a FIN after it; the guest's FIN
 * completes the close. */
static void test_host_fin(void **state)
{
	struct gconn g;
	struct pseg s;
	int lfd, sfd, i;
	char buf[64];
	ssize_t n = -1;

	(void)state;
	lfd = g_listen(&g);
	g.rx = (uint8_t *)buf;
	g.rxcap = sizeof(buf);
	sfd = g_accept(&g, lfd);
	assert_int_equal(send(sfd, "last words", 10, 0), 10);
	shutdown(sfd, SHUT_WR);
	settle();
	while (next_seg(&s))
		g_take(&g, &s);
	if (fallback) {
		/* without SO_PEEK_OFF, EOF shows once the data is acked */
		assert_false(g.fin);
		g_send(&g, F_ACK, NULL, 0);
		g_drain(&g);
	}
	/* g_take() only counts a FIN right after the data */
	assert_int_equal(g.rxlen, 10);
	assert_memory_equal(buf, "last words", 10);
	assert_true(g.fin);
	/* the guest may still send (half-close the other way) */
	g_send(&g, F_ACK | F_PSH, "reply", 5);
	for (i = 0; i < 100; i++) {
		n = recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 5)
			break;
		pump(10);
	}
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "reply", 5);
	g_drain(&g);
	g_send(&g, F_ACK | F_FIN, NULL, 0);
	g_drain(&g);
	assert_int_equal(g.snd_una, g.snd_nxt);
	for (i = 0; i < 100; i++) {
		n = recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 0)
			break;
		pump(10);
	}
	assert_int_equal(n, 0);
	advance(3000);
	assert_int_equal(tcp_count(c), 0);
	close(sfd);
	close(lfd);
}

/* A RST from the guest: exact sequence number resets the host side; one
 * elsewhere in the window only gets a challenge ACK. */
static void test_guest_rst(void **state)
{
	struct gconn g;
	struct pseg s;
	int lfd, sfd, i;
	char buf[8];
	ssize_t n = 1;

	(void)state;
	lfd = g_listen(&g);
	sfd = g_accept(&g, lfd);
	/* blind RST in the window: challenge ACK, flow stays */
	g_send_raw(&g, g.snd_nxt + 100, 0, F_RST, 0, NULL, 0);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_ACK);
	assert_int_equal(s.ack, g.snd_nxt);
	assert_int_equal(tcp_count(c), 1);
	/* blind SYN: challenge ACK too */
	g_send_raw(&g, g.snd_nxt + 5000, 0, F_SYN, 0, NULL, 0);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_ACK);
	assert_int_equal(tcp_count(c), 1);
	/* ACK of data never sent: ACK, dropped */
	g_send_raw(&g, g.snd_nxt, g.rcv_nxt + 100000, F_ACK, g.wnd, "x", 1);
	assert_true(next_seg(&s));
	assert_int_equal(s.ack, g.snd_nxt);	/* "x" not taken */

	g_send_raw(&g, g.snd_nxt, 0, F_RST, 0, NULL, 0);
	assert_int_equal(tcp_count(c), 0);
	assert_int_equal(cap_pending(), 0);
	for (i = 0; i < 100; i++) {
		n = recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno != EAGAIN)
			break;
		usleep(1000);
	}
	assert_int_equal(n, -1);
	assert_int_equal(errno, ECONNRESET);
	close(sfd);
	close(lfd);
}

/* The host resets: the guest gets a RST. */
static void test_host_rst(void **state)
{
	struct linger l = { 1, 0 };
	struct gconn g;
	int lfd, sfd;

	(void)state;
	lfd = g_listen(&g);
	sfd = g_accept(&g, lfd);
	setsockopt(sfd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	close(sfd);
	settle();
	g_drain(&g);
	assert_true(g.rst);
	assert_int_equal(tcp_count(c), 0);
	close(lfd);
}

/* Nobody listens: the guest's SYN gets a RST. */
static void test_refused(void **state)
{
	struct gconn g;
	struct pseg s;

	(void)state;
	g_init(&g, 0, closed_port());
	g_send(&g, F_SYN, NULL, 0);
	settle();
	assert_true(next_seg(&s));
	assert_true(g_mine(&g, &s));
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.ack, g.snd_nxt);
	assert_int_equal(tcp_count(c), 0);

	/* restrict=on: refused at once */
	opts.restrict_ = 1;
	g_init(&g, 0, 80);
	g_send(&g, F_SYN, NULL, 0);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(tcp_count(c), 0);
	opts.restrict_ = 0;
}

/* Segments for no flow get a RST (but a RST gets nothing). */
static void test_unknown_flow(void **state)
{
	struct gconn g;
	struct pseg s;

	(void)state;
	g_init(&g, 0, 4242);
	g_send_raw(&g, 1000, 5555, F_ACK, 100, "abc", 3);
	assert_true(next_seg(&s));
	assert_true(g_mine(&g, &s));
	assert_int_equal(s.flags, F_RST);
	assert_int_equal(s.seq, 5555);

	g_send_raw(&g, 1000, 0, F_FIN, 100, "abc", 3);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(s.ack, 1004);

	g_send_raw(&g, 1000, 0, F_RST, 100, NULL, 0);
	g_send_raw(&g, 1000, 0, F_RST | F_ACK, 100, NULL, 0);
	assert_int_equal(cap_pending(), 0);
	assert_int_equal(tcp_count(c), 0);
}

/* Malformed segments are dropped without a reply. */
static void test_malformed(void **state)
{
	struct gconn g;
	uint8_t seg[40] = { 0 };
	uint64_t drops = c->stat_drop;

	(void)state;
	g_init(&g, 0, 4242);
	tcp_in(c, &g.ga, &g.ra, seg, 10);		/* too short */
	pkt_put_u16(seg, 1000);
	pkt_put_u16(seg + 2, 80);
	seg[12] = 0xf0;					/* offset 60 > 40 */
	tcp_in(c, &g.ga, &g.ra, seg, sizeof(seg));
	seg[12] = 0x40;					/* offset 16 < 20 */
	tcp_in(c, &g.ga, &g.ra, seg, sizeof(seg));
	seg[12] = 0x50;
	pkt_put_u16(seg, 0);				/* port 0 */
	tcp_in(c, &g.ga, &g.ra, seg, sizeof(seg));
	assert_int_equal(cap_pending(), 0);
	assert_int_equal(c->stat_drop, drops + 4);
	/* options that run off their end do no harm */
	pkt_put_u16(seg, 1000);
	seg[12] = 0x70;					/* 8 bytes of options */
	seg[13] = F_SYN;
	seg[20] = 2;
	seg[21] = 40;					/* MSS, length 40 */
	seg[24] = 3;
	seg[25] = 3;
	seg[26] = 200;					/* huge scale */
	opts.restrict_ = 1;
	tcp_in(c, &g.ga, &g.ra, seg, 28);
	opts.restrict_ = 0;
	assert_int_equal(cap_pending(), 1);
}

/* table_with() - a fresh table of @size entries and a listener on
 * loopback (returned, its port in @port), with established flows @a and,
 * if not NULL, @b, whose host ends are @sa and @sb */
static int table_with(unsigned int size, uint16_t *port, struct gconn *a,
		      int *sa, struct gconn *b, int *sb)
{
	int lfd;

	ctx_close();
	ctx_open(size);
	lfd = listen_on(0, port);
	g_init(a, 0, *port);
	g_connect(a);
	*sa = accept_one(lfd);
	if (b) {
		g_init(b, 0, *port);
		g_connect(b);
		*sb = accept_one(lfd);
	}
	return lfd;
}

/* host_gets() - the guest sends "alive" on @g: its host end @sfd gets it */
static void host_gets(struct gconn *g, int sfd)
{
	char buf[8];
	int i, n = 0;

	g_send(g, F_ACK | F_PSH, "alive", 5);
	for (i = 0; i < 100 && n != 5; i++) {
		pump(10);
		n = (int)recv(sfd, buf, sizeof(buf), MSG_DONTWAIT);
	}
	assert_int_equal(n, 5);
	assert_memory_equal(buf, "alive", 5);
}

/* A full table refuses new SYNs, the established flow carries on. */
static void test_table_full(void **state)
{
	struct gconn a, b, x;
	struct pseg s;
	uint16_t port;
	int lfd, sa, sb, i;

	(void)state;
	lfd = table_with(2, &port, &a, &sa, &b, &sb);
	assert_int_equal(tcp_count(c), 2);
	/* a flood of SYNs */
	for (i = 0; i < 200; i++) {
		g_init(&x, 0, port);
		g_send(&x, F_SYN, NULL, 0);
		assert_true(next_seg(&s));
		assert_true(g_mine(&x, &s));
		assert_int_equal(s.flags, F_RST | F_ACK);
	}
	assert_int_equal(tcp_count(c), 2);
	host_gets(&a, sa);
	/* hostfwd connections are refused too */
	{
		int cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), fd;
		struct sockaddr_in sin = { .sin_family = AF_INET,
					   .sin_port = htons(port),
					   .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		assert_int_equal(connect(cl, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
		fd = accept_one(lfd);
		assert_int_equal(tcp_from_host(c, fd, &a.ra, 5000, &a.ga, 22),
				 -ENOSPC);
		close(cl);
	}
	close(sa);
	close(sb);
	close(lfd);
}

/* A table full of half-open flows: each new connection pushes out the
 * oldest handshake, reset on both sides; established flows stay. */
static void test_table_full_handshakes(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct gconn a, x, y;
	uint16_t port, port2, order[203];
	struct pseg s;
	int lfd, lfd2, sa, hf, cl, i, n = 0;
	char buf[8];

	(void)state;
	lfd = table_with(4, &port, &a, &sa, NULL, NULL);
	/* SYNs whose SYN-ACK is never answered: three fill the table, each
	 * after that resets the oldest handshake, and gets its SYN-ACK */
	for (i = 0; i < 203; i++) {
		g_init(&x, 0, port);
		order[i] = x.gp;
		g_send(&x, F_SYN, NULL, 0);
		settle();
		if (i >= 3) {
			assert_true(next_seg(&s));
			assert_int_equal(s.dport, order[i - 3]);
			assert_int_equal(s.flags, F_RST | F_ACK);
		}
		assert_true(next_seg(&s));
		assert_true(g_mine(&x, &s));
		assert_int_equal(s.flags, F_SYN | F_ACK);
		assert_int_equal(cap_pending(), 0);
		assert_int_equal(tcp_count(c), i < 3 ? 2 + i : 4);
	}
	/* the host side of the first handshake was reset */
	hf = accept_one(lfd);
	for (i = 0; i < 100; i++) {
		n = (int)recv(hf, buf, sizeof(buf), MSG_DONTWAIT);
		if (n >= 0 || errno != EAGAIN)
			break;
		usleep(1000);
	}
	assert_true(n < 0 && errno == ECONNRESET);
	close(hf);
	/* the newest completes its handshake, and is established for good */
	x.rcv_nxt = s.seq + 1;
	x.snd_una = s.ack;
	x.peer_ws = 8;
	g_send(&x, F_ACK, NULL, 0);
	settle();
	for (i = 0; i < 20; i++) {
		g_init(&y, 0, port);
		g_send(&y, F_SYN, NULL, 0);
		settle();
		while (next_seg(&s))
			assert_false(s.dport == a.gp || s.dport == x.gp);
	}
	assert_int_equal(tcp_count(c), 4);
	/* a hostfwd connection pushes out a handshake too */
	lfd2 = listen_on(0, &port2);
	sin.sin_port = htons(port2);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(cl, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(tcp_from_host(c, accept_one(lfd2), &a.ra, 5000, &a.ga,
				       22), 0);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_true(next_seg(&s));
	assert_int_equal(s.dport, 22);
	assert_int_equal(s.flags, F_SYN);
	assert_int_equal(tcp_count(c), 4);
	/* the established flow carries data */
	host_gets(&a, sa);
	close(cl);
	close(sa);
	close(lfd2);
	close(lfd);
}

/* A full table of established flows: one whose host side closed and
 * whose FIN the guest never acknowledges gives way to a new connection;
 * one the guest answers does not. */
static void test_table_full_closing(void **state)
{
	struct gconn a, b, x;
	struct pseg s;
	uint16_t port;
	int lfd, sa, sb;

	(void)state;
	lfd = table_with(2, &port, &a, &sa, &b, &sb);
	/* a's host side closes, and the guest acknowledges the FIN */
	close(sa);
	settle();
	g_drain(&a);
	assert_true(a.fin);
	g_send(&a, F_ACK, NULL, 0);
	/* b's host side closes too, and the guest never answers */
	close(sb);
	settle();
	assert_true(next_seg(&s));
	assert_true(g_mine(&b, &s));
	assert_true(s.flags & F_FIN);
	assert_int_equal(tcp_count(c), 2);
	/* a new connection takes b's place, never a's */
	g_init(&x, 0, port);
	g_send(&x, F_SYN, NULL, 0);
	settle();
	assert_true(next_seg(&s));
	assert_true(g_mine(&b, &s));
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_true(next_seg(&s));
	assert_true(g_mine(&x, &s));
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(tcp_count(c), 2);
	/* once x is established too, nothing may give way: refused */
	x.rcv_nxt = s.seq + 1;
	x.peer_ws = 8;
	g_send(&x, F_ACK, NULL, 0);
	settle();
	g_init(&b, 0, port);
	g_send(&b, F_SYN, NULL, 0);
	settle();
	assert_true(next_seg(&s));
	assert_true(g_mine(&b, &s));
	assert_int_equal(s.flags, F_RST | F_ACK);
	assert_int_equal(cap_pending(), 0);
	/* a is still there: its guest's FIN is acknowledged, not reset */
	g_send(&a, F_ACK | F_FIN, NULL, 0);
	settle();
	assert_true(next_seg(&s));
	assert_true(g_mine(&a, &s));
	assert_int_equal(s.flags, F_ACK);
	assert_int_equal(s.ack, a.snd_nxt);
	close(accept_one(lfd));
	close(lfd);
}

/* A hostfwd connection: SYN to the guest, SYN-ACK, data both ways; an
 * unanswered SYN is retransmitted and given up after 10 s. */
static void test_from_host(void **state)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct gconn g;
	struct pseg s;
	uint16_t port;
	int lfd, cl, fd, i;
	char buf[32];
	ssize_t n = -1;

	(void)state;
	lfd = listen_on(0, &port);
	sin.sin_port = htons(port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(cl, (struct sockaddr *)&sin, sizeof(sin)), 0);
	fd = accept_one(lfd);

	memset(&g, 0, sizeof(g));
	g.ga = inany_from4(opts.dhcpstart);
	g.gp = 22;
	g.ra = inany_from4(opts.host);
	g.rp = 33333;
	g.ws = 7;
	g.mss = 1460;
	g.wnd = 65535;
	g.rx = (uint8_t *)buf;
	g.rxcap = sizeof(buf);
	assert_int_equal(tcp_from_host(c, fd, &g.ra, g.rp, &g.ga, g.gp), 0);
	assert_int_equal(tcp_from_host(c, dup(cl), &g.ra, g.rp, &g.ga, g.gp),
			 -EEXIST);
	assert_true(next_seg(&s));
	assert_true(g_mine(&g, &s));
	assert_int_equal(s.flags, F_SYN);
	assert_int_equal(s.mss, 1460);
	assert_int_equal(s.ws, 8);
	/* lost: sent again */
	advance(1100);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_SYN);
	g.rcv_nxt = s.seq + 1;
	g.snd_nxt = g.snd_una = 777;
	g.peer_ws = 8;
	g_send(&g, F_SYN | F_ACK, NULL, 0);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_ACK);
	assert_int_equal(s.ack, 778);
	assert_int_equal(s.seq, g.rcv_nxt);
	/* data both ways */
	assert_int_equal(send(cl, "from host", 9, 0), 9);
	settle();
	g_drain(&g);
	assert_int_equal(g.rxlen, 9);
	assert_memory_equal(buf, "from host", 9);
	g_send(&g, F_ACK | F_PSH, "from guest", 10);
	for (i = 0; i < 100; i++) {
		n = recv(cl, buf, sizeof(buf), MSG_DONTWAIT);
		if (n == 10)
			break;
		pump(10);
	}
	assert_int_equal(n, 10);
	assert_memory_equal(buf, "from guest", 10);
	g_drain(&g);
	/* the guest refuses the next one with a RST */
	{
		int cl2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), fd2;

		assert_int_equal(connect(cl2, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
		fd2 = accept_one(lfd);
		assert_int_equal(tcp_from_host(c, fd2, &g.ra, 33334, &g.ga,
					       23), 0);
		assert_true(next_seg(&s));
		assert_int_equal(s.flags, F_SYN);
		assert_int_equal(tcp_count(c), 2);
		{
			struct gconn r = g;

			r.gp = 23;
			r.rp = 33334;
			g_send_raw(&r, 0, s.seq + 1, F_RST | F_ACK, 0, NULL, 0);
		}
		assert_int_equal(tcp_count(c), 1);
		for (i = 0; i < 100; i++) {
			n = recv(cl2, buf, sizeof(buf), MSG_DONTWAIT);
			if (n >= 0 || errno != EAGAIN)
				break;
			usleep(1000);
		}
		assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
		close(cl2);
	}
	/* and never answers the one after that: given up after ~10 s */
	{
		int cl3 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), fd3;

		assert_int_equal(connect(cl3, (struct sockaddr *)&sin,
					 sizeof(sin)), 0);
		fd3 = accept_one(lfd);
		assert_int_equal(tcp_from_host(c, fd3, &g.ra, 33335, &g.ga,
					       24), 0);
		assert_int_equal(tcp_count(c), 2);
		advance(9000);
		assert_int_equal(tcp_count(c), 2);
		i = 0;
		while (next_seg(&s)) {
			assert_int_equal(s.flags, F_SYN);
			i++;
		}
		assert_true(i >= 3 && i <= 5);
		advance(8000);
		assert_int_equal(tcp_count(c), 1);
		n = recv(cl3, buf, sizeof(buf), 0);
		assert_true(n == 0 || (n < 0 && errno == ECONNRESET));
		close(cl3);
		while (next_seg(&s))
			;
	}
	close(cl);
	close(lfd);
}

/* A guest SYN that gets no SYN-ACK answer (our SYN-ACK lost): it is
 * retransmitted; a repeated SYN makes no second socket. */
static void test_synack_retransmit(void **state)
{
	struct gconn g;
	struct pseg s;
	uint16_t port;
	int lfd, sfd;

	(void)state;
	lfd = listen_on(0, &port);
	g_init(&g, 0, port);
	cap_drop = 1;
	g_send(&g, F_SYN, NULL, 0);
	settle();
	assert_int_equal(cap_pending(), 0);
	/* the guest tries again: the same flow answers */
	g_send_raw(&g, g.snd_una, 0, F_SYN, g.wnd, NULL, 0);
	settle();
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_SYN | F_ACK);
	assert_int_equal(tcp_count(c), 1);
	advance(1100);
	assert_true(next_seg(&s));
	assert_int_equal(s.flags, F_SYN | F_ACK);
	g.rcv_nxt = s.seq + 1;
	g.peer_ws = 8;
	g_send(&g, F_ACK, NULL, 0);
	sfd = accept_one(lfd);
	/* only one connection was made */
	{
		struct pollfd p = { .fd = lfd, .events = POLLIN };

		assert_int_equal(poll(&p, 1, 50), 0);
	}
	/* a guest that never answers the SYN-ACK is given up after ~10 s */
	{
		struct gconn h;

		g_init(&h, 0, port);
		g_send(&h, F_SYN, NULL, 0);
		settle();
		assert_int_equal(tcp_count(c), 2);
		advance(16000);
		assert_int_equal(tcp_count(c), 1);
		while (next_seg(&s))
			;
		close(accept_one(lfd));
	}
	close(sfd);
	close(lfd);
}

/* Guest data without PSH reaches the host by the next timer tick at the
 * latest; data with PSH at once. */
static void test_push_flush(void **state)
{
	struct pollfd p;
	struct gconn g;
	int lfd, sfd;
	char buf[64];

	(void)state;
	lfd = g_listen(&g);
	sfd = g_accept(&g, lfd);
	g_send(&g, F_ACK, "no push", 7);
	advance(100);
	p.fd = sfd;
	p.events = POLLIN;
	/* at once: the kernel would only send corked data by itself after
	 * its 200 ms probe timer */
	assert_int_equal(poll(&p, 1, 80), 1);
	assert_int_equal(recv(sfd, buf, sizeof(buf), 0), 7);
	assert_memory_equal(buf, "no push", 7);
	g_send(&g, F_ACK, "part one, ", 10);
	g_send(&g, F_ACK | F_PSH, "part two", 8);
	assert_int_equal(poll(&p, 1, 80), 1);
	assert_int_equal(recv(sfd, buf, sizeof(buf), MSG_WAITALL), 18);
	assert_memory_equal(buf, "part one, part two", 18);
	close(sfd);
	close(lfd);
}

/* A table full of closed, lingering flows makes room for a new one. */
static void test_linger_reuse(void **state)
{
	struct gconn g[3];
	uint16_t port;
	int lfd, sfd, i;

	(void)state;
	ctx_close();
	ctx_open(2);
	lfd = listen_on(0, &port);
	for (i = 0; i < 2; i++) {
		g_init(&g[i], 0, port);
		g_connect(&g[i]);
		sfd = accept_one(lfd);
		g_send(&g[i], F_ACK | F_FIN, NULL, 0);
		settle();
		close(sfd);
		settle();
		g_drain(&g[i]);
		assert_true(g[i].fin);
		g_send(&g[i], F_ACK, NULL, 0);
	}
	assert_int_equal(tcp_count(c), 2);		/* both lingering */
	g_init(&g[2], 0, port);
	g_connect(&g[2]);
	close(accept_one(lfd));
	assert_int_equal(tcp_count(c), 2);
	close(lfd);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* 1000 connections opened and closed, both ways round: no fd left. */
static void test_no_fd_leak(void **state)
{
	uint16_t port;
	int lfd, before, i;

	(void)state;
	lfd = listen_on(0, &port);
	before = count_fds();
	for (i = 0; i < 1000; i++) {
		struct gconn g;
		struct pseg s;
		int sfd;

		g_init(&g, 0, port);
		g_connect(&g);
		sfd = accept_one(lfd);
		switch (i % 3) {
		case 0:			/* host closes first */
			close(sfd);
			settle();
			g_drain(&g);
			assert_true(g.fin);
			g_send(&g, F_ACK | F_FIN, NULL, 0);
			break;
		case 1:			/* guest closes first */
			g_send(&g, F_ACK | F_FIN, NULL, 0);
			settle();
			close(sfd);
			settle();
			g_drain(&g);
			assert_true(g.fin);
			g_send(&g, F_ACK, NULL, 0);
			break;
		default:		/* guest resets */
			g_send_raw(&g, g.snd_nxt, 0, F_RST, 0, NULL, 0);
			close(sfd);
			break;
		}
		while (next_seg(&s))
			;
		if (i % 50 == 49)
			advance(2100);
	}
	advance(2100);
	assert_int_equal(tcp_count(c), 0);
	assert_int_equal(count_fds(), before);
	close(lfd);
}

/* tcp_fini() closes every socket. */
static void test_fini(void **state)
{
	uint16_t port;
	int lfd, before, i, s[5];

	(void)state;
	lfd = listen_on(0, &port);
	before = count_fds();
	for (i = 0; i < 5; i++) {
		struct gconn g;

		g_init(&g, 0, port);
		g_connect(&g);
		s[i] = accept_one(lfd);
	}
	assert_int_equal(tcp_count(c), 5);
	assert_int_equal(count_fds(), before + 10);
	tcp_fini(c);
	assert_int_equal(count_fds(), before + 5);
	for (i = 0; i < 5; i++)
		close(s[i]);
	assert_int_equal(tcp_init(c), 0);
	close(lfd);
}

/* ---- guestfwd=...-cmd: ------------------------------------------------ */

#define CMD_ECHO_PORT	4321
#define CMD_OUT_PORT	4322
#define CMD_LIST	"guestfwd=tcp:10.0.2.100:4321-cmd:cat," \
			"guestfwd=tcp:10.0.2.100:4322-cmd:printf cmd-out"

static int setup_cmd(void **state)
{
	fallback = state && *state ? *(int *)*state : 0;
	ctx_open_with(64, CMD_LIST);
	assert_int_equal(spawn_init(&opts), 0);
	return 0;
}

static int teardown_cmd(void **state)
{
	(void)state;
	ctx_close();
	spawn_fini();
	return 0;
}

/* g_cmd_init() - a guest connection to the guestfwd server 10.0.2.100 */
static void g_cmd_init(struct gconn *g, uint16_t port)
{
	struct in_addr a = { htonl(0x0a000264) };

	g_init(g, 0, port);
	g->ra = inany_from4(a);
}

/*
 * 1 MB through cat: the guest sends within the engine's window, takes
 * the echo as it comes, then sends FIN; cat sees EOF and exits, and the
 * guest sees FIN after the last byte.  Nothing is left: no flow, no fd.
 */
static void test_cmd_echo(void **state)
{
	const size_t total = 1 << 20;
	uint8_t *data = malloc(total), *rx = malloc(total);
	int fds = count_fds(), fin_sent = 0;
	uint64_t t0 = mono_ms();
	struct gconn g;
	uint32_t base;

	(void)state;
	assert_non_null(data);
	assert_non_null(rx);
	for (size_t i = 0; i < total; i++)
		data[i] = (uint8_t)(i * 5 + (i >> 10));
	g_cmd_init(&g, CMD_ECHO_PORT);
	g.rx = rx;
	g.rxcap = total;
	g_connect(&g);
	assert_int_equal(tcp_count(c), 1);
	assert_int_equal(count_fds(), fds + 1);
	base = g.snd_una;
	while (!g.fin) {
		uint32_t rcv = g.rcv_nxt;
		int sent;

		assert_true(mono_ms() - t0 < 30000);	/* no stall */
		assert_false(g.rst);
		sent = g_send_window(&g, data, base, total);
		if (!fin_sent && g.snd_una == base + total) {
			g_send(&g, F_ACK | F_FIN, NULL, 0);
			fin_sent = sent = 1;
		}
		if (!pump(0))
			pump(1);
		g_drain(&g);
		if (g.rcv_nxt != rcv)
			g_send(&g, F_ACK, NULL, 0);
		else if (!sent)
			advance(100);		/* delayed ACKs, window */
		g_drain(&g);
		/* something was dropped: go back, as a guest would */
		if (!fin_sent && (g.dupacks >= 3 ||
				  (!sent && g.snd_nxt != g.snd_una))) {
			g.snd_nxt = g.snd_una;
			g.dupacks = 0;
		}
	}
	assert_int_equal(g.rxlen, total);
	assert_memory_equal(rx, data, total);
	assert_int_equal(g.snd_una, g.snd_nxt);		/* our FIN acked */
	advance(3000);
	assert_int_equal(tcp_count(c), 0);
	assert_int_equal(count_fds(), fds);
	free(data);
	free(rx);
}

/*
 * A command that writes and exits at once: the SYN-ACK comes with no
 * wait, the output arrives, then FIN; the guest closes its side too.
 */
static void test_cmd_output(void **state)
{
	int fds = count_fds();
	uint64_t t0 = mono_ms();
	struct gconn g;
	char buf[64];

	(void)state;
	g_cmd_init(&g, CMD_OUT_PORT);
	g.rx = (uint8_t *)buf;
	g.rxcap = sizeof(buf);
	g_send(&g, F_SYN, NULL, 0);
	assert_int_equal(cap_pending(), 1);	/* at once, no connect() */
	g_synack(&g);
	while (!g.fin) {
		uint32_t rcv = g.rcv_nxt;

		assert_true(mono_ms() - t0 < 10000);
		assert_false(g.rst);
		pump(5);
		g_drain(&g);
		if (g.rcv_nxt != rcv)
			g_send(&g, F_ACK, NULL, 0);
	}
	assert_int_equal(g.rxlen, 7);
	assert_memory_equal(buf, "cmd-out", 7);
	g_send(&g, F_ACK | F_FIN, NULL, 0);
	g_drain(&g);
	assert_int_equal(g.snd_una, g.snd_nxt);
	advance(3000);
	assert_int_equal(tcp_count(c), 0);
	assert_int_equal(count_fds(), fds);
}

/* Without the spawner, a connection to a command is refused (RST). */
static void test_cmd_no_spawner(void **state)
{
	struct gconn g;
	struct pseg s;

	(void)state;
	spawn_fini();
	g_cmd_init(&g, CMD_ECHO_PORT);
	g_send(&g, F_SYN, NULL, 0);
	assert_true(next_seg(&s));
	assert_true(g_mine(&g, &s));
	assert_true(s.flags & F_RST);
	assert_int_equal(s.ack, g.snd_nxt);
	assert_int_equal(tcp_count(c), 0);
	assert_int_equal(cap_pending(), 0);
}

static int mode_peek = 0, mode_fallback = 1, mode_tso = 2;

#define T(fn) \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, \
						 &mode_peek)
#define TF(fn) \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, \
						 &mode_fallback)
#define TC(fn, mode) \
	cmocka_unit_test_prestate_setup_teardown(fn, setup_cmd, \
						 teardown_cmd, &(mode))
#define TT(fn) \
	cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, \
						 &mode_tso)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_handshake),
		T(test_handshake_v6),
		T(test_guest_to_host),
		T(test_guest_ignores_window),
		T(test_host_to_guest),
		T(test_retransmit),
		T(test_transport_full),
		T(test_zero_window),
		T(test_guest_fin),
		T(test_host_fin),
		T(test_guest_rst),
		T(test_host_rst),
		T(test_refused),
		T(test_unknown_flow),
		T(test_malformed),
		T(test_table_full),
		T(test_table_full_handshakes),
		T(test_table_full_closing),
		T(test_from_host),
		T(test_synack_retransmit),
		T(test_push_flush),
		T(test_linger_reuse),
		T(test_no_fd_leak),
		T(test_fini),
		/* the same without SO_PEEK_OFF (kernels before 6.9) */
		TF(test_host_to_guest),
		TF(test_retransmit),
		TF(test_transport_full),
		TF(test_zero_window),
		TF(test_guest_fin),
		TF(test_host_fin),
		/* guestfwd commands, on unix sockets */
		TC(test_cmd_echo, mode_peek),
		TC(test_cmd_output, mode_peek),
		TC(test_cmd_no_spawner, mode_peek),
		TC(test_cmd_echo, mode_fallback),
		TC(test_cmd_output, mode_fallback),
		/* the same through a transport with TSO */
		TT(test_handshake),
		TT(test_handshake_v6),
		TT(test_guest_to_host),
		TT(test_host_to_guest),
		TT(test_tso),
		TT(test_defer),
		TT(test_retransmit),
		TT(test_transport_full),
		TT(test_zero_window),
		TT(test_guest_fin),
		TT(test_host_fin),
		TT(test_guest_rst),
		TT(test_host_rst),
		TT(test_from_host),
		TT(test_push_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
