// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_l3.c - libFuzzer target for reading a moved uplink's record back
 * from a run-state file (lib/nl_l3.c)
 *
 * The input is the JSON text of a record.  Whatever nl_l3_from_json()
 * accepts must write back to JSON and read back to the very same record,
 * or the fuzzer aborts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "nl_l3.h"

/* Records are equal entry by entry. */
static int fz_same(const struct nl_l3 *a, const struct nl_l3 *b)
{
	return !strcmp(a->from, b->from) && !strcmp(a->to, b->to) &&
	       a->boottime == b->boottime && a->skipped == b->skipped &&
	       a->naddr == b->naddr && a->nroute == b->nroute &&
	       (!a->naddr ||
		!memcmp(a->addr, b->addr, a->naddr * sizeof(*a->addr))) &&
	       (!a->nroute ||
		!memcmp(a->route, b->route, a->nroute * sizeof(*a->route)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *j, *again, *back;
	struct nl_l3 rec, copy;

	memset(&rec, 0, sizeof(rec));
	memset(&copy, 0, sizeof(copy));
	if (!tok)
		return 0;
	j = json_tokener_parse_ex(tok, (const char *)data,
				  (int)(size > 65536 ? 65536 : size));
	json_tokener_free(tok);
	if (j && !nl_l3_from_json(j, &rec)) {
		again = nl_l3_to_json(&rec);
		back = again ? json_tokener_parse(
				       json_object_to_json_string(again)) : NULL;
		if (again && (nl_l3_from_json(back, &copy) ||
			      !fz_same(&rec, &copy))) {
			fprintf(stderr, "record changes through JSON:\n%s\n",
				json_object_to_json_string(again));
			abort();
		}
		nl_l3_free(&copy);
		json_object_put(back);
		json_object_put(again);
	}
	nl_l3_free(&rec);
	json_object_put(j);
	return 0;
}
