"""checkout.js (docs/api.md §8) on a merchant page served from another origin, in a real browser."""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.checkout_support import FINAL_TIMEOUT

from harness.stack import free_port

ROOT = Path(__file__).resolve().parents[2]

SHOP = """<!doctype html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Chai &amp; Co.</title></head>
<body><h1>Chai &amp; Co.</h1><button id="buy">Buy masala chai</button>
<script>window.events = [];</script>
<script src="{checkout}/checkout.js"></script>
<script>
document.getElementById('buy').addEventListener('click', function () {{
  window.gateway = new PaymentGateway({{
    key: 'key_test_abc123',
    orderId: new URLSearchParams(location.search).get('order'),
    onSuccess: function (data) {{ events.push({{kind: 'success', data: data}}); }},
    onFailure: function (data) {{ events.push({{kind: 'failure', data: data}}); }},
    onClose: function () {{ events.push({{kind: 'close'}}); }}
  }});
  window.gateway.open();
}});
</script></body></html>"""

# A page that frames the checkout itself, without the widget, and records every message it gets.
FRAME = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<script>
window.messages = [];
window.addEventListener('message', function (event) { messages.push(event.data); });
var frame = document.createElement('iframe');
frame.src = new URLSearchParams(location.search).get('src');
frame.setAttribute('data-test-id', 'plain-iframe');
frame.style.cssText = 'width:440px;height:640px;border:0';
document.body.appendChild(frame);
</script></body></html>"""

BLANK = "<!doctype html><html><head><meta charset='utf-8'></head><body><p>blank</p></body></html>"


@pytest.fixture(scope="module")
def merchant(stack):
    """A merchant's site on its own port (another origin than the checkout's)."""
    pages = {"/shop.html": SHOP.format(checkout=stack.checkout_url), "/frame.html": FRAME, "/blank.html": BLANK}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not found").encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def open_widget(page, merchant, order_id: str):
    page.goto(f"{merchant}/shop.html?order={order_id}")
    page.click("#buy")
    expect(page.get_by_test_id("payment-modal")).to_be_visible()
    frame = page.frame_locator("[data-test-id=payment-iframe]")
    expect(frame.get_by_test_id("order-summary")).to_be_visible()
    return frame


def events(page) -> list[dict]:
    return page.evaluate("window.events")


def test_widget_pays_and_hands_the_real_payment_id_to_on_success(stack, merchant, page, shoot):
    order = stack.create_order(25000)
    frame = open_widget(page, merchant, order["id"])
    modal = page.locator("#payment-gateway-modal[data-test-id=payment-modal]")
    iframe = modal.locator("div.modal-overlay > div.modal-content > iframe[data-test-id=payment-iframe]")
    expect(iframe).to_have_attribute("src", f"{stack.checkout_url}/checkout?order_id={order['id']}&embedded=true")
    close = modal.locator("div.modal-overlay > div.modal-content > button.close-button")
    expect(close).to_have_attribute("data-test-id", "close-modal-button")
    expect(close).to_have_text("×")
    assert page.evaluate("document.activeElement.getAttribute('data-test-id')") == "payment-iframe"
    expect(frame.get_by_test_id("order-amount")).to_have_text("₹250.00")
    shoot(page, "widget-open")

    frame.get_by_test_id("vpa-input").fill("success@test")
    frame.get_by_test_id("pay-button").click()
    expect(frame.get_by_test_id("processing-state")).to_be_visible()
    shoot(page, "widget-processing")
    page.wait_for_function("window.events.length >= 2", timeout=FINAL_TIMEOUT)

    success, closed = events(page)
    payment = stack.api("GET", f"/api/v1/payments/{success['data']['paymentId']}").json()
    assert success == {"kind": "success", "data": {"paymentId": payment["id"], "orderId": order["id"],
                                                   "amount": 25000, "currency": "INR", "status": "success"}}
    assert payment["status"] == "success" and payment["order_id"] == order["id"]
    assert closed == {"kind": "close"}  # docs/api.md §8: success, then close(), which calls onClose
    expect(page.get_by_test_id("payment-modal")).to_have_count(0)
    assert page.evaluate("document.activeElement.id") == "buy"  # focus is handed back
    shoot(page, "widget-closed-after-success")


def test_on_success_still_arrives_after_the_checkout_reloads_inside_the_iframe(stack, merchant, page):
    """NiceGUI reloads a page after a long disconnect (a shopper away in their UPI app): the checkout must
    still address its messages to the merchant's page, not to its own origin (its referrer after reload)."""
    order = stack.create_order(12300)
    frame = open_widget(page, merchant, order["id"])
    checkout = next(f for f in page.frames if f.url.startswith(stack.checkout_url))
    checkout.evaluate("location.reload()")
    checkout = page.wait_for_event("framenavigated", lambda f: f.url.startswith(stack.checkout_url))
    expect(frame.get_by_test_id("order-summary")).to_be_visible()
    assert checkout.evaluate("document.referrer").startswith(stack.checkout_url)  # the trap itself
    frame.get_by_test_id("vpa-input").fill("success@test")
    frame.get_by_test_id("pay-button").click()
    page.wait_for_function("window.events.length >= 2", timeout=FINAL_TIMEOUT)
    success, closed = events(page)
    assert success["kind"] == "success" and success["data"]["orderId"] == order["id"]
    assert closed == {"kind": "close"}
    expect(page.get_by_test_id("payment-modal")).to_have_count(0)


