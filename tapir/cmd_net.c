// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_net.c - tapir net up|down|run|status|list
 *
 * Theory of operation
 *
 *	tapir net up [NAME]	start the service detached; return once the
 *				network is ready (exit 0) or has failed (1)
 *	tapir net down [NAME]	stop the service, which takes the network
 *				down; or, if it died, undo what it left
 *	tapir net run [NAME]	the service itself, in the foreground (for
 *				systemd: tapir-net@.service)
 *	tapir net status [NAME] [--json]
 *	tapir net list [--json]
 *
 * NAME defaults to "default".  "up" takes the lock, and hands it to the
 * service it starts, so nothing else can change networks until the new one
 * is ready.  It forks; the child becomes the service (service_run(), as
 * "tapir net run NAME" would) in a new session, with output appended to
 * RUNDIR/NAME.log, and "up" reads one line from a pipe: "READY", or
 * "ERROR message".  Up twice is a no-op; so is down twice.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "conf.h"
#include "lock.h"
#include "log.h"
#include "service.h"
#include "state.h"
#include "status.h"
#include "tapir.h"

/* How long "down" waits for the service to take the network down */
#define NET_DOWN_WAIT_MS	20000

/**
 * net_check_name() - check that a network exists in the configuration
 * @t:		global options
 * @name:	network name
 *
 * Return: 0, or EXIT_FAIL after a message
 */
static int net_check_name(struct tapir *t, const char *name)
{
	struct conf conf;
	int ret;

	conf_init(&conf);
	ret = tapir_net_conf(t, &conf, name) ? 0 : EXIT_FAIL;
	conf_free(&conf);
	return ret;
}

/**
 * net_spawn() - start the service of a network detached
 * @t:		global options
 * @name:	network name
 * @p:		the readiness pipe: the child writes to p[1], closes p[0]
 * @lock_fd:	the lock, passed on
 *
 * The child is the service itself (service_run()), not a new program:
 * executing tapir again would load its libraries and parse the
 * configuration a second time, a millisecond and a half of every "up".
 * It keeps the command line it was started with, "tapir ... net up NAME".
 *
 * Return: the child's pid, or -errno
 */
static pid_t net_spawn(struct tapir *t, const char *name, const int p[2],
		       int lock_fd)
{
	char log[4096];
	pid_t pid;
	int fd;

	snprintf(log, sizeof(log), "%s/%s.log", t->rundir, name);
	fflush(NULL);		/* nothing buffered is written twice */
	pid = fork();
	if (pid)
		return pid < 0 ? -errno : pid;

	/* child: a daemon of its own session, output to the log */
	close(p[0]);
	setsid();
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		dup2(fd, 0);
	fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd >= 0) {
		dup2(fd, 1);
		dup2(fd, 2);
	}
	log_init("tapir", LOG_TO_STDERR, 0);
	exit(service_run(t, name, p[1], lock_fd));
}

/**
 * net_up() - tapir net up NAME
 * @t:		global options
 * @name:	network name
 *
 * Return: exit status
 */
static int net_up(struct tapir *t, const char *name)
{
	char line[4096] = "";
	struct state st;
	FILE *f = NULL;
	int lock_fd, p[2] = { -1, -1 }, ret = EXIT_FAIL, rc;
	pid_t pid;

	ret = net_check_name(t, name);
	if (ret)
		return ret;
	ret = EXIT_FAIL;
	lock_fd = lock_take(t->rundir);
	if (lock_fd < 0) {
		log_err("cannot lock %s: %s", t->rundir, strerror(-lock_fd));
		return EXIT_FAIL;
	}
	rc = state_init(&st, t->rundir, name);
	if (!rc && !state_load(&st) && state_owner_alive(&st)) {
		printf("network %s is already up\n", name);
		ret = EXIT_OK;
		goto out;
	}

	if (pipe2(p, O_CLOEXEC)) {
		log_err("pipe: %s", strerror(errno));
		goto out;
	}
	state_free(&st);
	pid = net_spawn(t, name, p, lock_fd);
	close(p[1]);
	lock_release(lock_fd);	/* the service holds it now */
	lock_fd = -1;
	if (pid < 0) {
		log_err("cannot start the service: %s", strerror(-pid));
		goto out;
	}

	f = fdopen(p[0], "r");
	p[0] = -1;
	if (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (!strcmp(line, "READY")) {
			status_brief(t, name);
			ret = EXIT_OK;
			goto out;
		}
	}
	waitpid(pid, NULL, 0);
	if (!strncmp(line, "ERROR ", 6))
		log_err("%s", line + 6);
	else
		log_err("the service of network %s stopped during start-up; "
			"see %s/%s.log", name, t->rundir, name);
out:
	if (f)
		fclose(f);
	if (p[0] >= 0)
		close(p[0]);
	lock_release(lock_fd);
	state_free(&st);
	return ret;
}

/**
 * net_wait_gone() - wait until a process has exited
 * @pid:	process
 * @start:	its start time, to tell it from a reuse of the pid
 * @ms:		how long to wait
 *
 * A pidfd tells the moment the process exits (Linux 5.3 and later); its
 * parent may reap it later, which does not matter here.  Without pidfds,
 * /proc is polled every 2 ms until the process is gone.
 *
 * Return: 1 if it is gone, 0 if it still runs
 */
