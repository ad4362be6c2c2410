"""A killed worker and a lost queue delay payments but never lose them (DESIGN rule 1)."""

import sqlite3
import time

import pytest

from tests.stack import REDIS_URL, Stack


def flush_queue(stack: Stack) -> None:
    """Forget every queued and scheduled job, as a restarted Redis without persistence would."""
    if "REDIS_URL" in stack.stores.env:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
    else:
        path = stack.stores.env["HUEY_SQLITE_PATH"]
        with sqlite3.connect(path) as conn:
            for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
                conn.execute(f'DELETE FROM "{table}"')


@pytest.mark.slow
def test_kill_dash_nine_and_flushed_queue_lose_nothing():
    s = Stack(TEST_PROCESSING_DELAY="1500")
    try:
        orders = [s.create_order(1000 + i) for i in range(10)]
        payments = [s.pay_upi(o["id"], "success@test") for o in orders]
        s.kill("worker")  # SIGKILL: jobs it held are gone
        flush_queue(s)  # and so is everything still queued or scheduled
        time.sleep(2)  # the payments are now overdue
        assert all(s.api("GET", f"/api/v1/payments/{p['id']}").json()["status"] == "pending" for p in payments)
        assert s.health()["worker"] in ("running", "stopped")
        s.start_worker()
        finals = [s.wait_payment(p["id"], timeout=30) for p in payments]
        assert [f["status"] for f in finals] == ["success"] * 10
        assert "sweeper:" in s.log_text("worker")
    finally:
        s.close()


@pytest.mark.slow
def test_kill_during_processing_is_picked_up_again():
    s = Stack(TEST_PROCESSING_DELAY="0")
    try:
        s.kill("worker")
        payments = [s.pay_upi(s.create_order()["id"], "success@test") for _ in range(5)]
        flush_queue(s)
        s.start_worker()
        assert {s.wait_payment(p["id"], timeout=30)["status"] for p in payments} == {"success"}
    finally:
        s.close()


def test_worker_stopped_shows_in_health():
    s = Stack(SWEEP_INTERVAL="1")
    try:
        assert s.health()["worker"] == "running"
        s.kill("worker")
        flush_queue(s)  # the heartbeat lives in the queue store; rather than wait out its 30 s TTL
        status = s.health()
        assert status["worker"] == "stopped" and status["status"] == "unhealthy"
        assert s.api("GET", "/api/v1/test/jobs/status", auth=False).json()["worker_status"] == "stopped"
    finally:
        s.close()


