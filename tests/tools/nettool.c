// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nettool.c - drive the firewall, netlink and sysctl code of lib/ from
 * shell tests (tests/integration/nft-modes.sh).  A test tool: it runs in
 * whatever network namespace it is started in ("ip netns exec NS ...").
 *
 * Usage:
 *   nettool nft-apply NAME MODE BRIDGE HOST/PREFIX
 *	install table inet tapir-NAME for MODE (nat, routed, isolated,
 *	bridge), the guests' subnet being HOST's /PREFIX
 *   nettool nft-remove NAME
 *   nettool nft-count NAME
 *	print "rules=R packets=P bytes=B rejected=X"
 *   nettool nft-list
 *	print the networks that have a table, one a line
 *   nettool foreign-drops BRIDGE [MODE]
 *	print "drops=N", then per chain "FAMILY TABLE CHAIN hook=H
 *	policy=drop|rule|unknown [legacy]" and its fix lines as "  fix: CMD"
 *	(MODE defaults to nat)
 *   nettool move-l3 FROM TO STATEFILE
 *	record FROM's addresses and routes, write the record to STATEFILE as
 *	JSON, then move them to TO
 *   nettool restore-l3 STATEFILE
 *	put back what move-l3 moved, from the record alone
 *   nettool bridge-add NAME [MAC-OF]
 *	create bridge NAME, with the MAC of link MAC-OF if given, and up
 *   nettool master LINK BRIDGE|none
 *   nettool link-del NAME
 *   nettool sysctl KEY [VALUE]
 *	print KEY's value, or set it
 *
 * Exit status: 0 on success, 1 on failure (the reason on stderr), 2 for a
 * usage error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>

#include "nft.h"
#include "nl.h"
#include "nl_l3.h"
#include "sysctl.h"

/**
 * nt_fail() - report a failed step
 * @what:	the step
 * @rc:		-errno
 *
 * Return: 1, the exit status for a failure
 */
static int nt_fail(const char *what, int rc)
{
	fprintf(stderr, "nettool: %s: %s\n", what, strerror(-rc));
	return 1;
}

/**
 * nt_mode() - parse a mode name
 * @s:		"nat", "routed", "isolated" or "bridge"
 * @mode:	set to the mode
 *
 * Return: 0, or -EINVAL
 */
static int nt_mode(const char *s, enum nft_mode *mode)
{
	static const char *const names[] = { "nat", "routed", "isolated",
					     "bridge" };
	int i;

	for (i = 0; i < 4; i++)
		if (!strcmp(s, names[i])) {
			*mode = (enum nft_mode)i;
			return 0;
		}
	return -EINVAL;
}

/**
 * nt_nft() - run one firewall subcommand
 * @cmd:	subcommand
 * @argc:	number of its arguments
 * @argv:	its arguments
 *
 * Return: exit status
 */
static int nt_nft(const char *cmd, int argc, char **argv)
{
	char names[64][NFT_NET_MAX + 1], addr[INET_ADDRSTRLEN];
	struct nft_net net = { 0 };
	struct nft_drop drops[16];
	struct nft_counts c;
	enum nft_mode mode = NFT_NAT;
	struct nft n;
	int rc, i;

	rc = nft_open(&n);
	if (rc)
		return nt_fail("nft_open", rc);
	if (!strcmp(cmd, "nft-apply") && argc == 4) {
		net.name = argv[0];
		net.bridge = argv[2];
		if (nt_mode(argv[1], &net.mode) ||
		    sscanf(argv[3], "%15[0-9.]/%u", addr, &net.prefixlen) != 2 ||
		    inet_pton(AF_INET, addr, &net.host) != 1) {
			rc = -EINVAL;
			goto out;
		}
		net.subnet = net.host;
		rc = nft_apply(&n, &net);
	} else if (!strcmp(cmd, "nft-remove") && argc == 1) {
		rc = nft_remove(&n, argv[0]);
	} else if (!strcmp(cmd, "nft-count") && argc == 1) {
		rc = nft_count(&n, argv[0], &c);
		if (!rc)
			printf("rules=%u packets=%llu bytes=%llu rejected=%llu\n",
			       c.rules, (unsigned long long)c.packets,
			       (unsigned long long)c.bytes,
			       (unsigned long long)c.rejected);
	} else if (!strcmp(cmd, "nft-list") && argc == 0) {
		rc = nft_tables(names, 64);
		for (i = 0; i < rc && i < 64; i++)
			printf("%s\n", names[i]);
		rc = rc < 0 ? rc : 0;
	} else if (!strcmp(cmd, "foreign-drops") && (argc == 1 || argc == 2)) {
		if (argc == 2 && nt_mode(argv[1], &mode)) {
			rc = -EINVAL;
			goto out;
		}
		rc = nft_foreign_drops(&n, argv[0], mode, drops, 16);
		if (rc >= 0)
			printf("drops=%d\n", rc);
		for (i = 0; i < rc && i < 16; i++) {
			char *line, *save = NULL;

			printf("%s %s %s hook=%s policy=%s%s\n",
			       drops[i].family, drops[i].table, drops[i].chain,
			       drops[i].hook,
			       drops[i].policy > 0 ? "drop" :
			       drops[i].policy ? "unknown" : "rule",
			       drops[i].legacy ? " legacy" : "");
			for (line = strtok_r(drops[i].fix, "\n", &save); line;
			     line = strtok_r(NULL, "\n", &save))
				printf("  fix: %s\n", line);
		}
		rc = rc < 0 ? rc : 0;
	} else {
		nft_close(&n);
		return 2;
	}
out:
	if (rc)
		fprintf(stderr, "nettool: %s: %s%s%s\n", cmd, strerror(-rc),
			n.err[0] ? "\n" : "", n.err);
	nft_close(&n);
	return rc ? 1 : 0;
}

