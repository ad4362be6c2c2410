"""Shared fixtures: real stores (SQLite or PostgreSQL + Redis, see harness/stack.py), the app in process for
fast HTTP tests through Flask's test client, and the live stack for end-to-end tests."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from harness.stack import DEFAULT_ENV, MERCHANT_HEADERS, Stack, Stores, backend_kind


def pytest_report_header(config):
    return f"paygate backend: {backend_kind()}"


@pytest.fixture(scope="session")
def stores():
    s = Stores()
    yield s
    s.close()


def _in_process_app(stores, **settings):
    # The in-process app and the live processes share one database and one queue.
    os.environ.update(stores.env)
    os.environ.update(DEFAULT_ENV)
    from backend import create_app
    from backend.config import Config

    return create_app(replace(Config.from_env(), **settings))


@pytest.fixture(scope="session")
def app(stores):
    return _in_process_app(stores)


@pytest.fixture(scope="session")
def app_by_hand(stores):
    """The app with a processing delay no loaded machine outruns, for modules whose tests read payments as
    they are made and apply outcomes themselves (they override `app` with it): the suite's live worker, on
    the same stores, settled them after 500 ms (at load 22: 'paid' == 'attempted')."""
    return _in_process_app(stores, test_processing_delay=60_000)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def merchant_headers():
    return dict(MERCHANT_HEADERS)


@pytest.fixture(scope="session")
def stack(stores):
    s = Stack(stores)
    yield s
    s.close()


@pytest.fixture
def other_merchant(client):
    """A second merchant, signed up through the API, for isolation tests."""
    import secrets

    r = client.post("/api/v1/auth/signup", json={"name": "Other Shop", "email": f"o{secrets.token_hex(4)}@shop.test",
                                                  "password": "correct horse"})
    assert r.status_code == 201, r.get_data(as_text=True)
    body = r.get_json()
    return {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
