"""Fast, browser-less tests of the dashboard's pages with NiceGUI's simulated `User`, against the real API.

`user_simulation` runs `ui_dashboard/__main__.py` inside the test's event loop, exactly as
`nicegui.testing.user_plugin` does, but scoped to this folder: no root conftest or ini option needed.
"""
from __future__ import annotations

import logging
import secrets
import shutil
import tempfile
from pathlib import Path

import pytest

MAIN_FILE = Path(__file__).resolve().parents[2] / "ui_dashboard" / "__main__.py"


@pytest.fixture(scope="session")
def _nicegui_storage():
    """A throwaway folder for app.storage (the sessions), as the NiceGUI plugin makes one."""
    from nicegui import app
    from nicegui.storage import Storage

    path = Path(tempfile.mkdtemp(prefix="dashboard-user-storage-"))
    Storage.path = path
    app.storage = Storage()
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
async def user(stack, _nicegui_storage, monkeypatch, caplog):
    """A simulated visitor of the dashboard; the dashboard talks to the live test API."""
    from nicegui.testing.user_simulation import user_simulation

    monkeypatch.setenv("API_URL", stack.api_url)
    monkeypatch.setenv("DASHBOARD_STORAGE_SECRET", "user-tests-" + secrets.token_hex(8))
    async with user_simulation(main_file=MAIN_FILE) as simulated:
        yield simulated
    errors = [r for r in caplog.get_records("call") if r.levelno >= logging.ERROR]
    if errors:
        pytest.fail("unexpected ERROR logs: " + "; ".join(r.getMessage() for r in errors), pytrace=False)


@pytest.fixture
def new_merchant(stack):
    """A merchant of its own (so counts and lists start empty): its signup answer plus its password."""
    email = f"shop-{secrets.token_hex(4)}@example.test"
    r = stack.api("POST", "/api/v1/auth/signup", {"name": "Chai Corner", "email": email,
                                                  "password": "long enough pw"}, auth=False)
    assert r.status_code == 201, r.text
    body = r.json()
    body["password"] = "long enough pw"
    body["headers"] = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    return body
