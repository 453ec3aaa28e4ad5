#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""bulk.py - byte-exact bulk TCP transfers both ways, checked by SHA-256.

  bulk.py server ADDR PORT SIZE   serve until killed (IPv4 or IPv6 ADDR)
  bulk.py client ADDR PORT SIZE   one upload, one download; print
                                  "up SHA" and "down SHA" as the server
                                  reported or sent them, then "ok" or "bad"

The server takes one command byte per connection.  'U': read to EOF and
answer with the SHA-256 (hex) of what came.  'D': send SIZE bytes of
random data, each connection's own, then its SHA-256 (hex, 64 bytes),
and close.  The client uploads SIZE random bytes of its own and checks
that the server's digest matches, then downloads and checks the digest
that follows the data.  "ok" means both directions arrived byte-exact.
"""
import hashlib
import os
import socket
import socketserver
import sys

CHUNK = 1 << 20


class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        s = self.request
        cmd = s.recv(1)
        if cmd == b"U":
            h = hashlib.sha256()
            while True:
                b = s.recv(CHUNK)
                if not b:
                    break
                h.update(b)
            s.sendall(h.hexdigest().encode())
        elif cmd == b"D":
            h = hashlib.sha256()
            left = self.server.size
            while left:
                b = os.urandom(min(left, CHUNK))
                h.update(b)
                s.sendall(b)
                left -= len(b)
            s.sendall(h.hexdigest().encode())


class Server(socketserver.ThreadingMixIn, socketserver.TCPServer):
    allow_reuse_address = True
    daemon_threads = True


def client(addr, port, size):
    data = os.urandom(size)
    want = hashlib.sha256(data).hexdigest()
    with socket.create_connection((addr, port), timeout=60) as s:
        s.sendall(b"U" + data)
        s.shutdown(socket.SHUT_WR)
        got = b""
        while True:
            b = s.recv(100)
            if not b:
                break
            got += b
    up = got.decode(errors="replace")
    print("up", up)
    with socket.create_connection((addr, port), timeout=60) as s:
        s.sendall(b"D")
        h = hashlib.sha256()
        buf = bytearray()
        while True:
            b = s.recv(CHUNK)
            if not b:
                break
            buf += b
            # hash all but the last 64 bytes, which may be the digest
            if len(buf) > 64 + CHUNK:
                h.update(buf[:-64])
                del buf[:-64]
    sent = bytes(buf[-64:]).decode(errors="replace")
    h.update(buf[:-64])
    down = h.hexdigest()
    print("down", down)
    ok = up == want and down == sent and len(buf) >= 64
    print("ok" if ok else "bad (up %s want %s; down %s sent %s)" %
          (up, want, down, sent))
    return 0 if ok else 1


def main():
    mode, addr, port, size = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    if mode == "client":
        return client(addr, port, size)
    fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
    Server.address_family = fam
    srv = Server((addr, port), Handler)
    srv.size = size
    srv.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
