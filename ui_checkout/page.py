"""`/checkout?order_id=...[&embedded=true]`: the shopper's page (docs/api.md §7).

Order summary, then one of: method choice with the chosen method's form, processing, success, error.
A paid order or an unknown one gets a page of its own with nothing to pay. While a payment is followed,
its id is in the address (`&payment_id=`), so a reload picks it up again instead of offering to pay twice.

Test ids beyond docs/api.md §7: `card-network` (the network as typed), `form-error` (the API's refusal),
`order-paid`, `order-error` (`data-reason` missing | not_found | unavailable) with `order-error-title`
and `order-error-message`; `test-mode-banner` for a sandbox merchant; `error-reason` (the shopper's
sentence for the failure, `data-reason` its error_reason) in `error-state`; and the waiting states of
ui_checkout/waits.py (3-D Secure, UPI collect). `/authenticate?payment_id=` is next_action.url: the same
page for one payment, sending the shopper to the payment's return_url once it is final.
"""
from __future__ import annotations

import json
from typing import Any, Callable

from nicegui import ui

from backend.domain import ids
from urllib.parse import urlencode, urlsplit, urlunsplit

from backend.domain.errors import shopper_message
from backend.domain.money import format_amount
from backend.domain.status import OrderStatus, PaymentStatus, PaymentWait
from ui_checkout import api, forms
from ui_checkout.embed import SCRIPT as EMBED_SCRIPT
from ui_checkout.embed import Embed, failure_message, success_message
from ui_checkout.style import CSS
from ui_checkout.waits import COUNTDOWN_SCRIPT, AuthenticationState, UpiWaitingState
from ui_common.pages import POLL_SECONDS, tid

SLOW_AFTER_POLLS = 15  # 30 s: tell the shopper it is taking longer than usual
GIVE_UP_AFTER_POLLS = 300  # 10 min: stop asking; the merchant learns the outcome by webhook anyway
METHODS = (("upi", "UPI", "qr_code_2"), ("card", "Card", "credit_card"))


def header(name: str, embedded: bool) -> None:
    # Embedded, checkout.js's close button sits in the top right corner: leave it room.
    with ui.row().classes("pg-header" + (" pg-embedded" if embedded else "")):
        ui.icon("storefront").classes("pg-merchant-icon")
        with ui.column().classes("gap-0"):
            ui.label(name).classes("pg-merchant")
            ui.label("Secure checkout").classes("pg-muted")
        ui.space()
        if not embedded:
            ui.icon("lock").classes("pg-lock").props('aria-label="Secure connection"')


