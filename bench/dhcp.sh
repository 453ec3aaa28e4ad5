#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dhcp.sh - tapir's DHCP server against dnsmasq's, under perfdhcp
#
# Usage: bench/dhcp.sh            (as root; make bench runs it)
#
#   netns SRV, "the host" (a fresh one for every run of perfdhcp)
#   +--------------------------------------------------------------+
#   |  bridge, 10.210.0.1/16, pool 10.210.0.2-10.210.254.254:      |
#   |    tapir:   network "dhcpb" (isolated), leases in its state  |
#   |             directory: the journal STATE/dhcpb.leases        |
#   |    dnsmasq: --dhcp-leasefile, --no-ping --quiet-dhcp,        |
#   |             --dhcp-lease-max=65536                           |
#   |  clp: a port of the bridge                                   |
#   +-------------------------------|------------------------------+
#                                   | veth
#   netns CLI: cl0 10.210.255.254/16
#     perfdhcp -l 10.210.255.254 -R 50000 -r RATE -p SECS 10.210.0.1
#
# perfdhcp works as a DHCP relay: every message carries giaddr =
# 10.210.255.254 (its own address, inside the network and outside the
# pool) and comes from port 67, and the servers answer it by unicast to
# giaddr:67 - RFC 2131's relayed mode, which both servers accept for their
# own subnet.  It needs no broadcast and no raw socket, so the client side
# costs little.  Each exchange is a full DORA (DISCOVER, OFFER, REQUEST,
# ACK) for one of 50,000 clients (-R 50000: 50,000 MAC addresses; perfdhcp
# 2.2 uses each once before it repeats one, so every exchange of a run is
# a new client until all 50,000 have a lease - the table's "leases" column
# counts them), and each ACK is a lease the server has written to its
# lease file on disk before answering.
#
# How fast each server goes.  A run of perfdhcp asks for a fixed rate of
# new exchanges for BENCH_DHCP_SECS seconds; it is clean when nothing is
# dropped (perfdhcp counts a message as dropped when its answer has not
# come within a second; it waits a second at the end for late answers).
# Every run starts from nothing: fresh namespaces, a fresh server, an empty
# lease file.  Rates climb a ladder (1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.4,
# 8 per decade) until a run drops; the server's rate is the highest clean
# one.  dnsmasq climbs from BENCH_DHCP_FROM (and down, if that already
# drops).  tapir's first run is at exactly 5 times dnsmasq's rate: that
# run is the target, "at least 5x dnsmasq's rate with no drops at that
# rate".  Then tapir climbs on, to find its own rate.  The servers never
# run at the same time.  The faster the run, the more leases the server
# holds by its end (all 50,000 from 5,000 exchanges a second on, with 10 s
# runs): a faster server is measured with more leases, which does not
# favour it.
#
# Socket buffers are as each server sets them: tapir asks for 4 MiB
# (SO_RCVBUF, capped by net.core.rmem_max), dnsmasq takes the default
# (net.core.rmem_default); both sysctls are the machine's (read-only in a
# namespace) and the header shows them.  The table also shows where
# packets were lost: in the server's receive queue (srvQ: UDP
# RcvbufErrors in SRV) or the client's (cliQ), and the server's CPU time
# per exchange (from /proc/PID/stat), which says how much faster one
# server is than the other even when perfdhcp, not the server, is what
# runs out of CPU.
#
# Only the two namespaces carry traffic.  tapir's DNS forwarder is on but
# gets no query, and its resolv.conf names 127.0.0.1; dnsmasq runs with
# --no-resolv.  No route leaves SRV.
#
# Environment:
#   BENCH_DHCP_SECS=10     seconds per run of perfdhcp
#   BENCH_DHCP_CLIENTS=50000
#   BENCH_DHCP_FROM=200    dnsmasq's first rate
#   BENCH_DHCP_MAX=20000   highest rate tried
#   TAPIR_BUILD=build      the release build (never build/check)
#   BENCH_STRICT=1         exit 3 when the target is missed
#
# Exit status: 0 when the benchmark ran, whether or not the target was met
# (a miss is a finding, shown as FAIL); 2 when it could not run; 1 when a
# run broke (a server did not start, perfdhcp failed); 3 for a missed
# target with BENCH_STRICT=1.
# shellcheck source-path=SCRIPTDIR
set -u
# shellcheck disable=SC2034  # used by t_log
T_NAME=bench-dhcp
# shellcheck source=lib/netbench.sh
. "$(dirname "$0")/lib/netbench.sh"

