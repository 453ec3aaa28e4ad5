// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c - the firewall rules of tapir's networks, through libnftables
 *
 * Theory of operation
 *
 * One table per network.  Every rule tapir adds for network NAME lives in
 * the table "inet tapir-NAME", and nowhere else: "tapir net down" deletes
 * that table and so removes exactly what "up" added, and nothing another
 * program owns is ever touched.  No iptables, no rules inserted into other
 * tables' chains.
 *
 * Family inet rather than ip: one table holds filter and NAT chains for
 * both IP versions (NAT in inet tables needs Linux 5.2, Debian 12 has 6.1),
 * so the forward rules that keep a network closed also close it to IPv6.
 * An isolated network stays isolated even if a guest finds an IPv6 route,
 * and nat and routed networks forward only their IPv4 subnet.
 *
 * Atomic and idempotent.  nft_apply() sends one buffer, which libnftables
 * turns into one netlink batch, one kernel transaction:
 *
 *	table inet tapir-NAME			(create it if missing)
 *	delete table inet tapir-NAME		(so it is surely empty)
 *	table inet tapir-NAME { chains and rules }
 *
 * Either all of it takes effect or none of it does, so a failure never
 * leaves a half-made table, and applying twice gives the same table as
 * applying once (counters start again from zero).  Deleting rather than
 * flushing also drops chains a previous mode had and this one does not.
 * Public bridge mode needs no rules of its own (the guests are on the LAN;
 * the host forwards nothing), so its "ruleset" is the first two lines
 * only: it has no table, and nothing to undo.
 *
 * When there is no table to replace - the usual "up" - nft_apply() sends
 * the last command alone (a table is found with nft_list_tables(), one
 * netlink dump).  Deleting even the empty table just made costs the
 * kernel an RCU grace period (10-15 ms, paid when the netlink socket is
 * closed), a third of "up".  Callers hold tapir's lock, so no other tapir
 * makes the table in between.
 *
 * The rules follow libvirt's (its nftables backend, table "ip
 * libvirt_network"), per network, with a counter on each rule so that
 * "tapir net status" can show packets (nft_count()):
 *
 *   input, every mode but bridge: accept DHCP (udp 67) and DNS (udp and
 *	tcp 53 to the host's address) from the bridge.  With the chain's
 *	policy accept these open nothing by themselves (and cannot undo
 *	another table's drop, see below); they count what the DHCP server
 *	and the DNS forwarder are sent, for status.
 *   forward, nat: accept bridge to bridge (guest to guest, which crosses
 *	the forward hook when br_netfilter is loaded), accept from the
 *	bridge with a source in the subnet (no spoofed sources out), accept
 *	replies to the subnet (ct state established,related), reject the
 *	rest from or to the bridge: nothing from outside opens a connection
 *	to a guest, and what is refused is refused at once (ICMP), not left
 *	to time out.
 *   forward, routed: the same, but any connection to the subnet is let in.
 *   forward, isolated: bridge to bridge only; reject the rest.
 *   postrouting (nat only), as libvirt: the subnet's traffic to
 *	224.0.0.0/24 (local multicast) and 255.255.255.255 is left alone;
 *	the rest going out of any other interface to anywhere outside the
 *	subnet is masqueraded, TCP and UDP to source ports 1024-65535 so a
 *	guest never appears from a privileged port of the host.
 *
 * Other programs' drops.  With nftables every base chain on a hook sees
 * every packet, in priority order; "accept" ends the packet's journey
 * through one chain only, while "drop" is final everywhere.  So an accept
 * in our forward chain cannot override a drop in another table's forward
 * chain: Docker's iptables-nft "ip filter FORWARD" with policy drop, ufw,
 * or firewalld's reject at the end of its forward chain silently defeat a
 * nat network.  nft_drops.c finds such chains and says how to open them
 * for the bridge.
 *
 * iptables-legacy rules live in x_tables, not nftables, and are invisible
 * to libnftables; a packet must pass both.  nft_drops.c can only tell that
 * a legacy filter table exists (/proc/net/ip_tables_names) and say so.
 *
 * Errors.  libnftables reports a failed command as text, kept in
 * struct nft's @err.  The -errno returned is found by looking for the C
 * library's text for a few errors in it (the library prints strerror() of
 * the kernel's answer), -EIO otherwise.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <json-c/json.h>
#include <nftables/libnftables.h>

#include "ifname.h"
#include "nft.h"

/* Deepest JSON nesting accepted from libnftables. */
#define NFT_JSON_DEPTH		64

/**
 * nft_open() - make a libnftables context with buffered output
 * @n:		filled in
 *
 * The context works in the network namespace of the calling thread at the
 * time of this call.
 *
 * Return: 0, or -ENOMEM
 */
int nft_open(struct nft *n)
{
	memset(n, 0, sizeof(*n));
	n->ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!n->ctx)
		return -ENOMEM;
	if (nft_ctx_buffer_output(n->ctx) || nft_ctx_buffer_error(n->ctx)) {
		nft_ctx_free(n->ctx);
		n->ctx = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * nft_close() - free the context
 * @n:		context
 */
void nft_close(struct nft *n)
{
	if (n->ctx)
		nft_ctx_free(n->ctx);
	n->ctx = NULL;
}

/**
 * nft_errno() - guess the errno behind a libnftables error message
 * @msg:	the message
 *
 * Return: -errno for the first of a few errors whose strerror() text
 *	   appears in @msg, -EIO if none does
 */
static int nft_errno(const char *msg)
{
	static const int errs[] = { ENOENT, EPERM, EEXIST, EOPNOTSUPP,
				    ENOMEM, ENOBUFS, EBUSY, EINVAL };
	size_t i;

	for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++)
		if (strstr(msg, strerror(errs[i])))
			return -errs[i];
	return -EIO;
}

/**
 * nft_run() - run commands, in one transaction
 * @n:		context
 * @cmd:	commands in nft syntax
 * @json:	non-zero for JSON output
 * @out:	if not NULL, set to the output, valid until the next call
 *
 * Return: 0, or -errno with the message in @n->err
 */
int nft_run(struct nft *n, const char *cmd, int json, const char **out)
{
	const char *o, *e;
	size_t len;
	int rc;

	nft_ctx_output_set_flags(n->ctx, json ? NFT_CTX_OUTPUT_JSON : 0);
	rc = nft_run_cmd_from_buffer(n->ctx, cmd);
	/* reading a buffer also rewinds it for the next command */
	o = nft_ctx_get_output_buffer(n->ctx);
	e = nft_ctx_get_error_buffer(n->ctx);
	if (out)
		*out = o ? o : "";
	if (!rc)
		return 0;
	snprintf(n->err, sizeof(n->err), "%s",
		 e && *e ? e : "libnftables failed");
	len = strlen(n->err);
	while (len && n->err[len - 1] == '\n')
		n->err[--len] = '\0';
	return nft_errno(n->err);
}

/**
 * nft_json_parse() - parse JSON from libnftables
 * @json:	the text
 *
 * Return: the root object (json_object_put() it), or NULL if @json is not
 *	   one complete JSON value
 */
struct json_object *nft_json_parse(const char *json)
{
	struct json_tokener *tok = json_tokener_new_ex(NFT_JSON_DEPTH);
	struct json_object *root = NULL;
	size_t len = strlen(json);

	if (!tok || len > INT32_MAX)
		goto out;
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(root);
		root = NULL;
	}
out:
	if (tok)
		json_tokener_free(tok);
	return root;
}

/**
 * nft_json_str() - a string member of an object
 * @o:		object (may be NULL)
 * @key:	member name
 *
 * Return: the string, or NULL if absent or not a string
 */
const char *nft_json_str(struct json_object *o, const char *key)
{
	struct json_object *j;

	if (!json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &j) ||
	    !json_object_is_type(j, json_type_string))
		return NULL;
	return json_object_get_string(j);
}

