// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mmsg.c - reading a batch of datagrams with one recvmmsg()
 *
 * Theory of operation
 *
 * Every datagram server of tapir reads in batches: tapir net's DHCP
 * server and DNS forwarder (tapir/dhcpd.c, tapir/dnsd.c) and tapir user's
 * UDP flows (user/udp.c).  They all keep @n buffers of one size side by
 * side, and optionally @n source addresses; mmsg_recv() points one
 * message header and one I/O vector at each, and reads without blocking.
 * The caller owns every array, so nothing is allocated per packet.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "mmsg.h"

/**
 * mmsg_recv() - read a batch of datagrams with recvmmsg()
 * @fd:		socket
 * @bufs:	@n buffers of @bufsize bytes each, one after the other
 * @bufsize:	size of each buffer
 * @from:	@n source addresses of @fromsize bytes each, to fill, or NULL
 * @fromsize:	size of each address
 * @msg:	@n message headers, filled here; msg[i].msg_len is the length
 *		of datagram i, msg[i].msg_hdr.msg_namelen its address's
 * @iov:	@n I/O vectors, filled here
 * @n:		most datagrams to read
 *
 * Return: datagrams read (0 when none is waiting), or -errno
 */
int mmsg_recv(int fd, void *bufs, size_t bufsize, void *from,
	      size_t fromsize, struct mmsghdr *msg, struct iovec *iov,
	      unsigned int n)
{
	unsigned int i;
	int got;

	memset(msg, 0, n * sizeof(*msg));
	for (i = 0; i < n; i++) {
		iov[i].iov_base = (uint8_t *)bufs + i * bufsize;
		iov[i].iov_len = bufsize;
		msg[i].msg_hdr.msg_iov = &iov[i];
		msg[i].msg_hdr.msg_iovlen = 1;
		if (from) {
			msg[i].msg_hdr.msg_name = (uint8_t *)from +
						  i * fromsize;
			msg[i].msg_hdr.msg_namelen = (socklen_t)fromsize;
		}
	}
	got = recvmmsg(fd, msg, n, MSG_DONTWAIT, NULL);
	if (got < 0)
		return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
	return got;
}
