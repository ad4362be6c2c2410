"""Idempotency keys (CONTRACT §3), scoped to merchant + key.

The key row is inserted (committed) before the work starts, so a concurrent duplicate sees it and gets 409;
the first 2xx response is stored verbatim and replayed for 24 h; an error response deletes the row.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.domain.errors import CONFLICT_ERROR, GatewayError, bad_request
from backend.models import IdempotencyKey

TTL = timedelta(hours=24)
# A key still "in flight" after this long belongs to a request whose process died: it may be reused.
STALE_IN_FLIGHT = timedelta(seconds=60)
MAX_KEY_LENGTH = 255


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


def validate_key(key: str) -> str:
    if not (1 <= len(key) <= MAX_KEY_LENGTH) or not key.isprintable():
        raise bad_request(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def request_fingerprint(method: str, path: str, body: bytes, key: str) -> str:
    """Equal JSON means equal request, whatever the whitespace or key order.

    Keyed (HMAC with the merchant's API secret): the body may hold a card number and CVV, and an unkeyed
    hash of them, kept 24 h, could be brute-forced back.
    """
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    message = method.encode() + b" " + path.encode() + b"\n" + canonical
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def begin(session: Session, merchant_id: str, key: str, fingerprint: str) -> Replay | None:
    """None: the caller owns the key and must call complete() or abandon(). Otherwise the stored answer."""
    for _ in range(5):
        now = utcnow()
        row = session.get(IdempotencyKey, (key, merchant_id))
        if row is not None:
            stale = row.response is None and row.created_at < now - STALE_IN_FLIGHT
            if row.expires_at <= now or stale:
                # Take it over only if it is still the row we saw: a competitor may already have.
                seen = row.created_at
                session.rollback()
                session.execute(delete(IdempotencyKey).where(
                    IdempotencyKey.key == key, IdempotencyKey.merchant_id == merchant_id,
                    IdempotencyKey.created_at == seen))
                session.commit()
                continue
            if row.request_hash != fingerprint:
                session.rollback()
                raise bad_request("Idempotency-Key has already been used with a different request")
            if row.response is None:
                session.rollback()
                raise GatewayError(CONFLICT_ERROR, "A request with this Idempotency-Key is still in progress")
            replay = Replay(int(row.response["status"]), row.response["body"])
            session.rollback()
            return replay
        session.add(IdempotencyKey(key=key, merchant_id=merchant_id, request_hash=fingerprint, response=None,
                                   created_at=now, expires_at=now + TTL))
        try:
            session.commit()
            return None
        except IntegrityError:  # a concurrent request inserted it first: look again
            session.rollback()
    raise GatewayError(CONFLICT_ERROR, "A request with this Idempotency-Key is still in progress")


def complete(session: Session, merchant_id: str, key: str, status: int, body: str) -> None:
    row = session.get(IdempotencyKey, (key, merchant_id))
    if row is not None:
        row.response = {"status": status, "body": body}
        row.expires_at = utcnow() + TTL
    session.commit()


def abandon(session: Session, merchant_id: str, key: str) -> None:
    session.rollback()
    session.execute(delete(IdempotencyKey).where(IdempotencyKey.key == key,
                                                 IdempotencyKey.merchant_id == merchant_id,
                                                 IdempotencyKey.response.is_(None)))
    session.commit()


def purge_expired(session: Session) -> int:
    """Expired keys, in small batches (services/retention.py)."""
    from backend.services.retention import purge_idempotency_keys

    return purge_idempotency_keys(session)
