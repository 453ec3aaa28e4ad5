/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_USER_SANDBOX_H
#define TAPIR_USER_SANDBOX_H

void sandbox_close_from(int first);
void sandbox_close_fds(void);
int sandbox_apply(void);
void sandbox_raise_nofile(void);
void sandbox_child_limits(void);

#endif /* TAPIR_USER_SANDBOX_H */
