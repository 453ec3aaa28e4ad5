#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-bridge.sh - tapir net in bridge mode (public bridge): the host's NIC
# goes into a bridge with its addresses and routes, guests get their
# addresses from the LAN, and down puts everything back exactly
#
#   netns INET (the LAN)
#   +----------------------------------------------------------------+
#   | inet0 198.51.100.1/24   whoami :8080    dnsmasq :53 (net.sh)     |
#   | dnsmasq DHCP on inet0 (this test): 198.51.100.100-149,          |
#   |   router and DNS 198.51.100.1, domain lan.test                  |
#   +--------------------------------|-------------------------------+
#                                    | veth
#   netns HOST (tapir runs here)     |
#   +--------------------------------|-------------------------------+
#   |            before up / after down: uplink0 holds the layer 3    |
#   | uplink0 198.51.100.2/24, 198.51.100.3/24 (secondary),          |
#   |   2001:db8:100::2/64; default via .1; 203.0.113.0/24 via .1    |
#   |   metric 50; 192.0.2.0/24 via .1 in table 7; IPv6 default     |
#   |   via 2001:db8:100::1 metric 99                                 |
#   |            while up: all of that on br-lan (uplink0's MAC)      |
#   | br-lan = [ uplink0 ] + [ G1p ]    network lan, mode bridge      |
#   +--------------------------------|-------------------------------+
#                                    | veth
#   +--------------------------------|-------------------------------+
#   | G1 eth0: DHCP from the LAN's dnsmasq, not from tapir            |
#   +----------------------------------------------------------------+
#
# Proves, for bridge mode: the bridge takes the uplink's MAC, addresses
# and routes (the default route, a route with a metric, a route in another
# table); the host still reaches the LAN and its DNS server through it; a
# guest gets its lease from the LAN's own DHCP server and reaches the LAN
# with its own address; tapir runs no DHCP or DNS server and loads no
# nftables table for this network; status and list; down restores links,
# addresses, routes and ruleset exactly, and the host still reaches the
# LAN afterwards.
#
# shellcheck source-path=SCRIPTDIR
set -u
self=$(realpath "$0")
# shellcheck source=../lib/common.sh
. "$(dirname "$self")/../lib/common.sh"
# shellcheck source=../lib/net.sh
. "$(dirname "$self")/../lib/net.sh"
# shellcheck source=../lib/probe.sh
. "$(dirname "$self")/../lib/probe.sh"
t_require_root
t_require_cmd busybox dnsmasq nft python3 ss
net_setup

## the LAN's DHCP server, next to net.sh's DNS server (port=0: no DNS here)
net_in "$NET_INET" dnsmasq --keep-in-foreground --conf-file=/dev/null \
	--port=0 --interface=inet0 --bind-interfaces --no-ping \
	--dhcp-range=198.51.100.100,198.51.100.149,255.255.255.0,1h \
	--dhcp-option=option:router,198.51.100.1 \
	--dhcp-option=option:dns-server,198.51.100.1 \
	--dhcp-option=option:domain-name,lan.test \
	--dhcp-leasefile="$NET_DIR/lan.leases" --log-dhcp \
	--log-facility="$NET_DIR/lan-dhcp.log" \
	--pid-file="$NET_DIR/lan-dhcp.pid" >/dev/null 2>&1 &
t_defer "kill $!"
t_wait_for 10 test -s "$NET_DIR/lan-dhcp.pid" ||
	{ t_log "the LAN's DHCP server did not start"; exit 1; }

## more on the uplink, so that exact restoration means something
ip -n "$NET_HOST" addr add 198.51.100.3/24 dev uplink0
ip -n "$NET_HOST" addr add 2001:db8:100::2/64 dev uplink0 nodad
ip -n "$NET_HOST" route add 203.0.113.0/24 via 198.51.100.1 dev uplink0 \
	metric 50 proto static
ip -n "$NET_HOST" route add 192.0.2.0/24 via 198.51.100.1 dev uplink0 table 7
ip -n "$NET_HOST" -6 route add default via 2001:db8:100::1 dev uplink0 metric 99

net_conf <<'EOF'
[network lan]
mode = bridge
bridge = br-lan
uplink = uplink0
EOF
t_wait_for 10 net_settled uplink0
before=$(net_snapshot)
# net_snapshot's "ip route show table all" lists IPv4 routes only
routes6() { ip -n "$NET_HOST" -6 route show table all; }
before6=$(routes6)
ruleset_before=$(net_in "$NET_HOST" nft list ruleset)
UPMAC=$(ip -n "$NET_HOST" -br link show uplink0 | awk '{print $3}')
G1=$(t_uniq br1)
net_guest "$G1"

out=$(net_tapir net up lan 2>&1)
t_eq "up: exit 0" 0 $?
t_match "up: bridge mode on br-lan with uplink0" \
	'^network lan is up: bridge, bridge br-lan, uplink uplink0$' "$out"

## the bridge took the uplink's place
t_eq "the bridge has the uplink's MAC" "$UPMAC" \
	"$(ip -n "$NET_HOST" -br link show br-lan | awk '{print $3}')"
t_match "the uplink is a port of the bridge" 'master br-lan' \
	"$(ip -n "$NET_HOST" link show uplink0)"
