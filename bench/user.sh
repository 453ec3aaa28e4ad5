#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# user.sh - tapir user against pasta and slirp4netns: TCP throughput,
# latency, connection rate and memory, namespace to host
#
# Usage: bench/user.sh            (as root; make bench runs it)
#
#   netns H, "the host" (made here; lo, and a veth pair up0/up1 with
#   198.51.100.2/24 and a default route via 198.51.100.1 that carries
#   nothing: pasta copies its namespace's address and gateway from the
#   host's default-route interface and will not start without one)
#     127.0.0.1:5201  iperf3 -s
#     127.0.0.1:5300  user_bench serve: echo; :5301 answer one byte, close
#     the forwarder, run by an ordinary user (BENCH_USER_UID, default
#     65534, nobody), making its own user and network namespace:
#       tapir-user -o mtu=MTU -- GUEST            (gateway 10.0.2.2)
#       pasta --config-net -f -q -m MTU -t none -u none -T none -U none
#             -- GUEST                             (gateway 198.51.100.1)
#       unshare -Urn GUEST, with slirp4netns --configure --mtu=MTU
#             --ready-fd=3 PID tap0 attached to it (gateway 10.0.2.2)
#   GUEST, in that namespace (root there, the ordinary user outside),
#   runs the clients against the gateway address, which each forwarder
#   maps to the host's 127.0.0.1: tapir-user and slirp4netns by default
#   (host loopback is on unless --no-host-loopback or
#   --disable-host-loopback), pasta by its default --map-gw (a TCP
#   connection to the default gateway's address goes to the host's
#   loopback).  pasta's port forwarding is off (-t/-u/-T/-U none): with
#   -T auto it would listen on the namespace's own 127.0.0.1 for the
#   host's ports and splice(2) those connections, bypassing its tap; the
#   connections measured here go through every forwarder's tap.
#
#   netns CA 203.0.113.1 --veth-- netns CB 203.0.113.2: the ceiling, the
#   kernel alone: iperf3 from CB to a server in CA, both ends of the veth
#   at the MTU measured.
#
# What is measured, each forwarder in turn (the order rotates each round),
# BENCH_USER_ROUNDS rounds; figures are medians over the rounds:
#   - throughput: iperf3 -J -t SECS -O OMIT, namespace to host ("up") and
#     -R ("down"), at MTU 1500 and 65520 (the tap's MTU, checked in the
#     namespace before anything runs); the receiver's bits per second.
#     The ceiling is measured in every round too.
#   - latency (at MTU 1500): user_bench pingpong, one connection,
#     BENCH_USER_RTT round trips of one byte (TCP_NODELAY).
#   - connection rate (MTU 1500): user_bench connrate, BENCH_USER_CONNS
#     connections one after another (connect, one byte each way, the
#     server's close, close).
#   - memory (MTU 1500): the forwarder's VmRSS (and VmHWM) from
#     /proc/PID/status while user_bench hold keeps BENCH_USER_IDLE idle
#     connections open, each of which has made one round trip; and its
#     VmRSS before any traffic.  By default in the first round only
#     (BENCH_USER_MEM_ROUNDS): the figures hardly vary from run to run,
#     while slirp4netns takes minutes to open 10,000 connections (it
#     polls every socket in every loop iteration).
# The forwarder is the process the tool runs as: tapir-user; pasta (it
# runs as passt.avx2 on CPUs with AVX2); slirp4netns.  Clients, servers
# and forwarders run with RLIMIT_NOFILE raised (soft = hard, at least
# 65536 when root may raise the hard limit): pasta needs two descriptors
# per connection (a socket and a timerfd), the others one.
#
# Targets, tapir against the faster of pasta and slirp4netns in each cell:
#   throughput at MTU 1500, each direction:  >= 1.5x
#   throughput at MTU 65520, each direction: >= 1.2x
#   latency, median round trip:              <= pasta's
#   connection rate:                         >= pasta's
#   RSS with BENCH_USER_IDLE (10,000) idle connections: < 64 MiB
#
# Environment:
#   BENCH_USER_SECS=5       iperf3 seconds per run (-t)
#   BENCH_USER_OMIT=1       iperf3 seconds omitted first (-O)
#   BENCH_USER_ROUNDS=3     runs per tool and figure
#   BENCH_USER_RTT=10000    round trips of the latency run
#   BENCH_USER_CONNS=10000  connections of the connection-rate run
#   BENCH_USER_IDLE=10000   idle connections of the memory run
#   BENCH_USER_MEM_ROUNDS=1 rounds with a memory run (at most ROUNDS)
#   BENCH_USER_UID=65534    the ordinary user the forwarders run as
#   BENCH_USER_TOOLS="tapir pasta slirp4netns"   the forwarders to run
#                           (in this order in the first round)
#   BENCH_RAW=DIR           keep every run's output (iperf3 reports,
#                           user_bench output, the tools' stderr) in DIR
#   BENCH_QUICK=1           a smoke test: 1 s iperf3 runs, no omit, 1000
#                           round trips and connections (figures are
#                           not meant to be compared)
#   TAPIR_BUILD=build       the release build (never build/check)
#   BENCH_STRICT=1          exit 3 when a target is missed
#
# Exit status: 0 when every run ran, whether or not the targets were met;
# 2 when it could not run; 1 when a run broke (a tool failed to start, a
# client failed: the table is still printed, the broken figure shown as
# "failed", never as a number); 3 for a missed target with BENCH_STRICT=1.
# shellcheck source-path=SCRIPTDIR
set -u
# shellcheck disable=SC2034  # used by t_log
T_NAME=bench-user
# shellcheck source=lib/netbench.sh
. "$(dirname "$0")/lib/netbench.sh"

