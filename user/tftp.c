// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tftp.c - read-only TFTP server for network boot (tftp=)
 *
 * Theory of operation
 *
 * With tftp=DIR set, a read request (RFC 1350) from the guest to the host
 * address, port 69, starts a transfer of a file under DIR.  The transfer
 * gets a fresh server port of ours (its TID): every DATA packet comes from
 * host:that port, and the guest's ACKs to it are handed here by udp.c
 * before any UDP flow is looked up.  No host socket is involved; the file
 * is read with pread() as blocks are asked for.
 *
 * Options (RFC 2347): blksize (RFC 2348, 8 to 65464, cut to what fits the
 * MTU) and tsize (RFC 2349, the file's size) are honoured and confirmed
 * with an OACK, which the guest acknowledges as block 0; others are
 * ignored, as RFC 2347 allows.  Only "octet" mode is served.  Block
 * numbers roll over after 65535, as common clients expect, so files of
 * any size can be sent.
 *
 * A block not acknowledged in TFTP_RETX_MS is sent again, up to
 * TFTP_TRIES times, then the transfer is given up; a duplicate ACK never
 * triggers a resend (RFC 1123 4.2.3.1, "Sorcerer's Apprentice").  At most
 * TFTP_XFER_MAX transfers run at once, one per guest port.
 *
 * Names are relative to DIR: absolute names, ".." components and
 * backslashes are refused, and the file is opened beneath DIR's directory
 * fd with openat2(RESOLVE_BENEATH) where the kernel has it, so symbolic
 * links cannot lead out either; it must be a regular file.  Write
 * requests are refused ("access violation").
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "inany.h"
#include "ip.h"
#include "log.h"
#include "pkt.h"
#include "tftp.h"

#define TFTP_RRQ	1
#define TFTP_WRQ	2
#define TFTP_DATA	3
#define TFTP_ACK	4
#define TFTP_ERROR	5
#define TFTP_OACK	6

#define TFTP_ENOTFOUND	1
#define TFTP_EACCESS	2
#define TFTP_EBADOP	4
#define TFTP_EOPTNEG	8
#define TFTP_EUNDEF	0

#define TFTP_XFER_MAX	16
#define TFTP_BLKSIZE	512
#define TFTP_BLKSIZE_MIN 8
#define TFTP_BLKSIZE_MAX 65464
#define TFTP_RETX_MS	1000
#define TFTP_TRIES	6
/* Our transfer ports: 49152 and up */
#define TFTP_PORT_BASE	49152

/**
 * struct tftp_xfer - one transfer
 * @active:	the slot is in use
 * @fd:		the file
 * @gaddr:	guest address
 * @gport:	guest port
 * @port:	our port (the transfer's TID)
 * @blksize:	block size
 * @block:	number of the block in flight (0: the OACK), not wrapped
 * @len:	its length
 * @tsize:	file size, to send in the OACK (-1: not asked)
 * @oack:	options were accepted; the OACK is block 0
 * @sent_ms:	when the block in flight was last sent
 * @tries:	how many times it was sent
 */
struct tftp_xfer {
	int active;
	int fd;
	struct in6_addr gaddr;
	uint16_t gport;
	uint16_t port;
	uint16_t blksize;
	uint64_t block;
	size_t len;
	int64_t tsize;
	int oack;
	uint64_t sent_ms;
	unsigned int tries;
};

static struct tftp_xfer tftp_x[TFTP_XFER_MAX];
static int tftp_root = -1;
static uint16_t tftp_next_port;
static uint8_t tftp_buf[4 + TFTP_BLKSIZE_MAX];

/**
 * tftp_init() - open the tftp= directory
 * @c:		context
 *
 * A directory that cannot be opened is reported, and every request is
 * then refused; the rest of the network works.
 *
 * Return: 0
 */
int tftp_init(struct user_ctx *c)
{
	tftp_fini(c);
	tftp_next_port = 0;
	if (!c->o->tftp[0])
		return 0;
	tftp_root = open(c->o->tftp, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (tftp_root < 0)
		log_warn("tftp: cannot open %s: %s; TFTP requests will fail",
			 c->o->tftp, strerror(errno));
	return 0;
}

/**
 * tftp_close() - end a transfer
 * @x:		the transfer
 */
static void tftp_close(struct tftp_xfer *x)
{
	if (x->active)
		close(x->fd);
	x->active = 0;
	x->fd = -1;
}

/**
 * tftp_send() - send one TFTP packet to the guest
 * @c:		context
 * @gaddr:	guest address
 * @gport:	guest port
 * @sport:	our port
 * @msg:	the TFTP packet
 * @len:	its length
 */
static void tftp_send(struct user_ctx *c, const struct in6_addr *gaddr,
		      uint16_t gport, uint16_t sport, const uint8_t *msg,
		      size_t len)
{
	struct in6_addr src = inany_from4(c->o->host);
	uint8_t h[8];
	struct iovec iov[2] = {
		{ .iov_base = h, .iov_len = 8 },
		{ .iov_base = (void *)msg, .iov_len = len },
	};
	uint16_t sum;

	pkt_put_u16(h, sport);
	pkt_put_u16(h + 2, gport);
	pkt_put_u16(h + 4, (uint16_t)(8 + len));
	pkt_put_u16(h + 6, 0);
	sum = ip_l4_csum(&src, gaddr, IPPROTO_UDP, iov, 2, 8 + len);
	memcpy(h + 6, &sum, 2);
	ip_send(c, &src, gaddr, IPPROTO_UDP, iov, 2, 8 + len);
}

/**
 * tftp_error() - send an ERROR packet
 * @c:		context
 * @gaddr:	guest address
 * @gport:	guest port
 * @sport:	our port
 * @code:	error code
 * @text:	message
 */
static void tftp_error(struct user_ctx *c, const struct in6_addr *gaddr,
		       uint16_t gport, uint16_t sport, uint16_t code,
		       const char *text)
{
	uint8_t b[128];
	size_t n = strlen(text);

	if (n > sizeof(b) - 5)
		n = sizeof(b) - 5;
	pkt_put_u16(b, TFTP_ERROR);
	pkt_put_u16(b + 2, code);
	memcpy(b + 4, text, n);
	b[4 + n] = 0;
	tftp_send(c, gaddr, gport, sport, b, n + 5);
}

/**
 * tftp_send_block() - (re)send the block in flight, or the OACK
 * @c:		context
 * @x:		the transfer
 *
 * Return: 0, or -errno if the file could not be read (the transfer is
 * then to be given up)
 */
static int tftp_send_block(struct user_ctx *c, struct tftp_xfer *x)
{
	struct pkt_wr w;
	ssize_t n;

	x->sent_ms = c->now_ms;
	x->tries++;
	if (x->block == 0) {
		char num[24];

		pkt_wr_init(&w, tftp_buf, sizeof(tftp_buf));
		pkt_wr_u16(&w, TFTP_OACK);
		if (x->blksize != TFTP_BLKSIZE) {
			snprintf(num, sizeof(num), "%u", x->blksize);
			pkt_wr_bytes(&w, "blksize", 8);
			pkt_wr_bytes(&w, num, strlen(num) + 1);
		}
		if (x->tsize >= 0) {
			snprintf(num, sizeof(num), "%lld",
				 (long long)x->tsize);
			pkt_wr_bytes(&w, "tsize", 6);
			pkt_wr_bytes(&w, num, strlen(num) + 1);
		}
		tftp_send(c, &x->gaddr, x->gport, x->port, tftp_buf, w.off);
		return 0;
	}
	n = pread(x->fd, tftp_buf + 4, x->blksize,
		  (off_t)((x->block - 1) * x->blksize));
	if (n < 0)
		return -errno;
	x->len = (size_t)n;
	pkt_put_u16(tftp_buf, TFTP_DATA);
	pkt_put_u16(tftp_buf + 2, (uint16_t)x->block);
	tftp_send(c, &x->gaddr, x->gport, x->port, tftp_buf, 4 + x->len);
	return 0;
}

/**
 * tftp_open_file() - open a requested file beneath the tftp= directory
 * @name:	the name the guest asked for
 *
 * Return: an fd, or -errno (-EACCES for names that try to leave the
 * directory)
 */
static int tftp_open_file(const char *name)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS,
	};
	const char *p;
	struct stat st;
	int fd, rc;

	if (tftp_root < 0)
		return -ENOENT;
	if (!name[0] || name[0] == '/' || strchr(name, '\\'))
		return -EACCES;
	for (p = name; p; p = strchr(p, '/')) {
		if (*p == '/')
			p++;
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || !p[2]))
			return -EACCES;
	}
	fd = (int)syscall(SYS_openat2, tftp_root, name, &how, sizeof(how));
	if (fd < 0 && (errno == ENOSYS || errno == EPERM))
		fd = openat(tftp_root, name, (int)how.flags | O_NOFOLLOW);
	if (fd < 0)
		return errno == EXDEV || errno == ELOOP ? -EACCES : -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		rc = -EACCES;
		close(fd);
		return rc;
	}
	return fd;
}

