"""Webhook endpoints end to end (docs/api.md §10, docs/api.md §11): a real receiver, the live API and a real consumer.
Each endpoint gets only the events it enabled, signed with its own secret, under the event's id; a resend
repeats the body and the id; an endpoint that never answers does not hold up a live one."""
from __future__ import annotations

import json
import secrets

import pytest

from backend.domain.signing import verify_webhook
from harness.receiver import Receiver
from tests.worker.test_webhooks import new_merchant


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def add_endpoint(stack, headers, url, enabled_events):
    r = stack.api("POST", "/api/v1/webhook_endpoints", {"url": url, "enabled_events": enabled_events}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def paid_and_refunded(stack, headers) -> tuple[str, str]:
    payment = stack.pay_upi(stack.create_order(50000, headers=headers)["id"], "success@test", headers=headers)
    stack.wait_payment(payment["id"], headers=headers)
    refund = stack.api("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 100}, headers=headers).json()
    stack.wait_until(lambda: stack.api("GET", f"/api/v1/refunds/{refund['id']}", headers=headers).json()["status"]
                     == "processed", 20, "refund processed")
    return payment["id"], refund["id"]


def test_each_endpoint_gets_its_events_with_its_secret_and_the_event_id(stack, receiver):
    tag = secrets.token_hex(3)
    headers, primary_secret = new_merchant(stack, f"{receiver.url}/ok/all/{tag}")
    refunds = add_endpoint(stack, headers, f"{receiver.url}/ok/refunds/{tag}", ["refund.*"])
    success = add_endpoint(stack, headers, f"{receiver.url}/ok/success/{tag}", ["payment.success"])
    paid_and_refunded(stack, headers)
    stack.wait_until(lambda: len(receiver.on(f"/ok/all/{tag}")) >= 5 and len(receiver.on(f"/ok/refunds/{tag}")) >= 2
                     and len(receiver.on(f"/ok/success/{tag}")) >= 1, 30, "every endpoint's events")
    seen = {}
    for path, secret, wanted in ((f"/ok/all/{tag}", primary_secret, {"payment.created", "payment.pending",
                                                                      "payment.success", "refund.created",
                                                                      "refund.processed"}),
                                 (f"/ok/refunds/{tag}", refunds["secret"], {"refund.created", "refund.processed"}),
                                 (f"/ok/success/{tag}", success["secret"], {"payment.success"})):
        got = receiver.on(path)
        assert {json.loads(r.body)["event"] for r in got} == wanted and len(got) == len(wanted), path
        for r in got:
            assert verify_webhook(r.body, r.headers, secret) == "standard"
            body = json.loads(r.body)
            assert r.headers["webhook-id"] == body["id"] and body["id"].startswith("evt_")
            seen.setdefault(body["event"], set()).add((body["id"], r.body))
    # one event, one id and one body at every endpoint that got it
    assert all(len(copies) == 1 for copies in seen.values()), seen

    (event_id, body), = seen["payment.success"]
    r = stack.api("POST", f"/api/v1/events/{event_id}/resend", {"endpoint_id": success["id"]}, headers=headers)
    assert r.status_code == 200, r.text
    stack.wait_until(lambda: len(receiver.on(f"/ok/success/{tag}")) == 2, 20, "the resend")
    again = receiver.on(f"/ok/success/{tag}")[-1]
    assert again.body == body and again.headers["webhook-id"] == event_id
    assert verify_webhook(again.body, again.headers, success["secret"]) == "standard"
    detail = stack.api("GET", f"/api/v1/events/{event_id}", headers=headers).json()
    assert sorted(d["endpoint_id"] for d in detail["deliveries"]) == sorted(["we_primary", success["id"], success["id"]])


def test_an_endpoint_that_never_answers_does_not_hold_up_a_live_one(stack, receiver):
    """More deliveries than the pool's share to an endpoint that drips its answer past the deadline: the live
    endpoint of the same merchant gets every event before any attempt at the dead one has even ended."""
    tag = secrets.token_hex(3)
    headers, _ = new_merchant(stack)
    dead = add_endpoint(stack, headers, f"{receiver.url}/drip/2/{tag}", ["*"])
    add_endpoint(stack, headers, f"{receiver.url}/ok/live/{tag}", ["*"])
    payments = [stack.pay_upi(stack.create_order(1000, headers=headers)["id"], "success@test", headers=headers)
                for _ in range(14)]  # 42 events: more than the merchant's share (32) at the dead endpoint
    for payment in payments:
        stack.wait_payment(payment["id"], headers=headers)
    stack.wait_until(lambda: len(receiver.on(f"/ok/live/{tag}")) >= 42, 60, "every event at the live endpoint")
    dead_attempts = [d["attempts"] for d in stack.api("GET", "/api/v1/webhooks?limit=100", headers=headers).json()["data"]
                     if d["endpoint_id"] == dead["id"]]
    assert len(dead_attempts) == 42 and set(dead_attempts) == {0}, dead_attempts
    assert len(receiver.on(f"/drip/2/{tag}")) >= 1  # the dead endpoint was being tried meanwhile
