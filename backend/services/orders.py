"""Orders: create, read, list."""
from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend import database
from backend.domain import ids
from backend.domain.clock import utcnow
from backend.domain.status import OrderStatus
from backend.models import Order
from backend.services.common import Page, commit_if_open, owned, paginate

_INSERT_ORDER = insert(Order)


def create_order(session: Session, merchant_id: str, amount: int, currency: str = "INR",
                 receipt: str | None = None, notes: dict[str, Any] | None = None) -> dict[str, Any]:
    """The new order's row as written (column name -> value).

    One row written by one statement needs no transaction: it goes out in autocommit (one round trip,
    not BEGIN/INSERT/COMMIT) and skips the unit of work and the ORM object, the hot path's largest costs
    (bench/). The primary key catches the (95-bit) id collision: draw again. Like every service that
    writes, it commits the session first: the caller must not leave uncommitted work in it."""
    commit_if_open(session)  # a transaction left open (on SQLite) would hold the write lock this insert needs
    with database.autocommit(session).connect() as conn:
        for attempt in range(3):
            now = utcnow()
            values = {"id": ids.new_id(ids.ORDER), "merchant_id": merchant_id, "amount": amount,
                      "currency": currency, "receipt": receipt, "notes": notes or {},
                      "status": OrderStatus.CREATED.value, "created_at": now, "updated_at": now}
            try:
                conn.execute(_INSERT_ORDER, values)
                conn.commit()  # nothing to send in autocommit; needed if the engine opened a transaction
            except IntegrityError:
                conn.rollback()
                if attempt == 2:
                    raise
                continue
            return values
    raise AssertionError("unreachable")


def get_order(session: Session, merchant_id: str | None, order_id: str) -> Order:
    """The merchant's order; another merchant's id is as unknown as a made-up one."""
    return owned(session, Order, order_id, merchant_id, "Order")


def list_orders(session: Session, merchant_id: str, limit: int, offset: int) -> Page[Order]:
    stmt = select(Order).where(Order.merchant_id == merchant_id)
    return paginate(session, stmt, limit, offset, Order.created_at.desc(), Order.id.desc())
