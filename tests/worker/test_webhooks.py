"""Webhooks end to end: a real receiver on 127.0.0.1, the live API and a real Huey consumer."""
import hashlib
import hmac
import json
import secrets
import time

import pytest

from certifi import where as certifi_where

from backend.domain.signing import verify_webhook
from harness.receiver import Receiver
from backend.domain.ids import TEST_MERCHANT_ID


@pytest.fixture(scope="module")
def receiver():
    r = Receiver()
    yield r
    r.close()


def new_merchant(stack, webhook_url=None):
    r = stack.api("POST", "/api/v1/auth/signup", {"name": "Hook Shop", "email": f"h{secrets.token_hex(5)}@shop.test",
                                                  "password": "password123"}, auth=False)
    assert r.status_code == 201
    body = r.json()
    headers = {"X-Api-Key": body["api_key"], "X-Api-Secret": body["api_secret"]}
    if webhook_url:
        assert stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": webhook_url}, headers=headers).status_code == 200
    secret = stack.api("GET", "/api/v1/merchant", headers=headers).json()["webhook_secret"]
    return headers, secret


def logs(stack, headers, limit=100):
    return stack.api("GET", f"/api/v1/webhooks?limit={limit}", headers=headers).json()


def test_every_event_delivered_and_signed(stack, receiver):
    path = f"/ok/{secrets.token_hex(3)}"
    headers, secret = new_merchant(stack, receiver.url + path)
    order = stack.create_order(50000, headers=headers)
    payment = stack.pay_upi(order["id"], "success@test", headers=headers)
    stack.wait_payment(payment["id"], headers=headers)
    refund = stack.api("POST", f"/api/v1/payments/{payment['id']}/refunds", {"amount": 20000, "reason": "damaged"},
                       headers=headers).json()
    stack.wait_until(lambda: stack.api("GET", f"/api/v1/refunds/{refund['id']}", headers=headers).json()["status"]
                     == "processed", 20, "refund processed")
    failed = stack.pay_upi(stack.create_order(1000, headers=headers)["id"], "failure@test", headers=headers)
    stack.wait_payment(failed["id"], headers=headers)
    r = stack.api("POST", "/api/v1/merchant/webhook/test", headers=headers)
    assert r.status_code == 200 and r.json()["event"] == "webhook.test"

    expected = ["payment.created", "payment.pending", "payment.success", "refund.created", "refund.processed",
                "payment.created", "payment.pending", "payment.failed", "webhook.test"]
    stack.wait_until(lambda: len(receiver.on(path)) >= len(expected), 30, "all events at the receiver")
    got = receiver.on(path)
    assert sorted(json.loads(x.body)["event"] for x in got) == sorted(expected)
    for req in got:
        assert req.headers["Content-Type"] == "application/json"
        # the exact bytes: compact, and a receiver that re-serialises gets the same
        assert req.body == json.dumps(json.loads(req.body), separators=(",", ":"), ensure_ascii=False).encode()
        assert req.headers["X-Webhook-Signature"] == hmac.new(secret.encode(), req.body, hashlib.sha256).hexdigest()
        assert verify_webhook(req.body, req.headers, secret) == "standard"
        body = json.loads(req.body)
        assert isinstance(body["timestamp"], int) and abs(body["timestamp"] - time.time()) < 120
    by_event = {json.loads(x.body)["event"]: json.loads(x.body) for x in got}
    assert by_event["payment.success"]["data"]["payment"]["id"] == payment["id"]
    assert by_event["payment.success"]["data"]["payment"]["status"] == "success"
    assert by_event["refund.processed"]["data"]["refund"]["id"] == refund["id"]
    assert by_event["refund.processed"]["data"]["payment"]["id"] == payment["id"]
    assert by_event["webhook.test"]["data"]["payment"]["id"].startswith("pay_")

    page = stack.wait_until(lambda: (lambda p: p if all(x["status"] == "success" for x in p["data"]) else None)(
        logs(stack, headers)), 10, "logs to show success")
    assert page["total"] == len(expected) and page["limit"] == 100 and page["offset"] == 0
    entry = page["data"][0]
    assert set(entry) == {"id", "event", "status", "attempts", "created_at", "last_attempt_at", "next_retry_at",
                          "response_code", "event_id", "endpoint_id"}
    assert entry["event"] == "webhook.test" and entry["attempts"] == 1 and entry["response_code"] == 200
    detail = stack.api("GET", f"/api/v1/webhooks/{entry['id']}", headers=headers).json()
    assert detail["payload"]["event"] == "webhook.test" and detail["response_body"] == '{"received":9}'
    small = stack.api("GET", "/api/v1/webhooks?limit=2&offset=1", headers=headers).json()
    assert [x["id"] for x in small["data"]] == [x["id"] for x in page["data"][1:3]]
    assert stack.api("GET", f"/api/v1/webhooks?payment_id={payment['id']}", headers=headers).json()["total"] == 5


