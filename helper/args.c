// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * args.c - the bridge helper's command line
 *
 * Theory of operation
 *
 * QEMU runs the helper as "HELPER --use-vnet --fd=N --br=BR", or through
 * "/bin/sh -c" when the helper string has spaces, with the user's own words
 * first and --br= added only if they lack it.  libvirt runs it as
 * "--use-vnet --br=BR --fd=N".  So arguments come in any order, and
 * anything unknown is an error: the helper runs with privileges and takes
 * nothing on trust.  Options with a value (--br, --fd, --acl-file) are
 * accepted once, since two values would be ambiguous; a flag may repeat, as
 * QEMU adds --use-vnet even when the user's helper string has it.
 *
 * Values are checked here, so main() sees only well-formed input: --fd is
 * a plain decimal number, --br a valid interface name.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "ifname.h"

/**
 * args_value() - match "--name=value" and return the value
 * @arg:	argument
 * @name:	option name with its dashes and '=', e.g. "--fd="
 *
 * Return: pointer to the value, or NULL if @arg is not this option
 */
static const char *args_value(const char *arg, const char *name)
{
	size_t n = strlen(name);

	return strncmp(arg, name, n) ? NULL : arg + n;
}

/**
 * args_fd() - parse a file descriptor number
 * @s:		decimal digits only, no sign or spaces
 * @fd:		set to the number
 *
 * Return: 0, or -EINVAL
 */
static int args_fd(const char *s, int *fd)
{
	unsigned long v;
	char *end;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > INT_MAX)
		return -EINVAL;
	*fd = (int)v;
	return 0;
}

/**
 * args_parse() - parse and check the helper's arguments
 * @a:		filled in
 * @argc:	argument count
 * @argv:	arguments; argv[0] is not looked at
 * @err:	message for the first problem found
 * @errlen:	size of @err
 *
 * Return: 0, or -EINVAL with @err set
 */
int args_parse(struct args *a, int argc, char *const argv[], char *err,
	       size_t errlen)
{
	const char *v, *why;
	int i, seen_fd = 0;

	memset(a, 0, sizeof(*a));
	a->fd = -1;

	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		int dup = 0;

		if (!strcmp(arg, "--use-vnet")) {
			a->use_vnet = 1;
		} else if ((v = args_value(arg, "--fd="))) {
			dup = seen_fd++;
			if (!dup && args_fd(v, &a->fd)) {
				snprintf(err, errlen, "invalid --fd value '%s': "
					 "expected a descriptor number", v);
				return -EINVAL;
			}
		} else if ((v = args_value(arg, "--br="))) {
			dup = !!a->br;
			a->br = v;
		} else if ((v = args_value(arg, "--acl-file="))) {
			dup = !!a->acl_file;
			a->acl_file = v;
		} else if (!strcmp(arg, "--explain")) {
			a->explain = 1;
		} else if (!strcmp(arg, "--help") || !strcmp(arg, "-h")) {
			a->help = 1;
		} else if (!strcmp(arg, "--version")) {
			a->version = 1;
		} else if (!strcmp(arg, "--br") || !strcmp(arg, "--fd") ||
			   !strcmp(arg, "--acl-file")) {
			snprintf(err, errlen, "%s needs a value: write %s=VALUE",
				 arg, arg);
			return -EINVAL;
		} else {
			snprintf(err, errlen, "unknown argument '%s'", arg);
			return -EINVAL;
		}
		if (dup) {
			snprintf(err, errlen, "argument '%s' given more than "
				 "once", arg);
			return -EINVAL;
		}
	}

	if (a->help || a->version)
		return 0;
	if (!a->br) {
		snprintf(err, errlen, "missing --br=BRIDGE");
		return -EINVAL;
	}
	if (ifname_check(a->br, &why)) {
		snprintf(err, errlen, "invalid bridge name '%.64s%s': %s",
			 a->br, strlen(a->br) > 64 ? "..." : "", why);
		return -EINVAL;
	}
	if (a->acl_file && !*a->acl_file) {
		snprintf(err, errlen, "empty --acl-file=");
		return -EINVAL;
	}
	if (a->explain && a->fd >= 0) {
		snprintf(err, errlen, "--explain creates nothing and takes "
			 "no --fd");
		return -EINVAL;
	}
	if (!a->explain && a->fd < 0) {
		snprintf(err, errlen, "missing --fd=N");
		return -EINVAL;
	}
	return 0;
}
