// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhcp.c - DHCPv4 server engine: one request in, at most one reply out
 *
 * Theory of operation
 *
 * dhcp_handle() takes the UDP payload of a request (a BOOTP message with
 * DHCP options), the lease store and the current time, and writes the
 * reply payload into the caller's buffer, saying where it must go.  It
 * knows nothing of sockets, so the same engine serves a bridge (tapir net)
 * and the user-mode backend, and the fuzzer can drive it directly.  It
 * never allocates: the request is parsed in place through the bounds-
 * checked cursors of pkt.h, and options that never change (mask, router,
 * DNS, domain, MTU, search list) are encoded once by dhcp_init().
 *
 * Requests are dropped without a reply, with the reason counted in
 * dhcp.count (enum dhcp_why), when op is not BOOTREQUEST, htype/hlen are
 * not Ethernet, the magic cookie is missing, the message is shorter than
 * the fixed header, an option runs past its area or has a wrong length,
 * there is no message type (no plain BOOTP), chaddr is zero or multicast,
 * or a relay (giaddr) is outside our subnet.  Options are read from the
 * options field, then from 'file' and 'sname' when option 52 says they
 * are overloaded (RFC 2131 4.1); the first instance of an option counts.
 *
 * Leases are keyed by chaddr, as dnsmasq does by default on Ethernet; the
 * client identifier (61) is not used for that, since a guest's MAC is what
 * the VM configuration fixes and some firmware (iPXE, then the OS) changes
 * its client identifier between boots.  It is echoed back (RFC 6842).
 *
 * Message handling (RFC 2131 4.3):
 *  DISCOVER	OFFER the address lease_offer() picks; none (and a warning)
 *		when the pool is exhausted.
 *  REQUEST	with a server identifier (SELECTING): ignored if it names
 *		another server (our offer is dropped); else the requested
 *		address.  Without one: ciaddr (RENEWING/REBINDING) or option
 *		50 (INIT-REBOOT).  ACK if lease_claim() says the address is
 *		the client's, or free and we are authoritative; NAK if it
 *		is another's or not ours to give; silent if we are not
 *		authoritative and have no record of the client.
 *  DECLINE	the address is held back (lease_decline()); no reply.
 *  RELEASE	the lease ends (lease_release()); no reply.
 *  INFORM	ACK with the configuration options and no lease.
 * Every ACK is recorded in the journal before dhcp_handle() returns.
 *
 * Replies carry 53, 54, and for leases 51, 58 (T1 = lease/2) and 59 (T2 =
 * 7/8 lease); then the client identifier echo; then 1, 3, 6, 15, 26,
 * 119, 67 and 66 as configured - those in the parameter request list
 * (55) first, the others after them if room is left ("loosely" honoured:
 * RFC 2131 allows extra options); then 12 (the static host's configured
 * name, else the configured name, else the client's own, echoed); and the
 * relay agent information (82) last, as RFC 3046 asks.  Offers and acks
 * of a lease also carry the network boot settings in siaddr and 'file'.
 * A reply fits in the client's maximum message size (57, at least 576
 * minus IP and UDP headers); options that do not fit are left out.
 * Replies are padded to 300 bytes, the BOOTP minimum some relays and
 * clients expect.
 *
 * Destination (RFC 2131 4.1): to the relay at giaddr:67 if giaddr is set
 * (a NAK then has the broadcast flag set); else a NAK is broadcast; else
 * to ciaddr if set; else broadcast if the client set the broadcast flag
 * or there is no yiaddr; else unicast to yiaddr at chaddr.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dhcp.h"
#include "log.h"
#include "pkt.h"

#define DHCP_OP_REQUEST		1
#define DHCP_OP_REPLY		2
#define DHCP_HTYPE_ETHER	1
#define DHCP_COOKIE		0x63825363u
#define DHCP_FLAG_BROADCAST	0x8000
/* Smallest message every client must take: 576 minus IP and UDP headers */
#define DHCP_MSG_MIN		548
#define DHCP_IP_UDP		28
/* BOOTP's minimum message length, which replies are padded to */
#define DHCP_BOOTP_MIN		300
/* At most one rate-limited warning per this many seconds */
#define DHCP_WARN_INTERVAL	10

