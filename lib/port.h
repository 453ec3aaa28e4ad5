/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_PORT_H
#define TAPIR_PORT_H

#include "nl.h"

int port_bridge_get(struct nl *nl, const char *bridge, struct nl_link *br);
int port_attach(struct nl *nl, const char *ifname, const struct nl_link *br);

#endif /* TAPIR_PORT_H */
