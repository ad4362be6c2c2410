"""What the gateway asks of an acquirer, for payments and refunds.

`submit` runs inside the create request and is the only place that sees card data; it answers with a
reference and when the outcome will be known. `outcome` runs in the worker once that time has come
(a real connector would poll the acquirer or read its callback). Nothing here sleeps.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


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
    ready_in_ms: int


@dataclass(frozen=True)
class Outcome:
    success: bool
    error_code: str | None = None
    error_description: str | None = None


class Processor(Protocol):
    def submit(self, attempt: Attempt) -> Submission: ...

    def outcome(self, method: str, reference: str) -> Outcome: ...

    def refund_delay_ms(self) -> int: ...