nb_need iperf3 pasta slirp4netns setpriv timeout python3 ss getent pgrep mkfifo
TAPIR_USER=$TAPIR_BUILD/user/tapir-user
UB=$TAPIR_BUILD/bench/user_bench
[ -x "$TAPIR_USER" ] || nb_cannot "$TAPIR_USER not built (run make)"
[ -x "$UB" ] || nb_cannot "$UB not built (run make)"

if [ "${BENCH_QUICK:-0}" = 1 ]; then
	q_secs=1 q_omit=0 q_n=1000
else
	q_secs=5 q_omit=1 q_n=10000
fi
SECS=${BENCH_USER_SECS:-$q_secs}
OMIT=${BENCH_USER_OMIT:-$q_omit}
ROUNDS=${BENCH_USER_ROUNDS:-3}
RTT=${BENCH_USER_RTT:-$q_n}
CONNS=${BENCH_USER_CONNS:-$q_n}
IDLE=${BENCH_USER_IDLE:-$q_n}
MEM_ROUNDS=${BENCH_USER_MEM_ROUNDS:-1}
BUID=${BENCH_USER_UID:-65534}
for v in SECS ROUNDS RTT CONNS IDLE BUID MEM_ROUNDS; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || nb_cannot "$v must be a positive number, not '${!v}'"
done
[[ $OMIT =~ ^[0-9]+$ ]] || nb_cannot "BENCH_USER_OMIT must be a number"
[ "$MEM_ROUNDS" -le "$ROUNDS" ] || MEM_ROUNDS=$ROUNDS
BGID=$(getent passwd "$BUID" | cut -d: -f4)
[ -n "$BGID" ] || nb_cannot "no user with uid $BUID (BENCH_USER_UID)"
BNAME=$(getent passwd "$BUID" | cut -d: -f1)

MTUS="1500 65520"
MISC_MTU=1500
read -r -a TOOLS <<<"${BENCH_USER_TOOLS:-tapir pasta slirp4netns}"
for t in "${TOOLS[@]}"; do
	case $t in
	tapir | pasta | slirp4netns) ;;
	*) nb_cannot "BENCH_USER_TOOLS: no tool '$t' (tapir, pasta, slirp4netns)" ;;
	esac
