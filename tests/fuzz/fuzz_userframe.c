// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_userframe.c - libFuzzer target for tapir-user's frame path:
 *		      eth_in() and everything below TCP (ARP, IPv4, IPv6,
 *		      UDP flows, ICMP echo, NDP, DHCPv4, DHCPv6, TFTP)
 *
 * TCP segments go to the real tcp_in() too (its own target,
 * fuzz_usertcp.c, goes deeper into it).
 *
 * An input is a sequence of frames, each a 2-byte big-endian length and
 * that many bytes (a last, short one takes what is left); at most
 * FUZZ_FRAMES of them are fed to eth_in(), each from a heap buffer of
 * exactly its length so that AddressSanitizer sees any read past it.
 * Bit 15 of the length (the rest is the length) sends the frame through
 * eth_in_vnet() instead, as a tap with IFF_VNET_HDR gives it: its first
 * bytes are then a virtio-net header (offload flags, TSO segments larger
 * than the MTU), and the transport takes offloads (c->tso) and ACKs wait
 * for the end of the loop iteration (c->defer, tcp_flush() after each
 * frame) until the next frame without.
 * Between frames the clock moves on, the module timers run, and host
 * socket events are handled, so flows are created, answered (ICMP errors,
 * ping replies on loopback, UDP echo servers on port 7 that also answer
 * with datagrams too big for the MTU), evicted and expired.  A frame's
 * last byte sometimes also sends it through a hostfwd listener
 * (udp_fwd_recv()) or retires that listener's flows (udp_fwd_gone()).
 *
 * The state lives across inputs, as it does in the program: the tables
 * are small (FUZZ_FLOWS flows), so they fill, evict and time out.  Every
 * frame sent to the guest is checked: Ethernet header from our MAC, a
 * length within the MTU, at least Ethernet's minimum; one with offloads
 * only while c->tso, only TCP with a partial checksum, each segment
 * within the MTU.
 *
 * LLVMFuzzerInitialize() moves the process into a network namespace of
 * its own with only loopback up, so no socket the code opens can reach
 * anything real; if that fails, restrict=on and no host loopback keep
 * every guest packet inside.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
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

#include "dhcp4.h"
#include "eth.h"
#include "icmp.h"
#include "inany.h"
#include "loop.h"
#include "fuzz_netns.h"
#include "log.h"
#include "nat.h"
#include "ndp.h"
#include "tcp.h"
#include "tftp.h"
#include "udp.h"
#include "user.h"

#define FUZZ_FRAMES	64
#define FUZZ_FLOWS	8

static struct user_opts fuzz_o;
static struct user_ctx fuzz_c;
static char fuzz_tftp_dir[64];
/* In our namespace: UDP echo servers on 127.0.0.1:7 and [::1]:7, and a
 * hostfwd listener on 127.0.0.1:5555 with a client socket */
static int fuzz_echo[2] = { -1, -1 };
static int fuzz_listen = -1, fuzz_client = -1;
static struct opts_fwd fuzz_rule = { .udp = 1, .guest_port = 5555 };

/* Check a frame to the guest, and read every byte of it */
static int fuzz_tx(struct user_ctx *c, const struct virtio_net_hdr *vh,
		   const struct iovec *iov, int n, size_t len)
{
	const uint8_t *h = iov[0].iov_base;
	size_t sum = 0, total = 0, i, max = USER_ETH_HLEN + c->o->mtu;
	volatile uint8_t x = 0;
	int k;

	if (vh) {
		/* TCP, the checksum left partial; segments within the MTU */
		if (!c->tso || vh->flags != VIRTIO_NET_HDR_F_NEEDS_CSUM ||
		    vh->csum_offset != 16 || vh->hdr_len > len ||
		    (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE &&
		     vh->hdr_len - USER_ETH_HLEN + vh->gso_size > c->o->mtu))
			abort();
		if (vh->gso_type != VIRTIO_NET_HDR_GSO_NONE)
			max = USER_ETH_HLEN + 65535;
	}
	if (n < 1 || iov[0].iov_len < 14 || memcmp(h + 6, c->mac, 6) ||
	    len < 60 || len > max)
		abort();
	for (k = 0; k < n; k++) {
		const uint8_t *p = iov[k].iov_base;

		for (i = 0; i < iov[k].iov_len; i++)
			sum += p[i];
		total += iov[k].iov_len;
	}
	if (total != len)
		abort();
	x = (uint8_t)sum;
	(void)x;
	return 0;
}

