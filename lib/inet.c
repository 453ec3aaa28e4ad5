// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inet.c - IPv4 addresses, prefixes, MAC addresses and DNS names
 *
 * Theory of operation
 *
 * Every part of tapir handles the same few kinds of text: IPv4 addresses
 * and CIDR prefixes in tapir.conf and on command lines, MAC addresses in
 * dhcp-host lines and leases, host and domain names for DHCP and DNS.
 * This file parses and prints them, strictly and in one way only, so a
 * value means the same thing wherever it appears.
 *
 * Addresses are kept as uint32_t in host byte order, which makes subnet
 * arithmetic plain integer arithmetic; callers convert with htonl() at the
 * socket or packet boundary.
 *
 * The text forms accepted are deliberately narrower than inet_aton()'s:
 *
 * - an address is exactly four decimal numbers 0..255 joined by dots.
 *   "10.1" and "0x0a.0.0.1" are refused, and so is a number with a leading
 *   zero: inet_aton() reads "010.0.0.1" as octal (8.0.0.1) while people and
 *   most other tools read it as 10.0.0.1, so the only safe answer is to
 *   refuse it and ask for the unambiguous spelling;
 * - a prefix is ADDRESS/LEN with LEN 0..32 in decimal, no leading zero;
 *   the address may have host bits set (the host's own address on a
 *   subnet is written that way);
 * - a MAC address is six pairs of hex digits, either case, separated all
 *   by ':' or all by '-' (the form Windows prints).  It is always printed
 *   lowercase with ':';
 * - names follow RFC 1123: a label is 1 to 63 letters, digits and '-',
 *   neither starting nor ending with '-'; a domain is labels joined by
 *   single dots, at most 253 bytes, with no final dot, whose last label is
 *   not all digits (RFC 3696 section 2), so it can never look like an
 *   address.  Case is kept here; callers that compare names lowercase them.
 *
 * Usable host addresses: a subnet's first and last addresses are its
 * network and broadcast addresses, except in a /31 (RFC 3021) or a /32,
 * where every address is usable.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "inet.h"

/**
 * inet_parse_dec() - read a decimal number with no leading zero
 * @s:		text, advanced past the digits
 * @max_digits:	most digits accepted
 * @val:	set to the value
 *
 * Return: 0, -EINVAL if there is no digit, -ERANGE for too many digits,
 *	   -EDOM for a leading zero
 */
static int inet_parse_dec(const char **s, int max_digits, unsigned int *val)
{
	const char *p = *s;
	unsigned int v = 0;
	int n = 0;

	while (*p >= '0' && *p <= '9') {
		if (n == max_digits)
			return -ERANGE;
		v = v * 10 + (unsigned int)(*p - '0');
		p++;
		n++;
	}
	if (n == 0)
		return -EINVAL;
	if (n > 1 && **s == '0')
		return -EDOM;
	*s = p;
	*val = v;
	return 0;
}

/**
 * inet_addr_scan() - read a dotted quad at the start of a string
 * @s:		text, advanced past the address
 * @addr:	set to the address, host byte order
 * @why:	set to a reason when refused
 *
 * Return: 0, or -EINVAL
 */
static int inet_addr_scan(const char **s, uint32_t *addr, const char **why)
{
	const char *p = *s;
	uint32_t a = 0;
	unsigned int v;
	int i, rc;

	for (i = 0; i < 4; i++) {
		if (i && *p++ != '.')
			goto syntax;
		rc = inet_parse_dec(&p, 3, &v);
		if (rc == -EDOM) {
			*why = "a number has a leading zero, which some "
			       "tools read as octal";
			return -EINVAL;
		}
		if (rc)
			goto syntax;
		if (v > 255) {
			*why = "a number is larger than 255";
			return -EINVAL;
		}
		a = a << 8 | v;
	}
	*s = p;
	*addr = a;
	return 0;
syntax:
	*why = "expected four numbers from 0 to 255 joined by dots, such "
	       "as 10.0.0.1";
	return -EINVAL;
}

/**
 * inet_addr_parse() - parse a dotted-quad IPv4 address
 * @s:		text, exactly the address
 * @addr:	set to the address, host byte order
 * @why:	if not NULL, set to a short reason when refused
 *
 * Return: 0, or -EINVAL
 */
int inet_addr_parse(const char *s, uint32_t *addr, const char **why)
{
	const char *reason = NULL;
	uint32_t a;
	int rc;

	rc = inet_addr_scan(&s, &a, &reason);
	if (!rc && *s) {
		reason = "unexpected text after the address";
		rc = -EINVAL;
	}
	if (!rc)
		*addr = a;
	if (why)
		*why = reason;
	return rc;
}

/**
 * inet_addr_fmt() - write an address as a dotted quad
 * @addr:	address, host byte order
 * @buf:	output, INET_ADDR_STRLEN bytes suffice
 * @len:	size of @buf
 *
 * Return: @buf
 */