done
[ ${#TOOLS[@]} -gt 0 ] || nb_cannot "BENCH_USER_TOOLS is empty"
PASTA_GW=198.51.100.1
IPERF_PORT=5201
UB_PORT=5300

# Descriptors: the hold client and the server each hold IDLE sockets,
# the forwarders IDLE (pasta: twice that).  Root may raise the hard limit
# (not in a container without CAP_SYS_RESOURCE); the soft one follows it.
want=$((IDLE * 4 + 4096))
[ $want -ge 65536 ] || want=65536
[ "$(ulimit -Hn)" = unlimited ] || [ "$(ulimit -Hn)" -ge $want ] ||
	ulimit -Hn $want 2>/dev/null
ulimit -Sn "$(ulimit -Hn)" 2>/dev/null
NOFILE=$(ulimit -Sn)
[ "$NOFILE" = unlimited ] || [ "$NOFILE" -ge $((IDLE + 256)) ] ||
	nb_cannot "RLIMIT_NOFILE is $NOFILE, too low for $IDLE connections"
NOFILE_NOTE=
[ "$NOFILE" = unlimited ] || [ "$NOFILE" -ge $((IDLE * 2 + 1024)) ] ||
	NOFILE_NOTE="too low for pasta's $IDLE idle connections (it needs two descriptors each)"
[ -z "$NOFILE_NOTE" ] || t_log "warning: RLIMIT_NOFILE $NOFILE is $NOFILE_NOTE"

D=$(t_tmpdir)
chown "$BUID:$BGID" "$D" || nb_broke "cannot chown $D"
if [ -n "${BENCH_RAW:-}" ]; then
	mkdir -p "$BENCH_RAW" || nb_cannot "cannot make $BENCH_RAW"
	t_defer "cp -r '$D/.' '$BENCH_RAW/'"
fi

H=$(t_uniq ubh)
CA=$(t_uniq ubca)
CB=$(t_uniq ubcb)

nb_host "$H"
ip -n "$H" link add up0 type veth peer name up1 &&
	ip -n "$H" addr add 198.51.100.2/24 dev up0 &&
	ip -n "$H" link set up1 up &&
	ip -n "$H" link set up0 up &&
	ip -n "$H" route add default via "$PASTA_GW" || nb_broke "cannot make the host namespace"
t_netns "$CA"
t_netns "$CB"
ip -n "$CA" link add ca0 type veth peer name cb0 netns "$CB" &&
	ip -n "$CA" addr add 203.0.113.1/24 dev ca0 &&
	ip -n "$CB" addr add 203.0.113.2/24 dev cb0 &&
	ip -n "$CA" link set ca0 up &&
	ip -n "$CB" link set cb0 up || nb_broke "cannot make the veth pair"

# ub_listening NS PORT: something listens on PORT in NS
ub_listening() {
	ip netns exec "$1" ss -Hltn "sport = :$2" | grep -q .
}

ip netns exec "$H" iperf3 -s -B 127.0.0.1 -p $IPERF_PORT --rcv-timeout 10000 \
	>"$D/iperf3-host.log" 2>&1 &
disown
ip netns exec "$CA" iperf3 -s -B 203.0.113.1 -p $IPERF_PORT --rcv-timeout 10000 \
	>"$D/iperf3-ceiling.log" 2>&1 &
disown
ip netns exec "$H" "$UB" serve 127.0.0.1 $UB_PORT >"$D/serve.log" 2>&1 &
disown
t_wait_for 10 ub_listening "$H" $IPERF_PORT &&
	t_wait_for 10 ub_listening "$CA" $IPERF_PORT &&
	t_wait_for 10 ub_listening "$H" $((UB_PORT + 1)) ||
	nb_broke "the servers did not start: $(cat "$D"/*.log)"

# The client side, run in each forwarder's namespace:
#   guest.sh DIR GATEWAY MTU TASK...
# It says it has started (DIR/started), waits for DIR/go (the forwarder's
# memory before any traffic is read in between), checks the MTU of the
# interface of its default route, then runs each TASK, its output in
# DIR/TASK.  A failed task is reported on stderr ("FAIL TASK") and the
# others still run; the exit status is 1 if any failed.  The hold task
# holds its connections until DIR/release appears.
cat >"$D/guest.sh" <<EOF
#!/bin/bash
UB=$UB SECS=$SECS OMIT=$OMIT RTT=$RTT CONNS=$CONNS IDLE=$IDLE
IPERF_PORT=$IPERF_PORT UB_PORT=$UB_PORT
EOF
cat >>"$D/guest.sh" <<'EOF'
s=$1 gw=$2 mtu=$3
shift 3
echo "$$" >"$s/started.tmp" && mv "$s/started.tmp" "$s/started"
while [ ! -e "$s/go" ]; do sleep 0.01; done
dev=$(ip -o route show default | sed -n 's/.* dev \([^ ]*\).*/\1/p')
cur=$(ip -o link show dev "$dev" 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
if [ -z "$dev" ] || [ "$cur" != "$mtu" ]; then
	echo "FAIL setup: the default route's interface '$dev' has MTU '$cur', not $mtu" >&2
	exit 1
fi
rc=0
for t in "$@"; do
	case $t in
	up) iperf3 -c "$gw" -p "$IPERF_PORT" -t "$SECS" -O "$OMIT" -J --connect-timeout 5000 ;;
	down) iperf3 -c "$gw" -p "$IPERF_PORT" -t "$SECS" -O "$OMIT" -J --connect-timeout 5000 -R ;;
	lat) "$UB" pingpong "$gw" "$UB_PORT" "$RTT" ;;
	conn) "$UB" connrate "$gw" "$UB_PORT" "$CONNS" ;;
	hold)
		"$UB" hold "$gw" "$UB_PORT" "$IDLE" "$s/held" &
		h=$!
		while [ ! -e "$s/release" ] && kill -0 "$h" 2>/dev/null; do
			sleep 0.05
		done
		kill "$h" 2>/dev/null
		wait "$h"
		;;
	esac >"$s/$t" 2>"$s/$t.err" || { echo "FAIL $t: $(tail -n 3 "$s/$t.err")" >&2; rc=1; }
