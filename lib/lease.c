// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease.c - the DHCPv4 lease store: address choice, lookups, journal
 *
 * Theory of operation
 *
 * Memory.  lease_open() allocates everything once: one struct lease per
 * address of the dynamic pool (entry i is address pool_first + i, so the
 * pool needs no index by address), then one per static host (dhcp-host),
 * and three chained hash indexes over them, as arrays of int32_t "next"
 * links: by MAC (every static host, and every pool entry that has a
 * client), by host name (case-insensitive, every entry that has a name),
 * and by address for the static hosts.  Nothing is allocated afterwards,
 * so the packet path never allocates; a pool is limited to LEASE_POOL_MAX
 * addresses (a /16), 65536 entries of 96 bytes.
 *
 * State of a pool address (enum lease_state): FREE until first used;
 * OFFERED (reserved for its client for offer_hold seconds); BOUND until it
 * expires; RELEASED; DECLINED (held back for decline_hold seconds, without
 * a client); RESERVED for the server's own address and static hosts'
 * addresses, which are never handed out.  Expiry is lazy: an entry whose
 * time has passed is simply reusable, and keeps its client's MAC, so the
 * client finds it again until someone else needs the address.  A MAC has at
 * most one pool entry.
 *
 * Address choice (lease_offer()), stable per MAC:
 *  1. a static host gets its address;
 *  2. a client with a pool entry (bound, expired, released or offered) gets
 *     that address again;
 *  3. else the address it asked for, if nobody holds it;
 *  4. else the first never-used address found by linear probing from
 *     FNV-1a(MAC) mod pool size - so the same MAC gets the same address
 *     across restarts even when the journal was lost (or from the start
 *     of the pool, for SLIRP's numbering, if lease_cfg.sequential);
 *  5. else the reusable address (expired, released, hold over) that expired
 *     longest ago, so that returning clients usually find theirs;
 *  6. else nothing: the pool is exhausted.
 *
 * Journal.  Leases live in a text file, one record per line, fields
 * separated by one space:
 *
 *	# tapir leases v1
 *	lease MAC IP EXPIRES [HOSTNAME]	bound until EXPIRES (Unix time)
 *	release MAC IP			MAC gave IP back
 *	decline MAC IP UNTIL		MAC declined IP; held until UNTIL
 *
 * MAC is aa:bb:cc:dd:ee:ff in lower case, IP dotted quad, HOSTNAME one
 * lower-case DNS label.  Lines starting with '#' are comments.  A record
 * supersedes every earlier record naming the same IP, and a lease or
 * release record also every earlier one naming the same MAC (a decline
 * says nothing new about its client, whose lease record came before it).
 * The current state is the set of records that no later record
 * supersedes; lease_db_read() finds it in one backward pass.  The format
 * is documented for users in tapir-leases(5).
 *
 * lease_open() reads the journal, ignoring malformed lines with a warning
 * that names the line and dropping a torn last line (one without its
 * newline: a write cut short), then compacts: it writes the live records
 * to a temporary file in the same directory, fsyncs it, renames it over
 * the journal and fsyncs the directory, so a crash at any point leaves
 * either the old journal or the new one, never a torn file.  A journal
 * that is already exactly what compacting would write (the usual case
 * after a clean stop) is kept as it is.  Each change afterwards (bind,
 * release, decline; not offers) is appended with a single write() before
 * the caller sends its ACK.  Once write() returns, the line is in the
 * page cache: a kill -9 or a crash of the service loses nothing, and only
 * a crash of the whole machine can lose the last few seconds of changes.
 * A write cut short (disk full) is truncated away, so the journal never
 * keeps half a line.  fdatasync() after every
 * append (lease_cfg.sync) closes that last gap too, but caps the rate at
 * one change per disk flush - a few hundred per second on an SSD, tens on
 * a disk - so it is off by default: DHCP clients renew and re-request, and
 * a lost record after a power failure costs at worst a different address,
 * which stable per-MAC choice makes unlikely.  When the journal has grown
 * to twice its compacted size plus LEASE_COMPACT_SLACK lines it is
 * compacted again, which keeps it small and the cost per change constant.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "lease.h"
#include "log.h"

/* Lines appended beyond twice the compacted size before compacting again */
#define LEASE_COMPACT_SLACK	16384
/* Buffer for writing a compacted journal */
#define LEASE_WBUF		65536
/* Longest journal line accepted */
#define LEASE_LINE_MAX		256
/* At most one I/O warning per this many seconds */
#define LEASE_WARN_INTERVAL	10

#define LEASE_NONE		(-1)

/**
 * struct lease_index - a chained hash index over the entries
 * @head:	first entry of each bucket, or LEASE_NONE
 * @next:	next entry in the same bucket, per entry
 * @mask:	number of buckets - 1 (a power of two - 1)
 */
struct lease_index {
	int32_t *head;
	int32_t *next;
	uint32_t mask;
};

/**
 * struct lease_store - leases of one network
 * @ent:	@npool pool entries, then @nstatic static hosts
 * @npool:	addresses in the pool
 * @nstatic:	static hosts
 * @first:	first pool address
 * @server:	server's address
 * @nfresh:	pool entries still LEASE_FREE
 * @by_mac:	index by MAC
 * @by_name:	index by host name
 * @by_sip:	index of static hosts by address
 * @offer_hold:	seconds an offer lasts
 * @decline_hold: seconds a declined address is held
 * @path:	journal file, or NULL
 * @fd:		journal, open for appending, or -1
 * @sync:	fdatasync() after each append
 * @sequential:	probe from the start of the pool, not from the MAC's hash
 * @jsize:	journal size in bytes
 * @jlines:	records in the journal
 * @jcompact:	records written by the last compaction
 * @wbuf:	LEASE_WBUF bytes for compaction
 * @warn_at:	time of the last I/O warning
 * @warn_quiet:	warnings suppressed since
 */
struct lease_store {
	struct lease *ent;
	uint32_t npool;
	uint32_t nstatic;
	uint32_t first;
	uint32_t server;
	uint32_t nfresh;
	struct lease_index by_mac;
	struct lease_index by_name;
	struct lease_index by_sip;
	uint32_t offer_hold;
	uint32_t decline_hold;
	char *path;
	int fd;
	int sync;
	int sequential;
	off_t jsize;
	uint64_t jlines;
	uint64_t jcompact;
	char *wbuf;
	time_t warn_at;
	unsigned long warn_quiet;
};

static const uint8_t lease_zero_mac[6];

/**
 * lease_fnv() - FNV-1a hash, optionally folding ASCII case
 * @p:		bytes
 * @n:		number of bytes
 * @fold:	hash 'A' like 'a'
 *
 * The pool position of a MAC is this hash modulo the pool size: changing
 * it moves every client to a new address, so it must stay as it is.
 *
 * Return: the 32-bit hash
 */
static uint32_t lease_fnv(const void *p, size_t n, int fold)
{
	const uint8_t *b = p;
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t c = b[i];

		if (fold && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/**
 * lease_index_init() - allocate an empty index
 * @ix:		index
 * @nkeys:	most entries it will hold (sizes the buckets)
 * @nent:	number of entries in the store
 *
 * Return: 0, or -ENOMEM
 */
static int lease_index_init(struct lease_index *ix, uint32_t nkeys,
			    uint32_t nent)
{
	uint32_t nb = 16, i;

	while (nb < 2 * nkeys)
		nb <<= 1;
	ix->mask = nb - 1;
	ix->head = malloc(nb * sizeof(*ix->head));
	ix->next = malloc((nent ? nent : 1) * sizeof(*ix->next));
	if (!ix->head || !ix->next)
		return -ENOMEM;
	for (i = 0; i < nb; i++)
		ix->head[i] = LEASE_NONE;
	for (i = 0; i < nent; i++)
		ix->next[i] = LEASE_NONE;
	return 0;
}

static void lease_index_free(struct lease_index *ix)
{
	free(ix->head);
	free(ix->next);
}

static void lease_index_add(struct lease_index *ix, uint32_t h, int32_t i)
{
	ix->next[i] = ix->head[h & ix->mask];
	ix->head[h & ix->mask] = i;
}

static void lease_index_del(struct lease_index *ix, uint32_t h, int32_t i)
{
	int32_t *pp = &ix->head[h & ix->mask];

	while (*pp != LEASE_NONE && *pp != i)
		pp = &ix->next[*pp];
	if (*pp == i)
		*pp = ix->next[i];
	ix->next[i] = LEASE_NONE;
}

static uint32_t lease_hash_mac(const uint8_t *mac)
{
	return lease_fnv(mac, 6, 0);
}

static uint32_t lease_hash_ip(uint32_t ip)
{
	uint8_t b[4] = { ip >> 24, ip >> 16, ip >> 8, ip };

	return lease_fnv(b, 4, 0);
}

static int lease_is_static(const struct lease_store *ls, int32_t i)
{
	return (uint32_t)i >= ls->npool;
}

/**
 * lease_name_clean() - turn a client's host name into a DNS label
 * @in:		name as sent (not NUL-terminated), may be a full domain name
 * @len:	its length
 * @out:	LEASE_NAME_MAX + 1 bytes for the label, lower case
 *
 * Only the first label is kept ("vm1.example.com" gives "vm1"); a label
 * that is not RFC 1123 (letters, digits and inner hyphens, 1 to 63 bytes)
 * gives no name at all, as dnsmasq does.
 *
 * Return: length of the label, 0 if none
 */
static size_t lease_name_clean(const char *in, size_t len, char *out)
{
	size_t n;

	for (n = 0; n < len && in[n] != '.'; n++) {
		char c = in[n];

		if (n == LEASE_NAME_MAX)
			goto bad;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		else if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') &&
			 c != '-')
			goto bad;
		out[n] = c;
	}
	if (n && (out[0] == '-' || out[n - 1] == '-'))
		goto bad;
	out[n] = '\0';
	return n;
bad:
	out[0] = '\0';
	return 0;
}

/**
 * lease_set_name() - change an entry's host name, keeping the index right
 * @ls:		store
 * @i:		entry
 * @name:	new name, already clean, or ""
 */
static void lease_set_name(struct lease_store *ls, int32_t i, const char *name)
{
	struct lease *l = &ls->ent[i];

	if (!strcmp(l->hostname, name))
		return;
	if (l->hostname[0])
		lease_index_del(&ls->by_name, lease_fnv(l->hostname,
				strlen(l->hostname), 1), i);
	snprintf(l->hostname, sizeof(l->hostname), "%s", name);
	if (l->hostname[0])
		lease_index_add(&ls->by_name, lease_fnv(l->hostname,
				strlen(l->hostname), 1), i);
}

/**
 * lease_indexed() - tell whether a pool entry belongs in the MAC index
 * @state:	its state
 * @mac:	its client
 *
 * Return: non-zero for an offered, bound or released entry with a client
 */
static int lease_indexed(int state, const uint8_t *mac)
{
	return (state == LEASE_OFFERED || state == LEASE_BOUND ||
		state == LEASE_RELEASED) && memcmp(mac, lease_zero_mac, 6);
}

/**
 * lease_assign() - change a pool entry's client, state and time, keeping
 * the indexes and the count of fresh addresses right
 * @ls:		store
 * @i:		pool entry
 * @mac:	client (a declined entry keeps the one that declined it, out
 *		of the index), or lease_zero_mac
 * @state:	new state
 * @expires:	new time
 *
 * The host name goes when the client changes or the entry leaves the MAC
 * index.
 */
static void lease_assign(struct lease_store *ls, int32_t i, const uint8_t *mac,
			 int state, int64_t expires)
{
	struct lease *l = &ls->ent[i];
	int same = !memcmp(l->mac, mac, 6);

	if (lease_indexed(l->state, l->mac))
		lease_index_del(&ls->by_mac, lease_hash_mac(l->mac), i);
	if (!same || !lease_indexed(state, mac))
		lease_set_name(ls, i, "");
	if (l->state == LEASE_FREE && state != LEASE_FREE)
		ls->nfresh--;
	memcpy(l->mac, mac, 6);
	l->state = (uint8_t)state;
	l->expires = expires;
	if (lease_indexed(state, mac))
		lease_index_add(&ls->by_mac, lease_hash_mac(mac), i);
}

/**
 * lease_by_mac() - find a client's static entry and its pool entry
 * @ls:		store
 * @mac:	client
 * @dyn:	set to its pool entry, or LEASE_NONE
 *
 * Return: its static entry, or LEASE_NONE
 */
static int32_t lease_by_mac(const struct lease_store *ls, const uint8_t *mac,
			    int32_t *dyn)
{
	int32_t i, st = LEASE_NONE;

	*dyn = LEASE_NONE;
	for (i = ls->by_mac.head[lease_hash_mac(mac) & ls->by_mac.mask];
	     i != LEASE_NONE; i = ls->by_mac.next[i]) {
		if (memcmp(ls->ent[i].mac, mac, 6))
			continue;
		if (lease_is_static(ls, i))
			st = i;
		else
			*dyn = i;
	}
	return st;
}

/**
 * lease_static_by_ip() - find the static host that owns an address
 * @ls:		store
 * @ip:		address
 *
 * Return: its entry, or LEASE_NONE
 */
static int32_t lease_static_by_ip(const struct lease_store *ls, uint32_t ip)
{
	int32_t i;

	for (i = ls->by_sip.head[lease_hash_ip(ip) & ls->by_sip.mask];
	     i != LEASE_NONE; i = ls->by_sip.next[i])
		if (ls->ent[i].ip == ip)
			return i;
	return LEASE_NONE;
}

/**
 * lease_pool_idx() - pool entry of an address
 * @ls:		store
 * @ip:		address
 *
 * Return: the entry, or LEASE_NONE if @ip is outside the pool
 */
static int32_t lease_pool_idx(const struct lease_store *ls, uint32_t ip)
{
	uint32_t off = ip - ls->first;

	return off < ls->npool ? (int32_t)off : LEASE_NONE;
}

/**
 * lease_reusable() - tell whether a pool entry may go to a new client
 * @l:		entry
 * @now:	current time
 *
 * Return: non-zero if never used, or its lease, offer or hold is over
 */
static int lease_reusable(const struct lease *l, time_t now)
{
	if (l->state == LEASE_FREE)
		return 1;
	if (l->state == LEASE_RESERVED)
		return 0;
	return l->expires <= now;
}

/**
 * lease_live() - tell whether an entry is a lease in force
 * @l:		entry
 * @now:	current time
 *
 * Return: non-zero if bound and not expired
 */
static int lease_live(const struct lease *l, time_t now)
{
	return l->state == LEASE_BOUND && l->expires > now;
}

/**
 * lease_warn_io() - report a journal failure, at most once per
 * LEASE_WARN_INTERVAL seconds
 * @ls:		store
 * @now:	current time
 * @what:	what failed
 * @err:	positive errno
 */
static void lease_warn_io(struct lease_store *ls, time_t now, const char *what,
			  int err)
{
	if (ls->warn_at && now >= ls->warn_at &&
	    now - ls->warn_at < LEASE_WARN_INTERVAL) {
		ls->warn_quiet++;
		return;
	}
	if (ls->warn_quiet)
		log_warn("%s: %s: %s (%lu more warnings suppressed)", ls->path,
			 what, strerror(err), ls->warn_quiet);
	else
		log_warn("%s: %s: %s", ls->path, what, strerror(err));
	ls->warn_at = now;
	ls->warn_quiet = 0;
}

/**
 * lease_fmt_mac() - write a MAC as aa:bb:cc:dd:ee:ff
 * @mac:	address
 * @buf:	18 bytes
 *
 * Return: @buf
 */
static char *lease_fmt_mac(const uint8_t *mac, char *buf)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1],
		 mac[2], mac[3], mac[4], mac[5]);
	return buf;
}

