"""The dashboard's page logic, with NiceGUI's simulated User against the live API (no browser)."""
from __future__ import annotations

import pytest
from nicegui import ui
from nicegui.testing import User

from harness.stack import TEST_KEY, TEST_SECRET


async def see(user: User, target: str | None = None, **kw) -> None:
    """`should_see` with time for the live API (pages load their data asynchronously)."""
    await user.should_see(target, retries=50, **kw)


async def login(user: User, email: str = "test@example.com", password: str = "any password") -> None:
    await user.open("/login")
    user.find(marker="email-input").type(email)
    user.find(marker="password-input").type(password)
    user.find(marker="login-form").trigger("submit")
    await see(user, marker="dashboard")


@pytest.mark.parametrize("path", ["/", "/dashboard", "/dashboard/transactions", "/dashboard/webhooks",
                                  "/dashboard/docs"])
async def test_pages_need_a_session(user: User, path: str) -> None:
    await user.open(path)
    await see(user, marker="login-form")
    await user.should_not_see(marker="dashboard")


async def test_login_shows_the_merchants_keys_and_real_stats(user: User, stack) -> None:
    await login(user)
    await see(user, TEST_KEY)
    await see(user, TEST_SECRET)
    stats = stack.api("GET", "/api/v1/stats").json()
    total = user.find(marker="total-transactions").elements.pop()
    assert total.text == str(stats["total_transactions"])


def click_row(user: User, table: str, row_marker: str, data: str) -> None:
    """Click the (only) row as the browser does: rows report clicks through their table body (on_row_click)."""
    (row,) = user.find(marker=row_marker).elements
    user.find(marker=f"{table}-body").trigger("click", row.props[f"data-{data.replace('_', '-')}"])


def text_of(user: User, marker: str) -> str:
    elements = user.find(marker=marker).elements
    assert len(elements) == 1, f"{len(elements)} elements marked {marker}"
    element = elements.pop()
    return element.value if isinstance(element, ui.input) else element.text


async def test_a_wrong_password_is_refused(user: User, new_merchant) -> None:
    await user.open("/login")
    user.find(marker="email-input").type(new_merchant["merchant"]["email"])
    user.find(marker="password-input").type("not the password")
    user.find(marker="login-form").trigger("submit")
    await see(user, "Invalid email or password")
    await user.should_not_see(marker="dashboard")


async def test_signup_gives_a_merchant_its_own_keys(user: User) -> None:
    await user.open("/signup")
    user.find(marker="name-input").type("Dosa Den")
    user.find(marker="email-input").type("dosa-den@example.test")
    user.find(marker="password-input").type("short")
    user.find(marker="signup-form").trigger("submit")
    await see(user, "at least 8 characters")
    user.find(marker="password-input").type(" but now long")
    user.find(marker="signup-form").trigger("submit")
    await see(user, marker="dashboard")
    key = text_of(user, "api-key")
    assert key.startswith("key_test_") and key != TEST_KEY
    assert text_of(user, "total-transactions") == "0"
    assert text_of(user, "total-amount") == "₹0"
    assert text_of(user, "success-rate") == "0%"
    await see(user, "Dosa Den")


async def test_duplicate_signup_shows_the_api_error(user: User, new_merchant) -> None:
    await user.open("/signup")
    user.find(marker="name-input").type("Again")
    user.find(marker="email-input").type(new_merchant["merchant"]["email"])
    user.find(marker="password-input").type("long enough pw")
    user.find(marker="signup-form").trigger("submit")
    await see(user, marker="signup-error")
    assert text_of(user, "signup-error")  # the API's description, whatever its words
    await user.should_not_see(marker="dashboard")


async def submit_native_form(user: User, marker: str) -> None:
    """What a browser does on clicking a submit button of a plain `<form method=post>`, which the simulated
    User cannot: post the form's action with the browser's cookies, and show where the answer leads."""
    (button,) = user.find(marker=marker).elements
    form = next(e for e in button.ancestors() if e.tag == "form")
    assert button.props.get("type") == "submit" and form.props["method"] == "post"
    response = await user.http_client.post(form.props["action"], follow_redirects=True)
    await user.open(response.url.path)


async def test_logout_ends_the_session(user: User) -> None:
    await login(user)
    await submit_native_form(user, "logout-button")
    await see(user, marker="login-form")
    await user.open("/dashboard/transactions")
    await see(user, marker="login-form")


@pytest.fixture
def merchant_with_payments(stack, new_merchant):
    """A fresh merchant with two successful UPI payments and one failed one, all final."""
    h = new_merchant["headers"]
    payments = []
    for amount, vpa in ((50000, "success@test"), (120000, "success@test"), (30000, "failure@test")):
        order = stack.create_order(amount, headers=h)
        payments.append(stack.pay_upi(order["id"], vpa, headers=h))
    new_merchant["payments"] = [stack.wait_payment(p["id"], headers=h) for p in payments]
    return new_merchant


