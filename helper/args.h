/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_HELPER_ARGS_H
#define TAPIR_HELPER_ARGS_H

#include <stddef.h>

/**
 * struct args - the helper's command line
 * @use_vnet:	--use-vnet was given
 * @fd:		--fd=N, or -1
 * @br:		--br=NAME, or NULL
 * @acl_file:	--acl-file=PATH, or NULL
 * @explain:	--explain was given
 * @help:	--help was given
 * @version:	--version was given
 */
struct args {
	int use_vnet;
	int fd;
	const char *br;
	const char *acl_file;
	int explain;
	int help;
	int version;
};

int args_parse(struct args *a, int argc, char *const argv[], char *err,
	       size_t errlen);

#endif /* TAPIR_HELPER_ARGS_H */
