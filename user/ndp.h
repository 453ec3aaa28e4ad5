/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_NDP_H
#define TAPIR_USER_NDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "user.h"

void ndp_init(struct user_ctx *c);
void ndp_in(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *msg, size_t len);
void ndp_seen(struct user_ctx *c);
void ndp_timer(struct user_ctx *c);
void ndp_ll_addr(const struct user_ctx *c, struct in6_addr *a);
int ndp_send_ra(struct user_ctx *c, const struct in6_addr *dst);

#endif /* TAPIR_USER_NDP_H */
