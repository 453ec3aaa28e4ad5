/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_CSUM_H
#define TAPIR_CSUM_H

#include <stddef.h>
#include <stdint.h>

uint32_t csum_add(uint32_t sum, const void *buf, size_t len);
uint16_t csum_fold(uint32_t sum);
uint16_t csum_ip4_header(const void *hdr, size_t len);
uint16_t csum_udp4(uint32_t saddr, uint32_t daddr, const void *udp,
		   size_t len);

#endif /* TAPIR_CSUM_H */