/**
 * nt_save() - write a record to a file, as the run-state file would hold it
 * @path:	the file
 * @rec:	the record
 *
 * Return: 0, or -errno
 */
static int nt_save(const char *path, const struct nl_l3 *rec)
{
	struct json_object *j = nl_l3_to_json(rec);
	int rc;

	if (!j)
		return -ENOMEM;
	rc = json_object_to_file_ext(path, j, JSON_C_TO_STRING_PRETTY);
	json_object_put(j);
	return rc ? -EIO : 0;
}

/**
 * nt_l3() - move a link's layer-3 configuration, or put it back
 * @cmd:	"move-l3" or "restore-l3"
 * @argc:	number of arguments
 * @argv:	FROM TO STATEFILE, or STATEFILE
 *
 * Return: exit status
 */
static int nt_l3(const char *cmd, int argc, char **argv)
{
	struct json_object *j;
	struct nl_l3 rec;
	struct nl nl;
	int rc;

	if (!(!strcmp(cmd, "move-l3") && argc == 3) &&
	    !(!strcmp(cmd, "restore-l3") && argc == 1))
		return 2;
	memset(&rec, 0, sizeof(rec));
	rc = nl_open(&nl);
	if (rc)
		return nt_fail("nl_open", rc);
	if (argc == 3) {
		/* write-ahead: the record is on disk before anything moves */
		rc = nl_l3_record(&nl, argv[0], argv[1], &rec);
		if (!rc)
			rc = nt_save(argv[2], &rec);
		if (!rc) {
			rc = nl_l3_apply(&nl, &rec);
			if (rc)
				nl_l3_restore(&nl, &rec);
		}
		if (!rc && rec.skipped)
			fprintf(stderr, "nettool: %u routes not moved\n",
				rec.skipped);
	} else {
		j = json_object_from_file(argv[0]);
		rc = j ? nl_l3_from_json(j, &rec) : -ENOENT;
		json_object_put(j);
		if (!rc)
			rc = nl_l3_restore(&nl, &rec);
	}
	nl_l3_free(&rec);
	nl_close(&nl);
	return rc ? nt_fail(cmd, rc) : 0;
}

/**
 * nt_link() - link subcommands
 * @cmd:	subcommand
 * @argc:	number of its arguments
 * @argv:	its arguments
 *
 * Return: exit status
 */
static int nt_link(const char *cmd, int argc, char **argv)
{
	struct nl_link l = { 0 }, br = { 0 };
	struct nl nl;
	int rc;

	rc = nl_open(&nl);
	if (rc)
		return nt_fail("nl_open", rc);
	if (!strcmp(cmd, "bridge-add") && (argc == 1 || argc == 2)) {
		if (argc == 2)
			rc = nl_link_get(&nl, argv[1], &l);
		if (!rc)
			rc = nl_bridge_add(&nl, argv[0], 0,
					   argc == 2 ? l.addr : NULL);
		if (!rc)
			rc = nl_link_set_up(&nl, argv[0], 1);
	} else if (!strcmp(cmd, "master") && argc == 2) {
		if (strcmp(argv[1], "none"))
			rc = nl_link_get(&nl, argv[1], &br);
		if (!rc)
			rc = nl_link_set_master(&nl, argv[0], br.ifindex);
	} else if (!strcmp(cmd, "link-del") && argc == 1) {
		rc = nl_link_del(&nl, argv[0]);
	} else {
		nl_close(&nl);
		return 2;
	}
	nl_close(&nl);
	return rc ? nt_fail(cmd, rc) : 0;
}

/**
 * nt_sysctl() - read or write a kernel parameter
 * @argc:	number of arguments
 * @argv:	KEY [VALUE]
 *
 * Return: exit status
 */
static int nt_sysctl(int argc, char **argv)
{
	char buf[256];
	int rc;

	if (argc == 1) {
		rc = sysctl_read(argv[0], buf, sizeof(buf));
		if (!rc)
			printf("%s\n", buf);
	} else if (argc == 2) {
		rc = sysctl_write(argv[0], argv[1]);
	} else {
		return 2;
	}
	return rc ? nt_fail(argv[0], rc) : 0;
}

int main(int argc, char **argv)
{
	int rc = 2;

	if (argc >= 2) {
		if (!strncmp(argv[1], "nft-", 4) ||
		    !strcmp(argv[1], "foreign-drops"))
			rc = nt_nft(argv[1], argc - 2, argv + 2);
		else if (strstr(argv[1], "-l3"))
			rc = nt_l3(argv[1], argc - 2, argv + 2);
		else if (!strcmp(argv[1], "sysctl"))
			rc = nt_sysctl(argc - 2, argv + 2);
		else
			rc = nt_link(argv[1], argc - 2, argv + 2);
	}
	if (rc == 2)
		fprintf(stderr, "usage: see the comment at the top of "
				"tests/tools/nettool.c\n");
	return rc;
}
