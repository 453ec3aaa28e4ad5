// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_user_opts.c - unit tests of tapir-user's option parser
 *		      (user/opts.c): QEMU's "-netdev user" syntax, defaults,
 *		      derivation, validation and QEMU's error texts
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "inany.h"
#include "opts.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Options big enough to be static, one per test at a time. */
static struct user_opts o;
static char err[512];

/* A dotted quad as a network-order address (tests' own literals). */
static uint32_t ip4(const char *s)
{
	struct in_addr a;

	assert_int_equal(inet_pton(AF_INET, s, &a), 1);
	return a.s_addr;
}

static struct in6_addr ip6(const char *s)
{
	struct in6_addr a;

	assert_int_equal(inet_pton(AF_INET6, s, &a), 1);
	return a;
}

static struct in6_addr mapped(const char *s)
{
	struct in_addr a = { ip4(s) };

	return inany_from4(a);
}

#define assert_ip4(a, s)	assert_int_equal((a).s_addr, ip4(s))
#define assert_ip6(a, s)					\
	do {							\
		struct in6_addr want_ = ip6(s);			\
		assert_memory_equal(&(a), &want_, 16);		\
	} while (0)

/* Defaults, one string, and opts_finish(); 0 or -errno, message in err */
static int load(const char *s)
{
	int rc;

	opts_defaults(&o);
	err[0] = '\0';
	rc = opts_parse(&o, s, err, sizeof(err));
	if (!rc)
		rc = opts_finish(&o, err, sizeof(err));
	if (rc)
		assert_true(err[0] != '\0');
	return rc;
}

/* A string that must load. */
static void ok(const char *s)
{
	int rc = load(s);

	if (rc)
		fail_msg("'%s' refused: %s", s, err);
}

/* A string that must be refused with exactly this message. */
static void bad(const char *s, const char *msg)
{
	int rc = load(s);

	if (!rc)
		fail_msg("'%s' accepted, expected: %s", s, msg);
	assert_int_equal(rc, -EINVAL);
	if (strcmp(err, msg))
		fail_msg("'%s':\n got: %s\nwant: %s", s, err, msg);
	assert_null(strchr(err, '\n'));
}

static void test_defaults(void **state)
{
	(void)state;
	opts_defaults(&o);
	assert_int_equal(o.ipv4, 1);
	assert_int_equal(o.ipv6, 1);
	assert_ip4(o.net, "10.0.2.0");
	assert_ip4(o.mask, "255.255.255.0");
	assert_ip4(o.host, "10.0.2.2");
	assert_ip4(o.dns, "10.0.2.3");
	assert_ip4(o.dhcpstart, "10.0.2.15");
	assert_ip6(o.net6, "fec0::");
	assert_int_equal(o.net6_len, 64);
	assert_ip6(o.host6, "fec0::2");
	assert_ip6(o.dns6, "fec0::3");
	assert_int_equal(o.restrict_, 0);
	assert_int_equal(o.mtu, 1500);
	assert_int_equal(o.flows_max, OPTS_FLOWS_DEFAULT);
	assert_int_equal(o.no_host_loopback, 0);
	assert_int_equal(o.nfwd, 0);
	assert_int_equal(o.ngfwd, 0);
	assert_int_equal(o.nsearch, 0);
	assert_string_equal(o.hostname, "");
	assert_string_equal(o.domainname, "");
	assert_string_equal(o.tftp, "");

	/* finishing the defaults changes nothing */
	ok("");
	assert_ip4(o.host, "10.0.2.2");
	assert_ip4(o.dns, "10.0.2.3");
	assert_ip4(o.dhcpstart, "10.0.2.15");
	assert_ip6(o.host6, "fec0::2");
	assert_ip6(o.dns6, "fec0::3");
	assert_int_equal(o.ipv4, 1);
	assert_int_equal(o.ipv6, 1);
}


/* QemuOpts' syntax: items, ",,", bare keys, a pasted "user,id=..." */
static void test_syntax(void **state)
{
	char big[2048];

	(void)state;
	ok("user,id=n0,net=10.1.0.0/24,hostfwd=tcp::2222-:22");
	assert_ip4(o.net, "10.1.0.0");
	assert_int_equal(o.nfwd, 1);
	ok("type=user,id=net0,restrict=on");
	assert_int_equal(o.restrict_, 1);
	ok("net=10.1.0.0/24,");			/* a trailing comma */
	assert_ip4(o.net, "10.1.0.0");
	ok("restrict");				/* bare bool: on */
	assert_int_equal(o.restrict_, 1);
	ok("user,restrict,ipv6=off");
	assert_int_equal(o.restrict_, 1);
	assert_int_equal(o.ipv6, 0);
	ok("hostname=a,,b,domainname=x,,,,y");	/* ",," is one ',' */
	assert_string_equal(o.hostname, "a,b");
	assert_string_equal(o.domainname, "x,,y");
	ok("hostname=a,,");
	assert_string_equal(o.hostname, "a,");
	ok("net=10.1.0.0/24,net=10.9.0.0/16");	/* the last one wins */
	assert_ip4(o.net, "10.9.0.0");
	assert_ip4(o.mask, "255.255.0.0");
	assert_ip4(o.host, "10.9.2.2");
	ok("hostname=");
	assert_string_equal(o.hostname, "");

	bad("foo=1", "Invalid parameter 'foo'");
	bad("net=10.1.0.0/24,bogus", "Invalid parameter 'bogus'");
	bad(",net=10.1.0.0/24", "Invalid parameter ''");
	bad("id=x,user", "Invalid parameter 'user'");
	bad("NET=10.0.2.0/24", "Invalid parameter 'NET'");
	bad("net", "Parameter 'net' expects a value");
	bad("type=tap", "Parameter 'type' expects 'user': type=tap");
	bad("stream,id=n0", "Invalid parameter 'stream'");
	bad("restrict=maybe",
	    "Parameter 'restrict' expects 'on' or 'off': restrict=maybe");
	bad("abcdefghijklmnopqrstuvwxyzabcdefghijkl=1",
	    "Invalid parameter 'abcdefghijklmnopqrstuvwxyzabcde...'");

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "hostname=", 9);
	bad(big, "Parameter 'hostname' value is too long");
	/* unprintable bytes are not echoed */
	bad("type=\x01\x7f", "Parameter 'type' expects 'user': type=??");
}

