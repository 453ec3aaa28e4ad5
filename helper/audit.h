/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_HELPER_AUDIT_H
#define TAPIR_HELPER_AUDIT_H

#include "caller.h"

void audit_grant(const struct caller *c, const char *bridge, const char *tap);
void audit_deny(const struct caller *c, const char *bridge, const char *tap,
		const char *reason);

#endif /* TAPIR_HELPER_AUDIT_H */
