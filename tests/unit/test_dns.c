// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dns.c - unit tests of the DNS message engine (lib/dns.c)
 *
 * Messages come from two places: byte arrays written out as dig and a
 * recursive resolver put them on the wire, and the independent builders
 * of dnstest.c.  Every malformed case - cut short at every length,
 * compression loops, long names and labels, odd label types, misplaced
 * OPT records - must be refused without reading out of bounds (the ASan
 * build checks that part).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "dns.h"
#include "dnstest.h"
#include "pkt.h"

/* dig +cookie example.com A: RD, AD, EDNS 1232 with a client cookie. */
static const uint8_t dig_query[] = {
	0x3b, 0x9c, 0x01, 0x20, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01,
	0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0x03, 'c', 'o', 'm', 0x00,
	0x00, 0x01, 0x00, 0x01,
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
	0x00, 0x0a, 0x00, 0x08, 0x9e, 0x3e, 0x8c, 0x2a, 0x71, 0x0b, 0x2c, 0x55,
};

/*
 * The answer from a recursive resolver: QR RD RA, a CNAME chain whose
 * names are compressed against the question and against each other, and
 * an OPT record with DO clear.
 */
static const uint8_t cname_resp[] = {
	0x3b, 0x9c, 0x81, 0x80, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01,
	0x03, 'w', 'w', 'w', 0x07, 'e', 'x', 'a', 'm', 'p', 'l', 'e',
	0x03, 'c', 'o', 'm', 0x00, 0x00, 0x01, 0x00, 0x01,
	/* 33: www.example.com CNAME cdn.example.com, TTL 300 */
	0xc0, 0x0c, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x01, 0x2c,
	0x00, 0x06, 0x03, 'c', 'd', 'n', 0xc0, 0x10,
	/* 51: cdn.example.com A 93.184.216.34, TTL 60 */
	0xc0, 0x2d, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x3c,
	0x00, 0x04, 93, 184, 216, 34,
	/* 67: OPT 1232 */
	0x00, 0x00, 0x29, 0x04, 0xd0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void test_parse_dig_query(void **state)
{
	static const uint8_t qname[] = "\7example\3com";
	struct dns_msg m;

	(void)state;
	t_parse(dig_query, sizeof(dig_query), &m);
	assert_int_equal(m.id, 0x3b9c);
	assert_int_equal(m.flags, DNS_F_RD | DNS_F_AD);
	assert_int_equal(m.qdcount, 1);
	assert_int_equal(m.arcount, 1);
	assert_int_equal(m.qname_len, sizeof(qname));
	assert_memory_equal(m.qname, qname, sizeof(qname));
	assert_int_equal(m.qtype, DNS_T_A);
	assert_int_equal(m.qclass, DNS_C_IN);
	assert_int_equal(m.qend, 29);
	assert_int_equal(m.end, sizeof(dig_query));
	assert_true(m.edns);
	assert_int_equal(m.opt_off, 29);
	assert_int_equal(m.edns_size, 1232);
	assert_int_equal(m.edns_version, 0);
	assert_int_equal(m.edns_flags, 0);
	assert_int_equal(dns_reply_max(&m, 0, 65535), 1232);
	assert_int_equal(dns_reply_max(&m, 1, 65535), 65535);
	assert_int_equal(dns_reply_max(&m, 1, 700), 700);
}

/* Every proper prefix of a valid message is malformed. */
static void test_truncated_every_length(void **state)
{
	const uint8_t *msgs[] = { dig_query, cname_resp };
	const size_t lens[] = { sizeof(dig_query), sizeof(cname_resp) };
	struct dns_msg m;
	size_t i, l;

	(void)state;
	for (i = 0; i < 2; i++) {
		t_parse(msgs[i], lens[i], &m);
		for (l = 0; l < lens[i]; l++) {
			uint8_t *copy = malloc(l ? l : 1);

			memcpy(copy, msgs[i], l);
			assert_int_equal(dns_parse(copy, l, &m), -EBADMSG);
			free(copy);
		}
	}
}

/* Bytes after the last record are ignored, and not counted in end. */
static void test_trailing_bytes(void **state)
{
	uint8_t buf[sizeof(dig_query) + 3];
	struct dns_msg m;

	(void)state;
	memcpy(buf, dig_query, sizeof(dig_query));
	memset(buf + sizeof(dig_query), 0xff, 3);
	t_parse(buf, sizeof(buf), &m);
	assert_int_equal(m.end, sizeof(dig_query));
}

static void test_question_count(void **state)
{
	uint8_t buf[64];
	struct dns_msg m;
	size_t n;

	(void)state;
	n = t_query(buf, 1, 0, "a.example", DNS_T_A, DNS_C_IN, 0, 0);
	t_parse(buf, n, &m);
	buf[5] = 0;
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);
	buf[5] = 2;
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);
	buf[4] = 1;
	buf[5] = 1;
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);
}

