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
 * Refusals are logged even when the arguments were malformed, so the
 * bridge name may be anything the caller typed (an overlong name is the
 * CVE-2019-13164 attack).  audit_str() therefore writes every byte outside
 * [A-Za-z0-9._-] as \xHH and cuts long values short: nothing the caller
 * controls can forge a field or a line.  Login names come from the user
 * database and are escaped the same way; reasons are our own fixed strings.
 */
#include <stdio.h>
#include <syslog.h>

#include "audit.h"
#include "log.h"

/* Longest value written as is; longer ones end in "..." */
#define AUDIT_VALUE_MAX	40

/**
 * audit_str() - make a value safe for one key=value field
 * @out:	output, at least 4 * AUDIT_VALUE_MAX + 4 bytes
 * @len:	size of @out
 * @s:		value, or NULL for "-"
 *
 * Return: @out
 */
static const char *audit_str(char *out, size_t len, const char *s)
{
	size_t o = 0, i;

	if (!s)
		s = "-";
	for (i = 0; s[i] && i < AUDIT_VALUE_MAX && o + 5 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
		    ch == '-')
			out[o++] = (char)ch;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", ch);
	}
	if (s[i] && o + 4 < len)
		o += (size_t)snprintf(out + o, len - o, "...");
	out[o] = '\0';
	return out;
}

/**
 * audit_grant() - record that a tap was created and handed over
 * @c:		caller
 * @bridge:	bridge name
 * @tap:	tap name
 */
void audit_grant(const struct caller *c, const char *bridge, const char *tap)
{
	char u[4 * AUDIT_VALUE_MAX + 8], b[4 * AUDIT_VALUE_MAX + 8];

	log_syslog(LOG_NOTICE, "grant user=%s uid=%u bridge=%s tap=%s",
		   audit_str(u, sizeof(u), caller_name(c)),
		   (unsigned)c->acl.uid, audit_str(b, sizeof(b), bridge), tap);
}

/**
 * audit_deny() - record a refusal or failure
 * @c:		caller
 * @bridge:	bridge name as given, or NULL; escaped here
 * @tap:	tap name, or NULL if none was created
 * @reason:	short reason, a fixed string
 */
void audit_deny(const struct caller *c, const char *bridge, const char *tap,
		const char *reason)
{
	char u[4 * AUDIT_VALUE_MAX + 8], b[4 * AUDIT_VALUE_MAX + 8];

	log_syslog(LOG_WARNING, "deny user=%s uid=%u bridge=%s tap=%s "
		   "reason=\"%s\"", audit_str(u, sizeof(u), caller_name(c)),
		   (unsigned)c->acl.uid, audit_str(b, sizeof(b), bridge),
		   tap ? tap : "-", reason);
}
