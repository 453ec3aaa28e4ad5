# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# user.sh - tapir user (user-mode networking) tests in namespaces
#
#   netns $NET_INET ("the internet", net.sh): 198.51.100.1, HTTP :8080,
#     DNS (example.test -> 198.51.100.1)
#        | veth
#   netns $NET_HOST ("the host", net.sh): tapir-user runs here as the
#     ordinary user nobody (no capabilities); its host sockets live here;
#     /etc/resolv.conf -> 198.51.100.1 (the test's DNS server);
#     whoami HTTP servers on 127.0.0.1:8000 and [::1]:8000; a UDP echo
#     server on 127.0.0.1:7777 (user_setup)
#        : tap (tapir-user's fd)
#   netns of $U_GPID ("the guest"): made by nobody with unshare -Urn, so
#     owned by nobody's user namespace, as slirp4netns and pasta expect;
#     tapir-user's tap (tap0) lives here; tests enter it with g_in
#
# Functions:
#   user_setup           net_setup and the host's servers
#   user_guest           a guest namespace, owned by nobody (sets U_GPID)
#   user_start LOG ARGS  start tapir-user as nobody in the host namespace
#                        with ARGS; wait for "ready" in LOG (sets U_PID);
#                        stopped at exit
#   user_stop            SIGTERM tapir-user and wait for it
#   user_ctl ARGS        tapir user-ctl ARGS, as nobody in the host namespace
#   g_in CMD...          run CMD in the guest namespace (as root)
#   g_http URL [S]       fetch URL from the guest namespace (timeout S,
#                        default 5); print the body, exit 1 if unreachable
#                        (python: busybox wget crashes when it cannot
#                        connect)
#   h_in CMD...          run CMD in the host namespace (as root)
#   u_in CMD...          run CMD in the host namespace as nobody
#   user_fds             how many fds tapir-user has open

: "${TAPIR_USER:=$TAPIR_BUILD/user/tapir-user}"
U_UID=65534
U_GID=65534
U_GPID=""
U_PID=""

# As nobody, without capabilities (no function: "$!" must be its pid).
# /dev/net/tun is 0666 on distributions but may be 0600 on a test machine:
# the command sees a private one, 0666, on a tmpfs mounted over /dev/net
# in the mount namespace "ip netns exec" makes for it (the machine's /dev
# is never touched).  The soft limit on open files is 1024, as in a login
# session (tapir-user raises it itself).
U_AS=(sh -c 'mount -t tmpfs -o mode=0755 tapir-test /dev/net &&
	mknod -m 0666 /dev/net/tun c 10 200 && ulimit -Sn 1024 &&
	exec "$@"' sh
	setpriv --reuid=$U_UID --regid=$U_GID --clear-groups --inh-caps=-all)

h_in() { net_in "$NET_HOST" "$@"; }
u_in() { ip netns exec "$NET_HOST" "${U_AS[@]}" "$@"; }
g_in() { nsenter -t "$U_GPID" -n -- "$@"; }
g_http() { net_fetch "$1" "${2:-5}" nsenter -t "$U_GPID" -n --; }

user_setup() {
	net_setup
	chmod 0777 "$NET_DIR"
	h_in python3 "$TAPIR_SRC/tests/tools/whoami.py" 127.0.0.1 8000 \
		>"$NET_DIR/whoami4.log" 2>&1 &
	t_defer "kill $!"
	h_in python3 "$TAPIR_SRC/tests/tools/whoami.py" ::1 8000 \
		>"$NET_DIR/whoami6.log" 2>&1 &
	t_defer "kill $!"
	h_in python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 7777))
while True:
    d, a = s.recvfrom(65535)
    s.sendto(b"echo:" + d, a)' &
	t_defer "kill $!"
	t_wait_for 10 h_in bash -c 'exec 3<>/dev/tcp/127.0.0.1/8000' &&
		t_wait_for 10 h_in bash -c 'exec 3<>/dev/tcp/::1/8000' || {
		t_log "the host's servers did not start"
		exit 1
	}
}

# user_ns_made PID: PID is in a network and user namespace of its own
user_ns_made() {
	[ "$(readlink "/proc/$1/ns/net")" != "$(h_in readlink /proc/self/ns/net)" ] &&
		[ "$(readlink "/proc/$1/ns/user")" != "$(readlink /proc/self/ns/user)" ]
}

user_guest() {
	ip netns exec "$NET_HOST" "${U_AS[@]}" unshare --user --map-root-user \
		--net sleep 3600 </dev/null >/dev/null 2>&1 &
	U_GPID=$!
	t_defer "kill -9 $U_GPID"
	t_wait_for 10 user_ns_made "$U_GPID" || {
		t_log "the guest namespace was not made"
		exit 1
	}
	g_in ip link set lo up
}

user_start() {
	local log=$1
	shift
	: >"$log"
	chmod 666 "$log"
	ip netns exec "$NET_HOST" "${U_AS[@]}" "$TAPIR_USER" "$@" \
		</dev/null >>"$log" 2>&1 &
	U_PID=$!
	t_defer "kill $U_PID 2>/dev/null; sleep 0.2; kill -9 $U_PID 2>/dev/null"
	if ! t_wait_for 10 grep -q ready "$log"; then
		t_log "tapir-user did not start: $(cat "$log")"
		return 1
	fi
}

user_stop() {
	kill "$U_PID" 2>/dev/null
	wait "$U_PID" 2>/dev/null
}

user_ctl() {
	u_in "$TAPIR_USER" --ctl-client "$@"
}

user_fds() {
	ls "/proc/$U_PID/fd" 2>/dev/null | wc -l
}