#define DHCP_OPT_PAD		0
#define DHCP_OPT_MASK		1
#define DHCP_OPT_ROUTER		3
#define DHCP_OPT_DNS		6
#define DHCP_OPT_HOSTNAME	12
#define DHCP_OPT_DOMAIN		15
#define DHCP_OPT_MTU		26
#define DHCP_OPT_REQ_IP		50
#define DHCP_OPT_LEASE		51
#define DHCP_OPT_OVERLOAD	52
#define DHCP_OPT_TYPE		53
#define DHCP_OPT_SERVER_ID	54
#define DHCP_OPT_PRL		55
#define DHCP_OPT_MAX_SIZE	57
#define DHCP_OPT_T1		58
#define DHCP_OPT_T2		59
#define DHCP_OPT_CLIENT_ID	61
#define DHCP_OPT_RELAY		82
#define DHCP_OPT_TFTP_SERVER	66
#define DHCP_OPT_BOOTFILE	67
#define DHCP_OPT_SEARCH		119
#define DHCP_OPT_END		255

/**
 * struct dhcp_blob - an option's value, inside the request
 * @p:		first byte, NULL if the option is absent or empty
 * @len:	length
 */
struct dhcp_blob {
	const uint8_t *p;
	uint8_t len;
};

/**
 * struct dhcp_req - a parsed request; pointers are into the request
 * @xid:	transaction id
 * @flags:	BOOTP flags
 * @ciaddr:	client's address
 * @giaddr:	relay's address
 * @chaddr:	16 bytes of client hardware address (the MAC is the first 6)
 * @type:	message type (53)
 * @reqip:	requested address (50), 0 if absent
 * @srvid:	server identifier (54), 0 if absent
 * @maxsize:	maximum message size (57), 0 if absent
 * @overload:	option overload (52)
 * @name:	host name (12)
 * @cid:	client identifier (61)
 * @relay:	relay agent information (82)
 * @has_prl:	a parameter request list (55) was sent
 * @want:	bitmap of the options it lists
 * @seen:	bitmap of the options read so far
 */
struct dhcp_req {
	uint32_t xid;
	uint16_t flags;
	uint32_t ciaddr;
	uint32_t giaddr;
	const uint8_t *chaddr;
	uint8_t type;
	uint32_t reqip;
	uint32_t srvid;
	uint16_t maxsize;
	uint8_t overload;
	struct dhcp_blob name;
	struct dhcp_blob cid;
	struct dhcp_blob relay;
	int has_prl;
	uint8_t want[32];
	uint8_t seen[32];
};

static const uint8_t dhcp_bcast_mac[6] = { 255, 255, 255, 255, 255, 255 };

static int dhcp_bit(const uint8_t *map, uint8_t code)
{
	return map[code >> 3] & (1 << (code & 7));
}

static void dhcp_set_bit(uint8_t *map, uint8_t code)
{
	map[code >> 3] |= (uint8_t)(1 << (code & 7));
}

/**
 * dhcp_why_str() - describe an outcome, for logs
 * @why:	outcome
 *
 * Return: a short phrase
 */
const char *dhcp_why_str(enum dhcp_why why)
{
	static const char *const str[DHCP_WHY_MAX] = {
		[DHCP_SENT] = "reply sent",
		[DHCP_SHORT] = "truncated message",
		[DHCP_NOT_REQUEST] = "not a BOOTREQUEST",
		[DHCP_NOT_ETHERNET] = "hardware type is not Ethernet",
		[DHCP_BAD_COOKIE] = "no DHCP magic cookie",
		[DHCP_BAD_OPTION] = "malformed option",
		[DHCP_NO_TYPE] = "no message type",
		[DHCP_BAD_CHADDR] = "bad client hardware address",
		[DHCP_BAD_TYPE] = "message type not for a server",
		[DHCP_FOREIGN] = "from another subnet",
		[DHCP_OTHER_SERVER] = "for another server",
		[DHCP_EXHAUSTED] = "address pool exhausted",
		[DHCP_NOT_OURS] = "unknown client, not authoritative",
		[DHCP_DONE] = "done, no reply needed",
		[DHCP_IGNORED] = "ignored",
		[DHCP_STORE_ERROR] = "lease not recorded",
	};

	return (unsigned int)why < DHCP_WHY_MAX ? str[why] : "?";
}

/**
 * dhcp_warn() - log a warning, at most one per DHCP_WARN_INTERVAL seconds
 * @d:		server
 * @now:	current time
 * @fmt:	printf format
 */
