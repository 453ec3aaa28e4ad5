/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_UDP_H
#define TAPIR_USER_UDP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "user.h"

int udp_init(struct user_ctx *c);
void udp_in(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, const uint8_t *dgram, size_t len);
void udp_sock_event(struct user_ctx *c, uint32_t idx, uint32_t events);
void udp_fwd_recv(struct user_ctx *c, int fd, const struct opts_fwd *rule);
void udp_fwd_gone(struct user_ctx *c, int fd);
void udp_timer(struct user_ctx *c);
unsigned int udp_count(const struct user_ctx *c);
void udp_fini(struct user_ctx *c);

#endif /* TAPIR_USER_UDP_H */
