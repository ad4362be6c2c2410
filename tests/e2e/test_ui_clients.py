"""UI memory is bounded: pages whose websocket never connects (a crawler's plain GETs) leave no NiceGUI
client behind, in the checkout and in the dashboard, while a real browser's page stays connected and works.
The counts come from each UI's loopback-only diagnostics route, through its real HTTP server."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import requests
from playwright.sync_api import expect

from harness.stack import wait_until
from ui_common.clients import DIAGNOSTICS_PATH, MAX_WAITING, WAIT_SECONDS

PLAIN_GETS = MAX_WAITING + 20


def counts(base: str) -> dict:
    r = requests.get(base + DIAGNOSTICS_PATH, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def plain_gets(url: str, n: int = PLAIN_GETS) -> None:
    with requests.Session() as session, ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: session.get(url, timeout=30).status_code, range(n)))
    assert statuses == [200] * n


def wait_for(predicate, timeout: float, what: str):
    return wait_until(predicate, timeout, what, interval=0.25)


def test_clients_that_never_connect_are_dropped_and_a_browser_is_kept(stack, page):
    order = stack.create_order(50000)
    checkout, dashboard = stack.checkout_url, stack.dashboard_url
    page.goto(f"{checkout}/checkout?order_id={order['id']}")
    expect(page.get_by_test_id("order-summary")).to_be_visible()
    wait_for(lambda: counts(checkout)["connected"] >= 1, 15, "the browser's websocket")

    plain_gets(f"{checkout}/checkout?order_id={order['id']}")
    plain_gets(f"{dashboard}/login")
    started = time.monotonic()
    for base in (checkout, dashboard):
        # NiceGUI alone keeps all of them for a minute; beyond MAX_WAITING the oldest go at once.
        wait_for(lambda: counts(base)["waiting"] <= MAX_WAITING, 3, f"{base}: at most {MAX_WAITING} waiting")
    deadline = started + WAIT_SECONDS + 10
    # Every page that never connected is gone from the dashboard. (Earlier tests of the session leave clients
    # that NiceGUI ends itself: connected pages after their reconnect_timeout.)
    wait_for(lambda: counts(dashboard)["waiting"] == 0, deadline - time.monotonic(), "no waiting dashboard client")
    wait_for(lambda: (lambda c: c["waiting"] == 0 and c["clients"] == c["connected"] >= 1)(counts(checkout)),
             deadline - time.monotonic(), "no checkout client but the connected browser's")

    page.get_by_test_id("method-card").click()  # the browser's page still answers through its websocket
    expect(page.get_by_test_id("card-form")).to_be_visible()


def test_diagnostics_are_for_this_host_only(stack):
    for base in (stack.checkout_url, stack.dashboard_url):
        for header in ("X-Forwarded-For", "Forwarded", "X-Real-IP"):
            r = requests.get(base + DIAGNOSTICS_PATH, headers={header: "203.0.113.7"}, timeout=10)
            assert r.status_code == 404, (base, header)


def test_a_page_that_redirects_leaves_no_client(stack):
    """A signed-out visitor of a dashboard page is sent to /login at once, and that page's client goes with it
    (NiceGUI alone would keep it, never served, for a minute)."""
    dashboard = stack.dashboard_url
    before = counts(dashboard)["clients"]
    for path in ("/", "/dashboard", "/dashboard/transactions", "/dashboard/docs") * 5:
        r = requests.get(dashboard + path, allow_redirects=False, timeout=30)
        assert r.status_code in (302, 303, 307) and r.headers["location"] == "/login", (path, r.status_code)
    assert counts(dashboard)["clients"] <= before
