"""An HTTP proxy between the Lambda and moto_server that injects one kind of fault into a
share of the requests, so the end-to-end tests can show what the Lambda does under it.

    fault_proxy.py PORT UPSTREAM MODE RATE [SEED]

MODE: throttle (HTTP 400 ThrottlingException), server (HTTP 500/503), slow (the answer waits
SLOW seconds, default 2), drop (the connection closes with no answer), truncate (the answer's
body is cut in half under its full Content-Length), or none. RATE: the share of requests hit
(0..1). Requests to moto's own API (/moto-api/) pass untouched. Each fault is counted on stderr
as one line `fault MODE TARGET`, so a test can tell how many it injected.
"""
import http.client
import http.server
import os
import random
import socketserver
import sys
import time
import urllib.parse


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = ("127.0.0.1", 0)
    mode = "none"
    rate = 0.0
    chooser = random.Random(0)

    def log_message(self, *args):
        pass

    def do_GET(self):
        self.forward()

    def do_POST(self):
        self.forward()

    def do_PUT(self):
        self.forward()

    def do_DELETE(self):
        self.forward()

    def forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target", self.path)
        hit = not self.path.startswith("/moto-api/") and self.chooser.random() < self.rate
        if hit:
            print(f"fault {self.mode} {target}", file=sys.stderr, flush=True)
        if hit and self.mode == "throttle":
            return self.answer(400, b'{"__type":"ThrottlingException","message":"Rate exceeded"}')
        if hit and self.mode == "server":
            status = self.chooser.choice([500, 503])
            return self.answer(status, b'{"__type":"InternalFailure","message":"injected"}')
        if hit and self.mode == "drop":
            self.close_connection = True
            self.connection.close()
            return None
        if hit and self.mode == "slow":
            time.sleep(float(os.environ.get("SLOW", "2")))
        connection = http.client.HTTPConnection(*self.upstream, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
        connection.request(self.command, self.path, body=body, headers=headers)
        reply = connection.getresponse()
        data = reply.read()
        connection.close()
        if hit and self.mode == "truncate":
            self.send_response(reply.status)
            for key, value in reply.getheaders():
                if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        self.send_response(reply.status)
        for key, value in reply.getheaders():
            if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        return None

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/x-amz-json-1.1")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True


def main(port, upstream, mode, rate, seed="0"):
    parsed = urllib.parse.urlparse(upstream)
    Proxy.upstream = (parsed.hostname, parsed.port)
    Proxy.mode, Proxy.rate, Proxy.chooser = mode, float(rate), random.Random(int(seed))
    with Server(("127.0.0.1", int(port)), Proxy) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:6])
