"""The hosted checkout (docs/api.md §7) in a real browser against the live stack."""
from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from tests.e2e.checkout_support import FINAL_TIMEOUT

FUTURE_EXPIRY = f"12/{(date.today().year + 3) % 100:02d}"


def open_checkout(page, stack, order_id: str, extra: str = ""):
    page.goto(f"{stack.checkout_url}/checkout?order_id={order_id}{extra}")
    return page


def payments_of(stack, order_id: str) -> list[dict]:
    r = stack.api("GET", f"/api/v1/payments?order_id={order_id}")
    assert r.status_code == 200, r.text
    return r.json()["data"]


def fill_card(page, number: str = "4111111111111111", expiry: str = FUTURE_EXPIRY, cvv: str = "123",
              name: str = "Asha Rao") -> None:
    page.get_by_test_id("card-number-input").press_sequentially(number)
    page.get_by_test_id("expiry-input").press_sequentially(expiry.replace("/", ""))
    page.get_by_test_id("cvv-input").fill(cvv)
    page.get_by_test_id("cardholder-name-input").fill(name)


def test_upi_payment_succeeds(stack, page, shoot):
    order = stack.create_order(50000)
    open_checkout(page, stack, order["id"])
    container = page.get_by_test_id("checkout-container")
    summary = container.get_by_test_id("order-summary")
    expect(summary.get_by_test_id("order-amount")).to_have_text("₹500.00")
    expect(summary.get_by_test_id("order-id")).to_have_text(order["id"])
    expect(container).to_contain_text("Test Merchant")
    methods = page.get_by_test_id("payment-methods")
    expect(methods.get_by_test_id("method-upi")).to_have_attribute("data-method", "upi")
    expect(methods.get_by_test_id("method-card")).to_have_attribute("data-method", "card")
    page.get_by_test_id("method-upi").click()
    form = page.get_by_test_id("upi-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("card-form")).to_have_count(0)
    vpa = form.get_by_test_id("vpa-input")
    assert vpa.evaluate("e => e.tagName") == "INPUT"
    assert form.get_by_test_id("pay-button").evaluate("e => e.tagName") == "BUTTON"
    expect(vpa).to_have_attribute("aria-label", "UPI ID")
    shoot(page, "checkout-upi-form")

    vpa.fill("success@test")
    form.get_by_test_id("pay-button").click()
    processing = page.get_by_test_id("processing-state")
    expect(processing.get_by_test_id("processing-message")).to_have_text("Processing payment...")
    shoot(page, "checkout-processing")

    success = page.get_by_test_id("success-state")
    expect(success).to_be_visible(timeout=FINAL_TIMEOUT)
    expect(success.get_by_test_id("success-message")).to_have_text("Your payment has been processed successfully")
    payment_id = success.get_by_test_id("payment-id").inner_text()
    assert payment_id.startswith("pay_")
    shoot(page, "checkout-success")
    paid = stack.api("GET", f"/api/v1/payments/{payment_id}").json()
    assert (paid["order_id"], paid["method"], paid["vpa"], paid["status"]) == (order["id"], "upi", "success@test",
                                                                              "success")
    assert stack.api("GET", f"/api/v1/orders/{order['id']}").json()["status"] == "paid"


def test_card_payment_succeeds_with_spacing_network_and_expiry(stack, page, shoot):
    order = stack.create_order(123456)
    open_checkout(page, stack, order["id"])
    expect(page.get_by_test_id("order-amount")).to_have_text("₹1,234.56")
    page.get_by_test_id("method-card").click()
    form = page.get_by_test_id("card-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("upi-form")).to_have_count(0)
    expect(page.get_by_test_id("vpa-input")).to_have_count(0)
    expect(page.get_by_test_id("method-card")).to_have_attribute("aria-pressed", "true")

    number = form.get_by_test_id("card-number-input")
    number.press_sequentially("411111")
    expect(number).to_have_value("4111 11")
    expect(page.get_by_test_id("card-network")).to_have_text("Visa")
    fill_card(page, number="1111111111")
    expect(number).to_have_value("4111 1111 1111 1111")
    expect(form.get_by_test_id("expiry-input")).to_have_value(FUTURE_EXPIRY)
    expect(form.get_by_test_id("expiry-input")).to_have_attribute("placeholder", "MM/YY")
    for test_id in ("card-number-input", "expiry-input", "cvv-input", "cardholder-name-input"):
        field = form.get_by_test_id(test_id)
        assert field.evaluate("e => e.tagName") == "INPUT"
        assert field.get_attribute("aria-label"), test_id
    shoot(page, "checkout-card-form")

    form.get_by_test_id("pay-button").click()
    success = page.get_by_test_id("success-state")
    expect(success).to_be_visible(timeout=FINAL_TIMEOUT)
    payment = stack.api("GET", f"/api/v1/payments/{success.get_by_test_id('payment-id').inner_text()}").json()
    assert (payment["method"], payment["card_network"], payment["card_last4"], payment["amount"]) == (
        "card", "visa", "1111", 123456)
    shoot(page, "checkout-card-success")
    log = stack.log_text("checkout")
    assert "4111111111111111" not in log and "4111 1111 1111 1111" not in log and "cvv" not in log.lower()


def test_failed_payment_then_try_again_then_success(stack, page, shoot):
    order = stack.create_order(50000)
    open_checkout(page, stack, order["id"])
    page.get_by_test_id("vpa-input").fill("failure@test")
    page.get_by_test_id("pay-button").click()
    error = page.get_by_test_id("error-state")
    expect(error).to_be_visible(timeout=FINAL_TIMEOUT)
    expect(error.get_by_test_id("error-message")).to_have_text("Payment processing failed")
    expect(error.get_by_test_id("retry-button")).to_have_text("Try Again")
    shoot(page, "checkout-error")

    error.get_by_test_id("retry-button").click()
    expect(page.get_by_test_id("upi-form")).to_be_visible()
    expect(page.get_by_test_id("error-state")).to_have_count(0)
    # The second attempt by keyboard only: the form's first field takes focus, Enter pays.
    vpa = page.get_by_test_id("vpa-input")
    expect(vpa).to_be_focused()
    expect(vpa).to_have_value("failure@test")  # kept from the first attempt
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("success@test")
    expect(vpa).to_have_value("success@test")
    page.keyboard.press("Enter")
    try:
        expect(page.get_by_test_id("success-state")).to_be_visible(timeout=FINAL_TIMEOUT)
    except AssertionError:
        shoot(page, "FAILED-checkout-retry")
        raise AssertionError(f"no success after retry; the page says: {page.inner_text('body')!r}")
    statuses = sorted(p["status"] for p in payments_of(stack, order["id"]))
    assert statuses == ["failed", "success"]


def test_invalid_inputs_are_shown_inline_and_nothing_is_sent(stack, page, shoot):
    order = stack.create_order(50000)
    open_checkout(page, stack, order["id"])
    vpa = page.get_by_test_id("vpa-input")
    vpa.fill("not a vpa")
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("upi-form")).to_contain_text("Enter a valid UPI ID")
    expect(vpa).to_have_attribute("aria-invalid", "true")
    expect(vpa).to_be_focused()
    page.wait_for_timeout(400)  # let the error messages finish fading in
    shoot(page, "checkout-upi-invalid")
    vpa.fill("shopper@okbank")
    vpa.blur()  # checked again when the shopper leaves the field
    expect(page.get_by_test_id("upi-form")).not_to_contain_text("Enter a valid UPI ID")
    expect(vpa).to_have_attribute("aria-invalid", "false")

    page.get_by_test_id("method-card").click()
    fill_card(page, number="4111111111111112", expiry="13/30", cvv="12", name="   ")
    page.get_by_test_id("pay-button").click()
    form = page.get_by_test_id("card-form")
    expect(form).to_contain_text("Enter a valid card number")
    expect(form).to_contain_text("Enter a month from 01 to 12")
    expect(form).to_contain_text("Enter the 3 or 4 digit CVV")
    expect(form).to_contain_text("Enter the name on the card")
    page.wait_for_timeout(400)
    shoot(page, "checkout-card-invalid")
    page.get_by_test_id("expiry-input").fill("")
    page.get_by_test_id("expiry-input").press_sequentially("0120")
    page.get_by_test_id("expiry-input").blur()
    expect(form).to_contain_text("This card has expired")
    assert payments_of(stack, order["id"]) == []


@pytest.mark.parametrize("query, title", [("?order_id=order_DoesNotExist0001", "Order not found"),
                                          ("", "No order to pay")])
def test_unknown_or_missing_order_gets_a_clear_page(stack, page, shoot, query, title):
    page.goto(f"{stack.checkout_url}/checkout{query}")
    error = page.get_by_test_id("order-error")
    expect(error.get_by_test_id("order-error-title")).to_have_text(title)
    expect(page.get_by_test_id("payment-methods")).to_have_count(0)
    expect(page.get_by_test_id("pay-button")).to_have_count(0)
    shoot(page, "checkout-order-not-found" if query else "checkout-order-missing")
    if not query:
        page.goto(stack.checkout_url + "/")  # `/` leads to the checkout page
        assert page.url == stack.checkout_url + "/checkout"


ODD_IDS = ["x/", "x%2F", "order_DoesNotExist0001/", ".", "..", "../../health", "a" * 1000, "😀", "order_😀😀😀😀😀😀😀😀"]


def test_odd_ids_get_the_order_not_found_page_never_an_error(stack, page, shoot):
    """Slashes, dots, 1,000 characters, emoji: an id that names no order is "Order not found"; a
    payment_id that names no payment of the order leaves its form."""
    from urllib.parse import quote

    for odd in ODD_IDS:
        response = page.goto(f"{stack.checkout_url}/checkout?order_id={quote(odd, safe='')}")
        assert response.status == 200, odd
        expect(page.get_by_test_id("order-error")).to_have_attribute("data-reason", "not_found")
        expect(page.get_by_test_id("order-error-title")).to_have_text("Order not found")
    order = stack.create_order(50000)
    for odd in ODD_IDS[:4] + ["pay_DoesNotExist00001"]:
        response = page.goto(f"{stack.checkout_url}/checkout?order_id={order['id']}&payment_id={quote(odd, safe='')}")
        assert response.status == 200, odd
        expect(page.get_by_test_id("upi-form")).to_be_visible()
    shoot(page, "checkout-odd-payment-id")
    assert "Traceback" not in stack.log_text("checkout")


def test_paid_order_offers_nothing_to_pay_even_if_paid_while_the_page_is_open(stack, page, shoot):
    order = stack.create_order(50000)
    open_checkout(page, stack, order["id"])
    expect(page.get_by_test_id("upi-form")).to_be_visible()
    stack.wait_payment(stack.pay_upi(order["id"])["id"])  # paid elsewhere meanwhile
    page.get_by_test_id("vpa-input").fill("success@test")
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("order-paid")).to_be_visible()  # the API refused: nobody is charged twice
    assert len(payments_of(stack, order["id"])) == 1

    page.reload()
    expect(page.get_by_test_id("order-paid")).to_contain_text("already been paid")
    expect(page.get_by_test_id("order-amount")).to_have_text("₹500.00")
    expect(page.get_by_test_id("payment-methods")).to_have_count(0)
    expect(page.get_by_test_id("pay-button")).to_have_count(0)
    shoot(page, "checkout-order-paid")


def test_reload_while_processing_resumes_the_same_payment(stack, page):
    order = stack.create_order(50000)
    open_checkout(page, stack, order["id"])
    page.get_by_test_id("vpa-input").fill("success@test")
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("processing-state")).to_be_visible()
    page.wait_for_url("**payment_id=pay_*")
    page.reload()
    expect(page.get_by_test_id("success-state")).to_be_visible(timeout=FINAL_TIMEOUT)
    assert len(payments_of(stack, order["id"])) == 1


def test_phone_width(stack, mobile_page, shoot):
    order = stack.create_order(99900)
    open_checkout(mobile_page, stack, order["id"])
    mobile_page.get_by_test_id("method-card").click()
    expect(mobile_page.get_by_test_id("card-form")).to_be_visible()
    assert mobile_page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(mobile_page, "checkout-mobile-card-form")
