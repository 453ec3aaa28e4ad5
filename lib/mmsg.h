/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_MMSG_H
#define TAPIR_MMSG_H

#include <stddef.h>
#include <sys/socket.h>

int mmsg_recv(int fd, void *bufs, size_t bufsize, void *from,
	      size_t fromsize, struct mmsghdr *msg, struct iovec *iov,
	      unsigned int n);

#endif /* TAPIR_MMSG_H */