nb_need perfdhcp dnsmasq ss ping
SECS=${BENCH_DHCP_SECS:-10}
CLIENTS=${BENCH_DHCP_CLIENTS:-50000}
FROM=${BENCH_DHCP_FROM:-200}
MAX=${BENCH_DHCP_MAX:-20000}
for v in SECS CLIENTS FROM MAX; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || nb_cannot "BENCH_DHCP_$v must be a positive number"
done
[ "$CLIENTS" -le 65000 ] || nb_cannot "the pool has 65,533 addresses; BENCH_DHCP_CLIENTS must be at most 65000"

DIR=$(t_tmpdir)
NET=dhcpb
SERVER_IP=10.210.0.1
CLIENT_IP=10.210.255.254
POOL_FIRST=10.210.0.2
POOL_LAST=10.210.254.254

# The rate ladder: 1, 1.25, 1.6, 2, 2.5, 3.2, 4, 5, 6.4, 8 per decade
LADDER=()
for d in 1 10 100 1000 10000; do
	for m in 10 12.5 16 20 25 32 40 50 64 80; do
		r=$(awk -v d="$d" -v m="$m" 'BEGIN { printf "%d", d * m }')
		[ "$r" -le "$MAX" ] && LADDER+=("$r")
	done
done

SRV_PID=""
RUN_OK=0

# dhcp_server_start SERVER SRVNS RUNDIR: start SERVER (tapir or dnsmasq)
# in SRVNS with its bridge, clp a port of it; its pid goes to SRV_PID
dhcp_server_start() {
	local srv=$1 ns=$2 d=$3
	if [ "$srv" = tapir ]; then
		mkdir -p "$d/run" "$d/state"
		cat >"$d/tapir.conf" <<-EOF
		[network $NET]
		mode = isolated
		address = $SERVER_IP/16
		dhcp-range = $POOL_FIRST-$POOL_LAST
		EOF
		nb_tapir "$ns" "$d" net up "$NET" >"$d/up.out" 2>&1 ||
			nb_broke "tapir net up failed: $(cat "$d/up.out")"
		t_defer "nb_tapir $ns $d net down $NET"
		ip -n "$ns" link set clp master "tp-$NET" up ||
			nb_broke "cannot attach clp to tapir's bridge"
		SRV_PID=$(nb_tapir "$ns" "$d" net status "$NET" --json |
			sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p')
	else
		ip -n "$ns" link add br0 type bridge stp_state 0 forward_delay 0 &&
			ip -n "$ns" addr add "$SERVER_IP/16" dev br0 &&
			ip -n "$ns" link set br0 up &&
			ip -n "$ns" link set clp master br0 up ||
			nb_broke "cannot make dnsmasq's bridge"
		ip netns exec "$ns" dnsmasq --keep-in-foreground \
			--conf-file=/dev/null --no-resolv --no-hosts \
			--interface=br0 --bind-interfaces \
			--dhcp-range="$POOL_FIRST,$POOL_LAST,255.255.0.0,1h" \
			--dhcp-leasefile="$d/dnsmasq.leases" \
			--dhcp-lease-max=65536 --dhcp-authoritative \
			--no-ping --quiet-dhcp --log-facility="$d/dnsmasq.log" \
			--pid-file="$d/dnsmasq.pid" >/dev/null 2>&1 &
		disown
		t_wait_for 10 test -s "$d/dnsmasq.pid" &&
			t_wait_for 10 sh -c "ip netns exec $ns ss -Hlun 'sport = :67' | grep -q ." ||
			nb_broke "dnsmasq did not start: $(cat "$d/dnsmasq.log" 2>/dev/null)"
		SRV_PID=$(cat "$d/dnsmasq.pid")
	fi
	[ -n "$SRV_PID" ] && [ -d "/proc/$SRV_PID" ] || nb_broke "no $srv process"
}

# dhcp_udp NS FIELD: a UDP counter of /proc/net/snmp in NS
dhcp_udp() {
	ip netns exec "$1" awk -v f="$2" '/^Udp:/ {
		if (!n) { for (i = 2; i <= NF; i++) k[i] = $i; n = 1; next }
		for (i = 2; i <= NF; i++) if (k[i] == f) print $i }' /proc/net/snmp
}

