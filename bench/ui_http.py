"""`python -m bench.ui_http`: what one API call costs a UI process, with one httpx client per call (as
ui_common/http.py did) against the one shared client per process it keeps now.

A tiny keep-alive JSON server in a process of its own answers `GET /api/v1/orders/x/public`; in this process
`ROUNDS` alternating rounds of `CALLS` sequential calls each way. Prints this process's CPU milliseconds per
call (so other work on the machine hardly counts) and the per-call client's cost as a ratio of the shared
one's, median of the rounds.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx

from ui_common.http import ApiClient, close

ROUNDS = 7
CALLS = 300
BODY = json.dumps({"id": "order_x", "amount": 50000, "currency": "INR", "status": "created"}).encode()


class _Answer(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    wbufsize = 65536  # headers and body in one write, as a real server sends them

    def do_GET(self) -> None:  # noqa: N802 (the standard library's name)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, *args) -> None:
        pass


async def _rounds(call, n: int = CALLS) -> float:
    started = time.process_time()
    for _ in range(n):
        await call()
    return (time.process_time() - started) / n * 1e3


async def _measure(base: str) -> None:
    tls = httpx.create_ssl_context()
    shared = ApiClient(base)

    async def per_call() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=10, verify=tls) as client:
            (await client.get("/api/v1/orders/x/public")).json()

    async def one_client() -> None:
        await shared.get("/api/v1/orders/x/public")

    ratios = []
    for _ in range(ROUNDS):
        old, new = await _rounds(per_call), await _rounds(one_client)
        ratios.append(old / new)
        print(f"client per call {old:.3f} ms CPU   shared client {new:.3f} ms CPU   ratio {old / new:.2f}")
    print(f"median ratio (client per call / shared client): {statistics.median(ratios):.2f}")
    await close()


def main() -> None:
    if sys.argv[1:] == ["serve"]:
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
        print(server.server_address[1], flush=True)  # listening: the port, for the measuring process
        server.serve_forever()
    server = subprocess.Popen([sys.executable, "-m", "bench.ui_http", "serve"], stdout=subprocess.PIPE, text=True)
    try:
        port = int(server.stdout.readline())
        asyncio.run(_measure(f"http://127.0.0.1:{port}"))
    finally:
        server.terminate()
        server.wait(5)


if __name__ == "__main__":
    main()
