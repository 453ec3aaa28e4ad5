// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_config.c - tapir config check: validate tapir.conf, touch nothing
 *
 * Theory of operation
 *
 *	tapir config check [-v]
 *
 * loads the configuration the way "net up" does (lib/conf.c) and reports
 * the first problem with file:line, or that the file is fine and which
 * networks it defines.  -v prints the effective configuration: every
 * network with its defaults filled in, each line commented with where its
 * value came from.  Nothing on the system is looked at or changed: checks
 * that need the system (does the uplink exist? is a subnet free?) happen
 * at "net up".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "log.h"
#include "tapir.h"

/**
 * cmd_config() - tapir config check [-v]
 * @t:		global options
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "config"
 *
 * Return: exit status
 */
int cmd_config(struct tapir *t, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, verbose = 0, ret = EXIT_FAIL;
	struct conf conf;
	size_t i;

	if (argc >= 2 && (!strcmp(argv[1], "--help") ||
			  !strcmp(argv[1], "-h"))) {
		printf("Usage: tapir config check [-v]\n");
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "check"))
		return tapir_usage_error("config", "expected 'config check'");
	argc--;
	argv++;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			verbose = 1;
			break;
		case 'h':
			printf("Usage: tapir config check [-v]\n"
			       "Validate the configuration without changing "
			       "anything; -v prints it with defaults.\n");
			return EXIT_OK;
		default:
			return tapir_usage_error("config", "bad option");
		}
	}
	if (optind < argc)
		return tapir_usage_error("config", "unexpected argument '%s'",
					 argv[optind]);

	conf_init(&conf);
	if (conf_load(&conf, t->config)) {
		log_err("%s", conf.err);
		goto out;
	}
	if (verbose) {
		conf_print(stdout, &conf);
	} else if (access(t->config, F_OK)) {
		printf("%s does not exist: only the built-in network "
		       "'default'\n", t->config);
	} else {
		printf("%s: OK, %zu network%s:", t->config, conf.nnets,
		       conf.nnets == 1 ? "" : "s");
		for (i = 0; i < conf.nnets; i++)
			printf(" %s", conf.net[i].name);
		printf("\n");
	}
	ret = EXIT_OK;
out:
	conf_free(&conf);
	return ret;
}