/**
 * lease_fmt_ip() - write an address as a dotted quad
 * @ip:		address
 * @buf:	16 bytes
 *
 * Return: @buf
 */
static char *lease_fmt_ip(uint32_t ip, char *buf)
{
	snprintf(buf, 16, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255,
		 (ip >> 8) & 255, ip & 255);
	return buf;
}

/**
 * lease_fmt_record() - write the journal line for an entry
 * @l:		entry: BOUND (a lease line), DECLINED, or RELEASED
 * @mac:	client named in the line
 * @buf:	LEASE_LINE_MAX bytes
 *
 * Return: length of the line, newline included
 */
static int lease_fmt_record(const struct lease *l, const uint8_t *mac,
			    char *buf)
{
	char m[18], a[16];

	lease_fmt_mac(mac, m);
	lease_fmt_ip(l->ip, a);
	if (l->state == LEASE_RELEASED)
		return snprintf(buf, LEASE_LINE_MAX, "release %s %s\n", m, a);
	if (l->state == LEASE_DECLINED)
		return snprintf(buf, LEASE_LINE_MAX, "decline %s %s %" PRId64
				"\n", m, a, l->expires);
	return snprintf(buf, LEASE_LINE_MAX, "lease %s %s %" PRId64 "%s%s\n",
			m, a, l->expires, l->hostname[0] ? " " : "",
			l->hostname);
}

