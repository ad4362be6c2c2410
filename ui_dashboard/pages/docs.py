"""`/dashboard/docs`: integration guide with working snippets, filled in with the merchant's own key."""
from __future__ import annotations

from fastapi.responses import RedirectResponse
from nicegui import ui

from ui_dashboard import config
from ui_dashboard.components import Tag, copy_button, tid
from ui_dashboard.layout import attempt, frame, signed_in
from ui_dashboard.snippets import (create_order_curl, sdk_html, webhook_node, webhook_python,
                                   webhook_python_helper)


@ui.page("/dashboard/docs", response_timeout=15)
async def docs_page() -> RedirectResponse | None:
    merchant_api = signed_in()
    if merchant_api is None:
        return RedirectResponse("/login")
    settings = config.load()
    profile = await attempt(merchant_api.merchant()) or {}
    keys = await attempt(merchant_api.credentials()) or {"api_key": "key_...", "api_secret": "secret_..."}
    secret = profile.get("webhook_secret") or "whsec_..."

    with frame("Integration guide", active="/dashboard/docs"):
        with tid(ui.column().classes("w-full gap-6"), "api-docs"):
            _section("section-create-order", "1. Create an order (server side)",
                     "Call the API from your server with your key and secret. Amounts are integers in paise: "
                     "50000 is ₹500.00. Keep the returned order id for the checkout.",
                     [("code-snippet-create-order", "bash",
                       create_order_curl(settings.public_api_url, keys["api_key"], keys["api_secret"]))])
            _section("section-sdk-integration", "2. Open the checkout (browser)",
                     "Load checkout.js and open the payment modal for the order. Only the key id goes to the "
                     "browser, never the secret. Confirm the payment on your server (webhook or "
                     "GET /api/v1/payments/{id}) before you ship anything.",
                     [("code-snippet-sdk", "html", sdk_html(settings.checkout_url, keys["api_key"]))])
            _section("section-webhook-verification", "3. Verify webhooks (server side)",
                     "Every delivery carries X-Webhook-Signature, the hex HMAC-SHA256 of the raw request body "
                     "keyed with your webhook secret. Compute it over the raw bytes (before parsing JSON), "
                     "compare in constant time, and answer 2xx quickly. Failed deliveries are retried "
                     "5 times in all (after 1 min, 5 min, 30 min, 2 h).",
                     [("code-snippet-webhook", "python", webhook_python(secret)),
                      ("code-snippet-webhook-helper", "python", webhook_python_helper(secret)),
                      ("code-snippet-webhook-node", "javascript", webhook_node(secret))])
    return None


def _section(test_id: str, title: str, text: str, snippets: list[tuple[str, str, str]]) -> None:
    with tid(ui.card().classes("w-full gap-3"), test_id):
        ui.label(title).classes("text-lg font-semibold")
        ui.label(text).classes("text-sm text-slate-600")
        for snippet_id, language, code in snippets:
            with ui.column().classes("w-full gap-1"):
                with ui.row().classes("w-full items-center justify-between"):
                    ui.label(language.capitalize() if language != "html" else "HTML") \
                        .classes("text-xs uppercase tracking-wide text-slate-500")
                    copy_button(code, f"copy-{snippet_id}-button", "Snippet")
                tid(Tag("pre", code).classes(
                    "w-full overflow-x-auto rounded-lg bg-slate-900 text-slate-100 p-4 text-xs leading-relaxed"),
                    snippet_id)
