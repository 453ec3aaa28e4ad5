# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# guest.sh - boot the tiny test guest under QEMU (TCG) for end-to-end tests
#
# Source it after common.sh (and helper.sh, if the test uses h_enter):
#
#	. "$(dirname "$0")/../lib/common.sh"
#	. "$(dirname "$0")/../lib/guest.sh"
#
# The guest is Debian's kernel plus a busybox initramfs (tests/guest/,
# built by tests/guest/mkguest.sh).  Its /init loads virtio-net, brings lo
# and every ethN up (no address), runs the test's scenario - an arbitrary
# busybox sh script - and powers off.  Everything goes to the serial port,
# which QEMU writes to a log file.  Scenarios can use busybox's udhcpc,
# wget, nslookup, nc, ping, httpd, ip ... and the functions of
# tests/guest/lib.sh (g_dhcp, g_ping, g_run, g_mark).  Markers in the log:
#
#	TAPIR-GUEST-UP kernel=KVER nics=eth0	after boot
#	TAPIR-SCENARIO-BEGIN / TAPIR-SCENARIO-END rc=N
#	TAPIR-LEASE ip=A mask=M router=R dns=D domain=N hostname=H iface=I ...
#	TAPIR-PING-OK addr=A / TAPIR-PING-FAIL addr=A
#	TAPIR-GUEST-DOWN			just before poweroff
#
# Functions:
#
# - guest_prepare: build the image into $TAPIR_BUILD/guest unless it is up
#   to date, and set GUEST_KERNEL and GUEST_INITRD.  Skips the test (77)
#   when QEMU or busybox-static is missing; fails it if the build fails.
# - guest_export DIR: copy the kernel and initramfs into DIR (mode 0644)
#   and point GUEST_KERNEL/GUEST_INITRD there, for a QEMU that runs as a
#   user who cannot reach the build directory.
# - guest_scenario FILE <<'EOF' ... EOF: write the shell script on stdin
#   as the guest's /scenario into the initramfs archive FILE (.cpio.gz).
# - guest_qemu_cmd TIMEOUT LOG SCENARIO [--] QEMU-ARGS...: set the array
#   GUEST_CMD to a complete command line: timeout(1) around
#   qemu-system-x86_64 -accel tcg -m 256 -nodefaults -nographic
#   -no-reboot -serial file:LOG -kernel ... -initrd SCENARIO.initrd
#   -append ... QEMU-ARGS.  SCENARIO.initrd (base + scenario, mode 0644)
#   is written next to SCENARIO.  LOG "-" means -serial stdio.  QEMU-ARGS
#   are the -netdev/-device options (none: a guest without a NIC).
# - guest_exec: run "${GUEST_WRAP[@]}" "${GUEST_CMD[@]}" with stdin from
#   /dev/null and return QEMU's exit status (124 if TIMEOUT seconds
#   passed; the guest powering off is 0).  GUEST_WRAP (an array, empty by
#   default) is a prefix such as (h_enter NS DIR --dev --) or
#   (ip netns exec NS); a shell function used inside h_enter (h_as) must
#   be exported first: export -f h_as.  It runs in the background while
#   the shell waits, so SIGINT/SIGTERM reach common.sh's traps at once;
#   the cleanup then kills it (and t_netns kills whatever is left in the
#   namespace).
# - guest_run TIMEOUT LOG SCENARIO [--] QEMU-ARGS...: guest_qemu_cmd, then
#   guest_exec.
# - guest_scenario_rc LOG: print N from "TAPIR-SCENARIO-END rc=N" (empty
#   if the scenario did not finish).
# - guest_lease LOG [IFACE]: print the last TAPIR-LEASE line (for IFACE).
# - guest_field LINE KEY: print the value of KEY=... in a marker line.
#
# Example:
#	guest_prepare
#	guest_scenario "$D/s.cpio.gz" <<'EOF'
#	g_dhcp eth0 && g_ping 10.77.0.1
#	EOF
#	GUEST_WRAP=(ip netns exec "$NS")
#	guest_run 60 "$D/serial.log" "$D/s.cpio.gz" -- \
#		-netdev bridge,id=n0,br=br0,helper="$HELPER" \
#		-device virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56
#	t_match "lease" 'TAPIR-LEASE ip=10\.77\.0\.' "$(cat "$D/serial.log")"

