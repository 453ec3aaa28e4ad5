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

# Without root, the hook explains instead of failing.
out=$(setpriv --reuid=65534 --regid=65534 --clear-groups \
	sh "$TAPIR_SRC/scripts/install-setcap.sh" /nonexistent/x 2>&1)
t_eq "hook without root exits 0" 0 $?
t_match "hook without root explains" "as root run: setcap cap_net_admin\+ep" "$out"
t_done
