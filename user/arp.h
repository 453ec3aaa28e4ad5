/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_ARP_H
#define TAPIR_USER_ARP_H

#include <stddef.h>
#include <stdint.h>

#include "user.h"

void arp_in(struct user_ctx *c, const uint8_t *pkt, size_t len);

#endif /* TAPIR_USER_ARP_H */
