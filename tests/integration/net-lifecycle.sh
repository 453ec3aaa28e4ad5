#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-lifecycle.sh - tapir net up/down/run/status over a network's life:
# idempotency, the foreground service and SIGTERM/SIGINT, kill -9 and recovery
# from the undo journal (real and hand-made), the lock under concurrent
# "up"s, a step failing half way, bad configurations that change nothing,
# tapir config check, DHCP pool exhaustion, and tapir ifup/ifdown.
#
#   netns NET_INET: inet0 198.51.100.1/24, HTTP :8080, DNS :53
#   +--------------------------|-------------------------------------------+
#                              | veth
#   netns NET_HOST (every tapir command runs here, through net_tapir)
#   +--------------------------|-------------------------------------------+
#   |  uplink0 198.51.100.2/24 (default route via .1)                      |
#   |                                                                      |
#   |  tapir0 (network "default": built in, nat, 10.200.0.1/24)            |
#   |    |-- G1p      (guest veth)                                         |
#   |    `-- TAP      (tapir tap add; tapir ifup / ifdown)                 |
#   |  tp-a, tp-b     (networks a and b: automatic /24s, brought up at     |
#   |                  the same time; a also several times at once)        |
#   |  tp-pool 10.77.9.1/24, dhcp-range .10-.11 (two addresses)            |
#   |    |-- P1p  P2p  P3p   (three guests for two addresses)              |
#   |  brx, d0        (a foreign bridge and its veth port: names taken)    |
#   |  python3 bound to 0.0.0.0:67 (makes the DHCP server's start fail)    |
#   |  RUNDIR = NET_DIR/run: NAME.json (state + undo journal), NAME.log,   |
#   |  lock; STATEDIR = NET_DIR/state: NAME.leases, NAME.subnet            |
#   +--------------------------|-------------------------------------------+
#                              | veth (one per guest, NAMEp <-> eth0)
#   netns G1, P1, P2, P3: eth0, busybox udhcpc
#
# "down restores everything" is net_snapshot (ip -d link, ip addr, ip
# route of all tables, nft list ruleset of NET_HOST) taken before the first
# "up", with no guest, compared after the guests are gone.
#
# shellcheck source-path=SCRIPTDIR
set -u
self=$(realpath "$0")
# shellcheck source=../lib/common.sh
. "$(dirname "$self")/../lib/common.sh"
# shellcheck source=../lib/net.sh
. "$(dirname "$self")/../lib/net.sh"

t_require_root
t_require_cmd ip nft ss dnsmasq busybox python3
net_setup

RUN=$NET_DIR/run
CONF=$NET_DIR/tapir.conf
# CONF as an extended regular expression
# shellcheck disable=SC2016 # a sed expression, not a shell one
CONF_RE=$(printf '%s' "$CONF" | sed 's/[.[\*^$()+?{|]/\\&/g')

# tp ARGS...: run tapir in the host; OUT is its stdout and stderr, RC
# its exit status
tp() {
	OUT=$(net_tapir "$@" 2>&1)
	RC=$?
}

# jq_state NAME EXPR: a Python expression over the state file's JSON (d)
jq_state() {
	python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
print(eval(sys.argv[2]))' "$RUN/$1.json" "$2" 2>/dev/null
}

# jq_out EXPR: the same over JSON on stdin
jq_out() {
	python3 -c 'import json, sys
d = json.load(sys.stdin)
print(eval(sys.argv[1]))' "$1" 2>/dev/null
}

# exited PID: the process has ended (gone, or a zombie not yet reaped)
# shellcheck disable=SC2317 # called through t_wait_for
exited() {
	local s
	s=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)
	[ -z "$s" ] || [ "$s" = Z ]
}

# services NAME: how many "tapir ... net up|run [NAME]" processes run in the
# host ("up" forks the service, which keeps its command line; NAME may be
# left out for "default")
services() {
	local p n=0 re="(^| )net (up|run) $1 ?\$"

	[ "$1" = default ] && re="(^| )net (up|run)( default)? ?\$"
	for p in $(ip netns pids "$NET_HOST" 2>/dev/null); do
		exited "$p" && continue
		tr '\0' ' ' <"/proc/$p/cmdline" 2>/dev/null |
			grep -Eq "$re" && n=$((n + 1))
	done
	echo "$n"
}

# ifindex IFNAME: the host's interface index of IFNAME, empty if none
ifindex() {
	ip -n "$NET_HOST" -o link show "$1" 2>/dev/null | cut -d: -f1
}

# guest NAME MAC: a guest (net_guest) whose eth0 has a fixed MAC address,
# attached to BRIDGE
guest() {
	net_guest "$1"
	ip -n "$1" link set eth0 address "$2"
	net_attach "$1" "$3"
}

# mac_of GUEST: the MAC address of a guest's eth0
mac_of() {
	ip -n "$1" -br link show eth0 | awk '{print $3}'
}

# no_state: no network's state file is left
no_state() {
	t_eq "$1: no state file" "" "$(cd "$RUN" && ls -- *.json 2>/dev/null)"
}

