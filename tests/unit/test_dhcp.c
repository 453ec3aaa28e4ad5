// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dhcp.c - unit tests of the DHCPv4 server engine (lib/dhcp.c)
 *
 * Requests are built byte by byte by req_*() below, run through
 * dhcp_handle() with a real lease store, and the replies are taken apart
 * by parse_reply(), which is written from RFC 2131/2132 independently of
 * the engine's own parser.  Every message type, client state, destination
 * rule and rejection reason has a test.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "dhcp.h"
#include "lease.h"
#include "leasetest.h"

#define SERVER		IP(10, 0, 0, 1)
#define OTHER_SERVER	IP(10, 0, 0, 2)
#define RELAY		IP(10, 0, 0, 254)

/* Request builder */

struct req {
	uint8_t b[1024];
	size_t len;
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* BOOTREQUEST header, magic cookie and option 53 (if type is not 0). */
static void req_init(struct req *q, uint8_t type, const uint8_t *mac)
{
	memset(q, 0, sizeof(*q));
	q->b[0] = 1;			/* op */
	q->b[1] = 1;			/* htype */
	q->b[2] = 6;			/* hlen */
	put32(q->b + 4, 0x12345678);	/* xid */
	memcpy(q->b + 28, mac, 6);	/* chaddr */
	put32(q->b + 236, 0x63825363);
	q->len = 240;
	if (type) {
		q->b[q->len++] = 53;
		q->b[q->len++] = 1;
		q->b[q->len++] = type;
	}
}

static void req_opt(struct req *q, uint8_t code, const void *v, uint8_t len)
{
	q->b[q->len++] = code;
	q->b[q->len++] = len;
	memcpy(q->b + q->len, v, len);
	q->len += len;
}

static void req_opt32(struct req *q, uint8_t code, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	req_opt(q, code, b, 4);
}

static void req_end(struct req *q)
{
	q->b[q->len++] = 255;
	while (q->len < 300)
		q->b[q->len++] = 0;
}

static void req_ciaddr(struct req *q, uint32_t ip)
{
	put32(q->b + 12, ip);
}

static void req_giaddr(struct req *q, uint32_t ip)
{
	put32(q->b + 24, ip);
}

static void req_broadcast(struct req *q)
{
	q->b[10] = 0x80;
}

/* Reply parser */

struct reply {
	size_t len;
	uint8_t op, htype, hlen, hops;
	uint32_t xid;
	uint16_t flags;
	uint32_t ciaddr, yiaddr, siaddr, giaddr;
	uint8_t chaddr[16];
	const uint8_t *opt[256];	/* first instance of each option */
	uint8_t optlen[256];
	int count[256];			/* instances of each option */
	uint8_t order[64];		/* option codes in order */
	int norder;
	uint8_t cat[256][512];		/* all instances concatenated */
	size_t catlen[256];
};

static struct reply rep;

static void parse_reply(const uint8_t *b, size_t len, struct reply *r)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	assert_true(len >= 300);
	r->len = len;
	r->op = b[0];
	r->htype = b[1];
	r->hlen = b[2];
	r->hops = b[3];
	r->xid = get32(b + 4);
	r->flags = (uint16_t)(b[10] << 8 | b[11]);
	r->ciaddr = get32(b + 12);
	r->yiaddr = get32(b + 16);
	r->siaddr = get32(b + 20);
	r->giaddr = get32(b + 24);
	memcpy(r->chaddr, b + 28, 16);
	for (i = 44; i < 236; i++)		/* sname and file unused */
		assert_int_equal(b[i], 0);
	assert_int_equal(get32(b + 236), 0x63825363);
	for (i = 240; ; ) {
		uint8_t code, l;

		assert_true(i < len);
		code = b[i++];
		if (code == 0)
			continue;
		if (code == 255)
			break;
		assert_true(i < len);
		l = b[i++];
		assert_true(i + l <= len);
		if (!r->count[code]++) {
			r->opt[code] = b + i;
			r->optlen[code] = l;
		}
		memcpy(r->cat[code] + r->catlen[code], b + i, l);
		r->catlen[code] += l;
		assert_true(r->norder < 64);
		r->order[r->norder++] = code;
		i += l;
	}
}

static uint32_t opt32(const struct reply *r, uint8_t code)
{
	assert_non_null(r->opt[code]);
	assert_int_equal(r->optlen[code], 4);
	return get32(r->opt[code]);
}

static uint8_t msgtype(const struct reply *r)
{
	assert_non_null(r->opt[53]);
	assert_int_equal(r->optlen[53], 1);
	return r->opt[53][0];
}

/* Fixture: one server and its store */

struct fx {
	struct dhcp d;
	struct lease_store *ls;
	time_t now;
	uint8_t out[1500];
	struct dhcp_tx tx;
};

static struct fx fx;

static const char *const search2[] = { "lab.internal", "example.com" };

static const struct lease_static statics[] = {
	{ { 0x52, 0x54, 0, 0xaa, 0, 1 }, IP(10, 0, 0, 10), "db" },
	{ { 0x52, 0x54, 0, 0xaa, 0, 2 }, IP(10, 0, 0, 150), NULL },
};

static struct dhcp_cfg base_cfg(void)
{
	struct dhcp_cfg c = {
		.server = SERVER, .netmask = 0xffffff00, .router = SERVER,
		.dns = { SERVER }, .ndns = 1, .domain = "lab.internal",
		.search = search2, .nsearch = 2, .lease_time = 3600,
		.mtu = 1400, .authoritative = 1,
	};

	return c;
}

static struct lease_cfg base_lcfg(void)
{
	struct lease_cfg l = {
		.pool_first = IP(10, 0, 0, 100), .pool_last = IP(10, 0, 0, 199),
		.server = SERVER, .statics = statics, .nstatic = 2,
	};

	return l;
}

