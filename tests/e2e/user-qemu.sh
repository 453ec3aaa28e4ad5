#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# user-qemu.sh - real QEMU guests (TCG) on tapir user, through
# -netdev stream and -netdev dgram
#
#   netns $NET_HOST (tests/lib/user.sh): tapir-user as nobody,
#     --socket S (stream) or --dgram G, hostfwd 127.0.0.1:18081 -> :8081;
#     whoami HTTP on 127.0.0.1:8000; QEMU, also as nobody, connects to
#     the socket
#
# a (stream): the guest gets 10.0.2.15 by DHCP (router .2, DNS .3),
#   resolves example.test through 10.0.2.3, fetches a page from the host's
#   127.0.0.1:8000 through 10.0.2.2, and serves a CGI page on :8081 that
#   the host fetches through hostfwd (the guest waits until it was
#   fetched, then powers off).
# b (stream again, same tapir-user): QEMU reconnects; the guest gets its
#   lease again and fetches the page: tapir-user survived the reconnect.
# c (dgram): DHCP and a page through a second tapir-user on a datagram
#   socket.
T_NAME=user-qemu
. "$(dirname "$0")/../lib/common.sh"
. "$(dirname "$0")/../lib/net.sh"
. "$(dirname "$0")/../lib/guest.sh"
. "$(dirname "$0")/../lib/user.sh"
t_require_root
t_require_cmd setpriv nsenter python3

guest_prepare
user_setup
D=$NET_DIR
# QEMU runs as nobody too: the dgram transport's sockets must be
# reachable by both sides
mkdir -m 0755 "$D/img"
guest_export "$D/img"
MAC=52:54:00:12:34:56

guest_scenario "$D/scenario.cpio.gz" <<'EOF'
g_dhcp eth0
. /run/lease.eth0 2>/dev/null
echo "TAPIR-RESOLVE $(nslookup example.test 10.0.2.3 2>&1 | awk '/^Address/ { a = $NF } END { print "addr=" a }')"
# busybox nc, not wget: Debian's static busybox wget crashed here
# before sending anything (no SYN seen)
echo "TAPIR-HTTP body=$(printf 'GET /guest HTTP/1.0\r\n\r\n' | nc -w 10 10.0.2.2 8000 | tail -n 1)"
mkdir -p /www/cgi-bin
cat >/www/cgi-bin/page <<'CGI'
#!/bin/sh
touch /tmp/fetched
printf 'Content-Type: text/plain\r\n\r\nfrom the guest\n'
CGI
chmod 755 /www/cgi-bin/page
httpd -p 8081 -h /www
g_mark HTTPD-READY
if [ "$(cat /proc/cmdline | grep -c waitfetch)" = 1 ]; then
	i=0
	while [ ! -e /tmp/fetched ] && [ $i -lt 300 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ -e /tmp/fetched ] && g_mark FETCHED
fi
EOF

# a: stream
SOCK=$D/stream.sock
user_start "$D/user-stream.log" --socket "$SOCK" \
	-o "hostfwd=tcp:127.0.0.1:18081-:8081" || t_failed "tapir-user --socket starts"
QARGS=($(u_in "$TAPIR_USER" --socket "$SOCK" --print-qemu-args))
t_eq "--print-qemu-args (stream)" \
	"-netdev stream,id=n0,server=off,addr.type=unix,addr.path=$SOCK -device virtio-net-pci,netdev=n0" \
	"${QARGS[*]}"
QARGS[3]="${QARGS[3]},mac=$MAC"
GUEST_WRAP=(u_in)
guest_qemu_cmd 90 "$D/a.log" "$D/scenario.cpio.gz" -- "${QARGS[@]}"
# the scenario waits for the host's fetch only when asked on the cmdline
for i in "${!GUEST_CMD[@]}"; do
	[ "${GUEST_CMD[$i]}" = -append ] && GUEST_CMD[$((i + 1))]+=" waitfetch"
done
guest_exec >"$D/a.out" 2>&1 &
qpid=$!
if t_wait_for 60 grep -q TAPIR-HTTPD-READY "$D/a.log"; then
	page=$(h_in python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:18081/cgi-bin/page", timeout=10).read().decode().strip())' 2>&1)
else
	page="guest never served"
fi
wait $qpid
out=$(cat "$D/a.log")
t_match "a: DHCP lease 10.0.2.15, router .2, DNS .3" \
	'TAPIR-LEASE ip=10\.0\.2\.15 mask=255\.255\.255\.0 router=10\.0\.2\.2 dns=10\.0\.2\.3' "$out"
t_match "a: resolves example.test via 10.0.2.3" 'TAPIR-RESOLVE addr=198\.51\.100\.1' "$out"
t_match "a: fetches a page from the host via 10.0.2.2" 'TAPIR-HTTP body=127\.0\.0\.1\b' "$out"
t_eq "a: the host fetches the guest's page through hostfwd" "from the guest" "$page"
t_match "a: the guest saw the fetch" 'TAPIR-FETCHED' "$out"

# b: QEMU reconnects to the same tapir-user
guest_run 60 "$D/b.log" "$D/scenario.cpio.gz" -- "${QARGS[@]}" >"$D/b.out" 2>&1
out=$(cat "$D/b.log")
t_check "b: tapir-user still runs" kill -0 "$U_PID"
t_match "b: lease again after reconnecting" 'TAPIR-LEASE ip=10\.0\.2\.15 ' "$out"
t_match "b: page again" 'TAPIR-HTTP body=127\.0\.0\.1\b' "$out"
user_stop

# c: dgram
DG=$D/dgram.sock
user_start "$D/user-dgram.log" --dgram "$DG" || t_failed "tapir-user --dgram starts"
QARGS=($(u_in "$TAPIR_USER" --dgram "$DG" --print-qemu-args))
t_match "--print-qemu-args (dgram)" \
	"^-netdev dgram,id=n0,local.type=unix,local.path=$DG.qemu,remote.type=unix,remote.path=$DG " \
	"${QARGS[*]}"
rm -f "$DG.qemu"
guest_run 60 "$D/c.log" "$D/scenario.cpio.gz" -- "${QARGS[@]}" >"$D/c.out" 2>&1
rm -f "$DG.qemu"
out=$(cat "$D/c.log")
t_match "c: DHCP over dgram" 'TAPIR-LEASE ip=10\.0\.2\.15 ' "$out"
t_match "c: page over dgram" 'TAPIR-HTTP body=127\.0\.0\.1\b' "$out"
user_stop
t_done
