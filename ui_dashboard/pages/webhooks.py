"""`/dashboard/webhooks`: the webhook URL and signing secret, test events, the merchant's other webhook
endpoints (add, enable or disable, roll the secret, delete), the delivery log (status colours, retry,
payload and last response), and the events with a resend button, refreshing while deliveries are pending.

One `WebhooksPage` per browser tab holds that tab's state, as ui_checkout/page.py's `Checkout` does."""
from __future__ import annotations

import json
import time
from typing import Any, Callable

from fastapi.responses import RedirectResponse
from nicegui import ui

from ui_dashboard.api import MerchantApi
from ui_dashboard.components import (Latest, Tag, cell, confirm_dialog, copy_button, CursorPages, empty_row,
                                     html_table, icon_button, pager, on_row_click, status_badge, tid, timestamp,
                                     toast)
from ui_dashboard.forms import error_banner, form
from ui_dashboard.layout import attempt, frame, signed_in

HEADERS = ("Event", "Status", "Attempts", "Last Attempt", "Response Code", "Actions")
ENDPOINT_HEADERS = ("URL", "Events", "Status", "Description", "Actions")
EVENT_HEADERS = ("Event", "Object", "Created", "Event ID", "Actions")
POLL_SECONDS = 2.0
WATCH_AFTER_ACTION_SECONDS = 20  # keep polling this long after a test/retry, until the log shows it
PAGE_SIZE = 10
PRIMARY = "we_primary"


