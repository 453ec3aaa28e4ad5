/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef TAPIR_LOG_H
#define TAPIR_LOG_H

#include <stdarg.h>

/* Where messages go: any combination of these. */
#define LOG_TO_STDERR	1
#define LOG_TO_SYSLOG	2

void log_init(const char *ident, int dest, int syslog_facility);
void log_set_debug(int on);
int log_debug_enabled(void);

void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_syslog(int prio, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));

#endif /* TAPIR_LOG_H */
