"""Rate limits on the unauthenticated endpoints, over a live server with low limits.

One API process, so the counts are exact on both backends (on the embedded default each process
counts in memory; with Redis every process shares the counters)."""
import pytest

from tests.stack import Stack


@pytest.fixture(scope="module")
def limited():
    s = Stack(api_workers=1, RATE_LIMIT_LOGIN="3/minute", RATE_LIMIT_PUBLIC_PAYMENT="2/minute",
              RATE_LIMIT_SIGNUP="2/minute", RATE_LIMIT_AUTHENTICATE="3/minute")
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
    r = limited.api("POST", "/api/v1/auth/login", {"email": "headers@shop.test", "password": "guess"}, auth=False)
    assert r.headers["X-RateLimit-Limit"] == "3" and r.headers["X-RateLimit-Remaining"] == "2"
    order = limited.api("POST", "/api/v1/orders", {"amount": 5000})
    assert order.status_code == 201 and not any(h.lower().startswith("x-ratelimit") for h in order.headers)


def test_limiter_hooks_skip_the_authenticated_api(app, merchant_headers, monkeypatch):
    """Flask-Limiter's before/after/teardown hooks do not run at all on the merchant API (nothing to limit
    there), and still run elsewhere: a fresh app is built with the limiter's hooks replaced by counters."""
    from flask_limiter import Limiter

    from backend import create_app

    calls = {"before": 0, "after": 0, "teardown": 0}

    def before(self, *args, **kwargs):
        calls["before"] += 1

    def after(self, response):
        calls["after"] += 1
        return response

    def teardown(self, exc=None):
        calls["teardown"] += 1

    monkeypatch.setattr(Limiter, "_check_request_limit", before)
    monkeypatch.setattr(Limiter, "_Limiter__inject_headers", after)
    monkeypatch.setattr(Limiter, "_Limiter__release_context", teardown)
    spied = create_app(app.extensions["paygate.config"], seed=False, configure_logging=False)
    client = spied.test_client()

    assert client.post("/api/v1/orders", json={"amount": 5000}, headers=merchant_headers).status_code == 201
    assert client.get("/api/v1/orders?limit=1", headers=merchant_headers).status_code == 200
    assert calls == {"before": 0, "after": 0, "teardown": 0}
    assert client.get("/api/v1/no-such-thing").status_code == 404
    assert calls == {"before": 1, "after": 1, "teardown": 1}
    assert client.get(f"/api/v1/orders/{'order_' + 'x' * 16}/public").status_code == 404
    assert calls == {"before": 2, "after": 2, "teardown": 2}


def test_one_time_passwords_per_payment(limited):
    card = {"number": "4000002760003184", "expiry_month": "12", "expiry_year": "2035", "cvv": "123",
            "holder_name": "Asha"}
    first, second = (limited.api("POST", "/api/v1/payments", {"order_id": limited.create_order()["id"],
                                                              "method": "card", "card": card}).json()
                     for _ in range(2))
    path = f"/api/v1/payments/{first['id']}/authenticate"
    codes = [limited.api("POST", path, {"otp": "000000"}, auth=False).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert limited.api("POST", path, {"otp": "000000"}, auth=False).json()["error"]["code"] == "RATE_LIMIT_ERROR"
    # another payment is not locked out by guesses against this one
    assert limited.api("POST", f"/api/v1/payments/{second['id']}/authenticate", {"otp": "123456"},
                       auth=False).status_code == 200
