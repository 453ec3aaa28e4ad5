// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dns.c - DNS messages (RFC 1035), with the basics of EDNS0 (RFC 6891)
 *
 * Theory of operation
 *
 * This file knows the wire format and nothing else: no sockets, no clock,
 * no allocation.  The DNS forwarder, the local resolver (dnslocal.c) and
 * the answer cache (dnscache.c) are built on it, and so is the user-mode
 * backend's DNS later; dns.h shows how the service glues them together.
 *
 * Parsing.  dns_parse() reads a whole message through the bounds-checked
 * cursor of pkt.h: the header, exactly one question, then every record of
 * the three other sections, which are checked and skipped, and the OPT
 * record if there is one (at most one, in the additional section, owned by
 * the root).  A message that is not exactly right up to its last record is
 * -EBADMSG; bytes after the last record are ignored, as most servers do.
 *
 * Names.  dns_name_read() decompresses a name into 255 bytes.  A label is
 * at most 63 bytes, the name at most 255 with its root label, the label
 * types 01 and 10 (extended labels, deprecated by RFC 6891) are refused,
 * and a compression pointer must point before the start of the piece of
 * name being read, and not into the header; what is read after the jump
 * must also end before that start.  That is RFC 1035's "prior occurrence":
 * the name pointed to was written, whole, before the one pointing to it,
 * and real encoders never produce anything else.  Each jump moves strictly
 * backwards, so no loop can last, and every byte of every name lies inside
 * the records parsed: copying a message up to its last record (as the
 * cache does) keeps all its names.  The question's name, first in the
 * message, can never be compressed, so the question always sits verbatim
 * at offset 12 - which the cache relies on too.
 *
 * Names are compared case-insensitively by lowering ASCII letters in the
 * wire form: length bytes are at most 63, below 'A', so they never change.
 *
 * Building.  dns_reply() writes a reply to a parsed query: the ID, opcode,
 * RD and CD bits of the query, QR, the caller's AA/RA/AD/TC bits, the
 * question as the client wrote it (case included: 0x20 randomisation), the
 * answers, each owned by a compression pointer to the question name, and
 * an OPT record if the query had one (our UDP size, the DO bit echoed, the
 * upper bits of an extended rcode such as BADVERS).  If the answers do not
 * fit in the space given - which the caller sets from the transport with
 * dns_reply_max(): 512 bytes, or the client's EDNS size up to 1232, over
 * UDP; 65535 over TCP - the reply is the question alone with TC set, and
 * the client retries over TCP.  dns_reply_hdr() answers messages whose
 * question cannot be parsed: FORMERR or NOTIMP with the header alone.
 *
 * Forwarding.  The forwarder sends the client's own bytes upstream with a
 * fresh random ID (dns_set_id()); dns_match() accepts only a response with
 * that ID, QR set, the same opcode and the same question (name compared
 * without case); dns_answer_ttl() says whether a response is a positive
 * answer and for how long it may be cached; dns_ttl_patch() ages a stored
 * response; dns_truncate() cuts a response down to a client's size.
 *
 * TTLs with the top bit set are read as 0 (RFC 2181 section 8).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "dns.h"
#include "pkt.h"

/* Compression pointer to the question name, at offset 12. */
#define DNS_PTR_QNAME		(0xc000 | DNS_HDR_LEN)

/**
 * dns_lower() - ASCII lowercase, leaving every other byte alone
 * @c:		byte
 *
 * Return: @c, lowered if it is 'A' to 'Z'
 */
static inline uint8_t dns_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
}

/**
 * dns_name_read() - read a name, following compression pointers
 * @msg:	the message
 * @len:	its length
 * @off:	offset of the name
 * @out:	DNS_NAME_MAX bytes for the name in uncompressed wire form
 * @outlen:	length written to @out, root label included
 *
 * Return: offset just past the name where it was found (after the first
 * pointer, if any), or -EBADMSG
 */
