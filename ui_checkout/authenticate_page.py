"""`/authenticate?payment_id=...`: next_action.url, for merchants who create payments through the API.

The hosted checkout's own page for one payment (its 3-D Secure state first); once the payment is final
the shopper goes back to the payment's return_url with `payment_id` and `status` added to its query.
"""
from __future__ import annotations

from nicegui import ui

from ui_checkout import api, forms
from ui_checkout.embed import Embed
from ui_checkout.page import Checkout, problem
from ui_checkout.style import CSS
from ui_checkout.waits import COUNTDOWN_SCRIPT


@ui.page("/authenticate", title="Verify your payment · PayGate", response_timeout=20)
async def authenticate_page(payment_id: str = "") -> None:
    ui.add_css(CSS)
    ui.add_head_html(forms.FORMAT_SCRIPT)
    ui.add_head_html(COUNTDOWN_SCRIPT)
    try:
        payment = await api.get_payment(payment_id.strip())
        order = await api.get_order(payment["order_id"])
    except api.ApiError as exc:
        if exc.status in (400, 404):
            problem("not_found", "Payment not found",
                    "We couldn't find this payment. Go back to the shop and try again.", False)
        else:
            problem("unavailable", "Verification is unavailable",
                    "We can't reach the payment service right now. Nothing has been charged; please try again.",
                    False)
        return
    Checkout(order, Embed(ui.context.client, False), return_to_merchant=True).follow(payment, remember=False)
