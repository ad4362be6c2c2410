"""The dashboard's client of the PayGate API, built on the shared async `ui_common.http` client.

Every call is async (httpx), so a slow API never blocks NiceGUI's event loop. The dashboard authenticates
with the revocable session token the API issues at login (`Authorization: Bearer sess_...`), never with
the merchant's API secret, which it fetches from the API only to display it. The token lives in the
signed, HttpOnly session cookie (`app.storage.browser`), never in a file on the server: a copy of var/
holds nothing that opens an account.

Login changes the session id (no session fixation): the login form's handler cannot set a cookie (it runs
over the websocket), so it parks the answer under a one-time code bound to the current session id, and
the browser fetches `/session/start?code=...`, which issues a new session id holding the token.
"""
from __future__ import annotations

import secrets
import threading
import time
from typing import Any

from nicegui import app, context

from backend.domain import visitor
from ui_common.http import ApiClient, ApiError, segment
from ui_dashboard import config

__all__ = ["ApiError", "MerchantApi", "login", "signup", "hand_off", "take_handoff", "current_api",
           "session_merchant", "SESSION_KEYS"]

PAGE_LIMIT_MAX = 100  # the API's largest page
HANDOFF_SECONDS = 60.0
_MAX_HANDOFFS = 10_000
SESSION_KEYS = ("session_token", "merchant_name", "merchant_email")
_handoffs: dict[str, tuple[str, float, dict[str, str]]] = {}
_handoffs_lock = threading.Lock()


def visitor_headers() -> dict[str, str]:
    """The browser's address, signed, for the API's per-visitor limits: the API sees only this server's
    address, and every visitor sharing one budget would let one of them lock out all the others."""
    try:
        request = context.client.request
    except RuntimeError:  # no page request behind this call (simulated tests)
        return {}
    trusted, secret = config.visitor_forwarding()
    peer = request.client.host if request.client else ""
    address = visitor.behind_proxies(peer, request.headers.get("x-forwarded-for"), trusted)
    return {visitor.HEADER: visitor.sign(secret, address, time.time())}


async def login(email: str, password: str) -> dict[str, Any]:
    return await ApiClient().post("/api/v1/auth/login", json={"email": email, "password": password},
                                  headers=visitor_headers())


async def signup(name: str, email: str, password: str) -> dict[str, Any]:
    return await ApiClient().post("/api/v1/auth/signup", json={"name": name, "email": email, "password": password},
                                  headers=visitor_headers())


def hand_off(auth: dict[str, Any], session_id: str) -> str:
    """Park what login/signup answered (token and display name only) under a one-time code, for at most
    HANDOFF_SECONDS and only for the session that logged in."""
    merchant = auth.get("merchant") or {}
    fresh = {"session_token": auth["session_token"], "merchant_name": merchant.get("name", ""),
             "merchant_email": merchant.get("email", "")}
    code = secrets.token_urlsafe(32)
    now = time.monotonic()
    with _handoffs_lock:
        for stale in [c for c, (_, expires, _) in _handoffs.items() if expires < now]:
            del _handoffs[stale]
        if len(_handoffs) >= _MAX_HANDOFFS:
            _handoffs.clear()
        _handoffs[code] = (session_id, now + HANDOFF_SECONDS, fresh)
    return code


def take_handoff(code: str, session_id: str | None) -> dict[str, str] | None:
    with _handoffs_lock:
        entry = _handoffs.pop(code, None)
    if entry is None or session_id is None or not secrets.compare_digest(entry[0], session_id) \
            or entry[1] < time.monotonic():
        return None
    return entry[2]


def session_merchant() -> dict[str, str]:
    return {"name": app.storage.browser.get("merchant_name", ""),
            "email": app.storage.browser.get("merchant_email", "")}


def current_api() -> MerchantApi | None:
    token = app.storage.browser.get("session_token")
    return MerchantApi(token) if token else None


def _clean(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v not in (None, "")}


