/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_SERVICE_H
#define TAPIR_SERVICE_H

#include "state.h"
#include "tapir.h"

int service_run(struct tapir *t, const char *name, int notify_fd,
		int lock_fd);
int service_recover(struct state *st, const char *name);

#endif /* TAPIR_SERVICE_H */