static void dhcp_warn(struct dhcp *d, time_t now, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void dhcp_warn(struct dhcp *d, time_t now, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (d->warn_at && now >= d->warn_at &&
	    now - d->warn_at < DHCP_WARN_INTERVAL) {
		d->warn_quiet++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (d->warn_quiet)
		log_warn("%s (%lu more warnings suppressed)", msg,
			 d->warn_quiet);
	else
		log_warn("%s", msg);
	d->warn_at = now;
	d->warn_quiet = 0;
}

/**
 * dhcp_encode_name() - encode a domain name as DNS labels (RFC 1035 3.1)
 * @name:	dotted name, a final dot allowed
 * @out:	where to write, or NULL only to check it
 * @room:	bytes available at @out
 *
 * Labels are 1 to 63 letters, digits, hyphens or underscores; no
 * compression is used.
 *
 * Return: encoded length, or -EINVAL
 */
static int dhcp_encode_name(const char *name, uint8_t *out, size_t room)
{
	size_t n = 0, ll, i;
	const char *p = name;

	while (*p) {
		for (ll = 0; p[ll] && p[ll] != '.'; ll++) {
			char c = p[ll];

			if (!(c >= 'a' && c <= 'z') && !(c >= 'A' && c <= 'Z') &&
			    !(c >= '0' && c <= '9') && c != '-' && c != '_')
				return -EINVAL;
		}
		if (ll == 0 || ll > 63 || n + ll + 2 > 255 || n + ll + 2 > room)
			return -EINVAL;
		if (out) {
			out[n] = (uint8_t)ll;
			for (i = 0; i < ll; i++)
				out[n + 1 + i] = (uint8_t)p[i];
		}
		n += ll + 1;
		p += ll;
		if (*p == '.')
			p++;
	}
	if (n == 0)
		return -EINVAL;
	if (out)
		out[n] = 0;
	return (int)n + 1;
}

/**
 * dhcp_add_opt() - encode a configured option once, for every reply
 * @d:		server
 * @w:		cursor over d->opt
 * @code:	option code
 * @data:	value
 * @len:	its length; above 255 it is split into several instances of
 *		the option (RFC 3396)
 *
 * Return: 0, or -E2BIG
 */
static int dhcp_add_opt(struct dhcp *d, struct pkt_wr *w, uint8_t code,
			const void *data, size_t len)
{
	const uint8_t *p = data;
	struct dhcp_opt *o;
	size_t start = w->off, n;

	if (d->nopts == sizeof(d->opts) / sizeof(d->opts[0]))
		return -E2BIG;
	do {
		n = len > 255 ? 255 : len;
		pkt_wr_u8(w, code);
		pkt_wr_u8(w, (uint8_t)n);
		pkt_wr_bytes(w, p, n);
		p += n;
		len -= n;
	} while (len);
	if (!pkt_wr_ok(w))
		return -E2BIG;
	o = &d->opts[d->nopts++];
	o->code = code;
	o->off = (uint16_t)start;
	o->len = (uint16_t)(w->off - start);
	return 0;
}

/**
 * dhcp_init_boot() - encode the network boot settings
 * @d:		server being filled
 * @w:		cursor over d->opt
 * @cfg:	configuration
 *
 * The boot file goes in the 'file' field when it fits (127 characters and
 * a NUL), which is where PXE firmware and iPXE look first, and as option
 * 67 too, for clients that read options only; the TFTP server name goes
 * in option 66.  Both are plain strings of printable characters.
 *
 * Return: 0, or -EINVAL (with an error logged)
 */
static int dhcp_init_boot(struct dhcp *d, struct pkt_wr *w,
			  const struct dhcp_cfg *cfg)
{
	const char *s[2] = { cfg->bootfile, cfg->tftp_server };
	const uint8_t code[2] = { DHCP_OPT_BOOTFILE, DHCP_OPT_TFTP_SERVER };
	size_t len, i;
	int k, rc = -EINVAL;

	for (k = 0; k < 2; k++) {
		if (!s[k] || !s[k][0])
			continue;
		len = strlen(s[k]);
		for (i = 0; i < len; i++)
			if ((unsigned char)s[k][i] < 0x20 ||
			    (unsigned char)s[k][i] > 0x7e)
				break;
		if (i < len || len > 255 ||
		    dhcp_add_opt(d, w, code[k], s[k], len)) {
			log_err("dhcp: bad %s '%s'",
				k ? "TFTP server name" : "boot file name", s[k]);
			goto out;
		}
		if (k == 0 && len < sizeof(d->file))
			memcpy(d->file, s[k], len);
	}
	rc = 0;
out:
	return rc;
}

/**
 * dhcp_init() - check a server's configuration and encode its options
 * @d:		server to fill
 * @cfg:	configuration
 *
 * Return: 0, or -EINVAL (with an error logged) for a bad configuration
 */
int dhcp_init(struct dhcp *d, const struct dhcp_cfg *cfg)
{
	uint8_t buf[4 * DHCP_MAX_DNS], search[512];
	size_t slen = 0;
	struct pkt_wr w;
	unsigned int i;
	int n, rc = -EINVAL;

	memset(d, 0, sizeof(*d));
	pkt_wr_init(&w, d->opt, sizeof(d->opt));
	if (!cfg->server || (~cfg->netmask & (~cfg->netmask + 1)) ||
	    cfg->netmask == 0xffffffff || (cfg->server & ~cfg->netmask) == 0 ||
	    (cfg->server | cfg->netmask) == 0xffffffff) {
		log_err("dhcp: server address not a host of its subnet");
		goto out;
	}
	if (!cfg->lease_time || cfg->ndns > DHCP_MAX_DNS ||
	    (cfg->mtu && cfg->mtu < 68)) {
		log_err("dhcp: bad lease time, DNS server count or MTU");
		goto out;
	}
	d->server = cfg->server;
	d->netmask = cfg->netmask;
	d->lease_time = cfg->lease_time;
	d->authoritative = cfg->authoritative;
	d->next_server = cfg->next_server;

	pkt_put_u32(buf, cfg->netmask);
	if (dhcp_add_opt(d, &w, DHCP_OPT_MASK, buf, 4))
		goto out;
	pkt_put_u32(buf, cfg->router);
	if (cfg->router && dhcp_add_opt(d, &w, DHCP_OPT_ROUTER, buf, 4))
		goto out;
	for (i = 0; i < cfg->ndns; i++)
		pkt_put_u32(buf + 4 * i, cfg->dns[i]);
	if (cfg->ndns && dhcp_add_opt(d, &w, DHCP_OPT_DNS, buf, 4 * cfg->ndns))
		goto out;
	if (cfg->domain && cfg->domain[0] &&
	    (dhcp_encode_name(cfg->domain, NULL, 255) < 0 ||
	     dhcp_add_opt(d, &w, DHCP_OPT_DOMAIN, cfg->domain,
			  strlen(cfg->domain)))) {
		log_err("dhcp: bad domain name '%s'", cfg->domain);
		goto out;
	}
	pkt_put_u16(buf, cfg->mtu);
	if (cfg->mtu && dhcp_add_opt(d, &w, DHCP_OPT_MTU, buf, 2))
		goto out;
	for (i = 0; i < cfg->nsearch; i++) {
		n = dhcp_encode_name(cfg->search[i], search + slen,
				     sizeof(search) - slen);
		if (n < 0) {
			log_err("dhcp: bad or too long search domain '%s'",
				cfg->search[i]);
			goto out;
		}
		slen += (size_t)n;
	}
	if (slen && dhcp_add_opt(d, &w, DHCP_OPT_SEARCH, search, slen))
		goto out;
	if (cfg->hostname && cfg->hostname[0] &&
	    (strchr(cfg->hostname, '.') ||
	     dhcp_encode_name(cfg->hostname, NULL, 255) < 0 ||
	     dhcp_add_opt(d, &w, DHCP_OPT_HOSTNAME, cfg->hostname,
			  strlen(cfg->hostname)))) {
		log_err("dhcp: bad host name '%s'", cfg->hostname);
		goto out;
	}
	if (dhcp_init_boot(d, &w, cfg))
		goto out;
	rc = 0;
out:
	return rc;
}

/**
 * dhcp_parse_opts() - read one options area
 * @r:		request being parsed
 * @p:		the area
 * @n:		its length
 * @top:	the options field (not 'file' or 'sname'), where option 52
 *		may appear
 *
 * Return: DHCP_SENT if fine, DHCP_BAD_OPTION if not
 */
static enum dhcp_why dhcp_parse_opts(struct dhcp_req *r, const uint8_t *p,
				     size_t n, int top)
{
	struct pkt_rd rd;

	pkt_rd_init(&rd, p, n);
	while (pkt_rd_left(&rd)) {
		uint8_t code = pkt_rd_u8(&rd), len;
		struct dhcp_blob *b;
		const uint8_t *v;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			break;
		len = pkt_rd_u8(&rd);
		v = pkt_rd_ptr(&rd, len);
		if (!v)
			return DHCP_BAD_OPTION;
		if (dhcp_bit(r->seen, code))
			continue;
		dhcp_set_bit(r->seen, code);
		switch (code) {
		case DHCP_OPT_TYPE:
			if (len != 1)
				return DHCP_BAD_OPTION;
			r->type = v[0];
			break;
		case DHCP_OPT_REQ_IP:
		case DHCP_OPT_SERVER_ID:
			if (len != 4)
				return DHCP_BAD_OPTION;
			*(code == DHCP_OPT_REQ_IP ? &r->reqip : &r->srvid) =
				pkt_get_u32(v);
			break;
		case DHCP_OPT_MAX_SIZE:
			if (len != 2)
				return DHCP_BAD_OPTION;
			r->maxsize = pkt_get_u16(v);
			break;
		case DHCP_OPT_OVERLOAD:
			if (len != 1 || v[0] < 1 || v[0] > 3)
				return DHCP_BAD_OPTION;
			if (top)
				r->overload = v[0];
			break;
		case DHCP_OPT_HOSTNAME:
		case DHCP_OPT_CLIENT_ID:
		case DHCP_OPT_RELAY:
			b = code == DHCP_OPT_HOSTNAME ? &r->name :
			    code == DHCP_OPT_CLIENT_ID ? &r->cid : &r->relay;
			b->p = len ? v : NULL;
			b->len = len;
			break;
		case DHCP_OPT_PRL:
			r->has_prl = 1;
			while (len--)
				dhcp_set_bit(r->want, v[len]);
			break;
		}
	}
	return DHCP_SENT;
}

/**
 * dhcp_parse() - check and parse a request
 * @d:		server
 * @r:		parsed request out
 * @req:	UDP payload
 * @len:	its length
 *
 * Return: DHCP_SENT if the request is well formed, else why it is dropped
 */
static enum dhcp_why dhcp_parse(const struct dhcp *d, struct dhcp_req *r,
				const uint8_t *req, size_t len)
{
	const uint8_t *sname, *file;
	uint8_t op, htype, hlen;
	struct pkt_rd rd;
	enum dhcp_why why;
	uint32_t cookie;

	memset(r, 0, sizeof(*r));
	pkt_rd_init(&rd, req, len);
	op = pkt_rd_u8(&rd);
	htype = pkt_rd_u8(&rd);
	hlen = pkt_rd_u8(&rd);
	pkt_rd_skip(&rd, 1);			/* hops */
	r->xid = pkt_rd_u32(&rd);
	pkt_rd_skip(&rd, 2);			/* secs */
	r->flags = pkt_rd_u16(&rd);
	r->ciaddr = pkt_rd_u32(&rd);
	pkt_rd_skip(&rd, 8);			/* yiaddr, siaddr */
	r->giaddr = pkt_rd_u32(&rd);
	r->chaddr = pkt_rd_ptr(&rd, 16);
	sname = pkt_rd_ptr(&rd, 64);
	file = pkt_rd_ptr(&rd, 128);
	cookie = pkt_rd_u32(&rd);
	if (!pkt_rd_ok(&rd))
		return DHCP_SHORT;
	if (op != DHCP_OP_REQUEST)
		return DHCP_NOT_REQUEST;
	if (htype != DHCP_HTYPE_ETHER || hlen != 6)
		return DHCP_NOT_ETHERNET;
	if (cookie != DHCP_COOKIE)
		return DHCP_BAD_COOKIE;
	why = dhcp_parse_opts(r, req + rd.off, pkt_rd_left(&rd), 1);
	if (why == DHCP_SENT && (r->overload & 1))
		why = dhcp_parse_opts(r, file, 128, 0);
	if (why == DHCP_SENT && (r->overload & 2))
		why = dhcp_parse_opts(r, sname, 64, 0);
	if (why != DHCP_SENT)
		return why;
	if (!dhcp_bit(r->seen, DHCP_OPT_TYPE))
		return DHCP_NO_TYPE;
	if ((r->chaddr[0] & 1) || !memcmp(r->chaddr, "\0\0\0\0\0\0", 6))
		return DHCP_BAD_CHADDR;
	if (r->giaddr && (r->giaddr & d->netmask) != (d->server & d->netmask))
		return DHCP_FOREIGN;
	return DHCP_SENT;
}

/**
 * dhcp_put_opt() - append an option to a reply if it fits
 * @w:		reply cursor
 * @limit:	offset the option must end before
 * @code:	option code, or 0 if @data is already encoded (code and length
 *		included)
 * @data:	value
 * @len:	its length
 */
static void dhcp_put_opt(struct pkt_wr *w, size_t limit, uint8_t code,
			 const void *data, size_t len)
{
	size_t need = len + (code ? 2 : 0);

	if (w->off + need > limit)
		return;
	if (code) {
		pkt_wr_u8(w, code);
		pkt_wr_u8(w, (uint8_t)len);
	}
	pkt_wr_bytes(w, data, len);
}

/**
 * dhcp_put_u32() - append a 4-byte option
 * @w:		reply cursor
 * @limit:	offset the option must end before
 * @code:	option code
 * @v:		value
 */
static void dhcp_put_u32(struct pkt_wr *w, size_t limit, uint8_t code,
			 uint32_t v)
{
	uint8_t b[4];

	pkt_put_u32(b, v);
	dhcp_put_opt(w, limit, code, b, 4);
}

/**
 * dhcp_put_config() - append the configured options, requested ones first
 * @d:		server
 * @r:		request
 * @w:		reply cursor
 * @limit:	offset options must end before
 *
 * The host name configured for everyone is left to dhcp_put_hostname().
 */
static void dhcp_put_config(const struct dhcp *d, const struct dhcp_req *r,
			    struct pkt_wr *w, size_t limit)
{
	unsigned int i;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < d->nopts; i++) {
			const struct dhcp_opt *o = &d->opts[i];
			int wanted = !r->has_prl || dhcp_bit(r->want, o->code);

			if (o->code != DHCP_OPT_HOSTNAME && wanted == (pass == 0))
				dhcp_put_opt(w, limit, 0, d->opt + o->off,
					     o->len);
		}
	}
}

