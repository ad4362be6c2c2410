"""No input, however malformed, gets a 500 or a traceback; every refusal is the contract's error body and
changes nothing."""
import json

import pytest

ERROR_KEYS = {"error"}


def assert_error(r, status, code=None):
    assert r.status_code == status, r.get_data(as_text=True)
    assert r.mimetype == "application/json"
    body = r.get_json()
    assert set(body) == ERROR_KEYS and set(body["error"]) == {"code", "description"}
    assert body["error"]["description"] and "Traceback" not in r.get_data(as_text=True)
    if code:
        assert body["error"]["code"] == code
    return body["error"]


def count(client, headers):
    return client.get("/api/v1/orders?limit=1", headers=headers).get_json()["total"]


@pytest.mark.parametrize("amount", ["500", 500.5, 500.0, True, None, [], {}, -100, 99, 10**12 + 1, 10**30])
def test_bad_amounts(client, merchant_headers, amount):
    before = count(client, merchant_headers)
    assert_error(client.post("/api/v1/orders", json={"amount": amount}, headers=merchant_headers), 400,
                 "BAD_REQUEST_ERROR")
    assert count(client, merchant_headers) == before


def test_amount_minimum_message(client, merchant_headers):
    err = assert_error(client.post("/api/v1/orders", json={"amount": 99}, headers=merchant_headers), 400)
    assert err["description"] == "amount must be at least 100"


@pytest.mark.parametrize("data,content_type", [
    ("{bad json", "application/json"), ("", "application/json"), ("[1,2]", "application/json"),
    ('"string"', "application/json"), ("null", "application/json"), ("42", "application/json"),
    ("amount=500", "application/x-www-form-urlencoded"), ('{"amount": 500}', "text/plain"),
    ('{"amount": 500}', None), ("\xff\xfe", "application/json"), ("[" * 100000, "application/json"),
    ('{"amount": NaN}', "application/json"), ('{"amount": 1e400}', "application/json"),
    ('{"amount": 500, "receipt": "a\\u0000b"}', "application/json"),
    ('{"amount": 500, "notes": {"k\\u0000": "v"}}', "application/json"),
    ('{"amount": 500, "receipt": "a\\u0000b"}'.encode("utf-16"), "application/json"),  # json.loads reads UTF-16
    ('{"amount": 500, "receipt": "a\\u0000b"}'.encode("utf-32-le"), "application/json"),
])
def test_malformed_bodies(client, merchant_headers, data, content_type):
    before = count(client, merchant_headers)
    headers = dict(merchant_headers)
    if content_type:
        headers["Content-Type"] = content_type
    assert_error(client.post("/api/v1/orders", data=data, headers=headers), 400, "BAD_REQUEST_ERROR")
    assert count(client, merchant_headers) == before


@pytest.mark.parametrize("body,fragment", [
    ({"amount": 500, "unknown": 1}, "unknown is not a recognised field"),
    ({"amount": 500, "currency": "inr"}, "currency"),
    ({"amount": 500, "currency": "RUPEES"}, "currency"),
    ({"amount": 500, "receipt": "x" * 256}, "receipt"),
    ({"amount": 500, "receipt": 12}, "receipt must be a string"),
    ({"amount": 500, "notes": "text"}, "notes"),
    ({"amount": 500, "notes": {str(i): "v" for i in range(16)}}, "15"),
    ({"amount": 500, "notes": {"k": "v" * 257}}, "256"),
    ({"amount": 500, "notes": {"k": 1}}, "notes.k"),
])
def test_field_rules(client, merchant_headers, body, fragment):
    err = assert_error(client.post("/api/v1/orders", json=body, headers=merchant_headers), 400, "BAD_REQUEST_ERROR")
    assert fragment in err["description"]


def test_body_over_one_megabyte(client, merchant_headers):
    big = json.dumps({"amount": 500, "receipt": "x" * (1024 * 1024)})
    assert_error(client.post("/api/v1/orders", data=big, headers={**merchant_headers, "Content-Type": "application/json"}),
                 413, "PAYLOAD_TOO_LARGE")


def test_unknown_route_and_wrong_method(client, merchant_headers):
    assert_error(client.get("/api/v1/nothing-here"), 404, "NOT_FOUND_ERROR")
    assert_error(client.get("/"), 404, "NOT_FOUND_ERROR")
    err_response = client.delete("/api/v1/orders", headers=merchant_headers)
    assert_error(err_response, 405, "METHOD_NOT_ALLOWED")
    assert "POST" in err_response.headers["Allow"]
    assert_error(client.put("/health"), 405)


@pytest.mark.parametrize("headers", [{}, {"X-Api-Key": "key_test_abc123"}, {"X-Api-Secret": "secret_test_xyz789"},
                                     {"X-Api-Key": "key_test_abc123", "X-Api-Secret": "wrong"},
                                     {"X-Api-Key": "wrong", "X-Api-Secret": "secret_test_xyz789"},
                                     {"X-Api-Key": "", "X-Api-Secret": ""}])
