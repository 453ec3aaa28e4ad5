#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# tapir-tap.sh - tapir tap add|del (persistent taps) and tapir mac
#
#   netns NS
#   +---------------------------------------------------------+
#   |  br0 (bridge, mtu 1400)      vx (veth) ... vxp          |
#   |  tapir tap add t1 --user nobody --bridge br0 -> port    |
#   |  nobody opens t1 without privileges (TUNSETIFF)         |
#   +---------------------------------------------------------+
set -u
self=$(realpath "$0")
. "$(dirname "$self")/../lib/common.sh"
. "$(dirname "$self")/../lib/helper.sh"

if [ "${1:-}" != --inner ]; then
	t_require_root
	NS=$(t_uniq tap)
	D=$(t_tmpdir)
	t_netns "$NS"
	ip -n "$NS" link add br0 mtu 1400 type bridge
	ip -n "$NS" link set br0 up
	ip -n "$NS" link add vx type veth peer name vxp
	export NS D
	# --dev: a private 0666 /dev/net/tun, so nobody can open taps
	h_enter "$NS" "$D" --dev -- bash "$self" --inner
	exit $?
fi

LINKINFO="python3 $TAPIR_SRC/tests/tools/linkinfo.py"
links() { ip -o link show | awk -F': ' '{print $2}' | sort; }
exists() { ip link show "$1" >/dev/null 2>&1; }
before=$(links)

## mac
m1=$("$TAPIR" mac)
m2=$("$TAPIR" mac)
t_match "mac: QEMU prefix, lower case" '^52:54:00(:[0-9a-f]{2}){3}$' "$m1"
t_check "mac: random addresses differ" test "$m1" != "$m2"
t_eq "mac --vm: FNV-1a of the name (documented)" 52:54:00:0c:29:2c \
	"$("$TAPIR" mac --vm a)"
t_eq "mac --vm: stable" "$("$TAPIR" mac --vm web1)" "$("$TAPIR" mac --vm web1)"
t_check "mac --vm: names differ" \
	test "$("$TAPIR" mac --vm web1)" != "$("$TAPIR" mac --vm web2)"
out=$("$TAPIR" mac --vm= 2>&1)
t_eq "mac --vm empty: usage error" 2 $?
out=$("$TAPIR" mac extra 2>&1)
t_eq "mac extra argument: usage error" 2 $?

## tap add, owned by nobody, on br0
out=$("$TAPIR" tap add t1 --user nobody --bridge br0 2>&1)
t_eq "add: exit" 0 $?
t_match "add: says what it made" "created tap t1, owner nobody, on bridge br0" "$out"
info=$($LINKINFO t1)
t_match "add: persistent tap" "^persist=1$" "$info"
t_match "add: owner nobody" "^user=nobody$" "$info"
t_match "add: port of br0" "^master=br0$" "$info"
t_match "add: bridge's MTU" "^mtu=1400$" "$info"
t_match "add: fe: MAC" "^mac=fe:" "$info"
t_match "add: up" "^up=1$" "$info"
t_match "add: single queue" "^multi_queue=0$" "$info"
t_eq "add: IPv6 off on the port" 1 "$(cat /proc/sys/net/ipv6/conf/t1/disable_ipv6)"
# nobody can attach to its tap without any privilege, as QEMU's ifname= does
open_tap='import fcntl, struct, sys
fd = open("/dev/net/tun", "r+b", buffering=0)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", sys.argv[1].encode(), 0x1002))'
t_check "add: nobody opens its tap" h_as nobody /usr/bin/python3 -c "$open_tap" t1
out=$(h_as daemon /usr/bin/python3 -c "$open_tap" t1 2>&1)
t_eq "add: daemon may not: exit" 1 $?
t_match "add: daemon may not: refused by the kernel" "PermissionError|Operation not permitted" "$out"

out=$("$TAPIR" tap add t2 --group nogroup --multi-queue 2>&1)
t_eq "add multi-queue: exit" 0 $?
info=$($LINKINFO t2)
t_match "add multi-queue: flag" "^multi_queue=1$" "$info"
t_match "add --group: group" "^group=nogroup$" "$info"
t_match "add without --bridge: no master" "^master=-$" "$info"

## bad input: clear error, non-zero exit, nothing left behind
mid=$(links)
out=$("$TAPIR" tap add t1 2>&1)
t_eq "add existing name: exit" 1 $?
t_match "add existing name: message" "an interface named t1 exists already" "$out"
out=$("$TAPIR" tap add vx 2>&1)
t_eq "add over a veth: exit" 1 $?
t_eq "add over a veth: veth untouched" veth "$($LINKINFO vx | sed -n 's/^kind=//p')"
out=$("$TAPIR" tap add t3 --bridge nobr 2>&1)
t_eq "add, no such bridge: exit" 1 $?
t_match "add, no such bridge: message" "bridge 'nobr' does not exist" "$out"
out=$("$TAPIR" tap add t3 --bridge vx 2>&1)
t_eq "add, not a bridge: exit" 1 $?
t_match "add, not a bridge: message" "'vx' is not a bridge" "$out"
out=$("$TAPIR" tap add t3 --user no-such-user 2>&1)
t_eq "add, no such user: exit" 1 $?
t_match "add, no such user: message" "no such user: no-such-user" "$out"
out=$("$TAPIR" tap add 'bad;name' 2>&1)
t_eq "add, bad name: usage error" 2 $?
t_match "add, bad name: message" "invalid interface name" "$out"
out=$("$TAPIR" tap add 2>&1)
t_eq "add, no name: usage error" 2 $?
t_eq "failed adds left nothing" "$mid" "$(links)"

## tap del
out=$("$TAPIR" tap del vx 2>&1)
t_eq "del of a veth: refused" 1 $?
t_match "del of a veth: message" "vx is not a tap \(it is a device of kind veth\); not deleting it" "$out"
out=$("$TAPIR" tap del nosuch 2>&1)
t_eq "del of nothing: exit" 1 $?
t_match "del of nothing: message" "no interface named nosuch" "$out"
# while a program holds the tap open, it is in use
hold='import fcntl, struct, sys, time
fd = open("/dev/net/tun", "r+b", buffering=0)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", sys.argv[1].encode(), 0x1002))
print("held", flush=True)
sys.stdin.read()'
coproc HOLD { python3 -c "$hold" t1; }
read -r _ <&"${HOLD[0]}"
out=$("$TAPIR" tap del t1 2>&1)
t_eq "del of a tap in use: exit" 1 $?
t_match "del of a tap in use: message" "t1 is in use" "$out"
exec {HOLD[1]}>&-
wait "$HOLD_PID"
t_check "del of a tap in use: still there" exists t1
out=$("$TAPIR" tap del t1 2>&1)
t_eq "del: exit" 0 $?
t_check_fail "del: gone" exists t1
out=$("$TAPIR" tap del t2 2>&1)
t_eq "del multi-queue: exit" 0 $?
t_check_fail "del multi-queue: gone" exists t2
t_eq "links as before" "$before" "$(links)"
t_done
