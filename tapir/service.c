// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * service.c - tapir net run: bring a network up, serve it, take it down
 *
 * Theory of operation
 *
 * One process serves one network, in the foreground ("tapir net run NAME",
 * what systemd's tapir-net@NAME.service runs) or detached ("tapir net up"
 * starts the same thing in the background and waits until it is ready):
 *
 * 1. take the lock (lock.c), unless "up" forked us holding it;
 * 2. if a previous service of this network died without tearing down
 *    (kill -9, a crash), replay its undo journal first;
 * 3. plan (plan.c) and set up (setup.c), journaling each step; on any
 *    error undo what was done and exit 1, leaving nothing behind;
 * 4. start the DHCP server and DNS forwarder (dhcpd.c, dnsd.c), while
 *    setup.c's thread loads the firewall table; wait for it;
 * 5. mark the state ready, release the lock, and say so: "READY" on the
 *    pipe from "up", READY=1 to systemd's NOTIFY_SOCKET;
 * 6. serve until SIGTERM or SIGINT (netd.c);
 * 7. take the lock, stop the servers, undo the journal, remove the state.
 *    The servers stop in a thread while the journal is undone: closing the
 *    DHCP server's packet socket waits for an RCU grace period (about
 *    12 ms), as do the undo steps (undo.c), and the waits overlap.
 *
 * Errors before READY also go down the pipe, prefixed "ERROR ", so "up"
 * can print them.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "conf.h"
#include "dhcpd.h"
#include "dnsd.h"
#include "lock.h"
#include "log.h"
#include "netd.h"
#include "plan.h"
#include "service.h"
#include "setup.h"
#include "undo.h"

/**
 * service_notify() - tell whoever waits that the network is ready or not
 * @fd:		the readiness pipe from "up", or -1
 * @msg:	"READY", or the error message
 * @ok:		non-zero for ready
 */
static void service_notify(int fd, const char *msg, int ok)
{
	const char *sock = getenv("NOTIFY_SOCKET");

	if (fd >= 0) {
		dprintf(fd, "%s%s\n", ok ? "" : "ERROR ", msg);
		close(fd);
	}
	if (ok && sock && (sock[0] == '/' || sock[0] == '@') &&
	    strlen(sock) < sizeof(((struct sockaddr_un *)0)->sun_path)) {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

		strcpy(a.sun_path, sock);
		if (a.sun_path[0] == '@')	/* abstract namespace */
			a.sun_path[0] = '\0';
		if (s >= 0) {
			sendto(s, "READY=1", 7, 0, (struct sockaddr *)&a,
			       (socklen_t)(offsetof(struct sockaddr_un,
						    sun_path) + strlen(sock)));
			close(s);
		}
	}
}

/**
 * service_recover() - undo what a dead service of a network left behind
 * @st:		loaded state, whose owner is not running
 * @name:	network name
 *
 * Return: 0 if everything was undone and the state removed, or -errno
 */
int service_recover(struct state *st, const char *name)
{
	struct nl nl;
	int rc;

	log_warn("network %s: its service ended without taking the network "
		 "down; undoing what it left", name);
	rc = nl_open(&nl);
	if (rc)
		return rc;
	rc = undo_run(st, &nl);
	nl_close(&nl);
	if (!rc)
		rc = state_remove(st);
	return rc;
}

/**
 * service_tick() - once a second: DNS timeouts and resolv.conf
 * @nd:		event loop
 * @arg:	the DNS forwarder
 */
static void service_tick(struct netd *nd, void *arg)
{
	dnsd_tick(arg);
	nd->hup = 0;
}

/**
 * struct service_servers - what service_stop() stops
 * @dns:	DNS forwarder (freed)
 * @dhcp:	DHCP server
 * @nd:		event loop
 */
struct service_servers {
	struct dnsd *dns;
	struct dhcpd *dhcp;
	struct netd *nd;
};

/**
 * service_stop() - stop the servers and the event loop
 * @arg:	struct service_servers
 *
 * Return: NULL (it runs as a thread)
 */
static void *service_stop(void *arg)
{
	struct service_servers *sv = arg;

	dnsd_stop(sv->dns, sv->nd);
	free(sv->dns);
	dhcpd_stop(sv->dhcp, sv->nd);
	netd_fini(sv->nd);
	return NULL;
}

/**
 * service_run() - tapir net run NAME
 * @t:		global options
 * @name:	network name
 * @notify_fd:	pipe to "up", or -1
 * @lock_fd:	the lock, taken by "up", or -1 to take it here
 *
 * Return: exit status
 */
