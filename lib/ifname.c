// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ifname.c - interface name validation
 *
 * Theory of operation
 *
 * Linux accepts almost any byte in an interface name: it refuses only '/',
 * ':', whitespace, the names "." and "..", and names of IFNAMSIZ (16) bytes
 * or more.  Names reach tapir from command lines, ACL files and
 * configuration, and a few of them end up in messages, scripts and firewall
 * rules, so tapir is stricter than the kernel: a name is 1 to 15 bytes of
 * ASCII letters, digits, '_', '.' and '-', and does not start with '-'
 * (which tools would read as an option) or '.'.  That leaves out every
 * shell metacharacter and every non-ASCII byte.  All real bridge names in
 * the wild (br0, virbr0, lxcbr0, docker0, br-lan, br.100, tapir0) pass.
 *
 * The check measures the name with strnlen() bounded just past the limit,
 * so an overlong name is refused without being read in full: that is the
 * CVE-2019-13164 class of bug, where a name longer than IFNAMSIZ was cut
 * short and then matched a different ACL entry.
 */
#include <errno.h>
#include <string.h>

#include "ifname.h"

/**
 * ifname_char_ok() - tell whether a byte may appear in an interface name
 * @c:		the byte
 *
 * Return: 1 if allowed, 0 if not
 */
static int ifname_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

/**
 * ifname_check() - validate an interface name
 * @name:	the name, NUL-terminated
 * @why:	if not NULL, set to a short reason when the name is refused
 *
 * Return: 0 if the name is acceptable, -EINVAL if it is empty, has a
 *	   forbidden character or starts with '-' or '.', -ENAMETOOLONG if
 *	   it is 16 bytes or longer
 */
int ifname_check(const char *name, const char **why)
{
	const char *reason = NULL;
	size_t len, i;
	int rc = 0;

	len = strnlen(name, IFNAME_MAX + 1);
	if (len == 0) {
		reason = "name is empty";
		rc = -EINVAL;
		goto out;
	}
	if (len > IFNAME_MAX) {
		reason = "name is 16 bytes or longer (Linux allows at most 15)";
		rc = -ENAMETOOLONG;
		goto out;
	}
	if (name[0] == '-' || name[0] == '.') {
		reason = "name starts with '-' or '.'";
		rc = -EINVAL;
		goto out;
	}
	for (i = 0; i < len; i++) {
		if (!ifname_char_ok((unsigned char)name[i])) {
			reason = "name has a character other than letters, "
				 "digits, '_', '.' and '-'";
			rc = -EINVAL;
			goto out;
		}
	}
out:
	if (why)
		*why = reason;
	return rc;
}
