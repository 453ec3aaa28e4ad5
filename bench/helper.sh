#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# helper.sh - benchmark tapir-bridge-helper against QEMU's qemu-bridge-helper
#
# Usage: bench/helper.sh            (as root; make bench runs it)
#
# Both helpers are run the way QEMU runs them (bench/helper_bench.c) inside
# throwaway network namespaces, with a private /etc/qemu/bridge.conf that
# says "allow all" (tests/lib/helper.sh: h_enter), so the real /etc and the
# root namespace are never touched.  Two phases:
#
#   latency  ours and QEMU's helper alternately, BENCH_RUNS calls each, on
#            one fresh bridge.  Target: our median <= QEMU's median.
#   scale    BENCH_CALLS calls of each helper, every tap held open; median
#            of the first and of the last BENCH_WINDOW calls, and
#            last/first.  Target for ours: ratio <= 1.5; QEMU's figures are
#            the reference.
#
# Fairness of the scale runs.  Each helper gets its own fresh bridge in its
# own fresh namespace, so its calls meet only its own taps: the kernel's
# "tap%d" name search scans the devices of one namespace and the bridge's
# per-port work walks one bridge's ports, and a helper run on the bridge
# our 1000 taps sit on would be charged for our taps.  By default
# (BENCH_SCALE=alone) our helper's 1000 calls run first, its taps are
# deleted, then QEMU's 1000 calls run: each helper meets only the
# after-effects of its own taps (the kernel keeps working on a new port
# for a while after the call, e.g. IPv6 address autoconfiguration), which
# is what the target is about, but a change in the machine's load between
# the two runs falls on one of them only, so the phase runs three times by
# default (BENCH_SCALE_RUNS) with the helpers taking turns to go first,
# and the table reports medians: single runs vary by +-0.4 in the ratio.  BENCH_SCALE=alternate alternates
# the calls of both helpers (ABBA), each still on its own bridge, so the
# machine's load falls on both alike; then each helper also meets the
# other's 1000 fresh ports' background work, which makes both ratios
# higher than they are for a helper alone.
#
# The times are "until the descriptor arrives" (the figure the targets are
# about); "until exit" adds the wait for the helper to exit, which QEMU
# also does before it carries on.  Each taken from just before fork().
#
# Environment:
#   BENCH_RUNS=200  BENCH_CALLS=1000  BENCH_WINDOW=100  BENCH_WARMUP=5
#   QEMU_HELPER=/usr/lib/qemu/qemu-bridge-helper
#   HELPER=PATH         benchmark another build of ours (default: the one
#                       in TAPIR_BUILD)
#   TAPIR_BUILD=build   the release build; never build/check, whose
#                       sanitizers would distort every figure
#   BENCH_SCALE=alone   or "alternate" (see above)
#   BENCH_SCALE_RUNS=3  repeat the scale phase; the table shows the median
#                       of each figure over the runs, and the helpers take
#                       turns going first
#   BENCH_RAW=DIR       keep per-call CSV files (helper_bench --raw) in DIR
#   BENCH_STRICT=1      exit 3 when a target is missed
#
# Exit status: 0 when the benchmark ran, whether or not the targets were
# met (a miss is a finding, reported as FAIL in the table); 2 when it could
# not run (not root, something missing); 1 when a run broke (a helper
# failed, which helper_bench reports); 3 for a missed target with
# BENCH_STRICT=1.

# shellcheck source-path=SCRIPTDIR
set -u

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TAPIR_SRC=${TAPIR_SRC:-$(cd "$here/.." && pwd)}
TAPIR_BUILD=${TAPIR_BUILD:-$TAPIR_SRC/build}
HELPER=${HELPER:-$TAPIR_BUILD/helper/tapir-bridge-helper}
export TAPIR_SRC TAPIR_BUILD HELPER
# shellcheck source=../tests/lib/common.sh
. "$TAPIR_SRC/tests/lib/common.sh"
# shellcheck source=../tests/lib/helper.sh
. "$TAPIR_SRC/tests/lib/helper.sh"
# shellcheck disable=SC2034  # used by t_log
T_NAME=bench-helper

cannot() {
	t_log "cannot run: $*"
	exit 2
}

DRIVER=$TAPIR_BUILD/bench/helper_bench
QEMU_HELPER=${QEMU_HELPER:-/usr/lib/qemu/qemu-bridge-helper}
RUNS=${BENCH_RUNS:-200}
CALLS=${BENCH_CALLS:-1000}
WINDOW=${BENCH_WINDOW:-100}
WARMUP=${BENCH_WARMUP:-5}
RAW=${BENCH_RAW:-}
SCALE_MODE=${BENCH_SCALE:-alone}
SCALE_RUNS=${BENCH_SCALE_RUNS:-3}
[[ $SCALE_RUNS =~ ^[1-9][0-9]*$ ]] || cannot "BENCH_SCALE_RUNS must be a positive number"
case $SCALE_MODE in
alone | alternate) ;;
*) cannot "BENCH_SCALE must be alone or alternate" ;;
esac

