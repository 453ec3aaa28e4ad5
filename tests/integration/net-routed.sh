#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-routed.sh - tapir net in routed mode: guests keep their own
# addresses on the outside, and the outside can reach them
#
#   netns INET ("internet", playing the LAN's router)
#   +---------------------------------------------------------------+
#   | inet0 198.51.100.1/24   whoami :8080    dnsmasq :53 (query log) |
#   | route 10.201.0.0/24 via 198.51.100.2 (the host routes it)      |
#   +-------------------------------|-------------------------------+
#                                   | veth
#   netns HOST (tapir runs here)    |
#   +-------------------------------|-------------------------------+
#   | uplink0 198.51.100.2/24, default via .1, resolv.conf -> .1     |
#   | br-rt 10.201.0.1/24  network rt, mode routed                   |
#   |   table inet tapir-rt (no masquerade), DHCP :67, DNS :53       |
#   +-----------------|-----------------------------|---------------+
#                   veth                          veth
#   +-----------------|------------+  +-------------|---------------+
#   | G1 eth0 (DHCP, "web")        |  | G2 eth0 (DHCP, "db")        |
#   | busybox httpd :8081          |  |                             |
#   +------------------------------+  +-----------------------------+
#
# Proves, for routed mode: leases (address in range, mask, router, DNS
# server, domain); DNS forwarding and local names; the internet sees the
# guest's own address, not the host's; the internet reaches a server in a
# guest; no masquerade rule exists; status; down restores the host
# exactly.
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
t_require_cmd busybox dnsmasq nft python3 ping
net_setup
ip -n "$NET_INET" route add 10.201.0.0/24 via 198.51.100.2

net_conf <<'EOF'
[network rt]
mode = routed
bridge = br-rt
address = 10.201.0.1/24
dhcp-range = 10.201.0.50-10.201.0.99
EOF
before=$(net_snapshot)
G1=$(t_uniq rt1)
G2=$(t_uniq rt2)
net_guest "$G1"
net_guest "$G2"

out=$(net_tapir net up rt 2>&1)
t_eq "up: exit 0" 0 $?
t_match "up: routed on br-rt with the configured address" \
	'^network rt is up: routed, bridge br-rt, 10\.201\.0\.1/24, DHCP 10\.201\.0\.50-10\.201\.0\.99$' \
	"$out"
t_match "the bridge has the host's address" '^br-rt .* 10\.201\.0\.1/24' \
	"$(ip -n "$NET_HOST" -br -4 addr show dev br-rt)"
t_eq "up turned ip_forward on" 1 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"
net_attach "$G1" br-rt
net_attach "$G2" br-rt

## leases
l1=$(net_dhcp "$G1" web)
IP1=$(net_field "$l1" ip)
t_check "G1: address in 10.201.0.50-10.201.0.99 ($l1)" \
	ip_in_range "$IP1" 10.201.0.50 10.201.0.99
t_eq "G1: mask" 24 "$(net_field "$l1" mask)"
t_eq "G1: router is the host" 10.201.0.1 "$(net_field "$l1" router)"
t_eq "G1: DNS server is the host" 10.201.0.1 "$(net_field "$l1" dns)"
t_eq "G1: domain" rt.internal "$(net_field "$l1" domain)"
t_eq "G1: host name" web "$(net_field "$l1" hostname)"
l2=$(net_dhcp "$G2" db)
IP2=$(net_field "$l2" ip)
t_check "G2: address in range ($l2)" ip_in_range "$IP2" 10.201.0.50 10.201.0.99
t_check "G2: another address" test "$IP1" != "$IP2"

## DNS
n=$(wc -l <"$NET_DIR/inet-dns.log")
t_eq "forwarded: example.test" 198.51.100.1 \
	"$(dns_a "$G1" example.test 10.201.0.1)"
t_check "the internet's DNS server got the query from the host's uplink" \
	t_wait_for 5 sh -c "tail -n +$((n + 1)) '$NET_DIR/inet-dns.log' |
		grep -q 'query\[A\] example\.test from 198\.51\.100\.2$'"
t_eq "G2 resolves G1 by bare name" "$IP1" "$(dns_a "$G2" web 10.201.0.1)"
t_eq "G1 resolves G2 by NAME.DOMAIN" "$IP2" \
	"$(dns_a "$G1" db.rt.internal 10.201.0.1)"
t_eq "PTR" web.rt.internal "$(dns_ptr "$G2" "$IP1" 10.201.0.1)"

## routing: no address translation, either way
t_eq "whoami sees G1's own address" "$IP1" \
	"$(net_http "$G1" http://198.51.100.1:8080/)"
t_eq "whoami sees G2's own address" "$IP2" \
	"$(net_http "$G2" http://198.51.100.1:8080/)"
t_nomatch "the whoami log never saw the host's address" '^198\.51\.100\.2 ' \
	"$(cat "$NET_DIR/whoami.log")"
t_check "G1 serves HTTP on :8081" guest_httpd "$G1" "hello from web"
t_eq "the internet reaches G1's server" "hello from web" \
	"$(net_http "$NET_INET" "http://$IP1:8081/")"
t_check "the internet pings G1" pinging "$NET_INET" "$IP1"
t_eq "G2 reaches G1's server" "hello from web" \
	"$(net_http "$G2" "http://$IP1:8081/")"
ruleset=$(net_in "$NET_HOST" nft list table inet tapir-rt)
t_nomatch "no masquerade rule, no NAT chain" 'masquerade|type nat' "$ruleset"
t_match "the forward chain let connections in" \
	'counter packets [1-9][0-9]* bytes [0-9]+ accept' \
	"$(net_in "$NET_HOST" nft list chain inet tapir-rt forward)"

## status
json=$(net_tapir net status rt --json)
t_eq "status --json: state mode bridge address" "up routed br-rt 10.201.0.1/24" \
	"$(jpy "$json" '" ".join([j["state"], j["mode"], j["bridge"], j["address"]])')"
t_eq "status --json: ports" "$(printf '%s\n' "${G1}p" "${G2}p" | sort)" \
	"$(jpy "$json" 'sorted(p["name"] for p in j["ports"])')"
t_eq "status --json: leases" \
	"$(printf '%s\n' "$(guest_mac "$G1") $IP1 web" "$(guest_mac "$G2") $IP2 db" | sort)" \
	"$(jpy "$json" 'sorted(l["mac"] + " " + l["ip"] + " " + l["hostname"] for l in j["leases"])')"
nrules=$(jpy "$(net_in "$NET_HOST" nft -j list table inet tapir-rt)" \
	'len([x for x in j["nftables"] if "rule" in x])')
t_eq "status --json: rule count as nft counts them" "$nrules" \
	"$(jpy "$json" 'j["rules"]["count"]')"
t_match "list: rt is up" '^rt +up +routed +br-rt +10\.201\.0\.1/24$' \
	"$(net_tapir net list)"

## down
out=$(net_tapir net down rt 2>&1)
t_eq "down: exit 0" 0 $?
net_http "$NET_INET" "http://$IP1:8081/" 2 >/dev/null 2>&1
t_eq "after down the internet no longer reaches G1" 1 $?
net_guest_del "$G1"
net_guest_del "$G2"
t_eq "down restores links, addresses, routes and ruleset" "$before" "$(net_snapshot)"
t_eq "ip_forward stays on after down (documented)" 1 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"

t_done
