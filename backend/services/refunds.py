"""Refunds: create under the payment's row lock (so concurrent refunds never exceed it), process, read, list."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.domain import ids, rules
from backend.domain.clock import utcnow
from backend.domain.errors import bad_request
from backend.domain.rules import refundable
from backend.domain.status import REFUND_HOLDS, PaymentStatus, RefundStatus, move
from backend.models import Payment, Refund
from backend.processors import Processor
from backend.services import events, jobs, totals
from backend.services.common import Page, PageRequest, add_with_fresh_id, lock_due, owned, paginate


def _refunded(session: Session, payment_id: str, statuses: tuple[str, ...], exclude: str | None = None) -> int:
    stmt = select(func.coalesce(func.sum(Refund.amount), 0)).where(
        Refund.payment_id == payment_id, Refund.status.in_(statuses))
    if exclude:
        stmt = stmt.where(Refund.id != exclude)
    return int(session.execute(stmt).scalar_one())


def with_refundable(session: Session, payments: list[Payment]) -> list[Payment]:
    """Sets each payment's `amount_refundable` (the API's field) by the one rule, domain.status.refundable:
    one grouped query over the successful ones (a page holds at most 100), none when there are none."""
    settled = [p.id for p in payments if p.status == PaymentStatus.SUCCESS.value]
    held: dict[str, int] = {}
    if settled:
        held = {payment_id: int(total) for payment_id, total in session.execute(
            select(Refund.payment_id, func.sum(Refund.amount))
            .where(Refund.payment_id.in_(settled), Refund.status.in_(REFUND_HOLDS)).group_by(Refund.payment_id))}
    for payment in payments:
        payment.amount_refundable = refundable(payment.status, payment.amount, held.get(payment.id, 0))
    return payments


def create_refund(session: Session, processor: Processor, merchant_id: str, payment_id: str, amount: int,
                  reason: str | None) -> Refund:
    payment = owned(session, Payment, payment_id, merchant_id, "Payment", lock=True)
    held = 0
    if payment.status == PaymentStatus.SUCCESS.value:  # no sum to read for a refusal on state
        held = _refunded(session, payment.id, REFUND_HOLDS)
    refused = rules.refund_refusal(payment.status, payment.amount, held, amount)
    if refused:
        session.rollback()
        raise bad_request(refused)
    now = utcnow()
    delay = processor.refund_delay_ms()
    refund = Refund(payment_id=payment.id, merchant_id=merchant_id, amount=amount, reason=reason,
                    status=RefundStatus.PENDING.value, ready_at=now + timedelta(milliseconds=delay), created_at=now)
    refund = add_with_fresh_id(session, refund, ids.REFUND)
    payment.amount_refundable = refundable(payment.status, payment.amount, held + amount)
    events.record_refund(session, events.REFUND_CREATED, refund, payment)
    jobs.defer(session, jobs.PROCESS_REFUND, refund.id, eta=refund.ready_at if delay > 0 else None)
    totals.bump(session, [totals.created(totals.REFUND, refund)])
    session.commit()
    return refund


def process_refund(session: Session, refund_id: str) -> str:
    """Idempotent: only a pending, due refund moves; the refundable amount is checked once more."""
    locked = lock_due(session, Refund, refund_id, (Payment, "payment_id"), jobs.PROCESS_REFUND)
    if isinstance(locked, str):
        return locked
    payment, refund = locked
    now = utcnow()
    processed = _refunded(session, payment.id, (RefundStatus.PROCESSED.value,), exclude=refund.id)
    if not rules.refund_settles(payment.status, payment.amount, processed, refund.amount):
        refund.status = move(refund.status, RefundStatus.FAILED)
        refund.processed_at = now
        totals.bump(session, totals.moved(totals.REFUND, refund, RefundStatus.PENDING.value))
        session.commit()
        return refund.status
    refund.status = move(refund.status, RefundStatus.PROCESSED)
    refund.processed_at = now
    with_refundable(session, [payment])
    events.record_refund(session, events.REFUND_PROCESSED, refund, payment)
    totals.bump(session, totals.moved(totals.REFUND, refund, RefundStatus.PENDING.value))
    session.commit()
    return refund.status


def get_refund(session: Session, merchant_id: str, refund_id: str) -> Refund:
    return owned(session, Refund, refund_id, merchant_id, "Refund")


def list_refunds(session: Session, merchant_id: str, page: PageRequest,
                 payment_id: str | None = None) -> Page[Refund]:
    stmt = select(Refund).where(Refund.merchant_id == merchant_id)
    if payment_id:  # a payment's few refunds: the bounded count is cheap
        return paginate(session, Refund, stmt.where(Refund.payment_id == payment_id), merchant_id, page)
    return paginate(session, Refund, stmt, merchant_id, page,
                    total=lambda: totals.total(session, merchant_id, totals.REFUND)[0])
