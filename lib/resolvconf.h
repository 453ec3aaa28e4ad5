/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_RESOLVCONF_H
#define TAPIR_RESOLVCONF_H

#include <stddef.h>
#include <netinet/in.h>
#include <sys/socket.h>

/* Most upstream nameservers kept; later ones are warned about. */
#define RESOLVCONF_MAX_NS	8
/* Largest file read. */
#define RESOLVCONF_FILE_MAX	(64 * 1024)
/* Room for resolvconf_fmt(): an IPv6 address, '%' and a scope id. */
#define RESOLVCONF_ADDRSTRLEN	(INET6_ADDRSTRLEN + 11)

/**
 * union resolvconf_addr - a nameserver's socket address (port 53)
 * @sa:		generic view, for sendto() and connect()
 * @sin:	IPv4
 * @sin6:	IPv6, with the scope id of a link-local address
 */
union resolvconf_addr {
	struct sockaddr sa;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
};

/**
 * struct resolvconf - upstream nameservers, in file order
 * @ns:		their addresses; unused entries are zero
 * @n:		how many
 * @nwarn:	warnings issued while reading (malformed lines, extras)
 */
struct resolvconf {
	union resolvconf_addr ns[RESOLVCONF_MAX_NS];
	size_t n;
	unsigned int nwarn;
};

int resolvconf_load(struct resolvconf *rc, const char *path,
		    const union resolvconf_addr *excl, size_t nexcl);
void resolvconf_parse(struct resolvconf *rc, const char *buf, size_t len,
		      const char *name, const union resolvconf_addr *excl,
		      size_t nexcl);
int resolvconf_addr(union resolvconf_addr *a, const char *text);
socklen_t resolvconf_addrlen(const union resolvconf_addr *a);
int resolvconf_fmt(const union resolvconf_addr *a, char *buf, size_t len);
int resolvconf_same_addr(const union resolvconf_addr *a,
			 const union resolvconf_addr *b);
int resolvconf_equal(const struct resolvconf *a, const struct resolvconf *b);

#endif /* TAPIR_RESOLVCONF_H */
