"""Every method of the sync SDK against the live API, with the API's own answers as the oracle."""
from __future__ import annotations

import pytest

import paygate
from paygate import models
from tests.clients.conftest import settled_payment, signup, wait_for

CARD = {"number": "4111 1111 1111 1111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
        "holder_name": "Asha Rao"}


def test_orders(sdk):
    order = sdk.orders.create(amount=50000, receipt="r-1", notes={"sku": "chai"})
    assert isinstance(order, models.OrderOut)
    assert (order.amount, order.currency, order.status, order.notes) == (50000, "INR", "created", {"sku": "chai"})
    assert order.id.startswith("order_")
    assert sdk.orders.get(order.id) == order
    public = sdk.orders.get_public(order.id)
    assert (public.id, public.amount, public.status, public.merchant_name) == (order.id, 50000, "created", "SDK Shop")
    assert order.id in [o.id for o in sdk.orders.list()]


def test_payments_create_get_capture(sdk):
    order, payment = settled_payment(sdk)
    assert payment.status == "success" and payment.vpa == "success@test" and payment.captured is False
    captured = sdk.payments.capture(payment.id, 50000)
    assert captured.captured is True and captured.status == "success"
    with pytest.raises(paygate.BadRequestError) as e:
        sdk.payments.capture(payment.id, 50000)
    assert e.value.description == "Payment already captured"

    card = sdk.payments.create(sdk.orders.create(amount=12300).id, "card", card=CARD)
    assert (card.method, card.card_network, card.card_last4, card.status) == ("card", "visa", "1111", "pending")
    assert card.vpa is None and "number" not in card.model_dump_json()


def test_payments_list_walks_every_page_with_filters(stack):
    new = signup(stack)  # a merchant of its own: its listing holds exactly what this test makes
    with paygate.PayGate(new["api_key"], new["api_secret"], stack.api_url, page_size=2) as sdk:
        orders = [sdk.orders.create(amount=10000 + i) for i in range(5)]
        made = [sdk.payments.create(o.id, "upi", vpa="failure@test" if i == 0 else "success@test").id
                for i, o in enumerate(orders)]
        assert [p.id for p in sdk.payments.list()] == made[::-1]  # newest first, across three pages of two
        assert [o.id for o in sdk.orders.list()] == [o.id for o in orders][::-1]
        wait_for(lambda: all(p.status != "pending" for p in sdk.payments.list()), what="settled")
        assert [p.id for p in sdk.payments.list(status="success")] == made[:0:-1]
        assert [p.id for p in sdk.payments.list(status="failed")] == made[:1]
        assert [p.id for p in sdk.payments.list(order_id=orders[2].id)] == [made[2]]
        assert list(sdk.payments.list(method="card")) == []
        assert len(list(sdk.payments.list(created_from="2000-01-01T00:00:00Z", created_to="2999-01-01T00:00:00Z"))) == 5


def test_public_payment(sdk):
    order = sdk.orders.create(amount=20000)
    public = sdk.payments.create_public(order.id, "upi", vpa="success@test")
    assert isinstance(public, models.PublicPaymentOut) and public.status == "pending"
    assert sdk.payments.get_public(public.id).order_id == order.id
    anonymous = paygate.PayGate("", "", sdk.base_url)  # public endpoints need no credentials
    assert anonymous.orders.get_public(order.id).id == order.id


def test_refunds(sdk):
    _, payment = settled_payment(sdk)
    refund = sdk.refunds.create(payment.id, 20000, "Customer requested refund")
    assert (refund.amount, refund.status, refund.payment_id) == (20000, "pending", payment.id)
    assert sdk.refunds.get(refund.id).reason == "Customer requested refund"
    assert [r.id for r in sdk.refunds.list(payment.id)] == [refund.id]
    assert refund.id in {r.id for r in sdk.refunds.list()}
    with pytest.raises(paygate.BadRequestError, match="Refund amount exceeds available amount"):
        sdk.refunds.create(payment.id, 40000)
    wait_for(lambda: sdk.refunds.get(refund.id).status == "processed", what="refund processed")


def test_webhook_logs_and_merchant(sdk, merchant, receiver):
    me = sdk.merchant.get()
    assert (me.id, me.webhook_url) == (merchant["id"], receiver.url + "/ok")
    test = sdk.merchant.send_test_webhook()
    assert test.event == "webhook.test"
    entry = wait_for(lambda: next((w for w in sdk.webhooks.list() if w.id == test.id and w.status == "success"),
                                  None), what="webhook.test delivered")
    detail = sdk.webhooks.get(entry.id)
    assert detail.payload["event"] == "webhook.test" and detail.response_code == 200
    retried = sdk.webhooks.retry(entry.id)
    assert (retried.id, retried.status, retried.message) == (entry.id, "pending", "Webhook retry scheduled")
    assert sdk.webhooks.page(limit=1).limit == 1

    rolled = sdk.merchant.roll_webhook_secret()
    assert rolled.webhook_secret.startswith("whsec_") and rolled.webhook_secret != merchant["webhook_secret"]
    merchant["webhook_secret"] = rolled.webhook_secret
    try:
        assert sdk.merchant.set_webhook_url(None).webhook_url is None
        with pytest.raises(paygate.BadRequestError):
            sdk.merchant.send_test_webhook()
        with pytest.raises(paygate.BadRequestError):
            sdk.merchant.set_webhook_url("ftp://nope")
    finally:  # the other tests of this folder receive this merchant's webhooks
        assert sdk.merchant.set_webhook_url(receiver.url + "/ok").webhook_url == receiver.url + "/ok"


