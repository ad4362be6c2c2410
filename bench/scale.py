"""`make bench-scale` (`python -m bench.scale [--ten-million]`): does a read cost the same for a merchant with
ten thousand payments as for one with a million?

A fresh PostgreSQL database, the API under granian (no worker: nothing may move while we measure), and
the seeded merchant grown by `flask load-demo` (seeds/loader.py) to 10k, 100k and 1M payments (10M with
--ten-million), VACUUM ANALYZE after each load as autovacuum would get to. At each size: p50 and p99 of
sequential requests for every read, the sweeper's query shapes with 100k deliveries pending, and
create-order throughput (wrk, or Python threads without it); then each figure's growth from the smallest
to the largest size, against the target of at most 1.5 (create-order: within 10 % of the empty database).

The machine is shared, so its load moves between sizes by more than any read grows. Each growth is
therefore measured against a baseline in the same minutes: two more stacks stay up for the whole run, a
reference one loaded to the smallest size and an empty one, and at every size each read alternates in
rounds between the reference and the grown database (create-order between the empty one and the grown
one); a growth is the ratio of the two sides' p50s over those rounds, so at the smallest size it shows
the method's own noise (about 1.0).
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import time
from datetime import datetime, timezone

import psycopg
import requests

from bench.loadgen import ensure_wrk, run_python, run_wrk
from bench.scenarios import BenchStack
from harness.servers import OwnPostgres
from harness.stack import BIN, MERCHANT_HEADERS, ROOT, Stores

GROWTH_TARGET = 1.5
THROUGHPUT_TARGET = 0.9  # create-order at the largest size, as a share of the empty database's
SAMPLES = 60
ROUNDS = 6  # alternations of baseline and grown database per figure: SAMPLES // ROUNDS requests each time
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

    def paths(self) -> dict:
        """Each read's path on this database (its cursor and ids are its own); the overview is a pair."""
        first = self.get("/api/v1/payments?limit=10")
        total = first["total"]
        one = first["data"][0]["id"]
        last_offset = max(0, min(total - 10, 10_000))  # offset is capped: deeper pages go by cursor
        anchor = self.get(f"/api/v1/payments?limit=1&offset={min(9989, total - 11)}")["data"][0]["id"]
        return {
            "GET /stats": ("/api/v1/stats",),
            "GET /payments?limit=10": ("/api/v1/payments?limit=10",),
            "GET /payments last page by offset": (f"/api/v1/payments?limit=10&offset={last_offset}",),
            "GET /payments?status=failed": ("/api/v1/payments?limit=10&status=failed",),
            "GET /payments?method=card&status=success": ("/api/v1/payments?limit=10&method=card&status=success",),
            "GET /payments 1,000th page by cursor": (f"/api/v1/payments?limit=10&starting_after={anchor}",),
            "GET /payments/{id}": (f"/api/v1/payments/{one}",),
            "GET /orders?limit=10": ("/api/v1/orders?limit=10",),
            "GET /refunds?limit=10": ("/api/v1/refunds?limit=10",),
            "GET /webhooks?limit=10": ("/api/v1/webhooks?limit=10",),
            # The dashboard's overview: its cards and chart, then the recent payments (ui_dashboard/pages/home.py).
            "dashboard overview (stats + 5 recent)": ("/api/v1/stats", "/api/v1/payments?limit=5"),
        }

    def call(self, paths: tuple) -> None:
        for path in paths:
            self.get(path)


def _alternate(base, grown, rounds: int = ROUNDS, samples: int = SAMPLES) -> dict:
    """p50/p99 of `grown` and the growth of its p50 over `base`'s, both timed in alternating rounds."""
    base(), grown()  # warm: plans and caches, as for any merchant who is using the system
    times: dict[str, list[float]] = {"base": [], "grown": []}
    for _ in range(rounds):
        for side, fn in (("base", base), ("grown", grown)):
            for _ in range(samples // rounds):
                started = time.perf_counter()
                measured = fn()  # a float: a figure of the server's own (pages read) instead of the time
                times[side].append(measured if isinstance(measured, float) else (time.perf_counter() - started) * 1000)
    p50 = statistics.median(times["grown"])
    return {"p50": p50, "p99": _pct(times["grown"], 99), "base_p50": statistics.median(times["base"]),
            "growth": p50 / statistics.median(times["base"])}


def _reads(base: Reads, grown: Reads) -> dict:
    base_paths, grown_paths = base.paths(), grown.paths()
    return {name: _alternate(lambda p=base_paths[name]: base.call(p), lambda p=paths: grown.call(p))
            for name, paths in grown_paths.items()}


def _pages_read(conn: psycopg.Connection, sql: str) -> float:
    """The pages the scan touched, as PostgreSQL counts them. The sweeper's scans run in a few µs, under
    the client's round trip and under EXPLAIN's µs resolution, so a timed ratio showed only jitter (the
    same plan reading the same single index page at 10k and at 1M); what could grow is what they read."""
    plan = conn.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql).fetchone()[0][0]["Plan"]
    return float(plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0))


