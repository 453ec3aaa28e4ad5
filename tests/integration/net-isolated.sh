#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-isolated.sh - tapir net in isolated mode: guests reach each other and
# the host, and nothing beyond it
#
#   netns INET ("internet")
#   +---------------------------------------------------------------+
#   | inet0 198.51.100.1/24   whoami :8080    dnsmasq :53 (query log) |
#   | route SUBNET via 198.51.100.2 (to try to get in)               |
#   +-------------------------------|-------------------------------+
#                                   | veth
#   netns HOST (tapir runs here)    |
#   +-------------------------------|-------------------------------+
#   | uplink0 198.51.100.2/24, default via .1, resolv.conf -> .1     |
#   | tp-iso HOSTADDR (automatic /24)   network iso, mode isolated   |
#   |   table inet tapir-iso (forward: bridge to bridge only)        |
#   |   DHCP :67, DNS :53 on the bridge                               |
#   +-----------------|-----------------------------|---------------+
#                   veth                          veth
#   +-----------------|------------+  +-------------|---------------+
#   | G1 eth0 (DHCP, "left")       |  | G2 eth0 (DHCP, "right")     |
#   |                              |  | busybox httpd :8081         |
#   +------------------------------+  +-----------------------------+
#
# Proves, for isolated mode: leases (address in range, mask, domain; the
# router and DNS server are the host's bridge address, a documented
# choice); guests reach each other and the host; local names; external
# names are still resolved, through the host's resolver, as everywhere
# (tapir(1), DNS: the host is the guests' resolver in every mode, the
# answer grants no reach, and libvirt's isolated networks do the same);
# but nothing gets out, to the internet's address or otherwise, whether
# ip_forward is off (tapir leaves it alone) or another program turned it
# on; the internet cannot get in; down restores the host exactly.
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

# rejected: packets counted by the reject rules of table inet tapir-iso
rejected() {
	jpy "$(net_in "$NET_HOST" nft -j list table inet tapir-iso)" '
sum(e["counter"]["packets"] for x in j["nftables"] if "rule" in x
    and any("reject" in e for e in x["rule"]["expr"])
    for e in x["rule"]["expr"] if "counter" in e)'
}

net_conf <<'EOF'
[network iso]
mode = isolated
EOF
before=$(net_snapshot)
t_eq "ip_forward is off before up" 0 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"
G1=$(t_uniq is1)
G2=$(t_uniq is2)
net_guest "$G1"
net_guest "$G2"

out=$(net_tapir net up iso 2>&1)
t_eq "up: exit 0" 0 $?
t_match "up: isolated on tp-iso" '^network iso is up: isolated, bridge tp-iso, ' "$out"
json=$(net_tapir net status iso --json)
HOSTCIDR=$(jpy "$json" 'j["address"]')
t_match "an automatic /24 from the documented list, host at .1" \
	'^(10\.200|172\.29)\.[0-9]{1,3}\.1/24$|^192\.168\.20[0-7]\.1/24$' "$HOSTCIDR"
