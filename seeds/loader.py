"""`make load-demo PAYMENTS=N [EMAIL=...]`: a merchant with a large history, written in bulk.

N orders, each with one payment, spread over the last 180 days: a realistic mix of UPI and cards (networks
as the card ranges give them), outcomes at the simulator's default success rates, most successes captured,
refunds (full and partial) on some, and, when the merchant has a webhook URL, the webhook logs the API
would have written (created, pending, success|failed; refund created and processed), all delivered, for
the last WEBHOOK_LOG_RETENTION_DAYS (older ones the sweeper would have deleted).
Rows go out by COPY on PostgreSQL (psycopg's copy API), over several connections at once, and by
executemany on SQLite; each chunk of orders is one transaction with the running totals it moves
(services/totals.py), so the totals stay exactly what the API keeps.
"""
from __future__ import annotations

import json
import random
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Iterator

from sqlalchemy import select

from backend.domain import ids
from backend.domain.clock import utcnow
from backend.domain.rules import refundable
from backend.domain.status import OrderStatus, PaymentStatus, RefundStatus, WebhookStatus
from backend.domain.errors import (CARD_DECLINED, FAILURE_REASONS, PAYMENT_DECLINED, PAYMENT_FAILED,
                                   PAYMENT_FAILED_DESCRIPTION, FailureReason)
from backend.models import Event, Merchant, WebhookLog, db
from backend.services import events, retention, totals

DAYS = 180
CHUNK = 20_000  # orders per transaction: bounds memory whatever N is
# Connections writing at once: PostgreSQL's per-row work (index entries, foreign-key checks) is most of the
# load's CPU, and one backend process uses one core; the Python side makes a chunk in about half the time.
STREAMS = 3
UPI_SHARE, UPI_SUCCESS, CARD_SUCCESS = 0.6, 0.90, 0.95
CAPTURED_SHARE, REFUND_SHARE, PARTIAL_SHARE = 0.8, 0.05, 0.5
VPAS = ("asha@okicici", "ravi.k@paytm", "meera@ybl", "dev_99@oksbi", "kiran@upi")
CARDS = (("visa", 0.45), ("mastercard", 0.30), ("rupay", 0.20), ("amex", 0.05))

REASON_FIELDS = ("error_reason", "error_source", "error_step")


def _reason(found: FailureReason | None) -> dict[str, str | None]:
    values = (found.reason, found.source, found.step) if found else (None, None, None)
    return dict(zip(REASON_FIELDS, values))


COLUMNS = {
    "orders": ("id", "merchant_id", "amount", "currency", "receipt", "notes", "status", "created_at", "updated_at"),
    "payments": ("id", "order_id", "merchant_id", "amount", "currency", "method", "status", "vpa", "card_network",
                 "card_last4", "error_code", "error_description", "error_reason", "error_source", "error_step",
                 "captured", "processor_ref", "ready_at",
                 "created_at", "updated_at"),
    "refunds": ("id", "payment_id", "merchant_id", "amount", "reason", "status", "ready_at", "created_at",
                "processed_at"),
    # Events before their deliveries; a delivery of an event sends the event's payload (its own is NULL).
    "events": ("id", "merchant_id", "type", "object_id", "payment_id", "payload", "created_at"),
    "webhook_logs": ("id", "merchant_id", "payment_id", "event", "event_id", "status", "attempts",
                     "last_attempt_at", "next_retry_at", "response_code", "response_body", "created_at"),
}


@dataclass
class Batch:
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    deltas: dict[tuple, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))

    def count(self, kind: str, day: date, method: str, status: str, amount: int) -> None:
        acc = self.deltas[(kind, day, method, status)]
        acc[0] += 1
        acc[1] += amount


def _payment_json(p: dict[str, Any]) -> dict[str, Any]:
    """The payment as the API serialises it in a webhook (schemas.PaymentOut), without pydantic per row."""
    out = {"id": p["id"], "order_id": p["order_id"], "amount": p["amount"], "currency": "INR",
           "method": p["method"]}
    if p["method"] == "upi":
        out["vpa"] = p["vpa"]
    else:
        out["card_network"], out["card_last4"] = p["card_network"], p["card_last4"]
    out.update(status=p["status"], captured=p["captured"],
               amount_refundable=refundable(p["status"], p["amount"], p.get("refunded", 0)),
               error_code=p["error_code"],
               error_description=p["error_description"], **{name: p[name] for name in REASON_FIELDS},
               created_at=_iso(p["created_at"]),
               updated_at=_iso(p["updated_at"]))
    return out


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _iso(value: datetime) -> str:
    """domain.clock.iso for an aware UTC value, without strftime (the loader's largest cost after JSON)."""
    return value.isoformat(timespec="seconds")[:19] + "Z"


