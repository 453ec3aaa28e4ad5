/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_DNSCACHE_H
#define TAPIR_DNSCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"

/* Longest a response is kept, whatever its TTL says (seconds). */
#define DNSCACHE_TTL_MAX	86400
/* Largest response kept (without its OPT record), bytes. */
#define DNSCACHE_MSG_MAX	4096
/* Limits on the sizes given to dnscache_init(). */
#define DNSCACHE_ENTRIES_MAX	(1U << 22)
#define DNSCACHE_BYTES_MIN	64
#define DNSCACHE_BYTES_MAX	(1U << 30)

/**
 * struct dnscache_stats - counters, for status output
 * @hits:	lookups answered
 * @misses:	lookups not answered (expired entries included)
 * @inserts:	responses stored
 * @evictions:	live entries dropped to make room
 * @expired:	entries dropped because their time was up
 * @entries:	live entries now
 * @bytes:	bytes of storage they use now
 */
struct dnscache_stats {
	uint64_t hits;
	uint64_t misses;
	uint64_t inserts;
	uint64_t evictions;
	uint64_t expired;
	size_t entries;
	size_t bytes;
};

struct dnscache_ent;

/**
 * struct dnscache - the positive answer cache (fields are private)
 * @ent:	entry slots, used as a ring in insertion order
 * @nent:	number of slots
 * @head:	next slot to fill
 * @count:	slots in use (live or dead) from the oldest to @head
 * @bucket:	hash buckets: index of the first entry, or -1
 * @mask:	number of buckets minus one
 * @arena:	storage for responses, used as a ring in insertion order
 * @arena_size:	its size
 * @wpos:	where the next response goes
 * @key:	random SipHash key
 * @st:		counters
 */
struct dnscache {
	struct dnscache_ent *ent;
	uint32_t nent;
	uint32_t head;
	uint32_t count;
	int32_t *bucket;
	uint32_t mask;
	uint8_t *arena;
	size_t arena_size;
	size_t wpos;
	uint64_t key[2];
	struct dnscache_stats st;
};

int dnscache_init(struct dnscache *c, size_t entries, size_t bytes);
void dnscache_free(struct dnscache *c);
int dnscache_insert(struct dnscache *c, const struct dns_msg *q,
		    const void *resp, size_t len, uint64_t now);
int dnscache_lookup(struct dnscache *c, const struct dns_msg *q,
		    uint64_t now, void *out, size_t outlen);
void dnscache_purge(struct dnscache *c, uint64_t now);
void dnscache_flush(struct dnscache *c);
void dnscache_stats(const struct dnscache *c, struct dnscache_stats *st);

#endif /* TAPIR_DNSCACHE_H */
