"""The sandbox's test values end to end with a real Huey consumer: every reason reaches the API and the
webhooks; 3-D Secure and UPI collect waits end by answer or by expiry (the scheduled job, and the sweeper
when the queue lost it)."""
from __future__ import annotations

import json
import secrets

import pytest

from backend.processors.test_values import DIRECT, TEST_VALUES
from harness.receiver import Receiver


def card(number: str) -> dict:
    return {"number": number, "expiry_month": "12", "expiry_year": "2035", "cvv": "123", "holder_name": "Asha"}


def create(stack, value, headers=None) -> dict:
    body = {"order_id": stack.create_order(headers=headers)["id"], "method": value.method}
    body.update({"vpa": value.value} if value.method == "upi" else {"card": card(value.value)})
    r = stack.api("POST", "/api/v1/payments", body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_every_direct_test_value_ends_with_its_reason_in_api_and_webhooks(stack, receiver):
    path = f"/sandbox/{secrets.token_hex(3)}"
    signup = stack.api("POST", "/api/v1/auth/signup", {"name": "Reasons", "email": f"r{secrets.token_hex(4)}@x.test",
                                                       "password": "password123"}, auth=False).json()
    headers = {"X-Api-Key": signup["api_key"], "X-Api-Secret": signup["api_secret"]}
    stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": receiver.url + path}, headers=headers)
    direct = [v for v in TEST_VALUES if v.flow == DIRECT]
    created = [(v, create(stack, v, headers)) for v in direct]
    for value, payment in created:
        done = stack.wait_payment(payment["id"], headers=headers)
        if value.result == "success":
            assert (done["status"], done["error_reason"], done["error_source"], done["error_step"]) == (
                "success", None, None, None), value
        else:
            assert (done["status"], done["error_code"], done["error_description"], done["error_reason"]) == (
                "failed", "PAYMENT_FAILED", "Payment processing failed", value.result), value
            assert done["error_source"] and done["error_step"]
    failures = {p["id"]: v.result for v, p in created if v.result != "success"}
    stack.wait_until(lambda: sum(json.loads(r.body)["event"] == "payment.failed" for r in receiver.on(path))
                     >= len(failures), 30, "payment.failed webhooks")
    for req in receiver.on(path):
        event = json.loads(req.body)
        payment = event["data"]["payment"]
        if event["event"] == "payment.failed":
            assert payment["error_reason"] == failures[payment["id"]]
        elif event["event"] == "payment.pending":
            assert payment["error_reason"] is None and payment["next_action"] is None


def test_three_d_secure_right_otp_then_the_bank_decides(stack):
    ok, declined = (create(stack, v) for v in TEST_VALUES if v.flow == "3ds")
    for p in (ok, declined):
        r = stack.api("POST", f"/api/v1/payments/{p['id']}/authenticate", {"otp": "123456"}, auth=False)
        assert r.status_code == 200 and r.json()["waiting_for"] is None
    assert stack.wait_payment(ok["id"])["status"] == "success"
    done = stack.wait_payment(declined["id"])
    assert (done["status"], done["error_reason"], done["error_step"]) == (
        "failed", "insufficient_funds", "payment_authorization")


def test_upi_approval_succeeds(stack):
    p = create(stack, next(v for v in TEST_VALUES if v.value == "approve@test"))
    assert stack.api("POST", f"/api/v1/payments/{p['id']}/collect", {"approve": True}, auth=False).status_code == 200
    assert stack.wait_payment(p["id"])["status"] == "success"


def test_waits_expire_on_their_own_and_by_the_sweeper_after_a_lost_queue(stack):
    """AUTHENTICATION_TIMEOUT and UPI_COLLECT_TIMEOUT are 12 s in the test stack."""
    three_ds = next(v for v in TEST_VALUES if v.value == "4000002760003184")
    approve, timeout = (next(v for v in TEST_VALUES if v.value == name) for name in ("approve@test", "timeout@test"))
    lost = [create(stack, three_ds), create(stack, approve)]
    stack.stores.flush_queue()  # the jobs scheduled for these deadlines are gone, as with a flushed Redis
    scheduled = [create(stack, three_ds), create(stack, timeout)]
    expected = {lost[0]["id"]: "authentication_timeout", scheduled[0]["id"]: "authentication_timeout",
                lost[1]["id"]: "payment_timeout", scheduled[1]["id"]: "payment_timeout"}
    for payment_id, reason in expected.items():
        done = stack.wait_payment(payment_id, timeout=40)
        assert (done["status"], done["error_reason"], done["waiting_for"], done["next_action"]) == (
            "failed", reason, None, None)