/**
 * lease_write_all() - write a whole buffer
 * @fd:		file
 * @p:		bytes
 * @n:		how many
 *
 * Return: 0, or -errno (-ENOSPC for a write that made no progress)
 */
static int lease_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -ENOSPC;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/**
 * lease_fsync_dir() - make a rename in the journal's directory durable
 * @path:	the journal
 *
 * Return: 0, or -errno
 */
static int lease_fsync_dir(const char *path)
{
	char dir[PATH_MAX];
	int fd, rc = 0;

	snprintf(dir, sizeof(dir), "%s", path);
	fd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fsync(fd) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/**
 * lease_fmt_live() - put the records lease_compact() keeps in the buffer
 * @ls:		store; its write buffer holds @n bytes already
 * @now:	current time; leases and holds over by then are left out
 * @i:		first entry to look at; advanced past those formatted
 * @lines:	incremented per record
 * @n:		bytes in the buffer so far
 *
 * Stops when the buffer may not hold another record.
 *
 * Return: bytes in the buffer
 */
static uint32_t lease_fmt_live(struct lease_store *ls, time_t now,
			       uint32_t *i, uint64_t *lines, uint32_t n)
{
	for (; *i < ls->npool + ls->nstatic; (*i)++) {
		const struct lease *l = &ls->ent[*i];

		if (!lease_live(l, now) &&
		    !(l->state == LEASE_DECLINED && l->expires > now))
			continue;
		if (n > LEASE_WBUF - LEASE_LINE_MAX)
			break;
		n += (uint32_t)lease_fmt_record(l, l->mac, ls->wbuf + n);
		(*lines)++;
	}
	return n;
}

/**
 * lease_reuse() - keep the journal as it is if compacting would not change it
 * @ls:		store, just read from the journal
 * @now:	current time
 *
 * After a clean stop the journal usually holds exactly the live records,
 * in order: rewriting it would cost two fsync()s for nothing at every
 * start.  Then it is opened for appending as it is.  Only journals whose
 * compacted form fits the write buffer are compared.
 *
 * Return: 1 if the journal is kept and open, 0 if it must be compacted
 */
static int lease_reuse(struct lease_store *ls, time_t now)
{
	uint32_t i = 0, n, off;
	uint64_t lines = 0;
	char buf[4096];
	struct stat sb;
	ssize_t r;
	int fd;

	n = (uint32_t)snprintf(ls->wbuf, LEASE_WBUF, "# tapir leases v1\n");
	n = lease_fmt_live(ls, now, &i, &lines, n);
	if (i < ls->npool + ls->nstatic)
		return 0;
	fd = open(ls->path, O_RDWR | O_APPEND | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return 0;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || sb.st_size != n)
		goto differs;
	for (off = 0; off < n; off += (uint32_t)r) {
		r = pread(fd, buf, n - off < sizeof(buf) ? n - off : sizeof(buf),
			  off);
		if (r <= 0 || memcmp(buf, ls->wbuf + off, (size_t)r))
			goto differs;
	}
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = fd;
	ls->jsize = n;
	ls->jlines = lines;
	ls->jcompact = lines;
	return 1;
differs:
	close(fd);
	return 0;
}

/**
 * lease_compact() - rewrite the journal with only the live records
 * @ls:		store
 * @now:	current time; leases and holds over by then are left out
 *
 * Writes a temporary file next to the journal, fsyncs it, renames it over
 * the journal and fsyncs the directory; the old journal stays in place
 * until the rename, so a failure at any point loses nothing.  The service
 * may call it at any time (it also runs at open and when the journal has
 * grown enough).
 *
 * Return: 0 (also without a journal), or -errno
 */
int lease_compact(struct lease_store *ls, time_t now)
{
	char tmp[PATH_MAX];
	uint32_t i = 0, n;
	uint64_t lines = 0;
	off_t size = 0;
	int fd, rc;

	if (!ls->path)
		return 0;
	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", ls->path) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fchmod(fd, 0644) < 0) {
		rc = -errno;
		goto out;
	}
	n = (uint32_t)snprintf(ls->wbuf, LEASE_WBUF, "# tapir leases v1\n");
	do {
		n = lease_fmt_live(ls, now, &i, &lines, n);
		rc = lease_write_all(fd, ls->wbuf, n);
		if (rc < 0)
			goto out;
		size += n;
		n = 0;
	} while (i < ls->npool + ls->nstatic);
	if (fsync(fd) < 0 || rename(tmp, ls->path) < 0) {
		rc = -errno;
		goto out;
	}
	tmp[0] = '\0';
	rc = lease_fsync_dir(ls->path);
	if (rc < 0)
		log_warn("%s: cannot sync its directory: %s", ls->path,
			 strerror(-rc));
	if (fcntl(fd, F_SETFL, O_APPEND) < 0) {
		rc = -errno;
		goto out;
	}
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = fd;
	fd = -1;
	ls->jsize = size;
	ls->jlines = lines;
	ls->jcompact = lines;
	rc = 0;
out:
	if (fd >= 0) {
		close(fd);
		if (tmp[0])
			unlink(tmp);
	}
	return rc;
}

