/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_STATUS_H
#define TAPIR_STATUS_H

#include "tapir.h"

int status_show(struct tapir *t, const char *name, int json);
int status_list(struct tapir *t, int json);
void status_brief(struct tapir *t, const char *name);

#endif /* TAPIR_STATUS_H */
