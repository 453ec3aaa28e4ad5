// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tcp.c - the guest's TCP connections, carried by host sockets
 *
 * Theory of operation
 *
 * Every TCP connection of the guest is spliced onto one ordinary TCP
 * socket of the host.  We do not run a TCP stack with buffers of our own:
 * the two kernels (the guest's and the host's) keep all the data, and
 * this file only translates between the guest's segments and the host
 * socket's byte stream.  Each connection is a struct tcp_flow in a table
 * of opts.flows_max entries, allocated once in tcp_init(), and found by
 * a keyed hash (SipHash, random key) of its four-tuple:
 *
 *	gaddr:gport	the guest's end (a guest-network address)
 *	raddr:rport	the remote end as the guest sees it (what the guest
 *			connected to, or what nat_from_host() made of a
 *			hostfwd client)
 *
 * A flow is born from a guest SYN (tcp_in(): nat_to_host() says where it
 * goes, a non-blocking connect() follows) or from a connection a hostfwd
 * listener accepted (tcp_from_host(): we send the guest a SYN).
 *
 * A guest SYN to a guestfwd=...-cmd: server (nat_gfwd_cmd()) is served by
 * a command instead: spawn.c starts it on one end of a unix stream
 * socketpair and gives us the other, already connected, so the SYN-ACK
 * goes out at once.  Everything below works the same on that socket,
 * with SO_PEEK_OFF too (AF_UNIX streams have it); such a flow (F_UNIX)
 * only leaves out what TCP sockets alone have: TCP_NODELAY and MSG_MORE
 * are not used, and acknowledged bytes are dropped by reading them into
 * the discard buffer, since recv(MSG_TRUNC) does not discard on AF_UNIX.
 *
 * Two sequence spaces
 *
 * Guest -> host.  rcv_nxt is the next sequence number we expect from the
 * guest.  A segment whose payload starts at or before rcv_nxt and reaches
 * past it is written to the socket with send(MSG_DONTWAIT); we advance
 * rcv_nxt by what the socket took, and ACK exactly that.  What it did not
 * take, and every segment past rcv_nxt (a gap: something was lost), is
 * dropped and answered with a duplicate ACK, so the guest retransmits.
 * Data is therefore in exactly one place at any time: either still in the
 * guest's send queue, or in the host socket's.  The window we offer the
 * guest is the room left in the host socket's send buffer, three quarters
 * of SO_SNDBUF (which counts overhead, not bytes) minus SIOCOUTQ, rounded
 * to our window scale; under an MSS it is offered as zero (silly window
 * avoidance).  When the socket refused data, or the window we offered was
 * zero, we ask for EPOLLOUT, and send a window update once it drains (and
 * three duplicate ACKs if we dropped data, so the guest retransmits at
 * once instead of waiting for its RTO); the 100 ms timer checks too, in
 * case no wake-up comes.  ACKs are sent for every second segment, for PSH,
 * and at once for anything unusual; otherwise on the next timer tick.
 * Inside the loop (c->defer) the ACKs for every second segment and for
 * PSH wait for the end of the loop iteration, tcp_flush(), so that a
 * batch of frames read from the guest gets one ACK per flow, not one per
 * frame (with TSO, each frame may carry 64 KiB); data sent to the guest
 * in the meantime carries the ACK and makes it unnecessary.
 * The host socket has TCP_NODELAY, but takes the guest's segments with
 * MSG_MORE until one carries PSH or FIN: the guest's own stack marks the
 * end of each write that way, so the host kernel sends full-sized
 * segments (on loopback, 64 KiB) instead of one per guest segment, yet
 * never holds back the end of a write (the timer flushes, too).
 *
 * Host -> guest.  iss is our initial sequence number, snd_una the oldest
 * byte the guest has not acknowledged, snd_nxt the next we will send,
 * snd_max the highest we ever sent.  The bytes between snd_una and
 * snd_max are not copied anywhere: they stay in the host socket's receive
 * queue, which starts at snd_head (snd_head <= snd_una: acknowledged
 * bytes may wait there a little, see below).  We read them with
 * recv(MSG_PEEK), and SO_PEEK_OFF (TCP supports it since Linux 6.9) makes
 * the kernel remember how far we peeked, so each peek returns the bytes
 * from snd_nxt on: the peek offset is always snd_nxt - snd_head.  One
 * peek reads as much as the guest's window allows (into a static 256 KiB
 * buffer) and is cut into segments of the guest's MSS, each sent with
 * ip_send(); or, when the transport offloads (c->tso: a tap with a
 * virtio-net header), into frames of as many whole MSS as fit a 64 KiB
 * IP packet, sent with ip_send_tso(): the guest's kernel takes each as
 * one large segment, as if its own GRO had made it, and the payload is
 * never summed here (the checksum field gets the pseudo-header sum
 * only).  Either way the payload is copied once, from the socket into
 * tcp_buf, and written from there.
 * Acknowledged bytes are dropped from the kernel's queue with
 * recv(MSG_TRUNC), which copies nothing and moves the peek offset back by
 * as much; while the guest's window is what holds data back, that is
 * done in batches of 64 KiB, and otherwise at once (bytes left in the
 * queue close the window the host's peer sees, and nothing else would
 * wake us to drop them).  Without SO_PEEK_OFF (older kernels, or
 * TAPIR_USER_TCP_NO_PEEK_OFF set in the environment, for tests) each
 * peek reads from snd_head again, the bytes already sent landing in a
 * discard buffer, so acknowledged bytes are always dropped at once; EOF
 * then only shows once everything sent is acknowledged.
 *
 * The guest's window (scaled by the factor it announced in its SYN) bounds
 * snd_nxt - snd_una.  While it is full we drop EPOLLIN: a socket with
 * unread (if already sent) data is always readable, and would wake us for
 * nothing; the guest's next ACK opens the window and sends more at once.
 * Host sockets are registered edge-triggered for the same reason: once
 * everything queued has been sent, readiness of already-peeked bytes must
 * not wake us; a new arrival does.  If the transport to the guest is full
 * (-EAGAIN), sending stops where it failed, the peek offset is set back
 * to that point, and the next ACK or timer tick carries on.  An ACK that
 * opens the window sends more at once, or, inside the loop, at the end
 * of the iteration (tcp_flush()): the guest's ACKs for a batch of frames
 * then make one peek, not one each.
 *
 * Retransmission.  One RTO per flow, computed as in RFC 6298 from one
 * timed segment at a time (never a retransmitted one), starting at 1 s,
 * never under 200 ms, doubled on every expiry.  On expiry, or on three
 * duplicate ACKs, snd_nxt goes back to snd_una, the peek offset with it,
 * and everything is sent again (go-back-N: the guest is on a virtual link, a
 * loss there is the transport being full, and it comes in bursts).
 * After eight unanswered retries the flow is reset on both sides.  A zero
 * window with nothing in flight is probed the way Linux does: an ACK with
 * sequence snd_una - 1, which the guest must answer with its window.
 *
 * Validation.  Acknowledgements beyond snd_max, or further back than the
 * largest window the guest ever offered, are answered with an ACK and
 * dropped (RFC 5961 5.2).  A RST is accepted only with exactly rcv_nxt as
 * its sequence number; one elsewhere in the window gets a challenge ACK;
 * so does a SYN on an established flow (RFC 5961 3, 4).  A segment for
 * no flow is answered with a RST (RFC 793), unless it is a RST itself.
 * Initial sequence numbers are a keyed hash of the four-tuple plus a
 * 4-microsecond clock (RFC 6528).
 *
 * Closing.  When a peek returns 0, the host sent EOF: once every byte
 * before it was sent, we send a FIN (snd_fin is its sequence number).
 * When the guest's FIN arrives in order, after all its data was written,
 * we shutdown(SHUT_WR) the socket, and the host's peer reads EOF; each
 * direction closes on its own, so half-closed connections work both ways.
 * When both FINs are done and ours is acknowledged, the socket is closed
 * (its queues are empty, so the host's peer sees an orderly close) and
 * the flow lingers for two seconds without a socket, to acknowledge a
 * retransmitted FIN; a new SYN on the same four-tuple, or a full table,
 * ends the linger early.  A RST from the guest closes the socket with
 * SO_LINGER {1, 0}, so the host's peer sees a RST too; a reset or an
 * error on the host socket sends the guest a RST.  Either way the flow is
 * freed at once.
 *
 * Bounded state.  The table is full when every entry is in use.  A new
 * connection (a SYN from the guest, or one a hostfwd listener accepted)
 * then takes the entry of a lingering flow if there is one, else that of
 * the oldest flow still in its handshake, which is reset on both sides.
 * That is a SYN cache's policy: a flood of half-open connections pushes
 * out its own oldest, and once it stops, a legitimate connection gets
 * through at once instead of after the handshake timeouts (the guest
 * must answer our SYN or SYN-ACK within 10 s, a connect() must complete
 * within 30 s).  Failing those, the oldest flow whose host side closed
 * and whose FIN the guest has not acknowledged gives way: a guest whose
 * listener's accept queue overflows may complete handshakes and then
 * drop them (Linux does, with SYN cookies), so a storm of connections to
 * it leaves flows that look established to us, until their clients
 * close and the guest does not answer our FIN.  Flows the guest answers
 * are never pushed out: when all of them are, a new connection is
 * refused (RST, or the accepted socket closed) and counted, so a flood
 * cannot take them down.  FIFO queues linked through the flows
 * (handshakes, closes, lingering flows; each oldest first) make finding
 * that entry take constant time.  No path allocates memory after
 * tcp_init().
 *
 * States:
 *
 *	FLOW_CONNECTING	guest SYN seen, host connect() in progress
 *	FLOW_SYN_RCVD	host connected, our SYN-ACK sent to the guest
 *	FLOW_SYN_SENT	tcp_from_host(): our SYN sent to the guest
 *	FLOW_ESTABLISHED data both ways; FINs tracked by flags
 *	FLOW_LINGER	both sides closed, socket gone, a short wait
 */
#include <errno.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "inany.h"
#include "ip.h"
#include "log.h"
#include "nat.h"
#include "pkt.h"
#include "spawn.h"
#include "tcp.h"

/* TCP header flags */
#define SEG_FIN		0x01
#define SEG_SYN		0x02
#define SEG_RST		0x04
#define SEG_PSH		0x08
#define SEG_ACK		0x10

/* Option kinds */
#define OPT_EOL		0
#define OPT_NOP		1
#define OPT_MSS		2
#define OPT_WS		3

#define TCP_HLEN		20
#define TCP_SYN_OPTLEN		8	/* MSS, NOP, window scale */
#define TCP_WS			8	/* our window scale */
#define TCP_WS_MAX		14	/* RFC 7323 2.3 */
#define TCP_WND_MAX		((uint32_t)65535 << TCP_WS)
#define TCP_MSS4_DEFAULT	536	/* RFC 9293 3.7.1 */
#define TCP_MSS6_DEFAULT	1220
#define TCP_MSS_MIN		64	/* smallest MSS a guest may ask for */

#define TCP_RTO_INIT		1000	/* ms */
#define TCP_RTO_MIN		200
#define TCP_RTO_MAX		60000
#define TCP_RETRIES		8
#define TCP_DUPACKS		3
#define TCP_HANDSHAKE_MS	10000
#define TCP_CONNECT_MS		30000
#define TCP_LINGER_MS		2000

/* Host -> guest: peek buffer, and the discard buffer without SO_PEEK_OFF */
#define TCP_BUF_SIZE		(256 * 1024)
#define TCP_DISCARD_SIZE	(64 * 1024)
#define TCP_DISCARD_IOV		256
/* Acknowledged bytes left in a socket's receive queue before dropping */
#define TCP_DROP_BATCH		(64 * 1024)
/* Flows whose ACK or sending may wait for tcp_flush() */
#define TCP_FLUSH_MAX		256

#define TCP_NONE		UINT32_MAX
/* Largest table: indices stay far below TCP_NONE */
#define TCP_FLOWS_LIMIT		(1u << 24)

/* The FIFO queue a flow is on (struct tcp_flow.queue) */
enum tcp_queue_id {
	Q_NONE = 0,
	Q_HANDSHAKE,		/* handshake not finished */
	Q_CLOSING,		/* host closed, our FIN not acknowledged */
	Q_LINGER,		/* closed, lingering */
	Q_COUNT,
};

enum tcp_flow_state {
	FLOW_FREE = 0,
	FLOW_CONNECTING,
	FLOW_SYN_RCVD,
	FLOW_SYN_SENT,
	FLOW_ESTABLISHED,
	FLOW_LINGER,
};

/* struct tcp_flow.flags */
#define F_V6		0x0001	/* an IPv6 flow */
#define F_WS_OK		0x0002	/* window scaling on, both ways */
#define F_GUEST_FIN	0x0004	/* guest's FIN taken, SHUT_WR done */
#define F_HOST_EOF	0x0008	/* the host socket returned EOF */
#define F_FIN_SENT	0x0010	/* our FIN was sent: snd_fin is valid */
#define F_FIN_ACKED	0x0020	/* ... and acknowledged */
#define F_WND_LIMITED	0x0040	/* the guest's window is full */
#define F_TX_BLOCKED	0x0080	/* the transport refused a frame */
#define F_SNDBUF_FULL	0x0100	/* the host socket refused guest data */
#define F_WND_ZERO	0x0200	/* we offered the guest a zero window */
#define F_DROPPED	0x0400	/* guest data dropped, not yet recovered */
#define F_ACK_PENDING	0x0800	/* a delayed ACK is due */
#define F_RTT		0x1000	/* a segment is being timed */
#define F_CORKED	0x2000	/* guest data written with MSG_MORE */
#define F_UNIX		0x4000	/* a guestfwd command's unix socket */
#define F_FLUSH		0x8000	/* on the list tcp_flush() goes through */
#define F_PUSH_DUE	0x10000	/* ... and tcp_push() is due there */

/**
 * struct tcp_flow - one connection
 * @gaddr:	guest address
 * @raddr:	remote address, as the guest sees it
 * @gport:	guest port
 * @rport:	remote port
 * @fd:		host socket, -1 if none
 * @state:	enum tcp_flow_state
 * @retries:	expiries of the retransmission timer since the last ACK
 * @dupacks:	duplicate ACKs in a row
 * @g_wscale:	guest's window scale
 * @unacked:	guest segments taken since our last ACK
 * @queue:	enum tcp_queue_id: the queue the flow is on
 * @flags:	F_*
 * @g_mss:	largest segment we send the guest
 * @events:	epoll events registered
 * @hnext:	next flow in the hash chain, or in the free list (index + 1)
 * @prev:	previous flow in use, TCP_NONE for the first
 * @next:	next flow in use, TCP_NONE for the last
 * @qprev:	previous (older) flow on @queue, TCP_NONE for the oldest
 * @qnext:	next (newer) flow on @queue, TCP_NONE for the newest
 * @iss:	our initial sequence number
 * @snd_una:	oldest unacknowledged sequence number (host -> guest)
 * @snd_nxt:	next sequence number to send
 * @snd_max:	highest sequence number sent
 * @snd_fin:	sequence number of our FIN (with F_FIN_SENT)
 * @snd_head:	sequence number of the first byte still in the socket's
 *		receive queue (acknowledged bytes are dropped in batches)
 * @snd_wl1:	guest sequence number of the last window update
 * @snd_wl2:	acknowledgement number of the last window update
 * @g_wnd:	guest's window, bytes
 * @g_wnd_max:	largest window the guest offered
 * @rcv_nxt:	next sequence number expected from the guest
 * @rcv_wnd:	window offered to the guest, bytes
 * @sndbuf:	SO_SNDBUF of the socket, as last read
 * @rto:	retransmission timeout, ms
 * @srtt:	smoothed round-trip time, ms << 3
 * @rttvar:	round-trip time variation, ms << 2
 * @rtt_seq:	the segment being timed ends here
 * @rtt_ts:	... and was sent then
 * @t_start:	when the handshake started
 * @deadline:	when the flow's timer expires, 0 if it is not running
 */
struct tcp_flow {
	struct in6_addr gaddr, raddr;
	uint16_t gport, rport;
	int fd;
	uint8_t state, retries, dupacks, g_wscale, unacked, queue;
	uint32_t flags;
	uint16_t g_mss;
	uint32_t events;
	uint32_t hnext, prev, next, qprev, qnext;
	uint32_t iss, snd_una, snd_nxt, snd_max, snd_fin, snd_head;
	uint32_t snd_wl1, snd_wl2, g_wnd, g_wnd_max;
	uint32_t rcv_nxt, rcv_wnd;
	uint32_t sndbuf;
	uint32_t rto, srtt, rttvar, rtt_seq;
	uint64_t rtt_ts, t_start, deadline;
};

/**
 * struct tcp_seg - a parsed segment from the guest
 * @sport:	source port
 * @dport:	destination port
 * @seq:	sequence number
 * @ack:	acknowledgement number
 * @flags:	SEG_*
 * @wnd:	window field, unscaled
 * @mss:	MSS option, 0 if none
 * @ws:		window scale option, -1 if none
 * @data:	payload
 * @dlen:	its length
 */
struct tcp_seg {
	uint16_t sport, dport;
	uint32_t seq, ack;
	uint8_t flags;
	uint16_t wnd;
	uint16_t mss;
	int ws;
	const uint8_t *data;
	size_t dlen;
};

/**
 * struct tcp_queue - flows in the order they joined, linked through
 *		      qprev and qnext
 * @head:	oldest, TCP_NONE if the queue is empty
 * @tail:	newest, TCP_NONE if the queue is empty
 * @n:		flows on the queue
 */
struct tcp_queue {
	uint32_t head, tail, n;
};

/**
 * struct tcp_table - the module's state
 * @flows:	the table
 * @hash:	hash buckets: first flow (index + 1), 0 for none
 * @nflows:	entries in @flows
 * @hmask:	buckets - 1
 * @hiwat:	entries from here on were never used
 * @free_head:	free list (index + 1), 0 if empty
 * @active:	first flow in use, TCP_NONE if none
 * @used:	flows in use
 * @q:		queues of flows that may give way to a new one when the
 *		table is full, by enum tcp_queue_id (Q_NONE unused)
 * @key:	hash key of the flow table
 * @isn_key:	hash key for initial sequence numbers
 * @peek_off:	SO_PEEK_OFF works on TCP sockets
 * @refused:	connections refused because the table was full
 * @evicted:	flows reset to make room for a new connection
 */
struct tcp_table {
	struct tcp_flow *flows;
	uint32_t *hash;
	uint32_t nflows, hmask, hiwat, free_head, active, used;
	struct tcp_queue q[Q_COUNT];
	uint64_t key[2], isn_key[2];
	int peek_off;
	uint64_t refused, evicted;
};

static struct tcp_table tcp;
static uint8_t tcp_buf[TCP_BUF_SIZE];
static uint8_t tcp_discard[TCP_DISCARD_SIZE];
/* Flows with an ACK or sending left to the end of the loop iteration */
static uint32_t tcp_flush_list[TCP_FLUSH_MAX];
static unsigned int tcp_nflush;

/* Sequence number comparisons, modulo 2^32 */
static inline int seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

static inline int seq_le(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) <= 0;
}

