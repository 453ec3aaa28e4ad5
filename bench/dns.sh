#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# dns.sh - tapir's DNS forwarder against dnsmasq's, answering from cache,
# under dnsperf
#
# Usage: bench/dns.sh             (as root; make bench runs it)
#
#   netns INET ("the internet"): bridge inet0 198.51.100.1/24
#     dnsmasq, the upstream: every name under bench.test is 198.51.100.7,
#     TTL 3600; no upstream of its own; logs every query (to count them)
#        | veth                              | veth
#   netns HT: up0 198.51.100.2         netns HD: up0 198.51.100.3
#     resolv.conf: 198.51.100.1          resolv.conf: 198.51.100.1
#     tapir network "dnsb" (isolated)    bridge br0 10.211.0.1/24 and
#     on tp-dnsb, 10.211.0.1/24          dnsmasq --listen-address=
#                                        10.211.0.1 --cache-size=10000
#        | veth                              | veth
#   netns CT: cl0 10.211.0.250         netns CD: cl0 10.211.0.250
#     dnsperf -s 10.211.0.1              dnsperf -s 10.211.0.1
#
# Both forwarders read their upstream from their namespace's resolv.conf
# (/etc/netns/NS/resolv.conf), so neither sends a packet outside these
# namespaces.  The query list is BENCH_DNS_NAMES distinct names under
# bench.test, type A; both caches hold them all (tapir's 16384 entries,
# dnsmasq's 10000, its own advised maximum).  Each forwarder is warmed
# first: dnsperf sends every name once, and the upstream must have seen
# exactly that many queries from it.  Then BENCH_DNS_ROUNDS rounds of
# BENCH_DNS_SECS seconds each, tapir and dnsmasq taking turns (the first
# one alternates), with the same query list and the same dnsperf options;
# the upstream must see no query during them, so every answer measured
# came from a cache.  Figures are medians over the rounds, except lost
# queries, which are summed.  The servers' CPU time per query is from
# /proc/PID/stat.
#
# Target: tapir's queries per second at least dnsmasq's.
#
# Environment:
#   BENCH_DNS_NAMES=5000    names in the query list
#   BENCH_DNS_SECS=10       seconds per round
#   BENCH_DNS_ROUNDS=3      rounds per server
#   BENCH_DNS_PERF="-T 2 -c 4 -q 200"   dnsperf's load options
#   TAPIR_BUILD=build       the release build (never build/check)
#   BENCH_STRICT=1          exit 3 when the target is missed
#
# Exit status: 0 when the benchmark ran, whether or not the target was met;
# 2 when it could not run; 1 when a run broke; 3 for a missed target with
# BENCH_STRICT=1.
# shellcheck source-path=SCRIPTDIR
set -u
# shellcheck disable=SC2034  # used by t_log
T_NAME=bench-dns
# shellcheck source=lib/netbench.sh
. "$(dirname "$0")/lib/netbench.sh"

nb_need dnsperf dnsmasq ss
NAMES=${BENCH_DNS_NAMES:-5000}
SECS=${BENCH_DNS_SECS:-10}
ROUNDS=${BENCH_DNS_ROUNDS:-3}
PERF=${BENCH_DNS_PERF:--T 2 -c 4 -q 200}
for v in NAMES SECS ROUNDS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || nb_cannot "BENCH_DNS_$v must be a positive number"
done
[ "$NAMES" -le 10000 ] || nb_cannot "BENCH_DNS_NAMES must be at most 10000 (dnsmasq's cache)"

DIR=$(t_tmpdir)
NET=dnsb
SERVER=10.211.0.1

INET=$(t_uniq dnsi)
HT=$(t_uniq dnht)
HD=$(t_uniq dnhd)
CT=$(t_uniq dnct)
CD=$(t_uniq dncd)

# The internet and its DNS server
t_netns "$INET"
ip -n "$INET" link add inet0 type bridge stp_state 0 forward_delay 0 &&
	ip -n "$INET" addr add 198.51.100.1/24 dev inet0 &&
	ip -n "$INET" link set inet0 up || nb_broke "cannot make the internet"
ip netns exec "$INET" dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--no-resolv --no-hosts --listen-address=198.51.100.1 --bind-interfaces \
	--address=/bench.test/198.51.100.7 --local-ttl=3600 --log-queries \
	--log-facility="$DIR/upstream.log" --pid-file="$DIR/upstream.pid" \
	>/dev/null 2>&1 &
disown

# dns_host NS ADDR PORT: a host namespace with an uplink to the internet
dns_host() {
	nb_host "$1" 198.51.100.1
	ip -n "$INET" link add "$3" type veth peer name up0 netns "$1" &&
		ip -n "$INET" link set "$3" master inet0 up &&
		ip -n "$1" addr add "$2/24" dev up0 &&
		ip -n "$1" link set up0 up &&
		ip -n "$1" route add default via 198.51.100.1 ||
		nb_broke "cannot make host $1"
}

