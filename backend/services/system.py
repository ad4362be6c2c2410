"""Health and job counts: what /health and /api/v1/test/jobs/status report."""
from __future__ import annotations

import time

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend import database
from backend.config import Config
from backend.domain.clock import iso, utcnow
from backend.domain.status import PENDING, JobState, PaymentStatus, RefundStatus, WebhookStatus
from backend.models import WebhookDelivery
from backend.services import jobs, outages, totals


def _heartbeat(config: Config, queue: jobs.JobQueue | None) -> dict | None:
    try:
        beat = queue.heartbeat() if queue else None
    except Exception:
        return None
    if beat and time.time() - float(beat.get("at", 0)) <= config.heartbeat_ttl:
        return beat
    return None


def queue_ok(queue: jobs.JobQueue | None) -> bool:
    try:
        ok = bool(queue and queue.ping())
    except Exception as exc:  # whatever the store's client raises: the queue is down, which is not a bug
        outages.QUEUE.down(exc)
        return False
    outages.QUEUE.up()
    return ok


def health(config: Config, queue: jobs.JobQueue | None) -> dict:
    """The contract's body; `serving` (database and queue both answer) decides between 200 and 503."""
    db = database.ping()
    queue_up = queue_ok(queue)
    worker = _heartbeat(config, queue) is not None
    return {
        "status": "healthy" if db and queue_up and worker else "unhealthy",
        "database": "connected" if db else "disconnected",
        "redis": "connected" if queue_up else "disconnected",
        "worker": "running" if worker else "stopped",
        "timestamp": iso(utcnow()),
    }


def serving(health_body: dict) -> bool:
    """What a load balancer needs: can this API process do its job? A stopped worker delays work (the
    database keeps it) but does not stop the API taking payments, so it does not take the API out."""
    return health_body["database"] == "connected" and health_body["redis"] == "connected"


def _by_status(session: Session, model) -> dict[str, int]:
    return {status: int(n) for status, n in
            session.execute(select(model.status, func.count()).group_by(model.status)).all()}


def _counted(session: Session, kind: str) -> dict[str, int]:
    return {status: count for status, (count, _) in totals.by_status_across_merchants(session, kind).items()}


def job_counts(session: Session, config: Config) -> dict:
    """Real counts over the three job kinds, from the database (the source of truth) and the worker."""
    # Payments and refunds from the running totals: a count over their rows grows with the whole history.
    payments, refunds = _counted(session, totals.PAYMENT), _counted(session, totals.REFUND)
    webhooks = _by_status(session, WebhookDelivery)
    session.rollback()
    beat = _heartbeat(config, jobs.queue_of(session))
    processing = int(beat.get("executing", 0)) if beat else 0
    pending = sum(counts.get(PENDING, 0) for counts in (payments, refunds, webhooks))
    return {
        JobState.PENDING.value: max(pending - processing, 0),
        JobState.PROCESSING.value: processing,
        # A failed payment is a completed job (the payment failed, not the work); a failed refund or delivery
        # is a failed one.
        JobState.COMPLETED.value: payments.get(PaymentStatus.SUCCESS.value, 0)
        + payments.get(PaymentStatus.FAILED.value, 0) + refunds.get(RefundStatus.PROCESSED.value, 0)
        + webhooks.get(WebhookStatus.SUCCESS.value, 0),
        JobState.FAILED.value: refunds.get(RefundStatus.FAILED.value, 0) + webhooks.get(WebhookStatus.FAILED.value, 0),
        "worker_status": "running" if beat else "stopped",
    }


