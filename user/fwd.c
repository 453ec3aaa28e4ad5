// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fwd.c - hostfwd: host ports forwarded into the guest
 *
 * Theory of operation
 *
 * Each forward (from -o hostfwd=, or added at run time through the
 * control socket) owns one or two host sockets: a TCP listener or a bound
 * UDP socket on its host address, and for an empty host address both
 * 0.0.0.0 and :: (QEMU listens on IPv4 only; we take both, so ::1
 * reaches the guest too).  A listener's connections are accepted here and
 * handed to the TCP engine with tcp_from_host(), with the client address
 * the guest should see: the real one, or the host address for a client
 * on the host's loopback, which the guest could not answer (nat.c).  UDP
 * datagrams are handed to udp_fwd_recv(), which keeps the flows.
 *
 * The table has FWD_MAX slots; the epoll reference of a slot's sockets
 * is twice its index, plus one for the second (IPv6) socket.  Removing a
 * forward closes its sockets; TCP connections already made through it go
 * on, UDP flows through it end.
 *
 * A listener takes at most FWD_ACCEPT_BATCH connections per event, so a
 * storm on one port cannot starve the rest of the loop.  When accept()
 * fails for want of resources (no fd or no memory left), the pending
 * connection stays in the kernel's queue and the listener would be
 * readable again at once: it is taken out of the epoll set for
 * FWD_PAUSE_MS (fwd_timer() puts it back), and the warning is given at
 * most every FWD_WARN_MS, instead of a busy loop writing one warning per
 * turn.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fwd.h"
#include "inany.h"
#include "log.h"
#include "nat.h"
#include "tcp.h"
#include "udp.h"
#include "user.h"

/* Connections accepted per event, to stay fair */
#define FWD_ACCEPT_BATCH	32
/* A listener that cannot accept (no fds, no memory) rests this long, ms */
#define FWD_PAUSE_MS		200
/* ... and says so at most this often, ms */
#define FWD_WARN_MS		10000

/**
 * struct fwd_slot - one forward
 * @used:	slot in use
 * @rule:	the rule; host_port is the bound port (if 0 was asked)
 * @fd:		its sockets (IPv4 and IPv6), -1 if not used
 * @resume:	when a paused listener is put back (ms), 0 if not paused
 */
static struct fwd_slot {
	int used;
	struct opts_fwd rule;
	int fd[2];
	uint64_t resume[2];
} fwd_tab[FWD_MAX];

/* Listeners paused (fwd_slot.resume set) */
static unsigned int fwd_paused;

/**
 * fwd_same() - whether two rules name the same forward
 * @a:		rule
 * @b:		rule
 *
 * Return: 1 if protocol, host address and host port match
 */
static int fwd_same(const struct opts_fwd *a, const struct opts_fwd *b)
{
	return a->udp == b->udp && a->host_port == b->host_port &&
	       a->host_any == b->host_any &&
	       (a->host_any || inany_eq(&a->host, &b->host));
}

/**
 * fwd_socket() - one bound (and for TCP, listening) socket
 * @f:		the rule
 * @v6:		bind the IPv6 wildcard (for host_any), or the rule's address
 * @port:	port to bind
 * @err:	message buffer
 * @errlen:	its size
 *
 * Return: the fd, or -errno with @err set
 */
static int fwd_socket(const struct opts_fwd *f, int v6, uint16_t port,
		      char *err, size_t errlen)
{
	struct sockaddr_storage ss = { 0 };
	int fd, rc, one = 1, family;
	socklen_t sl;

	if (f->host_any ? !v6 : inany_is4(&f->host)) {
		struct sockaddr_in *sin = (struct sockaddr_in *)&ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		if (!f->host_any)
			sin->sin_addr = inany_to4(&f->host);
		sl = sizeof(*sin);
	} else {
		struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;

		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		if (!f->host_any)
			sin6->sin6_addr = f->host;
		sl = sizeof(*sin6);
	}
	family = ss.ss_family;
	fd = socket(family, (f->udp ? SOCK_DGRAM : SOCK_STREAM) |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		rc = -errno;
		goto fail;
	}
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) ||
	    (!f->udp && listen(fd, 1024))) {
		rc = -errno;
		close(fd);
		goto fail;
	}
	return fd;
fail:
	snprintf(err, errlen, "cannot %s %s port %u: %s",
		 f->udp ? "bind UDP" : "listen on TCP",
		 family == AF_INET6 ? "IPv6" : "IPv4", port, strerror(-rc));
	return rc;
}