def test_no_url_no_log(stack):
    headers, _ = new_merchant(stack)
    stack.wait_payment(stack.pay_upi(stack.create_order(headers=headers)["id"], headers=headers)["id"], headers=headers)
    assert logs(stack, headers)["total"] == 0
    r = stack.api("POST", "/api/v1/merchant/webhook/test", headers=headers)
    assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST_ERROR"


@pytest.mark.slow
def test_retry_schedule_permanent_failure_and_manual_retry(stack, receiver):
    """Test intervals 5, 10, 15, 20 s: one endpoint fails twice then succeeds, another never answers 2xx."""
    flaky_path = f"/flaky/2/{secrets.token_hex(3)}"
    fail_path = f"/fail/{secrets.token_hex(3)}"
    flaky_headers, _ = new_merchant(stack, receiver.url + flaky_path)
    fail_headers, _ = new_merchant(stack, receiver.url + fail_path)
    assert stack.api("POST", "/api/v1/merchant/webhook/test", headers=flaky_headers).status_code == 200
    assert stack.api("POST", "/api/v1/merchant/webhook/test", headers=fail_headers).status_code == 200

    stack.wait_until(lambda: len(receiver.on(flaky_path)) >= 3, 40, "third attempt at the flaky endpoint")
    times = [r.at for r in receiver.on(flaky_path)]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert 4.5 <= gaps[0] <= 8 and 9.5 <= gaps[1] <= 13, gaps
    entry = stack.wait_until(lambda: (lambda d: d[0] if d and d[0]["status"] == "success" else None)(
        logs(stack, flaky_headers)["data"]), 10, "flaky delivery success")
    assert entry["attempts"] == 3 and entry["response_code"] == 200 and entry["next_retry_at"] is None

    mid = logs(stack, fail_headers)["data"][0]
    assert mid["status"] == "pending" and mid["next_retry_at"] is not None and mid["response_code"] == 500
    entry = stack.wait_until(lambda: (lambda d: d[0] if d[0]["status"] == "failed" else None)(
        logs(stack, fail_headers)["data"]), 60, "permanent failure")
    assert entry["attempts"] == 5 and entry["next_retry_at"] is None
    times = [r.at for r in receiver.on(fail_path)]
    assert len(times) == 5
    gaps = [round(b - a, 1) for a, b in zip(times, times[1:])]
    for gap, interval in zip(gaps, (5, 10, 15, 20)):
        assert interval - 0.5 <= gap <= interval + 3.5, gaps

    # manual retry: attempts back to 0, pending, delivered now (to a URL that works now)
    assert stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": receiver.url + flaky_path},
                     headers=fail_headers).status_code == 200
    r = stack.api("POST", f"/api/v1/webhooks/{entry['id']}/retry", headers=fail_headers)
    assert r.status_code == 200
    assert r.json() == {"id": entry["id"], "status": "pending", "message": "Webhook retry scheduled"}
    done = stack.wait_until(lambda: (lambda d: d if d["status"] == "success" else None)(
        stack.api("GET", f"/api/v1/webhooks/{entry['id']}", headers=fail_headers).json()), 15, "manual retry")
    assert done["attempts"] == 1 and done["response_code"] == 200
    other, _ = new_merchant(stack)
    assert stack.api("POST", f"/api/v1/webhooks/{entry['id']}/retry", headers=other).status_code == 404


def test_secret_regeneration_signs_with_the_new_secret(stack, receiver):
    path = f"/ok/{secrets.token_hex(3)}"
    headers, old = new_merchant(stack, receiver.url + path)
    r = stack.api("POST", "/api/v1/merchant/webhook/secret", headers=headers)
    new = r.json()["webhook_secret"]
    assert r.status_code == 200 and new.startswith("whsec_") and new != old
    assert stack.api("GET", "/api/v1/merchant", headers=headers).json()["webhook_secret"] == new
    stack.api("POST", "/api/v1/merchant/webhook/test", headers=headers)
    req = stack.wait_until(lambda: receiver.on(path), 15, "test event")[0]
    assert verify_webhook(req.body, req.headers, new) == "standard"
    with pytest.raises(Exception):
        verify_webhook(req.body, req.headers, old)


