"""Orders, payments, capture, lists and isolation, through HTTP (Flask's test client, real database)."""
import re

import pytest

from backend.domain.clock import utcnow
from backend.domain.validation import luhn_ok

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
CARD = {"number": "4111 1111 1111 1111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
        "holder_name": "John Doe"}


@pytest.fixture(scope="module")
def app(app_by_hand):
    return app_by_hand


def order(client, headers, amount=50000, **kw):
    r = client.post("/api/v1/orders", json={"amount": amount, **kw}, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def test_create_and_fetch_order(client, merchant_headers):
    body = order(client, merchant_headers, 50000, receipt="receipt_123", notes={"k": "v"})
    assert re.fullmatch(r"order_[A-Za-z0-9]{16}", body["id"])
    assert body["merchant_id"] == "550e8400-e29b-41d4-a716-446655440000"
    assert (body["amount"], body["currency"], body["receipt"], body["notes"], body["status"]) == \
        (50000, "INR", "receipt_123", {"k": "v"}, "created")
    assert ISO_Z.match(body["created_at"])
    got = client.get(f"/api/v1/orders/{body['id']}", headers=merchant_headers).get_json()
    assert got["updated_at"] and {k: got[k] for k in body} == body


def test_order_defaults(client, merchant_headers):
    body = order(client, merchant_headers, 100)
    assert body["currency"] == "INR" and body["notes"] == {} and body["receipt"] is None


def test_upi_payment_created_pending(client, merchant_headers):
    o = order(client, merchant_headers)
    r = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "user@paytm"},
                    headers=merchant_headers)
    assert r.status_code == 201
    p = r.get_json()
    assert re.fullmatch(r"pay_[A-Za-z0-9]{16}", p["id"])
    assert (p["order_id"], p["amount"], p["currency"], p["method"], p["vpa"], p["status"]) == \
        (o["id"], 50000, "INR", "upi", "user@paytm", "pending")
    assert "card_network" not in p and ISO_Z.match(p["created_at"])
    got = client.get(f"/api/v1/payments/{p['id']}", headers=merchant_headers).get_json()
    assert got["captured"] is False and got["error_code"] is None and got["error_description"] is None
    assert ISO_Z.match(got["updated_at"])
    assert client.get(f"/api/v1/orders/{o['id']}", headers=merchant_headers).get_json()["status"] == "attempted"


@pytest.mark.parametrize("number,network", [("4111111111111111", "visa"), ("5555 5555 5555 4444", "mastercard"),
                                            ("3782-822463-10005", "amex"), ("6522 1234 5678 9014", "rupay")])
def test_card_payment_keeps_network_and_last4(client, merchant_headers, number, network):
    if network == "rupay":  # make a Luhn-valid 65... number
        digits = "652212345678901"
        check = next(d for d in "0123456789" if luhn_ok(digits + d))
        number = digits + check
    o = order(client, merchant_headers)
    r = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "card", "card": {**CARD, "number": number}},
                    headers=merchant_headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    p = r.get_json()
    assert p["card_network"] == network and p["card_last4"] == number.replace(" ", "").replace("-", "")[-4:]
    assert "vpa" not in p and "number" not in r.get_data(as_text=True)


