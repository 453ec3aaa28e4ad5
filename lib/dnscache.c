// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnscache.c - the DNS forwarder's cache of positive answers
 *
 * Theory of operation
 *
 * What is kept.  Upstream responses that dns_answer_ttl() calls positive
 * (rcode 0, not truncated, at least one answer for the question) with a
 * lowest answer TTL above 0.  An entry lives for that TTL, capped at
 * DNSCACHE_TTL_MAX.  Negative answers are not cached: the forwarder asks
 * upstream again, whose own cache answers them.
 *
 * Key.  The question - name without case, type, class - and the query's DO
 * and CD bits: a DO query gets DNSSEC records a plain one does not want,
 * and a CD query gets answers a validating upstream would refuse to a
 * plain one, so sharing entries across those bits would hand unvalidated
 * data to clients that asked for validation.  The key is hashed with
 * SipHash-2-4 under a random key, so clients cannot aim names at one
 * bucket.
 *
 * Storage.  dnscache_init() allocates everything once: a ring of entry
 * slots, a power-of-two table of hash buckets chained through the slots,
 * and an arena of bytes.  Both rings fill in insertion order, so the
 * oldest entry is both the oldest slot and the oldest bytes, and making
 * room is one rule: evict the oldest until the new response fits in the
 * arena (contiguously: when the end of the arena is too short, what lies
 * there is evicted and writing starts again at 0) and a slot is free.
 * Expired entries are dropped from the hash when a lookup or
 * dnscache_purge() finds them, and their space is reused when the rings
 * come round.  Nothing is allocated after dnscache_init().
 *
 * Each stored response is the upstream message without its OPT record
 * (which is hop-by-hop; OPT must then be the last record, else the
 * response is not kept), followed by the offsets of its TTL fields.
 *
 * Hit path.  dnscache_lookup() hashes the query's key, walks one bucket,
 * copies the stored message into the caller's buffer, writes the client's
 * question over the stored one (same length: same name but for case, so
 * compression pointers to it still hold and the client sees its own 0x20
 * spelling), sets the client's ID and flags, lowers each TTL by the time
 * since insertion, and appends an OPT record if the client sent one.  If
 * the result would exceed the client's size, the reply is the question
 * with TC instead.
 *
 * Flags of a cached reply: QR, RA, the client's RD and CD, and AD only if
 * upstream set it and the client asked with AD or DO (RFC 6840 5.8).
 *
 * Upstream's records are served as they came, with only their TTLs aged:
 * a hostile upstream whose names point into TTL bytes, or into the middle
 * of the question's labels, gets its own answer back reading differently
 * over time or with another client's spelling.  That is garbage in,
 * garbage out for that one response: nothing here parses the stored bytes
 * again, and nothing another client sees depends on them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "dnscache.h"
#include "pkt.h"

/* Key bits besides the question. */
#define DNSCACHE_KEY_DO		1
#define DNSCACHE_KEY_CD		2

/**
 * struct dnscache_ent - one stored response
 * @added:	when it was stored
 * @expires:	when it stops being served
 * @hash:	hash of its key
 * @next:	next entry in the same bucket, or -1
 * @off:	where it starts in the arena
 * @size:	bytes it takes there: message and TTL offsets
 * @len:	length of the message
 * @nttl:	number of TTL offsets, stored as uint16_t after the message
 * @qtype:	question type
 * @qclass:	question class
 * @qname_len:	length of the question name (stored at offset 12)
 * @bits:	DNSCACHE_KEY_DO and DNSCACHE_KEY_CD
 * @live:	in the hash table and servable
 */
struct dnscache_ent {
	uint64_t added;
	uint64_t expires;
	uint32_t hash;
	int32_t next;
	uint32_t off;
	uint32_t size;
	uint16_t len;
	uint16_t nttl;
	uint16_t qtype;
	uint16_t qclass;
	uint8_t qname_len;
	uint8_t bits;
	uint8_t live;
};

#define DNSCACHE_ROTL(x, b)	(((x) << (b)) | ((x) >> (64 - (b))))

