"""The sweeper: the database is the source of truth, the queue only nudges (ARCHITECTURE.md rule 1).

Work overdue by more than the grace period (a payment or refund still pending past its due time, a webhook
whose next_retry_at has passed) is re-enqueued. Its due time is moved to now, a lease: the next sweep leaves
it alone for another grace period, so a slow queue is not flooded with duplicates. Jobs are idempotent, so
a duplicate does nothing.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.clock import utcnow
from backend.domain.status import PENDING
from backend.models import Payment, Refund, WebhookDelivery
from backend.services import jobs, retention, totals

BATCH = 500


def claim(session: Session, model, due_column, cutoff, now, batch: int = BATCH) -> list[str]:
    """Take up to `batch` overdue rows of one kind and lease them (due time moved to now), in the caller's
    transaction. Several workers sweep at once: on PostgreSQL `FOR UPDATE SKIP LOCKED` lets each take rows
    the others have not, without waiting, and the partial index on the due time of pending rows lets the
    scan stop at the batch (the plan is checked in tests/worker/test_sweeper.py). On SQLite the
    transaction began with BEGIN IMMEDIATE, so sweepers run one after another and the next sees the lease.
    A row another transaction holds (a job working on it) is skipped this round; the next finds it if still due."""
    rows = session.execute(claim_query(model, due_column, cutoff, batch)).all()
    ids = [row.id for row in rows]
    if ids:
        # The batch's span of created_at lets a time-partitioned table update only the partitions it is in.
        made = [row.created_at for row in rows]
        session.execute(update(model).where(model.id.in_(ids), model.created_at.between(min(made), max(made)))
                        .values({due_column.key: now}))
    return ids


def claim_query(model, due_column, cutoff, batch: int = BATCH) -> Select:
    return (select(model.id, model.created_at).where(model.status == PENDING, due_column < cutoff)
            .order_by(due_column).limit(batch).with_for_update(skip_locked=True))


def _overdue(session: Session, model, due_column, cutoff, kind: str, now) -> int:
    ids = claim(session, model, due_column, cutoff, now)
    for object_id in ids:
        jobs.defer(session, kind, object_id)
    return len(ids)


def sweep(session: Session, config: Config) -> dict[str, int]:
    """One round (every SWEEP_INTERVAL): the overdue work of each kind, claimed and re-enqueued."""
    now = utcnow()
    cutoff = now - timedelta(seconds=config.sweep_grace)
    counts = {
        "payments": _overdue(session, Payment, Payment.ready_at, cutoff, jobs.PROCESS_PAYMENT, now),
        "refunds": _overdue(session, Refund, Refund.ready_at, cutoff, jobs.PROCESS_REFUND, now),
        "webhooks": _overdue(session, WebhookDelivery, WebhookDelivery.next_retry_at, cutoff, jobs.DELIVER_WEBHOOK, now),
    }
    session.commit()
    return counts


def upkeep(session: Session, config: Config) -> dict[str, int]:
    """The worker's slow upkeep (at its start, then every UPKEEP_INTERVAL): retention (partitions made
    ahead and expired ones dropped, or batched deletes) and the running totals' compaction. What it finds
    changes by the day, not by the second: run with every sweep, its catalog look-ups were most of a
    sweep's cost (PostgreSQL: 19 of 24 ms of CPU a round, every round, on an idle database)."""
    counts = retention.purge(session, config)
    counts["totals_folded"] = totals.compact(session, before=totals.day_of(utcnow()) - timedelta(days=1))
    return counts
