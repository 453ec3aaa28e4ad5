// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnsd.c - the DNS forwarder's sockets: lib/dnslocal.c, lib/dnscache.c and
 * upstream resolvers, on the bridge address
 *
 * Theory of operation
 *
 * The forwarder listens on the bridge address, port 53, UDP and TCP.  A
 * query is answered from, in order:
 *
 * 1. local names (lib/dnslocal.c): HOSTNAME.DOMAIN and bare HOSTNAME of
 *    every lease and dhcp-host, looked up in the DHCP server's lease store
 *    as the query arrives, so names follow leases; their PTR records; and
 *    NXDOMAIN for other names under DOMAIN and for other single labels,
 *    which are never sent upstream;
 * 2. the cache of positive answers (lib/dnscache.c), up to their TTL;
 * 3. an upstream resolver from /etc/resolv.conf (re-read on SIGHUP and
 *    when the file changes; inside "ip netns exec NS" that is
 *    /etc/netns/NS/resolv.conf).
 *
 * Upstream queries are unpredictable, as RFC 5452 asks: each one goes out
 * on a new socket (UDP, or TCP for a TCP client's query) connected to the
 * resolver, so the kernel picks a random source port, with a random ID
 * from getrandom(); a reply is taken only from that socket, with that ID
 * and the same question.  Unanswered
 * queries are retried on the next resolver after DNSD_TIMEOUT seconds, up
 * to DNSD_TRIES times, then answered with SERVFAIL.
 *
 * State is bounded and allocated once: DNSD_FWD_MAX queries in flight and
 * DNSD_TCP_MAX TCP clients; beyond that, new work is refused (SERVFAIL or
 * the connection closed), never queued without limit.  TCP queries are
 * framed with a two-byte length (RFC 1035 4.2.2), and go upstream over TCP
 * too, so that a TCP client - one that got a truncated answer over UDP -
 * gets the whole answer (up to DNSD_MSG_MAX bytes); UDP queries go
 * upstream over UDP, and a truncated upstream reply is passed on as is.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "dnsd.h"
#include "log.h"
#include "mmsg.h"
#include "pkt.h"

/* Seconds before a query is tried on the next resolver */
#define DNSD_TIMEOUT	2
/* Resolvers tried per query */
#define DNSD_TRIES	3
/* Seconds a TCP client may stay idle */
#define DNSD_TCP_IDLE	10
/* Answer cache: entries and bytes */
#define DNSD_CACHE_ENTRIES	16384
#define DNSD_CACHE_BYTES	(8 << 20)
/* Queries read per wake-up */
#define DNSD_BATCH	32

/**
 * dnsd_mono() - seconds on the monotonic clock, for the cache
 *
 * Return: the time
 */
static uint64_t dnsd_mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec;
}

/**
 * dnsd_by_name() - local name lookup in the lease store
 * @ctx:	struct dnsd
 * @host:	lowercase label
 * @addr:	set to its address
 *
 * Return: 0, or -ENOENT
 */
static int dnsd_by_name(void *ctx, const char *host, struct in_addr *addr)
{
	struct dnsd *d = ctx;
	const struct lease *l;

	if (!d->ls)
		return -ENOENT;
	l = lease_find_name(d->ls, host, strlen(host), time(NULL));
	if (!l)
		return -ENOENT;
	addr->s_addr = htonl(l->ip);
	return 0;
}

/**
 * dnsd_by_addr() - reverse lookup in the lease store
 * @ctx:	struct dnsd
 * @addr:	address
 * @host:	set to its host name
 * @len:	size of @host
 *
 * Return: 0, or -ENOENT
 */
static int dnsd_by_addr(void *ctx, struct in_addr addr, char *host,
			size_t len)
{
	struct dnsd *d = ctx;
	const struct lease *l;

	if (!d->ls)
		return -ENOENT;
	l = lease_find_ip(d->ls, ntohl(addr.s_addr), time(NULL));
	if (!l || !l->hostname[0] || strlen(l->hostname) >= len)
		return -ENOENT;
	strcpy(host, l->hostname);
	return 0;
}

