"""A local webhook receiver: a threaded HTTP server on 127.0.0.1 that answers 200 after `delay` seconds and
counts deliveries, arrival times and the most requests in flight at once."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.arrivals: list[float] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                with receiver.lock:
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                    receiver.arrivals.append(time.monotonic())
                try:
                    if receiver.delay:
                        time.sleep(receiver.delay)
                    self.send_response(200)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

            def log_message(self, *args) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True
            request_queue_size = 512  # listen() backlog: the default 5 drops connections under a burst

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
        self.thread.start()

    def reset(self, delay: float) -> None:
        with self.lock:
            self.delay = delay
            self.max_in_flight = 0
            self.arrivals = []

    def count(self) -> int:
        with self.lock:
            return len(self.arrivals)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
