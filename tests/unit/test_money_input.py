"""What the dashboard reads from and shows of money goes through backend/domain/money.py."""
from __future__ import annotations

import pytest

from backend.domain.money import parse_amount, symbol, whole_units


@pytest.mark.parametrize("text, paise", [("250", 25000), ("250.50", 25050), ("₹1,200.5", 120050), (" 0.01 ", 1),
                                         ("1e3", 100000)])
def test_rupees_typed_become_paise(text, paise):
    assert parse_amount(text) == paise


@pytest.mark.parametrize("text", ["", None, "abc", "0", "0.001", "-5", "Infinity", "NaN", "sNaN", "1.2.3"])
def test_anything_else_is_refused(text):
    assert parse_amount(text) is None


def test_symbols_and_whole_units():
    assert symbol() == "₹" and symbol("USD") == "$" and symbol("JPY") == "JPY"
    assert [whole_units(p) for p in (0, 99, 50099, -50099)] == [0, 0, 500, -500]
