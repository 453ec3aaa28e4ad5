/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_TCP_H
#define TAPIR_USER_TCP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "user.h"

int tcp_init(struct user_ctx *c);
void tcp_in(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *seg, size_t len);
void tcp_sock_event(struct user_ctx *c, uint32_t idx, uint32_t events);
int tcp_from_host(struct user_ctx *c, int fd, const struct in6_addr *src,
		  uint16_t sport, const struct in6_addr *dst, uint16_t dport);
void tcp_timer(struct user_ctx *c);
void tcp_flush(struct user_ctx *c);
unsigned int tcp_count(const struct user_ctx *c);
void tcp_fini(struct user_ctx *c);

#endif /* TAPIR_USER_TCP_H */
