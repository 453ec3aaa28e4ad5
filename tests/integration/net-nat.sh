#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-nat.sh - tapir net in nat mode: the built-in default network (no
# tapir.conf at all), then a configured network with fixed leases and a
# domain of its own
#
#   netns INET ("internet")
#   +---------------------------------------------------------------+
#   | inet0 198.51.100.1/24   whoami :8080    dnsmasq :53 (query log) |
#   | route 10.200.0.0/24 via 198.51.100.2 (to try to get in)        |
#   +-------------------------------|-------------------------------+
#                                   | veth
#   netns HOST (tapir runs here)    |
#   +-------------------------------|-------------------------------+
#   | uplink0 198.51.100.2/24, default via .1, resolv.conf -> .1     |
#   | part 1: tapir0 10.200.0.1/24  network default (no tapir.conf)  |
#   | part 2: tp-lab 10.123.0.1/24  network lab (tapir.conf)         |
#   |   table inet tapir-NAME, DHCP :67 and DNS :53 on the bridge    |
#   +-----|------------|------------|-----------|-----------|-------+
#       veth         veth         veth        veth        veth
#   +-----|---+  +-----|---+  +-----|---+  +----|----+  +---|-----+
#   | G1      |  | G2      |  | G3      |  | W       |  | D       |
#   | alpha   |  | beta,   |  | delta,  |  | MAC of  |  | dyn     |
#   | httpd   |  | then    |  | then    |  | dhcp-   |  |         |
#   | :8081   |  | gamma   |  | released|  | host web|  |         |
#   +---------+  +---------+  +---------+  +---------+  +---------+
#     part 1: tapir0                          part 2: tp-lab
#
# Proves, for nat mode: leases (address in range, mask, router, DNS server,
# domain, host name; a dhcp-host's fixed address and name); DNS forwarding
# through the host (the internet's server logs the query from
# 198.51.100.2); local names (bare, NAME.DOMAIN, PTR) that follow leases
# as they change; masquerading; no way in from outside; leases kept across
# down and up; net status and net list, for people and as JSON; down
# restores the host exactly, except ip_forward, which stays on.
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
t_require_cmd busybox dig dnsmasq nft python3 ping
net_setup

# upstream_log_since N: the internet's DNS log after its first N lines
upstream_log_since() { tail -n +"$(($1 + 1))" "$NET_DIR/inet-dns.log"; }
upstream_lines() { wc -l <"$NET_DIR/inet-dns.log"; }
# host_mac IFNAME: MAC of an interface of the host namespace
host_mac() { ip -n "$NET_HOST" -br link show "$1" | awk '{print $3}'; }

before=$(net_snapshot)
t_eq "ip_forward is off before up" 0 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"

##############################################################################
# part 1: the default network, with no tapir.conf at all
##############################################################################
t_check "no tapir.conf" test ! -e "$NET_DIR/tapir.conf"
G1=$(t_uniq na1)
G2=$(t_uniq na2)
G3=$(t_uniq na3)
net_guest "$G1"
net_guest "$G2"
net_guest "$G3"

out=$(net_tapir net up 2>&1)
t_eq "up: exit 0" 0 $?
t_match "up: default is nat on tapir0 with 10.200.0.1/24" \
	'^network default is up: nat, bridge tapir0, 10\.200\.0\.1/24, DHCP 10\.200\.0\.2-10\.200\.0\.254$' \
	"$out"
t_match "the bridge has the host's address" '^tapir0 .* 10\.200\.0\.1/24' \
	"$(ip -n "$NET_HOST" -br -4 addr show dev tapir0)"
t_eq "up turned ip_forward on" 1 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"
net_attach "$G1" tapir0
net_attach "$G2" tapir0
net_attach "$G3" tapir0

## leases
l1=$(net_dhcp "$G1" alpha)
IP1=$(net_field "$l1" ip)
t_check "G1: address in 10.200.0.2-10.200.0.254 ($l1)" \
	ip_in_range "$IP1" 10.200.0.2 10.200.0.254
t_eq "G1: mask" 24 "$(net_field "$l1" mask)"
t_eq "G1: router is the host" 10.200.0.1 "$(net_field "$l1" router)"
t_eq "G1: DNS server is the host" 10.200.0.1 "$(net_field "$l1" dns)"
t_eq "G1: domain" default.internal "$(net_field "$l1" domain)"
t_eq "G1: host name echoed" alpha "$(net_field "$l1" hostname)"
t_eq "G1: server identifier is the host" 10.200.0.1 "$(net_field "$l1" server)"
LEASE1=$(net_field "$l1" lease)
t_match "G1: a lease time" '^[1-9][0-9]*$' "$LEASE1"
t_check "G1 reaches the host at its router address" pinging "$G1" 10.200.0.1
l2=$(net_dhcp "$G2" beta)
IP2=$(net_field "$l2" ip)
t_check "G2: address in range ($l2)" ip_in_range "$IP2" 10.200.0.2 10.200.0.254
t_check "G2: another address than G1's" test "$IP1" != "$IP2"
t_eq "G2: router" 10.200.0.1 "$(net_field "$l2" router)"
t_check "the guests reach each other" pinging "$G1" "$IP2"

