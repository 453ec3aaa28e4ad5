# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# netbench.sh - what the tapir net benchmarks (bench/dhcp.sh, dns.sh,
# updown.sh, scale.sh) share
#
# Source it first thing, after setting T_NAME:
#	T_NAME=bench-dhcp
#	. "$(dirname "$0")/lib/netbench.sh"
#
# It sources tests/lib/common.sh (t_defer, t_netns, t_uniq, t_tmpdir,
# t_wait_for: everything made is removed at exit, whatever happens) and
# checks that we are root and that the release build of tapir exists.
# Everything runs in network namespaces made here; nothing is configured
# in the root namespace, and /etc is touched only under /etc/netns/NS,
# which "ip netns exec NS" bind-mounts over /etc.
#
# Functions:
#   nb_cannot MSG...     the benchmark cannot run: say why, exit 2
#   nb_broke MSG...      a run broke: say why, exit 1
#   nb_need CMD...       nb_cannot unless every command exists
#   nb_host NS [NAMESERVER]
#                        a namespace NS with lo up and its own
#                        /etc/netns/NS/resolv.conf naming NAMESERVER
#                        (default 127.0.0.1: nothing); removed at exit
#   nb_tapir NS DIR ARGS...
#                        run tapir in NS with DIR/tapir.conf, DIR/run and
#                        DIR/state (--config, --rundir, --statedir)
#   nb_mark, nb_unwind   run the cleanups (t_defer) registered since
#                        nb_mark now, and forget them: for a benchmark
#                        that makes and removes many topologies
#   nb_loop NS N CMD...  run CMD N times in NS (one shell, so no
#                        "ip netns exec" in the figures); print each wall
#                        time in microseconds, or FAIL
#   nb_cpu PID           user + system CPU time of PID, microseconds
#   nb_mem PID...        "RSS PSS" of the processes together, KiB
#   nb_stats             read numbers, print "n median p10 p90 min max"
#   nb_ms US             microseconds as milliseconds, 1 decimal
#   nb_ver PKG           the installed version of a Debian package
#   nb_header TITLE      the first lines of a table: machine, date, tapir
#   nb_verdict OK        PASS or FAIL from a 0/1
#   nb_finish RESULT...  exit 3 with BENCH_STRICT=1 if any RESULT is FAIL,
#                        else 0

# shellcheck source-path=SCRIPTDIR
: "${TAPIR_SRC:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${TAPIR_BUILD:=$TAPIR_SRC/build}"
: "${TAPIR:=$TAPIR_BUILD/tapir/tapir}"
export TAPIR_SRC TAPIR_BUILD TAPIR
NB_NAME=${T_NAME:-bench}
# shellcheck source=../../tests/lib/common.sh
. "$TAPIR_SRC/tests/lib/common.sh"
T_NAME=$NB_NAME

nb_cannot() {
	t_log "cannot run: $*"
	exit 2
}

nb_broke() {
	t_log "broke: $*"
	exit 1
}

nb_need() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null 2>&1 ||
			nb_cannot "needs $c (scripts/deps.sh bench)"
	done
}

[ "$(id -u)" -eq 0 ] || nb_cannot "needs root (network namespaces)"
nb_need ip unshare awk
[ -x "$TAPIR" ] || nb_cannot "$TAPIR not built (run make)"
case $TAPIR_BUILD in
*/check) t_log "warning: $TAPIR_BUILD is the sanitizer build; figures are not representative" ;;
esac

nb_host() {
	t_netns "$1"
	mkdir -p "/etc/netns/$1" || nb_broke "cannot create /etc/netns/$1"
	t_defer "rm -rf '/etc/netns/$1'"
	echo "nameserver ${2:-127.0.0.1}" >"/etc/netns/$1/resolv.conf"
}

nb_mark() {
	NB_MARK=${#T_DEFERRED[@]}
}

nb_unwind() {
	local i
	for ((i = ${#T_DEFERRED[@]} - 1; i >= NB_MARK; i--)); do
		eval "${T_DEFERRED[$i]}" >/dev/null 2>&1 || true
	done
	T_DEFERRED=("${T_DEFERRED[@]:0:NB_MARK}")
}

nb_tapir() {
	local ns=$1 dir=$2
	shift 2
	ip netns exec "$ns" "$TAPIR" --config "$dir/tapir.conf" \
		--rundir "$dir/run" --statedir "$dir/state" "$@"
}

nb_loop() {
	local ns=$1 n=$2
	shift 2
	# shellcheck disable=SC2016
	ip netns exec "$ns" bash -c '
		n=$1; shift
		for ((i = 0; i < n; i++)); do
			t0=${EPOCHREALTIME/./}
			if "$@" >/dev/null 2>&1; then
				echo $((${EPOCHREALTIME/./} - t0))
			else
				echo FAIL
			fi
		done' nb_loop "$n" "$@"
}

nb_cpu() {
	local f
	# fields 14 and 15 of /proc/PID/stat, after the ")" ending the name
	f=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 1
	# shellcheck disable=SC2086
	set -- $f
	echo $(((${12} + ${13}) * 1000000 / $(getconf CLK_TCK)))
}

nb_mem() {
	local p rss=0 pss=0 r s
	for p in "$@"; do
		r=$(awk '/^Rss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		s=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
		rss=$((rss + ${r:-0}))
		pss=$((pss + ${s:-0}))
	done
	echo "$rss $pss"
}

nb_stats() {
	sort -g | awk '{ v[NR] = $1 }
		function q(p,  i) { i = int(p * (NR - 1) + 0.5) + 1; return v[i] }
		END {
			if (!NR) { print "0 - - - - -"; exit }
			m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			print NR, m, q(0.1), q(0.9), v[1], v[NR]
		}'
}

nb_ms() {
	awk -v u="$1" 'BEGIN { if (u == "-" || u == "") print "-"; else printf "%.1f", u / 1000 }'
}

nb_ver() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null || echo "?"
}

nb_header() {
	local rev fs
	rev=$(git -C "$TAPIR_SRC" rev-parse --short HEAD 2>/dev/null)
	[ -n "$rev" ] && [ -n "$(git -C "$TAPIR_SRC" status --porcelain \
		--untracked-files=no 2>/dev/null)" ] && rev="$rev+changes"
	fs=$(findmnt -n -o FSTYPE --target "$T_ROOT" 2>/dev/null)
	echo
	echo "$1: Linux $(uname -r) $(uname -m), $(nproc) CPUs" \
		"($(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)), $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "  tapir: $TAPIR ($("$TAPIR" --version 2>/dev/null | awk '{ print $2 }')${rev:+, git $rev})"
	echo "  scratch files (leases, state) on ${fs:-?}: $T_ROOT"
}

nb_verdict() {
	if [ "$1" = 1 ]; then echo PASS; else echo FAIL; fi
}

nb_finish() {
	local r
	if [ "${BENCH_STRICT:-0}" = 1 ]; then
		for r in "$@"; do
			[ "$r" = PASS ] || exit 3
		done
	fi
	exit 0
}