@pytest.mark.parametrize("body,code,description", [
    ({"method": "upi", "vpa": "user@paytm\n"}, "INVALID_VPA", None),
    ({"method": "upi", "vpa": "no-at-sign"}, "INVALID_VPA", None),
    ({"method": "upi"}, "BAD_REQUEST_ERROR", "vpa is required for UPI payments"),
    ({"method": "netbanking"}, "BAD_REQUEST_ERROR", "method must be one of: upi, card"),
    ({"method": "card", "card": {**CARD, "number": "4111111111111112"}}, "INVALID_CARD", None),
    ({"method": "card", "card": {**CARD, "number": "41111111111"}}, "INVALID_CARD", None),
    ({"method": "card", "card": {**CARD, "number": "4111x11111111111"}}, "INVALID_CARD", None),
    ({"method": "card", "card": {**CARD, "expiry_month": "13"}}, "EXPIRED_CARD", None),
    ({"method": "card", "card": {**CARD, "expiry_year": "2020"}}, "EXPIRED_CARD", None),
    ({"method": "card", "card": {**CARD, "cvv": "12"}}, "BAD_REQUEST_ERROR", None),
    ({"method": "card", "card": {k: v for k, v in CARD.items() if k != "holder_name"}}, "BAD_REQUEST_ERROR",
     "card.holder_name is required"),
    ({"method": "card"}, "BAD_REQUEST_ERROR", "card is required for card payments"),
])
def test_payment_validation(client, merchant_headers, body, code, description):
    o = order(client, merchant_headers)
    before = client.get("/api/v1/payments?limit=1", headers=merchant_headers).get_json()["total"]
    r = client.post("/api/v1/payments", json={"order_id": o["id"], **body}, headers=merchant_headers)
    assert r.status_code == 400
    err = r.get_json()["error"]
    assert err["code"] == code
    if description:
        assert err["description"] == description
    assert client.get("/api/v1/payments?limit=1", headers=merchant_headers).get_json()["total"] == before


def test_current_month_expiry_is_valid(client, merchant_headers):
    now = utcnow()
    o = order(client, merchant_headers)
    card = {**CARD, "expiry_month": str(now.month), "expiry_year": str(now.year % 100)}
    r = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "card", "card": card},
                    headers=merchant_headers)
    assert r.status_code == 201


def test_unknown_and_foreign_objects_are_404(client, merchant_headers, other_merchant):
    o = order(client, merchant_headers)
    p = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "a@b"},
                    headers=merchant_headers).get_json()
    for path, what in [(f"/api/v1/orders/{o['id']}", "Order"), (f"/api/v1/payments/{p['id']}", "Payment"),
                       ("/api/v1/orders/order_AAAAAAAAAAAAAAAA", "Order"), ("/api/v1/payments/pay_nope", "Payment")]:
        r = client.get(path, headers=other_merchant)
        assert r.status_code == 404
        assert r.get_json() == {"error": {"code": "NOT_FOUND_ERROR", "description": f"{what} not found"}}
    r = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "a@b"}, headers=other_merchant)
    assert r.status_code == 404 and r.get_json()["error"]["description"] == "Order not found"
    assert client.get("/api/v1/payments", headers=other_merchant).get_json()["total"] == 0


def test_public_endpoints(client, merchant_headers):
    o = order(client, merchant_headers, 12345)
    pub = client.get(f"/api/v1/orders/{o['id']}/public").get_json()
    assert pub == {"id": o["id"], "amount": 12345, "currency": "INR", "status": "created",
                   "merchant_name": "Test Merchant", "test_mode": True}
    r = client.post("/api/v1/payments/public", json={"order_id": o["id"], "method": "upi", "vpa": "approve@test"})
    assert r.status_code == 201
    p = r.get_json()
    assert {"id", "order_id", "amount", "currency", "method", "status", "error_code", "error_description"} <= set(p)
    got = client.get(f"/api/v1/payments/{p['id']}/public").get_json()
    assert got["status"] == "pending" and got["amount"] == 12345
    # the private view belongs to the order's merchant
    assert client.get(f"/api/v1/payments/{p['id']}", headers=merchant_headers).status_code == 200
    assert client.get("/api/v1/orders/order_AAAAAAAAAAAAAAAA/public").status_code == 404
    assert client.post("/api/v1/payments/public", json={"order_id": "order_AAAAAAAAAAAAAAAA", "method": "upi",
                                                        "vpa": "a@b"}).status_code == 404


