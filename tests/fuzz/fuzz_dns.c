// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_dns.c - libFuzzer target for the DNS engine, local resolver and cache
 *
 * The input is a message from a client (bit 0 of its first byte picks UDP
 * or TCP).  It goes through dns_local_query() against a small static name
 * table.  If the verdict is to forward, the same bytes with QR set play
 * the upstream's response: dns_match(), dns_answer_ttl(), a cache insert
 * and lookup (in a cache that lives across inputs, so eviction and expiry
 * run too), dns_ttl_patch() and dns_truncate().  Besides the sanitizers,
 * the target checks what must always hold, and aborts if it does not:
 * replies parse, fit the transport, and answer the client's question with
 * its ID.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "dns.h"
#include "dnscache.h"
#include "dnslocal.h"
#include "log.h"
#include "pkt.h"

static const struct {
	const char *host;
	uint32_t addr;		/* host order */
} fz_hosts[] = {
	{ "vm1", 0xc0a8640a },
	{ "web", 0xc0a8640b },
	{ "bad.name", 0xc0a86442 },
};

static int fz_by_name(void *ctx, const char *host, struct in_addr *addr)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(fz_hosts) / sizeof(fz_hosts[0]); i++)
		if (!strcasecmp(fz_hosts[i].host, host)) {
			addr->s_addr = htonl(fz_hosts[i].addr);
			return 0;
		}
	return -1;
}

static int fz_by_addr(void *ctx, struct in_addr addr, char *host, size_t len)
{
	size_t i;

	(void)ctx;
	for (i = 0; i < sizeof(fz_hosts) / sizeof(fz_hosts[0]); i++)
		if (htonl(fz_hosts[i].addr) == addr.s_addr) {
			strncpy(host, fz_hosts[i].host, len - 1);
			host[len - 1] = '\0';
			return 0;
		}
	return -1;
}

/* A reply we built must parse and answer the question asked. */
static void fz_check_reply(const struct dns_msg *q, const uint8_t *out,
			   size_t len, size_t limit)
{
	struct dns_msg r;

	if (len > limit || dns_parse(out, len, &r) || r.id != q->id ||
	    !(r.flags & DNS_F_QR) || r.qtype != q->qtype ||
	    r.qclass != q->qclass || r.qname_len != q->qname_len ||
	    memcmp(r.qname, q->qname, q->qname_len) || r.edns != q->edns)
		abort();
}

/*
 * A cached reply is upstream's records behind our header and the client's
 * question; upstream's names may be nonsense (pointing into TTLs, say,
 * which age) and are not checked, but what we write must be right.
 */
static void fz_check_cached(const struct dns_msg *q, const uint8_t *out,
			    size_t len, size_t limit)
{
	uint16_t flags;

	if (len > limit || len < DNS_HDR_LEN + q->qname_len + 4 ||
	    pkt_get_u16(out) != q->id || pkt_get_u16(out + 4) != 1 ||
	    memcmp(out + DNS_HDR_LEN, q->qname, q->qname_len) ||
	    pkt_get_u16(out + DNS_HDR_LEN + q->qname_len) != q->qtype ||
	    pkt_get_u16(out + DNS_HDR_LEN + q->qname_len + 2) != q->qclass)
		abort();
	flags = pkt_get_u16(out + 2);
	if ((flags & (DNS_F_QR | DNS_F_OPCODE | DNS_F_RCODE | DNS_F_AA)) !=
	    DNS_F_QR || (flags & (DNS_F_RD | DNS_F_CD)) !=
	    (q->flags & (DNS_F_RD | DNS_F_CD)))
		abort();
	if (flags & DNS_F_TC)
		fz_check_reply(q, out, len, limit);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const self_names[] = { "gateway", NULL };
	static uint8_t resp[DNS_MSG_MAX], out[DNS_MSG_MAX];
	static struct dnscache cache;
	static struct dns_local loc;
	static uint64_t now;
	static int ready;
	enum dns_local_verdict v;
	char text[DNS_NAME_TEXT_MAX];
	struct dns_msg q, r;
	struct in_addr a;
	size_t outlen, limit;
	uint32_t ttl;
	int tcp, len;

	if (!ready) {
		log_init("fuzz", 0, 0);
		if (dnscache_init(&cache, 32, 4096))
			abort();
		loc.domain = "lab.internal";
		loc.self.s_addr = htonl(0xc0a86401);
		loc.self_names = self_names;
		loc.net.s_addr = htonl(0xc0a86400);
		loc.prefix = 24;
		loc.ttl = DNS_LOCAL_TTL;
		loc.db.by_name = fz_by_name;
		loc.db.by_addr = fz_by_addr;
		if (dns_local_init(&loc))
			abort();
		ready = 1;
	}
	if (size > DNS_MSG_MAX)
		return 0;
	now += 7;
	tcp = size && (data[0] & 1);

	v = dns_local_query(&loc, data, size, tcp, &q, out, sizeof(out),
			    &outlen);
	if (v == DNS_LOCAL_REPLY && outlen > DNS_HDR_LEN)
		fz_check_reply(&q, out, outlen, dns_reply_max(&q, tcp,
							      sizeof(out)));
	if (v != DNS_LOCAL_FORWARD) {
		if (!dns_parse(data, size, &q) &&
		    dns_name_to_text(q.qname, q.qname_len, text,
				     sizeof(text)) < 0)
			abort();
		return 0;
	}

	limit = dns_reply_max(&q, tcp, sizeof(out));
	len = dnscache_lookup(&cache, &q, now, out, limit);
	if (len > 0)
		fz_check_cached(&q, out, (size_t)len, limit);
	if (dns_ptr4_addr(q.qname, q.qname_len, &a) == 0) {
		len = dns_name_ptr4(a, (uint8_t *)text, sizeof(text));
		if (len < 0 || !dns_name_equal((const uint8_t *)text,
					       (size_t)len, q.qname,
					       q.qname_len))
			abort();
	}

	memcpy(resp, data, size);
	resp[2] |= DNS_F_QR >> 8;
	if (dns_match(&q, q.id, resp, size, &r))
		abort();
	if (dns_answer_ttl(resp, size, &r, &ttl) == 0 &&
	    dnscache_insert(&cache, &q, resp, size, now) == 0) {
		/* what was just stored is served, while its TTL lasts */
		len = dnscache_lookup(&cache, &q, now + (ttl > 1 ? 1 : 0), out,
				      limit);
		if (len <= 0)
			abort();
		fz_check_cached(&q, out, (size_t)len, limit);
	}
	memcpy(out, resp, size);
	if (dns_ttl_patch(out, size, now & 0xffff))
		abort();
	len = dns_truncate(resp, size, DNS_UDP_MAX);
	if (len > DNS_UDP_MAX || (len < 0 && size > DNS_UDP_MAX &&
				  q.qend + (q.edns ? DNS_OPT_LEN : 0) <=
				  DNS_UDP_MAX))
		abort();
	return 0;
}