static int dns_name_read(const uint8_t *msg, size_t len, size_t off,
			 uint8_t *out, size_t *outlen)
{
	size_t n = 0, seg = off;
	struct pkt_rd r;
	int next = -1;

	pkt_rd_init(&r, msg, len);
	pkt_rd_seek(&r, off);
	for (;;) {
		uint8_t c = pkt_rd_u8(&r);
		size_t ptr;

		if (!pkt_rd_ok(&r))
			return -EBADMSG;
		if ((c & 0xc0) == 0xc0) {
			ptr = (size_t)(c & 0x3f) << 8 | pkt_rd_u8(&r);
			if (!pkt_rd_ok(&r))
				return -EBADMSG;
			if (next < 0)
				next = (int)r.off;
			/* strictly backwards, to a name ending before ours */
			if (ptr < DNS_HDR_LEN || ptr >= seg)
				return -EBADMSG;
			pkt_rd_init(&r, msg, seg);
			pkt_rd_seek(&r, ptr);
			seg = ptr;
			continue;
		}
		if (c & 0xc0 || n + 1 + c > DNS_NAME_MAX)
			return -EBADMSG;
		out[n++] = c;
		if (!c)
			break;
		pkt_rd_copy(&r, out + n, c);
		if (!pkt_rd_ok(&r))
			return -EBADMSG;
		n += c;
	}
	*outlen = n;
	return next < 0 ? (int)r.off : next;
}

/**
 * dns_rr_begin() - start walking the records after a parsed question
 * @it:		iterator to set up
 * @msg:	the message
 * @len:	its length
 * @m:		the message's header and question, from dns_parse()
 */
void dns_rr_begin(struct dns_rr_iter *it, const void *msg, size_t len,
		  const struct dns_msg *m)
{
	it->msg = msg;
	it->len = len;
	it->off = m->qend;
	it->left[DNS_SEC_AN] = m->ancount;
	it->left[DNS_SEC_NS] = m->nscount;
	it->left[DNS_SEC_AR] = m->arcount;
	it->section = DNS_SEC_AN;
}

/**
 * dns_rr_next() - read the next resource record
 * @it:		iterator from dns_rr_begin()
 * @rr:		the record, when one is returned
 *
 * Return: 1 for a record, 0 after the last one, -EBADMSG if the message
 * ends early or a name is malformed
 */
int dns_rr_next(struct dns_rr_iter *it, struct dns_rr *rr)
{
	struct pkt_rd r;
	int off;

	while (it->section <= DNS_SEC_AR && !it->left[it->section])
		it->section++;
	if (it->section > DNS_SEC_AR)
		return 0;

	off = dns_name_read(it->msg, it->len, it->off, rr->name,
			    &rr->name_len);
	if (off < 0)
		return off;
	pkt_rd_init(&r, it->msg, it->len);
	pkt_rd_seek(&r, (size_t)off);
	rr->section = it->section;
	rr->off = it->off;
	rr->type = pkt_rd_u16(&r);
	rr->rclass = pkt_rd_u16(&r);
	rr->ttl_off = r.off;
	rr->ttl = pkt_rd_u32(&r);
	rr->rdlen = pkt_rd_u16(&r);
	rr->rdata_off = r.off;
	pkt_rd_skip(&r, rr->rdlen);
	if (!pkt_rd_ok(&r))
		return -EBADMSG;
	rr->end = it->off = r.off;
	it->left[it->section]--;
	return 1;
}

/**
 * dns_parse() - parse and check a whole message
 * @msg:	the message
 * @len:	its length
 * @m:		filled with the header, the question and the EDNS values
 *
 * Return: 0, or -EBADMSG if the message is malformed: shorter than a
 * header, not exactly one question, a bad name, a record cut short, an OPT
 * record twice, outside the additional section or not owned by the root
 */
