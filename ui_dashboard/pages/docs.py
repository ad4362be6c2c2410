"""`/dashboard/docs`: integration guide with working snippets, filled in with the merchant's own key; each
server-side example in curl and beside it with the Python SDK (`from paygate import PayGate`)."""
from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from backend.processors.test_values import TEST_OTP, TEST_VALUES
from ui_common.pages import redirect
from ui_dashboard import config, snippets
from ui_dashboard.components import Tag, cell, copy_button, html_table, tid
from ui_dashboard.layout import attempt, frame, signed_in

Snippet = tuple[str, str, str]  # (test id, language, code)
LANGUAGES = {"bash": "curl", "html": "HTML", "python": "Python", "javascript": "Node.js"}


class DocsPage:
    """One browser tab of `/dashboard/docs`: the guide's sections, drawn once."""

    def __init__(self, keys: dict[str, str], webhook_secret: str) -> None:
        settings = config.load()
        api_url, key, secret = settings.public_api_url, keys["api_key"], keys["api_secret"]
        with frame("Integration guide", active="/dashboard/docs"):
            with tid(ui.column().classes("w-full gap-6"), "api-docs"):
                _section("section-create-order", "1. Create an order (server side)",
                         "Call the API from your server with your key and secret. Amounts are integers in paise: "
                         "50000 is ₹500.00. Keep the returned order id for the checkout.",
                         [("code-snippet-create-order", "bash", snippets.create_order_curl(api_url, key, secret)),
                          ("code-snippet-create-order-python", "python",
                           snippets.create_order_python(api_url, key, secret))])
                _section("section-sdk-integration", "2. Open the checkout (browser)",
                         "Load checkout.js and open the payment modal for the order. Only the key id goes to the "
                         "browser, never the secret. Confirm the payment on your server (webhook or "
                         "GET /api/v1/payments/{id}) before you ship anything.",
                         [("code-snippet-sdk", "html", snippets.sdk_html(settings.checkout_url, key)),
                          ("code-snippet-confirm-payment", "bash", snippets.confirm_payment_curl(api_url, key, secret)),
                          ("code-snippet-confirm-payment-python", "python",
                           snippets.confirm_payment_python(api_url, key, secret))])
                _section("section-webhook-verification", "3. Verify webhooks (server side)",
                         "Every delivery carries X-Webhook-Signature, the hex HMAC-SHA256 of the raw request body "
                         "keyed with your webhook secret. Compute it over the raw bytes (before parsing JSON), "
                         "compare in constant time, and answer 2xx quickly. Failed deliveries are retried "
                         "5 times in all (after 1 min, 5 min, 30 min, 2 h).",
                         [("code-snippet-webhook", "python", snippets.webhook_python(webhook_secret)),
                          ("code-snippet-webhook-sdk", "python", snippets.webhook_sdk(webhook_secret)),
                          ("code-snippet-webhook-helper", "python", snippets.webhook_python_helper(webhook_secret)),
                          ("code-snippet-webhook-node", "javascript", snippets.webhook_node(webhook_secret))])
                _test_values()


@ui.page("/dashboard/docs", response_timeout=15)
async def docs_page() -> RedirectResponse | None:
    merchant_api = signed_in()
    if merchant_api is None:
        return redirect("/login")
    profile = await attempt(merchant_api.merchant()) or {}
    keys = await attempt(merchant_api.credentials()) or {"api_key": "key_...", "api_secret": "secret_..."}
    DocsPage(keys, profile.get("webhook_secret") or "whsec_...")
    return None


def _test_values() -> None:
    """The sandbox's test values (backend/processors/test_values.py, the table the simulator decides by)."""
    with tid(ui.card().classes("w-full gap-3"), "section-test-values"):
        ui.label("4. Test values").classes("text-lg font-semibold")
        ui.label("These decide the outcome in every mode. A failure keeps error_code PAYMENT_FAILED and says "
                 "why in error_reason, error_source and error_step. 3-D Secure cards come back with "
                 f"next_action: send the shopper to its url; the OTP {TEST_OTP} passes. Any valid expiry, CVV "
                 "and name go with the cards.").classes("text-sm text-slate-600")
        _table, body = html_table("test-values-table", ("Value", "Outcome", "error_reason"))
        with body:
            for value in TEST_VALUES:
                with tid(ui.element("tr"), "test-value-row", value=value.value):
                    cell(f"{'VPA' if value.method == 'upi' else 'card'} {value.shown}", classes="font-mono")
                    cell(value.outcome, classes="whitespace-normal")
                    cell(", ".join(value.reasons), classes="font-mono whitespace-normal")


def _section(test_id: str, title: str, text: str, examples: list[Snippet]) -> None:
    """A section whose snippets sit side by side on a wide screen (curl beside the Python SDK)."""
    with tid(ui.card().classes("w-full gap-3"), test_id):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(text).classes("text-sm text-slate-600")
        with ui.element("div").classes("grid w-full gap-4 grid-cols-1 xl:grid-cols-2"):
            for snippet_id, language, code in examples:
                with ui.column().classes("w-full min-w-0 gap-1"):
                    with ui.row().classes("w-full items-center justify-between"):
                        ui.label(LANGUAGES[language]).classes("text-xs uppercase tracking-wide text-slate-500")
                        copy_button(code, f"copy-{snippet_id}-button", "Snippet")
                    tid(Tag("pre", code).classes("w-full overflow-x-auto rounded-lg bg-slate-900 text-slate-100 "
                                                 "p-4 text-xs leading-relaxed"), snippet_id)