def _event(batch: Batch, merchant_id: str, payment_id: str, object_id: str, event: str, at: datetime,
           data_json: str, deliver: bool) -> None:
    """As services/events.record: the event stored once (domain.events.envelope, around data already
    serialised once per object), and, when the merchant has a webhook URL, its delivery to it."""
    event_id = ids.new_time_ordered_id(ids.EVENT, int(at.timestamp() * 1000))
    payload = f'{{"event":"{event}","timestamp":{int(at.timestamp())},"data":{data_json},"id":"{event_id}"}}'
    batch.rows["events"].append((event_id, merchant_id, event, object_id, payment_id, payload, at))
    if deliver:
        batch.rows["webhook_logs"].append((ids.new_time_uuid(at), merchant_id, payment_id, event, event_id,
                                           WebhookStatus.SUCCESS.value, 1, at + timedelta(seconds=1), None, 200,
                                           "ok", at))


def generate(rng: random.Random, merchant_id: str, n: int, now: datetime, since: datetime, deliver: bool,
             first: int = 0, total: int | None = None) -> Batch:
    """Orders first..first+n of `total`, in time order: each index then grows at its right edge, as it
    does in production, instead of taking inserts all over (measured: several times faster COPY).
    `since`: the retention cutoff (older events and deliveries would be gone); `deliver`: whether the
    merchant has a webhook URL, which each event is delivered to."""
    batch = Batch()
    total = total or n
    step = DAYS * 86400 / total
    start = now - timedelta(days=DAYS)
    for i in range(first, first + n):
        created = start + timedelta(seconds=(i + rng.random() * 0.5) * step)
        amount = rng.choice((100, 199, 499, 999, 1499, 2999, 9999)) * 100 + rng.randrange(0, 100) * 10
        upi = rng.random() < UPI_SHARE
        success = rng.random() < (UPI_SUCCESS if upi else CARD_SUCCESS)
        order_id, payment_id = ids.new_id(ids.ORDER), ids.new_id(ids.PAYMENT)
        paid_at = created + timedelta(seconds=rng.uniform(5, 10))
        batch.rows["orders"].append((order_id, merchant_id, amount, "INR", f"rcpt_{order_id[-8:]}", "{}",
                                     (OrderStatus.PAID if success else OrderStatus.ATTEMPTED).value, created, paid_at))
        batch.count(totals.ORDER, created.date(), "", "", amount)
        network = rng.choices([c for c, _ in CARDS], [w for _, w in CARDS])[0] if not upi else None
        p = {"id": payment_id, "order_id": order_id, "amount": amount, "method": "upi" if upi else "card",
             "status": (PaymentStatus.SUCCESS if success else PaymentStatus.FAILED).value, "vpa": rng.choice(VPAS) if upi else None,
             "card_network": network, "card_last4": None if upi else f"{rng.randrange(10000):04d}",
             "error_code": None if success else PAYMENT_FAILED,
             "error_description": None if success else PAYMENT_FAILED_DESCRIPTION,
             # as payments._fail records a declined attempt
             **_reason(None if success else FAILURE_REASONS[PAYMENT_DECLINED if upi else CARD_DECLINED]),
             "captured": success and rng.random() < CAPTURED_SHARE, "created_at": created + timedelta(seconds=2),
             "updated_at": paid_at}
        batch.rows["payments"].append((payment_id, order_id, merchant_id, amount, "INR", p["method"], p["status"],
                                       p["vpa"], network, p["card_last4"], p["error_code"], p["error_description"],
                                       *(p[name] for name in REASON_FIELDS),
                                       p["captured"], f"sim_{payment_id[-12:]}", paid_at, p["created_at"], paid_at))
        batch.count(totals.PAYMENT, p["created_at"].date(), p["method"], p["status"], amount)
        if p["created_at"] >= since:
            final = _payment_json(p)
            pending = _json({"payment": {**final, "status": PaymentStatus.PENDING.value, "captured": False,
                                         "amount_refundable": 0, "error_code": None,
                                         "error_description": None, **_reason(None),
                                         "updated_at": final["created_at"]}})
            for kind in (events.PAYMENT_CREATED, events.PAYMENT_PENDING):
                _event(batch, merchant_id, payment_id, payment_id, kind, p["created_at"], pending, deliver)
            _event(batch, merchant_id, payment_id, payment_id,
                   events.PAYMENT_SUCCESS if success else events.PAYMENT_FAILED, paid_at, _json({"payment": final}),
                   deliver)
        if success and rng.random() < REFUND_SHARE:
            _refund(batch, rng, merchant_id, p, now, since, deliver)
    return batch


