"""Merchant code that mypy checks (tests/clients/test_typing.py), never runs: what a type checker sees."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import assert_type

import paygate
from paygate import models


def sync_client(client: paygate.PayGate) -> None:
    order = client.orders.create(amount=50000, notes={"sku": "chai"})
    assert_type(order, models.OrderOut)
    assert_type(order.amount, int)
    assert_type(client.payments.create(order.id, "upi", vpa="success@test"), models.PaymentOut)
    assert_type(client.payments.list(status="success"), Iterator[models.PaymentOut])
    assert_type(client.refunds.create("pay_x", 100), models.RefundOut)
    assert_type(client.webhooks.retry("id"), models.WebhookRetryOut)
    assert_type(client.stats.get().success_rate, float)
    assert_type(client.health(), models.HealthOut)


async def async_client(client: paygate.AsyncPayGate) -> None:
    order = await client.orders.create(amount=50000)
    assert_type(order, models.OrderOut)
    assert_type(await client.payments.get("pay_x"), models.PaymentOut)
    assert_type(client.payments.list(status="success"), AsyncIterator[models.PaymentOut])
    async for payment in client.payments.list():
        assert_type(payment.status, str)
    assert_type(await client.merchant.get(), models.MerchantOut)


def webhook(body: bytes, headers: dict[str, str]) -> None:
    event = paygate.webhooks.verify(body, headers, "whsec_x")
    assert_type(event, paygate.WebhookEvent)
    assert_type(event.payment, models.PaymentOut | None)
    try:
        pass
    except paygate.InvalidVPA as e:
        assert_type(e.request_id, str | None)
