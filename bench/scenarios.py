"""The measurements (a)–(e). Each takes a running BenchStack and returns a dict of figures."""
from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

import psycopg

from backend.config import Config
from bench.cpu import CpuMeter
from bench.loadgen import burst, run_python, run_wrk
from harness.receiver import Receiver
from harness.stack import MERCHANT_HEADERS, PG_ADMIN_URL, Stack, Stores, free_port

ORDER_BODY = {"amount": 50000, "receipt": "bench"}
# The production sweeper (backend/config.py defaults), not the harness's fast test values.
PRODUCTION_SWEEPER = {"SWEEP_INTERVAL": "5", "SWEEP_GRACE": "30"}


class BenchStack(Stack):
    """The harness's stack, with the consumer's thread count as a parameter and the ceiling app on demand."""

    def __init__(self, stores: Stores, consumer_threads: int | None = None, **env: str):
        self.consumer_threads = consumer_threads
        # Production's connection pools: the harness gives test stacks small ones to fit the shared server,
        # and with 2 a busy API opened and closed a connection for most requests.
        env.setdefault("DATABASE_POOL_SIZE", str(Config.database_pool_size))
        super().__init__(stores, **env)

    def _spawn(self, name: str, argv: list[str], extra_env: dict[str, str] | None = None):
        # The harness's own command lines; only the consumer's thread count (-w) may be varied.
        if name == "worker" and self.consumer_threads is not None:
            argv = list(argv)
            argv[argv.index("-w") + 1] = str(self.consumer_threads)
        return super()._spawn(name, argv, extra_env)

    def command(self, name: str) -> str:
        return " ".join(Path(str(a)).name if i == 0 else str(a) for i, a in enumerate(self.procs[name].args))

    def start_ceiling(self, merchant_id: str) -> str:
        port = free_port()
        # The API's own server and settings (workers, threads, access log ...), with our port and app.
        argv = list(self.procs["api"].args) + ["bench.ceiling:create"]
        self._spawn("ceiling", argv, {"BENCH_MERCHANT_ID": merchant_id, "PORT": str(port),
                                      "API_WORKERS": str(self.api_workers)})
        url = f"http://127.0.0.1:{port}"
        self._wait_http(url + "/", "ceiling")
        return url

    def db(self) -> psycopg.Connection:
        return psycopg.connect(self.stores.env["DATABASE_URL"], autocommit=True)

    def pending_payments(self) -> int:
        return self.api("GET", "/api/v1/payments?status=pending&limit=1").json()["total"]