/* Answer owners and CNAME chains decompress; TTL and ranges are right. */
static void test_records(void **state)
{
	static const uint8_t cdn[] = "\3cdn\7example\3com";
	struct dns_rr_iter it;
	struct dns_msg m;
	struct dns_rr rr;

	(void)state;
	t_parse(cname_resp, sizeof(cname_resp), &m);
	assert_int_equal(m.ancount, 2);
	assert_int_equal(m.opt_off, 67);
	dns_rr_begin(&it, cname_resp, sizeof(cname_resp), &m);

	assert_int_equal(dns_rr_next(&it, &rr), 1);
	assert_int_equal(rr.section, DNS_SEC_AN);
	assert_int_equal(rr.type, DNS_T_CNAME);
	assert_true(dns_name_equal(rr.name, rr.name_len, m.qname,
				   m.qname_len));
	assert_int_equal(rr.off, 33);
	assert_int_equal(rr.ttl, 300);
	assert_int_equal(rr.ttl_off, 39);
	assert_int_equal(rr.rdata_off, 45);
	assert_int_equal(rr.rdlen, 6);
	assert_int_equal(rr.end, 51);

	assert_int_equal(dns_rr_next(&it, &rr), 1);
	assert_int_equal(rr.type, DNS_T_A);
	assert_int_equal(rr.name_len, sizeof(cdn));
	assert_memory_equal(rr.name, cdn, sizeof(cdn));
	assert_int_equal(rr.ttl, 60);

	assert_int_equal(dns_rr_next(&it, &rr), 1);
	assert_int_equal(rr.section, DNS_SEC_AR);
	assert_int_equal(rr.type, DNS_T_OPT);
	assert_int_equal(dns_rr_next(&it, &rr), 0);
	assert_int_equal(dns_rr_next(&it, &rr), 0);
}

/*
 * Parse the query q with one answer record appended, owned by the given
 * raw name bytes.
 */
static int parse_owner(const uint8_t *q, size_t qlen, const char *owner,
		       size_t olen)
{
	static const uint8_t tail[] = { 0, 1, 0, 1, 0, 0, 0, 60, 0, 4,
					10, 0, 0, 1 };
	uint8_t buf[128];
	struct dns_msg m;

	memcpy(buf, q, qlen);
	buf[7] = 1;
	memcpy(buf + qlen, owner, olen);
	memcpy(buf + qlen + olen, tail, sizeof(tail));
	return dns_parse(buf, qlen + olen + sizeof(tail), &m);
}

static void test_compression_loops(void **state)
{
	uint8_t q[64], buf[128];
	struct dns_msg m;
	size_t ql;

	(void)state;
	ql = t_query(q, 7, 0, "a.example", DNS_T_A, DNS_C_IN, 0, 0);
	assert_int_equal(ql, 27);

	/* pointer to itself; forward; a label then a pointer back to it */
	assert_int_equal(parse_owner(q, ql, "\xc0\x1b", 2), -EBADMSG);
	assert_int_equal(parse_owner(q, ql, "\xc0\x28", 2), -EBADMSG);
	assert_int_equal(parse_owner(q, ql, "\1x\xc0\x1b", 4), -EBADMSG);
	/* into the header; beyond the message */
	assert_int_equal(parse_owner(q, ql, "\xc0\x04", 2), -EBADMSG);
	assert_int_equal(parse_owner(q, ql, "\xff\xff", 2), -EBADMSG);
	/* legitimate: into the middle of the question ("example") */
	assert_int_equal(parse_owner(q, ql, "\1x\xc0\x0e", 4), 0);
	assert_int_equal(parse_owner(q, ql, "\xc0\x0c", 2), 0);

	/*
	 * two pointers pointing at each other: the first record's CNAME
	 * data (39) points at the second record's owner (41), which points
	 * back at it
	 */
	memcpy(buf, q, ql);
	buf[7] = 2;
	memcpy(buf + 27, "\xc0\x0c\0\5\0\1\0\0\0\1\0\2\xc0\x29", 14);
	memcpy(buf + 41, "\xc0\x27\0\1\0\1\0\0\0\1\0\0", 12);
	assert_int_equal(dns_parse(buf, 53, &m), -EBADMSG);
	/* the same with the second owner pointing at the question instead */
	buf[42] = 0x0c;
	t_parse(buf, 53, &m);

	/*
	 * a pointer back to a name that runs on past the pointer itself: the
	 * second owner (43) points at the first record's data (39), a label
	 * of 10 bytes reaching over that pointer to a 0 in the TTL (50)
	 */
	memcpy(buf + 27, "\xc0\x0c\0\5\0\1\0\0\0\1\0\4\x0a" "abc", 16);
	memcpy(buf + 43, "\xc0\x27\0\1\0\1\0\0\0\0\0\0", 12);
	assert_int_equal(dns_parse(buf, 55, &m), -EBADMSG);
}

