// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * status.c - tapir net status and tapir net list
 *
 * Theory of operation
 *
 * Status is gathered from what is on the system, never from the service
 * process, so it works while the service is busy or gone:
 *
 * - the run state (state.c): up or down, the service's pid, and the
 *   "info" the service recorded (mode, bridge, address, DHCP range, DNS,
 *   warnings about foreign firewall drops);
 * - the bridge's ports, from one rtnetlink link dump;
 * - DHCP leases, from the lease journal (lib/lease.c's lease_db_read());
 * - the nftables table's rule count and counters (lib/nft.c).
 *
 * Each network is described by one JSON object, built here once; --json
 * prints it, and the human form is printed from the same object, so the
 * two cannot disagree.  The JSON is documented in tapir(1) and stable:
 * members are only ever added.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <json-c/json.h>

#include "conf.h"
#include "inet.h"
#include "lease.h"
#include "log.h"
#include "nft.h"
#include "nl.h"
#include "state.h"
#include "status.h"

static const char *status_str(struct json_object *o, const char *key,
			      const char *def);

/**
 * struct status_leases - lease_db_read() callback state
 * @arr:	JSON array of leases
 * @now:	current time, to skip expired leases
 */
struct status_leases {
	struct json_object *arr;
	time_t now;
};

/**
 * status_time() - format a time for people and for JSON
 * @t:		Unix time
 * @utc:	non-zero for ISO 8601 UTC (JSON), else local time
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf
 */
static char *status_time(time_t t, int utc, char *buf, size_t len)
{
	struct tm tm;

	if (utc)
		strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	else
		strftime(buf, len, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	return buf;
}

/**
 * status_lease() - add one current lease to the list
 * @l:		a record of the journal
 * @arg:	struct status_leases
 *
 * Return: 0, to go on
 */
static int status_lease(const struct lease *l, void *arg)
{
	struct status_leases *s = arg;
	struct json_object *o;
	char buf[64];

	if (l->state != LEASE_BOUND || l->expires <= s->now)
		return 0;
	o = json_object_new_object();
	snprintf(buf, sizeof(buf), "%02x:%02x:%02x:%02x:%02x:%02x", l->mac[0],
		 l->mac[1], l->mac[2], l->mac[3], l->mac[4], l->mac[5]);
	json_object_object_add(o, "mac", json_object_new_string(buf));
	json_object_object_add(o, "ip", json_object_new_string(
		inet_addr_fmt(l->ip, buf, sizeof(buf))));
	json_object_object_add(o, "hostname",
			       json_object_new_string(l->hostname));
	json_object_object_add(o, "expires", json_object_new_string(
		status_time((time_t)l->expires, 1, buf, sizeof(buf))));
	json_object_object_add(o, "expires_epoch",
			       json_object_new_int64(l->expires));
	json_object_array_add(s->arr, o);
	return 0;
}

/**
 * status_ports() - the bridge's ports
 * @nl:		netlink socket
 * @bridge:	bridge name
 *
 * Return: JSON array of {"name", "mac", "up"}
 */
static struct json_object *status_ports(struct nl *nl, const char *bridge)
{
	struct json_object *arr = json_object_new_array();
	struct nl_link br, *links = NULL;
	size_t n = 0, i;
	char mac[32];

	if (nl_link_get(nl, bridge, &br) || nl_link_dump(nl, &links, &n))
		return arr;
	for (i = 0; i < n; i++) {
		struct json_object *o;
		const uint8_t *a = links[i].addr;

		if (links[i].master != br.ifindex)
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name",
				       json_object_new_string(links[i].name));
		snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x",
			 a[0], a[1], a[2], a[3], a[4], a[5]);
		json_object_object_add(o, "mac", json_object_new_string(mac));
		json_object_object_add(o, "up", json_object_new_boolean(
			!!(links[i].flags & 1 /* IFF_UP */)));
		json_object_array_add(arr, o);
	}
	free(links);
	return arr;
}

