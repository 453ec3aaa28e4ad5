// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * setup.c - the steps that bring a network up, each one undoable
 *
 * Theory of operation
 *
 * nat, isolated and routed:
 *	1. create the bridge (STP off, forward delay 0) with its MTU and a
 *	   fixed MAC address derived from the network's name;
 *	2. give it the host's address, and bring it up;
 *	3. nat and routed: turn on net.ipv4.ip_forward (never turned off
 *	   again: other software may rely on it);
 *	4. load the network's nftables table (lib/nft.c): masquerade for nat,
 *	   forward rules, DHCP and DNS open on the bridge;
 *	5. warn about other tables' chains that will drop what the network
 *	   forwards (Docker's FORWARD policy drop, say), with the fix.
 *
 * bridge (public bridge):
 *	1. note the uplink's addresses and routes (lib/nl_l3.c);
 *	2. create the bridge with the uplink's MAC address, so the LAN keeps
 *	   seeing the same host (and its DHCP server the same client), and
 *	   the uplink's MTU unless the configuration sets one;
 *	3. move the addresses and routes, the default route too, onto it;
 *	4. make the uplink a port of the bridge.
 *
 * Before each step changes anything, its undo record is appended to the
 * state's journal and saved (undo.c), so whatever stops "up" - an error
 * here, a crash, kill -9 - the journal holds everything to remove.  On an
 * error the caller replays the journal at once.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "log.h"
#include "nft.h"
#include "nl_addr.h"
#include "nl_l3.h"
#include "setup.h"
#include "sysctl.h"
#include "undo.h"

/* Most foreign chains reported; more are rare. */
#define SETUP_DROPS_MAX	8

/**
 * setup_info() - record what "status" shows about the network
 * @p:		plan
 * @st:		state; saved by the next journal entry
 */
static void setup_info(const struct plan *p, struct state *st)
{
	const struct conf_net *n = &p->net;
	struct json_object *info = state_info(st);
	char buf[INET_PREFIX_STRLEN];

	json_object_object_add(info, "mode",
			       json_object_new_string(conf_mode_name(n->mode)));
	json_object_object_add(info, "bridge",
			       json_object_new_string(n->bridge));
	json_object_object_add(info, "mtu", json_object_new_int((int)p->mtu));
	if (n->mode == CONF_BRIDGE) {
		json_object_object_add(info, "uplink",
				       json_object_new_string(n->uplink));
		return;
	}
	json_object_object_add(info, "address", json_object_new_string(
		inet_prefix_fmt(&n->addr, buf, sizeof(buf))));
	json_object_object_add(info, "dhcp", json_object_new_boolean(n->dhcp));
	json_object_object_add(info, "dns", json_object_new_boolean(n->dns));
	json_object_object_add(info, "domain",
			       json_object_new_string(n->domain));
	if (n->dhcp) {
		json_object_object_add(info, "dhcp_first",
			json_object_new_string(inet_addr_fmt(n->range_first,
							     buf, sizeof(buf))));
		json_object_object_add(info, "dhcp_last",
			json_object_new_string(inet_addr_fmt(n->range_last,
							     buf, sizeof(buf))));
	}
}

/**
 * setup_bridge() - create the bridge, recording how to delete it
 * @p:		plan
 * @st:		state
 * @nl:		netlink socket
 * @mac:	MAC address for the bridge, or NULL for the kernel's
 * @br:		set to the new bridge
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
static int setup_bridge(const struct plan *p, struct state *st,
			struct nl *nl, const uint8_t *mac, struct nl_link *br,
			char *err, size_t len)
{
	const char *name = p->net.bridge;
	struct json_object *rec;
	char where[256];
	int rc;

	rc = nl_link_get(nl, name, br);
	if (!rc) {
		snprintf(err, len, "bridge %s (%s): an interface of that name "
			 "exists already; tapir creates its bridge itself: set "
			 "another 'bridge' for network %s", name,
			 conf_loc_fmt(conf_net_loc(&p->net, CONF_K_BRIDGE),
				      where, sizeof(where)), p->net.name);
		return -EEXIST;
	}
	rec = undo_link_del(name, "bridge");
	rc = state_undo_push(st, rec);
	if (rc) {
		snprintf(err, len, "cannot save the run state: %s",
			 strerror(-rc));
		return rc;
	}
	rc = nl_bridge_add(nl, name, p->mtu, mac);
	if (!rc)
		rc = nl_link_get(nl, name, br);
	if (rc) {
		snprintf(err, len, "cannot create bridge %s: %s", name,
			 strerror(-rc));
		return rc;
	}
	undo_set_ifindex(rec, br->ifindex);
	return state_save(st);
}

/**
 * setup_bridge_mac() - the MAC address of a network's bridge
 * @name:	network name
 * @mac:	filled in: 02:74:70 ("tp"), then the low 24 bits of the
 *		FNV-1a hash of @name
 *
 * A bridge whose address was not set takes the lowest of its ports', so
 * guests would see their gateway's MAC change as other guests come and
 * go, and 00:00:00:00:00:00 once the last one leaves.  A fixed address,
 * the same at every "up", keeps guests' ARP caches right across restarts.
 * It is locally administered and unicast, and its prefix is not QEMU's
 * 52:54:00, so it never equals a guest's.
 */
static void setup_bridge_mac(const char *name, uint8_t mac[6])
{
	uint32_t h = 2166136261u;

	for (; *name; name++) {
		h ^= (uint8_t)*name;
		h *= 16777619u;
	}
	mac[0] = 0x02;
	mac[1] = 0x74;
	mac[2] = 0x70;
	mac[3] = (uint8_t)(h >> 16);
	mac[4] = (uint8_t)(h >> 8);
	mac[5] = (uint8_t)h;
}

/**
 * setup_routed() - bring up a nat, isolated or routed network
 * @p:		plan
 * @st:		state
 * @nl:		netlink socket
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
static int setup_routed(const struct plan *p, struct state *st,
			struct nl *nl, char *err, size_t len)
{
	const struct conf_net *n = &p->net;
	struct nft_drop drop[SETUP_DROPS_MAX];
	struct json_object *warnings;
	struct nft_net spec = { 0 };
	struct nl_link br;
	struct nl_addr a;
	struct nft nft;
	uint8_t mac[6];
	int rc, ndrop, i;

	setup_bridge_mac(n->name, mac);
	rc = setup_bridge(p, st, nl, mac, &br, err, len);
	if (rc)
		return rc;
	nl_addr_make4(&a, (struct in_addr){ htonl(n->addr.addr) },
		      n->addr.len);
	a.ifindex = br.ifindex;
	rc = nl_addr_add(nl, &a);
	if (!rc)
		rc = nl_link_set_up(nl, n->bridge, 1);
	if (rc) {
		snprintf(err, len, "cannot configure bridge %s: %s",
			 n->bridge, strerror(-rc));
		return rc;
	}

	if (n->mode != CONF_ISOLATED) {
		rc = sysctl_write("net.ipv4.ip_forward", "1");
		if (rc)
			log_warn("cannot turn on net.ipv4.ip_forward: %s",
				 strerror(-rc));
	}

	spec.name = n->name;
	spec.mode = n->mode == CONF_NAT ? NFT_NAT :
		    n->mode == CONF_ROUTED ? NFT_ROUTED : NFT_ISOLATED;
	spec.bridge = n->bridge;
	spec.subnet.s_addr = htonl(inet_prefix_network(&n->addr));
	spec.prefixlen = n->addr.len;
	spec.host.s_addr = htonl(n->addr.addr);
	rc = state_undo_push(st, undo_nft_del(n->name));
	if (rc) {
		snprintf(err, len, "cannot save the run state: %s",
			 strerror(-rc));
		return rc;
	}
	rc = nft_open(&nft);
	if (rc) {
		snprintf(err, len, "cannot use nftables: %s", strerror(-rc));
		return rc;
	}
	rc = nft_apply(&nft, &spec);
	if (rc) {
		snprintf(err, len, "cannot load the firewall rules: %s",
			 nft.err);
		goto out;
	}

	ndrop = nft_foreign_drops(&nft, n->bridge, spec.mode, drop,
				  SETUP_DROPS_MAX);
	warnings = json_object_new_array();
	for (i = 0; i < ndrop && i < SETUP_DROPS_MAX; i++) {
		char *msg = nft_drop_describe(&drop[i], n->name);

		if (!msg)
			continue;
		log_warn("%s", msg);
		json_object_array_add(warnings, json_object_new_string(msg));
		free(msg);
	}
	json_object_object_add(state_info(st), "warnings", warnings);
	rc = 0;
out:
	nft_close(&nft);
	return rc;
}

/**
 * setup_public() - bring up a public bridge
 * @p:		plan
 * @st:		state
 * @nl:		netlink socket
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
static int setup_public(const struct plan *p, struct state *st,
			struct nl *nl, char *err, size_t len)
{
	const struct conf_net *n = &p->net;
	struct nl_link up, br;
	struct json_object *rec;
	struct nl_l3 l3;
	int rc;

	memset(&l3, 0, sizeof(l3));
	rc = nl_link_get(nl, n->uplink, &up);
	if (rc) {
		snprintf(err, len, "uplink %s: %s", n->uplink, strerror(-rc));
		return rc;
	}
	rc = nl_l3_record(nl, n->uplink, n->bridge, &l3);
	if (rc) {
		snprintf(err, len, "cannot read %s's addresses and routes: %s",
			 n->uplink, strerror(-rc));
		return rc;
	}
	if (l3.skipped)
		log_warn("%u route(s) of %s cannot be moved (multipath, "
			 "nexthop objects or tunnels) and stay on it",
			 l3.skipped, n->uplink);

	rc = setup_bridge(p, st, nl, up.addr_len == 6 ? up.addr : NULL, &br,
			  err, len);
	if (!rc)
		rc = nl_link_set_up(nl, n->bridge, 1);
	if (rc) {
		if (!err[0])
			snprintf(err, len, "cannot bring %s up: %s",
				 n->bridge, strerror(-rc));
		goto out;
	}

	rec = undo_l3(&l3);
	rc = rec ? state_undo_push(st, rec) : -ENOMEM;
	if (!rc)
		rc = nl_l3_apply(nl, &l3);
	if (rc) {
		snprintf(err, len, "cannot move %s's addresses and routes to "
			 "%s: %s", n->uplink, n->bridge, strerror(-rc));
		goto out;
	}
	rc = state_undo_push(st, undo_nomaster(n->uplink));
	if (!rc)
		rc = nl_link_set_master(nl, n->uplink, br.ifindex);
	if (rc)
		snprintf(err, len, "cannot make %s a port of %s: %s",
			 n->uplink, n->bridge, strerror(-rc));
out:
	nl_l3_free(&l3);
	return rc;
}

/**
 * setup_up() - bring a network up, journaling every step
 * @p:		plan
 * @st:		state, with the owner set; steps are appended to its journal
 * @nl:		netlink socket
 * @err:	message on failure
 * @len:	size of @err
 *
 * On failure the journal holds what was done; the caller undoes it.
 *
 * Return: 0, or -errno with @err set
 */
int setup_up(const struct plan *p, struct state *st, struct nl *nl,
	     char *err, size_t len)
{
	int rc;

	err[0] = '\0';
	setup_info(p, st);
	if (p->net.mode == CONF_BRIDGE)
		rc = setup_public(p, st, nl, err, len);
	else
		rc = setup_routed(p, st, nl, err, len);
	if (!rc)
		rc = state_save(st);
	return rc;
}
