/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_DHCP6_H
#define TAPIR_USER_DHCP6_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "user.h"

#define DHCP6_CLIENT_PORT	546
#define DHCP6_SERVER_PORT	547

void dhcp6_in(struct user_ctx *c, const struct in6_addr *src,
	      const struct in6_addr *dst, const uint8_t *msg, size_t len);

#endif /* TAPIR_USER_DHCP6_H */