def test_widget_failure_calls_on_failure_and_stays_open_until_closed(stack, merchant, page, shoot):
    order = stack.create_order(50000)
    frame = open_widget(page, merchant, order["id"])
    frame.get_by_test_id("method-card").click()
    frame.get_by_test_id("card-number-input").fill("4000000000000002")
    frame.get_by_test_id("expiry-input").fill("1239")
    frame.get_by_test_id("cvv-input").fill("123")
    frame.get_by_test_id("cardholder-name-input").fill("Asha Rao")
    frame.get_by_test_id("pay-button").click()
    page.wait_for_function("window.events.length >= 1", timeout=FINAL_TIMEOUT)
    [failure] = events(page)
    assert failure["kind"] == "failure"
    assert failure["data"]["orderId"] == order["id"]
    assert failure["data"]["error"] == "Payment processing failed"
    payment = stack.api("GET", f"/api/v1/payments/{failure['data']['paymentId']}").json()
    assert (payment["status"], payment["error_code"]) == ("failed", "PAYMENT_FAILED")
    expect(frame.get_by_test_id("error-state")).to_be_visible()
    expect(page.get_by_test_id("payment-modal")).to_be_visible()
    shoot(page, "widget-failed")

    page.get_by_test_id("close-modal-button").click()
    expect(page.get_by_test_id("payment-modal")).to_have_count(0)
    assert [e["kind"] for e in events(page)] == ["failure", "close"]


def test_escape_closes_the_widget_from_the_checkout_or_the_page(stack, merchant, page):
    order = stack.create_order(50000)
    frame = open_widget(page, merchant, order["id"])
    frame.get_by_test_id("vpa-input").click()
    page.keyboard.press("Escape")  # focus inside the iframe: the checkout asks to close
    expect(page.get_by_test_id("payment-modal")).to_have_count(0)
    assert events(page) == [{"kind": "close"}]

    open_widget(page, merchant, order["id"])
    page.get_by_test_id("close-modal-button").focus()
    page.keyboard.press("Tab")  # past the dialog's last control: focus wraps to the checkout
    assert page.evaluate("document.activeElement.getAttribute('data-test-id')") == "payment-iframe"
    page.locator("#buy").focus()  # anything behind the dialog that takes focus hands it back
    assert page.evaluate("document.activeElement.getAttribute('data-test-id')") == "payment-iframe"
    page.get_by_test_id("close-modal-button").focus()
    page.keyboard.press("Escape")  # focus on the merchant's page
    expect(page.get_by_test_id("payment-modal")).to_have_count(0)
    assert events(page) == [{"kind": "close"}]


