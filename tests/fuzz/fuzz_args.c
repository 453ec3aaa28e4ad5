// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_args.c - libFuzzer target for the bridge helper's argument parser
 *
 * The input is split on NUL bytes into at most 16 arguments.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[18], err[256];
	struct args a;
	size_t i, start = 0;
	int argc = 1;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[0] = "tapir-bridge-helper";
	for (i = 0; i <= size && argc < 17; i++) {
		if (buf[i] == '\0') {
			argv[argc++] = buf + start;
			start = i + 1;
		}
	}
	argv[argc] = NULL;
	args_parse(&a, argc, argv, err, sizeof(err));
	free(buf);
	return 0;
}
