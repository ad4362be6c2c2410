"""Load generators. `wrk` (Debian's package) drives the throughput runs, because a Python client on the same
2 cores would be the bottleneck itself; Python threads over keep-alive `http.client` connections are the
fallback when wrk is missing, and drive the bounded bursts (a fixed list of requests)."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

_WRK_SCRIPT = """
wrk.method = "POST"
wrk.body = %(body)s
%(headers)s
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%%d,"duration_us":%%d,"connect":%%d,"read":%%d,"write":%%d,"status":%%d,' ..
    '"timeout":%%d,"p50_us":%%d,"p90_us":%%d,"p99_us":%%d,"max_us":%%d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


@dataclass
class LoadResult:
    tool: str
    concurrency: int
    seconds: float
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p99_ms: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _lua_string(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ensure_wrk() -> str | None:
    """wrk's path; installs Debian's package when missing and we are root (the machine is ours), else None."""
    path = shutil.which("wrk")
    if path or os.geteuid() != 0 or not shutil.which("apt-get"):
        return path
    print("installing Debian's wrk for the load runs (apt-get install -y wrk) ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for argv in (["apt-get", "install", "-y", "-qq", "wrk"], ["apt-get", "update", "-qq"],
                 ["apt-get", "install", "-y", "-qq", "wrk"]):
        subprocess.run(argv, env=env, capture_output=True, timeout=300)
        if shutil.which("wrk"):
            break
    return shutil.which("wrk")


def run_wrk(wrk: str, url: str, body: dict, headers: dict[str, str], concurrency: int, seconds: float) -> LoadResult:
    header_lines = "\n".join(f"wrk.headers[{_lua_string(k)}] = {_lua_string(v)}"
                             for k, v in {"Content-Type": "application/json", **headers}.items())
    script = _WRK_SCRIPT % {"body": _lua_string(json.dumps(body, separators=(",", ":"))), "headers": header_lines}
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    try:
        threads = min(2, concurrency)
        whole_seconds = max(1, round(seconds))  # wrk refuses a fractional -d
        out = subprocess.run([wrk, "-t", str(threads), "-c", str(concurrency), "-d", f"{whole_seconds}s",
                              "--timeout", "10s", "-s", f.name, url],
                             capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    finally:
        Path(f.name).unlink(missing_ok=True)
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))
    d = json.loads(line[len("WRKJSON "):])
    duration = d["duration_us"] / 1e6
    errors = d["connect"] + d["read"] + d["write"] + d["status"] + d["timeout"]
    ok = d["requests"] - d["status"]
    return LoadResult("wrk", concurrency, duration, d["requests"], errors, ok / duration,
                      d["p50_us"] / 1000, d["p99_us"] / 1000)


class Client:
    """One keep-alive HTTP/1.1 connection (cheaper than requests.Session, which matters on 2 cores)."""

    def __init__(self, base_url: str, headers: dict[str, str]):
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname, parts.port
        self.headers = {"Content-Type": "application/json", **headers}
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body, separators=(",", ":")).encode()
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=self.headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                return resp.status, (json.loads(raw) if raw else {})
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        self.conn.close()


def burst(base_url: str, headers: dict[str, str], method: str, path_body: list[tuple[str, dict | None]],
          concurrency: int, deadline_s: float = 120) -> list[tuple[int, dict, float, float]]:
    """Send every (path, body) once, `concurrency` at a time; (status, json, t_start, t_end) in input order."""
    results: list = [None] * len(path_body)
    next_index = iter(range(len(path_body)))
    lock = threading.Lock()
    deadline = time.monotonic() + deadline_s

    def worker() -> None:
        client = Client(base_url, headers)
        try:
            while time.monotonic() < deadline:
                with lock:
                    i = next(next_index, None)
                if i is None:
                    return
                path, body = path_body[i]
                t0 = time.monotonic()
                status, data = client.request(method, path, body)
                results[i] = (status, data, t0, time.monotonic())
        finally:
            client.close()

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(deadline_s + 30)
    return [r if r is not None else (0, {}, 0.0, 0.0) for r in results]


def run_python(base_url: str, path: str, body: dict, headers: dict[str, str], concurrency: int,
               seconds: float) -> LoadResult:
    """The fallback throughput run: `concurrency` threads for `seconds`, each one keep-alive connection."""
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        nonlocal errors
        client = Client(base_url, headers)
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            t0 = time.perf_counter()
            status, _ = client.request("POST", path, body)
            mine.append(time.perf_counter() - t0)
            bad += not (200 <= status < 300)
        client.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    start = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(seconds + 60)
    elapsed = time.monotonic() - start
    latencies.sort()
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return LoadResult("python-threads", concurrency, elapsed, len(latencies), errors,
                      (len(latencies) - errors) / elapsed, q[49] * 1000, q[98] * 1000)
