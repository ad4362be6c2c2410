"""The pure money rules (backend/domain/rules.py) and the idempotency fingerprint, on plain values and an
in-memory fake of a payment with its refunds: no store, no process, milliseconds. The same rules are proven
again over HTTP on the real stores (tests/api/test_orders_payments.py, tests/worker/test_refunds.py)."""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backend.domain import errors, rules
from backend.domain.status import OrderStatus, PaymentStatus, RefundStatus, move
from backend.services.idempotency import request_fingerprint

PAYMENT_STATUSES = [s.value for s in PaymentStatus]
ORDER_STATUSES = [s.value for s in OrderStatus]
amounts = st.integers(min_value=100, max_value=10**9)
# No deadline: a busy shared machine must not turn a slow example into a failure; no example database in
# the work tree.
relaxed = settings(deadline=None, database=None)


# ---------- capture ----------

def test_capture_refusals_in_the_contracts_order():
    assert rules.capture_refusal("pending", False, 5000, 5000) == "Payment not in capturable state"
    assert rules.capture_refusal("failed", False, 5000, 5000) == "Payment not in capturable state"
    assert rules.capture_refusal("success", True, 5000, 5000) == "Payment already captured"
    assert rules.capture_refusal("success", True, 5000, 10) == "Payment already captured"
    assert rules.capture_refusal("success", False, 5000, 4999) == "Capture amount must equal the payment amount"
    assert rules.capture_refusal("success", False, 5000, 5000) is None


@relaxed
@given(st.sampled_from(PAYMENT_STATUSES), st.booleans(), amounts, st.integers(-10**9, 10**9))
def test_capture_is_allowed_exactly_once_in_full_on_success(status, captured, amount, requested):
    allowed = rules.capture_refusal(status, captured, amount, requested) is None
    assert allowed == (status == "success" and not captured and requested == amount)


# ---------- order already paid ----------

@relaxed
@given(st.sampled_from(ORDER_STATUSES))
def test_a_paid_order_takes_no_new_payment(order_status):
    refusal = rules.payment_refusal(order_status)
    assert refusal == ("Order already paid" if order_status == "paid" else None)


@relaxed
@given(st.booleans(), st.sampled_from([None, *errors.FAILURE_REASONS]), st.sampled_from(ORDER_STATUSES))
def test_settlement(success, reason, order_status):
    failure = rules.settlement_failure(success, reason, order_status)
    if not success:
        assert failure == (reason or errors.PAYMENT_DECLINED)
    elif order_status == "paid":
        assert failure == errors.ORDER_ALREADY_PAID
    else:
        assert failure is None
    assert failure is None or failure in errors.FAILURE_REASONS  # payments._fail looks every reason up


@dataclass
class FakeOrder:
    status: str = OrderStatus.CREATED.value
    payments: list[str] = field(default_factory=list)

    def settle(self, success: bool) -> str:
        """One pending payment's outcome, as services.payments.process_payment applies it under the lock."""
        if rules.settlement_failure(success, None, self.status) is None:
            self.status = move(self.status, OrderStatus.PAID)
            self.payments.append("success")
        else:
            self.payments.append("failed")
        return self.payments[-1]


@relaxed
@given(st.lists(st.booleans(), min_size=1, max_size=20))
def test_an_order_is_paid_by_at_most_one_payment(outcomes):
    order = FakeOrder(status=OrderStatus.ATTEMPTED.value)
    for success in outcomes:
        order.settle(success)
    assert order.payments.count("success") == (1 if any(outcomes) else 0)
    assert order.status == ("paid" if any(outcomes) else "attempted")


# ---------- refund limits ----------

def test_refund_refusals():
    assert rules.refund_refusal("pending", 5000, 0, 100) == "Payment not in refundable state"
    assert rules.refund_refusal("failed", 5000, 0, 100) == "Payment not in refundable state"
    assert rules.refund_refusal("success", 5000, 4000, 1001) == "Refund amount exceeds available amount"
    assert rules.refund_refusal("success", 5000, 4000, 1000) is None
    assert rules.refundable("success", 5000, 4000) == 1000 and rules.refundable("success", 5000, 6000) == 0
    assert rules.refundable("pending", 5000, 0) == 0 and rules.refundable("failed", 5000, 0) == 0