/**
 * lease_append() - record a change in the journal, before it is announced
 * @ls:		store
 * @l:		entry as it now is (BOUND, RELEASED or DECLINED)
 * @mac:	client the change is about
 * @now:	current time
 *
 * One write() per record; a short write is truncated away so no half line
 * stays behind.
 *
 * Return: 0 (also without a journal), or -errno
 */
static int lease_append(struct lease_store *ls, const struct lease *l,
			const uint8_t *mac, time_t now)
{
	char line[LEASE_LINE_MAX];
	int n, rc = 0;
	ssize_t w;

	if (!ls->path)
		return 0;
	if (ls->fd < 0) {
		rc = -EBADF;
		goto out;
	}
	n = lease_fmt_record(l, mac, line);
	do
		w = write(ls->fd, line, (size_t)n);
	while (w < 0 && errno == EINTR);
	if (w != n) {
		rc = w < 0 ? -errno : -ENOSPC;
		if (w > 0 && ftruncate(ls->fd, ls->jsize) < 0)
			log_warn("%s: cannot remove a partial record: %s",
				 ls->path, strerror(errno));
		goto out;
	}
	ls->jsize += n;
	ls->jlines++;
	if (ls->sync && fdatasync(ls->fd) < 0) {
		rc = -errno;
		goto out;
	}
	if (ls->jlines > 2 * ls->jcompact + LEASE_COMPACT_SLACK) {
		int crc = lease_compact(ls, now);

		if (crc < 0) {
			lease_warn_io(ls, now, "cannot compact", -crc);
			ls->jcompact = ls->jlines;	/* retry much later */
		}
	}
out:
	if (rc < 0)
		lease_warn_io(ls, now, "cannot record a lease change", -rc);
	return rc;
}

/**
 * lease_offer() - choose an address for a client and reserve it briefly
 * @ls:		store
 * @mac:	client
 * @req:	address it asked for (option 50), or 0
 * @now:	current time
 *
 * See "Address choice" at the top of this file.  A static host's entry and
 * a client's lease in force are returned unchanged; any other choice is
 * reserved for the client for offer_hold seconds.
 *
 * Return: the chosen entry, or NULL if the pool is exhausted
 */
const struct lease *lease_offer(struct lease_store *ls, const uint8_t *mac,
				uint32_t req, time_t now)
{
	int32_t st, i, best = LEASE_NONE;
	uint32_t k, h;

	st = lease_by_mac(ls, mac, &i);
	if (st != LEASE_NONE)
		return &ls->ent[st];
	if (i != LEASE_NONE && lease_live(&ls->ent[i], now))
		return &ls->ent[i];
	if (i == LEASE_NONE) {
		i = lease_pool_idx(ls, req);
		if (i != LEASE_NONE && !lease_reusable(&ls->ent[i], now))
			i = LEASE_NONE;
	}
	if (i == LEASE_NONE && ls->nfresh) {
		h = ls->sequential ? 0 : lease_hash_mac(mac) % ls->npool;
		for (k = 0; k < ls->npool && i == LEASE_NONE; k++)
			if (ls->ent[(h + k) % ls->npool].state == LEASE_FREE)
				i = (int32_t)((h + k) % ls->npool);
	}
	for (k = 0; k < ls->npool && i == LEASE_NONE; k++)
		if (lease_reusable(&ls->ent[k], now) &&
		    (best == LEASE_NONE ||
		     ls->ent[k].expires < ls->ent[best].expires))
			best = (int32_t)k;
	if (i == LEASE_NONE)
		i = best;
	if (i == LEASE_NONE)
		return NULL;
	lease_assign(ls, i, mac, LEASE_OFFERED, now + ls->offer_hold);
	return &ls->ent[i];
}

/**
 * lease_unoffer() - end a client's offer early (it chose another server)
 * @ls:		store
 * @mac:	client
 * @now:	current time
 *
 * The address becomes reusable but stays the client's until needed.
 */
void lease_unoffer(struct lease_store *ls, const uint8_t *mac, time_t now)
{
	int32_t i;

	lease_by_mac(ls, mac, &i);
	if (i != LEASE_NONE && ls->ent[i].state == LEASE_OFFERED &&
	    ls->ent[i].expires > now)
		ls->ent[i].expires = now;
}

