#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# user-flood.sh - tapir user under connection floods, and the client
# address a hostfwd connection shows the guest
#
# Topology: tests/lib/user.sh (tapir-user as nobody in the test's "host"
# namespace, a guest namespace on its tap), with a flow table of 512
# (--max-flows) so that the floods fill it.  Checks:
#   - hostfwd: a client on the host's loopback (127.0.0.1, ::1) appears
#     to the guest as the gateway (10.0.2.2, fec0::2); a client from a
#     non-loopback address (203.0.113.9, 2001:db8:1::9 on a dummy link in
#     the host namespace) appears as itself
#   - a raw SYN flood from the guest (random source ports) to a host port
#     whose backlog is full, to closed ports, and to 192.0.2.1 (which the
#     test's "internet" drops: no packet leaves the test's namespaces):
#     an established connection through 10.0.2.2 keeps working during
#     and after it, the table did fill up, and a new connection works
#     right after it
#   - a storm of connections to a hostfwd port whose guest listener never
#     accepts (its backlog is full): an established hostfwd connection
#     keeps working, and a new one works right after it
#   - a second tapir-user with a hard fd limit of 256: its tables shrink
#     to fit, so a storm fills the TCP table rather than running out of
#     fds, and new connections work right after it; a third, whose limit
#     is lowered under its fd count at run time (prlimit): accept() fails,
#     the listener rests (little CPU, one warning) and the established
#     connection carries on
#   - tapir-user is alive, and once the half-open flows have timed out
#     its fd count is back to where it started
T_NAME=user-flood
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/net.sh"
. "$(dirname "$0")/../lib/user.sh"
t_require_root
t_require_cmd nsenter setpriv unshare python3 prlimit ss

FLOOD=$TAPIR_SRC/tests/tools/flood.py
WHOAMI=$TAPIR_SRC/tests/tools/whoami.py

user_setup
user_guest
D=$NET_DIR

# The host: a TCP echo server, and a listener that never accepts, its
# backlog (listen(0): one connection) filled by the listener itself.
h_in python3 "$FLOOD" echo 127.0.0.1 7780 >"$D/echo.log" 2>&1 &
t_defer "kill $!"
h_in python3 -c '
import socket, time
l = socket.socket()
l.bind(("127.0.0.1", 7781))
l.listen(0)
cs = []
for i in range(3):
    c = socket.socket()
    c.setblocking(False)
    c.connect_ex(("127.0.0.1", 7781))
    cs.append(c)
time.sleep(3600)' >/dev/null 2>&1 &
t_defer "kill $!"
# Client addresses that are not loopback ones, on a veth pair of its own.
if ! { ip -n "$NET_HOST" link add cli0 type veth peer name cli1 &&
	ip -n "$NET_HOST" addr add 203.0.113.9/32 dev cli0 &&
	ip -n "$NET_HOST" addr add 2001:db8:1::9/128 dev cli0 nodad &&
	ip -n "$NET_HOST" link set cli0 up &&
	ip -n "$NET_HOST" link set cli1 up; }; then
	t_failed "the client addresses' link"
fi

user_start "$D/user.log" --netns "$U_GPID" --max-flows 512 \
	-o "hostfwd=tcp::18085-:8085,hostfwd=tcp:[::]:18086-[fec0::15]:8086,hostfwd=tcp::18090-:9090,hostfwd=tcp::18091-:9091" ||
	t_failed "tapir-user starts with --netns and --max-flows 512"
t_wait_for 10 sh -c "nsenter -t $U_GPID -n ip -4 route show default | grep -q 10.0.2.2" ||
	t_failed "the guest is configured"
# A fixed IPv6 address in the guest, for the IPv6 forward
g_in ip -6 addr add fec0::15/64 dev tap0 nodad
t_wait_for 10 sh -c "nsenter -t $U_GPID -n ip -6 route show default | grep -q via" ||
	t_failed "the guest has an IPv6 default route (router advertisement)"
base=$(user_fds)
t_log "tapir-user has $base fds open"

# ---- the client address a hostfwd connection shows the guest ----------

# (not through g_in: "$!" must be the server itself)
nsenter -t "$U_GPID" -n -- python3 "$WHOAMI" 0.0.0.0 8085 \
	</dev/null >/dev/null 2>&1 &
t_defer "kill $!"
nsenter -t "$U_GPID" -n -- python3 "$WHOAMI" :: 8086 \
	</dev/null >/dev/null 2>&1 &
t_defer "kill $!"
t_check "the guest's IPv4 server starts" \
	t_wait_for 10 g_in bash -c 'exec 3<>/dev/tcp/127.0.0.1/8085'
t_check "the guest's IPv6 server starts" \
	t_wait_for 10 g_in bash -c 'exec 3<>/dev/tcp/::1/8086'

