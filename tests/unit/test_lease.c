// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_lease.c - unit tests of the lease store (lib/lease.c)
 *
 * Address choice, holds, expiry, names and static hosts are tested on
 * stores kept in memory; the journal on real files in a temporary
 * directory: reload, compaction, torn and malformed lines, a process
 * killed with SIGKILL, a write cut short by RLIMIT_FSIZE, and 50,000
 * clients through a save and reload.  After every test that changes a
 * store, lease_check() verifies its indexes.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "lease.h"
#include "leasetest.h"

static struct lease_store *ls;	/* the store under test */
static uint8_t A[6], B[6], C[6];	/* three clients */

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static int count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	int c, n = 0;

	assert_non_null(f);
	while ((c = fgetc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* Replace the store under test. */
static void open_cfg(const struct lease_cfg *cfg, time_t now)
{
	lease_close(ls);
	ls = NULL;
	assert_int_equal(lease_open(&ls, cfg, now), 0);
}

/* A pool kept in memory, server 10.0.0.1, no static hosts. */
static void open_pool(uint32_t first, uint32_t last)
{
	struct lease_cfg cfg = {
		.pool_first = first, .pool_last = last, .server = IP(10, 0, 0, 1),
	};

	open_cfg(&cfg, T0);
}

/* 10.0.0.100-199 with a journal in the scratch directory. */
static void open_path(const char *path, time_t now)
{
	struct lease_cfg cfg = {
		.pool_first = IP(10, 0, 0, 100), .pool_last = IP(10, 0, 0, 199),
		.server = IP(10, 0, 0, 1), .path = path,
	};

	open_cfg(&cfg, now);
}

/* Offer and bind in one go, as a DISCOVER and REQUEST would. */
static uint32_t dora_in(struct lease_store *s, const uint8_t *mac,
			const char *name, uint32_t secs, time_t now)
{
	const struct lease *l = lease_offer(s, mac, 0, now);
	uint32_t ip;

	assert_non_null(l);
	ip = l->ip;
	assert_int_equal(lease_bind(s, mac, ip, name, name ? strlen(name) : 0,
				    secs, now, &l), 0);
	assert_int_equal(l->ip, ip);
	assert_int_equal(l->state, LEASE_BOUND);
	return ip;
}

static uint32_t dora(const uint8_t *mac, const char *name, uint32_t secs,
		     time_t now)
{
	return dora_in(ls, mac, name, secs, now);
}

/* Each test starts with 10.0.0.100-199 in memory; the store is checked
 * and closed after it. */
static int setup(void **state)
{
	(void)state;
	t_mac(A, 1);
	t_mac(B, 2);
	t_mac(C, 3);
	open_pool(IP(10, 0, 0, 100), IP(10, 0, 0, 199));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (ls)
		assert_int_equal(lease_check(ls), 0);
	lease_close(ls);
	ls = NULL;
	return 0;
}

static void test_offer_bind_claim(void **state)
{
	const struct lease *l;
	uint32_t ip;

	(void)state;
	l = lease_offer(ls, A, 0, T0);
	assert_non_null(l);
	ip = l->ip;
	assert_true(ip >= IP(10, 0, 0, 100) && ip <= IP(10, 0, 0, 199));
	assert_int_equal(l->state, LEASE_OFFERED);
	assert_int_equal(l->expires, T0 + LEASE_OFFER_HOLD);
	/* the offer is reserved: not live, not someone else's */
	assert_null(lease_find_ip(ls, ip, T0));
	assert_int_equal(lease_claim(ls, A, ip, T0), LEASE_CLAIM_OWN);
	assert_int_equal(lease_claim(ls, B, ip, T0), -EADDRINUSE);
	/* the same client asking again gets the same address */
	assert_int_equal(lease_offer(ls, A, 0, T0 + 1)->ip, ip);
	assert_int_not_equal(lease_offer(ls, B, 0, T0)->ip, ip);

	assert_int_equal(lease_bind(ls, A, ip, NULL, 0, 3600, T0, &l), 0);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_int_equal(l->expires, T0 + 3600);
	assert_ptr_equal(lease_find_ip(ls, ip, T0), l);
	assert_ptr_equal(lease_find_mac(ls, A), l);
	assert_int_equal(lease_bind(ls, B, ip, NULL, 0, 3600, T0, &l),
			 -EADDRINUSE);
	/* outside the pool, the server's own address */
	assert_int_equal(lease_claim(ls, B, IP(10, 0, 0, 99), T0),
			 -EADDRNOTAVAIL);
	assert_int_equal(lease_claim(ls, B, IP(10, 0, 0, 1), T0),
			 -EADDRNOTAVAIL);
}

static void test_requested_address(void **state)
{
	const struct lease *l;

	(void)state;
	l = lease_offer(ls, A, IP(10, 0, 0, 150), T0);
	assert_int_equal(l->ip, IP(10, 0, 0, 150));
	/* taken: b gets another; outside the pool: ignored */
	l = lease_offer(ls, B, IP(10, 0, 0, 150), T0);
	assert_int_not_equal(l->ip, IP(10, 0, 0, 150));
	assert_true(l->ip >= IP(10, 0, 0, 100) && l->ip <= IP(10, 0, 0, 199));
	l = lease_offer(ls, C, IP(10, 0, 0, 42), T0);
	assert_true(l->ip >= IP(10, 0, 0, 100));
}

static void test_offer_hold_and_unoffer(void **state)
{
	(void)state;
	open_pool(IP(10, 0, 0, 100), IP(10, 0, 0, 100));
	assert_int_equal(lease_offer(ls, A, 0, T0)->ip, IP(10, 0, 0, 100));
	assert_null(lease_offer(ls, B, 0, T0 + LEASE_OFFER_HOLD - 1));
	/* the hold runs out: b may have it, and then a may not */
	assert_int_equal(lease_offer(ls, B, 0, T0 + LEASE_OFFER_HOLD)->ip,
			 IP(10, 0, 0, 100));
	assert_int_equal(lease_claim(ls, A, IP(10, 0, 0, 100),
				     T0 + LEASE_OFFER_HOLD), -EADDRINUSE);
	/* b picks another server: the address is free again at once */
	lease_unoffer(ls, B, T0 + LEASE_OFFER_HOLD + 1);
	assert_int_equal(lease_offer(ls, A, 0, T0 + LEASE_OFFER_HOLD + 1)->ip,
			 IP(10, 0, 0, 100));
}

/*
 * The server's address and static hosts' addresses inside the pool are
 * never handed out, whoever asks; static hosts get theirs.
 */
static void test_reserved_and_static(void **state)
{
	static const struct lease_static st[] = {
		{ { 0x52, 0x54, 0, 0xaa, 0, 1 }, IP(10, 0, 0, 3), "db" },
		{ { 0x52, 0x54, 0, 0xaa, 0, 2 }, IP(10, 0, 0, 50), NULL },
	};
	struct lease_cfg cfg = {
		.pool_first = IP(10, 0, 0, 1), .pool_last = IP(10, 0, 0, 6),
		.server = IP(10, 0, 0, 1), .statics = st, .nstatic = 2,
	};
	const struct lease *l;
	uint32_t seen = 0;
	uint8_t m[6];
	int i, n = 0;

	(void)state;
	open_cfg(&cfg, T0);
	for (i = 0; i < 10; i++) {
		t_mac(m, 100 + (uint32_t)i);
		l = lease_offer(ls, m, IP(10, 0, 0, 3), T0);
		if (!l)
			continue;
		n++;
		assert_int_not_equal(l->ip, IP(10, 0, 0, 1));
		assert_int_not_equal(l->ip, IP(10, 0, 0, 3));
		seen |= 1u << (l->ip & 31);
	}
	/* .2, .4, .5, .6 */
	assert_int_equal(n, 4);
	assert_int_equal(seen, 1u << 2 | 1u << 4 | 1u << 5 | 1u << 6);

	l = lease_offer(ls, st[0].mac, IP(10, 0, 0, 5), T0);
	assert_int_equal(l->ip, IP(10, 0, 0, 3));
	assert_true(l->flags & LEASE_F_STATIC);
	assert_string_equal(l->hostname, "db");
	assert_int_equal(lease_claim(ls, st[0].mac, IP(10, 0, 0, 3), T0),
			 LEASE_CLAIM_OWN);
	assert_int_equal(lease_claim(ls, st[0].mac, IP(10, 0, 0, 4), T0),
			 -EADDRNOTAVAIL);
	assert_int_equal(lease_claim(ls, A, IP(10, 0, 0, 3), T0), -EADDRINUSE);
	assert_int_equal(lease_claim(ls, A, IP(10, 0, 0, 50), T0), -EADDRINUSE);
	/* static names and addresses resolve whether leased or not */
	assert_int_equal(lease_find_name(ls, "DB", 2, T0)->ip, IP(10, 0, 0, 3));
	assert_int_equal(lease_find_ip(ls, IP(10, 0, 0, 50), T0)->mac[5], 2);
	/* a static host keeps its configured name */
	assert_int_equal(lease_bind(ls, st[0].mac, IP(10, 0, 0, 3), "other", 5,
				    60, T0, &l), 0);
	assert_string_equal(l->hostname, "db");
	assert_int_equal(lease_bind(ls, st[1].mac, IP(10, 0, 0, 50), "files",
				    5, 60, T0, &l), 0);
	assert_string_equal(l->hostname, "files");
	/* nobody can decline a static address away */
	assert_int_equal(lease_decline(ls, st[0].mac, IP(10, 0, 0, 3), T0),
			 -EPERM);
}

static void test_bad_static(void **state)
{
	struct lease_static st[2] = {
		{ { 0x52, 0x54, 0, 0xaa, 0, 1 }, IP(10, 0, 0, 3), NULL },
		{ { 0x52, 0x54, 0, 0xaa, 0, 1 }, IP(10, 0, 0, 4), NULL },
	};
	struct lease_cfg cfg = {
		.pool_first = IP(10, 0, 0, 2), .pool_last = IP(10, 0, 0, 6),
		.server = IP(10, 0, 0, 1), .statics = st, .nstatic = 2,
	};
	struct lease_store *s = (void *)1;

	(void)state;
	assert_int_equal(lease_open(&s, &cfg, T0), -EINVAL);	/* same MAC */
	assert_null(s);
	st[1].mac[5] = 2;
	st[1].ip = IP(10, 0, 0, 3);
	assert_int_equal(lease_open(&s, &cfg, T0), -EINVAL);	/* same IP */
	st[1].ip = IP(10, 0, 0, 1);
	assert_int_equal(lease_open(&s, &cfg, T0), -EINVAL);	/* server */
	st[1].ip = IP(10, 0, 0, 4);
	st[1].hostname = "not a label";
	assert_int_equal(lease_open(&s, &cfg, T0), -EINVAL);
	st[1].hostname = "ok";
	open_cfg(&cfg, T0);
	cfg.pool_last = IP(10, 0, 0, 1);
	assert_int_equal(lease_open(&s, &cfg, T0), -EINVAL);	/* last<first */
}

/*
 * An expired lease's address is reused only when no never-used address is
 * left, so a returning client usually finds its old one.
 */
static void test_expiry_prefers_fresh(void **state)
{
	uint8_t m[6];
	uint32_t ipa, ip;
	time_t now = T0 + 200;
	int i;

	(void)state;
	open_pool(IP(10, 0, 0, 2), IP(10, 0, 0, 5));
	ipa = dora(A, NULL, 100, T0);
	assert_non_null(lease_find_ip(ls, ipa, T0 + 99));
	assert_null(lease_find_ip(ls, ipa, T0 + 100));
	for (i = 0; i < 3; i++) {
		t_mac(m, 10 + (uint32_t)i);
		ip = dora(m, NULL, 1000, now);
		assert_int_not_equal(ip, ipa);
	}
	/* a comes back after expiry: still its address */
	assert_int_equal(lease_offer(ls, A, 0, now)->ip, ipa);
	lease_unoffer(ls, A, now);
	/* the pool is now full but for a's expired lease: e gets that */
	t_mac(m, 20);
	assert_int_equal(dora(m, NULL, 1000, now), ipa);
	assert_null(lease_offer(ls, A, 0, now));
	assert_int_equal(lease_claim(ls, A, ipa, now), -EADDRINUSE);
}

/* Among reusable addresses, the one that expired longest ago goes first. */
static void test_reuse_oldest(void **state)
{
	uint8_t m[6];
	uint32_t ip[3];
	int i;

	(void)state;
	open_pool(IP(10, 0, 0, 2), IP(10, 0, 0, 4));
	for (i = 0; i < 3; i++) {
		t_mac(m, 1 + (uint32_t)i);
		ip[i] = dora(m, NULL, 100 - 10 * (uint32_t)i, T0);
	}
	/* ip[2] expired first (T0 + 80), then ip[1], then ip[0] */
	t_mac(m, 9);
	assert_int_equal(lease_offer(ls, m, 0, T0 + 1000)->ip, ip[2]);
}

static void test_release(void **state)
{
	const struct lease *l;
	uint32_t ip;

	(void)state;
	ip = dora(A, "web", 3600, T0);
	assert_int_equal(lease_release(ls, B, ip, T0), -ENOENT);
	assert_int_equal(lease_release(ls, A, ip + 1, T0), -ENOENT);
	assert_int_equal(lease_release(ls, A, ip, T0 + 5), 0);
	assert_int_equal(lease_release(ls, A, ip, T0 + 5), -ENOENT);
	assert_null(lease_find_ip(ls, ip, T0 + 5));
	assert_null(lease_find_name(ls, "web", 3, T0 + 5));
	l = lease_find_mac(ls, A);
	assert_int_equal(l->state, LEASE_RELEASED);
	assert_int_equal(l->expires, T0 + 5);
	/* the client comes back to the same address */
	assert_int_equal(lease_offer(ls, A, 0, T0 + 6)->ip, ip);
}

static void test_decline(void **state)
{
	const struct lease *l;
	uint32_t ip, other;

	(void)state;
	open_pool(IP(10, 0, 0, 2), IP(10, 0, 0, 3));
	ip = lease_offer(ls, A, 0, T0)->ip;
	other = ip == IP(10, 0, 0, 2) ? IP(10, 0, 0, 3) : IP(10, 0, 0, 2);
	assert_int_equal(lease_bind(ls, A, ip, "dup", 3, 3600, T0, &l), 0);
	/* only the client the address was given to can decline it */
	assert_int_equal(lease_decline(ls, B, ip, T0), -ENOENT);
	assert_int_equal(lease_decline(ls, A, ip, T0), 0);
	assert_null(lease_find_mac(ls, A));
	assert_null(lease_find_name(ls, "dup", 3, T0));
	assert_int_equal(lease_check(ls), 0);
	/* a gets the other address, b nothing while the hold lasts */
	assert_int_equal(dora(A, NULL, 3600, T0), other);
	assert_null(lease_offer(ls, B, ip, T0 + LEASE_DECLINE_HOLD - 1));
	assert_int_equal(lease_claim(ls, B, ip, T0 + 1), -EADDRINUSE);
	l = lease_offer(ls, B, 0, T0 + LEASE_DECLINE_HOLD);
	assert_non_null(l);
	assert_int_equal(l->ip, ip);
}

/* Binding another address moves the client: a MAC has one lease. */
static void test_bind_moves(void **state)
{
	const struct lease *l;
	uint32_t ip, to;

	(void)state;
	ip = dora(A, "mover", 3600, T0);
	to = ip == IP(10, 0, 0, 199) ? IP(10, 0, 0, 100) : ip + 1;
	assert_int_equal(lease_claim(ls, A, to, T0), LEASE_CLAIM_FREE);
	assert_int_equal(lease_bind(ls, A, to, NULL, 0, 3600, T0, &l), 0);
	assert_null(lease_find_ip(ls, ip, T0));
	assert_ptr_equal(lease_find_mac(ls, A), l);
	assert_int_equal(l->ip, to);
}

static void test_names(void **state)
{
	const struct lease *l;
	uint32_t ipa, ipb;

	(void)state;
	ipa = dora(A, "Web1.example.com", 3600, T0);
	l = lease_find_mac(ls, A);
	assert_string_equal(l->hostname, "web1");
	assert_int_equal(lease_find_name(ls, "WEB1", 4, T0)->ip, ipa);
	assert_int_equal(lease_find_name(ls, "web1.x", 4, T0)->ip, ipa);
	assert_null(lease_find_name(ls, "web", 3, T0));
	assert_null(lease_find_name(ls, "web1", 4, T0 + 3600));

	/* names that are not labels are not kept */
	dora(C, "bad_name", 3600, T0);
	assert_string_equal(lease_find_mac(ls, C)->hostname, "");
	assert_int_equal(lease_bind(ls, C, lease_find_mac(ls, C)->ip, "-x", 2,
				    3600, T0, &l), 0);
	assert_string_equal(l->hostname, "");
	assert_int_equal(lease_bind(ls, C, l->ip, "a\0b", 3, 3600, T0, &l), 0);
	assert_string_equal(l->hostname, "");

	/* the later of two clients claiming one name wins */
	ipb = dora(B, "web1", 3600, T0 + 10);
	assert_int_equal(lease_find_name(ls, "web1", 4, T0 + 10)->ip, ipb);
	/* a renewal without option 12 keeps the name */
	assert_int_equal(lease_bind(ls, B, ipb, NULL, 0, 3600, T0 + 20, &l), 0);
	assert_string_equal(l->hostname, "web1");
	assert_int_equal(lease_release(ls, B, ipb, T0 + 30), 0);
	assert_int_equal(lease_find_name(ls, "web1", 4, T0 + 30)->ip, ipa);
}

static int count_cb(const struct lease *l, void *arg)
{
	(void)l;
	(*(int *)arg)++;
	return 0;
}

static int stop_cb(const struct lease *l, void *arg)
{
	(void)l;
	(void)arg;
	return 42;
}

static void test_foreach(void **state)
{
	static const struct lease_static st[] = {
		{ { 0x52, 0x54, 0, 0xaa, 0, 1 }, IP(10, 0, 0, 10), "db" },
	};
	struct lease_cfg cfg = {
		.pool_first = IP(10, 0, 0, 100), .pool_last = IP(10, 0, 0, 199),
		.server = IP(10, 0, 0, 1), .statics = st, .nstatic = 1,
	};
	int n = 0;

	(void)state;
	open_cfg(&cfg, T0);
	dora(A, NULL, 100, T0);
	dora(B, NULL, 1000, T0);
	lease_offer(ls, C, 0, T0);		/* offers are not leases */
	assert_int_equal(lease_foreach(ls, T0, count_cb, &n), 0);
	assert_int_equal(n, 3);
	n = 0;
	assert_int_equal(lease_foreach(ls, T0 + 500, count_cb, &n), 0);
	assert_int_equal(n, 2);
	assert_int_equal(lease_foreach(ls, T0, stop_cb, NULL), 42);
}

/* Same MAC, same address: with the journal lost, and in another order. */
static void test_stable_without_journal(void **state)
{
	struct lease_cfg cfg = {
		.pool_first = IP(10, 1, 0, 2), .pool_last = IP(10, 1, 255, 254),
		.server = IP(10, 1, 0, 1),
	};
	struct lease_store *s2;
	uint32_t ip1[50];
	uint8_t m[6];
	int i;

	(void)state;
	open_cfg(&cfg, T0);
	assert_int_equal(lease_open(&s2, &cfg, T0), 0);
	for (i = 0; i < 50; i++) {
		t_mac(m, 1000 + (uint32_t)i);
		ip1[i] = dora(m, NULL, 3600, T0);
	}
	for (i = 49; i >= 0; i--) {
		t_mac(m, 1000 + (uint32_t)i);
		assert_int_equal(dora_in(s2, m, NULL, 3600, T0), ip1[i]);
	}
	lease_close(s2);
}

static void test_sequential(void **state)
{
	struct lease_cfg cfg = {
		.pool_first = IP(10, 0, 2, 15), .pool_last = IP(10, 0, 2, 30),
		.server = IP(10, 0, 2, 2), .sequential = 1,
	};

	(void)state;
	open_cfg(&cfg, T0);
	assert_int_equal(dora(A, NULL, 3600, T0), IP(10, 0, 2, 15));
	assert_int_equal(dora(B, NULL, 3600, T0), IP(10, 0, 2, 16));
}

/* A pool larger than a /16 is cut to LEASE_POOL_MAX addresses. */
static void test_pool_clamp(void **state)
{
	(void)state;
	open_pool(IP(10, 0, 0, 1), IP(10, 255, 255, 254));
	assert_int_equal(lease_claim(ls, A, IP(10, 0, 255, 255), T0),
			 LEASE_CLAIM_FREE);
	assert_int_equal(lease_claim(ls, A, IP(10, 1, 0, 1), T0),
			 -EADDRNOTAVAIL);
}

/* Leases, names, releases and declines survive a close and reopen. */
static void test_persist_reload(void **state)
{
	const char *path = t_path("reload");
	uint32_t ipa, ipb, ipc, ipd;
	const struct lease *l;
	uint8_t d[6];

	(void)state;
	t_mac(d, 4);
	open_path(path, T0);
	ipa = dora(A, "alpha", 3600, T0);
	ipb = dora(B, NULL, 3600, T0);
	ipc = dora(C, "gamma", 3600, T0);
	ipd = lease_offer(ls, d, 0, T0)->ip;
	assert_int_equal(lease_release(ls, C, ipc, T0 + 1), 0);
	assert_int_equal(lease_decline(ls, d, ipd, T0 + 1), 0);

	open_path(path, T0 + 2);
	l = lease_find_mac(ls, A);
	assert_non_null(l);
	assert_int_equal(l->ip, ipa);
	assert_int_equal(l->state, LEASE_BOUND);
	assert_int_equal(l->expires, T0 + 3600);
	assert_string_equal(l->hostname, "alpha");
	assert_int_equal(lease_find_name(ls, "alpha", 5, T0 + 2)->ip, ipa);
	assert_int_equal(lease_find_mac(ls, B)->ip, ipb);
	assert_null(lease_find_ip(ls, ipc, T0 + 2));
	assert_null(lease_find_name(ls, "gamma", 5, T0 + 2));
	/* the declined address is still held after the restart */
	assert_null(lease_find_mac(ls, d));
	assert_int_equal(lease_claim(ls, C, ipd, T0 + 2), -EADDRINUSE);
	assert_int_equal(lease_claim(ls, C, ipd, T0 + 1 + LEASE_DECLINE_HOLD),
			 LEASE_CLAIM_FREE);
	/* a returning client gets its address back */
	assert_int_equal(lease_offer(ls, A, 0, T0 + 2)->ip, ipa);
}

static int line_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Sort the lines of a text in place, for order-free comparison. */
static char *sorted(char *text)
{
	static char out[1 << 16];
	char *line[256], *save = NULL, *s;
	size_t n = 0, i;

	for (s = strtok_r(text, "\n", &save); s && n < 256;
	     s = strtok_r(NULL, "\n", &save))
		line[n++] = s;
	qsort(line, n, sizeof(line[0]), line_cmp);
	out[0] = '\0';
	for (i = 0; i < n; i++) {
		strcat(out, line[i]);
		strcat(out, "\n");
	}
	return out;
}

/*
 * Compaction keeps exactly the live records: leases not superseded nor
 * expired, and holds not over.
 */
static void test_compaction_exact(void **state)
{
	const char *path = t_path("compact");
	char want[1024], got[4096];
	uint8_t m[6];

	(void)state;
	write_file(path,
		"# tapir leases v1\n"
		"lease 52:54:00:00:00:01 10.0.0.101 1700003600 one\n"
		"lease 52:54:00:00:00:02 10.0.0.102 1700000010\n"    /* expires */
		"lease 52:54:00:00:00:03 10.0.0.103 1700003600\n"    /* moves */
		"lease 52:54:00:00:00:03 10.0.0.113 1700007200 three\n"
		"lease 52:54:00:00:00:04 10.0.0.104 1700003600\n"    /* released */
		"release 52:54:00:00:00:04 10.0.0.104\n"
		"lease 52:54:00:00:00:05 10.0.0.105 1700003600\n"    /* IP reused */
		"lease 52:54:00:00:00:06 10.0.0.105 1700003700 six\n"
		"lease 52:54:00:00:00:07 10.0.0.107 1700003600\n"    /* declined */
		"decline 52:54:00:00:00:07 10.0.0.107 1700000600\n"
		"lease 52:54:00:00:00:07 10.0.0.117 1700003600\n"    /* moved on */
		"decline 52:54:00:00:00:08 10.0.0.108 1700000001\n"  /* over */
		"lease 52:54:00:00:00:09 10.0.0.99 1700003600\n"     /* not pool */
		"lease 52:54:00:00:00:0a 10.0.0.110 1700003600 ten\n"
		"lease 52:54:00:00:00:0a 10.0.0.110 1700009999 ten\n" /* renew */
		"lease 52:54:00:00:00:0b 10.0.0.1 1700003600\n");    /* server */
	open_path(path, T0 + 20);
	assert_int_equal(lease_check(ls), 0);
	/* expired, released and superseded records leave no trace */
	t_mac(m, 2);
	assert_null(lease_find_mac(ls, m));
	t_mac(m, 4);
	assert_null(lease_find_mac(ls, m));
	t_mac(m, 5);
	assert_null(lease_find_mac(ls, m));
	t_mac(m, 7);
	assert_int_equal(lease_find_mac(ls, m)->ip, IP(10, 0, 0, 117));
	assert_int_equal(lease_claim(ls, m, IP(10, 0, 0, 107), T0 + 20),
			 -EADDRINUSE);
	snprintf(want, sizeof(want), "%s",
		"# tapir leases v1\n"
		"lease 52:54:00:00:00:01 10.0.0.101 1700003600 one\n"
		"lease 52:54:00:00:00:03 10.0.0.113 1700007200 three\n"
		"lease 52:54:00:00:00:06 10.0.0.105 1700003700 six\n"
		"decline 52:54:00:00:00:07 10.0.0.107 1700000600\n"
		"lease 52:54:00:00:00:07 10.0.0.117 1700003600\n"
		"lease 52:54:00:00:00:0a 10.0.0.110 1700009999 ten\n");
	snprintf(got, sizeof(got), "%s", t_read(path));
	assert_string_equal(sorted(got), sorted(want));
	/* and compacting the compacted journal changes nothing */
	open_path(path, T0 + 20);
	snprintf(got, sizeof(got), "%s", t_read(path));
	assert_string_equal(sorted(got), sorted(want));
}

/* same_file() - whether two paths name the same inode */
static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	assert_int_equal(stat(a, &sa), 0);
	assert_int_equal(stat(b, &sb), 0);
	return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * A journal that is exactly its compacted form is kept at open (no
 * rewrite), and appended to; anything more in it - a superseded record, a
 * comment, a lease expired since - gets it rewritten.  A hard link keeps
 * the old inode alive, so a rewrite cannot reuse its number.
 */
static void test_reopen_keeps_compact(void **state)
{
	char path[256], link_path[256], before[4096];
	uint32_t ipa;

	(void)state;
	snprintf(path, sizeof(path), "%s", t_path("keep"));
	snprintf(link_path, sizeof(link_path), "%s", t_path("keep.old"));
	open_path(path, T0);
	ipa = dora(A, "a", 3600, T0);
	dora(B, NULL, 60, T0);
	open_path(path, T0 + 1);		/* compacted: index order */
	snprintf(before, sizeof(before), "%s", t_read(path));
	unlink(link_path);
	assert_int_equal(link(path, link_path), 0);

	open_path(path, T0 + 2);		/* nothing to drop: kept */
	assert_true(same_file(path, link_path));
	assert_string_equal(t_read(path), before);
	dora(C, "c", 3600, T0 + 2);		/* appended to the kept file */
	assert_int_equal(count_lines(link_path), 4);

	/* a superseded record: rewritten, and nothing lost */
	assert_int_equal(lease_release(ls, A, ipa, T0 + 3), 0);
	open_path(path, T0 + 4);
	assert_false(same_file(path, link_path));
	assert_int_equal(count_lines(path), 3);
	assert_null(lease_find_mac(ls, A));
	assert_non_null(lease_find_mac(ls, B));
	assert_non_null(lease_find_mac(ls, C));

	/* B's lease has expired by T0 + 100: rewritten again */
	unlink(link_path);
	assert_int_equal(link(path, link_path), 0);
	open_path(path, T0 + 100);
	assert_false(same_file(path, link_path));
	assert_int_equal(count_lines(path), 2);

	/* a comment is not what compaction writes: rewritten */
	unlink(link_path);
	write_file(path, "# tapir leases v1\n# hand-edited\n");
	assert_int_equal(link(path, link_path), 0);
	open_path(path, T0 + 100);
	assert_false(same_file(path, link_path));
	assert_string_equal(t_read(path), "# tapir leases v1\n");
	unlink(link_path);
}

/* lease_compact() at run time drops what expired since the open. */
static void test_compact_runtime(void **state)
{
	const char *path = t_path("runtime");
	uint32_t ipb;

	(void)state;
	open_path(path, T0);
	dora(A, NULL, 10, T0);
	ipb = dora(B, "stays", 3600, T0);
	assert_int_equal(count_lines(path), 3);
	assert_int_equal(lease_compact(ls, T0 + 20), 0);
	assert_int_equal(count_lines(path), 2);
	assert_non_null(strstr(t_read(path), "stays"));
	/* appends go on to the new file */
	assert_int_equal(lease_release(ls, B, ipb, T0 + 30), 0);
	assert_int_equal(count_lines(path), 3);
	open_path(path, T0 + 40);
	assert_null(lease_find_mac(ls, B));
	assert_int_equal(count_lines(path), 1);
}

/* A torn last line (a write cut short) is dropped, the rest is kept. */
static void test_torn_last_line(void **state)
{
	const char *path = t_path("torn");

	(void)state;
	write_file(path,
		"lease 52:54:00:00:00:01 10.0.0.101 1700003600\n"
		"lease 52:54:00:00:00:02 10.0.0.102 1700003600 tor");
	open_path(path, T0);
	assert_int_equal(lease_find_mac(ls, A)->ip, IP(10, 0, 0, 101));
	assert_null(lease_find_mac(ls, B));
	assert_null(strstr(t_read(path), ":02"));
	assert_int_equal(count_lines(path), 2);
}

struct collect {
	struct lease l[64];
	int n;
};

static int collect_cb(const struct lease *l, void *arg)
{
	struct collect *c = arg;

	if (c->n < 64)
		c->l[c->n++] = *l;
	return 0;
}

/* Malformed lines are skipped; what is around them is read. */
static void test_malformed_lines(void **state)
{
	const char *path = t_path("malformed");
	struct collect c = { .n = 0 };
	FILE *f;

	(void)state;
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("lease 52:54:00:00:00:01 10.0.0.101 1700003600 ok\n"
	      "lease 52:54:00:00:00 10.0.0.102 1700003600\n"
	      "lease 52:54:00:00:00:0g 10.0.0.102 1700003600\n"
	      "lease 00:00:00:00:00:00 10.0.0.102 1700003600\n"
	      "lease 52:54:00:00:00:02 10.0.0.256 1700003600\n"
	      "lease 52:54:00:00:00:02 10.0.0.102 -5\n"
	      "lease 52:54:00:00:00:02 10.0.0.102 17x\n"
	      "lease 52:54:00:00:00:02 10.0.0.102 99999999999999999999\n"
	      "lease 52:54:00:00:00:02 10.0.0.102 1700003600 bad_name\n"
	      "lease 52:54:00:00:00:02 10.0.0.102 1700003600 a b\n"
	      "lease 52:54:00:00:00:02 10.0.0.102\n"
	      "release 52:54:00:00:00:02 10.0.0.102 5\n"
	      "decline 52:54:00:00:00:02 10.0.0.102\n"
	      "renew 52:54:00:00:00:02 10.0.0.102 1700003600\n"
	      "lease  52:54:00:00:00:02  10.0.0.102  1700003600\n", f);
	fwrite("lease 52:54:00:00:00:02 10.0.0.102 1700\0003600\n", 1, 45, f);
	fputs("\n# comment\n"
	      "lease 52:54:00:00:00:03 10.0.0.103 1700003600\n", f);
	assert_int_equal(fclose(f), 0);

	assert_int_equal(lease_db_read(path, collect_cb, &c), 0);
	/* the double-spaced line is read (fields are split on spaces) */
	assert_int_equal(c.n, 3);
	assert_int_equal(c.l[0].ip, IP(10, 0, 0, 103));
	assert_int_equal(c.l[1].ip, IP(10, 0, 0, 102));
	assert_int_equal(c.l[2].ip, IP(10, 0, 0, 101));
	assert_string_equal(c.l[2].hostname, "ok");
	assert_int_equal(c.l[2].state, LEASE_BOUND);
	assert_int_equal(c.l[2].expires, 1700003600);
}

/* The reader works without a server, and reports declines too. */
static void test_db_read(void **state)
{
	const char *path = t_path("dbread");
	struct collect c = { .n = 0 };

	(void)state;
	assert_int_equal(lease_db_read(path, collect_cb, &c), 0);  /* none */
	assert_int_equal(c.n, 0);
	write_file(path,
		"lease 52:54:00:00:00:01 192.168.7.5 100 old\n"
		"decline 52:54:00:00:00:02 192.168.7.6 200\n"
		"lease 52:54:00:00:00:03 192.168.7.7 300\n"
		"release 52:54:00:00:00:03 192.168.7.7\n");
	assert_int_equal(lease_db_read(path, collect_cb, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.l[0].state, LEASE_DECLINED);
	assert_int_equal(c.l[0].ip, IP(192, 168, 7, 6));
	assert_int_equal(c.l[0].expires, 200);
	assert_int_equal(c.l[1].state, LEASE_BOUND);
	assert_string_equal(c.l[1].hostname, "old");
	assert_int_equal(lease_db_read(path, stop_cb, NULL), 42);
	assert_int_equal(lease_db_read(t_path(""), collect_cb, &c), -EISDIR);
}

/* Records the configuration no longer allows are dropped at load. */
static void test_journal_config_change(void **state)
{
	static const struct lease_static st[] = {
		{ { 0x52, 0x54, 0, 0, 0, 1 }, IP(10, 0, 0, 20), NULL },
	};
	struct lease_cfg cfg = {
		.pool_first = IP(10, 0, 0, 100), .pool_last = IP(10, 0, 0, 199),
		.server = IP(10, 0, 0, 1), .statics = st, .nstatic = 1,
		.path = t_path("confchange"),
	};

	(void)state;
	write_file(cfg.path,
		"lease 52:54:00:00:00:01 10.0.0.150 1700003600 was\n"
		"lease 52:54:00:00:00:02 10.0.0.20 1700003600\n");
	open_cfg(&cfg, T0);
	assert_int_equal(lease_find_mac(ls, A)->ip, IP(10, 0, 0, 20));
	assert_null(lease_find_ip(ls, IP(10, 0, 0, 150), T0));
	assert_null(lease_find_mac(ls, B));
	assert_int_equal(count_lines(cfg.path), 1);
}

/* Wait for a child and expect it to have ended as said. */
static void wait_child(pid_t pid, int signaled, int code)
{
	int status;

	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (signaled) {
		assert_true(WIFSIGNALED(status));
		assert_int_equal(WTERMSIG(status), code);
	} else {
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), code);
	}
}

/* Leases written by a process killed with SIGKILL are all there. */
static void test_kill9(void **state)
{
	const char *path = t_path("kill9");
	uint8_t m[6];
	uint32_t i;
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0) {
		open_path(path, T0);
		for (i = 0; i < 80; i++) {
			t_mac(m, i + 1);
			dora(m, NULL, 3600, T0);
		}
		raise(SIGKILL);
		_exit(1);
	}
	wait_child(pid, 1, SIGKILL);
	open_path(path, T0 + 1);
	for (i = 0; i < 80; i++) {
		t_mac(m, i + 1);
		assert_non_null(lease_find_mac(ls, m));
		assert_int_equal(lease_find_mac(ls, m)->state, LEASE_BOUND);
	}
}