/**
 * lease_claim() - tell whether a client may have an address
 * @ls:		store
 * @mac:	client
 * @ip:		address it wants (REQUEST)
 * @now:	current time
 *
 * Return: LEASE_CLAIM_OWN if the address is the client's (its static
 * address, or a pool entry that names it, even expired), LEASE_CLAIM_FREE
 * if nobody holds it, -EADDRINUSE if another client or a hold has it,
 * -EADDRNOTAVAIL if it is not ours to give (outside the pool, the
 * server's, or a static host asking for another address)
 */
int lease_claim(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
		time_t now)
{
	int32_t st, dyn, i;

	st = lease_by_mac(ls, mac, &dyn);
	if (st != LEASE_NONE)
		return ls->ent[st].ip == ip ? LEASE_CLAIM_OWN : -EADDRNOTAVAIL;
	if (lease_static_by_ip(ls, ip) != LEASE_NONE)
		return -EADDRINUSE;
	i = lease_pool_idx(ls, ip);
	if (i == LEASE_NONE || ls->ent[i].state == LEASE_RESERVED)
		return -EADDRNOTAVAIL;
	if (i == dyn)
		return LEASE_CLAIM_OWN;
	return lease_reusable(&ls->ent[i], now) ? LEASE_CLAIM_FREE :
						  -EADDRINUSE;
}

/**
 * lease_bind() - bind an address to a client and record it
 * @ls:		store
 * @mac:	client
 * @ip:		address; lease_claim() must allow it
 * @name:	host name the client sent (option 12), not NUL-terminated
 * @namelen:	its length; 0 keeps the name the client had
 * @secs:	lease time
 * @now:	current time
 * @out:	set to the lease
 *
 * A static host keeps its configured name.  If the client held another
 * pool address, that one is let go: a MAC has one lease.  The journal
 * record is written before this returns, so the caller may then ACK.
 *
 * Return: 0; an error of lease_claim(); or -errno if the journal could
 * not be written (the lease is then in memory but must not be ACKed)
 */
int lease_bind(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
	       const char *name, size_t namelen, uint32_t secs, time_t now,
	       const struct lease **out)
{
	char clean[LEASE_NAME_MAX + 1];
	int32_t st, dyn, i;
	struct lease *l;
	int rc;

	rc = lease_claim(ls, mac, ip, now);
	if (rc < 0)
		return rc;
	st = lease_by_mac(ls, mac, &dyn);
	if (st != LEASE_NONE) {
		i = st;
		ls->ent[i].state = LEASE_BOUND;
	} else {
		i = lease_pool_idx(ls, ip);
		if (dyn != LEASE_NONE && dyn != i)
			lease_assign(ls, dyn, lease_zero_mac, LEASE_RELEASED,
				     now);
		lease_assign(ls, i, mac, LEASE_BOUND, 0);
	}
	l = &ls->ent[i];
	l->expires = now + (int64_t)secs;
	if (namelen && !(l->flags & LEASE_F_CFGNAME) &&
	    lease_name_clean(name, namelen, clean))
		lease_set_name(ls, i, clean);
	*out = l;
	return lease_append(ls, l, mac, now);
}

/**
 * lease_release() - a client gives its address back
 * @ls:		store
 * @mac:	client
 * @ip:		address (ciaddr of the RELEASE)
 * @now:	current time
 *
 * Return: 0, -ENOENT if @ip is not the client's, or -errno from the journal
 */
int lease_release(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
		  time_t now)
{
	int32_t st, dyn, i;
	struct lease *l;

	st = lease_by_mac(ls, mac, &dyn);
	i = st != LEASE_NONE ? st : dyn;
	if (i == LEASE_NONE || ls->ent[i].ip != ip)
		return -ENOENT;
	l = &ls->ent[i];
	if (l->state != LEASE_BOUND && l->state != LEASE_OFFERED)
		return -ENOENT;
	l->state = LEASE_RELEASED;
	l->expires = now;
	return lease_append(ls, l, mac, now);
}

/**
 * lease_decline() - a client found its address in use (DECLINE)
 * @ls:		store
 * @mac:	client
 * @ip:		address it declines
 * @now:	current time
 *
 * The address is held back for decline_hold seconds and the client loses
 * it.  Only the client the address was offered or bound to can decline
 * it, so nobody else can drain the pool this way.
 *
 * Return: 0, -ENOENT if @ip is not the client's, -EPERM for a static
 * host's address (it is never given to another client anyway), or -errno
 * from the journal
 */
int lease_decline(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
		  time_t now)
{
	int32_t st, dyn;
	struct lease *l;

	st = lease_by_mac(ls, mac, &dyn);
	if (st != LEASE_NONE)
		return ls->ent[st].ip == ip ? -EPERM : -ENOENT;
	if (dyn == LEASE_NONE || ls->ent[dyn].ip != ip)
		return -ENOENT;
	l = &ls->ent[dyn];
	if (l->state != LEASE_BOUND && l->state != LEASE_OFFERED)
		return -ENOENT;
	lease_assign(ls, dyn, mac, LEASE_DECLINED, now + ls->decline_hold);
	return lease_append(ls, l, mac, now);
}

/**
 * lease_find_mac() - a client's entry, whatever its state
 * @ls:		store
 * @mac:	client
 *
 * Return: its static entry, else its pool entry (check ->state and
 * ->expires), else NULL
 */
const struct lease *lease_find_mac(const struct lease_store *ls,
				   const uint8_t *mac)
{
	int32_t st, dyn;

	st = lease_by_mac(ls, mac, &dyn);
	if (st == LEASE_NONE)
		st = dyn;
	return st == LEASE_NONE ? NULL : &ls->ent[st];
}

/**
 * lease_find_ip() - who has an address (for reverse DNS)
 * @ls:		store
 * @ip:		address
 * @now:	current time
 *
 * Return: the static host with this address (always, leased or not), or
 * the lease in force on it, or NULL
 */
const struct lease *lease_find_ip(const struct lease_store *ls, uint32_t ip,
				  time_t now)
{
	int32_t i = lease_static_by_ip(ls, ip);

	if (i != LEASE_NONE)
		return &ls->ent[i];
	i = lease_pool_idx(ls, ip);
	if (i != LEASE_NONE && lease_live(&ls->ent[i], now))
		return &ls->ent[i];
	return NULL;
}

/**
 * lease_find_name() - address of a host name (for local DNS)
 * @ls:		store
 * @name:	one label, any case, not NUL-terminated
 * @len:	its length
 * @now:	current time
 *
 * A static host's name always resolves.  If several clients in force claim
 * the same name, the one bound last (latest expiry) wins.
 *
 * Return: the entry, or NULL
 */
