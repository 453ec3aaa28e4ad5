// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * main.c - tapir-bridge-helper, a drop-in replacement for qemu-bridge-helper
 *
 * Theory of operation
 *
 * QEMU (for -netdev bridge, and -netdev tap,helper=...) and libvirt (in
 * session mode) run the helper with one end of a unix socket pair as
 * --fd=N.  The helper creates a tap, attaches it to the bridge named by
 * --br, and sends the tap's descriptor back over the socket; the caller
 * then owns the tap, which disappears when it closes it.
 *
 * The steps, each of which can refuse:
 *
 * 1. open descriptors 0-2 if closed; drop every privilege except
 *    CAP_NET_ADMIN and become the caller (priv.c); clear the environment;
 * 2. parse and check the arguments (args.c);
 * 3. check that --fd is a unix socket;
 * 4. read the ACL as the caller and decide (acl.c) - deny wins and the
 *    default is deny;
 * 5. look up the bridge by name and check it is a bridge (nl.c);
 * 6. create the tap under a random name "tapN", with IFF_VNET_HDR for
 *    --use-vnet (tap.c);
 * 7. turn IPv6 off on it, give it the bridge's MTU and a MAC starting with
 *    0xFE, attach it to the bridge and bring it up (port.c);
 * 8. send the descriptor and exit 0.
 *
 * Any failure prints one message on stderr and exits 1; since the tap is
 * not persistent, exiting closes and removes it, so nothing is left
 * behind.  Every grant and refusal goes to syslog (audit.c).
 *
 * --explain --br=NAME runs steps 1, 2 and 4 and prints every rule that
 * matched, with file:line, and the decision; it exits 0 for allow and 1
 * for deny, and creates nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "acl.h"
#include "args.h"
#include "audit.h"
#include "caller.h"
#include "config.h"
#include "fdpass.h"
#include "log.h"
#include "nl.h"
#include "port.h"
#include "priv.h"
#include "tap.h"

#define HELPER_NAME	"tapir-bridge-helper"

/**
 * usage() - print how to run the helper
 * @f:		stream
 */
static void usage(FILE *f)
{
	fprintf(f,
"Usage: " HELPER_NAME " [--use-vnet] --br=BRIDGE --fd=UNIXFD\n"
"       " HELPER_NAME " --explain --br=BRIDGE\n"
"\n"
"Create a tap device, attach it to BRIDGE if the ACL file allows the\n"
"calling user to, and send its descriptor over the unix socket UNIXFD.\n"
"QEMU and libvirt run this for -netdev bridge and -netdev tap,helper=.\n"
"\n"
"  --use-vnet         enable virtio-net headers on the tap (IFF_VNET_HDR)\n"
"  --br=BRIDGE        bridge to attach to\n"
"  --fd=UNIXFD        unix socket to send the tap descriptor over\n"
"  --explain          show which ACL rules match for you, and the decision\n"
"  --acl-file=PATH    read PATH instead of %s (root only)\n"
"  --help, --version\n", TAPIR_ACL_FILE);
}

/**
 * explain_match() - print one matching rule for --explain
 * @ctx:	int[2], counts of matching allow and deny rules
 * @rule:	the rule
 */
static void explain_match(void *ctx, const struct acl_rule *rule)
{
	int *count = ctx;
	char text[96];

	count[rule->verb == ACL_ALLOW ? 0 : 1]++;
	acl_rule_fmt(rule, text, sizeof(text));
	printf("matched: %s:%u: %s\n", rule->file, rule->line, text);
}

/**
 * explain_bridge() - say whether the bridge exists, for --explain
 * @br:		bridge name
 */
static void explain_bridge(const char *br)
{
	struct nl_link link;
	struct nl nl;
	int rc;

	if (nl_open(&nl))
		return;
	rc = nl_link_get(&nl, br, &link);
	if (rc == -ENODEV)
		printf("note: bridge '%s' does not exist\n", br);
	else if (!rc && strcmp(link.kind, "bridge"))
		printf("note: '%s' is not a bridge\n", br);
	else if (!rc)
		printf("bridge: %s exists, mtu %u\n", br, link.mtu);
	nl_close(&nl);
}

/**
 * explain() - print the ACL decision for the caller and a bridge
 * @who:	caller
 * @br:		bridge name
 * @acl_path:	top ACL file
 *
 * Return: 0 for allow, 1 for deny
 */
static int explain(const struct caller *who, const char *br,
		   const char *acl_path)
{
	int count[2] = { 0, 0 };
	struct acl acl;
	char desc[512];
	size_t i;
	int allowed;

	log_set_debug(1);	/* show skipped includes, on stderr... */
	setvbuf(stdout, NULL, _IOLBF, 0);	/* ...in order with stdout */
	printf("explaining access to bridge '%s' for user %s (uid %u; "
	       "groups:", br, caller_name(who), (unsigned)who->acl.uid);
	for (i = 0; i < who->ngids; i++)
		printf(" %s(%u)", who->groups[i] ? who->groups[i] : "?",
		       (unsigned)who->gids[i]);
	printf(")\n");
	priv_describe(desc, sizeof(desc));
	printf("helper: %s\n", desc);
	printf("acl file: %s\n", acl_path);
	explain_bridge(br);

	acl_init(&acl);
	if (acl_load(&acl, acl_path, &acl_reader_fs)) {
		printf("error: %s\n", acl.err);
		printf("decision: deny (the ACL could not be read)\n");
		acl_free(&acl);
		return 1;
	}
	allowed = acl_decide(&acl, br, &who->acl, explain_match, count);
	if (allowed)
		printf("decision: allow\n");
	else if (count[0])
		printf("decision: deny (a deny rule matched, and deny wins "
		       "over allow)\n");
	else
		printf("decision: deny (no rule allows '%s'; the default is "
		       "deny)\n", br);
	acl_free(&acl);
	return allowed ? 0 : 1;
}

