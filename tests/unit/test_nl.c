// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_nl.c - tests of the netlink link, address and route operations
 * (lib/nl.c, lib/nl_addr.c, lib/nl_route.c) and of moving an uplink's
 * layer-3 configuration onto a bridge and back (lib/nl_l3.c)
 *
 * Needs root; skipped otherwise.  The test process moves itself into a new
 * network namespace first, so everything it creates is visible nowhere
 * else and disappears with the process, whatever happens.  iproute2's "ip"
 * is the independent witness: it sets up the uplink the way an
 * administrator would, and its output before and after a round trip must
 * be the same.
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
#include <net/if.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <json-c/json.h>
#include <cmocka.h>

#include "nl.h"
#include "nl_addr.h"
#include "nl_l3.h"
#include "nl_route.h"

static int in_netns;
static struct nl nl;

static int setup(void **state)
{
	(void)state;
	in_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	if (in_netns && nl_open(&nl))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (in_netns)
		nl_close(&nl);
	return 0;
}

/* After each test, pass or fail: every link but lo goes, and with it every
 * address and route the test made. */
static int del_links(void **state)
{
	struct nl_link *links;
	size_t n, i;

	(void)state;
	if (!in_netns || nl_link_dump(&nl, &links, &n))
		return 0;
	for (i = 0; i < n; i++)
		if (links[i].ifindex != 1)
			nl_link_del(&nl, links[i].name);
	free(links);
	return 0;
}

/* Run a shell command in our namespace; return its exit status. */
static int __attribute__((format(printf, 1, 2))) sh(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	rc = system(cmd);
	if (rc)
		print_message("command failed (%d): %s\n", rc, cmd);
	return rc;
}

/* Output of a shell command, malloc()ed. */
static char *__attribute__((format(printf, 1, 2))) capture(const char *fmt,
							   ...)
{
	char cmd[1024], *buf = NULL;
	size_t len = 0, n;
	char chunk[4096];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	f = popen(cmd, "r");
	assert_non_null(f);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		buf = realloc(buf, len + n + 1);
		assert_non_null(buf);
		memcpy(buf + len, chunk, n);
		len += n;
	}
	pclose(f);
	if (!buf)
		buf = calloc(1, 1);
	else
		buf[len] = '\0';
	return buf;
}

/* Replace the digits of "NNNsec" lifetimes with X: they tick. */
static void scrub_lifetimes(char *s)
{
	char *p = s, *q;

	while ((p = strstr(p, "_lft ")) != NULL) {
		p += 5;
		for (q = p; *q >= '0' && *q <= '9'; q++)
			;
		if (q > p && !strncmp(q, "sec", 3))
			memset(p, 'X', (size_t)(q - p));
	}
}

/* A veth pair NAME/NAMEp, both up, so NAME has carrier (this kernel may
 * lack dummy interfaces; veth is everywhere). */
static void mkveth(const char *name)
{
	assert_int_equal(sh("ip link add %s type veth peer name %sp && "
			    "ip link set %sp up && ip link set %s up",
			    name, name, name, name), 0);
}

/* Whether a line of @text starts with @a (after blanks) and has @b. */
static int line_has(const char *text, const char *a, const char *b)
{
	const char *p = strstr(text, a), *eol;

	if (!p)
		return 0;
	eol = strchr(p, '\n');
	p = strstr(p, b);
	return p && (!eol || p < eol);
}

static int ifindex(const char *name)
{
	struct nl_link l;

	assert_int_equal(nl_link_get(&nl, name, &l), 0);
	return l.ifindex;
}

