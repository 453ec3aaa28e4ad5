// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_drops.c - finding other programs' firewall chains that drop a
 *		 network's traffic
 *
 * Theory of operation
 *
 * Every base chain on a netfilter hook sees every packet, whatever table
 * it is in, and a drop anywhere is final: an accept in tapir's table cannot
 * undo a drop in Docker's (see nft.c).  So before a network goes up, and
 * in "tapir net status", every table that is not tapir's own is listed
 * as JSON (one "list table" each, so a hundred tapir networks cost
 * nothing here), and every base chain of type filter, family ip or inet,
 * is looked at on the hooks that matter for the network's mode:
 *
 * - forward, for nat and routed networks (guests' traffic to and from the
 *   outside), and for isolated and bridge networks when br_netfilter
 *   hands bridged frames to the IP hooks (net.bridge.bridge-nf-call-
 *   iptables = 1, as Docker leaves it): then even guest-to-guest frames
 *   cross the forward hook, with the bridge as both input and output
 *   interface;
 * - input, for every mode but bridge: DHCP and DNS from the guests to the
 *   host.
 *
 * A chain drops our traffic if its policy is drop, or if walking its rules
 * in order reaches an unconditional drop or reject (one whose only other
 * expressions are counter and log, as iptables' "-j DROP" and firewalld's
 * final "reject with icmpx admin-prohibited"), following unconditional
 * jumps and gotos into other chains of the table.
 *
 * Unless it has already been opened for the bridge: the walk notes accept
 * rules that match the bridge as input interface (iifname or iif, also
 * through a wildcard such as "br*" or an anonymous set) and as output
 * interface, before the drop and in chains jumped to (Docker's DOCKER-USER
 * chain, where Docker wants such rules).  A chain whose walk found what the
 * mode needs (forward: in, and for nat and routed out too; input: in) is
 * not reported, so the warning goes away once the user applied the fix.
 * This is a heuristic: the rule's other conditions are not checked.
 *
 * For each chain reported, the fix is given in the words of the program
 * that probably made it:
 *
 * - "ip filter" with a chain of iptables' (iptables-nft, which Docker, ufw
 *   and most scripts use): iptables -I commands, into DOCKER-USER when the
 *   table has that chain (Docker's forward policy is drop and Docker
 *   re-creates FORWARD on restart, but leaves DOCKER-USER alone);
 * - "inet firewalld": put the bridge in the trusted zone with firewall-cmd;
 * - any other table: nft insert rule commands for that very chain.
 *
 * iptables-legacy keeps its rules in x_tables, invisible to nftables.  A
 * packet must pass both, but all that can be seen of legacy rules is
 * whether a legacy filter table exists in the namespace
 * (/proc/net/ip_tables_names); if one does, it is reported as "legacy",
 * with policy unknown and iptables-legacy commands as the fix.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "nft.h"
#include "sysctl.h"

/* Longest table name or family looked at (nft allows 255 bytes) */
#define NFT_DROPS_NAME_MAX	256
/* What a table name may hold to be listed by name */
#define NFT_DROPS_WORD \
	"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."

/* How deep jumps and gotos are followed. */
#define NFT_DROPS_DEPTH		8

/**
 * struct nft_reach - what walking a chain found
 * @in:		an accept for packets coming from the bridge
 * @out:	an accept for packets going to the bridge
 * @drops:	an unconditional drop or reject is reached
 */
struct nft_reach {
	int in;
	int out;
	int drops;
};

/**
 * struct nft_rule_info - what one rule does, as far as we care
 * @cond:	it has conditions (or statements) other than the bridge
 *		matches, counter and log
 * @in:		it matches the bridge as input interface
 * @out:	it matches the bridge as output interface
 * @verdict:	"accept", "drop", "jump", ... or NULL
 * @target:	chain of a jump or goto
 */
struct nft_rule_info {
	int cond;
	int in;
	int out;
	const char *verdict;
	const char *target;
};

/**
 * nft_drops_key() - index key of a chain
 * @buf:	set to "family\ntable\nchain"
 * @len:	size of @buf
 * @family:	table family
 * @table:	table name
 * @chain:	chain name
 */
