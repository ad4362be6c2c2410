"""`PayGate` (sync) and `AsyncPayGate` (asyncio), both on httpx, with the same resources."""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import httpx

from paygate import models
from paygate._http import PAGE_SIZE, AsyncTransport, Retry, SyncTransport, call

if TYPE_CHECKING:
    from paygate import _async_resources, resources


class _Client:
    _transport_class: type[SyncTransport] | type[AsyncTransport]
    _resources: str  # the module of the resource classes, imported by the first client of its kind

    def __init__(self, key: str | None = None, secret: str | None = None, base_url: str | None = None, *,
                 timeout: float | httpx.Timeout | None = None, max_retries: int = 3, page_size: int = PAGE_SIZE,
                 http_client: httpx.Client | httpx.AsyncClient | None = None):
        self._transport: Any = self._transport_class(key, secret, base_url, timeout=timeout,
                                                     retry=Retry(max_retries), page_size=page_size,
                                                     http_client=http_client)
        r: Any = importlib.import_module(self._resources)
        self.orders, self.payments, self.refunds = r.Orders(self._transport), r.Payments(self._transport), \
            r.Refunds(self._transport)
        self.webhooks, self.merchant, self.stats = r.Webhooks(self._transport), r.Merchant(self._transport), \
            r.Stats(self._transport)
        self.events, self.webhook_endpoints = r.Events(self._transport), r.WebhookEndpoints(self._transport)

    @property
    def base_url(self) -> str:
        return self._transport.base_url


class PayGate(_Client):
    """PayGate(key, secret, base_url): each argument defaults to PAYGATE_API_KEY, PAYGATE_API_SECRET,
    PAYGATE_API_URL (else http://localhost:8000).

        client = PayGate("key_test_abc123", "secret_test_xyz789", "http://localhost:8000")
        order = client.orders.create(amount=50000)
        for payment in client.payments.list(status="success"): ...

    Connection errors, timeouts, 409, 429 and 5xx are retried `max_retries` times with exponential backoff
    and jitter; every POST carries one Idempotency-Key for all its attempts, so a retry never acts twice.
    `page_size` is how many items `list` fetches per request.
    """

    _transport_class = SyncTransport
    _resources = "paygate.resources"
    orders: resources.Orders
    payments: resources.Payments
    refunds: resources.Refunds
    webhooks: resources.Webhooks
    merchant: resources.Merchant
    stats: resources.Stats

    def health(self) -> models.HealthOut:
        return self._transport.run(call("GET", "/health", models.HealthOut, auth=False))

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> PayGate:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class AsyncPayGate(_Client):
    """The asyncio client: the same arguments and resources, each method awaitable, `list` an async iterator.

        async with AsyncPayGate(key, secret, base_url) as client:
            order = await client.orders.create(amount=50000)
            async for payment in client.payments.list(status="success"): ...
    """

    _transport_class = AsyncTransport
    _resources = "paygate._async_resources"
    orders: _async_resources.Orders
    payments: _async_resources.Payments
    refunds: _async_resources.Refunds
    webhooks: _async_resources.Webhooks
    merchant: _async_resources.Merchant
    stats: _async_resources.Stats

    async def health(self) -> models.HealthOut:
        return await self._transport.run(call("GET", "/health", models.HealthOut, auth=False))

    async def close(self) -> None:
        await self._transport.close()

    async def __aenter__(self) -> AsyncPayGate:
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()
