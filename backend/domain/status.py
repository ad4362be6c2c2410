"""The status machines of orders, payments, refunds, webhook deliveries and webhook endpoints: one place each."""
from __future__ import annotations

from enum import Enum


class OrderStatus(str, Enum):
    CREATED = "created"
    ATTEMPTED = "attempted"
    PAID = "paid"


class PaymentStatus(str, Enum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class PaymentWait(str, Enum):
    """What a pending payment waits for besides the bank (beyond the contract): its public status stays
    `pending` meanwhile. No wait (None) is the ordinary case; a wait ends by answer, cancel or expiry."""
    AUTHENTICATION = "authentication"  # 3-D Secure: the shopper's one-time password
    APPROVAL = "approval"  # UPI collect: the shopper's answer in their UPI app


AUTHENTICATION_ATTEMPTS = 3  # wrong one-time passwords allowed before the payment fails


def end_wait(current: str | None, expected: PaymentWait, status: str) -> None:
    """A wait ends only on a pending payment that is waiting for exactly that; callers hold the row lock."""
    if status != PaymentStatus.PENDING.value or current != expected.value:
        raise IllegalTransition(f"PaymentWait: {current} (status {status}) is not {expected.value}")


class RefundStatus(str, Enum):
    PENDING = "pending"
    PROCESSED = "processed"
    FAILED = "failed"


class WebhookStatus(str, Enum):
    PENDING = "pending"
    SUCCESS = "success"
    FAILED = "failed"


class EndpointStatus(str, Enum):
    """A webhook endpoint (beyond): a disabled one is kept, with its secret, and gets no new deliveries."""
    ENABLED = "enabled"
    DISABLED = "disabled"
# Payments, refunds and deliveries all start pending, under one word: what code handling any of the three
# reads (a job's claim, the sweeper's scans, the partial indexes of the pending rows).
PENDING = PaymentStatus.PENDING.value
assert PENDING == RefundStatus.PENDING.value == WebhookStatus.PENDING.value


# Refunds that take from what a payment has left to refund: a failed one gives its amount back.
REFUND_HOLDS = (RefundStatus.PENDING.value, RefundStatus.PROCESSED.value)


class JobState(str, Enum):
    """The states /api/v1/test/jobs/status counts jobs in (over payments, refunds and deliveries)."""
    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


def values(enum: type[Enum]) -> tuple[str, ...]:
    """The enum's values in declaration order: what a pydantic `Literal` or an SQL condition is built from."""
    return tuple(member.value for member in enum)


_ALLOWED: dict[type[Enum], dict[Enum, set[Enum]]] = {
    OrderStatus: {
        OrderStatus.CREATED: {OrderStatus.ATTEMPTED, OrderStatus.PAID},
        OrderStatus.ATTEMPTED: {OrderStatus.PAID},
        OrderStatus.PAID: set(),
    },
    PaymentStatus: {
        PaymentStatus.PENDING: {PaymentStatus.SUCCESS, PaymentStatus.FAILED},
        PaymentStatus.SUCCESS: set(),
        PaymentStatus.FAILED: set(),
    },
    RefundStatus: {
        RefundStatus.PENDING: {RefundStatus.PROCESSED, RefundStatus.FAILED},
        RefundStatus.PROCESSED: set(),
        RefundStatus.FAILED: set(),
    },
    WebhookStatus: {
        WebhookStatus.PENDING: {WebhookStatus.SUCCESS, WebhookStatus.FAILED},
        # A merchant may retry any delivery by hand.
        WebhookStatus.SUCCESS: {WebhookStatus.PENDING},
        WebhookStatus.FAILED: {WebhookStatus.PENDING},
    },
    EndpointStatus: {
        EndpointStatus.ENABLED: {EndpointStatus.DISABLED},
        EndpointStatus.DISABLED: {EndpointStatus.ENABLED},
    },
}


class IllegalTransition(Exception):
    pass


def can_move(current: Enum, new: Enum) -> bool:
    return new in _ALLOWED[type(current)][current]


def move(current: str, new: Enum) -> str:
    """The new status value, or IllegalTransition: callers hold the row lock when they call this."""
    cls = type(new)
    if not can_move(cls(current), new):
        raise IllegalTransition(f"{cls.__name__}: {current} -> {new.value}")
    return new.value
