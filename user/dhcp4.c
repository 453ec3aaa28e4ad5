// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp4.c - the DHCPv4 server of the guest's network
 *
 * Theory of operation
 *
 * The protocol is lib/dhcp.c's engine, the same one tapir's managed
 * networks use; this file only feeds it.  udp.c hands over every UDP
 * datagram from the guest to port 67; dhcp_handle() answers it against an
 * in-memory lease store, and the reply goes back through ip_send() from
 * the host address, port 67 to 68, to the broadcast address or to the
 * address offered, as the engine decides (RFC 2131 4.1).
 *
 * What the guest gets, as QEMU's built-in server gives it: the address
 * from a pool of 16 starting at dhcpstart= (cut at the network's last host
 * address), handed out in order so the first guest gets dhcpstart itself;
 * the netmask; the host address as router and server identifier; the DNS
 * address; domainname=, dnssearch= and hostname=; a lease of one day; the
 * MTU; and for network boot, the host address as next server with
 * bootfile= and tftp-server-name= (options 66 and 67).  The server is
 * authoritative: it is the only one on this network.
 *
 * Addresses of ours that fall inside the pool - the DNS address and
 * guestfwd servers - are held back as static hosts with MACs no guest
 * has.  An ACK makes its address the guest's current IPv4 address.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "dhcp.h"
#include "dhcp4.h"
#include "inany.h"
#include "ip.h"
#include "lease.h"
#include "log.h"
#include "pkt.h"

/* libslirp serves 16 leases */
#define DHCP4_POOL		16
#define DHCP4_LEASE_TIME	86400
/* Largest reply built (the engine keeps to the client's maximum) */
#define DHCP4_OUT		1472

static struct dhcp dhcp4_srv;
static struct lease_store *dhcp4_ls;
static uint8_t dhcp4_out[DHCP4_OUT];

/**
 * dhcp4_reserve() - add a static host holding back one of our addresses
 * @st:		static host table
 * @n:		entries so far, updated
 * @max:	size of @st
 * @ip:		the address, host order
 * @first:	first address of the pool
 * @last:	last address of the pool
 */
static void dhcp4_reserve(struct lease_static *st, size_t *n, size_t max,
			  uint32_t ip, uint32_t first, uint32_t last)
{
	static const uint8_t base[6] = { 0x52, 0x55, 0xff, 0xff, 0xff, 0 };
	size_t i;

	if (ip < first || ip > last || *n >= max)
		return;
	for (i = 0; i < *n; i++)
		if (st[i].ip == ip)
			return;
	memcpy(st[*n].mac, base, 6);
	st[*n].mac[5] = (uint8_t)*n;
	st[*n].ip = ip;
	st[*n].hostname = NULL;
	(*n)++;
}

/**
 * dhcp4_init() - set the server up from the options
 * @c:		context
 *
 * Return: 0 (also with IPv4 off: the server then stays silent), -EINVAL
 * for options the engine refuses (logged), or -ENOMEM
 */
int dhcp4_init(struct user_ctx *c)
{
	const struct user_opts *o = c->o;
	struct lease_static st[OPTS_GUESTFWD_MAX + 1];
	const char *search[OPTS_SEARCH_MAX];
	int boot = o->tftp[0] || o->bootfile[0];
	struct dhcp_cfg cfg = {
		.server = ntohl(o->host.s_addr),
		.netmask = ntohl(o->mask.s_addr),
		.router = ntohl(o->host.s_addr),
		.dns = { ntohl(o->dns.s_addr) },
		.ndns = 1,
		.domain = o->domainname,
		.search = search,
		.nsearch = o->nsearch < OPTS_SEARCH_MAX ? o->nsearch :
							  OPTS_SEARCH_MAX,
		.hostname = o->hostname,
		.lease_time = DHCP4_LEASE_TIME,
		.mtu = (uint16_t)o->mtu,
		.authoritative = 1,
		.next_server = boot ? ntohl(o->host.s_addr) : 0,
		.bootfile = o->bootfile,
		.tftp_server = o->tftp_server_name,
	};
	struct lease_cfg lcfg = { 0 };
	uint32_t last;
	unsigned int i;
	size_t nst = 0;
	int rc;

	dhcp4_fini(c);
	if (!o->ipv4)
		return 0;
	for (i = 0; i < cfg.nsearch; i++)
		search[i] = o->search[i];
	rc = dhcp_init(&dhcp4_srv, &cfg);
	if (rc < 0)
		goto out;
	lcfg.pool_first = ntohl(o->dhcpstart.s_addr);
	last = ntohl(o->net.s_addr | ~o->mask.s_addr) - 1;
	lcfg.pool_last = lcfg.pool_first + DHCP4_POOL - 1;
	if (lcfg.pool_last > last || lcfg.pool_last < lcfg.pool_first)
		lcfg.pool_last = last;
	if (lcfg.pool_last < lcfg.pool_first) {
		rc = -EINVAL;
		goto out;
	}
	dhcp4_reserve(st, &nst, OPTS_GUESTFWD_MAX + 1, ntohl(o->dns.s_addr),
		      lcfg.pool_first, lcfg.pool_last);
	for (i = 0; i < o->ngfwd && i < OPTS_GUESTFWD_MAX; i++)
		dhcp4_reserve(st, &nst, OPTS_GUESTFWD_MAX + 1,
			      ntohl(o->gfwd[i].addr.s_addr), lcfg.pool_first,
			      lcfg.pool_last);
	lcfg.server = cfg.server;
	lcfg.statics = st;
	lcfg.nstatic = nst;
	lcfg.sequential = 1;
	rc = lease_open(&dhcp4_ls, &lcfg, c->now);
out:
	if (rc < 0)
		log_err("dhcp: cannot set up the DHCP server: %s",
			strerror(-rc));
	return rc;
}

