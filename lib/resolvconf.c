// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * resolvconf.c - upstream nameservers from a resolv.conf file
 *
 * Theory of operation
 *
 * The DNS forwarder sends what it cannot answer to the host's resolvers,
 * listed in /etc/resolv.conf (under "ip netns exec NS", the file bind-
 * mounted from /etc/netns/NS/resolv.conf).  We read the file the way the
 * C library does (glibc's res_init), so that the forwarder uses the
 * servers every other program on the host uses:
 *
 * - a line is a comment if it starts with ';' or '#';
 * - "nameserver" must start the line and be followed by a space or tab;
 *   the address follows after blanks and ends at a blank, ';' or '#', so
 *   "nameserver 192.0.2.1 # office" works; the rest is ignored;
 * - an IPv6 address may carry a scope, "fe80::1%eth0" or "fe80::1%2";
 * - every other keyword (search, domain, options, sortlist) is ignored.
 *
 * We keep up to RESOLVCONF_MAX_NS servers (glibc uses only the first 3);
 * a server listed twice counts once.  Addresses in the caller's exclude
 * list - the forwarder's own listening addresses - are skipped, so that it
 * never forwards to itself.  Malformed lines are skipped with a warning
 * naming file:line: a nameserver line without an address or with an
 * address that does not parse or names an unknown interface, an indented
 * nameserver line (which glibc ignores silently), and servers past the
 * maximum.  Deliberate differences: the address also ends at '\r', so a
 * file with DOS line ends still works, and the unspecified address (0.0.0.0
 * or ::, which glibc turns into the local host) is refused with a warning.
 *
 * A file without any usable server is not an error: the result is empty,
 * and the forwarder answers SERVFAIL (it does not fall back to the local
 * host as glibc would, since that would usually be ourselves).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/stat.h>

#include "dns.h"
#include "log.h"
#include "resolvconf.h"

/* Longest address text looked at: IPv6, '%', an interface name. */
#define RESOLVCONF_TOKEN_MAX	(INET6_ADDRSTRLEN + IFNAMSIZ)

/**
 * resolvconf_scope() - read the scope of an IPv6 address
 * @text:	interface name or decimal index
 * @scope:	set to the interface index
 *
 * Return: 0, -EINVAL for an empty or malformed scope, -ENODEV for an
 * unknown interface
 */
static int resolvconf_scope(const char *text, uint32_t *scope)
{
	unsigned long v;
	char *end;

	if (!*text)
		return -EINVAL;
	if (text[0] >= '0' && text[0] <= '9') {
		errno = 0;
		v = strtoul(text, &end, 10);
		if (*end || errno || v > UINT32_MAX)
			return -EINVAL;
		*scope = (uint32_t)v;
		return 0;
	}
	if (strlen(text) >= IFNAMSIZ)
		return -EINVAL;
	*scope = if_nametoindex(text);
	return *scope ? 0 : -ENODEV;
}

/**
 * resolvconf_addr() - parse a nameserver address into a socket address
 * @a:		set to the address, port 53
 * @text:	"192.0.2.1", "2001:db8::1" or "fe80::1%eth0"
 *
 * Return: 0, -EINVAL if @text is not an address, -ENODEV if its scope
 * names an unknown interface
 */
int resolvconf_addr(union resolvconf_addr *a, const char *text)
{
	char buf[RESOLVCONF_TOKEN_MAX + 1];
	char *pct;
	int rc;

	memset(a, 0, sizeof(*a));
	if (strlen(text) > RESOLVCONF_TOKEN_MAX)
		return -EINVAL;
	if (inet_pton(AF_INET, text, &a->sin.sin_addr) == 1) {
		a->sin.sin_family = AF_INET;
		a->sin.sin_port = htons(DNS_PORT);
		return 0;
	}
	strcpy(buf, text);
	pct = strchr(buf, '%');
	if (pct)
		*pct = '\0';
	if (inet_pton(AF_INET6, buf, &a->sin6.sin6_addr) != 1)
		return -EINVAL;
	if (pct) {
		rc = resolvconf_scope(pct + 1, &a->sin6.sin6_scope_id);
		if (rc) {
			memset(a, 0, sizeof(*a));
			return rc;
		}
	}
	a->sin6.sin6_family = AF_INET6;
	a->sin6.sin6_port = htons(DNS_PORT);
	return 0;
}

/**
 * resolvconf_addrlen() - length of the socket address, for sendto()
 * @a:		the address
 *
 * Return: sizeof(struct sockaddr_in) or sizeof(struct sockaddr_in6)
 */
socklen_t resolvconf_addrlen(const union resolvconf_addr *a)
{
	return a->sa.sa_family == AF_INET6 ? sizeof(a->sin6) :
					     sizeof(a->sin);
}

/**
 * resolvconf_fmt() - write an address as text, for logs and status
 * @a:		the address
 * @buf:	buffer, RESOLVCONF_ADDRSTRLEN is enough
 * @len:	its size
 *
 * Return: 0, or -ENOSPC
 */
int resolvconf_fmt(const union resolvconf_addr *a, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	int n;

	if (a->sa.sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &a->sin6.sin6_addr, ip, sizeof(ip));
		if (a->sin6.sin6_scope_id)
			n = snprintf(buf, len, "%s%%%u", ip,
				     a->sin6.sin6_scope_id);
		else
			n = snprintf(buf, len, "%s", ip);
	} else {
		inet_ntop(AF_INET, &a->sin.sin_addr, ip, sizeof(ip));
		n = snprintf(buf, len, "%s", ip);
	}
	return n < 0 || (size_t)n >= len ? -ENOSPC : 0;
}

