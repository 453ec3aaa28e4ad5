// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_dnscache.c - unit tests of the positive answer cache (lib/dnscache.c)
 *
 * Responses are built byte by byte (dnstest.c) and each hit is compared
 * with the reply the client should get, byte for byte: its own ID, flags
 * and spelling of the question, the TTLs aged by the time since insertion,
 * OPT only if it sent one.  A randomised run checks the ring storage
 * against a model: after any sequence of inserts the entries that hit are
 * exactly the newest ones, each with its own data.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dnscache.h"
#include "dnstest.h"
#include "pkt.h"

static const uint8_t addr1[4] = { 192, 0, 2, 1 };
static const uint8_t addr2[4] = { 192, 0, 2, 2 };

/**
 * struct t_q - a query as bytes and parsed
 * @buf:	bytes
 * @len:	their length
 * @m:		parsed
 */
struct t_q {
	uint8_t buf[512];
	size_t len;
	struct dns_msg m;
};

static void mkq(struct t_q *q, uint16_t id, uint16_t flags, const char *name,
		uint16_t type, uint16_t edns, uint16_t eflags)
{
	q->len = t_query(q->buf, id, flags, name, type, DNS_C_IN, edns,
			 eflags);
	t_parse(q->buf, q->len, &q->m);
}

/* A response to q with one A record. */
static size_t mkresp(uint8_t *buf, const struct t_q *q, uint32_t ttl,
		     const uint8_t *addr, uint16_t edns)
{
	const struct t_rr an = { NULL, DNS_T_A, ttl, addr, 4 };

	return t_response(buf, q->buf, DNS_F_RD | DNS_F_RA, &an, 1, edns, 0);
}

static void init(struct dnscache *c, size_t entries, size_t bytes)
{
	assert_int_equal(dnscache_init(c, entries, bytes), 0);
}

/* A cache of 16 entries and 4 KiB, and a plain query for a.example A. */
static void start(struct dnscache *c, struct t_q *q)
{
	init(c, 16, 4096);
	mkq(q, 1, DNS_F_RD, "a.example", DNS_T_A, 0, 0);
}

static void insert(struct dnscache *c, const struct t_q *q, uint32_t ttl,
		   const uint8_t *addr, uint64_t now)
{
	uint8_t resp[512];
	size_t n = mkresp(resp, q, ttl, addr, 0);

	assert_int_equal(dnscache_insert(c, &q->m, resp, n, now), 0);
}

static int lookup(struct dnscache *c, const struct t_q *q, uint64_t now,
		  uint8_t *out, size_t outlen)
{
	return dnscache_lookup(c, &q->m, now, out, outlen);
}

static void test_hit_bytes(void **state)
{
	const struct t_rr an = { NULL, DNS_T_A, 200, addr1, 4 };
	uint8_t resp[512], out[512], expect[512];
	struct dnscache_stats st;
	struct dnscache c;
	struct t_q q1, q2;
	size_t n, en;
	int len;

	(void)state;
	init(&c, 16, 4096);
	mkq(&q1, 0x1111, DNS_F_RD, "Example.COM", DNS_T_A, 1232, 0);
	n = mkresp(resp, &q1, 300, addr1, 1232);
	assert_int_equal(lookup(&c, &q1, 1000, out, sizeof(out)), -ENOENT);
	assert_int_equal(dnscache_insert(&c, &q1.m, resp, n, 1000), 0);

	/* another client, another ID and spelling, no EDNS, 100 s later */
	mkq(&q2, 0x2222, DNS_F_RD, "eXAMPLE.com", DNS_T_A, 0, 0);
	len = lookup(&c, &q2, 1100, out, sizeof(out));
	en = t_response(expect, q2.buf, DNS_F_RD | DNS_F_RA, &an, 1, 0, 0);
	assert_int_equal(len, en);
	assert_memory_equal(out, expect, en);

	dnscache_stats(&c, &st);
	assert_int_equal(st.hits, 1);
	assert_int_equal(st.misses, 1);
	assert_int_equal(st.inserts, 1);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.bytes, n - 11 + 2);
	dnscache_free(&c);
}

