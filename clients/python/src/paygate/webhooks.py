"""Verify the webhooks PayGate sends (and sign test deliveries to your own handler).

Every delivery carries two signatures of the exact body, both keyed with the merchant's webhook secret:
- `X-Webhook-Signature`: hex HMAC-SHA256 of the body;
- Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
  (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, space-separated when several).

    event = paygate.webhooks.verify(request.get_data(), request.headers, secret="whsec_...")

Pass the raw body (bytes, before any JSON parsing). When the Standard Webhooks headers are there they must
verify, timestamp included, so a replayed old delivery is refused; otherwise the hex signature must match.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from paygate import models
from paygate.errors import PayGateError

DEFAULT_TOLERANCE = 300  # seconds a delivery's timestamp may differ from the receiver's clock


class SignatureVerificationError(PayGateError):
    """The body, its signature or its timestamp is not what PayGate sent."""

    code = "SIGNATURE_VERIFICATION_ERROR"


class WebhookEvent(BaseModel):
    """A verified delivery: `{"event": "payment.success", "timestamp": 1705315870, "data": {...}}`."""

    model_config = ConfigDict(extra="allow")
    event: str
    timestamp: int
    data: dict[str, Any]
    id: str | None = None  # the `webhook-id` header: the same on every retry, for de-duplication
    scheme: Literal["standard", "hex"] = "hex"

    @property
    def payment(self) -> models.PaymentOut | None:
        return models.PaymentOut.model_validate(self.data["payment"]) if "payment" in self.data else None

    @property
    def refund(self) -> models.RefundOut | None:
        return models.RefundOut.model_validate(self.data["refund"]) if "refund" in self.data else None


def _mac(secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).digest()


def _standard(secret: str, msg_id: str, timestamp: int | str, body: bytes) -> str:
    return "v1," + base64.b64encode(_mac(secret, f"{msg_id}.{timestamp}.".encode() + body)).decode("ascii")


def sign_headers(body: bytes, secret: str, msg_id: str, timestamp: int | None = None) -> dict[str, str]:
    """Both signatures for `body`, as PayGate sends them: to test your handler with a delivery of your own."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", "X-Webhook-Signature": _mac(secret, body).hex(),
            "webhook-id": msg_id, "webhook-timestamp": str(stamp),
            "webhook-signature": _standard(secret, msg_id, stamp, body)}


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    return {str(k).lower(): v for k, v in headers.items()}


def _check(body: bytes, headers: dict[str, str], secret: str, tolerance: int, now: float | None) -> str:
    msg_id, stamp, signatures = (headers.get(h) for h in ("webhook-id", "webhook-timestamp", "webhook-signature"))
    if msg_id and stamp and signatures:
        if not stamp.isdigit():
            raise SignatureVerificationError("webhook-timestamp is not a Unix time")
        if abs((time.time() if now is None else now) - int(stamp)) > tolerance:
            raise SignatureVerificationError("webhook-timestamp is outside the tolerance: a replay or a wrong clock")
        expected = _standard(secret, msg_id, stamp, body).encode()
        if any(hmac.compare_digest(expected, given.encode()) for given in signatures.split()):
            return "standard"
        raise SignatureVerificationError("webhook-signature does not match the body")
    given = headers.get("x-webhook-signature", "").strip()
    if given and hmac.compare_digest(_mac(secret, body).hex().encode(), given.encode()):
        return "hex"
    raise SignatureVerificationError("X-Webhook-Signature is missing or does not match the body")


def verify(body: bytes | str, headers: Mapping[str, str], secret: str, *, tolerance: int = DEFAULT_TOLERANCE,
           now: float | None = None) -> WebhookEvent:
    """The verified event; raises SignatureVerificationError otherwise. Comparisons are constant-time."""
    raw = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    lowered = _lower(headers)
    scheme = _check(raw, lowered, secret, tolerance, now)
    try:
        return WebhookEvent.model_validate({**json.loads(raw), "id": lowered.get("webhook-id"), "scheme": scheme})
    except (TypeError, ValueError, ValidationError) as exc:
        raise SignatureVerificationError(f"signed, but not a PayGate event: {exc}") from exc
