"""`/dashboard/transactions`: every payment, newest first, paged through the API by cursor (so page 1,000
costs what page 1 does), with filters, search by payment or order id, a detail panel (capture, refund)
and a CSV export that streams the whole filtered range, whatever its size, with its progress shown."""
from __future__ import annotations

import csv
import io
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, AsyncIterator

from fastapi.responses import PlainTextResponse, RedirectResponse, StreamingResponse
from nicegui import app, ui

from backend.domain.errors import FAILURE_REASONS
from backend.domain.status import PaymentStatus
from ui_common.pages import POLL_SECONDS, redirect
from ui_dashboard.api import PAGE_LIMIT_MAX, ApiError, MerchantApi
from ui_dashboard.components import (CursorPages, Latest, cell, date_input, empty_row, html_table, icon_button,
                                     native_select, on_row_click, pager, status_badge, tid, timestamp, toast)
from ui_dashboard.layout import attempt, frame, signed_in
from ui_dashboard.payment_detail import PaymentDetail

HEADERS = ("Payment ID", "Order ID", "Amount", "Method", "Status", "Created")
STATUSES = (("", "All statuses"), *((status.value, status.value.title()) for status in PaymentStatus))
METHODS = (("", "All methods"), ("upi", "UPI"), ("card", "Card"))
REASONS = (("", "All failure reasons"), *((reason, reason) for reason in FAILURE_REASONS))
PAGE_SIZES = (("10", "10 per page"), ("25", "25 per page"), ("50", "50 per page"))
EXPORT_PROGRESS_SECONDS = 0.5
EXPORT_TTL_SECONDS = 3600  # an export link not opened within this is forgotten
CSV_COLUMNS = ("id", "order_id", "amount", "currency", "method", "status", "captured", "vpa",
               "card_network", "card_last4", "error_code", "error_description", "created_at", "updated_at")


class TransactionList:
    """The state of one visitor's transactions page: filters, the cursor of the page shown, and its rows.

    Pages go by cursor (components.CursorPages), never by offset."""

    def __init__(self, merchant_api: MerchantApi) -> None:
        self.api = merchant_api
        self.status = ""
        self.method = ""
        self.error_reason = ""
        self.query = ""
        self.date_from = ""  # YYYY-MM-DD, UTC, inclusive
        self.date_to = ""
        self.pages = CursorPages()
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

    async def fetch(self, limit: int, cursor: dict[str, str] | None = None) -> dict[str, Any]:
        """One page of the filtered payments, in the API's list envelope, at `cursor` (None: the first)."""
        if self.query.startswith("pay_"):  # a payment id: look it up directly
            try:
                payment = await self.api.payment(self.query)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                payment = None
            rows = [payment] if payment and self._matches(payment) and not cursor else []
            return {"data": rows, "total": len(rows), "limit": limit, "offset": 0, "has_more": False,
                    "total_capped": False}
        return await self.api.payments(limit=limit, **(cursor or {}), **self.filters())

    def snapshot(self) -> "TransactionList":
        """The same filters, for an export that runs on while the page moves on."""
        copy = TransactionList(self.api)
        copy.status, copy.method, copy.query = self.status, self.method, self.query
        copy.error_reason = self.error_reason
        copy.date_from, copy.date_to = self.date_from, self.date_to
        return copy


@dataclass
class Export:
    """One CSV export: all rows of a filtered list, streamed page by page (memory stays at one page), with
    its progress for the page that started it."""
    source: TransactionList
    rows: int = 0
    total: int = 0
    capped: bool = False
    done: bool = False
    failed: str = ""
    opened: bool = False
    created: float = field(default_factory=time.monotonic)

    async def stream(self) -> AsyncIterator[str]:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        cursor: dict[str, str] | None = None
        try:
            while True:
                page = await self.source.fetch(PAGE_LIMIT_MAX, cursor)
                self.total, self.capped = max(page["total"], self.rows + len(page["data"])), page["total_capped"]
                writer.writerows(page["data"])
                self.rows += len(page["data"])
                yield out.getvalue()
                out.seek(0)
                out.truncate()
                if not page["has_more"] or not page["data"]:
                    break
                cursor = {"starting_after": page["data"][-1]["id"]}
        except ApiError as exc:
            self.failed = exc.description
            return
        finally:
            self.done = True


_EXPORTS: dict[str, Export] = {}


def start_export(source: TransactionList) -> tuple[str, Export]:
    """A one-time link to the CSV of these filters (the token is the only key to it)."""
    for token, old in list(_EXPORTS.items()):
        if time.monotonic() - old.created > EXPORT_TTL_SECONDS:
            _EXPORTS.pop(token, None)
    token = secrets.token_urlsafe(24)
    _EXPORTS[token] = export = Export(source.snapshot())
    return token, export


@app.get("/dashboard/transactions/export/{token}")
async def export_csv(token: str):
    export = _EXPORTS.get(token)
    if export is None or export.opened:
        return PlainTextResponse("This export link has expired: export again from the dashboard.", 404)
    export.opened = True
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    return StreamingResponse(export.stream(), media_type="text/csv",
                             headers={"Content-Disposition": f'attachment; filename="transactions-{stamp}.csv"'})


