/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_NL_H
#define TAPIR_NL_H

#include <stddef.h>
#include <stdint.h>
#include <libmnl/libmnl.h>

#include "ifname.h"

/**
 * struct nl - an rtnetlink (or nfnetlink) socket
 * @sk:		libmnl socket
 * @portid:	our netlink port id
 * @seq:	sequence number of the last request
 */
struct nl {
	struct mnl_socket *sk;
	unsigned int portid;
	unsigned int seq;
};

/**
 * struct nl_link - what tapir needs to know about a link
 * @ifindex:	interface index
 * @mtu:	MTU
 * @master:	ifindex of the master (bridge), 0 if none
 * @flags:	IFF_* flags
 * @name:	interface name
 * @kind:	IFLA_INFO_KIND ("bridge", "tun", "veth"), "" for none
 * @addr:	hardware address
 * @addr_len:	length of @addr, 0 if none
 */
struct nl_link {
	int ifindex;
	unsigned int mtu;
	int master;
	unsigned int flags;
	char name[IFNAME_MAX + 1];
	char kind[32];
	uint8_t addr[32];
	unsigned int addr_len;
};

/**
 * struct nl_link_change - changes for nl_link_set(); unset fields stay
 * @mtu:	new MTU, 0 to keep
 * @master:	new master ifindex, 0 to keep
 * @addr:	new MAC address
 * @set_addr:	non-zero to set @addr
 * @up:		non-zero to bring the link up
 */
struct nl_link_change {
	unsigned int mtu;
	int master;
	uint8_t addr[6];
	int set_addr;
	int up;
};

int nl_open(struct nl *nl);
int nl_open_bus(struct nl *nl, int bus);
void nl_close(struct nl *nl);
int nl_request(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data);
int nl_link_get(struct nl *nl, const char *name, struct nl_link *link);
int nl_link_set(struct nl *nl, const char *name,
		const struct nl_link_change *chg);
int nl_link_set_master(struct nl *nl, const char *name, int master);
int nl_link_set_up(struct nl *nl, const char *name, int up);
int nl_link_set_mtu(struct nl *nl, const char *name, unsigned int mtu);
int nl_bridge_add(struct nl *nl, const char *name, unsigned int mtu,
		  const uint8_t *mac);
int nl_link_del(struct nl *nl, const char *name);
int nl_link_dump(struct nl *nl, struct nl_link **links, size_t *n);
int nl_link_parse(const struct nlmsghdr *nlh, struct nl_link *link);

/*
 * Dumps into growable arrays, for nl_addr.c and nl_route.c: @parse fills a
 * zeroed element from one message and returns 1 to keep it, 0 to skip the
 * message, or -errno.
 */
typedef int (*nl_parse_fn)(const struct nlmsghdr *nlh, void *elem);
int nl_dump(struct nl *nl, uint16_t type, uint8_t family, size_t hdrlen,
	    nl_parse_fn parse, size_t size, void **arr, size_t *n);
void *nl_vec_add(void **arr, size_t *n, size_t size);
size_t nl_family_len(int family);

#endif /* TAPIR_NL_H */
