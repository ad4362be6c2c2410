"""The OpenAPI document tells the truth: every status an endpoint can answer is documented, in the contract's
error body, and schemathesis (every check, stateful phase included) finds nothing against the live API."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from harness.stack import MERCHANT_HEADERS, Stack

HERE = Path(__file__).resolve().parent
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
# A number of test cases per operation and phase, not a time budget: on a loaded machine a budget ran out
# before the stateful phase began (make test at load 28), where a count does the same work at any load.
SCHEMATHESIS_EXAMPLES = int(os.environ.get("PAYGATE_SCHEMATHESIS_EXAMPLES", "20"))


def _operations(doc: dict):
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            yield method.upper(), path, operation


def test_every_error_is_documented_as_the_contract_body(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    for method, path, operation in _operations(doc):
        responses = operation["responses"]
        for status in ("400", "405", "414", "431", "503"):
            assert status in responses, (method, path, status)
        for status, response in responses.items():
            schema = response["content"]["application/json"]["schema"]
            assert "$ref" in schema, (method, path, status, schema)  # never an array of errors
            if status.startswith(("4", "5")) and path != "/health":
                assert schema["$ref"].endswith("/ErrorOut"), (method, path, status)
        authenticated = bool(operation.get("security"))
        assert ("401" in responses) == (authenticated or path == "/api/v1/auth/login"), (method, path)
        assert ("413" in responses) == (method in ("POST", "PUT", "PATCH")), (method, path)
    responses = {(m, p): o["responses"] for m, p, o in _operations(doc)}
    for idempotent in (("POST", "/api/v1/payments"), ("POST", "/api/v1/orders"),
                       ("POST", "/api/v1/payments/{id}/refunds"), ("POST", "/api/v1/webhooks/{id}/retry")):
        assert "409" in responses[idempotent], idempotent
    for limited in (("POST", "/api/v1/auth/login"), ("POST", "/api/v1/auth/signup"),
                    ("POST", "/api/v1/payments/public")):
        assert "429" in responses[limited], limited
    assert "409" not in responses[("GET", "/api/v1/payments")] and "429" not in responses[("POST", "/api/v1/orders")]
    assert "404" in responses[("POST", "/api/v1/payments")] and "404" in responses[("GET", "/api/v1/orders/{id}")]
    unavailable = doc["paths"]["/health"]["get"]["responses"]["503"]
    assert unavailable["content"]["application/json"]["schema"]["$ref"].endswith("/HealthOut")
    assert "Retry-After" in unavailable["headers"]
    assert responses[("GET", "/api/v1/orders")]["405"]["headers"]["Allow"]["required"] is True


def test_schema_states_what_validation_enforces(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    payment = schemas["PaymentCreate"]["properties"]
    assert payment["method"]["enum"] == ["upi", "card"]
    assert payment["vpa"]["pattern"] == "^[a-zA-Z0-9._-]+@[a-zA-Z0-9]+$"
    assert schemas["OrderCreate"]["properties"]["notes"]["maxProperties"] == 15
    assert schemas["WebhookUrlIn"]["properties"]["webhook_url"]["anyOf"][0]["maxLength"] == 2048


def test_public_payment_path_is_not_a_payment_id(client, merchant_headers):
    r = client.get("/api/v1/payments/public", headers=merchant_headers)
    assert r.status_code == 405 and r.get_json()["error"]["code"] == "METHOD_NOT_ALLOWED"
    assert set(r.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}
    assert client.get("/api/v1/payments/pay_publicpublic00", headers=merchant_headers).status_code == 404


@pytest.mark.parametrize("value,ok", [("1e+9", True), ("1700000000.5", True), ("0", True), ("-1.0", False),
                                      ("20000000000", False), ("nan", False), ("inf", False)])
def test_unix_seconds_filters(client, merchant_headers, value, ok):
    r = client.get("/api/v1/payments", query_string={"to": value}, headers=merchant_headers)
    assert r.status_code == (200 if ok else 400), r.get_data(as_text=True)
    if not ok:
        assert r.get_json()["error"]["code"] == "BAD_REQUEST_ERROR"


@pytest.mark.timeout(600)  # 12 s on a quiet machine; make test's first minutes run at load 25
def test_schemathesis_finds_nothing(tmp_path):
    # A stack of its own: the fuzzer sets webhook URLs, rolls secrets and fills tables, which must not reach the
    # shared stack's other tests (their webhook receivers, counts and the sandbox merchant's secrets).
    stack = Stack(api_workers=2, worker_threads=4)
    try:
        headers = [arg for name, value in MERCHANT_HEADERS.items() for arg in ("-H", f"{name}: {value}")]
        run = subprocess.run(
            [str(SCHEMATHESIS), "--config-file", str(HERE / "schemathesis.toml"), "run",
             stack.api_url + "/api/v1/openapi.json", "--checks", "all", "--max-examples", str(SCHEMATHESIS_EXAMPLES),
             # One worker: on CPython 3.11.7 hypothesis's ast.parse from two threads at once can fail with
             # "AST constructor recursion depth mismatch" (CPython gh-106905, fixed in 3.11.8).
             "--workers", "1", "--request-timeout", "10", "--generation-database", "none", "--no-color",
             "--output-truncate", "true", *headers],
            cwd=tmp_path, capture_output=True, text=True, timeout=600)
        report = run.stdout + run.stderr
        assert run.returncode == 0, report[-20000:]
        for phase in ("Coverage", "Fuzzing", "Stateful"):
            assert f"✅ {phase}" in report, report[-5000:]  # each phase ran and passed
        assert "Traceback" not in stack.log_text("api"), stack.log_text("api")[-5000:]
    finally:
        stack.close()
