// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nft.c - tests of the firewall tables (lib/nft.c) and of finding
 * other programs' drops (lib/nft_drops.c)
 *
 * The rule text and the JSON analysis need nothing.  Everything that talks
 * to the kernel needs root: the test process moves itself into a new
 * network namespace first, so every table it makes is that namespace's
 * alone and vanishes with it.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "nft.h"

static int in_netns;
static struct nft nft;

static int setup(void **state)
{
	(void)state;
	in_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	if (in_netns && nft_open(&nft))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (in_netns)
		nft_close(&nft);
	return 0;
}

static struct nft_net net(const char *name, enum nft_mode mode,
			  const char *bridge)
{
	struct nft_net n = { name, mode, bridge, { 0 }, 24, { 0 } };

	inet_pton(AF_INET, "10.42.7.9", &n.subnet);	/* host bits ignored */
	inet_pton(AF_INET, "10.42.7.1", &n.host);
	return n;
}

/* Run nft commands; fail the test if they fail. */
static const char *run(const char *cmd, int json)
{
	const char *out;
	int rc = nft_run(&nft, cmd, json, &out);

	if (rc)
		print_message("nft failed (%d): %s\n%s\n", rc, nft.err, cmd);
	assert_int_equal(rc, 0);
	return out;
}

/* The text of the whole ruleset, malloc()ed. */
static char *ruleset(void)
{
	return strdup(run("list ruleset", 0));
}

/* The ruleset is @want, which is then freed. */
static void assert_ruleset(char *want)
{
	char *now = ruleset();

	assert_string_equal(want, now);
	free(now);
	free(want);
}

static void test_ruleset_text(void **state)
{
	struct nft_net n = net("lab", NFT_NAT, "tapir0");
	char buf[4096];

	(void)state;
	assert_true(nft_ruleset(&n, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "table inet tapir-lab\n"
				    "delete table inet tapir-lab\n"
				    "table inet tapir-lab {\n"));
	assert_non_null(strstr(buf, "iifname \"tapir0\" ip saddr 10.42.7.0/24 "
				    "counter accept"));
	assert_non_null(strstr(buf, "oifname \"tapir0\" ip daddr 10.42.7.0/24 "
				    "ct state established,related counter "
				    "accept"));
	assert_non_null(strstr(buf, "iifname \"tapir0\" ip daddr 10.42.7.1 "
				    "udp dport 53 counter accept"));
	assert_non_null(strstr(buf, "ip saddr 10.42.7.0/24 ip daddr != "
				    "10.42.7.0/24 oifname != \"tapir0\" "
				    "counter masquerade"));
	assert_non_null(strstr(buf, "ip daddr 255.255.255.255 counter return"));

	n.mode = NFT_ROUTED;
	assert_true(nft_ruleset(&n, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "masquerade"));
	assert_null(strstr(buf, "ct state"));
	assert_non_null(strstr(buf, "oifname \"tapir0\" ip daddr 10.42.7.0/24 "
				    "counter accept"));

	n.mode = NFT_ISOLATED;
	assert_true(nft_ruleset(&n, buf, sizeof(buf)) > 0);
	assert_null(strstr(buf, "ip saddr"));
	assert_non_null(strstr(buf, "iifname \"tapir0\" oifname \"tapir0\" "
				    "counter accept\n"
				    "\t\tiifname \"tapir0\" counter reject\n"
				    "\t\toifname \"tapir0\" counter reject\n"));

	n.mode = NFT_BRIDGE;
	assert_true(nft_ruleset(&n, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "table inet tapir-lab\n"
				 "delete table inet tapir-lab\n");

	/* what could end up in nft syntax is checked */
	n = net("a b", NFT_NAT, "tapir0");
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n = net("-x", NFT_NAT, "tapir0");
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n = net("x\"; flush ruleset", NFT_NAT, "tapir0");
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n = net("abcdefghijabcdefghijabcdefghijabc", NFT_NAT, "tapir0");
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n = net("lab", NFT_NAT, "br\"0");
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n = net("lab", NFT_NAT, "tapir0");
	n.prefixlen = 31;
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n.prefixlen = 0;
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n.prefixlen = 24;
	n.mode = (enum nft_mode)42;
	assert_int_equal(nft_ruleset(&n, buf, sizeof(buf)), -EINVAL);
	n.mode = NFT_NAT;
	assert_int_equal(nft_ruleset(&n, buf, 100), -ENOSPC);
}

/* Chains of table tapir-NAME, as "name:hook:type:policy" lines. */
static char *chains_of(const char *name)
{
	struct json_object *root, *items, *c;
	char cmd[128], *out = calloc(1, 1024);
	size_t i;

	snprintf(cmd, sizeof(cmd), "list table inet tapir-%s", name);
	root = json_tokener_parse(run(cmd, 1));
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "nftables", &items));
	for (i = 0; i < json_object_array_length(items); i++) {
		if (!json_object_object_get_ex(
			    json_object_array_get_idx(items, i), "chain", &c))
			continue;
		snprintf(out + strlen(out), 1024 - strlen(out), "%s:%s:%s:%s\n",
			 nft_json_str(c, "name"), nft_json_str(c, "hook"),
			 nft_json_str(c, "type"), nft_json_str(c, "policy"));
	}
	json_object_put(root);
	return out;
}

