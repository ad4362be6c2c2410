"""Outages are 503s and delays, never bugs or lost work: Redis stopped, PostgreSQL stopped, a killed worker.

Each store that is stopped here is the test's own (harness/servers.py), never the shared one.
"""
from __future__ import annotations

import os
import signal
import time

import pytest

from harness.servers import OwnPostgres, OwnRedis
from harness.stack import Stack, Stores, backend_kind

OUTAGE_START, OUTAGE_END = "unreachable (", "reachable again after"


def _wait_worker(stack: Stack, status: str, timeout: float) -> float:
    start = time.monotonic()
    stack.wait_until(lambda: stack.health().get("worker") == status, timeout, f"worker {status}", interval=0.1)
    return time.monotonic() - start


def test_worker_reads_stopped_within_5_s_of_kill_9(stack):
    _wait_worker(stack, "running", 30)
    stack.kill("worker", signal.SIGKILL)
    elapsed = _wait_worker(stack, "stopped", 10)
    assert elapsed <= 5.0, f"worker still read running {elapsed:.1f} s after kill -9"
    assert stack.api("GET", "/api/v1/test/jobs/status", auth=False).json()["worker_status"] == "stopped"
    stack.start_worker()  # waits for `running` again


def test_payments_commit_while_redis_is_stopped_and_finish_once_it_is_back():
    redis = OwnRedis()
    stack = Stack(Stores(), api_workers=1, worker_threads=4, REDIS_URL=redis.url, QUEUE_NAME="outage")
    try:
        first = stack.pay_upi(stack.create_order()["id"])
        stack.wait_payment(first["id"])
        redis.stop()
        health = stack.api("GET", "/health", auth=False)
        assert health.status_code == 503 and health.json()["redis"] == "disconnected"
        assert set(health.json()) == {"status", "database", "redis", "worker", "timestamp"}
        created = []
        for _ in range(5):
            order = stack.create_order()
            started = time.monotonic()
            created.append(stack.pay_upi(order["id"]))  # asserts 201
            assert time.monotonic() - started < 3.0  # no waiting on the dead queue's timeouts
        assert all(p["status"] == "pending" for p in created)
        redis.start()
        for payment in created:
            assert stack.wait_payment(payment["id"], timeout=40)["status"] == "success"
        assert stack.api("GET", "/health", auth=False).status_code == 200

        # A hung Redis (it accepts connections and never answers): the client's timeouts bound the wait.
        os.kill(redis.proc.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            hung = stack.pay_upi(stack.create_order()["id"])
            assert time.monotonic() - started < 3.0 + 1.0 + 2.0  # the socket timeout, not the kernel's
        finally:
            os.kill(redis.proc.pid, signal.SIGCONT)
        assert stack.wait_payment(hung["id"], timeout=40)["status"] == "success"
        log = stack.log_text("api")
        assert log.count(f"queue {OUTAGE_START}") == 2 and log.count(f"queue {OUTAGE_END}") >= 1, log[-3000:]
        assert "Traceback" not in log and " ERROR " not in log
    finally:
        stack.close()
        redis.close()


@pytest.mark.skipif(backend_kind() != "postgres", reason="the PostgreSQL case; SQLite's is tests/api/test_outages.py")
def test_postgres_stopped_is_503_and_the_worker_reads_stopped_until_it_is_back():
    pg = OwnPostgres()
    stack = Stack(Stores("postgres", pg_admin_url=pg.admin_url), api_workers=1, worker_threads=4)
    try:
        order = stack.create_order()
        pg.stop()
        for method, path, body in (("GET", f"/api/v1/orders/{order['id']}", None),
                                   ("POST", "/api/v1/orders", {"amount": 1000}),
                                   ("GET", f"/api/v1/orders/{order['id']}/public", None)):
            r = stack.api(method, path, body, auth=not path.endswith("/public"))
            assert r.status_code == 503, (path, r.text)
            assert r.json() == {"error": {"code": "SERVICE_UNAVAILABLE",
                                          "description": r.json()["error"]["description"]}}
            assert r.headers["Retry-After"].isdigit() and r.headers["Content-Type"] == "application/json"
        health = stack.api("GET", "/health", auth=False)
        assert health.status_code == 503 and health.json()["database"] == "disconnected"
        _wait_worker(stack, "stopped", 6)  # alive, but it cannot reach the database: not `running`
        pg.start()
        _wait_worker(stack, "running", 30)
        assert stack.api("GET", f"/api/v1/orders/{order['id']}").status_code == 200
        stack.wait_payment(stack.pay_upi(order["id"])["id"])
        log = stack.log_text("api")
        assert log.count(f"database {OUTAGE_START}") == 1 and log.count(f"database {OUTAGE_END}") == 1, log[-3000:]
        assert "Traceback" not in log and " ERROR " not in log
        worker_log = stack.log_text("worker")
        assert f"database {OUTAGE_START}" in worker_log and "Traceback" not in worker_log, worker_log[-3000:]
    finally:
        stack.close()
        pg.close()
