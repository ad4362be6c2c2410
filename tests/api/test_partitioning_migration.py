"""On a database of its own: the migration to time partitioning (PostgreSQL) converts a database that already
has webhook logs, idempotency keys and events, old and new, into partitioned tables holding every row, with the
app's look-ups working on them; the downgrade gives the plain tables back. SQLite is left unpartitioned."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from backend.domain.clock import utcnow
from tests.api.test_secrets_migration import _flask, old_database  # noqa: F401 (a fixture)
from harness.stack import on_postgres

BEFORE = "flat_running_totals"
MERCHANT = "550e8400-e29b-41d4-a716-446655440000"
AGES_DAYS = [0, 0.5, 3, 40, 120, 200]  # older than any retention too: the migration loses nothing


def _partitioned(conn, table: str) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    return conn.execute(sa.text("SELECT relkind = 'p' FROM pg_class WHERE relname = :t"), {"t": table}).scalar()


def test_upgrade_partitions_tables_with_rows_in_them_and_downgrade_restores_them(old_database):
    from backend.config import normalize_database_url

    stores, env = old_database
    _flask(env, "db", "downgrade", BEFORE)
    engine = sa.create_engine(normalize_database_url(env["DATABASE_URL"]))
    now = utcnow()
    logs = {f"00000000-0000-4000-8000-{i:012d}": now - timedelta(days=age) for i, age in enumerate(AGES_DAYS)}
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO merchants (id, name, email, api_key, api_secret_hash, api_secret_encrypted, is_active,"
            " created_at, updated_at) VALUES (:m, 'Shop', 'old@shop.test', 'key_old', 'h', 'e', true, :t, :t)"),
            {"m": MERCHANT, "t": now})
        for log_id, at in logs.items():
            conn.execute(sa.text(
                "INSERT INTO webhook_logs (id, merchant_id, event, payload, status, attempts, created_at)"
                " VALUES (:id, :m, 'payment.success', '{}', 'success', 1, :t)"), {"id": log_id, "m": MERCHANT, "t": at})
        for age in AGES_DAYS[:3]:
            at = now - timedelta(days=age)
            conn.execute(sa.text(
                "INSERT INTO idempotency_keys (key, merchant_id, request_hash, created_at, expires_at)"
                " VALUES (:k, :m, 'h', :t, :e)"), {"k": f"k{age}", "m": MERCHANT, "t": at, "e": at + timedelta(days=1)})
    _flask(env, "db", "upgrade")
    with engine.connect() as conn:
        assert _partitioned(conn, "webhook_logs") == _partitioned(conn, "idempotency_keys") == on_postgres()
        kept = set(conn.execute(sa.text("SELECT id FROM webhook_logs")).scalars())
        keys = set(conn.execute(sa.text("SELECT key FROM idempotency_keys")).scalars())
        # an old (version-4) id still finds its row, through every partition
        found = conn.execute(sa.text("SELECT count(*) FROM webhook_logs WHERE id = :id"),
                             {"id": next(iter(logs))}).scalar()
    assert kept == set(logs) and keys == {"k0", "k0.5", "k3"} and found == 1
    _flask(env, "db", "downgrade", BEFORE)
    with engine.connect() as conn:
        assert not _partitioned(conn, "webhook_logs") and not _partitioned(conn, "idempotency_keys")
        assert set(conn.execute(sa.text("SELECT id FROM webhook_logs")).scalars()) == set(logs)
        assert conn.execute(sa.text("SELECT count(*) FROM idempotency_keys")).scalar() == 3
    _flask(env, "db", "upgrade")
    engine.dispose()


def test_events_upgrade_partitions_them_with_their_rows_and_downgrade_restores_them(old_database):
    from backend.config import normalize_database_url
    from backend.domain.ids import EVENT, new_time_ordered_id
    from backend.models import Event
    from backend.services import retention

    stores, env = old_database
    _flask(env, "db", "downgrade", "events_and_endpoints")
    engine = sa.create_engine(normalize_database_url(env["DATABASE_URL"]))
    now = utcnow()
    made = {}
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO merchants (id, name, email, api_key, api_secret_hash, api_secret_encrypted, is_active,"
            " created_at, updated_at) VALUES (:m, 'Shop', 'old@shop.test', 'key_old', 'h', 'e', true, :t, :t)"),
            {"m": MERCHANT, "t": now})
        for age in AGES_DAYS:
            at = now - timedelta(days=age)
            made[new_time_ordered_id(EVENT, int(at.timestamp() * 1000))] = at
        for event_id, at in made.items():
            conn.execute(sa.text("INSERT INTO events (id, merchant_id, type, payload, created_at)"
                                 " VALUES (:id, :m, 'payment.created', '{}', :t)"), {"id": event_id, "m": MERCHANT, "t": at})
    _flask(env, "db", "upgrade")
    with engine.connect() as conn:
        assert _partitioned(conn, "events") == on_postgres()
        assert set(conn.execute(sa.text("SELECT id FROM events")).scalars()) == set(made)
        # each row is found by id within the millisecond its id carries (on PostgreSQL: its partition only)
        for event_id in made:
            where = sa.and_(*retention.by_id(Event, event_id))
            assert conn.execute(sa.select(sa.func.count()).select_from(Event).where(where)).scalar() == 1
    _flask(env, "db", "downgrade", "events_and_endpoints")
    with engine.connect() as conn:
        assert not _partitioned(conn, "events")
        assert set(conn.execute(sa.text("SELECT id FROM events")).scalars()) == set(made)
    _flask(env, "db", "upgrade")
    engine.dispose()
