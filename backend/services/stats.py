"""Dashboard numbers, from the running totals (services/totals.py): O(days) rows, never a scan of payments."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.domain.status import PaymentStatus
from backend.services import totals

DAYS = 14


def merchant_stats(session: Session, merchant_id: str) -> dict:
    statuses = totals.by_status(session, merchant_id, totals.PAYMENT)
    total = sum(count for count, _ in statuses.values())
    successful, amount = statuses.get(PaymentStatus.SUCCESS.value, (0, 0))
    first = totals.day_of(utcnow()) - timedelta(days=DAYS - 1)
    by_day = totals.by_day(session, merchant_id, totals.PAYMENT, first, status=PaymentStatus.SUCCESS.value)
    daily = []
    for i in range(DAYS):
        day = first + timedelta(days=i)
        count, volume = by_day.get(day, (0, 0))
        daily.append({"date": day.isoformat(), "count": count, "amount": volume})
    return {
        "total_transactions": total,
        "successful_transactions": successful,
        "total_amount": amount,
        "success_rate": round(100.0 * successful / total, 2) if total else 0.0,
        "daily": daily,
    }