def test_lists_filters_and_paging(client, merchant_headers, other_merchant):
    o = order(client, other_merchant)
    ids = []
    for _ in range(3):  # waiting for the shopper's approval: pending for UPI_COLLECT_TIMEOUT, whatever the load
        ids.append(client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "approve@test"},
                               headers=other_merchant).get_json()["id"])
    page = client.get("/api/v1/payments?limit=2&offset=0", headers=other_merchant).get_json()
    assert page["total"] == 3 and page["limit"] == 2 and page["offset"] == 0
    assert [p["id"] for p in page["data"]] == ids[::-1][:2]
    rest = client.get("/api/v1/payments?limit=2&offset=2", headers=other_merchant).get_json()
    assert [p["id"] for p in rest["data"]] == [ids[0]]
    assert client.get(f"/api/v1/payments?order_id={o['id']}&method=card", headers=other_merchant).get_json()["total"] == 0
    assert client.get("/api/v1/payments?status=pending&method=upi", headers=other_merchant).get_json()["total"] == 3
    assert client.get("/api/v1/payments?from=2999-01-01T00:00:00Z", headers=other_merchant).get_json()["total"] == 0
    assert client.get("/api/v1/payments?to=2000-01-01T00:00:00Z", headers=other_merchant).get_json()["total"] == 0
    orders = client.get("/api/v1/orders", headers=other_merchant).get_json()
    assert orders["total"] == 1 and orders["data"][0]["id"] == o["id"]
    for bad in ("limit=0", "limit=101", "offset=-1", "status=weird", "from=yesterday"):
        r = client.get(f"/api/v1/payments?{bad}", headers=other_merchant)
        assert r.status_code == 400 and r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR", bad


def test_capture_rules(client, merchant_headers, app):
    from backend.models import Payment, db

    o = order(client, merchant_headers, 50000)
    p = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "a@b"},
                    headers=merchant_headers).get_json()
    r = client.post(f"/api/v1/payments/{p['id']}/capture", json={"amount": 50000}, headers=merchant_headers)
    assert r.status_code == 400 and r.get_json()["error"]["description"] == "Payment not in capturable state"
    with app.app_context():  # let the processor's verdict land without waiting for a worker
        from backend.services.payments import process_payment
        from backend.processors.simulated import SimulatedProcessor
        from backend.config import Config

        row = db.session.get(Payment, p["id"])
        row.ready_at = utcnow()
        db.session.commit()
        assert process_payment(db.session, SimulatedProcessor(Config.from_env()), p["id"]) == "success"
    r = client.post(f"/api/v1/payments/{p['id']}/capture", json={"amount": 100}, headers=merchant_headers)
    assert r.status_code == 400
    r = client.post(f"/api/v1/payments/{p['id']}/capture", json={"amount": "50000"}, headers=merchant_headers)
    assert r.status_code == 400
    r = client.post(f"/api/v1/payments/{p['id']}/capture", json={"amount": 50000}, headers=merchant_headers)
    assert r.status_code == 200
    body = r.get_json()
    assert body["status"] == "success" and body["captured"] is True and body["amount"] == 50000
    assert {"id", "order_id", "amount", "currency", "method", "status", "captured", "created_at", "updated_at"} <= set(body)
    r = client.post(f"/api/v1/payments/{p['id']}/capture", json={"amount": 50000}, headers=merchant_headers)
    assert r.status_code == 400 and r.get_json()["error"]["description"] == "Payment already captured"
    # a paid order takes no new payment
    r = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "a@b"},
                    headers=merchant_headers)
    assert r.status_code == 400 and r.get_json()["error"]["description"] == "Order already paid"


def test_stats_are_real_aggregates(client, other_merchant):
    stats = client.get("/api/v1/stats", headers=other_merchant).get_json()
    assert stats["total_transactions"] == 0 and stats["success_rate"] == 0
    o = order(client, other_merchant)
    # Waits for the shopper's approval: still pending when the stats are read, however loaded the worker.
    client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "approve@test"},
                headers=other_merchant)
    stats = client.get("/api/v1/stats", headers=other_merchant).get_json()
    assert stats["total_transactions"] == 1 and stats["successful_transactions"] == 0 and stats["total_amount"] == 0
    assert len(stats["daily"]) == 14 and stats["daily"][-1]["date"] == utcnow().date().isoformat()