const struct lease *lease_find_name(const struct lease_store *ls,
				    const char *name, size_t len, time_t now)
{
	const struct lease *best = NULL;
	int32_t i;

	if (!len || len > LEASE_NAME_MAX)
		return NULL;
	for (i = ls->by_name.head[lease_fnv(name, len, 1) & ls->by_name.mask];
	     i != LEASE_NONE; i = ls->by_name.next[i]) {
		const struct lease *l = &ls->ent[i];

		if (strlen(l->hostname) != len ||
		    strncasecmp(l->hostname, name, len))
			continue;
		if (lease_is_static(ls, i))
			return l;
		if (lease_live(l, now) && (!best || l->expires > best->expires))
			best = l;
	}
	return best;
}

/**
 * lease_foreach() - visit every static host and every lease in force
 * @ls:		store
 * @now:	current time
 * @cb:		called for each; a non-zero return stops the walk
 * @arg:	passed to @cb
 *
 * Static hosts come first, in configuration order, then leases by address.
 *
 * Return: 0, or the first non-zero value @cb returned
 */
int lease_foreach(const struct lease_store *ls, time_t now, lease_cb cb,
		  void *arg)
{
	uint32_t i;
	int rc;

	for (i = 0; i < ls->nstatic; i++) {
		rc = cb(&ls->ent[ls->npool + i], arg);
		if (rc)
			return rc;
	}
	for (i = 0; i < ls->npool; i++) {
		if (!lease_live(&ls->ent[i], now))
			continue;
		rc = cb(&ls->ent[i], arg);
		if (rc)
			return rc;
	}
	return 0;
}

/**
 * lease_check_index() - check one index against the entries
 * @ls:		store
 * @ix:		index
 * @want:	number of entries that should be in it
 * @hash:	0 by MAC, 1 by name, 2 by static address
 *
 * Return: 0, or -EUCLEAN
 */
static int lease_check_index(const struct lease_store *ls,
			     const struct lease_index *ix, uint32_t want,
			     int hash)
{
	uint32_t b, seen = 0, h;
	int32_t i;

	for (b = 0; b <= ix->mask; b++) {
		for (i = ix->head[b]; i != LEASE_NONE; i = ix->next[i]) {
			const struct lease *l = &ls->ent[i];

			if (i < 0 || (uint32_t)i >= ls->npool + ls->nstatic ||
			    ++seen > want)
				return -EUCLEAN;
			if (hash == 0)
				h = lease_hash_mac(l->mac);
			else if (hash == 1)
				h = lease_fnv(l->hostname, strlen(l->hostname), 1);
			else
				h = lease_hash_ip(l->ip);
			if ((h & ix->mask) != b)
				return -EUCLEAN;
		}
	}
	return seen == want ? 0 : -EUCLEAN;
}

/**
 * lease_check() - verify the store's invariants (for tests and fuzzing)
 * @ls:		store
 *
 * Checks that every index holds exactly the entries it should, in the
 * right buckets, that the count of fresh addresses is right, that reserved
 * addresses have no client, and that no MAC has two pool entries.
 *
 * Return: 0, or -EUCLEAN
 */
int lease_check(const struct lease_store *ls)
{
	uint32_t i, nmac = 0, nname = 0, nfresh = 0;
	int32_t st, dyn;

	for (i = 0; i < ls->npool + ls->nstatic; i++) {
		const struct lease *l = &ls->ent[i];
		int indexed = i >= ls->npool || lease_indexed(l->state, l->mac);

		nname += l->hostname[0] != '\0';
		nmac += indexed;
		if (i >= ls->npool)
			continue;
		nfresh += l->state == LEASE_FREE;
		if (l->ip != ls->first + i || l->flags ||
		    (l->hostname[0] && !indexed) ||
		    ((l->state == LEASE_FREE || l->state == LEASE_RESERVED) &&
		     memcmp(l->mac, lease_zero_mac, 6)))
			return -EUCLEAN;
		if (indexed) {
			lease_by_mac(ls, l->mac, &dyn);
			if (dyn != (int32_t)i)
				return -EUCLEAN;
		}
	}
	for (i = 0; i < ls->nstatic; i++) {
		st = lease_static_by_ip(ls, ls->ent[ls->npool + i].ip);
		if (st != (int32_t)(ls->npool + i))
			return -EUCLEAN;
	}
	if (nfresh != ls->nfresh ||
	    lease_check_index(ls, &ls->by_mac, nmac, 0) ||
	    lease_check_index(ls, &ls->by_name, nname, 1) ||
	    lease_check_index(ls, &ls->by_sip, ls->nstatic, 2))
		return -EUCLEAN;
	return 0;
}

/* Journal reading */

/**
 * struct lease_rec - one parsed journal record
 * @l:		entry as the record leaves it (BOUND, RELEASED, DECLINED)
 * @line:	line number, for messages
 */
struct lease_rec {
	struct lease l;
	unsigned int line;
};

/**
 * struct lease_seen - open-addressing set of MACs and addresses
 * @key:	keys; 0 is empty, a MAC is its 48 bits, an address has bit 48
 * @mask:	size - 1
 */
struct lease_seen {
	uint64_t *key;
	size_t mask;
};

/**
 * lease_seen_add() - add a key to the set
 * @s:		set, never full
 * @key:	non-zero key
 *
 * Return: non-zero if the key was there already
 */
static int lease_seen_add(struct lease_seen *s, uint64_t key)
{
	size_t i = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & s->mask;

	while (s->key[i]) {
		if (s->key[i] == key)
			return 1;
		i = (i + 1) & s->mask;
	}
	s->key[i] = key;
	return 0;
}

/**
 * lease_parse_mac() - read aa:bb:cc:dd:ee:ff
 * @s:		text
 * @mac:	6 bytes out
 *
 * Return: 0, or -EINVAL (also for the all-zero address)
 */
static int lease_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];
	int i, n = 0;

	if (strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &n) != 6 || n != 17)
		return -EINVAL;
	for (i = 0; i < 6; i++) {
		if (s[3 * i] == '+' || s[3 * i] == '-' || s[3 * i] == ' ')
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return memcmp(mac, lease_zero_mac, 6) ? 0 : -EINVAL;
}

/**
 * lease_parse_line() - parse one journal line
 * @s:		the line, without its newline; modified
 * @rec:	record out
 *
 * Return: 1 for a record, 0 for a comment or blank line, -EINVAL if
 * malformed
 */
