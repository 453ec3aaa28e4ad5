/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_OPTS_H
#define TAPIR_USER_OPTS_H

#include <netinet/in.h>
#include <stdint.h>

/* Most hostfwd= and guestfwd= rules, and dnssearch= names. */
#define OPTS_FWD_MAX		64
#define OPTS_GUESTFWD_MAX	16
#define OPTS_SEARCH_MAX		8
/* Longest string option value kept (hostname, domainname, paths). */
#define OPTS_STR_MAX		256
/* MTU range: 68 (RFC 791's minimum; QEMU's libslirp takes 68) to 65520. */
#define OPTS_MTU_MIN		68
#define OPTS_MTU_MAX		65520
/* Default flow table size, per protocol. */
#define OPTS_FLOWS_DEFAULT	65536

/**
 * struct opts_fwd - one hostfwd= rule (or one added at run time)
 * @udp:	1 for udp:, 0 for tcp: (the default)
 * @host:	host address to listen on; IPv4 as v4-mapped IPv6
 *		(::ffff:a.b.c.d); in6addr_any for "listen on all", which
 *		tapir takes as both 0.0.0.0 and :: (QEMU: 0.0.0.0 only)
 * @host_any:	hostaddr was empty
 * @host_port:	host port (may be 0: the kernel picks one)
 * @guest:	guest address, v4-mapped; opts_finish() sets it to the
 *		first DHCP address when it was empty
 * @guest_any:	guestaddr was empty
 * @guest_port:	guest port, 1..65535
 */
struct opts_fwd {
	int udp;
	struct in6_addr host;
	int host_any;
	uint16_t host_port;
	struct in6_addr guest;
	int guest_any;
	uint16_t guest_port;
};

/**
 * struct opts_guestfwd - one guestfwd= rule
 * @addr:	guest-side server address (IPv4, inside net=)
 * @port:	guest-side port
 * @cmd:	for "cmd:COMMAND", the command run with sh -c per connection,
 *		its stdin/stdout the connection; "" otherwise
 * @target:	for "HOST:PORT", the text HOST:PORT ("" for cmd:)
 */
struct opts_guestfwd {
	struct in_addr addr;
	uint16_t port;
	char cmd[OPTS_STR_MAX];
	char target[OPTS_STR_MAX];
};

/**
 * struct user_opts - QEMU's -netdev user options, parsed and validated
 *
 * Addresses are in network byte order (struct in_addr / in6_addr).
 * opts_defaults() fills QEMU's defaults; opts_parse() applies one
 * comma-separated string on top; opts_finish() derives and validates
 * what depends on several options (host, dns and dhcpstart inside net,
 * ...) exactly once, after every string was parsed.
 *
 * @ipv4, @ipv6:	families on (1) or off (0)
 * @net:		guest network address (host bits zero)
 * @mask:		its netmask
 * @host:		gateway/host address (default .2)
 * @dns:		DNS address (default .3)
 * @dhcpstart:		first DHCP address (default .15)
 * @net6:		IPv6 prefix (default fec0::)
 * @net6_len:		its length (default 64)
 * @host6, @dns6:	IPv6 host and DNS addresses (default ::2, ::3 in it)
 * @restrict_:		restrict=on
 * @hostname:		DHCP option 12, "" for none
 * @domainname:		DHCP option 15, "" for none
 * @search:		dnssearch= names, @nsearch of them (option 119)
 * @fwd:		hostfwd= rules, @nfwd of them
 * @gfwd:		guestfwd= rules, @ngfwd of them
 * @tftp:		tftp= root directory, "" for none
 * @tftp_server_name:	tftp-server-name= (DHCP option 66), "" for none
 * @bootfile:		bootfile= (DHCP file field / option 67), "" for none
 * @mtu:		mtu= (ours), default 1500
 * @no_host_loopback:	--no-host-loopback (ours)
 * @flows_max:		--max-flows (ours), per protocol; the TCP table's size
 * @flows_dgram:	the UDP and ICMP tables' size when main.c made them
 *			smaller than @flows_max to fit the fd limit, 0 if not
 * @given:		which options were set explicitly (opts.c's own
 *			bookkeeping): opts_finish() derives only what was
 *			not given, whatever the order of the options
 */
struct user_opts {
	int ipv4, ipv6;
	struct in_addr net, mask, host, dns, dhcpstart;
	struct in6_addr net6;
	unsigned int net6_len;
	struct in6_addr host6, dns6;
	int restrict_;
	char hostname[OPTS_STR_MAX];
	char domainname[OPTS_STR_MAX];
	char search[OPTS_SEARCH_MAX][OPTS_STR_MAX];
	unsigned int nsearch;
	struct opts_fwd fwd[OPTS_FWD_MAX];
	unsigned int nfwd;
	struct opts_guestfwd gfwd[OPTS_GUESTFWD_MAX];
	unsigned int ngfwd;
	char tftp[OPTS_STR_MAX];
	char tftp_server_name[OPTS_STR_MAX];
	char bootfile[OPTS_STR_MAX];
	unsigned int mtu;
	int no_host_loopback;
	unsigned int flows_max;
	unsigned int flows_dgram;
	unsigned int given;
};

void opts_defaults(struct user_opts *o);
int opts_parse(struct user_opts *o, const char *str, char *err, size_t errlen);
int opts_set(struct user_opts *o, const char *key, const char *value,
	     char *err, size_t errlen);
int opts_finish(struct user_opts *o, char *err, size_t errlen);
int opts_fwd_parse(struct opts_fwd *f, const char *str, const struct user_opts *o,
		   char *err, size_t errlen);
int opts_fwd_format(const struct opts_fwd *f, char *buf, size_t len);

#endif /* TAPIR_USER_OPTS_H */
