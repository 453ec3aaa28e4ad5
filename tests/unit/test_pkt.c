// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_pkt.c - unit tests of the bounds-checked cursors (lib/pkt.h) and
 * the Internet checksum (lib/csum.c)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "csum.h"
#include "pkt.h"

static void test_rd_bounds(void **state)
{
	static const uint8_t buf[] = { 1, 2, 3, 4, 5, 6, 7 };
	struct pkt_rd r;
	uint8_t out[4];

	(void)state;
	pkt_rd_init(&r, buf, sizeof(buf));
	assert_int_equal(pkt_rd_u8(&r), 1);
	assert_int_equal(pkt_rd_u16(&r), 0x0203);
	assert_int_equal(pkt_rd_u32(&r), 0x04050607);
	assert_true(pkt_rd_ok(&r));
	assert_int_equal(pkt_rd_left(&r), 0);

	/* past the end: zero, and the cursor stays failed */
	assert_int_equal(pkt_rd_u8(&r), 0);
	assert_false(pkt_rd_ok(&r));
	pkt_rd_seek(&r, 0);
	assert_int_equal(pkt_rd_u8(&r), 0);

	pkt_rd_init(&r, buf, sizeof(buf));
	pkt_rd_skip(&r, 5);
	memset(out, 0xaa, sizeof(out));
	pkt_rd_copy(&r, out, 4);
	assert_false(pkt_rd_ok(&r));
	assert_int_equal(out[0], 0);
	assert_null(pkt_rd_ptr(&r, 0));

	/* a huge length cannot wrap around */
	pkt_rd_init(&r, buf, sizeof(buf));
	pkt_rd_skip(&r, 1);
	assert_null(pkt_rd_ptr(&r, SIZE_MAX));
	assert_false(pkt_rd_ok(&r));

	pkt_rd_init(&r, buf, sizeof(buf));
	pkt_rd_seek(&r, 8);
	assert_false(pkt_rd_ok(&r));
}

static void test_wr_bounds(void **state)
{
	uint8_t buf[6];
	struct pkt_wr w;

	(void)state;
	pkt_wr_init(&w, buf, sizeof(buf));
	pkt_wr_u16(&w, 0x0102);
	pkt_wr_u32(&w, 0x03040506);
	assert_true(pkt_wr_ok(&w));
	assert_int_equal(w.off, 6);
	pkt_wr_u8(&w, 7);
	assert_false(pkt_wr_ok(&w));
	assert_int_equal(w.off, 6);
	assert_int_equal(buf[5], 6);
}

/* RFC 1071's example, and a real IPv4 header */
static void test_csum(void **state)
{
	static const uint8_t rfc[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				       0xf6, 0xf7 };
	static const uint8_t ip[] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};

	(void)state;
	assert_int_equal(csum_add(0, rfc, sizeof(rfc)), 0x2ddf0);
	assert_int_equal(csum_fold(0x2ddf0), (uint16_t)~0xddf2);
	assert_int_equal(csum_ip4_header(ip, sizeof(ip)), 0xb861);
}

/* A UDP checksum verifies to zero once filled in. */
static void test_udp4(void **state)
{
	uint8_t udp[13] = { 0x00, 0x43, 0x00, 0x44, 0x00, 13, 0, 0,
			    'h', 'e', 'l', 'l', 'o' };
	uint32_t s = 0x0a000001, d = 0x0a000002;
	uint8_t pseudo[12] = { 10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, 13 };
	uint16_t c = csum_udp4(s, d, udp, sizeof(udp));

	(void)state;
	pkt_put_u16(udp + 6, c);
	assert_int_equal(csum_fold(csum_add(csum_add(0, pseudo, 12), udp,
					    sizeof(udp))), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rd_bounds),
		cmocka_unit_test(test_wr_bounds),
		cmocka_unit_test(test_csum),
		cmocka_unit_test(test_udp4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