/**
 * fwd_bound_port() - the port a socket is bound to
 * @fd:		socket
 *
 * Return: the port, 0 if unknown
 */
static uint16_t fwd_bound_port(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return 0;
	if (ss.ss_family == AF_INET)
		return ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

/**
 * fwd_close_slot() - close a slot's sockets and free it
 * @c:		context
 * @s:		slot
 */
static void fwd_close_slot(struct user_ctx *c, struct fwd_slot *s)
{
	int i;

	for (i = 0; i < 2; i++) {
		if (s->resume[i]) {
			s->resume[i] = 0;
			fwd_paused--;
		}
		if (s->fd[i] < 0)
			continue;
		if (s->rule.udp)
			udp_fwd_gone(c, s->fd[i]);
		user_epoll_del(c, s->fd[i]);
		close(s->fd[i]);
		s->fd[i] = -1;
	}
	s->used = 0;
}

/**
 * fwd_add() - start forwarding a host port into the guest
 * @c:		context
 * @f:		the rule (guest address already filled in)
 * @err:	message buffer, set on failure
 * @errlen:	its size
 *
 * With an empty host address, the IPv4 socket binds first; with port 0
 * the IPv6 one takes the port the kernel chose for it.  If the IPv6
 * wildcard cannot be bound (IPv6 off on the host), IPv4 alone will do.
 *
 * Return: slot index (>= 0), or -errno with @err set (-EEXIST: the same
 * host port is forwarded already)
 */
int fwd_add(struct user_ctx *c, const struct opts_fwd *f, char *err,
	    size_t errlen)
{
	enum user_ref_type type = f->udp ? REF_UDP_LISTEN : REF_TCP_LISTEN;
	struct fwd_slot *s = NULL;
	unsigned int i;
	int rc;

	for (i = 0; i < FWD_MAX; i++) {
		if (fwd_tab[i].used && f->host_port &&
		    fwd_same(&fwd_tab[i].rule, f)) {
			snprintf(err, errlen, "%s port %u is forwarded already",
				 f->udp ? "UDP" : "TCP", f->host_port);
			return -EEXIST;
		}
		if (!s && !fwd_tab[i].used)
			s = &fwd_tab[i];
	}
	if (!s) {
		snprintf(err, errlen, "too many forwards (at most %d)", FWD_MAX);
		return -ENOSPC;
	}
	s->rule = *f;
	s->fd[0] = s->fd[1] = -1;
	s->resume[0] = s->resume[1] = 0;
	rc = fwd_socket(f, 0, f->host_port, err, errlen);
	if (rc < 0)
		return rc;
	s->fd[0] = rc;
	s->rule.host_port = fwd_bound_port(rc);
	if (f->host_any) {
		char e6[128];

		rc = fwd_socket(f, 1, s->rule.host_port, e6, sizeof(e6));
		if (rc >= 0)
			s->fd[1] = rc;
		else if (rc != -EAFNOSUPPORT && rc != -EADDRNOTAVAIL)
			log_warn("hostfwd %s", e6);
	}
	s->used = 1;
	for (i = 0; i < 2; i++) {
		if (s->fd[i] < 0)
			continue;
		rc = user_epoll_add(c, s->fd[i], EPOLLIN, type,
				    (uint32_t)(s - fwd_tab) * 2 + i);
		if (rc) {
			snprintf(err, errlen, "epoll: %s", strerror(-rc));
			fwd_close_slot(c, s);
			return rc;
		}
	}
	return (int)(s - fwd_tab);
}

/**
 * fwd_del() - stop a forward
 * @c:		context
 * @f:		rule naming it (protocol, host address and port)
 *
 * Return: 0, or -ENOENT if there is no such forward
 */
int fwd_del(struct user_ctx *c, const struct opts_fwd *f)
{
	unsigned int i;

	for (i = 0; i < FWD_MAX; i++) {
		if (fwd_tab[i].used && fwd_same(&fwd_tab[i].rule, f)) {
			fwd_close_slot(c, &fwd_tab[i]);
			return 0;
		}
	}
	return -ENOENT;
}

/**
 * fwd_foreach() - call @cb for every forward
 * @c:		context
 * @cb:		callback; a non-zero return stops
 * @arg:	its argument
 *
 * Return: 0, or what @cb returned
 */
int fwd_foreach(const struct user_ctx *c, fwd_cb cb, void *arg)
{
	unsigned int i;
	int rc;

	(void)c;
	for (i = 0; i < FWD_MAX; i++) {
		if (!fwd_tab[i].used)
			continue;
		rc = cb(&fwd_tab[i].rule, arg);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * fwd_rule() - the rule of a forward, as bound
 * @slot:	what fwd_add() returned
 *
 * Return: the rule (host_port is the bound port), NULL if no such slot
 */
const struct opts_fwd *fwd_rule(int slot)
{
	if (slot < 0 || slot >= FWD_MAX || !fwd_tab[slot].used)
		return NULL;
	return &fwd_tab[slot].rule;
}

/**
 * fwd_pause() - rest a listener that cannot accept for FWD_PAUSE_MS
 * @c:		context
 * @s:		the forward
 * @i:		which of its sockets (0 or 1)
 * @err:	accept()'s errno
 */
static void fwd_pause(struct user_ctx *c, struct fwd_slot *s, unsigned int i,
		      int err)
{
	static uint64_t warned_ms;
	uint32_t idx = (uint32_t)(s - fwd_tab) * 2 + i;

	if (!warned_ms || c->now_ms - warned_ms >= FWD_WARN_MS) {
		log_warn("hostfwd TCP port %u: cannot accept: %s; pausing it",
			 s->rule.host_port, strerror(err));
		warned_ms = c->now_ms;
	}
	if (s->resume[i] || user_epoll_mod(c, s->fd[i], 0, REF_TCP_LISTEN, idx))
		return;
	s->resume[i] = c->now_ms + FWD_PAUSE_MS;
	fwd_paused++;
}

/**
 * fwd_timer() - put paused listeners back in the epoll set when due
 * @c:		context
 */
void fwd_timer(struct user_ctx *c)
{
	unsigned int i, j;

	for (i = 0; fwd_paused && i < FWD_MAX; i++) {
		struct fwd_slot *s = &fwd_tab[i];

		for (j = 0; j < 2; j++) {
			if (!s->resume[j] || c->now_ms < s->resume[j])
				continue;
			s->resume[j] = 0;
			fwd_paused--;
			if (user_epoll_mod(c, s->fd[j], EPOLLIN, REF_TCP_LISTEN,
					   i * 2 + j))
				log_warn("hostfwd TCP port %u: cannot resume "
					 "listening", s->rule.host_port);
		}
	}
}

/**
 * fwd_accept() - hand connections on a TCP listener to the TCP engine
 * @c:		context
 * @s:		the forward
 * @si:		which of its sockets (0 or 1)
 */
static void fwd_accept(struct user_ctx *c, struct fwd_slot *s, unsigned int si)
{
	const struct opts_fwd *f = &s->rule;
	int i, cfd, rc, fd = s->fd[si];

	for (i = 0; i < FWD_ACCEPT_BATCH; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct in6_addr src;
		uint16_t sport;

		cfd = accept4(fd, (struct sockaddr *)&ss, &sl,
			      SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (cfd < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				fwd_pause(c, s, si, errno);
			else if (errno != EAGAIN && errno != EINTR &&
				 errno != ECONNABORTED)
				log_warn("hostfwd accept: %s", strerror(errno));
			return;
		}
		nat_from_host(c, (struct sockaddr *)&ss, &src, &sport);
		/* a client of the other family than the guest's address
		 * is seen as coming from the host address of the guest's */
		if (inany_is4(&src) != inany_is4(&f->guest))
			src = inany_is4(&f->guest) ? inany_from4(c->o->host)
						   : c->o->host6;
		rc = tcp_from_host(c, cfd, &src, sport, &f->guest,
				   f->guest_port);
		if (rc < 0)
			log_debug("hostfwd: connection dropped: %s",
				  strerror(-rc));
	}
}

/**
 * fwd_event() - a forward's socket is readable
 * @c:		context
 * @type:	REF_TCP_LISTEN or REF_UDP_LISTEN
 * @idx:	slot
 * @events:	epoll events
 */
void fwd_event(struct user_ctx *c, enum user_ref_type type, uint32_t idx,
	       uint32_t events)
{
	struct fwd_slot *s;
	unsigned int i = idx % 2;

	(void)events;
	if (idx / 2 >= FWD_MAX || !fwd_tab[idx / 2].used)
		return;
	s = &fwd_tab[idx / 2];
	if (s->fd[i] < 0)
		return;
	if (type == REF_TCP_LISTEN)
		fwd_accept(c, s, i);
	else
		udp_fwd_recv(c, s->fd[i], &s->rule);
}

/**
 * fwd_fini() - close every forward
 * @c:		context
 */
void fwd_fini(struct user_ctx *c)
{
	unsigned int i;

	for (i = 0; i < FWD_MAX; i++)
		if (fwd_tab[i].used)
			fwd_close_slot(c, &fwd_tab[i]);
}
