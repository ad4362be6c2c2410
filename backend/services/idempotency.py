"""Idempotency keys (docs/api.md §3), scoped to merchant + key.

A result is stored only once the endpoint has begun executing, as Stripe does: a body that fails its schema
never claims the key. The key row is inserted (committed) before the work starts, so a concurrent duplicate
sees it and gets 409; the first 2xx response is stored verbatim and replayed for 24 h. Any refusal (a 4xx
from validation or state, or an error) deletes the row, so the same key with a corrected body proceeds.

The claim rides on the session (`hold`) as a unit-of-work hook: the first transaction that writes, the
effect's, also marks the key row with the rows it wrote (`effect`), or fails if the claim was lost to a
takeover. So a process that dies after its effect committed but before the answer was stored leaves a key
that is never taken over: once stale, begin() says `Committed` and the caller rebuilds the answer from
those rows. The service owning the transaction knows nothing of it.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import chain
from typing import Any, Sequence

from sqlalchemy import delete, event, func, inspect, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.domain.errors import CONFLICT_ERROR, GatewayError, bad_request
from backend.models import IdempotencyKey, made

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


@dataclass(frozen=True)
class Committed:
    """The key's effect committed but its answer was never stored (its process died in between): `rows` are
    what the effect's transaction wrote, [table, *primary key], inserts first. The caller rebuilds the answer
    from them and stores it with complete(claim, ...)."""
    claim: Claim
    rows: list[list[Any]]


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


def begin(session: Session, merchant_id: str, key: str, fingerprints: Sequence[str],
          stale_after: timedelta = STALE_IN_FLIGHT) -> Replay | Claim | Committed:
    """A Claim: the caller owns the key. A Replay: the stored answer. Committed: see the class.

    `fingerprints`: the request's, under each keyring key, the current first (the one stored), so a retry
    made before a key rotation still matches."""
    if isinstance(fingerprints, str):
        fingerprints = (fingerprints,)
    for _ in range(5):
        now = utcnow()
        row = _find(session, merchant_id, key, now)
        if row is not None:
            stale = row.response is None and row.created_at < now - stale_after
            if row.expires_at <= now or (stale and row.effect is None):
                # Take it over only if it is still the row we saw, and still free (a competitor, or the
                # effect's commit, may have got there first; PostgreSQL re-checks this after a lock wait).
                seen = row.created_at
                session.rollback()
                session.execute(delete(IdempotencyKey).where(
                    IdempotencyKey.key == key, IdempotencyKey.merchant_id == merchant_id,
                    IdempotencyKey.created_at == seen,
                    or_(IdempotencyKey.expires_at <= now,
                        IdempotencyKey.response.is_(None) & IdempotencyKey.effect.is_(None))))
                session.commit()
                continue
            if not any(hmac.compare_digest(row.request_hash, f) for f in fingerprints):
                session.rollback()
                raise bad_request("Idempotency-Key has already been used with a different request")
            if row.response is None:
                owner = Claim(merchant_id, key, row.created_at)
                rows = row.effect and row.effect["rows"]
                session.rollback()
                if stale:  # and its effect committed: never a second one
                    return Committed(owner, rows)
                raise GatewayError(CONFLICT_ERROR, "A request with this Idempotency-Key is still in progress")
            replay = Replay(int(row.response["status"]), row.response["body"])
            session.rollback()
            return replay
        session.add(IdempotencyKey(key=key, merchant_id=merchant_id, request_hash=fingerprints[0], response=None,
                                   effect=None, created_at=now, expires_at=now + TTL))
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
    release(session)
    session.execute(update(IdempotencyKey).where(*_claimed(claim)).values(
        response={"status": status, "body": body}, expires_at=utcnow() + TTL))
    session.commit()


def abandon(session: Session, claim: Claim) -> None:
    """Release the key, unless the claim's effect committed (an error after it): that key is kept, so a
    retry gets the rebuilt answer rather than a second effect."""
    release(session)
    session.rollback()
    session.execute(delete(IdempotencyKey).where(*_claimed(claim), IdempotencyKey.effect.is_(None)))
    session.commit()


# ---------- the claim as a unit-of-work hook ----------

_CLAIM, _WRITTEN = "paygate.idempotency.claim", "paygate.idempotency.written"


def hold(session: Session, claim: Claim) -> None:
    """Until complete() or abandon(), the session's first transaction that writes marks the claim's key."""
    session.info[_CLAIM] = claim
    session.info[_WRITTEN] = {}


def holds(session: Session) -> bool:
    """Whether the session's next writing transaction is a claim's effect (and so marks its key). A request
    that has not made its session yet holds no claim: asking does not make one."""
    session = made(session)
    return session is not None and session.info.get(_CLAIM) is not None


def note_written(session: Session, table: str, object_id: str) -> None:
    """A row written outside the unit of work (a Core statement on the session's connection), for the mark."""
    written = session.info.get(_WRITTEN)
    if written is not None:
        written.setdefault(repr([table, object_id]), [table, object_id])


def release(session: Session) -> None:
    session.info.pop(_CLAIM, None)
    session.info.pop(_WRITTEN, None)


@event.listens_for(Session, "after_flush")
def _note_written(session: Session, _context) -> None:
    written = session.info.get(_WRITTEN)
    if written is None:
        return
    for obj in chain(session.new, session.dirty):  # still the flush's own lists here
        if isinstance(obj, IdempotencyKey):
            continue
        mapper = inspect(obj).mapper
        row = [mapper.local_table.name, *mapper.primary_key_from_instance(obj)]
        if all(isinstance(v, str) for v in row):  # the objects' ids; not, say, a day bucket's date
            written.setdefault(repr(row), row)  # first seen first: inserts before updates, in flush order


@event.listens_for(Session, "before_commit")
def _mark_effect(session: Session) -> None:
    claim = session.info.get(_CLAIM)
    if claim is None:
        return
    session.flush()
    written = session.info.get(_WRITTEN)
    if not written:
        return  # a transaction that wrote nothing is not the effect
    release(session)
    marked = session.execute(
        update(IdempotencyKey).where(*_claimed(claim), IdempotencyKey.effect.is_(None))
        .values(effect={"rows": list(written.values())}).execution_options(synchronize_session=False))
    if marked.rowcount != 1:  # the key went to a retry while this request ran past the stale time
        raise GatewayError(CONFLICT_ERROR, "A request with this Idempotency-Key is still in progress")


@event.listens_for(Session, "after_rollback")
def _forget_written(session: Session) -> None:
    if _WRITTEN in session.info:
        session.info[_WRITTEN] = {}

