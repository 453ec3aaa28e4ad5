// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_inet.c - unit tests of address utilities (lib/inet.c) and of the
 *		 automatic subnet choice (lib/subnet.c)
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

#include "inet.h"
#include "subnet.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void test_addr_parse(void **state)
{
	static const struct {
		const char *s;
		uint32_t a;
	} ok[] = {
		{ "0.0.0.0", 0 }, { "10.0.0.1", 0x0a000001 },
		{ "255.255.255.255", 0xffffffff }, { "192.168.122.1", 0xc0a87a01 },
		{ "1.20.100.0", 0x01146400 },
	};
	static const char *const bad[] = {
		"", "1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3",
		"256.0.0.1", "1.2.3.256", "1.2.3.1000", "010.0.0.1", "1.2.3.04",
		"00.0.0.0", "0x1.2.3.4", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4/24",
		"+1.2.3.4", "-1.2.3.4", "1.2.3.a", "one.two.three.four",
		"1,2,3,4", "4294967295",
	};
	const char *why;
	uint32_t a;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		a = 0x12345678;
		if (inet_addr_parse(ok[i].s, &a, &why))
			fail_msg("'%s' refused: %s", ok[i].s, why);
		assert_int_equal(a, ok[i].a);
		assert_null(why);
	}
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		a = 0x12345678;
		why = NULL;
		if (!inet_addr_parse(bad[i], &a, &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
		assert_int_equal(a, 0x12345678);
	}
	assert_int_equal(inet_addr_parse("010.0.0.1", &a, NULL), -EINVAL);
	inet_addr_parse("010.0.0.1", &a, &why);
	assert_non_null(strstr(why, "leading zero"));
	inet_addr_parse("1.2.3.300", &a, &why);
	assert_string_equal(why, "a number is larger than 255");
}

/* Every address formats as inet_ntop() does and parses back */
static void test_addr_roundtrip(void **state)
{
	char buf[INET_ADDR_STRLEN], ref[INET_ADDRSTRLEN];
	uint32_t a, back, x = 1;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		struct in_addr in;

		x = x * 1103515245u + 12345u;
		a = i < 4 ? (uint32_t[]){ 0, 0xffffffff, 0x01010101,
					  0x0a000001 }[i] : x;
		in.s_addr = htonl(a);
		assert_non_null(inet_ntop(AF_INET, &in, ref, sizeof(ref)));
		assert_string_equal(inet_addr_fmt(a, buf, sizeof(buf)), ref);
		assert_int_equal(inet_addr_parse(buf, &back, NULL), 0);
		assert_int_equal(back, a);
	}
	/* a short buffer is cut, not overrun */
	assert_string_equal(inet_addr_fmt(0xffffffff, buf, 8), "255.255");
}