class WebhooksPage:
    def __init__(self, merchant_api: MerchantApi, profile: dict[str, Any]) -> None:
        self.api = merchant_api
        self.profile = profile
        self.pages = CursorPages(PAGE_SIZE)
        self.event_pages = CursorPages(PAGE_SIZE)
        self.pending = False
        self.watch_until = 0.0
        self.loads = Latest()
        self.event_loads = Latest()

    # ---------- state ----------

    def watching(self) -> bool:
        return self.pending or time.monotonic() < self.watch_until

    def watch(self) -> None:
        self.watch_until = time.monotonic() + WATCH_AFTER_ACTION_SECONDS

    # ---------- the page ----------

    async def build(self) -> None:
        with frame("Webhooks", active="/dashboard/webhooks"):
            self.config_card()
            self.endpoints_card()
            self.deliveries_section()
            self.events_section()
        self.dialogs()
        await self.load_endpoints()
        await self.load_logs()
        await self.load_events()
        ui.timer(POLL_SECONDS, self.poll)

    def config_card(self) -> None:
        with tid(ui.card().classes("w-full gap-3"), "webhook-config"):
            ui.label("Endpoint").classes("text-base font-semibold")
            ui.label("PayGate POSTs every payment and refund event to this URL, signed with the secret "
                     "below (X-Webhook-Signature: hex HMAC-SHA256 of the raw body).") \
                .classes("text-sm text-slate-500")
            with form("webhook-config-form", self.save).props("novalidate"):
                self.url_input = tid(ui.input("Webhook URL", value=self.profile.get("webhook_url") or "",
                                              placeholder="https://example.com/webhooks/paygate")
                                     .props("outlined dense type=url").classes("w-full"), "webhook-url-input")
                with ui.row().classes("w-full items-center gap-2 no-wrap"):
                    self.secret_input = tid(ui.input("Signing secret", value=self.profile.get("webhook_secret") or "")
                                            .props("outlined dense readonly type=text").classes("grow font-mono"),
                                            "webhook-secret")
                    copy_button(lambda: self.secret_input.value, "copy-webhook-secret-button", "Secret")
                    tid(ui.button("Regenerate", icon="autorenew", on_click=lambda: self.confirm.open())
                        .props("outline no-caps"), "regenerate-secret-button")
                self.config_error = error_banner("webhook-config-error")
                with ui.row().classes("gap-2"):
                    tid(ui.button("Save", icon="save").props("type=submit unelevated no-caps"),
                        "save-webhook-button")
                    tid(ui.button("Send test event", icon="send", on_click=self.send_test)
                        .props("outline no-caps"), "test-webhook-button")

    def endpoints_card(self) -> None:
        with tid(ui.card().classes("w-full gap-3"), "webhook-endpoints"):
            ui.label("More endpoints").classes("text-base font-semibold")
            ui.label("Each endpoint receives the events it lists (payment.*, refund.processed, or * for all), "
                     "signed with a secret of its own, shown once when it is made or rolled.") \
                .classes("text-sm text-slate-500")
            with form("add-endpoint-form", self.add_endpoint).props("novalidate"):
                with ui.row().classes("w-full items-start gap-2"):
                    self.endpoint_url = tid(ui.input("URL", placeholder="https://example.com/hooks/refunds")
                                            .props("outlined dense type=url").classes("grow"), "endpoint-url-input")
                    self.endpoint_events = tid(ui.input("Events", value="*", placeholder="payment.*,refund.*")
                                               .props("outlined dense").classes("w-56"), "endpoint-events-input")
                    self.endpoint_description = tid(ui.input("Description").props("outlined dense").classes("w-56"),
                                                    "endpoint-description-input")
                    tid(ui.button("Add endpoint", icon="add").props("type=submit unelevated no-caps"),
                        "add-endpoint-button")
                self.endpoint_error = error_banner("endpoint-error")
            with tid(ui.row().classes("w-full items-center gap-2 no-wrap"), "endpoint-secret-box") as self.secret_box:
                ui.label("New signing secret:").classes("text-sm")
                self.new_secret = tid(Tag("code", "").classes("font-mono text-sm break-all"), "endpoint-secret")
                copy_button(lambda: self.new_secret.text, "copy-endpoint-secret-button", "Secret")
            self.secret_box.set_visibility(False)
            _, self.endpoints_body = html_table("endpoints-table", ENDPOINT_HEADERS)

    def deliveries_section(self) -> None:
        with ui.row().classes("w-full items-center justify-between"):
            ui.label("Deliveries").classes("text-base font-semibold")
            with ui.row().classes("items-center gap-2"):
                with tid(ui.row().classes("items-center gap-1 text-xs text-amber-700"),
                         "webhooks-live-indicator") as self.live:
                    ui.spinner(size="xs", color="amber-8")
                    ui.label("Auto-refreshing")
                icon_button("refresh", "Refresh", "refresh-webhooks-button", self.load_logs)
        _, self.body = html_table("webhook-logs-table", HEADERS)
        on_row_click(self.body, "data-webhook-id", self.show_detail)
        self.pagination = pager(self.previous_page, self.next_page)
        self.retention = tid(ui.label("").classes("text-xs text-slate-400"), "webhook-log-retention")

    def events_section(self) -> None:
        with ui.row().classes("w-full items-center justify-between"):
            ui.label("Events").classes("text-base font-semibold")
            icon_button("refresh", "Refresh", "refresh-events-button", self.load_events)
        _, self.events_body = html_table("events-table", EVENT_HEADERS)
        self.event_pagination = pager(self.previous_events, self.next_events, prefix="events-")

    def dialogs(self) -> None:
        self.confirm = confirm_dialog(
            "regenerate-confirm-dialog", "Regenerate the webhook secret?",
            "The current secret stops working at once: deliveries are signed with the new one, "
            "so update your server right after.", "Regenerate", self.regenerate,
            "cancel-regenerate-button", "confirm-regenerate-button")
        with ui.dialog() as self.detail:
            self.detail_card = tid(ui.card().classes("w-[44rem] max-w-full gap-3"), "webhook-detail")

    # ---------- loading ----------

    async def load_logs(self) -> None:
        ticket = self.loads.begin()
        page = await attempt(self.api.webhooks(limit=PAGE_SIZE, **self.pages.cursor))
        if page is None or self.loads.is_stale(ticket):
            return
        self.body.clear()
        with self.body:
            for entry in page["data"]:
                _log_row(entry, self.retry)
            if not page["data"]:
                empty_row(len(HEADERS), "No deliveries yet. Save a URL and send a test event.")
        self.pages.show(self.pagination, page)
        if "retention_days" in page:
            self.retention.set_text(f"Deliveries are kept for {page['retention_days']} days")
        self.pending = any(entry["status"] == "pending" for entry in page["data"])
        self.live.set_visibility(self.watching())

    async def load_endpoints(self) -> None:
        found = await attempt(self.api.endpoints())
        if found is None:
            return
        self.endpoints_body.clear()
        with self.endpoints_body:
            for endpoint in found["data"]:
                _endpoint_row(endpoint, self)
            if not found["data"]:
                empty_row(len(ENDPOINT_HEADERS), "No endpoints yet.")

    async def load_events(self) -> None:
        ticket = self.event_loads.begin()
        page = await attempt(self.api.events(limit=PAGE_SIZE, **self.event_pages.cursor))
        if page is None or self.event_loads.is_stale(ticket):
            return
        self.events_body.clear()
        with self.events_body:
            for event in page["data"]:
                _event_row(event, self.resend)
            if not page["data"]:
                empty_row(len(EVENT_HEADERS), "No events yet.")
        self.event_pages.show(self.event_pagination, page)

    async def poll(self) -> None:
        if self.watching():
            await self.load_logs()
            await self.load_events()

    # ---------- the webhook URL ----------

    async def save(self) -> None:
        url = (self.url_input.value or "").strip() or None
        merchant = await attempt(self.api.set_webhook_url(url), self.config_error)
        if merchant is not None:
            self.url_input.value = merchant.get("webhook_url") or ""
            toast("Webhook URL saved" if url else "Webhook URL removed: no events will be sent")
            await self.load_endpoints()

    async def regenerate(self) -> None:
        self.confirm.close()
        result = await attempt(self.api.regenerate_webhook_secret(), self.config_error)
        if result is not None:
            self.secret_input.value = result["webhook_secret"]
            toast("New webhook secret generated: update your server")

    async def send_test(self) -> None:
        if await attempt(self.api.send_test_webhook(), self.config_error) is not None:
            toast("Test event queued")
            self.watch()
            await self.load_logs()

    # ---------- endpoints ----------

    async def add_endpoint(self) -> None:
        patterns = [p.strip() for p in (self.endpoint_events.value or "*").split(",") if p.strip()]
        made = await attempt(self.api.create_endpoint((self.endpoint_url.value or "").strip(), patterns,
                                                      (self.endpoint_description.value or "").strip() or None),
                             self.endpoint_error)
        if made is not None:
            self.endpoint_url.value = self.endpoint_description.value = ""
            self.show_secret(made["secret"])
            toast("Endpoint added: copy its signing secret now")
            await self.load_endpoints()

    def show_secret(self, secret: str) -> None:
        self.new_secret.set_text(secret)
        self.secret_box.set_visibility(True)

    async def toggle_endpoint(self, endpoint: dict[str, Any]) -> None:
        status = "disabled" if endpoint["status"] == "enabled" else "enabled"
        if await attempt(self.api.update_endpoint(endpoint["id"], status=status), self.endpoint_error):
            toast(f"Endpoint {status}")
            await self.load_endpoints()

    async def roll_endpoint(self, endpoint_id: str) -> None:
        rolled = await attempt(self.api.roll_endpoint_secret(endpoint_id), self.endpoint_error)
        if rolled is not None:
            self.show_secret(rolled["secret"])
            toast("New endpoint secret: update that server")

    async def delete_endpoint(self, endpoint_id: str) -> None:
        if await attempt(self.api.delete_endpoint(endpoint_id), self.endpoint_error) is not None:
            toast("Endpoint deleted")
            await self.load_endpoints()

    # ---------- deliveries and events ----------

    async def retry(self, webhook_id: str) -> None:
        if await attempt(self.api.retry_webhook(webhook_id)) is not None:
            toast("Webhook retry scheduled")
            self.watch()
            await self.load_logs()

    async def resend(self, event_id: str) -> None:
        sent = await attempt(self.api.resend_event(event_id))
        if sent is not None:
            count = len(sent["deliveries"])
            toast(f"Event resent to {count} endpoint{'s' if count != 1 else ''}")
            self.watch()
            await self.load_logs()

    async def show_detail(self, webhook_id: str) -> None:
        entry = await attempt(self.api.webhook(webhook_id))
        if entry is not None:
            _render_detail(self.detail_card, entry, self.detail.close)
            self.detail.open()

    async def previous_page(self) -> None:
        self.pages.previous()
        await self.load_logs()

    async def next_page(self) -> None:
        self.pages.next()
        await self.load_logs()

    async def previous_events(self) -> None:
        self.event_pages.previous()
        await self.load_events()

    async def next_events(self) -> None:
        self.event_pages.next()
        await self.load_events()


