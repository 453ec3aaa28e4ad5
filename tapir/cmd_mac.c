// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_mac.c - tapir mac: a MAC address for a guest
 *
 * Theory of operation
 *
 *	tapir mac [--vm NAME]
 *
 * prints a locally administered unicast address with QEMU's 52:54:00
 * prefix (0x52: the locally administered bit set, the multicast bit clear),
 * the prefix QEMU and libvirt give guests by default.  Without --vm the
 * last three bytes are random.  With --vm they are the low three bytes of
 * the 32-bit FNV-1a hash of the name, so a VM keeps its address - and its
 * DHCP lease - across restarts without anyone writing it down.  The hash is
 * part of the interface: it does not change between versions.
 *
 * Three bytes leave 16.7 million addresses.  The chance that two of n
 * named VMs share one is about n * n / 2^25: 1 in 3,400 for 100 VMs, 1 in
 * 34 for 1,000.  Hand-pick addresses where that matters.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "log.h"
#include "tapir.h"

/**
 * mac_for_vm() - the MAC address tapir gives a guest
 * @vm:		VM name, or NULL for a random address
 * @mac:	filled in
 *
 * Return: 0, or -errno if no random bytes could be had
 */
static int mac_for_vm(const char *vm, uint8_t mac[6])
{
	uint32_t h = 2166136261u;	/* FNV-1a offset basis */
	const unsigned char *p;

	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = 0x00;
	if (!vm)
		return getrandom(mac + 3, 3, 0) == 3 ? 0 : -EIO;
	for (p = (const unsigned char *)vm; *p; p++) {
		h ^= *p;
		h *= 16777619u;		/* FNV prime */
	}
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
	return 0;
}

/**
 * cmd_mac() - tapir mac [--vm NAME]
 * @t:		global options (unused)
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "mac"
 *
 * Return: exit status
 */
int cmd_mac(struct tapir *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *vm = NULL;
	uint8_t mac[6];
	int c;

	(void)t;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			vm = optarg;
			break;
		case 'h':
			printf("Usage: tapir mac [--vm NAME]\n"
			       "Print a MAC address with QEMU's 52:54:00 "
			       "prefix: random, or stable for VM NAME.\n");
			return EXIT_OK;
		default:
			return tapir_usage_error("mac", "bad option");
		}
	}
	if (optind < argc)
		return tapir_usage_error("mac", "unexpected argument '%s'",
					 argv[optind]);
	if (vm && !*vm)
		return tapir_usage_error("mac", "--vm needs a name");

	if (mac_for_vm(vm, mac)) {
		log_err("cannot get random bytes");
		return EXIT_FAIL;
	}
	printf("%02x:%02x:%02x:%02x:%02x:%02x\n", mac[0], mac[1], mac[2],
	       mac[3], mac[4], mac[5]);
	return EXIT_OK;
}