BEFORE=$(net_snapshot)

# Networks a and b take automatic subnets; pool has a two-address range.
# "default" is the built-in network (the file does not define it).
GOOD_CONF='[network a]

[network b]
mode = isolated

[network pool]
address = 10.77.9.1/24
dhcp-range = 10.77.9.10-10.77.9.11'
printf '%s\n' "$GOOD_CONF" | net_conf

# --- idempotency --------------------------------------------------------------
tp net up
t_eq "up: exit status" 0 "$RC"
t_match "up: says what it made" \
	'^network default is up: nat, bridge tapir0, 10\.200\.0\.1/24' "$OUT"
UP1=$(net_snapshot)
PID1=$(jq_state default 'd["pid"]')
t_check "up: the service runs" test -n "$PID1" -a "$(services default)" = 1
t_match "up: the bridge has the address" 'inet 10\.200\.0\.1/24' \
	"$(ip -n "$NET_HOST" addr show dev tapir0)"

tp net up
t_eq "up twice: exit status" 0 "$RC"
t_match "up twice: already up" '^network default is already up$' "$OUT"
t_eq "up twice: nothing changed" "$UP1" "$(net_snapshot)"
t_eq "up twice: the same service" "$PID1" "$(jq_state default 'd["pid"]')"
t_eq "up twice: still one service" 1 "$(services default)"
tp net up default
t_eq "up default, by name: already up" "0 network default is already up" \
	"$RC $OUT"

tp net status
t_eq "status: up is exit 0" 0 "$RC"
t_match "status: up, with the service's pid" \
	"^network default: up \\(pid $PID1\\)" "$OUT"

tp net down
t_eq "down: exit status" 0 "$RC"
t_match "down: says so" '^network default is down$' "$OUT"
t_eq "down: everything restored" "$BEFORE" "$(net_snapshot)"
no_state "down"
t_wait_for 5 exited "$PID1"
t_check "down: the service ended" exited "$PID1"

tp net down
t_eq "down twice: exit 0, not up" "0 network default is not up" "$RC $OUT"
t_eq "down twice: nothing changed" "$BEFORE" "$(net_snapshot)"
tp net status
t_eq "status when down: exit 3" 3 "$RC"
t_match "status when down: down" '^network default: down' "$OUT"

# --- tapir net run: the foreground service, stopped by SIGTERM ----------------
# (ip netns exec and env exec, so $! is tapir itself)
ip netns exec "$NET_HOST" env TAPIR_CONFIG="$CONF" TAPIR_RUNDIR="$RUN" \
	TAPIR_STATEDIR="$NET_DIR/state" "$TAPIR" net run \
	>"$NET_DIR/fg.out" 2>&1 &
FG=$!
t_defer "kill $FG"
t_check "run: comes up (status exit 0)" t_wait_for 10 net_tapir net status
t_eq "run: the state names the foreground process" "$FG" \
	"$(jq_state default 'd["pid"]')"
t_eq "run: ready" True "$(jq_state default 'd["ready"]')"
tp net up
t_eq "run: up is a no-op while run serves" \
	"0 network default is already up" "$RC $OUT"
RUNNING=$(net_snapshot)
OUT=$(timeout 10 ip netns exec "$NET_HOST" env TAPIR_CONFIG="$CONF" \
	TAPIR_RUNDIR="$RUN" TAPIR_STATEDIR="$NET_DIR/state" "$TAPIR" net run 2>&1)
t_eq "run twice: the second fails with status 1" 1 $?
t_match "run twice: says who serves it" \
	"network default is already up, served by process $FG" "$OUT"
t_eq "run twice: nothing changed" "$RUNNING" "$(net_snapshot)"
t_eq "run twice: the first still serves" "$FG" "$(jq_state default 'd["pid"]')"
G1=$(t_uniq ga)
guest "$G1" 52:54:00:aa:00:01 tapir0
L=$(net_dhcp "$G1" alpha)
t_match "run: serves DHCP" '^LEASE ip=10\.200\.0\.([2-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-4]) .*router=10\.200\.0\.1 ' "$L"
LEASE_IP=$(net_field "$L" ip)
kill -TERM "$FG"
wait "$FG"
t_eq "run: SIGTERM ends it with exit 0" 0 $?
t_match "run: it logged the teardown" 'network default is down' \
	"$(cat "$NET_DIR/fg.out")"
net_guest_del "$G1"
t_eq "run: SIGTERM restored everything" "$BEFORE" "$(net_snapshot)"
no_state "run"

# SIGINT (Ctrl-C) does the same.
ip netns exec "$NET_HOST" env TAPIR_CONFIG="$CONF" TAPIR_RUNDIR="$RUN" \
	TAPIR_STATEDIR="$NET_DIR/state" "$TAPIR" net run >/dev/null 2>&1 &
FG=$!
t_defer "kill $FG"
t_check "run: comes up again" t_wait_for 10 net_tapir net status
kill -INT "$FG"
wait "$FG"
t_eq "run: SIGINT ends it with exit 0" 0 $?
t_eq "run: SIGINT restored everything" "$BEFORE" "$(net_snapshot)"
no_state "run, SIGINT"

