"""Dashboard numbers: one aggregate query each, never rows loaded into Python (DESIGN rule 9)."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.models import Payment

DAYS = 14


def merchant_stats(session: Session, merchant_id: str) -> dict:
    success = Payment.status == "success"
    total, successful, amount = session.execute(
        select(func.count(), func.coalesce(func.sum(case((success, 1), else_=0)), 0),
               func.coalesce(func.sum(case((success, Payment.amount), else_=0)), 0))
        .where(Payment.merchant_id == merchant_id)).one()
    today = utcnow().date()
    first = today - timedelta(days=DAYS - 1)
    day = func.date(Payment.created_at)
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


