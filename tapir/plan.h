/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_PLAN_H
#define TAPIR_PLAN_H

#include <stddef.h>

#include "conf.h"
#include "nl.h"

/**
 * struct plan - a network as it will be brought up
 * @net:	the configuration, with an automatic address assigned; its
 *		hosts still belong to the struct conf it was copied from
 * @mtu:	MTU of the bridge
 */
struct plan {
	struct conf_net net;
	unsigned int mtu;
};

int plan_make(const struct conf *c, const char *name, struct nl *nl,
	      const char *statedir, struct plan *p, char *err, size_t len);

#endif /* TAPIR_PLAN_H */