static void test_bridge(void **state)
{
	static const uint8_t mac[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };
	struct json_object *root, *j, *info, *data, *v;
	struct nl_link l;
	char *out;

	(void)state;
	if (!in_netns)
		skip();
	assert_int_equal(nl_bridge_add(&nl, "tbr0", 1400, mac), 0);
	assert_int_equal(nl_bridge_add(&nl, "tbr0", 1400, mac), -EEXIST);
	assert_int_equal(nl_link_get(&nl, "tbr0", &l), 0);
	assert_string_equal(l.kind, "bridge");
	assert_int_equal(l.mtu, 1400);
	assert_int_equal(l.addr_len, 6);
	assert_memory_equal(l.addr, mac, 6);
	assert_false(l.flags & IFF_UP);

	/* STP off and no forward delay, as ip sees them */
	out = capture("ip -d -j link show dev tbr0");
	root = json_tokener_parse(out);
	assert_non_null(root);
	j = json_object_array_get_idx(root, 0);
	assert_true(json_object_object_get_ex(j, "linkinfo", &info));
	assert_true(json_object_object_get_ex(info, "info_data", &data));
	assert_true(json_object_object_get_ex(data, "stp_state", &v));
	assert_int_equal(json_object_get_int(v), 0);
	assert_true(json_object_object_get_ex(data, "forward_delay", &v));
	assert_int_equal(json_object_get_int(v), 0);
	json_object_put(root);
	free(out);

	assert_int_equal(nl_link_set_mtu(&nl, "tbr0", 1300), 0);
	assert_int_equal(nl_link_set_up(&nl, "tbr0", 1), 0);
	assert_int_equal(nl_link_get(&nl, "tbr0", &l), 0);
	assert_int_equal(l.mtu, 1300);
	assert_true(l.flags & IFF_UP);
	assert_int_equal(nl_link_set_up(&nl, "tbr0", 0), 0);
	assert_int_equal(nl_link_get(&nl, "tbr0", &l), 0);
	assert_false(l.flags & IFF_UP);

	/* without a MAC, the kernel picks one */
	assert_int_equal(nl_bridge_add(&nl, "tbr0b", 0, NULL), 0);
	assert_int_equal(nl_link_get(&nl, "tbr0b", &l), 0);
	assert_int_equal(l.mtu, 1500);

	assert_int_equal(nl_link_del(&nl, "tbr0"), 0);
	assert_int_equal(nl_link_del(&nl, "tbr0b"), 0);
	assert_int_equal(nl_link_get(&nl, "tbr0", &l), -ENODEV);
	assert_int_equal(nl_link_del(&nl, "tbr0"), -ENODEV);
}

static void test_master_and_dump(void **state)
{
	struct nl_link *links, l;
	size_t n, i;
	int br, seen_lo = 0, seen_br = 0, seen_port = 0;

	(void)state;
	if (!in_netns)
		skip();
	assert_int_equal(nl_bridge_add(&nl, "tbr1", 0, NULL), 0);
	mkveth("tport1");
	br = ifindex("tbr1");
	assert_int_equal(nl_link_set_master(&nl, "tport1", br), 0);
	assert_int_equal(nl_link_get(&nl, "tport1", &l), 0);
	assert_int_equal(l.master, br);

	assert_int_equal(nl_link_dump(&nl, &links, &n), 0);
	assert_true(n >= 3);
	for (i = 0; i < n; i++) {
		if (!strcmp(links[i].name, "lo")) {
			seen_lo = 1;
			assert_int_equal(links[i].ifindex, 1);
			assert_true(links[i].flags & IFF_LOOPBACK);
		} else if (!strcmp(links[i].name, "tbr1")) {
			seen_br = 1;
			assert_int_equal(links[i].ifindex, br);
			assert_string_equal(links[i].kind, "bridge");
			assert_int_equal(links[i].addr_len, 6);
		} else if (!strcmp(links[i].name, "tport1")) {
			seen_port = 1;
			assert_string_equal(links[i].kind, "veth");
			assert_int_equal(links[i].master, br);
			assert_int_equal(links[i].mtu, 1500);
		}
	}
	free(links);
	assert_true(seen_lo && seen_br && seen_port);

	/* nomaster */
	assert_int_equal(nl_link_set_master(&nl, "tport1", 0), 0);
	assert_int_equal(nl_link_get(&nl, "tport1", &l), 0);
	assert_int_equal(l.master, 0);
	assert_int_equal(nl_link_del(&nl, "tport1"), 0);
	assert_int_equal(nl_link_del(&nl, "tbr1"), 0);
}

/* Find @ip (text) among @n addresses. */
static const struct nl_addr *find_addr(const struct nl_addr *a, size_t n,
				       int family, const char *ip)
{
	uint8_t bin[16];
	size_t i;

	assert_int_equal(inet_pton(family, ip, bin), 1);
	for (i = 0; i < n; i++)
		if (a[i].family == family &&
		    !memcmp(family == AF_INET ? a[i].local : a[i].address, bin,
			    family == AF_INET ? 4 : 16))
			return &a[i];
	return NULL;
}