def test_credentials_checked_before_body(client, headers):
    for path in ("/api/v1/orders", "/api/v1/payments", "/api/v1/payments/pay_x/capture", "/api/v1/payments/pay_x/refunds"):
        err = assert_error(client.post(path, data="{bad", headers={**headers, "Content-Type": "application/json"}), 401,
                           "AUTHENTICATION_ERROR")
        assert err["description"] == "Invalid API credentials"
    assert_error(client.get("/api/v1/orders/order_x", headers=headers), 401, "AUTHENTICATION_ERROR")


@pytest.mark.parametrize("body", [
    {"order_id": 5, "method": "upi", "vpa": "a@b"}, {"order_id": "o", "method": 1, "vpa": "a@b"},
    {"order_id": "o", "method": "upi", "vpa": ["a@b"]}, {"method": "upi", "vpa": "a@b"},
    {"order_id": "o", "method": "card", "card": "4111111111111111"},
    {"order_id": "o", "method": "card", "card": {"number": 4111111111111111, "expiry_month": "12",
                                                 "expiry_year": "30", "cvv": "123", "holder_name": "x"}},
    {"order_id": "o", "method": "upi", "vpa": "a@b", "card": None, "extra": True},
    {"order_id": "x" * 100, "method": "upi", "vpa": "a@b"},
])
def test_payment_shapes(client, merchant_headers, body):
    assert_error(client.post("/api/v1/payments", json=body, headers=merchant_headers), 400, "BAD_REQUEST_ERROR")


def test_path_garbage_never_500(client, merchant_headers):
    for path in ("/api/v1/orders/%00", "/api/v1/payments/" + "x" * 5000, "/api/v1/orders/'; DROP TABLE orders;--",
                 "/api/v1/refunds/%ff", "/api/v1/webhooks/../../etc/passwd", "/api/v1/orders/%F0%9F%92%B3"):
        r = client.get(path, headers=merchant_headers)
        assert r.status_code in (400, 404), (path, r.status_code)
        assert_error(r, r.status_code)
    for path in ("/api/v1/payments?order_id=%00", "/api/v1/payments?status=%00"):
        r = client.get(path, headers=merchant_headers)
        assert r.status_code == 400, (path, r.status_code)
        assert_error(r, r.status_code)
    # the text "%00" (sent as %2500) is no NUL: an ordinary, empty listing
    r = client.get("/api/v1/payments?order_id=%2500", headers=merchant_headers)
    assert r.status_code == 200 and r.get_json()["data"] == []


@pytest.mark.parametrize("key", ["", "k" * 256])
def test_bad_idempotency_keys(client, merchant_headers, key):
    r = client.post("/api/v1/orders", json={"amount": 500}, headers={**merchant_headers, "Idempotency-Key": key})
    assert_error(r, 400, "BAD_REQUEST_ERROR")


@pytest.mark.parametrize("query", ["to=9999-12-31T23:59:59-01:00", "from=0001-01-01T00:00:00%2B01:00"])
def test_out_of_range_dates_are_400(client, merchant_headers, query):
    assert_error(client.get(f"/api/v1/payments?{query}", headers=merchant_headers), 400, "BAD_REQUEST_ERROR")


@pytest.mark.parametrize("card,code", [
    ({"number": "4" * 100}, "INVALID_CARD"), ({"expiry_month": "12345"}, "EXPIRED_CARD"),
    ({"expiry_year": "99999"}, "EXPIRED_CARD"), ({"expiry_month": " 12"}, "EXPIRED_CARD"),
])
def test_card_field_lengths_get_the_contract_codes(client, merchant_headers, card, code):
    order = client.post("/api/v1/orders", json={"amount": 500}, headers=merchant_headers).get_json()
    base = {"number": "4111111111111111", "expiry_month": "12", "expiry_year": "2030", "cvv": "123",
            "holder_name": "A B"}
    r = client.post("/api/v1/payments", json={"order_id": order["id"], "method": "card", "card": {**base, **card}},
                    headers=merchant_headers)
    assert_error(r, 400, code)


def test_odd_paths_are_json_404s_never_redirects(app, client, merchant_headers):
    """An id holding a slash (%2F), a doubled or a trailing slash: the route's JSON 404, never an HTML 308
    to another path (the checkout once took one for an order)."""
    paths = {path: "GET" for path in ("/api/v1/orders/x%2F/public", "/api/v1/payments/x%2F/public",
                                      "/api/v1/orders//public", "//health", "/health/", "/api/v1",
                                      "/api/v1/orders/%2F%2F", "/api/v1/orders/x%2F..%2F")}
    for rule in app.url_map.iter_rules():
        if ":" in rule.rule or "swagger" in rule.rule or rule.rule.endswith("/"):
            continue  # static files and the docs UI
        method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
        real = rule.rule.replace("<id>", "order_0123456789abcdef")
        last = real.rindex("/")
        for odd in (real + "/", "/" + real, real[:last] + "/" + real[last:], rule.rule.replace("<id>", "x%2F")):
            if odd != rule.rule:
                paths[odd] = method
    for path, method in paths.items():
        r = client.open(path, method=method, headers=merchant_headers, json={} if method != "GET" else None)
        assert r.status_code in (404, 405), (method, path, r.status_code)
        assert "Location" not in r.headers and r.mimetype == "application/json", (method, path)
        assert_error(r, r.status_code)
