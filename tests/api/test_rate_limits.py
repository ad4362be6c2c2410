"""Rate limits on the unauthenticated endpoints, over live servers with their own limits.

One API process, so the counts are exact on both backends (on the embedded default each process counts in
memory; with Redis every process shares the counters). Clients come from real, distinct source addresses
(all of 127.0.0.0/8 is this machine), as attackers and owners on other hosts would."""
from __future__ import annotations

import http.client
import json
import secrets
import time

import pytest

from backend.domain import visitor
from harness.stack import Stack

PASSWORD = "the right password"
# Empty: the shipped defaults (10/minute per email from one address, 20/minute per address).
DEFAULT_LOGIN_LIMITS = {"RATE_LIMIT_LOGIN": "", "RATE_LIMIT_LOGIN_ADDRESS": ""}


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status_code, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)


def call(stack: Stack, method: str, path: str, body=None, *, source: str = "127.0.0.1",
         headers: dict[str, str] | None = None) -> Reply:
    """One request from `source`, a real address of this host, not a header."""
    conn = http.client.HTTPConnection("127.0.0.1", stack.api_port, timeout=30, source_address=(source, 0))
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body),
                     headers={"Content-Type": "application/json", **(headers or {})})
        r = conn.getresponse()
        return Reply(r.status, r.headers, r.read())
    finally:
        conn.close()


def login(stack: Stack, email: str, password: str = "wrong guess", **kw) -> Reply:
    return call(stack, "POST", "/api/v1/auth/login", {"email": email, "password": password}, **kw)


def new_email() -> str:
    return f"m{secrets.token_hex(5)}@limits.test"


def signup(stack: Stack, email: str, source: str, headers: dict[str, str] | None = None) -> Reply:
    return call(stack, "POST", "/api/v1/auth/signup", {"name": "Limits Shop", "email": email, "password": PASSWORD},
                source=source, headers=headers)


def merchant(stack: Stack, source: str) -> str:
    email = new_email()
    assert signup(stack, email, source).status_code == 201
    return email


@pytest.fixture(scope="module")
def limited():
    s = Stack(api_workers=1, RATE_LIMIT_PUBLIC_PAYMENT="2/minute", RATE_LIMIT_SIGNUP="2/minute",
              RATE_LIMIT_AUTHENTICATE="3/minute", **DEFAULT_LOGIN_LIMITS)
    yield s
    s.close()


@pytest.fixture(scope="module")
def proxied():
    s = Stack(api_workers=1, TRUSTED_PROXIES="1", **DEFAULT_LOGIN_LIMITS)
    yield s
    s.close()


def test_failed_logins_are_limited_per_address(limited):
    codes = [login(limited, new_email(), source="127.0.0.2").status_code for _ in range(30)]
    assert codes == [401] * 20 + [429] * 10
    r = login(limited, new_email(), source="127.0.0.2")
    assert r.json() == {"error": {"code": "RATE_LIMIT_ERROR", "description": "Too many requests, slow down"}}
    assert int(r.headers["Retry-After"]) > 0
    assert login(limited, new_email(), source="127.0.0.3").status_code == 401  # another address is not held up


def test_failures_on_an_account_do_not_lock_out_its_owner(limited):
    email = merchant(limited, source="127.0.1.1")
    codes = [login(limited, email, source="127.0.0.4").status_code for _ in range(50)]
    assert codes == [401] * 10 + [429] * 40
    assert login(limited, email.upper(), source="127.0.0.4").status_code == 429  # however it is spelt
    assert login(limited, email, PASSWORD, source="127.0.0.4").status_code == 429  # no oracle for the guesser
    owner = login(limited, email, PASSWORD, source="127.0.0.5")
    assert owner.status_code == 200 and owner.json()["merchant"]["email"] == email


def test_right_passwords_are_never_counted(limited):
    email = merchant(limited, source="127.0.1.2")
    replies = [login(limited, email, PASSWORD, source="127.0.0.6") for _ in range(40)]  # twice the budget
    assert {r.status_code for r in replies} == {200}
    assert replies[-1].headers["X-RateLimit-Remaining"] == replies[-1].headers["X-RateLimit-Limit"] == "10"
    assert login(limited, email, source="127.0.0.6").status_code == 401  # a failure is still only a failure
    sandbox = [login(limited, "test@example.com", "any", source="127.0.0.6").status_code for _ in range(25)]
    assert set(sandbox) == {200}  # test suites logging in as the sandbox merchant are never slowed


