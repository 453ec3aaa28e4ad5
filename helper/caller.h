/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_HELPER_CALLER_H
#define TAPIR_HELPER_CALLER_H

#include "acl.h"

/**
 * struct caller - the user who ran the helper
 * @acl:	view for acl_decide()
 * @user:	login name, or NULL
 * @gids:	primary group first, then supplementary groups
 * @groups:	names of @gids
 * @ngids:	entries in @gids and @groups
 */
struct caller {
	struct acl_caller acl;
	char *user;
	gid_t *gids;
	char **groups;
	size_t ngids;
};

int caller_get(struct caller *c);
void caller_free(struct caller *c);
const char *caller_name(const struct caller *c);

#endif /* TAPIR_HELPER_CALLER_H */
