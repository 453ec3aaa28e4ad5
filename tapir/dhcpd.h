/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_DHCPD_H
#define TAPIR_DHCPD_H

#include <stddef.h>

#include "dhcp.h"
#include "lease.h"
#include "netd.h"
#include "plan.h"

/**
 * struct dhcpd - the DHCP server of a network, on its bridge
 * @ev:		UDP socket on port 67, bound to the bridge
 * @pkt:	packet socket for replies to clients
 * @ifindex:	the bridge's interface index
 * @dhcp:	the protocol engine (lib/dhcp.c)
 * @ls:		the lease store (lib/lease.c)
 * @statics:	static hosts, for the lease store
 */
struct dhcpd {
	struct netd_ev ev;
	int pkt;
	int ifindex;
	struct dhcp dhcp;
	struct lease_store *ls;
	struct lease_static *statics;
};

int dhcpd_start(struct dhcpd *d, struct netd *nd, const struct plan *p,
		const char *statedir, int ifindex, char *err, size_t len);
void dhcpd_stop(struct dhcpd *d, struct netd *nd);

#endif /* TAPIR_DHCPD_H */