def test_forwarded_headers_are_not_believed_without_trusted_proxies(limited):
    forged = {visitor.HEADER: f"198.51.100.9 {int(time.time())} {'0' * 64}"}
    codes = []
    for i in range(25):
        spoof = {"X-Forwarded-For": f"203.0.113.{i}", **(forged if i % 2 else {})}
        codes.append(login(limited, new_email(), source="127.0.0.7", headers=spoof).status_code)
    assert codes == [401] * 20 + [429] * 5
    # the API's own gate ignores them too: a loopback peer may scrape /metrics whatever it claims
    assert call(limited, "GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200


def test_signups_per_visitor_the_dashboard_forwards(limited):
    secret = limited.env["DASHBOARD_FORWARDING_SECRET"]

    def as_visitor(address: str, key: str = secret, at: float | None = None) -> dict[str, str]:
        return {visitor.HEADER: visitor.sign(key, address, time.time() if at is None else at)}

    # every visitor of one dashboard (one peer address) has a budget of its own
    codes = [signup(limited, new_email(), "127.0.0.8", as_visitor("198.51.100.1")).status_code for _ in range(3)]
    assert codes == [201, 201, 429]
    assert signup(limited, new_email(), "127.0.0.8", as_visitor("198.51.100.2")).status_code == 201
    assert signup(limited, new_email(), "127.0.0.8", as_visitor("2001:db8:1:2::1")).status_code == 201
    assert signup(limited, new_email(), "127.0.0.8", as_visitor("2001:db8:1:2::2")).status_code == 201
    assert signup(limited, new_email(), "127.0.0.8", as_visitor("2001:db8:1:2::3")).status_code == 429  # one /64
    # a header not signed with the shared secret, or too old, counts against the peer itself
    bad = [as_visitor("198.51.100.3", key="guessed"), as_visitor("198.51.100.4", at=time.time() - 3600),
           {visitor.HEADER: "198.51.100.5"}]
    assert [signup(limited, new_email(), "127.0.0.9", h).status_code for h in bad] == [201, 201, 429]


def test_logins_per_visitor_the_dashboard_forwards(limited):
    """Every dashboard login comes from the dashboard's address: a guesser behind it must not lock out the owner
    behind it too."""
    secret = limited.env["DASHBOARD_FORWARDING_SECRET"]
    email = merchant(limited, source="127.0.1.3")

    def as_visitor(address: str) -> dict[str, str]:
        return {visitor.HEADER: visitor.sign(secret, address, time.time())}

    guesses = [login(limited, email, source="127.0.0.11", headers=as_visitor("198.51.100.31")).status_code
               for _ in range(11)]
    assert guesses == [401] * 10 + [429]
    owner = login(limited, email, PASSWORD, source="127.0.0.11", headers=as_visitor("198.51.100.32"))
    assert owner.status_code == 200
    for _ in range(3):  # a header that does not verify is told to the operator, once per process
        login(limited, email, source="127.0.0.12", headers={visitor.HEADER: "198.51.100.33 1 bad"})
    assert limited.log_text("api").count("did not verify") == 1


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


def test_limit_headers_only_where_limits_are(limited):
    r = login(limited, new_email(), source="127.0.0.10")
    assert r.headers["X-RateLimit-Limit"] == "10" and r.headers["X-RateLimit-Remaining"] == "9"
    again = login(limited, new_email(), source="127.0.0.10")  # another account: its own per-email budget
    assert again.headers["X-RateLimit-Remaining"] == "9"
    for _ in range(30):  # far beyond every limit: the merchant API carries none
        order = limited.api("POST", "/api/v1/orders", {"amount": 5000})
        assert order.status_code == 201 and not any(h.lower().startswith("x-ratelimit") for h in order.headers)


def test_behind_a_proxy_the_limits_count_the_client_it_reports(proxied):
    def through_proxy(client: str) -> int:
        return login(proxied, new_email(), headers={"X-Forwarded-For": client}).status_code

    assert [through_proxy("198.51.100.7") for _ in range(21)] == [401] * 20 + [429]
    assert through_proxy("198.51.100.8") == 401
    assert through_proxy("203.0.113.50, 198.51.100.7") == 429  # what the client itself prepends is not believed


def test_behind_a_proxy_metrics_answer_loopback_clients_only(proxied):
    refused = call(proxied, "GET", "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert refused.status_code == 404 and refused.json()["error"]["code"] == "NOT_FOUND_ERROR"
    assert call(proxied, "GET", "/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 200
def test_the_merchant_api_never_meets_the_limiter(app, merchant_headers):
    """Flask-Limiter is installed on the app that serves the limited routes only: a request filter (its
    public API; this one limits nothing) sees every request that reaches the limiter, and none of the
    merchant API's."""
    from flask import request

    from backend.api.limits import limiter

    seen: list[str] = []

    @limiter.request_filter
    def _seen() -> bool:
        seen.append(request.path)
        return False

    client = app.test_client()
    assert client.post("/api/v1/orders", json={"amount": 5000}, headers=merchant_headers).status_code == 201
    assert client.get("/api/v1/orders?limit=1", headers=merchant_headers).status_code == 200
    assert client.get("/api/v1/no-such-thing").status_code == 404
    assert seen == []
    r = client.post("/api/v1/auth/login", json={"email": "nobody@shop.test", "password": "wrong password"})
    assert r.status_code == 401 and "X-RateLimit-Limit" in r.headers
    assert seen and set(seen) == {"/api/v1/auth/login"}


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