/*
 * A write cut short (here by RLIMIT_FSIZE, as a full disk would) fails the
 * bind and leaves no partial line; the next successful write is intact.
 */
static void test_short_write(void **state)
{
	const char *path = t_path("short");
	const struct lease *l;
	struct rlimit rl;
	struct stat st;
	pid_t pid;

	(void)state;
	pid = fork();
	if (pid == 0) {
		signal(SIGXFSZ, SIG_IGN);
		open_path(path, T0);
		if (stat(path, &st) < 0)
			_exit(2);
		rl.rlim_cur = rl.rlim_max = (rlim_t)st.st_size + 60;
		if (setrlimit(RLIMIT_FSIZE, &rl) < 0)
			_exit(3);
		if (lease_bind(ls, A, IP(10, 0, 0, 101), NULL, 0, 3600, T0,
			       &l) != 0)
			_exit(4);
		if (lease_bind(ls, B, IP(10, 0, 0, 102), "name", 4, 3600, T0,
			       &l) >= 0)
			_exit(5);
		_exit(0);
	}
	wait_child(pid, 0, 0);
	assert_string_equal(t_read(path),
			    "# tapir leases v1\n"
			    "lease 52:54:00:00:00:01 10.0.0.101 1700003600\n");
}

/* The journal is compacted once it has grown enough; nothing is lost. */
static void test_auto_compaction(void **state)
{
	const char *path = t_path("auto");
	const struct lease *l;
	int i;

	(void)state;
	open_path(path, T0);
	for (i = 0; i < 20000; i++)
		assert_int_equal(lease_bind(ls, A, IP(10, 0, 0, 150), NULL, 0,
					    3600, T0 + i, &l), 0);
	assert_true(count_lines(path) < 5000);
	open_path(path, T0 + 20000);
	assert_int_equal(lease_find_mac(ls, A)->expires, T0 + 19999 + 3600);
}