/**
 * dhcp_put_hostname() - append the host name option (12)
 * @d:		server
 * @r:		request
 * @l:		client's lease, or NULL
 * @w:		reply cursor
 * @limit:	offset options must end before
 *
 * A static host's configured name wins over the one configured for
 * everyone, which wins over the client's own name, as recorded or as sent.
 */
static void dhcp_put_hostname(const struct dhcp *d, const struct dhcp_req *r,
			      const struct lease *l, struct pkt_wr *w,
			      size_t limit)
{
	unsigned int i;

	for (i = 0; i < d->nopts && !(l && (l->flags & LEASE_F_CFGNAME)); i++)
		if (d->opts[i].code == DHCP_OPT_HOSTNAME) {
			dhcp_put_opt(w, limit, 0, d->opt + d->opts[i].off,
				     d->opts[i].len);
			return;
		}
	if (l && l->hostname[0])
		dhcp_put_opt(w, limit, DHCP_OPT_HOSTNAME, l->hostname,
			     strlen(l->hostname));
	else if (r->name.p)
		dhcp_put_opt(w, limit, DHCP_OPT_HOSTNAME, r->name.p,
			     r->name.len);
}

/**
 * dhcp_dest() - decide where a reply goes (RFC 2131 4.1)
 * @r:		request
 * @type:	reply type
 * @yiaddr:	address in the reply
 * @tx:		destination out
 */