static void test_prefix(void **state)
{
	static const char *const bad[] = {
		"10.0.0.1", "10.0.0.1/", "10.0.0.1/33", "10.0.0.1/024",
		"10.0.0.1/-1", "10.0.0.1/ 24", "10.0.0.1/24 ", "10.0.0.1/24/1",
		"10.0.0/24", "/24", "10.0.0.1/100", "10.0.0.1/2a",
	};
	char buf[INET_PREFIX_STRLEN];
	struct inet_prefix p;
	const char *why;
	size_t i;

	(void)state;
	assert_int_equal(inet_prefix_parse("10.1.2.3/24", &p, &why), 0);
	assert_int_equal(p.addr, 0x0a010203);
	assert_int_equal(p.len, 24);
	assert_string_equal(inet_prefix_fmt(&p, buf, sizeof(buf)),
			    "10.1.2.3/24");
	assert_int_equal(inet_prefix_parse("0.0.0.0/0", &p, NULL), 0);
	assert_int_equal(p.len, 0);
	assert_int_equal(inet_prefix_parse("255.255.255.255/32", &p, NULL), 0);
	assert_string_equal(inet_prefix_fmt(&p, buf, sizeof(buf)),
			    "255.255.255.255/32");
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		why = NULL;
		if (!inet_prefix_parse(bad[i], &p, &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
	}
	inet_prefix_parse("10.0.0.1", &p, &why);
	assert_string_equal(why, "missing /LENGTH after the address");
	inet_prefix_parse("010.0.0.1/8", &p, &why);
	assert_non_null(strstr(why, "leading zero"));
}

static void test_subnet_math(void **state)
{
	struct inet_prefix p = { 0x0a0102c8, 24 };	/* 10.1.2.200/24 */

	(void)state;
	assert_int_equal(inet_mask(0), 0);
	assert_int_equal(inet_mask(1), 0x80000000);
	assert_int_equal(inet_mask(8), 0xff000000);
	assert_int_equal(inet_mask(24), 0xffffff00);
	assert_int_equal(inet_mask(31), 0xfffffffe);
	assert_int_equal(inet_mask(32), 0xffffffff);
	assert_int_equal(inet_mask(40), 0xffffffff);

	assert_int_equal(inet_prefix_network(&p), 0x0a010200);
	assert_int_equal(inet_prefix_broadcast(&p), 0x0a0102ff);
	assert_int_equal(inet_prefix_first(&p), 0x0a010201);
	assert_int_equal(inet_prefix_last(&p), 0x0a0102fe);
	assert_true(inet_prefix_contains(&p, 0x0a010200));
	assert_true(inet_prefix_contains(&p, 0x0a0102ff));
	assert_false(inet_prefix_contains(&p, 0x0a010300));
	assert_false(inet_prefix_contains(&p, 0x0a0101ff));
	assert_false(inet_prefix_is_host(&p, 0x0a010200));
	assert_false(inet_prefix_is_host(&p, 0x0a0102ff));
	assert_true(inet_prefix_is_host(&p, 0x0a010201));
	assert_true(inet_prefix_is_host(&p, 0x0a0102fe));
	assert_false(inet_prefix_is_host(&p, 0x0a010301));

	/* /30: two usable addresses */
	p = (struct inet_prefix){ 0xc0000206, 30 };	/* 192.0.2.6/30 */
	assert_int_equal(inet_prefix_network(&p), 0xc0000204);
	assert_int_equal(inet_prefix_first(&p), 0xc0000205);
	assert_int_equal(inet_prefix_last(&p), 0xc0000206);
	assert_int_equal(inet_prefix_broadcast(&p), 0xc0000207);
	/* /31 (RFC 3021) and /32: every address is usable */
	p.len = 31;
	assert_int_equal(inet_prefix_first(&p), 0xc0000206);
	assert_int_equal(inet_prefix_last(&p), 0xc0000207);
	assert_true(inet_prefix_is_host(&p, 0xc0000206));
	assert_true(inet_prefix_is_host(&p, 0xc0000207));
	p.len = 32;
	assert_int_equal(inet_prefix_first(&p), 0xc0000206);
	assert_int_equal(inet_prefix_last(&p), 0xc0000206);
	assert_false(inet_prefix_contains(&p, 0xc0000207));
	/* /0 covers everything */
	p.len = 0;
	assert_int_equal(inet_prefix_network(&p), 0);
	assert_int_equal(inet_prefix_broadcast(&p), 0xffffffff);
	assert_true(inet_prefix_contains(&p, 0x7f000001));
	/* /8 */
	p = (struct inet_prefix){ 0x0b050607, 8 };
	assert_int_equal(inet_prefix_network(&p), 0x0b000000);
	assert_int_equal(inet_prefix_last(&p), 0x0bfffffe);
}

static void test_overlap(void **state)
{
	static const struct {
		const char *a, *b;
		int overlap;
	} cases[] = {
		{ "10.0.0.1/24", "10.0.0.200/24", 1 },
		{ "10.0.0.0/24", "10.0.1.0/24", 0 },
		{ "10.0.0.0/16", "10.0.5.1/24", 1 },
		{ "10.0.5.1/24", "10.0.0.0/16", 1 },
		{ "10.0.0.0/8", "11.0.0.0/8", 0 },
		{ "10.0.0.0/23", "10.0.1.0/24", 1 },
		{ "10.0.2.0/23", "10.0.1.0/24", 0 },
		{ "0.0.0.0/0", "192.168.1.0/24", 1 },
		{ "10.200.3.7/32", "10.200.3.0/24", 1 },
		{ "10.200.4.0/32", "10.200.3.0/24", 0 },
		{ "10.0.0.0/31", "10.0.0.1/32", 1 },
		{ "10.0.0.2/31", "10.0.0.1/32", 0 },
	};
	struct inet_prefix a, b;
	size_t i;

	(void)state;
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(inet_prefix_parse(cases[i].a, &a, NULL), 0);
		assert_int_equal(inet_prefix_parse(cases[i].b, &b, NULL), 0);
		if (inet_prefix_overlap(&a, &b) != cases[i].overlap ||
		    inet_prefix_overlap(&b, &a) != cases[i].overlap)
			fail_msg("%s and %s: expected overlap %d", cases[i].a,
				 cases[i].b, cases[i].overlap);
	}
}

