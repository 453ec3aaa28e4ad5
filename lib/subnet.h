/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_SUBNET_H
#define TAPIR_SUBNET_H

#include <stddef.h>

#include "inet.h"

/**
 * struct subnet_pool - a block of addresses carved into equal subnets
 * @block:	the block, such as 10.200.0.0/16
 * @len:	prefix length of each subnet, such as 24
 */
struct subnet_pool {
	struct inet_prefix block;
	unsigned int len;
};

/*
 * The candidates for automatic subnets (tapir.conf(5) lists them), tried
 * in this order, each block from its lowest address up:
 *
 *	10.200.0.0/24, 10.200.1.0/24, ... 10.200.255.0/24
 *	172.29.0.0/24, 172.29.1.0/24, ... 172.29.255.0/24
 *	192.168.200.0/24, ... 192.168.207.0/24
 */
extern const struct subnet_pool subnet_pools[];
extern const size_t subnet_npools;

int subnet_pick(const struct subnet_pool *pools, size_t npools,
		const struct inet_prefix *in_use, size_t n,
		const struct inet_prefix *taken, size_t m,
		struct inet_prefix *out);

#endif /* TAPIR_SUBNET_H */