int dns_parse(const void *msg, size_t len, struct dns_msg *m)
{
	struct dns_rr_iter it;
	struct pkt_rd r;
	struct dns_rr rr;
	int rc;

	if (len > DNS_MSG_MAX)
		return -EBADMSG;
	pkt_rd_init(&r, msg, len);
	m->id = pkt_rd_u16(&r);
	m->flags = pkt_rd_u16(&r);
	m->qdcount = pkt_rd_u16(&r);
	m->ancount = pkt_rd_u16(&r);
	m->nscount = pkt_rd_u16(&r);
	m->arcount = pkt_rd_u16(&r);
	if (!pkt_rd_ok(&r) || m->qdcount != 1)
		return -EBADMSG;

	rc = dns_name_read(msg, len, DNS_HDR_LEN, m->qname, &m->qname_len);
	if (rc < 0)
		return rc;
	pkt_rd_seek(&r, (size_t)rc);
	m->qtype = pkt_rd_u16(&r);
	m->qclass = pkt_rd_u16(&r);
	if (!pkt_rd_ok(&r))
		return -EBADMSG;
	m->qend = r.off;

	m->opt_off = 0;
	m->edns = 0;
	m->edns_size = 0;
	m->edns_rcode = 0;
	m->edns_version = 0;
	m->edns_flags = 0;
	dns_rr_begin(&it, msg, len, m);
	while ((rc = dns_rr_next(&it, &rr)) > 0) {
		if (rr.type != DNS_T_OPT)
			continue;
		if (rr.section != DNS_SEC_AR || m->edns || rr.name_len != 1)
			return -EBADMSG;
		m->edns = 1;
		m->opt_off = rr.off;
		m->edns_size = rr.rclass;
		m->edns_rcode = (uint8_t)(rr.ttl >> 24);
		m->edns_version = (uint8_t)(rr.ttl >> 16);
		m->edns_flags = (uint16_t)rr.ttl;
	}
	if (rc < 0)
		return rc;
	m->end = it.off;
	return 0;
}

/**
 * dns_reply_max() - largest reply a client takes over its transport
 * @q:		the client's query
 * @tcp:	non-zero if it came over TCP
 * @bufsize:	size of the caller's reply buffer
 *
 * Over UDP that is 512 bytes, or the client's EDNS payload size capped at
 * DNS_EDNS_SIZE (1232: no fragmentation on any sane path); over TCP 65535.
 *
 * Return: that size, or @bufsize if smaller
 */
size_t dns_reply_max(const struct dns_msg *q, int tcp, size_t bufsize)
{
	size_t lim = DNS_UDP_MAX;

	if (tcp)
		lim = DNS_MSG_MAX;
	else if (q->edns && q->edns_size > DNS_UDP_MAX)
		lim = q->edns_size < DNS_EDNS_SIZE ? q->edns_size :
						     DNS_EDNS_SIZE;
	return lim < bufsize ? lim : bufsize;
}

/**
 * dns_put_hdr() - write a header
 * @w:		write cursor at offset 0
 * @id:		message ID
 * @flags:	flags, opcode and rcode
 * @qd:		question count
 * @an:		answer count
 * @ar:		additional count (there is never an authority section)
 */
static void dns_put_hdr(struct pkt_wr *w, uint16_t id, uint16_t flags,
			uint16_t qd, uint16_t an, uint16_t ar)
{
	pkt_wr_u16(w, id);
	pkt_wr_u16(w, flags);
	pkt_wr_u16(w, qd);
	pkt_wr_u16(w, an);
	pkt_wr_u16(w, 0);
	pkt_wr_u16(w, ar);
}

/**
 * dns_put_opt() - write an OPT record without options
 * @w:		write cursor
 * @ext_rcode:	upper 8 bits of the rcode
 * @flags:	EDNS flags (DNS_EDNS_DO)
 *
 * The UDP size is always ours, DNS_EDNS_SIZE, and the version 0.
 */
