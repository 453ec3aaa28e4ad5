#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-qemu.sh - real QEMU (TCG) guests on tapir's default nat network:
# (a) attached through tapir-bridge-helper with exactly the arguments that
# "tapir qemu-args" prints, (b) attached with -netdev tap,script=,
# downscript= wrappers around "tapir ifup" / "tapir ifdown".  The guest
# gets its lease from tapir's DHCP server, resolves through tapir's DNS
# forwarder (upstream names and a namespace guest's name), and reaches the
# "internet" through NAT.
#
#   netns NET_INET: inet0 198.51.100.1/24, whoami HTTP :8080, dnsmasq DNS
#   +-------------------------|---------------------------------------------+
#                             | veth
#   netns NET_HOST (tapir net up: network "default", built in)
#   +-------------------------|---------------------------------------------+
#   |  uplink0 198.51.100.2/24                                              |
#   |  tapir0 10.200.0.1/24: tapir's DHCP server and DNS forwarder, NAT     |
#   |    |-- G1p ---------------- veth ---- netns G1: eth0, udhcpc as alpha |
#   |    |-- tapN  (a) tapir-bridge-helper, run by QEMU; ACL D/qemu:        |
#   |    |          "allow tapir0" (h_enter: private /etc/qemu and /dev)    |
#   |    `-- TAPB  (b) made by QEMU (ifname=), attached by script=D/ifup,   |
#   |               detached by downscript=D/ifdown (tapir ifup/ifdown)     |
#   |  QEMU -accel tcg, virtio-net-pci; guest: busybox udhcpc, nslookup,    |
#   |  wget                                                                 |
#   +-----------------------------------------------------------------------+
#
# After each QEMU exits no tap is left; after "down" (and the namespace
# guest's removal) net_snapshot is as before "up".
#
# shellcheck source-path=SCRIPTDIR
# shellcheck disable=SC2034 # GUEST_WRAP is read by guest.sh
set -u
self=$(realpath "$0")
# shellcheck source=../lib/common.sh
. "$(dirname "$self")/../lib/common.sh"
# shellcheck source=../lib/net.sh
. "$(dirname "$self")/../lib/net.sh"
# shellcheck source=../lib/helper.sh
. "$(dirname "$self")/../lib/helper.sh"
# shellcheck source=../lib/guest.sh
. "$(dirname "$self")/../lib/guest.sh"

t_require_root
t_require_cmd ip nft dnsmasq busybox python3
guest_prepare
net_setup

D=$(t_tmpdir)
h_prepare "$D"
echo "allow tapir0" >"$D/qemu/bridge.conf"

# jq_out EXPR: a Python expression over the JSON on stdin (d)
jq_out() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" 2>/dev/null
}

# lease_of MAC: the IP address "tapir net status --json" lists for MAC
lease_of() {
	net_tapir net status --json 2>/dev/null |
		jq_out "' '.join(l['ip'] for l in d['leases'] if l['mac'] == '$1')"
}

# taps: tun/tap devices in the host, and tapir0's ports other than G1p
taps() {
	ip -n "$NET_HOST" -o link show type tun
	ip -n "$NET_HOST" -o link show master tapir0 | grep -v " ${G1}p@"
}
# shellcheck disable=SC2317 # called through t_wait_for
no_taps() { [ -z "$(taps)" ]; }

# show_logs CASE: after a failure, what the guest and QEMU said
show_logs() {
	t_log "$1: serial log, QEMU's stderr, the service's log:"
	sed 's/^/    | /' "$D/$1.log" "$D/$1.err" "$NET_DIR/run/default.log" \
		2>/dev/null
}

BEFORE=$(net_snapshot)

OUT=$(net_tapir net up 2>&1)
t_eq "up" 0 $?
t_match "up: nat on tapir0, 10.200.0.1/24" \
	'^network default is up: nat, bridge tapir0, 10\.200\.0\.1/24' "$OUT"

# A namespace guest named alpha, for the QEMU guest to resolve.
G1=$(t_uniq g1)
net_guest "$G1"
net_attach "$G1" tapir0
L=$(net_dhcp "$G1" alpha)
G1IP=$(net_field "$L" ip)
t_match "g1: leased" '^10\.200\.0\.[0-9]+$' "$G1IP"

