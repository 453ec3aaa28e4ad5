/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_DIR_H
#define TAPIR_DIR_H

int dir_make(const char *path);

#endif /* TAPIR_DIR_H */
