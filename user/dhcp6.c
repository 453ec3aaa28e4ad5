// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp6.c - stateless DHCPv6 (RFC 8415, formerly RFC 3736) for the guest
 *
 * Theory of operation
 *
 * Guests get their IPv6 address by SLAAC from our router advertisement
 * (ndp.c), which sets the "other configuration" flag; clients that follow
 * it ask for DNS settings with an INFORMATION-REQUEST to
 * All_DHCP_Relay_Agents_and_Servers (ff02::1:2) port 547, which udp.c
 * hands here.  The REPLY carries our server identifier (a DUID-LL made of
 * our MAC), the client's identifier echoed, the DNS server (option 23:
 * opts.dns6), the domain search list (option 24: domainname= and
 * dnssearch=) and an information refresh time (option 32).
 *
 * We hand out no addresses: a SOLICIT gets an ADVERTISE saying
 * NoAddrsAvail (RFC 8415 18.3.9), and every other message is ignored.
 * Messages are checked as RFC 8415 16 asks - an INFORMATION-REQUEST that
 * names another server or asks for addresses, a SOLICIT without client
 * identifier or with a server identifier, are dropped - and read through
 * bounds-checked cursors.  Replies go from our link-local address (the
 * host address for a client that asked from a global one), port 547, to
 * the client's address, port 546.  There is no state.
 */
#include <string.h>

#include "dhcp6.h"
#include "dns.h"
#include "inany.h"
#include "ip.h"
#include "ndp.h"
#include "pkt.h"

#define DHCP6_SOLICIT		1
#define DHCP6_ADVERTISE		2
#define DHCP6_REPLY		7
#define DHCP6_INFO_REQUEST	11

#define DHCP6_OPT_CLIENTID	1
#define DHCP6_OPT_SERVERID	2
#define DHCP6_OPT_IA_NA		3
#define DHCP6_OPT_IA_TA		4
#define DHCP6_OPT_STATUS	13
#define DHCP6_OPT_DNS		23
#define DHCP6_OPT_DOMAINS	24
#define DHCP6_OPT_IA_PD		25
#define DHCP6_OPT_REFRESH	32

#define DHCP6_NO_ADDRS_AVAIL	2
/* Longest DUID (RFC 8415 11.1: 128 octets and the 2-octet type) */
#define DHCP6_DUID_MAX		130
#define DHCP6_REFRESH_TIME	86400
#define DHCP6_OUT		1452

/**
 * struct dhcp6_msg - what we read from a client's message
 * @type:	message type
 * @xid:	transaction id (3 bytes)
 * @cid:	client identifier, NULL if absent
 * @cidlen:	its length
 * @sid:	server identifier, NULL if absent
 * @sidlen:	its length
 * @has_ia:	an IA_NA, IA_TA or IA_PD option is present
 */
struct dhcp6_msg {
	uint8_t type;
	const uint8_t *xid;
	const uint8_t *cid;
	uint16_t cidlen;
	const uint8_t *sid;
	uint16_t sidlen;
	int has_ia;
};

/**
 * dhcp6_duid() - our server DUID: DUID-LL (type 3), Ethernet, our MAC
 * @c:		context
 * @duid:	10 bytes out
 */
static void dhcp6_duid(const struct user_ctx *c, uint8_t *duid)
{
	pkt_put_u16(duid, 3);
	pkt_put_u16(duid + 2, 1);
	memcpy(duid + 4, c->mac, 6);
}

/**
 * dhcp6_parse() - read a client's message
 * @msg:	the UDP payload
 * @len:	its length
 * @m:		out
 *
 * Return: 0, or -1 if it is malformed (options running past the end,
 * identifiers of impossible length, repeated identifiers)
 */
static int dhcp6_parse(const uint8_t *msg, size_t len, struct dhcp6_msg *m)
{
	struct pkt_rd rd;

	memset(m, 0, sizeof(*m));
	pkt_rd_init(&rd, msg, len);
	m->type = pkt_rd_u8(&rd);
	m->xid = pkt_rd_ptr(&rd, 3);
	while (pkt_rd_ok(&rd) && pkt_rd_left(&rd)) {
		uint16_t code = pkt_rd_u16(&rd), olen = pkt_rd_u16(&rd);
		const uint8_t *v = pkt_rd_ptr(&rd, olen);

		if (!v)
			return -1;
		switch (code) {
		case DHCP6_OPT_CLIENTID:
		case DHCP6_OPT_SERVERID:
			if (olen < 2 || olen > DHCP6_DUID_MAX ||
			    (code == DHCP6_OPT_CLIENTID ? m->cid : m->sid))
				return -1;
			if (code == DHCP6_OPT_CLIENTID) {
				m->cid = v;
				m->cidlen = olen;
			} else {
				m->sid = v;
				m->sidlen = olen;
			}
			break;
		case DHCP6_OPT_IA_NA:
		case DHCP6_OPT_IA_TA:
		case DHCP6_OPT_IA_PD:
			m->has_ia = 1;
			break;
		}
	}
	return pkt_rd_ok(&rd) ? 0 : -1;
}