static void test_addr_roundtrip(void **state)
{
	struct nl_addr a, b6, *all;
	const struct nl_addr *f;
	struct in_addr in;
	size_t n;
	int idx;
	char *out;

	(void)state;
	if (!in_netns)
		skip();
	mkveth("taddr");
	idx = ifindex("taddr");

	inet_pton(AF_INET, "192.0.2.77", &in);
	nl_addr_make4(&a, in, 24);
	a.ifindex = idx;
	strcpy(a.label, "taddr:web");
	a.valid = 3000;
	a.preferred = 2000;
	a.metric = 77;
	a.has |= NL_ADDR_METRIC;
	assert_int_equal(nl_addr_add(&nl, &a), 0);
	assert_int_equal(nl_addr_add(&nl, &a), -EEXIST);

	memset(&b6, 0, sizeof(b6));
	b6.family = AF_INET6;
	b6.prefixlen = 64;
	b6.ifindex = idx;
	b6.has = NL_ADDR_ADDRESS;
	inet_pton(AF_INET6, "2001:db8:7::7", b6.address);
	b6.flags = IFA_F_NODAD | IFA_F_NOPREFIXROUTE;
	b6.valid = NL_ADDR_FOREVER;
	b6.preferred = NL_ADDR_FOREVER;
	assert_int_equal(nl_addr_add(&nl, &b6), 0);

	/* ip agrees */
	out = capture("ip addr show dev taddr");
	assert_non_null(strstr(out, "inet 192.0.2.77/24 metric 77 brd "
				    "192.0.2.255 scope global dynamic "
				    "taddr:web"));
	assert_non_null(strstr(out, "inet6 2001:db8:7::7/64 scope global "
				    "nodad noprefixroute"));
	free(out);

	/* and our dump reads back what we gave */
	assert_int_equal(nl_addr_dump(&nl, AF_UNSPEC, idx, &all, &n), 0);
	f = find_addr(all, n, AF_INET, "192.0.2.77");
	assert_non_null(f);
	assert_int_equal(f->prefixlen, 24);
	assert_int_equal(f->ifindex, idx);
	assert_string_equal(f->label, "taddr:web");
	assert_true(f->has & NL_ADDR_BROADCAST);
	assert_memory_equal(f->broadcast, a.broadcast, 4);
	assert_true(f->valid <= 3000 && f->valid >= 2990);
	assert_true(f->preferred <= 2000 && f->preferred >= 1990);
	assert_true(f->has & NL_ADDR_METRIC);
	assert_int_equal(f->metric, 77);
	f = find_addr(all, n, AF_INET6, "2001:db8:7::7");
	assert_non_null(f);
	assert_true(f->flags & IFA_F_NODAD);
	assert_true(f->flags & IFA_F_NOPREFIXROUTE);
	assert_true(f->flags & IFA_F_PERMANENT);
	assert_int_equal(f->valid, NL_ADDR_FOREVER);
	/* the link-local address is there too, IPv6 being on */
	free(all);

	/* only IPv4 when asked */
	assert_int_equal(nl_addr_dump(&nl, AF_INET, idx, &all, &n), 0);
	assert_int_equal(n, 1);
	free(all);

	assert_int_equal(nl_addr_del(&nl, &a), 0);
	assert_int_equal(nl_addr_del(&nl, &a), -EADDRNOTAVAIL);
	assert_int_equal(nl_addr_del(&nl, &b6), 0);
	assert_int_equal(nl_addr_dump(&nl, AF_INET, idx, &all, &n), 0);
	assert_int_equal(n, 0);
	free(all);
	assert_int_equal(nl_link_del(&nl, "taddr"), 0);
}

/* Find a route by table and destination text ("default" for /0). */
static const struct nl_route *find_route(const struct nl_route *r, size_t n,
					 int family, uint32_t table,
					 const char *dst, unsigned int len)
{
	uint8_t bin[16] = { 0 };
	size_t i;

	if (strcmp(dst, "default"))
		assert_int_equal(inet_pton(family, dst, bin), 1);
	for (i = 0; i < n; i++)
		if (r[i].family == family && r[i].table == table &&
		    r[i].dst_len == len &&
		    (!len || !memcmp(r[i].dst, bin, family == AF_INET ? 4 : 16)))
			return &r[i];
	return NULL;
}

