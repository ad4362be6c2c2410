"""`/upi-app?payment_id=...`: the simulated UPI app of the sandbox, where the shopper approves or declines
a collect request (`upi-app` › `upi-approve-button`, `upi-decline-button`, then `upi-app-result`).

It answers through the API (`POST /api/v1/payments/{id}/collect`), as a PSP's callback would reach the
gateway; the checkout that waits learns the outcome by polling.
"""
from __future__ import annotations

from nicegui import ui

from backend.domain.money import format_amount
from backend.domain.status import PaymentWait
from ui_checkout import api
from ui_checkout.style import CSS
from ui_common.pages import tid


@ui.page("/upi-app", title="Test UPI app · PayGate", response_timeout=20)
async def upi_app_page(payment_id: str = "") -> None:
    ui.add_css(CSS)
    try:
        payment = await api.get_payment(payment_id.strip())
    except api.ApiError as exc:
        payment, error = None, exc.description
    with tid(ui.column().classes("pg-app"), "upi-app"):
        ui.icon("phone_iphone").classes("pg-state-icon pg-spinner")
        ui.label("Test UPI app").classes("pg-state-title")
        ui.label("A simulated UPI app: nothing here moves real money.").classes("pg-hint")
        if payment is None:
            tid(ui.label(error).classes("pg-form-error").props("role=alert"), "upi-app-result")
            return
        ui.label(f"PayGate requests {format_amount(payment['amount'], payment['currency'])}").classes(
            "pg-amount")
        ui.label(f"Payment {payment['id']}").classes("pg-order-id")
        result = tid(ui.label("").props("role=status"), "upi-app-result")
        result.set_visibility(False)
        buttons = ui.column().classes("w-full gap-2")

        async def answer(approve: bool) -> None:
            try:
                answered = await api.answer_collect(payment["id"], approve)
                text = ("Approved. Go back to the checkout." if approve
                        else "Declined. The payment will not be made.") if answered else ""
            except api.ApiError as exc:
                text = exc.description
            buttons.clear()
            result.set_text(text)
            result.set_visibility(True)

        if payment.get("waiting_for") != PaymentWait.APPROVAL:
            result.set_text("This request has already been answered or has expired.")
            result.set_visibility(True)
            return
        with buttons:
            tid(ui.button("Approve", color=None, on_click=lambda: answer(True)).classes("pg-pay")
                .props("unelevated no-caps"), "upi-approve-button")
            tid(ui.button("Decline", color=None, on_click=lambda: answer(False)).classes("pg-decline")
                .props("flat no-caps"), "upi-decline-button")
