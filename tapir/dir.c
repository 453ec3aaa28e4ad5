// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dir.c - the run and state directories
 *
 * Theory of operation
 *
 * RUNDIR (/run/tapir) and STATEDIR (/var/lib/tapir), or whatever --rundir,
 * --statedir and the TAPIR_* variables say, are created on first use with
 * their missing parents, mode 0755, as "mkdir -p" would: a path such as
 * /tmp/try/run works without preparing /tmp/try first.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dir.h"

/**
 * dir_make() - create a directory and its missing parents
 * @path:	the directory
 *
 * Return: 0 (also if it exists), or -errno
 */
int dir_make(const char *path)
{
	char buf[4096], *p;

	if ((size_t)snprintf(buf, sizeof(buf), "%s", path) >= sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; ; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = c;
		if (!c)
			return 0;
	}
}
