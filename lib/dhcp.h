/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_DHCP_H
#define TAPIR_DHCP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "lease.h"

#define DHCP_SERVER_PORT	67
#define DHCP_CLIENT_PORT	68

/* Most DNS servers handed out (option 6). */
#define DHCP_MAX_DNS		4
/* Smallest reply buffer dhcp_handle() accepts; 1500 is plenty. */
#define DHCP_OUT_MIN		548
/* Room for the options encoded once by dhcp_init(). */
#define DHCP_OPT_BYTES		1024

/* Message types (option 53). */
enum dhcp_type {
	DHCPDISCOVER = 1,
	DHCPOFFER,
	DHCPREQUEST,
	DHCPDECLINE,
	DHCPACK,
	DHCPNAK,
	DHCPRELEASE,
	DHCPINFORM,
};

/**
 * struct dhcp_cfg - what the server hands out (addresses in host order)
 * @server:	server's address on the network, also its identifier
 * @netmask:	subnet mask (option 1)
 * @router:	default router (option 3), 0 for none
 * @dns:	DNS servers (option 6)
 * @ndns:	number of @dns, 0 for none
 * @domain:	domain name (option 15), NULL for none
 * @search:	domain search list (option 119), @nsearch names
 * @nsearch:	number of @search, 0 for none
 * @hostname:	host name given to every client (option 12), NULL for none;
 *		for the user-mode backend, which has one guest
 * @lease_time:	lease time in seconds (option 51); T1 is half, T2 7/8
 * @mtu:	interface MTU (option 26), 0 for none
 * @authoritative: the only server on this network: NAK requests for
 *		addresses that are not the client's, and ACK a client that
 *		asks for a free address we have no record of (after the
 *		lease file was lost); otherwise stay silent for clients we
 *		have no record of (RFC 2131 4.3.2)
 * @next_server: "next server" for network boot, sent as siaddr in
 *		offers and acks; 0 for none
 * @bootfile:	boot file name, sent in the 'file' field (if it fits its
 *		127 characters) and as option 67; NULL or "" for none
 * @tftp_server: TFTP server name (option 66), NULL or "" for none
 *
 * dhcp_init() copies and encodes everything; the strings need not live on.
 */
struct dhcp_cfg {
	uint32_t server;
	uint32_t netmask;
	uint32_t router;
	uint32_t dns[DHCP_MAX_DNS];
	unsigned int ndns;
	const char *domain;
	const char *const *search;
	unsigned int nsearch;
	const char *hostname;
	uint32_t lease_time;
	uint16_t mtu;
	int authoritative;
	uint32_t next_server;
	const char *bootfile;
	const char *tftp_server;
};

/**
 * enum dhcp_dest - where a reply goes (RFC 2131 4.1)
 * @DHCP_DEST_NONE:	nowhere: no reply
 * @DHCP_DEST_BROADCAST: to 255.255.255.255:68, Ethernet ff:ff:ff:ff:ff:ff
 * @DHCP_DEST_UNICAST:	to dhcp_tx.ip:68, Ethernet dhcp_tx.mac (the
 *			client's chaddr; send on a packet socket, since the
 *			client may not answer ARP yet)
 * @DHCP_DEST_RELAY:	to dhcp_tx.ip:67, the relay agent, through the
 *			ordinary UDP socket (routed, ARP as usual)
 */
enum dhcp_dest {
	DHCP_DEST_NONE,
	DHCP_DEST_BROADCAST,
	DHCP_DEST_UNICAST,
	DHCP_DEST_RELAY,
};

