#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""syslogd.py SOCKET FILE - a minimal syslog receiver for tests.

Binds a unix datagram socket (normally /dev/log inside a test's private
mount namespace) and appends each message, one per line, to FILE.
"""
import os
import socket
import sys

path, out = sys.argv[1], sys.argv[2]
sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
sock.bind(path)
os.chmod(path, 0o666)
with open(out, "a", buffering=1) as f:
    while True:
        msg = sock.recv(65536).decode("utf-8", "replace").rstrip("\n\0")
        f.write(msg + "\n")
