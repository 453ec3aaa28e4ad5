// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dhcp.c - libFuzzer target for the DHCP server engine
 *
 * The input is split on the 4 bytes "\xde\xad\xbe\xef" into request
 * payloads, which go one after another into dhcp_handle() with a fresh
 * lease store per input: a pool of 8 addresses (so exhaustion, reuse and
 * holds are reached), two static hosts, one inside the pool, and a 60 s
 * lease.  The clock moves on between requests by an amount derived from
 * each payload's length, so offers, leases and decline holds expire.
 * After every request the reply is checked (op, magic cookie, a
 * destination exactly when there is a reply, length bounds) and so are
 * the store's indexes (lease_check()); any failure aborts.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dhcp.h"
#include "lease.h"
#include "log.h"

#define FUZZ_IP(a, b, c, d)	((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | \
				 (uint32_t)(c) << 8 | (uint32_t)(d))

static const uint8_t fuzz_sep[4] = { 0xde, 0xad, 0xbe, 0xef };

static const struct lease_static fuzz_statics[] = {
	{ { 0x52, 0x54, 0, 0, 0, 0x10 }, FUZZ_IP(10, 0, 0, 104), "inpool" },
	{ { 0x52, 0x54, 0, 0, 0, 0x11 }, FUZZ_IP(10, 0, 0, 20), NULL },
};

static const char *const fuzz_search[] = { "lab.internal", "example.com" };

static void fuzz_check_reply(const uint8_t *out, int n, size_t outsz,
			     const struct dhcp_tx *tx)
{
	if (n < 0) {
		if (tx->dest != DHCP_DEST_NONE || tx->why != DHCP_STORE_ERROR)
			abort();
		return;
	}
	if (n == 0) {
		if (tx->dest != DHCP_DEST_NONE || tx->type ||
		    tx->why == DHCP_SENT || tx->why >= DHCP_WHY_MAX)
			abort();
		return;
	}
	if ((size_t)n > outsz || n < 300 || tx->dest == DHCP_DEST_NONE ||
	    tx->why != DHCP_SENT || out[0] != 2 || out[1] != 1 || out[2] != 6 ||
	    memcmp(out + 236, "\x63\x82\x53\x63", 4) ||
	    out[240] != 53 || out[241] != 1 || out[242] != tx->type)
		abort();
	if (tx->type != DHCPOFFER && tx->type != DHCPACK &&
	    tx->type != DHCPNAK)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct dhcp_cfg cfg = {
		.server = FUZZ_IP(10, 0, 0, 1), .netmask = 0xffffff00,
		.router = FUZZ_IP(10, 0, 0, 1), .dns = { FUZZ_IP(10, 0, 0, 1) },
		.ndns = 1, .domain = "lab.internal", .search = fuzz_search,
		.nsearch = 2, .lease_time = 60, .mtu = 1400,
		.authoritative = 1,
	};
	static const struct lease_cfg lcfg = {
		.pool_first = FUZZ_IP(10, 0, 0, 100),
		.pool_last = FUZZ_IP(10, 0, 0, 107),
		.server = FUZZ_IP(10, 0, 0, 1),
		.statics = fuzz_statics, .nstatic = 2,
	};
	static struct dhcp d;
	static uint8_t out[1500];
	const uint8_t *p = data, *end = data + size, *q, *sep;
	struct lease_store *ls;
	struct dhcp_tx tx;
	time_t now = 1700000000;
	size_t outsz;
	int n;

	log_init("fuzz", 0, 0);
	if (dhcp_init(&d, &cfg) || lease_open(&ls, &lcfg, now))
		abort();
	while (p <= end) {
		sep = NULL;
		for (q = p; q + 4 <= end; q++)
			if (!memcmp(q, fuzz_sep, 4)) {
				sep = q;
				break;
			}
		q = sep ? sep : end;
		/* also try the smallest reply buffer allowed */
		outsz = (q - p) % 3 ? sizeof(out) : DHCP_OUT_MIN;
		n = dhcp_handle(&d, ls, now, p, (size_t)(q - p), out, outsz,
				&tx);
		fuzz_check_reply(out, n, outsz, &tx);
		if (lease_check(ls))
			abort();
		now += (time_t)((size_t)(q - p) * 7 % 700);
		if (!sep)
			break;
		p = sep + 4;
	}
	lease_close(ls);
	return 0;
}