static void nft_drops_key(char *buf, size_t len, const char *family,
			  const char *table, const char *chain)
{
	snprintf(buf, len, "%s\n%s\n%s", family, table, chain);
}

/**
 * nft_drops_index() - group the chains and rules of a listing
 * @items:	the "nftables" array
 *
 * Return: an object mapping nft_drops_key() to an array whose first
 *	   element is the chain object (or null if only rules were seen) and
 *	   whose other elements are the chain's rules in order; NULL if out
 *	   of memory
 */
static struct json_object *nft_drops_index(struct json_object *items)
{
	struct json_object *index = json_object_new_object(), *o, *arr;
	char key[3 * (NFT_NAME_MAX + 1) + 8];
	const char *f, *t, *c;
	size_t i;
	int chain;

	for (i = 0; index && i < json_object_array_length(items); i++) {
		o = nft_json_item(items, i, "chain");
		chain = o != NULL;
		if (!chain && !(o = nft_json_item(items, i, "rule")))
			continue;
		f = nft_json_str(o, "family");
		t = nft_json_str(o, "table");
		c = nft_json_str(o, chain ? "name" : "chain");
		if (!f || !t || !c)
			continue;
		nft_drops_key(key, sizeof(key), f, t, c);
		if (!json_object_object_get_ex(index, key, &arr)) {
			arr = json_object_new_array();
			if (!arr || json_object_object_add(index, key, arr) ||
			    json_object_array_add(arr, NULL)) {
				json_object_put(index);
				return NULL;
			}
		}
		if (chain)
			json_object_array_put_idx(arr, 0, json_object_get(o));
		else if (json_object_array_add(arr, json_object_get(o)))
			json_object_put(o);
	}
	return index;
}

/**
 * nft_drops_name_matches() - compare an interface name from a rule
 * @pattern:	name, or prefix followed by '*' (nft's wildcard)
 * @bridge:	bridge name
 *
 * Return: 1 if @pattern names @bridge
 */
static int nft_drops_name_matches(const char *pattern, const char *bridge)
{
	size_t len = strlen(pattern);

	if (len && pattern[len - 1] == '*')
		return !strncmp(pattern, bridge, len - 1);
	return !strcmp(pattern, bridge);
}

/**
 * nft_drops_iface() - look at a match expression for the bridge
 * @match:	the "match" object of an expression
 * @bridge:	bridge name
 * @ri:		@in or @out set if it matches the bridge
 *
 * Return: 1 if @match is an interface match for the bridge (so not a
 *	   condition that could exclude our traffic), 0 otherwise
 */
static int nft_drops_iface(struct json_object *match, const char *bridge,
			   struct nft_rule_info *ri)
{
	struct json_object *left, *meta, *right, *set;
	const char *op = nft_json_str(match, "op"), *key;
	int hit = 0;
	size_t i;

	if (!op || (strcmp(op, "==") && strcmp(op, "in")) ||
	    !json_object_object_get_ex(match, "left", &left) ||
	    !json_object_object_get_ex(left, "meta", &meta) ||
	    !(key = nft_json_str(meta, "key")) ||
	    !json_object_object_get_ex(match, "right", &right))
		return 0;
	if (json_object_is_type(right, json_type_string)) {
		hit = nft_drops_name_matches(json_object_get_string(right),
					     bridge);
	} else if (json_object_object_get_ex(right, "set", &set) &&
		   json_object_is_type(set, json_type_array)) {
		for (i = 0; i < json_object_array_length(set) && !hit; i++) {
			struct json_object *e = json_object_array_get_idx(set, i);

			hit = json_object_is_type(e, json_type_string) &&
			      nft_drops_name_matches(json_object_get_string(e),
						     bridge);
		}
	}
	if (!hit)
		return 0;
	if (!strcmp(key, "iifname") || !strcmp(key, "iif"))
		ri->in = 1;
	else if (!strcmp(key, "oifname") || !strcmp(key, "oif"))
		ri->out = 1;
	else
		return 0;
	return 1;
}

