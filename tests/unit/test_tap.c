// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_tap.c - tests of tap creation (lib/tap.c) in a private network
 * namespace
 *
 * Needs root (CAP_NET_ADMIN and a readable /dev/net/tun); skipped
 * otherwise.  The test process moves itself into a new network namespace
 * first, so nothing it creates is visible anywhere else, and everything
 * disappears with the process.
 */

#include <errno.h>
#include <fcntl.h>
#include <regex.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/if_tun.h>
#include <cmocka.h>

#include "tap.h"

static int in_netns;

static int setup(void **state)
{
	(void)state;
	in_netns = geteuid() == 0 && unshare(CLONE_NEWNET) == 0;
	return 0;
}

/* An existing tap is never taken over: TAP_EXCL gives -EBUSY. */
static void test_excl(void **state)
{
	char name[IFNAME_MAX + 1];
	int fd, fd2;

	(void)state;
	if (!in_netns)
		skip();
	fd = tap_open("tapexcl0", 0, name, NULL);
	assert_true(fd >= 0);
	assert_string_equal(name, "tapexcl0");
	/* make it persistent and let go of it, as "ip tuntap add" would */
	assert_int_equal(ioctl(fd, TUNSETPERSIST, 1), 0);
	close(fd);

	fd2 = tap_open("tapexcl0", TAP_EXCL, name, NULL);
	assert_int_equal(fd2, -EBUSY);

	/* without TAP_EXCL TUNSETIFF would have attached to it */
	fd2 = tap_open("tapexcl0", 0, name, NULL);
	assert_true(fd2 >= 0);
	assert_int_equal(ioctl(fd2, TUNSETPERSIST, 0), 0);
	close(fd2);
}

static void test_random_names(void **state)
{
	char names[20][IFNAME_MAX + 1];
	int fds[20], i, j, vnet = -1;
	regex_t re;

	(void)state;
	if (!in_netns)
		skip();
	assert_int_equal(regcomp(&re, "^tap[0-9]{1,6}$", REG_EXTENDED), 0);
	for (i = 0; i < 20; i++) {
		fds[i] = tap_open_random("tap", TAP_VNET_HDR, names[i], &vnet);
		assert_true(fds[i] >= 0);
		assert_int_equal(vnet, 1);
		assert_int_equal(regexec(&re, names[i], 0, NULL, 0), 0);
		for (j = 0; j < i; j++)
			assert_string_not_equal(names[i], names[j]);
	}
	regfree(&re);

	/* IPv6 can be turned off before the tap comes up */
	assert_int_equal(tap_ipv6_disable(names[0]), 0);
	for (i = 0; i < 20; i++)
		close(fds[i]);
}

static void test_mac(void **state)
{
	unsigned char a[6], b[6];

	(void)state;
	assert_int_equal(tap_mac_random(a), 0);
	assert_int_equal(tap_mac_random(b), 0);
	assert_int_equal(a[0], 0xfe);
	assert_int_equal(b[0], 0xfe);
	assert_memory_not_equal(a + 1, b + 1, 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_excl),
		cmocka_unit_test(test_random_names),
		cmocka_unit_test(test_mac),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
