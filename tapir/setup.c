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
 *	Steps 4 and 5 run in a thread of their own, started once the bridge's
 *	name is known to be free, beside steps 1 to 3 and the start of the
 *	servers (service.c); setup_finish() waits for it.
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
 * error the caller joins the thread (setup_join()), then replays the
 * journal at once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "log.h"
#include "nl_addr.h"
#include "nl_l3.h"
#include "setup.h"
#include "sysctl.h"
#include "undo.h"

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
 * setup_bridge_free() - check that the bridge's name is not taken
 * @p:		plan
 * @nl:		netlink socket
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -EEXIST with @err set
 */
static int setup_bridge_free(const struct plan *p, struct nl *nl, char *err,
			     size_t len)
{
	struct nl_link l;
	char where[256];

	if (nl_link_get(nl, p->net.bridge, &l))
		return 0;
	snprintf(err, len, "bridge %s (%s): an interface of that name exists "
		 "already; tapir creates its bridge itself: set another "
		 "'bridge' for network %s", p->net.bridge,
		 conf_loc_fmt(conf_net_loc(&p->net, CONF_K_BRIDGE), where,
			      sizeof(where)), p->net.name);
	return -EEXIST;
}

/**
 * setup_bridge() - create the bridge, recording how to delete it
 * (setup_bridge_free() has checked the name)
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
	int rc;

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
 * setup_fw_thread() - load the network's table, then look for foreign drops
 * @arg:	struct setup
 *
 * Runs beside the main thread, which sets up the bridge and starts the
 * servers meanwhile; it touches nothing but @arg, and setup_finish()
 * joins it.
 *
 * Return: NULL
 */
static void *setup_fw_thread(void *arg)
{
	struct setup *su = arg;
	struct nft nft;
	int rc;

	rc = nft_open(&nft);
	if (rc) {
		snprintf(su->err, sizeof(su->err), "cannot use nftables: %s",
			 strerror(-rc));
		su->rc = rc;
		return NULL;
	}
	rc = nft_apply(&nft, &su->spec);
	if (rc) {
		snprintf(su->err, sizeof(su->err), "cannot load the firewall "
			 "rules: %s", nft.err);
		su->rc = rc;
	} else {
		su->ndrop = nft_foreign_drops(&nft, su->spec.bridge,
					      su->spec.mode, su->drop,
					      SETUP_DROPS_MAX);
	}
	nft_close(&nft);
	return NULL;
}

/**
 * setup_routed() - bring up a nat, isolated or routed network
 * @su:		set-up in progress; its firewall thread is started here
 * @p:		plan
 * @st:		state
 * @nl:		netlink socket
 * @err:	message on failure
 * @len:	size of @err
 *
 * The nftables table names the bridge, not its index, so it is loaded by
 * a thread of its own (setup_fw_thread()), while this thread creates and
 * configures the bridge and the caller starts the DHCP and DNS servers:
 * libnftables takes two to three milliseconds, as long as all the rest.
 *
 * Return: 0, or -errno with @err set
 */
static int setup_routed(struct setup *su, const struct plan *p,
			struct state *st, struct nl *nl, char *err,
			size_t len)
{
	const struct conf_net *n = &p->net;
	struct nl_link br;
	struct nl_addr a;
	uint8_t mac[6];
	int rc;

	/* never load rules naming somebody else's interface, even briefly */
	rc = setup_bridge_free(p, nl, err, len);
	if (rc)
		return rc;
	su->spec.name = n->name;
	su->spec.mode = n->mode == CONF_NAT ? NFT_NAT :
			n->mode == CONF_ROUTED ? NFT_ROUTED : NFT_ISOLATED;
	su->spec.bridge = n->bridge;
	su->spec.subnet.s_addr = htonl(inet_prefix_network(&n->addr));
	su->spec.prefixlen = n->addr.len;
	su->spec.host.s_addr = htonl(n->addr.addr);
	rc = state_undo_push(st, undo_nft_del(n->name));
	if (rc) {
		snprintf(err, len, "cannot save the run state: %s",
			 strerror(-rc));
		return rc;
	}
	rc = -pthread_create(&su->fw, NULL, setup_fw_thread, su);
	if (rc) {
		snprintf(err, len, "cannot start a thread: %s", strerror(-rc));
		return rc;
	}
	su->fw_running = 1;

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
	return 0;
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

	rc = setup_bridge_free(p, nl, err, len);
	if (!rc)
		rc = setup_bridge(p, st, nl, up.addr_len == 6 ? up.addr : NULL,
				  &br, err, len);
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
 * @su:		set-up in progress, cleared here; its firewall thread may still
 *		run on return, whatever the result
 * @p:		plan
 * @st:		state, with the owner set; steps are appended to its journal
 * @nl:		netlink socket
 * @err:	message on failure
 * @len:	size of @err
 *
 * On success the caller starts the servers, then calls setup_finish().  On
 * failure the journal holds what was done; the caller calls setup_join(),
 * then undoes it.
 *
 * Return: 0, or -errno with @err set
 */
int setup_up(struct setup *su, const struct plan *p, struct state *st,
	     struct nl *nl, char *err, size_t len)
{
	int rc;

	memset(su, 0, sizeof(*su));
	err[0] = '\0';
	setup_info(p, st);
	if (p->net.mode == CONF_BRIDGE)
		rc = setup_public(p, st, nl, err, len);
	else
		rc = setup_routed(su, p, st, nl, err, len);
	if (!rc)
		rc = state_save(st);
	return rc;
}

/**
 * setup_join() - wait for the firewall thread, if it runs
 * @su:		set-up from setup_up()
 * @err:	its message on failure
 * @len:	size of @err
 *
 * Must be called before the journal is undone: until then the thread may
 * still be creating the table the journal deletes.
 *
 * Return: 0, or -errno with @err set
 */
int setup_join(struct setup *su, char *err, size_t len)
{
	if (!su->fw_running)
		return 0;
	pthread_join(su->fw, NULL);
	su->fw_running = 0;
	if (su->rc)
		snprintf(err, len, "%s", su->err);
	return su->rc;
}

/**
 * setup_finish() - wait for the firewall, and record its warnings
 * @su:		set-up from setup_up()
 * @p:		plan
 * @st:		state; the warnings go into its info (saved by the caller)
 * @err:	message on failure
 * @len:	size of @err
 *
 * Return: 0, or -errno with @err set
 */
int setup_finish(struct setup *su, const struct plan *p, struct state *st,
		 char *err, size_t len)
{
	struct json_object *warnings;
	int i, rc;

	if (!su->fw_running)
		return 0;
	rc = setup_join(su, err, len);
	if (rc)
		return rc;
	warnings = json_object_new_array();
	for (i = 0; i < su->ndrop && i < SETUP_DROPS_MAX; i++) {
		char *msg = nft_drop_describe(&su->drop[i], p->net.name);

		if (!msg)
			continue;
		log_warn("%s", msg);
		json_object_array_add(warnings, json_object_new_string(msg));
		free(msg);
	}
	json_object_object_add(state_info(st), "warnings", warnings);
	return 0;
}
