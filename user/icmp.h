/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_ICMP_H
#define TAPIR_USER_ICMP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "user.h"

int icmp_init(struct user_ctx *c);
void icmp_in(struct user_ctx *c, const struct in6_addr *src,
	     const struct in6_addr *dst, const uint8_t *msg, size_t len);
void icmp_sock_event(struct user_ctx *c, uint32_t idx, uint32_t events);
void icmp_timer(struct user_ctx *c);
void icmp_port_unreach(struct user_ctx *c, const struct in6_addr *gaddr,
		       uint16_t gport, const struct in6_addr *raddr,
		       uint16_t rport);
unsigned int icmp_count(const struct user_ctx *c);
void icmp_fini(struct user_ctx *c);

#endif /* TAPIR_USER_ICMP_H */
