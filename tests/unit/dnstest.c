// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnstest.c - building DNS messages byte by byte for the unit tests
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "dnstest.h"

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* "a.b.c" (or "." for the root) to wire form; returns the length. */
size_t t_name(const char *text, uint8_t *out)
{
	size_t n = 0;
	const char *p = text;

	if (!strcmp(text, "."))
		p++;
	while (*p) {
		const char *dot = strchr(p, '.');
		size_t l = dot ? (size_t)(dot - p) : strlen(p);

		out[n++] = (uint8_t)l;
		memcpy(out + n, p, l);
		n += l;
		p += l + (dot ? 1 : 0);
	}
	out[n++] = 0;
	return n;
}

static size_t t_opt(uint8_t *p, uint16_t size, uint16_t flags)
{
	p[0] = 0;
	put16(p + 1, DNS_T_OPT);
	put16(p + 3, size);
	put32(p + 5, flags);
	put16(p + 9, 0);
	return 11;
}

/* A query with one question and, if edns_size, an OPT record. */
size_t t_query(uint8_t *buf, uint16_t id, uint16_t flags, const char *name,
	       uint16_t qtype, uint16_t qclass, uint16_t edns_size,
	       uint16_t edns_flags)
{
	size_t n = DNS_HDR_LEN;

	memset(buf, 0, DNS_HDR_LEN);
	put16(buf, id);
	put16(buf + 2, flags);
	put16(buf + 4, 1);
	put16(buf + 10, edns_size ? 1 : 0);
	n += t_name(name, buf + n);
	put16(buf + n, qtype);
	put16(buf + n + 2, qclass);
	n += 4;
	if (edns_size)
		n += t_opt(buf + n, edns_size, edns_flags);
	return n;
}

/* Length of the (possibly compressed) name at off, in place. */
size_t t_skip_name(const uint8_t *msg, size_t off)
{
	size_t o = off;

	while (msg[o] && (msg[o] & 0xc0) != 0xc0)
		o += 1u + msg[o];
	return o - off + (msg[o] ? 2 : 1);
}

/*
 * A response to query (whose question is copied, OPT dropped): flags as
 * given (QR added), the answers, and an OPT record if edns_size.
 */
size_t t_response(uint8_t *buf, const uint8_t *query, uint16_t flags,
		  const struct t_rr *an, size_t nan, uint16_t edns_size,
		  uint16_t edns_flags)
{
	size_t q = DNS_HDR_LEN + t_skip_name(query, DNS_HDR_LEN) + 4;
	size_t n = q, i;

	memcpy(buf, query, q);
	put16(buf + 2, flags | DNS_F_QR);
	put16(buf + 6, (uint16_t)nan);
	put16(buf + 8, 0);
	put16(buf + 10, edns_size ? 1 : 0);
	for (i = 0; i < nan; i++) {
		if (an[i].owner) {
			n += t_name(an[i].owner, buf + n);
		} else {
			put16(buf + n, 0xc00c);
			n += 2;
		}
		put16(buf + n, an[i].type);
		put16(buf + n + 2, DNS_C_IN);
		put32(buf + n + 4, an[i].ttl);
		put16(buf + n + 8, an[i].rdlen);
		memcpy(buf + n + 10, an[i].rdata, an[i].rdlen);
		n += 10u + an[i].rdlen;
	}
	if (edns_size)
		n += t_opt(buf + n, edns_size, edns_flags);
	return n;
}

/* Offset of the n-th answer record (0-based) of a message. */
size_t t_answer(const uint8_t *msg, size_t len, unsigned int n)
{
	size_t o = DNS_HDR_LEN + t_skip_name(msg, DNS_HDR_LEN) + 4;

	while (n--) {
		o += t_skip_name(msg, o) + 8;
		o += 2u + (size_t)(msg[o] << 8 | msg[o + 1]);
	}
	assert_true(o < len);
	return o;
}

/* dns_parse() that must succeed. */
void t_parse(const uint8_t *msg, size_t len, struct dns_msg *m)
{
	assert_int_equal(dns_parse(msg, len, m), 0);
}
