#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# helper-privileges.sh - tapir-bridge-helper installed setuid root, with
# cap_net_admin+ep, or with nothing, run by ordinary users; per-user and
# per-group rules with real callers; ACL hardening; the syslog audit trail.
#
#   netns NS, private mount namespace:
#     /etc/qemu     = $D/qemu (the ACL under test)
#     /dev/net/tun  mode 0666, as distributions ship it
#     /dev/log      tests/tools/syslogd.py -> $D/syslog
#   +------------------------------------------------------------+
#   |  br0  br1  lab  (bridges)                                  |
#   |                                                            |
#   |  nobody / daemon --setpriv--> fdrecv --> helper copies:    |
#   |     tapir-bridge-helper.setcap   (cap_net_admin+ep)        |
#   |     tapir-bridge-helper.setuid   (root, 4755)              |
#   |     tapir-bridge-helper.plain    (no privilege)            |
#   |     qemu-bridge-helper.setuid    (Debian's, for reference) |
#   +------------------------------------------------------------+
set -u
self=$(realpath "$0")
. "$(dirname "$self")/../lib/common.sh"
. "$(dirname "$self")/../lib/helper.sh"

QEMU_HELPER=${QEMU_HELPER:-/usr/lib/qemu/qemu-bridge-helper}

if [ "${1:-}" != --inner ]; then
	t_require_root
	[ -x "$QEMU_HELPER" ] || { t_log "skipped: no $QEMU_HELPER"; exit 77; }
	NS=$(t_uniq priv)
	D=$(t_tmpdir)
	t_netns "$NS"
	for b in br0 br1 lab; do
		ip -n "$NS" link add "$b" type bridge
		ip -n "$NS" link set "$b" up
	done
	h_prepare "$D"
	export NS D QEMU_HELPER
	h_enter "$NS" "$D" --dev -- bash "$self" --inner
	exit $?
fi

# ---- inside: private /etc/qemu, /dev and syslog ------------------------

SETCAP=$(h_copy_helper "$D" setcap)
SETUID=$(h_copy_helper "$D" setuid)
PLAIN=$(h_copy_helper "$D" plain)
QSETUID=$D/qemu-bridge-helper.setuid
install -m 4755 -o root -g root "$QEMU_HELPER" "$QSETUID"
ACL=/etc/qemu/bridge.conf
tap_count() { ip -o link show type tun | wc -l; }

# acl TEXT: install the top ACL file, root:root 0644
acl() { printf "$1" >"$ACL"; chmod 0644 "$ACL"; }

# call USER HELPER BRIDGE: run HELPER as USER the QEMU way; sets out, rc
call() {
	out=$(h_as "$1" "$FDRECV" --qemu "$3" -- "$2" 2>&1)
	rc=$?
	[ $rc -ne 2 ] || t_failed "protocol violation by $2: $out"
}

## 1. the per-user include trick, ours against QEMU's own helper
acl 'include /etc/qemu/nobody.conf\n'
printf 'allow br1\n' >/etc/qemu/nobody.conf
chown root:nogroup /etc/qemu/nobody.conf
chmod 0640 /etc/qemu/nobody.conf
for h in "$SETUID" "$SETCAP" "$QSETUID"; do
	call nobody "$h" br1
	t_eq "include trick: nobody reads nobody.conf ($(basename "$h"))" 0 "$rc"
	call daemon "$h" br1
	t_eq "include trick: daemon skips nobody.conf ($(basename "$h"))" 1 "$rc"
	t_match "include trick: daemon denied ($(basename "$h"))" \
		"access denied by acl file" "$out"
done
out=$(h_as daemon "$SETCAP" --explain --br=br1 2>&1)
t_match "explain shows the skipped include" \
	"skipping include /etc/qemu/nobody.conf: Permission denied" "$out"

## 2. installed modes: the helper keeps CAP_NET_ADMIN and nothing else
acl 'allow br0 user=nobody\nallow lab group=users\nallow br1 group=nogroup\n'
for mode in setcap setuid; do
	h=$D/tapir-bridge-helper.$mode
	out=$(h_as nobody "$h" --explain --br=br0 2>&1)
	t_eq "$mode: explain exit for allow" 0 $?
	t_match "$mode: runs as the caller with net_admin only" \
		"^helper: uid 65534 \(effective 65534\), effective capabilities: net_admin$" "$out"
	t_match "$mode: explain names the rule" \
		"^matched: /etc/qemu/bridge.conf:1: allow br0 user=nobody$" "$out"
	t_match "$mode: explain decision" "^decision: allow$" "$out"
	call nobody "$h" br0
	t_eq "$mode: nobody gets a tap on br0" 0 "$rc"
	t_match "$mode: tap returned" "tap=tap[0-9]+ vnet_hdr=1" "$out"
done
t_eq "installed modes: no tap left" 0 "$(tap_count)"

## 3. with no privilege: explain works, creating a tap says why not
out=$(h_as nobody "$PLAIN" --explain --br=br0 2>&1)
t_eq "plain: explain exit" 0 $?
t_match "plain: no capabilities" "effective capabilities: none" "$out"
call nobody "$PLAIN" br0
t_eq "plain: refused" 1 "$rc"
t_match "plain: says how to install" \
	"the helper has no CAP_NET_ADMIN; install it setuid root or run 'setcap cap_net_admin\+ep' on it" "$out"
t_eq "plain: no tap left" 0 "$(tap_count)"

