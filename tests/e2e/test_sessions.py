"""Dashboard sessions in a real browser: a new session id at login (no fixation), a revocable API token that
logout revokes, no secret in the dashboard's files, and the roll-secret button."""
from __future__ import annotations

import base64
import json
import stat
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_dashboard import PASSWORD, login, signup

COOKIE = "paygate_dashboard_session"


@pytest.fixture(scope="module")
def dash(stack) -> str:
    return stack.dashboard_url


def _cookie(context) -> dict:
    (cookie,) = [c for c in context.cookies() if c["name"] == COOKIE]
    return cookie


def _session(context) -> dict:
    """What Starlette's signed (not encrypted) session cookie holds: base64 JSON before the signature."""
    data = _cookie(context)["value"].split(".")[0]
    return json.loads(base64.b64decode(data + "=" * (-len(data) % 4)))


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_login_gives_a_new_session_id_a_token_and_leaves_no_secret_in_files(page: Page, stack, dash):
    m = signup(stack, "Session Shop")
    page.goto(dash + "/login")
    before = _session(page.context)["id"]
    login(page, dash, m["merchant"]["email"], PASSWORD)
    expect(page.get_by_test_id("api-secret")).to_have_text(m["api_secret"])  # fetched from the API
    after = _session(page.context)
    assert after["id"] != before and set(after) == {"id", "session_token", "merchant_name", "merchant_email"}
    cookie = _cookie(page.context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # plain http here
    assert stack.api("GET", "/api/v1/merchant", auth=False, headers=_bearer(after["session_token"])).status_code == 200

    storage = Path(stack.stores.tmp / "dashboard-storage")
    assert stat.S_IMODE(storage.stat().st_mode) == 0o700
    # Whatever NiceGUI writes (nothing of a session now: it all sits in the cookie) is owner-only.
    status = Path(f"/proc/{stack.procs['dashboard'].pid}/status").read_text()
    assert "Umask:\t0077" in status
    for path in (p for p in storage.rglob("*") if p.is_file()):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
        content = path.read_bytes()
        for value in (m["api_secret"], m["merchant"]["webhook_secret"], after["session_token"]):
            assert value.encode() not in content, path


def test_logout_revokes_the_token(page: Page, stack, dash):
    m = signup(stack, "Logout Shop")
    login(page, dash, m["merchant"]["email"], PASSWORD)
    token = _session(page.context)["session_token"]
    page.get_by_test_id("logout-button").click()
    page.wait_for_url(dash + "/login")
    assert "session_token" not in _session(page.context)
    r = stack.api("GET", "/api/v1/merchant", auth=False, headers=_bearer(token))
    assert r.status_code == 401 and r.json()["error"]["code"] == "AUTHENTICATION_ERROR"
    page.goto(dash + "/dashboard")
    expect(page).to_have_url(dash + "/login")


def test_only_the_logout_form_or_a_refused_token_ends_a_session(page: Page, stack, dash):
    m = signup(stack, "Revoked Shop")
    login(page, dash, m["merchant"]["email"], PASSWORD)
    token = _session(page.context)["session_token"]
    # What another site can make a browser fetch (a link, an <img>) ends nothing:
    assert page.request.get(dash + "/logout", max_redirects=0).status == 405
    page.goto(dash + "/session/ended")
    expect(page).to_have_url(dash + "/dashboard")
    assert _session(page.context)["session_token"] == token
    # The token revoked elsewhere: the next page the API refuses it on ends the session.
    assert stack.api("POST", "/api/v1/auth/logout", auth=False, headers=_bearer(token)).status_code == 200
    page.goto(dash + "/dashboard/transactions")
    expect(page).to_have_url(dash + "/login")
    assert "session_token" not in _session(page.context)


def test_a_cookie_planted_before_login_is_not_logged_in(browser, stack, dash):
    """Session fixation: the attacker's cookie, planted in the victim's browser, must stay anonymous."""
    m = signup(stack, "Fixation Shop")
    attacker = browser.new_context()
    victim = browser.new_context()
    try:
        attacker_page = attacker.new_page()
        attacker_page.goto(dash + "/login")
        planted = _cookie(attacker)
        victim.add_cookies([{k: planted[k] for k in ("name", "value", "domain", "path", "httpOnly", "sameSite")}])
        victim_page = victim.new_page()
        victim_page.set_default_timeout(15000)
        login(victim_page, dash, m["merchant"]["email"], PASSWORD)
        assert _cookie(victim)["value"] != planted["value"]
        assert _session(victim)["id"] != _session(attacker)["id"]

        attacker_page.goto(dash + "/dashboard")
        expect(attacker_page).to_have_url(dash + "/login")
        expect(attacker_page.get_by_test_id("login-form")).to_be_visible()
    finally:
        attacker.close()
        victim.close()


def test_the_roll_button_asks_then_replaces_the_secret(page: Page, stack, dash, shoot):
    m = signup(stack, "Roll Shop")
    login(page, dash, m["merchant"]["email"], PASSWORD)
    secret = page.get_by_test_id("api-secret")
    expect(secret).to_have_text(m["api_secret"])

    page.get_by_test_id("roll-secret-button").click()
    expect(page.get_by_test_id("roll-secret-dialog")).to_be_visible()
    shoot(page, "dashboard-roll-secret-dialog")
    page.get_by_test_id("cancel-roll-button").click()
    expect(page.get_by_test_id("roll-secret-dialog")).to_be_hidden()
    expect(secret).to_have_text(m["api_secret"])
    assert stack.api("GET", "/api/v1/orders", auth=False, headers=m["headers"]).status_code == 200

    page.get_by_test_id("roll-secret-button").click()
    page.get_by_test_id("confirm-roll-button").click()
    expect(secret).not_to_have_text(m["api_secret"])
    new_secret = secret.inner_text()
    assert new_secret.startswith("secret_test_")
    assert stack.api("GET", "/api/v1/orders", auth=False, headers=m["headers"]).status_code == 401
    rolled = {**m["headers"], "X-Api-Secret": new_secret}
    assert stack.api("GET", "/api/v1/orders", auth=False, headers=rolled).status_code == 200
    page.reload()
    expect(page.get_by_test_id("api-secret")).to_have_text(new_secret)