static void dhcp_dest(const struct dhcp_req *r, uint8_t type, uint32_t yiaddr,
		      struct dhcp_tx *tx)
{
	tx->port = DHCP_CLIENT_PORT;
	memcpy(tx->mac, r->chaddr, 6);
	if (r->giaddr) {
		tx->dest = DHCP_DEST_RELAY;
		tx->ip = r->giaddr;
		tx->port = DHCP_SERVER_PORT;
		memset(tx->mac, 0, 6);
	} else if (type != DHCPNAK && r->ciaddr) {
		tx->dest = DHCP_DEST_UNICAST;
		tx->ip = r->ciaddr;
	} else if (type == DHCPNAK || (r->flags & DHCP_FLAG_BROADCAST) ||
		   !yiaddr) {
		tx->dest = DHCP_DEST_BROADCAST;
		tx->ip = 0xffffffff;
		memcpy(tx->mac, dhcp_bcast_mac, 6);
	} else {
		tx->dest = DHCP_DEST_UNICAST;
		tx->ip = yiaddr;
	}
}

/**
 * dhcp_reply() - write a reply and decide where it goes
 * @d:		server
 * @r:		request
 * @type:	DHCPOFFER, DHCPACK or DHCPNAK
 * @l:		lease handed out (OFFER, ACK), or NULL (NAK, and the ACK to
 *		an INFORM)
 * @out:	buffer
 * @outsz:	its size, at least DHCP_OUT_MIN
 * @tx:		destination out
 *
 * Return: length of the reply
 */
