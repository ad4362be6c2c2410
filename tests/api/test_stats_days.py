"""The dashboard's daily series buckets payments by UTC day whatever the database session's time zone
(behind PgBouncer the app cannot set it at start-up; the pgbouncer suite's server defaults to UTC+14)."""
from datetime import datetime, time, timedelta, timezone

from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from backend import database
from backend.domain.clock import utcnow
from backend.services import stats
from tests.stack import on_postgres

FAR_EAST = "Pacific/Kiritimati"  # UTC+14: 23:30 UTC yesterday is already today there


def _paid_at(client, app, headers, when: datetime) -> None:
    from backend.models import Payment, db

    order = client.post("/api/v1/orders", json={"amount": 10000}, headers=headers).get_json()
    payment = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "a@upi"},
                          headers=headers).get_json()
    with app.app_context():
        db.session.execute(update(Payment).where(Payment.id == payment["id"])
                           .values(status="success", created_at=when))
        db.session.commit()


def test_daily_series_counts_utc_days_in_any_session_zone(client, app, other_merchant):
    today = utcnow().date()
    midnight = datetime.combine(today, time.min, tzinfo=timezone.utc)
    _paid_at(client, app, other_merchant, midnight - timedelta(minutes=30))
    _paid_at(client, app, other_merchant, midnight + timedelta(minutes=30))
    expected = {(today - timedelta(days=1)).isoformat(): 1, today.isoformat(): 1}

    def counts(body):
        return {d["date"]: d["count"] for d in body["daily"] if d["count"]}

    assert counts(client.get("/api/v1/stats", headers=other_merchant).get_json()) == expected

    merchant_id = client.get("/api/v1/merchant", headers=other_merchant).get_json()["id"]
    config = app.extensions["paygate.config"]
    engine = None
    if on_postgres():  # PgBouncer ignores the option; its suite's server defaults to the far east anyway
        engine = create_engine(config.database_url,
                               connect_args={**database.connect_args(config), "options": f"-c timezone={FAR_EAST}"})
    with app.app_context():
        from backend.models import db

        with Session(engine or db.engine) as session:
            assert counts(stats.merchant_stats(session, merchant_id)) == expected
    if engine is not None:
        engine.dispose()
