// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf.c - tapir.conf: the networks of "tapir net"
 *
 * Theory of operation
 *
 * tapir.conf is an INI file of [network NAME] sections of "key = value"
 * lines (tapir.conf(5) is the user's reference; this is the
 * implementer's).  conf_load() reads it whole into memory, bounded by
 * CONF_FILE_MAX, and conf_load_buf() parses and validates it into a
 * struct conf in which every default is filled in and every value
 * remembers the file and line it came from, so that run-time errors
 * ("uplink eth9 does not exist") can name them too.  A missing file is an
 * empty configuration, not an error; any other failure to read is.
 *
 * Parsing goes through libinih, fed by our own line reader
 * (ini_parse_stream()), because Debian's libinih (r55) is built with
 * defaults that would otherwise misread a file silently:
 *
 * - INI_HANDLER_LINENO is 0: the handler is not told the line number.
 *   The reader counts lines, one per call, and inih calls the handler for
 *   a line before it asks for the next, so the reader's count is the line
 *   of the key being handled, and equals inih's own count, which it
 *   returns for its own syntax errors;
 * - INI_MAX_LINE is 200: inih reads a longer line as several, truncating
 *   the value and misnumbering every later line.  The reader refuses any
 *   line that would not fit in the buffer inih hands it (198 bytes with
 *   200, leaving room for "\n" and NUL), naming the line;
 * - INI_ALLOW_MULTILINE is 1: an indented line after a key continues that
 *   key's value (inih calls the handler again with the same key), as in
 *   Python's configparser.  The reader refuses every indented line but
 *   blank lines and comments, so continuation never happens and
 *   indentation means the same thing everywhere in the file;
 * - INI_CALL_HANDLER_ON_NEW_SECTION is 0: the handler never sees a
 *   section without keys, nor the second of two sections of the same
 *   name.  The reader therefore recognises "[...]" lines itself, starts a
 *   network there, and is stricter than inih: only a ';' comment may
 *   follow the ']' (inih ignores any text there);
 * - inline comments start at a ';' that follows whitespace ("dhcp = on ;
 *   note"); '#' starts a comment only at the start of a line.  Section
 *   names are cut to 49 bytes and a name may be followed by ':' instead
 *   of '=': harmless here, as our own header parse reads the whole name
 *   and "key: value" means what it looks like.
 *
 * A NUL byte in a line is refused too.  Loading stops at the first error,
 * which is reported as "FILE:LINE: message", quoting the offending text
 * with unprintable bytes replaced by '?'.  Whatever inih reports as a
 * syntax error (a line with neither '=' nor ':') is compared by line
 * number with our own first error, and the earlier one wins.
 *
 * A key is checked for syntax on its line (conf_set()); the rules that
 * relate keys to each other, and the defaults that depend on the mode,
 * are applied when the section ends (conf_net_finish()), followed by the
 * checks against the networks before it: no two share a bridge or an
 * uplink, and no two given subnets overlap.  At the end, unless the file
 * defines [network default], the built-in network "default" is put first,
 * and checked against the others in turn.
 *
 * Addresses left out (or written "auto") are picked at "tapir net up"
 * time, with subnet_pick() (lib/subnet.c), and filled in with
 * conf_net_assign(); the parsed configuration says CONF_ADDR_AUTO until
 * then.  conf_print() writes the effective configuration back in the same
 * syntax, every line annotated with its origin in a ';' comment, and
 * reading that output again gives the same configuration.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

/* Longest quoted input in a message before it is cut with "...". */
#define CONF_QUOTE_MAX		64

/**
 * struct conf_parse - state while parsing one file
 * @c:		configuration being filled
 * @buf:	file contents
 * @len:	length of @buf
 * @pos:	offset of the next line in @buf
 * @line:	number of the line last handed to inih
 * @cur:	network of the section being read, NULL before the first
 * @rc:		0, or the -errno of the first error, which stops reading
 * @err_line:	line of the first error, 0 if none or not tied to a line
 */
struct conf_parse {
	struct conf *c;
	const char *buf;
	size_t len;
	size_t pos;
	unsigned int line;
	struct conf_net *cur;
	int rc;
	unsigned int err_line;
};

/**
 * struct conf_keydef - a key of a [network NAME] section
 * @name:	the key as written
 * @parse:	checks a value and stores it in a network
 */
struct conf_keydef {
	const char *name;
	int (*parse)(struct conf_parse *p, struct conf_net *n,
		     const char *val);
};

static const char *const conf_modes[] = {
	[CONF_NAT] = "nat",
	[CONF_ISOLATED] = "isolated",
	[CONF_ROUTED] = "routed",
	[CONF_BRIDGE] = "bridge",
};

/* Subnets no network may use: "this network", loopback, and multicast,
 * reserved and broadcast (224.0.0.0/3). */
static const struct inet_prefix conf_reserved[] = {
	{ 0x00000000, 8 },
	{ 0x7f000000, 8 },
	{ 0xe0000000, 3 },
};

/**
 * conf_quote_n() - copy user text for a message, made printable and short
 * @s:		text
 * @n:		its length
 * @buf:	output
 * @len:	size of @buf, CONF_QUOTE_MAX + 4 for the whole text
 *
 * Return: @buf, the text with unprintable bytes as '?', cut with "..."
 */
static char *conf_quote_n(const char *s, size_t n, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i < n && i < CONF_QUOTE_MAX && i + 4 < len; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (i < n)
		memcpy(buf + i, "...", 4);
	else
		buf[i] = '\0';
	return buf;
}

/**
 * conf_quote() - conf_quote_n() for a whole string
 * @s:		text
 * @buf:	output
 * @len:	size of @buf, CONF_QUOTE_MAX + 4
 *
 * Return: @buf
 */
static char *conf_quote(const char *s, char *buf, size_t len)
{
	return conf_quote_n(s, strlen(s), buf, len);
}

/**
 * conf_fail() - record the first error and stop reading
 * @p:		parse state
 * @rc:		-errno to return
 * @line:	line the error is about, 0 for none
 * @fmt:	printf format of the message
 *
 * Return: @rc
 */
static int conf_fail(struct conf_parse *p, int rc, unsigned int line,
		     const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int conf_fail(struct conf_parse *p, int rc, unsigned int line,
		     const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (p->rc)
		return rc;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(p->c->err, sizeof(p->c->err), "%s:%u: %s",
			 p->c->file, line, msg);
	else
		snprintf(p->c->err, sizeof(p->c->err), "%s", msg);
	p->rc = rc;
	p->err_line = line;
	return rc;
}

/**
 * conf_net_loc() - where to point a user to about a key of a network
 * @n:		network
 * @k:		key
 *
 * Return: the key's location, or the section header's if the key took its
 *	   default (line 0 for the built-in network)
 */
const struct conf_loc *conf_net_loc(const struct conf_net *n, enum conf_key k)
{
	return n->at[k].line ? &n->at[k] : &n->loc;
}

/**
 * conf_key_line() - the line to name for a key of a network
 * @n:		network
 * @k:		key
 *
 * Return: conf_net_loc()'s line
 */
static unsigned int conf_key_line(const struct conf_net *n, enum conf_key k)
{
	return conf_net_loc(n, k)->line;
}

/**
 * conf_lower() - copy an ASCII name in lowercase
 * @dst:	output
 * @src:	name, no longer than @dst can hold
 * @len:	size of @dst
 */
static void conf_lower(char *dst, const char *src, size_t len)
{
	size_t i;

	for (i = 0; src[i] && i + 1 < len; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[i] = '\0';
}

/**
 * conf_parse_mode() - parse "mode"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_mode(struct conf_parse *p, struct conf_net *n,
			   const char *val)
{
	char q[CONF_QUOTE_MAX + 4];
	size_t i;

	for (i = 0; i < sizeof(conf_modes) / sizeof(conf_modes[0]); i++) {
		if (!strcmp(val, conf_modes[i])) {
			n->mode = (enum conf_mode)i;
			return 0;
		}
	}
	return conf_fail(p, -EINVAL, p->line, "bad mode '%s': expected nat, "
			 "isolated, routed or bridge",
			 conf_quote(val, q, sizeof(q)));
}

/**
 * conf_parse_ifname() - parse an interface name
 * @p:		parse state
 * @key:	key, for messages
 * @dst:	output, IFNAME_MAX + 1 bytes
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_ifname(struct conf_parse *p, const char *key,
			     char *dst, const char *val)
{
	char q[CONF_QUOTE_MAX + 4];
	const char *why;

	if (ifname_check(val, &why))
		return conf_fail(p, -EINVAL, p->line, "bad %s '%s': %s", key,
				 conf_quote(val, q, sizeof(q)), why);
	memcpy(dst, val, strlen(val) + 1);
	return 0;
}

/**
 * conf_parse_bridge() - parse "bridge"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_bridge(struct conf_parse *p, struct conf_net *n,
			     const char *val)
{
	return conf_parse_ifname(p, "bridge name", n->bridge, val);
}

/**
 * conf_parse_uplink() - parse "uplink"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_uplink(struct conf_parse *p, struct conf_net *n,
			     const char *val)
{
	return conf_parse_ifname(p, "uplink name", n->uplink, val);
}

/**
 * conf_parse_address() - parse "address": auto, or the host's ADDRESS/LEN
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_address(struct conf_parse *p, struct conf_net *n,
			      const char *val)
{
	char q[CONF_QUOTE_MAX + 4], a[INET_PREFIX_STRLEN];
	char h[INET_PREFIX_STRLEN];
	struct inet_prefix pfx, net;
	const char *why;
	size_t i;

	if (!strcmp(val, "auto")) {
		n->addr_state = CONF_ADDR_AUTO;
		return 0;
	}
	conf_quote(val, q, sizeof(q));
	if (inet_prefix_parse(val, &pfx, &why))
		return conf_fail(p, -EINVAL, p->line, "bad address '%s': %s%s",
				 q, why, strchr(val, '/') ? "" : " (write the "
				 "host's address with the subnet's prefix "
				 "length, such as 10.0.0.1/24)");
	if (pfx.len < 8 || pfx.len > 30)
		return conf_fail(p, -EINVAL, p->line, "bad address '%s': the "
				 "prefix length must be from 8 to 30", q);
	net.addr = inet_prefix_network(&pfx);
	net.len = pfx.len;
	for (i = 0; i < sizeof(conf_reserved) / sizeof(conf_reserved[0]); i++)
		if (inet_prefix_overlap(&net, &conf_reserved[i]))
			return conf_fail(p, -EINVAL, p->line, "bad address "
					 "'%s': %s is not a unicast subnet "
					 "(0.0.0.0/8, 127.0.0.0/8 and "
					 "224.0.0.0/3 are reserved)", q,
					 inet_prefix_fmt(&net, a, sizeof(a)));
	if (!inet_prefix_is_host(&pfx, pfx.addr))
		return conf_fail(p, -EINVAL, p->line, "bad address '%s': that "
				 "is the %s address of %s; give the host's own "
				 "address, such as %s", q,
				 pfx.addr == net.addr ? "network" : "broadcast",
				 inet_prefix_fmt(&net, a, sizeof(a)),
				 inet_prefix_fmt(&(struct inet_prefix){
					 inet_prefix_first(&pfx), pfx.len },
					 h, sizeof(h)));
	n->addr = pfx;
	n->addr_state = CONF_ADDR_SET;
	return 0;
}

/**
 * conf_parse_range() - parse "dhcp-range": auto, or FIRST-LAST
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * "auto" leaves both ends 0, which no explicit range can be (0.0.0.0/8 is
 * reserved), so conf_net_finish() knows to compute the default.
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_range(struct conf_parse *p, struct conf_net *n,
			    const char *val)
{
	char q[CONF_QUOTE_MAX + 4], first[INET_ADDR_STRLEN + 1];
	const char *dash = strchr(val, '-'), *last, *why = NULL;
	size_t len;

	if (!strcmp(val, "auto")) {
		n->range_first = n->range_last = 0;
		return 0;
	}
	if (!dash)
		goto syntax;
	len = (size_t)(dash - val);
	while (len && isspace((unsigned char)val[len - 1]))
		len--;
	if (len >= sizeof(first))
		goto syntax;
	memcpy(first, val, len);
	first[len] = '\0';
	last = dash + 1;
	while (isspace((unsigned char)*last))
		last++;
	if (inet_addr_parse(first, &n->range_first, &why) ||
	    inet_addr_parse(last, &n->range_last, &why))
		goto syntax;
	return 0;
syntax:
	return conf_fail(p, -EINVAL, p->line, "bad dhcp-range '%s': %s%s"
			 "expected FIRST-LAST, such as 10.0.0.2-10.0.0.254",
			 conf_quote(val, q, sizeof(q)), why ? why : "",
			 why ? "; " : "");
}

/**
 * conf_parse_bool() - parse on/off and its synonyms
 * @p:		parse state
 * @key:	key, for messages
 * @dst:	set to 1 or 0
 * @val:	value: on, yes, true, 1 / off, no, false, 0, in any case
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_bool(struct conf_parse *p, const char *key, int *dst,
			   const char *val)
{
	static const char *const on[] = { "on", "yes", "true", "1" };
	static const char *const off[] = { "off", "no", "false", "0" };
	char q[CONF_QUOTE_MAX + 4];
	size_t i;

	for (i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
		if (!strcasecmp(val, on[i]) || !strcasecmp(val, off[i])) {
			*dst = !strcasecmp(val, on[i]);
			return 0;
		}
	}
	return conf_fail(p, -EINVAL, p->line, "bad value '%s' for %s: "
			 "expected on or off", conf_quote(val, q, sizeof(q)),
			 key);
}

/**
 * conf_parse_dhcp() - parse "dhcp"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_dhcp(struct conf_parse *p, struct conf_net *n,
			   const char *val)
{
	return conf_parse_bool(p, "dhcp", &n->dhcp, val);
}

/**
 * conf_parse_dns() - parse "dns"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_dns(struct conf_parse *p, struct conf_net *n,
			  const char *val)
{
	return conf_parse_bool(p, "dns", &n->dns, val);
}

/**
 * conf_parse_domain() - parse "domain", kept in lowercase
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_domain(struct conf_parse *p, struct conf_net *n,
			     const char *val)
{
	char q[CONF_QUOTE_MAX + 4];
	const char *why;

	if (inet_domain_check(val, &why))
		return conf_fail(p, -EINVAL, p->line, "bad domain '%s': %s",
				 conf_quote(val, q, sizeof(q)), why);
	conf_lower(n->domain, val, sizeof(n->domain));
	return 0;
}

/**
 * conf_parse_mtu() - parse "mtu"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Return: 0, or -EINVAL
 */
static int conf_parse_mtu(struct conf_parse *p, struct conf_net *n,
			  const char *val)
{
	char q[CONF_QUOTE_MAX + 4];
	unsigned long v = 0;
	size_t i;

	if (!strcmp(val, "auto")) {	/* the uplink's, or 1500 */
		n->mtu = CONF_MTU_AUTO;
		return 0;
	}
	for (i = 0; val[i] >= '0' && val[i] <= '9' && v <= CONF_MTU_MAX; i++)
		v = v * 10 + (unsigned long)(val[i] - '0');
	if (i == 0 || val[i] || v < CONF_MTU_MIN || v > CONF_MTU_MAX)
		return conf_fail(p, -EINVAL, p->line, "bad mtu '%s': expected "
				 "a number from %d to %d, or auto",
				 conf_quote(val, q, sizeof(q)), CONF_MTU_MIN,
				 CONF_MTU_MAX);
	n->mtu = (unsigned int)v;
	return 0;
}

/**
 * conf_field() - cut the next comma-separated field of a value
 * @s:		text, advanced past the field and its comma
 * @buf:	output, the field without surrounding blanks
 * @len:	size of @buf
 *
 * Return: 0, or -EINVAL if the field is empty or does not fit
 */
static int conf_field(const char **s, char *buf, size_t len)
{
	const char *start = *s, *end = strchr(start, ',');
	size_t n;

	if (!end)
		end = start + strlen(start);
	*s = *end ? end + 1 : end;
	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	n = (size_t)(end - start);
	if (n == 0 || n >= len)
		return -EINVAL;
	memcpy(buf, start, n);
	buf[n] = '\0';
	return 0;
}

/**
 * conf_host_dup() - look for an earlier host with the same MAC, IP or name
 * @p:		parse state
 * @n:		network
 * @h:		new host
 *
 * Return: 0, or -EINVAL naming the earlier line
 */
static int conf_host_dup(struct conf_parse *p, const struct conf_net *n,
			 const struct conf_host *h)
{
	char s[INET_ADDR_STRLEN + INET_MAC_STRLEN];
	size_t i;

	for (i = 0; i < n->nhosts; i++) {
		const struct conf_host *o = &n->host[i];

		if (!memcmp(&o->mac, &h->mac, sizeof(h->mac)))
			return conf_fail(p, -EINVAL, p->line, "dhcp-host: MAC "
					 "%s is already reserved on line %u",
					 inet_mac_fmt(&h->mac, s, sizeof(s)),
					 o->loc.line);
		if (o->ip == h->ip)
			return conf_fail(p, -EINVAL, p->line, "dhcp-host: %s "
					 "is already reserved on line %u",
					 inet_addr_fmt(h->ip, s, sizeof(s)),
					 o->loc.line);
		if (h->name[0] && !strcmp(o->name, h->name))
			return conf_fail(p, -EINVAL, p->line, "dhcp-host: "
					 "host name '%s' is already used on "
					 "line %u", h->name, o->loc.line);
	}
	return 0;
}

/**
 * conf_parse_host() - parse one "dhcp-host = MAC,IP[,HOSTNAME]"
 * @p:		parse state
 * @n:		network
 * @val:	value
 *
 * Whether IP lies in the subnet is checked when the section ends, as the
 * address may come later in it.
 *
 * Return: 0, or -EINVAL or -ENOMEM
 */
static int conf_parse_host(struct conf_parse *p, struct conf_net *n,
			   const char *val)
{
	char q[CONF_QUOTE_MAX + 4], f[CONF_QUOTE_MAX + 1];
	char fq[CONF_QUOTE_MAX + 4];
	struct conf_host h = { .loc = { p->c->file, p->line } };
	struct conf_host *hosts;
	const char *s = val, *why;

	conf_quote(val, q, sizeof(q));
	if (n->nhosts == CONF_HOSTS_MAX)
		return conf_fail(p, -EINVAL, p->line, "more than %d dhcp-host "
				 "lines in one network", CONF_HOSTS_MAX);
	if (conf_field(&s, f, sizeof(f)))
		goto syntax;
	if (inet_mac_parse(f, &h.mac, &why))
		return conf_fail(p, -EINVAL, p->line, "bad MAC address '%s' "
				 "in dhcp-host: %s",
				 conf_quote(f, fq, sizeof(fq)), why);
	if (!inet_mac_is_unicast(&h.mac))
		return conf_fail(p, -EINVAL, p->line, "bad MAC address '%s' "
				 "in dhcp-host: %s", f, h.mac.b[0] & 1 ?
				 "it is a multicast address (the lowest bit "
				 "of the first byte is set)" :
				 "it is all zeros");
	if (conf_field(&s, f, sizeof(f)))
		goto syntax;
	if (inet_addr_parse(f, &h.ip, &why))
		return conf_fail(p, -EINVAL, p->line, "bad IP address '%s' in "
				 "dhcp-host: %s", conf_quote(f, fq, sizeof(fq)),
				 why);
	if (*s) {
		if (conf_field(&s, f, sizeof(f)) || *s)
			goto syntax;
		if (inet_label_check(f, &why))
			return conf_fail(p, -EINVAL, p->line, "bad host name "
					 "'%s' in dhcp-host: %s",
					 conf_quote(f, fq, sizeof(fq)), why);
		conf_lower(h.name, f, sizeof(h.name));
	}
	if (conf_host_dup(p, n, &h))
		return p->rc;

	hosts = realloc(n->host, (n->nhosts + 1) * sizeof(*hosts));
	if (!hosts)
		return conf_fail(p, -ENOMEM, 0, "out of memory");
	n->host = hosts;
	n->host[n->nhosts++] = h;
	return 0;
syntax:
	return conf_fail(p, -EINVAL, p->line, "bad dhcp-host '%s': expected "
			 "MAC,IP or MAC,IP,HOSTNAME", q);
}

static const struct conf_keydef conf_keys[CONF_K_COUNT] = {
	[CONF_K_MODE]		= { "mode", conf_parse_mode },
	[CONF_K_BRIDGE]		= { "bridge", conf_parse_bridge },
	[CONF_K_UPLINK]		= { "uplink", conf_parse_uplink },
	[CONF_K_ADDRESS]	= { "address", conf_parse_address },
	[CONF_K_DHCP_RANGE]	= { "dhcp-range", conf_parse_range },
	[CONF_K_DHCP]		= { "dhcp", conf_parse_dhcp },
	[CONF_K_DNS]		= { "dns", conf_parse_dns },
	[CONF_K_DOMAIN]		= { "domain", conf_parse_domain },
	[CONF_K_MTU]		= { "mtu", conf_parse_mtu },
	[CONF_K_DHCP_HOST]	= { "dhcp-host", conf_parse_host },
};

/**
 * conf_set() - handle one "key = value" line of a section
 * @p:		parse state
 * @key:	key as inih read it
 * @val:	value, stripped of blanks and of an inline comment
 *
 * Return: 0, or -errno with the error recorded
 */
static int conf_set(struct conf_parse *p, const char *key, const char *val)
{
	char q[CONF_QUOTE_MAX + 4];
	struct conf_net *n = p->cur;
	size_t k;

	conf_quote(key, q, sizeof(q));
	if (!n)
		return conf_fail(p, -EINVAL, p->line, "'%s' comes before any "
				 "[network NAME] section", q);
	if (!*key)
		return conf_fail(p, -EINVAL, p->line, "missing key before '='");
	for (k = 0; k < CONF_K_COUNT; k++)
		if (!strcmp(key, conf_keys[k].name))
			break;
	if (k == CONF_K_COUNT)
		return conf_fail(p, -EINVAL, p->line, "unknown key '%s' in "
				 "[network %s]", q, n->name);
	if (k != CONF_K_DHCP_HOST && n->at[k].line)
		return conf_fail(p, -EINVAL, p->line, "%s is already set on "
				 "line %u", q, n->at[k].line);
	if (!val || !*val)
		return conf_fail(p, -EINVAL, p->line, "%s has no value", q);
	if (conf_keys[k].parse(p, n, val))
		return p->rc;
	if (!n->at[k].line)
		n->at[k] = (struct conf_loc){ p->c->file, p->line };
	return 0;
}

/**
 * conf_handler() - libinih's callback for each "key = value"
 * @user:	parse state
 * @section:	section name as inih read it (we track sections ourselves)
 * @key:	key
 * @val:	value
 *
 * Return: 1 to go on, 0 on error (reading stops at the next line)
 */
static int conf_handler(void *user, const char *section, const char *key,
			const char *val)
{
	(void)section;
	return conf_set(user, key, val) == 0;
}

/**
 * conf_where() - describe another network's key for a message
 * @o:		the other network
 * @k:		the key
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf: "network NAME (line N)" or "the built-in network default"
 */
static char *conf_where(const struct conf_net *o, enum conf_key k, char *buf,
			size_t len)
{
	if (!o->loc.line)
		snprintf(buf, len, "the built-in network %s", o->name);
	else
		snprintf(buf, len, "network %s (line %u)", o->name,
			 conf_key_line(o, k));
	return buf;
}

/**
 * conf_net_clash() - check a network against one defined before it
 * @p:		parse state
 * @n:		network, where errors are reported
 * @o:		earlier network
 *
 * Bridges and uplinks are all distinct interfaces, and subnets given in
 * the file do not overlap.
 *
 * Return: 0, or -EINVAL
 */
static int conf_net_clash(struct conf_parse *p, const struct conf_net *n,
			  const struct conf_net *o)
{
	char w[64], a[INET_PREFIX_STRLEN], b[INET_PREFIX_STRLEN];
	struct inet_prefix na, oa;

	if (!strcmp(n->bridge, o->bridge))
		return conf_fail(p, -EINVAL, conf_key_line(n, CONF_K_BRIDGE),
				 "bridge %s of network %s is already the "
				 "bridge of %s", n->bridge, n->name,
				 conf_where(o, CONF_K_BRIDGE, w, sizeof(w)));
	if (o->uplink[0] && !strcmp(n->bridge, o->uplink))
		return conf_fail(p, -EINVAL, conf_key_line(n, CONF_K_BRIDGE),
				 "bridge %s of network %s is the uplink of %s",
				 n->bridge, n->name,
				 conf_where(o, CONF_K_UPLINK, w, sizeof(w)));
	if (n->uplink[0] && !strcmp(n->uplink, o->uplink))
		return conf_fail(p, -EINVAL, n->at[CONF_K_UPLINK].line,
				 "uplink %s of network %s is already the "
				 "uplink of %s", n->uplink, n->name,
				 conf_where(o, CONF_K_UPLINK, w, sizeof(w)));
	if (n->uplink[0] && !strcmp(n->uplink, o->bridge))
		return conf_fail(p, -EINVAL, n->at[CONF_K_UPLINK].line,
				 "uplink %s of network %s is the bridge of %s",
				 n->uplink, n->name,
				 conf_where(o, CONF_K_BRIDGE, w, sizeof(w)));
	if (n->addr_state != CONF_ADDR_SET || o->addr_state != CONF_ADDR_SET)
		return 0;
	if (!inet_prefix_overlap(&n->addr, &o->addr))
		return 0;
	na = (struct inet_prefix){ inet_prefix_network(&n->addr), n->addr.len };
	oa = (struct inet_prefix){ inet_prefix_network(&o->addr), o->addr.len };
	return conf_fail(p, -EINVAL, n->at[CONF_K_ADDRESS].line, "subnet %s of "
			 "network %s overlaps subnet %s of %s",
			 inet_prefix_fmt(&na, a, sizeof(a)), n->name,
			 inet_prefix_fmt(&oa, b, sizeof(b)),
			 conf_where(o, CONF_K_ADDRESS, w, sizeof(w)));
}

/**
 * conf_finish_bridge_mode() - apply the rules of bridge mode
 * @p:		parse state
 * @n:		network in bridge mode
 *
 * The uplink is required; the host has no address on the bridge and runs
 * no DHCP or DNS there, so the keys about those are refused.  The one set
 * earliest in the file is named.
 *
 * Return: 0, or -EINVAL
 */
static int conf_finish_bridge_mode(struct conf_parse *p, struct conf_net *n)
{
	static const enum conf_key l3[] = {
		CONF_K_ADDRESS, CONF_K_DHCP_RANGE, CONF_K_DHCP_HOST,
		CONF_K_DOMAIN, CONF_K_DHCP, CONF_K_DNS,
	};
	unsigned int line = 0;
	const char *what = NULL;
	size_t i;

	/* a public bridge carries the uplink's traffic: its MTU by default */
	if (!n->at[CONF_K_MTU].line)
		n->mtu = CONF_MTU_AUTO;

	for (i = 0; i < sizeof(l3) / sizeof(l3[0]); i++) {
		enum conf_key k = l3[i];

		if (!n->at[k].line || (line && n->at[k].line > line))
			continue;
		if ((k == CONF_K_DHCP && !n->dhcp) ||
		    (k == CONF_K_DNS && !n->dns))
			continue;
		line = n->at[k].line;
		what = k == CONF_K_DHCP ? "dhcp = on" :
		       k == CONF_K_DNS ? "dns = on" : conf_keys[k].name;
	}
	if (what)
		return conf_fail(p, -EINVAL, line, "%s is not allowed in "
				 "bridge mode: guests get addresses from the "
				 "LAN in bridge mode", what);
	if (!n->uplink[0])
		return conf_fail(p, -EINVAL, n->loc.line, "network %s is in "
				 "bridge mode and needs 'uplink = IFNAME', the "
				 "NIC to enslave to bridge %s", n->name,
				 n->bridge);
	if (!strcmp(n->uplink, n->bridge))
		return conf_fail(p, -EINVAL, n->at[CONF_K_UPLINK].line,
				 "uplink and bridge are both %s: the uplink "
				 "is the NIC enslaved to the bridge",
				 n->uplink);
	n->addr_state = CONF_ADDR_NONE;
	n->dhcp = 0;
	n->dns = 0;
	return 0;
}

/**
 * conf_default_range() - set the DHCP range the default way
 * @n:		network whose address is known
 *
 * From the address after the host's to the last usable one, or, when the
 * host has the last usable address, from the first usable one to the
 * address before the host's.
 */
static void conf_default_range(struct conf_net *n)
{
	uint32_t last = inet_prefix_last(&n->addr);

	if (n->addr.addr < last) {
		n->range_first = n->addr.addr + 1;
		n->range_last = last;
	} else {
		n->range_first = inet_prefix_first(&n->addr);
		n->range_last = n->addr.addr - 1;
	}
}

/**
 * conf_check_range() - check an explicit DHCP range against the subnet
 * @p:		parse state
 * @n:		network with a given address
 *
 * Return: 0, or -EINVAL
 */
static int conf_check_range(struct conf_parse *p, const struct conf_net *n)
{
	char a[INET_ADDR_STRLEN], b[INET_ADDR_STRLEN], s[INET_PREFIX_STRLEN];
	struct inet_prefix net = {
		inet_prefix_network(&n->addr), n->addr.len
	};
	unsigned int line = n->at[CONF_K_DHCP_RANGE].line;

	inet_addr_fmt(n->range_first, a, sizeof(a));
	inet_addr_fmt(n->range_last, b, sizeof(b));
	inet_prefix_fmt(&net, s, sizeof(s));
	if (!inet_prefix_is_host(&net, n->range_first) ||
	    !inet_prefix_is_host(&net, n->range_last))
		return conf_fail(p, -EINVAL, line, "dhcp-range %s-%s is not "
				 "inside the usable addresses of the subnet "
				 "%s (address, line %u)", a, b, s,
				 n->at[CONF_K_ADDRESS].line);
	if (n->range_first > n->range_last)
		return conf_fail(p, -EINVAL, line, "dhcp-range %s-%s ends "
				 "before it starts", a, b);
	if (n->addr.addr >= n->range_first && n->addr.addr <= n->range_last)
		return conf_fail(p, -EINVAL, line, "dhcp-range %s-%s contains "
				 "the host's own address %s", a, b,
				 inet_addr_fmt(n->addr.addr, s, sizeof(s)));
	return 0;
}

/**
 * conf_check_hosts() - check dhcp-host addresses against the subnet
 * @p:		parse state
 * @n:		network with a given address
 *
 * Return: 0, or -EINVAL
 */
static int conf_check_hosts(struct conf_parse *p, const struct conf_net *n)
{
	char a[INET_ADDR_STRLEN], s[INET_PREFIX_STRLEN];
	struct inet_prefix net = {
		inet_prefix_network(&n->addr), n->addr.len
	};
	size_t i;

	for (i = 0; i < n->nhosts; i++) {
		const struct conf_host *h = &n->host[i];

		inet_addr_fmt(h->ip, a, sizeof(a));
		if (h->ip == n->addr.addr)
			return conf_fail(p, -EINVAL, h->loc.line, "dhcp-host: "
					 "%s is the host's own address", a);
		if (!inet_prefix_is_host(&net, h->ip))
			return conf_fail(p, -EINVAL, h->loc.line, "dhcp-host: "
					 "%s is not a usable address of the "
					 "subnet %s (address, line %u)", a,
					 inet_prefix_fmt(&net, s, sizeof(s)),
					 n->at[CONF_K_ADDRESS].line);
	}
	return 0;
}

/**
 * conf_finish_l3_mode() - apply the rules of nat, isolated and routed mode
 * @p:		parse state
 * @n:		network in one of those modes
 *
 * Return: 0, or -EINVAL
 */
static int conf_finish_l3_mode(struct conf_parse *p, struct conf_net *n)
{
	unsigned int rline = n->at[CONF_K_DHCP_RANGE].line;
	int range_given = rline && n->range_first;

	if (n->mtu == CONF_MTU_AUTO)	/* no uplink to take it from */
		n->mtu = CONF_MTU_DEFAULT;

	if (n->uplink[0])
		return conf_fail(p, -EINVAL, n->at[CONF_K_UPLINK].line,
				 "uplink is only for bridge mode (network %s "
				 "is in %s mode)", n->name,
				 conf_modes[n->mode]);
	if (!n->at[CONF_K_DHCP].line)
		n->dhcp = 1;
	if (!n->at[CONF_K_DNS].line)
		n->dns = 1;
	if (!n->at[CONF_K_DOMAIN].line)
		snprintf(n->domain, sizeof(n->domain), "%s.internal", n->name);
	if (n->mode == CONF_ROUTED && n->addr_state != CONF_ADDR_SET)
		return conf_fail(p, -EINVAL, conf_key_line(n, CONF_K_ADDRESS),
				 "network %s is in routed mode and needs an "
				 "address: the LAN's router must route its "
				 "subnet to this host", n->name);
	if (n->addr_state == CONF_ADDR_NONE)
		n->addr_state = CONF_ADDR_AUTO;

	if (range_given && !n->dhcp)
		return conf_fail(p, -EINVAL, rline, "dhcp-range is set but "
				 "dhcp = off");
	if (n->nhosts && !n->dhcp)
		return conf_fail(p, -EINVAL, n->host[0].loc.line, "dhcp-host "
				 "is set but dhcp = off");
	if (n->addr_state == CONF_ADDR_AUTO) {
		if (range_given)
			return conf_fail(p, -EINVAL, rline, "dhcp-range needs "
					 "an address: the subnet is picked "
					 "automatically without one");
		if (n->nhosts)
			return conf_fail(p, -EINVAL, n->host[0].loc.line,
					 "dhcp-host needs an address: the "
					 "subnet is picked automatically "
					 "without one");
		n->at[CONF_K_DHCP_RANGE].line = 0;
		return 0;
	}
	if (range_given && conf_check_range(p, n))
		return p->rc;
	if (conf_check_hosts(p, n))
		return p->rc;
	if (!range_given) {
		n->at[CONF_K_DHCP_RANGE].line = 0;
		if (n->dhcp)
			conf_default_range(n);
	}
	return 0;
}

/**
 * conf_net_finish() - fill in defaults and check a network as a whole
 * @p:		parse state
 * @n:		network whose section has ended
 *
 * Return: 0, or -EINVAL
 */
static int conf_net_finish(struct conf_parse *p, struct conf_net *n)
{
	if (!n->at[CONF_K_BRIDGE].line) {
		if (!strcmp(n->name, CONF_DEFAULT_NET))
			snprintf(n->bridge, sizeof(n->bridge), "%s",
				 CONF_DEFAULT_BRIDGE);
		else
			snprintf(n->bridge, sizeof(n->bridge), "tp-%s",
				 n->name);
	}
	if (n->mode == CONF_BRIDGE)
		return conf_finish_bridge_mode(p, n);
	return conf_finish_l3_mode(p, n);
}

/**
 * conf_net_close() - finish the last network of the file read so far
 * @p:		parse state
 *
 * Finishes it, then checks it against every network before it.
 *
 * Return: 0, or -EINVAL
 */
static int conf_net_close(struct conf_parse *p)
{
	struct conf_net *n = &p->c->net[p->c->nnets - 1];
	size_t i;

	if (conf_net_finish(p, n))
		return p->rc;
	for (i = 0; i + 1 < p->c->nnets; i++)
		if (conf_net_clash(p, n, &p->c->net[i]))
			return p->rc;
	return 0;
}

/**
 * conf_net_new() - append a network with the settings every network starts
 *		    with
 * @p:		parse state
 * @name:	valid network name
 * @line:	line of its section header, 0 for the built-in network
 *
 * Return: the network, or NULL if out of memory (error recorded)
 */
static struct conf_net *conf_net_new(struct conf_parse *p, const char *name,
				     unsigned int line)
{
	struct conf *c = p->c;
	struct conf_net *nets, *n;

	nets = realloc(c->net, (c->nnets + 1) * sizeof(*nets));
	if (!nets) {
		conf_fail(p, -ENOMEM, 0, "out of memory");
		return NULL;
	}
	c->net = nets;
	n = &c->net[c->nnets++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->mode = CONF_NAT;
	n->addr_state = CONF_ADDR_NONE;
	n->mtu = CONF_MTU_DEFAULT;
	n->loc = (struct conf_loc){ line ? c->file : NULL, line };
	return n;
}

/**
 * conf_name_ok() - tell whether a network name is valid
 * @s:		name
 * @n:		its length
 *
 * 1 to CONF_NAME_MAX bytes of a-z, 0-9 and '-', starting with a letter and
 * not ending with '-': "tp-NAME" is a valid interface name and
 * "NAME.internal" a valid domain.
 *
 * Return: 1 if valid, 0 if not
 */
static int conf_name_ok(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || n > CONF_NAME_MAX || s[0] < 'a' || s[0] > 'z' ||
	    s[n - 1] == '-')
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return 0;
	return 1;
}

/**
 * conf_section() - start a network at a "[network NAME]" line
 * @p:		parse state
 * @s:		the line from its '['
 *
 * Return: 0, or -errno
 */
static int conf_section(struct conf_parse *p, const char *s)
{
	const char *close = strchr(s, ']'), *body = s + 1, *end, *name;
	char q[CONF_QUOTE_MAX + 4], nm[CONF_NAME_MAX + 1];
	size_t i, n;

	if (!close)
		return conf_fail(p, -EINVAL, p->line, "section header has no "
				 "closing ']'");
	for (end = close + 1; isspace((unsigned char)*end); end++)
		;
	if (*end && *end != ';')
		return conf_fail(p, -EINVAL, p->line, "unexpected text after "
				 "']' (a comment there starts with ';')");
	while (body < close && isspace((unsigned char)*body))
		body++;
	end = close;
	while (end > body && isspace((unsigned char)end[-1]))
		end--;
	for (name = body; name < end && !isspace((unsigned char)*name); name++)
		;
	n = (size_t)(name - body);
	if (n != 7 || memcmp(body, "network", 7))
		return conf_fail(p, -EINVAL, p->line, "unknown section [%s]: "
				 "tapir.conf has only [network NAME] sections",
				 conf_quote_n(body, (size_t)(end - body), q,
					      sizeof(q)));
	while (name < end && isspace((unsigned char)*name))
		name++;
	n = (size_t)(end - name);
	if (n == 0)
		return conf_fail(p, -EINVAL, p->line, "missing network name: "
				 "write [network NAME]");
	if (!conf_name_ok(name, n))
		return conf_fail(p, -EINVAL, p->line, "bad network name '%s': "
				 "a name is 1 to %d characters of a-z, 0-9 "
				 "and '-', starting with a letter and not "
				 "ending with '-'",
				 conf_quote_n(name, n, q, sizeof(q)),
				 CONF_NAME_MAX);
	memcpy(nm, name, n);
	nm[n] = '\0';
	for (i = 0; i < p->c->nnets; i++)
		if (!strcmp(p->c->net[i].name, nm))
			return conf_fail(p, -EINVAL, p->line, "network %s is "
					 "already defined on line %u", nm,
					 p->c->net[i].loc.line);
	if (p->c->nnets == CONF_NETS_MAX)
		return conf_fail(p, -EINVAL, p->line, "more than %d networks",
				 CONF_NETS_MAX);
	p->cur = conf_net_new(p, nm, p->line);
	return p->cur ? 0 : p->rc;
}

/**
 * conf_line() - our own checks on a line before inih sees it
 * @p:		parse state
 * @line:	the line, NUL-terminated, possibly ending in "\n"
 *
 * Refuses indented keys and headers (inih would read an indented line as
 * the continuation of the previous value), and handles section headers.
 *
 * Return: 0, or -errno
 */
static int conf_line(struct conf_parse *p, const char *line)
{
	const char *s = line, *t;

	if (p->line == 1 && !strncmp(s, "\xef\xbb\xbf", 3))
		s += 3;		/* inih skips a UTF-8 byte order mark */
	for (t = s; isspace((unsigned char)*t); t++)
		;
	if (!*t || *t == ';' || *t == '#')
		return 0;
	if (t != s)
		return conf_fail(p, -EINVAL, p->line, "indented line: start "
				 "keys and section headers at the beginning "
				 "of the line (an indented line would "
				 "continue the previous value)");
	if (*t != '[')
		return 0;
	if (p->cur && conf_net_close(p))
		return p->rc;
	return conf_section(p, t);
}

/**
 * conf_reader() - hand inih the next line, fgets() style
 * @str:	inih's line buffer
 * @num:	its size
 * @stream:	parse state
 *
 * Return: @str, or NULL at the end of the file or after an error
 */
static char *conf_reader(char *str, int num, void *stream)
{
	struct conf_parse *p = stream;
	const char *s = p->buf + p->pos, *nl;
	size_t n, max = num > 2 ? (size_t)num - 2 : 0;

	if (p->rc || p->pos >= p->len)
		return NULL;
	nl = memchr(s, '\n', p->len - p->pos);
	n = nl ? (size_t)(nl - s) : p->len - p->pos;
	p->pos += nl ? n + 1 : n;
	p->line++;
	if (n > max) {
		conf_fail(p, -EINVAL, p->line, "line is longer than %zu "
			  "bytes", max);
		return NULL;
	}
	if (memchr(s, '\0', n)) {
		conf_fail(p, -EINVAL, p->line, "line contains a NUL byte");
		return NULL;
	}
	memcpy(str, s, n);
	if (nl)
		str[n++] = '\n';
	str[n] = '\0';
	return conf_line(p, str) ? NULL : str;
}

/**
 * conf_builtin() - add the built-in network unless the file defines it
 * @p:		parse state, after the last section has been finished
 *
 * It goes first, and the file's networks are checked against it.
 *
 * Return: 0, or -errno
 */
static int conf_builtin(struct conf_parse *p)
{
	struct conf *c = p->c;
	struct conf_net *d, def;
	size_t i;

	if (conf_net(c, CONF_DEFAULT_NET))
		return 0;
	d = conf_net_new(p, CONF_DEFAULT_NET, 0);
	if (!d)
		return p->rc;
	if (conf_net_finish(p, d))
		return p->rc;
	def = *d;
	memmove(&c->net[1], &c->net[0], (c->nnets - 1) * sizeof(*c->net));
	c->net[0] = def;
	for (i = 1; i < c->nnets; i++)
		if (conf_net_clash(p, &c->net[i], &c->net[0]))
			return p->rc;
	return 0;
}

/**
 * conf_init() - prepare an empty configuration
 * @c:		configuration
 */
void conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
}

/**
 * conf_free() - release a configuration, leaving it empty
 * @c:		configuration
 */
void conf_free(struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nnets; i++)
		free(c->net[i].host);
	free(c->net);
	free(c->file);
	conf_init(c);
}

/**
 * conf_load_buf() - parse and validate a configuration held in memory
 * @c:		initialised configuration; what it held is released
 * @name:	file name for messages and locations
 * @buf:	contents, need not be NUL-terminated
 * @len:	length of @buf
 *
 * Return: 0, or -EINVAL (message "NAME:LINE: ..." in @c->err) or -ENOMEM;
 *	   on error @c is left empty but for @c->err
 */
int conf_load_buf(struct conf *c, const char *name, const char *buf,
		  size_t len)
{
	struct conf_parse p = { .c = c, .buf = buf, .len = len };
	char err[sizeof(c->err)];
	int rc;

	conf_free(c);
	c->file = strdup(name);
	if (!c->file) {
		snprintf(c->err, sizeof(c->err), "out of memory");
		return -ENOMEM;
	}
	rc = ini_parse_stream(conf_reader, &p, conf_handler, &p);
	if (rc > 0 && (!p.err_line || (unsigned int)rc < p.err_line)) {
		p.rc = 0;
		conf_fail(&p, -EINVAL, (unsigned int)rc, "expected 'key = "
			  "value', '[network NAME]' or a comment");
	} else if (rc < 0) {
		conf_fail(&p, -ENOMEM, 0, "out of memory");
	}
	if (!p.rc && p.cur)
		conf_net_close(&p);
	if (!p.rc)
		conf_builtin(&p);
	if (!p.rc)
		return 0;
	memcpy(err, c->err, sizeof(err));
	conf_free(c);
	memcpy(c->err, err, sizeof(err));
	return p.rc;
}

/**
 * conf_load() - read and validate tapir.conf
 * @c:		initialised configuration; what it held is released
 * @path:	file; if it does not exist, the configuration is empty (it
 *		has the built-in network only)
 *
 * Return: 0, or -errno with a message in @c->err ("PATH:LINE: ..." for
 *	   errors in the contents); on error @c is left empty but for @c->err
 */
int conf_load(struct conf *c, const char *path)
{
	const char *why = NULL;
	struct stat st;
	char *buf = NULL;
	FILE *f = NULL;
	size_t n = 0;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0 && errno == ENOENT)
		return conf_load_buf(c, path, "", 0);
	if (fd < 0 || fstat(fd, &st)) {
		rc = -errno;
		goto out;
	}
	rc = -EINVAL;
	if (S_ISDIR(st.st_mode)) {
		why = "it is a directory";
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		why = "it is not a regular file";
		goto out;
	}
	rc = -EFBIG;
	if (st.st_size > CONF_FILE_MAX) {
		why = "it is larger than 1 MiB";
		goto out;
	}
	rc = -ENOMEM;
	buf = malloc((size_t)st.st_size + 1);
	f = buf ? fdopen(fd, "r") : NULL;
	if (!f)
		goto out;
	fd = -1;
	n = fread(buf, 1, (size_t)st.st_size + 1, f);
	rc = ferror(f) ? -EIO : 0;
	if (!rc && n > (size_t)st.st_size) {
		why = "it grew while being read";
		rc = -EAGAIN;
	}
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (!rc)
		rc = conf_load_buf(c, path, buf, n);
	else {
		conf_free(c);
		snprintf(c->err, sizeof(c->err), "cannot read %s: %s", path,
			 why ? why : strerror(-rc));
	}
	free(buf);
	return rc;
}

/**
 * conf_net() - find a network by name
 * @c:		configuration
 * @name:	network name
 *
 * Return: the network, or NULL if there is none of that name
 */
struct conf_net *conf_net(const struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nnets; i++)
		if (!strcmp(c->net[i].name, name))
			return &c->net[i];
	return NULL;
}