def _settled_payment(app, client, headers, amount: int) -> dict:
    """A successful payment, its outcome applied here rather than by a worker."""
    from backend.domain.clock import utcnow
    from backend.models import Payment, db
    from backend.processors.simulated import SimulatedProcessor
    from backend.services.payments import process_payment

    order = client.post("/api/v1/orders", json={"amount": amount}, headers=headers).get_json()
    payment = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "success@test"},
                          headers=headers).get_json()
    with app.app_context():
        db.session.get(Payment, payment["id"]).ready_at = utcnow()
        db.session.commit()
        assert process_payment(db.session, SimulatedProcessor(app.runtime.config), payment["id"]) \
            == "success"
    return payment


def test_a_colliding_id_is_drawn_again_for_orders_payments_and_refunds(app, client, merchant_headers, monkeypatch):
    """The one collision rule (services.common.with_fresh_id): the primary key refuses the taken id and a
    new one is drawn, inside the caller's transaction for a payment or a refund (its locks kept)."""
    from backend.domain import ids
    from backend.services import common

    payment = _settled_payment(app, client, merchant_headers, 50000)
    refund = client.post(f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 100},
                         headers=merchant_headers).get_json()
    taken = {ids.ORDER: payment["order_id"], ids.PAYMENT: payment["id"], ids.REFUND: refund["id"]}
    drawn: list[str] = []
    real = ids.new_id

    def first_taken(prefix: str) -> str:  # the first draw for each prefix repeats an existing id
        value = taken.pop(prefix, None) or real(prefix)
        drawn.append(value)
        return value

    monkeypatch.setattr(common, "new_id", first_taken)
    order = client.post("/api/v1/orders", json={"amount": 60000}, headers=merchant_headers)
    assert order.status_code == 201 and order.get_json()["id"] != payment["order_id"]
    second = client.post("/api/v1/payments", json={"order_id": order.get_json()["id"], "method": "upi",
                                                   "vpa": "success@test"}, headers=merchant_headers)
    assert second.status_code == 201 and second.get_json()["id"] != payment["id"]
    again = client.post(f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 200}, headers=merchant_headers)
    assert again.status_code == 201 and again.get_json()["id"] != refund["id"]
    assert drawn[0::2] == [payment["order_id"], payment["id"], refund["id"]]  # each refused, then a new draw
    fetched = client.get(f"/api/v1/payments/{second.get_json()['id']}", headers=merchant_headers).get_json()
    assert fetched["order_id"] == order.get_json()["id"]
    refunds = client.get(f"/api/v1/payments/{payment['id']}/refunds", headers=merchant_headers).get_json()
    assert sorted(r["amount"] for r in refunds["data"]) == [100, 200]


def test_the_payment_says_what_is_left_to_refund(app, client, merchant_headers):
    """amount_refundable, by the rule of docs/api.md §2.4: 0 until success, then the amount less the pending
    and processed refunds, in the fetch, the list, the capture and the refund's own checks."""
    o = order(client, merchant_headers, 50000)
    pending = client.post("/api/v1/payments", json={"order_id": o["id"], "method": "upi", "vpa": "a@b"},
                          headers=merchant_headers).get_json()
    assert pending["status"] == "pending" and pending["amount_refundable"] == 0
    payment = _settled_payment(app, client, merchant_headers, 70000)

    def left() -> int:
        fetched = client.get(f"/api/v1/payments/{payment['id']}", headers=merchant_headers).get_json()
        listed = client.get(f"/api/v1/payments?order_id={payment['order_id']}", headers=merchant_headers).get_json()
        assert [p["amount_refundable"] for p in listed["data"]] == [fetched["amount_refundable"]]
        return fetched["amount_refundable"]

    assert left() == 70000
    captured = client.post(f"/api/v1/payments/{payment['id']}/capture", json={"amount": 70000}, headers=merchant_headers)
    assert captured.get_json()["amount_refundable"] == 70000
    assert client.post(f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 30000},
                       headers=merchant_headers).status_code == 201
    assert left() == 40000
    over = client.post(f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 40001}, headers=merchant_headers)
    assert over.status_code == 400 and over.get_json()["error"]["description"] == "Refund amount exceeds available amount"
    assert client.post(f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 40000},
                       headers=merchant_headers).status_code == 201
    assert left() == 0
    public = client.get(f"/api/v1/payments/{payment['id']}/public").get_json()
    assert "amount_refundable" not in public