/* Replace the server under test. */
static void fx_open(const struct dhcp_cfg *c, const struct lease_cfg *l)
{
	lease_close(fx.ls);
	memset(&fx, 0, sizeof(fx));
	fx.now = T0;
	assert_int_equal(dhcp_init(&fx.d, c), 0);
	assert_int_equal(lease_open(&fx.ls, l, T0), 0);
}

static int setup(void **state)
{
	struct dhcp_cfg c = base_cfg();
	struct lease_cfg l = base_lcfg();

	(void)state;
	fx_open(&c, &l);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (fx.ls)
		assert_int_equal(lease_check(fx.ls), 0);
	lease_close(fx.ls);
	fx.ls = NULL;
	return 0;
}

/* Run a request; parse the reply into rep.  Returns the reply length. */
static int run(struct req *q)
{
	int n = dhcp_handle(&fx.d, fx.ls, fx.now, q->b, q->len, fx.out,
			    sizeof(fx.out), &fx.tx);

	if (n > 0) {
		parse_reply(fx.out, (size_t)n, &rep);
		assert_int_equal(rep.op, 2);
		assert_int_equal(rep.htype, 1);
		assert_int_equal(rep.hlen, 6);
		assert_int_equal(rep.hops, 0);
		assert_int_equal(rep.xid, 0x12345678);
		assert_memory_equal(rep.chaddr, q->b + 28, 16);
		assert_int_equal(rep.siaddr, 0);
		assert_int_equal(msgtype(&rep), fx.tx.type);
		assert_int_equal(opt32(&rep, 54), SERVER);
		assert_int_equal(fx.tx.why, DHCP_SENT);
		assert_int_not_equal(fx.tx.dest, DHCP_DEST_NONE);
	} else {
		assert_int_equal(fx.tx.dest, DHCP_DEST_NONE);
		assert_int_equal(fx.tx.type, 0);
	}
	return n;
}

/* Expect no reply, for the given reason. */
static void run_silent(struct req *q, enum dhcp_why why)
{
	uint64_t before = fx.d.count[why];

	assert_int_equal(run(q), 0);
	assert_int_equal(fx.tx.why, why);
	assert_int_equal(fx.d.count[why], before + 1);
}

/* send() flags */
#define F_BCAST		1	/* set the broadcast flag */
#define F_RELAY		2	/* relayed through RELAY */

/*
 * Send a request with the usual fields, any of them 0 to leave it out:
 * ciaddr, option 50 and option 54.  Returns the reply type, or 0.
 */
static uint8_t send(uint8_t type, const uint8_t *mac, uint32_t ciaddr,
		    uint32_t reqip, uint32_t srvid, int flags)
{
	struct req q;

	req_init(&q, type, mac);
	req_ciaddr(&q, ciaddr);
	if (flags & F_BCAST)
		req_broadcast(&q);
	if (flags & F_RELAY)
		req_giaddr(&q, RELAY);
	if (reqip)
		req_opt32(&q, 50, reqip);
	if (srvid)
		req_opt32(&q, 54, srvid);
	req_end(&q);
	return run(&q) > 0 ? fx.tx.type : 0;
}

/* Send, and expect no reply for the given reason. */
static void send_silent(uint8_t type, const uint8_t *mac, uint32_t ciaddr,
			uint32_t reqip, uint32_t srvid, enum dhcp_why why)
{
	uint64_t before = fx.d.count[why];

	assert_int_equal(send(type, mac, ciaddr, reqip, srvid, 0), 0);
	assert_int_equal(fx.tx.why, why);
	assert_int_equal(fx.d.count[why], before + 1);
}

static uint32_t discover(const uint8_t *mac)
{
	assert_int_equal(send(DHCPDISCOVER, mac, 0, 0, 0, 0), DHCPOFFER);
	return rep.yiaddr;
}

static void request_selecting(const uint8_t *mac, uint32_t ip,
			      const char *name)
{
	struct req q;

	req_init(&q, DHCPREQUEST, mac);
	req_opt32(&q, 54, SERVER);
	req_opt32(&q, 50, ip);
	if (name)
		req_opt(&q, 12, name, (uint8_t)strlen(name));
	req_end(&q);
	assert_true(run(&q) > 0);
}

/* DISCOVER, OFFER, REQUEST, ACK; returns the address. */
static uint32_t dora(const uint8_t *mac, const char *name)
{
	uint32_t ip = discover(mac);

	request_selecting(mac, ip, name);
	assert_int_equal(fx.tx.type, DHCPACK);
	assert_int_equal(rep.yiaddr, ip);
	return ip;
}

/* INIT-REBOOT: option 50, no ciaddr, no server identifier. */
static uint8_t init_reboot(const uint8_t *mac, uint32_t ip)
{
	return send(DHCPREQUEST, mac, 0, ip, 0, 0);
}

