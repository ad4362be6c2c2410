"""Running totals (the `merchant_totals` table): the one place that writes and reads them.

A write that creates or moves a payment, refund or order calls `bump` as the last statement of its
transaction: one atomic upsert (INSERT ... ON CONFLICT DO UPDATE SET count = count + excluded.count),
which PostgreSQL and SQLite both have, so concurrent writers add up exactly and the hot row is locked only
from that statement to COMMIT. Readers sum O(days) rows; nothing here ever scans payments.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any, Iterable

from sqlalchemy import Select, bindparam, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from backend.domain.clock import as_utc
from backend.models import MerchantTotal

PAYMENT, REFUND, ORDER = "payment", "refund", "order"
_KEY = ("merchant_id", "kind", "day", "method", "status", "shard")
_COLUMNS = _KEY + ("count", "amount")


@dataclass(frozen=True)
class Delta:
    merchant_id: str
    kind: str
    created_at: datetime
    method: str = ""
    status: str = ""
    count: int = 1
    amount: int = 0


def created(kind: str, obj: Any, method: str = "") -> Delta:
    """A new object counted under its status."""
    return Delta(obj.merchant_id, kind, obj.created_at, method, getattr(obj, "status", ""), 1, obj.amount)


def moved(kind: str, obj: Any, old_status: str, method: str = "") -> list[Delta]:
    """An object that went from old_status to its current one: out of one bucket, into the other."""
    return [Delta(obj.merchant_id, kind, obj.created_at, method, old_status, -1, -obj.amount),
            Delta(obj.merchant_id, kind, obj.created_at, method, obj.status, 1, obj.amount)]


def day_of(moment: datetime) -> date:
    return as_utc(moment).date()


def shard_of(dbapi_connection: Any) -> int:
    """The writer's own row: on PostgreSQL the server process id of its connection, unique among the
    connections open at any moment, so two transactions never wait on one counter row (a row lock is held
    until COMMIT has flushed the WAL, milliseconds: shared rows would serialise every writer of a
    merchant). SQLite serialises writers anyway: one row, shard 0."""
    info = getattr(dbapi_connection, "info", None)
    return int(getattr(info, "backend_pid", 0) or 0)


def rows(deltas: Iterable[Delta], shard: int) -> list[dict[str, Any]]:
    """Deltas folded into one row per key, in key order: one statement never touches a row twice
    (PostgreSQL refuses that), and rows are always locked in the same order."""
    folded: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for d in deltas:
        acc = folded[(d.merchant_id, d.kind, day_of(d.created_at), d.method, d.status, shard)]
        acc[0] += d.count
        acc[1] += d.amount
    return [dict(zip(_KEY, key), count=c, amount=a) for key, (c, a) in sorted(folded.items()) if c or a]


def upsert(dialect_name: str, values: list[dict[str, Any]] | None = None):
    """INSERT ... ON CONFLICT (key) DO UPDATE SET count = count + excluded.count, amount likewise."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    stmt = dialect.insert(MerchantTotal)
    if values is not None:
        stmt = stmt.values(values)
    table = MerchantTotal.__table__
    return stmt.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={"count": table.c.count + stmt.excluded["count"], "amount": table.c.amount + stmt.excluded.amount})


@lru_cache(maxsize=8)
def _pg_upsert_sql(n: int) -> str:
    """The PostgreSQL upsert of n rows, compiled once to the driver's SQL (parameters `<column>_m<i>`): a
    statement built per call costs more CPU in construction and cache keys than its round trip."""
    from sqlalchemy.dialects.postgresql.psycopg import dialect

    placeholder = [{k: bindparam(f"{k}_m{i}") for k in _COLUMNS} for i in range(n)]
    return str(upsert("postgresql", placeholder).compile(dialect=dialect()))


def bump(session: Session, deltas: Iterable[Delta]) -> None:
    """Apply deltas inside the session's transaction. Call it last, right before COMMIT: the ORM's pending
    writes are flushed first so that the counter row is the last lock taken and the shortest held."""
    session.flush()
    connection = session.connection()
    values = rows(deltas, shard_of(connection.connection.dbapi_connection))
    if not values:
        return
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        connection.exec_driver_sql(_pg_upsert_sql(len(values)),
                                   {f"{k}_m{i}": row[k] for i, row in enumerate(values) for k in _COLUMNS})
    else:
        session.execute(upsert(connection.dialect.name, values))