/**
 * dnscache_sipround() - one SipHash round
 * @v:		state
 */
static inline void dnscache_sipround(uint64_t v[4])
{
	v[0] += v[1];
	v[1] = DNSCACHE_ROTL(v[1], 13);
	v[1] ^= v[0];
	v[0] = DNSCACHE_ROTL(v[0], 32);
	v[2] += v[3];
	v[3] = DNSCACHE_ROTL(v[3], 16);
	v[3] ^= v[2];
	v[0] += v[3];
	v[3] = DNSCACHE_ROTL(v[3], 21);
	v[3] ^= v[0];
	v[2] += v[1];
	v[1] = DNSCACHE_ROTL(v[1], 17);
	v[1] ^= v[2];
	v[2] = DNSCACHE_ROTL(v[2], 32);
}

/**
 * dnscache_siphash() - SipHash-2-4 (Aumasson and Bernstein, 2012)
 * @k:		128-bit key
 * @in:		data
 * @len:	its length
 *
 * Return: the 64-bit hash
 */
static uint64_t dnscache_siphash(const uint64_t k[2], const uint8_t *in,
				 size_t len)
{
	uint64_t v[4] = {
		0x736f6d6570736575ULL ^ k[0], 0x646f72616e646f6dULL ^ k[1],
		0x6c7967656e657261ULL ^ k[0], 0x7465646279746573ULL ^ k[1],
	};
	uint64_t m, b = (uint64_t)len << 56;
	size_t i, j;

	for (i = 0; i + 8 <= len; i += 8) {
		for (m = 0, j = 0; j < 8; j++)
			m |= (uint64_t)in[i + j] << (8 * j);
		v[3] ^= m;
		dnscache_sipround(v);
		dnscache_sipround(v);
		v[0] ^= m;
	}
	for (j = 0; i + j < len; j++)
		b |= (uint64_t)in[i + j] << (8 * j);
	v[3] ^= b;
	dnscache_sipround(v);
	dnscache_sipround(v);
	v[0] ^= b;
	v[2] ^= 0xff;
	for (j = 0; j < 4; j++)
		dnscache_sipround(v);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

/**
 * dnscache_bits() - the key bits of a query
 * @q:		the query
 *
 * Return: DNSCACHE_KEY_DO and DNSCACHE_KEY_CD as set in @q
 */
static uint8_t dnscache_bits(const struct dns_msg *q)
{
	return (uint8_t)((q->edns && (q->edns_flags & DNS_EDNS_DO) ?
			  DNSCACHE_KEY_DO : 0) |
			 (q->flags & DNS_F_CD ? DNSCACHE_KEY_CD : 0));
}

/**
 * dnscache_hash() - hash of a query's key
 * @c:		the cache
 * @q:		the query
 *
 * Return: the hash
 */
static uint32_t dnscache_hash(const struct dnscache *c,
			      const struct dns_msg *q)
{
	uint8_t key[DNS_NAME_MAX + 5];
	size_t i;

	for (i = 0; i < q->qname_len; i++)
		key[i] = q->qname[i] >= 'A' && q->qname[i] <= 'Z' ?
			 (uint8_t)(q->qname[i] + ('a' - 'A')) : q->qname[i];
	pkt_put_u16(key + i, q->qtype);
	pkt_put_u16(key + i + 2, q->qclass);
	key[i + 4] = dnscache_bits(q);
	return (uint32_t)dnscache_siphash(c->key, key, i + 5);
}

/**
 * dnscache_find() - the live entry for a query's key
 * @c:		the cache
 * @q:		the query
 * @hash:	dnscache_hash() of @q
 *
 * Return: the entry, or NULL
 */
static struct dnscache_ent *dnscache_find(const struct dnscache *c,
					  const struct dns_msg *q,
					  uint32_t hash)
{
	uint8_t bits = dnscache_bits(q);
	int32_t i;

	for (i = c->bucket[hash & c->mask]; i >= 0; i = c->ent[i].next) {
		struct dnscache_ent *e = &c->ent[i];

		if (e->hash == hash && e->qtype == q->qtype &&
		    e->qclass == q->qclass && e->bits == bits &&
		    dns_name_equal(c->arena + e->off + DNS_HDR_LEN,
				   e->qname_len, q->qname, q->qname_len))
			return e;
	}
	return NULL;
}

/**
 * dnscache_unlink() - take a live entry out of the hash table
 * @c:		the cache
 * @e:		the entry; its slot and bytes stay until the rings pass
 */
static void dnscache_unlink(struct dnscache *c, struct dnscache_ent *e)
{
	int32_t *p = &c->bucket[e->hash & c->mask];
	int32_t idx = (int32_t)(e - c->ent);

	while (*p != idx)
		p = &c->ent[*p].next;
	*p = e->next;
	e->live = 0;
	c->st.entries--;
	c->st.bytes -= e->size;
}

/**
 * dnscache_oldest() - the slot filled longest ago
 * @c:		the cache, with at least one slot in use
 *
 * Return: the slot
 */
static struct dnscache_ent *dnscache_oldest(const struct dnscache *c)
{
	return &c->ent[(c->head + c->nent - c->count) % c->nent];
}

/**
 * dnscache_evict() - free the oldest slot and its bytes
 * @c:		the cache, with at least one slot in use
 */
static void dnscache_evict(struct dnscache *c)
{
	struct dnscache_ent *e = dnscache_oldest(c);

	if (e->live) {
		dnscache_unlink(c, e);
		c->st.evictions++;
	}
	c->count--;
}

/**
 * dnscache_alloc() - take a slot and @size contiguous bytes, evicting
 * @c:		the cache
 * @size:	bytes needed, at most the arena's size
 *
 * The slots in use hold, oldest first, the bytes from @wpos to the end of
 * the arena and then those from 0 to @wpos, each part in increasing
 * order; so the entries in the way of the new bytes are always the oldest.
 *
 * Return: the slot, with @off and @size set
 */
static struct dnscache_ent *dnscache_alloc(struct dnscache *c, size_t size)
{
	struct dnscache_ent *e;

	if (c->count == c->nent)
		dnscache_evict(c);
	if (c->wpos + size > c->arena_size) {
		while (c->count && dnscache_oldest(c)->off >= c->wpos)
			dnscache_evict(c);
		c->wpos = 0;
	}
	while (c->count && (e = dnscache_oldest(c), e->off < c->wpos + size &&
			    c->wpos < (size_t)e->off + e->size))
		dnscache_evict(c);

	e = &c->ent[c->head];
	c->head = (c->head + 1) % c->nent;
	c->count++;
	e->off = (uint32_t)c->wpos;
	e->size = (uint32_t)size;
	c->wpos += size;
	return e;
}

/**
 * dnscache_init() - allocate an empty cache
 * @c:		the cache
 * @entries:	most responses kept, 1 to DNSCACHE_ENTRIES_MAX
 * @bytes:	storage for them, DNSCACHE_BYTES_MIN to DNSCACHE_BYTES_MAX
 *		(a response takes its length plus 2 bytes per record)
 *
 * Return: 0, -EINVAL for sizes out of range, -ENOMEM, or -errno from
 * getrandom()
 */
int dnscache_init(struct dnscache *c, size_t entries, size_t bytes)
{
	size_t nb = 1, i;
	int rc = 0;

	memset(c, 0, sizeof(*c));
	if (!entries || entries > DNSCACHE_ENTRIES_MAX ||
	    bytes < DNSCACHE_BYTES_MIN || bytes > DNSCACHE_BYTES_MAX)
		return -EINVAL;
	while (nb < entries)
		nb <<= 1;
	c->ent = calloc(entries, sizeof(*c->ent));
	c->bucket = malloc(nb * sizeof(*c->bucket));
	c->arena = malloc(bytes);
	if (!c->ent || !c->bucket || !c->arena) {
		rc = -ENOMEM;
		goto out;
	}
	if (getrandom(c->key, sizeof(c->key), 0) != sizeof(c->key)) {
		rc = errno ? -errno : -EIO;
		goto out;
	}
	for (i = 0; i < nb; i++)
		c->bucket[i] = -1;
	c->nent = (uint32_t)entries;
	c->mask = (uint32_t)(nb - 1);
	c->arena_size = bytes;
out:
	if (rc)
		dnscache_free(c);
	return rc;
}

/**
 * dnscache_free() - release the cache's memory
 * @c:		the cache, left empty and unusable until dnscache_init()
 */
void dnscache_free(struct dnscache *c)
{
	free(c->ent);
	free(c->bucket);
	free(c->arena);
	memset(c, 0, sizeof(*c));
}

/**
 * dnscache_insert() - store an upstream response to a client's query
 * @c:		the cache
 * @q:		the client's query (its question, DO and CD make the key)
 * @resp:	the response, already checked with dns_match()
 * @len:	its length
 * @now:	current time, seconds (CLOCK_MONOTONIC)
 *
 * A response already stored under the same key is replaced.
 *
 * Return: 0 if stored; -ENODATA if it is not a positive answer or its TTL
 * is 0; -EMSGSIZE if it is larger than DNSCACHE_MSG_MAX or the arena;
 * -EINVAL if it does not answer @q, @q is not a QUERY, or its OPT record
 * is not the last; -EBADMSG if it does not parse
 */
int dnscache_insert(struct dnscache *c, const struct dns_msg *q,
		    const void *resp, size_t len, uint64_t now)
{
	struct dnscache_ent *e, *old;
	struct dns_rr_iter it;
	size_t mlen, nttl = 0;
	struct dns_msg r;
	struct dns_rr rr;
	uint8_t *dst;
	uint32_t ttl, hash;
	int rc;

	rc = dns_parse(resp, len, &r);
	if (rc)
		return rc;
	if (DNS_OPCODE(q->flags) != DNS_OP_QUERY || r.qtype != q->qtype ||
	    r.qclass != q->qclass ||
	    !dns_name_equal(r.qname, r.qname_len, q->qname, q->qname_len))
		return -EINVAL;
	rc = dns_answer_ttl(resp, len, &r, &ttl);
	if (rc)
		return rc;
	if (!ttl)
		return -ENODATA;

	dns_rr_begin(&it, resp, len, &r);
	while ((rc = dns_rr_next(&it, &rr)) > 0) {
		if (rr.type != DNS_T_OPT)
			nttl++;
		else if (rr.end != r.end)
			return -EINVAL;
	}
	if (rc < 0)
		return rc;
	mlen = r.edns ? r.opt_off : r.end;
	if (mlen > DNSCACHE_MSG_MAX || mlen + 2 * nttl > c->arena_size)
		return -EMSGSIZE;

	hash = dnscache_hash(c, q);
	old = dnscache_find(c, q, hash);
	if (old)
		dnscache_unlink(c, old);
	e = dnscache_alloc(c, mlen + 2 * nttl);

	dst = c->arena + e->off;
	memcpy(dst, resp, mlen);
	if (r.edns)
		pkt_put_u16(dst + 10, (uint16_t)(r.arcount - 1));
	nttl = 0;
	dns_rr_begin(&it, resp, len, &r);
	while (dns_rr_next(&it, &rr) > 0) {
		uint16_t o = (uint16_t)rr.ttl_off;

		if (rr.type == DNS_T_OPT)
			continue;
		pkt_put_u32(dst + o, dns_ttl_left(rr.ttl, 0));
		memcpy(dst + mlen + 2 * nttl++, &o, sizeof(o));
	}

	e->added = now;
	e->expires = now + (ttl < DNSCACHE_TTL_MAX ? ttl : DNSCACHE_TTL_MAX);
	e->hash = hash;
	e->len = (uint16_t)mlen;
	e->nttl = (uint16_t)nttl;
	e->qtype = q->qtype;
	e->qclass = q->qclass;
	e->qname_len = (uint8_t)q->qname_len;
	e->bits = dnscache_bits(q);
	e->live = 1;
	e->next = c->bucket[hash & c->mask];
	c->bucket[hash & c->mask] = (int32_t)(e - c->ent);
	c->st.inserts++;
	c->st.entries++;
	c->st.bytes += e->size;
	return 0;
}

/**
 * dnscache_lookup() - answer a client's query from the cache
 * @c:		the cache
 * @q:		the client's query, parsed
 * @now:	current time, seconds (CLOCK_MONOTONIC)
 * @out:	buffer for the reply
 * @outlen:	the most to write: dns_reply_max() for the client's transport
 *
 * Return: length of the reply in @out (which may be a TC reply if the
 * answer does not fit @outlen), -ENOENT on a miss, -EMSGSIZE if not even a
 * TC reply fits
 */
int dnscache_lookup(struct dnscache *c, const struct dns_msg *q,
		    uint64_t now, void *out, size_t outlen)
{
	uint64_t elapsed;
	struct dnscache_ent *e;
	const uint8_t *src;
	uint8_t *dst = out;
	uint16_t flags, i;

	e = dnscache_find(c, q, dnscache_hash(c, q));
	if (e && now >= e->expires) {
		dnscache_unlink(c, e);
		c->st.expired++;
		e = NULL;
	}
	if (!e) {
		c->st.misses++;
		return -ENOENT;
	}
	c->st.hits++;

	src = c->arena + e->off;
	flags = DNS_F_RA;
	if (q->flags & DNS_F_AD || (q->edns && q->edns_flags & DNS_EDNS_DO))
		flags |= pkt_get_u16(src + 2) & DNS_F_AD;
	if ((size_t)e->len + (q->edns ? DNS_OPT_LEN : 0) > outlen)
		return dns_reply(q, DNS_R_NOERROR, flags | DNS_F_TC, NULL, 0,
				 out, outlen);

	memcpy(dst, src, e->len);
	memcpy(dst + DNS_HDR_LEN, q->qname, q->qname_len);
	pkt_put_u16(dst, q->id);
	pkt_put_u16(dst + 2, (uint16_t)(DNS_F_QR | flags |
					 (q->flags & (DNS_F_RD | DNS_F_CD))));
	elapsed = now > e->added ? now - e->added : 0;
	for (i = 0; i < e->nttl; i++) {
		uint16_t o;

		memcpy(&o, src + e->len + 2 * i, sizeof(o));
		pkt_put_u32(dst + o, dns_ttl_left(pkt_get_u32(dst + o),
						  elapsed));
	}
	if (q->edns)
		return dns_add_opt(out, e->len, outlen, q);
	return e->len;
}

/**
 * dnscache_purge() - drop every entry whose time is up
 * @c:		the cache
 * @now:	current time, seconds
 *
 * Lookups drop expired entries they meet anyway; this keeps the entry
 * count in status output honest.  It walks every slot.
 */
void dnscache_purge(struct dnscache *c, uint64_t now)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		if (c->ent[i].live && now >= c->ent[i].expires) {
			dnscache_unlink(c, &c->ent[i]);
			c->st.expired++;
		}
}

/**
 * dnscache_flush() - drop every entry (say, when the upstreams change)
 * @c:		the cache; the counters other than entries and bytes stay
 */
void dnscache_flush(struct dnscache *c)
{
	uint32_t i;

	for (i = 0; i < c->nent; i++)
		c->ent[i].live = 0;
	for (i = 0; i <= c->mask; i++)
		c->bucket[i] = -1;
	c->head = 0;
	c->count = 0;
	c->wpos = 0;
	c->st.entries = 0;
	c->st.bytes = 0;
}

/**
 * dnscache_stats() - read the counters
 * @c:		the cache
 * @st:		filled with a copy
 */
void dnscache_stats(const struct dnscache *c, struct dnscache_stats *st)
{
	*st = c->st;
}