/**
 * nft_name_ok() - check a network name for use in a table name
 * @name:	the name
 *
 * Return: 1 if it is 1 to NFT_NET_MAX letters, digits, '_', '-' and '.',
 *	   starting with a letter or digit; 0 if not
 */
static int nft_name_ok(const char *name)
{
	size_t len = strnlen(name, NFT_NET_MAX + 1), i;

	if (!len || len > NFT_NET_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		char c = name[i];
		int alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9');

		if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.')))
			return 0;
	}
	return 1;
}

/**
 * nft_put() - append formatted text
 * @b:		buffer
 * @fmt:	format
 */
void nft_put(struct nft_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (b->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->pos, b->len - b->pos, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= b->len - b->pos)
		b->over = 1;
	else
		b->pos += (size_t)n;
}

/**
 * nft_mode_name() - a mode's name
 * @mode:	the mode
 *
 * Return: "nat", "routed", "isolated" or "bridge"
 */
static const char *nft_mode_name(enum nft_mode mode)
{
	switch (mode) {
	case NFT_NAT:
		return "nat";
	case NFT_ROUTED:
		return "routed";
	case NFT_ISOLATED:
		return "isolated";
	case NFT_BRIDGE:
		break;
	}
	return "bridge";
}

/**
 * nft_ruleset_chains() - append the chains of a network's table
 * @b:		buffer
 * @net:	the network
 * @sub:	its subnet, "A.B.C.D/P"
 * @host:	the host's address
 */
