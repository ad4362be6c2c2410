"""The test values decide whatever the mode and the success rates say (a fake-free pure test of the
simulator), and every published copy of the table carries every row."""
from __future__ import annotations

from pathlib import Path

import pytest

from backend.config import Config
from backend.domain.errors import FAILURE_REASONS
from backend.processors import APPROVE, AUTHENTICATE, Attempt
from backend.processors.simulated import SimulatedProcessor
from backend.processors.test_values import APPROVED, AUTHENTICATED, DIRECT, NEVER, SUCCEED, TEST_VALUES

ROOT = Path(__file__).resolve().parents[2]
MODES = [dict(test_mode=True, test_payment_success=True), dict(test_mode=True, test_payment_success=False),
         dict(test_mode=False, upi_success_rate=0.0, card_success_rate=0.0),
         dict(test_mode=False, upi_success_rate=1.0, card_success_rate=1.0, upi_require_approval=True)]


def config(**kw) -> Config:
    return Config(database_url="sqlite://", redis_url=None, huey_sqlite_path="", **kw)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", TEST_VALUES, ids=lambda v: v.value)
def test_each_value_decides_in_every_mode(value, mode):
    sim = SimulatedProcessor(config(**mode))
    attempt = Attempt(value.method, 50000, "INR", vpa=value.value if value.method == "upi" else None,
                      card_number=value.value if value.method == "card" else None)
    sub = sim.submit(attempt)
    assert value.value not in sub.reference  # card numbers never travel in the reference
    assert sub.action == {DIRECT: None, AUTHENTICATED: AUTHENTICATE, APPROVED: APPROVE, NEVER: APPROVE}[value.flow]
    if value.flow == NEVER:
        assert sim.answer_collect(sub.reference, True) is None
        return
    if value.flow == AUTHENTICATED:
        assert not sim.authenticate(sub.reference, "000000").accepted
        assert sim.authenticate(sub.reference, "123456").accepted
    outcome = sim.outcome(value.method, sub.reference)
    assert outcome.success == (value.result == SUCCEED)
    if not outcome.success:
        assert outcome.reason == value.result and outcome.error_code == "PAYMENT_FAILED"


def test_every_reason_is_described():
    for value in TEST_VALUES:
        for reason in value.reasons:
            assert reason in FAILURE_REASONS


@pytest.mark.parametrize("doc", ["README.md", "docs/api.md", "ui_dashboard/pages/docs.py"])
def test_the_published_tables_carry_every_row(doc):
    if doc.endswith(".py"):  # the dashboard renders the table from TEST_VALUES itself
        assert "TEST_VALUES" in (ROOT / doc).read_text()
        return
    text = (ROOT / doc).read_text()
    for value in TEST_VALUES:
        row = next((line for line in text.splitlines() if line.startswith("|") and f"`{value.shown}`" in line), None)
        assert row is not None, f"{doc} lacks {value.shown}"
        for reason in value.reasons:
            assert f"`{reason}`" in row, f"{doc}: {value.shown} lacks {reason}"


def test_random_failures_and_legacy_references_have_reasons():
    sim = SimulatedProcessor(config(test_mode=False, upi_success_rate=0.0, card_success_rate=0.0))
    upi = sim.submit(Attempt("upi", 100, "INR", vpa="someone@okaxis"))
    assert sim.outcome("upi", upi.reference).reason == "payment_declined"
    card = sim.submit(Attempt("card", 100, "INR", card_number="4111111111111111"))
    assert sim.outcome("card", card.reference).reason == "card_declined"
    assert sim.outcome("upi", "sim_decline_abcdef").reason == "payment_declined"
    assert sim.outcome("upi", "sim_approve_abcdef").success


def test_upi_require_approval_makes_every_other_upi_payment_wait_in_test_mode_only():
    attempt = Attempt("upi", 100, "INR", vpa="someone@okaxis")
    waiting = SimulatedProcessor(config(test_mode=True, upi_require_approval=True))
    sub = waiting.submit(attempt)
    assert sub.action == APPROVE
    assert waiting.answer_collect(sub.reference, True).accepted and waiting.outcome("upi", sub.reference).success
    assert not waiting.answer_collect(sub.reference, False).accepted
    assert SimulatedProcessor(config(test_mode=False, upi_require_approval=True)).submit(attempt).action is None
    assert SimulatedProcessor(config(test_mode=True)).submit(attempt).action is None
    card = Attempt("card", 100, "INR", card_number="4111111111111111")
    assert waiting.submit(card).action is None


def test_wait_timeouts_default_to_300_or_30_in_test_mode():
    assert (Config.from_env({}).authentication_timeout, Config.from_env({}).upi_collect_timeout) == (300, 300)
    test = Config.from_env({"TEST_MODE": "true"})
    assert (test.authentication_timeout, test.upi_collect_timeout) == (30, 30)
    assert Config.from_env({"TEST_MODE": "true", "AUTHENTICATION_TIMEOUT": "45"}).authentication_timeout == 45