# --- kill -9: status, journal, up and down recover -----------------------------
tp net up
t_eq "kill -9: up" 0 "$RC"
PID=$(jq_state default 'd["pid"]')
IDX=$(ifindex tapir0)
t_check "kill -9: journal lists the bridge, with its index" test \
	"$(jq_state default '[(u["op"], u["name"], u["kind"], u["ifindex"]) for u in d["undo"] if u["op"] == "link-del"]')" \
	= "[('link-del', 'tapir0', 'bridge', $IDX)]"
t_eq "kill -9: journal lists the firewall table" "[('nft-del', 'default')]" \
	"$(jq_state default '[(u["op"], u["net"]) for u in d["undo"] if u["op"] == "nft-del"]')"
t_eq "kill -9: journal has nothing else" 2 "$(jq_state default 'len(d["undo"])')"
kill -9 "$PID"
t_wait_for 5 exited "$PID"
tp net status
t_eq "kill -9: status exits 3 (not up)" 3 "$RC"
t_match "kill -9: status says failed" '^network default: failed' "$OUT"
t_nomatch "kill -9: status shows no dead pid" "pid $PID" "$OUT"
t_eq "kill -9: status --json says failed" "failed" \
	"$(net_tapir net status --json 2>/dev/null | jq_out 'd["state"]')"
t_match "kill -9: list says failed" '^default +failed +nat +tapir0' \
	"$(net_tapir net list 2>&1)"
t_check "kill -9: journal left with the bridge and table" test \
	"$(jq_state default 'len(d["undo"])')" = 2
t_check "kill -9: the bridge is still there" test -n "$(ifindex tapir0)"

: >"$RUN/default.log"
tp net up
t_eq "kill -9, up: recovers, exit 0" 0 "$RC"
t_match "kill -9, up: up" '^network default is up: nat, bridge tapir0, 10\.200\.0\.1/24' "$OUT"
t_match "kill -9, up: the service said it cleaned up" \
	'ended without taking the network down; undoing' "$(cat "$RUN/default.log")"
t_check "kill -9, up: a new bridge" test -n "$(ifindex tapir0)" -a \
	"$(ifindex tapir0)" != "$IDX"
t_eq "kill -9, up: one firewall table" 1 \
	"$(net_in "$NET_HOST" nft list tables | grep -c 'inet tapir-default$')"
t_eq "kill -9, up: one service" 1 "$(services default)"
G1=$(t_uniq ga)
guest "$G1" 52:54:00:aa:00:01 tapir0
L=$(net_dhcp "$G1" alpha)
t_match "kill -9, up: a guest gets a lease" '^LEASE ip=10\.200\.0\.[0-9]+ .*router=10\.200\.0\.1 dns=10\.200\.0\.1 domain=default\.internal' "$L"
t_eq "kill -9, up: the same MAC gets the same address as before" "$LEASE_IP" \
	"$(net_field "$L" ip)"
t_eq "kill -9, up: DNS works, names too" "$LEASE_IP" \
	"$(net_in "$G1" busybox nslookup alpha.default.internal 10.200.0.1 2>/dev/null |
		sed -n '/^Name:/,$s/^Address: //p' | head -n 1)"

PID=$(jq_state default 'd["pid"]')
kill -9 "$PID"
t_wait_for 5 exited "$PID"
tp net down
t_eq "kill -9, down: exit 0" 0 "$RC"
t_match "kill -9, down: says it undid what was left" \
	'ended without taking the network down; undoing' "$OUT"
t_match "kill -9, down: down" 'network default is down$' "$OUT"
net_guest_del "$G1"
t_eq "kill -9, down: everything restored" "$BEFORE" "$(net_snapshot)"
no_state "kill -9, down"

# --- hand-made journals (a crash in the middle of "up") -----------------------
# A dead pid: a process that has ended.
sh -c 'exit 0' &
DEAD=$!
wait "$DEAD"
# journal JSON-UNDO: the state of a service that died after those steps
journal() {
	printf '{"version":1,"network":"default","ready":false,"info":{},"pid":%s,"pid_start":1,"undo":%s}\n' \
		"$DEAD" "$1" >"$RUN/default.json"
}

# Killed after creating the bridge, before its address and firewall; the
# nft-del record of a step that never ran must be harmless.
ip -n "$NET_HOST" link add tapir0 type bridge
IDX=$(ifindex tapir0)
journal "[{\"op\":\"link-del\",\"name\":\"tapir0\",\"kind\":\"bridge\",\"ifindex\":$IDX},{\"op\":\"nft-del\",\"net\":\"default\"}]"
tp net status
t_eq "journal: status of a half-made network: exit 3, failed" \
	"3 network default: failed - its service ended without taking it down; 'tapir net down default' removes what is left" \
	"$RC $(printf '%s' "$OUT" | head -n 1)"