# dhcp_run SERVER RATE: one run of perfdhcp on a fresh topology, removed
# again at the end; appends "server rate sent exch_s drops srvQ cliQ
# cpu_pct us_exch leases ok" to $DIR/runs and sets RUN_OK
dhcp_run() {
	local srv=$1 rate=$2 s c d cpu0 cpu1 rc out acks sent drops
	local srvq cliq leases cpu_pct us line
	nb_mark
	s=$(t_uniq dsrv)
	c=$(t_uniq dcli)
	d=$(t_tmpdir)
	nb_host "$s"
	t_netns "$c"
	ip -n "$c" link add cl0 type veth peer name clp netns "$s" &&
		ip -n "$c" addr add "$CLIENT_IP/16" dev cl0 &&
		ip -n "$c" link set cl0 up || nb_broke "cannot make the veth"
	dhcp_server_start "$srv" "$s" "$d"
	t_wait_for 10 ip netns exec "$c" ping -c 1 -W 1 "$SERVER_IP" ||
		nb_broke "the client cannot reach the $srv server"

	cpu0=$(nb_cpu "$SRV_PID")
	ip netns exec "$c" perfdhcp -4 -l "$CLIENT_IP" -R "$CLIENTS" \
		-r "$rate" -p "$SECS" -W 1000000 "$SERVER_IP" >"$d/perfdhcp.out" 2>&1
	rc=$?
	cpu1=$(nb_cpu "$SRV_PID")
	[ $rc = 0 ] || [ $rc = 3 ] ||
		nb_broke "perfdhcp failed ($rc): $(tail -n 5 "$d/perfdhcp.out")"
	cp "$d/perfdhcp.out" "$DIR/perfdhcp-$srv-$rate.out"

	# perfdhcp's two sections: DISCOVER-OFFER, then REQUEST-ACK
	out=$(awk '/^sent packets:/ { s[++ns] = $3 }
		/^received packets:/ { r[++nr] = $3 }
		/^drops:/ { d[++nd] = $2 }
		END { print s[1] + 0, r[2] + 0, d[1] + d[2] }' "$d/perfdhcp.out")
	read -r sent acks drops <<<"$out"
	srvq=$(dhcp_udp "$s" RcvbufErrors)
	cliq=$(dhcp_udp "$c" RcvbufErrors)
	if [ "$srv" = tapir ]; then
		leases=$(awk '$1 == "lease" { m[$2] } END { print length(m) }' \
			"$d/state/$NET.leases")
	else
		leases=$(awk '{ m[$2] } END { print length(m) }' "$d/dnsmasq.leases")
	fi
	cpu_pct=$(awk -v c=$((cpu1 - cpu0)) -v s="$SECS" \
		'BEGIN { printf "%.0f", c / s / 1e4 }')
	us=$(awk -v c=$((cpu1 - cpu0)) -v a="$acks" \
		'BEGIN { if (a) printf "%.1f", c / a; else print "-" }')
	RUN_OK=0
	[ "$drops" = 0 ] && [ "$acks" -gt 0 ] && RUN_OK=1
	line="$srv $rate $sent $(awk -v a="$acks" -v s="$SECS" \
		'BEGIN { printf "%.1f", a / s }') $drops $srvq $cliq $cpu_pct $us $leases $RUN_OK"
	echo "$line" >>"$DIR/runs"
	t_log "$line"
	nb_unwind
}

# dhcp_climb SERVER INDEX [CEILING]: climb the ladder from LADDER[INDEX]
# while runs are clean, staying below CEILING; if the first one is not
# clean, go down until one is.  The highest clean rate (0 if none) goes
# to BEST.
dhcp_climb() {
	local srv=$1 i=$2 ceil=${3:-999999999}
	BEST=0
	dhcp_run "$srv" "${LADDER[$i]}"
	if [ $RUN_OK = 1 ]; then
		BEST=${LADDER[$i]}
		while ((++i < ${#LADDER[@]} && LADDER[i] < ceil)); do
			dhcp_run "$srv" "${LADDER[$i]}"
			[ $RUN_OK = 1 ] || break
			BEST=${LADDER[$i]}
		done
	else
		while ((--i >= 0)); do
			dhcp_run "$srv" "${LADDER[$i]}"
			if [ $RUN_OK = 1 ]; then
				BEST=${LADDER[$i]}
				break
			fi
		done
	fi
}

# dhcp_index RATE: the ladder index of the first rate >= RATE (the last
# index if none)
dhcp_index() {
	local i
	for ((i = 0; i < ${#LADDER[@]}; i++)); do
		[ "${LADDER[$i]}" -ge "$1" ] && { echo "$i"; return; }
	done
	echo $((${#LADDER[@]} - 1))
}

: >"$DIR/runs"
t_log "runs of ${SECS}s: server rate sent exch/s drops srvQ cliQ cpu% us/exch leases clean"
dhcp_climb dnsmasq "$(dhcp_index "$FROM")"
best_d=$BEST
target=$((5 * (best_d > 0 ? best_d : LADDER[0])))
dhcp_run tapir "$target"
target_ok=$RUN_OK
i=$(dhcp_index "$target")
if [ $target_ok = 1 ]; then
	best_t=$target
	[ "${LADDER[$i]}" -le "$target" ] && i=$((i + 1))
	if [ "$i" -lt ${#LADDER[@]} ]; then
		dhcp_climb tapir "$i"
		[ "$BEST" -gt "$best_t" ] && best_t=$BEST
	fi
else
	BEST=0
	[ "$i" -gt 0 ] && dhcp_climb tapir $((i - 1)) "$target"
	best_t=$BEST
fi

# The table
res=$(nb_verdict "$target_ok")
last_t=$(awk '$1 == "tapir"' "$DIR/runs" | tail -n 1)
echo
nb_header "DHCP benchmark (perfdhcp, relayed, $CLIENTS clients)"
echo "  dnsmasq $(dnsmasq --version | awk 'NR == 1 { print $3 }') (dnsmasq-base $(nb_ver dnsmasq-base))," \
	"perfdhcp $(perfdhcp -v 2>&1 | awk '/VERSION/ { print $2 }') (kea-admin $(nb_ver kea-admin))"
echo "  each run: fresh namespaces and server, empty lease file, ${SECS}s at a fixed rate;"
echo "  receive buffers: tapir asks for 4 MiB (net.core.rmem_max $(sysctl -n net.core.rmem_max)), dnsmasq and"
echo "  perfdhcp take net.core.rmem_default ($(sysctl -n net.core.rmem_default))"
fmt='%-8s %7s %8s %9s %6s %6s %6s %5s %8s %7s  %s\n'
# shellcheck disable=SC2059
{
	printf "$fmt" server "rate/s" sent "exch/s" drops srvQ cliQ "cpu%" "us/exch" leases result
	while read -r srv rate sent xs drops srvq cliq cpu us leases ok; do
		if [ "$ok" = 1 ]; then r=clean; else r=drops; fi
		[ "$srv" = tapir ] && [ "$rate" = "$target" ] && r="$r (target run)"
		printf "$fmt" "$srv" "$rate" "$sent" "$xs" "$drops" "$srvq" "$cliq" "$cpu" "$us" "$leases" "$r"
	done <"$DIR/runs"
} | sed 's/ *$//'
echo "  rate/s: asked of perfdhcp; sent: DISCOVERs sent; exch/s: ACKs received per"
echo "  second; drops: DISCOVER-OFFER + REQUEST-ACK; srvQ, cliQ: datagrams dropped by the"
echo "  server's and the client's receive queues; cpu%: the server's, of one CPU;"
echo "  us/exch: the server's CPU microseconds per exchange; leases: distinct clients"
echo "  with a lease on disk at the end"

xs_d=$(awk -v r="$best_d" '$1 == "dnsmasq" && $2 == r { print $4 }' "$DIR/runs")
xs_t=$(awk -v r="$best_t" '$1 == "tapir" && $2 == r { print $4 }' "$DIR/runs")
limit=""
if [ -n "$last_t" ] && [ "${last_t##* }" = 0 ]; then
	read -r _ lrate lsent _ _ lsrvq lcliq _ _ _ _ <<<"$last_t"
	if [ "$lsrvq" = 0 ] && { [ "$lcliq" -gt 0 ] ||
		[ "$lsent" -lt $((lrate * SECS * 99 / 100)) ]; }; then
		limit=" (a lower bound: at $lrate/s perfdhcp, not tapir, lost the packets)"
	fi
elif [ "$best_t" -ge "${LADDER[${#LADDER[@]} - 1]}" ]; then
	limit=" (a lower bound: the highest rate tried)"
fi
ratio=$(awk -v t="$best_t" -v d="$best_d" 'BEGIN { if (d > 0) printf "%.1f", t / d; else print "-" }')
echo
printf '%-44s %s\n' "dnsmasq, highest rate without drops:" "$best_d/s (${xs_d:-0} exchanges/s)"
printf '%-44s %s\n' "tapir, highest rate without drops:" "$best_t/s (${xs_t:-0} exchanges/s)$limit"
printf '%-44s %s\n' "ratio tapir/dnsmasq:" "$ratio"
printf '%-44s %s\n' "target: tapir clean at 5 x dnsmasq = $target/s:" "$res"
t_log "perfdhcp outputs in $DIR (removed at exit)"
nb_finish "$res"
