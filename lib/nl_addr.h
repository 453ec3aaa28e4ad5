/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_NL_ADDR_H
#define TAPIR_NL_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "nl.h"

/* Lifetime of an address that does not expire. */
#define NL_ADDR_FOREVER		0xffffffffU

/* Which optional fields of struct nl_addr are set. */
#define NL_ADDR_LOCAL		0x01
#define NL_ADDR_ADDRESS		0x02
#define NL_ADDR_BROADCAST	0x04
#define NL_ADDR_METRIC		0x08
#define NL_ADDR_PROTO		0x10

/**
 * struct nl_addr - an address on a link, with what it takes to re-create it
 * @family:	AF_INET or AF_INET6
 * @prefixlen:	prefix length
 * @scope:	RT_SCOPE_*
 * @ifindex:	the link
 * @flags:	IFA_F_* (from IFA_FLAGS, which extends ifa_flags)
 * @has:	NL_ADDR_* bits for the optional fields that are set
 * @local:	IFA_LOCAL: the address itself (IPv4, and IPv6 with a peer)
 * @address:	IFA_ADDRESS: the address (IPv6), or the peer (IPv4
 *		point-to-point; the same as @local otherwise)
 * @broadcast:	IFA_BROADCAST (IPv4)
 * @label:	IFA_LABEL (IPv4), "" for none
 * @valid:	remaining valid lifetime in seconds, or NL_ADDR_FOREVER
 * @preferred:	remaining preferred lifetime in seconds, or NL_ADDR_FOREVER
 * @metric:	IFA_RT_PRIORITY: metric of the prefix route
 * @proto:	IFA_PROTO: who configured it (IFAPROT_*, or a user value)
 */
struct nl_addr {
	uint8_t family;
	uint8_t prefixlen;
	uint8_t scope;
	int ifindex;
	uint32_t flags;
	unsigned int has;
	uint8_t local[16];
	uint8_t address[16];
	uint8_t broadcast[4];
	char label[IFNAME_MAX + 1];
	uint32_t valid;
	uint32_t preferred;
	uint32_t metric;
	uint8_t proto;
};

void nl_addr_make4(struct nl_addr *a, struct in_addr addr,
		   unsigned int prefixlen);
int nl_addr_parse(const struct nlmsghdr *nlh, struct nl_addr *a);
int nl_addr_dump(struct nl *nl, int family, int ifindex,
		 struct nl_addr **addrs, size_t *n);
int nl_addr_add(struct nl *nl, const struct nl_addr *a);
int nl_addr_del(struct nl *nl, const struct nl_addr *a);

#endif /* TAPIR_NL_ADDR_H */