done
exit $rc
EOF

# slirp4netns's wrapper: slirp.sh MTU PIDFILE GUEST...  The guest's
# namespace is unshare's; the guest waits for slirp4netns's ready byte
# on a FIFO before it starts.
cat >"$D/slirp.sh" <<'EOF'
#!/bin/bash
mtu=$1 pidf=$2
shift 2
fifo=$pidf.ready
mkfifo "$fifo" || exit 1
# shellcheck disable=SC2016
unshare -Urn bash -c 'read -r _ <"$0"; exec "$@"' "$fifo" "$@" &
g=$!
slirp4netns --configure --mtu="$mtu" --ready-fd=3 "$g" tap0 3>"$fifo" &
echo $! >"$pidf"
wait "$g"
rc=$?
kill "$(cat "$pidf")" 2>/dev/null
wait
exit $rc
EOF
chmod 755 "$D/guest.sh" "$D/slirp.sh"

RES=$D/results
: >"$RES"
BROKEN=0
NS=0

# ub_put TOOL METRIC MTU DIR VALUE: one figure of one run
ub_put() {
	echo "$*" >>"$RES"
}

# ub_broke WHAT MSG...: a run broke; the benchmark goes on without it
ub_broke() {
	BROKEN=$((BROKEN + 1))
	t_log "BROKE: $1: ${*:2}"
}

# ub_why FILE: why a session failed, from its stderr: the guest's FAIL
# lines if any, else the last lines (without pasta's complaints that it
# has no syslog)
ub_why() {
	grep '^FAIL' "$1" || grep -v '^Failed to send' "$1" | tail -n 5
}

# ub_iperf FILE: the receiver's rate in an iperf3 -J report, Gbit/s
ub_iperf() {
	python3 - "$1" <<'EOF'
import json, sys
try:
    d = json.load(open(sys.argv[1]))
    if "error" in d:
        sys.exit(d["error"])
    print("%.3f" % (d["end"]["sum_received"]["bits_per_second"] / 1e9))
except (OSError, ValueError, KeyError) as e:
    sys.exit("bad iperf3 report: %s" % e)
EOF
}

# ub_field FILE KEY: the value of KEY=VALUE in a user_bench output line
ub_field() {
	sed -n "s/.* $2=\([^ ]*\).*/\1/p" "$1" 2>/dev/null | head -n 1
}

# ub_status PID FIELD: a field of /proc/PID/status, KiB
ub_status() {
	awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status" 2>/dev/null
}

# ub_fwd_pid TOOL TPID DIR: the forwarder's pid, once it runs (TPID is
# timeout's: tapir-user and pasta are its child, slirp4netns's pid is in
# DIR/fwd.pid), checked by its name
ub_fwd_pid() {
	local p c
	if [ "$1" = slirp4netns ]; then
		p=$(cat "$3/fwd.pid" 2>/dev/null)
	else
		p=$(pgrep -P "$2" | head -n 1)
	fi
	[ -n "$p" ] || return 1
	c=$(cat "/proc/$p/comm" 2>/dev/null)
	case $1:$c in
	tapir:tapir-user | pasta:pasta* | pasta:passt* | slirp4netns:slirp4netns) echo "$p" ;;
	*) return 1 ;;
	esac
}