## DNS: forwarded through the host
n=$(upstream_lines)
t_eq "forwarded: example.test" 198.51.100.1 \
	"$(dns_a "$G1" example.test 10.200.0.1)"
t_check "the internet's DNS server got the query from the host's uplink" \
	t_wait_for 5 sh -c "tail -n +$((n + 1)) '$NET_DIR/inet-dns.log' |
		grep -q 'query\[A\] example\.test from 198\.51\.100\.2$'"
t_nomatch "... and from nowhere else" 'query\[A\] example\.test from (10\.|198\.51\.100\.[013-9])' \
	"$(upstream_log_since "$n")"

## DNS: a TCP query goes upstream over TCP
# big.example.test's TXT answer (2 KB) does not fit in a UDP reply: a client
# that gets it truncated asks again over TCP, and must then get all of it.
# Asked over TCP first, so no cache stands in for the resolver.
big=$(net_in "$G1" timeout 10 dig +tcp +short +time=3 +tries=1 \
	@10.200.0.1 big.example.test TXT 2>&1)
t_eq "TCP query: all ten strings of the 2 KB TXT answer" \
	"$(net_big_txt | tr ',' '\n')" "$(tr -d '"' <<<"$big" | tr ' ' '\n')"
udp=$(net_in "$G1" timeout 10 dig +notcp +ignore +bufsize=512 +time=3 \
	+tries=1 @10.200.0.1 big.example.test TXT 2>&1)
t_match "UDP query, 512-byte buffer: the answer is truncated (TC)" \
	'flags:[a-z ]* tc[ ;]' "$udp"

## DNS: local names
t_eq "bare name of another guest" "$IP2" "$(dns_a "$G1" beta 10.200.0.1)"
t_eq "NAME.DOMAIN of another guest" "$IP2" \
	"$(dns_a "$G1" beta.default.internal 10.200.0.1)"
t_eq "and the other way round, in any case" "$IP1" \
	"$(dns_a "$G2" ALPHA.Default.Internal 10.200.0.1)"
t_eq "PTR of a guest's address" beta.default.internal \
	"$(dns_ptr "$G1" "$IP2" 10.200.0.1)"
n=$(upstream_lines)
t_eq "unknown name in the domain" NXDOMAIN \
	"$(dns_a "$G1" nosuch.default.internal 10.200.0.1)"
t_eq "unknown bare name" NXDOMAIN "$(dns_a "$G1" nosuch 10.200.0.1)"
sleep 0.5 # let the upstream log catch up, should anything have gone there
t_nomatch "neither was sent upstream" nosuch "$(upstream_log_since "$n")"

## local names follow the leases
l2b=$(net_dhcp "$G2" gamma)
t_eq "G2 renamed: same address" "$IP2" "$(net_field "$l2b" ip)"
t_eq "G2 renamed: new name echoed" gamma "$(net_field "$l2b" hostname)"
t_eq "the new name resolves" "$IP2" "$(dns_a "$G1" gamma 10.200.0.1)"
t_eq "the old name is gone" NXDOMAIN "$(dns_a "$G1" beta 10.200.0.1)"
t_eq "PTR names the new name" gamma.default.internal \
	"$(dns_ptr "$G1" "$IP2" 10.200.0.1)"
t_eq "a guest not yet there has no name" NXDOMAIN \
	"$(dns_a "$G1" delta 10.200.0.1)"
# G3 runs udhcpc as a daemon: it renews on SIGUSR1 (a unicast REQUEST
# from its address) and releases on SIGUSR2
ip netns exec "$G3" busybox udhcpc -i eth0 -f -t 6 -T 1 -x hostname:delta \
	-s "$TAPIR_SRC/tests/tools/udhcpc-ns.sh" >"$NET_DIR/g3.out" 2>&1 &