/**
 * conf_net_assign() - give an automatic network the subnet picked for it
 * @n:		network whose address is CONF_ADDR_AUTO
 * @subnet:	subnet from subnet_pick(), prefix length 8 to 30
 *
 * The host takes the subnet's first usable address; the DHCP range, if
 * DHCP is on, runs from the next address to the last usable one.
 *
 * Return: 0, or -EINVAL if @n has no automatic address or @subnet is unfit
 */
int conf_net_assign(struct conf_net *n, const struct inet_prefix *subnet)
{
	if (n->addr_state != CONF_ADDR_AUTO || subnet->len < 8 ||
	    subnet->len > 30)
		return -EINVAL;
	n->addr.addr = inet_prefix_first(subnet);
	n->addr.len = subnet->len;
	n->addr_state = CONF_ADDR_PICKED;
	if (n->dhcp)
		conf_default_range(n);
	return 0;
}

/**
 * conf_net_equal() - tell whether two networks have the same settings
 * @a:		one network
 * @b:		the other
 *
 * Where the values come from is ignored: an address picked automatically
 * equals the same address given in a file, so "tapir net up" can tell
 * whether a running network still matches the configuration.
 *
 * Return: 1 if every setting is the same, 0 if not
 */
int conf_net_equal(const struct conf_net *a, const struct conf_net *b)
{
	int known_a = a->addr_state == CONF_ADDR_SET ||
		      a->addr_state == CONF_ADDR_PICKED;
	int known_b = b->addr_state == CONF_ADDR_SET ||
		      b->addr_state == CONF_ADDR_PICKED;
	size_t i;

	if (strcmp(a->name, b->name) || a->mode != b->mode ||
	    strcmp(a->bridge, b->bridge) || strcmp(a->uplink, b->uplink) ||
	    known_a != known_b || (!known_a && a->addr_state != b->addr_state) ||
	    a->dhcp != b->dhcp || a->dns != b->dns ||
	    strcmp(a->domain, b->domain) || a->mtu != b->mtu ||
	    a->nhosts != b->nhosts)
		return 0;
	if (known_a && (a->addr.addr != b->addr.addr ||
			a->addr.len != b->addr.len ||
			a->range_first != b->range_first ||
			a->range_last != b->range_last))
		return 0;
	for (i = 0; i < a->nhosts; i++) {
		const struct conf_host *x = &a->host[i], *y = &b->host[i];

		if (memcmp(&x->mac, &y->mac, sizeof(x->mac)) ||
		    x->ip != y->ip || strcmp(x->name, y->name))
			return 0;
	}
	return 1;
}