# ub_session TOOL MTU TASK...: start TOOL at MTU as the ordinary user,
# its guest running TASK...; record the figures
ub_session() {
	local tool=$1 mtu=$2 s gw cmd tpid fpid rc limit t v
	shift 2
	NS=$((NS + 1))
	s=$D/s$NS-$tool-$mtu
	mkdir "$s" && chown "$BUID:$BGID" "$s" || nb_broke "cannot make $s"
	case $tool in
	tapir)
		gw=10.0.2.2
		cmd=("$TAPIR_USER" -o "mtu=$mtu" --) ;;
	pasta)
		gw=$PASTA_GW
		cmd=(pasta --config-net -f -q -m "$mtu" -t none -u none -T none -U none --) ;;
	slirp4netns)
		gw=10.0.2.2
		cmd=("$D/slirp.sh" "$mtu" "$s/fwd.pid") ;;
	esac
	limit=$((2 * (SECS + OMIT + 10) + 300))
	ip netns exec "$H" timeout -k 5 "$limit" \
		setpriv --reuid="$BUID" --regid="$BGID" --clear-groups -- \
		"${cmd[@]}" "$D/guest.sh" "$s" "$gw" "$mtu" "$@" \
		>"$s/out" 2>"$s/err" &
	tpid=$!
	# timeout leads its own process group: kill what is left of it when
	# the session ends, or at exit if we stop early
	nb_mark
	t_defer "kill -KILL -- -$tpid"
	t_wait_for 30 sh -c "test -e '$s/started' || ! kill -0 $tpid"
	if ! [ -e "$s/started" ] || ! fpid=$(ub_fwd_pid "$tool" "$tpid" "$s"); then
		kill -TERM -- -"$tpid" 2>/dev/null
		wait "$tpid"
		nb_unwind
		ub_broke "$tool, MTU $mtu" "did not start: $(ub_why "$s/err")"
		return
	fi
	ub_put "$tool" rss0 "$mtu" - "$(ub_status "$fpid" VmRSS)"
	touch "$s/go"
	for t in "$@"; do
		[ "$t" = hold ] || continue
		if t_wait_for "$limit" sh -c "test -e '$s/held' || ! kill -0 $tpid"; then
			if [ -e "$s/held" ]; then
				ub_put "$tool" rss "$mtu" - "$(ub_status "$fpid" VmRSS)"
				ub_put "$tool" hwm "$mtu" - "$(ub_status "$fpid" VmHWM)"
			fi
		fi
		touch "$s/release"
	done
	wait "$tpid"
	rc=$?
	nb_unwind
	[ $rc = 0 ] || ub_broke "$tool, MTU $mtu" "exit status $rc: $(ub_why "$s/err")"
	for t in "$@"; do
		[ -s "$s/$t" ] || continue
		case $t in
		up | down)
			if v=$(ub_iperf "$s/$t" 2>"$s/$t.parse"); then
				ub_put "$tool" tput "$mtu" "$t" "$v"
			else
				ub_broke "$tool, MTU $mtu, $t" "$(cat "$s/$t.parse")"
			fi ;;
		lat)
			ub_put "$tool" lat "$mtu" - "$(ub_field "$s/lat" median_us)"
			ub_put "$tool" latmean "$mtu" - "$(ub_field "$s/lat" mean_us)" ;;
		conn)
			ub_put "$tool" conn "$mtu" - "$(ub_field "$s/conn" per_sec)" ;;
		esac
	done
}

# ub_ceiling MTU DIR: iperf3 over the bare veth pair
ub_ceiling() {
	local f=$D/ceiling-$1-$2.$NS v r=()
	[ "$2" = down ] && r=(-R)
	ip -n "$CA" link set ca0 mtu "$1" && ip -n "$CB" link set cb0 mtu "$1" ||
		nb_broke "cannot set the veth pair's MTU to $1"
	ip netns exec "$CB" timeout -k 5 $((SECS + OMIT + 30)) iperf3 -c 203.0.113.1 \
		-p $IPERF_PORT -t "$SECS" -O "$OMIT" -J --connect-timeout 5000 "${r[@]}" \
		>"$f" 2>&1
	if v=$(ub_iperf "$f" 2>"$f.parse"); then
		ub_put ceiling tput "$1" "$2" "$v"
	else
		ub_broke "ceiling, MTU $1, $2" "$(cat "$f.parse")"
	fi
}