/**
 * status_drops() - check other firewalls' drops now, as "up" did
 * @nft:	nftables context
 * @o:		the network's object; its "warnings" are replaced
 * @name:	network name
 * @bridge:	its bridge
 */
static void status_drops(struct nft *nft, struct json_object *o,
			 const char *name, const char *bridge)
{
	const char *mode = status_str(o, "mode", "");
	struct nft_drop drop[8];
	struct json_object *arr;
	int n, i;

	if (!strcmp(mode, "bridge"))
		return;
	n = nft_foreign_drops(nft, bridge, !strcmp(mode, "nat") ? NFT_NAT :
			      !strcmp(mode, "routed") ? NFT_ROUTED :
			      NFT_ISOLATED, drop, 8);
	if (n < 0)
		return;
	arr = json_object_new_array();
	for (i = 0; i < n && i < 8; i++) {
		char *msg = nft_drop_describe(&drop[i], name);

		if (msg)
			json_object_array_add(arr, json_object_new_string(msg));
		free(msg);
	}
	json_object_object_add(o, "warnings", arr);
}

/**
 * status_build() - describe one network
 * @t:		global options
 * @conf:	configuration, for networks that are down; may be NULL
 * @name:	network name
 * @full:	non-zero for ports, leases and rules too (status, not list)
 * @nl:		netlink socket, or NULL
 *
 * Return: the JSON object
 */
static struct json_object *status_build(struct tapir *t,
					const struct conf *conf,
					const char *name, int full,
					struct nl *nl)
{
	struct json_object *o = json_object_new_object(), *info, *v;
	const struct conf_net *cn = conf ? conf_net(conf, name) : NULL;
	struct status_leases sl;
	struct nft_counts counts;
	const char *bridge = NULL;
	char path[4096];
	struct state st;
	struct nft nft;
	int pid = 0;

	json_object_object_add(o, "name", json_object_new_string(name));
	if (!state_init(&st, t->rundir, name) && !state_load(&st))
		pid = state_owner_alive(&st);
	json_object_object_add(o, "state", json_object_new_string(
		pid && state_ready(&st) ? "up" : pid ? "starting" :
		st.root && json_object_array_length(state_undo(&st)) ?
		"failed" : "down"));
	if (pid)
		json_object_object_add(o, "pid", json_object_new_int(pid));

	/* what the service recorded, even if it died ("failed") */
	info = st.root && json_object_array_length(state_undo(&st)) ?
	       state_info(&st) : pid ? state_info(&st) : NULL;
	if (info) {
		json_object_object_foreach(info, key, val)
			json_object_object_add(o, key, json_object_get(val));
	} else if (cn) {
		json_object_object_add(o, "mode", json_object_new_string(
			conf_mode_name(cn->mode)));
		json_object_object_add(o, "bridge",
				       json_object_new_string(cn->bridge));
	}
	if (json_object_object_get_ex(o, "bridge", &v))
		bridge = json_object_get_string(v);

	if (full && pid && nl && bridge)
		json_object_object_add(o, "ports", status_ports(nl, bridge));
	if (full) {
		sl.arr = json_object_new_array();
		sl.now = time(NULL);
		snprintf(path, sizeof(path), "%s/%s.leases", t->statedir,
			 name);
		lease_db_read(path, status_lease, &sl);
		json_object_object_add(o, "leases", sl.arr);
	}
	/* nftables answers root only, and complains loudly to others */
	if (full && pid && geteuid() == 0 && !nft_open(&nft)) {
		if (bridge)
			status_drops(&nft, o, name, bridge);
		if (!nft_count(&nft, name, &counts)) {
			v = json_object_new_object();
			json_object_object_add(v, "count",
				json_object_new_int((int)counts.rules));
			json_object_object_add(v, "packets",
				json_object_new_uint64(counts.packets));
			json_object_object_add(v, "bytes",
				json_object_new_uint64(counts.bytes));
			json_object_object_add(o, "rules", v);
		}
		nft_close(&nft);
	}
	state_free(&st);
	return o;
}

