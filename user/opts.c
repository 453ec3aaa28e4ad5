// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * opts.c - QEMU's "-netdev user" options, parsed and validated
 *
 * Theory of operation
 *
 * tapir-user takes the option string QEMU's "-netdev user" takes, so a
 * command line can move from one to the other unchanged:
 *
 *	net=10.0.2.0/24,hostfwd=tcp::2222-:22,dnssearch=example.com
 *
 * and a whole "user,id=n0,..." pasted from a QEMU command line is taken
 * too: a first word "user" and the keys id= and type=user are accepted
 * and ignored.  Each long option of tapir-user (--net, --hostfwd, ...)
 * is the same key given on its own, through opts_set().
 *
 * Three steps, in this order:
 *
 * - opts_defaults() fills in QEMU's defaults (10.0.2.0/24, host .2,
 *   DNS .3, first DHCP address .15, fec0::/64, both families on);
 * - opts_parse() splits one comma-separated string the way QEMU's
 *   QemuOpts does - "key=value" items separated by ',', a ",," inside a
 *   value standing for one literal ',', a bare "key" meaning "key=on"
 *   for the on/off keys - and hands every item to opts_set().  opts_set() checks the syntax of
 *   one value and stores it, and remembers in @given that the option was
 *   set.  A later value of a key replaces an earlier one, except for the
 *   repeatable hostfwd=, guestfwd= and dnssearch=, which append;
 * - opts_finish() derives and checks whatever depends on more than one
 *   option, once, after every string was parsed.  Deriving only there is
 *   what lets the options come in any order: in
 *   "dhcpstart=10.1.0.15,net=10.1.0.0/24" the net= that comes second
 *   must not overwrite the dhcpstart= given before it, and a
 *   "hostfwd=tcp::22-:22" must get the first DHCP address of the final
 *   network.  Anything not in @given is derived from the network exactly
 *   as QEMU derives it: host = net | (0.0.2.2 & ~mask), so a /24 gets
 *   .2, .3 and .15, and a /8 such as net=10.0.0.0/8 gets 10.0.2.2,
 *   10.0.2.3 and 10.0.2.15.
 *
 * The checks of opts_finish() are QEMU's (net/slirp.c's
 * net_slirp_init(), libslirp's check for guestfwd=), in QEMU's order, and
 * the messages start with QEMU's own words - "Host doesn't belong to
 * network", "DHCP must be different from host and DNS", "Invalid host
 * forwarding rule '...' (Bad host port)" - followed by the values they
 * are about, so a script grepping for QEMU's text still works and a user
 * sees what was wrong.  A few rules are QEMU's quirks, kept on purpose
 * for compatibility:
 *
 * - ipv4=on given alone turns IPv6 off, and ipv6=on alone turns IPv4
 *   off ("specify the one you want");
 * - net= without a mask takes a classful one (10/8, 172.16/12, ...);
 * - ipv6-prefixlen=0 means the default, 64;
 * - dns= outside net= is refused only with restrict=on.
 *
 * Where QEMU is loose in a way that silently misreads input, we are
 * strict instead: addresses are exact dotted quads (lib/inet.c; QEMU's
 * inet_aton() reads "010.0.2.1" as octal), port numbers are plain
 * decimal with no trailing text, and a dotted netmask must be contiguous.
 * Extensions: hostfwd= takes a bracketed IPv6 address on either side
 * ("tcp:[::1]:2222-:22"), guestfwd= takes "HOST:PORT" (or QEMU's chardev
 * spelling "tcp:HOST:PORT") as its target besides "cmd:COMMAND", and the
 * keys mtu=, no-host-loopback= and max-flows= are ours.  smb= is refused
 * with a clear message rather than ignored.
 *
 * Nothing here allocates: every value lands in a fixed buffer of struct
 * user_opts, and a value too long for it is an error, never truncated.
 * Errors are -EINVAL with one line of text in the caller's buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inany.h"
#include "inet.h"
#include "opts.h"

/* Bits of user_opts.given: options set explicitly. */
#define OPTS_G_NET	(1U << 0)	/* net= or ip= */
#define OPTS_G_HOST	(1U << 1)
#define OPTS_G_DNS	(1U << 2)
#define OPTS_G_DHCP	(1U << 3)
#define OPTS_G_IPV4	(1U << 4)
#define OPTS_G_IPV6	(1U << 5)
#define OPTS_G_NET6	(1U << 6)	/* ipv6-net= or ipv6-prefix= */
#define OPTS_G_NET6_LEN	(1U << 7)	/* ipv6-net= or ipv6-prefixlen= */
#define OPTS_G_HOST6	(1U << 8)
#define OPTS_G_DNS6	(1U << 9)

/* Longest key, and longest value, of one item of an option string. */
#define OPTS_KEY_MAX		32
#define OPTS_VAL_MAX		1024
/* Longest user text quoted in a message before it is cut with "...". */
#define OPTS_QUOTE_MAX		96
/* Range of --max-flows (main.c's, for its own long option, too). */
#define OPTS_FLOWS_MIN		16
#define OPTS_FLOWS_LIMIT	(1U << 20)
/* IPv6 needs links of at least this MTU (RFC 8200, section 5). */
#define OPTS_IPV6_MTU_MIN	1280
/* Most bytes a string option (hostname=, ...) may have. */
#define OPTS_STR_LEN		(OPTS_STR_MAX - 1)

/* Room for an address in brackets, and for a formatted rule. */
#define OPTS_ADDR_STRLEN	(INET6_ADDRSTRLEN + 2)
#define OPTS_RULE_STRLEN	(2 * OPTS_STR_MAX + 64)

/**
 * struct opts_key - one key of the option string
 * @name:	the key as written
 * @is_bool:	a bare "key" means "key=on"
 * @set:	checks @v and stores it; @v is never NULL
 */
struct opts_key {
	const char *name;
	int is_bool;
	int (*set)(struct user_opts *o, const char *key, const char *v,
		   char *err, size_t errlen);
};

/**
 * opts_fail() - write a one-line error message
 * @err:	buffer for the message, may be NULL
 * @errlen:	its size, may be 0
 * @fmt:	printf format
 *
 * Return: -EINVAL
 */
