"""A real HTTP proxy on 127.0.0.1 in front of the API that misbehaves on the first requests, as networks do:
`drop-after` forwards the request and then closes the connection without an answer (the API acted; the
client cannot know), `drop-before` closes without forwarding, `stall` forwards and then answers nothing until
the client has timed out, `503` and `409` answer so without forwarding.
It misbehaves on `failures` requests in a row, after letting `after` of them through."""
from __future__ import annotations

import http.client
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

CANNED = {"503": (503, b"<html>Service Unavailable</html>", "text/html"),
          "409": (409, b'{"error":{"code":"CONFLICT_ERROR","description":"A request with this Idempotency-Key '
                       b'is in progress"}}', "application/json")}


class FlakyProxy:
    def __init__(self, upstream: str, mode: str, failures: int = 1, after: int = 0):
        self.mode, self.failures, self.after = mode, failures, after
        self.release = threading.Event()
        self.seen: list[dict] = []  # every request: method, path, headers, and the answer passed back
        self.lock = threading.Lock()
        target = urlsplit(upstream)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with proxy.lock:
                    failing = proxy.after <= len(proxy.seen) < proxy.after + proxy.failures
                    record = {"method": self.command, "path": self.path, "headers": dict(self.headers.items()),
                              "answered": not failing}
                    proxy.seen.append(record)
                if failing and proxy.mode in CANNED:
                    status, payload, kind = CANNED[proxy.mode]
                    return self._answer(status, [("Content-Type", kind)], payload)
                if not (failing and proxy.mode == "drop-before"):
                    conn = http.client.HTTPConnection(target.hostname, target.port, timeout=30)
                    headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "host")}
                    conn.request(self.command, self.path, body=body or None, headers=headers)
                    upstream_response = conn.getresponse()
                    payload = upstream_response.read()
                    record["replayed"] = upstream_response.getheader("Idempotent-Replayed")
                    conn.close()
                    if not failing:
                        return self._answer(upstream_response.status, upstream_response.getheaders(), payload)
                    if proxy.mode == "stall":
                        proxy.release.wait(10)  # the client times out first
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

            def _answer(self, status, headers, payload):
                self.send_response_only(status)
                for name, value in headers:
                    if name.lower() not in ("connection", "content-length", "transfer-encoding", "date", "server"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def posts(self) -> list[dict]:
        with self.lock:
            return [r for r in self.seen if r["method"] == "POST"]

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
