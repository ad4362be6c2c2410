"""The checkout's inline validation and request bodies (pure functions, no browser)."""
from __future__ import annotations

from datetime import date

import pytest

from ui_checkout import forms

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("number, name", [("4111 1111", "Visa"), ("5500", "Mastercard"), ("3714", "American Express"),
                                          ("6521", "RuPay"), ("9999", ""), ("", ""), (None, "")])
def test_network_name_as_typed(number, name):
    assert forms.network_name(number) == name


@pytest.mark.parametrize("text, parts", [("12/30", ("12", "2030")), (" 01/27 ", ("01", "2027")), ("1230", None),
                                         ("1/30", None), ("12/2030", None), ("ab/cd", None), ("", None), (None, None)])
def test_split_expiry(text, parts):
    assert forms.split_expiry(text) == parts


@pytest.mark.parametrize("text, error", [("12/30", None), ("11/26", None), ("10/26", "This card has expired"),
                                         ("13/30", "Enter a month from 01 to 12"), ("00/30", "Enter a month from 01 to 12"),
                                         ("1230", "Enter the expiry date as MM/YY")])
def test_expiry_error(text, error):
    assert forms.expiry_error(text, TODAY) == error


def test_field_errors():
    assert forms.vpa_error("user@paytm") is None
    assert forms.vpa_error("") == "Enter your UPI ID"
    assert forms.vpa_error("user@pay tm") == "Enter a valid UPI ID, like name@bank"
    assert forms.card_number_error("4111 1111 1111 1111") is None
    assert forms.card_number_error("4111 1111 1111 1112") == "Enter a valid card number"
    assert forms.card_number_error(" ") == "Enter your card number"
    assert forms.cvv_error("123") is None and forms.cvv_error("1234") is None
    assert forms.cvv_error("12") == forms.cvv_error("12a") == "Enter the 3 or 4 digit CVV"
    assert forms.name_error("  ") == "Enter the name on the card"


def test_request_bodies():
    assert forms.upi_body("order_x", " success@test ") == {"order_id": "order_x", "method": "upi",
                                                          "vpa": "success@test"}
    assert forms.card_body("order_x", "4111 1111 1111 1111", "12/30", "123", " Asha Rao ") == {
        "order_id": "order_x", "method": "card",
        "card": {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
                 "holder_name": "Asha Rao"}}


def test_text_fields_respect_the_api_limits():
    assert forms.vpa_error("a" * 251 + "@bank") == "Enter a valid UPI ID, like name@bank"
    assert forms.name_error("A" * 256) == "The name is too long"
    assert forms.name_error("A" * 255) is None