/**
 * nft_drops_expr() - account for one expression of a rule
 * @e:		the expression, an object with one member
 * @bridge:	bridge name
 * @ri:		updated
 */
static void nft_drops_expr(struct json_object *e, const char *bridge,
			   struct nft_rule_info *ri)
{
	static const char *const verdicts[] = { "accept", "drop", "reject",
						"return", "continue", "jump",
						"goto" };
	const char *name, *type;
	size_t i;

	if (!json_object_is_type(e, json_type_object) ||
	    json_object_object_length(e) != 1) {
		ri->cond = 1;
		return;
	}
	json_object_object_foreach(e, key, val) {
		if (!strcmp(key, "counter") || !strcmp(key, "log"))
			return;
		if (!strcmp(key, "match")) {
			if (!nft_drops_iface(val, bridge, ri))
				ri->cond = 1;
			return;
		}
		for (i = 0; i < sizeof(verdicts) / sizeof(verdicts[0]); i++) {
			if (strcmp(key, verdicts[i]))
				continue;
			ri->verdict = verdicts[i];
			if (!strcmp(key, "jump") || !strcmp(key, "goto"))
				ri->target = nft_json_str(val, "target");
			return;
		}
		/* iptables-nft's compat targets: -j DROP, -j REJECT */
		name = nft_json_str(val, "name");
		type = nft_json_str(val, "type");
		if (!strcmp(key, "xt") && name && type &&
		    !strcmp(type, "target") &&
		    (!strcmp(name, "DROP") || !strcmp(name, "REJECT"))) {
			ri->verdict = "drop";
			return;
		}
		ri->cond = 1;
	}
}

/**
 * nft_drops_walk() - walk a chain's rules as a packet from the bridge would
 * @index:	from nft_drops_index()
 * @family:	table family
 * @table:	table name
 * @chain:	chain name
 * @bridge:	bridge name
 * @depth:	jumps followed so far
 * @r:		updated with what was found
 */
static void nft_drops_walk(struct json_object *index, const char *family,
			   const char *table, const char *chain,
			   const char *bridge, int depth, struct nft_reach *r)
{
	char key[3 * (NFT_NAME_MAX + 1) + 8];
	struct json_object *arr, *expr;
	struct nft_reach sub;
	size_t i, k;

	nft_drops_key(key, sizeof(key), family, table, chain);
	if (!json_object_object_get_ex(index, key, &arr))
		return;
	for (i = 1; i < json_object_array_length(arr); i++) {
		struct nft_rule_info ri = { 0 };

		if (!json_object_object_get_ex(json_object_array_get_idx(arr, i),
					       "expr", &expr) ||
		    !json_object_is_type(expr, json_type_array))
			continue;
		for (k = 0; k < json_object_array_length(expr); k++)
			nft_drops_expr(json_object_array_get_idx(expr, k),
				       bridge, &ri);
		if (!ri.verdict)
			continue;
		if (!strcmp(ri.verdict, "accept")) {
			r->in |= ri.in;
			r->out |= ri.out;
		} else if (ri.target && depth < NFT_DROPS_DEPTH) {
			memset(&sub, 0, sizeof(sub));
			nft_drops_walk(index, family, table, ri.target, bridge,
				       depth + 1, &sub);
			r->in |= sub.in;
			r->out |= sub.out;
			if (!ri.cond && (sub.drops || !strcmp(ri.verdict,
							      "goto"))) {
				r->drops |= sub.drops;
				return;
			}
		} else if (!ri.cond && (!strcmp(ri.verdict, "drop") ||
					!strcmp(ri.verdict, "reject"))) {
			r->drops = 1;
			return;
		} else if (!ri.cond && !strcmp(ri.verdict, "return")) {
			return;
		}
	}
}

/**
 * nft_drops_quote() - quote a word for a POSIX shell if it needs it
 * @s:		the word
 * @buf:	set to the word, or the word in single quotes
 * @len:	size of @buf
 *
 * Return: @buf
 */