static void check_nak(uint8_t type)
{
	assert_int_equal(type, DHCPNAK);
	assert_int_equal(rep.yiaddr, 0);
	assert_int_equal(rep.ciaddr, 0);
	assert_null(rep.opt[51]);
	assert_null(rep.opt[1]);
	assert_null(rep.opt[3]);
	assert_int_equal(fx.tx.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(fx.tx.ip, 0xffffffff);
}

/* The options every lease reply carries, checked byte for byte. */
static void check_config_options(const struct reply *r)
{
	static const uint8_t search[] = {
		3, 'l', 'a', 'b', 8, 'i', 'n', 't', 'e', 'r', 'n', 'a', 'l', 0,
		7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
	};

	assert_int_equal(opt32(r, 1), 0xffffff00);
	assert_int_equal(opt32(r, 3), SERVER);
	assert_int_equal(opt32(r, 6), SERVER);
	assert_int_equal(r->optlen[15], 12);
	assert_memory_equal(r->opt[15], "lab.internal", 12);
	assert_int_equal(r->optlen[26], 2);
	assert_int_equal(r->opt[26][0] << 8 | r->opt[26][1], 1400);
	assert_int_equal(r->optlen[119], sizeof(search));
	assert_memory_equal(r->opt[119], search, sizeof(search));
}

static void check_lease_options(const struct reply *r)
{
	assert_int_equal(opt32(r, 51), 3600);
	assert_int_equal(opt32(r, 58), 1800);
	assert_int_equal(opt32(r, 59), 3150);
}

static uint8_t A[6], B[6], C[6];	/* three clients */

static int group_setup(void **state)
{
	t_mac(A, 1);
	t_mac(B, 2);
	t_mac(C, 3);
	return t_dir_setup(state);
}

/* Tests */

static void test_discover_offer(void **state)
{
	(void)state;
	assert_int_equal(send(DHCPDISCOVER, A, 0, 0, 0, 0), DHCPOFFER);
	assert_true(rep.len >= 300);
	assert_true(rep.yiaddr >= IP(10, 0, 0, 100) &&
		    rep.yiaddr <= IP(10, 0, 0, 199));
	assert_int_not_equal(rep.yiaddr, IP(10, 0, 0, 150));
	assert_int_equal(rep.ciaddr, 0);
	assert_int_equal(rep.giaddr, 0);
	assert_int_equal(rep.flags, 0);
	check_lease_options(&rep);
	check_config_options(&rep);
	assert_null(rep.opt[12]);
	assert_null(rep.opt[61]);
	assert_null(rep.opt[82]);
	/* no broadcast flag: unicast to yiaddr at chaddr */
	assert_int_equal(fx.tx.dest, DHCP_DEST_UNICAST);
	assert_int_equal(fx.tx.ip, rep.yiaddr);
	assert_int_equal(fx.tx.port, 68);
	assert_memory_equal(fx.tx.mac, A, 6);
	/* the offer reserves the address */
	assert_int_equal(lease_find_mac(fx.ls, A)->state, LEASE_OFFERED);
	assert_int_equal(lease_find_mac(fx.ls, A)->ip, rep.yiaddr);
	assert_int_equal(fx.d.count[DHCP_SENT], 1);
}

static void test_broadcast_flag(void **state)
{
	(void)state;
	assert_int_equal(send(DHCPDISCOVER, A, 0, 0, 0, F_BCAST), DHCPOFFER);
	assert_int_equal(rep.flags, 0x8000);
	assert_int_equal(fx.tx.dest, DHCP_DEST_BROADCAST);
	assert_int_equal(fx.tx.ip, 0xffffffff);
	assert_int_equal(fx.tx.port, 68);
	assert_memory_equal(fx.tx.mac, "\xff\xff\xff\xff\xff\xff", 6);
}

static void test_dora(void **state)
{
	const struct lease *l;
	uint32_t ip;

	(void)state;
	ip = discover(A);
	request_selecting(A, ip, "VM1");
	assert_int_equal(fx.tx.type, DHCPACK);
	assert_int_equal(rep.yiaddr, ip);
	assert_int_equal(rep.ciaddr, 0);
	check_lease_options(&rep);
	check_config_options(&rep);
	assert_int_equal(rep.optlen[12], 3);
	assert_memory_equal(rep.opt[12], "vm1", 3);
	assert_int_equal(fx.tx.dest, DHCP_DEST_UNICAST);
	assert_int_equal(fx.tx.ip, ip);
	l = lease_find_ip(fx.ls, ip, fx.now);
	assert_non_null(l);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_int_equal(l->expires, T0 + 3600);
	assert_memory_equal(l->mac, A, 6);
	assert_ptr_equal(lease_find_name(fx.ls, "vm1", 3, fx.now), l);
	/* a second DISCOVER from a bound client offers the same address */
	assert_int_equal(discover(A), ip);
	assert_int_equal(lease_find_ip(fx.ls, ip, fx.now)->state, LEASE_BOUND);
}

/* SELECTING a different server: no reply, and our offer is dropped. */
static void test_request_other_server(void **state)
{
	uint32_t ip;

	(void)state;
	ip = discover(A);
	send_silent(DHCPREQUEST, A, 0, IP(10, 0, 0, 77), OTHER_SERVER,
		    DHCP_OTHER_SERVER);
	assert_int_equal(lease_find_mac(fx.ls, A)->expires, fx.now);
	assert_null(lease_find_ip(fx.ls, ip, fx.now));
	assert_null(lease_find_ip(fx.ls, IP(10, 0, 0, 77), fx.now));
	/* SELECTING with neither option 50 nor ciaddr is ignored */
	send_silent(DHCPREQUEST, A, 0, 0, SERVER, DHCP_IGNORED);
}

static void test_init_reboot(void **state)
{
	uint32_t ipa, free_ip;

	(void)state;
	ipa = dora(A, NULL);
	fx.now += 100;
	assert_int_equal(init_reboot(A, ipa), DHCPACK);
	assert_int_equal(rep.yiaddr, ipa);
	assert_int_equal(lease_find_mac(fx.ls, A)->expires, fx.now + 3600);
	/* wrong subnet, someone else's address, the server's: NAK */
	check_nak(init_reboot(A, IP(192, 168, 1, 5)));
	check_nak(init_reboot(B, ipa));
	check_nak(init_reboot(B, SERVER));
	assert_null(lease_find_mac(fx.ls, B));
	/* a free address we have no record of (journal lost): ACK */
	free_ip = ipa == IP(10, 0, 0, 100) ? IP(10, 0, 0, 101) :
					     IP(10, 0, 0, 100);
	assert_int_equal(init_reboot(C, free_ip), DHCPACK);
	assert_int_equal(rep.yiaddr, free_ip);
	assert_int_equal(lease_find_ip(fx.ls, free_ip, fx.now)->mac[5], 3);
}

static void test_not_authoritative(void **state)
{
	struct dhcp_cfg c = base_cfg();
	struct lease_cfg l = base_lcfg();
	uint32_t ipa;

	(void)state;
	c.authoritative = 0;
	fx_open(&c, &l);
	ipa = dora(A, NULL);
	/* unknown client: silent, whether the address is free or not */
	send_silent(DHCPREQUEST, B, 0,
		    ipa == IP(10, 0, 0, 100) ? ipa + 1 : ipa - 1, 0,
		    DHCP_NOT_OURS);
	send_silent(DHCPREQUEST, B, 0, IP(192, 168, 1, 5), 0, DHCP_NOT_OURS);
	/* a client we know, asking for the wrong address: NAK */
	check_nak(init_reboot(A, IP(192, 168, 1, 5)));
	assert_int_equal(init_reboot(A, ipa), DHCPACK);
}

static void test_renew_rebind(void **state)
{
	uint32_t ipa;

	(void)state;
	ipa = dora(A, "renewer");
	fx.now += 1800;
	/* RENEWING (unicast) and REBINDING (broadcast) look the same here */
	assert_int_equal(send(DHCPREQUEST, A, ipa, 0, 0, 0), DHCPACK);
	assert_int_equal(rep.yiaddr, ipa);
	assert_int_equal(rep.ciaddr, ipa);
	check_lease_options(&rep);
	assert_int_equal(fx.tx.dest, DHCP_DEST_UNICAST);
	assert_int_equal(fx.tx.ip, ipa);
	assert_memory_equal(fx.tx.mac, A, 6);
	assert_int_equal(lease_find_mac(fx.ls, A)->expires, fx.now + 3600);
	/* the name recorded at the first ACK stays */
	assert_int_equal(rep.optlen[12], 7);
	/* renewing someone else's address: NAK, broadcast */
	check_nak(send(DHCPREQUEST, B, ipa, 0, 0, F_BCAST));
	assert_int_equal(lease_find_ip(fx.ls, ipa, fx.now)->mac[5], 1);
}

static void test_release(void **state)
{
	uint32_t ipa;

	(void)state;
	ipa = dora(A, "rel");
	/* another client cannot release it; one for another server neither */
	send_silent(DHCPRELEASE, B, ipa, 0, SERVER, DHCP_IGNORED);
	send_silent(DHCPRELEASE, A, ipa, 0, OTHER_SERVER, DHCP_OTHER_SERVER);
	assert_non_null(lease_find_ip(fx.ls, ipa, fx.now));

	send_silent(DHCPRELEASE, A, ipa, 0, SERVER, DHCP_DONE);
	assert_null(lease_find_ip(fx.ls, ipa, fx.now));
	assert_null(lease_find_name(fx.ls, "rel", 3, fx.now));
	assert_int_equal(lease_find_mac(fx.ls, A)->state, LEASE_RELEASED);
	/* and it comes back to the same address */
	fx.now += 10;
	assert_int_equal(dora(A, NULL), ipa);
}

static void test_decline(void **state)
{
	uint32_t ipa;

	(void)state;
	ipa = dora(A, NULL);
	send_silent(DHCPDECLINE, A, 0, 0, 0, DHCP_IGNORED);	/* no 50 */
	send_silent(DHCPDECLINE, A, 0, ipa, SERVER, DHCP_DONE);
	assert_null(lease_find_ip(fx.ls, ipa, fx.now));
	assert_null(lease_find_mac(fx.ls, A));
	/* the client gets another address; the declined one is held */
	assert_int_not_equal(dora(A, NULL), ipa);
	check_nak(init_reboot(A, ipa));
	/* a static host declining its own address changes nothing */
	send_silent(DHCPDECLINE, statics[0].mac, 0, statics[0].ip, 0,
		    DHCP_IGNORED);
}

static void test_inform(void **state)
{
	(void)state;
	assert_int_equal(send(DHCPINFORM, A, IP(10, 0, 0, 50), 0, 0, 0),
			 DHCPACK);
	assert_int_equal(rep.yiaddr, 0);
	assert_int_equal(rep.ciaddr, IP(10, 0, 0, 50));
	assert_null(rep.opt[51]);
	assert_null(rep.opt[58]);
	assert_null(rep.opt[59]);
	check_config_options(&rep);
	assert_int_equal(fx.tx.dest, DHCP_DEST_UNICAST);
	assert_int_equal(fx.tx.ip, IP(10, 0, 0, 50));
	assert_memory_equal(fx.tx.mac, A, 6);
	/* no lease is made */
	assert_null(lease_find_mac(fx.ls, A));
	assert_null(lease_find_ip(fx.ls, IP(10, 0, 0, 50), fx.now));
	/* from another subnet: ignored; through a relay: to the relay */
	send_silent(DHCPINFORM, A, IP(10, 9, 0, 50), 0, 0, DHCP_FOREIGN);
	assert_int_equal(send(DHCPINFORM, A, IP(10, 0, 0, 50), 0, 0, F_RELAY),
			 DHCPACK);
	assert_int_equal(fx.tx.dest, DHCP_DEST_RELAY);
	assert_int_equal(fx.tx.ip, RELAY);
	assert_int_equal(fx.tx.port, 67);
	/* without ciaddr: broadcast */
	assert_int_equal(send(DHCPINFORM, A, 0, 0, 0, 0), DHCPACK);
	assert_int_equal(fx.tx.dest, DHCP_DEST_BROADCAST);
}

static void test_relay(void **state)
{
	static const uint8_t agent[] = { 1, 4, 'p', 'o', 'r', 't', 2, 2, 7, 9 };
	struct req q;

	(void)state;
	req_init(&q, DHCPDISCOVER, A);
	req_giaddr(&q, RELAY);
	q.b[3] = 1;					/* hops */
	req_broadcast(&q);
	req_opt(&q, 82, agent, sizeof(agent));
	req_end(&q);
	assert_true(run(&q) > 0);
	assert_int_equal(fx.tx.type, DHCPOFFER);
	assert_int_equal(rep.giaddr, RELAY);
	assert_int_equal(fx.tx.dest, DHCP_DEST_RELAY);
	assert_int_equal(fx.tx.ip, RELAY);
	assert_int_equal(fx.tx.port, 67);
	/* option 82 comes back unchanged, and last */
	assert_int_equal(rep.optlen[82], sizeof(agent));
	assert_memory_equal(rep.opt[82], agent, sizeof(agent));
	assert_int_equal(rep.order[rep.norder - 1], 82);

	/* NAK through a relay: to the relay, with the broadcast flag */
	req_init(&q, DHCPREQUEST, B);
	req_giaddr(&q, RELAY);
	req_opt32(&q, 50, IP(172, 16, 0, 1));
	req_opt(&q, 82, agent, sizeof(agent));
	req_end(&q);
	assert_true(run(&q) > 0);
	assert_int_equal(fx.tx.type, DHCPNAK);
	assert_int_equal(fx.tx.dest, DHCP_DEST_RELAY);
	assert_int_equal(rep.flags, 0x8000);
	assert_int_equal(rep.order[rep.norder - 1], 82);

	/* a relay on another subnet: ignored */
	req_init(&q, DHCPDISCOVER, B);
	req_giaddr(&q, IP(192, 168, 9, 1));
	req_end(&q);
	run_silent(&q, DHCP_FOREIGN);
	assert_null(lease_find_mac(fx.ls, B));
}

/* RFC 2131 4.1: ciaddr set and no relay: unicast to ciaddr. */
static void test_ciaddr_dest(void **state)
{
	uint32_t ip;

	(void)state;
	ip = dora(A, NULL);
	assert_int_equal(send(DHCPDISCOVER, A, ip, 0, 0, F_BCAST), DHCPOFFER);
	assert_int_equal(fx.tx.dest, DHCP_DEST_UNICAST);
	assert_int_equal(fx.tx.ip, ip);
}

static void test_static_host(void **state)
{
	(void)state;
	assert_int_equal(discover(statics[0].mac), IP(10, 0, 0, 10));
	assert_int_equal(rep.optlen[12], 2);
	assert_memory_equal(rep.opt[12], "db", 2);
	/* its own name wins over the one it sends */
	request_selecting(statics[0].mac, IP(10, 0, 0, 10), "other");
	assert_int_equal(fx.tx.type, DHCPACK);
	assert_int_equal(rep.yiaddr, IP(10, 0, 0, 10));
	assert_memory_equal(rep.opt[12], "db", 2);
	assert_int_equal(lease_find_name(fx.ls, "db", 2, fx.now)->ip,
			 IP(10, 0, 0, 10));
	/* asking for another address: NAK */
	check_nak(init_reboot(statics[0].mac, IP(10, 0, 0, 120)));
	/* nobody else gets a static host's address */
	check_nak(init_reboot(B, IP(10, 0, 0, 10)));
	check_nak(init_reboot(B, IP(10, 0, 0, 150)));
	assert_int_equal(send(DHCPDISCOVER, B, 0, IP(10, 0, 0, 150), 0, 0),
			 DHCPOFFER);
	assert_int_not_equal(rep.yiaddr, IP(10, 0, 0, 150));
}

/* A /29: server .1, pool .2-.6 with a static host on .6: four leases. */
static void open_small(uint32_t lease_time)
{
	static const struct lease_static st[] = {
		{ { 0x52, 0x54, 0, 0xbb, 0, 1 }, IP(10, 0, 0, 6), "fixed" },
	};
	struct dhcp_cfg c = base_cfg();
	struct lease_cfg l = {
		.pool_first = IP(10, 0, 0, 2), .pool_last = IP(10, 0, 0, 6),
		.server = SERVER, .statics = st, .nstatic = 1,
	};

	c.netmask = 0xfffffff8;
	c.lease_time = lease_time;
	fx_open(&c, &l);
}

/* Open the /29 and lease its four addresses, one a second, to clients
 * 52:54:00:00:00:01 to :04. */
static void fill_small(uint32_t lease_time, uint32_t *ip)
{
	uint32_t seen = 0;
	uint8_t m[6];
	int i;

	open_small(lease_time);
	for (i = 0; i < 4; i++) {
		t_mac(m, 1 + (uint32_t)i);
		ip[i] = dora(m, NULL);
		assert_true(ip[i] >= IP(10, 0, 0, 2) && ip[i] <= IP(10, 0, 0, 5));
		seen |= 1u << (ip[i] & 7);
		fx.now += 1;
	}
	assert_int_equal(seen, 0x3c);
}

static void test_exhaustion(void **state)
{
	uint8_t late[6];
	uint32_t ip[4];

	(void)state;
	fill_small(3600, ip);
	t_mac(late, 99);
	send_silent(DHCPDISCOVER, late, 0, 0, 0, DHCP_EXHAUSTED);
	send_silent(DHCPDISCOVER, late, 0, 0, 0, DHCP_EXHAUSTED);
	check_nak(init_reboot(late, ip[0]));
	/* the static host still gets its address */
	assert_int_equal(discover((const uint8_t *)"\x52\x54\x00\xbb\x00\x01"),
			 IP(10, 0, 0, 6));

	/* a declined address is held back, then handed out again */
	send_silent(DHCPDECLINE, A, 0, ip[0], 0, DHCP_DONE);
	send_silent(DHCPDISCOVER, late, 0, 0, 0, DHCP_EXHAUSTED);
	fx.now += LEASE_DECLINE_HOLD;
	assert_int_equal(discover(late), ip[0]);
}

/* An expired lease's address goes to another client when needed. */
static void test_expiry(void **state)
{
	uint8_t late[6];
	uint32_t ip[4];

	(void)state;
	fill_small(60, ip);
	t_mac(late, 99);
	send_silent(DHCPDISCOVER, late, 0, 0, 0, DHCP_EXHAUSTED);
	fx.now = T0 + 60;			/* the first lease is over */
	assert_int_equal(discover(late), ip[0]);
	request_selecting(late, ip[0], NULL);
	assert_int_equal(fx.tx.type, DHCPACK);
	/* its old client, renewing too late, is refused */
	check_nak(send(DHCPREQUEST, A, ip[0], 0, 0, 0));
	/* the others renew fine */
	assert_int_equal(send(DHCPREQUEST, B, ip[1], 0, 0, 0), DHCPACK);
}

/**
 * struct bad - a malformed request: a DISCOVER changed at one place
 * @set:	overwrite byte @off of the message with @val
 * @off:	which byte
 * @val:	its new value
 * @type:	message type (0: no option 53)
 * @mac:	client hardware address, NULL for A
 * @opt:	extra options, raw, before END
 * @optlen:	their length
 * @file:	raw bytes for the 'file' field, or NULL
 * @len:	cut the request to this length (no END, no padding), or 0
 * @why:	expected outcome
 */
struct bad {
	int set;
	size_t off;
	uint8_t val;
	uint8_t type;
	const uint8_t *mac;
	const char *opt;
	size_t optlen;
	const char *file;
	size_t len;
	enum dhcp_why why;
};

static void test_malformed(void **state)
{
	static const uint8_t zero[6], mcast[6] = { 1, 0, 0x5e, 0, 0, 1 };
	static const struct bad bad[] = {
		{ .type = 1, .why = DHCP_SENT },		/* control */
		{ .type = 1, .len = 239, .why = DHCP_SHORT },
		{ .type = 1, .len = 1, .why = DHCP_SHORT },
		{ 1, 0, 2, .type = 1, .why = DHCP_NOT_REQUEST },
		{ 1, 1, 6, .type = 1, .why = DHCP_NOT_ETHERNET },
		{ 1, 2, 16, .type = 1, .why = DHCP_NOT_ETHERNET },
		{ 1, 239, 0x64, .type = 1, .why = DHCP_BAD_COOKIE },
		{ .type = 0, .why = DHCP_NO_TYPE },		/* plain BOOTP */
		/* an option past the end; a length byte missing */
		{ .type = 1, .opt = "\x0c\xc8xxxx", .optlen = 6, .len = 249,
		  .why = DHCP_BAD_OPTION },
		{ .type = 1, .opt = "\x0c", .optlen = 1, .len = 244,
		  .why = DHCP_BAD_OPTION },
		/* wrong lengths and values */
		{ .type = 0, .opt = "\x35\x02\x01\x01", .optlen = 4,
		  .why = DHCP_BAD_OPTION },
		{ .type = 3, .opt = "\x32\x03\x0a\x00\x00", .optlen = 5,
		  .why = DHCP_BAD_OPTION },
		{ .type = 3, .opt = "\x36\x05\x0a\x00\x00\x01\x00", .optlen = 7,
		  .why = DHCP_BAD_OPTION },
		{ .type = 1, .opt = "\x39\x01\x05", .optlen = 3,
		  .why = DHCP_BAD_OPTION },
		{ .type = 1, .opt = "\x34\x01\x04", .optlen = 3,
		  .why = DHCP_BAD_OPTION },
		/* an option overflowing the overloaded 'file' field */
		{ .type = 1, .opt = "\x34\x01\x01", .optlen = 3,
		  .file = "\x0c\x7f", .why = DHCP_BAD_OPTION },
		/* chaddr zero or multicast */
		{ .type = 1, .mac = zero, .why = DHCP_BAD_CHADDR },
		{ .type = 1, .mac = mcast, .why = DHCP_BAD_CHADDR },
		/* server-to-client and unknown types */
		{ .type = DHCPOFFER, .why = DHCP_BAD_TYPE },
		{ .type = DHCPACK, .why = DHCP_BAD_TYPE },
		{ .type = DHCPNAK, .why = DHCP_BAD_TYPE },
		{ .type = 200, .why = DHCP_BAD_TYPE },
	};
	struct req q;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const struct bad *b = &bad[i];

		req_init(&q, b->type, b->mac ? b->mac : A);
		if (b->optlen)
			memcpy(q.b + q.len, b->opt, b->optlen);
		q.len += b->optlen;
		if (b->len)
			q.len = b->len;
		else
			req_end(&q);
		if (b->file)
			memcpy(q.b + 108, b->file, strlen(b->file));
		if (b->set)
			q.b[b->off] = b->val;
		if (b->why == DHCP_SENT)
			assert_true(run(&q) > 0);
		else
			run_silent(&q, b->why);
	}
	/* nothing but the control case was offered */
	assert_int_equal(fx.d.count[DHCP_SENT], 1);
	/* and a buffer too small for any reply is refused */
	req_init(&q, DHCPDISCOVER, A);
	req_end(&q);
	assert_int_equal(dhcp_handle(&fx.d, fx.ls, fx.now, q.b, q.len, fx.out,
				     DHCP_OUT_MIN - 1, &fx.tx), -ENOSPC);
}