/**
 * status_str() - a string member, or a default
 * @o:		object
 * @key:	member
 * @def:	default
 *
 * Return: the string
 */
static const char *status_str(struct json_object *o, const char *key,
			      const char *def)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ?
	       json_object_get_string(v) : def;
}

/**
 * status_print() - print one network for people
 * @o:		status_build()'s object
 */
static void status_print(struct json_object *o)
{
	struct json_object *v, *arr;
	char when[64];
	size_t i;

	printf("network %s: %s", status_str(o, "name", "?"),
	       status_str(o, "state", "?"));
	if (json_object_object_get_ex(o, "pid", &v))
		printf(" (pid %d)", json_object_get_int(v));
	if (!strcmp(status_str(o, "state", ""), "failed"))
		printf(" - its service ended without taking it down; "
		       "'tapir net down %s' removes what is left",
		       status_str(o, "name", "?"));
	printf("\n");
	printf("  %-9s %s\n", "mode", status_str(o, "mode", "-"));
	printf("  %-9s %s", "bridge", status_str(o, "bridge", "-"));
	if (json_object_object_get_ex(o, "mtu", &v))
		printf(" (mtu %d)", json_object_get_int(v));
	printf("\n");
	if (json_object_object_get_ex(o, "uplink", &v))
		printf("  %-9s %s\n", "uplink", json_object_get_string(v));
	if (json_object_object_get_ex(o, "address", &v))
		printf("  %-9s %s\n", "address", json_object_get_string(v));
	if (json_object_object_get_ex(o, "dhcp_first", &v))
		printf("  %-9s %s - %s\n", "dhcp", json_object_get_string(v),
		       status_str(o, "dhcp_last", "?"));
	if (json_object_object_get_ex(o, "domain", &v))
		printf("  %-9s %s\n", "domain", json_object_get_string(v));
	if (json_object_object_get_ex(o, "rules", &v))
		printf("  %-9s %s rules, %s packets, %s bytes\n", "firewall",
		       status_str(v, "count", "0"),
		       status_str(v, "packets", "0"),
		       status_str(v, "bytes", "0"));
	if (json_object_object_get_ex(o, "warnings", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			printf("  warning: %s\n", json_object_get_string(
				json_object_array_get_idx(arr, i)));

	if (json_object_object_get_ex(o, "ports", &arr)) {
		printf("ports: %zu\n", json_object_array_length(arr));
		if (json_object_array_length(arr))
			printf("  %-15s %-17s %s\n", "NAME", "MAC", "STATE");
		for (i = 0; i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			printf("  %-15s %-17s %s\n", status_str(v, "name", ""),
			       status_str(v, "mac", ""),
			       json_object_get_boolean(
				       json_object_object_get(v, "up")) ?
			       "up" : "down");
		}
	}
	if (json_object_object_get_ex(o, "leases", &arr)) {
		printf("leases: %zu\n", json_object_array_length(arr));
		if (json_object_array_length(arr))
			printf("  %-17s %-15s %-20s %s\n", "MAC", "IP",
			       "HOSTNAME", "EXPIRES");
		for (i = 0; i < json_object_array_length(arr); i++) {
			v = json_object_array_get_idx(arr, i);
			printf("  %-17s %-15s %-20s %s\n",
			       status_str(v, "mac", ""),
			       status_str(v, "ip", ""),
			       status_str(v, "hostname", "")[0] ?
			       status_str(v, "hostname", "") : "-",
			       status_time((time_t)json_object_get_int64(
				       json_object_object_get(v,
						"expires_epoch")), 0, when,
				       sizeof(when)));
		}
	}
}

/**
 * status_show() - tapir net status NAME [--json]
 * @t:		global options
 * @name:	network name
 * @json:	non-zero for JSON
 *
 * Return: EXIT_OK if the network is up, 3 if it is not (as systemctl
 *	   status does), EXIT_FAIL if it is unknown
 */
int status_show(struct tapir *t, const char *name, int json)
{
	struct json_object *o;
	struct conf conf;
	struct nl nl;
	int have_nl, ret;

	conf_init(&conf);
	if (conf_load(&conf, t->config))
		log_warn("%s", conf.err);
	have_nl = !nl_open(&nl);
	o = status_build(t, &conf, name, 1, have_nl ? &nl : NULL);
	if (!conf_net(&conf, name) && !strcmp(status_str(o, "state", ""),
					      "down")) {
		log_err("no network named '%s'", name);
		ret = EXIT_FAIL;
		goto out;
	}
	if (json)
		printf("%s\n", json_object_to_json_string_ext(o,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	else
		status_print(o);
	ret = strcmp(status_str(o, "state", ""), "up") ? 3 : EXIT_OK;
out:
	json_object_put(o);
	if (have_nl)
		nl_close(&nl);
	conf_free(&conf);
	return ret;
}

/**
 * status_list() - tapir net list [--json]
 * @t:		global options
 * @json:	non-zero for JSON
 *
 * Return: exit status
 */
int status_list(struct tapir *t, int json)
{
	struct json_object *root, *arr, *o;
	struct conf conf;
	size_t i;

	conf_init(&conf);
	if (conf_load(&conf, t->config)) {
		log_err("%s", conf.err);
		conf_free(&conf);
		return EXIT_FAIL;
	}
	root = json_object_new_object();
	arr = json_object_new_array();
	for (i = 0; i < conf.nnets; i++)
		json_object_array_add(arr, status_build(t, &conf,
					conf.net[i].name, 0, NULL));
	json_object_object_add(root, "networks", arr);

	if (json) {
		printf("%s\n", json_object_to_json_string_ext(root,
			JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	} else {
		printf("%-12s %-8s %-9s %-15s %s\n", "NAME", "STATE", "MODE",
		       "BRIDGE", "ADDRESS");
		for (i = 0; i < json_object_array_length(arr); i++) {
			o = json_object_array_get_idx(arr, i);
			printf("%-12s %-8s %-9s %-15s %s\n",
			       status_str(o, "name", ""),
			       status_str(o, "state", ""),
			       status_str(o, "mode", ""),
			       status_str(o, "bridge", ""),
			       status_str(o, "address",
					  status_str(o, "uplink", "-")));
		}
	}
	json_object_put(root);
	conf_free(&conf);
	return EXIT_OK;
}

/**
 * status_brief() - one line about a network that just came up, and the
 * warnings its service recorded
 * @t:		global options
 * @name:	network name
 */
void status_brief(struct tapir *t, const char *name)
{
	struct json_object *o = status_build(t, NULL, name, 0, NULL), *arr;
	size_t i;

	printf("network %s is up: %s, bridge %s", name,
	       status_str(o, "mode", "?"), status_str(o, "bridge", "?"));
	if (json_object_object_get_ex(o, "address", NULL))
		printf(", %s", status_str(o, "address", ""));
	if (json_object_object_get_ex(o, "uplink", NULL))
		printf(", uplink %s", status_str(o, "uplink", ""));
	if (json_object_object_get_ex(o, "dhcp_first", NULL))
		printf(", DHCP %s-%s", status_str(o, "dhcp_first", ""),
		       status_str(o, "dhcp_last", ""));
	printf("\n");
	/* the service logged these to its log; the caller must see them */
	if (json_object_object_get_ex(o, "warnings", &arr))
		for (i = 0; i < json_object_array_length(arr); i++)
			log_warn("%s", json_object_get_string(
				json_object_array_get_idx(arr, i)));
	json_object_put(o);
}