static int lease_parse_line(char *s, struct lease_rec *rec)
{
	char *tok[6], *save = NULL, *end, *t0;
	struct in_addr a;
	long long t = 0;
	int n;

	if (s[0] == '#' || s[0] == '\0')
		return 0;
	for (n = 0, t0 = s; n < 6; n++, t0 = NULL) {
		tok[n] = strtok_r(t0, " ", &save);
		if (!tok[n])
			break;
	}
	if (n > 5)
		return -EINVAL;
	memset(&rec->l, 0, sizeof(rec->l));
	if (n < 3 || lease_parse_mac(tok[1], rec->l.mac) ||
	    inet_pton(AF_INET, tok[2], &a) != 1)
		return -EINVAL;
	rec->l.ip = ntohl(a.s_addr);
	if (n >= 4) {
		errno = 0;
		t = strtoll(tok[3], &end, 10);
		if (errno || *end || end == tok[3] || t < 0 ||
		    tok[3][0] < '0' || tok[3][0] > '9')
			return -EINVAL;
		rec->l.expires = t;
	}
	if (!strcmp(tok[0], "lease") && (n == 4 || n == 5)) {
		rec->l.state = LEASE_BOUND;
		if (n == 5 && lease_name_clean(tok[4], strlen(tok[4]),
					       rec->l.hostname) != strlen(tok[4]))
			return -EINVAL;
	} else if (!strcmp(tok[0], "release") && n == 3) {
		rec->l.state = LEASE_RELEASED;
	} else if (!strcmp(tok[0], "decline") && n == 4) {
		rec->l.state = LEASE_DECLINED;
	} else {
		return -EINVAL;
	}
	return 1;
}

/**
 * lease_db_load() - read every record of a journal
 * @path:	journal
 * @recs:	set to a malloc'ed array of records, in file order
 * @nrecs:	set to their number
 *
 * Return: 0 (a missing file has no records), or -errno
 */
static int lease_db_load(const char *path, struct lease_rec **recs,
			 size_t *nrecs)
{
	struct lease_rec *r = NULL, *nr;
	size_t n = 0, cap = 0, blen = 0;
	unsigned int lineno = 0;
	char *buf = NULL;
	ssize_t len;
	FILE *f;
	int rc = 0;

	f = fopen(path, "re");
	if (!f) {
		rc = errno == ENOENT ? 0 : -errno;
		goto out;
	}
	while ((len = getline(&buf, &blen, f)) >= 0) {
		lineno++;
		if (len == 0 || buf[len - 1] != '\n') {
			log_warn("%s:%u: torn last line dropped", path, lineno);
			break;
		}
		buf[len - 1] = '\0';
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			nr = realloc(r, cap * sizeof(*r));
			if (!nr) {
				rc = -ENOMEM;
				goto out;
			}
			r = nr;
		}
		if (len > LEASE_LINE_MAX ||
		    strlen(buf) != (size_t)len - 1) {
			log_warn("%s:%u: malformed lease record ignored",
				 path, lineno);
			continue;
		}
		switch (lease_parse_line(buf, &r[n])) {
		case 1:
			r[n++].line = lineno;
			break;
		case 0:
			break;
		default:
			log_warn("%s:%u: malformed lease record ignored",
				 path, lineno);
		}
	}
	if (ferror(f))		/* errno is still getline()'s */
		rc = errno ? -errno : -EIO;
out:
	if (f)
		fclose(f);
	free(buf);
	if (rc < 0) {
		free(r);
		r = NULL;
		n = 0;
	}
	*recs = r;
	*nrecs = n;
	return rc;
}

/**
 * lease_db_read() - read a lease journal without a server
 * @path:	journal file
 * @cb:		called for every current record, newest first, with a
 *		struct lease whose state is LEASE_BOUND (check ->expires: it
 *		may be over) or LEASE_DECLINED (->expires is the end of the
 *		hold, ->mac the client that declined); a non-zero return
 *		stops the walk
 * @arg:	passed to @cb
 *
 * The journal is text, one record per line, fields separated by spaces,
 * '#' starting a comment line:
 *
 *	lease MAC IP EXPIRES [HOSTNAME]
 *	release MAC IP
 *	decline MAC IP UNTIL
 *
 * (see the top of lease.c and tapir-leases(5)).  A record is current if
 * no later record names its address, nor (unless it is a decline, or the
 * later record is) its MAC.  Malformed lines and a torn last line are
 * skipped with a warning naming the line.  For `tapir net status`, and
 * for lease_open().
 *
 * Return: 0 (a missing file is empty), the first non-zero value @cb
 * returned, or -errno
 */
int lease_db_read(const char *path, lease_cb cb, void *arg)
{
	struct lease_seen seen = { 0 };
	struct lease_rec *r = NULL;
	size_t n, k, size = 16;
	int rc, mac_new, ip_new;
	uint64_t mkey;

	rc = lease_db_load(path, &r, &n);
	if (rc < 0 || !n)
		goto out;
	while (size < 4 * n)
		size <<= 1;
	seen.mask = size - 1;
	seen.key = calloc(size, sizeof(*seen.key));
	if (!seen.key) {
		rc = -ENOMEM;
		goto out;
	}
	for (k = n; k-- > 0;) {
		const struct lease *l = &r[k].l;

		mkey = (uint64_t)l->mac[0] << 40 | (uint64_t)l->mac[1] << 32 |
		       (uint64_t)l->mac[2] << 24 | (uint64_t)l->mac[3] << 16 |
		       (uint64_t)l->mac[4] << 8 | l->mac[5];
		/* a decline ends whatever the address had, but says nothing
		 * new about its client, whose lease was there */
		mac_new = l->state == LEASE_DECLINED ||
			  !lease_seen_add(&seen, mkey);
		ip_new = !lease_seen_add(&seen, 1ull << 48 | l->ip);
		if (!mac_new || !ip_new || l->state == LEASE_RELEASED)
			continue;
		rc = cb(l, arg);
		if (rc)
			goto out;
	}
out:
	free(seen.key);
	free(r);
	return rc;
}

/**
 * struct lease_load - what lease_apply() works on
 * @ls:		store being opened
 * @now:	time of opening
 */
struct lease_load {
	struct lease_store *ls;
	time_t now;
};

/**
 * lease_apply() - take one current journal record into a new store
 * @l:		record from lease_db_read()
 * @arg:	struct lease_load
 *
 * Records whose lease or hold is over are dropped, and so are those that
 * the configuration no longer allows (address outside the pool, now a
 * static host's, or a static host that now has another address).
 *
 * Return: 0
 */