char *inet_addr_fmt(uint32_t addr, char *buf, size_t len)
{
	snprintf(buf, len, "%u.%u.%u.%u", addr >> 24, (addr >> 16) & 0xff,
		 (addr >> 8) & 0xff, addr & 0xff);
	return buf;
}

/**
 * inet_prefix_parse() - parse ADDRESS/LEN
 * @s:		text, exactly the prefix
 * @p:		set to the address (host bits kept) and length
 * @why:	if not NULL, set to a short reason when refused
 *
 * Return: 0, or -EINVAL
 */
int inet_prefix_parse(const char *s, struct inet_prefix *p, const char **why)
{
	const char *reason = NULL;
	unsigned int len = 0;
	uint32_t a;
	int rc;

	rc = inet_addr_scan(&s, &a, &reason);
	if (rc)
		goto out;
	rc = -EINVAL;
	if (*s != '/') {
		reason = *s ? "unexpected text after the address" :
			      "missing /LENGTH after the address";
		goto out;
	}
	s++;
	if (inet_parse_dec(&s, 2, &len) || *s || len > 32) {
		reason = "the prefix length after '/' must be a number from "
			 "0 to 32";
		goto out;
	}
	p->addr = a;
	p->len = len;
	rc = 0;
out:
	if (why)
		*why = reason;
	return rc;
}

/**
 * inet_prefix_fmt() - write a prefix as ADDRESS/LEN
 * @p:		prefix; its address is written as is, host bits included
 * @buf:	output, INET_PREFIX_STRLEN bytes suffice
 * @len:	size of @buf
 *
 * Return: @buf
 */
char *inet_prefix_fmt(const struct inet_prefix *p, char *buf, size_t len)
{
	char a[INET_ADDR_STRLEN];

	snprintf(buf, len, "%s/%u", inet_addr_fmt(p->addr, a, sizeof(a)),
		 p->len);
	return buf;
}

/**
 * inet_mask() - the netmask of a prefix length
 * @len:	0 to 32; larger values count as 32
 *
 * Return: the mask, host byte order (0 for 0, 0xffffff00 for 24)
 */
uint32_t inet_mask(unsigned int len)
{
	if (len == 0)
		return 0;
	if (len >= 32)
		return 0xffffffffu;
	return 0xffffffffu << (32 - len);
}

/**
 * inet_prefix_network() - the network address of a prefix
 * @p:		prefix
 *
 * Return: @p's address with the host bits cleared
 */
uint32_t inet_prefix_network(const struct inet_prefix *p)
{
	return p->addr & inet_mask(p->len);
}

/**
 * inet_prefix_broadcast() - the broadcast (last) address of a prefix
 * @p:		prefix
 *
 * Return: @p's address with the host bits set
 */
uint32_t inet_prefix_broadcast(const struct inet_prefix *p)
{
	return p->addr | ~inet_mask(p->len);
}

/**
 * inet_prefix_first() - the first usable host address of a prefix
 * @p:		prefix
 *
 * Return: network + 1, or the network address itself for a /31 or /32
 */
uint32_t inet_prefix_first(const struct inet_prefix *p)
{
	uint32_t net = inet_prefix_network(p);

	return p->len >= 31 ? net : net + 1;
}

/**
 * inet_prefix_last() - the last usable host address of a prefix
 * @p:		prefix
 *
 * Return: broadcast - 1, or the broadcast address itself for a /31 or /32
 */
uint32_t inet_prefix_last(const struct inet_prefix *p)
{
	uint32_t bcast = inet_prefix_broadcast(p);

	return p->len >= 31 ? bcast : bcast - 1;
}

/**
 * inet_prefix_contains() - tell whether an address lies in a prefix
 * @p:		prefix
 * @addr:	address, host byte order
 *
 * Return: 1 if it does, 0 if not
 */
int inet_prefix_contains(const struct inet_prefix *p, uint32_t addr)
{
	return (addr & inet_mask(p->len)) == inet_prefix_network(p);
}

/**
 * inet_prefix_is_host() - tell whether an address is a usable host of a prefix
 * @p:		prefix
 * @addr:	address, host byte order
 *
 * Return: 1 if @addr is in @p and is neither its network nor its broadcast
 *	   address (both count as usable in a /31 or /32), 0 if not
 */
int inet_prefix_is_host(const struct inet_prefix *p, uint32_t addr)
{
	return inet_prefix_contains(p, addr) &&
	       addr >= inet_prefix_first(p) && addr <= inet_prefix_last(p);
}

/**
 * inet_prefix_overlap() - tell whether two prefixes share any address
 * @a:		one prefix
 * @b:		the other
 *
 * Two prefixes overlap exactly when the shorter one contains the other.
 *
 * Return: 1 if they overlap, 0 if not
 */
int inet_prefix_overlap(const struct inet_prefix *a,
			const struct inet_prefix *b)
{
	unsigned int len = a->len < b->len ? a->len : b->len;
	uint32_t mask = inet_mask(len);

	return (a->addr & mask) == (b->addr & mask);
}

