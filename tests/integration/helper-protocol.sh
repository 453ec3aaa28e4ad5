#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# helper-protocol.sh - tapir-bridge-helper speaks QEMU's and libvirt's
# protocol, makes the tap QEMU expects, and refuses bad input leaving
# nothing behind.
#
#   netns NS (private /etc/qemu = $D/qemu)
#   +----------------------------------------------------------------+
#   |  br0 (bridge, mtu 1400) <- v0 (veth port) ... v0p              |
#   |  br1 (bridge, mtu 9000)                                        |
#   |  aaaaaaaaaaaaaaa (bridge, 15-byte name, denied by the ACL)     |
#   |  vx (veth, not a bridge) ... vxp                               |
#   |                                                                |
#   |  fdrecv (plays QEMU / libvirt) --exec--> tapir-bridge-helper   |
#   |        <---- tap fd over the socket pair ----                  |
#   +----------------------------------------------------------------+
#
# The ACL is read from its default path, /etc/qemu/bridge.conf.
set -u
self=$(realpath "$0")
. "$(dirname "$self")/../lib/common.sh"
. "$(dirname "$self")/../lib/helper.sh"

LONG15=aaaaaaaaaaaaaaa

if [ "${1:-}" != --inner ]; then
	t_require_root
	NS=$(t_uniq prot)
	D=$(t_tmpdir)
	t_netns "$NS"
	ip -n "$NS" link add br0 mtu 1400 type bridge
	ip -n "$NS" link add br1 mtu 9000 type bridge
	ip -n "$NS" link add "$LONG15" type bridge
	ip -n "$NS" link add v0 address 02:00:00:00:00:01 type veth peer name v0p
	ip -n "$NS" link add vx type veth peer name vxp
	ip -n "$NS" link set v0 mtu 1400 master br0 up
	for l in br0 br1 "$LONG15"; do ip -n "$NS" link set "$l" up; done
	h_prepare "$D"
	printf 'allow all\ndeny %s\n' "$LONG15" >"$D/qemu/bridge.conf"
	export NS D
	h_enter "$NS" "$D" -- bash "$self" --inner
	exit $?
fi

# ---- inside the namespace ----------------------------------------------

LINKINFO="python3 $TAPIR_SRC/tests/tools/linkinfo.py"
links_before=$(ip -o link show | awk -F': ' '{print $2}' | sort)
tap_count() { ip -o link show type tun | wc -l; }

# fdrecv exits 2 if a helper broke the protocol (exit 0 without a tap, or
# a tap with a failure status); no case may ever do that.
run_fdrecv() {
	out=$("$FDRECV" "$@" 2>&1)
	rc=$?
	[ $rc -ne 2 ] || t_failed "protocol violation: fdrecv $*: $out"
}

## 1. QEMU's direct exec: HELPER --use-vnet --fd=N --br=br0
run_fdrecv --run "$LINKINFO \$TAP; echo ipv6_off=\$(cat /proc/sys/net/ipv6/conf/\$TAP/disable_ipv6); $LINKINFO br0" \
	--qemu br0 -- "$HELPER"
t_eq "qemu exec: exit" 0 "$rc"
t_match "qemu exec: helper status" "^status=0$" "$out"
t_match "qemu exec: tap name" "tap=tap[0-9]+ vnet_hdr=1" "$out"
t_match "tap attached to br0" "^master=br0$" "$out"
t_match "tap has the bridge's MTU" "^mtu=1400$" "$out"
t_match "tap MAC starts with fe" "^mac=fe:" "$out"
t_match "tap is up" "^up=1$" "$out"
t_match "tap has no packet info" "^pi=0$" "$out"
t_match "tap has vnet headers" "^vnet_hdr=1$" "$out"
t_match "tap is not persistent" "^persist=0$" "$out"
t_match "IPv6 is off on the port" "^ipv6_off=1$" "$out"
# The bridge keeps the lowest port MAC (the veth's), never the tap's.
t_match "bridge MAC not taken from the tap" "^mac=02:00:00:00:00:01$" \
	"$(printf '%s\n' "$out" | sed -n '/^name=br0$/,$p')"
t_eq "tap gone once the caller closes it" 0 "$(tap_count)"

## 2. QEMU through /bin/sh -c: the user's --br= comes first and wins
run_fdrecv --run "$LINKINFO \$TAP" --qemu br0 -- "$HELPER --br=br1"
t_eq "sh -c: exit" 0 "$rc"
t_match "sh -c: user's --br=br1 used" "^master=br1$" "$out"
t_match "sh -c: MTU of br1" "^mtu=9000$" "$out"

## 3. libvirt's order: --use-vnet --br=BR --fd=N
run_fdrecv --run "$LINKINFO \$TAP" --libvirt br0 -- "$HELPER"
t_eq "libvirt: exit" 0 "$rc"
t_match "libvirt: attached" "^master=br0$" "$out"

## 4. without --use-vnet there is no vnet header
run_fdrecv --run "$LINKINFO \$TAP" -- "$HELPER" --br=br0 --fd=@FD@
t_eq "no --use-vnet: exit" 0 "$rc"
t_match "no --use-vnet: vnet_hdr off" "^vnet_hdr=0$" "$out"

