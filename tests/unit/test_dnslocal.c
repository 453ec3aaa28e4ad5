// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dnslocal.c - unit tests of the local resolver (lib/dnslocal.c)
 *
 * The network is lab.internal, 192.168.100.0/24, with the server at .1
 * named "gateway" and two leases in a small table standing in for the
 * lease store.  Each case checks the verdict and the reply's bytes: ID,
 * flags (QR, AA, RA, RD), rcode, the question as the client spelt it, and
 * the answer's name pointer, type, TTL and data.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dnslocal.h"
#include "dnstest.h"
#include "pkt.h"

#define T_TTL		3

struct lease {
	const char *host;
	const char *addr;
};

static const struct lease leases[] = {
	{ "vm1", "192.168.100.10" },
	{ "Web-2", "192.168.100.11" },
	{ NULL, NULL },
};

/* The last name by_name() was asked for, and how often it was asked. */
static char asked[128];
static int nasked;

static int by_name(void *ctx, const char *host, struct in_addr *addr)
{
	const struct lease *l;

	(void)ctx;
	snprintf(asked, sizeof(asked), "%s", host);
	nasked++;
	for (l = leases; l->host; l++)
		if (!strcasecmp(l->host, host))
			return inet_pton(AF_INET, l->addr, addr) == 1 ? 0 : -1;
	return -ENOENT;
}

static int by_addr(void *ctx, struct in_addr addr, char *host, size_t len)
{
	const struct lease *l;
	struct in_addr a;

	(void)ctx;
	for (l = leases; l->host; l++) {
		inet_pton(AF_INET, l->addr, &a);
		if (a.s_addr == addr.s_addr) {
			snprintf(host, len, "%s", l->host);
			return 0;
		}
	}
	/* a lease whose client sent a name that is not a label */
	inet_pton(AF_INET, "192.168.100.66", &a);
	if (a.s_addr == addr.s_addr) {
		snprintf(host, len, "bad.name");
		return 0;
	}
	return -ENOENT;
}

static const char *const self_names[] = { "gateway", "tapir", NULL };

static void setup_loc(struct dns_local *loc, const char *domain)
{
	memset(loc, 0, sizeof(*loc));
	loc->domain = domain;
	inet_pton(AF_INET, "192.168.100.1", &loc->self);
	loc->self_names = self_names;
	inet_pton(AF_INET, "192.168.100.0", &loc->net);
	loc->prefix = 24;
	loc->ttl = T_TTL;
	loc->db.by_name = by_name;
	loc->db.by_addr = by_addr;
	assert_int_equal(dns_local_init(loc), 0);
}

/**
 * struct outcome - what dns_local_query() did with one query
 * @verdict:	its verdict
 * @q:		the parsed query
 * @query:	the query's bytes
 * @qlen:	their length
 * @out:	the reply
 * @len:	its length
 * @r:		the reply parsed, if there is one
 */
struct outcome {
	enum dns_local_verdict verdict;
	struct dns_msg q;
	uint8_t query[512];
	size_t qlen;
	uint8_t out[512];
	size_t len;
	struct dns_msg r;
};

static void ask_raw(const struct dns_local *loc, struct outcome *o)
{
	o->verdict = dns_local_query(loc, o->query, o->qlen, 0, &o->q, o->out,
				     sizeof(o->out), &o->len);
	if (o->verdict == DNS_LOCAL_REPLY && o->len > DNS_HDR_LEN)
		t_parse(o->out, o->len, &o->r);
	if (o->verdict != DNS_LOCAL_REPLY)
		assert_int_equal(o->len, 0);
}

static void ask(const struct dns_local *loc, struct outcome *o,
		const char *name, uint16_t qtype, uint16_t flags)
{
	o->qlen = t_query(o->query, 0x7e57, flags, name, qtype, DNS_C_IN, 0,
			  0);
	ask_raw(loc, o);
}

