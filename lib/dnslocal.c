// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dnslocal.c - answers for the network's own names
 *
 * Theory of operation
 *
 * dns_local_query() takes a message from a client and decides, as a pure
 * function of the message, the configuration and the lease lookups in
 * struct dns_local_db:
 *
 * - drop: shorter than a header, or a response (QR set: answering
 *   responses invites reflection loops), or no room for any reply;
 * - NOTIMP: an opcode other than QUERY;
 * - FORMERR: a query that does not parse (dns.c: one question, names,
 *   records, OPT), header only;
 * - BADVERS: an EDNS version other than 0;
 * - a local answer, authoritative (AA), with RA, for class IN (or ANY):
 *
 *	HOST.DOMAIN, HOST		A (and ANY): the address
 *					other types: NODATA
 *	DOMAIN itself			NODATA
 *	X.DOMAIN, X not a host,		NXDOMAIN
 *	and anything deeper in DOMAIN
 *	X, one label, not a host	NXDOMAIN for A, AAAA and ANY (dnsmasq's
 *					domain-needed); other types go
 *					upstream, so a validator can still
 *					ask for a TLD's DS or SOA
 *	d.c.b.a.in-addr.arpa of		PTR (and ANY): HOST.DOMAIN
 *	a host or of the server		other types: NODATA
 *	... of another address in	NXDOMAIN
 *	the local subnet
 *	AXFR/IXFR of any of these	REFUSED
 *
 *   HOST is a server name (@self_names, mapping to @self) or a name the
 *   lease store knows; names are matched without case and answers keep
 *   the client's spelling of the question;
 * - forward: everything else, with the parsed query left in @q for the
 *   cache lookup and the forwarder.
 *
 * A label that cannot be a host name (anything but letters, digits, '-'
 * and '_') is never passed to the lease store, so a NUL or a dot inside a
 * label cannot make "a\0b" or "a.b" match host "a".
 *
 * Local answers carry a short TTL (struct dns_local.ttl, DNS_LOCAL_TTL = 0
 * by default) because leases change under them, and negative answers no
 * SOA, so that no resolver caches a host that is about to appear.
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <arpa/inet.h>

#include "dnslocal.h"
#include "pkt.h"

#define DNS_T_IXFR		251
#define DNS_T_AXFR		252
#define DNS_C_ANY		255

/* No local answer: the query goes upstream. */
#define DNS_LOCAL_UPSTREAM	(-1)

/**
 * struct dns_local_ans - a local decision and the data of its answer
 * @rcode:	DNS_R_*, or DNS_LOCAL_UPSTREAM
 * @an:		the answer record, if @nan
 * @nan:	0 or 1
 * @rdata:	its data: an IPv4 address or a PTR name
 */
struct dns_local_ans {
	int rcode;
	struct dns_answer an;
	size_t nan;
	uint8_t rdata[DNS_NAME_MAX];
};

/**
 * dns_local_label_ok() - check that a label can be a host name
 * @p:		label bytes
 * @l:		length
 *
 * Return: non-zero if @l is 1 to 63 and the bytes are letters, digits,
 * '-' or '_'
 */
static int dns_local_label_ok(const uint8_t *p, size_t l)
{
	size_t i;

	if (!l || l > DNS_LABEL_MAX)
		return 0;
	for (i = 0; i < l; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		      (p[i] >= 'A' && p[i] <= 'Z') ||
		      (p[i] >= '0' && p[i] <= '9') ||
		      p[i] == '-' || p[i] == '_'))
			return 0;
	return 1;
}

/**
 * dns_local_host_ok() - check that a string can be a local host name
 * @host:	NUL-terminated name
 *
 * Return: non-zero if it is one label of letters, digits, '-' and '_', of
 * 1 to 63 bytes: what the resolver will look up and answer for
 */
int dns_local_host_ok(const char *host)
{
	return dns_local_label_ok((const uint8_t *)host, strlen(host));
}

/**
 * dns_local_init() - check the configuration and prepare the domain
 * @loc:	configuration, filled in by the caller
 *
 * Return: 0, or -EINVAL for a domain that is not a valid name (or is the
 * root), a server name that is not a valid host name, or a prefix over 32
 */
int dns_local_init(struct dns_local *loc)
{
	size_t i;
	int rc;

	loc->domain_len = 0;
	if (loc->prefix > 32)
		return -EINVAL;
	for (i = 0; loc->self_names && loc->self_names[i]; i++)
		if (!dns_local_host_ok(loc->self_names[i]))
			return -EINVAL;
	if (!loc->domain || !*loc->domain)
		return 0;
	rc = dns_name_from_text(loc->domain, loc->domain_wire,
				sizeof(loc->domain_wire));
	if (rc <= 1)
		return -EINVAL;
	loc->domain_len = (size_t)rc;
	return 0;
}