tp net up
t_eq "journal: up recovers" 0 "$RC"
t_check "journal: up replaced the half-made bridge" test \
	"$(ifindex tapir0)" != "$IDX"
t_match "journal: and configured the new one" 'inet 10\.200\.0\.1/24' \
	"$(ip -n "$NET_HOST" addr show dev tapir0)"
tp net down
t_eq "journal: down" 0 "$RC"
t_eq "journal: everything restored" "$BEFORE" "$(net_snapshot)"

# The same, replayed by down.
ip -n "$NET_HOST" link add tapir0 type bridge
IDX=$(ifindex tapir0)
journal "[{\"op\":\"link-del\",\"name\":\"tapir0\",\"kind\":\"bridge\",\"ifindex\":$IDX},{\"op\":\"nft-del\",\"net\":\"default\"}]"
tp net down
t_eq "journal: down replays it, exit 0" 0 "$RC"
t_eq "journal: down removed the bridge" "" "$(ifindex tapir0)"
t_eq "journal: down restored everything" "$BEFORE" "$(net_snapshot)"
no_state "journal: down"

# The firewall records are undone before the link records (undo.c): one that
# fails stays in the journal alone, and the rest is still undone.  A table
# name nft refuses ("bad name") is a record that cannot be undone.
ip -n "$NET_HOST" link add tapir0 type bridge
IDX=$(ifindex tapir0)
journal "[{\"op\":\"link-del\",\"name\":\"tapir0\",\"kind\":\"bridge\",\"ifindex\":$IDX},{\"op\":\"nft-del\",\"net\":\"bad name\"},{\"op\":\"nft-del\",\"net\":\"default\"}]"
tp net down
t_check "journal: a record that fails: down fails" test "$RC" -ne 0
t_match "journal: a record that fails: says which" "cannot undo 'nft-del'" "$OUT"
t_eq "journal: a record that fails: the bridge is gone anyway" "" \
	"$(ifindex tapir0)"
t_eq "journal: a record that fails: it alone is left" \
	"[{'op': 'nft-del', 'net': 'bad name'}]" "$(jq_state default 'd["undo"]')"
journal '[]'
tp net down
t_eq "journal: an empty journal: down exits 0" 0 "$RC"
no_state "journal: a record that fails"

# A bridge of the same name that is not the one tapir made (another index)
# is not tapir's to delete.
ip -n "$NET_HOST" link add tapir0 type bridge
IDX=$(ifindex tapir0)
journal "[{\"op\":\"link-del\",\"name\":\"tapir0\",\"kind\":\"bridge\",\"ifindex\":$((IDX + 1000))}]"
tp net down
t_eq "journal: foreign tapir0: down exits 0" 0 "$RC"
t_match "journal: foreign tapir0: says why it is kept" \
	'not deleting tapir0: it is not the bridge tapir created' "$OUT"
t_eq "journal: foreign tapir0: still there, the same link" "$IDX" \
	"$(ifindex tapir0)"
no_state "journal: foreign tapir0"
ip -n "$NET_HOST" link del tapir0
t_eq "journal: nothing else changed" "$BEFORE" "$(net_snapshot)"

# --- a step fails after the bridge and the firewall exist ---------------------
# Something else holds UDP port 67 on every interface, without SO_REUSEADDR:
# the DHCP server cannot start, and "up" must undo the bridge, its address
# and the firewall table it had already made.
ip netns exec "$NET_HOST" python3 -c 'import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 67))
time.sleep(60)' &
BLOCKER=$!
t_defer "kill $BLOCKER"
t_wait_for 5 sh -c "ip netns exec $NET_HOST ss -Hlun 'sport = :67' | grep -q 67"
tp net up
t_check "failed step: up fails" test "$RC" -ne 0
t_match "failed step: says what failed" \
	'cannot listen on tapir0 port 67 \(DHCP\): Address already in use' "$OUT"
t_eq "failed step: everything undone" "$BEFORE" "$(net_snapshot)"
no_state "failed step"
t_eq "failed step: no service left" 0 "$(services default)"
kill "$BLOCKER"
wait "$BLOCKER" 2>/dev/null

# --- the lock: concurrent ups ---------------------------------------------------
# Someone holds the lock: up waits for it.
python3 -c 'import fcntl, sys, time
f = open(sys.argv[1], "a")
fcntl.flock(f, fcntl.LOCK_EX)
time.sleep(30)' "$RUN/lock" &
HOLDER=$!
t_defer "kill $HOLDER"
t_wait_for 5 sh -c "! flock -n '$RUN/lock' true"
net_tapir net up a >"$NET_DIR/lock.out" 2>&1 &
UPA=$!
sleep 1
t_check "lock: up waits while the lock is held" kill -0 "$UPA"
t_check "lock: nothing made meanwhile" test ! -e "$RUN/a.json" -a \
	-z "$(ifindex tp-a)"
kill "$HOLDER"
wait "$HOLDER" 2>/dev/null
wait "$UPA"
t_eq "lock: up goes on once it is free" 0 $?
t_match "lock: network a up" '^network a is up: nat, bridge tp-a' \
	"$(cat "$NET_DIR/lock.out")"
