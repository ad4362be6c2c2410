"""Bounded growth: the sweeper deletes webhook logs past WEBHOOK_LOG_RETENTION_DAYS and expired idempotency
keys, in small batches, and leaves everything newer alone; the API says how long logs are kept."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

from backend.domain.clock import utcnow
from backend.domain.ids import new_uuid
from backend.models import IdempotencyKey, WebhookLog, db
from backend.services import retention, sweeper


def _logs(merchant_id: str, ages_days: list[float]) -> list[str]:
    now = utcnow()
    made = [WebhookLog(id=new_uuid(), merchant_id=merchant_id, event="payment.success", payload={}, status="success",
                       attempts=1, created_at=now - timedelta(days=age)) for age in ages_days]
    db.session.add_all(made)
    db.session.commit()
    return [m.id for m in made]


def test_the_sweeper_deletes_old_logs_and_expired_keys_in_batches(app, client, other_merchant, monkeypatch):
    merchant_id = client.get("/api/v1/merchant", headers=other_merchant).get_json()["id"]
    # 30 days here: a live worker (other tests' stack) sweeps with the default 90 and must not race us.
    config = dataclasses.replace(app.runtime.config, webhook_log_retention_days=30)
    with app.app_context():
        old = _logs(merchant_id, [config.webhook_log_retention_days + 1 + i for i in range(7)])
        kept = _logs(merchant_id, [0, config.webhook_log_retention_days - 1])
        db.session.add_all([IdempotencyKey(key=f"k{i}", merchant_id=merchant_id, request_hash="h", response=None,
                                           created_at=utcnow(), expires_at=utcnow() + timedelta(hours=24 * (i - 2)))
                            for i in range(4)])  # k0, k1 expired; k2 expires now; k3 tomorrow
        db.session.commit()
        monkeypatch.setattr(retention, "BATCH", 3)
        monkeypatch.setattr(retention, "MAX_BATCHES", 2)
        # Two batches of three per sweep, whoever's rows they are (other tests' merchants may have old logs
        # too): the rest waits for the next sweeps.
        purged = [sweeper.sweep(db.session, config)["webhook_logs_purged"] for _ in range(2)]
        assert purged[0] == 6 and 1 <= purged[1] <= 6
        monkeypatch.undo()
        for _ in range(20):
            if not sweeper.sweep(db.session, config)["webhook_logs_purged"]:
                break
        left = set(db.session.scalars(db.select(WebhookLog.id).where(WebhookLog.merchant_id == merchant_id)))
        keys = set(db.session.scalars(db.select(IdempotencyKey.key).where(IdempotencyKey.merchant_id == merchant_id)))
        db.session.rollback()
    assert left == set(kept) and not left & set(old)
    assert keys == {"k3"}
    page = client.get("/api/v1/webhooks", headers=other_merchant).get_json()
    assert page["retention_days"] == 90 and page["total"] == 2
    assert client.get(f"/api/v1/webhooks/{old[0]}", headers=other_merchant).status_code == 404
    assert client.get(f"/api/v1/webhooks/{kept[0]}", headers=other_merchant).status_code == 200
