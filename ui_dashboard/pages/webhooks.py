"""`/dashboard/webhooks`: the endpoint URL and signing secret, test events, and the delivery log
(status colours, retry, payload and last response), refreshing itself while deliveries are pending."""
from __future__ import annotations

import json
import time
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from ui_dashboard.api import MerchantApi
from ui_dashboard.components import (Latest, Tag, cell, confirm_dialog, copy_button, CursorPages, empty_row,
                                     html_table, icon_button, pager, on_row_click, status_badge, tid, timestamp,
                                     toast)
from ui_dashboard.forms import error_banner, form
from ui_dashboard.layout import attempt, frame, signed_in

HEADERS = ("Event", "Status", "Attempts", "Last Attempt", "Response Code", "Actions")
POLL_SECONDS = 2.0
WATCH_AFTER_ACTION_SECONDS = 20  # keep polling this long after a test/retry, until the log shows it
PAGE_SIZE = 10


class DeliveryLog:
    def __init__(self, merchant_api: MerchantApi) -> None:
        self.api = merchant_api
        self.pages = CursorPages(PAGE_SIZE)
        self.pending = False
        self.watch_until = 0.0
        self.loads = Latest()

    def watching(self) -> bool:
        return self.pending or time.monotonic() < self.watch_until

    def watch(self) -> None:
        self.watch_until = time.monotonic() + WATCH_AFTER_ACTION_SECONDS


@ui.page("/dashboard/webhooks", response_timeout=15)
async def webhooks_page() -> RedirectResponse | None:
    merchant_api = signed_in()
    if merchant_api is None:
        return RedirectResponse("/login")
    log = DeliveryLog(merchant_api)

    async def load_logs() -> None:
        ticket = log.loads.begin()
        page = await attempt(merchant_api.webhooks(limit=PAGE_SIZE, **log.pages.cursor))
        if page is None or log.loads.is_stale(ticket):
            return
        body.clear()
        with body:
            for entry in page["data"]:
                _log_row(entry, retry)
            if not page["data"]:
                empty_row(len(HEADERS), "No deliveries yet. Save a URL and send a test event.")
        log.pages.show(pagination, page)
        if "retention_days" in page:
            retention.set_text(f"Deliveries are kept for {page['retention_days']} days")
        log.pending = any(entry["status"] == "pending" for entry in page["data"])
        live.set_visibility(log.watching())

    async def poll() -> None:
        if log.watching():
            await load_logs()

    async def save() -> None:
        url = (url_input.value or "").strip() or None
        merchant = await attempt(merchant_api.set_webhook_url(url), config_error)
        if merchant is not None:
            url_input.value = merchant.get("webhook_url") or ""
            toast("Webhook URL saved" if url else "Webhook URL removed: no events will be sent")

    async def regenerate() -> None:
        confirm.close()
        result = await attempt(merchant_api.regenerate_webhook_secret(), config_error)
        if result is not None:
            secret_input.value = result["webhook_secret"]
            toast("New webhook secret generated: update your server")

    async def send_test() -> None:
        if await attempt(merchant_api.send_test_webhook(), config_error) is not None:
            toast("Test event queued")
            log.watch()
            await load_logs()

    async def retry(webhook_id: str) -> None:
        if await attempt(merchant_api.retry_webhook(webhook_id)) is not None:
            toast("Webhook retry scheduled")
            log.watch()
            await load_logs()

    async def show_detail(webhook_id: str) -> None:
        entry = await attempt(merchant_api.webhook(webhook_id))
        if entry is not None:
            _render_detail(detail_card, entry, detail.close)
            detail.open()

    async def previous_page() -> None:
        log.pages.previous()
        await load_logs()

    async def next_page() -> None:
        log.pages.next()
        await load_logs()

    profile = await attempt(merchant_api.merchant()) or {}
    with frame("Webhooks", active="/dashboard/webhooks"):
        with tid(ui.card().classes("w-full gap-3"), "webhook-config"):
            ui.label("Endpoint").classes("text-base font-semibold")
            ui.label("PayGate POSTs every payment and refund event to this URL, signed with the secret "
                     "below (X-Webhook-Signature: hex HMAC-SHA256 of the raw body).") \
                .classes("text-sm text-slate-500")
            with form("webhook-config-form", save).props("novalidate"):
                url_input = tid(ui.input("Webhook URL", value=profile.get("webhook_url") or "",
                                         placeholder="https://example.com/webhooks/paygate")
                                .props("outlined dense type=url").classes("w-full"), "webhook-url-input")
                with ui.row().classes("w-full items-center gap-2 no-wrap"):
                    secret_input = tid(ui.input("Signing secret", value=profile.get("webhook_secret") or "")
                                       .props("outlined dense readonly type=text").classes("grow font-mono"),
                                       "webhook-secret")
                    copy_button(lambda: secret_input.value, "copy-webhook-secret-button", "Secret")
                    tid(ui.button("Regenerate", icon="autorenew", on_click=lambda: confirm.open())
                        .props("outline no-caps"), "regenerate-secret-button")
                config_error = error_banner("webhook-config-error")
                with ui.row().classes("gap-2"):
                    tid(ui.button("Save", icon="save").props("type=submit unelevated no-caps"),
                        "save-webhook-button")
                    tid(ui.button("Send test event", icon="send", on_click=send_test)
                        .props("outline no-caps"), "test-webhook-button")

        with ui.row().classes("w-full items-center justify-between"):
            ui.label("Deliveries").classes("text-base font-semibold")
            with ui.row().classes("items-center gap-2"):
                with tid(ui.row().classes("items-center gap-1 text-xs text-amber-700"),
                         "webhooks-live-indicator") as live:
                    ui.spinner(size="xs", color="amber-8")
                    ui.label("Auto-refreshing")
                icon_button("refresh", "Refresh", "refresh-webhooks-button", load_logs)
        _, body = html_table("webhook-logs-table", HEADERS)
        on_row_click(body, "data-webhook-id", show_detail)
        pagination = pager(previous_page, next_page)
        retention = tid(ui.label("").classes("text-xs text-slate-400"), "webhook-log-retention")

    confirm = confirm_dialog("regenerate-confirm-dialog", "Regenerate the webhook secret?",
                             "The current secret stops working at once: deliveries are signed with the new one, "
                             "so update your server right after.", "Regenerate", regenerate,
                             "cancel-regenerate-button", "confirm-regenerate-button")
    with ui.dialog() as detail:
        detail_card = tid(ui.card().classes("w-[44rem] max-w-full gap-3"), "webhook-detail")

    await load_logs()
    ui.timer(POLL_SECONDS, poll)
    return None


