#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# user-netns.sh - tapir user --netns: a guest namespace on user-mode
# networking, driven with real tools (busybox udhcpc, wget, nslookup,
# ping; python sockets), tapir-user running as nobody
#
# Topology: tests/lib/user.sh.  Checks:
#   - DHCP (busybox udhcpc) gets 10.0.2.15, router 10.0.2.2, DNS 10.0.2.3
#   - HTTP from the host's 127.0.0.1:8000 through 10.0.2.2, and the host
#     server sees a loopback client
#   - HTTP to the "internet" (198.51.100.1:8080): it sees the host's
#     uplink address, as NAT would show it
#   - DNS through 10.0.2.3 reaches the test's upstream (example.test)
#   - ping 10.0.2.2 (ping sockets)
#   - a UDP round trip to the host's echo server through 10.0.2.2
#   - hostfwd into the namespace, from 127.0.0.1 and from ::1
#   - IPv6: a SLAAC address in fec0::/64, TCP to [fec0::2]:8000 (::1)
#   - 50 MB each way over TCP, byte-exact (SHA-256): IPv4 and IPv6 at
#     MTU 1500, IPv4 at 65520 ("-- COMMAND"), through the tap's checksum
#     and segmentation offloads (which ethtool must show on)
#   - runtime forwards: tapir user-ctl add, list, del
#   - restrict=on: a second namespace reaches nothing but DNS and forwards
#   - 10,000 connections through a forward: the fd count comes back
#   - SIGTERM: exits 0, its socket files are gone
#   - "-- COMMAND": configured namespace, our resolv.conf, exit status
T_NAME=user-netns
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/net.sh"
. "$(dirname "$0")/../lib/probe.sh"
. "$(dirname "$0")/../lib/user.sh"
t_require_root
t_require_cmd busybox nsenter setpriv unshare python3 ethtool

user_setup
user_guest
D=$NET_DIR
CTL=$D/ctl.sock

user_start "$D/user.log" --netns "$U_GPID" --no-configure \
	--control "$CTL" -o "hostfwd=tcp::18080-:8081,hostfwd=udp:127.0.0.1:17777-:7778" ||
	t_failed "tapir-user starts with --netns"
t_check "the tap is in the guest namespace" g_in ip link show tap0

# DHCP
lease=$(g_in busybox udhcpc -i tap0 -n -q -f -t 6 -T 1 \
	-s "$TAPIR_SRC/tests/tools/udhcpc-ns.sh" 2>/dev/null | grep '^LEASE')
t_eq "DHCP address" 10.0.2.15 "$(net_field "$lease" ip)"
t_eq "DHCP router" 10.0.2.2 "$(net_field "$lease" router)"
t_eq "DHCP DNS" 10.0.2.3 "$(net_field "$lease" dns)"
t_match "DHCP mask" "^(255\\.255\\.255\\.0|24)$" "$(net_field "$lease" mask)"

# TCP to the host's loopback through the gateway address
t_eq "HTTP from the host via 10.0.2.2" 127.0.0.1 \
	"$(g_http http://10.0.2.2:8000/x)"
t_eq "wget (GNU) from the host via 10.0.2.2" 127.0.0.1 \
	"$(g_in timeout 10 wget -q -T 5 -O - http://10.0.2.2:8000/w 2>&1)"
# TCP to elsewhere: the server sees the host's own address
t_eq "HTTP to the internet shows the host's address" 198.51.100.2 \
	"$(g_http http://198.51.100.1:8080/y)"

# DNS through 10.0.2.3
t_eq "DNS via 10.0.2.3" 198.51.100.1 \
	"$(g_in timeout 10 busybox nslookup -type=a example.test 10.0.2.3 2>&1 | dns_parse)"
t_check "the upstream saw the query" grep -q example.test "$D/inet-dns.log"

# ICMP
if awk '{ exit !($1 <= 65534 && $2 >= 65534) }' /proc/sys/net/ipv4/ping_group_range; then
	t_check "ping 10.0.2.2" g_in ping -c 1 -W 3 10.0.2.2