static void test_bool(void **state)
{
	static const char *const on[] = { "on", "yes", "true", "y" };
	static const char *const off[] = { "off", "no", "false", "n" };
	char s[64];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(on); i++) {
		snprintf(s, sizeof(s), "restrict=%s", on[i]);
		ok(s);
		assert_int_equal(o.restrict_, 1);
		snprintf(s, sizeof(s), "restrict=on,restrict=%s", off[i]);
		ok(s);
		assert_int_equal(o.restrict_, 0);
	}
	bad("restrict=ON", "Parameter 'restrict' expects 'on' or 'off': restrict=ON");
	bad("restrict=1", "Parameter 'restrict' expects 'on' or 'off': restrict=1");
	bad("restrict=", "Parameter 'restrict' expects 'on' or 'off': restrict=");
	bad("ipv4=2", "Parameter 'ipv4' expects 'on' or 'off': ipv4=2");

	ok("no-host-loopback");
	assert_int_equal(o.no_host_loopback, 1);
	ok("no-host-loopback=off");
	assert_int_equal(o.no_host_loopback, 0);
}

/* QEMU: one family named "on" alone turns the other off */
static void test_families(void **state)
{
	(void)state;
	ok("ipv4=on");
	assert_int_equal(o.ipv4, 1);
	assert_int_equal(o.ipv6, 0);
	ok("ipv6=on");
	assert_int_equal(o.ipv4, 0);
	assert_int_equal(o.ipv6, 1);
	ok("ipv4=on,ipv6=on");
	assert_int_equal(o.ipv4, 1);
	assert_int_equal(o.ipv6, 1);
	ok("ipv4=off");
	assert_int_equal(o.ipv4, 0);
	assert_int_equal(o.ipv6, 1);
	ok("ipv6=off");
	assert_int_equal(o.ipv4, 1);
	assert_int_equal(o.ipv6, 0);
	ok("ipv6=off,ipv4=on");
	assert_int_equal(o.ipv4, 1);
	assert_int_equal(o.ipv6, 0);
	ok("ipv4=off,ipv6-net=fd00::/64");
	assert_ip6(o.net6, "fd00::");

	bad("ipv4=off,ipv6=off", "IPv4 and IPv6 disabled");
	bad("ipv4=off,net=10.0.0.0/8",
	    "IPv4 disabled but netmask/host/dns provided");
	bad("ipv4=off,dns=10.0.2.3",
	    "IPv4 disabled but netmask/host/dns provided");
	bad("ipv4=off,host=10.0.2.2",
	    "IPv4 disabled but netmask/host/dns provided");
	bad("ipv6=on,ip=10.0.2.0",
	    "IPv4 disabled but netmask/host/dns provided");
	bad("ipv6=off,ipv6-host=fec0::2",
	    "IPv6 disabled but prefix/host6/dns6 provided");
	bad("ipv4=on,ipv6-dns=fec0::3",
	    "IPv6 disabled but prefix/host6/dns6 provided");
	bad("ipv6=off,ipv6-prefix=fd00::",
	    "IPv6 disabled but prefix/host6/dns6 provided");
	bad("ipv6=off,ipv6-net=fd00::/64",
	    "IPv6 disabled but prefix/host6/dns6 provided");
	/* ipv6-prefixlen alone is not "a prefix provided", as in QEMU */
	ok("ipv6=off,ipv6-prefixlen=48");
	assert_int_equal(o.ipv6, 0);
}

