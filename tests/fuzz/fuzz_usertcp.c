// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_usertcp.c - libFuzzer target for tapir-user's TCP engine
 *		    (user/tcp.c), driven with segments from the guest and
 *		    real host sockets on loopback
 *
 * An input is one byte of set-up, then records, each a 2-byte big-endian
 * length, a control byte and that many bytes of TCP segment (a last,
 * short one takes what is left); at most FUZZ_SEGS of them.  The set-up
 * byte picks the MTU (bits 0-1), whether SO_PEEK_OFF is used (bit 2),
 * whether the transport now and then refuses frames (bit 3), how many
 * times an "in window" segment with data is sent, each copy with the
 * next sequence number, as a guest sending in bulk would (bits 4-5: 1,
 * 4, 32 or 256 times; enough to fill a host socket's buffer and close
 * the window), whether the transport takes offloads (bit 6: c->tso,
 * segments of up to 64 KiB), and whether ACKs and sending wait for the
 * end of a loop iteration (bit 7: c->defer; a record, its copies
 * included, and each round of host socket events are then one
 * iteration, ended by tcp_flush()).  The control byte of a record:
 *
 *   bits 0-2	which four-tuple the segment belongs to (fuzz_tuples[]):
 *		connections to a listener on loopback (IPv4 and IPv6,
 *		through the host address and the DNS address), to a closed
 *		port, to an unreachable address, and a hostfwd one
 *   bit 3	"in window": the segment's sequence number is taken as an
 *		offset from the last acknowledgement the engine sent on the
 *		tuple, and its acknowledgement number as an offset from the
 *		engine's next sequence number, so that the fuzzer gets past
 *		sequence checks it cannot guess (ISNs are random)
 *   bits 4-5	how far the clock moves on afterwards (0, 0.1, 1, 12 s),
 *		the timers running every 100 ms of it
 *   bit 6	the host side acts: accepts connections, reads, writes
 *		2000 bytes to each, and with bit 7 closes one (every other
 *		time with a RST)
 *   bit 7	(without bit 6) a new hostfwd connection, tcp_from_host()
 *
 * Between records host socket events are handled.  Every frame the
 * engine sends is parsed back and checked: IP and TCP lengths within the
 * MTU, a correct TCP checksum; the number of flows never exceeds the
 * table.  A frame with offloads (only with c->tso) must describe itself
 * rightly in its virtio-net header, hold the pseudo-header sum in its
 * checksum field (which is then finished, as the guest's side would),
 * and be cut into segments that fit the MTU.  Each input starts with
 * tcp_init() and ends with tcp_fini(), and every host-side socket is
 * closed, so nothing carries over or leaks.
 *
 * LLVMFuzzerInitialize() moves the process into a network namespace of
 * its own with only loopback up, so no socket the code opens can reach
 * anything real; if that fails, restrict=on and no host loopback keep
 * every connection inside.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "csum.h"
#include "inany.h"
#include "loop.h"
#include "fuzz_netns.h"
#include "log.h"
#include "nat.h"
#include "pkt.h"
#include "tcp.h"
#include "user.h"

#define FUZZ_SEGS	64
#define FUZZ_FLOWS	6
#define FUZZ_HOST_FDS	16
#define FUZZ_TUPLES	8

/**
 * struct fuzz_tuple - a four-tuple the fuzzer's segments use
 * @v6:		IPv6
 * @ga:		guest address (text)
 * @gp:		guest port
 * @ra:		remote address (text)
 * @rp:		remote port
 * @nxt:	next sequence number the engine will send, as last seen
 * @ack:	last acknowledgement number the engine sent
 * @g:		@ga parsed
 * @r:		@ra parsed
 */
struct fuzz_tuple {
	int v6;
	const char *ga;
	uint16_t gp;
	const char *ra;
	uint16_t rp;
	uint32_t nxt, ack;
	struct in6_addr g, r;
};

static struct fuzz_tuple fuzz_tuples[FUZZ_TUPLES] = {
	{ 0, "10.0.2.15", 1000, "10.0.2.2", 80 },	/* the listener */
	{ 0, "10.0.2.15", 1001, "10.0.2.2", 80 },
	{ 0, "10.0.2.15", 1002, "10.0.2.2", 81 },	/* closed */
	{ 1, "fec0::15", 1003, "fec0::2", 80 },	/* IPv6 listener */
	{ 0, "10.0.2.15", 1004, "10.0.2.3", 53 },	/* DNS: the listener */
	{ 0, "10.0.2.15", 1005, "192.0.2.1", 80 },	/* unreachable */
	{ 0, "10.0.2.15", 22, "10.0.2.2", 2000 },	/* hostfwd */
	{ 0, "10.0.2.15", 1007, "10.0.2.2", 80 },
};

static struct user_opts fuzz_o;
static struct user_ctx fuzz_c;
static int fuzz_listen4 = -1, fuzz_listen6 = -1, fuzz_fwd_listen = -1;
static int fuzz_host[FUZZ_HOST_FDS];		/* sockets on the host side */
static unsigned int fuzz_nhost, fuzz_closes, fuzz_frames;
static int fuzz_tx_flaky;

/* fuzz_find() - the tuple a frame to the guest belongs to, or NULL */
static struct fuzz_tuple *fuzz_find(const struct in6_addr *src, uint16_t sp,
				    const struct in6_addr *dst, uint16_t dp)
{
	int i;

	for (i = 0; i < FUZZ_TUPLES; i++) {
		struct fuzz_tuple *t = &fuzz_tuples[i];

		if (t->gp == dp && t->rp == sp && inany_eq(&t->g, dst) &&
		    inany_eq(&t->r, src))
			return t;
	}
	return NULL;
}

/* Check a frame to the guest: lengths, checksum; note its numbers */
static int fuzz_tx(struct user_ctx *c, const struct virtio_net_hdr *vh,
		   const struct iovec *iov, int n, size_t len)
{
	static uint8_t f[USER_FRAME_MAX];
	size_t off = 0, l4len, hlen, mtu = c->o->mtu;
	struct in6_addr s, d;
	struct fuzz_tuple *t;
	uint8_t ph[40], fl;
	uint8_t *l4;
	uint32_t sum;
	int k;

	if (vh) {
		if (!c->tso || vh->flags != VIRTIO_NET_HDR_F_NEEDS_CSUM ||
		    vh->csum_offset != 16)
			abort();
		/* one segment within the MTU; the packet within 64 KiB */
		if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE) {
			if (vh->hdr_len - USER_ETH_HLEN + vh->gso_size > mtu)
				abort();
			mtu = 65535;
		}
	}
	if (len > sizeof(f) || (len > USER_ETH_HLEN + mtu && len > 60))
		abort();
	for (k = 0; k < n; k++) {
		if (off + iov[k].iov_len > sizeof(f))
			abort();
		memcpy(f + off, iov[k].iov_base, iov[k].iov_len);
		off += iov[k].iov_len;
	}
	if (off != len || len < 14)
		abort();
	if (pkt_get_u16(f + 12) == 0x0800) {
		size_t tot = pkt_get_u16(f + 16);

		if (f[23] != IPPROTO_TCP || tot > mtu || 14 + tot > len ||
		    tot < 40 || (vh && (vh->csum_start != 34 ||
				       (vh->gso_type &&
					vh->gso_type != VIRTIO_NET_HDR_GSO_TCPV4))))
			abort();
		s = inany_from4(*(struct in_addr *)(f + 26));
		d = inany_from4(*(struct in_addr *)(f + 30));
		l4 = f + 34;
		l4len = tot - 20;
		memcpy(ph, f + 26, 8);
		ph[8] = 0;
		ph[9] = IPPROTO_TCP;
		pkt_put_u16(ph + 10, (uint16_t)l4len);
		sum = csum_add(0, ph, 12);
	} else {
		l4len = pkt_get_u16(f + 18);
		if (pkt_get_u16(f + 12) != 0x86dd || f[20] != IPPROTO_TCP ||
		    40 + l4len > mtu || 54 + l4len > len || l4len < 20 ||
		    (vh && (vh->csum_start != 54 ||
			    (vh->gso_type &&
			     vh->gso_type != VIRTIO_NET_HDR_GSO_TCPV6))))
			abort();
		memcpy(&s, f + 22, 16);
		memcpy(&d, f + 38, 16);
		l4 = f + 54;
		memcpy(ph, f + 22, 32);
		pkt_put_u32(ph + 32, (uint32_t)l4len);
		memset(ph + 36, 0, 3);
		ph[39] = IPPROTO_TCP;
		sum = csum_add(0, ph, 40);
	}
	if (vh) {
		/* the field holds the pseudo-header sum: finish it */
		if (pkt_get_u16(l4 + 16) != (uint16_t)~csum_fold(sum))
			abort();
		pkt_put_u16(l4 + 16, 0);
		pkt_put_u16(l4 + 16, csum_fold(csum_add(sum, l4, l4len)));
	}
	if (csum_fold(csum_add(sum, l4, l4len)))
		abort();			/* a bad TCP checksum */
	hlen = (size_t)(l4[12] >> 4) * 4;
	if (hlen < 20 || hlen > l4len)
		abort();
	/* offloads only for data; segmentation only beyond one segment */
	if (vh && (vh->hdr_len != vh->csum_start + hlen || l4len == hlen ||
		   (vh->gso_type && l4len - hlen <= vh->gso_size)))
		abort();
	fl = l4[13];
	t = fuzz_find(&s, pkt_get_u16(l4), &d, pkt_get_u16(l4 + 2));
	if (t && !(fl & 0x04)) {
		t->nxt = pkt_get_u32(l4 + 4) + (uint32_t)(l4len - hlen) +
			 !!(fl & 0x02) + !!(fl & 0x01);
		if (fl & 0x10)
			t->ack = pkt_get_u32(l4 + 8);
	}
	fuzz_frames++;
	if (fuzz_tx_flaky && fuzz_frames % 7 == 0)
		return -EAGAIN;
	return 0;
}