static int dhcp_reply(const struct dhcp *d, const struct dhcp_req *r,
		      uint8_t type, const struct lease *l, uint8_t *out,
		      size_t outsz, struct dhcp_tx *tx)
{
	uint32_t yiaddr = l ? l->ip : 0, lt = d->lease_time;
	size_t max, limit;
	struct pkt_wr w;
	uint8_t *q;

	max = r->maxsize > DHCP_MSG_MIN + DHCP_IP_UDP ?
	      r->maxsize - DHCP_IP_UDP : DHCP_MSG_MIN;
	if (max > outsz)
		max = outsz;
	pkt_wr_init(&w, out, max);
	pkt_wr_u8(&w, DHCP_OP_REPLY);
	pkt_wr_u8(&w, DHCP_HTYPE_ETHER);
	pkt_wr_u8(&w, 6);
	pkt_wr_u8(&w, 0);				/* hops */
	pkt_wr_u32(&w, r->xid);
	pkt_wr_u16(&w, 0);				/* secs */
	pkt_wr_u16(&w, type == DHCPNAK && r->giaddr ?
		   DHCP_FLAG_BROADCAST : r->flags & DHCP_FLAG_BROADCAST);
	pkt_wr_u32(&w, type == DHCPNAK ? 0 : r->ciaddr);
	pkt_wr_u32(&w, yiaddr);
	pkt_wr_u32(&w, l ? d->next_server : 0);		/* siaddr */
	pkt_wr_u32(&w, r->giaddr);
	pkt_wr_bytes(&w, r->chaddr, 16);
	q = pkt_wr_ptr(&w, 64 + 128);			/* sname, file */
	if (q) {
		memset(q, 0, 64);
		if (l)
			memcpy(q + 64, d->file, 128);
		else
			memset(q + 64, 0, 128);
	}
	pkt_wr_u32(&w, DHCP_COOKIE);

	/* room for option 82 and the end option is kept to the last */
	limit = max - 1 - (r->relay.p ? 2u + r->relay.len : 0u);
	dhcp_put_opt(&w, limit, DHCP_OPT_TYPE, &type, 1);
	dhcp_put_u32(&w, limit, DHCP_OPT_SERVER_ID, d->server);
	if (l) {
		dhcp_put_u32(&w, limit, DHCP_OPT_LEASE, lt);
		if (lt != 0xffffffff) {
			dhcp_put_u32(&w, limit, DHCP_OPT_T1, lt / 2);
			dhcp_put_u32(&w, limit, DHCP_OPT_T2,
				     (uint32_t)((uint64_t)lt * 7 / 8));
		}
	}
	if (r->cid.p)
		dhcp_put_opt(&w, limit, DHCP_OPT_CLIENT_ID, r->cid.p,
			     r->cid.len);
	if (type != DHCPNAK) {
		dhcp_put_config(d, r, &w, limit);
		dhcp_put_hostname(d, r, l, &w, limit);
	}
	if (r->relay.p)
		dhcp_put_opt(&w, max - 1, DHCP_OPT_RELAY, r->relay.p,
			     r->relay.len);
	pkt_wr_u8(&w, DHCP_OPT_END);
	if (w.off < DHCP_BOOTP_MIN) {
		size_t pad = DHCP_BOOTP_MIN - w.off;

		q = pkt_wr_ptr(&w, pad);
		if (q)
			memset(q, DHCP_OPT_PAD, pad);
	}
	dhcp_dest(r, type, yiaddr, tx);
	tx->type = type;
	tx->why = DHCP_SENT;
	return (int)w.off;
}