def _sweeper(base: psycopg.Connection, grown: psycopg.Connection) -> dict:
    return {f"sweeper scan: {name} (pages read)": _alternate(lambda s=sql: _pages_read(base, s),
                                                             lambda s=sql: _pages_read(grown, s))
            for name, sql in SWEEPER_QUERIES.items()}


def _pend_deliveries(conn: psycopg.Connection) -> int:
    """PENDING_DELIVERIES logs (or all there are) back to pending, as after a receiver's outage: retries
    spread over the next two hours, and exactly one batch (500) due now, so every size does the same work."""
    conn.execute("UPDATE webhook_logs SET status = 'success', next_retry_at = NULL WHERE status = 'pending'")
    conn.execute(f"""UPDATE webhook_logs SET status = 'pending', next_retry_at = now() + random() * interval '2 h'
        WHERE id IN (SELECT id FROM webhook_logs ORDER BY created_at DESC LIMIT {PENDING_DELIVERIES})""")
    conn.execute("""UPDATE webhook_logs SET next_retry_at = now() - interval '1 min'
        WHERE id IN (SELECT id FROM webhook_logs WHERE status = 'pending' ORDER BY id LIMIT 500)""")
    return conn.execute("SELECT count(*) FROM webhook_logs WHERE status = 'pending'").fetchone()[0]


def _throughput(stack: BenchStack, wrk: str | None, seconds: float) -> float:
    url = stack.api_url
    if wrk:
        result = run_wrk(wrk, url + "/api/v1/orders", ORDER_BODY, MERCHANT_HEADERS, 8, seconds)
    else:
        result = run_python(url, "/api/v1/orders", ORDER_BODY, MERCHANT_HEADERS, 8, seconds)
    return result.rps


def _alternate_throughput(empty: BenchStack, grown: BenchStack, wrk: str | None, rounds: int, seconds: float) -> dict:
    """create-order req/s on the empty database and on the grown one, in turns; the share is the median of
    each round's grown / empty."""
    pairs = [(_throughput(empty, wrk, seconds), _throughput(grown, wrk, seconds)) for _ in range(rounds)]
    return {"empty_rps": statistics.median(e for e, _ in pairs), "rps": statistics.median(g for _, g in pairs),
            "share": statistics.median(g / e for e, g in pairs), "rounds": pairs}


def _load(stack: BenchStack, payments: int) -> str:
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


def _stack(stores: Stores, wrk: str | None) -> BenchStack:
    stack = BenchStack(stores)
    stack.kill("worker")  # nothing moves while we measure; the sweeper's queries are timed directly
    stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": "http://127.0.0.1:9/hooks"})
    _down(stack)
    return stack


def _up(stack: BenchStack, wrk: str | None) -> None:
    stack.start_api()
    _throughput(stack, wrk, 1.0)  # warm the API workers and their pools, as for every measurement


def _down(stack: BenchStack) -> None:
    """An API is up only while it is measured: three stacks' pools at once would hold a third of the
    shared server's connections."""
    stack.kill("api", signal.SIGTERM)


