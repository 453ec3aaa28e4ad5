// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * transport.c - how frames reach the guest and come back
 *
 * Theory of operation
 *
 * Three transports carry Ethernet frames between tapir-user and a guest:
 *
 * - tap: a tap device (IFF_TAP | IFF_NO_PI) in a network namespace, made
 *   by ns.c; one read() or write() is one frame.  When ns.c could open
 *   it with IFF_VNET_HDR, every frame carries a virtio-net header
 *   (struct virtio_net_hdr, 10 bytes, TUNSETVNETHDRSZ) in front, and
 *   TUNSETOFFLOAD offers the guest's kernel checksum and TCP segmentation
 *   offloads (TSO for IPv4 and IPv6, with ECN): it then sends TCP
 *   segments of up to 64 KiB whatever the MTU, their checksums left
 *   partial, and eth_in_vnet() takes them so.  Frames we write carry
 *   the header the layers above asked for (c->tso: large TCP segments
 *   with the checksum left partial, see ip_send_tso()), or one with no
 *   offload in it.
 * - stream: a unix stream socket QEMU connects to (-netdev stream,
 *   server=off).  Every frame is a 4-byte big-endian length and the
 *   frame.  We listen; when QEMU goes away we keep listening, and a new
 *   connection replaces an old one (QEMU reconnecting after a restart).
 * - dgram: a unix datagram socket (-netdev dgram); one datagram is one
 *   frame.  Replies go to the address the last frame came from.
 *
 * Input is read in batches into one static buffer and handed to eth_in()
 * frame by frame.  Output is transport_tx(), installed as c->tx while a
 * guest is attached.  A stream must never carry half a frame, so when the
 * socket takes only part of one, the rest is kept in an output buffer and
 * written on EPOLLOUT; while that buffer is not empty, new frames queue
 * behind it if they fit, and are dropped otherwise, as a full link drops
 * them.  Nothing here allocates after start-up.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "eth.h"
#include "log.h"
#include "transport.h"
#include "user.h"

/* Frames read per event from a tap or dgram socket, to stay fair */
#define TRANSPORT_BATCH		64
/* Most pieces of a frame written, a header in front included */
#define TRANSPORT_IOV		16
/* Output buffer of the stream transport */
#define TRANSPORT_WBUF		(1024 * 1024)
/* Stream input: room for one largest frame, its length, and a batch */
#define TRANSPORT_RBUF		(4 * (USER_FRAME_MAX + 4))

enum transport_kind {
	TRANSPORT_NONE,
	TRANSPORT_TAP,
	TRANSPORT_STREAM,
	TRANSPORT_DGRAM,
};

/**
 * struct transport - the one transport of this process
 * @kind:	enum transport_kind
 * @listen_fd:	stream: listening socket
 * @fd:		tap, connected stream socket, or dgram socket; -1 if none
 * @vnet:	tap: frames carry a virtio-net header
 * @path:	socket path, removed at exit
 * @peer:	dgram: where the last frame came from
 * @peerlen:	its length, 0 while no frame came
 * @rlen:	stream: bytes in @rbuf
 * @wlen:	stream: bytes in @wbuf still to write
 * @woff:	stream: where they start
 * @want_out:	EPOLLOUT is armed
 * @drops:	frames dropped because the transport was full
 */
static struct transport {
	enum transport_kind kind;
	int listen_fd;
	int fd;
	int vnet;
	char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
	struct sockaddr_un peer;
	socklen_t peerlen;
	size_t rlen;
	size_t wlen, woff;
	int want_out;
	uint64_t drops;
} tr = { .listen_fd = -1, .fd = -1 };

static uint8_t transport_rbuf[TRANSPORT_RBUF];
static uint8_t transport_wbuf[TRANSPORT_WBUF];

/**
 * transport_prepend() - put a header in front of a frame's pieces
 * @v:		filled: @hdr, then the pieces (room for TRANSPORT_IOV)
 * @hdr:	the header: virtio-net (tap), or the length (stream)
 * @hlen:	its length
 * @iov:	the frame's pieces
 * @iovcnt:	their number
 *
 * Return: the number of pieces in @v, or -EINVAL if they do not fit
 */
