"""Inline validation and formatting of the payment forms: pure functions over what the shopper typed.

The rules themselves are the API's (`backend.domain.validation`), so the page and the API agree.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from backend.domain.validation import (card_network, is_expiry_valid, is_valid_card_number, is_valid_cvv,
                                       is_valid_vpa, normalize_card_number)

# Formats the card fields in the browser as the shopper types, before the input's own handler reads the
# value: card number in groups of four (up to 19 digits), expiry as MM/YY, CVV digits only. The caret
# stays after the same digit. Inputs opt in with data-format="card" | "expiry" | "digits".
FORMAT_SCRIPT = """<script>
document.addEventListener('input', function (event) {
  var el = event.target, kind = el && el.getAttribute && el.getAttribute('data-format');
  if (!kind) { return; }
  var max = {card: 19, expiry: 4, digits: 4}[kind];
  var digits = el.value.replace(/\\D/g, '').slice(0, max);
  var text = digits;
  if (kind === 'card') { text = digits.replace(/(\\d{4})(?=\\d)/g, '$1 '); }
  if (kind === 'expiry' && digits.length > 2) { text = digits.slice(0, 2) + '/' + digits.slice(2); }
  if (text === el.value) { return; }
  var caret = el.value.slice(0, el.selectionStart || 0).replace(/\\D/g, '').length, pos = 0;
  while (pos < text.length && caret > 0) { if (/\\d/.test(text[pos])) { caret--; } pos++; }
  el.value = text;
  try { el.setSelectionRange(pos, pos); } catch (e) {}
}, true);
</script>"""

MAX_TEXT = 255  # the API's limit for a VPA and a cardholder name

NETWORK_NAMES = {"visa": "Visa", "mastercard": "Mastercard", "amex": "American Express", "rupay": "RuPay"}


def today() -> date:
    return datetime.now(timezone.utc).date()


def network_name(number: str | None) -> str:
    """What the card field shows as the shopper types: `Visa`, `RuPay`, ... or nothing yet."""
    digits = normalize_card_number(number or "")
    if not digits:
        return ""
    return NETWORK_NAMES.get(card_network(digits), "")


def split_expiry(text: str | None) -> tuple[str, str] | None:
    """`"12/30"` -> `("12", "2030")`; None unless it is exactly MM/YY."""
    month, sep, year = (text or "").strip().partition("/")
    if not sep or len(month) != 2 or len(year) != 2 or not (month + year).isdigit():
        return None
    return month, "20" + year


def vpa_error(vpa: str | None) -> str | None:
    if not (vpa or "").strip():
        return "Enter your UPI ID"
    if not is_valid_vpa((vpa or "").strip()) or len((vpa or "").strip()) > MAX_TEXT:
        return "Enter a valid UPI ID, like name@bank"
    return None


def card_number_error(number: str | None) -> str | None:
    if not (number or "").strip():
        return "Enter your card number"
    if not is_valid_card_number((number or "").strip()):
        return "Enter a valid card number"
    return None


def expiry_error(text: str | None, on: date | None = None) -> str | None:
    parts = split_expiry(text)
    if parts is None:
        return "Enter the expiry date as MM/YY"
    if not 1 <= int(parts[0]) <= 12:
        return "Enter a month from 01 to 12"
    if not is_expiry_valid(parts[0], parts[1], on or today()):
        return "This card has expired"
    return None


def cvv_error(cvv: str | None) -> str | None:
    if not is_valid_cvv((cvv or "").strip()):
        return "Enter the 3 or 4 digit CVV"
    return None


def name_error(name: str | None) -> str | None:
    if not (name or "").strip():
        return "Enter the name on the card"
    if len((name or "").strip()) > MAX_TEXT:
        return "The name is too long"
    return None


def upi_body(order_id: str, vpa: str) -> dict:
    return {"order_id": order_id, "method": "upi", "vpa": vpa.strip()}


def card_body(order_id: str, number: str, expiry: str, cvv: str, holder_name: str) -> dict:
    month, year = split_expiry(expiry) or ("", "")
    return {"order_id": order_id, "method": "card",
            "card": {"number": normalize_card_number(number.strip()), "expiry_month": month,
                     "expiry_year": year, "cvv": cvv.strip(), "holder_name": holder_name.strip()}}
