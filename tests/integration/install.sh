#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install.sh - 'make install' puts the bridge helper in libexecdir with
# cap_net_admin+ep, says so, and installs the man page.  It installs the
# test build into a scratch DESTDIR; nothing outside it is touched.
set -u
self=$(realpath "$0")
. "$(dirname "$self")/../lib/common.sh"
t_require_root
t_require_cmd getcap

D=$(t_tmpdir)
prefix=$(meson introspect "$TAPIR_BUILD" --buildoptions |
	python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "prefix"))')
out=$(make -C "$TAPIR_SRC" install BUILD="$TAPIR_BUILD" DESTDIR="$D" \
	PREFIX="$prefix" 2>&1)
t_eq "install succeeds" 0 $?
helper=$D$prefix/libexec/tapir-bridge-helper
t_check "helper installed in libexecdir" test -x "$helper"
t_match "install says what it did" "tapir: set cap_net_admin\+ep on $helper" "$out"
t_match "helper has cap_net_admin+ep" "cap_net_admin=ep" "$(getcap "$helper")"
t_check "man page installed" test -s "$D$prefix/share/man/man8/tapir-bridge-helper.8"
t_eq "helper runs" 0 "$("$helper" --version >/dev/null 2>&1; echo $?)"
# The privileged helper's attack surface: nothing but these libraries.
libs=$(ldd "$helper" | awk '/=>/ {print $1}' | sed 's/\.so.*//' | sort |
	grep -vE '^lib(asan|ubsan|m|dl|rt|pthread|gcc_s|stdc\+\+)$' | tr '\n' ' ')
t_eq "helper links only libc, libcap-ng and libmnl" "libc libcap-ng libmnl " "$libs"

t_check "tapir installed in bindir" test -x "$D$prefix/bin/tapir"
for w in ifup ifdown; do
	t_check "tapir-$w wrapper installed" test -x "$D$prefix/libexec/tapir-$w"
	t_match "tapir-$w runs the installed tapir" \
		"^exec $prefix/bin/tapir $w \"\\\$@\"\$" \
		"$(cat "$D$prefix/libexec/tapir-$w")"
done
unit=$D$prefix/lib/systemd/system/tapir-net@.service
t_check "systemd unit installed" test -s "$unit"
t_match "unit runs tapir net run" "^ExecStart=$prefix/bin/tapir net run %i\$" \
	"$(cat "$unit")"
t_match "unit is Type=notify" "^Type=notify\$" "$(cat "$unit")"
for m in man1/tapir.1 man5/tapir.conf.5 man5/tapir-leases.5; do
	t_check "man page $m installed" test -s "$D$prefix/share/man/$m"
done

# Without root, the hook explains instead of failing.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh "$TAPIR_SRC/scripts/install-setcap.sh" /nonexistent/x 2>&1)
t_eq "hook without root exits 0" 0 $?
t_match "hook without root explains" "as root run: setcap cap_net_admin\+ep" "$out"
t_done
