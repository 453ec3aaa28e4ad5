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
 * descriptor for it is closed.
 *
 * Names.  A pattern such as "tap%d" makes the kernel scan every device in
 * the namespace for a free number, which costs more with every tap a busy
 * bridge already has.  tap_open_random() picks a random name instead and
 * asks with IFF_TUN_EXCL, which makes TUNSETIFF fail with EBUSY when the
 * name exists rather than attach to that device: the cost stays flat, and
 * an existing tap is never taken over.  A name that happens to be taken is
 * simply drawn again.
 *
 * A bridge port needs no address of its own, so tap_ipv6_disable() turns
 * IPv6 off on the tap before it comes up, as systemd-networkd does for
 * bridge ports.  Otherwise bringing it up gives it a link-local address, a
 * prefix route and a multicast route, which the kernel files next to the
 * same routes of every other port (more work per port as the bridge
 * fills), and the host sends its own solicitations into the guest's link.
 * Guests' IPv6 is bridged at layer 2 and unaffected.
 *
 * MAC addresses for bridge ports start with 0xFE: a Linux bridge takes the
 * lowest MAC of its ports as its own unless one was set, and 0xFE keeps a
 * guest's tap from ever becoming the bridge's address.  The byte also makes
 * the address unicast and locally administered.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
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
 * @flags:	TAP_VNET_HDR to request virtio headers, TAP_EXCL to fail
 *		with -EBUSY if a device called @pattern exists
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
	if (flags & TAP_EXCL)
		ifr.ifr_flags |= (short)IFF_TUN_EXCL;
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
 * tap_random() - random bytes, retrying interrupted calls
 * @buf:	filled in
 * @len:	number of bytes, at most 256
 *
 * Return: 0, or -errno if no random bytes could be had
 */
static int tap_random(void *buf, size_t len)
{
	ssize_t n;

	do
		n = getrandom(buf, len, 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return 0;
}

/**
 * tap_open_random() - create a non-persistent tap with a random free name
 * @prefix:	name prefix, e.g. "tap", at most IFNAME_MAX - 6 bytes
 * @flags:	TAP_VNET_HDR to request virtio headers
 * @name:	set to the name, the prefix and a number below 1000000
 * @vnet_hdr:	if not NULL, set to 1 when IFF_VNET_HDR is on, 0 if not
 *
 * Return: the tap file descriptor (close-on-exec), or -errno
 */
int tap_open_random(const char *prefix, int flags,
		    char name[IFNAME_MAX + 1], int *vnet_hdr)
{
	char try[IFNAME_MAX + 1];
	int attempt, fd = -EBUSY;
	uint32_t r;

	for (attempt = 0; attempt < 32 && fd == -EBUSY; attempt++) {
		fd = tap_random(&r, sizeof(r));
		if (fd)
			return fd;
		snprintf(try, sizeof(try), "%s%u", prefix, r % 1000000);
		fd = tap_open(try, flags | TAP_EXCL, name, vnet_hdr);
	}
	return fd;
}

/**
 * tap_ipv6_disable() - turn IPv6 off on a tap that is still down
 * @name:	tap name
 *
 * Return: 0, or -errno; -ENOENT if the kernel has no IPv6
 */
int tap_ipv6_disable(const char *name)
{
	char path[64 + IFNAME_MAX];
	ssize_t n;
	int fd, rc;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6",
		 name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, "1\n", 2);
	rc = n == 2 ? 0 : n < 0 ? -errno : -EIO;
	close(fd);
	return rc;
}

/**
 * tap_persist_add() - create a persistent tap owned by a user or group
 * @name:	interface name
 * @uid:	owner who may attach to it without privileges, or -1
 * @gid:	group whose members may, or -1
 * @multi_queue: non-zero for a multi-queue tap (IFF_MULTI_QUEUE)
 *
 * This is what "ip tuntap add" and tunctl do.  The tap outlives this call;
 * tap_persist_del() removes it.
 *
 * Return: 0, -EBUSY if a device of that name exists, or another -errno
 */
int tap_persist_add(const char *name, long uid, long gid, int multi_queue)
{
	struct ifreq ifr;
	int fd, rc = 0;

	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	/* IFF_TUN_EXCL is 0x8000, the sign bit of the short ifr_flags */
	ifr.ifr_flags = (short)(IFF_TAP | IFF_NO_PI | IFF_TUN_EXCL);
	if (multi_queue)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		rc = -errno;
		goto out;
	}
	if ((uid >= 0 && ioctl(fd, TUNSETOWNER, (unsigned long)uid) < 0) ||
	    (gid >= 0 && ioctl(fd, TUNSETGROUP, (unsigned long)gid) < 0) ||
	    ioctl(fd, TUNSETPERSIST, 1UL) < 0)
		rc = -errno;
out:
	close(fd);
	return rc;
}

/**
 * tap_persist_del() - remove a persistent tap
 * @name:	interface name
 *
 * Attaches to the tap and clears its persistent flag, so that it goes
 * away when the descriptor is closed, as "ip tuntap del" does.  The name
 * is checked first: TUNSETIFF would create a tap that does not exist.
 *
 * Return: 0; -EBUSY if a program (QEMU) has it open; -EINVAL if it is not
 *	   a tap (a tun device, or not a tun/tap device at all); -ENODEV if
 *	   there is no such device; or another -errno
 */
int tap_persist_del(const char *name)
{
	static const short modes[] = { 0, IFF_MULTI_QUEUE };
	struct ifreq ifr;
	size_t i;
	int fd, rc = -EINVAL;

	if (!if_nametoindex(name))
		return -ENODEV;
	for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		memset(&ifr, 0, sizeof(ifr));
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
		/* the single- or multi-queue flag must match the tap's */
		ifr.ifr_flags = IFF_TAP | IFF_NO_PI | modes[i];
		if (ioctl(fd, TUNSETIFF, &ifr) < 0)
			rc = -errno;
		else if (ioctl(fd, TUNSETPERSIST, 0UL) < 0)
			rc = -errno;
		else
			rc = 0;
		close(fd);
		if (rc != -EINVAL)
			break;
	}
	return rc;
}

/**
 * tap_mac_random() - make a random MAC address that starts with 0xFE
 * @mac:	filled in
 *
 * Return: 0, or -errno if no random bytes could be had
 */
int tap_mac_random(unsigned char mac[6])
{
	int rc = tap_random(mac + 1, 5);

	mac[0] = 0xfe;
	return rc;
}
