"""The bulk loader (`make load-demo`): its rows read back through the API like any others, and the running
totals it leaves are exactly a full aggregate over the rows."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.totals_check import assert_totals_exact, expected_stats


def test_load_demo_leaves_totals_exact_and_rows_the_api_can_read(app, client, other_merchant, stores):
    headers = other_merchant
    assert client.put("/api/v1/merchant/webhook", json={"webhook_url": "http://127.0.0.1:9/hook"},
                      headers=headers).status_code == 200
    me = client.get("/api/v1/merchant", headers=headers).get_json()
    client.post("/api/v1/orders", json={"amount": 5000}, headers=headers)  # existing history is added to
    # Five chunks over three streams: on PostgreSQL, concurrent transactions adding to the same days' totals.
    result = app.test_cli_runner().invoke(args=["load-demo", "--payments", "3000", "--email", me["email"], "--seed", "1",
                                                "--chunk", "700", "--streams", "3"])
    assert result.exit_code == 0, result.output
    assert "rows/s" in result.output

    aggregates = assert_totals_exact(stores.env["DATABASE_URL"], me["id"])
    stats = client.get("/api/v1/stats", headers=headers).get_json()
    assert {k: stats[k] for k in expected_stats(aggregates)} == expected_stats(aggregates)
    assert stats["total_transactions"] == 3000 and 88 < stats["success_rate"] < 96
    days = {d for d, _, _ in aggregates["payment"]}
    assert len(days) > 150  # spread over 180 days
    assert {m for _, m, _ in aggregates["payment"]} == {"upi", "card"}
    refunds = sum(c for c, _ in aggregates["refund"].values())
    assert 50 < refunds < 250

    page = client.get("/api/v1/payments?limit=100&status=success", headers=headers).get_json()
    assert page["total"] == stats["successful_transactions"] and len(page["data"]) == 100
    newest = page["data"][0]
    assert datetime.now(timezone.utc) - datetime.fromisoformat(newest["created_at"].replace("Z", "+00:00")) < timedelta(days=1)
    one = client.get(f"/api/v1/payments/{newest['id']}", headers=headers).get_json()
    assert one == newest and one["status"] == "success"
    assert client.get(f"/api/v1/payments?order_id={one['order_id']}", headers=headers).get_json()["total"] == 1
    assert client.get("/api/v1/orders", headers=headers).get_json()["total"] == 3001
    failed = client.get("/api/v1/payments?limit=100&status=failed", headers=headers).get_json()["data"]
    assert failed and {(p["method"], p["error_reason"]) for p in failed} <= {("upi", "payment_declined"),
                                                                            ("card", "card_declined")}
    declined = client.get("/api/v1/payments?limit=1&error_reason=payment_declined", headers=headers).get_json()
    assert declined["data"] and declined["data"][0]["error_source"] == "bank"
    logs = client.get("/api/v1/webhooks?limit=5", headers=headers).get_json()
    recent = _recent(stores.env["DATABASE_URL"], me["id"], logs["retention_days"])  # older logs would be purged
    assert logs["total"] == 3 * recent["payments"] + 2 * recent["refunds"] and logs["data"][0]["status"] == "success"
    assert 0 < recent["payments"] < 3000
    detail = client.get(f"/api/v1/webhooks/{logs['data'][0]['id']}", headers=headers).get_json()
    assert detail["payload"]["event"] == detail["event"]
    # Each delivery is of an event stored once, as the API stores them (docs/api.md §10).
    events = client.get("/api/v1/events?limit=1", headers=headers).get_json()
    assert events["total"] == logs["total"]
    event = client.get(f"/api/v1/events/{detail['payload']['id']}", headers=headers).get_json()
    assert event["type"] == detail["event"] and [d["id"] for d in event["deliveries"]] == [detail["id"]]
    refunded = client.get("/api/v1/events?type=refund.*&limit=1", headers=headers).get_json()["data"][0]
    assert refunded["type"].startswith("refund.") and refunded["object_id"].startswith("rfnd_")
    by_payment = client.get(f"/api/v1/webhooks?payment_id={one['id']}", headers=headers).get_json()
    assert {x["event"] for x in by_payment["data"]} >= {"payment.created", "payment.pending", "payment.success"}


def _recent(database_url: str, merchant_id: str, days: int) -> dict[str, int]:
    from sqlalchemy import text

    from tests.totals_check import engine_for

    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT count(*) FROM {t} WHERE merchant_id = :m AND created_at >= :c"),
                                    {"m": merchant_id, "c": cutoff if "postgres" in database_url
                                     else cutoff.replace(tzinfo=None).isoformat(" ")}).scalar_one()
                    for t in ("payments", "refunds")}
    finally:
        engine.dispose()


def test_load_demo_refuses_an_unknown_merchant(app):
    result = app.test_cli_runner().invoke(args=["load-demo", "--payments", "10", "--email", "nobody@nowhere.test"])
    assert result.exit_code != 0 and "no merchant" in result.output
