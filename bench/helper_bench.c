// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper_bench.c - time bridge helpers the way QEMU calls them
 *
 * Usage:
 *   helper_bench latency [OPTIONS] HELPER-SPEC HELPER-SPEC...
 *   helper_bench scale [OPTIONS] HELPER-SPEC...
 *   helper_bench steps [OPTIONS]
 *
 * HELPER-SPEC is LABEL=PATH, or LABEL@NETNS=PATH to run that helper in the
 * network namespace /run/netns/NETNS (the bridge is looked up there too).
 *
 * Options:
 *   --br=BRIDGE	bridge to attach to (required)
 *   --runs=N		latency: calls per helper (default 200)
 *   --calls=N		scale, steps: calls per helper (default 1000)
 *   --window=N		scale, steps: calls in the first and the last window
 *			(default 100)
 *   --warmup=N		untimed calls per helper first, whose taps are closed
 *			again (default 5)
 *   --pace=MS		latency, scale: start calls at least MS milliseconds
 *			apart (default 0: back to back)
 *   --raw=FILE		append one CSV line per timed call to FILE:
 *			mode,label,index,fd_us,exit_us,cpu_us,taps_before,
 *			start_ns (CLOCK_MONOTONIC at fork)
 *   --spawn=PROG	steps: the program timed as "spawn" (default /bin/true)
 *   --split		steps: set MAC, MTU, master and up state in four
 *			netlink requests instead of one, to time each
 *   --fixed-names	steps: name taps "tbN" instead of letting the kernel
 *			pick "tap%d" (which scans every device in the netns)
 *   --then=CMD		after the timed calls, with every tap still open,
 *			run "sh -c CMD" (for analysis: strace or perf a
 *			helper call on a loaded bridge); exit with its status
 *
 * Exit status: 0 (or CMD's with --then), 1 for any failure (reported on
 * stderr), 2 for usage.
 *
 * Theory of operation
 *
 * Each call does what QEMU 7.2 does for -netdev bridge: socketpair(), fork;
 * the child closes every descriptor from 3 up except its end of the pair
 * and execs "HELPER --use-vnet --fd=N --br=BRIDGE"; the parent receives
 * the tap descriptor (one byte, SCM_RIGHTS) and then waits for the child,
 * which must exit 0.  Anything else (no descriptor, a non-zero exit, a
 * descriptor that is not a tap set up on BRIDGE) ends the benchmark with
 * exit status 1: a figure from a helper that did not do its job is
 * worthless.
 *
 * Two times are taken per call with CLOCK_MONOTONIC, both from just before
 * fork(): "fd", when recvmsg() returns the descriptor - the figure the
 * targets are about - and "exit", when waitpid() returns, which is when
 * QEMU carries on.  wait4() also gives "cpu", the CPU time the helper
 * process used (user and system, its own exec included), which tells work
 * from waiting.  The child closes descriptors with close_range() rather
 * than QEMU 7.2's loop up to _SC_OPEN_MAX: that loop costs the caller, not
 * the helper, the same for every helper, and would only add noise once
 * RLIMIT_NOFILE is raised.  A child whose helper runs in another namespace
 * enters it with setns() before exec, also inside the timed part.
 *
 * Every tap received is kept open until the end: closing a tap makes the
 * kernel unregister the device, which costs about 20 ms, far more than a
 * helper call.  After each call, outside the timed part, the tap is checked
 * over rtnetlink: it must be up, a port of BRIDGE, with the bridge's MTU
 * and a MAC starting with 0xFE, so every helper is seen to do the same
 * work.  Then it is passed to a holder process and closed here
 * (holder_start()), so the driver forks with a handful of descriptors, as
 * QEMU does, whatever the number of taps; RLIMIT_NOFILE is raised for the
 * holder.  At the end all taps are deleted in one batch per namespace
 * (teardown()): about a second instead of 20 ms per tap.
 *
 * Both latency and scale alternate the helpers in ABBA order (A B, B A,
 * A B, ...), so that neither always runs right after the other and both
 * meet the same load on the machine over time.
 *
 * latency is meant for helpers sharing one bridge, each call seeing about
 * the same number of taps already there.  It prints, per helper,
 *
 *	latency label=L runs=N fd_median_us=.. fd_p10_us=.. fd_p90_us=..
 *		exit_median_us=.. exit_p10_us=.. exit_p90_us=.. cpu_median_us=..
 *
 * scale is meant for helpers each on its own bridge in its own namespace
 * (LABEL@NETNS), so each bridge and namespace fills with that helper's
 * taps only.  It prints, per helper,
 *
 *	scale label=L calls=N window=W first_median_us=.. last_median_us=..
 *		ratio=.. exit_first_median_us=.. exit_last_median_us=..
 *		cpu_first_median_us=.. cpu_last_median_us=..
 *	scale_window label=L from=I to=J fd_median_us=.. exit_median_us=..
 *		cpu_median_us=..
 *
 * with one scale_window line per window of W calls.
 *
 * steps is for analysis.  It repeats, in this process and --calls times,
 * what tapir-bridge-helper asks of the kernel, timing each step on its
 * own and keeping every tap: spawn (fork, exec PROG and wait: the cost of
 * starting any helper), nlopen (open and bind an rtnetlink socket), getlink
 * (look the bridge up), tunsetiff (open /dev/net/tun and create "tap%d")
 * and newlink (MAC, MTU, master and up in one RTM_NEWLINK; with --split,
 * addr, mtu, master and up one request each, newlink being their sum).
 * It prints
 *
 *	steps step=S calls=N window=W first_median_us=.. last_median_us=..
 *		ratio=..
 *	steps_window from=I to=J S=.. S=..   (one per window)
 *
 * Percentiles interpolate linearly between the two nearest samples.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/rtnetlink.h>

