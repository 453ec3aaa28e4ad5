#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# demo.sh - boot a tiny guest through tapir-bridge-helper (what 'make demo'
# runs after 'make')
#
#   netns tapir-demo-PID (private /etc and /dev/log via h_enter --dev)
#   +--------------------------------------------------------------+
#   |  dnsmasq: DHCP 10.77.0.100-149 on br0                        |
#   |  br0 10.77.0.1/24 ---- tapN <==fd== build/helper/tapir-bridge-helper
#   |                          |            (run by QEMU via /bin/sh -c,
#   |                        QEMU -accel tcg   --acl-file=TMP/bridge.conf)
#   |                          |                                   |
#   |                        guest eth0: udhcpc, ping 10.77.0.1     |
#   +--------------------------------------------------------------+
#
# Needs root (namespaces, bridges, taps).  Builds the guest image into
# build/guest if needed.  Everything it creates - the namespace, dnsmasq,
# QEMU, temporary files - is removed on exit, also on failure and Ctrl-C.
# The guest's serial log is kept as build/guest/demo-serial.log.
# Exits 0 only if the guest got a lease and pinged the bridge.
#
# Environment: BUILD (default build), the release build to use.
#
# shellcheck source-path=SCRIPTDIR

set -u

SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$SRC/build}
case $BUILD in /*) ;; *) BUILD=$SRC/$BUILD ;; esac

say() { printf '==> %s\n' "$*"; }
die() {
	printf 'demo: error: %s\n' "$*" >&2
	exit 1
}

if [ "$(id -u)" -ne 0 ]; then
	die "the demo needs root: it creates a network namespace, a bridge" \
		"and a tap device (try: sudo make demo)"
fi
HELPER=$BUILD/helper/tapir-bridge-helper
[ -x "$HELPER" ] || die "$HELPER not found; run 'make' first"
for c in qemu-system-x86_64 dnsmasq ip cpio gzip timeout python3 unshare; do
	command -v "$c" >/dev/null 2>&1 ||
		die "'$c' not found; run 'scripts/deps.sh demo' to install" \
			"what the demo needs"
done

TAPIR_BUILD=$BUILD
TAPIR_SRC=$SRC
export TAPIR_BUILD TAPIR_SRC HELPER
# shellcheck source=../tests/lib/common.sh
. "$SRC/tests/lib/common.sh"
# shellcheck source=../tests/lib/helper.sh
. "$SRC/tests/lib/helper.sh"
# shellcheck source=../tests/lib/guest.sh
. "$SRC/tests/lib/guest.sh"
T_NAME=demo

echo "tapir demo: a QEMU guest on a bridge, through tapir-bridge-helper"
echo

say "Guest image (Debian's kernel + busybox initramfs) in $GUEST_DIR"
guest_prepare
say "    kernel $(cat "$GUEST_DIR/kver"), $(du -k "$GUEST_INITRD" | cut -f1) KiB initramfs"

NS=tapir-demo-$$
say "Network namespace $NS (a private network stack; removed on exit)"
t_netns "$NS"
D=$(t_tmpdir)
trap 'echo; say "Interrupted: cleaning up"; exit 130' INT TERM

say "Bridge br0 with 10.77.0.1/24 in $NS"
ip -n "$NS" link add br0 type bridge || die "cannot create br0"
ip -n "$NS" link set br0 mtu 1500
ip -n "$NS" addr add 10.77.0.1/24 dev br0
ip -n "$NS" link set br0 up

say "dnsmasq serving DHCP on br0: 10.77.0.100-10.77.0.149, router 10.77.0.1"
ip netns exec "$NS" dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--port=0 --no-resolv --no-hosts --interface=br0 --bind-interfaces \
	--dhcp-range=10.77.0.100,10.77.0.149,255.255.255.0,1h \
	--dhcp-option=option:domain-name,demo.tapir \
	--dhcp-leasefile="$D/leases" --pid-file="$D/dnsmasq.pid" \
	--no-ping --dhcp-authoritative --log-facility="$D/dnsmasq.log" \
	>"$D/dnsmasq.out" 2>&1 &
t_defer "kill $!"
if ! t_wait_for 10 test -s "$D/dnsmasq.pid"; then
	cat "$D/dnsmasq.out" "$D/dnsmasq.log" 2>/dev/null >&2
	die "dnsmasq did not start"
fi

ACL=$D/bridge.conf
cat >"$ACL" <<'EOF'
# tapir demo: anyone may attach to br0, nothing else
allow br0
EOF
chmod 0644 "$ACL"
say "ACL file $ACL: \"allow br0\""

guest_scenario "$D/scenario.cpio.gz" <<'EOF'
g_dhcp eth0 || exit 1
g_ping 10.77.0.1 3 || exit 2
EOF
say "Guest scenario: udhcpc on eth0, then ping 10.77.0.1"

# The helper string has a space, so QEMU runs
#   /bin/sh -c "HELPER --acl-file=ACL --use-vnet --fd=N --br=br0"
# Quote the paths for that shell, double commas for QEMU's option parser.
hs="$(printf '%q' "$HELPER") --acl-file=$(printf '%q' "$ACL")"
LOG=$GUEST_DIR/demo-serial.log
rm -f "$LOG"
guest_qemu_cmd 90 "$LOG" "$D/scenario.cpio.gz" -- \
	-netdev "bridge,id=n0,br=br0,helper=${hs//,/,,}" \
	-device virtio-net-pci,netdev=n0,mac=52:54:00:de:40:01

echo
say "QEMU command line (run inside $NS with h_enter; TCG, no KVM):"
# shq WORD: WORD quoted for a shell, only if it needs quotes
shq() {
	case $1 in
	*[!A-Za-z0-9_./:=,@%+-]* | "") printf "'%s'" "${1//\'/\'\\\'\'}" ;;
	*) printf '%s' "$1" ;;
	esac
}
qemu_seen=0
line=""
for a in "${GUEST_CMD[@]}"; do
	if [ $qemu_seen = 0 ]; then
		[ "$a" = "$GUEST_QEMU" ] || continue
		qemu_seen=1
	fi
	case $a in
	-serial | -kernel | -initrd | -append | -netdev | -device)
		printf '      %s \\\n' "$line"
		line=$a ;;
	*) line="${line:+$line }$(shq "$a")" ;;
	esac
done
printf '      %s\n' "$line"
say "QEMU starts the helper as: /bin/sh -c \"$hs --use-vnet --fd=N --br=br0\""
echo

say "Booting the guest (about 10 s under TCG)..."
start=$SECONDS
GUEST_WRAP=(h_enter "$NS" "$D" --dev --)
guest_exec 2>"$D/qemu.err"
rc=$?
say "QEMU exited with status $rc after $((SECONDS - start)) s"
if [ -s "$D/qemu.err" ]; then
	say "QEMU's stderr:"
	sed 's/^/      /' "$D/qemu.err"
fi

grant=$(grep -a 'grant ' "$D/syslog" 2>/dev/null | tail -n 1)
[ -n "$grant" ] && say "The helper's audit line (syslog): ${grant#*: }"

lease=$(guest_lease "$LOG" eth0)
ping=$(tr -d '\r' <"$LOG" 2>/dev/null | grep -a -E '^TAPIR-PING-(OK|FAIL)' |
	tail -n 1)
pingsum=$(tr -d '\r' <"$LOG" 2>/dev/null |
	grep -a -E 'packets transmitted' | tail -n 1)
say "From the guest's serial console:"
printf '      %s\n' "${lease:-(no TAPIR-LEASE line)}" \
	"${pingsum:-(no ping statistics)}" "${ping:-(no TAPIR-PING line)}"
if [ -s "$D/leases" ]; then
	say "dnsmasq's lease file:"
	sed 's/^/      /' "$D/leases"
fi
say "Full serial log: $LOG"
echo

ip=$(guest_field "$lease" ip)
if [ "$rc" -eq 0 ] && [ -n "$ip" ] &&
	[ "$ping" = "TAPIR-PING-OK addr=10.77.0.1" ]; then
	say "OK: the guest got $ip from dnsmasq through the tap that"
	say "    tapir-bridge-helper created, and pinged the bridge."
	result=0
else
	say "FAILED: see the serial log above ($LOG)"
	result=1
fi
say "Cleaning up: namespace $NS, dnsmasq, $D"
exit $result
