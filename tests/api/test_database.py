"""The connection policy of backend/database.py, through the API: order inserts on the autocommit engine,
and pooled connections checked when they have sat idle instead of on every checkout."""
import time

import psycopg
import pytest

from backend import database
from backend.services import merchants
from harness.stack import backend_kind


def test_order_insert_waits_for_no_transaction_of_the_request(app, client, merchant_headers):
    """An uncached API key is looked up in the request's session; on SQLite that read transaction holds
    the write lock, which the order insert (another connection) must not wait for."""
    app.runtime.credentials.drop()
    started = time.monotonic()
    r = client.post("/api/v1/orders", json={"amount": 5000, "receipt": "after a key lookup"}, headers=merchant_headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    assert time.monotonic() - started < 5  # not the 30 s busy timeout
    assert client.get(f"/api/v1/orders/{r.get_json()['id']}", headers=merchant_headers).get_json()["receipt"] == \
        "after a key lookup"


POSTGRES_ONLY = pytest.mark.skipif(
    backend_kind() != "postgres",
    reason="direct PostgreSQL only: SQLite has no server and no liveness checks, and behind PgBouncer the "
           "server connections these tests cut and count are PgBouncer's")


def _order(client, headers, amount=5000):
    r = client.post("/api/v1/orders", json={"amount": amount}, headers=headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


@POSTGRES_ONLY
def test_connections_cut_by_the_database_are_replaced_at_once(client, merchant_headers, stores):
    """After a database restart (here: every connection of the app's database terminated), the pooled
    connections are dead even though they were used a moment ago; the next requests still succeed, on
    both engines, with no idle time in between."""
    order = _order(client, merchant_headers)
    assert client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "a@upi"},
                       headers=merchant_headers).status_code == 201  # both pools now hold connections
    with psycopg.connect(stores.env["DATABASE_URL"].replace("+psycopg", ""), autocommit=True) as admin:
        cut = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
        deadline = time.monotonic() + 5
        while admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND pid <> pg_backend_pid()").fetchone()[0] and time.monotonic() < deadline:
            time.sleep(0.01)
    assert cut >= 2

    second = _order(client, merchant_headers, 6000)  # autocommit engine
    fetched = client.get(f"/api/v1/orders/{second['id']}", headers=merchant_headers)  # default engine
    assert fetched.status_code == 200 and fetched.get_json()["amount"] == 6000
    payment = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "b@upi"},
                          headers=merchant_headers)
    assert payment.status_code == 201, payment.get_data(as_text=True)


@POSTGRES_ONLY
def test_only_idle_connections_are_pinged(client, merchant_headers, app, monkeypatch):
    from backend.models import db

    with app.app_context():
        engine = db.engines[database.AUTOCOMMIT_BIND]
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    _order(client, merchant_headers)
    pings.clear()
    for _ in range(5):
        _order(client, merchant_headers)  # back to back: no round trip spent on pings
    assert pings == []
    time.sleep(database.ALIVE_BYPASS_SECONDS + 0.1)
    _order(client, merchant_headers)
    assert pings == [1]


def test_an_order_made_through_a_plain_session_is_kept(app, client, merchant_headers):
    """A script's session, on an engine with no autocommit partner, gets autocommit by execution option; on
    SQLite its BEGIN IMMEDIATE listener still opens a transaction, which the insert must commit."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from backend.services import orders

    config = app.runtime.config
    engine = create_engine(config.database_url, **database.engine_options(config))
    database.prepare(engine, config)
    try:
        with Session(engine) as session:
            row = orders.create_order(session, merchants.TEST_MERCHANT_ID, 5000, receipt="from a script")
    finally:
        engine.dispose()
    fetched = client.get(f"/api/v1/orders/{row.id}", headers=merchant_headers)
    assert fetched.status_code == 200 and fetched.get_json()["receipt"] == "from a script"