static int opts_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int opts_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/**
 * opts_quote() - user text made fit for a one-line message
 * @s:		text
 * @buf:	output, OPTS_QUOTE_MAX + 4 bytes
 * @len:	size of @buf
 *
 * Return: @buf: @s with unprintable bytes as '?', cut with "..."
 */
static char *opts_quote(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < OPTS_QUOTE_MAX && i + 4 < len && s[i]; i++)
		buf[i] = (s[i] >= 0x20 && s[i] < 0x7f) ? s[i] : '?';
	if (s[i])
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

/**
 * opts_port() - parse a port number: plain decimal, no leading zero
 * @s:		text, exactly the number
 * @min:	smallest value accepted
 * @port:	set to the port
 *
 * QEMU reads hostfwd= ports with base 0, so "0x16" is 22 and "022" is 18
 * there; we refuse both rather than read them differently.
 *
 * Return: 0, or -EINVAL
 */
static int opts_port(const char *s, unsigned int min, uint16_t *port)
{
	unsigned long v = 0;
	size_t n = strspn(s, "0123456789");

	if (!n || s[n] || n > 5 || (n > 1 && s[0] == '0'))
		return -EINVAL;
	v = strtoul(s, NULL, 10);
	if (v < min || v > 65535)
		return -EINVAL;
	*port = (uint16_t)v;
	return 0;
}

/**
 * opts_uint() - parse a decimal number
 * @s:		text, exactly the number
 * @v:		set to its value
 *
 * Return: 0, or -EINVAL for anything but digits, or a value above UINT_MAX
 */
static int opts_uint(const char *s, unsigned int *v)
{
	size_t n = strspn(s, "0123456789");
	unsigned long long x;

	if (!n || s[n] || n > 10)
		return -EINVAL;
	x = strtoull(s, NULL, 10);
	if (x > 0xffffffffULL)
		return -EINVAL;
	*v = (unsigned int)x;
	return 0;
}

/**
 * opts_addr4() - parse an exact dotted quad
 * @s:		text
 * @a:		set to the address, network order
 *
 * Return: 0, or -EINVAL
 */
static int opts_addr4(const char *s, struct in_addr *a)
{
	uint32_t h;
	int rc;

	rc = inet_addr_parse(s, &h, NULL);
	if (!rc)
		a->s_addr = htonl(h);
	return rc;
}

/**
 * opts_addr6() - parse an IPv6 address
 * @s:		text
 * @a:		set to the address
 *
 * Return: 0, or -EINVAL
 */
static int opts_addr6(const char *s, struct in6_addr *a)
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -EINVAL;
}

/* opts_fmt4() - @a (network order) as text in @buf (INET_ADDRSTRLEN) */
static const char *opts_fmt4(struct in_addr a, char *buf)
{
	return inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN);
}

/* opts_fmt6() - @a as text in @buf (INET6_ADDRSTRLEN) */
static const char *opts_fmt6(const struct in6_addr *a, char *buf)
{
	return inet_ntop(AF_INET6, a, buf, INET6_ADDRSTRLEN);
}

/* opts_masklen() - the prefix length of a contiguous mask (host order) */
static unsigned int opts_masklen(uint32_t m)
{
	unsigned int n = 0;

	while (n < 32 && (m & (0x80000000U >> n)))
		n++;
	return n;
}

/* opts_fmt_net() - the guest network as ADDR/LEN in @buf (32 bytes) */
static const char *opts_fmt_net(const struct user_opts *o, char *buf,
				size_t len)
{
	char a[INET_ADDRSTRLEN];

	snprintf(buf, len, "%s/%u", opts_fmt4(o->net, a),
		 opts_masklen(ntohl(o->mask.s_addr)));
	return buf;
}

/**
 * opts_in_net6() - whether @a lies in the prefix @p/@len
 * @p:		prefix
 * @len:	its length, 0..128
 * @a:		address
 *
 * Return: 1 or 0
 */
static int opts_in_net6(const struct in6_addr *p, unsigned int len,
			const struct in6_addr *a)
{
	unsigned int i;

	for (i = 0; i < 16 && len; i++) {
		unsigned int bits = len < 8 ? len : 8;
		uint8_t m = (uint8_t)(0xff00 >> bits);

		if ((p->s6_addr[i] ^ a->s6_addr[i]) & m)
			return 0;
		len -= bits;
	}
	return 1;
}

/* opts_mask6() - clear the bits of @a after the first @len */
static void opts_mask6(struct in6_addr *a, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < 16; i++) {
		unsigned int bits = len < 8 ? len : 8;

		a->s6_addr[i] &= (uint8_t)(0xff00 >> bits);
		len -= bits;
	}
}

/**
 * opts_classful() - QEMU's netmask for a net= given without one
 * @a:		network address, host order
 *
 * These are net/slirp.c's rules, quirks included (192.0.0.0/3 outside
 * 192.168/16 and 198.18/15 gets a /28, 224.0.0.0/3 a /24).
 *
 * Return: the mask, host order
 */
static uint32_t opts_classful(uint32_t a)
{
	if (!(a & 0x80000000U))
		return 0xff000000U;		/* class A */
	if ((a & 0xfff00000U) == 0xac100000U)
		return 0xfff00000U;		/* 172.16.0.0/12 */
	if ((a & 0xc0000000U) == 0x80000000U)
		return 0xffff0000U;		/* class B */
	if ((a & 0xffff0000U) == 0xc0a80000U)
		return 0xffff0000U;		/* 192.168.0.0/16 */
	if ((a & 0xffff0000U) == 0xc6120000U)
		return 0xfffe0000U;		/* 198.18.0.0/15 */
	if ((a & 0xe0000000U) == 0xe0000000U)
		return 0xffffff00U;
	return 0xfffffff0U;
}