/* A local reply: ID, QR AA RA, RD copied, rcode, question echoed. */
static void check_local(const struct outcome *o, int rcode, int ancount)
{
	size_t qend = o->q.qend;

	assert_int_equal(o->verdict, DNS_LOCAL_REPLY);
	assert_int_equal(pkt_get_u16(o->out), 0x7e57);
	assert_int_equal(o->r.flags, DNS_F_QR | DNS_F_AA | DNS_F_RA |
			 (o->q.flags & DNS_F_RD) | rcode);
	assert_int_equal(o->r.qdcount, 1);
	assert_int_equal(o->r.ancount, ancount);
	assert_int_equal(o->r.nscount, 0);
	assert_int_equal(o->r.arcount, 0);
	assert_memory_equal(o->out + DNS_HDR_LEN, o->query + DNS_HDR_LEN,
			    qend - DNS_HDR_LEN);
	if (!ancount)
		assert_int_equal(o->len, qend);
}

/* Ask, and expect a local reply with no answer and the given rcode. */
static void expect_empty(const struct dns_local *loc, struct outcome *o,
			 const char *name, uint16_t qtype, uint16_t flags,
			 int rcode)
{
	ask(loc, o, name, qtype, flags);
	check_local(o, rcode, 0);
}

/* Ask, and expect the query to be forwarded. */
static void expect_forward(const struct dns_local *loc, struct outcome *o,
			   const char *name, uint16_t qtype)
{
	ask(loc, o, name, qtype, DNS_F_RD);
	assert_int_equal(o->verdict, DNS_LOCAL_FORWARD);
}

/* The one answer: pointer to the question, type, class IN, TTL, data. */
static void check_answer(const struct outcome *o, uint16_t type,
			 const void *rdata, size_t rdlen)
{
	const uint8_t *a = o->out + o->q.qend;

	assert_int_equal(o->len, o->q.qend + 12 + rdlen);
	assert_int_equal(pkt_get_u16(a), 0xc00c);
	assert_int_equal(pkt_get_u16(a + 2), type);
	assert_int_equal(pkt_get_u16(a + 4), DNS_C_IN);
	assert_int_equal(pkt_get_u32(a + 6), T_TTL);
	assert_int_equal(pkt_get_u16(a + 10), rdlen);
	assert_memory_equal(a + 12, rdata, rdlen);
}

static void check_a(const struct outcome *o, const char *addr)
{
	struct in_addr a;

	inet_pton(AF_INET, addr, &a);
	check_local(o, DNS_R_NOERROR, 1);
	check_answer(o, DNS_T_A, &a.s_addr, 4);
}

static void test_host_dot_domain(void **state)
{
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	ask(&loc, &o, "vm1.lab.internal", DNS_T_A, DNS_F_RD);
	check_a(&o, "192.168.100.10");
	assert_string_equal(asked, "vm1");

	/* any case; the lease store sees lowercase, the client its own */
	ask(&loc, &o, "WEB-2.Lab.INTERNAL", DNS_T_A, 0);
	check_a(&o, "192.168.100.11");
	assert_string_equal(asked, "web-2");

	/* a trailing dot is the same name */
	ask(&loc, &o, "vm1.lab.internal.", DNS_T_ANY, DNS_F_RD);
	check_a(&o, "192.168.100.10");
}

static void test_bare_host(void **state)
{
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	ask(&loc, &o, "vm1", DNS_T_A, DNS_F_RD);
	check_a(&o, "192.168.100.10");
	expect_empty(&loc, &o, "Vm1", DNS_T_AAAA, DNS_F_RD, DNS_R_NOERROR);
}