static void test_key(void **state)
{
	uint8_t out[512];
	struct dnscache c;
	struct t_q q, other;
	int len;

	(void)state;
	start(&c, &q);
	insert(&c, &q, 300, addr1, 0);
	assert_true(lookup(&c, &q, 1, out, sizeof(out)) > 0);

	mkq(&other, 1, DNS_F_RD, "a.example", DNS_T_AAAA, 0, 0);
	assert_int_equal(lookup(&c, &other, 1, out, sizeof(out)), -ENOENT);
	mkq(&other, 1, DNS_F_RD, "b.example", DNS_T_A, 0, 0);
	assert_int_equal(lookup(&c, &other, 1, out, sizeof(out)), -ENOENT);
	mkq(&other, 1, DNS_F_RD, "a.example.", DNS_T_A, 0, 0);
	assert_true(lookup(&c, &other, 1, out, sizeof(out)) > 0);
	other.len = t_query(other.buf, 1, 0, "a.example", DNS_T_A, 3, 0, 0);
	t_parse(other.buf, other.len, &other.m);
	assert_int_equal(lookup(&c, &other, 1, out, sizeof(out)), -ENOENT);

	/* DO and CD are part of the key; EDNS without DO is not */
	mkq(&other, 1, DNS_F_RD, "a.example", DNS_T_A, 1232, DNS_EDNS_DO);
	assert_int_equal(lookup(&c, &other, 1, out, sizeof(out)), -ENOENT);
	mkq(&other, 1, DNS_F_RD | DNS_F_CD, "a.example", DNS_T_A, 0, 0);
	assert_int_equal(lookup(&c, &other, 1, out, sizeof(out)), -ENOENT);
	mkq(&other, 1, DNS_F_RD, "a.example", DNS_T_A, 1232, 0);
	assert_true(lookup(&c, &other, 1, out, sizeof(out)) > 0);

	/* a DO entry serves DO clients, with DO echoed */
	mkq(&other, 1, DNS_F_RD, "a.example", DNS_T_A, 1232, DNS_EDNS_DO);
	insert(&c, &other, 300, addr2, 0);
	len = lookup(&c, &other, 1, out, sizeof(out));
	assert_true(len > 0);
	t_parse(out, (size_t)len, &other.m);
	assert_int_equal(other.m.edns_flags, DNS_EDNS_DO);
	assert_memory_equal(out + len - 11 - 4, addr2, 4);
	/* and the plain entry is still there */
	len = lookup(&c, &q, 1, out, sizeof(out));
	assert_memory_equal(out + len - 4, addr1, 4);
	dnscache_free(&c);
}

static void test_expiry(void **state)
{
	const struct t_rr two[] = {
		{ NULL, DNS_T_A, 300, addr1, 4 },
		{ NULL, DNS_T_A, 30, addr2, 4 },
	};
	uint8_t resp[512], out[512];
	struct dnscache_stats st;
	struct dnscache c;
	size_t n, a0, a1;
	struct t_q q;
	int len;

	(void)state;
	start(&c, &q);
	n = t_response(resp, q.buf, DNS_F_RA, two, 2, 0, 0);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 100), 0);

	len = lookup(&c, &q, 110, out, sizeof(out));
	assert_int_equal(len, n);
	a0 = t_answer(out, n, 0);
	a1 = t_answer(out, n, 1);
	assert_int_equal(pkt_get_u32(out + a0 + 6), 290);
	assert_int_equal(pkt_get_u32(out + a1 + 6), 20);
	len = lookup(&c, &q, 129, out, sizeof(out));
	assert_int_equal(pkt_get_u32(out + a0 + 6), 271);
	assert_int_equal(pkt_get_u32(out + a1 + 6), 1);
	/* a clock that went backwards does not raise TTLs */
	len = lookup(&c, &q, 50, out, sizeof(out));
	assert_int_equal(pkt_get_u32(out + a1 + 6), 30);

	/* the lowest TTL ends the entry */
	assert_int_equal(lookup(&c, &q, 130, out, sizeof(out)), -ENOENT);
	dnscache_stats(&c, &st);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.misses, 1);
	assert_int_equal(lookup(&c, &q, 130, out, sizeof(out)), -ENOENT);
	dnscache_stats(&c, &st);
	assert_int_equal(st.expired, 1);
	assert_int_equal(st.misses, 2);
	dnscache_free(&c);
}

