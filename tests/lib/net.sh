# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# net.sh - a simulated host for tapir net tests
#
#   netns $NET_INET ("the internet", or the LAN in bridge mode)
#   +------------------------------------------------------------+
#   |  inet0 198.51.100.1/24                                     |
#   |  whoami HTTP :8080 - answers with the client's address     |
#   |  dnsmasq DNS :53 - example.test -> 198.51.100.1, a 2 KB    |
#   |     TXT record big.example.test (net_big_txt), no          |
#   |     upstream; every query logged to $NET_DIR/inet-dns.log  |
#   +----------------------------|-------------------------------+
#                                | veth
#   netns $NET_HOST ("the host": tapir runs here, net_tapir)
#   +----------------------------|-------------------------------+
#   |  uplink0 198.51.100.2/24, default route via .1             |
#   |  /etc/resolv.conf -> nameserver 198.51.100.1 (the test's   |
#   |     own server, through /etc/netns/$NET_HOST/resolv.conf)  |
#   |  tapir's bridge (tapir0 ...)                               |
#   |  NAMEp: host end of each guest's veth (net_attach)         |
#   +----------------------------|-------------------------------+
#                                | veth
#   netns NAME (a guest, net_guest NAME): eth0, busybox udhcpc
#
# Only documentation addresses (198.51.100.0/24) stand for the internet;
# no packet leaves the test's namespaces.  Source common.sh first.
#
# Functions:
#   net_setup            build the internet and host namespaces (sets
#                        NET_INET, NET_HOST, NET_DIR; cleanup is deferred)
#   net_guest NAME       a guest namespace NAME with eth0; its other end
#                        NAMEp waits in the host namespace (NAME: at most
#                        14 bytes; use t_uniq)
#   net_guest_del NAME   remove it, and wait until its veth is gone
#   net_settled IFNAME   the host's IFNAME is up with its IPv6 link-local
#   net_attach NAME BR   make NAMEp a port of bridge BR, up
#   net_dhcp NAME [HOST] run udhcpc in guest NAME (sending hostname HOST);
#                        prints its LEASE line (tests/tools/udhcpc-ns.sh)
#   net_tapir ARGS...    run tapir in the host namespace, with
#                        TAPIR_CONFIG=$NET_DIR/tapir.conf and run and
#                        state directories under $NET_DIR
#   net_conf             write $NET_DIR/tapir.conf from stdin
#   net_snapshot         what "down" must restore: ip -d link, ip addr,
#                        IPv4 and IPv6 routes (all tables), nft list ruleset of the
#                        host namespace, with timers that tick masked, and
#                        veth peers' namespaces (ip prints a name or an
#                        id, depending on other namespaces) too.
#                        Take "before" with no guests, and remove them
#                        (net_guest_del) before "after".
#   net_field LINE KEY   the value of KEY= in a LEASE line
#   net_http NAME URL [S] fetch URL from namespace NAME (timeout S seconds,
#                        default 5) and print the body; exit 0 on success,
#                        1 when unreachable.  Use it, not busybox wget, for
#                        checks that expect failure: Debian's static busybox
#                        wget dies with SIGSEGV when it cannot connect.
#   net_fetch URL S CMD... the same fetch, run through CMD (a way into a
#                        namespace, e.g. nsenter -t PID -n --)
#   net_in NAME CMD...   run CMD in namespace NAME

NET_INET=""
NET_HOST=""
NET_DIR=""

net_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# net_big_txt: the ten strings of big.example.test's TXT record, comma
# separated: "s0" to "s9", each padded with x to 200 characters, about
# 2 KB in all, more than a DNS answer over UDP may carry
net_big_txt() {
	local i out=""
	for i in 0 1 2 3 4 5 6 7 8 9; do
		out+="${out:+,}s$i$(printf 'x%.0s' {1..198})"
	done
	echo "$out"
}

