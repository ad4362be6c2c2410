"""Payments: create (validate, submit to the processor, queue the outcome), process, capture, read, list."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import ids
from backend.domain.clock import utcnow
from backend.domain.errors import PAYMENT_FAILED, PAYMENT_FAILED_DESCRIPTION, bad_request
from backend.domain.status import OrderStatus, PaymentStatus, move
from backend.domain.validation import validate_card, validate_vpa
from backend.models import Merchant, Order, Payment
from backend.processors import Attempt, Processor
from backend.services import events, jobs, totals
from backend.services.common import Page, PageRequest, lock_due, owned, paginate, unique_id

log = logging.getLogger(__name__)

METHODS = ("upi", "card")


@dataclass(frozen=True)
class CardInput:
    number: str = field(repr=False)  # never in a repr, so never in a log or traceback
    expiry_month: str = ""
    expiry_year: str = ""
    cvv: str = field(default="", repr=False)
    holder_name: str = ""


def create_payment(session: Session, processor: Processor, *, merchant_id: str | None, order_id: str,
                   method: str, vpa: str | None = None, card: CardInput | None = None) -> Payment:
    """merchant_id None is the public checkout: the order's merchant is the merchant."""
    now = utcnow()
    if method not in METHODS:
        raise bad_request("method must be one of: upi, card")
    card_network = card_last4 = None
    if method == "upi":
        if card is not None:
            raise bad_request("card must not be sent with method upi")
        if vpa is None:
            raise bad_request("vpa is required for UPI payments")
        validate_vpa(vpa)
    else:
        if vpa is not None:
            raise bad_request("vpa must not be sent with method card")
        if card is None:
            raise bad_request("card is required for card payments")
        summary = validate_card(card.number, card.expiry_month, card.expiry_year, card.cvv, card.holder_name,
                                today=now.date())
        card_network, card_last4 = summary.network, summary.last4

    order = owned(session, Order, order_id, merchant_id, "Order", lock=True)
    if order.status == OrderStatus.PAID.value:
        session.rollback()
        raise bad_request("Order already paid")

    submission = processor.submit(Attempt(method=method, amount=order.amount, currency=order.currency, vpa=vpa,
                                          card_number=card.number if card else None))
    ready_at = now + timedelta(milliseconds=submission.ready_in_ms)
    payment = Payment(
        id=unique_id(session, Payment, ids.PAYMENT), order_id=order.id, merchant_id=order.merchant_id,
        amount=order.amount, currency=order.currency, method=method, status=PaymentStatus.PENDING.value,
        vpa=vpa, card_network=card_network, card_last4=card_last4, captured=False,
        processor_ref=submission.reference, ready_at=ready_at, created_at=now, updated_at=now,
    )
    session.add(payment)
    if order.status == OrderStatus.CREATED.value:
        order.status = move(order.status, OrderStatus.ATTEMPTED)
        order.updated_at = now
    merchant = session.get(Merchant, order.merchant_id)
    events.record_payment(session, merchant, events.PAYMENT_CREATED, payment)
    events.record_payment(session, merchant, events.PAYMENT_PENDING, payment)
    jobs.defer(session, jobs.PROCESS_PAYMENT, payment.id, eta=ready_at if submission.ready_in_ms > 0 else None)
    totals.bump(session, [totals.created(totals.PAYMENT, payment, method)])
    session.commit()
    return payment


def process_payment(session: Session, processor: Processor, payment_id: str) -> str:
    """Apply the processor's outcome. Safe to run any number of times: only a pending, due payment moves."""
    locked = lock_due(session, Payment, payment_id, (Order, "order_id"), jobs.PROCESS_PAYMENT)
    if isinstance(locked, str):
        return locked
    order, payment = locked
    was = payment.status
    now = utcnow()
    outcome = processor.outcome(payment.method, payment.processor_ref or "")
    if outcome.success and order.status == OrderStatus.PAID.value:
        # Another attempt on this order succeeded first: nobody is charged twice.
        log.info("payment %s declined: order %s already paid", payment.id, order.id)
        payment.status = move(payment.status, PaymentStatus.FAILED)
        payment.error_code, payment.error_description = PAYMENT_FAILED, PAYMENT_FAILED_DESCRIPTION
    elif outcome.success:
        payment.status = move(payment.status, PaymentStatus.SUCCESS)
        order.status = move(order.status, OrderStatus.PAID)
        order.updated_at = now
    else:
        payment.status = move(payment.status, PaymentStatus.FAILED)
        payment.error_code, payment.error_description = outcome.error_code, outcome.error_description
    payment.updated_at = now
    merchant = session.get(Merchant, payment.merchant_id)
    event = events.PAYMENT_SUCCESS if payment.status == PaymentStatus.SUCCESS.value else events.PAYMENT_FAILED
    events.record_payment(session, merchant, event, payment)
    totals.bump(session, totals.moved(totals.PAYMENT, payment, was, payment.method))
    session.commit()
    return payment.status


def get_payment(session: Session, merchant_id: str | None, payment_id: str) -> Payment:
    return owned(session, Payment, payment_id, merchant_id, "Payment")


def capture_payment(session: Session, merchant_id: str, payment_id: str, amount: int) -> Payment:
    payment = owned(session, Payment, payment_id, merchant_id, "Payment", lock=True)
    if payment.status != PaymentStatus.SUCCESS.value:
        session.rollback()
        raise bad_request("Payment not in capturable state")
    if payment.captured:
        session.rollback()
        raise bad_request("Payment already captured")
    if amount != payment.amount:
        session.rollback()
        raise bad_request("Capture amount must equal the payment amount")
    payment.captured = True
    payment.updated_at = utcnow()
    session.commit()
    return payment


def list_payments(session: Session, merchant_id: str, page: PageRequest, *, status: str | None = None,
                  method: str | None = None, order_id: str | None = None, created_from: datetime | None = None,
                  created_to: datetime | None = None) -> Page[Payment]:
    stmt = select(Payment).where(Payment.merchant_id == merchant_id)
    if status:
        stmt = stmt.where(Payment.status == status)
    if method:
        stmt = stmt.where(Payment.method == method)
    if order_id:
        stmt = stmt.where(Payment.order_id == order_id)
    if created_from:
        stmt = stmt.where(Payment.created_at >= created_from)
    if created_to:
        stmt = stmt.where(Payment.created_at <= created_to)
    by_totals = None
    days = totals.whole_days(created_from, created_to)
    if not order_id and days is not None:  # the running totals know status, method and whole UTC days
        by_totals = lambda: totals.total(session, merchant_id, totals.PAYMENT, status=status, method=method,
                                         since=days[0], until=days[1])[0]
    return paginate(session, Payment, stmt, merchant_id, page, total=by_totals)
