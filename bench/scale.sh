#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# scale.sh - 100 networks up at once, 1000 taps on one bridge, and how
# fast "tapir net status" stays with them
#
# Usage: bench/scale.sh           (as root; make bench runs it)
#
#   netns $NET_INET ("the internet", tests/lib/net.sh)
#        | veth
#   netns $NET_HOST ("the host", tests/lib/net.sh):
#     1. tapir: 100 nat networks s00..s99 from one tapir.conf, subnets
#        10.220.0.0/24 .. 10.220.99.0/24, each with DHCP and DNS (one
#        service process each), brought up one after the other, all up
#        together; status and list timed; then all taken down.
#     2. the reference: the same 100 networks with bench/lib/netref.sh
#        (ip, nft and one dnsmasq each), up and down the same way.
#     3. tapir network "ports" (tp-ports), then 1000 taps made and
#        attached by "tapir tap add tNNNN --bridge tp-ports"; status timed
#        with 1000 ports.
#   netns REF ("another host"): the reference for 3: a bridge and 1000
#     taps made with "ip tuntap add" and attached with "ip link set
#     master", one command each.
#
# If a phase breaks, its servers die with the timing shell's PID namespace
# (or are killed with the namespace's processes at exit), and what they
# made goes with the network namespace.
#
# Times are taken by one shell inside the namespace, around each command
# (no "ip netns exec" in them).  1 and 2 run in a PID namespace whose init
# is that shell, which reaps at once, as systemd does (see
# bench/updown.sh).  Memory is the resident set (RSS) and proportional set
# (PSS: shared pages divided among their users) of the service processes -
# tapir's (forked by "net up", they keep its command line), the
# reference's dnsmasq processes - from /proc/PID/smaps_rollup while all
# 100 networks are up.  Run directories
# (tapir's --rundir, dnsmasq's pid files) are on a tmpfs mounted for the
# timing shell, as /run is on Debian; leases are on disk.
#
# Targets: every run of "tapir net status NAME" and "--json" (and "tapir
# net list", "--json") under 100 ms, with 100 networks up and with 1000
# ports on one bridge; BENCH_SCALE_RUNS runs each, median and maximum
# shown.  The rest (up, down, tap add, memory) is reported beside the
# reference, without a target.
#
# Environment:
#   BENCH_SCALE_NETS=100     networks (at most 250)
#   BENCH_SCALE_TAPS=1000    taps
#   BENCH_SCALE_RUNS=20      runs of each status command
#   TAPIR_BUILD=build        the release build (never build/check)
#   BENCH_STRICT=1           exit 3 when a target is missed
#
# Exit status: 0 when the benchmark ran, whether or not the targets were
# met; 2 when it could not run; 1 when a run broke; 3 for a missed target
# with BENCH_STRICT=1.
# shellcheck source-path=SCRIPTDIR
set -u
# shellcheck disable=SC2034  # used by t_log
T_NAME=bench-scale
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/netbench.sh
. "$here/lib/netbench.sh"
# shellcheck source=../tests/lib/net.sh
. "$TAPIR_SRC/tests/lib/net.sh"

nb_need dnsmasq nft python3 bridge
NETS=${BENCH_SCALE_NETS:-100}
TAPS=${BENCH_SCALE_TAPS:-1000}
RUNS=${BENCH_SCALE_RUNS:-20}
for v in NETS TAPS RUNS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || nb_cannot "BENCH_SCALE_$v must be a positive number"
done
[ "$NETS" -le 250 ] || nb_cannot "BENCH_SCALE_NETS must be at most 250"
[ "$TAPS" -le 9999 ] || nb_cannot "BENCH_SCALE_TAPS must be at most 9999"
REF=$here/lib/netref.sh