/* Build a query whose name has the given label lengths. */
static size_t long_query(uint8_t *buf, const size_t *labels, size_t n)
{
	size_t o = DNS_HDR_LEN, i;

	memset(buf, 0, DNS_HDR_LEN);
	buf[5] = 1;
	for (i = 0; i < n; i++) {
		buf[o++] = (uint8_t)labels[i];
		memset(buf + o, 'a', labels[i]);
		o += labels[i];
	}
	buf[o++] = 0;
	memcpy(buf + o, "\0\1\0\1", 4);
	return o + 4;
}

static void test_name_limits(void **state)
{
	/* 63+1 + 63+1 + 63+1 + 61+1 + 1 = 255 */
	const size_t ok[] = { 63, 63, 63, 61 };
	const size_t over[] = { 63, 63, 63, 62 };
	const size_t label64[] = { 64 };
	uint8_t buf[512];
	struct dns_msg m;
	size_t n;

	(void)state;
	n = long_query(buf, ok, 4);
	t_parse(buf, n, &m);
	assert_int_equal(m.qname_len, 255);

	n = long_query(buf, over, 4);
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);

	/* 64 is read as label type 01: refused either way */
	n = long_query(buf, label64, 1);
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);

	/* label type 10 */
	n = long_query(buf, ok, 1);
	buf[DNS_HDR_LEN] = 0x80 | 5;
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);

	/* a long name through a pointer is still limited to 255 */
	n = long_query(buf, ok, 4);
	buf[7] = 1;
	memcpy(buf + n, "\3abc\xc0\x0c\0\1\0\1\0\0\0\1\0\0", 16);
	assert_int_equal(dns_parse(buf, n + 16, &m), -EBADMSG);
	memcpy(buf + n, "\xc0\x0c\0\1\0\1\0\0\0\1\0\0", 12);
	t_parse(buf, n + 12, &m);
}

static void test_opt_rules(void **state)
{
	uint8_t buf[128];
	struct dns_msg m;
	size_t n;

	(void)state;
	n = t_query(buf, 1, 0, "x.example", DNS_T_A, DNS_C_IN, 4096,
		    DNS_EDNS_DO);
	t_parse(buf, n, &m);
	assert_true(m.edns);
	assert_int_equal(m.edns_flags, DNS_EDNS_DO);
	assert_int_equal(dns_reply_max(&m, 0, 65535), DNS_EDNS_SIZE);

	/* version and extended rcode are read from the TTL field */
	buf[n - 6] = 0x7f;
	buf[n - 5] = 1;
	t_parse(buf, n, &m);
	assert_int_equal(m.edns_version, 1);
	assert_int_equal(m.edns_rcode, 0x7f);

	/* a client size below 512 means 512 */
	n = t_query(buf, 1, 0, "x.example", DNS_T_A, DNS_C_IN, 100, 0);
	t_parse(buf, n, &m);
	assert_int_equal(dns_reply_max(&m, 0, 65535), DNS_UDP_MAX);

	/* two OPT records */
	memcpy(buf + n, buf + n - 11, 11);
	buf[11] = 2;
	assert_int_equal(dns_parse(buf, n + 11, &m), -EBADMSG);

	/* OPT in the answer section */
	buf[11] = 0;
	buf[7] = 1;
	assert_int_equal(dns_parse(buf, n, &m), -EBADMSG);

	/* OPT not owned by the root */
	n = t_query(buf, 1, 0, "x.example", DNS_T_A, DNS_C_IN, 0, 0);
	buf[11] = 1;
	memcpy(buf + n, "\1x\0\0\x29\x10\0\0\0\0\0\0\0", 13);
	assert_int_equal(dns_parse(buf, n + 13, &m), -EBADMSG);
	assert_int_equal(dns_parse(buf, n + 12, &m), -EBADMSG);
}