# peer_seen HOST PORT SRC: what the guest's whoami server says the client
# is, the client bound to SRC in the host namespace
peer_seen() {
	h_in python3 -c '
import http.client, sys
c = http.client.HTTPConnection(sys.argv[1], int(sys.argv[2]), timeout=5,
                               source_address=(sys.argv[3], 0))
c.request("GET", "/")
print(c.getresponse().read().decode().strip())' "$@" 2>&1
}
t_eq "hostfwd from 127.0.0.1: the guest sees the gateway" 10.0.2.2 \
	"$(peer_seen 127.0.0.1 18085 127.0.0.1)"
t_eq "hostfwd from 203.0.113.9: the guest sees the client" 203.0.113.9 \
	"$(peer_seen 203.0.113.9 18085 203.0.113.9)"
t_eq "hostfwd from ::1 to an IPv4 guest: the guest sees the gateway" \
	10.0.2.2 "$(peer_seen ::1 18085 ::1)"
t_eq "hostfwd from ::1: the guest sees the IPv6 gateway" fec0::2 \
	"$(peer_seen ::1 18086 ::1)"
t_eq "hostfwd from 2001:db8:1::9: the guest sees the client" \
	2001:db8:1::9 "$(peer_seen 2001:db8:1::9 18086 2001:db8:1::9)"

# ---- a SYN flood from the guest ----------------------------------------

g_in python3 "$FLOOD" stream 10.0.2.2 7780 "$D/stop-a" >"$D/stream-a.out" 2>&1 &
spid=$!
t_wait_for 5 sh -c "nsenter -t $U_GPID -n ss -Htn state established \
	'( dport = :7780 )' | grep -q ." || t_failed "the stream through 10.0.2.2 starts"
sent=$(g_in python3 "$FLOOD" syn 10.0.2.15 30000 10.0.2.2:7781 \
	10.0.2.2:7790-7799 192.0.2.1:80 2>&1)
t_log "SYNs sent from the guest: $sent"
# new connections while the established one is still open (a closed one
# would leave a lingering flow, whose slot a new connection may take)
for i in 1 2 3; do
	t_eq "new connection $i through 10.0.2.2 right after the SYN flood" \
		127.0.0.1 "$(g_http "http://10.0.2.2:8000/after-flood-$i" 5)"
done
t_check "tapir-user is alive after the SYN flood" kill -0 "$U_PID"
t_check "the SYN flood filled the flow table" grep -q "flow table full" "$D/user.log"
touch "$D/stop-a"
wait "$spid"
t_eq "an established connection through 10.0.2.2 lives through the SYN flood" \
	0 "$?"
t_match "... and carried data all along" '^ok [0-9]+ ' "$(cat "$D/stream-a.out")"
t_log "stream during the SYN flood: $(cat "$D/stream-a.out") (rounds, slowest ms)"

# ---- a connection storm through a hostfwd ------------------------------

# guest_servers: in the guest, an echo server on port 9091 and a listener
# on 9090 that never accepts (its backlog, one connection, soon full);
# sets NEVER to the listener's pid
guest_servers() {
	nsenter -t "$U_GPID" -n -- python3 "$FLOOD" echo 0.0.0.0 9091 \
		</dev/null >/dev/null 2>&1 &
	t_defer "kill $!"
	nsenter -t "$U_GPID" -n -- python3 -c '
import socket, time
l = socket.socket()
l.bind(("0.0.0.0", 9090))
l.listen(0)
time.sleep(3600)' </dev/null >/dev/null 2>&1 &
	NEVER=$!
	t_defer "kill $NEVER"
	t_wait_for 10 g_in bash -c 'exec 3<>/dev/tcp/127.0.0.1/9091' ||
		t_failed "the guest's echo server starts"
	t_wait_for 10 sh -c "nsenter -t $U_GPID -n ss -Hltn 'sport = :9090' | grep -q ." ||
		t_failed "the guest's never-accepting listener starts"
}

# fwd_echo PORT TEXT: TEXT back from the guest's echo server, through a
# new connection to the host's PORT
fwd_echo() {
	h_in python3 -c '
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5)
s.sendall(sys.argv[2].encode())
print(s.recv(100).decode())' "$@" 2>&1
}

# fwd_stream PORT NAME: start a long-lived connection through the host's
# PORT to the guest's echo server (flood.py stream), until $D/stop-NAME
# exists; sets SPID
fwd_stream() {
	h_in python3 "$FLOOD" stream 127.0.0.1 "$1" "$D/stop-$2" \
		>"$D/stream-$2.out" 2>&1 &
	SPID=$!
	t_wait_for 5 sh -c "ip netns exec $NET_HOST ss -Htn state established \
		'( dport = :$1 )' | grep -q ." || t_failed "the stream through port $1 starts"
}