/* Lenient where it costs nothing: no END option, options repeated. */
static void test_lenient(void **state)
{
	struct req q;

	(void)state;
	req_init(&q, DHCPDISCOVER, A);		/* ends without END */
	assert_true(run(&q) > 0);
	assert_int_equal(fx.tx.type, DHCPOFFER);
	req_init(&q, DHCPDISCOVER, A);		/* first instance counts */
	req_opt(&q, 53, "\x03", 1);
	q.b[q.len++] = 0;			/* pads */
	q.b[q.len++] = 0;
	req_end(&q);
	assert_true(run(&q) > 0);
	assert_int_equal(fx.tx.type, DHCPOFFER);
}

/* Option overload (52): options in 'file', then in 'sname'. */
static void test_overload(void **state)
{
	struct req q;

	(void)state;
	req_init(&q, 0, A);
	req_opt(&q, 52, "\x03", 1);
	req_end(&q);
	memcpy(q.b + 108, "\x35\x01\x01\x0c\x04" "file\xff", 10);	/* file */
	memcpy(q.b + 44, "\x0c\x05sname\x32\x04\x0a\x00\x00\x84\xff", 14);
	assert_true(run(&q) > 0);
	assert_int_equal(fx.tx.type, DHCPOFFER);
	/* the name from 'file' wins, the requested address from 'sname' */
	assert_int_equal(rep.optlen[12], 4);
	assert_memory_equal(rep.opt[12], "file", 4);
	assert_int_equal(rep.yiaddr, IP(10, 0, 0, 132));
	/* without option 52 those fields are not options */
	req_init(&q, 0, A);
	req_end(&q);
	memcpy(q.b + 108, "\x35\x01\x01\xff", 4);
	run_silent(&q, DHCP_NO_TYPE);
}