tp net down a
t_eq "lock: down a" 0 "$RC"

# Two networks at once, three times; their subnets are picked under the
# lock, so never the same one (each round forgets the last round's picks).
for round in 1 2 3; do
	rm -f "$NET_DIR/state/a.subnet" "$NET_DIR/state/b.subnet"
	net_tapir net up a >"$NET_DIR/a.out" 2>&1 &
	pa=$!
	net_tapir net up b >"$NET_DIR/b.out" 2>&1 &
	pb=$!
	wait "$pa"
	ra=$?
	wait "$pb"
	rb=$?
	t_eq "concurrent $round: both up" "0 0" "$ra $rb"
	sa=$(jq_state a 'd["info"]["address"]')
	sb=$(jq_state b 'd["info"]["address"]')
	t_match "concurrent $round: a has a subnet" '^10\.200\.[0-9]+\.1/24$' "$sa"
	t_match "concurrent $round: b has a subnet" '^10\.200\.[0-9]+\.1/24$' "$sb"
	t_check "concurrent $round: different subnets ($sa, $sb)" \
		test "$sa" != "$sb"
	t_match "concurrent $round: tp-a has a's address" "inet ${sa//./\\.} " \
		"$(ip -n "$NET_HOST" addr show dev tp-a)"
	t_match "concurrent $round: tp-b has b's address" "inet ${sb//./\\.} " \
		"$(ip -n "$NET_HOST" addr show dev tp-b)"
	t_eq "concurrent $round: one service each" "1 1" \
		"$(services a) $(services b)"
	tp net down a
	ra=$RC
	tp net down b
	t_eq "concurrent $round: both down" "0 0" "$ra $RC"
done
t_eq "concurrent: everything restored" "$BEFORE" "$(net_snapshot)"

# The same network four times at once: one service, one "is up", and
# three "already up".
pids=()
for i in 1 2 3 4; do
	net_tapir net up a >"$NET_DIR/same$i.out" 2>&1 &
	pids+=($!)
done
rcs=""
for p in "${pids[@]}"; do
	wait "$p"
	rcs="$rcs$?"
done
t_eq "same network 4x: all exit 0" 0000 "$rcs"
t_eq "same network 4x: one service" 1 "$(services a)"
t_eq "same network 4x: one started it" 1 \
	"$(cat "$NET_DIR"/same?.out | grep -c '^network a is up:')"
t_eq "same network 4x: three found it up" 3 \
	"$(cat "$NET_DIR"/same?.out | grep -c '^network a is already up$')"
t_eq "same network 4x: one table" 1 \
	"$(net_in "$NET_HOST" nft list tables | grep -c 'inet tapir-a$')"
# down needs the state, not the configuration: a's section is gone
printf '[network b]\n' | net_conf
tp net down a
t_eq "same network 4x: down, with a no longer configured" \
	"0 network a is down" "$RC $OUT"
printf '%s\n' "$GOOD_CONF" | net_conf
t_eq "same network 4x: no service left" 0 "$(services a)"
t_eq "same network 4x: everything restored" "$BEFORE" "$(net_snapshot)"

# --- tapir ifup / ifdown ---------------------------------------------------------
TAP=$(t_uniq tap)
t_defer "ip -n $NET_HOST link del $TAP"
tp tap add "$TAP"
t_eq "ifup: tap add" 0 "$RC"
tp ifup "$TAP"
t_check "ifup, network down: fails" test "$RC" -ne 0
t_match "ifup, network down: says so" \
	"network default is not up \\(bridge tapir0 does not exist\\): run 'tapir net up default'" \
	"$OUT"
t_nomatch "ifup, network down: tap not attached" 'master' \
	"$(ip -n "$NET_HOST" link show "$TAP")"
tp net up
t_eq "ifup: up" 0 "$RC"
tp ifup "$TAP"
t_eq "ifup: exit 0" 0 "$RC"
t_match "ifup: the tap is a port of tapir0, up" 'master tapir0 state' \
	"$(ip -n "$NET_HOST" link show "$TAP")"
t_match "ifup: the tap is up" '<[^>]*,UP[,>]' "$(ip -n "$NET_HOST" link show "$TAP")"
t_eq "ifup: status lists the port" "$TAP" \
	"$(net_tapir net status --json 2>/dev/null | jq_out '" ".join(p["name"] for p in d["ports"])')"
tp ifdown "$TAP"
t_eq "ifdown: exit 0" 0 "$RC"
t_nomatch "ifdown: no longer a port" 'master' \
	"$(ip -n "$NET_HOST" link show "$TAP")"
t_eq "ifdown: status lists no port" "" \
	"$(net_tapir net status --json 2>/dev/null | jq_out '" ".join(p["name"] for p in d["ports"])')"
# the network comes from TAPIR_NETWORK (QEMU passes its environment on)
tp net up b
OUT=$(net_in "$NET_HOST" env TAPIR_NETWORK=b TAPIR_CONFIG="$CONF" \
	"$TAPIR" ifup "$TAP" 2>&1)
