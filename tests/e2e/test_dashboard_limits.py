"""Sign-ups through the dashboard are limited per visitor, not per dashboard process: the dashboard forwards
each browser's address to the API, signed. Real browsers, the live API and two dashboards: one behind a
(simulated) reverse proxy, TRUSTED_PROXIES=1, and one as `make run` starts it, with no proxy trusted."""
from __future__ import annotations

import secrets
import sys

import pytest
from playwright.sync_api import expect

from harness.stack import Stack, free_port

LIMIT = 2


@pytest.fixture(scope="module")
def limited():
    s = Stack(api_workers=1, RATE_LIMIT_SIGNUP=f"{LIMIT}/minute", TRUSTED_PROXIES="1")
    yield s
    s.close()


@pytest.fixture(scope="module")
def direct_dashboard(limited):
    """A second dashboard on the same API with TRUSTED_PROXIES unset, as in `make run`."""
    port = free_port()
    limited._spawn("dashboard-direct", [sys.executable, "-m", "ui_dashboard"],
                   {"DASHBOARD_PORT": str(port), "TRUSTED_PROXIES": "", "DASHBOARD_STORAGE_SECRET": "t-" + secrets.token_hex(4)})
    url = f"http://127.0.0.1:{port}"
    limited._wait_http(url + "/login", "dashboard-direct", 60)
    return url


def sign_up(browser, base: str, forwarded_for: str) -> str:
    """One visitor (a fresh browser context) signs up; the page's answer: the dashboard, or the error shown."""
    ctx = browser.new_context(extra_http_headers={"X-Forwarded-For": forwarded_for})
    try:
        page = ctx.new_page()
        page.goto(base + "/signup")
        page.get_by_test_id("name-input").fill("Visitor Shop")
        page.get_by_test_id("email-input").fill(f"v-{secrets.token_hex(4)}@visitors.test")
        page.get_by_test_id("password-input").fill("visitor password")
        page.get_by_test_id("signup-button").click()
        error = page.get_by_test_id("signup-error")
        expect(page.get_by_test_id("dashboard").or_(error)).to_be_visible()
        return "dashboard" if page.url.endswith("/dashboard") else error.inner_text()
    finally:
        ctx.close()


def test_each_visitor_has_a_sign_up_budget_of_its_own(browser, limited):
    dash = limited.dashboard_url
    answers = [sign_up(browser, dash, "198.51.100.21") for _ in range(LIMIT + 1)]
    assert answers == ["dashboard"] * LIMIT + ["Too many requests, slow down"]
    # before, the dashboard's own address was the key: now the next visitor is not turned away
    assert sign_up(browser, dash, "198.51.100.22") == "dashboard"


def test_without_trusted_proxies_a_visitor_cannot_claim_another_address(browser, limited, direct_dashboard):
    answers = [sign_up(browser, direct_dashboard, f"203.0.113.{i}") for i in range(LIMIT + 1)]
    assert answers == ["dashboard"] * LIMIT + ["Too many requests, slow down"]