/**
 * tftp_slot() - a free transfer slot, after ending any transfer of the
 *		 same guest port
 * @gaddr:	guest address
 * @gport:	guest port
 *
 * Return: the slot, or NULL if every slot is busy
 */
static struct tftp_xfer *tftp_slot(const struct in6_addr *gaddr,
				   uint16_t gport)
{
	struct tftp_xfer *free_x = NULL;
	unsigned int i;

	for (i = 0; i < TFTP_XFER_MAX; i++) {
		struct tftp_xfer *x = &tftp_x[i];

		if (x->active && x->gport == gport &&
		    inany_eq(&x->gaddr, gaddr))
			tftp_close(x);
		if (!x->active && !free_x)
			free_x = x;
	}
	return free_x;
}

/**
 * tftp_rrq() - start a transfer for a read request
 * @c:		context
 * @src:	guest address
 * @sport:	guest port
 * @rd:		cursor after the opcode
 */
static void tftp_rrq(struct user_ctx *c, const struct in6_addr *src,
		     uint16_t sport, struct pkt_rd *rd)
{
	const char *s[2 + 2 * 8] = { 0 };
	size_t room = ip_payload_max(c, 0);
	unsigned long blksize = TFTP_BLKSIZE;
	int want_tsize = 0, oack = 0, fd;
	unsigned int n = 0, i;
	struct tftp_xfer *x;
	struct stat st;
	uint16_t port;

	/* NUL-terminated strings: name, mode, then option/value pairs */
	while (pkt_rd_left(rd) && n < sizeof(s) / sizeof(s[0])) {
		const uint8_t *p = rd->p + rd->off;
		const uint8_t *z = memchr(p, 0, pkt_rd_left(rd));

		if (!z)
			break;
		s[n++] = (const char *)p;
		pkt_rd_skip(rd, (size_t)(z - p) + 1);
	}
	if (n < 2) {
		tftp_error(c, src, sport, TFTP_PORT, TFTP_EBADOP,
			   "malformed request");
		return;
	}
	if (strcasecmp(s[1], "octet")) {
		tftp_error(c, src, sport, TFTP_PORT, TFTP_EBADOP,
			   "only octet mode is supported");
		return;
	}
	for (i = 2; i + 1 < n; i += 2) {
		if (!strcasecmp(s[i], "blksize")) {
			char *end;

			blksize = strtoul(s[i + 1], &end, 10);
			if (*end || blksize < TFTP_BLKSIZE_MIN) {
				tftp_error(c, src, sport, TFTP_PORT,
					   TFTP_EOPTNEG, "bad blksize");
				return;
			}
			if (blksize > TFTP_BLKSIZE_MAX)
				blksize = TFTP_BLKSIZE_MAX;
			if (room > 12 && blksize > room - 12)
				blksize = room - 12;
			oack = 1;
		} else if (!strcasecmp(s[i], "tsize")) {
			want_tsize = oack = 1;
		}
	}
	fd = tftp_open_file(s[0]);
	if (fd < 0) {
		tftp_error(c, src, sport, TFTP_PORT,
			   fd == -ENOENT ? TFTP_ENOTFOUND : TFTP_EACCESS,
			   fd == -ENOENT ? "file not found" : "access denied");
		return;
	}
	x = tftp_slot(src, sport);
	if (!x) {
		close(fd);
		tftp_error(c, src, sport, TFTP_PORT, TFTP_EUNDEF,
			   "too many transfers");
		return;
	}
	port = (uint16_t)(TFTP_PORT_BASE + tftp_next_port++ % 16384);
	memset(x, 0, sizeof(*x));
	x->active = 1;
	x->fd = fd;
	x->gaddr = *src;
	x->gport = sport;
	x->port = port;
	x->blksize = (uint16_t)blksize;
	x->tsize = want_tsize && !fstat(fd, &st) ? (int64_t)st.st_size : -1;
	x->oack = oack;
	x->block = oack ? 0 : 1;
	if (tftp_send_block(c, x) < 0)
		tftp_close(x);
}

