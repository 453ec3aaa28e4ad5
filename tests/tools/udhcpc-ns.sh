#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# udhcpc-ns.sh - busybox udhcpc script for test namespaces: applies the
# lease's address and default route to the interface, never touches
# /etc/resolv.conf (inside "ip netns exec" that is the host's file) nor
# IPv6 addresses (SLAAC goes on beside DHCP), and
# prints the lease as one line:
#   LEASE ip=A mask=M router=R dns=D domain=N hostname=H server=S lease=T
case $1 in
bound | renew)
	ip -4 addr flush dev "$interface"
	ip addr add "$ip/${mask:-24}" dev "$interface"
	[ -n "$router" ] && ip route replace default via "${router%% *}" dev "$interface"
	echo "LEASE ip=$ip mask=${mask:--} router=${router:--} dns=$(echo ${dns:--} | tr ' ' ',') domain=${domain:--} hostname=${hostname:--} server=${serverid:--} lease=${lease:--}"
	;;
deconfig)
	ip -4 addr flush dev "$interface"
	ip link set "$interface" up
	;;
nak)
	echo "NAK ${message:-}"
	;;
esac
exit 0