@ui.page("/dashboard/webhooks", response_timeout=15)
async def webhooks_page() -> RedirectResponse | None:
    merchant_api = signed_in()
    if merchant_api is None:
        return RedirectResponse("/login")
    profile = await attempt(merchant_api.merchant()) or {}
    await WebhooksPage(merchant_api, profile).build()
    return None


def _row_button(label: str, icon: str, test_id: str, on_click: Callable[..., Any], **data: str) -> ui.button:
    button = tid(ui.button(label, icon=icon, on_click=on_click).props("outline no-caps size=sm"), test_id, **data)
    button.on("click.stop", js_handler="() => {}")  # an action is not a click on the row
    return button


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
            _row_button("Retry", "replay", "retry-webhook-button", lambda _, wid=entry["id"]: retry(wid),
                        webhook_id=entry["id"])


def _endpoint_row(endpoint: dict[str, Any], page: WebhooksPage) -> None:
    row = tid(ui.element("tr"), "endpoint-row", endpoint_id=endpoint["id"])
    row.classes("border-t border-slate-100")
    with row:
        cell(endpoint["url"], "endpoint-url", "font-mono text-xs break-all")
        cell(", ".join(endpoint["enabled_events"]), "endpoint-events", "font-mono text-xs")
        with cell("", "endpoint-status"):
            status_badge(endpoint["status"])
        cell("Primary: the webhook URL above" if endpoint["primary"] else endpoint.get("description") or "—",
             "endpoint-description", "text-slate-600")
        with cell("").classes("whitespace-nowrap"):
            if endpoint["primary"]:
                return
            toggle = "Disable" if endpoint["status"] == "enabled" else "Enable"
            _row_button(toggle, "power_settings_new", "endpoint-toggle-button",
                        lambda _, e=endpoint: page.toggle_endpoint(e), endpoint_id=endpoint["id"])
            _row_button("Roll secret", "autorenew", "endpoint-roll-secret-button",
                        lambda _, eid=endpoint["id"]: page.roll_endpoint(eid), endpoint_id=endpoint["id"])
            _row_button("Delete", "delete", "endpoint-delete-button",
                        lambda _, eid=endpoint["id"]: page.delete_endpoint(eid), endpoint_id=endpoint["id"])


def _event_row(event: dict[str, Any], resend) -> None:
    row = tid(ui.element("tr"), "event-row", event_id=event["id"])
    row.classes("border-t border-slate-100")
    with row:
        cell(event["type"], "event-type", "font-mono text-xs")
        cell(event.get("object_id") or "—", "event-object", "font-mono text-xs")
        cell(timestamp(event.get("created_at")), "event-created", "tabular-nums text-slate-600")
        cell(event["id"], "event-id", "font-mono text-xs")
        with cell(""):
            _row_button("Resend", "send", "resend-event-button", lambda _, eid=event["id"]: resend(eid),
                        event_id=event["id"])


def _render_detail(card: ui.card, entry: dict[str, Any], close) -> None:
    card.clear()
    with card:
        with ui.row().classes("w-full items-center justify-between"):
            with ui.row().classes("items-center gap-3"):
                ui.label(entry["event"]).classes("text-lg font-semibold font-mono")
                status_badge(entry["status"])
            icon_button("close", "Close", "close-webhook-detail-button", close)
        facts = [("Delivery ID", entry["id"]), ("Event ID", entry.get("event_id") or "—"),
                 ("Endpoint", entry.get("endpoint_id") or PRIMARY), ("Attempts", entry.get("attempts", 0)),
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
