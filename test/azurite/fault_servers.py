#!/usr/bin/env python3
"""Misbehaving servers on 127.0.0.1 for test/t/030_faults.pl.

    fault_servers.py silent  LOG   accepts connections and never answers
    fault_servers.py backlog LOG   listens but never accepts, with its accept
                                   queue already full: connects time out
    fault_servers.py flaky   LOG   an HTTP server that fails on purpose,
                                   by path (see Flaky.plan)

Each binds port 0 (the kernel picks a free port, no race), prints the port
on stdout, then serves until killed. LOG gets one line per connection
(silent) or per request (flaky): "METHOD PATH STATUS". Standard library only.
"""
import http.server
import socket
import sys
import threading
import time


def silent(log):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    print(s.getsockname()[1], flush=True)
    held = []  # keep every connection open, unread
    while True:
        c, _ = s.accept()
        held.append(c)
        with open(log, "a") as f:
            f.write("connect\n")


def backlog(log):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(0)
    port = s.getsockname()[1]
    # Fill the accept queue ourselves; later SYNs are dropped by the kernel.
    fill = []
    for _ in range(4):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        fill.append(c)
    time.sleep(0.3)
    print(port, flush=True)
    while True:
        time.sleep(3600)


class Flaky(http.server.BaseHTTPRequestHandler):
    """Behaviour by the first segment of the blob name:
         /<account>/<container>/<mode>/...  where mode is
         503x2        two 503s with Retry-After: 1, then 200
         500x2        two 500s (no Retry-After), then 200
         503always    always 503 (no Retry-After)
         ra30x1       one 503 with Retry-After: 30, then 200
         ra10always   always 503 with Retry-After: 10
       Counts are per full path, so each test uses a fresh path."""

    counts = {}
    lock = threading.Lock()
    log = None
    protocol_version = "HTTP/1.1"

    def plan(self, n):
        mode = self.path.split("?")[0].split("/")[3] if self.path.count("/") >= 3 else ""
        if mode == "503x2":
            return (503, "1") if n <= 2 else (200, None)
        if mode == "500x2":
            return (500, None) if n <= 2 else (200, None)
        if mode == "503always":
            return (503, None)
        if mode == "ra30x1":
            return (503, "30") if n <= 1 else (200, None)
        if mode == "ra10always":
            return (503, "10")
        return (404, None)

    def answer(self, with_body):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        key = self.path.split("?")[0]
        with Flaky.lock:
            Flaky.counts[key] = Flaky.counts.get(key, 0) + 1
            n = Flaky.counts[key]
        status, retry_after = self.plan(n)
        body = b"recovered after %d attempts\n" % n if status == 200 else b""
        if status == 404:
            body = b'<?xml version="1.0" encoding="utf-8"?><Error><Code>BlobNotFound</Code></Error>'
        with open(Flaky.log, "a") as f:
            f.write("%s %s %d\n" % (self.command, key, status))
        self.send_response(status)
        if retry_after:
            self.send_header("Retry-After", retry_after)
        if status == 404:
            self.send_header("x-ms-error-code", "BlobNotFound")
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("ETag", '"0x8DFLAKY"')
        self.send_header("Last-Modified", "Wed, 25 Nov 2026 08:00:00 GMT")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def do_GET(self):
        self.answer(True)

    def do_HEAD(self):
        self.answer(False)

    def do_PUT(self):
        self.answer(True)

    def do_DELETE(self):
        self.answer(True)

    def log_message(self, *args):
        pass


def flaky(log):
    Flaky.log = log
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Flaky)
    print(srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("silent", "backlog", "flaky"):
        sys.exit("usage: fault_servers.py silent|backlog|flaky LOG")
    open(sys.argv[2], "a").close()
    {"silent": silent, "backlog": backlog, "flaky": flaky}[sys.argv[1]](sys.argv[2])