G3PID=$!
t_defer "kill $G3PID 2>/dev/null"
t_check "G3 gets a lease" t_wait_for 10 grep -q '^LEASE' "$NET_DIR/g3.out"
l3=$(grep '^LEASE' "$NET_DIR/g3.out" | tail -n 1)
IP3=$(net_field "$l3" ip)
MAC3=$(guest_mac "$G3")
t_check "G3: address in range ($l3)" ip_in_range "$IP3" 10.200.0.2 10.200.0.254
t_eq "a new guest's name resolves at once" "$IP3" \
	"$(dns_a "$G1" delta.default.internal 10.200.0.1)"
kill -USR1 "$G3PID"
t_check "G3 renews" t_wait_for 10 sh -c \
	"[ \$(grep -c '^LEASE' '$NET_DIR/g3.out') -ge 2 ]"
t_eq "G3 renewed the same address" "$IP3" \
	"$(net_field "$(grep '^LEASE' "$NET_DIR/g3.out" | tail -n 1)" ip)"
t_match "the renewal was a unicast REQUEST from G3's address" \
	'sending renew to server 10\.200\.0\.1' "$(cat "$NET_DIR/g3.out")"
t_eq "G3's name still resolves" "$IP3" "$(dns_a "$G1" delta 10.200.0.1)"
kill -USR2 "$G3PID"
t_check "the release is in the journal" t_wait_for 5 \
	grep -q "^release $MAC3 $IP3\$" "$NET_DIR/state/default.leases"
t_eq "a released guest's name is gone" NXDOMAIN \
	"$(dns_a "$G1" delta 10.200.0.1)"
kill "$G3PID"
wait "$G3PID" 2>/dev/null

## NAT: out as the host, and no way in
t_eq "whoami sees the host's uplink address" 198.51.100.2 \
	"$(net_http "$G1" http://198.51.100.1:8080/)"
t_match "masquerade counted" 'counter packets [1-9][0-9]* bytes [0-9]+ masquerade' \
	"$(net_in "$NET_HOST" nft list chain inet tapir-default postrouting)"
ip -n "$NET_INET" route add 10.200.0.0/24 via 198.51.100.2
t_check "G1 serves HTTP on :8081" guest_httpd "$G1" "hello from alpha"
t_eq "the host reaches G1's server" "hello from alpha" \
	"$(net_http "$NET_HOST" "http://$IP1:8081/")"
t_eq "another guest reaches G1's server" "hello from alpha" \
	"$(net_http "$G2" "http://$IP1:8081/")"
out=$(net_http "$NET_INET" "http://$IP1:8081/" 3 2>&1)
t_eq "the internet cannot open a connection to G1" 1 $?
t_match "... it is refused at once, not left to time out" "refused" "$out"
t_check_fail "the internet cannot ping G1" pinging "$NET_INET" "$IP1"

## net status --json
MAC1=$(guest_mac "$G1")
MAC2=$(guest_mac "$G2")
json=$(net_tapir net status --json)
t_eq "status --json: exit 0 when up" 0 $?
t_eq "status --json: state" up "$(jpy "$json" 'j["state"]')"
t_eq "status --json: mode" nat "$(jpy "$json" 'j["mode"]')"
t_eq "status --json: bridge" tapir0 "$(jpy "$json" 'j["bridge"]')"
t_eq "status --json: address" 10.200.0.1/24 "$(jpy "$json" 'j["address"]')"
t_eq "status --json: domain" default.internal "$(jpy "$json" 'j["domain"]')"
t_eq "status --json: ports are the guests' veth ends" \
	"$(printf '%s\n' "${G1}p" "${G2}p" "${G3}p" | sort)" \
	"$(jpy "$json" 'sorted(p["name"] for p in j["ports"])')"
t_eq "status --json: a port's MAC, up" "$(host_mac "${G1}p") True" \
	"$(jpy "$json" '[p["mac"] + " " + str(p["up"]) for p in j["ports"] if p["name"] == "'"${G1}p"'"]')"
t_eq "status --json: two leases in force (G3 released)" \
	"$(printf '%s\n' "$MAC1 $IP1 alpha" "$MAC2 $IP2 gamma" | sort)" \
	"$(jpy "$json" 'sorted(l["mac"] + " " + l["ip"] + " " + l["hostname"] for l in j["leases"])')"
now=$(date +%s)
t_eq "status --json: G1's lease expires a lease time from now" True \
	"$(jpy "$json" '[abs(l["expires_epoch"] - ('"$now + $LEASE1"')) <= 60 for l in j["leases"] if l["mac"] == "'"$MAC1"'"][0]')"
t_eq "status --json: expires is the same time in ISO 8601 UTC" True \
	"$(jpy "$json" 'all(__import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime(l["expires_epoch"])) == l["expires"] for l in j["leases"])')"
nrules=$(jpy "$(net_in "$NET_HOST" nft -j list table inet tapir-default)" \
	'len([x for x in j["nftables"] if "rule" in x])')