t_eq "ifup TAPIR_NETWORK=b: exit 0" 0 $?
t_match "ifup TAPIR_NETWORK=b: port of tp-b" 'master tp-b ' \
	"$(ip -n "$NET_HOST" link show "$TAP")"
tp ifdown --network b "$TAP"
t_eq "ifdown --network b: exit 0" 0 "$RC"
t_nomatch "ifdown --network b: no longer a port" 'master' \
	"$(ip -n "$NET_HOST" link show "$TAP")"
tp net down b
tp ifup --network nosuch "$TAP"
t_check "ifup, unknown network: fails" test "$RC" -ne 0
t_match "ifup, unknown network: says so" "no network named 'nosuch'" "$OUT"
tp ifup tnosuchtap0
t_check "ifup, no such tap: fails" test "$RC" -ne 0
t_match "ifup, no such tap: says so" \
	'cannot attach tnosuchtap0 to tapir0: no such interface' "$OUT"
tp ifup "$TAP"
tp net down
t_eq "ifup: down with a tap attached" 0 "$RC"
t_check "ifup: the tap outlives the network" test -n "$(ifindex "$TAP")"
tp ifdown "$TAP"
t_eq "ifdown, network down (QEMU's downscript): exit 0" 0 "$RC"
tp tap del "$TAP"
t_eq "ifup: tap del" 0 "$RC"
t_eq "ifup: everything restored" "$BEFORE" "$(net_snapshot)"

# --- DHCP pool exhaustion ----------------------------------------------------------
tp net up pool
t_eq "pool: up" 0 "$RC"
PID=$(jq_state pool 'd["pid"]')
P1=$(t_uniq pa)
P2=$(t_uniq pb)
P3=$(t_uniq pc)
for g in "$P1" "$P2" "$P3"; do
	net_guest "$g"
	net_attach "$g" tp-pool
done
L1=$(net_dhcp "$P1")
L2=$(net_dhcp "$P2")
t_match "pool: first guest leased" '^LEASE ip=10\.77\.9\.1[01] ' "$L1"
t_match "pool: second guest leased" '^LEASE ip=10\.77\.9\.1[01] ' "$L2"
t_check "pool: two different addresses" test "$(net_field "$L1" ip)" != \
	"$(net_field "$L2" ip)"
L3=$(net_dhcp "$P3")
t_eq "pool: the third guest gets no lease" "" "$L3"
t_match "pool: the service logged a warning naming it" \
	"warning: dhcp: address pool exhausted, no offer for $(mac_of "$P3")" \
	"$(cat "$RUN/pool.log")"
t_eq "pool: the service still runs" "$PID" "$(jq_state pool 'd["pid"]')"
t_check "pool: alive" test "$(services pool)" = 1
tp net status pool
t_eq "pool: status still up" 0 "$RC"
t_eq "pool: two leases listed" 2 \
	"$(net_tapir net status pool --json 2>/dev/null | jq_out 'len(d["leases"])')"
L1b=$(net_dhcp "$P1")
t_eq "pool: the first guest still gets its address" "$(net_field "$L1" ip)" \
	"$(net_field "$L1b" ip)"
# The second guest gives its address back (udhcpc -R releases on SIGTERM):
# then the third gets it.
ip netns exec "$P2" busybox udhcpc -i eth0 -f -R -t 6 -T 1 \
	-s "$TAPIR_SRC/tests/tools/udhcpc-ns.sh" >"$NET_DIR/p2.out" 2>&1 &
P2C=$!
t_defer "kill $P2C"
t_wait_for 10 grep -q '^LEASE' "$NET_DIR/p2.out"
kill -TERM "$P2C"
wait "$P2C"
t_check "pool: the release is journaled" t_wait_for 5 grep -q \
	"^release $(mac_of "$P2") $(net_field "$L2" ip)\$" \
	"$NET_DIR/state/pool.leases"
L3=$(net_dhcp "$P3")
t_eq "pool: after a release the third guest gets that address" \
	"$(net_field "$L2" ip)" "$(net_field "$L3" ip)"
tp net down pool
t_eq "pool: down" 0 "$RC"
for g in "$P1" "$P2" "$P3"; do
	net_guest_del "$g"
done
t_eq "pool: everything restored" "$BEFORE" "$(net_snapshot)"

# --- bad configurations -------------------------------------------------------------
# Names taken on the host: a foreign bridge brx, with a dummy port d0.
ip -n "$NET_HOST" link add brx type bridge
ip -n "$NET_HOST" link add d0 type veth peer name d0p
ip -n "$NET_HOST" link set d0 master brx
t_defer "ip -n $NET_HOST link del d0; ip -n $NET_HOST link del brx"
B0=$(net_snapshot)

