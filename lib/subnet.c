// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subnet.c - automatic choice of a private subnet for a network
 *
 * Theory of operation
 *
 * A network without an address in tapir.conf, like the built-in network
 * "default", gets a /24 when it comes up: the first candidate that shares
 * no address with anything the host already uses.  libvirt instead
 * insists on 192.168.122.0/24 and fails with "network is already in use"
 * when, say, the host itself sits on a 192.168.122.0/24 LAN or runs
 * inside another libvirt guest.
 *
 * The candidates avoid ranges that other software takes by default:
 * libvirt's 192.168.122.0/24, Docker's 172.17.0.0/16 (and the 172.18 and
 * up that its networks take next), Podman's 10.88.0.0/16, VirtualBox's
 * 10.0.2.0/24 and 192.168.56.0/21, Kubernetes' 10.96.0.0/12 and
 * 10.244.0.0/16, k3s's 10.42.0.0/15, OpenShift's 172.30.0.0/16, and the
 * 192.168.0.x and 192.168.1.x of home routers.  10.200.0.0/16 comes
 * first; it is inside 10.0.0.0/8, which many VPNs route whole, so two
 * fallbacks follow from the other RFC 1918 blocks: 172.29.0.0/16 and
 * 192.168.200.0/21.  That is 520 candidates in all.
 *
 * The choice is a pure function of its inputs, so it is the same every
 * time on the same host, and testable: the caller collects what is in use
 * (every IPv4 address with its prefix length, and every route of the main
 * table but the default route) and what other networks of tapir.conf
 * claim, and passes both.  A candidate is taken when it overlaps any of
 * them.  A /0 entry (a default route passed by mistake) is ignored, since
 * it would take every candidate.
 */
#include <errno.h>

#include "subnet.h"

/* 10.200.0.0/16, 172.29.0.0/16 and 192.168.200.0/21 in /24s */
const struct subnet_pool subnet_pools[] = {
	{ { 0x0ac80000, 16 }, 24 },
	{ { 0xac1d0000, 16 }, 24 },
	{ { 0xc0a8c800, 21 }, 24 },
};
const size_t subnet_npools = sizeof(subnet_pools) / sizeof(subnet_pools[0]);

/**
 * subnet_collides() - tell whether a candidate overlaps any listed prefix
 * @cand:	candidate subnet
 * @list:	prefixes
 * @n:		number of entries in @list
 *
 * Return: 1 if @cand overlaps an entry of @list other than a /0, 0 if not
 */
static int subnet_collides(const struct inet_prefix *cand,
			   const struct inet_prefix *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i].len > 0 && inet_prefix_overlap(cand, &list[i]))
			return 1;
	return 0;
}

/**
 * subnet_pick() - choose the first free candidate subnet
 * @pools:	candidate blocks, usually subnet_pools, tried in order
 * @npools:	number of entries in @pools
 * @in_use:	prefixes the host uses: addresses with their prefix length,
 *		and routes other than the default route
 * @n:		number of entries in @in_use
 * @taken:	subnets claimed by other networks, which may not be up
 * @m:		number of entries in @taken
 * @out:	set to the chosen subnet (network address and length)
 *
 * Return: 0, or -EADDRNOTAVAIL if every candidate collides
 */
int subnet_pick(const struct subnet_pool *pools, size_t npools,
		const struct inet_prefix *in_use, size_t n,
		const struct inet_prefix *taken, size_t m,
		struct inet_prefix *out)
{
	struct inet_prefix cand;
	uint64_t step, count, i;
	size_t p;

	for (p = 0; p < npools; p++) {
		if (pools[p].len < pools[p].block.len || pools[p].len > 32)
			continue;
		step = (uint64_t)1 << (32 - pools[p].len);
		count = (uint64_t)1 << (pools[p].len - pools[p].block.len);
		cand.len = pools[p].len;
		for (i = 0; i < count; i++) {
			cand.addr = (uint32_t)(inet_prefix_network(
					&pools[p].block) + i * step);
			if (subnet_collides(&cand, in_use, n) ||
			    subnet_collides(&cand, taken, m))
				continue;
			*out = cand;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}