/**
 * resolvconf_same_addr() - compare two addresses (ports aside)
 * @a:		one
 * @b:		the other
 *
 * Return: 1 if the family, address and IPv6 scope are the same, else 0
 */
int resolvconf_same_addr(const union resolvconf_addr *a,
			 const union resolvconf_addr *b)
{
	if (a->sa.sa_family != b->sa.sa_family)
		return 0;
	if (a->sa.sa_family == AF_INET)
		return a->sin.sin_addr.s_addr == b->sin.sin_addr.s_addr;
	return a->sa.sa_family == AF_INET6 &&
	       !memcmp(&a->sin6.sin6_addr, &b->sin6.sin6_addr,
		       sizeof(a->sin6.sin6_addr)) &&
	       a->sin6.sin6_scope_id == b->sin6.sin6_scope_id;
}

/**
 * resolvconf_equal() - tell whether two server lists are the same
 * @a:		one
 * @b:		the other
 *
 * The forwarder re-reads the file when it changes, and flushes its cache
 * only if the servers did.
 *
 * Return: 1 if they list the same servers in the same order, else 0
 */
int resolvconf_equal(const struct resolvconf *a, const struct resolvconf *b)
{
	size_t i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (!resolvconf_same_addr(&a->ns[i], &b->ns[i]))
			return 0;
	return 1;
}

/**
 * resolvconf_listed() - tell whether an address is in a list
 * @a:		the address
 * @list:	the list
 * @n:		its length
 *
 * Return: 1 if it is, else 0
 */
static int resolvconf_listed(const union resolvconf_addr *a,
			     const union resolvconf_addr *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (resolvconf_same_addr(a, &list[i]))
			return 1;
	return 0;
}

/**
 * resolvconf_warn() - warn about a line and count the warning
 * @rc:		result being built
 * @name:	file name
 * @line:	line number
 * @fmt:	printf format
 */
