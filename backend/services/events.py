"""Webhook events, written in the same transaction as the change they report (the outbox, ARCHITECTURE.md rule 2).

A merchant without a webhook URL gets no log and no delivery.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.domain.ids import new_time_uuid
from backend.domain.status import WebhookStatus
from backend.models import Merchant, Payment, Refund, WebhookLog
from backend.schemas import PaymentOut, RefundOut, dump
from backend.services import jobs

PAYMENT_CREATED = "payment.created"
PAYMENT_PENDING = "payment.pending"
PAYMENT_SUCCESS = "payment.success"
PAYMENT_FAILED = "payment.failed"
REFUND_CREATED = "refund.created"
REFUND_PROCESSED = "refund.processed"
WEBHOOK_TEST = "webhook.test"
EVENTS = (PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_SUCCESS, PAYMENT_FAILED, REFUND_CREATED,
          REFUND_PROCESSED, WEBHOOK_TEST)


def record(session: Session, merchant: Merchant, event: str, data: dict[str, Any],
           payment_id: str | None = None) -> WebhookLog | None:
    if not merchant.webhook_url:
        return None
    now = utcnow()
    log = WebhookLog(
        id=new_time_uuid(now), merchant_id=merchant.id, payment_id=payment_id, event=event,
        payload={"event": event, "timestamp": int(now.timestamp()), "data": data},
        status=WebhookStatus.PENDING.value, attempts=0, next_retry_at=now, created_at=now,
    )
    session.add(log)
    jobs.defer(session, jobs.DELIVER_WEBHOOK, log.id)
    return log


def record_payment(session: Session, merchant: Merchant, event: str, payment: Payment) -> WebhookLog | None:
    return record(session, merchant, event, {"payment": dump(PaymentOut, payment)}, payment.id)


def record_refund(session: Session, merchant: Merchant, event: str, refund: Refund,
                  payment: Payment) -> WebhookLog | None:
    return record(session, merchant, event,
                  {"refund": dump(RefundOut, refund), "payment": dump(PaymentOut, payment)}, payment.id)