/**
 * inet_hex() - value of a hex digit
 * @c:		character
 *
 * Return: 0 to 15, or -1 if @c is not a hex digit
 */
static int inet_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/**
 * inet_mac_parse() - parse a MAC address
 * @s:		text: six pairs of hex digits joined all by ':' or all by '-'
 * @mac:	set to the address
 * @why:	if not NULL, set to a short reason when refused
 *
 * Return: 0, or -EINVAL
 */
int inet_mac_parse(const char *s, struct inet_mac *mac, const char **why)
{
	struct inet_mac m;
	int i, hi, lo;
	char sep;

	/* Every index read below is inside these 17 bytes */
	if (strnlen(s, 18) != 17)
		goto bad;
	sep = s[2];
	if (sep != ':' && sep != '-')
		goto bad;
	for (i = 0; i < 6; i++, s += 3) {
		hi = inet_hex(s[0]);
		lo = inet_hex(s[1]);
		if (hi < 0 || lo < 0)
			goto bad;
		m.b[i] = (uint8_t)(hi << 4 | lo);
		if (s[2] != (i == 5 ? '\0' : sep))
			goto bad;
	}
	*mac = m;
	if (why)
		*why = NULL;
	return 0;
bad:
	if (why)
		*why = "expected six pairs of hex digits joined by ':', such "
		       "as 52:54:00:12:34:56";
	return -EINVAL;
}

/**
 * inet_mac_fmt() - write a MAC address, lowercase with ':'
 * @mac:	address
 * @buf:	output, INET_MAC_STRLEN bytes suffice
 * @len:	size of @buf
 *
 * Return: @buf
 */
char *inet_mac_fmt(const struct inet_mac *mac, char *buf, size_t len)
{
	const uint8_t *b = mac->b;

	snprintf(buf, len, "%02x:%02x:%02x:%02x:%02x:%02x",
		 b[0], b[1], b[2], b[3], b[4], b[5]);
	return buf;
}

/**
 * inet_mac_is_unicast() - tell whether a MAC address can belong to one NIC
 * @mac:	address
 *
 * Return: 1 if the group bit (lowest bit of the first byte) is clear and
 *	   the address is not all zeros, 0 if not
 */
int inet_mac_is_unicast(const struct inet_mac *mac)
{
	static const struct inet_mac zero;

	return !(mac->b[0] & 1) && memcmp(mac, &zero, sizeof(zero));
}

/**
 * inet_label_len() - check the label at the start of a name
 * @s:		text; the label ends at '.' or at the end
 * @why:	set to a short reason when refused
 *
 * Return: the label's length, or -EINVAL
 */
static int inet_label_len(const char *s, const char **why)
{
	size_t n;

	for (n = 0; s[n] && s[n] != '.'; n++) {
		char c = s[n];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-')) {
			*why = "only letters, digits and '-' are allowed "
			       "in a name";
			return -EINVAL;
		}
		if (n == INET_LABEL_MAX) {
			*why = "a name or a part of it between dots is "
			       "longer than 63 characters";
			return -EINVAL;
		}
	}
	if (n == 0) {
		*why = "empty name or empty part between dots";
		return -EINVAL;
	}
	if (s[0] == '-' || s[n - 1] == '-') {
		*why = "a name must not start or end with '-'";
		return -EINVAL;
	}
	return (int)n;
}

/**
 * inet_label_check() - validate a single DNS label (a bare host name)
 * @s:		text
 * @why:	if not NULL, set to a short reason when refused
 *
 * Return: 0 if @s is an RFC 1123 label, -EINVAL if not
 */
int inet_label_check(const char *s, const char **why)
{
	const char *reason = NULL;
	int n, rc = 0;

	n = inet_label_len(s, &reason);
	if (n >= 0 && s[n]) {
		reason = "a host name is one label, with no dots";
		n = -EINVAL;
	}
	if (n < 0)
		rc = -EINVAL;
	if (why)
		*why = reason;
	return rc;
}

/**
 * inet_domain_check() - validate a domain name
 * @s:		text, without a final dot
 * @why:	if not NULL, set to a short reason when refused
 *
 * Return: 0 if @s is a valid RFC 1123 name whose last label is not all
 *	   digits, -EINVAL if not
 */
int inet_domain_check(const char *s, const char **why)
{
	const char *reason = NULL, *label = s;
	int n, rc = -EINVAL;

	if (strnlen(s, INET_DOMAIN_MAX + 1) > INET_DOMAIN_MAX) {
		reason = "a domain name is at most 253 characters long";
		goto out;
	}
	if (*s && s[strlen(s) - 1] == '.') {
		reason = "a domain name is written without a final dot";
		goto out;
	}
	for (;;) {
		n = inet_label_len(label, &reason);
		if (n < 0)
			goto out;
		if (!label[n])
			break;
		label += n + 1;
	}
	if (strspn(label, "0123456789") == (size_t)n) {
		reason = "the last part of a domain name must not be all "
			 "digits";
		goto out;
	}
	rc = 0;
out:
	if (why)
		*why = reason;
	return rc;
}
