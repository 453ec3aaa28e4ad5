// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - libFuzzer target for tapir.conf parsing (lib/conf.c)
 *
 * The input is a whole tapir.conf.  Whatever loads must also survive the
 * rest of a network's life in the configuration: conf_print() output is
 * loaded again and must give the same networks (or the fuzzer aborts),
 * and automatic networks get subnets from subnet_pick() and
 * conf_net_assign(), avoiding the subnets of the others, before
 * everything is printed once more.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "subnet.h"

/* Load @text and compare it network by network with @want. */
static void fz_reread(const struct conf *want, const char *text, size_t len)
{
	struct conf again;
	size_t i;

	conf_init(&again);
	if (conf_load_buf(&again, "printed.conf", text, len)) {
		fprintf(stderr, "printed configuration does not load: %s\n%s",
			again.err, text);
		abort();
	}
	if (again.nnets != want->nnets)
		abort();
	for (i = 0; i < want->nnets; i++)
		if (!conf_net_equal(&want->net[i], &again.net[i]))
			abort();
	conf_free(&again);
}

/* Print @c, and check that the printed form loads to the same networks. */
static void fz_print_reread(const struct conf *c)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return;
	conf_print(f, c);
	fclose(f);
	fz_reread(c, out, len);
	free(out);
}

/* Give every automatic network a subnet, as "tapir net up" would. */
static void fz_assign(struct conf *c)
{
	struct inet_prefix taken[CONF_NETS_MAX + 1], sub;
	size_t i, m = 0;

	for (i = 0; i < c->nnets; i++)
		if (c->net[i].addr_state == CONF_ADDR_SET)
			taken[m++] = c->net[i].addr;
	for (i = 0; i < c->nnets; i++) {
		struct conf_net *n = &c->net[i];

		if (n->addr_state != CONF_ADDR_AUTO)
			continue;
		if (subnet_pick(subnet_pools, subnet_npools, NULL, 0, taken,
				m, &sub))
			break;
		if (conf_net_assign(n, &sub) || n->addr_state !=
		    CONF_ADDR_PICKED || !inet_prefix_contains(&sub,
							      n->addr.addr))
			abort();
		if (n->dhcp && (n->range_first > n->range_last ||
				!inet_prefix_is_host(&sub, n->range_first) ||
				!inet_prefix_is_host(&sub, n->range_last)))
			abort();
		taken[m++] = n->addr;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf c;

	conf_init(&c);
	if (!conf_load_buf(&c, "fuzz.conf", (const char *)data, size)) {
		fz_print_reread(&c);
		fz_assign(&c);
		fz_print_reread(&c);
	}
	conf_free(&c);
	return 0;
}