/* A UDP socket bound to loopback, port @port; -1 on failure */
static int fuzz_sock(int family, uint16_t port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_port = htons(port),
				  .sin_addr = { htonl(INADDR_LOOPBACK) } };
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (family == AF_INET ? bind(fd, (struct sockaddr *)&a4, sizeof(a4)) :
				bind(fd, (struct sockaddr *)&a6, sizeof(a6))) {
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
	int isolated = 0, fd;
	char path[96];

	(void)argc;
	(void)argv;
	log_init("fuzz-userframe", 0, 0);
	isolated = fuzz_netns_isolate();
	fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
	if (fd >= 0 && isolated) {
		if (write(fd, "0 2147483647", 12) < 0)
			fprintf(stderr, "cannot allow ping sockets\n");
	}
	if (fd >= 0)
		close(fd);

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
	strcpy(o->domainname, "example.org");
	strcpy(o->search[0], "a.example");
	o->nsearch = 1;
	strcpy(o->bootfile, "boot.img");
	o->ngfwd = 1;
	inet_pton(AF_INET, "10.0.2.100", &o->gfwd[0].addr);
	o->gfwd[0].port = 4321;
	strcpy(o->gfwd[0].target, "127.0.0.1:4321");
	o->mtu = 1500;
	o->flows_max = FUZZ_FLOWS;
	strcpy(fuzz_tftp_dir, "/tmp/tapir-fuzz-tftp.XXXXXX");
	if (mkdtemp(fuzz_tftp_dir)) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/boot.img", fuzz_tftp_dir);
		f = fopen(path, "w");
		if (f) {
			for (fd = 0; fd < 3000; fd++)
				fputc('a' + fd % 26, f);
			fclose(f);
		}
		strcpy(o->tftp, fuzz_tftp_dir);
	}
	if (!isolated) {
		o->restrict_ = 1;
		o->no_host_loopback = 1;
	}

	loop_ctx_init(c, o);
	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	c->now_ms = 1000;
	c->now = 1700000000;
	c->tx = fuzz_tx;
	inet_pton(AF_INET6, "::ffff:127.0.0.1", &c->resolver);
	if (c->epfd < 0 || nat_init(c) || tcp_init(c) || udp_init(c) ||
	    icmp_init(c) ||
	    dhcp4_init(c) || tftp_init(c))
		abort();
	ndp_init(c);
	if (isolated) {
		fuzz_echo[0] = fuzz_sock(AF_INET, 7);
		fuzz_echo[1] = fuzz_sock(AF_INET6, 7);
		fuzz_listen = fuzz_sock(AF_INET, 5555);
		fuzz_client = fuzz_sock(AF_INET, 0);
		fuzz_rule.guest = c->guest4;
	}
	return 0;
}

/* Send back what the echo servers got */
static void fuzz_echo_back(void)
{
	static uint8_t buf[65536];
	struct sockaddr_storage from;
	socklen_t fl;
	ssize_t n;
	int i, k;

	for (i = 0; i < 2; i++) {
		for (k = 0; k < 8 && fuzz_echo[i] >= 0; k++) {
			fl = sizeof(from);
			n = recvfrom(fuzz_echo[i], buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &fl);
			if (n < 0)
				break;
			/* twice: once as it came, once four times as big */
			sendto(fuzz_echo[i], buf, (size_t)n, 0,
			       (struct sockaddr *)&from, fl);
			sendto(fuzz_echo[i], buf,
			       (size_t)n * 4 < sizeof(buf) ? (size_t)n * 4 :
							     sizeof(buf),
			       0, (struct sockaddr *)&from, fl);
		}
	}
}

/* Now and then, a datagram through the hostfwd listener, or its end */
static void fuzz_hostfwd(struct user_ctx *c, const uint8_t *p, size_t len)
{
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons(5555),
				  .sin_addr = { htonl(INADDR_LOOPBACK) } };

	if (fuzz_listen < 0 || fuzz_client < 0 || !len)
		return;
	if ((p[len - 1] & 0x0f) == 1) {
		sendto(fuzz_client, p, len < 2048 ? len : 2048, 0,
		       (struct sockaddr *)&to, sizeof(to));
		udp_fwd_recv(c, fuzz_listen, &fuzz_rule);
	} else if ((p[len - 1] & 0x0f) == 2) {
		udp_fwd_gone(c, fuzz_listen);
	}
}

/* Handle whatever host sockets have ready, without waiting */
static void fuzz_pump(struct user_ctx *c)
{
	struct epoll_event ev[16];
	int n, i;

	n = epoll_wait(c->epfd, ev, 16, 0);
	for (i = 0; i < n; i++) {
		union user_ref ref = { .u64 = ev[i].data.u64 };

		if (ref.type == REF_UDP)
			udp_sock_event(c, ref.idx, ev[i].events);
		else if (ref.type == REF_ICMP)
			icmp_sock_event(c, ref.idx, ev[i].events);
		else if (ref.type == REF_TCP)
			tcp_sock_event(c, ref.idx, ev[i].events);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct user_ctx *c = &fuzz_c;
	size_t off = 0, len;
	uint8_t *frame;
	int k;

	for (k = 0; k < FUZZ_FRAMES && off + 2 <= size; k++) {
		int vnet = data[off] >> 7;

		len = (size_t)(data[off] & 0x7f) << 8 | data[off + 1];
		off += 2;
		if (len > size - off)
			len = size - off;
		frame = malloc(len ? len : 1);
		if (!frame)
			abort();
		memcpy(frame, data + off, len);
		off += len;
		c->tso = c->defer = vnet;
		if (vnet)
			eth_in_vnet(c, frame, len);
		else
			eth_in(c, frame, len);
		tcp_flush(c);
		fuzz_hostfwd(c, frame, len);
		free(frame);
		/* the clock: 0 to 12.75 s per frame, by its last byte */
		c->now_ms += len ? (uint64_t)data[off - 1] * 50 : 1;
		c->now = (int64_t)(c->now_ms / 1000) + 1700000000;
		fuzz_echo_back();
		fuzz_pump(c);
		tcp_timer(c);
		udp_timer(c);
		icmp_timer(c);
		if (udp_count(c) > FUZZ_FLOWS)
			abort();
	}
	return 0;
}
