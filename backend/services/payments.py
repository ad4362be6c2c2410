"""Payments: create (validate, submit to the processor, queue the outcome), process, capture, read, list.

Beyond the contract, a pending payment may wait for the shopper first (`waiting_for`, domain.status
.PaymentWait): a 3-D Secure one-time password (`authenticate`, `cancel_authentication`) or the approval
of a UPI collect request (`answer_collect`). While it waits, `ready_at` is the wait's deadline, so the
scheduled job and the sweeper fail it on expiry exactly as they apply any due outcome.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import ids
from backend.domain.clock import utcnow
from backend.config import Config
from backend.domain import errors, rules
from backend.domain.errors import PAYMENT_FAILED, PAYMENT_FAILED_DESCRIPTION, bad_request
from backend.domain.rules import refundable
from backend.domain.status import AUTHENTICATION_ATTEMPTS, OrderStatus, PaymentStatus, PaymentWait, end_wait, move
from backend.domain.validation import validate_card, validate_vpa
from backend.models import Order, Payment
from backend.processors import APPROVE, AUTHENTICATE, Answer, Attempt, Processor
from backend.services import events, jobs, refunds, totals
from backend.services.common import (Page, PageRequest, add_with_fresh_id, get_for_update, lock_due, owned, paginate,
                                     read_owned, write_columns)
from backend.services.webhook_urls import check_webhook_url

log = logging.getLogger(__name__)

METHODS = ("upi", "card")


@dataclass(frozen=True)
class CardInput:
    number: str = field(repr=False)  # never in a repr, so never in a log or traceback
    expiry_month: str = ""
    expiry_year: str = ""
    cvv: str = field(default="", repr=False)
    holder_name: str = ""


def create_payment(session: Session, processor: Processor, config: Config, *, merchant_id: str | None,
                   order_id: str, method: str, vpa: str | None = None, card: CardInput | None = None,
                   return_url: str | None = None) -> Payment:
    """merchant_id None is the public checkout: the order's merchant is the merchant."""
    now = utcnow()
    if method not in METHODS:
        raise bad_request("method must be one of: upi, card")
    if return_url is not None:
        check_webhook_url(return_url, block_private=False, field="return_url")
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
    refused = rules.payment_refusal(order.status)
    if refused:
        session.rollback()
        raise bad_request(refused)

    submission = processor.submit(Attempt(method=method, amount=order.amount, currency=order.currency, vpa=vpa,
                                          card_number=card.number if card else None))
    waiting_for, ready_at = _wait_for(submission.action), now + timedelta(milliseconds=submission.ready_in_ms)
    if waiting_for is not None:
        ready_at = now + _wait_timeout(waiting_for, config)
    payment = Payment(
        order_id=order.id, merchant_id=order.merchant_id,
        amount=order.amount, currency=order.currency, method=method, status=PaymentStatus.PENDING.value,
        vpa=vpa, card_network=card_network, card_last4=card_last4, captured=False,
        processor_ref=submission.reference, ready_at=ready_at, created_at=now, updated_at=now,
        waiting_for=waiting_for and waiting_for.value, authentication_attempts=0, return_url=return_url,
        card_issuer=submission.issuer if method == "card" else None,
    )
    payment = add_with_fresh_id(session, payment, ids.PAYMENT)
    payment.amount_refundable = refundable(payment.status, payment.amount, held=0)  # pending: none
    if order.status == OrderStatus.CREATED.value:
        write_columns(session, order, status=move(order.status, OrderStatus.ATTEMPTED), updated_at=now)
    events.record_payment(session, payment, events.PAYMENT_CREATED, events.PAYMENT_PENDING, config=config)
    jobs.defer(session, jobs.PROCESS_PAYMENT, payment.id,
               eta=ready_at if submission.ready_in_ms > 0 or waiting_for else None)
    totals.bump(session, [totals.created(totals.PAYMENT, payment, method)])
    session.commit()
    return payment


def _wait_for(action: str | None) -> PaymentWait | None:
    if action == AUTHENTICATE:
        return PaymentWait.AUTHENTICATION
    if action == APPROVE:
        return PaymentWait.APPROVAL
    return None


