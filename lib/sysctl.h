/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_SYSCTL_H
#define TAPIR_SYSCTL_H

#include <stddef.h>

int sysctl_read(const char *key, char *buf, size_t len);
int sysctl_write(const char *key, const char *value);
int sysctl_read_int(const char *key, long *value);
int sysctl_write_int(const char *key, long value);
int sysctl_if_key(char *buf, size_t len, const char *proto,
		  const char *ifname, const char *leaf);

#endif /* TAPIR_SYSCTL_H */