static void test_apply_modes(void **state)
{
	static const struct {
		enum nft_mode mode;
		const char *chains;
		unsigned int rules;
	} want[] = {
		{ NFT_NAT, "input:input:filter:accept\n"
			   "forward:forward:filter:accept\n"
			   "postrouting:postrouting:nat:accept\n", 12 },
		{ NFT_ROUTED, "input:input:filter:accept\n"
			      "forward:forward:filter:accept\n", 8 },
		{ NFT_ISOLATED, "input:input:filter:accept\n"
				"forward:forward:filter:accept\n", 6 },
	};
	struct nft_counts c;
	char *before, *once, *got;
	struct nft_net n;
	size_t i;

	(void)state;
	if (!in_netns)
		skip();
	before = ruleset();
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		n = net("m", want[i].mode, "tbr0");
		assert_int_equal(nft_apply(&nft, &n), 0);
		got = chains_of("m");
		assert_string_equal(got, want[i].chains);
		free(got);
		assert_int_equal(nft_count(&nft, "m", &c), 0);
		assert_int_equal(c.rules, want[i].rules);
		assert_int_equal(c.packets, 0);

		/* again: the same table, not a second copy of the rules */
		once = ruleset();
		assert_int_equal(nft_apply(&nft, &n), 0);
		assert_ruleset(once);
	}
	/* the last mode left no chain of the first behind */
	assert_int_equal(nft_remove(&nft, "m"), 0);
	assert_ruleset(before);
}

static void test_remove_and_list(void **state)
{
	char names[4][NFT_NET_MAX + 1];
	struct nft_counts c;
	struct nft_net n;
	char *before;

	(void)state;
	if (!in_netns)
		skip();
	/* someone else's tables, including one that looks like ours but is
	 * of another family, stay */
	run("table ip other { chain c { type filter hook forward priority 5; "
	    "policy accept; iifname \"x\" drop; }; }\n"
	    "table ip tapir-fake { }", 0);
	before = ruleset();
	n = net("one", NFT_NAT, "tbr1");
	assert_int_equal(nft_apply(&nft, &n), 0);
	n = net("two.lab", NFT_ISOLATED, "tbr2");
	assert_int_equal(nft_apply(&nft, &n), 0);
	assert_int_equal(nft_tables(names, 4), 2);
	assert_true((!strcmp(names[0], "one") && !strcmp(names[1], "two.lab")) ||
		    (!strcmp(names[1], "one") && !strcmp(names[0], "two.lab")));
	assert_int_equal(nft_tables(names, 1), 2);

	assert_int_equal(nft_remove(&nft, "one"), 0);
	assert_int_equal(nft_remove(&nft, "one"), 0);	/* absent: fine */
	assert_int_equal(nft_count(&nft, "one", &c), -ENOENT);
	assert_int_equal(nft_remove(&nft, "two.lab"), 0);
	assert_int_equal(nft_tables(names, 4), 0);
	assert_int_equal(nft_remove(&nft, "bad name"), -EINVAL);
	assert_ruleset(before);
	run("delete table ip other; delete table ip tapir-fake", 0);
}

static void test_bridge_mode(void **state)
{
	struct nft_counts c;
	struct nft_net n;
	char *before;

	(void)state;
	if (!in_netns)
		skip();
	before = ruleset();
	n = net("pub", NFT_BRIDGE, "tbr3");
	assert_int_equal(nft_apply(&nft, &n), 0);
	assert_int_equal(nft_count(&nft, "pub", &c), -ENOENT);
	/* a stale table from an earlier mode goes */
	n.mode = NFT_NAT;
	assert_int_equal(nft_apply(&nft, &n), 0);
	n.mode = NFT_BRIDGE;
	assert_int_equal(nft_apply(&nft, &n), 0);
	assert_int_equal(nft_count(&nft, "pub", &c), -ENOENT);
	assert_ruleset(before);
}