def _wait_timeout(wait: PaymentWait, config: Config) -> timedelta:
    seconds = config.authentication_timeout if wait is PaymentWait.AUTHENTICATION else config.upi_collect_timeout
    return timedelta(seconds=seconds)


def _expiry_reason(wait: str) -> str:
    return errors.AUTHENTICATION_TIMEOUT if wait == PaymentWait.AUTHENTICATION.value else errors.PAYMENT_TIMEOUT


def _fail(payment: Payment, reason: str) -> None:
    """Failed, with the contract's code and description, and why (domain.errors.FAILURE_REASONS)."""
    found = errors.FAILURE_REASONS[reason]
    payment.status = move(payment.status, PaymentStatus.FAILED)
    payment.error_code, payment.error_description = PAYMENT_FAILED, PAYMENT_FAILED_DESCRIPTION
    payment.error_reason, payment.error_source, payment.error_step = found.reason, found.source, found.step
    payment.waiting_for = None


def _record_final(session: Session, payment: Payment) -> None:
    """A pending payment became final: its event, then its move in the running totals (the last statement
    before COMMIT, so the counter row's lock is the shortest held)."""
    event = events.PAYMENT_SUCCESS if payment.status == PaymentStatus.SUCCESS.value else events.PAYMENT_FAILED
    # Refunds need a successful payment, and this one was pending under its lock until now: none yet.
    payment.amount_refundable = refundable(payment.status, payment.amount, held=0)
    events.record_payment(session, payment, event)
    totals.bump(session, totals.moved(totals.PAYMENT, payment, PaymentStatus.PENDING.value, payment.method))


def process_payment(session: Session, processor: Processor, payment_id: str) -> str:
    """Apply the processor's outcome. Safe to run any number of times: only a pending, due payment moves."""
    locked = lock_due(session, Payment, payment_id, (Order, "order_id"), jobs.PROCESS_PAYMENT)
    if isinstance(locked, str):
        return locked
    order, payment = locked
    now = utcnow()
    if payment.waiting_for is not None:
        # The wait's deadline has come without an answer.
        expired = _expiry_reason(payment.waiting_for)
        log.info("payment %s: %s", payment.id, expired)
        return _failed_now(session, payment, expired).status
    outcome = processor.outcome(payment.method, payment.processor_ref or "")
    failure = rules.settlement_failure(outcome.success, outcome.reason, order.status)
    if failure is None:
        payment.status = move(payment.status, PaymentStatus.SUCCESS)
        write_columns(session, order, status=move(order.status, OrderStatus.PAID), updated_at=now)
    else:
        if failure == errors.ORDER_ALREADY_PAID:  # another attempt on this order succeeded first
            log.info("payment %s declined: order %s already paid", payment.id, order.id)
        _fail(payment, failure)
    payment.updated_at = now
    _record_final(session, payment)
    session.commit()
    return payment.status


# ---------- waits for the shopper (beyond the contract) ----------

def _lock_waiting(session: Session, payment_id: str, wait: PaymentWait) -> Payment:
    """The payment, locked after its order (one lock order everywhere), if it waits for `wait` and the wait
    has not expired. An expired wait is applied here and then refused, as the sweeper would apply it."""
    found = owned(session, Payment, payment_id, None, "Payment")
    get_for_update(session, Order, id=found.order_id)
    payment = get_for_update(session, Payment, id=payment_id)
    if payment.status != PaymentStatus.PENDING.value or payment.waiting_for != wait.value:
        session.rollback()
        raise bad_request(f"Payment is not awaiting {wait.value}")
    now = utcnow()
    if payment.ready_at is not None and payment.ready_at <= now:
        _failed_now(session, payment, _expiry_reason(wait.value))
        raise bad_request(f"The {wait.value} request has expired")
    return payment


