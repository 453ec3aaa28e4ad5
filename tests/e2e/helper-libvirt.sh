#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# helper-libvirt.sh - Debian's libvirt in session mode (qemu:///session)
# starts a guest whose <interface type='bridge'> goes through
# tapir-bridge-helper, with nothing changed on libvirt's side.  The guest
# gets a DHCP lease from dnsmasq on the bridge, pings it and powers off.
#
#   netns NS (private /etc/qemu and /dev via h_enter --dev; no /dev/kvm)
#   +-------------------------------------------------------------------+
#   |  dnsmasq (DHCP 10.77.0.100-149, lease file D/leases)              |
#   |     |                                                             |
#   |   br0 10.77.0.1/24 ---- tapN (made by the helper)                 |
#   |                          |  fd over a unix socket                 |
#   |   libvirtd (session daemon, user nobody, HOME and XDG_* in D/lv)  |
#   |     |  runs HELPER --use-vnet --br=br0 --fd=N, gets the tap's fd  |
#   |     +-- QEMU -accel tcg (user nobody), -netdev tap,fd=M, virtio   |
#   |           guest eth0: udhcpc, ping 10.77.0.1, poweroff            |
#   |                                                                   |
#   |   virsh -c qemu:///session (user nobody, LIBVIRT_AUTOSTART=0)     |
#   +-------------------------------------------------------------------+
#
# Debian 12's libvirt (9.0) has no modular daemons: the session daemon is
# the monolithic libvirtd run as the user.  The test starts it itself (its
# virsh never spawns one) with HOME and XDG_* in D/lv, so nothing of the
# machine's own libvirt (system daemon, /etc/libvirt, real users'
# sessions) is read or touched.  ACL: D/qemu/bridge.conf, seen by the
# helper as the default /etc/qemu/bridge.conf.  Cases:
#
#   a. qemu.conf sets bridge_helper to a copy of the helper with
#      cap_net_admin+ep; ACL "allow br0 user=nobody".  The domain boots,
#      leases, pings and powers off.  The helper's audit line names nobody
#      and the tap libvirt reports; libvirt's debug log shows the argv
#      (HELPER --use-vnet --br=br0 --fd=N).
#   b. Same daemon, ACL "allow br0 user=root": virsh start fails with the
#      helper's "access denied by acl file"; the domain stays shut off.
#   c. Drop-in: a second daemon with no bridge_helper in qemu.conf, so
#      libvirt runs Debian's default /usr/lib/qemu/qemu-bridge-helper, over
#      which the setcap copy is bind-mounted in the private mount namespace
#      (as dpkg-divert plus a link would do on a real system).
#
# Every case checks that no tap is left in NS afterwards.
#
# shellcheck source-path=SCRIPTDIR
set -u
self=$(realpath "$0")
# shellcheck source=../lib/common.sh
. "$(dirname "$self")/../lib/common.sh"
# shellcheck source=../lib/helper.sh
. "$(dirname "$self")/../lib/helper.sh"
# shellcheck source=../lib/guest.sh
. "$(dirname "$self")/../lib/guest.sh"

t_require_root
LIBVIRTD=/usr/sbin/libvirtd
if [ ! -x "$LIBVIRTD" ] || ! command -v virsh >/dev/null 2>&1; then
	t_log "skipped: needs libvirt (libvirt-daemon, libvirt-clients)"
	exit 77
fi
# libvirt-daemon-system's AppArmor profile for libvirtd (scripts/deps.sh
# does not install it) lets libvirtd execute only the usual helper paths.
if grep -Eqs '^(libvirtd|/usr/sbin/libvirtd) \(enforce\)' \
	/sys/kernel/security/apparmor/profiles; then
	t_log "warning: AppArmor confines libvirtd: it may not be allowed to run" \
		"the helper from $T_ROOT (see tapir-bridge-helper(8), INSTALLATION)"
fi
t_require_cmd dnsmasq ip setcap setpriv timeout
guest_prepare

# Debian's libvirt 9.0 runs this when qemu.conf has no bridge_helper.
QBH=/usr/lib/qemu/qemu-bridge-helper

NS=$(t_uniq hl)
D=$(t_tmpdir)
t_netns "$NS"
h_prepare "$D"

ip -n "$NS" link add br0 type bridge || exit 1
ip -n "$NS" link set br0 mtu 1500
ip -n "$NS" addr add 10.77.0.1/24 dev br0
ip -n "$NS" link set br0 up

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