def test_webhook_url_rules(stack):
    headers, _ = new_merchant(stack)
    for bad in ("ftp://x.y/", "not a url", "https://", "http://x.com/" + "a" * 2048, 42):
        r = stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": bad}, headers=headers)
        assert r.status_code == 400 and r.json()["error"]["code"] == "BAD_REQUEST_ERROR", bad
    assert stack.api("GET", "/api/v1/merchant", headers=headers).json()["webhook_url"] is None
    ok = stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": "http://localhost:9/x"}, headers=headers)
    assert ok.status_code == 200 and ok.json()["webhook_url"] == "http://localhost:9/x"
    cleared = stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": None}, headers=headers)
    assert cleared.status_code == 200 and cleared.json()["webhook_url"] is None


def test_private_networks_refused_at_save_and_at_delivery(app, receiver, monkeypatch):
    """WEBHOOK_BLOCK_PRIVATE_NETWORKS=true: loopback is refused when saved and again when sending, and the
    delivery connects to the very address that was checked (a later DNS answer cannot redirect it)."""
    from dataclasses import replace

    from backend.config import Config
    from backend.domain import webhook_urls
    from backend.domain.errors import GatewayError
    from backend.models import Merchant, db
    from backend.services import merchants, webhooks

    config = replace(Config.from_env(), webhook_block_private_networks=True)
    with app.app_context():
        m = db.session.get(Merchant, TEST_MERCHANT_ID)
        for url in ("http://127.0.0.1:9/hook", "http://127.0.0.1:9\\@1.1.1.1/hook", "http://localhost:9/"):
            with pytest.raises(GatewayError):
                merchants.set_webhook_url(db.session, config, m, url)
            db.session.rollback()
    path = f"/ok/{secrets.token_hex(3)}"
    port = receiver.url.rsplit(":", 1)[1]
    delivery = webhooks.Delivery("log-id", receiver.url + path, "whsec_x", b"{}")
    result = webhooks.send(config, delivery)
    assert not result.ok and "private" in result.response_body and receiver.on(path) == []
    assert webhooks.send(Config.from_env(), delivery).ok and len(receiver.on(path)) == 1

    # Pinning: a name no DNS knows, "resolved" to an address the policy accepts; only a connection to the
    # checked address can reach the receiver, and it is told the URL's own host.
    monkeypatch.setattr(webhook_urls, "_blocked", lambda ip: str(ip) != "127.0.0.1")
    pinned = webhooks.Delivery("log-id", f"http://hooks.paygate.invalid:{port}{path}", "whsec_x", b"{}")
    result = webhooks.send(config, pinned, resolver=lambda host: ["127.0.0.1"])
    assert result.ok, result
    assert receiver.on(path)[-1].headers["Host"] == f"hooks.paygate.invalid:{port}"


def test_an_attempt_ends_at_its_deadline_whatever_the_receiver_does(app, receiver):
    """A 200 with Content-Length: 4097 and a byte every 0.5 s never trips the per-read timeout; the
    attempt's deadline (shortened here, 10 s in production) ends it anyway, as a failure with the reason."""
    from dataclasses import replace

    from backend.config import Config
    from backend.services import webhooks

    config = replace(Config.from_env(), webhook_deadline_seconds=2.0)
    path = f"/drip/0.5/{secrets.token_hex(3)}"
    started = time.monotonic()
    result = webhooks.send(config, webhooks.Delivery("log-id", receiver.url + path, "whsec_x", b"{}"))
    elapsed = time.monotonic() - started
    assert not result.ok and result.response_code is None and "Deadline exceeded" in result.response_body
    assert len(receiver.on(path)) == 1 and elapsed < 2.0 + 1.5, elapsed
    started = time.monotonic()
    head = webhooks.send(config, webhooks.Delivery("log-id", receiver.url + "/drip-head/0.5", "whsec_x", b"{}"))
    assert not head.ok and "Deadline exceeded" in head.response_body and time.monotonic() - started < 3.5
    garbage = webhooks.send(config, webhooks.Delivery("log-id", receiver.url + "/garbage", "whsec_x", b"{}"))
    assert not garbage.ok and garbage.response_body.startswith("Connection failed: ")  # recorded, not raised
    ok = webhooks.send(config, webhooks.Delivery("log-id", receiver.url + "/ok/x", "whsec_x", b"{}"))
    assert ok.ok and ok.response_code == 200 and ok.response_body.startswith('{"received":')  # untouched


