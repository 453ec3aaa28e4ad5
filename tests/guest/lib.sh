# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=sh
#
# lib.sh - functions for guest scenarios (/lib/tapir/lib.sh in the guest)
#
# /init sources this before it sources /scenario, so a scenario can use:
#
# - g_mark WORD [TEXT...]: print "TAPIR-WORD TEXT" on the console.
# - g_dhcp [IFACE [UDHCPC-ARGS...]]: get a lease on IFACE (default eth0)
#   with busybox udhcpc and apply it; the lease script prints the
#   TAPIR-LEASE line.  On failure prints "TAPIR-DHCP-FAIL iface=IFACE".
#   Returns udhcpc's status.  After success /run/lease.IFACE holds
#   LEASE_IP, LEASE_ROUTER, LEASE_DNS, ... as shell assignments.
# - g_ping ADDR [COUNT]: ping ADDR (default 3 packets, 2 s deadline per
#   reply) and print "TAPIR-PING-OK addr=ADDR" or
#   "TAPIR-PING-FAIL addr=ADDR".
# - g_run DESC CMD...: run CMD, print its output, then
#   "TAPIR-RUN-OK desc=DESC" or "TAPIR-RUN-FAIL desc=DESC rc=N".
#
# busybox has wget, nslookup, nc, ping, httpd, udhcpd, ip and friends.

g_mark() {
	w=$1
	shift
	echo "TAPIR-$w $*"
}

g_dhcp() {
	_if=${1:-eth0}
	[ $# -gt 0 ] && shift
	udhcpc -i "$_if" -s /etc/udhcpc/default.script -n -q -f -t 10 -T 1 "$@"
	_rc=$?
	[ $_rc -eq 0 ] || echo "TAPIR-DHCP-FAIL iface=$_if rc=$_rc"
	return $_rc
}

g_ping() {
	if ping -c "${2:-3}" -W 2 "$1"; then
		echo "TAPIR-PING-OK addr=$1"
		return 0
	fi
	echo "TAPIR-PING-FAIL addr=$1"
	return 1
}

g_run() {
	_d=$1
	shift
	"$@"
	_rc=$?
	if [ $_rc -eq 0 ]; then
		echo "TAPIR-RUN-OK desc=$_d"
	else
		echo "TAPIR-RUN-FAIL desc=$_d rc=$_rc"
	fi
	return $_rc
}