else
	t_log "ping sockets are off for nobody (ping_group_range); the warning must say so"
	g_in ping -c 1 -W 2 10.0.2.2 >/dev/null 2>&1
	t_check "a warning names ping_group_range" grep -q ping_group_range "$D/user.log"
fi

# UDP round trip
udp=$(g_in python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(3)
s.sendto(b"hello", ("10.0.2.2", 7777))
print(s.recvfrom(100)[0].decode())' 2>&1)
t_eq "UDP round trip via 10.0.2.2" "echo:hello" "$udp"

# hostfwd into the namespace
guest_dir=$(t_tmpdir)
echo "guest page" >"$guest_dir/index.html"
# (not through g_in: "$!" must be httpd itself, and it must not hold
# the test's output open)
nsenter -t "$U_GPID" -n -- busybox httpd -f -p 8081 -h "$guest_dir" \
	</dev/null >/dev/null 2>&1 &
t_defer "kill $!"
t_wait_for 5 g_in bash -c 'exec 3<>/dev/tcp/127.0.0.1/8081'
t_eq "hostfwd from 127.0.0.1" "guest page" \
	"$(h_in python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:18080/", timeout=5).read().decode().strip())' 2>&1)"
t_eq "hostfwd from ::1" "guest page" \
	"$(h_in python3 -c 'import urllib.request as u; print(u.urlopen("http://[::1]:18080/", timeout=5).read().decode().strip())' 2>&1)"