addrs=$(ip -n "$NET_HOST" addr show dev br-lan)
t_match "the bridge has the uplink's address" 'inet 198\.51\.100\.2/24 .*br-lan' "$addrs"
t_match "... and its secondary address" 'inet 198\.51\.100\.3/24 .*secondary br-lan' "$addrs"
t_match "... and its IPv6 address" 'inet6 2001:db8:100::2/64 scope global' "$addrs"
t_nomatch "the uplink keeps no global address" 'inet |inet6 2001' \
	"$(ip -n "$NET_HOST" addr show dev uplink0)"
t_eq "the default route goes via the bridge" "default via 198.51.100.1 dev br-lan" \
	"$(ip -n "$NET_HOST" route show default | sed 's/ *$//')"
t_eq "the extra route moved, metric and protocol kept" \
	"203.0.113.0/24 via 198.51.100.1 dev br-lan proto static metric 50" \
	"$(ip -n "$NET_HOST" route show 203.0.113.0/24 | sed 's/ *$//')"
t_eq "the route in table 7 moved" "192.0.2.0/24 via 198.51.100.1 dev br-lan" \
	"$(ip -n "$NET_HOST" route show table 7 | sed 's/ *$//')"
t_nomatch "no route left on the uplink" 'dev uplink0' \
	"$(ip -n "$NET_HOST" -4 route show table all)"
t_match "the IPv6 default route moved" '^default via 2001:db8:100::1 dev br-lan .*metric 99' \
	"$(ip -n "$NET_HOST" -6 route show default)"
t_eq "the host still reaches the LAN" 198.51.100.2 \
	"$(net_http "$NET_HOST" http://198.51.100.1:8080/)"
t_eq "the host still reaches the LAN's DNS server" 198.51.100.1 \
	"$(dns_a "$NET_HOST" example.test 198.51.100.1)"

## a guest is on the LAN
net_attach "$G1" br-lan
l1=$(net_dhcp "$G1" lanvm)
IP1=$(net_field "$l1" ip)
MAC1=$(guest_mac "$G1")
t_check "G1: an address of the LAN's pool ($l1)" \
	ip_in_range "$IP1" 198.51.100.100 198.51.100.149
t_eq "G1: from the LAN's DHCP server" 198.51.100.1 "$(net_field "$l1" server)"
t_eq "G1: the LAN's router" 198.51.100.1 "$(net_field "$l1" router)"
t_eq "G1: the LAN's DNS server" 198.51.100.1 "$(net_field "$l1" dns)"
t_eq "G1: the LAN's domain" lan.test "$(net_field "$l1" domain)"
t_check "the LAN's server recorded the lease" \
	grep -q " $MAC1 $IP1 " "$NET_DIR/lan.leases"
t_eq "whoami sees the guest's own address" "$IP1" \
	"$(net_http "$G1" http://198.51.100.1:8080/)"
t_eq "G1 resolves through the LAN's DNS server" 198.51.100.1 \
	"$(dns_a "$G1" example.test 198.51.100.1)"
t_check "the host reaches G1 across the bridge" pinging "$NET_HOST" "$IP1"

## nothing of tapir's own on this network
t_eq "no DHCP or DNS server listens in the host (UDP)" "" \
	"$(net_in "$NET_HOST" ss -Hlnu | grep -E ':(53|67) ')"
t_eq "no DNS server listens in the host (TCP)" "" \
	"$(net_in "$NET_HOST" ss -Hlnt | grep -E ':53 ')"
t_eq "no nftables table: the ruleset is as before" "$ruleset_before" \
	"$(net_in "$NET_HOST" nft list ruleset)"
t_check "no lease journal" test ! -e "$NET_DIR/state/lan.leases"

## status and list
json=$(net_tapir net status lan --json)
t_eq "status --json: state mode bridge uplink" "up bridge br-lan uplink0" \
	"$(jpy "$json" '" ".join([j["state"], j["mode"], j["bridge"], j["uplink"]])')"
t_eq "status --json: ports are the uplink and the guest" \
	"$(printf '%s\n' "${G1}p" uplink0 | sort)" \
	"$(jpy "$json" 'sorted(p["name"] for p in j["ports"])')"
t_eq "status --json: no leases, no rules, no DHCP range" "0 False False" \
	"$(jpy "$json" '" ".join([str(len(j.get("leases", []))), str("rules" in j), str("dhcp_first" in j)])')"
t_match "list: lan is up" '^lan +up +bridge +br-lan +uplink0$' "$(net_tapir net list)"

## down
out=$(net_tapir net down lan 2>&1)
t_eq "down: exit 0" 0 $?
t_match "down: says so" '^network lan is down$' "$out"
net_guest_del "$G1"
t_eq "down restores links, addresses, routes (all tables) and ruleset" \
	"$before" "$(net_snapshot)"
t_eq "down restores the IPv6 routes (all tables)" "$before6" "$(routes6)"
t_eq "after down the host still reaches the LAN" 198.51.100.2 \
	"$(net_http "$NET_HOST" http://198.51.100.1:8080/)"
t_eq "... and its DNS server" 198.51.100.1 \
	"$(dns_a "$NET_HOST" example.test 198.51.100.1)"

t_done