def _log_row(entry: dict[str, Any], retry) -> None:
    row = tid(ui.element("tr"), "webhook-log-item", webhook_id=entry["id"])
    row.classes("border-t border-slate-100 hover:bg-indigo-50/50 cursor-pointer")
    with row:
        cell(entry["event"], "webhook-event", "font-mono text-xs")
        with cell("", "webhook-status"):
            status_badge(entry["status"])
        cell(entry.get("attempts", 0), "webhook-attempts", "tabular-nums")
        cell(timestamp(entry.get("last_attempt_at")) or "—", "webhook-last-attempt", "tabular-nums text-slate-600")
        cell(entry.get("response_code") or "—", "webhook-response-code", "tabular-nums")
        with cell(""):
            button = tid(ui.button("Retry", icon="replay", on_click=lambda _, wid=entry["id"]: retry(wid))
                         .props("outline no-caps size=sm"), "retry-webhook-button", webhook_id=entry["id"])
            button.on("click.stop", js_handler="() => {}")  # a retry is not a click on the row


def _render_detail(card: ui.card, entry: dict[str, Any], close) -> None:
    card.clear()
    with card:
        with ui.row().classes("w-full items-center justify-between"):
            with ui.row().classes("items-center gap-3"):
                ui.label(entry["event"]).classes("text-lg font-semibold font-mono")
                status_badge(entry["status"])
            icon_button("close", "Close", "close-webhook-detail-button", close)
        facts = [("Delivery ID", entry["id"]), ("Attempts", entry.get("attempts", 0)),
                 ("Created", timestamp(entry.get("created_at"))),
                 ("Last attempt", timestamp(entry.get("last_attempt_at")) or "—"),
                 ("Next retry", timestamp(entry.get("next_retry_at")) or "—"),
                 ("Response code", entry.get("response_code") or "—")]
        with ui.element("dl").classes("grid grid-cols-[8rem_1fr] gap-x-4 gap-y-1 text-sm w-full"):
            for label, value in facts:
                Tag("dt", label).classes("text-slate-500")
                Tag("dd", str(value)).classes("font-mono break-all")
        ui.label("Payload").classes("text-sm font-semibold")
        tid(Tag("pre", json.dumps(entry.get("payload"), indent=2, ensure_ascii=False))
            .classes("w-full max-h-72 overflow-auto rounded bg-slate-900 text-slate-100 p-3 text-xs"),
            "webhook-payload")
        ui.label("Last response body").classes("text-sm font-semibold")
        tid(Tag("pre", entry.get("response_body") or "(none)")
            .classes("w-full max-h-48 overflow-auto rounded bg-slate-100 p-3 text-xs whitespace-pre-wrap"),
            "webhook-response-body")
