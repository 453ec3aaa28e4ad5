#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""linkinfo.py IFNAME - print what tests check about a link, one key=value a line.

Reads `ip -d -j link show IFNAME` (in the current network namespace) and
prints: name, mtu, mac, up (1/0), master (or -), kind, and for tun
devices type, pi, vnet_hdr, persist, multi_queue (1/0), user and group
(or -).  Exits 1 if the
link does not exist.
"""
import json
import subprocess
import sys

res = subprocess.run(["ip", "-d", "-j", "link", "show", "dev", sys.argv[1]],
                     capture_output=True, text=True)
if res.returncode != 0:
    sys.exit(1)
link = json.loads(res.stdout)[0]
info = link.get("linkinfo", {})
data = info.get("info_data", {})
out = {
    "name": link["ifname"],
    "mtu": link["mtu"],
    "mac": link.get("address", ""),
    "up": int("UP" in link.get("flags", [])),
    "master": link.get("master", "-"),
    "kind": info.get("info_kind", "-"),
}
if out["kind"] == "tun":
    out["type"] = data.get("type")
    for k in ("pi", "vnet_hdr", "persist", "multi_queue"):
        out[k] = int(bool(data.get(k)))
    out["user"] = data.get("user", "-")
    out["group"] = data.get("group", "-")
for k, v in out.items():
    print(f"{k}={v}")