async def test_stats_and_transactions_of_a_merchant(user: User, merchant_with_payments) -> None:
    m = merchant_with_payments
    await login(user, m["merchant"]["email"], m["password"])
    assert text_of(user, "total-transactions") == "3"
    assert text_of(user, "total-amount") == "₹1,700"
    assert text_of(user, "success-rate") == "67%"
    await see(user, marker="recent-payment")
    recent = user.find(marker="recent-payment").elements
    assert {r.props["data-payment-id"] for r in recent} == {p["id"] for p in m["payments"]}

    await user.open("/dashboard/transactions")
    await see(user, "Showing 1–3 of 3")
    rows = user.find(marker="transaction-row").elements
    assert {r.props["data-payment-id"] for r in rows} == {p["id"] for p in m["payments"]}

    user.find(marker="status-filter").trigger("change", "failed")
    await see(user, "Showing 1–1 of 1")
    with user.scope(marker="transaction-row"):
        await see(user, m["payments"][2]["id"])

    user.find(marker="status-filter").trigger("change", "")
    await see(user, "Showing 1–3 of 3")
    user.find(marker="search-input").type(m["payments"][1]["id"])
    user.find(marker="search-input").trigger("keydown.enter")
    await see(user, "Showing 1–1 of 1")
    with user.scope(marker="transaction-row"):
        await see(user, m["payments"][1]["order_id"])

    user.find(marker="search-input").clear().type(m["payments"][0]["order_id"])
    user.find(marker="search-button").click()
    await see(user, m["payments"][0]["id"])
    await see(user, "Showing 1–1 of 1")

    user.find(marker="search-input").clear()
    user.find(marker="search-button").click()
    await see(user, "Showing 1–3 of 3")
    today = m["payments"][0]["created_at"][:10]
    user.find(marker="date-from-filter").trigger("change", "2099-01-01")
    await see(user, "No payments match these filters")
    user.find(marker="date-from-filter").trigger("change", today)
    user.find(marker="date-to-filter").trigger("change", today)
    await see(user, "Showing 1–3 of 3")
    user.find(marker="date-to-filter").trigger("change", "2000-01-01")
    await see(user, "No payments match these filters")
    user.find(marker="date-to-filter").trigger("change", "")
    user.find(marker="date-from-filter").trigger("change", "")

    user.find(marker="search-input").clear().type("pay_doesNotExist12")
    user.find(marker="search-button").click()
    await see(user, "No payments match these filters")


async def test_detail_panel_capture_and_refund(user: User, stack, merchant_with_payments) -> None:
    m = merchant_with_payments
    paid = m["payments"][1]  # ₹1,200.00, success
    await login(user, m["merchant"]["email"], m["password"])
    await user.open("/dashboard/transactions")
    await see(user, "Showing 1–3 of 3")
    user.find(marker="search-input").type(paid["id"])
    user.find(marker="search-button").click()
    await see(user, "Showing 1–1 of 1")
    click_row(user, "transactions-table", "transaction-row", "payment_id")
    await see(user, marker="capture-button")
    assert text_of(user, "detail-payment-id") == paid["id"]

    user.find(marker="capture-button").click()
    await see(user, marker="detail-captured")
    assert stack.api("GET", f"/api/v1/payments/{paid['id']}", headers=m["headers"]).json()["captured"] is True
    await user.should_not_see(marker="capture-button")

    user.find(marker="refund-amount-input").clear().type("1500")
    user.find(marker="refund-button").click()
    await see(user, "Refund amount exceeds available amount")

    user.find(marker="refund-amount-input").clear().type("200.50")
    user.find(marker="refund-button").click()
    await see(user, marker="refund-row")
    refunds = stack.api("GET", f"/api/v1/payments/{paid['id']}/refunds", headers=m["headers"]).json()["data"]
    assert [r["amount"] for r in refunds] == [20050]
    await see(user, "Refundable: ₹999.50")

    user.find(marker="refund-amount-input").clear().type("abc")
    user.find(marker="refund-button").click()
    await see(user, "Enter an amount in rupees")


async def test_a_payment_link_opens_its_detail(user: User, merchant_with_payments) -> None:
    m = merchant_with_payments
    await login(user, m["merchant"]["email"], m["password"])
    await user.open(f"/dashboard/transactions?search={m['payments'][0]['id']}")
    await see(user, marker="detail-payment-id")
    assert text_of(user, "detail-payment-id") == m["payments"][0]["id"]
    assert text_of(user, "search-input") == m["payments"][0]["id"]
    await see(user, "Showing 1–1 of 1")


async def test_a_failed_payment_offers_no_actions(user: User, merchant_with_payments) -> None:
    m = merchant_with_payments
    failed = m["payments"][2]
    await login(user, m["merchant"]["email"], m["password"])
    await user.open("/dashboard/transactions")
    await see(user, "Showing 1–3 of 3")
    user.find(marker="status-filter").trigger("change", "failed")
    await see(user, "Showing 1–1 of 1")
    click_row(user, "transactions-table", "transaction-row", "payment_id")
    await see(user, "PAYMENT_FAILED")
    assert text_of(user, "detail-payment-id") == failed["id"]
    await user.should_not_see(marker="capture-button")
    await user.should_not_see(marker="refund-button")


