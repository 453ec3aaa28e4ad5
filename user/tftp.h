/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_TFTP_H
#define TAPIR_USER_TFTP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "user.h"

#define TFTP_PORT	69

int tftp_init(struct user_ctx *c);
int tftp_in(struct user_ctx *c, const struct in6_addr *src, uint16_t sport,
	    const struct in6_addr *dst, uint16_t dport,
	    const uint8_t *msg, size_t len);
void tftp_timer(struct user_ctx *c);
unsigned int tftp_count(const struct user_ctx *c);
void tftp_fini(struct user_ctx *c);

#endif /* TAPIR_USER_TFTP_H */
