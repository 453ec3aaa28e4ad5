/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dnstest.h - building DNS messages byte by byte for the unit tests
 *
 * These helpers do not use lib/dns.c, so that the tests check the library
 * against an independent encoder.
 */
#ifndef TAPIR_TEST_DNSTEST_H
#define TAPIR_TEST_DNSTEST_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"

/**
 * struct t_rr - a record for t_response()
 * @owner:	owner name as text, or NULL for a pointer to the question
 * @type:	record type
 * @ttl:	TTL
 * @rdata:	record data
 * @rdlen:	its length
 */
struct t_rr {
	const char *owner;
	uint16_t type;
	uint32_t ttl;
	const void *rdata;
	uint16_t rdlen;
};

size_t t_name(const char *text, uint8_t *out);
size_t t_query(uint8_t *buf, uint16_t id, uint16_t flags, const char *name,
	       uint16_t qtype, uint16_t qclass, uint16_t edns_size,
	       uint16_t edns_flags);
size_t t_response(uint8_t *buf, const uint8_t *query, uint16_t flags,
		  const struct t_rr *an, size_t nan, uint16_t edns_size,
		  uint16_t edns_flags);
size_t t_skip_name(const uint8_t *msg, size_t off);
size_t t_answer(const uint8_t *msg, size_t len, unsigned int n);
void t_parse(const uint8_t *msg, size_t len, struct dns_msg *m);

#endif /* TAPIR_TEST_DNSTEST_H */