def compact(session: Session, before: date) -> int:
    """Fold the per-connection rows of days before `before` into shard 0, so that readers sum one row per
    (day, method, status) for all but the last days. One statement on PostgreSQL (a CTE that deletes and
    re-adds); a late writer to such a day just makes a new shard row, folded on the next run. Commits."""
    if session.get_bind().dialect.name != "postgresql":
        return 0  # SQLite writes shard 0 only
    table = MerchantTotal.__table__
    keys = [table.c[k] for k in _KEY if k != "shard"]
    moved = (table.delete().where(table.c.shard != 0, table.c.day < before)
             .returning(*keys, table.c.count, table.c.amount).cte("moved"))
    folded = select(*(moved.c[k.key] for k in keys), literal(0), func.sum(moved.c["count"]),
                    func.sum(moved.c.amount)).group_by(*(moved.c[k.key] for k in keys))
    result = session.execute(upsert("postgresql").from_select(list(_KEY) + ["count", "amount"], folded))
    session.commit()
    return result.rowcount


# ---------- reads ----------

def _sum(session: Session, stmt: Select) -> tuple[int, int]:
    count, amount = session.execute(stmt).one()
    return int(count or 0), int(amount or 0)


def _where(stmt: Select, merchant_id: str, kind: str, **equal: str | None) -> Select:
    stmt = stmt.where(MerchantTotal.merchant_id == merchant_id, MerchantTotal.kind == kind)
    for column, value in equal.items():
        if value is not None:
            stmt = stmt.where(getattr(MerchantTotal, column) == value)
    return stmt


def total(session: Session, merchant_id: str, kind: str, *, method: str | None = None,
          status: str | None = None, since: date | None = None, until: date | None = None) -> tuple[int, int]:
    """(count, amount) of a merchant's objects of a kind, optionally of one method/status, between two UTC
    days (both included)."""
    stmt = _where(select(func.sum(MerchantTotal.count), func.sum(MerchantTotal.amount)), merchant_id, kind,
                  method=method, status=status)
    if since is not None:
        stmt = stmt.where(MerchantTotal.day >= since)
    if until is not None:
        stmt = stmt.where(MerchantTotal.day <= until)
    return _sum(session, stmt)


def whole_days(created_from: datetime | None, created_to: datetime | None) -> tuple[date | None, date | None] | None:
    """The UTC days a from/to range covers when it is made of whole days (from a midnight, to the last
    microsecond of a day, as the dashboard's date filters send): the totals can answer it. Else None."""
    since = until = None
    if created_from is not None:
        start = as_utc(created_from)
        if start.time() != time.min:
            return None
        since = start.date()
    if created_to is not None:
        end = as_utc(created_to)
        if end.time() != time.max:
            return None
        until = end.date()
    return since, until


def by_status(session: Session, merchant_id: str, kind: str) -> dict[str, tuple[int, int]]:
    stmt = _where(select(MerchantTotal.status, func.sum(MerchantTotal.count), func.sum(MerchantTotal.amount)),
                  merchant_id, kind).group_by(MerchantTotal.status)
    return {status: (int(c), int(a)) for status, c, a in session.execute(stmt)}


def by_day(session: Session, merchant_id: str, kind: str, since: date, *,
           status: str | None = None) -> dict[date, tuple[int, int]]:
    stmt = _where(select(MerchantTotal.day, func.sum(MerchantTotal.count), func.sum(MerchantTotal.amount)),
                  merchant_id, kind, status=status).where(MerchantTotal.day >= since).group_by(MerchantTotal.day)
    return {_as_date(d): (int(c), int(a)) for d, c, a in session.execute(stmt)}


def across_merchants(session: Session, kind: str) -> dict[tuple[str, str], tuple[int, int]]:
    """(status, method) -> (count, amount) of a kind over every merchant (what /metrics and the job counts
    report): a sum of O(merchants × days) counter rows, where a GROUP BY over the objects reads them all
    (0.8 s a scrape at a million payments). Emptied buckets are left out, as a count of rows has none."""
    stmt = (select(MerchantTotal.status, MerchantTotal.method, func.sum(MerchantTotal.count),
                   func.sum(MerchantTotal.amount)).where(MerchantTotal.kind == kind)
            .group_by(MerchantTotal.status, MerchantTotal.method))
    return {(status, method): (int(c), int(a)) for status, method, c, a in session.execute(stmt) if c}


def by_status_across_merchants(session: Session, kind: str) -> dict[str, tuple[int, int]]:
    out: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (status, _), (count, amount) in across_merchants(session, kind).items():
        out[status][0] += count
        out[status][1] += amount
    return {status: (c, a) for status, (c, a) in out.items()}


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))

