/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_TAPIR_H
#define TAPIR_TAPIR_H

/* Exit statuses of every command */
#define EXIT_OK		0
#define EXIT_FAIL	1	/* the command failed; a message said why */
#define EXIT_USAGE	2	/* bad command line */

/**
 * struct tapir - global options, from the command line or the environment
 * @config:	configuration file (--config, TAPIR_CONFIG)
 * @rundir:	run-time state of networks that are up (--rundir,
 *		TAPIR_RUNDIR)
 * @statedir:	persistent state, DHCP leases (--statedir, TAPIR_STATEDIR)
 * @argv0:	how tapir was run, for re-running itself
 */
struct tapir {
	const char *config;
	const char *rundir;
	const char *statedir;
	const char *argv0;
};

int cmd_config(struct tapir *t, int argc, char **argv);
int cmd_ifup(struct tapir *t, int argc, char **argv);
int cmd_mac(struct tapir *t, int argc, char **argv);
int cmd_net(struct tapir *t, int argc, char **argv);
int cmd_qemu_args(struct tapir *t, int argc, char **argv);
int cmd_user(struct tapir *t, int argc, char **argv);
int cmd_tap(struct tapir *t, int argc, char **argv);

struct conf;
struct conf_net;
const struct conf_net *tapir_net_conf(struct tapir *t, struct conf *conf,
				      const char *name);
int tapir_usage_error(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif /* TAPIR_TAPIR_H */