static void test_client_id_echo(void **state)
{
	struct req q;

	(void)state;
	req_init(&q, DHCPDISCOVER, A);
	req_opt(&q, 61, "\xff\x00\x01\x02\x03", 5);
	req_opt(&q, 12, "Echo-Me", 7);
	req_end(&q);
	assert_true(run(&q) > 0);
	assert_int_equal(rep.optlen[61], 5);
	assert_memory_equal(rep.opt[61], "\xff\x00\x01\x02\x03", 5);
	/* not bound yet: its own name, as sent */
	assert_int_equal(rep.optlen[12], 7);
	assert_memory_equal(rep.opt[12], "Echo-Me", 7);
}

/* Send a DISCOVER with a maximum size (57, if not 0) and a request list. */
static int discover_with(uint16_t maxsize, const char *prl)
{
	uint8_t ms[2] = { (uint8_t)(maxsize >> 8), (uint8_t)maxsize };
	struct req q;

	req_init(&q, DHCPDISCOVER, A);
	if (maxsize)
		req_opt(&q, 57, ms, 2);
	if (prl)
		req_opt(&q, 55, prl, (uint8_t)strlen(prl));
	req_end(&q);
	return run(&q);
}

/*
 * Replies fit in 576 bytes unless the client allows more (57); the
 * options it asked for (55) come first.
 */
