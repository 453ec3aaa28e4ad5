#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# helper-qemu.sh - real QEMU boots a guest through tapir-bridge-helper; the
# guest gets a DHCP lease from dnsmasq on the bridge and pings the bridge.
#
#   netns NS (private /etc/qemu and /dev via h_enter --dev)
#   +----------------------------------------------------------------+
#   |  dnsmasq (DHCP 10.77.0.100-149, lease file D/leases)           |
#   |     |                                                          |
#   |   br0 10.77.0.1/24 mtu 1500 ---- tapN (made by the helper)     |
#   |                                    |  fd over a unix socket    |
#   |                                  QEMU -accel tcg               |
#   |                                    |  virtio-net-pci           |
#   |                                  guest eth0: udhcpc, ping      |
#   |                                                                |
#   |   br1 (no address; the ACL never allows it)                    |
#   +----------------------------------------------------------------+
#
# ACL: D/qemu/bridge.conf, seen by the helper as the default
# /etc/qemu/bridge.conf (no --acl-file).  Cases:
#
#   a. -netdev bridge,br=br0,helper=HELPER          QEMU execs the helper
#   b. -netdev tap,helper="HELPER --br=br0"         QEMU runs /bin/sh -c
#   c. QEMU as user nobody, helper copy with cap_net_admin+ep, ACL
#      "allow br0 user=nobody"
#   d. br=br1 with only br0 allowed: QEMU fails with our helper's
#      "access denied by acl file"
#
# Every case checks that no tap is left in NS after QEMU exits.
#
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2034 # GUEST_WRAP is read by guest.sh
set -u
self=$(realpath "$0")
# shellcheck source=../lib/common.sh
. "$(dirname "$self")/../lib/common.sh"
# shellcheck source=../lib/helper.sh
. "$(dirname "$self")/../lib/helper.sh"
# shellcheck source=../lib/guest.sh
. "$(dirname "$self")/../lib/guest.sh"

t_require_root
t_require_cmd dnsmasq ip setcap setpriv
guest_prepare

NS=$(t_uniq hq)
D=$(t_tmpdir)
t_netns "$NS"
h_prepare "$D"

ip -n "$NS" link add br0 type bridge || exit 1
ip -n "$NS" link set br0 mtu 1500
ip -n "$NS" addr add 10.77.0.1/24 dev br0
ip -n "$NS" link set br0 up
ip -n "$NS" link add br1 type bridge || exit 1
ip -n "$NS" link set br1 up

# dnsmasq needs no /etc/qemu, so the plain netns will do.
ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file=/dev/null --port=0 \
	--no-resolv --no-hosts --interface=br0 --bind-interfaces \
	--dhcp-range=10.77.0.100,10.77.0.149,255.255.255.0,1h \
	--dhcp-option=option:dns-server,10.77.0.1 \
	--dhcp-option=option:domain-name,tapir.test \
	--dhcp-leasefile="$D/leases" --pid-file="$D/dnsmasq.pid" \
	--no-ping --dhcp-authoritative --log-dhcp \
	--log-facility="$D/dnsmasq.log" >"$D/dnsmasq.out" 2>&1 &
t_defer "kill $!"
if ! t_wait_for 10 test -s "$D/dnsmasq.pid"; then
	t_failed "dnsmasq did not start"
	cat "$D/dnsmasq.out" "$D/dnsmasq.log" 2>/dev/null
	t_done
fi

guest_scenario "$D/scenario.cpio.gz" <<'EOF'
g_dhcp eth0 || exit 1
g_ping 10.77.0.1 3 || exit 2
EOF

export -f h_as	# used inside h_enter for case c

# shellcheck disable=SC2317 # called through t_wait_for
no_tap() {
	[ -z "$(ip -n "$NS" -o link show type tun)" ] &&
		[ -z "$(ip -n "$NS" -o link show master br0)" ] &&
		[ -z "$(ip -n "$NS" -o link show master br1)" ]
}

# check_no_tap CASE
check_no_tap() {
	t_wait_for 3 no_tap
	t_eq "$1: no tap left" "" "$(ip -n "$NS" -o link show type tun;
		ip -n "$NS" -o link show master br0;
		ip -n "$NS" -o link show master br1)"
}