# bad CASE KIND NET REGEX < CONF: "tapir net up NET" fails saying REGEX
# and changes nothing.  KIND "file": tapir config check finds the error
# too, with the same message; "host": the error depends on the host, so
# config check accepts the file (tapir.conf(5), VALIDATION).
bad() {
	local c=$1 kind=$2 net=$3 re=$4
	net_conf
	tp net up "$net"
	t_check "bad $c: up fails" test "$RC" -ne 0 -a "$RC" -ne 2
	t_match "bad $c: clear error" "$re" "$OUT"
	t_eq "bad $c: nothing changed" "$B0" "$(net_snapshot)"
	no_state "bad $c"
	t_eq "bad $c: no service left" 0 "$(services "$net")"
	tp config check
	if [ "$kind" = file ]; then
		t_eq "bad $c: config check fails" 1 "$RC"
		t_match "bad $c: config check says the same" "$re" "$OUT"
	else
		t_eq "bad $c: config check accepts it" 0 "$RC"
	fi
}

bad "unknown key" file x "^tapir: error: $CONF_RE:3: unknown key 'foo' in \\[network x\\]\$" <<'EOF'
[network x]
address = 10.77.1.1/24
foo = bar
EOF
bad "bad mode" file x "^tapir: error: $CONF_RE:2: bad mode 'natt': expected nat, isolated, routed or bridge\$" <<'EOF'
[network x]
mode = natt
EOF
bad "bad mtu" file x "$CONF_RE:3: bad mtu '70000': expected a number from 68 to 65521" <<'EOF'
[network x]
address = 10.77.1.1/24
mtu = 70000
EOF
bad "overlapping subnets" file x "$CONF_RE:5: subnet 10\\.77\\.1\\.128/25 of network y overlaps subnet 10\\.77\\.1\\.0/24 of network x \\(line 2\\)" <<'EOF'
[network x]
address = 10.77.1.1/24

[network y]
address = 10.77.1.129/25
EOF
bad "bridge mode without uplink" file x "$CONF_RE:1: network x is in bridge mode and needs 'uplink = IFNAME'" <<'EOF'
[network x]
mode = bridge
EOF
bad "dhcp-range outside the subnet" file x "$CONF_RE:3: dhcp-range 10\\.77\\.2\\.10-10\\.77\\.2\\.20 is not inside the usable addresses of the subnet 10\\.77\\.1\\.0/24" <<'EOF'
[network x]
address = 10.77.1.1/24
dhcp-range = 10.77.2.10-10.77.2.20
EOF
bad "duplicate dhcp-host MAC" file x "$CONF_RE:4: dhcp-host: MAC 52:54:00:00:00:01 is already reserved on line 3" <<'EOF'
[network x]
address = 10.77.1.1/24
dhcp-host = 52:54:00:00:00:01,10.77.1.10,web
dhcp-host = 52:54:00:00:00:01,10.77.1.11,db
EOF
bad "key given twice" file x "$CONF_RE:3: address is already set on line 2" <<'EOF'
[network x]
address = 10.77.1.1/24
address = 10.77.2.1/24
EOF
bad "routed without address" file x "$CONF_RE:1: network x is in routed mode and needs an address" <<'EOF'
[network x]
mode = routed
EOF
bad "address used by the uplink" host x "address 198\\.51\\.100\\.7/24 \\($CONF_RE:2\\) is in use: uplink0 has 198\\.51\\.100\\.2/24" <<'EOF'
[network x]
address = 198.51.100.7/24
EOF
bad "bridge name taken" host x "bridge brx \\($CONF_RE:3\\): an interface of that name exists already" <<'EOF'
[network x]
address = 10.77.1.1/24
bridge = brx
EOF
bad "nonexistent uplink" host x "uplink eth9 \\($CONF_RE:3\\) does not exist" <<'EOF'
[network x]
mode = bridge
uplink = eth9
EOF
bad "uplink already a bridge port" host x "uplink d0 \\($CONF_RE:3\\) is already a port of another bridge" <<'EOF'
[network x]
mode = bridge
uplink = d0
EOF
tp net up nosuch
t_check "bad: unknown network: up fails" test "$RC" -ne 0
t_match "bad: unknown network: says so" "no network named 'nosuch' in $CONF_RE" "$OUT"
t_eq "bad: unknown network: nothing changed" "$B0" "$(net_snapshot)"
ip -n "$NET_HOST" link del d0
ip -n "$NET_HOST" link del brx
t_eq "bad: everything as before" "$BEFORE" "$(net_snapshot)"

# --- tapir config check: accepts good files, rejects bad ones, touches nothing --
# ck [-v]: tapir config check with run and state directories that do
# not exist, which it must not create
ck() {
	OUT=$(net_in "$NET_HOST" env TAPIR_CONFIG="$CONF" \
		TAPIR_RUNDIR="$NET_DIR/ck-run" TAPIR_STATEDIR="$NET_DIR/ck-state" \
		"$TAPIR" config check "$@" 2>&1)
	RC=$?
}
net_conf <<'EOF'
# every mode
[network lab]
address = 10.10.0.1/24
dhcp-range = 10.10.0.100-10.10.0.199
domain = lab.example.org
dhcp-host = 52:54:00:10:00:01,10.10.0.10,web
dhcp-host = 52:54:00:10:00:02,10.10.0.11,db