static void test_route_move(void **state)
{
	struct nl_route *all, r;
	const struct nl_route *f;
	int a, b;
	size_t n;
	char *out;

	(void)state;
	if (!in_netns)
		skip();
	mkveth("trta");
	mkveth("trtb");
	assert_int_equal(sh("ip addr add 192.0.2.1/24 dev trta && "
			    "ip addr add 192.0.2.2/24 dev trtb && "
			    "ip route add 203.0.113.0/24 via 192.0.2.254 "
			    "dev trta metric 33 proto 77 table 1000 "
			    "mtu lock 1280 advmss 1200 realm 5 src 192.0.2.1"),
			 0);
	a = ifindex("trta");
	b = ifindex("trtb");

	assert_int_equal(nl_route_dump(&nl, AF_INET, &all, &n), 0);
	f = find_route(all, n, AF_INET, 1000, "203.0.113.0", 24);
	assert_non_null(f);
	r = *f;
	free(all);
	assert_int_equal(r.oif, a);
	assert_true(nl_route_uses(&r, a));
	assert_false(nl_route_uses(&r, b));
	assert_int_equal(r.priority, 33);
	assert_int_equal(r.protocol, 77);
	assert_int_equal(r.realms, 5);
	assert_true(r.has & NL_RT_GATEWAY);
	assert_true(r.has & NL_RT_PREFSRC);
	assert_true(r.has & NL_RT_METRICS);
	assert_false(r.has & NL_RT_COMPLEX);

	assert_int_equal(nl_route_move(&nl, &r, b), 0);
	out = capture("ip route show table 1000");
	assert_string_equal(out, "203.0.113.0/24 via 192.0.2.254 dev trtb "
				 "proto 77 src 192.0.2.1 metric 33 realm 5 "
				 "mtu lock 1280 advmss 1200 \n");
	free(out);

	/* a second add of the same route is refused; delete, then it's gone */
	r.oif = b;
	assert_int_equal(nl_route_add(&nl, &r), -EEXIST);
	assert_int_equal(nl_route_del(&nl, &r), 0);
	assert_int_equal(nl_route_del(&nl, &r), -ESRCH);
	out = capture("ip route show table 1000");
	assert_string_equal(out, "");
	free(out);

	/* a gateway with no route to it: refused, and the old route stays */
	assert_int_equal(sh("ip route add 198.51.100.0/24 via 192.0.2.9 "
			    "dev trta"), 0);
	assert_int_equal(nl_route_dump(&nl, AF_INET, &all, &n), 0);
	f = find_route(all, n, AF_INET, RT_TABLE_MAIN, "198.51.100.0", 24);
	assert_non_null(f);
	r = *f;
	free(all);
	mkveth("trtc");
	assert_true(nl_route_move(&nl, &r, ifindex("trtc")) < 0);
	out = capture("ip route show 198.51.100.0/24");
	assert_string_equal(out, "198.51.100.0/24 via 192.0.2.9 dev trta \n");
	free(out);

	assert_int_equal(sh("ip link del trta && ip link del trtb && "
			    "ip link del trtc"), 0);
}

/* What must not change across a round trip, as ip shows it, once IPv6
 * duplicate address detection is over (it makes addresses "tentative" and
 * holds back their local routes for a second or so). */
static char *snapshot(const char *dev)
{
	char *s;
	int i;

	for (i = 0; i < 100; i++) {
		s = capture("ip addr show dev %s", dev);
		if (!strstr(s, "tentative")) {
			free(s);
			break;
		}
		free(s);
		usleep(100 * 1000);
	}
	s = capture("ip -d addr show dev %s; ip route show table all "
			  "dev %s; ip -6 route show table all dev %s",
			  dev, dev, dev);

	scrub_lifetimes(s);
	return s;
}

/* The same, as our own dumps see it: @dev's addresses and the routes
 * through it, as JSON text (lifetimes, which tick, left out). */
