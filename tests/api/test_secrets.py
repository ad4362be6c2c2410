"""Secrets at rest, dashboard session tokens, rolling the API secret, and authentication that costs no query
(on both backends: the statements are counted on the real engine)."""
from __future__ import annotations

import dataclasses
import secrets
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, text, update

from harness.stack import TEST_SECRET

TEST_WEBHOOK_SECRET = "whsec_test_abc123"


def _signup(client) -> dict:
    email = f"s{secrets.token_hex(4)}@secrets.test"
    r = client.post("/api/v1/auth/signup", json={"name": "Vault Shop", "email": email, "password": "long enough"})
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    body["headers"] = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    body["bearer"] = {"Authorization": f"Bearer {body['session_token']}"}
    return body


def _refused(r) -> bool:
    return r.status_code == 401 and r.get_json()["error"] == {"code": "AUTHENTICATION_ERROR",
                                                              "description": "Invalid API credentials"}


@contextmanager
def counted_statements(app):
    from backend.models import db

    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    with app.app_context():
        engines = list(db.engines.values())  # the default engine (key None) and the autocommit bind
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def test_login_and_signup_keep_the_contract_shape_and_add_a_session_token(client):
    m = _signup(client)
    assert {"merchant", "api_key", "api_secret"} <= set(m) and m["session_token"].startswith("sess_")
    login = client.post("/api/v1/auth/login", json={"email": m["merchant"]["email"], "password": "long enough"})
    body = login.get_json()
    assert login.status_code == 200 and body["api_secret"] == m["api_secret"]
    assert body["session_token"] != m["session_token"] and body["session_expires_at"].endswith("Z")


def test_the_token_authenticates_shows_the_credentials_and_logout_revokes_it(client):
    m = _signup(client)
    profile = client.get("/api/v1/merchant", headers=m["bearer"])
    assert profile.status_code == 200 and profile.get_json()["webhook_secret"] == m["merchant"]["webhook_secret"]
    creds = client.get("/api/v1/merchant/credentials", headers=m["bearer"]).get_json()
    assert creds == {"api_key": m["api_key"], "api_secret": m["api_secret"]}
    assert client.get("/api/v1/merchant/credentials", headers=m["headers"]).get_json() == creds

    out = client.post("/api/v1/auth/logout", headers=m["bearer"])
    assert out.status_code == 200 and out.get_json() == {"revoked": True}
    assert _refused(client.get("/api/v1/merchant", headers=m["bearer"]))
    assert _refused(client.post("/api/v1/auth/logout", headers=m["bearer"]))
    assert client.get("/api/v1/merchant", headers=m["headers"]).status_code == 200  # the API keys still work


def test_expired_forged_and_malformed_tokens_are_401(client, app):
    from backend.domain.clock import utcnow
    from backend.models import MerchantSession, db

    m = _signup(client)
    with app.app_context():
        db.session.execute(update(MerchantSession).where(MerchantSession.merchant_id == m["merchant"]["id"])
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert _refused(client.get("/api/v1/merchant", headers=m["bearer"]))
    for header in ("Bearer sess_" + secrets.token_urlsafe(32), "Bearer ", "Basic abc", "Bearer sess_" + "x" * 500,
                   f"bearer {m['session_token']}"):
        assert _refused(client.get("/api/v1/stats", headers={"Authorization": header})), header


def test_rolling_refuses_the_old_secret_at_once(client):
    m = _signup(client)
    assert client.get("/api/v1/orders", headers=m["headers"]).status_code == 200  # cached in this process
    r = client.post("/api/v1/merchant/credentials/roll", headers=m["headers"])
    assert r.status_code == 200
    new = r.get_json()
    assert new["api_key"] == m["api_key"] and new["api_secret"] != m["api_secret"]
    assert new["api_secret"].startswith("secret_test_")
    assert _refused(client.get("/api/v1/orders", headers=m["headers"]))
    fresh = {"X-Api-Key": m["api_key"], "X-Api-Secret": new["api_secret"]}
    assert client.get("/api/v1/orders", headers=fresh).status_code == 200
    assert client.get("/api/v1/merchant/credentials", headers=m["bearer"]).get_json() == new
    rolled_again = client.post("/api/v1/merchant/credentials/roll", headers=m["bearer"]).get_json()
    assert _refused(client.get("/api/v1/orders", headers=fresh)) and rolled_again["api_secret"] != new["api_secret"]


def test_the_sandbox_merchants_secret_is_not_rolled(client, merchant_headers):
    r = client.post("/api/v1/merchant/credentials/roll", headers=merchant_headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"
    assert client.get("/api/v1/orders", headers=merchant_headers).status_code == 200


def _warm(client, headers) -> None:
    for _ in range(50):  # until the cache holds the key (a change announced meanwhile empties it)
        client.get("/api/v1/orders", headers=headers)
        with counted_statements(client.application) as seen:
            client.get("/api/v1/orders", headers=headers)
        if not seen:
            return


def test_unknown_keys_and_wrong_secrets_cost_no_query_once_seen(client, app, merchant_headers):
    unknown = {"X-Api-Key": "key_test_" + secrets.token_hex(8), "X-Api-Secret": "secret_test_guess"}
    wrong = {**merchant_headers, "X-Api-Secret": "secret_test_guess"}
    _warm(client, unknown)
    _warm(client, wrong)
    with counted_statements(app) as seen:
        for _ in range(20):
            assert _refused(client.get("/api/v1/orders", headers=unknown))
            assert _refused(client.get("/api/v1/orders", headers=wrong))
    assert seen == []


def test_a_key_refused_as_unknown_works_once_its_merchant_signs_up(client, monkeypatch):
    from backend.services import merchants

    key = "key_test_" + secrets.token_hex(8)
    headers = {"X-Api-Key": key, "X-Api-Secret": "secret_test_" + secrets.token_hex(16)}
    assert _refused(client.get("/api/v1/orders", headers=headers))  # now cached as unknown
    monkeypatch.setattr(merchants, "new_api_key", lambda: key)
    monkeypatch.setattr(merchants, "new_api_secret", lambda: headers["X-Api-Secret"])
    _signup(client)
    assert client.get("/api/v1/orders", headers=headers).status_code == 200


def test_the_database_holds_no_secret_in_clear(client, app):
    from backend.models import db

    m = _signup(client)
    with app.app_context():
        rows = db.session.execute(text("SELECT * FROM merchants")).mappings().all()
        tokens = db.session.execute(text("SELECT * FROM merchant_sessions")).mappings().all()
        db.session.rollback()
    dumped = repr(rows) + repr(tokens)
    assert "api_secret" not in rows[0] and "webhook_secret" not in rows[0]
    for value in (m["api_secret"], m["merchant"]["webhook_secret"], m["session_token"], TEST_SECRET,
                  TEST_WEBHOOK_SECRET, m["session_token"][len("sess_"):]):
        assert value not in dumped


def test_start_up_notices_keys_that_cannot_read_the_stored_secrets(app):
    from backend.config import Config
    from backend.keyring import new_key
    from backend.models import db
    from backend.services.merchants import keys_read_the_stored_secrets

    with app.app_context():
        assert keys_read_the_stored_secrets(db.session, Config.from_env())
        assert not keys_read_the_stored_secrets(db.session, dataclasses.replace(Config.from_env(),
                                                                                encryption_keys=(new_key(),)))
