"""Lists by cursor (starting_after / ending_before, has_more) beside limit/offset, the offset bound, and totals
that come from the running totals or from a bounded count; through HTTP on the real database."""
from __future__ import annotations

import pytest

from backend.domain.clock import utcnow
from backend.services import common


def _order(client, headers, amount=1000):
    r = client.post("/api/v1/orders", json={"amount": amount}, headers=headers)
    assert r.status_code == 201
    return r.get_json()["id"]


def _pay(client, headers, order_id, method="upi", vpa="a@b", number="4111111111111111"):
    body = {"order_id": order_id, "method": "upi", "vpa": vpa} if method == "upi" else {
        "order_id": order_id, "method": "card",
        "card": {"number": number, "expiry_month": "12", "expiry_year": "2035", "cvv": "123",
                 "holder_name": "A"}}
    r = client.post("/api/v1/payments", json=body, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()["id"]


def _get(client, headers, path):
    r = client.get(path, headers=headers)
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def _signup(client):
    import secrets

    r = client.post("/api/v1/auth/signup", json={"name": "Quiet", "email": f"q{secrets.token_hex(4)}@shop.test",
                                                  "password": "correct horse"})
    assert r.status_code == 201
    return {"X-Api-Key": r.get_json()["api_key"], "X-Api-Secret": r.get_json()["api_secret"]}


def walk(client, headers, path, limit=2):
    """Every page forwards by starting_after, then backwards by ending_before: both must give the offset
    listing, with has_more true exactly while a page follows in the direction of travel."""
    sep = "&" if "?" in path else "?"
    everything = [x["id"] for x in _get(client, headers, f"{path}{sep}limit=100")["data"]]
    forwards, page = [], _get(client, headers, f"{path}{sep}limit={limit}")
    while True:
        forwards += [x["id"] for x in page["data"]]
        assert page["has_more"] == (len(forwards) < len(everything))
        if not page["has_more"]:
            break
        page = _get(client, headers, f"{path}{sep}limit={limit}&starting_after={forwards[-1]}")
    assert forwards == everything
    backwards, first = [], forwards[-1]
    while True:
        page = _get(client, headers, f"{path}{sep}limit={limit}&ending_before={first}")
        if not page["data"]:
            break
        backwards = [x["id"] for x in page["data"]] + backwards
        first = backwards[0]
        assert page["has_more"] == (len(backwards) < len(everything) - 1)
    assert backwards + [forwards[-1]] == everything
    return everything


def test_cursor_pages_walk_every_list_both_ways(client, other_merchant):
    headers = other_merchant
    assert client.put("/api/v1/merchant/webhook", json={"webhook_url": "http://127.0.0.1:9/hook"},
                      headers=headers).status_code == 200
    orders = [_order(client, headers) for _ in range(5)]
    payments = [_pay(client, headers, o, "upi" if i % 2 else "card") for i, o in enumerate(orders)]
    assert walk(client, headers, "/api/v1/orders") == orders[::-1]
    assert walk(client, headers, "/api/v1/payments") == payments[::-1]
    assert walk(client, headers, "/api/v1/payments?method=upi") == payments[1::2][::-1]  # filter kept
    # Webhook logs of test events: a live worker (other tests' stack) settles payments and adds their logs.
    quiet = _signup(client)
    assert client.put("/api/v1/merchant/webhook", json={"webhook_url": "http://127.0.0.1:9/hook"},
                      headers=quiet).status_code == 200
    tests = [client.post("/api/v1/merchant/webhook/test", headers=quiet).get_json()["id"] for _ in range(7)]
    assert walk(client, quiet, "/api/v1/webhooks", limit=3) == tests[::-1]
    page = _get(client, headers, "/api/v1/payments?limit=2&offset=0")
    assert set(page) == {"data", "total", "limit", "offset", "has_more", "total_capped"}
    assert (page["total"], page["limit"], page["offset"], page["has_more"], page["total_capped"]) == (5, 2, 0, True, False)
    assert _get(client, headers, "/api/v1/payments?limit=2&offset=4")["has_more"] is False


def test_totals_by_filter_come_out_right(client, other_merchant):
    headers = other_merchant
    # Payments that wait for the shopper (UPI approval, 3-D Secure): still pending when the totals are
    # read, however soon the live worker of another test's stack, on the same stores, gets to them.
    for i in range(3):
        _pay(client, headers, _order(client, headers), "card" if i else "upi", vpa="approve@test",
             number="4000002760003184")
    assert _get(client, headers, "/api/v1/payments?method=card")["total"] == 2
    assert _get(client, headers, "/api/v1/payments?status=pending&method=upi")["total"] == 1
    assert _get(client, headers, "/api/v1/payments?status=success")["total"] == 0
    assert _get(client, headers, "/api/v1/orders")["total"] == 3
    assert _get(client, headers, "/api/v1/refunds")["total"] == 0


def test_a_count_that_hits_its_bound_says_so(client, other_merchant, monkeypatch):
    headers = other_merchant
    for _ in range(4):
        _pay(client, headers, _order(client, headers))
    monkeypatch.setattr(common, "COUNT_BOUND", 3)
    capped = _get(client, headers, "/api/v1/payments?from=2000-01-01T00:00:01Z&limit=1")  # not whole days: counted
    assert (capped["total"], capped["total_capped"], capped["has_more"]) == (3, True, True)
    exact = _get(client, headers, "/api/v1/payments?limit=1")  # from the running totals: never capped
    assert (exact["total"], exact["total_capped"]) == (4, False)
    today = utcnow().date().isoformat()
    days = _get(client, headers, f"/api/v1/payments?from={today}T00:00:00Z&to={today}T23:59:59.999999Z&limit=1")
    assert (days["total"], days["total_capped"]) == (4, False)  # whole UTC days: from the totals
    assert _get(client, headers, "/api/v1/payments?to=2000-01-01T23:59:59.999999Z")["total"] == 0


@pytest.mark.parametrize("query, words", [
    ("offset=10001", "starting_after"),
    ("starting_after=pay_AAAAAAAAAAAAAAAA", "starting_after"),
    ("ending_before=order_AAAAAAAAAAAAAAAA", "ending_before"),
    ("starting_after=a&ending_before=b", "together"),
    ("offset=5&starting_after=a", "offset"),
    ("starting_after=", "starting_after"),
])
def test_bad_page_requests_are_400(client, merchant_headers, query, words):
    for path in ("/api/v1/payments", "/api/v1/orders", "/api/v1/refunds", "/api/v1/webhooks"):
        r = client.get(f"{path}?{query}", headers=merchant_headers)
        assert r.status_code == 400, (path, query)
        error = r.get_json()["error"]
        assert error["code"] == "BAD_REQUEST_ERROR" and words in error["description"]


def test_offset_up_to_the_bound_still_works(client, merchant_headers):
    page = _get(client, merchant_headers, "/api/v1/payments?offset=10000")
    assert page["offset"] == 10000 and page["data"] == [] and page["has_more"] is False


def test_another_merchants_object_is_no_cursor(client, merchant_headers, other_merchant):
    theirs = _order(client, other_merchant)
    r = client.get(f"/api/v1/orders?starting_after={theirs}", headers=merchant_headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"


def test_folding_past_days_keeps_every_figure(app, client, other_merchant, stores):
    """The sweeper's compaction moves per-connection rows into shard 0; no total may change."""
    from concurrent.futures import ThreadPoolExecutor
    from datetime import timedelta

    from backend.domain.clock import utcnow
    from backend.models import MerchantTotal, db
    from backend.services import totals
    from tests.totals_check import assert_totals_exact

    # Orders only: a live worker (other tests' stack) would move payments between the two snapshots.
    with ThreadPoolExecutor(4) as pool:  # several connections, so several shards on PostgreSQL
        list(pool.map(lambda _: _order(app.test_client(), other_merchant), range(12)))
    merchant_id = client.get("/api/v1/merchant", headers=other_merchant).get_json()["id"]
    before = assert_totals_exact(stores.env["DATABASE_URL"], merchant_id)
    with app.app_context():
        totals.compact(db.session, before=utcnow().date() + timedelta(days=1))
        shards = set(db.session.scalars(db.select(MerchantTotal.shard).where(MerchantTotal.merchant_id == merchant_id)))
        db.session.rollback()
    assert shards == {0}
    assert assert_totals_exact(stores.env["DATABASE_URL"], merchant_id) == before
    assert _get(client, other_merchant, "/api/v1/orders")["total"] == 12
