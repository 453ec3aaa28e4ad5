/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_NL_ROUTE_H
#define TAPIR_NL_ROUTE_H

#include <stddef.h>
#include <stdint.h>

#include "nl.h"

/* Which optional fields of struct nl_route are set. */
#define NL_RT_DST		0x001
#define NL_RT_SRC		0x002
#define NL_RT_GATEWAY		0x004
#define NL_RT_PREFSRC		0x008
#define NL_RT_PRIORITY		0x010
#define NL_RT_PREF		0x020
#define NL_RT_REALMS		0x040
#define NL_RT_EXPIRES		0x080
#define NL_RT_METRICS		0x100
#define NL_RT_OIF		0x200
/* Parts nl_route_add() cannot re-create: multipath, nexthop objects,
 * lightweight tunnels, IPv4 routes via an IPv6 gateway */
#define NL_RT_COMPLEX		0x400

/* Longest RTA_METRICS kept, and most multipath next hops remembered. */
#define NL_RT_METRICS_MAX	256
#define NL_RT_NEXTHOPS_MAX	16

/**
 * struct nl_route - a route, with what it takes to re-create it
 * @family:	AF_INET or AF_INET6
 * @dst_len:	destination prefix length
 * @src_len:	source prefix length (IPv6 source routing)
 * @tos:	TOS (IPv4)
 * @protocol:	RTPROT_*: who added the route
 * @scope:	RT_SCOPE_*
 * @type:	RTN_*
 * @pref:	RTA_PREF: IPv6 router preference
 * @flags:	rtm_flags (RTNH_F_ONLINK and kernel state bits)
 * @table:	routing table (RTA_TABLE)
 * @priority:	metric (RTA_PRIORITY)
 * @realms:	RTA_FLOW
 * @expires:	seconds left for an IPv6 route that expires
 * @oif:	output interface
 * @has:	NL_RT_* bits for the optional fields that are set
 * @dst:	destination prefix
 * @src:	source prefix
 * @gateway:	next hop
 * @prefsrc:	preferred source address
 * @metrics:	RTA_METRICS, raw (nested RTAX_* attributes)
 * @metrics_len: bytes in @metrics
 * @nhifindex:	output interfaces of multipath next hops
 * @nnh:	number of entries in @nhifindex
 */
struct nl_route {
	uint8_t family;
	uint8_t dst_len;
	uint8_t src_len;
	uint8_t tos;
	uint8_t protocol;
	uint8_t scope;
	uint8_t type;
	uint8_t pref;
	uint32_t flags;
	uint32_t table;
	uint32_t priority;
	uint32_t realms;
	uint32_t expires;
	int oif;
	unsigned int has;
	uint8_t dst[16];
	uint8_t src[16];
	uint8_t gateway[16];
	uint8_t prefsrc[16];
	uint8_t metrics[NL_RT_METRICS_MAX];
	uint16_t metrics_len;
	int nhifindex[NL_RT_NEXTHOPS_MAX];
	unsigned int nnh;
};

int nl_route_parse(const struct nlmsghdr *nlh, struct nl_route *r);
int nl_route_dump(struct nl *nl, int family, struct nl_route **routes,
		  size_t *n);
int nl_route_uses(const struct nl_route *r, int ifindex);
int nl_route_add(struct nl *nl, const struct nl_route *r);
int nl_route_del(struct nl *nl, const struct nl_route *r);
int nl_route_move(struct nl *nl, const struct nl_route *r, int oif);

#endif /* TAPIR_NL_ROUTE_H */
