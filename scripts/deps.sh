#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# deps.sh - install the Debian 12 packages tapir needs to build, test and demo.
#
# Usage: scripts/deps.sh [--check] [build|check|demo|bench]
#
# The package list is grouped by purpose.  With --check nothing is installed:
# the script exits 1 when a package of the chosen group is missing.  Without
# it, missing packages are installed with apt-get (which needs root).  The
# script is idempotent: a second run installs nothing.

set -eu

build="build-essential meson ninja-build pkg-config clang libmnl-dev
libcap-ng-dev libcmocka-dev libnftables-dev libinih-dev libjson-c-dev
libseccomp-dev"

# What the tests drive: real peers and real tools, never mocks.
test="$build qemu-system-x86 qemu-utils busybox-static linux-image-amd64 cpio
kmod iproute2 nftables libcap2-bin dnsmasq-base iputils-ping procps ethtool
python3 wget bind9-dnsutils util-linux iptables libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients"

bench="$test kea-admin dnsperf passt slirp4netns iperf3"

check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi

case "${1:-check}" in
build) pkgs=$build ;;
check | demo) pkgs=$test ;;
bench) pkgs=$bench ;;
*)
	echo "deps.sh: unknown group '$1' (expected build, check, demo or bench)" >&2
	exit 2
	;;
esac

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0
if [ $check -eq 1 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: missing packages:$missing" >&2
	echo "deps.sh: run as root (or: sudo apt-get install$missing)" >&2
	exit 1
fi

echo "deps.sh: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
