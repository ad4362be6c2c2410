"""`/dashboard/transactions`: every payment, newest first, paged through the API, with filters,
search by payment or order id, a detail panel (capture, refund) and CSV export."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timezone
from typing import Any

from fastapi.responses import RedirectResponse
from nicegui import ui

from backend.domain.errors import FAILURE_REASONS
from ui_dashboard.api import PAGE_LIMIT_MAX, ApiError, MerchantApi
from ui_dashboard.components import (Latest, cell, date_input, empty_row, html_table, icon_button,
                                     native_select, on_row_click, pager, status_badge, tid, timestamp, toast,
                                     update_pager)
from ui_dashboard.layout import attempt, frame, signed_in
from ui_dashboard.payment_detail import PaymentDetail

HEADERS = ("Payment ID", "Order ID", "Amount", "Method", "Status", "Created")
STATUSES = (("", "All statuses"), ("pending", "Pending"), ("success", "Success"), ("failed", "Failed"))
METHODS = (("", "All methods"), ("upi", "UPI"), ("card", "Card"))
REASONS = (("", "All failure reasons"), *((reason, reason) for reason in FAILURE_REASONS))
PAGE_SIZES = (("10", "10 per page"), ("25", "25 per page"), ("50", "50 per page"))
EXPORT_MAX_ROWS = 10_000
POLL_SECONDS = 3.0
CSV_COLUMNS = ("id", "order_id", "amount", "currency", "method", "status", "captured", "vpa",
               "card_network", "card_last4", "error_code", "error_description", "created_at", "updated_at")


class TransactionList:
    """The state of one visitor's transactions page: filters, page, and the rows shown."""

    def __init__(self, merchant_api: MerchantApi) -> None:
        self.api = merchant_api
        self.status = ""
        self.method = ""
        self.error_reason = ""
        self.query = ""
        self.date_from = ""  # YYYY-MM-DD, UTC, inclusive
        self.date_to = ""
        self.limit = 10
        self.offset = 0
        self.loads = Latest()
        self.pending = False

    def filters(self) -> dict[str, Any]:
        filters: dict[str, Any] = {"status": self.status, "method": self.method, "error_reason": self.error_reason,
                                   "from": f"{self.date_from}T00:00:00Z" if self.date_from else None,
                                   "to": f"{self.date_to}T23:59:59.999999Z" if self.date_to else None}
        if self.query and not self.query.startswith("pay_"):
            filters["order_id"] = self.query
        return filters

    def _matches(self, payment: dict[str, Any]) -> bool:
        day = (payment.get("created_at") or "")[:10]
        return (all(not wanted or payment.get(field) == wanted
                    for field, wanted in (("status", self.status), ("method", self.method),
                                          ("error_reason", self.error_reason)))
                and (not self.date_from or day >= self.date_from) and (not self.date_to or day <= self.date_to))

    async def fetch(self, limit: int, offset: int) -> dict[str, Any]:
        """One page of the filtered payments, in the API's list envelope."""
        if self.query.startswith("pay_"):  # a payment id: look it up directly
            try:
                payment = await self.api.payment(self.query)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                payment = None
            rows = [payment] if payment and self._matches(payment) else []
            return {"data": rows[offset:offset + limit], "total": len(rows), "limit": limit, "offset": offset}
        return await self.api.payments(limit=limit, offset=offset, **self.filters())

    async def export_csv(self) -> tuple[str, int, int]:
        """All filtered rows as CSV, paging through the API 100 at a time; (csv, rows, total)."""
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        offset, total = 0, None
        while offset < min(total if total is not None else EXPORT_MAX_ROWS, EXPORT_MAX_ROWS):
            page = await self.fetch(PAGE_LIMIT_MAX, offset)
            total = page["total"]
            if not page["data"]:
                break
            writer.writerows(page["data"])
            offset += len(page["data"])
        return out.getvalue(), offset, total or 0