@pytest.mark.slow
def test_100_dripping_deliveries_do_not_hold_up_another_merchant(stack, receiver):
    """One merchant's endpoint drips (a byte every 2 s) to 100 deliveries at once: it holds at most its
    share of the delivery pool (its one endpoint's: three quarters of the merchant's 32), each attempt ends at the 10 s deadline as a failure with the reason and is
    retried on schedule, the lease keeps the sweeper from sending a running attempt again, and another
    merchant's delivery goes out at once."""
    drip_path = f"/drip/2/{secrets.token_hex(3)}"
    drip_headers, _ = new_merchant(stack, receiver.url + drip_path)
    try:
        for _ in range(100):
            assert stack.api("POST", "/api/v1/merchant/webhook/test", headers=drip_headers).status_code == 200
        share = 32 * 3 // 4  # WEBHOOK_CONCURRENCY_PER_ENDPOINT's default, of the merchant's 32
        stack.wait_until(lambda: len(receiver.on(drip_path)) >= share, 30, "the slow endpoint's share in flight")
        first_sent = receiver.on(drip_path)[0].at
        time.sleep(0.5)
        if time.monotonic() - first_sent < 9.0:  # still the first round: exactly its share is in flight
            assert len(receiver.on(drip_path)) == share

        ok_path = f"/ok/{secrets.token_hex(3)}"
        ok_headers, _ = new_merchant(stack, receiver.url + ok_path)
        asked = time.monotonic()
        assert stack.api("POST", "/api/v1/merchant/webhook/test", headers=ok_headers).status_code == 200
        stack.wait_until(lambda: receiver.on(ok_path), 10, "the other merchant's delivery")
        assert receiver.on(ok_path)[0].at - asked < 10.0  # not behind the slow merchant's deliveries

        def a_failed_attempt():
            done = [e for e in logs(stack, drip_headers)["data"] if e["attempts"] >= 1]
            return done and (time.monotonic(), done[0])

        seen_at, entry = stack.wait_until(a_failed_attempt, 20, "a dripping attempt to be recorded")
        assert seen_at - first_sent < 10.0 + 3.0  # the deadline, plus polling
        detail = stack.api("GET", f"/api/v1/webhooks/{entry['id']}", headers=drip_headers).json()
        assert entry["status"] == "pending" and entry["next_retry_at"] and entry["response_code"] is None
        assert "Deadline exceeded" in detail["response_body"]
        # No attempt sent again while it ran (the lease outlives the deadline).
        sends: dict[str, list[float]] = {}
        for req in receiver.on(drip_path):
            sends.setdefault(req.headers["webhook-id"], []).append(req.at)
        assert all(b - a >= 10.0 for times in sends.values() for a, b in zip(times, times[1:]))
    finally:
        stack.api("PUT", "/api/v1/merchant/webhook", {"webhook_url": None}, headers=drip_headers)


def test_https_deliveries_verify_the_receivers_certificate(app, tmp_path, monkeypatch):
    """Deliveries open their own connections (for the deadline): TLS still checks the chain and the name."""
    import subprocess

    from backend.config import Config
    from backend.services import webhooks

    def certificate(name: str, alt_name: bool) -> tuple[str, str]:
        cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
        extra = ["-addext", "subjectAltName=DNS:localhost"] if alt_name else []
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                        str(cert), "-days", "1", "-subj", "/CN=localhost", *extra], check=True, capture_output=True)
        return str(cert), str(key)

    good, no_name = certificate("good", True), certificate("no-name", False)
    for tls, trusted, expected in ((good, False, "SSLCertVerificationError"), (no_name, True, "CertificateError"),
                                   (good, True, None)):
        receiver = Receiver(tls=tls)
        try:
            monkeypatch.setattr(webhooks.certifi, "where", (lambda c=tls[0]: c) if trusted else certifi_where)
            result = webhooks.send(Config.from_env(), webhooks.Delivery("log-id", receiver.url + "/ok/tls", "whsec_x", b"{}"))
        finally:
            receiver.close()
        if expected is None:
            assert result.ok and result.response_code == 200, result
        else:
            assert not result.ok and result.response_body == f"Connection failed: {expected}", result