static const char *nft_drops_quote(const char *s, char *buf, size_t len)
{
	struct nft_buf b = { buf, len, 0, 0 };
	const char *p;

	if (*s && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789_.,:/=@%+-") == strlen(s)) {
		snprintf(buf, len, "%s", s);
		return buf;
	}
	nft_put(&b, "'");
	for (p = s; *p; p++)
		nft_put(&b, *p == '\'' ? "'\\''" : "%c", *p);
	nft_put(&b, "'");
	if (b.over)
		snprintf(buf, len, "''");
	return buf;
}

/**
 * nft_drops_fix_iptables() - the fix for an iptables chain
 * @b:		fix text to append to
 * @cmd:	"iptables" or "iptables-legacy"
 * @chain:	chain to insert into
 * @forward:	1 for the forward hook, 0 for input
 * @mode:	network mode
 * @br:		bridge name, quoted for the shell
 */
static void nft_drops_fix_iptables(struct nft_buf *b, const char *cmd,
				   const char *chain, int forward,
				   enum nft_mode mode, const char *br)
{
	char q[2 * NFT_NAME_MAX + 8];

	nft_drops_quote(chain, q, sizeof(q));
	if (!forward) {
		nft_put(b, "%s -I %s -i %s -p udp --dport 67 -j ACCEPT\n"
			"%s -I %s -i %s -p udp --dport 53 -j ACCEPT\n"
			"%s -I %s -i %s -p tcp --dport 53 -j ACCEPT\n",
			cmd, q, br, cmd, q, br, cmd, q, br);
	} else if (mode == NFT_NAT) {
		nft_put(b, "%s -I %s -i %s -j ACCEPT\n"
			"%s -I %s -o %s -m conntrack --ctstate "
			"RELATED,ESTABLISHED -j ACCEPT\n",
			cmd, q, br, cmd, q, br);
	} else if (mode == NFT_ROUTED) {
		nft_put(b, "%s -I %s -i %s -j ACCEPT\n%s -I %s -o %s -j ACCEPT\n",
			cmd, q, br, cmd, q, br);
	} else {
		nft_put(b, "%s -I %s -i %s -o %s -j ACCEPT\n", cmd, q, br, br);
	}
}

/**
 * nft_drops_fix_nft() - the fix for a native nftables chain
 * @b:		fix text to append to
 * @d:		the chain, with family, table and chain set
 * @forward:	1 for the forward hook, 0 for input
 * @mode:	network mode
 * @bridge:	bridge name
 */
static void nft_drops_fix_nft(struct nft_buf *b, const struct nft_drop *d,
			      int forward, enum nft_mode mode,
			      const char *bridge)
{
	static const char *const input[] = { "udp dport 67 accept",
					     "udp dport 53 accept",
					     "tcp dport 53 accept" };
	const char *rules[3] = { NULL, NULL, NULL };
	char cmd[3 * NFT_NAME_MAX + 128], q[6 * NFT_NAME_MAX + 256];
	char in[32], out[32];
	size_t i;

	snprintf(in, sizeof(in), "iifname \"%s\" ", bridge);
	snprintf(out, sizeof(out), "oifname \"%s\" ", bridge);
	if (!forward) {
		for (i = 0; i < 3; i++)
			rules[i] = input[i];
	} else if (mode == NFT_NAT) {
		rules[0] = "accept";
		rules[1] = "ct state established,related accept";
	} else if (mode == NFT_ROUTED) {
		rules[0] = "accept";
		rules[1] = "accept";
	} else {
		rules[0] = "accept";
	}
	for (i = 0; i < 3 && rules[i]; i++) {
		/* input rules and the first forward rule: from the bridge;
		 * the second forward rule: to it; bridge mode: both */
		snprintf(cmd, sizeof(cmd), "insert rule %s %s %s %s%s%s",
			 d->family, d->table, d->chain,
			 forward && i == 1 ? out : in,
			 forward && (mode == NFT_ISOLATED ||
				     mode == NFT_BRIDGE) ? out : "",
			 rules[i]);
		nft_put(b, "nft %s\n", nft_drops_quote(cmd, q, sizeof(q)));
	}
}

/**
 * nft_drops_fix() - write the fix for a reported chain
 * @d:		the chain; @fix is set
 * @index:	from nft_drops_index(), NULL for a legacy table
 * @forward:	1 for the forward hook, 0 for input
 * @mode:	network mode
 * @bridge:	bridge name
 */