/**
 * enum dhcp_why - outcome of one request, for counters and tests
 * @DHCP_SENT:		a reply was written
 * @DHCP_SHORT:		shorter than the fixed BOOTP header and cookie
 * @DHCP_NOT_REQUEST:	op is not BOOTREQUEST
 * @DHCP_NOT_ETHERNET:	htype/hlen are not Ethernet (1/6)
 * @DHCP_BAD_COOKIE:	no DHCP magic cookie
 * @DHCP_BAD_OPTION:	an option runs past its area or has a bad length
 * @DHCP_NO_TYPE:	no message type option (plain BOOTP is not served)
 * @DHCP_BAD_CHADDR:	client hardware address is zero or multicast
 * @DHCP_BAD_TYPE:	a message type a server does not take
 * @DHCP_FOREIGN:	relayed from another subnet, or INFORM from one
 * @DHCP_OTHER_SERVER:	meant for another server
 * @DHCP_EXHAUSTED:	no address left to offer
 * @DHCP_NOT_OURS:	not authoritative and no record of the client
 * @DHCP_DONE:		RELEASE or DECLINE taken (they get no reply)
 * @DHCP_IGNORED:	a request missing what it needs, or a RELEASE or
 *			DECLINE of an address that is not the client's
 * @DHCP_STORE_ERROR:	the lease could not be recorded: no ACK sent
 * @DHCP_WHY_MAX:	number of outcomes
 */
enum dhcp_why {
	DHCP_SENT,
	DHCP_SHORT,
	DHCP_NOT_REQUEST,
	DHCP_NOT_ETHERNET,
	DHCP_BAD_COOKIE,
	DHCP_BAD_OPTION,
	DHCP_NO_TYPE,
	DHCP_BAD_CHADDR,
	DHCP_BAD_TYPE,
	DHCP_FOREIGN,
	DHCP_OTHER_SERVER,
	DHCP_EXHAUSTED,
	DHCP_NOT_OURS,
	DHCP_DONE,
	DHCP_IGNORED,
	DHCP_STORE_ERROR,
	DHCP_WHY_MAX,
};

/**
 * struct dhcp_tx - what to do with a reply
 * @dest:	where it goes
 * @ip:		destination address (host order), for UNICAST and RELAY
 * @port:	destination UDP port
 * @mac:	destination Ethernet address, for BROADCAST and UNICAST
 * @type:	message type of the reply (DHCPOFFER, DHCPACK, DHCPNAK), or 0
 * @why:	outcome
 */
struct dhcp_tx {
	enum dhcp_dest dest;
	uint32_t ip;
	uint16_t port;
	uint8_t mac[6];
	uint8_t type;
	enum dhcp_why why;
};

/**
 * struct dhcp_opt - one option encoded by dhcp_init()
 * @code:	option code
 * @len:	bytes at @off in dhcp.opt, code and length octets included
 * @off:	where it starts
 */
struct dhcp_opt {
	uint8_t code;
	uint16_t len;
	uint16_t off;
};

/**
 * struct dhcp - one DHCP server; fill with dhcp_init(), treat as opaque
 * except @count
 * @server:	server's address
 * @netmask:	subnet mask
 * @lease_time:	lease time
 * @authoritative: see struct dhcp_cfg
 * @next_server: siaddr of offers and acks, see struct dhcp_cfg
 * @file:	'file' field of offers and acks, NUL-padded
 * @opt:	encoded options
 * @opts:	the options in @opt, in the order they are sent
 * @nopts:	number of @opts
 * @count:	requests seen, by outcome
 * @warn_at:	time of the last rate-limited warning
 * @warn_quiet:	warnings suppressed since
 */
struct dhcp {
	uint32_t server;
	uint32_t netmask;
	uint32_t lease_time;
	int authoritative;
	uint32_t next_server;
	uint8_t file[128];
	uint8_t opt[DHCP_OPT_BYTES];
	struct dhcp_opt opts[14];
	unsigned int nopts;
	uint64_t count[DHCP_WHY_MAX];
	time_t warn_at;
	unsigned long warn_quiet;
};

int dhcp_init(struct dhcp *d, const struct dhcp_cfg *cfg);
int dhcp_handle(struct dhcp *d, struct lease_store *ls, time_t now,
		const uint8_t *req, size_t len, uint8_t *out, size_t outsz,
		struct dhcp_tx *tx);
const char *dhcp_why_str(enum dhcp_why why);

#endif /* TAPIR_DHCP_H */
