"""`make bench-scale` (`python -m bench.scale [--ten-million]`): does a read cost the same for a merchant with
ten thousand payments as for one with a million?

A fresh PostgreSQL database, the API under granian (no worker: nothing may move while we measure), and
the seeded merchant grown by `flask load-demo` (seeds/loader.py) to 10k, 100k and 1M payments (10M with
--ten-million), VACUUM ANALYZE after each load as autovacuum would get to. At each size: p50 and p99 of
sequential requests for every read, the sweeper's query shapes with 100k deliveries pending, and
create-order throughput (wrk, or Python threads without it); then each figure's growth from the smallest
to the largest size, against the target of at most 1.5 (create-order: within 10 % of the empty database).
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import time
from datetime import datetime, timezone

import psycopg
import requests

from bench.loadgen import ensure_wrk, run_python, run_wrk
from harness.servers import OwnPostgres
from harness.stack import BIN, MERCHANT_HEADERS, ROOT, Stack, Stores

GROWTH_TARGET = 1.5
THROUGHPUT_TARGET = 0.9  # create-order at the largest size, as a share of the empty database's
SAMPLES = 60
ORDER_BODY = {"amount": 50000, "receipt": "bench"}
PENDING_DELIVERIES = 100_000
# The sweeper's three scans (backend/services/sweeper.py): due work, oldest first, a batch at a time.
SWEEPER_QUERIES = {
    "payments": "SELECT id FROM payments WHERE status = 'pending' AND ready_at < now() - interval '30 s' "
                "ORDER BY ready_at LIMIT 500",
    "refunds": "SELECT id FROM refunds WHERE status = 'pending' AND ready_at < now() - interval '30 s' "
               "ORDER BY ready_at LIMIT 500",
    "webhooks": "SELECT id FROM webhook_logs WHERE status = 'pending' AND next_retry_at < now() - interval '30 s' "
                "ORDER BY next_retry_at LIMIT 500",
}


def _pct(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


def _timed(fn, samples: int = SAMPLES) -> dict:
    fn()  # warm: plans and caches, as for any merchant who is using the system
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return {"p50": statistics.median(times), "p99": _pct(times, 99)}


class Reads:
    """The API reads, over one keep-alive session, as a merchant's code or the dashboard makes them."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()
        self.http.headers.update(MERCHANT_HEADERS)

    def get(self, path: str) -> dict:
        r = self.http.get(self.base + path, timeout=60)
        assert r.status_code == 200, (path, r.status_code, r.text[:200])
        return r.json()

    def measure(self) -> dict:
        first = self.get("/api/v1/payments?limit=10")
        total = first["total"]
        one = first["data"][0]["id"]
        last_offset = max(0, min(total - 10, 10_000))  # offset is capped: deeper pages go by cursor
        anchor = self.get(f"/api/v1/payments?limit=1&offset={min(9989, total - 11)}")["data"][0]["id"]
        reads = {
            "GET /stats": "/api/v1/stats",
            "GET /payments?limit=10": "/api/v1/payments?limit=10",
            "GET /payments last page by offset": f"/api/v1/payments?limit=10&offset={last_offset}",
            "GET /payments?status=failed": "/api/v1/payments?limit=10&status=failed",
            "GET /payments?method=card&status=success": "/api/v1/payments?limit=10&method=card&status=success",
            "GET /payments 1,000th page by cursor": f"/api/v1/payments?limit=10&starting_after={anchor}",
            "GET /payments/{id}": f"/api/v1/payments/{one}",
            "GET /orders?limit=10": "/api/v1/orders?limit=10",
            "GET /refunds?limit=10": "/api/v1/refunds?limit=10",
            "GET /webhooks?limit=10": "/api/v1/webhooks?limit=10",
        }
        out = {name: _timed(lambda p=path: self.get(p)) for name, path in reads.items()}
        # The dashboard's overview: its cards and chart, then the recent payments (ui_dashboard/pages/home.py).
        out["dashboard overview (stats + 5 recent)"] = _timed(
            lambda: (self.get("/api/v1/stats"), self.get("/api/v1/payments?limit=5")))
        return out