/* One failing command in the batch, and nothing of it happens. */
static void test_atomic(void **state)
{
	struct nft_net n = net("at", NFT_NAT, "tbr4");
	char buf[4096], *before;
	const char *out;
	int len;

	(void)state;
	if (!in_netns)
		skip();
	assert_int_equal(nft_apply(&nft, &n), 0);
	before = ruleset();
	n.mode = NFT_ISOLATED;
	len = nft_ruleset(&n, buf, sizeof(buf));
	assert_true(len > 0);
	snprintf(buf + len, sizeof(buf) - (size_t)len,
		 "add rule inet tapir-at nosuchchain accept\n");
	assert_int_equal(nft_run(&nft, buf, 0, &out), -ENOENT);
	assert_non_null(strstr(nft.err, "No such file or directory"));
	assert_ruleset(before);	/* still the nat table */
	assert_int_equal(nft_run(&nft, "this is not nft", 0, &out), -EIO);
	assert_non_null(strstr(nft.err, "syntax error"));
	assert_int_equal(nft_remove(&nft, "at"), 0);
}

/* Real packets through a real rule: DNS to the host on "lo". */
static void test_counters(void **state)
{
	struct nft_net n = net("cnt", NFT_ISOLATED, "lo");
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons(53) };
	struct nft_counts c;
	int fd, i;

	(void)state;
	if (!in_netns)
		skip();
	assert_int_equal(system("ip link set lo up"), 0);
	inet_pton(AF_INET, "127.0.0.1", &n.host);
	inet_pton(AF_INET, "127.0.0.0", &n.subnet);
	n.prefixlen = 8;
	sa.sin_addr = n.host;
	assert_int_equal(nft_apply(&nft, &n), 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(sendto(fd, "q", 1, 0, (struct sockaddr *)&sa,
					sizeof(sa)), 1);
	close(fd);
	assert_int_equal(nft_count(&nft, "cnt", &c), 0);
	assert_int_equal(c.rules, 6);
	/* lo to lo is also "bridge to bridge", which counts no packets here:
	 * the 3 datagrams only go through input */
	assert_int_equal(c.packets, 3);
	assert_int_equal(c.bytes, 3 * 29);
	assert_int_equal(c.rejected, 0);
	assert_int_equal(nft_remove(&nft, "cnt"), 0);
}

static void test_counts_json(void **state)
{
	static const char json[] =
		"{\"nftables\": [{\"metainfo\": {}},"
		"{\"table\": {\"family\": \"inet\", \"name\": \"tapir-x\"}},"
		"{\"rule\": {\"expr\": [{\"counter\": {\"packets\": 5, "
		"\"bytes\": 500}}, {\"accept\": null}]}},"
		"{\"rule\": {\"expr\": [{\"counter\": {\"packets\": 2, "
		"\"bytes\": 80}}, {\"reject\": null}]}},"
		"{\"rule\": {\"expr\": [{\"accept\": null}]}}]}";
	struct nft_counts c;

	(void)state;
	assert_int_equal(nft_counts_from_json(json, &c), 0);
	assert_int_equal(c.rules, 3);
	assert_int_equal(c.packets, 7);
	assert_int_equal(c.bytes, 580);
	assert_int_equal(c.rejected, 2);
	assert_int_equal(nft_counts_from_json("[1,2]", &c), -EINVAL);
	assert_int_equal(nft_counts_from_json("{\"nftables\": [", &c),
			 -EINVAL);
	assert_int_equal(nft_counts_from_json("", &c), -EINVAL);
}

/* Drops in the current ruleset, for a bridge and mode. */
static int drops(const char *bridge, enum nft_mode mode, int brnf,
		 struct nft_drop *d, size_t max)
{
	return nft_drops_from_json(run("list ruleset", 1), bridge, mode, brnf,
				   d, max);
}