[ "$(id -u)" -eq 0 ] || cannot "needs root (network namespaces, bridges, taps)"
for c in ip unshare mount; do
	command -v "$c" >/dev/null 2>&1 || cannot "needs $c"
done
[ -x "$HELPER" ] || cannot "$HELPER not built (run make)"
[ -x "$DRIVER" ] || cannot "$DRIVER not built (run make; tests=true)"
[ -x "$QEMU_HELPER" ] || cannot "$QEMU_HELPER missing (qemu-system-common)"
[ -c /dev/net/tun ] || cannot "no /dev/net/tun"
case $TAPIR_BUILD in
*/check) t_log "warning: $TAPIR_BUILD is the sanitizer build; figures are not representative" ;;
esac
if [ -n "$RAW" ]; then
	mkdir -p "$RAW" || cannot "cannot create $RAW"
	RAW=$(cd "$RAW" && pwd)
fi

DIR=$(t_tmpdir)
h_prepare "$DIR"
echo "allow all" >"$DIR/qemu/bridge.conf"
chmod 644 "$DIR/qemu/bridge.conf"

ns_lat='' ns_so='' ns_sq=''

# mkns VAR TAG: create a fresh namespace with lo and a bridge "br0", both
# up, removed at exit; its name goes to VAR.
mkns() {
	local n
	n=$(t_uniq "$2")
	t_netns "$n"
	ip -n "$n" link add br0 type bridge || cannot "cannot create a bridge"
	ip -n "$n" link set br0 up
	printf -v "$1" '%s' "$n"
}

# notaps NS...: fail unless every tap is gone (the driver deletes its taps
# before it exits), then remove the namespaces.
notaps() {
	local n
	for n in "$@"; do
		if ip -n "$n" -o link show | grep -q ': tap'; then
			t_log "taps left behind in $n"
			exit 1
		fi
		ip netns del "$n"
	done
}

# run_driver NS OUT ARGS...: run the driver in NS with our /etc/qemu.
run_driver() {
	local ns=$1 out=$2 raw=()
	shift 2
	[ -n "$RAW" ] && raw=(--raw="$RAW/$(basename "$out" .out).csv")
	if ! h_enter "$ns" "$DIR" -- "$DRIVER" "$@" --br=br0 \
		--warmup="$WARMUP" "${raw[@]}" >"$out"; then
		t_log "the driver failed: $*"
		exit 1
	fi
}

# Latency: both helpers alternately on one bridge.
mkns ns_lat blat
run_driver "$ns_lat" "$DIR/lat.out" latency --runs="$RUNS" \
	"ours=$HELPER" "qemu=$QEMU_HELPER"
notaps "$ns_lat"

# Scale: each helper on its own fresh bridge in its own fresh namespace,
# SCALE_RUNS times; the order of the helpers swaps from run to run.
: >"$DIR/scale.out"
for ((run = 1; run <= SCALE_RUNS; run++)); do
	mkns ns_so bsou
	mkns ns_sq bsqe
	if [ "$SCALE_MODE" = alternate ]; then
		ns_drv=$(t_uniq bdrv)
		t_netns "$ns_drv"
		specs=("ours@$ns_so=$HELPER" "qemu@$ns_sq=$QEMU_HELPER")
		[ $((run % 2)) = 0 ] && specs=("${specs[1]}" "${specs[0]}")
		run_driver "$ns_drv" "$DIR/scale$run.out" scale \
			--calls="$CALLS" --window="$WINDOW" "${specs[@]}"
		notaps "$ns_so" "$ns_sq" "$ns_drv"
		cat "$DIR/scale$run.out" >>"$DIR/scale.out"
	else
		order=(ours qemu)
		[ $((run % 2)) = 0 ] && order=(qemu ours)
		for h in "${order[@]}"; do
			if [ "$h" = ours ]; then
				ns=$ns_so spec="ours=$HELPER"
			else
				ns=$ns_sq spec="qemu=$QEMU_HELPER"
			fi
			run_driver "$ns" "$DIR/scale${run}_$h.out" scale \
				--calls="$CALLS" --window="$WINDOW" "$spec"
			notaps "$ns"
			cat "$DIR/scale${run}_$h.out" >>"$DIR/scale.out"
		done
	fi
done

