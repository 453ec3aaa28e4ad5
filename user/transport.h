/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_TRANSPORT_H
#define TAPIR_USER_TRANSPORT_H

#include <stdint.h>

#include "user.h"

int transport_bind(const char *path, int type);
int transport_tap(struct user_ctx *c, int fd);
int transport_stream(struct user_ctx *c, const char *path);
int transport_dgram(struct user_ctx *c, const char *path);
void transport_event(struct user_ctx *c, enum user_ref_type type,
		     uint32_t events);
void transport_timer(struct user_ctx *c);
void transport_fini(struct user_ctx *c);

#endif /* TAPIR_USER_TRANSPORT_H */