g_in python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 7778)); s.settimeout(10)
d, a = s.recvfrom(100); s.sendto(b"back:" + d, a); print(a[0])' >"$D/udpf.out" 2>&1 &
t_wait_for 5 sh -c "nsenter -t $U_GPID -n ss -Hlun 'sport = :7778' | grep -q ."
udpf=$(h_in python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(3)
s.sendto(b"ping", ("127.0.0.1", 17777)); print(s.recvfrom(100)[0].decode())' 2>&1)
wait $!
t_eq "UDP hostfwd: the guest sees the host address" 10.0.2.2 "$(cat "$D/udpf.out")"
t_eq "UDP hostfwd round trip" "back:ping" "$udpf"

# IPv6: SLAAC and TCP over IPv6
# (and wait until duplicate address detection has finished with it)
t_wait_for 10 sh -c "nsenter -t $U_GPID -n ip -6 addr show dev tap0 |
	grep 'inet6 fec0::' | grep -vq tentative"
t_check "SLAAC address in fec0::/64" sh -c \
	"nsenter -t $U_GPID -n ip -6 addr show dev tap0 | grep -q 'inet6 fec0::.*/64'"
t_eq "HTTP over IPv6 via [fec0::2]" ::1 "$(g_http 'http://[fec0::2]:8000/')"

# Bulk transfers, byte-exact both ways, through the offloads
BULK=$((50 << 20))
for a in 127.0.0.1 ::1; do
	h_in python3 "$TAPIR_SRC/tests/tools/bulk.py" server "$a" 8100 "$BULK" \
		>"$D/bulk-$a.log" 2>&1 &
	t_defer "kill $!"
done
t_wait_for 10 h_in bash -c 'exec 3<>/dev/tcp/127.0.0.1/8100' &&
	t_wait_for 10 h_in bash -c 'exec 3<>/dev/tcp/::1/8100' ||
	t_failed "the bulk servers start"
t_match "the tap offers TSO to the guest" "tcp-segmentation-offload: on" \
	"$(g_in ethtool -k tap0 2>&1)"
t_eq "50 MB each way over IPv4, MTU 1500, byte-exact" ok \
	"$(g_in python3 "$TAPIR_SRC/tests/tools/bulk.py" client 10.0.2.2 8100 "$BULK" 2>&1 | tail -n 1)"
t_eq "50 MB each way over IPv6, MTU 1500, byte-exact" ok \
	"$(g_in python3 "$TAPIR_SRC/tests/tools/bulk.py" client fec0::2 8100 "$BULK" 2>&1 | tail -n 1)"

# Runtime forwards
added=$(user_ctl "$CTL" add "tcp:127.0.0.1:0-:8081")
t_match "user-ctl add answers the bound rule" '^tcp:127\.0\.0\.1:[0-9]+-10\.0\.2\.15:8081$' "$added"
port=$(sed -E 's/^tcp:127\.0\.0\.1:([0-9]+)-.*/\1/' <<<"$added")
t_eq "the added forward works" "guest page" \
	"$(h_in python3 -c "import urllib.request as u; print(u.urlopen('http://127.0.0.1:$port/', timeout=5).read().decode().strip())" 2>&1)"
t_match "user-ctl list shows it" "tcp:127.0.0.1:$port-" "$(user_ctl "$CTL" list)"
t_check "user-ctl del" user_ctl "$CTL" del "tcp:127.0.0.1:$port"
t_check_fail "the removed forward is closed" h_in bash -c "exec 3<>/dev/tcp/127.0.0.1/$port"
t_check_fail "user-ctl del of an unknown forward fails" user_ctl "$CTL" del "tcp:127.0.0.1:$port"

# 10,000 connections through the forward: fds come back to the baseline
base=$(user_fds)
h_in python3 -c '
import socket
for i in range(10000):
    s = socket.create_connection(("127.0.0.1", 18080), timeout=5)
    s.sendall(b"GET / HTTP/1.0\r\n\r\n")
    while s.recv(4096):
        pass
    s.close()' 2>&1 || t_failed "10,000 connections through hostfwd"
t_wait_for 15 sh -c "[ \$(ls /proc/$U_PID/fd | wc -l) -le $base ]"
after=$(user_fds)
t_check "fds after 10,000 connections ($after) back to the baseline ($base)" \
	[ "$after" -le "$base" ]
# started with a soft limit of 1024 open files (U_AS), tapir-user raises it
# to the hard one (one fd a flow)
t_eq "open files: soft limit raised to the hard one" 1 \
	"$(awk '/^Max open files/ { print ($4 == $5 && $4 > 1024) }' "/proc/$U_PID/limits")"

# restrict=on in a second guest
G1=$U_GPID P1=$U_PID
user_guest
user_start "$D/restrict.log" --netns "$U_GPID" -o restrict=on ||
	t_failed "tapir-user starts with restrict=on"
t_check "restrict: the tap is configured" sh -c \
	"nsenter -t $U_GPID -n ip -4 addr show dev tap0 | grep -q 10.0.2.15/24"
t_check_fail "restrict: no host loopback" g_http http://10.0.2.2:8000/ 3
t_check_fail "restrict: no internet" g_in python3 -c '
import socket; socket.create_connection(("198.51.100.1", 8080), timeout=3)'
t_eq "restrict: DNS still works" 198.51.100.1 \
	"$(g_in timeout 10 busybox nslookup -type=a example.test 10.0.2.3 2>&1 | dns_parse)"
user_stop

# SIGTERM
U_GPID=$G1 U_PID=$P1
kill -TERM "$U_PID"
wait "$U_PID"
t_eq "exit status after SIGTERM" 0 "$?"
t_check_fail "the control socket is removed" test -e "$CTL"

# "-- COMMAND": a namespace of its own, configured, our resolv.conf, and
# the command's exit status
out=$(u_in "$TAPIR_USER" -- sh -c 'ip -4 addr show dev tap0 | grep -o "inet [0-9./]*"
	grep nameserver /etc/resolv.conf | head -n 1
	python3 -c "import urllib.request as u; print(u.urlopen(\"http://10.0.2.2:8000/\", timeout=5).read().decode().strip())"
	exit 7' 2>/dev/null)
rc=$?
t_eq "-- COMMAND: exit status" 7 "$rc"
t_eq "-- COMMAND: address, resolver, HTTP via 10.0.2.2" \
	"$(printf 'inet 10.0.2.15/24\nnameserver 10.0.2.3\n127.0.0.1')" "$out"
t_eq "-- COMMAND, MTU 65520: 50 MB each way, byte-exact" ok \
	"$(u_in "$TAPIR_USER" -o mtu=65520 -- python3 \
		"$TAPIR_SRC/tests/tools/bulk.py" client 10.0.2.2 8100 "$BULK" \
		2>/dev/null | tail -n 1)"
t_done
