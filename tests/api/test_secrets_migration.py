"""On a database of its own: the migration to secrets at rest converts existing rows (plaintext secrets become
a keyed hash and ciphertext that the same secrets keep working against; the downgrade gives the plaintext
back), and the README's key rotation (`flask rotate-encryption-key`) leaves every secret readable under the
new key alone."""
from __future__ import annotations

import os
import secrets
import subprocess

import pytest
import sqlalchemy as sa

from harness.stack import BIN, ROOT, Stores
from backend.domain.ids import TEST_MERCHANT_ID

BEFORE = "8bfe116cbd4d"
ROWS = [(TEST_MERCHANT_ID, "test@example.com", "key_test_abc123", "secret_test_xyz789",
         "whsec_test_abc123"),
        ("7d0e6f8a-0000-4000-8000-000000000001", "old@shop.test", "key_test_old", "secret_test_old_one", None)]


@pytest.fixture
def old_database():
    """A database (and key file) of its own; migrated to head, the test steps it back to the old schema."""
    stores = Stores()
    env = {**os.environ, **stores.env}
    yield stores, env
    stores.close()


def _flask(env: dict, *args: str, app: str = "backend:create_app(seed=False)") -> str:
    return subprocess.run([str(BIN / "flask"), "--app", app, *args], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True, timeout=120).stdout


def _engine(env: dict) -> sa.Engine:
    from backend.config import normalize_database_url

    return sa.create_engine(normalize_database_url(env["DATABASE_URL"]))


def test_upgrade_converts_plaintext_rows_and_downgrade_restores_them(old_database):
    from backend.config import Config

    stores, env = old_database
    _flask(env, "db", "downgrade", BEFORE)
    engine = _engine(env)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM merchants"))
        for id_, email, key, secret, whsec in ROWS:
            conn.execute(sa.text(
                "INSERT INTO merchants (id, name, email, api_key, api_secret, webhook_secret, is_active, created_at, "
                "updated_at) VALUES (:id, 'Shop', :email, :key, :secret, :whsec, true, :now, :now)"),
                {"id": id_, "email": email, "key": key, "secret": secret, "whsec": whsec, "now": "2026-01-01 00:00:00"})
    _flask(env, "db", "upgrade")

    ring = Config.from_env(env).keyring
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("merchants")}
        rows = {r.id: r for r in conn.execute(sa.text("SELECT * FROM merchants"))}
    assert "api_secret" not in columns and "webhook_secret" not in columns
    for id_, _, _, secret, whsec in ROWS:
        row = rows[id_]
        assert secret not in repr(tuple(row)) and (whsec is None or whsec not in repr(tuple(row)))
        assert ring.verify(secret, row.api_secret_hash) and ring.decrypt(row.api_secret_encrypted) == secret
        assert (None if row.webhook_secret_encrypted is None else ring.decrypt(row.webhook_secret_encrypted)) == whsec

    _flask(env, "db", "downgrade", BEFORE)
    with engine.connect() as conn:
        back = {r.id: (r.api_secret, r.webhook_secret)
                for r in conn.execute(sa.text("SELECT id, api_secret, webhook_secret FROM merchants"))}
    assert back == {id_: (secret, whsec) for id_, _, _, secret, whsec in ROWS}
    engine.dispose()


def test_rotation_to_a_new_key_with_the_cli(old_database):
    from backend.config import Config
    from backend.keyring import Keyring, load_keys, new_key

    stores, env = old_database
    config = Config.from_env(env)
    old = load_keys(config.encryption_keys, config.encryption_key_file)
    new = new_key()
    # A merchant signed up under the old key, besides the seeded one (the app seeds at start).
    email = f"r{secrets.token_hex(4)}@rotate.test"
    _flask(env, "seed", app="backend:create_app()")
    engine = _engine(env)
    ring = Keyring(old)
    with engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO merchants (id, name, email, api_key, api_secret_hash, api_secret_encrypted, "
            "webhook_secret_encrypted, is_active, created_at, updated_at) VALUES (:id, 'Shop', :email, 'key_test_r', "
            ":hash, :enc, :whsec, true, :now, :now)"),
            {"id": "7d0e6f8a-0000-4000-8000-000000000002", "email": email, "hash": ring.secret_hash("secret_test_r"),
             "enc": ring.encrypt("secret_test_r"), "whsec": ring.encrypt("whsec_r"), "now": "2026-01-01 00:00:00"})

    out = _flask({**env, "ENCRYPTION_KEYS": f"{new},{old[0]}"}, "rotate-encryption-key", app="backend:create_app()")
    assert "2 merchants re-encrypted" in out

    only_new = Keyring([new])
    with engine.connect() as conn:
        rows = {r.api_key: r for r in conn.execute(sa.text("SELECT * FROM merchants"))}
    expected = {"key_test_abc123": ("secret_test_xyz789", "whsec_test_abc123"),
                "key_test_r": ("secret_test_r", "whsec_r")}
    for key, (secret, whsec) in expected.items():
        row = rows[key]
        assert only_new.verify(secret, row.api_secret_hash) and only_new.decrypt(row.api_secret_encrypted) == secret
        assert only_new.decrypt(row.webhook_secret_encrypted) == whsec
        assert not Keyring(old).verify(secret, row.api_secret_hash)
    engine.dispose()