/**
 * conf_mode_name() - the name of a mode as written in tapir.conf
 * @mode:	mode
 *
 * Return: "nat", "isolated", "routed" or "bridge"
 */
const char *conf_mode_name(enum conf_mode mode)
{
	return conf_modes[mode];
}

/**
 * conf_loc_fmt() - describe where a value comes from
 * @loc:	location
 * @buf:	output
 * @len:	size of @buf
 *
 * Return: @buf: "FILE:LINE", or "default" for a value not from the file
 */
char *conf_loc_fmt(const struct conf_loc *loc, char *buf, size_t len)
{
	if (loc->line && loc->file)
		snprintf(buf, len, "%s:%u", loc->file, loc->line);
	else
		snprintf(buf, len, "default");
	return buf;
}

/**
 * conf_print_kv() - write one "key = value ; origin" line
 * @f:		output
 * @key:	key
 * @val:	value
 * @origin:	text of the comment
 */
static void conf_print_kv(FILE *f, const char *key, const char *val,
			  const char *origin)
{
	char kv[INET_DOMAIN_MAX + 32];

	snprintf(kv, sizeof(kv), "%s = %s", key, val);
	fprintf(f, "%-31s ; %s\n", kv, origin);
}

/**
 * conf_print_key() - write a key of a network with its origin
 * @f:		output
 * @n:		network
 * @k:		key
 * @val:	value
 */
