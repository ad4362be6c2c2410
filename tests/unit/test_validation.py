from datetime import date

import pytest

from backend.domain.errors import GatewayError
from backend.domain.validation import (card_network, is_expiry_valid, is_valid_card_number, is_valid_cvv,
                                       is_valid_vpa, luhn_ok, validate_card)

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize("vpa,ok", [
    ("user@paytm", True), ("user.name_1-x@okhdfc", True), ("success@test", True),
    ("user@paytm\n", False), ("user@", False), ("@paytm", False), ("us er@paytm", False),
    ("user@pay.tm", False), ("user@@paytm", False), ("üser@paytm", False), ("user@paytm١", False), ("", False),
])
def test_vpa_pattern(vpa, ok):
    assert is_valid_vpa(vpa) is ok


@pytest.mark.parametrize("number,ok", [
    ("4111111111111111", True), ("4111 1111 1111 1111", True), ("4111-1111-1111-1111", True),
    ("4111111111111112", False), ("411111111111", False), ("4" * 20, False), ("41111111111111a1", False),
    ("４１１１１１１１１１１１１１１１", False), ("4111\t1111 1111 1111", False), ("", False),
    ("378282246310005", True), ("6011111111111117", True), ("4000000000000002", True),
])
def test_card_number(number, ok):
    assert is_valid_card_number(number) is ok


def test_luhn_reference_values():
    assert luhn_ok("79927398713") and not luhn_ok("79927398710")


@pytest.mark.parametrize("number,network", [
    ("4111111111111111", "visa"), ("5105105105105100", "mastercard"), ("5500000000000004", "mastercard"),
    ("378282246310005", "amex"), ("340000000000009", "amex"), ("6011111111111117", "rupay"),
    ("6500000000000002", "rupay"), ("8100000000000008", "rupay"), ("8900000000000000", "rupay"),
    ("3530111333300000", "unknown"), ("5600000000000000", "unknown"), ("9000000000000000", "unknown"),
])
def test_network(number, network):
    assert card_network(number) == network


@pytest.mark.parametrize("month,year,ok", [
    ("12", "30", True), ("12", "2030", True), ("11", "26", True), ("11", "2026", True), ("10", "2026", False),
    ("13", "2030", False), ("0", "2030", False), ("1", "2025", False), ("ab", "2030", False), ("12", "203", False),
    ("12", "", False), ("", "30", False), ("1", "27", True),
])
def test_expiry(month, year, ok):
    assert is_expiry_valid(month, year, TODAY) is ok


@pytest.mark.parametrize("cvv,ok", [("123", True), ("1234", True), ("12", False), ("12345", False), ("12a", False)])
def test_cvv(cvv, ok):
    assert is_valid_cvv(cvv) is ok


def test_validate_card_keeps_only_network_and_last4():
    summary = validate_card("4111 1111 1111 1111", "12", "30", "123", "J D", TODAY)
    assert (summary.network, summary.last4) == ("visa", "1111")
    assert set(vars(summary)) == {"network", "last4"}


@pytest.mark.parametrize("args,code", [
    (("4111111111111112", "12", "30", "123", "J"), "INVALID_CARD"),
    (("4111111111111111", "12", "20", "123", "J"), "EXPIRED_CARD"),
    (("4111111111111111", "13", "30", "123", "J"), "EXPIRED_CARD"),
    (("4111111111111111", "12", "30", "1", "J"), "BAD_REQUEST_ERROR"),
])
def test_validate_card_codes(args, code):
    with pytest.raises(GatewayError) as err:
        validate_card(*args, today=TODAY)
    assert err.value.code == code
    assert "4111" not in err.value.description


def test_card_data_never_in_a_repr():
    from backend.processors.base import Attempt
    from backend.schemas import CardIn
    from backend.services.payments import CardInput

    card = {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "30", "cvv": "987",
            "holder_name": "Asha Rao"}
    for obj in (CardInput(**card), CardIn(**card), Attempt("card", 100, "INR", card_number=card["number"])):
        text = repr(obj) + str(obj)
        assert "4111111111111111" not in text and "987" not in text, text
