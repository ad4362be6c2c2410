"""A killed worker and a lost queue delay payments but never lose them (ARCHITECTURE.md rule 1)."""

import time

import pytest

from harness.stack import Stack


def flush_queue(stack: Stack) -> None:
    stack.stores.flush_queue()


@pytest.mark.slow
def test_kill_dash_nine_and_flushed_queue_lose_nothing():
    # Longer than making the 20 objects below takes on a loaded machine (at 1.5 s, at load average 27, the
    # worker settled the first payments before it was killed): every job is still held when it dies.
    delay = 5.0
    s = Stack(api_workers=1, TEST_PROCESSING_DELAY=str(int(delay * 1000)))
    try:
        orders = [s.create_order(1000 + i) for i in range(10)]
        started = time.monotonic()
        payments = [s.pay_upi(o["id"], "success@test") for o in orders]
        s.kill("worker")  # SIGKILL: jobs it held are gone
        flush_queue(s)  # and so is everything still queued or scheduled
        time.sleep(max(0.0, started + delay + 0.5 - time.monotonic()))  # the payments are now overdue
        assert all(s.api("GET", f"/api/v1/payments/{p['id']}").json()["status"] == "pending" for p in payments)
        # flushed with the queue: the heartbeat, so the killed worker shows at once
        assert s.health()["worker"] == "stopped"
        s.start_worker()
        finals = [s.wait_payment(p["id"], timeout=30) for p in payments]
        assert [f["status"] for f in finals] == ["success"] * 10
        assert "sweeper:" in s.log_text("worker")
    finally:
        s.close()


@pytest.mark.slow
def test_kill_during_processing_is_picked_up_again():
    s = Stack(api_workers=1, TEST_PROCESSING_DELAY="0")
    try:
        s.kill("worker")
        payments = [s.pay_upi(s.create_order()["id"], "success@test") for _ in range(5)]
        flush_queue(s)
        s.start_worker()
        assert {s.wait_payment(p["id"], timeout=30)["status"] for p in payments} == {"success"}
    finally:
        s.close()


def test_worker_stopped_shows_in_health():
    s = Stack(api_workers=1, SWEEP_INTERVAL="1")
    try:
        assert s.health()["worker"] == "running"
        s.kill("worker")
        flush_queue(s)  # the heartbeat lives in the queue store; rather than wait out its 30 s TTL
        status = s.health()
        assert status["worker"] == "stopped" and status["status"] == "unhealthy"
        assert s.api("GET", "/api/v1/test/jobs/status", auth=False).json()["worker_status"] == "stopped"
        # The API still takes payments; with no worker they wait, counted from the database.
        for _ in range(2):
            s.pay_upi(s.create_order()["id"], "success@test")
        assert s.api("GET", "/api/v1/test/jobs/status", auth=False).json() == {
            "pending": 2, "processing": 0, "completed": 0, "failed": 0, "worker_status": "stopped"}
    finally:
        s.close()




@pytest.mark.slow
def test_kill_during_webhook_delivery_and_flush_still_delivers_everything():
    from harness.receiver import Receiver

    receiver = Receiver()
    s = Stack(api_workers=1, TEST_PROCESSING_DELAY="200")
    try:
        path = "/slow/3"  # the first delivery is still in flight when the worker dies
        assert s.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": receiver.url + path}).status_code == 200
        payments = [s.pay_upi(s.create_order()["id"], "success@test") for _ in range(3)]
        s.wait_until(lambda: receiver.on(path), 15, "a delivery in flight")
        s.kill("worker")
        flush_queue(s)
        s.start_worker()
        for p in payments:
            s.wait_payment(p["id"], timeout=30)
        logs = s.wait_until(lambda: (lambda d: d if d and all(x["status"] == "success" for x in d) else None)(
            s.api("GET", "/api/v1/webhooks?limit=100").json()["data"]), 60, "every event delivered")
        assert len(logs) == 9  # created, pending, success for each payment
        delivered = {r.headers["webhook-id"] for r in receiver.on(path)}
        assert {x["event_id"] for x in logs} <= delivered  # at least once each (webhook-id is the event id)
    finally:
        s.close()
        receiver.close()


@pytest.mark.slow
def test_refunds_survive_a_killed_worker_and_flushed_queue():
    s = Stack(api_workers=1, TEST_PROCESSING_DELAY="1000")
    try:
        paid = [s.wait_payment(s.pay_upi(s.create_order(5000)["id"], "success@test")["id"]) for _ in range(3)]
        s.kill("worker")
        refunds = []
        for p in paid:
            r = s.api("POST", f"/api/v1/payments/{p['id']}/refunds", {"amount": 5000, "reason": "lost parcel"})
            assert r.status_code == 201
            refunds.append(r.json())
        flush_queue(s)
        s.start_worker()
        done = [s.wait_until(lambda rid=r["id"]: (lambda b: b if b["status"] != "pending" else None)(
            s.api("GET", f"/api/v1/refunds/{rid}").json()), 30, "refund final") for r in refunds]
        assert [d["status"] for d in done] == ["processed"] * 3
    finally:
        s.close()