static void dns_put_opt(struct pkt_wr *w, uint8_t ext_rcode, uint16_t flags)
{
	pkt_wr_u8(w, 0);
	pkt_wr_u16(w, DNS_T_OPT);
	pkt_wr_u16(w, DNS_EDNS_SIZE);
	pkt_wr_u8(w, ext_rcode);
	pkt_wr_u8(w, 0);
	pkt_wr_u16(w, flags);
	pkt_wr_u16(w, 0);
}

/**
 * dns_add_opt() - append our OPT record to a message that has none
 * @msg:	the message
 * @len:	its length
 * @outlen:	size of the buffer holding it
 * @q:		the query answered, whose DO bit is echoed
 *
 * The additional count goes up by one.
 *
 * Return: the new length, or -EMSGSIZE if it does not fit
 */
int dns_add_opt(void *msg, size_t len, size_t outlen, const struct dns_msg *q)
{
	struct pkt_wr w;

	if (len < DNS_HDR_LEN || len > outlen)
		return -EMSGSIZE;
	pkt_wr_init(&w, msg, outlen);
	w.off = len;
	dns_put_opt(&w, 0, q->edns_flags & DNS_EDNS_DO);
	if (!pkt_wr_ok(&w))
		return -EMSGSIZE;
	pkt_put_u16(w.p + 10, (uint16_t)(pkt_get_u16(w.p + 10) + 1));
	return (int)w.off;
}

/**
 * dns_build() - write a reply: header, question, answers, OPT
 * @q:		parsed message whose ID, question and EDNS values are used
 * @flags:	complete header flags, rcode included
 * @ext_rcode:	upper 8 bits of the rcode, for the OPT record
 * @an:		answers, owned by the question name
 * @nan:	number of answers
 * @out:	buffer
 * @outlen:	its size, which is also the most that may be written
 *
 * Return: length written, or -EMSGSIZE if it does not fit
 */
static int dns_build(const struct dns_msg *q, uint16_t flags,
		     uint8_t ext_rcode, const struct dns_answer *an,
		     size_t nan, void *out, size_t outlen)
{
	struct pkt_wr w;
	size_t i;

	pkt_wr_init(&w, out, outlen);
	dns_put_hdr(&w, q->id, flags, 1, (uint16_t)nan, q->edns ? 1 : 0);
	pkt_wr_bytes(&w, q->qname, q->qname_len);
	pkt_wr_u16(&w, q->qtype);
	pkt_wr_u16(&w, q->qclass);
	for (i = 0; i < nan; i++) {
		pkt_wr_u16(&w, DNS_PTR_QNAME);
		pkt_wr_u16(&w, an[i].type);
		pkt_wr_u16(&w, DNS_C_IN);
		pkt_wr_u32(&w, an[i].ttl);
		pkt_wr_u16(&w, an[i].rdlen);
		pkt_wr_bytes(&w, an[i].rdata, an[i].rdlen);
	}
	if (q->edns)
		dns_put_opt(&w, ext_rcode, q->edns_flags & DNS_EDNS_DO);
	return pkt_wr_ok(&w) ? (int)w.off : -EMSGSIZE;
}

/**
 * dns_reply() - build a reply to a parsed query
 * @q:		the query
 * @rcode:	DNS_R_*; above 15 (DNS_R_BADVERS) only if @q has EDNS
 * @flags:	any of DNS_F_AA, DNS_F_RA, DNS_F_AD and DNS_F_TC to set
 * @an:		answers (owned by the question name, class IN), may be NULL
 * @nan:	number of answers
 * @out:	buffer for the reply
 * @outlen:	the most to write: dns_reply_max() for the transport
 *
 * QR is set; the ID, opcode, RD and CD come from the query; the question is
 * copied as the client wrote it; an OPT record is added if the query had
 * one.  If the answers do not fit, the reply carries the question alone
 * and TC.  No answers and DNS_R_NOERROR is NODATA.
 *
 * Return: length of the reply, -EMSGSIZE if not even the question fits,
 * -EINVAL for a bad rcode
 */
