/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_DHCP4_H
#define TAPIR_USER_DHCP4_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "user.h"

int dhcp4_init(struct user_ctx *c);
void dhcp4_in(struct user_ctx *c, const struct in6_addr *src,
	      const struct in6_addr *dst, const uint8_t *msg, size_t len);
void dhcp4_fini(struct user_ctx *c);

#endif /* TAPIR_USER_DHCP4_H */
