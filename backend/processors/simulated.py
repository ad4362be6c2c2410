"""The simulated acquirer of CONTRACT §4: configurable delays and success rates, a deterministic test mode.

Magic values decide the outcome whatever the mode: VPA success@test succeeds, failure@test and the card
4000000000000002 fail. The card number is only seen in `submit`, so the forced outcome travels in the
reference, as a real acquirer would remember its own decision.
"""
from __future__ import annotations

import random
import secrets

from backend.config import Config
from backend.domain.errors import PAYMENT_FAILED, PAYMENT_FAILED_DESCRIPTION
from backend.domain.validation import normalize_card_number
from backend.processors.base import Attempt, Outcome, Submission

ALWAYS_SUCCEED_VPA = "success@test"
ALWAYS_FAIL_VPA = "failure@test"
ALWAYS_FAIL_CARD = "4000000000000002"

_APPROVE, _DECLINE, _DRAW = "approve", "decline", "draw"


class SimulatedProcessor:
    def __init__(self, config: Config, rng: random.Random | None = None):
        self.config = config
        self.rng = rng or random.Random()

    def _delay(self, low: int, high: int) -> int:
        if self.config.test_mode:
            return self.config.test_processing_delay
        return self.rng.randint(min(low, high), max(low, high))

    def submit(self, attempt: Attempt) -> Submission:
        if attempt.vpa == ALWAYS_SUCCEED_VPA:
            decision = _APPROVE
        elif attempt.vpa == ALWAYS_FAIL_VPA or (
                attempt.card_number and normalize_card_number(attempt.card_number) == ALWAYS_FAIL_CARD):
            decision = _DECLINE
        else:
            decision = _DRAW
        reference = f"sim_{decision}_{secrets.token_hex(6)}"
        return Submission(reference, self._delay(self.config.processing_delay_min, self.config.processing_delay_max))

    def outcome(self, method: str, reference: str) -> Outcome:
        decision = reference.split("_")[1] if reference.count("_") >= 2 else _DRAW
        if decision == _APPROVE:
            success = True
        elif decision == _DECLINE:
            success = False
        elif self.config.test_mode:
            success = self.config.test_payment_success
        else:
            rate = self.config.upi_success_rate if method == "upi" else self.config.card_success_rate
            success = self.rng.random() < rate
        if success:
            return Outcome(True)
        return Outcome(False, PAYMENT_FAILED, PAYMENT_FAILED_DESCRIPTION)

    def refund_delay_ms(self) -> int:
        return self._delay(self.config.refund_delay_min, self.config.refund_delay_max)
