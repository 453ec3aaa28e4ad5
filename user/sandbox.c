// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sandbox.c - what tapir-user gives up once it is set up
 *
 * Theory of operation
 *
 * tapir-user runs as an ordinary user, with no capabilities and no setuid
 * bit.  It is still exposed to whatever the guest sends, so once the
 * transport, the forwards and the control socket are open it narrows
 * what the process can do:
 *
 * 1. sandbox_close_fds(), first thing in main(): every fd from 3 up is
 *    closed, so nothing inherited by accident stays reachable.
 * 2. sandbox_raise_nofile(), just before sandbox_apply(), lifts the soft
 *    limit on open files to the hard one: every flow holds a socket, and
 *    the usual soft limit of 1024 would cut the flow tables (--max-flows)
 *    short.  The programs tapir-user starts (the "--" command, guestfwd
 *    commands) get the old limit back (sandbox_child_limits()), since
 *    some programs still use select(), which cannot take fds above 1023.
 * 3. sandbox_apply(), after set-up:
 *    - any capability still held (when started by root) is dropped;
 *    - PR_SET_NO_NEW_PRIVS: no exec can gain privileges;
 *    - a seccomp allow-list (libseccomp): the system calls the loop
 *      needs - socket I/O, epoll, timers, memory, reading files for TFTP,
 *      unlinking its own socket files at exit, socketpair() and sendmsg()
 *      for the guestfwd= commands - and nothing else.  Any
 *      other call fails with EPERM (the loop treats it as an I/O error)
 *      rather than killing the process, so a library's rare path cannot
 *      take the guest's network down; execve, ptrace, mount, namespace
 *      and module calls are all outside the list.
 *
 * What it can still do is documented in tapir-user(1): open sockets and
 * connect or bind them wherever the user could (that is its job), read
 * files the user can read (the TFTP root), and remove files.
 *
 * The commands of guestfwd=...-cmd: rules cannot be started from inside
 * the filter: a separate process, the spawner (spawn.c), forked before
 * sandbox_apply(), starts them.  It is not sandboxed (the commands must
 * run as the user's ordinary programs), but all it takes from us is a rule
 * number and a socket, so what this process can make it do is run the
 * commands given at start-up, no others.
 */
#include <cap-ng.h>
#include <errno.h>
#include <seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

/* Set once the seccomp filter is loaded */
static int sandbox_on;

/* The limit on open files tapir-user was started with, for its children */
static struct rlimit sandbox_nofile;
static int sandbox_nofile_saved;

/*
 * LeakSanitizer (sanitizer builds only) checks for leaks at exit by
 * stopping the process with ptrace and mprotect, which the filter
 * forbids, and aborts.  This hook, LeakSanitizer's documented way to be
 * turned off, does so once the filter is on; the unit tests and fuzzers
 * check the same code for leaks without a filter.
 */
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(leak_sanitizer)
int __lsan_is_turned_off(void);
int __lsan_is_turned_off(void)
{
	return sandbox_on;
}
#endif
#endif

/* The system calls allowed after set-up */
static const int sandbox_allow[] = {
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(socket), SCMP_SYS(connect), SCMP_SYS(bind),
	SCMP_SYS(listen), SCMP_SYS(accept4), SCMP_SYS(accept),
	SCMP_SYS(shutdown), SCMP_SYS(getsockname), SCMP_SYS(getpeername),
	SCMP_SYS(setsockopt), SCMP_SYS(getsockopt), SCMP_SYS(sendto),
	SCMP_SYS(sendmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvfrom),
	SCMP_SYS(recvmsg), SCMP_SYS(recvmmsg), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(epoll_ctl), SCMP_SYS(ioctl),
	SCMP_SYS(fcntl), SCMP_SYS(clock_gettime), SCMP_SYS(gettimeofday),
	SCMP_SYS(time), SCMP_SYS(getrandom), SCMP_SYS(exit),
	SCMP_SYS(exit_group), SCMP_SYS(rt_sigreturn),
	SCMP_SYS(rt_sigprocmask), SCMP_SYS(wait4), SCMP_SYS(brk),
	SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(madvise), SCMP_SYS(futex), SCMP_SYS(openat),
	SCMP_SYS(newfstatat), SCMP_SYS(fstat), SCMP_SYS(lseek),
	SCMP_SYS(pread64), SCMP_SYS(unlink), SCMP_SYS(getpid),
	SCMP_SYS(gettid), SCMP_SYS(tgkill), SCMP_SYS(restart_syscall),
	SCMP_SYS(timerfd_settime), SCMP_SYS(pipe2), SCMP_SYS(dup),
	SCMP_SYS(statx), SCMP_SYS(getdents64), SCMP_SYS(uname),
	SCMP_SYS(sendfile), SCMP_SYS(openat2), SCMP_SYS(socketpair),
};

/**
 * sandbox_close_from() - close every file descriptor from @first up
 * @first:	lowest descriptor to close
 */
void sandbox_close_from(int first)
{
	if (syscall(SYS_close_range, (unsigned int)first, ~0U, 0U) == 0)
		return;
	for (int fd = first; fd < 1024; fd++)
		close(fd);
}

/**
 * sandbox_close_fds() - close every file descriptor from 3 up
 */
void sandbox_close_fds(void)
{
	sandbox_close_from(3);
}

/**
 * sandbox_raise_nofile() - raise the soft limit on open files to the hard
 * limit, keeping the old one for sandbox_child_limits()
 *
 * The flow tables were already sized to fit the hard limit (main.c).
 */
void sandbox_raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	sandbox_nofile = rl;
	sandbox_nofile_saved = 1;
	if (rl.rlim_cur == rl.rlim_max)
		return;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		log_warn("cannot raise the limit on open files: %s",
			 strerror(errno));
}

/**
 * sandbox_child_limits() - in a child about to exec a program: give back
 * the limit on open files tapir-user was started with
 */
void sandbox_child_limits(void)
{
	if (sandbox_nofile_saved)
		setrlimit(RLIMIT_NOFILE, &sandbox_nofile);
}

/**
 * sandbox_apply() - drop capabilities, set no_new_privs, load seccomp
 *
 * Return: 0 or -errno
 */
int sandbox_apply(void)
{
	scmp_filter_ctx ctx;
	unsigned int i;
	int rc;

	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_have_capabilities(CAPNG_SELECT_CAPS) != CAPNG_NONE ||
	    getuid() == 0) {
		if (capng_apply(CAPNG_SELECT_BOTH))
			log_warn("cannot drop capabilities");
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return -errno;

	ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	if (!ctx)
		return -ENOMEM;
	for (i = 0; i < sizeof(sandbox_allow) / sizeof(sandbox_allow[0]); i++) {
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, sandbox_allow[i], 0);
		if (rc)
			goto out;
	}
	rc = seccomp_load(ctx);
	if (!rc)
		sandbox_on = 1;
out:
	seccomp_release(ctx);
	return rc;
}
