"""Money is integer minor units (paise) everywhere; these helpers only format it for people."""
from __future__ import annotations

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
