// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * priv.c - the bridge helper's privileges
 *
 * Theory of operation
 *
 * The helper is installed one of two ways:
 *
 * - setuid root: it starts with effective uid 0 and every capability.
 *   priv_drop() switches all uids and gids back to the caller's, keeping
 *   the caller's supplementary groups, and keeps CAP_NET_ADMIN alone,
 *   clearing the bounding and ambient sets too;
 * - with the file capability cap_net_admin+ep: it starts as the caller
 *   with CAP_NET_ADMIN, and priv_drop() clears everything else.
 *
 * Run by root it keeps uid 0 but still drops every capability except
 * CAP_NET_ADMIN.  Run without any privilege it continues with none, so
 * --explain works for everyone; creating the tap then fails with a
 * message that says how to install the helper.
 *
 * After the drop the helper reads ACL files as the caller: an include the
 * caller may not read is skipped, which is what per-user include files
 * rely on.  PR_SET_NO_NEW_PRIVS is set too: the helper executes nothing,
 * and nothing it might be tricked into executing could gain privileges.
 *
 * priv_std_fds() runs before anything else: a privileged program started
 * with stdin, stdout or stderr closed would otherwise write its messages
 * into whatever file it opens next.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <cap-ng.h>
#include <linux/capability.h>

#include "priv.h"

/**
 * priv_std_fds() - make sure descriptors 0, 1 and 2 are open
 *
 * Return: 0, or -errno if /dev/null cannot be opened
 */
int priv_std_fds(void)
{
	int fd;

	for (fd = 0; fd <= 2; fd++) {
		int nfd;

		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		nfd = open("/dev/null", O_RDWR);
		if (nfd < 0)
			return -errno;
		if (nfd != fd)
			return -EBADF;
	}
	return 0;
}

/**
 * priv_drop() - keep CAP_NET_ADMIN and nothing else, as the calling user
 * @net_admin:	set to 1 if CAP_NET_ADMIN is kept, 0 if we never had it
 *
 * Return: 0, or -EPERM if the privileges could not be dropped
 */
int priv_drop(int *net_admin)
{
	uid_t ruid = getuid(), euid = geteuid();
	gid_t rgid = getgid();
	unsigned int cap;
	int setpcap, rc;

	if (capng_get_caps_process())
		return -EPERM;
	*net_admin = capng_have_capability(CAPNG_PERMITTED, CAP_NET_ADMIN);
	setpcap = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);

	capng_clear(CAPNG_SELECT_ALL);
	if (*net_admin)
		capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
			     CAP_NET_ADMIN);

	if (euid == 0 && ruid != 0) {
		/* setuid root: become the caller, keep supplementary groups */
		rc = capng_change_id((int)ruid, (int)rgid,
				     CAPNG_CLEAR_BOUNDING |
				     CAPNG_CLEAR_AMBIENT);
	} else {
		rc = capng_apply(setpcap ? CAPNG_SELECT_ALL :
				 CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
	}
	if (rc)
		return -EPERM;

	/* Paranoia: no way back to root, and nothing else kept */
	if (ruid != 0 && (geteuid() == 0 || setuid(0) == 0))
		return -EPERM;
	if (capng_get_caps_process())
		return -EPERM;
	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (cap == CAP_NET_ADMIN)
			continue;
		if (capng_have_capability(CAPNG_PERMITTED, cap) ||
		    capng_have_capability(CAPNG_EFFECTIVE, cap))
			return -EPERM;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;
	return 0;
}

/**
 * priv_describe() - describe the process's uid and capabilities
 * @buf:	output, e.g. "uid 1000, capabilities: net_admin"
 * @len:	size of @buf
 */
void priv_describe(char *buf, size_t len)
{
	char *caps = NULL;

	if (!capng_get_caps_process())
		caps = capng_print_caps_text(CAPNG_PRINT_BUFFER,
					     CAPNG_EFFECTIVE);
	snprintf(buf, len, "uid %u (effective %u), effective capabilities: %s",
		 (unsigned)getuid(), (unsigned)geteuid(),
		 caps && *caps ? caps : "none");
	free(caps);
}