static void test_ttl_cap(void **state)
{
	uint8_t out[512];
	struct dnscache c;
	struct t_q q;
	int len;

	(void)state;
	start(&c, &q);
	insert(&c, &q, 1000000, addr1, 5);
	len = lookup(&c, &q, 5 + DNSCACHE_TTL_MAX - 1, out, sizeof(out));
	assert_true(len > 0);
	assert_int_equal(pkt_get_u32(out + len - 10),
			 1000000 - DNSCACHE_TTL_MAX + 1);
	assert_int_equal(lookup(&c, &q, 5 + DNSCACHE_TTL_MAX, out,
				sizeof(out)), -ENOENT);
	dnscache_free(&c);
}

static void test_not_cached(void **state)
{
	uint8_t resp[8192], out[512];
	struct dnscache_stats st;
	struct dnscache c;
	struct t_q q, other;
	struct t_rr big[200];
	uint8_t data[200][16];
	size_t n, i;

	(void)state;
	start(&c, &q);

	n = mkresp(resp, &q, 0, addr1, 0);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -ENODATA);
	n = t_response(resp, q.buf, DNS_F_RA | DNS_R_NXDOMAIN, NULL, 0, 0, 0);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -ENODATA);
	n = t_response(resp, q.buf, DNS_F_RA, NULL, 0, 0, 0);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -ENODATA);
	n = mkresp(resp, &q, 60, addr1, 0);
	resp[2] |= DNS_F_TC >> 8;
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -ENODATA);

	/* a response to another question */
	mkq(&other, 1, DNS_F_RD, "b.example", DNS_T_A, 0, 0);
	n = mkresp(resp, &other, 60, addr1, 0);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -EINVAL);
	/* a query that is not a QUERY */
	mkq(&other, 1, 2 << 11, "a.example", DNS_T_A, 0, 0);
	n = mkresp(resp, &q, 60, addr1, 0);
	assert_int_equal(dnscache_insert(&c, &other.m, resp, n, 0), -EINVAL);
	/* OPT followed by another record */
	n = mkresp(resp, &q, 60, addr1, 1232);
	memcpy(resp + n, "\0\0\1\0\1\0\0\0\1\0\0", 11);
	resp[11] = 2;
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n + 11, 0), -EINVAL);
	/* garbage */
	assert_int_equal(dnscache_insert(&c, &q.m, resp, 20, 0), -EBADMSG);

	/* over DNSCACHE_MSG_MAX */
	for (i = 0; i < 200; i++) {
		memset(data[i], (int)i, 16);
		big[i] = (struct t_rr){ NULL, DNS_T_A, 60, data[i], 16 };
	}
	n = t_response(resp, q.buf, DNS_F_RA, big, 200, 0, 0);
	assert_true(n > DNSCACHE_MSG_MAX);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -EMSGSIZE);
	/* over the arena */
	dnscache_free(&c);
	init(&c, 16, 256);
	n = t_response(resp, q.buf, DNS_F_RA, big, 8, 0, 0);
	assert_true(n < 256 && n + 16 > 256);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), -EMSGSIZE);
	n = t_response(resp, q.buf, DNS_F_RA, big, 7, 0, 0);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), 0);

	assert_true(lookup(&c, &q, 0, out, sizeof(out)) > 0);
	dnscache_stats(&c, &st);
	assert_int_equal(st.inserts, 1);
	dnscache_free(&c);
}

static void test_edns_lookup(void **state)
{
	uint8_t resp[512], out[512];
	struct dnscache c;
	struct t_q q, plain;
	struct dns_msg r;
	size_t n;
	int len;

	(void)state;
	init(&c, 16, 4096);
	mkq(&q, 1, DNS_F_RD, "a.example", DNS_T_A, 4096, 0);
	n = mkresp(resp, &q, 60, addr1, 4096);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), 0);

	/* stored without the upstream's OPT */
	mkq(&plain, 1, DNS_F_RD, "a.example", DNS_T_A, 0, 0);
	len = lookup(&c, &plain, 0, out, sizeof(out));
	assert_int_equal(len, n - 11);
	t_parse(out, (size_t)len, &r);
	assert_false(r.edns);
	assert_int_equal(r.arcount, 0);

	/* an EDNS client gets our OPT */
	len = lookup(&c, &q, 0, out, sizeof(out));
	assert_int_equal(len, n);
	t_parse(out, (size_t)len, &r);
	assert_true(r.edns);
	assert_int_equal(r.arcount, 1);
	assert_int_equal(r.edns_size, DNS_EDNS_SIZE);
	assert_int_equal(r.edns_flags, 0);
	/* which must fit too */
	len = lookup(&c, &q, 0, out, n - 1);
	t_parse(out, (size_t)len, &r);
	assert_true(r.flags & DNS_F_TC);
	assert_int_equal(r.ancount, 0);
	assert_true(r.edns);
	dnscache_free(&c);
}