def test_stats_and_health(sdk):
    settled_payment(sdk)
    stats = sdk.stats.get()
    assert stats.successful_transactions >= 1 and stats.total_amount >= 50000
    assert sdk.health().status == "healthy"


@pytest.mark.parametrize("call, error, code", [
    (lambda s, o: s.payments.create(o, "upi", vpa="not a vpa"), paygate.InvalidVPA, "INVALID_VPA"),
    (lambda s, o: s.payments.create(o, "card", card={**CARD, "number": "4111111111111112"}), paygate.InvalidCard,
     "INVALID_CARD"),
    (lambda s, o: s.payments.create(o, "card", card={**CARD, "expiry_year": "2001"}), paygate.ExpiredCard,
     "EXPIRED_CARD"),
    (lambda s, o: s.payments.create(o, "cash"), paygate.BadRequestError, "BAD_REQUEST_ERROR"),
    (lambda s, o: s.payments.get("pay_0000000000000000"), paygate.NotFound, "NOT_FOUND_ERROR"),
    (lambda s, o: s.orders.create(amount=99), paygate.BadRequestError, "BAD_REQUEST_ERROR"),
])
def test_errors_are_named_by_code_and_carry_the_request_id(sdk, call, error, code):
    order = sdk.orders.create(amount=10000)
    with pytest.raises(error) as e:
        call(sdk, order.id)
    assert e.value.code == code and e.value.status in (400, 404)
    assert e.value.request_id and e.value.request_id in str(e.value)
    assert list(sdk.payments.list(order_id=order.id)) == []  # bad input changed nothing


def test_authentication_error(stack):
    with paygate.PayGate("key_test_abc123", "wrong", stack.api_url) as bad:
        with pytest.raises(paygate.AuthenticationError) as e:
            bad.orders.create(amount=50000)
    assert e.value.status == 401 and e.value.description == "Invalid API credentials" and e.value.request_id
    with pytest.raises(paygate.AuthenticationError):
        paygate.PayGate("", "", stack.api_url).payments.get("pay_x")  # refused before sending


def test_explicit_idempotency_key_replays(sdk):
    order = sdk.orders.create(amount=10000)
    first = sdk.payments.create(order.id, "upi", vpa="success@test", idempotency_key="sdk-key-" + order.id)
    again = sdk.payments.create(order.id, "upi", vpa="success@test", idempotency_key="sdk-key-" + order.id)
    assert first == again and [p.id for p in sdk.payments.list(order_id=order.id)] == [first.id]


def _waiting(sdk, payment_id: str, what: str):
    return wait_for(lambda: (p := sdk.payments.get(payment_id)).waiting_for == what and p, what=f"{what} wait")


def test_three_d_secure_and_upi_collect_answers(sdk):
    three_ds = {**CARD, "number": "4000002760003184"}
    payment = sdk.payments.create(sdk.orders.create(amount=30000).id, "card", card=three_ds,
                                  return_url="https://shop.example/back")
    _waiting(sdk, payment.id, "authentication")
    assert sdk.payments.get(payment.id).next_action.type == "authenticate"
    sdk.payments.authenticate(payment.id, "123456")
    assert wait_for(lambda: sdk.payments.get(payment.id).status != "pending", what="3DS outcome")
    assert sdk.payments.get(payment.id).status == "success"

    cancelled = sdk.payments.create(sdk.orders.create(amount=30000).id, "card", card=three_ds)
    _waiting(sdk, cancelled.id, "authentication")
    assert sdk.payments.cancel_authentication(cancelled.id).status == "failed"

    collect = sdk.payments.create(sdk.orders.create(amount=30000).id, "upi", vpa="approve@test")
    _waiting(sdk, collect.id, "approval")
    sdk.payments.answer_collect(collect.id, True)
    assert wait_for(lambda: sdk.payments.get(collect.id).status == "success", what="collect approved")
    with pytest.raises(paygate.BadRequestError):
        sdk.payments.answer_collect(collect.id, False)  # no longer waiting


def test_credentials_and_rolling_the_api_secret(stack):
    new = signup(stack)
    with paygate.PayGate(new["api_key"], new["api_secret"], stack.api_url) as sdk:
        assert sdk.merchant.credentials().model_dump() == {"api_key": new["api_key"], "api_secret": new["api_secret"]}
        rolled = sdk.merchant.roll_api_secret()
        assert rolled.api_key == new["api_key"] and rolled.api_secret != new["api_secret"]
        with pytest.raises(paygate.AuthenticationError):
            sdk.merchant.get()  # the old secret is refused at once
    with paygate.PayGate(new["api_key"], rolled.api_secret, stack.api_url) as sdk:
        assert sdk.merchant.get().id == new["merchant"]["id"]