/**
 * opts_set_net() - net=ADDR[/LEN|/MASK], and the legacy ip=ADDR (a /24)
 * @o:		options
 * @key:	"net" or "ip"
 * @v:		value
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_net(struct user_opts *o, const char *key, const char *v,
			char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4], addr[INET_ADDRSTRLEN];
	const char *slash = strchr(v, '/'), *t;
	size_t alen = slash ? (size_t)(slash - v) : strlen(v);
	struct in_addr a;
	uint32_t n, m;
	unsigned int len;

	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	if (opts_addr4(addr, &a))
		goto bad_addr;
	n = ntohl(a.s_addr);

	if (!strcmp(key, "ip")) {
		if (slash)
			goto bad_addr;
		m = 0xffffff00U;
	} else if (!slash) {
		m = opts_classful(n);
	} else {
		t = slash + 1;
		if (strspn(t, "0123456789") == strlen(t)) {
			/* QEMU reads "" as 0: out of range too */
			if (opts_uint(t, &len) || len < 4 || len > 32)
				goto bad_len;
			m = 0xffffffffU << (32 - len);
		} else {
			if (opts_addr4(t, &a))
				return opts_fail(err, errlen,
						 "Failed to parse netmask (trailing chars): %s=%s",
						 key, opts_quote(v, q, sizeof(q)));
			m = ntohl(a.s_addr);
			len = opts_masklen(m);
			if (len < 32 && (m << len))
				return opts_fail(err, errlen,
						 "Invalid netmask provided (not contiguous): %s=%s",
						 key, opts_quote(v, q, sizeof(q)));
			if (len < 4)
				goto bad_len;
		}
	}
	o->net.s_addr = htonl(n & m);
	o->mask.s_addr = htonl(m);
	o->given |= OPTS_G_NET;
	return 0;

bad_addr:
	return opts_fail(err, errlen, "Failed to parse netmask: %s=%s", key,
			 opts_quote(v, q, sizeof(q)));
bad_len:
	return opts_fail(err, errlen,
			 "Invalid netmask provided (must be in range 4-32): %s=%s",
			 key, opts_quote(v, q, sizeof(q)));
}

/**
 * opts_set_addr4() - host=, dns=, dhcpstart=
 * @o:		options
 * @key:	the key
 * @v:		value
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_addr4(struct user_opts *o, const char *key,
			  const char *v, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4];
	struct in_addr a;
	const char *what;

	if (!strcmp(key, "host"))
		what = "host";
	else if (!strcmp(key, "dns"))
		what = "DNS";
	else
		what = "DHCP start address";
	if (opts_addr4(v, &a))
		return opts_fail(err, errlen, "Failed to parse %s: %s=%s",
				 what, key, opts_quote(v, q, sizeof(q)));
	if (!strcmp(key, "host")) {
		o->host = a;
		o->given |= OPTS_G_HOST;
	} else if (!strcmp(key, "dns")) {
		o->dns = a;
		o->given |= OPTS_G_DNS;
	} else {
		o->dhcpstart = a;
		o->given |= OPTS_G_DHCP;
	}
	return 0;
}

/**
 * opts_set_net6() - ipv6-net=ADDR[/LEN], ipv6-prefix=ADDR
 * @o:		options
 * @key:	"ipv6-net" or "ipv6-prefix"
 * @v:		value
 * @err:	error message buffer
 * @errlen:	its size
 *
 * The length is checked by opts_finish(), as QEMU does, whichever of
 * ipv6-net= and ipv6-prefixlen= gave it.
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_net6(struct user_opts *o, const char *key,
			 const char *v, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4], addr[INET6_ADDRSTRLEN];
	const char *slash = strchr(v, '/');
	size_t alen = slash ? (size_t)(slash - v) : strlen(v);
	struct in6_addr a;
	unsigned int len = 64;

	if (slash && !strcmp(key, "ipv6-prefix"))
		alen = sizeof(addr);	/* no length in ipv6-prefix= */
	if (alen >= sizeof(addr))
		goto bad_addr;
	memcpy(addr, v, alen);
	addr[alen] = '\0';
	if (opts_addr6(addr, &a))
		goto bad_addr;
	if (slash && opts_uint(slash + 1, &len))
		return opts_fail(err, errlen,
				 "Parameter 'ipv6-prefixlen' expects a number: %s=%s",
				 key, opts_quote(v, q, sizeof(q)));
	o->net6 = a;
	o->given |= OPTS_G_NET6;
	if (!strcmp(key, "ipv6-net")) {
		o->net6_len = len;
		o->given |= OPTS_G_NET6_LEN;
	}
	return 0;

bad_addr:
	return opts_fail(err, errlen, "Failed to parse IPv6 prefix: %s=%s", key,
			 opts_quote(v, q, sizeof(q)));
}

/* opts_set_prefixlen() - ipv6-prefixlen=LEN; see opts_set_net6() */
static int opts_set_prefixlen(struct user_opts *o, const char *key,
			      const char *v, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4];
	unsigned int len;

	if (opts_uint(v, &len))
		return opts_fail(err, errlen,
				 "Parameter 'ipv6-prefixlen' expects a number: %s=%s",
				 key, opts_quote(v, q, sizeof(q)));
	o->net6_len = len;
	o->given |= OPTS_G_NET6_LEN;
	return 0;
}

/* opts_set_addr6() - ipv6-host=, ipv6-dns= */
static int opts_set_addr6(struct user_opts *o, const char *key,
			  const char *v, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4];
	int is_host = !strcmp(key, "ipv6-host");
	struct in6_addr a;

	if (opts_addr6(v, &a))
		return opts_fail(err, errlen, "Failed to parse IPv6 %s: %s=%s",
				 is_host ? "host" : "DNS", key,
				 opts_quote(v, q, sizeof(q)));
	if (is_host) {
		o->host6 = a;
		o->given |= OPTS_G_HOST6;
	} else {
		o->dns6 = a;
		o->given |= OPTS_G_DNS6;
	}
	return 0;
}