static void nft_ruleset_chains(struct nft_buf *b, const struct nft_net *net,
			       const char *sub, const char *host)
{
	const char *br = net->bridge;

	nft_put(b, "\tchain input {\n"
		"\t\ttype filter hook input priority filter; policy accept;\n"
		"\t\tiifname \"%s\" udp dport 67 counter accept\n"
		"\t\tiifname \"%s\" ip daddr %s udp dport 53 counter accept\n"
		"\t\tiifname \"%s\" ip daddr %s tcp dport 53 counter accept\n"
		"\t}\n", br, br, host, br, host);

	nft_put(b, "\tchain forward {\n"
		"\t\ttype filter hook forward priority filter; policy accept;\n"
		"\t\tiifname \"%s\" oifname \"%s\" counter accept\n", br, br);
	if (net->mode != NFT_ISOLATED)
		nft_put(b, "\t\tiifname \"%s\" ip saddr %s counter accept\n"
			"\t\toifname \"%s\" ip daddr %s%s counter accept\n",
			br, sub, br, sub, net->mode == NFT_NAT ?
			" ct state established,related" : "");
	nft_put(b, "\t\tiifname \"%s\" counter reject\n"
		"\t\toifname \"%s\" counter reject\n"
		"\t}\n", br, br);

	if (net->mode != NFT_NAT)
		return;
	nft_put(b, "\tchain postrouting {\n"
		"\t\ttype nat hook postrouting priority srcnat; policy accept;\n"
		"\t\tip saddr %s ip daddr 224.0.0.0/24 counter return\n"
		"\t\tip saddr %s ip daddr 255.255.255.255 counter return\n"
		"\t\tip saddr %s ip daddr != %s oifname != \"%s\" "
		"meta l4proto { tcp, udp } counter masquerade to :1024-65535\n"
		"\t\tip saddr %s ip daddr != %s oifname != \"%s\" "
		"counter masquerade\n"
		"\t}\n", sub, sub, sub, sub, br, sub, sub, br);
}

/**
 * nft_ruleset() - the commands nft_apply() runs for a network
 * @net:	the network
 * @buf:	set to the commands, in nft syntax
 * @len:	size of @buf (4096 is plenty)
 *
 * Also what a dry run can show.
 *
 * Return: length of the text, -EINVAL for a bad name, bridge, prefix or
 *	   mode, or -ENOSPC if @buf is too small
 */
