// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * loop.c - tapir-user's epoll loop
 *
 * Theory of operation
 *
 * One epoll set holds every fd of the process: the transport, host
 * sockets of flows, hostfwd listeners, the control socket, a timerfd and
 * a signalfd.  Each registration carries a union user_ref (user.h), and
 * loop_run() hands each event to the module that owns that kind of fd.
 * The timerfd ticks every LOOP_TICK_MS; each tick updates the clocks in
 * the context and runs every module's timer.  SIGTERM and SIGINT end the
 * loop; SIGCHLD is passed to the namespace code, which ends the loop when
 * the command of "tapir user -- COMMAND" exits.
 *
 * One iteration handles what one epoll_wait() returned (the transport
 * reads up to a batch of frames for its event) and then calls
 * tcp_flush(): ACKs, and data an ACK let through, wait for that point
 * (c->defer), so that a batch costs one of each per flow.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "fwd.h"
#include "icmp.h"
#include "inany.h"
#include "log.h"
#include "loop.h"
#include "ns.h"
#include "tcp.h"
#include "transport.h"
#include "udp.h"
#include "user.h"

/* Events handled per epoll_wait() */
#define LOOP_EVENTS	128

static int loop_timerfd = -1;
static int loop_sigfd = -1;

/**
 * user_epoll_add() - register @fd in the epoll set
 * @c:		context
 * @fd:		file descriptor
 * @events:	EPOLLIN, EPOLLOUT, ...
 * @type:	what the fd is
 * @idx:	index in the owner's table
 *
 * Return: 0 or -errno
 */
int user_epoll_add(struct user_ctx *c, int fd, uint32_t events,
		   enum user_ref_type type, uint32_t idx)
{
	union user_ref ref = { .type = type, .idx = idx };
	struct epoll_event ev = { .events = events, .data.u64 = ref.u64 };

	return epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev) ? -errno : 0;
}

/**
 * user_epoll_mod() - change the events or the reference of @fd
 * @c:		context
 * @fd:		a registered file descriptor
 * @events:	new events
 * @type:	what the fd is
 * @idx:	index in the owner's table
 *
 * Return: 0 or -errno
 */
int user_epoll_mod(struct user_ctx *c, int fd, uint32_t events,
		   enum user_ref_type type, uint32_t idx)
{
	union user_ref ref = { .type = type, .idx = idx };
	struct epoll_event ev = { .events = events, .data.u64 = ref.u64 };

	return epoll_ctl(c->epfd, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

/**
 * user_epoll_del() - remove @fd from the epoll set (before closing it)
 * @c:		context
 * @fd:		file descriptor
 */
void user_epoll_del(struct user_ctx *c, int fd)
{
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, fd, NULL);
}

/**
 * loop_clock() - update the context's clocks
 * @c:		context
 */
void loop_clock(struct user_ctx *c)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	c->now_ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	c->now = time(NULL);
}

/**
 * loop_ctx_init() - a context for @o, with what derives from the options
 * @c:		context, cleared first
 * @o:		finished options
 *
 * Our MAC is SLIRP's: 52:55 and the host address; the guest's address is
 * the first DHCP address until it shows another; the host address reaches
 * the host's loopback unless restrict=on or --no-host-loopback.  The
 * epoll set is made by loop_init(), the resolver is the caller's.
 */
void loop_ctx_init(struct user_ctx *c, const struct user_opts *o)
{
	memset(c, 0, sizeof(*c));
	c->o = o;
	c->epfd = -1;
	c->mac[0] = 0x52;
	c->mac[1] = 0x55;
	memcpy(&c->mac[2], &o->host, 4);
	c->guest4 = inany_from4(o->dhcpstart);
	c->host_loopback = !o->restrict_ && !o->no_host_loopback;
	c->resolver_port = 53;
}

/**
 * loop_init() - create the epoll set, the tick timer and the signalfd
 * @c:		context
 *
 * SIGTERM, SIGINT, SIGCHLD and SIGPIPE are blocked; the first three are
 * read from the signalfd, SIGPIPE never arrives (sends use MSG_NOSIGNAL,
 * and a blocked SIGPIPE cannot kill us on a write to a closed stream).
 *
 * Return: 0 or -errno
 */
int loop_init(struct user_ctx *c)
{
	struct itimerspec it = {
		.it_interval = { 0, LOOP_TICK_MS * 1000000L },
		.it_value = { 0, LOOP_TICK_MS * 1000000L },
	};
	sigset_t set;
	int rc;

	c->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (c->epfd < 0)
		return -errno;
	loop_clock(c);

	loop_timerfd = timerfd_create(CLOCK_MONOTONIC,
				      TFD_NONBLOCK | TFD_CLOEXEC);
	if (loop_timerfd < 0 || timerfd_settime(loop_timerfd, 0, &it, NULL))
		return -errno;
	rc = user_epoll_add(c, loop_timerfd, EPOLLIN, REF_TIMER, 0);
	if (rc)
		return rc;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	sigdelset(&set, SIGPIPE);
	loop_sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (loop_sigfd < 0)
		return -errno;
	return user_epoll_add(c, loop_sigfd, EPOLLIN, REF_SIGNAL, 0);
}

/**
 * loop_tick() - the timer fired: run every module's timers
 * @c:		context
 */
static void loop_tick(struct user_ctx *c)
{
	uint64_t n;

	if (read(loop_timerfd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		log_warn("timerfd: %s", strerror(errno));
	loop_clock(c);
	tcp_timer(c);
	udp_timer(c);
	icmp_timer(c);
	fwd_timer(c);
	transport_timer(c);
}

/**
 * loop_signal() - read pending signals
 * @c:		context
 *
 * Return: 1 to stop the loop, 0 to go on
 */
static int loop_signal(struct user_ctx *c)
{
	struct signalfd_siginfo si;
	int stop = 0;

	while (read(loop_sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD) {
			if (ns_child_exited(c))
				stop = 1;
		} else {
			log_info("signal %u: shutting down", si.ssi_signo);
			stop = 1;
		}
	}
	return stop;
}

/**
 * loop_run() - serve until a signal, or the command, ends it
 * @c:		context
 *
 * Return: 0, or -errno if epoll failed
 */
int loop_run(struct user_ctx *c)
{
	struct epoll_event ev[LOOP_EVENTS];
	int n, i;

	c->defer = 1;
	for (;;) {
		n = epoll_wait(c->epfd, ev, LOOP_EVENTS, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		loop_clock(c);
		for (i = 0; i < n; i++) {
			union user_ref ref = { .u64 = ev[i].data.u64 };
			uint32_t e = ev[i].events;

			switch (ref.type) {
			case REF_TRANSPORT_LISTEN:
			case REF_TRANSPORT:
				transport_event(c, ref.type, e);
				break;
			case REF_TCP:
				tcp_sock_event(c, ref.idx, e);
				break;
			case REF_UDP:
				udp_sock_event(c, ref.idx, e);
				break;
			case REF_ICMP:
				icmp_sock_event(c, ref.idx, e);
				break;
			case REF_TCP_LISTEN:
			case REF_UDP_LISTEN:
				fwd_event(c, ref.type, ref.idx, e);
				break;
			case REF_CTL_LISTEN:
			case REF_CTL:
				ctl_event(c, ref.type, ref.idx, e);
				break;
			case REF_TIMER:
				loop_tick(c);
				break;
			case REF_SIGNAL:
				if (loop_signal(c))
					return 0;
				break;
			default:
				break;
			}
		}
		tcp_flush(c);
	}
}
