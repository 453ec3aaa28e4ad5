/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_SETUP_H
#define TAPIR_SETUP_H

#include <stddef.h>

#include "nl.h"
#include "plan.h"
#include "state.h"

int setup_up(const struct plan *p, struct state *st, struct nl *nl,
	     char *err, size_t len);

#endif /* TAPIR_SETUP_H */