/**
 * opts_set_bool() - restrict=, ipv4=, ipv6=, no-host-loopback=
 * @o:		options
 * @key:	the key
 * @v:		value: on|yes|true|y or off|no|false|n, as QEMU's
 *		qapi_bool_parse() takes
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_bool(struct user_opts *o, const char *key, const char *v,
			 char *err, size_t errlen)
{
	static const char *const on[] = { "on", "yes", "true", "y" };
	static const char *const off[] = { "off", "no", "false", "n" };
	char q[OPTS_QUOTE_MAX + 4];
	int b = -1;
	size_t i;

	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (!strcmp(v, on[i]))
			b = 1;
		if (!strcmp(v, off[i]))
			b = 0;
	}
	if (b < 0)
		return opts_fail(err, errlen,
				 "Parameter '%s' expects 'on' or 'off': %s=%s",
				 key, key, opts_quote(v, q, sizeof(q)));
	if (!strcmp(key, "restrict")) {
		o->restrict_ = b;
	} else if (!strcmp(key, "ipv4")) {
		o->ipv4 = b;
		o->given |= OPTS_G_IPV4;
	} else if (!strcmp(key, "ipv6")) {
		o->ipv6 = b;
		o->given |= OPTS_G_IPV6;
	} else {
		o->no_host_loopback = b;
	}
	return 0;
}

/**
 * opts_set_str() - hostname=, domainname=, tftp=, tftp-server-name=,
 *		    bootfile=
 * @o:		options
 * @key:	the key
 * @v:		value
 * @err:	error message buffer
 * @errlen:	its size
 *
 * QEMU's limit is 255 bytes for each (a DHCP option's length is one
 * byte); we hold every one to it.
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_str(struct user_opts *o, const char *key, const char *v,
			char *err, size_t errlen)
{
	char *dst;

	if (!strcmp(key, "hostname"))
		dst = o->hostname;
	else if (!strcmp(key, "domainname"))
		dst = o->domainname;
	else if (!strcmp(key, "tftp"))
		dst = o->tftp;
	else if (!strcmp(key, "tftp-server-name"))
		dst = o->tftp_server_name;
	else
		dst = o->bootfile;

	if (dst == o->domainname && !*v)
		return opts_fail(err, errlen,
				 "'domainname' parameter cannot be empty");
	if (strlen(v) > OPTS_STR_LEN)
		return opts_fail(err, errlen,
				 "'%s' parameter cannot exceed %u bytes", key,
				 OPTS_STR_LEN);
	memcpy(dst, v, strlen(v) + 1);
	return 0;
}

/**
 * opts_set_search() - dnssearch=NAME, repeatable (DHCP option 119)
 * @o:		options
 * @key:	"dnssearch"
 * @v:		a domain name, a final dot allowed and dropped
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_search(struct user_opts *o, const char *key,
			   const char *v, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4], name[OPTS_STR_MAX];
	size_t n = strlen(v);
	const char *why = NULL;

	if (o->nsearch >= OPTS_SEARCH_MAX)
		return opts_fail(err, errlen,
				 "Too many '%s' values (at most %u)", key,
				 OPTS_SEARCH_MAX);
	if (n && v[n - 1] == '.')
		n--;
	if (n >= sizeof(name)) {
		why = "a domain name is at most 253 characters long";
	} else {
		memcpy(name, v, n);
		name[n] = '\0';
		inet_domain_check(name, &why);
	}
	if (why)
		return opts_fail(err, errlen, "Invalid '%s' name (%s): %s=%s",
				 key, why, key, opts_quote(v, q, sizeof(q)));
	memcpy(o->search[o->nsearch++], name, n + 1);
	return 0;
}

/**
 * opts_set_num() - mtu=, max-flows= (ours)
 * @o:		options
 * @key:	the key
 * @v:		value
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_set_num(struct user_opts *o, const char *key, const char *v,
			char *err, size_t errlen)
{
	int is_mtu = !strcmp(key, "mtu");
	unsigned int min = is_mtu ? OPTS_MTU_MIN : OPTS_FLOWS_MIN;
	unsigned int max = is_mtu ? OPTS_MTU_MAX : OPTS_FLOWS_LIMIT;
	char q[OPTS_QUOTE_MAX + 4];
	unsigned int n;

	if (opts_uint(v, &n) || n < min || n > max)
		return opts_fail(err, errlen,
				 "Parameter '%s' expects a number from %u to %u: %s=%s",
				 key, min, max, key, opts_quote(v, q, sizeof(q)));
	if (is_mtu)
		o->mtu = n;
	else
		o->flows_max = n;
	return 0;
}

/**
 * opts_addr_in() - parse one address of a forwarding rule
 * @s:		text: the rest of the rule, starting at the address
 * @sep:	the separator after the address
 * @a:		set to the address, v4-mapped for IPv4; in6addr_any when
 *		empty
 * @empty:	set to 1 when the address is empty
 * @end:	set to the separator's position
 *
 * An IPv6 address is written in brackets, "[::1]".
 *
 * Return: 0; -EINVAL for a bad address; -ENOENT when @sep is missing
 */