net_setup
D=$NET_DIR
mkdir -p "$D/ref" "$D/tmprun"
{
	for ((i = 0; i < NETS; i++)); do
		printf '[network s%02d]\nmode = nat\naddress = 10.220.%d.1/24\n\n' "$i" "$i"
	done
	printf '[network ports]\nmode = isolated\naddress = 10.221.0.1/24\n'
} | net_conf
mid=$(printf 's%02d' $((NETS / 2)))
before=$(net_snapshot)

# The timing shell: "loop.sh PHASE ARGS..." prints lines "WHAT N US" for
# timed commands, "MEM RSS PSS" per server process, and "FAILED ..." if a
# command fails (then it stops).
cat >"$D/loop.sh" <<'EOF'
phase=$1 tapir=$2 dir=$3 ref=$4 nets=$5 runs=$6 mid=$7 taps=$8
mount -t tmpfs -o size=64m,mode=0755 bench-run "$dir/tmprun" || exit 1
mkdir -p "$dir/tmprun/tapir" "$dir/tmprun/ref"
now() { echo "${EPOCHREALTIME/./}"; }
# timed WHAT N CMD...: run CMD, print "WHAT N microseconds"
timed() {
	local what=$1 n=$2 t0
	shift 2
	t0=$(now)
	"$@" >/dev/null 2>&1 || { echo "FAILED $what $n: $*"; exit 1; }
	echo "$what $n $(($(now) - t0))"
}
T() {
	"$tapir" --config "$dir/tapir.conf" --rundir "$dir/tmprun/tapir" \
		--statedir "$dir/state" "$@"
}
# mem COMM MATCH: RSS and PSS of each process named COMM whose command
# line contains MATCH
mem() {
	local p
	for p in /proc/[0-9]*; do
		[ "$(cat "$p/comm" 2>/dev/null)" = "$1" ] || continue
		tr '\0' ' ' <"$p/cmdline" | grep -q -- "$2" || continue
		awk '/^Rss:/ { r = $2 } /^Pss:/ { p = $2 } END { print "MEM", r, p }' \
			"$p/smaps_rollup"
	done
}
ref_args() {
	local i=$1
	echo "s$i rf-s$i 10.220.$((10#$i)).1/24 10.220.$((10#$i)).0/24" \
		"10.220.$((10#$i)).2 10.220.$((10#$i)).254 $dir/tmprun/ref $dir/ref"
}
case $phase in
tapir)
	for ((i = 0; i < nets; i++)); do
		timed up "$i" T net up "$(printf 's%02d' $i)"
	done
	mem tapir " net up "
	for ((k = 0; k < runs; k++)); do
		timed status "$k" T net status "$mid"
		timed status-json "$k" T net status "$mid" --json
		timed list "$k" T net list
		timed list-json "$k" T net list --json
	done
	for ((i = 0; i < nets; i++)); do
		timed down "$i" T net down "$(printf 's%02d' $i)"
	done
	;;
ref)
	for ((i = 0; i < nets; i++)); do
		# shellcheck disable=SC2046
		timed up "$i" "$ref" up $(ref_args "$(printf '%02d' $i)")
	done
	mem dnsmasq "--pid-file=$dir/tmprun/ref/"
	for ((k = 0; k < runs; k++)); do
		timed status "$k" sh -c "ip -br addr show dev rf-$mid; bridge link show master rf-$mid; nft list table inet ref-$mid; cat $dir/ref/$mid.leases 2>/dev/null"
	done
	for ((i = 0; i < nets; i++)); do
		# shellcheck disable=SC2046
		timed down "$i" "$ref" down $(ref_args "$(printf '%02d' $i)")
	done
	;;
taps)
	timed netup 0 T net up ports
	for ((i = 0; i < taps; i++)); do
		timed tap "$i" T tap add "$(printf 't%04d' $i)" --bridge tp-ports
	done
	for ((k = 0; k < runs; k++)); do
		timed status "$k" T net status ports
		timed status-json "$k" T net status ports --json
	done
	echo "PORTS $(T net status ports --json | python3 -c \
		'import json, sys; print(len(json.load(sys.stdin).get("ports", [])))')"
	timed netdown 0 T net down ports
	;;
