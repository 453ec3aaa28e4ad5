// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_acl.c - libFuzzer target for the ACL parser and decision
 *
 * The input is split on "\n---\n" into files named /f0, /f1, ...; /f0 is
 * the top file, and "include /fN" lines reach the others, so includes,
 * loops and nesting are fuzzed too.  Each loaded ACL is asked about a few
 * bridges for two callers.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "log.h"

#define FUZZ_FILES	8

static const uint8_t *fz_data[FUZZ_FILES];
static size_t fz_len[FUZZ_FILES];
static int fz_n;

static int fz_read(void *ctx, const char *path, char **buf, size_t *len,
		   struct acl_file_id *id, char *why, size_t whylen)
{
	int i;

	(void)ctx;
	if (sscanf(path, "/f%d", &i) != 1 || i < 0 || i >= fz_n)
		return -ENOENT;
	if (i == 7) {
		snprintf(why, whylen, "refused");
		return -EPERM;
	}
	*buf = malloc(fz_len[i] ? fz_len[i] : 1);
	if (!*buf)
		return -ENOMEM;
	memcpy(*buf, fz_data[i], fz_len[i]);
	*len = fz_len[i];
	id->dev = 0;
	id->ino = (unsigned long long)i;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const gid_t gids[] = { 1000, 27 };
	static const char *const groups[] = { "alice", "kvm" };
	static const struct acl_caller who[] = {
		{ 1000, "alice", gids, groups, 2 },
		{ 0, NULL, gids, NULL, 1 },
	};
	static const char *const bridges[] = { "br0", "all", "lab", "ALL" };
	const struct acl_reader rd = { .read = fz_read };
	const uint8_t *p = data, *end = data + size;
	struct acl acl;
	size_t i, j;

	log_init("fuzz", 0, 0);
	for (fz_n = 0; fz_n < FUZZ_FILES && p <= end; fz_n++) {
		const uint8_t *sep = NULL, *q;

		for (q = p; q + 5 <= end; q++)
			if (!memcmp(q, "\n---\n", 5)) {
				sep = q;
				break;
			}
		fz_data[fz_n] = p;
		fz_len[fz_n] = (size_t)((sep ? sep : end) - p);
		if (!sep) {
			fz_n++;
			break;
		}
		p = sep + 5;
	}

	acl_init(&acl);
	if (acl_load(&acl, "/f0", &rd) == 0)
		for (i = 0; i < sizeof(bridges) / sizeof(bridges[0]); i++)
			for (j = 0; j < 2; j++)
				acl_decide(&acl, bridges[i], &who[j], NULL,
					   NULL);
	acl_free(&acl);
	return 0;
}
