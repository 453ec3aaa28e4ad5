// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_tap.c - tapir tap add|del: persistent taps, instead of tunctl and
 * "ip tuntap"
 *
 * Theory of operation
 *
 *	tapir tap add IFNAME [--user U] [--group G] [--bridge BR] [--multi-queue]
 *	tapir tap del IFNAME
 *
 * "add" creates a persistent tap that user U (or members of group G) may
 * open without privileges, for QEMU's -netdev tap,ifname=IFNAME; with
 * --bridge it is attached to BR right away, the same way the bridge helper
 * attaches its taps (lib/port.c).  Everything is checked before anything is
 * created, and a tap that cannot be attached is removed again: a failed
 * "add" leaves nothing behind.  An existing interface of that name is never
 * touched (IFF_TUN_EXCL).
 *
 * "del" removes a tap, refusing any other kind of interface, and a tap
 * that a program still has open.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ifname.h"
#include "log.h"
#include "nl.h"
#include "port.h"
#include "tap.h"
#include "tapir.h"

/**
 * tap_id() - resolve a user or group given by name or number
 * @s:		name or decimal id
 * @group:	non-zero for a group
 * @id:		set to the id
 *
 * Return: 0, or -ENOENT if there is no such user or group
 */
static int tap_id(const char *s, int group, long *id)
{
	char *end;
	long v;

	if (*s >= '0' && *s <= '9') {
		v = strtol(s, &end, 10);
		if (!*end && v >= 0 && v < 0xffffffffL) {
			*id = v;
			return 0;
		}
		return -ENOENT;
	}
	if (group) {
		struct group *gr = getgrnam(s);

		if (!gr)
			return -ENOENT;
		*id = gr->gr_gid;
	} else {
		struct passwd *pw = getpwnam(s);

		if (!pw)
			return -ENOENT;
		*id = pw->pw_uid;
	}
	return 0;
}

/**
 * tap_add() - tapir tap add
 * @argc:	argument count
 * @argv:	arguments after "tap"; argv[0] is "add"
 *
 * Return: exit status
 */
static int tap_add(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "user", required_argument, NULL, 'u' },
		{ "group", required_argument, NULL, 'g' },
		{ "bridge", required_argument, NULL, 'b' },
		{ "multi-queue", no_argument, NULL, 'm' },
		{ 0 },
	};
	const char *user = NULL, *group = NULL, *bridge = NULL, *name, *why;
	long uid = -1, gid = -1;
	int c, mq = 0, rc, ret = EXIT_FAIL;
	struct nl nl = { 0 };
	struct nl_link br;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'u':
			user = optarg;
			break;
		case 'g':
			group = optarg;
			break;
		case 'b':
			bridge = optarg;
			break;
		case 'm':
			mq = 1;
			break;
		default:
			return tapir_usage_error("tap", "bad option");
		}
	}
	if (optind + 1 != argc)
		return tapir_usage_error("tap", "tap add takes one IFNAME");
	name = argv[optind];
	if (ifname_check(name, &why))
		return tapir_usage_error("tap", "invalid interface name "
					 "'%.32s': %s", name, why);
	if (user && tap_id(user, 0, &uid)) {
		log_err("no such user: %s", user);
		return EXIT_FAIL;
	}
	if (group && tap_id(group, 1, &gid)) {
		log_err("no such group: %s", group);
		return EXIT_FAIL;
	}

	rc = nl_open(&nl);
	if (rc) {
		log_err("cannot open a netlink socket: %s", strerror(-rc));
		return EXIT_FAIL;
	}
	if (bridge) {
		rc = port_bridge_get(&nl, bridge, &br);
		if (rc == -ENODEV)
			log_err("bridge '%s' does not exist", bridge);
		else if (rc == -ENOTTY)
			log_err("'%s' is not a bridge", bridge);
		else if (rc)
			log_err("cannot look up bridge '%s': %s", bridge,
				strerror(-rc));
		if (rc)
			goto out;
	}

	rc = tap_persist_add(name, uid, gid, mq);
	if (rc == -EBUSY) {
		log_err("an interface named %s exists already", name);
		goto out;
	} else if (rc) {
		log_err("cannot create tap %s: %s", name, strerror(-rc));
		goto out;
	}
	if (bridge) {
		rc = port_attach(&nl, name, &br);
		if (rc) {
			log_err("cannot attach %s to bridge '%s': %s", name,
				bridge, strerror(-rc));
			tap_persist_del(name);
			goto out;
		}
	}
	printf("created tap %s%s%s%s%s%s%s%s\n", name,
	       user ? ", owner " : "", user ? user : "",
	       group ? ", group " : "", group ? group : "",
	       mq ? ", multi-queue" : "",
	       bridge ? ", on bridge " : "", bridge ? bridge : "");
	ret = EXIT_OK;
out:
	nl_close(&nl);
	return ret;
}

/**
 * tap_del() - tapir tap del IFNAME
 * @argc:	argument count
 * @argv:	arguments after "tap"; argv[0] is "del"
 *
 * Return: exit status
 */
static int tap_del(int argc, char **argv)
{
	struct nl nl = { 0 };
	struct nl_link link;
	const char *name, *why;
	int rc, ret = EXIT_FAIL;

	if (argc != 2)
		return tapir_usage_error("tap", "tap del takes one IFNAME");
	name = argv[1];
	if (ifname_check(name, &why))
		return tapir_usage_error("tap", "invalid interface name "
					 "'%.32s': %s", name, why);

	rc = nl_open(&nl);
	if (!rc)
		rc = nl_link_get(&nl, name, &link);
	nl_close(&nl);
	if (rc == -ENODEV) {
		log_err("no interface named %s", name);
		return EXIT_FAIL;
	} else if (rc) {
		log_err("cannot look up %s: %s", name, strerror(-rc));
		return EXIT_FAIL;
	}
	if (strcmp(link.kind, "tun")) {
		log_err("%s is not a tap (it is %s%s); not deleting it", name,
			link.kind[0] ? "a device of kind " : "a plain device",
			link.kind);
		return EXIT_FAIL;
	}

	rc = tap_persist_del(name);
	if (rc == -EBUSY)
		log_err("%s is in use: a program (QEMU?) has it open", name);
	else if (rc == -EINVAL)
		log_err("%s is a tun device, not a tap", name);
	else if (rc)
		log_err("cannot delete %s: %s", name, strerror(-rc));
	else
		ret = EXIT_OK;
	return ret;
}

/**
 * cmd_tap() - tapir tap add|del
 * @t:		global options (unused)
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "tap"
 *
 * Return: exit status
 */
int cmd_tap(struct tapir *t, int argc, char **argv)
{
	(void)t;
	if (argc >= 2 && !strcmp(argv[1], "add"))
		return tap_add(argc - 1, argv + 1);
	if (argc >= 2 && !strcmp(argv[1], "del"))
		return tap_del(argc - 1, argv + 1);
	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		printf("Usage: tapir tap add IFNAME [--user U] [--group G] "
		       "[--bridge BR] [--multi-queue]\n"
		       "       tapir tap del IFNAME\n");
		return EXIT_OK;
	}
	return tapir_usage_error("tap", "expected 'tap add' or 'tap del'");
}