static void test_foreign_drops_iptables(void **state)
{
	struct nft_drop d[4];
	struct nft_net n = net("fd", NFT_NAT, "tbr5");

	(void)state;
	if (!in_netns)
		skip();
	/* nothing at all, and our own table's rejects do not count */
	assert_int_equal(nft_foreign_drops(&nft, "tbr5", NFT_NAT, d, 4), 0);
	assert_int_equal(nft_apply(&nft, &n), 0);
	assert_int_equal(drops("tbr5", NFT_NAT, 1, d, 4), 0);

	/* what Docker's iptables-nft leaves: policy drop on FORWARD */
	run("table ip filter { chain FORWARD { type filter hook forward "
	    "priority 0; policy drop; }; }", 0);
	assert_int_equal(nft_foreign_drops(&nft, "tbr5", NFT_NAT, d, 4), 1);
	assert_string_equal(d[0].family, "ip");
	assert_string_equal(d[0].table, "filter");
	assert_string_equal(d[0].chain, "FORWARD");
	assert_string_equal(d[0].hook, "forward");
	assert_int_equal(d[0].policy, 1);
	assert_int_equal(d[0].legacy, 0);
	assert_string_equal(d[0].fix,
		"iptables -I FORWARD -i tbr5 -j ACCEPT\n"
		"iptables -I FORWARD -o tbr5 -m conntrack --ctstate "
		"RELATED,ESTABLISHED -j ACCEPT");
	assert_int_equal(drops("tbr5", NFT_ROUTED, 0, d, 4), 1);
	assert_string_equal(d[0].fix,
		"iptables -I FORWARD -i tbr5 -j ACCEPT\n"
		"iptables -I FORWARD -o tbr5 -j ACCEPT");
	/* isolated guests only cross the forward hook with br_netfilter */
	assert_int_equal(drops("tbr5", NFT_ISOLATED, 0, d, 4), 0);
	assert_int_equal(drops("tbr5", NFT_ISOLATED, 1, d, 4), 1);
	assert_string_equal(d[0].fix, "iptables -I FORWARD -i tbr5 -o tbr5 "
				      "-j ACCEPT");
	assert_int_equal(drops("tbr5", NFT_BRIDGE, 0, d, 4), 0);
	assert_int_equal(drops("tbr5", NFT_BRIDGE, 1, d, 4), 1);
	/* no room: still counted */
	assert_int_equal(drops("tbr5", NFT_NAT, 1, d, 0), 1);

	/* Docker proper has DOCKER-USER, jumped to first: the fix goes
	 * there, and once it is in, the warning is gone */
	run("add chain ip filter DOCKER-USER\n"
	    "add rule ip filter FORWARD counter jump DOCKER-USER\n"
	    "add rule ip filter DOCKER-USER counter return", 0);
	assert_int_equal(drops("tbr5", NFT_NAT, 1, d, 4), 1);
	assert_non_null(strstr(d[0].fix, "iptables -I DOCKER-USER -i tbr5 "
					 "-j ACCEPT\n"));
	run("insert rule ip filter DOCKER-USER iifname \"tbr5\" counter "
	    "accept", 0);
	assert_int_equal(drops("tbr5", NFT_NAT, 1, d, 4), 1);	/* half */
	run("insert rule ip filter DOCKER-USER oifname \"tbr*\" ct state "
	    "related,established counter accept", 0);
	assert_int_equal(drops("tbr5", NFT_NAT, 1, d, 4), 0);
	/* the accepts name tbr5, not another bridge */
	assert_int_equal(drops("tbr6", NFT_NAT, 1, d, 4), 1);
	/* input is another hook: a drop there is a problem for DHCP */
	run("add chain ip filter INPUT { type filter hook input priority 0; "
	    "policy drop; }", 0);
	assert_int_equal(drops("tbr5", NFT_NAT, 0, d, 4), 1);
	assert_string_equal(d[0].chain, "INPUT");
	assert_string_equal(d[0].hook, "input");
	assert_non_null(strstr(d[0].fix, "iptables -I INPUT -i tbr5 -p udp "
					 "--dport 67 -j ACCEPT"));
	assert_int_equal(drops("tbr5", NFT_BRIDGE, 0, d, 4), 0);
	run("delete table ip filter", 0);
	assert_int_equal(nft_remove(&nft, "fd"), 0);
}