# The scenario both guests run.  nslookup -type=A: the test's upstream
# refuses AAAA, which would make a plain nslookup fail.
guest_scenario "$D/scenario.cpio.gz" <<'EOF'
g_dhcp eth0 -x hostname:$(cat /proc/cmdline | sed -n 's/.*tapir.name=\([a-z0-9-]*\).*/\1/p') || exit 1
# resolve NAME: print the first A record (through /etc/resolv.conf, which
# the lease wrote)
resolve() {
	nslookup -type=A "$1" 2>/dev/null |
		sed -n '/^Name:/,$s/^Address: *//p' | head -n 1
}
for n in example.test alpha alpha.default.internal; do
	a=$(resolve $n)
	g_mark RESOLVE "name=$n addr=${a:-none}"
done
# (busybox 1.35's static wget crashes with -T: timeout(1) bounds it instead)
body=$(timeout 10 wget -q -O - http://198.51.100.1:8080/ 2>/dev/null)
g_mark HTTP "body=${body:-none}"
g_ping 10.200.0.1 2
EOF

# --- a. tapir qemu-args: -netdev bridge through tapir-bridge-helper -----------
VM=vm-a
ARGS=$(net_tapir qemu-args --vm "$VM" --helper "$HELPER" 2>&1)
t_eq "qemu-args: exit 0" 0 $?
MAC=$(printf '%s\n' "$ARGS" | sed -n 's/.*,mac=\([0-9a-f:]*\).*/\1/p')
t_eq "qemu-args: bridge helper, tapir0, the VM's stable MAC" \
	"-netdev bridge,id=default,br=tapir0,helper=$HELPER -device virtio-net-pci,netdev=default,mac=$(net_tapir mac --vm "$VM")" \
	"$ARGS"
t_match "qemu-args: a QEMU MAC" '^52:54:00(:[0-9a-f]{2}){3}$' "$MAC"
t_eq "qemu-args: the same every time" "$ARGS" \
	"$(net_tapir qemu-args --vm "$VM" --helper "$HELPER" 2>&1)"
read -ra QARGS <<<"$ARGS"

# The guest sends its VM name as its DHCP host name (tapir.name= on the
# kernel command line, read by the scenario).
APPEND=$GUEST_APPEND
GUEST_APPEND="$APPEND tapir.name=$VM"
GUEST_WRAP=(h_enter "$NET_HOST" "$D" --dev --)
guest_run 60 "$D/a.log" "$D/scenario.cpio.gz" -- "${QARGS[@]}" 2>"$D/a.err"
rc=$?
f0=$T_FAIL
out=$(tr -d '\r' <"$D/a.log" 2>/dev/null)
t_eq "a: QEMU exit status" 0 "$rc"
t_match "a: guest booted with a NIC" 'TAPIR-GUEST-UP .*nics=eth0' "$out"
LEASE=$(guest_lease "$D/a.log" eth0)
IP=$(guest_field "$LEASE" ip)
t_match "a: lease from tapir: in range, /24, router, DNS, domain" \
	'^TAPIR-LEASE ip=10\.200\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4]) mask=255\.255\.255\.0 router=10\.200\.0\.1 dns=10\.200\.0\.1 domain=default\.internal ' \
	"$LEASE"
t_match "a: from tapir's server" ' server=10\.200\.0\.1 ' "$LEASE"
t_check "a: not the namespace guest's address" test "$IP" != "$G1IP"
t_match "a: resolves example.test through tapir (upstream answer)" \
	'TAPIR-RESOLVE name=example\.test addr=198\.51\.100\.1$' "$out"
t_match "a: the query reached upstream from the host's uplink" \
	'query\[A\] example\.test from 198\.51\.100\.2$' \
	"$(cat "$NET_DIR/inet-dns.log")"
t_match "a: NAT: the internet sees the host's address" \
	'TAPIR-HTTP body=198\.51\.100\.2$' "$out"
t_match "a: resolves the namespace guest alpha" \
	"TAPIR-RESOLVE name=alpha addr=${G1IP//./\\.}\$" "$out"
t_match "a: and alpha.default.internal" \
	"TAPIR-RESOLVE name=alpha\\.default\\.internal addr=${G1IP//./\\.}\$" \
	"$out"
t_match "a: pings the host" 'TAPIR-PING-OK addr=10\.200\.0\.1' "$out"
t_match "a: scenario succeeded" 'TAPIR-SCENARIO-END rc=0' "$out"
t_eq "a: status lists the qemu-args MAC with the guest's address" "$IP" \
	"$(lease_of "$MAC")"
t_eq "a: the namespace guest resolves the VM's name" "$IP" \
	"$(net_in "$G1" busybox nslookup -type=A "$VM.default.internal" \
		10.200.0.1 2>/dev/null | sed -n '/^Name:/,$s/^Address: *//p' |
		head -n 1)"
