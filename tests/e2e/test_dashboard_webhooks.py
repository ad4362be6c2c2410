"""The dashboard's webhooks page in a real browser (docs/api.md §6, docs/api.md §10, docs/api.md §11): endpoints added, refused,
disabled and deleted; events listed, and one resent with the same body and webhook-id."""
from __future__ import annotations

import json
import secrets

import pytest
from playwright.sync_api import Page, expect

from backend.domain.signing import verify_webhook
from tests.e2e.test_dashboard import PASSWORD, login, pay, signup
from harness.receiver import Receiver


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def test_endpoints_and_resending_an_event(page: Page, stack, receiver, shoot):
    m = signup(stack, "Endpoint Shop")
    login(page, stack.dashboard_url, m["merchant"]["email"], PASSWORD)
    page.get_by_test_id("nav-webhooks").click()
    section = page.get_by_test_id("webhook-endpoints")
    add = section.get_by_test_id("add-endpoint-form")
    path = f"/ok/dash/{secrets.token_hex(3)}"

    add.get_by_test_id("endpoint-url-input").fill(receiver.url + path)
    add.get_by_test_id("endpoint-events-input").fill("nope.*")
    add.get_by_test_id("add-endpoint-button").click()
    expect(section.get_by_test_id("endpoint-error")).to_contain_text("matches no event type")
    add.get_by_test_id("endpoint-events-input").fill("payment.*")
    add.get_by_test_id("add-endpoint-button").click()
    expect(section.get_by_test_id("endpoint-error")).to_be_hidden()
    secret_text = section.get_by_test_id("endpoint-secret")
    expect(secret_text).to_contain_text("whsec_")
    secret = secret_text.inner_text()
    row = section.get_by_test_id("endpoint-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("endpoint-events")).to_have_text("payment.*")
    expect(row.get_by_test_id("endpoint-status")).to_have_text("enabled")
    endpoint_id = row.get_attribute("data-endpoint-id")

    payment = pay(stack, 10000, "success@test", m["headers"])
    stack.wait_until(lambda: len(receiver.on(path)) >= 2, 20, "created and pending delivered")
    page.get_by_test_id("refresh-events-button").click()
    created = page.locator('[data-test-id="event-row"]', has=page.get_by_test_id("event-type").get_by_text(
        "payment.created", exact=True))
    expect(created).to_have_count(1)
    expect(created.get_by_test_id("event-object")).to_have_text(payment["id"])
    event_id = created.get_attribute("data-event-id")
    shoot(page, "dashboard-webhook-endpoints")
    created.get_by_test_id("resend-event-button").click()
    def copies_of_the_event():
        found = [r for r in receiver.on(path) if r.headers["webhook-id"] == event_id]
        return found if len(found) == 2 else None

    copies = stack.wait_until(copies_of_the_event, 20, "the resend")
    assert copies[0].body == copies[1].body and json.loads(copies[1].body)["event"] == "payment.created"
    assert verify_webhook(copies[1].body, copies[1].headers, secret) == "standard"

    row.get_by_test_id("endpoint-toggle-button").click()
    expect(row.get_by_test_id("endpoint-status")).to_have_text("disabled")
    api = stack.api("GET", f"/api/v1/webhook_endpoints/{endpoint_id}", headers=m["headers"]).json()
    assert api["status"] == "disabled"
    row.get_by_test_id("endpoint-delete-button").click()
    expect(section.get_by_test_id("endpoint-row")).to_have_count(0)
    assert stack.api("GET", f"/api/v1/webhook_endpoints/{endpoint_id}", headers=m["headers"]).status_code == 404
