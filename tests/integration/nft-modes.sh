#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# nft-modes.sh - the firewall tables of nat, routed and isolated networks
# carry (or stop) real traffic between namespaces; another program's drop
# defeats them until the printed fix is applied; removing a table restores
# "nft list ruleset" exactly; moving the uplink's layer 3 onto a public
# bridge and back restores addresses and routes exactly.
#
#   netns INET ("internet")       netns HOST                       netns GUEST
#   +----------------------+     +-----------------------------+  +-----------------+
#   | inet0 198.51.100.1/24|-----| up0 198.51.100.2/24         |  |                 |
#   |  route 10.77.5.0/24  |veth|  (public bridge part: up0   |  |                 |
#   |   via 198.51.100.2   |     |   into brpub, L3 moved)     |  |                 |
#   | socat :8080 answers  |     |                             |  |                 |
#   |  with the peer's     |     | br0 10.77.5.1/24 --- gport ====| eth0 10.77.5.2/24|
#   |  address             |     |  table inet tapir-t         |veth default via .1  |
#   +----------------------+     |  ip_forward=1               |  | socat :8081     |
#                                +-----------------------------+  +-----------------+
#
# Tables, bridges and the move are made by tests/tools/nettool, which calls
# lib/nft.c, lib/nl*.c and lib/sysctl.c; ip and nft only set the scene and
# watch.
#
# shellcheck source-path=SCRIPTDIR
set -u
self=$(realpath "$0")
# shellcheck source=../lib/common.sh
. "$(dirname "$self")/../lib/common.sh"
: "${NETTOOL:=$TAPIR_BUILD/tests/tools/nettool}"

t_require_root
t_require_cmd ip nft socat ping

INET=$(t_uniq ni)
HOST=$(t_uniq nh)
GUEST=$(t_uniq ng)
D=$(t_tmpdir)
t_netns "$INET"
t_netns "$HOST"
t_netns "$GUEST"

hx() { ip netns exec "$HOST" "$@"; }
nt() { ip netns exec "$HOST" "$NETTOOL" "$@"; }

# --- the scene --------------------------------------------------------------
ip -n "$HOST" link add up0 type veth peer name inet0 netns "$INET" || exit 1
ip -n "$HOST" link add gport type veth peer name eth0 netns "$GUEST" || exit 1
ip -n "$INET" addr add 198.51.100.1/24 dev inet0
ip -n "$INET" link set inet0 up
ip -n "$INET" route add 10.77.5.0/24 via 198.51.100.2
ip -n "$HOST" addr add 198.51.100.2/24 dev up0
ip -n "$HOST" link set up0 up
nt bridge-add br0 || exit 1
ip -n "$HOST" addr add 10.77.5.1/24 dev br0
nt master gport br0 || exit 1
ip -n "$HOST" link set gport up
ip -n "$GUEST" addr add 10.77.5.2/24 dev eth0
ip -n "$GUEST" link set eth0 up
ip -n "$GUEST" route add default via 10.77.5.1
t_check "ip_forward on in HOST" nt sysctl net.ipv4.ip_forward 1
t_eq "ip_forward reads back" 1 "$(nt sysctl net/ipv4/ip_forward)"

# Servers that say who is calling.
# shellcheck disable=SC2016 # $SOCAT_PEERADDR is socat's, for the child
ip netns exec "$INET" socat TCP-LISTEN:8080,fork,reuseaddr \
	SYSTEM:'echo $SOCAT_PEERADDR' >/dev/null 2>&1 &
ip netns exec "$GUEST" socat TCP-LISTEN:8081,fork,reuseaddr \
	SYSTEM:'echo guest' >/dev/null 2>&1 &
t_wait_for 5 ip netns exec "$INET" socat -T1 /dev/null TCP:127.0.0.1:8080 ||
	{ t_log "server in INET did not start"; exit 1; }

# ask NS HOST:PORT: print what the server there says ("" if unreachable)
ask() {
	ip netns exec "$1" socat -T3 - "TCP:$2,connect-timeout=3" </dev/null \
		2>/dev/null
}

# reach NS ADDR: one ping gets an answer
# shellcheck disable=SC2317 # called through t_check
reach() { ip netns exec "$1" ping -q -c1 -W2 "$2" >/dev/null; }

RULESET_BEFORE=$(hx nft list ruleset)

# --- nat --------------------------------------------------------------------
t_check "nat: apply" nt nft-apply t nat br0 10.77.5.1/24
t_eq "nat: the internet sees the host's address" 198.51.100.2 \
	"$(ask "$GUEST" 198.51.100.1:8080)"
t_eq "nat: no new connection from outside to a guest" "" \
	"$(ask "$INET" 10.77.5.2:8081)"
t_check "nat: the guest reaches the host" reach "$GUEST" 10.77.5.1
echo x | ip netns exec "$GUEST" socat -u - UDP:10.77.5.1:53
t_match "nat: DNS from the bridge is counted" \
	'udp dport 53 counter packets 1 ' "$(hx nft list chain inet tapir-t input)"
t_match "nat: masquerade counted" 'counter packets [1-9][0-9]* .* masquerade' \
	"$(hx nft list chain inet tapir-t postrouting)"
t_match "nat: counts" '^rules=12 packets=[1-9][0-9]* bytes=[1-9][0-9]* rejected=[1-9]' \
	"$(nt nft-count t)"
t_eq "nat: listed" t "$(nt nft-list)"

# --- routed -----------------------------------------------------------------
t_check "routed: apply over nat" nt nft-apply t routed br0 10.77.5.1/24
t_eq "routed: the internet sees the guest's own address" 10.77.5.2 \
	"$(ask "$GUEST" 198.51.100.1:8080)"