int nft_ruleset(const struct nft_net *net, char *buf, size_t len)
{
	struct nft_buf b = { buf, len, 0, 0 };
	char sub[INET_ADDRSTRLEN + 3], host[INET_ADDRSTRLEN];
	uint32_t mask;
	struct in_addr net_addr;

	if (!len)
		return -ENOSPC;
	if (!nft_name_ok(net->name) || ifname_check(net->bridge, NULL) ||
	    net->prefixlen < 1 || net->prefixlen > 30 ||
	    net->mode < NFT_NAT || net->mode > NFT_BRIDGE)
		return -EINVAL;
	mask = htonl(0xffffffffU << (32 - net->prefixlen));
	net_addr.s_addr = net->subnet.s_addr & mask;
	inet_ntop(AF_INET, &net_addr, sub, sizeof(sub));
	snprintf(sub + strlen(sub), 4, "/%u", net->prefixlen);
	inet_ntop(AF_INET, &net->host, host, sizeof(host));

	nft_put(&b, "table inet " NFT_TABLE_PREFIX "%s\n"
		"delete table inet " NFT_TABLE_PREFIX "%s\n",
		net->name, net->name);
	if (net->mode != NFT_BRIDGE) {
		nft_put(&b, "table inet " NFT_TABLE_PREFIX "%s {\n"
			"\tcomment \"tapir network %s: %s on %s\"\n",
			net->name, net->name, nft_mode_name(net->mode),
			net->bridge);
		nft_ruleset_chains(&b, net, sub, host);
		nft_put(&b, "}\n");
	}
	if (b.over)
		return -ENOSPC;
	return (int)b.pos;
}

/**
 * nft_table_exists() - whether a network has a table
 * @name:	network name (valid)
 *
 * Return: 1 or 0, or -errno if the tables cannot be listed
 */
static int nft_table_exists(const char *name)
{
	struct nft_table *tabs;
	int rc, found = 0;
	const char *net;
	size_t i, n;

	rc = nft_list_tables(&tabs, &n);
	if (rc)
		return rc;
	for (i = 0; i < n && !found; i++)
		found = (net = nft_list_net(&tabs[i])) && !strcmp(net, name);
	free(tabs);
	return found;
}

/**
 * nft_apply() - install a network's table, replacing any previous one
 * @n:		context
 * @net:	the network; public bridge mode removes the table instead
 *
 * Return: 0, or -errno with libnftables' message in @n->err (then the
 *	   ruleset is as it was)
 */
int nft_apply(struct nft *n, const struct nft_net *net)
{
	char buf[4096], *cmd = buf;
	int rc = nft_ruleset(net, buf, sizeof(buf));

	if (rc < 0)
		return rc;
	if (nft_table_exists(net->name) == 0) {
		/* nothing to replace: skip the first two lines */
		cmd = strchr(strchr(buf, '\n') + 1, '\n') + 1;
		if (!*cmd)
			return 0;	/* bridge mode: no table, none wanted */
	}
	return nft_run(n, cmd, 0, NULL);
}

/**
 * nft_table_cmd() - run a command on a network's table
 * @n:		context
 * @verb:	"delete" or "list"
 * @name:	network name
 * @json:	non-zero for JSON output
 * @out:	as for nft_run()
 *
 * Return: 0, -EINVAL for a bad name, or -errno from nft_run()
 */
static int nft_table_cmd(struct nft *n, const char *verb, const char *name,
			 int json, const char **out)
{
	char cmd[128];

	if (!nft_name_ok(name))
		return -EINVAL;
	snprintf(cmd, sizeof(cmd), "%s table inet " NFT_TABLE_PREFIX "%s",
		 verb, name);
	return nft_run(n, cmd, json, out);
}

/**
 * nft_remove() - delete a network's table
 * @n:		context
 * @name:	network name
 *
 * Return: 0, also when there is no such table; -EINVAL for a bad name, or
 *	   another -errno with the message in @n->err
 */
int nft_remove(struct nft *n, const char *name)
{
	int rc = nft_table_cmd(n, "delete", name, 0, NULL);

	return rc == -ENOENT ? 0 : rc;
}

/**
 * nft_json_items() - the array of objects in libnftables' JSON output
 * @root:	parsed output
 *
 * Return: the "nftables" array, or NULL if there is none
 */
struct json_object *nft_json_items(struct json_object *root)
{
	struct json_object *items;

	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "nftables", &items) ||
	    !json_object_is_type(items, json_type_array))
		return NULL;
	return items;
}

/**
 * nft_json_item() - one object of a listing, if it is of a kind
 * @items:	the "nftables" array
 * @i:		index
 * @kind:	"table", "chain", "rule"...
 *
 * Return: the object inside {"KIND": {...}}, or NULL if item @i is not one
 */
