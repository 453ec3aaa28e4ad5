// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * csum.c - the Internet checksum (RFC 1071)
 *
 * Theory of operation
 *
 * The checksum is the ones' complement of the ones' complement sum of
 * 16-bit big-endian words.  csum_add() accumulates words into a 32-bit sum
 * (carries are folded at the end, so any number of calls may be chained),
 * and csum_fold() folds the carries and complements.  An odd final byte is
 * padded with a zero, so pieces other than the last must have even length.
 *
 * tapir builds some frames itself - DHCP replies sent on a packet socket,
 * so that every reply carries a valid UDP checksum whatever offloads the
 * bridge and taps have - and checks checksums of frames guests send.
 */
#include "csum.h"

/**
 * csum_add() - add a buffer to a running checksum
 * @sum:	running sum, 0 to start
 * @buf:	data; its length must be even unless it is the last piece
 * @len:	length in bytes
 *
 * Return: the new running sum
 */
uint32_t csum_add(uint32_t sum, const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint64_t s = sum;

	while (len >= 2) {
		s += (uint32_t)(p[0] << 8 | p[1]);
		p += 2;
		len -= 2;
	}
	if (len)
		s += (uint32_t)p[0] << 8;
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

/**
 * csum_fold() - fold a running sum into the final checksum
 * @sum:	running sum
 *
 * Return: the checksum, in host order
 */
uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/**
 * csum_ip4_header() - checksum of an IPv4 header
 * @hdr:	the header, with its checksum field zero
 * @len:	header length in bytes
 *
 * Return: the value for the checksum field, in host order
 */
uint16_t csum_ip4_header(const void *hdr, size_t len)
{
	return csum_fold(csum_add(0, hdr, len));
}

/**
 * csum_udp4() - UDP checksum over IPv4, with the pseudo-header
 * @saddr:	source address, host order
 * @daddr:	destination address, host order
 * @udp:	UDP header and payload, with the checksum field zero
 * @len:	UDP length in bytes
 *
 * Return: the value for the checksum field, in host order; 0xffff where
 *	   the sum is 0, since 0 means "no checksum" in UDP over IPv4
 */
uint16_t csum_udp4(uint32_t saddr, uint32_t daddr, const void *udp,
		   size_t len)
{
	uint8_t pseudo[12] = {
		(uint8_t)(saddr >> 24), (uint8_t)(saddr >> 16),
		(uint8_t)(saddr >> 8), (uint8_t)saddr,
		(uint8_t)(daddr >> 24), (uint8_t)(daddr >> 16),
		(uint8_t)(daddr >> 8), (uint8_t)daddr,
		0, 17, (uint8_t)(len >> 8), (uint8_t)len,
	};
	uint16_t c = csum_fold(csum_add(csum_add(0, pseudo, sizeof(pseudo)),
					udp, len));

	return c ? c : 0xffff;
}