@ui.page("/dashboard/transactions", response_timeout=15)
async def transactions_page(search: str = "") -> RedirectResponse | None:
    """`?search=pay_...` (or an order id) opens the page searched; a payment id also opens its detail."""
    merchant_api = signed_in()
    if merchant_api is None:
        return RedirectResponse("/login")
    state = TransactionList(merchant_api)
    state.query = search.strip()
    detail = PaymentDetail(merchant_api, on_change=lambda: load())

    async def load() -> None:
        ticket = state.loads.begin()
        page = await attempt(state.fetch(state.limit, state.offset))
        if page is not None and not page["data"] and state.offset > 0 and page["total"] > 0:
            state.offset = max(0, (page["total"] - 1) // state.limit * state.limit)  # the page emptied: step back
            page = await attempt(state.fetch(state.limit, state.offset))
        if page is None or state.loads.is_stale(ticket):
            return
        body.clear()
        with body:
            for payment in page["data"]:
                _row(payment)
            if not page["data"]:
                empty_row(len(HEADERS), "No payments match these filters" if _filtered(state)
                          else "No payments yet. Create an order and pay it to see it here.")
        update_pager(pagination, state.offset, len(page["data"]), page["total"])
        state.pending = any(p["status"] == "pending" for p in page["data"])

    async def poll() -> None:  # pending payments settle within seconds: show it without a reload
        if state.pending and not detail.dialog.value:
            await load()

    async def first_page() -> None:
        state.offset = 0
        await load()

    def filter_by(field: str):
        """A handler that sets one filter and shows the first page of the result."""
        async def apply(value: str) -> None:
            setattr(state, field, value)
            await first_page()
        return apply

    async def set_page_size(value: str) -> None:
        state.limit = int(value or 10)
        await first_page()

    async def search() -> None:
        state.query = (search_input.value or "").strip()
        await first_page()

    async def previous_page() -> None:
        state.offset = max(0, state.offset - state.limit)
        await load()

    async def next_page() -> None:
        state.offset += state.limit
        await load()

    async def export() -> None:
        export_button.props("loading")
        try:
            result = await attempt(state.export_csv())
        finally:
            export_button.props(remove="loading")
        if result is None:
            return
        content, rows, total = result
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        ui.download.content(content, f"transactions-{stamp}.csv", "text/csv")
        toast(f"Exported {rows} of {total} payments" if rows < total else f"Exported {rows} payments")

    with frame("Transactions", active="/dashboard/transactions"):
        with ui.row().classes("w-full items-center gap-3"):
            search_input = tid(ui.input(placeholder="Search by payment or order ID", value=state.query)
                               .props('outlined dense clearable aria-label="Search payments"').classes("w-80"),
                               "search-input")
            search_input.on("keydown.enter", search)
            search_input.on("clear", search)
            tid(ui.button("Search", icon="search", on_click=search).props("unelevated no-caps"),
                "search-button")
            ui.space()
            icon_button("refresh", "Refresh", "refresh-button", load)
            export_button = tid(ui.button("Export CSV", icon="download", on_click=export)
                                .props("outline no-caps"), "export-csv-button")
        with ui.row().classes("w-full items-center gap-3 -mt-2"):
            native_select(STATUSES, "status-filter", filter_by("status"), label="Filter by status")
            native_select(METHODS, "method-filter", filter_by("method"), label="Filter by method")
            native_select(REASONS, "reason-filter", filter_by("error_reason"), label="Filter by failure reason")
            date_input("From", "date-from-filter", filter_by("date_from"))
            date_input("To", "date-to-filter", filter_by("date_to"))
            ui.label("Dates and times are UTC").classes("text-xs text-slate-400")
        _, body = html_table("transactions-table", HEADERS)
        on_row_click(body, "data-payment-id", detail.open)
        pagination = pager(previous_page, next_page,
                           extra=lambda: native_select(PAGE_SIZES, "page-size-select", set_page_size, value="10",
                                                       label="Rows per page"))
    await load()
    if state.query.startswith("pay_"):
        await detail.open(state.query)
    ui.timer(POLL_SECONDS, poll)
    return None


def _filtered(state: TransactionList) -> bool:
    return bool(state.status or state.method or state.error_reason or state.query or state.date_from or state.date_to)


def _row(payment: dict[str, Any]) -> None:
    row = tid(ui.element("tr"), "transaction-row", payment_id=payment["id"])
    row.classes("border-t border-slate-100 hover:bg-indigo-50/50 cursor-pointer")
    with row:
        cell(payment["id"], "payment-id", "font-mono text-xs")
        cell(payment.get("order_id"), "order-id", "font-mono text-xs")
        cell(payment["amount"], "amount", "tabular-nums")
        cell(payment["method"], "method")
        with cell("", "status"):
            status_badge(payment["status"])
        cell(timestamp(payment.get("created_at")), "created-at", "tabular-nums text-slate-600")