static char *our_dump(const char *dev)
{
	struct nl_l3 d = { "x", "y", 0, NULL, 0, NULL, 0, 0 };
	struct nl_route *routes;
	struct json_object *j;
	size_t n, i, k = 0;
	char *text;
	int idx = ifindex(dev);

	assert_int_equal(nl_addr_dump(&nl, AF_UNSPEC, idx, &d.addr, &d.naddr),
			 0);
	for (i = 0; i < d.naddr; i++) {
		if (d.addr[i].valid != NL_ADDR_FOREVER)
			d.addr[i].valid = d.addr[i].preferred = 1;
	}
	assert_int_equal(nl_route_dump(&nl, AF_UNSPEC, &routes, &n), 0);
	for (i = 0; i < n; i++)
		if (nl_route_uses(&routes[i], idx))
			routes[k++] = routes[i];
	d.route = routes;
	d.nroute = k;
	assert_true(d.naddr >= 8 && d.nroute >= 10);
	j = nl_l3_to_json(&d);
	assert_non_null(j);
	text = strdup(json_object_to_json_string_ext(j,
						     JSON_C_TO_STRING_PRETTY));
	json_object_put(j);
	nl_l3_free(&d);
	return text;
}

/* Set up an uplink with a bit of everything, as an administrator would. */
static void make_uplink(const char *dev)
{
	mkveth(dev);
	assert_int_equal(sh(
		"ip addr add 192.0.2.10/24 brd + dev %s && "
		"ip addr add 192.0.2.11/24 dev %s label %s:1 && "
		"ip addr add 198.18.0.5/16 dev %s valid_lft 3600 "
		"preferred_lft 1800 metric 50 && "
		"ip addr add 10.200.0.1 peer 10.200.0.2/32 dev %s && "
		"ip addr add 2001:db8:1::10/64 dev %s && "
		"ip addr add 2001:db8:1::11/64 dev %s nodad && "
		"ip addr add 2001:db8:2::10/64 dev %s noprefixroute && "
		"ip route add default via 192.0.2.1 dev %s metric 100 "
		"proto static && "
		"ip route add 203.0.113.0/24 via 192.0.2.254 dev %s "
		"metric 20 proto 42 mtu lock 1400 && "
		"ip route add 198.51.100.0/24 dev %s scope link table 100 && "
		"ip route add default via 192.0.2.1 dev %s table 100 onlink && "
		"ip route add 100.64.0.0/10 dev %s src 192.0.2.10 && "
		"ip -6 route add default via 2001:db8:1::1 dev %s "
		"metric 1024 pref high && "
		"ip -6 route add 2001:db8:99::/48 via fe80::1 dev %s metric 5",
		dev, dev, dev, dev, dev, dev, dev, dev, dev, dev, dev, dev,
		dev, dev, dev), 0);
}

/* Check that every recorded entry survives JSON as it was. */
static void check_json_roundtrip(const struct nl_l3 *rec)
{
	struct json_object *j = nl_l3_to_json(rec), *back;
	struct nl_l3 copy;
	const char *text;

	assert_non_null(j);
	text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
	back = json_tokener_parse(text);
	assert_non_null(back);
	assert_int_equal(nl_l3_from_json(back, &copy), 0);
	assert_string_equal(copy.from, rec->from);
	assert_string_equal(copy.to, rec->to);
	assert_int_equal(copy.boottime, rec->boottime);
	assert_int_equal(copy.naddr, rec->naddr);
	assert_int_equal(copy.nroute, rec->nroute);
	assert_memory_equal(copy.addr, rec->addr,
			    rec->naddr * sizeof(*rec->addr));
	assert_memory_equal(copy.route, rec->route,
			    rec->nroute * sizeof(*rec->route));
	nl_l3_free(&copy);
	json_object_put(back);
	json_object_put(j);
}

