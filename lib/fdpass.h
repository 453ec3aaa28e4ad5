/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_FDPASS_H
#define TAPIR_FDPASS_H

int fdpass_send(int sock, int fd);
int fdpass_recv(int sock);
int fdpass_check_unix(int sock);

#endif /* TAPIR_FDPASS_H */