def _refund(batch: Batch, rng: random.Random, merchant_id: str, p: dict, now: datetime, since: datetime,
            deliver: bool) -> None:
    amount = p["amount"] if rng.random() >= PARTIAL_SHARE else rng.randrange(100, p["amount"])
    created = min(now, p["updated_at"] + timedelta(seconds=rng.uniform(60, 7 * 86400)))
    processed = created + timedelta(seconds=rng.uniform(3, 5))
    if processed > now:  # a refund made in the last seconds would still be pending: keep the sample final
        created, processed = created - timedelta(seconds=10), processed - timedelta(seconds=10)
    refund_id = ids.new_id(ids.REFUND)
    batch.rows["refunds"].append((refund_id, p["id"], merchant_id, amount, "Customer requested refund",
                                  RefundStatus.PROCESSED.value, processed, created, processed))
    batch.count(totals.REFUND, created.date(), "", RefundStatus.PROCESSED.value, amount)
    if created >= since:
        refund = {"id": refund_id, "payment_id": p["id"], "amount": amount, "reason": "Customer requested refund",
                  "status": RefundStatus.PENDING.value, "created_at": _iso(created), "processed_at": None}
        payment = _payment_json({**p, "refunded": amount})
        _event(batch, merchant_id, p["id"], refund_id, events.REFUND_CREATED, created,
               _json({"refund": refund, "payment": payment}), deliver)
        _event(batch, merchant_id, p["id"], refund_id, events.REFUND_PROCESSED, processed,
               _json({"refund": {**refund, "status": RefundStatus.PROCESSED.value, "processed_at": _iso(processed)},
                      "payment": payment}), deliver)


def _totals_rows(merchant_id: str, deltas: dict[tuple, list[int]]) -> list[dict[str, Any]]:
    return [{"merchant_id": merchant_id, "kind": kind, "day": day, "method": method, "status": status, "shard": 0,
             "count": c, "amount": a} for (kind, day, method, status), (c, a) in sorted(deltas.items())]


def _sqlite_value(value: Any) -> Any:
    # What SQLAlchemy's SQLite types store: naive UTC text, 0/1 for booleans.
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat(" ", timespec="microseconds")
    if isinstance(value, bool):
        return int(value)
    return value


def _write(raw: Any, postgres: bool, batch: Batch) -> int:
    written = 0
    cur = raw.cursor()
    try:
        for table, columns in COLUMNS.items():
            rows = batch.rows[table]
            if not rows:
                continue
            if postgres:
                with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                                [tuple(_sqlite_value(v) for v in row) for row in rows])
            written += len(rows)
    finally:
        cur.close()
    return written


def chunks(n: int, size: int = CHUNK) -> Iterator[tuple[int, int]]:
    for first in range(0, n, size):
        yield first, min(size, n - first)


def load(payments: int, email: str, retention_days: int, seed: int | None = None, echo=print,
         streams: int = STREAMS, chunk_size: int = CHUNK) -> dict[str, Any]:
    """Add `payments` orders and payments for the merchant with this email. Returns figures.

    Chunks go out over `streams` connections at once (PostgreSQL; SQLite has one writer), each chunk one
    transaction with the running totals it moves: at every commit the totals are exact for the rows
    committed, as after a run of API requests; an interrupted load leaves whole chunks, never a row
    without its totals. A chunk's history is drawn from its own seeded generator, so a seed gives the
    same history whichever stream makes which chunk."""
    merchant = db.session.execute(select(Merchant).where(Merchant.email == email)).scalar_one_or_none()
    if merchant is None:
        raise LookupError(f"no merchant with email {email}")
    now = utcnow()
    merchant_id = merchant.id
    since, deliver = now - timedelta(days=retention_days), bool(merchant.webhook_url)
    db.session.rollback()
    for model in (Event, WebhookLog) if deliver else (Event,):  # the partitions the window's rows go to
        if retention.partitioned(db.session, model.__tablename__):
            retention.ensure(db.session, retention.REGISTRY[model.__tablename__], since, now)
    engine = db.engine  # the streams' threads have no app context
    postgres = engine.dialect.name == "postgresql"
    base = random.Random(seed).getrandbits(64)

    def chunk(first: int, size: int) -> int:
        batch = generate(random.Random(base + first), merchant_id, size, now=now - timedelta(seconds=15),
                         since=since, deliver=deliver, first=first, total=payments)
        with engine.begin() as conn:
            written = _write(conn.connection.dbapi_connection, postgres, batch)
            values = _totals_rows(merchant_id, batch.deltas)  # last: the counter rows are the locks held least
            for i in range(0, len(values), 500):
                conn.execute(totals.upsert(conn.dialect.name, values[i:i + 500]))
        return written

    started, rows = time.perf_counter(), 0
    with ThreadPoolExecutor(max(1, streams) if postgres else 1) as pool:
        futures = [pool.submit(chunk, first, size) for first, size in chunks(payments, chunk_size)]
        try:
            for future in futures:
                rows += future.result()
                echo(f"  {rows:,} rows, {rows / (time.perf_counter() - started):,.0f} rows/s")
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    seconds = time.perf_counter() - started
    return {"payments": payments, "rows": rows, "seconds": seconds, "rows_per_s": rows / seconds if seconds else 0.0,
            "merchant_id": merchant_id, "webhook_logs": deliver}
