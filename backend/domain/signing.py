"""Webhook signatures: how PayGate signs, and how a merchant verifies. Standard library only.

Merchants: copy this file (or `pip install` nothing at all) and call `verify_webhook` with the RAW request
body (bytes, before any JSON parsing) and the request headers:

    from signing import verify_webhook, WebhookVerificationError
    try:
        verify_webhook(request.get_data(), request.headers, secret="whsec_...")
    except WebhookVerificationError:
        abort(400)

Two schemes are sent on every delivery; either proves the body came from PayGate:
- `X-Webhook-Signature`: hex HMAC-SHA256 of the exact body, keyed with the webhook secret.
- Standard Webhooks: `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
  (`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`), keyed with the UTF-8 bytes of the whole
  secret. Checking the timestamp lets a receiver refuse replays of old deliveries.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Mapping

DEFAULT_TOLERANCE_SECONDS = 300


class WebhookVerificationError(Exception):
    pass


def canonical_body(payload: Any) -> bytes:
    """The exact bytes sent: compact and UTF-8, so re-serialising the parsed JSON gives the same bytes."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _key(secret: str) -> bytes:
    return secret.encode("utf-8")


def sign_hex(secret: str, body: bytes) -> str:
    return hmac.new(_key(secret), body, hashlib.sha256).hexdigest()


def sign_standard(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{msg_id}.{timestamp}.".encode("utf-8") + body
    return "v1," + base64.b64encode(hmac.new(_key(secret), signed, hashlib.sha256).digest()).decode("ascii")


def signature_headers(secret: str, msg_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Webhook-Signature": sign_hex(secret, body),
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign_standard(secret, msg_id, timestamp, body),
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


def verify_webhook(body: bytes, headers: Mapping[str, str], secret: str,
                   tolerance: int = DEFAULT_TOLERANCE_SECONDS, now: float | None = None) -> str:
    """Check a delivery; returns the scheme that matched ("standard" or "hex").

    When the Standard Webhooks headers are present they must verify, timestamp included (a replay
    older than `tolerance` seconds is refused); otherwise `X-Webhook-Signature` must match.
    Raises WebhookVerificationError on any mismatch. All comparisons are constant-time.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
    msg_id = _header(headers, "webhook-id")
    stamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if msg_id and stamp and signatures:
        try:
            ts = int(stamp)
        except ValueError:
            raise WebhookVerificationError("invalid webhook-timestamp")
        current = time.time() if now is None else now
        if abs(current - ts) > tolerance:
            raise WebhookVerificationError("timestamp outside the tolerance: a replay or a wrong clock")
        expected = sign_standard(secret, msg_id, ts, body)
        # The header may carry several space-separated signatures (secret rotation).
        if any(hmac.compare_digest(expected.encode(), s.encode()) for s in signatures.split()):
            return "standard"
        raise WebhookVerificationError("webhook-signature does not match")
    hex_signature = _header(headers, "X-Webhook-Signature")
    if hex_signature and hmac.compare_digest(sign_hex(secret, body).encode(), hex_signature.strip().encode()):
        return "hex"
    raise WebhookVerificationError("X-Webhook-Signature does not match")
