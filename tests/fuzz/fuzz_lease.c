// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_lease.c - libFuzzer target for the lease journal reader
 *
 * The input is written as a journal file and opened as a lease store
 * (10.0.0.100-199, one static host), which parses it, applies it and
 * compacts it.  Then the compacted journal is opened again, and both
 * stores must hold the same leases (compaction loses nothing), and a
 * third open must leave the file byte for byte unchanged (compaction is
 * idempotent).  lease_db_read() on the raw input must not fail but for
 * I/O.  Files live in a directory made once, under /dev/shm if there is
 * one, and removed at exit.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lease.h"
#include "log.h"

#define FUZZ_NOW	1700000000
#define FUZZ_MAX	256

static char fuzz_dir[64];
static char fuzz_path[96];

struct fuzz_set {
	struct lease l[FUZZ_MAX];
	int n;
};

static int fuzz_collect(const struct lease *l, void *arg)
{
	struct fuzz_set *s = arg;

	if (s->n == FUZZ_MAX)
		abort();		/* 101 entries at most */
	s->l[s->n++] = *l;
	return 0;
}

static int fuzz_count(const struct lease *l, void *arg)
{
	(void)l;
	(*(int *)arg)++;
	return 0;
}

/* Same leases, field by field (struct lease has padding). */
static int fuzz_same(const struct fuzz_set *a, const struct fuzz_set *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++) {
		const struct lease *x = &a->l[i], *y = &b->l[i];

		if (memcmp(x->mac, y->mac, 6) || x->state != y->state ||
		    x->flags != y->flags || x->ip != y->ip ||
		    x->expires != y->expires ||
		    strcmp(x->hostname, y->hostname))
			return 0;
	}
	return 1;
}

static void fuzz_cleanup(void)
{
	unlink(fuzz_path);
	rmdir(fuzz_dir);
}

static size_t fuzz_slurp(char *buf, size_t max)
{
	int fd = open(fuzz_path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		abort();
	n = read(fd, buf, max);
	close(fd);
	if (n < 0 || (size_t)n == max)
		abort();
	return (size_t)n;
}

static struct lease_store *fuzz_open(struct fuzz_set *s)
{
	static const struct lease_static st[] = {
		{ { 0x52, 0x54, 0, 0, 0, 1 }, 0x0a000096, "fixed" },
	};
	const struct lease_cfg cfg = {
		.pool_first = 0x0a000064, .pool_last = 0x0a0000c7,
		.server = 0x0a000001, .statics = st, .nstatic = 1,
		.path = fuzz_path,
	};
	struct lease_store *ls;

	if (lease_open(&ls, &cfg, FUZZ_NOW) || lease_check(ls))
		abort();
	s->n = 0;
	lease_foreach(ls, FUZZ_NOW, fuzz_collect, s);
	return ls;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_set a, b;
	static char c1[65536], c2[65536];
	struct lease_store *ls;
	size_t n1, n2;
	FILE *f;
	int n = 0;

	if (!fuzz_dir[0]) {
		log_init("fuzz", 0, 0);
		snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/tapir-fuzz.XXXXXX",
			 access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm");
		if (!mkdtemp(fuzz_dir))
			abort();
		snprintf(fuzz_path, sizeof(fuzz_path), "%s/net.leases",
			 fuzz_dir);
		atexit(fuzz_cleanup);
	}
	f = fopen(fuzz_path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	if (lease_db_read(fuzz_path, fuzz_count, &n) < 0)
		abort();

	ls = fuzz_open(&a);
	lease_close(ls);
	n1 = fuzz_slurp(c1, sizeof(c1));
	ls = fuzz_open(&b);
	lease_close(ls);
	n2 = fuzz_slurp(c2, sizeof(c2));
	if (!fuzz_same(&a, &b) || n1 != n2 || memcmp(c1, c2, n1))
		abort();
	return 0;
}
