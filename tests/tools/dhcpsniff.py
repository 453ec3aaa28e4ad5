#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""dhcpsniff.py IFNAME SECONDS - capture DHCP replies and check their checksums.

Listens on IFNAME with a packet socket for IPv4/UDP frames from port 67 to
port 68 for SECONDS, and prints one line per frame:

  REPLY type=T ip_csum=ok|bad udp_csum=ok|bad|none

verifying the IPv4 header checksum and the UDP checksum (with the
pseudo-header) itself, as a strict client would.  Prints "READY" first.
"""
import socket
import struct
import sys
import time

from inetsum import ones_sum


sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
sock.bind((sys.argv[1], 0))
sock.settimeout(0.2)
end = time.time() + float(sys.argv[2])
print("READY", flush=True)
while time.time() < end:
    try:
        frame = sock.recv(65535)
    except socket.timeout:
        continue
    ip = frame[14:]
    if len(ip) < 28 or ip[9] != 17:
        continue
    ihl = (ip[0] & 15) * 4
    udp = ip[ihl:]
    sport, dport, ulen, ucs = struct.unpack("!HHHH", udp[:8])
    if sport != 67 or dport != 68:
        continue
    ip_ok = ones_sum(ip[:ihl]) == 0xFFFF
    if ucs == 0:
        udp_ok = "none"
    else:
        pseudo = ip[12:20] + struct.pack("!BBH", 0, 17, ulen)
        udp_ok = "ok" if ones_sum(pseudo + udp[:ulen]) == 0xFFFF else "bad"
    # option 53 (message type) in the DHCP options after the cookie
    opts, mtype = udp[8 + 240:ulen], "?"
    i = 0
    while i + 1 < len(opts) and opts[i] != 255:
        if opts[i] == 0:
            i += 1
            continue
        if opts[i] == 53:
            mtype = str(opts[i + 2])
        i += 2 + opts[i + 1]
    print("REPLY type=%s ip_csum=%s udp_csum=%s"
          % (mtype, "ok" if ip_ok else "bad", udp_ok), flush=True)
