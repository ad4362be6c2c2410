"""(f) Scale-out: payments per second end to end with 1, 2 and 4 worker processes and 1 and 2 API processes
(API server workers), and the CPU each step costs (an API request, a payment job, a webhook delivery), from
which the per-core capacity of each step follows.

Every figure is measured in this run against this run's baseline (1 API process, 1 worker process) and
printed as a ratio of it; the machine is shared, so `os.getloadavg()` is printed beside the figures. The
load generator runs on the same cores, which is one reason the curve flattens early here.
"""
from __future__ import annotations

import os
import time

from bench.cpu import CpuMeter
from bench.loadgen import burst
from harness.receiver import Receiver
from bench.scenarios import PRODUCTION_SWEEPER, BenchStack, _create_orders
from harness.stack import MERCHANT_HEADERS, PG_ADMIN_URL, Stores

API_PROCESSES = (1, 2)
WORKER_PROCESSES = (1, 2, 4)
PAYMENTS = 300  # per configuration: enough for a rate, short enough to run the grid in about a minute


class ScaleStack(BenchStack):
    """The harness's stack with `workers` consumer processes (the harness's own command line each)."""

    def __init__(self, stores: Stores, api_workers: int, workers: int, **env: str):
        super().__init__(stores, api_workers=api_workers, **PRODUCTION_SWEEPER, TEST_MODE="true",
                         TEST_PROCESSING_DELAY="0", **env)
        for i in range(2, workers + 1):
            self._spawn(f"worker{i}", list(self.procs["worker"].args))

    def worker_pids(self) -> list[int]:
        return [p.pid for name, p in self.procs.items() if name.startswith("worker")]

    def stop_workers(self) -> None:
        for name in [n for n in self.procs if n.startswith("worker")]:
            self.kill(name)


def _wait_final(stack: ScaleStack, timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if stack.pending_payments() == 0:
            return time.monotonic()
        time.sleep(0.05)
    return None


def _pay(stack: ScaleStack, order_ids: list[str], concurrency: int = 16) -> int:
    res = burst(stack.api_url, MERCHANT_HEADERS, "POST",
                [("/api/v1/payments", {"order_id": o, "method": "upi", "vpa": "success@test"}) for o in order_ids],
                concurrency, 120)
    return sum(1 for status, *_ in res if status == 201)


def throughput(stores: Stores, api_workers: int, workers: int, n: int = PAYMENTS) -> dict:
    stack = ScaleStack(stores, api_workers, workers)
    try:
        order_ids = _create_orders(stack, n)
        time.sleep(1)  # every extra consumer connected
        t0 = time.monotonic()
        created = _pay(stack, order_ids)
        final_at = _wait_final(stack, 120)
        seconds = (final_at - t0) if final_at else None
        return {"api_processes": api_workers, "worker_processes": workers, "payments": created,
                "seconds": seconds, "payments_per_second": created / seconds if seconds else 0.0,
                "loadavg": os.getloadavg()}
    finally:
        stack.close()


def step_costs(stores: Stores, n: int = PAYMENTS, deliveries: int = 200) -> dict:
    """CPU per step, one step at a time on 1 API + 1 worker process: payment creates with no worker
    running; then the worker alone settling them; then deliveries of queued test events to a receiver."""
    stack = ScaleStack(stores, 1, 1)
    receiver = Receiver(keep_alive=True)
    out: dict = {}
    try:
        order_ids = _create_orders(stack, n)
        stack.stop_workers()
        meter = CpuMeter(stack.procs["api"].pid, PG_ADMIN_URL, stores.db_name)
        meter.start()
        created = _pay(stack, order_ids)
        app_s, db_s = meter.stop()
        out["api_request"] = {"count": created, "app_ms": app_s * 1000 / created, "db_ms": db_s * 1000 / created}

        proc = stack.start_worker(wait=False)
        meter = CpuMeter(proc.pid, PG_ADMIN_URL, stores.db_name)
        meter.start()
        _wait_final(stack, 120)
        app_s, db_s = meter.stop()
        # What a worker process spends on start-up (imports, app) is not a payment's: measured and taken off.
        idle = _idle_worker_cpu(stack, stores)
        out["payment_job"] = {"count": created, "app_ms": max(0.0, app_s - idle) * 1000 / created,
                              "db_ms": db_s * 1000 / created, "worker_start_cpu_s": idle}

        assert stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": receiver.url + "/hook"}).status_code == 200
        stack.stop_workers()
        burst(stack.api_url, MERCHANT_HEADERS, "POST", [("/api/v1/merchant/webhook/test", None)] * deliveries, 8)
        proc = stack.start_worker(wait=False)
        meter = CpuMeter(proc.pid, PG_ADMIN_URL, stores.db_name)
        meter.start()
        deadline = time.monotonic() + 120
        while receiver.count() < deliveries and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)  # the last attempts recorded
        app_s, db_s = meter.stop()
        got = max(1, receiver.count())
        out["delivery"] = {"count": receiver.count(), "app_ms": max(0.0, app_s - idle) * 1000 / got,
                           "db_ms": db_s * 1000 / got}
        stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": None})
    finally:
        receiver.close()
        stack.close()
    for step in out.values():
        total = step["app_ms"] + step["db_ms"]
        step["total_ms"] = total
        step["per_core_per_second"] = 1000 / total if total else None
    return out


def _idle_worker_cpu(stack: ScaleStack, stores: Stores) -> float:
    """CPU a consumer process spends from start to its first heartbeat with no work: start-up cost."""
    stack.stop_workers()
    proc = stack.start_worker(wait=False)
    meter = CpuMeter(proc.pid, PG_ADMIN_URL, stores.db_name)
    meter.start()
    stack.wait_until(lambda: stack.health().get("worker") == "running", 60, "worker heartbeat")
    time.sleep(1)
    return meter.stop()[0]


def run(n: int = PAYMENTS) -> dict:
    stores = Stores("postgres")
    try:
        grid = []
        for api_workers in API_PROCESSES:
            for workers in WORKER_PROCESSES:
                row = throughput(stores, api_workers, workers, n)
                grid.append(row)
                print(f"  {api_workers} API x {workers} worker processes: {row['payments']} payments in "
                      f"{row['seconds'] or float('nan'):.2f} s = {row['payments_per_second']:.0f}/s "
                      f"(load {row['loadavg'][0]:.1f})", flush=True)
        base = grid[0]["payments_per_second"] or float("nan")
        for row in grid:
            row["ratio_to_1x1"] = row["payments_per_second"] / base
        costs = step_costs(stores, n)
        for name, step in costs.items():
            print(f"  {name}: {step['app_ms']:.2f} ms app + {step['db_ms']:.2f} ms PostgreSQL CPU = "
                  f"{step['per_core_per_second'] or 0:.0f} per core-second", flush=True)
        return {"payments_per_config": n, "grid": grid, "costs": costs, "cpus": os.cpu_count()}
    finally:
        stores.close()
