// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_ifup.c - tapir ifup|ifdown IFNAME: QEMU's script= and downscript=
 *
 * Theory of operation
 *
 *	tapir ifup [--network NAME] IFNAME
 *	tapir ifdown [--network NAME] IFNAME
 *
 * QEMU runs script= with the tap's name as its only argument after it
 * created the tap (-netdev tap,ifname=...,script=...), and downscript=
 * when it closes it.  The wrappers tapir-ifup and tapir-ifdown (installed
 * in libexecdir) run these, so "script=/usr/local/libexec/tapir-ifup"
 * replaces the hand-written qemu-ifup.  The network is --network, else the
 * environment variable TAPIR_NETWORK (QEMU passes its environment on),
 * else "default"; its bridge comes from the configuration, and must exist
 * (the network is up).
 *
 * ifup attaches the tap like every tapir port (lib/port.c).  ifdown takes
 * it out of the network's bridge, and leaves alone a tap that is gone
 * already (QEMU removed it) or is a port of some other bridge.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "ifname.h"
#include "log.h"
#include "nl.h"
#include "port.h"
#include "tapir.h"

/**
 * cmd_ifup() - tapir ifup|ifdown [--network NAME] IFNAME
 * @t:		global options
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "ifup" or "ifdown"
 *
 * Return: exit status
 */
int cmd_ifup(struct tapir *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *net = getenv("TAPIR_NETWORK"), *ifname, *why;
	int up = !strcmp(argv[0], "ifup"), c, rc, ret = EXIT_FAIL;
	const struct conf_net *n;
	struct nl nl = { 0 };
	struct nl_link br;
	struct conf conf;

	if (!net || !*net)
		net = "default";
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			net = optarg;
			break;
		case 'h':
			printf("Usage: tapir %s [--network NAME] IFNAME\n",
			       argv[0]);
			return EXIT_OK;
		default:
			return tapir_usage_error(argv[0], "bad option");
		}
	}
	if (optind + 1 != argc)
		return tapir_usage_error(argv[0], "expected one IFNAME");
	ifname = argv[optind];
	if (ifname_check(ifname, &why))
		return tapir_usage_error(argv[0], "invalid interface name "
					 "'%.32s': %s", ifname, why);

	conf_init(&conf);
	n = tapir_net_conf(t, &conf, net);
	if (!n)
		goto out;
	rc = nl_open(&nl);
	if (rc) {
		log_err("netlink: %s", strerror(-rc));
		goto out;
	}

	if (!up) {
		struct nl_link link;

		/* gone already (QEMU closed it), or on another bridge: its
		 * business is not this network's, so leave it */
		if (nl_link_get(&nl, ifname, &link) ||
		    port_bridge_get(&nl, n->bridge, &br) ||
		    link.master != br.ifindex) {
			ret = EXIT_OK;
			goto out;
		}
		rc = nl_link_set_master(&nl, ifname, 0);
		if (rc && rc != -ENODEV) {
			log_err("cannot take %s out of %s: %s", ifname,
				n->bridge, strerror(-rc));
			goto out;
		}
		ret = EXIT_OK;
		goto out;
	}

	rc = port_bridge_get(&nl, n->bridge, &br);
	if (rc == -ENODEV) {
		log_err("network %s is not up (bridge %s does not exist): run "
			"'tapir net up %s'", net, n->bridge, net);
		goto out;
	} else if (rc) {
		log_err("bridge %s of network %s: %s", n->bridge, net,
			rc == -ENOTTY ? "not a bridge" : strerror(-rc));
		goto out;
	}
	rc = port_attach(&nl, ifname, &br);
	if (rc) {
		log_err("cannot attach %s to %s: %s", ifname, n->bridge,
			rc == -ENODEV ? "no such interface" : strerror(-rc));
		goto out;
	}
	ret = EXIT_OK;
out:
	nl_close(&nl);
	conf_free(&conf);
	return ret;
}