static void test_self(void **state)
{
	struct dns_local loc;
	struct outcome o;
	int n0;

	(void)state;
	setup_loc(&loc, "lab.internal");
	n0 = nasked;
	ask(&loc, &o, "gateway.lab.internal", DNS_T_A, DNS_F_RD);
	check_a(&o, "192.168.100.1");
	ask(&loc, &o, "TAPIR", DNS_T_A, DNS_F_RD);
	check_a(&o, "192.168.100.1");
	/* the server's names never reach the lease store */
	assert_int_equal(nasked, n0);

	/* no address: the names are not special */
	loc.self.s_addr = htonl(INADDR_ANY);
	expect_empty(&loc, &o, "gateway.lab.internal",
		     DNS_T_A, DNS_F_RD, DNS_R_NXDOMAIN);
}

static void test_nodata(void **state)
{
	static const uint16_t types[] = { DNS_T_AAAA, DNS_T_MX, DNS_T_TXT,
					  DNS_T_PTR, DNS_T_SOA, 65 };
	struct dns_local loc;
	struct outcome o;
	size_t i;

	(void)state;
	setup_loc(&loc, "lab.internal");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		expect_empty(&loc, &o, "vm1.lab.internal", types[i],
			     DNS_F_RD, DNS_R_NOERROR);
	}
	/* the domain itself exists, with no data of its own */
	expect_empty(&loc, &o, "lab.internal",
		     DNS_T_A, DNS_F_RD, DNS_R_NOERROR);
	expect_empty(&loc, &o, "LAB.internal", DNS_T_SOA, 0, DNS_R_NOERROR);
}

static void test_nxdomain(void **state)
{
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	expect_empty(&loc, &o, "nope.lab.internal",
		     DNS_T_A, DNS_F_RD, DNS_R_NXDOMAIN);
	expect_empty(&loc, &o, "nope.lab.internal",
		     DNS_T_MX, DNS_F_RD, DNS_R_NXDOMAIN);
	/* deeper names: never forwarded, never looked up */
	nasked = 0;
	expect_empty(&loc, &o, "www.vm1.lab.internal",
		     DNS_T_A, DNS_F_RD, DNS_R_NXDOMAIN);
	assert_int_equal(nasked, 0);

	/* bare names that are not hosts: A, AAAA, ANY are NXDOMAIN */
	expect_empty(&loc, &o, "printer", DNS_T_A, DNS_F_RD, DNS_R_NXDOMAIN);
	expect_empty(&loc, &o, "printer", DNS_T_AAAA, DNS_F_RD, DNS_R_NXDOMAIN);
	expect_empty(&loc, &o, "printer", DNS_T_ANY, DNS_F_RD, DNS_R_NXDOMAIN);
}

/* Labels that cannot be host names never reach the lease store. */
static void test_odd_labels(void **state)
{
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	/* "vm1\0" and "vm1." inside one label would look like "vm1" */
	expect_empty(&loc, &o, "vm1X.lab.internal",
		     DNS_T_A, DNS_F_RD, DNS_R_NXDOMAIN);
	assert_string_equal(asked, "vm1x");
	nasked = 0;
	o.query[DNS_HDR_LEN + 4] = '\0';
	ask_raw(&loc, &o);
	check_local(&o, DNS_R_NXDOMAIN, 0);
	o.query[DNS_HDR_LEN + 4] = '.';
	ask_raw(&loc, &o);
	check_local(&o, DNS_R_NXDOMAIN, 0);
	o.query[DNS_HDR_LEN + 4] = 0xc3;
	ask_raw(&loc, &o);
	check_local(&o, DNS_R_NXDOMAIN, 0);
	assert_int_equal(nasked, 0);
	/* "vm1_" is a valid label, asked for, unknown */
	o.query[DNS_HDR_LEN + 4] = '_';
	ask_raw(&loc, &o);
	check_local(&o, DNS_R_NXDOMAIN, 0);
	assert_int_equal(nasked, 1);
	assert_string_equal(asked, "vm1_");
}

