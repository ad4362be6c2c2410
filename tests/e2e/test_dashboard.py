"""The merchant dashboard in a real browser against the live stack (API, worker, checkout, dashboard)."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import secrets

import pytest
import requests
from playwright.sync_api import Page, expect

from backend.domain.money import format_whole
from harness.receiver import Receiver
from harness.stack import TEST_KEY, TEST_SECRET

PASSWORD = "correct horse battery"
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")


# ---------- helpers ----------
def signup(stack, name: str = "Masala Mart") -> dict:
    email = f"{name.lower().replace(' ', '-')}-{secrets.token_hex(3)}@example.test"
    r = stack.api("POST", "/api/v1/auth/signup", {"name": name, "email": email, "password": PASSWORD}, auth=False)
    assert r.status_code == 201, r.text
    body = r.json()
    body["headers"] = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    return body


def login(page: Page, base: str, email: str = "test@example.com", password: str = "anything at all") -> None:
    page.goto(base + "/login")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(password)
    page.get_by_test_id("login-button").click()
    page.wait_for_url(base + "/dashboard")
    expect(page.get_by_test_id("dashboard")).to_be_visible()


def pay(stack, amount: int, vpa: str, headers: dict | None = None) -> dict:
    order = stack.create_order(amount, headers=headers)
    return stack.pay_upi(order["id"], vpa, headers=headers)


def rows(page: Page):
    return page.get_by_test_id("transaction-row")


@pytest.fixture(scope="module")
def dash(stack) -> str:
    return stack.dashboard_url


@pytest.fixture(scope="module")
def shop(stack) -> dict:
    """A merchant of its own with 12 final payments: 9 successful UPI, 3 failed."""
    m = signup(stack, "Paper Boat")
    created = [pay(stack, 10000 + i * 100, "failure@test" if i % 4 == 1 else "success@test", m["headers"])
               for i in range(12)]
    m["payments"] = [stack.wait_payment(p["id"], headers=m["headers"]) for p in created]
    return m


@pytest.fixture
def receiver():
    r = Receiver()
    yield r
    r.close()


# ---------- sign in, sign up, sign out ----------
def test_login_with_the_seeded_merchant_shows_real_keys_and_stats(page: Page, stack, dash, shoot):
    page.goto(dash + "/")
    expect(page).to_have_url(dash + "/login")
    expect(page.get_by_test_id("login-form")).to_be_visible()
    expect(page.get_by_test_id("email-input")).to_have_attribute("type", "email")
    expect(page.get_by_test_id("password-input")).to_have_attribute("type", "password")
    shoot(page, "dashboard-login")
    login(page, dash)
    expect(page.get_by_test_id("api-key")).to_have_text(TEST_KEY)
    expect(page.get_by_test_id("api-secret")).to_have_text(TEST_SECRET)
    stats = stack.api("GET", "/api/v1/stats").json()
    container = page.get_by_test_id("stats-container")
    expect(container.get_by_test_id("total-transactions")).to_have_text(str(stats["total_transactions"]))
    expect(container.get_by_test_id("total-amount")).to_have_text(format_whole(stats["total_amount"]))
    expect(container.get_by_test_id("success-rate")).to_have_text(re.compile(r"^\d{1,3}%$"))
    expect(page.locator("[data-test-id=volume-chart] canvas").first).to_be_visible()
    shoot(page, "dashboard-home")


def test_stats_change_after_payments(page: Page, stack, dash):
    login(page, dash)
    before = stack.api("GET", "/api/v1/stats").json()
    expect(page.get_by_test_id("total-transactions")).to_have_text(str(before["total_transactions"]))
    paid = [pay(stack, 250000, "success@test"), pay(stack, 100000, "failure@test")]
    for p in paid:
        stack.wait_payment(p["id"])
    after = stack.api("GET", "/api/v1/stats").json()
    assert after["total_transactions"] == before["total_transactions"] + 2
    assert after["total_amount"] == before["total_amount"] + 250000
    page.reload()
    expect(page.get_by_test_id("total-transactions")).to_have_text(str(after["total_transactions"]))
    expect(page.get_by_test_id("total-amount")).to_have_text(format_whole(after["total_amount"]))
    rate = int(after["success_rate"] + 0.5)
    expect(page.get_by_test_id("success-rate")).to_have_text(f"{rate}%")


def test_signup_gives_own_keys_and_no_foreign_data(page: Page, stack, dash, shoot):
    page.goto(dash + "/login")
    page.get_by_test_id("signup-link").click()
    expect(page).to_have_url(dash + "/signup")
    email = f"new-{secrets.token_hex(3)}@example.test"
    page.get_by_test_id("name-input").fill("Fresh Fruits")
    page.get_by_test_id("email-input").fill(email)
    page.get_by_test_id("password-input").fill(PASSWORD)
    shoot(page, "dashboard-signup")
    page.get_by_test_id("signup-button").click()
    page.wait_for_url(dash + "/dashboard")
    key = page.get_by_test_id("api-key").inner_text()
    assert key.startswith("key_test_") and key != TEST_KEY
    assert page.get_by_test_id("api-secret").inner_text() not in ("", TEST_SECRET)
    expect(page.get_by_test_id("total-transactions")).to_have_text("0")
    expect(page.get_by_test_id("total-amount")).to_have_text("₹0")
    expect(page.get_by_test_id("success-rate")).to_have_text("0%")
    page.get_by_test_id("nav-transactions").click()
    expect(page.get_by_test_id("transactions-table")).to_contain_text("No payments yet")
    expect(rows(page)).to_have_count(0)
    page.get_by_test_id("nav-webhooks").click()
    expect(page.get_by_test_id("webhook-logs-table")).to_contain_text("No deliveries yet")
    expect(page.get_by_test_id("webhook-log-item")).to_have_count(0)
    page.get_by_test_id("logout-button").click()
    expect(page).to_have_url(dash + "/login")
    page.goto(dash + "/dashboard")
    expect(page).to_have_url(dash + "/login")


TRANSACTION_HEADERS = ["Payment ID", "Order ID", "Amount", "Method", "Status", "Created"]
WEBHOOK_HEADERS = ["Event", "Status", "Attempts", "Last Attempt", "Response Code", "Actions"]


def header_texts(page: Page, test_id: str) -> list[str]:
    """What the browser reads (innerText applies CSS text-transform; textContent would not)."""
    page.locator(f"[data-test-id={test_id}] th").first.wait_for()
    return page.eval_on_selector_all(f"[data-test-id={test_id}] th", "ths => ths.map(th => th.innerText)")


def test_table_headers_read_as_the_contract_says(page: Page, dash):
    login(page, dash)
    page.get_by_test_id("nav-transactions").click()
    assert header_texts(page, "transactions-table") == TRANSACTION_HEADERS
    page.get_by_test_id("nav-webhooks").click()
    assert header_texts(page, "webhook-logs-table") == WEBHOOK_HEADERS


def test_the_dashboard_cannot_be_framed(dash):
    r = requests.get(dash + "/login", timeout=10)
    assert r.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]


# ---------- transactions ----------
def test_transactions_table_rows_filters_pagination_search_and_csv(page: Page, stack, dash, shop, shoot):
    login(page, dash, shop["merchant"]["email"], PASSWORD)
    page.get_by_test_id("nav-transactions").click()
    table = page.get_by_test_id("transactions-table")
    expect(table.locator("th")).to_have_text(TRANSACTION_HEADERS)
    expect(rows(page)).to_have_count(10)
    expect(page.get_by_test_id("pagination-info")).to_have_text("Showing 1–10 of 12")
    by_id = {p["id"]: p for p in shop["payments"]}
    for row in rows(page).all():
        payment = by_id[row.get_attribute("data-payment-id")]
        assert row.get_by_test_id("payment-id").inner_text() == payment["id"]
        assert row.get_by_test_id("order-id").inner_text() == payment["order_id"]
        assert row.get_by_test_id("amount").inner_text() == str(payment["amount"])
        assert row.get_by_test_id("method").inner_text() == "upi"
        assert row.get_by_test_id("status").inner_text() == payment["status"]
        assert TIMESTAMP.match(row.get_by_test_id("created-at").inner_text())
    shown = [r.get_attribute("data-payment-id") for r in rows(page).all()]
    created = [by_id[pid]["created_at"] for pid in shown]
    assert created == sorted(created, reverse=True)  # newest first
    shoot(page, "dashboard-transactions")

    page.get_by_test_id("next-page-button").click()
    expect(page.get_by_test_id("pagination-info")).to_have_text("Showing 11–12 of 12")
    expect(rows(page)).to_have_count(2)
    assert not set(shown) & {r.get_attribute("data-payment-id") for r in rows(page).all()}
    page.get_by_test_id("prev-page-button").click()
    expect(rows(page)).to_have_count(10)

    page.get_by_test_id("status-filter").select_option("failed")
    expect(rows(page)).to_have_count(3)
    expect(rows(page).get_by_test_id("status")).to_have_text(["failed"] * 3)
    with page.expect_download() as download:
        page.get_by_test_id("export-csv-button").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert sorted(r["id"] for r in exported) == sorted(p["id"] for p in shop["payments"] if p["status"] == "failed")
    assert {r["amount"] for r in exported} <= {str(p["amount"]) for p in shop["payments"]}

    page.get_by_test_id("method-filter").select_option("card")
    expect(table).to_contain_text("No payments match these filters")
    page.get_by_test_id("method-filter").select_option("")
    page.get_by_test_id("status-filter").select_option("")
    expect(rows(page)).to_have_count(10)
    page.get_by_test_id("date-from-filter").fill("2099-01-01")
    expect(table).to_contain_text("No payments match these filters")
    page.get_by_test_id("date-from-filter").fill(shop["payments"][0]["created_at"][:10])
    expect(page.get_by_test_id("pagination-info")).to_have_text("Showing 1–10 of 12")
    page.get_by_test_id("date-from-filter").fill("")

    target = shop["payments"][5]
    page.get_by_test_id("search-input").fill(target["id"])
    page.get_by_test_id("search-input").press("Enter")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_have_attribute("data-payment-id", target["id"])
    page.get_by_test_id("search-input").fill(shop["payments"][7]["order_id"])
    page.get_by_test_id("search-button").click()
    expect(rows(page)).to_have_count(1)
    expect(rows(page).get_by_test_id("order-id")).to_have_text(shop["payments"][7]["order_id"])

    page.get_by_test_id("search-input").fill("")
    page.get_by_test_id("search-button").click()
    expect(rows(page)).to_have_count(10)
    with page.expect_download() as download:
        page.get_by_test_id("export-csv-button").click()
    exported = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    assert sorted(r["id"] for r in exported) == sorted(by_id)


def test_capture_and_refund_from_the_detail_panel(page: Page, stack, dash, shop, shoot):
    payment = next(p for p in shop["payments"] if p["status"] == "success" and not p["captured"])
    login(page, dash, shop["merchant"]["email"], PASSWORD)
    page.goto(dash + "/dashboard/transactions")
    page.get_by_test_id("search-input").fill(payment["id"])
    page.get_by_test_id("search-input").press("Enter")
    expect(rows(page)).to_have_count(1)
    rows(page).first.click()
    panel = page.get_by_test_id("payment-detail")
    expect(panel.get_by_test_id("detail-payment-id")).to_have_text(payment["id"])
    panel.get_by_test_id("capture-button").click()
    expect(panel.get_by_test_id("detail-captured")).to_be_visible()
    expect(panel.get_by_test_id("capture-button")).to_have_count(0)
    assert stack.api("GET", f"/api/v1/payments/{payment['id']}", headers=shop["headers"]).json()["captured"]

    too_much = f"{payment['amount'] / 100 + 1:.2f}"
    panel.get_by_test_id("refund-amount-input").fill(too_much)
    panel.get_by_test_id("refund-button").click()
    expect(panel.get_by_test_id("detail-error")).to_have_text("Refund amount exceeds available amount")

    panel.get_by_test_id("refund-amount-input").fill("25")
    panel.get_by_test_id("refund-reason-input").fill("Damaged in transit")
    panel.get_by_test_id("refund-button").click()
    expect(panel.get_by_test_id("refund-row")).to_have_count(1)
    expect(panel.get_by_test_id("refund-row")).to_contain_text("processed", timeout=15000)  # panel polls
    refunds = stack.api("GET", f"/api/v1/payments/{payment['id']}/refunds", headers=shop["headers"]).json()["data"]
    assert [(r["amount"], r["reason"]) for r in refunds] == [(2500, "Damaged in transit")]
    page.wait_for_timeout(400)
    shoot(page, "dashboard-payment-detail")


# ---------- webhooks ----------
def test_webhook_url_secret_test_event_and_retry(page: Page, stack, dash, receiver, shoot):
    m = signup(stack, "Hook Shop")
    login(page, dash, m["merchant"]["email"], PASSWORD)
    page.get_by_test_id("nav-webhooks").click()
    config = page.get_by_test_id("webhook-config")
    form = config.get_by_test_id("webhook-config-form")
    expect(form.get_by_test_id("webhook-url-input")).to_have_attribute("type", "url")
    expect(form.get_by_test_id("webhook-secret")).to_have_value(m["merchant"]["webhook_secret"])

    form.get_by_test_id("webhook-url-input").fill("ftp://example.com/hook")
    form.get_by_test_id("save-webhook-button").click()
    expect(page.get_by_test_id("webhook-config-error")).to_be_visible()
    assert stack.api("GET", "/api/v1/merchant", headers=m["headers"]).json()["webhook_url"] is None

    hook = receiver.url + "/webhooks/paygate"
    form.get_by_test_id("webhook-url-input").fill(hook)
    form.get_by_test_id("save-webhook-button").click()
    expect(page.get_by_test_id("webhook-config-error")).to_be_hidden()
    stack.wait_until(lambda: stack.api("GET", "/api/v1/merchant", headers=m["headers"]).json()["webhook_url"]
                     == hook, 5, "the URL to be saved")

    form.get_by_test_id("regenerate-secret-button").click()
    page.get_by_test_id("confirm-regenerate-button").click()
    expect(form.get_by_test_id("webhook-secret")).not_to_have_value(m["merchant"]["webhook_secret"])
    secret = stack.api("GET", "/api/v1/merchant", headers=m["headers"]).json()["webhook_secret"]
    expect(form.get_by_test_id("webhook-secret")).to_have_value(secret)

    # a test event reaches the receiver, correctly signed; the log updates by itself
    form.get_by_test_id("test-webhook-button").click()
    delivery = stack.wait_until(receiver.last, 15, "the test event")
    assert json.loads(delivery.body)["event"] == "webhook.test"
    assert delivery.header("x-webhook-signature") == hmac.new(secret.encode(), delivery.body,
                                                              hashlib.sha256).hexdigest()
    item = page.get_by_test_id("webhook-log-item").first
    expect(item.get_by_test_id("webhook-event")).to_have_text("webhook.test")
    expect(item.get_by_test_id("webhook-status")).to_have_text("success", timeout=10000)
    expect(item.get_by_test_id("webhook-attempts")).to_have_text("1")
    expect(item.get_by_test_id("webhook-response-code")).to_have_text("200")
    expect(item.get_by_test_id("webhook-last-attempt")).to_have_text(TIMESTAMP)

    # a failing endpoint: the delivery stays pending with the error code, then a manual retry succeeds
    receiver.status = 500
    form.get_by_test_id("test-webhook-button").click()
    expect(page.get_by_test_id("webhook-log-item")).to_have_count(2)
    failing = page.get_by_test_id("webhook-log-item").first
    expect(failing.get_by_test_id("webhook-response-code")).to_have_text("500", timeout=10000)
    expect(failing.get_by_test_id("webhook-status")).to_have_text("pending")
    webhook_id = failing.get_attribute("data-webhook-id")
    retry = failing.get_by_test_id("retry-webhook-button")
    expect(retry).to_have_attribute("data-webhook-id", webhook_id)
    shoot(page, "dashboard-webhooks-failing")
    receiver.status = 200
    retry.click()
    expect(failing.get_by_test_id("webhook-status")).to_have_text("success", timeout=10000)
    expect(failing.get_by_test_id("webhook-response-code")).to_have_text("200")
    expect(page.get_by_test_id("webhook-detail")).to_be_hidden()  # Retry is not a click on the row

    failing.get_by_test_id("webhook-event").click()
    detail = page.get_by_test_id("webhook-detail")
    expect(detail.get_by_test_id("webhook-payload")).to_contain_text('"event": "webhook.test"')
    expect(detail.get_by_test_id("webhook-response-body")).to_contain_text('{"received":')
    page.wait_for_timeout(400)  # the dialog's opening animation
    shoot(page, "dashboard-webhook-detail")
    page.keyboard.press("Escape")
    expect(detail).to_be_hidden()
    shoot(page, "dashboard-webhooks")


# ---------- docs ----------
def test_docs_snippets_carry_the_merchants_key(page: Page, stack, dash, receiver, shoot):
    login(page, dash)
    page.get_by_test_id("nav-docs").click()
    docs = page.get_by_test_id("api-docs")
    curl = docs.get_by_test_id("section-create-order").get_by_test_id("code-snippet-create-order")
    expect(curl).to_contain_text("curl")
    expect(curl).to_contain_text(TEST_KEY)
    expect(curl).to_contain_text("/api/v1/orders")
    sdk = docs.get_by_test_id("section-sdk-integration").get_by_test_id("code-snippet-sdk")
    expect(sdk).to_contain_text(f'<script src="{stack.checkout_url}/checkout.js"></script>')
    expect(sdk).to_contain_text("new PaymentGateway(")
    expect(sdk).to_contain_text(".open()")
    expect(sdk).not_to_contain_text(TEST_SECRET)
    hook = docs.get_by_test_id("section-webhook-verification").get_by_test_id("code-snippet-webhook")
    expect(hook).to_contain_text("hmac")
    expect(hook).to_contain_text("X-Webhook-Signature")
    expect(docs.get_by_test_id("code-snippet-webhook-helper")).to_contain_text("verify_webhook(")
    expect(docs.get_by_test_id("code-snippet-webhook-node")).to_contain_text("createHmac")
    shoot(page, "dashboard-docs")

    # the SDK snippet, copied as shown, takes a payment on a merchant's page
    order = stack.create_order(50000)
    receiver.html = ("<!doctype html><html><head><meta charset=utf-8></head><body>"
                     + sdk.inner_text().replace("order_xxxxxxxxxxxxxxxx", order["id"]) + "</body></html>")
    page.goto(receiver.url + "/shop")
    page.locator("#pay-button").click()
    expect(page.get_by_test_id("payment-modal")).to_be_visible()
    frame = page.frame_locator("[data-test-id=payment-iframe]")
    expect(frame.get_by_test_id("order-amount")).to_have_text("₹500.00")
    frame.get_by_test_id("vpa-input").fill("success@test")
    frame.get_by_test_id("pay-button").click()
    page.wait_for_url(re.compile(r"/thank-you\?payment_id=pay_"), timeout=20000)
    payment_id = page.url.rsplit("=", 1)[1]
    assert stack.api("GET", f"/api/v1/payments/{payment_id}").json()["order_id"] == order["id"]


def test_filters_have_accessible_names_and_home_fits_a_phone(stack, browser):
    stack.wait_payment(stack.pay_upi(stack.create_order(1234500)["id"])["id"])
    ctx = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True)
    page = ctx.new_page()
    try:
        page.goto(stack.dashboard_url + "/login")
        page.get_by_test_id("email-input").fill("test@example.com")
        page.get_by_test_id("password-input").fill("any password")
        page.get_by_test_id("login-button").click()
        page.wait_for_url("**/dashboard")
        page.get_by_test_id("stats-container").wait_for()
        overflow = page.evaluate("""() => [...document.querySelectorAll('[data-test-id=recent-payment]')]
            .map(e => e.scrollWidth - e.clientWidth)""")
        assert overflow and all(o <= 1 for o in overflow), overflow
        page.goto(stack.dashboard_url + "/dashboard/transactions")
        for test_id, name in (("status-filter", "Filter by status"), ("method-filter", "Filter by method"),
                              ("page-size-select", "Rows per page"), ("search-input", "Search payments")):
            assert page.get_by_test_id(test_id).get_attribute("aria-label") == name
    finally:
        ctx.close()
