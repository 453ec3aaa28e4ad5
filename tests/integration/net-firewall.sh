#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# net-firewall.sh - tapir net and other firewalls; DHCP checksums
#
#   internet ns: whoami 198.51.100.1:8080
#        | veth
#   host ns: uplink0 198.51.100.2, tapir0 (default network, nat)
#            + a foreign table "ip filter" whose FORWARD chain has
#              policy drop, as Docker installs
#        | veth
#   guest ns G1: eth0, udhcpc; dhcpsniff.py checks every reply's checksums
#
# Proves: "up" warns about the foreign drop, naming the chain and the fix;
# the drop really defeats forwarding; the printed fix lets traffic through;
# "down" leaves the foreign table alone.  And every DHCP reply a guest
# receives carries valid IPv4 and UDP checksums.
set -u
self=$(realpath "$0")
. "$(dirname "$self")/../lib/common.sh"
. "$(dirname "$self")/../lib/net.sh"
t_require_root
t_require_cmd busybox dnsmasq nft iptables
net_setup

# A foreign table, as Docker's iptables-nft leaves it
net_in "$NET_HOST" nft -f - <<'NFT' || exit 1
table ip filter {
	chain FORWARD {
		type filter hook forward priority filter; policy drop;
	}
}
NFT
before=$(net_snapshot)
G1=$(t_uniq fwa)
net_guest "$G1"

out=$(net_tapir net up 2>&1)
t_eq "up succeeds despite the foreign drop" 0 $?
t_match "up warns, naming the chain" \
	"warning: nftables chain ip filter FORWARD \(hook forward\) has policy drop: traffic of network default will be dropped there" "$out"
# the fix: the indented lines after "run:"
fix=$(printf '%s\n' "$out" | sed -n '/to let it through, run:$/,/^[^ ]/s/^    //p')
t_match "up prints the fix for the FORWARD chain" "^iptables -I FORWARD -i tapir0 -j ACCEPT$" "$fix"
t_match "... and for the traffic coming back" "^iptables -I FORWARD -o tapir0 .*RELATED,ESTABLISHED" "$fix"
json=$(net_tapir net status --json)
t_match "status keeps the warning" "has policy drop" "$json"

## DHCP: every reply has valid checksums (the guest checks them itself)
net_attach "$G1" tapir0
coproc SNIFF { net_in "$G1" python3 "$TAPIR_SRC/tests/tools/dhcpsniff.py" eth0 8; }
read -r ready <&"${SNIFF[0]}"
t_eq "sniffer ready" READY "$ready"
lease=$(net_dhcp "$G1" alpha)
t_match "guest got a lease" "^LEASE ip=10\.200\.0\." "$lease"
replies=$(timeout 10 cat <&"${SNIFF[0]}")
t_match "an OFFER was seen" "type=2 " "$replies"
t_match "an ACK was seen" "type=5 " "$replies"
t_nomatch "no reply with a bad or missing checksum" "csum=(bad|none)" "$replies"

## the foreign drop defeats forwarding, and the printed fix cures it
out=$(net_http "$G1" http://198.51.100.1:8080/ 3 2>&1)
t_eq "guest cannot get out while FORWARD drops" 1 $?
t_match "... because the connection times out" "timed out" "$out"
net_in "$NET_HOST" sh -c "$fix"
t_eq "the printed fix (iptables, as for Docker) ran" 0 $?
t_eq "with the fix, NAT works" 198.51.100.2 \
	"$(net_http "$G1" http://198.51.100.1:8080/)"
out=$(net_tapir net down 2>&1)
t_eq "down" 0 $?
net_guest_del "$G1"
ruleset=$(net_in "$NET_HOST" nft list ruleset)
t_match "down left the foreign table" "table ip filter" "$ruleset"
t_nomatch "down removed tapir's table" "tapir-default" "$ruleset"
# undo the fix by hand; then everything is as before
net_in "$NET_HOST" nft flush chain ip filter FORWARD 2>/dev/null
t_eq "down restores everything else" "$before" "$(net_snapshot)"

## a native nftables firewall: the fix is printed as nft commands
net_in "$NET_HOST" nft delete table ip filter
net_in "$NET_HOST" nft -f - <<'NFT' || exit 1
table inet hostfw {
	chain guard {
		type filter hook forward priority filter; policy drop;
	}
}
NFT
G2=$(t_uniq fwb)
net_guest "$G2"
out=$(net_tapir net up 2>&1)
t_eq "up with a native firewall" 0 $?
t_match "warns about inet hostfw guard" \
	"nftables chain inet hostfw guard \(hook forward\) has policy drop" "$out"
fix=$(printf '%s\n' "$out" | sed -n '/to let it through, run:$/,/^[^ ]/s/^    //p')
t_match "the fix is nft commands, shell-quoted" "^nft 'insert rule inet hostfw guard iifname \"tapir0\" accept'$" "$fix"
net_attach "$G2" tapir0
t_match "guest leases" "^LEASE ip=10\.200\.0\." "$(net_dhcp "$G2")"
t_check_fail "dropped before the fix" \
	net_http "$G2" http://198.51.100.1:8080/ 3
status_before=$(net_tapir net status)
net_in "$NET_HOST" sh -c "$fix"
t_eq "NAT works after the printed fix" 198.51.100.2 \
	"$(net_http "$G2" http://198.51.100.1:8080/)"
t_match "status warned before the fix" "hostfw" "$status_before"
t_nomatch "status no longer warns once the chain lets the bridge through" \
	"hostfw" "$(net_tapir net status)"
net_tapir net down >/dev/null 2>&1
net_guest_del "$G2"
t_match "down left the native table" "table inet hostfw" \
	"$(net_in "$NET_HOST" nft list ruleset)"
t_done