static void test_forward(void **state)
{
	static const char qname[] = "\3www\7example\3com";
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	expect_forward(&loc, &o, "www.example.com", DNS_T_A);
	assert_int_equal(o.q.id, 0x7e57);
	assert_int_equal(o.q.qname_len, sizeof(qname));
	assert_memory_equal(o.q.qname, qname, sizeof(qname));

	/* other types of bare names go upstream: TLD DS, SOA; the root */
	expect_forward(&loc, &o, "com", 43);
	expect_forward(&loc, &o, "printer", DNS_T_SOA);
	expect_forward(&loc, &o, ".", DNS_T_NS);

	/* a name ending like the domain, not at a label boundary */
	expect_forward(&loc, &o, "xlab.internal", DNS_T_A);
	expect_forward(&loc, &o, "internal", DNS_T_SOA);

	/* class CHAOS is never local */
	o.qlen = t_query(o.query, 1, 0, "vm1.lab.internal", DNS_T_TXT, 3, 0,
			 0);
	ask_raw(&loc, &o);
	assert_int_equal(o.verdict, DNS_LOCAL_FORWARD);
	/* class ANY is */
	o.qlen = t_query(o.query, 0x7e57, 0, "vm1.lab.internal", DNS_T_A, 255,
			 0, 0);
	ask_raw(&loc, &o);
	check_a(&o, "192.168.100.10");
}

static void test_reverse(void **state)
{
	static const uint8_t vm1[] = "\3vm1\3lab\10internal";
	static const uint8_t gw[] = "\7gateway\3lab\10internal";
	static const uint8_t web[] = "\5Web-2\3lab\10internal";
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	ask(&loc, &o, "10.100.168.192.in-addr.arpa", DNS_T_PTR, DNS_F_RD);
	check_local(&o, DNS_R_NOERROR, 1);
	check_answer(&o, DNS_T_PTR, vm1, sizeof(vm1));
	ask(&loc, &o, "11.100.168.192.IN-ADDR.ARPA", DNS_T_ANY, DNS_F_RD);
	check_local(&o, DNS_R_NOERROR, 1);
	check_answer(&o, DNS_T_PTR, web, sizeof(web));
	ask(&loc, &o, "1.100.168.192.in-addr.arpa", DNS_T_PTR, 0);
	check_local(&o, DNS_R_NOERROR, 1);
	check_answer(&o, DNS_T_PTR, gw, sizeof(gw));

	/* an existing reverse name, other types */
	expect_empty(&loc, &o, "10.100.168.192.in-addr.arpa",
		     DNS_T_A, DNS_F_RD, DNS_R_NOERROR);

	/* in the subnet, no host (or a host name that is not a label) */
	expect_empty(&loc, &o, "99.100.168.192.in-addr.arpa",
		     DNS_T_PTR, DNS_F_RD, DNS_R_NXDOMAIN);
	expect_empty(&loc, &o, "66.100.168.192.in-addr.arpa",
		     DNS_T_PTR, DNS_F_RD, DNS_R_NXDOMAIN);
	expect_empty(&loc, &o, "255.100.168.192.in-addr.arpa",
		     DNS_T_PTR, DNS_F_RD, DNS_R_NXDOMAIN);

	/* outside it, and partial or malformed reverse names: upstream */
	expect_forward(&loc, &o, "8.8.8.8.in-addr.arpa", DNS_T_PTR);
	expect_forward(&loc, &o, "0.101.168.192.in-addr.arpa", DNS_T_PTR);
	expect_forward(&loc, &o, "100.168.192.in-addr.arpa", DNS_T_PTR);

	/* no subnet configured: unknown reverse names go upstream */
	loc.prefix = 0;
	expect_forward(&loc, &o, "99.100.168.192.in-addr.arpa", DNS_T_PTR);
	/* a /32 holds only itself */
	loc.prefix = 32;
	loc.net = loc.self;
	expect_forward(&loc, &o, "2.100.168.192.in-addr.arpa", DNS_T_PTR);
}