## 4b. a helper string that has --use-vnet already: QEMU adds another
run_fdrecv --run "$LINKINFO \$TAP" --qemu br0 -- "$HELPER --use-vnet"
t_eq "repeated --use-vnet: exit" 0 "$rc"
t_match "repeated --use-vnet: vnet_hdr on" "^vnet_hdr=1$" "$out"

## 5. two taps at once get different names and MACs
run_fdrecv --run "$LINKINFO \$TAP; '$FDRECV' --run '$LINKINFO \$TAP' --qemu br0 -- '$HELPER'" \
	--qemu br0 -- "$HELPER"
t_eq "two taps: exit" 0 "$rc"
names=$(printf '%s\n' "$out" | sed -n 's/^name=//p' | sort -u | wc -l)
macs=$(printf '%s\n' "$out" | sed -n 's/^mac=//p' | sort -u | wc -l)
t_eq "two taps: distinct names" 2 "$names"
t_eq "two taps: distinct MACs" 2 "$macs"
t_eq "two taps: both gone" 0 "$(tap_count)"

## 6. bad input: a clear message, a non-zero exit, no tap left
expect_refusal() {
	local desc=$1 msg=$2
	shift 2
	run_fdrecv "$@"
	t_eq "$desc: fdrecv exit" 1 "$rc"
	t_match "$desc: helper exit" "^status=1$" "$out"
	t_match "$desc: message" "$msg" "$out"
	t_eq "$desc: no tap left" 0 "$(tap_count)"
}

expect_refusal "missing --br" "error: missing --br=BRIDGE" -- \
	"$HELPER" --use-vnet --fd=@FD@
expect_refusal "duplicate --br" "'--br=br1' given more than once" -- \
	"$HELPER" --br=br0 --br=br1 --fd=@FD@
expect_refusal "duplicate --fd" "'--fd=[0-9]+' given more than once" -- \
	"$HELPER" --fd=@FD@ --br=br0 --fd=@FD@
expect_refusal "unknown argument" "unknown argument '--verbose'" -- \
	"$HELPER" --br=br0 --fd=@FD@ --verbose
expect_refusal "no such bridge" "bridge 'nope' does not exist" \
	--qemu nope -- "$HELPER"
expect_refusal "not a bridge" "'vx' is not a bridge \(it is a device of kind veth\)" \
	--qemu vx -- "$HELPER"
expect_refusal "socket closed early" "the caller closed the socket" \
	--close-early --qemu br0 -- "$HELPER"
expect_refusal "--fd is a pipe" "--fd=[0-9]+ is not a unix socket: not a socket" \
	--not-socket --qemu br0 -- "$HELPER"
expect_refusal "16-byte bridge name (CVE-2019-13164)" \
	"invalid bridge name '${LONG15}X': name is 16 bytes or longer" \
	--qemu "${LONG15}X" -- "$HELPER"
expect_refusal "15-byte name denied by the ACL" "access denied by acl file" \
	--qemu "$LONG15" -- "$HELPER"
expect_refusal "shell metacharacters" "invalid bridge name 'br0;touch" \
	-- "$HELPER" "--br=br0;touch /tmp/pwned" --fd=@FD@
t_check_fail "metacharacters ran nothing" test -e /tmp/pwned

# Descriptors that fdrecv cannot make: not open, a file, an inet socket.
out=$("$HELPER" --br=br0 --fd=97 2>&1)
t_eq "--fd not open: exit" 1 $?
t_match "--fd not open: message" "--fd=97 is not a unix socket: no such open descriptor" "$out"
out=$("$HELPER" --br=br0 --fd=7 7</etc/hostname 2>&1)
t_eq "--fd a file: exit" 1 $?
t_match "--fd a file: message" "--fd=7 is not a unix socket: not a socket" "$out"
out=$(python3 - "$HELPER" <<'EOF' 2>&1
import socket, subprocess, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
r = subprocess.run([sys.argv[1], "--br=br0", f"--fd={s.fileno()}"],
                   pass_fds=[s.fileno()], capture_output=True, text=True)
print(r.stderr, end="")
sys.exit(r.returncode)
EOF
)
t_eq "--fd an inet socket: exit" 1 $?
t_match "--fd an inet socket: message" "a socket of another family" "$out"
out=$("$HELPER" --br=br0 2>&1)
t_eq "missing --fd: exit" 1 $?
t_match "missing --fd: message" "missing --fd=N" "$out"
t_eq "refusals: no tap left" 0 "$(tap_count)"

## 7. an ACL syntax error names file:line and creates nothing
cp /etc/qemu/bridge.conf /etc/qemu/bridge.conf.good
printf 'allow br0\nalow br1\n' >/etc/qemu/bridge.conf
expect_refusal "ACL syntax error" \
	"/etc/qemu/bridge.conf:2: unknown command 'alow' \(expected allow, deny or include\)" \
	--qemu br0 -- "$HELPER"
mv /etc/qemu/bridge.conf.good /etc/qemu/bridge.conf

## 8. the link list is as it was
t_eq "links unchanged" "$links_before" \
	"$(ip -o link show | awk -F': ' '{print $2}' | sort)"
t_done
