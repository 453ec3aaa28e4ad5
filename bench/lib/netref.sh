#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# netref.sh - the shell script tapir net replaces: a nat network made with
# ip, nft and dnsmasq, as people write it by hand (bench/updown.sh and
# bench/scale.sh measure tapir against it)
#
# Usage: netref.sh up|down NAME BRIDGE ADDRESS/LEN SUBNET/LEN FIRST LAST RUNDIR STATEDIR
#   e.g. netref.sh up lab rf-lab 10.0.0.1/24 10.0.0.0/24 10.0.0.2 10.0.0.254 \
#		/run/ref /var/lib/ref
#
# up:   the bridge (STP off, forward delay 0) with the host's address, up;
#       net.ipv4.ip_forward on; an nftables table "inet ref-NAME" with the
#       same chains and rules as tapir's nat table (input counters, forward
#       accept/reject, masquerade); dnsmasq (pid file RUNDIR/NAME.pid) for
#       DHCP (FIRST-LAST, 1 h leases in STATEDIR/NAME.leases) and DNS (upstream from resolv.conf, the
#       domain NAME.internal answered locally) on the bridge.  dnsmasq puts
#       itself in the background only once its sockets are open, so when
#       this returns the network serves DHCP and DNS.
# down: stop dnsmasq and wait until it has exited, delete the table and
#       the bridge.  ip_forward stays on, as with tapir.
#
# Like such scripts it undoes nothing when a step fails (set -e just
# stops).  It is the reference, not something to use.
set -eu
[ $# = 9 ] || { echo "usage: $0 up|down NAME BRIDGE ADDRESS/LEN SUBNET/LEN FIRST LAST RUNDIR STATEDIR" >&2; exit 2; }
cmd=$1 name=$2 br=$3 cidr=$4 sub=$5 first=$6 last=$7 rundir=$8 statedir=$9
host=${cidr%/*}
pidf=$rundir/$name.pid

case $cmd in
up)
	ip link add "$br" type bridge stp_state 0 forward_delay 0
	ip addr add "$cidr" dev "$br"
	ip link set "$br" up
	sysctl -qw net.ipv4.ip_forward=1
	nft -f - <<EOF
table inet ref-$name {
	chain input {
		type filter hook input priority filter; policy accept;
		iifname "$br" udp dport 67 counter accept
		iifname "$br" ip daddr $host udp dport 53 counter accept
		iifname "$br" ip daddr $host tcp dport 53 counter accept
	}
	chain forward {
		type filter hook forward priority filter; policy accept;
		iifname "$br" oifname "$br" counter accept
		iifname "$br" ip saddr $sub counter accept
		oifname "$br" ip daddr $sub ct state established,related counter accept
		iifname "$br" counter reject
		oifname "$br" counter reject
	}
	chain postrouting {
		type nat hook postrouting priority srcnat; policy accept;
		ip saddr $sub ip daddr 224.0.0.0/24 counter return
		ip saddr $sub ip daddr 255.255.255.255 counter return
		ip saddr $sub ip daddr != $sub oifname != "$br" meta l4proto { tcp, udp } counter masquerade to :1024-65535
		ip saddr $sub ip daddr != $sub oifname != "$br" counter masquerade
	}
}
EOF
	dnsmasq --conf-file=/dev/null --pid-file="$pidf" --interface="$br" \
		--bind-interfaces --except-interface=lo --strict-order \
		--domain="$name.internal" --local="/$name.internal/" \
		--dhcp-range="$first,$last,1h" --dhcp-authoritative \
		--dhcp-leasefile="$statedir/$name.leases" --dhcp-no-override
	;;
down)
	pid=$(cat "$pidf")
	kill "$pid"
	while kill -0 "$pid" 2>/dev/null; do sleep 0.01; done
	rm -f "$pidf"
	nft delete table inet "ref-$name"
	ip link del "$br"
	;;
*)
	echo "$0: up or down, not '$cmd'" >&2
	exit 2
	;;
esac