/**
 * dhcp_fmt_mac() - format a client's MAC for a log line
 * @mac:	6 bytes
 * @buf:	18 bytes
 *
 * Return: @buf
 */
static const char *dhcp_fmt_mac(const uint8_t *mac, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/**
 * dhcp_fmt_ip() - format an address for a log line
 * @ip:		address, host order
 * @buf:	16 bytes
 *
 * Return: @buf
 */
static const char *dhcp_fmt_ip(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	return buf;
}

/**
 * dhcp_request() - answer a REQUEST in any client state
 * @d:		server
 * @ls:		lease store
 * @now:	current time
 * @r:		request
 * @out:	reply buffer
 * @outsz:	its size
 * @tx:		destination and outcome out
 *
 * Return: reply length, 0 for none, or -errno if the lease could not be
 * recorded
 */
static int dhcp_request(struct dhcp *d, struct lease_store *ls, time_t now,
			const struct dhcp_req *r, uint8_t *out, size_t outsz,
			struct dhcp_tx *tx)
{
	const struct lease *l;
	int selecting = 0, rc;
	uint32_t ip;

	if (r->srvid) {
		if (r->srvid != d->server) {
			lease_unoffer(ls, r->chaddr, now);
			tx->why = DHCP_OTHER_SERVER;
			return 0;
		}
		selecting = 1;
		ip = r->reqip ? r->reqip : r->ciaddr;
	} else {
		ip = r->ciaddr ? r->ciaddr : r->reqip;
	}
	if (!ip) {
		tx->why = DHCP_IGNORED;
		return 0;
	}
	rc = lease_claim(ls, r->chaddr, ip, now);
	if (!d->authoritative && !selecting &&
	    (rc == LEASE_CLAIM_FREE ||
	     (rc < 0 && !lease_find_mac(ls, r->chaddr)))) {
		tx->why = DHCP_NOT_OURS;
		return 0;
	}
	if (rc < 0)
		return dhcp_reply(d, r, DHCPNAK, NULL, out, outsz, tx);
	rc = lease_bind(ls, r->chaddr, ip, (const char *)r->name.p, r->name.len,
			d->lease_time, now, &l);
	if (rc < 0) {
		tx->why = DHCP_STORE_ERROR;
		return rc;
	}
	return dhcp_reply(d, r, DHCPACK, l, out, outsz, tx);
}

/**
 * dhcp_let_go() - take a RELEASE or DECLINE
 * @d:		server
 * @ls:		lease store
 * @now:	current time
 * @r:		request
 * @tx:		outcome out
 *
 * Return: 0, or -errno if the change could not be recorded
 */
static int dhcp_let_go(struct dhcp *d, struct lease_store *ls, time_t now,
		       const struct dhcp_req *r, struct dhcp_tx *tx)
{
	char m[18], a[16];
	int rc;

	if (r->srvid && r->srvid != d->server) {
		tx->why = DHCP_OTHER_SERVER;
		return 0;
	}
	if (r->type == DHCPRELEASE)
		rc = lease_release(ls, r->chaddr, r->ciaddr, now);
	else
		rc = lease_decline(ls, r->chaddr, r->reqip, now);
	if (rc == 0 && r->type == DHCPDECLINE)
		dhcp_warn(d, now, "dhcp: %s declined %s (in use by another "
			  "host?); held back", dhcp_fmt_mac(r->chaddr, m),
			  dhcp_fmt_ip(r->reqip, a));
	tx->why = rc == 0 ? DHCP_DONE : DHCP_IGNORED;
	if (rc == -ENOENT || rc == -EPERM)
		rc = 0;
	else if (rc < 0)
		tx->why = DHCP_STORE_ERROR;
	return rc;
}

/**
 * dhcp_handle() - answer one request
 * @d:		server, from dhcp_init()
 * @ls:		its lease store
 * @now:	current time (wall clock, as leases are recorded)
 * @req:	UDP payload received on port 67
 * @len:	its length
 * @out:	buffer for the reply's UDP payload
 * @outsz:	its size, at least DHCP_OUT_MIN (1500 is plenty)
 * @tx:		where the reply goes, and the outcome (also when there is no
 *		reply); d->count[tx->why] is incremented
 *
 * Return: length of the reply; 0 if there is none (tx->dest is
 * DHCP_DEST_NONE and tx->why says why); -errno if the lease store failed
 * to record a change (no reply either); -ENOSPC if @outsz is too small
 */
int dhcp_handle(struct dhcp *d, struct lease_store *ls, time_t now,
		const uint8_t *req, size_t len, uint8_t *out, size_t outsz,
		struct dhcp_tx *tx)
{
	const struct lease *l;
	struct dhcp_req r;
	char m[18];
	int rc = 0;

	memset(tx, 0, sizeof(*tx));
	if (outsz < DHCP_OUT_MIN)
		return -ENOSPC;
	tx->why = dhcp_parse(d, &r, req, len);
	if (tx->why != DHCP_SENT)
		goto out;
	switch (r.type) {
	case DHCPDISCOVER:
		l = lease_offer(ls, r.chaddr, r.reqip, now);
		if (!l) {
			dhcp_warn(d, now, "dhcp: address pool exhausted, no "
				  "offer for %s", dhcp_fmt_mac(r.chaddr, m));
			tx->why = DHCP_EXHAUSTED;
			break;
		}
		rc = dhcp_reply(d, &r, DHCPOFFER, l, out, outsz, tx);
		break;
	case DHCPREQUEST:
		rc = dhcp_request(d, ls, now, &r, out, outsz, tx);
		break;
	case DHCPDECLINE:
	case DHCPRELEASE:
		rc = dhcp_let_go(d, ls, now, &r, tx);
		break;
	case DHCPINFORM:
		if (!r.giaddr && r.ciaddr &&
		    (r.ciaddr & d->netmask) != (d->server & d->netmask)) {
			tx->why = DHCP_FOREIGN;
			break;
		}
		rc = dhcp_reply(d, &r, DHCPACK, NULL, out, outsz, tx);
		break;
	default:
		tx->why = DHCP_BAD_TYPE;
	}
out:
	if (rc <= 0) {
		tx->dest = DHCP_DEST_NONE;
		tx->type = 0;
	}
	d->count[tx->why]++;
	return rc;
}