static void nft_drops_fix(struct nft_drop *d, struct json_object *index,
			  int forward, enum nft_mode mode, const char *bridge)
{
	struct nft_buf b = { d->fix, sizeof(d->fix), 0, 0 };
	char key[3 * (NFT_NAME_MAX + 1) + 8], br[64];
	const char *chain = d->chain;

	nft_drops_quote(bridge, br, sizeof(br));
	if (d->legacy) {
		nft_drops_fix_iptables(&b, "iptables-legacy", chain, forward,
				       mode, br);
	} else if (!strcmp(d->family, "ip") && !strcmp(d->table, "filter")) {
		nft_drops_key(key, sizeof(key), "ip", "filter", "DOCKER-USER");
		if (forward && json_object_object_get_ex(index, key, NULL))
			chain = "DOCKER-USER";
		nft_drops_fix_iptables(&b, "iptables", chain, forward, mode,
				       br);
	} else if (!strcmp(d->family, "inet") &&
		   !strcmp(d->table, "firewalld")) {
		nft_put(&b, "firewall-cmd --zone=trusted --change-interface=%s\n"
			"firewall-cmd --permanent --zone=trusted "
			"--change-interface=%s\n", br, br);
	} else {
		nft_drops_fix_nft(&b, d, forward, mode, bridge);
	}
	if (b.pos && d->fix[b.pos - 1] == '\n')
		d->fix[b.pos - 1] = '\0';
}

/**
 * nft_drops_needs() - what a mode needs accepted on a hook
 * @hook:	"forward" or "input"
 * @mode:	network mode
 * @brnf:	bridged frames cross the IP hooks (br_netfilter)
 * @in:		set if packets from the bridge must pass
 * @out:	set if packets to the bridge must pass
 *
 * Return: 1 if the hook matters for the mode at all, 0 if not
 */
static int nft_drops_needs(const char *hook, enum nft_mode mode, int brnf,
			   int *in, int *out)
{
	*in = *out = 0;
	if (!strcmp(hook, "input")) {
		*in = mode != NFT_BRIDGE;
	} else if (!strcmp(hook, "forward")) {
		*in = mode == NFT_NAT || mode == NFT_ROUTED || brnf;
		*out = mode == NFT_NAT || mode == NFT_ROUTED;
	}
	return *in || *out;
}

/**
 * nft_drops_chain() - decide whether one chain must be reported
 * @index:	from nft_drops_index()
 * @ch:		the chain object
 * @bridge:	bridge name
 * @mode:	network mode
 * @brnf:	br_netfilter passes bridged frames to the IP hooks
 * @d:		filled in if it must be
 *
 * Return: 1 if @d was filled in, 0 if the chain is harmless
 */
static int nft_drops_chain(struct json_object *index, struct json_object *ch,
			   const char *bridge, enum nft_mode mode, int brnf,
			   struct nft_drop *d)
{
	const char *family = nft_json_str(ch, "family");
	const char *table = nft_json_str(ch, "table");
	const char *name = nft_json_str(ch, "name");
	const char *hook = nft_json_str(ch, "hook");
	const char *type = nft_json_str(ch, "type");
	const char *policy = nft_json_str(ch, "policy");
	struct nft_reach r = { 0 };
	int need_in, need_out;

	if (!family || !table || !name || !hook || !type ||
	    (strcmp(family, "ip") && strcmp(family, "inet")) ||
	    strcmp(type, "filter") ||
	    !strncmp(table, NFT_TABLE_PREFIX, strlen(NFT_TABLE_PREFIX)) ||
	    !nft_drops_needs(hook, mode, brnf, &need_in, &need_out))
		return 0;
	nft_drops_walk(index, family, table, name, bridge, 0, &r);
	if (!r.drops && !(policy && !strcmp(policy, "drop")))
		return 0;
	if ((!need_in || r.in) && (!need_out || r.out))
		return 0;
	memset(d, 0, sizeof(*d));
	snprintf(d->family, sizeof(d->family), "%s", family);
	snprintf(d->table, sizeof(d->table), "%s", table);
	snprintf(d->chain, sizeof(d->chain), "%s", name);
	snprintf(d->hook, sizeof(d->hook), "%s", hook);
	d->policy = policy && !strcmp(policy, "drop");
	nft_drops_fix(d, index, !strcmp(hook, "forward"), mode, bridge);
	return 1;
}

