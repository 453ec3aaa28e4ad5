// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_user.c - "tapir user" and "tapir user-ctl": run tapir-user
 *
 * User-mode networking is its own small program, tapir-user, so that it
 * runs without the netlink and nftables code of the rest of tapir and can
 * lock itself down with seccomp (user/).  These commands exec it with
 * their arguments: from $TAPIR_USER if set, else from the build tree next
 * to this binary (../user/tapir-user), else from the libexec directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "tapir.h"

/**
 * cmd_user_path() - where tapir-user is
 * @buf:	room for a path
 * @len:	its size
 *
 * Return: the path
 */
static const char *cmd_user_path(char *buf, size_t len)
{
	const char *env = getenv("TAPIR_USER");
	char self[PATH_MAX], *slash;
	ssize_t n;

	if (env && *env)
		return env;
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash) {
			*slash = '\0';
			snprintf(buf, len, "%s/../user/tapir-user", self);
			if (access(buf, X_OK) == 0)
				return buf;
		}
	}
	return TAPIR_LIBEXECDIR "/tapir-user";
}

/**
 * cmd_user() - exec tapir-user for "user" and "user-ctl"
 * @t:		global options (unused: tapir-user has its own)
 * @argc:	argument count; argv[0] is "user" or "user-ctl"
 * @argv:	arguments
 *
 * Return: only on failure: 1
 */
int cmd_user(struct tapir *t, int argc, char **argv)
{
	char buf[PATH_MAX + 32], **nargv;
	const char *path = cmd_user_path(buf, sizeof(buf));
	int ctl = !strcmp(argv[0], "user-ctl"), i, n = 0;

	(void)t;
	nargv = calloc((size_t)argc + 2, sizeof(*nargv));
	if (!nargv)
		return EXIT_FAIL;
	nargv[n++] = (char *)path;
	if (ctl)
		nargv[n++] = "--ctl-client";
	for (i = 1; i < argc; i++)
		nargv[n++] = argv[i];
	nargv[n] = NULL;
	execv(path, nargv);
	fprintf(stderr, "tapir: cannot run %s: %s\n", path, strerror(errno));
	free(nargv);
	return EXIT_FAIL;
}