static int opts_addr_in(const char *s, char sep, struct in6_addr *a,
			int *empty, const char **end)
{
	char buf[INET6_ADDRSTRLEN];
	const char *e;
	struct in_addr a4;
	size_t n;

	*empty = 0;
	if (*s == '[') {
		e = strchr(s, ']');
		if (!e)
			return -EINVAL;
		n = (size_t)(e - s - 1);
		if (n >= sizeof(buf))
			return -EINVAL;
		memcpy(buf, s + 1, n);
		buf[n] = '\0';
		if (opts_addr6(buf, a))
			return -EINVAL;
		if (e[1] != sep)
			return -ENOENT;
		*end = e + 1;
		return 0;
	}
	e = strchr(s, sep);
	if (!e)
		return -ENOENT;
	n = (size_t)(e - s);
	*end = e;
	if (!n) {
		*a = in6addr_any;
		*empty = 1;
		return 0;
	}
	if (n >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (opts_addr4(buf, &a4))
		return -EINVAL;
	*a = inany_from4(a4);
	return 0;
}

/**
 * opts_fwd_scan() - the syntax of a hostfwd= rule
 * @f:		set to the rule, the guest address not defaulted yet
 * @s:		[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport
 * @why:	set to QEMU's reason when refused
 *
 * Return: 0, or -EINVAL
 */
static int opts_fwd_scan(struct opts_fwd *f, const char *s, const char **why)
{
	const char *p, *e;
	char port[8];
	size_t n;
	int rc;

	memset(f, 0, sizeof(*f));
	e = strchr(s, ':');
	if (!e) {
		*why = "No : separators";
		return -EINVAL;
	}
	n = (size_t)(e - s);
	if (n == 3 && !strncmp(s, "udp", 3)) {
		f->udp = 1;
	} else if (n == 4 && !strncmp(s, "unix", 4)) {
		*why = "unix: host sockets are not supported";
		return -EINVAL;
	} else if (n && !(n == 3 && !strncmp(s, "tcp", 3))) {
		*why = "Bad protocol name";
		return -EINVAL;
	}

	p = e + 1;
	rc = opts_addr_in(p, ':', &f->host, &f->host_any, &e);
	if (rc) {
		*why = rc == -ENOENT ? "Missing : separator" :
				       "Bad host address";
		return -EINVAL;
	}

	p = e + 1;
	e = strchr(p, '-');
	if (!e) {
		*why = "Bad host port separator";
		return -EINVAL;
	}
	n = (size_t)(e - p);
	if (n >= sizeof(port)) {
		*why = "Bad host port";
		return -EINVAL;
	}
	memcpy(port, p, n);
	port[n] = '\0';
	if (opts_port(port, 0, &f->host_port)) {
		*why = "Bad host port";
		return -EINVAL;
	}

	p = e + 1;
	rc = opts_addr_in(p, ':', &f->guest, &f->guest_any, &e);
	if (rc) {
		*why = rc == -ENOENT ? "Missing guest address" :
				       "Bad guest address";
		return -EINVAL;
	}
	/* 0.0.0.0 and [::] mean "the default", as an empty address */
	if (inany_is_unspec(&f->guest)) {
		f->guest = in6addr_any;
		f->guest_any = 1;
	}
	if (opts_port(e + 1, 1, &f->guest_port)) {
		*why = "Bad guest port";
		return -EINVAL;
	}
	return 0;
}

/**
 * opts_fwd_resolve() - default and check a rule's guest address
 * @f:		rule
 * @o:		finished options
 * @why:	set to the reason when refused
 *
 * Return: 0, or -EINVAL
 */
static int opts_fwd_resolve(struct opts_fwd *f, const struct user_opts *o,
			    const char **why)
{
	struct in_addr g;

	if (f->guest_any) {
		if (!o->ipv4) {
			*why = "IPv4 disabled: a guest address is needed";
			return -EINVAL;
		}
		f->guest = inany_from4(o->dhcpstart);
		return 0;
	}
	if (inany_is4(&f->guest)) {
		g = inany_to4(&f->guest);
		if (!o->ipv4) {
			*why = "IPv4 disabled";
			return -EINVAL;
		}
		if ((g.s_addr & o->mask.s_addr) != o->net.s_addr) {
			*why = "Guest address doesn't belong to network";
			return -EINVAL;
		}
		return 0;
	}
	if (!o->ipv6) {
		*why = "IPv6 disabled";
		return -EINVAL;
	}
	if (!opts_in_net6(&o->net6, o->net6_len, &f->guest)) {
		*why = "Guest address doesn't belong to IPv6 network";
		return -EINVAL;
	}
	return 0;
}

/**
 * opts_fwd_parse() - parse a hostfwd= rule
 * @f:		set to the rule
 * @str:	[tcp|udp]:[hostaddr]:hostport-[guestaddr]:guestport; either
 *		address may be an IPv6 one in brackets
 * @o:		finished options: an empty guest address becomes the first
 *		DHCP address, and a given one must be in the guest network.
 *		NULL to check the syntax only (the guest address stays
 *		in6addr_any, @guest_any set)
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL with "Invalid host forwarding rule '...' (...)"
 */
int opts_fwd_parse(struct opts_fwd *f, const char *str,
		   const struct user_opts *o, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4];
	const char *why = NULL;
	struct opts_fwd r;

	if (opts_fwd_scan(&r, str, &why) || (o && opts_fwd_resolve(&r, o, &why)))
		return opts_fail(err, errlen,
				 "Invalid host forwarding rule '%s' (%s)",
				 opts_quote(str, q, sizeof(q)), why);
	*f = r;
	return 0;
}

/**
 * opts_addr_fmt() - an address of a rule as text
 * @a:		address, v4-mapped for IPv4
 * @empty:	write nothing (the address was left empty)
 * @buf:	output, OPTS_ADDR_STRLEN bytes
 *
 * Return: @buf: "", "a.b.c.d", or "[v6]"
 */
static const char *opts_addr_fmt(const struct in6_addr *a, int empty,
				 char *buf)
{
	char t[INET6_ADDRSTRLEN];

	if (empty)
		buf[0] = '\0';
	else if (inany_is4(a))
		opts_fmt4(inany_to4(a), buf);
	else
		snprintf(buf, OPTS_ADDR_STRLEN, "[%s]", opts_fmt6(a, t));
	return buf;
}

/**
 * opts_fwd_format() - write a hostfwd= rule in its canonical form
 * @f:		rule
 * @buf:	output
 * @len:	size of @buf
 *
 * "tcp:127.0.0.1:2222-10.0.2.15:22", "udp:[::1]:53-10.0.2.15:53",
 * "tcp::2222-10.0.2.15:22" when listening on every address; the guest
 * address is left empty only while it is still unresolved.  The output
 * parses back into the same rule.
 *
 * Return: the length written (without the NUL), or -ENOSPC
 */
int opts_fwd_format(const struct opts_fwd *f, char *buf, size_t len)
{
	char h[OPTS_ADDR_STRLEN], g[OPTS_ADDR_STRLEN];
	int n;

	if (!buf || !len)
		return -ENOSPC;
	opts_addr_fmt(&f->host, f->host_any, h);
	opts_addr_fmt(&f->guest, inany_is_unspec(&f->guest), g);
	n = snprintf(buf, len, "%s:%s:%u-%s:%u", f->udp ? "udp" : "tcp", h,
		     f->host_port, g, f->guest_port);
	if (n < 0 || (size_t)n >= len) {
		buf[0] = '\0';
		return -ENOSPC;
	}
	return n;
}

/* opts_set_hostfwd() - hostfwd=RULE, repeatable; see opts_fwd_parse() */
static int opts_set_hostfwd(struct user_opts *o, const char *key,
			    const char *v, char *err, size_t errlen)
{
	int rc;

	(void)key;
	if (o->nfwd >= OPTS_FWD_MAX)
		return opts_fail(err, errlen,
				 "Too many host forwarding rules (at most %u)",
				 OPTS_FWD_MAX);
	rc = opts_fwd_parse(&o->fwd[o->nfwd], v, NULL, err, errlen);
	if (!rc)
		o->nfwd++;
	return rc;
}

/**
 * opts_target_ok() - whether a guestfwd= target is HOST:PORT
 * @t:		text; HOST is a name, a dotted quad or [IPv6]
 *
 * Return: 1 or 0
 */