# --- the guest: kernel and initramfs (base + scenario) readable by nobody --
mkdir -m 0755 "$D/img"
guest_export "$D/img"
guest_scenario "$D/scenario.cpio.gz" <<'EOF'
g_dhcp eth0 || exit 1
g_ping 10.77.0.1 3 || exit 2
EOF
cat "$GUEST_INITRD" "$D/scenario.cpio.gz" >"$D/img/initrd" || exit 1
chmod 0644 "$D/img/initrd"

CAPHELPER=$(h_copy_helper "$D" setcap) || exit 1

# --- nobody's session: HOME, XDG_* and libvirt's configuration in D/lv -----
LV=$D/lv
NOBODY_UID=$(id -u nobody)
NOBODY_GID=$(id -g nobody)
for d in "$LV" "$LV/home" "$LV/config" "$LV/config/libvirt" "$LV/run" \
	"$LV/cache" "$LV/data" "$LV/state" "$LV/tmp"; do
	install -d -o nobody -g "$NOBODY_GID" -m 0700 "$d" || exit 1
done

# qemu_conf [HELPER]: write nobody's qemu.conf, with bridge_helper = HELPER
# if given.  The other two settings make the test robust on any machine
# and have nothing to do with the helper: no AppArmor/SELinux labelling of
# QEMU (a session daemon cannot load profiles), and no virtlogd (one
# daemon less to start and stop).
qemu_conf() {
	{
		[ -n "${1:-}" ] && echo "bridge_helper = \"$1\""
		echo 'security_driver = "none"'
		echo 'stdio_handler = "file"'
	} | install -m 0644 -o nobody -g "$NOBODY_GID" /dev/stdin \
		"$LV/config/libvirt/qemu.conf"
}

# util.command at debug level logs every command libvirtd runs ("About to
# run ..."), the helper's argv included.
install -m 0644 -o nobody -g "$NOBODY_GID" /dev/stdin \
	"$LV/config/libvirt/libvirtd.conf" <<EOF || exit 1
log_filters = "1:util.command"
log_outputs = "1:file:$LV/libvirtd.log"
EOF

# The environment of every libvirt program: nobody's, pointing into D/lv.
# The sanitizer options reach the helper through libvirtd.
LVENV=(env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C
	USER=nobody LOGNAME=nobody HOME="$LV/home"
	XDG_CONFIG_HOME="$LV/config" XDG_RUNTIME_DIR="$LV/run"
	XDG_CACHE_HOME="$LV/cache" XDG_DATA_HOME="$LV/data"
	XDG_STATE_HOME="$LV/state" TMPDIR="$LV/tmp" LIBVIRT_AUTOSTART=0
	ASAN_OPTIONS="$ASAN_OPTIONS" UBSAN_OPTIONS="$UBSAN_OPTIONS")

# lv_virsh ARGS...: virsh as nobody in NS, never for more than 60 s.
lv_virsh() {
	timeout -k 5 60 ip netns exec "$NS" \
		setpriv --reuid="$NOBODY_UID" --regid="$NOBODY_GID" --clear-groups \
		"${LVENV[@]}" virsh -q -c qemu:///session "$@" </dev/null
}

# --- the session daemon ------------------------------------------------------
export -f h_as
LVD_JOB=""

# lvd_start [BIND-SRC]: start libvirtd as nobody in NS, in h_enter's
# private mount namespace, where /dev/kvm is removed (the domains are TCG;
# where udev makes /dev/kvm 0666, libvirt would also probe QEMU with KVM,
# and guests hang under KVM on the test machines) and, with BIND-SRC, that
# file is bind-mounted over $QBH.  Wait until virsh can connect.
lvd_start() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	h_enter "$NS" "$D" --dev -- bash -c '
		rm -f /dev/kvm
		if [ -n "$1" ]; then mount --bind "$1" "$2" || exit 1; fi
		shift 2
		"$@"' lvd "${1:-}" "$QBH" \
		h_as nobody "${LVENV[@]}" "$LIBVIRTD" \
		>>"$D/libvirtd.out" 2>&1 </dev/null &
	LVD_JOB=$!
	t_wait_for 30 lv_virsh uri && return 0
	t_failed "libvirtd (session) did not start"
	sed 's/^/    | /' "$D/libvirtd.out" "$LV/libvirtd.log" 2>/dev/null
	t_done
}