static void test_no_domain(void **state)
{
	static const uint8_t vm1[] = "\3vm1";
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, NULL);
	assert_int_equal(loc.domain_len, 0);
	ask(&loc, &o, "vm1", DNS_T_A, DNS_F_RD);
	check_a(&o, "192.168.100.10");
	expect_forward(&loc, &o, "vm1.lab.internal", DNS_T_A);
	ask(&loc, &o, "10.100.168.192.in-addr.arpa", DNS_T_PTR, DNS_F_RD);
	check_local(&o, DNS_R_NOERROR, 1);
	check_answer(&o, DNS_T_PTR, vm1, sizeof(vm1));

	setup_loc(&loc, "");
	assert_int_equal(loc.domain_len, 0);
}

static void test_zone_transfer(void **state)
{
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	expect_empty(&loc, &o, "lab.internal", 252, 0, DNS_R_REFUSED);
	expect_empty(&loc, &o, "vm1.lab.internal", 251, 0, DNS_R_REFUSED);
	ask(&loc, &o, "example.com", 252, 0);
	assert_int_equal(o.verdict, DNS_LOCAL_FORWARD);
}

static void test_opcodes(void **state)
{
	struct dns_local loc;
	struct outcome o;
	int op;

	(void)state;
	setup_loc(&loc, "lab.internal");
	for (op = 1; op < 16; op++) {
		ask(&loc, &o, "vm1.lab.internal", DNS_T_A,
		    (uint16_t)(op << 11 | DNS_F_RD));
		assert_int_equal(o.verdict, DNS_LOCAL_REPLY);
		assert_int_equal(o.r.flags, DNS_F_QR | op << 11 | DNS_F_RD |
				 DNS_F_RA | DNS_R_NOTIMP);
		assert_int_equal(o.r.ancount, 0);
	}
	/* NOTIMP for an unparsable message of another opcode: header only */
	ask(&loc, &o, "vm1.lab.internal", DNS_T_A, 5 << 11);
	o.qlen -= 1;
	ask_raw(&loc, &o);
	assert_int_equal(o.len, DNS_HDR_LEN);
	assert_int_equal(pkt_get_u16(o.out + 2),
			 DNS_F_QR | 5 << 11 | DNS_R_NOTIMP);
}

static void test_malformed(void **state)
{
	struct dns_local loc;
	struct outcome o;
	size_t l, full;

	(void)state;
	setup_loc(&loc, "lab.internal");
	ask(&loc, &o, "vm1.lab.internal", DNS_T_A, DNS_F_RD);
	full = o.qlen;

	/* cut short anywhere after the header: FORMERR, header only */
	for (l = DNS_HDR_LEN; l < full; l++) {
		o.qlen = l;
		ask_raw(&loc, &o);
		assert_int_equal(o.verdict, DNS_LOCAL_REPLY);
		assert_int_equal(o.len, DNS_HDR_LEN);
		assert_int_equal(pkt_get_u16(o.out), 0x7e57);
		assert_int_equal(pkt_get_u16(o.out + 2),
				 DNS_F_QR | DNS_F_RD | DNS_R_FORMERR);
		assert_int_equal(pkt_get_u16(o.out + 4), 0);
	}
	/* shorter than a header: dropped */
	for (l = 0; l < DNS_HDR_LEN; l++) {
		o.qlen = l;
		ask_raw(&loc, &o);
		assert_int_equal(o.verdict, DNS_LOCAL_DROP);
	}
	/* two questions */
	o.qlen = full;
	o.query[5] = 2;
	ask_raw(&loc, &o);
	assert_int_equal(pkt_get_u16(o.out + 2),
			 DNS_F_QR | DNS_F_RD | DNS_R_FORMERR);

	/* responses are never answered, however broken */
	ask(&loc, &o, "vm1.lab.internal", DNS_T_A, DNS_F_QR);
	assert_int_equal(o.verdict, DNS_LOCAL_DROP);
	o.qlen = DNS_HDR_LEN;
	ask_raw(&loc, &o);
	assert_int_equal(o.verdict, DNS_LOCAL_DROP);
}

