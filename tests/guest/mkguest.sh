#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkguest.sh - build the tiny test guest: a kernel and a busybox initramfs
#
# Usage: tests/guest/mkguest.sh OUTDIR
#
# Writes
#
#   OUTDIR/vmlinuz         a copy of Debian's kernel (/boot/vmlinuz-KVER)
#   OUTDIR/initrd.cpio.gz  busybox-static with its applet links, the
#                          virtio-net modules of KVER, /init (tests/guest/init),
#                          the udhcpc lease script (/etc/udhcpc/default.script)
#                          and /lib/tapir/lib.sh
#   OUTDIR/kver            KVER
#
# The initramfs has no /scenario: each test appends its own archive holding
# one (tests/lib/guest.sh does that), and the kernel unpacks both.
#
# KVER is the newest /boot/vmlinuz-* with a matching /lib/modules/KVER that
# has virtio_net; set KVER=... to choose.  The running kernel does not
# matter.  Nothing is rebuilt while the inputs (this directory, the kernel,
# the modules, busybox) are unchanged; a lock makes concurrent runs safe.
#
# Needs (Debian 12): busybox-static, linux-image-amd64, cpio, gzip, kmod
# files only (no modprobe is run), and xz or zstd only if the modules are
# compressed.  Does not need root unless /boot is unreadable.

set -euo pipefail

ME=mkguest
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# insmod order: each needs the ones before it.
MODULES=(virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev
	virtio_pci failover net_failover virtio_net)

die() {
	printf '%s: error: %s\n' "$ME" "$*" >&2
	exit 1
}
note() { printf '%s: %s\n' "$ME" "$*" >&2; }

[ $# -eq 1 ] || {
	echo "Usage: $0 OUTDIR" >&2
	exit 2
}
OUT=$1

for c in cpio gzip sha256sum find sort ldd; do
	command -v "$c" >/dev/null 2>&1 ||
		die "'$c' not found (scripts/deps.sh check installs what is needed)"
done

# --- busybox: must be the static one, it runs alone in the guest ---------
BUSYBOX=""
for b in /bin/busybox /usr/bin/busybox; do
	[ -x "$b" ] && BUSYBOX=$b && break
done
[ -n "$BUSYBOX" ] || die "busybox not found; install busybox-static"
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; install busybox-static" \
		"(apt-get install busybox-static)"
fi

# --- kernel and modules ----------------------------------------------------
mod_path() { # KVER NAME: path of the module file, empty if none
	find "/lib/modules/$1/kernel" -name "$2.ko" -o -name "$2.ko.xz" \
		-o -name "$2.ko.zst" -o -name "$2.ko.gz" 2>/dev/null | head -n 1
}
builtin() { # KVER NAME: whether NAME is built into the kernel
	grep -Eq "/$2\.ko$" "/lib/modules/$1/modules.builtin" 2>/dev/null
}

if [ -z "${KVER:-}" ]; then
	for k in $(for f in /boot/vmlinuz-*; do
		[ -f "$f" ] && echo "${f#/boot/vmlinuz-}"
	done | sort -rV); do
		if [ -d "/lib/modules/$k" ] &&
			{ [ -n "$(mod_path "$k" virtio_net)" ] ||
				builtin "$k" virtio_net; }; then
			KVER=$k
			break
		fi
	done
	[ -n "${KVER:-}" ] ||
		die "no /boot/vmlinuz-* with matching /lib/modules/*/ holding" \
			"virtio_net; install linux-image-amd64"
fi
KERNEL=/boot/vmlinuz-$KVER
[ -f "$KERNEL" ] || die "$KERNEL does not exist (KVER=$KVER)"
[ -r "$KERNEL" ] || die "$KERNEL is not readable; run as root"
[ -d "/lib/modules/$KVER" ] || die "/lib/modules/$KVER does not exist"

