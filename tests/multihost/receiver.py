"""The merchant's webhook receiver on its own host: `python -m tests.multihost.receiver ADDRESS PORT FILE`
answers 200 to every POST and appends one JSON line per delivery (webhook-id, event, object ids)."""
from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main(address: str, port: str, path: str) -> None:
    lock = threading.Lock()
    out = open(path, "a", buffering=1)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
            data = body.get("data", {})
            line = {"webhook_id": self.headers.get("webhook-id"), "event": body.get("event"),
                    "payment_id": data.get("payment", {}).get("id"), "refund_id": data.get("refund", {}).get("id")}
            with lock:
                out.write(json.dumps(line) + "\n")
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    server = ThreadingHTTPServer((address, int(port)), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:4])