class Checkout:
    """One shopper's page: its state lives here, one instance per browser tab."""

    def __init__(self, order: dict[str, Any], embed: Embed, return_to_merchant: bool = False):
        self.order = order
        self.embed = embed
        self.return_to_merchant = return_to_merchant  # next_action.url: back to return_url when final
        self.shown: tuple[str, str | None] | None = None  # (status, waiting_for) on screen while following
        self.method = "upi"
        self.values = {"vpa": "", "number": "", "expiry": "", "cvv": "", "name": ""}
        self.inputs: list[ui.input] = []
        self.payment: dict[str, Any] | None = None
        self.polls = 0
        self.busy = False
        self.timer = ui.timer(POLL_SECONDS, self.poll, active=False, immediate=False)
        with tid(ui.column().classes("pg-card"), "checkout-container"):
            if order.get("test_mode"):
                tid(ui.label("Test mode: no real money moves").classes("pg-test-banner"),
                    "test-mode-banner").props("role=note")
            self.header()
            self.summary()
            self.body = ui.column().classes("pg-body")
            with ui.row().classes("pg-footer"):
                ui.icon("lock")
                ui.label("Secured by PayGate")

    # ---- fixed parts -------------------------------------------------------------------------
    def header(self) -> None:
        header(self.order.get("merchant_name") or "Merchant", self.embed.embedded)

    def summary(self) -> None:
        amount = format_amount(self.order["amount"], self.order["currency"])
        with tid(ui.column().classes("pg-summary"), "order-summary"):
            self.amount_caption = ui.label("Amount to pay").classes("pg-muted")
            tid(ui.label(amount).classes("pg-amount"), "order-amount")
            with ui.row().classes("pg-order-row"):
                ui.label("Order").classes("pg-muted")
                tid(ui.label(self.order["id"]).classes("pg-order-id"), "order-id")

    # ---- states ------------------------------------------------------------------------------
    def show_form(self) -> None:
        self.stop_polling()
        self.busy = False
        self.body.clear()
        self.inputs = []
        with self.body:
            with tid(ui.row().classes("pg-methods"), "payment-methods").props(
                    'role=group aria-label="Payment method"'):
                for method, label, icon in METHODS:
                    chosen = method == self.method
                    button = ui.button(label, icon=icon, color=None, on_click=lambda m=method: self.choose(m))
                    button.classes("pg-method" + (" pg-method-chosen" if chosen else ""))
                    tid(button.props(f"no-caps unelevated aria-pressed={'true' if chosen else 'false'}"),
                        f"method-{method}", method=method)
            with ui.element("form").classes("pg-form").props("novalidate") as form:
                form.on("submit.prevent", self.submit)
                if self.method == "upi":
                    tid(form, "upi-form")
                    self.upi_fields()
                else:
                    tid(form, "card-form")
                    self.card_fields()
                self.form_error = tid(ui.label("").classes("pg-form-error"), "form-error").props("role=alert")
                self.form_error.set_visibility(False)
                self.pay_button = ui.button(f"Pay {format_amount(self.order['amount'], self.order['currency'])}",
                                            color=None)
                tid(self.pay_button.classes("pg-pay").props("type=submit unelevated no-caps size=lg"), "pay-button")

    def field(self, label: str, key: str, check: Callable[[str], str | None], test_id: str, props: str,
              placeholder: str = "") -> ui.input:
        def validation(value: str) -> str | None:
            error = check(value)
            invalid = "true" if error else "false"
            if field.props.get("aria-invalid") != invalid:  # an update resends the value: only when needed
                field.props(f"aria-invalid={invalid}")
            return error

        field = ui.input(label, placeholder=placeholder, validation=validation).without_auto_validation()
        tid(field.bind_value(self.values, key).classes("pg-field").props(f"outlined stack-label {props}"), test_id)
        # Checked when the shopper leaves the field and on submit, never per keystroke: an element update
        # resends the input's value and would overwrite characters typed while it was on its way.
        field.on("blur", lambda: (field.value or field.error is not None) and field.validate())
        self.inputs.append(field)
        return field

    def upi_fields(self) -> None:
        self.field("UPI ID", "vpa", forms.vpa_error, placeholder="name@bank",
                   test_id="vpa-input", props="autocomplete=off autocapitalize=none spellcheck=false "
                         f"maxlength={forms.MAX_TEXT} autofocus")
        ui.label("Approve the request in your UPI app to complete the payment.").classes("pg-hint")

    def card_fields(self) -> None:
        number = self.field("Card number", "number", forms.card_number_error, placeholder="1234 5678 9012 3456",
                            test_id="card-number-input", props="data-format=card inputmode=numeric maxlength=23 "
                                  "autocomplete=cc-number autofocus")
        with number.add_slot("append"):
            network = tid(ui.label(forms.network_name(self.values["number"])).classes("pg-network"),
                          "card-network").props("aria-live=polite")
        number.on_value_change(lambda e: network.set_text(forms.network_name(e.value)))
        with ui.row().classes("pg-row"):
            self.field("Expiry (MM/YY)", "expiry", forms.expiry_error, placeholder="MM/YY",
                       test_id="expiry-input", props="data-format=expiry inputmode=numeric maxlength=5 "
                             "autocomplete=cc-exp").classes("pg-half")
            self.field("CVV", "cvv", forms.cvv_error, placeholder="123",
                       test_id="cvv-input", props="data-format=digits type=password inputmode=numeric maxlength=4 "
                             "autocomplete=cc-csc").classes("pg-half")
        self.field("Name on card", "name", forms.name_error, placeholder="As printed on the card",
                   test_id="cardholder-name-input", props=f"autocomplete=cc-name maxlength={forms.MAX_TEXT}")

    def show_processing(self) -> None:
        self.body.clear()
        with self.body, tid(ui.column().classes("pg-state"), "processing-state").props(
                "role=status aria-live=polite"):
            ui.spinner("oval", size="3.5em").classes("pg-spinner")
            tid(ui.label("Processing payment...").classes("pg-state-title"), "processing-message")
            self.slow_note = ui.label("This usually takes a few seconds.").classes("pg-muted")

    def show_success(self, payment: dict[str, Any]) -> None:
        self.stop_polling()
        self.body.clear()
        self.amount_caption.set_text("Amount paid")
        with self.body, tid(ui.column().classes("pg-state"), "success-state").props("role=status"):
            ui.icon("check_circle").classes("pg-state-icon pg-ok")
            ui.label("Payment successful").classes("pg-state-title")
            tid(ui.label("Your payment has been processed successfully"), "success-message")
            with ui.row().classes("pg-order-row"):
                ui.label("Payment ID").classes("pg-muted")
                tid(ui.label(payment["id"]).classes("pg-order-id"), "payment-id")
        self.embed.post(success_message(payment))
        self.back_to_merchant(payment)

    def show_error(self, payment: dict[str, Any]) -> None:
        self.stop_polling()
        self.body.clear()
        with self.body, tid(ui.column().classes("pg-state"), "error-state").props("role=alert"):
            ui.icon("error").classes("pg-state-icon pg-bad")
            ui.label("Payment failed").classes("pg-state-title")
            tid(ui.label(payment.get("error_description") or "Payment failed"), "error-message")
            tid(ui.label(shopper_message(payment.get("error_reason"))).classes("pg-reason"), "error-reason",
                reason=payment.get("error_reason") or "unknown")
            ui.label("No money was taken. You can try again.").classes("pg-muted")
            retry = ui.button("Try Again", color=None, on_click=self.retry).classes("pg-pay")
            tid(retry.props("unelevated no-caps"), "retry-button")
        self.embed.post(failure_message(payment))
        self.back_to_merchant(payment)

    def show_authentication(self, payment: dict[str, Any]) -> None:
        self.body.clear()
        with self.body:
            self.authentication = AuthenticationState(payment, bool(self.order.get("test_mode")),
                                                      self.submit_otp, self.cancel_authentication)

    def show_upi_waiting(self, payment: dict[str, Any]) -> None:
        self.body.clear()
        with self.body:
            UpiWaitingState(payment, bool(self.order.get("test_mode")))

    def back_to_merchant(self, payment: dict[str, Any]) -> None:
        """On next_action.url, a final payment sends the shopper to the merchant's return_url."""
        url = payment.get("return_url")
        if self.return_to_merchant and url:
            ui.timer(2.0, lambda: ui.navigate.to(with_query(url, payment_id=payment["id"], status=payment["status"])),
                     once=True)

    def show_paid(self) -> None:
        self.body.clear()
        self.amount_caption.set_text("Amount paid")
        with self.body, tid(ui.column().classes("pg-state"), "order-paid").props("role=status"):
            ui.icon("verified").classes("pg-state-icon pg-ok")
            ui.label("This order has already been paid").classes("pg-state-title")
            ui.label("Nothing more to pay. You can close this page.").classes("pg-muted")

    # ---- actions -----------------------------------------------------------------------------
    def choose(self, method: str) -> None:
        if method != self.method:
            self.method = method
            self.show_form()

    def retry(self) -> None:
        self.payment = None
        self.remember_payment(None)
        self.show_form()

    async def submit(self) -> None:
        if self.busy:
            return
        invalid = [field for field in self.inputs if not field.validate()]
        if invalid:
            invalid[0].run_method("focus")
            return
        v, order_id = self.values, self.order["id"]
        body = (forms.upi_body(order_id, v["vpa"]) if self.method == "upi"
                else forms.card_body(order_id, v["number"], v["expiry"], v["cvv"], v["name"]))
        self.busy = True
        self.form_error.set_visibility(False)
        self.pay_button.props("loading")
        try:
            payment = await api.create_payment(body)
        except api.ApiError as exc:
            await self.refused(exc)
            return
        self.values["number"] = self.values["cvv"] = ""  # kept no longer than the request that needed them
        self.follow(payment)

    async def refused(self, exc: api.ApiError) -> None:
        self.busy = False
        self.pay_button.props(remove="loading")
        try:
            self.order = {**self.order, **await api.get_order(self.order["id"])}
        except api.ApiError:
            pass
        if self.order.get("status") == OrderStatus.PAID:
            self.show_paid()
            return
        self.form_error.set_text(exc.description)
        self.form_error.set_visibility(True)

    def follow(self, payment: dict[str, Any], remember: bool = True) -> None:
        """Show a payment until it ends: at once if it already has, else poll every 2 s (also while it
        waits for the shopper: the answer may come from elsewhere, and the deadline is the API's)."""
        self.payment = payment
        if remember:
            self.remember_payment(payment["id"])
        self.shown = (payment["status"], payment.get("waiting_for"))
        if payment["status"] == PaymentStatus.SUCCESS:
            self.show_success(payment)
        elif payment["status"] == PaymentStatus.FAILED:
            self.show_error(payment)
        else:
            if payment.get("waiting_for") == PaymentWait.AUTHENTICATION:
                self.show_authentication(payment)
            elif payment.get("waiting_for") == PaymentWait.APPROVAL:
                self.show_upi_waiting(payment)
            else:
                self.show_processing()
            self.polls = 0
            self.timer.activate()

    async def submit_otp(self, otp: str) -> None:
        await self.answer(api.authenticate(self.payment["id"], otp))

    async def cancel_authentication(self) -> None:
        await self.answer(api.cancel_authentication(self.payment["id"]))

    async def answer(self, call) -> None:
        """The API answers with the payment: still waiting (a wrong password), on to the bank, or failed."""
        try:
            payment = await call
        except api.ApiError as exc:
            if exc.status in (400, 404):  # expired or already answered: show what the payment is now
                await self.poll()
            else:
                self.authentication.wrong(exc.description)
            return
        if payment.get("waiting_for") == PaymentWait.AUTHENTICATION:
            left = payment.get("authentication_attempts_left")
            self.authentication.wrong(f"Incorrect password. {left} attempt{'s' if left != 1 else ''} left.")
            return
        self.follow(payment, remember=False)

    async def poll(self) -> None:
        if self.payment is None:
            self.stop_polling()
            return
        try:
            payment = await api.get_payment(self.payment["id"])
        except api.ApiError:
            return  # a hiccup of the API: keep polling
        if self.payment is None or payment["id"] != self.payment["id"]:
            return
        self.polls += 1
        if payment["status"] != PaymentStatus.PENDING or (payment["status"], payment.get("waiting_for")) != self.shown:
            self.follow(payment, remember=False)
        elif payment.get("waiting_for"):
            return  # the shopper's turn: the wait's own countdown says how long
        elif self.polls == SLOW_AFTER_POLLS:
            self.slow_note.set_text("This is taking longer than usual. We're still waiting for your bank.")
        elif self.polls >= GIVE_UP_AFTER_POLLS:
            self.stop_polling()
            self.slow_note.set_text("Your bank has not answered yet. Reload this page later to see the outcome; "
                                    "you will not be charged twice.")

    def stop_polling(self) -> None:
        self.timer.deactivate()

    def remember_payment(self, payment_id: str | None) -> None:
        """Keep the payment in the address, so a reload picks the same payment up again."""
        param = json.dumps(payment_id)  # a JavaScript string literal, or null
        self.embed.client.run_javascript(
            "(function(p){var u=new URL(window.location.href);"
            "if(p){u.searchParams.set('payment_id',p);}else{u.searchParams.delete('payment_id');}"
            "history.replaceState(history.state,'',u.toString());})(" + param + ")")

    async def resume(self, payment_id: str) -> bool:
        if not ids.looks_like(ids.PAYMENT, payment_id):
            return False
        try:
            payment = await api.get_payment(payment_id)
        except api.ApiError:
            return False
        if payment.get("order_id") != self.order["id"]:
            return False
        self.follow(payment, remember=False)  # the address names it already
        return True


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode(params)) if q)
    return urlunsplit(parts._replace(query=query))


