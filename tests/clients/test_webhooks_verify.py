"""paygate.webhooks.verify on real deliveries from the live worker to a local receiver, for both schemes."""
from __future__ import annotations

import json

import pytest

import paygate
from tests.clients.conftest import settled_payment, wait_for

STANDARD = ("webhook-id", "webhook-timestamp", "webhook-signature")


def deliveries_for(receiver, payment_id: str, event: str):
    return [r for r in receiver.on("/ok")
            if json.loads(r.body)["event"] == event and json.loads(r.body)["data"]["payment"]["id"] == payment_id]


def test_real_deliveries_verify_with_both_schemes(sdk, receiver):
    secret = sdk.merchant.get().webhook_secret
    _, payment = settled_payment(sdk)
    sdk.refunds.create(payment.id, 1000)
    got = wait_for(lambda: deliveries_for(receiver, payment.id, "refund.created"), what="refund.created delivery")
    got += wait_for(lambda: deliveries_for(receiver, payment.id, "payment.success"), what="payment.success")

    for delivery in got:
        event = paygate.webhooks.verify(delivery.body, delivery.headers, secret)
        assert event.scheme == "standard" and event.id == delivery.headers["webhook-id"]
        assert event.payment.id == payment.id and event.event in ("refund.created", "payment.success")
        hex_only = {k: v for k, v in delivery.headers.items() if k.lower() not in STANDARD}
        assert paygate.webhooks.verify(delivery.body, hex_only, secret).scheme == "hex"

    refund_event = paygate.webhooks.verify(got[0].body, got[0].headers, secret)
    assert refund_event.refund.amount == 1000 and refund_event.refund.payment_id == payment.id


def test_tampering_wrong_secrets_and_replays_are_refused(sdk, receiver):
    secret = sdk.merchant.get().webhook_secret
    _, payment = settled_payment(sdk)
    delivery = wait_for(lambda: deliveries_for(receiver, payment.id, "payment.success"), what="delivery")[0]
    tampered = delivery.body.replace(b'"amount":50000', b'"amount":5')
    assert tampered != delivery.body
    hex_only = {k: v for k, v in delivery.headers.items() if k.lower() not in STANDARD}
    stamp = int(delivery.headers["webhook-timestamp"])
    cases = [
        (tampered, delivery.headers, secret, {}),
        (tampered, hex_only, secret, {}),
        (delivery.body, delivery.headers, "whsec_wrong", {}),
        (delivery.body, hex_only, "whsec_wrong", {}),
        (delivery.body, delivery.headers, secret, {"now": stamp + 301}),  # a replay, five minutes on
        (delivery.body, {"Content-Type": "application/json"}, secret, {}),
        (delivery.body, {**delivery.headers, "webhook-timestamp": "soon"}, secret, {}),
    ]
    for body, headers, key, extra in cases:
        with pytest.raises(paygate.SignatureVerificationError):
            paygate.webhooks.verify(body, headers, key, **extra)


def test_sign_headers_makes_deliveries_verify_accepts():
    body = b'{"event":"webhook.test","timestamp":1705315870,"data":{}}'
    headers = paygate.webhooks.sign_headers(body, "whsec_x", "msg_1", timestamp=1705315870)
    assert paygate.webhooks.verify(body, headers, "whsec_x", now=1705315870).id == "msg_1"
    with pytest.raises(paygate.SignatureVerificationError):
        paygate.webhooks.verify(b"[]", paygate.webhooks.sign_headers(b"[]", "whsec_x", "m"), "whsec_x")