static void test_tc_lookup(void **state)
{
	uint8_t resp[2048], out[2048], data[30][16];
	struct t_rr an[30];
	struct dnscache c;
	struct t_q q, small, e;
	struct dns_msg r;
	size_t n, i;
	int len;

	(void)state;
	init(&c, 16, 4096);
	for (i = 0; i < 30; i++) {
		memset(data[i], (int)i, 16);
		an[i] = (struct t_rr){ NULL, DNS_T_AAAA, 60, data[i], 16 };
	}
	mkq(&q, 1, DNS_F_RD, "many.example", DNS_T_AAAA, 0, 0);
	n = t_response(resp, q.buf, DNS_F_RD | DNS_F_RA, an, 30, 0, 0);
	assert_true(n > 512 && n < 1232);
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), 0);

	mkq(&small, 9, DNS_F_RD, "Many.example", DNS_T_AAAA, 0, 0);
	len = lookup(&c, &small, 0, out, dns_reply_max(&small.m, 0,
						       sizeof(out)));
	assert_int_equal(len, small.len);
	t_parse(out, (size_t)len, &r);
	assert_int_equal(r.id, 9);
	assert_int_equal(r.flags, DNS_F_QR | DNS_F_RD | DNS_F_RA | DNS_F_TC);
	assert_int_equal(r.ancount, 0);
	assert_memory_equal(out + 12, small.buf + 12, small.len - 12);

	/* over TCP, or with a large enough EDNS size: all of it */
	len = lookup(&c, &small, 0, out, dns_reply_max(&small.m, 1,
						       sizeof(out)));
	assert_int_equal(len, n);
	mkq(&e, 9, DNS_F_RD, "many.example", DNS_T_AAAA, 1232, 0);
	len = lookup(&c, &e, 0, out, dns_reply_max(&e.m, 0, sizeof(out)));
	assert_int_equal(len, n + 11);
	t_parse(out, (size_t)len, &r);
	assert_int_equal(r.ancount, 30);
	assert_false(r.flags & DNS_F_TC);

	/* not even the question fits */
	assert_int_equal(lookup(&c, &small, 0, out, 20), -EMSGSIZE);
	dnscache_free(&c);
}

static void test_flags(void **state)
{
	uint8_t resp[512], out[512];
	struct dnscache c;
	struct t_q q, ad, cd;
	size_t n;
	int len;

	(void)state;
	start(&c, &q);
	n = mkresp(resp, &q, 60, addr1, 0);
	resp[2] |= DNS_F_AA >> 8;
	resp[3] |= DNS_F_AD;
	assert_int_equal(dnscache_insert(&c, &q.m, resp, n, 0), 0);

	/* no AD for a client that did not ask; no RD if it did not set it */
	mkq(&q, 2, 0, "a.example", DNS_T_A, 0, 0);
	len = lookup(&c, &q, 0, out, sizeof(out));
	assert_int_equal(len, n);
	assert_int_equal(pkt_get_u16(out + 2), DNS_F_QR | DNS_F_RA);
	mkq(&ad, 2, DNS_F_RD | DNS_F_AD, "a.example", DNS_T_A, 0, 0);
	lookup(&c, &ad, 0, out, sizeof(out));
	assert_int_equal(pkt_get_u16(out + 2),
			 DNS_F_QR | DNS_F_RD | DNS_F_RA | DNS_F_AD);

	/* CD is echoed (a CD entry is separate) */
	mkq(&cd, 3, DNS_F_RD | DNS_F_CD, "a.example", DNS_T_A, 0, 0);
	n = mkresp(resp, &cd, 60, addr1, 0);
	assert_int_equal(dnscache_insert(&c, &cd.m, resp, n, 0), 0);
	lookup(&c, &cd, 0, out, sizeof(out));
	assert_int_equal(pkt_get_u16(out + 2),
			 DNS_F_QR | DNS_F_RD | DNS_F_RA | DNS_F_CD);
	dnscache_free(&c);
}