reftaps)
	timed netup 0 sh -c "ip link add rf-ports type bridge stp_state 0 forward_delay 0 && ip addr add 10.221.0.1/24 dev rf-ports && ip link set rf-ports up"
	for ((i = 0; i < taps; i++)); do
		t=$(printf 'r%04d' $i)
		timed tap "$i" sh -c "ip tuntap add dev $t mode tap && ip link set $t master rf-ports up"
	done
	for ((k = 0; k < runs; k++)); do
		timed status "$k" ip -br link show master rf-ports
	done
	;;
esac
EOF

# scale_run NS PIDNS PHASE OUT: run a phase of the timing shell
scale_run() {
	local ns=$1 pidns=() phase=$3 out=$4
	[ "$2" = 1 ] && pidns=(unshare --pid --fork --mount-proc)
	ip netns exec "$ns" "${pidns[@]}" bash "$D/loop.sh" "$phase" "$TAPIR" \
		"$D" "$REF" "$NETS" "$RUNS" "$mid" "$TAPS" >"$out" 2>"$out.err" ||
		nb_broke "$phase: $(grep FAILED "$out") $(tail -n 3 "$out.err")"
}

t_log "tapir: $NETS networks up, status and list $RUNS times each, all down"
scale_run "$NET_HOST" 1 tapir "$D/tapir.out"
t_log "the script: $NETS networks up, down"
scale_run "$NET_HOST" 1 ref "$D/ref.out"
after=$(net_snapshot)
[ "$before" = "$after" ] ||
	nb_broke "the host is not as it was: $(diff <(echo "$before") <(echo "$after") | head -n 20)"
t_log "tapir: $TAPS taps on one bridge, status $RUNS times"
scale_run "$NET_HOST" 0 taps "$D/taps.out"
t_log "ip: $TAPS taps on one bridge"
RNS=$(t_uniq srft)
t_netns "$RNS"
scale_run "$RNS" 0 reftaps "$D/reftaps.out"

# st FILE WHAT [FIRST LAST]: "n median p10 p90 min max" of the times of
# WHAT in FILE, optionally only of N from FIRST to LAST
st() {
	awk -v w="$2" -v a="${3:-0}" -v b="${4:-999999}" \
		'$1 == w && $2 >= a && $2 <= b { print $3 }' "$1" | nb_stats
}
# f STATS I: field I of st's output (1 median, 4 min, 5 max), in ms
f() {
	local a
	read -r -a a <<<"$1"
	nb_ms "${a[$2]}"
}
sum_ms() {
	awk -v w="$2" '$1 == w { s += $3 } END { printf "%.0f", s / 1000 }' "$1"
}
mem_sum() {
	awk '$1 == "MEM" { n++; r += $2; p += $3 }
		END { if (n) printf "%d %.0f %.0f %.0f %.0f", n, r / 1024, p / 1024, r / n, p / n; else print "0 0 0 0 0" }' "$1"
}

