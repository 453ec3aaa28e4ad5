/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_NS_H
#define TAPIR_USER_NS_H

#include "user.h"

/**
 * struct ns_cfg - how to make and set up the tap in a namespace
 * @ifname:	tap name (default tap0)
 * @configure:	give it the guest address, default route and MTU
 *		(otherwise only the link is brought up: DHCP and SLAAC)
 * @mac:	the tap's MAC, or all zero to let the kernel choose
 */
struct ns_cfg {
	const char *ifname;
	int configure;
	unsigned char mac[6];
};

int ns_join_tap(struct user_ctx *c, const char *target,
		const struct ns_cfg *cfg);
int ns_spawn(struct user_ctx *c, char **argv, const struct ns_cfg *cfg);
void ns_go(void);
int ns_child_exited(struct user_ctx *c);
int ns_exit_status(void);

#endif /* TAPIR_USER_NS_H */
