// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_nft.c - libFuzzer target for reading libnftables' JSON listings
 * (lib/nft.c rule counts, lib/nft_drops.c foreign-drop analysis)
 *
 * The input is the text of "nft -j list ruleset".  It is counted, and
 * searched for drops for a few bridges and every mode, with and without
 * br_netfilter; every fix written must be a terminated string that fits.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nft.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const bridges[] = { "br0", "tapir0", "br-lan" };
	struct nft_drop d[4];
	struct nft_counts c;
	char *text = malloc(size + 1);
	int i, mode, n, k;

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	nft_counts_from_json(text, &c);
	for (i = 0; i < 3; i++) {
		for (mode = NFT_NAT; mode <= NFT_BRIDGE; mode++) {
			n = nft_drops_from_json(text, bridges[i], mode, i & 1,
						d, 4);
			for (k = 0; k < n && k < 4; k++)
				if (strnlen(d[k].fix, sizeof(d[k].fix)) ==
				    sizeof(d[k].fix))
					abort();
		}
	}
	free(text);
	return 0;
}