[network sandbox]
mode = isolated
dns = off

[network dmz]
mode = routed
bridge = br-dmz
address = 192.0.2.1/26
mtu = 9000

[network pub]
mode = bridge
uplink = uplink0
EOF
ck
t_eq "check good: exit 0" 0 "$RC"
t_eq "check good: names every network" \
	"$CONF: OK, 5 networks: default lab sandbox dmz pub" "$OUT"
ck -v
t_eq "check -v: exit 0" 0 "$RC"
printf '%s\n' "$OUT" >"$NET_DIR/effective.conf"
OUT=$(net_tapir --config "$NET_DIR/effective.conf" config check 2>&1)
t_eq "check -v: its output is itself a good file" \
	"0 $NET_DIR/effective.conf: OK, 5 networks: default lab sandbox dmz pub" \
	"$? $OUT"
printf '[network lab]\naddress = 10.10.0.1/24\ndhcp-host = 52:54:00:10:00:01,10.20.0.10\n' | net_conf
ck
t_eq "check bad: exit 1" 1 "$RC"
t_match "check bad: file:line" "^tapir: error: $CONF_RE:3: " "$OUT"
rm -f "$CONF"
ck
t_eq "check, no file: only the built-in network" \
	"0 $CONF does not exist: only the built-in network 'default'" "$RC $OUT"
t_check "check: created no run directory" test ! -e "$NET_DIR/ck-run"
t_check "check: created no state directory" test ! -e "$NET_DIR/ck-state"
t_eq "check: nothing changed" "$BEFORE" "$(net_snapshot)"

# --- the bridge's MAC, automatic subnets kept, directories, ifdown ------------------
# A network's bridge has a fixed MAC (02:74:70 + a hash of its name): it
# does not follow the ports, and is the same at every up.
printf '[network a]\n[network b]\n' | net_conf
tp net up a
brmac() { ip -n "$NET_HOST" -br link show "$1" | awk '{print $3}'; }
M1=$(brmac tp-a)
t_match "bridge MAC: fixed, locally administered, 02:74:70" \
	'^02:74:70(:[0-9a-f]{2}){3}$' "$M1"
G7=$(t_uniq gm)
guest "$G7" 52:54:00:00:00:01 tp-a
t_eq "bridge MAC: not taken from a port with a lower MAC" "$M1" "$(brmac tp-a)"
net_guest_del "$G7"
t_eq "bridge MAC: kept when the last port leaves" "$M1" "$(brmac tp-a)"
SUB_A=$(jq_state a 'd["info"]["address"]')
tp net down a
tp net up b
t_eq "bridge MAC: differs between networks" 1 \
	"$([ "$(brmac tp-b)" != "$M1" ] && echo 1)"
# b must not take a's remembered subnet while a is down
SUB_B=$(jq_state b 'd["info"]["address"]')
t_check "automatic subnets: b does not take a's while a is down" \
	test -n "$SUB_B" -a "${SUB_A%.*}" != "${SUB_B%.*}"
tp net up a
t_eq "automatic subnets: a gets its own back" "$SUB_A" \
	"$(jq_state a 'd["info"]["address"]')"
t_eq "bridge MAC: the same after down and up" "$M1" "$(brmac tp-a)"
# ifdown leaves alone a tap on another network's bridge
net_in "$NET_HOST" "$TAPIR" tap add tm0 --bridge tp-b >/dev/null
tp ifdown --network a tm0
t_eq "ifdown of another network's port: exit 0" 0 "$RC"
t_eq "ifdown of another network's port: left on tp-b" tp-b \
	"$(ip -n "$NET_HOST" -o link show tm0 | sed -n 's/.* master \([^ ]*\).*/\1/p')"
tp ifdown --network b tm0
t_eq "ifdown of its own port: detached" "" \
	"$(ip -n "$NET_HOST" -o link show tm0 | sed -n 's/.* master \([^ ]*\).*/\1/p')"
net_in "$NET_HOST" "$TAPIR" tap del tm0 >/dev/null
tp net down a
tp net down b
# run and state directories are made with their parents
OUT=$(net_in "$NET_HOST" env TAPIR_CONFIG="$CONF" TAPIR_RUNDIR="$NET_DIR/deep/x/run" \
	TAPIR_STATEDIR="$NET_DIR/deep/y/state" "$TAPIR" net up a 2>&1)
t_eq "missing parent directories are created" 0 $?
net_in "$NET_HOST" env TAPIR_CONFIG="$CONF" TAPIR_RUNDIR="$NET_DIR/deep/x/run" \
	TAPIR_STATEDIR="$NET_DIR/deep/y/state" "$TAPIR" net down a >/dev/null 2>&1
t_check "... and used" test -f "$NET_DIR/deep/y/state/a.subnet"

# --- the end -------------------------------------------------------------------------
t_eq "end: no service left" "0 0 0 0" \
	"$(services default) $(services a) $(services b) $(services pool)"
no_state "end"
t_eq "end: everything as before" "$BEFORE" "$(net_snapshot)"

t_done
