/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_LOOP_H
#define TAPIR_USER_LOOP_H

#include "user.h"

/* Interval of the module timers, milliseconds */
#define LOOP_TICK_MS	100

void loop_ctx_init(struct user_ctx *c, const struct user_opts *o);
int loop_init(struct user_ctx *c);
int loop_run(struct user_ctx *c);
void loop_clock(struct user_ctx *c);

#endif /* TAPIR_USER_LOOP_H */