class TransactionsPage:
    """One browser tab of `/dashboard/transactions`: its list, pager, export and detail panel."""

    def __init__(self, merchant_api: MerchantApi, query: str) -> None:
        self.state = TransactionList(merchant_api)
        self.state.query = query
        self.detail = PaymentDetail(merchant_api, on_change=self.load)
        with frame("Transactions", active="/dashboard/transactions"):
            self._toolbar()
            self._export_progress()
            self._filters()
            _, self.body = html_table("transactions-table", HEADERS)
            on_row_click(self.body, "data-payment-id", self.detail.open)
            self.pagination = pager(self.previous_page, self.next_page, extra=lambda: native_select(
                PAGE_SIZES, "page-size-select", self.set_page_size, value="10", label="Rows per page"))

    async def start(self) -> None:
        await self.load()
        if self.state.query.startswith("pay_"):
            await self.detail.open(self.state.query)
        ui.timer(POLL_SECONDS, self.poll)

    # drawing
    def _toolbar(self) -> None:
        with ui.row().classes("w-full items-center gap-3"):
            self.search_input = tid(ui.input(placeholder="Search by payment or order ID", value=self.state.query)
                                    .props('outlined dense clearable aria-label="Search payments"')
                                    .classes("w-80"), "search-input")
            self.search_input.on("keydown.enter", self.search)
            self.search_input.on("clear", self.search)
            tid(ui.button("Search", icon="search", on_click=self.search).props("unelevated no-caps"),
                "search-button")
            ui.space()
            icon_button("refresh", "Refresh", "refresh-button", self.load)
            self.export_button = tid(ui.button("Export CSV", icon="download", on_click=self.export)
                                     .props("outline no-caps"), "export-csv-button")

    def _export_progress(self) -> None:
        with ui.row().classes("w-full items-center gap-3 -mt-2"):
            self.progress_label = tid(ui.label("").classes("text-sm text-slate-500"), "export-progress")
            self.progress = ui.linear_progress(value=0, show_value=False).classes("w-64")
            self.progress.set_visibility(False)

    def _filters(self) -> None:
        with ui.row().classes("w-full items-center gap-3 -mt-2"):
            native_select(STATUSES, "status-filter", self.filter_by("status"), label="Filter by status")
            native_select(METHODS, "method-filter", self.filter_by("method"), label="Filter by method")
            native_select(REASONS, "reason-filter", self.filter_by("error_reason"), label="Filter by failure reason")
            date_input("From", "date-from-filter", self.filter_by("date_from"))
            date_input("To", "date-to-filter", self.filter_by("date_to"))
            ui.label("Dates and times are UTC").classes("text-xs text-slate-400")

    def _draw(self, page: dict[str, Any]) -> None:
        self.body.clear()
        with self.body:
            for payment in page["data"]:
                _row(payment)
            if not page["data"]:
                empty_row(len(HEADERS), "No payments match these filters" if _filtered(self.state)
                          else "No payments yet. Create an order and pay it to see it here.")
        self.state.pages.show(self.pagination, page)

    # loading
    async def load(self) -> None:
        state, pages = self.state, self.state.pages
        ticket = state.loads.begin()
        page = await attempt(state.fetch(pages.limit, pages.cursor))
        if page is not None and not page["data"] and pages.cursor:
            pages.first()  # the rows around the cursor are gone (filters changed them): start again
            page = await attempt(state.fetch(pages.limit, pages.cursor))
        if page is None or state.loads.is_stale(ticket):
            return
        self._draw(page)
        state.pending = any(p["status"] == PaymentStatus.PENDING for p in page["data"])

    async def poll(self) -> None:  # pending payments settle within seconds: show it without a reload
        if self.state.pending and not self.detail.dialog.value:
            await self.load()

    async def first_page(self) -> None:
        self.state.pages.first()
        await self.load()

    async def previous_page(self) -> None:
        self.state.pages.previous()
        await self.load()

    async def next_page(self) -> None:
        self.state.pages.next()
        await self.load()

    # handlers
    def filter_by(self, field: str) -> Callable[[str], Awaitable[None]]:
        """A handler that sets one filter and shows the first page of the result."""
        async def apply(value: str) -> None:
            setattr(self.state, field, value)
            await self.first_page()
        return apply

    async def set_page_size(self, value: str) -> None:
        self.state.pages.limit = int(value or 10)
        await self.first_page()

    async def search(self) -> None:
        self.state.query = (self.search_input.value or "").strip()
        await self.first_page()

    def export(self) -> None:
        token, job = start_export(self.state)
        self.export_button.props("loading")
        self.progress.set_visibility(True)
        self.progress_label.set_text("Preparing the export…")
        self.export_timer = ui.timer(EXPORT_PROGRESS_SECONDS, lambda: self._export_tick(job))
        ui.download(f"/dashboard/transactions/export/{token}")

    def _export_tick(self, job: Export) -> None:
        of = f"{job.total:,}{'+' if job.capped else ''}"
        if not job.done:
            if job.opened:
                self.progress_label.set_text(f"Exporting… {job.rows:,} of {of} payments")
                self.progress.set_value(min(1.0, job.rows / job.total) if job.total else 0.0)
            return
        self.export_timer.cancel()
        self.export_button.props(remove="loading")
        self.progress.set_visibility(False)
        self.progress_label.set_text("")
        if job.failed:
            toast(f"Export stopped after {job.rows:,} payments: {job.failed}", "negative")
        else:
            toast(f"Exported {job.rows:,} payments")


@ui.page("/dashboard/transactions", response_timeout=15)
async def transactions_page(search: str = "") -> RedirectResponse | None:
    """`?search=pay_...` (or an order id) opens the page searched; a payment id also opens its detail."""
    merchant_api = signed_in()
    if merchant_api is None:
        return redirect("/login")
    await TransactionsPage(merchant_api, search.strip()).start()
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
