/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_TAP_H
#define TAPIR_TAP_H

#include "ifname.h"

/* tap_open() flags */
#define TAP_VNET_HDR	1	/* ask for IFF_VNET_HDR if the kernel has it */
#define TAP_EXCL	2	/* fail with -EBUSY if the name exists */

int tap_open(const char *pattern, int flags, char name[IFNAME_MAX + 1],
	     int *vnet_hdr);
int tap_open_random(const char *prefix, int flags,
		    char name[IFNAME_MAX + 1], int *vnet_hdr);
int tap_ipv6_disable(const char *name);
int tap_persist_add(const char *name, long uid, long gid, int multi_queue);
int tap_persist_del(const char *name);
int tap_mac_random(unsigned char mac[6]);

#endif /* TAPIR_TAP_H */