/**
 * dns_local_depth() - how far below the local domain a name is
 * @loc:	configuration
 * @q:		query
 *
 * Return: 0 for the domain itself, the number of labels before it for a
 * name inside it, -1 for a name outside it (or no domain)
 */
static int dns_local_depth(const struct dns_local *loc,
			   const struct dns_msg *q)
{
	size_t o = 0;
	int n = 0;

	if (!loc->domain_len)
		return -1;
	while (o < q->qname_len && q->qname_len - o >= loc->domain_len) {
		if (q->qname_len - o == loc->domain_len)
			return dns_name_equal(q->qname + o, loc->domain_len,
					      loc->domain_wire,
					      loc->domain_len) ? n : -1;
		o += 1 + (size_t)q->qname[o];
		n++;
	}
	return -1;
}

/**
 * dns_local_find() - the address of a host
 * @loc:	configuration
 * @label:	the host's label, as in the query
 * @l:		its length
 * @addr:	set to its address
 *
 * Return: 0, or -ENOENT
 */
static int dns_local_find(const struct dns_local *loc, const uint8_t *label,
			  size_t l, struct in_addr *addr)
{
	char host[DNS_LABEL_MAX + 1];
	size_t i;

	if (!dns_local_label_ok(label, l))
		return -ENOENT;
	for (i = 0; i < l; i++)
		host[i] = (char)(label[i] >= 'A' && label[i] <= 'Z' ?
				 label[i] + ('a' - 'A') : label[i]);
	host[l] = '\0';
	if (loc->self.s_addr != htonl(INADDR_ANY))
		for (i = 0; loc->self_names && loc->self_names[i]; i++)
			if (!strcasecmp(host, loc->self_names[i])) {
				*addr = loc->self;
				return 0;
			}
	if (loc->db.by_name && loc->db.by_name(loc->db.ctx, host, addr) == 0)
		return 0;
	return -ENOENT;
}

/**
 * dns_local_host() - answer for a host that exists, or NXDOMAIN
 * @loc:	configuration
 * @q:		query for the host's name
 * @ans:	the decision
 * @label:	the host's label
 * @l:		its length
 *
 * Return: 0 if the host exists, -ENOENT if not (@ans is NXDOMAIN)
 */
static int dns_local_host(const struct dns_local *loc,
			  const struct dns_msg *q, struct dns_local_ans *ans,
			  const uint8_t *label, size_t l)
{
	struct in_addr addr;

	ans->rcode = DNS_R_NXDOMAIN;
	if (dns_local_find(loc, label, l, &addr))
		return -ENOENT;
	ans->rcode = DNS_R_NOERROR;
	if (q->qtype == DNS_T_A || q->qtype == DNS_T_ANY) {
		memcpy(ans->rdata, &addr.s_addr, 4);
		ans->an.type = DNS_T_A;
		ans->an.rdlen = 4;
		ans->nan = 1;
	}
	return 0;
}

/**
 * dns_local_reverse() - answer for a reverse name, if it is local
 * @loc:	configuration
 * @q:		query for d.c.b.a.in-addr.arpa
 * @ans:	the decision
 * @addr:	the address the name stands for
 */
static void dns_local_reverse(const struct dns_local *loc,
			      const struct dns_msg *q,
			      struct dns_local_ans *ans, struct in_addr addr)
{
	char host[DNS_LABEL_MAX + 2];
	uint32_t mask;
	size_t l;

	host[0] = '\0';
	if (addr.s_addr == loc->self.s_addr &&
	    loc->self.s_addr != htonl(INADDR_ANY) &&
	    loc->self_names && loc->self_names[0]) {
		strcpy(host, loc->self_names[0]);
	} else if (!loc->db.by_addr ||
		   loc->db.by_addr(loc->db.ctx, addr, host, sizeof(host)) ||
		   !memchr(host, '\0', sizeof(host)) ||
		   !dns_local_host_ok(host)) {
		mask = loc->prefix ? htonl(~0U << (32 - loc->prefix)) : 0;
		if (loc->prefix &&
		    (addr.s_addr & mask) == (loc->net.s_addr & mask))
			ans->rcode = DNS_R_NXDOMAIN;
		return;
	}

	ans->rcode = DNS_R_NOERROR;
	if (q->qtype != DNS_T_PTR && q->qtype != DNS_T_ANY)
		return;
	l = strlen(host);
	ans->rdata[0] = (uint8_t)l;
	memcpy(ans->rdata + 1, host, l);
	if (loc->domain_len) {
		memcpy(ans->rdata + 1 + l, loc->domain_wire, loc->domain_len);
		ans->an.rdlen = (uint16_t)(1 + l + loc->domain_len);
	} else {
		ans->rdata[1 + l] = 0;
		ans->an.rdlen = (uint16_t)(l + 2);
	}
	ans->an.type = DNS_T_PTR;
	ans->nan = 1;
}