static int net_wait_gone(pid_t pid, unsigned long long start, int ms)
{
	struct timespec ts = { 0, 2 * 1000 * 1000 };
	unsigned long long now;
	int fd, r;

	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (fd < 0 && errno == ESRCH)
		return 1;
	if (fd >= 0) {
		struct pollfd p = { .fd = fd, .events = POLLIN };

		/* the pid may have been reused before the pidfd was open */
		if (state_proc_start(pid, &now) || now != start) {
			close(fd);
			return 1;
		}
		do
			r = poll(&p, 1, ms);
		while (r < 0 && errno == EINTR);
		close(fd);
		return r > 0;
	}
	for (; ms > 0; ms -= 2) {
		if (state_proc_start(pid, &now) || now != start)
			return 1;
		nanosleep(&ts, NULL);
	}
	return 0;
}

/**
 * net_down() - tapir net down NAME
 * @t:		global options
 * @name:	network name
 *
 * Return: exit status
 */
static int net_down(struct tapir *t, const char *name)
{
	unsigned long long start = 0;
	struct state st = { .root = NULL };
	int lock_fd, ret = EXIT_FAIL, rc;
	pid_t pid;

	lock_fd = lock_take(t->rundir);
	if (lock_fd < 0) {
		log_err("cannot lock %s: %s", t->rundir, strerror(-lock_fd));
		return EXIT_FAIL;
	}
	rc = state_init(&st, t->rundir, name);
	if (!rc)
		rc = state_load(&st);
	if (rc == -ENOENT) {
		printf("network %s is not up\n", name);
		ret = EXIT_OK;
		goto out;
	} else if (rc) {
		log_err("cannot read %s: %s", st.path, strerror(-rc));
		goto out;
	}

	pid = state_owner_alive(&st);
	if (pid) {
		state_proc_start(pid, &start);
		kill(pid, SIGTERM);
		lock_release(lock_fd);	/* the service takes it to tear down */
		lock_fd = -1;
		if (!net_wait_gone(pid, start, NET_DOWN_WAIT_MS)) {
			log_warn("the service of network %s (pid %d) did not "
				 "stop in %d s; killing it", name, (int)pid,
				 NET_DOWN_WAIT_MS / 1000);
			kill(pid, SIGKILL);
			net_wait_gone(pid, start, 2000);
		}
		lock_fd = lock_take(t->rundir);
		rc = state_load(&st);
		if (rc == -ENOENT) {
			printf("network %s is down\n", name);
			ret = EXIT_OK;
			goto out;
		}
	}
	/* the service is gone but its state is not: undo it ourselves */
	if (service_recover(&st, name)) {
		log_err("network %s: some steps could not be undone; run "
			"'tapir net down %s' again", name, name);
		goto out;
	}
	printf("network %s is down\n", name);
	ret = EXIT_OK;
out:
	lock_release(lock_fd);
	state_free(&st);
	return ret;
}

/**
 * net_run() - tapir net run [NAME]
 * @t:		global options
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "run"
 *
 * Return: exit status
 */
static int net_run(struct tapir *t, int argc, char **argv)
{
	if (argc > 2)
		return tapir_usage_error("net", "net run takes one NAME");
	if (argc == 2 && argv[1][0] == '-')
		return tapir_usage_error("net", "unknown option '%s'",
					 argv[1]);
	log_init("tapir", LOG_TO_STDERR, 0);
	return service_run(t, argc == 2 ? argv[1] : "default", -1, -1);
}

/**
 * net_usage() - print the net command's usage
 * @f:		stream
 */
static void net_usage(FILE *f)
{
	fprintf(f,
"Usage: tapir net up [NAME]                bring a network up (default: default)\n"
"       tapir net down [NAME]              take it down, exactly\n"
"       tapir net run [NAME]               the same in the foreground, for systemd\n"
"       tapir net status [NAME] [--json]   mode, addresses, ports, leases, rules\n"
"       tapir net list [--json]            every configured network\n");
}

/**
 * cmd_net() - tapir net ...
 * @t:		global options
 * @argc:	argument count
 * @argv:	arguments, argv[0] is "net"
 *
 * Return: exit status
 */
int cmd_net(struct tapir *t, int argc, char **argv)
{
	const char *sub = argc >= 2 ? argv[1] : "";
	const char *name = "default";
	int json = 0, i, names = 0;

	if (!strcmp(sub, "run"))
		return net_run(t, argc - 1, argv + 1);
	if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
		net_usage(stdout);
		return EXIT_OK;
	}
	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (argv[i][0] == '-') {
			return tapir_usage_error("net", "unknown option '%s'",
						 argv[i]);
		} else {
			name = argv[i];
			names++;
		}
	}
	if (names > 1)
		return tapir_usage_error("net", "one network name at most");
	if (json && strcmp(sub, "status") && strcmp(sub, "list"))
		return tapir_usage_error("net", "--json is for status and "
					 "list");
	if (!strcmp(sub, "up"))
		return net_up(t, name);
	if (!strcmp(sub, "down"))
		return net_down(t, name);
	if (!strcmp(sub, "status"))
		return status_show(t, name, json);
	if (!strcmp(sub, "list")) {
		if (names)
			return tapir_usage_error("net", "net list takes no "
						 "NAME");
		return status_list(t, json);
	}
	net_usage(stderr);
	return EXIT_USAGE;
}
