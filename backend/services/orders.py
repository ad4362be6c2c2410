"""Orders: create, read, list."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.domain import ids
from backend.domain.clock import utcnow
from backend.domain.status import OrderStatus
from backend.models import Order
from backend.services.common import Page, owned, paginate


def create_order(session: Session, merchant_id: str, amount: int, currency: str = "INR",
                 receipt: str | None = None, notes: dict[str, Any] | None = None) -> Order:
    # The primary key catches the (95-bit) collision: draw a new id and insert again, no lookup first.
    for attempt in range(3):
        now = utcnow()
        order = Order(id=ids.new_id(ids.ORDER), merchant_id=merchant_id, amount=amount, currency=currency,
                      receipt=receipt, notes=notes or {}, status=OrderStatus.CREATED.value,
                      created_at=now, updated_at=now)
        session.add(order)
        try:
            session.commit()
            return order
        except IntegrityError:
            session.rollback()
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def get_order(session: Session, merchant_id: str | None, order_id: str) -> Order:
    """The merchant's order; another merchant's id is as unknown as a made-up one."""
    return owned(session, Order, order_id, merchant_id, "Order")


def list_orders(session: Session, merchant_id: str, limit: int, offset: int) -> Page[Order]:
    stmt = select(Order).where(Order.merchant_id == merchant_id)
    return paginate(session, stmt, limit, offset, Order.created_at.desc(), Order.id.desc())