/**
 * dhcp4_send() - send the reply in dhcp4_out to the guest
 * @c:		context
 * @from:	source address (the host address)
 * @to:		destination address
 * @port:	destination port
 * @len:	length of the reply
 */
static void dhcp4_send(struct user_ctx *c, const struct in6_addr *from,
		       const struct in6_addr *to, uint16_t port, size_t len)
{
	uint8_t udp[8];
	struct iovec iov[2] = {
		{ .iov_base = udp, .iov_len = sizeof(udp) },
		{ .iov_base = dhcp4_out, .iov_len = len },
	};
	uint16_t sum;

	pkt_put_u16(udp, DHCP_SERVER_PORT);
	pkt_put_u16(udp + 2, port);
	pkt_put_u16(udp + 4, (uint16_t)(8 + len));
	pkt_put_u16(udp + 6, 0);
	sum = ip_l4_csum(from, to, IPPROTO_UDP, iov, 2, 8 + len);
	memcpy(udp + 6, &sum, 2);
	ip_send(c, from, to, IPPROTO_UDP, iov, 2, 8 + len);
}

/**
 * dhcp4_in() - answer a DHCP request from the guest
 * @c:		context
 * @src:	its source address (0.0.0.0 before it has one)
 * @dst:	its destination (broadcast, or the host address)
 * @msg:	the UDP payload
 * @len:	its length
 */
void dhcp4_in(struct user_ctx *c, const struct in6_addr *src,
	      const struct in6_addr *dst, const uint8_t *msg, size_t len)
{
	size_t outsz = ip_payload_max(c, 0);
	struct in6_addr from, to;
	struct in_addr a;
	struct dhcp_tx tx;
	uint32_t yiaddr;
	int n;

	(void)src;
	(void)dst;
	if (!dhcp4_ls)
		return;
	outsz = outsz > 8 ? outsz - 8 : 0;
	if (outsz > sizeof(dhcp4_out))
		outsz = sizeof(dhcp4_out);
	n = dhcp_handle(&dhcp4_srv, dhcp4_ls, c->now, msg, len, dhcp4_out,
			outsz, &tx);
	if (n <= 0)
		return;
	if (tx.dest == DHCP_DEST_BROADCAST)
		a.s_addr = htonl(INADDR_BROADCAST);
	else if (tx.dest == DHCP_DEST_UNICAST)
		a.s_addr = htonl(tx.ip);
	else
		return;		/* no relays on this network */
	to = inany_from4(a);
	from = inany_from4(c->o->host);
	yiaddr = pkt_get_u32(dhcp4_out + 16);
	if (tx.type == DHCPACK && yiaddr) {
		a.s_addr = htonl(yiaddr);
		c->guest4 = inany_from4(a);
	}
	dhcp4_send(c, &from, &to, tx.port, (size_t)n);
}

/**
 * dhcp4_fini() - drop the lease store
 * @c:		context
 */
void dhcp4_fini(struct user_ctx *c)
{
	(void)c;
	lease_close(dhcp4_ls);
	dhcp4_ls = NULL;
}
