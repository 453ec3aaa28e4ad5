// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_mac.c - tapir mac and tapir qemu-args: MAC addresses and QEMU
 * arguments for guests
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
 * "tapir qemu-args" prints what a VM needs to join a network through the
 * bridge helper, with a stable MAC: that of "tapir mac --vm NAME" for the
 * network "default", and of "--vm NAME@NETWORK" for other networks, so a
 * VM on several networks gets a different address on each.
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

#include "conf.h"
#include "config.h"
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

/**
 * cmd_qemu_args() - tapir qemu-args [--network N] [--vm V] [--model M]
 * [--helper PATH]
 * @t:		global options
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "qemu-args"
 *
 * Prints, on one line, the -netdev and -device arguments that attach a VM
 * to the network's bridge through tapir-bridge-helper.
 *
 * Return: exit status
 */
int cmd_qemu_args(struct tapir *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "network", required_argument, NULL, 'n' },
		{ "vm", required_argument, NULL, 'v' },
		{ "model", required_argument, NULL, 'm' },
		{ "helper", required_argument, NULL, 'H' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *net = "default", *vm = NULL, *model = "virtio-net-pci";
	const char *helper = TAPIR_LIBEXECDIR "/tapir-bridge-helper";
	char key[512];
	const struct conf_net *n;
	struct conf conf;
	uint8_t mac[6];
	int c, ret = EXIT_FAIL;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			net = optarg;
			break;
		case 'v':
			vm = optarg;
			break;
		case 'm':
			model = optarg;
			break;
		case 'H':
			helper = optarg;
			break;
		case 'h':
			printf("Usage: tapir qemu-args [--network NAME] "
			       "[--vm NAME] [--model virtio-net-pci] "
			       "[--helper PATH]\n");
			return EXIT_OK;
		default:
			return tapir_usage_error("qemu-args", "bad option");
		}
	}
	if (optind < argc)
		return tapir_usage_error("qemu-args", "unexpected argument "
					 "'%s'", argv[optind]);
	if ((vm && !*vm) || !*model || strpbrk(model, ", \t\n") ||
	    helper[0] != '/' || strpbrk(helper, ", \t\n"))
		return tapir_usage_error("qemu-args", "invalid --vm, --model "
					 "or --helper (an absolute path without "
					 "spaces or commas)");

	conf_init(&conf);
	n = tapir_net_conf(t, &conf, net);
	if (!n)
		goto out;
	if (vm && strcmp(net, "default"))
		snprintf(key, sizeof(key), "%s@%s", vm, net);
	else if (vm)
		snprintf(key, sizeof(key), "%s", vm);
	if (mac_for_vm(vm ? key : NULL, mac)) {
		log_err("cannot get random bytes");
		goto out;
	}
	printf("-netdev bridge,id=%s,br=%s,helper=%s "
	       "-device %s,netdev=%s,mac=%02x:%02x:%02x:%02x:%02x:%02x\n",
	       n->name, n->bridge, helper, model, n->name, mac[0],
	       mac[1], mac[2], mac[3], mac[4], mac[5]);
	ret = EXIT_OK;
out:
	conf_free(&conf);
	return ret;
}
