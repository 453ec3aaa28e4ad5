// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * port.c - making an interface a bridge port for a guest
 *
 * Theory of operation
 *
 * The bridge helper, "tapir tap add --bridge" and "tapir ifup" all attach a
 * guest's tap to a bridge the same way:
 *
 * - IPv6 off on the tap, before it comes up (see tap.c: a port needs no
 *   address of its own, and the kernel's per-port IPv6 work grows with the
 *   bridge);
 * - a random MAC starting with 0xFE, so the bridge never takes the tap's
 *   address as its own;
 * - the bridge's MTU;
 * - the bridge as master, and the link up.
 *
 * The last three go in one RTM_NEWLINK (nl_link_set()).  port_bridge_get()
 * looks the bridge up by name and checks that it is one, so callers can
 * tell "no such bridge" from "not a bridge" in their own words.
 */
#include <errno.h>
#include <string.h>

#include "log.h"
#include "port.h"
#include "tap.h"

/**
 * port_bridge_get() - look up a bridge by name
 * @nl:		netlink socket
 * @bridge:	bridge name
 * @br:		filled in
 *
 * Return: 0, -ENODEV if there is no such link, -ENOTTY if the link is not
 *	   a bridge, or another -errno
 */
int port_bridge_get(struct nl *nl, const char *bridge, struct nl_link *br)
{
	int rc = nl_link_get(nl, bridge, br);

	if (rc)
		return rc;
	return strcmp(br->kind, "bridge") ? -ENOTTY : 0;
}

/**
 * port_attach() - make an interface a port of a bridge, up
 * @nl:		netlink socket
 * @ifname:	the interface, usually a tap that is still down
 * @br:		the bridge, from port_bridge_get()
 *
 * Return: 0, or -errno from the kernel
 */
int port_attach(struct nl *nl, const char *ifname, const struct nl_link *br)
{
	struct nl_link_change chg = {
		.up = 1,
		.set_addr = 1,
		.mtu = br->mtu,
		.master = br->ifindex,
	};
	int rc;

	/* Best effort: a port without IPv6 is only cheaper and quieter. */
	rc = tap_ipv6_disable(ifname);
	if (rc && rc != -ENOENT)
		log_debug("cannot turn IPv6 off on %s: %s", ifname,
			  strerror(-rc));

	rc = tap_mac_random(chg.addr);
	if (rc)
		return rc;
	return nl_link_set(nl, ifname, &chg);
}
