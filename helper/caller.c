// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caller.c - who is calling the bridge helper
 *
 * Theory of operation
 *
 * The caller is the real user id and the real group id with the
 * supplementary groups, all inherited from the process that ran the
 * helper: QEMU, libvirt, or a shell.  Names come from the system's user
 * and group databases through getpwuid_r() and getgrgid_r(); a user or
 * group without a name still matches numeric user= and group= rules.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "caller.h"

/* Buffer for one passwd or group entry; large groups need more. */
#define CALLER_BUF_MIN	4096
#define CALLER_BUF_MAX	(1024 * 1024)

/**
 * caller_group_name() - look up a group's name
 * @gid:	group id
 *
 * Return: malloc()ed name, or NULL if the group has none (or no memory)
 */
static char *caller_group_name(gid_t gid)
{
	struct group gr, *res = NULL;
	size_t len = CALLER_BUF_MIN;
	char *buf = NULL, *name = NULL;
	int rc;

	for (;;) {
		char *nbuf = realloc(buf, len);

		if (!nbuf)
			goto out;
		buf = nbuf;
		rc = getgrgid_r(gid, &gr, buf, len, &res);
		if (rc != ERANGE || len >= CALLER_BUF_MAX)
			break;
		len *= 2;
	}
	if (!rc && res)
		name = strdup(gr.gr_name);
out:
	free(buf);
	return name;
}

/**
 * caller_user_name() - look up a user's login name
 * @uid:	user id
 *
 * Return: malloc()ed name, or NULL if the user has none (or no memory)
 */
static char *caller_user_name(uid_t uid)
{
	struct passwd pw, *res = NULL;
	char buf[CALLER_BUF_MIN];

	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) || !res)
		return NULL;
	return strdup(pw.pw_name);
}

/**
 * caller_get() - find out who the caller is
 * @c:		filled in; release with caller_free()
 *
 * Return: 0, or -errno
 */
int caller_get(struct caller *c)
{
	int n, i, rc = 0;
	gid_t *sup = NULL;

	memset(c, 0, sizeof(*c));
	n = getgroups(0, NULL);
	if (n < 0)
		return -errno;
	sup = calloc((size_t)n + 1, sizeof(*sup));
	c->gids = calloc((size_t)n + 1, sizeof(*c->gids));
	c->groups = calloc((size_t)n + 1, sizeof(*c->groups));
	if (!sup || !c->gids || !c->groups) {
		rc = -ENOMEM;
		goto out;
	}
	n = getgroups(n, sup);
	if (n < 0) {
		rc = -errno;
		goto out;
	}

	c->gids[c->ngids++] = getgid();
	for (i = 0; i < n; i++) {
		size_t j;

		for (j = 0; j < c->ngids && c->gids[j] != sup[i]; j++)
			;
		if (j == c->ngids)
			c->gids[c->ngids++] = sup[i];
	}
	for (i = 0; i < (int)c->ngids; i++)
		c->groups[i] = caller_group_name(c->gids[i]);

	c->acl.uid = getuid();
	c->user = caller_user_name(c->acl.uid);
	c->acl.user = c->user;
	c->acl.gids = c->gids;
	c->acl.groups = (const char *const *)c->groups;
	c->acl.ngids = c->ngids;
out:
	free(sup);
	if (rc)
		caller_free(c);
	return rc;
}

/**
 * caller_free() - release what caller_get() allocated
 * @c:		caller
 */
void caller_free(struct caller *c)
{
	size_t i;

	if (c->groups)
		for (i = 0; i < c->ngids; i++)
			free(c->groups[i]);
	free(c->groups);
	free(c->gids);
	free(c->user);
	memset(c, 0, sizeof(*c));
}

/**
 * caller_name() - the caller's login name for messages
 * @c:		caller
 *
 * Return: the name, or "?" if the uid has none
 */
const char *caller_name(const struct caller *c)
{
	return c->user ? c->user : "?";
}
