"""A real webhook receiver on 127.0.0.1 for tests: records every request with its raw body and answers as
told per path (`/ok`, `/fail`, `/flaky/N` fails N times then succeeds, `/slow/S` answers after S seconds,
`/drip/S` answers 200 with `Content-Length: 4097` and then sends one byte every S seconds, `/drip-head/S`
sends its headers that way, `/garbage` answers with bytes that are not HTTP)."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)


class Receiver:
    def __init__(self, tls: tuple[str, str] | None = None):
        """`tls`: (certificate file, key file) to answer https on `https://localhost:<port>`."""
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append(Received(self.path, dict(self.headers.items()), body))
                    n = receiver.counts[self.path] = receiver.counts.get(self.path, 0) + 1
                    receiver.in_flight += 1
                    receiver.max_in_flight = max(receiver.max_in_flight, receiver.in_flight)
                try:
                    if self.path.startswith("/garbage"):
                        self.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
                        return
                    if self.path.startswith("/drip/"):
                        receiver.drip(self, float(self.path.split("/")[2]))
                        return
                    if self.path.startswith("/drip-head/"):
                        receiver.drip(self, float(self.path.split("/")[2]), in_headers=True)
                        return
                    status = receiver.status_for(self.path, n)
                    payload = f'{{"received":{n}}}'.encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with receiver.lock:
                        receiver.in_flight -= 1

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        if tls:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    DRIP_LENGTH = 4097
    DRIP_FOR_AT_MOST = 60.0  # seconds: a sender that never gives up still frees the thread

    @staticmethod
    def drip(handler: BaseHTTPRequestHandler, every: float, in_headers: bool = False) -> None:
        """A 200 whose body (or whose headers) never quite arrives: a per-read timeout longer than `every`
        never fires."""
        handler.wfile.write(b"HTTP/1.1 200 OK\r\n")
        if in_headers:
            handler.wfile.write(b"X-Slow: ")
        else:
            handler.wfile.write(f"Content-Length: {Receiver.DRIP_LENGTH}\r\n\r\n".encode())
        stop = time.monotonic() + Receiver.DRIP_FOR_AT_MOST
        for _ in range(Receiver.DRIP_LENGTH):
            if time.monotonic() > stop:
                return
            handler.wfile.write(b"x")
            time.sleep(every)

    @staticmethod
    def status_for(path: str, n: int) -> int:
        parts = path.strip("/").split("/")
        if parts[0] == "fail":
            return 500
        if parts[0] == "flaky":
            return 503 if n <= int(parts[1]) else 200
        if parts[0] == "slow":
            time.sleep(float(parts[1]))
        return 200

    def on(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def close(self):
        self.server.shutdown()
        self.server.server_close()