static int transport_prepend(struct iovec *v, const void *hdr, size_t hlen,
			     const struct iovec *iov, int iovcnt)
{
	int i;

	if (iovcnt < 0 || iovcnt >= TRANSPORT_IOV)
		return -EINVAL;
	v[0].iov_base = (void *)hdr;
	v[0].iov_len = hlen;
	for (i = 0; i < iovcnt; i++)
		v[i + 1] = iov[i];
	return iovcnt + 1;
}

/**
 * transport_tx_tap() - write one frame to the tap
 * @c:		context
 * @vh:		offloads (with a virtio-net header only), or NULL
 * @iov:	the frame in pieces
 * @iovcnt:	number of pieces
 * @len:	total length
 *
 * Return: 0 or -errno
 */
static int transport_tx_tap(struct user_ctx *c,
			    const struct virtio_net_hdr *vh,
			    const struct iovec *iov, int iovcnt, size_t len)
{
	static const struct virtio_net_hdr none;
	struct iovec v[TRANSPORT_IOV];

	(void)c;
	(void)len;
	if (vh && !tr.vnet)
		return -EINVAL;
	if (tr.vnet) {
		iovcnt = transport_prepend(v, vh ? vh : &none, sizeof(none),
					   iov, iovcnt);
		if (iovcnt < 0)
			return iovcnt;
		iov = v;
	}
	if (writev(tr.fd, iov, iovcnt) < 0) {
		tr.drops++;
		return -errno;
	}
	return 0;
}

/**
 * transport_tx_dgram() - send one frame to the dgram peer
 * @c:		context
 * @vh:		must be NULL: no offloads here
 * @iov:	the frame in pieces
 * @iovcnt:	number of pieces
 * @len:	total length
 *
 * Return: 0 or -errno
 */
static int transport_tx_dgram(struct user_ctx *c,
			      const struct virtio_net_hdr *vh,
			      const struct iovec *iov, int iovcnt, size_t len)
{
	struct msghdr mh = {
		.msg_name = &tr.peer, .msg_namelen = tr.peerlen,
		.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt,
	};

	(void)c;
	(void)len;
	if (vh)
		return -EINVAL;
	if (sendmsg(tr.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
		tr.drops++;
		return -errno;
	}
	return 0;
}

/**
 * transport_want_out() - arm or disarm EPOLLOUT on the stream
 * @c:		context
 * @on:		arm it
 */
static void transport_want_out(struct user_ctx *c, int on)
{
	if (tr.want_out == on)
		return;
	tr.want_out = on;
	user_epoll_mod(c, tr.fd, EPOLLIN | EPOLLRDHUP | (on ? EPOLLOUT : 0),
		       REF_TRANSPORT, 0);
}

/**
 * transport_flush() - write what is queued on the stream
 * @c:		context
 *
 * Return: 0 when the queue is empty, -EAGAIN if some is left, -errno
 */
static int transport_flush(struct user_ctx *c)
{
	ssize_t n;

	while (tr.wlen) {
		n = send(tr.fd, transport_wbuf + tr.woff, tr.wlen,
			 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN) {
				transport_want_out(c, 1);
				return -EAGAIN;
			}
			return -errno;
		}
		tr.woff += (size_t)n;
		tr.wlen -= (size_t)n;
	}
	tr.woff = 0;
	transport_want_out(c, 0);
	return 0;
}

/**
 * transport_queue() - put the part of a frame not written in the queue
 * @iov:	the frame with its length prefix, in pieces
 * @iovcnt:	number of pieces
 * @skip:	bytes of it already written
 */
static void transport_queue(const struct iovec *iov, int iovcnt, size_t skip)
{
	int i;

	if (tr.woff && tr.woff + tr.wlen > TRANSPORT_WBUF / 2) {
		memmove(transport_wbuf, transport_wbuf + tr.woff, tr.wlen);
		tr.woff = 0;
	}
	for (i = 0; i < iovcnt; i++) {
		size_t l = iov[i].iov_len;
		const uint8_t *p = iov[i].iov_base;

		if (skip >= l) {
			skip -= l;
			continue;
		}
		memcpy(transport_wbuf + tr.woff + tr.wlen, p + skip, l - skip);
		tr.wlen += l - skip;
		skip = 0;
	}
}

