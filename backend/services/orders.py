"""Orders: create, read, list."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.domain import ids
from backend.domain.clock import utcnow
from backend.domain.errors import not_found
from backend.domain.status import OrderStatus
from backend.models import Merchant, Order
from backend.services.common import Page, paginate, unique_id


def create_order(session: Session, merchant: Merchant, amount: int, currency: str = "INR",
                 receipt: str | None = None, notes: dict[str, Any] | None = None) -> Order:
    now = utcnow()
    order = Order(id=unique_id(session, Order, ids.ORDER), merchant_id=merchant.id, amount=amount,
                  currency=currency, receipt=receipt, notes=notes or {}, status=OrderStatus.CREATED.value,
                  created_at=now, updated_at=now)
    session.add(order)
    session.commit()
    return order


def get_order(session: Session, merchant_id: str | None, order_id: str) -> Order:
    """The merchant's order; another merchant's id is as unknown as a made-up one."""
    order = session.get(Order, order_id)
    if order is None or (merchant_id is not None and order.merchant_id != merchant_id):
        raise not_found("Order")
    return order


def list_orders(session: Session, merchant_id: str, limit: int, offset: int) -> Page[Order]:
    stmt = select(Order).where(Order.merchant_id == merchant_id)
    return paginate(session, stmt, limit, offset, Order.created_at.desc(), Order.id.desc())