def _sweeper(conn: psycopg.Connection) -> dict:
    out = {}
    for name, sql in SWEEPER_QUERIES.items():
        out[f"sweeper scan: {name}"] = _timed(lambda s=sql: conn.execute(s).fetchall())
    return out


def _pend_deliveries(conn: psycopg.Connection) -> int:
    """PENDING_DELIVERIES logs (or all there are) back to pending, as after a receiver's outage: retries
    spread over the next two hours, and exactly one batch (500) due now, so every size does the same work."""
    conn.execute("UPDATE webhook_logs SET status = 'success', next_retry_at = NULL WHERE status = 'pending'")
    conn.execute(f"""UPDATE webhook_logs SET status = 'pending', next_retry_at = now() + random() * interval '2 h'
        WHERE id IN (SELECT id FROM webhook_logs ORDER BY created_at DESC LIMIT {PENDING_DELIVERIES})""")
    conn.execute("""UPDATE webhook_logs SET next_retry_at = now() - interval '1 min'
        WHERE id IN (SELECT id FROM webhook_logs WHERE status = 'pending' ORDER BY id LIMIT 500)""")
    return conn.execute("SELECT count(*) FROM webhook_logs WHERE status = 'pending'").fetchone()[0]


def _throughput(stack: Stack, wrk: str | None, seconds: float) -> float:
    url = stack.api_url
    if wrk:
        result = run_wrk(wrk, url + "/api/v1/orders", ORDER_BODY, MERCHANT_HEADERS, 8, seconds)
    else:
        result = run_python(url, "/api/v1/orders", ORDER_BODY, MERCHANT_HEADERS, 8, seconds)
    return result.rps


def _median_throughput(stack: Stack, wrk: str | None, rounds: int, seconds: float) -> float:
    return statistics.median(_throughput(stack, wrk, seconds) for _ in range(rounds))


