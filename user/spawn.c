// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spawn.c - the commands of guestfwd=...-cmd: rules
 *
 * Theory of operation
 *
 * A guest connection to the SERVER:PORT of a "cmd:COMMAND" rule is
 * served by a new process: /bin/sh -c COMMAND, its standard input and
 * output one end of a fresh unix stream socketpair.  The other end is the
 * flow's host socket in tcp.c, which relays it like any connected socket:
 * the guest's bytes are the command's input, the command's output comes
 * back, and when the command exits (or closes its output) the guest sees
 * FIN.  Standard error stays tapir-user's.
 *
 * tapir-user cannot start programs itself once it is set up: the seccomp
 * filter (sandbox.c) has no fork or execve, and no_new_privs is set.  So
 * when there is at least one cmd: rule, spawn_init() forks a helper, the
 * spawner, during start-up: before the sandbox, and after the transport
 * is open, so that the children ns.c makes for namespaces (forked before)
 * do not hold its socket.  tapir-user itself never leaves the namespaces
 * it was started in, so the spawner, like the commands it starts, sees
 * the host's network, files and namespaces, those tapir-user's own
 * sockets use, never the guest's.  The two are connected by a
 * SOCK_SEQPACKET socketpair (fdpass_fork()).  For each connection,
 * spawn_cmd() in tapir-user makes the stream socketpair and sends one end
 * over it (SCM_RIGHTS), with the rule's index as the one-byte payload
 * (fdpass_send_tag()); that needs only socketpair() and sendmsg(), which
 * the filter allows.  The send is non-blocking: the flow does not wait
 * for the command, whose socket is connected from the start, and bytes
 * the guest sends before the command reads them wait in the socket.
 *
 * The spawner keeps nothing of tapir-user but the options: it closes
 * every descriptor except stderr and its end of the socketpair (stdin and
 * stdout become /dev/null), blocks only SIGCHLD and SIGPIPE, and serves
 * in a poll() loop of its own.  For each message it forks; the child puts
 * the received socket on 0 and 1, closes everything from 3 up, unblocks
 * every signal and execs /bin/sh -c COMMAND; the spawner closes its copy
 * of the socket at once.  A signalfd tells it about SIGCHLD, and it reaps
 * with waitpid(WNOHANG), so no command is left a zombie.  When
 * tapir-user's end closes (it exited, whatever the reason), the spawner
 * exits too; commands still running carry on until their connection
 * closes.
 *
 * What the spawner does for tapir-user is fixed at start-up: it runs the
 * commands of the rules, by index, and nothing else, so a tapir-user
 * taken over by its guest cannot make it run anything new.  It is not
 * itself sandboxed: the commands are the user's programs, with the user's
 * rights.
 *
 * When the spawner is gone, or its queue is full, spawn_cmd() fails: the
 * guest's SYN is answered with a RST, and a warning is logged (when the
 * spawner is found gone, and the first time its queue is full; other
 * failures only with --debug).  A fork that fails in the spawner is
 * logged there, and the guest sees the connection closed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "log.h"
#include "sandbox.h"
#include "spawn.h"

/* The rule index travels as one byte */
_Static_assert(OPTS_GUESTFWD_MAX <= 256, "rule index fits a byte");

/* Where the spawner keeps its end of the socketpair */
#define SPAWN_SOCK_FD	3

static int spawn_fd = -1;	/* our end */
static pid_t spawn_pid = -1;	/* the spawner */
static unsigned long spawn_failed;	/* spawn_cmd() failures */

/**
 * spawn_child_fds() - in the spawner: keep stderr and @sock only
 * @sock:	the spawner's end of the socketpair
 *
 * @sock moves to SPAWN_SOCK_FD and everything above is closed; stdin and
 * stdout become /dev/null, and so does stderr if it was not open.  The
 * sockets received later are therefore never 0, 1 or 2.
 *
 * Return: 0, or -1
 */
static int spawn_child_fds(int sock)
{
	int nul;

	if (sock != SPAWN_SOCK_FD) {
		if (dup2(sock, SPAWN_SOCK_FD) < 0)
			return -1;
		close(sock);
	}
	sandbox_close_from(SPAWN_SOCK_FD + 1);
	nul = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (nul < 0)
		return -1;
	if (dup2(nul, 0) < 0 || dup2(nul, 1) < 0 ||
	    (fcntl(2, F_GETFD) < 0 && dup2(nul, 2) < 0))
		return -1;
	if (nul > 2)
		close(nul);
	return 0;
}

/**
 * spawn_exec() - in a child of the spawner: become the command
 * @cmd:	the command
 * @conn:	the connection's socket (3 or above)
 */
static void __attribute__((noreturn)) spawn_exec(const char *cmd, int conn)
{
	sigset_t none;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	if (dup2(conn, 0) < 0 || dup2(conn, 1) < 0)
		_exit(126);
	sandbox_close_from(3);
	sandbox_child_limits();
	execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
	log_err("guestfwd: /bin/sh: %s", strerror(errno));
	_exit(127);
}

/**
 * spawn_reap() - in the spawner: reap every command that has exited
 */
static void spawn_reap(void)
{
	pid_t pid;
	int st;

	while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
		if (WIFSIGNALED(st))
			log_debug("guestfwd: command %d killed by signal %d",
				  (int)pid, WTERMSIG(st));
		else
			log_debug("guestfwd: command %d exited with %d",
				  (int)pid, WEXITSTATUS(st));
	}
}