static void test_max_size_and_prl(void **state)
{
	static const char *const search[] = {
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example.com",
		"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb.example.com",
		"cccccccccccccccccccccccccccccccccccccccccccccccccc.example.com",
		"dddddddddddddddddddddddddddddddddddddddddddddddddd.example.com",
	};
	struct dhcp_cfg c = base_cfg();
	struct lease_cfg l = base_lcfg();
	int i, p1 = -1, p26 = -1;

	(void)state;
	c.search = search;
	c.nsearch = 4;
	fx_open(&c, &l);

	assert_true(discover_with(0, NULL) <= 548);
	assert_null(rep.opt[119]);		/* 260 bytes: no room */
	check_lease_options(&rep);
	assert_non_null(rep.opt[1]);
	assert_non_null(rep.opt[26]);

	assert_true(discover_with(1500, NULL) > 548);
	assert_int_equal(rep.count[119], 2);	/* split (RFC 3396) */
	assert_int_equal(rep.catlen[119], 4 * 64);
	assert_int_equal(rep.cat[119][0], 50);
	assert_memory_equal(rep.cat[119] + 51, "\x07" "example" "\x03" "com\0",
			    13);

	assert_true(discover_with(0, "\x77\x03") <= 548);  /* asked for 119 */
	assert_int_equal(rep.catlen[119], 4 * 64);
	assert_non_null(rep.opt[3]);
	assert_null(rep.opt[26]);

	assert_true(discover_with(1500, "\x1a") > 0);	/* 26 before 1 */
	for (i = 0; i < rep.norder; i++) {
		if (rep.order[i] == 1)
			p1 = i;
		if (rep.order[i] == 26)
			p26 = i;
	}
	assert_true(p26 >= 0 && p1 > p26);
}

