/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_INET_H
#define TAPIR_INET_H

#include <stddef.h>
#include <stdint.h>

/* Buffer sizes for the formatting functions, with the terminating NUL. */
#define INET_ADDR_STRLEN	16	/* 255.255.255.255 */
#define INET_PREFIX_STRLEN	19	/* 255.255.255.255/32 */
#define INET_MAC_STRLEN		18	/* 52:54:00:12:34:56 */

/* Longest DNS label and name (RFC 1035 2.3.4, text form, no final dot). */
#define INET_LABEL_MAX		63
#define INET_DOMAIN_MAX		253

/**
 * struct inet_prefix - an IPv4 address with a prefix length
 * @addr:	address in host byte order; host bits may be set, so
 *		10.0.0.1/24 is "the host 10.0.0.1 on 10.0.0.0/24"
 * @len:	prefix length, 0 to 32
 */
struct inet_prefix {
	uint32_t addr;
	unsigned int len;
};

/**
 * struct inet_mac - an Ethernet address
 * @b:		its six bytes, in wire order
 */
struct inet_mac {
	uint8_t b[6];
};

int inet_addr_parse(const char *s, uint32_t *addr, const char **why);
char *inet_addr_fmt(uint32_t addr, char *buf, size_t len);

int inet_prefix_parse(const char *s, struct inet_prefix *p, const char **why);
char *inet_prefix_fmt(const struct inet_prefix *p, char *buf, size_t len);
uint32_t inet_mask(unsigned int len);
uint32_t inet_prefix_network(const struct inet_prefix *p);
uint32_t inet_prefix_broadcast(const struct inet_prefix *p);
uint32_t inet_prefix_first(const struct inet_prefix *p);
uint32_t inet_prefix_last(const struct inet_prefix *p);
int inet_prefix_contains(const struct inet_prefix *p, uint32_t addr);
int inet_prefix_is_host(const struct inet_prefix *p, uint32_t addr);
int inet_prefix_overlap(const struct inet_prefix *a,
			const struct inet_prefix *b);

int inet_mac_parse(const char *s, struct inet_mac *mac, const char **why);
char *inet_mac_fmt(const struct inet_mac *mac, char *buf, size_t len);
int inet_mac_is_unicast(const struct inet_mac *mac);

int inet_label_check(const char *s, const char **why);
int inet_domain_check(const char *s, const char **why);

#endif /* TAPIR_INET_H */