async def test_webhook_settings(user: User, stack, new_merchant) -> None:
    await login(user, new_merchant["merchant"]["email"], new_merchant["password"])
    await user.open("/dashboard/webhooks")
    old_secret = text_of(user, "webhook-secret")
    assert old_secret == new_merchant["merchant"]["webhook_secret"]

    user.find(marker="test-webhook-button").click()  # no URL yet: the API refuses
    await see(user, marker="webhook-config-error")

    user.find(marker="webhook-url-input").type("not a url")
    user.find(marker="webhook-config-form").trigger("submit")
    await see(user, marker="webhook-config-error")
    assert stack.api("GET", "/api/v1/merchant", headers=new_merchant["headers"]).json()["webhook_url"] is None

    user.find(marker="webhook-url-input").clear().type("http://127.0.0.1:9/hook")
    user.find(marker="webhook-config-form").trigger("submit")
    await see(user, "Webhook URL saved")
    assert stack.api("GET", "/api/v1/merchant",
                     headers=new_merchant["headers"]).json()["webhook_url"] == "http://127.0.0.1:9/hook"

    user.find(marker="test-webhook-button").click()  # to a closed port: the attempt fails, a retry is due
    await see(user, "Test event queued")
    await see(user, marker="webhook-log-item")
    await see(user, marker="webhook-attempts", content="1")
    row = user.find(marker="webhook-log-item").elements.pop()
    assert text_of(user, "webhook-event") == "webhook.test"
    with user.scope(marker="webhook-status"):
        await see(user, "pending")
    click_row(user, "webhook-logs-table", "webhook-log-item", "webhook_id")
    await see(user, marker="webhook-payload", content='"event": "webhook.test"')
    user.find(marker="close-webhook-detail-button").click()
    retry = user.find(marker="retry-webhook-button").elements.pop()
    assert retry.props["data-webhook-id"] == row.props["data-webhook-id"]
    user.find(marker="retry-webhook-button").click()
    await see(user, "Webhook retry scheduled")

    user.find(marker="regenerate-secret-button").click()
    user.find(marker="confirm-regenerate-button").click()
    await see(user, "New webhook secret generated")
    new_secret = stack.api("GET", "/api/v1/merchant", headers=new_merchant["headers"]).json()["webhook_secret"]
    assert new_secret != old_secret and text_of(user, "webhook-secret") == new_secret


async def test_docs_carry_the_merchants_own_key(user: User, new_merchant) -> None:
    await login(user, new_merchant["merchant"]["email"], new_merchant["password"])
    await user.open("/dashboard/docs")
    curl = text_of(user, "code-snippet-create-order")
    assert new_merchant["api_key"] in curl and "/api/v1/orders" in curl
    sdk = text_of(user, "code-snippet-sdk")
    assert "/checkout.js" in sdk and "new PaymentGateway(" in sdk and ".open()" in sdk
    assert new_merchant["api_key"] in sdk and new_merchant["api_secret"] not in sdk
    webhook = text_of(user, "code-snippet-webhook")
    assert "hmac" in webhook and new_merchant["merchant"]["webhook_secret"] in webhook


async def test_docs_publish_the_test_values(user: User, new_merchant) -> None:
    from backend.processors.test_values import TEST_VALUES

    await login(user, new_merchant["merchant"]["email"], new_merchant["password"])
    await user.open("/dashboard/docs")
    await see(user, "4. Test values")
    for value in TEST_VALUES:
        await see(user, f"{'VPA' if value.method == 'upi' else 'card'} {value.shown}")
    await see(user, "authentication_failed, authentication_timeout, authentication_cancelled")


async def test_transactions_filter_by_failure_reason_and_the_detail_says_why(user: User, stack,
                                                                              merchant_with_payments) -> None:
    m = merchant_with_payments
    h = m["headers"]
    card = {"number": "4000000000009995", "expiry_month": "12", "expiry_year": "2035", "cvv": "123",
            "holder_name": "Asha"}
    r = stack.api("POST", "/api/v1/payments", {"order_id": stack.create_order(headers=h)["id"], "method": "card",
                                              "card": card}, headers=h)
    broke = stack.wait_payment(r.json()["id"], headers=h)
    await login(user, m["merchant"]["email"], m["password"])
    await user.open("/dashboard/transactions")
    await see(user, "Showing 1–4 of 4")
    user.find(marker="reason-filter").trigger("change", "insufficient_funds")
    await see(user, "Showing 1–1 of 1")
    with user.scope(marker="transaction-row"):
        await see(user, broke["id"])
    click_row(user, "transactions-table", "transaction-row", "payment_id")
    await see(user, marker="detail-failure")
    assert text_of(user, "detail-error-reason") == "insufficient_funds"
    assert text_of(user, "detail-error-source-step") == "source bank · step payment_authorization"
    user.find(marker="reason-filter").trigger("change", "payment_declined")
    await see(user, m["payments"][2]["id"])
