"""The running totals stay exact under random, concurrent traffic through the live API and worker."""
from __future__ import annotations

import random
import secrets
from concurrent.futures import ThreadPoolExecutor

from tests.totals_check import assert_totals_exact, expected_stats

CARD = {"expiry_month": "12", "expiry_year": "2035", "cvv": "123", "holder_name": "Asha Rao"}


def _merchant(stack) -> tuple[dict, str]:
    r = stack.api("POST", "/api/v1/auth/signup", {"name": "Totals", "email": f"t{secrets.token_hex(4)}@shop.test",
                                                 "password": "correct horse"}, auth=False)
    assert r.status_code == 201, r.text
    body = r.json()
    return {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}, body["merchant"]["id"]


def _pay(stack, headers: dict, rng: random.Random) -> dict:
    order = stack.create_order(rng.randrange(100, 500_000), headers=headers)
    if rng.random() < 0.5:
        body = {"order_id": order["id"], "method": "upi", "vpa": rng.choice(["success@test", "failure@test"])}
    else:
        number = rng.choice(["4111111111111111", "4000000000000002", "5555555555554444"])
        body = {"order_id": order["id"], "method": "card", "card": {"number": number, **CARD}}
    r = stack.api("POST", "/api/v1/payments", body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def test_totals_match_a_full_aggregate_after_random_concurrent_traffic(stack):
    rng = random.Random(9)
    headers, merchant_id = _merchant(stack)
    with ThreadPoolExecutor(8) as pool:
        payments = list(pool.map(lambda _: _pay(stack, headers, rng), range(40)))
        for _ in range(5):  # orders that are never paid count too
            stack.create_order(1000, headers=headers)
        final = list(pool.map(lambda p: stack.wait_payment(p["id"], headers=headers), payments))
        won = [p for p in final if p["status"] == "success"]
        assert won and len(won) < len(final)
        for p in won[::2]:
            assert stack.api("POST", f"/api/v1/payments/{p['id']}/capture", {"amount": p["amount"]},
                             headers=headers).status_code == 200
        # Partial refunds, several at once on one payment: some are refused, none may be miscounted.
        attempts = [(p, rng.randrange(1, p["amount"])) for p in won for _ in range(3)]
        answers = list(pool.map(lambda pa: stack.api("POST", f"/api/v1/payments/{pa[0]['id']}/refunds",
                                                     {"amount": pa[1]}, headers=headers), attempts))
    assert {r.status_code for r in answers} <= {201, 400}
    refunds = [r.json()["id"] for r in answers if r.status_code == 201]
    stack.wait_until(lambda: all(stack.api("GET", f"/api/v1/refunds/{i}", headers=headers).json()["status"]
                                 != "pending" for i in refunds), 30, "refunds processed")

    aggregates = assert_totals_exact(stack.stores.env["DATABASE_URL"], merchant_id)
    stats = stack.api("GET", "/api/v1/stats", headers=headers).json()
    assert {k: stats[k] for k in expected_stats(aggregates)} == expected_stats(aggregates)
    assert stats["total_transactions"] == 40
    today = sum(c for (d, _, s), (c, _) in aggregates["payment"].items() if s == "success" and d == stats["daily"][-1]["date"])
    assert stats["daily"][-1]["count"] == today
    listed = {path: stack.api("GET", path, headers=headers).json()["total"]
              for path in ("/api/v1/orders", "/api/v1/refunds", "/api/v1/payments?status=failed")}
    assert listed["/api/v1/orders"] == 45
    assert listed["/api/v1/refunds"] == len(refunds)
    assert listed["/api/v1/payments?status=failed"] == sum(p["status"] == "failed" for p in final)