int dns_reply(const struct dns_msg *q, int rcode, uint16_t flags,
	      const struct dns_answer *an, size_t nan, void *out,
	      size_t outlen)
{
	uint16_t hflags;
	int rc;

	if (rcode < 0 || rcode > 0xfff || (rcode > 15 && !q->edns) ||
	    nan > 0xffff)
		return -EINVAL;
	hflags = DNS_F_QR |
		 (q->flags & (DNS_F_OPCODE | DNS_F_RD | DNS_F_CD)) |
		 (flags & (DNS_F_AA | DNS_F_TC | DNS_F_RA | DNS_F_AD)) |
		 (rcode & DNS_F_RCODE);
	rc = dns_build(q, hflags, (uint8_t)(rcode >> 4), an, nan, out, outlen);
	if (rc == -EMSGSIZE && nan)
		rc = dns_build(q, hflags | DNS_F_TC, (uint8_t)(rcode >> 4),
			       NULL, 0, out, outlen);
	return rc;
}

/**
 * dns_reply_hdr() - a header-only reply, for a query that cannot be parsed
 * @query:	the query as received
 * @qlen:	its length
 * @rcode:	DNS_R_FORMERR or DNS_R_NOTIMP, typically (at most 15)
 * @out:	buffer for the reply
 * @outlen:	its size
 *
 * The reply has the query's ID, opcode, RD and CD bits, QR, @rcode and no
 * records at all (RFC 1035 allows a FORMERR without the question).
 *
 * Return: DNS_HDR_LEN, -EBADMSG if @query is shorter than a header,
 * -EMSGSIZE if @outlen is, -EINVAL for a bad rcode
 */
int dns_reply_hdr(const void *query, size_t qlen, int rcode, void *out,
		  size_t outlen)
{
	struct pkt_rd r;
	struct pkt_wr w;
	uint16_t id, flags;

	if (rcode < 0 || rcode > 15)
		return -EINVAL;
	pkt_rd_init(&r, query, qlen);
	id = pkt_rd_u16(&r);
	flags = pkt_rd_u16(&r);
	pkt_rd_skip(&r, DNS_HDR_LEN - 4);
	if (!pkt_rd_ok(&r))
		return -EBADMSG;
	pkt_wr_init(&w, out, outlen);
	dns_put_hdr(&w, id, (uint16_t)(DNS_F_QR | (uint16_t)rcode |
		    (flags & (DNS_F_OPCODE | DNS_F_RD | DNS_F_CD))), 0, 0, 0);
	return pkt_wr_ok(&w) ? DNS_HDR_LEN : -EMSGSIZE;
}

/**
 * dns_truncate() - cut a message down to a size limit, setting TC
 * @msg:	the message, rewritten in place
 * @len:	its length
 * @limit:	most bytes the receiver takes (dns_reply_max())
 *
 * A message that fits is left alone.  One that does not keeps its header
 * (with TC set), its question and, if it had one, an OPT record with our
 * UDP size, its DO bit and its extended rcode; every other record goes.
 *
 * Return: the new length, -EBADMSG if the message cannot be parsed,
 * -EMSGSIZE if not even the question fits
 */
int dns_truncate(void *msg, size_t len, size_t limit)
{
	struct dns_msg m;
	int rc;

	if (len > DNS_MSG_MAX)
		return -EBADMSG;
	if (len <= limit)
		return (int)len;
	rc = dns_parse(msg, len, &m);
	if (rc)
		return rc;
	return dns_build(&m, m.flags | DNS_F_TC, m.edns_rcode, NULL, 0, msg,
			 limit);
}

/**
 * dns_get_id() - read a message's ID
 * @msg:	the message
 * @len:	its length
 *
 * Return: the ID (0 to 65535), or -EBADMSG if @len is below a header
 */
int dns_get_id(const void *msg, size_t len)
{
	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	return pkt_get_u16(msg);
}

/**
 * dns_set_id() - rewrite a message's ID
 * @msg:	the message
 * @len:	its length
 * @id:		new ID
 *
 * Return: 0, or -EBADMSG if @len is below a header
 */