/**
 * spawn_one() - in the spawner: start a rule's command on a connection
 * @o:		options (the rules)
 * @rule:	rule index, as sent
 * @conn:	the connection's socket; closed here
 */
static void spawn_one(const struct user_opts *o, unsigned int rule, int conn)
{
	pid_t pid;

	if (rule >= o->ngfwd || !o->gfwd[rule].cmd[0]) {
		log_err("guestfwd: no command rule %u", rule);
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		log_err("guestfwd: cannot start '%s': %s", o->gfwd[rule].cmd,
			strerror(errno));
		goto out;
	}
	if (pid == 0)
		spawn_exec(o->gfwd[rule].cmd, conn);
	log_debug("guestfwd: command %d: %s", (int)pid, o->gfwd[rule].cmd);
out:
	close(conn);
}

/**
 * spawn_serve() - the spawner: start commands until tapir-user is gone
 * @o:		options (the rules)
 * @sock:	its end of the socketpair
 */
static void __attribute__((noreturn))
spawn_serve(const struct user_opts *o, int sock)
{
	struct signalfd_siginfo si;
	struct pollfd p[2];
	sigset_t set;
	uint8_t rule;
	int fd;

	prctl(PR_SET_NAME, "tapir-spawner");
	if (spawn_child_fds(sock))
		_exit(1);
	sock = SPAWN_SOCK_FD;
	signal(SIGCHLD, SIG_DFL);	/* not ignored: children to reap */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGPIPE);
	if (sigprocmask(SIG_SETMASK, &set, NULL))
		_exit(1);
	sigdelset(&set, SIGPIPE);
	p[1].fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (p[1].fd < 0)
		_exit(1);
	p[0].fd = sock;
	p[0].events = p[1].events = POLLIN;
	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(1);
		}
		if (p[1].revents) {
			while (read(p[1].fd, &si, sizeof(si)) > 0)
				;
			spawn_reap();
		}
		if (!p[0].revents)
			continue;
		fd = fdpass_recv_tag(sock, &rule);
		if (fd >= 0)
			spawn_one(o, rule, fd);
		else if (p[0].revents & (POLLHUP | POLLERR) || fd != -ENODATA)
			break;			/* tapir-user is gone */
	}
	spawn_reap();
	_exit(0);
}

/**
 * spawn_init() - fork the spawner if a guestfwd= rule has a command
 * @o:		finished options; the spawner uses this copy from now on
 *
 * Return: 0 (also when no spawner is needed), or -errno
 */
int spawn_init(const struct user_opts *o)
{
	unsigned int i;
	int sock, rc = 0;
	pid_t pid;

	for (i = 0; i < o->ngfwd && !o->gfwd[i].cmd[0]; i++)
		;
	if (i == o->ngfwd || spawn_fd >= 0)
		goto out;
	pid = fdpass_fork(&sock);
	if (pid < 0) {
		rc = (int)pid;
		goto out;
	}
	if (pid == 0)
		spawn_serve(o, sock);
	spawn_fd = sock;
	spawn_pid = pid;
	spawn_failed = 0;
out:
	return rc;
}

/**
 * spawn_failure() - log why spawn_cmd() failed
 * @rc:		its -errno
 * @gone:	the spawner was just found gone
 *
 * A guest can make this happen at will: a warning is logged when the
 * spawner is found gone (once), and for the first other failure; the rest
 * only with --debug.
 */
static void spawn_failure(int rc, int gone)
{
	if (gone)
		log_warn("guestfwd: cannot start a command: the spawner is gone");
	else if (!spawn_failed++ && rc != -ENOTCONN)
		log_warn("guestfwd: cannot start a command: %s", strerror(-rc));
	else
		log_debug("guestfwd: cannot start a command: %s",
			  strerror(-rc));
}

/**
 * spawn_cmd() - start the command of guestfwd= rule @rule
 * @rule:	index in opts.gfwd, a cmd: rule
 *
 * Return: our end of the command's socket (non-blocking, close-on-exec,
 * connected), or -errno: -ENOTCONN without a spawner, -EPIPE if it is
 * gone, -EAGAIN if its queue is full (a warning is logged)
 */
int spawn_cmd(unsigned int rule)
{
	int sv[2] = { -1, -1 }, rc, gone = 0;

	if (spawn_fd < 0) {
		rc = -ENOTCONN;
		goto out;
	}
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		rc = -errno;
		goto out;
	}
	if (fcntl(sv[0], F_SETFL, O_NONBLOCK)) {
		rc = -errno;
		goto out;
	}
	rc = fdpass_send_tag(spawn_fd, sv[1], (uint8_t)rule, MSG_DONTWAIT);
	if (rc == -EPIPE || rc == -ECONNREFUSED || rc == -ECONNRESET) {
		close(spawn_fd);
		spawn_fd = -1;
		gone = 1;
	}
out:
	if (sv[1] >= 0)
		close(sv[1]);
	if (!rc)
		rc = sv[0];
	else if (sv[0] >= 0)
		close(sv[0]);
	if (rc < 0)
		spawn_failure(rc, gone);
	return rc;
}

/**
 * spawn_fini() - close our end; the spawner exits, and is reaped
 */
void spawn_fini(void)
{
	int st;

	if (spawn_fd >= 0)
		close(spawn_fd);
	spawn_fd = -1;
	if (spawn_pid > 0)
		waitpid(spawn_pid, &st, 0);
	spawn_pid = -1;
}
