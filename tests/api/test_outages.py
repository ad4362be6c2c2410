"""A database the API cannot reach is a 503 SERVICE_UNAVAILABLE with Retry-After, logged once, not a 500.

An embedded SQLite file cannot be "unreachable" the way a server can; what does happen to it is the volume
holding it going away (unmounted, the folder deleted): then every new connection fails to open the file.
That is what this test does, then brings the file back. On PostgreSQL it points at a port where nothing
listens (a stopped server; tests/worker/test_outages.py stops and restarts a real cluster of its own).
"""
from __future__ import annotations

import logging
import sqlite3
from dataclasses import replace

from harness.stack import free_port


def _unreachable_app(app, tmp_path, stores):
    from backend import create_app

    if stores.kind in ("postgres", "pgbouncer"):
        url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/paygate"
    else:
        url = f"sqlite:///{tmp_path / 'volume' / 'paygate.db'}"  # the folder does not exist
    return create_app(replace(app.runtime.config, database_url=url), seed=False, configure_logging=False)


def test_unreachable_database_is_503_with_retry_after_and_one_warning(app, stores, tmp_path, caplog,
                                                                        merchant_headers):
    from backend.services import outages

    assert not outages.DATABASE.ongoing
    client = _unreachable_app(app, tmp_path, stores).test_client()
    with caplog.at_level(logging.WARNING):
        for _ in range(3):
            for r in (client.get("/api/v1/orders", headers=merchant_headers),
                      client.post("/api/v1/orders", json={"amount": 50000}, headers=merchant_headers),
                      client.get("/api/v1/orders/order_0123456789abcdef/public"),
                      client.get("/api/v1/test/jobs/status")):
                assert r.status_code == 503, r.get_data(as_text=True)
                assert r.get_json()["error"]["code"] == "SERVICE_UNAVAILABLE"
                assert set(r.get_json()) == {"error"} and set(r.get_json()["error"]) == {"code", "description"}
                assert int(r.headers["Retry-After"]) > 0 and r.mimetype == "application/json"
        health = client.get("/health")
        assert health.status_code == 503 and int(health.headers["Retry-After"]) > 0
        assert set(health.get_json()) == {"status", "database", "redis", "worker", "timestamp"}
        assert health.get_json()["database"] == "disconnected" and health.get_json()["status"] == "unhealthy"
        if stores.kind not in ("postgres", "pgbouncer"):
            # The volume comes back, holding the database.
            (tmp_path / "volume").mkdir()
            source = sqlite3.connect(stores.env["DATABASE_URL"].removeprefix("sqlite:///"))
            with sqlite3.connect(tmp_path / "volume" / "paygate.db") as copy:
                source.backup(copy)
            source.close()
            assert client.get("/api/v1/orders", headers=merchant_headers).status_code == 200
            assert client.get("/health").get_json()["database"] == "connected"
    outage_lines = [r for r in caplog.records if r.name == "paygate.outage"]
    assert [r.levelname for r in outage_lines if "database unreachable" in r.getMessage()] == ["WARNING"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    if stores.kind not in ("postgres", "pgbouncer"):
        assert [r.getMessage() for r in outage_lines][-1].startswith("database reachable again after")
        assert not outages.DATABASE.ongoing
    else:
        outages.DATABASE.up()  # this process's tracker, for the tests that follow
