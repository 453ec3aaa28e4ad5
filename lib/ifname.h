/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_IFNAME_H
#define TAPIR_IFNAME_H

#include <stddef.h>

/* Longest interface name Linux accepts, without the terminating NUL. */
#define IFNAME_MAX	15

int ifname_check(const char *name, const char **why);

#endif /* TAPIR_IFNAME_H */
