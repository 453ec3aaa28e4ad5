// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - messages for people and for syslog
 *
 * Theory of operation
 *
 * Every program calls log_init() once with its name and where messages
 * should go.  Messages to stderr are prefixed with the program name, the
 * way command-line tools print them ("tapir-bridge-helper: ...").  When
 * syslog is chosen too, each message is also sent there with the matching
 * priority.  log_syslog() sends to syslog only, whatever the destination:
 * the bridge helper's audit trail uses it.
 *
 * Debug messages are dropped unless log_set_debug() turned them on.
 * die() is for start-up only: it logs and exits with status 1.  Runtime
 * code returns -errno and lets its caller decide.
 */
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "log.h"

static const char *log_ident = "tapir";
static int log_dest = LOG_TO_STDERR;
static int log_debug_on;

/**
 * log_init() - choose the program name and destinations for messages
 * @ident:		program name, used as prefix and syslog ident
 * @dest:		LOG_TO_STDERR and/or LOG_TO_SYSLOG
 * @syslog_facility:	facility for syslog, e.g. LOG_DAEMON or LOG_AUTHPRIV
 */
void log_init(const char *ident, int dest, int syslog_facility)
{
	log_ident = ident;
	log_dest = dest;
	openlog(ident, LOG_PID, syslog_facility);
}

/**
 * log_set_debug() - turn debug messages on or off
 * @on:		non-zero to print debug messages
 */
void log_set_debug(int on)
{
	log_debug_on = on;
}

/**
 * log_debug_enabled() - tell whether debug messages are printed
 *
 * Return: non-zero if they are
 */
int log_debug_enabled(void)
{
	return log_debug_on;
}

/**
 * log_vmsg() - print one message to the chosen destinations
 * @prio:	syslog priority
 * @fmt:	printf format
 * @ap:		arguments
 */
static void log_vmsg(int prio, const char *fmt, va_list ap)
{
	va_list ap2;

	va_copy(ap2, ap);
	if (log_dest & LOG_TO_STDERR) {
		const char *tag = "";

		if (prio <= LOG_ERR)
			tag = "error: ";
		else if (prio == LOG_WARNING)
			tag = "warning: ";
		else if (prio == LOG_DEBUG)
			tag = "debug: ";
		fprintf(stderr, "%s: %s", log_ident, tag);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
	}
	if (log_dest & LOG_TO_SYSLOG)
		vsyslog(prio, fmt, ap2);
	va_end(ap2);
}

#define LOG_FN(name, prio)					\
void name(const char *fmt, ...)					\
{								\
	va_list ap;						\
								\
	if ((prio) == LOG_DEBUG && !log_debug_on)		\
		return;						\
	va_start(ap, fmt);					\
	log_vmsg((prio), fmt, ap);				\
	va_end(ap);						\
}

LOG_FN(log_err, LOG_ERR)
LOG_FN(log_warn, LOG_WARNING)
LOG_FN(log_info, LOG_INFO)
LOG_FN(log_debug, LOG_DEBUG)

/**
 * log_syslog() - send a message to syslog only
 * @prio:	syslog priority (the facility from log_init() applies)
 * @fmt:	printf format
 */
void log_syslog(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/**
 * die() - report a fatal start-up error and exit with status 1
 * @fmt:	printf format
 */
void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(LOG_ERR, fmt, ap);
	va_end(ap);
	exit(EXIT_FAILURE);
}