# lvd_stop: ask libvirtd to exit (it leaves running domains alone) and
# wait up to 10 s; t_netns then kills whatever is left in NS: QEMU, the
# daemon if it hung or never wrote its pid file, the syslog receiver.
# shellcheck disable=SC2317 # also called through t_defer
lvd_stop() {
	local pid _
	pid=$(cat "$LV/run/libvirt/libvirtd.pid" 2>/dev/null)
	if [ -z "$pid" ] || ! kill -TERM "$pid" 2>/dev/null; then
		return 0
	fi
	for _ in $(seq 100); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$LVD_JOB" 2>/dev/null
			return 0
		fi
		sleep 0.1
	done
	return 1
}
t_defer lvd_stop

# domain_xml NAME MAC: a TCG guest with a virtio NIC on br0, direct kernel
# boot, serial console to LV/NAME.serial.
domain_xml() {
	cat <<EOF
<domain type='qemu'>
  <name>$1</name>
  <memory unit='MiB'>256</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>$D/img/vmlinuz</kernel>
    <initrd>$D/img/initrd</initrd>
    <cmdline>$GUEST_APPEND</cmdline>
  </os>
  <features><acpi/></features>
  <on_poweroff>destroy</on_poweroff>
  <on_reboot>destroy</on_reboot>
  <on_crash>destroy</on_crash>
  <devices>
    <emulator>$(command -v "$GUEST_QEMU")</emulator>
    <controller type='usb' model='none'/>
    <interface type='bridge'>
      <mac address='$2'/>
      <source bridge='br0'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='$LV/$1.serial'/>
      <target port='0'/>
    </serial>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
}

# define NAME MAC: define a persistent domain
define() {
	domain_xml "$1" "$2" >"$D/$1.xml"
	chmod 0644 "$D/$1.xml"
	lv_virsh define "$D/$1.xml" >"$D/$1.define" 2>&1 && return 0
	t_failed "$1: virsh define"
	sed 's/^/    | /' "$D/$1.define"
	return 1
}

state() { lv_virsh domstate "$1" 2>/dev/null | head -n 1; }

# wait_off NAME SECONDS
# shellcheck disable=SC2317 # called through t_check
wait_off() {
	local n=$(($2 * 4))
	while [ "$n" -gt 0 ]; do
		[ "$(state "$1")" = "shut off" ] && return 0
		sleep 0.25
		n=$((n - 1))
	done
	return 1
}

taps() {
	ip -n "$NS" -o link show type tun
	ip -n "$NS" -o link show master br0
}
# shellcheck disable=SC2317 # called through t_wait_for
no_tap() { [ -z "$(taps)" ]; }
check_no_tap() {
	t_wait_for 3 no_tap
	t_eq "$1: no tap left" "" "$(taps)"
}

acl() { printf '%s\n' "$@" >"$D/qemu/bridge.conf"; }

# re_escape STRING: STRING as an extended regular expression
re_escape() { printf '%s' "$1" | sed 's/[][\\.*^$+?(){}|]/\\&/g'; }

# dump NAME: what to read when a case fails
dump() {
	local f
	for f in "$LV/$1.serial" "$D/$1.start" \
		"$LV/cache/libvirt/qemu/log/$1.log" "$D/syslog"; do
		t_log "$1: $f:"
		tail -n 30 "$f" 2>/dev/null | sed 's/^/    | /'
	done
	t_log "$1: $LV/libvirtd.log (helper runs and errors):"
	grep -E 'bridge.helper|error :' "$LV/libvirtd.log" 2>/dev/null |
		tail -n 20 | sed 's/^/    | /'
}