def run(sizes: list[int], throughput_rounds: int, throughput_seconds: float, own_server: bool = False) -> dict:
    # A cluster of the run's own (harness/servers.py: fsync off) when the shared server has no connection to spare.
    server = OwnPostgres() if own_server else None
    new_stores = (lambda: Stores("postgres", pg_admin_url=server.admin_url)) if server else (lambda: Stores("postgres"))
    wrk = ensure_wrk()
    results: dict = {"sizes": sizes, "started": datetime.now(timezone.utc).isoformat(), "by_size": {},
                     "method": f"alternating rounds against a reference at {sizes[0]:,} and an empty database"}
    stores: list[Stores] = []
    stacks: list[BenchStack] = []
    try:
        # The grown database, the reference at the smallest size, the empty one: all kept for the whole run.
        for _ in range(3):
            stores.append(new_stores())  # appended first: a stack that fails to start still gets its stores dropped
            stacks.append(_stack(stores[-1], wrk))
        grown, reference, empty = stacks
        print(f"loading the reference to {sizes[0]:,} payments ...", flush=True)
        print("  " + _load(reference, sizes[0]), flush=True)
        loaded = 0
        # One connection per database for the run, opened first: on a shared server a later one may find none free.
        with psycopg.connect(grown.stores.env["DATABASE_URL"], autocommit=True) as conn, \
                psycopg.connect(reference.stores.env["DATABASE_URL"], autocommit=True) as ref_conn:
            ref_conn.execute("VACUUM ANALYZE")
            results["reference_pending_deliveries"] = _pend_deliveries(ref_conn)
            ref_conn.execute("VACUUM ANALYZE webhook_logs")
            for size in sizes:
                print(f"loading to {size:,} payments ...", flush=True)
                line = _load(grown, size - loaded)
                loaded = size
                print("  " + line, flush=True)
                conn.execute("VACUUM ANALYZE")
                _up(grown, wrk)
                _up(reference, wrk)
                figures = _reads(Reads(reference.api_url), Reads(grown.api_url))
                _down(reference)
                pending = _pend_deliveries(conn)
                conn.execute("VACUUM ANALYZE webhook_logs")
                figures.update(_sweeper(ref_conn, conn))
                _up(empty, wrk)
                _quiesce(conn)
                orders = _alternate_throughput(empty, grown, wrk, throughput_rounds, throughput_seconds)
                _down(empty)
                _down(grown)
                # The counter rows' table: every create bumps a row of today, so its pages grow with the
                # updates it took between vacuums, not with the payments (seq-scanned while it is small).
                totals_pages = conn.execute("SELECT pg_relation_size('merchant_totals') / 8192").fetchone()[0]
                results["by_size"][size] = {"reads": figures, "create_order": orders, "load": line,
                                            "pending_deliveries": pending, "loadavg": os.getloadavg(),
                                            "merchant_totals_pages": totals_pages}
                print(f"  measured at {size:,} (load average {os.getloadavg()[0]:.1f})", flush=True)
    finally:
        for stack in stacks:
            stack.close()
        for one in stores:
            one.close()
        if server:
            server.close()
    results["own_server"] = own_server
    return results


def table(results: dict) -> str:
    sizes = results["sizes"]
    first = sizes[0]
    # The target is the growth over 100× (10k → 1M); a larger size (10M) gets its own column beside it.
    target = first * 100 if first * 100 in sizes else sizes[-1]
    head = ("| read: p50 / p99 ms (growth: p50 over the reference's at " + f"{first:,}, same rounds) | "
            + " | ".join(f"{s:,}" for s in sizes) + f" | growth {target // first:,}× |")
    lines = [head, "|---" * (len(sizes) + 2) + "|"]
    misses = []
    for name in results["by_size"][first]["reads"]:
        cells = {s: results["by_size"][s]["reads"][name] for s in sizes}
        growth = cells[target]["growth"]
        verdict = "" if growth <= GROWTH_TARGET else " MISS"
        if verdict:
            misses.append(name)
        lines.append(f"| {name} | " + " | ".join(f"{c['p50']:.2f} / {c['p99']:.1f} ({c['growth']:.2f}×)"
                                                 for c in cells.values()) + f" | {growth:.2f}{verdict} |")
    orders = {s: results["by_size"][s]["create_order"] for s in sizes}
    share = orders[target]["share"]
    lines.append("| POST /orders req/s, c=8 (share of the empty database's, same rounds) | "
                 + " | ".join(f"{o['rps']:,.0f} vs {o['empty_rps']:,.0f} ({o['share']:.2f})" for o in orders.values())
                 + f" | {share:.2f} of empty{'' if share >= THROUGHPUT_TARGET else ' MISS'} |")
    loads = ", ".join(f"{results['by_size'][s]['loadavg'][0]:.1f}" for s in sizes)
    pages = ", ".join(str(results["by_size"][s].get("merchant_totals_pages", "?")) for s in sizes)
    lines.append("")
    lines.append(f"merchant_totals pages after each size: {pages}.")
    lines.append(f"Load average (1 min) after each size: {loads}. Target: growth at most {GROWTH_TARGET} for every "
                 f"read, create-order at least {THROUGHPUT_TARGET:.0%} of the empty database's."
                 + (f" Misses: {', '.join(misses)}." if misses else ""))
    return "\n".join(lines)


def main() -> None:
    """Prints the table; the sweeper's scans are measured in the pages they read (EXPLAIN ANALYZE's buffers)."""
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