/* The user-mode backend: SLIRP numbering and a host name from the host. */
static void test_user_mode(void **state)
{
	static const char *const search[] = { "example.org" };
	struct dhcp_cfg c = {
		.server = IP(10, 0, 2, 2), .netmask = 0xffffff00,
		.router = IP(10, 0, 2, 2), .dns = { IP(10, 0, 2, 3) },
		.ndns = 1, .search = search, .nsearch = 1,
		.hostname = "guest", .lease_time = 86400,
	};
	struct lease_cfg l = {
		.pool_first = IP(10, 0, 2, 15), .pool_last = IP(10, 0, 2, 30),
		.server = IP(10, 0, 2, 2), .sequential = 1,
	};
	uint8_t m[6];
	struct req q;
	int n;

	(void)state;
	fx_open(&c, &l);
	t_mac(m, 0x123456);
	req_init(&q, DHCPDISCOVER, m);
	req_opt(&q, 12, "mine", 4);
	req_end(&q);
	n = dhcp_handle(&fx.d, fx.ls, fx.now, q.b, q.len, fx.out,
			sizeof(fx.out), &fx.tx);
	assert_true(n > 0);
	parse_reply(fx.out, (size_t)n, &rep);
	assert_int_equal(rep.yiaddr, IP(10, 0, 2, 15));
	assert_int_equal(rep.count[12], 1);
	assert_memory_equal(rep.opt[12], "guest", 5);
	assert_int_equal(opt32(&rep, 6), IP(10, 0, 2, 3));
	assert_memory_equal(rep.opt[119], "\x07" "example" "\x03" "org", 13);
	assert_null(rep.opt[15]);
	assert_null(rep.opt[26]);
}

