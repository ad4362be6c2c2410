"""The checkout's API client: the three public endpoints, nothing else (no merchant credentials)."""
from __future__ import annotations

from typing import Any

from ui_common.http import ApiClient, ApiError, segment

__all__ = ["ApiError", "get_order", "create_payment", "get_payment", "authenticate", "cancel_authentication",
           "answer_collect"]

_client = ApiClient()


async def get_order(order_id: str) -> dict[str, Any]:
    """`{id, amount, currency, status, merchant_name}`."""
    return await _client.get(f"/api/v1/orders/{segment(order_id)}/public")


async def create_payment(body: dict[str, Any]) -> dict[str, Any]:
    """UPI `{order_id, method: "upi", vpa}` or card `{order_id, method: "card", card: {...}}`."""
    return await _client.post("/api/v1/payments/public", json=body)


async def get_payment(payment_id: str) -> dict[str, Any]:
    """`{id, order_id, amount, currency, method, status, error_code, error_description}`."""
    return await _client.get(f"/api/v1/payments/{segment(payment_id)}/public")


# ---- the shopper's answers (beyond the contract): 3-D Secure and UPI collect ----

async def authenticate(payment_id: str, otp: str) -> dict[str, Any]:
    """The public payment after the one-time password: still waiting (wrong OTP), pending or failed."""
    return await _client.post(f"/api/v1/payments/{segment(payment_id)}/authenticate", json={"otp": otp})


async def cancel_authentication(payment_id: str) -> dict[str, Any]:
    return await _client.post(f"/api/v1/payments/{segment(payment_id)}/authenticate/cancel", json={})


async def answer_collect(payment_id: str, approve: bool) -> dict[str, Any]:
    """The simulated UPI app's answer to a collect request."""
    return await _client.post(f"/api/v1/payments/{segment(payment_id)}/collect", json={"approve": approve})