t0=$SECONDS
for ((r = 0; r < ROUNDS; r++)); do
	k=$((r % ${#TOOLS[@]}))
	order=("${TOOLS[@]:k}" "${TOOLS[@]:0:k}")
	for mtu in $MTUS; do
		for tool in "${order[@]}"; do
			tasks=(up down)
			[ "$mtu" = "$MISC_MTU" ] && tasks+=(lat conn)
			[ "$mtu" = "$MISC_MTU" ] && [ "$r" -lt "$MEM_ROUNDS" ] && tasks+=(hold)
			ub_session "$tool" "$mtu" "${tasks[@]}"
		done
		ub_ceiling "$mtu" up
		ub_ceiling "$mtu" down
	done
	t_log "round $((r + 1)) of $ROUNDS done ($((SECONDS - t0)) s)"
done

# ub_runs TOOL METRIC MTU DIR: every run's figure, one a line
ub_runs() {
	awk -v t="$1" -v m="$2" -v u="$3" -v d="$4" \
		'$1 == t && $2 == m && $3 == u && $4 == d && $5 != "" { print $5 }' "$RES"
}

# ub_med TOOL METRIC MTU DIR: "N MEDIAN" over the runs (N 0: none)
ub_med() {
	ub_runs "$@" | nb_stats | awk '{ print $1, $2 }'
}

# ub_expect METRIC: the runs there should be of METRIC
ub_expect() {
	case $1 in
	rss | hwm) echo "$MEM_ROUNDS" ;;
	*) echo "$ROUNDS" ;;
	esac
}

# ub_cell TOOL METRIC MTU DIR SCALE DECIMALS: the median for the table,
# divided by SCALE; "failed" when no run gave a figure, a "*" when some
# did not
ub_cell() {
	local n m
	read -r n m <<<"$(ub_med "$1" "$2" "$3" "$4")"
	if [ "$n" = 0 ]; then
		echo failed
		return
	fi
	awk -v m="$m" -v s="$5" -v p="$6" -v star="$([ "$n" -lt "$(ub_expect "$2")" ] && echo '*')" \
		'BEGIN { printf "%.*f%s", p, m / s, star }'
}

# ub_val TOOL METRIC MTU DIR: the median, or nothing
ub_val() {
	local n m
	read -r n m <<<"$(ub_med "$@")"
	[ "$n" != 0 ] && echo "$m"
}

fmt='%-26s %5s %4s %8s %8s %11s %8s %15s  %s\n'

# ub_row LABEL METRIC MTU DIR SCALE DECIMALS TARGET RESULT [CEILING]
ub_row() {
	local c="-"
	[ -n "${9:-}" ] && c=$(ub_cell ceiling "$2" "$3" "$4" "$5" "$6")
	# shellcheck disable=SC2059
	printf "$fmt" "$1" "$3" "$4" \
		"$(ub_cell tapir "$2" "$3" "$4" "$5" "$6")" \
		"$(ub_cell pasta "$2" "$3" "$4" "$5" "$6")" \
		"$(ub_cell slirp4netns "$2" "$3" "$4" "$5" "$6")" \
		"$c" "$7" "$8"
}

# ub_judge T OP REF: PASS if T OP REF holds, FAIL if not, "FAIL (no
# figure)" if either is missing; also recorded for nb_finish
results=()
ub_judge() {
	local ok=
	[ -n "$1" ] && [ -n "$3" ] &&
		ok=$(awk -v t="$1" -v r="$3" -v op="$2" 'BEGIN {
			if (op == ">=") ok = t >= r; else if (op == "<=") ok = t <= r; else ok = t < r
			print ok ? 1 : 0 }')
	case $ok in
	1) VERDICT=PASS ;;
	0) VERDICT=FAIL ;;
	*) VERDICT="FAIL (no figure)" ;;
	esac
	results+=("$VERDICT")
}

# The verdicts first (results[] must be filled in this shell, not in the
# table's pipeline)
declare -A goal verdict
for mtu in $MTUS; do
	f=1.5
	[ "$mtu" = 65520 ] && f=1.2
	for dir in up down; do
		best=$( (ub_val pasta tput "$mtu" "$dir"; ub_val slirp4netns tput "$mtu" "$dir") |
			sort -g | tail -n 1)
		g=
		[ -n "$best" ] && g=$(awk -v b="$best" -v f=$f 'BEGIN { printf "%.3f", b * f }')
		goal[$mtu$dir]=">= ${f}x: ${g:-?}"
		ub_judge "$(ub_val tapir tput "$mtu" "$dir")" ">=" "$g"
		verdict[$mtu$dir]=$VERDICT
	done
