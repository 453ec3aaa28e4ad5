/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_FWD_H
#define TAPIR_USER_FWD_H

#include <stddef.h>
#include <stdint.h>

#include "opts.h"
#include "user.h"

/* Most forwards at once: the -o ones and those added at run time */
#define FWD_MAX		256

typedef int (*fwd_cb)(const struct opts_fwd *f, void *arg);

int fwd_add(struct user_ctx *c, const struct opts_fwd *f, char *err,
	    size_t errlen);
int fwd_del(struct user_ctx *c, const struct opts_fwd *f);
const struct opts_fwd *fwd_rule(int slot);
int fwd_foreach(const struct user_ctx *c, fwd_cb cb, void *arg);
void fwd_event(struct user_ctx *c, enum user_ref_type type, uint32_t idx,
	       uint32_t events);
void fwd_timer(struct user_ctx *c);
void fwd_fini(struct user_ctx *c);

#endif /* TAPIR_USER_FWD_H */
