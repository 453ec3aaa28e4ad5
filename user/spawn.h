/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_SPAWN_H
#define TAPIR_USER_SPAWN_H

#include "opts.h"

int spawn_init(const struct user_opts *o);
int spawn_cmd(unsigned int rule);
void spawn_fini(void);

#endif /* TAPIR_USER_SPAWN_H */
