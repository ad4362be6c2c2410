"""The exactness check of the running totals: every figure compared with a full aggregate over the rows.

Used after random API traffic (tests/worker/test_totals.py) and after the bulk loader (tests/api/test_loader.py).
"""
from __future__ import annotations

from sqlalchemy import create_engine, text


def engine_for(database_url: str):
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
        return create_engine(database_url, connect_args={"options": "-c timezone=UTC"})
    return create_engine(database_url)


_AGGREGATES = {  # kind: the full aggregate over its rows, keyed like merchant_totals
    "payment": "SELECT {day}, method, status, count(*), sum(amount) FROM payments "
               "WHERE merchant_id = :m GROUP BY 1, 2, 3",
    "refund": "SELECT {day}, '', status, count(*), sum(amount) FROM refunds "
              "WHERE merchant_id = :m GROUP BY 1, 2, 3",
    "order": "SELECT {day}, '', '', count(*), sum(amount) FROM orders WHERE merchant_id = :m GROUP BY 1",
}
# The UTC day, written into the query: behind PgBouncer the session's zone is the server's (the pgbouncer
# suite's is UTC+14), whatever the connection asked for. SQLite stores UTC text.
_UTC_DAY = {"postgresql": "(created_at AT TIME ZONE 'UTC')::date", "sqlite": "date(created_at)"}


def _rows(conn, sql: str, merchant_id: str) -> dict:
    return {(str(d), m, s): (int(c), int(a)) for d, m, s, c, a in conn.execute(text(sql), {"m": merchant_id})}


def running_totals(conn, merchant_id: str, kind: str) -> dict:
    found = _rows(conn, "SELECT day, method, status, sum(count), sum(amount) FROM merchant_totals "
                        f"WHERE merchant_id = :m AND kind = '{kind}' GROUP BY 1, 2, 3", merchant_id)
    return {k: v for k, v in found.items() if v != (0, 0)}  # a bucket emptied by moves stays as zeros


def assert_totals_exact(database_url: str, merchant_id: str) -> dict:
    """Every (day, method, status) bucket of every kind equals the aggregate; returns the aggregates."""
    engine = engine_for(database_url)
    try:
        with engine.connect() as conn:
            aggregates = {}
            for kind, sql in _AGGREGATES.items():
                expected = _rows(conn, sql.format(day=_UTC_DAY[conn.dialect.name]), merchant_id)
                assert running_totals(conn, merchant_id, kind) == expected, kind
                aggregates[kind] = expected
            return aggregates
    finally:
        engine.dispose()


def expected_stats(aggregates: dict) -> dict:
    payments = aggregates["payment"]
    total = sum(c for c, _ in payments.values())
    successful = sum(c for (_, _, s), (c, _) in payments.items() if s == "success")
    amount = sum(a for (_, _, s), (_, a) in payments.items() if s == "success")
    return {"total_transactions": total, "successful_transactions": successful, "total_amount": amount,
            "success_rate": round(100.0 * successful / total, 2) if total else 0.0}