static void test_replace(void **state)
{
	uint8_t out[512];
	struct dnscache_stats st;
	struct dnscache c;
	struct t_q q;
	int len;

	(void)state;
	start(&c, &q);
	insert(&c, &q, 60, addr1, 0);
	insert(&c, &q, 60, addr2, 10);
	len = lookup(&c, &q, 11, out, sizeof(out));
	assert_memory_equal(out + len - 4, addr2, 4);
	assert_int_equal(pkt_get_u32(out + len - 10), 59);
	dnscache_stats(&c, &st);
	assert_int_equal(st.entries, 1);
	assert_int_equal(st.inserts, 2);
	assert_int_equal(st.evictions, 0);
	dnscache_free(&c);
}

static void name_of(char *buf, size_t len, unsigned int i)
{
	snprintf(buf, len, "n%u.example", i);
}

static void test_evict_entries(void **state)
{
	struct dnscache_stats st;
	struct dnscache c;
	uint8_t out[512];
	char name[32];
	struct t_q q;
	unsigned int i;

	(void)state;
	init(&c, 4, 65536);
	for (i = 0; i < 5; i++) {
		name_of(name, sizeof(name), i);
		mkq(&q, 1, DNS_F_RD, name, DNS_T_A, 0, 0);
		insert(&c, &q, 60, addr1, 0);
	}
	for (i = 0; i < 5; i++) {
		name_of(name, sizeof(name), i);
		mkq(&q, 1, DNS_F_RD, name, DNS_T_A, 0, 0);
		if (i == 0)
			assert_int_equal(lookup(&c, &q, 0, out, sizeof(out)),
					 -ENOENT);
		else
			assert_true(lookup(&c, &q, 0, out, sizeof(out)) > 0);
	}
	dnscache_stats(&c, &st);
	assert_int_equal(st.entries, 4);
	assert_int_equal(st.evictions, 1);
	dnscache_free(&c);
}

/* A response for name i: 1 to 20 AAAA records whose bytes are all i. */
static size_t ring_resp(uint8_t *resp, const struct t_q *q, unsigned int i,
			unsigned int nan)
{
	static uint8_t data[20][16];
	struct t_rr an[20];
	unsigned int k;

	for (k = 0; k < nan; k++) {
		memset(data[k], (int)(i & 0xff), 16);
		an[k] = (struct t_rr){ NULL, DNS_T_AAAA, 600, data[k], 16 };
	}
	return t_response(resp, q->buf, DNS_F_RD | DNS_F_RA, an, nan, 0, 0);
}

/* Check that a hit for name i carries nan records of i's bytes. */
static void ring_check(const uint8_t *out, int len, unsigned int i,
		       unsigned int nan)
{
	struct dns_msg r;
	unsigned int k;
	uint8_t want[16];

	assert_true(len > 0);
	t_parse(out, (size_t)len, &r);
	assert_int_equal(r.ancount, nan);
	memset(want, (int)(i & 0xff), 16);
	for (k = 0; k < nan; k++)
		assert_memory_equal(out + t_answer(out, (size_t)len, k) + 12,
				    want, 16);
}

/*
 * Random sizes through a small arena and few slots: every entry that hits
 * is intact, the newest always hits, and the hits are exactly the newest
 * entries (oldest-first eviction), as many as the stats say.
 */
static void test_ring_model(void **state)
{
	static unsigned int nans[600];
	uint8_t resp[1024], out[1024];
	struct dnscache_stats st;
	uint32_t rnd = 12345;
	struct dnscache c;
	char name[32];
	struct t_q q;
	unsigned int i, j, hits, round;

	(void)state;
	for (round = 0; round < 3; round++) {
		init(&c, round == 2 ? 8 : 64, round == 0 ? 4096 : 2000);
		for (i = 0; i < 600; i++) {
			size_t n;
			int seen_miss = 0;

			rnd = rnd * 1103515245 + 12345;
			nans[i] = 1 + (rnd >> 16) % 20;
			name_of(name, sizeof(name), i);
			mkq(&q, 1, DNS_F_RD, name, DNS_T_AAAA, 0, 0);
			n = ring_resp(resp, &q, i, nans[i]);
			assert_int_equal(dnscache_insert(&c, &q.m, resp, n,
							 i), 0);
			if (i % 37 && i != 599)
				continue;
			hits = 0;
			for (j = i + 1; j-- > 0;) {
				int len;

				name_of(name, sizeof(name), j);
				mkq(&q, 1, DNS_F_RD, name, DNS_T_AAAA, 0, 0);
				len = lookup(&c, &q, i, out, sizeof(out));
				if (len == -ENOENT) {
					seen_miss = 1;
					continue;
				}
				assert_false(seen_miss);
				ring_check(out, len, j, nans[j]);
				hits++;
			}
			assert_true(hits >= 1);
			dnscache_stats(&c, &st);
			assert_int_equal(st.entries, hits);
			assert_true(st.bytes <= (round == 0 ? 4096 : 2000));
		}
		dnscache_stats(&c, &st);
		assert_true(st.evictions > 500);
		dnscache_free(&c);
	}
}

