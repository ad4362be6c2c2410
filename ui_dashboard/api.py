"""The dashboard's client of the PayGate API, built on the shared async `ui_common.http` client.

Every call is async (httpx), so a slow API never blocks NiceGUI's event loop. The merchant's key and
secret live in `app.storage.user` (server-side, keyed by a signed session cookie), never in a URL.
"""
from __future__ import annotations

from typing import Any

from nicegui import app

from ui_common.http import ApiClient, ApiError

__all__ = ["ApiError", "MerchantApi", "login", "signup", "save_session", "clear_session",
           "current_api", "session_merchant"]

PAGE_LIMIT_MAX = 100  # the API's largest page


async def login(email: str, password: str) -> dict[str, Any]:
    return await ApiClient().post("/api/v1/auth/login", json={"email": email, "password": password})


async def signup(name: str, email: str, password: str) -> dict[str, Any]:
    return await ApiClient().post("/api/v1/auth/signup",
                                  json={"name": name, "email": email, "password": password})


def save_session(auth: dict[str, Any]) -> None:
    """Keep what login/signup answered in the server-side user storage."""
    merchant = auth.get("merchant") or {}
    app.storage.user.update({
        "api_key": auth["api_key"],
        "api_secret": auth["api_secret"],
        "merchant_name": merchant.get("name", ""),
        "merchant_email": merchant.get("email", ""),
    })


def clear_session() -> None:
    app.storage.user.clear()


def session_merchant() -> dict[str, str]:
    return {"name": app.storage.user.get("merchant_name", ""),
            "email": app.storage.user.get("merchant_email", "")}


def current_api() -> MerchantApi | None:
    key, secret = app.storage.user.get("api_key"), app.storage.user.get("api_secret")
    if not key or not secret:
        return None
    return MerchantApi(key, secret)


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "")}


class MerchantApi(ApiClient):
    """The merchant endpoints, authenticated with the merchant's key and secret."""

    def __init__(self, api_key: str, api_secret: str):
        super().__init__(headers={"X-Api-Key": api_key, "X-Api-Secret": api_secret})
        self.api_key = api_key
        self.api_secret = api_secret

    # profile and stats
    async def merchant(self) -> dict[str, Any]:
        return await self.get("/api/v1/merchant")

    async def stats(self) -> dict[str, Any]:
        return await self.get("/api/v1/stats")

    # payments
    async def payments(self, *, limit: int = 10, offset: int = 0, **filters: Any) -> dict[str, Any]:
        return await self.get("/api/v1/payments",
                              params=_clean({"limit": limit, "offset": offset, **filters}))

    async def payment(self, payment_id: str) -> dict[str, Any]:
        return await self.get(f"/api/v1/payments/{payment_id}")

    async def capture(self, payment_id: str, amount: int) -> dict[str, Any]:
        return await self.post(f"/api/v1/payments/{payment_id}/capture", json={"amount": amount})

    async def refund(self, payment_id: str, amount: int, reason: str) -> dict[str, Any]:
        return await self.post(f"/api/v1/payments/{payment_id}/refunds",
                               json={"amount": amount, "reason": reason})

    async def refunds(self, payment_id: str) -> dict[str, Any]:
        return await self.get(f"/api/v1/payments/{payment_id}/refunds",
                              params={"limit": PAGE_LIMIT_MAX})

    # webhooks
    async def webhooks(self, *, limit: int = 10, offset: int = 0,
                       payment_id: str | None = None, **cursor: str) -> dict[str, Any]:
        return await self.get("/api/v1/webhooks",
                              params=_clean({"limit": limit, "offset": offset, "payment_id": payment_id, **cursor}))

    async def webhook(self, webhook_id: str) -> dict[str, Any]:
        return await self.get(f"/api/v1/webhooks/{webhook_id}")

    async def retry_webhook(self, webhook_id: str) -> dict[str, Any]:
        return await self.post(f"/api/v1/webhooks/{webhook_id}/retry", json={})

    async def set_webhook_url(self, url: str | None) -> dict[str, Any]:
        return await self.put("/api/v1/merchant/webhook", json={"webhook_url": url})

    async def regenerate_webhook_secret(self) -> dict[str, Any]:
        return await self.post("/api/v1/merchant/webhook/secret", json={})

    async def send_test_webhook(self) -> dict[str, Any]:
        return await self.post("/api/v1/merchant/webhook/test", json={})