HOST=${HOSTCIDR%/*}
PFX=${HOST%.1}
t_match "the bridge has the host's address" "^tp-iso .* ${HOSTCIDR//./\\.}" \
	"$(ip -n "$NET_HOST" -br -4 addr show dev tp-iso)"
t_eq "up left ip_forward off (documented: not touched)" 0 \
	"$(net_in "$NET_HOST" sysctl -n net.ipv4.ip_forward)"
net_attach "$G1" tp-iso
net_attach "$G2" tp-iso

## leases
l1=$(net_dhcp "$G1" left)
IP1=$(net_field "$l1" ip)
t_check "G1: address in $PFX.2-$PFX.254 ($l1)" ip_in_range "$IP1" "$PFX.2" "$PFX.254"
t_eq "G1: mask" 24 "$(net_field "$l1" mask)"
t_eq "G1: router is the host's bridge address (documented choice)" "$HOST" \
	"$(net_field "$l1" router)"
t_eq "G1: DNS server is the host" "$HOST" "$(net_field "$l1" dns)"
t_eq "G1: domain" iso.internal "$(net_field "$l1" domain)"
t_eq "G1: host name" left "$(net_field "$l1" hostname)"
l2=$(net_dhcp "$G2" right)
IP2=$(net_field "$l2" ip)
t_check "G2: address in range ($l2)" ip_in_range "$IP2" "$PFX.2" "$PFX.254"
t_check "G2: another address" test "$IP1" != "$IP2"
t_eq "G2: router" "$HOST" "$(net_field "$l2" router)"

## inside: each other and the host
t_check "G1 pings the host" pinging "$G1" "$HOST"
t_check "G1 pings G2" pinging "$G1" "$IP2"
t_check "G2 serves HTTP on :8081" guest_httpd "$G2" "hello from right"
t_eq "G1 reaches G2's server" "hello from right" \
	"$(net_http "$G1" "http://$IP2:8081/")"
t_eq "G1 resolves G2 by bare name" "$IP2" "$(dns_a "$G1" right "$HOST")"
t_eq "G2 resolves G1 by NAME.DOMAIN" "$IP1" \
	"$(dns_a "$G2" left.iso.internal "$HOST")"
t_eq "PTR" right.iso.internal "$(dns_ptr "$G1" "$IP2" "$HOST")"
t_eq "unknown local name" NXDOMAIN "$(dns_a "$G1" nosuch.iso.internal "$HOST")"

## external names are resolved through the host's resolver ...
n=$(wc -l <"$NET_DIR/inet-dns.log")
t_eq "forwarded: example.test" 198.51.100.1 "$(dns_a "$G1" example.test "$HOST")"
t_check "the internet's DNS server got the query from the host, not the guest" \
	t_wait_for 5 sh -c "tail -n +$((n + 1)) '$NET_DIR/inet-dns.log' |
		grep -q 'query\[A\] example\.test from 198\.51\.100\.2$'"

## ... but nothing gets out
net_http "$G1" http://198.51.100.1:8080/ 3 >/dev/null 2>&1
t_eq "G1 cannot reach the internet's web server" 1 $?
t_check_fail "G1 cannot ping the internet" pinging "$G1" 198.51.100.1
ip -n "$NET_INET" route add "$PFX.0/24" via 198.51.100.2
t_check_fail "the internet cannot ping G2" pinging "$NET_INET" "$IP2"
net_http "$NET_INET" "http://$IP2:8081/" 3 >/dev/null 2>&1
t_eq "the internet cannot reach G2's server" 1 $?

# another program turns forwarding on: the table still keeps the guests in
net_in "$NET_HOST" sysctl -qw net.ipv4.ip_forward=1
rejected_before=$(rejected)
out=$(net_http "$G1" http://198.51.100.1:8080/ 3 2>&1)
t_eq "with ip_forward on, G1 still cannot reach the internet" 1 $?
t_match "... refused at once by tapir's forward chain" "refused" "$out"
t_check_fail "with ip_forward on, G1 cannot ping the internet" \
	pinging "$G1" 198.51.100.1
t_eq "with ip_forward on, G1 cannot ask the internet's DNS server itself" \
	FAIL "$(dns_a "$G1" example.test 198.51.100.1)"
net_http "$NET_INET" "http://$IP2:8081/" 3 >/dev/null 2>&1
t_eq "with ip_forward on, the internet cannot reach G2" 1 $?
rejected_after=$(rejected)
t_check "the reject rules counted it ($rejected_before -> $rejected_after)" \
	test "${rejected_after:-0}" -gt "${rejected_before:-0}"
t_eq "the guests still reach each other" "hello from right" \
	"$(net_http "$G1" "http://$IP2:8081/")"

## status
json=$(net_tapir net status iso --json)
t_eq "status --json: state mode bridge" "up isolated tp-iso" \
	"$(jpy "$json" '" ".join([j["state"], j["mode"], j["bridge"]])')"
t_eq "status --json: leases" \
	"$(printf '%s\n' "$(guest_mac "$G1") $IP1 left" "$(guest_mac "$G2") $IP2 right" | sort)" \
	"$(jpy "$json" 'sorted(l["mac"] + " " + l["ip"] + " " + l["hostname"] for l in j["leases"])')"
nrules=$(jpy "$(net_in "$NET_HOST" nft -j list table inet tapir-iso)" \
	'len([x for x in j["nftables"] if "rule" in x])')
t_eq "status --json: rule count as nft counts them" "$nrules" \
	"$(jpy "$json" 'j["rules"]["count"]')"
t_nomatch "no masquerade, no NAT chain" 'masquerade|type nat' \
	"$(net_in "$NET_HOST" nft list table inet tapir-iso)"

## down
out=$(net_tapir net down iso 2>&1)
t_eq "down: exit 0" 0 $?
net_guest_del "$G1"
net_guest_del "$G2"
t_eq "down restores links, addresses, routes and ruleset" "$before" "$(net_snapshot)"

t_done
