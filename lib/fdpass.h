/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_FDPASS_H
#define TAPIR_FDPASS_H

#include <stdint.h>
#include <sys/types.h>

int fdpass_send(int sock, int fd);
int fdpass_send_tag(int sock, int fd, uint8_t tag, int flags);
int fdpass_recv(int sock);
int fdpass_recv_tag(int sock, uint8_t *tag);
int fdpass_check_unix(int sock);
pid_t fdpass_fork(int *sock);

#endif /* TAPIR_FDPASS_H */
