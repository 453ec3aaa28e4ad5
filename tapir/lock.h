/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_LOCK_H
#define TAPIR_LOCK_H

int lock_take(const char *rundir);
void lock_release(int fd);

#endif /* TAPIR_LOCK_H */
