/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dns.h - DNS messages: parsing, building replies, forwarder helpers
 *
 * How the service is meant to use this (the sockets are the caller's):
 *
 *   client query in buf[0..n), reply buffer out[], tcp = 0 or 1:
 *
 *	verdict = dns_local_query(&loc, buf, n, tcp, &q, out, sizeof(out),
 *				  &outlen);			(dnslocal.h)
 *	DNS_LOCAL_DROP:    nothing to send
 *	DNS_LOCAL_REPLY:   send out[0..outlen)
 *	DNS_LOCAL_FORWARD: q holds the parsed query;
 *	    len = dnscache_lookup(&cache, &q, now, out,
 *				  dns_reply_max(&q, tcp, sizeof(out)));
 *	    len > 0: send it (a cache hit)
 *	    else:    pick a random ID, dns_set_id(buf, n, id), send buf to an
 *		     upstream from a fresh random-port socket, remember
 *		     (q, id, client address, client ID = q.id)
 *
 *   upstream response in rbuf[0..rn) for a pending query:
 *
 *	dns_match(&pending.q, pending.id, rbuf, rn, &r) != 0: ignore it
 *	    (keep waiting: it is spoofed, stale or garbage)
 *	dnscache_insert(&cache, &pending.q, rbuf, rn, now);	(errors: fine)
 *	dns_set_id(rbuf, rn, pending.q.id);
 *	rn = dns_truncate(rbuf, rn, dns_reply_max(&pending.q, tcp, rn));
 *	send rbuf[0..rn) to the client
 *
 *   no upstream, or all timed out: dns_reply(&q, DNS_R_SERVFAIL, DNS_F_RA,
 *	NULL, 0, out, dns_reply_max(&q, tcp, sizeof(out)))
 *
 * Replies are plain DNS messages; over TCP the caller frames each with its
 * 2-byte length.  "now" is seconds on CLOCK_MONOTONIC.
 */
#ifndef TAPIR_DNS_H
#define TAPIR_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#define DNS_PORT		53
#define DNS_HDR_LEN		12
/* Longest name in wire form, root label included; longest label. */
#define DNS_NAME_MAX		255
#define DNS_LABEL_MAX		63
/* Room for dns_name_to_text() output, with escapes and the NUL. */
#define DNS_NAME_TEXT_MAX	1025
/* Largest UDP message without EDNS (RFC 1035). */
#define DNS_UDP_MAX		512
/* UDP size we advertise, and the most we send over UDP (DNS flag day). */
#define DNS_EDNS_SIZE		1232
/* Largest message at all (TCP). */
#define DNS_MSG_MAX		65535
/* Length of an OPT record without options. */
#define DNS_OPT_LEN		11

#define DNS_T_A			1
#define DNS_T_NS		2
#define DNS_T_CNAME		5
#define DNS_T_SOA		6
#define DNS_T_PTR		12
#define DNS_T_MX		15
#define DNS_T_TXT		16
#define DNS_T_AAAA		28
#define DNS_T_OPT		41
#define DNS_T_ANY		255

#define DNS_C_IN		1

/* Header flags (second 16-bit word). */
#define DNS_F_QR		0x8000
#define DNS_F_OPCODE		0x7800
#define DNS_F_AA		0x0400
#define DNS_F_TC		0x0200
#define DNS_F_RD		0x0100
#define DNS_F_RA		0x0080
#define DNS_F_AD		0x0020
#define DNS_F_CD		0x0010
#define DNS_F_RCODE		0x000f
#define DNS_OPCODE(flags)	(((flags) >> 11) & 0xf)
#define DNS_OP_QUERY		0

/* EDNS flags (low 16 bits of the OPT record's TTL). */
#define DNS_EDNS_DO		0x8000

#define DNS_R_NOERROR		0
#define DNS_R_FORMERR		1
#define DNS_R_SERVFAIL		2
#define DNS_R_NXDOMAIN		3
#define DNS_R_NOTIMP		4
#define DNS_R_REFUSED		5
#define DNS_R_BADVERS		16	/* extended: needs EDNS */

/**
 * struct dns_msg - a parsed message: header, its one question, EDNS
 * @id:		message ID
 * @flags:	header flags, opcode and rcode
 * @qdcount:	question count (always 1 after a successful parse)
 * @ancount:	answer records
 * @nscount:	authority records
 * @arcount:	additional records, the OPT record included
 * @qname:	question name in wire form, uncompressed, case as received
 * @qname_len:	length of @qname, root label included (1 to 255)
 * @qtype:	question type
 * @qclass:	question class
 * @qend:	offset just past the question; the question is always stored
 *		uncompressed at offset DNS_HDR_LEN
 * @end:	offset just past the last record (trailing bytes are ignored)
 * @opt_off:	offset of the OPT record, 0 if none
 * @edns:	an OPT record is present
 * @edns_size:	its UDP payload size, as sent
 * @edns_rcode:	its extended rcode (upper 8 bits)
 * @edns_version: its EDNS version
 * @edns_flags:	its flags (DNS_EDNS_DO)
 */
struct dns_msg {
	uint16_t id;
	uint16_t flags;
	uint16_t qdcount;
	uint16_t ancount;
	uint16_t nscount;
	uint16_t arcount;
	uint8_t qname[DNS_NAME_MAX];
	size_t qname_len;
	uint16_t qtype;
	uint16_t qclass;
	size_t qend;
	size_t end;
	size_t opt_off;
	int edns;
	uint16_t edns_size;
	uint8_t edns_rcode;
	uint8_t edns_version;
	uint16_t edns_flags;
};

/**
 * struct dns_answer - one answer record to build, owned by the qname
 * @type:	record type (DNS_T_A, DNS_T_AAAA, DNS_T_PTR, ...)
 * @ttl:	time to live, seconds
 * @rdata:	record data in wire form (4 bytes for A, a wire name for PTR)
 * @rdlen:	length of @rdata
 */
struct dns_answer {
	uint16_t type;
	uint32_t ttl;
	const void *rdata;
	uint16_t rdlen;
};

/* Sections, as in struct dns_rr.section. */
#define DNS_SEC_AN		0
#define DNS_SEC_NS		1
#define DNS_SEC_AR		2

/**
 * struct dns_rr - one resource record found by dns_rr_next()
 * @section:	DNS_SEC_AN, DNS_SEC_NS or DNS_SEC_AR
 * @name:	owner name, decompressed, case as received
 * @name_len:	length of @name
 * @type:	record type
 * @rclass:	record class (the UDP size for OPT)
 * @ttl:	time to live (the extended rcode and flags for OPT)
 * @ttl_off:	offset of the TTL field in the message
 * @rdata_off:	offset of the record data
 * @rdlen:	length of the record data
 * @off:	offset of the record's first byte
 * @end:	offset just past the record
 */
struct dns_rr {
	int section;
	uint8_t name[DNS_NAME_MAX];
	size_t name_len;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	size_t ttl_off;
	size_t rdata_off;
	uint16_t rdlen;
	size_t off;
	size_t end;
};

/**
 * struct dns_rr_iter - position while walking a message's records
 * @msg:	the message
 * @len:	its length
 * @off:	offset of the next record
 * @left:	records left in each section
 * @section:	section of the next record
 */
struct dns_rr_iter {
	const uint8_t *msg;
	size_t len;
	size_t off;
	unsigned int left[3];
	int section;
};

int dns_parse(const void *msg, size_t len, struct dns_msg *m);
void dns_rr_begin(struct dns_rr_iter *it, const void *msg, size_t len,
		  const struct dns_msg *m);
int dns_rr_next(struct dns_rr_iter *it, struct dns_rr *rr);

size_t dns_reply_max(const struct dns_msg *q, int tcp, size_t bufsize);
int dns_reply(const struct dns_msg *q, int rcode, uint16_t flags,
	      const struct dns_answer *an, size_t nan, void *out,
	      size_t outlen);
int dns_reply_hdr(const void *query, size_t qlen, int rcode, void *out,
		  size_t outlen);
int dns_truncate(void *msg, size_t len, size_t limit);
int dns_add_opt(void *msg, size_t len, size_t outlen, const struct dns_msg *q);

int dns_get_id(const void *msg, size_t len);
int dns_set_id(void *msg, size_t len, uint16_t id);
int dns_match(const struct dns_msg *q, uint16_t id, const void *resp,
	      size_t len, struct dns_msg *r);
int dns_answer_ttl(const void *msg, size_t len, const struct dns_msg *r,
		   uint32_t *ttl);
uint32_t dns_ttl_left(uint32_t ttl, uint64_t elapsed);
int dns_ttl_patch(void *msg, size_t len, uint64_t elapsed);

int dns_name_equal(const uint8_t *a, size_t alen, const uint8_t *b,
		   size_t blen);
int dns_name_from_text(const char *text, uint8_t *out, size_t outlen);
struct pkt_wr;
int dns_name_put(struct pkt_wr *w, const char *text);
int dns_name_to_text(const uint8_t *name, size_t len, char *out,
		     size_t outlen);
int dns_name_ptr4(struct in_addr addr, uint8_t *out, size_t outlen);
int dns_ptr4_addr(const uint8_t *name, size_t len, struct in_addr *addr);

#endif /* TAPIR_DNS_H */
