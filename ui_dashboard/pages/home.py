"""`/dashboard`: the merchant's API credentials, the headline numbers, and 14 days of volume."""
from __future__ import annotations

from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from backend.domain.money import format_whole
from ui_dashboard.components import Tag, copy_button, tid, whole_percent
from ui_dashboard.layout import attempt, frame, signed_in

REFRESH_SECONDS = 15


@ui.page("/dashboard", response_timeout=15)
async def home_page() -> RedirectResponse | None:
    merchant_api = signed_in()
    if merchant_api is None:
        return RedirectResponse("/login")

    with frame("Overview", active="/dashboard"):
        with tid(ui.column().classes("w-full gap-6"), "dashboard"):
            _credentials(merchant_api.api_key, merchant_api.api_secret)
            with tid(ui.element("div").classes("grid w-full gap-4 grid-cols-2 lg:grid-cols-4"),
                     "stats-container"):
                total = _stat_card("Total transactions", "total-transactions", "All payments, any status")
                amount = _stat_card("Total amount", "total-amount", "Successful payments")
                rate = _stat_card("Success rate", "success-rate", "Successful / all payments")
                successful = _stat_card("Successful payments", "successful-transactions", "Status success")
            with ui.card().classes("w-full"):
                with ui.row().classes("w-full items-center justify-between"):
                    ui.label("Successful payments, last 14 days").classes("text-base font-semibold")
                    refresh = tid(ui.button(icon="refresh").props("flat round dense"), "refresh-stats-button")
                    refresh.tooltip("Refresh")
                chart = tid(ui.echart(_chart_options([])).classes("w-full h-72"), "volume-chart")

    async def load() -> None:
        stats: dict[str, Any] | None = await attempt(merchant_api.stats())
        if stats is None:
            return
        total.set_text(str(stats["total_transactions"]))
        amount.set_text(format_whole(int(stats["total_amount"])))
        rate.set_text(whole_percent(stats["success_rate"]))
        successful.set_text(str(stats["successful_transactions"]))
        chart.options.clear()
        chart.options.update(_chart_options(stats.get("daily") or []))
        chart.update()

    refresh.on_click(load)
    await load()
    ui.timer(REFRESH_SECONDS, load)
    return None


def _credentials(api_key: str, api_secret: str) -> None:
    with tid(ui.card().classes("w-full gap-3"), "api-credentials"):
        with ui.row().classes("w-full items-center justify-between"):
            ui.label("API credentials").classes("text-base font-semibold")
            ui.badge("Test mode", color="amber-7").props("outline")
        ui.label("Send both headers, X-Api-Key and X-Api-Secret, with every request from your server. "
                 "Keep the secret out of browsers and source control.").classes("text-sm text-slate-500")
        for label, value, test_id in (("Key ID", api_key, "api-key"), ("Key secret", api_secret, "api-secret")):
            with ui.row().classes("w-full items-center gap-3 no-wrap"):
                ui.label(label).classes("w-24 text-sm text-slate-600 shrink-0")
                tid(Tag("code", value).classes("grow rounded bg-slate-100 px-3 py-2 font-mono text-sm "
                                                "break-all"), test_id)
                copy_button(value, f"copy-{test_id}-button", label)


def _stat_card(title: str, test_id: str, hint: str) -> ui.label:
    with ui.card().classes("gap-1"):
        ui.label(title).classes("text-sm text-slate-500")
        value = tid(ui.label("…").classes("text-3xl font-semibold text-slate-900"), test_id)
        ui.label(hint).classes("text-xs text-slate-400")
    return value


def _chart_options(daily: list[dict[str, Any]]) -> dict[str, Any]:
    dates = [day["date"][5:] for day in daily]  # MM-DD
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"data": ["Volume (₹)", "Payments"], "bottom": 0},
        "grid": {"left": 60, "right": 50, "top": 20, "bottom": 50},
        "xAxis": {"type": "category", "data": dates},
        "yAxis": [{"type": "value", "name": "₹", "minInterval": 1},
                  {"type": "value", "name": "Count", "minInterval": 1, "splitLine": {"show": False}}],
        "series": [
            {"name": "Volume (₹)", "type": "bar", "itemStyle": {"color": "#6366f1"},
             "data": [int(day["amount"]) // 100 for day in daily]},
            {"name": "Payments", "type": "line", "yAxisIndex": 1, "smooth": True,
             "itemStyle": {"color": "#10b981"}, "data": [int(day["count"]) for day in daily]},
        ],
    }