## 4. user= and group= rules with real callers
call daemon "$SETCAP" br0
t_eq "user=nobody: daemon denied br0" 1 "$rc"
call daemon "$SETCAP" lab
t_eq "group=users: daemon without the group denied" 1 "$rc"
H_GROUPS=users call daemon "$SETCAP" lab
t_eq "group=users: daemon with supplementary group users allowed" 0 "$rc"
call nobody "$SETCAP" br1
t_eq "group=nogroup: nobody's primary group matches" 0 "$rc"
out=$(h_as daemon "$SETCAP" --explain --br=br0 2>&1)
t_eq "explain exit for deny" 1 $?
t_match "explain: default deny" "decision: deny \(no rule allows 'br0'; the default is deny\)" "$out"

acl 'allow all\ndeny br0 user=daemon\ndeny lab group=users\n'
call daemon "$SETCAP" br0
t_eq "deny user=daemon: br0 denied" 1 "$rc"
call daemon "$SETCAP" br1
t_eq "deny user=daemon: br1 still allowed" 0 "$rc"
call nobody "$SETCAP" br0
t_eq "deny user=daemon: nobody allowed br0" 0 "$rc"
H_GROUPS=users call nobody "$SETCAP" lab
t_eq "deny group=users: supplementary group denied" 1 "$rc"
out=$(h_as daemon "$SETCAP" --explain --br=br0 2>&1)
t_match "explain lists the allow" "^matched: /etc/qemu/bridge.conf:1: allow all$" "$out"
t_match "explain lists the deny" "^matched: /etc/qemu/bridge.conf:2: deny br0 user=daemon$" "$out"
t_match "explain: deny wins" "decision: deny \(a deny rule matched, and deny wins over allow\)" "$out"

## 5. the environment cannot redirect it
printf 'allow all\n' >"$D/open.conf"
chmod 0644 "$D/open.conf"
out=$(h_as nobody "$FDRECV" --qemu br0 -- "$SETCAP --acl-file=$D/open.conf" 2>&1)
t_eq "--acl-file refused for non-root" 1 $?
t_match "--acl-file message" "--acl-file is honoured only when the real uid is 0" "$out"
mkdir -p "$D/cwd"
printf 'allow all\n' >"$D/cwd/extra.conf"
chmod -R a+rX "$D/cwd"
acl 'include extra.conf\n'
out=$(cd "$D/cwd" && h_as nobody "$FDRECV" --qemu br0 -- "$SETCAP" 2>&1)
t_eq "relative include from the caller's cwd refused" 1 $?
t_match "relative include message" \
	"/etc/qemu/bridge.conf:1: include path 'extra.conf' is relative: use an absolute path" "$out"

## 6. ACL files a non-root user can write are refused, and named
acl 'allow all\n'
chown nobody "$ACL"
call nobody "$SETCAP" br0
t_eq "ACL owned by nobody refused" 1 "$rc"
t_match "ACL owned by nobody: message" \
	"refusing ACL file /etc/qemu/bridge.conf: it is owned by uid 65534, not root" "$out"
chown root "$ACL"
acl 'allow br0\ninclude /etc/qemu/ww.conf\n'
printf 'allow all\n' >/etc/qemu/ww.conf
chmod 0666 /etc/qemu/ww.conf
call nobody "$SETCAP" br0
t_eq "world-writable include refused" 1 "$rc"
t_match "world-writable include: message" \
	"/etc/qemu/bridge.conf:2: refusing included file /etc/qemu/ww.conf: it is world-writable" "$out"
acl 'allow br0\n'
chmod 0600 "$ACL"
call nobody "$SETCAP" br0
t_eq "unreadable ACL refused" 1 "$rc"
t_match "unreadable ACL: message" \
	"cannot read ACL file /etc/qemu/bridge.conf: Permission denied" "$out"
t_eq "refusals: no tap left" 0 "$(tap_count)"

## 7. every grant and denial is in syslog, facility authpriv, escaped
h_as nobody "$SETCAP" '--br=x" reason="ok' --fd=1 >/dev/null 2>&1
h_as nobody "$SETCAP" "--br=$(printf 'a%.0s' $(seq 60))" --fd=1 >/dev/null 2>&1
sleep 0.2
log=$(cat "$D/syslog")
t_match "audit: bad arguments, caller's text escaped" \
	'deny user=nobody uid=65534 bridge=x\\x22\\x20reason\\x3d\\x22ok tap=- reason="invalid arguments"$' "$log"
t_match "audit: overlong name cut short" \
	"bridge=a{40}\.\.\. tap=- reason=\"invalid arguments\"$" "$log"
# <85> is authpriv.notice, <84> authpriv.warning
t_match "audit: grant" \
	"^<85>.*tapir-bridge-helper\[[0-9]+\]: grant user=nobody uid=65534 bridge=br0 tap=tap[0-9]+$" "$log"
t_match "audit: grant by group" \
	"^<85>.*grant user=daemon uid=1 bridge=lab tap=tap[0-9]+$" "$log"
t_match "audit: ACL denial" \
	"^<84>.*deny user=daemon uid=1 bridge=br0 tap=- reason=\"access denied by ACL\"$" "$log"
t_match "audit: missing capability" \
	"deny user=nobody uid=65534 bridge=br0 tap=- reason=\"cannot create tap\"$" "$log"
t_match "audit: ACL file error" \
	"deny user=nobody uid=65534 bridge=br0 tap=- reason=\"ACL file error\"$" "$log"
t_match "audit: --acl-file misuse" "reason=\"--acl-file used by non-root\"" "$log"
# Taps our helpers handed out: 2 in section 1, 2 in 2 and 4 in 4.
grants=$(grep -c ' grant ' "$D/syslog")
t_eq "audit: one grant line per tap handed out" 8 "$grants"
t_nomatch "audit: --explain logs nothing" "explain" "$log"
t_done