static void test_reply_a(void **state)
{
	static const uint8_t expect[] = {
		0xbe, 0xef, 0x85, 0x80, 0, 1, 0, 1, 0, 0, 0, 0,
		3, 'W', 'w', 'W', 3, 'l', 'A', 'b', 0, 0, 1, 0, 1,
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 5, 0, 4, 10, 1, 2, 3,
	};
	const uint8_t addr[4] = { 10, 1, 2, 3 };
	const struct dns_answer an = { DNS_T_A, 5, addr, 4 };
	uint8_t q[64], out[512];
	struct dns_msg m;
	size_t n;

	(void)state;
	n = t_query(q, 0xbeef, DNS_F_RD, "WwW.lAb", DNS_T_A, DNS_C_IN, 0, 0);
	t_parse(q, n, &m);
	assert_int_equal(dns_reply(&m, DNS_R_NOERROR, DNS_F_AA | DNS_F_RA,
				   &an, 1, out, sizeof(out)), sizeof(expect));
	assert_memory_equal(out, expect, sizeof(expect));

	/* NXDOMAIN: the question, no answer, RD clear in the query */
	n = t_query(q, 0xbeef, 0, "WwW.lAb", DNS_T_A, DNS_C_IN, 0, 0);
	t_parse(q, n, &m);
	assert_int_equal(dns_reply(&m, DNS_R_NXDOMAIN, DNS_F_AA, NULL, 0, out,
				   sizeof(out)), 25);
	assert_int_equal(pkt_get_u16(out + 2), DNS_F_QR | DNS_F_AA | 3);
	assert_int_equal(pkt_get_u16(out + 6), 0);
	assert_memory_equal(out + 12, expect + 12, 13);

	/* too small for even the question */
	assert_int_equal(dns_reply(&m, DNS_R_NXDOMAIN, 0, NULL, 0, out, 24),
			 -EMSGSIZE);
	/* BADVERS needs EDNS */
	assert_int_equal(dns_reply(&m, DNS_R_BADVERS, 0, NULL, 0, out,
				   sizeof(out)), -EINVAL);
}

static void test_reply_edns(void **state)
{
	uint8_t q[64], out[512];
	struct dns_msg m, r;
	int len;
	size_t n;

	(void)state;
	n = t_query(q, 9, DNS_F_RD | DNS_F_CD, "v6.lab", DNS_T_AAAA, DNS_C_IN,
		    4096, DNS_EDNS_DO);
	t_parse(q, n, &m);
	len = dns_reply(&m, DNS_R_NOERROR, DNS_F_RA, NULL, 0, out,
			sizeof(out));
	assert_int_equal(len, n);
	t_parse(out, (size_t)len, &r);
	assert_int_equal(r.flags, DNS_F_QR | DNS_F_RD | DNS_F_RA | DNS_F_CD);
	assert_int_equal(r.ancount, 0);
	assert_true(r.edns);
	assert_int_equal(r.edns_size, DNS_EDNS_SIZE);
	assert_int_equal(r.edns_flags, DNS_EDNS_DO);

	/* BADVERS: 16 = extended rcode 1, header rcode 0 */
	len = dns_reply(&m, DNS_R_BADVERS, 0, NULL, 0, out, sizeof(out));
	t_parse(out, (size_t)len, &r);
	assert_int_equal(r.flags & DNS_F_RCODE, 0);
	assert_int_equal(r.edns_rcode, 1);
}

static void test_reply_tc(void **state)
{
	uint8_t addrs[40][16], q[64], out[2048];
	struct dns_answer an[40];
	struct dns_msg m, r;
	size_t n, i;
	int len;

	(void)state;
	for (i = 0; i < 40; i++) {
		memset(addrs[i], (int)i, 16);
		an[i] = (struct dns_answer){ DNS_T_AAAA, 60, addrs[i], 16 };
	}
	/* 12 + 13 + 40 * 28 = 1145: over 512, under 1232 */
	n = t_query(q, 5, DNS_F_RD, "big.lab", DNS_T_AAAA, DNS_C_IN, 0, 0);
	t_parse(q, n, &m);
	len = dns_reply(&m, DNS_R_NOERROR, DNS_F_RA, an, 40, out,
			dns_reply_max(&m, 0, sizeof(out)));
	assert_int_equal(len, n);
	t_parse(out, (size_t)len, &r);
	assert_true(r.flags & DNS_F_TC);
	assert_int_equal(r.ancount, 0);

	len = dns_reply(&m, DNS_R_NOERROR, DNS_F_RA, an, 40, out,
			dns_reply_max(&m, 1, sizeof(out)));
	assert_int_equal(len, 12 + 13 + 40 * 28);
	t_parse(out, (size_t)len, &r);
	assert_false(r.flags & DNS_F_TC);
	assert_int_equal(r.ancount, 40);

	n = t_query(q, 5, DNS_F_RD, "big.lab", DNS_T_AAAA, DNS_C_IN, 1400, 0);
	t_parse(q, n, &m);
	len = dns_reply(&m, DNS_R_NOERROR, DNS_F_RA, an, 40, out,
			dns_reply_max(&m, 0, sizeof(out)));
	assert_int_equal(len, 12 + 13 + 40 * 28 + 11);
	t_parse(out, (size_t)len, &r);
	assert_false(r.flags & DNS_F_TC);
	assert_true(r.edns);
}

