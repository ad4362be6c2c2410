"""Rate limits on the unauthenticated endpoints, over a live server with low limits.

One API process, so the counts are exact on both backends (on the embedded default each process
counts in memory; with Redis every process shares the counters)."""
import pytest

from tests.stack import Stack


@pytest.fixture(scope="module")
def limited():
    s = Stack(api_workers=1, RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_PUBLIC_PAYMENT="2/minute",
              RATE_LIMIT_SIGNUP="2/minute")
    yield s
    s.close()


def test_login_attempts_per_email(limited):
    codes = [limited.api("POST", "/api/v1/auth/login", {"email": "test@example.com", "password": "guess"},
                         auth=False).status_code for _ in range(5)]
    assert codes == [200, 200, 200, 429, 429]
    r = limited.api("POST", "/api/v1/auth/login", {"email": "TEST@example.com", "password": "guess"}, auth=False)
    assert r.status_code == 429  # the same account, however it is spelt
    assert r.json() == {"error": {"code": "RATE_LIMIT_ERROR", "description": "Too many requests, slow down"}}
    assert int(r.headers["Retry-After"]) > 0
    # another account is not locked out by someone hammering this one
    assert limited.api("POST", "/api/v1/auth/login", {"email": "someone@else.test", "password": "guess"},
                       auth=False).status_code == 401


def test_public_payment_attempts_per_order(limited):
    first, second = limited.create_order(), limited.create_order()
    body = {"method": "upi", "vpa": "failure@test"}
    codes = [limited.api("POST", "/api/v1/payments/public", {"order_id": first["id"], **body}, auth=False).status_code
             for _ in range(3)]
    assert codes == [201, 201, 429]
    assert limited.api("POST", "/api/v1/payments/public", {"order_id": second["id"], **body},
                       auth=False).status_code == 201
    # merchants' own API calls are not throttled by the checkout's limit
    assert limited.api("POST", "/api/v1/payments", {"order_id": first["id"], **body}).status_code == 201
    assert limited.api("GET", f"/api/v1/payments?order_id={first['id']}").json()["total"] == 3


def test_signups_per_client_address(limited):
    codes = [limited.api("POST", "/api/v1/auth/signup", {"name": "S", "email": f"s{i}@limit.test",
                                                          "password": "password123"}, auth=False).status_code
             for i in range(3)]
    assert codes == [201, 201, 429]


def test_limit_headers_only_where_limits_are(limited):
    """The limiter's hooks run on the limited routes and are skipped on the authenticated API (no limits)."""
    r = limited.api("POST", "/api/v1/auth/login", {"email": "headers@shop.test", "password": "guess"}, auth=False)
    assert r.headers["X-RateLimit-Limit"] == "3" and r.headers["X-RateLimit-Remaining"] == "2"
    order = limited.api("POST", "/api/v1/orders", {"amount": 5000})
    assert order.status_code == 201 and not any(h.lower().startswith("x-ratelimit") for h in order.headers)