t_match "nft itself counts the table's rules" '^[1-9][0-9]*$' "$nrules"
t_eq "status --json: rule count as nft counts them" "$nrules" \
	"$(jpy "$json" 'j["rules"]["count"]')"
t_eq "status --json: packets were counted" True \
	"$(jpy "$json" 'j["rules"]["packets"] > 0 and j["rules"]["bytes"] > 0')"

## net status, for people
out=$(net_tapir net status)
t_eq "status: exit 0 when up" 0 $?
t_match "status: state and pid" '^network default: up \(pid [0-9]+\)$' "$out"
t_match "status: mode" '^  mode +nat$' "$out"
t_match "status: bridge" '^  bridge +tapir0 \(mtu 1500\)$' "$out"
t_match "status: address" '^  address +10\.200\.0\.1/24$' "$out"
t_match "status: rule count" "^  firewall +$nrules rules, [1-9][0-9]* packets" "$out"
t_match "status: a port" "^  ${G2}p +$(host_mac "${G2}p") +up$" "$out"
t_match "status: a lease with MAC, IP, name and expiry" \
	"^  $MAC1 +${IP1//./\\.} +alpha +[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$" "$out"
t_nomatch "status: not the released lease" "$MAC3" "$out"

## net list
out=$(net_tapir net list)
t_match "list: header" '^NAME +STATE +MODE +BRIDGE +ADDRESS$' "$out"
t_match "list: default is up" '^default +up +nat +tapir0 +10\.200\.0\.1/24$' "$out"
json=$(net_tapir net list --json)
t_eq "list --json: default is up, nat, with its address" "up nat tapir0 10.200.0.1/24" \
	"$(jpy "$json" '[n["state"] + " " + n["mode"] + " " + n["bridge"] + " " + n["address"] for n in j["networks"] if n["name"] == "default"]')"

## leases survive down and up
out=$(net_tapir net down 2>&1)
t_eq "down: exit 0" 0 $?
t_check "the lease journal is in the state directory" \
	grep -q "^lease $MAC1 $IP1 [0-9]* alpha\$" "$NET_DIR/state/default.leases"
t_eq "... and nowhere in the run directory" "" \
	"$(find "$NET_DIR/run" -name '*lease*')"
t_eq "list --json: down" down \
	"$(jpy "$(net_tapir net list --json)" '[n["state"] for n in j["networks"] if n["name"] == "default"]')"
out=$(net_tapir net up 2>&1)
t_eq "up again: exit 0" 0 $?
t_match "up again: the same subnet" 'nat, bridge tapir0, 10\.200\.0\.1/24' "$out"
net_attach "$G1" tapir0
net_attach "$G2" tapir0
# G2 still has its address; G1 has not asked the new server for anything
t_eq "after the restart, G1's name resolves before G1 asks again" "$IP1" \
	"$(dns_a "$G2" alpha 10.200.0.1)"
t_eq "status after the restart lists G1's lease" "$IP1 alpha" \
	"$(jpy "$(net_tapir net status --json)" '[l["ip"] + " " + l["hostname"] for l in j["leases"] if l["mac"] == "'"$MAC1"'"]')"
l1b=$(net_dhcp "$G1" alpha)
t_eq "after the restart G1 gets the same address" "$IP1" "$(net_field "$l1b" ip)"
t_eq "NAT still works" 198.51.100.2 "$(net_http "$G1" http://198.51.100.1:8080/)"

## down restores everything but ip_forward
out=$(net_tapir net down 2>&1)
t_eq "down: exit 0" 0 $?
t_match "down: says so" '^network default is down$' "$out"
net_guest_del "$G1"
net_guest_del "$G2"
net_guest_del "$G3"
t_eq "down restores links, addresses, routes and ruleset" "$before" "$(net_snapshot)"
t_eq "ip_forward stays on after down (documented)" 1 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"

##############################################################################
# part 2: a configured nat network with fixed leases and its own domain
##############################################################################
net_conf <<'EOF'
[network lab]
address = 10.123.0.1/24
dhcp-range = 10.123.0.100-10.123.0.149
domain = lab.example.test
dhcp-host = 52:54:00:7a:00:01,10.123.0.10,web
dhcp-host = 52:54:00:7a:00:02, 10.123.0.11 ,db
EOF
W=$(t_uniq naw)
D=$(t_uniq nad)
net_guest "$W"
net_guest "$D"
ip -n "$W" link set eth0 address 52:54:00:7a:00:01