static int opts_target_ok(const char *t)
{
	const char *c = strrchr(t, ':');
	char host[OPTS_STR_MAX];
	struct in6_addr a6;
	uint16_t port;
	uint32_t a4;
	size_t n;

	if (!c || opts_port(c + 1, 1, &port))
		return 0;
	n = (size_t)(c - t);
	if (!n || n >= sizeof(host))
		return 0;
	memcpy(host, t, n);
	host[n] = '\0';
	if (host[0] == '[') {
		if (n < 3 || host[n - 1] != ']')
			return 0;
		host[n - 1] = '\0';
		return !opts_addr6(host + 1, &a6);
	}
	return !inet_addr_parse(host, &a4, NULL) ||
	       !inet_domain_check(host, NULL);
}

/**
 * opts_set_guestfwd() - guestfwd=RULE, repeatable
 * @o:		options
 * @key:	"guestfwd"
 * @v:		[tcp]:[server]:port-cmd:COMMAND, or
 *		[tcp]:[server]:port-[tcp:]HOST:PORT (ours, in place of
 *		QEMU's character devices)
 * @err:	error message buffer
 * @errlen:	its size
 *
 * An empty server is resolved by opts_finish(), as libslirp does, to
 * address .4 of the guest network.
 *
 * Return: 0, or -EINVAL with "Invalid guest forwarding rule '...'"
 */
static int opts_set_guestfwd(struct user_opts *o, const char *key,
			     const char *v, char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4], buf[INET_ADDRSTRLEN];
	struct opts_guestfwd *g;
	const char *p = v, *e, *why = NULL;
	size_t n;

	(void)key;
	if (o->ngfwd >= OPTS_GUESTFWD_MAX)
		return opts_fail(err, errlen,
				 "Too many guest forwarding rules (at most %u)",
				 OPTS_GUESTFWD_MAX);
	g = &o->gfwd[o->ngfwd];
	memset(g, 0, sizeof(*g));

	e = strchr(p, ':');
	if (!e || (e != p && (e - p != 3 || strncmp(p, "tcp", 3))))
		goto bad;
	p = e + 1;
	e = strchr(p, ':');
	n = e ? (size_t)(e - p) : 0;
	if (!e || n >= sizeof(buf))
		goto bad;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (n && opts_addr4(buf, &g->addr))
		goto bad;
	p = e + 1;
	e = strchr(p, '-');
	n = e ? (size_t)(e - p) : 0;
	if (!e || n >= sizeof(buf))
		goto bad;
	memcpy(buf, p, n);
	buf[n] = '\0';
	if (opts_port(buf, 1, &g->port))
		goto bad;
	p = e + 1;

	if (!strncmp(p, "cmd:", 4)) {
		p += 4;
		if (!*p)
			why = "empty command";
		else if (strlen(p) > OPTS_STR_LEN)
			why = "command longer than 255 bytes";
		else
			memcpy(g->cmd, p, strlen(p) + 1);
	} else {
		if (!strncmp(p, "tcp:", 4))
			p += 4;
		if (strlen(p) > OPTS_STR_LEN)
			why = "target longer than 255 bytes";
		else if (!opts_target_ok(p))
			why = "the target must be cmd:COMMAND or HOST:PORT";
		else
			memcpy(g->target, p, strlen(p) + 1);
	}
	if (why)
		return opts_fail(err, errlen,
				 "Invalid guest forwarding rule '%s' (%s)",
				 opts_quote(v, q, sizeof(q)), why);
	o->ngfwd++;
	return 0;

bad:
	return opts_fail(err, errlen, "Invalid guest forwarding rule '%s'",
			 opts_quote(v, q, sizeof(q)));
}

/* opts_set_ignore() - id=, which names the netdev in QEMU */
static int opts_set_ignore(struct user_opts *o, const char *key,
			   const char *v, char *err, size_t errlen)
{
	(void)o;
	(void)key;
	(void)v;
	(void)err;
	(void)errlen;
	return 0;
}

/* opts_set_type() - type=user, from a pasted "-netdev type=user,..." */
static int opts_set_type(struct user_opts *o, const char *key, const char *v,
			 char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4];

	(void)o;
	if (strcmp(v, "user"))
		return opts_fail(err, errlen,
				 "Parameter '%s' expects 'user': %s=%s", key,
				 key, opts_quote(v, q, sizeof(q)));
	return 0;
}

/* opts_set_smb() - smb=, smbserver=: QEMU runs smbd; we do not */
static int opts_set_smb(struct user_opts *o, const char *key, const char *v,
			char *err, size_t errlen)
{
	(void)o;
	(void)v;
	return opts_fail(err, errlen,
			 "Parameter '%s' is not supported by tapir user "
			 "(it has no built-in SMB server)", key);
}

static const struct opts_key opts_keys[] = {
	{ "id",			0, opts_set_ignore },
	{ "type",		0, opts_set_type },
	{ "net",		0, opts_set_net },
	{ "ip",			0, opts_set_net },
	{ "host",		0, opts_set_addr4 },
	{ "dns",		0, opts_set_addr4 },
	{ "dhcpstart",		0, opts_set_addr4 },
	{ "dnssearch",		0, opts_set_search },
	{ "domainname",		0, opts_set_str },
	{ "hostname",		0, opts_set_str },
	{ "restrict",		1, opts_set_bool },
	{ "hostfwd",		0, opts_set_hostfwd },
	{ "guestfwd",		0, opts_set_guestfwd },
	{ "ipv4",		1, opts_set_bool },
	{ "ipv6",		1, opts_set_bool },
	{ "ipv6-net",		0, opts_set_net6 },
	{ "ipv6-prefix",	0, opts_set_net6 },
	{ "ipv6-prefixlen",	0, opts_set_prefixlen },
	{ "ipv6-host",		0, opts_set_addr6 },
	{ "ipv6-dns",		0, opts_set_addr6 },
	{ "tftp",		0, opts_set_str },
	{ "tftp-server-name",	0, opts_set_str },
	{ "bootfile",		0, opts_set_str },
	{ "smb",		0, opts_set_smb },
	{ "smbserver",		0, opts_set_smb },
	{ "mtu",		0, opts_set_num },
	{ "no-host-loopback",	1, opts_set_bool },
	{ "max-flows",		0, opts_set_num },
};

/**
 * opts_defaults() - QEMU's defaults, and ours
 * @o:		options to fill
 */
