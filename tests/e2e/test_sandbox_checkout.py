"""Every row of the sandbox's test values table, in a real browser, through the hosted checkout and through
checkout.js on another origin, with a screenshot of each state: failure reasons shown to the shopper,
3-D Secure (right OTP, wrong three times, cancel, timeout), UPI collect (approve, decline, expiry).
The test stack's AUTHENTICATION_TIMEOUT and UPI_COLLECT_TIMEOUT are 12 s (harness/stack.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pytest
from playwright.sync_api import expect

from backend.domain.errors import shopper_message
from tests.e2e.checkout_support import FINAL_TIMEOUT
from tests.e2e.test_checkout import FUTURE_EXPIRY, fill_card, open_checkout
from tests.e2e.test_widget import events, merchant, open_widget  # noqa: F401  (merchant: the shop fixture)
from ui_checkout.waits import qr_data_uri

WAIT_TIMEOUT = 30_000  # ms: a 12 s deadline, the worker's job at it, a 2 s poll, a busy machine


@dataclass(frozen=True)
class Flow:
    name: str
    method: str
    value: str
    result: str  # "success" or the error_reason
    act: Callable | None = None  # drives the waiting state: (frame, page, shoot, name)
    widget: bool = True  # also through checkout.js (one flow per row of the table there)
    retry: bool = False  # then Try Again: a new attempt on the same order (a few flows suffice)


def otp(answers: list[str]):
    def act(frame, page, shoot, name):
        state = frame.get_by_test_id("authentication-state")
        expect(state).to_be_visible()
        expect(state.get_by_test_id("authentication-bank")).to_have_text("PayGate Test Bank")
        timer = state.get_by_test_id("authentication-timer")
        first = timer.inner_text()
        expect(timer).not_to_have_text(first, timeout=5000)  # it ticks
        expect(state.get_by_test_id("otp-cancel-button")).to_be_visible()
        shoot(page, f"{name}-authentication")
        for i, code in enumerate(answers):
            state.get_by_test_id("otp-input").fill(code)
            state.get_by_test_id("otp-submit-button").click()
            if code != "123456" and i < 2:
                expect(state.get_by_test_id("otp-error")).to_have_text(
                    f"Incorrect password. {2 - i} attempt{'s' if 2 - i != 1 else ''} left.")
                shoot(page, f"{name}-wrong-otp-{i + 1}")
    return act


def cancel(frame, page, shoot, name):
    expect(frame.get_by_test_id("authentication-state")).to_be_visible()
    frame.get_by_test_id("otp-cancel-button").click()


def wait_out_authentication(frame, page, shoot, name):
    expect(frame.get_by_test_id("authentication-state")).to_be_visible()
    shoot(page, f"{name}-authentication")


def upi_app(answer: str | None):
    def act(frame, page, shoot, name):
        state = frame.get_by_test_id("upi-waiting-state")
        expect(state).to_be_visible()
        qr = state.get_by_test_id("upi-qr")
        intent = qr.get_attribute("data-intent")
        assert intent.startswith("upi://pay?pa=") and "&am=500.00&" in intent and intent.endswith("&cu=INR")
        assert qr.get_attribute("src") == qr_data_uri(intent)  # the QR code is of that very link
        countdown = state.get_by_test_id("upi-countdown")
        first = countdown.inner_text()
        expect(countdown).not_to_have_text(first, timeout=5000)
        shoot(page, f"{name}-upi-waiting")
        if answer is None:
            return
        with page.context.expect_page() as popup:
            state.get_by_test_id("upi-app-link").click()
        app = popup.value
        app.get_by_test_id(f"upi-{answer}-button").click()
        expect(app.get_by_test_id("upi-app-result")).to_be_visible()
        shoot(app, f"{name}-upi-app")
        app.close()
    return act


THREE_DS, THREE_DS_DECLINE = "4000002760003184", "4000008260003178"
FLOWS = [
    Flow("upi-success", "upi", "success@test", "success"),
    Flow("upi-failure", "upi", "failure@test", "payment_declined", retry=True),
    Flow("upi-approve", "upi", "approve@test", "success", upi_app("approve")),
    Flow("upi-decline", "upi", "approve@test", "payment_declined", upi_app("decline"), widget=False),
    Flow("upi-expiry", "upi", "approve@test", "payment_timeout", upi_app(None), widget=False),
    Flow("upi-timeout", "upi", "timeout@test", "payment_timeout", upi_app(None)),
    Flow("card-success", "card", "4242424242424242", "success"),
    Flow("card-declined", "card", "4000000000000002", "card_declined"),
    Flow("card-insufficient", "card", "4000000000009995", "insufficient_funds", retry=True),
    Flow("card-expired", "card", "4000000000000069", "expired_card"),
    Flow("card-cvc", "card", "4000000000000127", "incorrect_cvc"),
    Flow("card-processing", "card", "4000000000000119", "processing_error"),
    Flow("3ds-right-otp", "card", THREE_DS, "success", otp(["123456"])),
    Flow("3ds-wrong-otp", "card", THREE_DS, "authentication_failed", otp(["000000", "111111", "222222"]),
         widget=False),
    Flow("3ds-cancel", "card", THREE_DS, "authentication_cancelled", cancel, widget=False, retry=True),
    Flow("3ds-timeout", "card", THREE_DS, "authentication_timeout", wait_out_authentication, widget=False),
    Flow("3ds-declined", "card", THREE_DS_DECLINE, "insufficient_funds", otp(["wrong1", "123456"])),
]
CASES = [pytest.param(f, "hosted", id=f"hosted-{f.name}") for f in FLOWS] + [
    pytest.param(f, "widget", id=f"widget-{f.name}") for f in FLOWS if f.widget]


def pay(frame, flow: Flow) -> None:
    """Fill the form and pay. On a form shown again by Try Again, the server may still be sending the
    previous values when typing starts (see Checkout.field): what was typed is checked before paying."""
    if flow.method == "card":
        frame.get_by_test_id("method-card").click()
    for _ in range(3):
        if flow.method == "upi":
            field, shown = frame.get_by_test_id("vpa-input"), flow.value
            field.fill(flow.value)
        else:
            field, shown = frame.get_by_test_id("card-number-input"), " ".join(
                flow.value[i:i + 4] for i in range(0, len(flow.value), 4))
            field.fill("")
            fill_card(frame, number=flow.value, expiry=FUTURE_EXPIRY)
        try:
            expect(field).to_have_value(shown, timeout=1500)
            break
        except AssertionError:
            continue
    frame.get_by_test_id("pay-button").click()


@pytest.mark.parametrize("flow,surface", CASES)
def test_test_value(stack, merchant, page, shoot, flow, surface):  # noqa: F811  (merchant)
    order = stack.create_order(50000)
    name = f"sandbox-{surface}-{flow.name}"
    if surface == "hosted":
        open_checkout(page, stack, order["id"])
        frame = page
    else:
        frame = open_widget(page, merchant, order["id"])
    expect(frame.get_by_test_id("test-mode-banner")).to_be_visible()
    pay(frame, flow)
    if flow.act:
        flow.act(frame, page, shoot, name)
    if flow.result == "success":
        succeeded(stack, page, frame, surface, order, 1, WAIT_TIMEOUT)
        shoot(page, f"{name}-success")
        return
    error = frame.get_by_test_id("error-state")
    expect(error).to_be_visible(timeout=WAIT_TIMEOUT)
    [payment] = stack.api("GET", f"/api/v1/payments?order_id={order['id']}").json()["data"]
    expect(error.get_by_test_id("error-message")).to_have_text("Payment processing failed")
    reason = error.get_by_test_id("error-reason")
    expect(reason).to_have_attribute("data-reason", flow.result)
    expect(reason).to_have_text(shopper_message(flow.result))
    shoot(page, f"{name}-error")
    final = stack.api("GET", f"/api/v1/payments/{payment['id']}").json()
    assert (final["status"], final["error_code"], final["error_reason"]) == ("failed", "PAYMENT_FAILED", flow.result)
    if surface == "widget":
        page.wait_for_function("window.events.length >= 1", timeout=FINAL_TIMEOUT)
        [failure] = events(page)
        assert failure["kind"] == "failure"
        assert (failure["data"]["paymentId"], failure["data"]["error"], failure["data"]["reason"]) == (
            payment["id"], "Payment processing failed", flow.result)
        assert failure["data"]["description"] == shopper_message(flow.result)
    if not flow.retry:
        return
    # Try again: a new attempt on the same order
    error.get_by_test_id("retry-button").click()
    expect(frame.get_by_test_id("upi-form" if flow.method == "upi" else "card-form")).to_be_visible()
    if surface == "hosted":  # the failed payment has left the address: a reload would not bring it back
        expect(page).not_to_have_url(re.compile("payment_id="))
    pay(frame, FLOWS[0] if flow.method == "upi" else FLOWS[6])
    succeeded(stack, page, frame, surface, order, 2, WAIT_TIMEOUT)


def succeeded(stack, page, frame, surface, order, attempts: int, timeout: int) -> None:
    """The last attempt on the order succeeded, as the shopper and the merchant's page see it."""
    if surface == "hosted":
        expect(frame.get_by_test_id("success-state")).to_be_visible(timeout=timeout)
    else:  # checkout.js calls onSuccess, then closes (and calls onClose)
        page.wait_for_function("window.events.filter(e => e.kind === 'success').length >= 1", timeout=timeout)
    payments = stack.api("GET", f"/api/v1/payments?order_id={order['id']}").json()["data"]
    assert len(payments) == attempts and payments[0]["status"] == "success"


def test_next_action_url_authenticates_and_returns_to_the_merchant(stack, merchant, page, shoot):  # noqa: F811
    order = stack.create_order(50000)
    r = stack.api("POST", "/api/v1/payments", {
        "order_id": order["id"], "method": "card", "return_url": f"{merchant}/blank.html?cart=7",
        "card": {"number": THREE_DS, "expiry_month": "12", "expiry_year": "2035", "cvv": "123",
                 "holder_name": "Asha"}})
    payment = r.json()
    page.goto(payment["next_action"]["url"])
    state = page.get_by_test_id("authentication-state")
    expect(state).to_be_visible()
    shoot(page, "sandbox-next-action-authentication")
    state.get_by_test_id("otp-input").fill("123456")
    state.get_by_test_id("otp-submit-button").click()
    expect(page.get_by_test_id("success-state")).to_be_visible(timeout=FINAL_TIMEOUT)
    page.wait_for_url(f"{merchant}/blank.html?cart=7&payment_id={payment['id']}&status=success",
                      timeout=FINAL_TIMEOUT)