/**
 * transport_tx_stream() - write one frame, length first, to the stream
 * @c:		context
 * @vh:		must be NULL: no offloads here
 * @iov:	the frame in pieces
 * @iovcnt:	number of pieces
 * @len:	total length
 *
 * Return: 0 (written or queued whole), or -errno (-EAGAIN: dropped)
 */
static int transport_tx_stream(struct user_ctx *c,
			       const struct virtio_net_hdr *vh,
			       const struct iovec *iov, int iovcnt, size_t len)
{
	struct iovec v[TRANSPORT_IOV];
	uint8_t hdr[4];
	ssize_t n;
	int nv;

	if (vh)
		return -EINVAL;
	hdr[0] = (uint8_t)(len >> 24);
	hdr[1] = (uint8_t)(len >> 16);
	hdr[2] = (uint8_t)(len >> 8);
	hdr[3] = (uint8_t)len;
	nv = transport_prepend(v, hdr, sizeof(hdr), iov, iovcnt);
	if (nv < 0)
		return nv;

	if (tr.wlen) {
		/* keep frames in order behind what is queued */
		if (transport_flush(c) == -EAGAIN) {
			if (tr.woff + tr.wlen + len + 4 > TRANSPORT_WBUF) {
				tr.drops++;
				return -EAGAIN;
			}
			transport_queue(v, nv, 0);
			return 0;
		}
	}
	do {
		struct msghdr mh = { .msg_iov = v, .msg_iovlen = (size_t)nv };

		n = sendmsg(tr.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno != EAGAIN) {
			tr.drops++;
			return -errno;
		}
		n = 0;
	}
	if ((size_t)n < len + 4) {
		if (n == 0 && tr.woff + tr.wlen + len + 4 > TRANSPORT_WBUF) {
			tr.drops++;
			return -EAGAIN;
		}
		/* the rest of a started frame always fits: wbuf > frame */
		transport_queue(v, nv, (size_t)n);
		transport_want_out(c, 1);
	}
	return 0;
}

/**
 * transport_stream_drop() - forget the connected stream socket
 * @c:		context
 * @why:	for the log
 */
static void transport_stream_drop(struct user_ctx *c, const char *why)
{
	if (tr.fd < 0)
		return;
	log_info("guest disconnected (%s)", why);
	user_epoll_del(c, tr.fd);
	close(tr.fd);
	tr.fd = -1;
	tr.rlen = tr.wlen = tr.woff = 0;
	tr.want_out = 0;
	c->tx = NULL;
}

/**
 * transport_stream_accept() - take QEMU's connection
 * @c:		context
 *
 * A new connection replaces the current one: QEMU reconnects after a
 * restart, and the old socket may not have told us yet that it is gone.
 */
static void transport_stream_accept(struct user_ctx *c)
{
	int fd, buf = 4 * 1024 * 1024;

	fd = accept4(tr.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0) {
		if (errno != EAGAIN && errno != EINTR)
			log_warn("accept on %s: %s", tr.path, strerror(errno));
		return;
	}
	if (tr.fd >= 0)
		transport_stream_drop(c, "replaced by a new connection");
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	if (user_epoll_add(c, fd, EPOLLIN | EPOLLRDHUP, REF_TRANSPORT, 0)) {
		close(fd);
		return;
	}
	tr.fd = fd;
	c->tx = transport_tx_stream;
	log_info("guest connected on %s", tr.path);
}

/**
 * transport_stream_read() - read frames from the stream
 * @c:		context
 *
 * Return: 0, or -errno if the connection is to be dropped
 */