void opts_defaults(struct user_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->ipv4 = 1;
	o->ipv6 = 1;
	o->net.s_addr = htonl(0x0a000200);		/* 10.0.2.0 */
	o->mask.s_addr = htonl(0xffffff00);		/* /24 */
	o->host.s_addr = htonl(0x0a000202);		/* 10.0.2.2 */
	o->dns.s_addr = htonl(0x0a000203);		/* 10.0.2.3 */
	o->dhcpstart.s_addr = htonl(0x0a00020f);	/* 10.0.2.15 */
	o->net6.s6_addr[0] = 0xfe;			/* fec0::/64 */
	o->net6.s6_addr[1] = 0xc0;
	o->net6_len = 64;
	o->host6 = o->net6;				/* fec0::2 */
	o->host6.s6_addr[15] = 2;
	o->dns6 = o->net6;				/* fec0::3 */
	o->dns6.s6_addr[15] = 3;
	o->mtu = 1500;
	o->flows_max = OPTS_FLOWS_DEFAULT;
}

/**
 * opts_set() - set one option
 * @o:		options
 * @key:	key, as in the option string ("net", "hostfwd", ...)
 * @value:	value as is (no ",," unescaping), or NULL for a bare key,
 *		which means "on" for on/off keys and is an error otherwise
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
int opts_set(struct user_opts *o, const char *key, const char *value,
	     char *err, size_t errlen)
{
	char q[OPTS_QUOTE_MAX + 4];
	size_t i;

	for (i = 0; i < sizeof(opts_keys) / sizeof(opts_keys[0]); i++) {
		const struct opts_key *k = &opts_keys[i];

		if (strcmp(key, k->name))
			continue;
		if (!value && !k->is_bool)
			return opts_fail(err, errlen,
					 "Parameter '%s' expects a value",
					 key);
		return k->set(o, key, value ? value : "on", err, errlen);
	}
	return opts_fail(err, errlen, "Invalid parameter '%s'",
			 opts_quote(key, q, sizeof(q)));
}

/**
 * opts_parse() - apply a QEMU "-netdev user" option string
 * @o:		options, already given their defaults
 * @str:	"key=value,key=value,...": a ",," in a value is one ','; a
 *		bare "key" is "key=on"; a first word "user" is skipped
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Stops at the first bad item; @o may then hold the items before it.
 *
 * Return: 0, or -EINVAL
 */
int opts_parse(struct user_opts *o, const char *str, char *err,
	       size_t errlen)
{
	char key[OPTS_KEY_MAX], val[OPTS_VAL_MAX], q[OPTS_QUOTE_MAX + 4];
	const char *p = str;
	int first = 1, has_val, rc = 0;
	size_t n;

	while (*p && !rc) {
		n = strcspn(p, "=,");
		if (n >= sizeof(key)) {
			memcpy(key, p, sizeof(key) - 1);
			key[sizeof(key) - 1] = '\0';
			return opts_fail(err, errlen,
					 "Invalid parameter '%s...'",
					 opts_quote(key, q, sizeof(q)));
		}
		memcpy(key, p, n);
		key[n] = '\0';
		p += n;

		has_val = *p == '=';
		if (has_val) {
			p++;
			for (n = 0; *p && !(*p == ',' && p[1] != ','); n++) {
				if (n + 1 >= sizeof(val))
					return opts_fail(err, errlen,
							 "Parameter '%s' value is too long",
							 key);
				if (*p == ',')
					p++;	/* ",," is one ',' */
				val[n] = *p++;
			}
			val[n] = '\0';
		}
		if (*p == ',')
			p++;

		if (!(first && !has_val && !strcmp(key, "user")))
			rc = opts_set(o, key, has_val ? val : NULL, err,
				      errlen);
		first = 0;
	}
	return rc;
}

/**
 * opts_finish_net4() - derive host, DNS and DHCP start; QEMU's checks
 * @o:		options
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_finish_net4(struct user_opts *o, char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN], nb[32];
	uint32_t n = ntohl(o->net.s_addr), m = ntohl(o->mask.s_addr);

	if (!(o->given & OPTS_G_HOST))
		o->host.s_addr = htonl(n | (0x0202U & ~m));
	if (!(o->given & OPTS_G_DNS))
		o->dns.s_addr = htonl(n | (0x0203U & ~m));
	if (!(o->given & OPTS_G_DHCP))
		o->dhcpstart.s_addr = htonl(n | (0x020fU & ~m));

	if ((o->host.s_addr & o->mask.s_addr) != o->net.s_addr)
		return opts_fail(err, errlen,
				 "Host doesn't belong to network: host=%s net=%s",
				 opts_fmt4(o->host, a), opts_fmt_net(o, nb, sizeof(nb)));
	if (o->restrict_ &&
	    (o->dns.s_addr & o->mask.s_addr) != o->net.s_addr)
		return opts_fail(err, errlen,
				 "DNS doesn't belong to network: dns=%s net=%s",
				 opts_fmt4(o->dns, a), opts_fmt_net(o, nb, sizeof(nb)));
	if (o->dns.s_addr == o->host.s_addr)
		return opts_fail(err, errlen,
				 "DNS must be different from host: dns=%s host=%s",
				 opts_fmt4(o->dns, a), opts_fmt4(o->host, b));
	if ((o->dhcpstart.s_addr & o->mask.s_addr) != o->net.s_addr)
		return opts_fail(err, errlen,
				 "DHCP doesn't belong to network: dhcpstart=%s net=%s",
				 opts_fmt4(o->dhcpstart, a),
				 opts_fmt_net(o, nb, sizeof(nb)));
	if (o->dhcpstart.s_addr == o->host.s_addr ||
	    o->dhcpstart.s_addr == o->dns.s_addr)
		return opts_fail(err, errlen,
				 "DHCP must be different from host and DNS: dhcpstart=%s",
				 opts_fmt4(o->dhcpstart, a));
	return 0;
}

/**
 * opts_finish_net6() - the IPv6 prefix, host and DNS; QEMU's checks
 * @o:		options
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_finish_net6(struct user_opts *o, char *err, size_t errlen)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (!o->net6_len)
		o->net6_len = 64;	/* QEMU: 0 is "not given" */
	if (o->net6_len > 126)
		return opts_fail(err, errlen,
				 "Invalid IPv6 prefix provided (IPv6 prefix length must be between 0 and 126): ipv6-prefixlen=%u",
				 o->net6_len);
	opts_mask6(&o->net6, o->net6_len);

	if (o->given & OPTS_G_HOST6) {
		if (!opts_in_net6(&o->net6, o->net6_len, &o->host6))
			return opts_fail(err, errlen,
					 "IPv6 Host doesn't belong to network: ipv6-host=%s ipv6-net=%s/%u",
					 opts_fmt6(&o->host6, a),
					 opts_fmt6(&o->net6, b), o->net6_len);
	} else {
		o->host6 = o->net6;
		o->host6.s6_addr[15] |= 2;
	}
	if (o->given & OPTS_G_DNS6) {
		if (o->restrict_ &&
		    !opts_in_net6(&o->net6, o->net6_len, &o->dns6))
			return opts_fail(err, errlen,
					 "IPv6 DNS doesn't belong to network: ipv6-dns=%s ipv6-net=%s/%u",
					 opts_fmt6(&o->dns6, a),
					 opts_fmt6(&o->net6, b), o->net6_len);
	} else {
		o->dns6 = o->net6;
		o->dns6.s6_addr[15] |= 3;
	}
	if (o->ipv6 && inany_eq(&o->host6, &o->dns6))
		return opts_fail(err, errlen,
				 "IPv6 DNS must be different from IPv6 host: ipv6-dns=%s",
				 opts_fmt6(&o->dns6, a));
	return 0;
}