/* A non-blocking TCP listener on loopback, port @port; -1 on failure */
static int fuzz_listener(int family, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int one = 1, small = 4096;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* small buffers, so windows fill and close */
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	if ((family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
				 bind(fd, (struct sockaddr *)&a6, sizeof(a6))) ||
	    listen(fd, 64)) {
		close(fd);
		return -1;
	}
	return fd;
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct user_opts *o = &fuzz_o;
	struct user_ctx *c = &fuzz_c;
	int isolated = 0, i;

	(void)argc;
	(void)argv;
	log_init("fuzz-usertcp", 0, 0);
	isolated = fuzz_netns_isolate();

	o->ipv4 = o->ipv6 = 1;
	inet_pton(AF_INET, "10.0.2.0", &o->net);
	inet_pton(AF_INET, "255.255.255.0", &o->mask);
	inet_pton(AF_INET, "10.0.2.2", &o->host);
	inet_pton(AF_INET, "10.0.2.3", &o->dns);
	inet_pton(AF_INET, "10.0.2.15", &o->dhcpstart);
	inet_pton(AF_INET6, "fec0::", &o->net6);
	o->net6_len = 64;
	inet_pton(AF_INET6, "fec0::2", &o->host6);
	inet_pton(AF_INET6, "fec0::3", &o->dns6);
	o->mtu = 1500;
	o->flows_max = FUZZ_FLOWS;
	if (!isolated) {
		o->restrict_ = 1;
		o->no_host_loopback = 1;
	}

	loop_ctx_init(c, o);
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->now_ms = 1000000;
	c->now = 1700000000;
	c->tx = fuzz_tx;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &c->resolver);
	c->resolver_port = 80;		/* DNS over TCP lands on the listener */
	if (c->epfd < 0 || nat_init(c))
		abort();
	for (i = 0; i < FUZZ_TUPLES; i++) {
		struct fuzz_tuple *t = &fuzz_tuples[i];

		if (t->v6) {
			inet_pton(AF_INET6, t->ga, &t->g);
			inet_pton(AF_INET6, t->ra, &t->r);
		} else {
			struct in_addr a;

			inet_pton(AF_INET, t->ga, &a);
			t->g = inany_from4(a);
			inet_pton(AF_INET, t->ra, &a);
			t->r = inany_from4(a);
		}
	}
	if (isolated) {
		fuzz_listen4 = fuzz_listener(AF_INET, 80);
		fuzz_listen6 = fuzz_listener(AF_INET6, 80);
		fuzz_fwd_listen = fuzz_listener(AF_INET, 2222);
	}
	return 0;
}

