/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_IP_H
#define TAPIR_USER_IP_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "user.h"

/* Most pieces an L4 payload may come in to ip_send(). */
#define IP_IOV_MAX	8

/* ip_in() flags: the transport checksum is valid, or only partly there
 * (virtio-net NEEDS_CSUM or DATA_VALID): it is not verified */
#define IP_RX_CSUM_OK	1

void ip_in(struct user_ctx *c, int v6, const uint8_t *pkt, size_t len,
	   unsigned int rx);
int ip_send(struct user_ctx *c, const struct in6_addr *src,
	    const struct in6_addr *dst, uint8_t proto,
	    const struct iovec *l4, int n, size_t l4len);
/**
 * struct ip_tso - what the transport finishes for a TCP packet
 *		   (ip_send_tso())
 * @l4hlen:	transport header length
 * @csum_off:	offset of its checksum field, which holds
 *		ip_l4_csum_pseudo()
 * @mss:	payload of each segment the transport cuts the packet into
 */
struct ip_tso {
	uint16_t l4hlen;
	uint16_t csum_off;
	uint16_t mss;
};

int ip_send_tso(struct user_ctx *c, const struct in6_addr *src,
		const struct in6_addr *dst, uint8_t proto,
		const struct iovec *l4, int n, size_t l4len,
		const struct ip_tso *tso);
int ip_send_frag(struct user_ctx *c, const struct in6_addr *src,
		 const struct in6_addr *dst, uint8_t proto,
		 const struct iovec *l4, int n, size_t l4len);
uint16_t ip_l4_csum(const struct in6_addr *src, const struct in6_addr *dst,
		    uint8_t proto, const struct iovec *iov, int n, size_t len);
uint16_t ip_l4_csum_pseudo(const struct in6_addr *src,
			   const struct in6_addr *dst, uint8_t proto,
			   size_t len);
size_t ip_payload_max(const struct user_ctx *c, int v6);
size_t ip_tso_max(const struct user_ctx *c, int v6);

#endif /* TAPIR_USER_IP_H */
