"""The sandbox's test values through HTTP: failure reasons, next_action and return_url, and the rules of
the 3-D Secure and UPI collect answers (wrong state, tries, cancel, expiry). Final outcomes that need the
worker are in tests/worker/test_sandbox_flows.py."""
from __future__ import annotations

from datetime import timedelta

import pytest

from backend.domain.clock import utcnow

THREE_DS = "4000002760003184"
THREE_DS_DECLINED = "4000008260003178"


def card(number: str) -> dict:
    return {"number": number, "expiry_month": "12", "expiry_year": "2035", "cvv": "123", "holder_name": "Asha"}


@pytest.fixture
def new_order(client, merchant_headers):
    def make(amount: int = 50000) -> dict:
        r = client.post("/api/v1/orders", json={"amount": amount}, headers=merchant_headers)
        assert r.status_code == 201
        return r.get_json()
    return make


@pytest.fixture
def pay(client, merchant_headers, new_order):
    def make(method: str = "card", number: str = THREE_DS, vpa: str | None = None, **extra) -> dict:
        body = {"order_id": new_order()["id"], "method": method, **extra}
        body.update({"vpa": vpa} if method == "upi" else {"card": card(number)})
        r = client.post("/api/v1/payments", json=body, headers=merchant_headers)
        assert r.status_code == 201, r.get_data(as_text=True)
        return r.get_json()
    return make


def expire(app, payment_id: str) -> None:
    """Let the wait's deadline pass (as time would), directly in the real database."""
    from backend.models import Payment, db

    with app.app_context():
        db.session.get(Payment, payment_id).ready_at = utcnow() - timedelta(seconds=1)
        db.session.commit()


def test_three_d_secure_payment_has_next_action_and_the_others_none(pay, client):
    p = pay(number=THREE_DS, return_url="https://shop.example/done?cart=7")
    assert p["status"] == "pending" and p["waiting_for"] == "authentication"
    assert p["next_action"] == {"type": "authenticate",
                                "url": f"http://localhost:3001/authenticate?payment_id={p['id']}"}
    assert p["return_url"] == "https://shop.example/done?cart=7" and p["card_issuer"] == "PayGate Test Bank"
    assert p["expires_at"].endswith("Z")
    assert (p["error_reason"], p["error_source"], p["error_step"]) == (None, None, None)
    pub = client.get(f"/api/v1/payments/{p['id']}/public").get_json()
    assert pub["next_action"] == p["next_action"] and pub["authentication_attempts_left"] == 3
    plain = pay(number="4242424242424242")
    assert plain["next_action"] is None and plain["waiting_for"] is None and plain["expires_at"] is None
    assert pay(method="upi", vpa="success@test")["next_action"] is None


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://shop.example/", "https://user:pw@shop.example/",
                                 "not a url", "https://" + "a" * 2050 + ".example/"])
def test_a_bad_return_url_is_refused_and_creates_nothing(client, merchant_headers, new_order, url):
    order = new_order()
    r = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "card", "card": card(THREE_DS),
                                              "return_url": url}, headers=merchant_headers)
    assert r.status_code == 400
    assert r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR" and "return_url" in r.get_json()["error"]["description"]
    assert client.get(f"/api/v1/payments?order_id={order['id']}", headers=merchant_headers).get_json()["total"] == 0


def test_wrong_otp_three_times_fails_with_authentication_failed(pay, client, merchant_headers):
    p = pay()
    for left in (2, 1):
        r = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "000000"})
        assert r.status_code == 200
        body = r.get_json()
        assert (body["status"], body["waiting_for"], body["authentication_attempts_left"]) == (
            "pending", "authentication", left)
    r = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "111111"})
    body = r.get_json()
    assert (body["status"], body["error_code"], body["error_description"]) == (
        "failed", "PAYMENT_FAILED", "Payment processing failed")
    assert (body["error_reason"], body["error_source"], body["error_step"]) == (
        "authentication_failed", "customer", "payment_authentication")
    assert body["next_action"] is None and body["waiting_for"] is None
    # once failed, no more answers, and the right OTP changes nothing
    r = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "123456"})
    assert r.status_code == 400 and r.get_json() == {"error": {
        "code": "BAD_REQUEST_ERROR", "description": "Payment is not awaiting authentication"}}
    full = client.get(f"/api/v1/payments/{p['id']}", headers=merchant_headers).get_json()
    assert full["status"] == "failed" and full["error_reason"] == "authentication_failed"


def test_right_otp_ends_the_wait(pay, client):
    p = pay(number=THREE_DS_DECLINED)
    body = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "123456"}).get_json()
    assert (body["status"], body["waiting_for"], body["next_action"], body["expires_at"]) == (
        "pending", None, None, None)
    again = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "123456"})
    assert again.status_code == 400  # authenticated once; the bank decides now