static inline int seq_gt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) > 0;
}

static inline int seq_ge(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) >= 0;
}

static inline uint32_t tcp_min(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

/* ---- hashing ---------------------------------------------------------- */

#define ROTL64(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

/**
 * tcp_sipround() - one SipHash round
 * @v:		state
 */
static void tcp_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = ROTL64(v[1], 13);
	v[1] ^= v[0];
	v[0] = ROTL64(v[0], 32);
	v[2] += v[3];
	v[3] = ROTL64(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = ROTL64(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = ROTL64(v[1], 17);
	v[1] ^= v[2];
	v[2] = ROTL64(v[2], 32);
}

/**
 * tcp_siphash() - SipHash-2-4 of whole 64-bit words
 * @k:		128-bit key
 * @m:		words
 * @n:		number of words
 *
 * Return: the hash
 */
static uint64_t tcp_siphash(const uint64_t k[2], const uint64_t *m, size_t n)
{
	uint64_t v[4] = {
		k[0] ^ 0x736f6d6570736575ULL, k[1] ^ 0x646f72616e646f6dULL,
		k[0] ^ 0x6c7967656e657261ULL, k[1] ^ 0x7465646279746573ULL,
	};
	uint64_t b = (uint64_t)(n * 8) << 56;
	size_t i;

	for (i = 0; i < n; i++) {
		v[3] ^= m[i];
		tcp_sipround(v);
		tcp_sipround(v);
		v[0] ^= m[i];
	}
	v[3] ^= b;
	tcp_sipround(v);
	tcp_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (i = 0; i < 4; i++)
		tcp_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/**
 * tcp_tuple_hash() - keyed hash of a four-tuple
 * @k:		key
 * @ga:		guest address
 * @gp:		guest port
 * @ra:		remote address
 * @rp:		remote port
 *
 * Return: the hash
 */
static uint64_t tcp_tuple_hash(const uint64_t k[2], const struct in6_addr *ga,
			       uint16_t gp, const struct in6_addr *ra,
			       uint16_t rp)
{
	uint64_t m[5];

	memcpy(&m[0], ga, 16);
	memcpy(&m[2], ra, 16);
	m[4] = (uint64_t)gp << 16 | rp;
	return tcp_siphash(k, m, 5);
}

/* ---- the table -------------------------------------------------------- */

static inline uint32_t tcp_idx(const struct tcp_flow *f)
{
	return (uint32_t)(f - tcp.flows);
}

static inline uint32_t tcp_bucket(const struct in6_addr *ga, uint16_t gp,
				  const struct in6_addr *ra, uint16_t rp)
{
	return (uint32_t)tcp_tuple_hash(tcp.key, ga, gp, ra, rp) & tcp.hmask;
}

/**
 * tcp_lookup() - find the flow of a four-tuple
 * @ga:		guest address
 * @gp:		guest port
 * @ra:		remote address
 * @rp:		remote port
 *
 * Return: the flow, or NULL
 */
static struct tcp_flow *tcp_lookup(const struct in6_addr *ga, uint16_t gp,
				   const struct in6_addr *ra, uint16_t rp)
{
	uint32_t i = tcp.hash[tcp_bucket(ga, gp, ra, rp)];

	while (i) {
		struct tcp_flow *f = &tcp.flows[i - 1];

		if (f->gport == gp && f->rport == rp &&
		    inany_eq(&f->gaddr, ga) && inany_eq(&f->raddr, ra))
			return f;
		i = f->hnext;
	}
	return NULL;
}

/**
 * tcp_hash_add() - put a flow, its tuple filled, in the hash table
 * @f:		flow
 */
static void tcp_hash_add(struct tcp_flow *f)
{
	uint32_t b = tcp_bucket(&f->gaddr, f->gport, &f->raddr, f->rport);

	f->hnext = tcp.hash[b];
	tcp.hash[b] = tcp_idx(f) + 1;
}

/**
 * tcp_hash_del() - take a flow out of the hash table
 * @f:		flow
 */
static void tcp_hash_del(struct tcp_flow *f)
{
	uint32_t b = tcp_bucket(&f->gaddr, f->gport, &f->raddr, f->rport);
	uint32_t *p = &tcp.hash[b], me = tcp_idx(f) + 1;

	while (*p) {
		if (*p == me) {
			*p = f->hnext;
			break;
		}
		p = &tcp.flows[*p - 1].hnext;
	}
	f->hnext = 0;
}

/**
 * tcp_q_del() - take a flow off the queue it is on, if any
 * @f:		flow
 */
static void tcp_q_del(struct tcp_flow *f)
{
	struct tcp_queue *q = &tcp.q[f->queue];

	if (f->queue == Q_NONE)
		return;
	if (f->qprev != TCP_NONE)
		tcp.flows[f->qprev].qnext = f->qnext;
	else
		q->head = f->qnext;
	if (f->qnext != TCP_NONE)
		tcp.flows[f->qnext].qprev = f->qprev;
	else
		q->tail = f->qprev;
	q->n--;
	f->queue = Q_NONE;
}

/**
 * tcp_q_add() - put a flow at the end (newest) of a queue
 * @f:		flow
 * @id:		Q_HANDSHAKE, Q_CLOSING or Q_LINGER
 *
 * A flow is on one queue at most: it leaves the one it was on.
 */
static void tcp_q_add(struct tcp_flow *f, enum tcp_queue_id id)
{
	struct tcp_queue *q = &tcp.q[id];
	uint32_t i = tcp_idx(f);

	tcp_q_del(f);
	f->queue = (uint8_t)id;
	f->qnext = TCP_NONE;
	f->qprev = q->tail;
	if (q->tail != TCP_NONE)
		tcp.flows[q->tail].qnext = i;
	else
		q->head = i;
	q->tail = i;
	q->n++;
}

/**
 * tcp_flow_free() - close a flow's socket and return it to the free list
 * @f:		flow
 *
 * Closing the socket also removes it from the epoll set.
 */
static void tcp_flow_free(struct tcp_flow *f)
{
	uint32_t i = tcp_idx(f);

	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	tcp_q_del(f);
	tcp_hash_del(f);
	if (f->prev != TCP_NONE)
		tcp.flows[f->prev].next = f->next;
	else
		tcp.active = f->next;
	if (f->next != TCP_NONE)
		tcp.flows[f->next].prev = f->prev;
	f->state = FLOW_FREE;
	f->hnext = tcp.free_head;
	tcp.free_head = i + 1;
	tcp.used--;
}

/**
 * tcp_flow_abort() - free a flow, its host peer seeing a RST
 * @f:		flow
 */
static void tcp_flow_abort(struct tcp_flow *f)
{
	struct linger l = { .l_onoff = 1, .l_linger = 0 };

	if (f->fd >= 0)
		setsockopt(f->fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
	tcp_flow_free(f);
}

static void tcp_reset(struct user_ctx *c, struct tcp_flow *f);

/**
 * tcp_make_room() - free an entry of a full table for a new connection
 * @c:		context
 *
 * The oldest lingering flow (already closed) gives way, or else the
 * oldest flow still in its handshake, or else the oldest whose FIN the
 * guest has not acknowledged, reset on both sides (see "Bounded state"
 * at the top of this file).  Other established flows never do.
 */
static void tcp_make_room(struct user_ctx *c)
{
	enum tcp_queue_id q = tcp.q[Q_HANDSHAKE].n ? Q_HANDSHAKE : Q_CLOSING;

	if (tcp.q[Q_LINGER].n) {
		tcp_flow_free(&tcp.flows[tcp.q[Q_LINGER].head]);
	} else if (tcp.q[q].n) {
		if (!tcp.evicted++)
			log_warn("tcp: flow table full (%u), resetting the "
				 "oldest half-open or unanswered connections",
				 tcp.nflows);
		tcp_reset(c, &tcp.flows[tcp.q[q].head]);
	}
}

/**
 * tcp_flow_alloc() - take a free entry
 * @c:		context
 *
 * Entries never used are handed out in order, so the table's memory is
 * only touched as far as it is needed.  When the table is full, a
 * lingering flow or a handshake gives way (tcp_make_room()).  The new
 * flow is a handshake: it joins the end of that queue.
 *
 * Return: the flow, zeroed but for fd -1 and its list links, or NULL if
 * the table is full of established flows
 */
static struct tcp_flow *tcp_flow_alloc(struct user_ctx *c)
{
	struct tcp_flow *f;
	uint32_t i;

	if (!tcp.free_head && tcp.hiwat >= tcp.nflows)
		tcp_make_room(c);
	if (tcp.free_head) {
		i = tcp.free_head - 1;
		tcp.free_head = tcp.flows[i].hnext;
	} else if (tcp.hiwat < tcp.nflows) {
		i = tcp.hiwat++;
	} else {
		return NULL;
	}
	f = &tcp.flows[i];
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->rto = TCP_RTO_INIT;
	f->t_start = c->now_ms;
	f->prev = TCP_NONE;
	f->next = tcp.active;
	if (tcp.active != TCP_NONE)
		tcp.flows[tcp.active].prev = i;
	tcp.active = i;
	tcp.used++;
	tcp_q_add(f, Q_HANDSHAKE);
	return f;
}

/* ---- segments to the guest -------------------------------------------- */

/**
 * tcp_mss_ours() - largest segment the guest may send us
 * @c:		context
 * @v6:		IPv6 flow
 *
 * Return: MTU minus the IP and TCP headers (at least 8)
 */
static uint16_t tcp_mss_ours(const struct user_ctx *c, int v6)
{
	size_t m = ip_payload_max(c, v6);

	m = m > TCP_HLEN + 8 ? m - TCP_HLEN : 8;
	return (uint16_t)(m > 65535 ? 65535 : m);
}

/**
 * tcp_build_send() - build one segment and send it to the guest
 * @c:		context
 * @src:	source address (the remote end)
 * @dst:	destination address (the guest)
 * @sport:	source port
 * @dport:	destination port
 * @seq:	sequence number
 * @ack:	acknowledgement number (sent as 0 without SEG_ACK)
 * @flags:	SEG_*
 * @wnd:	window field
 * @mss:	with SEG_SYN: MSS option value
 * @ws:		with SEG_SYN: window scale option value, -1 for none
 * @data:	payload, or NULL
 * @dlen:	its length
 * @tso:	with a payload and a transport that offloads (c->tso): the
 *		guest's MSS, at which the transport may cut @data, and
 *		the checksum is left for it to finish; 0 for a complete
 *		segment
 *
 * Return: 0, or ip_send()'s or ip_send_tso()'s -errno
 */
static int tcp_build_send(struct user_ctx *c, const struct in6_addr *src,
			  const struct in6_addr *dst, uint16_t sport,
			  uint16_t dport, uint32_t seq, uint32_t ack,
			  uint8_t flags, uint16_t wnd, uint16_t mss, int ws,
			  const uint8_t *data, size_t dlen, uint16_t tso)
{
	uint8_t h[TCP_HLEN + TCP_SYN_OPTLEN];
	size_t optlen = 0, hlen;
	struct iovec iov[2];
	struct pkt_wr w;
	uint16_t csum;
	int n = 1;

	if (flags & SEG_SYN)
		optlen = ws >= 0 ? 8 : 4;
	pkt_wr_init(&w, h, sizeof(h));
	pkt_wr_u16(&w, sport);
	pkt_wr_u16(&w, dport);
	pkt_wr_u32(&w, seq);
	pkt_wr_u32(&w, (flags & SEG_ACK) ? ack : 0);
	pkt_wr_u8(&w, (uint8_t)(((TCP_HLEN + optlen) / 4) << 4));
	pkt_wr_u8(&w, flags);
	pkt_wr_u16(&w, wnd);
	pkt_wr_u16(&w, 0);			/* checksum, below */
	pkt_wr_u16(&w, 0);			/* urgent pointer */
	if (optlen) {
		pkt_wr_u8(&w, OPT_MSS);
		pkt_wr_u8(&w, 4);
		pkt_wr_u16(&w, mss);
		if (ws >= 0) {
			pkt_wr_u8(&w, OPT_NOP);
			pkt_wr_u8(&w, OPT_WS);
			pkt_wr_u8(&w, 3);
			pkt_wr_u8(&w, (uint8_t)ws);
		}
	}
	hlen = w.off;
	iov[0].iov_base = h;
	iov[0].iov_len = hlen;
	if (dlen) {
		iov[1].iov_base = (void *)data;
		iov[1].iov_len = dlen;
		n = 2;
	}
	if (tso && dlen && c->tso) {
		struct ip_tso t = { .l4hlen = (uint16_t)hlen, .csum_off = 16,
				    .mss = tso };

		csum = ip_l4_csum_pseudo(src, dst, IPPROTO_TCP, hlen + dlen);
		memcpy(h + 16, &csum, 2);
		return ip_send_tso(c, src, dst, IPPROTO_TCP, iov, n,
				   hlen + dlen, &t);
	}
	csum = ip_l4_csum(src, dst, IPPROTO_TCP, iov, n, hlen + dlen);
	memcpy(h + 16, &csum, 2);
	return ip_send(c, src, dst, IPPROTO_TCP, iov, n, hlen + dlen);
}

/**
 * tcp_xmit() - send the guest one segment of a flow
 * @c:		context
 * @f:		flow
 * @seq:	sequence number
 * @flags:	SEG_*; with SEG_ACK, rcv_nxt and rcv_wnd are sent
 * @data:	payload, or NULL
 * @dlen:	its length
 *
 * A SYN carries our MSS, and our window scale in a SYN of ours or when
 * the guest's SYN offered scaling.  Every ACK sent clears a pending
 * delayed ACK.
 *
 * Return: 0, or ip_send()'s -errno
 */
static int tcp_xmit(struct user_ctx *c, struct tcp_flow *f, uint32_t seq,
		    uint8_t flags, const uint8_t *data, size_t dlen)
{
	uint32_t wnd = f->rcv_wnd;
	int ws = -1;

	if (flags & SEG_SYN) {
		if (!(flags & SEG_ACK) || (f->flags & F_WS_OK))
			ws = TCP_WS;
	} else if (f->flags & F_WS_OK) {
		wnd >>= TCP_WS;
	}
	if (flags & SEG_RST)
		wnd = 0;
	if (flags & SEG_ACK) {
		f->flags &= (uint32_t)~F_ACK_PENDING;
		f->unacked = 0;
		if (!(flags & SEG_RST) && !(f->flags & F_GUEST_FIN)) {
			if (f->rcv_wnd)
				f->flags &= (uint32_t)~F_WND_ZERO;
			else
				f->flags |= F_WND_ZERO;
		}
	}
	return tcp_build_send(c, &f->raddr, &f->gaddr, f->rport, f->gport,
			      seq, f->rcv_nxt, flags,
			      (uint16_t)tcp_min(wnd, 65535),
			      tcp_mss_ours(c, !!(f->flags & F_V6)), ws,
			      data, dlen, f->g_mss);
}

/**
 * tcp_rst_reply() - answer a segment that has no flow with a RST
 * @c:		context
 * @src:	the segment's source (the guest)
 * @dst:	its destination
 * @s:		the segment
 *
 * RFC 9293 3.10.7.1: the RST takes its sequence number from the
 * segment's ACK, or, without one, acknowledges the segment.  A RST is
 * never answered.
 */
static void tcp_rst_reply(struct user_ctx *c, const struct in6_addr *src,
			  const struct in6_addr *dst, const struct tcp_seg *s)
{
	uint32_t seq = 0, ack = 0;
	uint8_t flags = SEG_RST;

	if (s->flags & SEG_RST)
		return;
	if (s->flags & SEG_ACK) {
		seq = s->ack;
	} else {
		ack = s->seq + (uint32_t)s->dlen + !!(s->flags & SEG_SYN) +
		      !!(s->flags & SEG_FIN);
		flags |= SEG_ACK;
	}
	tcp_build_send(c, dst, src, s->dport, s->sport, seq, ack, flags, 0, 0,
		       -1, NULL, 0, 0);
}

/* ---- the host socket -------------------------------------------------- */

/**
 * tcp_sndbuf_read() - read SO_SNDBUF of a flow's socket
 * @f:		flow
 */
static void tcp_sndbuf_read(struct tcp_flow *f)
{
	socklen_t sl = sizeof(int);
	int v = 0;

	if (!getsockopt(f->fd, SOL_SOCKET, SO_SNDBUF, &v, &sl) && v > 0)
		f->sndbuf = (uint32_t)v;
}

/**
 * tcp_wnd_calc() - the window to offer the guest, from the host socket
 * @c:		context
 * @f:		flow
 *
 * Three quarters of the send buffer (SO_SNDBUF counts the kernel's
 * overhead too) minus what is queued (SIOCOUTQ); zero while the socket
 * refuses data, or when under one MSS (silly window avoidance).
 * SO_SNDBUF grows with autotuning, so it is read again whenever the queue
 * is over half of what we last saw.  After the guest's FIN the window no
 * longer matters and is left alone.
 */
static void tcp_wnd_calc(const struct user_ctx *c, struct tcp_flow *f)
{
	uint32_t lim, w = 0, mss;
	int outq = 0;

	if (f->fd < 0 || (f->flags & F_GUEST_FIN))
		return;
	if (!(f->flags & F_SNDBUF_FULL)) {
		if (ioctl(f->fd, SIOCOUTQ, &outq) || outq < 0)
			outq = 0;
		if (!f->sndbuf || (uint32_t)outq > f->sndbuf / 2)
			tcp_sndbuf_read(f);
		lim = f->sndbuf / 4 * 3;
		w = lim > (uint32_t)outq ? lim - (uint32_t)outq : 0;
		mss = tcp_mss_ours(c, !!(f->flags & F_V6));
		if (w < tcp_min(mss, lim / 2))
			w = 0;
	}
	if (f->flags & F_WS_OK) {
		w = tcp_min(w, TCP_WND_MAX);
		w &= ~(((uint32_t)1 << TCP_WS) - 1);
	} else {
		w = tcp_min(w, 65535);
	}
	f->rcv_wnd = w;
}

/**
 * tcp_send_ack() - send the guest an ACK with a fresh window
 * @c:		context
 * @f:		flow
 */
static void tcp_send_ack(struct user_ctx *c, struct tcp_flow *f)
{
	tcp_wnd_calc(c, f);
	tcp_xmit(c, f, f->snd_nxt, SEG_ACK, NULL, 0);
}

/**
 * tcp_reset() - reset a flow on both sides and free it
 * @c:		context
 * @f:		flow
 */
static void tcp_reset(struct user_ctx *c, struct tcp_flow *f)
{
	if (f->state == FLOW_CONNECTING)
		tcp_xmit(c, f, 0, SEG_RST | SEG_ACK, NULL, 0);
	else
		tcp_xmit(c, f, f->snd_nxt, SEG_RST | SEG_ACK, NULL, 0);
	tcp_flow_abort(f);
}

/**
 * tcp_sock_error() - pending error of a flow's socket
 * @f:		flow
 *
 * Return: the error (positive errno), 0 if none
 */
static int tcp_sock_error(const struct tcp_flow *f)
{
	socklen_t sl = sizeof(int);
	int e = 0;

	if (getsockopt(f->fd, SOL_SOCKET, SO_ERROR, &e, &sl))
		e = errno;
	return e;
}

/**
 * tcp_set_peek() - set the socket's peek offset to snd_nxt - snd_head
 * @f:		flow
 *
 * Our FIN is not in the socket's queue (it is sent again after the data
 * when peeking meets EOF), so the offset stops before it.
 */
static void tcp_set_peek(const struct tcp_flow *f)
{
	uint32_t end = f->snd_nxt;
	int off;

	if ((f->flags & F_FIN_SENT) && seq_gt(end, f->snd_fin))
		end = f->snd_fin;
	off = (int)(end - f->snd_head);

	if (tcp.peek_off && f->fd >= 0 &&
	    setsockopt(f->fd, SOL_SOCKET, SO_PEEK_OFF, &off, sizeof(off)))
		log_debug("tcp: SO_PEEK_OFF: %s", strerror(errno));
}

/**
 * tcp_uncork() - send what MSG_MORE held back in a flow's socket
 * @f:		flow
 *
 * Setting TCP_NODELAY (again) pushes pending frames out.
 */
static void tcp_uncork(struct tcp_flow *f)
{
	int one = 1;

	if (f->fd >= 0 && !(f->flags & F_UNIX))
		setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	f->flags &= (uint32_t)~F_CORKED;
}

/**
 * tcp_sock_setup() - options of a new host socket
 * @f:		flow, its fd set
 *
 * TCP_NODELAY: the guest's own stack already decided when to send (it
 * runs Nagle's algorithm itself), so the host socket follows the guest's
 * PSH flags instead: guest data is written with MSG_MORE (the kernel
 * keeps filling full-sized segments) until a segment with PSH or FIN
 * ends a guest write, and that one goes out at once with all before it.
 * The timer flushes what a guest left without PSH.  SO_PEEK_OFF 0 turns
 * peek offsets on: from now on peeking advances it.  A command's unix
 * socket (F_UNIX) has no Nagle to turn off.
 */
static void tcp_sock_setup(struct tcp_flow *f)
{
	int one = 1, zero = 0;

	if (!(f->flags & F_UNIX))
		setsockopt(f->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (tcp.peek_off)
		setsockopt(f->fd, SOL_SOCKET, SO_PEEK_OFF, &zero, sizeof(zero));
	tcp_sndbuf_read(f);
}

/**
 * tcp_epoll_update() - register the events a flow needs now
 * @c:		context
 * @f:		flow with a socket
 *
 * Edge-triggered always (see the top of this file).  EPOLLIN while the
 * host may send and the guest's window and the transport have room;
 * EPOLLOUT while connecting, and while we wait for room in the socket's
 * send buffer to offer the guest a window again.
 */
static void tcp_epoll_update(struct user_ctx *c, struct tcp_flow *f)
{
	uint32_t ev = EPOLLET | EPOLLRDHUP;

	if (f->fd < 0)
		return;
	if (f->state == FLOW_CONNECTING) {
		ev = EPOLLET | EPOLLOUT;
	} else if (f->state == FLOW_ESTABLISHED) {
		if (!(f->flags & (F_HOST_EOF | F_WND_LIMITED | F_TX_BLOCKED)))
			ev |= EPOLLIN;
		if (f->flags & (F_SNDBUF_FULL | F_WND_ZERO))
			ev |= EPOLLOUT;
	}
	if (ev != f->events &&
	    !user_epoll_mod(c, f->fd, ev, REF_TCP, tcp_idx(f)))
		f->events = ev;
}

/* ---- host -> guest ---------------------------------------------------- */

/**
 * tcp_discard_iov() - iovecs that read @len bytes into the discard buffer
 * @iov:	TCP_DISCARD_IOV entries
 * @len:	bytes, at most TCP_DISCARD_IOV * TCP_DISCARD_SIZE
 *
 * Return: entries used
 */
static int tcp_discard_iov(struct iovec *iov, size_t len)
{
	int cnt;

	for (cnt = 0; len; cnt++) {
		iov[cnt].iov_base = tcp_discard;
		iov[cnt].iov_len = len < TCP_DISCARD_SIZE ? len
							  : TCP_DISCARD_SIZE;
		len -= iov[cnt].iov_len;
	}
	return cnt;
}

/**
 * tcp_peek() - read data not yet sent to the guest, leaving it queued
 * @f:		flow
 * @want:	most bytes to read into tcp_buf
 *
 * With SO_PEEK_OFF, the kernel starts at snd_nxt by itself.  Without, the
 * bytes from snd_head to snd_nxt are peeked again into the discard buffer.
 *
 * Return: bytes read into tcp_buf; 0 at EOF (or, without SO_PEEK_OFF,
 * when there is nothing new); -errno (-EAGAIN: nothing to read)
 */
static ssize_t tcp_peek(struct tcp_flow *f, size_t want)
{
	struct iovec iov[TCP_DISCARD_IOV + 1];
	struct msghdr mh = { .msg_iov = iov };
	size_t skip = 0;
	ssize_t n;
	int cnt = 0;

	if (!tcp.peek_off) {
		skip = f->snd_nxt - f->snd_head;
		if (skip > (size_t)TCP_DISCARD_IOV * TCP_DISCARD_SIZE)
			return -EAGAIN;
		cnt = tcp_discard_iov(iov, skip);
	}
	iov[cnt].iov_base = tcp_buf;
	iov[cnt].iov_len = want;
	mh.msg_iovlen = (size_t)cnt + 1;
	n = recvmsg(f->fd, &mh, MSG_PEEK | MSG_DONTWAIT);
	if (n < 0)
		return -errno;
	if ((size_t)n <= skip)
		return 0;
	return n - (ssize_t)skip;
}

/**
 * tcp_seg_max() - most payload in one frame to the guest
 * @c:		context
 * @f:		flow
 *
 * Return: the guest's MSS; with TSO, as many whole MSS as fit a 64 KiB
 * IP packet (so that only the last segment of a burst is short)
 */
static size_t tcp_seg_max(const struct user_ctx *c, const struct tcp_flow *f)
{
	size_t max = ip_tso_max(c, !!(f->flags & F_V6));

	if (max < TCP_HLEN + (size_t)f->g_mss * 2)
		return f->g_mss;
	max -= TCP_HLEN;
	return max - max % f->g_mss;
}

/**
 * tcp_emit() - send bytes from tcp_buf as segments from snd_nxt
 * @c:		context
 * @f:		flow
 * @n:		bytes in tcp_buf
 *
 * Segments are at most the guest's MSS, or, with TSO, tcp_seg_max(); the
 * last one carries PSH.  The first new segment (never a retransmitted
 * one, RFC 6298 / Karn) is timed when no timing is running.
 *
 * Return: bytes sent; fewer than @n if the transport refused a frame
 */
static size_t tcp_emit(struct user_ctx *c, struct tcp_flow *f, size_t n)
{
	size_t off = 0, l, max = tcp_seg_max(c, f);
	uint8_t fl;
	int rc;

	while (off < n) {
		l = n - off < max ? n - off : max;
		fl = SEG_ACK | (off + l == n ? SEG_PSH : 0);
		rc = tcp_xmit(c, f, f->snd_nxt, fl, tcp_buf + off, l);
		if (rc == -EAGAIN || rc == -ENOBUFS)
			break;
		if (!(f->flags & F_RTT) && seq_ge(f->snd_nxt, f->snd_max)) {
			f->flags |= F_RTT;
			f->rtt_seq = f->snd_nxt + (uint32_t)l;
			f->rtt_ts = c->now_ms;
		}
		f->snd_nxt += (uint32_t)l;
		if (seq_gt(f->snd_nxt, f->snd_max))
			f->snd_max = f->snd_nxt;
		off += l;
	}
	return off;
}

/**
 * tcp_send_fin() - send our FIN, once every byte before it was sent
 * @c:		context
 * @f:		flow, the host socket at EOF
 */
static void tcp_send_fin(struct user_ctx *c, struct tcp_flow *f)
{
	f->flags |= F_HOST_EOF;
	if (!(f->flags & F_FIN_SENT)) {
		f->flags |= F_FIN_SENT;
		f->snd_fin = f->snd_nxt;
		tcp_q_add(f, Q_CLOSING);	/* until the guest ACKs it */
	}
	if (f->snd_nxt != f->snd_fin)
		return;
	if (tcp_xmit(c, f, f->snd_fin, SEG_FIN | SEG_ACK, NULL, 0) == -EAGAIN) {
		f->flags |= F_TX_BLOCKED;
		return;
	}
	f->snd_nxt = f->snd_fin + 1;
	if (seq_gt(f->snd_nxt, f->snd_max))
		f->snd_max = f->snd_nxt;
}

/**
 * tcp_read_discard() - read and throw away @n bytes of a socket
 * @fd:		socket
 * @n:		bytes
 *
 * For AF_UNIX streams, where recv(MSG_TRUNC) does not discard.
 *
 * Return: bytes read, or -1 with errno if none could be
 */
static ssize_t tcp_read_discard(int fd, size_t n)
{
	struct iovec iov[TCP_DISCARD_IOV];
	struct msghdr mh = { .msg_iov = iov };
	size_t done = 0, chunk;
	ssize_t r;

	while (done < n) {
		chunk = n - done;
		if (chunk > (size_t)TCP_DISCARD_IOV * TCP_DISCARD_SIZE)
			chunk = (size_t)TCP_DISCARD_IOV * TCP_DISCARD_SIZE;
		mh.msg_iovlen = (size_t)tcp_discard_iov(iov, chunk);
		r = recvmsg(fd, &mh, MSG_DONTWAIT);
		if (r < 0 && !done)
			return -1;
		if (r <= 0)
			break;
		done += (size_t)r;
		if ((size_t)r < chunk)
			break;
	}
	return (ssize_t)done;
}

/**
 * tcp_drop_acked() - drop acknowledged bytes from the socket's queue
 * @c:		context
 * @f:		flow
 * @all:	drop all of them, not only a full batch
 *
 * recv(MSG_TRUNC) discards without copying, and moves the peek offset
 * back by as much.  Batches of TCP_DROP_BATCH save a system call on most
 * ACKs while the guest's window is what holds data back; but bytes held
 * in the queue shrink the window the host's peer sees, so once the queue
 * has nothing more to send they all go.  Without SO_PEEK_OFF every peek
 * would read them again, so they go at once.  A command's unix socket
 * (F_UNIX) has them read into the discard buffer instead.
 *
 * Return: 0, or -1 if the flow was reset
 */
static int tcp_drop_acked(struct user_ctx *c, struct tcp_flow *f, int all)
{
	uint32_t end = f->snd_una, n;
	ssize_t r;

	if ((f->flags & F_FIN_SENT) && seq_gt(end, f->snd_fin))
		end = f->snd_fin;
	n = end - f->snd_head;
	if (!n || f->fd < 0 || (!all && tcp.peek_off && n < TCP_DROP_BATCH))
		return 0;
	if (f->flags & F_UNIX)
		r = tcp_read_discard(f->fd, n);
	else
		r = recv(f->fd, NULL, n, MSG_TRUNC | MSG_DONTWAIT);
	if (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
		tcp_reset(c, f);
		return -1;
	}
	if (r < 0)
		r = 0;
	if ((uint32_t)r != n)
		log_debug("tcp: flow %u: dropped %zd of %u bytes", tcp_idx(f),
			  r, n);
	f->snd_head += (uint32_t)r;
	return 0;
}

/**
 * tcp_timer_arm() - start an established flow's timer if it needs one
 * @c:		context
 * @f:		flow
 *
 * It runs while anything (data or FIN) is unacknowledged (retransmission)
 * or the guest's window is full (persist); a running timer is left alone.
 */
static void tcp_timer_arm(const struct user_ctx *c, struct tcp_flow *f)
{
	if (f->state != FLOW_ESTABLISHED || f->deadline)
		return;
	if (f->snd_una != f->snd_max || (f->flags & F_WND_LIMITED))
		f->deadline = c->now_ms + f->rto;
}

/**
 * tcp_push() - send the guest what the host socket has, as the guest's
 *		window allows
 * @c:		context
 * @f:		established flow
 *
 * Peeks as much as the window allows, in tcp_buf-sized batches, until
 * the socket has nothing more, the window is full (F_WND_LIMITED: EPOLLIN
 * is dropped until an ACK opens it) or the transport is full
 * (F_TX_BLOCKED: the peek offset goes back to the first byte not sent).
 * At EOF, the FIN follows the data.  A socket error resets the flow.
 */
static void tcp_push(struct user_ctx *c, struct tcp_flow *f)
{
	uint32_t inflight;
	size_t want, sent;
	ssize_t n;

	if (f->state != FLOW_ESTABLISHED || f->fd < 0)
		return;
	if ((f->flags & F_FIN_SENT) && seq_gt(f->snd_nxt, f->snd_fin))
		goto out;			/* everything sent, FIN too */
	f->flags &= (uint32_t)~(F_WND_LIMITED | F_TX_BLOCKED);
	for (;;) {
		inflight = f->snd_nxt - f->snd_una;
		if (inflight >= f->g_wnd) {
			f->flags |= F_WND_LIMITED;
			break;
		}
		want = tcp_min(f->g_wnd - inflight, TCP_BUF_SIZE);
		n = tcp_peek(f, want);
		if (n == -EAGAIN || n == -EWOULDBLOCK || n == -EINTR) {
			if (tcp_drop_acked(c, f, 1))
				return;
			break;
		}
		if (n < 0) {
			tcp_reset(c, f);
			return;
		}
		if (!n) {
			/* without SO_PEEK_OFF, EOF only shows with nothing
			 * in flight */
			if (tcp.peek_off || !inflight)
				tcp_send_fin(c, f);
			break;
		}
		sent = tcp_emit(c, f, (size_t)n);
		if (sent < (size_t)n) {
			f->flags |= F_TX_BLOCKED;
			tcp_set_peek(f);
			break;
		}
		/* a short read may have stopped at EOF: peek once more, an
		 * edge-triggered socket would not tell us again */
	}
out:
	tcp_timer_arm(c, f);
}

/**
 * tcp_defer() - leave an ACK, or sending, to the end of the loop
 *		 iteration (tcp_flush())
 * @c:		context
 * @f:		established flow; an ACK left is F_ACK_PENDING
 * @push:	tcp_push() is due as well
 *
 * Return: 1 if it was left; 0 if it must be done now: outside the loop
 * (c->defer unset: unit tests, fuzzers), or with the list full
 */
static int tcp_defer(const struct user_ctx *c, struct tcp_flow *f, int push)
{
	if (!c->defer)
		return 0;
	if (!(f->flags & F_FLUSH)) {
		if (tcp_nflush >= TCP_FLUSH_MAX)
			return 0;
		tcp_flush_list[tcp_nflush++] = tcp_idx(f);
		f->flags |= F_FLUSH;
	}
	if (push)
		f->flags |= F_PUSH_DUE;
	return 1;
}

/**
 * tcp_rewind() - send everything unacknowledged again
 * @c:		context
 * @f:		established flow
 */
static void tcp_rewind(struct user_ctx *c, struct tcp_flow *f)
{
	f->snd_nxt = f->snd_una;
	f->flags &= (uint32_t)~F_RTT;
	f->dupacks = 0;
	tcp_set_peek(f);
	tcp_push(c, f);
}

/**
 * tcp_rtt_sample() - take a round-trip time measurement (RFC 6298 2)
 * @f:		flow
 * @m:		the measurement, ms
 */
static void tcp_rtt_sample(struct tcp_flow *f, uint32_t m)
{
	int32_t err;
	uint32_t rto;

	if (m > TCP_RTO_MAX)
		m = TCP_RTO_MAX;
	if (!f->srtt) {
		f->srtt = (m << 3) | 1;		/* never 0 once measured */
		f->rttvar = m << 1;
	} else {
		err = (int32_t)m - (int32_t)(f->srtt >> 3);
		f->srtt = (uint32_t)((int32_t)f->srtt + err);
		if (err < 0)
			err = -err;
		err -= (int32_t)(f->rttvar >> 2);
		f->rttvar = (uint32_t)((int32_t)f->rttvar + err);
	}
	rto = (f->srtt >> 3) + f->rttvar;
	if (rto < TCP_RTO_MIN)
		rto = TCP_RTO_MIN;
	f->rto = tcp_min(rto, TCP_RTO_MAX);
}

/**
 * tcp_rto_reset() - the RTO after an acknowledgement: from the estimate,
 *		     or the initial value if there is none yet
 * @f:		flow
 */
static void tcp_rto_reset(struct tcp_flow *f)
{
	uint32_t rto = TCP_RTO_INIT;

	if (f->srtt) {
		rto = (f->srtt >> 3) + f->rttvar;
		if (rto < TCP_RTO_MIN)
			rto = TCP_RTO_MIN;
	}
	f->rto = tcp_min(rto, TCP_RTO_MAX);
}

/* ---- guest -> host ---------------------------------------------------- */

/**
 * tcp_parse() - parse a segment's header and options
 * @p:		the segment
 * @len:	its length
 * @s:		out
 *
 * Of the options, MSS and window scale are used; SACK-permitted and
 * timestamps are not, so not offered back.
 *
 * Return: 0, or -EINVAL if it is malformed
 */
static int tcp_parse(const uint8_t *p, size_t len, struct tcp_seg *s)
{
	struct pkt_rd r, o;
	uint16_t offfl;
	size_t hlen;

	pkt_rd_init(&r, p, len);
	s->sport = pkt_rd_u16(&r);
	s->dport = pkt_rd_u16(&r);
	s->seq = pkt_rd_u32(&r);
	s->ack = pkt_rd_u32(&r);
	offfl = pkt_rd_u16(&r);
	s->wnd = pkt_rd_u16(&r);
	pkt_rd_skip(&r, 4);			/* checksum, urgent pointer */
	hlen = (size_t)(offfl >> 12) * 4;
	if (!pkt_rd_ok(&r) || hlen < TCP_HLEN || hlen > len || !s->sport ||
	    !s->dport)
		return -EINVAL;
	s->flags = (uint8_t)(offfl & 0x3f);
	s->mss = 0;
	s->ws = -1;
	pkt_rd_init(&o, p + TCP_HLEN, hlen - TCP_HLEN);
	while (pkt_rd_left(&o)) {
		uint8_t kind = pkt_rd_u8(&o), olen;
		const uint8_t *v;

		if (kind == OPT_EOL)
			break;
		if (kind == OPT_NOP)
			continue;
		olen = pkt_rd_u8(&o);
		if (olen < 2)
			break;
		v = pkt_rd_ptr(&o, olen - 2U);
		if (!v)
			break;
		if (kind == OPT_MSS && olen == 4)
			s->mss = pkt_get_u16(v);
		else if (kind == OPT_WS && olen == 3)
			s->ws = v[0] > TCP_WS_MAX ? TCP_WS_MAX : v[0];
	}
	s->data = p + hlen;
	s->dlen = len - hlen;
	return 0;
}

/**
 * tcp_mss_guest() - the MSS to use toward the guest
 * @c:		context
 * @v6:		IPv6 flow
 * @opt:	the guest's MSS option, 0 if none
 *
 * Return: the option (or the RFC default without one), no more than our
 * MTU allows, no less than TCP_MSS_MIN unless the MTU is that small
 */
static uint16_t tcp_mss_guest(const struct user_ctx *c, int v6, uint16_t opt)
{
	uint16_t ours = tcp_mss_ours(c, v6), m;

	m = opt ? opt : (v6 ? TCP_MSS6_DEFAULT : TCP_MSS4_DEFAULT);
	if (m < TCP_MSS_MIN)
		m = TCP_MSS_MIN;
	return m < ours ? m : ours;
}

/**
 * tcp_isn() - an initial sequence number (RFC 6528)
 * @c:		context
 * @f:		flow, its tuple filled
 *
 * Return: a keyed hash of the four-tuple plus a 4-microsecond clock
 */
static uint32_t tcp_isn(const struct user_ctx *c, const struct tcp_flow *f)
{
	return (uint32_t)tcp_tuple_hash(tcp.isn_key, &f->gaddr, f->gport,
					&f->raddr, f->rport) +
	       (uint32_t)(c->now_ms * 250);
}

/**
 * tcp_guest_wnd() - take the window of a segment after the handshake
 * @f:		flow
 * @s:		segment, its ACK acceptable
 *
 * RFC 9293 3.10.7.4: only a segment newer than the last window update
 * (by sequence, then acknowledgement number) updates it.
 */
static void tcp_guest_wnd(struct tcp_flow *f, const struct tcp_seg *s)
{
	if (seq_lt(f->snd_wl1, s->seq) ||
	    (f->snd_wl1 == s->seq && seq_le(f->snd_wl2, s->ack))) {
		f->g_wnd = (uint32_t)s->wnd << f->g_wscale;
		if (f->g_wnd > f->g_wnd_max)
			f->g_wnd_max = f->g_wnd;
		f->snd_wl1 = s->seq;
		f->snd_wl2 = s->ack;
	}
}

/**
 * tcp_established() - the handshake completed
 * @c:		context
 * @f:		flow
 */
static void tcp_established(struct user_ctx *c, struct tcp_flow *f)
{
	f->state = FLOW_ESTABLISHED;
	tcp_q_del(f);			/* never pushed out of the table */
	f->snd_una = f->snd_head = f->iss + 1;
	if (seq_lt(f->snd_nxt, f->snd_una))
		f->snd_nxt = f->snd_una;
	if (!f->retries)
		tcp_rtt_sample(f, (uint32_t)(c->now_ms - f->t_start));
	else
		tcp_rto_reset(f);
	f->retries = 0;
	f->deadline = 0;
}

/**
 * tcp_acked() - the guest acknowledged new data up to @ack
 * @c:		context
 * @f:		flow
 * @ack:	the acknowledgement, after snd_una, at most snd_max
 *
 * Return: 0, or -1 if the flow was reset
 */
static int tcp_acked(struct user_ctx *c, struct tcp_flow *f, uint32_t ack)
{
	int jump = seq_lt(f->snd_nxt, ack);

	f->snd_una = ack;
	if ((f->flags & F_FIN_SENT) && seq_gt(ack, f->snd_fin)) {
		f->flags |= F_FIN_ACKED;
		tcp_q_del(f);
	}
	if (jump)	/* acknowledged beyond a rewind: skip ahead */
		f->snd_nxt = ack;
	/* batch only while tcp_push() follows, and will drop the rest
	 * once the queue is empty: held bytes close the host's window */
	if (tcp_drop_acked(c, f, !(f->flags & (F_WND_LIMITED | F_TX_BLOCKED)) ||
			   (f->flags & F_FIN_ACKED)))
		return -1;
	if (jump)
		tcp_set_peek(f);
	if ((f->flags & F_RTT) && seq_ge(ack, f->rtt_seq)) {
		f->flags &= (uint32_t)~F_RTT;
		tcp_rtt_sample(f, (uint32_t)(c->now_ms - f->rtt_ts));
	} else {
		tcp_rto_reset(f);
	}
	f->retries = 0;
	f->dupacks = 0;
	f->deadline = 0;
	return 0;
}

/**
 * tcp_ack_in() - the acknowledgement and window of a segment
 * @c:		context
 * @f:		established flow
 * @s:		segment, with SEG_ACK
 *
 * Return: 0 to go on with the segment's data, -1 if it was dropped or
 * the flow is gone
 */
static int tcp_ack_in(struct user_ctx *c, struct tcp_flow *f,
		      const struct tcp_seg *s)
{
	uint32_t ack = s->ack, maxwnd = f->g_wnd_max > 65535 ? f->g_wnd_max
							      : 65535;
	uint32_t old_wnd = f->g_wnd, old_una = f->snd_una;

	if (seq_gt(ack, f->snd_max) || seq_lt(ack, f->snd_una - maxwnd)) {
		tcp_send_ack(c, f);
		return -1;
	}
	if (seq_gt(ack, f->snd_una)) {
		if (tcp_acked(c, f, ack))
			return -1;
		tcp_guest_wnd(f, s);
	} else {
		tcp_guest_wnd(f, s);
		if (f->snd_una == f->snd_max) {
			f->retries = 0;		/* a probe was answered */
		} else if (ack == f->snd_una && !s->dlen &&
			   !(s->flags & SEG_FIN) && f->g_wnd == old_wnd &&
			   ++f->dupacks == TCP_DUPACKS) {
			tcp_rewind(c, f);
			return f->state == FLOW_FREE ? -1 : 0;
		}
	}
	/* with SO_PEEK_OFF, new host data wakes us up by itself: only a
	 * full window or transport held it back; without, EOF only shows
	 * once everything is acknowledged */
	if ((f->flags & (F_WND_LIMITED | F_TX_BLOCKED)) ||
	    (!tcp.peek_off && seq_gt(ack, old_una))) {
		if (!tcp_defer(c, f, 1))
			tcp_push(c, f);
	} else {
		tcp_timer_arm(c, f);
	}
	return f->state == FLOW_FREE ? -1 : 0;
}

/**
 * tcp_data_in() - write the guest's payload to the host socket
 * @c:		context
 * @f:		established flow
 * @s:		segment
 *
 * Only the part starting at rcv_nxt is written, and only what the socket
 * takes is acknowledged; the rest is dropped with a duplicate ACK.  A FIN
 * right after the data shuts down the socket's sending side.
 */
static void tcp_data_in(struct user_ctx *c, struct tcp_flow *f,
			const struct tcp_seg *s)
{
	int fin = !!(s->flags & SEG_FIN);
	const uint8_t *d = s->data;
	size_t dlen = s->dlen, skip;
	ssize_t n = 0;

	if (!dlen && !fin)
		return;
	if ((f->flags & F_GUEST_FIN) || seq_gt(s->seq, f->rcv_nxt)) {
		tcp_send_ack(c, f);		/* old, or after a gap */
		return;
	}
	skip = f->rcv_nxt - s->seq;
	if (skip > dlen || (skip == dlen && !fin)) {
		tcp_send_ack(c, f);		/* all seen before */
		return;
	}
	d += skip;
	dlen -= skip;
	if (dlen) {
		int more = !(s->flags & SEG_PSH) && !fin &&
			   !(f->flags & F_UNIX) ? MSG_MORE : 0;

		n = send(f->fd, d, dlen, MSG_DONTWAIT | MSG_NOSIGNAL | more);
		if (more)
			f->flags |= F_CORKED;
		else
			f->flags &= (uint32_t)~F_CORKED;
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK &&
			    errno != ENOBUFS && errno != EINTR) {
				tcp_reset(c, f);
				return;
			}
			n = 0;
		}
		f->rcv_nxt += (uint32_t)n;
		if ((size_t)n < dlen) {
			f->flags |= F_SNDBUF_FULL | F_DROPPED;
			tcp_send_ack(c, f);
			return;
		}
	}
	if (fin) {
		f->rcv_nxt++;
		shutdown(f->fd, SHUT_WR);
		f->flags |= F_GUEST_FIN;
		f->flags &= (uint32_t)~(F_SNDBUF_FULL | F_WND_ZERO | F_DROPPED);
		tcp_send_ack(c, f);
		return;
	}
	if (((s->flags & SEG_PSH) || ++f->unacked >= 2) &&
	    !tcp_defer(c, f, 0))
		tcp_send_ack(c, f);
	else
		f->flags |= F_ACK_PENDING;
}

/**
 * tcp_check_done() - close a flow whose both directions are finished
 * @c:		context
 * @f:		flow
 *
 * Both FINs are through, and ours is acknowledged: the socket's queues
 * are empty, so close() is an orderly close on the host.  The flow
 * lingers briefly, to acknowledge a retransmitted FIN.
 */
static void tcp_check_done(struct user_ctx *c, struct tcp_flow *f)
{
	if (f->state != FLOW_ESTABLISHED ||
	    (f->flags & (F_GUEST_FIN | F_FIN_ACKED)) !=
	    (F_GUEST_FIN | F_FIN_ACKED))
		return;
	if (tcp_drop_acked(c, f, 1))
		return;
	close(f->fd);
	f->fd = -1;
	f->state = FLOW_LINGER;
	f->flags &= (uint32_t)~F_ACK_PENDING;
	tcp_q_add(f, Q_LINGER);
	f->deadline = c->now_ms + TCP_LINGER_MS;
}

/**
 * tcp_in_established() - a segment for an established flow
 * @c:		context
 * @f:		flow
 * @s:		segment
 */
static void tcp_in_established(struct user_ctx *c, struct tcp_flow *f,
			       const struct tcp_seg *s)
{
	if (s->flags & SEG_RST) {
		if (s->seq == f->rcv_nxt)
			tcp_flow_abort(f);
		else if (seq_ge(s->seq, f->rcv_nxt) &&
			 seq_lt(s->seq, f->rcv_nxt + (f->rcv_wnd > 65535 ?
						       f->rcv_wnd : 65535)))
			tcp_send_ack(c, f);	/* challenge ACK */
		return;
	}
	if (s->flags & SEG_SYN) {
		tcp_send_ack(c, f);		/* challenge ACK */
		return;
	}
	if (!(s->flags & SEG_ACK))
		return;
	if (tcp_ack_in(c, f, s))
		return;
	tcp_data_in(c, f, s);
}

/**
 * tcp_connected() - the host connect() completed, or a command's socket
 *		     is there: SYN-ACK to the guest
 * @c:		context
 * @f:		flow in FLOW_CONNECTING, or new (tcp_cmd_open())
 */
static void tcp_connected(struct user_ctx *c, struct tcp_flow *f)
{
	f->state = FLOW_SYN_RCVD;
	f->snd_nxt = f->snd_max = f->iss + 1;
	f->t_start = c->now_ms;
	f->retries = 0;
	tcp_sndbuf_read(f);
	tcp_wnd_calc(c, f);
	tcp_xmit(c, f, f->iss, SEG_SYN | SEG_ACK, NULL, 0);
	f->deadline = c->now_ms + f->rto;
	tcp_epoll_update(c, f);
}

/**
 * tcp_cmd_open() - a new flow to a guestfwd= command: start it
 * @c:		context
 * @f:		flow, its tuple and the guest's SYN taken
 * @rule:	the cmd: rule (opts.gfwd)
 *
 * The command's socket is connected from the start: the SYN-ACK goes to
 * the guest at once.
 *
 * Return: 0, or -errno (the flow is the caller's to free)
 */
static int tcp_cmd_open(struct user_ctx *c, struct tcp_flow *f,
			unsigned int rule)
{
	int rc;

	rc = spawn_cmd(rule);
	if (rc < 0)
		goto out;
	f->fd = rc;
	f->flags |= F_UNIX;
	tcp_sock_setup(f);
	f->events = EPOLLET | EPOLLRDHUP;
	rc = user_epoll_add(c, f->fd, f->events, REF_TCP, tcp_idx(f));
	if (rc)
		goto out;
	tcp_connected(c, f);
out:
	return rc;
}

/**
 * tcp_connect() - a SYN from the guest for a new flow: connect on the host
 * @c:		context
 * @src:	guest address
 * @dst:	remote address, as the guest sees it
 * @s:		the SYN
 *
 * Refused destinations and a full table are answered with a RST.  The
 * connect() is non-blocking; its completion (EPOLLOUT) sends the SYN-ACK.
 * A guestfwd= command is started instead (tcp_cmd_open()).
 */
static void tcp_connect(struct user_ctx *c, const struct in6_addr *src,
			const struct in6_addr *dst, const struct tcp_seg *s)
{
	struct sockaddr_storage sa;
	struct tcp_flow *f;
	socklen_t sl = 0;
	int rc, cmd;

	cmd = nat_gfwd_cmd(c, dst, s->dport);
	if (cmd < 0 && nat_to_host(c, IPPROTO_TCP, dst, s->dport, &sa, &sl)) {
		tcp_rst_reply(c, src, dst, s);
		return;
	}
	f = tcp_flow_alloc(c);
	if (!f) {
		if (!tcp.refused++)
			log_warn("tcp: flow table full (%u), refusing new "
				 "connections", tcp.nflows);
		tcp_rst_reply(c, src, dst, s);
		return;
	}
	f->gaddr = *src;
	f->gport = s->sport;
	f->raddr = *dst;
	f->rport = s->dport;
	if (!inany_is4(src))
		f->flags |= F_V6;
	f->rcv_nxt = s->seq + 1;
	f->snd_wl1 = s->seq;
	f->g_mss = tcp_mss_guest(c, !!(f->flags & F_V6), s->mss);
	if (s->ws >= 0) {
		f->flags |= F_WS_OK;
		f->g_wscale = (uint8_t)s->ws;
	}
	f->g_wnd = f->g_wnd_max = s->wnd;
	f->iss = tcp_isn(c, f);
	f->snd_una = f->snd_nxt = f->snd_max = f->iss;
	f->snd_wl2 = f->iss;
	tcp_hash_add(f);

	if (cmd >= 0) {
		rc = tcp_cmd_open(c, f, (unsigned int)cmd);
		if (!rc)
			return;
		errno = -rc;
		goto fail;
	}
	f->fd = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		       IPPROTO_TCP);
	if (f->fd < 0)
		goto fail;
	tcp_sock_setup(f);
	f->state = FLOW_CONNECTING;
	f->deadline = c->now_ms + TCP_CONNECT_MS;
	if (connect(f->fd, (struct sockaddr *)&sa, sl) && errno != EINPROGRESS)
		goto fail;
	f->events = EPOLLET | EPOLLOUT;
	if (user_epoll_add(c, f->fd, f->events, REF_TCP, tcp_idx(f)))
		goto fail;
	return;
fail:
	log_debug("tcp: connect: %s", strerror(errno));
	tcp_rst_reply(c, src, dst, s);
	tcp_flow_free(f);
}

/**
 * tcp_in_syn_rcvd() - a segment while our SYN-ACK waits for its ACK
 * @c:		context
 * @f:		flow
 * @s:		segment
 */
static void tcp_in_syn_rcvd(struct user_ctx *c, struct tcp_flow *f,
			    const struct tcp_seg *s)
{
	if (s->flags & SEG_RST) {
		if (s->seq == f->rcv_nxt)
			tcp_flow_abort(f);
		return;
	}
	if (s->flags & SEG_SYN) {
		if (!(s->flags & SEG_ACK) && s->seq + 1 == f->rcv_nxt)
			tcp_xmit(c, f, f->iss, SEG_SYN | SEG_ACK, NULL, 0);
		return;
	}
	if (!(s->flags & SEG_ACK))
		return;
	if (s->ack != f->iss + 1) {
		tcp_rst_reply(c, &f->gaddr, &f->raddr, s);
		return;
	}
	tcp_established(c, f);
	f->g_wnd = 0;
	f->snd_wl1 = s->seq - 1;		/* take this segment's window */
	if (tcp_ack_in(c, f, s))
		return;
	tcp_data_in(c, f, s);
	if (f->state == FLOW_ESTABLISHED)
		tcp_push(c, f);
}

/**
 * tcp_in_syn_sent() - a segment while our SYN (hostfwd) waits for the
 *		       guest's SYN-ACK
 * @c:		context
 * @f:		flow
 * @s:		segment
 */
static void tcp_in_syn_sent(struct user_ctx *c, struct tcp_flow *f,
			    const struct tcp_seg *s)
{
	if ((s->flags & SEG_ACK) && s->ack != f->iss + 1) {
		tcp_rst_reply(c, &f->gaddr, &f->raddr, s);
		return;
	}
	if (s->flags & SEG_RST) {
		if (s->flags & SEG_ACK)		/* the guest refused */
			tcp_flow_abort(f);
		return;
	}
	if ((s->flags & (SEG_SYN | SEG_ACK)) != (SEG_SYN | SEG_ACK))
		return;
	f->rcv_nxt = s->seq + 1;
	f->g_mss = tcp_mss_guest(c, !!(f->flags & F_V6), s->mss);
	if (s->ws >= 0) {
		f->flags |= F_WS_OK;
		f->g_wscale = (uint8_t)s->ws;
	}
	f->g_wnd = f->g_wnd_max = s->wnd;	/* never scaled in a SYN */
	f->snd_wl1 = s->seq;
	f->snd_wl2 = s->ack;
	tcp_established(c, f);
	tcp_send_ack(c, f);
	tcp_push(c, f);
}

/**
 * tcp_in_linger() - a segment for a closed flow in its short linger
 * @c:		context
 * @f:		flow
 * @s:		segment
 */
static void tcp_in_linger(struct user_ctx *c, struct tcp_flow *f,
			  const struct tcp_seg *s)
{
	if (s->flags & SEG_RST)
		tcp_flow_free(f);
	else if (s->flags & SEG_FIN)
		tcp_xmit(c, f, f->snd_nxt, SEG_ACK, NULL, 0);
}

/**
 * tcp_in() - a TCP segment from the guest
 * @c:		context
 * @src:	source (the guest), v4-mapped for IPv4
 * @dst:	destination (the remote end, as the guest sees it)
 * @seg:	the segment; the IP layer checked its checksum
 * @len:	its length
 */
void tcp_in(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *seg, size_t len)
{
	struct tcp_flow *f;
	struct tcp_seg s;

	if (!tcp.flows || tcp_parse(seg, len, &s) ||
	    inany_is4(src) != inany_is4(dst)) {
		c->stat_drop++;
		return;
	}
	f = tcp_lookup(src, s.sport, dst, s.dport);
	if (f && f->state == FLOW_LINGER &&
	    (s.flags & (SEG_SYN | SEG_ACK | SEG_RST)) == SEG_SYN) {
		tcp_flow_free(f);		/* a new connection, same tuple */
		f = NULL;
	}
	if (!f) {
		if ((s.flags & (SEG_SYN | SEG_ACK | SEG_RST | SEG_FIN)) ==
		    SEG_SYN)
			tcp_connect(c, src, dst, &s);
		else if (!(s.flags & SEG_SYN) || (s.flags & SEG_ACK))
			tcp_rst_reply(c, src, dst, &s);
		return;
	}
	switch (f->state) {
	case FLOW_CONNECTING:
		if ((s.flags & SEG_RST) && s.seq == f->rcv_nxt)
			tcp_flow_abort(f);
		return;				/* a SYN again: still waiting */
	case FLOW_SYN_RCVD:
		tcp_in_syn_rcvd(c, f, &s);
		break;
	case FLOW_SYN_SENT:
		tcp_in_syn_sent(c, f, &s);
		break;
	case FLOW_ESTABLISHED:
		tcp_in_established(c, f, &s);
		break;
	case FLOW_LINGER:
		tcp_in_linger(c, f, &s);
		return;
	}
	if (f->state == FLOW_FREE)
		return;
	tcp_check_done(c, f);
	tcp_epoll_update(c, f);
}

/* ---- host side -------------------------------------------------------- */

/**
 * tcp_wnd_reopen() - room in the host socket again: offer it to the guest
 * @c:		context
 * @f:		established flow
 *
 * If guest data was dropped, three duplicate ACKs follow the window
 * update, so the guest retransmits at once.
 */
static void tcp_wnd_reopen(struct user_ctx *c, struct tcp_flow *f)
{
	int i;

	f->flags &= (uint32_t)~F_SNDBUF_FULL;
	tcp_wnd_calc(c, f);
	if (!f->rcv_wnd)
		return;
	tcp_xmit(c, f, f->snd_nxt, SEG_ACK, NULL, 0);
	if (f->flags & F_DROPPED) {
		for (i = 0; i < TCP_DUPACKS; i++)
			tcp_xmit(c, f, f->snd_nxt, SEG_ACK, NULL, 0);
		f->flags &= (uint32_t)~F_DROPPED;
	}
}

/**
 * tcp_sock_event() - readiness of a flow's host socket
 * @c:		context
 * @idx:	flow
 * @events:	epoll events
 *
 * Events may be stale (the flow was freed, or even reused, earlier in the
 * same batch), so nothing here trusts them beyond asking the socket.
 */
void tcp_sock_event(struct user_ctx *c, uint32_t idx, uint32_t events)
{
	struct tcp_flow *f;
	int e;

	if (!tcp.flows || idx >= tcp.nflows)
		return;
	f = &tcp.flows[idx];
	if (f->fd < 0)
		return;
	switch (f->state) {
	case FLOW_CONNECTING: {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		e = tcp_sock_error(f);
		if (e) {
			log_debug("tcp: connect: %s", strerror(e));
			tcp_reset(c, f);
			return;
		}
		if (!(events & EPOLLOUT) ||
		    getpeername(f->fd, (struct sockaddr *)&ss, &sl))
			return;			/* still in progress */
		tcp_connected(c, f);
		return;
	}
	case FLOW_SYN_RCVD:
	case FLOW_SYN_SENT:
		if ((events & (EPOLLERR | EPOLLHUP)) && tcp_sock_error(f))
			tcp_reset(c, f);
		return;
	case FLOW_ESTABLISHED:
		break;
	default:
		return;
	}
	if ((events & EPOLLERR) && tcp_sock_error(f)) {
		tcp_reset(c, f);
		return;
	}
	if ((events & EPOLLOUT) && (f->flags & (F_SNDBUF_FULL | F_WND_ZERO)))
		tcp_wnd_reopen(c, f);
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP))
		tcp_push(c, f);
	if (f->state == FLOW_FREE)
		return;
	tcp_check_done(c, f);
	tcp_epoll_update(c, f);
}