# fwd_stream_end NAME WHAT: stop stream NAME and check it went well
fwd_stream_end() {
	touch "$D/stop-$1"
	wait "$SPID"
	t_eq "an established hostfwd connection lives through $2" 0 "$?"
	t_match "... and carried data all along" '^ok [0-9]+ ' \
		"$(cat "$D/stream-$1.out")"
	t_log "stream during $2: $(cat "$D/stream-$1.out") (rounds, slowest ms)"
}

guest_servers
never=$NEVER
fwd_stream 18091 b
got=$(h_in python3 "$FLOOD" storm 127.0.0.1 18090 3000 3 2>&1)
t_log "storm: $got of 3000 connections still open after 3 s (the table holds 512)"
got=$(h_in python3 "$FLOOD" storm ::1 18090 1000 2 2>&1)
t_log "storm over IPv6: $got of 1000 still open after 2 s"
for i in 1 2 3; do
	t_eq "new hostfwd connection $i right after the storm" "hello $i" \
		"$(fwd_echo 18091 "hello $i")"
done
t_check "tapir-user is alive after the storm" kill -0 "$U_PID"
fwd_stream_end b "the storm"

# ---- out of fds ----------------------------------------------------------

# A second tapir-user, started with a hard fd limit of 256: too low for
# three tables of 65536 flows, so they shrink, and the storm fills the
# TCP table (whose oldest handshakes give way) before the fds run out.
G1=$U_GPID P1=$U_PID
user_guest
# (lowered by nobody itself, through prlimit: anyone may lower a limit,
# and the test's root may not be able to raise one again)
as=("${U_AS[@]}")
U_AS+=(prlimit --nofile=256:256)
user_start "$D/nofd.log" --netns "$U_GPID" \
	-o "hostfwd=tcp::18190-:9090,hostfwd=tcp::18191-:9091" ||
	t_failed "tapir-user starts with an fd limit of 256"
U_AS=("${as[@]}")
t_check "a low fd limit shrinks the tables" \
	grep -q "cannot hold 65536 flows per protocol" "$D/nofd.log"
t_wait_for 10 sh -c "nsenter -t $U_GPID -n ip -4 route show default | grep -q 10.0.2.2" ||
	t_failed "the second guest is configured"
guest_servers
fwd_stream 18191 c
h_in python3 "$FLOOD" storm 127.0.0.1 18190 300 2 >/dev/null 2>&1
for i in 1 2 3; do
	t_eq "fd limit: new hostfwd connection $i right after the storm" \
		"hello $i" "$(fwd_echo 18191 "hello $i")"
done
t_check_fail "fd limit: no accept() ran out of fds" \
	grep -q "cannot accept" "$D/nofd.log"
fwd_stream_end c "a storm with an fd limit"
user_stop

# A third one, whose fd limit is lowered at run time, below what its
# tables need: accept() runs out of fds, and the listener must rest
# rather than spin, warning once rather than at every turn of the loop.
user_guest
user_start "$D/nofd2.log" --netns "$U_GPID" \
	-o "hostfwd=tcp::18190-:9090,hostfwd=tcp::18191-:9091" ||
	t_failed "a third tapir-user starts"
t_wait_for 10 sh -c "nsenter -t $U_GPID -n ip -4 route show default | grep -q 10.0.2.2" ||
	t_failed "the third guest is configured"
guest_servers
fwd_stream 18191 d
u_in prlimit --pid "$U_PID" --nofile=$(($(user_fds) + 2)) ||
	t_failed "prlimit on tapir-user"
cpu0=$(awk '{ print $14 + $15 }' "/proc/$U_PID/stat")
h_in python3 "$FLOOD" storm 127.0.0.1 18190 300 3 >/dev/null 2>&1
cpu1=$(awk '{ print $14 + $15 }' "/proc/$U_PID/stat")
hz=$(getconf CLK_TCK)
t_check "out of fds: tapir-user rests (CPU $((cpu1 - cpu0)) of $((3 * hz)) ticks)" \
	[ $((cpu1 - cpu0)) -lt "$hz" ]
n=$(grep -c "cannot accept" "$D/nofd2.log")
t_check "out of fds: one warning, not one per turn ($n)" [ "$n" -ge 1 -a "$n" -le 2 ]
t_check "out of fds: tapir-user is alive" kill -0 "$U_PID"
fwd_stream_end d "running out of fds"
user_stop
U_GPID=$G1 U_PID=$P1

# ---- afterwards ----------------------------------------------------------

# The connection the never-accepting listener queued is the guest's to
# close: it is, when the listener goes.  Half-open flows give up within
# 30 s (a connect() in progress).
kill "$never"
t_wait_for 45 sh -c "[ \$(ls /proc/$U_PID/fd | wc -l) -le $base ]"
after=$(user_fds)
t_check "fds after the floods ($after) back to the baseline ($base)" \
	[ "$after" -le "$base" ]
t_check "tapir-user is still alive" kill -0 "$U_PID"
t_done
