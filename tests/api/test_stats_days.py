"""The dashboard's daily series buckets payments by UTC day whatever the database session's time zone
(behind PgBouncer the app cannot set it at start-up; the pgbouncer suite's server defaults to UTC+14).

The series comes from the running totals (backend/services/totals.py), whose day is the UTC date of the
object's creation: payments made half an hour either side of UTC midnight, counted and read through a
session in UTC+14, land on their two UTC days."""
from datetime import datetime, time, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from backend import database
from backend.domain.clock import utcnow
from backend.services import stats, totals
from harness.stack import on_postgres

FAR_EAST = "Pacific/Kiritimati"  # UTC+14: 23:30 UTC yesterday is already today there


def test_daily_series_counts_utc_days_in_any_session_zone(client, app, other_merchant):
    today = utcnow().date()
    midnight = datetime.combine(today, time.min, tzinfo=timezone.utc)
    merchant_id = client.get("/api/v1/merchant", headers=other_merchant).get_json()["id"]
    expected = {(today - timedelta(days=1)).isoformat(): 1, today.isoformat(): 1}

    def counts(body):
        return {d["date"]: d["count"] for d in body["daily"] if d["count"]}

    config = app.runtime.config
    engine = None
    if on_postgres():  # PgBouncer ignores the option; its suite's server defaults to the far east anyway
        engine = create_engine(config.database_url,
                               connect_args={**database.connect_args(config), "options": f"-c timezone={FAR_EAST}"})
    with app.app_context():
        from backend.models import db

        with Session(engine or db.engine) as session:
            for when in (midnight - timedelta(minutes=30), midnight + timedelta(minutes=30)):
                paid = SimpleNamespace(merchant_id=merchant_id, created_at=when, amount=10000, status="success")
                totals.bump(session, [totals.created(totals.PAYMENT, paid, "upi")])  # as payments.py does
            session.commit()
            assert counts(stats.merchant_stats(session, merchant_id)) == expected
    if engine is not None:
        engine.dispose()
    assert counts(client.get("/api/v1/stats", headers=other_merchant).get_json()) == expected
