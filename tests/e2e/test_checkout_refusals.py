"""What the checkout shows when the API refuses or is down: a second checkout process in front of a stub API.

The live API's rules are the checkout's own inline rules, so a well-formed request is never refused there
for its content; the stub lets the browser see the refusal path and the outage page all the same.
"""
from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from playwright.sync_api import expect

from harness.stack import ROOT, free_port

ORDER = {"id": "order_Stub000000000001", "amount": 1999, "currency": "INR", "status": "created",
         "merchant_name": "Stub Stores"}
REFUSAL = "UPI payments are not enabled for this merchant"


class StubApi(BaseHTTPRequestHandler):
    def reply(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == f"/api/v1/orders/{ORDER['id']}/public":
            return self.reply(200, ORDER)
        self.reply(500, {"error": {"code": "INTERNAL_ERROR", "description": "boom"}})

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.reply(400, {"error": {"code": "BAD_REQUEST_ERROR", "description": REFUSAL}})

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stub_checkout():
    api = ThreadingHTTPServer(("127.0.0.1", 0), StubApi)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "HOST": "127.0.0.1", "CHECKOUT_PORT": str(port),
           "API_URL": f"http://127.0.0.1:{api.server_address[1]}"}
    proc = subprocess.Popen([sys.executable, "-m", "ui_checkout"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url + "/health", timeout=1)
                break
            except requests.RequestException:
                assert proc.poll() is None and time.monotonic() < deadline, "the checkout did not start"
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        api.shutdown()
        api.server_close()


def test_a_refusal_shows_the_api_description_and_the_form_stays(stub_checkout, page, shoot):
    page.goto(f"{stub_checkout}/checkout?order_id={ORDER['id']}")
    expect(page.get_by_test_id("order-amount")).to_have_text("₹19.99")
    expect(page.get_by_test_id("form-error")).to_be_hidden()
    page.get_by_test_id("vpa-input").fill("shopper@okbank")
    page.get_by_test_id("pay-button").click()
    expect(page.get_by_test_id("form-error")).to_have_text(REFUSAL)
    expect(page.get_by_test_id("upi-form")).to_be_visible()
    expect(page.get_by_test_id("pay-button")).to_be_enabled()
    expect(page.get_by_test_id("processing-state")).to_have_count(0)
    shoot(page, "checkout-refused")


def test_an_unreachable_or_failing_api_gets_a_clear_page(stub_checkout, page, shoot):
    page.goto(f"{stub_checkout}/checkout?order_id=order_Broken0000000001")
    error = page.get_by_test_id("order-error")
    expect(error).to_have_attribute("data-reason", "unavailable")
    expect(error.get_by_test_id("order-error-title")).to_have_text("Checkout is unavailable")
    expect(page.get_by_test_id("pay-button")).to_have_count(0)
    shoot(page, "checkout-unavailable")
