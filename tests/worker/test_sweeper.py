"""Several workers' sweepers share the overdue work: each claims a batch nobody else holds, never waits on
another, and with 100,000 deliveries pending one round reads only its batch (the plan is printed)."""
from __future__ import annotations

import json
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, text
from sqlalchemy.orm import Session

from backend.domain.clock import utcnow
from backend.services import merchants, sweeper
from harness.stack import on_postgres

POSTGRES_ONLY = pytest.mark.skipif(not on_postgres(), reason="PostgreSQL only: SQLite has no row locks")


@pytest.fixture
def engine(app):
    from backend.models import db

    with app.app_context():
        yield db.engine


@pytest.fixture
def no_worker(stack):
    """The live worker's own sweeper would lease these rows too: the test is the only sweeper."""
    stack.kill("worker")
    yield
    stack.start_worker()


@pytest.fixture
def overdue_logs(engine, no_worker):
    from backend.models import WebhookLog

    long_ago = utcnow() - timedelta(hours=1)
    ids = [str(uuid.uuid4()) for _ in range(200)]
    with Session(engine) as session:
        session.execute(insert(WebhookLog), [
            {"id": i, "merchant_id": merchants.TEST_MERCHANT_ID, "event": "webhook.test", "payload": {},
             "status": "pending", "attempts": 0, "next_retry_at": long_ago + timedelta(seconds=n),
             "created_at": long_ago}
            for n, i in enumerate(ids)])
        session.commit()
    yield ids
    with Session(engine) as session:
        session.execute(delete(WebhookLog).where(WebhookLog.id.in_(ids)))
        session.commit()


def _claim(session: Session, batch: int) -> list[str]:
    from backend.models import WebhookLog

    now = utcnow()
    return sweeper.claim(session, WebhookLog, WebhookLog.next_retry_at, now - timedelta(seconds=30), now, batch)


def test_concurrent_sweepers_claim_each_row_once(engine, overdue_logs):
    claims: list[list[str]] = []
    start = threading.Barrier(4)

    def sweeper_thread():
        start.wait()
        with Session(engine) as session:
            while True:
                ids = _claim(session, 25)
                session.commit()
                if not ids:
                    return
                claims.append(ids)

    threads = [threading.Thread(target=sweeper_thread) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    claimed = [i for batch in claims for i in batch]
    assert max(len(batch) for batch in claims) <= 25
    assert len(claimed) == len(set(claimed)), "a row was claimed by two sweepers"
    assert set(claimed) == set(overdue_logs)


@POSTGRES_ONLY
def test_a_sweeper_skips_rows_another_holds_without_waiting(engine, overdue_logs):
    first, second = Session(engine), Session(engine)
    try:
        held = _claim(first, 50)  # not committed: its rows stay locked
        # Without SKIP LOCKED the second sweeper would wait for the first; here that is an error.
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        taken = _claim(second, 50)
        assert len(held) == len(taken) == 50 and not set(held) & set(taken)
        first.commit()
        second.commit()
        assert not set(_claim(first, 200)) & (set(held) | set(taken))  # leased: not overdue any more
        first.commit()
    finally:
        first.close()
        second.close()


PENDING = 100_000


def _claim_statement(engine):
    """The sweeper's claim query for deliveries, compiled for this database."""
    from backend.models import WebhookLog

    query = sweeper.claim_query(WebhookLog, WebhookLog.next_retry_at, utcnow() - timedelta(seconds=30))
    return query.compile(dialect=engine.dialect)


def test_one_sweep_round_reads_only_its_batch_of_100000_pending(engine):
    """Inserted and explained in one transaction that is rolled back, so no other test (nor the live
    worker) ever sees the rows."""
    compiled = _claim_statement(engine)
    long_ago = utcnow() - timedelta(days=1)
    with engine.connect() as conn:
        if on_postgres():
            conn.execute(text(
                "INSERT INTO webhook_logs (id, merchant_id, event, payload, status, attempts, next_retry_at,"
                " created_at) SELECT gen_random_uuid()::text, :m, 'webhook.test', '{}', 'pending', 0,"
                " :t + n * interval '1 millisecond', :t FROM generate_series(1, :n) AS n"),
                {"m": merchants.TEST_MERCHANT_ID, "t": long_ago, "n": PENDING})
            conn.execute(text("ANALYZE webhook_logs"))
            plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + str(compiled),
                                        compiled.params).scalar()
            plan = plan if isinstance(plan, list) else json.loads(plan)
            nodes = list(_nodes(plan[0]["Plan"]))
            print("\n" + " -> ".join(f"{n['Node Type']} {n.get('Index Name', '')} rows={n['Actual Rows']} "
                                      f"buffers={n['Shared Hit Blocks'] + n['Shared Read Blocks']}" for n in nodes))
            # One ordered index scan per partition (webhook_logs is partitioned by created_at), merged.
            per_partition = set(conn.execute(text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
                " WHERE i.inhparent = 'ix_webhook_logs_pending_next_retry'::regclass")).scalars())
            scans = [n for n in nodes if "Scan" in n["Node Type"]]
            assert {n["Node Type"] for n in scans} == {"Index Scan"}, nodes
            assert {n["Index Name"] for n in scans} <= per_partition, nodes
            # read its batch (and at most one row ahead in each partition), not the 100,000
            assert sweeper.BATCH <= sum(n["Actual Rows"] for n in scans) <= sweeper.BATCH + len(scans)
            assert not any(n["Node Type"] == "Sort" for n in nodes)
            assert any(n["Node Type"] == "LockRows" for n in nodes)
        else:
            ts = long_ago.strftime("%Y-%m-%d %H:%M:%S.000000")
            conn.execute(text(
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < :n) "
                "INSERT INTO webhook_logs (id, merchant_id, event, payload, status, attempts, next_retry_at,"
                " created_at) SELECT lower(hex(randomblob(16))), :m, 'webhook.test', '{}', 'pending', 0, :t, :t"
                " FROM n"), {"m": merchants.TEST_MERCHANT_ID, "t": ts, "n": PENDING})
            conn.exec_driver_sql("ANALYZE webhook_logs")
            params = tuple(compiled.params[k] for k in compiled.positiontup)
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled), params).all()
            plan = "\n".join(row[-1] for row in rows)
            print("\n" + plan)
            assert "USING INDEX ix_webhook_logs_pending_next_retry" in plan, plan
            assert "SCAN" not in plan.replace("SCAN n", "") and "TEMP B-TREE" not in plan, plan
        conn.rollback()


def _nodes(node):
    yield node
    for child in node.get("Plans", []):
        yield from _nodes(child)