def test_messages_from_anything_but_its_own_iframe_are_ignored(stack, merchant, page):
    order = stack.create_order(50000)
    open_widget(page, merchant, order["id"])
    forged = [{"type": "payment_success", "data": {"paymentId": "pay_forged0000000000", "orderId": order["id"]}},
              {"type": "payment_failed", "data": {"paymentId": "pay_forged0000000000"}},
              {"type": "close_modal"}]
    for message in forged:  # the merchant page itself (or any script on it)
        page.evaluate("m => window.postMessage(m, '*')", message)
    # Another frame at the checkout's very origin, which is not the widget's iframe.
    page.evaluate("""src => new Promise(done => { const f = document.createElement('iframe');
        f.name = 'other'; f.src = src; f.onload = done; document.body.appendChild(f); })""",
                  stack.checkout_url + "/health")
    other = page.frame(name="other")
    for message in forged:
        other.evaluate("m => window.parent.postMessage(m, '*')", message)
    page.wait_for_timeout(300)
    assert events(page) == []
    expect(page.get_by_test_id("payment-modal")).to_be_visible()

    # The same message from the widget's own iframe is obeyed.
    page.frame_locator("[data-test-id=payment-iframe]").locator("body").evaluate(
        "() => window.parent.postMessage({type: 'close_modal'}, '*')")
    expect(page.get_by_test_id("payment-modal")).to_have_count(0)
    assert events(page) == [{"kind": "close"}]


def test_checkout_posts_nothing_when_not_embedded(stack, merchant, page):
    order = stack.create_order(50000)
    page.goto(f"{merchant}/frame.html?src={stack.checkout_url}/checkout?order_id={order['id']}")
    frame = page.frame_locator("[data-test-id=plain-iframe]")
    frame.get_by_test_id("vpa-input").fill("success@test")
    frame.get_by_test_id("pay-button").click()
    expect(frame.get_by_test_id("success-state")).to_be_visible(timeout=FINAL_TIMEOUT)
    frame.locator("body").press("Escape")
    page.wait_for_timeout(300)
    assert page.evaluate("window.messages") == []


def test_script_defines_only_payment_gateway(merchant, stack, page):
    page.goto(f"{merchant}/blank.html")
    before = set(page.evaluate("Object.getOwnPropertyNames(window)"))
    page.evaluate("""src => new Promise((done, fail) => { const s = document.createElement('script');
        s.src = src; s.onload = done; s.onerror = fail; document.head.appendChild(s); })""",
                  stack.checkout_url + "/checkout.js")
    added = set(page.evaluate("Object.getOwnPropertyNames(window)")) - before
    assert added == {"PaymentGateway"}
    assert page.evaluate("typeof PaymentGateway") == "function"
    error = page.evaluate("() => { try { new PaymentGateway({key: 'key_test_abc123'}); } catch (e) { return String(e); } }")
    assert "orderId are required" in error


def test_checkout_js_is_served_cacheable_to_any_origin(stack):
    r = requests.get(stack.checkout_url + "/checkout.js", timeout=10)
    assert r.status_code == 200
    assert r.headers["Content-Type"].startswith("application/javascript")
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in r.headers["Cache-Control"]
    assert r.content == (ROOT / "widget" / "dist" / "checkout.js").read_bytes()


def test_widget_fills_a_phone_screen(stack, merchant, mobile_page, shoot):
    order = stack.create_order(50000)
    frame = open_widget(mobile_page, merchant, order["id"])
    expect(frame.get_by_test_id("vpa-input")).to_be_visible()
    box = mobile_page.locator("#payment-gateway-modal .modal-content").bounding_box()
    assert (box["x"], box["y"], box["width"], box["height"]) == (0, 0, 390, 844)
    shoot(mobile_page, "widget-mobile")


def test_example_merchant_site_end_to_end(stack, page, shoot):
    """examples/merchant-site: its server creates the order, its page opens the widget, and it confirms."""
    port = free_port()
    env = {"PATH": "/usr/bin:/bin", "API_URL": stack.api_url, "CHECKOUT_URL": stack.checkout_url,
           "SHOP_PORT": str(port)}
    shop = subprocess.Popen([sys.executable, str(ROOT / "examples" / "merchant-site" / "server.py")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 10
        while True:
            try:
                requests.get(url, timeout=1)
                break
            except requests.RequestException:
                assert time.monotonic() < deadline, "the example shop did not start"
                time.sleep(0.1)
        page.goto(url)
        page.click("#buy")
        frame = page.frame_locator("[data-test-id=payment-iframe]")
        expect(frame.get_by_test_id("order-amount")).to_have_text("₹499.00")
        frame.get_by_test_id("vpa-input").fill("success@test")
        frame.get_by_test_id("pay-button").click()
        expect(page.locator("#status")).to_contain_text(" is success.", timeout=FINAL_TIMEOUT)
        expect(page.get_by_test_id("payment-modal")).to_have_count(0)
        shoot(page, "example-merchant-site-paid")
    finally:
        shop.terminate()
        shop.wait(5)
