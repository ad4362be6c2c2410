"""The payment detail panel of the transactions page: fields, refunds, webhook events, and the
Capture and Refund actions (the API's errors are shown as they come)."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from nicegui import ui

from backend.domain.errors import shopper_message
from backend.domain.money import format_amount, format_decimal, parse_amount, symbol
from backend.domain.status import PaymentStatus, RefundStatus
from ui_common.pages import POLL_SECONDS
from ui_dashboard.api import MerchantApi
from ui_dashboard.components import (Tag, copy_button, icon_button, status_badge, tid, timestamp,
                                     toast)
from ui_dashboard.layout import attempt

MAX_ROWS = 100


class PaymentDetail:
    def __init__(self, merchant_api: MerchantApi, on_change: Callable[[], Awaitable[None]]) -> None:
        self.api = merchant_api
        self.on_change = on_change
        self.payment: dict[str, Any] | None = None
        self.refunds: list[dict[str, Any]] = []
        self.dialog = ui.dialog().props("position=right full-height")
        with self.dialog:
            self.card = tid(ui.card().classes("w-[30rem] max-w-full h-full gap-4 no-wrap overflow-y-auto"),
                            "payment-detail")
        self.poll = ui.timer(POLL_SECONDS, self._poll, active=False)

    async def open(self, payment_id: str) -> None:
        if await self._load(payment_id):
            self.dialog.open()

    async def _poll(self) -> None:
        if not self.dialog.value or self.payment is None:
            self.poll.deactivate()
            return
        before = (self.payment["status"], [r["status"] for r in self.refunds])
        await self._load(self.payment["id"])
        if self.payment and before != (self.payment["status"], [r["status"] for r in self.refunds]):
            await self.on_change()

    async def _load(self, payment_id: str) -> bool:
        payment = await attempt(self.api.payment(payment_id))
        if payment is None:
            return False
        refunds = await attempt(self.api.refunds(payment_id)) or {"data": []}
        webhooks = await attempt(self.api.webhooks(limit=MAX_ROWS, payment_id=payment_id)) or {"data": []}
        self.payment, self.refunds = payment, refunds["data"]
        self._render(payment, refunds["data"], webhooks["data"])
        still_moving = payment["status"] == PaymentStatus.PENDING or any(r["status"] == RefundStatus.PENDING
                                                                          for r in refunds["data"])
        self.poll.active = still_moving
        return True

    def refundable(self) -> int:
        """What the API says can still be refunded (`amount_refundable`; the rule is docs/api.md §2.4)."""
        assert self.payment is not None
        if "amount_refundable" in self.payment:
            return self.payment["amount_refundable"]
        # Until the API's amount_refundable field is merged: the rule as the API applies it.
        return max(0, self.payment["amount"] - sum(r["amount"] for r in self.refunds
                                                   if r["status"] in (RefundStatus.PENDING, RefundStatus.PROCESSED)))

    # rendering
    def _render(self, payment: dict[str, Any], refunds: list[dict[str, Any]],
                webhooks: list[dict[str, Any]]) -> None:
        self.card.clear()
        with self.card:
            with ui.row().classes("w-full items-start justify-between no-wrap"):
                with ui.column().classes("gap-1"):
                    ui.label("Payment").classes("text-xs uppercase text-slate-500")
                    with ui.row().classes("items-center gap-1"):
                        tid(ui.label(payment["id"]).classes("font-mono text-base font-semibold"),
                            "detail-payment-id")
                        copy_button(payment["id"], "copy-payment-id-button", "Payment ID")
                icon_button("close", "Close", "close-detail-button", self.dialog.close)
            with ui.row().classes("items-baseline gap-3"):
                ui.label(format_amount(payment["amount"], payment.get("currency", "INR"))) \
                    .classes("text-3xl font-semibold")
                status_badge(payment["status"], "detail-status")
                if payment.get("captured"):
                    status_badge("captured", "detail-captured")
            self._fields(payment)
            self.error = tid(ui.label("").classes("w-full text-sm text-red-700 bg-red-50 rounded px-3 py-2"),
                             "detail-error")
            self.error.set_visibility(False)
            self._actions(payment)
            self._refund_list(refunds)
            self._webhook_list(webhooks)

    def _fields(self, payment: dict[str, Any]) -> None:
        if payment["method"] == "card":
            instrument = f"{(payment.get('card_network') or 'card').title()} •••• {payment.get('card_last4', '')}"
        else:
            instrument = payment.get("vpa") or ""
        rows = [("Order ID", payment.get("order_id")), ("Amount (paise)", payment["amount"]),
                ("Currency", payment.get("currency")), ("Method", payment["method"].upper()),
                ("Paid with", instrument), ("Captured", "Yes" if payment.get("captured") else "No"),
                ("Created", timestamp(payment.get("created_at"))),
                ("Updated", timestamp(payment.get("updated_at")))]
        if payment.get("error_code"):
            rows.append(("Error", f"{payment['error_code']}: {payment.get('error_description') or ''}"))
        if payment.get("waiting_for"):
            rows.append(("Waiting for", f"{payment['waiting_for']} until {timestamp(payment.get('expires_at'))}"))
        with ui.element("dl").classes("grid grid-cols-[8rem_1fr] gap-x-4 gap-y-2 text-sm w-full"):
            for label, value in rows:
                Tag("dt", label).classes("text-slate-500")
                Tag("dd", "" if value is None else str(value)).classes("font-mono break-all")
        if payment.get("error_reason"):
            self._failure(payment)

    @staticmethod
    def _failure(payment: dict[str, Any]) -> None:
        """Why it failed (error_reason, error_source, error_step) and what the shopper was told."""
        reason = payment["error_reason"]
        with tid(ui.column().classes("w-full gap-1 rounded bg-red-50 px-3 py-2 text-sm"), "detail-failure",
                 reason=reason):
            tid(ui.label(reason).classes("font-mono font-semibold text-red-800"), "detail-error-reason")
            tid(ui.label(f"source {payment.get('error_source')} · step {payment.get('error_step')}")
                .classes("font-mono text-red-700"), "detail-error-source-step")
            ui.label(f"The shopper saw: {shopper_message(reason)}").classes("text-slate-600")

    def _actions(self, payment: dict[str, Any]) -> None:
        if payment["status"] != PaymentStatus.SUCCESS:
            pending = payment["status"] == PaymentStatus.PENDING
            ui.label("Capture and refunds become available once the payment succeeds." if pending
                     else "A failed payment cannot be captured or refunded.").classes("text-sm text-slate-500")
            return
        with ui.card().classes("w-full gap-3 bg-slate-50").props("flat bordered"):
            if not payment.get("captured"):
                with ui.row().classes("w-full items-center justify-between"):
                    ui.label("Authorised, not captured yet").classes("text-sm")
                    tid(ui.button("Capture", icon="task_alt", on_click=self._capture)
                        .props("unelevated no-caps"), "capture-button")
            available = self.refundable()
            ui.label(f"Refundable: {format_amount(available, payment.get('currency', 'INR'))}") \
                .classes("text-sm text-slate-600")
            if available <= 0:
                return
            with ui.row().classes("w-full gap-2 no-wrap items-start"):
                self.refund_amount = tid(
                    ui.input(f"Amount ({symbol(payment.get('currency', 'INR'))})", value=format_decimal(available))
                    .props("outlined dense inputmode=decimal").classes("w-32"), "refund-amount-input")
                self.refund_reason = tid(ui.input("Reason", value="Customer requested refund")
                                         .props("outlined dense").classes("grow"), "refund-reason-input")
            tid(ui.button("Refund", icon="undo", on_click=self._refund).props("outline no-caps"),
                "refund-button")

    def _refund_list(self, refunds: list[dict[str, Any]]) -> None:
        ui.label("Refunds").classes("text-sm font-semibold")
        if not refunds:
            ui.label("No refunds").classes("text-sm text-slate-500")
        for refund in refunds:
            with tid(ui.row().classes("w-full items-center justify-between text-sm"), "refund-row",
                     refund_id=refund["id"]):
                ui.label(refund["id"]).classes("font-mono text-xs")
                ui.label(format_amount(refund["amount"]))
                status_badge(refund["status"])
                ui.label(timestamp(refund.get("created_at"))).classes("text-xs text-slate-500")

    def _webhook_list(self, webhooks: list[dict[str, Any]]) -> None:
        with ui.row().classes("w-full items-center justify-between"):
            ui.label("Webhook events").classes("text-sm font-semibold")
            ui.link("All deliveries", "/dashboard/webhooks").classes("text-sm")
        if not webhooks:
            ui.label("No webhook events (no webhook URL was set)").classes("text-sm text-slate-500")
        for event in webhooks:
            with tid(ui.row().classes("w-full items-center justify-between text-sm"), "detail-webhook-row",
                     webhook_id=event["id"]):
                ui.label(event["event"]).classes("font-mono text-xs")
                status_badge(event["status"])
                ui.label(f"{event.get('attempts', 0)} attempt(s)").classes("text-xs text-slate-500")

    # actions
    def _fail(self, message: str) -> None:
        self.error.set_text(message)
        self.error.set_visibility(True)

    async def _capture(self) -> None:
        assert self.payment is not None
        if await attempt(self.api.capture(self.payment["id"], self.payment["amount"]), self.error) is None:
            return
        toast("Payment captured")
        await self._after_action()

    async def _refund(self) -> None:
        assert self.payment is not None
        paise = parse_amount(self.refund_amount.value)
        if paise is None:
            self._fail("Enter an amount in rupees, like 250 or 250.50")
            return
        reason = (self.refund_reason.value or "").strip()
        if await attempt(self.api.refund(self.payment["id"], paise, reason), self.error) is None:
            return
        toast(f"Refund of {format_amount(paise)} created")
        await self._after_action()

    async def _after_action(self) -> None:
        assert self.payment is not None
        await self._load(self.payment["id"])
        await self.on_change()