static void test_reply_hdr(void **state)
{
	static const uint8_t junk[] = {
		0x12, 0x34, 0x29, 0x10, 0, 1, 0, 0, 0, 0, 0, 0, 0x3f, 'x',
	};
	uint8_t out[64];
	struct dns_msg m;

	(void)state;
	assert_int_equal(dns_parse(junk, sizeof(junk), &m), -EBADMSG);
	assert_int_equal(dns_reply_hdr(junk, sizeof(junk), DNS_R_FORMERR, out,
				       sizeof(out)), 12);
	/* same ID; QR, opcode 5 and RD and CD kept, rcode 1; nothing else */
	assert_int_equal(pkt_get_u16(out), 0x1234);
	assert_int_equal(pkt_get_u16(out + 2),
			 DNS_F_QR | (5 << 11) | DNS_F_RD | DNS_F_CD | 1);
	assert_int_equal(pkt_get_u32(out + 4), 0);
	assert_int_equal(pkt_get_u32(out + 8), 0);
	assert_int_equal(dns_reply_hdr(junk, 11, DNS_R_FORMERR, out,
				       sizeof(out)), -EBADMSG);
	assert_int_equal(dns_reply_hdr(junk, 12, DNS_R_FORMERR, out, 11),
			 -EMSGSIZE);
	assert_int_equal(dns_reply_hdr(junk, 12, DNS_R_BADVERS, out, 64),
			 -EINVAL);
}

static void test_ids(void **state)
{
	uint8_t buf[sizeof(dig_query)];

	(void)state;
	memcpy(buf, dig_query, sizeof(buf));
	assert_int_equal(dns_get_id(buf, sizeof(buf)), 0x3b9c);
	assert_int_equal(dns_set_id(buf, sizeof(buf), 0xa55a), 0);
	assert_int_equal(dns_get_id(buf, sizeof(buf)), 0xa55a);
	assert_memory_equal(buf + 2, dig_query + 2, sizeof(buf) - 2);
	assert_int_equal(dns_get_id(buf, 11), -EBADMSG);
	assert_int_equal(dns_set_id(buf, 11, 1), -EBADMSG);
	assert_int_equal(dns_get_id(buf, sizeof(buf)), 0xa55a);
}

static void test_match(void **state)
{
	uint8_t q[64], resp[128];
	struct dns_msg m, r;
	size_t n, rn;

	(void)state;
	n = t_query(q, 0x1111, DNS_F_RD, "www.example.com", DNS_T_A, DNS_C_IN,
		    0, 0);
	t_parse(q, n, &m);
	memcpy(resp, cname_resp, sizeof(cname_resp));
	rn = sizeof(cname_resp);

	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), 0);
	assert_int_equal(r.ancount, 2);
	assert_int_equal(dns_match(&m, 0x3b9d, resp, rn, &r), -EPROTO);

	/* case does not matter */
	resp[13] = 'W';
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), 0);
	/* but the name does */
	resp[13] = 'v';
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), -EPROTO);
	resp[13] = 'w';
	/* type, class, QR, opcode */
	resp[30] = DNS_T_AAAA;
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), -EPROTO);
	resp[30] = DNS_T_A;
	resp[32] = 3;
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), -EPROTO);
	resp[32] = 1;
	resp[2] &= 0x7f;
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), -EPROTO);
	resp[2] |= 0x80 | (2 << 3);
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), -EPROTO);
	resp[2] = 0x81;
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn, &r), 0);
	/* garbage */
	assert_int_equal(dns_match(&m, 0x3b9c, resp, rn - 1, &r), -EBADMSG);
}

