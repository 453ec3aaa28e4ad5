/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_CTL_H
#define TAPIR_USER_CTL_H

#include <stdint.h>

#include "user.h"

int ctl_listen(struct user_ctx *c, const char *path);
void ctl_event(struct user_ctx *c, enum user_ref_type type, uint32_t idx,
	       uint32_t events);
void ctl_fini(struct user_ctx *c);
int ctl_client(int argc, char **argv);

#endif /* TAPIR_USER_CTL_H */