out=$(net_tapir net up lab 2>&1)
t_eq "lab: up: exit 0" 0 $?
t_match "lab: up reports its settings" \
	'^network lab is up: nat, bridge tp-lab, 10\.123\.0\.1/24, DHCP 10\.123\.0\.100-10\.123\.0\.149$' \
	"$out"
t_match "lab: the bridge has the host's address" '^tp-lab .* 10\.123\.0\.1/24' \
	"$(ip -n "$NET_HOST" -br -4 addr show dev tp-lab)"
net_attach "$W" tp-lab
net_attach "$D" tp-lab

ld=$(net_dhcp "$D" dyn)
IPD=$(net_field "$ld" ip)
t_check "D: address in the configured range ($ld)" \
	ip_in_range "$IPD" 10.123.0.100 10.123.0.149
t_eq "D: mask" 24 "$(net_field "$ld" mask)"
t_eq "D: router" 10.123.0.1 "$(net_field "$ld" router)"
t_eq "D: DNS server" 10.123.0.1 "$(net_field "$ld" dns)"
t_eq "D: the configured domain" lab.example.test "$(net_field "$ld" domain)"
t_eq "D: host name" dyn "$(net_field "$ld" hostname)"

# fixed hosts have names before they have leases
t_eq "dhcp-host name, bare, before any lease" 10.123.0.10 \
	"$(dns_a "$D" web 10.123.0.1)"
t_eq "dhcp-host NAME.DOMAIN" 10.123.0.11 \
	"$(dns_a "$D" db.lab.example.test 10.123.0.1)"
t_eq "dhcp-host PTR" web.lab.example.test \
	"$(dns_ptr "$D" 10.123.0.10 10.123.0.1)"

lw=$(net_dhcp "$W")
t_eq "W: the dhcp-host's address" 10.123.0.10 "$(net_field "$lw" ip)"
t_eq "W: the dhcp-host's name, though W sent none" web \
	"$(net_field "$lw" hostname)"
t_eq "W: router" 10.123.0.1 "$(net_field "$lw" router)"
t_eq "W: domain" lab.example.test "$(net_field "$lw" domain)"
lw=$(net_dhcp "$W" other)
t_eq "W asking under another name: same address" 10.123.0.10 \
	"$(net_field "$lw" ip)"
t_eq "... and the configured name wins" web "$(net_field "$lw" hostname)"
t_eq "web still resolves" 10.123.0.10 "$(dns_a "$D" web 10.123.0.1)"
t_eq "W resolves D by NAME.DOMAIN" "$IPD" \
	"$(dns_a "$W" dyn.lab.example.test 10.123.0.1)"
t_eq "W resolves D by bare name" "$IPD" "$(dns_a "$W" dyn 10.123.0.1)"
t_eq "PTR of D" dyn.lab.example.test "$(dns_ptr "$W" "$IPD" 10.123.0.1)"
n=$(upstream_lines)
t_eq "lab: forwarded: example.test" 198.51.100.1 \
	"$(dns_a "$W" example.test 10.123.0.1)"
t_check "lab: the internet's DNS server got it from the host" \
	t_wait_for 5 sh -c "tail -n +$((n + 1)) '$NET_DIR/inet-dns.log' |
		grep -q 'query\[A\] example\.test from 198\.51\.100\.2$'"
t_eq "lab: whoami sees the host's uplink address" 198.51.100.2 \
	"$(net_http "$W" http://198.51.100.1:8080/)"

json=$(net_tapir net status lab --json)
t_eq "lab: status --json: mode, bridge, address, domain, range" \
	"nat tp-lab 10.123.0.1/24 lab.example.test 10.123.0.100-10.123.0.149" \
	"$(jpy "$json" '" ".join([j["mode"], j["bridge"], j["address"], j["domain"], j["dhcp_first"] + "-" + j["dhcp_last"]])')"
t_eq "lab: status --json: leases" \
	"$(printf '%s\n' "52:54:00:7a:00:01 10.123.0.10 web" "$(guest_mac "$D") $IPD dyn" | sort)" \
	"$(jpy "$json" 'sorted(l["mac"] + " " + l["ip"] + " " + l["hostname"] for l in j["leases"])')"
json=$(net_tapir net list --json)
t_eq "lab: list --json: default down, lab up" "default down
lab up 10.123.0.1/24" \
	"$(jpy "$json" '[n["name"] + " " + n["state"] + (" " + n["address"] if "address" in n else "") for n in j["networks"]]')"

out=$(net_tapir net down lab 2>&1)
t_eq "lab: down: exit 0" 0 $?
net_guest_del "$W"
net_guest_del "$D"
t_eq "lab: down restores links, addresses, routes and ruleset" "$before" \
	"$(net_snapshot)"

t_done