static int lease_apply(const struct lease *l, void *arg)
{
	const struct lease_load *ld = arg;
	struct lease_store *ls = ld->ls;
	int32_t st, dyn, i;
	char m[18], a[16];

	if (l->expires <= ld->now)
		return 0;
	st = lease_by_mac(ls, l->mac, &dyn);
	if (l->state == LEASE_BOUND && st != LEASE_NONE) {
		if (ls->ent[st].ip != l->ip)
			goto drop;
		ls->ent[st].state = LEASE_BOUND;
		ls->ent[st].expires = l->expires;
		if (!(ls->ent[st].flags & LEASE_F_CFGNAME))
			lease_set_name(ls, st, l->hostname);
		return 0;
	}
	i = lease_pool_idx(ls, l->ip);
	if (i == LEASE_NONE || ls->ent[i].state == LEASE_RESERVED ||
	    (l->state == LEASE_BOUND && st != LEASE_NONE))
		goto drop;
	lease_assign(ls, i, l->mac, l->state, l->expires);
	if (l->state == LEASE_BOUND)
		lease_set_name(ls, i, l->hostname);
	return 0;
drop:
	log_info("%s: lease of %s for %s no longer fits the configuration, "
		 "dropped", ls->path, lease_fmt_ip(l->ip, a),
		 lease_fmt_mac(l->mac, m));
	return 0;
}

/**
 * lease_add_static() - set up one static host's entry
 * @ls:		store
 * @k:		its number
 * @s:		its configuration
 *
 * Return: 0, or -EINVAL (zero MAC, bad name, the server's address, or a
 * MAC or address given twice)
 */
static int lease_add_static(struct lease_store *ls, uint32_t k,
			    const struct lease_static *s)
{
	int32_t i = (int32_t)(ls->npool + k), st, dyn, p;
	struct lease *l = &ls->ent[i];
	char name[LEASE_NAME_MAX + 1] = "";
	char m[18];

	if (!memcmp(s->mac, lease_zero_mac, 6) || s->ip == ls->server ||
	    lease_static_by_ip(ls, s->ip) != LEASE_NONE)
		goto bad;
	st = lease_by_mac(ls, s->mac, &dyn);
	if (st != LEASE_NONE)
		goto bad;
	if (s->hostname && s->hostname[0]) {
		if (lease_name_clean(s->hostname, strlen(s->hostname), name) !=
		    strlen(s->hostname))
			goto bad;
		l->flags |= LEASE_F_CFGNAME;
	}
	memcpy(l->mac, s->mac, 6);
	l->ip = s->ip;
	l->flags |= LEASE_F_STATIC;
	lease_index_add(&ls->by_mac, lease_hash_mac(l->mac), i);
	lease_index_add(&ls->by_sip, lease_hash_ip(l->ip), i);
	lease_set_name(ls, i, name);
	p = lease_pool_idx(ls, s->ip);
	if (p != LEASE_NONE)
		lease_assign(ls, p, lease_zero_mac, LEASE_RESERVED, 0);
	return 0;
bad:
	log_err("dhcp-host %s: bad or duplicate entry",
		lease_fmt_mac(s->mac, m));
	return -EINVAL;
}

/**
 * lease_open() - create a lease store, load and compact its journal
 * @lsp:	set to the new store
 * @cfg:	pool, static hosts and journal
 * @now:	current time
 *
 * A pool larger than LEASE_POOL_MAX addresses is cut to its first
 * LEASE_POOL_MAX, with a warning.  A missing journal is created.
 *
 * Return: 0, or -errno (-EINVAL for a bad configuration)
 */
int lease_open(struct lease_store **lsp, const struct lease_cfg *cfg,
	       time_t now)
{
	struct lease_store *ls;
	struct lease_load ld;
	uint32_t i, nent;
	uint64_t npool;
	int rc;

	*lsp = NULL;
	if (cfg->pool_last < cfg->pool_first || cfg->nstatic > LEASE_POOL_MAX)
		return -EINVAL;
	npool = (uint64_t)cfg->pool_last - cfg->pool_first + 1;
	if (npool > LEASE_POOL_MAX) {
		log_warn("dhcp range has %" PRIu64 " addresses; only the first "
			 "%u are used", npool, LEASE_POOL_MAX);
		npool = LEASE_POOL_MAX;
	}
	ls = calloc(1, sizeof(*ls));
	if (!ls)
		return -ENOMEM;
	ld.ls = ls;
	ld.now = now;
	ls->fd = -1;
	ls->npool = (uint32_t)npool;
	ls->nstatic = (uint32_t)cfg->nstatic;
	ls->first = cfg->pool_first;
	ls->server = cfg->server;
	ls->sync = cfg->sync;
	ls->sequential = cfg->sequential;
	ls->offer_hold = cfg->offer_hold ? cfg->offer_hold : LEASE_OFFER_HOLD;
	ls->decline_hold = cfg->decline_hold ? cfg->decline_hold :
					       LEASE_DECLINE_HOLD;
	nent = ls->npool + ls->nstatic;
	ls->ent = calloc(nent, sizeof(*ls->ent));
	if (!ls->ent || lease_index_init(&ls->by_mac, nent, nent) ||
	    lease_index_init(&ls->by_name, nent, nent) ||
	    lease_index_init(&ls->by_sip, ls->nstatic, nent)) {
		rc = -ENOMEM;
		goto out;
	}
	for (i = 0; i < ls->npool; i++)
		ls->ent[i].ip = ls->first + i;
	ls->nfresh = ls->npool;
	if (lease_pool_idx(ls, ls->server) != LEASE_NONE)
		lease_assign(ls, lease_pool_idx(ls, ls->server),
			     lease_zero_mac, LEASE_RESERVED, 0);
	for (i = 0; i < ls->nstatic; i++) {
		rc = lease_add_static(ls, i, &cfg->statics[i]);
		if (rc < 0)
			goto out;
	}
	rc = 0;
	if (!cfg->path)
		goto out;
	ls->path = strdup(cfg->path);
	ls->wbuf = malloc(LEASE_WBUF);
	if (!ls->path || !ls->wbuf) {
		rc = -ENOMEM;
		goto out;
	}
	rc = lease_db_read(ls->path, lease_apply, &ld);
	if (rc == 0 && !lease_reuse(ls, now))
		rc = lease_compact(ls, now);
	if (rc < 0)
		log_err("%s: cannot read or rewrite the lease journal: %s",
			cfg->path, strerror(-rc));
out:
	if (rc < 0) {
		lease_close(ls);
		return rc;
	}
	*lsp = ls;
	return 0;
}

/**
 * lease_close() - close the journal and free the store
 * @ls:		store, or NULL
 *
 * Every change is in the journal already; nothing is written here.
 */
void lease_close(struct lease_store *ls)
{
	if (!ls)
		return;
	if (ls->fd >= 0)
		close(ls->fd);
	lease_index_free(&ls->by_mac);
	lease_index_free(&ls->by_name);
	lease_index_free(&ls->by_sip);
	free(ls->ent);
	free(ls->path);
	free(ls->wbuf);
	free(ls);
}
