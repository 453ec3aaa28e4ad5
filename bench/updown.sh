#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# updown.sh - wall time of "tapir net up" + "tapir net down" of a nat
# network, against the shell script it replaces
#
# Usage: bench/updown.sh          (as root; make bench runs it)
#
#   netns $NET_INET ("the internet", tests/lib/net.sh): 198.51.100.1,
#     HTTP and DNS servers
#        | veth
#   netns $NET_HOST ("the host", tests/lib/net.sh): uplink0 198.51.100.2,
#     default route, resolv.conf -> 198.51.100.1; in turns:
#       tapir net up updn / tapir net down updn   (nat, tp-updn,
#         10.213.0.1/24, DHCP .2-.254, DNS, domain updn.internal)
#       bench/lib/netref.sh up / down             (the same with ip, nft
#         and dnsmasq: bridge rf-updn, the same address, range, domain and
#         nftables rules; dnsmasq started and waited for, then stopped and
#         waited for)
#
# Each round times "up" and "down" of both, in turns (which goes first
# alternates), after BENCH_UPDOWN_WARMUP rounds that are not counted.
# Times are taken inside the host namespace by one shell, around each
# command, so "ip netns exec" is not in them; each "up" returns once the
# network serves DHCP and DNS (tapir: the service said READY; dnsmasq: it
# has backgrounded itself, which it does once its sockets are open); each
# "down" once everything is removed and the servers have exited.
#
# The shell runs as init of a PID namespace of its own (unshare --pid),
# so it reaps orphans at once, as systemd does: both tapir's service and
# the daemonized dnsmasq are orphans, and both "tapir net down" and the
# script wait until their server is gone from /proc.  On a machine whose
# init reaps late (a container's), a zombie would otherwise be charged to
# "down".  BENCH_UPDOWN_PIDNS=0 runs without it.
#
# Run directories - tapir's state (--rundir), dnsmasq's pid file - are on
# a tmpfs mounted for the timing shell alone, as /run is on Debian; the
# lease files stay on disk (tapir's --statedir, dnsmasq's lease file).
# tapir writes its run state with fsync() at each step, which costs next
# to nothing on tmpfs and a few milliseconds on a disk.
#
# At the start and at the end, the host's links, addresses, routes and
# nftables ruleset must be the same (tests/lib/net.sh: net_snapshot), and
# in the first round both networks must have DHCP and DNS sockets open.
#
# Target: tapir's median up+down at most half the script's.
#
# Environment:
#   BENCH_UPDOWN_ROUNDS=30   rounds counted
#   BENCH_UPDOWN_WARMUP=2    rounds first, not counted
#   BENCH_UPDOWN_PIDNS=1     0: no PID namespace (see above)
#   TAPIR_BUILD=build        the release build (never build/check)
#   BENCH_STRICT=1           exit 3 when the target is missed
#
# Exit status: 0 when the benchmark ran, whether or not the target was met;
# 2 when it could not run; 1 when a run broke; 3 for a missed target with
# BENCH_STRICT=1.
# shellcheck source-path=SCRIPTDIR
set -u
# shellcheck disable=SC2034  # used by t_log
T_NAME=bench-updown
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib/netbench.sh
. "$here/lib/netbench.sh"
# shellcheck source=../tests/lib/net.sh
. "$TAPIR_SRC/tests/lib/net.sh"

nb_need dnsmasq nft python3 ss sysctl
ROUNDS=${BENCH_UPDOWN_ROUNDS:-30}
WARMUP=${BENCH_UPDOWN_WARMUP:-2}
PIDNS=${BENCH_UPDOWN_PIDNS:-1}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || nb_cannot "BENCH_UPDOWN_ROUNDS must be a positive number"
[[ $WARMUP =~ ^[0-9]+$ ]] || nb_cannot "BENCH_UPDOWN_WARMUP must be a number"
REF=$here/lib/netref.sh
NAME=updn

net_setup
mkdir -p "$NET_DIR/ref" "$NET_DIR/tmprun"
net_conf <<EOF
[network $NAME]
mode = nat
address = 10.213.0.1/24
EOF
before=$(net_snapshot)

# The timing shell.  Arguments: rounds, warm-up rounds, tapir, the
# scratch directory, the script, then the script's arguments but for the
# run directory (DIR/tmprun/ref) and the state directory (DIR/ref).  Prints
# "WHO UP_US DOWN_US" per counted round; in the first round also
# "CHECK WHO OK|missing-sockets".  If it dies, so does its PID namespace,
# and the servers with it; what they made goes with the namespace.
cat >"$NET_DIR/loop.sh" <<'EOF'
rounds=$1 warmup=$2 tapir=$3 dir=$4 ref=$5
shift 5
mount -t tmpfs -o size=16m,mode=0755 bench-run "$dir/tmprun" || exit 1
mkdir -p "$dir/tmprun/tapir" "$dir/tmprun/ref"
set -- "$@" "$dir/tmprun/ref" "$dir/ref"
now() { echo "${EPOCHREALTIME/./}"; }
sockets() {
	ss -Hlun 'sport = :67' | grep -q . && ss -Hlun 'sport = :53' | grep -q 10.213.0.1
}
one() {
	local who=$1 t0 t1 t2 t3 ok=OK
	shift
	t0=$(now)
	if [ "$who" = tapir ]; then
		"$tapir" --config "$dir/tapir.conf" --rundir "$dir/tmprun/tapir" \
			--statedir "$dir/state" net up updn >/dev/null || return 1
	else
		"$ref" up "$@" || return 1
	fi
	t1=$(now)
	[ "$i" = 0 ] && { sockets || ok=missing-sockets; }
	t2=$(now)
	if [ "$who" = tapir ]; then
		"$tapir" --config "$dir/tapir.conf" --rundir "$dir/tmprun/tapir" \
			--statedir "$dir/state" net down updn >/dev/null || return 1
	else
		"$ref" down "$@" || return 1
	fi
	t3=$(now)
	[ "$i" = 0 ] && echo "CHECK $who $ok"
	[ "$i" -ge 0 ] && echo "$who $((t1 - t0)) $((t3 - t2))"
	return 0
}
for ((i = -warmup; i < rounds; i++)); do
	if [ $(((i + warmup) % 2)) = 0 ]; then
		one tapir || { echo "FAILED tapir"; exit 1; }
		one ref "$@" || { echo "FAILED ref"; exit 1; }
	else
		one ref "$@" || { echo "FAILED ref"; exit 1; }
		one tapir || { echo "FAILED tapir"; exit 1; }
	fi