#include "fdpass.h"
#include "nl.h"
#include "tap.h"

/* A bridge in a network namespace, and the taps on it. */
struct target {
	const char *netns;	/* name under /run/netns, NULL: our own */
	int nsfd;		/* open namespace, or -1 */
	struct nl nl;		/* rtnetlink socket in that namespace */
	struct nl_link br;	/* the bridge */
	int *ifindex;		/* every tap's interface index */
	size_t ntaps, cap;
	struct target *next;
};

struct helper {
	const char *label;
	const char *path;
	struct target *tgt;
	double *fd_us;		/* per timed call */
	double *exit_us;
	double *cpu_us;
	size_t n;
};

struct bench {
	const char *br;
	long pace_ms;		/* least time between two calls' starts */
	struct timespec last;	/* start of the last call */
	const char *mode;
	FILE *raw;
	struct target *targets;	/* the first is our own namespace's */
	int holder;		/* socket to the holder process */
	pid_t holder_pid;
};

static void __attribute__((noreturn, format(printf, 1, 2)))
fail(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "helper_bench: error: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: helper_bench latency --br=BR [--runs=N] [--warmup=N] "
		"[--pace=MS] [--raw=FILE] HELPER-SPEC...\n"
		"       helper_bench scale --br=BR [--calls=N] [--window=N] "
		"[--warmup=N] [--pace=MS] [--raw=FILE] HELPER-SPEC...\n"
		"       helper_bench steps --br=BR [--calls=N] [--window=N] "
		"[--spawn=PROG] [--split] [--fixed-names]\n"
		"HELPER-SPEC is LABEL=PATH or LABEL@NETNS=PATH; every mode "
		"takes --then=CMD\n");
	exit(2);
}

static void now(struct timespec *t)
{
	clock_gettime(CLOCK_MONOTONIC, t);
}

static double ts_us(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) * 1e6 +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Percentile @p (0-100) of @n samples, interpolated; @v is not changed. */
static double pct(const double *v, size_t n, double p)
{
	double *s, r, frac;
	size_t lo;

	if (!n)
		return 0;
	s = malloc(n * sizeof(*s));
	if (!s)
		fail("out of memory");
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	r = p / 100.0 * (double)(n - 1);
	lo = (size_t)r;
	frac = r - (double)lo;
	r = lo + 1 < n ? s[lo] + frac * (s[lo + 1] - s[lo]) : s[lo];
	free(s);
	return r;
}

/*
 * target_get() - the target for namespace @netns (NULL: ours), opened on
 * first use: an rtnetlink socket created inside that namespace, and the
 * bridge looked up there.
 */
