"""Secrets against the live stack: gunicorn's two workers each cache credentials, yet a rolled secret is refused
by both at once; a dump of the database and of the stack's var/ folder holds no merchant's secret in clear."""
from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

import requests

from harness.receiver import Receiver
from harness.stack import PG_ADMIN_URL, TEST_SECRET

ROUNDS = 40  # each on a new connection, so that both gunicorn workers answer some


def _signup(stack) -> dict:
    r = stack.api("POST", "/api/v1/auth/signup", {"name": "Dump Shop", "email": f"d{secrets.token_hex(5)}@shop.test",
                                                  "password": "password123"}, auth=False)
    assert r.status_code == 201, r.text
    body = r.json()
    body["headers"] = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    return body


def _statuses(stack, headers: dict) -> set[int]:
    return {requests.get(stack.api_url + "/api/v1/orders", headers={**headers, "Connection": "close"},
                         timeout=10).status_code for _ in range(ROUNDS)}


def test_a_rolled_secret_is_refused_by_every_api_worker_at_once(stack):
    m = _signup(stack)
    assert _statuses(stack, m["headers"]) == {200}  # both workers now hold the old secret in their cache
    r = stack.api("POST", "/api/v1/merchant/credentials/roll", auth=False, headers=m["headers"])
    assert r.status_code == 200
    assert _statuses(stack, m["headers"]) == {401}
    assert _statuses(stack, {**m["headers"], "X-Api-Secret": r.json()["api_secret"]}) == {200}


def _database_dump(stack) -> bytes:
    stores = stack.stores
    if stores.kind in ("postgres", "pgbouncer"):
        url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + stores.db_name
        return subprocess.run(["pg_dump", "--no-owner", url], check=True, capture_output=True, timeout=60).stdout
    db_file = Path(stores.env["DATABASE_URL"].removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in db_file.parent.glob(db_file.name + "*"))  # with -wal and -shm


def _var_folder(stack) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(stack.stores.tmp.rglob("*")) if p.is_file())


def test_a_dump_of_the_database_and_var_holds_no_secret(stack):
    receiver = Receiver()
    try:
        m = _signup(stack)
        login = stack.api("POST", "/api/v1/auth/login", {"email": m["merchant"]["email"], "password": "password123"},
                          auth=False).json()
        bearer = {"Authorization": f"Bearer {login['session_token']}"}
        assert stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": receiver.url + "/dump"}, auth=False,
                         headers=bearer).status_code == 200
        webhook_secret = stack.api("POST", "/api/v1/merchant/webhook/secret", auth=False,
                                   headers=bearer).json()["webhook_secret"]
        rolled = stack.api("POST", "/api/v1/merchant/credentials/roll", auth=False, headers=bearer).json()
        order = stack.create_order(headers={**m["headers"], "X-Api-Secret": rolled["api_secret"]})
        stack.api("POST", "/api/v1/payments/public", {"order_id": order["id"], "method": "upi", "vpa": "success@test"},
                  auth=False)
        stack.wait_until(lambda: len(receiver.requests) >= 3, 30, "signed deliveries")  # the secret was used
        assert stack.api("GET", "/api/v1/merchant", auth=False, headers=bearer).status_code == 200

        secrets_in_use = {
            "sandbox API secret": TEST_SECRET, "sandbox webhook secret": "whsec_test_abc123",
            "API secret": rolled["api_secret"], "first API secret": m["api_secret"],
            "webhook secret": webhook_secret, "first webhook secret": m["merchant"]["webhook_secret"],
            "signup session token": m["session_token"], "login session token": login["session_token"],
        }
        for where, blob in (("database dump", _database_dump(stack)), ("var/ folder", _var_folder(stack))):
            assert len(blob) > 1000, where
            for what, value in secrets_in_use.items():
                random_part = value.split("_")[-1]  # (the sandbox's "abc123" is also in its public key)
                assert value.encode() not in blob, f"{what} found in the {where}"
                assert len(random_part) < 16 or random_part.encode() not in blob, f"{what} found in the {where}"
    finally:
        receiver.close()
