// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * leasetest.c - helpers shared by the lease store and DHCP unit tests
 *
 * t_dir_setup() and t_dir_teardown() are cmocka group fixtures that make
 * and remove a scratch directory; t_path() names a journal in it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "leasetest.h"

static char t_dir[] = "/tmp/tapir-lease-test.XXXXXX";

/* 52:54:NN:NN:NN:NN, the 32 bits of @n in the last four bytes. */
void t_mac(uint8_t *mac, uint32_t n)
{
	mac[0] = 0x52;
	mac[1] = 0x54;
	mac[2] = (uint8_t)(n >> 24);
	mac[3] = (uint8_t)(n >> 16);
	mac[4] = (uint8_t)(n >> 8);
	mac[5] = (uint8_t)n;
}

/* A file name in the scratch directory; valid until the next call. */
const char *t_path(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", t_dir, name);
	return path;
}

/* A whole (small) file; valid until the next call. */
char *t_read(const char *path)
{
	static char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

int t_dir_setup(void **state)
{
	(void)state;
	return mkdtemp(t_dir) ? 0 : -1;
}

int t_dir_teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t_dir);
	return system(cmd);
}