int dns_set_id(void *msg, size_t len, uint16_t id)
{
	if (len < DNS_HDR_LEN)
		return -EBADMSG;
	pkt_put_u16(msg, id);
	return 0;
}

/**
 * dns_match() - check that an upstream response answers our query
 * @q:		the query we sent
 * @id:		the ID we sent it with
 * @resp:	the response
 * @len:	its length
 * @r:		filled with the parsed response
 *
 * Return: 0 if @resp parses, has ID @id, QR, the query's opcode and its
 * question (name compared without case); -EBADMSG if it does not parse,
 * -EPROTO if it answers something else
 */
int dns_match(const struct dns_msg *q, uint16_t id, const void *resp,
	      size_t len, struct dns_msg *r)
{
	int rc = dns_parse(resp, len, r);

	if (rc)
		return rc;
	if (r->id != id || !(r->flags & DNS_F_QR) ||
	    DNS_OPCODE(r->flags) != DNS_OPCODE(q->flags) ||
	    r->qtype != q->qtype || r->qclass != q->qclass ||
	    !dns_name_equal(r->qname, r->qname_len, q->qname, q->qname_len))
		return -EPROTO;
	return 0;
}

/**
 * dns_ttl_left() - what is left of a TTL after some time
 * @ttl:	TTL as stored; with the top bit set it counts as 0
 * @elapsed:	seconds since it was stored
 *
 * Return: the remaining TTL, 0 at the least
 */
uint32_t dns_ttl_left(uint32_t ttl, uint64_t elapsed)
{
	if (ttl > INT32_MAX || ttl <= elapsed)
		return 0;
	return (uint32_t)(ttl - elapsed);
}

/**
 * dns_answer_ttl() - tell whether a response is positive, and its TTL
 * @msg:	the response
 * @len:	its length
 * @r:		the response parsed (dns_match() or dns_parse())
 * @ttl:	set to the lowest TTL of the answer records
 *
 * A positive answer is a response with rcode 0 (extended rcode too), no
 * TC, and at least one answer record owned by the question name, of the
 * question's class, and of its type, of CNAME, or any type for ANY.
 *
 * Return: 0, -ENODATA if the response is not a positive answer, -EBADMSG
 */
int dns_answer_ttl(const void *msg, size_t len, const struct dns_msg *r,
		   uint32_t *ttl)
{
	uint32_t min = UINT32_MAX;
	struct dns_rr_iter it;
	struct dns_rr rr;
	int rc, found = 0;

	if ((r->flags & (DNS_F_QR | DNS_F_TC | DNS_F_RCODE)) != DNS_F_QR ||
	    r->edns_rcode || !r->ancount)
		return -ENODATA;
	dns_rr_begin(&it, msg, len, r);
	while ((rc = dns_rr_next(&it, &rr)) > 0 && rr.section == DNS_SEC_AN) {
		uint32_t t = dns_ttl_left(rr.ttl, 0);

		if (t < min)
			min = t;
		if (rr.rclass == r->qclass &&
		    (rr.type == r->qtype || rr.type == DNS_T_CNAME ||
		     r->qtype == DNS_T_ANY) &&
		    dns_name_equal(rr.name, rr.name_len, r->qname,
				   r->qname_len))
			found = 1;
	}
	if (rc < 0)
		return rc;
	if (!found)
		return -ENODATA;
	*ttl = min;
	return 0;
}

/**
 * dns_ttl_patch() - age every TTL in a message
 * @msg:	the message, rewritten in place
 * @len:	its length
 * @elapsed:	seconds to take off each TTL (down to 0)
 *
 * The OPT record's TTL field holds flags, not a TTL, and is left alone.
 * Once dns_parse() has checked the message, the records are walked by
 * their names' bytes in place, without following pointers: a name that
 * points into an earlier TTL (hostile, but bounded) may read differently
 * once that TTL changes, and must not stop the walk halfway.
 *
 * Return: 0, or -EBADMSG
 */
