// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - tapir-user: unprivileged user-mode networking for QEMU guests
 * and network namespaces ("tapir user", "tapir user-ctl")
 *
 * Start-up, in order: close inherited fds; parse options (QEMU's
 * -netdev user list with -o, or one long option per key) and validate
 * them all before anything is opened, so a bad option starts nothing
 * (exit 2); read the host's resolver; open the transport (a socket for
 * QEMU, or a tap in a namespace made by a child); start the spawner of
 * guestfwd= commands (spawn.c: after the namespace children, so that none
 * of them holds its socket, and in the namespaces we were started in,
 * which this process never leaves); open the forwards and the control
 * socket; raise the soft fd limit to the hard one (the flow tables were
 * sized to fit the hard one, see main_fd_budget(); programs we start get
 * the old limit back, sandbox.c); give up what is not needed (sandbox.c);
 * serve until SIGTERM or SIGINT, or until the command of "-- COMMAND"
 * exits, whose status is then ours.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "config.h"
#include "ctl.h"
#include "dhcp4.h"
#include "fwd.h"
#include "icmp.h"
#include "inany.h"
#include "log.h"
#include "loop.h"
#include "nat.h"
#include "ndp.h"
#include "ns.h"
#include "opts.h"
#include "resolvconf.h"
#include "sandbox.h"
#include "spawn.h"
#include "tcp.h"
#include "tftp.h"
#include "transport.h"
#include "udp.h"
#include "user.h"

#define PROG	"tapir user"

/* fds that are not flows' sockets: the loop's, the transport, the control
 * socket and its connections, TFTP files (and two per forward, added) */
#define MAIN_FD_RESERVE	128

static struct user_opts opts;
static struct user_ctx ctx;

/* Long options; those without a short form map to option keys */
enum {
	OPT_SOCKET = 256, OPT_DGRAM, OPT_NETNS, OPT_IFNAME, OPT_NO_CONFIGURE,
	OPT_CONTROL, OPT_PRINT_QEMU_ARGS, OPT_NO_HOST_LOOPBACK, OPT_MAX_FLOWS,
	OPT_RESOLV_CONF, OPT_NO_SANDBOX, OPT_VERSION, OPT_KEY,
};

/* -netdev user keys that are also long options: --net=..., --hostfwd=... */
static const char *const main_keys[] = {
	"net", "host", "dhcpstart", "dns", "dnssearch", "domainname",
	"hostname", "restrict", "hostfwd", "guestfwd", "ipv4", "ipv6",
	"ipv6-net", "ipv6-prefix", "ipv6-prefixlen", "ipv6-host", "ipv6-dns",
	"tftp", "tftp-server-name", "bootfile", "mtu",
};
#define MAIN_NKEYS	(sizeof(main_keys) / sizeof(main_keys[0]))

/**
 * main_usage() - print the usage
 * @f:		stdout or stderr
 */
static void main_usage(FILE *f)
{
	fprintf(f,
"Usage: tapir user [OPTIONS] --socket PATH        (QEMU -netdev stream)\n"
"       tapir user [OPTIONS] --dgram PATH         (QEMU -netdev dgram)\n"
"       tapir user [OPTIONS] --netns PID|PATH [--ifname NAME]\n"
"       tapir user [OPTIONS] -- COMMAND [ARGS...]\n"
"       tapir user-ctl PATH add RULE | del RULE | list [--json]\n"
"\n"
"Options:\n"
"  -o, --options LIST      QEMU's -netdev user list, e.g.\n"
"                          'net=10.0.2.0/24,hostfwd=tcp::2222-:22'\n"
"  --KEY=VALUE             one -netdev user key: --net, --host, --dns,\n"
"                          --dhcpstart, --hostfwd, --restrict, --mtu, ...\n"
"  --ifname NAME           tap name in the namespace (default tap0)\n"
"  --no-configure          leave the tap's addresses to DHCP and SLAAC\n"
"  --control PATH          control socket for forwards at run time\n"
"  --print-qemu-args       print QEMU's -netdev/-device arguments and exit\n"
"  --no-host-loopback      the host address does not reach 127.0.0.1\n"
"  --max-flows N           flow table size per protocol (default %u)\n"
"  --resolv-conf FILE      upstream resolvers (default /etc/resolv.conf)\n"
"  -d, --debug             debug messages\n"
"  -h, --help              this text\n"
"  --version               the version\n"
"See tapir-user(1).\n", OPTS_FLOWS_DEFAULT);
}