# boot CASE NAME MAC HELPER-PATH: start domain NAME, which must boot,
# lease, ping and power off through HELPER-PATH run by libvirt.
boot() {
	local c=$1 name=$2 mac=$3 path=$4 f0=$T_FAIL out iflist tap ip argv
	define "$name" "$mac" || return
	if ! lv_virsh start "$name" >"$D/$name.start" 2>&1; then
		t_failed "$c: virsh start $name"
		dump "$name"
		check_no_tap "$c"
		return
	fi
	iflist=$(lv_virsh domiflist "$name" 2>&1)
	tap=$(printf '%s\n' "$iflist" | awk -v m="$mac" '$5 == m { print $1 }')
	t_match "$c: libvirt reports a tap for the guest's MAC" "^tap[0-9]+$" \
		"$tap"
	t_match "$c: that tap is on br0 while the guest runs" \
		"^[0-9]+: $tap: .* master br0 " \
		"$(ip -n "$NS" -o link show "$tap" 2>&1)"
	t_check "$c: the guest powers off within 90 s" wait_off "$name" 90
	out=$(tr -d '\r' <"$LV/$name.serial" 2>/dev/null)
	t_match "$c: guest booted with a NIC" 'TAPIR-GUEST-UP .*nics=eth0' "$out"
	t_match "$c: lease in range, router 10.77.0.1" \
		'TAPIR-LEASE ip=10\.77\.0\.1[0-4][0-9] mask=255\.255\.255\.0 router=10\.77\.0\.1 dns=10\.77\.0\.1 domain=tapir\.test ' \
		"$out"
	t_match "$c: guest pinged the bridge" 'TAPIR-PING-OK addr=10\.77\.0\.1' \
		"$out"
	t_match "$c: scenario succeeded" 'TAPIR-SCENARIO-END rc=0' "$out"
	ip=$(guest_field "$(guest_lease "$LV/$name.serial" eth0)" ip)
	t_wait_for 3 grep -q "$mac $ip " "$D/leases"
	t_match "$c: dnsmasq leased $ip to $mac" " $mac ${ip//./\\.} " \
		"$(cat "$D/leases" 2>/dev/null)"
	t_match "$c: our helper logged the grant, to nobody, of libvirt's tap" \
		"tapir-bridge-helper\[[0-9]+\]: grant user=nobody uid=$NOBODY_UID bridge=br0 tap=$tap\$" \
		"$(cat "$D/syslog" 2>/dev/null)"
	t_match "$c: QEMU got the tap as a descriptor from libvirt" \
		'-netdev .*"type":"tap","fd":"[0-9]+"' \
		"$(cat "$LV/cache/libvirt/qemu/log/$name.log" 2>/dev/null)"
	argv=$(sed -n "s|.*About to run \(.*$path .*\)\$|\1|p" \
		"$LV/libvirtd.log" 2>/dev/null | tail -n 1)
	t_log "$c: libvirt ran: $argv"
	t_match "$c: libvirt ran HELPER --use-vnet --br=br0 --fd=N" \
		"^$(re_escape "$path") --use-vnet --br=br0 --fd=[0-9]+\$" "$argv"
	check_no_tap "$c"
	[ "$T_FAIL" -gt "$f0" ] && dump "$name"
}

# --- a. bridge_helper = the setcap copy; allowed -----------------------------
qemu_conf "$CAPHELPER" || exit 1
lvd_start
acl "allow br0 user=nobody"
boot a tap-a 52:54:00:77:01:0a "$CAPHELPER"

# --- b. same daemon, denied: the ACL allows br0 for root only ----------------
acl "allow br0 user=root"
MAC=52:54:00:77:01:0b
f0=$T_FAIL
if define tap-b "$MAC"; then
	lv_virsh start tap-b >"$D/tap-b.start" 2>&1
	rc=$?
	err=$(cat "$D/tap-b.start")
	t_check "b: virsh start fails (status $rc)" \
		test "$rc" -ne 0 -a "$rc" -ne 124
	t_match "b: the helper's refusal reaches virsh" \
		"access denied by acl file: user nobody may not use bridge .br0." \
		"$err"
	t_match "b: libvirt's error shows the helper's argv" \
		"$(re_escape "$CAPHELPER") --use-vnet --br=br0 --fd=[0-9]+: failed to communicate with bridge helper" \
		"$err"
	t_eq "b: the domain is shut off" "shut off" "$(state tap-b)"
	t_match "b: helper logged the refusal" \
		"deny user=nobody uid=$NOBODY_UID bridge=br0 tap=- reason=\"access denied by ACL\"" \
		"$(cat "$D/syslog" 2>/dev/null)"
	t_nomatch "b: no lease for the denied MAC" "$MAC" \
		"$(cat "$D/leases" 2>/dev/null)"
	check_no_tap b
	[ "$T_FAIL" -gt "$f0" ] && dump tap-b
fi

# --- c. drop-in: no bridge_helper, libvirt's default path is our helper ------
t_check "stop the first libvirtd" lvd_stop
if [ -f "$QBH" ]; then
	mv "$LV/libvirtd.log" "$LV/libvirtd-ab.log"
	qemu_conf || exit 1
	lvd_start "$CAPHELPER"
	acl "allow br0 user=nobody"
	boot c tap-c 52:54:00:77:01:0c "$QBH"
else
	t_log "c: skipped: no $QBH (qemu-system-common)"
fi

t_done