/**
 * nft_drops_from_json() - find chains that drop a network's traffic
 * @json:	"list ruleset" output in JSON
 * @bridge:	the network's bridge
 * @mode:	its mode
 * @brnf:	non-zero if br_netfilter passes bridged frames to the IP
 *		hooks
 * @out:	filled with up to @max chains
 * @max:	room in @out
 *
 * Return: the number of chains found (more than @max if some did not
 *	   fit), -EINVAL if @json is not an nftables listing, or -ENOMEM
 */
int nft_drops_from_json(const char *json, const char *bridge,
			enum nft_mode mode, int brnf, struct nft_drop *out,
			size_t max)
{
	struct json_object *root = nft_json_parse(json), *items, *index, *ch;
	struct nft_drop scratch;
	size_t i;
	int count = 0;

	items = nft_json_items(root);
	if (!items) {
		json_object_put(root);
		return -EINVAL;
	}
	index = nft_drops_index(items);
	if (!index) {
		json_object_put(root);
		return -ENOMEM;
	}
	for (i = 0; i < json_object_array_length(items); i++) {
		ch = nft_json_item(items, i, "chain");
		if (ch && nft_drops_chain(index, ch, bridge, mode, brnf,
				    (size_t)count < max ? &out[count]
							: &scratch))
			count++;
	}
	json_object_put(index);
	json_object_put(root);
	return count;
}

/**
 * nft_drops_legacy() - report an iptables-legacy filter table
 * @bridge:	the network's bridge
 * @mode:	its mode
 * @brnf:	br_netfilter passes bridged frames to the IP hooks
 * @out:	where to report
 * @max:	room in @out
 *
 * Return: the number of entries reported (0, 1 or 2)
 */
static int nft_drops_legacy(const char *bridge, enum nft_mode mode, int brnf,
			    struct nft_drop *out, size_t max)
{
	static const char *const hooks[] = { "forward", "input" };
	static const char *const chains[] = { "FORWARD", "INPUT" };
	char line[64];
	int found = 0, count = 0, in, outb;
	size_t i;
	FILE *f = fopen("/proc/net/ip_tables_names", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strcmp(line, "filter\n"))
			found = 1;
	fclose(f);
	for (i = 0; found && i < 2; i++) {
		if (!nft_drops_needs(hooks[i], mode, brnf, &in, &outb))
			continue;
		if ((size_t)count < max) {
			struct nft_drop *d = &out[count];

			memset(d, 0, sizeof(*d));
			strcpy(d->family, "ip");
			strcpy(d->table, "filter");
			strcpy(d->chain, chains[i]);
			strcpy(d->hook, hooks[i]);
			d->policy = -1;
			d->legacy = 1;
			nft_drops_fix(d, NULL, i == 0, mode, bridge);
		}
		count++;
	}
	return count;
}

/**
 * nft_foreign_drops() - find chains that would drop a network's traffic
 * @n:		context
 * @bridge:	the network's bridge
 * @mode:	its mode
 * @out:	filled with up to @max chains
 * @max:	room in @out
 *
 * Return: the number of chains found (more than @max if some did not
 *	   fit), or -errno
 */
int nft_foreign_drops(struct nft *n, const char *bridge, enum nft_mode mode,
		      struct nft_drop *out, size_t max)
{
	size_t i, ntab = 0, nall;
	struct nft_table *all;
	char (*tabs)[2][NFT_DROPS_NAME_MAX] = NULL;
	struct nft_drop scratch[1];
	long brnf = 0;
	const char *json;
	int rc, legacy, count = 0, whole = 0;

