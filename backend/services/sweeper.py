"""The sweeper: the database is the source of truth, the queue only nudges (DESIGN rule 1).

Work overdue by more than the grace period (a payment or refund still pending past its due time, a webhook
whose next_retry_at has passed) is re-enqueued. Its due time is moved to now, a lease: the next sweep leaves
it alone for another grace period, so a slow queue is not flooded with duplicates. Jobs are idempotent, so
a duplicate does nothing.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.clock import utcnow
from backend.models import Payment, Refund, WebhookLog
from backend.services import jobs, retention, totals

BATCH = 500


def _overdue(session: Session, model, due_column, cutoff, kind: str, now) -> int:
    ids = list(session.execute(
        select(model.id).where(model.status == "pending", due_column < cutoff).order_by(due_column).limit(BATCH)
    ).scalars())
    if ids:
        session.execute(update(model).where(model.id.in_(ids), model.status == "pending")
                        .values({due_column.key: now}))
        for object_id in ids:
            jobs.defer(session, kind, object_id)
    return len(ids)


def sweep(session: Session, config: Config) -> dict[str, int]:
    now = utcnow()
    cutoff = now - timedelta(seconds=config.sweep_grace)
    counts = {
        "payments": _overdue(session, Payment, Payment.ready_at, cutoff, jobs.PROCESS_PAYMENT, now),
        "refunds": _overdue(session, Refund, Refund.ready_at, cutoff, jobs.PROCESS_REFUND, now),
        "webhooks": _overdue(session, WebhookLog, WebhookLog.next_retry_at, cutoff, jobs.DELIVER_WEBHOOK, now),
    }
    session.commit()
    counts.update(retention.purge(session, config))
    counts["totals_folded"] = totals.compact(session, before=now.date() - timedelta(days=1))
    return counts
