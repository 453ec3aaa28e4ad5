/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * fuzz_netns.h - a network namespace of its own for fuzz targets that
 * open real sockets (tapir-user's), so nothing they send leaves it
 */
#ifndef TAPIR_FUZZ_NETNS_H
#define TAPIR_FUZZ_NETNS_H

#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/**
 * fuzz_netns_isolate() - move into a new network namespace, lo up
 *
 * Return: 1 if done (as root), 0 if not: the caller must then keep its
 * sockets from reaching anything (restrict=on, no host loopback)
 */
static inline int fuzz_netns_isolate(void)
{
	struct ifreq ifr = { 0 };
	int s, rc = -1;

	if (unshare(CLONE_NEWNET))
		return 0;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return 0;
	strcpy(ifr.ifr_name, "lo");
	if (!ioctl(s, SIOCGIFFLAGS, &ifr)) {
		ifr.ifr_flags |= IFF_UP;
		rc = ioctl(s, SIOCSIFFLAGS, &ifr);
	}
	close(s);
	return rc == 0;
}

#endif /* TAPIR_FUZZ_NETNS_H */
