#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# helper-acl-qemu.sh - for every ACL file qemu-bridge-helper accepts,
# tapir-bridge-helper makes the same allow/deny decision.
#
#   netns NS (private /etc/qemu, rewritten for every case)
#   +-------------------------------------------------------------+
#   |  bridges: br0 br1 lab ALL                                   |
#   |                                                             |
#   |  acl_differential.py --> fdrecv --qemu BR -- qemu-bridge-helper
#   |                      --> fdrecv --qemu BR -- tapir-bridge-helper
#   +-------------------------------------------------------------+
#
# Both helpers run as root the way QEMU runs them, reading the default
# /etc/qemu/bridge.conf; the corpus is hand-written quirks plus seeded
# random files (see acl_differential.py).
set -u
self=$(realpath "$0")
. "$(dirname "$self")/../lib/common.sh"
. "$(dirname "$self")/../lib/helper.sh"

QEMU_HELPER=${QEMU_HELPER:-/usr/lib/qemu/qemu-bridge-helper}
SEED=${ACL_SEED:-20261122}
NRANDOM=${ACL_RANDOM:-250}

if [ "${1:-}" != --inner ]; then
	t_require_root
	[ -x "$QEMU_HELPER" ] || { t_log "skipped: no $QEMU_HELPER"; exit 77; }
	NS=$(t_uniq aclq)
	D=$(t_tmpdir)
	t_netns "$NS"
	for b in br0 br1 lab ALL; do
		ip -n "$NS" link add "$b" type bridge
		ip -n "$NS" link set "$b" up
	done
	h_prepare "$D"
	export NS D
	h_enter "$NS" "$D" -- bash "$self" --inner
	exit $?
fi

out=$(python3 "$(dirname "$self")/acl_differential.py" "$FDRECV" "$HELPER" \
	"$QEMU_HELPER" "$SEED" "$NRANDOM" 2>&1)
rc=$?
printf '%s\n' "$out" | tail -n 40
t_eq "same decisions as qemu-bridge-helper" 0 "$rc"
t_match "corpus ran" "^[0-9]+ cases, [0-9]+ comparisons, 0 mismatches" "$out"
t_eq "no tap left" 0 "$(ip -o link show type tun | wc -l)"
t_done