# dns_client NS HOSTNS: a client namespace whose veth's other end, clp,
# is in HOSTNS (attached to the bridge by the caller)
dns_client() {
	t_netns "$1"
	ip -n "$1" link add cl0 type veth peer name clp netns "$2" &&
		ip -n "$1" addr add 10.211.0.250/24 dev cl0 &&
		ip -n "$1" link set cl0 up || nb_broke "cannot make client $1"
}

dns_host "$HT" 198.51.100.2 it
dns_host "$HD" 198.51.100.3 id
dns_client "$CT" "$HT"
dns_client "$CD" "$HD"
t_wait_for 10 test -s "$DIR/upstream.pid" ||
	nb_broke "the upstream DNS server did not start"

# tapir's forwarder
TD=$DIR/tapir
mkdir -p "$TD/run" "$TD/state"
cat >"$TD/tapir.conf" <<EOF
[network $NET]
mode = isolated
address = $SERVER/24
EOF
nb_tapir "$HT" "$TD" net up "$NET" >"$TD/up.out" 2>&1 ||
	nb_broke "tapir net up failed: $(cat "$TD/up.out")"
t_defer "nb_tapir $HT $TD net down $NET"
ip -n "$HT" link set clp master "tp-$NET" up || nb_broke "cannot attach the client"
PID_T=$(nb_tapir "$HT" "$TD" net status "$NET" --json |
	sed -n 's/.*"pid" *: *\([0-9]*\).*/\1/p')

# dnsmasq's, with the same subnet, domain and DHCP range
ip -n "$HD" link add br0 type bridge stp_state 0 forward_delay 0 &&
	ip -n "$HD" addr add "$SERVER/24" dev br0 &&
	ip -n "$HD" link set br0 up &&
	ip -n "$HD" link set clp master br0 up || nb_broke "cannot make dnsmasq's bridge"
ip netns exec "$HD" dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--no-hosts --listen-address="$SERVER" --bind-interfaces \
	--cache-size=10000 --domain="$NET.internal" --local="/$NET.internal/" \
	--dhcp-range=10.211.0.2,10.211.0.249,1h \
	--dhcp-leasefile="$DIR/dnsmasq.leases" \
	--log-facility="$DIR/dnsmasq.log" --pid-file="$DIR/dnsmasq.pid" \
	>/dev/null 2>&1 &
disown
t_wait_for 10 test -s "$DIR/dnsmasq.pid" &&
	t_wait_for 10 sh -c "ip netns exec $HD ss -Hlun 'sport = :53' | grep -q ." ||
	nb_broke "dnsmasq did not start: $(cat "$DIR/dnsmasq.log" 2>/dev/null)"
PID_D=$(cat "$DIR/dnsmasq.pid")
[ -n "$PID_T" ] && [ -d "/proc/$PID_T" ] || nb_broke "no tapir service"

for c in "$CT" "$CD"; do
	t_wait_for 10 ip netns exec "$c" ping -c 1 -W 1 "$SERVER" ||
		nb_broke "client $c cannot reach its server"
done

# dns_upstream: queries the upstream has answered so far (its log is
# written a moment after the answer: wait until the count holds still)
dns_upstream() {
	local a b=-1 n=0
	a=$(grep -c ' query\[' "$DIR/upstream.log")
	while [ "$a" != "$b" ] && [ $((n++)) -lt 50 ]; do
		sleep 0.1
		b=$a
		a=$(grep -c ' query\[' "$DIR/upstream.log")
	done
	echo "$a"
}

for ((i = 0; i < NAMES; i++)); do
	printf 'n%05d.bench.test A\n' "$i"
done >"$DIR/queries"

# dns_perf SERVER ARGS...: run dnsperf against SERVER's forwarder; the
# output goes to $DIR/SERVER.out
dns_perf() {
	local c=$CT
	[ "$1" = dnsmasq ] && c=$CD
	ip netns exec "$c" dnsperf -s "$SERVER" -d "$DIR/queries" "${@:2}" \
		>"$DIR/$1.out" 2>&1 || nb_broke "dnsperf failed: $(tail -n 5 "$DIR/$1.out")"
}

# dns_field FILE LABEL: the first number after "LABEL:" in dnsperf output
dns_field() {
	sed -n "s/^ *$2: *\([0-9.]*\).*/\1/p" "$1" | head -n 1
}

# Warm both caches; the upstream must see every name once per forwarder.
# A second pass must reach it no more.
for srv in tapir dnsmasq; do
	before=$(dns_upstream)
	dns_perf "$srv" -n 1 -t 5
	n=$(dns_upstream)
	[ $((n - before)) = "$NAMES" ] ||
		nb_broke "warming $srv's cache: the upstream saw $((n - before)) queries, not $NAMES"
	dns_perf "$srv" -n 1 -t 5
	[ "$(dns_upstream)" = "$n" ] ||
		nb_broke "$srv's cache did not keep the names: the upstream saw $(($(dns_upstream) - n)) more"