/* Network boot: siaddr, 'file' and options 66/67 in offers and acks. */
static void test_boot_options(void **state)
{
	struct dhcp_cfg c = base_cfg();
	struct lease_cfg l = base_lcfg();
	uint8_t m[6], file[128] = "pxelinux.0";
	char longname[201];
	struct req q;
	int n;

	(void)state;
	c.next_server = IP(10, 0, 0, 5);
	c.bootfile = "pxelinux.0";
	c.tftp_server = "boot.lab";
	fx_open(&c, &l);
	t_mac(m, 0x4242);
	req_init(&q, DHCPDISCOVER, m);
	req_end(&q);
	n = dhcp_handle(&fx.d, fx.ls, fx.now, q.b, q.len, fx.out,
			sizeof(fx.out), &fx.tx);
	assert_true(n > 0);
	assert_int_equal(get32(fx.out + 20), IP(10, 0, 0, 5));
	assert_memory_equal(fx.out + 108, file, 128);
	memset(fx.out + 108, 0, 128);
	parse_reply(fx.out, (size_t)n, &rep);
	assert_int_equal(msgtype(&rep), DHCPOFFER);
	assert_int_equal(rep.optlen[67], 10);
	assert_memory_equal(rep.opt[67], "pxelinux.0", 10);
	assert_int_equal(rep.optlen[66], 8);
	assert_memory_equal(rep.opt[66], "boot.lab", 8);

	/* an INFORM ack carries no lease, so no boot fields */
	req_init(&q, DHCPINFORM, m);
	req_ciaddr(&q, IP(10, 0, 0, 77));
	req_end(&q);
	n = dhcp_handle(&fx.d, fx.ls, fx.now, q.b, q.len, fx.out,
			sizeof(fx.out), &fx.tx);
	assert_true(n > 0);
	assert_int_equal(get32(fx.out + 20), 0);
	parse_reply(fx.out, (size_t)n, &rep);

	/* a name too long for 'file' is sent as option 67 only */
	memset(longname, 'a', 200);
	longname[200] = 0;
	c.bootfile = longname;
	fx_open(&c, &l);
	req_init(&q, DHCPDISCOVER, m);
	req_end(&q);
	n = dhcp_handle(&fx.d, fx.ls, fx.now, q.b, q.len, fx.out,
			sizeof(fx.out), &fx.tx);
	assert_true(n > 0);
	parse_reply(fx.out, (size_t)n, &rep);	/* checks 'file' is zero */
	assert_int_equal(rep.optlen[67], 200);

	/* control characters are refused */
	c.bootfile = "bad\nname";
	assert_int_equal(dhcp_init(&fx.d, &c), -EINVAL);
	c.bootfile = NULL;
	c.tftp_server = "bad\tname";
	assert_int_equal(dhcp_init(&fx.d, &c), -EINVAL);
}

static void test_init_checks(void **state)
{
	static const char *const bad_search[] = { "ok.example", "bad..name" };
	struct dhcp_cfg c[10];
	struct dhcp d;
	size_t i;

	(void)state;
	for (i = 0; i < 10; i++)
		c[i] = base_cfg();
	c[0].netmask = 0xff00ff00;
	c[1].server = IP(10, 0, 0, 0);
	c[2].server = IP(10, 0, 0, 255);
	c[3].ndns = DHCP_MAX_DNS + 1;
	c[4].lease_time = 0;
	c[5].domain = "bad domain";
	c[6].search = bad_search;
	c[7].hostname = "two.labels";
	c[8].mtu = 67;
	for (i = 0; i < 9; i++)
		assert_int_equal(dhcp_init(&d, &c[i]), -EINVAL);
	assert_int_equal(dhcp_init(&d, &c[9]), 0);
}

static void test_why_str(void **state)
{
	int i;

	(void)state;
	for (i = 0; i < DHCP_WHY_MAX; i++)
		assert_non_null(dhcp_why_str((enum dhcp_why)i));
	assert_string_equal(dhcp_why_str(DHCP_EXHAUSTED),
			    "address pool exhausted");
	assert_string_equal(dhcp_why_str(DHCP_WHY_MAX), "?");
}

/* Open the standard server with its journal in the scratch directory. */
static void open_journaled(const char *name)
{
	struct dhcp_cfg c = base_cfg();
	struct lease_cfg l = base_lcfg();

	l.path = t_path(name);
	fx_open(&c, &l);
}

/* The ACK's lease is in the journal by the time dhcp_handle() returns. */
static void test_journal_before_ack(void **state)
{
	char line[128];
	uint8_t m[6];
	uint32_t ip;

	(void)state;
	open_journaled("net.leases");
	t_mac(m, 0xabcdef);
	ip = dora(m, "journaled");
	snprintf(line, sizeof(line),
		 "lease 52:54:00:ab:cd:ef 10.0.0.%u %d journaled\n", ip & 255,
		 T0 + 3600);
	assert_non_null(strstr(t_read(t_path("net.leases")), line));
}

/* When the journal cannot be written, the client gets no ACK. */
static void test_no_ack_without_journal(void **state)
{
	struct rlimit rl;
	struct stat st;
	struct req q;
	int status, n;
	uint32_t ip;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		open_journaled("full.leases");
		if (stat(t_path("full.leases"), &st) < 0)
			_exit(2);
		rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		ip = discover(A);
		req_init(&q, DHCPREQUEST, A);
		req_opt32(&q, 54, SERVER);
		req_opt32(&q, 50, ip);
		req_end(&q);
		n = dhcp_handle(&fx.d, fx.ls, fx.now, q.b, q.len, fx.out,
				sizeof(fx.out), &fx.tx);
		if (n >= 0 || fx.tx.dest != DHCP_DEST_NONE ||
		    fx.tx.why != DHCP_STORE_ERROR ||
		    fx.d.count[DHCP_STORE_ERROR] != 1)
			_exit(4);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_discover_offer),
		T(test_broadcast_flag),
		T(test_dora),
		T(test_request_other_server),
		T(test_init_reboot),
		T(test_not_authoritative),
		T(test_renew_rebind),
		T(test_release),
		T(test_decline),
		T(test_inform),
		T(test_relay),
		T(test_ciaddr_dest),
		T(test_static_host),
		T(test_exhaustion),
		T(test_expiry),
		T(test_malformed),
		T(test_lenient),
		T(test_overload),
		T(test_client_id_echo),
		T(test_max_size_and_prl),
		T(test_user_mode),
		T(test_boot_options),
		T(test_init_checks),
		T(test_why_str),
		T(test_journal_before_ack),
		T(test_no_ack_without_journal),
	};

	return cmocka_run_group_tests(tests, group_setup, t_dir_teardown);
}