/**
 * main_bad() - report a bad option and exit 2
 * @fmt:	message
 */
static void __attribute__((format(printf, 1, 2), noreturn))
main_bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(2);
}

/**
 * main_resolver() - the first upstream resolver, host side
 * @c:		context
 * @path:	resolv.conf
 */
static void main_resolver(struct user_ctx *c, const char *path)
{
	struct resolvconf rc;
	int r;

	r = resolvconf_load(&rc, path, NULL, 0);
	if (r || !rc.n) {
		log_warn("no nameserver in %s: DNS through %s will fail", path,
			 inet_ntoa(c->o->dns));
		return;
	}
	if (rc.ns[0].sa.sa_family == AF_INET) {
		c->resolver = inany_from4(rc.ns[0].sin.sin_addr);
		c->resolver_port = ntohs(rc.ns[0].sin.sin_port);
	} else {
		c->resolver = rc.ns[0].sin6.sin6_addr;
		c->resolver_port = ntohs(rc.ns[0].sin6.sin6_port);
	}
	if (!c->resolver_port)
		c->resolver_port = 53;
}

/**
 * main_fd_budget() - shrink the flow tables to what the fd limit allows
 * @o:		options; flows_max may be lowered, flows_dgram set
 *
 * Every flow holds a host socket, and there are three tables (TCP, UDP,
 * ICMP) of flows_max each.  If the hard RLIMIT_NOFILE cannot hold them
 * all, a flood would run out of fds before any table filled up: accept()
 * and socket() would fail, and the tables' own policy for a full table
 * (tcp.c: the oldest handshake gives way) would never apply.  So the
 * tables shrink to fit, and the user is told.  TCP, where connections
 * last and pile up, gets three quarters of the fds; UDP and ICMP flows
 * are short-lived and evicted least recently used first, and share the
 * rest.
 */
static void main_fd_budget(struct user_opts *o)
{
	rlim_t reserve = MAIN_FD_RESERVE + 2 * (rlim_t)o->nfwd, avail, t, d;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) || rl.rlim_max == RLIM_INFINITY ||
	    rl.rlim_max >= 3 * (rlim_t)o->flows_max + reserve)
		return;
	avail = rl.rlim_max > reserve ? rl.rlim_max - reserve : 0;
	t = avail / 4 * 3;
	d = avail / 8;
	t = t < 16 ? 16 : t < o->flows_max ? t : o->flows_max;
	d = d < 16 ? 16 : d < o->flows_max ? d : o->flows_max;
	log_warn("the fd limit (%llu) cannot hold %u flows per protocol: "
		 "TCP table of %llu, UDP and ICMP tables of %llu",
		 (unsigned long long)rl.rlim_max, o->flows_max,
		 (unsigned long long)t, (unsigned long long)d);
	o->flows_max = (unsigned int)t;
	o->flows_dgram = (unsigned int)d;
}

/**
 * main_print_qemu_args() - the QEMU arguments for the chosen transport
 * @sock:	--socket path, or NULL
 * @dgram:	--dgram path, or NULL
 *
 * Return: exit status
 */
static int main_print_qemu_args(const char *sock, const char *dgram)
{
	if (sock) {
		printf("-netdev stream,id=n0,server=off,addr.type=unix,"
		       "addr.path=%s -device virtio-net-pci,netdev=n0\n", sock);
	} else if (dgram) {
		printf("-netdev dgram,id=n0,local.type=unix,local.path=%s.qemu,"
		       "remote.type=unix,remote.path=%s "
		       "-device virtio-net-pci,netdev=n0\n", dgram, dgram);
	} else {
		main_bad("--print-qemu-args needs --socket or --dgram");
	}
	return 0;
}

