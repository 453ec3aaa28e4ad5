// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_resolvconf.c - libFuzzer target for resolv.conf parsing
 *
 * The input is the file's text.  Every server kept must format, be
 * unique, and not be one of the excluded addresses.
 */
#include <stdint.h>
#include <stdlib.h>

#include "log.h"
#include "resolvconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static union resolvconf_addr excl[2];
	static int ready;
	char buf[RESOLVCONF_ADDRSTRLEN];
	struct resolvconf rc;
	size_t i, j;

	if (!ready) {
		log_init("fuzz", 0, 0);
		if (resolvconf_addr(&excl[0], "192.168.100.1") ||
		    resolvconf_addr(&excl[1], "fd00::1"))
			abort();
		ready = 1;
	}
	resolvconf_parse(&rc, (const char *)data, size, "fuzz", excl, 2);
	if (rc.n > RESOLVCONF_MAX_NS)
		abort();
	for (i = 0; i < rc.n; i++) {
		if (resolvconf_fmt(&rc.ns[i], buf, sizeof(buf)) ||
		    resolvconf_same_addr(&rc.ns[i], &excl[0]) ||
		    resolvconf_same_addr(&rc.ns[i], &excl[1]))
			abort();
		for (j = 0; j < i; j++)
			if (resolvconf_same_addr(&rc.ns[i], &rc.ns[j]))
				abort();
	}
	return 0;
}