static void test_move_l3(void **state)
{
	struct json_object *j, *back;
	char *before, *after, *out, *ours;
	struct nl_l3 rec, saved;
	struct nl_link up;
	size_t i;
	int v4 = 0, v6 = 0, gw_after_link = 1, seen_gw = 0;

	(void)state;
	if (!in_netns)
		skip();
	make_uplink("tup0");
	assert_int_equal(nl_link_get(&nl, "tup0", &up), 0);
	/* the bridge takes the uplink's MAC, and gets a port for carrier */
	assert_int_equal(nl_bridge_add(&nl, "tbr2", 0, up.addr), 0);
	assert_int_equal(nl_link_set_up(&nl, "tbr2", 1), 0);
	before = snapshot("tup0");
	ours = our_dump("tup0");

	assert_int_equal(nl_l3_move(&nl, "tup0", "tbr2", &rec), 0);
	assert_int_equal(rec.skipped, 0);
	for (i = 0; i < rec.naddr; i++) {
		v4 += rec.addr[i].family == AF_INET;
		v6 += rec.addr[i].family == AF_INET6;
	}
	assert_int_equal(v4, 4);	/* all of them */
	assert_int_equal(v6, 3);	/* not the link-local one */
	assert_int_equal(rec.nroute, 7);
	for (i = 0; i < rec.nroute; i++) {
		seen_gw |= !!(rec.route[i].has & NL_RT_GATEWAY);
		if (seen_gw && !(rec.route[i].has & NL_RT_GATEWAY))
			gw_after_link = 0;
	}
	assert_true(gw_after_link);
	/* the product enslaves the uplink after moving */
	assert_int_equal(nl_link_set_master(&nl, "tup0", ifindex("tbr2")), 0);

	/* everything is on the bridge now, labels renamed */
	out = capture("ip addr show dev tbr2");
	assert_non_null(strstr(out, "inet 192.0.2.10/24 brd 192.0.2.255 "
				    "scope global tbr2\n"));
	assert_non_null(strstr(out, "inet 192.0.2.11/24 scope global "
				    "secondary tbr2:1\n"));
	assert_non_null(strstr(out, "inet 198.18.0.5/16 metric 50 scope "
				    "global dynamic tbr2\n"));
	assert_non_null(strstr(out, "inet 10.200.0.1 peer 10.200.0.2/32"));
	/* (tentative, maybe, while the bridge does DAD) */
	assert_true(line_has(out, "inet6 2001:db8:2::10/64 scope global ",
			     " noprefixroute"));
	free(out);
	out = capture("ip route show table all dev tbr2 proto static");
	assert_string_equal(out, "default via 192.0.2.1 metric 100 \n");
	free(out);
	out = capture("ip route show table 100");
	assert_non_null(strstr(out, "default via 192.0.2.1 dev tbr2 onlink"));
	assert_non_null(strstr(out, "198.51.100.0/24 dev tbr2 scope link"));
	free(out);
	out = capture("ip -6 route show default");
	assert_non_null(strstr(out, "default via 2001:db8:1::1 dev tbr2 "
				    "metric 1024 pref high"));
	free(out);
	out = capture("ip addr show dev tup0");
	assert_null(strstr(out, "inet "));
	assert_null(strstr(out, "2001:db8"));
	free(out);

	/* what the lead writes to the run-state file, and reads back after
	 * a crash */
	check_json_roundtrip(&rec);
	j = nl_l3_to_json(&rec);
	back = json_tokener_parse(json_object_to_json_string(j));
	assert_int_equal(nl_l3_from_json(back, &saved), 0);
	json_object_put(back);
	json_object_put(j);

	assert_int_equal(nl_link_set_master(&nl, "tup0", 0), 0);
	assert_int_equal(nl_l3_restore(&nl, &saved), 0);
	after = snapshot("tup0");
	assert_string_equal(before, after);
	free(after);
	after = our_dump("tup0");
	assert_string_equal(ours, after);
	free(after);
	free(ours);
	out = capture("ip addr show dev tbr2; ip route show table all "
		      "dev tbr2; ip -6 route show dev tbr2 proto static");
	assert_null(strstr(out, "inet "));
	assert_null(strstr(out, "2001:db8"));
	assert_null(strstr(out, "via"));
	free(out);

	/* restoring again changes nothing */
	assert_int_equal(nl_l3_restore(&nl, &saved), 0);
	after = snapshot("tup0");
	assert_string_equal(before, after);
	free(after);

	nl_l3_free(&saved);
	nl_l3_free(&rec);
	free(before);
	assert_int_equal(sh("ip link del tup0 && ip link del tbr2"), 0);
}

/* A move that fails half way puts everything back by itself. */
static void test_move_rollback(void **state)
{
	char *before, *after;
	struct nl_l3 rec;

	(void)state;
	if (!in_netns)
		skip();
	make_uplink("tup1");
	/* a bridge that is down takes addresses but refuses routes */
	assert_int_equal(nl_bridge_add(&nl, "tbr3", 0, NULL), 0);
	before = snapshot("tup1");
	assert_int_equal(nl_l3_move(&nl, "tup1", "tbr3", &rec), -ENETDOWN);
	nl_l3_free(&rec);
	after = snapshot("tup1");
	assert_string_equal(before, after);
	free(after);
	after = capture("ip addr show dev tbr3 | grep -c 'inet ' || true");
	assert_string_equal(after, "0\n");
	free(after);

	/* bad names and a missing uplink */
	assert_int_equal(nl_l3_move(&nl, "tup1", "tup1", &rec), -EINVAL);
	nl_l3_free(&rec);
	assert_int_equal(nl_l3_move(&nl, "nosuchdev", "tbr3", &rec), -ENODEV);
	nl_l3_free(&rec);
	assert_int_equal(nl_l3_move(&nl, "tup1", "bad name", &rec), -EINVAL);
	nl_l3_free(&rec);
	free(before);
	assert_int_equal(sh("ip link del tup1 && ip link del tbr3"), 0);
}