t_match "a: the helper logged the grant" \
	'grant user=root uid=0 bridge=tapir0 tap=tap[0-9]+' \
	"$(cat "$D/syslog" 2>/dev/null)"
t_wait_for 3 no_taps
t_eq "a: no tap left" "" "$(taps)"
[ "$T_FAIL" -gt "$f0" ] && show_logs a

# --- b. -netdev tap with script=/downscript= running tapir ifup/ifdown ---------
VM=vm-b
TAPB=$(t_uniq tb)
for w in ifup ifdown; do
	cat >"$D/$w" <<EOF
#!/bin/sh
# like the installed tapir-$w (tapir/tapir-wrapper.in), with the test's
# directories; QEMU passes the tap's name
echo "$w \$*" >>"$D/scripts.log"
exec env TAPIR_CONFIG="$NET_DIR/tapir.conf" TAPIR_RUNDIR="$NET_DIR/run" \\
	TAPIR_STATEDIR="$NET_DIR/state" "$TAPIR" $w "\$@"
EOF
	chmod 0755 "$D/$w"
done
MAC=$(net_tapir mac --vm "$VM")
GUEST_APPEND="$APPEND tapir.name=$VM"
GUEST_WRAP=(ip netns exec "$NET_HOST")
guest_run 60 "$D/b.log" "$D/scenario.cpio.gz" -- \
	-netdev "tap,id=n0,ifname=$TAPB,script=$D/ifup,downscript=$D/ifdown" \
	-device "virtio-net-pci,netdev=n0,mac=$MAC" 2>"$D/b.err"
rc=$?
f0=$T_FAIL
out=$(tr -d '\r' <"$D/b.log" 2>/dev/null)
t_eq "b: QEMU exit status" 0 "$rc"
t_eq "b: QEMU ran script= and downscript= with the tap's name" \
	"ifup $TAPB
ifdown $TAPB" "$(cat "$D/scripts.log" 2>/dev/null)"
LEASE=$(guest_lease "$D/b.log" eth0)
IP=$(guest_field "$LEASE" ip)
t_match "b: lease from tapir: in range, /24, router, DNS, domain" \
	'^TAPIR-LEASE ip=10\.200\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4]) mask=255\.255\.255\.0 router=10\.200\.0\.1 dns=10\.200\.0\.1 domain=default\.internal ' \
	"$LEASE"
t_match "b: NAT" 'TAPIR-HTTP body=198\.51\.100\.2$' "$out"
t_match "b: resolves alpha" "TAPIR-RESOLVE name=alpha addr=${G1IP//./\\.}\$" \
	"$out"
t_match "b: scenario succeeded" 'TAPIR-SCENARIO-END rc=0' "$out"
t_eq "b: status lists the VM's MAC with its address" "$IP" "$(lease_of "$MAC")"
t_wait_for 3 no_taps
t_eq "b: no tap left" "" "$(taps)"
t_eq "b: no $TAPB" "" "$(ip -n "$NET_HOST" -o link show "$TAPB" 2>/dev/null)"
[ "$T_FAIL" -gt "$f0" ] && show_logs b

# --- down --------------------------------------------------------------------
OUT=$(net_tapir net down 2>&1)
t_eq "down" "0 network default is down" "$? $OUT"
net_guest_del "$G1"
t_eq "down: everything restored" "$BEFORE" "$(net_snapshot)"

t_done
