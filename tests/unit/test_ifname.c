// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_ifname.c - unit tests of interface name validation (lib/ifname.c)
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ifname.h"

static void test_valid(void **state)
{
	static const char *const ok[] = {
		"br0", "virbr0", "lxcbr0", "docker0", "br-lan", "br.100",
		"tapir0", "a", "B_2", "abcdefghijklmno", /* 15 bytes */
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (ifname_check(ok[i], NULL))
			fail_msg("'%s' refused", ok[i]);
}

static void test_invalid(void **state)
{
	static const char *const bad[] = {
		"", "br 0", "br\t0", "br/0", "br:0", "br;0", "br$0", "br`0",
		"br|0", "br&0", "br>0", "br<0", "br(0", "br'0", "br\"0",
		"br*0", "br?0", "br\\0", "br\n", "-br0", ".", "..", ".br",
		"br\xc3\xa9", "br@0", "br+0",
	};
	const char *why = NULL;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (ifname_check(bad[i], &why) != -EINVAL)
			fail_msg("'%s' accepted", bad[i]);
		assert_non_null(why);
	}
}

/* 16 bytes is one too many: the CVE-2019-13164 boundary */
static void test_length(void **state)
{
	const char *why = NULL;
	char *huge;

	(void)state;
	assert_int_equal(ifname_check("abcdefghijklmnop", &why),
			 -ENAMETOOLONG);
	assert_non_null(strstr(why, "16 bytes"));

	huge = malloc(1 << 20);
	memset(huge, 'a', (1 << 20) - 1);
	huge[(1 << 20) - 1] = '\0';
	assert_int_equal(ifname_check(huge, NULL), -ENAMETOOLONG);
	free(huge);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_length),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