static void test_flush_purge(void **state)
{
	struct dnscache_stats st;
	struct dnscache c;
	uint8_t out[512];
	char name[32];
	struct t_q q[3];
	unsigned int i;

	(void)state;
	init(&c, 16, 4096);
	for (i = 0; i < 3; i++) {
		name_of(name, sizeof(name), i);
		mkq(&q[i], 1, DNS_F_RD, name, DNS_T_A, 0, 0);
		insert(&c, &q[i], 10 * (i + 1), addr1, 0);
	}
	dnscache_purge(&c, 15);
	dnscache_stats(&c, &st);
	assert_int_equal(st.entries, 2);
	assert_int_equal(st.expired, 1);
	assert_int_equal(lookup(&c, &q[0], 15, out, sizeof(out)), -ENOENT);
	assert_true(lookup(&c, &q[1], 15, out, sizeof(out)) > 0);

	dnscache_flush(&c);
	dnscache_stats(&c, &st);
	assert_int_equal(st.entries, 0);
	assert_int_equal(st.bytes, 0);
	assert_int_equal(st.hits, 1);
	for (i = 0; i < 3; i++)
		assert_int_equal(lookup(&c, &q[i], 0, out, sizeof(out)),
				 -ENOENT);
	insert(&c, &q[2], 60, addr2, 0);
	assert_true(lookup(&c, &q[2], 0, out, sizeof(out)) > 0);
	dnscache_free(&c);
}

static void test_long_name(void **state)
{
	char name[256];
	uint8_t out[1024];
	struct dnscache c;
	struct t_q q;
	int i, len;

	(void)state;
	/* 127 labels: the longest name there is */
	for (i = 0; i < 127; i++) {
		name[2 * i] = (char)('a' + i % 26);
		name[2 * i + 1] = '.';
	}
	name[253] = '\0';
	init(&c, 16, 4096);
	mkq(&q, 1, DNS_F_RD, name, DNS_T_A, 0, 0);
	assert_int_equal(q.m.qname_len, 255);
	insert(&c, &q, 60, addr1, 0);
	name[0] = 'A';
	mkq(&q, 1, DNS_F_RD, name, DNS_T_A, 0, 0);
	len = lookup(&c, &q, 0, out, sizeof(out));
	assert_int_equal(len, 12 + 259 + 16);
	assert_int_equal(out[13], 'A');
	dnscache_free(&c);
}

static void test_init_params(void **state)
{
	struct dnscache c;

	(void)state;
	assert_int_equal(dnscache_init(&c, 0, 4096), -EINVAL);
	assert_int_equal(dnscache_init(&c, 16, DNSCACHE_BYTES_MIN - 1),
			 -EINVAL);
	assert_int_equal(dnscache_init(&c, DNSCACHE_ENTRIES_MAX + 1, 4096),
			 -EINVAL);
	assert_int_equal(dnscache_init(&c, 3, DNSCACHE_BYTES_MIN), 0);
	assert_int_equal(c.mask, 3);
	dnscache_free(&c);
	dnscache_free(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hit_bytes),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_expiry),
		cmocka_unit_test(test_ttl_cap),
		cmocka_unit_test(test_not_cached),
		cmocka_unit_test(test_edns_lookup),
		cmocka_unit_test(test_tc_lookup),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_replace),
		cmocka_unit_test(test_evict_entries),
		cmocka_unit_test(test_ring_model),
		cmocka_unit_test(test_flush_purge),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_init_params),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