static void test_answer_ttl(void **state)
{
	const uint8_t a1[4] = { 192, 0, 2, 1 }, a2[4] = { 192, 0, 2, 2 };
	const struct t_rr two[] = {
		{ NULL, DNS_T_A, 3600, a1, 4 },
		{ NULL, DNS_T_A, 120, a2, 4 },
	};
	const struct t_rr other[] = { { "b.lab", DNS_T_A, 300, a1, 4 } };
	const struct t_rr wrongtype[] = { { NULL, DNS_T_AAAA, 300, a1, 4 } };
	const struct t_rr huge[] = { { NULL, DNS_T_A, 0x80000001, a1, 4 } };
	uint8_t q[64], resp[256];
	struct dns_msg m, r;
	uint32_t ttl = 1;
	size_t n, rn;

	(void)state;
	t_parse(cname_resp, sizeof(cname_resp), &r);
	assert_int_equal(dns_answer_ttl(cname_resp, sizeof(cname_resp), &r,
					&ttl), 0);
	assert_int_equal(ttl, 60);

	n = t_query(q, 1, 0, "a.lab", DNS_T_A, DNS_C_IN, 0, 0);
	t_parse(q, n, &m);
	rn = t_response(resp, q, DNS_F_RA, two, 2, 0, 0);
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), 0);
	assert_int_equal(ttl, 120);

	/* TC, a non-zero rcode, no answers, or none for the question */
	resp[2] |= DNS_F_TC >> 8;
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), -ENODATA);
	rn = t_response(resp, q, DNS_F_RA | DNS_R_SERVFAIL, two, 2, 0, 0);
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), -ENODATA);
	rn = t_response(resp, q, DNS_F_RA, NULL, 0, 0, 0);
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), -ENODATA);
	rn = t_response(resp, q, DNS_F_RA, other, 1, 0, 0);
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), -ENODATA);
	rn = t_response(resp, q, DNS_F_RA, wrongtype, 1, 0, 0);
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), -ENODATA);

	/* ANY takes any type; a TTL with the top bit set counts as 0 */
	n = t_query(q, 1, 0, "a.lab", DNS_T_ANY, DNS_C_IN, 0, 0);
	rn = t_response(resp, q, DNS_F_RA, huge, 1, 0, 0);
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), 0);
	assert_int_equal(ttl, 0);

	/* an extended rcode in OPT makes it negative too */
	rn = t_response(resp, q, DNS_F_RA, two, 2, 1232, 0);
	resp[rn - 6] = 1;
	t_parse(resp, rn, &r);
	assert_int_equal(dns_answer_ttl(resp, rn, &r, &ttl), -ENODATA);
}

static void test_ttl_patch(void **state)
{
	uint8_t buf[sizeof(cname_resp)];
	struct dns_msg r;

	(void)state;
	memcpy(buf, cname_resp, sizeof(buf));
	buf[sizeof(buf) - 6] = 0x12;	/* OPT's extended rcode byte */
	assert_int_equal(dns_ttl_patch(buf, sizeof(buf), 100), 0);
	assert_int_equal(pkt_get_u32(buf + 39), 200);
	assert_int_equal(pkt_get_u32(buf + 57), 0);
	assert_int_equal(buf[sizeof(buf) - 6], 0x12);
	t_parse(buf, sizeof(buf), &r);

	/*
	 * The second owner is a pointer to the last byte of the first TTL
	 * (256: a 0, the root).  Aged by 1 that byte is 0xff, which reads as
	 * a pointer: every TTL is still patched, the walk does not depend
	 * on it.
	 */
	{
		uint8_t q[64], m2[64];
		size_t n = t_query(q, 1, 0, "a.example", DNS_T_A, DNS_C_IN, 0,
				   0);

		assert_int_equal(n, 27);
		memcpy(m2, q, n);
		m2[2] = 0x80;
		m2[7] = 2;
		memcpy(m2 + 27, "\xc0\x0c\0\1\0\1\0\0\1\0\0\4\x0a\0\0\1", 16);
		memcpy(m2 + 43, "\xc0\x24\0\1\0\1\0\0\0\x3c\0\4\x0a\0\0\2", 16);
		t_parse(m2, 59, &r);
		assert_int_equal(dns_ttl_patch(m2, 59, 1), 0);
		assert_int_equal(pkt_get_u32(m2 + 33), 255);
		assert_int_equal(pkt_get_u32(m2 + 49), 59);
		assert_int_equal(dns_parse(m2, 59, &r), -EBADMSG);
	}

	assert_int_equal(dns_ttl_left(300, 299), 1);
	assert_int_equal(dns_ttl_left(300, 300), 0);
	assert_int_equal(dns_ttl_left(300, UINT64_MAX), 0);
	assert_int_equal(dns_ttl_left(0x80000000, 0), 0);
	assert_int_equal(dns_ttl_patch(buf, 20, 1), -EBADMSG);
}

