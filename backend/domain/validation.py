"""Payment-method rules of docs/api.md §2: VPA, card number (Luhn), network, expiry, CVV.

Pure functions: the checkout page reuses them for inline validation, the API for the final word.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from backend.domain.errors import EXPIRED_CARD, INVALID_CARD, INVALID_VPA, GatewayError, bad_request

# As the OpenAPI document states it (ECMA-262, where `$` is the very end) ...
VPA_PATTERN = "^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$"
# ... and for Python, where `$` would accept a trailing newline: \Z.
VPA_RE = re.compile(VPA_PATTERN.removeprefix("^").removesuffix("$") + r"\Z", re.ASCII)
_DIGITS_RE = re.compile(r"[0-9]+\Z", re.ASCII)


def is_valid_vpa(vpa: str) -> bool:
    return isinstance(vpa, str) and VPA_RE.match(vpa) is not None


def validate_vpa(vpa: str) -> str:
    if not is_valid_vpa(vpa):
        raise GatewayError(INVALID_VPA, "Invalid VPA format")
    return vpa


def normalize_card_number(number: str) -> str:
    """Spaces and dashes are formatting; nothing else is stripped."""
    return number.replace(" ", "").replace("-", "")


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_valid_card_number(number: str) -> bool:
    digits = normalize_card_number(number)
    return bool(_DIGITS_RE.match(digits)) and 13 <= len(digits) <= 19 and luhn_ok(digits)


def card_network(number: str) -> str:
    digits = normalize_card_number(number)
    two = digits[:2]
    if digits.startswith("4"):
        return "visa"
    if two in {"51", "52", "53", "54", "55"}:
        return "mastercard"
    if two in {"34", "37"}:
        return "amex"
    if two in {"60", "65"} or (two.isdigit() and len(two) == 2 and 81 <= int(two) <= 89):
        return "rupay"
    return "unknown"


def parse_expiry(month: str, year: str) -> tuple[int, int] | None:
    """(year, month) from '12' and '30' or '2030'; None when either is not a plain number."""
    if not (isinstance(month, str) and isinstance(year, str)):
        return None
    if not (_DIGITS_RE.match(month) and _DIGITS_RE.match(year)) or len(month) > 2:
        return None
    if len(year) == 2:
        y = 2000 + int(year)
    elif len(year) == 4:
        y = int(year)
    else:
        return None
    return y, int(month)


def is_expiry_valid(month: str, year: str, today: date) -> bool:
    parsed = parse_expiry(month, year)
    if parsed is None:
        return False
    y, m = parsed
    return 1 <= m <= 12 and (y, m) >= (today.year, today.month)


def is_valid_cvv(cvv: str) -> bool:
    return isinstance(cvv, str) and bool(_DIGITS_RE.match(cvv)) and 3 <= len(cvv) <= 4


@dataclass(frozen=True)
class CardSummary:
    """What may outlive the request: never the number or the CVV."""

    network: str
    last4: str


def validate_card(number: str, expiry_month: str, expiry_year: str, cvv: str, holder_name: str,
                  today: date) -> CardSummary:
    if not is_valid_card_number(number):
        raise GatewayError(INVALID_CARD, "Invalid card number")
    if not is_expiry_valid(expiry_month, expiry_year, today):
        raise GatewayError(EXPIRED_CARD, "Card has expired or expiry date is invalid")
    if not is_valid_cvv(cvv):
        raise bad_request("cvv must be 3 or 4 digits")
    if not holder_name.strip():
        raise bad_request("holder_name must not be empty")
    digits = normalize_card_number(number)
    return CardSummary(network=card_network(digits), last4=digits[-4:])