/* 50,000 clients in a /16 pool, through a save and reload. */
static void test_50k_roundtrip(void **state)
{
	enum { N = 50000 };
	struct lease_cfg cfg = {
		.pool_first = IP(10, 1, 0, 2), .pool_last = IP(10, 1, 255, 254),
		.server = IP(10, 1, 0, 1), .path = t_path("50k"),
	};
	static uint32_t ip[N];
	static uint8_t used[65536];
	const struct lease *l;
	char name[16];
	uint8_t m[6];
	uint32_t i;
	int n = 0;

	(void)state;
	open_cfg(&cfg, T0);
	for (i = 0; i < N; i++) {
		t_mac(m, i + 1);
		snprintf(name, sizeof(name), "vm%u", i);
		ip[i] = dora(m, name, 86400, T0);
		assert_int_equal(used[ip[i] & 0xffff], 0);
		used[ip[i] & 0xffff] = 1;
	}
	assert_int_equal(lease_check(ls), 0);
	lease_close(ls);
	ls = NULL;

	assert_int_equal(lease_db_read(cfg.path, count_cb, &n), 0);
	assert_int_equal(n, N);
	open_cfg(&cfg, T0 + 60);
	n = 0;
	assert_int_equal(lease_foreach(ls, T0 + 60, count_cb, &n), 0);
	assert_int_equal(n, N);
	for (i = 0; i < N; i++) {
		t_mac(m, i + 1);
		l = lease_find_mac(ls, m);
		assert_non_null(l);
		assert_int_equal(l->ip, ip[i]);
		assert_int_equal(l->state, LEASE_BOUND);
		assert_int_equal(lease_offer(ls, m, 0, T0 + 60)->ip, ip[i]);
		snprintf(name, sizeof(name), "VM%u", i);
		assert_ptr_equal(lease_find_name(ls, name, strlen(name),
						 T0 + 60), l);
		assert_ptr_equal(lease_find_ip(ls, ip[i], T0 + 60), l);
	}
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_offer_bind_claim),
		T(test_requested_address),
		T(test_offer_hold_and_unoffer),
		T(test_reserved_and_static),
		T(test_bad_static),
		T(test_expiry_prefers_fresh),
		T(test_reuse_oldest),
		T(test_release),
		T(test_decline),
		T(test_bind_moves),
		T(test_names),
		T(test_foreach),
		T(test_stable_without_journal),
		T(test_sequential),
		T(test_pool_clamp),
		T(test_persist_reload),
		T(test_compaction_exact),
		T(test_compact_runtime),
		T(test_reopen_keeps_compact),
		T(test_torn_last_line),
		T(test_malformed_lines),
		T(test_db_read),
		T(test_journal_config_change),
		T(test_kill9),
		T(test_short_write),
		T(test_auto_compaction),
		T(test_50k_roundtrip),
	};

	return cmocka_run_group_tests(tests, t_dir_setup, t_dir_teardown);
}