def _pct(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


# ---------- (a) + (b) ----------

API_ROUNDS = 7  # alternating rounds per concurrency: single rounds swing with the machine's other load


def api_vs_ceiling(stack: BenchStack, wrk: str | None, seconds: float, concurrencies=(8, 32),
                   rounds: int = API_ROUNDS) -> dict:
    """Our create-order against the ceiling, in `rounds` alternating runs per concurrency (this machine is
    shared, so the load from others drifts: pairs close in time, the median ratio). Besides req/s and
    latency, the CPU each side spent per request: its server processes plus its PostgreSQL backends."""
    merchant_id = stack.api("GET", "/api/v1/merchant").json()["id"]
    ceiling_url = stack.start_ceiling(merchant_id)
    targets = {"api": (stack.api_url, "/api/v1/orders", MERCHANT_HEADERS, stack.procs["api"].pid),
               "ceiling": (ceiling_url, "/orders", {}, stack.procs["ceiling"].pid)}

    def load(which: str, concurrency: int, secs: float) -> dict:
        base, path, headers, root = targets[which]
        meter = CpuMeter(root, PG_ADMIN_URL, stack.stores.db_name)
        meter.start()
        if wrk:
            result = run_wrk(wrk, base + path, ORDER_BODY, headers, concurrency, secs)
        else:
            result = run_python(base, path, ORDER_BODY, headers, concurrency, secs)
        app_s, db_s = meter.stop()
        ok = max(1, result.requests - result.errors)
        return {**result.as_dict(), "app_cpu_ms_per_req": app_s * 1000 / ok, "db_cpu_ms_per_req": db_s * 1000 / ok}

    for which in targets:  # warm-up: connection pools, imports, first-request paths
        load(which, 8, 2)
    out: dict = {"tool": "wrk" if wrk else "python-threads", "seconds_per_run": seconds / rounds, "rounds": rounds,
                 "api_command": stack.command("api"), "ceiling_command": stack.command("ceiling"),
                 "loadavg_before": os.getloadavg(), "runs": {}}
    for c in concurrencies:
        per = {"api": [], "ceiling": []}
        for i in range(rounds):
            order = ("api", "ceiling") if i % 2 == 0 else ("ceiling", "api")
            for which in order:
                per[which].append(load(which, c, seconds / rounds))
        run = {which: _combine(runs) for which, runs in per.items()}
        run["ratio"] = statistics.median(a["rps"] / b["rps"] for a, b in zip(per["api"], per["ceiling"]) if b["rps"])
        run["ratio_rounds"] = [round(a["rps"] / b["rps"], 3) for a, b in zip(per["api"], per["ceiling"]) if b["rps"]]
        run["cpu_ratio"] = ((run["ceiling"]["app_cpu_ms_per_req"] + run["ceiling"]["db_cpu_ms_per_req"]) /
                            (run["api"]["app_cpu_ms_per_req"] + run["api"]["db_cpu_ms_per_req"]))
        out["runs"][str(c)] = run
        api, ceiling = run["api"], run["ceiling"]
        print(f"  c={c:<3} api {api['rps']:6.0f} req/s p50 {api['p50_ms']:6.1f} ms p99 {api['p99_ms']:6.1f} ms, "
              f"CPU {api['app_cpu_ms_per_req']:.2f}+{api['db_cpu_ms_per_req']:.2f} ms/req (errors {api['errors']}) | "
              f"ceiling {ceiling['rps']:6.0f} req/s p50 {ceiling['p50_ms']:5.1f} ms p99 {ceiling['p99_ms']:5.1f} ms, "
              f"CPU {ceiling['app_cpu_ms_per_req']:.2f}+{ceiling['db_cpu_ms_per_req']:.2f} ms/req "
              f"(errors {ceiling['errors']}) | ratio {run['ratio']:.2f} (rounds {run['ratio_rounds']}), "
              f"CPU-cost ratio {run['cpu_ratio']:.2f}", flush=True)
    out["loadavg_after"] = os.getloadavg()
    stack.kill("ceiling")
    return out


def _combine(runs: list[dict]) -> dict:
    """Requests/s pooled over the rounds; latency percentiles as the median of the rounds'."""
    requests, errors, secs = (sum(r[k] for r in runs) for k in ("requests", "errors", "seconds"))
    ok = max(1, requests - errors)
    return {"rps": (requests - errors) / secs, "requests": requests, "errors": errors, "seconds": secs,
            "p50_ms": statistics.median(r["p50_ms"] for r in runs),
            "p99_ms": statistics.median(r["p99_ms"] for r in runs),
            "app_cpu_ms_per_req": sum(r["app_cpu_ms_per_req"] * max(1, r["requests"] - r["errors"]) for r in runs) / ok,
            "db_cpu_ms_per_req": sum(r["db_cpu_ms_per_req"] * max(1, r["requests"] - r["errors"]) for r in runs) / ok,
            "tool": runs[0]["tool"], "concurrency": runs[0]["concurrency"]}


# ---------- payments: (c) and (d) ----------

def _create_orders(stack: BenchStack, n: int) -> list[str]:
    res = burst(stack.api_url, MERCHANT_HEADERS, "POST", [("/api/v1/orders", ORDER_BODY)] * n, 32)
    ids = [data["id"] for status, data, *_ in res if status == 201]
    assert len(ids) == n, f"only {len(ids)} of {n} orders created"
    return ids


def _payment_burst(stack: BenchStack, order_ids: list[str], concurrency: int, timeout: float) -> dict:
    """Create one UPI payment per order, `concurrency` at a time, and wait until none is pending."""
    import threading

    box: dict = {}
    meter = CpuMeter([stack.procs["api"].pid, stack.procs["worker"].pid], PG_ADMIN_URL, stack.stores.db_name)
    meter.start()
    cpu0 = time.process_time()
    t0 = time.monotonic()
    sender = threading.Thread(target=lambda: box.update(res=burst(
        stack.api_url, MERCHANT_HEADERS, "POST",
        [("/api/v1/payments", {"order_id": o, "method": "upi", "vpa": "success@test"}) for o in order_ids],
        concurrency, timeout)), daemon=True)
    sender.start()
    final_at = None
    deadline = t0 + timeout
    server_cpu = None
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if not sender.is_alive() and server_cpu is None:
            server_cpu = meter.stop()  # API + worker, and the database, while the payments were being created
        if not sender.is_alive() and stack.pending_payments() == 0:
            final_at = time.monotonic()
            break
    sender.join(5)
    res = box.get("res", [])
    created = [data["id"] for status, data, *_ in res if status == 201]
    create_ends = [r[3] for r in res if r[0] == 201]
    create_seconds = (max(create_ends) - t0) if create_ends else None
    out = {"payments": len(order_ids), "created": len(created), "create_seconds": create_seconds,
           "creates_per_second": len(created) / create_seconds if create_seconds else 0.0,
           "client_cpu_seconds": time.process_time() - cpu0,
           # CPU the gateway (API + worker processes, and PostgreSQL) spent per payment while they were created;
           # the 2 cores it has would carry at most cores / that many creates per second if nothing else ran.
           "server_cpu_ms_per_create": (sum(server_cpu) * 1000 / len(created)) if server_cpu and created else None,
           "all_final_seconds": (final_at - t0) if final_at else None,
           "final_after_last_create_seconds": (final_at - max(create_ends)) if final_at and create_ends else None}
    out.update(_server_side(stack, created))
    return out


def _server_side(stack: BenchStack, payment_ids: list[str]) -> dict:
    """From the database: how late the worker applied each outcome after it was due, and create-to-final."""
    if not payment_ids:
        return {}
    with stack.db() as conn:
        rows = conn.execute(
            "SELECT status, EXTRACT(EPOCH FROM updated_at - created_at), EXTRACT(EPOCH FROM updated_at - ready_at)"
            " FROM payments WHERE id = ANY(%s)", (payment_ids,)).fetchall()
    finals = [r for r in rows if r[0] != "pending"]
    lateness = sorted(float(r[2]) for r in finals)
    c2f = sorted(float(r[1]) for r in finals)
    return {"statuses": {s: sum(1 for r in rows if r[0] == s) for s in {r[0] for r in rows}},
            "server_create_to_final_p50_ms": _pct(c2f, 50) * 1000 if c2f else None,
            "server_lateness_after_due_p50_ms": _pct(lateness, 50) * 1000 if lateness else None,
            "server_lateness_after_due_p99_ms": _pct(lateness, 99) * 1000 if lateness else None,
            "server_lateness_after_due_max_ms": lateness[-1] * 1000 if lateness else None}


def production_burst(stack: BenchStack, n: int = 1000, concurrency: int = 32) -> dict:
    """(c): n payments at once with the production delays (5–10 s); time until all are final."""
    order_ids = _create_orders(stack, n)
    out = _payment_burst(stack, order_ids, concurrency, timeout=90)
    print(f"  {out['created']} payments created in {out['create_seconds'] or float('nan'):.1f} s "
          f"({out['creates_per_second']:.0f}/s; gateway CPU {out['server_cpu_ms_per_create'] or 0:.1f} ms per create, "
          f"client CPU {out['client_cpu_seconds']:.1f} s), all final after "
          f"{out['all_final_seconds'] or float('nan'):.1f} s; outcome applied p50 "
          f"{out.get('server_lateness_after_due_p50_ms') or 0:.0f} ms / max "
          f"{out.get('server_lateness_after_due_max_ms') or 0:.0f} ms after due", flush=True)
    return out


def zero_delay(stack: BenchStack, n: int = 500, singles: int = 40, concurrency: int = 32) -> dict:
    """(d): TEST_PROCESSING_DELAY=0: payments/s from create to final, and one payment's create-to-final p50."""
    order_ids = _create_orders(stack, n + singles)
    out = _payment_burst(stack, order_ids[:n], concurrency, timeout=90)
    out["payments_per_second"] = n / out["all_final_seconds"] if out["all_final_seconds"] else 0.0
    print(f"  {n} payments: created in {out['create_seconds'] or float('nan'):.1f} s, all final after "
          f"{out['all_final_seconds'] or float('nan'):.1f} s = {out['payments_per_second']:.0f} payments/s", flush=True)

    from bench.loadgen import Client

    client = Client(stack.api_url, MERCHANT_HEADERS)
    latencies, ids = [], []
    try:
        for order_id in order_ids[n:]:
            t0 = time.perf_counter()
            status, p = client.request("POST", "/api/v1/payments",
                                       {"order_id": order_id, "method": "upi", "vpa": "success@test"})
            assert status == 201, p
            ids.append(p["id"])
            deadline = time.monotonic() + 10
            while p["status"] == "pending" and time.monotonic() < deadline:
                time.sleep(0.002)
                _, p = client.request("GET", f"/api/v1/payments/{p['id']}")
            if p["status"] != "pending":
                latencies.append((time.perf_counter() - t0) * 1000)
            time.sleep(0.05)
    finally:
        client.close()
    server = _server_side(stack, ids)
    out["single"] = {"count": len(latencies), "p50_ms": _pct(latencies, 50), "p90_ms": _pct(latencies, 90),
                     "max_ms": max(latencies) if latencies else None,
                     "server_create_to_final_p50_ms": server.get("server_create_to_final_p50_ms")}
    print(f"  single payment create-to-final: p50 {out['single']['p50_ms']:.1f} ms, p90 "
          f"{out['single']['p90_ms']:.1f} ms (server-side p50 "
          f"{out['single']['server_create_to_final_p50_ms'] or float('nan'):.1f} ms)", flush=True)
    return out


# ---------- (e) webhooks ----------

def _timeline(times: list[float], bucket: float) -> list[int]:
    if not times:
        return []
    counts = [0] * (int((times[-1] - times[0]) / bucket) + 1)
    for t in times:
        counts[int((t - times[0]) / bucket)] += 1
    return counts


def webhooks(stack: BenchStack, fast_n: int = 400, slow_n: int = 80, slow_delay: float = 2.0) -> dict:
    """Deliveries/s to a local receiver answering at once, then after `slow_delay` s, and the most in flight.

    The events are queued while the consumer is stopped, then the consumer starts and drains the backlog,
    so the figure is the worker's delivery rate, not the API's event-creation rate."""
    receiver = Receiver(keep_alive=True)
    out: dict = {"worker_command": stack.command("worker")}
    try:
        r = stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": receiver.url + "/hook"})
        assert r.status_code == 200, r.text
        for label, delay, n in (("fast", 0.0, fast_n), ("slow", slow_delay, slow_n)):
            receiver.reset(delay)
            stack.kill("worker")
            res = burst(stack.api_url, MERCHANT_HEADERS, "POST", [("/api/v1/merchant/webhook/test", None)] * n, 8)
            queued = sum(1 for status, *_ in res if status in (200, 201, 202))
            order_id = stack.create_order()["id"] if delay else None
            stack.start_worker(wait=False)
            deadline = time.monotonic() + 60 + n * delay / 4
            payment_ms = None
            if order_id:  # a payment made while the worker drains deliveries to the slow receiver
                while receiver.count() == 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
                t0 = time.monotonic()
                payment = stack.pay_upi(order_id)
                while payment["status"] == "pending" and time.monotonic() < deadline:
                    time.sleep(0.05)
                    payment = stack.api("GET", f"/api/v1/payments/{payment['id']}").json()
                payment_ms = (time.monotonic() - t0) * 1000 if payment["status"] != "pending" else None
            expected = queued + (3 if order_id else 0)  # the payment's created, pending and success events
            while receiver.count() < expected and time.monotonic() < deadline:
                time.sleep(0.05)
            arrivals = list(receiver.arrivals)
            span = (arrivals[-1] - arrivals[0] + delay) if arrivals else 0.0
            out[label] = {"receiver_delay_s": delay, "queued": expected, "delivered": len(arrivals),
                          "deliveries_per_second": len(arrivals) / span if span else 0.0,
                          "max_in_flight": receiver.max_in_flight, "drain_seconds": span,
                          "arrivals_per_half_second": _timeline(arrivals, 0.5)}
            if order_id:
                out[label]["payment_create_to_final_ms_during_drain"] = payment_ms
            time.sleep(delay + 0.5)  # let the last answers be recorded
            print(f"  receiver {label} ({delay:g} s): {len(arrivals)}/{expected} delivered, "
                  f"{out[label]['deliveries_per_second']:.1f} deliveries/s, max {receiver.max_in_flight} in flight"
                  + (f"; a zero-delay payment made meanwhile took {payment_ms or float('nan'):.0f} ms to be final"
                     if order_id else ""),
                  flush=True)
        with stack.db() as conn:
            out["log_statuses"] = dict(conn.execute(
                "SELECT status, count(*) FROM webhook_logs GROUP BY status").fetchall())
            out["logs_with_more_than_one_attempt"] = conn.execute(
                "SELECT count(*) FROM webhook_logs WHERE attempts > 1").fetchone()[0]
    finally:
        try:
            stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": None})
        except Exception:
            pass
        receiver.close()
    return out