/**
 * tcp_from_host() - a connection accepted by a hostfwd listener
 * @c:		context
 * @fd:		the connected socket, non-blocking; ours from now on
 * @src:	the client, as the guest sees it
 * @sport:	its port
 * @dst:	the guest's address
 * @dport:	the guest's port
 *
 * Sends the guest a SYN; its SYN-ACK makes the flow established.
 *
 * Return: 0, -ENOSPC if the table is full and no flow may give way
 * (tcp_make_room()), -EEXIST if the four-tuple is in use, -EINVAL for
 * mixed families, or -errno; on error @fd is closed
 */
int tcp_from_host(struct user_ctx *c, int fd, const struct in6_addr *src,
		  uint16_t sport, const struct in6_addr *dst, uint16_t dport)
{
	struct tcp_flow *f = NULL;
	int rc = 0;

	if (!tcp.flows) {
		rc = -ENOSPC;
		goto out;
	}
	if (inany_is4(src) != inany_is4(dst) || !sport || !dport) {
		rc = -EINVAL;
		goto out;
	}
	f = tcp_lookup(dst, dport, src, sport);
	if (f && f->state != FLOW_LINGER) {
		f = NULL;
		rc = -EEXIST;
		goto out;
	}
	if (f)
		tcp_flow_free(f);
	f = tcp_flow_alloc(c);
	if (!f) {
		if (!tcp.refused++)
			log_warn("tcp: flow table full (%u), refusing new "
				 "connections", tcp.nflows);
		rc = -ENOSPC;
		goto out;
	}
	f->gaddr = *dst;
	f->gport = dport;
	f->raddr = *src;
	f->rport = sport;
	if (!inany_is4(dst))
		f->flags |= F_V6;
	f->g_mss = tcp_mss_guest(c, !!(f->flags & F_V6), 0);
	f->iss = tcp_isn(c, f);
	f->snd_una = f->iss;
	f->snd_nxt = f->snd_max = f->iss + 1;
	f->state = FLOW_SYN_SENT;
	tcp_hash_add(f);
	f->fd = fd;
	fd = -1;
	tcp_sock_setup(f);
	f->events = EPOLLET | EPOLLRDHUP;
	rc = user_epoll_add(c, f->fd, f->events, REF_TCP, tcp_idx(f));
	if (rc) {
		tcp_flow_free(f);
		f = NULL;
		goto out;
	}
	tcp_wnd_calc(c, f);
	tcp_xmit(c, f, f->iss, SEG_SYN, NULL, 0);
	f->deadline = c->now_ms + f->rto;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

/* ---- timers ----------------------------------------------------------- */

/**
 * tcp_expire() - a flow's timer expired
 * @c:		context
 * @f:		flow
 *
 * Handshakes: retransmit the SYN or SYN-ACK, give up after
 * TCP_HANDSHAKE_MS; a connect() gives up after TCP_CONNECT_MS.
 * Established: retransmit from snd_una, or probe a zero window; give up
 * after TCP_RETRIES unanswered tries.  Linger: free the flow.
 */
static void tcp_expire(struct user_ctx *c, struct tcp_flow *f)
{
	f->deadline = 0;
	switch (f->state) {
	case FLOW_CONNECTING:
		tcp_reset(c, f);
		return;
	case FLOW_SYN_RCVD:
	case FLOW_SYN_SENT:
		if (c->now_ms - f->t_start >= TCP_HANDSHAKE_MS) {
			tcp_reset(c, f);
			return;
		}
		f->retries++;
		f->rto = tcp_min(f->rto * 2, TCP_RTO_MAX);
		if (f->state == FLOW_SYN_RCVD)
			tcp_xmit(c, f, f->iss, SEG_SYN | SEG_ACK, NULL, 0);
		else
			tcp_xmit(c, f, f->iss, SEG_SYN, NULL, 0);
		break;
	case FLOW_ESTABLISHED:
		if (f->snd_una == f->snd_max &&
		    !(f->flags & F_WND_LIMITED))
			return;
		if (++f->retries > TCP_RETRIES) {
			log_debug("tcp: flow %u: guest not answering", tcp_idx(f));
			tcp_reset(c, f);
			return;
		}
		f->rto = tcp_min(f->rto * 2, TCP_RTO_MAX);
		if (f->snd_una != f->snd_max) {
			tcp_rewind(c, f);
			if (f->state == FLOW_FREE)
				return;
		} else {
			tcp_wnd_calc(c, f);
			tcp_xmit(c, f, f->snd_una - 1, SEG_ACK, NULL, 0);
		}
		break;
	case FLOW_LINGER:
		tcp_flow_free(f);
		return;
	}
	f->deadline = c->now_ms + f->rto;
}

/**
 * tcp_timer() - every flow's timers; called every 100 ms
 * @c:		context
 *
 * Delayed ACKs, window updates the host socket gave no wake-up for,
 * sending blocked by a full transport, and expired flow timers.
 */
void tcp_timer(struct user_ctx *c)
{
	uint32_t i, next;

	if (!tcp.flows)
		return;
	for (i = tcp.active; i != TCP_NONE; i = next) {
		struct tcp_flow *f = &tcp.flows[i];

		next = f->next;
		if (f->state == FLOW_ESTABLISHED) {
			if (f->flags & F_CORKED)
				tcp_uncork(f);
			if (f->flags & (F_SNDBUF_FULL | F_WND_ZERO))
				tcp_wnd_reopen(c, f);
			if (f->flags & F_ACK_PENDING)
				tcp_send_ack(c, f);
			if (f->flags & F_TX_BLOCKED)
				tcp_push(c, f);
		}
		if (f->state != FLOW_FREE && f->deadline &&
		    c->now_ms >= f->deadline)
			tcp_expire(c, f);
		if (f->state == FLOW_FREE)
			continue;
		tcp_check_done(c, f);
		tcp_epoll_update(c, f);
	}
}

/**
 * tcp_flush() - the end of a loop iteration: ACKs and sending left for it
 * @c:		context
 *
 * Each flow tcp_defer() listed, if still in use and established, sends
 * what an ACK from the guest let it (tcp_push()), then the ACK it owes,
 * unless that data carried it.
 */
void tcp_flush(struct user_ctx *c)
{
	unsigned int i;

	if (!tcp.flows)
		return;
	for (i = 0; i < tcp_nflush; i++) {
		struct tcp_flow *f = &tcp.flows[tcp_flush_list[i]];
		int push = !!(f->flags & F_PUSH_DUE);

		if (!(f->flags & F_FLUSH))
			continue;		/* freed and used again */
		f->flags &= (uint32_t)~(F_FLUSH | F_PUSH_DUE);
		if (f->state != FLOW_ESTABLISHED)
			continue;
		if (push)
			tcp_push(c, f);
		if (f->state == FLOW_FREE)
			continue;
		if (f->flags & F_ACK_PENDING)
			tcp_send_ack(c, f);
		tcp_check_done(c, f);
		tcp_epoll_update(c, f);
	}
	tcp_nflush = 0;
}

/* ---- set-up ----------------------------------------------------------- */

/**
 * tcp_probe_peek_off() - whether this kernel has SO_PEEK_OFF for TCP
 *
 * Return: 1 if it has (Linux 6.9 and later)
 */
static int tcp_probe_peek_off(void)
{
	int fd, off = 0, ok = 0;

	if (getenv("TAPIR_USER_TCP_NO_PEEK_OFF"))
		return 0;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0)
		fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd >= 0) {
		ok = !setsockopt(fd, SOL_SOCKET, SO_PEEK_OFF, &off,
				 sizeof(off));
		close(fd);
	}
	return ok;
}