int dns_ttl_patch(void *msg, size_t len, uint64_t elapsed)
{
	uint8_t *p = msg;
	struct dns_msg m;
	size_t off, n;
	int rc;

	rc = dns_parse(msg, len, &m);
	if (rc)
		return rc;
	off = m.qend;
	for (n = (size_t)m.ancount + m.nscount + m.arcount; n; n--) {
		while (p[off] && (p[off] & 0xc0) != 0xc0)
			off += 1 + (size_t)p[off];
		off += p[off] ? 2 : 1;
		if (pkt_get_u16(p + off) != DNS_T_OPT)
			pkt_put_u32(p + off + 4,
				    dns_ttl_left(pkt_get_u32(p + off + 4),
						 elapsed));
		off += 10 + (size_t)pkt_get_u16(p + off + 8);
	}
	return 0;
}

/**
 * dns_name_equal() - compare two wire names without regard to case
 * @a:		first name
 * @alen:	its length
 * @b:		second name
 * @blen:	its length
 *
 * Return: 1 if equal, 0 if not
 */
int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
		   size_t blen)
{
	size_t i;

	if (alen != blen)
		return 0;
	for (i = 0; i < alen; i++)
		if (dns_lower(a[i]) != dns_lower(b[i]))
			return 0;
	return 1;
}

/**
 * dns_name_from_text() - dotted text to wire form
 * @text:	"host.example" or "host.example."; "." is the root
 * @out:	buffer for the wire name
 * @outlen:	its size
 *
 * No escapes: every byte but '.' goes into a label as it is.
 *
 * Return: length of the wire name, -EINVAL for an empty name or label or
 * a label over 63 bytes, -ENAMETOOLONG over 255 bytes, -ENOSPC if @outlen
 * is too small
 */
int dns_name_from_text(const char *text, uint8_t *out, size_t outlen)
{
	const char *p = text;
	size_t n = 0;

	if (!*text)
		return -EINVAL;
	if (!strcmp(text, "."))
		p++;
	while (*p) {
		size_t l = strcspn(p, ".");

		if (!l || l > DNS_LABEL_MAX)
			return -EINVAL;
		if (n + 1 + l + 1 > DNS_NAME_MAX)
			return -ENAMETOOLONG;
		if (n + 1 + l + 1 > outlen)
			return -ENOSPC;
		out[n++] = (uint8_t)l;
		memcpy(out + n, p, l);
		n += l;
		p += l;
		if (*p)
			p++;
	}
	if (n + 1 > outlen)
		return -ENOSPC;
	out[n++] = 0;
	return (int)n;
}

/**
 * dns_text_put() - append to a text buffer, keeping room for the NUL
 * @out:	buffer
 * @outlen:	its size
 * @o:		current length, advanced
 * @s:		bytes to append
 * @n:		how many
 *
 * Return: 0, or -ENOSPC
 */
static int dns_text_put(char *out, size_t outlen, size_t *o, const char *s,
			size_t n)
{
	if (*o + n + 1 > outlen)
		return -ENOSPC;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
	return 0;
}

/**
 * dns_name_to_text() - wire form to dotted text, for logs and status
 * @name:	wire name, uncompressed
 * @len:	its length
 * @out:	buffer, DNS_NAME_TEXT_MAX is always enough
 * @outlen:	its size
 *
 * The root is "."; other names have no trailing dot.  Bytes outside '!' to
 * '~', and '.' and '\' inside labels, are written as \DDD (RFC 1035).
 *
 * Return: length of the text, -EINVAL for a malformed name, -ENOSPC
 */