static struct target *target_get(struct bench *b, const char *netns)
{
	struct target *t, **tail = &b->targets;
	int self = -1;

	for (t = b->targets; t; tail = &t->next, t = t->next)
		if (netns ? t->netns && !strcmp(t->netns, netns) : !t->netns)
			return t;
	t = calloc(1, sizeof(*t));
	if (!t)
		fail("out of memory");
	t->netns = netns;
	t->nsfd = -1;
	if (netns) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "/run/netns/%s", netns);
		t->nsfd = open(path, O_RDONLY | O_CLOEXEC);
		self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
		if (t->nsfd < 0 || self < 0)
			fail("%s: %s", path, strerror(errno));
		if (setns(t->nsfd, CLONE_NEWNET))
			fail("setns %s: %s", netns, strerror(errno));
	}
	if (nl_open(&t->nl))
		fail("cannot open a netlink socket");
	if (netns) {
		if (setns(self, CLONE_NEWNET))
			fail("setns back: %s", strerror(errno));
		close(self);
	}
	if (nl_link_get(&t->nl, b->br, &t->br) || strcmp(t->br.kind, "bridge"))
		fail("%s is not a bridge%s%s", b->br, netns ? " in " : "",
		     netns ? netns : "");
	*tail = t;
	return t;
}

/*
 * holder_start() - fork the process that holds every tap
 *
 * A QEMU process holds its own few taps, not a thousand.  If the driver
 * held them all, every fork() would copy, and every child close, a
 * thousand descriptors, a cost that grows with the taps and belongs to no
 * helper.  So each tap is passed on to this process and closed here.  It
 * keeps them until the socket closes, then exits, closing them.
 */
static void holder_start(struct bench *b)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		fail("socketpair: %s", strerror(errno));
	b->holder_pid = fork();
	if (b->holder_pid < 0)
		fail("fork: %s", strerror(errno));
	if (b->holder_pid == 0) {
		close(sv[0]);
		while (fdpass_recv(sv[1]) >= 0)
			;	/* keep it */
		_exit(0);
	}
	close(sv[1]);
	b->holder = sv[0];
}

/* Hand @fd to the holder and close our copy; remember its index. */
static void keep_tap(struct bench *b, struct target *t, int fd, int ifindex)
{
	int rc;

	if (t->ntaps == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		int *x = realloc(t->ifindex, cap * sizeof(*x));

		if (!x)
			fail("out of memory");
		t->ifindex = x;
		t->cap = cap;
	}
	t->ifindex[t->ntaps++] = ifindex;
	rc = fdpass_send(b->holder, fd);
	if (rc)
		fail("cannot pass a tap to the holder: %s", strerror(-rc));
	close(fd);
}

/* Request @type for link @ifindex (0: by group) with IFLA_GROUP @group. */
static int group_req(struct nl *nl, int type, int ifindex, uint32_t group)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	mnl_attr_put_u32(nlh, IFLA_GROUP, group);
	return nl_request(nl, nlh, NULL, NULL);
}

/*
 * teardown() - remove every tap we hold, one batch per namespace
 *
 * Closing taps one by one makes the kernel unregister each on its own,
 * about 20 ms apiece (20 s for 1000).  Put in one interface group and
 * deleted with one RTM_DELLINK, they share a single unregistration.  If
 * that fails they are simply closed, slowly.
 */
static void teardown(struct bench *b)
{
	const uint32_t group = 0x74617062;	/* "tapb"; private netns */
	struct target *t;
	int status;
	size_t i;

	for (t = b->targets; t; t = t->next) {
		int ok = 1;

		for (i = 0; i < t->ntaps && ok; i++)
			if (group_req(&t->nl, RTM_NEWLINK, t->ifindex[i],
				      group))
				ok = 0;
		if (t->ntaps && (!ok || group_req(&t->nl, RTM_DELLINK, 0,
						   group)))
			fprintf(stderr, "helper_bench: warning: batch delete "
				"failed, closing %zu taps one by one\n",
				t->ntaps);
		t->ntaps = 0;
		nl_close(&t->nl);
	}
	close(b->holder);
	while (waitpid(b->holder_pid, &status, 0) < 0 && errno == EINTR)
		;
}