modfiles=()
for m in "${MODULES[@]}"; do
	p=$(mod_path "$KVER" "$m")
	if [ -n "$p" ]; then
		modfiles+=("$p")
	elif ! builtin "$KVER" "$m"; then
		die "module $m not found in /lib/modules/$KVER"
	fi
done

# --- up to date? -------------------------------------------------------------
stamp=$({
	echo "kver $KVER"
	sha256sum "$SRC/mkguest.sh" "$SRC/init" "$SRC/udhcpc.script" \
		"$SRC/lib.sh" "$BUSYBOX" "${modfiles[@]}"
	stat -c '%n %s %Y' "$KERNEL"
} | sha256sum | cut -d' ' -f1)

mkdir -p "$OUT" || die "cannot create $OUT"
exec 9>"$OUT/.lock" || die "cannot write $OUT/.lock"
flock 9 2>/dev/null || true

if [ -f "$OUT/vmlinuz" ] && [ -f "$OUT/initrd.cpio.gz" ] &&
	[ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	exit 0
fi

note "building the guest image in $OUT (kernel $KVER)"
tmp=$(mktemp -d "$OUT/.build.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
root=$tmp/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/udhcpc,proc,sys} \
	"$root"/{dev,tmp,run,root,var,lib/tapir/modules}
ln -s ../run "$root/var/run"

install -m 0755 "$BUSYBOX" "$root/bin/busybox"
# Applet links: "bin/sh", "usr/bin/wget", ... relative to /.
"$BUSYBOX" --list-full | while read -r a; do
	case $a in
	*/*) ;;
	*) continue ;; # "linuxrc" and the like
	esac
	[ -e "$root/$a" ] || ln -s /bin/busybox "$root/$a"
done
[ -L "$root/bin/sh" ] || die "busybox has no sh applet"

for p in ${modfiles[@]+"${modfiles[@]}"}; do
	n=$(basename "$p")
	case $n in
	*.ko) cp "$p" "$root/lib/tapir/modules/$n" ;;
	*.ko.xz) xz -dc "$p" >"$root/lib/tapir/modules/${n%.xz}" ||
		die "cannot decompress $p (install xz-utils)" ;;
	*.ko.zst) zstd -qdc "$p" >"$root/lib/tapir/modules/${n%.zst}" ||
		die "cannot decompress $p (install zstd)" ;;
	*.ko.gz) gzip -dc "$p" >"$root/lib/tapir/modules/${n%.gz}" ||
		die "cannot decompress $p" ;;
	esac
done
printf '%s\n' "${MODULES[@]}" >"$root/lib/tapir/modules.order"

install -m 0755 "$SRC/init" "$root/init"
# Debian's busybox looks for /etc/udhcpc/default.script.
install -m 0755 "$SRC/udhcpc.script" "$root/etc/udhcpc/default.script"
install -m 0644 "$SRC/lib.sh" "$root/lib/tapir/lib.sh"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
echo "127.0.0.1 localhost" >"$root/etc/hosts"
: >"$root/etc/resolv.conf"
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

(cd "$root" && find . -mindepth 1 | LC_ALL=C sort |
	cpio -o -H newc -R 0:0 --quiet) | gzip -9n >"$tmp/initrd.cpio.gz" ||
	die "cannot write the initramfs"
cp "$KERNEL" "$tmp/vmlinuz" || die "cannot copy $KERNEL"
chmod 0644 "$tmp/vmlinuz" "$tmp/initrd.cpio.gz"
echo "$KVER" >"$tmp/kver"

mv -f "$tmp/vmlinuz" "$OUT/vmlinuz"
mv -f "$tmp/initrd.cpio.gz" "$OUT/initrd.cpio.gz"
mv -f "$tmp/kver" "$OUT/kver"
echo "$stamp" >"$OUT/stamp"
note "done: $OUT/vmlinuz, $OUT/initrd.cpio.gz ($(du -k "$OUT/initrd.cpio.gz" |
	cut -f1) KiB)"