/**
 * main_set_key() - apply "--KEY=VALUE" or "--KEY VALUE"
 * @key:	the key
 * @val:	its value
 */
static void main_set_key(const char *key, const char *val)
{
	char err[512];

	if (opts_set(&opts, key, val, err, sizeof(err)))
		main_bad("%s", err);
}

/**
 * main() - see the comment at the top
 * @argc:	argument count
 * @argv:	arguments
 *
 * Return: 0, the command's status with "--", 1 on a run-time failure, 2
 * for bad options
 */
int main(int argc, char **argv)
{
	struct option lo[MAIN_NKEYS + 16];
	const char *sock = NULL, *dgram = NULL, *netns = NULL;
	const char *control = NULL, *resolv = "/etc/resolv.conf";
	struct ns_cfg nscfg = { .ifname = "tap0", .configure = 1 };
	int print_args = 0, sandbox = 1, debug = 0, n = 0, opt, fd = -1;
	char **cmd = NULL, err[512];
	unsigned int i;
	int rc;

	if (argc > 1 && !strcmp(argv[1], "--ctl-client"))
		return ctl_client(argc - 1, argv + 1);
	sandbox_close_fds();

	lo[n++] = (struct option){ "options", required_argument, NULL, 'o' };
	lo[n++] = (struct option){ "socket", required_argument, NULL, OPT_SOCKET };
	lo[n++] = (struct option){ "dgram", required_argument, NULL, OPT_DGRAM };
	lo[n++] = (struct option){ "netns", required_argument, NULL, OPT_NETNS };
	lo[n++] = (struct option){ "ifname", required_argument, NULL, OPT_IFNAME };
	lo[n++] = (struct option){ "no-configure", no_argument, NULL, OPT_NO_CONFIGURE };
	lo[n++] = (struct option){ "control", required_argument, NULL, OPT_CONTROL };
	lo[n++] = (struct option){ "print-qemu-args", no_argument, NULL, OPT_PRINT_QEMU_ARGS };
	lo[n++] = (struct option){ "no-host-loopback", no_argument, NULL, OPT_NO_HOST_LOOPBACK };
	lo[n++] = (struct option){ "max-flows", required_argument, NULL, OPT_MAX_FLOWS };
	lo[n++] = (struct option){ "resolv-conf", required_argument, NULL, OPT_RESOLV_CONF };
	lo[n++] = (struct option){ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX };
	lo[n++] = (struct option){ "debug", no_argument, NULL, 'd' };
	lo[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[n++] = (struct option){ "version", no_argument, NULL, OPT_VERSION };
	for (i = 0; i < MAIN_NKEYS; i++)
		lo[n++] = (struct option){ main_keys[i], required_argument,
					   NULL, OPT_KEY + (int)i };
	lo[n] = (struct option){ 0 };

	opts_defaults(&opts);
	while ((opt = getopt_long(argc, argv, "+o:dh", lo, NULL)) != -1) {
		switch (opt) {
		case 'o':
			if (opts_parse(&opts, optarg, err, sizeof(err)))
				main_bad("%s", err);
			break;
		case OPT_SOCKET:
			sock = optarg;
			break;
		case OPT_DGRAM:
			dgram = optarg;
			break;
		case OPT_NETNS:
			netns = optarg;
			break;
		case OPT_IFNAME:
			if (!optarg[0] || strlen(optarg) >= 16 ||
			    strpbrk(optarg, "/ \t\n:"))
				main_bad("invalid interface name '%s'", optarg);
			nscfg.ifname = optarg;
			break;
		case OPT_NO_CONFIGURE:
			nscfg.configure = 0;
			break;
		case OPT_CONTROL:
			control = optarg;
			break;
		case OPT_PRINT_QEMU_ARGS:
			print_args = 1;
			break;
		case OPT_NO_HOST_LOOPBACK:
			opts.no_host_loopback = 1;
			break;
		case OPT_MAX_FLOWS: {
			char *end;
			unsigned long v;

			errno = 0;
			v = strtoul(optarg, &end, 10);
			if (errno || *end || !optarg[0] || v < 16 || v > 1048576)
				main_bad("--max-flows: '%s' is not a number from 16 to 1048576",
					 optarg);
			opts.flows_max = (unsigned int)v;
			break;
		}
		case OPT_RESOLV_CONF:
			resolv = optarg;
			break;
		case OPT_NO_SANDBOX:
			sandbox = 0;
			break;
		case 'd':
			debug = 1;
			break;
		case 'h':
			main_usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("tapir user %s\n", TAPIR_VERSION);
			return 0;
		default:
			if (opt >= OPT_KEY && opt < OPT_KEY + (int)MAIN_NKEYS) {
				main_set_key(main_keys[opt - OPT_KEY], optarg);
				break;
			}
			main_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--"))
			main_bad("unexpected argument '%s' (a command goes after --)",
				 argv[optind]);
		cmd = argv + optind;
	}
	if (!!sock + !!dgram + !!netns + !!cmd != 1)
		main_bad("choose one of --socket, --dgram, --netns or -- COMMAND");
	if (opts_finish(&opts, err, sizeof(err)))
		main_bad("%s", err);
	if (print_args)
		return main_print_qemu_args(sock, dgram);

	log_init("tapir-user", LOG_TO_STDERR, 0);
	log_set_debug(debug);

	main_fd_budget(&opts);
	loop_ctx_init(&ctx, &opts);
	main_resolver(&ctx, resolv);

	rc = loop_init(&ctx);
	if (!rc)
		rc = nat_init(&ctx);
	if (!rc)
		rc = tcp_init(&ctx);
	if (!rc)
		rc = udp_init(&ctx);
	if (!rc)
		rc = icmp_init(&ctx);
	if (!rc)
		rc = dhcp4_init(&ctx);
	if (!rc)
		rc = tftp_init(&ctx);
	if (rc) {
		log_err("cannot start: %s", strerror(-rc));
		return 1;
	}
	ndp_init(&ctx);

	if (sock)
		rc = transport_stream(&ctx, sock);
	else if (dgram)
		rc = transport_dgram(&ctx, dgram);
	else {
		fd = netns ? ns_join_tap(&ctx, netns, &nscfg)
			   : ns_spawn(&ctx, cmd, &nscfg);
		rc = fd < 0 ? fd : transport_tap(&ctx, fd);
	}
	if (rc) {
		log_err("%s: %s", sock ? sock : dgram ? dgram :
			netns ? netns : cmd[0], strerror(-rc));
		return 1;
	}

	rc = spawn_init(&opts);
	if (rc) {
		log_err("cannot start the guestfwd= spawner: %s", strerror(-rc));
		goto out;
	}

	for (i = 0; i < opts.nfwd; i++) {
		if (fwd_add(&ctx, &opts.fwd[i], err, sizeof(err)) < 0) {
			log_err("hostfwd: %s", err);
			rc = -EINVAL;
			goto out;
		}
	}
	if (control) {
		rc = ctl_listen(&ctx, control);
		if (rc) {
			log_err("--control %s: %s", control, strerror(-rc));
			goto out;
		}
	}
	sandbox_raise_nofile();
	if (sandbox) {
		rc = sandbox_apply();
		if (rc) {
			log_err("cannot set up the sandbox: %s", strerror(-rc));
			goto out;
		}
	}
	if (netns && opts.ipv4) {
		char a[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &opts.dns, a, sizeof(a));
		log_info("for DNS, the namespace's /etc/resolv.conf should say: "
			 "nameserver %s", a);
	}
	ns_go();
	log_info("ready");
	rc = loop_run(&ctx);
out:
	ctl_fini(&ctx);
	fwd_fini(&ctx);
	tcp_fini(&ctx);
	udp_fini(&ctx);
	icmp_fini(&ctx);
	tftp_fini(&ctx);
	dhcp4_fini(&ctx);
	transport_fini(&ctx);
	spawn_fini();
	if (cmd) {
		int st = ns_exit_status();

		return st >= 0 ? st : 1;
	}
	return rc ? 1 : 0;
}
