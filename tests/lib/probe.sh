# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# probe.sh - look at a tapir network from inside the test's namespaces
#
# Source it after common.sh and net.sh.  Used by the per-mode tests
# (tests/integration/net-{nat,routed,isolated,bridge}.sh).
#
#   dns_a NS NAME SERVER   ask SERVER for NAME's A record from namespace NS
#                          (busybox nslookup); print each address, one a
#                          line, or the error code (NXDOMAIN, REFUSED ...),
#                          or "FAIL" when no answer came at all
#   dns_ptr NS ADDR SERVER the same for ADDR's PTR record: print the names
#   jpy JSON EXPR          evaluate the Python expression EXPR over the
#                          parsed JSON, bound to j; print a list one item a
#                          line, anything else as str() does (nothing, and
#                          a status of 1, if JSON does not parse)
#   ip_in_range IP FIRST LAST
#                          succeed when FIRST <= IP <= LAST (IPv4)
#   pinging NS ADDR        one ping from NS to ADDR gets an answer
#   guest_httpd NS TEXT    serve TEXT on port 8081 of every address of NS
#                          (busybox httpd; ends with the namespace)
#   guest_mac NS           the MAC address of eth0 in NS

dns_parse() {
	awk '
		/^Name:/ { ans = 1; next }
		ans && /^Address:/ { print $2; got = 1; next }
		/name = / { print $NF; got = 1; next }
		/server can.t find/ { print $NF; got = 1; exit }
		END { if (!got) print "FAIL" }'
}

dns_a() {
	net_in "$1" timeout 10 busybox nslookup -type=a "$2" "$3" 2>&1 | dns_parse
}

dns_ptr() {
	local a b c d
	IFS=. read -r a b c d <<<"$2"
	net_in "$1" timeout 10 busybox nslookup -type=ptr \
		"$d.$c.$b.$a.in-addr.arpa" "$3" 2>&1 | dns_parse
}

jpy() {
	python3 -c '
import json, sys
j = json.loads(sys.argv[1])
v = eval(sys.argv[2])
if isinstance(v, (list, tuple)):
    for x in v:
        print(x)
else:
    print(v)' "$1" "$2" 2>/dev/null
}

ip_to_int() {
	local IFS=. a b c d
	read -r a b c d <<<"$1"
	echo $(((a << 24) | (b << 16) | (c << 8) | d))
}

ip_in_range() {
	[[ $1 =~ ^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || return 1
	local ip first last
	ip=$(ip_to_int "$1")
	first=$(ip_to_int "$2")
	last=$(ip_to_int "$3")
	[ "$ip" -ge "$first" ] && [ "$ip" -le "$last" ]
}

pinging() {
	net_in "$1" ping -q -c 1 -W 2 "$2" >/dev/null 2>&1
}

guest_httpd() {
	local d
	d=$(t_tmpdir)
	printf '%s\n' "$2" >"$d/index.html"
	net_in "$1" busybox httpd -f -p 8081 -h "$d" >/dev/null 2>&1 &
	t_defer "kill $! 2>/dev/null"
	t_wait_for 5 net_in "$1" bash -c 'exec 3<>/dev/tcp/127.0.0.1/8081'
}

guest_mac() {
	ip -n "$1" -br link show eth0 | awk '{print $3}'
}