static void test_foreign_drops_native(void **state)
{
	struct nft_drop d[4];
	char *fix;

	(void)state;
	if (!in_netns)
		skip();
	/* conditional drops are someone's business, not ours */
	run("table inet fw { chain filter_fwd { type filter hook forward "
	    "priority 10; policy accept; ip saddr 192.0.2.1 drop; "
	    "ct state invalid drop; }; }", 0);
	assert_int_equal(drops("tbr7", NFT_NAT, 1, d, 4), 0);
	/* an unconditional reject at the end is like a drop policy */
	run("add rule inet fw filter_fwd counter log reject", 0);
	assert_int_equal(drops("tbr7", NFT_NAT, 1, d, 4), 1);
	assert_string_equal(d[0].family, "inet");
	assert_string_equal(d[0].table, "fw");
	assert_string_equal(d[0].chain, "filter_fwd");
	assert_int_equal(d[0].policy, 0);
	assert_string_equal(d[0].fix,
		"nft 'insert rule inet fw filter_fwd iifname \"tbr7\" accept'\n"
		"nft 'insert rule inet fw filter_fwd oifname \"tbr7\" ct state "
		"established,related accept'");

	/* the fix, run as printed, makes the warning go away */
	fix = strdup(d[0].fix);
	assert_int_equal(system(fix), 0);
	free(fix);
	assert_int_equal(drops("tbr7", NFT_NAT, 1, d, 4), 0);

	/* a drop reached through an unconditional jump counts too */
	run("delete table inet fw\n"
	    "table ip fw2 { chain deny { drop; }\n"
	    "chain filter_fwd { type filter hook forward priority 0; "
	    "policy accept; jump deny; }; }", 0);
	assert_int_equal(drops("br-lan", NFT_ROUTED, 1, d, 4), 1);
	assert_string_equal(d[0].fix,
		"nft 'insert rule ip fw2 filter_fwd iifname \"br-lan\" accept'\n"
		"nft 'insert rule ip fw2 filter_fwd oifname \"br-lan\" accept'");
	run("delete table ip fw2", 0);

	/* firewalld's forward chain ends in a reject */
	run("table inet firewalld { chain filter_FORWARD { type filter hook "
	    "forward priority 10; policy accept; ct state "
	    "established,related accept; reject with icmpx "
	    "admin-prohibited; }; }", 0);
	assert_int_equal(drops("tbr7", NFT_NAT, 1, d, 4), 1);
	assert_string_equal(d[0].fix,
		"firewall-cmd --zone=trusted --change-interface=tbr7\n"
		"firewall-cmd --permanent --zone=trusted "
		"--change-interface=tbr7");
	run("delete table inet firewalld", 0);

	/* names nft's own syntax cannot even write (made through JSON) are
	 * quoted for the shell */
	run("{\"nftables\": [{\"add\": {\"table\": {\"family\": \"inet\", "
	    "\"name\": \"it's\"}}}, {\"add\": {\"chain\": {\"family\": "
	    "\"inet\", \"table\": \"it's\", \"name\": \"my $(chain)\", "
	    "\"type\": \"filter\", \"hook\": \"forward\", \"prio\": 0, "
	    "\"policy\": \"drop\"}}}]}", 1);
	assert_int_equal(drops("tbr7", NFT_ROUTED, 1, d, 4), 1);
	assert_string_equal(d[0].table, "it's");
	assert_string_equal(d[0].chain, "my $(chain)");
	assert_non_null(strstr(d[0].fix, "nft 'insert rule inet it'\\''s my "
					 "$(chain) iifname"));
	run("{\"nftables\": [{\"delete\": {\"table\": {\"family\": "
	    "\"inet\", \"name\": \"it's\"}}}]}", 1);

	assert_int_equal(drops("tbr7", NFT_NAT, 1, d, 4), 0);
	assert_int_equal(nft_drops_from_json("{", "x", NFT_NAT, 0, d, 4),
			 -EINVAL);
	assert_int_equal(nft_drops_from_json("{\"nftables\": 3}", "x", NFT_NAT,
					     0, d, 4), -EINVAL);
}

/* The warning people see: the fix one command a line, indented. */
static void test_drop_describe(void **state)
{
	struct nft_drop d = {
		.family = "ip", .table = "filter", .chain = "FORWARD",
		.hook = "forward", .policy = 1,
		.fix = "iptables -I FORWARD -i br0 -j ACCEPT\n"
		       "iptables -I FORWARD -o br0 -j ACCEPT\n",
	};
	char *msg;

	(void)state;
	msg = nft_drop_describe(&d, "lab");
	assert_non_null(msg);
	assert_string_equal(msg,
		"nftables chain ip filter FORWARD (hook forward) has policy "
		"drop: traffic of network lab will be dropped there; to let "
		"it through, run:\n"
		"    iptables -I FORWARD -i br0 -j ACCEPT\n"
		"    iptables -I FORWARD -o br0 -j ACCEPT");
	free(msg);

	d.policy = 0;
	d.legacy = 1;
	msg = nft_drop_describe(&d, "lab");
	assert_non_null(strstr(msg, "iptables-legacy chain ip filter FORWARD "
				    "(hook forward) ends in a drop"));
	free(msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ruleset_text),
		cmocka_unit_test(test_apply_modes),
		cmocka_unit_test(test_remove_and_list),
		cmocka_unit_test(test_bridge_mode),
		cmocka_unit_test(test_atomic),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_counts_json),
		cmocka_unit_test(test_foreign_drops_iptables),
		cmocka_unit_test(test_foreign_drops_native),
		cmocka_unit_test(test_drop_describe),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