/**
 * dns_local_decide() - the local answer to a well-formed query, if any
 * @loc:	configuration
 * @q:		the query
 * @ans:	the decision; @ans->rcode is DNS_LOCAL_UPSTREAM to forward
 */
static void dns_local_decide(const struct dns_local *loc,
			     const struct dns_msg *q,
			     struct dns_local_ans *ans)
{
	const uint8_t *label = q->qname + 1;
	size_t l = q->qname[0];
	struct in_addr addr;
	int depth;

	ans->rcode = DNS_LOCAL_UPSTREAM;
	ans->nan = 0;
	ans->an.ttl = loc->ttl;
	ans->an.rdata = ans->rdata;
	if (q->qclass != DNS_C_IN && q->qclass != DNS_C_ANY)
		return;

	if (!dns_ptr4_addr(q->qname, q->qname_len, &addr)) {
		dns_local_reverse(loc, q, ans, addr);
	} else if ((depth = dns_local_depth(loc, q)) == 0) {
		ans->rcode = DNS_R_NOERROR;
	} else if (depth == 1) {
		dns_local_host(loc, q, ans, label, l);
	} else if (depth > 1) {
		ans->rcode = DNS_R_NXDOMAIN;
	} else if (l && q->qname_len == l + 2 &&
		   dns_local_host(loc, q, ans, label, l) &&
		   q->qtype != DNS_T_A && q->qtype != DNS_T_AAAA &&
		   q->qtype != DNS_T_ANY) {
		ans->rcode = DNS_LOCAL_UPSTREAM;
	}

	if (ans->rcode != DNS_LOCAL_UPSTREAM &&
	    (q->qtype == DNS_T_AXFR || q->qtype == DNS_T_IXFR)) {
		ans->rcode = DNS_R_REFUSED;
		ans->nan = 0;
	}
}

/**
 * dns_local_query() - answer a client's message locally, or say what to do
 * @loc:	configuration, prepared by dns_local_init()
 * @query:	the message as received (without the TCP length prefix)
 * @qlen:	its length
 * @tcp:	non-zero if it came over TCP (no 512-byte limit)
 * @q:		filled with the parsed query; valid for DNS_LOCAL_FORWARD
 * @out:	buffer for a reply
 * @outsize:	its size (DNS_MSG_MAX covers every case)
 * @outlen:	set to the reply's length for DNS_LOCAL_REPLY, else 0
 *
 * Return: DNS_LOCAL_DROP, DNS_LOCAL_REPLY or DNS_LOCAL_FORWARD
 */
enum dns_local_verdict dns_local_query(const struct dns_local *loc,
				       const void *query, size_t qlen, int tcp,
				       struct dns_msg *q, void *out,
				       size_t outsize, size_t *outlen)
{
	struct dns_local_ans ans;
	uint16_t flags;
	int parsed, rc;

	*outlen = 0;
	if (qlen < DNS_HDR_LEN)
		return DNS_LOCAL_DROP;
	flags = pkt_get_u16((const uint8_t *)query + 2);
	if (flags & DNS_F_QR)
		return DNS_LOCAL_DROP;
	parsed = dns_parse(query, qlen, q) == 0;

	if (DNS_OPCODE(flags) != DNS_OP_QUERY) {
		rc = parsed ? dns_reply(q, DNS_R_NOTIMP, DNS_F_RA, NULL, 0,
					out, dns_reply_max(q, tcp, outsize)) :
			      dns_reply_hdr(query, qlen, DNS_R_NOTIMP, out,
					    outsize);
	} else if (!parsed) {
		rc = dns_reply_hdr(query, qlen, DNS_R_FORMERR, out, outsize);
	} else if (q->edns && q->edns_version) {
		rc = dns_reply(q, DNS_R_BADVERS, DNS_F_RA, NULL, 0, out,
			       dns_reply_max(q, tcp, outsize));
	} else {
		dns_local_decide(loc, q, &ans);
		if (ans.rcode == DNS_LOCAL_UPSTREAM)
			return DNS_LOCAL_FORWARD;
		rc = dns_reply(q, ans.rcode, DNS_F_AA | DNS_F_RA, &ans.an,
			       ans.nan, out, dns_reply_max(q, tcp, outsize));
	}
	if (rc < 0)
		return DNS_LOCAL_DROP;
	*outlen = (size_t)rc;
	return DNS_LOCAL_REPLY;
}