/**
 * tftp_in() - take a datagram from the guest to the host address, if it
 *	       is TFTP
 * @c:		context
 * @src:	guest address
 * @sport:	guest port
 * @dst:	the host address
 * @dport:	69, or one of our transfer ports
 * @msg:	the UDP payload
 * @len:	its length
 *
 * Return: 1 if it was TFTP (taken), 0 if not (an ordinary UDP flow)
 */
int tftp_in(struct user_ctx *c, const struct in6_addr *src, uint16_t sport,
	    const struct in6_addr *dst, uint16_t dport,
	    const uint8_t *msg, size_t len)
{
	struct tftp_xfer *x = NULL;
	struct pkt_rd rd;
	uint16_t op, blk;
	unsigned int i;

	(void)dst;
	if (!c->o->tftp[0] || !inany_is4(src))
		return 0;
	pkt_rd_init(&rd, msg, len);
	op = pkt_rd_u16(&rd);
	if (dport == TFTP_PORT) {
		if (!pkt_rd_ok(&rd) || !sport)
			return 1;
		if (op == TFTP_RRQ)
			tftp_rrq(c, src, sport, &rd);
		else if (op == TFTP_WRQ)
			tftp_error(c, src, sport, TFTP_PORT, TFTP_EACCESS,
				   "read-only server");
		return 1;
	}
	for (i = 0; i < TFTP_XFER_MAX && !x; i++)
		if (tftp_x[i].active && tftp_x[i].port == dport &&
		    tftp_x[i].gport == sport && inany_eq(&tftp_x[i].gaddr, src))
			x = &tftp_x[i];
	if (!x)
		return 0;
	blk = pkt_rd_u16(&rd);
	if (!pkt_rd_ok(&rd) || op == TFTP_ERROR) {
		tftp_close(x);
		return 1;
	}
	if (op != TFTP_ACK || blk != (uint16_t)x->block)
		return 1;	/* duplicate or stray: never resend on it */
	if (x->block && x->len < x->blksize) {
		tftp_close(x);	/* the last block was acknowledged */
		return 1;
	}
	x->block++;
	x->tries = 0;
	if (tftp_send_block(c, x) < 0)
		tftp_close(x);
	return 1;
}

/**
 * tftp_timer() - resend unacknowledged blocks; give up stale transfers
 * @c:		context
 */
void tftp_timer(struct user_ctx *c)
{
	unsigned int i;

	for (i = 0; i < TFTP_XFER_MAX; i++) {
		struct tftp_xfer *x = &tftp_x[i];

		if (!x->active || c->now_ms < x->sent_ms + TFTP_RETX_MS)
			continue;
		if (x->tries >= TFTP_TRIES || tftp_send_block(c, x) < 0)
			tftp_close(x);
	}
}

/**
 * tftp_count() - number of transfers running
 * @c:		context
 *
 * Return: the count
 */
unsigned int tftp_count(const struct user_ctx *c)
{
	unsigned int i, n = 0;

	(void)c;
	for (i = 0; i < TFTP_XFER_MAX; i++)
		n += tftp_x[i].active;
	return n;
}

/**
 * tftp_fini() - end every transfer and close the directory
 * @c:		context
 */
void tftp_fini(struct user_ctx *c)
{
	unsigned int i;

	(void)c;
	for (i = 0; i < TFTP_XFER_MAX; i++)
		tftp_close(&tftp_x[i]);
	if (tftp_root >= 0)
		close(tftp_root);
	tftp_root = -1;
}
