"""The docs page's snippets work as printed: the curl call and its Python SDK twin create an order on the live
API, the SDK reads a payment, and the Python receivers accept a correctly signed delivery and refuse anything
else."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time

import pytest
import requests

from backend.domain.signing import canonical_body, signature_headers
from harness.stack import TEST_KEY, TEST_SECRET, free_port
from ui_dashboard import snippets

SECRET = "whsec_docs_test_123"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_snippet_creates_an_order(stack):
    script = snippets.create_order_curl(stack.api_url, TEST_KEY, TEST_SECRET)
    out = subprocess.run(["bash", "-c", script + " -sS"], capture_output=True, text=True, timeout=30, check=True)
    order = json.loads(out.stdout)
    assert order["id"].startswith("order_") and order["amount"] == 50000 and order["status"] == "created"


def _run_python(script: str) -> dict:
    namespace: dict = {"__name__": "merchant_script"}
    exec(compile(script, "snippet.py", "exec"), namespace)  # noqa: S102
    return namespace


def test_the_sdk_snippets_create_an_order_and_read_a_payment(stack, capsys):
    order = _run_python(snippets.create_order_python(stack.api_url, TEST_KEY, TEST_SECRET))["order"]
    assert order.id.startswith("order_") and order.amount == 50000 and order.status == "created"
    assert capsys.readouterr().out == f"{order.id} created\n"
    paid = stack.wait_payment(stack.pay_upi(stack.create_order()["id"])["id"])
    script = snippets.confirm_payment_python(stack.api_url, TEST_KEY, TEST_SECRET)
    payment = _run_python(script.replace("pay_xxxxxxxxxxxxxxxx", paid["id"]))["payment"]
    assert payment.id == paid["id"] and payment.status == paid["status"] == "success"


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_the_curl_snippet_reads_a_payment(stack):
    paid = stack.wait_payment(stack.pay_upi(stack.create_order()["id"])["id"])
    script = snippets.confirm_payment_curl(stack.api_url, TEST_KEY, TEST_SECRET).replace("pay_xxxxxxxxxxxxxxxx",
                                                                                        paid["id"])
    out = subprocess.run(["bash", "-c", script + " -sS"], capture_output=True, text=True, timeout=30, check=True)
    assert json.loads(out.stdout)["id"] == paid["id"]


@pytest.mark.parametrize("snippet", [snippets.webhook_python, snippets.webhook_python_helper, snippets.webhook_sdk])
def test_the_python_receivers_accept_signed_deliveries_only(snippet, monkeypatch):
    from backend.domain import signing

    monkeypatch.setitem(sys.modules, "signing", signing)  # the merchant's copy of the helper
    namespace: dict = {"__name__": "merchant_receiver"}
    exec(compile(snippet(SECRET), "snippet.py", "exec"), namespace)  # noqa: S102
    client = namespace["app"].test_client()
    body = canonical_body({"event": "payment.success", "timestamp": 1705315870,
                           "data": {"payment": {"id": "pay_abc", "order_id": "order_abc", "status": "success"}}})
    headers = signature_headers(SECRET, "msg_1", int(time.time()), body)
    assert client.post("/webhooks/paygate", data=body, headers=headers).status_code == 204
    tampered = body.replace(b"pay_abc", b"pay_xyz")
    assert client.post("/webhooks/paygate", data=tampered, headers=headers).status_code == 400
    wrong_key = signature_headers("whsec_other", "msg_1", int(time.time()), body)
    assert client.post("/webhooks/paygate", data=body, headers=wrong_key).status_code == 400
    unsigned = {"Content-Type": "application/json"}
    assert client.post("/webhooks/paygate", data=body, headers=unsigned).status_code == 400


def test_the_sdk_snippet_names_the_checkout_and_never_the_secret():
    html = snippets.sdk_html("https://pay.example.com", TEST_KEY)
    assert html.startswith('<script src="https://pay.example.com/checkout.js"></script>')
    assert "new PaymentGateway({" in html and "}).open();" in html
    assert TEST_KEY in html and TEST_SECRET not in html


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_the_node_receiver_accepts_signed_deliveries_only(tmp_path):
    script = tmp_path / "receiver.js"
    script.write_text(snippets.webhook_node(SECRET))
    port = free_port()
    proc = subprocess.Popen(["node", str(script)], env={"PORT": str(port), "PATH": "/usr/bin:/bin"})
    try:
        url = f"http://127.0.0.1:{port}/webhooks/paygate"
        body = canonical_body({"event": "payment.success", "data": {"payment": {"id": "pay_ü"}}})
        signed = signature_headers(SECRET, "msg_1", 1705315870, body)
        assert _post_when_up(url, body, signed).status_code == 204
        assert requests.post(url, data=body + b" ", headers=signed, timeout=2).status_code == 400
        assert requests.post(url, data=body, timeout=2).status_code == 400
    finally:
        proc.terminate()
        proc.wait(5)


def _post_when_up(url: str, body: bytes, headers: dict, wait: float = 10) -> requests.Response:
    deadline = time.monotonic() + wait
    while True:
        try:
            return requests.post(url, data=body, headers=headers, timeout=2)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
