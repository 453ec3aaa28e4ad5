/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_NETD_H
#define TAPIR_NETD_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/socket.h>

struct netd;

/**
 * struct netd_ev - a descriptor watched by the event loop
 * @fd:		the descriptor
 * @fn:		called with the events that happened
 */
struct netd_ev {
	int fd;
	void (*fn)(struct netd *nd, struct netd_ev *ev, uint32_t events);
};

/**
 * struct netd - the event loop of one network's service
 * @epfd:	epoll instance
 * @sig:	signalfd for SIGTERM, SIGINT and SIGHUP
 * @timer:	timerfd ticking once a second
 * @stop:	set by SIGTERM and SIGINT
 * @hup:	set by SIGHUP, cleared by whoever handles it
 * @now:	wall-clock time, updated once per wake-up
 * @tick:	called once a second, may be NULL
 * @tick_arg:	passed to @tick
 */
struct netd {
	int epfd;
	struct netd_ev sig;
	struct netd_ev timer;
	int stop;
	int hup;
	time_t now;
	void (*tick)(struct netd *nd, void *arg);
	void *tick_arg;
};

int netd_init(struct netd *nd);
int netd_add(struct netd *nd, struct netd_ev *ev, uint32_t events);
void netd_del(struct netd *nd, struct netd_ev *ev);
int netd_loop(struct netd *nd);
void netd_fini(struct netd *nd);

#endif /* TAPIR_NETD_H */