static void test_truncate(void **state)
{
	uint8_t addrs[30][16], q[64], resp[1024];
	struct t_rr an[30];
	struct dns_msg m, r;
	size_t n, rn, i;
	int len;

	(void)state;
	for (i = 0; i < 30; i++) {
		memset(addrs[i], (int)i, 16);
		an[i] = (struct t_rr){ NULL, DNS_T_AAAA, 60, addrs[i], 16 };
	}
	n = t_query(q, 0x4242, DNS_F_RD, "many.example", DNS_T_AAAA, DNS_C_IN,
		    0, 0);
	t_parse(q, n, &m);
	rn = t_response(resp, q, DNS_F_RD | DNS_F_RA | DNS_F_AD, an, 30, 1232,
			DNS_EDNS_DO);
	assert_true(rn > 512);

	assert_int_equal(dns_truncate(resp, rn, rn), rn);
	len = dns_truncate(resp, rn, dns_reply_max(&m, 0, sizeof(resp)));
	assert_int_equal(len, n + 11);
	t_parse(resp, (size_t)len, &r);
	assert_int_equal(r.id, 0x4242);
	assert_int_equal(r.flags, DNS_F_QR | DNS_F_RD | DNS_F_RA | DNS_F_AD |
			 DNS_F_TC);
	assert_int_equal(r.ancount, 0);
	assert_int_equal(r.arcount, 1);
	assert_true(dns_name_equal(r.qname, r.qname_len, m.qname,
				   m.qname_len));
	assert_int_equal(r.edns_flags, DNS_EDNS_DO);
	assert_int_equal(dns_truncate(resp, rn, 20), -EMSGSIZE);
	assert_int_equal(dns_truncate(resp, 5, 3), -EBADMSG);
}

static void test_add_opt(void **state)
{
	uint8_t q[64], buf[64];
	struct dns_msg m, r;
	size_t n;

	(void)state;
	n = t_query(q, 3, 0, "o.lab", DNS_T_A, DNS_C_IN, 2000, DNS_EDNS_DO);
	t_parse(q, n, &m);
	n = t_query(buf, 3, 0, "o.lab", DNS_T_A, DNS_C_IN, 0, 0);
	assert_int_equal(dns_add_opt(buf, n, n + 10, &m), -EMSGSIZE);
	assert_int_equal(dns_add_opt(buf, n, sizeof(buf), &m), n + 11);
	t_parse(buf, n + 11, &r);
	assert_true(r.edns);
	assert_int_equal(r.edns_size, DNS_EDNS_SIZE);
	assert_int_equal(r.edns_flags, DNS_EDNS_DO);
}

