"""The sandbox's test values: deterministic outcomes whatever TEST_MODE and the success rates say.

One table, read by the simulator and shown by the docs (the dashboard's docs page renders it; README.md
and docs/api.md carry the same rows, checked by tests/unit/test_test_values.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from backend.domain import errors
from backend.domain.status import PaymentStatus

# How the simulated bank answers: at once, after 3-D Secure, after the shopper's approval, or never.
DIRECT, AUTHENTICATED, APPROVED, NEVER = "direct", "3ds", "collect", "never"
SUCCEED = PaymentStatus.SUCCESS.value


@dataclass(frozen=True)
class TestValue:
    method: str  # "upi" | "card"
    value: str  # a VPA, or a card number without spaces
    flow: str
    result: str  # SUCCEED or the error_reason of the failure
    outcome: str  # for people
    reasons: tuple[str, ...] = ()  # every error_reason it can end with

    @property
    def shown(self) -> str:
        if self.method == "upi":
            return self.value
        return " ".join(self.value[i:i + 4] for i in range(0, len(self.value), 4))


_SUCCESS, _FAILED = PaymentStatus.SUCCESS.value, PaymentStatus.FAILED.value

TEST_VALUES: tuple[TestValue, ...] = (
    TestValue("upi", "success@test", DIRECT, SUCCEED, _SUCCESS),
    TestValue("upi", "failure@test", DIRECT, errors.PAYMENT_DECLINED, _FAILED, (errors.PAYMENT_DECLINED,)),
    TestValue("upi", "approve@test", APPROVED, SUCCEED,
              "waits for the shopper to approve or decline in the simulated UPI app",
              (errors.PAYMENT_DECLINED, errors.PAYMENT_TIMEOUT)),
    TestValue("upi", "timeout@test", NEVER, errors.PAYMENT_TIMEOUT,
              "no answer; failed when the collect request expires", (errors.PAYMENT_TIMEOUT,)),
    TestValue("card", "4242424242424242", DIRECT, SUCCEED, _SUCCESS),
    TestValue("card", "4000000000000002", DIRECT, errors.CARD_DECLINED, _FAILED, (errors.CARD_DECLINED,)),
    TestValue("card", "4000000000009995", DIRECT, errors.INSUFFICIENT_FUNDS, _FAILED,
              (errors.INSUFFICIENT_FUNDS,)),
    TestValue("card", "4000000000000069", DIRECT, errors.CARD_EXPIRED, _FAILED, (errors.CARD_EXPIRED,)),
    TestValue("card", "4000000000000127", DIRECT, errors.INCORRECT_CVC, _FAILED, (errors.INCORRECT_CVC,)),
    TestValue("card", "4000000000000119", DIRECT, errors.PROCESSING_ERROR, _FAILED, (errors.PROCESSING_ERROR,)),
    TestValue("card", "4000002760003184", AUTHENTICATED, SUCCEED,
              "3-D Secure: success after the right OTP (123456)",
              (errors.AUTHENTICATION_FAILED, errors.AUTHENTICATION_TIMEOUT, errors.AUTHENTICATION_CANCELLED)),
    TestValue("card", "4000008260003178", AUTHENTICATED, errors.INSUFFICIENT_FUNDS,
              "3-D Secure, then declined", (errors.INSUFFICIENT_FUNDS,)),
)

BY_VALUE = {(v.method, v.value): v for v in TEST_VALUES}
TEST_OTP = "123456"


def openapi_summary(method: str) -> str:
    """One line for an OpenAPI field description."""
    return "; ".join(f"{v.shown} → {v.outcome}" + (f" ({', '.join(v.reasons)})" if v.reasons else "")
                     for v in TEST_VALUES if v.method == method)
