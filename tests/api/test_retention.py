"""Bounded growth: on SQLite the sweeper deletes webhook logs past WEBHOOK_LOG_RETENTION_DAYS and expired
idempotency keys in small batches; on PostgreSQL it drops whole partitions of them. Either way everything
inside the window stays, and the API says how long logs are kept."""
from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest

from backend.domain.clock import utcnow
from backend.domain.ids import EVENT, new_time_ordered_id, new_uuid
from backend.models import Event, IdempotencyKey, WebhookLog, db
from backend.services import retention, sweeper
from harness.stack import on_postgres

POSTGRES_ONLY = pytest.mark.skipif(not on_postgres(), reason="partitions are PostgreSQL's")
SQLITE_ONLY = pytest.mark.skipif(on_postgres(), reason="PostgreSQL drops partitions instead")


def _logs(merchant_id: str, ages_days: list[float]) -> list[str]:
    now = utcnow()
    made = [WebhookLog(id=new_uuid(), merchant_id=merchant_id, event="payment.success", payload={}, status="success",
                       attempts=1, created_at=now - timedelta(days=age)) for age in ages_days]
    db.session.add_all(made)
    db.session.commit()
    return [m.id for m in made]


def _api_keeps_only(client, headers, kept: list[str], gone: str) -> None:
    page = client.get("/api/v1/webhooks", headers=headers).get_json()
    assert page["retention_days"] == 90 and page["total"] == len(kept)
    assert client.get(f"/api/v1/webhooks/{gone}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/webhooks/{kept[0]}", headers=headers).status_code == 200


@SQLITE_ONLY
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
        # Two batches of three per upkeep, whoever's rows they are (other tests' merchants may have old logs
        # too): the rest waits for the next rounds.
        purged = [sweeper.upkeep(db.session, config)["webhook_logs_purged"] for _ in range(2)]
        assert purged[0] == 6 and 1 <= purged[1] <= 6
        monkeypatch.undo()
        for _ in range(20):
            if not sweeper.upkeep(db.session, config)["webhook_logs_purged"]:
                break
        left = set(db.session.scalars(db.select(WebhookLog.id).where(WebhookLog.merchant_id == merchant_id)))
        keys = set(db.session.scalars(db.select(IdempotencyKey.key).where(IdempotencyKey.merchant_id == merchant_id)))
        db.session.rollback()
    assert left == set(kept) and not left & set(old)
    assert keys == {"k3"}
    _api_keeps_only(client, other_merchant, kept, old[0])


@POSTGRES_ONLY
def test_retention_drops_whole_partitions_and_no_row_inside_the_window(app, client, other_merchant):
    merchant_id = client.get("/api/v1/merchant", headers=other_merchant).get_json()["id"]
    config = dataclasses.replace(app.runtime.config, webhook_log_retention_days=30)
    logs, keys = retention.REGISTRY["webhook_logs"], retention.REGISTRY["idempotency_keys"]
    ages = [0, 1, 15, 29, 29.9, 30.5, 33, 36, 38, 45, 60, 80]
    with app.app_context():
        now = utcnow()
        # As an older database has them; the rows go in under the same maintenance lock, so the live
        # worker's sweeper (same database) cannot drop the old day first.
        retention.ensure(db.session, keys, now - timedelta(days=4), now, commit=False)
        db.session.add_all([IdempotencyKey(key=f"k{age}", merchant_id=merchant_id, request_hash="h", response=None,
                                           created_at=now - timedelta(days=age),
                                           expires_at=now - timedelta(days=age) + timedelta(hours=24))
                            for age in (0, 0.5, 3)])
        db.session.commit()
        made = _logs(merchant_id, ages)
        events = retention.REGISTRY["events"]
        made_events = []
        for age in ages:  # events go by the same retention, in weekly partitions of their own
            at = now - timedelta(days=age)
            made_events.append(new_time_ordered_id(EVENT, int(at.timestamp() * 1000)))
            db.session.add(Event(id=made_events[-1], merchant_id=merchant_id, type="payment.created", payload={},
                                 created_at=at))
        db.session.commit()
        tables = (logs, keys, events)
        before = {name: start for spec in tables for name, start in retention.partitions(db.session, spec).items()}
        counts = sweeper.upkeep(db.session, config)
        after = {name: start for spec in tables for name, start in retention.partitions(db.session, spec).items()}
        left = set(db.session.scalars(db.select(WebhookLog.id).where(WebhookLog.merchant_id == merchant_id)))
        left_events = set(db.session.scalars(db.select(Event.id).where(Event.merchant_id == merchant_id)))
        left_keys = set(db.session.scalars(db.select(IdempotencyKey.key).where(
            IdempotencyKey.merchant_id == merchant_id)))
        db.session.rollback()
    dropped = set(before) - set(after)
    assert counts["webhook_logs_partitions_dropped"] >= 1 and counts["events_partitions_dropped"] >= 1
    # The keys' old day goes in this upkeep or in the live worker's (it keeps keys 25 h): either way it is gone.
    assert "idempotency_keys_partitions_dropped" in counts
    assert all(start + keys.period > now - keys.keep(config) for name, start in after.items()
               if name.startswith("idempotency_keys"))
    cutoff = now - timedelta(days=30)
    assert dropped and all(before[name] + logs.period <= cutoff for name in dropped if not name.startswith("idem"))
    for log_id, event_id, age in zip(made, made_events, ages):
        created = now - timedelta(days=age)
        if age < 30:
            assert log_id in left and event_id in left_events, f"a row {age} days old, inside the window, was lost"
        # a row goes only with its whole partition, which goes only once all of it is past the cutoff
        ends = retention.period_start(logs, created) + logs.period
        assert (log_id in left) == (event_id in left_events) == (ends > cutoff), (age, ends, cutoff)
    assert {"k0", "k0.5"} <= left_keys and "k3" not in left_keys
    _api_keeps_only(client, other_merchant, [i for i in made if i in left], made[-1])
