/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_CONF_H
#define TAPIR_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ifname.h"
#include "inet.h"

/* Longest network name: "tp-" + 12 bytes fits in IFNAME_MAX. */
#define CONF_NAME_MAX		12
/* Most networks in one file, and most dhcp-host lines in one network. */
#define CONF_NETS_MAX		256
#define CONF_HOSTS_MAX		4096
/* Largest tapir.conf read. */
#define CONF_FILE_MAX		(1024 * 1024)
/* MTU limits: a bridge takes 68 to 65535, a tap device at most 65521. */
#define CONF_MTU_MIN		68
#define CONF_MTU_MAX		65521
#define CONF_MTU_DEFAULT	1500
/* "mtu = auto": the uplink's in bridge mode (its default), else 1500 */
#define CONF_MTU_AUTO		0

/* The built-in network, and its bridge. */
#define CONF_DEFAULT_NET	"default"
#define CONF_DEFAULT_BRIDGE	"tapir0"

enum conf_mode {
	CONF_NAT,
	CONF_ISOLATED,
	CONF_ROUTED,
	CONF_BRIDGE,
};

/* Where the host's address on the bridge comes from. */
enum conf_addr {
	CONF_ADDR_NONE,		/* bridge mode: the host has none of ours */
	CONF_ADDR_AUTO,		/* to be picked at up time: conf_net_assign() */
	CONF_ADDR_SET,		/* given in the file */
	CONF_ADDR_PICKED,	/* picked, through conf_net_assign() */
};

/* Keys of a [network NAME] section: indexes of struct conf_net's @at. */
enum conf_key {
	CONF_K_MODE,
	CONF_K_BRIDGE,
	CONF_K_UPLINK,
	CONF_K_ADDRESS,
	CONF_K_DHCP_RANGE,
	CONF_K_DHCP,
	CONF_K_DNS,
	CONF_K_DOMAIN,
	CONF_K_MTU,
	CONF_K_DHCP_HOST,
	CONF_K_COUNT,
};

/**
 * struct conf_loc - where a value comes from
 * @file:	file name as given to conf_load(), owned by the struct conf
 * @line:	line number, 1 and up; 0 for a default (or the built-in
 *		network), in which case @file may be NULL
 */
struct conf_loc {
	const char *file;
	unsigned int line;
};

/**
 * struct conf_host - one dhcp-host line: a fixed address for a MAC
 * @mac:	unicast MAC address
 * @ip:		address, host byte order, a usable host of the subnet
 * @name:	host name (one lowercase label), or "" if none
 * @loc:	where the line is
 */
struct conf_host {
	struct inet_mac mac;
	uint32_t ip;
	char name[INET_LABEL_MAX + 1];
	struct conf_loc loc;
};

/**
 * struct conf_net - one network, defaults filled in
 * @name:	network name
 * @mode:	nat, isolated, routed or bridge
 * @bridge:	bridge interface name
 * @uplink:	NIC to enslave in bridge mode, "" in other modes
 * @addr_state:	whether @addr is known yet
 * @addr:	host's address on the bridge with the subnet's prefix length,
 *		when @addr_state is CONF_ADDR_SET or CONF_ADDR_PICKED
 * @range_first: first address the DHCP server leases, host byte order,
 *		when @dhcp is on and @addr is known
 * @range_last:	last address it leases
 * @dhcp:	DHCP server on the bridge (always 0 in bridge mode)
 * @dns:	DNS forwarder on the bridge (always 0 in bridge mode)
 * @domain:	lowercase domain of the guests, "" in bridge mode
 * @mtu:	bridge MTU; CONF_MTU_AUTO in bridge mode for the uplink's
 * @host:	dhcp-host entries, in file order
 * @nhosts:	number of entries in @host
 * @loc:	the section header; line 0 for the built-in network
 * @at:		where each key was set; line 0 if it took its default (for
 *		CONF_K_DHCP_HOST, the first dhcp-host line)
 */
struct conf_net {
	char name[CONF_NAME_MAX + 1];
	enum conf_mode mode;
	char bridge[IFNAME_MAX + 1];
	char uplink[IFNAME_MAX + 1];
	enum conf_addr addr_state;
	struct inet_prefix addr;
	uint32_t range_first;
	uint32_t range_last;
	int dhcp;
	int dns;
	char domain[INET_DOMAIN_MAX + 1];
	unsigned int mtu;
	struct conf_host *host;
	size_t nhosts;
	struct conf_loc loc;
	struct conf_loc at[CONF_K_COUNT];
};

/**
 * struct conf - a whole tapir.conf, validated
 * @file:	name of the file read (messages and every @file of a
 *		struct conf_loc point here)
 * @net:	networks: the built-in "default" first unless the file
 *		defines its own, then the file's in file order
 * @nnets:	number of entries in @net
 * @err:	why loading failed, "FILE:LINE: message"
 */
struct conf {
	char *file;
	struct conf_net *net;
	size_t nnets;
	char err[1024];
};

void conf_init(struct conf *c);
void conf_free(struct conf *c);
int conf_load(struct conf *c, const char *path);
int conf_load_buf(struct conf *c, const char *name, const char *buf,
		  size_t len);
struct conf_net *conf_net(const struct conf *c, const char *name);
int conf_net_assign(struct conf_net *n, const struct inet_prefix *subnet);
int conf_net_equal(const struct conf_net *a, const struct conf_net *b);
const struct conf_loc *conf_net_loc(const struct conf_net *n, enum conf_key k);
void conf_print(FILE *f, const struct conf *c);
const char *conf_mode_name(enum conf_mode mode);
char *conf_loc_fmt(const struct conf_loc *loc, char *buf, size_t len);

#endif /* TAPIR_CONF_H */
