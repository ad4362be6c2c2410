"""What the gateway asks of an acquirer, for payments and refunds.

`submit` runs inside the create request and is the only place that sees card data; it answers with a
reference, when the outcome will be known, and whether the shopper must act first: authenticate (3-D
Secure) or approve (a UPI collect request). The shopper's answer reaches the acquirer through
`authenticate` or `answer_collect` (a real connector forwards it to the issuer's ACS or hears it by the
PSP's callback). `outcome` runs in the worker once the outcome is due (a real connector would poll the
acquirer or read its callback). Nothing here sleeps; the gateway owns the statuses, the deadlines and
the attempt counts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

AUTHENTICATE = "authenticate"  # Submission.action: 3-D Secure one-time password first
APPROVE = "approve"  # Submission.action: the shopper approves a collect request in their UPI app


@dataclass(frozen=True)
class Attempt:
    method: str  # "upi" | "card"
    amount: int
    currency: str
    vpa: str | None = None
    card_number: str | None = field(default=None, repr=False)  # only during submit; never persisted or logged


@dataclass(frozen=True)
class Submission:
    reference: str
    ready_in_ms: int  # when the outcome is due; with an action, counted from the shopper's answer
    action: str | None = None  # None | AUTHENTICATE | APPROVE
    issuer: str | None = None  # the card's issuing bank, as the authentication page names it


@dataclass(frozen=True)
class Answer:
    """The acquirer's reply to the shopper's answer: accepted (right OTP, approved) or not."""
    accepted: bool
    ready_in_ms: int = 0  # after an accepted answer: when the outcome is due


@dataclass(frozen=True)
class Outcome:
    success: bool
    error_code: str | None = None
    error_description: str | None = None
    reason: str | None = None  # a key of domain.errors.FAILURE_REASONS on a failure


class Processor(Protocol):
    def submit(self, attempt: Attempt) -> Submission: ...

    def authenticate(self, reference: str, otp: str) -> Answer: ...

    def answer_collect(self, reference: str, approved: bool) -> Answer | None:
        """None: this request takes no answer (it never reaches the shopper's app)."""

    def outcome(self, method: str, reference: str) -> Outcome: ...

    def refund_delay_ms(self) -> int: ...