int dns_name_to_text(const uint8_t *name, size_t len, char *out,
		     size_t outlen)
{
	size_t i = 0, o = 0;

	if (!outlen)
		return -ENOSPC;
	out[0] = '\0';
	if (len == 1 && !name[0])
		return dns_text_put(out, outlen, &o, ".", 1) ? -ENOSPC : 1;
	while (i < len) {
		size_t l = name[i++], j;

		if (!l)
			return i == len ? (int)o : -EINVAL;
		if (l > DNS_LABEL_MAX || i + l > len)
			return -EINVAL;
		if (o && dns_text_put(out, outlen, &o, ".", 1))
			return -ENOSPC;
		for (j = 0; j < l; j++) {
			uint8_t c = name[i + j];
			char esc[5];
			int rc;

			if (c > ' ' && c < 0x7f && c != '.' && c != '\\') {
				rc = dns_text_put(out, outlen, &o,
						  (const char *)&c, 1);
			} else {
				snprintf(esc, sizeof(esc), "\\%03u", c);
				rc = dns_text_put(out, outlen, &o, esc, 4);
			}
			if (rc)
				return rc;
		}
		i += l;
	}
	return -EINVAL;
}

/**
 * dns_name_put() - append a dotted name, in wire form, to a reply
 * @w:		cursor
 * @text:	"host.example" or "host.example."
 *
 * For lists of names in DHCPv6 (option 24) and router advertisements
 * (DNSSL).  The root name is not taken: it names no domain to search.
 *
 * Return: 0, or -errno with nothing written: see dns_name_from_text();
 * -EINVAL also for the root name, -ENOSPC if @w has no room for it
 */
int dns_name_put(struct pkt_wr *w, const char *text)
{
	uint8_t name[DNS_NAME_MAX];
	int n = dns_name_from_text(text, name, sizeof(name));

	if (n <= 1)
		return n < 0 ? n : -EINVAL;
	if (!pkt_wr_ok(w) || w->len - w->off < (size_t)n)
		return -ENOSPC;
	pkt_wr_bytes(w, name, (size_t)n);
	return 0;
}

/**
 * dns_name_ptr4() - the reverse name of an IPv4 address
 * @addr:	the address
 * @out:	buffer for the wire name ("d.c.b.a.in-addr.arpa")
 * @outlen:	its size, 30 bytes is always enough
 *
 * Return: length of the wire name, or -ENOSPC
 */
int dns_name_ptr4(struct in_addr addr, uint8_t *out, size_t outlen)
{
	const uint8_t *b = (const uint8_t *)&addr.s_addr;
	char text[sizeof("255.255.255.255.in-addr.arpa")];

	snprintf(text, sizeof(text), "%u.%u.%u.%u.in-addr.arpa",
		 b[3], b[2], b[1], b[0]);
	return dns_name_from_text(text, out, outlen);
}

/**
 * dns_ptr4_addr() - the IPv4 address a reverse name stands for
 * @name:	wire name, any case ("4.3.2.1.IN-ADDR.arpa")
 * @len:	its length
 * @addr:	the address
 *
 * Exactly four labels of decimal 0 to 255 without leading zeros, then
 * in-addr.arpa; anything else, a partial name like "2.1.in-addr.arpa"
 * included, is not an address.
 *
 * Return: 0, or -EINVAL if @name is not such a name
 */
int dns_ptr4_addr(const uint8_t *name, size_t len, struct in_addr *addr)
{
	static const uint8_t suffix[] = "\7in-addr\4arpa";
	uint32_t a = 0;
	size_t i = 0;
	int k;

	for (k = 0; k < 4; k++) {
		size_t l, j;
		uint32_t v = 0;

		if (i >= len)
			return -EINVAL;
		l = name[i++];
		if (l < 1 || l > 3 || i + l > len ||
		    (l > 1 && name[i] == '0'))
			return -EINVAL;
		for (j = 0; j < l; j++) {
			if (name[i + j] < '0' || name[i + j] > '9')
				return -EINVAL;
			v = v * 10 + (uint32_t)(name[i + j] - '0');
		}
		if (v > 255)
			return -EINVAL;
		a |= v << (8 * k);
		i += l;
	}
	if (!dns_name_equal(name + i, len - i, suffix, sizeof(suffix)))
		return -EINVAL;
	addr->s_addr = htonl(a);
	return 0;
}
