// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tap.c - tap devices
 *
 * Theory of operation
 *
 * A tap is created by opening /dev/net/tun and issuing TUNSETIFF with
 * IFF_TAP and IFF_NO_PI: frames are read and written without the extra
 * packet-information header.  IFF_VNET_HDR is added on request when
 * TUNGETFEATURES says the kernel supports it; QEMU then exchanges virtio
 * headers with the tap, which carry checksum and segmentation offloads.
 *
 * The device is not made persistent, so it disappears when the last
 * descriptor for it is closed.  A name pattern such as "tap%d" lets the
 * kernel pick a free name, so tapir never attaches to an existing tap by
 * accident.
 *
 * MAC addresses for bridge ports start with 0xFE: a Linux bridge takes the
 * lowest MAC of its ports as its own unless one was set, and 0xFE keeps a
 * guest's tap from ever becoming the bridge's address.  The byte also makes
 * the address unicast and locally administered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <linux/if_tun.h>

#include "tap.h"

/**
 * tap_open() - create a non-persistent tap device
 * @pattern:	name or pattern such as "tap%d"
 * @flags:	TAP_VNET_HDR to request virtio headers
 * @name:	set to the name the kernel chose
 * @vnet_hdr:	if not NULL, set to 1 when IFF_VNET_HDR is on, 0 if not
 *
 * Return: the tap file descriptor (close-on-exec), or -errno
 */
int tap_open(const char *pattern, int flags, char name[IFNAME_MAX + 1],
	     int *vnet_hdr)
{
	unsigned int features = 0;
	struct ifreq ifr;
	int fd, rc;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", pattern);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if ((flags & TAP_VNET_HDR) &&
	    ioctl(fd, TUNGETFEATURES, &features) == 0 &&
	    (features & IFF_VNET_HDR))
		ifr.ifr_flags |= IFF_VNET_HDR;

	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	snprintf(name, IFNAME_MAX + 1, "%s", ifr.ifr_name);
	if (vnet_hdr)
		*vnet_hdr = !!(ifr.ifr_flags & IFF_VNET_HDR);
	return fd;
}

/**
 * tap_mac_random() - make a random MAC address that starts with 0xFE
 * @mac:	filled in
 *
 * Return: 0, or -errno if no random bytes could be had
 */
int tap_mac_random(unsigned char mac[6])
{
	ssize_t n;

	do
		n = getrandom(mac + 1, 5, 0);
	while (n < 0 && errno == EINTR);
	if (n != 5)
		return n < 0 ? -errno : -EIO;
	mac[0] = 0xfe;
	return 0;
}
