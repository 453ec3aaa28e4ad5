/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_ETH_H
#define TAPIR_USER_ETH_H

#include <stddef.h>
#include <stdint.h>

#include "user.h"

void eth_in(struct user_ctx *c, const uint8_t *frame, size_t len);
void eth_in_vnet(struct user_ctx *c, const uint8_t *buf, size_t len);

#endif /* TAPIR_USER_ETH_H */