/* Records read back from a file are checked before use. */
static void test_l3_json_invalid(void **state)
{
	static const char *const bad[] = {
		"[]",
		"{}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"addresses\":[]}",
		"{\"from\":\"a/b\",\"to\":\"b\",\"boottime\":1,"
		"\"addresses\":[],\"routes\":[]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":-1,"
		"\"addresses\":[],\"routes\":[]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"routes\":[],"
		"\"addresses\":[{\"family\":\"inet\",\"prefixlen\":33,"
		"\"scope\":0,\"flags\":0,\"local\":\"1.2.3.4\",\"valid\":1,"
		"\"preferred\":1}]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"routes\":[],"
		"\"addresses\":[{\"family\":\"inet\",\"prefixlen\":24,"
		"\"scope\":0,\"flags\":0,\"local\":\"::1\",\"valid\":1,"
		"\"preferred\":1}]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"routes\":[],"
		"\"addresses\":[{\"family\":\"ipx\",\"prefixlen\":24,"
		"\"scope\":0,\"flags\":0,\"local\":\"1.2.3.4\",\"valid\":1,"
		"\"preferred\":1}]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"routes\":[],"
		"\"addresses\":[{\"family\":\"inet\",\"prefixlen\":24,"
		"\"scope\":0,\"flags\":0,\"local\":\"1.2.3.4\",\"valid\":1,"
		"\"preferred\":1,\"label\":\"0123456789abcdef\"}]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"addresses\":[],"
		"\"routes\":[{\"family\":\"inet\",\"dst_len\":0,\"src_len\":0,"
		"\"tos\":0,\"protocol\":3,\"scope\":0,\"type\":1,\"flags\":0,"
		"\"table\":254,\"metrics\":\"abc\"}]}",
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"addresses\":[],"
		"\"routes\":[{\"family\":\"inet\",\"dst_len\":0,\"src_len\":0,"
		"\"tos\":256,\"protocol\":3,\"scope\":0,\"type\":1,"
		"\"flags\":0,\"table\":254}]}",
	};
	static const char good[] =
		"{\"from\":\"a\",\"to\":\"b\",\"boottime\":1,\"addresses\":[],"
		"\"routes\":[{\"family\":\"inet\",\"dst_len\":0,\"src_len\":0,"
		"\"tos\":0,\"protocol\":3,\"scope\":0,\"type\":1,\"flags\":0,"
		"\"table\":254,\"gateway\":\"192.0.2.1\","
		"\"metrics\":\"08000200dc050000\"}]}";
	struct json_object *j;
	struct nl_l3 rec;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		j = json_tokener_parse(bad[i]);
		assert_non_null(j);
		assert_int_equal(nl_l3_from_json(j, &rec), -EINVAL);
		nl_l3_free(&rec);
		json_object_put(j);
	}
	j = json_tokener_parse(good);
	assert_int_equal(nl_l3_from_json(j, &rec), 0);
	assert_int_equal(rec.nroute, 1);
	assert_true(rec.route[0].has & NL_RT_GATEWAY);
	assert_int_equal(rec.route[0].metrics_len, 8);
	assert_int_equal(rec.route[0].metrics[4], 0xdc);
	nl_l3_free(&rec);
	json_object_put(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_bridge, del_links),
		cmocka_unit_test_teardown(test_master_and_dump, del_links),
		cmocka_unit_test_teardown(test_addr_roundtrip, del_links),
		cmocka_unit_test_teardown(test_route_move, del_links),
		cmocka_unit_test_teardown(test_move_l3, del_links),
		cmocka_unit_test_teardown(test_move_rollback, del_links),
		cmocka_unit_test(test_l3_json_invalid),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