/**
 * dnsd_resolv() - (re-)read the upstream resolvers
 * @d:		forwarder
 * @force:	non-zero to read even if the file did not change
 */
static void dnsd_resolv(struct dnsd *d, int force)
{
	union resolvconf_addr self = { .sin = { .sin_family = AF_INET,
		.sin_port = htons(53), .sin_addr.s_addr = htonl(d->self) } };
	struct resolvconf old;
	struct stat st;
	int rc;

	if (stat(DNSD_RESOLV_CONF, &st))
		memset(&st, 0, sizeof(st));
	if (!force && st.st_mtim.tv_sec == d->resolv_mtime.tv_sec &&
	    st.st_mtim.tv_nsec == d->resolv_mtime.tv_nsec &&
	    st.st_ino == d->resolv_ino)
		return;
	d->resolv_mtime = st.st_mtim;
	d->resolv_ino = st.st_ino;
	old = d->up;
	rc = resolvconf_load(&d->up, DNSD_RESOLV_CONF, &self, 1);
	if (!resolvconf_equal(&old, &d->up))
		dnscache_flush(&d->cache);	/* other resolvers, other answers */
	if (rc)
		log_warn("dns: cannot read %s: %s; queries for names that are "
			 "not local will fail", DNSD_RESOLV_CONF, strerror(-rc));
	else if (!d->up.n)
		log_warn("dns: %s names no resolver; queries for names that "
			 "are not local will fail", DNSD_RESOLV_CONF);
	else
		log_info("dns: %zu upstream resolver%s from %s", d->up.n,
			 d->up.n == 1 ? "" : "s", DNSD_RESOLV_CONF);
}

/**
 * dnsd_send_udp() - send a reply to a UDP client
 * @d:		forwarder
 * @to:		client address
 * @tolen:	its length
 * @msg:	reply
 * @len:	its length
 */
static void dnsd_send_udp(struct dnsd *d, const struct sockaddr *to,
			  socklen_t tolen, const void *msg, size_t len)
{
	if (sendto(d->udp.fd, msg, len, MSG_DONTWAIT, to, tolen) < 0)
		log_debug("dns: cannot reply: %s", strerror(errno));
}

/**
 * dnsd_conn_close() - drop a TCP client
 * @d:		forwarder
 * @c:		connection
 */
static void dnsd_conn_close(struct dnsd *d, struct dnsd_conn *c)
{
	netd_del(d->nd, &c->ev);
	close(c->ev.fd);
	c->ev.fd = -1;
	c->used = 0;
	c->gen++;
}

/**
 * dnsd_send_tcp() - send a reply to a TCP client, framed
 * @d:		forwarder
 * @c:		connection
 * @msg:	reply
 * @len:	its length
 */
