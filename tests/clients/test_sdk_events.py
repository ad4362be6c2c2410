"""The SDK's events and webhook_endpoints resources against the live API (docs/api.md §10, docs/api.md §11), sync and
async: every method, with the shapes it returns and the errors it raises."""
from __future__ import annotations

import pytest

import paygate
from paygate import models
from tests.clients.conftest import signup, wait_for


def _client(stack, cls):
    new = signup(stack)
    return cls(new["api_key"], new["api_secret"], stack.api_url, page_size=1)


def test_events_and_endpoints_sync(stack, receiver):
    with _client(stack, paygate.PayGate) as client:
        endpoint = client.webhook_endpoints.create(receiver.url + "/ok/sdk-events", ["payment.*"], "sdk")
        assert isinstance(endpoint, models.EndpointSecretOut) and endpoint.secret.startswith("whsec_")
        assert client.webhook_endpoints.get(endpoint.id).description == "sdk"
        order = client.orders.create(amount=50000)
        payment = client.payments.create(order.id, "upi", vpa="success@test")
        wait_for(lambda: client.payments.get(payment.id).status == "success", what="settled")
        listed = list(client.events.list(object_id=payment.id))  # pages of one, to the end
        assert [e.type for e in listed] == ["payment.success", "payment.pending", "payment.created"]
        assert [e.id for e in client.events.list(type="payment.s*")] == [listed[0].id]
        page = client.events.page(limit=1, ending_before=listed[1].id)
        assert [e.id for e in page.data] == [listed[0].id] and isinstance(page, models.EventPage)
        detail = wait_for(lambda: (d := client.events.get(listed[0].id)).deliveries
                          and d.deliveries[0].status == "success" and d, what="delivered")
        assert isinstance(detail, models.EventDetailOut) and detail.deliveries[0].endpoint_id == endpoint.id
        resent = client.events.resend(listed[0].id, endpoint.id)
        assert [d.event_id for d in resent.deliveries] == [listed[0].id]
        updated = client.webhook_endpoints.update(endpoint.id, enabled_events=["refund.*"], description=None)
        assert updated.enabled_events == ["refund.*"] and updated.description is None
        with pytest.raises(paygate.BadRequestError):
            client.events.resend(listed[0].id)  # nothing wants payment events now
        rolled = client.webhook_endpoints.roll_secret(endpoint.id)
        assert rolled.secret != endpoint.secret
        assert [e.id for e in client.webhook_endpoints.list().data] == [endpoint.id]
        assert client.webhook_endpoints.delete(endpoint.id).id == endpoint.id
        with pytest.raises(paygate.NotFound):
            client.webhook_endpoints.get(endpoint.id)
        with pytest.raises(paygate.NotFound):
            client.events.get("evt_000000000000000000000000")


async def test_events_and_endpoints_async(stack, receiver):
    async with _client(stack, paygate.AsyncPayGate) as client:
        endpoint = await client.webhook_endpoints.create(receiver.url + "/ok/sdk-async", ["*"])
        assert (await client.webhook_endpoints.get(endpoint.id)).enabled_events == ["*"]
        order = await client.orders.create(amount=50000)
        # Waits for the shopper's approval: no payment.success lands between the list and the page below,
        # however soon a loaded worker would have settled a success@test payment.
        payment = await client.payments.create(order.id, "upi", vpa="approve@test")
        listed = [e async for e in client.events.list(object_id=payment.id)]
        assert {e.type for e in listed} == {"payment.created", "payment.pending"}
        assert (await client.events.page(limit=5)).data[0].id == listed[0].id
        assert (await client.events.get(listed[0].id)).id == listed[0].id
        assert len((await client.events.resend(listed[0].id)).deliveries) == 1
        assert (await client.webhook_endpoints.update(endpoint.id, status="disabled")).status == "disabled"
        assert (await client.webhook_endpoints.roll_secret(endpoint.id)).secret != endpoint.secret
        assert [e.id for e in (await client.webhook_endpoints.list()).data] == [endpoint.id]
        assert (await client.webhook_endpoints.delete(endpoint.id)).id == endpoint.id
