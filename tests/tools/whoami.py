#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""whoami.py ADDR PORT - an HTTP server (IPv4 or IPv6 ADDR) that answers with the client's address.

Every GET is answered "200 OK" with the client's IP address and a newline
as the body, so a test can tell NAT (the host's address) from routing (the
guest's own).  Each request is also appended to stdout.
"""
import http.server
import socket
import socketserver
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = (self.client_address[0] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        print(self.client_address[0], self.path, flush=True)

    def log_message(self, *args):
        pass


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    allow_reuse_address = True
    daemon_threads = True


if ":" in sys.argv[1]:
    Server.address_family = socket.AF_INET6
Server((sys.argv[1], int(sys.argv[2])), Handler).serve_forever()