/* Make room for @need more descriptors than are open now. */
static void raise_nofile(size_t need)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)need + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		fail("getrlimit: %s", strerror(errno));
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur >= want)
		return;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
		rl.rlim_max = want;	/* needs CAP_SYS_RESOURCE */
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		fail("cannot raise RLIMIT_NOFILE to %llu: %s",
		     (unsigned long long)want, strerror(errno));
}

/*
 * call_helper() - one call, QEMU style
 * @b:		benchmark
 * @h:		helper
 * @fd_us:	set to the time until the descriptor arrived
 * @exit_us:	set to the time until the helper was reaped
 * @cpu_us:	set to the CPU time the helper used (user and system)
 * @ifindex:	set to the tap's interface index
 *
 * Return: the tap descriptor; any failure ends the program
 */
static int call_helper(struct bench *b, const struct helper *h,
		       double *fd_us, double *exit_us, double *cpu_us,
		       int *ifindex)
{
	char fdarg[32], brarg[IFNAMSIZ + 8];
	struct target *t = h->tgt;
	struct timespec t0, t1, t2;
	int sv[2], tapfd, status;
	struct nl_link link;
	struct rusage ru;
	struct ifreq ifr;
	pid_t pid, w;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		fail("socketpair: %s", strerror(errno));
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	snprintf(brarg, sizeof(brarg), "--br=%s", b->br);
	fflush(NULL);

	if (b->pace_ms) {
		struct timespec next = b->last;

		next.tv_sec += b->pace_ms / 1000;
		next.tv_nsec += (b->pace_ms % 1000) * 1000000;
		if (next.tv_nsec >= 1000000000) {
			next.tv_sec++;
			next.tv_nsec -= 1000000000;
		}
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
				       NULL) == EINTR)
			;
	}
	now(&t0);
	b->last = t0;
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		char *argv[] = { (char *)h->path, "--use-vnet", fdarg, brarg,
				 NULL };

		if (t->nsfd >= 0 && setns(t->nsfd, CLONE_NEWNET))
			_exit(126);
		/* QEMU: keep 0, 1, 2 and our end of the pair, close the rest */
		if (sv[1] > 3)
			close_range(3, (unsigned)sv[1] - 1, 0);
		close_range((unsigned)sv[1] + 1, ~0U, 0);
		execv(h->path, argv);
		_exit(127);
	}
	close(sv[1]);
	tapfd = fdpass_recv(sv[0]);
	now(&t1);
	while ((w = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR)
		;
	now(&t2);
	close(sv[0]);

	if (w < 0)
		fail("waitpid: %s", strerror(errno));
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("%s (%s) failed: %s %d, with %zu taps on the bridge",
		     h->label, h->path,
		     WIFEXITED(status) ? "exit status" : "signal",
		     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		     t->ntaps);
	if (tapfd < 0)
		fail("%s (%s) exited 0 but sent no descriptor: %s", h->label,
		     h->path, strerror(-tapfd));

	/* Untimed: check it is a tap, up and attached to the bridge. */
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tapfd, TUNGETIFF, &ifr))
		fail("%s sent a descriptor that is not a tap: %s", h->label,
		     strerror(errno));
	if (!(ifr.ifr_flags & IFF_TAP) || !(ifr.ifr_flags & IFF_VNET_HDR))
		fail("%s: tap %s has flags 0x%x, want IFF_TAP|IFF_VNET_HDR",
		     h->label, ifr.ifr_name, (unsigned)ifr.ifr_flags);
	if (nl_link_get(&t->nl, ifr.ifr_name, &link))
		fail("%s: cannot look up tap %s", h->label, ifr.ifr_name);
	if (link.master != t->br.ifindex || !(link.flags & IFF_UP) ||
	    link.mtu != t->br.mtu || link.addr_len != 6 ||
	    link.addr[0] != 0xfe)
		fail("%s: tap %s is not set up on bridge %s (master %d, "
		     "flags 0x%x, mtu %u, MAC byte 0x%02x)", h->label,
		     ifr.ifr_name, b->br, link.master, link.flags, link.mtu,
		     link.addr[0]);
	*ifindex = link.ifindex;
	*fd_us = ts_us(&t0, &t1);
	*exit_us = ts_us(&t0, &t2);
	*cpu_us = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
		  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
	return tapfd;
}

