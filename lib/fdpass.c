// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdpass.c - passing file descriptors over unix sockets
 *
 * Theory of operation
 *
 * QEMU's bridge-helper protocol returns the tap as one message on a unix
 * socket: a one-byte payload (0x00) with one SCM_RIGHTS control message
 * holding one descriptor.  QEMU takes the descriptor whenever recvmsg()
 * returns more than zero bytes, then checks the helper's exit status.
 * fdpass_recv() is the receiving side, used by tests and benchmarks in the
 * role QEMU plays.
 *
 * The same message carries a small tag in place of the 0x00 payload where
 * both ends are ours (fdpass_send_tag(), fdpass_recv_tag()): tapir-user's
 * spawner learns from it which guestfwd= command a socket is for.
 *
 * fdpass_fork() makes a child and the socket pair to talk to it at once,
 * each side holding only its own end.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "fdpass.h"

/**
 * fdpass_check_unix() - check that a descriptor is a unix socket
 * @sock:	descriptor
 *
 * Return: 0 if it is, -EBADF if it is not open, -ENOTSOCK if it is not a
 *	   socket, -EAFNOSUPPORT if it is another kind of socket
 */
int fdpass_check_unix(int sock)
{
	socklen_t len = sizeof(int);
	struct stat st;
	int domain = -1;

	if (sock < 0 || fstat(sock, &st))
		return -EBADF;
	if (!S_ISSOCK(st.st_mode))
		return -ENOTSOCK;
	if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len))
		return -errno;
	return domain == AF_UNIX ? 0 : -EAFNOSUPPORT;
}

/**
 * fdpass_fork() - fork a child connected to us by a socket pair
 * @sock:	out: our end in the parent, the child's end in the child
 *
 * The pair is AF_UNIX, SOCK_SEQPACKET and close-on-exec; each process
 * closes the other's end.
 *
 * Return: as fork(): the child's pid in the parent, 0 in the child; or
 *	   -errno, with nothing forked and nothing left open
 */
pid_t fdpass_fork(int *sock)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		pid = -errno;
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		pid = -errno;
		close(sv[0]);
		close(sv[1]);
		goto out;
	}
	close(sv[pid ? 1 : 0]);
	*sock = sv[pid ? 0 : 1];
out:
	return pid;
}

/**
 * fdpass_send_tag() - send one descriptor with a one-byte payload
 * @sock:	connected unix socket
 * @fd:		descriptor to send
 * @tag:	the payload byte
 * @flags:	more sendmsg() flags (MSG_DONTWAIT); MSG_NOSIGNAL is implied
 *
 * Return: 0, or -errno (-EPIPE if the peer closed the socket)
 */
int fdpass_send_tag(int sock, int fd, uint8_t tag, int flags)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	uint8_t byte = tag;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;

	memset(&u, 0, sizeof(u));
	cmsg = CMSG_FIRSTHDR(&msg);
	cmsg->cmsg_level = SOL_SOCKET;
	cmsg->cmsg_type = SCM_RIGHTS;
	cmsg->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));

	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL | flags);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	return n == 1 ? 0 : -EIO;
}

/**
 * fdpass_send() - send one descriptor with the payload 0x00
 * @sock:	connected unix socket
 * @fd:		descriptor to send
 *
 * Return: 0, or -errno (-EPIPE if the peer closed the socket)
 */
int fdpass_send(int sock, int fd)
{
	return fdpass_send_tag(sock, fd, 0, 0);
}

/**
 * fdpass_recv_tag() - receive one descriptor and its payload byte
 * @sock:	connected unix socket
 * @tag:	the payload byte out, or NULL
 *
 * Return: the descriptor (close-on-exec), -ENODATA if the peer closed the
 *	   socket or sent no descriptor, or -errno
 */
int fdpass_recv_tag(int sock, uint8_t *tag)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	uint8_t byte;
	struct iovec iov = { .iov_base = &byte, .iov_len = 1 };
	struct msghdr msg = {
		.msg_iov = &iov,
		.msg_iovlen = 1,
		.msg_control = u.buf,
		.msg_controllen = sizeof(u.buf),
	};
	struct cmsghdr *cmsg;
	ssize_t n;
	int fd;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ENODATA;
	cmsg = CMSG_FIRSTHDR(&msg);
	if (!cmsg || cmsg->cmsg_level != SOL_SOCKET ||
	    cmsg->cmsg_type != SCM_RIGHTS ||
	    cmsg->cmsg_len != CMSG_LEN(sizeof(int)))
		return -ENODATA;
	memcpy(&fd, CMSG_DATA(cmsg), sizeof(int));
	if (tag)
		*tag = byte;
	return fd;
}

/**
 * fdpass_recv() - receive one descriptor sent by fdpass_send()
 * @sock:	connected unix socket
 *
 * Return: the descriptor (close-on-exec), -ENODATA if the peer closed the
 *	   socket or sent no descriptor, or -errno
 */
int fdpass_recv(int sock)
{
	return fdpass_recv_tag(sock, NULL);
}
