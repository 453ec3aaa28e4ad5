// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lock.c - one lock for every change to networks
 *
 * Theory of operation
 *
 * "up", "down" and a service's setup and teardown take RUNDIR/lock with
 * flock() for as long as they change the system.  One lock for all
 * networks, not one per network: two networks brought up at once could
 * otherwise pick the same free subnet, or the same bridge name.  Changes
 * take milliseconds, so nobody waits long.
 *
 * A flock() lock belongs to the open file description, so it is shared by
 * a forked child that inherits the descriptor: "up" takes the lock and
 * hands the descriptor to the service it starts, which closes it when the
 * network is ready.  The kernel drops the lock when the last descriptor is
 * closed, also when a process is killed, so a crash never leaves it held.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dir.h"
#include "lock.h"

/**
 * lock_take() - take the lock, waiting for it if needed
 * @rundir:	run directory, created (mode 0755) if missing
 *
 * Return: the lock's descriptor, or -errno
 */
int lock_take(const char *rundir)
{
	char path[4096];
	int fd, rc;

	rc = dir_make(rundir);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/lock", rundir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX)) {
		if (errno != EINTR) {
			rc = -errno;
			close(fd);
			return rc;
		}
	}
	return fd;
}

/**
 * lock_release() - release the lock
 * @fd:		descriptor from lock_take(), or -1
 */
void lock_release(int fd)
{
	if (fd >= 0)
		close(fd);
}
