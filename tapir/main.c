// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - the tapir command: global options and the command table
 *
 * Theory of operation
 *
 *	tapir [--config FILE] [--rundir DIR] [--statedir DIR] COMMAND ...
 *
 * Global options come before the command; the environment variables
 * TAPIR_CONFIG, TAPIR_RUNDIR and TAPIR_STATEDIR do the same, and the
 * command line wins.  Each command lives in its own file (cmd_*.c) and
 * parses its own arguments.  Every command exits 0 on success, 1 when it
 * failed (after saying why on stderr) and 2 for a bad command line.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "conf.h"
#include "config.h"
#include "log.h"
#include "tapir.h"

/**
 * struct tapir_cmd - one command
 * @name:	its name
 * @fn:		what runs it; argv[0] is the command name
 * @summary:	one line for the usage message
 */
struct tapir_cmd {
	const char *name;
	int (*fn)(struct tapir *t, int argc, char **argv);
	const char *summary;
};

static const struct tapir_cmd tapir_cmds[] = {
	{ "config", cmd_config, "config check [-v]       validate tapir.conf" },
	{ "ifdown", cmd_ifup, "ifdown IFNAME           QEMU downscript=: detach a tap" },
	{ "ifup", cmd_ifup, "ifup IFNAME             QEMU script=: attach a tap" },
	{ "tap", cmd_tap, "tap add|del IFNAME ...  persistent taps" },
	{ "mac", cmd_mac, "mac [--vm NAME]         a MAC address for a guest" },
	{ "net", cmd_net, "net up|down|run|status|list [NAME]  managed networks" },
	{ "qemu-args", cmd_qemu_args, "qemu-args [--network N] [--vm V]  QEMU arguments" },
	{ "user", cmd_user, "user [OPTS] --socket P | --dgram P | --netns NS | -- CMD  user-mode networking" },
	{ "user-ctl", cmd_user, "user-ctl PATH add|del|list  forwards of a running tapir user" },
};

/**
 * usage() - print the command summary
 * @f:		stream
 */
static void usage(FILE *f)
{
	size_t i;

	fprintf(f,
"Usage: tapir [--config FILE] [--rundir DIR] [--statedir DIR] COMMAND ...\n"
"\n"
"Commands:\n");
	for (i = 0; i < sizeof(tapir_cmds) / sizeof(tapir_cmds[0]); i++)
		fprintf(f, "  %s\n", tapir_cmds[i].summary);
	fprintf(f,
"\n"
"Global options (or the environment variables TAPIR_CONFIG, TAPIR_RUNDIR,\n"
"TAPIR_STATEDIR):\n"
"  --config FILE    configuration (default %s)\n"
"  --rundir DIR     state of networks that are up (default %s)\n"
"  --statedir DIR   DHCP leases (default %s)\n"
"  --help, --version\n"
"\n"
"See tapir(1) and tapir.conf(5).\n",
		TAPIR_CONFIG_FILE, TAPIR_RUNDIR, TAPIR_STATEDIR);
}

/**
 * tapir_usage_error() - report a bad command line
 * @cmd:	the command, for the hint, or NULL
 * @fmt:	printf format of the problem
 *
 * Return: EXIT_USAGE
 */
int tapir_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "tapir: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tapir %s%s--help'.\n", cmd ? cmd : "",
		cmd ? " " : "");
	return EXIT_USAGE;
}

/**
 * tapir_net_conf() - load the configuration and find a network in it
 * @t:		global options
 * @conf:	initialised with conf_init(); loaded here, freed by the caller
 * @name:	network name
 *
 * Return: the network, or NULL after saying why (bad file, no such
 *	   network)
 */
const struct conf_net *tapir_net_conf(struct tapir *t, struct conf *conf,
				      const char *name)
{
	const struct conf_net *n;

	if (conf_load(conf, t->config)) {
		log_err("%s", conf->err);
		return NULL;
	}
	n = conf_net(conf, name);
	if (!n)
		log_err("no network named '%s' in %s", name, t->config);
	return n;
}

/**
 * env_or() - an environment variable, or a default
 * @name:	variable
 * @def:	default
 *
 * Return: the variable's value if set and not empty, else @def
 */
static const char *env_or(const char *name, const char *def)
{
	const char *v = getenv(name);

	return v && *v ? v : def;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "statedir", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ 0 },
	};
	struct tapir t = {
		.config = env_or("TAPIR_CONFIG", TAPIR_CONFIG_FILE),
		.rundir = env_or("TAPIR_RUNDIR", TAPIR_RUNDIR),
		.statedir = env_or("TAPIR_STATEDIR", TAPIR_STATEDIR),
		.argv0 = argc > 0 ? argv[0] : "tapir",
	};
	size_t i;
	int c;

	log_init("tapir", LOG_TO_STDERR, LOG_DAEMON);
	/* '+': stop at the command, whose options are its own */
	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			t.config = optarg;
			break;
		case 'r':
			t.rundir = optarg;
			break;
		case 's':
			t.statedir = optarg;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case 'V':
			printf("tapir %s\n", TAPIR_VERSION);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EXIT_USAGE;
	}

	for (i = 0; i < sizeof(tapir_cmds) / sizeof(tapir_cmds[0]); i++) {
		if (!strcmp(argv[optind], tapir_cmds[i].name)) {
			char **cargv = argv + optind;

			optind = 0;	/* reset getopt for the command */
			return tapir_cmds[i].fn(&t, argc - (int)(cargv - argv),
						cargv);
		}
	}
	return tapir_usage_error(NULL, "unknown command '%s'", argv[optind]);
}
