"""The checkout's states while a payment waits for the shopper (beyond docs/api.md §7), one class each:

- `AuthenticationState`: 3-D Secure, the simulated bank's page inside the checkout's card:
  `authentication-state` › `authentication-bank`, `otp-input`, `otp-submit-button`, `otp-cancel-button`,
  `authentication-timer`, and `otp-error` after a wrong password. The API checks the password, never the page.
- `UpiWaitingState`: a UPI collect request: `upi-waiting-state` › `upi-countdown`, `upi-qr` (the UPI
  intent link as a QR code, `data-intent` carrying the link), and in test mode `upi-app-link` to the
  simulated UPI app (ui_checkout/upi_app.py).

Countdowns tick in the browser (COUNTDOWN_SCRIPT), from the seconds left when the state was drawn; the
deadline itself is the API's, enforced by its worker whatever the page does.
"""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import urlencode

import segno
from nicegui import ui

from backend.processors.test_values import TEST_OTP
from ui_common.pages import tid

COUNTDOWN_SCRIPT = """<script>
(function () {
  function tick() {
    document.querySelectorAll('[data-seconds-left]').forEach(function (el) {
      if (!el.dataset.countdownStart) { el.dataset.countdownStart = String(Date.now()); }
      var elapsed = (Date.now() - Number(el.dataset.countdownStart)) / 1000;
      var left = Math.max(0, Math.ceil(Number(el.dataset.secondsLeft) - elapsed));
      var text = Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0');
      if (el.textContent !== text) { el.textContent = text; }
      el.setAttribute('data-expired', left === 0 ? 'true' : 'false');
    });
  }
  setInterval(tick, 1000);
})();
</script>"""


def seconds_left(payment: dict[str, Any], now: datetime | None = None) -> int:
    expires = payment.get("expires_at")
    if not expires:
        return 0
    deadline = datetime.fromisoformat(expires.replace("Z", "+00:00"))
    return max(0, int((deadline - (now or datetime.now(timezone.utc))).total_seconds()))


def clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def countdown(payment: dict[str, Any], test_id: str) -> ui.label:
    left = seconds_left(payment)
    return tid(ui.label(clock(left)).classes("pg-countdown").props("role=timer aria-live=off"), test_id,
               seconds_left=str(left))


def qr_data_uri(text: str) -> str:
    """The QR code of `text` as an SVG data URI (segno, error correction M)."""
    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


class AuthenticationState:
    def __init__(self, payment: dict[str, Any], test_mode: bool,
                 on_submit: Callable[[str], Awaitable[None]], on_cancel: Callable[[], Awaitable[None]]):
        self.on_submit, self.on_cancel = on_submit, on_cancel
        self.busy = False
        with tid(ui.column().classes("pg-bank").props('role=region aria-label="Verify with your bank"'),
                 "authentication-state"):
            with ui.row().classes("pg-bank-head"):
                ui.icon("account_balance").classes("pg-bank-icon")
                tid(ui.label(payment.get("card_issuer") or "Your bank").classes("pg-bank-name"),
                    "authentication-bank")
                ui.space()
                countdown(payment, "authentication-timer")
            ui.label("Verify this payment").classes("pg-state-title")
            last4 = payment.get("card_last4")
            ui.label("Enter the one-time password sent to your phone"
                     + (f" for the card ending {last4}." if last4 else ".")).classes("pg-muted")
            if test_mode:
                ui.label(f"Test mode: the password is {TEST_OTP}.").classes("pg-hint")
            with ui.element("form").classes("pg-form").props("novalidate") as form:
                form.on("submit.prevent", self.submit)
                self.otp = tid(ui.input("One-time password").classes("pg-field").props(
                    "outlined stack-label inputmode=numeric autocomplete=one-time-code maxlength=12 autofocus"),
                    "otp-input")
                self.error = tid(ui.label("").classes("pg-form-error").props("role=alert"), "otp-error")
                self.error.set_visibility(False)
                self.submit_button = tid(ui.button("Verify", color=None).classes("pg-pay").props(
                    "type=submit unelevated no-caps"), "otp-submit-button")
            tid(ui.button("Cancel payment", color=None, on_click=self.cancel).classes("pg-link-button")
                .props("flat no-caps"), "otp-cancel-button")

    async def submit(self) -> None:
        otp = (self.otp.value or "").strip()
        if self.busy:
            return
        if not otp:
            self.wrong("Enter the one-time password")
            return
        self.busy = True
        self.submit_button.props("loading")
        try:
            await self.on_submit(otp)
        finally:
            self.busy = False
            self.submit_button.props(remove="loading")

    async def cancel(self) -> None:
        if not self.busy:
            self.busy = True
            await self.on_cancel()
            self.busy = False

    def wrong(self, text: str) -> None:
        self.otp.set_value("")
        self.error.set_text(text)
        self.error.set_visibility(True)
        self.otp.run_method("focus")


def upi_app_url(payment_id: str) -> str:
    return "/upi-app?" + urlencode({"payment_id": payment_id})


class UpiWaitingState:
    def __init__(self, payment: dict[str, Any], test_mode: bool):
        intent = payment.get("upi_intent") or ""
        with tid(ui.column().classes("pg-state").props("role=status aria-live=polite"), "upi-waiting-state"):
            ui.label("Approve the payment in your UPI app").classes("pg-state-title")
            ui.label(f"We sent a request to {payment.get('vpa') or 'your UPI ID'}. Open your UPI app and "
                     "approve it, or scan this code with any UPI app.").classes("pg-muted")
            if intent:
                tid(ui.element("img").classes("pg-qr").props(
                    f'src="{qr_data_uri(intent)}" alt="QR code of the UPI payment request" width=200 height=200'),
                    "upi-qr", intent=intent)
            with ui.row().classes("pg-order-row"):
                ui.label("Request expires in").classes("pg-muted")
                countdown(payment, "upi-countdown")
            if test_mode:
                tid(ui.link("Open the test UPI app", upi_app_url(payment["id"]), new_tab=True)
                    .classes("pg-link-button"), "upi-app-link")
            ui.spinner("dots", size="2em").classes("pg-spinner")