static void conf_print_key(FILE *f, const struct conf_net *n,
			   enum conf_key k, const char *val)
{
	char o[PATH_MAX + 16];

	conf_print_kv(f, conf_keys[k].name, val,
		      conf_loc_fmt(&n->at[k], o, sizeof(o)));
}

/**
 * conf_print_net() - write one network
 * @f:		output
 * @n:		network
 */
static void conf_print_net(FILE *f, const struct conf_net *n)
{
	char v[INET_DOMAIN_MAX + 1], a[INET_ADDR_STRLEN], o[PATH_MAX + 16];
	char m[INET_MAC_STRLEN];
	int picked = n->addr_state == CONF_ADDR_PICKED;
	size_t i;

	snprintf(v, sizeof(v), "[network %s]", n->name);
	fprintf(f, "%-31s ; %s\n", v, n->loc.line ?
		conf_loc_fmt(&n->loc, o, sizeof(o)) : "built in");
	conf_print_key(f, n, CONF_K_MODE, conf_modes[n->mode]);
	conf_print_key(f, n, CONF_K_BRIDGE, n->bridge);
	if (n->mode == CONF_BRIDGE)
		conf_print_key(f, n, CONF_K_UPLINK, n->uplink);
	if (n->addr_state == CONF_ADDR_AUTO)
		conf_print_key(f, n, CONF_K_ADDRESS, "auto");
	else if (picked)
		conf_print_kv(f, "address", inet_prefix_fmt(&n->addr, v,
			      sizeof(v)), "picked automatically");
	else if (n->addr_state == CONF_ADDR_SET)
		conf_print_key(f, n, CONF_K_ADDRESS,
			       inet_prefix_fmt(&n->addr, v, sizeof(v)));
	if (n->dhcp && n->addr_state == CONF_ADDR_AUTO) {
		conf_print_key(f, n, CONF_K_DHCP_RANGE, "auto");
	} else if (n->dhcp) {
		snprintf(v, sizeof(v), "%s-", inet_addr_fmt(n->range_first,
			 a, sizeof(a)));
		inet_addr_fmt(n->range_last, v + strlen(v), INET_ADDR_STRLEN);
		conf_print_key(f, n, CONF_K_DHCP_RANGE, v);
	}
	conf_print_key(f, n, CONF_K_DHCP, n->dhcp ? "on" : "off");
	conf_print_key(f, n, CONF_K_DNS, n->dns ? "on" : "off");
	if (n->mode != CONF_BRIDGE)
		conf_print_key(f, n, CONF_K_DOMAIN, n->domain);
	if (n->mtu == CONF_MTU_AUTO)
		snprintf(v, sizeof(v), "auto");
	else
		snprintf(v, sizeof(v), "%u", n->mtu);
	conf_print_key(f, n, CONF_K_MTU, v);
	for (i = 0; i < n->nhosts; i++) {
		const struct conf_host *h = &n->host[i];

		snprintf(v, sizeof(v), "%s,%s%s%s",
			 inet_mac_fmt(&h->mac, m, sizeof(m)),
			 inet_addr_fmt(h->ip, a, sizeof(a)),
			 h->name[0] ? "," : "", h->name);
		conf_print_kv(f, "dhcp-host", v,
			      conf_loc_fmt(&h->loc, o, sizeof(o)));
	}
}

/**
 * conf_print() - write the effective configuration in tapir.conf syntax
 * @f:		output
 * @c:		loaded configuration
 *
 * Every network is written with every key that applies to its mode,
 * defaults included, each followed by a comment saying where the value
 * comes from ("FILE:LINE", "default", "built in" or "picked
 * automatically").  Reading the output back gives the same networks.
 */
void conf_print(FILE *f, const struct conf *c)
{
	size_t i;

	fprintf(f, "; %s, with every default filled in\n",
		c->file ? c->file : "tapir.conf");
	for (i = 0; i < c->nnets; i++) {
		fputc('\n', f);
		conf_print_net(f, &c->net[i]);
	}
}