	if (sysctl_read_int("net/bridge/bridge-nf-call-iptables", &brnf))
		brnf = 0;
	/* Every table but tapir's own, one listing each: with many tapir
	 * networks up, "list ruleset" would mostly list ours (slowly, and
	 * into a large JSON tree).  The tables come from the kernel directly
	 * (nft_list.c): "list tables" costs a rule dump per table. */
	rc = nft_list_tables(&all, &nall);
	if (rc)
		return rc;
	if (nall)
		tabs = calloc(nall, sizeof(*tabs));
	for (i = 0; tabs && i < nall; i++) {
		const char *name = all[i].name, *family = all[i].family;

		if (nft_list_net(&all[i]))
			continue;		/* tapir's own */
		/* nft takes a table name in a command only as a bare word */
		if (strlen(name) >= NFT_DROPS_NAME_MAX ||
		    strspn(name, NFT_DROPS_WORD) != strlen(name)) {
			whole = 1;
			continue;
		}
		strcpy(tabs[ntab][0], family);
		strcpy(tabs[ntab][1], name);
		ntab++;
	}
	free(all);
	if (nall && !tabs)
		return -ENOMEM;

	/* a name we cannot put in a command: list everything, as before */
	if (whole)
		ntab = 1;
	for (i = 0; i < ntab; i++) {
		char cmd[2 * NFT_DROPS_NAME_MAX + 32];

		if (whole)
			snprintf(cmd, sizeof(cmd), "list ruleset");
		else
			snprintf(cmd, sizeof(cmd), "list table %s %s",
				 tabs[i][0], tabs[i][1]);
		rc = nft_run(n, cmd, 1, &json);
		if (rc == -ENOENT)
			continue;	/* removed meanwhile */
		if (rc)
			goto out;
		rc = *json ? nft_drops_from_json(json, bridge, mode, brnf == 1,
				(size_t)count < max ? out + count : scratch,
				(size_t)count < max ? max - (size_t)count : 0)
			   : 0;
		if (rc < 0)
			goto out;
		count += rc;
	}
	legacy = nft_drops_legacy(bridge, mode, brnf == 1,
				  (size_t)count < max ? out + count : NULL,
				  (size_t)count < max ? max - (size_t)count : 0);
	rc = count + legacy;
out:
	free(tabs);
	return rc;
}

/**
 * nft_drop_indent() - indent every line of a text by four spaces
 * @text:	lines, each ending in a newline (the last one may not)
 *
 * Return: a malloc()ed copy without a final newline, or NULL
 */
static char *nft_drop_indent(const char *text)
{
	size_t lines = 1, i, o = 0;
	char *out;

	for (i = 0; text[i]; i++)
		lines += text[i] == '\n';
	out = malloc(strlen(text) + 4 * lines + 1);
	if (!out)
		return NULL;
	for (i = 0; text[i]; i++) {
		if (i == 0 || text[i - 1] == '\n')
			o += (size_t)sprintf(out + o, "    ");
		out[o++] = text[i];
	}
	while (o && (out[o - 1] == '\n' || out[o - 1] == ' '))
		o--;
	out[o] = '\0';
	return out;
}

/**
 * nft_drop_describe() - what to tell a person about a foreign drop
 * @d:		the chain, from nft_foreign_drops()
 * @net:	the network whose traffic it drops
 *
 * The fix comes last, one command a line, indented, ready to copy:
 *
 *	nftables chain ip filter FORWARD (hook forward) has policy drop:
 *	traffic of network NET will be dropped there; to let it through, run:
 *	    iptables -I FORWARD -i BR -j ACCEPT
 *	    ...
 *
 * Return: a malloc()ed message, or NULL if out of memory
 */
char *nft_drop_describe(const struct nft_drop *d, const char *net)
{
	char *msg = NULL, *fix = nft_drop_indent(d->fix);

	if (fix && asprintf(&msg, "%s chain %s %s %s (hook %s) %s: traffic of "
			    "network %s will be dropped there; to let it "
			    "through, run:\n%s", d->legacy ? "iptables-legacy" :
			    "nftables", d->family, d->table, d->chain, d->hook,
			    d->policy ? "has policy drop" : "ends in a drop",
			    net, fix) < 0)
		msg = NULL;
	free(fix);
	return msg;
}
