"""Helpers every service uses: locked reads, unique ids, bounded pages."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, scoped_session

from backend.domain.clock import utcnow
from backend.domain.errors import not_found
from backend.domain.ids import new_id
from backend.services import jobs

T = TypeVar("T")


def unique_id(session: Session, model: type, prefix: str) -> str:
    """A fresh public id; on the astronomically rare collision, draw again."""
    while True:
        candidate = new_id(prefix)
        if session.get(model, candidate) is None:
            return candidate


def commit_if_open(session: Session) -> None:
    """Commit the session's transaction when one is open; cheap when none is (commit() would start one)."""
    if isinstance(session, scoped_session):
        if not session.registry.has():  # this thread has no session yet: nothing to commit, none to create
            return
        session = session.registry()
    if session.in_transaction():
        session.commit()


def get_for_update(session: Session, model: type[T], **where: Any) -> T | None:
    """SELECT ... FOR UPDATE on PostgreSQL; on SQLite every write transaction is already exclusive.

    populate_existing: an object read earlier in this session (unlocked) must take the locked row's values,
    or two duplicate jobs would both act on a stale `pending`.
    """
    stmt = select(model).filter_by(**where).with_for_update().execution_options(populate_existing=True)
    return session.execute(stmt).scalar_one_or_none()


def owned(session: Session, model: type[T], object_id: str, merchant_id: str | None, what: str,
          lock: bool = False) -> T:
    """The merchant's object, optionally row-locked; another merchant's id is exactly as unknown as a
    made-up one (404). merchant_id None is the public checkout: any merchant's object."""
    found = get_for_update(session, model, id=object_id) if lock else session.get(model, object_id)
    if found is None or (merchant_id is not None and found.merchant_id != merchant_id):
        session.rollback()
        raise not_found(what)
    return found


def lock_due(session: Session, model: type, object_id: str, parent: tuple[type, str],
             kind: str) -> tuple[Any, Any] | str:
    """For a job: lock the parent row, then the object (one lock order everywhere: order -> payment ->
    refund). Returns (parent, object) when the object is pending and due; otherwise "skipped" (gone or
    moved on) or "rescheduled" (the job came early and put itself back for the due time)."""
    found = session.get(model, object_id)
    if found is None:
        session.rollback()
        return "skipped"
    parent_model, parent_key = parent
    parent_row = get_for_update(session, parent_model, id=getattr(found, parent_key))
    row = get_for_update(session, model, id=object_id)
    if row.status != "pending":
        session.rollback()
        return "skipped"
    if jobs.reschedule_if_early(session, kind, object_id, row.ready_at, utcnow()):
        return "rescheduled"
    return parent_row, row


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def paginate(session: Session, stmt: Select, limit: int, offset: int, *order_by: Any) -> Page:
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    items = list(session.execute(stmt.order_by(*order_by).limit(limit).offset(offset)).scalars())
    return Page(items, total, limit, offset)
