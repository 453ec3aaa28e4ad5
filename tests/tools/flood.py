#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""flood.py - traffic for tests/integration/user-flood.sh

  flood.py syn SRC COUNT DST:PORT[-PORT]...
      COUNT raw TCP SYNs (root: a raw socket) from SRC, random source
      ports and sequence numbers, to the targets in turn (a random port
      of each range).  Nothing answers them: the sender has no socket,
      so its kernel resets whatever comes back.  Prints how many were
      sent.
  flood.py storm HOST PORT COUNT HOLD
      COUNT non-blocking connect()s to HOST:PORT at once, held HOLD
      seconds, then closed.  Prints how many the kernel connected.
  flood.py echo ADDR PORT
      a TCP echo server (threads), until killed.
  flood.py stream HOST PORT STOPFILE
      one connection to an echo server, used for as long as STOPFILE does
      not exist (and a little after): 1 KiB out, the same back, every
      20 ms, each round trip within 10 s.  Prints "ok ROUNDS MAXMS", or
      the error and exits 1.
"""
import os
import random
import resource
import socket
import struct
import sys
import threading
import time

from inetsum import csum


def syn(src, count, targets):
    srcb = socket.inet_aton(src)
    tl = []
    for t in targets:
        host, ports = t.rsplit(":", 1)
        lo, _, hi = ports.partition("-")
        tl.append((host, socket.inet_aton(host), int(lo), int(hi or lo)))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 22)
    sent = 0
    for i in range(count):
        host, dstb, lo, hi = tl[i % len(tl)]
        hdr = struct.pack("!HHIIBBHHH", random.randint(1024, 65535),
                          random.randint(lo, hi), random.getrandbits(32), 0,
                          5 << 4, 0x02, 64240, 0, 0)
        c = csum(srcb + dstb + struct.pack("!BBH", 0, 6, len(hdr)) + hdr)
        hdr = hdr[:16] + struct.pack("!H", c) + hdr[18:]
        try:
            s.sendto(hdr, (host, 0))
            sent += 1
        except OSError:
            time.sleep(0.001)       # the tap's queue is full: a breath
    print(sent)


def storm(host, port, count, hold):
    resource.setrlimit(resource.RLIMIT_NOFILE, (count + 64, count + 64))
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks = []
    for _ in range(count):
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setblocking(False)
        s.connect_ex((host, port))
        socks.append(s)
    time.sleep(hold)
    ok = 0
    for s in socks:
        if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
            try:
                s.getpeername()
                ok += 1
            except OSError:
                pass
        s.close()
    print(ok)


def echo(addr, port):
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    ls = socket.socket(fam, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port))
    ls.listen(64)

    def serve(c):
        with c:
            while True:
                d = c.recv(65536)
                if not d:
                    return
                c.sendall(d)

    while True:
        c, _ = ls.accept()
        threading.Thread(target=serve, args=(c,), daemon=True).start()


def stream(host, port, stopfile):
    s = socket.create_connection((host, port), timeout=10)
    rounds, maxms, after = 0, 0.0, 0
    while after < 25:
        if os.path.exists(stopfile):
            after += 1
        msg = (b"%08d" % rounds) * 128
        t0 = time.monotonic()
        s.sendall(msg)
        got = b""
        while len(got) < len(msg):
            d = s.recv(len(msg) - len(got))
            if not d:
                raise SystemExit("EOF after %d rounds" % rounds)
            got += d
        if got != msg:
            raise SystemExit("wrong data in round %d" % rounds)
        maxms = max(maxms, (time.monotonic() - t0) * 1000)
        rounds += 1
        time.sleep(0.02)
    s.close()
    print("ok %d %d" % (rounds, maxms))


def main():
    a = sys.argv[1:]
    try:
        if a[0] == "syn":
            syn(a[1], int(a[2]), a[3:])
        elif a[0] == "storm":
            storm(a[1], int(a[2]), int(a[3]), float(a[4]))
        elif a[0] == "echo":
            echo(a[1], int(a[2]))
        elif a[0] == "stream":
            stream(a[1], int(a[2]), a[3])
        else:
            raise SystemExit("unknown command " + a[0])
    except OSError as e:
        raise SystemExit("%s: %s" % (a[0], e))


main()
