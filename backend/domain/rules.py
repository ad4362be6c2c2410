"""The money rules of capture, refund and settlement, as pure functions of the rows' values: the services
call them under their row locks, and tests/unit/test_rules.py checks them on plain values, without a store.

Each refusal is the contract's message (docs/api.md), or None when the request may go on."""
from __future__ import annotations

from backend.domain import errors
from backend.domain.status import OrderStatus, PaymentStatus


def payment_refusal(order_status: str) -> str | None:
    """A new payment on this order: a paid order takes no more."""
    return "Order already paid" if order_status == OrderStatus.PAID.value else None


def capture_refusal(status: str, captured: bool, amount: int, requested: int) -> str | None:
    """A successful payment is captured once, in full."""
    if status != PaymentStatus.SUCCESS.value:
        return "Payment not in capturable state"
    if captured:
        return "Payment already captured"
    if requested != amount:
        return "Capture amount must equal the payment amount"
    return None


def refundable(status: str, amount: int, held: int) -> int:
    """What can still be refunded of a payment (docs/api.md §2.4): a successful payment's amount less its
    holding refunds (domain.status.REFUND_HOLDS: pending and processed ones); nothing of a pending or
    failed one."""
    return max(0, amount - held) if status == PaymentStatus.SUCCESS.value else 0


def refund_refusal(status: str, amount: int, refunded: int, requested: int) -> str | None:
    """A refund is taken while the pending and processed refunds (`refunded`), with it, stay within the
    successful payment's amount."""
    if status != PaymentStatus.SUCCESS.value:
        return "Payment not in refundable state"
    if requested > refundable(status, amount, refunded):
        return "Refund amount exceeds available amount"
    return None


def refund_settles(status: str, amount: int, processed_others: int, requested: int) -> bool:
    """When its delay is over a pending refund is processed only if the processed ones, with it, still fit
    the payment (checked once more under the lock); otherwise it fails."""
    return status == PaymentStatus.SUCCESS.value and processed_others + requested <= amount


def settlement_failure(success: bool, declined_reason: str | None, order_status: str) -> str | None:
    """The processor's outcome applied to a pending payment: None, it succeeds and pays the order; else the
    reason it fails (domain.errors.FAILURE_REASONS). A second success on an order already paid is declined
    (`order_already_paid`), so that nobody is charged twice."""
    if not success:
        return declined_reason or errors.PAYMENT_DECLINED
    if order_status == OrderStatus.PAID.value:
        return errors.ORDER_ALREADY_PAID
    return None