done
m=$MISC_MTU
ub_judge "$(ub_val tapir lat "$m" -)" "<=" "$(ub_val pasta lat "$m" -)"
verdict[lat]=$VERDICT
ub_judge "$(ub_val tapir conn "$m" -)" ">=" "$(ub_val pasta conn "$m" -)"
verdict[conn]=$VERDICT
ub_judge "$(ub_val tapir rss "$m" -)" "<" 65536
verdict[rss]=$VERDICT

nb_header "tapir user benchmark: TCP between a namespace and the host's loopback"
echo "  tapir-user: $TAPIR_USER; pasta $(nb_ver passt); slirp4netns $(nb_ver slirp4netns);" \
	"iperf3 $(nb_ver iperf3)"
echo "  forwarders run as uid $BUID ($BNAME) in their own user and network namespaces; RLIMIT_NOFILE $NOFILE"
echo "  $ROUNDS rounds, tools in turn; medians over the rounds; iperf3 -t $SECS -O $OMIT;" \
	"$RTT round trips, $CONNS connections (at MTU $MISC_MTU)"
echo "  memory: $IDLE idle connections, in $MEM_ROUNDS round(s)${NOFILE_NOTE:+; RLIMIT_NOFILE $NOFILE is $NOFILE_NOTE}"
[ "${BENCH_QUICK:-0}" = 1 ] && echo "  BENCH_QUICK=1: a smoke test; these figures are not for comparing"
echo
{
	# shellcheck disable=SC2059
	printf "$fmt" metric MTU dir tapir pasta slirp4netns ceiling target result
	for mtu in $MTUS; do
		for dir in up down; do
			ub_row "throughput Gbit/s" tput "$mtu" "$dir" 1 2 \
				"${goal[$mtu$dir]}" "${verdict[$mtu$dir]}" ceiling
		done
	done
	ub_row "latency median us" lat "$m" - 1 1 "<= pasta" "${verdict[lat]}"
	ub_row "latency mean us" latmean "$m" - 1 1 "" ""
	ub_row "connections/s" conn "$m" - 1 0 ">= pasta" "${verdict[conn]}"
	ub_row "RSS MiB, $IDLE idle conns" rss "$m" - 1024 1 "< 64" "${verdict[rss]}"
	ub_row "  peak (VmHWM) MiB" hwm "$m" - 1024 1 "" ""
	ub_row "RSS MiB before traffic" rss0 "$m" - 1024 1 "" ""
} | sed 's/ *$//'
echo "  up: namespace to host; down: host to namespace (iperf3 -R); the receiver's rate."
echo "  ceiling: iperf3 over a veth pair between two namespaces (no forwarder)."
echo "  throughput target: the faster of pasta and slirp4netns, times the factor, Gbit/s."
awk -v r="$ROUNDS" -v mr="$MEM_ROUNDS" '{ n[$1 " " $2 " " $3 " " $4]++; e[$1 " " $2 " " $3 " " $4] = ($2 == "rss" || $2 == "hwm") ? mr : r }
	END { for (k in n) if (n[k] < e[k]) { print "  *: median of fewer runs than there should be; the others broke (see above)."; exit } }' "$RES"
echo "  per run (Gbit/s; latency us; connections/s; RSS KiB):"
for key in "tput 1500 up" "tput 1500 down" "tput 65520 up" "tput 65520 down" \
	"lat $MISC_MTU -" "conn $MISC_MTU -" "rss $MISC_MTU -"; do
	read -r met mtu dir <<<"$key"
	line=$(printf '    %-15s' "$met $mtu $dir")
	for t in tapir pasta slirp4netns ceiling; do
		v=$(ub_runs "$t" "$met" "$mtu" "$dir" | tr '\n' ' ')
		[ -n "$v" ] && line="$line $t: ${v% };"
	done
	echo "${line%;}"
done
if [ "$BROKEN" -gt 0 ]; then
	t_log "$BROKEN run(s) broke; the table shows what the others measured"
	exit 1
fi
nb_finish "${results[@]}"