static void resolvconf_warn(struct resolvconf *rc, const char *name,
			    unsigned int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void resolvconf_warn(struct resolvconf *rc, const char *name,
			    unsigned int line, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_warn("%s:%u: %s", name, line, msg);
	rc->nwarn++;
}

/**
 * resolvconf_line() - handle one line
 * @rc:		result being built
 * @p:		the line, without its newline
 * @len:	its length
 * @name:	file name, for warnings
 * @line:	line number, for warnings
 * @excl:	addresses to skip
 * @nexcl:	how many
 */
static void resolvconf_line(struct resolvconf *rc, const char *p, size_t len,
			    const char *name, unsigned int line,
			    const union resolvconf_addr *excl, size_t nexcl)
{
	static const char kw[] = "nameserver";
	char tok[RESOLVCONF_TOKEN_MAX + 1];
	union resolvconf_addr a;
	size_t i = 0, t;
	int err;

	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (len - i <= sizeof(kw) - 1 || memcmp(p + i, kw, sizeof(kw) - 1) ||
	    (p[i + sizeof(kw) - 1] != ' ' && p[i + sizeof(kw) - 1] != '\t'))
		return;
	if (i) {
		resolvconf_warn(rc, name, line,
				"indented nameserver line ignored");
		return;
	}
	i = sizeof(kw) - 1;
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (t = 0; i + t < len && !memchr(" \t\r;#", p[i + t], 6); t++)
		;
	if (!t) {
		resolvconf_warn(rc, name, line,
				"nameserver without an address");
		return;
	}
	if (t > RESOLVCONF_TOKEN_MAX) {
		resolvconf_warn(rc, name, line, "invalid address '%.*s...'",
				RESOLVCONF_TOKEN_MAX, p + i);
		return;
	}
	memcpy(tok, p + i, t);
	tok[t] = '\0';
	err = resolvconf_addr(&a, tok);
	if (err == -ENODEV) {
		resolvconf_warn(rc, name, line, "unknown interface in '%s'",
				tok);
		return;
	}
	if (err || (a.sa.sa_family == AF_INET &&
		    a.sin.sin_addr.s_addr == htonl(INADDR_ANY)) ||
	    (a.sa.sa_family == AF_INET6 &&
	     IN6_IS_ADDR_UNSPECIFIED(&a.sin6.sin6_addr))) {
		resolvconf_warn(rc, name, line, "invalid address '%s'", tok);
		return;
	}
	if (resolvconf_listed(&a, excl, nexcl)) {
		log_debug("%s:%u: skipping %s, one of our own addresses",
			  name, line, tok);
		return;
	}
	if (resolvconf_listed(&a, rc->ns, rc->n))
		return;
	if (rc->n == RESOLVCONF_MAX_NS) {
		resolvconf_warn(rc, name, line,
				"more than %d nameservers, ignoring %s",
				RESOLVCONF_MAX_NS, tok);
		return;
	}
	rc->ns[rc->n++] = a;
}

/**
 * resolvconf_parse() - read nameservers from resolv.conf text
 * @rc:		result, reset first
 * @buf:	the text (need not be NUL-terminated; a NUL ends its line)
 * @len:	its length
 * @name:	file name for warnings
 * @excl:	addresses to skip (our own), may be NULL
 * @nexcl:	how many
 */
void resolvconf_parse(struct resolvconf *rc, const char *buf, size_t len,
		      const char *name, const union resolvconf_addr *excl,
		      size_t nexcl)
{
	unsigned int line = 0;
	size_t off = 0;

	memset(rc, 0, sizeof(*rc));
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *nul = memchr(buf + off, '\0', end - off);
		size_t l = (nul ? (size_t)(nul - buf) : end) - off;

		line++;
		if (l && buf[off] != ';' && buf[off] != '#')
			resolvconf_line(rc, buf + off, l, name, line, excl,
					nexcl);
		off = end + 1;
	}
}

/**
 * resolvconf_load() - read nameservers from a resolv.conf file
 * @rc:		result
 * @path:	the file (symbolic links are followed)
 * @excl:	addresses to skip (our own), may be NULL
 * @nexcl:	how many
 *
 * Return: 0 (even if no server was found: @rc->n is then 0), -EFBIG for a
 * file over RESOLVCONF_FILE_MAX, -EINVAL for a file that is not a regular
 * file, -ENOMEM, or -errno from open() or read()
 */
int resolvconf_load(struct resolvconf *rc, const char *path,
		    const union resolvconf_addr *excl, size_t nexcl)
{
	size_t len = 0;
	char *buf = NULL;
	struct stat st;
	int fd, ret = 0;
	ssize_t n;

	memset(rc, 0, sizeof(*rc));
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st)) {
		ret = -errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	buf = malloc(RESOLVCONF_FILE_MAX + 1);
	if (!buf) {
		ret = -ENOMEM;
		goto out;
	}
	do {
		n = read(fd, buf + len, RESOLVCONF_FILE_MAX + 1 - len);
		if (n < 0 && errno != EINTR) {
			ret = -errno;
			goto out;
		}
		if (n > 0)
			len += (size_t)n;
	} while (n && len <= RESOLVCONF_FILE_MAX);
	if (len > RESOLVCONF_FILE_MAX) {
		ret = -EFBIG;
		goto out;
	}
	resolvconf_parse(rc, buf, len, path, excl, nexcl);
out:
	free(buf);
	close(fd);
	return ret;
}