# kv FILE PREFIX KEY: the median of the values of KEY= on the lines of FILE
# that start with PREFIX (one line per run).
kv() {
	sed -n "s/^$2 .*[[:space:]]$3=\([^[:space:]]*\).*/\1/p" "$1" | sort -g |
		awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# F[KEY]: the figures, KEY being "lat.HELPER.STAT" or "scale.HELPER.STAT"
declare -A F
for h in ours qemu; do
	for k in fd_median fd_p10 fd_p90 exit_median cpu_median; do
		F[lat.$h.$k]=$(kv "$DIR/lat.out" "latency label=$h" "${k}_us")
	done
	for k in first_median last_median exit_first_median exit_last_median \
		cpu_first_median cpu_last_median; do
		F[scale.$h.$k]=$(kv "$DIR/scale.out" "scale label=$h" "${k}_us")
	done
	F[scale.$h.ratio]=$(kv "$DIR/scale.out" "scale label=$h" ratio)
done
for k in lat.ours.fd_median lat.qemu.fd_median scale.ours.ratio scale.qemu.ratio; do
	[ -n "${F[$k]}" ] || { t_log "no figure $k in the driver's output"; exit 1; }
done

# Targets (awk does the floating-point comparisons).
lat_ok=$(awk -v a="${F[lat.ours.fd_median]}" -v b="${F[lat.qemu.fd_median]}" \
	'BEGIN { print (a <= b) ? "PASS" : "FAIL" }')
lat_vs=$(awk -v a="${F[lat.ours.fd_median]}" -v b="${F[lat.qemu.fd_median]}" \
	'BEGIN { printf "%+.1f%%", (a / b - 1) * 100 }')
scale_ok=$(awk -v r="${F[scale.ours.ratio]}" 'BEGIN { print (r <= 1.5) ? "PASS" : "FAIL" }')

# r VALUE: round to whole microseconds
r() { [ -n "${1:-}" ] && printf '%.0f' "$1"; }
# xr A B: B/A
xr() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.3f", b / a }'; }
qver=$(dpkg-query -W -f='${Version}' qemu-system-common 2>/dev/null || echo "?")

echo
echo "bridge helper benchmark: Linux $(uname -r) $(uname -m), $(nproc) CPUs, $(date -u +%Y-%m-%dT%H:%MZ)"
echo "  ours: $HELPER"
echo "  qemu: $QEMU_HELPER (qemu-system-common $qver)"
echo "  microseconds from fork() until the tap descriptor arrives (\"exit\": until"
echo "  waitpid() returns; \"cpu\": CPU time of the helper process)"
fmt='%-28s %5s %8s %8s %8s %8s %8s  %-13s %s\n'
# shellcheck disable=SC2059
{
printf "$fmt" measure calls median p10 p90 exit cpu target result
for h in ours qemu; do
	if [ $h = ours ]; then tgt="ours <= qemu" res="$lat_ok ($lat_vs)"; else tgt="" res=""; fi
	printf "$fmt" "latency $h" "$RUNS" "$(r "${F[lat.$h.fd_median]}")" \
		"$(r "${F[lat.$h.fd_p10]}")" "$(r "${F[lat.$h.fd_p90]}")" \
		"$(r "${F[lat.$h.exit_median]}")" "$(r "${F[lat.$h.cpu_median]}")" "$tgt" "$res"
done
for h in ours qemu; do
	if [ $h = ours ]; then tgt="<= 1.5" res=$scale_ok; else tgt="(reference)" res=""; fi
	printf "$fmt" "scale $h, first $WINDOW" "$WINDOW" "$(r "${F[scale.$h.first_median]}")" "" "" \
		"$(r "${F[scale.$h.exit_first_median]}")" "$(r "${F[scale.$h.cpu_first_median]}")" "" ""
	printf "$fmt" "scale $h, last $WINDOW" "$WINDOW" "$(r "${F[scale.$h.last_median]}")" "" "" \
		"$(r "${F[scale.$h.exit_last_median]}")" "$(r "${F[scale.$h.cpu_last_median]}")" "" ""
	printf "$fmt" "scale $h, ratio last/first" "" "${F[scale.$h.ratio]}" "" "" \
		"$(xr "${F[scale.$h.exit_first_median]}" "${F[scale.$h.exit_last_median]}")" \
		"$(xr "${F[scale.$h.cpu_first_median]}" "${F[scale.$h.cpu_last_median]}")" "$tgt" "$res"
done
} | sed 's/ *$//'
echo "  latency: $RUNS calls per helper, alternating, on one fresh bridge"
if [ "$SCALE_MODE" = alternate ]; then
	how="calls alternating, each helper on its own fresh bridge and namespace"
else
	how="each helper alone on a fresh bridge in a fresh namespace"
fi
echo "  scale: $CALLS calls per helper, all taps held, $how;"
if [ "$SCALE_RUNS" -gt 1 ]; then
	echo "  $SCALE_RUNS runs, helpers taking turns to go first, medians over the runs"
else
	echo "  one run, ours first"
fi
echo "  scale, median per window of $WINDOW calls:"
for h in ours qemu; do
	printf '    %-5s' "$h"
	for ((from = 0; from + WINDOW <= CALLS; from += WINDOW)); do
		printf ' %6.0f' "$(kv "$DIR/scale.out" "scale_window label=$h from=$from" fd_median_us)"
	done
	echo
done
if [ -n "$RAW" ]; then echo "  per-call CSV files in $RAW"; fi

if [ "${BENCH_STRICT:-0}" = 1 ] && [ "$lat_ok$scale_ok" != PASSPASS ]; then
	exit 3
fi
exit 0
