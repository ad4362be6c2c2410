"""Rate limits on the unauthenticated endpoints, over a live server with low limits.

With Redis the counters are shared and exact; on the embedded default each API process (the test stack
runs two) counts in memory, so up to limit x processes get through."""
import pytest

from tests.stack import Stack, backend_kind

API_PROCESSES = 2


@pytest.fixture(scope="module")
def limited():
    s = Stack(RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_PUBLIC_PAYMENT="2/minute", RATE_LIMIT_SIGNUP="2/minute")
    yield s
    s.close()


def allowed(limit: int) -> range:
    return range(limit, limit + 1) if backend_kind() == "postgres" else range(limit, limit * API_PROCESSES + 1)


def test_login_attempts_per_email(limited):
    codes = [limited.api("POST", "/api/v1/auth/login", {"email": "test@example.com", "password": "guess"},
                         auth=False).status_code for _ in range(8)]
    assert set(codes) == {200, 429} and codes.count(200) in allowed(3) and codes[-1] == 429, codes
    r = limited.api("POST", "/api/v1/auth/login", {"email": "test@example.com", "password": "guess"}, auth=False)
    assert r.status_code == 429
    assert r.json() == {"error": {"code": "RATE_LIMIT_ERROR", "description": "Too many requests, slow down"}}
    assert int(r.headers["Retry-After"]) > 0
    # another account is not locked out by someone hammering this one
    assert limited.api("POST", "/api/v1/auth/login", {"email": "someone@else.test", "password": "guess"},
                       auth=False).status_code == 401


def test_public_payment_attempts_per_order(limited):
    first, second = limited.create_order(), limited.create_order()
    body = {"method": "upi", "vpa": "failure@test"}
    codes = [limited.api("POST", "/api/v1/payments/public", {"order_id": first["id"], **body}, auth=False).status_code
             for _ in range(6)]
    assert set(codes) == {201, 429} and codes.count(201) in allowed(2) and codes[-1] == 429, codes
    assert limited.api("POST", "/api/v1/payments/public", {"order_id": second["id"], **body},
                       auth=False).status_code == 201
    # merchants' own API calls are not throttled by the checkout's limit
    assert limited.api("POST", "/api/v1/payments", {"order_id": first["id"], **body}).status_code == 201
    total = limited.api("GET", f"/api/v1/payments?order_id={first['id']}").json()["total"]
    assert total == codes.count(201) + 1
