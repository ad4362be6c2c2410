"""Asynchronous processing with a real Huey consumer over the live API."""
import time

from harness.stack import Stack

CARD = {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
        "holder_name": "Asha Rao"}


def test_payment_outcomes_and_order_status(stack):
    order = stack.create_order(50000)
    created = stack.pay_upi(order["id"], "success@test")
    assert created["status"] == "pending"
    done = stack.wait_payment(created["id"])
    assert done["status"] == "success" and done["error_code"] is None
    assert stack.api("GET", f"/api/v1/orders/{order['id']}").json()["status"] == "paid"

    failing = stack.create_order(1000)
    p = stack.pay_upi(failing["id"], "failure@test")
    done = stack.wait_payment(p["id"])
    assert (done["status"], done["error_code"], done["error_description"]) == \
        ("failed", "PAYMENT_FAILED", "Payment processing failed")
    assert stack.api("GET", f"/api/v1/orders/{failing['id']}").json()["status"] == "attempted"

    r = stack.api("POST", "/api/v1/payments", {"order_id": stack.create_order(2000)["id"], "method": "card",
                                              "card": {**CARD, "number": "4000 0000 0000 0002"}})
    assert stack.wait_payment(r.json()["id"])["status"] == "failed"
    # TEST_MODE with TEST_PAYMENT_SUCCESS (default true): an ordinary VPA and card succeed
    assert stack.wait_payment(stack.pay_upi(stack.create_order()["id"], "anyone@okaxis")["id"])["status"] == "success"
    r = stack.api("POST", "/api/v1/payments", {"order_id": stack.create_order()["id"], "method": "card", "card": CARD})
    assert stack.wait_payment(r.json()["id"])["status"] == "success"


def test_retry_after_failure_then_success_on_same_order(stack):
    order = stack.create_order(3000)
    assert stack.wait_payment(stack.pay_upi(order["id"], "failure@test")["id"])["status"] == "failed"
    assert stack.wait_payment(stack.pay_upi(order["id"], "success@test")["id"])["status"] == "success"
    r = stack.api("POST", "/api/v1/payments", {"order_id": order["id"], "method": "upi", "vpa": "success@test"})
    assert r.status_code == 400 and r.json()["error"]["description"] == "Order already paid"


def test_public_flow_as_the_checkout_does(stack):
    order = stack.create_order(4200)
    r = stack.api("POST", "/api/v1/payments/public", {"order_id": order["id"], "method": "upi", "vpa": "success@test"},
                  auth=False)
    assert r.status_code == 201
    pid = r.json()["id"]
    final = stack.wait_until(lambda: (lambda b: b if b["status"] != "pending" else None)(
        stack.api("GET", f"/api/v1/payments/{pid}/public", auth=False).json()), 20, "public payment final")
    assert final["status"] == "success"


def test_health_and_job_counts_follow_the_worker(stack):
    health = stack.health()
    assert health == {**health, "status": "healthy", "database": "connected", "redis": "connected",
                      "worker": "running"}
    before = stack.api("GET", "/api/v1/test/jobs/status", auth=False).json()
    assert before["worker_status"] == "running"
    p = stack.pay_upi(stack.create_order()["id"])
    during = stack.api("GET", "/api/v1/test/jobs/status", auth=False).json()
    assert during["pending"] + during["processing"] >= 1
    stack.wait_payment(p["id"])
    after = stack.api("GET", "/api/v1/test/jobs/status", auth=False).json()
    assert after["completed"] >= before["completed"] + 1


def test_real_delays_and_rates_without_test_mode():
    """Outside test mode the delay is drawn from [MIN, MAX] and the outcome from the success rate."""
    s = Stack(api_workers=1, TEST_MODE="false", PROCESSING_DELAY_MIN="1000", PROCESSING_DELAY_MAX="1500", UPI_SUCCESS_RATE="0",
              CARD_SUCCESS_RATE="1")
    try:
        upi = s.pay_upi(s.create_order()["id"], "someone@upi")
        card = s.api("POST", "/api/v1/payments", {"order_id": s.create_order()["id"], "method": "card",
                                                  "card": CARD}).json()
        start = time.monotonic()
        assert s.wait_payment(upi["id"])["status"] == "failed"
        assert s.wait_payment(card["id"])["status"] == "success"
        assert time.monotonic() - start >= 0.9  # not before the drawn delay
        # the magic VPA wins over the configured rate
        assert s.wait_payment(s.pay_upi(s.create_order()["id"], "success@test")["id"])["status"] == "success"
    finally:
        s.close()


def test_prometheus_metrics_count_from_the_database(stack):
    from prometheus_client.parser import text_string_to_metric_families

    def scrape() -> dict:
        r = stack.api("GET", "/metrics", auth=False)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/plain")
        return {(s.name, tuple(sorted(s.labels.items()))): s.value
                for family in text_string_to_metric_families(r.text) for s in family.samples}

    before = scrape()
    key = ("paygate_payments", (("method", "upi"), ("status", "success")))
    stack.wait_payment(stack.pay_upi(stack.create_order(4321)["id"], "success@test")["id"])
    after = scrape()
    assert after[key] == before.get(key, 0) + 1
    volume = ("paygate_payments_amount_paise_total", (("status", "success"),))
    assert after[volume] == before.get(volume, 0) + 4321
    assert after[("paygate_worker_up", ())] == 1
    assert ("paygate_jobs", (("state", "completed"),)) in after