static int transport_stream_read(struct user_ctx *c)
{
	size_t off;
	ssize_t n;

	n = recv(tr.fd, transport_rbuf + tr.rlen, sizeof(transport_rbuf) - tr.rlen,
		 MSG_DONTWAIT);
	if (n == 0)
		return -ECONNRESET;
	if (n < 0)
		return errno == EAGAIN || errno == EINTR ? 0 : -errno;
	tr.rlen += (size_t)n;

	for (off = 0; tr.rlen - off >= 4;) {
		const uint8_t *p = transport_rbuf + off;
		uint32_t len = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
			       (uint32_t)p[2] << 8 | p[3];

		if (len > USER_FRAME_MAX) {
			log_warn("frame of %u bytes from the guest: too long",
				 len);
			return -EPROTO;
		}
		if (tr.rlen - off - 4 < len)
			break;
		eth_in(c, p + 4, len);
		/* eth_in() may have dropped the connection (write error) */
		if (tr.fd < 0)
			return 0;
		off += 4 + len;
	}
	memmove(transport_rbuf, transport_rbuf + off, tr.rlen - off);
	tr.rlen -= off;
	return 0;
}

/**
 * transport_read_frames() - read frames from a tap or dgram socket
 * @c:		context
 */
static void transport_read_frames(struct user_ctx *c)
{
	int i;

	for (i = 0; i < TRANSPORT_BATCH; i++) {
		struct sockaddr_un from;
		socklen_t fl = sizeof(from);
		ssize_t n;

		if (tr.kind == TRANSPORT_TAP) {
			n = read(tr.fd, transport_rbuf, sizeof(transport_rbuf));
		} else {
			n = recvfrom(tr.fd, transport_rbuf, sizeof(transport_rbuf),
				     MSG_DONTWAIT, (struct sockaddr *)&from, &fl);
			if (n >= 0 && fl > sizeof(sa_family_t)) {
				memcpy(&tr.peer, &from, fl);
				tr.peerlen = fl;
				c->tx = transport_tx_dgram;
			}
		}
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				log_warn("reading frames: %s", strerror(errno));
			return;
		}
		if (tr.vnet)
			eth_in_vnet(c, transport_rbuf, (size_t)n);
		else
			eth_in(c, transport_rbuf, (size_t)n);
	}
}

/**
 * transport_event() - the transport's fd is ready
 * @c:		context
 * @type:	REF_TRANSPORT_LISTEN or REF_TRANSPORT
 * @events:	epoll events
 */
void transport_event(struct user_ctx *c, enum user_ref_type type,
		     uint32_t events)
{
	int rc;

	if (type == REF_TRANSPORT_LISTEN) {
		transport_stream_accept(c);
		return;
	}
	if (tr.kind != TRANSPORT_STREAM) {
		if (events & EPOLLIN)
			transport_read_frames(c);
		if ((events & (EPOLLERR | EPOLLHUP)) && tr.kind == TRANSPORT_TAP)
			log_warn("tap: error or hang-up");
		return;
	}
	if (tr.fd < 0)
		return;
	if (events & EPOLLOUT) {
		rc = transport_flush(c);
		if (rc && rc != -EAGAIN) {
			transport_stream_drop(c, strerror(-rc));
			return;
		}
	}
	if (events & EPOLLIN) {
		rc = transport_stream_read(c);
		if (rc) {
			transport_stream_drop(c, rc == -ECONNRESET ?
					      "closed" : strerror(-rc));
			return;
		}
	}
	if (events & (EPOLLERR | EPOLLHUP | EPOLLRDHUP)) {
		int i;

		/* read what is left (up to EOF) before giving up */
		for (i = 0; i < 64 && tr.fd >= 0; i++)
			if (transport_stream_read(c))
				break;
		transport_stream_drop(c, "hang-up");
	}
}

/**
 * transport_tap_offload() - set up a tap's virtio-net header and offloads
 * @fd:		tap file descriptor
 *
 * A tap opened without IFF_VNET_HDR is left alone.  Without
 * TUNSETOFFLOAD (which no kernel we run on lacks) the header stays, and
 * the guest's kernel simply sends complete frames within the MTU.
 *
 * Return: 1 if frames carry a header, 0 if not, or -errno
 */
