#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# install-setcap.sh - 'make install' runs this after 'meson install': give
# the installed bridge helper the file capability cap_net_admin+ep when that
# is possible, and say what was done either way.
# Usage: [DESTDIR=DIR] install-setcap.sh INSTALLED-PATH
set -u
file="${DESTDIR:-}$1"

if [ "$(id -u)" -ne 0 ]; then
	echo "tapir: not root, so $file was installed without privileges."
	echo "tapir: as root run: setcap cap_net_admin+ep $file"
	exit 0
fi
if ! command -v setcap >/dev/null 2>&1; then
	echo "tapir: setcap not found (Debian package libcap2-bin);"
	echo "tapir: $file needs cap_net_admin+ep, or setuid root: chmod 4755 $file"
	exit 0
fi
if msg=$(setcap cap_net_admin+ep "$file" 2>&1); then
	echo "tapir: set cap_net_admin+ep on $file"
else
	echo "tapir: could not set cap_net_admin+ep on $file: $msg"
	echo "tapir: the filesystem may lack extended attributes; use setuid root instead: chmod 4755 $file"
fi
exit 0
