// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit.c - the bridge helper's audit trail in syslog
 *
 * Theory of operation
 *
 * Every grant and every refusal is one line in syslog, facility authpriv,
 * in a fixed key=value form that is easy to grep and to parse:
 *
 *	grant user=alice uid=1000 bridge=br0 tap=tap3
 *	deny user=bob uid=1001 bridge=br0 tap=- reason="access denied by ACL"
 *
 * Values are interface names, login names and our own reasons, all of
 * which are validated or fixed strings, so no quoting of user input is
 * needed beyond the reason.
 */
#include <syslog.h>

#include "audit.h"
#include "log.h"

/**
 * audit_grant() - record that a tap was created and handed over
 * @c:		caller
 * @bridge:	bridge name
 * @tap:	tap name
 */
void audit_grant(const struct caller *c, const char *bridge, const char *tap)
{
	log_syslog(LOG_NOTICE, "grant user=%s uid=%u bridge=%s tap=%s",
		   caller_name(c), (unsigned)c->acl.uid, bridge, tap);
}

/**
 * audit_deny() - record a refusal or failure
 * @c:		caller
 * @bridge:	bridge name
 * @tap:	tap name, or NULL if none was created
 * @reason:	short reason
 */
void audit_deny(const struct caller *c, const char *bridge, const char *tap,
		const char *reason)
{
	log_syslog(LOG_WARNING, "deny user=%s uid=%u bridge=%s tap=%s "
		   "reason=\"%s\"", caller_name(c), (unsigned)c->acl.uid,
		   bridge, tap ? tap : "-", reason);
}