static void test_net(void **state)
{
	static const struct {
		const char *s;
		const char *net, *mask, *host, *dns, *dhcp;
	} good[] = {
		{ "net=10.1.0.0/24", "10.1.0.0", "255.255.255.0",
		  "10.1.0.2", "10.1.0.3", "10.1.0.15" },
		{ "net=10.1.0.77/24", "10.1.0.0", "255.255.255.0",
		  "10.1.0.2", "10.1.0.3", "10.1.0.15" },
		{ "net=192.168.76.0/255.255.255.0", "192.168.76.0",
		  "255.255.255.0", "192.168.76.2", "192.168.76.3",
		  "192.168.76.15" },
		/* QEMU ORs 0.0.2.2 into the network: a /8 gets 10.0.2.2 */
		{ "net=10.0.0.0/8", "10.0.0.0", "255.0.0.0",
		  "10.0.2.2", "10.0.2.3", "10.0.2.15" },
		{ "net=172.20.0.0/16", "172.20.0.0", "255.255.0.0",
		  "172.20.2.2", "172.20.2.3", "172.20.2.15" },
		{ "net=10.5.6.0/28", "10.5.6.0", "255.255.255.240",
		  "10.5.6.2", "10.5.6.3", "10.5.6.15" },
		{ "net=10.5.6.0/255.255.255.240", "10.5.6.0",
		  "255.255.255.240", "10.5.6.2", "10.5.6.3", "10.5.6.15" },
		/* no mask: QEMU's classful rules */
		{ "net=10.1.0.0", "10.0.0.0", "255.0.0.0",
		  "10.0.2.2", "10.0.2.3", "10.0.2.15" },
		{ "net=172.20.0.0", "172.16.0.0", "255.240.0.0",
		  "172.16.2.2", "172.16.2.3", "172.16.2.15" },
		{ "net=128.1.0.0", "128.1.0.0", "255.255.0.0",
		  "128.1.2.2", "128.1.2.3", "128.1.2.15" },
		{ "net=192.168.5.0", "192.168.0.0", "255.255.0.0",
		  "192.168.2.2", "192.168.2.3", "192.168.2.15" },
		{ "net=198.18.5.0", "198.18.0.0", "255.254.0.0",
		  "198.18.2.2", "198.18.2.3", "198.18.2.15" },
		{ "net=192.0.2.0", "192.0.2.0", "255.255.255.240",
		  "192.0.2.2", "192.0.2.3", "192.0.2.15" },
		{ "net=198.19.0.0", "198.19.0.0", "255.255.255.240",
		  "198.19.0.2", "198.19.0.3", "198.19.0.15" },
		{ "net=230.1.2.0", "230.1.2.0", "255.255.255.0",
		  "230.1.2.2", "230.1.2.3", "230.1.2.15" },
		/* the legacy ip=: a /24 */
		{ "ip=10.7.7.0", "10.7.7.0", "255.255.255.0",
		  "10.7.7.2", "10.7.7.3", "10.7.7.15" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(good); i++) {
		ok(good[i].s);
		assert_ip4(o.net, good[i].net);
		assert_ip4(o.mask, good[i].mask);
		assert_ip4(o.host, good[i].host);
		assert_ip4(o.dns, good[i].dns);
		assert_ip4(o.dhcpstart, good[i].dhcp);
	}

	bad("net=nonsense", "Failed to parse netmask: net=nonsense");
	bad("net=nonsense/24", "Failed to parse netmask: net=nonsense/24");
	bad("net=", "Failed to parse netmask: net=");
	bad("net=010.0.2.0/24", "Failed to parse netmask: net=010.0.2.0/24");
	bad("net=10.0.2/24", "Failed to parse netmask: net=10.0.2/24");
	bad("net=10.0.2.0.0/24", "Failed to parse netmask: net=10.0.2.0.0/24");
	bad("ip=nonsense", "Failed to parse netmask: ip=nonsense");
	bad("net=10.0.2.0/33",
	    "Invalid netmask provided (must be in range 4-32): net=10.0.2.0/33");
	bad("net=10.0.2.0/3",
	    "Invalid netmask provided (must be in range 4-32): net=10.0.2.0/3");
	bad("net=10.0.2.0/",
	    "Invalid netmask provided (must be in range 4-32): net=10.0.2.0/");
	bad("net=10.0.2.0/0.0.0.0",
	    "Invalid netmask provided (must be in range 4-32): net=10.0.2.0/0.0.0.0");
	bad("net=10.0.2.0/255.x",
	    "Failed to parse netmask (trailing chars): net=10.0.2.0/255.x");
	bad("net=10.0.2.0/24x",
	    "Failed to parse netmask (trailing chars): net=10.0.2.0/24x");
	bad("net=10.0.2.0/255.0.255.0",
	    "Invalid netmask provided (not contiguous): net=10.0.2.0/255.0.255.0");
	/* too small to hold host, DNS and the first DHCP address */
	bad("net=10.0.2.0/30",
	    "DHCP must be different from host and DNS: dhcpstart=10.0.2.3");
	bad("net=10.0.2.0/32",
	    "DNS must be different from host: dns=10.0.2.0 host=10.0.2.0");
}

/* Explicit values are kept, whatever their position; others derive */
static void test_derive(void **state)
{
	(void)state;
	ok("dhcpstart=10.1.0.15,net=10.1.0.0/24");
	assert_ip4(o.net, "10.1.0.0");
	assert_ip4(o.dhcpstart, "10.1.0.15");
	assert_ip4(o.host, "10.1.0.2");
	assert_ip4(o.dns, "10.1.0.3");

	ok("dhcpstart=10.1.0.100,host=10.1.0.1,net=10.1.0.0/24");
	assert_ip4(o.dhcpstart, "10.1.0.100");
	assert_ip4(o.host, "10.1.0.1");
	assert_ip4(o.dns, "10.1.0.3");

	ok("net=10.1.0.0/24,dns=10.1.0.53,host=10.1.0.254");
	assert_ip4(o.dns, "10.1.0.53");
	assert_ip4(o.host, "10.1.0.254");
	assert_ip4(o.dhcpstart, "10.1.0.15");

	ok("host=10.0.2.1");
	assert_ip4(o.host, "10.0.2.1");
	assert_ip4(o.dns, "10.0.2.3");

	/* dns= outside net= is QEMU's to allow, unless restrict=on */
	ok("dns=192.0.2.53");
	assert_ip4(o.dns, "192.0.2.53");

	/* the guest of an empty hostfwd address is the final dhcpstart */
	ok("hostfwd=tcp::2222-:22,dhcpstart=10.1.0.20,net=10.1.0.0/24");
	assert_ip4(o.dhcpstart, "10.1.0.20");
	assert_memory_equal(&o.fwd[0].guest, &(struct in6_addr){ 0 }, 0);
	{
		struct in6_addr g = mapped("10.1.0.20");

		assert_memory_equal(&o.fwd[0].guest, &g, 16);
		assert_int_equal(o.fwd[0].guest_any, 1);
	}

	bad("host=x", "Failed to parse host: host=x");
	bad("host=", "Failed to parse host: host=");
	bad("host=10.0.3.2",
	    "Host doesn't belong to network: host=10.0.3.2 net=10.0.2.0/24");
	bad("host=10.0.2.2,net=10.1.0.0/24",
	    "Host doesn't belong to network: host=10.0.2.2 net=10.1.0.0/24");
	bad("dns=x", "Failed to parse DNS: dns=x");
	bad("restrict=on,dns=10.0.3.3",
	    "DNS doesn't belong to network: dns=10.0.3.3 net=10.0.2.0/24");
	bad("dns=10.0.2.2",
	    "DNS must be different from host: dns=10.0.2.2 host=10.0.2.2");
	bad("host=10.0.2.3",
	    "DNS must be different from host: dns=10.0.2.3 host=10.0.2.3");
	bad("dhcpstart=x", "Failed to parse DHCP start address: dhcpstart=x");
	bad("dhcpstart=10.0.3.15",
	    "DHCP doesn't belong to network: dhcpstart=10.0.3.15 net=10.0.2.0/24");
	bad("dhcpstart=10.0.2.3",
	    "DHCP must be different from host and DNS: dhcpstart=10.0.2.3");
	bad("dhcpstart=10.0.2.2",
	    "DHCP must be different from host and DNS: dhcpstart=10.0.2.2");
	bad("net=10.1.0.0/24,dhcpstart=10.0.2.15",
	    "DHCP doesn't belong to network: dhcpstart=10.0.2.15 net=10.1.0.0/24");
}

static void test_ipv6(void **state)
{
	(void)state;
	ok("ipv6-net=fd00:1::/48");
	assert_ip6(o.net6, "fd00:1::");
	assert_int_equal(o.net6_len, 48);
	assert_ip6(o.host6, "fd00:1::2");
	assert_ip6(o.dns6, "fd00:1::3");

	ok("ipv6-net=fd00:2::");			/* no length: 64 */
	assert_int_equal(o.net6_len, 64);
	assert_ip6(o.host6, "fd00:2::2");

	ok("ipv6-net=fd00:3::1:2/64");			/* host bits cleared */
	assert_ip6(o.net6, "fd00:3::");
	assert_ip6(o.host6, "fd00:3::2");

	ok("ipv6-prefixlen=56,ipv6-prefix=fd00:4::");	/* QEMU's older keys */
	assert_ip6(o.net6, "fd00:4::");
	assert_int_equal(o.net6_len, 56);
	ok("ipv6-prefixlen=0");				/* QEMU: 0 is 64 */
	assert_int_equal(o.net6_len, 64);
	ok("ipv6-prefixlen=126");
	assert_int_equal(o.net6_len, 126);
	assert_ip6(o.host6, "fec0::2");
	assert_ip6(o.dns6, "fec0::3");

	ok("ipv6-host=fd00:5::1,ipv6-dns=fd00:5::53,ipv6-net=fd00:5::/64");
	assert_ip6(o.host6, "fd00:5::1");
	assert_ip6(o.dns6, "fd00:5::53");
	ok("ipv6-dns=2001:db8::53");			/* outside: allowed */
	assert_ip6(o.dns6, "2001:db8::53");

	bad("ipv6-prefix=x", "Failed to parse IPv6 prefix: ipv6-prefix=x");
	bad("ipv6-prefix=fd00::/64",
	    "Failed to parse IPv6 prefix: ipv6-prefix=fd00::/64");
	bad("ipv6-net=x/64", "Failed to parse IPv6 prefix: ipv6-net=x/64");
	bad("ipv6-net=/64", "Failed to parse IPv6 prefix: ipv6-net=/64");
	bad("ipv6-net=10.0.2.0/24",
	    "Failed to parse IPv6 prefix: ipv6-net=10.0.2.0/24");
	bad("ipv6-net=fec0::/x",
	    "Parameter 'ipv6-prefixlen' expects a number: ipv6-net=fec0::/x");
	bad("ipv6-net=fec0::/",
	    "Parameter 'ipv6-prefixlen' expects a number: ipv6-net=fec0::/");
	bad("ipv6-prefixlen=-1",
	    "Parameter 'ipv6-prefixlen' expects a number: ipv6-prefixlen=-1");
	bad("ipv6-prefixlen=127",
	    "Invalid IPv6 prefix provided (IPv6 prefix length must be between 0 and 126): ipv6-prefixlen=127");
	bad("ipv6-net=fec0::/200",
	    "Invalid IPv6 prefix provided (IPv6 prefix length must be between 0 and 126): ipv6-prefixlen=200");
	bad("ipv6-host=x", "Failed to parse IPv6 host: ipv6-host=x");
	bad("ipv6-host=10.0.2.2", "Failed to parse IPv6 host: ipv6-host=10.0.2.2");
	bad("ipv6-host=fec1::2",
	    "IPv6 Host doesn't belong to network: ipv6-host=fec1::2 ipv6-net=fec0::/64");
	bad("ipv6-dns=x", "Failed to parse IPv6 DNS: ipv6-dns=x");
	bad("restrict=on,ipv6-dns=fec1::3",
	    "IPv6 DNS doesn't belong to network: ipv6-dns=fec1::3 ipv6-net=fec0::/64");
	bad("ipv6-dns=fec0::2",
	    "IPv6 DNS must be different from IPv6 host: ipv6-dns=fec0::2");
}

static void test_strings(void **state)
{
	char s[600];

	(void)state;
	ok("hostname=guest1,domainname=example.com,tftp=/srv/tftp,"
	   "tftp-server-name=boot.example.com,bootfile=pxelinux.0");
	assert_string_equal(o.hostname, "guest1");
	assert_string_equal(o.domainname, "example.com");
	assert_string_equal(o.tftp, "/srv/tftp");
	assert_string_equal(o.tftp_server_name, "boot.example.com");
	assert_string_equal(o.bootfile, "pxelinux.0");

	bad("domainname=", "'domainname' parameter cannot be empty");

	/* 255 bytes fit; 256 do not, and are not cut */
	snprintf(s, sizeof(s), "hostname=%0255d", 0);
	ok(s);
	assert_int_equal(strlen(o.hostname), 255);
	snprintf(s, sizeof(s), "hostname=%0256d", 0);
	bad(s, "'hostname' parameter cannot exceed 255 bytes");
	snprintf(s, sizeof(s), "domainname=%0256d", 0);
	bad(s, "'domainname' parameter cannot exceed 255 bytes");
	snprintf(s, sizeof(s), "tftp-server-name=%0256d", 0);
	bad(s, "'tftp-server-name' parameter cannot exceed 255 bytes");
	snprintf(s, sizeof(s), "tftp=%0256d", 0);
	bad(s, "'tftp' parameter cannot exceed 255 bytes");
	snprintf(s, sizeof(s), "bootfile=%0256d", 0);
	bad(s, "'bootfile' parameter cannot exceed 255 bytes");

	bad("smb=/home/me",
	    "Parameter 'smb' is not supported by tapir user (it has no built-in SMB server)");
	bad("smbserver=10.0.2.4",
	    "Parameter 'smbserver' is not supported by tapir user (it has no built-in SMB server)");
}

static void test_dnssearch(void **state)
{
	char s[700];

	(void)state;
	ok("dnssearch=a.example,dnssearch=b.example.,dnssearch=lan");
	assert_int_equal(o.nsearch, 3);
	assert_string_equal(o.search[0], "a.example");
	assert_string_equal(o.search[1], "b.example");	/* final dot dropped */
	assert_string_equal(o.search[2], "lan");

	/* ",," glued the first two: "1,dnssearch=2.x" is one bad name */
	bad("dnssearch=1.x,,dnssearch=2.x",
	    "Invalid 'dnssearch' name (only letters, digits and '-' are allowed in a name): dnssearch=1.x,dnssearch=2.x");
	ok("dnssearch=a.x,dnssearch=b.x,dnssearch=c.x,dnssearch=d.x,"
	   "dnssearch=e.x,dnssearch=f.x,dnssearch=g.x,dnssearch=h.x");
	assert_int_equal(o.nsearch, OPTS_SEARCH_MAX);
	assert_string_equal(o.search[7], "h.x");
	bad("dnssearch=a.x,dnssearch=b.x,dnssearch=c.x,dnssearch=d.x,"
	    "dnssearch=e.x,dnssearch=f.x,dnssearch=g.x,dnssearch=h.x,"
	    "dnssearch=i.x", "Too many 'dnssearch' values (at most 8)");

	bad("dnssearch=",
	    "Invalid 'dnssearch' name (empty name or empty part between dots): dnssearch=");
	bad("dnssearch=.",
	    "Invalid 'dnssearch' name (empty name or empty part between dots): dnssearch=.");
	bad("dnssearch=a..b",
	    "Invalid 'dnssearch' name (empty name or empty part between dots): dnssearch=a..b");
	bad("dnssearch=-a.example",
	    "Invalid 'dnssearch' name (a name must not start or end with '-'): dnssearch=-a.example");
	bad("dnssearch=a b",
	    "Invalid 'dnssearch' name (only letters, digits and '-' are allowed in a name): dnssearch=a b");
	bad("dnssearch=10.0.0.1",
	    "Invalid 'dnssearch' name (the last part of a domain name must not be all digits): dnssearch=10.0.0.1");
	snprintf(s, sizeof(s), "dnssearch=%064d.example", 0);
	bad(s, "Invalid 'dnssearch' name (a name or a part of it between dots is longer than 63 characters): dnssearch=0000000000000000000000000000000000000000000000000000000000000000.example");
	snprintf(s, sizeof(s), "dnssearch=%063d.%063d.%063d.%063d", 0, 0, 0, 0);
	load(s);
	assert_string_equal(err, "Invalid 'dnssearch' name (a domain name is at most 253 characters long): dnssearch=000000000000000000000000000000000000000000000000000000000000000.00000000000000000000000000000000...");
}

static void test_numbers(void **state)
{
	(void)state;
	ok("mtu=65520,ipv6=off");
	assert_int_equal(o.mtu, 65520);
	ok("mtu=1280");
	assert_int_equal(o.mtu, 1280);
	ok("mtu=68,ipv6=off");
	assert_int_equal(o.mtu, 68);
	ok("max-flows=16");
	assert_int_equal(o.flows_max, 16);
	ok("max-flows=1048576");
	assert_int_equal(o.flows_max, 1048576);

	bad("mtu=67", "Parameter 'mtu' expects a number from 68 to 65520: mtu=67");
	bad("mtu=65521",
	    "Parameter 'mtu' expects a number from 68 to 65520: mtu=65521");
	bad("mtu=1500x",
	    "Parameter 'mtu' expects a number from 68 to 65520: mtu=1500x");
	bad("mtu=", "Parameter 'mtu' expects a number from 68 to 65520: mtu=");
	bad("mtu=-1500",
	    "Parameter 'mtu' expects a number from 68 to 65520: mtu=-1500");
	bad("mtu=99999999999999999999",
	    "Parameter 'mtu' expects a number from 68 to 65520: mtu=99999999999999999999");
	bad("mtu=576",
	    "Parameter 'mtu' is below IPv6's minimum of 1280 (add ipv6=off): mtu=576");
	bad("max-flows=15",
	    "Parameter 'max-flows' expects a number from 16 to 1048576: max-flows=15");
	bad("max-flows=1048577",
	    "Parameter 'max-flows' expects a number from 16 to 1048576: max-flows=1048577");
}

/**
 * struct fwd_case - a hostfwd= rule and what it must become after
 *		     opts_finish() with the default network
 */
struct fwd_case {
	const char *s;
	int udp;
	const char *host;	/* NULL: in6addr_any with host_any */
	uint16_t hport;
	const char *guest;
	int guest_any;
	uint16_t gport;
	const char *canon;	/* opts_fwd_format() */
};

static const struct fwd_case fwd_good[] = {
	{ "tcp::2222-:22", 0, NULL, 2222, "::ffff:10.0.2.15", 1, 22,
	  "tcp::2222-10.0.2.15:22" },
	{ "::2222-:22", 0, NULL, 2222, "::ffff:10.0.2.15", 1, 22,
	  "tcp::2222-10.0.2.15:22" },
	{ "udp::5353-:53", 1, NULL, 5353, "::ffff:10.0.2.15", 1, 53,
	  "udp::5353-10.0.2.15:53" },
	{ "tcp:127.0.0.1:8080-10.0.2.20:80", 0, "::ffff:127.0.0.1", 8080,
	  "::ffff:10.0.2.20", 0, 80, "tcp:127.0.0.1:8080-10.0.2.20:80" },
	{ "tcp:0.0.0.0:0-:65535", 0, "::ffff:0.0.0.0", 0,
	  "::ffff:10.0.2.15", 1, 65535, "tcp:0.0.0.0:0-10.0.2.15:65535" },
	{ "tcp:[::1]:2222-:22", 0, "::1", 2222, "::ffff:10.0.2.15", 1, 22,
	  "tcp:[::1]:2222-10.0.2.15:22" },
	{ "udp:[::]:65535-10.0.2.15:1", 1, "::", 65535,
	  "::ffff:10.0.2.15", 0, 1, "udp:[::]:65535-10.0.2.15:1" },
	{ "tcp::80-0.0.0.0:80", 0, NULL, 80, "::ffff:10.0.2.15", 1, 80,
	  "tcp::80-10.0.2.15:80" },
	{ "tcp:[2001:db8::1]:443-[fec0::15]:443", 0, "2001:db8::1", 443,
	  "fec0::15", 0, 443, "tcp:[2001:db8::1]:443-[fec0::15]:443" },
	{ "tcp::8080-[fec0::5:6]:80", 0, NULL, 8080, "fec0::5:6", 0, 80,
	  "tcp::8080-[fec0::5:6]:80" },
};

/* Check rule @f against @c. */
static void fwd_check(const struct opts_fwd *f, const struct fwd_case *c)
{
	char buf[128];

	assert_int_equal(f->udp, c->udp);
	if (c->host) {
		assert_int_equal(f->host_any, 0);
		assert_ip6(f->host, c->host);
	} else {
		assert_int_equal(f->host_any, 1);
		assert_ip6(f->host, "::");
	}
	assert_int_equal(f->host_port, c->hport);
	assert_ip6(f->guest, c->guest);
	assert_int_equal(f->guest_any, c->guest_any);
	assert_int_equal(f->guest_port, c->gport);
	assert_int_equal(opts_fwd_format(f, buf, sizeof(buf)),
			 (int)strlen(c->canon));
	assert_string_equal(buf, c->canon);
}

static void test_hostfwd(void **state)
{
	char s[256];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(fwd_good); i++) {
		snprintf(s, sizeof(s), "hostfwd=%s", fwd_good[i].s);
		ok(s);
		assert_int_equal(o.nfwd, 1);
		fwd_check(&o.fwd[0], &fwd_good[i]);
	}

	ok("hostfwd=tcp::1-:1,hostfwd=udp::1-:1,hostfwd=tcp:127.0.0.1:1-:2");
	assert_int_equal(o.nfwd, 3);
	assert_int_equal(o.fwd[1].udp, 1);
	assert_int_equal(o.fwd[2].guest_port, 2);
}

