// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_sysctl.c - tests of lib/sysctl.c
 *
 * Key checking needs nothing.  Reading and writing real values needs root:
 * the test process moves itself into a new network namespace first, so the
 * values it changes (net.ipv4.ip_forward, per-interface ones) are that
 * namespace's alone and vanish with it.
 */
#include <errno.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "sysctl.h"

static int in_netns;

static int setup(void **state)
{
	(void)state;
	in_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	return 0;
}

static void test_bad_keys(void **state)
{
	static const char *const bad[] = {
		"", ".", "..", "net..ipv4", "net/../kernel/hostname",
		"net/ipv4/", "/net/ipv4/ip_forward", "net/./ipv4",
		"net.ipv4.ip forward", "net.ipv4.ip_forward\n", "net/a//b",
		"net/ipv4/conf/../../../kernel",
	};
	char buf[64];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(sysctl_read(bad[i], buf, sizeof(buf)),
				 -EINVAL);
		assert_int_equal(sysctl_write(bad[i], "1"), -EINVAL);
	}
}

static void test_if_key(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(sysctl_if_key(buf, sizeof(buf), "ipv4", "eth0.100",
				       "forwarding"), 0);
	assert_string_equal(buf, "net/ipv4/conf/eth0.100/forwarding");
	assert_int_equal(sysctl_if_key(buf, sizeof(buf), "ipv6", "br0",
				       "disable_ipv6"), 0);
	assert_string_equal(buf, "net/ipv6/conf/br0/disable_ipv6");
	assert_int_equal(sysctl_if_key(buf, sizeof(buf), "ipx", "br0", "x"),
			 -EINVAL);
	assert_int_equal(sysctl_if_key(buf, sizeof(buf), "ipv4", "../x", "x"),
			 -EINVAL);
	assert_int_equal(sysctl_if_key(buf, sizeof(buf), "ipv4", "br0", ".."),
			 -EINVAL);
	assert_int_equal(sysctl_if_key(buf, sizeof(buf), "ipv4", "br0",
				       "a/b"), -EINVAL);
	assert_int_equal(sysctl_if_key(buf, 10, "ipv4", "br0", "forwarding"),
			 -ENAMETOOLONG);
}

/* @key reads as the integer @want. */
static void assert_value(const char *key, long want)
{
	long v = -1;

	assert_int_equal(sysctl_read_int(key, &v), 0);
	assert_int_equal(v, want);
}

static void test_ip_forward(void **state)
{
	char buf[8];
	long v;

	(void)state;
	if (!in_netns)
		skip();
	/* a new namespace starts with forwarding off */
	assert_value("net.ipv4.ip_forward", 0);
	assert_int_equal(sysctl_write_int("net.ipv4.ip_forward", 1), 0);
	assert_int_equal(sysctl_read("net/ipv4/ip_forward", buf, sizeof(buf)),
			 0);
	assert_string_equal(buf, "1");
	/* which turns it on for every interface, lo included */
	assert_value("net/ipv4/conf/lo/forwarding", 1);
	assert_int_equal(sysctl_write("net.ipv4.ip_forward", "0"), 0);
	assert_value("net.ipv4.ip_forward", 0);

	/* the kernel's refusals come back as -errno */
	assert_int_equal(sysctl_write("net.ipv4.ip_forward", "abc"), -EINVAL);
	assert_int_equal(sysctl_read("net.ipv4.no_such_key", buf, sizeof(buf)),
			 -ENOENT);
	assert_int_equal(sysctl_write("net.ipv4.no_such_key", "1"), -ENOENT);
	/* a value that does not fit */
	assert_int_equal(sysctl_read("net.ipv4.ip_local_port_range", buf, 4),
			 -EOVERFLOW);
	assert_int_equal(sysctl_read_int("net.ipv4.ip_local_port_range", &v),
			 -EINVAL);
}

static void test_per_interface(void **state)
{
	char key[64];
	long v;

	(void)state;
	if (!in_netns)
		skip();
	assert_int_equal(sysctl_if_key(key, sizeof(key), "ipv6", "lo",
				       "disable_ipv6"), 0);
	assert_int_equal(sysctl_write_int(key, 1), 0);
	assert_value(key, 1);
	assert_int_equal(sysctl_write_int(key, 0), 0);
	assert_value(key, 0);
	assert_int_equal(sysctl_if_key(key, sizeof(key), "ipv4", "nosuch0",
				       "forwarding"), 0);
	assert_int_equal(sysctl_read_int(key, &v), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_if_key),
		cmocka_unit_test(test_ip_forward),
		cmocka_unit_test(test_per_interface),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