def _load(stack: Stack, payments: int) -> str:
    env = {**stack.env}
    proc = subprocess.run([str(BIN / "flask"), "--app", "backend:create_app(seed=False)", "load-demo",
                           "--payments", str(payments), "--seed", str(payments)], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"load-demo failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return proc.stdout.strip().splitlines()[-1]


def _quiesce(conn: psycopg.Connection) -> None:
    """A checkpoint before measuring, at every size as on the empty database. Otherwise a load's millions of
    dirty pages are still being written out by the checkpointer while create-order is timed, and the
    first change to each page after that checkpoint logs a full-page image: the database at size N was
    measured busy with the load, the empty one idle (the 0.83 of empty that every size showed alike)."""
    conn.execute("CHECKPOINT")


def run(sizes: list[int], throughput_rounds: int, throughput_seconds: float, own_server: bool = False) -> dict:
    # A cluster of the run's own (harness/servers.py: fsync off) when the shared server has no connection to spare.
    server = OwnPostgres() if own_server else None
    stores = Stores("postgres", pg_admin_url=server.admin_url) if server else Stores("postgres")
    stack = None
    wrk = ensure_wrk()
    results: dict = {"sizes": sizes, "started": datetime.now(timezone.utc).isoformat(), "by_size": {}}
    try:
        stack = Stack(stores)  # inside: a stack that fails to start still gets its stores dropped
        stack.kill("worker")  # nothing moves while we measure; the sweeper's queries are timed directly
        stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": "http://127.0.0.1:9/hooks"})
        _throughput(stack, wrk, 1.0)  # warm the API workers and their pools, as for every later size
        loaded = 0
        # One connection for the whole run, opened first: on a shared server a later one may find none free.
        with psycopg.connect(stores.env["DATABASE_URL"], autocommit=True) as conn:
            _quiesce(conn)
            results["create_order_empty_rps"] = _median_throughput(stack, wrk, throughput_rounds, throughput_seconds)
            results["empty_loadavg"] = os.getloadavg()
            for size in sizes:
                print(f"loading to {size:,} payments ...", flush=True)
                line = _load(stack, size - loaded)
                loaded = size
                print("  " + line, flush=True)
                conn.execute("VACUUM ANALYZE")
                figures = Reads(stack.api_url).measure()
                pending = _pend_deliveries(conn)
                conn.execute("VACUUM ANALYZE webhook_logs")
                figures.update(_sweeper(conn))
                _quiesce(conn)
                rps = _median_throughput(stack, wrk, throughput_rounds, throughput_seconds)
                results["by_size"][size] = {"reads": figures, "create_order_rps": rps, "load": line,
                                            "pending_deliveries": pending, "loadavg": os.getloadavg()}
                print(f"  measured at {size:,} (load average {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        if stack:
            stack.close()
        stores.close()
        if server:
            server.close()
    results["own_server"] = own_server
    return results


def table(results: dict) -> str:
    sizes = results["sizes"]
    first = sizes[0]
    # The target is the growth over 100× (10k → 1M); a larger size (10M) gets its own column beside it.
    target = first * 100 if first * 100 in sizes else sizes[-1]
    ends = [target] + [s for s in sizes if s > target]
    head = ("| read (p50 / p99 ms) | " + " | ".join(f"{s:,}" for s in sizes) + " | "
            + " | ".join(f"growth {e // first:,}× p50" for e in ends) + " |")
    lines = [head, "|---" * (len(sizes) + 1 + len(ends)) + "|"]
    names = list(results["by_size"][first]["reads"])
    misses = []
    for name in names:
        cells = {s: results["by_size"][s]["reads"][name] for s in sizes}
        growths = [cells[e]["p50"] / cells[first]["p50"] for e in ends]
        verdict = "" if growths[0] <= GROWTH_TARGET else " MISS"
        if verdict:
            misses.append(name)
        lines.append(f"| {name} | " + " | ".join(f"{c['p50']:.2f} / {c['p99']:.1f}" for c in cells.values())
                     + f" | {growths[0]:.2f}{verdict} | " + " | ".join(f"{g:.2f}" for g in growths[1:])
                     + (" |" if growths[1:] else ""))
    empty = results["create_order_empty_rps"]
    rps = {s: results["by_size"][s]["create_order_rps"] for s in sizes}
    shares = [rps[e] / empty for e in ends]
    lines.append(f"| POST /orders req/s, c=8 (empty: {empty:,.0f}) | " + " | ".join(f"{r:,.0f}" for r in rps.values())
                 + f" | {shares[0]:.2f} of empty{'' if shares[0] >= THROUGHPUT_TARGET else ' MISS'} | "
                 + " | ".join(f"{x:.2f} of empty" for x in shares[1:]) + (" |" if shares[1:] else ""))
    lines = [line.rstrip() for line in lines]
    loads = ", ".join([f"{results['empty_loadavg'][0]:.1f} (empty)"]
                      + [f"{results['by_size'][s]['loadavg'][0]:.1f}" for s in sizes])
    lines.append("")
    lines.append(f"Load average (1 min) at each size: {loads}. Target: growth at most {GROWTH_TARGET} for every "
                 f"read, create-order at least {THROUGHPUT_TARGET:.0%} of the empty database's."
                 + (f" Misses: {', '.join(misses)}." if misses else ""))
    return "\n".join(lines)


def main() -> None:
    """Prints the table; the sweeper's scans are sub-millisecond, so their ratios mostly measure noise."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ten-million", action="store_true", help="add a 10M-payment size (long: about 20 min of loading)")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated payment counts")
    parser.add_argument("--throughput-rounds", type=int, default=3)
    parser.add_argument("--throughput-seconds", type=float, default=3.0)
    parser.add_argument("--own-server", action="store_true",
                        help="run PostgreSQL of its own (fsync off) instead of the shared server")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")] + ([10_000_000] if args.ten_million else [])
    started = time.perf_counter()
    results = run(sizes, args.throughput_rounds, args.throughput_seconds, args.own_server)
    print()
    print(table(results))
    out = ROOT / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"scale-{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=1, default=str))
    print(f"\nfigures saved to {path.relative_to(ROOT)} (took {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