/* A timed call whose tap is kept; appended to @h's samples. */
static void timed_call(struct bench *b, struct helper *h)
{
	double fd_us, exit_us, cpu_us;
	int fd, ifindex;

	fd = call_helper(b, h, &fd_us, &exit_us, &cpu_us, &ifindex);
	keep_tap(b, h->tgt, fd, ifindex);
	h->fd_us[h->n] = fd_us;
	h->exit_us[h->n] = exit_us;
	h->cpu_us[h->n] = cpu_us;
	if (b->raw)
		fprintf(b->raw, "%s,%s,%zu,%.1f,%.1f,%.0f,%zu,%lld\n",
			b->mode, h->label, h->n, fd_us, exit_us, cpu_us,
			h->tgt->ntaps - 1, (long long)b->last.tv_sec *
			1000000000LL + b->last.tv_nsec);
	h->n++;
}

/* Untimed calls whose taps are closed again (which removes them). */
static void warmup(struct bench *b, const struct helper *h, long n)
{
	double x, y, z;
	int ifindex;
	long i;

	for (i = 0; i < n; i++)
		close(call_helper(b, h, &x, &y, &z, &ifindex));
}

/* LABEL=PATH or LABEL@NETNS=PATH */
static void parse_helper(struct bench *b, struct helper *h, const char *spec,
			 size_t n)
{
	const char *eq = strchr(spec, '='), *at;
	char *label, *netns = NULL;

	if (!eq || eq == spec || !eq[1])
		usage();
	label = strndup(spec, (size_t)(eq - spec));
	if (!label)
		fail("out of memory");
	at = strchr(label, '@');
	if (at) {
		netns = label + (at - label) + 1;
		label[at - label] = '\0';
		if (!*label || !*netns || strchr(netns, '/'))
			usage();
	}
	h->label = label;
	h->path = eq + 1;
	if (access(h->path, X_OK))
		fail("%s: %s", h->path, strerror(errno));
	h->tgt = target_get(b, netns);
	h->fd_us = calloc(n, sizeof(double));
	h->exit_us = calloc(n, sizeof(double));
	h->cpu_us = calloc(n, sizeof(double));
	if (!h->fd_us || !h->exit_us || !h->cpu_us)
		fail("out of memory");
}

enum { ST_SPAWN, ST_NLOPEN, ST_GETLINK, ST_TUNSETIFF, ST_NEWLINK,
       ST_ADDR, ST_MTU, ST_MASTER, ST_UP, ST_MAX };
static const char *const step_name[ST_MAX] = {
	"spawn", "nlopen", "getlink", "tunsetiff", "newlink",
	"addr", "mtu", "master", "up",
};

