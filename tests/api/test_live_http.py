"""Edge cases that only a real HTTP server shows (granian in front of the app, backend/serve.py)."""
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
    from harness.stack import Stack

    s = Stack(api_workers=1, METRICS_TOKEN="scrape-me")
    try:
        assert s.api("GET", "/metrics", auth=False).status_code == 404  # a token, once set, is required
        r = s.api("GET", "/metrics", auth=False, headers={"Authorization": "Bearer scrape-me"})
        assert r.status_code == 200 and "paygate_worker_up" in r.text
        assert s.api("GET", "/metrics", auth=False, headers={"Authorization": "Bearer wrong"}).status_code == 404
    finally:
        s.close()


def _raw(stack, request: bytes) -> tuple[str, dict[str, str], bytes]:
    import socket

    with socket.create_connection(("127.0.0.1", stack.api_port), timeout=10) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    return status_line, {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}, body


def test_requests_the_server_refuses_get_the_json_error_body(stack):
    """A request line or headers over the limits (backend/serving.py) are refused before any route, with
    the contract's body, as JSON."""
    cases = {414: b"GET /api/v1/orders/" + b"x" * 9000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
             431: b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"y" * 9000 + b"\r\n\r\n"}
    for status, request in cases.items():
        status_line, headers, body = _raw(stack, request)
        assert status_line.split(" ")[1] == str(status), status_line
        assert headers["content-type"] == "application/json"
        error = json.loads(body)["error"]
        assert error["code"] == "BAD_REQUEST_ERROR" and set(error) == {"code", "description"}
        assert b"yyyy" not in body and b"xxxx" not in body  # the request is not echoed


def test_a_request_that_is_not_http_gets_the_servers_empty_400(stack):
    """granian answers what it cannot parse itself and has no hook for the body: 400, nothing in the body,
    the connection closed (README, production)."""
    status_line, headers, body = _raw(stack, b"NOT A REQUEST\r\n\r\n")
    assert status_line.split(" ")[1] == "400", status_line
    assert headers["content-length"] == "0" and body == b"" and headers["connection"] == "close"


def test_idle_keep_alive_connections_do_not_starve_a_new_one(stack):
    """granian counts each open connection against its backpressure bound until it closes, idle keep-alive
    ones too. With the bound once at 16 per worker, a client's pooled connections left new requests waiting
    in the kernel's queue for 30 s (backend/serve.py)."""
    import socket

    import requests

    held = []
    try:
        for _ in range(80):  # well past the old bound of 16 per worker, far under API_MAX_CONNECTIONS
            sock = socket.create_connection(("127.0.0.1", stack.api_port), timeout=10)
            held.append(sock)
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
            assert sock.recv(65536).startswith(b"HTTP/1.1 "), "a held connection was not answered"
        r = requests.get(f"http://127.0.0.1:{stack.api_port}/health", timeout=5)
        assert r.status_code in (200, 503)
    finally:
        for sock in held:
            sock.close()