def _answered(session: Session, payment: Payment, wait: PaymentWait, answer: Answer) -> Payment:
    """An accepted answer ends the wait: the bank's outcome is due after the processor's delay."""
    now = utcnow()
    end_wait(payment.waiting_for, wait, payment.status)
    payment.waiting_for = None
    payment.ready_at = now + timedelta(milliseconds=answer.ready_in_ms)
    payment.updated_at = now
    jobs.defer(session, jobs.PROCESS_PAYMENT, payment.id, eta=payment.ready_at if answer.ready_in_ms > 0 else None)
    session.commit()
    return payment


def _failed_now(session: Session, payment: Payment, reason: str) -> Payment:
    _fail(payment, reason)
    payment.updated_at = utcnow()
    _record_final(session, payment)
    session.commit()
    return payment


def authenticate(session: Session, processor: Processor, payment_id: str, otp: str) -> Payment:
    """The shopper's 3-D Secure one-time password: right -> on to the bank; wrong -> another try, until
    AUTHENTICATION_ATTEMPTS wrong ones fail the payment (authentication_failed)."""
    payment = _lock_waiting(session, payment_id, PaymentWait.AUTHENTICATION)
    answer = processor.authenticate(payment.processor_ref or "", otp)
    if answer.accepted:
        return _answered(session, payment, PaymentWait.AUTHENTICATION, answer)
    payment.authentication_attempts += 1
    if payment.authentication_attempts >= AUTHENTICATION_ATTEMPTS:
        return _failed_now(session, payment, errors.AUTHENTICATION_FAILED)
    payment.updated_at = utcnow()
    session.commit()
    return payment


def cancel_authentication(session: Session, payment_id: str) -> Payment:
    payment = _lock_waiting(session, payment_id, PaymentWait.AUTHENTICATION)
    return _failed_now(session, payment, errors.AUTHENTICATION_CANCELLED)


def answer_collect(session: Session, processor: Processor, payment_id: str, approved: bool) -> Payment:
    """The shopper's answer to a UPI collect request, from the (simulated) UPI app."""
    payment = _lock_waiting(session, payment_id, PaymentWait.APPROVAL)
    answer = processor.answer_collect(payment.processor_ref or "", approved)
    if answer is None:
        session.rollback()
        raise bad_request("This collect request never reaches a UPI app (timeout@test): it can only expire")
    if answer.accepted:
        return _answered(session, payment, PaymentWait.APPROVAL, answer)
    return _failed_now(session, payment, errors.PAYMENT_DECLINED)


def as_read(session: Session, row: Any) -> Payment | None:
    """A payment as the merchant API reads it (amount_refundable computed); None for another row."""
    return refunds.with_refundable(session, [row])[0] if isinstance(row, Payment) else None


def get_payment(session: Session, merchant_id: str | None, payment_id: str) -> Payment:
    payment = read_owned(session, Payment, payment_id, merchant_id, "Payment")
    return as_read(session, payment) if merchant_id is not None else payment


def capture_payment(session: Session, merchant_id: str, payment_id: str, amount: int) -> Payment:
    payment = owned(session, Payment, payment_id, merchant_id, "Payment", lock=True)
    refused = rules.capture_refusal(payment.status, payment.captured, payment.amount, amount)
    if refused:
        session.rollback()
        raise bad_request(refused)
    payment.captured = True
    payment.updated_at = utcnow()
    refunds.with_refundable(session, [payment])
    session.commit()
    return payment


def list_payments(session: Session, merchant_id: str, page: PageRequest, *, status: str | None = None,
                  method: str | None = None, order_id: str | None = None, created_from: datetime | None = None,
                  created_to: datetime | None = None, error_reason: str | None = None) -> Page[Payment]:
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
    if error_reason:
        stmt = stmt.where(Payment.error_reason == error_reason)
    by_totals = None
    days = totals.whole_days(created_from, created_to)
    if not order_id and not error_reason and days is not None:  # the totals know status, method, whole UTC days
        by_totals = lambda: totals.total(session, merchant_id, totals.PAYMENT, status=status, method=method,
                                         since=days[0], until=days[1])[0]
    found = paginate(session, Payment, stmt, merchant_id, page, total=by_totals)
    refunds.with_refundable(session, found.items)
    return found
