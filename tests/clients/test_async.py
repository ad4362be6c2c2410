"""The asyncio client against the live API: the same resources, awaited."""
from __future__ import annotations

import asyncio

import pytest

import paygate
from paygate import models
from tests.clients.conftest import signup


async def test_async_client_end_to_end(stack):
    new = signup(stack)
    async with paygate.AsyncPayGate(new["api_key"], new["api_secret"], stack.api_url, page_size=1) as client:
        assert (await client.health()).status == "healthy"
        orders = [await client.orders.create(amount=50000, notes={"n": str(i)}) for i in range(3)]
        assert (await client.orders.get(orders[0].id)).notes == {"n": "0"}
        payments = await asyncio.gather(*(client.payments.create(o.id, "upi", vpa="success@test") for o in orders))
        assert all(isinstance(p, models.PaymentOut) and p.status == "pending" for p in payments)
        listed = [p.id async for p in client.payments.list()]
        assert sorted(listed) == sorted(p.id for p in payments) and len(listed) == 3  # three pages of one
        for _ in range(200):
            if all(p.status == "success" for p in [await client.payments.get(x.id) for x in payments]):
                break
            await asyncio.sleep(0.1)
        refund = await client.refunds.create(payments[0].id, 100, "async")
        assert [r.id async for r in client.refunds.list(payments[0].id)] == [refund.id]
        assert (await client.stats.get()).successful_transactions == 3
        assert (await client.merchant.get()).webhook_url is None
        with pytest.raises(paygate.InvalidVPA) as e:
            await client.payments.create(orders[0].id, "upi", vpa="bad vpa")
        assert e.value.request_id
        with pytest.raises(paygate.NotFound):
            await client.refunds.get("rfnd_0000000000000000")
