"""Dashboard numbers: one aggregate query each, never rows loaded into Python (DESIGN rule 9)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import Date, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import GenericFunction

from backend.domain.clock import utcnow
from backend.models import Payment

DAYS = 14


class utc_date(GenericFunction):
    """The UTC calendar day of a timestamp. PostgreSQL's date() of a timestamptz uses the session's time
    zone, which a pooler may not set (PgBouncer drops start-up options) and a server may default to
    anything: so the zone is written into the query. SQLite stores UTC text, whose date() is already UTC."""
    type = Date()
    inherit_cache = True


@compiles(utc_date, "postgresql")
def _utc_date_postgresql(element, compiler, **kw):
    return f"date(timezone('UTC', {compiler.process(element.clauses, **kw)}))"


@compiles(utc_date)
def _utc_date_default(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


def merchant_stats(session: Session, merchant_id: str) -> dict:
    success = Payment.status == "success"
    total, successful, amount = session.execute(
        select(func.count(), func.coalesce(func.sum(case((success, 1), else_=0)), 0),
               func.coalesce(func.sum(case((success, Payment.amount), else_=0)), 0))
        .where(Payment.merchant_id == merchant_id)).one()
    today = utcnow().date()
    first = today - timedelta(days=DAYS - 1)
    day = utc_date(Payment.created_at)
    rows = session.execute(
        select(day, func.count(), func.coalesce(func.sum(Payment.amount), 0))
        .where(Payment.merchant_id == merchant_id, success,
               Payment.created_at >= datetime.combine(first, time.min, tzinfo=timezone.utc))
        .group_by(day)).all()
    by_day = {str(d): (int(c), int(a)) for d, c, a in rows}
    daily = []
    for i in range(DAYS):
        d = (first + timedelta(days=i)).isoformat()
        count, volume = by_day.get(d, (0, 0))
        daily.append({"date": d, "count": count, "amount": volume})
    return {
        "total_transactions": int(total),
        "successful_transactions": int(successful),
        "total_amount": int(amount),
        "success_rate": round(100.0 * int(successful) / int(total), 2) if total else 0.0,
        "daily": daily,
    }