# check_guest CASE RC MAC USER: assertions on a guest that should have run
check_guest() {
	local c=$1 rc=$2 mac=$3 user=$4 f0=$T_FAIL out lease ip
	out=$(tr -d '\r' <"$D/$c.log" 2>/dev/null)
	t_eq "$c: QEMU exit status" 0 "$rc"
	t_match "$c: guest booted with a NIC" 'TAPIR-GUEST-UP .*nics=eth0' "$out"
	t_match "$c: lease in range, router 10.77.0.1" \
		'TAPIR-LEASE ip=10\.77\.0\.1[0-4][0-9] mask=255\.255\.255\.0 router=10\.77\.0\.1 dns=10\.77\.0\.1 domain=tapir\.test ' \
		"$out"
	t_match "$c: guest pinged the bridge" 'TAPIR-PING-OK addr=10\.77\.0\.1' \
		"$out"
	t_match "$c: scenario succeeded" 'TAPIR-SCENARIO-END rc=0' "$out"
	lease=$(guest_lease "$D/$c.log" eth0)
	ip=$(guest_field "$lease" ip)
	t_wait_for 3 grep -q "$mac $ip " "$D/leases"
	t_match "$c: dnsmasq leased $ip to $mac" " $mac ${ip//./\\.} " \
		"$(cat "$D/leases" 2>/dev/null)"
	t_match "$c: helper logged the grant" \
		"grant user=$user uid=$(id -u "$user") bridge=br0 tap=tap[0-9]+" \
		"$(cat "$D/syslog" 2>/dev/null)"
	check_no_tap "$c"
	if [ "$T_FAIL" -gt "$f0" ]; then
		t_log "$c: serial log and QEMU stderr:"
		sed 's/^/    | /' "$D/$c.log" "$D/$c.err" 2>/dev/null
	fi
}

acl() { printf '%s\n' "$@" >"$D/qemu/bridge.conf"; }

nic() { echo "virtio-net-pci,netdev=n0,mac=$1"; }

# --- a. -netdev bridge: QEMU execs the helper directly --------------------
acl "allow br0"
MAC=52:54:00:77:00:0a
GUEST_WRAP=(h_enter "$NS" "$D" --dev --)
guest_run 120 "$D/a.log" "$D/scenario.cpio.gz" -- \
	-netdev "bridge,id=n0,br=br0,helper=${HELPER//,/,,}" \
	-device "$(nic $MAC)" 2>"$D/a.err"
check_guest a $? $MAC root

# --- b. -netdev tap,helper="HELPER --br=br0": QEMU runs /bin/sh -c --------
# The string has a space, so QEMU runs "/bin/sh -c 'STRING --use-vnet
# --fd=N'" (our --br first, QEMU adds none).  The path is quoted for the
# shell, and commas are doubled for QEMU's option parser.
MAC=52:54:00:77:00:0b
hs="$(printf '%q' "$HELPER") --br=br0"
guest_run 120 "$D/b.log" "$D/scenario.cpio.gz" -- \
	-netdev "tap,id=n0,helper=${hs//,/,,}" \
	-device "$(nic $MAC)" 2>"$D/b.err"
check_guest b $? $MAC root

# --- c. QEMU as nobody, helper with cap_net_admin+ep -------------------------
acl "allow br0 user=nobody"
MAC=52:54:00:77:00:0c
CAPHELPER=$(h_copy_helper "$D" setcap) || exit 1
mkdir -m 0755 "$D/img"
guest_export "$D/img"
install -m 0644 -o nobody /dev/null "$D/c.log"
GUEST_WRAP=(h_enter "$NS" "$D" --dev -- h_as nobody)
guest_run 120 "$D/c.log" "$D/scenario.cpio.gz" -- \
	-netdev "bridge,id=n0,br=br0,helper=${CAPHELPER//,/,,}" \
	-device "$(nic $MAC)" 2>"$D/c.err"
check_guest c $? $MAC nobody

# --- d. denied: only br0 is allowed, QEMU asks for br1 ---------------------
acl "allow br0"
MAC=52:54:00:77:00:0d
GUEST_WRAP=(h_enter "$NS" "$D" --dev --)
guest_run 60 "$D/d.log" "$D/scenario.cpio.gz" -- \
	-netdev "bridge,id=n0,br=br1,helper=${HELPER//,/,,}" \
	-device "$(nic $MAC)" 2>"$D/d.err"
rc=$?
err=$(cat "$D/d.err")
t_check "d: QEMU refuses to start (status $rc)" \
	test "$rc" -ne 0 -a "$rc" -ne 124
t_match "d: helper's message reaches QEMU's stderr" \
	'tapir-bridge-helper: .*access denied by acl file: user root may not use bridge .br1.' \
	"$err"
t_match "d: QEMU reports the helper failure" 'bridge helper failed' "$err"
t_nomatch "d: guest did not boot" 'TAPIR-GUEST-UP' \
	"$(cat "$D/d.log" 2>/dev/null)"
t_match "d: helper logged the refusal" \
	'deny user=root uid=0 bridge=br1 tap=- reason="access denied by ACL"' \
	"$(cat "$D/syslog" 2>/dev/null)"
t_nomatch "d: no lease for the denied MAC" "$MAC" \
	"$(cat "$D/leases" 2>/dev/null)"
check_no_tap d

t_done
