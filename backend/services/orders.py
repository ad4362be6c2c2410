"""Orders: create, read, list."""
from __future__ import annotations

import json
from contextlib import nullcontext
from typing import Any

from sqlalchemy import bindparam, insert, select
from sqlalchemy.orm import Session

from backend import database
from backend.domain import ids
from backend.domain.clock import utcnow
from backend.domain.status import OrderStatus
from backend.models import Order
from backend.services import idempotency, totals
from backend.services.common import (Page, PageRequest, commit_if_open, loaded, paginate, read_owned,
                                     with_fresh_id)

_ORDER_COLUMNS = ("id", "merchant_id", "amount", "currency", "receipt", "notes", "status", "created_at",
                  "updated_at")
_INSERT_ORDER = insert(Order).values({c: bindparam(c) for c in _ORDER_COLUMNS})
_TOTAL_COLUMNS = ("merchant_id", "kind", "day", "method", "status", "shard", "count", "amount")


def _counted_insert() -> database.Statement:
    """PostgreSQL: the order insert and its running total in ONE statement (a data-modifying CTE), so the
    create stays a single autocommit round trip and the counter row is locked for that statement only.
    Compiled once to the driver's SQL (database.Statement): per request, SQLAlchemy would otherwise rebuild
    the cache key of this larger statement (measured: most of the counter's cost on the hot path)."""
    inserted = _INSERT_ORDER.returning(Order.merchant_id).cte("inserted")
    counted = select(inserted.c.merchant_id, *(bindparam(f"t_{c}") for c in _TOTAL_COLUMNS[1:]))
    return database.Statement(totals.upsert("postgresql").from_select(list(_TOTAL_COLUMNS), counted))


_PG_INSERT = _counted_insert()


def create_order(session: Session, merchant_id: str, amount: int, currency: str = "INR",
                 receipt: str | None = None, notes: dict[str, Any] | None = None) -> Order:
    """The new order, as written: a row like every service returns, not attached to the session.

    A single-statement write (ARCHITECTURE.md, Performance): the unit of work is skipped, the hot path's
    largest cost (bench/). On PostgreSQL the row
    and its running total go out as one autocommit statement (one round trip, not BEGIN/INSERT/COMMIT) on
    the DBAPI connection (database.Raw); on
    SQLite, where a CTE cannot insert, as one BEGIN IMMEDIATE transaction of two statements on the local
    file. A collision of ids is common.with_fresh_id's to handle. Like every service that writes, it
    commits the session first: the caller must not leave uncommitted work in it."""
    commit_if_open(session)  # a transaction left open (on SQLite) would hold the write lock this insert needs
    # A request with an Idempotency-Key must mark its key in the effect's own transaction (so a process
    # killed before storing the answer leaves a key that a retry rebuilds, never a second order): its
    # insert joins the session's transaction, whose commit marks the key; three round trips, not one.
    keyed = idempotency.holds(session)
    engine = database.autocommit(session)

    def row(order_id: str) -> dict[str, Any]:
        now = utcnow()
        return {"id": order_id, "merchant_id": merchant_id, "amount": amount, "currency": currency,
                "receipt": receipt, "notes": notes or {}, "status": OrderStatus.CREATED.value, "created_at": now,
                "updated_at": now}

    def counter(values: dict[str, Any], dbapi_connection: Any) -> dict[str, Any]:
        [found] = totals.rows([totals.Delta(merchant_id, totals.ORDER, values["created_at"], amount=amount)],
                              totals.shard_of(dbapi_connection))
        return found

    def pg_params(values: dict[str, Any], dbapi_connection: Any) -> dict[str, Any]:
        return {**values, "notes": json.dumps(values["notes"]),
                **{f"t_{k}": v for k, v in counter(values, dbapi_connection).items()}}

    if engine.dialect.name == "postgresql" and not keyed:
        with database.Raw(engine) as raw:
            def insert_raw(order_id: str) -> Order:
                values = row(order_id)
                _PG_INSERT.one(raw, pg_params(values, raw.dbapi_connection))
                return loaded(Order, values)

            return with_fresh_id(ids.ORDER, insert_raw)  # autocommit: a refused insert left nothing to undo

    with (nullcontext(session.connection()) if keyed else engine.connect()) as conn:
        postgres = conn.dialect.name == "postgresql"

        def insert(order_id: str) -> Order:
            values = row(order_id)
            dbapi_connection = conn.connection.dbapi_connection
            if postgres:
                conn.exec_driver_sql(_PG_INSERT.compiled(conn.dialect)[0], pg_params(values, dbapi_connection))
            else:
                _sqlite_transaction(conn, values, counter(values, dbapi_connection))
            if keyed:
                idempotency.note_written(session, Order.__tablename__, order_id)
                session.commit()
            else:
                conn.commit()  # nothing to send in autocommit; needed if the engine opened a transaction
            return loaded(Order, values)

        return with_fresh_id(ids.ORDER, insert, undo=session.rollback if keyed else conn.rollback)


def _sqlite_transaction(conn, values: dict[str, Any], counter: dict[str, Any]) -> None:
    # On a script's engine (no autocommit partner) this begin() sends its listener's BEGIN IMMEDIATE, and
    # the caller's commit() ends it; on the autocommit engine it sends nothing and we begin ourselves.
    if not conn.in_transaction():
        conn.begin()
    own = not conn.connection.dbapi_connection.in_transaction
    if own:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    try:
        conn.execute(_INSERT_ORDER, values)
        conn.execute(totals.upsert("sqlite", [counter]))
    except BaseException:
        if own:
            conn.exec_driver_sql("ROLLBACK")
        raise
    if own:
        conn.exec_driver_sql("COMMIT")


def get_order(session: Session, merchant_id: str | None, order_id: str) -> Order:
    """The merchant's order; another merchant's id is as unknown as a made-up one."""
    return read_owned(session, Order, order_id, merchant_id, "Order")


def list_orders(session: Session, merchant_id: str, page: PageRequest) -> Page[Order]:
    stmt = select(Order).where(Order.merchant_id == merchant_id)
    return paginate(session, Order, stmt, merchant_id, page,
                    total=lambda: totals.total(session, merchant_id, totals.ORDER)[0])