static void test_hostfwd_bad(void **state)
{
	static const struct {
		const char *rule, *why;
	} syntax[] = {
		{ "nocolon", "No : separators" },
		{ "", "No : separators" },
		{ "sctp::1-:2", "Bad protocol name" },
		{ "TCP::1-:2", "Bad protocol name" },
		{ "unix:/tmp/x-:22", "unix: host sockets are not supported" },
		{ "tcp:1", "Missing : separator" },
		{ "tcp:1-:2", "Bad host address" },
		{ "tcp:x:1-:2", "Bad host address" },
		{ "tcp:localhost:1-:2", "Bad host address" },
		{ "tcp:127.1:1-:2", "Bad host address" },
		{ "tcp:[::1:1-:2", "Bad host address" },
		{ "tcp:[x]:1-:2", "Bad host address" },
		{ "tcp:[]:1-:2", "Bad host address" },
		{ "tcp:[::1]1-:2", "Missing : separator" },
		{ "tcp::1:2", "Bad host port separator" },
		{ "tcp::x-:2", "Bad host port" },
		{ "tcp::-:2", "Bad host port" },
		{ "tcp::70000-:2", "Bad host port" },
		{ "tcp::65536-:2", "Bad host port" },
		{ "tcp::0x16-:2", "Bad host port" },
		{ "tcp::022-:2", "Bad host port" },
		{ "tcp::+22-:2", "Bad host port" },
		{ "tcp::1-2", "Missing guest address" },
		{ "tcp::1-[::1]2", "Missing guest address" },
		{ "tcp::1-x:2", "Bad guest address" },
		{ "tcp::1-[fec0::1:2", "Bad guest address" },
		{ "tcp::1-:0", "Bad guest port" },
		{ "tcp::1-:", "Bad guest port" },
		{ "tcp::1-:65536", "Bad guest port" },
		{ "tcp::1-:22x", "Bad guest port" },
		{ "tcp::1-:22-", "Bad guest port" },
	};
	char s[256], want[512];
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(syntax); i++) {
		snprintf(s, sizeof(s), "hostfwd=%s", syntax[i].rule);
		snprintf(want, sizeof(want),
			 "Invalid host forwarding rule '%s' (%s)",
			 syntax[i].rule, syntax[i].why);
		bad(s, want);
	}

	/* against the final network, in opts_finish() */
	bad("hostfwd=tcp::2222-10.0.3.15:22",
	    "Invalid host forwarding rule 'tcp::2222-10.0.3.15:22' (Guest address doesn't belong to network)");
	bad("net=10.1.0.0/24,hostfwd=tcp::2222-10.0.2.15:22",
	    "Invalid host forwarding rule 'tcp::2222-10.0.2.15:22' (Guest address doesn't belong to network)");
	bad("hostfwd=tcp::2222-[fd00::15]:22",
	    "Invalid host forwarding rule 'tcp::2222-[fd00::15]:22' (Guest address doesn't belong to IPv6 network)");
	bad("ipv6=off,hostfwd=tcp::2222-[fec0::15]:22",
	    "Invalid host forwarding rule 'tcp::2222-[fec0::15]:22' (IPv6 disabled)");
	bad("ipv4=off,hostfwd=tcp::2222-:22",
	    "Invalid host forwarding rule 'tcp::2222-:22' (IPv4 disabled: a guest address is needed)");
	bad("ipv4=off,hostfwd=tcp::2222-10.0.2.15:22",
	    "Invalid host forwarding rule 'tcp::2222-10.0.2.15:22' (IPv4 disabled)");
	bad("hostfwd=tcp::2222-:22,hostfwd=tcp::2222-10.0.2.16:22",
	    "Could not set up host forwarding rule 'tcp::2222-10.0.2.16:22' (its host address and port are taken by an earlier rule)");
	/* not duplicates: other protocol, other address, port 0 */
	ok("hostfwd=tcp::2222-:22,hostfwd=udp::2222-:22,"
	   "hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp::0-:1,hostfwd=tcp::0-:2");
	assert_int_equal(o.nfwd, 5);
	/* IPv4 off: a guest IPv6 address works */
	ok("ipv4=off,hostfwd=tcp::2222-[fec0::15]:22");
	assert_ip6(o.fwd[0].guest, "fec0::15");
}

