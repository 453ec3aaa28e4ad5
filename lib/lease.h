/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_LEASE_H
#define TAPIR_LEASE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/*
 * IPv4 addresses are uint32_t in host byte order throughout (10.0.0.1 is
 * 0x0a000001); times are wall-clock seconds (time(NULL)).
 */

/* Longest host name kept: one DNS label. */
#define LEASE_NAME_MAX		63
/* Most addresses in a pool (a /16); a larger range is cut to this. */
#define LEASE_POOL_MAX		65536
/* Default seconds an offered address stays reserved for its client. */
#define LEASE_OFFER_HOLD	30
/* Default seconds a declined address is held back. */
#define LEASE_DECLINE_HOLD	600

/**
 * enum lease_state - what an address (or a static host) is doing
 * @LEASE_FREE:		never handed out since the store was opened
 * @LEASE_OFFERED:	offered to @mac until @expires
 * @LEASE_BOUND:	bound to @mac until @expires (expired if in the past)
 * @LEASE_RELEASED:	released by @mac at @expires
 * @LEASE_DECLINED:	declined; held back until @expires
 * @LEASE_RESERVED:	never handed out: the server's address, or a static
 *			host's address inside the pool
 */
enum lease_state {
	LEASE_FREE,
	LEASE_OFFERED,
	LEASE_BOUND,
	LEASE_RELEASED,
	LEASE_DECLINED,
	LEASE_RESERVED,
};

/* struct lease.flags */
#define LEASE_F_STATIC	1	/* a dhcp-host entry */
#define LEASE_F_CFGNAME	2	/* its host name comes from the configuration */

/**
 * struct lease - one address of the pool, or one static host
 * @mac:	client's Ethernet address (all zero if none; for a declined
 *		address, the client that declined it)
 * @state:	enum lease_state
 * @flags:	LEASE_F_STATIC
 * @ip:		the address
 * @expires:	end of the lease, offer or hold (0: never bound)
 * @hostname:	client's host name, lower case, "" if none
 */
struct lease {
	uint8_t mac[6];
	uint8_t state;
	uint8_t flags;
	uint32_t ip;
	int64_t expires;
	char hostname[LEASE_NAME_MAX + 1];
};

/**
 * struct lease_static - a dhcp-host entry
 * @mac:	client's Ethernet address
 * @ip:		its address, inside the subnet (inside the pool or not)
 * @hostname:	its name (one DNS label), or NULL
 */
struct lease_static {
	uint8_t mac[6];
	uint32_t ip;
	const char *hostname;
};

/**
 * struct lease_cfg - what lease_open() needs
 * @pool_first:		first address of the dynamic range
 * @pool_last:		last address of the dynamic range (inclusive)
 * @server:		the server's own address, never handed out
 * @statics:		dhcp-host entries
 * @nstatic:		number of @statics
 * @path:		journal file, or NULL to keep leases in memory only
 * @sync:		fdatasync() the journal after every change (slow)
 * @sequential:		probe for a new address from the start of the pool
 *			instead of from a hash of the MAC, as SLIRP does
 *			(the first guest of 10.0.2.0/24 gets 10.0.2.15)
 * @offer_hold:		seconds an offer reserves its address (0: default)
 * @decline_hold:	seconds a declined address is held (0: default)
 */
struct lease_cfg {
	uint32_t pool_first;
	uint32_t pool_last;
	uint32_t server;
	const struct lease_static *statics;
	size_t nstatic;
	const char *path;
	int sync;
	int sequential;
	uint32_t offer_hold;
	uint32_t decline_hold;
};

struct lease_store;

/* Result of lease_claim(): the address is the client's, or free for it. */
#define LEASE_CLAIM_OWN		1
#define LEASE_CLAIM_FREE	2

typedef int (*lease_cb)(const struct lease *l, void *arg);

int lease_open(struct lease_store **lsp, const struct lease_cfg *cfg,
	       time_t now);
void lease_close(struct lease_store *ls);

const struct lease *lease_offer(struct lease_store *ls, const uint8_t *mac,
				uint32_t req, time_t now);
void lease_unoffer(struct lease_store *ls, const uint8_t *mac, time_t now);
int lease_claim(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
		time_t now);
int lease_bind(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
	       const char *name, size_t namelen, uint32_t secs, time_t now,
	       const struct lease **out);
int lease_release(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
		  time_t now);
int lease_decline(struct lease_store *ls, const uint8_t *mac, uint32_t ip,
		  time_t now);

const struct lease *lease_find_mac(const struct lease_store *ls,
				   const uint8_t *mac);
const struct lease *lease_find_ip(const struct lease_store *ls, uint32_t ip,
				  time_t now);
const struct lease *lease_find_name(const struct lease_store *ls,
				    const char *name, size_t len, time_t now);
int lease_foreach(const struct lease_store *ls, time_t now, lease_cb cb,
		  void *arg);
int lease_compact(struct lease_store *ls, time_t now);
int lease_check(const struct lease_store *ls);

int lease_db_read(const char *path, lease_cb cb, void *arg);

#endif /* TAPIR_LEASE_H */