int service_run(struct tapir *t, const char *name, int notify_fd,
		int lock_fd)
{
	char err[8192] = "";
	struct dhcpd dhcp = { .ev.fd = -1, .pkt = -1 };
	struct dnsd *dns = NULL;
	struct nl nl = { 0 };
	struct nl_link br;
	struct conf conf;
	struct state st = { .root = NULL };
	struct netd nd;
	struct plan p;
	int rc, ret = EXIT_FAIL, pid, up = 0, served = 0, stopping = 0;
	struct service_servers sv;
	struct setup su = { .fw_running = 0 };
	pthread_t stopper;
	sigset_t sigs;

	/* A stop request during setup is handled once the network is up
	 * (netd.c reads these from a signalfd): never half-way through. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGHUP);
	sigprocmask(SIG_BLOCK, &sigs, NULL);

	dns = dnsd_new();
	if (!dns)
		return EXIT_FAIL;
	conf_init(&conf);
	memset(&nd, 0, sizeof(nd));
	nd.epfd = nd.sig.fd = nd.timer.fd = -1;

	if (conf_load(&conf, t->config)) {
		snprintf(err, sizeof(err), "%s", conf.err);
		goto fail;
	}
	if (!conf_net(&conf, name)) {
		snprintf(err, sizeof(err), "no network named '%s' in %s",
			 name, t->config);
		goto fail;
	}
	if (lock_fd < 0) {
		lock_fd = lock_take(t->rundir);
		if (lock_fd < 0) {
			snprintf(err, sizeof(err), "cannot lock %s: %s",
				 t->rundir, strerror(-lock_fd));
			goto fail;
		}
	}

	rc = state_init(&st, t->rundir, name);
	if (rc) {
		snprintf(err, sizeof(err), "cannot use %s: %s", t->rundir,
			 strerror(-rc));
		goto fail;
	}
	rc = state_load(&st);
	if (!rc && (pid = state_owner_alive(&st)) && pid != getpid()) {
		snprintf(err, sizeof(err), "network %s is already up, served "
			 "by process %d", name, pid);
		goto fail;
	}
	if (!rc && service_recover(&st, name)) {
		snprintf(err, sizeof(err), "network %s: cannot undo what a "
			 "previous run left; see the messages above", name);
		goto fail;
	}
	state_free(&st);
	rc = state_init(&st, t->rundir, name);
	if (rc)
		goto fail;
	state_set_owner(&st, getpid());

	rc = nl_open(&nl);
	if (rc) {
		snprintf(err, sizeof(err), "netlink: %s", strerror(-rc));
		goto fail;
	}
	rc = plan_make(&conf, name, &nl, t->statedir, &p, err, sizeof(err));
	if (rc)
		goto fail;
	rc = state_save(&st);
	if (rc) {
		snprintf(err, sizeof(err), "cannot write %s: %s", st.path,
			 strerror(-rc));
		goto fail;
	}
	up = 1;
	rc = setup_up(&su, &p, &st, &nl, err, sizeof(err));
	if (rc)
		goto fail;

	rc = netd_init(&nd);
	if (rc) {
		snprintf(err, sizeof(err), "event loop: %s", strerror(-rc));
		goto fail;
	}
	nd.tick = service_tick;
	nd.tick_arg = dns;
	if (p.net.mode != CONF_BRIDGE) {
		rc = nl_link_get(&nl, p.net.bridge, &br);
		if (!rc && p.net.dhcp)
			rc = dhcpd_start(&dhcp, &nd, &p, t->statedir,
					 br.ifindex, err, sizeof(err));
		if (!rc && p.net.dns)
			rc = dnsd_start(dns, &nd, &p, dhcp.ls, err,
					sizeof(err));
		if (rc)
			goto fail;
	}

	rc = setup_finish(&su, &p, &st, err, sizeof(err));
	if (rc)
		goto fail;
	state_set_ready(&st);
	state_save(&st);
	lock_release(lock_fd);
	lock_fd = -1;
	log_info("network %s is up: %s %s", name, conf_mode_name(p.net.mode),
		 p.net.bridge);
	service_notify(notify_fd, "READY", 1);
	notify_fd = -1;
	served = 1;

	rc = netd_loop(&nd);
	if (rc)
		log_err("event loop: %s", strerror(-rc));
	ret = EXIT_OK;

fail:
	if (su.fw_running) {		/* joined before its table is undone */
		char ferr[sizeof(su.err)];

		if (setup_join(&su, ferr, sizeof(ferr)) && !err[0])
			snprintf(err, sizeof(err), "%s", ferr);
	}
	if (!served && err[0]) {
		log_err("%s", err);
		service_notify(notify_fd, err, 0);
	}
	sv = (struct service_servers){ dns, &dhcp, &nd };
	if (!up || pthread_create(&stopper, NULL, service_stop, &sv))
		service_stop(&sv);
	else
		stopping = 1;
	if (up) {
		if (lock_fd < 0)
			lock_fd = lock_take(t->rundir);
		if (undo_run(&st, &nl)) {
			log_err("network %s: some steps could not be undone; "
				"'tapir net down %s' tries again", name, name);
			ret = EXIT_FAIL;
		} else {
			state_remove(&st);
			if (served)
				log_info("network %s is down", name);
		}
	}
	if (stopping)
		pthread_join(stopper, NULL);
	lock_release(lock_fd);
	nl_close(&nl);
	state_free(&st);
	conf_free(&conf);
	return ret;
}