done

# Rounds, taking turns
up0=$(dns_upstream)
: >"$DIR/rounds"
for ((r = 0; r < ROUNDS; r++)); do
	order=(tapir dnsmasq)
	[ $((r % 2)) = 1 ] && order=(dnsmasq tapir)
	for srv in "${order[@]}"; do
		pid=$PID_T
		[ "$srv" = dnsmasq ] && pid=$PID_D
		cpu0=$(nb_cpu "$pid")
		# shellcheck disable=SC2086
		dns_perf "$srv" -l "$SECS" $PERF
		cpu1=$(nb_cpu "$pid")
		f=$DIR/$srv.out
		done_q=$(dns_field "$f" "Queries completed")
		line="$srv $(dns_field "$f" "Queries per second")"
		line="$line $(awk -v a="$(dns_field "$f" "Average Latency (s)")" 'BEGIN { printf "%.0f", a * 1e6 }')"
		line="$line $(awk -v a="$(sed -n 's/.*max \([0-9.]*\)).*/\1/p' "$f" | head -n 1)" 'BEGIN { printf "%.0f", a * 1e6 }')"
		line="$line $(awk -v a="$(dns_field "$f" "Latency StdDev (s)")" 'BEGIN { printf "%.0f", a * 1e6 }')"
		line="$line $(dns_field "$f" "Queries sent") $done_q $(dns_field "$f" "Queries lost")"
		line="$line $(awk -v c=$((cpu1 - cpu0)) -v s="$SECS" 'BEGIN { printf "%.0f", c / s / 1e4 }')"
		line="$line $(awk -v c=$((cpu1 - cpu0)) -v q="$done_q" 'BEGIN { if (q) printf "%.2f", c / q; else print "-" }')"
		echo "$line" >>"$DIR/rounds"
		t_log "round $((r + 1)): $line"
	done
done
upstream_during=$(($(dns_upstream) - up0))

# dns_med SERVER COLUMN: the median of a column over the rounds
dns_med() {
	awk -v s="$1" -v c="$2" '$1 == s { print $c }' "$DIR/rounds" | nb_stats |
		awk '{ print $2 }'
}
r0() {
	printf '%.0f' "$1"
}
dns_sum() {
	awk -v s="$1" -v c="$2" '$1 == s { n += $c } END { print n + 0 }' "$DIR/rounds"
}

qps_t=$(dns_med tapir 2)
qps_d=$(dns_med dnsmasq 2)
ok=$(awk -v t="$qps_t" -v d="$qps_d" 'BEGIN { print (t >= d) ? 1 : 0 }')
res=$(nb_verdict "$ok")
[ "$upstream_during" = 0 ] || res="$res (but $upstream_during queries went upstream)"

nb_header "DNS cache benchmark (dnsperf)"
echo "  dnsmasq $(dnsmasq --version | awk 'NR == 1 { print $3 }') (dnsmasq-base $(nb_ver dnsmasq-base))," \
	"dnsperf $(nb_ver dnsperf)"
echo "  $NAMES names, every answer from the cache (the upstream saw $upstream_during queries in the rounds);"
echo "  $ROUNDS rounds of ${SECS}s per server, taking turns; dnsperf $PERF; medians over rounds"
fmt='%-8s %9s %8s %8s %9s %10s %10s %6s %5s %7s  %s\n'
# shellcheck disable=SC2059
{
	printf "$fmt" server "queries/s" "lat avg" "lat max" "lat sdev" sent completed lost "cpu%" "us/q" result
	for srv in tapir dnsmasq; do
		if [ $srv = tapir ]; then r="$res (>= dnsmasq)"; else r="(reference)"; fi
		printf "$fmt" $srv "$(r0 "$(dns_med $srv 2)")" \
			"$(r0 "$(dns_med $srv 3)")us" "$(r0 "$(dns_med $srv 4)")us" \
			"$(r0 "$(dns_med $srv 5)")us" "$(r0 "$(dns_med $srv 6)")" \
			"$(r0 "$(dns_med $srv 7)")" "$(dns_sum $srv 8)" \
			"$(r0 "$(dns_med $srv 9)")" \
			"$(printf '%.2f' "$(dns_med $srv 10)")" "$r"
	done
} | sed 's/ *$//'
echo "  lat: dnsperf's average, maximum and standard deviation of the latency; lost: summed"
echo "  over the rounds; cpu%: the server's, of one CPU; us/q: its CPU microseconds per query"
echo "  per round (queries/s):"
for srv in tapir dnsmasq; do
	printf '    %-8s' $srv
	awk -v s=$srv '$1 == s { printf " %8.0f", $2 }' "$DIR/rounds"
	echo
done
printf '  ratio tapir/dnsmasq: %s\n' "$(awk -v t="$qps_t" -v d="$qps_d" 'BEGIN { printf "%.2f", t / d }')"
nb_finish "$res"