net_setup() {
	NET_INET=$(t_uniq inet)
	NET_HOST=$(t_uniq host)
	NET_DIR=$(t_tmpdir)
	t_netns "$NET_INET"
	t_netns "$NET_HOST"
	# No duplicate address detection: addresses settle at once, so
	# snapshots taken a moment apart agree.
	net_in "$NET_HOST" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
		net.ipv6.conf.default.accept_dad=0
	mkdir -p "$NET_DIR/run" "$NET_DIR/state" "/etc/netns/$NET_HOST"
	t_defer "rm -rf '/etc/netns/$NET_HOST'"
	echo "nameserver 198.51.100.1" >"/etc/netns/$NET_HOST/resolv.conf"

	ip -n "$NET_INET" link add inet0 type veth peer name uplink0 \
		netns "$NET_HOST" || exit 1
	ip -n "$NET_INET" addr add 198.51.100.1/24 dev inet0
	ip -n "$NET_INET" link set inet0 up
	ip -n "$NET_HOST" addr add 198.51.100.2/24 dev uplink0
	ip -n "$NET_HOST" link set uplink0 up
	ip -n "$NET_HOST" route add default via 198.51.100.1

	net_in "$NET_INET" python3 "$TAPIR_SRC/tests/tools/whoami.py" \
		198.51.100.1 8080 >"$NET_DIR/whoami.log" 2>&1 &
	t_defer "kill $!"
	net_in "$NET_INET" dnsmasq --keep-in-foreground --conf-file=/dev/null \
		--no-resolv --no-hosts --listen-address=198.51.100.1 \
		--bind-interfaces --address=/example.test/198.51.100.1 \
		--txt-record="big.example.test,$(net_big_txt)" \
		--log-queries=extra --log-facility="$NET_DIR/inet-dns.log" \
		--pid-file="$NET_DIR/inet-dns.pid" >/dev/null 2>&1 &
	t_defer "kill $!"
	if ! t_wait_for 10 net_in "$NET_INET" bash -c \
		'exec 3<>/dev/tcp/198.51.100.1/8080' ||
		! t_wait_for 10 test -s "$NET_DIR/inet-dns.pid"; then
		t_log "the internet namespace's servers did not start"
		exit 1
	fi
	if ! t_wait_for 10 net_settled uplink0; then
		t_log "uplink0 did not come up"
		exit 1
	fi
}

# net_settled IFNAME: the host's IFNAME has carrier and its IPv6 link-local
# address (so a snapshot will not change on its own)
net_settled() {
	ip -n "$NET_HOST" link show "$1" | grep -q 'state UP' &&
		ip -n "$NET_HOST" -6 addr show dev "$1" scope link |
		grep -q inet6
}

net_guest() {
	t_netns "$1"
	ip -n "$1" link add eth0 type veth peer name "${1}p" \
		netns "$NET_HOST" || exit 1
	ip -n "$1" link set eth0 up
}

# net_guest_del NAME: remove a guest, waiting until the kernel has also
# removed its veth's host end (namespaces are torn down asynchronously)
net_guest_del() {
	ip netns pids "$1" 2>/dev/null | xargs -r kill -9
	ip netns del "$1" 2>/dev/null
	t_wait_for 10 sh -c "! ip -n '$NET_HOST' link show '${1}p' \
		>/dev/null 2>&1"
}

net_attach() {
	ip -n "$NET_HOST" link set "${1}p" master "$2" up
}

net_dhcp() {
	local host=()
	[ -n "${2:-}" ] && host=(-x "hostname:$2")
	net_in "$1" busybox udhcpc -i eth0 -n -q -f -t 6 -T 1 "${host[@]}" \
		-s "$TAPIR_SRC/tests/tools/udhcpc-ns.sh" 2>/dev/null |
		grep -E '^(LEASE|NAK)'
}

net_tapir() {
	net_in "$NET_HOST" env TAPIR_CONFIG="$NET_DIR/tapir.conf" \
		TAPIR_RUNDIR="$NET_DIR/run" TAPIR_STATEDIR="$NET_DIR/state" \
		"$TAPIR" "$@"
}

net_conf() {
	cat >"$NET_DIR/tapir.conf"
}

net_snapshot() {
	{
		ip -n "$NET_HOST" -d link show
		ip -n "$NET_HOST" addr show
		ip -n "$NET_HOST" route show table all
		ip -n "$NET_HOST" -6 route show table all
		net_in "$NET_HOST" nft -s list ruleset	# rules, not counters
	} | sed -E 's/(hello_timer|tcn_timer|topology_change_timer|gc_timer|forward_delay_timer|hold_timer|message_age_timer) +[0-9.]+/\1 X/g; s/valid_lft [0-9]+sec preferred_lft [0-9]+sec/valid_lft X preferred_lft X/; s/ tentative//; s/link-netns(id)? [^ ]+/link-netns X/'
}

net_field() {
	printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -n 1
}

# net_fetch URL SECONDS CMD...: net_http's fetch, run through CMD (a way
# into a namespace: "ip netns exec NAME", "nsenter -t PID -n --")
net_fetch() {
	local url=$1 secs=$2
	shift 2
	"$@" /usr/bin/python3 -c '
import sys, urllib.request
try:
    body = urllib.request.urlopen(sys.argv[1], timeout=float(sys.argv[2]))
    print(body.read().decode().strip())
except Exception as e:
    print("unreachable:", e, file=sys.stderr)
    sys.exit(1)' "$url" "$secs"
}

net_http() {
	net_fetch "$2" "${3:-5}" ip netns exec "$1"
}
