/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_NAT_H
#define TAPIR_USER_NAT_H

#include <netinet/in.h>
#include <stdint.h>
#include <sys/socket.h>

#include "user.h"

int nat_init(struct user_ctx *c);
int nat_to_host(const struct user_ctx *c, int proto,
		const struct in6_addr *dst, uint16_t port,
		struct sockaddr_storage *sa, socklen_t *salen);
int nat_gfwd_cmd(const struct user_ctx *c, const struct in6_addr *dst,
		 uint16_t port);
void nat_from_host(const struct user_ctx *c, const struct sockaddr *sa,
		   struct in6_addr *src, uint16_t *port);
int nat_is_guest_net(const struct user_ctx *c, const struct in6_addr *a);

#endif /* TAPIR_USER_NAT_H */
