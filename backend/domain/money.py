"""Money is integer minor units (paise) everywhere; these helpers only format it for people."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation

MIN_AMOUNT = 100
MAX_AMOUNT = 10**12
CURRENCY_SYMBOLS = {"INR": "₹", "USD": "$", "EUR": "€", "GBP": "£"}


def _indian_grouping(whole: int) -> str:
    digits = str(whole)
    if len(digits) <= 3:
        return digits
    head, tail = digits[:-3], digits[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups) + "," + tail


def _symbol(currency: str) -> str:
    return CURRENCY_SYMBOLS.get(currency, currency + " ")


def format_amount(paise: int, currency: str = "INR") -> str:
    """`50000` -> `₹500.00` (the checkout's order amount)."""
    sign = "-" if paise < 0 else ""
    whole, frac = divmod(abs(paise), 100)
    return f"{sign}{_symbol(currency)}{_indian_grouping(whole)}.{frac:02d}"


def format_whole(paise: int, currency: str = "INR") -> str:
    """`50000000` -> `₹5,00,000` (the dashboard's totals: whole rupees, Indian grouping)."""
    sign = "-" if paise < 0 else ""
    return f"{sign}{_symbol(currency)}{_indian_grouping(abs(paise) // 100)}"


def format_decimal(paise: int) -> str:
    """`50000` -> `"500.00"`: rupees with two decimals, as UPI links carry the amount."""
    return f"{paise // 100}.{paise % 100:02d}"


def symbol(currency: str = "INR") -> str:
    """`₹` for INR, the code itself for a currency without a symbol (the UIs' labels and chart axes)."""
    return _symbol(currency).strip()


def whole_units(paise: int) -> int:
    """`50099` -> `500`: whole rupees, as `format_whole` shows them (the dashboard's volume chart)."""
    return -(abs(paise) // 100) if paise < 0 else paise // 100


def parse_amount(text: str | None) -> int | None:
    """What a person types in rupees, in paise: `250`, `250.50`, `₹1,200.5` -> 25000, 25050, 120050.
    None for anything else: not a number, a fraction of a paisa, less than one paisa."""
    cleaned = (text or "").replace(",", "")
    for sign in CURRENCY_SYMBOLS.values():
        cleaned = cleaned.replace(sign, "")
    try:
        value = Decimal(cleaned.strip())
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    paise = value * 100
    if paise != paise.to_integral_value() or paise < 1:
        return None
    return int(paise)