: "${GUEST_QEMU:=qemu-system-x86_64}"
: "${GUEST_APPEND:=console=ttyS0 loglevel=3 panic=-1}"
GUEST_DIR=${GUEST_DIR:-$TAPIR_BUILD/guest}
GUEST_KERNEL=${GUEST_KERNEL:-}
GUEST_INITRD=${GUEST_INITRD:-}
GUEST_CMD=()
GUEST_PID=""
GUEST_DEFERRED=0
if ! declare -p GUEST_WRAP >/dev/null 2>&1; then
	GUEST_WRAP=()
fi

guest_prepare() {
	t_require_cmd "$GUEST_QEMU" cpio gzip timeout
	if [ ! -x /bin/busybox ] && [ ! -x /usr/bin/busybox ]; then
		t_log "skipped: needs busybox-static"
		exit 77
	fi
	if ! "$TAPIR_SRC/tests/guest/mkguest.sh" "$GUEST_DIR"; then
		t_log "cannot build the guest image in $GUEST_DIR"
		exit 1
	fi
	GUEST_KERNEL=$GUEST_DIR/vmlinuz
	GUEST_INITRD=$GUEST_DIR/initrd.cpio.gz
}

guest_export() {
	if ! install -m 0644 "$GUEST_KERNEL" "$1/vmlinuz" ||
		! install -m 0644 "$GUEST_INITRD" "$1/initrd.cpio.gz"; then
		t_log "cannot copy the guest image to $1"
		exit 1
	fi
	GUEST_KERNEL=$1/vmlinuz
	GUEST_INITRD=$1/initrd.cpio.gz
}

guest_scenario() {
	local out=$1 dir
	dir=$(mktemp -d "$(dirname "$out")/.scenario.XXXXXX") || exit 1
	cat >"$dir/scenario"
	chmod 0755 "$dir/scenario"
	(cd "$dir" && echo scenario | cpio -o -H newc -R 0:0 --quiet) |
		gzip -n >"$out"
	local rc=$?
	rm -rf "$dir"
	[ $rc -eq 0 ] || { t_log "cannot write scenario $out"; exit 1; }
	chmod 0644 "$out"
}

guest_qemu_cmd() {
	local timeout=$1 log=$2 scen=$3 serial
	shift 3
	[ "${1:-}" = -- ] && shift
	[ -n "$GUEST_KERNEL" ] || { t_log "guest_prepare was not called"; exit 1; }
	cat "$GUEST_INITRD" "$scen" >"$scen.initrd" ||
		{ t_log "cannot write $scen.initrd"; exit 1; }
	chmod 0644 "$scen.initrd"
	if [ "$log" = - ]; then
		serial=stdio
	else
		serial=file:$log
	fi
	GUEST_CMD=(timeout --foreground -k 5 "$timeout"
		"$GUEST_QEMU" -accel tcg -m 256 -smp 1 -nodefaults -nographic
		-no-reboot -serial "$serial"
		-kernel "$GUEST_KERNEL" -initrd "$scen.initrd"
		-append "$GUEST_APPEND" "$@")
}

guest_kill() {
	[ -n "$GUEST_PID" ] && kill "$GUEST_PID" 2>/dev/null
	GUEST_PID=""
}

guest_exec() {
	local rc
	if [ "$GUEST_DEFERRED" = 0 ]; then
		t_defer guest_kill
		GUEST_DEFERRED=1
	fi
	"${GUEST_WRAP[@]}" "${GUEST_CMD[@]}" </dev/null &
	GUEST_PID=$!
	wait "$GUEST_PID"
	rc=$?
	GUEST_PID=""
	[ $rc -eq 124 ] && t_log "QEMU timed out"
	return $rc
}

guest_run() {
	guest_qemu_cmd "$@"
	guest_exec
}

guest_scenario_rc() {
	sed -n 's/.*TAPIR-SCENARIO-END rc=\([0-9]*\).*/\1/p' "$1" | tail -n 1
}

guest_lease() {
	local re='TAPIR-LEASE '
	[ -n "${2:-}" ] && re="TAPIR-LEASE .* iface=$2( |$)"
	tr -d '\r' <"$1" | grep -aE "$re" | tail -n 1
}

guest_field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}