static void test_name_text(void **state)
{
	static const uint8_t weird[] = "\3a.b\4\\c \xff";
	uint8_t w[300];
	char text[DNS_NAME_TEXT_MAX], big[300];
	int n;

	(void)state;
	n = dns_name_from_text("Host.Lab.internal.", w, sizeof(w));
	assert_int_equal(n, 19);
	assert_memory_equal(w, "\4Host\3Lab\10internal", 19);
	assert_int_equal(dns_name_from_text("Host.Lab.internal", w, sizeof(w)),
			 19);
	assert_int_equal(dns_name_from_text(".", w, sizeof(w)), 1);
	assert_int_equal(w[0], 0);
	assert_int_equal(dns_name_from_text("", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text("a..b", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text(".a", w, sizeof(w)), -EINVAL);
	assert_int_equal(dns_name_from_text("a.b", w, 4), -ENOSPC);
	assert_int_equal(dns_name_from_text("a.b", w, 5), 5);
	memset(big, 'x', 64);
	big[64] = '\0';
	assert_int_equal(dns_name_from_text(big, w, sizeof(w)), -EINVAL);
	/* 127 labels "x." = 254 + root = 255; one more is too long */
	for (n = 0; n < 128; n++) {
		big[2 * n] = 'x';
		big[2 * n + 1] = '.';
	}
	big[254] = '\0';
	assert_int_equal(dns_name_from_text(big, w, sizeof(w)), 255);
	big[254] = 'x';
	big[255] = '\0';
	assert_int_equal(dns_name_from_text(big, w, sizeof(w)),
			 -ENAMETOOLONG);

	assert_int_equal(dns_name_to_text((const uint8_t *)"\4Host\3lab", 10,
					  text, sizeof(text)), 8);
	assert_string_equal(text, "Host.lab");
	assert_int_equal(dns_name_to_text((const uint8_t *)"", 1, text,
					  sizeof(text)), 1);
	assert_string_equal(text, ".");
	assert_int_equal(dns_name_to_text(weird, sizeof(weird), text,
					  sizeof(text)), 20);
	assert_string_equal(text, "a\\046b.\\092c\\032\\255");
	assert_int_equal(dns_name_to_text(weird, sizeof(weird), text, 20),
			 -ENOSPC);
	assert_int_equal(dns_name_to_text(weird, sizeof(weird) - 1, text,
					  sizeof(text)), -EINVAL);
	assert_int_equal(dns_name_to_text((const uint8_t *)"\5ab", 4, text,
					  sizeof(text)), -EINVAL);
	assert_int_equal(dns_name_to_text((const uint8_t *)"\0\0", 2, text,
					  sizeof(text)), -EINVAL);

	assert_true(dns_name_equal((const uint8_t *)"\3ABC", 5,
				   (const uint8_t *)"\3abc", 5));
	assert_false(dns_name_equal((const uint8_t *)"\3ABC", 5,
				    (const uint8_t *)"\3abd", 5));
	assert_false(dns_name_equal((const uint8_t *)"\3ABC", 5,
				    (const uint8_t *)"\3abc", 4));
	/* '@' and '[' sit next to 'A' and 'Z': not letters */
	assert_false(dns_name_equal((const uint8_t *)"\1@", 3,
				    (const uint8_t *)"\1`", 3));
	assert_false(dns_name_equal((const uint8_t *)"\1[", 3,
				    (const uint8_t *)"\1{", 3));
}

static void test_reverse(void **state)
{
	static const char *const bad[] = {
		"04.3.2.1.in-addr.arpa", "256.3.2.1.in-addr.arpa",
		"3.2.1.in-addr.arpa", "5.4.3.2.1.in-addr.arpa",
		"4.3.2.1.in-addr.arpa.com", "4.3.2.x.in-addr.arpa",
		"4.3.2.1.ip6.arpa", "4.3.2.1.in-addr", "-1.3.2.1.in-addr.arpa",
	};
	struct in_addr a, b;
	size_t i;
	uint8_t w[64];
	char text[DNS_NAME_TEXT_MAX];
	int n;

	(void)state;
	inet_pton(AF_INET, "192.168.100.7", &a);
	n = dns_name_ptr4(a, w, sizeof(w));
	assert_int_equal(n, 28);
	dns_name_to_text(w, (size_t)n, text, sizeof(text));
	assert_string_equal(text, "7.100.168.192.in-addr.arpa");
	assert_int_equal(dns_ptr4_addr(w, (size_t)n, &b), 0);
	assert_int_equal(a.s_addr, b.s_addr);

	inet_pton(AF_INET, "255.255.255.255", &a);
	assert_int_equal(dns_name_ptr4(a, w, sizeof(w)), 30);
	assert_int_equal(dns_name_ptr4(a, w, 29), -ENOSPC);
	inet_pton(AF_INET, "0.0.0.0", &a);
	n = dns_name_ptr4(a, w, sizeof(w));
	assert_int_equal(dns_ptr4_addr(w, (size_t)n, &b), 0);
	assert_int_equal(b.s_addr, 0);

	n = dns_name_from_text("4.3.2.1.IN-ADDR.Arpa", w, sizeof(w));
	assert_int_equal(dns_ptr4_addr(w, (size_t)n, &b), 0);
	inet_pton(AF_INET, "1.2.3.4", &a);
	assert_int_equal(a.s_addr, b.s_addr);

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = dns_name_from_text(bad[i], w, sizeof(w));
		assert_true(n > 0);
		assert_int_equal(dns_ptr4_addr(w, (size_t)n, &b), -EINVAL);
	}
	assert_int_equal(dns_ptr4_addr(w, 3, &b), -EINVAL);
}

/* dns_name_put(): appended whole or not at all */
static void test_name_put(void **state)
{
	uint8_t buf[16];
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, buf, sizeof(buf));
	assert_int_equal(dns_name_put(&w, "ab.c."), 0);
	assert_int_equal(w.off, 6);
	assert_memory_equal(buf, "\x02" "ab" "\x01" "c" "\x00", 6);
	assert_int_equal(dns_name_put(&w, "."), -EINVAL);
	assert_int_equal(dns_name_put(&w, ""), -EINVAL);
	assert_int_equal(dns_name_put(&w, "a..b"), -EINVAL);
	assert_int_equal(dns_name_put(&w, "abcdefghij"), -ENOSPC);
	assert_int_equal(w.off, 6);
	assert_true(pkt_wr_ok(&w));
	assert_int_equal(dns_name_put(&w, "abcdefgh"), 0);
	assert_int_equal(w.off, 16);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_dig_query),
		cmocka_unit_test(test_truncated_every_length),
		cmocka_unit_test(test_trailing_bytes),
		cmocka_unit_test(test_question_count),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_compression_loops),
		cmocka_unit_test(test_name_limits),
		cmocka_unit_test(test_opt_rules),
		cmocka_unit_test(test_reply_a),
		cmocka_unit_test(test_reply_edns),
		cmocka_unit_test(test_reply_tc),
		cmocka_unit_test(test_reply_hdr),
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_match),
		cmocka_unit_test(test_answer_ttl),
		cmocka_unit_test(test_ttl_patch),
		cmocka_unit_test(test_truncate),
		cmocka_unit_test(test_add_opt),
		cmocka_unit_test(test_name_text),
		cmocka_unit_test(test_name_put),
		cmocka_unit_test(test_reverse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