def problem(reason: str, title: str, text: str, embedded: bool) -> None:
    with tid(ui.column().classes("pg-card"), "checkout-container"):
        header("PayGate", embedded)
        with ui.column().classes("pg-body"), tid(ui.column().classes("pg-state").props("role=alert"),
                                                 "order-error", reason=reason):
            ui.icon("link_off" if reason != "unavailable" else "cloud_off").classes("pg-state-icon pg-bad")
            tid(ui.label(title).classes("pg-state-title"), "order-error-title")
            tid(ui.label(text).classes("pg-muted"), "order-error-message")
            if reason == "unavailable":
                ui.button("Try again", color=None, on_click=lambda: ui.navigate.reload()).classes("pg-pay").props(
                    "unelevated no-caps")


async def find_order(order_id: str) -> dict[str, Any] | None:
    """The order, or None when there is none by that id; ApiError when the API cannot say. An id that
    cannot be an order's (slashes, dots, 1,000 characters, emoji) is not even asked about."""
    if not ids.looks_like(ids.ORDER, order_id):
        return None
    try:
        return await api.get_order(order_id)
    except api.ApiError as exc:
        if exc.status in (400, 404):
            return None
        raise


@ui.page("/checkout", title="Checkout · PayGate", response_timeout=20)  # the API client waits up to 10 s
async def checkout_page(order_id: str = "", embedded: str = "", payment_id: str = "") -> None:
    ui.add_css(CSS)
    ui.add_head_html(forms.FORMAT_SCRIPT)
    ui.add_head_html(COUNTDOWN_SCRIPT)
    is_embedded = embedded.lower() in ("true", "1", "yes")
    if is_embedded:
        ui.add_head_html(EMBED_SCRIPT)
        ui.query("body").classes("pg-embedded-body")
    order_id = order_id.strip()
    if not order_id:
        problem("missing", "No order to pay",
                "This payment link is incomplete: it names no order. Please go back to the shop and try again.",
                is_embedded)
        return
    try:
        order = await find_order(order_id)
    except api.ApiError:
        problem("unavailable", "Checkout is unavailable",
                "We can't reach the payment service right now. Nothing has been charged; please try again.",
                is_embedded)
        return
    if order is None:
        problem("not_found", "Order not found",
                "We couldn't find this order. Check the payment link, or go back to the shop and try again.",
                is_embedded)
        return
    amount = format_amount(order["amount"], order["currency"])
    ui.page_title(f"Pay {amount} to {order.get('merchant_name') or 'merchant'} · PayGate")
    checkout = Checkout(order, Embed(ui.context.client, is_embedded))
    if payment_id and await checkout.resume(payment_id.strip()):
        return
    if order["status"] == OrderStatus.PAID:
        checkout.show_paid()
    else:
        checkout.show_form()
