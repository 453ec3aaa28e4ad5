// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ns.c - a tap inside a network namespace, for --netns and "-- COMMAND"
 *
 * Theory of operation
 *
 * tapir-user's own sockets must stay in the namespace it was started in
 * (they are the "host" side), while the tap must live in the guest's
 * namespace.  An unprivileged process cannot enter a namespace and come
 * back, so a short-lived child does the work: it joins (--netns) or
 * creates ("--") the user and network namespaces, opens the tap there,
 * configures it through netlink, and passes the tap's fd back over a
 * socketpair (SCM_RIGHTS).  The tap keeps working in its namespace
 * whoever holds the fd.
 *
 * --netns PID|PATH: PID names /proc/PID/ns/net; a PATH is a namespace
 * file (/run/netns/NAME, /proc/PID/ns/net).  The user namespace to join
 * is the one owning that network namespace (NS_GET_USERNS), unless it is
 * ours already.  The child exits once the fd is sent.
 *
 * "-- COMMAND": the child unshares a user namespace (mapping our uid and
 * gid to root, as pasta and "unshare -r" do), a network namespace and a
 * mount namespace, where it bind-mounts a resolv.conf naming our DNS
 * address over /etc/resolv.conf.  After sending the fd it waits for one
 * byte from us (ns_go(): the loop is ready) and execs COMMAND.  Its exit
 * ends tapir-user with the same status (ns_child_exited()).
 *
 * Configuration (unless --no-configure): lo up; the tap's MTU; the first
 * DHCP address with the network's prefix length; a default route via the
 * host address; the link up.  IPv6 configures itself from our router
 * advertisements (SLAAC) once the link is up.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/nsfs.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "nl.h"
#include "nl_addr.h"
#include "nl_route.h"
#include "ns.h"
#include "sandbox.h"
#include "tap.h"
#include "user.h"

static pid_t ns_child = -1;	/* the command of "-- COMMAND" */
static int ns_go_fd = -1;	/* tells it to exec */
static int ns_status = -1;	/* its exit status, as a shell gives it */

/**
 * ns_prefixlen() - the prefix length of a netmask
 * @mask:	netmask, network order
 *
 * Return: number of leading one bits
 */
static unsigned int ns_prefixlen(struct in_addr mask)
{
	return (unsigned int)__builtin_popcount(mask.s_addr);
}

/**
 * ns_make_tap() - in the guest's namespace: open and configure the tap
 * @c:		context (options)
 * @cfg:	tap settings
 *
 * Return: the tap fd, or -errno
 */
static int ns_make_tap(const struct user_ctx *c, const struct ns_cfg *cfg)
{
	const struct user_opts *o = c->o;
	struct nl_link_change chg = { .mtu = o->mtu, .up = 1 };
	char name[IFNAME_MAX + 1];
	struct nl_link link;
	struct nl nl;
	int fd, rc;

	/* the virtio-net header carries offloads: see transport.c */
	fd = tap_open(cfg->ifname, TAP_EXCL | TAP_VNET_HDR, name, NULL);
	if (fd < 0) {
		log_err("cannot create tap %s: %s", cfg->ifname, strerror(-fd));
		return fd;
	}
	rc = nl_open(&nl);
	if (rc) {
		log_err("netlink: %s", strerror(-rc));
		close(fd);
		return rc;
	}
	if (cfg->mac[0] || cfg->mac[1] || cfg->mac[2]) {
		memcpy(chg.addr, cfg->mac, 6);
		chg.set_addr = 1;
	}
	rc = nl_link_set_up(&nl, "lo", 1);
	if (!rc)
		rc = nl_link_set(&nl, name, &chg);
	if (!rc)
		rc = nl_link_get(&nl, name, &link);
	if (!rc && cfg->configure && o->ipv4) {
		struct nl_addr a;
		struct nl_route r = { 0 };

		nl_addr_make4(&a, o->dhcpstart, ns_prefixlen(o->mask));
		a.ifindex = link.ifindex;
		rc = nl_addr_add(&nl, &a);
		r.family = AF_INET;
		r.table = RT_TABLE_MAIN;
		r.protocol = RTPROT_BOOT;
		r.scope = RT_SCOPE_UNIVERSE;
		r.type = RTN_UNICAST;
		r.oif = link.ifindex;
		r.has = NL_RT_GATEWAY | NL_RT_OIF;
		memcpy(r.gateway, &o->host, 4);
		if (!rc)
			rc = nl_route_add(&nl, &r);
	}
	nl_close(&nl);
	if (rc) {
		log_err("cannot configure %s: %s", name, strerror(-rc));
		close(fd);
		return rc;
	}
	return fd;
}

