"""Idempotency keys (docs/api.md §3), scoped to merchant + key.

A result is stored only once the endpoint has begun executing, as Stripe does: a body that fails its schema
never claims the key. The key row is inserted (committed) before the work starts, so a concurrent duplicate
sees it and gets 409; the first 2xx response is stored verbatim and replayed for 24 h. Any refusal (a 4xx
from validation or state, or an error) deletes the row, so the same key with a corrected body proceeds.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.domain.errors import CONFLICT_ERROR, GatewayError, bad_request
from backend.models import IdempotencyKey

TTL = timedelta(hours=24)
# A key still "in flight" after this long belongs to a request whose process died: it may be reused.
STALE_IN_FLIGHT = timedelta(seconds=60)
MAX_KEY_LENGTH = 255
# Where a live key can be: created no earlier than its TTL plus the longest a request runs before it is
# completed (far under an hour). On PostgreSQL the table is partitioned by created_at and a claim reads
# only the partitions of this window (services/retention.py drops those past it).
LOOKUP_WINDOW = TTL + timedelta(hours=1)
# Another API host's clock may be a little ahead of this one's.
CLOCK_SKEW = timedelta(hours=1)


@dataclass(frozen=True)
class Replay:
    status: int
    body: str


@dataclass(frozen=True)
class Claim:
    """The caller owns the key: it must complete() or abandon() this claim, and only this one. A request that
    outlived STALE_IN_FLIGHT may have lost the key to a newer one, whose row it must then leave alone."""
    merchant_id: str
    key: str
    created_at: datetime


def validate_key(key: str) -> str:
    if not (1 <= len(key) <= MAX_KEY_LENGTH) or not key.isprintable():
        raise bad_request(f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters")
    return key


def request_fingerprint(method: str, path: str, body: bytes, key: bytes) -> str:
    """Equal JSON means equal request, whatever the whitespace or key order.

    Keyed (HMAC with a server-side key, backend/keyring.py): the body may hold a card number and CVV, and
    an unkeyed hash of them, kept 24 h, could be brute-forced back.
    """
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    message = method.encode() + b" " + path.encode() + b"\n" + canonical
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def begin(session: Session, merchant_id: str, key: str, fingerprint: str) -> Replay | Claim:
    """A Claim: the caller owns the key. A Replay: the stored answer."""
    for _ in range(5):
        now = utcnow()
        row = _find(session, merchant_id, key, now)
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
            return Claim(merchant_id, key, now)
        except IntegrityError:  # a concurrent request inserted it first: look again
            session.rollback()
    raise GatewayError(CONFLICT_ERROR, "A request with this Idempotency-Key is still in progress")


def _find(session: Session, merchant_id: str, key: str, now: datetime) -> IdempotencyKey | None:
    """The key's row, first serialising this claim against any other of the same key on PostgreSQL.

    There a partitioned table's unique constraint must hold its partition key, so (merchant_id, key) is
    unique only within a partition: a transaction-scoped advisory lock on the key's hash, held until the
    claim's insert commits (or its rollback), makes look-up and insert one step, and it survives PgBouncer's
    transaction pooling (no session state). SQLite's primary key is (key, merchant_id) itself, and its
    transactions are serialised (BEGIN IMMEDIATE)."""
    stmt = select(IdempotencyKey).where(IdempotencyKey.key == key, IdempotencyKey.merchant_id == merchant_id)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(func.hashtextextended(merchant_id + "\n" + key, 0))))
        stmt = stmt.where(IdempotencyKey.created_at > now - LOOKUP_WINDOW,
                          IdempotencyKey.created_at < now + CLOCK_SKEW)
    stmt = stmt.order_by(IdempotencyKey.created_at.desc()).limit(1)
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()


def _claimed(claim: Claim):
    return (IdempotencyKey.key == claim.key, IdempotencyKey.merchant_id == claim.merchant_id,
            IdempotencyKey.created_at == claim.created_at, IdempotencyKey.response.is_(None))


def complete(session: Session, claim: Claim, status: int, body: str) -> None:
    session.execute(update(IdempotencyKey).where(*_claimed(claim)).values(
        response={"status": status, "body": body}, expires_at=utcnow() + TTL))
    session.commit()


def abandon(session: Session, claim: Claim) -> None:
    session.rollback()
    session.execute(delete(IdempotencyKey).where(*_claimed(claim)))
    session.commit()