# verdict FILE WHAT: PASS if every run of WHAT in FILE took under 100 ms
declare -A V
results=()
for k in tapir.status tapir.status-json tapir.list tapir.list-json \
	taps.status taps.status-json; do
	max=$(f "$(st "$D/${k%%.*}.out" "${k#*.}")" 5)
	V[$k]=$(nb_verdict "$(awk -v m="$max" 'BEGIN { print (m < 100) ? 1 : 0 }')")
	results+=("${V[$k]}")
done
# target LABEL FILE WHAT: a row of status times with its verdict
target() {
	local s
	s=$(st "$D/$2.out" "$3")
	printf "$fmt2" "$1" "$(f "$s" 1)" "$(f "$s" 5)" "< 100 ms" "${V[$2.$3]}"
}

nb_header "tapir net scale benchmark"
echo "  dnsmasq $(dnsmasq --version | awk 'NR == 1 { print $3 }') (dnsmasq-base $(nb_ver dnsmasq-base))," \
	"nft $(nft --version | awk '{ print $2 }'), ip (iproute2 $(nb_ver iproute2))"
fmt='%-36s %9s %9s %9s %9s %9s\n'
fmt2='%-36s %9s %9s  %-9s %s\n'
read -r mt_n mt_rss mt_pss mt_rss1 mt_pss1 <<<"$(mem_sum "$D/tapir.out")"
# row LABEL FILE KIND N: total, median, first N, last N and max of KIND
# over the NTOTAL runs in FILE
row() {
	local n=$4 all=$5
	# shellcheck disable=SC2059
	printf "$fmt" "$1" "$(sum_ms "$2" "$3")" "$(f "$(st "$2" "$3")" 1)" \
		"$(f "$(st "$2" "$3" 0 $((n - 1)))" 1)" \
		"$(f "$(st "$2" "$3" $((all - n)) $((all - 1)))" 1)" \
		"$(f "$(st "$2" "$3")" 5)"
}
read -r mr_n mr_rss mr_pss mr_rss1 mr_pss1 <<<"$(mem_sum "$D/ref.out")"
# shellcheck disable=SC2059
{
	echo
	echo "$NETS networks (nat, DHCP and DNS each), brought up one after the other:"
	printf "$fmt" "" "total ms" "median" "first 10" "last 10" "max"
	for w in tapir ref; do
		if [ $w = tapir ]; then l="tapir net up"; else l="script up (ip, nft, dnsmasq)"; fi
		row "$l" "$D/$w.out" up 10 "$NETS"
	done
	for w in tapir ref; do
		if [ $w = tapir ]; then l="tapir net down"; else l="script down"; fi
		row "$l" "$D/$w.out" down 10 "$NETS"
	done
	echo
	echo "memory with all $NETS up (MiB total; KiB per process):"
	printf "$fmt" "" processes "RSS MiB" "PSS MiB" "RSS/proc" "PSS/proc"
	printf "$fmt" "tapir services" "$mt_n" "$mt_rss" "$mt_pss" "$mt_rss1" "$mt_pss1"
	printf "$fmt" "dnsmasq (the script's)" "$mr_n" "$mr_rss" "$mr_pss" "$mr_rss1" "$mr_pss1"
	echo
	echo "status with $NETS networks up ($RUNS runs each, ms):"
	printf "$fmt2" "" median max target result
	target "tapir net status $mid" tapir status
	target "tapir net status $mid --json" tapir status-json
	target "tapir net list" tapir list
	target "tapir net list --json" tapir list-json
	s=$(st "$D/ref.out" status)
	printf "$fmt2" "script: ip, bridge, nft, cat leases" "$(f "$s" 1)" "$(f "$s" 5)" "" "(reference)"
	echo
	echo "$TAPS taps on one bridge:"
	printf "$fmt" "" "total ms" "median" "first 100" "last 100" "max"
	for w in taps reftaps; do
		if [ $w = taps ]; then l="tapir tap add --bridge"; else l="ip tuntap add + ip link set master"; fi
		row "$l" "$D/$w.out" tap 100 "$TAPS"
	done
	echo
	echo "status with $TAPS ports on the bridge ($(awk '$1 == "PORTS" { print $2 }' "$D/taps.out") listed; $RUNS runs each, ms):"
	printf "$fmt2" "" median max target result
	target "tapir net status ports" taps status
	target "tapir net status ports --json" taps status-json
	s=$(st "$D/reftaps.out" status)
	printf "$fmt2" "ip -br link show master BRIDGE" "$(f "$s" 1)" "$(f "$s" 5)" "" "(reference)"
	printf "$fmt2" "tapir net down ports ($TAPS ports)" "$(f "$(st "$D/taps.out" netdown)" 1)" "" "" ""
} | sed 's/ *$//'
nb_finish "${results[@]}"
