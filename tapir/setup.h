/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_SETUP_H
#define TAPIR_SETUP_H

#include <pthread.h>
#include <stddef.h>

#include "nft.h"
#include "nl.h"
#include "plan.h"
#include "state.h"

/* Most foreign chains reported; more are rare. */
#define SETUP_DROPS_MAX	8

/**
 * struct setup - a network being brought up (setup.c's own)
 * @fw:		the thread loading the nftables table
 * @fw_running:	@fw was started and not joined yet
 * @spec:	the table
 * @rc:		the thread's result, 0 or -errno
 * @err:	its message
 * @ndrop:	foreign chains it found that drop the network's traffic
 * @drop:	the first SETUP_DROPS_MAX of them
 */
struct setup {
	pthread_t fw;
	int fw_running;
	struct nft_net spec;
	int rc;
	char err[1200];
	int ndrop;
	struct nft_drop drop[SETUP_DROPS_MAX];
};

int setup_up(struct setup *su, const struct plan *p, struct state *st,
	     struct nl *nl, char *err, size_t len);
int setup_join(struct setup *su, char *err, size_t len);
int setup_finish(struct setup *su, const struct plan *p, struct state *st,
		 char *err, size_t len);

#endif /* TAPIR_SETUP_H */
