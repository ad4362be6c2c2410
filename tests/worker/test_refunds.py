"""Refunds over the live API with a real consumer: partial, multiple, rules, and concurrency."""
import re
from concurrent.futures import ThreadPoolExecutor

import pytest


@pytest.fixture
def paid(stack):
    def make(amount=50000):
        p = stack.pay_upi(stack.create_order(amount)["id"], "success@test")
        assert stack.wait_payment(p["id"])["status"] == "success"
        return p

    return make


def refund(stack, payment_id, amount, reason="Customer requested refund", **kw):
    return stack.api("POST", f"/api/v1/payments/{payment_id}/refunds", {"amount": amount, "reason": reason}, **kw)


def test_partial_and_multiple_refunds(stack, paid):
    p = paid(50000)
    r = refund(stack, p["id"], 20000)
    assert r.status_code == 201
    first = r.json()
    assert re.fullmatch(r"rfnd_[A-Za-z0-9]{16}", first["id"])
    assert (first["payment_id"], first["amount"], first["reason"], first["status"]) == \
        (p["id"], 20000, "Customer requested refund", "pending")
    assert refund(stack, p["id"], 30000).status_code == 201
    over = refund(stack, p["id"], 1)
    assert over.status_code == 400
    assert over.json() == {"error": {"code": "BAD_REQUEST_ERROR", "description": "Refund amount exceeds available amount"}}
    done = stack.wait_until(lambda: (lambda b: b if b["status"] == "processed" else None)(
        stack.api("GET", f"/api/v1/refunds/{first['id']}").json()), 20, "refund processed")
    assert done["processed_at"] and done["processed_at"].endswith("Z")
    listed = stack.api("GET", f"/api/v1/payments/{p['id']}/refunds").json()
    assert listed["total"] == 2 and {x["amount"] for x in listed["data"]} == {20000, 30000}
    assert stack.api("GET", "/api/v1/refunds?limit=1").json()["limit"] == 1


def test_refund_rules(stack, paid, client, other_merchant):
    pending = stack.pay_upi(stack.create_order()["id"], "success@test")
    r = refund(stack, pending["id"], 100)
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST_ERROR"
    failed = stack.pay_upi(stack.create_order()["id"], "failure@test")
    stack.wait_payment(failed["id"])
    assert refund(stack, failed["id"], 100).status_code == 400
    p = paid(10000)
    for amount in (0, -5, "100", 1.5, None):
        assert refund(stack, p["id"], amount).status_code == 400, amount
    assert refund(stack, "pay_AAAAAAAAAAAAAAAA", 100).status_code == 404
    assert refund(stack, p["id"], 100, headers=other_merchant).status_code == 404
    full = refund(stack, p["id"], 10000, reason=None)
    assert full.status_code == 201 and full.json()["reason"] is None
    assert stack.api("GET", f"/api/v1/refunds/{full.json()['id']}", headers=other_merchant).status_code == 404


def test_concurrent_refunds_never_exceed_the_payment(stack, paid):
    """20 concurrent requests of 7,000 on a 50,000 payment: exactly 7 accepted, as if one after another."""
    p = paid(50000)
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: refund(stack, p["id"], 7000), range(20)))
    codes = sorted(r.status_code for r in results)
    assert codes.count(201) == 7 and codes.count(400) == 13, codes
    assert all(r.json()["error"]["description"] == "Refund amount exceeds available amount"
               for r in results if r.status_code == 400)
    listed = stack.api("GET", f"/api/v1/payments/{p['id']}/refunds?limit=100").json()
    assert listed["total"] == 7 and sum(x["amount"] for x in listed["data"]) == 49000
    stack.wait_until(lambda: all(x["status"] == "processed" for x in stack.api(
        "GET", f"/api/v1/payments/{p['id']}/refunds?limit=100").json()["data"]), 30, "all refunds processed")


def test_fifty_concurrent_identical_requests_make_one_payment(stack):
    order = stack.create_order(2500)
    body = {"order_id": order["id"], "method": "upi", "vpa": "success@test"}
    headers = {"Idempotency-Key": "concurrent-" + order["id"]}
    with ThreadPoolExecutor(25) as pool:
        results = list(pool.map(lambda _: stack.api("POST", "/api/v1/payments", body, headers=headers), range(50)))
    codes = [r.status_code for r in results]
    assert set(codes) <= {201, 409} and codes.count(201) >= 1, codes
    ids = {r.json()["id"] for r in results if r.status_code == 201}
    assert len(ids) == 1
    payments = stack.api("GET", f"/api/v1/payments?order_id={order['id']}").json()
    assert payments["total"] == 1
    replay = stack.api("POST", "/api/v1/payments", body, headers=headers)
    assert replay.status_code == 201 and replay.headers["Idempotent-Replayed"] == "true"
    assert replay.json()["id"] in ids
    assert all(r.json()["error"]["code"] == "CONFLICT_ERROR" for r in results if r.status_code == 409)


def test_concurrent_idempotent_refunds_refund_once(stack, paid):
    p = paid(9000)
    headers = {"Idempotency-Key": "refund-" + p["id"]}
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda _: refund(stack, p["id"], 9000, headers=headers), range(20)))
    assert {r.status_code for r in results} <= {201, 409}
    assert stack.api("GET", f"/api/v1/payments/{p['id']}/refunds").json()["total"] == 1
