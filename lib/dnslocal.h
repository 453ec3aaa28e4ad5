/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_DNSLOCAL_H
#define TAPIR_DNSLOCAL_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "dns.h"

/*
 * TTL of local answers.  Leases come and go and may move to another
 * address at any time, so guests should not keep them: 0, as dnsmasq's
 * local-ttl default.  Negative local answers carry no SOA, so nobody
 * caches those either (RFC 2308).
 */
#define DNS_LOCAL_TTL		0

/**
 * struct dns_local_db - where local names come from (the lease store)
 * @by_name:	find the address of @host, a lowercase label of letters,
 *		digits, '-' and '_' (1 to 63 bytes).  Return 0 and set
 *		@addr, or a negative value if there is no such host
 * @by_addr:	find the host name of @addr and write it to @host (@len
 *		bytes, NUL included).  Return 0, or negative if none.  A name
 *		that is not a valid label counts as none
 * @ctx:	passed to both
 *
 * Either may be NULL.  Both are called on the packet path: they must not
 * block, and should not allocate.
 */
struct dns_local_db {
	int (*by_name)(void *ctx, const char *host, struct in_addr *addr);
	int (*by_addr)(void *ctx, struct in_addr addr, char *host,
		       size_t len);
	void *ctx;
};

/**
 * struct dns_local - what the local resolver answers for
 * @domain:	the network's domain ("lab.internal"), or NULL or "" for none
 * @self:	the server's own address, INADDR_ANY for none
 * @self_names:	the server's own names (labels), NULL-terminated, or NULL;
 *		the first is the PTR name of @self
 * @net:	the local subnet, whose reverse names are never forwarded
 * @prefix:	its prefix length, 1 to 32; 0 for no subnet
 * @ttl:	TTL of local answers, normally DNS_LOCAL_TTL
 * @db:		lookups of leases and dhcp-hosts
 * @domain_wire: @domain in wire form (set by dns_local_init())
 * @domain_len:	its length, 0 for no domain (set by dns_local_init())
 *
 * The strings are the caller's and must outlive the structure.
 */
struct dns_local {
	const char *domain;
	struct in_addr self;
	const char *const *self_names;
	struct in_addr net;
	unsigned int prefix;
	uint32_t ttl;
	struct dns_local_db db;
	uint8_t domain_wire[DNS_NAME_MAX];
	size_t domain_len;
};

/* What to do with a client's message. */
enum dns_local_verdict {
	DNS_LOCAL_DROP,		/* send nothing */
	DNS_LOCAL_REPLY,	/* send the reply built in the buffer */
	DNS_LOCAL_FORWARD,	/* not local: the cache, then upstream */
};

int dns_local_init(struct dns_local *loc);
int dns_local_host_ok(const char *host);
enum dns_local_verdict dns_local_query(const struct dns_local *loc,
				       const void *query, size_t qlen, int tcp,
				       struct dns_msg *q, void *out,
				       size_t outsize, size_t *outlen);

#endif /* TAPIR_DNSLOCAL_H */
