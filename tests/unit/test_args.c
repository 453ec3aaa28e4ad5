// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_args.c - unit tests of the bridge helper's argument parser
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "args.h"

#define ARGV(...) ((char *const[]){ "helper", __VA_ARGS__ })
#define ARGC(...) ((int)(sizeof((char *[]){ "helper", __VA_ARGS__ }) / \
			 sizeof(char *)))
#define PARSE(a, err, ...) \
	args_parse((a), ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), (err), \
		   sizeof(err))

static void test_qemu_order(void **state)
{
	struct args a;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&a, err, "--use-vnet", "--fd=5", "--br=br0"),
			 0);
	assert_true(a.use_vnet);
	assert_int_equal(a.fd, 5);
	assert_string_equal(a.br, "br0");
	assert_null(a.acl_file);
	assert_false(a.explain);
}

static void test_libvirt_order(void **state)
{
	struct args a;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&a, err, "--use-vnet", "--br=virbr0",
			       "--fd=23"), 0);
	assert_string_equal(a.br, "virbr0");
	assert_int_equal(a.fd, 23);
}

/* QEMU through /bin/sh -c: the user's words first, no --use-vnet */
static void test_shell_extra_first(void **state)
{
	struct args a;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&a, err, "--acl-file=/x", "--br=br1", "--fd=7"),
			 0);
	assert_false(a.use_vnet);
	assert_string_equal(a.acl_file, "/x");
	assert_string_equal(a.br, "br1");
}

/* A helper string with --use-vnet: QEMU adds another one. */
static void test_flags_repeat(void **state)
{
	struct args a;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&a, err, "--use-vnet", "--use-vnet", "--fd=5",
			       "--br=br0"), 0);
	assert_true(a.use_vnet);
}

static void test_explain(void **state)
{
	struct args a;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&a, err, "--explain", "--br=br0"), 0);
	assert_true(a.explain);
	assert_int_equal(a.fd, -1);
	assert_int_equal(PARSE(&a, err, "--explain", "--br=br0", "--fd=3"),
			 -EINVAL);
	assert_non_null(strstr(err, "takes no --fd"));
}

static void expect_error(int rc, const char *err, const char *msg)
{
	assert_int_equal(rc, -EINVAL);
	if (!strstr(err, msg))
		fail_msg("'%s' lacks '%s'", err, msg);
}

static void test_errors(void **state)
{
	struct args a;
	char err[256];

	(void)state;
	expect_error(PARSE(&a, err, "--fd=3"), err, "missing --br=BRIDGE");
	expect_error(PARSE(&a, err, "--br=br0"), err, "missing --fd=N");
	expect_error(PARSE(&a, err, "--br=br0", "--br=br1", "--fd=3"), err,
		     "'--br=br1' given more than once");
	expect_error(PARSE(&a, err, "--br=br0", "--fd=3", "--fd=3"), err,
		     "given more than once");
	expect_error(PARSE(&a, err, "--br=b", "--fd=3", "--acl-file=/a",
			   "--acl-file=/a"), err, "given more than once");
	expect_error(PARSE(&a, err, "--br=br0", "--fd=-1"), err,
		     "invalid --fd value '-1'");
	expect_error(PARSE(&a, err, "--br=br0", "--fd=3x"), err,
		     "invalid --fd value");
	expect_error(PARSE(&a, err, "--br=br0", "--fd="), err,
		     "invalid --fd value");
	expect_error(PARSE(&a, err, "--br=br0", "--fd=99999999999"), err,
		     "invalid --fd value");
	expect_error(PARSE(&a, err, "--br=br0", "--fd= 3"), err,
		     "invalid --fd value");
	expect_error(PARSE(&a, err, "--br=br0", "--fd=3", "--bogus"), err,
		     "unknown argument '--bogus'");
	expect_error(PARSE(&a, err, "--br", "br0", "--fd=3"), err,
		     "--br needs a value");
	expect_error(PARSE(&a, err, "--br=abcdefghijklmnop", "--fd=3"), err,
		     "16 bytes or longer");
	expect_error(PARSE(&a, err, "--br=br0;reboot", "--fd=3"), err,
		     "invalid bridge name");
	expect_error(PARSE(&a, err, "--br=", "--fd=3"), err, "name is empty");
	expect_error(PARSE(&a, err, "--br=br0", "--fd=3", "--acl-file="), err,
		     "empty --acl-file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qemu_order),
		cmocka_unit_test(test_libvirt_order),
		cmocka_unit_test(test_shell_extra_first),
		cmocka_unit_test(test_flags_repeat),
		cmocka_unit_test(test_explain),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
