"""The simulated acquirer of docs/api.md §4: configurable delays and success rates, a deterministic test mode,
and the sandbox's test values (processors/test_values.py), which decide whatever the mode.

The card number is only seen in `submit`, so the decision travels in the reference
(`sim:<flow>:<result>:<random>`), as a real acquirer would remember its own decision.
"""
from __future__ import annotations

import hmac
import random
import secrets

from backend.config import Config
from backend.domain import errors
from backend.domain.validation import normalize_card_number
from backend.processors.base import APPROVE, AUTHENTICATE, Answer, Attempt, Outcome, Submission
from backend.processors.test_values import (APPROVED, AUTHENTICATED, BY_VALUE, DIRECT, NEVER, SUCCEED, TEST_OTP,
                                            TestValue)

DRAW = "draw"  # no test value: the configured rates decide
ISSUER = "PayGate Test Bank"
_ACTIONS = {AUTHENTICATED: AUTHENTICATE, APPROVED: APPROVE, NEVER: APPROVE}


class SimulatedProcessor:
    def __init__(self, config: Config, rng: random.Random | None = None):
        self.config = config
        self.rng = rng or random.Random()

    def _delay(self, low: int, high: int) -> int:
        if self.config.test_mode:
            return self.config.test_processing_delay
        return self.rng.randint(min(low, high), max(low, high))

    def _payment_delay(self) -> int:
        return self._delay(self.config.processing_delay_min, self.config.processing_delay_max)

    def _test_value(self, attempt: Attempt) -> TestValue | None:
        if attempt.method == "upi":
            return BY_VALUE.get(("upi", attempt.vpa or ""))
        return BY_VALUE.get(("card", normalize_card_number(attempt.card_number or "")))

    def submit(self, attempt: Attempt) -> Submission:
        value = self._test_value(attempt)
        flow, result = (value.flow, value.result) if value else (DIRECT, DRAW)
        if value is None and attempt.method == "upi" and self.config.test_mode and self.config.upi_require_approval:
            flow = APPROVED
        reference = f"sim:{flow}:{result}:{secrets.token_hex(6)}"
        return Submission(reference, self._payment_delay(), action=_ACTIONS.get(flow),
                          issuer=ISSUER if attempt.method == "card" else None)

    @staticmethod
    def _parse(reference: str) -> tuple[str, str]:
        parts = reference.split(":")
        if len(parts) == 4 and parts[0] == "sim":
            return parts[1], parts[2]
        # References written before the test values table: sim_<approve|decline|draw>_<random>.
        old = reference.split("_")
        legacy = {"approve": SUCCEED, "decline": errors.PAYMENT_DECLINED}
        return DIRECT, legacy.get(old[1], DRAW) if len(old) >= 3 else DRAW

    def authenticate(self, reference: str, otp: str) -> Answer:
        passed = hmac.compare_digest(otp.encode(), TEST_OTP.encode())
        return Answer(passed, self._payment_delay() if passed else 0)

    def answer_collect(self, reference: str, approved: bool) -> Answer | None:
        flow, _result = self._parse(reference)
        if flow == NEVER:
            return None
        return Answer(approved, self._payment_delay() if approved else 0)

    def outcome(self, method: str, reference: str) -> Outcome:
        flow, result = self._parse(reference)
        if flow == APPROVED:
            result = SUCCEED  # the shopper approved in their UPI app (a decline never reaches here)
        if result == DRAW:
            if self.config.test_mode:
                success = self.config.test_payment_success
            else:
                rate = self.config.upi_success_rate if method == "upi" else self.config.card_success_rate
                success = self.rng.random() < rate
            result = SUCCEED if success else (errors.PAYMENT_DECLINED if method == "upi" else errors.CARD_DECLINED)
        if result == SUCCEED:
            return Outcome(True)
        return Outcome(False, errors.PAYMENT_FAILED, errors.PAYMENT_FAILED_DESCRIPTION, reason=result)

    def refund_delay_ms(self) -> int:
        return self._delay(self.config.refund_delay_min, self.config.refund_delay_max)