static void test_fwd_format(void **state)
{
	struct opts_fwd f, g;
	char buf[128];
	size_t i;
	int n;

	(void)state;
	ok("");
	for (i = 0; i < ARRAY_SIZE(fwd_good); i++) {
		assert_int_equal(opts_fwd_parse(&f, fwd_good[i].s, &o, err,
						sizeof(err)), 0);
		fwd_check(&f, &fwd_good[i]);

		/* the canonical form parses back into the same rule */
		n = opts_fwd_format(&f, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(opts_fwd_parse(&g, buf, &o, err,
						sizeof(err)), 0);
		g.guest_any = f.guest_any;	/* now given explicitly */
		assert_memory_equal(&f, &g, sizeof(f));

		/* exact fit, and one byte short */
		assert_int_equal(opts_fwd_format(&f, buf, (size_t)n + 1), n);
		assert_int_equal(strlen(buf), (size_t)n);
		assert_int_equal(opts_fwd_format(&f, buf, (size_t)n),
				 -ENOSPC);
		assert_string_equal(buf, "");
	}
	assert_int_equal(opts_fwd_format(&f, buf, 0), -ENOSPC);

	/* syntax only: the guest address stays empty */
	assert_int_equal(opts_fwd_parse(&f, "udp:[::1]:53-:53", NULL, err,
					sizeof(err)), 0);
	assert_int_equal(f.guest_any, 1);
	assert_ip6(f.guest, "::");
	assert_int_equal(opts_fwd_format(&f, buf, sizeof(buf)), 16);
	assert_string_equal(buf, "udp:[::1]:53-:53");

	/* at run time, against other finished options */
	ok("net=192.168.7.0/24,dhcpstart=192.168.7.50");
	assert_int_equal(opts_fwd_parse(&f, "tcp::8022-:22", &o, err,
					sizeof(err)), 0);
	assert_ip6(f.guest, "::ffff:192.168.7.50");
	assert_int_equal(f.guest_any, 1);
	assert_int_equal(opts_fwd_parse(&f, "tcp::8022-10.0.2.15:22", &o, err,
					sizeof(err)), -EINVAL);
	assert_string_equal(err, "Invalid host forwarding rule 'tcp::8022-10.0.2.15:22' (Guest address doesn't belong to network)");
	memset(&g, 0x5a, sizeof(g));
	f = g;
	assert_int_equal(opts_fwd_parse(&f, "tcp::1-:0", &o, err,
					sizeof(err)), -EINVAL);
	assert_memory_equal(&f, &g, sizeof(f));	/* untouched on error */
	assert_string_equal(err, "Invalid host forwarding rule 'tcp::1-:0' (Bad guest port)");
	/* a NULL or empty error buffer is fine */
	assert_int_equal(opts_fwd_parse(&f, "x", &o, NULL, 0), -EINVAL);
	assert_int_equal(opts_fwd_parse(&f, "x", &o, err, 0), -EINVAL);
}

static void test_guestfwd(void **state)
{
	char s[600];

	(void)state;
	ok("guestfwd=tcp:10.0.2.100:1234-cmd:nc -q0 127.0.0.1 80");
	assert_int_equal(o.ngfwd, 1);
	assert_ip4(o.gfwd[0].addr, "10.0.2.100");
	assert_int_equal(o.gfwd[0].port, 1234);
	assert_string_equal(o.gfwd[0].cmd, "nc -q0 127.0.0.1 80");
	assert_string_equal(o.gfwd[0].target, "");

	ok("guestfwd=tcp:10.0.2.100:80-cmd:printf a,,b,,c,restrict=on");
	assert_string_equal(o.gfwd[0].cmd, "printf a,b,c");
	assert_int_equal(o.restrict_, 1);

	ok("guestfwd=:10.0.2.100:80-127.0.0.1:8080");
	assert_string_equal(o.gfwd[0].target, "127.0.0.1:8080");
	assert_string_equal(o.gfwd[0].cmd, "");
	ok("guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:8080");	/* chardev */
	assert_string_equal(o.gfwd[0].target, "127.0.0.1:8080");
	ok("guestfwd=tcp:10.0.2.100:80-[::1]:8080");
	assert_string_equal(o.gfwd[0].target, "[::1]:8080");
	ok("guestfwd=tcp:10.0.2.100:80-proxy.example.com:3128");
	assert_string_equal(o.gfwd[0].target, "proxy.example.com:3128");

	/* an empty server is libslirp's choice: .4 of the network */
	ok("guestfwd=tcp::80-cmd:cat,net=10.1.0.0/24");
	assert_ip4(o.gfwd[0].addr, "10.1.0.4");
	ok("guestfwd=tcp:10.0.2.100:80-cmd:cat,guestfwd=tcp:10.0.2.100:81-cmd:cat,"
	   "guestfwd=tcp:10.0.2.101:80-cmd:cat");
	assert_int_equal(o.ngfwd, 3);

	snprintf(s, sizeof(s), "guestfwd=tcp:10.0.2.100:80-cmd:%0255d", 0);
	ok(s);
	snprintf(s, sizeof(s), "guestfwd=tcp:10.0.2.100:80-cmd:%0256d", 0);
	load(s);
	assert_string_equal(err, "Invalid guest forwarding rule 'tcp:10.0.2.100:80-cmd:00000000000000000000000000000000000000000000000000000000000000000000000000...' (command longer than 255 bytes)");

	bad("guestfwd=udp:10.0.2.100:80-cmd:cat",
	    "Invalid guest forwarding rule 'udp:10.0.2.100:80-cmd:cat'");
	bad("guestfwd=tcp:x:80-cmd:cat",
	    "Invalid guest forwarding rule 'tcp:x:80-cmd:cat'");
	bad("guestfwd=tcp::0-cmd:cat",
	    "Invalid guest forwarding rule 'tcp::0-cmd:cat'");
	bad("guestfwd=tcp::8x-cmd:cat",
	    "Invalid guest forwarding rule 'tcp::8x-cmd:cat'");
	bad("guestfwd=tcp::80", "Invalid guest forwarding rule 'tcp::80'");
	bad("guestfwd=tcp", "Invalid guest forwarding rule 'tcp'");
	bad("guestfwd=tcp:10.0.2.100", "Invalid guest forwarding rule 'tcp:10.0.2.100'");
	bad("guestfwd=tcp:10.0.2.100:80-cmd:",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-cmd:' (empty command)");
	bad("guestfwd=tcp:10.0.2.100:80-file:/dev/null",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-file:/dev/null' (the target must be cmd:COMMAND or HOST:PORT)");
	bad("guestfwd=tcp:10.0.2.100:80-unix:/tmp/s",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-unix:/tmp/s' (the target must be cmd:COMMAND or HOST:PORT)");
	bad("guestfwd=tcp:10.0.2.100:80-127.0.0.1:0",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-127.0.0.1:0' (the target must be cmd:COMMAND or HOST:PORT)");
	bad("guestfwd=tcp:10.0.2.100:80-::1:80",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-::1:80' (the target must be cmd:COMMAND or HOST:PORT)");
	bad("guestfwd=tcp:10.0.2.100:80-tcp:127.0.0.1:80,,server=on",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-tcp:127.0.0.1:80,server=on' (the target must be cmd:COMMAND or HOST:PORT)");

	/* libslirp's checks, against the final network */
	bad("guestfwd=tcp:10.0.3.100:80-cmd:cat",
	    "Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.3.100:80-cmd:cat'");
	bad("guestfwd=tcp:10.0.2.2:80-cmd:cat",
	    "Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.2.2:80-cmd:cat'");
	bad("guestfwd=tcp:10.0.2.3:80-cmd:cat",
	    "Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.2.3:80-cmd:cat'");
	bad("guestfwd=tcp:10.0.2.100:80-cmd:cat,guestfwd=tcp:10.0.2.100:80-1.2.3.4:80",
	    "Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.2.100:80-1.2.3.4:80'");
	bad("guestfwd=tcp::80-cmd:cat,dns=10.0.2.4",
	    "Conflicting/invalid host:port in guest forwarding rule 'tcp:10.0.2.4:80-cmd:cat'");
	bad("ipv4=off,guestfwd=tcp:10.0.2.100:80-cmd:cat",
	    "Invalid guest forwarding rule 'tcp:10.0.2.100:80-cmd:cat' (IPv4 disabled)");
}

static void test_limits(void **state)
{
	char s[8192];
	size_t n = 0;
	unsigned int i;

	(void)state;
	for (i = 0; i < OPTS_FWD_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n,
				      "hostfwd=tcp::%u-:22,", 1000 + i);
	ok(s);
	assert_int_equal(o.nfwd, OPTS_FWD_MAX);
	assert_int_equal(o.fwd[OPTS_FWD_MAX - 1].host_port,
			 1000 + OPTS_FWD_MAX - 1);
	snprintf(s + n, sizeof(s) - n, "hostfwd=tcp::1-:22");
	bad(s, "Too many host forwarding rules (at most 64)");

	n = 0;
	for (i = 0; i < OPTS_GUESTFWD_MAX; i++)
		n += (size_t)snprintf(s + n, sizeof(s) - n,
				      "guestfwd=tcp:10.0.2.100:%u-cmd:cat,",
				      1000 + i);
	ok(s);
	assert_int_equal(o.ngfwd, OPTS_GUESTFWD_MAX);
	snprintf(s + n, sizeof(s) - n, "guestfwd=tcp:10.0.2.100:1-cmd:cat");
	bad(s, "Too many guest forwarding rules (at most 16)");
}

/* opts_set(): the long options, values taken literally */
static void test_set(void **state)
{
	(void)state;
	opts_defaults(&o);
	assert_int_equal(opts_set(&o, "hostname", "a,,b", err, sizeof(err)), 0);
	assert_string_equal(o.hostname, "a,,b");
	assert_int_equal(opts_set(&o, "no-host-loopback", NULL, err,
				  sizeof(err)), 0);
	assert_int_equal(o.no_host_loopback, 1);
	assert_int_equal(opts_set(&o, "restrict", NULL, err, sizeof(err)), 0);
	assert_int_equal(o.restrict_, 1);
	assert_int_equal(opts_set(&o, "max-flows", "100", err, sizeof(err)), 0);
	assert_int_equal(o.flows_max, 100);
	assert_int_equal(opts_set(&o, "hostfwd", "tcp::2222-:22", err,
				  sizeof(err)), 0);
	assert_int_equal(opts_set(&o, "net", "10.3.0.0/16", err, sizeof(err)),
			 0);
	assert_int_equal(opts_set(&o, "net", NULL, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "Parameter 'net' expects a value");
	assert_int_equal(opts_set(&o, "nope", "1", err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "Invalid parameter 'nope'");
	assert_int_equal(opts_set(&o, "guestfwd", "tcp:10.3.0.9:1-cmd:a,b",
				  err, sizeof(err)), 0);
	assert_string_equal(o.gfwd[0].cmd, "a,b");

	assert_int_equal(opts_finish(&o, err, sizeof(err)), 0);
	assert_ip4(o.host, "10.3.2.2");
	assert_ip6(o.fwd[0].guest, "::ffff:10.3.2.15");
}

/* Several strings add up; opts_finish() a second time changes nothing */
static void test_accumulate(void **state)
{
	struct user_opts *copy = malloc(sizeof(*copy));

	(void)state;
	assert_non_null(copy);
	opts_defaults(&o);
	assert_int_equal(opts_parse(&o, "hostfwd=tcp::2222-:22,dhcpstart=10.4.0.9",
				    err, sizeof(err)), 0);
	assert_int_equal(opts_parse(&o, "net=10.4.0.0/24,hostfwd=udp::53-:53,"
				    "guestfwd=tcp::1-cmd:cat,ipv6-net=fd00:4::/64",
				    err, sizeof(err)), 0);
	assert_int_equal(opts_finish(&o, err, sizeof(err)), 0);
	assert_int_equal(o.nfwd, 2);
	assert_ip6(o.fwd[0].guest, "::ffff:10.4.0.9");
	assert_ip6(o.fwd[1].guest, "::ffff:10.4.0.9");
	assert_ip4(o.gfwd[0].addr, "10.4.0.4");
	memcpy(copy, &o, sizeof(o));
	assert_int_equal(opts_finish(&o, err, sizeof(err)), 0);
	assert_memory_equal(copy, &o, sizeof(o));

	/* a bad item stops the parse with a message; err may be NULL */
	assert_int_equal(opts_parse(&o, "mtu=9000,bogus=1", NULL, 0), -EINVAL);
	assert_int_equal(o.mtu, 9000);
	free(copy);
}

/* The examples of tapir-user(1) mean what the page says */
static void test_manpage_examples(void **state)
{
	(void)state;
	opts_defaults(&o);
	assert_int_equal(opts_parse(&o, "user,id=n0,net=192.168.76.0/24,"
				    "dhcpstart=192.168.76.9", err,
				    sizeof(err)), 0);
	assert_int_equal(opts_parse(&o, "dnssearch=lab.example,"
				    "hostfwd=tcp:[::1]:8080-:80", err,
				    sizeof(err)), 0);
	assert_int_equal(opts_parse(&o, "guestfwd=tcp:192.168.76.100:25-cmd:"
				    "socat - TCP:mail.example:25,,connect-timeout=5",
				    err, sizeof(err)), 0);
	assert_int_equal(opts_finish(&o, err, sizeof(err)), 0);
	assert_ip4(o.host, "192.168.76.2");
	assert_ip6(o.fwd[0].host, "::1");
	assert_ip6(o.fwd[0].guest, "::ffff:192.168.76.9");
	assert_string_equal(o.search[0], "lab.example");
	assert_string_equal(o.gfwd[0].cmd,
			    "socat - TCP:mail.example:25,connect-timeout=5");

	ok("restrict=on,hostfwd=tcp:127.0.0.1:8443-:443");
	assert_int_equal(o.restrict_, 1);
	ok("hostfwd=tcp::2222-:22");
	bad("dhcpstart=10.0.2.3",
	    "DHCP must be different from host and DNS: dhcpstart=10.0.2.3");
	bad("hostfwd=tcp::70000-:22",
	    "Invalid host forwarding rule 'tcp::70000-:22' (Bad host port)");
	bad("host=10.0.3.2",
	    "Host doesn't belong to network: host=10.0.3.2 net=10.0.2.0/24");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_syntax),
		cmocka_unit_test(test_bool),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_derive),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_dnssearch),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_hostfwd),
		cmocka_unit_test(test_hostfwd_bad),
		cmocka_unit_test(test_fwd_format),
		cmocka_unit_test(test_guestfwd),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_accumulate),
		cmocka_unit_test(test_manpage_examples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
