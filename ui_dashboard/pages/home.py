"""`/dashboard`: the merchant's API credentials, the headline numbers, and 14 days of volume."""
from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from backend.domain.money import format_amount, format_whole, symbol, whole_units
from ui_common.pages import redirect
from ui_dashboard.api import MerchantApi
from ui_dashboard.components import (Tag, confirm_dialog, copy_button, icon_button, status_badge, tid, timestamp, toast,
                                     whole_percent)
from ui_dashboard.layout import attempt, frame, signed_in

REFRESH_SECONDS = 15
RECENT = 5


class HomePage:
    """One browser tab of `/dashboard`: credentials, the headline numbers, the chart, the latest payments."""

    def __init__(self, merchant_api: MerchantApi, keys: dict[str, str]) -> None:
        self.api = merchant_api
        with frame("Overview", active="/dashboard"):
            with tid(ui.column().classes("w-full gap-6"), "dashboard"):
                Credentials(merchant_api, keys)
                self._stats()
                self._chart()
                self._recent()

    async def start(self) -> None:
        await self.load()
        ui.timer(REFRESH_SECONDS, self.load)

    def _stats(self) -> None:
        with tid(ui.element("div").classes("grid w-full gap-4 grid-cols-2 lg:grid-cols-4"), "stats-container"):
            self.total = _stat_card("Total transactions", "total-transactions", "All payments, any status")
            self.amount = _stat_card("Total amount", "total-amount", "Successful payments")
            self.rate = _stat_card("Success rate", "success-rate", "Successful / all payments")
            self.successful = _stat_card("Successful payments", "successful-transactions", "Status success")

    def _chart(self) -> None:
        with ui.card().classes("w-full"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Successful payments, last 14 days").classes("text-base font-semibold")
                icon_button("refresh", "Refresh", "refresh-stats-button", self.load)
            self.chart = tid(ui.echart(_chart_options([])).classes("w-full h-72"), "volume-chart")

    def _recent(self) -> None:
        with ui.card().classes("w-full gap-2"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("Recent payments").classes("text-base font-semibold")
                tid(ui.link("View all", "/dashboard/transactions").classes("text-sm"), "view-all-link")
            self.recent = ui.column().classes("w-full gap-0")

    async def load(self) -> None:
        await self.load_stats()
        await self.load_recent()

    async def load_stats(self) -> None:
        stats: dict[str, Any] | None = await attempt(self.api.stats())
        if stats is None:
            return
        self.total.set_text(str(stats["total_transactions"]))
        self.amount.set_text(format_whole(int(stats["total_amount"])))
        self.rate.set_text(whole_percent(stats["success_rate"]))
        self.successful.set_text(str(stats["successful_transactions"]))
        self.chart.options.clear()
        self.chart.options.update(_chart_options(stats.get("daily") or []))
        self.chart.update()

    async def load_recent(self) -> None:
        page = await attempt(self.api.payments(limit=RECENT))
        if page is None:
            return
        self.recent.clear()
        with self.recent:
            for payment in page["data"]:
                _recent_row(payment)
            if not page["data"]:
                ui.label("No payments yet: create an order with your key (see Docs) and pay it at the "
                         "checkout.").classes("text-sm text-slate-500 py-2")


class Credentials:
    """Key and secret as the API answers them (decrypted for this page only), and the roll button."""

    def __init__(self, merchant_api: MerchantApi, keys: dict[str, str]) -> None:
        self.api = merchant_api
        self.shown: dict[str, Tag] = {}
        with tid(ui.card().classes("w-full gap-3"), "api-credentials"):
            with ui.row().classes("w-full items-center justify-between"):
                ui.label("API credentials").classes("text-base font-semibold")
                ui.badge("Test mode", color="amber-7").props("outline")
            ui.label("Send both headers, X-Api-Key and X-Api-Secret, with every request from your server. "
                     "Keep the secret out of browsers and source control.").classes("text-sm text-slate-500")
            for label, field, test_id in (("Key ID", "api_key", "api-key"),
                                          ("Key secret", "api_secret", "api-secret")):
                self._line(label, field, test_id, keys[field])
            with ui.row().classes("w-full justify-end"):
                tid(ui.button("Roll secret", icon="autorenew", on_click=lambda: self.confirm.open())
                    .props("outline no-caps size=sm color=negative"), "roll-secret-button")
        self.confirm = confirm_dialog("roll-secret-dialog", "Roll the API secret?",
                                      "The current secret stops working at once, on every request: your servers "
                                      "get 401 until they use the new one.", "Roll secret", self.roll,
                                      "cancel-roll-button", "confirm-roll-button")

    def _line(self, label: str, field: str, test_id: str, value: str) -> None:
        with ui.row().classes("w-full items-center gap-3 no-wrap"):
            ui.label(label).classes("w-24 text-sm text-slate-600 shrink-0")
            self.shown[field] = tid(Tag("code", value).classes(
                "grow rounded bg-slate-100 px-3 py-2 font-mono text-sm break-all"), test_id)
            copy_button(lambda: self.shown[field].text, f"copy-{test_id}-button", label)

    async def roll(self) -> None:
        self.confirm.close()
        rolled = await attempt(self.api.roll_api_secret())
        if rolled is not None:
            self.shown["api_secret"].set_text(rolled["api_secret"])
            toast("New API secret issued: the old one no longer works, update your servers")


@ui.page("/dashboard", response_timeout=15)
async def home_page() -> RedirectResponse | None:
    merchant_api = signed_in()
    if merchant_api is None:
        return redirect("/login")
    # On a 401 attempt() sends the browser to sign in again; on an outage it says so.
    keys = await attempt(merchant_api.credentials()) or {"api_key": "…", "api_secret": "…"}
    await HomePage(merchant_api, keys).start()
    return None

def _recent_row(payment: dict[str, Any]) -> None:
    target = f"/dashboard/transactions?search={payment['id']}"
    with tid(ui.row().classes("w-full items-center gap-4 py-2 border-t border-slate-100 cursor-pointer "
                              "hover:bg-indigo-50/50 no-wrap"), "recent-payment", payment_id=payment["id"]) as row:
        ui.label(payment["id"]).classes("font-mono text-xs grow min-w-0 truncate")
        ui.label(payment["method"].upper()).classes("text-xs text-slate-500 w-12 max-sm:hidden")
        ui.label(format_amount(payment["amount"], payment.get("currency", "INR"))).classes(
            "w-28 max-sm:w-20 text-right shrink-0")
        with ui.element("div").classes("w-20"):
            status_badge(payment["status"])
        ui.label(timestamp(payment.get("created_at"))).classes("text-xs text-slate-500 w-36 max-sm:hidden")
    row.on("click", lambda: ui.navigate.to(target))


def _stat_card(title: str, test_id: str, hint: str) -> ui.label:
    with ui.card().classes("gap-1"):
        ui.label(title).classes("text-sm text-slate-500")
        value = tid(ui.label("…").classes("text-3xl font-semibold text-slate-900"), test_id)
        ui.label(hint).classes("text-xs text-slate-400")
    return value


def _chart_options(daily: list[dict[str, Any]]) -> dict[str, Any]:
    dates = [day["date"][5:] for day in daily]  # MM-DD
    volume = f"Volume ({symbol()})"
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [volume, "Payments"], "bottom": 0},
        "grid": {"left": 60, "right": 50, "top": 36, "bottom": 50},
        "xAxis": {"type": "category", "data": dates},
        "yAxis": [{"type": "value", "name": symbol(), "minInterval": 1},
                  {"type": "value", "name": "Count", "minInterval": 1, "splitLine": {"show": False}}],
        "series": [
            {"name": volume, "type": "bar", "itemStyle": {"color": "#6366f1"},
             "data": [whole_units(int(day["amount"])) for day in daily]},
            {"name": "Payments", "type": "line", "yAxisIndex": 1, "smooth": True,
             "itemStyle": {"color": "#10b981"}, "data": [int(day["count"]) for day in daily]},
        ],
    }
