/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * user.h - the context every part of tapir-user shares
 *
 * Theory of operation
 *
 * tapir-user is one process with one thread and one epoll loop.  Frames
 * come from the guest through a transport (a tap in a network namespace,
 * QEMU's stream or dgram socket); eth_in() takes each one and hands it,
 * layer by layer, to the protocol that owns it (arp, ip, then tcp, udp,
 * icmp, ndp and the built-in services).  Those turn guest traffic into
 * ordinary host sockets - a guest TCP connection becomes a connect() on
 * the host, a UDP flow a connected UDP socket, an echo request a ping
 * socket - registered in the same epoll set.  What comes back from a host
 * socket is written to the guest as frames through eth_send(), which ends
 * in the transport's tx().
 *
 * Each epoll registration carries a union user_ref: the kind of thing the
 * fd is, and an index into that kind's own table.  The main loop
 * dispatches on the kind; nothing else is looked up.
 *
 * Addresses inside tapir-user are struct in6_addr throughout, IPv4 ones
 * as v4-mapped (::ffff:a.b.c.d): see inany.h.  Guest-side addresses are
 * those of the guest's network (opts.net, opts.net6); host-side ones are
 * what host sockets use.
 *
 * State is bounded: every table has a fixed size chosen at start-up
 * (opts.flows_max), and no path driven by guest traffic allocates memory.
 */
#ifndef TAPIR_USER_H
#define TAPIR_USER_H

#include <linux/virtio_net.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "opts.h"

/* Largest Ethernet frame QEMU sends on a stream socket (4096 + 65536). */
#define USER_FRAME_MAX		(4096 + 65536)
/* Ethernet header length */
#define USER_ETH_HLEN		14

/**
 * enum user_ref_type - what an fd in the epoll set is
 * @REF_TRANSPORT_LISTEN: the stream transport's listening socket
 * @REF_TRANSPORT:	the transport's data fd (tap, stream or dgram socket)
 * @REF_TCP:		host socket of TCP flow @idx
 * @REF_TCP_LISTEN:	hostfwd TCP listener @idx (fwd.c's table)
 * @REF_UDP:		host socket of UDP flow @idx
 * @REF_UDP_LISTEN:	hostfwd UDP socket @idx (fwd.c's table)
 * @REF_ICMP:		ping socket of ICMP flow @idx
 * @REF_CTL_LISTEN:	the control socket (--control)
 * @REF_CTL:		control connection @idx
 * @REF_TIMER:		the timerfd that drives every module's timers
 * @REF_SIGNAL:		the signalfd (SIGTERM, SIGINT, SIGCHLD)
 */
enum user_ref_type {
	REF_NONE,
	REF_TRANSPORT_LISTEN,
	REF_TRANSPORT,
	REF_TCP,
	REF_TCP_LISTEN,
	REF_UDP,
	REF_UDP_LISTEN,
	REF_ICMP,
	REF_CTL_LISTEN,
	REF_CTL,
	REF_TIMER,
	REF_SIGNAL,
};

/**
 * union user_ref - epoll_event.data of every registration
 * @type:	enum user_ref_type
 * @idx:	index in the owning module's table
 * @u64:	the whole, as stored in epoll_event.data.u64
 */
union user_ref {
	struct {
		uint32_t type;
		uint32_t idx;
	};
	uint64_t u64;
};

struct user_ctx;

/**
 * typedef user_tx_fn - write one frame to the guest
 * @c:		context
 * @vh:		what the transport is to finish, in virtio-net terms (native
 *		byte order): a checksum to complete, a TCP segment to cut
 *		(only with c->tso); NULL for a complete frame
 * @iov:	the frame in pieces, Ethernet header first
 * @iovcnt:	number of pieces
 * @len:	total length
 *
 * Return: 0, or -errno (-EAGAIN: the transport is full; the frame is
 * dropped, as a lossy link would, and TCP recovers)
 */
typedef int (*user_tx_fn)(struct user_ctx *c, const struct virtio_net_hdr *vh,
			  const struct iovec *iov, int iovcnt, size_t len);

/**
 * struct user_ctx - state shared by every module
 * @o:			options (read-only after start-up)
 * @epfd:		the epoll set
 * @now_ms:		monotonic time of this loop iteration, milliseconds
 * @now:		wall-clock time of this iteration, seconds (leases)
 * @mac:		our MAC, the gateway's (52:55 then the host address,
 *			as SLIRP)
 * @guest_mac:		the guest's MAC, learnt from its frames
 * @guest_mac_known:	a frame from the guest was seen
 * @guest4:		the guest's IPv4 address as last seen (starts as
 *			opts.dhcpstart)
 * @guest6:		the guest's global IPv6 address as last seen (SLAAC)
 * @guest6_ll:		the guest's link-local IPv6 address as last seen
 * @tx:			the transport's frame writer; NULL while no guest is
 *			connected (frames are then dropped)
 * @tx_arg:		the transport's state
 * @tso:		the transport takes offloads (@vh of c->tx): TCP
 *			frames of up to 64 KiB, cut to the MSS by the guest's
 *			side, and checksums left partial (a tap with a
 *			virtio-net header)
 * @defer:		inside loop_run(): replies that may wait for the end
 *			of the loop iteration do (tcp_flush()); 0 elsewhere
 *			(unit tests, fuzzers): at once
 * @host_loopback:	connections to the host address reach 127.0.0.1
 *			(not with restrict=on or --no-host-loopback)
 * @resolver:		first upstream DNS server, host side, v4-mapped or
 *			IPv6 (from /etc/resolv.conf); :: when none
 * @resolver_port:	its port (53)
 * @stat_rx, @stat_tx:	frames from and to the guest (counted where they
 *			are parsed and built: eth.c, ip.c, arp.c)
 * @stat_drop:		frames from the guest dropped as malformed or
 *			unsupported
 */
struct user_ctx {
	const struct user_opts *o;
	int epfd;
	uint64_t now_ms;
	int64_t now;
	uint8_t mac[6];
	uint8_t guest_mac[6];
	int guest_mac_known;
	struct in6_addr guest4;
	struct in6_addr guest6;
	struct in6_addr guest6_ll;
	user_tx_fn tx;
	void *tx_arg;
	int tso;
	int defer;
	int host_loopback;
	struct in6_addr resolver;
	uint16_t resolver_port;
	uint64_t stat_rx, stat_tx, stat_drop;
};

int user_epoll_add(struct user_ctx *c, int fd, uint32_t events,
		   enum user_ref_type type, uint32_t idx);
int user_epoll_mod(struct user_ctx *c, int fd, uint32_t events,
		   enum user_ref_type type, uint32_t idx);
void user_epoll_del(struct user_ctx *c, int fd);

#endif /* TAPIR_USER_H */
