// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_nl.c - libFuzzer target for the netlink message parsers
 * (lib/nl.c, lib/nl_addr.c, lib/nl_route.c, and the nf_tables table
 * parser of lib/nft_list.c) and the JSON form of moved addresses and
 * routes (lib/nl_l3.c)
 *
 * The input is a buffer of netlink messages, as recvmsg() would return
 * from a dump.  Every message is given to the link, address and route
 * parsers.  Each address and each route that nl_l3_record() would keep is
 * then put in a record, written to JSON, parsed back, and must come back
 * bit for bit (or the fuzzer aborts): that is what restores an uplink
 * after a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "nft.h"
#include "nl.h"
#include "nl_addr.h"
#include "nl_l3.h"
#include "nl_route.h"

/* Round-trip a record with one entry through JSON; abort on a mismatch. */
static void fz_roundtrip(struct nl_addr *a, struct nl_route *r)
{
	struct nl_l3 rec = { "up0", "br0", 123, a, a ? 1 : 0, r, r ? 1 : 0,
			     0 };
	struct json_object *j = nl_l3_to_json(&rec), *back;
	struct nl_l3 copy;

	if (!j)
		return;
	back = json_tokener_parse(json_object_to_json_string(j));
	if (nl_l3_from_json(back, &copy) || copy.naddr != rec.naddr ||
	    copy.nroute != rec.nroute ||
	    (a && memcmp(copy.addr, a, sizeof(*a))) ||
	    (r && memcmp(copy.route, r, sizeof(*r)))) {
		fprintf(stderr, "record does not survive JSON:\n%s\n",
			json_object_to_json_string(j));
		abort();
	}
	nl_l3_free(&copy);
	json_object_put(back);
	json_object_put(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint32_t buf[16384];
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int len = (int)(size < sizeof(buf) ? size : sizeof(buf));

	/* netlink messages are 4-byte aligned in a receive buffer; libmnl's
	 * mnl_nlmsg_ok() takes an nlmsg_len above INT_MAX for a negative
	 * length, which the kernel never sends, so that is checked first */
	memcpy(buf, data, (size_t)len);
	for (; len >= (int)sizeof(*nlh) && nlh->nlmsg_len <= (uint32_t)len &&
	       mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
		struct nl_link l;
		struct nl_addr a;
		struct nl_route r;
		struct nft_table t;

		memset(&t, 0, sizeof(t));
		if (nft_list_parse(nlh, &t) == 1 &&
		    (!t.family[0] || !t.name[0] ||
		     strnlen(t.name, sizeof(t.name)) == sizeof(t.name)))
			abort();
		memset(&l, 0, sizeof(l));
		nl_link_parse(nlh, &l);
		memset(&a, 0, sizeof(a));
		if (nl_addr_parse(nlh, &a) == 1) {
			a.ifindex = 0;
			fz_roundtrip(&a, NULL);
		}
		memset(&r, 0, sizeof(r));
		if (nl_route_parse(nlh, &r) == 1 &&
		    !(r.has & NL_RT_COMPLEX)) {
			r.oif = 0;
			r.has &= ~(unsigned int)NL_RT_OIF;
			fz_roundtrip(NULL, &r);
		}
	}
	return 0;
}
