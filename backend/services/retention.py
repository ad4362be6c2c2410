"""Bounded growth: webhook logs and events older than WEBHOOK_LOG_RETENTION_DAYS and expired idempotency keys are
deleted by the sweeper, in small batches, each its own short transaction: no long lock, no huge DELETE
that the table (and the WAL, and replicas) must swallow at once, and the next sweep carries on.

Webhook logs are found per merchant through (merchant_id, created_at, id), the index the lists use, so
retention needs no index of its own (every index costs every insert)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, exists, select, tuple_
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.clock import utcnow
from backend.models import Event, IdempotencyKey, Merchant, WebhookDelivery

BATCH = 1000
MAX_BATCHES = 20  # per sweep: a backlog drains over several sweeps instead of holding this one


def _batched(session: Session, table, key, where, budget: int) -> tuple[int, int]:
    """Delete rows matching `where`, BATCH at a time, at most `budget` batches; (rows deleted, batches used)."""
    deleted = used = 0
    while used < budget:
        doomed = select(*key).where(*where).limit(BATCH)
        result = session.execute(delete(table).where(tuple_(*key).in_(doomed)))
        session.commit()
        used += 1
        deleted += result.rowcount or 0
        if (result.rowcount or 0) < BATCH:
            break
    return deleted, used


def _purge_old(session: Session, model, config: Config, budget: int | None) -> int:
    """Rows of `model` (webhook logs, events) older than the retention, per merchant through its list index."""
    budget = MAX_BATCHES if budget is None else budget
    cutoff = utcnow() - timedelta(days=config.webhook_log_retention_days)
    old = (model.merchant_id == Merchant.id) & (model.created_at < cutoff)
    merchants = list(session.scalars(select(Merchant.id).where(exists().where(old))))
    session.commit()
    deleted = 0
    for merchant_id in merchants:
        count, used = _batched(session, model, (model.id,),
                               (model.merchant_id == merchant_id, model.created_at < cutoff), budget)
        deleted, budget = deleted + count, budget - used
        if budget <= 0:
            break
    return deleted


def purge_webhook_logs(session: Session, config: Config, budget: int | None = None) -> int:
    return _purge_old(session, WebhookDelivery, config, budget)


def purge_events(session: Session, config: Config, budget: int | None = None) -> int:
    """Events go with their deliveries' retention: a delivery left after its event fails (services/webhooks)."""
    return _purge_old(session, Event, config, budget)


def purge_idempotency_keys(session: Session, budget: int | None = None) -> int:
    budget = MAX_BATCHES if budget is None else budget
    key = (IdempotencyKey.key, IdempotencyKey.merchant_id)
    return _batched(session, IdempotencyKey, key, (IdempotencyKey.expires_at <= utcnow(),), budget)[0]


def purge(session: Session, config: Config) -> dict[str, int]:
    return {"webhook_logs_purged": purge_webhook_logs(session, config),
            "events_purged": purge_events(session, config),
            "idempotency_keys_purged": purge_idempotency_keys(session)}