t_eq "routed: the outside reaches a guest" guest \
	"$(ask "$INET" 10.77.5.2:8081)"
t_nomatch "routed: no NAT chain left from nat mode" postrouting \
	"$(hx nft list table inet tapir-t)"

# --- isolated ---------------------------------------------------------------
t_check "isolated: apply" nt nft-apply t isolated br0 10.77.5.1/24
t_eq "isolated: the guest cannot reach the internet" "" \
	"$(ask "$GUEST" 198.51.100.1:8080)"
t_eq "isolated: the internet cannot reach the guest" "" \
	"$(ask "$INET" 10.77.5.2:8081)"
t_check "isolated: the guest reaches the host" reach "$GUEST" 10.77.5.1
t_match "isolated: the refusals are counted" 'rejected=[1-9]' "$(nt nft-count t)"

# --- another program's drop -------------------------------------------------
t_check "foreign: apply nat" nt nft-apply t nat br0 10.77.5.1/24
out=$(nt foreign-drops br0 nat)
t_match "foreign: none yet" '^drops=0$' "$out"
hx nft 'add table inet fw; add chain inet fw fw_forward { type filter hook forward priority 0; policy drop; }'
t_eq "foreign: a drop elsewhere beats our accept" "" \
	"$(ask "$GUEST" 198.51.100.1:8080)"
out=$(nt foreign-drops br0 nat)
t_match "foreign: found" '^drops=1' "$out"
t_match "foreign: named" 'inet fw fw_forward hook=forward policy=drop' "$out"
t_match "foreign: fix given" "fix: nft 'insert rule inet fw fw_forward iifname \"br0\" accept'" "$out"
# apply the fix exactly as printed
printf '%s\n' "$out" | sed -n 's/^  fix: //p' > "$D/fix.sh"
t_check "foreign: the fix runs" ip netns exec "$HOST" sh -e "$D/fix.sh"
t_eq "foreign: fixed, the guest gets out again" 198.51.100.2 \
	"$(ask "$GUEST" 198.51.100.1:8080)"
t_match "foreign: and the warning is gone" '^drops=0$' "$(nt foreign-drops br0 nat)"
hx nft delete table inet fw

# --- removal ----------------------------------------------------------------
t_check "remove" nt nft-remove t
t_check "remove again: no error" nt nft-remove t
t_eq "remove: nft list ruleset is as before" "$RULESET_BEFORE" "$(hx nft list ruleset)"
t_eq "remove: nothing listed" "" "$(nt nft-list)"

# --- public bridge: the uplink's layer 3 onto a bridge and back -------------
ip -n "$HOST" addr add 2001:db8:5::2/64 dev up0 nodad
ip -n "$HOST" route add default via 198.51.100.1 metric 10 proto static
ip -n "$HOST" route add 203.0.113.0/24 via 198.51.100.1 table 7
ip -n "$HOST" -6 route add default via 2001:db8:5::1 metric 99
# ip -d shows the bridge's running timers; they tick
untimed() { sed -E 's/(_timer) +[0-9.]+/\1 X/g'; }
l3_snapshot() {
	ip -n "$HOST" -d addr show | untimed
	ip -n "$HOST" route show table all
	ip -n "$HOST" -6 route show table all
}
BEFORE=$(l3_snapshot)
LINKS_BEFORE=$(ip -n "$HOST" -d link show | untimed)

t_check "public: bridge with the uplink's MAC" nt bridge-add brpub up0
t_eq "public: same MAC" "$(ip -n "$HOST" -br link show up0 | awk '{print $3}')" \
	"$(ip -n "$HOST" -br link show brpub | awk '{print $3}')"
t_check "public: no table for bridge mode" nt nft-apply pub bridge brpub 198.51.100.2/24
t_check "public: move-l3" nt move-l3 up0 brpub "$D/l3.json"
t_check "public: enslave the uplink" nt master up0 brpub
t_match "public: the default route is on the bridge" \
	'^default via 198.51.100.1 dev brpub proto static metric 10' \
	"$(ip -n "$HOST" route show default)"
t_match "public: policy routing table too" '203.0.113.0/24 via 198.51.100.1 dev brpub' \
	"$(ip -n "$HOST" route show table 7)"
t_match "public: IPv6 too" 'inet6 2001:db8:5::2/64' "$(ip -n "$HOST" addr show dev brpub)"
t_nomatch "public: nothing left on the uplink" 'inet ' "$(ip -n "$HOST" addr show dev up0)"
t_eq "public: the host still reaches the internet, through the bridge" \
	198.51.100.2 "$(ask "$HOST" 198.51.100.1:8080)"
t_match "public: record written first" '"from":"up0"' "$(tr -d ' \n' < "$D/l3.json")"

t_check "public: release the uplink" nt master up0 none
t_check "public: restore-l3 from the record" nt restore-l3 "$D/l3.json"
t_check "public: delete the bridge" nt link-del brpub
# IPv6 duplicate address detection runs again on the uplink
t_wait_for 5 sh -c "! ip -n $HOST addr show dev up0 | grep -q tentative"
t_eq "public: ip addr and ip route (all tables) as before" "$BEFORE" \
	"$(l3_snapshot)"
t_eq "public: ip -d link as before" "$LINKS_BEFORE" \
	"$(ip -n "$HOST" -d link show | untimed)"
t_eq "public: nft list ruleset as before" "$RULESET_BEFORE" "$(hx nft list ruleset)"
t_eq "public: the host reaches the internet on the uplink" \
	198.51.100.2 "$(ask "$HOST" 198.51.100.1:8080)"

t_done
