// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netd.c - the event loop of a network's service
 *
 * Theory of operation
 *
 * "tapir net run" serves one network from one thread: a single epoll
 * instance watches the DHCP and DNS sockets (dhcpd.c, dnsd.c), a signalfd
 * and a timerfd.  Each watched descriptor is a struct netd_ev embedded in
 * the module that owns it, and epoll hands back a pointer to it, so
 * dispatch is one indirect call.  Signals are blocked and read from the
 * signalfd, so they never interrupt a handler: SIGTERM and SIGINT end the
 * loop (the service then tears the network down), SIGHUP sets a flag for
 * the modules to re-read what they read from the system (resolv.conf).
 * The timer ticks once a second for timeouts and housekeeping.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

#include "log.h"
#include "netd.h"

/**
 * netd_signal() - handle the signalfd
 * @nd:		event loop
 * @ev:		the signalfd's entry
 * @events:	epoll events
 */
static void netd_signal(struct netd *nd, struct netd_ev *ev, uint32_t events)
{
	struct signalfd_siginfo si;

	(void)events;
	while (read(ev->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			nd->hup = 1;
		} else {
			log_info("signal %u: stopping", si.ssi_signo);
			nd->stop = 1;
		}
	}
}

/**
 * netd_timer() - handle the once-a-second timer
 * @nd:		event loop
 * @ev:		the timerfd's entry
 * @events:	epoll events
 */
static void netd_timer(struct netd *nd, struct netd_ev *ev, uint32_t events)
{
	uint64_t n;

	(void)events;
	if (read(ev->fd, &n, sizeof(n)) != sizeof(n))
		return;
	if (nd->tick)
		nd->tick(nd, nd->tick_arg);
}

/**
 * netd_init() - set up the loop, its signals and its timer
 * @nd:		event loop to initialise
 *
 * Return: 0, or -errno
 */
int netd_init(struct netd *nd)
{
	struct itimerspec its = { { 1, 0 }, { 1, 0 } };
	sigset_t set;
	int rc;

	memset(nd, 0, sizeof(*nd));
	nd->sig.fd = nd->timer.fd = -1;
	nd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (nd->epfd < 0)
		return -errno;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	nd->sig.fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	nd->sig.fn = netd_signal;
	nd->timer.fd = timerfd_create(CLOCK_MONOTONIC,
				      TFD_NONBLOCK | TFD_CLOEXEC);
	nd->timer.fn = netd_timer;
	if (nd->sig.fd < 0 || nd->timer.fd < 0 ||
	    timerfd_settime(nd->timer.fd, 0, &its, NULL)) {
		rc = -errno;
		netd_fini(nd);
		return rc;
	}
	rc = netd_add(nd, &nd->sig, EPOLLIN);
	if (!rc)
		rc = netd_add(nd, &nd->timer, EPOLLIN);
	if (rc)
		netd_fini(nd);
	nd->now = time(NULL);
	return rc;
}

/**
 * netd_add() - watch a descriptor
 * @nd:		event loop
 * @ev:		entry; its fd and fn must be set
 * @events:	epoll events to wait for
 *
 * Return: 0, or -errno
 */
int netd_add(struct netd *nd, struct netd_ev *ev, uint32_t events)
{
	struct epoll_event e = { .events = events, .data.ptr = ev };

	return epoll_ctl(nd->epfd, EPOLL_CTL_ADD, ev->fd, &e) ? -errno : 0;
}

/**
 * netd_del() - stop watching a descriptor (before closing it)
 * @nd:		event loop
 * @ev:		entry
 */
void netd_del(struct netd *nd, struct netd_ev *ev)
{
	if (ev->fd >= 0)
		epoll_ctl(nd->epfd, EPOLL_CTL_DEL, ev->fd, NULL);
}

/**
 * netd_loop() - dispatch events until SIGTERM or SIGINT
 * @nd:		event loop
 *
 * Return: 0, or -errno if epoll fails
 */
int netd_loop(struct netd *nd)
{
	struct epoll_event e[64];
	int n, i;

	while (!nd->stop) {
		n = epoll_wait(nd->epfd, e, 64, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		nd->now = time(NULL);
		for (i = 0; i < n && !nd->stop; i++) {
			struct netd_ev *ev = e[i].data.ptr;

			ev->fn(nd, ev, e[i].events);
		}
	}
	return 0;
}

/**
 * netd_fini() - close the loop's own descriptors
 * @nd:		event loop
 */
void netd_fini(struct netd *nd)
{
	if (nd->sig.fd >= 0)
		close(nd->sig.fd);
	if (nd->timer.fd >= 0)
		close(nd->timer.fd);
	if (nd->epfd >= 0)
		close(nd->epfd);
	nd->sig.fd = nd->timer.fd = nd->epfd = -1;
}