static void dnsd_send_tcp(struct dnsd *d, struct dnsd_conn *c,
			  const void *msg, size_t len)
{
	uint8_t hdr[2];
	struct iovec iov[2] = {
		{ .iov_base = hdr, .iov_len = 2 },
		{ .iov_base = (void *)msg, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };

	pkt_put_u16(hdr, (uint16_t)len);
	/* a client too slow to take one reply at once is dropped */
	if (sendmsg(c->ev.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) !=
	    (ssize_t)(len + 2))
		dnsd_conn_close(d, c);
}

/**
 * dnsd_fwd_free() - forget a query in flight
 * @d:		forwarder
 * @f:		its entry
 */
static void dnsd_fwd_free(struct dnsd *d, struct dnsd_fwd *f)
{
	if (f->ev.fd >= 0) {
		netd_del(d->nd, &f->ev);
		close(f->ev.fd);
	}
	f->ev.fd = -1;
	f->used = 0;
}

/**
 * dnsd_fwd_reply() - send a reply (or an error) to the client of a query
 * @d:		forwarder
 * @f:		the query
 * @msg:	reply, with the client's ID already in place
 * @len:	its length
 */
static void dnsd_fwd_reply(struct dnsd *d, struct dnsd_fwd *f, void *msg,
			   size_t len)
{
	struct dnsd_conn *c;
	int n;

	if (f->conn < 0) {
		n = dns_truncate(msg, len, dns_reply_max(&f->q, 0, len));
		if (n > 0)
			dnsd_send_udp(d, (struct sockaddr *)&f->client,
				      f->clen, msg, (size_t)n);
		return;
	}
	c = &d->conn[f->conn];
	if (c->used && c->gen == f->conn_gen)
		dnsd_send_tcp(d, c, msg, len);
}

/**
 * dnsd_fwd_fail() - answer a query with SERVFAIL and forget it
 * @d:		forwarder
 * @f:		the query
 */
static void dnsd_fwd_fail(struct dnsd *d, struct dnsd_fwd *f)
{
	uint8_t out[DNSD_MSG_MAX];
	int n;

	/* with the question (and OPT) echoed: some stubs check them */
	n = dns_reply(&f->q, DNS_R_SERVFAIL, DNS_F_RA, NULL, 0, out,
		      dns_reply_max(&f->q, f->conn >= 0, sizeof(out)));
	if (n > 0)
		dnsd_fwd_reply(d, f, out, (size_t)n);
	dnsd_fwd_free(d, f);
}

static void dnsd_upstream_read(struct netd *nd, struct netd_ev *ev,
			       uint32_t events);
static void dnsd_upstream_stream(struct netd *nd, struct netd_ev *ev,
				 uint32_t events);

/**
 * dnsd_fwd_send() - send a query in flight to the next resolver
 * @d:		forwarder
 * @f:		the query; its text is in f->query
 *
 * A TCP client's query goes upstream over TCP (a new connection per try,
 * dnsd_upstream_stream()), everything else over UDP.
 *
 * Return: 0, or -errno (the caller answers SERVFAIL)
 */
static int dnsd_fwd_send(struct dnsd *d, struct dnsd_fwd *f)
{
	const union resolvconf_addr *up;
	int fd, stream = f->conn >= 0;
	uint16_t id;

	if (!d->up.n || f->tries >= DNSD_TRIES)
		return -EHOSTUNREACH;
	up = &d->up.ns[(f->first_up + (size_t)f->tries) % d->up.n];
	f->tries++;

	if (f->ev.fd >= 0) {
		netd_del(d->nd, &f->ev);
		close(f->ev.fd);
		f->ev.fd = -1;
	}
	fd = socket(up->sa.sa_family, (stream ? SOCK_STREAM : SOCK_DGRAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* connect(): the kernel picks a random source port, and only that
	 * resolver's datagrams reach this socket */
	if ((connect(fd, &up->sa, resolvconf_addrlen(up)) &&
	     !(stream && errno == EINPROGRESS)) ||
	    getrandom(&id, sizeof(id), 0) != sizeof(id)) {
		close(fd);
		return -errno;
	}
	f->id = id;
	dns_set_id(f->query, f->qlen, id);
	f->ev.fd = fd;
	f->sent = d->nd->now;
	if (stream) {
		/* edge-triggered: writable once connected, then readable */
		f->ev.fn = dnsd_upstream_stream;
		f->outoff = f->inlen = 0;
		if (netd_add(d->nd, &f->ev, EPOLLIN | EPOLLOUT | EPOLLET))
			log_debug("dns: epoll: %s", strerror(errno));
		return 0;
	}
	f->ev.fn = dnsd_upstream_read;
	if (netd_add(d->nd, &f->ev, EPOLLIN) ||
	    send(fd, f->query, f->qlen, 0) != (ssize_t)f->qlen) {
		/* the next try, or SERVFAIL, comes from the timer */
		log_debug("dns: cannot send upstream: %s", strerror(errno));
	}
	return 0;
}

/**
 * dnsd_forward() - send a query upstream on behalf of a client
 * @d:		forwarder
 * @q:		the query, parsed
 * @query:	its text
 * @len:	its length
 * @from:	UDP client, or NULL
 * @fromlen:	its length
 * @conn:	TCP client index, or -1
 */
static void dnsd_forward(struct dnsd *d, const struct dns_msg *q,
			 const void *query, size_t len,
			 const struct sockaddr_storage *from,
			 socklen_t fromlen, int conn)
{
	struct dnsd_fwd *f = NULL;
	size_t i;

	for (i = 0; i < DNSD_FWD_MAX; i++) {
		size_t k = (d->fwd_next + i) % DNSD_FWD_MAX;

		if (!d->fwd[k].used) {
			f = &d->fwd[k];
			d->fwd_next = k + 1;
			break;
		}
	}
	if (!f || len > sizeof(f->query)) {
		/* too much in flight: refuse rather than queue */
		struct dnsd_fwd tmp = { .conn = conn, .ev.fd = -1 };

		f = &tmp;
		f->q = *q;
		memcpy(f->query, query, len < sizeof(f->query) ?
		       len : sizeof(f->query));
		f->qlen = len < sizeof(f->query) ? len : DNS_HDR_LEN;
		f->client_id = q->id;
		if (from) {
			f->client = *from;
			f->clen = fromlen;
		}
		if (conn >= 0)
			f->conn_gen = d->conn[conn].gen;
		dnsd_fwd_fail(d, f);
		return;
	}

	memset(f, 0, offsetof(struct dnsd_fwd, query));
	f->d = d;
	f->used = 1;
	f->ev.fd = -1;
	f->q = *q;
	f->client_id = q->id;
	f->conn = conn;
	if (from) {
		f->client = *from;
		f->clen = fromlen;
	}
	if (conn >= 0)
		f->conn_gen = d->conn[conn].gen;
	memcpy(f->query, query, len);
	f->qlen = len;
	f->first_up = d->up.n ? d->rr++ % d->up.n : 0;
	if (dnsd_fwd_send(d, f))
		dnsd_fwd_fail(d, f);
}

/**
 * dnsd_fwd_answer() - pass a resolver's reply on to the client, and cache it
 * @d:		forwarder
 * @f:		the query, which is then forgotten
 * @msg:	the reply, matched to the query (dns_match())
 * @len:	its length
 */
static void dnsd_fwd_answer(struct dnsd *d, struct dnsd_fwd *f, uint8_t *msg,
			    size_t len)
{
	dnscache_insert(&d->cache, &f->q, msg, len, dnsd_mono());
	dns_set_id(msg, len, f->client_id);
	dnsd_fwd_reply(d, f, msg, len);
	dnsd_fwd_free(d, f);
}

/**
 * dnsd_upstream_read() - take a resolver's reply
 * @nd:		event loop
 * @ev:		the query's socket
 * @events:	epoll events
 */
static void dnsd_upstream_read(struct netd *nd, struct netd_ev *ev,
			       uint32_t events)
{
	struct dnsd_fwd *f = (struct dnsd_fwd *)ev;
	struct dnsd *d = f->d;
	uint8_t buf[DNSD_MSG_MAX];
	struct dns_msg r;
	ssize_t n;

	(void)nd;
	(void)events;
	while ((n = recv(ev->fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (dns_match(&f->q, f->id, buf, (size_t)n, &r))
			continue;	/* not the reply to our query */
		dnsd_fwd_answer(d, f, buf, (size_t)n);
		return;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		/* ICMP unreachable: try the next resolver now */
		if (dnsd_fwd_send(d, f))
			dnsd_fwd_fail(d, f);
	}
}

/**
 * dnsd_fwd_write() - write what is left of a query's TCP frame upstream
 * @f:		the query
 *
 * Return: 1 when all of it is written, 0 to wait for the socket, -errno
 */
static int dnsd_fwd_write(struct dnsd_fwd *f)
{
	uint8_t hdr[2];
	size_t h = f->outoff < 2 ? f->outoff : 2, q = f->outoff - h;
	struct iovec iov[2] = {
		{ .iov_base = hdr + h, .iov_len = 2 - h },
		{ .iov_base = f->query + q, .iov_len = f->qlen - q },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	ssize_t n;

	pkt_put_u16(hdr, (uint16_t)f->qlen);
	n = sendmsg(f->ev.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (n < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	f->outoff += (size_t)n;
	return f->outoff == 2 + f->qlen;
}

/**
 * dnsd_upstream_stream() - a TCP client's query, on TCP to a resolver
 * @nd:		event loop
 * @ev:		the query's socket
 * @events:	epoll events
 *
 * Writes the framed query once the connection is up, then reads the
 * framed reply into the query's own buffer.  A connection that fails, or
 * ends before the whole reply, moves the query to the next resolver at
 * once; a reply larger than DNSD_MSG_MAX, or to another question, is
 * answered with SERVFAIL.
 */
static void dnsd_upstream_stream(struct netd *nd, struct netd_ev *ev,
				 uint32_t events)
{
	struct dnsd_fwd *f = (struct dnsd_fwd *)ev;
	struct dnsd *d = f->d;
	size_t want = 0;
	struct dns_msg r;
	ssize_t n;
	int rc;

	(void)nd;
	(void)events;
	if (f->outoff < 2 + f->qlen) {
		rc = dnsd_fwd_write(f);
		if (rc < 0)
			goto next;
		if (!rc)
			return;
	}
	for (;;) {
		n = recv(ev->fd, f->in + f->inlen, sizeof(f->in) - f->inlen,
			 MSG_DONTWAIT);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0)
			goto next;
		f->inlen += (size_t)n;
		if (f->inlen < 2)
			continue;
		want = pkt_get_u16(f->in);
		if (want > DNSD_MSG_MAX || want < DNS_HDR_LEN)
			goto fail;
		if (f->inlen >= 2 + want)
			break;
	}
	if (dns_match(&f->q, f->id, f->in + 2, want, &r))
		goto fail;
	dnsd_fwd_answer(d, f, f->in + 2, want);
	return;
next:
	if (!dnsd_fwd_send(d, f))
		return;
fail:
	dnsd_fwd_fail(d, f);
}

/**
 * dnsd_query() - answer or forward one query
 * @d:		forwarder
 * @query:	the client's message
 * @len:	its length
 * @from:	UDP client, or NULL for TCP
 * @fromlen:	its length
 * @conn:	TCP client index, or -1
 */
static void dnsd_query(struct dnsd *d, const uint8_t *query, size_t len,
		       const struct sockaddr_storage *from, socklen_t fromlen,
		       int conn)
{
	uint8_t out[DNSD_MSG_MAX];
	struct dns_msg q;
	size_t outlen = 0;
	int n;

	switch (dns_local_query(&d->loc, query, len, conn >= 0, &q, out,
				sizeof(out), &outlen)) {
	case DNS_LOCAL_DROP:
		return;
	case DNS_LOCAL_REPLY:
		break;
	case DNS_LOCAL_FORWARD:
		n = dnscache_lookup(&d->cache, &q, dnsd_mono(), out,
				    dns_reply_max(&q, conn >= 0,
						  sizeof(out)));
		if (n <= 0) {
			dnsd_forward(d, &q, query, len, from, fromlen, conn);
			return;
		}
		outlen = (size_t)n;
		break;
	}
	if (conn >= 0)
		dnsd_send_tcp(d, &d->conn[conn], out, outlen);
	else
		dnsd_send_udp(d, (const struct sockaddr *)from, fromlen, out,
			      outlen);
}

/**
 * dnsd_udp_read() - serve the queries waiting on the UDP socket
 * @nd:		event loop
 * @ev:		the socket's entry
 * @events:	epoll events
 */
static void dnsd_udp_read(struct netd *nd, struct netd_ev *ev,
			  uint32_t events)
{
	struct dnsd *d = (struct dnsd *)((char *)ev -
					 offsetof(struct dnsd, udp));
	static uint8_t buf[DNSD_BATCH][DNSD_MSG_MAX];
	static struct sockaddr_storage from[DNSD_BATCH];
	struct mmsghdr msg[DNSD_BATCH];
	struct iovec iov[DNSD_BATCH];
	int n, i;

	(void)nd;
	(void)events;
	for (;;) {
		n = mmsg_recv(ev->fd, buf, sizeof(buf[0]), from,
			      sizeof(from[0]), msg, iov, DNSD_BATCH);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++)
			dnsd_query(d, buf[i], msg[i].msg_len, &from[i],
				   msg[i].msg_hdr.msg_namelen, -1);
		if (n < DNSD_BATCH)
			return;
	}
}

/**
 * dnsd_conn_read() - read queries from a TCP client
 * @nd:		event loop
 * @ev:		the connection's entry
 * @events:	epoll events
 */
static void dnsd_conn_read(struct netd *nd, struct netd_ev *ev,
			   uint32_t events)
{
	struct dnsd_conn *c = (struct dnsd_conn *)ev;
	struct dnsd *d = c->d;
	ssize_t n;
	size_t need;

	(void)events;
	n = recv(ev->fd, c->in + c->inlen, sizeof(c->in) - c->inlen,
		 MSG_DONTWAIT);
	if (n <= 0) {
		if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK))
			dnsd_conn_close(d, c);
		return;
	}
	c->inlen += (size_t)n;
	c->last = nd->now;
	while (c->used && c->inlen >= 2) {
		need = 2 + (size_t)pkt_get_u16(c->in);
		if (need > sizeof(c->in)) {	/* longer than any query */
			dnsd_conn_close(d, c);
			return;
		}
		if (c->inlen < need)
			return;
		dnsd_query(d, c->in + 2, need - 2, NULL, 0,
			   (int)(c - d->conn));
		memmove(c->in, c->in + need, c->inlen - need);
		c->inlen -= need;
	}
}

/**
 * dnsd_accept() - take a new TCP client
 * @nd:		event loop
 * @ev:		the listener's entry
 * @events:	epoll events
 */
static void dnsd_accept(struct netd *nd, struct netd_ev *ev, uint32_t events)
{
	struct dnsd *d = (struct dnsd *)((char *)ev -
					 offsetof(struct dnsd, tcp));
	struct dnsd_conn *c = NULL;
	size_t i;
	int fd;

	(void)events;
	while ((fd = accept4(ev->fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		for (i = 0, c = NULL; i < DNSD_TCP_MAX; i++)
			if (!d->conn[i].used) {
				c = &d->conn[i];
				break;
			}
		if (!c) {		/* full: turn the newcomer away */
			close(fd);
			continue;
		}
		c->d = d;
		c->ev.fd = fd;
		c->ev.fn = dnsd_conn_read;
		c->inlen = 0;
		c->last = nd->now;
		c->used = 1;
		if (netd_add(nd, &c->ev, EPOLLIN)) {
			close(fd);
			c->ev.fd = -1;
			c->used = 0;
		}
	}
}

/**
 * dnsd_tick() - timeouts, once a second
 * @d:		forwarder
 */
void dnsd_tick(struct dnsd *d)
{
	size_t i;

	if (d->udp.fd < 0)
		return;
	dnsd_resolv(d, d->nd->hup);
	for (i = 0; i < DNSD_FWD_MAX; i++) {
		struct dnsd_fwd *f = &d->fwd[i];

		if (f->used && d->nd->now - f->sent >= DNSD_TIMEOUT &&
		    dnsd_fwd_send(d, f))
			dnsd_fwd_fail(d, f);
	}
	for (i = 0; i < DNSD_TCP_MAX; i++)
		if (d->conn[i].used &&
		    d->nd->now - d->conn[i].last >= DNSD_TCP_IDLE)
			dnsd_conn_close(d, &d->conn[i]);
	dnscache_purge(&d->cache, dnsd_mono());
}

/**
 * dnsd_listen() - open a socket on the bridge address, port 53
 * @addr:	address, host order
 * @type:	SOCK_DGRAM or SOCK_STREAM
 *
 * Return: the socket, or -errno
 */
static int dnsd_listen(uint32_t addr, int type)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(DNS_PORT),
		.sin_addr.s_addr = htonl(addr),
	};
	int fd, on = 1, buf = 4 << 20, rc;

	fd = socket(AF_INET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (type == SOCK_DGRAM) {
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	}
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    (type == SOCK_STREAM && listen(fd, 64))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/**
 * dnsd_new() - allocate a forwarder, safe to stop without starting it
 *
 * The forwarder is 1.4 MB, nearly all of it query and connection slots.
 * calloc() of that size maps fresh zero pages, and a slot's page is
 * touched only when the slot is first used (a zero "used" marks it free):
 * clearing it all up front cost a millisecond of page faults per start.
 *
 * Return: the forwarder, or NULL
 */
struct dnsd *dnsd_new(void)
{
	struct dnsd *d = calloc(1, sizeof(*d));

	if (d)
		d->udp.fd = d->tcp.fd = -1;
	return d;
}

/**
 * dnsd_start() - start the DNS forwarder of a network
 * @d:		forwarder from dnsd_new()
 * @nd:		event loop
 * @p:		the network
 * @ls:		the DHCP server's lease store, or NULL
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
int dnsd_start(struct dnsd *d, struct netd *nd, const struct plan *p,
	       struct lease_store *ls, char *err, size_t len)
{
	const struct conf_net *n = &p->net;
	int rc;

	d->nd = nd;
	d->ls = ls;
	d->self = n->addr.addr;
	snprintf(d->domain, sizeof(d->domain), "%s", n->domain);
	d->loc.domain = d->domain;
	d->loc.self.s_addr = htonl(n->addr.addr);
	d->loc.net.s_addr = htonl(inet_prefix_network(&n->addr));
	d->loc.prefix = n->addr.len;
	d->loc.ttl = DNS_LOCAL_TTL;
	d->loc.db.by_name = dnsd_by_name;
	d->loc.db.by_addr = dnsd_by_addr;
	d->loc.db.ctx = d;
	rc = dns_local_init(&d->loc);
	if (!rc)
		rc = dnscache_init(&d->cache, DNSD_CACHE_ENTRIES,
				   DNSD_CACHE_BYTES);
	if (rc) {
		snprintf(err, len, "cannot set up DNS for %s: %s", n->name,
			 strerror(-rc));
		return rc;
	}
	dnsd_resolv(d, 1);

	d->udp.fd = dnsd_listen(d->self, SOCK_DGRAM);
	d->udp.fn = dnsd_udp_read;
	d->tcp.fd = dnsd_listen(d->self, SOCK_STREAM);
	d->tcp.fn = dnsd_accept;
	rc = d->udp.fd < 0 ? d->udp.fd : d->tcp.fd < 0 ? d->tcp.fd : 0;
	if (!rc)
		rc = netd_add(nd, &d->udp, EPOLLIN);
	if (!rc)
		rc = netd_add(nd, &d->tcp, EPOLLIN);
	if (rc) {
		char a[INET_ADDR_STRLEN];

		snprintf(err, len, "cannot listen on %s port 53 (DNS): %s",
			 inet_addr_fmt(d->self, a, sizeof(a)), strerror(-rc));
		dnsd_stop(d, nd);
	}
	return rc;
}

/**
 * dnsd_stop() - stop the forwarder, closing every socket
 * @d:		forwarder
 * @nd:		event loop
 */
void dnsd_stop(struct dnsd *d, struct netd *nd)
{
	size_t i;

	d->nd = nd;
	for (i = 0; i < DNSD_FWD_MAX; i++)
		if (d->fwd[i].used)
			dnsd_fwd_free(d, &d->fwd[i]);
	for (i = 0; i < DNSD_TCP_MAX; i++)
		if (d->conn[i].used)
			dnsd_conn_close(d, &d->conn[i]);
	if (d->udp.fd >= 0) {
		netd_del(nd, &d->udp);
		close(d->udp.fd);
	}
	if (d->tcp.fd >= 0) {
		netd_del(nd, &d->tcp);
		close(d->tcp.fd);
	}
	d->udp.fd = d->tcp.fd = -1;
	dnscache_free(&d->cache);
}
