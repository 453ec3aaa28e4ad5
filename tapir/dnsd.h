/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_DNSD_H
#define TAPIR_DNSD_H

#include <stddef.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "dns.h"
#include "dnscache.h"
#include "dnslocal.h"
#include "inet.h"
#include "lease.h"
#include "netd.h"
#include "plan.h"
#include "resolvconf.h"

/* Queries in flight upstream, and TCP clients, at most */
#define DNSD_FWD_MAX	256
#define DNSD_TCP_MAX	64
/* Largest message handled (EDNS answers from upstream included) */
#define DNSD_MSG_MAX	4096
/* Where the upstream resolvers are read from */
#define DNSD_RESOLV_CONF	"/etc/resolv.conf"

struct dnsd;

/**
 * struct dnsd_fwd - a query sent upstream, waiting for its reply
 * @ev:		the upstream socket (a new one per try)
 * @d:		the forwarder
 * @used:	non-zero while in flight
 * @id:		the random ID it was sent with
 * @client_id:	the client's ID, restored in the reply
 * @q:		the question, to match the reply against
 * @client:	UDP client address
 * @clen:	its length
 * @conn:	TCP client index, or -1 for UDP
 * @conn_gen:	generation of that connection, to notice it was reused
 * @sent:	when the last try was sent
 * @tries:	tries so far
 * @first_up:	index of the first resolver tried
 * @qlen:	length of @query
 * @outoff:	TCP upstream: bytes of the framed query written so far
 * @inlen:	TCP upstream: bytes of the framed reply read so far
 * @query:	the query's text (its ID rewritten per try)
 * @in:		TCP upstream: the framed reply (its pages are touched only
 *		by TCP queries: the forwarder is calloc()ed)
 */
struct dnsd_fwd {
	struct netd_ev ev;
	struct dnsd *d;
	int used;
	uint16_t id;
	uint16_t client_id;
	struct dns_msg q;
	struct sockaddr_storage client;
	socklen_t clen;
	int conn;
	unsigned int conn_gen;
	time_t sent;
	int tries;
	size_t first_up;
	size_t qlen;
	size_t outoff;
	size_t inlen;
	uint8_t query[DNSD_MSG_MAX];
	uint8_t in[2 + DNSD_MSG_MAX];
};

/**
 * struct dnsd_conn - a TCP client
 * @ev:		its socket
 * @d:		the forwarder
 * @used:	non-zero while a client has the slot
 * @gen:	bumped when the slot is reused
 * @last:	last time it sent something
 * @inlen:	bytes in @in
 * @in:		a partial query: two-byte length, then the message
 */
struct dnsd_conn {
	struct netd_ev ev;
	struct dnsd *d;
	int used;
	unsigned int gen;
	time_t last;
	size_t inlen;
	uint8_t in[2 + DNSD_MSG_MAX];
};

/**
 * struct dnsd - the DNS forwarder of a network (about 1.4 MB: allocate it)
 * @udp:	UDP socket on the bridge address, port 53
 * @tcp:	TCP listener there
 * @nd:		event loop
 * @ls:		lease store for local names, or NULL
 * @self:	the bridge address, host order
 * @domain:	the network's domain
 * @loc:	local answers (lib/dnslocal.c)
 * @cache:	positive answers (lib/dnscache.c)
 * @up:		upstream resolvers
 * @resolv_mtime: modification time of resolv.conf when last read
 * @resolv_ino:	its inode then
 * @rr:		round-robin counter over @up
 * @fwd_next:	where to look for a free @fwd slot first
 * @fwd:	queries in flight
 * @conn:	TCP clients
 */
struct dnsd {
	struct netd_ev udp;
	struct netd_ev tcp;
	struct netd *nd;
	struct lease_store *ls;
	uint32_t self;
	char domain[INET_DOMAIN_MAX + 1];
	struct dns_local loc;
	struct dnscache cache;
	struct resolvconf up;
	struct timespec resolv_mtime;
	ino_t resolv_ino;
	size_t rr;
	size_t fwd_next;
	struct dnsd_fwd fwd[DNSD_FWD_MAX];
	struct dnsd_conn conn[DNSD_TCP_MAX];
};

struct dnsd *dnsd_new(void);
int dnsd_start(struct dnsd *d, struct netd *nd, const struct plan *p,
	       struct lease_store *ls, char *err, size_t len);
void dnsd_tick(struct dnsd *d);
void dnsd_stop(struct dnsd *d, struct netd *nd);

#endif /* TAPIR_DNSD_H */
