/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_HELPER_PRIV_H
#define TAPIR_HELPER_PRIV_H

#include <stddef.h>

int priv_std_fds(void);
int priv_drop(int *net_admin);
void priv_describe(char *buf, size_t len);

#endif /* TAPIR_HELPER_PRIV_H */