done
EOF

pidns=()
[ "$PIDNS" = 1 ] && pidns=(unshare --pid --fork --mount-proc)
t_log "$ROUNDS rounds (+$WARMUP warm-up) of tapir and the script, in turns"
ip netns exec "$NET_HOST" "${pidns[@]}" bash "$NET_DIR/loop.sh" "$ROUNDS" \
	"$WARMUP" "$TAPIR" "$NET_DIR" "$REF" "$NAME" "rf-$NAME" 10.213.0.1/24 \
	10.213.0.0/24 10.213.0.2 10.213.0.254 \
	>"$NET_DIR/times" 2>"$NET_DIR/loop.err" ||
	nb_broke "$(grep FAILED "$NET_DIR/times") $(tail -n 5 "$NET_DIR/loop.err")"
grep -q "^CHECK tapir OK" "$NET_DIR/times" ||
	nb_broke "tapir's network had no DHCP or DNS socket after up"
grep -q "^CHECK ref OK" "$NET_DIR/times" ||
	nb_broke "the script's network had no DHCP or DNS socket after up"
after=$(net_snapshot)
[ "$before" = "$after" ] ||
	nb_broke "the host is not as it was: $(diff <(echo "$before") <(echo "$after") | head -n 20)"

# F[WHO.WHAT]: "n median p10 p90 min max", WHAT being up, down or total
declare -A F
for who in tapir ref; do
	F[$who.up]=$(awk -v w=$who '$1 == w { print $2 }' "$NET_DIR/times" | nb_stats)
	F[$who.down]=$(awk -v w=$who '$1 == w { print $3 }' "$NET_DIR/times" | nb_stats)
	F[$who.total]=$(awk -v w=$who '$1 == w { print $2 + $3 }' "$NET_DIR/times" | nb_stats)
done
# med WHO.WHAT [FIELD]: a field of F, default the median
med() {
	local a
	read -r -a a <<<"${F[$1]}"
	echo "${a[${2:-1}]}"
}
ratio=$(awk -v t="$(med tapir.total)" -v r="$(med ref.total)" 'BEGIN { printf "%.2f", t / r }')
ok=$(awk -v t="$(med tapir.total)" -v r="$(med ref.total)" 'BEGIN { print (t <= r / 2) ? 1 : 0 }')
res=$(nb_verdict "$ok")

nb_header "tapir net up + down benchmark (nat network)"
echo "  dnsmasq $(dnsmasq --version | awk 'NR == 1 { print $3 }') (dnsmasq-base $(nb_ver dnsmasq-base))," \
	"nft $(nft --version | awk '{ print $2 }') (nftables $(nb_ver nftables)), ip (iproute2 $(nb_ver iproute2))"
if [ "$PIDNS" = 1 ]; then
	echo "  $ROUNDS rounds after $WARMUP warm-up, in turns; in a PID namespace whose init reaps at once;"
else
	echo "  $ROUNDS rounds after $WARMUP warm-up, in turns; orphans reaped by the machine's init;"
fi
echo "  run directories on tmpfs, leases on $(findmnt -n -o FSTYPE --target "$NET_DIR")"
fmt='%-28s %8s %8s %8s %8s %8s %8s  %-18s %s\n'
# shellcheck disable=SC2059
{
	printf "$fmt" "milliseconds" "up" "down" "up+down" p10 p90 max target result
	for who in tapir ref; do
		if [ $who = tapir ]; then
			label="tapir net up/down" tgt="<= 0.5 x script" r="$res ($ratio x)"
		else
			label="script: ip, nft, dnsmasq" tgt="(reference)" r=""
		fi
		printf "$fmt" "$label" "$(nb_ms "$(med $who.up)")" \
			"$(nb_ms "$(med $who.down)")" "$(nb_ms "$(med $who.total)")" \
			"$(nb_ms "$(med $who.total 2)")" "$(nb_ms "$(med $who.total 3)")" \
			"$(nb_ms "$(med $who.total 5)")" "$tgt" "$r"
	done
} | sed 's/ *$//'
echo "  up, down, up+down: medians over the rounds; p10, p90, max: of up+down"
echo "  the script: $REF"
nb_finish "$res"