/**
 * ns_open_target() - open the network namespace named by --netns
 * @target:	PID or path
 *
 * Return: fd of the namespace, or -errno
 */
static int ns_open_target(const char *target)
{
	char path[64];
	const char *p = target;
	int fd;

	if (target[0] && strspn(target, "0123456789") == strlen(target)) {
		snprintf(path, sizeof(path), "/proc/%s/ns/net", target);
		p = path;
	}
	fd = open(p, O_RDONLY | O_CLOEXEC);
	return fd < 0 ? -errno : fd;
}

/**
 * ns_same_userns() - whether @userns is the user namespace we are in
 * @userns:	fd of a user namespace
 *
 * Return: 1 if it is ours
 */
static int ns_same_userns(int userns)
{
	struct stat a, b;

	if (fstat(userns, &a) || stat("/proc/self/ns/user", &b))
		return 0;
	return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/**
 * ns_recv_tap() - wait for the child's tap fd, and reap it
 * @sock:	our end of the socketpair
 * @pid:	the child
 * @wait_child:	reap the child (it exits after sending)
 *
 * Return: the fd, or -errno
 */
static int ns_recv_tap(int sock, pid_t pid, int wait_child)
{
	int fd = fdpass_recv(sock), st;

	if (wait_child && waitpid(pid, &st, 0) == pid && fd >= 0 &&
	    !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		close(fd);
		fd = -EIO;
	}
	return fd;
}

/**
 * ns_join_tap() - make the tap in an existing namespace (--netns)
 * @c:		context
 * @target:	PID or namespace path
 * @cfg:	tap settings
 *
 * Return: the tap fd, or -errno (the reason was logged)
 */
int ns_join_tap(struct user_ctx *c, const char *target,
		const struct ns_cfg *cfg)
{
	int netns, userns, sock, fd, rc;
	pid_t pid;

	netns = ns_open_target(target);
	if (netns < 0) {
		log_err("--netns %s: %s", target, strerror(-netns));
		return netns;
	}
	userns = ioctl(netns, NS_GET_USERNS);
	if (userns >= 0 && ns_same_userns(userns)) {
		close(userns);
		userns = -1;
	}
	pid = fdpass_fork(&sock);
	if (pid < 0) {
		rc = (int)pid;
		goto out;
	}
	if (pid == 0) {
		if (userns >= 0 && setns(userns, CLONE_NEWUSER)) {
			log_err("cannot join the user namespace of %s: %s",
				target, strerror(errno));
			_exit(1);
		}
		if (setns(netns, CLONE_NEWNET)) {
			log_err("cannot join network namespace %s: %s",
				target, strerror(errno));
			_exit(1);
		}
		fd = ns_make_tap(c, cfg);
		if (fd < 0 || fdpass_send(sock, fd))
			_exit(1);
		_exit(0);
	}
	rc = ns_recv_tap(sock, pid, 1);
	close(sock);
	if (rc >= 0 && cfg->configure && c->o->ipv4) {
		char a[2][INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &c->o->dhcpstart, a[0], sizeof(a[0]));
		inet_ntop(AF_INET, &c->o->host, a[1], sizeof(a[1]));
		log_info("%s in %s: %s/%u, default route via %s", cfg->ifname,
			 target, a[0], ns_prefixlen(c->o->mask), a[1]);
	}
out:
	if (userns >= 0)
		close(userns);
	close(netns);
	return rc;
}

/**
 * ns_write() - write a short string to a /proc file
 * @path:	file
 * @s:		what to write
 *
 * Return: 0 or -errno
 */
static int ns_write(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		rc = -errno;
	close(fd);
	return rc;
}

/**
 * ns_resolv_conf() - in the new mount namespace: our DNS in resolv.conf
 * @c:		context
 *
 * A file with "nameserver DNS" (and the IPv6 one) is bind-mounted over
 * /etc/resolv.conf, so the command resolves through us; the file itself
 * is unlinked at once (the mount keeps it).  Failure is not fatal.
 */
static void ns_resolv_conf(const struct user_ctx *c)
{
	char tmpl[] = "/tmp/tapir-resolv.XXXXXX", a[INET6_ADDRSTRLEN];
	FILE *f;
	int fd;

	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return;
	fd = mkstemp(tmpl);
	if (fd < 0)
		return;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmpl);
		return;
	}
	if (c->o->ipv4 && inet_ntop(AF_INET, &c->o->dns, a, sizeof(a)))
		fprintf(f, "nameserver %s\n", a);
	if (c->o->ipv6 && inet_ntop(AF_INET6, &c->o->dns6, a, sizeof(a)))
		fprintf(f, "nameserver %s\n", a);
	if (c->o->domainname[0])
		fprintf(f, "search %s\n", c->o->domainname);
	fclose(f);
	chmod(tmpl, 0644);
	if (mount(tmpl, "/etc/resolv.conf", NULL, MS_BIND, NULL))
		log_warn("cannot put our resolv.conf in place: %s",
			 strerror(errno));
	unlink(tmpl);
}

