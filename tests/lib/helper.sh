# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# helper.sh - run programs in a test's own view of /etc/qemu and /dev
#
# Both QEMU's qemu-bridge-helper and ours read /etc/qemu/bridge.conf, and
# this machine may have no /etc/qemu at all.  Tests never touch the real
# one: h_enter runs a command in a network namespace and in a private mount
# namespace where
#
#   /etc        is an overlay of the real /etc (changes go to DIR/etc-up)
#   /etc/qemu   is DIR/qemu (bind mount), so DIR/qemu/bridge.conf is the ACL
#
# and, with --dev,
#
#   /dev        is an overlay of the real /dev (changes go to DIR/dev-up)
#   /dev/net/tun  is mode 0666, as distributions ship it (0600 here)
#   /dev/log    is a unix datagram socket served by tests/tools/syslogd.py,
#               which appends every message to DIR/syslog
#
# Usage: h_prepare DIR   (creates DIR/qemu; write DIR/qemu/bridge.conf next)
#        h_enter NETNS DIR [--dev] -- CMD [ARGS...]
# DIR must be owned by root and not writable by others (t_tmpdir makes
# such directories): the helper refuses ACL files under unsafe directories.

h_prepare() {
	mkdir -p "$1"/etc-up "$1"/etc-work "$1"/dev-up "$1"/dev-work "$1"/qemu
	chmod 755 "$1"/qemu
}

h_enter() {
	local ns=$1 dir=$2 dev=0
	shift 2
	if [ "${1:-}" = --dev ]; then
		dev=1
		shift
	fi
	[ "${1:-}" = -- ] && shift
	h_prepare "$dir"
	ip netns exec "$ns" unshare -m --propagation private bash -c '
		set -e
		d=$1 dev=$2
		shift 2
		mount -t overlay tapir-etc \
			-o "lowerdir=/etc,upperdir=$d/etc-up,workdir=$d/etc-work" /etc
		mkdir -p /etc/qemu
		mount --bind "$d/qemu" /etc/qemu
		if [ "$dev" = 1 ]; then
			mount -t overlay tapir-dev \
				-o "lowerdir=/dev,upperdir=$d/dev-up,workdir=$d/dev-work" /dev
			rm -f /dev/net/tun /dev/log
			mknod -m 666 /dev/net/tun c 10 200
			: >"$d/syslog"
			python3 "$TAPIR_SRC/tests/tools/syslogd.py" /dev/log "$d/syslog" &
			for _ in $(seq 50); do [ -S /dev/log ] && break; sleep 0.1; done
		fi
		set +e
		"$@"
		rc=$?
		[ "$dev" = 1 ] && kill %1 2>/dev/null
		exit $rc
	' h_enter "$dir" "$dev" "$@"
}

# h_as USER CMD...: run CMD as USER (a name from /etc/passwd) with that
# user's primary group and the supplementary groups given in H_GROUPS
# (comma-separated names or ids), none by default.
h_as() {
	local user=$1 uid gid
	shift
	uid=$(id -u "$user") gid=$(id -g "$user")
	if [ -n "${H_GROUPS:-}" ]; then
		setpriv --reuid="$uid" --regid="$gid" --groups="$H_GROUPS" "$@"
	else
		setpriv --reuid="$uid" --regid="$gid" --clear-groups "$@"
	fi
}

# h_copy_helper DIR MODE: copy the helper to DIR/tapir-bridge-helper.MODE
# installed as MODE: "setcap" (cap_net_admin+ep), "setuid" (root, 4755) or
# "plain" (no privilege).  Prints the path.
h_copy_helper() {
	local dir=$1 mode=$2 dst
	dst=$dir/tapir-bridge-helper.$mode
	install -m 0755 -o root -g root "$HELPER" "$dst"
	case $mode in
	setcap) setcap cap_net_admin+ep "$dst" ;;
	setuid) chmod 4755 "$dst" ;;
	plain) ;;
	esac
	echo "$dst"
}