struct json_object *nft_json_item(struct json_object *items, size_t i,
				  const char *kind)
{
	struct json_object *o;

	if (!json_object_object_get_ex(json_object_array_get_idx(items, i),
				       kind, &o) ||
	    !json_object_is_type(o, json_type_object))
		return NULL;
	return o;
}

/**
 * nft_tables() - list the networks that have a table
 * @names:	set to the network names (table names without the prefix)
 * @max:	room in @names
 *
 * The tables are read with nft_list_tables(), not "list tables" (see
 * nft_list.c for why).
 *
 * Return: the number of networks (more than @max if some did not fit), or
 *	   -errno
 */
int nft_tables(char (*names)[NFT_NET_MAX + 1], size_t max)
{
	size_t i, n, count = 0;
	struct nft_table *tabs;
	const char *net;
	int rc;

	rc = nft_list_tables(&tabs, &n);
	if (rc)
		return rc;
	for (i = 0; i < n; i++) {
		net = nft_list_net(&tabs[i]);
		if (!net || !nft_name_ok(net))
			continue;
		if (count < max)
			strcpy(names[count], net);
		count++;
	}
	free(tabs);
	return (int)count;
}

/**
 * nft_json_u64() - a non-negative integer member
 * @o:		object
 * @key:	member name
 *
 * Return: its value, 0 if absent, negative or not an integer
 */
static uint64_t nft_json_u64(struct json_object *o, const char *key)
{
	struct json_object *j;
	int64_t v;

	if (!json_object_object_get_ex(o, key, &j) ||
	    !json_object_is_type(j, json_type_int))
		return 0;
	v = json_object_get_int64(j);
	return v > 0 ? (uint64_t)v : 0;
}

/**
 * nft_counts_from_json() - count the rules and counters of a listing
 * @json:	"list table" output in JSON
 * @c:		filled in
 *
 * Return: 0, or -EINVAL if @json is not an nftables listing
 */
int nft_counts_from_json(const char *json, struct nft_counts *c)
{
	struct json_object *root = nft_json_parse(json), *items, *rule, *expr;
	struct json_object *e, *cnt;
	size_t i, k, nexpr;
	int rejects;

	memset(c, 0, sizeof(*c));
	items = nft_json_items(root);
	if (!items) {
		json_object_put(root);
		return -EINVAL;
	}
	for (i = 0; i < json_object_array_length(items); i++) {
		rule = nft_json_item(items, i, "rule");
		if (!rule)
			continue;
		c->rules++;
		if (!json_object_object_get_ex(rule, "expr", &expr) ||
		    !json_object_is_type(expr, json_type_array))
			continue;
		nexpr = json_object_array_length(expr);
		e = nexpr ? json_object_array_get_idx(expr, nexpr - 1) : NULL;
		rejects = json_object_is_type(e, json_type_object) &&
			  (json_object_object_get_ex(e, "reject", NULL) ||
			   json_object_object_get_ex(e, "drop", NULL));
		for (k = 0; k < nexpr; k++) {
			e = json_object_array_get_idx(expr, k);
			if (!json_object_is_type(e, json_type_object) ||
			    !json_object_object_get_ex(e, "counter", &cnt) ||
			    !json_object_is_type(cnt, json_type_object))
				continue;
			c->packets += nft_json_u64(cnt, "packets");
			c->bytes += nft_json_u64(cnt, "bytes");
			if (rejects)
				c->rejected += nft_json_u64(cnt, "packets");
		}
	}
	json_object_put(root);
	return 0;
}

/**
 * nft_count() - count a network's rules and what they matched
 * @n:		context
 * @name:	network name
 * @c:		filled in
 *
 * Return: 0, -ENOENT if the network has no table, or another -errno
 */
int nft_count(struct nft *n, const char *name, struct nft_counts *c)
{
	const char *out;
	int rc;

	memset(c, 0, sizeof(*c));
	rc = nft_table_cmd(n, "list", name, 1, &out);
	if (rc)
		return rc;
	rc = nft_counts_from_json(out, c);
	return rc ? -EPROTO : 0;
}
