"""The one webhook receiver of the tests and the benchmarks: a threaded HTTP server that records every POST
(path, headers, raw body, arrival time), counts the most requests in flight at once, and answers as told per
path: `/fail` 500, `/flaky/N` 503 N times then 200, `/slow/S` after S seconds, `/drip/S` 200 with
`Content-Length: 4097` and then one byte every S seconds, `/drip-head/S` its headers that way, `/garbage`
bytes that are not HTTP; any other path 200 (after `delay` seconds, which the benchmarks set), unless
`status` is set, which then answers every POST. A GET serves `html` (a merchant's shop page on an origin of
its own, for the browser tests).

`python -m harness.receiver ADDRESS PORT FILE` runs one in the foreground (tests/multihost: the merchant's
receiver on its own host) and appends one JSON line per delivery to FILE (`Received.summary()`)."""
from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float = field(default_factory=time.monotonic)

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers.items() if k.lower() == name.lower()), None)

    def summary(self) -> dict:
        """The delivery's webhook id, event and object ids (None where the body does not say)."""
        try:
            body = json.loads(self.body or b"{}")
        except ValueError:
            body = {}
        data = body.get("data", {}) if isinstance(body, dict) else {}
        return {"webhook_id": self.header("webhook-id"),
                "event": body.get("event") if isinstance(body, dict) else None,
                "payment_id": data.get("payment", {}).get("id"), "refund_id": data.get("refund", {}).get("id")}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # listen() backlog: the default 5 drops connections under a benchmark's burst


class Receiver:
    DRIP_LENGTH = 4097
    DRIP_FOR_AT_MOST = 60.0  # seconds: a sender that never gives up still frees the thread

    def __init__(self, tls: tuple[str, str] | None = None, *, address: str = "127.0.0.1", port: int = 0,
                 delay: float = 0.0, keep_alive: bool = False, record_to: Path | None = None):
        """`tls`: (certificate file, key file) to answer https on `https://localhost:<port>`. `keep_alive`:
        HTTP/1.1 persistent connections (the benchmarks: a sender's pool reuses them). `record_to`: a file
        that gets each delivery's summary as a JSON line."""
        self.requests: list[Received] = []
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}
        self.in_flight = 0
        self.max_in_flight = 0
        self.delay = delay
        self.status: int | None = None
        self.html = ""
        self._record = open(record_to, "a", buffering=1) if record_to else None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def log_message(self, *args):
                pass

            def do_POST(self):  # noqa: N802
                receiver._answer(self)

            def do_GET(self):  # noqa: N802
                body = receiver.html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = _Server((address, port), Handler)
        self.url = f"http://{address}:{self.server.server_address[1]}"
        if tls:
            import ssl

            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
            self.url = f"https://localhost:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.1},
                                       daemon=True)
        self.thread.start()

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        body = handler.rfile.read(int(handler.headers.get("Content-Length") or 0))
        received = Received(handler.path, dict(handler.headers.items()), body)
        with self.lock:
            self.requests.append(received)
            n = self.counts[handler.path] = self.counts.get(handler.path, 0) + 1
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if self._record:
                self._record.write(json.dumps(received.summary()) + "\n")
        try:
            path = handler.path
            if path.startswith("/garbage"):
                handler.wfile.write(b"NOT HTTP AT ALL\r\n\r\n")
                handler.close_connection = True
                return
            if path.startswith("/drip/") or path.startswith("/drip-head/"):
                self.drip(handler, float(path.split("/")[2]), in_headers=path.startswith("/drip-head/"))
                handler.close_connection = True
                return
            status = self.status or self.status_for(path, n)
            payload = f'{{"received":{n}}}'.encode()
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(payload)))
            handler.end_headers()
            handler.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass
        finally:
            with self.lock:
                self.in_flight -= 1

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

    def status_for(self, path: str, n: int) -> int:
        parts = path.strip("/").split("/")
        if parts[0] == "fail":
            return 500
        if parts[0] == "flaky":
            return 503 if n <= int(parts[1]) else 200
        if parts[0] == "slow":
            time.sleep(float(parts[1]))
        elif self.delay:
            time.sleep(self.delay)
        return 200

    # ---------- what arrived ----------
    def on(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def last(self) -> Received | None:
        with self.lock:
            return self.requests[-1] if self.requests else None

    def count(self) -> int:
        with self.lock:
            return len(self.requests)

    @property
    def arrivals(self) -> list[float]:
        with self.lock:
            return [r.at for r in self.requests]

    def reset(self, delay: float = 0.0) -> None:
        """Forget what arrived and answer after `delay` seconds from now on."""
        with self.lock:
            self.delay = delay
            self.max_in_flight = self.in_flight
            self.requests.clear()
            self.counts.clear()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._record:
            self._record.close()


if __name__ == "__main__":
    address, port, path = sys.argv[1:4]
    Receiver(address=address, port=int(port), record_to=Path(path)).thread.join()