/* Handle whatever host sockets have ready, without waiting */
static void fuzz_pump(struct user_ctx *c)
{
	struct epoll_event ev[16];
	int n, i;

	n = epoll_wait(c->epfd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		union user_ref ref = { .u64 = ev[i].data.u64 };

		if (ref.type != REF_TCP)
			abort();
		tcp_sock_event(c, ref.idx, ev[i].events);
	}
	tcp_flush(c);
}

/* Keep a host-side socket, or close it if there are too many */
static void fuzz_keep(int fd)
{
	if (fd < 0)
		return;
	if (fuzz_nhost < FUZZ_HOST_FDS)
		fuzz_host[fuzz_nhost++] = fd;
	else
		close(fd);
}

/* The host side: accept, read, write, maybe close one */
static void fuzz_host_act(int close_one)
{
	static uint8_t buf[4096];
	unsigned int i;
	int fd;

	while (fuzz_listen4 >= 0 &&
	       (fd = accept4(fuzz_listen4, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		fuzz_keep(fd);
	while (fuzz_listen6 >= 0 &&
	       (fd = accept4(fuzz_listen6, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0)
		fuzz_keep(fd);
	for (i = 0; i < fuzz_nhost; i++) {
		while (recv(fuzz_host[i], buf, sizeof(buf), MSG_DONTWAIT) > 0)
			;
		memset(buf, 'h' + (int)i, sizeof(buf));
		send(fuzz_host[i], buf, 2000, MSG_DONTWAIT | MSG_NOSIGNAL);
	}
	if (close_one && fuzz_nhost) {
		fd = fuzz_host[0];
		if (fuzz_closes++ & 1) {
			struct linger l = { 1, 0 };

			setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
		}
		close(fd);
		fuzz_host[0] = fuzz_host[--fuzz_nhost];
	}
}

/* A hostfwd connection: a client connects, the accepted end goes to the
 * engine for the hostfwd tuple */
static void fuzz_from_host(struct user_ctx *c)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(2222),
				  .sin_addr = { htonl(INADDR_LOOPBACK) } };
	struct fuzz_tuple *t = &fuzz_tuples[6];
	int cl, fd;

	if (fuzz_fwd_listen < 0 || fuzz_nhost >= FUZZ_HOST_FDS)
		return;
	cl = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (cl < 0)
		return;
	if (connect(cl, (struct sockaddr *)&a4, sizeof(a4)) &&
	    errno != EINPROGRESS) {
		close(cl);
		return;
	}
	fuzz_keep(cl);
	fd = accept4(fuzz_fwd_listen, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0)
		tcp_from_host(c, fd, &t->r, t->rp, &t->g, t->gp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int mtus[4] = { 1500, 65520, 576, 1280 };
	static const unsigned int steps[4] = { 0, 1, 10, 120 };
	static const unsigned int bulk[4] = { 1, 4, 32, 256 };
	struct user_ctx *c = &fuzz_c;
	size_t off = 1, len, hlen = 0;
	unsigned int i, k, j, copies;
	uint8_t *seg, ctl;

	if (!size)
		return 0;
	fuzz_o.mtu = mtus[data[0] & 3];
	if (data[0] & 4)
		setenv("TAPIR_USER_TCP_NO_PEEK_OFF", "1", 1);
	else
		unsetenv("TAPIR_USER_TCP_NO_PEEK_OFF");
	fuzz_tx_flaky = !!(data[0] & 8);
	c->tso = !!(data[0] & 0x40);
	c->defer = !!(data[0] & 0x80);
	fuzz_frames = 0;
	if (tcp_init(c))
		abort();
	for (i = 0; i < FUZZ_TUPLES; i++)
		fuzz_tuples[i].nxt = fuzz_tuples[i].ack = 0;

	for (k = 0; k < FUZZ_SEGS && off + 3 <= size; k++) {
		struct fuzz_tuple *t;

		len = (size_t)data[off] << 8 | data[off + 1];
		ctl = data[off + 2];
		off += 3;
		if (len > size - off)
			len = size - off;
		t = &fuzz_tuples[ctl & 7];
		seg = malloc(len ? len : 1);
		if (!seg)
			abort();
		memcpy(seg, data + off, len);
		off += len;
		copies = 1;
		if ((ctl & 8) && len >= 12) {
			pkt_put_u32(seg + 4, t->ack + (uint32_t)(int16_t)
					     pkt_get_u16(seg + 6));
			pkt_put_u32(seg + 8, t->nxt + (uint32_t)(int16_t)
					     pkt_get_u16(seg + 10));
			hlen = len >= 13 ? (size_t)(seg[12] >> 4) * 4 : len;
			if (hlen >= 20 && hlen < len)
				copies = bulk[(data[0] >> 4) & 3];
		}
		if (len >= 4) {		/* the tuple's ports */
			pkt_put_u16(seg, t->gp);
			pkt_put_u16(seg + 2, t->rp);
		}
		for (j = 0; j < copies; j++) {
			tcp_in(c, &t->g, &t->r, seg, len);
			if (copies == 1)
				break;
			pkt_put_u32(seg + 4, pkt_get_u32(seg + 4) +
					     (uint32_t)(len - hlen));
			if (j % 32 == 31)
				fuzz_pump(c);
		}
		tcp_flush(c);
		free(seg);

		if (ctl & 0x40)
			fuzz_host_act(ctl & 0x80);
		else if (ctl & 0x80)
			fuzz_from_host(c);
		fuzz_pump(c);
		for (i = 0; i < steps[(ctl >> 4) & 3]; i++) {
			c->now_ms += 100;
			tcp_timer(c);
			if (!(i & 7))
				fuzz_pump(c);
		}
		c->now = (int64_t)(c->now_ms / 1000) + 1700000000;
		if (tcp_count(c) > FUZZ_FLOWS)
			abort();
	}
	for (i = 0; i < fuzz_nhost; i++)
		close(fuzz_host[i]);
	fuzz_nhost = 0;
	tcp_fini(c);
	if (tcp_count(c))
		abort();
	return 0;
}
