"""Bounded growth: the registry of tables whose rows go by age, and how they go.

On PostgreSQL each registered table is partitioned by range of `created_at` (native partitioning, the
migration converts it): the sweeper keeps partitions made ahead of now and drops a partition once all of it
is older than the table's retention. Dropping a partition is a catalog change: no row-by-row DELETE, no
dead tuples for VACUUM, no WAL per row. On SQLite (no partitioning) the same sweep deletes in small
batches, each its own short transaction, so no lock is long and the next sweep carries on.

A table joins by one `register(...)` line and a migration that creates it partitioned (see the
`time_partitioning` migration): nothing else here names a table.

Partitions are `<table>_p<YYYYMMDD>` (the UTC day it starts), aligned on multiples of the period counted
from Monday 2000-01-03, so that every process computes the same bounds.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Callable

from sqlalchemy import delete, exists, func, select, text, tuple_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from backend.config import Config
from backend.domain.clock import utcnow
from backend.domain.ids import made_at
from backend.models import Event, IdempotencyKey, Merchant, WebhookDelivery
from backend.services.idempotency import LOOKUP_WINDOW

log = logging.getLogger("paygate.retention")

BATCH = 1000
MAX_BATCHES = 20  # per sweep: a backlog drains over several sweeps instead of holding this one
ANCHOR = datetime(2000, 1, 3, tzinfo=timezone.utc)
# DDL on a partitioned table waits for its lock at most this long; otherwise the next sweep tries again.
LOCK_TIMEOUT = "2s"
_MS = timedelta(milliseconds=1)


@dataclass(frozen=True)
class Retained:
    """A table whose rows go by age. `keep(config)`: rows younger than this are kept (a partition goes
    when its end is older). `period`: one partition's span; `ahead`: partitions kept made ahead of now.
    `purge_batched(session, config, budget)`: where the table is not partitioned (SQLite), the rows past
    retention deleted in batches; returns how many."""
    model: Any
    period: timedelta
    ahead: int
    keep: Callable[[Config], timedelta]
    purge_batched: Callable[[Session, Config, int], int]

    @property
    def table(self) -> str:
        return self.model.__tablename__


REGISTRY: dict[str, Retained] = {}


def register(spec: Retained) -> Retained:
    REGISTRY[spec.table] = spec
    return spec


# ---------- lookups that prune to one partition ----------

def by_id(model: Any, object_id: str) -> list:
    """WHERE clauses for one row by id. A registered table's ids carry the millisecond of the row's
    created_at (version-7 UUIDs, domain.ids.new_time_uuid; event ids, new_time_ordered_id), so the clause
    also bounds created_at to about that millisecond and PostgreSQL reads one partition; an older id
    (version 4, from before partitioning) probes them all. A millisecond either side: an event id's
    millisecond comes from a float timestamp, which may round to the next or previous one."""
    where = [model.id == object_id]
    at = made_at(object_id) if model.__tablename__ in REGISTRY else None
    if at is not None:
        where += [model.created_at >= at - _MS, model.created_at < at + 2 * _MS]
    return where


# ---------- partitions (PostgreSQL) ----------

def period_start(spec: Retained, at: datetime) -> datetime:
    return ANCHOR + ((at - ANCHOR) // spec.period) * spec.period


def partition_name(spec: Retained, start: datetime) -> str:
    return f"{spec.table}_p{start:%Y%m%d}"


def partitioned(session: Session, table: str) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return False
    return session.execute(text("SELECT EXISTS (SELECT 1 FROM pg_partitioned_table p JOIN pg_class c"
                                " ON c.oid = p.partrelid WHERE c.relname = :t AND pg_table_is_visible(c.oid))"),
                           {"t": table}).scalar_one()


def partitions(session: Session, spec: Retained) -> dict[str, datetime]:
    """The table's partitions by name, with their start (names this module did not make are left out)."""
    names = session.execute(text("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                                 " WHERE i.inhparent = CAST(:t AS regclass)"), {"t": spec.table}).scalars()
    found = {}
    for name in names:
        m = re.fullmatch(re.escape(spec.table) + r"_p(\d{8})", name)
        if m:
            found[name] = datetime.combine(date(int(m[1][:4]), int(m[1][4:6]), int(m[1][6:])), time(),
                                           tzinfo=timezone.utc)
    return found


def _ddl_transaction(session: Session, spec: Retained) -> None:
    """Maintenance of one table, one process at a time (several workers sweep), waiting briefly for locks."""
    session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    session.execute(select(func.pg_advisory_xact_lock(func.hashtext("paygate.partitions:" + spec.table))))


def ensure(session: Session, spec: Retained, start: datetime, end: datetime, commit: bool = True) -> list[str]:
    """Partitions covering [start, end), each made empty and then attached: ATTACH takes only a SHARE UPDATE
    EXCLUSIVE lock on the table (reads and writes go on), where CREATE ... PARTITION OF would take an
    exclusive one. Commits unless told not to (the caller's rows then go in under the same maintenance
    lock, so no sweeper drops the partitions first); returns the names made."""
    _ddl_transaction(session, spec)
    have = partitions(session, spec)
    made = []
    at = period_start(spec, start)
    while at < end:
        name = partition_name(spec, at)
        if name not in have:
            session.execute(text(f'CREATE TABLE "{name}" (LIKE {spec.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)'))
            session.execute(text(f"ALTER TABLE {spec.table} ATTACH PARTITION \"{name}\" FOR VALUES FROM "
                                 f"('{at.isoformat()}') TO ('{(at + spec.period).isoformat()}')"))
            made.append(name)
        at += spec.period
    if commit:
        session.commit()
    return made


def drop_expired(session: Session, spec: Retained, config: Config, now: datetime | None = None) -> list[str]:
    """Drop every partition that ends before the retention cutoff: all its rows are past it. Commits."""
    cutoff = (now or utcnow()) - spec.keep(config)
    _ddl_transaction(session, spec)
    doomed = sorted(name for name, start in partitions(session, spec).items() if start + spec.period <= cutoff)
    for name in doomed:
        session.execute(text(f'DROP TABLE "{name}"'))
    session.commit()
    return doomed


def maintain(session: Session, spec: Retained, config: Config) -> int:
    """One sweep's work on a partitioned table: partitions ready from the retention cutoff to `ahead`
    periods past now, and the expired ones dropped. Returns partitions dropped. A lock not granted within
    LOCK_TIMEOUT (a long query on the table) leaves it to the next sweep."""
    now = utcnow()
    try:
        made = ensure(session, spec, now - spec.keep(config), now + spec.ahead * spec.period)
        dropped = drop_expired(session, spec, config, now)
    except DBAPIError as exc:
        session.rollback()
        if getattr(exc.orig, "sqlstate", None) != "55P03":  # lock_not_available
            raise
        log.info("partitions of %s: lock not granted within %s, next sweep", spec.table, LOCK_TIMEOUT)
        return 0
    if made or dropped:
        log.info("partitions of %s: made %s, dropped %s", spec.table, made, dropped)
    return len(dropped)


# ---------- batched deletes (SQLite, or a table not partitioned) ----------

def _batched(session: Session, table, key, where, budget: int) -> tuple[int, int]:
    """Delete rows matching `where`, BATCH at a time, at most `budget` batches; (rows deleted, batches used)."""
    deleted = used = 0
    while used < budget:
        doomed = select(*key).where(*where).limit(BATCH)
        result = session.execute(delete(table).where(tuple_(*key).in_(doomed)))
        session.commit()
        used += 1
        deleted += result.rowcount or 0
        if (result.rowcount or 0) < BATCH:
            break
    return deleted, used


def _purge_old(session: Session, model, config: Config, budget: int | None) -> int:
    """Rows of `model` (deliveries, events) older than the retention, found per merchant through
    (merchant_id, created_at, id), the index the lists use, so retention needs no index of its own (every
    index costs every insert)."""
    budget = MAX_BATCHES if budget is None else budget
    cutoff = utcnow() - timedelta(days=config.webhook_log_retention_days)
    old = (model.merchant_id == Merchant.id) & (model.created_at < cutoff)
    merchants = list(session.scalars(select(Merchant.id).where(exists().where(old))))
    session.commit()
    deleted = 0
    for merchant_id in merchants:
        count, used = _batched(session, model, (model.id,),
                               (model.merchant_id == merchant_id, model.created_at < cutoff), budget)
        deleted, budget = deleted + count, budget - used
        if budget <= 0:
            break
    return deleted


def purge_webhook_logs(session: Session, config: Config, budget: int | None = None) -> int:
    return _purge_old(session, WebhookDelivery, config, budget)


def purge_events(session: Session, config: Config, budget: int | None = None) -> int:
    """Events go with their deliveries' retention: a delivery left after its event fails (services/webhooks)."""
    return _purge_old(session, Event, config, budget)


def purge_idempotency_keys(session: Session, config: Config | None = None, budget: int | None = None) -> int:
    budget = MAX_BATCHES if budget is None else budget
    key = (IdempotencyKey.key, IdempotencyKey.merchant_id)
    return _batched(session, IdempotencyKey, key, (IdempotencyKey.expires_at <= utcnow(),), budget)[0]


register(Retained(WebhookDelivery, period=timedelta(days=7), ahead=4,
                  keep=lambda config: timedelta(days=config.webhook_log_retention_days),
                  purge_batched=purge_webhook_logs))
register(Retained(Event, period=timedelta(days=7), ahead=4,
                  keep=lambda config: timedelta(days=config.webhook_log_retention_days),
                  purge_batched=purge_events))
# A key answers for 24 h from its completion; its partition goes once no key in it can still be live.
register(Retained(IdempotencyKey, period=timedelta(days=1), ahead=14, keep=lambda config: LOOKUP_WINDOW,
                  purge_batched=purge_idempotency_keys))


def purge(session: Session, config: Config) -> dict[str, int]:
    """Per table: `<table>_partitions_dropped` where it is partitioned, else `<table>_purged` (rows)."""
    out = {}
    for spec in REGISTRY.values():
        if partitioned(session, spec.table):
            session.commit()
            out[f"{spec.table}_partitions_dropped"] = maintain(session, spec, config)
        else:
            session.commit()
            out[f"{spec.table}_purged"] = spec.purge_batched(session, config, MAX_BATCHES)
    return out
