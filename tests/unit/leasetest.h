/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * leasetest.h - helpers shared by the lease store and DHCP unit tests:
 * a scratch directory for journals, test MACs and addresses
 */
#ifndef TAPIR_TEST_LEASETEST_H
#define TAPIR_TEST_LEASETEST_H

#include <stdint.h>

/* "now" at the start of each test */
#define T0		1700000000
#define IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
			 (uint32_t)(c) << 8 | (uint32_t)(d))

void t_mac(uint8_t *mac, uint32_t n);
const char *t_path(const char *name);
char *t_read(const char *path);
int t_dir_setup(void **state);
int t_dir_teardown(void **state);

#endif /* TAPIR_TEST_LEASETEST_H */
