/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_NL_L3_H
#define TAPIR_NL_L3_H

#include <stddef.h>
#include <stdint.h>

#include "nl.h"
#include "nl_addr.h"
#include "nl_route.h"

struct json_object;

/**
 * struct nl_l3 - the layer-3 configuration moved from one link to another
 * @from:	the link it was on (the uplink)
 * @to:		the link it goes to (the bridge)
 * @boottime:	CLOCK_BOOTTIME seconds when it was recorded; lifetimes
 *		count down from then
 * @addr:	addresses, in the order they are added
 * @naddr:	number of addresses
 * @route:	routes, in the order they are added
 * @nroute:	number of routes
 * @skipped:	routes through @from that cannot be moved (multipath,
 *		nexthop objects, tunnels): they stay, and die with the
 *		addresses
 */
struct nl_l3 {
	char from[IFNAME_MAX + 1];
	char to[IFNAME_MAX + 1];
	uint64_t boottime;
	struct nl_addr *addr;
	size_t naddr;
	struct nl_route *route;
	size_t nroute;
	unsigned int skipped;
};

int nl_l3_record(struct nl *nl, const char *from, const char *to,
		 struct nl_l3 *rec);
int nl_l3_apply(struct nl *nl, const struct nl_l3 *rec);
int nl_l3_restore(struct nl *nl, const struct nl_l3 *rec);
int nl_l3_move(struct nl *nl, const char *from, const char *to,
	       struct nl_l3 *rec);
void nl_l3_free(struct nl_l3 *rec);
struct json_object *nl_l3_to_json(const struct nl_l3 *rec);
int nl_l3_from_json(struct json_object *obj, struct nl_l3 *rec);

#endif /* TAPIR_NL_L3_H */