def test_cancel_fails_with_authentication_cancelled(pay, client):
    p = pay()
    body = client.post(f"/api/v1/payments/{p['id']}/authenticate/cancel").get_json()
    assert (body["status"], body["error_reason"], body["error_code"]) == (
        "failed", "authentication_cancelled", "PAYMENT_FAILED")
    assert client.post(f"/api/v1/payments/{p['id']}/authenticate/cancel").status_code == 400


def test_authenticate_refuses_payments_that_do_not_wait_for_it(pay, client):
    for p in (pay(number="4242424242424242"), pay(method="upi", vpa="approve@test")):
        r = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "123456"})
        assert r.status_code == 400 and r.get_json()["error"]["description"] == "Payment is not awaiting authentication"
    r = client.post("/api/v1/payments/pay_AAAAAAAAAAAAAAAA/authenticate", json={"otp": "123456"})
    assert r.status_code == 404 and r.get_json()["error"]["description"] == "Payment not found"


@pytest.mark.parametrize("body", [{}, {"otp": 123456}, {"otp": ""}, {"otp": "1" * 13}, {"otp": "1", "x": 1}])
def test_authenticate_bad_bodies_are_400_and_count_no_try(pay, client, body):
    p = pay()
    r = client.post(f"/api/v1/payments/{p['id']}/authenticate", json=body)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"
    assert client.get(f"/api/v1/payments/{p['id']}/public").get_json()["authentication_attempts_left"] == 3


def test_expired_authentication_is_refused_and_fails_the_payment(app, pay, client):
    p = pay()
    expire(app, p["id"])
    r = client.post(f"/api/v1/payments/{p['id']}/authenticate", json={"otp": "123456"})
    assert r.status_code == 400 and r.get_json()["error"] == {
        "code": "BAD_REQUEST_ERROR", "description": "The authentication request has expired"}
    body = client.get(f"/api/v1/payments/{p['id']}/public").get_json()
    assert (body["status"], body["error_reason"], body["error_step"]) == (
        "failed", "authentication_timeout", "payment_authentication")


def test_upi_collect_waits_with_an_intent_link_and_takes_an_answer(pay, client):
    p = pay(method="upi", vpa="approve@test")
    assert p["waiting_for"] == "approval" and p["next_action"] is None and p["expires_at"]
    pub = client.get(f"/api/v1/payments/{p['id']}/public").get_json()
    assert pub["upi_intent"] == f"upi://pay?pa=paygate%40upi&pn=PayGate&am=500.00&tr={p['id']}&cu=INR"
    declined = client.post(f"/api/v1/payments/{p['id']}/collect", json={"approve": False}).get_json()
    assert (declined["status"], declined["error_reason"], declined["upi_intent"]) == (
        "failed", "payment_declined", None)
    approved = pay(method="upi", vpa="approve@test")
    body = client.post(f"/api/v1/payments/{approved['id']}/collect", json={"approve": True}).get_json()
    assert (body["status"], body["waiting_for"]) == ("pending", None)
    assert client.post(f"/api/v1/payments/{approved['id']}/collect", json={"approve": True}).status_code == 400


def test_timeout_at_test_takes_no_answer_and_expires(app, pay, client):
    p = pay(method="upi", vpa="timeout@test")
    assert p["waiting_for"] == "approval"
    r = client.post(f"/api/v1/payments/{p['id']}/collect", json={"approve": True})
    assert r.status_code == 400 and "timeout@test" in r.get_json()["error"]["description"]
    assert client.get(f"/api/v1/payments/{p['id']}/public").get_json()["status"] == "pending"
    expire(app, p["id"])
    r = client.post(f"/api/v1/payments/{p['id']}/collect", json={"approve": True})
    assert r.status_code == 400 and r.get_json()["error"]["description"] == "The approval request has expired"
    body = client.get(f"/api/v1/payments/{p['id']}/public").get_json()
    assert (body["status"], body["error_reason"], body["error_source"]) == ("failed", "payment_timeout", "customer")


def test_payments_filter_by_error_reason(pay, client, merchant_headers):
    cancelled = pay()
    client.post(f"/api/v1/payments/{cancelled['id']}/authenticate/cancel")
    r = client.get("/api/v1/payments?error_reason=authentication_cancelled&limit=100", headers=merchant_headers)
    ids = {p["id"] for p in r.get_json()["data"]}
    assert cancelled["id"] in ids and all(p["error_reason"] == "authentication_cancelled" for p in r.get_json()["data"])
    bad = client.get("/api/v1/payments?error_reason=bogus", headers=merchant_headers)
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"


def test_openapi_publishes_the_test_values(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    text = str(spec)
    for value in ("approve@test", "timeout@test", "4000 0027 6000 3184", "4000 0000 0000 9995", "123456"):
        assert value in text
    assert "/api/v1/payments/{id}/authenticate" in spec["paths"]