@dataclass
class FakePayment:
    """A payment and its refunds in memory, moved by the rules as services.refunds moves the rows."""
    amount: int
    status: str = PaymentStatus.SUCCESS.value
    refunds: list[list] = field(default_factory=list)  # [amount, status]

    def total(self, *statuses: RefundStatus, exclude: int | None = None) -> int:
        return sum(a for i, (a, s) in enumerate(self.refunds) if s in {x.value for x in statuses} and i != exclude)

    def create(self, amount: int) -> str | None:
        refused = rules.refund_refusal(self.status, self.amount,
                                       self.total(RefundStatus.PENDING, RefundStatus.PROCESSED), amount)
        if refused is None:
            self.refunds.append([amount, RefundStatus.PENDING.value])
        return refused

    def process(self, index: int) -> str:
        amount, status = self.refunds[index]
        if status != RefundStatus.PENDING.value:
            return status
        settles = rules.refund_settles(self.status, self.amount, self.total(RefundStatus.PROCESSED, exclude=index),
                                       amount)
        new = RefundStatus.PROCESSED if settles else RefundStatus.FAILED
        self.refunds[index][1] = move(status, new)
        return self.refunds[index][1]


steps = st.lists(st.one_of(st.tuples(st.just("refund"), st.integers(1, 6000)),
                           st.tuples(st.just("process"), st.integers(0, 30))), max_size=40)


@settings(relaxed, max_examples=100)
@given(st.integers(100, 5000), steps)
def test_refunds_never_exceed_the_payment(amount, plan):
    payment = FakePayment(amount)
    for action, n in plan:
        if action == "refund":
            before = payment.total(RefundStatus.PENDING, RefundStatus.PROCESSED)
            refused = payment.create(n)
            assert (refused is None) == (n <= amount - before)
        elif payment.refunds:
            payment.process(n % len(payment.refunds))
        assert payment.total(RefundStatus.PENDING, RefundStatus.PROCESSED) <= amount
    for i in range(len(payment.refunds)):
        assert payment.process(i) == RefundStatus.PROCESSED.value  # what was accepted always settles
    assert payment.total(RefundStatus.PROCESSED) <= amount


@relaxed
@given(st.sampled_from(["pending", "failed"]), st.integers(1, 5000))
def test_a_refund_of_a_payment_that_is_no_longer_successful_fails(status, amount):
    assert rules.refund_settles(status, 5000, 0, amount) is False
    assert rules.refund_settles("success", 5000, 5000 - amount, amount) is True
    assert rules.refund_settles("success", 5000, 5001 - amount, amount) is False


# ---------- idempotency fingerprints (docs/api.md §3) ----------

KEY = b"k" * 32
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                                      max_size=4),
                           max_leaves=6)


@settings(relaxed, max_examples=40)
@given(st.dictionaries(st.text(max_size=8), json_values, max_size=6), st.randoms(use_true_random=False))
def test_equal_json_is_the_same_request_whatever_its_spacing_and_key_order(body, random):
    items = list(body.items())
    random.shuffle(items)
    compact = json.dumps(body, separators=(",", ":")).encode()
    spaced = json.dumps(dict(items), indent=2).encode()
    assert request_fingerprint("POST", "/api/v1/orders", compact, KEY) == \
        request_fingerprint("POST", "/api/v1/orders", spaced, KEY)


@settings(relaxed, max_examples=40)
@given(st.dictionaries(st.text(max_size=8), json_values, min_size=1, max_size=6))
def test_the_fingerprint_tells_method_path_body_and_key_apart(body):
    raw = json.dumps(body).encode()
    base = request_fingerprint("POST", "/api/v1/orders", raw, KEY)
    assert request_fingerprint("PUT", "/api/v1/orders", raw, KEY) != base
    assert request_fingerprint("POST", "/api/v1/payments", raw, KEY) != base
    assert request_fingerprint("POST", "/api/v1/orders", raw, b"x" * 32) != base
    assert request_fingerprint("POST", "/api/v1/orders", json.dumps({**body, "\x00": 1}).encode(), KEY) != base


@pytest.mark.parametrize("body", [b"", b"not json", b"{\"a\": 1", b"\xff\xfe"])
def test_a_body_that_is_not_json_is_compared_byte_for_byte(body):
    first = request_fingerprint("POST", "/p", body, KEY)
    assert first == request_fingerprint("POST", "/p", body, KEY)
    assert first != request_fingerprint("POST", "/p", body + b" ", KEY)
    assert first != request_fingerprint("POST", "/p", body, b"x" * 32)