/**
 * helper_tap_error() - explain why a tap could not be created
 * @rc:		-errno from tap_open()
 * @net_admin:	whether the helper kept CAP_NET_ADMIN
 */
static void helper_tap_error(int rc, int net_admin)
{
	if (rc == -EPERM && !net_admin)
		log_err("cannot create a tap device: the helper has no "
			"CAP_NET_ADMIN; install it setuid root or run "
			"'setcap cap_net_admin+ep' on it");
	else if (rc == -EACCES || rc == -EPERM)
		log_err("cannot create a tap device: /dev/net/tun: %s",
			strerror(-rc));
	else
		log_err("cannot create a tap device: %s", strerror(-rc));
}

int main(int argc, char **argv)
{
	const char *acl_path = TAPIR_ACL_FILE, *fail = NULL;
	struct caller who = { 0 };
	char err[512], tap[IFNAME_MAX + 1] = "";
	int net_admin = 0, tapfd = -1, ret = EXIT_FAILURE, rc;
	struct nl nl = { 0 };
	struct nl_link br;
	struct args a = { .fd = -1 };
	struct acl acl;

	if (priv_std_fds())
		return EXIT_FAILURE;
	if (priv_drop(&net_admin)) {
		fprintf(stderr, HELPER_NAME ": error: failed to drop "
			"privileges\n");
		return EXIT_FAILURE;
	}
	clearenv();
	log_init(HELPER_NAME, LOG_TO_STDERR, LOG_AUTHPRIV);
	acl_init(&acl);

	rc = caller_get(&who);
	if (rc) {
		who.acl.uid = getuid();
		log_err("cannot look up the calling user: %s", strerror(-rc));
		fail = "cannot look up the caller";
		goto out;
	}

	if (args_parse(&a, argc, argv, err, sizeof(err))) {
		log_err("%s", err);
		usage(stderr);
		fail = "invalid arguments";
		goto out;
	}
	if (a.help) {
		usage(stdout);
		ret = EXIT_SUCCESS;
		goto out;
	}
	if (a.version) {
		printf(HELPER_NAME " %s\n", TAPIR_VERSION);
		ret = EXIT_SUCCESS;
		goto out;
	}

	if (a.acl_file) {
		if (getuid() != 0) {
			log_err("--acl-file is honoured only when the real "
				"uid is 0; the ACL file is %s", TAPIR_ACL_FILE);
			fail = "--acl-file used by non-root";
			goto out;
		}
		acl_path = a.acl_file;
	}

	if (a.explain) {
		ret = explain(&who, a.br, acl_path);
		goto out;
	}

	rc = fdpass_check_unix(a.fd);
	if (rc) {
		log_err("--fd=%d is not a unix socket: %s", a.fd,
			rc == -EBADF ? "no such open descriptor" :
			rc == -ENOTSOCK ? "not a socket" :
			"a socket of another family");
		fail = "--fd is not a unix socket";
		goto out;
	}

	if (acl_load(&acl, acl_path, &acl_reader_fs)) {
		log_err("%s", acl.err);
		fail = "ACL file error";
		goto out;
	}
	if (!acl_decide(&acl, a.br, &who.acl, NULL, NULL)) {
		log_err("access denied by acl file: user %s may not use "
			"bridge '%s' (run '" HELPER_NAME " --explain "
			"--br=%s' to see why)", caller_name(&who), a.br, a.br);
		fail = "access denied by ACL";
		goto out;
	}

	rc = nl_open(&nl);
	if (rc) {
		log_err("cannot open a netlink socket: %s", strerror(-rc));
		fail = "netlink error";
		goto out;
	}
	rc = port_bridge_get(&nl, a.br, &br);
	if (rc == -ENODEV) {
		log_err("bridge '%s' does not exist", a.br);
		fail = "no such bridge";
		goto out;
	} else if (rc == -ENOTTY) {
		log_err("'%s' is not a bridge (it is %s%s)", a.br,
			br.kind[0] ? "a device of kind " : "a plain device",
			br.kind);
		fail = "not a bridge";
		goto out;
	} else if (rc) {
		log_err("cannot look up bridge '%s': %s", a.br, strerror(-rc));
		fail = "bridge lookup failed";
		goto out;
	}

	tapfd = tap_open_random("tap", a.use_vnet ? TAP_VNET_HDR : 0, tap,
				NULL);
	if (tapfd < 0) {
		helper_tap_error(tapfd, net_admin);
		fail = "cannot create tap";
		goto out;
	}

	rc = port_attach(&nl, tap, &br);
	if (rc) {
		log_err("cannot attach %s to bridge '%s' (mtu %u): %s", tap,
			a.br, br.mtu, strerror(-rc));
		fail = "cannot attach tap";
		goto out;
	}

	rc = fdpass_send(a.fd, tapfd);
	if (rc) {
		log_err("cannot send the tap descriptor over --fd=%d: %s%s",
			a.fd, strerror(-rc),
			rc == -EPIPE || rc == -ECONNRESET ?
			" (the caller closed the socket)" : "");
		fail = "cannot send descriptor";
		goto out;
	}
	audit_grant(&who, a.br, tap);
	ret = EXIT_SUCCESS;
out:
	if (fail)
		audit_deny(&who, a.br, tap[0] ? tap : NULL, fail);
	if (tapfd >= 0)
		close(tapfd);
	nl_close(&nl);
	acl_free(&acl);
	caller_free(&who);
	return ret;
}