static void test_mac(void **state)
{
	static const char *const bad[] = {
		"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52:54:00:12:34:5",
		"52:54:00:12:34:567", "52:54:00-12:34:56", "52.54.00.12.34.56",
		"525400123456", "52:54:00:12:34:5g", "52::54:00:12:34:56",
		"5:54:00:12:34:56", "52:54:00:12:34:56 ", " 52:54:00:12:34:56",
		"52 54 00 12 34 56", "5254.0012.3456", "52-54-00-12-34:56",
		"a", "ab",
	};
	struct inet_mac m, fixed = { { 1, 2, 3, 4, 5, 6 } };
	char buf[INET_MAC_STRLEN];
	const char *why;
	size_t i;

	(void)state;
	assert_int_equal(inet_mac_parse("52:54:00:AB:cd:Ef", &m, &why), 0);
	assert_null(why);
	assert_string_equal(inet_mac_fmt(&m, buf, sizeof(buf)),
			    "52:54:00:ab:cd:ef");
	assert_int_equal(inet_mac_parse("52-54-00-ab-CD-ef", &m, NULL), 0);
	assert_string_equal(inet_mac_fmt(&m, buf, sizeof(buf)),
			    "52:54:00:ab:cd:ef");
	assert_int_equal(m.b[0], 0x52);
	assert_int_equal(m.b[5], 0xef);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		m = fixed;
		why = NULL;
		if (!inet_mac_parse(bad[i], &m, &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
		assert_memory_equal(&m, &fixed, sizeof(m));
	}

	assert_int_equal(inet_mac_parse("52:54:00:00:00:01", &m, NULL), 0);
	assert_true(inet_mac_is_unicast(&m));
	assert_int_equal(inet_mac_parse("02:00:00:00:00:00", &m, NULL), 0);
	assert_true(inet_mac_is_unicast(&m));
	assert_int_equal(inet_mac_parse("01:00:5e:00:00:01", &m, NULL), 0);
	assert_false(inet_mac_is_unicast(&m));
	assert_int_equal(inet_mac_parse("33:33:00:00:00:01", &m, NULL), 0);
	assert_false(inet_mac_is_unicast(&m));
	assert_int_equal(inet_mac_parse("ff:ff:ff:ff:ff:ff", &m, NULL), 0);
	assert_false(inet_mac_is_unicast(&m));
	assert_int_equal(inet_mac_parse("00:00:00:00:00:00", &m, NULL), 0);
	assert_false(inet_mac_is_unicast(&m));
}

/* Every name of @ok passes @check, every one of @bad fails with a reason */
static void check_names(int (*check)(const char *, const char **),
			const char *const *ok, size_t nok,
			const char *const *bad, size_t nbad)
{
	const char *why;
	size_t i;

	for (i = 0; i < nok; i++)
		if (check(ok[i], &why))
			fail_msg("'%s' refused: %s", ok[i], why);
	for (i = 0; i < nbad; i++) {
		why = NULL;
		if (!check(bad[i], &why))
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
	}
}

static void test_label(void **state)
{
	static const char *const ok[] = {
		"a", "web", "Web-1", "0", "123", "a-b-c", "xn--bcher-kva",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123",
	};
	static const char *const bad[] = {
		"", "-a", "a-", "a_b", "a.b", "a b", "a\n", "é", "a*",
		"abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij1234",
	};
	const char *why;

	(void)state;
	check_names(inet_label_check, ok, ARRAY_SIZE(ok), bad,
		    ARRAY_SIZE(bad));
	inet_label_check("a.b", &why);
	assert_string_equal(why, "a host name is one label, with no dots");
}

static void test_domain(void **state)
{
	static const char *const ok[] = {
		"internal", "lab.internal", "a.b.c.d.e", "Example.COM",
		"1.2.3.a", "x-1.example", "123.example.org",
	};
	static const char *const bad[] = {
		"", ".", "lab.", ".lab", "lab..internal", "lab.123",
		"1.2.3.4", "lab_1.internal", "-lab.internal", "lab-.internal",
		"lab internal", "lab.internal\n",
	};
	char name[300];
	const char *why;

	(void)state;
	check_names(inet_domain_check, ok, ARRAY_SIZE(ok), bad,
		    ARRAY_SIZE(bad));
	inet_domain_check("lab.123", &why);
	assert_string_equal(why, "the last part of a domain name must not be "
				 "all digits");

	/* 253 bytes is the most: four labels of 63 joined by dots is 255 */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = '.';
	name[253] = '\0';
	assert_int_equal(inet_domain_check(name, NULL), 0);
	name[253] = 'a';
	name[254] = '\0';
	assert_int_equal(inet_domain_check(name, &why), -EINVAL);
	assert_string_equal(why, "a domain name is at most 253 characters "
				 "long");
	/* a label of 64 inside a domain */
	memset(name, 'b', 64);
	snprintf(name + 64, 10, ".example");
	assert_int_equal(inet_domain_check(name, NULL), -EINVAL);
}

static struct inet_prefix pfx(const char *s)
{
	struct inet_prefix p;

	assert_int_equal(inet_prefix_parse(s, &p, NULL), 0);
	return p;
}

static void expect_pick(const struct inet_prefix *use, size_t n,
			const struct inet_prefix *taken, size_t m,
			const char *want)
{
	char buf[INET_PREFIX_STRLEN];
	struct inet_prefix out = { 0, 0 };

	assert_int_equal(subnet_pick(subnet_pools, subnet_npools, use, n,
				     taken, m, &out), 0);
	assert_string_equal(inet_prefix_fmt(&out, buf, sizeof(buf)), want);
}

static void test_subnet_pick(void **state)
{
	struct inet_prefix use[8], taken[2], out;

	(void)state;
	/* nothing in use */
	expect_pick(NULL, 0, NULL, 0, "10.200.0.0/24");
	/* the host's own address (with its prefix) takes its subnet */
	use[0] = pfx("10.200.0.77/24");
	expect_pick(use, 1, NULL, 0, "10.200.1.0/24");
	/* a host route takes the one subnet it falls in */
	use[0] = pfx("10.200.0.1/32");
	use[1] = pfx("10.200.1.255/32");
	expect_pick(use, 2, NULL, 0, "10.200.2.0/24");
	/* a wider route takes several */
	use[0] = pfx("10.200.0.0/22");
	expect_pick(use, 1, NULL, 0, "10.200.4.0/24");
	/* another network of tapir.conf */
	taken[0] = pfx("10.200.4.1/24");
	expect_pick(use, 1, taken, 1, "10.200.5.0/24");
	/* a VPN routing all of 10.0.0.0/8: the second block */
	use[0] = pfx("10.0.0.0/8");
	expect_pick(use, 1, NULL, 0, "172.29.0.0/24");
	/* a default route passed by mistake is ignored */
	use[1] = pfx("0.0.0.0/0");
	expect_pick(use, 2, NULL, 0, "172.29.0.0/24");
	/* the third block, up to its last subnet */
	use[1] = pfx("172.16.0.0/12");
	use[2] = pfx("192.168.200.0/22");
	use[3] = pfx("192.168.204.0/23");
	use[4] = pfx("192.168.206.1/24");
	expect_pick(use, 5, NULL, 0, "192.168.207.0/24");
	/* everything taken */
	taken[0] = pfx("192.168.207.9/32");
	assert_int_equal(subnet_pick(subnet_pools, subnet_npools, use, 5,
				     taken, 1, &out), -EADDRNOTAVAIL);
	use[0] = pfx("0.0.0.0/1");
	use[1] = pfx("128.0.0.0/1");
	assert_int_equal(subnet_pick(subnet_pools, subnet_npools, use, 2,
				     NULL, 0, &out), -EADDRNOTAVAIL);
	/* the same inputs give the same answer */
	use[0] = pfx("10.200.0.5/24");
	expect_pick(use, 1, NULL, 0, "10.200.1.0/24");
	expect_pick(use, 1, NULL, 0, "10.200.1.0/24");
}

static void test_subnet_pools(void **state)
{
	static const struct subnet_pool mine[] = {
		{ { 0xc0000200, 24 }, 28 },	/* 192.0.2.0/24 in /28s */
		{ { 0xc0000200, 24 }, 20 },	/* unfit: longer block */
	};
	struct inet_prefix use[2], out;
	char buf[INET_PREFIX_STRLEN];
	size_t i, total = 0;

	(void)state;
	/* the documented list: 256 + 256 + 8 /24s, all in RFC 1918 space */
	for (i = 0; i < subnet_npools; i++) {
		assert_int_equal(subnet_pools[i].len, 24);
		total += (size_t)1 << (24 - subnet_pools[i].block.len);
	}
	assert_int_equal(total, 520);
	assert_string_equal(inet_prefix_fmt(&subnet_pools[0].block, buf,
					    sizeof(buf)), "10.200.0.0/16");
	assert_string_equal(inet_prefix_fmt(&subnet_pools[1].block, buf,
					    sizeof(buf)), "172.29.0.0/16");
	assert_string_equal(inet_prefix_fmt(&subnet_pools[2].block, buf,
					    sizeof(buf)), "192.168.200.0/21");

	/* another list, carved into /28s */
	use[0] = pfx("192.0.2.1/28");
	use[1] = pfx("192.0.2.17/32");
	assert_int_equal(subnet_pick(mine, 2, use, 2, NULL, 0, &out), 0);
	assert_string_equal(inet_prefix_fmt(&out, buf, sizeof(buf)),
			    "192.0.2.32/28");
	use[0] = pfx("192.0.2.0/24");
	assert_int_equal(subnet_pick(mine, 2, use, 1, NULL, 0, &out),
			 -EADDRNOTAVAIL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addr_parse),
		cmocka_unit_test(test_addr_roundtrip),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_subnet_math),
		cmocka_unit_test(test_overlap),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_label),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_subnet_pick),
		cmocka_unit_test(test_subnet_pools),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