/**
 * opts_gfwd_format() - a guestfwd= rule as text, for messages
 * @g:		rule
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf
 */
static const char *opts_gfwd_format(const struct opts_guestfwd *g, char *buf,
				    size_t len)
{
	char a[INET_ADDRSTRLEN] = "";

	if (g->addr.s_addr)
		opts_fmt4(g->addr, a);
	if (g->cmd[0])
		snprintf(buf, len, "tcp:%s:%u-cmd:%s", a, g->port, g->cmd);
	else
		snprintf(buf, len, "tcp:%s:%u-%s", a, g->port, g->target);
	return buf;
}

/**
 * opts_finish_fwd() - resolve and check hostfwd= and guestfwd= rules
 * @o:		options, addresses finished
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Return: 0, or -EINVAL
 */
static int opts_finish_fwd(struct user_opts *o, char *err, size_t errlen)
{
	char r[OPTS_RULE_STRLEN], q[OPTS_QUOTE_MAX + 4];
	uint32_t n = ntohl(o->net.s_addr), m = ntohl(o->mask.s_addr);
	const char *why = NULL;
	unsigned int i, j;

	for (i = 0; i < o->nfwd; i++) {
		struct opts_fwd *f = &o->fwd[i];

		opts_fwd_format(f, r, sizeof(r));
		if (opts_fwd_resolve(f, o, &why))
			return opts_fail(err, errlen,
					 "Invalid host forwarding rule '%s' (%s)",
					 opts_quote(r, q, sizeof(q)), why);
		for (j = 0; j < i; j++) {
			const struct opts_fwd *e = &o->fwd[j];

			if (e->udp == f->udp && e->host_port == f->host_port &&
			    f->host_port && e->host_any == f->host_any &&
			    inany_eq(&e->host, &f->host))
				return opts_fail(err, errlen,
						 "Could not set up host forwarding rule '%s' (its host address and port are taken by an earlier rule)",
						 opts_quote(r, q, sizeof(q)));
		}
	}

	for (i = 0; i < o->ngfwd; i++) {
		struct opts_guestfwd *g = &o->gfwd[i];

		if (!o->ipv4)
			return opts_fail(err, errlen,
					 "Invalid guest forwarding rule '%s' (IPv4 disabled)",
					 opts_quote(opts_gfwd_format(g, r, sizeof(r)),
						    q, sizeof(q)));
		if (!g->addr.s_addr)
			g->addr.s_addr = htonl(n | (0x0204U & ~m));
		why = NULL;
		if ((g->addr.s_addr & o->mask.s_addr) != o->net.s_addr ||
		    g->addr.s_addr == o->host.s_addr ||
		    g->addr.s_addr == o->dns.s_addr)
			why = "";
		for (j = 0; j < i; j++)
			if (o->gfwd[j].addr.s_addr == g->addr.s_addr &&
			    o->gfwd[j].port == g->port)
				why = "";
		if (why)
			return opts_fail(err, errlen,
					 "Conflicting/invalid host:port in guest forwarding rule '%s'",
					 opts_quote(opts_gfwd_format(g, r, sizeof(r)),
						    q, sizeof(q)));
	}
	return 0;
}

/**
 * opts_finish() - derive and validate what depends on several options
 * @o:		options, after every opts_parse() and opts_set()
 * @err:	error message buffer
 * @errlen:	its size
 *
 * Calling it again on finished options changes nothing.
 *
 * Return: 0, or -EINVAL
 */
int opts_finish(struct user_opts *o, char *err, size_t errlen)
{
	int rc;

	/* QEMU: naming one family "on", and not the other, means only it */
	if ((o->given & OPTS_G_IPV6) && o->ipv6 && !(o->given & OPTS_G_IPV4))
		o->ipv4 = 0;
	if ((o->given & OPTS_G_IPV4) && o->ipv4 && !(o->given & OPTS_G_IPV6))
		o->ipv6 = 0;

	if (!o->ipv4 && (o->given & (OPTS_G_NET | OPTS_G_HOST | OPTS_G_DNS)))
		return opts_fail(err, errlen,
				 "IPv4 disabled but netmask/host/dns provided");
	if (!o->ipv6 && (o->given & (OPTS_G_NET6 | OPTS_G_HOST6 | OPTS_G_DNS6)))
		return opts_fail(err, errlen,
				 "IPv6 disabled but prefix/host6/dns6 provided");
	if (!o->ipv4 && !o->ipv6)
		return opts_fail(err, errlen, "IPv4 and IPv6 disabled");

	rc = opts_finish_net4(o, err, errlen);
	if (!rc)
		rc = opts_finish_net6(o, err, errlen);
	if (!rc && o->ipv6 && o->mtu < OPTS_IPV6_MTU_MIN)
		rc = opts_fail(err, errlen,
			       "Parameter 'mtu' is below IPv6's minimum of %u (add ipv6=off): mtu=%u",
			       OPTS_IPV6_MTU_MIN, o->mtu);
	if (!rc)
		rc = opts_finish_fwd(o, err, errlen);
	return rc;
}