/**
 * ns_spawn() - run @argv in a new user and network namespace ("--")
 * @c:		context
 * @argv:	the command
 * @cfg:	tap settings
 *
 * The command starts only after ns_go(), once the loop is ready.
 *
 * Return: the tap fd, or -errno (the reason was logged)
 */
int ns_spawn(struct user_ctx *c, char **argv, const struct ns_cfg *cfg)
{
	int sv[2], go[2], fd;
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		return -errno;
	if (pipe2(go, O_CLOEXEC)) {
		close(sv[0]);
		close(sv[1]);
		return -errno;
	}
	pid = fork();
	if (pid < 0) {
		fd = -errno;
		goto out;
	}
	if (pid == 0) {
		sigset_t all;
		char b;

		close(sv[0]);
		close(go[1]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWNS)) {
			log_err("cannot create namespaces: %s", strerror(errno));
			_exit(125);
		}
		snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)uid);
		if (ns_write("/proc/self/uid_map", map) ||
		    ns_write("/proc/self/setgroups", "deny") ||
		    (snprintf(map, sizeof(map), "0 %u 1\n", (unsigned int)gid),
		     ns_write("/proc/self/gid_map", map))) {
			log_err("cannot map user and group ids: %s",
				strerror(errno));
			_exit(125);
		}
		fd = ns_make_tap(c, cfg);
		if (fd < 0 || fdpass_send(sv[1], fd))
			_exit(125);
		close(fd);
		close(sv[1]);
		ns_resolv_conf(c);
		if (read(go[0], &b, 1) != 1)
			_exit(125);
		close(go[0]);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		sandbox_child_limits();
		execvp(argv[0], argv);
		log_err("%s: %s", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	ns_child = pid;
	close(sv[1]);
	sv[1] = -1;
	fd = ns_recv_tap(sv[0], pid, 0);
	if (fd < 0) {
		int st;

		waitpid(pid, &st, 0);
		ns_child = -1;
		log_err("could not set up the namespace for %s", argv[0]);
	}
	ns_go_fd = go[1];
	go[1] = -1;
out:
	close(sv[0]);
	if (sv[1] >= 0)
		close(sv[1]);
	close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	return fd;
}

/**
 * ns_go() - let the command of "-- COMMAND" start
 */
void ns_go(void)
{
	if (ns_go_fd < 0)
		return;
	if (write(ns_go_fd, "g", 1) != 1)
		log_warn("cannot start the command: %s", strerror(errno));
	close(ns_go_fd);
	ns_go_fd = -1;
}

/**
 * ns_child_exited() - SIGCHLD: reap children, note the command's status
 * @c:		context
 *
 * Return: 1 if the command of "-- COMMAND" has exited
 */
int ns_child_exited(struct user_ctx *c)
{
	int st, done = 0;
	pid_t pid;

	(void)c;
	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (pid != ns_child)
			continue;
		if (WIFEXITED(st))
			ns_status = WEXITSTATUS(st);
		else if (WIFSIGNALED(st))
			ns_status = 128 + WTERMSIG(st);
		ns_child = -1;
		done = 1;
	}
	return done;
}

/**
 * ns_exit_status() - the command's exit status
 *
 * Return: its status (128 + signal if killed), or -1 if it has not exited
 */
int ns_exit_status(void)
{
	return ns_status;
}
