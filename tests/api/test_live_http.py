"""Edge cases that only a real HTTP server shows (gunicorn in front of the app)."""
import json


def test_chunked_bodies(stack):
    def chunks(payload: bytes, size: int = 65536):
        for i in range(0, len(payload), size):
            yield payload[i:i + size]

    small = json.dumps({"amount": 500, "receipt": "chunked"}).encode()
    r = stack.api("POST", "/api/v1/orders", headers={"Content-Type": "application/json"}, data=chunks(small))
    assert r.status_code == 201 and r.json()["receipt"] == "chunked"

    big = json.dumps({"amount": 500, "receipt": "x" * (2 * 1024 * 1024)}).encode()
    r = stack.api("POST", "/api/v1/orders", headers={"Content-Type": "application/json"}, data=chunks(big))
    assert r.status_code == 413
    assert r.json() == {"error": {"code": "PAYLOAD_TOO_LARGE", "description": "Request body must be at most 1 MB"}}


def test_large_content_length_refused_before_reading(stack):
    r = stack.api("POST", "/api/v1/orders", headers={"Content-Type": "application/json"},
                  data=b"{" + b" " * (1024 * 1024 + 10) + b"}")
    assert r.status_code == 413 and r.json()["error"]["code"] == "PAYLOAD_TOO_LARGE"


def test_metrics_token():
    from tests.stack import Stack

    s = Stack(METRICS_TOKEN="scrape-me")
    try:
        assert s.api("GET", "/metrics", auth=False).status_code == 404  # a token, once set, is required
        r = s.api("GET", "/metrics", auth=False, headers={"Authorization": "Bearer scrape-me"})
        assert r.status_code == 200 and "paygate_worker_up" in r.text
        assert s.api("GET", "/metrics", auth=False, headers={"Authorization": "Bearer wrong"}).status_code == 404
    finally:
        s.close()
