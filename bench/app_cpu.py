"""`python -m bench.app_cpu`: the app's own CPU per request, in one process, with no server and no client:
PayGate's served WSGI app (backend/serving.py over create_app) and the ceiling's (bench/ceiling.py) over one
fresh PostgreSQL database, each request a call of the WSGI callable with an environ built once, in
alternating rounds; the median of each side's CPU microseconds per request and their ratio.

What a loaded, shared machine disturbs least (the wall clock of a wrk run moves with everyone's load; the
CPU one thread spends on a request hardly does), so it says where the API's cost goes between bench runs.
`--profile NAME` runs one scenario of ours under cProfile and prints the top of it.

    .venv/bin/python -m bench.app_cpu [--requests 2000] [--rounds 5] [--profile create_order]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import time
from typing import Callable, Iterator

from werkzeug.test import EnvironBuilder

from harness.stack import DEFAULT_ENV, MERCHANT_HEADERS, Stores

ORDER_BODY = {"amount": 50000, "receipt": "bench"}


def _environ(method: str, path: str, headers: dict[str, str], body: dict | None = None) -> dict:
    builder = EnvironBuilder(path=path, method=method, headers=headers,
                             data=None if body is None else json.dumps(body, separators=(",", ":")),
                             content_type=None if body is None else "application/json")
    try:
        env = builder.get_environ()
    finally:
        builder.close()
    env["REMOTE_ADDR"] = "127.0.0.1"
    return env


def _call(app: Callable, base: dict, body: bytes | None = None) -> int:
    env = dict(base)
    if body is not None:
        env["wsgi.input"] = io.BytesIO(body)
        env["CONTENT_LENGTH"] = str(len(body))
    elif "wsgi.input" in base:
        env["wsgi.input"] = io.BytesIO(b"")
    status = []

    def start_response(s, h, exc_info=None):
        status.append(s)

    out = app(env, start_response)
    for _ in out:
        pass
    if hasattr(out, "close"):
        out.close()
    return int(status[0].split()[0])


class Side:
    """One app's four scenarios, each a function running n requests."""

    def __init__(self, app: Callable, prefix: str, headers: dict[str, str], order_id: str, pay_ids: Iterator[str]):
        self.app = app
        self.create = _environ("POST", f"{prefix}/orders", headers, ORDER_BODY)
        self.create_body = json.dumps(ORDER_BODY, separators=(",", ":")).encode()
        self.get = _environ("GET", f"{prefix}/orders/{order_id}", headers)
        self.pay = _environ("POST", f"{prefix}/payments", headers, {"order_id": order_id})
        self.pay_ids = pay_ids

    def scenario(self, name: str) -> Callable[[int], None]:
        def create_order(n):
            for _ in range(n):
                assert _call(self.app, self.create, self.create_body) == 201

        def get_order(n):
            for _ in range(n):
                assert _call(self.app, self.get) == 200

        def create_payment(n):
            for _ in range(n):
                body = b'{"order_id":"%s","method":"upi","vpa":"success@test"}' % next(self.pay_ids).encode()
                assert _call(self.app, self.pay, body) == 201

        return {"create_order": create_order, "get_order": get_order, "create_payment": create_payment}[name]


SCENARIOS = ("create_order", "get_order", "create_payment")


def _seed_orders(conn, merchant_id: str, tag: str, n: int) -> list[str]:
    rows = conn.execute(
        "INSERT INTO orders (id, merchant_id, amount, currency, receipt, notes, status, created_at, updated_at)"
        " SELECT 'order_' || %s || lpad(g::text, 10, '0'), %s, 50000, 'INR', 'bench', '{}', 'created',"
        " now(), now() FROM generate_series(1, %s) g RETURNING id", (tag, merchant_id, n)).fetchall()
    return [r[0] for r in rows]


def _cpu_us(run: Callable[[int], None], n: int) -> float:
    start, wall = time.thread_time(), time.perf_counter()
    run(n)
    cpu, wall = time.thread_time() - start, time.perf_counter() - wall
    _walls.append(wall / n * 1e6)
    return cpu / n * 1e6


_walls: list[float] = []


def build(stores: Stores, pay_orders: int) -> tuple[Side, Side]:
    import psycopg

    os.environ.update(DEFAULT_ENV)
    os.environ.update(stores.env)
    os.environ["DATABASE_POOL_SIZE"] = "10"  # production's pools (the harness's 2 would reconnect)
    from backend import create_app
    from backend.serving import prepare

    api = create_app(migrations=False, configure_logging=False)
    client = api.test_client()
    merchant_id = client.get("/api/v1/merchant", headers=MERCHANT_HEADERS).get_json()["id"]
    order_id = client.post("/api/v1/orders", json=ORDER_BODY, headers=MERCHANT_HEADERS).get_json()["id"]
    with psycopg.connect(stores.env["DATABASE_URL"], autocommit=True) as conn:
        ours_pay = _seed_orders(conn, merchant_id, "benchA", pay_orders)
        theirs_pay = _seed_orders(conn, merchant_id, "benchB", pay_orders)
    os.environ["BENCH_MERCHANT_ID"] = merchant_id
    from bench import ceiling

    ours = Side(prepare(api), "/api/v1", MERCHANT_HEADERS, order_id, iter(ours_pay))
    ours.flask_app = api
    # Both as the server runs them: behind backend/serving.py's refusals (ceiling.create is its factory).
    return ours, Side(ceiling.create(), "", {}, order_id, iter(theirs_pay))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=SCENARIOS, action="append")
    parser.add_argument("--profile", choices=SCENARIOS)
    parser.add_argument("--spin", choices=SCENARIOS, help="only run this scenario (for an outside profiler)")
    parser.add_argument("--ceiling", action="store_true", help="--spin/--profile the ceiling's side")
    parser.add_argument("--sort", default="tottime")
    parser.add_argument("--lines", type=int, default=45)
    args = parser.parse_args()
    n, rounds = args.requests, args.rounds
    stores = Stores("postgres")
    try:
        ours, theirs = build(stores, pay_orders=n * (rounds + 1) + n + 10)
        if args.spin:
            (theirs if args.ceiling else ours).scenario(args.spin)(n)
            return
        if args.profile:
            import cProfile
            import pstats

            run = (theirs if args.ceiling else ours).scenario(args.profile)
            run(min(n, 300))  # warm
            prof = cProfile.Profile(time.thread_time)
            prof.runcall(run, n)
            pstats.Stats(prof).sort_stats(args.sort).print_stats(args.lines)
            return
        print(f"load average {os.getloadavg()[0]:.1f}; {n} requests per round, {rounds} rounds", flush=True)
        for name in args.only or SCENARIOS:
            a, b = ours.scenario(name), theirs.scenario(name)
            a(min(n, 200)), b(min(n, 200))  # warm-up: pools, first-request paths
            us = {"api": [], "ceiling": []}
            for i in range(rounds):
                for which in (("api", "ceiling") if i % 2 == 0 else ("ceiling", "api")):
                    us[which].append(_cpu_us(a if which == "api" else b, n))
            ratios = [c / p for p, c in zip(us["api"], us["ceiling"])]
            walls = _walls[-2 * rounds:]
            print(f"    wall us per request: {[round(w) for w in walls]}")
            print(f"  {name:<15} api {statistics.median(us['api']):7.0f} us | ceiling "
                  f"{statistics.median(us['ceiling']):6.0f} us | ceiling/api {statistics.median(ratios):.2f} "
                  f"{[round(r, 2) for r in ratios]} | load {os.getloadavg()[0]:.1f}", flush=True)
    finally:
        stores.close()


if __name__ == "__main__":
    main()