/**
 * tcp_init() - allocate the flow table
 * @c:		context
 *
 * Return: 0, or -ENOMEM
 */
int tcp_init(struct user_ctx *c)
{
	uint32_t n = c->o->flows_max ? c->o->flows_max : OPTS_FLOWS_DEFAULT;
	uint64_t keys[4];
	uint32_t hsize = 1;
	int rc = 0, i;

	if (tcp.flows)
		tcp_fini(c);
	if (n > TCP_FLOWS_LIMIT)
		n = TCP_FLOWS_LIMIT;
	while (hsize < 2 * n)
		hsize <<= 1;
	tcp.flows = calloc(n, sizeof(*tcp.flows));
	tcp.hash = calloc(hsize, sizeof(*tcp.hash));
	if (!tcp.flows || !tcp.hash) {
		free(tcp.flows);
		free(tcp.hash);
		tcp.flows = NULL;
		tcp.hash = NULL;
		rc = -ENOMEM;
		goto out;
	}
	tcp.nflows = n;
	tcp.hmask = hsize - 1;
	tcp.hiwat = 0;
	tcp.free_head = 0;
	tcp.active = TCP_NONE;
	tcp.used = 0;
	for (i = 0; i < Q_COUNT; i++)
		tcp.q[i] = (struct tcp_queue){ TCP_NONE, TCP_NONE, 0 };
	tcp.refused = 0;
	tcp.evicted = 0;
	tcp_nflush = 0;
	if (getrandom(keys, sizeof(keys), 0) != (ssize_t)sizeof(keys)) {
		struct timespec ts;

		log_warn("tcp: getrandom failed, weak sequence numbers");
		clock_gettime(CLOCK_REALTIME, &ts);
		keys[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL;
		keys[1] = (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 32);
		keys[2] = keys[0] ^ 0x5851f42d4c957f2dULL;
		keys[3] = keys[1] * 0x9e3779b97f4a7c15ULL;
	}
	tcp.key[0] = keys[0];
	tcp.key[1] = keys[1];
	tcp.isn_key[0] = keys[2];
	tcp.isn_key[1] = keys[3];
	tcp.peek_off = tcp_probe_peek_off();
	if (!tcp.peek_off)
		log_info("tcp: no SO_PEEK_OFF for TCP, peeking from the start");
out:
	return rc;
}

/**
 * tcp_count() - flows in use
 * @c:		context
 *
 * Return: the number of flows in use, lingering ones included
 */
unsigned int tcp_count(const struct user_ctx *c)
{
	(void)c;
	return tcp.used;
}

/**
 * tcp_fini() - close every socket and free the table
 * @c:		context
 */
void tcp_fini(struct user_ctx *c)
{
	uint32_t i;

	(void)c;
	if (!tcp.flows)
		return;
	for (i = tcp.active; i != TCP_NONE; i = tcp.flows[i].next)
		if (tcp.flows[i].fd >= 0)
			close(tcp.flows[i].fd);
	free(tcp.flows);
	free(tcp.hash);
	memset(&tcp, 0, sizeof(tcp));
}
