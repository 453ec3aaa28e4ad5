/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * pkt.h - bounds-checked reading and writing of wire data
 *
 * Theory of operation
 *
 * Every header that comes from the wire is read through a struct pkt_rd,
 * a cursor over a buffer that never moves past its end: a read that would
 * cross it fails, returns 0 or leaves the output untouched, and marks the
 * cursor as failed.  A parser can therefore read a whole header and check
 * pkt_rd_ok() once at the end, instead of checking every field, without any
 * chance of reading out of bounds.  struct pkt_wr is the same for building
 * replies into a caller's buffer.  Numbers are big-endian (network order).
 *
 * Nothing here allocates; the functions are inline, so a parser compiles
 * to plain loads with one length check each.
 */
#ifndef TAPIR_PKT_H
#define TAPIR_PKT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/**
 * struct pkt_rd - read cursor
 * @p:		start of the buffer
 * @len:	length of the buffer
 * @off:	next byte to read
 * @bad:	set once a read went past the end
 */
struct pkt_rd {
	const uint8_t *p;
	size_t len;
	size_t off;
	int bad;
};

/**
 * struct pkt_wr - write cursor
 * @p:		start of the buffer
 * @len:	size of the buffer
 * @off:	next byte to write, and so the length written
 * @bad:	set once a write would have gone past the end
 */
struct pkt_wr {
	uint8_t *p;
	size_t len;
	size_t off;
	int bad;
};

static inline void pkt_rd_init(struct pkt_rd *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->off = 0;
	r->bad = 0;
}

/* Bytes left to read. */
static inline size_t pkt_rd_left(const struct pkt_rd *r)
{
	return r->bad ? 0 : r->len - r->off;
}

/* Non-zero if no read failed. */
static inline int pkt_rd_ok(const struct pkt_rd *r)
{
	return !r->bad;
}

/*
 * pkt_rd_ptr() - take n bytes and return a pointer to them, or NULL (and
 * mark the cursor) if fewer are left
 */
static inline const uint8_t *pkt_rd_ptr(struct pkt_rd *r, size_t n)
{
	const uint8_t *q;

	if (r->bad || n > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	q = r->p + r->off;
	r->off += n;
	return q;
}

static inline uint8_t pkt_rd_u8(struct pkt_rd *r)
{
	const uint8_t *q = pkt_rd_ptr(r, 1);

	return q ? q[0] : 0;
}

static inline uint16_t pkt_rd_u16(struct pkt_rd *r)
{
	const uint8_t *q = pkt_rd_ptr(r, 2);

	return q ? (uint16_t)(q[0] << 8 | q[1]) : 0;
}

static inline uint32_t pkt_rd_u32(struct pkt_rd *r)
{
	const uint8_t *q = pkt_rd_ptr(r, 4);

	return q ? (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
		   (uint32_t)q[2] << 8 | q[3] : 0;
}

/* Copy n bytes out; on failure the output is zeroed. */
static inline void pkt_rd_copy(struct pkt_rd *r, void *out, size_t n)
{
	const uint8_t *q = pkt_rd_ptr(r, n);

	if (q)
		memcpy(out, q, n);
	else
		memset(out, 0, n);
}

/* Skip n bytes. */
static inline void pkt_rd_skip(struct pkt_rd *r, size_t n)
{
	(void)pkt_rd_ptr(r, n);
}

/* Move to an absolute offset inside the buffer (for compression pointers). */
static inline void pkt_rd_seek(struct pkt_rd *r, size_t off)
{
	if (r->bad || off > r->len)
		r->bad = 1;
	else
		r->off = off;
}

static inline void pkt_wr_init(struct pkt_wr *w, void *p, size_t len)
{
	w->p = p;
	w->len = len;
	w->off = 0;
	w->bad = 0;
}

static inline int pkt_wr_ok(const struct pkt_wr *w)
{
	return !w->bad;
}

/*
 * pkt_wr_ptr() - reserve n bytes and return a pointer to them, or NULL
 * (and mark the cursor) if they do not fit
 */
static inline uint8_t *pkt_wr_ptr(struct pkt_wr *w, size_t n)
{
	uint8_t *q;

	if (w->bad || n > w->len - w->off) {
		w->bad = 1;
		return NULL;
	}
	q = w->p + w->off;
	w->off += n;
	return q;
}

static inline void pkt_wr_u8(struct pkt_wr *w, uint8_t v)
{
	uint8_t *q = pkt_wr_ptr(w, 1);

	if (q)
		q[0] = v;
}

static inline void pkt_wr_u16(struct pkt_wr *w, uint16_t v)
{
	uint8_t *q = pkt_wr_ptr(w, 2);

	if (q) {
		q[0] = (uint8_t)(v >> 8);
		q[1] = (uint8_t)v;
	}
}

static inline void pkt_wr_u32(struct pkt_wr *w, uint32_t v)
{
	uint8_t *q = pkt_wr_ptr(w, 4);

	if (q) {
		q[0] = (uint8_t)(v >> 24);
		q[1] = (uint8_t)(v >> 16);
		q[2] = (uint8_t)(v >> 8);
		q[3] = (uint8_t)v;
	}
}

static inline void pkt_wr_bytes(struct pkt_wr *w, const void *src, size_t n)
{
	uint8_t *q = pkt_wr_ptr(w, n);

	if (q)
		memcpy(q, src, n);
}

/* Store big-endian numbers at a position already reserved. */
static inline void pkt_put_u16(uint8_t *q, uint16_t v)
{
	q[0] = (uint8_t)(v >> 8);
	q[1] = (uint8_t)v;
}

static inline void pkt_put_u32(uint8_t *q, uint32_t v)
{
	q[0] = (uint8_t)(v >> 24);
	q[1] = (uint8_t)(v >> 16);
	q[2] = (uint8_t)(v >> 8);
	q[3] = (uint8_t)v;
}

static inline uint16_t pkt_get_u16(const uint8_t *q)
{
	return (uint16_t)(q[0] << 8 | q[1]);
}

static inline uint32_t pkt_get_u32(const uint8_t *q)
{
	return (uint32_t)q[0] << 24 | (uint32_t)q[1] << 16 |
	       (uint32_t)q[2] << 8 | q[3];
}

#endif /* TAPIR_PKT_H */