/* Time fork, exec @prog and wait, with all our descriptors open. */
static double spawn_once(const char *prog)
{
	struct timespec t0, t1;
	int status;
	pid_t pid;

	now(&t0);
	pid = fork();
	if (pid < 0)
		fail("fork: %s", strerror(errno));
	if (pid == 0) {
		char *argv[] = { (char *)prog, NULL };

		close_range(3, ~0U, 0);
		execv(prog, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid: %s", strerror(errno));
	now(&t1);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		fail("%s failed", prog);
	return ts_us(&t0, &t1);
}

/* Apply @c to @tap, timed. */
static double set_timed(struct nl *nl, const char *tap,
			const struct nl_link_change *c)
{
	struct timespec t0, t1;
	int rc;

	now(&t0);
	rc = nl_link_set(nl, tap, c);
	now(&t1);
	if (rc)
		fail("RTM_NEWLINK on %s: %s", tap, strerror(-rc));
	return ts_us(&t0, &t1);
}

/* The steps mode: see the top of the file. */
static void steps(struct bench *b, size_t calls, size_t w, const char *prog,
		  int split, int fixed)
{
	struct target *t = target_get(b, NULL);
	int nsteps = split ? ST_MAX : ST_ADDR, s;
	struct timespec t0, t1;
	double *v[ST_MAX];
	size_t c, i;

	for (s = 0; s < ST_MAX; s++)
		if (!(v[s] = calloc(calls, sizeof(double))))
			fail("out of memory");
	for (c = 0; c < calls; c++) {
		struct nl_link_change chg = { .up = 1, .set_addr = 1 };
		char tap[IFNAME_MAX + 1], pattern[IFNAME_MAX + 1];
		struct nl_link l;
		struct nl nl;
		int fd;

		v[ST_SPAWN][c] = spawn_once(prog);

		now(&t0);
		if (nl_open(&nl))
			fail("cannot open a netlink socket");
		now(&t1);
		v[ST_NLOPEN][c] = ts_us(&t0, &t1);

		now(&t0);
		if (nl_link_get(&nl, b->br, &l))
			fail("cannot look up %s", b->br);
		now(&t1);
		v[ST_GETLINK][c] = ts_us(&t0, &t1);

		if (fixed)
			snprintf(pattern, sizeof(pattern), "tb%u",
				 (unsigned)(c % 1000000));
		else
			snprintf(pattern, sizeof(pattern), "tap%%d");
		now(&t0);
		fd = tap_open(pattern, TAP_VNET_HDR, tap, NULL);
		now(&t1);
		if (fd < 0)
			fail("cannot create a tap: %s", strerror(-fd));
		v[ST_TUNSETIFF][c] = ts_us(&t0, &t1);
		keep_tap(b, t, fd, (int)if_nametoindex(tap));

		if (tap_mac_random(chg.addr))
			fail("no random bytes");
		chg.mtu = l.mtu;
		chg.master = l.ifindex;
		if (!split) {
			v[ST_NEWLINK][c] = set_timed(&nl, tap, &chg);
		} else {
			struct nl_link_change one[4] = {
				{ .set_addr = 1 }, { .mtu = chg.mtu },
				{ .master = chg.master }, { .up = 1 },
			};

			memcpy(one[0].addr, chg.addr, sizeof(chg.addr));
			for (s = 0; s < 4; s++) {
				v[ST_ADDR + s][c] = set_timed(&nl, tap,
							      &one[s]);
				v[ST_NEWLINK][c] += v[ST_ADDR + s][c];
			}
		}
		nl_close(&nl);
	}

	for (s = 0; s < nsteps; s++) {
		double first = pct(v[s], w, 50);
		double last = pct(v[s] + calls - w, w, 50);

		printf("steps step=%s calls=%zu window=%zu "
		       "first_median_us=%.1f last_median_us=%.1f ratio=%.3f\n",
		       step_name[s], calls, w, first, last,
		       first > 0 ? last / first : 0);
	}
	for (i = 0; i + w <= calls; i += w) {
		printf("steps_window from=%zu to=%zu", i, i + w - 1);
		for (s = 0; s < nsteps; s++)
			printf(" %s=%.1f", step_name[s], pct(v[s] + i, w, 50));
		putchar('\n');
	}
	for (s = 0; s < ST_MAX; s++)
		free(v[s]);
}

static long parse_num(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > 1000000)
		usage();
	return v;
}

int main(int argc, char **argv)
{
	long runs = 200, calls = 1000, window = 100, warm = 5, r;
	const char *raw = NULL, *then = NULL, *spawn = "/bin/true";
	int mode, split = 0, fixed = 0, a, rc = 0;
	enum { LATENCY, SCALE, STEPS };
	struct bench b = { 0 };
	const char **specs;
	struct helper *h;
	size_t nh = 0, i, n;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "latency"))
		mode = LATENCY;
	else if (!strcmp(argv[1], "scale"))
		mode = SCALE;
	else if (!strcmp(argv[1], "steps"))
		mode = STEPS;
	else
		usage();
	b.mode = argv[1];

	specs = calloc((size_t)argc, sizeof(*specs));
	h = calloc((size_t)argc, sizeof(*h));
	if (!specs || !h)
		fail("out of memory");
	for (a = 2; a < argc; a++) {
		const char *s = argv[a];

		if (!strncmp(s, "--br=", 5))
			b.br = s + 5;
		else if (!strncmp(s, "--runs=", 7))
			runs = parse_num(s + 7, 1);
		else if (!strncmp(s, "--calls=", 8))
			calls = parse_num(s + 8, 1);
		else if (!strncmp(s, "--window=", 9))
			window = parse_num(s + 9, 1);
		else if (!strncmp(s, "--warmup=", 9))
			warm = parse_num(s + 9, 0);
		else if (!strncmp(s, "--raw=", 6))
			raw = s + 6;
		else if (!strncmp(s, "--pace=", 7))
			b.pace_ms = parse_num(s + 7, 0);
		else if (!strncmp(s, "--then=", 7))
			then = s + 7;
		else if (!strncmp(s, "--spawn=", 8))
			spawn = s + 8;
		else if (!strcmp(s, "--split"))
			split = 1;
		else if (!strcmp(s, "--fixed-names"))
			fixed = 1;
		else if (s[0] == '-' || mode == STEPS)
			usage();
		else
			specs[nh++] = s;
	}
	if (!b.br || (mode == STEPS) != !nh)
		usage();
	if (mode != LATENCY && window * 2 > calls)
		fail("--window=%ld is more than half of --calls=%ld", window,
		     calls);

	n = (size_t)(mode == LATENCY ? runs : calls);
	raise_nofile(mode == STEPS ? n : n * nh);
	holder_start(&b);
	if (raw && !(b.raw = fopen(raw, "a")))
		fail("%s: %s", raw, strerror(errno));
	for (i = 0; i < nh; i++)
		parse_helper(&b, &h[i], specs[i], n);

	for (i = 0; i < nh; i++)
		warmup(&b, &h[i], warm);

	/* Alternate the helpers, ABBA: A B, B A, A B, ... */
	if (mode != STEPS)
		for (r = 0; r < (long)n; r++)
			for (i = 0; i < nh; i++)
				timed_call(&b, &h[r % 2 ? nh - 1 - i : i]);

	if (mode == STEPS) {
		steps(&b, n, (size_t)window, spawn, split, fixed);
	} else if (mode == LATENCY) {
		for (i = 0; i < nh; i++)
			printf("latency label=%s runs=%zu fd_median_us=%.1f "
			       "fd_p10_us=%.1f fd_p90_us=%.1f "
			       "exit_median_us=%.1f exit_p10_us=%.1f "
			       "exit_p90_us=%.1f cpu_median_us=%.1f\n",
			       h[i].label, h[i].n,
			       pct(h[i].fd_us, h[i].n, 50),
			       pct(h[i].fd_us, h[i].n, 10),
			       pct(h[i].fd_us, h[i].n, 90),
			       pct(h[i].exit_us, h[i].n, 50),
			       pct(h[i].exit_us, h[i].n, 10),
			       pct(h[i].exit_us, h[i].n, 90),
			       pct(h[i].cpu_us, h[i].n, 50));
	} else {
		size_t w = (size_t)window, j;

		for (i = 0; i < nh; i++) {
			const double *fd = h[i].fd_us, *ex = h[i].exit_us;
			const double *cpu = h[i].cpu_us;
			double first = pct(fd, w, 50);
			double last = pct(fd + n - w, w, 50);

			printf("scale label=%s calls=%zu window=%zu "
			       "first_median_us=%.1f last_median_us=%.1f "
			       "ratio=%.3f exit_first_median_us=%.1f "
			       "exit_last_median_us=%.1f "
			       "cpu_first_median_us=%.1f "
			       "cpu_last_median_us=%.1f\n", h[i].label, n, w,
			       first, last, last / first, pct(ex, w, 50),
			       pct(ex + n - w, w, 50), pct(cpu, w, 50),
			       pct(cpu + n - w, w, 50));
			for (j = 0; j + w <= n; j += w)
				printf("scale_window label=%s from=%zu to=%zu "
				       "fd_median_us=%.1f exit_median_us=%.1f "
				       "cpu_median_us=%.1f\n", h[i].label, j,
				       j + w - 1, pct(fd + j, w, 50),
				       pct(ex + j, w, 50), pct(cpu + j, w, 50));
		}
	}
	fflush(stdout);
	if (b.raw)
		fclose(b.raw);
	if (then) {
		rc = system(then);
		rc = rc == -1 ? 1 : WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
	}
	teardown(&b);
	return rc;
}