/**
 * dhcp6_put_domains() - append the domain search list option, if any
 * @c:		context
 * @w:		cursor
 */
static void dhcp6_put_domains(const struct user_ctx *c, struct pkt_wr *w)
{
	size_t start = w->off;
	unsigned int i;

	pkt_wr_u16(w, DHCP6_OPT_DOMAINS);
	pkt_wr_u16(w, 0);			/* length, below */
	if (!pkt_wr_ok(w))
		goto none;
	if (c->o->domainname[0])
		dns_name_put(w, c->o->domainname);
	for (i = 0; i < c->o->nsearch && i < OPTS_SEARCH_MAX; i++)
		dns_name_put(w, c->o->search[i]);
	if (w->off == start + 4)
		goto none;
	pkt_put_u16(w->p + start + 2, (uint16_t)(w->off - start - 4));
	return;
none:
	w->off = start;
	w->bad = 0;
}

/**
 * dhcp6_in() - answer a DHCPv6 message from the guest
 * @c:		context
 * @src:	client's address (link-local)
 * @dst:	ff02::1:2
 * @msg:	the UDP payload
 * @len:	its length
 */
void dhcp6_in(struct user_ctx *c, const struct in6_addr *src,
	      const struct in6_addr *dst, const uint8_t *msg, size_t len)
{
	uint8_t out[DHCP6_OUT], udp[8], duid[10];
	struct iovec iov[2];
	struct in6_addr from;
	struct dhcp6_msg m;
	struct pkt_wr w;
	size_t room = ip_payload_max(c, 1);
	uint16_t sum;

	(void)dst;
	if (dhcp6_parse(msg, len, &m) || IN6_IS_ADDR_UNSPECIFIED(src))
		goto drop;
	dhcp6_duid(c, duid);
	if (m.sid && (m.sidlen != sizeof(duid) ||
		      memcmp(m.sid, duid, sizeof(duid))))
		return;				/* for another server */
	if (m.type == DHCP6_INFO_REQUEST) {
		if (m.has_ia)
			goto drop;
	} else if (m.type == DHCP6_SOLICIT) {
		if (!m.cid || m.sid)
			goto drop;
	} else {
		return;
	}
	room = room > 8 ? room - 8 : 0;
	pkt_wr_init(&w, out, room < sizeof(out) ? room : sizeof(out));
	pkt_wr_u8(&w, m.type == DHCP6_SOLICIT ? DHCP6_ADVERTISE : DHCP6_REPLY);
	pkt_wr_bytes(&w, m.xid, 3);
	pkt_wr_u16(&w, DHCP6_OPT_SERVERID);
	pkt_wr_u16(&w, sizeof(duid));
	pkt_wr_bytes(&w, duid, sizeof(duid));
	if (m.cid) {
		pkt_wr_u16(&w, DHCP6_OPT_CLIENTID);
		pkt_wr_u16(&w, m.cidlen);
		pkt_wr_bytes(&w, m.cid, m.cidlen);
	}
	if (m.type == DHCP6_SOLICIT) {
		static const char text[] = "no addresses: use SLAAC";

		pkt_wr_u16(&w, DHCP6_OPT_STATUS);
		pkt_wr_u16(&w, 2 + sizeof(text) - 1);
		pkt_wr_u16(&w, DHCP6_NO_ADDRS_AVAIL);
		pkt_wr_bytes(&w, text, sizeof(text) - 1);
	} else {
		if (!IN6_IS_ADDR_UNSPECIFIED(&c->o->dns6)) {
			pkt_wr_u16(&w, DHCP6_OPT_DNS);
			pkt_wr_u16(&w, 16);
			pkt_wr_bytes(&w, &c->o->dns6, 16);
		}
		pkt_wr_u16(&w, DHCP6_OPT_REFRESH);
		pkt_wr_u16(&w, 4);
		pkt_wr_u32(&w, DHCP6_REFRESH_TIME);
		if (pkt_wr_ok(&w))
			dhcp6_put_domains(c, &w);
	}
	if (!pkt_wr_ok(&w))
		return;
	if (IN6_IS_ADDR_LINKLOCAL(src))
		ndp_ll_addr(c, &from);
	else
		from = c->o->host6;
	pkt_put_u16(udp, DHCP6_SERVER_PORT);
	pkt_put_u16(udp + 2, DHCP6_CLIENT_PORT);
	pkt_put_u16(udp + 4, (uint16_t)(8 + w.off));
	pkt_put_u16(udp + 6, 0);
	iov[0].iov_base = udp;
	iov[0].iov_len = 8;
	iov[1].iov_base = out;
	iov[1].iov_len = w.off;
	sum = ip_l4_csum(&from, src, IPPROTO_UDP, iov, 2, 8 + w.off);
	memcpy(udp + 6, &sum, 2);
	ip_send(c, &from, src, IPPROTO_UDP, iov, 2, 8 + w.off);
	return;
drop:
	c->stat_drop++;
}