static void test_edns(void **state)
{
	struct dns_local loc;
	struct outcome o;

	(void)state;
	setup_loc(&loc, "lab.internal");
	o.qlen = t_query(o.query, 0x7e57, DNS_F_RD, "vm1.lab.internal",
			 DNS_T_A, DNS_C_IN, 4096, DNS_EDNS_DO);
	ask_raw(&loc, &o);
	assert_int_equal(o.verdict, DNS_LOCAL_REPLY);
	assert_int_equal(o.r.ancount, 1);
	assert_int_equal(o.r.arcount, 1);
	assert_true(o.r.edns);
	assert_int_equal(o.r.edns_size, DNS_EDNS_SIZE);
	assert_int_equal(o.r.edns_flags, DNS_EDNS_DO);

	/* EDNS version 1: BADVERS, whatever the name */
	o.query[o.qlen - 5] = 1;
	ask_raw(&loc, &o);
	assert_int_equal(o.verdict, DNS_LOCAL_REPLY);
	assert_int_equal(o.r.flags & DNS_F_RCODE, 0);
	assert_int_equal(o.r.edns_rcode, 1);
	assert_int_equal(o.r.ancount, 0);
}

static void test_small_buffer(void **state)
{
	struct dns_local loc;
	struct dns_msg q;
	uint8_t query[64], out[64];
	size_t qlen, len = 99;

	(void)state;
	setup_loc(&loc, "lab.internal");
	qlen = t_query(query, 1, 0, "vm1.lab.internal", DNS_T_A, DNS_C_IN, 0,
		       0);
	/* the question fits, the answer not: TC */
	assert_int_equal(dns_local_query(&loc, query, qlen, 0, &q, out, qlen,
					 &len), DNS_LOCAL_REPLY);
	assert_int_equal(len, qlen);
	assert_true(pkt_get_u16(out + 2) & DNS_F_TC);
	/* not even the question: nothing */
	assert_int_equal(dns_local_query(&loc, query, qlen, 0, &q, out, 20,
					 &len), DNS_LOCAL_DROP);
	assert_int_equal(len, 0);
	/* FORMERR needs 12 bytes */
	assert_int_equal(dns_local_query(&loc, query, 13, 1, &q, out, 11,
					 &len), DNS_LOCAL_DROP);
}

static void test_init(void **state)
{
	static const char *const bad_self[] = { "gw", "a.b", NULL };
	struct dns_local loc;

	(void)state;
	setup_loc(&loc, "lab.internal");
	assert_int_equal(loc.domain_len, 14);
	loc.domain = "lab..internal";
	assert_int_equal(dns_local_init(&loc), -EINVAL);
	loc.domain = ".";
	assert_int_equal(dns_local_init(&loc), -EINVAL);
	loc.domain = "lab.internal";
	loc.prefix = 33;
	assert_int_equal(dns_local_init(&loc), -EINVAL);
	loc.prefix = 24;
	loc.self_names = bad_self;
	assert_int_equal(dns_local_init(&loc), -EINVAL);

	assert_true(dns_local_host_ok("vm-1_a"));
	assert_false(dns_local_host_ok(""));
	assert_false(dns_local_host_ok("a.b"));
	assert_false(dns_local_host_ok("a b"));
	assert_true(dns_local_host_ok("a2345678901234567890123456789012"
				      "3456789012345678901234567890123"));
	assert_false(dns_local_host_ok("a2345678901234567890123456789012"
				       "34567890123456789012345678901234"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_dot_domain),
		cmocka_unit_test(test_bare_host),
		cmocka_unit_test(test_self),
		cmocka_unit_test(test_nodata),
		cmocka_unit_test(test_nxdomain),
		cmocka_unit_test(test_odd_labels),
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_reverse),
		cmocka_unit_test(test_no_domain),
		cmocka_unit_test(test_zone_transfer),
		cmocka_unit_test(test_opcodes),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_edns),
		cmocka_unit_test(test_small_buffer),
		cmocka_unit_test(test_init),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
