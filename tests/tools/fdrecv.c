// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdrecv.c - run a bridge helper the way QEMU or libvirt does, and receive
 * the tap descriptor.  A test tool: it plays the caller's role.
 *
 * Usage:
 *   fdrecv [OPTIONS] --qemu BRIDGE -- HELPER-STRING
 *	QEMU 7.2's convention: if HELPER-STRING has a space or a tab, run
 *	/bin/sh -c "HELPER-STRING --use-vnet --fd=N --br=BRIDGE", leaving out
 *	--br= when the string has one; otherwise exec HELPER-STRING with
 *	"--use-vnet --fd=N --br=BRIDGE".
 *   fdrecv [OPTIONS] --libvirt BRIDGE -- HELPER
 *	libvirt's convention: HELPER --use-vnet --br=BRIDGE --fd=N
 *   fdrecv [OPTIONS] -- HELPER ARGS...
 *	exec HELPER ARGS..., with "@FD@" in any argument replaced by N.
 *
 * Options:
 *   --run CMD	   with the tap held open, run "sh -c CMD" with TAP set to
 *		   its name; exit with CMD's status
 *   --close-early  close our end of the socket before the helper runs
 *   --not-socket   pass a pipe as the descriptor instead of a socket
 *
 * Prints "status=S", then "tap=NAME vnet_hdr=0|1" or "tap=none".  Exit
 * status: 0 when the helper exited 0 and sent a tap (and CMD succeeded),
 * 1 when it exited non-zero and sent nothing, 2 when it broke the
 * protocol (exit 0 without a tap, or a tap with a failure), 3 for our own
 * errors, or CMD's status.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/if_tun.h>

#include "fdpass.h"

static void usage(void)
{
	fprintf(stderr, "usage: fdrecv [--run CMD] [--close-early] "
		"[--not-socket] [--qemu BR | --libvirt BR] -- HELPER [ARGS]\n");
	exit(3);
}

static char *subst_fd(const char *arg, int fd)
{
	const char *at = strstr(arg, "@FD@");
	char *out;

	if (!at)
		return strdup(arg);
	if (asprintf(&out, "%.*s%d%s", (int)(at - arg), arg, fd, at + 4) < 0)
		exit(3);
	return out;
}

int main(int argc, char **argv)
{
	const char *qemu_br = NULL, *libvirt_br = NULL, *run = NULL;
	int close_early = 0, not_socket = 0, sv[2], status, tapfd, i, rc;
	char **args, fdarg[32], brarg[64];
	struct ifreq ifr;
	pid_t pid;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--run") && i + 1 < argc)
			run = argv[++i];
		else if (!strcmp(argv[i], "--qemu") && i + 1 < argc)
			qemu_br = argv[++i];
		else if (!strcmp(argv[i], "--libvirt") && i + 1 < argc)
			libvirt_br = argv[++i];
		else if (!strcmp(argv[i], "--close-early"))
			close_early = 1;
		else if (!strcmp(argv[i], "--not-socket"))
			not_socket = 1;
		else if (!strcmp(argv[i], "--")) {
			i++;
			break;
		} else
			usage();
	}
	if (i >= argc)
		usage();

	if (not_socket ? pipe(sv) : socketpair(AF_UNIX, SOCK_STREAM, 0, sv)) {
		perror("fdrecv: socketpair");
		return 3;
	}
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);

	args = calloc((size_t)(argc + 8), sizeof(*args));
	snprintf(fdarg, sizeof(fdarg), "--fd=%d", sv[1]);
	if (qemu_br) {
		const char *h = argv[i];

		snprintf(brarg, sizeof(brarg), "--br=%s", qemu_br);
		if (strchr(h, ' ') || strchr(h, '\t')) {
			char *cmd;

			if (asprintf(&cmd, "%s --use-vnet %s %s", h, fdarg,
				     strstr(h, "--br=") ? "" : brarg) < 0)
				return 3;
			args[0] = "sh";
			args[1] = "-c";
			args[2] = cmd;
		} else {
			args[0] = (char *)h;
			args[1] = "--use-vnet";
			args[2] = fdarg;
			args[3] = brarg;
		}
	} else if (libvirt_br) {
		snprintf(brarg, sizeof(brarg), "--br=%s", libvirt_br);
		args[0] = argv[i];
		args[1] = "--use-vnet";
		args[2] = brarg;
		args[3] = fdarg;
	} else {
		int j;

		for (j = 0; i + j < argc; j++)
			args[j] = subst_fd(argv[i + j], sv[1]);
	}

	if (close_early) {
		close(sv[0]);
		sv[0] = -1;
	}

	pid = fork();
	if (pid < 0) {
		perror("fdrecv: fork");
		return 3;
	}
	if (pid == 0) {
		if (sv[0] >= 0)
			close(sv[0]);
		if (qemu_br && !strcmp(args[0], "sh"))
			execv("/bin/sh", args);
		else
			execv(args[0], args);
		perror("fdrecv: exec");
		_exit(127);
	}
	close(sv[1]);

	tapfd = -1;
	if (sv[0] >= 0 && !not_socket)
		tapfd = fdpass_recv(sv[0]);
	if (!qemu_br && !libvirt_br)
		for (i = 0; args[i]; i++)
			free(args[i]);
	else if (args[0] && !strcmp(args[0], "sh"))
		free(args[2]);
	free(args);

	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	status = WIFEXITED(status) ? WEXITSTATUS(status) :
		 128 + WTERMSIG(status);
	printf("status=%d\n", status);

	if (tapfd < 0) {
		printf("tap=none\n");
		fflush(stdout);
		return status ? 1 : 2;
	}
	memset(&ifr, 0, sizeof(ifr));
	if (ioctl(tapfd, TUNGETIFF, &ifr)) {
		perror("fdrecv: TUNGETIFF");
		return 3;
	}
	printf("tap=%s vnet_hdr=%d\n", ifr.ifr_name,
	       !!(ifr.ifr_flags & IFF_VNET_HDR));
	fflush(stdout);
	if (status)
		return 2;

	rc = 0;
	if (run) {
		setenv("TAP", ifr.ifr_name, 1);
		rc = system(run);
		rc = WIFEXITED(rc) ? WEXITSTATUS(rc) : 3;
	}
	close(tapfd);
	return rc;
}
