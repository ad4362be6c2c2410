"""The connection policy of backend/database.py, through the API: order inserts on the autocommit engine,
and pooled connections checked when they have sat idle instead of on every checkout."""
import time

import psycopg
import pytest

from backend import database
from backend.services import merchants
from tests.stack import backend_kind


def test_order_insert_waits_for_no_transaction_of_the_request(client, merchant_headers):
    """An uncached API key is looked up in the request's session; on SQLite that read transaction holds
    the write lock, which the order insert (another connection) must not wait for."""
    merchants._credentials.clear()
    started = time.monotonic()
    r = client.post("/api/v1/orders", json={"amount": 5000, "receipt": "after a key lookup"}, headers=merchant_headers)
    assert r.status_code == 201, r.get_data(as_text=True)
    assert time.monotonic() - started < 5  # not the 30 s busy timeout
    assert client.get(f"/api/v1/orders/{r.get_json()['id']}", headers=merchant_headers).get_json()["receipt"] == \
        "after a key lookup"


@pytest.mark.skipif(backend_kind() != "postgres", reason="PostgreSQL only: SQLite has no server to cut connections")
def test_connections_cut_by_the_database_are_replaced(client, merchant_headers, stores):
    """After a database restart (here: every connection of the app's database terminated), an idle pooled
    connection is pinged at checkout and replaced, so the next requests succeed on both engines."""
    order = client.post("/api/v1/orders", json={"amount": 5000}, headers=merchant_headers).get_json()
    assert client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "a@upi"},
                       headers=merchant_headers).status_code == 201  # both pools now hold connections
    with psycopg.connect(stores.env["DATABASE_URL"].replace("+psycopg", ""), autocommit=True) as admin:
        cut = admin.execute("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE datname = current_database() AND pid <> pg_backend_pid()").fetchone()[0]
    assert cut >= 2
    time.sleep(database.ALIVE_BYPASS_SECONDS + 0.2)

    second = client.post("/api/v1/orders", json={"amount": 6000}, headers=merchant_headers)  # autocommit engine
    assert second.status_code == 201, second.get_data(as_text=True)
    fetched = client.get(f"/api/v1/orders/{second.get_json()['id']}", headers=merchant_headers)  # default engine
    assert fetched.status_code == 200 and fetched.get_json()["amount"] == 6000
    payment = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "upi", "vpa": "b@upi"},
                          headers=merchant_headers)
    assert payment.status_code == 201, payment.get_data(as_text=True)