class MerchantApi(ApiClient):
    """The merchant endpoints, authenticated with the dashboard session's token."""

    def __init__(self, session_token: str):
        super().__init__(headers={"Authorization": f"Bearer {session_token}"})

    async def logout(self) -> dict[str, Any]:
        return await self.post("/api/v1/auth/logout")

    # profile, credentials and stats
    async def merchant(self) -> dict[str, Any]:
        return await self.get("/api/v1/merchant")

    async def credentials(self) -> dict[str, Any]:
        return await self.get("/api/v1/merchant/credentials")

    async def roll_api_secret(self) -> dict[str, Any]:
        return await self.post("/api/v1/merchant/credentials/roll", json={})

    async def stats(self) -> dict[str, Any]:
        return await self.get("/api/v1/stats")

    # payments
    async def payments(self, *, limit: int = 10, **filters_and_cursor: Any) -> dict[str, Any]:
        return await self.get("/api/v1/payments", params=_clean({"limit": limit, **filters_and_cursor}))

    async def payment(self, payment_id: str) -> dict[str, Any]:
        return await self.get(f"/api/v1/payments/{segment(payment_id)}")

    async def capture(self, payment_id: str, amount: int) -> dict[str, Any]:
        return await self.post(f"/api/v1/payments/{segment(payment_id)}/capture", json={"amount": amount})

    async def refund(self, payment_id: str, amount: int, reason: str) -> dict[str, Any]:
        return await self.post(f"/api/v1/payments/{segment(payment_id)}/refunds",
                               json={"amount": amount, "reason": reason})

    async def refunds(self, payment_id: str) -> dict[str, Any]:
        return await self.get(f"/api/v1/payments/{segment(payment_id)}/refunds",
                              params={"limit": PAGE_LIMIT_MAX})

    # webhooks
    async def webhooks(self, *, limit: int = 10, payment_id: str | None = None, **cursor: str) -> dict[str, Any]:
        return await self.get("/api/v1/webhooks", params=_clean({"limit": limit, "payment_id": payment_id, **cursor}))

    async def webhook(self, webhook_id: str) -> dict[str, Any]:
        return await self.get(f"/api/v1/webhooks/{segment(webhook_id)}")

    async def retry_webhook(self, webhook_id: str) -> dict[str, Any]:
        return await self.post(f"/api/v1/webhooks/{segment(webhook_id)}/retry", json={})

    async def set_webhook_url(self, url: str | None) -> dict[str, Any]:
        return await self.put("/api/v1/merchant/webhook", json={"webhook_url": url})

    async def regenerate_webhook_secret(self) -> dict[str, Any]:
        return await self.post("/api/v1/merchant/webhook/secret", json={})

    async def send_test_webhook(self) -> dict[str, Any]:
        return await self.post("/api/v1/merchant/webhook/test", json={})

    # events and webhook endpoints
    async def events(self, *, limit: int = 10, **cursor: str) -> dict[str, Any]:
        return await self.get("/api/v1/events", params=_clean({"limit": limit, **cursor}))

    async def resend_event(self, event_id: str) -> dict[str, Any]:
        return await self.post(f"/api/v1/events/{event_id}/resend", json={})

    async def endpoints(self) -> dict[str, Any]:
        return await self.get("/api/v1/webhook_endpoints")

    async def create_endpoint(self, url: str, enabled_events: list[str], description: str | None) -> dict[str, Any]:
        return await self.post("/api/v1/webhook_endpoints",
                               json={"url": url, "enabled_events": enabled_events, "description": description})

    async def update_endpoint(self, endpoint_id: str, **changes: Any) -> dict[str, Any]:
        return await self.request("PATCH", f"/api/v1/webhook_endpoints/{endpoint_id}", json=changes)

    async def delete_endpoint(self, endpoint_id: str) -> dict[str, Any]:
        return await self.request("DELETE", f"/api/v1/webhook_endpoints/{endpoint_id}")

    async def roll_endpoint_secret(self, endpoint_id: str) -> dict[str, Any]:
        return await self.post(f"/api/v1/webhook_endpoints/{endpoint_id}/secret/roll", json={})