static int transport_tap_offload(int fd)
{
	unsigned int off = TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			   TUN_F_TSO_ECN;
	int sz = (int)sizeof(struct virtio_net_hdr);
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(fd, TUNGETIFF, &ifr))
		return -errno;
	if (!(ifr.ifr_flags & IFF_VNET_HDR))
		return 0;
	if (ioctl(fd, TUNSETVNETHDRSZ, &sz))
		return -errno;
	if (ioctl(fd, TUNSETOFFLOAD, off))
		log_warn("tap: no offloads (%s): slower", strerror(errno));
	return 1;
}

/**
 * transport_tap() - use @fd, a tap, as the transport
 * @c:		context
 * @fd:		tap file descriptor (taken over)
 *
 * Return: 0 or -errno
 */
int transport_tap(struct user_ctx *c, int fd)
{
	int fl = fcntl(fd, F_GETFL), vnet;

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK))
		return -errno;
	vnet = transport_tap_offload(fd);
	if (vnet < 0)
		return vnet;
	tr.vnet = vnet;
	c->tso = vnet;
	tr.kind = TRANSPORT_TAP;
	tr.fd = fd;
	c->tx = transport_tx_tap;
	return user_epoll_add(c, fd, EPOLLIN, REF_TRANSPORT, 0);
}

/**
 * transport_bind() - a unix socket bound at @path (also the control
 * socket's)
 * @path:	socket path; a stale socket there is replaced
 * @type:	SOCK_STREAM (then listening) or SOCK_DGRAM
 *
 * Return: the fd, non-blocking, or -errno (-EADDRINUSE: something is
 * listening there, -EEXIST: a file that is not a socket)
 */
int transport_bind(const char *path, int type)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc;

	if (strlen(path) >= sizeof(sa.sun_path))
		return -ENAMETOOLONG;
	strcpy(sa.sun_path, path);
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode))
			return -EEXIST;
		if (type == SOCK_STREAM) {
			fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd < 0)
				return -errno;
			rc = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
			close(fd);
			if (rc == 0)
				return -EADDRINUSE;
		}
		unlink(path);
	}
	fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    (type == SOCK_STREAM && listen(fd, 4))) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/**
 * transport_stream() - listen for QEMU's -netdev stream at @path
 * @c:		context
 * @path:	socket path
 *
 * Return: 0 or -errno
 */
int transport_stream(struct user_ctx *c, const char *path)
{
	int fd = transport_bind(path, SOCK_STREAM);

	if (fd < 0)
		return fd;
	tr.kind = TRANSPORT_STREAM;
	tr.listen_fd = fd;
	snprintf(tr.path, sizeof(tr.path), "%s", path);
	return user_epoll_add(c, fd, EPOLLIN, REF_TRANSPORT_LISTEN, 0);
}

/**
 * transport_dgram() - take QEMU's -netdev dgram frames at @path
 * @c:		context
 * @path:	socket path
 *
 * Return: 0 or -errno
 */
int transport_dgram(struct user_ctx *c, const char *path)
{
	int fd = transport_bind(path, SOCK_DGRAM), buf = 4 * 1024 * 1024;

	if (fd < 0)
		return fd;
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	tr.kind = TRANSPORT_DGRAM;
	tr.fd = fd;
	snprintf(tr.path, sizeof(tr.path), "%s", path);
	return user_epoll_add(c, fd, EPOLLIN, REF_TRANSPORT, 0);
}

/**
 * transport_timer() - periodic work: nothing but a drop report
 * @c:		context
 */
void transport_timer(struct user_ctx *c)
{
	static uint64_t reported, last_ms;

	if (tr.drops != reported && c->now_ms - last_ms >= 10000) {
		log_debug("%llu frames to the guest dropped: transport full",
			  (unsigned long long)(tr.drops - reported));
		reported = tr.drops;
		last_ms = c->now_ms;
	}
}

/**
 * transport_fini() - close the transport and remove its socket file
 * @c:		context
 */
void transport_fini(struct user_ctx *c)
{
	if (tr.fd >= 0)
		close(tr.fd);
	if (tr.listen_fd >= 0)
		close(tr.listen_fd);
	tr.fd = tr.listen_fd = -1;
	if (tr.path[0])
		unlink(tr.path);
	tr.path[0] = '\0';
	c->tx = NULL;
	c->tso = 0;
}
